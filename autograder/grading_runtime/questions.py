"""The questions of an assignment, read from the test files ``otter assign`` wrote into the zip.

Each ``tests/<question>.py`` is one question in otter's exception-based format: a ``name``,
``points`` (a list with one value per test case, or a total shared out), and test functions
decorated with ``@test_case(points=..., hidden=..., success_message=...)`` whose parameters
name the notebook's objects they test. The files are read here without importing otter
(which costs as much as importing torch): the decorator is ours, the rest is plain Python
that the build wrote from the master notebook.
"""

from __future__ import annotations

import ast
import inspect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

OTTER_MODULE = "otter.test_files"


class QuestionsError(ValueError):
    """A test file the grader cannot use; a build or packaging problem, never the student's."""


@dataclass(frozen=True)
class TestCase:
    name: str  # the test function's name
    hidden: bool
    points: float
    function: Callable[..., Any] = field(repr=False, compare=False)
    success_message: str | None = None
    failure_message: str | None = None

    @property
    def parameters(self) -> tuple[str, ...]:
        return tuple(inspect.signature(self.function).parameters)

    @property
    def title(self) -> str:
        return self.name.removeprefix("test_").replace("_", " ")


@dataclass(frozen=True)
class Question:
    name: str
    cases: tuple[TestCase, ...]

    @property
    def max_score(self) -> float:
        return float(sum(case.points for case in self.cases))


def _without_otter_import(tree: ast.Module) -> ast.Module:
    tree.body = [node for node in tree.body
                 if not (isinstance(node, ast.ImportFrom) and node.module == OTTER_MODULE)]
    return tree


def read_question(source: str, path: str) -> Question:
    cases: list[dict[str, Any]] = []

    def test_case(points: Any = None, hidden: Any = False, success_message: str | None = None,
                  failure_message: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def record(function: Callable[..., Any]) -> Callable[..., Any]:
            cases.append({"name": function.__name__, "hidden": bool(hidden), "points": points,
                          "function": function, "success_message": success_message,
                          "failure_message": failure_message})
            return function
        return record

    try:
        tree = _without_otter_import(ast.parse(source, filename=path))
        namespace = {"test_case": test_case, "__name__": f"tests.{Path(path).stem}"}
        exec(compile(tree, path, "exec"), namespace)
    except Exception as error:
        raise QuestionsError(f"{path}: the test file does not load ({error})") from None
    name = namespace.get("name")
    if not isinstance(name, str) or not cases:
        raise QuestionsError(f"{path}: no question name, or no test case")
    points = _resolve_points(namespace.get("points"), [c["points"] for c in cases], path)
    return Question(name, tuple(TestCase(points=p, **{k: v for k, v in c.items() if k != "points"})
                                for c, p in zip(cases, points)))


def _resolve_points(total: Any, per_case: list[Any], path: str) -> list[float]:
    """otter's rule: a list gives each case its points; a total is shared among the cases that
    name none; with no total, the cases that name none are worth nothing, unless none names
    any, and then the question is worth one point, shared."""
    def number(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise QuestionsError(f"{path}: {value!r} is not a number of points")
        return float(value)

    if isinstance(total, list):
        if len(total) != len(per_case):
            raise QuestionsError(f"{path}: {len(total)} point values for {len(per_case)} test cases")
        return [number(p) for p in total]
    given = [number(p) for p in per_case if p is not None]
    unnamed = sum(1 for p in per_case if p is None)
    if total is None:
        if not any(given):  # only zeros, or nothing: one point, shared by the cases naming none
            share = 1.0 / unnamed if unnamed else 0.0
            return [share if p is None else 0.0 for p in per_case]
        return [number(p) if p is not None else 0.0 for p in per_case]
    total = number(total)
    if sum(given) > total:
        raise QuestionsError(f"{path}: the test cases name more points than the question's {total:g}")
    share = (total - sum(given)) / unnamed if unnamed else 0.0
    return [number(p) if p is not None else share for p in per_case]


def natural_order(name: str) -> tuple[tuple[int, int, str], ...]:
    """A sort key that puts ``q2`` before ``q10``: runs of digits compare as numbers."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", name) if part)


def read_questions(tests_dir: Path) -> list[Question]:
    """Every question in ``tests_dir``, in the order the instructor numbered them (``q2``
    before ``q10``, whatever the file names sort to)."""
    found = [read_question(path.read_text(encoding="utf-8"), f"tests/{path.name}")
             for path in tests_dir.glob("*.py")]
    return sorted(found, key=lambda question: natural_order(question.name))


def points_of(tests_dir: Path) -> dict[str, float]:
    """Each question's name and its points; what a grading that never ran still reports."""
    return {question.name: question.max_score for question in read_questions(tests_dir)}
