"""Reference implementations for ``mlp_intro``, the known mistakes, and the cases they answer.

The functions follow ``shared/exercises.md`` to the letter. They work in float64 where a
student would work in float32, so the stored numbers are the exact answers and the checks'
tolerances measure only the student's rounding.

Every formula of the assignment lives here, the right ones and the wrong ones students
write: for each case, the numbers file stores the answer and, under ``mistakes``, what each
known mistake would return (in the order the checks try them). The checks
(``autograder/checks/mlp_intro.py``) compute nothing; they compare and name.

Hidden cases are drawn for each submission (:func:`hidden_cases`): every graded name has a
fixed list of *kinds* of case (a two-point interpolation, a network with no hidden layer, a
single sample, ...), always in the same order, and the sizes and values inside each kind
come from the seed alone. Each drawn case carries the tolerance of every field it compares,
and is proved as it is drawn (:mod:`reference.separation`): every known mistake gives an
answer outside that tolerance, no two mistakes give the same answer (so a check never has to
guess between them, and what it says does not depend on the draw), and the answers the
contract calls correct (float32 throughout, an epsilon inside a log) pass. A draw that
cannot be proved is drawn again. The public examples, the notebook's own, are stored the
same way under ``examples``.
"""

from __future__ import annotations

import math
import random
from typing import Any, Callable

import numpy as np
import torch
from torch import nn

from reference.encoding import tensor_to_list
from reference.separation import NotSeparated, accepts, draw_separated, known_mistakes

GRID_POINTS = 1000
TEST_FRACTION = 0.2
# Seeds a student may hard-code instead of using the seed argument (the notebook's SEED is 2021).
FIXED_SEEDS = (0, 1, 42, 2021)
# The hidden checks test every shape in full and the values on this subset of the grid, which
# keeps the numbers file small and still sees every slope and every ReLU (a hidden case has at
# most 20 points, no gap under a third of another: every gap holds a sampled point). Every 20th
# point, so never one of the sine example's knots (grid points 111, 222, ...): a hidden case
# stores the sine's grid as a mistake, and should not hold the public example's inputs.
GRID_SAMPLE = list(range(0, GRID_POINTS, 20)) + [GRID_POINTS - 1]
# The epsilons the contract allows inside a log of a probability.
LOG_GUARD = 1e-6
# Hidden cross-entropy labels point at classes of at least this softmax probability, so a
# guarded log (log(p + eps), eps <= 1e-6) moves a loss by at most eps / MIN_LABEL_PROBABILITY.
MIN_LABEL_PROBABILITY = 0.05
# Where a split's arrangement separates the test set from the training set (labels are >= 0).
SPLIT_MARK = -1.0

# Mistakes no public example can show, and why (tests/test_hidden_cases.py reads this).
HIDDEN_ONLY = {
    "grid_of_the_sine_example": (
        "the public example is the sine itself: a grid from 0 to 2*pi is the right grid there"),
    "answer_of_the_sine_example": (
        "the public example is the sine itself: its answer, returned whatever the inputs, is "
        "right there"),
    "loss_of_the_example": (
        "the public example's loss, returned whatever the batch, is the right loss of the example"),
    "test_size_rounded_up": (
        "the notebook's split example has ten samples: a fifth of them is a whole number, so "
        "rounding up changes nothing there"),
    "test_set_is_the_last_part": (
        "the public check grades the split's properties only, which the last fifth as test set "
        "keeps (the contract gives it that partial credit); only the hidden exact-split test "
        "can tell the first fifth from the last"),
    "batch_dimension_dropped": (
        "the notebook's Net examples are batches of several samples: only a batch of one shows a "
        "forward that squeezes the batch dimension away (the checks name it from the output's "
        "values, not from a stored answer)"),
    "shuffled_with_numpy_default_rng": (
        "a valid shuffle from another generator keeps the properties the public check grades "
        "(the contract's partial credit); only the hidden exact-split test compares with torch"),
    "shuffled_with_numpy_global_state": (
        "a valid shuffle from another generator keeps the properties the public check grades "
        "(the contract's partial credit); only the hidden exact-split test compares with torch"),
    "shuffled_with_python_random": (
        "a valid shuffle from another generator keeps the properties the public check grades "
        "(the contract's partial credit); only the hidden exact-split test compares with torch"),
    "shuffled_by_argsort_of_torch_rand": (
        "a valid shuffle from another generator keeps the properties the public check grades "
        "(the contract's partial credit); only the hidden exact-split test compares with torch"),
}


# ---------------------------------------------------------------------------------------
# The graded functions.
# ---------------------------------------------------------------------------------------


def approximate_function(x_train: torch.Tensor, y_train: torch.Tensor, dtype: torch.dtype = torch.float64):
    """Piecewise-linear interpolant of the training points as a sum of shifted ReLUs
    (computed in ``dtype``: float64 for the stored answers, float32 to prove a float32
    solution passes)."""
    xs = x_train.reshape(-1).to(dtype)
    ys = y_train.reshape(-1).to(dtype)
    x = torch.linspace(float(xs.min()), float(xs.max()), GRID_POINTS, dtype=dtype)
    knots = xs[:-1]
    relu_acts = torch.relu(x.unsqueeze(0) - knots.unsqueeze(1))
    slopes = (ys[1:] - ys[:-1]) / (xs[1:] - xs[:-1])
    slope_changes = slopes - torch.cat([slopes.new_zeros(1), slopes[:-1]])
    y_hat = slope_changes @ relu_acts
    return y_hat, relu_acts, x


class Net(nn.Module):
    """A multi-layer perceptron whose layers carry the contract's names."""

    def __init__(self, actv, input_feature_num, hidden_unit_nums, output_feature_num):
        super().__init__()
        self.input_feature_num = input_feature_num
        self.mlp = nn.Sequential()
        width = input_feature_num
        for index, units in enumerate(hidden_unit_nums):
            self.mlp.add_module(f"Linear_{index}", nn.Linear(width, units))
            self.mlp.add_module(f"Activation_{index}", activation_from_string(actv))
            width = units
        self.mlp.add_module("Output_Linear", nn.Linear(width, output_feature_num))

    def forward(self, x):
        return self.mlp(x.reshape(-1, self.input_feature_num))


def activation_from_string(actv: str, keep_arguments: bool = True) -> nn.Module:
    """Build ``nn.<actv>`` from a string such as ``'LeakyReLU(0.1)'`` without ``eval``
    (``keep_arguments=False``: with the class's defaults, as a student who drops them)."""
    name, _, rest = actv.partition("(")
    arguments = [float(a) for a in rest.rstrip(")").split(",") if a.strip()]
    return getattr(nn, name.strip())(*(arguments if keep_arguments else []))


def cross_entropy_loss(x: torch.Tensor, labels: torch.Tensor, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """Mean over the batch of ``-x[i, labels[i]] + log(sum_j exp(x[i, j]))``."""
    logits = x.to(dtype)
    picked = logits[torch.arange(logits.shape[0]), labels.long()]
    return (torch.logsumexp(logits, dim=1) - picked).mean()


def shuffle_and_split_data(X: torch.Tensor, y: torch.Tensor, seed: int):
    """Seeded permutation, then the first 20% as the test set and the rest for training."""
    torch.manual_seed(seed)
    order = torch.randperm(X.shape[0])
    test_size = int(TEST_FRACTION * X.shape[0])
    X, y = X[order], y[order]
    return X[:test_size], y[:test_size], X[test_size:], y[test_size:]


# ---------------------------------------------------------------------------------------
# Proving a case: every mistake apart from the right answer and from each other.
# ---------------------------------------------------------------------------------------


def _proved_mistakes(right, candidates, tolerance, blind=()) -> list:
    """The stored mistakes of one field (see :func:`separation.known_mistakes`), with one more
    demand: no two different mistakes coincide, so a check names each one alone, on every
    draw. Several answers of one mistake (a seed hard-coded as 0 or as 42) are one entry."""
    rtol, atol = tolerance
    stored = known_mistakes(right, candidates, rtol=rtol, atol=atol, blind=blind)
    for entry in stored:
        if isinstance(entry[0], list):
            keys = list(dict.fromkeys(entry[0]))
            if len(keys) > 1:
                raise NotSeparated(f"the mistakes {keys} give the same answer on this case")
            entry[0] = keys[0]
    merged: dict[str, list] = {}
    for key, value in stored:
        merged.setdefault(key, []).append(value)
    return [[key, value] for key, values in merged.items() for value in values]


def _as_list(value) -> list | float:
    return tensor_to_list(torch.as_tensor(np.asarray(value, dtype=np.float64)))


def _kinds(seed: int, group: str, kinds: list[Callable[[np.random.Generator], dict]]) -> list[dict]:
    return [draw_separated(kind, seed, group, index) for index, kind in enumerate(kinds)]


# ---------------------------------------------------------------------------------------
# approximate_function
# ---------------------------------------------------------------------------------------

# The sine example: ten points of sin on [0, 2*pi] (the notebook's
# ``torch.linspace(0, 2 * torch.pi, 10)``).
SINE_KNOTS = 10


def _sine_example():
    x_train = torch.linspace(0, 2 * torch.pi, SINE_KNOTS).view(-1, 1)
    return x_train, torch.sin(x_train)


def _sine_example_answer() -> tuple[np.ndarray, np.ndarray]:
    """The grid and the answer of the sine example: what a copied answer gives."""
    knots = np.linspace(0.0, 2.0 * np.pi, SINE_KNOTS)
    grid = np.linspace(0.0, 2.0 * np.pi, GRID_POINTS)
    return grid, np.interp(grid, knots, np.sin(knots))


def _relu_mistakes(knots: np.ndarray, grid: np.ndarray) -> list:
    return [
        ("relus_shifted_the_wrong_way", np.maximum(0.0, grid[None, :] + knots[:-1, None])),
        ("relus_start_one_point_late", np.maximum(0.0, grid[None, :] - knots[1:, None])),
        ("relus_point_the_wrong_way", np.maximum(0.0, knots[:-1, None] - grid[None, :])),
        ("relus_without_bias", np.repeat(np.maximum(0.0, grid)[None, :], len(knots) - 1, axis=0)),
    ]


def _y_hat_mistakes(knots: np.ndarray, values: np.ndarray, grid: np.ndarray, y_hat: np.ndarray,
                    public: bool) -> list:
    relus = np.maximum(0.0, grid[None, :] - knots[:-1, None])
    slopes = np.diff(values) / np.diff(knots)
    rises = np.diff(values)  # slopes without the division by the spacing
    minus_previous_weight = np.zeros_like(slopes)
    for i, slope in enumerate(slopes):
        minus_previous_weight[i] = slope - (minus_previous_weight[i - 1] if i else 0.0)
    found = [
        ("weights_are_the_slopes", slopes @ relus),
        ("plain_sum_of_the_relus", relus.sum(axis=0)),
        ("y_hat_has_the_wrong_sign", -y_hat),
        ("slopes_without_the_spacing", np.diff(rises, prepend=0.0) @ relus),
        ("weight_minus_the_previous_weight", minus_previous_weight @ relus),
    ]
    if not public:
        _, public_answer = _sine_example_answer()
        found.append(("answer_of_the_sine_example", public_answer[GRID_SAMPLE]))
    return found


def _approximation_case(label: str, x_train: torch.Tensor, y_train: torch.Tensor, *,
                        public: bool = False, blind: tuple[str, ...] = (), unseen: tuple[str, ...] = ()) -> dict:
    """``blind``: mistakes that give the right answer on this kind of case; ``unseen``: mistakes
    that give the same answer as another one on it (both are left to the other kinds)."""
    y_hat, relu_acts, x = approximate_function(x_train, y_train)
    knots = x_train.double().reshape(-1).numpy()
    values = y_train.double().reshape(-1).numpy()
    slopes = np.diff(values) / np.diff(knots)
    weight_mass = float(np.abs(np.diff(slopes, prepend=0.0)).sum())
    span = float(knots[-1] - knots[0])
    # float32 rounding of x grows with the span; of a sum of ReLUs, with the weights too
    tolerance = {"x": [1e-5, 1e-5 * span], "relu_acts": [1e-5, 1e-5 * (1.0 + span)],
                 "y_hat": [1e-5, 1e-5 * (1.0 + weight_mass * span)]}
    answers = {"x": x[GRID_SAMPLE].numpy(), "relu_acts": relu_acts[:, GRID_SAMPLE].numpy(),
               "y_hat": y_hat[GRID_SAMPLE].numpy()}
    single = approximate_function(x_train.float(), y_train.float(), dtype=torch.float32)
    for field, answer in zip(("y_hat", "relu_acts", "x"), single):
        sampled = answer[:, GRID_SAMPLE] if field == "relu_acts" else answer[GRID_SAMPLE]
        accepts(answers[field], sampled.double().numpy(), rtol=tolerance[field][0],
                atol=tolerance[field][1], what=f"{field} in float32")
    grid = answers["x"]
    public_grid, _ = _sine_example_answer()
    x_mistakes = [] if public else [("grid_of_the_sine_example", public_grid[GRID_SAMPLE])]
    return {
        "label": label,
        "x_train": tensor_to_list(x_train),
        "y_train": tensor_to_list(y_train),
        "grid_sample": GRID_SAMPLE,
        "x": _as_list(answers["x"]),
        "relu_acts": _as_list(answers["relu_acts"]),
        "y_hat": _as_list(answers["y_hat"]),
        "tolerance": tolerance,
        "mistakes": {
            "x": _proved_mistakes(answers["x"], x_mistakes, tolerance["x"], blind),
            "relu_acts": _proved_mistakes(answers["relu_acts"], [(key, value) for key, value in
                                                                 _relu_mistakes(knots, grid) if key not in unseen],
                                          tolerance["relu_acts"], blind),
            "y_hat": _proved_mistakes(answers["y_hat"], _y_hat_mistakes(knots, values, grid,
                                                                        answers["y_hat"], public),
                                      tolerance["y_hat"], blind),
        },
    }


def _data_case(label: str, xs: np.ndarray, curve: Callable[[np.ndarray], np.ndarray], **options) -> dict:
    """The case of training points at ``xs`` on ``curve``, shifted to start at y = 0 (the sum of
    ReLUs is zero at the first point; the notebook promises data that starts there)."""
    x_train = torch.tensor(np.sort(xs), dtype=torch.float32).reshape(-1, 1)
    x64 = x_train.double().numpy().reshape(-1)
    y64 = curve(x64)
    y_train = torch.tensor(y64 - y64[0], dtype=torch.float32).reshape(-1, 1)
    return _data_case_checked(label, x_train, y_train, **options)


def _data_case_checked(label, x_train, y_train, **options) -> dict:
    if len(torch.unique(x_train)) != len(x_train):
        raise NotSeparated("two training points at the same x")
    return _approximation_case(label, x_train, y_train, **options)


def _uneven_points(rng: np.random.Generator, count: int, start: float, span: float) -> np.ndarray:
    """``count`` sorted points from ``start`` to ``start + span``, no gap under a third of another."""
    gaps = rng.uniform(0.5, 1.5, count - 1)
    return start + span * np.concatenate([[0.0], np.cumsum(gaps) / gaps.sum()])


def _parabola(rng):
    count = int(rng.integers(6, 13))
    start, span = rng.uniform(-3.0, 0.0), rng.uniform(3.0, 6.0)
    curvature = rng.choice([-1.0, 1.0]) * rng.uniform(0.2, 1.0)
    centre = start + rng.uniform(0.0, span)
    return _data_case("uneven points of a parabola", _uneven_points(rng, count, start, span),
                      lambda x: curvature * (x - centre) ** 2)


def _cosine(rng):
    count = int(rng.integers(10, 21))
    start, span = rng.uniform(-4.0, -1.0), rng.uniform(4.0, 7.0)
    amplitude, frequency, phase = rng.uniform(0.5, 2.0), rng.uniform(0.5, 1.5), rng.uniform(0.0, np.pi)
    return _data_case("evenly spaced points of a cosine", np.linspace(start, start + span, count),
                      lambda x: amplitude * np.cos(frequency * x + phase))


def _zigzag(rng):
    count = int(rng.integers(5, 10))
    knots = _uneven_points(rng, count, rng.uniform(-2.0, 1.0), rng.uniform(3.0, 5.0))
    slopes = rng.choice([-1.0, 1.0], count - 1) * rng.uniform(0.3, 2.5, count - 1)
    heights = np.concatenate([[0.0], np.cumsum(slopes * np.diff(knots))])
    return _data_case("uneven points of a curve whose slope changes sign", knots,
                      lambda x: np.interp(x, knots, heights))


def _two_points(rng):
    first = rng.uniform(-2.0, 2.0)
    knots = np.array([first, first + rng.uniform(0.5, 4.0)])
    slope = rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 3.0)
    # one ReLU: its weight is the first slope, however the weights are meant to be found
    # and a ReLU that starts at the last point or points left is zero on the whole grid
    return _data_case("two points, so a single ReLU", knots, lambda x: slope * x,
                      blind=("weights_are_the_slopes", "weight_minus_the_previous_weight"),
                      unseen=("relus_start_one_point_late", "relus_point_the_wrong_way"))


APPROXIMATION_KINDS = [_parabola, _cosine, _zigzag, _two_points]


# ---------------------------------------------------------------------------------------
# Net
# ---------------------------------------------------------------------------------------


def _linear_layer(rng: np.random.Generator, fan_in: int, fan_out: int) -> dict:
    bound = 1.0 / math.sqrt(fan_in)  # nn.Linear's own initial range
    return {"weight": rng.uniform(-bound, bound, (fan_out, fan_in)), "bias": rng.uniform(-bound, bound, fan_out)}


def _forward(layers: dict, names: list[str], inputs: np.ndarray, activation: nn.Module, *,
             placement: str = "after", dtype: torch.dtype = torch.float64) -> np.ndarray:
    """The network's outputs, with the activations where ``placement`` puts them: ``"after"``
    each hidden Linear (right), ``"none"``, ``"before"`` each hidden Linear, or ``"output_too"``
    (also after ``Output_Linear``)."""
    with torch.no_grad():
        x = torch.tensor(inputs, dtype=dtype).reshape(inputs.shape[0], -1)
        for name in names:
            weight = torch.tensor(layers[name]["weight"], dtype=dtype)
            bias = torch.tensor(layers[name]["bias"], dtype=dtype)
            hidden = name != "Output_Linear"
            if placement == "before" and hidden:
                x = activation(x)
            x = x @ weight.T + bias
            if (placement == "after" and hidden) or placement == "output_too":
                x = activation(x)
        return x.double().numpy()


def _activate(activation: nn.Module, values: np.ndarray, dtype: torch.dtype = torch.float64) -> np.ndarray:
    with torch.no_grad():
        return activation(torch.tensor(values, dtype=dtype)).double().numpy()


NET_TOLERANCE = {"outputs": [1e-4, 1e-5], "layers": [1e-5, 1e-5], "activation": [1e-5, 1e-6]}


def _net_case(label: str, actv: str, input_shape: tuple[int, ...], hidden: list[int], outputs: int,
              rng: np.random.Generator, *, blind: tuple[str, ...] = ()) -> dict:
    """A network, the weights the checks load into it by name, and what it and each of its
    layers must return on inputs of the judge's."""
    features = int(np.prod(input_shape[1:]))
    widths = [features, *hidden]
    names = [f"Linear_{i}" for i in range(len(hidden))] + ["Output_Linear"]
    fans = list(zip(widths, [*hidden, outputs]))
    layers = {name: _linear_layer(rng, fan_in, fan_out) for name, (fan_in, fan_out) in zip(names, fans)}
    inputs = rng.standard_normal(input_shape)
    layer_inputs = {name: rng.standard_normal((3, fan_in)) for name, (fan_in, _) in zip(names, fans)}
    activation = activation_from_string(actv)
    right = _forward(layers, names, inputs, activation)
    tolerance = NET_TOLERANCE
    case: dict[str, Any] = {
        "label": label,
        "actv": actv,
        "input_feature_num": features,
        "hidden_unit_nums": list(hidden),
        "output_feature_num": outputs,
        "layers": {name: {part: _as_list(values) for part, values in layer.items()}
                   for name, layer in layers.items()},
        "inputs": _as_list(inputs),
        "outputs": _as_list(right),
        "layer_inputs": {name: _as_list(values) for name, values in layer_inputs.items()},
        "layer_outputs": {name: _as_list(layer_inputs[name] @ layers[name]["weight"].T + layers[name]["bias"])
                          for name in names},
        "tolerance": tolerance,
    }
    accepts(right, _forward(layers, names, inputs.astype(np.float32), activation, dtype=torch.float32),
            rtol=tolerance["outputs"][0], atol=tolerance["outputs"][1], what="a float32 network")
    for name in names:
        single = {part: values.astype(np.float32) for part, values in layers[name].items()}
        accepts(case["layer_outputs"][name],
                layer_inputs[name].astype(np.float32) @ single["weight"].T + single["bias"],
                rtol=tolerance["layers"][0], atol=tolerance["layers"][1], what=f"a float32 {name}")
    with_arguments = "(" in actv and actv.split("(", 1)[1].strip(") ")
    defaults = activation_from_string(actv, keep_arguments=False) if with_arguments else None
    relu = nn.ReLU()
    outputs_mistakes = [
        ("activation_after_the_output_layer", _forward(layers, names, inputs, activation, placement="output_too")),
        ("activations_not_applied", _forward(layers, names, inputs, activation, placement="none")),
        ("activation_before_its_linear_layer", _forward(layers, names, inputs, activation, placement="before")),
        ("activation_is_always_relu", _forward(layers, names, inputs, relu)),
        ("activation_arguments_dropped", None if defaults is None else _forward(layers, names, inputs, defaults)),
    ]
    case["mistakes"] = {"outputs": _proved_mistakes(right, outputs_mistakes, tolerance["outputs"], blind)}
    if hidden:  # the activation on values of both signs, as each Activation_i must compute it
        values = rng.uniform(-3.0, 3.0, (3, 4))
        values[0, 0], values[0, 1] = -abs(values[0, 0]) - 0.5, abs(values[0, 1]) + 0.5
        wanted = _activate(activation, values)
        accepts(wanted, _activate(activation, values.astype(np.float32), torch.float32),
                rtol=tolerance["activation"][0], atol=tolerance["activation"][1], what="a float32 activation")
        case["activation_inputs"] = _as_list(values)
        case["activation_outputs"] = _as_list(wanted)
        case["mistakes"]["activation"] = _proved_mistakes(wanted, [
            ("activation_is_always_relu", _activate(relu, values)),
            ("activation_arguments_dropped", None if defaults is None else _activate(defaults, values)),
        ], tolerance["activation"], blind)
    return case


def _widths(rng, count, low=3, high=8) -> list[int]:
    return [int(w) for w in rng.integers(low, high + 1, count)]


def _relu_images(rng):
    shape = (int(rng.integers(3, 7)), int(rng.integers(2, 4)), int(rng.integers(2, 5)))
    return _net_case("a ReLU network with two hidden layers, on inputs it must flatten", "ReLU()", shape,
                     _widths(rng, 2), int(rng.integers(2, 5)), rng, blind=("activation_is_always_relu",))


def _leaky_one_layer(rng):
    slope = round(float(rng.uniform(0.05, 0.5)), 2)
    shape = (int(rng.integers(4, 9)), int(rng.integers(2, 7)))
    return _net_case("a LeakyReLU network with one hidden layer", f"LeakyReLU({slope})", shape,
                     _widths(rng, 1, 3, 10), int(rng.integers(1, 4)), rng)


def _no_hidden_layer(rng):
    shape = (int(rng.integers(3, 7)), int(rng.integers(2, 7)))
    # with no hidden layer there is no activation to misplace, drop or replace
    return _net_case("a network with no hidden layer", "Tanh()", shape, [], int(rng.integers(2, 5)), rng,
                     blind=("activations_not_applied", "activation_before_its_linear_layer",
                            "activation_is_always_relu"))


def _deep_elu(rng):
    shape = (int(rng.integers(3, 7)), int(rng.integers(3, 7)))
    return _net_case("a deeper ELU network with three hidden layers", "ELU()", shape, _widths(rng, 3, 2, 7),
                     int(rng.integers(2, 5)), rng)


def _single_sample(rng):
    shape = (1, int(rng.integers(2, 4)), int(rng.integers(2, 4)))
    return _net_case("a Sigmoid network given a single sample to flatten", "Sigmoid()", shape,
                     _widths(rng, int(rng.integers(1, 3))), int(rng.integers(2, 5)), rng)


NET_KINDS = [_relu_images, _leaky_one_layer, _no_hidden_layer, _deep_elu, _single_sample]


# ---------------------------------------------------------------------------------------
# cross_entropy_loss
# ---------------------------------------------------------------------------------------

# The cross-entropy example and its labels (the tutorial's; the loss is 0.34672749).
EXAMPLE_LOGITS = [[10.0, 1.0, -1.0, -20.0], [10.0, 10.0, 2.0, -10.0]]
EXAMPLE_LABELS = [0, 1]


def _loss_mistakes(logits: torch.Tensor, labels: torch.Tensor, public: bool) -> list:
    x = logits.double().numpy()
    picked = x[np.arange(len(labels)), labels.numpy()]
    row_sums = np.exp(x).sum(axis=1)
    per_sample = np.log(row_sums) - picked
    column_softmax = np.log(np.exp(x).sum(axis=0))
    # x[:, labels] - a matrix of every sample's logit at every label - beside the row terms
    every_label = -x[:, labels.numpy()] + np.log(row_sums)[None, :]
    found = [
        ("sum_instead_of_mean", per_sample.sum()),
        ("loss_has_the_wrong_sign", -per_sample.mean()),
        ("log_sum_exp_missing", -picked.mean()),
        ("log_sum_exp_over_the_batch", (column_softmax[labels.numpy()] - picked).mean()),
        ("sum_of_exponentials_over_the_whole_batch", (np.log(np.exp(x).sum()) - picked).mean()),
        ("log_missing", (row_sums - picked).mean()),
        ("every_label_for_every_sample", every_label.mean()),
        # the vector itself (a batch of one gives one number, which is the right loss)
        ("per_sample_losses_not_averaged", per_sample if len(labels) > 1 else None),
    ]
    if not public:
        example = torch.tensor(EXAMPLE_LOGITS, dtype=torch.float64)
        found.append(("loss_of_the_example", float(cross_entropy_loss(example, torch.tensor(EXAMPLE_LABELS)))))
    return found


def _softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax in the logits' own precision (numpy: torch's reductions over a dim are
    slow with deterministic algorithms on)."""
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def _float32_losses(logits: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
    """What correct float32 solutions return: the tutorial's formula, and a log of the
    softmax probability guarded each way the contract allows."""
    x = logits.float().numpy()
    rows = np.arange(x.shape[0])
    picked = x[rows, labels.numpy()]
    p = _softmax(x)[rows, labels.numpy()]
    guard = np.float32(LOG_GUARD)
    return {
        "the formula in float32": float(np.mean(-picked + np.log(np.exp(x).sum(axis=1)))),
        "log(p + eps)": float(-np.mean(np.log(p + guard))),
        "log(max(p, eps))": float(-np.mean(np.log(np.maximum(p, guard)))),
        "log(clip(p, eps, 1 - eps))": float(-np.mean(np.log(np.clip(p, guard, np.float32(1) - guard)))),
    }


def _cross_entropy_case(label: str, logits: torch.Tensor, labels: torch.Tensor, *, public: bool = False,
                        blind: tuple[str, ...] = ()) -> dict:
    loss = float(cross_entropy_loss(logits, labels))
    probabilities = _softmax(logits.double().numpy())[np.arange(len(labels)), labels.numpy()]
    # float32 rounding grows with the logits' size; a guarded log moves a loss by eps / p
    atol = 1e-5 + 2e-7 * float(logits.abs().max()) + 2 * LOG_GUARD / float(probabilities.min())
    tolerance = {"loss": [1e-5, atol]}
    for what, value in _float32_losses(logits, labels).items():
        accepts(loss, value, rtol=1e-5, atol=atol, what=what)
    return {
        "label": label,
        "logits": tensor_to_list(logits),
        "labels": labels.tolist(),
        "loss": loss,
        "tolerance": tolerance,
        "mistakes": {"loss": _proved_mistakes(loss, _loss_mistakes(logits, labels, public), tolerance["loss"],
                                              blind)},
    }


def _likely_labels(rng: np.random.Generator, logits: np.ndarray) -> np.ndarray:
    """A label per row among the classes of softmax probability >= MIN_LABEL_PROBABILITY."""
    return np.array([rng.choice(np.flatnonzero(row >= MIN_LABEL_PROBABILITY)) for row in _softmax(logits)])


def _logits_case(label: str, rng, logits: np.ndarray, **options) -> dict:
    logits32 = torch.tensor(logits, dtype=torch.float32)
    labels = torch.tensor(_likely_labels(rng, logits32.double().numpy()), dtype=torch.long)
    return _cross_entropy_case(label, logits32, labels, **options)


def _six_by_five(rng):
    return _logits_case("six samples, five classes", rng, rng.normal(0.0, rng.uniform(1.0, 3.0), (6, 5)))


def _large_logits(rng):
    rows, classes = int(rng.integers(5, 11)), int(rng.integers(3, 7))
    offsets = rng.uniform(-40.0, 40.0, (rows, 1))
    logits = np.clip(offsets + rng.normal(0.0, 2.0, (rows, classes)), -47.0, 47.0)  # |x| < 50
    return _logits_case("a batch whose logits are large", rng, logits)


def _single_logits(rng):
    # a batch of one: its sum is its mean, and the whole batch is its one row
    return _logits_case("a single sample", rng, rng.normal(0.0, 2.0, (1, int(rng.integers(3, 7)))),
                        blind=("sum_instead_of_mean", "every_label_for_every_sample",
                               "sum_of_exponentials_over_the_whole_batch"))


def _two_classes(rng):
    return _logits_case("many samples, two classes", rng, rng.normal(0.0, 1.5, (int(rng.integers(12, 31)), 2)))


CROSS_ENTROPY_KINDS = [_six_by_five, _large_logits, _single_logits, _two_classes]


# ---------------------------------------------------------------------------------------
# shuffle_and_split_data
# ---------------------------------------------------------------------------------------


def _seeded_order(n_samples: int, seed: int) -> list[int]:
    """``torch.manual_seed(seed)`` then ``torch.randperm(n)``, leaving the global seed alone."""
    generator = torch.Generator().manual_seed(seed)
    return torch.randperm(n_samples, generator=generator).tolist()


def _other_shuffles(n_samples: int, seed: int) -> list[tuple[str, list[int]]]:
    """Valid shuffles seeded with ``seed`` that are not the one asked for, by their source."""
    python_order = list(range(n_samples))
    random.Random(seed).shuffle(python_order)
    rand_keys = torch.rand(n_samples, generator=torch.Generator().manual_seed(seed))
    return [
        ("shuffled_with_numpy_default_rng", np.random.default_rng(seed).permutation(n_samples).tolist()),
        ("shuffled_with_numpy_global_state", np.random.RandomState(seed).permutation(n_samples).tolist()),
        ("shuffled_with_python_random", python_order),
        ("shuffled_by_argsort_of_torch_rand", torch.argsort(rand_keys).tolist()),
    ]


def arrangement(test: np.ndarray, train: np.ndarray) -> np.ndarray:
    """A split as one array: the test labels, a mark, the training labels (labels are the
    samples' indices, so this is where every sample went, in order)."""
    return np.concatenate([np.ravel(test), [SPLIT_MARK], np.ravel(train)]).astype(np.float64)


def _split_of(order: list[int], test_size: int) -> np.ndarray:
    return arrangement(np.asarray(order[:test_size]), np.asarray(order[test_size:]))


def _split_case(label: str, n_samples: int, seed: int, other_seed: int, *, public: bool = False,
                blind: tuple[str, ...] = ()) -> dict:
    order = _seeded_order(n_samples, seed)
    test_size = int(TEST_FRACTION * n_samples)
    rounded_up = math.ceil(TEST_FRACTION * n_samples)
    last = n_samples - test_size
    right = _split_of(order, test_size)
    tolerance = {"split": [0.0, 0.1]}  # indices: equal or not
    others = _other_shuffles(n_samples, seed)
    # the property checks: a valid shuffle is not the original order and moves with the seed
    for key, shuffled in [("the seeded torch.randperm", order), *others]:
        if shuffled == list(range(n_samples)):
            raise NotSeparated(f"{key} leaves the data in its order on this case")
        if key == "the seeded torch.randperm":
            moved = _seeded_order(n_samples, other_seed)
        else:
            moved = dict(_other_shuffles(n_samples, other_seed))[key]
        if moved == shuffled:
            raise NotSeparated(f"{key} gives the same split for both seeds on this case")
    candidates = [
        ("sets_swapped", arrangement(np.asarray(order[test_size:]), np.asarray(order[:test_size]))),
        ("test_set_is_eighty_percent", _split_of(order, int((1 - TEST_FRACTION) * n_samples))),
        ("training_set_holds_the_test_samples", arrangement(np.asarray(order[:test_size]), np.asarray(order))),
        ("test_size_rounded_up", _split_of(order, rounded_up)),
        ("not_shuffled", _split_of(list(range(n_samples)), test_size)),
        *[("seeded_with_a_fixed_number", _split_of(_seeded_order(n_samples, fixed), test_size))
          for fixed in FIXED_SEEDS if fixed != seed],
    ]
    if not public:  # what only the hidden exact-split test can see (see HIDDEN_ONLY)
        candidates += [("test_set_is_the_last_part", arrangement(np.asarray(order[last:]), np.asarray(order[:last]))),
                       *[(key, _split_of(shuffled, test_size)) for key, shuffled in others]]
    return {
        "label": label,
        "n_samples": n_samples,
        "seed": seed,
        "other_seed": other_seed,
        "test_size": test_size,
        "split": _as_list(right),
        "tolerance": tolerance,
        "mistakes": {"split": _proved_mistakes(right, candidates, tolerance["split"], blind)},
    }


def _two_seeds(rng) -> tuple[int, int]:
    seed, other = (int(s) for s in rng.choice(10**6, 2, replace=False))
    return seed, other


def _fifth_not_whole(rng):
    n_samples = int(rng.integers(4, 20)) * 5 + int(rng.choice([3, 4]))  # a fifth ends in .6 or .8
    return _split_case("a data set whose fifth is not a whole number", n_samples, *_two_seeds(rng))


def _multiple_of_five(rng):
    # a fifth is whole: rounding it any way gives int(0.2 * N)
    return _split_case("a data set whose size is a multiple of five", int(rng.integers(2, 13)) * 5,
                       *_two_seeds(rng), blind=("test_size_rounded_up",))


def _five_samples(rng):
    return _split_case("the smallest data set, five samples with one to test on", 5, *_two_seeds(rng),
                       blind=("test_size_rounded_up",))


SPLIT_KINDS = [_fifth_not_whole, _multiple_of_five, _five_samples]


# ---------------------------------------------------------------------------------------
# The draw, and the public examples.
# ---------------------------------------------------------------------------------------


def hidden_cases(seed: int = 0) -> dict:
    """Every hidden case of the assignment, keyed by graded name, drawn from ``seed`` alone."""
    return {
        "approximate_function": _kinds(seed, "approximate_function", APPROXIMATION_KINDS),
        "Net": _kinds(seed, "Net", NET_KINDS),
        "cross_entropy_loss": _kinds(seed, "cross_entropy_loss", CROSS_ENTROPY_KINDS),
        "shuffle_and_split_data": _kinds(seed, "shuffle_and_split_data", SPLIT_KINDS),
    }


def public_examples() -> dict:
    """The notebook's examples, stored as cases: the public checks run on them."""
    x_train, y_train = _sine_example()
    # the weights and inputs of the Net examples: the first draw from the notebook's seed that
    # proves them, as a hidden case is proved
    leaky = draw_separated(lambda rng: _net_case(
        "a LeakyReLU network of slope 0.1: 2 inputs, hidden layers of 100, 10 and 5, 1 output",
        "LeakyReLU(0.1)", (4, 2),
        [100, 10, 5], 1, rng), 2021, "Net example", 0)
    images = draw_separated(lambda rng: _net_case(
        "a ReLU network on a batch of 8 inputs of shape (2, 3): one hidden layer of 4, 3 outputs", "ReLU()", (8, 2, 3),
        [4], 3, rng, blind=("activation_is_always_relu",)), 2021, "Net example", 1)
    return {
        "approximate_function": [_approximation_case("ten points of the sine", x_train, y_train, public=True)],
        "Net": [leaky, images],
        "cross_entropy_loss": [_cross_entropy_case(
            "the two samples above", torch.tensor(EXAMPLE_LOGITS), torch.tensor(EXAMPLE_LABELS), public=True)],
        "shuffle_and_split_data": [_split_case("10 samples, seed 0", 10, 0, 1, public=True,
                                               blind=("test_size_rounded_up",))],
    }
