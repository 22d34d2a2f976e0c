"""Does the shipped autograder give every student-style implementation of mlp_intro its due?

The corpus (tests/corpus/mlp_intro/) holds correct, wrong and partially right versions of
each graded function. The unit level runs each through its own question's test file exactly
as it ships in ``autograder.zip``, with the zip's hidden checks and numbers; a small sample
goes the whole way, as a filled-in student notebook graded by otter with the built zip.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

import corpus
from scratch_project import REPO

ASSIGNMENT = "mlp_intro"
GRADED_NAMES = ["approximate_function", "Net", "cross_entropy_loss", "shuffle_and_split_data"]
VARIANTS = [v for name in GRADED_NAMES for v in corpus.load(ASSIGNMENT, name)]
# The hidden cases' expected answers: no feedback may show one of them.
EXPECTED_FIELDS = {"x", "relu_acts", "y_hat", "outputs", "loss"}
# The whole-notebook sample, one notebook each: correct variants of every graded name at once,
# a wrong class, a partial function. Everything else in a notebook is the complete sample.
WHOLE_NOTEBOOKS = {
    "correct": ["approximate_function-correct_triangular_solve", "Net-correct_attributes_built_in_reverse",
                "cross_entropy_loss-correct_one_hot", "shuffle_and_split_data-correct_random_split_indices"],
    "wrong": ["Net-wrong_activation_after_output"],
    "partial": ["shuffle_and_split_data-partial_numpy_generator"],
}


def _of_kind(kind):
    return [pytest.param(v, id=v.id) for v in VARIANTS if v.kind == kind]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """The questions and hidden checks of a fresh build, laid out as in ``autograder.zip``."""
    with corpus.shipped(ASSIGNMENT, REPO, tmp_path_factory.mktemp(f"{ASSIGNMENT}-shipped")) as found:
        yield found


@pytest.fixture(scope="module")
def graded(shipped):
    """``graded(variant)``: its question's case results, each variant run once."""
    results = {}

    def grade(variant):
        if variant.id not in results:
            question = shipped.questions[variant.graded_name]
            results[variant.id] = question.run({variant.graded_name: variant.implementation})
        return results[variant.id]

    return grade


def test_the_corpus_covers_every_graded_name_with_enough_variants():
    counts = {(v.graded_name, v.kind): 0 for v in VARIANTS}
    for v in VARIANTS:
        counts[(v.graded_name, v.kind)] += 1
    for name in GRADED_NAMES:
        least_correct, least_wrong = (4, 5) if name == "Net" else (6, 8)
        assert counts.get((name, "correct"), 0) >= least_correct, name
        assert counts.get((name, "wrong"), 0) >= least_wrong, name


@pytest.mark.parametrize("graded_name", GRADED_NAMES)
def test_the_corpus_uses_only_what_the_student_notebook_imports(graded_name):
    student = nbformat.read(REPO / "student_release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    assert corpus.imported_names(ASSIGNMENT, graded_name) <= corpus.notebook_imports(student)


def test_every_graded_name_has_its_own_question(shipped):
    assert set(GRADED_NAMES) <= set(shipped.questions)


@pytest.mark.parametrize("variant", _of_kind("correct"))
def test_a_correct_variant_passes_every_case_of_its_question(graded, variant):
    failures = corpus.failures(graded(variant))
    assert not failures, corpus.summary(failures)


@pytest.mark.parametrize("variant", _of_kind("wrong"))
def test_a_wrong_variant_fails_its_question_and_the_feedback_names_the_mistake(graded, variant):
    failures = corpus.failures(graded(variant))
    assert failures, f"{variant.name} passed every case of its question"
    assert corpus.names_the_mistake(failures, variant.hint), (
        f"no failure message of {variant.name} says {variant.hint!r}:\n\n{corpus.summary(failures)}")


@pytest.mark.parametrize("variant", _of_kind("partial"))
def test_a_partial_variant_passes_some_cases_but_not_all(graded, variant):
    results = graded(variant)
    failures = corpus.failures(results)
    assert failures, f"{variant.name} passed every case of its question"
    assert len(failures) < len(results), f"{variant.name} failed every case:\n\n{corpus.summary(failures)}"
    assert all(f.hidden for f in failures), "a partial answer should pass every public check"
    assert corpus.names_the_mistake(failures, variant.hint), (
        f"no failure message of {variant.name} says {variant.hint!r}:\n\n{corpus.summary(failures)}")


def _hidden_values(numbers_file: Path):
    """The expected answers of every hidden case, written the ways a message might print them."""
    numbers = json.loads(numbers_file.read_text(encoding="utf-8"))

    def floats(value):
        if isinstance(value, list):
            for item in value:
                yield from floats(item)
        elif isinstance(value, float):
            yield value

    shown = set()
    for cases in numbers["cases"].values():
        for case in cases:
            for field in EXPECTED_FIELDS & set(case):
                for value in floats(case[field]):
                    if abs(value) < 0.01 or value == round(value):
                        continue  # zeros and whole numbers appear in shapes and sizes
                    shown |= {f"{value:.3f}", f"{value:.4f}", f"{value:.6f}", repr(value)}
                    if field == "loss":
                        shown.add(f"{value:.2f}")
    return shown


@pytest.fixture(scope="module")
def hidden_values(shipped):
    return _hidden_values(shipped.numbers_file)


def test_the_leak_check_knows_the_hidden_answers(shipped, hidden_values):
    cases = json.loads(shipped.numbers_file.read_text(encoding="utf-8"))["cases"]
    assert {f"{case['loss']:.4f}" for case in cases["cross_entropy_loss"]} <= hidden_values
    assert f"{cases['approximate_function'][0]['y_hat'][50]:.4f}" in hidden_values
    assert len(hidden_values) > 1000


@pytest.mark.parametrize("variant", [pytest.param(v, id=v.id) for v in VARIANTS if v.kind != "correct"])
def test_feedback_never_shows_a_hidden_expected_value(graded, hidden_values, variant):
    for failure in corpus.failures(graded(variant)):
        leaked = sorted(v for v in hidden_values if v in failure.message)
        assert not leaked, f"{failure.name} shows {leaked}:\n{failure.message}"


# --- the whole way: a student notebook graded by otter with the built zip ---------------------


@pytest.fixture(scope="module")
def graded_whole(built_project, tmp_path_factory):
    """Each sample notebook, graded by otter with the built zip: {kind: (variants, outcome)}."""
    return corpus.grade_whole_notebooks(built_project[ASSIGNMENT], WHOLE_NOTEBOOKS, VARIANTS,
                                        tmp_path_factory.mktemp(f"{ASSIGNMENT}-whole"))


@pytest.mark.parametrize("kind", WHOLE_NOTEBOOKS)
def test_a_whole_notebook_loses_points_only_where_its_variant_deserves(graded_whole, shipped, kind):
    variants, outcome = graded_whole[kind]
    corpus.assert_whole_notebook_fair(variants, outcome, shipped.questions)
