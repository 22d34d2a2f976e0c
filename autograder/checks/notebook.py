"""The public checks in the student's own notebook: ``grader.check("q1_...")``, and a guard
that keeps exploration cells from failing in cascade after an unfinished exercise.

The notebook's first cell writes this package, the public tests and the assignment's checks
next to the notebook, then makes ``grader = PublicChecks()``. Nothing is installed: the
public tests are the same files the zip's tests hold (otter's format), read and run here
with the notebook's own objects, and each failure is said in the checks' own words, with
no frame of test code around it. The hidden tests run only when the notebook is graded.

``guard_exploration`` adds an IPython input transformer: a cell of the released notebook that
uses a graded function which is not defined yet, or still has the template's ``...``, is
replaced by a sentence saying which exercise to finish first (a cell that defines a graded
name always runs, and so does any cell the student wrote or changed).
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from autograder.checks.values import cell_line, raised_in_notebook
from autograder.grading_runtime.probes import NOT_FINISHED, not_finished, unfinished
from autograder.grading_runtime.questions import Question, read_question
from autograder.grading_runtime.wording import not_defined

TESTS_DIR = "public_tests"
# Written by the build beside this module: the modules the grading image offers beyond the
# standard library ({"python": "3.11", "modules": [...]}).
IMAGE_MODULES_FILE = "grading_image.json"
# A notebook shows about a hundred characters of output on a line and breaks longer ones
# anywhere, mid-word included; a little less leaves room for an emoji's double width.
WIDTH = 96


def fit(text: str, indent: str = "", width: int = WIDTH) -> str:
    """``text`` broken at spaces into lines of at most ``width`` characters, the later ones
    starting with ``indent``; a short `code span` stays on one line."""
    glued = re.sub(r"`[^`\n]{1,40}`", lambda span: span.group().replace(" ", "\0"), text)
    lines = textwrap.wrap(glued, width, subsequent_indent=indent, break_long_words=False,
                          break_on_hyphens=False)
    return "\n".join(lines).replace("\0", " ")


@dataclass
class CaseOutcome:
    name: str
    passed: bool
    message: str
    waiting: bool = False  # failed only because an answer it takes is not defined or not finished


@dataclass
class CheckResult:
    """What one ``grader.check`` found; Jupyter shows it as text under the cell."""

    question: str
    outcomes: list[CaseOutcome] = field(default_factory=list)
    success_message: str = ""
    warnings: list[str] = field(default_factory=list)  # said above the outcome, pass or fail

    @property
    def passed(self) -> bool:
        return all(o.passed for o in self.outcomes)

    def __repr__(self) -> str:
        return "\n".join([*(fit(f"⚠️ {warning}", indent="   ") for warning in self.warnings), self._outcome()])

    def _outcome(self) -> str:
        count = len(self.outcomes)
        plural = "s" if count != 1 else ""
        if self.passed:
            head = (f"{self.question}: all {count} public checks passed." if count > 1
                    else f"{self.question}: the public check passed.")
            return fit(f"{head} {self.success_message}".rstrip())
        if all(o.waiting for o in self.outcomes):  # one line for an exercise not done yet
            reasons = dict.fromkeys(o.message for o in self.outcomes)
            return fit(f"{self.question}: {' '.join(reasons)}")
        passed = sum(o.passed for o in self.outcomes)
        lines = [f"{self.question}: {passed} of {count} public check{plural} passed."]
        for outcome in self.outcomes:
            mark = "✅" if outcome.passed else "❌"
            title = outcome.name.removeprefix("test_").replace("_", " ")
            line = f"  {mark} {title}" + ("" if outcome.passed else f": {outcome.message}")
            lines.append(fit(line, indent="     "))
        return "\n".join(lines)


def _not_ready(parameters: Iterable[str], names: dict) -> str | None:
    """Why a failed case says nothing about the answers it takes: one is not defined, or still
    has the template's ``...``; or None."""
    for name in parameters:
        if name not in names:
            return not_defined(name)
        try:
            waiting = unfinished(names[name])
        except Exception:  # an object that cannot say: nothing to add
            waiting = False
        if waiting:
            return not_finished(f"`{name}`")
    return None


def imported_modules(sources: Iterable[str]) -> list[str]:
    """The top-level modules that ``import`` statements in ``sources`` name, in order of first
    appearance (a source that is not Python, a cell magic, say, is skipped)."""
    found: dict[str, None] = {}
    for source in sources:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(dict.fromkeys(alias.name.split(".")[0] for alias in node.names))
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found[node.module.split(".")[0]] = None
    return list(found)


def missing_from_image(sources: Iterable[str], offered: Iterable[str]) -> list[str]:
    """The modules ``sources`` import that grading cannot: neither in the standard library
    nor among ``offered``, the image's own."""
    available = set(offered) | set(sys.stdlib_module_names) | {"autograder", "__future__"}
    return [name for name in imported_modules(sources) if name not in available]


def _image_modules() -> list[str] | None:
    """The modules the grading image offers, as the build wrote them beside this file; None
    where there is no such file (the toolkit's own tests, the grading engine)."""
    try:
        written = json.loads((Path(__file__).parent / IMAGE_MODULES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return written.get("modules") if isinstance(written, dict) else None


def import_warnings(sources: Iterable[str], offered: list[str] | None) -> list[str]:
    """One sentence per module ``sources`` import that grading, which offers ``offered``
    beyond the standard library, will not have (nothing where ``offered`` is unknown)."""
    if offered is None:
        return []
    return [f"Your notebook imports `{name}`, which the grading machine does not have: any cell "
            f"that imports it will fail when your notebook is graded. Use numpy, torch, scipy, "
            f"matplotlib or Python's standard library instead."
            for name in missing_from_image(sources, offered)]


def _exercise(question: str) -> str:
    found = re.match(r"q(\d+)", question)
    return f"exercise {found.group(1)}" if found else question


class PublicChecks:
    """``grader``: runs a question's public tests on the notebook's objects."""

    def __init__(self, tests_dir: str | Path = TESTS_DIR, namespace: dict | None = None,
                 image_modules: list[str] | None = None):
        self.tests_dir = Path(tests_dir)
        self._namespace = namespace
        # what grading offers beyond the standard library: the build's list, where it wrote one
        self._image_modules = image_modules if image_modules is not None else _image_modules()

    def _names(self) -> dict:
        if self._namespace is not None:
            return self._namespace
        from IPython import get_ipython

        shell = get_ipython()
        return shell.user_ns if shell is not None else {}

    @staticmethod
    def _cells(names: dict) -> list[str]:
        """The sources of the cells run so far (IPython keeps them in ``In``), the set-up cell
        left out: it imports only what it checks is there."""
        history = names.get("In")
        if not isinstance(history, list):
            return []
        return [source for source in history if isinstance(source, str) and "_set_up(" not in source]

    def questions(self) -> dict[str, Question]:
        found = {}
        for path in sorted(self.tests_dir.glob("*.py")):
            question = read_question(path.read_text(encoding="utf-8"), f"{TESTS_DIR}/{path.name}")
            found[question.name] = question
        return found

    def check(self, question: str) -> CheckResult:
        questions = self.questions()
        if question not in questions:
            known = ", ".join(questions) or "none"
            raise ValueError(f"no public checks for {question!r} (there are: {known})")
        names = self._names()
        result = CheckResult(question, warnings=import_warnings(self._cells(names), self._image_modules))
        for case in questions[question].cases:
            arguments = {name: names.get(name) for name in case.parameters}
            try:
                case.function(**arguments)
            except AssertionError as failure:
                message = str(failure).strip() or case.failure_message or "a check failed."
            except Exception as error:  # the test's own code stopped, or the student's raised in it
                message = (raised_in_notebook("your code", error) if cell_line(error) else
                           f"the check stopped with {type(error).__name__}: {error}; look at what "
                           "your code returns.")
            else:
                result.outcomes.append(CaseOutcome(case.name, True, ""))
                result.success_message = case.success_message or result.success_message
                continue
            waiting = _not_ready(case.parameters, names)
            result.outcomes.append(CaseOutcome(case.name, False, waiting or message, bool(waiting)))
        return result

    def check_all(self) -> list[CheckResult]:
        return [self.check(name) for name in self.questions()]

    def graded_names(self) -> dict[str, str]:
        """Each name the public tests take, and the exercise it belongs to (its first question)."""
        found: dict[str, str] = {}
        for question in self.questions().values():
            for case in question.cases:
                for name in case.parameters:
                    found.setdefault(name, _exercise(question.name))
        return found


def _defines(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for target in targets for t in ast.walk(target) if isinstance(t, ast.Name)}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def _loads(nodes) -> set[str]:
    """The names ``nodes`` read and do not bind themselves."""
    loaded: set[str] = set()
    bound: set[str] = set()
    for statement in nodes:
        for node in ast.walk(statement):
            if isinstance(node, ast.Name):
                (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
            elif isinstance(node, ast.arg):
                bound.add(node.arg)
    return loaded - bound


def _runs_with(tree: ast.Module) -> set[str]:
    """The names a cell reads when it runs: those its top-level statements read, and those
    read by the functions of the cell that they call (a function the cell only defines runs
    later, if ever)."""
    functions = {node.name: node for node in tree.body
                 if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    used = _loads(node for node in tree.body
                  if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))
    called = used & set(functions)
    while called:
        name = called.pop()
        found = _loads([functions.pop(name)])
        used |= found
        called |= found & set(functions)
    return used


def _global_names(code) -> set[str]:
    """The global names a function's code reads, its comprehensions and inner functions included."""
    if code is None:
        return set()
    found = set(code.co_names)
    for constant in code.co_consts:
        if hasattr(constant, "co_names"):
            found |= _global_names(constant)
    return found


def waiting_for(source: str, graded: dict[str, str], namespace: dict,
                pending: dict[str, str] | None = None) -> str | None:
    """Why a cell should not run yet: a graded name it uses is not defined or not finished,
    or a name it uses was to be made by a cell that waited (``pending``: name -> why)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    if _defines(tree) & set(graded):
        return None  # the cell that writes an answer always runs
    used = _runs_with(tree)
    for name in sorted(used & set(graded), key=lambda n: graded[n]):
        if name not in namespace:
            return (f"This cell uses `{name}`, which is not defined yet: run the cell of "
                    f"{graded[name]} first.")
        if unfinished(namespace[name]):
            return (f"This cell uses `{name}`, which {NOT_FINISHED}: finish {graded[name]} "
                    "first, then run this cell again.")
    for helper in sorted(used - set(graded)):  # a given function that calls an exercise's
        called = _global_names(getattr(namespace.get(helper), "__code__", None))
        for name in sorted(called & set(graded), key=lambda n: graded[n]):
            if name in namespace and unfinished(namespace[name]):
                return (f"This cell runs `{helper}`, which uses `{name}`, which {NOT_FINISHED}: "
                        f"finish {graded[name]} first, then run this cell again.")
    for name in sorted(used & set(pending or {})):
        if name not in namespace and pending is not None:
            return pending[name]
    return None


def cell_digest(source: str) -> str:
    """What names a cell of the released notebook (the guard leaves every other cell alone)."""
    return hashlib.sha256(source.strip().encode("utf-8")).hexdigest()[:16]


def guard_exploration(grader: PublicChecks, shell=None, cells: Iterable[str] | None = None) -> None:
    """Replace, before it runs, a cell that would fail only because an exercise is unfinished
    by a sentence saying which one to finish. ``cells``: the digests of the cells to guard,
    the released notebook's own (a cell the student wrote or changed runs as it is, so that
    an unfinished function can still be tried out); None guards every cell."""
    guarded = None if cells is None else set(cells)
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is None:
        return
    graded = grader.graded_names()
    pending: dict[str, str] = {}  # what a cell that waited would have made, and why it waited

    def transform(lines: list[str]) -> list[str]:
        source = "".join(lines)
        if guarded is not None and cell_digest(source) not in guarded:
            return lines
        reason = waiting_for(source, graded, shell.user_ns, pending)
        try:
            made = _defines(ast.parse(source))
        except SyntaxError:
            made = set()
        for name in made:
            if reason is None:
                pending.pop(name, None)
            else:
                pending[name] = reason
        return lines if reason is None else [f"print({fit(reason)!r})\n"]

    setattr(transform, "autograder_guard", True)  # noqa: B010  (how a later set-up finds this one)
    shell.input_transformers_post[:] = [t for t in shell.input_transformers_post
                                        if not getattr(t, "autograder_guard", False)] + [transform]
