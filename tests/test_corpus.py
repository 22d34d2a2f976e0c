"""Does the shipped autograder give every student-style implementation its due?

For each assignment with a corpus (``tests/corpus/<assignment>/``: correct, wrong and
partially right versions of each graded function, and ``expectations.py``), each variant runs
through the test cases of its question exactly as they ship in ``autograder.zip``, with the
engine's proxies, codec and test runner, and with the complete sample's answers for every
other name. A few notebooks per assignment go the whole way, graded by the built zip.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from functools import lru_cache

import nbformat
import pytest

import corpus
from reference import numbers as reference_numbers
from scratch_project import ASSIGNMENT_NAMES, REPO

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # wrong variants overflow

ASSIGNMENTS = corpus.assignments()


def _student(assignment: str):
    return nbformat.read(REPO / "student_release" / assignment / f"{assignment}.ipynb", as_version=4)


def _complete_source(assignment: str) -> str:
    return (REPO / "assignments" / assignment / "samples" / "complete.py").read_text(encoding="utf-8")


# Each assignment's notebook, with the complete sample's answers, defined as the notebook does.
NOTEBOOKS = {a: corpus.notebook_namespace(_student(a), _complete_source(a)) for a in ASSIGNMENTS}
EXPECTED = {a: corpus.expectations(a) for a in ASSIGNMENTS}
VARIANTS = [v for a in ASSIGNMENTS for name in corpus.graded_names(a)
            for v in corpus.load(a, name, NOTEBOOKS[a])]
BY_ID = {(v.assignment, v.id): v for v in VARIANTS}


def _of_kind(*kinds):
    return [pytest.param(v, id=f"{v.assignment}-{v.id}") for v in VARIANTS if v.kind in kinds]


@pytest.fixture(scope="module")
def questions(built_project):
    """``questions(assignment)``: the questions of its built zip, by name."""
    found = {}

    def of(assignment):
        if assignment not in found:
            found[assignment] = corpus.questions_in_zip(built_project[assignment].autograder_zip)
        return found[assignment]

    return of


@pytest.fixture(scope="module")
def graded(questions):
    """``graded(variant, question=None)``: the case results of a question (its own by
    default), on the complete sample's answers with the variant in its name's place."""
    results = {}

    def grade(variant, question=None):
        question = question or corpus.owners(questions(variant.assignment))[variant.graded_name]
        key = (variant.assignment, variant.id, question.name)
        if key not in results:
            environment = dict(NOTEBOOKS[variant.assignment])
            environment[variant.graded_name] = variant.implementation
            results[key] = corpus.run_question(question, environment)
        return results[key]

    return grade


# --- the corpus itself --------------------------------------------------------------------------


@pytest.mark.parametrize("assignment", ASSIGNMENT_NAMES)
def test_every_assignment_has_a_corpus(assignment):
    """A corpus is required: without one, nothing would show that the checks tell right from wrong."""
    folder = corpus.CORPUS_DIR / assignment
    assert assignment in ASSIGNMENTS, (
        f"assignments/{assignment}/ has no corpus: write {folder.relative_to(REPO)}/expectations.py (it "
        "may be empty) and, per graded function, a file of correct_*, wrong_* and partial_* variants (see "
        "docs/writing_an_assignment.md; `autograder new` makes one to fill in)")
    assert corpus.graded_names(assignment), f"{folder.relative_to(REPO)} holds no graded function's variants"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_corpus_covers_every_graded_name_with_enough_variants(assignment):
    expected = EXPECTED[assignment]
    for name in corpus.graded_names(assignment):
        kinds = [v.kind for v in VARIANTS if v.assignment == assignment and v.graded_name == name]
        least_correct, least_wrong = expected.LEAST.get(name, expected.LEAST_OTHERWISE)
        assert kinds.count("correct") >= least_correct, name
        assert kinds.count("wrong") >= least_wrong, name


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_complete_sample_answers_every_graded_name(assignment):
    assert set(corpus.graded_names(assignment)) <= set(NOTEBOOKS[assignment])


@pytest.mark.parametrize("assignment, graded_name",
                         [(a, n) for a in ASSIGNMENTS for n in corpus.graded_names(a)])
def test_the_corpus_uses_only_what_the_student_notebook_imports(assignment, graded_name):
    assert corpus.imported_names(assignment, graded_name) <= corpus.notebook_imports(_student(assignment))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_graded_name_has_its_own_question(questions, assignment):
    found = questions(assignment)
    owners = corpus.owners(found)
    assert set(corpus.graded_names(assignment)) <= set(owners)
    assert {q.name for q in owners.values()} == set(found), "a question that tests no graded name"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_complete_sample_passes_every_case(questions, assignment):
    for question in questions(assignment).values():
        failures = corpus.failures(corpus.run_question(question, NOTEBOOKS[assignment]))
        assert not failures, corpus.summary(failures)


# --- each variant on its question -----------------------------------------------------------------


@pytest.mark.parametrize("variant", _of_kind("correct"))
def test_a_correct_variant_passes_every_case_that_takes_it(graded, questions, variant):
    for question in questions(variant.assignment).values():
        if variant.graded_name in corpus.parameters(question):
            failures = corpus.failures(graded(variant, question))
            assert not failures, corpus.summary(failures)


@pytest.mark.parametrize("variant", _of_kind("wrong"))
def test_a_wrong_variant_fails_its_question_and_the_feedback_names_the_mistake(graded, variant):
    failures = corpus.failures(graded(variant))
    assert failures, f"{variant.name} passed every case of its question"
    assert corpus.names_the_mistake(failures, variant.hint), (
        f"no failure message of {variant.name} says {variant.hint!r}:\n\n{corpus.summary(failures)}")


@pytest.mark.parametrize("variant", [p for p in _of_kind("wrong", "partial") if p.values[0].keys_declared])
def test_feedback_names_the_variants_own_mistake_or_says_it_does_not_know(graded, variant):
    """Never a false cause: every mistake a failure names is the variant's own; and a mistake the
    grader knows (``EXPECTED_KEYS``) is named."""
    failures = corpus.failures(graded(variant))
    verdict = corpus.diagnosis_verdict(variant, failures)
    assert verdict != "false", f"{variant.name} makes {variant.keys}:\n\n{corpus.summary(failures)}"
    if variant.keys:
        assert verdict == "named", f"{variant.name} makes {variant.keys}:\n\n{corpus.summary(failures)}"


# What a message may not hold: placeholders that stood for a value it could not quote, and slips.
UNFINISHED_WORDING = re.compile(  # "f()" and "w . x" are code and notation, not slips
    r"another shape|a name of its own|\.\.(?!\.)|\s\.(?!\s+\w)|\s[,;:]|,\.|;\.|"
    r"(?<![\w\]])\(\s*\)|\{|\}|\bNone\b")
DOUBLED_PHRASE = re.compile(r"\b(\w+(?:\W+\w+){2,}?)\W+\1\b", re.IGNORECASE)


@pytest.mark.parametrize("variant", _of_kind("wrong", "partial"))
def test_every_message_is_a_finished_sentence(graded, variant):
    """What a student reads: no placeholder, no doubled phrase, no stray punctuation, and a full
    stop (or a closing bracket or quote) at the end."""
    for failure in corpus.failures(graded(variant)):
        message = failure.message
        assert not UNFINISHED_WORDING.search(message), message
        assert not DOUBLED_PHRASE.search(message), message
        assert message.rstrip()[-1:] in {".", ")", "`", "?", "!"}, message


@lru_cache(maxsize=None)
def _draws_per_submission(assignment: str) -> bool:
    return reference_numbers.draw(assignment, 1) != reference_numbers.draw(assignment, 2)


@pytest.mark.parametrize("variant", _of_kind("wrong", "partial"))
def test_hidden_feedback_is_the_same_whatever_the_draw(questions, variant):
    """A hidden case's verdict and words depend on the mistake, never on the drawn inputs: the
    same variant on two draws of the hidden cases gets the very same hidden feedback."""
    from autograder import checks

    if not _draws_per_submission(variant.assignment):
        pytest.skip(f"{variant.assignment}'s reference draws the same cases for every seed")
    question = corpus.owners(questions(variant.assignment))[variant.graded_name]
    environment = dict(NOTEBOOKS[variant.assignment])
    environment[variant.graded_name] = variant.implementation
    seen = []
    for seed in (101, 202):
        checks.prepare_grading(variant.assignment, seed)
        try:
            seen.append([(r.name, r.passed, r.message, r.diagnosis)
                         for r in corpus.run_question(question, environment) if r.hidden])
        finally:
            checks.forget_draws()
    assert seen[0] == seen[1]


@pytest.mark.parametrize("variant", _of_kind("partial"))
def test_a_partial_variant_passes_some_cases_but_not_all(graded, variant):
    results = graded(variant)
    failures = corpus.failures(results)
    assert failures, f"{variant.name} passed every case of its question"
    assert len(failures) < len(results), f"{variant.name} failed every case:\n\n{corpus.summary(failures)}"
    assert all(f.hidden for f in failures), "a partial answer should pass every public check"
    assert corpus.names_the_mistake(failures, variant.hint), (
        f"no failure message of {variant.name} says {variant.hint!r}:\n\n{corpus.summary(failures)}")


@pytest.mark.parametrize("variant", [p for p in _of_kind("wrong")
                                     if EXPECTED[p.values[0].assignment].PASS_THE_PUBLIC_CHECKS is not None])
def test_the_public_checks_catch_a_wrong_variant_unless_it_is_listed(graded, variant):
    """Which mistakes the public checks already show, and which only the hidden tests find."""
    public_failures = [r for r in corpus.failures(graded(variant)) if not r.hidden]
    listed = variant.id in EXPECTED[variant.assignment].PASS_THE_PUBLIC_CHECKS
    assert bool(public_failures) != listed, corpus.summary(public_failures)


@pytest.mark.parametrize("assignment, variant_id",
                         [(a, i) for a in ASSIGNMENTS for i in sorted(EXPECTED[a].KEEPS)])
def test_a_wrong_variant_keeps_the_cases_its_mistake_leaves_right(graded, assignment, variant_id):
    variant = BY_ID[(assignment, variant_id)]
    keeps = EXPECTED[assignment].KEEPS[variant_id]
    results = {r.name: r for r in graded(variant)}
    assert keeps <= set(results), f"no such cases: {keeps - set(results)}"
    lost = [results[case] for case in sorted(keeps) if not results[case].passed]
    assert not lost, corpus.summary(lost)


@contextmanager
def _in_place_of(namespace: dict, name: str, implementation):
    """The notebook with ``implementation`` defined under ``name``, as a student's cell would."""
    original = namespace[name]
    namespace[name] = implementation
    try:
        yield namespace
    finally:
        namespace[name] = original


@pytest.mark.parametrize("variant", _of_kind("wrong", "partial"))
def test_a_mistake_costs_nothing_on_the_other_questions(questions, variant):
    """A wrong answer loses points on its own question only: not where another question takes
    it beside its own name (a gradient checked against the student's own loss), nor where a
    question grades an answer that calls it and the grader shields that call (``SHIELDED``: a
    width search counting with the student's own counter)."""
    notebook = NOTEBOOKS[variant.assignment]
    found = questions(variant.assignment)
    owners = corpus.owners(found)
    shielded = EXPECTED[variant.assignment].SHIELDED.get(variant.graded_name, set())
    others = {q.name: q for q in found.values() if variant.graded_name in corpus.parameters(q)}
    others |= {owners[caller].name: owners[caller] for caller in shielded}
    others.pop(owners[variant.graded_name].name, None)
    for question in others.values():
        with _in_place_of(notebook, variant.graded_name, variant.implementation) as environment:
            failures = corpus.failures(corpus.run_question(question, environment))
        assert not failures, f"{question.name}:\n{corpus.summary(failures)}"


# --- nothing hidden leaks ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hidden_values():
    """``hidden_values(assignment, graded_name)``: its hidden answers, as a message might print them."""
    found = {}

    def of(assignment, graded_name):
        key = (assignment, graded_name)
        if key not in found:
            numbers = reference_numbers.load(assignment)
            labels = " ".join(c["label"] for group in numbers["cases"].values() for c in group)
            seen = f"{labels} {_public_sources(assignment)}"
            fields = EXPECTED[assignment].HIDDEN_ANSWERS.get(graded_name, {})
            found[key] = corpus.hidden_answers(numbers, fields, seen)
        return found[key]

    return of


def _public_sources(assignment: str) -> str:
    """Everything students read: the notebook's cells, and the texts its set-up cell carries
    packed (the public tests, the checks, the public examples)."""
    from autograder.checker_cell import unpack

    notebook = _student(assignment)
    carried = unpack(notebook.cells[1].source)["files"]
    texts = [content for kind, content in carried.values() if kind == "text"]
    return "\n".join([*(cell.source for cell in notebook.cells[2:]), *texts])


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_leak_check_knows_the_hidden_answers(hidden_values, assignment):
    fields = EXPECTED[assignment].HIDDEN_ANSWERS
    assert set(fields) == set(corpus.graded_names(assignment))
    total = set()
    for graded_name, groups in fields.items():
        values = hidden_values(assignment, graded_name)
        if groups:
            assert values, f"no hidden answer known for {graded_name}"
        total |= values
    assert len(total) >= EXPECTED[assignment].LEAST_HIDDEN_ANSWERS, sorted(total)


@pytest.mark.parametrize("variant", _of_kind("wrong", "partial"))
def test_feedback_never_shows_a_hidden_expected_value(graded, hidden_values, variant):
    values = hidden_values(variant.assignment, variant.graded_name)
    for failure in corpus.failures(graded(variant)):
        leaked = sorted(v for v in values if corpus.shows(failure.message, v))
        assert not leaked, f"{failure.name} shows {leaked}:\n{failure.message}"


# --- the whole way: a student notebook graded with the built zip --------------------------------------


@pytest.fixture(scope="module")
def graded_whole(built_project, tmp_path_factory):
    """``graded_whole(assignment)``: its whole notebooks, graded: {kind: (variants, outcome)}."""
    found = {}

    def of(assignment):
        if assignment not in found:
            variants = [v for v in VARIANTS if v.assignment == assignment]
            found[assignment] = corpus.grade_whole_notebooks(
                built_project[assignment], EXPECTED[assignment].WHOLE_NOTEBOOKS, variants,
                tmp_path_factory.mktemp(f"{assignment}-whole"))
        return found[assignment]

    return of


@pytest.mark.parametrize("assignment, kind", [(a, k) for a in ASSIGNMENTS for k in EXPECTED[a].WHOLE_NOTEBOOKS])
def test_a_whole_notebook_loses_points_only_where_its_variant_deserves(graded_whole, questions,
                                                                         assignment, kind):
    variants, outcome = graded_whole(assignment)[kind]
    corpus.assert_whole_notebook_fair(variants, outcome, questions(assignment))
