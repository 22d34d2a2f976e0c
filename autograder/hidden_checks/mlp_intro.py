"""Hidden checks of ``mlp_intro``: one function per hidden test in the master notebook.

Each check runs the student's function on the hidden cases from the reference numbers and
explains the first thing that looks wrong. Where a known mistake is recognisable from its
output, the message names it; the expected numbers themselves are never shown.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from . import cases_for
from .values import call, expect_close, expect_shape, for_each_case, to_array, unpack

ASSIGNMENT = "mlp_intro"
GRID_POINTS = 1000


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


def approximation_grid_and_relus(approximate_function, numbers: dict | None = None) -> None:
    """``x`` is the 1000-point grid and row ``i`` of ``relu_acts`` is ``relu(x - x_train[i])``."""

    def check(case):
        _, relu_acts, x = _approximation(approximate_function, case)
        knots = _knots(case)
        sample = case["grid_sample"]
        expect_shape("x", x, (GRID_POINTS,), (GRID_POINTS, 1))
        x = x.reshape(-1)
        span = float(knots[-1] - knots[0])
        expect_close(
            "x", x[sample], np.asarray(case["x"]), rtol=1e-5, atol=1e-5 * span,
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
            ],
            advice="Row i should be relu(x - x_train[i]).",
        )

    for_each_case(_cases("approximate_function", numbers), check)


def approximation_matches_reference(approximate_function, numbers: dict | None = None) -> None:
    """``y_hat`` is the piecewise-linear interpolant of the training points on the grid."""

    def check(case):
        y_hat, _, _ = _approximation(approximate_function, case)
        expect_shape("y_hat", y_hat, (GRID_POINTS,), (GRID_POINTS, 1))
        sample = case["grid_sample"]
        knots = _knots(case)
        values = np.asarray(case["y_train"], dtype=np.float64).reshape(-1)
        grid = np.asarray(case["x"])
        relus = np.maximum(0.0, grid[None, :] - knots[:-1, None])
        slopes = np.diff(values) / np.diff(knots)
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
            ],
            advice="It should pass through every training point and be straight in between; "
            "the public sine example shows the same property.",
        )

    for_each_case(_cases("approximate_function", numbers), check)


# --- Net -----------------------------------------------------------------------------------


def _modules_by_name(net: nn.Module) -> dict[str, nn.Module]:
    """Modules keyed by the last part of their name, wherever they are registered."""
    return {name.rsplit(".", 1)[-1]: module for name, module in net.named_modules() if name}


def _build_net(Net, case: dict) -> nn.Module:
    args = (case["actv"], case["input_feature_num"], case["hidden_unit_nums"],
            case["output_feature_num"])
    if Net is None:
        raise AssertionError("`Net` is not defined. Keep the name `Net` and run its cell.")
    try:
        net = Net(*args)
    except NotImplementedError:
        raise AssertionError("`Net` is not implemented yet.") from None
    except Exception as error:
        raise AssertionError(f"Net{args} raised {type(error).__name__}: {error}") from None
    if not isinstance(net, nn.Module):
        raise AssertionError("Net(...) should create an nn.Module.")
    return net


def _expected_layers(case: dict) -> list[tuple[str, int, int]]:
    widths = [case["input_feature_num"], *case["hidden_unit_nums"]]
    layers = [(f"Linear_{i}", widths[i], widths[i + 1]) for i in range(len(widths) - 1)]
    return layers + [("Output_Linear", widths[-1], case["output_feature_num"])]


def net_layers_named(Net, numbers: dict | None = None) -> None:
    """Every ``Linear_i``, ``Activation_i`` and ``Output_Linear`` exists with the right size."""

    def check(case):
        modules = _modules_by_name(_build_net(Net, case))
        linear_names = sorted(name for name, m in modules.items() if isinstance(m, nn.Linear))
        expected = _expected_layers(case)
        for name, fan_in, fan_out in expected:
            layer = modules.get(name)
            if not isinstance(layer, nn.Linear):
                raise AssertionError(
                    f"no nn.Linear named {name} (found {', '.join(linear_names) or 'none'}); "
                    "register each layer with add_module under its contract name."
                )
            if (layer.in_features, layer.out_features) != (fan_in, fan_out):
                raise AssertionError(
                    f"{name} maps {layer.in_features} to {layer.out_features} features, "
                    f"expected {fan_in} to {fan_out}."
                )
        if len(linear_names) != len(expected):
            raise AssertionError(
                f"the network has {len(linear_names)} linear layers, expected {len(expected)}: "
                "one per hidden layer and one output layer."
            )
        activation_class = case["actv"].split("(", 1)[0]
        for index in range(len(case["hidden_unit_nums"])):
            activation = modules.get(f"Activation_{index}")
            if activation is None or type(activation).__name__ != activation_class:
                found = "nothing" if activation is None else type(activation).__name__
                raise AssertionError(
                    f"Activation_{index} should be nn.{case['actv']}, found {found}; build it "
                    "from the actv string."
                )

    for_each_case(_cases("Net", numbers), check)


def net_forward_matches_reference(Net, numbers: dict | None = None) -> None:
    """With the reference weights loaded by name, the outputs match the reference outputs."""

    def check(case):
        net = _build_net(Net, case)
        modules = _modules_by_name(net)
        with torch.no_grad():
            for name, tensors in case["layers"].items():
                layer = modules.get(name)
                if not isinstance(layer, nn.Linear):
                    raise AssertionError(f"no nn.Linear named {name}.")
                for attribute in ("weight", "bias"):
                    parameter = getattr(layer, attribute)
                    wanted = torch.tensor(tensors[attribute], dtype=parameter.dtype)
                    if parameter.shape != wanted.shape:
                        raise AssertionError(f"{name}.{attribute} has shape {tuple(parameter.shape)}, "
                                             f"expected {tuple(wanted.shape)}.")
                    parameter.copy_(wanted)
            dtype = next(net.parameters()).dtype
            inputs = torch.tensor(case["inputs"], dtype=dtype)
            outputs = to_array("the output of forward", call("forward", net, inputs))
        want = np.asarray(case["outputs"])
        if outputs.shape != want.shape:
            raise AssertionError(
                f"forward returned shape {outputs.shape} for an input of shape "
                f"{tuple(inputs.shape)}, expected {want.shape}: flatten the input to "
                "(batch, input_feature_num) first."
            )
        expect_close(
            "the output of forward", outputs, want, rtol=1e-4, atol=1e-5,
            advice="Apply every hidden Linear followed by its activation, then Output_Linear "
            "with no activation after it.",
        )

    for_each_case(_cases("Net", numbers), check)


# --- cross_entropy_loss --------------------------------------------------------------------


def cross_entropy_matches_reference(cross_entropy_loss, numbers: dict | None = None) -> None:
    """The loss is the batch mean of ``-x[i, label_i] + logsumexp(x[i])`` on unseen batches."""

    def check(case):
        logits = torch.tensor(case["logits"], dtype=torch.float32)
        labels = torch.tensor(case["labels"], dtype=torch.long)
        before = logits.clone()
        loss = to_array("the loss", call("cross_entropy_loss", cross_entropy_loss, logits, labels))
        if not torch.equal(logits, before):
            raise AssertionError("cross_entropy_loss changed its input x in place.")
        if loss.size != 1:
            raise AssertionError(
                f"the loss should be a single number (the mean over the batch), got shape "
                f"{loss.shape}."
            )
        x = logits.double().numpy()
        picked = x[np.arange(len(labels)), labels.numpy()]
        per_sample = np.log(np.exp(x).sum(axis=1)) - picked
        column_softmax = np.log(np.exp(x).sum(axis=0))
        expect_close(
            "the loss", loss.reshape(1), np.asarray([case["loss"]]), rtol=1e-5, atol=1e-5,
            diagnoses=[
                ([per_sample.sum()], "the loss looks like the sum over the batch, not the mean."),
                ([-per_sample.mean()], "the loss has the wrong sign."),
                ([-picked.mean()],
                 "the log of the sum of exponentials over the classes is missing."),
                ([(column_softmax[labels.numpy()] - picked).mean()],
                 "the log-sum-exp runs over the batch (dim 0) instead of the classes (dim 1)."),
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


def split_properties(shuffle_and_split_data, numbers: dict | None = None) -> None:
    """Sizes, X-y alignment, a partition of the data, determinism, and untouched inputs."""

    def check(case):
        n, test_size = case["n_samples"], case["test_size"]
        X, y = _split_inputs(n)
        X_copy, y_copy = X.clone(), y.clone()
        call("shuffle_and_split_data", shuffle_and_split_data, X, y, case["seed"])
        if not (torch.equal(X, X_copy) and torch.equal(y, y_copy)):
            raise AssertionError("shuffle_and_split_data changed X or y in place.")
        X_test, y_test, X_train, y_train = _split(shuffle_and_split_data, case)
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
        raise AssertionError(
            "the split is not the one that torch.manual_seed(seed) followed by "
            "torch.randperm(N) gives; use exactly those two calls to shuffle."
        )

    for_each_case(_cases("shuffle_and_split_data", numbers), check)
