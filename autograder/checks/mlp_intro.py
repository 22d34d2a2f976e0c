"""Hidden checks of ``mlp_intro``: one function per hidden test in the master notebook.

Each check runs the student's function on the hidden cases from the reference numbers and
explains the first thing that looks wrong. Where a known mistake is recognisable from its
output, the message names it; the expected numbers themselves are never shown.
"""

from __future__ import annotations

import random

import numpy as np
import torch
from torch import nn

from . import cases_for
from .values import (call, call_unchanged, close, expect_close, expect_shape, for_each_case,
                     kind_of, probe, to_array, unpack)

ASSIGNMENT = "mlp_intro"
GRID_POINTS = 1000
# Seeds a student may hard-code instead of using the seed argument (the notebook's SEED is 2021).
FIXED_SEEDS = (0, 1, 42, 2021)


def _cases(graded_name: str, numbers: dict | None) -> list[dict]:
    return cases_for(ASSIGNMENT, graded_name, numbers)


# --- approximate_function ------------------------------------------------------------------


def _approximation(approximate_function, case: dict):
    x_train = torch.tensor(case["x_train"], dtype=torch.float32)
    y_train = torch.tensor(case["y_train"], dtype=torch.float32)
    result = call("approximate_function", approximate_function, x_train, y_train)
    y_hat, relu_acts, x = unpack("approximate_function", result, 3)
    return to_array("y_hat", y_hat), to_array("relu_acts", relu_acts), to_array("x", x)


def _knots(case: dict) -> np.ndarray:
    return np.asarray(case["x_train"], dtype=np.float64).reshape(-1)


def _public_sine_example() -> tuple[np.ndarray, np.ndarray]:
    """The grid and the answer of the public test's sine example: what a copied answer gives."""
    knots = np.linspace(0.0, 2.0 * np.pi, 10)
    grid = np.linspace(0.0, 2.0 * np.pi, GRID_POINTS)
    return grid, np.interp(grid, knots, np.sin(knots))


def _grid_and_relus_right(relu_acts: np.ndarray, x: np.ndarray, case: dict) -> bool:
    """Whether a student's ``x`` and ``relu_acts`` pass the grid-and-ReLUs check."""
    knots, sample = _knots(case), case["grid_sample"]
    span = float(knots[-1] - knots[0])
    if x.size != GRID_POINTS or relu_acts.shape != (len(knots) - 1, GRID_POINTS):
        return False
    return close(x.reshape(-1)[sample], np.asarray(case["x"]), rtol=1e-5, atol=1e-5 * span) and close(
        relu_acts[:, sample], np.asarray(case["relu_acts"]), rtol=1e-5, atol=1e-5 * (1.0 + span))


def approximation_grid_and_relus(approximate_function, numbers: dict | None = None) -> None:
    """``x`` is the 1000-point grid and row ``i`` of ``relu_acts`` is ``relu(x - x_train[i])``."""

    def check(case):
        _, relu_acts, x = _approximation(approximate_function, case)
        knots = _knots(case)
        sample = case["grid_sample"]
        expect_shape("x", x, (GRID_POINTS,), (GRID_POINTS, 1))
        x = x.reshape(-1)
        span = float(knots[-1] - knots[0])
        public_grid, _ = _public_sine_example()
        expect_close(
            "x", x[sample], np.asarray(case["x"]), rtol=1e-5, atol=1e-5 * span,
            diagnoses=[
                (public_grid[sample],
                 "x runs from 0 to 2*pi like the grid of the public sine example, whatever "
                 "x_train holds; it should be torch.linspace(min(x_train), max(x_train), 1000)."),
            ],
            advice="It should be torch.linspace(min(x_train), max(x_train), 1000).",
        )
        if relu_acts.shape == (GRID_POINTS, len(knots) - 1) and len(knots) - 1 != GRID_POINTS:
            raise AssertionError(
                "relu_acts looks transposed: it should have one row per ReLU and one column "
                "per grid point."
            )
        if relu_acts.ndim == 2 and relu_acts.shape[0] == len(knots):
            raise AssertionError(
                f"relu_acts has {len(knots)} rows, one per training point; the last training "
                "point needs no ReLU, so there should be one fewer."
            )
        expect_shape("relu_acts", relu_acts, (len(knots) - 1, GRID_POINTS))
        grid = np.asarray(case["x"])
        expect_close(
            "relu_acts", relu_acts[:, sample], np.asarray(case["relu_acts"]),
            rtol=1e-5, atol=1e-5 * (1.0 + span),
            diagnoses=[
                (np.maximum(0.0, grid[None, :] + knots[:-1, None]),
                 "the ReLUs are shifted the wrong way; row i should be relu(x - x_train[i]), "
                 "so its bias is -x_train[i]."),
                (np.maximum(0.0, grid[None, :] - knots[1:, None]),
                 "each ReLU starts one training point too late; row i should bend at "
                 "x_train[i], starting with the first point."),
                (np.maximum(0.0, knots[:-1, None] - grid[None, :]),
                 "the ReLUs point the wrong way: row i looks like relu(x_train[i] - x), which "
                 "is zero to the right of x_train[i]; it should be relu(x - x_train[i])."),
                (np.repeat(np.maximum(0.0, grid)[None, :], len(knots) - 1, axis=0),
                 "every row looks like relu(x), a ReLU with no bias; row i should be "
                 "relu(x - x_train[i]), bending at its own training point."),
            ],
            advice="Row i should be relu(x - x_train[i]).",
        )

    for_each_case(_cases("approximate_function", numbers), check)


def approximation_matches_reference(approximate_function, numbers: dict | None = None) -> None:
    """``y_hat`` is the piecewise-linear interpolant of the training points on the grid."""

    def check(case):
        y_hat, relu_acts, x = _approximation(approximate_function, case)
        expect_shape("y_hat", y_hat, (GRID_POINTS,), (GRID_POINTS, 1))
        sample = case["grid_sample"]
        knots = _knots(case)
        values = np.asarray(case["y_train"], dtype=np.float64).reshape(-1)
        grid = np.asarray(case["x"])
        relus = np.maximum(0.0, grid[None, :] - knots[:-1, None])
        slopes = np.diff(values) / np.diff(knots)
        rises = np.diff(values)  # slopes without the division by the spacing
        minus_previous_weight = np.zeros_like(slopes)
        for i, slope in enumerate(slopes):
            minus_previous_weight[i] = slope - (minus_previous_weight[i - 1] if i else 0.0)
        _, public_answer = _public_sine_example()
        if _grid_and_relus_right(relu_acts, x, case):
            advice = ("It should pass through every training point and be straight in between; "
                      "the public sine example shows the same property.")
        else:
            advice = ("y_hat is built on x and relu_acts, which are not right yet (see the "
                      "other hidden test of this question): fix them first.")
        expect_close(
            "y_hat", y_hat.reshape(-1)[sample], np.asarray(case["y_hat"]),
            rtol=1e-5, atol=case["atol"],
            diagnoses=[
                (slopes @ relus,
                 "the weights look like the slopes themselves; weight i should be the change "
                 "of slope at x_train[i] (this slope minus the previous one)."),
                (relus.sum(axis=0),
                 "y_hat looks like the plain sum of the ReLUs; weight each ReLU by its change "
                 "of slope."),
                (-np.asarray(case["y_hat"]), "y_hat has the wrong sign."),
                (np.diff(rises, prepend=0.0) @ relus,
                 "the slopes look like differences of y alone; divide each by the spacing, "
                 "slope i = (y_train[i+1] - y_train[i]) / (x_train[i+1] - x_train[i])."),
                (minus_previous_weight @ relus,
                 "weight i looks like this slope minus the previous weight; it should be this "
                 "slope minus the previous slope."),
                (public_answer[sample],
                 "y_hat is the answer of the public sine example, whatever x_train and y_train "
                 "hold; compute it from the function's inputs."),
            ],
            advice=advice,
        )

    for_each_case(_cases("approximate_function", numbers), check)


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
    return _expect_module(net)


def _expect_module(net):
    if isinstance(net, (int, float, str, list, tuple, dict, np.ndarray, torch.Tensor)) or net is None:
        raise AssertionError(f"Net(...) should create an nn.Module, not a {kind_of(net)}.")
    if not probe(net, "module_layers")["is_module"]:
        raise AssertionError(f"Net(...) should create an nn.Module, not a {kind_of(net)}.")
    return net


def _expected_layers(case: dict) -> list[tuple[str, int, int]]:
    widths = [case["input_feature_num"], *case["hidden_unit_nums"]]
    layers = [(f"Linear_{i}", widths[i], widths[i + 1]) for i in range(len(widths) - 1)]
    return layers + [("Output_Linear", widths[-1], case["output_feature_num"])]


def net_layers_named(Net, numbers: dict | None = None) -> None:
    """Every ``Linear_i``, ``Activation_i`` and ``Output_Linear`` exists with the right size."""

    def check(case):
        net = _build_net(Net, case)
        summary = probe(net, "module_layers")
        modules = {layer["name"]: layer for layer in summary["layers"]}
        linear_names = sorted(name for name, layer in modules.items() if layer["linear"])
        expected = _expected_layers(case)
        for name, fan_in, fan_out in expected:
            layer = modules.get(name)
            if layer is None or not layer["linear"]:
                raise AssertionError(
                    f"no nn.Linear named {name} (found {', '.join(linear_names) or 'none'}); "
                    "register each layer with add_module under its contract name."
                )
            if (layer["in_features"], layer["out_features"]) != (fan_in, fan_out):
                raise AssertionError(
                    f"{name} maps {layer['in_features']} to {layer['out_features']} features, "
                    f"expected {fan_in} to {fan_out}."
                )
        if summary["distinct_linear"] != len(expected):
            raise AssertionError(
                f"the network has {summary['distinct_linear']} linear layers, expected "
                f"{len(expected)}: one per hidden layer and one output layer."
            )
        activation_class = case["actv"].split("(", 1)[0]
        for index in range(len(case["hidden_unit_nums"])):
            activation = modules.get(f"Activation_{index}")
            if activation is None or activation["type"] != activation_class:
                found = "nothing" if activation is None else activation["type"]
                raise AssertionError(
                    f"Activation_{index} should be nn.{case['actv']}, found {found}; build it "
                    "from the actv string."
                )

    for_each_case(_cases("Net", numbers), check)


def _activation(actv: str) -> nn.Module:
    """``nn.<actv>`` from a string such as ``'LeakyReLU(0.1)'``, without ``eval``."""
    name, _, rest = actv.partition("(")
    return getattr(nn, name.strip())(*[float(a) for a in rest.rstrip(")").split(",") if a.strip()])


def _forward_with_activations(case: dict, placement: str) -> np.ndarray:
    """The reference outputs with the activations misplaced in a way students do.

    ``placement``: ``"none"`` (never applied), ``"before"`` (before each hidden Linear) or
    ``"output_too"`` (also after ``Output_Linear``).
    """
    activation = _activation(case["actv"])
    names = [f"Linear_{i}" for i in range(len(case["hidden_unit_nums"]))] + ["Output_Linear"]
    with torch.no_grad():
        x = torch.tensor(case["inputs"], dtype=torch.float64).reshape(-1, case["input_feature_num"])
        for name in names:
            weight = torch.tensor(case["layers"][name]["weight"], dtype=torch.float64)
            bias = torch.tensor(case["layers"][name]["bias"], dtype=torch.float64)
            hidden = name != "Output_Linear"
            if placement == "before" and hidden:
                x = activation(x)
            x = x @ weight.T + bias
            if placement == "output_too":  # after every Linear, the output one included
                x = activation(x)
        return x.numpy()


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
            return (f"Activation_{index} is not nn.{case['actv']} yet (see the other hidden test "
                    "of this question); build every activation from the actv string.")
    return ("Apply every hidden Linear followed by its activation, then Output_Linear with no "
            "activation after it.")


def net_forward_matches_reference(Net, numbers: dict | None = None) -> None:
    """With the reference weights loaded by name, the outputs match the reference outputs."""

    def check(case):
        net = _build_net(Net, case)
        modules = _modules_by_name(net)
        weights = {name: {attribute: torch.tensor(values, dtype=torch.float64)
                          for attribute, values in tensors.items()}
                   for name, tensors in case["layers"].items()}
        loaded = probe(net, "load_linear_weights", weights)
        if "problem" in loaded:
            raise AssertionError(str(loaded["problem"]))
        dtype = getattr(torch, str(loaded.get("dtype")), None)
        if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
            dtype = torch.float32
        inputs = torch.tensor(case["inputs"], dtype=dtype)
        try:
            result = call("forward", net, inputs)
        except AssertionError as failure:
            if inputs.dim() > 2 and _works_on_flat_input(net, inputs):
                raise AssertionError(
                    f"{failure}. It works once the input of shape {tuple(inputs.shape)} is "
                    "flattened: flatten it to (batch, input_feature_num) in forward."
                ) from None
            raise
        outputs = to_array("the output of forward", result)
        want = np.asarray(case["outputs"])
        if outputs.shape != want.shape:
            raise AssertionError(
                f"forward returned shape {outputs.shape} for an input of shape "
                f"{tuple(inputs.shape)}, expected {want.shape}: flatten the input to "
                "(batch, input_feature_num) first."
            )
        expect_close(
            "the output of forward", outputs, want, rtol=1e-4, atol=1e-5,
            diagnoses=[
                (_forward_with_activations(case, "output_too"),
                 "there is an activation after Output_Linear too; the output layer should "
                 "return its values as they are."),
                (_forward_with_activations(case, "none"),
                 "the outputs look like those of the network without activations: the "
                 "activations are not applied in forward."),
                (_forward_with_activations(case, "before"),
                 "each activation seems to be applied before its Linear layer; apply "
                 "Linear_i first, then Activation_i."),
            ],
            advice=_forward_advice(case, modules),
        )

    for_each_case(_cases("Net", numbers), check)


# --- cross_entropy_loss --------------------------------------------------------------------


def _public_example_loss() -> float:
    """The loss of the public test's example batch: what a copied answer returns."""
    x = np.array([[10.0, 1.0, -1.0, -20.0], [10.0, 10.0, 2.0, -10.0]])
    return float(np.mean(np.log(np.exp(x).sum(axis=1)) - x[[0, 1], [0, 1]]))


def cross_entropy_matches_reference(cross_entropy_loss, numbers: dict | None = None) -> None:
    """The loss is the batch mean of ``-x[i, label_i] + logsumexp(x[i])`` on unseen batches."""

    def check(case):
        logits = torch.tensor(case["logits"], dtype=torch.float32)
        labels = torch.tensor(case["labels"], dtype=torch.long)
        loss = to_array("the loss", call_unchanged("cross_entropy_loss", cross_entropy_loss,
                                                   logits, labels, names=("x", "labels")))
        if loss.size != 1:
            raise AssertionError(
                f"the loss should be a single number (the mean over the batch), got shape "
                f"{loss.shape}."
            )
        x = logits.double().numpy()
        picked = x[np.arange(len(labels)), labels.numpy()]
        row_sums = np.exp(x).sum(axis=1)
        per_sample = np.log(row_sums) - picked
        column_softmax = np.log(np.exp(x).sum(axis=0))
        # x[:, labels] - a matrix of every sample's logit at every label - beside the row terms
        every_label = -x[:, labels.numpy()] + np.log(row_sums)[None, :]
        expect_close(
            "the loss", loss.reshape(1), np.asarray([case["loss"]]), rtol=1e-5, atol=1e-5,
            diagnoses=[
                ([per_sample.sum()], "the loss looks like the sum over the batch, not the mean."),
                ([-per_sample.mean()], "the loss has the wrong sign."),
                ([-picked.mean()],
                 "the log of the sum of exponentials over the classes is missing."),
                ([(column_softmax[labels.numpy()] - picked).mean()],
                 "the log-sum-exp runs over the batch (dim 0) instead of the classes (dim 1)."),
                ([(np.log(np.exp(x).sum()) - picked).mean()],
                 "the sum of exponentials runs over the whole batch at once; sum over the "
                 "classes of each sample (dim=1)."),
                ([(row_sums - picked).mean()],
                 "the log around the sum of exponentials is missing."),
                ([every_label.mean()],
                 "x[:, labels] takes every sample's logit at every label; pick one entry per "
                 "sample with x[torch.arange(N), labels]."),
                ([_public_example_loss()],
                 "the loss is the value of the public example, whatever the batch; compute it "
                 "from x and labels."),
            ],
            advice="Each sample's loss is -x[i, labels[i]] + log(sum_j exp(x[i, j])); "
            "return their mean.",
        )

    for_each_case(_cases("cross_entropy_loss", numbers), check)


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
        raise AssertionError(
            "the test set has the size of the training set and the other way round: return "
            "them in the order (X_test, y_test, X_train, y_train)."
        )
    if got_test == test_size and got_train == n:
        raise AssertionError(
            "the training set also holds the test samples; it should hold only the samples "
            "that are not in the test set."
        )
    if got_test != test_size and got_test in (round(0.2 * n), -(-n // 5)) and got_test + got_train == n:
        raise AssertionError(
            "the test set looks rounded up; it should hold int(0.2 * N) samples, 20% of the "
            "data rounded down."
        )


def split_properties(shuffle_and_split_data, numbers: dict | None = None) -> None:
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
                raise AssertionError(
                    f"in the {part} set, rows of X no longer sit beside their own y: shuffle X "
                    "and y with the same permutation."
                )
        together = np.sort(np.concatenate([y_test.reshape(-1), y_train.reshape(-1)]))
        if not np.array_equal(together, np.arange(n)):
            raise AssertionError(
                "the test and training sets together should hold every sample exactly once."
            )
        again = _split(shuffle_and_split_data, case)
        if not np.array_equal(again[1], y_test) or not np.array_equal(again[3], y_train):
            raise AssertionError("two calls with the same seed gave different splits.")

    for_each_case(_cases("shuffle_and_split_data", numbers), check)


def _seeded_order(n_samples: int, seed: int) -> np.ndarray:
    """``torch.manual_seed(seed)`` then ``torch.randperm(n)``, leaving the global seed alone."""
    generator = torch.Generator().manual_seed(seed)
    return torch.randperm(n_samples, generator=generator).double().numpy()


def _other_shuffles(n_samples: int, seed: int) -> list[tuple[str, np.ndarray]]:
    """Valid shuffles seeded with ``seed`` that are not the one asked for, by their source.

    Each is made with its own generator, so the global random states stay as they were.
    """
    python_order = list(range(n_samples))
    random.Random(seed).shuffle(python_order)
    rand_keys = torch.rand(n_samples, generator=torch.Generator().manual_seed(seed))
    return [
        ("numpy's random generator (np.random.default_rng)",
         np.random.default_rng(seed).permutation(n_samples)),
        ("numpy's global random state (np.random.seed)",
         np.random.RandomState(seed).permutation(n_samples)),
        ("Python's random module", np.asarray(python_order)),
        ("argsort of torch.rand", torch.argsort(rand_keys).numpy()),
    ]


def split_matches_seeded_randperm(shuffle_and_split_data, numbers: dict | None = None) -> None:
    """The split is exactly ``torch.manual_seed(seed)`` then ``torch.randperm(N)``, test first."""

    def check(case):
        _, y_test, _, y_train = _split(shuffle_and_split_data, case)
        order = np.asarray(case["order"], dtype=np.float64)
        test_size = case["test_size"]
        got = np.concatenate([y_test.reshape(-1), y_train.reshape(-1)])
        if got.shape == order.shape and np.array_equal(got, order):
            return
        if np.array_equal(y_test.reshape(-1), order[len(order) - test_size:]):
            raise AssertionError(
                "the test set is the last 20% of the permutation; it should be the first "
                "int(0.2 * N) samples."
            )
        if np.array_equal(got, np.arange(len(order))):
            raise AssertionError("the data is split in its original order, without shuffling.")
        for source, other_order in _other_shuffles(len(order), case["seed"]):
            if np.array_equal(got, other_order):
                raise AssertionError(
                    f"the samples are shuffled with {source}, not with the shuffle the "
                    "exercise asks for: torch.manual_seed(seed) followed by torch.randperm(N)."
                )
        for fixed in FIXED_SEEDS:
            if fixed != case["seed"] and np.array_equal(got, _seeded_order(len(order), fixed)):
                raise AssertionError(
                    "the split looks seeded with a fixed number rather than the seed argument; "
                    "call torch.manual_seed(seed) with the seed the function receives."
                )
        raise AssertionError(
            "the split is not the one that torch.manual_seed(seed) followed by "
            "torch.randperm(N) gives; use exactly those two calls to shuffle."
        )

    for_each_case(_cases("shuffle_and_split_data", numbers), check)
