"""Reference implementations for ``mlp_intro`` and the hidden cases they answer.

The functions follow ``shared/exercises.md`` to the letter. They work in float64 where a
student would work in float32, so the stored numbers are the exact answers and the hidden
checks' tolerances measure only the student's rounding.
"""

from __future__ import annotations

import torch
from torch import nn

from reference.encoding import tensor_to_list

GRID_POINTS = 1000
TEST_FRACTION = 0.2
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
# Hidden cases. Each case stores its inputs beside the reference answer, so a grader never
# regenerates an input and the numbers stay valid even if a random generator changes.
# ---------------------------------------------------------------------------------------


def _approximation_case(label, x_values, curve):
    x_train = torch.tensor(sorted(x_values), dtype=torch.float32).reshape(-1, 1)
    y64 = curve(x_train.double())
    y_train = (y64 - y64[0]).float()  # the sum of ReLUs is zero at the first point
    y_hat, relu_acts, x = approximate_function(x_train, y_train)
    slopes = torch.diff(y_train.double().reshape(-1)) / torch.diff(x_train.double().reshape(-1))
    weight_mass = float(torch.abs(torch.diff(slopes, prepend=slopes.new_zeros(1))).sum())
    span = float(x_train.max() - x_train.min())
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
    }


def _approximation_cases():
    generator = torch.Generator().manual_seed(479)
    uneven = (torch.rand(8, generator=generator) * 5.0 - 2.0).tolist()
    return [
        _approximation_case("eight uneven points of a parabola", uneven, lambda x: 0.4 * x**2),
        _approximation_case(
            "fifteen even points of a cosine",
            torch.linspace(-3.0, 3.0, 15).tolist(),
            lambda x: torch.cos(1.3 * x),
        ),
        _approximation_case("two points (a single ReLU)", [0.5, 2.0], lambda x: 3.0 * x),
    ]


def _net_case(label, actv, input_shape, hidden, outputs, seed):
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
    return {
        "label": label,
        "actv": actv,
        "input_feature_num": input_features,
        "hidden_unit_nums": list(hidden),
        "output_feature_num": outputs,
        "layers": layers,
        "inputs": tensor_to_list(inputs),
        "outputs": tensor_to_list(outputs_),
    }


def _net_cases():
    return [
        _net_case("ReLU, 2x3 inputs flattened to 6", "ReLU()", (4, 2, 3), [5, 4], 3, seed=11),
        _net_case("LeakyReLU(0.1), one hidden layer", "LeakyReLU(0.1)", (7, 2), [3], 1, seed=12),
        _net_case("Tanh, no hidden layer", "Tanh()", (5, 4), [], 2, seed=13),
        _net_case("ELU, three hidden layers", "ELU()", (3, 5), [6, 6, 2], 4, seed=14),
    ]


def _cross_entropy_case(label, logits, labels):
    return {
        "label": label,
        "logits": tensor_to_list(logits),
        "labels": labels.tolist(),
        "loss": float(cross_entropy_loss(logits, labels)),
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


def _split_case(n_samples, seed):
    torch.manual_seed(seed)
    order = torch.randperm(n_samples)
    return {
        "label": f"{n_samples} samples",
        "n_samples": n_samples,
        "seed": seed,
        "test_size": int(TEST_FRACTION * n_samples),
        "order": order.tolist(),
    }


def _split_cases():
    return [_split_case(n, seed) for n, seed in [(5, 3), (23, 7), (64, 2021), (101, 123)]]


def hidden_cases() -> dict:
    """Every hidden case of the assignment, keyed by graded name."""
    return {
        "approximate_function": _approximation_cases(),
        "Net": _net_cases(),
        "cross_entropy_loss": _cross_entropy_cases(),
        "shuffle_and_split_data": _split_cases(),
    }
