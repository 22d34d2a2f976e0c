"""Reference implementations for ``backprop_autodiff``, the known mistakes, and the cases they answer.

Every piece follows ``shared/exercises.md`` (section *backprop_autodiff*) to the letter and
works in float64, so the stored numbers are exact answers and the checks' tolerances measure
only a student's rounding. The gradients of the two-layer network come from PyTorch's
autograd in float64, as the contract says; the mini autodiff is implemented here with numpy,
and its gradients are compared with autograd by the tests.

Every formula of the assignment lives here, the right ones and the wrong ones students write:
for each case, the numbers file stores the inputs, the answer and, under ``mistakes``, what
each known mistake returns, in the order the checks try them (the first that matches is
named). The checks (``autograder/checks/backprop_autodiff.py``) compute nothing; they call the
student's code, compare and name. The notebook's own examples are stored the same way under
``examples``. Every input is drawn from an explicit seed within the contract's ranges.
"""

from __future__ import annotations

import numpy as np
import torch

from autograder.grading_runtime.probes import build_function

RNG_SEED = 479  # the course number; each group of cases draws from its own offset of it


def _rng(offset: int) -> np.random.Generator:
    return np.random.default_rng(RNG_SEED + offset)


def _plain(value):
    """Nested lists of float64 numbers (a number stays a number)."""
    array = np.asarray(value, dtype=np.float64)
    return float(array) if array.ndim == 0 else array.tolist()


def _finite(value) -> bool:
    return bool(np.isfinite(np.asarray(value, dtype=np.float64)).all())


def _mistakes(found: list, answer=None) -> list:
    """``[[key, value], ...]`` as stored: finite values only, and none equal to the answer
    (a correct result is accepted before any mistake is tried, so such a value is never named)."""
    kept = []
    for key, value in found:
        if value is None or not _finite(value):
            continue
        value = np.asarray(value, dtype=np.float64)
        if answer is not None:
            answer_array = np.asarray(answer, dtype=np.float64)
            if value.shape == answer_array.shape and np.allclose(value, answer_array, rtol=1e-9, atol=1e-12):
                continue
        kept.append([key, _plain(value)])
    return kept


def _logistic(z):
    return 1.0 / (1.0 + np.exp(-z))


# ---------------------------------------------------------------------------------------
# 1. The LIF neuron's steady-state firing rate (notes L221-231).
# ---------------------------------------------------------------------------------------

DEFAULT_TAU_REF = 0.002
DEFAULT_TAU_M = 0.02


def lif_firing_rate(v_in, tau_ref=DEFAULT_TAU_REF, tau_m=DEFAULT_TAU_M):
    """``1 / (tau_ref - tau_m ln(1 - 1/v_in))`` above the threshold ``v_in = 1``, 0 at and below it."""
    v = np.asarray(v_in, dtype=np.float64)
    rate = np.zeros_like(v)
    above = v > 1.0
    rate[above] = 1.0 / (tau_ref - tau_m * np.log(1.0 - 1.0 / v[above]))
    return float(rate) if v.ndim == 0 else rate


def _lif_mistakes(v: np.ndarray, tau_ref: float, tau_m: float) -> list:
    """What known mistakes give for the inputs above the threshold (the rest is checked by
    property: zero, not NaN nor negative)."""
    above = v[v > 1.0]
    log = np.log(1.0 - 1.0 / above)
    return [
        ["tau_arguments_ignored", 1.0 / (DEFAULT_TAU_REF - DEFAULT_TAU_M * log)],
        ["log10_instead_of_ln", 1.0 / (tau_ref - tau_m * np.log10(1.0 - 1.0 / above))],
        ["time_constants_swapped", 1.0 / (tau_m - tau_ref * log)],
        ["interval_instead_of_rate", tau_ref - tau_m * log],
        ["plus_instead_of_minus", 1.0 / (tau_ref + tau_m * log)],
        ["refractory_period_left_out", 1.0 / (-tau_m * log)],
    ]


def _lif_case(label: str, v_in, tau_ref=None, tau_m=None) -> dict:
    """``tau_ref`` and ``tau_m`` of None: the call passes ``v_in`` alone (the defaults)."""
    use_ref = DEFAULT_TAU_REF if tau_ref is None else tau_ref
    use_m = DEFAULT_TAU_M if tau_m is None else tau_m
    v = np.asarray(v_in, dtype=np.float64)
    rate = np.asarray(lif_firing_rate(v, use_ref, use_m))
    above = v.reshape(-1) > 1.0
    mistakes = _mistakes(_lif_mistakes(v.reshape(-1), use_ref, use_m), rate.reshape(-1)[above])
    return {
        "label": label,
        "v_in": _plain(v),
        "tau_ref": tau_ref,
        "tau_m": tau_m,
        "rate": _plain(rate),
        # what each mistake gives at the inputs above the threshold, in the array's order
        "mistakes": {"rate_above": mistakes if above.any() else []},
    }


def _lif_cases() -> list:
    rng = _rng(1)
    special = [-5.0, -1.0, 0.0, 0.5, 1.0, 1.001, 1.01, 1.5, 2.0, 5.0, 10.0, 50.0]
    grid = np.concatenate([special, rng.uniform(-5.0, 1.0, 6), rng.uniform(1.001, 50.0, 14)])
    matrix = np.round(rng.uniform(-5.0, 50.0, (3, 4)), 3)
    matrix[0, 0], matrix[2, 3] = 1.0, 0.5
    scalar_above = float(np.round(rng.uniform(1.2, 20.0), 4))
    return [
        _lif_case("32 inputs from -5 to 50, among them -1, 0, 0.5 and 1", grid,
                  float(np.round(rng.uniform(0.001, 0.005), 5)), float(np.round(rng.uniform(0.01, 0.05), 4))),
        _lif_case("a 3 x 4 array of inputs from -5 to 50", matrix, 0.001, 0.05),
        _lif_case("inputs from 1.001 to 50, the default time constants passed explicitly",
                  np.round(rng.uniform(1.001, 50.0, 7), 3), DEFAULT_TAU_REF, DEFAULT_TAU_M),
        _lif_case("a single float above the threshold", scalar_above, 0.004, 0.015),
        _lif_case("the single float 1.0, the threshold itself", 1.0, 0.003, 0.03),
        _lif_case("the single float 0.5", 0.5, 0.002, 0.02),
        _lif_case("the single float -1.0", -1.0, 0.0025, 0.012),
        _lif_case("the single float 0.0", 0.0, 0.001, 0.04),
    ]


# ---------------------------------------------------------------------------------------
# 2. SoftMax and one-hot (notes L255-272).
# ---------------------------------------------------------------------------------------

NOTES_LOGITS = [0.6, 3.4, -1.2, 0.05]
NOTES_ROUNDED_SOFTMAX = [0.06, 0.9, 0.009, 0.031]  # as the notes print it (L265)
NOTES_ONE_HOT = [0.0, 1.0, 0.0, 0.0]  # L272


def softmax(z):
    """Each row (the last axis) exponentiated and normalised on its own."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def one_hot(z):
    """1 at the largest entry of each row (the last axis), 0 elsewhere."""
    z = np.asarray(z, dtype=np.float64)
    return (np.arange(z.shape[-1]) == np.argmax(z, axis=-1)[..., None]).astype(np.float64)


def _softmax_mistakes(z: np.ndarray, public: bool) -> list:
    right = softmax(z)
    e = np.exp(z)
    found = [
        ["normalised_over_the_whole_batch", e / e.sum()],
        ["normalised_over_columns", e / e.sum(axis=0, keepdims=True)],
        ["exponentials_not_normalised", e],
        ["normalised_without_exponentials", z / z.sum(axis=-1, keepdims=True)],
        ["log_of_the_softmax", np.log(right)],
        ["result_rounded", np.round(right, 2)],
        ["result_rounded", np.round(right, 3)],
    ]
    if public and z.ndim == 1:
        found.append(["result_rounded", NOTES_ROUNDED_SOFTMAX])
    return found


def _one_hot_mistakes(z: np.ndarray) -> list:
    right = one_hot(z)
    flat = np.zeros(z.size)
    flat[np.argmax(z)] = 1.0
    per_column = (z == z.max(axis=0, keepdims=True)).astype(np.float64)
    return [
        ["maximum_kept_instead_of_one", right * z],
        ["one_at_the_smallest_entry", (np.arange(z.shape[-1]) == np.argmin(z, axis=-1)[..., None]) * 1.0],
        ["one_over_the_whole_batch", flat.reshape(z.shape)],
        ["one_per_column", per_column],
        ["softmax_instead_of_one_hot", softmax(z)],
    ]


def _softmax_case(label: str, z, *, public: bool = False) -> dict:
    z = np.asarray(z, dtype=np.float64)
    answer = softmax(z)
    return {"label": label, "z": _plain(z), "y": _plain(answer),
            "mistakes": {"y": _mistakes(_softmax_mistakes(z, public), answer)}}


def _one_hot_case(label: str, z) -> dict:
    z = np.asarray(z, dtype=np.float64)
    answer = one_hot(z)
    return {"label": label, "z": _plain(z), "y": _plain(answer),
            "mistakes": {"y": _mistakes(_one_hot_mistakes(z), answer)}}


def _softmax_cases() -> list:
    rng = _rng(2)
    return [
        _softmax_case("one vector of 6 logits", rng.normal(0.0, 3.0, 6)),
        _softmax_case("a batch of 4 rows of 5 logits up to 50 in size", rng.uniform(-50.0, 50.0, (4, 5))),
        _softmax_case("a batch of one row, shape (1, 3)", rng.normal(0.0, 2.0, (1, 3))),
        _softmax_case("a batch of 6 rows of 2 logits", rng.normal(0.0, 4.0, (6, 2))),
        _softmax_case("3 rows of 7 logits, each row shifted by its own constant",
                      rng.normal(0.0, 1.0, (3, 7)) + np.array([[20.0], [-30.0], [0.0]])),
    ]


def _one_hot_cases() -> list:
    rng = _rng(3)
    negative = -np.abs(rng.normal(0.0, 2.0, (3, 4))) - 0.5
    return [
        _one_hot_case("one vector of 7 entries", rng.normal(0.0, 2.0, 7)),
        _one_hot_case("a batch of 5 rows of 4 entries", rng.normal(0.0, 3.0, (5, 4))),
        _one_hot_case("a batch of one row, shape (1, 6)", rng.normal(0.0, 1.0, (1, 6))),
        _one_hot_case("3 rows of 4 negative entries", negative),
        _one_hot_case("a square 3 x 3 batch", rng.normal(0.0, 5.0, (3, 3))),
    ]


# ---------------------------------------------------------------------------------------
# 3. Losses (notes L594-668): one number, the mean over the samples.
# ---------------------------------------------------------------------------------------


def mse_loss(y, t):
    """``(1/N) sum_i 1/2 ||y_i - t_i||^2`` for ``(N, K)`` outputs and targets."""
    diff = np.asarray(y, dtype=np.float64) - np.asarray(t, dtype=np.float64)
    return float(0.5 * np.sum(diff**2, axis=1).mean())


def binary_cross_entropy(y, t):
    """``-(1/N) sum_i [t_i ln y_i + (1 - t_i) ln(1 - y_i)]``; one output per sample."""
    y = np.asarray(y, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)
    return float(-np.mean(t * np.log(y) + (1.0 - t) * np.log(1.0 - y)))


def categorical_cross_entropy(y, t):
    """``-(1/N) sum_i sum_k t_k ln y_k`` for ``(N, K)`` probabilities and one-hot targets."""
    y = np.asarray(y, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)
    return float(-np.sum(t * np.log(y), axis=1).mean())


def _mse_mistakes(y: np.ndarray, t: np.ndarray) -> list:
    squared = (y - t) ** 2
    return [
        ["mean_over_components_too", 0.5 * squared.mean()],
        ["half_missing", squared.sum(axis=1).mean()],
        ["sum_instead_of_mean", 0.5 * squared.sum()],
        ["pytorch_mse_loss", squared.mean()],
        ["norm_not_squared", 0.5 * np.sqrt(squared.sum(axis=1)).mean()],
        ["absolute_instead_of_squared", 0.5 * np.abs(y - t).sum(axis=1).mean()],
    ]


def _bce_mistakes(y: np.ndarray, t: np.ndarray) -> list:
    terms = t * np.log(y) + (1.0 - t) * np.log(1.0 - y)
    clipped = np.clip(y, 1e-3, 1.0 - 1e-3)
    logistic = _logistic(y)
    return [
        ["sum_instead_of_mean", -terms.sum()],
        ["sign_flipped", terms.mean()],
        ["log10_instead_of_ln", -np.mean(t * np.log10(y) + (1.0 - t) * np.log10(1.0 - y))],
        ["second_term_missing", -np.mean(t * np.log(y))],
        ["terms_swapped", -np.mean(t * np.log(1.0 - y) + (1.0 - t) * np.log(y))],
        ["clipped_too_far", -np.mean(t * np.log(clipped) + (1.0 - t) * np.log(1.0 - clipped))],
        ["logistic_applied_to_y", -np.mean(t * np.log(logistic) + (1.0 - t) * np.log(1.0 - logistic))],
    ]


def _cce_mistakes(y: np.ndarray, t: np.ndarray) -> list:
    log_y = np.log(y)
    shifted = y - y.max(axis=1, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return [
        ["mean_over_classes_too", -np.mean(t * log_y)],
        ["sum_instead_of_mean", -np.sum(t * log_y)],
        ["sign_flipped", np.sum(t * log_y, axis=1).mean()],
        ["log10_instead_of_ln", -np.sum(t * np.log10(y), axis=1).mean()],
        ["softmax_applied_to_y", -np.sum(t * log_softmax, axis=1).mean()],
        ["targets_left_out", -np.sum(log_y, axis=1).mean()],
        ["binary_terms_added", -np.sum(t * log_y + (1.0 - t) * np.log(1.0 - y), axis=1).mean()],
    ]


def _loss_case(label: str, y, t, loss, mistakes) -> dict:
    y = np.asarray(y, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)
    answer = loss(y, t)
    return {"label": label, "y": _plain(y), "t": _plain(t), "loss": answer,
            "mistakes": {"loss": _mistakes(mistakes(y, t), answer)}}


def _mse_cases() -> list:
    rng = _rng(4)
    cases = []
    for label, shape in [("6 samples of 3 components", (6, 3)), ("5 samples of 1 component", (5, 1)),
                         ("1 sample of 4 components", (1, 4)), ("1 sample of 1 component", (1, 1)),
                         ("8 samples of 2 components", (8, 2))]:
        cases.append(_loss_case(label, rng.uniform(-10.0, 10.0, shape), rng.uniform(-10.0, 10.0, shape),
                                mse_loss, _mse_mistakes))
    return cases


def _binary_targets(rng, shape) -> np.ndarray:
    return rng.integers(0, 2, shape).astype(np.float64)


def _float32_exact(values) -> np.ndarray:
    """Probabilities a float32 solution reads without rounding, so that its 1 - y is exact near 1
    and a float32 answer stays within the tolerance even for y within 1e-3 of 0 or 1."""
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def _bce_cases() -> list:
    rng = _rng(5)
    step = 2.0**-13  # 1.2e-4: the edges are multiples of it, within 1e-3 of 0 or 1
    edges = np.array([step, 3 * step, 7 * step, 1.0 - 2 * step, 1.0 - 5 * step, 0.5, 2 * step, 1.0 - step])
    return [
        _loss_case("8 samples, shape (8,)", _float32_exact(rng.uniform(0.05, 0.95, 8)),
                   _binary_targets(rng, 8), binary_cross_entropy, _bce_mistakes),
        _loss_case("6 samples, shape (6, 1)", _float32_exact(rng.uniform(0.01, 0.99, (6, 1))),
                   _binary_targets(rng, (6, 1)), binary_cross_entropy, _bce_mistakes),
        _loss_case("a single sample, shape (1,)", [0.3], [1.0], binary_cross_entropy, _bce_mistakes),
        _loss_case("8 confident outputs within 1e-3 of 0 or 1", _float32_exact(edges),
                   np.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0]), binary_cross_entropy, _bce_mistakes),
    ]


def _cce_case(label: str, rng, n: int, k: int) -> dict:
    y = softmax(rng.uniform(-10.0, 10.0, (n, k)))
    t = np.eye(k)[rng.integers(0, k, n)]
    return _loss_case(label, y, t, categorical_cross_entropy, _cce_mistakes)


def _cce_cases() -> list:
    rng = _rng(6)
    return [
        _cce_case("5 samples, 4 classes", rng, 5, 4),
        _cce_case("a single sample, 3 classes", rng, 1, 3),
        _cce_case("7 samples, 6 classes", rng, 7, 6),
        _cce_case("3 samples, 10 classes", rng, 3, 10),
    ]


# ---------------------------------------------------------------------------------------
# 4. The central finite difference (notes L697-719).
# ---------------------------------------------------------------------------------------


def _function_of(spec: dict):
    """The test function of a spec: the very probe the graders build it with, so the reference
    evaluates exactly the function the student's code receives."""
    return build_function(None, None, spec)


def _unit(shape, index) -> np.ndarray:
    e = np.zeros(shape)
    e[index] = 1.0
    return e


def finite_difference_gradient(f, w, delta):
    """Entry ``i``: ``(f(w + delta e_i) - f(w - delta e_i)) / (2 delta)``, one entry at a time."""
    w = np.asarray(w, dtype=np.float64)
    gradient = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        step = delta * _unit(w.shape, index)
        gradient[index] = (f(w + step) - f(w - step)) / (2.0 * delta)
    return gradient


def _each_entry(w: np.ndarray, quotient) -> np.ndarray:
    result = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        result[index] = quotient(_unit(w.shape, index))
    return result


def _difference_mistakes(f, w: np.ndarray, delta: float) -> list:
    at_w = f(w)
    everything = (f(w + delta) - f(w - delta)) / (2.0 * delta)
    return [
        ["forward_difference", _each_entry(w, lambda e: (f(w + delta * e) - at_w) / delta)],
        ["backward_difference", _each_entry(w, lambda e: (at_w - f(w - delta * e)) / delta)],
        ["two_delta_missing", _each_entry(w, lambda e: (f(w + delta * e) - f(w - delta * e)) / delta)],
        ["every_entry_perturbed_at_once", np.full(w.shape, everything)],
        # w_plus = w; w_minus = w: both perturbations land in one array and cancel
        ["perturbed_through_an_alias", np.zeros(w.shape)],
        ["perturbed_through_an_alias", _each_entry(w, lambda e: (f(w + delta * e) - at_w) / (2.0 * delta))],
    ]


def _dyadic(rng, shape, scale: float = 2.0) -> np.ndarray:
    """Weights that are multiples of 1/64: with a power-of-two delta, adding, subtracting and
    restoring an entry in place is exact, so a correct restore leaves ``w`` bit for bit as it was
    (the contract allows 1e-12; these inputs make every correct way of restoring exact)."""
    return np.round(rng.uniform(-scale, scale, shape) * 64.0) / 64.0


def _difference_case(label: str, w, delta: float, spec: dict) -> dict:
    w = np.asarray(w, dtype=np.float64)
    spec = {"shape": list(w.shape), **{key: _plain(value) if key != "constant" else float(value)
                                       for key, value in spec.items()}}
    f = _function_of(spec)
    answer = finite_difference_gradient(f, w, delta)
    return {"label": label, "spec": spec, "w": _plain(w), "delta": delta, "gradient": _plain(answer),
            "mistakes": {"gradient": _mistakes(_difference_mistakes(f, w, delta), answer)}}


def _curved_spec(rng, shape) -> dict:
    """Coefficients with enough curvature that a one-sided difference misses by far more than
    the tolerance, even at the smallest delta."""
    return {"square": rng.choice([-1.0, 1.0], shape) * rng.uniform(2.0, 5.0, shape),
            "cube": rng.normal(0.0, 1.0, shape), "sine": rng.normal(0.0, 2.0, shape),
            "linear": rng.normal(0.0, 1.0, shape), "constant": float(rng.normal())}


def _difference_cases() -> list:
    rng = _rng(7)
    cases = []
    for label, shape, delta in [("4 weights, delta 2**-4", (4,), 2.0**-4),
                                ("a 3 x 2 weight matrix, delta 2**-10", (3, 2), 2.0**-10),
                                ("5 weights, delta 2**-13", (5,), 2.0**-13),
                                ("a 2 x 3 weight matrix, delta 2**-7", (2, 3), 2.0**-7),
                                ("a single weight, shape (1,), delta 2**-5", (1,), 2.0**-5)]:
        cases.append(_difference_case(label, _dyadic(rng, shape), delta, _curved_spec(rng, shape)))
    return cases


# ---------------------------------------------------------------------------------------
# 5. Backpropagation in the notes' two-layer network (L736-800), by autograd in float64.
# ---------------------------------------------------------------------------------------

GRADIENT_NAMES = ("dE_dW", "dE_da", "dE_dM", "dE_db")


def backprop(X, T, W, a, M, b):
    """``(dE/dW, dE/da, dE/dM, dE/db)`` of ``E = mse_loss(sigma(sigma(X W + a) M + b), T)``,
    from PyTorch's autograd in float64."""
    X, T = (torch.tensor(np.asarray(v, dtype=np.float64)) for v in (X, T))
    W, a, M, b = (torch.tensor(np.asarray(v, dtype=np.float64), requires_grad=True) for v in (W, a, M, b))
    y = torch.sigmoid(torch.sigmoid(X @ W + a) @ M + b)
    E = 0.5 * ((y - T) ** 2).sum(dim=1).mean()
    E.backward()
    return tuple(p.grad.numpy() for p in (W, a, M, b))


def _by_hand(X, T, W, a, M, b, *, hidden_derivative, output_derivative, scale, sign=1.0):
    """The backward pass written out, with the parts students get wrong as arguments:
    ``hidden_derivative(alpha, h)`` and ``output_derivative(beta, y)`` stand for sigma', ``scale``
    for what multiplies ``y - T`` (1/N in the right answer)."""
    alpha = X @ W + a
    h = _logistic(alpha)
    beta = h @ M + b
    y = _logistic(beta)
    d_beta = sign * (y - T) * output_derivative(beta, y) * scale
    d_alpha = hidden_derivative(alpha, h) * (d_beta @ M.T)
    return X.T @ d_alpha, d_alpha.sum(axis=0), h.T @ d_beta, d_beta.sum(axis=0)


def _backprop_mistakes(X, T, W, a, M, b) -> list:
    n, outputs = T.shape
    from_the_output = lambda z, out: out * (1.0 - out)  # noqa: E731 - the right sigma', from h or y
    variants = [
        ("derivative_taken_at_h", dict(hidden_derivative=lambda z, h: _logistic(h) * (1.0 - _logistic(h)))),
        ("output_derivative_missing", dict(output_derivative=lambda z, y: np.ones_like(y))),
        ("mean_missing", dict(scale=1.0)),
        ("half_missing", dict(scale=2.0 / n)),
        ("mean_over_outputs_too", dict(scale=1.0 / (n * outputs))),
        ("sign_flipped", dict(sign=-1.0)),
        ("derivative_of_the_current_as_if_it_were_the_output",
         dict(hidden_derivative=lambda z, h: z * (1.0 - z), output_derivative=lambda z, y: z * (1.0 - z))),
    ]
    found = []
    for key, changes in variants:
        options = dict(hidden_derivative=from_the_output, output_derivative=from_the_output, scale=1.0 / n)
        options.update(changes)
        found.append((key, _by_hand(X, T, W, a, M, b, **options)))
    return found


def _network_case(label: str, X, T, W, a, M, b) -> dict:
    answers = backprop(X, T, W, a, M, b)
    wrong = _backprop_mistakes(X, T, W, a, M, b)
    return {
        "label": label,
        **{name: _plain(value) for name, value in zip("XTWaMb", (X, T, W, a, M, b))},
        **{name: _plain(value) for name, value in zip(GRADIENT_NAMES, answers)},
        "mistakes": {name: _mistakes([(key, grads[i]) for key, grads in wrong], answers[i])
                     for i, name in enumerate(GRADIENT_NAMES)},
    }


def _backprop_case(label: str, rng, n: int, d: int, h: int, y: int, *, x_scale: float, soft: bool) -> dict:
    X = rng.normal(0.0, x_scale, (n, d))
    T = rng.uniform(0.0, 1.0, (n, y)) if soft else rng.integers(0, 2, (n, y)).astype(np.float64)
    W, a, M, b = rng.normal(size=(d, h)), rng.normal(size=h), rng.normal(size=(h, y)), rng.normal(size=y)
    alpha = X @ W + a
    assert np.abs(alpha).max() < 30 and np.abs(_logistic(alpha) @ M + b).max() < 30
    return _network_case(label, X, T, W, a, M, b)


def _backprop_cases() -> list:
    rng = _rng(8)
    return [
        _backprop_case("N=5 samples, D=3 inputs, H=4 hidden, Y=2 outputs, 0/1 targets", rng, 5, 3, 4, 2,
                       x_scale=1.0, soft=False),
        _backprop_case("a single sample: N=1, D=2, H=3, Y=4", rng, 1, 2, 3, 4, x_scale=1.5, soft=True),
        _backprop_case("N=12, D=6, H=5, Y=1, inputs of scale 3", rng, 12, 6, 5, 1, x_scale=3.0, soft=True),
        _backprop_case("N=20, D=4, H=6, Y=3, soft targets", rng, 20, 4, 6, 3, x_scale=2.0, soft=True),
        _backprop_case("N=7, D=1, H=2, Y=5", rng, 7, 1, 2, 5, x_scale=1.0, soft=False),
    ]


# ---------------------------------------------------------------------------------------
# 6. The mini autodiff (notes §4, L802-1069): Var and operation classes.
# ---------------------------------------------------------------------------------------


class Var:
    """A node of the expression graph: its value, the derivative of the top expression with
    respect to it, and the operation that created it (None for a leaf)."""

    def __init__(self, val):
        self.val = np.array(val, dtype=np.float64)
        self.grad = np.zeros_like(self.val)
        self.creator = None

    def evaluate(self):
        if self.creator is None:
            return self.val
        self.val = self.creator.evaluate()
        return self.val

    def zero_grad(self):
        self.grad = np.zeros_like(self.val)
        if self.creator is not None:
            for arg in self.creator.args:
                arg.zero_grad()

    def backward(self, s):
        self.grad = self.grad + s
        if self.creator is not None:
            self.creator.backward(s)


class Op:
    """An operation: calling it on Vars records them and returns a new Var it created.

    The result is a Var of the arguments' own class, so that the mistaken Vars below (which
    subclass Var) build whole graphs of their kind.
    """

    def __call__(self, *args):
        self.args = args
        result = type(args[0])(self.evaluate())
        result.creator = self
        return result

    def values(self):
        return [arg.evaluate() for arg in self.args]


class Plus(Op):
    def evaluate(self):
        A, B = self.values()
        return A + B

    def backward(self, s):
        A, B = self.args
        A.backward(s)
        B.backward(s)


class Mul(Op):
    def evaluate(self):
        A, B = self.values()
        return A * B

    def backward(self, s):
        A, B = self.args
        A.backward(s * B.val)
        B.backward(s * A.val)


class Sin(Op):
    def evaluate(self):
        (A,) = self.values()
        return np.sin(A)

    def backward(self, s):
        (A,) = self.args
        A.backward(s * np.cos(A.val))


class Logistic(Op):
    def evaluate(self):
        (A,) = self.values()
        return _logistic(A)

    def backward(self, s):
        (A,) = self.args
        y = _logistic(A.val)
        A.backward(s * y * (1.0 - y))


class MatMul(Op):
    def evaluate(self):
        A, B = self.values()
        return A @ B

    def backward(self, s):
        A, B = self.args
        A.backward(s @ B.val.T)
        B.backward(A.val.T @ s)


OPERATIONS = {"Plus": Plus, "Mul": Mul, "Sin": Sin, "Logistic": Logistic, "MatMul": MatMul}


# What students write instead: each mistaken class differs from the right one in one place.


class _OverwritingVar(Var):
    def backward(self, s):
        self.grad = np.array(s, dtype=np.float64)
        if self.creator is not None:
            self.creator.backward(s)


class _AliasingVar(Var):
    """zero_grad leaves None, and the first backward keeps the very array s it receives."""

    def zero_grad(self):
        self.grad = None
        if self.creator is not None:
            for arg in self.creator.args:
                arg.zero_grad()

    def backward(self, s):
        if self.grad is None:
            self.grad = s
        else:
            self.grad += s
        if self.creator is not None:
            self.creator.backward(s)


class _StopAtTheTopVar(Var):
    def backward(self, s):
        self.grad = self.grad + s


class _NonRecursiveZeroGradVar(Var):
    def zero_grad(self):
        self.grad = np.zeros_like(self.val)


class _CachedVar(Var):
    """evaluate returns the value computed when the graph was built."""

    def evaluate(self):
        return self.val


class _SinOfA(Sin):
    def backward(self, s):
        self.args[0].backward(s * np.sin(self.args[0].val))


class _MinusCos(Sin):
    def backward(self, s):
        self.args[0].backward(-s * np.cos(self.args[0].val))


class _LogisticAtInput(Logistic):
    def backward(self, s):
        A = self.args[0]
        A.backward(s * A.val * (1.0 - A.val))


class _MulSwapped(Mul):
    def backward(self, s):
        A, B = self.args
        A.backward(s * A.val)
        B.backward(s * B.val)


class _MatMulUntransposedA(MatMul):
    def backward(self, s):
        A, B = self.args
        A.backward(s @ B.val)
        B.backward(A.val.T @ s)


class _MatMulUntransposedB(MatMul):
    def backward(self, s):
        A, B = self.args
        A.backward(s @ B.val.T)
        B.backward(A.val @ s)


def _without_s(operation):
    """The operation passing its local derivative down without multiplying it by s."""

    class WithoutS(operation):
        def backward(self, s):
            operation.backward(self, np.ones_like(np.asarray(s, dtype=np.float64)))

    return WithoutS


# (key, which class it replaces, the mistaken class), in the order checks try them
OPERATION_MISTAKES = [
    ("sin_derivative_is_sin", "Sin", _SinOfA),
    ("sin_derivative_sign", "Sin", _MinusCos),
    ("logistic_derivative_at_the_input", "Logistic", _LogisticAtInput),
    ("mul_gradients_swapped", "Mul", _MulSwapped),
    ("matmul_gradient_not_transposed", "MatMul", _MatMulUntransposedA),
    ("matmul_gradient_not_transposed", "MatMul", _MatMulUntransposedB),
    ("s_not_multiplied", "Sin", _without_s(Sin)),
    ("s_not_multiplied", "Logistic", _without_s(Logistic)),
    ("s_not_multiplied", "Mul", _without_s(Mul)),
    ("s_not_multiplied", "MatMul", _without_s(MatMul)),
]
VAR_MISTAKES = [
    ("grad_overwritten", _OverwritingVar),
    ("backward_stops_at_the_top", _StopAtTheTopVar),
]


def build_graph(case: dict, var=Var, operations=None, leaves_field: str = "leaves") -> dict:
    """Every node of a case's expression, by name: leaves first, then each operation applied."""
    operations = {**OPERATIONS, **(operations or {})}
    nodes = {name: var(value) for name, value in case[leaves_field]}
    for name, operation, args in case["nodes"]:
        nodes[name] = operations[operation]()(*[nodes[arg] for arg in args])
    return nodes


def _backward_run(case: dict, var=Var, operations=None, times: int = 1) -> dict | None:
    """Build, evaluate, zero_grad, then ``times`` backward passes with fresh copies of s: each
    node's grad, or None when the mistake cannot run on these shapes."""
    try:
        nodes = build_graph(case, var, operations)
        top = nodes[case["top"]]
        top.evaluate()
        top.zero_grad()
        for _ in range(times):
            top.backward(np.array(case["s"], dtype=np.float64))
        return {name: np.array(node.grad, dtype=np.float64) for name, node in nodes.items()}
    except ValueError:  # a mistaken matrix product that the shapes do not allow
        return None


def _gradient_mistakes(case: dict, times: int) -> dict:
    """For each node: ``[[key, grad], ...]`` of every mistake that can run on this graph."""
    used = {operation for _, operation, _ in case["nodes"]}
    runs = []
    for key, var in VAR_MISTAKES:
        runs.append((key, _backward_run(case, var=var, times=times)))
    if times > 1:
        runs.append(("grad_is_the_array_s_itself", _backward_run(case, var=_AliasingVar, times=times)))
    for key, replaced, mistaken in OPERATION_MISTAKES:
        if replaced in used:
            runs.append((key, _backward_run(case, operations={replaced: mistaken}, times=times)))
    return {name: [(key, grads[name]) for key, grads in runs if grads is not None]
            for name in [leaf for leaf, _ in case["leaves"]] + [node for node, _, _ in case["nodes"]]}


def _autodiff_case(label: str, expression: str, leaves: dict, nodes: list, s, new_leaves: dict) -> dict:
    """One expression graph: its values, gradients (after one and two backward passes) and the
    value at new leaf values, with what each known mistake gives for them."""
    case = {"label": label, "expression": expression,
            "leaves": [[name, _plain(value)] for name, value in leaves.items()],
            "nodes": [[name, operation, list(args)] for name, operation, args in nodes],
            "top": nodes[-1][0], "s": _plain(s),
            "new_leaves": [[name, _plain(value)] for name, value in new_leaves.items()]}
    graph = build_graph(case)
    top = graph[case["top"]]
    case["value"] = _plain(top.evaluate())
    once = _backward_run(case)
    twice = _backward_run(case, times=2)
    order = [case["top"]] + [name for name, _, _ in reversed(nodes[:-1])] + list(leaves)
    case["grads"] = [[name, _plain(once[name])] for name in order]
    case["grads_twice"] = [[name, _plain(twice[name])] for name in order]
    moved = build_graph(case, leaves_field="new_leaves")
    case["new_value"] = _plain(moved[case["top"]].evaluate())
    # a graph that caches: values at the old leaves, whatever the new ones
    cached = build_graph(case, var=_CachedVar)
    for name, value in case["new_leaves"]:
        cached[name].val = np.array(value)
    mistakes_once, mistakes_twice = _gradient_mistakes(case, 1), _gradient_mistakes(case, 2)
    case["mistakes"] = {
        "new_value": _mistakes([["value_cached_when_built", cached[case["top"]].evaluate()]],
                               case["new_value"]),
        **{f"grad {name}": _mistakes(mistakes_once[name], once[name]) for name in order},
        **{f"grad_twice {name}": _mistakes(mistakes_twice[name], twice[name]) for name in order},
    }
    return case


def _autodiff_cases() -> list:
    rng = _rng(9)
    normal = lambda *shape: rng.normal(0.0, 1.0, shape)  # noqa: E731
    return [
        _autodiff_case("f = sin(x) + x*y, x and y of shape (3,)", "f = Plus()(Sin()(x), Mul()(x, y))",
                       {"x": normal(3), "y": normal(3)},
                       [("a", "Sin", ["x"]), ("b", "Mul", ["x", "y"]), ("f", "Plus", ["a", "b"])],
                       normal(3), {"x": normal(3), "y": normal(3)}),
        _autodiff_case("e = x + y * sin(x), x and y of shape (2, 2): leaves are the first arguments",
                       "e = Plus()(x, Mul()(y, Sin()(x)))",
                       {"x": normal(2, 2), "y": normal(2, 2)},
                       [("c", "Sin", ["x"]), ("m", "Mul", ["y", "c"]), ("e", "Plus", ["x", "m"])],
                       normal(2, 2), {"x": normal(2, 2), "y": normal(2, 2)}),
        _autodiff_case("r = sin(A @ B) with a square B, A (2, 3) and B (3, 3)", "r = Sin()(MatMul()(A, B))",
                       {"A": normal(2, 3), "B": normal(3, 3)},
                       [("p", "MatMul", ["A", "B"]), ("r", "Sin", ["p"])],
                       normal(2, 3), {"A": normal(2, 3), "B": normal(3, 3)}),
        _autodiff_case("k = A @ B with a square A, A (3, 3) and B (3, 2)", "k = MatMul()(A, B)",
                       {"A": normal(3, 3), "B": normal(3, 2)}, [("k", "MatMul", ["A", "B"])],
                       normal(3, 2), {"A": normal(3, 3), "B": normal(3, 2)}),
        _autodiff_case("y = logistic(X @ W), X (4, 3) and W (3, 2)", "y = Logistic()(MatMul()(X, W))",
                       {"X": normal(4, 3), "W": normal(3, 2)},
                       [("z", "MatMul", ["X", "W"]), ("y", "Logistic", ["z"])],
                       normal(4, 2), {"X": normal(4, 3), "W": normal(3, 2)}),
        _autodiff_case("g = A @ B + A @ C, A (2, 3), B and C (3, 4): A is used twice",
                       "g = Plus()(MatMul()(A, B), MatMul()(A, C))",
                       {"A": normal(2, 3), "B": normal(3, 4), "C": normal(3, 4)},
                       [("p", "MatMul", ["A", "B"]), ("q", "MatMul", ["A", "C"]), ("g", "Plus", ["p", "q"])],
                       normal(2, 4), {"A": normal(2, 3), "B": normal(3, 4), "C": normal(3, 4)}),
        _autodiff_case("q = x*x, x of shape (2, 3): one operation takes x twice", "q = Mul()(x, x)",
                       {"x": normal(2, 3)}, [("q", "Mul", ["x", "x"])], normal(2, 3), {"x": normal(2, 3)}),
        _autodiff_case("h = sin(logistic(x*y + x)), x and y of shape (4,)",
                       "h = Sin()(Logistic()(Plus()(Mul()(x, y), x)))",
                       {"x": normal(4), "y": normal(4)},
                       [("m", "Mul", ["x", "y"]), ("p", "Plus", ["m", "x"]), ("l", "Logistic", ["p"]),
                        ("h", "Sin", ["l"])],
                       normal(4), {"x": normal(4), "y": normal(4)}),
        _autodiff_case("u = sin(x) * logistic(x), x of shape (1,)", "u = Mul()(Sin()(x), Logistic()(x))",
                       {"x": normal(1)},
                       [("a", "Sin", ["x"]), ("b", "Logistic", ["x"]), ("u", "Mul", ["a", "b"])],
                       normal(1), {"x": normal(1)}),
        _autodiff_case("a two-layer network: out = logistic(logistic(X @ W) @ M), X (5, 3), W (3, 4), "
                       "M (4, 2)",
                       "out = Logistic()(MatMul()(Logistic()(MatMul()(X, W)), M))",
                       {"X": normal(5, 3), "W": normal(3, 4), "M": normal(4, 2)},
                       [("z", "MatMul", ["X", "W"]), ("h", "Logistic", ["z"]), ("beta", "MatMul", ["h", "M"]),
                        ("out", "Logistic", ["beta"])],
                       normal(5, 2), {"X": normal(5, 3), "W": normal(3, 4), "M": normal(4, 2)}),
    ]


# Gradient descent on an expression with the mini autodiff (Algorithm 1, L934-940): the check
# sets v to each point of the reference run, evaluates, zeroes the gradients, backpropagates and
# compares E and v.grad there.

DESCENT_STEPS = 3


def _descent_run(case: dict, points: list, var=Var, operations=None) -> tuple[list, list] | None:
    """E and v.grad at each of ``points``, as the check asks for them: set v.val, evaluate,
    zero_grad, backward(s). None when the mistake cannot run on these shapes."""
    try:
        graph = build_graph(case, var, operations)
        top, v = graph[case["top"]], graph[case["variable"]]
        values, grads = [], []
        for point in points:
            v.val = np.array(point, dtype=np.float64)
            values.append(np.array(top.evaluate(), dtype=np.float64))
            top.zero_grad()
            top.backward(np.array(case["s"], dtype=np.float64))
            grads.append(np.array(v.grad, dtype=np.float64))
        return values, grads
    except ValueError:
        return None


def _descent_case(label: str, expression: str, leaves: dict, nodes: list, variable: str,
                  rate: float) -> dict:
    case = {"label": label, "expression": expression,
            "leaves": [[name, _plain(value)] for name, value in leaves.items()],
            "nodes": [[name, operation, list(args)] for name, operation, args in nodes],
            "top": nodes[-1][0], "variable": variable, "rate": rate}
    graph = build_graph(case)
    top, v = graph[case["top"]], graph[variable]
    s = np.ones_like(top.evaluate())
    case["s"] = _plain(s)
    points = []
    for _ in range(DESCENT_STEPS):  # Algorithm 1: evaluate, zero the gradients, backward, step
        points.append(np.array(v.val))
        top.evaluate()
        top.zero_grad()
        top.backward(s)
        v.val = v.val - rate * v.grad
    values, grads = _descent_run(case, points)
    case["points"] = [_plain(p) for p in points]
    case["values"] = [_plain(value) for value in values]
    case["grads"] = [_plain(g) for g in grads]
    used = {operation for _, operation, _ in case["nodes"]}
    runs = [("value_cached_when_built", _descent_run(case, points, var=_CachedVar)),
            ("gradients_pile_up_across_steps", _descent_run(case, points, var=_NonRecursiveZeroGradVar)),
            *[(key, _descent_run(case, points, var=var)) for key, var in VAR_MISTAKES],
            *[(key, _descent_run(case, points, operations={replaced: mistaken}))
              for key, replaced, mistaken in OPERATION_MISTAKES if replaced in used]]
    runs = [(key, run) for key, run in runs if run is not None]
    case["mistakes"] = {
        **{f"value {step}": _mistakes([(key, run[0][step]) for key, run in runs], values[step])
           for step in range(DESCENT_STEPS)},
        **{f"grad {step}": _mistakes([(key, run[1][step]) for key, run in runs], grads[step])
           for step in range(DESCENT_STEPS)},
    }
    return case


def _descent_cases() -> list:
    rng = _rng(10)
    X, T = rng.normal(0.0, 1.0, (4, 3)), rng.uniform(0.0, 1.0, (4, 1))
    return [
        _descent_case("E = sum of (logistic(X @ v) - T)**2 over 4 samples, v of shape (3, 1)",
                      "E = MatMul()(ones, Mul()(r, r)) with r = Plus()(Logistic()(MatMul()(X, v)), minus_T)",
                      {"X": X, "v": rng.normal(0.0, 1.0, (3, 1)), "minus_T": -T, "ones": np.ones((1, 4))},
                      [("z", "MatMul", ["X", "v"]), ("y", "Logistic", ["z"]), ("r", "Plus", ["y", "minus_T"]),
                       ("r2", "Mul", ["r", "r"]), ("E", "MatMul", ["ones", "r2"])],
                      "v", 0.5),
        _descent_case("E = sin(v) * v + v * c, v and c of shape (1,)",
                      "E = Plus()(Mul()(Sin()(v), v), Mul()(v, c))",
                      {"v": np.array([0.8]), "c": np.array([0.3])},
                      [("a", "Sin", ["v"]), ("b", "Mul", ["a", "v"]), ("d", "Mul", ["v", "c"]),
                       ("E", "Plus", ["b", "d"])],
                      "v", 0.2),
    ]


# ---------------------------------------------------------------------------------------
# 7. Weight decay (notes L1612-1626).
# ---------------------------------------------------------------------------------------


def weight_decay_step(theta, grad, kappa, lam):
    """One gradient step on ``E + (lam/2) ||theta||^2``: ``theta - kappa grad - kappa lam theta``."""
    theta = np.asarray(theta, dtype=np.float64)
    return theta - kappa * np.asarray(grad, dtype=np.float64) - kappa * lam * theta


def _decay_mistakes(theta, grad, kappa, lam) -> list:
    stepped = theta - kappa * grad
    return [
        ["lam_read_as_the_product", stepped - lam * theta],
        ["half_of_the_decay", stepped - 0.5 * kappa * lam * theta],
        ["twice_the_decay", stepped - 2.0 * kappa * lam * theta],
        ["decay_after_the_step", stepped - kappa * lam * stepped],
        ["decay_added", stepped + kappa * lam * theta],
        ["decay_missing", stepped],
        ["step_size_missing_on_the_gradient", theta - grad - kappa * lam * theta],
    ]


def _decay_case(label: str, theta, grad, kappa: float, lam: float) -> dict:
    theta = np.asarray(theta, dtype=np.float64)
    grad = np.asarray(grad, dtype=np.float64)
    answer = weight_decay_step(theta, grad, kappa, lam)
    return {"label": label, "theta": _plain(theta), "grad": _plain(grad), "kappa": kappa, "lam": lam,
            "theta_new": _plain(answer),
            "mistakes": {"theta_new": _mistakes(_decay_mistakes(theta, grad, kappa, lam), answer)}}


def _decay_cases() -> list:
    rng = _rng(11)
    cases = []
    for label, shape, kappa, lam in [("5 weights, kappa 0.1, lam 0.05", (5,), 0.1, 0.05),
                                     ("a 3 x 4 weight matrix, kappa 0.5, lam 0.3", (3, 4), 0.5, 0.3),
                                     ("4 weights, lam 0 (plain gradient descent)", (4,), 0.25, 0.0),
                                     ("a 2 x 2 matrix, kappa 1 and lam 1", (2, 2), 1.0, 1.0),
                                     ("6 weights, kappa 0.05, lam 0.7", (6,), 0.05, 0.7)]:
        cases.append(_decay_case(label, rng.normal(0.0, 2.0, shape), rng.normal(0.0, 1.0, shape), kappa, lam))
    return cases


# ---------------------------------------------------------------------------------------
# Hidden cases and the notebook's examples.
# ---------------------------------------------------------------------------------------


def hidden_cases(seed: int = 0) -> dict:
    """Every hidden case of the assignment, keyed by graded name (the mini autodiff's classes
    share ``autodiff`` and ``autodiff_descent``)."""
    return {
        "lif_firing_rate": _lif_cases(),
        "softmax": _softmax_cases(),
        "one_hot": _one_hot_cases(),
        "mse_loss": _mse_cases(),
        "binary_cross_entropy": _bce_cases(),
        "categorical_cross_entropy": _cce_cases(),
        "finite_difference_gradient": _difference_cases(),
        "backprop": _backprop_cases(),
        "autodiff": _autodiff_cases(),
        "autodiff_descent": _descent_cases(),
        "weight_decay_step": _decay_cases(),
    }


# The examples the notebook prints; its cells build the very same inputs.
EXAMPLE_V_IN = [0.5, 1.0, 1.5, 2.0, 5.0]
EXAMPLE_BATCH_LOGITS = [NOTES_LOGITS, [1.0, -0.5, 2.0, 0.0]]
EXAMPLE_MSE = ([[0.2, 0.9, 0.4], [0.7, 0.1, 0.3], [0.5, 0.5, 0.0]],
               [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
EXAMPLE_BCE = ([0.9, 0.2, 0.6, 0.3], [1.0, 0.0, 0.0, 1.0])
EXAMPLE_CCE = ([[0.2, 0.1, 0.4, 0.3], [0.7, 0.1, 0.1, 0.1]], [[0.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 0.0]])
EXAMPLE_DECAY = ([1.0, -2.0, 0.5], [0.3, -0.1, 0.2], 0.1, 0.5)


def _example_network():
    """The notes' network (L746-776): 3 inputs, 4 hidden nodes, 2 outputs; three samples."""
    rng = np.random.default_rng(2021)
    X = np.round(rng.normal(0.0, 1.0, (3, 3)), 2)
    T = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    W, a = np.round(rng.normal(size=(3, 4)), 2), np.round(rng.normal(size=4), 2)
    M, b = np.round(rng.normal(size=(4, 2)), 2), np.round(rng.normal(size=2), 2)
    return X, T, W, a, M, b


def public_examples() -> dict:
    """The notebook's examples, stored as cases: the public checks run on them."""
    X, T, W, a, M, b = _example_network()
    return {
        "lif_firing_rate": [_lif_case("five inputs, the default time constants", EXAMPLE_V_IN),
                            _lif_case("the single float 2.0, tau_ref=0.004, tau_m=0.03", 2.0, 0.004, 0.03),
                            _lif_case("the single float 1.0, the threshold itself", 1.0, 0.002, 0.02)],
        "softmax": [_softmax_case("the notes' example z = [0.6, 3.4, -1.2, 0.05]", NOTES_LOGITS, public=True),
                    _softmax_case("a batch of two rows", EXAMPLE_BATCH_LOGITS, public=True)],
        "one_hot": [_one_hot_case("the notes' example z = [0.6, 3.4, -1.2, 0.05]", NOTES_LOGITS),
                    _one_hot_case("a batch of two rows", EXAMPLE_BATCH_LOGITS)],
        "mse_loss": [_loss_case("three samples of three components", *EXAMPLE_MSE, mse_loss, _mse_mistakes)],
        "binary_cross_entropy": [_loss_case("four samples", *EXAMPLE_BCE, binary_cross_entropy,
                                            _bce_mistakes)],
        "categorical_cross_entropy": [_loss_case("two samples, four classes", *EXAMPLE_CCE,
                                                 categorical_cross_entropy, _cce_mistakes)],
        "finite_difference_gradient": [
            _difference_case("f(w) = sum(w**2) + sum(c * w), w of shape (3,), delta 2**-4",
                             [0.5, -1.25, 2.0], 2.0**-4,
                             {"square": [1.0, 1.0, 1.0], "linear": [0.5, -1.0, 3.0]}),
            _difference_case("f(W) = sum(sin(W)) + sum(W**3), W of shape (2, 2), delta 2**-8",
                             [[0.25, -0.5], [1.0, 0.75]], 2.0**-8,
                             {"sine": [[1.0, 1.0], [1.0, 1.0]], "cube": [[1.0, 1.0], [1.0, 1.0]]}),
        ],
        "backprop": [_network_case("the notes' network: 3 inputs, 4 hidden, 2 outputs, three samples",
                                   X, T, W, a, M, b)],
        "autodiff": [
            _autodiff_case("the notes' example f = sin(x) + x*y with x = [0.5], y = [2.0]",
                           "f = Plus()(Sin()(x), Mul()(x, y))",
                           {"x": np.array([0.5]), "y": np.array([2.0])},
                           [("a", "Sin", ["x"]), ("b", "Mul", ["x", "y"]), ("f", "Plus", ["a", "b"])],
                           np.array([1.0]), {"x": np.array([1.5]), "y": np.array([-1.0])}),
            _autodiff_case("y = logistic(X @ W), X (2, 3) and W (3, 2)", "y = Logistic()(MatMul()(X, W))",
                           {"X": np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 0.0]]),
                            "W": np.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]])},
                           [("z", "MatMul", ["X", "W"]), ("y", "Logistic", ["z"])],
                           np.array([[1.0, -0.5], [2.0, 0.25]]),
                           {"X": np.array([[0.0, 1.0, 1.0], [-1.0, 0.5, 2.0]]),
                                             "W": np.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]])}),
        ],
        "autodiff_descent": [
            _descent_case("E = sin(v) + v*v, v = [1.0], step size 0.1", "E = Plus()(Sin()(v), Mul()(v, v))",
                          {"v": np.array([1.0])}, [("a", "Sin", ["v"]), ("b", "Mul", ["v", "v"]),
                                                   ("E", "Plus", ["a", "b"])], "v", 0.1),
        ],
        "weight_decay_step": [_decay_case("three weights, kappa 0.1, lam 0.5", *EXAMPLE_DECAY)],
    }
