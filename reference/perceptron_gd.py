"""Reference implementations for ``perceptron_gd`` and the hidden cases they answer.

The functions follow ``shared/exercises.md``: data rows carry a leading 1 for the bias,
``w`` has three entries, labels are 0/1 and arrive as an ``(N, 1)`` array. Everything runs
in float64 numpy (and float64 torch for the autograd derivative), so the stored numbers are
the exact answers and the hidden checks' tolerances measure only the student's rounding.

Batch order of mini-batch gradient descent, as the notebook states it: one generator
``rng = np.random.default_rng(seed)`` made once before the first epoch; at the start of every
epoch ``order = rng.permutation(N)``; the batches are the consecutive slices
``order[k : k + batch_size]`` (the last one may be smaller).
"""

from __future__ import annotations

import numpy as np
import torch

# The lab's own data: generate_data(n=40, means=[[2, 1], [1, 0]]) with its default seed 1,
# then gradient_descent(X, y, 0.1, 20).
LAB_DATA = {"n": 40, "means": [[2.0, 1.0], [1.0, 0.0]], "seed": 1}
LAB_ETA, LAB_T = 0.1, 20
# Hidden runs keep every |w . x| below this, so a plain log(sigmoid) never meets log(0).
MAX_MARGIN = 30.0


# --- the lab's data --------------------------------------------------------------------------


def generate_data(n=20, means=((3.0, 3.0), (-1.0, 1.0)), seed=1):
    """Two Gaussian clouds of ``n`` points each, labels 1 then 0, shuffled; rows start with 1.

    Draws from ``np.random.RandomState(seed)`` in the lab's order (two random 2x2 factors,
    the two clouds, then a permutation), so it returns the lab's arrays exactly without
    touching numpy's global state.
    """
    state = np.random.RandomState(seed)
    factors = [state.rand(2, 2) for _ in range(2)]
    clouds = [
        state.multivariate_normal(np.asarray(mean, dtype=float), factor.T @ factor, n)
        for mean, factor in zip(means, factors)
    ]
    points = np.vstack(clouds)
    X = np.hstack([np.ones((2 * n, 1)), points])
    y = np.repeat([1.0, 0.0], n).reshape(-1, 1)
    order = state.permutation(2 * n)  # what choice(2n, 2n, replace=False) draws
    return X[order], y[order]


# --- the logistic linear unit ----------------------------------------------------------------


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


def grad_sigmoid(x):
    s = sigmoid(x)
    return s * (1.0 - s)


def loss_i(w, x_i, y_i) -> float:
    """Cross-entropy of one sample: ``-(y ln p + (1 - y) ln(1 - p))`` with ``p = sigmoid(w . x)``."""
    p = float(sigmoid(np.dot(np.ravel(w), np.ravel(x_i))))
    y = float(np.ravel(y_i)[0])
    return -(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))


def grad_loss_i(w, x_i, y_i) -> np.ndarray:
    """Its gradient with respect to ``w``: ``-(y - p) x``."""
    x = np.ravel(x_i).astype(np.float64)
    p = float(sigmoid(np.dot(np.ravel(w), x)))
    return -(float(np.ravel(y_i)[0]) - p) * x


def total_loss(w, X, y) -> float:
    """``L(w)``, the summed cross-entropy over every row of ``X``."""
    p = sigmoid(X @ np.ravel(w))
    labels = np.ravel(y)
    return float(-np.sum(labels * np.log(p) + (1.0 - labels) * np.log(1.0 - p)))


def total_gradient(w, X, y) -> np.ndarray:
    """The gradient of ``L`` over the rows of ``X``: ``-sum_i (y_i - p_i) x_i``."""
    p = sigmoid(X @ np.ravel(w))
    return -(X.T @ (np.ravel(y) - p))


def _descent_path(X, y, eta, T) -> list[np.ndarray]:
    """Every weight vector of full-batch descent, from ``w = 0`` to the final one."""
    path = [np.zeros(X.shape[1])]
    for _ in range(T):
        path.append(path[-1] - eta * total_gradient(path[-1], X, y))
    return path


def gradient_descent(X, y, eta, T):
    """``T`` full-batch steps from ``w = 0``; ``losses[t]`` is ``L`` before step ``t``."""
    path = _descent_path(X, y, eta, T)
    return path[-1], np.asarray([total_loss(w, X, y) for w in path[:-1]])


def batch_orders(N, epochs, batch_size, seed) -> list[list[np.ndarray]]:
    """The index batches of every epoch, in the order the notebook prescribes."""
    rng = np.random.default_rng(seed)
    orders = []
    for _ in range(epochs):
        order = rng.permutation(N)
        orders.append([order[k:k + batch_size] for k in range(0, N, batch_size)])
    return orders


def _minibatch_path(X, y, eta, epochs, batch_size, seed) -> tuple[list, list]:
    """The weights at the start of every epoch, and every weight vector visited."""
    w = np.zeros(X.shape[1])
    starts, visited = [], [w]
    for batches in batch_orders(X.shape[0], epochs, batch_size, seed):
        starts.append(w)
        for batch in batches:
            w = w - eta * total_gradient(w, X[batch], y[batch])
            visited.append(w)
    return starts, visited


def minibatch_gradient_descent(X, y, eta, epochs, batch_size, seed):
    """Mini-batch descent on the summed loss; ``losses[e]`` is ``L`` over all data before epoch ``e``."""
    starts, visited = _minibatch_path(X, y, eta, epochs, batch_size, seed)
    return visited[-1], np.asarray([total_loss(w, X, y) for w in starts])


# --- the derivative of f(x) = sqrt(x^2 + e^{x^2}) + cos(x^2 + e^{x^2}) --------------------------


def f(x: float) -> float:
    u = x * x + np.exp(x * x)
    return float(np.sqrt(u) + np.cos(u))


def df_explicit(x: float) -> float:
    """By hand: with ``u = x^2 + e^{x^2}``, ``f' = u' (1 / (2 sqrt(u)) - sin(u))``, ``u' = 2x (1 + e^{x^2})``."""
    u = x * x + np.exp(x * x)
    du = 2.0 * x * (1.0 + np.exp(x * x))
    return float(du * (0.5 / np.sqrt(u) - np.sin(u)))


def df_autograd(x: float) -> float:
    """The same derivative from PyTorch's reverse mode, in float64."""
    t = torch.tensor(float(x), dtype=torch.float64, requires_grad=True)
    u = t**2 + torch.exp(t**2)
    (torch.sqrt(u) + torch.cos(u)).backward()
    return float(t.grad)


# ---------------------------------------------------------------------------------------
# Hidden cases. Each case stores its inputs beside the reference answer, so a grader never
# regenerates an input and the numbers stay valid even if a random generator changes.
# ---------------------------------------------------------------------------------------


def _rows(array) -> list:
    return np.asarray(array, dtype=np.float64).tolist()


def _largest_margin(X, weights) -> float:
    return max(float(np.max(np.abs(X @ np.ravel(w)))) for w in weights)


def _sigmoid_case(label, x):
    return {"label": label, "x": _rows(x), "sigmoid": _rows(sigmoid(x)),
            "grad_sigmoid": _rows(grad_sigmoid(x))}


def _sigmoid_cases():
    rng = np.random.default_rng(479)
    return [
        _sigmoid_case("a 1-D array from -40 to 40", np.linspace(-40.0, 40.0, 33)),
        _sigmoid_case("a 3x4 array", rng.normal(0.0, 3.0, size=(3, 4))),
        _sigmoid_case("a single-entry array", np.array([0.75])),
    ]


def _loss_cases():
    """Single samples with both labels and margins up to about 12 in size."""
    rng = np.random.default_rng(2022)
    cases = []
    for index in range(8):
        w = rng.normal(0.0, 2.0, size=3)
        x = np.concatenate([[1.0], rng.normal(0.0, 1.5, size=2)])
        y = float(index % 2)
        cases.append({
            "label": f"sample {index + 1} (label {int(y)}, w . x = {float(w @ x):+.1f})",
            "w": _rows(w), "x_i": _rows(x), "y_i": [y],
            "loss": loss_i(w, x, [y]), "grad": _rows(grad_loss_i(w, x, [y])),
        })
    zero = np.zeros(3)
    x = np.array([1.0, -2.0, 0.5])
    cases.append({
        "label": "w = 0 (every p is one half)", "w": _rows(zero), "x_i": _rows(x), "y_i": [1.0],
        "loss": loss_i(zero, x, [1.0]), "grad": _rows(grad_loss_i(zero, x, [1.0])),
    })
    return cases


def _descent_case(label, X, y, eta, T):
    w, losses = gradient_descent(X, y, eta, T)
    margin = _largest_margin(X, _descent_path(X, y, eta, T))
    assert margin < MAX_MARGIN, f"{label}: |w . x| reaches {margin:.1f}"
    return {"label": label, "X": _rows(X), "y": _rows(y), "eta": eta, "T": T,
            "w": _rows(w), "losses": _rows(losses)}


def _lab_descent_cases():
    X, y = generate_data(**LAB_DATA)
    return [_descent_case("the lab's data, eta = 0.1, T = 20", X, y, LAB_ETA, LAB_T)]


def _small_hand_made_data():
    points = [(0.5, 1.0, 1), (1.5, -0.5, 1), (-1.0, 0.25, 0), (0.2, -1.2, 0), (-0.3, 0.8, 1),
              (0.9, 0.1, 0)]
    X = np.array([[1.0, a, b] for a, b, _ in points])
    y = np.array([[float(label)] for *_, label in points])
    return X, y


def _unseen_descent_cases():
    X1, y1 = generate_data(n=25, means=[[1.0, 2.0], [-1.0, 0.0]], seed=7)
    X2, y2 = generate_data(n=60, means=[[0.5, 0.5], [-0.5, 0.0]], seed=3)
    X3, y3 = generate_data(n=10, means=[[2.0, -1.0], [0.0, 1.0]], seed=42)
    X4, y4 = _small_hand_made_data()
    return [
        _descent_case("50 new points, eta = 0.05, T = 30", X1, y1, 0.05, 30),
        _descent_case("120 overlapping points, eta = 0.01, T = 40", X2, y2, 0.01, 40),
        _descent_case("20 points and a single step, eta = 0.3, T = 1", X3, y3, 0.3, 1),
        _descent_case("six hand-made points, eta = 0.5, T = 7", X4, y4, 0.5, 7),
    ]


def _minibatch_case(label, X, y, eta, epochs, batch_size, seed):
    w, losses = minibatch_gradient_descent(X, y, eta, epochs, batch_size, seed)
    margin = _largest_margin(X, _minibatch_path(X, y, eta, epochs, batch_size, seed)[1])
    assert margin < MAX_MARGIN, f"{label}: |w . x| reaches {margin:.1f}"
    return {"label": label, "X": _rows(X), "y": _rows(y), "eta": eta, "epochs": epochs,
            "batch_size": batch_size, "seed": seed, "w": _rows(w), "losses": _rows(losses)}


def _minibatch_cases():
    X1, y1 = generate_data(n=30, means=[[1.5, 1.0], [-0.5, -0.5]], seed=11)
    X2, y2 = generate_data(n=25, means=[[0.0, 2.0], [1.0, 0.0]], seed=5)
    X3, y3 = generate_data(n=12, means=[[1.0, 1.0], [-1.0, 0.0]], seed=8)
    return [
        _minibatch_case("60 points in batches of 8 (the last holds 4), 5 epochs",
                        X1, y1, 0.05, 5, 8, 11),
        _minibatch_case("50 points in batches of 16 (the last holds 2), 3 epochs, seed 2024",
                        X2, y2, 0.1, 3, 16, 2024),
        _minibatch_case("24 points one at a time (batch size 1), 2 epochs, seed 0",
                        X3, y3, 0.05, 2, 1, 0),
    ]


def _full_batch_cases():
    X1, y1 = generate_data(n=20, means=[[1.0, 1.5], [-1.0, -0.5]], seed=21)
    X2, y2 = _small_hand_made_data()
    return [
        _minibatch_case("40 points, batch size 40 (one batch per epoch), 6 epochs",
                        X1, y1, 0.05, 6, 40, 4),
        _minibatch_case("six points, batch size 100 (larger than the data), 4 epochs",
                        X2, y2, 0.5, 4, 100, 9),
    ]


DERIVATIVE_POINTS = [-1.5, -1.2, -0.65, -0.1, 0.3, 0.55, 0.95, 1.25, 1.45]


def _derivative_cases():
    return [{"label": f"x = {x}", "x": x, "df": df_explicit(x), "df_autograd": df_autograd(x)}
            for x in DERIVATIVE_POINTS]


def hidden_cases() -> dict:
    """Every hidden case of the assignment, keyed by graded name (or a named group of cases)."""
    return {
        "sigmoid": _sigmoid_cases(),
        "loss_i": _loss_cases(),
        "gradient_descent_lab": _lab_descent_cases(),
        "gradient_descent": _unseen_descent_cases(),
        "minibatch_gradient_descent": _minibatch_cases(),
        "minibatch_full_batch": _full_batch_cases(),
        "derivative": _derivative_cases(),
    }
