"""Checks of ``mlp_intro``: one function per test in the master notebook, public and hidden.

Each check runs the student's function on cases (the hidden ones, or with ``example`` the
notebook's own examples) and explains the first thing that looks wrong. Known mistakes are
named from the case itself: the reference stored what each would return. This module
computes no answer, right or wrong, so the student's notebook can carry it for the public
checks; the expected numbers of a hidden case are never shown.
"""

from __future__ import annotations

import numpy as np
import torch

from . import cases_for
from .values import (Diagnosed, call, call_unchanged, close, diagnose, expect_close, expect_shape,
                     for_each_case, kind_of, probe, stored_mistakes, student_shape, student_words,
                     to_array, unpack, vocabulary)

ASSIGNMENT = "mlp_intro"
GRID_POINTS = 1000
# Activation classes a hidden test may name when it finds one in the student's network.
ACTIVATIONS = ("ReLU", "LeakyReLU", "Tanh", "Sigmoid", "ELU", "GELU", "Softplus", "Identity",
               "Linear", "Sequential")

MISTAKES = vocabulary(
    # approximate_function
    grid_of_the_sine_example=(
        "x runs from 0 to 2*pi like the grid of the sine example, whatever x_train holds; it "
        "should be torch.linspace(min(x_train), max(x_train), 1000)."),
    relu_acts_transposed=(
        "relu_acts looks transposed: it should have one row per ReLU and one column per grid point."),
    one_relu_per_training_point=(
        "there is one row per training point; the last training point needs no ReLU, so there "
        "should be one fewer."),
    relus_shifted_the_wrong_way=(
        "the ReLUs are shifted the wrong way; row i should be relu(x - x_train[i]), so its bias "
        "is -x_train[i]."),
    relus_start_one_point_late=(
        "each ReLU starts one training point too late; row i should bend at x_train[i], "
        "starting with the first point."),
    relus_point_the_wrong_way=(
        "the ReLUs point the wrong way: row i looks like relu(x_train[i] - x), which is zero to "
        "the right of x_train[i]; it should be relu(x - x_train[i])."),
    relus_without_bias=(
        "every row looks like relu(x), a ReLU with no bias; row i should be relu(x - x_train[i]), "
        "bending at its own training point."),
    weights_are_the_slopes=(
        "the weights look like the slopes themselves; weight i should be the change of slope at "
        "x_train[i] (this slope minus the previous one)."),
    plain_sum_of_the_relus=(
        "y_hat looks like the plain sum of the ReLUs; weight each ReLU by its change of slope."),
    y_hat_has_the_wrong_sign="y_hat has the wrong sign.",
    slopes_without_the_spacing=(
        "the slopes look like differences of y alone; divide each by the spacing, slope i = "
        "(y_train[i+1] - y_train[i]) / (x_train[i+1] - x_train[i])."),
    weight_minus_the_previous_weight=(
        "weight i looks like this slope minus the previous weight; it should be this slope minus "
        "the previous slope."),
    answer_of_the_sine_example=(
        "y_hat is the answer of the sine example, whatever x_train and y_train hold; compute it "
        "from the function's inputs."),
    # Net
    layer_not_registered_by_name=(
        "register each layer with add_module under its contract name."),
    wrong_layer_sizes="each Linear should map the previous layer's width to its own.",
    wrong_number_of_linear_layers="one per hidden layer and one output layer.",
    activation_not_built_from_actv="build it from the actv string.",
    input_not_flattened="flatten it to (batch, input_feature_num) in forward.",
    activation_after_the_output_layer=(
        "there is an activation after Output_Linear too; the output layer should return its "
        "values as they are."),
    activations_not_applied=(
        "the outputs look like those of the network without activations: the activations are "
        "not applied in forward."),
    activation_before_its_linear_layer=(
        "each activation seems to be applied before its Linear layer; apply Linear_i first, "
        "then Activation_i."),
    # cross_entropy_loss
    sum_instead_of_mean="the loss looks like the sum over the batch, not the mean.",
    loss_has_the_wrong_sign="the loss has the wrong sign.",
    log_sum_exp_missing="the log of the sum of exponentials over the classes is missing.",
    log_sum_exp_over_the_batch=(
        "the log-sum-exp runs over the batch (dim 0) instead of the classes (dim 1)."),
    sum_of_exponentials_over_the_whole_batch=(
        "the sum of exponentials runs over the whole batch at once; sum over the classes of "
        "each sample (dim=1)."),
    log_missing="the log around the sum of exponentials is missing.",
    every_label_for_every_sample=(
        "x[:, labels] takes every sample's logit at every label; pick one entry per sample with "
        "x[torch.arange(N), labels]."),
    loss_of_the_example=(
        "the loss is the value of the example in the notebook, whatever the batch; compute it "
        "from x and labels."),
    loss_not_a_single_number="the loss should be a single number (the mean over the batch).",
    # shuffle_and_split_data
    sets_swapped=(
        "the test set has the size of the training set and the other way round: return them in "
        "the order (X_test, y_test, X_train, y_train)."),
    training_set_holds_the_test_samples=(
        "the training set also holds the test samples; it should hold only the samples that are "
        "not in the test set."),
    test_size_rounded_up=(
        "the test set looks rounded up; it should hold int(0.2 * N) samples, 20% of the data "
        "rounded down."),
    rows_apart_from_their_labels=(
        "rows of X no longer sit beside their own y: shuffle X and y with the same permutation."),
    samples_lost_or_repeated=(
        "the test and training sets together should hold every sample exactly once."),
    split_not_repeatable="two calls with the same seed gave different splits.",
    test_set_is_the_last_part=(
        "the test set is the last 20% of the permutation; it should be the first int(0.2 * N) "
        "samples."),
    not_shuffled="the data is split in its original order, without shuffling.",
    shuffled_with_numpy_default_rng=(
        "the samples are shuffled with numpy's random generator (np.random.default_rng), not with "
        "the shuffle the exercise asks for: torch.manual_seed(seed) followed by torch.randperm(N)."),
    shuffled_with_numpy_global_state=(
        "the samples are shuffled with numpy's global random state (np.random.seed), not with the "
        "shuffle the exercise asks for: torch.manual_seed(seed) followed by torch.randperm(N)."),
    shuffled_with_python_random=(
        "the samples are shuffled with Python's random module, not with the shuffle the exercise "
        "asks for: torch.manual_seed(seed) followed by torch.randperm(N)."),
    shuffled_by_argsort_of_torch_rand=(
        "the samples are shuffled with argsort of torch.rand, not with the shuffle the exercise "
        "asks for: torch.manual_seed(seed) followed by torch.randperm(N)."),
    seeded_with_a_fixed_number=(
        "the split looks seeded with a fixed number rather than the seed argument; call "
        "torch.manual_seed(seed) with the seed the function receives."),
)


def _cases(graded_name: str, numbers: dict | None, example: bool) -> list[dict]:
    return cases_for(ASSIGNMENT, graded_name, numbers, example=example)


def _mistakes(case: dict, field: str):
    return stored_mistakes(case, field, MISTAKES)


# --- approximate_function ------------------------------------------------------------------


def _approximation(approximate_function, case: dict):
    x_train = torch.tensor(case["x_train"], dtype=torch.float32)
    y_train = torch.tensor(case["y_train"], dtype=torch.float32)
    result = call("approximate_function", approximate_function, x_train, y_train)
    y_hat, relu_acts, x = unpack("approximate_function", result, 3)
    return to_array("y_hat", y_hat), to_array("relu_acts", relu_acts), to_array("x", x)


def _knots(case: dict) -> np.ndarray:
    return np.asarray(case["x_train"], dtype=np.float64).reshape(-1)


def _span(case: dict) -> float:
    knots = _knots(case)
    return float(knots[-1] - knots[0])


def _grid_and_relus_right(relu_acts: np.ndarray, x: np.ndarray, case: dict) -> bool:
    """Whether a student's ``x`` and ``relu_acts`` pass the grid-and-ReLUs check."""
    sample, span = case["grid_sample"], _span(case)
    if x.size != GRID_POINTS or relu_acts.shape != (len(_knots(case)) - 1, GRID_POINTS):
        return False
    return close(x.reshape(-1)[sample], np.asarray(case["x"]), rtol=1e-5, atol=1e-5 * span) and close(
        relu_acts[:, sample], np.asarray(case["relu_acts"]), rtol=1e-5, atol=1e-5 * (1.0 + span))


def approximation_grid_and_relus(approximate_function, numbers: dict | None = None,
                                 example: bool = False) -> None:
    """``x`` is the 1000-point grid and row ``i`` of ``relu_acts`` is ``relu(x - x_train[i])``."""

    def check(case):
        _, relu_acts, x = _approximation(approximate_function, case)
        knots, sample, span = _knots(case), case["grid_sample"], _span(case)
        expect_shape("x", x, (GRID_POINTS,), (GRID_POINTS, 1))
        expect_close("x", x.reshape(-1)[sample], case["x"], rtol=1e-5, atol=1e-5 * span,
                     diagnoses=_mistakes(case, "x"),
                     advice="It should be torch.linspace(min(x_train), max(x_train), 1000).")
        if relu_acts.shape == (GRID_POINTS, len(knots) - 1) and len(knots) - 1 != GRID_POINTS:
            raise diagnose(MISTAKES["relu_acts_transposed"])
        if relu_acts.ndim == 2 and relu_acts.shape[0] == len(knots):
            raise diagnose(MISTAKES["one_relu_per_training_point"],
                           f"relu_acts has {len(knots)} rows: ")
        expect_shape("relu_acts", relu_acts, (len(knots) - 1, GRID_POINTS))
        expect_close("relu_acts", relu_acts[:, sample], case["relu_acts"],
                     rtol=1e-5, atol=1e-5 * (1.0 + span), diagnoses=_mistakes(case, "relu_acts"),
                     advice="Row i should be relu(x - x_train[i]).")

    for_each_case(_cases("approximate_function", numbers, example), check)


def approximation_matches_reference(approximate_function, numbers: dict | None = None,
                                    example: bool = False) -> None:
    """``y_hat`` is the piecewise-linear interpolant of the training points on the grid."""

    def check(case):
        y_hat, relu_acts, x = _approximation(approximate_function, case)
        expect_shape("y_hat", y_hat, (GRID_POINTS,), (GRID_POINTS, 1))
        if _grid_and_relus_right(relu_acts, x, case):
            advice = ("It should pass through every training point and be straight in between; "
                      "the sine example in the notebook shows the same property.")
        else:
            advice = ("y_hat is built on x and relu_acts, which are not right yet (see the other "
                      "test of this question): fix them first.")
        expect_close("y_hat", y_hat.reshape(-1)[case["grid_sample"]], case["y_hat"],
                     rtol=1e-5, atol=case["atol"], diagnoses=_mistakes(case, "y_hat"), advice=advice)

    for_each_case(_cases("approximate_function", numbers, example), check)


# --- Net -----------------------------------------------------------------------------------


def _modules_by_name(net) -> dict[str, dict]:
    """What the network registers, keyed by the last part of each name, wherever it sits.

    A module registered twice (say in a ModuleList and under its contract name) keeps both
    names. Each entry holds the module's class name and, for a Linear, its sizes.
    """
    return {layer["name"]: layer for layer in probe(net, "module_layers")["layers"]}


def _build_net(Net, case: dict):
    args = (case["actv"], case["input_feature_num"], case["hidden_unit_nums"],
            case["output_feature_num"])
    net = call("Net", Net, *args)
    if isinstance(net, (int, float, str, list, tuple, dict, np.ndarray, torch.Tensor)) or net is None \
            or not probe(net, "module_layers")["is_module"]:
        raise AssertionError(f"Net(...) should create an nn.Module, not a {kind_of(net)}.")
    return net


def _expected_layers(case: dict) -> list[tuple[str, int, int]]:
    widths = [case["input_feature_num"], *case["hidden_unit_nums"]]
    layers = [(f"Linear_{i}", widths[i], widths[i + 1]) for i in range(len(widths) - 1)]
    return layers + [("Output_Linear", widths[-1], case["output_feature_num"])]


def net_layers_named(Net, numbers: dict | None = None, example: bool = False) -> None:
    """Every ``Linear_i``, ``Activation_i`` and ``Output_Linear`` exists with the right size."""

    def check(case):
        summary = probe(_build_net(Net, case), "module_layers")
        modules = {layer["name"]: layer for layer in summary["layers"]}
        expected = _expected_layers(case)
        contract = [name for name, _, _ in expected]
        linear_names = sorted(student_words(name, contract) for name, layer in modules.items()
                              if layer["linear"])
        for name, fan_in, fan_out in expected:
            layer = modules.get(name)
            if layer is None or not layer["linear"]:
                raise diagnose(MISTAKES["layer_not_registered_by_name"],
                               f"no nn.Linear named {name} (found {', '.join(linear_names) or 'none'}); ")
            if (layer["in_features"], layer["out_features"]) != (fan_in, fan_out):
                raise diagnose(MISTAKES["wrong_layer_sizes"],
                               f"{name} maps {layer['in_features']} to {layer['out_features']} "
                               f"features, expected {fan_in} to {fan_out}: ")
        if summary["distinct_linear"] != len(expected):
            raise diagnose(MISTAKES["wrong_number_of_linear_layers"],
                           f"the network has {summary['distinct_linear']} linear layers, expected "
                           f"{len(expected)}: ")
        activation_class = case["actv"].split("(", 1)[0]
        for index in range(len(case["hidden_unit_nums"])):
            activation = modules.get(f"Activation_{index}")
            if activation is None or activation["type"] != activation_class:
                found = "nothing" if activation is None else student_words(activation["type"], ACTIVATIONS)
                raise diagnose(MISTAKES["activation_not_built_from_actv"],
                               f"Activation_{index} should be nn.{case['actv']}, found {found}; ")

    for_each_case(_cases("Net", numbers, example), check)


def _works_on_flat_input(net, inputs: torch.Tensor) -> bool:
    try:
        net(inputs.reshape(inputs.shape[0], -1))
    except AssertionError:  # the student's code, failing for any reason of its own
        return False
    return True


def _forward_advice(case: dict, modules: dict[str, dict]) -> str:
    """What to look at when the outputs differ and no known mistake matches."""
    activation_class = case["actv"].split("(", 1)[0]
    for index in range(len(case["hidden_unit_nums"])):
        if modules.get(f"Activation_{index}", {}).get("type") != activation_class:
            return (f"Activation_{index} is not nn.{case['actv']} yet (see the other test "
                    "of this question); build every activation from the actv string.")
    return ("Apply every hidden Linear followed by its activation, then Output_Linear with no "
            "activation after it.")


def net_forward_matches_reference(Net, numbers: dict | None = None, example: bool = False) -> None:
    """With the reference weights loaded by name, the outputs match the reference outputs."""

    def check(case):
        net = _build_net(Net, case)
        modules = _modules_by_name(net)
        weights = {name: {attribute: torch.tensor(values, dtype=torch.float64)
                          for attribute, values in tensors.items()}
                   for name, tensors in case["layers"].items()}
        loaded = probe(net, "load_linear_weights", weights)
        if "problem" in loaded:
            raise diagnose(MISTAKES["layer_not_registered_by_name"], f"{loaded['problem']} ")
        dtype = getattr(torch, str(loaded.get("dtype")), None)
        if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
            dtype = torch.float32
        inputs = torch.tensor(case["inputs"], dtype=dtype)
        try:
            result = call("forward", net, inputs)
        except AssertionError as failure:
            if inputs.dim() > 2 and _works_on_flat_input(net, inputs):
                raise diagnose(MISTAKES["input_not_flattened"],
                               f"{failure}. It works once the input of shape "
                               f"{tuple(inputs.shape)} is flattened: ") from None
            raise
        outputs = to_array("the output of forward", result)
        want = np.asarray(case["outputs"])
        if outputs.shape != want.shape:
            raise diagnose(MISTAKES["input_not_flattened"],
                           f"forward returned shape {student_shape(outputs)} for an input of shape "
                           f"{tuple(inputs.shape)}, expected {want.shape}: ")
        expect_close("the output of forward", outputs, want, rtol=1e-4, atol=1e-5,
                     diagnoses=_mistakes(case, "outputs"), advice=_forward_advice(case, modules))

    for_each_case(_cases("Net", numbers, example), check)


# --- cross_entropy_loss --------------------------------------------------------------------


def cross_entropy_matches_reference(cross_entropy_loss, numbers: dict | None = None,
                                    example: bool = False) -> None:
    """The loss is the batch mean of ``-x[i, label_i] + logsumexp(x[i])``."""

    def check(case):
        logits = torch.tensor(case["logits"], dtype=torch.float32)
        labels = torch.tensor(case["labels"], dtype=torch.long)
        loss = to_array("the loss", call_unchanged("cross_entropy_loss", cross_entropy_loss,
                                                   logits, labels, names=("x", "labels")))
        if loss.size != 1:
            raise Diagnosed(f"{MISTAKES['loss_not_a_single_number'].explanation.rstrip('.')}, got "
                            f"shape {student_shape(loss)}.", "loss_not_a_single_number")
        expect_close("the loss", loss.reshape(1), [case["loss"]], rtol=1e-5, atol=1e-5,
                     diagnoses=[([value], mistake) for value, mistake in _mistakes(case, "loss")],
                     advice="Each sample's loss is -x[i, labels[i]] + log(sum_j exp(x[i, j])); "
                            "return their mean.")

    for_each_case(_cases("cross_entropy_loss", numbers, example), check)


# --- shuffle_and_split_data ----------------------------------------------------------------


def _split_inputs(n_samples: int):
    """Rows whose values name their index, so any mix-up between X and y shows."""
    X = torch.arange(n_samples * 3, dtype=torch.float32).reshape(n_samples, 3)
    y = torch.arange(n_samples, dtype=torch.float32)
    return X, y


def _split(shuffle_and_split_data, case: dict):
    X, y = _split_inputs(case["n_samples"])
    result = call("shuffle_and_split_data", shuffle_and_split_data, X, y, case["seed"])
    X_test, y_test, X_train, y_train = unpack("shuffle_and_split_data", result, 4)
    return (to_array("X_test", X_test), to_array("y_test", y_test),
            to_array("X_train", X_train), to_array("y_train", y_train))


def _rows(array: np.ndarray) -> int:
    return array.shape[0] if array.ndim else 0


def _diagnose_sizes(got_test: int, got_train: int, n: int, test_size: int) -> None:
    """Name the size mistakes students make; the shapes are checked in full afterwards."""
    if (got_test, got_train) == (n - test_size, test_size) and got_test != got_train:
        raise diagnose(MISTAKES["sets_swapped"])
    if got_test == test_size and got_train == n:
        raise diagnose(MISTAKES["training_set_holds_the_test_samples"])
    if got_test != test_size and got_test in (round(0.2 * n), -(-n // 5)) and got_test + got_train == n:
        raise diagnose(MISTAKES["test_size_rounded_up"])


def split_properties(shuffle_and_split_data, numbers: dict | None = None,
                     example: bool = False) -> None:
    """Sizes, X-y alignment, a partition of the data, determinism, and untouched inputs."""

    def check(case):
        n, test_size = case["n_samples"], case["test_size"]
        X, y = _split_inputs(n)
        call_unchanged("shuffle_and_split_data", shuffle_and_split_data, X, y, case["seed"],
                       names=("X", "y"))
        X_test, y_test, X_train, y_train = _split(shuffle_and_split_data, case)
        _diagnose_sizes(_rows(X_test), _rows(X_train), n, test_size)
        expect_shape("X_test", X_test, (test_size, 3))
        expect_shape("X_train", X_train, (n - test_size, 3))
        expect_shape("y_test", y_test, (test_size,), (test_size, 1))
        expect_shape("y_train", y_train, (n - test_size,), (n - test_size, 1))
        for part, (rows, labels) in {"test": (X_test, y_test), "training": (X_train, y_train)}.items():
            if not np.array_equal(rows[:, 0], 3.0 * labels.reshape(-1)):
                raise diagnose(MISTAKES["rows_apart_from_their_labels"], f"in the {part} set, ")
        together = np.sort(np.concatenate([y_test.reshape(-1), y_train.reshape(-1)]))
        if not np.array_equal(together, np.arange(n)):
            raise diagnose(MISTAKES["samples_lost_or_repeated"])
        again = _split(shuffle_and_split_data, case)
        if not np.array_equal(again[1], y_test) or not np.array_equal(again[3], y_train):
            raise diagnose(MISTAKES["split_not_repeatable"])

    for_each_case(_cases("shuffle_and_split_data", numbers, example), check)


def split_matches_seeded_randperm(shuffle_and_split_data, numbers: dict | None = None,
                                  example: bool = False) -> None:
    """The split is exactly ``torch.manual_seed(seed)`` then ``torch.randperm(N)``, test first."""

    def check(case):
        _, y_test, _, y_train = _split(shuffle_and_split_data, case)
        order = np.asarray(case["order"], dtype=np.float64)
        test_size = case["test_size"]
        got = np.concatenate([y_test.reshape(-1), y_train.reshape(-1)])
        if got.shape == order.shape and np.array_equal(got, order):
            return
        if np.array_equal(y_test.reshape(-1), order[len(order) - test_size:]):
            raise diagnose(MISTAKES["test_set_is_the_last_part"])
        if np.array_equal(got, np.arange(len(order))):
            raise diagnose(MISTAKES["not_shuffled"])
        for other_order, mistake in _mistakes(case, "order"):
            if np.array_equal(got, np.asarray(other_order, dtype=np.float64)):
                raise diagnose(mistake)
        raise AssertionError(
            "the split is not the one that torch.manual_seed(seed) followed by "
            "torch.randperm(N) gives; use exactly those two calls to shuffle."
        )

    for_each_case(_cases("shuffle_and_split_data", numbers, example), check)


