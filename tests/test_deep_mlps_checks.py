"""The checks of ``deep_mlps`` against the reference and against known mistakes.

Each wrong implementation below is a mistake students make; the test asserts that the right
check rejects it, with the hint that names the mistake, and without revealing the expected
number, on the stored draw of the hidden cases and on fresh ones. The checks compute no
answer: the reference stores, for every case, what each known mistake returns; the tests here
also hold the checks module to that. The width search's hidden tests lend it the grading
engine's stand-in counter; the tests of that stand-in and of its probe are here too. The last
tests reproduce numbers published in the tutorial (seed 001).
"""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from autograder.checks import deep_mlps
from autograder.checks.values import CheckFailed
from autograder.grading_runtime import probes, stand_ins, wording
from autograder.grading_runtime.probes import build_module_from_spec
from conftest import ThroughTheJudge
from reference import deep_mlps as ref
from reference import numbers, separation
from reference.separation import NotSeparated

checks = ThroughTheJudge(deep_mlps)


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


def hidden_words(check, function, stored):
    """What ``check`` says of ``function`` on its hidden cases, worded as a hidden test is."""
    with wording.hidden_test():
        with pytest.raises(CheckFailed) as failure:
            check(function, numbers=stored)
    return failure.value.text(), failure.value.key


DRAWS = [numbers.draw("deep_mlps", seed) for seed in (3, 17, 101)]


def every_draw(stored):
    """The stored draw and a few fresh ones, each as a numbers file holds it."""
    return [stored] + [{**stored, "cases": cases} for cases in DRAWS]


# --- (a) the reference passes every check, on every draw -----------------------------------


CHECKS_AND_REFERENCE = [
    (checks.count_parameters_plain_models, ref.count_parameters),
    (checks.count_parameters_special_models, ref.count_parameters),
    (checks.width_search_general, ref.hidden_units_for_budget),
    (checks.width_search_edges, ref.hidden_units_for_budget),
    (checks.poly_feature_count_and_shape, ref.make_poly_features),
    (checks.poly_features_match_reference, ref.make_poly_features),
    (checks.xavier_std_matches_reference, ref.xavier_std),
    (checks.leaky_relu_gain_matches_reference, ref.leaky_relu_gain),
]


@pytest.mark.parametrize("check, function", CHECKS_AND_REFERENCE)
def test_reference_passes(check, function, stored):
    for drawn in every_draw(stored):
        check(function, numbers=drawn)


@pytest.mark.parametrize("check, objects", [
    (checks.count_parameters_plain_models, [ref.count_parameters]),
    (checks.count_parameters_special_models, [ref.count_parameters]),
    (checks.width_search_general, [ref.hidden_units_for_budget, ref.count_parameters]),
    (checks.poly_feature_count_and_shape, [ref.make_poly_features]),
    (checks.poly_features_match_reference, [ref.make_poly_features]),
    (checks.xavier_std_matches_reference, [ref.xavier_std]),
    (checks.leaky_relu_gain_matches_reference, [ref.leaky_relu_gain]),
])
def test_reference_passes_the_public_examples(check, objects, stored):
    check(*objects, numbers=stored, example=True)


def _spec_cases(stored):
    return [case for drawn in every_draw(stored) for section in ("cases", "examples")
            for part in ("count_parameters_plain", "count_parameters_special")
            for case in drawn[section][part]]


def test_models_built_from_specs_have_the_hand_counted_size(stored):
    """Does PyTorch agree with the count worked out from each model description?"""
    for case in _spec_cases(stored):
        model = build_module_from_spec(deep_mlps.generic_spec(case["model"]))
        assert ref.count_parameters(model) == case["count"], case["label"]


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

    for case in _spec_cases(stored):
        theirs = build_module_from_spec(deep_mlps.generic_spec(case["model"]))
        assert anatomy(theirs) == anatomy(ref.build_model(case["model"])), case["label"]


def test_spec_nets_match_the_tutorial_net(stored):
    """Is the check's copy of the tutorial's Net the same size as the reference Net?"""
    nets = [case for case in _spec_cases(stored) if case["model"]["kind"] == "net"]
    assert len(nets) >= 10
    for case in nets:
        spec = case["model"]
        if not spec.get("frozen_layers"):
            assert ref.tutorial_net_count(spec["actv"], spec["input"], spec["hidden"],
                                          spec["output"]) == case["count"]


def test_special_cases_really_are_special(stored):
    """Does each special model tell a correct counter from the naive one it targets?"""
    for drawn in every_draw(stored):
        for case in drawn["cases"]["count_parameters_special"]:
            model = ref.build_model(case["model"])
            naive = sum(v.numel() for v in model.state_dict().values())
            assert naive != case["count"], case["label"]


def test_width_edge_cases_hit_the_budget_on_every_draw(stored):
    """Two edge cases meet the budget exactly at their width, two at one unit per layer."""
    for drawn in every_draw(stored):
        edges = drawn["cases"]["hidden_units_for_budget_edges"]
        met = [ref.mlp_parameter_count(c["n_hidden_layers"], c["width"], c["input_feature_num"],
                                       c["output_feature_num"]) == c["max_par_count"] for c in edges]
        assert met == [True, True, False, True]
        assert [c["width"] for c in edges][2:] == [1, 1]


def test_a_0_dim_tensor_and_a_float_count_are_accepted(stored):
    checks.count_parameters_special_models(
        lambda model: torch.tensor(ref.count_parameters(model)), numbers=stored)
    checks.count_parameters_plain_models(
        lambda model: float(ref.count_parameters(model)), numbers=stored)


def test_float32_answers_are_accepted_on_every_draw(stored):
    for drawn in every_draw(stored):
        checks.poly_features_match_reference(
            lambda p, X: (ref.make_poly_features(p, X, torch.float32)[0], ref.poly_feature_count(p)),
            numbers=drawn)
        checks.xavier_std_matches_reference(
            lambda fi, fo, g=1.0: np.float32(g) * np.sqrt(np.float32(2) / np.float32(fi + fo)),
            numbers=drawn)
        checks.leaky_relu_gain_matches_reference(
            lambda a: torch.sqrt(2 / (1 + torch.tensor(a, dtype=torch.float32) ** 2)), numbers=drawn)
        checks.leaky_relu_gain_matches_reference(
            lambda a: nn.init.calculate_gain("leaky_relu", a), numbers=drawn)


# --- (b) drawing: each kind of case is what it says, on every draw ---------------------------


def test_a_draw_that_breaks_its_kinds_promise_is_drawn_again():
    """A kind promises which mistakes it cannot see and which coincide; a draw that does not
    keep that promise raises NotSeparated (and draw_separated draws again)."""
    with pytest.raises(NotSeparated, match="should give the right answer"):
        ref._separated(10, [("a", 12), ("b", 14)], ref.EXACT, blind=("b",))
    with pytest.raises(NotSeparated, match="coincide"):
        ref._separated(10, [("a", 12), ("b", 12)], ref.EXACT)
    with pytest.raises(NotSeparated, match="coincide"):
        ref._separated(10, [("a", 12), ("b", 13)], ref.EXACT, together=[("a", "b")])
    assert ref._separated(10, [("a", 12), ("b", 12), ("c", 10)], ref.EXACT, blind=("c",),
                          together=[("a", "b")]) == [[["a", "b"], 12]]
    case = separation.draw_separated(ref._three_layers, 0, "a test")
    assert all(key not in ref._keys(case["mistakes"]["width"]) for key in ref.AT_THE_BOUNDARY)
    tries = []

    def counted(rng):
        tries.append(1)
        return ref._three_layers(rng)

    for seed in range(20):
        separation.draw_separated(counted, seed, "a test")
    assert len(tries) > 20, "no draw was ever refused: the promise checks nothing"


def test_the_same_kinds_meet_the_same_mistakes_on_every_draw():
    """Which mistakes each case stores, and which together, never depends on the seed."""
    def shape(cases):
        return {group: [{field: [key for key, _ in entries] for field, entries in case["mistakes"].items()}
                        for case in group_cases] for group, group_cases in cases.items()}

    shapes = [shape(numbers.draw("deep_mlps", seed)) for seed in range(20, 30)]
    assert all(found == shapes[0] for found in shapes[1:])


def test_labels_are_the_same_words_on_every_draw():
    labels = [{group: [c["label"] for c in cases] for group, cases in drawn.items()} for drawn in DRAWS]
    assert labels[0] == labels[1] == labels[2]


# --- (c) known mistakes fail the right check with the right hint ---------------------------


def test_unfinished_functions_fail_every_check(stored):
    for check in (checks.count_parameters_plain_models, checks.count_parameters_special_models,
                  checks.width_search_general, checks.width_search_edges,
                  checks.xavier_std_matches_reference, checks.leaky_relu_gain_matches_reference):
        fails_with(check, lambda *args: None, stored, "missing")
    for check in (checks.poly_feature_count_and_shape, checks.poly_features_match_reference):
        fails_with(check, lambda *args: None, stored, "missing")
    fails_with(checks.count_parameters_plain_models, None, stored, "is not defined")
    fails_with(checks.width_search_general, None, stored, "is not defined")


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


def count_the_state_dict(model):
    return sum(v.numel() for v in model.state_dict().values())


def test_counting_frozen_parameters(stored):
    checks.count_parameters_plain_models(count_ignoring_requires_grad, numbers=stored)
    message = fails_with(checks.count_parameters_special_models, count_ignoring_requires_grad,
                         stored, "frozen parameters", "first layer frozen")
    assert str(stored["cases"]["count_parameters_special"][0]["count"]) not in message


def test_counting_buffers(stored):
    words, key = hidden_words(checks.count_parameters_special_models, count_with_buffers, stored)
    assert "BatchNorm" in words and key == "buffers_counted"


def test_counting_the_state_dict_is_told_apart_where_frozen_weights_and_buffers_meet(stored):
    """Elsewhere the state dict coincides with one of its parts (named as possibilities); on the
    BatchNorm case with a frozen weight it is named alone."""
    for drawn in every_draw(stored):
        special = drawn["cases"]["count_parameters_special"]
        batchnorm = dict(special[2]["mistakes"]["count"])
        assert batchnorm["size_of_the_state_dict"] not in (batchnorm["frozen_parameters_counted"],
                                                           batchnorm["buffers_counted"])
    words, key = hidden_words(checks.count_parameters_special_models, count_the_state_dict, stored)
    assert key == "frozen_parameters_counted|size_of_the_state_dict"
    assert "could be one of 2 mistakes" in words


def test_counting_a_shared_parameter_twice(stored):
    checks.count_parameters_plain_models(count_shared_twice, numbers=stored)
    fails_with(checks.count_parameters_special_models, count_shared_twice, stored,
               "shared parameter", "used twice")


def test_counting_tensors_instead_of_scalars(stored):
    fails_with(checks.count_parameters_plain_models, count_tensors, stored, "numel")


def test_counting_only_linear_layers(stored):
    fails_with(checks.count_parameters_plain_models, count_linear_layers_only, stored,
               "bare learnable tensor", "only the parameters of nn.Linear layers")


def test_counter_that_raises_is_reported_as_the_students_error(stored):
    fails_with(checks.count_parameters_plain_models, lambda model: model.layers, stored,
               "`count_parameters` raised AttributeError")
    words, _ = hidden_words(checks.count_parameters_plain_models, lambda model: model.layers, stored)
    assert words.endswith("`count_parameters` raised an error.") and "AttributeError" not in words


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


def width_one_hidden_layer(budget, depth, n_in, n_out):
    return ref.hidden_units_for_budget(budget, 1, n_in, n_out)


def width_one_block_too_few(budget, depth, n_in, n_out):
    return ref.hidden_units_for_budget(budget, max(1, depth - 1), n_in, n_out)


def test_width_search_with_a_strict_comparison(stored):
    checks.width_search_general(width_stopping_after_the_budget, numbers=stored)
    words, key = hidden_words(checks.width_search_edges, width_stopping_after_the_budget, stored)
    assert key == "stops_only_above_the_budget" and "count < max_par_count" in words
    assert "could be one of" not in words  # the first edge case has it alone


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


def test_mistakes_giving_one_width_are_named_as_possibilities_and_apart_where_they_differ(stored):
    """With two hidden layers, ignoring the depth and leaving out one hidden block give the same
    width: that case names both; with three layers (the first general case) each is alone."""
    for drawn in every_draw(stored):
        two_layers = drawn["cases"]["hidden_units_for_budget_general"][1]
        assert ["one_hidden_layer_whatever_the_depth", "one_hidden_block_too_few"] in [
            key for key, _ in two_layers["mistakes"]["width"]]
    for wrong, key, other in [(width_one_hidden_layer, "one_hidden_layer_whatever_the_depth", "too few"),
                              (width_one_block_too_few, "one_hidden_block_too_few", "single hidden layer")]:
        words, found = hidden_words(checks.width_search_general, wrong, stored)
        assert found == key and other not in words


def test_nothing_but_the_calls_arguments_reaches_the_student_process(stored, monkeypatch):
    """The hidden width search gets its four inputs, the counter's name and the stand-in's
    name, nothing else: no table of counts, no answer."""
    from autograder.grading_runtime import remote

    sent = []
    probe = remote.Remote.probe

    def recording(self, name, *args):
        sent.append((name, args))
        return probe(self, name, *args)

    monkeypatch.setattr(remote.Remote, "probe", recording)
    checks.width_search_general(ref.hidden_units_for_budget, numbers=stored)
    cases = stored["cases"]["hidden_units_for_budget_general"]
    assert sent == [("call_with_stand_in", ([c["max_par_count"], c["n_hidden_layers"],
                                             c["input_feature_num"], c["output_feature_num"]],
                                            "count_parameters", "count_parameters"))
                    for c in cases]


# A search as the tutorial writes it: it counts its networks with the notebook's counter.
def tutorial_search(max_par_count, n_hidden_layers, input_feature_num, output_feature_num):
    width = 1
    while count_parameters(ref.Net("ReLU()", input_feature_num, [width] * n_hidden_layers,
                                   output_feature_num)) < max_par_count:
        width += 1
    return width


def count_parameters(model):  # the notebook's counter, as tutorial_search sees it; tests swap it
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def test_a_wrong_counter_costs_the_hidden_width_tests_nothing(stored, monkeypatch):
    """The hidden tests lend the search a correct counter: a counter that leaves out the biases
    does not make the width wrong there, whatever the draw."""
    monkeypatch.setitem(globals(), "count_parameters", lambda model: sum(
        p.numel() for name, p in model.named_parameters() if "weight" in name))
    for drawn in every_draw(stored):
        checks.width_search_general(tutorial_search, numbers=drawn)
        checks.width_search_edges(tutorial_search, numbers=drawn)
    assert tutorial_search(100, 1, 2, 4) != 14  # without the stand-in the counter does make it wrong


def test_the_public_example_says_when_the_students_counter_makes_the_width_wrong(stored, monkeypatch):
    """In the judge, the search is right with a correct counter: said with certainty, under
    the key of the counter's own mistake."""
    def weights_only(model):
        return sum(p.numel() for name, p in model.named_parameters() if "weight" in name)

    monkeypatch.setitem(globals(), "count_parameters", weights_only)
    with pytest.raises(CheckFailed) as failure:
        checks.width_search_general(tutorial_search, weights_only, numbers=stored, example=True)
    message = str(failure.value)
    assert failure.value.key == "biases_left_out"
    assert "the search itself is right (with a correct parameter counter it finds 14)" in message
    assert "your count_parameters says 84 parameters for the network of 2 inputs" in message
    assert "Fix count_parameters (exercise 1) first" in message


def test_in_the_notebook_the_counters_part_is_said_as_a_possibility(stored, monkeypatch):
    """The notebook carries no stand-in: the check cannot run the search with a correct
    counter, so it says what the counter does and that it would explain the width."""
    from autograder.grading_runtime import probes

    def weights_only(model):
        return sum(p.numel() for name, p in model.named_parameters() if "weight" in name)

    monkeypatch.setitem(globals(), "count_parameters", weights_only)
    monkeypatch.setattr(probes, "_stand_ins", None)
    with pytest.raises(CheckFailed) as failure:
        deep_mlps.width_search_general(tutorial_search, weights_only, numbers=stored, example=True)
    message = str(failure.value)
    assert failure.value.key == "biases_left_out"
    assert "If your search counts its networks with count_parameters, that alone makes" in message
    assert "itself is right" not in message


def test_a_wrong_search_with_a_right_counter_is_named_for_its_own_mistake(stored):
    with pytest.raises(CheckFailed) as failure:
        checks.width_search_general(width_staying_below_the_budget, ref.count_parameters,
                                    numbers=stored, example=True)
    assert failure.value.key == "last_width_below_the_budget"
    assert "got 13, expected 14: the width is one too small" in str(failure.value)


def test_a_wrong_search_with_a_wrong_counter_gets_its_own_mistake_named_first(stored, monkeypatch):
    def one_too_many(model):
        return ref.count_parameters(model) + 1

    def search_one_short_with_the_counter(max_par_count, n_hidden_layers, n_in, n_out):
        return max(1, tutorial_search(max_par_count, n_hidden_layers, n_in, n_out) - 1)

    monkeypatch.setitem(globals(), "count_parameters", one_too_many)
    with pytest.raises(CheckFailed) as failure:
        checks.width_search_general(search_one_short_with_the_counter, one_too_many,
                                    numbers=stored, example=True)
    assert failure.value.key == "last_width_below_the_budget"
    assert "Besides, your count_parameters says" in str(failure.value)


# --- the stand-in counter and its probe -----------------------------------------------------------


def test_the_stand_in_counts_what_pytorch_counts_for_networks_of_linear_layers():
    shared = nn.Linear(4, 4)
    frozen = nn.Linear(4, 2)
    frozen.bias.requires_grad_(False)
    models = [ref.Net("ReLU()", 3, [5, 5], 2), ref.Net("LeakyReLU(0.1)", 7, [], 3),
              nn.Sequential(shared, nn.Tanh(), shared, frozen), nn.Linear(6, 1, bias=False)]
    with stand_ins.lent():
        for model in models:
            assert stand_ins.count_linear_network(model) == ref.count_parameters(model)


def test_the_stand_in_answers_only_while_lent_and_only_for_linear_networks():
    """Taken for a notebook's own counter, it raises on every test of the counter: outside a
    call it was lent to, and on any model with a parameter outside an nn.Linear layer."""
    with pytest.raises(stand_ins.NotLent):
        stand_ins.count_linear_network(ref.Net("ReLU()", 3, [5], 2))
    with stand_ins.lent():
        for model in (nn.Sequential(nn.Linear(3, 3), nn.BatchNorm1d(3)),
                      build_module_from_spec({"kind": "scale", "shape": [2, 2]})):
            with pytest.raises(LookupError):
                stand_ins.count_linear_network(model)
        with pytest.raises(TypeError):
            stand_ins.count_linear_network([1, 2])


def test_call_with_stand_in_swaps_the_counter_for_the_call_only():
    namespace = {}
    exec("def count_parameters(model):\n    return -1\n"
         "def search(model):\n    return count_parameters(model)\n"
         "def failing(model):\n    count_parameters(model)\n    raise ValueError('mine')\n", namespace)
    students_counter = namespace["count_parameters"]
    model = ref.Net("ReLU()", 2, [3], 4)
    assert probes.call_with_stand_in(None, namespace["search"], [model], "count_parameters",
                                     "count_parameters") == 25
    assert namespace["count_parameters"] is students_counter and namespace["search"](model) == -1
    with pytest.raises(ValueError, match="mine"):
        probes.call_with_stand_in(None, namespace["failing"], [model], "count_parameters",
                                  "count_parameters")
    assert namespace["count_parameters"] is students_counter
    assert probes.call_with_stand_in(None, namespace["search"], [model], "counter_it_lacks",
                                     "count_parameters") == -1
    assert "counter_it_lacks" not in namespace


def test_call_with_stand_in_refuses_where_the_stand_ins_are_not_at_hand(monkeypatch):
    monkeypatch.setattr(probes, "_stand_ins", None)
    with pytest.raises(RuntimeError, match="not at hand"):
        probes.call_with_stand_in(None, len, [[1]], "count_parameters", "count_parameters")


def test_the_students_notebook_carries_no_stand_in():
    from autograder import package

    stored = numbers.load("deep_mlps")
    library = package.student_library("deep_mlps", stored, package.grading_environment(stored["versions"]))
    assert not [path for path in library if "stand_in" in path]
    assert not [path for path, text in library.items() if "count_linear_network" in text]


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
               "two loops", "a degree above two")


def test_poly_grouped_by_degree(stored):
    fails_with(checks.poly_features_match_reference, poly_by_total_degree, stored,
               "grouped by total degree")


def test_poly_with_the_constant_column(stored):
    fails_with(checks.poly_feature_count_and_shape, poly_with_constant, stored,
               "constant term")


def test_poly_transposed(stored):
    fails_with(checks.poly_feature_count_and_shape, poly_transposed, stored, "transposed")


def test_poly_changing_its_input_is_named_with_its_key_in_public_and_hidden_tests(stored):
    words, key = hidden_words(checks.poly_features_match_reference, poly_in_place, stored)
    assert key == "changed_its_input_in_place" and "in place" in words
    with pytest.raises(CheckFailed) as failure:
        checks.poly_features_match_reference(poly_in_place, numbers=stored, example=True)
    assert failure.value.key == "changed_its_input_in_place"


def test_a_wrong_shape_is_said_without_a_shape_in_a_hidden_test(stored):
    def one_column_short(poly_degree, X):
        poly_X, n = ref.make_poly_features(poly_degree, X)
        return poly_X[:, :-1], n

    words, key = hidden_words(checks.poly_features_match_reference, one_column_short, stored)
    assert key == "wrong_shape" and "poly_X has the wrong shape: it should have one row" in words
    assert not re.search(r"\(\d+, \d+\)", words)
    with pytest.raises(CheckFailed, match=r"poly_X has shape \(2, 4\), expected \(2, 5\)"):
        checks.poly_features_match_reference(one_column_short, numbers=stored, example=True)


@pytest.mark.parametrize("wrong, hint", [
    (lambda fi, fo, g=1.0: g * math.sqrt(6.0 / (fi + fo)), "uniform"),
    (lambda fi, fo, g=1.0: g * 2.0 / (fi + fo), "square root is missing"),
    (lambda fi, fo, g=1.0: g * math.sqrt(1.0 / fi), "forward condition"),
    (lambda fi, fo, g=1.0: g * math.sqrt(1.0 / fo), "backward condition"),
    (lambda fi, fo, g=1.0: g * math.sqrt(1.0 / (fi + fo)), "the 2 of the numerator"),
    (lambda fi, fo, g=1.0: math.sqrt(2.0 / (fi + fo)), "gain is missing"),
    (lambda fi, fo, g=1.0: g * g * math.sqrt(2.0 / (fi + fo)), "gain is squared"),
])
def test_xavier_mistakes(wrong, hint, stored):
    for drawn in every_draw(stored):
        fails_with(checks.xavier_std_matches_reference, wrong, drawn, hint)


@pytest.mark.parametrize("wrong, hint", [
    (lambda a: 2.0 / (1.0 + a**2), "square root is missing"),
    (lambda a: math.sqrt(2.0 / (1.0 + a)), "should be squared"),
    (lambda a: math.sqrt((1.0 + a**2) / 2.0), "upside down"),
    (lambda a: math.sqrt(2.0 / (1.0 - a**2)), "sign in the denominator"),
    (lambda a: [ref.leaky_relu_gain(a)] * 2, "single number"),
])
def test_gain_mistakes(wrong, hint, stored):
    for drawn in every_draw(stored):
        fails_with(checks.leaky_relu_gain_matches_reference, wrong, drawn, hint)


def test_the_public_gain_example_shows_a_slope_left_unsquared(stored):
    with pytest.raises(CheckFailed) as failure:
        checks.leaky_relu_gain_matches_reference(lambda a: math.sqrt(2.0 / (1.0 + a)),
                                                 numbers=stored, example=True)
    assert failure.value.key == "slope_not_squared"
    assert "leaky_relu_gain(0.1)" in str(failure.value)


@pytest.mark.parametrize("check, wrong, key", [
    (checks.count_parameters_special_models, count_ignoring_requires_grad,
     "frozen_parameters_counted|size_of_the_state_dict"),
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


# --- (d) the public examples, run as the notebook runs them --------------------------------


def test_a_public_example_names_itself_and_shows_its_numbers(stored):
    message = fails_with(checks.count_parameters_plain_models, count_tensors, stored)
    assert message.startswith("On a hidden case (")
    with pytest.raises(AssertionError) as failure:
        checks.count_parameters_plain_models(count_tensors, numbers=stored, example=True)
    message = str(failure.value)
    assert message.startswith("On the example (a Sequential of nn.Linear(2, 3)")
    assert "got 4, expected 29" in message and "number of parameter tensors" in message


def test_the_tutorial_budget_is_the_public_width_example(stored):
    examples = stored["examples"]["hidden_units_for_budget_general"]
    assert [case["width"] for case in examples] == [14, 7, 6, 5, 4, 7, 14, 1]
    assert {(case["max_par_count"], case["input_feature_num"], case["output_feature_num"])
            for case in examples[:5]} == {(100, 2, 4)}
    with pytest.raises(AssertionError) as failure:
        checks.width_search_general(width_staying_below_the_budget, numbers=stored, example=True)
    assert "got 13, expected 14: the width is one too small" in str(failure.value)


def test_the_public_examples_are_the_notebooks(stored):
    examples = stored["examples"]
    assert [c["count"] for c in examples["count_parameters_plain"]] == [29, 10, 49]
    assert [c["count"] for c in examples["count_parameters_special"]] == [20, 42, 72]
    assert examples["make_poly_features"][0]["poly_X"] == [[3.0, 9.0, 2.0, 6.0, 4.0],
                                                            [0.5, 0.25, -1.0, -0.5, 1.0]]
    assert [c["num_features"] for c in examples["make_poly_features_count"]] == [5]
    assert [(c["fan_in"], c["fan_out"], c["std"]) for c in examples["xavier_std"]] == [
        (3, 5, 0.5), (3, 5, 1.0)]
    assert [c["gain"] for c in examples["leaky_relu_gain"]] == [
        pytest.approx(math.sqrt(2.0)), pytest.approx(math.sqrt(2.0 / 1.01)), 1.0]


def test_the_public_xavier_example_relies_on_the_default_gain(stored):
    def no_default_gain(fan_in, fan_out, gain):
        return ref.xavier_std(fan_in, fan_out, gain)

    checks.xavier_std_matches_reference(no_default_gain, numbers=stored)
    with pytest.raises(CheckFailed, match="needs a default value") as failure:
        checks.xavier_std_matches_reference(no_default_gain, numbers=stored, example=True)
    assert failure.value.key == "gain_without_a_default"


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
    deep_mlps.width_search_general(ref.hidden_units_for_budget, ref.count_parameters,
                                   numbers=stored, example=True)
    deep_mlps.poly_features_match_reference(ref.make_poly_features, numbers=stored, example=True)
    with pytest.raises(AssertionError, match="frozen parameters"):
        deep_mlps.count_parameters_special_models(count_ignoring_requires_grad, numbers=stored,
                                                  example=True)


# --- (e) the checks compute no answer ------------------------------------------------------

ALLOWED_IMPORTS = {"__future__", "numpy", "torch", ".", ".values", ".cases", "autograder.grading_runtime",
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
    assert not defined & {"build_model", "_count_mistakes", "_mlp_count", "_first_width",
                          "_feature_count", "_columns", "_width", "count_linear_network"}


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


# --- the samples, on any draw ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_grading(built_project):
    """``sample_grading(sample, seed)``: each question's case results for an answer file of
    ``assignments/deep_mlps/samples``, on the hidden cases drawn from ``seed``."""
    import nbformat

    import corpus
    from autograder import checks as checks_package
    from samples import answer_file

    assignment = built_project["deep_mlps"]
    student = nbformat.read(assignment.student_dir / "deep_mlps.ipynb", as_version=4)
    questions = corpus.questions_in_zip(assignment.autograder_zip)

    def grade(sample, seed):
        namespace = corpus.notebook_namespace(student, answer_file("deep_mlps", sample))
        checks_package.prepare_grading("deep_mlps", seed)
        try:
            return {name: corpus.run_question(question, namespace) for name, question in questions.items()}
        finally:
            checks_package.forget_draws()

    return grade


@pytest.mark.parametrize("seed", [1, 7, 2024, 99991])
def test_the_samples_lose_exactly_their_questions_on_any_draw(sample_grading, seed):
    from samples import declared

    loses = set(declared("deep_mlps", "partly_wrong", "LOSES"))
    for sample, expected in (("complete", set()), ("partly_wrong", loses)):
        lost = {name for name, results in sample_grading(sample, seed).items()
                if not all(r.passed for r in results)}
        assert lost == expected, (sample, seed, lost)
