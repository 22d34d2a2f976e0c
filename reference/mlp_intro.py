"""Reference implementations for ``mlp_intro``, the known mistakes, and the cases they answer.

The functions follow ``shared/exercises.md`` to the letter. They work in float64 where a
student would work in float32, so the stored numbers are the exact answers and the checks'
tolerances measure only the student's rounding.

Every formula of the assignment lives here, the right ones and the wrong ones students
write: for each case, the numbers file stores the answer and, under ``mistakes``, what each
known mistake would return (in the order the checks try them). The checks
(``autograder/checks/mlp_intro.py``) compute nothing; they compare and name. The public
examples, the notebook's own, are stored the same way under ``examples``.
"""

from __future__ import annotations

import random

import numpy as np
import torch
from torch import nn

from reference.encoding import tensor_to_list

GRID_POINTS = 1000
TEST_FRACTION = 0.2
# Seeds a student may hard-code instead of using the seed argument (the notebook's SEED is 2021).
FIXED_SEEDS = (0, 1, 42, 2021)
# The hidden checks test every shape in full and the values on this subset of the grid,
# which keeps the numbers file small and still sees every slope and every ReLU.
GRID_SAMPLE = list(range(0, GRID_POINTS, 10)) + [GRID_POINTS - 1]


def approximate_function(x_train: torch.Tensor, y_train: torch.Tensor):
    """Piecewise-linear interpolant of the training points as a sum of shifted ReLUs."""
    xs = x_train.reshape(-1).double()
    ys = y_train.reshape(-1).double()
    x = torch.linspace(float(xs.min()), float(xs.max()), GRID_POINTS, dtype=torch.float64)
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


def activation_from_string(actv: str) -> nn.Module:
    """Build ``nn.<actv>`` from a string such as ``'LeakyReLU(0.1)'`` without ``eval``."""
    name, _, rest = actv.partition("(")
    arguments = [float(a) for a in rest.rstrip(")").split(",") if a.strip()]
    return getattr(nn, name.strip())(*arguments)


def cross_entropy_loss(x: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean over the batch of ``-x[i, labels[i]] + log(sum_j exp(x[i, j]))``."""
    logits = x.double()
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
# The public examples, as the notebook gives them.
# ---------------------------------------------------------------------------------------

# The sine example: ten points of sin on [0, 2*pi] (the notebook's
# ``torch.linspace(0, 2 * torch.pi, 10)``).
SINE_KNOTS = 10
# The cross-entropy example and its labels (the tutorial's; the loss is 0.34672749).
EXAMPLE_LOGITS = [[10.0, 1.0, -1.0, -20.0], [10.0, 10.0, 2.0, -10.0]]
EXAMPLE_LABELS = [0, 1]


def _sine_example():
    x_train = torch.linspace(0, 2 * torch.pi, SINE_KNOTS).view(-1, 1)
    return x_train, torch.sin(x_train)


# ---------------------------------------------------------------------------------------
# What known mistakes return. Each function answers for one case, in the order the checks
# try them: the first mistake whose answer matches the student's is the one named.
# ---------------------------------------------------------------------------------------


def _relu_mistakes(knots: np.ndarray, grid: np.ndarray) -> list:
    return [
        ["relus_shifted_the_wrong_way", np.maximum(0.0, grid[None, :] + knots[:-1, None])],
        ["relus_start_one_point_late", np.maximum(0.0, grid[None, :] - knots[1:, None])],
        ["relus_point_the_wrong_way", np.maximum(0.0, knots[:-1, None] - grid[None, :])],
        ["relus_without_bias", np.repeat(np.maximum(0.0, grid)[None, :], len(knots) - 1, axis=0)],
    ]


def _y_hat_mistakes(knots: np.ndarray, values: np.ndarray, grid: np.ndarray, y_hat: np.ndarray,
                    public_answer: np.ndarray | None) -> list:
    relus = np.maximum(0.0, grid[None, :] - knots[:-1, None])
    slopes = np.diff(values) / np.diff(knots)
    rises = np.diff(values)  # slopes without the division by the spacing
    minus_previous_weight = np.zeros_like(slopes)
    for i, slope in enumerate(slopes):
        minus_previous_weight[i] = slope - (minus_previous_weight[i - 1] if i else 0.0)
    found = [
        ["weights_are_the_slopes", slopes @ relus],
        ["plain_sum_of_the_relus", relus.sum(axis=0)],
        ["y_hat_has_the_wrong_sign", -y_hat],
        ["slopes_without_the_spacing", np.diff(rises, prepend=0.0) @ relus],
        ["weight_minus_the_previous_weight", minus_previous_weight @ relus],
    ]
    if public_answer is not None:
        found.append(["answer_of_the_sine_example", public_answer])
    return found


def _sine_example_answer() -> tuple[np.ndarray, np.ndarray]:
    """The grid and the answer of the sine example: what a copied answer gives."""
    knots = np.linspace(0.0, 2.0 * np.pi, SINE_KNOTS)
    grid = np.linspace(0.0, 2.0 * np.pi, GRID_POINTS)
    return grid, np.interp(grid, knots, np.sin(knots))


def _forward_with_activations(case: dict, placement: str) -> np.ndarray:
    """The reference outputs with the activations misplaced in a way students do.

    ``placement``: ``"none"`` (never applied), ``"before"`` (before each hidden Linear) or
    ``"output_too"`` (also after ``Output_Linear``).
    """
    activation = activation_from_string(case["actv"])
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


def _loss_mistakes(logits: torch.Tensor, labels: torch.Tensor, public: bool) -> list:
    x = logits.double().numpy()
    picked = x[np.arange(len(labels)), labels.numpy()]
    row_sums = np.exp(x).sum(axis=1)
    per_sample = np.log(row_sums) - picked
    column_softmax = np.log(np.exp(x).sum(axis=0))
    # x[:, labels] - a matrix of every sample's logit at every label - beside the row terms
    every_label = -x[:, labels.numpy()] + np.log(row_sums)[None, :]
    found = [
        ["sum_instead_of_mean", per_sample.sum()],
        ["loss_has_the_wrong_sign", -per_sample.mean()],
        ["log_sum_exp_missing", -picked.mean()],
        ["log_sum_exp_over_the_batch", (column_softmax[labels.numpy()] - picked).mean()],
        ["sum_of_exponentials_over_the_whole_batch", (np.log(np.exp(x).sum()) - picked).mean()],
        ["log_missing", (row_sums - picked).mean()],
        ["every_label_for_every_sample", every_label.mean()],
    ]
    if not public:
        example = torch.tensor(EXAMPLE_LOGITS, dtype=torch.float64)
        found.append(["loss_of_the_example", float(cross_entropy_loss(example, torch.tensor(EXAMPLE_LABELS)))])
    return found


def _seeded_order(n_samples: int, seed: int) -> list[int]:
    """``torch.manual_seed(seed)`` then ``torch.randperm(n)``, leaving the global seed alone."""
    generator = torch.Generator().manual_seed(seed)
    return torch.randperm(n_samples, generator=generator).tolist()


def _order_mistakes(n_samples: int, seed: int) -> list:
    """Valid shuffles seeded with ``seed`` that are not the one asked for, by their source, then
    the prescribed one seeded with a fixed number instead of ``seed``."""
    python_order = list(range(n_samples))
    random.Random(seed).shuffle(python_order)
    rand_keys = torch.rand(n_samples, generator=torch.Generator().manual_seed(seed))
    found = [
        ["shuffled_with_numpy_default_rng", np.random.default_rng(seed).permutation(n_samples).tolist()],
        ["shuffled_with_numpy_global_state", np.random.RandomState(seed).permutation(n_samples).tolist()],
        ["shuffled_with_python_random", python_order],
        ["shuffled_by_argsort_of_torch_rand", torch.argsort(rand_keys).tolist()],
    ]
    return found + [["seeded_with_a_fixed_number", _seeded_order(n_samples, fixed)]
                    for fixed in FIXED_SEEDS if fixed != seed]


# ---------------------------------------------------------------------------------------
# Hidden cases. Each case stores its inputs beside the reference answer and the mistakes'
# answers, so a grader never regenerates an input and the numbers stay valid even if a
# random generator changes.
# ---------------------------------------------------------------------------------------


def _as_lists(mistakes: list) -> list:
    return [[key, tensor_to_list(torch.as_tensor(value, dtype=torch.float64))] for key, value in mistakes]


def _approximation_case(label, x_train, y_train, *, public: bool = False):
    y_hat, relu_acts, x = approximate_function(x_train, y_train)
    knots = x_train.double().reshape(-1).numpy()
    values = y_train.double().reshape(-1).numpy()
    slopes = np.diff(values) / np.diff(knots)
    weight_mass = float(np.abs(np.diff(slopes, prepend=0.0)).sum())
    span = float(knots[-1] - knots[0])
    grid = x[GRID_SAMPLE].numpy()
    public_grid, public_answer = _sine_example_answer()
    x_mistakes = [] if public else [["grid_of_the_sine_example", public_grid[GRID_SAMPLE]]]
    return {
        "label": label,
        "x_train": tensor_to_list(x_train),
        "y_train": tensor_to_list(y_train),
        "grid_sample": GRID_SAMPLE,
        "x": tensor_to_list(x[GRID_SAMPLE]),
        "relu_acts": tensor_to_list(relu_acts[:, GRID_SAMPLE]),
        "y_hat": tensor_to_list(y_hat[GRID_SAMPLE]),
        # float32 rounding of a sum of ReLUs grows with the weights and the span
        "atol": 1e-5 * (1.0 + weight_mass * span),
        "mistakes": {
            "x": _as_lists(x_mistakes),
            "relu_acts": _as_lists(_relu_mistakes(knots, grid)),
            "y_hat": _as_lists(_y_hat_mistakes(knots, values, grid, y_hat[GRID_SAMPLE].numpy(),
                                               None if public else public_answer[GRID_SAMPLE])),
        },
    }


def _data_case(label, x_values, curve):
    x_train = torch.tensor(sorted(x_values), dtype=torch.float32).reshape(-1, 1)
    y64 = curve(x_train.double())
    y_train = (y64 - y64[0]).float()  # the sum of ReLUs is zero at the first point
    return _approximation_case(label, x_train, y_train)


def _approximation_cases():
    generator = torch.Generator().manual_seed(479)
    uneven = (torch.rand(8, generator=generator) * 5.0 - 2.0).tolist()
    return [
        _data_case("eight uneven points of a parabola", uneven, lambda x: 0.4 * x**2),
        _data_case("fifteen even points of a cosine", torch.linspace(-3.0, 3.0, 15).tolist(),
                   lambda x: torch.cos(1.3 * x)),
        _data_case("two points (a single ReLU)", [0.5, 2.0], lambda x: 3.0 * x),
    ]


def _net_case(label, actv, input_shape, hidden, outputs, seed, *, public: bool = False):
    torch.manual_seed(seed)
    input_features = 1
    for size in input_shape[1:]:
        input_features *= size
    net = Net(actv, input_features, hidden, outputs).double()
    inputs = torch.randn(*input_shape, dtype=torch.float64)
    with torch.no_grad():
        outputs_ = net(inputs)
    layers = {
        name.rsplit(".", 1)[-1]: {
            "weight": tensor_to_list(module.weight),
            "bias": tensor_to_list(module.bias),
        }
        for name, module in net.named_modules()
        if isinstance(module, nn.Linear)
    }
    case = {
        "label": label,
        "actv": actv,
        "input_feature_num": input_features,
        "hidden_unit_nums": list(hidden),
        "output_feature_num": outputs,
        "layers": layers,
        "inputs": tensor_to_list(inputs),
        "outputs": tensor_to_list(outputs_),
    }
    case["mistakes"] = {"outputs": _as_lists([
        ["activation_after_the_output_layer", _forward_with_activations(case, "output_too")],
        ["activations_not_applied", _forward_with_activations(case, "none")],
        ["activation_before_its_linear_layer", _forward_with_activations(case, "before")],
    ])}
    return case


def _net_cases():
    return [
        _net_case("ReLU, 2x3 inputs flattened to 6", "ReLU()", (4, 2, 3), [5, 4], 3, seed=11),
        _net_case("LeakyReLU(0.1), one hidden layer", "LeakyReLU(0.1)", (7, 2), [3], 1, seed=12),
        _net_case("Tanh, no hidden layer", "Tanh()", (5, 4), [], 2, seed=13),
        _net_case("ELU, three hidden layers", "ELU()", (3, 5), [6, 6, 2], 4, seed=14),
    ]


def _cross_entropy_case(label, logits, labels, *, public: bool = False):
    return {
        "label": label,
        "logits": tensor_to_list(logits),
        "labels": labels.tolist(),
        "loss": float(cross_entropy_loss(logits, labels)),
        "mistakes": {"loss": _as_lists(_loss_mistakes(logits, labels, public))},
    }


def _cross_entropy_cases():
    generator = torch.Generator().manual_seed(2024)
    wide = (torch.randn(6, 5, generator=generator) * 3.0).float()
    large = ((torch.rand(9, 3, generator=generator) - 0.5) * 90.0).float()  # |x| < 45
    single = torch.tensor([[0.25, -1.5]], dtype=torch.float32)
    return [
        _cross_entropy_case(
            "six samples, five classes", wide, torch.randint(0, 5, (6,), generator=generator)
        ),
        _cross_entropy_case(
            "nine samples with logits up to 45 in size",
            large,
            torch.randint(0, 3, (9,), generator=generator),
        ),
        _cross_entropy_case("a batch of one", single, torch.tensor([1])),
    ]


def _split_case(n_samples, seed, label=None):
    return {
        "label": label or f"{n_samples} samples",
        "n_samples": n_samples,
        "seed": seed,
        "test_size": int(TEST_FRACTION * n_samples),
        "order": _seeded_order(n_samples, seed),
        "mistakes": {"order": _order_mistakes(n_samples, seed)},
    }


def _split_cases():
    return [_split_case(n, seed) for n, seed in [(5, 3), (23, 7), (64, 2021), (101, 123)]]


def hidden_cases(seed: int = 0) -> dict:
    """Every hidden case of the assignment, keyed by graded name."""
    return {
        "approximate_function": _approximation_cases(),
        "Net": _net_cases(),
        "cross_entropy_loss": _cross_entropy_cases(),
        "shuffle_and_split_data": _split_cases(),
    }


def public_examples() -> dict:
    """The notebook's examples, stored as cases: the public checks run on them."""
    x_train, y_train = _sine_example()
    return {
        "approximate_function": [_approximation_case("ten points of the sine", x_train, y_train,
                                                     public=True)],
        "Net": [_net_case("LeakyReLU(0.1), 2 inputs, hidden layers of 100, 10 and 5, 1 output",
                          "LeakyReLU(0.1)", (4, 2), [100, 10, 5], 1, seed=2021, public=True),
                _net_case("ReLU(), a batch of 8 inputs of shape (2, 3), one hidden layer of 4, "
                          "3 outputs", "ReLU()", (8, 2, 3), [4], 3, seed=2021, public=True)],
        "cross_entropy_loss": [_cross_entropy_case(
            "the two samples above", torch.tensor(EXAMPLE_LOGITS), torch.tensor(EXAMPLE_LABELS),
            public=True)],
        "shuffle_and_split_data": [_split_case(10, 0, "10 samples, seed 0")],
    }
