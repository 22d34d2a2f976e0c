"""Does the shipped autograder give every student-style implementation of perceptron_gd its due?

The corpus (tests/corpus/perceptron_gd/) holds correct, wrong and partially right versions of
each graded function. The unit level runs each through its own question's test file exactly
as it ships in ``autograder.zip``, with the zip's hidden checks and numbers, and with the
complete sample's answers for every other name the question takes; a small sample goes the
whole way, as a filled-in student notebook graded by otter with the built zip.

The answers of this notebook build on each other, so a variant may call the notebook's
earlier answers (``gradient_descent`` summing ``grad_loss_i``); here those are the complete
sample's. ``loss_i`` is also taken by a case of q3 (the gradient against finite differences
of the student's own loss), so it is checked there too: a correct loss keeps those points,
and a wrong one costs nothing beyond its own question.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
from torch import nn

import corpus
from autograder import answers
from scratch_project import REPO

ASSIGNMENT = "perceptron_gd"
GRADED_NAMES = ["sigmoid", "grad_sigmoid", "loss_i", "grad_loss_i", "gradient_descent",
                "minibatch_gradient_descent", "df_explicit", "df_autograd"]
# At least this many (correct, wrong) variants per graded name.
LEAST = {"gradient_descent": (6, 8)}
LEAST_OTHERWISE = (3, 4)
COMPLETE = REPO / "assignments" / ASSIGNMENT / "samples" / "complete.py"


def _complete_answers() -> dict:
    """The complete sample's answers, defined together as in a notebook."""
    source = COMPLETE.read_text(encoding="utf-8")
    namespace = {"np": np, "torch": torch, "nn": nn}
    exec(compile(source, str(COMPLETE), "exec"), namespace)
    return {name: namespace[name] for name in answers.definitions(source)}


NOTEBOOK = _complete_answers()
VARIANTS = [v for name in GRADED_NAMES for v in corpus.load(ASSIGNMENT, name, NOTEBOOK)]
# The expected answers of each group of hidden cases: no feedback may show one of them.
EXPECTED_FIELDS = {"sigmoid": {"sigmoid", "grad_sigmoid"}, "loss_i": {"loss", "grad"},
                   "derivative": {"df", "df_autograd"}}
DESCENT_FIELDS = {"w", "losses"}
# Wrong variants whose mistake leaves some hidden cases right: the question's design keeps
# those points (the final weights do not depend on when the losses are recorded, a wrong
# batch order does not matter with one batch per epoch, a wrong df_explicit keeps the
# df_autograd case).
KEEPS = {
    "gradient_descent-wrong_losses_after_update": {"test_final_weights_on_new_data"},
    "gradient_descent-wrong_mean_loss": {"test_final_weights_on_new_data"},
    "gradient_descent-wrong_loss_broadcast_to_n_by_n": {"test_final_weights_on_new_data"},
    "gradient_descent-wrong_loss_not_reset": {"test_final_weights_on_new_data"},
    "gradient_descent-wrong_hard_coded_eta": {"test_on_the_lab_data"},
    "gradient_descent-wrong_float32_plain_log": {"test_final_weights_on_new_data",
                                                 "test_loss_history_on_new_data"},
    "minibatch_gradient_descent-wrong_same_order_every_epoch": {
        "test_structure_and_one_full_batch_epoch", "test_one_batch_per_epoch_is_gradient_descent"},
    "minibatch_gradient_descent-wrong_unshuffled": {
        "test_structure_and_one_full_batch_epoch", "test_one_batch_per_epoch_is_gradient_descent"},
    "df_explicit-wrong_missing_chain_factor_2x": {"test_df_autograd_at_new_points",
                                                  "test_df_autograd_against_finite_differences"},
    "df_autograd-wrong_exp_squared_for_exp_of_square": {"test_df_explicit_at_new_points",
                                                        "test_df_explicit_against_finite_differences"},
}
# The whole-notebook sample, two notebooks to keep the suite fast. "correct_and_partial":
# correct variants that call the notebook's own sigmoid, loss_i and grad_loss_i, and a partial
# mini-batch (a valid seeded shuffle other than the prescribed one); "wrong": a wrong loss_i
# (which must cost nothing in q3, where grad_loss_i is checked against it) and a wrong
# gradient_descent. Everything else in a notebook is the complete sample.
WHOLE_NOTEBOOKS = {
    "correct_and_partial": [
        "grad_sigmoid-correct_calls_sigmoid", "gradient_descent-correct_comprehensions_and_progress",
        "minibatch_gradient_descent-partial_torch_randperm", "df_autograd-correct_float32_tensor",
    ],
    "wrong": ["loss_i-wrong_swapped_terms", "gradient_descent-wrong_y_not_flattened"],
}

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # wrong variants overflow


def _of_kind(kind):
    return [pytest.param(v, id=v.id) for v in VARIANTS if v.kind == kind]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """The questions and hidden checks of a fresh build, laid out as in ``autograder.zip``."""
    with corpus.shipped(ASSIGNMENT, REPO, tmp_path_factory.mktemp(f"{ASSIGNMENT}-shipped")) as found:
        yield found


def _questions_taking(shipped, graded_name):
    """Every question with a case that takes ``graded_name``, its own question first."""
    own = shipped.questions[graded_name]
    others = {q.name: q for q in shipped.questions.values() if graded_name in q.parameters}
    others.pop(own.name)
    return [own, *others.values()]


@pytest.fixture(scope="module")
def graded(shipped):
    """``graded(variant, question)``: the case results, each variant run once per question.

    The question runs on the complete sample's answers, with the variant in its name's place.
    """
    results = {}

    def grade(variant, question=None):
        question = question or shipped.questions[variant.graded_name]
        key = (variant.id, question.name)
        if key not in results:
            environment = {name: NOTEBOOK[name] for name in question.parameters}
            environment[variant.graded_name] = variant.implementation
            results[key] = question.run(environment)
        return results[key]

    return grade


def test_the_corpus_covers_every_graded_name_with_enough_variants():
    counts = {(v.graded_name, v.kind): 0 for v in VARIANTS}
    for v in VARIANTS:
        counts[(v.graded_name, v.kind)] += 1
    for name in GRADED_NAMES:
        least_correct, least_wrong = LEAST.get(name, LEAST_OTHERWISE)
        assert counts.get((name, "correct"), 0) >= least_correct, name
        assert counts.get((name, "wrong"), 0) >= least_wrong, name


def test_the_complete_sample_answers_every_graded_name():
    assert set(GRADED_NAMES) <= set(NOTEBOOK)


@pytest.mark.parametrize("graded_name", GRADED_NAMES)
def test_the_corpus_uses_only_what_the_student_notebook_imports(graded_name):
    student = nbformat.read(REPO / "student_release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    assert corpus.imported_names(ASSIGNMENT, graded_name) <= corpus.notebook_imports(student)


def test_every_graded_name_has_its_own_question(shipped):
    assert set(GRADED_NAMES) <= set(shipped.questions)
    assert len({q.name for q in shipped.questions.values()}) == 6


def test_the_complete_sample_passes_every_case(shipped):
    for question in {q.name: q for q in shipped.questions.values()}.values():
        failures = corpus.failures(question.run({name: NOTEBOOK[name] for name in question.parameters}))
        assert not failures, corpus.summary(failures)


@pytest.mark.parametrize("variant", _of_kind("correct"))
def test_a_correct_variant_passes_every_case_that_takes_it(graded, shipped, variant):
    for question in _questions_taking(shipped, variant.graded_name):
        failures = corpus.failures(graded(variant, question))
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


def _case_names(question: corpus.Question) -> dict[str, str]:
    """Otter's name of each test case ("q4_gradient_descent - 3"), by its function's name."""
    from otter.test_files import ExceptionTestFile

    test_file = ExceptionTestFile.from_string(question.source, path=question.path)
    return {case.body.test_func.__name__: case.name for case in test_file.test_cases}


@pytest.mark.parametrize("variant_id", sorted(KEEPS))
def test_a_wrong_variant_keeps_the_cases_its_mistake_leaves_right(graded, shipped, variant_id):
    (variant,) = [v for v in VARIANTS if v.id == variant_id]
    names = _case_names(shipped.questions[variant.graded_name])
    assert KEEPS[variant_id] <= set(names)
    results = {r.name: r for r in graded(variant)}
    lost = [results[names[case]] for case in sorted(KEEPS[variant_id]) if not results[names[case]].passed]
    assert not lost, corpus.summary(lost)


@pytest.mark.parametrize("variant", [pytest.param(v, id=v.id) for v in VARIANTS
                                     if v.kind != "correct" and v.graded_name == "loss_i"])
def test_a_wrong_loss_costs_nothing_where_a_right_gradient_is_checked_against_it(graded, shipped, variant):
    """q3 checks grad_loss_i against the student's own loss_i; a right gradient keeps its points."""
    (other,) = _questions_taking(shipped, variant.graded_name)[1:]
    failures = corpus.failures(graded(variant, other))
    assert not failures, corpus.summary(failures)


def _hidden_values(numbers_file: Path, questions: dict[str, corpus.Question]):
    """The expected answers of every hidden case, written the ways a message might print them.

    Leaving out what students see anyway: the inputs the case labels name, and the values the
    public tests spell out (sigmoid(0) = 0.5 is in the hidden arrays too).
    """
    numbers = json.loads(numbers_file.read_text(encoding="utf-8"))
    public = " ".join(q.source for q in questions.values())

    def floats(value):
        if isinstance(value, list):
            for item in value:
                yield from floats(item)
        elif isinstance(value, float):
            yield value

    labels = " ".join(case["label"] for cases in numbers["cases"].values() for case in cases)
    shown = set()
    for group, cases in numbers["cases"].items():
        for case in cases:
            for field in EXPECTED_FIELDS.get(group, DESCENT_FIELDS) & set(case):
                for value in floats(case[field]):
                    if abs(value) < 0.01 or value == round(value):
                        continue  # zeros and whole numbers appear in shapes and sizes
                    shown |= {f"{value:.3f}", f"{value:.4f}", f"{value:.6f}", repr(value)}
                    if field in ("loss", "losses", "df"):
                        shown.add(f"{value:.2f}")
    return {text for text in shown if text not in labels and text not in public}


@pytest.fixture(scope="module")
def hidden_values(shipped):
    return _hidden_values(shipped.numbers_file, shipped.questions)


def test_the_leak_check_knows_the_hidden_answers(shipped, hidden_values):
    cases = json.loads(shipped.numbers_file.read_text(encoding="utf-8"))["cases"]
    assert {f"{case['loss']:.4f}" for case in cases["loss_i"] if case["loss"] > 0.01} <= hidden_values
    assert {f"{case['df']:.4f}" for case in cases["derivative"] if abs(case["df"]) > 0.01} <= hidden_values
    assert f"{cases['gradient_descent_lab'][0]['losses'][5]:.4f}" in hidden_values
    assert len(hidden_values) > 500


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
