"""Gradescope's results format, and the typed grading it is made from: the one module that knows it.

A grading is a :class:`Grading`: its status, a message for the student, each question's test
cases with their points and messages, notes, and a record for staff (which protections
the student process ran under, what it printed, what went wrong in the grader). It is
written as Gradescope's ``results.json``:

* ``score`` and ``output`` (shown above the tests); no ``execution_time``, which students
  see, since a submission can make its own time tell a hidden input (it sleeps in proportion);
* a visible "Public Tests" entry with the public checks' results, shown at once;
* one entry per question with its score and every case's message, ``after_published``;
* a staff-only entry (``visibility: hidden``) with the record;
* ``extra_data``, which students do not see, with the grading itself in machine-readable
  form (how long the judge took included), so that :func:`read` gives back the very
  :class:`Grading` that was written.

``gradescope_results.schema.json`` beside this file is the format as a JSON schema.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from .sandbox import Isolation

SCHEMA_FILE = Path(__file__).with_name("gradescope_results.schema.json")
GRADED, NOT_GRADED = "graded", "not graded"
PUBLIC_TESTS = "Public Tests"
STAFF_RECORD = "Grading record (staff only)"
GRADED_SUMMARY = (
    "Your notebook was graded. Below are the public tests, the checks you could run "
    "yourself; if one failed, its message says what to fix, and you may resubmit. "
    "Your score and the hidden tests' results appear when grades are published."
)


@dataclass
class CaseResult:
    name: str
    hidden: bool
    points: float
    passed: bool
    message: str = ""  # what the student reads when it failed (or its success message)
    diagnosis: str | None = None  # the key of the mistake a check recognised, if any

    @property
    def score(self) -> float:
        return self.points if self.passed else 0.0


@dataclass
class QuestionResult:
    name: str
    cases: list[CaseResult]
    max_points: float | None = None  # for questions that never ran: their worth

    @property
    def max_score(self) -> float:
        return self.max_points if self.max_points is not None else math.fsum(c.points for c in self.cases)

    @property
    def score(self) -> float:
        return math.fsum(c.score for c in self.cases)


# How the results file names each field of the staff record, for a person reading it on
# Gradescope; the code reads and writes the fields.
_STAFF_KEYS = {
    "isolation": "isolation",
    "restarts": "restarts",
    "hidden_cases_seed": "hidden cases seed",
    "judge_peak_memory_mb": "judge peak memory (MB)",
    "student_peak_memory_mb": "peak memory of the student processes (MB)",
    "notebook_output": "notebook output",
    "grader_problems": "grader problems",
    "grader_error": "grader error",
    "notes_during_hidden_tests": "notes made during the hidden tests",
    "invalid_results": "invalid results",
}


@dataclass
class StaffRecord:
    """What only staff read about a grading (the results file's hidden entry, and the class
    report): what the student processes ran under and printed, and what went wrong in the grader."""

    isolation: Isolation | None = None  # None: no student process got as far as saying it
    restarts: int = 0
    hidden_cases_seed: int | None = None
    judge_peak_memory_mb: float | None = None
    student_peak_memory_mb: float | None = None  # of the grading's control group, where it had one
    notebook_output: str = ""
    grader_problems: list[str] = field(default_factory=list)  # one per test that hit one
    grader_error: str = ""  # why the grading could not finish
    notes_during_hidden_tests: list[str] = field(default_factory=list)  # not shown to the student
    invalid_results: list[str] = field(default_factory=list)  # what the schema rejected

    def as_dict(self) -> dict[str, Any]:
        """As the results file writes it: the readable keys, the empty fields left out."""
        written = {}
        for name, key in _STAFF_KEYS.items():
            value = getattr(self, name)
            if name == "isolation":
                value = value.as_dict() if value is not None else None
            if value not in (None, "", []) or name in ("restarts", "notebook_output"):
                written[key] = value
        return written

    @classmethod
    def from_dict(cls, written: dict[str, Any]) -> StaffRecord:
        """A record as :meth:`as_dict` wrote it (keys it does not know are ignored, and an
        isolation record that does not read is left out)."""
        values = {name: written[key] for name, key in _STAFF_KEYS.items() if key in written}
        try:
            values["isolation"] = Isolation.from_dict(values["isolation"]) if values.get("isolation") else None
        except ValueError:
            values["isolation"] = None
        return cls(**values)


@dataclass
class Grading:
    status: str  # GRADED or NOT_GRADED
    message: str  # for the student, above everything else
    questions: list[QuestionResult]
    notes: list[str] = field(default_factory=list)  # for the student, under the message
    seconds: float = 0.0
    staff: StaffRecord = field(default_factory=StaffRecord)

    @property
    def score(self) -> float:
        return math.fsum(q.score for q in self.questions)

    @property
    def max_score(self) -> float:
        return math.fsum(q.max_score for q in self.questions)

    def question_scores(self) -> dict[str, tuple[float, float]]:
        return {q.name: (q.score, q.max_score) for q in self.questions}


def not_graded(message: str, questions: dict[str, float], staff: StaffRecord | None = None) -> Grading:
    """A submission that could not be graded: zero on every question, and why."""
    return Grading(NOT_GRADED, message, [QuestionResult(name, [], points) for name, points in questions.items()],
                   staff=staff or StaffRecord())


# --- writing results.json ------------------------------------------------------------------------


def _points(value: float) -> float | int:
    rounded = round(value, 5)
    return int(rounded) if rounded == int(rounded) else rounded


def _case_line(case: CaseResult) -> str:
    worth = f"{_points(case.points)} point{'s' if case.points != 1 else ''}"
    kind = "hidden" if case.hidden else "public"
    if case.passed:
        extra = f": {case.message}" if case.message else ""
        return f"  ✅ {case.name} ({kind}, {worth}){extra}"
    return f"  ❌ {case.name} ({kind}, {worth}): {case.message}"


def question_text(question: QuestionResult, *, public_only: bool = False, limit: int = 4000) -> str:
    cases = [c for c in question.cases if not (public_only and c.hidden)]
    if not question.cases:
        head = f"{question.name}: not graded"
    elif public_only:
        passed = sum(c.passed for c in cases)
        head = f"{question.name}: {passed} of {len(cases)} public check{'s' if len(cases) != 1 else ''} passed"
    else:
        head = f"{question.name}: {_points(question.score)} of {_points(question.max_score)} points"
    return _truncate("\n".join([head, *(_case_line(c) for c in cases)]), limit)


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n... [{len(text) - limit} more characters cut]"


def to_gradescope(grading: Grading, *, max_test_output_chars: int = 4000) -> dict[str, Any]:
    graded = grading.status == GRADED
    tests: list[dict[str, Any]] = []
    if graded:
        public = "\n\n".join(question_text(q, public_only=True, limit=max_test_output_chars)
                             for q in grading.questions if any(not c.hidden for c in q.cases))
        failed = any(not c.passed for q in grading.questions for c in q.cases if not c.hidden)
        tests.append({"name": PUBLIC_TESTS, "visibility": "visible",
                      "status": "failed" if failed else "passed",
                      "output": public or "This assignment has no public checks."})
    for question in grading.questions:
        output = question_text(question, limit=max_test_output_chars) if graded else (
            f"Not graded: {grading.message}")
        tests.append({"name": question.name, "score": _points(question.score),
                      "max_score": _points(question.max_score),
                      "status": "passed" if graded and question.score >= question.max_score else "failed",
                      "visibility": "after_published" if graded else "visible",
                      "output": output})
    staff = grading.staff.as_dict()
    if staff:
        tests.append({"name": STAFF_RECORD, "visibility": "hidden",
                      "output": json.dumps(staff, indent=1, sort_keys=True, default=str)})
    message = GRADED_SUMMARY if graded else grading.message
    return {
        "score": _points(grading.score),
        "output": "\n\n".join([message, *grading.notes]).strip(),
        "tests": tests,
        "extra_data": {"status": grading.status, "grading": {**dataclasses.asdict(grading), "staff": staff}},
    }


def _clean(value: Any) -> Any:
    """Every string as valid UTF-8: a student's error message may hold lone surrogates."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    return value


def write(grading: Grading, path: Path, *, max_test_output_chars: int = 4000) -> dict[str, Any]:
    """Write ``results.json``, whole or not at all (a temporary file renamed into place); a
    grading that would not match the schema becomes a grader failure."""
    results: dict[str, Any] = _clean(to_gradescope(grading, max_test_output_chars=max_test_output_chars))
    problems = schema_errors(results)
    if problems:
        broken = not_graded(GRADER_FAILED, {q.name: q.max_score for q in grading.questions},
                            StaffRecord(invalid_results=problems))
        results = _clean(to_gradescope(broken))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(results, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                       encoding="utf-8")
    partial.replace(path)
    return results


GRADER_FAILED = (
    "The grader could not finish grading this submission. This is not a problem with your "
    "answers as far as the grader can tell; your instructor can see the details."
)


def readable(grading: Grading, name: str) -> str:
    """One submission's results as the student reads them once grades are published."""
    lines = [f"Submission: {name}", f"Status: {grading.status}",
             f"Score: {_points(grading.score)} of {_points(grading.max_score)}", ""]
    message = GRADED_SUMMARY if grading.status == GRADED else grading.message
    lines += ["\n\n".join([message, *grading.notes]).strip(), ""]
    for question in grading.questions:
        lines += [question_text(question) if question.cases
                  else f"{question.name}: 0 of {_points(question.max_score)} points (not graded)", ""]
    return "\n".join(lines)


# --- reading it back -------------------------------------------------------------------------------


def from_gradescope(results: dict[str, Any]) -> Grading:
    """The grading a results file was written from (or the closest reading of a foreign one)."""
    stored = results.get("extra_data", {}).get("grading")
    if isinstance(stored, dict):
        questions = [QuestionResult(q["name"], [CaseResult(**c) for c in q["cases"]], q.get("max_points"))
                     for q in stored["questions"]]
        return Grading(stored["status"], stored["message"], questions, stored.get("notes", []),
                       stored.get("seconds", 0.0), StaffRecord.from_dict(stored.get("staff", {})))
    questions = [QuestionResult(t["name"], [CaseResult(t["name"], False, float(t["max_score"]),
                                                       float(t.get("score", 0)) >= float(t["max_score"]),
                                                       t.get("output", ""))])
                 for t in results.get("tests", []) if "max_score" in t]
    status = results.get("extra_data", {}).get("status", GRADED)
    return Grading(status, results.get("output", ""), questions, seconds=results.get("execution_time", 0.0))


def read(path: Path) -> Grading:
    results = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(results, dict) or not isinstance(results.get("tests"), list):
        raise ValueError(f"{path} is not a Gradescope results file")
    return from_gradescope(results)


@lru_cache(maxsize=1)
def _validator() -> Callable[[Any], Any]:
    import fastjsonschema

    return fastjsonschema.compile(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def schema_errors(results: dict[str, Any]) -> list[str]:
    """What keeps ``results`` from matching Gradescope's format (empty when it matches).

    fastjsonschema, not jsonschema: the latter takes most of a second to import, as long as
    the grading of a whole submission.
    """
    import fastjsonschema

    try:
        _validator()(results)
    except fastjsonschema.JsonSchemaValueException as error:
        return [f"{'/'.join(map(str, error.path[1:])) or '(top)'}: {error.message}"]
    return []
