"""A corpus of student-style implementations, and the means to grade them with the shipped tests.

``tests/corpus/<assignment>/<graded name>.py`` holds implementations of one graded function
(or class) written the ways students write them. Each is a top-level definition whose name
says what the grader should make of it:

- ``correct_*``: full marks on its question, whatever its style;
- ``wrong_*``: a real mistake; fails at least one test case of its question;
- ``partial_*``: a valid answer the contract gives partial credit for; passes some, not all.

The file's ``EXPECTED_HINTS`` maps each wrong and partial variant to words its feedback must
contain, and its ``EXPECTED_KEYS`` to the key of the mistake it makes (a tuple where it makes
several at once), or ``None`` where the grader does not know the mistake: then its feedback
must say plainly that it does not know, and may name no cause. A file imports at its top only what the student notebook imports (``torch``, ``np``,
``nn``, ``random`` for mlp_intro); a variant imports anything else inside itself, so each
can be pasted into the notebook as it is. ``load`` defines each variant on its own to hold
them to that. Where a notebook's answers build on each other (``gradient_descent`` calling
``grad_loss_i``), ``load`` takes the notebook's other answers as ``notebook``, and a variant
may call those too, as a notebook cell calls the cells above it.

Classes graded together (the mini autodiff's ``Var`` and operations, which build each other)
have one file, named after one of them, that lists them all in ``GROUP``. There a variant is a
notebook cell: a top-level function ``<kind>_<name>()``, never called, whose body after its
docstring defines some of the group's classes under their own names. ``load`` runs that body
as one cell, so the
operations it defines build their results with the ``Var`` it defines; what it leaves out
comes from the notebook, as in a student's notebook whose other cells are unchanged. Its
implementation is a :class:`Cell`, which puts every name of the group in place at once.

Each assignment's folder also holds ``expectations.py``: what the grader must make of the
corpus beyond each variant's own verdict (which mistakes keep which hidden cases, which pass
the public checks, which notebooks go the whole way, which fields of the hidden cases are
expected answers). ``tests/test_corpus.py`` runs every assignment's corpus from that data.

Two levels of grading:

* :func:`run_question` runs one question's test cases, exactly as they ship in
  ``autograder.zip``, with the grading engine's own proxies, codec and test runner, but with
  the student's objects in this process (:meth:`Session.in_process`), so hundreds of
  variants take seconds;
* :func:`grade_whole_notebooks` puts variants into the released notebook and grades it with
  the built zip, sandbox and all.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import textwrap
import types
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder.grading_runtime import results as gradescope
from autograder.grading_runtime.judge import run_case
from autograder.grading_runtime.questions import Question, read_question
from autograder.grading_runtime.remote import Session

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
    keys: tuple[str, ...] | None = None  # the mistakes it makes, by key (wrong and partial variants)
    keys_declared: bool = False  # whether its file says (``EXPECTED_KEYS``)

    @property
    def id(self) -> str:
        return f"{self.graded_name}-{self.name}"

    def as_answer(self) -> str:
        """The definition renamed to the graded name, ready for ``autograder.answers.fill``
        (a group's variant: the cell, which defines the group's classes under their names)."""
        if isinstance(self.implementation, Cell):
            return self.implementation.source
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


@dataclass(frozen=True, eq=False)
class Cell:
    """A group variant: the notebook cell it is, and every name of the group after it ran."""

    source: str
    definitions: dict[str, Any]


def _cell(lines: list[str], node: ast.FunctionDef, group: tuple[str, ...], namespace: dict) -> Cell:
    """Run the body of a group variant (its docstring left out) as one notebook cell."""
    body = node.body[1:] if node.body and isinstance(node.body[0], ast.Expr) and isinstance(
        getattr(node.body[0], "value", None), ast.Constant) else node.body
    source = textwrap.dedent("\n".join(lines[body[0].lineno - 1 : node.end_lineno])) if body else ""
    cell_globals = dict(namespace)
    exec(compile(source, f"<corpus {node.name}>", "exec"), cell_globals)
    return Cell(source, {name: cell_globals[name] for name in group if name in cell_globals})


def with_cells_in_place(environment: dict[str, Any]) -> dict[str, Any]:
    """The environment with each :class:`Cell` replaced by all the names it defines."""
    found = dict(environment)
    for value in environment.values():
        if isinstance(value, Cell):
            found.update(value.definitions)
    return found


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
    group = tuple(getattr(module, "GROUP", ()))
    namespace = {name: value for name, value in (notebook or {}).items() if group or name != graded_name}
    namespace |= {name: getattr(module, name) for name in imported_names(assignment, graded_name)}
    hints = dict(getattr(module, "EXPECTED_HINTS", {}))
    declared = getattr(module, "EXPECTED_KEYS", None)
    keys = {name: (value,) if isinstance(value, str) else value for name, value in (declared or {}).items()}
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
        implementation = (_cell(lines, node, group, namespace) if group
                          else _define(definition, node.name, namespace))
        variants.append(Variant(
            assignment, graded_name, node.name, kind, implementation, definition, hints.get(node.name),
            keys.get(node.name), declared is not None,
        ))
    needing_hints = {v.name for v in variants if v.kind != "correct"}
    for table, found in (("EXPECTED_HINTS", hints), ("EXPECTED_KEYS", keys if declared is not None else None)):
        if found is not None and set(found) != needing_hints:
            raise ValueError(
                f"{path}: {table} should name exactly the wrong and partial variants; "
                f"missing {sorted(needing_hints - set(found))}, extra {sorted(set(found) - needing_hints)}")
    return variants


CaseResult = gradescope.CaseResult
EXPECTATIONS = "expectations"


def assignments() -> list[str]:
    """Every assignment with a corpus: a folder here holding ``expectations.py``, whose
    assignment is still in the project (``assignments/<name>/``)."""
    project = CORPUS_DIR.parents[1] / "assignments"
    return sorted(p.parent.name for p in CORPUS_DIR.glob(f"*/{EXPECTATIONS}.py")
                  if (project / p.parent.name).is_dir())


def graded_names(assignment: str) -> list[str]:
    """The graded names with a corpus file, in file-name order."""
    return sorted(p.stem for p in (CORPUS_DIR / assignment).glob("*.py") if p.stem != EXPECTATIONS)


# What ``expectations.py`` may define, and what an assignment gets where it defines nothing.
# Required: the file itself (a corpus is required, see tests/test_corpus.py), and one corpus
# file per graded function.
DEFAULTS: dict[str, Any] = {
    # (correct, wrong) variants each graded name needs at least: LEAST by name, else LEAST_OTHERWISE
    "LEAST": {},
    "LEAST_OTHERWISE": (2, 2),
    # {graded name: {group of hidden cases: {fields holding expected answers}}}, which no feedback
    # may show; by default every field with a tolerance in the group named after the function
    "HIDDEN_ANSWERS": None,
    # the leak check must know at least this many distinct hidden answers (as printed) in all
    "LEAST_HIDDEN_ANSWERS": 10,
    # {graded name: {answers calling it, graded with a correct stand-in in its place}}
    "SHIELDED": {},
    # {wrong variant id: {hidden test cases its mistake leaves right}}
    "KEEPS": {},
    # wrong variant ids the public checks let pass (each a HIDDEN_ONLY mistake); None: not checked
    "PASS_THE_PUBLIC_CHECKS": set(),
    # {kind: [variant ids]}, notebooks graded the whole way with the built zip; by default one
    # holding the first correct variant of every graded name
    "WHOLE_NOTEBOOKS": None,
}


def _fields_with_a_tolerance(assignment: str, graded_name: str) -> dict[str, set[str]]:
    from reference import numbers as reference_numbers

    cases = reference_numbers.load(assignment)["cases"].get(graded_name, [])
    return {graded_name: set().union(*(case.get("tolerance", {}) for case in cases))} if cases else {}


def _first_correct(assignment: str, graded_name: str) -> str | None:
    tree = ast.parse((CORPUS_DIR / assignment / f"{graded_name}.py").read_text(encoding="utf-8"))
    names = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    return next((f"{graded_name}-{n}" for n in names if n.startswith("correct_")), None)


def expectations(assignment: str) -> types.SimpleNamespace:
    """What ``tests/corpus/<assignment>/expectations.py`` defines, and :data:`DEFAULTS` for the rest."""
    module = _load_module(CORPUS_DIR / assignment / f"{EXPECTATIONS}.py")
    unknown = sorted(n for n in vars(module) if n.isupper() and not n.startswith("_") and n not in DEFAULTS)
    if unknown:
        raise ValueError(f"{module.__file__}: {', '.join(unknown)} is not one of {', '.join(DEFAULTS)}")
    found = {name: getattr(module, name, default) for name, default in DEFAULTS.items()}
    names = graded_names(assignment)
    if found["HIDDEN_ANSWERS"] is None:
        found["HIDDEN_ANSWERS"] = {name: _fields_with_a_tolerance(assignment, name) for name in names}
    if found["WHOLE_NOTEBOOKS"] is None:
        firsts = [_first_correct(assignment, name) for name in names]
        found["WHOLE_NOTEBOOKS"] = {"correct": [variant for variant in firsts if variant]}
    return types.SimpleNamespace(**found)


# --- a notebook's answers, defined as the notebook defines them -------------------------------


def notebook_namespace(student, answer_source: str) -> dict:
    """The names a student notebook defines with ``answer_source``'s answers in its cells.

    The graded cells run here, in this process (no sandbox: these are the project's own
    samples), after IPython's transforms, with ``grader`` standing in for otter's; a cell that
    fails is left out, as grading would leave its names undefined.
    """
    from IPython.core.inputtransformer2 import TransformerManager

    from autograder import answers
    from autograder.grading_runtime.student import NoChecks
    from autograder.grading_runtime.submission import graded_cells

    filled = answers.fill(student, answers.definitions(answer_source))
    namespace: dict = {"__name__": "__main__", "grader": NoChecks()}
    transform = TransformerManager().transform_cell
    for cell in graded_cells(_as_dict(filled)):
        try:
            exec(compile(transform(cell.source), f"<notebook cell {cell.number}>", "exec"), namespace)
        except Exception:  # noqa: BLE001 - a failing cell defines nothing, as when grading
            continue
    return namespace


def _as_dict(notebook) -> dict:
    import json

    import nbformat

    return json.loads(nbformat.writes(notebook))


# --- the unit level: one question, the engine's proxies, objects in this process ------------------


def questions_in_zip(autograder_zip: Path) -> dict[str, Question]:
    """Every question of a built zip, by question name."""
    found = {}
    with zipfile.ZipFile(autograder_zip) as archive:
        for name in sorted(n for n in archive.namelist() if n.startswith("tests/") and n.endswith(".py")):
            question = read_question(archive.read(name).decode("utf-8"), name)
            found[question.name] = question
    return found


def parameters(question: Question) -> set[str]:
    return {p for case in question.cases for p in case.parameters}


def owners(questions: dict[str, Question]) -> dict[str, Question]:
    """The question testing each graded name.

    A question tests the names its test cases take as parameters. A graded name may also
    appear in another question's case beside that question's own name (a gradient checked
    against the student's own loss); its question is then the one with a case taking it
    alone. A name with no such single question is an error, since a variant could then lose
    points on several.
    """
    taking: dict[str, list[Question]] = {}
    alone: dict[str, list[Question]] = {}
    for question in questions.values():
        for graded_name in parameters(question):
            taking.setdefault(graded_name, []).append(question)
            if any(case.parameters == (graded_name,) for case in question.cases):
                alone.setdefault(graded_name, []).append(question)
    found = {}
    for graded_name, candidates in taking.items():
        chosen = alone.get(graded_name, candidates)
        if len(chosen) != 1:
            raise ValueError(f"{' and '.join(q.name for q in chosen)} all test {graded_name}")
        found[graded_name] = chosen[0]
    return found


def run_question(question: Question, environment: dict[str, Any]) -> list[CaseResult]:
    """Every test case of ``question`` on the objects of ``environment``, as the judge runs them."""
    session = Session.in_process(with_cells_in_place(environment))
    proxies = session.proxies(sorted(parameters(question)))
    results = []
    for case in question.cases:
        outcome, problem = run_case(session, case, proxies, seconds=600.0)
        # a hidden check words every failure itself; a public test may just stop on odd data
        assert not (problem and case.hidden), problem
        results.append(outcome)
    return results


# --- the whole way: student notebooks carrying variants, graded with the built zip ------------


def grade_whole_notebooks(assignment, whole_notebooks: dict[str, list[str]], variants: list[Variant],
                          folder: Path) -> dict[str, tuple[list[Variant], Any]]:
    """Fill the released notebook with the complete sample plus each kind's variants, grade each.

    Returns ``{kind: (variants, GradedSubmission)}``; the notebooks are graded in one batch.
    """
    import nbformat

    from autograder import answers
    from autograder.grade import Grader, Submission

    student = nbformat.read(assignment.student_dir / f"{assignment.name}.ipynb", as_version=4)
    complete = answers.definitions((assignment.samples_dir / "complete.py").read_text(encoding="utf-8"))
    by_id = {v.id: v for v in variants}
    jobs, chosen = [], {}
    for kind, variant_ids in whole_notebooks.items():
        chosen[kind] = [by_id[i] for i in variant_ids]
        mine = {name: text for v in chosen[kind] for name, text in answers.definitions(v.as_answer()).items()}
        filled = answers.fill(student, {**complete, **mine})
        path = folder / kind / f"{assignment.name}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(filled, path)
        jobs.append((Submission(kind, path), folder / kind / "results.json"))
    with Grader(assignment.autograder_zip, jobs=2) as grader:
        graded = grader.grade(jobs)
    return {kind: (chosen[kind], graded[kind]) for kind in whole_notebooks}


def assert_whole_notebook_fair(chosen: list[Variant], outcome, questions: dict[str, Question]) -> None:
    """Each question keeps full marks unless a variant breaks it, and then loses what it should."""
    grading = outcome.grading
    assert grading.status == gradescope.GRADED, grading.message
    scores = {q.name: q for q in grading.questions}
    assert set(scores) == {q.name for q in questions.values()}
    mine = owners(questions)
    own = {mine[v.graded_name].name: v for v in chosen}
    for name, question in scores.items():
        variant = own.get(name)
        text = gradescope.question_text(question)
        if variant is None or variant.kind == "correct":
            assert question.score == question.max_score, text
        elif variant.kind == "wrong":
            assert question.score < question.max_score, text
        else:
            assert 0 < question.score < question.max_score, text
        if variant is not None and variant.hint:
            assert variant.hint.lower() in text.lower(), text


# --- reading the results of a run ----------------------------------------------------------


def failures(results: list[CaseResult]) -> list[CaseResult]:
    return [r for r in results if not r.passed]


def feedback(message: str) -> str:
    """What a failure tells the student, without the hidden case's label."""
    return re.sub(r"^On a hidden case \(.*?\): ", "", message)


def names_the_mistake(failed: list[CaseResult], hint: str) -> bool:
    """Whether a failure says ``hint`` (whatever its first letter's case: a possibility among
    several starts a sentence of its own)."""
    return any(hint.lower() in feedback(f.message).lower() for f in failed)


def named_keys(result: CaseResult) -> set[str]:
    """The mistakes a failure names (none when its key is generic: see ``GENERIC_DIAGNOSES``)."""
    from autograder.checks.values import GENERIC_DIAGNOSES

    if not result.diagnosis or result.diagnosis in GENERIC_DIAGNOSES:
        return set()
    return set(result.diagnosis.split("|"))


def diagnosis_verdict(variant: Variant, failed: list[CaseResult]) -> str:
    """What the feedback made of a wrong or partial variant's mistake: ``"false"`` if a failure
    names a mistake the variant does not make, else ``"named"`` if one names its mistake (a
    failure naming several possibilities counts where its own is among them), else
    ``"generic"``. Without declared keys, any named mistake counts as ``"named"``."""
    named = [named_keys(f) for f in failed]
    if not variant.keys_declared:
        return "named" if any(named) else "generic"
    own = set(variant.keys or ())
    if any(keys and not keys & own for keys in named):
        return "false"
    return "named" if any(keys & own for keys in named) else "generic"


def summary(results: list[CaseResult]) -> str:
    return "\n\n".join(f"{r.name}: {r.message}" for r in results)


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


# --- the hidden answers, as a message might print them ----------------------------------------


def _numbers(value):
    if isinstance(value, list):
        for item in value:
            yield from _numbers(item)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield value


def whole_numbers(text: str) -> set[str]:
    return set(re.findall(r"(?<![\d.])\d+(?![\d.]*\d)", text))


def hidden_answers(numbers: dict, fields: dict[str, set[str]], seen: str) -> set[str]:
    """The expected answers of the hidden cases, written the ways a message might print them.

    ``fields`` names, for each group of cases, the fields that hold expected answers. Integers
    (counts, widths) are kept as written; floats at a few precisions, except whole ones and
    those below 0.01 in size, which appear in any message (shapes, sizes, zeros). Left out:
    what students see anyway, the numbers in ``seen`` (the case labels, the public tests).
    """
    visible = whole_numbers(seen)
    shown = set()
    for group, names in fields.items():
        for case in numbers["cases"][group]:
            for field in names & set(case):
                for value in _numbers(case[field]):
                    if isinstance(value, int):
                        if str(value) not in visible:
                            shown.add(str(value))
                    elif abs(value) >= 0.01 and value != round(value):
                        shown |= {f"{value:.3f}", f"{value:.4f}", f"{value:.6f}", repr(value)}
    return {text for text in shown if text.isdigit() or text not in seen}


def shows(message: str, value: str) -> bool:
    """Whether ``message`` prints ``value`` (a whole number only as a whole word)."""
    if value.isdigit():
        return value in whole_numbers(message)
    return value in message
