"""Reference implementations for ``perceptron_gd``, the known mistakes, and the cases they answer.

The functions follow ``shared/exercises.md``: data rows carry a leading 1 for the bias,
``w`` has three entries, labels are 0/1 and arrive as an ``(N, 1)`` array. Everything runs
in float64 numpy (and float64 torch for the autograd derivative), so the stored numbers are
the exact answers and the hidden checks' tolerances measure only the student's rounding.

Every formula of the assignment lives here, the right ones and the wrong ones students
write: for each case, the numbers file stores the answer and, under ``mistakes``, what each
known mistake would return (in the order the checks try them; a mistake that returns the
right answer on a case, or no finite number, is left out there). The checks
(``autograder/checks/perceptron_gd.py``) compute nothing; they compare and name. The public
examples, the notebook's own, are stored the same way under ``examples``.

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
# What known mistakes return. Each function replays, on one case's inputs, what students
# write instead of the right formula, in the order the checks try them: the first mistake
# whose answer matches the student's is the one named.
# ---------------------------------------------------------------------------------------


def _known(right, found) -> list:
    """``found`` (key, value) pairs as the numbers file stores them, in order.

    A value that could never be matched is left out: one that is not finite, one of another
    shape than the right answer, and one equal to the right answer (a student's answer is
    compared with a mistake only once it differs from the right one).
    """
    right = np.asarray(right, dtype=np.float64)
    kept = []
    for key, value in found:
        value = np.asarray(value, dtype=np.float64)
        if value.shape != right.shape or not np.isfinite(value).all():
            continue
        if np.allclose(value, right, rtol=1e-12, atol=1e-15):
            continue
        kept.append([key, value.tolist()])
    return kept


def _sigmoid_mistakes(x) -> dict:
    x = np.asarray(x, dtype=np.float64)
    s = sigmoid(x)
    return {
        "sigmoid": _known(s, [
            ("sigmoid_rises_the_wrong_way", sigmoid(-x)),
            ("tanh_for_sigmoid", np.tanh(x)),
        ]),
        "grad_sigmoid": _known(grad_sigmoid(x), [
            ("derivative_formula_applied_to_x", x * (1.0 - x)),
            ("derivative_has_the_wrong_sign", -s * (1.0 - s)),
            ("plus_for_minus_in_the_derivative", s * (1.0 + s)),
            ("sigmoid_for_its_derivative", s),
            ("derivative_denominator_not_squared", 1.0 - s),
        ]),
    }


def _loss_mistakes(w, x_i, y_i) -> dict:
    w, x = np.ravel(w).astype(np.float64), np.ravel(x_i).astype(np.float64)
    y = float(np.ravel(y_i)[0])
    z = float(w @ x)
    p = float(sigmoid(z))
    right = loss_i(w, x, [y])
    return {
        "loss": _known(right, [
            ("loss_has_the_wrong_sign", -right),
            ("log10_for_ln", right / np.log(10.0)),
            ("loss_terms_swapped", -(y * np.log(1.0 - p) + (1.0 - y) * np.log(p))),
            ("label_zero_term_missing", -y * np.log(p)),
            ("label_one_term_missing", -(1.0 - y) * np.log(1.0 - p)),
            ("squared_error_for_cross_entropy", (y - p) ** 2),
        ]),
        "grad": _known(grad_loss_i(w, x, [y]), [
            ("gradient_has_the_wrong_sign", (y - p) * x),
            ("extra_factor_p_times_one_minus_p", -(y - p) * p * (1.0 - p) * x),
            ("sigmoid_of_minus_w_x", -(y - (1.0 - p)) * x),
            ("w_x_for_p", -(y - z) * x),
            ("only_the_label_one_term_differentiated", -y * (1.0 - p) * x),
        ]),
    }


def _stable_loss(w, X, labels) -> float:
    """``L(w)`` through log-sum-exp: a replayed mistake that overflows a plain log stays finite."""
    z = X @ w
    return float(np.sum(labels * np.logaddexp(0.0, -z) + (1.0 - labels) * np.logaddexp(0.0, z)))


def _broadcast_loss(w, X, labels) -> float:
    """The summed loss over the (N, N) array that y of shape (N, 1) against p of shape (N,) makes."""
    z = X @ w
    return float(labels.sum() * np.logaddexp(0.0, -z).sum()
                 + (1.0 - labels).sum() * np.logaddexp(0.0, z).sum())


def _replayed_descent(X, y, eta, T, *, sign=1.0, mean=False, per_sample=False, accumulate=False,
                      loss=_stable_loss):
    """Full-batch descent, or one of its known mistakes; the losses before and after each step.

    ``accumulate`` never resets the gradient (each step adds the new one to all before it);
    ``loss`` is what is recorded. With ``per_sample`` (an update after every sample), the
    third list holds instead what a loop adding up loss_i before each sample's update records.
    """
    labels = y.reshape(-1)
    N = X.shape[0]
    w = np.zeros(X.shape[1])
    total = np.zeros(X.shape[1])
    before, after = [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(T):
            before.append(loss(w, X, labels))
            if per_sample:
                running = 0.0
                for i in range(N):
                    running += loss(w, X[i:i + 1], labels[i:i + 1])
                    w = w - eta * total_gradient(w, X[i:i + 1], labels[i:i + 1])
                after.append(running)
            else:
                step = total_gradient(w, X, labels) / (N if mean else 1)
                total = total + step if accumulate else step
                w = w - sign * eta * total
                after.append(loss(w, X, labels))
    return w, np.asarray(before), np.asarray(after)


def _split(found: list, X, right_w, right_losses) -> dict:
    """(key, w or None, losses or None) triples as the ``w`` and ``losses`` mistakes of a case;
    None where the mistake leaves that output as it should be."""
    return {"w": _known(right_w, [(key, w) for key, w, _ in found if w is not None]),
            "losses": _known(right_losses, [(key, losses) for key, _, losses in found
                                            if losses is not None])}


def _descent_mistakes(X, y, eta, T) -> dict:
    N = X.shape[0]
    _, right, right_after = _replayed_descent(X, y, eta, T)
    ascent_w, ascent, _ = _replayed_descent(X, y, eta, T, sign=-1.0)
    mean_w, mean, _ = _replayed_descent(X, y, eta, T, mean=True)
    sample_w, sample, sample_running = _replayed_descent(X, y, eta, T, per_sample=True)
    summed_w, summed, _ = _replayed_descent(X, y, eta, T, accumulate=True)
    found = [
        ("gradient_ascent", ascent_w, ascent),
        ("mean_gradient", mean_w, mean),
        ("mean_gradient_and_loss", None, mean / N),
        ("mean_loss", None, right / N),
        ("losses_recorded_after_the_update", None, right_after),
        ("losses_have_the_wrong_sign", None, -right),
        ("stochastic_updates", sample_w, sample),
        ("stochastic_updates_and_running_loss", None, sample_running),
        ("returns_the_starting_w", np.zeros(X.shape[1]), None),
        ("gradient_never_reset", summed_w, summed),
        ("loss_never_reset", None, np.cumsum(right)),
        ("loss_broadcast_to_n_by_n", None, _replayed_descent(X, y, eta, T, loss=_broadcast_loss)[1]),
    ]
    if eta != LAB_ETA:
        lab_w, lab, _ = _replayed_descent(X, y, LAB_ETA, T)
        found.append(("step_size_fixed_at_the_labs", lab_w, lab))
    if T > 1:
        fewer_w, fewer, _ = _replayed_descent(X, y, eta, T - 1)
        found.append(("one_update_too_few", fewer_w, fewer))
    more_w, more, _ = _replayed_descent(X, y, eta, T + 1)
    found.append(("one_update_too_many", more_w, more))
    return _split(found, X, *gradient_descent(X, y, eta, T))


def _epoch_orders(N, epochs, seed, how) -> list[np.ndarray]:
    """The permutation of each epoch, drawn the prescribed way or one of the known wrong ways."""
    if how == "prescribed":
        rng = np.random.default_rng(seed)
        return [rng.permutation(N) for _ in range(epochs)]
    if how == "same every epoch":
        return [np.random.default_rng(seed).permutation(N) for _ in range(epochs)]
    if how == "unshuffled":
        return [np.arange(N) for _ in range(epochs)]
    if how == "legacy":
        state = np.random.RandomState(seed)  # what np.random.seed(seed) sets up
        return [state.permutation(N) for _ in range(epochs)]
    raise ValueError(how)


def _replayed_minibatch(X, y, eta, epochs, batch_size, seed, *, how="prescribed", sign=1.0,
                        mean=False, drop_last=False, running=False):
    """Mini-batch descent, or one of its known mistakes; the losses before and after each epoch.

    ``running`` records, instead of L(w) before the epoch, the batches' own losses added up
    during the epoch, each at the weights before its update.
    """
    labels = y.reshape(-1)
    N = X.shape[0]
    w = np.zeros(X.shape[1])
    before, after = [], []
    with np.errstate(over="ignore"):
        for order in _epoch_orders(N, epochs, seed, how):
            before.append(0.0 if running else _stable_loss(w, X, labels))
            for start in range(0, N, batch_size):
                batch = order[start:start + batch_size]
                if drop_last and batch.size < batch_size:
                    continue
                if running:
                    before[-1] += _stable_loss(w, X[batch], labels[batch])
                step = total_gradient(w, X[batch], labels[batch]) / (batch.size if mean else 1)
                w = w - sign * eta * step
            after.append(_stable_loss(w, X, labels))
    return w, np.asarray(before), np.asarray(after)


def _minibatch_mistakes(X, y, eta, epochs, batch_size, seed) -> dict:
    args = (X, y, eta, epochs, batch_size, seed)
    N = X.shape[0]
    _, right, right_after = _replayed_minibatch(*args)
    found = []
    for how, key in [("same every epoch", "same_batch_order_every_epoch"),
                     ("legacy", "legacy_numpy_batch_order"),
                     ("unshuffled", "batches_in_data_order")]:
        w, losses, _ = _replayed_minibatch(*args, how=how)
        found.append((key, w, losses))
    ascent_w, ascent, _ = _replayed_minibatch(*args, sign=-1.0)
    mean_w, mean, _ = _replayed_minibatch(*args, mean=True)
    found += [
        ("batch_updates_climb_the_loss", ascent_w, ascent),
        ("batch_gradient_averaged", mean_w, mean),
        ("batch_gradient_and_losses_averaged", None, mean / N),
        ("epoch_losses_averaged", None, right / N),
        ("losses_recorded_after_the_epoch", None, right_after),
        ("losses_added_up_over_the_batches", None, _replayed_minibatch(*args, running=True)[1]),
    ]
    if N % batch_size:
        short_w, short, _ = _replayed_minibatch(*args, drop_last=True)
        found.append(("last_batch_skipped", short_w, short))
    return _split(found, X, *minibatch_gradient_descent(*args))


def _derivative_mistakes(x: float) -> dict:
    u = x * x + np.exp(x * x)
    du = 2.0 * x * (1.0 + np.exp(x * x))
    v = x * x + np.exp(2.0 * x)  # exp(x)**2 read for exp(x**2)
    dv = 2.0 * x + 2.0 * np.exp(2.0 * x)
    return {"df": _known(df_explicit(x), [
        ("chain_factor_2x_missing", (2.0 * x + np.exp(x * x)) * (0.5 / np.sqrt(u) - np.sin(u))),
        ("cosine_derivative_has_the_wrong_sign", du * (0.5 / np.sqrt(u) + np.sin(u))),
        ("square_root_factor_half_missing", du * (1.0 / np.sqrt(u) - np.sin(u))),
        ("cosine_term_without_inner_derivative", du * 0.5 / np.sqrt(u) - np.sin(u)),
        ("derivative_with_respect_to_u", 0.5 / np.sqrt(u) - np.sin(u)),
        ("exp_of_2x_for_exp_of_x_squared", dv * (0.5 / np.sqrt(v) - np.sin(v))),
        ("value_of_f_for_its_derivative", f(x)),
        ("only_the_square_root_differentiated", du * 0.5 / np.sqrt(u)),
        ("sine_for_cosine", du * (0.5 / np.sqrt(u) + np.cos(u))),
    ])}


# ---------------------------------------------------------------------------------------
# Hidden cases. Each case stores its inputs beside the reference answer and the mistakes'
# answers, so a grader never regenerates an input and the numbers stay valid even if a
# random generator changes.
# ---------------------------------------------------------------------------------------


def _rows(array) -> list:
    return np.asarray(array, dtype=np.float64).tolist()


def _largest_margin(X, weights) -> float:
    return max(float(np.max(np.abs(X @ np.ravel(w)))) for w in weights)


def _sigmoid_case(label, x):
    return {"label": label, "x": _rows(x), "sigmoid": _rows(sigmoid(x)),
            "grad_sigmoid": _rows(grad_sigmoid(x)), "mistakes": _sigmoid_mistakes(x)}


def _sigmoid_cases():
    rng = np.random.default_rng(479)
    return [
        _sigmoid_case("a 1-D array from -40 to 40", np.linspace(-40.0, 40.0, 33)),
        _sigmoid_case("a 3x4 array", rng.normal(0.0, 3.0, size=(3, 4))),
        _sigmoid_case("a single-entry array", np.array([0.75])),
    ]


def _loss_case(label, w, x, y: float):
    return {"label": label, "w": _rows(w), "x_i": _rows(x), "y_i": [y],
            "loss": loss_i(w, x, [y]), "grad": _rows(grad_loss_i(w, x, [y])),
            "mistakes": _loss_mistakes(w, x, [y])}


def _loss_cases():
    """Single samples with both labels and margins up to about 12 in size."""
    rng = np.random.default_rng(2022)
    cases = []
    for index in range(8):
        w = rng.normal(0.0, 2.0, size=3)
        x = np.concatenate([[1.0], rng.normal(0.0, 1.5, size=2)])
        y = float(index % 2)
        cases.append(_loss_case(f"sample {index + 1} (label {int(y)}, w . x = {float(w @ x):+.1f})",
                                w, x, y))
    cases.append(_loss_case("w = 0 (every p is one half)", np.zeros(3), np.array([1.0, -2.0, 0.5]),
                            1.0))
    return cases


def _descent_case(label, X, y, eta, T):
    w, losses = gradient_descent(X, y, eta, T)
    margin = _largest_margin(X, _descent_path(X, y, eta, T))
    assert margin < MAX_MARGIN, f"{label}: |w . x| reaches {margin:.1f}"
    return {"label": label, "X": _rows(X), "y": _rows(y), "eta": eta, "T": T,
            "w": _rows(w), "losses": _rows(losses), "mistakes": _descent_mistakes(X, y, eta, T)}


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
            "batch_size": batch_size, "seed": seed, "w": _rows(w), "losses": _rows(losses),
            # what one batch per epoch gives (full-batch descent): the checks tell a wrong
            # batch order from wrong updates by it
            "full_batch_w": _rows(gradient_descent(X, y, eta, epochs)[0]),
            "mistakes": _minibatch_mistakes(X, y, eta, epochs, batch_size, seed)}


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


def _derivative_case(label, x):
    return {"label": label, "x": x, "df": df_explicit(x), "df_autograd": df_autograd(x),
            "mistakes": _derivative_mistakes(x)}


def _derivative_cases():
    return [_derivative_case(f"x = {x}", x) for x in DERIVATIVE_POINTS]


def hidden_cases(seed: int = 0) -> dict:
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


# ---------------------------------------------------------------------------------------
# The public examples, as the notebook's own checks give them. Each public test has its
# group, named after what it checks (the hidden groups serve several tests at once).
# ---------------------------------------------------------------------------------------

# The points of the public descent examples: four, and the first three of them.
EXAMPLE_POINTS = [[1.0, 0.5, 1.0], [1.0, -1.0, 0.5], [1.0, 1.5, -0.5], [1.0, -0.2, -1.0],
                  [1.0, 0.3, 0.3]]
EXAMPLE_LABELS = [1.0, 0.0, 1.0, 0.0, 1.0]


def _example_data(n: int):
    return np.array(EXAMPLE_POINTS[:n]), np.array(EXAMPLE_LABELS[:n]).reshape(-1, 1)


def public_examples() -> dict:
    """The notebook's examples, stored as cases: the public checks run on them."""
    ln3 = np.log(3.0)
    at_zero, x_at_zero = np.zeros(3), np.array([1.0, 2.0, -1.0])
    w_three_quarters, x_three_quarters = np.array([0.0, ln3, 0.0]), np.array([1.0, 1.0, 0.0])
    return {
        "sigmoid": [_sigmoid_case("x = [-ln 3, 0, ln 3]", np.array([-ln3, 0.0, ln3])),
                    _sigmoid_case("a 3x4 grid from -4 to 4", np.linspace(-4.0, 4.0, 12).reshape(3, 4))],
        "grad_sigmoid": [_sigmoid_case("x = [0, ln 3]", np.array([0.0, ln3]))],
        "loss_i": [
            _loss_case("w = 0, x_i = [1, 2, -1], label 0", at_zero, x_at_zero, 0.0),
            _loss_case("w = 0, x_i = [1, 2, -1], label 1", at_zero, x_at_zero, 1.0),
            _loss_case("w . x_i = ln 3 (p = 3/4), label 1", w_three_quarters, x_three_quarters, 1.0),
            _loss_case("w . x_i = ln 3 (p = 3/4), label 0", w_three_quarters, x_three_quarters, 0.0),
        ],
        "grad_loss_i": [
            _loss_case("w = 0, x_i = [1, 2, -1], label 1", at_zero, x_at_zero, 1.0),
            _loss_case("w . x_i = ln 3 (p = 3/4), label 0", w_three_quarters, x_three_quarters, 0.0),
        ],
        "gradient_descent_losses": [_descent_case("four points, eta = 0.1, T = 5",
                                                  *_example_data(4), 0.1, 5)],
        "gradient_descent_weights": [_descent_case("three points, one step of eta = 0.2 from w = 0",
                                                   *_example_data(3), 0.2, 1)],
        "minibatch_structure": [_minibatch_case("five points in batches of 2, 3 epochs, seed 7",
                                                *_example_data(5), 0.1, 3, 2, 7)],
        "minibatch_full_batch": [_minibatch_case("five points in one batch, one epoch, seed 7",
                                                 *_example_data(5), 0.1, 1, 5, 7)],
        "df_explicit": [_derivative_case("x = 0", 0.0), _derivative_case("x = 0.8", 0.8)],
        "df_autograd": [_derivative_case("x = 0.8", 0.8)],
    }
