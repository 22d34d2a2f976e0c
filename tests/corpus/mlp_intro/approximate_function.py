"""Student-style ``approximate_function(x_train, y_train) -> (y_hat, relu_acts, x)``.

The contract: ``x = torch.linspace(min(x_train), max(x_train), 1000)``, row ``i`` of
``relu_acts`` is ``relu(x - x_train[i])`` for the first ``N - 1`` points, and ``y_hat`` is
the sum of the rows weighted by the change of slope at each point (see tests/corpus/__init__.py).
"""

import numpy as np
import torch
from torch import nn

# --- correct ---------------------------------------------------------------------------------


def correct_tutorial_loops(x_train, y_train):
    """The notebook's template filled in: float32, one loop for the ReLUs, one for the weights."""
    n_relus = x_train.shape[0] - 1
    x = torch.linspace(torch.min(x_train), torch.max(x_train), 1000)
    biases = -x_train
    relu_acts = torch.zeros((n_relus, x.shape[0]))
    for i in range(n_relus):
        relu_acts[i, :] = torch.relu(x + biases[i])
    weights = torch.zeros(n_relus)
    previous_slope = 0.0
    for i in range(n_relus):
        slope = (y_train[i + 1, 0] - y_train[i, 0]) / (x_train[i + 1, 0] - x_train[i, 0])
        weights[i] = slope - previous_slope
        previous_slope = slope
    y_hat = weights @ relu_acts
    return y_hat, relu_acts, x


def correct_vectorised_broadcast(x_train, y_train):
    """Broadcasting and torch.diff, no loop."""
    xs, ys = x_train.flatten(), y_train.flatten()
    x = torch.linspace(xs.min(), xs.max(), 1000)
    relu_acts = torch.relu(x[None, :] - xs[:-1, None])
    slopes = torch.diff(ys) / torch.diff(xs)
    weights = torch.diff(slopes, prepend=torch.zeros(1))
    return weights @ relu_acts, relu_acts, x


def correct_float64(x_train, y_train):
    """Everything in double precision: float64 tensors are welcome."""
    xs, ys = x_train.double().view(-1), y_train.double().view(-1)
    x = torch.linspace(xs[0].item(), xs[-1].item(), 1000, dtype=torch.float64)
    relu_acts = torch.clamp(x.unsqueeze(0) - xs[:-1].unsqueeze(1), min=0)
    slopes = (ys[1:] - ys[:-1]) / (xs[1:] - xs[:-1])
    weights = slopes.clone()
    weights[1:] -= slopes[:-1]
    return relu_acts.T @ weights, relu_acts, x


def correct_column_y_hat(x_train, y_train):
    """y_hat as a (1000, 1) column, from relu_acts.T times a column of weights."""
    n = x_train.shape[0]
    x = torch.linspace(x_train.min().item(), x_train.max().item(), 1000)
    relu_acts = torch.stack([torch.relu(x - x_train[i]) for i in range(n - 1)])
    slopes = (y_train[1:] - y_train[:-1]) / (x_train[1:] - x_train[:-1])  # (N-1, 1)
    weights = torch.cat([slopes[:1], slopes[1:] - slopes[:-1]])  # (N-1, 1)
    return relu_acts.T @ weights, relu_acts, x


def correct_numpy_arrays(x_train, y_train):
    """Converts to numpy and returns numpy arrays throughout."""
    xs = x_train.numpy().ravel()
    ys = y_train.numpy().ravel()
    x = np.linspace(xs.min(), xs.max(), 1000, dtype=np.float32)
    relu_acts = np.maximum(0, x[np.newaxis, :] - xs[:-1, np.newaxis])
    slopes = np.diff(ys) / np.diff(xs)
    weights = np.diff(slopes, prepend=0.0)
    return weights @ relu_acts, relu_acts, x


def correct_relu_module_and_offset(x_train, y_train):
    """nn.ReLU with bias -x_train[i], plus the offset y_train[0] (zero in the tutorial's data)."""
    relu = nn.ReLU()
    x = torch.linspace(float(x_train[0]), float(x_train[-1]), 1000)
    rows, weights, previous = [], [], 0.0
    for i in range(len(x_train) - 1):
        rows.append(relu(x - x_train[i].item()))
        slope = ((y_train[i + 1] - y_train[i]) / (x_train[i + 1] - x_train[i])).item()
        weights.append(slope - previous)
        previous = slope
    relu_acts = torch.stack(rows)
    y_hat = torch.tensor(weights) @ relu_acts + y_train[0]
    return y_hat, relu_acts, x


def correct_triangular_solve(x_train, y_train):
    """Finds the weights by making the sum of ReLUs hit every training point (a linear solve)."""
    xs, ys = x_train.view(-1).double(), y_train.view(-1).double()
    at_points = torch.relu(xs[1:, None] - xs[None, :-1])  # ReLU j at training point i+1
    weights = torch.linalg.solve_triangular(at_points, (ys[1:] - ys[0])[:, None], upper=False)
    x = torch.linspace(xs.min(), xs.max(), 1000).float()
    relu_acts = torch.relu(x[None, :] - x_train.view(-1)[:-1, None])
    return (weights.float().T @ relu_acts).squeeze(0), relu_acts, x


def correct_maximum_with_zero(x_train, y_train):
    """torch.maximum against a zero tensor, weights kept in a Python list."""
    x = torch.linspace(x_train.min(), x_train.max(), steps=1000)
    relu_acts = torch.zeros(len(x_train) - 1, 1000)
    slopes = []
    for i in range(len(x_train) - 1):
        relu_acts[i] = torch.maximum(x - x_train[i], torch.tensor(0.0))
        slopes.append((y_train[i + 1] - y_train[i]) / (x_train[i + 1] - x_train[i]))
    y_hat = torch.zeros(1000)
    for i in range(len(slopes)):
        change = slopes[i] - (slopes[i - 1] if i > 0 else 0)
        y_hat += change * relu_acts[i]
    return y_hat, relu_acts, x


def correct_numpy_interp_shortcut(x_train, y_train):
    """The ReLUs as asked, and y_hat from np.interp: the same interpolant, a library shortcut."""
    xs, ys = x_train.numpy().ravel(), y_train.numpy().ravel()
    x = torch.linspace(float(xs[0]), float(xs[-1]), 1000)
    relu_acts = torch.relu(x[None, :] - x_train[:-1])
    y_hat = torch.from_numpy(np.interp(x.numpy(), xs, ys))
    return y_hat, relu_acts, x


def correct_scipy_interp1d(x_train, y_train):
    """scipy's linear interpolation for y_hat, float32 throughout."""
    from scipy.interpolate import interp1d

    xs, ys = x_train.view(-1), y_train.view(-1)
    x = torch.linspace(xs.min(), xs.max(), 1000)
    relu_acts = torch.stack([torch.relu(x - knot) for knot in xs[:-1]])
    y_hat = interp1d(xs.numpy(), ys.numpy(), kind="linear")(x.numpy()).astype(np.float32)
    return torch.from_numpy(y_hat), relu_acts, x


# --- wrong -----------------------------------------------------------------------------------


def wrong_slopes_as_weights(x_train, y_train):
    """Forgets to subtract the previous slope: the weights are the slopes themselves."""
    xs, ys = x_train.flatten(), y_train.flatten()
    x = torch.linspace(xs.min(), xs.max(), 1000)
    relu_acts = torch.relu(x[None, :] - xs[:-1, None])
    weights = torch.diff(ys) / torch.diff(xs)
    return weights @ relu_acts, relu_acts, x


def wrong_unweighted_sum(x_train, y_train):
    """Forgets the weights: adds the ReLUs up as they are."""
    xs = x_train.flatten()
    x = torch.linspace(xs.min(), xs.max(), 1000)
    relu_acts = torch.relu(x[None, :] - xs[:-1, None])
    return relu_acts.sum(dim=0), relu_acts, x


def wrong_bias_sign(x_train, y_train):
    """Adds x_train[i] instead of subtracting it: relu(x + x_train[i])."""
    n_relus = x_train.shape[0] - 1
    x = torch.linspace(torch.min(x_train), torch.max(x_train), 1000)
    relu_acts = torch.zeros((n_relus, 1000))
    weights = torch.zeros(n_relus)
    previous_slope = 0.0
    for i in range(n_relus):
        relu_acts[i, :] = torch.relu(x + x_train[i])
        slope = (y_train[i + 1, 0] - y_train[i, 0]) / (x_train[i + 1, 0] - x_train[i, 0])
        weights[i] = slope - previous_slope
        previous_slope = slope
    return weights @ relu_acts, relu_acts, x


def wrong_reversed_relu(x_train, y_train):
    """Flips the ReLU's argument: relu(x_train[i] - x), which is zero to the right of the point."""
    xs, ys = x_train.flatten(), y_train.flatten()
    x = torch.linspace(xs.min(), xs.max(), 1000)
    relu_acts = torch.relu(xs[:-1, None] - x[None, :])
    slopes = torch.diff(ys) / torch.diff(xs)
    weights = torch.diff(slopes, prepend=torch.zeros(1))
    return weights @ relu_acts, relu_acts, x


def wrong_relu_without_bias(x_train, y_train):
    """Forgets the offset of each ReLU: every row is relu(x)."""
    xs, ys = x_train.flatten(), y_train.flatten()
    x = torch.linspace(xs.min(), xs.max(), 1000)
    relu_acts = torch.relu(x).repeat(len(xs) - 1, 1)
    slopes = torch.diff(ys) / torch.diff(xs)
    weights = torch.diff(slopes, prepend=torch.zeros(1))
    return weights @ relu_acts, relu_acts, x


def wrong_relus_one_point_late(x_train, y_train):
    """Off by one: ReLU i bends at x_train[i + 1]."""
    n_relus = x_train.shape[0] - 1
    x = torch.linspace(torch.min(x_train), torch.max(x_train), 1000)
    relu_acts = torch.zeros((n_relus, 1000))
    weights = torch.zeros(n_relus)
    previous_slope = 0.0
    for i in range(n_relus):
        relu_acts[i, :] = torch.relu(x - x_train[i + 1])
        slope = (y_train[i + 1, 0] - y_train[i, 0]) / (x_train[i + 1, 0] - x_train[i, 0])
        weights[i] = slope - previous_slope
        previous_slope = slope
    return weights @ relu_acts, relu_acts, x


def wrong_one_relu_per_point(x_train, y_train):
    """Off by one: a ReLU for every training point, the last one with weight zero."""
    n = x_train.shape[0]
    x = torch.linspace(torch.min(x_train), torch.max(x_train), 1000)
    relu_acts = torch.relu(x[None, :] - x_train.view(-1, 1))
    weights = torch.zeros(n)
    previous_slope = 0.0
    for i in range(n - 1):
        slope = (y_train[i + 1, 0] - y_train[i, 0]) / (x_train[i + 1, 0] - x_train[i, 0])
        weights[i] = slope - previous_slope
        previous_slope = slope
    return weights @ relu_acts, relu_acts, x


def wrong_transposed_relu_acts(x_train, y_train):
    """Builds the activations one column per ReLU: relu_acts is (1000, N - 1)."""
    xs, ys = x_train.flatten(), y_train.flatten()
    x = torch.linspace(xs.min(), xs.max(), 1000)
    relu_acts = torch.relu(x[:, None] - xs[None, :-1])
    slopes = torch.diff(ys) / torch.diff(xs)
    weights = torch.diff(slopes, prepend=torch.zeros(1))
    return relu_acts @ weights, relu_acts, x


def wrong_fixed_sine_grid(x_train, y_train):
    """Keeps the grid of the public sine example, 0 to 2*pi, whatever the data."""
    xs, ys = x_train.flatten(), y_train.flatten()
    x = torch.linspace(0, 2 * np.pi, 1000)
    relu_acts = torch.relu(x[None, :] - xs[:-1, None])
    slopes = torch.diff(ys) / torch.diff(xs)
    weights = torch.diff(slopes, prepend=torch.zeros(1))
    return weights @ relu_acts, relu_acts, x


def wrong_public_example_constant(x_train, y_train):
    """Ignores its inputs and returns the answer of the public sine example."""
    x_train = torch.linspace(0, 2 * np.pi, 10).view(-1, 1)
    y_train = torch.sin(x_train)
    xs, ys = x_train.flatten(), y_train.flatten()
    x = torch.linspace(xs.min(), xs.max(), 1000)
    relu_acts = torch.relu(x[None, :] - xs[:-1, None])
    slopes = torch.diff(ys) / torch.diff(xs)
    weights = torch.diff(slopes, prepend=torch.zeros(1))
    return weights @ relu_acts, relu_acts, x


def wrong_slope_sign_flipped(x_train, y_train):
    """Subtracts the other way round: weight i is the previous slope minus this one."""
    xs, ys = x_train.flatten(), y_train.flatten()
    x = torch.linspace(xs.min(), xs.max(), 1000)
    relu_acts = torch.relu(x[None, :] - xs[:-1, None])
    slopes = torch.diff(ys) / torch.diff(xs)
    weights = torch.cat([torch.zeros(1), slopes[:-1]]) - slopes
    return weights @ relu_acts, relu_acts, x


def wrong_slopes_not_divided_by_spacing(x_train, y_train):
    """Forgets to divide by the spacing: the 'slopes' are differences of y only."""
    n_relus = x_train.shape[0] - 1
    x = torch.linspace(torch.min(x_train), torch.max(x_train), 1000)
    relu_acts = torch.relu(x[None, :] - x_train[:-1])
    weights = torch.zeros(n_relus)
    previous_slope = 0.0
    for i in range(n_relus):
        slope = y_train[i + 1, 0] - y_train[i, 0]
        weights[i] = slope - previous_slope
        previous_slope = slope
    return weights @ relu_acts, relu_acts, x


def wrong_subtracts_previous_weight(x_train, y_train):
    """Subtracts the previous weight instead of the previous slope."""
    n_relus = x_train.shape[0] - 1
    x = torch.linspace(torch.min(x_train), torch.max(x_train), 1000)
    relu_acts = torch.relu(x[None, :] - x_train[:-1])
    weights = torch.zeros(n_relus)
    for i in range(n_relus):
        slope = (y_train[i + 1, 0] - y_train[i, 0]) / (x_train[i + 1, 0] - x_train[i, 0])
        weights[i] = slope - (weights[i - 1] if i > 0 else 0.0)
    return weights @ relu_acts, relu_acts, x


def wrong_y_hat_not_summed(x_train, y_train):
    """Weights every ReLU but forgets to add the rows up: y_hat is (N - 1, 1000)."""
    xs, ys = x_train.flatten(), y_train.flatten()
    x = torch.linspace(xs.min(), xs.max(), 1000)
    relu_acts = torch.relu(x[None, :] - xs[:-1, None])
    slopes = torch.diff(ys) / torch.diff(xs)
    weights = torch.diff(slopes, prepend=torch.zeros(1))
    return weights[:, None] * relu_acts, relu_acts, x


EXPECTED_HINTS = {
    "wrong_slopes_as_weights": "slopes themselves",
    "wrong_unweighted_sum": "plain sum of the ReLUs",
    "wrong_bias_sign": "shifted the wrong way",
    "wrong_reversed_relu": "relu(x_train[i] - x)",
    "wrong_relu_without_bias": "no bias",
    "wrong_relus_one_point_late": "one training point too late",
    "wrong_one_relu_per_point": "one row fewer",
    "wrong_transposed_relu_acts": "transposed",
    "wrong_fixed_sine_grid": "0 to 2*pi like the grid of the sine example",
    "wrong_public_example_constant": "y_hat is the answer of the sine example",
    "wrong_slope_sign_flipped": "wrong sign",
    "wrong_slopes_not_divided_by_spacing": "divide",
    "wrong_subtracts_previous_weight": "previous weight",
    "wrong_y_hat_not_summed": "add the rows up",
}

EXPECTED_KEYS = {
    "wrong_slopes_as_weights": "weights_are_the_slopes",
    "wrong_unweighted_sum": "plain_sum_of_the_relus",
    "wrong_bias_sign": "relus_shifted_the_wrong_way",
    "wrong_reversed_relu": "relus_point_the_wrong_way",
    "wrong_relu_without_bias": "relus_without_bias",
    "wrong_relus_one_point_late": "relus_start_one_point_late",
    "wrong_one_relu_per_point": "one_relu_per_training_point",
    "wrong_transposed_relu_acts": "relu_acts_transposed",
    "wrong_fixed_sine_grid": "grid_of_the_sine_example",
    # it keeps the sine's grid too, as part of the sine's whole answer
    "wrong_public_example_constant": ("answer_of_the_sine_example", "grid_of_the_sine_example"),
    "wrong_slope_sign_flipped": "y_hat_has_the_wrong_sign",
    "wrong_slopes_not_divided_by_spacing": "slopes_without_the_spacing",
    "wrong_subtracts_previous_weight": "weight_minus_the_previous_weight",
    "wrong_y_hat_not_summed": "y_hat_not_summed",
}
