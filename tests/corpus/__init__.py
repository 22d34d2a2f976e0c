"""A corpus of student-style implementations, and the means to grade them with the shipped tests.

``tests/corpus/<assignment>/<graded name>.py`` holds implementations of one graded function
(or class) written the ways students write them. Each is a top-level definition whose name
says what the grader should make of it:

- ``correct_*``: full marks on its question, whatever its style;
- ``wrong_*``: a real mistake; fails at least one test case of its question;
- ``partial_*``: a valid answer the contract gives partial credit for; passes some, not all.

The file's ``EXPECTED_HINTS`` maps each wrong and partial variant to words its feedback must
contain. A file imports at its top only what the student notebook imports (``torch``, ``np``,
``nn``, ``random`` for mlp_intro); a variant imports anything else inside itself, so each
can be pasted into the notebook as it is. ``load`` defines each variant on its own to hold
them to that.

``Question.run`` runs one question's test file, exactly as it ships in ``autograder.zip``,
the way otter does (``ExceptionTestFile.run`` on an environment holding the student's object).
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
import types
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

CORPUS_DIR = Path(__file__).resolve().parent
KINDS = ("correct", "wrong", "partial")


@dataclass(frozen=True)
class Variant:
    """One implementation of a graded name, as a student could paste it into the notebook."""

    assignment: str
    graded_name: str
    name: str  # e.g. "wrong_sum_not_mean"
    kind: str  # "correct", "wrong" or "partial"
    implementation: Any  # the function or class itself
    source: str  # its definition, as written in the corpus file
    hint: str | None  # words its feedback must contain (wrong and partial variants)

    @property
    def id(self) -> str:
        return f"{self.graded_name}-{self.name}"

    def as_answer(self) -> str:
        """The definition renamed to the graded name, ready for ``autograder.answers.fill``."""
        header = re.compile(rf"^(\s*(?:def|class)\s+){re.escape(self.name)}\b", re.MULTILINE)
        answer, count = header.subn(rf"\g<1>{self.graded_name}", self.source, count=1)
        assert count == 1, f"no definition of {self.name} in its source"
        return answer


def _load_module(path: Path):
    spec = importlib.util.spec_from_file_location(f"corpus_{path.parent.name}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def imported_names(assignment: str, graded_name: str) -> set[str]:
    """The names a corpus file imports at its top: all that its variants may use."""
    module = _load_module(CORPUS_DIR / assignment / f"{graded_name}.py")
    return {name for name, value in vars(module).items()
            if isinstance(value, types.ModuleType) and not name.startswith("__")}


def _define(source: str, name: str, namespace: dict) -> Any:
    """Run one definition alone, as a notebook cell would, and return what it defines."""
    cell_globals = dict(namespace)
    exec(compile(source, f"<corpus {name}>", "exec"), cell_globals)
    return cell_globals[name]


def load(assignment: str, graded_name: str) -> list[Variant]:
    """Every variant of ``graded_name`` in the corpus, in file order.

    Each variant is defined on its own, with only the file's imports around it, so one that
    leans on anything else in the file fails here rather than in a student's notebook.
    """
    path = CORPUS_DIR / assignment / f"{graded_name}.py"
    source = path.read_text(encoding="utf-8")
    module = _load_module(path)
    namespace = {name: getattr(module, name) for name in imported_names(assignment, graded_name)}
    hints = dict(getattr(module, "EXPECTED_HINTS", {}))
    lines = source.splitlines()
    variants = []
    for node in ast.parse(source).body:
        if not isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            continue
        kind = node.name.split("_", 1)[0]
        if kind not in KINDS:
            raise ValueError(f"{path}: {node.name} should start with one of {', '.join(KINDS)}")
        first = min([node.lineno] + [d.lineno for d in node.decorator_list])
        definition = "\n".join(lines[first - 1 : node.end_lineno])
        variants.append(Variant(
            assignment, graded_name, node.name, kind, _define(definition, node.name, namespace),
            definition, hints.get(node.name),
        ))
    needing_hints = {v.name for v in variants if v.kind != "correct"}
    if set(hints) != needing_hints:
        raise ValueError(
            f"{path}: EXPECTED_HINTS should name exactly the wrong and partial variants; "
            f"missing {sorted(needing_hints - set(hints))}, extra {sorted(set(hints) - needing_hints)}"
        )
    return variants


@dataclass(frozen=True)
class CaseResult:
    name: str
    hidden: bool
    passed: bool
    message: str  # otter's message, as the student would read it


@dataclass(frozen=True)
class Question:
    """One question's test file, as it ships in ``autograder.zip``."""

    name: str  # e.g. "q3_cross_entropy"
    path: str  # e.g. "tests/q3_cross_entropy.py"
    source: str
    parameters: frozenset[str]  # the names its test cases take from the notebook

    def run(self, environment: dict[str, Any]) -> list[CaseResult]:
        """Every test case, as otter runs them on a notebook's globals (``environment``)."""
        from otter.test_files import ExceptionTestFile

        test_file = ExceptionTestFile.from_string(self.source, path=self.path)
        test_file.run(environment)
        return [
            CaseResult(r.test_case.name, r.test_case.hidden, r.passed, r.message)
            for r in test_file.test_case_results
        ]


def questions(test_sources: dict[str, str]) -> dict[str, Question]:
    """The question testing each graded name, from ``{path in the zip: test file source}``.

    A question tests the names its test cases take as parameters; a graded name tested by
    two questions is an error, since a variant could then lose points on both.
    """
    from otter.test_files import ExceptionTestFile

    found: dict[str, Question] = {}
    for path, source in sorted(test_sources.items()):
        test_file = ExceptionTestFile.from_string(source, path=path)
        parameters = frozenset(p for case in test_file.test_cases for p in case.body._get_func_params())
        question = Question(test_file.name, path, source, parameters)
        for graded_name in parameters:
            if graded_name in found:
                raise ValueError(f"{path} and {found[graded_name].path} both test {graded_name}")
            found[graded_name] = question
    return found


def _forget(name: str) -> None:
    for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[module]


@contextmanager
def importable(package_dir: Path) -> Iterator[None]:
    """Make the package at ``package_dir`` importable under its folder's name, then forget it."""
    name = package_dir.name
    _forget(name)  # a package of that name imported from elsewhere must not answer instead
    sys.path.insert(0, str(package_dir.parent))
    try:
        yield
    finally:
        sys.path.remove(str(package_dir.parent))
        _forget(name)
