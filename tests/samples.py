"""The sample submissions of an assignment (``assignments/<name>/samples/``) and what each
says of itself in its top-level constants: ``LOSES``, the questions the partly wrong sample
loses points on, and ``PUBLIC_CHECKS_SAY``, what the public checks tell its student."""

from __future__ import annotations

import ast
from typing import Any

from autograder import answers
from scratch_project import REPO


def answer_file(name: str, sample: str) -> str:
    return (REPO / "assignments" / name / "samples" / f"{sample}.py").read_text(encoding="utf-8")


def answers_of(name: str, sample: str) -> dict[str, str]:
    """The sample's definitions, ready for :func:`autograder.answers.fill`."""
    return answers.definitions(answer_file(name, sample))


def declared(name: str, sample: str, constant: str) -> Any:
    """The value a sample gives ``constant`` (a plain literal), read without running it."""
    for node in ast.parse(answer_file(name, sample)).body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets if isinstance(t, ast.Name)] == [constant]:
            return ast.literal_eval(node.value)
    raise AssertionError(f"assignments/{name}/samples/{sample}.py declares no {constant}")
