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
them to that. Where a notebook's answers build on each other (``gradient_descent`` calling
``grad_loss_i``), ``load`` takes the notebook's other answers as ``notebook``, and a variant
may call those too, as a notebook cell calls the cells above it.

``Question.run`` runs one question's test file, exactly as it ships in ``autograder.zip``,
the way otter does (``ExceptionTestFile.run`` on an environment holding the student's object).
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
import types
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, NamedTuple

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


def load(assignment: str, graded_name: str, notebook: dict[str, Any] | None = None) -> list[Variant]:
    """Every variant of ``graded_name`` in the corpus, in file order.

    Each variant is defined on its own, with only the file's imports around it (and the
    notebook's other answers, ``notebook``, if given), so one that leans on anything else in
    the file fails here rather than in a student's notebook.
    """
    path = CORPUS_DIR / assignment / f"{graded_name}.py"
    source = path.read_text(encoding="utf-8")
    module = _load_module(path)
    namespace = {name: value for name, value in (notebook or {}).items() if name != graded_name}
    namespace |= {name: getattr(module, name) for name in imported_names(assignment, graded_name)}
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

    A question tests the names its test cases take as parameters. A graded name may also
    appear in another question's case beside that question's own name (a gradient checked
    against the student's own loss); its question is then the one with a case taking it
    alone. A name with no such single question is an error, since a variant could then lose
    points on several.
    """
    from otter.test_files import ExceptionTestFile

    taking: dict[str, list[Question]] = {}  # every question with a case taking the name
    alone: dict[str, list[Question]] = {}  # the questions with a case taking it alone
    for path, source in sorted(test_sources.items()):
        test_file = ExceptionTestFile.from_string(source, path=path)
        cases = [frozenset(case.body._get_func_params()) for case in test_file.test_cases]
        question = Question(test_file.name, path, source, frozenset().union(*cases))
        for graded_name in question.parameters:
            taking.setdefault(graded_name, []).append(question)
            if frozenset({graded_name}) in cases:
                alone.setdefault(graded_name, []).append(question)
    found: dict[str, Question] = {}
    for graded_name, candidates in taking.items():
        owners = alone.get(graded_name, candidates)
        if len(owners) != 1:
            raise ValueError(f"{' and '.join(q.path for q in owners)} all test {graded_name}")
        found[graded_name] = owners[0]
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


# --- the whole way: student notebooks carrying variants, graded with the built zip ------------


def grade_whole_notebooks(assignment, whole_notebooks: dict[str, list[str]], variants: list[Variant],
                          folder: Path) -> dict[str, tuple[list[Variant], Any]]:
    """Fill the released notebook with the complete sample plus each kind's variants, grade each.

    Returns ``{kind: (variants, GradedSubmission)}``; the notebooks are graded in parallel.
    """
    import nbformat

    from autograder import answers
    from autograder.grade import grade_one

    student = nbformat.read(assignment.student_dir / f"{assignment.name}.ipynb", as_version=4)
    complete = answers.definitions((assignment.samples_dir / "complete.py").read_text(encoding="utf-8"))
    by_id = {v.id: v for v in variants}
    notebooks = {}
    for kind, variant_ids in whole_notebooks.items():
        chosen = [by_id[i] for i in variant_ids]
        filled = answers.fill(student, {**complete, **{v.graded_name: v.as_answer() for v in chosen}})
        path = folder / kind / f"{assignment.name}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(filled, path)
        notebooks[kind] = (chosen, path)
    with ThreadPoolExecutor(max_workers=len(notebooks)) as pool:
        futures = {kind: pool.submit(grade_one, assignment.autograder_zip, path)
                   for kind, (_, path) in notebooks.items()}
        return {kind: (notebooks[kind][0], future.result()) for kind, future in futures.items()}


def assert_whole_notebook_fair(chosen: list[Variant], outcome, questions: dict[str, "Question"]) -> None:
    """Each question keeps full marks unless a variant breaks it, and then loses what it should."""
    assert outcome.status == "graded", outcome.results.get("output")
    tests = {t["name"]: t for t in outcome.results["tests"] if "max_score" in t}
    assert set(tests) == {q.name for q in questions.values()}
    own = {questions[v.graded_name].name: v for v in chosen}
    for name, test in tests.items():
        score, max_score = test["score"], test["max_score"]
        variant = own.get(name)
        if variant is None or variant.kind == "correct":
            assert score == max_score, f"{name}: {score} of {max_score}\n{test.get('output')}"
        elif variant.kind == "wrong":
            assert score < max_score, f"{name}: {score} of {max_score}"
        else:
            assert 0 < score < max_score, f"{name}: {score} of {max_score}"
        if variant is not None and variant.hint:
            assert variant.hint in test.get("output", ""), test.get("output")


# --- reading the results of a run ----------------------------------------------------------


def failures(results: list["CaseResult"]) -> list["CaseResult"]:
    return [r for r in results if not r.passed]


def feedback(message: str) -> str:
    """What a failure tells the student, without otter's frame or the hidden case's label."""
    error = re.search(r"^\w+: (.*)", message, re.MULTILINE | re.DOTALL)
    text = error.group(1) if error else message
    return re.sub(r"^On a hidden case \(.*?\): ", "", text)


def names_the_mistake(failed: list["CaseResult"], hint: str) -> bool:
    return any(hint in feedback(f.message) for f in failed)


def summary(results: list["CaseResult"]) -> str:
    return "\n\n".join(f"{r.name}: {r.message}" for r in results)


# --- the shipped questions: what autograder.zip holds, built fresh -------------------------


class Shipped(NamedTuple):
    questions: dict[str, "Question"]  # by graded name
    numbers_file: Path


@contextmanager
def shipped(assignment: str, root: Path, scratch: Path) -> Iterator[Shipped]:
    """The questions and hidden checks of a fresh build, laid out as in ``autograder.zip``.

    While the context is open, the zip's ``hidden_checks`` is importable under that name.
    """
    from autograder.build import build_in_memory
    from autograder.catalog import Assignment

    built = build_in_memory(Assignment(assignment, root), scratch / "build")
    files = scratch / "zip"
    for path, data in built.zip_entries.items():
        (files / path).parent.mkdir(parents=True, exist_ok=True)
        (files / path).write_bytes(data)
    tests = {path: data.decode("utf-8") for path, data in built.zip_entries.items()
             if path.startswith("tests/") and path.endswith(".py")}
    checks = files / "files" / "hidden_checks"
    with importable(checks):
        yield Shipped(questions(tests), checks / "numbers" / f"{assignment}.json")


def notebook_imports(notebook) -> set[str]:
    """The names the graded cells of a notebook import at their top level."""
    names = set()
    for cell in notebook.cells:
        if cell.cell_type != "code" or "otter_ignore" in cell.metadata.get("tags", []):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue  # a cell with IPython magics imports nothing we rely on
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names |= {(a.asname or a.name).split(".", 1)[0] for a in node.names}
    return names

