"""The checks of ``deep_mlps`` against the reference and against known mistakes.

Each wrong implementation below is a mistake students make; the test asserts that the right
check rejects it, with the hint that names the mistake, and without revealing the expected
number. The checks compute no answer: the reference stores, for every case, what each known
mistake returns; the tests here also hold the checks module to that. The last tests
reproduce numbers published in the tutorial (seed 001).
"""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from autograder.checks import deep_mlps
from autograder.checks.values import CheckFailed
from autograder.grading_runtime.probes import build_module_from_spec
from conftest import ThroughTheJudge

checks = ThroughTheJudge(deep_mlps)
from reference import deep_mlps as ref
from reference import numbers


@pytest.fixture(scope="module")
def stored():
    return numbers.load("deep_mlps")


def fails_with(check, function, stored, *hints):
    """Run ``check`` on ``function``; it must fail and its message must hold every hint."""
    with pytest.raises(AssertionError) as failure:
        check(function, numbers=stored)
    message = str(failure.value)
    for hint in hints:
        assert hint in message, f"expected {hint!r} in the message: {message}"
    return message


# --- (a) the reference passes every check --------------------------------------------------


def test_numbers_file_is_up_to_date():
    """Does the stored numbers file match what the reference code makes now?"""
    assert not numbers.stale("deep_mlps")


@pytest.mark.parametrize("check, function", [
    (checks.count_parameters_plain_models, ref.count_parameters),
    (checks.count_parameters_special_models, ref.count_parameters),
    (checks.width_search_general, ref.hidden_units_for_budget),
    (checks.width_search_edges, ref.hidden_units_for_budget),
    (checks.poly_feature_count_and_shape, ref.make_poly_features),
    (checks.poly_features_match_reference, ref.make_poly_features),
    (checks.xavier_std_matches_reference, ref.xavier_std),
    (checks.leaky_relu_gain_matches_reference, ref.leaky_relu_gain),
])
def test_reference_passes(check, function, stored):
    check(function, numbers=stored)


@pytest.mark.parametrize("check, function", [
    (checks.count_parameters_plain_models, ref.count_parameters),
    (checks.count_parameters_special_models, ref.count_parameters),
    (checks.width_search_general, ref.hidden_units_for_budget),
    (checks.poly_feature_count_and_shape, ref.make_poly_features),
    (checks.poly_features_match_reference, ref.make_poly_features),
    (checks.xavier_std_matches_reference, ref.xavier_std),
    (checks.leaky_relu_gain_matches_reference, ref.leaky_relu_gain),
])
def test_reference_passes_the_public_examples(check, function, stored):
    check(function, numbers=stored, example=True)


def _spec_groups(stored):
    return [case for section in ("cases", "examples")
            for part in ("count_parameters_plain", "count_parameters_special")
            for case in stored[section][part]]


def test_models_built_from_specs_have_the_hand_counted_size(stored):
    """Does PyTorch agree with the count worked out from each model description?"""
    for case in _spec_groups(stored):
        assert ref.count_parameters(ref.build_model(case["model"])) == case["count"], case["label"]


def test_the_students_model_is_the_reference_model(stored):
    """The student's process builds each model from the checks' generic translation of its
    spec; the reference works out the wrong counts on its own build. Are they the same model,
    down to what any counter can see (names, shapes, trainability, buffers, module types)?"""
    def anatomy(model):
        return ([(n, tuple(p.shape), p.requires_grad)
                 for n, p in model.named_parameters(remove_duplicate=False)],
                [(n, tuple(b.shape)) for n, b in model.named_buffers()],
                [(n, type(m).__name__) for n, m in model.named_modules(remove_duplicate=False)][1:],
                [type(m).__name__ for m in model.children()],
                list(model.state_dict()))

    for case in _spec_groups(stored):
        theirs = build_module_from_spec(deep_mlps.generic_spec(case["model"]))
        assert anatomy(theirs) == anatomy(ref.build_model(case["model"])), case["label"]


def test_spec_nets_match_the_tutorial_net(stored):
    """Is the check's copy of the tutorial's Net the same size as the reference Net?"""
    for case in stored["cases"]["count_parameters_plain"][:3]:
        spec = case["model"]
        assert ref.tutorial_net_count(spec["actv"], spec["input"], spec["hidden"],
                                      spec["output"]) == case["count"]


def test_special_cases_really_are_special(stored):
    """Does each special model tell a correct counter from the naive one it targets?"""
    for case in stored["cases"]["count_parameters_special"]:
        model = ref.build_model(case["model"])
        naive = sum(v.numel() for v in model.state_dict().values())
        assert naive != case["count"], case["label"]


def test_the_stored_count_tables_are_pytorchs_counts(stored):
    """The width search is graded with the counts stored in each case: are they what PyTorch
    counts for the tutorial's Net, and do they reach past every budget they serve?"""
    for section in ("cases", "examples"):
        for part in ("hidden_units_for_budget_general", "hidden_units_for_budget_edges"):
            for case in stored[section].get(part, []):
                tables = [(case["max_par_count"], case["parameter_counts"])] + [
                    (nearby["inputs"][0], nearby["parameter_counts"]) for nearby in case["nearby"]]
                for budget, table in tables:
                    for network in table["networks"]:
                        by_width = network["by_width"]
                        assert by_width[-3] > budget, case["label"]
                        for width in (1, 2, len(by_width)):
                            assert by_width[width - 1] == ref.tutorial_net_count(
                                "ReLU()", network["n_in"], [width] * network["depth"],
                                network["n_out"]), case["label"]


def test_width_edge_cases_hit_the_budget(stored):
    edges = stored["cases"]["hidden_units_for_budget_edges"]
    assert sum(case["count_at_width"] == case["max_par_count"] for case in edges) >= 3


def test_a_0_dim_tensor_and_a_float_count_are_accepted(stored):
    checks.count_parameters_special_models(
        lambda model: torch.tensor(ref.count_parameters(model)), numbers=stored)
    checks.count_parameters_plain_models(
        lambda model: float(ref.count_parameters(model)), numbers=stored)


def test_float32_answers_are_accepted(stored):
    checks.poly_features_match_reference(
        lambda p, X: (ref.make_poly_features(p, X)[0].float(), ref.poly_feature_count(p)),
        numbers=stored)
    checks.xavier_std_matches_reference(
        lambda fi, fo, g=1.0: torch.tensor(ref.xavier_std(fi, fo, g), dtype=torch.float32),
        numbers=stored)
    checks.leaky_relu_gain_matches_reference(
        lambda a: nn.init.calculate_gain("leaky_relu", a), numbers=stored)


# --- (b) known mistakes fail the right check with the right hint ---------------------------


def test_unfinished_functions_fail_every_check(stored):
    for check in (checks.count_parameters_plain_models, checks.count_parameters_special_models,
                  checks.width_search_general, checks.width_search_edges,
                  checks.xavier_std_matches_reference, checks.leaky_relu_gain_matches_reference):
        fails_with(check, lambda *args: None, stored, "missing")
    for check in (checks.poly_feature_count_and_shape, checks.poly_features_match_reference):
        fails_with(check, lambda *args: None, stored, "should return 2 values")
    fails_with(checks.count_parameters_plain_models, None, stored, "is not defined")


def count_ignoring_requires_grad(model):
    return sum(p.numel() for p in model.parameters())


def count_with_buffers(model):
    return ref.count_parameters(model) + sum(b.numel() for b in model.buffers())


def count_shared_twice(model):
    return sum(p.numel() for _, p in model.named_parameters(remove_duplicate=False)
               if p.requires_grad)


def count_tensors(model):
    return len([p for p in model.parameters() if p.requires_grad])


def count_linear_layers_only(model):
    return sum(m.weight.numel() + (m.bias.numel() if m.bias is not None else 0)
               for m in model.modules() if isinstance(m, nn.Linear))


def test_counting_frozen_parameters(stored):
    checks.count_parameters_plain_models(count_ignoring_requires_grad, numbers=stored)
    message = fails_with(checks.count_parameters_special_models, count_ignoring_requires_grad,
                         stored, "frozen parameters", "first layer frozen")
    assert str(stored["cases"]["count_parameters_special"][0]["count"]) not in message


def test_counting_buffers(stored):
    fails_with(checks.count_parameters_special_models, count_with_buffers, stored,
               "buffers", "BatchNorm")


def test_counting_a_shared_parameter_twice(stored):
    checks.count_parameters_plain_models(count_shared_twice, numbers=stored)
    fails_with(checks.count_parameters_special_models, count_shared_twice, stored,
               "shared parameter", "used twice")


def test_counting_tensors_instead_of_scalars(stored):
    fails_with(checks.count_parameters_plain_models, count_tensors, stored, "numel()")


def test_counting_only_linear_layers(stored):
    fails_with(checks.count_parameters_plain_models, count_linear_layers_only, stored,
               "bare learnable tensor", "only the parameters of nn.Linear layers")


def test_counter_that_raises_is_reported_as_the_students_error(stored):
    fails_with(checks.count_parameters_plain_models, lambda model: model.layers, stored,
               "`count_parameters` raised AttributeError")


def width_stopping_after_the_budget(budget, depth, n_in, n_out):
    width = 1
    while ref.mlp_parameter_count(depth, width, n_in, n_out) <= budget:
        width += 1
    return width


def width_staying_below_the_budget(budget, depth, n_in, n_out):
    return max(1, ref.hidden_units_for_budget(budget, depth, n_in, n_out) - 1)


def width_without_biases(budget, depth, n_in, n_out):
    width = 1
    while n_in * width + (depth - 1) * width * width + width * n_out < budget:
        width += 1
    return width


def test_width_search_with_a_strict_comparison(stored):
    checks.width_search_general(width_stopping_after_the_budget, numbers=stored)
    fails_with(checks.width_search_edges, width_stopping_after_the_budget, stored,
               "one too large", "count < max_par_count")


def test_width_search_one_short(stored):
    fails_with(checks.width_search_general, width_staying_below_the_budget, stored,
               "one too small", "count >= max_par_count")


def test_width_search_forgetting_biases(stored):
    message = fails_with(checks.width_search_general, width_without_biases, stored,
                         "weights and biases")
    assert str(stored["cases"]["hidden_units_for_budget_general"][0]["width"]) not in message


def test_width_search_with_numpy_and_tensor_results(stored):
    checks.width_search_general(lambda *a: np.int64(ref.hidden_units_for_budget(*a)),
                                numbers=stored)
    checks.width_search_edges(lambda *a: torch.tensor(ref.hidden_units_for_budget(*a)),
                              numbers=stored)


def poly_loops_swapped(poly_degree, X):
    pairs = [(i, j) for j in range(poly_degree + 1) for i in range(poly_degree + 1)
             if 0 < i + j <= poly_degree]
    return torch.stack([X[:, 0] ** i * X[:, 1] ** j for i, j in pairs], dim=1), len(pairs)


def poly_by_total_degree(poly_degree, X):
    pairs = [(d - j, j) for d in range(1, poly_degree + 1) for j in range(d + 1)]
    return torch.stack([X[:, 0] ** i * X[:, 1] ** j for i, j in pairs], dim=1), len(pairs)


def poly_with_constant(poly_degree, X):
    poly_X, n = ref.make_poly_features(poly_degree, X)
    return torch.cat([torch.ones(X.shape[0], 1, dtype=poly_X.dtype), poly_X], dim=1), n + 1


def poly_transposed(poly_degree, X):
    poly_X, n = ref.make_poly_features(poly_degree, X)
    return poly_X.T, n


def poly_in_place(poly_degree, X):
    result = ref.make_poly_features(poly_degree, X.clone())
    X.mul_(1.0 + 1e-3)
    return result


def test_poly_with_swapped_loops(stored):
    checks.poly_feature_count_and_shape(poly_loops_swapped, numbers=stored)
    fails_with(checks.poly_features_match_reference, poly_loops_swapped, stored,
               "two loops", "degree 3")


def test_poly_grouped_by_degree(stored):
    fails_with(checks.poly_features_match_reference, poly_by_total_degree, stored,
               "grouped by total degree")


def test_poly_with_the_constant_column(stored):
    fails_with(checks.poly_feature_count_and_shape, poly_with_constant, stored,
               "constant term")


def test_poly_transposed(stored):
    fails_with(checks.poly_feature_count_and_shape, poly_transposed, stored, "transposed")


def test_poly_changing_its_input(stored):
    fails_with(checks.poly_features_match_reference, poly_in_place, stored, "in place")


@pytest.mark.parametrize("wrong, hint", [
    (lambda fi, fo, g=1.0: g * math.sqrt(6.0 / (fi + fo)), "uniform"),
    (lambda fi, fo, g=1.0: g * 2.0 / (fi + fo), "square root is missing"),
    (lambda fi, fo, g=1.0: g * math.sqrt(1.0 / fi), "forward condition"),
    (lambda fi, fo, g=1.0: math.sqrt(2.0 / (fi + fo)), "gain is missing"),
    (lambda fi, fo, g=1.0: g * g * math.sqrt(2.0 / (fi + fo)), "gain is squared"),
])
def test_xavier_mistakes(wrong, hint, stored):
    fails_with(checks.xavier_std_matches_reference, wrong, stored, hint)


@pytest.mark.parametrize("wrong, hint", [
    (lambda a: 2.0 / (1.0 + a**2), "square root is missing"),
    (lambda a: math.sqrt(2.0 / (1.0 + a)), "should be squared"),
    (lambda a: math.sqrt((1.0 + a**2) / 2.0), "upside down"),
    (lambda a: math.sqrt(2.0 / (1.0 - a**2)), "sign in the denominator"),
    (lambda a: [ref.leaky_relu_gain(a)] * 2, "single number"),
])
def test_gain_mistakes(wrong, hint, stored):
    fails_with(checks.leaky_relu_gain_matches_reference, wrong, stored, hint)


def width_one_hidden_layer(budget, depth, n_in, n_out):
    return ref.hidden_units_for_budget(budget, 1, n_in, n_out)


def width_one_block_too_few(budget, depth, n_in, n_out):
    return ref.hidden_units_for_budget(budget, max(1, depth - 1), n_in, n_out)


def test_nearby_inputs_tell_apart_mistakes_giving_the_same_width(stored):
    """With two hidden layers, ignoring the depth and leaving out one hidden block give the
    same width; the nearby inputs stored with the case name the right one."""
    first = stored["cases"]["hidden_units_for_budget_general"][0]
    widths = dict(first["mistakes"]["width"])
    assert widths["one_hidden_layer_whatever_the_depth"] == widths["one_hidden_block_too_few"]
    message = fails_with(checks.width_search_general, width_one_hidden_layer, stored,
                         "single hidden layer")
    assert "too few" not in message
    message = fails_with(checks.width_search_general, width_one_block_too_few, stored,
                         "one block of hidden-to-hidden weights too few")
    assert "single hidden layer" not in message


@pytest.mark.parametrize("check, wrong, key", [
    (checks.count_parameters_special_models, count_ignoring_requires_grad,
     "frozen_parameters_counted"),
    (checks.count_parameters_plain_models, count_tensors, "tensors_counted_not_scalars"),
    (checks.width_search_edges, width_stopping_after_the_budget, "stops_only_above_the_budget"),
    (checks.poly_features_match_reference, poly_by_total_degree, "grouped_by_total_degree"),
    (checks.poly_feature_count_and_shape, poly_transposed, "poly_X_transposed"),
    (checks.leaky_relu_gain_matches_reference, lambda a: math.sqrt((1.0 + a**2) / 2.0),
     "fraction_upside_down"),
])
def test_a_named_mistake_carries_its_key(check, wrong, key, stored):
    with pytest.raises(CheckFailed) as failure:
        check(wrong, numbers=stored)
    assert failure.value.key == key


def test_every_stored_mistake_has_its_words(stored):
    def keys(case):
        for field in case.get("mistakes", {}).values():
            yield from (key for key, _ in field)
        for nearby in case.get("nearby", []):
            yield from keys(nearby)

    found = {key for section in ("cases", "examples") for group in stored[section].values()
             for case in group for key in keys(case)}
    assert found and found <= set(deep_mlps.MISTAKES), found - set(deep_mlps.MISTAKES)
    assert all(mistake.key == key for key, mistake in deep_mlps.MISTAKES.items())


# --- (c) the public examples, run as the notebook runs them --------------------------------


def test_a_public_example_names_itself_and_shows_its_numbers(stored):
    message = fails_with(checks.count_parameters_plain_models, count_tensors, stored)
    assert message.startswith("On a hidden case (")
    with pytest.raises(AssertionError) as failure:
        checks.count_parameters_plain_models(count_tensors, numbers=stored, example=True)
    message = str(failure.value)
    assert message.startswith("On the example (nn.Sequential(nn.Linear(2, 3)")
    assert "got 4, expected 25" in message and "number of parameter tensors" in message


def test_the_tutorial_budget_is_the_public_width_example(stored):
    examples = stored["examples"]["hidden_units_for_budget_general"]
    assert [case["width"] for case in examples] == [14, 7, 6, 5, 4]
    assert {(case["max_par_count"], case["input_feature_num"], case["output_feature_num"])
            for case in examples} == {(100, 2, 4)}
    with pytest.raises(AssertionError) as failure:
        checks.width_search_general(width_staying_below_the_budget, numbers=stored, example=True)
    assert "got 13, expected 14: the width is one too small" in str(failure.value)
    assert "one too small" in str(failure.value)


def test_the_public_examples_are_the_tutorials(stored):
    examples = stored["examples"]
    assert [c["count"] for c in examples["count_parameters_plain"]] == [25, 10]
    assert [c["count"] for c in examples["count_parameters_special"]] == [16]
    assert examples["make_poly_features"][0]["poly_X"] == [[3.0, 9.0, 2.0, 6.0, 4.0],
                                                            [0.5, 0.25, -1.0, -0.5, 1.0]]
    assert [c["num_features"] for c in examples["make_poly_features_count"]] == [5]
    assert [(c["fan_in"], c["fan_out"], c["std"]) for c in examples["xavier_std"]] == [
        (3, 5, 0.5), (3, 5, 1.0)]
    assert [c["gain"] for c in examples["leaky_relu_gain"]] == [pytest.approx(math.sqrt(2.0)), 1.0]


def test_the_public_xavier_example_relies_on_the_default_gain(stored):
    def no_default_gain(fan_in, fan_out, gain):
        return ref.xavier_std(fan_in, fan_out, gain)

    checks.xavier_std_matches_reference(no_default_gain, numbers=stored)
    with pytest.raises(AssertionError, match="missing 1 required positional argument"):
        checks.xavier_std_matches_reference(no_default_gain, numbers=stored, example=True)


def test_an_example_names_no_mistake_the_examples_before_it_ruled_out(stored):
    """On xavier_std(3, 5, 2.0) a missing gain and a missing square root both give 0.5; the
    first example, which a missing square root fails, leaves only the missing gain."""
    with pytest.raises(AssertionError) as failure:
        checks.xavier_std_matches_reference(lambda fi, fo, g=1.0: math.sqrt(2.0 / (fi + fo)),
                                            numbers=stored, example=True)
    assert "gain is missing" in str(failure.value)
    assert "square root is missing" not in str(failure.value)


def test_the_public_checks_run_on_the_objects_themselves(stored):
    """In the student's notebook the checks get the functions, not the engine's proxies."""
    deep_mlps.count_parameters_special_models(ref.count_parameters, numbers=stored, example=True)
    deep_mlps.width_search_general(ref.hidden_units_for_budget, numbers=stored, example=True)
    deep_mlps.poly_features_match_reference(ref.make_poly_features, numbers=stored, example=True)
    with pytest.raises(AssertionError, match="frozen parameters"):
        deep_mlps.count_parameters_special_models(count_ignoring_requires_grad, numbers=stored,
                                                  example=True)


# --- (d) the checks compute no answer ------------------------------------------------------

ALLOWED_IMPORTS = {"__future__", "numpy", "torch", ".", ".values",
                   "autograder.grading_runtime.probes"}


def test_the_checks_module_imports_only_what_a_notebook_may_carry():
    tree = ast.parse(Path(deep_mlps.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add("." * node.level + (node.module or ""))
    assert imported <= ALLOWED_IMPORTS, imported - ALLOWED_IMPORTS


def test_the_checks_module_holds_no_formula_of_the_reference():
    """No counting, no square roots, no powers: what a right or wrong answer is, the module
    reads from the case (its words may still quote formulas, as the exercises do)."""
    tree = ast.parse(Path(deep_mlps.__file__).read_text(encoding="utf-8"))
    counting = {"numel", "parameters", "named_parameters", "buffers", "state_dict", "modules",
                "children", "sqrt", "prod", "stack"}
    called = {node.func.attr for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
    assert not called & counting, called & counting
    assert not [node for node in ast.walk(tree)
                if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow)]
    defined = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    assert not defined & {"build_model", "parameter_counts", "_count_mistakes", "_mlp_count",
                          "_first_width", "_feature_count", "_columns", "_width"}


# --- (e) numbers published in the tutorial -------------------------------------------------


def test_feature_count_for_degree_50_is_the_tutorials():
    """The tutorial prints 'Number of features: 1325' for P = 50."""
    poly_X, num_features = ref.make_poly_features(50, torch.zeros(3, 2))
    assert num_features == 1325 and tuple(poly_X.shape) == (3, 1325)


def test_budget_widths_match_the_tutorials_loop():
    """The tutorial's loop with a budget of 100 on the spiral (2 inputs, 4 classes)."""
    widths = []
    for depth in range(1, 6):
        width = 1
        while ref.tutorial_net_count("ReLU()", 2, [width] * depth, 4) < 100:
            width += 1
        widths.append(width)
    assert widths == [ref.hidden_units_for_budget(100, d, 2, 4) for d in range(1, 6)]
    assert widths == [14, 7, 6, 5, 4]


def _spiral(K=4, sigma=0.16, N=1000):
    t = torch.linspace(0, 1, N)
    X, y = torch.zeros(K * N, 2), torch.zeros(K * N)
    for k in range(K):
        angle = 2 * np.pi / K * (2 * t + k)
        X[k * N:(k + 1) * N, 0] = t * (torch.sin(angle) + sigma * torch.randn(N))
        X[k * N:(k + 1) * N, 1] = t * (torch.cos(angle) + sigma * torch.randn(N))
        y[k * N:(k + 1) * N] = k
    return X, y


def test_polynomial_classifier_reproduces_the_tutorials_accuracies():
    """The tutorial reports 69.88% training and 72.62% test accuracy for P = 50.

    A slow test (about half a minute): 100 epochs of a linear layer on 1325 features. It
    checks that the reference feature map has the tutorial's exact column order, since a
    different order trains to different numbers from the same seeded start.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        torch.manual_seed(2021)
        X, y = _spiral()
        torch.manual_seed(2021)
        order = torch.randperm(X.shape[0])
        X, y = X[order], y[order]
        X_test, y_test, X_train, y_train = X[:800], y[:800], X[800:], y[800:]
        torch.manual_seed(2021)
        train_features, n = ref.make_poly_features(50, X_train)
        test_features, _ = ref.make_poly_features(50, X_test)
        net = ref.Net("ReLU()", n, [], 4)
        optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
        loader = DataLoader(TensorDataset(train_features.float(), y_train), batch_size=128,
                            shuffle=True, generator=torch.Generator().manual_seed(2021))
        for _ in range(100):
            for inputs, labels in loader:
                optimizer.zero_grad()
                nn.functional.cross_entropy(net(inputs), labels.long()).backward()
                optimizer.step()
        with torch.no_grad():
            train_acc = (net(train_features.float()).argmax(1) == y_train).float().mean() * 100
            test_acc = (net(test_features.float()).argmax(1) == y_test).float().mean() * 100
    finally:
        torch.set_num_threads(threads)
    assert round(float(train_acc), 2) == 69.88
    assert round(float(test_acc), 2) == 72.62
