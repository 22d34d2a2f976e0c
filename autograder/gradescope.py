"""Gradescope's autograder results format: the one module that reads or writes it.

A results file is JSON with an optional overall ``score``, an optional top-level
``output``, and a list of ``tests``, each with a ``name`` and, for scored tests,
``score`` and ``max_score``; ``visibility`` decides when students see an entry.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class QuestionScore:
    score: float
    max_score: float


def read(path: Path) -> dict:
    results = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(results, dict) or not isinstance(results.get("tests"), list):
        raise ValueError(f"{path} is not a Gradescope results file")
    return results


def write(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def question_scores(results: dict) -> dict[str, QuestionScore]:
    """The scored entries of a results file, by name."""
    scores = {}
    for test in results["tests"]:
        if "max_score" in test:
            scores[test["name"]] = QuestionScore(float(test.get("score", 0.0)), float(test["max_score"]))
    return scores


def total_score(results: dict) -> float:
    if "score" in results:
        return float(results["score"])
    return math.fsum(s.score for s in question_scores(results).values())


def failure(message: str, questions: dict[str, float], staff_detail: str = "") -> dict:
    """Results for a submission that could not be graded: zero on every question.

    ``message`` is shown to the student; ``staff_detail`` (a traceback, a log) only to staff.
    """
    tests = [
        {
            "name": name,
            "score": 0.0,
            "max_score": max_score,
            "visibility": "visible",
            "output": "Not graded: " + message,
        }
        for name, max_score in questions.items()
    ]
    if staff_detail:
        tests.append({
            "name": "Grader log (staff only)",
            "visibility": "hidden",
            "output": staff_detail,
        })
    return {"score": 0.0, "output": message, "tests": tests}
