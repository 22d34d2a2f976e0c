"""Reference implementations for ``perceptron_gd``, the known mistakes, and the cases they answer.

The functions follow ``shared/exercises.md``: data rows carry a leading 1 for the bias,
``w`` has three entries, labels are 0/1 and arrive as an ``(N, 1)`` array. Everything runs
in float64 numpy (and float64 torch for the autograd derivative), so the stored numbers are
the exact answers and the checks' tolerances measure only the student's rounding.

Hidden cases are drawn for each submission: :func:`hidden_cases` makes every case from a
seed alone, each of a fixed *kind* (described in words by its label) with drawn sizes and
values inside the contract's ranges. A kind's case is drawn again until it proves two things
(see ``reference/separation.py``):

* every known mistake gives an answer apart from the right one (beyond twice the case's
  tolerance), or, where the kind cannot show a mistake at all (``blind``: a single update
  cannot show a gradient that is never reset), gives exactly the right one; mistakes that
  coincide are merged only where they coincide exactly, so that what a check names depends on
  the kind of case and never on the draw;
* the answers the contract calls correct pass: the same computation in float32, and the
  textbook guards of a logarithm (``log(p + eps)``, ``log(max(p, eps))``, ``clip(p, eps,
  1 - eps)``, eps up to 1e-6).

For that, hidden runs of gradient descent keep every ``|w . x|`` at or below
:data:`MAX_MARGIN` along their way (where a float32 ``1 - sigmoid`` keeps enough digits), and
single samples keep ``|w . x|`` between 1.2 and 6 (so every probability that enters a log is
at least 2.4e-3, far above any accepted epsilon).

Every formula of the assignment lives here, the right ones and the wrong ones students
write: for each case, the numbers file stores the answer, the tolerance the check compares
it with, and, under ``mistakes``, what each known mistake would return (in the order the
checks try them). The checks (``autograder/checks/perceptron_gd.py``) compute nothing; they
compare and name. The public examples, the notebook's own, are stored the same way under
``examples``, each with only the fields its public check compares.

Batch order of mini-batch gradient descent, as the notebook states it: one generator
``rng = np.random.default_rng(seed)`` made once before the first epoch; at the start of every
epoch ``order = rng.permutation(N)``; the batches are the consecutive slices
``order[k : k + batch_size]`` (the last one may be smaller).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from reference import separation
from reference.separation import NotSeparated

# The lab's own data: generate_data(n=40, means=[[2, 1], [1, 0]]) with its default seed 1. The
# lab runs gradient_descent(X, y, 0.1, 20) on it, which drives |w . x| to 28, where 1 - p
# rounds to 0 in float32: the hidden case on the lab's data draws a smaller step size.
LAB_DATA = {"n": 40, "means": [[2.0, 1.0], [1.0, 0.0]], "seed": 1}
LAB_ETA, LAB_T = 0.1, 20
# Hidden runs keep every |w . x| at or below this along their way. A float32 1 - p near
# p = 1 carries an absolute error of about 6e-8, so ln(1 - p) is off by about 6e-8 e^|w . x|:
# 1e-3 at 10, far inside the loss tolerance; and 1 + e^-z only rounds to 1 beyond 16.6.
MAX_MARGIN = 10.0
# The guards of a logarithm the contract accepts, at their largest.
ACCEPTED_EPSILON = 1e-6

# Each field's comparison (rtol, atol), stored with every case that has the field. Chosen so
# that float32 work and the accepted guards pass (each case proves it as it is drawn) while
# every known mistake stays apart.
TOLERANCE = {
    "sigmoid": (1e-6, 1e-7),
    "grad_sigmoid": (1e-6, 2e-7),
    "loss": (1e-4, 2e-6),  # the guard log(p + 1e-6) moves a loss by up to 1e-6 / p
    "grad": (1e-5, 1e-6),
    "w": (1e-5, 1e-6),
    "losses": (1e-5, 1e-6),
    "df": (1e-5, 1e-4),  # float32 sin(u), u up to 12, is off by about 1e-6; u' is up to 32
}


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


def sigmoid(x, dtype=np.float64):
    x = np.asarray(x, dtype=dtype)
    return 1.0 / (1.0 + np.exp(-x))


def grad_sigmoid(x, dtype=np.float64):
    s = sigmoid(x, dtype)
    return s * (1.0 - s)


def loss_i(w, x_i, y_i, dtype=np.float64, guard=None) -> float:
    """Cross-entropy of one sample: ``-(y ln p + (1 - y) ln(1 - p))`` with ``p = sigmoid(w . x)``.

    ``dtype`` and ``guard`` (a function of the argument of each log) replay answers the
    contract calls correct: computed in float32, or with an epsilon in the logarithm.
    """
    guard = guard or (lambda q: q)
    w, x = np.ravel(w).astype(dtype), np.ravel(x_i).astype(dtype)
    p = sigmoid(np.dot(w, x), dtype)
    y = dtype(np.ravel(y_i)[0])
    return float(-(y * np.log(guard(p)) + (1 - y) * np.log(guard(1 - p))))


def grad_loss_i(w, x_i, y_i, dtype=np.float64) -> np.ndarray:
    """Its gradient with respect to ``w``: ``-(y - p) x``."""
    x = np.ravel(x_i).astype(dtype)
    p = sigmoid(np.dot(np.ravel(w).astype(dtype), x), dtype)
    return (-(dtype(np.ravel(y_i)[0]) - p) * x).astype(np.float64)


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


# --- answers the contract calls correct, replayed to prove each case accepts them ---------------


def _guards() -> dict:
    """The textbook guards of a log at the largest accepted epsilon, by name."""
    eps = ACCEPTED_EPSILON
    return {"log(p + eps)": lambda q: q + eps, "log(max(p, eps))": lambda q: np.maximum(q, eps),
            "clip(p, eps, 1 - eps)": lambda q: np.clip(q, eps, 1 - eps)}


def _descent_in(X, y, eta, T, dtype, guard=None):
    """Vectorised full-batch descent with the plain logs, in ``dtype``, logs guarded by ``guard``."""
    guard = guard or (lambda q: q)
    X, labels = X.astype(dtype), np.ravel(y).astype(dtype)
    w, losses = np.zeros(X.shape[1], dtype=dtype), []
    with np.errstate(all="ignore"):  # a NaN here is what the proof is there to catch
        for _ in range(T):
            p = 1 / (1 + np.exp(-(X @ w)))
            losses.append(-np.sum(labels * np.log(guard(p)) + (1 - labels) * np.log(guard(1 - p))))
            w = w - dtype(eta) * (X.T @ (p - labels))
    return w.astype(np.float64), np.asarray(losses, dtype=np.float64)


def _minibatch_in(X, y, eta, epochs, batch_size, seed, dtype, guard=None):
    """Mini-batch descent as prescribed, in ``dtype``, with the plain logs guarded by ``guard``."""
    guard = guard or (lambda q: q)
    X, labels = X.astype(dtype), np.ravel(y).astype(dtype)
    w, losses = np.zeros(X.shape[1], dtype=dtype), []
    with np.errstate(all="ignore"):
        for batches in batch_orders(X.shape[0], epochs, batch_size, seed):
            p = 1 / (1 + np.exp(-(X @ w)))
            losses.append(-np.sum(labels * np.log(guard(p)) + (1 - labels) * np.log(guard(1 - p))))
            for batch in batches:
                p = 1 / (1 + np.exp(-(X[batch] @ w)))
                w = w - dtype(eta) * (X[batch].T @ (p - labels[batch]))
    return w.astype(np.float64), np.asarray(losses, dtype=np.float64)


def _accepts(right, answers: dict, field: str, tolerance) -> None:
    """Raise :class:`NotSeparated` unless every answer the contract calls correct passes."""
    rtol, atol = tolerance
    for name, answer in answers.items():
        separation.accepts(right, answer, rtol=rtol, atol=atol, what=f"{field} ({name})")


# --- the derivative of f(x) = sqrt(x^2 + e^{x^2}) + cos(x^2 + e^{x^2}) --------------------------


def f(x: float) -> float:
    u = x * x + np.exp(x * x)
    return float(np.sqrt(u) + np.cos(u))


def df_explicit(x, dtype=np.float64) -> float:
    """By hand: with ``u = x^2 + e^{x^2}``, ``f' = u' (1 / (2 sqrt(u)) - sin(u))``, ``u' = 2x (1 + e^{x^2})``."""
    x = dtype(x)
    u = x * x + np.exp(x * x)
    du = 2 * x * (1 + np.exp(x * x))
    return float(du * (dtype(0.5) / np.sqrt(u) - np.sin(u)))


def df_autograd(x, dtype=torch.float64) -> float:
    """The same derivative from PyTorch's reverse mode (float64 unless told otherwise)."""
    t = torch.tensor(float(x), dtype=dtype, requires_grad=True)
    u = t**2 + torch.exp(t**2)
    (torch.sqrt(u) + torch.cos(u)).backward()
    assert t.grad is not None
    return float(t.grad)


# ---------------------------------------------------------------------------------------
# What known mistakes return. Each function replays, on one case's inputs, what students
# write instead of the right formula, in the order the checks try them: the first mistake
# whose answer matches the student's is the one named.
# ---------------------------------------------------------------------------------------


def _exactly(a, b) -> bool:
    """The same answer up to summation order: what a kind's structure, not a draw, makes equal."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= 1e-12 + 1e-9 * np.abs(b)))


def _mistakes(right, candidates, field: str, *, blind=()) -> list:
    """The stored mistakes of one field (see :func:`separation.known_mistakes`), drawn apart.

    A candidate that cannot be matched is left out: ``None``, one that is not finite, or one
    of another shape than the right answer (the checks say so before comparing values). A
    ``blind`` key is one this kind of case cannot show: its answer must be the right one
    exactly. Mistakes may share an entry only where they agree exactly, so that a check names
    the same possibilities on every draw of the kind.
    """
    right = np.asarray(right, dtype=np.float64)
    usable = []
    for key, value in candidates:
        if value is None:
            continue
        value = np.asarray(value, dtype=np.float64)
        if value.shape != right.shape or not np.isfinite(value).all():
            continue
        if key in blind:
            if not _exactly(value, right):
                raise NotSeparated(f"{field}: {key!r} was expected to give the right answer here")
            continue
        usable.append((key, value))
    rtol, atol = TOLERANCE[field]
    stored = separation.known_mistakes(right, usable, rtol=rtol, atol=atol)
    values = dict(usable)
    for keys, _ in stored:
        if isinstance(keys, list) and not all(_exactly(values[k], values[keys[0]]) for k in keys):
            raise NotSeparated(f"{field}: {keys} coincide on this draw only")
    return stored


def _sigmoid_candidates(x) -> dict:
    x = np.asarray(x, dtype=np.float64)
    s = sigmoid(x)
    return {
        "sigmoid": [
            ("sigmoid_rises_the_wrong_way", sigmoid(-x)),
            ("tanh_for_sigmoid", np.tanh(x)),
        ],
        "grad_sigmoid": [
            ("derivative_formula_applied_to_x", x * (1.0 - x)),
            ("derivative_has_the_wrong_sign", -s * (1.0 - s)),
            ("plus_for_minus_in_the_derivative", s * (1.0 + s)),
            ("sigmoid_for_its_derivative", s),
            ("derivative_denominator_not_squared", 1.0 - s),
        ],
    }


def _loss_candidates(w, x, y: float) -> dict:
    z = float(w @ x)
    p = float(sigmoid(z))
    right = loss_i(w, x, [y])
    with np.errstate(all="ignore"):
        return {
            "loss": [
                ("loss_has_the_wrong_sign", -right),
                ("log10_for_ln", right / np.log(10.0)),
                ("loss_terms_swapped", -(y * np.log(1.0 - p) + (1.0 - y) * np.log(p))),
                ("label_zero_term_missing", -y * np.log(p)),
                ("label_one_term_missing", -(1.0 - y) * np.log(1.0 - p)),
                ("squared_error_for_cross_entropy", (y - p) ** 2),
            ],
            "grad": [
                ("gradient_has_the_wrong_sign", (y - p) * x),
                ("extra_factor_p_times_one_minus_p", -(y - p) * p * (1.0 - p) * x),
                ("sigmoid_of_minus_w_x", -(y - (1.0 - p)) * x),
                ("w_x_for_p", -(y - z) * x),
                ("only_the_label_one_term_differentiated", -y * (1.0 - p) * x),
            ],
        }


# The known mistakes of grad_loss_i and of loss_i, as a descent that sums them over a batch
# (calling the student's own grad_loss_i and loss_i, as the notebook's loop does) meets them:
# the descents' cases store what each gives, under that mistake's key. The wrong sign of
# either is left out: it is the descents' own gradient_ascent and losses_have_the_wrong_sign.
GRADIENT_MISTAKES = ("extra_factor_p_times_one_minus_p", "sigmoid_of_minus_w_x", "w_x_for_p",
                     "only_the_label_one_term_differentiated")
LOSS_MISTAKES = ("log10_for_ln", "loss_terms_swapped", "label_zero_term_missing", "label_one_term_missing",
                 "squared_error_for_cross_entropy")


def _gradient_with(key: str):
    """The gradient of a batch, summed, with the mistake ``key`` of grad_loss_i in every term."""

    def gradient(w, X, labels):
        z = X @ w
        p = sigmoid(z)
        error = {"extra_factor_p_times_one_minus_p": lambda: (p - labels) * p * (1 - p),
                 "sigmoid_of_minus_w_x": lambda: (1 - p) - labels,
                 "w_x_for_p": lambda: z - labels,
                 "only_the_label_one_term_differentiated": lambda: -labels * (1 - p)}[key]()
        return X.T @ error

    return gradient


def _loss_with(key: str):
    """L(w) summed over the rows, with the mistake ``key`` of loss_i in every term."""

    def loss(w, X, labels):
        z = X @ w
        log_p, log_q = -np.logaddexp(0.0, -z), -np.logaddexp(0.0, z)  # ln p, ln(1 - p)
        terms = {"log10_for_ln": lambda: -(labels * log_p + (1 - labels) * log_q) / np.log(10.0),
                 "loss_terms_swapped": lambda: -(labels * log_q + (1 - labels) * log_p),
                 "label_zero_term_missing": lambda: -labels * log_p,
                 "label_one_term_missing": lambda: -(1 - labels) * log_q,
                 "squared_error_for_cross_entropy": lambda: (labels - sigmoid(z)) ** 2}[key]()
        return float(np.sum(terms))

    return loss


def _softplus(z: float) -> float:
    """ln(1 + e^z), never overflowing."""
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def _stable_loss(w, X, labels) -> float:
    """``L(w)`` through log-sum-exp: a replayed mistake that overflows a plain log stays finite."""
    z = X @ w
    return float(np.sum(labels * np.logaddexp(0.0, -z) + (1.0 - labels) * np.logaddexp(0.0, z)))


def _broadcast_loss(w, X, labels) -> float:
    """The summed loss over the (N, N) array that y of shape (N, 1) against p of shape (N,) makes."""
    z = X @ w
    return float(labels.sum() * np.logaddexp(0.0, -z).sum()
                 + (1.0 - labels).sum() * np.logaddexp(0.0, z).sum())


def _replayed_descent(X, y, eta, T, *, sign=1.0, mean=False, accumulate=False, loss=_stable_loss,
                      gradient=total_gradient):
    """Full-batch descent, or one of its known mistakes; the losses before and after each step.

    ``accumulate`` never resets the gradient (each step adds the new one to all before it);
    ``loss`` is what is recorded; ``gradient`` is the summed gradient each step takes.
    """
    labels = y.reshape(-1)
    N = X.shape[0]
    w = np.zeros(X.shape[1])
    total = np.zeros(X.shape[1])
    before, after = [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(T):
            before.append(loss(w, X, labels))
            step = gradient(w, X, labels) / (N if mean else 1)
            total = total + step if accumulate else step
            w = w - sign * eta * total
            after.append(loss(w, X, labels))
    return w, np.asarray(before), np.asarray(after)


def _per_sample_descent(X, y, eta, T):
    """Stochastic steps, one per sample, in plain Python floats (thousands of them per case).

    Returns the final w, L(w) before each pass, and what a loop that adds up loss_i before
    each sample's update records instead.
    """
    rows, labels = X.tolist(), y.reshape(-1).tolist()
    w0 = w1 = w2 = 0.0
    before, running = [], []
    for _ in range(T):
        before.append(_stable_loss(np.array([w0, w1, w2]), X, np.asarray(labels)))
        total = 0.0
        for (a, b, c), label in zip(rows, labels):
            z = w0 * a + w1 * b + w2 * c
            total += label * _softplus(-z) + (1.0 - label) * _softplus(z)
            e = math.exp(-abs(z))
            step = eta * ((1.0 / (1.0 + e) if z >= 0 else e / (1.0 + e)) - label)
            w0, w1, w2 = w0 - step * a, w1 - step * b, w2 - step * c
        running.append(total)
    return np.array([w0, w1, w2]), np.asarray(before), np.asarray(running)


def _descent_candidates(X, y, eta, T) -> list:
    """(key, w or None, losses or None): what each known mistake of gradient_descent returns;
    None where the mistake leaves that output as it should be."""
    N = X.shape[0]
    _, right, right_after = _replayed_descent(X, y, eta, T)
    ascent_w, ascent, _ = _replayed_descent(X, y, eta, T, sign=-1.0)
    mean_w, mean, _ = _replayed_descent(X, y, eta, T, mean=True)
    sample_w, sample, sample_running = _per_sample_descent(X, y, eta, T)
    summed_w, summed, _ = _replayed_descent(X, y, eta, T, accumulate=True)
    lab_w, lab, _ = _replayed_descent(X, y, LAB_ETA, T)
    fewer_w, fewer, _ = _replayed_descent(X, y, eta, T - 1)
    more_w, more, _ = _replayed_descent(X, y, eta, T + 1)
    return [
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
        ("step_size_fixed_at_the_labs", lab_w, lab),
        ("one_update_too_few", fewer_w, fewer),
        ("one_update_too_many", more_w, more),
        *_follow_on_candidates(_descent_path(X, y, eta, T)[:-1], X, y,
                               lambda gradient: _replayed_descent(X, y, eta, T, gradient=gradient)),
    ]


def _follow_on_candidates(weights, X, y, replay) -> list:
    """What a descent gives with each known mistake of grad_loss_i in its updates (``replay``
    with that gradient) or of loss_i in its losses (recorded at the right ``weights``)."""
    labels = y.reshape(-1)
    found = []
    with np.errstate(all="ignore"):
        for key in GRADIENT_MISTAKES:
            w, losses, _ = replay(_gradient_with(key))
            found.append((key, w, losses))
        for key in LOSS_MISTAKES:
            found.append((key, None, np.array([_loss_with(key)(w, X, labels) for w in weights])))
    return found


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
                        mean=False, drop_last=False, running=False, stale=False, gradient=total_gradient):
    """Mini-batch descent, or one of its known mistakes; the losses before and after each epoch.

    ``running`` records, instead of L(w) before the epoch, the batches' own losses added up
    during the epoch, each at the weights before its update. ``stale`` computes every p of
    the epoch once, at its start, and reuses them for each batch's gradient.
    """
    labels = y.reshape(-1)
    N = X.shape[0]
    w = np.zeros(X.shape[1])
    before, after = [], []
    with np.errstate(over="ignore"):
        for order in _epoch_orders(N, epochs, seed, how):
            before.append(0.0 if running else _stable_loss(w, X, labels))
            p_start = sigmoid(X @ w)
            for start in range(0, N, batch_size):
                batch = order[start:start + batch_size]
                if drop_last and batch.size < batch_size:
                    continue
                if running:
                    before[-1] += _stable_loss(w, X[batch], labels[batch])
                if stale:
                    step = X[batch].T @ (p_start[batch] - labels[batch])
                else:
                    step = gradient(w, X[batch], labels[batch]) / (batch.size if mean else 1)
                w = w - sign * eta * step
            after.append(_stable_loss(w, X, labels))
    return w, np.asarray(before), np.asarray(after)


def _minibatch_candidates(X, y, eta, epochs, batch_size, seed) -> list:
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
    stale_w, stale, _ = _replayed_minibatch(*args, stale=True)
    short_w, short, _ = _replayed_minibatch(*args, drop_last=True)
    found += [
        ("batch_updates_climb_the_loss", ascent_w, ascent),
        ("batch_gradient_averaged", mean_w, mean),
        ("batch_gradient_and_losses_averaged", None, mean / N),
        ("epoch_losses_averaged", None, right / N),
        ("losses_recorded_after_the_epoch", None, right_after),
        ("losses_added_up_over_the_batches", None, _replayed_minibatch(*args, running=True)[1]),
        ("batch_gradients_from_the_epochs_start", stale_w, stale),
        ("last_batch_skipped", short_w, short) if N % batch_size else ("last_batch_skipped", None, None),
        *_follow_on_candidates(_minibatch_path(*args)[0], X, y,
                               lambda gradient: _replayed_minibatch(*args, gradient=gradient)),
    ]
    return found


def _derivative_candidates(x) -> list:
    x = np.asarray(x, dtype=np.float64)
    u = x * x + np.exp(x * x)
    du = 2.0 * x * (1.0 + np.exp(x * x))
    v = x * x + np.exp(2.0 * x)  # exp(x)**2 read for exp(x**2)
    dv = 2.0 * x + 2.0 * np.exp(2.0 * x)
    return [
        ("chain_factor_2x_missing", (2.0 * x + np.exp(x * x)) * (0.5 / np.sqrt(u) - np.sin(u))),
        ("cosine_derivative_has_the_wrong_sign", du * (0.5 / np.sqrt(u) + np.sin(u))),
        ("square_root_factor_half_missing", du * (1.0 / np.sqrt(u) - np.sin(u))),
        ("cosine_term_without_inner_derivative", du * 0.5 / np.sqrt(u) - np.sin(u)),
        ("derivative_with_respect_to_u", 0.5 / np.sqrt(u) - np.sin(u)),
        ("exp_of_2x_for_exp_of_x_squared", dv * (0.5 / np.sqrt(v) - np.sin(v))),
        ("value_of_f_for_its_derivative", np.sqrt(u) + np.cos(u)),
        ("only_the_square_root_differentiated", du * 0.5 / np.sqrt(u)),
        ("sine_for_cosine", du * (0.5 / np.sqrt(u) + np.cos(u))),
    ]


# ---------------------------------------------------------------------------------------
# Cases. Each stores its inputs beside the right answers, their tolerances and the mistakes'
# answers, so a grader never regenerates an input.
# ---------------------------------------------------------------------------------------


def _rows(array) -> list:
    return np.asarray(array, dtype=np.float64).tolist()


def _tolerances(*fields: str) -> dict:
    return {field: list(TOLERANCE[field]) for field in fields}


def _largest_margin(X, weights) -> float:
    return max(float(np.max(np.abs(X @ np.ravel(w)))) for w in weights)


def _sigmoid_case(label, x, fields=("sigmoid", "grad_sigmoid"), blind=None):
    x = np.asarray(x, dtype=np.float64)
    right = {"sigmoid": sigmoid(x), "grad_sigmoid": grad_sigmoid(x)}
    x32 = x.astype(np.float32)
    correct = {
        "sigmoid": {"float32": sigmoid(x32, np.float32)},
        "grad_sigmoid": {"float32": grad_sigmoid(x32, np.float32),
                         "float32, exp(-x) / (1 + exp(-x))^2": np.exp(-x32) / (1 + np.exp(-x32)) ** 2,
                         "float32, sigmoid(x) sigmoid(-x)": sigmoid(x32, np.float32) * sigmoid(-x32, np.float32)},
    }
    candidates = _sigmoid_candidates(x)
    case = {"label": label, "x": _rows(x), "tolerance": _tolerances(*fields), "mistakes": {}}
    for field in fields:
        _accepts(right[field], correct[field], field, TOLERANCE[field])
    for field in fields:
        case[field] = _rows(right[field])
        case["mistakes"][field] = _mistakes(right[field], candidates[field], field,
                                            blind=(blind or {}).get(field, ()))
    return case


def _loss_case(label, w, x, y: float, fields=("loss", "grad"), blind=None):
    w, x = np.asarray(w, dtype=np.float64), np.asarray(x, dtype=np.float64)
    right = {"loss": loss_i(w, x, [y]), "grad": grad_loss_i(w, x, [y])}
    correct: dict[str, dict[str, Any]] = {"loss": {"float32": loss_i(w, x, [y], np.float32),
                        "log1p(-p)": float(-(y * np.log(sigmoid(w @ x)) + (1 - y) * np.log1p(-sigmoid(w @ x))))},
               "grad": {"float32": grad_loss_i(w, x, [y], np.float32)}}
    for name, guard in _guards().items():
        correct["loss"][name] = loss_i(w, x, [y], guard=guard)
        correct["loss"][f"float32, {name}"] = loss_i(w, x, [y], np.float32, guard=guard)
    candidates = _loss_candidates(w, x, y)
    case = {"label": label, "w": _rows(w), "x_i": _rows(x), "y_i": [y], "tolerance": _tolerances(*fields),
            "mistakes": {}}
    for field in fields:
        _accepts(right[field], correct[field], field, TOLERANCE[field])
    for field in fields:
        case[field] = right[field] if field == "loss" else _rows(right[field])
        case["mistakes"][field] = _mistakes(right[field], candidates[field], field,
                                            blind=(blind or {}).get(field, ()))
    return case


def _descent_case(label, X, y, eta, T, fields=("w", "losses"), blind=None):
    w, losses = gradient_descent(X, y, eta, T)
    margin = _largest_margin(X, _descent_path(X, y, eta, T))
    if margin > MAX_MARGIN:
        raise NotSeparated(f"|w . x| reaches {margin:.1f}")
    right = {"w": w, "losses": losses}
    w32, losses32 = _descent_in(X, y, eta, T, np.float32)
    correct = {"w": {"float32": w32}, "losses": {"float32": losses32}}
    for name, guard in _guards().items():
        correct["losses"][name] = _descent_in(X, y, eta, T, np.float64, guard)[1]
        correct["losses"][f"float32, {name}"] = _descent_in(X, y, eta, T, np.float32, guard)[1]
    found = _descent_candidates(X, y, eta, T)
    candidates = {"w": [(key, w) for key, w, _ in found], "losses": [(key, trace) for key, _, trace in found]}
    case = {"label": label, "X": _rows(X), "y": _rows(y), "eta": eta, "T": T,
            "tolerance": _tolerances(*fields), "mistakes": {}}
    for field in fields:
        _accepts(right[field], correct[field], field, TOLERANCE[field])
    for field in fields:
        case[field] = _rows(right[field])
        case["mistakes"][field] = _mistakes(right[field], candidates[field], field,
                                            blind=(blind or {}).get(field, ()))
    return case


def _minibatch_case(label, X, y, eta, epochs, batch_size, seed, *, blind=None, probes=True):
    w, losses = minibatch_gradient_descent(X, y, eta, epochs, batch_size, seed)
    margin = _largest_margin(X, _minibatch_path(X, y, eta, epochs, batch_size, seed)[1])
    if margin > MAX_MARGIN:
        raise NotSeparated(f"|w . x| reaches {margin:.1f}")
    right = {"w": w, "losses": losses}
    w32, losses32 = _minibatch_in(X, y, eta, epochs, batch_size, seed, np.float32)
    found = _minibatch_candidates(X, y, eta, epochs, batch_size, seed)
    candidates = {"w": [(key, w) for key, w, _ in found], "losses": [(key, trace) for key, _, trace in found]}
    case = {"label": label, "X": _rows(X), "y": _rows(y), "eta": eta, "epochs": epochs,
            "batch_size": batch_size, "seed": seed, "tolerance": _tolerances("w", "losses"),
            "mistakes": {}}
    correct = {"w": {"float32": w32}, "losses": {"float32": losses32}}
    for name, guard in _guards().items():
        correct["losses"][name] = _minibatch_in(X, y, eta, epochs, batch_size, seed, np.float64, guard)[1]
    for field in ("w", "losses"):
        _accepts(right[field], correct[field], field, TOLERANCE[field])
    for field in ("w", "losses"):
        case[field] = _rows(right[field])
        case["mistakes"][field] = _mistakes(right[field], candidates[field], field,
                                            blind=(blind or {}).get(field, ()))
    if probes:
        case["probes"] = _minibatch_probes(X, y, eta, epochs, batch_size, seed)
    return case


def _minibatch_probes(X, y, eta, epochs, batch_size, seed) -> dict:
    """Two runs that tell a wrong batch composition from wrong updates, for the checks' words.

    ``one_batch``: the case's data with one batch per epoch, which is full-batch descent
    whatever the order. ``same_points``: the case's sizes on data whose rows are all one
    point (and labels all one label), where every batch order gives the same numbers. A
    function right on both, and wrong on the case, takes other points into its batches.
    """
    N = X.shape[0]
    X_same = np.tile(X[:1], (N, 1))
    y_same = np.tile(y[:1], (N, 1))
    one_w, one_losses = gradient_descent(X, y, eta, epochs)
    same_w, same_losses = minibatch_gradient_descent(X_same, y_same, eta, epochs, batch_size, seed)
    return {"one_batch": {"batch_size": N, "w": _rows(one_w), "losses": _rows(one_losses)},
            "same_points": {"X": _rows(X_same), "y": _rows(y_same), "w": _rows(same_w),
                            "losses": _rows(same_losses)}}


def _derivative_case(label, x, blind=()):
    """One point, or an array of points (the check then asks each function at every one)."""
    xs = np.atleast_1d(np.asarray(x, dtype=np.float64))
    right = np.array([df_explicit(v) for v in xs])
    correct = {"df_explicit in float32": np.array([df_explicit(v, np.float32) for v in xs]),
               "df_autograd in float32": np.array([df_autograd(v, torch.float32) for v in xs]),
               "df_autograd in float64": np.array([df_autograd(v) for v in xs])}
    _accepts(right, correct, "df", TOLERANCE["df"])
    stored = _mistakes(right, _derivative_candidates(xs), "df", blind=blind)
    if np.ndim(x) == 0:
        return {"label": label, "x": float(x), "df": float(right[0]), "tolerance": _tolerances("df"),
                "mistakes": {"df": [[key, value[0]] for key, value in stored]}}
    return {"label": label, "x": _rows(xs), "df": _rows(right), "tolerance": _tolerances("df"),
            "mistakes": {"df": stored}}


# --- hidden cases: the kinds, each drawn from the seed -----------------------------------------


def _sigmoid_tails(rng):
    reach = rng.uniform(20.0, 35.0)
    x = np.sort(rng.uniform(-reach, reach, int(rng.integers(25, 41))))
    x[0], x[-1] = -reach, reach
    return x


def _sigmoid_grid(rng):
    rows, columns = int(rng.integers(2, 4)), int(rng.integers(4, 6))
    return rng.normal(0.0, 3.0, size=(rows, columns))


def _sigmoid_single(rng):
    return np.array([rng.choice([-1.0, 1.0]) * rng.uniform(0.3, 4.0)])


SIGMOID_KINDS = [
    ("a one-dimensional array running from one saturated tail of the sigmoid to the other", _sigmoid_tails),
    ("a two-dimensional array", _sigmoid_grid),
    ("an array holding a single entry", _sigmoid_single),
]


def _sample_at(rng, z: float, scale: float):
    """A sample (1, x1, x2) and weights w with w . x exactly ``z``."""
    x = np.concatenate([[1.0], rng.normal(0.0, scale, size=2)])
    w = rng.normal(0.0, 1.5, size=3)
    return w + (z - w @ x) * x / (x @ x), x


# For a sample labelled 1, -y ln p is the whole loss and -y (1 - p) x the whole gradient.
LABEL_ONE_BLIND = {"loss": ("label_zero_term_missing",), "grad": ("only_the_label_one_term_differentiated",)}
# For a sample labelled 0, -(1 - y) ln(1 - p) is the whole loss.
LABEL_ZERO_BLIND = {"loss": ("label_one_term_missing",)}
# (label, y, range of w . x): the unit right or wrong on each label. |w . x| >= 1.2, so that
# p = w . x (the sigmoid left out) meets a log of a number outside (0, 1) on every kind; at
# most 6, so that every probability that enters a log is at least 2.4e-3.
LOSS_KINDS = [
    ("a sample labelled one that the unit classifies correctly", 1.0, (1.2, 4.0), LABEL_ONE_BLIND),
    ("a sample labelled one that the unit gets wrong", 1.0, (-6.0, -1.2), LABEL_ONE_BLIND),
    ("a sample labelled zero that the unit classifies correctly", 0.0, (-4.0, -1.2), LABEL_ZERO_BLIND),
    ("a sample labelled zero that the unit gets wrong", 0.0, (1.2, 6.0), LABEL_ZERO_BLIND),
]
# At w = 0 every p is 1/2: the swapped terms, and p for 1 - p, change nothing (label 1).
ZERO_WEIGHTS_BLIND = {"loss": ("label_zero_term_missing", "loss_terms_swapped"),
                      "grad": ("only_the_label_one_term_differentiated", "sigmoid_of_minus_w_x")}


def _loss_kind(label, y, margins, blind, scale=1.5, fields=("loss", "grad")):
    def draw(rng):
        w, x = _sample_at(rng, rng.uniform(*margins), scale)
        return _loss_case(label, w, x, y, fields, blind)

    return draw


def _zero_weights(rng):
    x = np.concatenate([[1.0], rng.normal(0.0, 1.5, size=2)])
    return _loss_case("weights of zero, where p is one half", np.zeros(3), x, 1.0, blind=ZERO_WEIGHTS_BLIND)


# Gradients at samples with larger inputs (the test that explains a wrong gradient through
# finite differences of the student's own loss, naming the loss's mistake it follows from).
GRADIENT_KINDS = [
    ("a sample labelled one with larger inputs", 1.0, (-3.0, -0.5), LABEL_ONE_BLIND),
    ("a sample labelled zero with larger inputs", 0.0, (0.5, 3.0), LABEL_ZERO_BLIND),
]


def _clouds(rng, n_range, gap_range):
    """Two clouds as the lab makes them, at drawn means and with a drawn seed."""
    angle = rng.uniform(0.0, 2.0 * np.pi)
    direction = np.array([np.cos(angle), np.sin(angle)])
    centre = rng.uniform(-1.0, 1.0, size=2)
    gap = rng.uniform(*gap_range)
    means = [centre + gap / 2 * direction, centre - gap / 2 * direction]
    n = int(rng.integers(*n_range))
    return generate_data(n=n, means=[m.tolist() for m in means], seed=int(rng.integers(2**31)))


def _lab_descent(rng):
    X, y = generate_data(**LAB_DATA)
    eta, T = float(rng.uniform(0.005, 0.03)), int(rng.integers(10, 26))
    return _descent_case("the lab's data, with a step size and a number of updates of its own", X, y, eta, T)


def _new_clouds(rng):
    X, y = _clouds(rng, (15, 31), (1.0, 2.5))
    eta, T = float(rng.uniform(0.005, 0.03)), int(rng.integers(12, 31))
    return _descent_case("two new clouds of points", X, y, eta, T)


def _overlapping_clouds(rng):
    X, y = _clouds(rng, (35, 51), (0.3, 1.0))
    eta, T = float(rng.uniform(0.002, 0.008)), int(rng.integers(20, 31))
    return _descent_case("a larger data set whose classes overlap, with a small step size", X, y, eta, T)


# One update: an accumulating gradient has nothing to add up yet, and the one update is taken
# at w = 0, where every p is 1/2 = 1 - p; the one loss is taken there too, before any update,
# whatever the update does.
SINGLE_UPDATE_BLIND = {"w": ("gradient_never_reset", "sigmoid_of_minus_w_x"),
                       "losses": ("gradient_ascent", "mean_gradient", "stochastic_updates",
                                  "gradient_never_reset", "loss_never_reset",
                                  "step_size_fixed_at_the_labs", *GRADIENT_MISTAKES, "loss_terms_swapped")}


def _single_update(rng):
    X, y = _clouds(rng, (5, 13), (1.0, 2.5))
    eta = float(rng.uniform(0.01, 0.05))
    return _descent_case("a single update", X, y, eta, 1, blind=SINGLE_UPDATE_BLIND)


def _handful(rng):
    N = int(rng.integers(5, 9))
    labels = rng.permutation(np.r_[[1.0, 0.0], rng.integers(0, 2, N - 2).astype(float)])
    X = np.column_stack([np.ones(N), rng.uniform(-2.0, 2.0, size=(N, 2))])
    eta, T = float(rng.uniform(0.1, 0.4)), int(rng.integers(4, 10))
    return _descent_case("a handful of points", X, labels.reshape(-1, 1), eta, T)


DESCENT_KINDS = [_new_clouds, _overlapping_clouds, _single_update, _handful]


# One batch per epoch: the order of the points within it changes only the summation order, the
# batch's p are the epoch's first, the batches' losses add up to L(w), and no batch is short.
ONE_BATCH_BLIND = ("same_batch_order_every_epoch", "legacy_numpy_batch_order", "batches_in_data_order",
                   "batch_gradients_from_the_epochs_start", "losses_added_up_over_the_batches")
# Batches of one point: the mean over a batch is its sum.
ONE_POINT_BLIND = ("batch_gradient_averaged",)


def _several_batches(rng):
    X, y = _clouds(rng, (18, 33), (0.8, 2.0))
    N = X.shape[0]
    batch_size = int(rng.choice([b for b in range(5, 13) if N % b]))
    eta, epochs = float(rng.uniform(0.01, 0.04)), int(rng.integers(3, 6))
    return _minibatch_case("several batches in each epoch, the last one smaller", X, y, eta, epochs,
                           batch_size, int(rng.integers(2**32)))


def _one_point_batches(rng):
    X, y = _clouds(rng, (6, 13), (0.8, 2.0))
    eta, epochs = float(rng.uniform(0.02, 0.08)), int(rng.integers(3, 5))
    return _minibatch_case("batches of a single point", X, y, eta, epochs, 1, int(rng.integers(2**32)),
                           blind={"w": ONE_POINT_BLIND, "losses": ONE_POINT_BLIND})


def _batch_of_all(rng):
    X, y = _clouds(rng, (10, 26), (0.8, 2.0))
    eta, epochs = float(rng.uniform(0.005, 0.03)), int(rng.integers(3, 7))
    return _minibatch_case("one batch per epoch, as large as the data", X, y, eta, epochs, X.shape[0],
                           int(rng.integers(2**32)), blind={"w": ONE_BATCH_BLIND, "losses": ONE_BATCH_BLIND},
                           probes=False)


def _batch_larger_than_data(rng):
    X, y = _clouds(rng, (10, 26), (0.8, 2.0))
    N = X.shape[0]
    eta, epochs = float(rng.uniform(0.005, 0.03)), int(rng.integers(3, 7))
    return _minibatch_case("a batch size larger than the data", X, y, eta, epochs, int(rng.integers(N + 1, 2 * N)),
                           int(rng.integers(2**32)), blind={"w": ONE_BATCH_BLIND, "losses": ONE_BATCH_BLIND},
                           probes=False)


# The points of f' to check, each of a kind of its own: ranges within |x| <= 1.5 (the notebook's).
DERIVATIVE_KINDS = [
    ("a point far out on the negative side", (-1.5, -1.0)),
    ("a negative point near zero", (-0.6, -0.1)),
    ("a positive point near zero", (0.1, 0.6)),
    ("a positive point in the middle of the range", (0.6, 1.0)),
    ("a point far out on the positive side", (1.0, 1.5)),
]


def _derivative_point(label, bounds):
    return lambda rng: _derivative_case(label, float(rng.uniform(*bounds)))


def _derivative_spread(rng):
    """Nine points, one in each ninth of [-1.5, 1.5]."""
    edges = np.linspace(-1.5, 1.5, 10)
    return _derivative_case("points spread over the whole range", rng.uniform(edges[:-1], edges[1:]))


def hidden_cases(seed: int = 0) -> dict:
    """Every hidden case of one grading, drawn from ``seed``, keyed by group of cases."""

    def drawn(group: str, makers) -> list[dict]:
        return [separation.draw_separated(maker, seed, "perceptron_gd", group, index)
                for index, maker in enumerate(makers)]

    return {
        "sigmoid": drawn("sigmoid", [lambda rng, label=label, make=make: _sigmoid_case(label, make(rng))
                                     for label, make in SIGMOID_KINDS]),
        "loss_i": drawn("loss_i", [_loss_kind(*kind) for kind in LOSS_KINDS] + [_zero_weights]),
        "grad_loss_i": drawn("grad_loss_i", [_loss_kind(label, y, margins, blind, 3.0, ("grad", "loss"))
                                             for label, y, margins, blind in GRADIENT_KINDS]),
        "gradient_descent_lab": drawn("gradient_descent_lab", [_lab_descent]),
        "gradient_descent": drawn("gradient_descent", DESCENT_KINDS),
        "minibatch_gradient_descent": drawn("minibatch_gradient_descent", [_several_batches, _one_point_batches]),
        "minibatch_full_batch": drawn("minibatch_full_batch", [_batch_of_all, _batch_larger_than_data]),
        "derivative": drawn("derivative", [_derivative_point(*kind) for kind in DERIVATIVE_KINDS]),
        "derivative_spread": drawn("derivative_spread", [_derivative_spread]),
    }


# Mistakes no public example shows, and why.
HIDDEN_ONLY = {
    "same_batch_order_every_epoch": (
        "the public check of mini-batch descent accepts any seeded batch order (another valid "
        "shuffle earns partial credit), so only hidden cases compare against the prescribed order"),
    "legacy_numpy_batch_order": (
        "the public check of mini-batch descent accepts any seeded batch order (another valid "
        "shuffle earns partial credit), so only hidden cases compare against the prescribed order"),
    "batches_in_data_order": (
        "the public check of mini-batch descent accepts any seeded batch order (another valid "
        "shuffle earns partial credit), so only hidden cases compare against the prescribed order"),
}


# ---------------------------------------------------------------------------------------
# The public examples, as the notebook's own checks give them. Each public test has its
# group, named after what it checks, holding only the fields that check compares.
# ---------------------------------------------------------------------------------------

# The points of the public descent examples: four, and the first three of them.
EXAMPLE_POINTS = [[1.0, 0.5, 1.0], [1.0, -1.0, 0.5], [1.0, 1.5, -0.5], [1.0, -0.2, -1.0],
                  [1.0, 0.3, 0.3]]
EXAMPLE_LABELS = [1.0, 0.0, 1.0, 0.0, 1.0]


def _example_data(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.array(EXAMPLE_POINTS[:n]), np.array(EXAMPLE_LABELS[:n]).reshape(-1, 1)


def _same_point_data(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` copies of the first example point, labelled 1: any batch order gives the same numbers."""
    return np.tile(np.array(EXAMPLE_POINTS[:1]), (n, 1)), np.ones((n, 1))


def public_examples() -> dict:
    """The notebook's examples, stored as cases: the public checks run on them."""
    ln3 = np.log(3.0)
    at_zero, x_at_zero = np.zeros(3), np.array([1.0, 2.0, -1.0])
    w_three_quarters, x_three_quarters = np.array([0.0, ln3, 0.0]), np.array([1.0, 1.0, 0.0])
    # At w = 0 (p = 1/2) the swapped terms change nothing, nor does -y ln p alone for label 1,
    # nor -(1 - y) ln(1 - p) alone for label 0; sigmoid(-w . x) is sigmoid(w . x).
    half_one = {"loss": ("loss_terms_swapped", "label_zero_term_missing"),
                "grad": ("sigmoid_of_minus_w_x", "only_the_label_one_term_differentiated")}
    half_zero = {"loss": ("loss_terms_swapped", "label_one_term_missing")}
    # Five points in one batch for one epoch: as for every single batch (ONE_BATCH_BLIND), and
    # the one update and the one loss are taken at w = 0, where p = 1/2 = 1 - p.
    one_batch = {"w": ONE_BATCH_BLIND + ("sigmoid_of_minus_w_x",),
                 "losses": ONE_BATCH_BLIND + ("batch_updates_climb_the_loss", "batch_gradient_averaged",
                                              *GRADIENT_MISTAKES, "loss_terms_swapped")}
    # x = 0: u' = 0, so every mistake that keeps the factor u' gives 0 too.
    at_x_zero = ("cosine_derivative_has_the_wrong_sign", "square_root_factor_half_missing",
                 "only_the_square_root_differentiated", "sine_for_cosine")
    return {
        "sigmoid": [_sigmoid_case("x = [-ln 3, 0, ln 3]", np.array([-ln3, 0.0, ln3]), ("sigmoid",)),
                    _sigmoid_case("a 3x4 grid from -4 to 4", np.linspace(-4.0, 4.0, 12).reshape(3, 4),
                                  ("sigmoid",))],
        "grad_sigmoid": [_sigmoid_case("x = [0, ln 3]", np.array([0.0, ln3]), ("grad_sigmoid",))],
        "loss_i": [
            _loss_case("w = 0, x_i = [1, 2, -1], label 0", at_zero, x_at_zero, 0.0, ("loss",), half_zero),
            _loss_case("w = 0, x_i = [1, 2, -1], label 1", at_zero, x_at_zero, 1.0, ("loss",), half_one),
            _loss_case("w @ x_i = ln 3 (p = 3/4), label 1", w_three_quarters, x_three_quarters, 1.0,
                       ("loss",), LABEL_ONE_BLIND),
            _loss_case("w @ x_i = ln 3 (p = 3/4), label 0", w_three_quarters, x_three_quarters, 0.0,
                       ("loss",), LABEL_ZERO_BLIND),
        ],
        "grad_loss_i": [
            _loss_case("w = 0, x_i = [1, 2, -1], label 1", at_zero, x_at_zero, 1.0, ("grad",), half_one),
            _loss_case("w @ x_i = ln 3 (p = 3/4), label 0", w_three_quarters, x_three_quarters, 0.0,
                       ("grad",)),
        ],
        # eta = 0.1 is the lab's: a step size fixed at it is not seen here (the weights example is)
        "gradient_descent_losses": [_descent_case("four points, eta = 0.1, T = 5", *_example_data(4), 0.1, 5,
                                                  ("losses",), {"losses": ("step_size_fixed_at_the_labs",)})],
        "gradient_descent_weights": [_descent_case("three points, one step of eta = 0.2 from w = 0",
                                                   *_example_data(3), 0.2, 1, ("w",), SINGLE_UPDATE_BLIND)],
        "minibatch_structure": [_structure_example("five points in batches of 2, 3 epochs, seed 7",
                                                   *_example_data(5), 0.1, 3, 2, 7)],
        "minibatch_full_batch": [_minibatch_case("five points in one batch, one epoch, seed 7",
                                                 *_example_data(5), 0.1, 1, 5, 7, blind=one_batch, probes=False)],
        "minibatch_same_points": [_minibatch_case(
            "six copies of one point in batches of 4, 2 epochs, seed 7", *_same_point_data(6), 0.1, 2, 4, 7,
            blind={"w": SAME_POINTS_BLIND + ("only_the_label_one_term_differentiated",),
                   "losses": SAME_POINTS_BLIND + ("label_zero_term_missing", "only_the_label_one_term_differentiated")},
            probes=False)],
        "df_explicit": [_derivative_case("x = 0", 0.0, blind=at_x_zero), _derivative_case("x = 0.8", 0.8)],
        "df_autograd": [_derivative_case("x = 0.8", 0.8)],
    }


# Six copies of one point: every batch order gives the same batches. (All labelled 1, so that
# -y ln p is the whole loss, and -y (1 - p) x the whole gradient.)
SAME_POINTS_BLIND = ("same_batch_order_every_epoch", "legacy_numpy_batch_order", "batches_in_data_order")


def _structure_example(label, X, y, eta, epochs, batch_size, seed) -> dict:
    """The structure example: its inputs and the loss at w = 0, the one number every seeded
    batch order shares (the public check accepts any of them)."""
    return {"label": label, "X": _rows(X), "y": _rows(y), "eta": eta, "epochs": epochs,
            "batch_size": batch_size, "seed": seed, "first_loss": total_loss(np.zeros(X.shape[1]), X, y),
            "tolerance": _tolerances("losses")}
