"""Does the shipped autograder give every student-style implementation of deep_mlps its due?

The corpus (tests/corpus/deep_mlps/) holds correct and wrong versions of each graded
function. The unit level runs each through its own question's test file exactly as it ships
in ``autograder.zip``, with the zip's hidden checks and numbers; a small sample goes the whole
way, as a filled-in student notebook graded by otter with the built zip.

A variant may use what the student notebook defines above its cell: the helper ``Net`` that
the notebook hands out, and the notebook's own ``count_parameters`` (the complete sample's
here), since the width search may build networks and count them as the tutorial does.

No variant here is ``partial``: neither the contract nor the notebook names a valid answer
that deserves less than full marks. The questions' design does give partial credit to some
mistakes, by testing ordinary inputs and special ones in separate hidden cases; ``KEEPS``
records, for each wrong variant whose mistake leaves a hidden case right, that it keeps it.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
from torch import nn

import corpus
from autograder import answers
from scratch_project import REPO

ASSIGNMENT = "deep_mlps"
GRADED_NAMES = ["count_parameters", "hidden_units_for_budget", "make_poly_features",
                "xavier_std", "leaky_relu_gain"]
# At least this many (correct, wrong) variants per graded name.
LEAST = {"count_parameters": (6, 8)}
LEAST_OTHERWISE = (3, 4)
COMPLETE = REPO / "assignments" / ASSIGNMENT / "samples" / "complete.py"
STUDENT_NOTEBOOK = REPO / "student_release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def _notebook_net(namespace: dict) -> type:
    """The helper ``Net`` exactly as the student notebook defines it, defined in ``namespace``."""
    student = nbformat.read(STUDENT_NOTEBOOK, as_version=4)
    for cell in student.cells:
        if cell.cell_type != "code" or "class Net(" not in cell.source:
            continue
        for node in ast.parse(cell.source).body:
            if isinstance(node, ast.ClassDef) and node.name == "Net":
                exec(compile(ast.get_source_segment(cell.source, node), "<notebook Net>", "exec"),
                     namespace)
                return namespace["Net"]
    raise LookupError(f"no class Net in {STUDENT_NOTEBOOK}")


def _complete_answers() -> dict:
    """The complete sample's answers, defined together as in a notebook, beside its ``Net``."""
    source = COMPLETE.read_text(encoding="utf-8")
    namespace = {"math": __import__("math"), "np": np, "torch": torch, "nn": nn}
    net = _notebook_net(namespace)
    exec(compile(source, str(COMPLETE), "exec"), namespace)
    return {"Net": net} | {name: namespace[name] for name in answers.definitions(source)}


NOTEBOOK = _complete_answers()
VARIANTS = [v for name in GRADED_NAMES for v in corpus.load(ASSIGNMENT, name, NOTEBOOK)]
# The expected answers of each graded name's hidden cases: its feedback may show none of them.
# Whole numbers are looked for as whole words; num_features is left out, since a message may
# print poly_X's expected shape, which the degree in the case's label and the formula of the
# exercise give away anyway.
HIDDEN_ANSWERS = {
    "count_parameters": {"count_parameters_plain": {"count"}, "count_parameters_special": {"count"}},
    "hidden_units_for_budget": {"hidden_units_for_budget_general": {"width", "count_at_width"},
                                "hidden_units_for_budget_edges": {"width", "count_at_width"}},
    "make_poly_features": {"make_poly_features": {"poly_X"}},
    "xavier_std": {"xavier_std": {"std"}},
    "leaky_relu_gain": {"leaky_relu_gain": {"gain"}},
}
# Wrong variants whose mistake leaves some hidden cases right: the question's design keeps
# those points (a counter that is right on ordinary models keeps their case, a width search
# that is wrong only where a width meets the budget exactly keeps the general widths, ...).
KEEPS = {
    "count_parameters-wrong_counts_frozen_parameters": {"test_plain_models"},
    "count_parameters-wrong_shared_counted_twice_remove_duplicate_false": {"test_plain_models"},
    "count_parameters-wrong_walks_each_modules_parameter_dict": {"test_plain_models"},
    "hidden_units_for_budget-wrong_stops_only_above_the_budget": {"test_widths_on_new_budgets"},
    "hidden_units_for_budget-wrong_adds_a_unit_before_the_first_test": {"test_widths_on_new_budgets"},
    "hidden_units_for_budget-wrong_inputs_and_outputs_swapped": {"test_widths_on_new_budgets"},
    "make_poly_features-wrong_loops_swapped": {"test_count_and_shape_for_new_degrees"},
    "make_poly_features-wrong_grouped_by_total_degree": {"test_count_and_shape_for_new_degrees"},
    "make_poly_features-wrong_loops_stop_below_the_degree": {"test_count_and_shape_for_new_degrees"},
    "make_poly_features-wrong_running_power_in_place": {"test_count_and_shape_for_new_degrees"},
    "xavier_std-wrong_no_default_gain": {"test_new_layers_and_gains"},
}
# Wrong variants that pass the public checks: the hidden tests alone catch them.
PASS_THE_PUBLIC_CHECKS = {
    "count_parameters-wrong_counts_buffers_too",
    "count_parameters-wrong_shared_counted_twice_remove_duplicate_false",
    "count_parameters-wrong_walks_each_modules_parameter_dict",
    "count_parameters-wrong_linear_layers_only",
    "hidden_units_for_budget-wrong_stops_only_above_the_budget",
    "hidden_units_for_budget-wrong_adds_a_unit_before_the_first_test",
    "hidden_units_for_budget-wrong_tutorial_budget_hard_coded",
    "hidden_units_for_budget-wrong_inputs_and_outputs_swapped",
    "make_poly_features-wrong_running_power_in_place",
    "make_poly_features-wrong_public_example_constant",
    "leaky_relu_gain-wrong_slope_not_squared",
}
# The whole-notebook sample, two notebooks to keep the suite fast. "correct": correct variants
# in other styles, among them a width search that builds the notebook's Net and counts it
# with the notebook's own (here: recursive) counter; "wrong": a counter that counts a shared
# parameter twice (right on ordinary models, so it keeps that case) and a width search that
# overshoots budgets met exactly, which both pass the public checks, and a Xavier rule with
# the uniform bound. Everything else in a notebook is the complete sample.
WHOLE_NOTEBOOKS = {
    "correct": [
        "count_parameters-correct_recursion_over_children_with_seen_set",
        "hidden_units_for_budget-correct_tutorial_loop_with_net",
        "make_poly_features-correct_skeleton_loops", "leaky_relu_gain-correct_math_sqrt",
    ],
    "wrong": [
        "count_parameters-wrong_shared_counted_twice_remove_duplicate_false",
        "hidden_units_for_budget-wrong_stops_only_above_the_budget",
        "xavier_std-wrong_uniform_bound",
    ],
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
    """``graded(variant)``: the case results of its own question, each variant run once.

    The question runs on the complete sample's answers, with the variant in its name's place.
    """
    results = {}

    def grade(variant):
        if variant.id not in results:
            question = shipped.questions[variant.graded_name]
            environment = {name: NOTEBOOK[name] for name in question.parameters}
            environment[variant.graded_name] = variant.implementation
            results[variant.id] = question.run(environment)
        return results[variant.id]

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
    student = nbformat.read(STUDENT_NOTEBOOK, as_version=4)
    assert corpus.imported_names(ASSIGNMENT, graded_name) <= corpus.notebook_imports(student)


def test_every_graded_name_has_its_own_question(shipped):
    assert set(GRADED_NAMES) == set(shipped.questions)
    assert len({q.name for q in shipped.questions.values()}) == len(GRADED_NAMES)


def test_the_complete_sample_passes_every_case(shipped):
    for question in shipped.questions.values():
        failures = corpus.failures(question.run({name: NOTEBOOK[name] for name in question.parameters}))
        assert not failures, corpus.summary(failures)


@pytest.mark.parametrize("variant", _of_kind("correct"))
def test_a_correct_variant_passes_every_case(graded, variant):
    failures = corpus.failures(graded(variant))
    assert not failures, corpus.summary(failures)


@pytest.mark.parametrize("variant", _of_kind("wrong"))
def test_a_wrong_variant_fails_its_question_and_the_feedback_names_the_mistake(graded, variant):
    failures = corpus.failures(graded(variant))
    assert failures, f"{variant.name} passed every case of its question"
    assert corpus.names_the_mistake(failures, variant.hint), (
        f"no failure message of {variant.name} says {variant.hint!r}:\n\n{corpus.summary(failures)}")


@pytest.mark.parametrize("variant", _of_kind("wrong"))
def test_the_public_checks_catch_a_wrong_variant_unless_it_is_listed(graded, variant):
    """Which mistakes the public checks already show, and which only the hidden tests find."""
    public_failures = [r for r in corpus.failures(graded(variant)) if not r.hidden]
    assert bool(public_failures) == (variant.id not in PASS_THE_PUBLIC_CHECKS), corpus.summary(public_failures)


def _case_names(question: corpus.Question) -> dict[str, str]:
    """Otter's name of each test case ("q1_count_parameters - 3"), by its function's name."""
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


@pytest.mark.parametrize("counter", [pytest.param(v, id=v.id) for v in VARIANTS
                                     if v.graded_name == "count_parameters" and v.kind == "wrong"])
def test_a_wrong_counter_costs_nothing_on_a_right_width_search_that_calls_it(shipped, counter):
    """The notebook lets the width search count its networks with the student's own counter.

    The width tests run the search with a correct counter in its place, so a wrong counter
    costs points on count_parameters alone, and the right search keeps every point.
    """
    (search,) = [v for v in corpus.load(ASSIGNMENT, "hidden_units_for_budget",
                                        NOTEBOOK | {"count_parameters": counter.implementation})
                 if v.name == "correct_tutorial_loop_with_net"]
    results = shipped.questions[search.graded_name].run({search.graded_name: search.implementation})
    assert not corpus.failures(results), corpus.summary(corpus.failures(results))
    assert search.implementation.__globals__["count_parameters"] is counter.implementation


def _floats(value):
    if isinstance(value, list):
        for item in value:
            yield from _floats(item)
    elif isinstance(value, (int, float)):
        yield value


def _whole_numbers(text: str) -> set[str]:
    return set(re.findall(r"(?<![\d.])\d+(?![\d.]*\d)", text))


def _hidden_values(numbers_file: Path, questions: dict[str, corpus.Question]) -> dict[str, set[str]]:
    """For each graded name, its hidden cases' expected answers, written as a message might.

    Leaving out what students see anyway: the numbers in the case labels and in the public
    tests. Whole numbers are returned as they are written; other values at a few precisions.
    """
    numbers = json.loads(numbers_file.read_text(encoding="utf-8"))
    cases = numbers["cases"]
    public = " ".join(q.source for q in questions.values())
    labels = " ".join(case["label"] for group in cases.values() for case in group)
    seen_anyway = _whole_numbers(labels) | _whole_numbers(public)
    hidden = {}
    for graded_name, groups in HIDDEN_ANSWERS.items():
        shown = set()
        for group, fields in groups.items():
            for case in cases[group]:
                for field in fields:
                    for value in _floats(case[field]):
                        if value == round(value):
                            shown.add(str(int(value)))
                        elif abs(value) >= 0.01:
                            shown |= {f"{value:.3f}", f"{value:.4f}", f"{value:.6f}", repr(value)}
        hidden[graded_name] = {
            text for text in shown
            if (text not in seen_anyway if text.isdigit() else text not in f"{labels} {public}")}
    return hidden


@pytest.fixture(scope="module")
def hidden_values(shipped):
    return _hidden_values(shipped.numbers_file, shipped.questions)


def _shows(message: str, value: str) -> bool:
    if value.isdigit():
        return value in _whole_numbers(message)
    return value in message


def test_the_leak_check_knows_the_hidden_answers(shipped, hidden_values):
    cases = json.loads(shipped.numbers_file.read_text(encoding="utf-8"))["cases"]
    counts = hidden_values["count_parameters"]
    assert {str(case["count"]) for case in cases["count_parameters_special"]} <= counts
    assert {"205187", "403779"} <= counts
    # (13 is in the public test's message, "13 units make 95 parameters")
    assert {str(case["width"]) for case in cases["hidden_units_for_budget_general"]} - {"13"} <= (
        hidden_values["hidden_units_for_budget"])
    assert {f"{case['std']:.4f}" for case in cases["xavier_std"]} - {"2.5000"} <= hidden_values["xavier_std"]
    assert {f"{case['gain']:.4f}" for case in cases["leaky_relu_gain"]} <= hidden_values["leaky_relu_gain"]
    assert len(hidden_values["make_poly_features"]) > 500
    assert _shows("the count is 205187.", "205187") and not _shows("(2051870,)", "205187")


@pytest.mark.parametrize("variant", _of_kind("wrong"))
def test_feedback_never_shows_a_hidden_expected_value(graded, hidden_values, variant):
    for failure in corpus.failures(graded(variant)):
        shown = re.sub(r"Error at line \d+ in test [^:]*:", "", failure.message)  # otter's frame
        leaked = sorted(v for v in hidden_values[variant.graded_name] if _shows(shown, v))
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
