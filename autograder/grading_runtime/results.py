"""Gradescope's autograder results format: the one module that reads or writes it.

A results file is JSON with an overall ``score``, an optional top-level ``output`` shown to
the student above the tests, ``execution_time`` in seconds, and a list of ``tests``, each
with a ``name`` and, for scored tests, ``score`` and ``max_score``; ``visibility`` decides
when a student sees an entry (``visible`` at once, ``after_published`` once grades are
published, ``hidden`` never). ``gradescope_results.schema.json`` beside this file is the
format as a JSON schema.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

SCHEMA_FILE = Path(__file__).with_name("gradescope_results.schema.json")
STAFF_ONLY = "hidden"
GRADED, NOT_GRADED = "graded", "not graded"  # extra_data.status: did the notebook get graded?


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


def schema_errors(results: dict) -> list[str]:
    """What keeps ``results`` from matching Gradescope's format (empty when it matches)."""
    import jsonschema

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
            for e in validator.iter_errors(results)]


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


def status(results: dict) -> str:
    """``graded``, or ``not graded`` for a submission that got the zero of ``failure``."""
    return results.get("extra_data", {}).get("status", GRADED)


def failure(message: str, questions: dict[str, float], staff_detail: str = "") -> dict:
    """Results for a submission that could not be graded: zero on every question.

    ``message`` is shown to the student; ``staff_detail`` (a traceback, a log) only to staff.
    """
    tests = [
        {
            "name": name,
            "score": 0.0,
            "max_score": max_score,
            "status": "failed",
            "visibility": "visible",
            "output": "Not graded: " + message,
        }
        for name, max_score in questions.items()
    ]
    if staff_detail:
        tests.append({"name": "Grader log (staff only)", "visibility": STAFF_ONLY, "output": staff_detail})
    return {"score": 0.0, "output": message, "tests": tests}


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n... [{len(text) - limit} more characters cut]"


def finalize(results: dict, *, seconds: float, notes: list[str], max_test_output_chars: int,
             graded: bool) -> dict:
    """Complete a results file for students: total, time, truncation and what to do next."""
    finished = dict(results)
    finished["tests"] = []
    for test in results["tests"]:
        test = dict(test)
        if "output" in test and test.get("visibility") != STAFF_ONLY:
            test["output"] = _truncate(test["output"], max_test_output_chars)
        if "max_score" in test and "status" not in test:
            test["status"] = "passed" if test.get("score", 0) >= test["max_score"] else "failed"
        finished["tests"].append(test)
    finished["score"] = round(total_score(finished), 5)
    finished["execution_time"] = round(seconds, 1)
    finished["extra_data"] = {"status": GRADED if graded else NOT_GRADED}
    if graded:
        summary = (
            "Your notebook was graded. Below are the public tests, the checks you could run "
            "yourself; if one failed, its message says what to fix, and you may resubmit. "
            "Your score and the hidden tests' results appear when grades are published."
        )
        finished["output"] = "\n\n".join([summary, *notes])
    else:
        finished["output"] = "\n\n".join([results.get("output", ""), *notes]).strip()
    return finished
