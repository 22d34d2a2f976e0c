"""Reference implementations for ``backprop_autodiff``, the known mistakes, and the cases they answer.

Every piece follows ``shared/exercises.md`` (section *backprop_autodiff*) to the letter and
works in float64, so the stored numbers are exact answers and the checks' tolerances measure
only a student's rounding. The gradients of the two-layer network come from PyTorch's
autograd in float64, as the contract says; the mini autodiff is implemented here with numpy,
and its gradients are compared with autograd by the tests.

Hidden cases are drawn for each submission from a seed (:func:`hidden_cases`). Each graded
group has a fixed list of *kinds* of case (a vector, a batch of one row, the threshold
itself, ...), always in the same order and described in words only; a kind fixes what can be
seen on it, and the draw picks sizes and values within the contract's ranges. Every drawn
case proves, as it is drawn (``reference/separation.py``):

* each known mistake that applies is apart from the right answer by more than the case's
  tolerance, and from every other mistake, unless the two give the very same answer on this
  kind of case (a mistake identical to the right answer cannot be seen here and is left out;
  two identical mistakes are stored together and named as possibilities). A near miss, a
  mistake within the tolerance of another answer without being the same, makes the case
  draw again: so what a check can name is decided by the kind, never by the draw;
* each answer the contract calls correct (computed in float32, or with a log guarded by an
  epsilon up to 1e-6) passes the case's tolerance, and the guards of 1e-3 it calls wrong do not.

Each case carries its tolerances (``tolerance``: ``{field: [rtol, atol]}``) and, under
``mistakes``, what each known mistake returns for a field, in the order the checks try them.
The checks (``autograder/checks/backprop_autodiff.py``) compute nothing; they call the
student's code, compare and name. The notebook's own examples are stored the same way under
``examples``, fixed.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import torch

from autograder.grading_runtime.probes import build_function
from reference.separation import MARGIN, NotSeparated, accepts, apart, draw_separated, known_mistakes

TOLERANCE = (1e-5, 1e-6)  # the contract's rtol and atol, wherever a case says nothing else
SAME = 1e-9  # two answers closer than this (relative) are the same formula, not a near miss

# Mistakes that cost hidden points which no public example can show, and why.
HIDDEN_ONLY: dict[str, str] = {}


def _plain(value):
    """Nested lists of float64 numbers (a number stays a number)."""
    array = np.asarray(value, dtype=np.float64)
    return float(array) if array.ndim == 0 else array.tolist()


def _array(value) -> np.ndarray:
    return np.asarray(value, dtype=np.float64)


def _identical(a, b) -> bool:
    """Whether two answers are the same formula's (equal up to the last bits of rounding)."""
    a, b = _array(a), _array(b)
    return a.shape == b.shape and bool(_comparisons([a, b], 0.0, 0.0)[1][0, 1])


def _comparisons(values: list, rtol: float, atol: float) -> tuple[np.ndarray, np.ndarray]:
    """For answers of one shape, two matrices: which pairs are apart (as
    :func:`separation.apart` decides, for every pair at once) and which are the same formula's."""
    stacked = np.stack([value.reshape(-1) for value in values])
    size = np.abs(stacked)
    difference = np.abs(stacked[:, None, :] - stacked[None, :, :])
    larger = np.maximum(size[:, None, :], size[None, :, :])
    apart_pairs = (difference > MARGIN * (atol + rtol * larger)).any(axis=-1)
    scale = np.maximum(1.0, larger.max(axis=-1, initial=0.0))[..., None]
    same = (difference <= SAME * larger + 1e-12 * scale).all(axis=-1)
    return apart_pairs, same


def _stored(right, candidates, tolerance, *, blind=None, together=None) -> list:
    """The stored mistakes of one field, proven apart (see the module's docstring).

    ``candidates``: ``(key, value)`` pairs, a value of None where the mistake does not apply.
    A mistake that gives the right answer exactly is left out; ``blind``, if given, lists the
    keys the kind expects to be left out, and ``together`` the groups it expects to be stored
    together (for kinds with few distinct answers, such as one-hot rows, where a draw could
    make two answers equal by chance): any other outcome draws again.
    """
    rtol, atol = tolerance
    right = _array(right)
    given = [(key, _array(value)) for key, value in candidates if value is not None]
    for key, value in given:
        if not np.isfinite(value).all():
            raise NotSeparated(f"the mistake {key!r} is not finite here")
    # every answer of the right one's shape, the right one first, compared all at once
    shaped = [i for i, (_, value) in enumerate(given) if value.shape == right.shape]
    apart_pairs, same = _comparisons([right] + [given[i][1] for i in shaped], rtol, atol)
    row = {i: position + 1 for position, i in enumerate(shaped)}
    kept: list[int] = []
    left_out = set()
    for i, (key, value) in enumerate(given):
        if i not in row:  # another shape: apart from the right answer, maybe not from the rest
            others = [j for j in kept if given[j][1].shape == value.shape]
            if any(given[j][0] == key and _identical(given[j][1], value) for j in others):
                continue
            for j in others:
                if not apart(value, given[j][1], rtol, atol) and not _identical(value, given[j][1]):
                    raise NotSeparated(f"the mistakes {key!r} and {given[j][0]!r} nearly coincide")
            kept.append(i)
            continue
        r = row[i]
        if same[0, r]:
            left_out.add(key)
            continue
        if not apart_pairs[0, r]:
            raise NotSeparated(f"the mistake {key!r} is within the tolerance of the right answer")
        if any(given[j][0] == key and j in row and same[row[j], r] for j in kept):
            continue  # the same mistake written another way, with the same answer
        for j in kept:
            if j in row and not apart_pairs[row[j], r] and not same[row[j], r]:
                raise NotSeparated(f"the mistakes {key!r} and {given[j][0]!r} nearly coincide")
        kept.append(i)
    if blind is not None and left_out != set(blind):
        raise NotSeparated(f"left out {sorted(left_out)}, expected {sorted(blind)}")
    stored = known_mistakes(right, [given[i] for i in kept], rtol=rtol, atol=atol)
    if together is not None:
        merged = {frozenset(entry[0]) for entry in stored if isinstance(entry[0], list)}
        if merged != {frozenset(group) for group in together}:
            raise NotSeparated(f"stored together {sorted(map(sorted, merged))}, expected {together}")
    return stored


def _accepted(right, answers, tolerance, what: str) -> None:
    """Prove that every answer the contract calls correct passes the comparison."""
    rtol, atol = tolerance
    for name, answer in answers:
        accepts(right, answer, rtol=rtol, atol=atol, what=f"{what} ({name})")


def _logistic(z):
    return 1.0 / (1.0 + np.exp(-z))


def _kinds(group: str, seed: int, kinds: list[tuple[str, Callable]]) -> list[dict]:
    """One case of each kind of a group, drawn from ``seed`` (each kind from its own stream)."""
    # (the type: ignore: mypy cannot infer a lambda whose defaults bind the loop's variables)
    return [draw_separated(lambda rng, label=label, make=make: make(rng, label), seed, group, index)  # type: ignore[misc]
            for index, (label, make) in enumerate(kinds)]


def _example(make: Callable, *args, **kwargs) -> dict:
    """A public example: fixed inputs, proven like a hidden case (failing to is a bug here)."""
    try:
        return make(*args, **kwargs)
    except NotSeparated as problem:
        raise RuntimeError(f"a public example is not separated: {problem}") from None


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


def _above_only(v: np.ndarray, formula) -> np.ndarray:
    """A formula applied above the threshold, 0 at and below it (as every mistake here keeps)."""
    result = np.zeros_like(v)
    above = v > 1.0
    result[above] = formula(v[above])
    return result


def _lif_float32(v: np.ndarray, tau_ref: float, tau_m: float) -> list:
    """What correct float32 solutions return: the formula, and the one with log1p."""
    v32, ref32, m32 = v.astype(np.float32), np.float32(tau_ref), np.float32(tau_m)
    one = np.float32(1.0)
    return [("float32", _above_only(v32, lambda u: one / (ref32 - m32 * np.log(one - one / u)))),
            ("float32 with log1p", _above_only(v32, lambda u: one / (ref32 - m32 * np.log1p(-one / u))))]


def _lif_case(label: str, v_in, tau_ref=None, tau_m=None) -> dict:
    """``tau_ref`` and ``tau_m`` of None: the call passes ``v_in`` alone (the defaults)."""
    use_ref = DEFAULT_TAU_REF if tau_ref is None else tau_ref
    use_m = DEFAULT_TAU_M if tau_m is None else tau_m
    v = _array(v_in)
    rate = _array(lif_firing_rate(v, use_ref, use_m))
    log = lambda u: np.log(1.0 - 1.0 / u)  # noqa: E731
    candidates = [
        ("tau_arguments_ignored", _above_only(v, lambda u: 1.0 / (DEFAULT_TAU_REF - DEFAULT_TAU_M * log(u)))),
        ("log10_instead_of_ln", _above_only(v, lambda u: 1.0 / (use_ref - use_m * np.log10(1.0 - 1.0 / u)))),
        ("time_constants_swapped", _above_only(v, lambda u: 1.0 / (use_m - use_ref * log(u)))),
        ("interval_instead_of_rate", _above_only(v, lambda u: use_ref - use_m * log(u))),
        ("plus_instead_of_minus", _above_only(v, lambda u: 1.0 / (use_ref + use_m * log(u)))),
        ("refractory_period_left_out", _above_only(v, lambda u: 1.0 / (-use_m * log(u)))),
    ]
    _accepted(rate, _lif_float32(v, use_ref, use_m), TOLERANCE, "the LIF rate")
    return {"label": label, "v_in": _plain(v), "tau_ref": tau_ref, "tau_m": tau_m, "rate": _plain(rate),
            "tolerance": {"rate": list(TOLERANCE)},
            "mistakes": {"rate": _stored(rate, candidates, TOLERANCE)}}


def _time_constants(rng) -> tuple[float, float]:
    return float(rng.uniform(0.001, 0.005)), float(rng.uniform(0.01, 0.05))


def _above_threshold(rng, size) -> np.ndarray:
    """Inputs from just above the threshold to 50, denser near it where the rate changes fast.

    The contract allows inputs from 1.001; below about 1.02 a float32 solution's rounding of
    ``1 - 1/v_in`` reaches the tolerance, so the draws start there."""
    return 1.0 + np.exp(rng.uniform(np.log(0.02), np.log(49.0), size))


def _lif_specials(rng, label):
    v = np.concatenate([[-1.0, 0.0, 0.5, 1.0], rng.uniform(-5.0, 1.0, 3), _above_threshold(rng, 8)])
    return _lif_case(label, rng.permutation(v), *_time_constants(rng))


def _lif_matrix(rng, label):
    rows, columns = int(rng.integers(2, 5)), int(rng.integers(3, 6))
    v = np.where(rng.random((rows, columns)) < 0.5, rng.uniform(-5.0, 1.0, (rows, columns)),
                 _above_threshold(rng, (rows, columns)))
    v.flat[int(rng.integers(v.size))] = 1.0  # the threshold itself, somewhere
    if not ((v <= 1.0).any() and (v > 1.0).any()):
        raise NotSeparated("the matrix should have inputs on both sides of the threshold")
    return _lif_case(label, v, *_time_constants(rng))


def _lif_defaults_passed(rng, label):
    return _lif_case(label, _above_threshold(rng, int(rng.integers(4, 9))), DEFAULT_TAU_REF, DEFAULT_TAU_M)


def _lif_alone(rng, label):
    v = np.concatenate([rng.uniform(-5.0, 1.0, 2), _above_threshold(rng, int(rng.integers(3, 7)))])
    return _lif_case(label, rng.permutation(v))


def _lif_scalar(value: Callable[[Any], Any]) -> Callable:
    return lambda rng, label: _lif_case(label, float(value(rng)), *_time_constants(rng))


LIF_KINDS = [
    ("a vector of inputs on both sides of the threshold, among them minus one, zero, one half and the "
     "threshold itself", _lif_specials),
    ("a matrix of inputs on both sides of the threshold", _lif_matrix),
    ("inputs above the threshold, with the typical time constants passed explicitly", _lif_defaults_passed),
    ("a vector of inputs passed alone, so that the default time constants apply", _lif_alone),
    ("a single float above the threshold", _lif_scalar(lambda rng: _above_threshold(rng, None))),
    ("the single float at the threshold itself", _lif_scalar(lambda rng: 1.0)),
    ("a single float between zero and the threshold", _lif_scalar(lambda rng: rng.uniform(0.05, 0.95))),
    ("a single negative float", _lif_scalar(lambda rng: rng.uniform(-5.0, -0.1))),
    ("the single float zero", _lif_scalar(lambda rng: 0.0)),
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


def _softmax_case(label: str, z, *, notes: bool = False) -> dict:
    z = _array(z)
    right = softmax(z)
    e = np.exp(z)
    candidates = [
        ("normalised_over_the_whole_batch", e / e.sum()),
        ("normalised_over_columns", e / e.sum(axis=0, keepdims=True)),
        ("exponentials_not_normalised", e),
        ("normalised_without_exponentials", z / z.sum(axis=-1, keepdims=True)),
        ("log_of_the_softmax", np.log(right)),
        ("result_rounded", np.round(right, 2)),
        ("result_rounded", np.round(right, 3)),
        ("result_rounded", NOTES_ROUNDED_SOFTMAX if notes else None),
    ]
    z32 = z.astype(np.float32)
    e32 = np.exp(z32 - z32.max(axis=-1, keepdims=True))
    _accepted(right, [("float32", np.exp(z32) / np.exp(z32).sum(axis=-1, keepdims=True)),
                      ("float32, row maximum subtracted", e32 / e32.sum(axis=-1, keepdims=True))],
              TOLERANCE, "softmax")
    return {"label": label, "z": _plain(z), "y": _plain(right), "tolerance": {"y": list(TOLERANCE)},
            "mistakes": {"y": _stored(right, candidates, TOLERANCE)}}


def _logits(rng, shape, scale: float = 3.0) -> np.ndarray:
    return np.clip(rng.normal(0.0, scale, shape), -50.0, 50.0)


def _rows_and_columns(rng, low: int = 3, high: int = 6) -> tuple[int, int]:
    """A batch shape that is not square, so that rows and columns cannot be confused."""
    rows, columns = (int(k) for k in rng.choice(np.arange(low, high + 1), 2, replace=False))
    return rows, columns


SOFTMAX_KINDS = [
    ("one vector of logits", lambda rng, label: _softmax_case(label, _logits(rng, int(rng.integers(3, 9))))),
    ("a batch of several rows with logits as large as the exercise allows",
     lambda rng, label: _softmax_case(label, rng.uniform(-50.0, 50.0, _rows_and_columns(rng)))),
    ("a batch of a single row",
     lambda rng, label: _softmax_case(label, _logits(rng, (1, int(rng.integers(3, 9)))))),
    ("a batch of rows of two logits",
     lambda rng, label: _softmax_case(label, _logits(rng, (int(rng.integers(3, 8)), 2)))),
    ("a batch whose rows are shifted by large constants of their own",
     lambda rng, label: _softmax_case(label, np.clip(
         _logits(rng, (n := int(rng.integers(3, 6)), int(rng.integers(4, 8))), 1.0)
         + rng.uniform(-40.0, 40.0, (n, 1)), -50.0, 50.0))),
]


def _one_hot_case(label: str, z, *, blind=None, together=None) -> dict:
    z = _array(z)
    right = one_hot(z)
    rows = np.sort(z, axis=-1)
    if (rows[..., -1] - rows[..., -2] < 1e-3).any():
        raise NotSeparated("a row without a clear largest entry")
    flat = np.zeros(z.size)
    flat[np.argmax(z)] = 1.0
    candidates = [
        ("index_instead_of_vector", np.argmax(z, axis=-1).astype(np.float64)),
        ("maximum_kept_instead_of_one", right * z),
        ("one_at_the_smallest_entry", one_hot(-z)),
        ("one_over_the_whole_batch", flat.reshape(z.shape)),
        ("one_per_column", (z == z.max(axis=0, keepdims=True)).astype(np.float64)),
        ("softmax_instead_of_one_hot", softmax(z)),
    ]
    return {"label": label, "z": _plain(z), "y": _plain(right), "tolerance": {"y": list(TOLERANCE)},
            "mistakes": {"y": _stored(right, candidates, TOLERANCE, blind=blind, together=together)}}


def _one_hot_kind(shape: Callable, *, blind=(), negative: bool = False) -> Callable:
    def make(rng, label):
        z = rng.normal(0.0, 2.0, shape(rng))
        if negative:
            z = -np.abs(z) - 0.5
        return _one_hot_case(label, z, blind=blind, together=())

    return make


ONE_HOT_KINDS = [
    ("one vector of entries", _one_hot_kind(lambda rng: int(rng.integers(4, 9)),
                                            blind=("one_over_the_whole_batch", "one_per_column"))),
    ("a batch of several rows", _one_hot_kind(_rows_and_columns)),
    ("a batch of a single row", _one_hot_kind(lambda rng: (1, int(rng.integers(4, 9))),
                                              blind=("one_over_the_whole_batch",))),
    ("a batch of rows of negative entries", _one_hot_kind(_rows_and_columns, negative=True)),
]


# ---------------------------------------------------------------------------------------
# 3. Losses (notes L594-668): one number, the mean over the samples.
# ---------------------------------------------------------------------------------------

SMALL_EPS, LARGE_EPS = 1e-6, 1e-3  # a guard the contract accepts, and one it calls wrong


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


def _loss_case(label: str, y, t, right: float, candidates: list, correct: list, tolerance, *,
               blind=None) -> dict:
    _accepted(right, correct, tolerance, label)
    return {"label": label, "y": _plain(y), "t": _plain(t), "loss": right, "tolerance": {"loss": list(tolerance)},
            "mistakes": {"loss": _stored(right, candidates, tolerance, blind=blind)}}


def _mse_case(label: str, y, t) -> dict:
    y, t = _array(y), _array(t)
    n, k = y.shape
    squared = (y - t) ** 2
    candidates = [
        ("mean_over_components_too", 0.5 * squared.mean()),
        ("mean_over_components_instead_of_samples", 0.5 * squared.sum() / k),
        ("half_missing", squared.sum(axis=1).mean()),
        ("sum_instead_of_mean", 0.5 * squared.sum()),
        ("pytorch_mse_loss", squared.mean()),
        ("norm_not_squared", 0.5 * np.sqrt(squared.sum(axis=1)).mean()),
        ("absolute_instead_of_squared", 0.5 * np.abs(y - t).sum(axis=1).mean()),
    ]
    d32 = (y.astype(np.float32) - t.astype(np.float32))
    correct = [("float32", np.float32(0.5) * (d32 * d32).sum(axis=1).mean())]
    return _loss_case(label, y, t, mse_loss(y, t), candidates, correct, TOLERANCE)


def _mse_kind(shape: Callable) -> Callable:
    return lambda rng, label: _mse_case(label, *rng.uniform(-10.0, 10.0, (2, *shape(rng))))


def _samples_and_components(rng) -> tuple[int, int]:
    """N and K of at least 3 with N != K and N != 2K: every mistake then has its own answer
    (dividing by K instead of N would equal the right answer at N = K, a missing 1/2 at N = 2K;
    F.mse_loss equals the right answer at K = 2)."""
    while True:
        n, k = int(rng.integers(3, 9)), int(rng.integers(3, 7))
        if n not in (k, 2 * k):
            return n, k


MSE_KINDS = [
    ("several samples of several components", _mse_kind(_samples_and_components)),
    ("several samples of one component", _mse_kind(lambda rng: (int(rng.integers(3, 9)), 1))),
    ("one sample of several components", _mse_kind(lambda rng: (1, int(rng.integers(3, 7))))),
    ("one sample of one component", _mse_kind(lambda rng: (1, 1))),
]


def _bce_terms(y, t, log=np.log):
    return t * log(y) + (1.0 - t) * log(1.0 - y)


def _bce_case(label: str, y, t, tolerance, *, blind=None) -> dict:
    y, t = _array(y), _array(t)
    right = binary_cross_entropy(y, t)
    clipped = np.clip(y, LARGE_EPS, 1.0 - LARGE_EPS)
    logistic = _logistic(y)
    candidates = [
        ("sum_instead_of_mean", -_bce_terms(y, t).sum()),
        ("sign_flipped", _bce_terms(y, t).mean()),
        ("log10_instead_of_ln", -_bce_terms(y, t, np.log10).mean()),
        ("second_term_missing", -np.mean(t * np.log(y))),
        ("terms_swapped", -np.mean(t * np.log(1.0 - y) + (1.0 - t) * np.log(y))),
        ("clipped_too_far", -_bce_terms(clipped, t).mean()),
        ("epsilon_too_large", -np.mean(t * np.log(y + LARGE_EPS) + (1.0 - t) * np.log(1.0 - y + LARGE_EPS))),
        ("logistic_applied_to_y", -_bce_terms(logistic, t).mean()),
    ]
    y32, t32 = y.astype(np.float32), t.astype(np.float32)
    one = np.float32(1.0)
    correct = [
        ("float32", -np.mean(t32 * np.log(y32) + (one - t32) * np.log(one - y32))),
        ("an epsilon of 1e-6 added", -np.mean(t * np.log(y + SMALL_EPS) + (1.0 - t) * np.log(1.0 - y + SMALL_EPS))),
        ("an epsilon of 1e-7 added", -np.mean(t * np.log(y + 1e-7) + (1.0 - t) * np.log(1.0 - y + 1e-7))),
        ("log(max(y, 1e-6))", -np.mean(t * np.log(np.maximum(y, SMALL_EPS))
                                       + (1.0 - t) * np.log(np.maximum(1.0 - y, SMALL_EPS)))),
        ("clipped at 1e-6", -_bce_terms(np.clip(y, SMALL_EPS, 1.0 - SMALL_EPS), t).mean()),
        ("float32, an epsilon of 1e-6 added",
         -np.mean(t32 * np.log(y32 + np.float32(SMALL_EPS)) + (one - t32) * np.log(one - y32 + np.float32(SMALL_EPS)))),
    ]
    return _loss_case(label, y, t, right, candidates, correct, tolerance, blind=blind)


def _float32_exact(values) -> np.ndarray:
    """Probabilities a float32 solution reads without rounding, so that its ``1 - y`` is exact
    near 1 (Sterbenz) and a float32 answer stays within the tolerance."""
    return np.asarray(values, dtype=np.float32).astype(np.float64)


# Probabilities between 0.05 and 0.95: an epsilon of 1e-6 moves each log by at most 2e-5, which
# the absolute tolerance absorbs; a guard of 1e-3 moves it by 1e-3 at least.
LOG_TOLERANCE = (1e-5, 5e-5)
# Confident outputs within 6e-4 of 0 or 1: there an epsilon of 1e-6 moves a log by up to
# 5e-3, a thousandth of the loss of a confidently wrong sample, which every such case has; a
# clip at 1e-3 moves it by 0.5 at least.
CONFIDENT_TOLERANCE = (2e-3, 1e-6)


def _bce_kind(shape: Callable, blind: tuple[str, ...]) -> Callable:
    """Outputs between 0.05 and 0.95; targets of both classes in a batch, 0 for a single sample
    (with t = 1 a missing (1 - t) ln(1 - y) term would change nothing)."""

    def make(rng, label):
        size = shape(rng)
        t = rng.integers(0, 2, size).astype(np.float64) if np.prod(size) > 1 else np.zeros(size)
        return _bce_case(label, _float32_exact(rng.uniform(0.05, 0.95, size)), t, LOG_TOLERANCE, blind=blind)

    return make


def _confident_bce(rng, label):
    """Confident outputs, right and wrong, for both targets: y close to 0 or to 1."""
    n = int(rng.integers(6, 11))
    kinds = np.concatenate([np.arange(4), rng.integers(0, 4, n - 4)])  # each of the four at least once
    rng.shuffle(kinds)
    near_zero = rng.uniform(2e-4, 6e-4, n)
    y = np.where(kinds % 2 == 0, near_zero, 1.0 - near_zero)  # even: y near 0, odd: near 1
    t = np.where(kinds < 2, (kinds % 2).astype(float), 1.0 - kinds % 2)  # 0, 1: right; 2, 3: wrong
    return _bce_case(label, _float32_exact(y), t, CONFIDENT_TOLERANCE, blind=())


BCE_KINDS = [
    ("a batch of samples as a flat vector", _bce_kind(lambda rng: int(rng.integers(4, 11)), ("clipped_too_far",))),
    ("a batch of samples as a column", _bce_kind(lambda rng: (int(rng.integers(4, 11)), 1), ("clipped_too_far",))),
    ("a single sample", _bce_kind(lambda rng: 1, ("sum_instead_of_mean", "clipped_too_far"))),
    ("confident outputs, right and wrong, close to zero and to one", _confident_bce),
]


def _cce_case(label: str, y, t, tolerance) -> dict:
    y, t = _array(y), _array(t)
    right = categorical_cross_entropy(y, t)
    log_y = np.log(y)
    shifted = y - y.max(axis=1, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    candidates = [
        ("mean_over_classes_too", -np.mean(t * log_y)),
        ("sum_instead_of_mean", -np.sum(t * log_y)),
        ("sign_flipped", np.sum(t * log_y, axis=1).mean()),
        ("log10_instead_of_ln", -np.sum(t * np.log10(y), axis=1).mean()),
        ("softmax_applied_to_y", -np.sum(t * log_softmax, axis=1).mean()),
        ("targets_left_out", -np.sum(log_y, axis=1).mean()),
        ("binary_terms_added", -np.sum(t * log_y + (1.0 - t) * np.log(1.0 - y), axis=1).mean()),
        ("clipped_too_far", -np.sum(t * np.log(np.clip(y, LARGE_EPS, 1.0 - LARGE_EPS)), axis=1).mean()),
        ("epsilon_too_large", -np.sum(t * np.log(y + LARGE_EPS), axis=1).mean()),
    ]
    y32, t32 = y.astype(np.float32), t.astype(np.float32)
    correct = [
        ("float32", -(t32 * np.log(y32)).sum(axis=1).mean()),
        ("an epsilon of 1e-6 added", -np.sum(t * np.log(y + SMALL_EPS), axis=1).mean()),
        ("an epsilon of 1e-7 added", -np.sum(t * np.log(y + 1e-7), axis=1).mean()),
        ("log(max(y, 1e-6))", -np.sum(t * np.log(np.maximum(y, SMALL_EPS)), axis=1).mean()),
        ("clipped at 1e-7", -np.sum(t * np.log(np.clip(y, 1e-7, 1.0 - 1e-7)), axis=1).mean()),
        ("float32, an epsilon of 1e-6 added", -(t32 * np.log(y32 + np.float32(SMALL_EPS))).sum(axis=1).mean()),
    ]
    return _loss_case(label, y, t, right, candidates, correct, tolerance)


def _probabilities(rng, n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Softmax rows and one-hot targets whose true class has a probability between 0.05 and
    0.95 (an epsilon of 1e-6 then moves its log by 2e-5 at most), every entry above 1e-4."""
    y, t = np.zeros((n, k)), np.zeros((n, k))
    for row in range(n):
        while True:
            p = softmax(rng.normal(0.0, 1.5, k))
            candidates = np.flatnonzero((p >= 0.05) & (p <= 0.95))
            if p.min() > 1e-4 and candidates.size:
                break
        y[row], t[row, rng.choice(candidates)] = p, 1.0
    return y, t


def _cce_kind(shape: Callable) -> Callable:
    return lambda rng, label: _cce_case(label, *_probabilities(rng, *shape(rng)), LOG_TOLERANCE)


def _confident_cce(rng, label):
    """Rows whose true class gets more than 0.999 (right) or about 4e-4 (wrong), both at least
    once; a wrong row gives most of the rest to one other class."""
    n, k = int(rng.integers(3, 8)), int(rng.integers(3, 7))
    wrong = np.concatenate([[True, False], rng.random(n - 2) < 0.5])
    rng.shuffle(wrong)
    y, t = np.zeros((n, k)), np.zeros((n, k))
    for row in range(n):
        true = int(rng.integers(k))
        others = [c for c in range(k) if c != true]
        share = rng.dirichlet(np.ones(k - 1))
        if wrong[row]:
            p_true = rng.uniform(2e-4, 6e-4)
            share = 0.2 * share + 0.8 * (np.arange(k - 1) == rng.integers(k - 1))
        else:
            p_true = 1.0 - rng.uniform(2e-4, 9e-4)
        y[row, others] = (1.0 - p_true) * share
        y[row, true], t[row, true] = p_true, 1.0
    return _cce_case(label, y, t, CONFIDENT_TOLERANCE)


CCE_KINDS = [
    ("a batch of several samples", _cce_kind(lambda rng: (int(rng.integers(3, 9)), int(rng.integers(3, 7))))),
    ("a single sample", _cce_kind(lambda rng: (1, int(rng.integers(3, 7))))),
    ("a batch with many classes", _cce_kind(lambda rng: (int(rng.integers(3, 7)), int(rng.integers(8, 13))))),
    ("confident predictions, right and wrong", _confident_cce),
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


def _with_float32_copies(f, w: np.ndarray, delta: float) -> np.ndarray:
    """The central difference evaluated at float32 copies of w (the contract calls it wrong)."""
    result = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        plus, minus = w.astype(np.float32), w.astype(np.float32)
        plus[index] += delta
        minus[index] -= delta
        result[index] = (f(plus) - f(minus)) / (2.0 * delta)
    return result


def _difference_case(label: str, w, delta: float, spec: dict, *, low_precision_shows: bool) -> dict:
    """``low_precision_shows``: whether float32 copies of w must fail here or pass. A float32
    copy rounds w and, worse, the step: ``w[i] + delta`` in float32 is off by up to half a
    float32 unit of w[i], a relative error of about 3e-8 / delta in the step, so the quotient
    keeps about three digits at the small deltas and nearly all of them at the large ones.
    (The probe's f computes its polynomial terms in float64 whatever it is given, so this is
    plain IEEE arithmetic, the same on every machine; only a sine term would be computed in
    float32, by numpy's own sin, which differs between machines: where f has one, float32
    copies are neither stored nor proven.)"""
    w = _array(w)
    spec = {"shape": list(w.shape), **{key: _plain(value) if key != "constant" else float(value)
                                       for key, value in spec.items()}}
    f = _function_of(spec)
    right = finite_difference_gradient(f, w, delta)
    at_w = f(w)
    everything = (f(w + delta) - f(w - delta)) / (2.0 * delta)
    reproducible = "sine" not in spec
    float32_copies = _with_float32_copies(f, w, delta) if reproducible else None
    candidates = [
        ("forward_difference", _each_entry(w, lambda e: (f(w + delta * e) - at_w) / delta)),
        ("backward_difference", _each_entry(w, lambda e: (at_w - f(w - delta * e)) / delta)),
        ("two_delta_missing", _each_entry(w, lambda e: (f(w + delta * e) - f(w - delta * e)) / delta)),
        ("every_entry_perturbed_at_once", np.full(w.shape, everything)),
        # w_plus = w and w_minus = w: both perturbations land in one array and cancel, or the
        # second undoes the first before f sees it
        ("perturbed_through_an_alias", np.zeros(w.shape)),
        ("perturbed_through_an_alias", _each_entry(w, lambda e: (f(w + delta * e) - at_w) / (2.0 * delta))),
        ("result_flattened", right.reshape(-1) if w.ndim > 1 else None),
        ("evaluated_in_low_precision", float32_copies if low_precision_shows else None),
    ]
    if reproducible and not low_precision_shows:
        _accepted(right, [("float32 copies of w", float32_copies)], TOLERANCE, "the gradient")
    _accepted(right, [("stored in float32", right.astype(np.float32))], TOLERANCE, "the gradient")
    return {"label": label, "spec": spec, "w": _plain(w), "delta": delta, "gradient": _plain(right),
            "tolerance": {"gradient": list(TOLERANCE)},
            "mistakes": {"gradient": _stored(right, candidates, TOLERANCE)}}


def _weights(rng, shape) -> np.ndarray:
    """Weights between -1 and 1, away from 0 (where float32 rounds too finely to show)."""
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.2, 1.0, shape)


def _curved_spec(rng, shape) -> dict:
    """Coefficients with enough curvature that a one-sided difference misses by far more than
    the tolerance, even at the smallest delta."""
    return {"square": rng.choice([-1.0, 1.0], shape) * rng.uniform(1.5, 3.0, shape),
            "cube": rng.normal(0.0, 1.0, shape), "linear": rng.normal(0.0, 1.0, shape),
            "constant": float(rng.normal())}


def _difference_kind(shape: Callable, deltas: tuple[float, float], *, low_precision_shows: bool) -> Callable:
    """Deltas drawn log-uniformly from ``deltas``, within the contract's [1e-4, 0.1], with three
    significant digits (not powers of two, which float32 would add to w exactly)."""

    def make(rng, label):
        size = shape(rng)
        delta = float(f"{np.exp(rng.uniform(np.log(deltas[0]), np.log(deltas[1]))):.3g}")
        return _difference_case(label, _weights(rng, size), delta, _curved_spec(rng, size),
                                low_precision_shows=low_precision_shows)

    return make


SMALL_STEPS, LARGE_STEPS = (1e-4, 3e-4), (0.03, 0.1)
DIFFERENCE_KINDS = [
    ("a vector of weights and a small step",
     _difference_kind(lambda rng: int(rng.integers(3, 7)), SMALL_STEPS, low_precision_shows=True)),
    ("a weight matrix with more rows than columns",
     _difference_kind(lambda rng: (int(rng.integers(3, 5)), int(rng.integers(1, 3))), SMALL_STEPS,
                      low_precision_shows=True)),
    ("a weight matrix with more columns than rows",
     _difference_kind(lambda rng: (int(rng.integers(1, 3)), int(rng.integers(3, 5))), SMALL_STEPS,
                      low_precision_shows=True)),
    ("a single weight and a large step", _difference_kind(lambda rng: 1, LARGE_STEPS, low_precision_shows=False)),
]


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


def _right_derivative(z, out):
    return out * (1.0 - out)  # sigma'(z) = sigma(z) (1 - sigma(z)), from the layer's output


def _by_hand(X, T, W, a, M, b, *, hidden_derivative=_right_derivative, output_derivative=_right_derivative,
             scale=None, sign=1.0, bias=lambda d: d.sum(axis=0), hidden_bias=None, output_bias=None):
    """The backward pass written out, with the parts students get wrong as arguments:
    ``hidden_derivative(alpha, h)`` and ``output_derivative(beta, y)`` stand for sigma', ``scale``
    for what multiplies ``y - T`` (1/N in the right answer), ``bias`` for how a bias gradient
    comes from its layer's dE/dcurrent (the column sums)."""
    alpha = X @ W + a
    h = _logistic(alpha)
    beta = h @ M + b
    y = _logistic(beta)
    scale = 1.0 / len(X) if scale is None else scale
    d_beta = sign * (y - T) * output_derivative(beta, y) * scale
    d_alpha = hidden_derivative(alpha, h) * (d_beta @ M.T)
    return X.T @ d_alpha, (hidden_bias or bias)(d_alpha), h.T @ d_beta, (output_bias or bias)(d_beta)


def _backprop_mistakes(X, T, W, a, M, b) -> list:
    """``(key, four gradients)`` for each known mistake; a gradient the mistake leaves right is
    the right one (and is then left out of that field's stored mistakes)."""
    n, outputs = T.shape
    variants: list[tuple[str, dict[str, Any] | None]] = [
        ("hidden_derivative_missing", dict(hidden_derivative=lambda z, h: np.ones_like(h))),
        ("derivative_taken_at_h", dict(hidden_derivative=lambda z, h: _logistic(h) * (1.0 - _logistic(h)))),
        ("output_derivative_missing", dict(output_derivative=lambda z, y: np.ones_like(y))),
        ("mean_missing", dict(scale=1.0)),
        ("half_missing", dict(scale=2.0 / n)),
        ("mean_over_outputs_too", dict(scale=1.0 / (n * outputs))),
        ("sign_flipped", dict(sign=-1.0)),
        ("derivative_of_the_current_as_if_it_were_the_output",
         dict(hidden_derivative=lambda z, h: z * (1.0 - z), output_derivative=lambda z, y: z * (1.0 - z))),
        ("bias_gradient_from_the_first_sample", dict(bias=lambda d: d[0])),
        ("bias_gradient_averaged_again", dict(bias=lambda d: d.mean(axis=0))),
        # with one sample the gradient's one row is its sum, in a shape the exercise allows
        ("bias_gradient_not_summed", dict(bias=lambda d: d) if n > 1 else None),
    ]
    found = [(key, _by_hand(X, T, W, a, M, b, **changes)) for key, changes in variants if changes is not None]
    right = _by_hand(X, T, W, a, M, b)
    found.append(("weight_gradient_transposed", (right[0].T, right[1], right[2].T, right[3])))
    return found


def _network_case(label: str, X, T, W, a, M, b) -> dict:
    X, T, W, a, M, b = (_array(v) for v in (X, T, W, a, M, b))
    answers = backprop(X, T, W, a, M, b)
    wrong = _backprop_mistakes(X, T, W, a, M, b)
    f32 = [v.astype(np.float32) for v in (X, T, W, a, M, b)]
    float32 = _by_hand(*f32)
    for name, right, answer in zip(GRADIENT_NAMES, answers, float32):
        _accepted(right, [("float32", answer)], TOLERANCE, name)
    return {
        "label": label,
        **{name: _plain(value) for name, value in zip("XTWaMb", (X, T, W, a, M, b))},
        **{name: _plain(value) for name, value in zip(GRADIENT_NAMES, answers)},
        "tolerance": {name: list(TOLERANCE) for name in GRADIENT_NAMES},
        "mistakes": {name: _stored(answers[i], [(key, grads[i]) for key, grads in wrong], TOLERANCE)
                     for i, name in enumerate(GRADIENT_NAMES)},
    }


def _three_sizes(rng, fixed: dict | None = None) -> tuple[int, int, int]:
    """D, H and Y from 2 to 6, pairwise different (so a transposed matrix cannot fit by
    accident), with any of them fixed by ``fixed``."""
    fixed = fixed or {}
    free = [k for k in "DHY" if k not in fixed]
    pool = [v for v in range(2, 7) if v not in fixed.values()]
    drawn = dict(zip(free, (int(v) for v in rng.choice(pool, len(free), replace=False))))
    sizes = {**drawn, **fixed}
    return sizes["D"], sizes["H"], sizes["Y"]


def _backprop_kind(samples: tuple[int, int], *, fixed: dict | None = None, x_scale: float = 1.0,
                   soft: bool = True) -> Callable:
    def make(rng, label):
        n = int(rng.integers(samples[0], samples[1] + 1))
        d, h, y = _three_sizes(rng, fixed)
        if n == y:  # a 1/Y too many would then be a bias gradient averaged once more
            raise NotSeparated("as many samples as outputs")
        X = rng.normal(0.0, x_scale, (n, d))
        T = rng.uniform(0.0, 1.0, (n, y)) if soft else rng.integers(0, 2, (n, y)).astype(np.float64)
        W, a, M, b = rng.normal(size=(d, h)), rng.normal(size=h), rng.normal(size=(h, y)), rng.normal(size=y)
        alpha = X @ W + a
        if np.abs(alpha).max() >= 30 or np.abs(_logistic(alpha) @ M + b).max() >= 30:
            raise NotSeparated("currents beyond where the plain logistic is exact")
        return _network_case(label, X, T, W, a, M, b)

    return make


BACKPROP_KINDS = [
    ("a batch of samples with zero-one targets", _backprop_kind((3, 12), soft=False)),
    ("a single sample", _backprop_kind((1, 1))),
    ("a network with a single output", _backprop_kind((3, 12), fixed={"Y": 1})),
    ("a larger batch with soft targets and inputs of scale three", _backprop_kind((12, 20), x_scale=3.0)),
    ("a network with a single input", _backprop_kind((3, 12), fixed={"D": 1})),
]


# ---------------------------------------------------------------------------------------
# 6. The mini autodiff (notes §4, L802-1069): Var and operation classes.
# ---------------------------------------------------------------------------------------


class Var:
    """A node of the expression graph: its value, the derivative of the top expression with
    respect to it, and the operation that created it (None for a leaf)."""

    dtype: type[np.floating[Any]] = np.float64

    def __init__(self, val):
        self.val = np.array(val, dtype=self.dtype)
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
        s = np.asarray(s, dtype=self.dtype)
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


class _Float32Var(Var):
    """A correct Var that keeps every value and gradient in float32 (the contract accepts it)."""

    dtype = np.float32


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


class _StaleVar(Var):
    """evaluate recomputes the value but never stores it, while the operations' backward reads
    their arguments' val: the values of when the graph was built."""

    def evaluate(self):
        return self.val if self.creator is None else self.creator.evaluate()


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


class _LogisticSignFlipped(Logistic):
    """1 / (1 + exp(A)) for the logistic: its own derivative y (1 - y) is unchanged, the values
    it sends up are not."""

    def evaluate(self):
        (A,) = self.values()
        return _logistic(-A)

    def backward(self, s):
        (A,) = self.args
        y = _logistic(-A.val)
        A.backward(s * y * (1.0 - y))


def _without_s(operation):
    """The operation passing its local derivative down without multiplying it by s."""

    class WithoutS(operation):
        def backward(self, s):
            operation.backward(self, np.ones_like(np.asarray(s, dtype=np.float64)))

    return WithoutS


# (key, which class it replaces, the mistaken class), in the order checks try them
OPERATION_MISTAKES = [
    ("logistic_sign_flipped", "Logistic", _LogisticSignFlipped),
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
    """For each node: ``[(key, grad), ...]`` of every mistake that can run on this graph."""
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
    value = top.evaluate()
    case["value"] = _plain(value)
    once = _backward_run(case)
    twice = _backward_run(case, times=2)
    assert once is not None and twice is not None, "the right graph always runs"
    order = [case["top"]] + [name for name, _, _ in reversed(nodes[:-1])] + list(leaves)
    case["grads"] = [[name, _plain(once[name])] for name in order]
    case["grads_twice"] = [[name, _plain(twice[name])] for name in order]
    moved = build_graph(case, leaves_field="new_leaves")
    new_value = moved[case["top"]].evaluate()
    case["new_value"] = _plain(new_value)
    # a graph that caches: values at the old leaves, whatever the new ones
    cached = build_graph(case, var=_CachedVar)
    for name, leaf in case["new_leaves"]:
        cached[name].val = np.array(leaf)
    # correct in float32: every value and gradient kept in float32
    as32 = _backward_run(case, var=_Float32Var)
    as32_twice = _backward_run(case, var=_Float32Var, times=2)
    assert as32 is not None and as32_twice is not None, "a float32 graph always runs"
    _accepted(value, [("float32", build_graph(case, var=_Float32Var)[case["top"]].evaluate())], TOLERANCE, "value")
    _accepted(new_value, [("float32", build_graph(case, var=_Float32Var, leaves_field="new_leaves")
                           [case["top"]].evaluate())], TOLERANCE, "new value")
    for name in order:
        _accepted(once[name], [("float32", as32[name])], TOLERANCE, f"{name}.grad")
        _accepted(twice[name], [("float32", as32_twice[name])], TOLERANCE, f"{name}.grad twice")
    mistakes_once, mistakes_twice = _gradient_mistakes(case, 1), _gradient_mistakes(case, 2)
    fields = ["value", "new_value", "leaf"] + [f"grad {name}" for name in order] + [
        f"grad_twice {name}" for name in order]
    case["tolerance"] = {field: list(TOLERANCE) for field in fields}
    used = {operation for _, operation, _ in nodes}
    flipped = {"Logistic": _LogisticSignFlipped} if "Logistic" in used else None
    value_mistakes = lambda field: [("logistic_sign_flipped", build_graph(case, operations=flipped, leaves_field=field)  # noqa: E731
                                     [case["top"]].evaluate() if flipped else None)]
    case["mistakes"] = {
        "value": _stored(value, value_mistakes("leaves"), TOLERANCE),
        "new_value": _stored(new_value, [("value_cached_when_built", cached[case["top"]].evaluate()),
                                         *value_mistakes("new_leaves")], TOLERANCE),
        **{f"grad {name}": _stored(once[name], mistakes_once[name], TOLERANCE) for name in order},
        **{f"grad_twice {name}": _stored(twice[name], mistakes_twice[name], TOLERANCE) for name in order},
    }
    return case


def _graph_kind(expression: str, nodes: list, shapes: Callable) -> Callable:
    """A kind of expression graph: its nodes fixed, its leaves' shapes drawn by ``shapes(rng)``
    (a dict of leaf name to shape), their values, the new values and s drawn from normals."""

    def make(rng, label):
        shape_of = shapes(rng)
        leaves = {name: rng.normal(0.0, 1.0, shape) for name, shape in shape_of.items()}
        new_leaves = {name: rng.normal(0.0, 1.0, shape) for name, shape in shape_of.items()}
        probe = build_graph({"leaves": list(leaves.items()),
                             "nodes": [[n, o, list(a)] for n, o, a in nodes]})
        s = rng.normal(0.0, 1.0, np.shape(probe[nodes[-1][0]].val))
        return _autodiff_case(label, expression, leaves, nodes, s, new_leaves)

    return make


def _length(rng, low: int = 2, high: int = 6) -> int:
    return int(rng.integers(low, high + 1))


def _not_all_equal(rng) -> tuple[int, int, int]:
    """M, N and K of a product (M, N) @ (N, K), from 2 to 5, pairwise different."""
    m, n, k = (int(v) for v in rng.choice(np.arange(2, 6), 3, replace=False))
    return m, n, k


# (the type: ignore below: mypy cannot type a lambda called in place on a starred tuple)
AUTODIFF_KINDS = [
    ("the notes' expression sin(x) + x*y, on vectors",
     _graph_kind("f = sin(x) + x*y",
                 [("a", "Sin", ["x"]), ("b", "Mul", ["x", "y"]), ("f", "Plus", ["a", "b"])],
                 lambda rng: dict.fromkeys("xy", _length(rng)))),
    ("x + y * sin(x) on matrices, with leaves as first arguments",
     _graph_kind("e = x + y*sin(x)",
                 [("c", "Sin", ["x"]), ("m", "Mul", ["y", "c"]), ("e", "Plus", ["x", "m"])],
                 lambda rng: dict.fromkeys("xy", _rows_and_columns(rng, 2, 4)))),
    ("sin(A @ B) with a square B",
     _graph_kind("r = sin(A @ B)", [("p", "MatMul", ["A", "B"]), ("r", "Sin", ["p"])],
                 lambda rng: (lambda m, n: {"A": (m, n), "B": (n, n)})(*_rows_and_columns(rng, 2, 5)))),  # type: ignore[arg-type]
    ("A @ B with a square A",
     _graph_kind("k = A @ B", [("k", "MatMul", ["A", "B"])],
                 lambda rng: (lambda n, k: {"A": (n, n), "B": (n, k)})(*_rows_and_columns(rng, 2, 5)))),  # type: ignore[arg-type]
    ("logistic(X @ W)",
     _graph_kind("y = logistic(X @ W)", [("z", "MatMul", ["X", "W"]), ("y", "Logistic", ["z"])],
                 lambda rng: (lambda m, n, k: {"X": (m, n), "W": (n, k)})(*_not_all_equal(rng)))),  # type: ignore[arg-type]
    ("A @ B + A @ C, where A is used twice",
     _graph_kind("g = A @ B + A @ C",
                 [("p", "MatMul", ["A", "B"]), ("q", "MatMul", ["A", "C"]), ("g", "Plus", ["p", "q"])],
                 lambda rng: (lambda m, n, k: {"A": (m, n), "B": (n, k), "C": (n, k)})(*_not_all_equal(rng)))),  # type: ignore[arg-type]
    ("x*x, one operation taking x twice",
     _graph_kind("q = x*x", [("q", "Mul", ["x", "x"])],
                 lambda rng: {"x": _rows_and_columns(rng, 2, 4)})),
    ("sin(logistic(x*y + x)) on vectors",
     _graph_kind("h = sin(logistic(x*y + x))",
                 [("m", "Mul", ["x", "y"]), ("p", "Plus", ["m", "x"]), ("l", "Logistic", ["p"]),
                  ("h", "Sin", ["l"])],
                 lambda rng: dict.fromkeys("xy", _length(rng)))),
    ("sin(x) * logistic(x) on a single number",
     _graph_kind("u = sin(x) * logistic(x)",
                 [("a", "Sin", ["x"]), ("b", "Logistic", ["x"]), ("u", "Mul", ["a", "b"])],
                 lambda rng: {"x": (1,)})),
    ("a two-layer network, logistic(logistic(X @ W) @ M)",
     _graph_kind("out = logistic(logistic(X @ W) @ M)",
                 [("z", "MatMul", ["X", "W"]), ("h", "Logistic", ["z"]), ("beta", "MatMul", ["h", "M"]),
                  ("out", "Logistic", ["beta"])],
                 lambda rng: (lambda n, d, h, y: {"X": (n, d), "W": (d, h), "M": (h, y)})(
                     *(int(v) for v in rng.choice(np.arange(2, 7), 4, replace=False))))),  # type: ignore[arg-type]
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
            v.val = np.array(point, dtype=getattr(var, "dtype", np.float64))
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
    right, as32 = _descent_run(case, points), _descent_run(case, points, var=_Float32Var)
    assert right is not None and as32 is not None, "the right graph always runs, in float32 too"
    values, grads = right
    for step in range(DESCENT_STEPS):
        _accepted(values[step], [("float32", as32[0][step])], TOLERANCE, f"E at step {step}")
        _accepted(grads[step], [("float32", as32[1][step])], TOLERANCE, f"v.grad at step {step}")
    case["points"] = [_plain(p) for p in points]
    case["values"] = [_plain(value) for value in values]
    case["grads"] = [_plain(g) for g in grads]
    used = {operation for _, operation, _ in case["nodes"]}
    cached = _descent_run(case, points, var=_CachedVar)
    assert cached is not None, "a cached graph runs, only with stale values"
    tried = [("zero_grad_does_not_reach_every_var", _descent_run(case, points, var=_NonRecursiveZeroGradVar)),
             ("backward_uses_stale_values", _descent_run(case, points, var=_StaleVar)),
             *[(key, _descent_run(case, points, var=var)) for key, var in VAR_MISTAKES],
             *[(key, _descent_run(case, points, operations={replaced: mistaken}))
               for key, replaced, mistaken in OPERATION_MISTAKES if replaced in used]]
    runs = [(key, run) for key, run in tried if run is not None]
    case["tolerance"] = {"leaf": list(TOLERANCE),
                         **{f"value {step}": list(TOLERANCE) for step in range(DESCENT_STEPS)},
                         **{f"grad {step}": list(TOLERANCE) for step in range(DESCENT_STEPS)}}
    case["mistakes"] = {
        # the value is checked before the gradient at each step: a gradient is only compared
        # once evaluate() gave the right E, so a stale gradient there is backward's doing
        **{f"value {step}": _stored(values[step], [("value_cached_when_built", cached[0][step]),
                                                   *[(key, run[0][step]) for key, run in runs
                                                     if key == "logistic_sign_flipped"]], TOLERANCE)
           for step in range(DESCENT_STEPS)},
        **{f"grad {step}": _stored(grads[step], [(key, run[1][step]) for key, run in runs], TOLERANCE)
           for step in range(DESCENT_STEPS)},
    }
    return case


def _logistic_layer_descent(rng, label):
    n, m = _rows_and_columns(rng, 3, 6)
    X, T = rng.normal(0.0, 1.0, (n, m)), rng.uniform(0.0, 1.0, (n, 1))
    return _descent_case(label, "E = ones @ (r*r) with r = logistic(X @ v) + minus_T",
                         {"X": X, "v": rng.normal(0.0, 1.0, (m, 1)), "minus_T": -T, "ones": np.ones((1, n))},
                         [("z", "MatMul", ["X", "v"]), ("y", "Logistic", ["z"]), ("r", "Plus", ["y", "minus_T"]),
                          ("r2", "Mul", ["r", "r"]), ("E", "MatMul", ["ones", "r2"])],
                         "v", float(rng.uniform(0.2, 0.8)))


def _scalar_descent(rng, label):
    return _descent_case(label, "E = sin(v)*v + v*c",
                         {"v": rng.uniform(-2.0, 2.0, 1), "c": rng.normal(0.0, 1.0, 1)},
                         [("a", "Sin", ["v"]), ("b", "Mul", ["a", "v"]), ("d", "Mul", ["v", "c"]),
                          ("E", "Plus", ["b", "d"])],
                         "v", float(rng.uniform(0.05, 0.3)))


DESCENT_KINDS = [
    ("the summed squared error of a logistic layer, v a column of weights", _logistic_layer_descent),
    ("sin(v) * v + v * c on a single number", _scalar_descent),
]


# ---------------------------------------------------------------------------------------
# 7. Weight decay (notes L1612-1626).
# ---------------------------------------------------------------------------------------


def weight_decay_step(theta, grad, kappa, lam):
    """One gradient step on ``E + (lam/2) ||theta||^2``: ``theta - kappa grad - kappa lam theta``."""
    theta = np.asarray(theta, dtype=np.float64)
    return theta - kappa * np.asarray(grad, dtype=np.float64) - kappa * lam * theta


def _decay_case(label: str, theta, grad, kappa: float, lam: float) -> dict:
    theta, grad = _array(theta), _array(grad)
    right = weight_decay_step(theta, grad, kappa, lam)
    stepped = theta - kappa * grad
    candidates = [
        ("lam_read_as_the_product", stepped - lam * theta),
        ("half_of_the_decay", stepped - 0.5 * kappa * lam * theta),
        ("twice_the_decay", stepped - 2.0 * kappa * lam * theta),
        ("decay_after_the_step", stepped - kappa * lam * stepped),
        ("decay_added", stepped + kappa * lam * theta),
        ("decay_missing", stepped),
        ("step_size_missing_on_the_gradient", theta - grad - kappa * lam * theta),
    ]
    t32, g32 = theta.astype(np.float32), grad.astype(np.float32)
    _accepted(right, [("float32", t32 - np.float32(kappa) * g32 - np.float32(kappa * lam) * t32)],
              TOLERANCE, "the new theta")
    return {"label": label, "theta": _plain(theta), "grad": _plain(grad), "kappa": kappa, "lam": lam,
            "theta_new": _plain(right), "tolerance": {"theta_new": list(TOLERANCE)},
            "mistakes": {"theta_new": _stored(right, candidates, TOLERANCE)}}


def _decay_kind(shape: Callable, kappa: Callable, lam: Callable) -> Callable:
    def make(rng, label):
        size = shape(rng)
        return _decay_case(label, rng.normal(0.0, 2.0, size), rng.normal(0.0, 1.0, size),
                           float(kappa(rng)), float(lam(rng)))

    return make


DECAY_KINDS = [
    ("a vector of weights", _decay_kind(lambda rng: _length(rng, 3, 8), lambda rng: rng.uniform(0.01, 0.9),
                                        lambda rng: rng.uniform(0.05, 0.95))),
    ("a weight matrix", _decay_kind(lambda rng: _rows_and_columns(rng, 2, 5), lambda rng: rng.uniform(0.01, 0.9),
                                    lambda rng: rng.uniform(0.05, 0.95))),
    ("no decay, which is plain gradient descent",
     _decay_kind(lambda rng: _length(rng, 3, 8), lambda rng: rng.uniform(0.01, 0.9), lambda rng: 0.0)),
    ("the largest step size and decay the exercise allows",
     _decay_kind(lambda rng: _rows_and_columns(rng, 2, 4), lambda rng: 1.0, lambda rng: 1.0)),
]


# ---------------------------------------------------------------------------------------
# Hidden cases and the notebook's examples.
# ---------------------------------------------------------------------------------------

KINDS = {
    "lif_firing_rate": LIF_KINDS,
    "softmax": SOFTMAX_KINDS,
    "one_hot": ONE_HOT_KINDS,
    "mse_loss": MSE_KINDS,
    "binary_cross_entropy": BCE_KINDS,
    "categorical_cross_entropy": CCE_KINDS,
    "finite_difference_gradient": DIFFERENCE_KINDS,
    "backprop": BACKPROP_KINDS,
    "autodiff": AUTODIFF_KINDS,
    "autodiff_descent": DESCENT_KINDS,
    "weight_decay_step": DECAY_KINDS,
}


def hidden_cases(seed: int = 0) -> dict:
    """Every hidden case of one grading, drawn from ``seed``, keyed by graded name (the mini
    autodiff's classes share ``autodiff`` and ``autodiff_descent``)."""
    return {group: _kinds(group, seed, kinds) for group, kinds in KINDS.items()}


# The examples the notebook prints; its cells build the very same inputs.
EXAMPLE_V_IN = [0.5, 1.0, 1.5, 2.0, 5.0]
EXAMPLE_BATCH_LOGITS = [NOTES_LOGITS, [1.0, -0.5, 2.0, 0.0]]
EXAMPLE_MSE = ([[0.2, 0.9, 0.4], [0.7, 0.1, 0.3], [0.5, 0.5, 0.0]],
               [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
EXAMPLE_MSE_TALL = ([[1.0, 2.0, 0.5], [0.0, -1.0, 1.5], [2.5, 0.5, 0.0], [-0.5, 1.0, 1.0]],
                    [[0.5, 2.0, 1.0], [0.0, 0.0, 1.0], [2.0, 1.0, 0.5], [0.0, 1.0, 0.0]])
EXAMPLE_BCE = ([0.9, 0.2, 0.6, 0.3], [1.0, 0.0, 0.0, 1.0])
# confident outputs: 2**-11 (about 0.0005) for a sample of class 1, 1 - 2**-12 for one of class 0
EXAMPLE_BCE_CONFIDENT = ([2.0**-11, 1.0 - 2.0**-12, 0.75], [1.0, 0.0, 1.0])
EXAMPLE_CCE = ([[0.2, 0.1, 0.4, 0.3], [0.7, 0.1, 0.1, 0.1]], [[0.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 0.0]])
EXAMPLE_CCE_CONFIDENT = ([[2.0**-11, 1.0 - 2.0**-11 - 2.0**-12, 2.0**-12], [1.0 - 2.0**-11, 2.0**-12, 2.0**-12]],
                         [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
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
        "lif_firing_rate": [_example(_lif_case, "five inputs, the default time constants", EXAMPLE_V_IN),
                            _example(_lif_case, "the single float 2.0, tau_ref=0.004, tau_m=0.03", 2.0, 0.004, 0.03),
                            _example(_lif_case, "the single float 1.0, the threshold itself", 1.0, 0.002, 0.02)],
        "softmax": [_example(_softmax_case, "the notes' example z = [0.6, 3.4, -1.2, 0.05]", NOTES_LOGITS,
                             notes=True),
                    _example(_softmax_case, "a batch of two rows", EXAMPLE_BATCH_LOGITS)],
        "one_hot": [_example(_one_hot_case, "the notes' example z = [0.6, 3.4, -1.2, 0.05]", NOTES_LOGITS),
                    _example(_one_hot_case, "a batch of two rows", EXAMPLE_BATCH_LOGITS)],
        "mse_loss": [_example(_mse_case, "three samples of three components", *EXAMPLE_MSE),
                     _example(_mse_case, "four samples of three components", *EXAMPLE_MSE_TALL)],
        "binary_cross_entropy": [
            _example(_bce_case, "four samples", *EXAMPLE_BCE, LOG_TOLERANCE),
            _example(_bce_case, "three samples, two of them confident", *EXAMPLE_BCE_CONFIDENT, CONFIDENT_TOLERANCE)],
        "categorical_cross_entropy": [
            _example(_cce_case, "two samples, four classes", *EXAMPLE_CCE, LOG_TOLERANCE),
            _example(_cce_case, "two confident samples, three classes", *EXAMPLE_CCE_CONFIDENT,
                     CONFIDENT_TOLERANCE)],
        "finite_difference_gradient": [
            _example(_difference_case, "f(w) = sum(w**2) + sum(c * w), w of shape (3,), delta 2**-4",
                     [0.5, -1.25, 2.0], 2.0**-4, {"square": [1.0, 1.0, 1.0], "linear": [0.5, -1.0, 3.0]},
                     low_precision_shows=False),
            _example(_difference_case, "f(W) = sum(sin(W)) + sum(W**3), W of shape (2, 2), delta 2**-8",
                     [[0.25, -0.5], [1.0, 0.75]], 2.0**-8,
                     {"sine": [[1.0, 1.0], [1.0, 1.0]], "cube": [[1.0, 1.0], [1.0, 1.0]]},
                     low_precision_shows=False),
            _example(_difference_case, "f(W) = sum(W**3) - sum(W**2), W of shape (2, 3), delta 1e-4",
                     [[0.3, -0.7, 1.1], [0.45, -1.6, 0.05]], 1e-4,
                     {"cube": [[1.0] * 3] * 2, "square": [[-1.0] * 3] * 2}, low_precision_shows=True),
        ],
        "backprop": [_example(_network_case, "the notes' network: 3 inputs, 4 hidden, 2 outputs, three samples",
                              X, T, W, a, M, b)],
        "autodiff": [
            _example(_autodiff_case, "the notes' example f = sin(x) + x*y with x = [0.5], y = [2.0]",
                     "f = sin(x) + x*y",
                     {"x": np.array([0.5]), "y": np.array([2.0])},
                     [("a", "Sin", ["x"]), ("b", "Mul", ["x", "y"]), ("f", "Plus", ["a", "b"])],
                     np.array([1.0]), {"x": np.array([1.5]), "y": np.array([-1.0])}),
            _example(_autodiff_case, "y = logistic(X @ W), X (2, 3) and W (3, 2)", "y = logistic(X @ W)",
                     {"X": np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 0.0]]),
                      "W": np.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]])},
                     [("z", "MatMul", ["X", "W"]), ("y", "Logistic", ["z"])],
                     np.array([[1.0, -0.5], [2.0, 0.25]]),
                     {"X": np.array([[0.0, 1.0, 1.0], [-1.0, 0.5, 2.0]]),
                      "W": np.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]])}),
            _example(_autodiff_case, "k = sin(A @ B) with a square B, A (3, 2) and B (2, 2)",
                     "k = sin(A @ B)",
                     {"A": np.array([[1.0, -0.5], [0.25, 2.0], [-1.5, 0.5]]),
                      "B": np.array([[0.5, 1.0], [-1.0, 0.75]])},
                     [("p", "MatMul", ["A", "B"]), ("k", "Sin", ["p"])],
                     np.array([[1.0, 0.5], [-2.0, 1.5], [0.25, -1.0]]),
                     {"A": np.array([[0.5, 0.5], [-1.0, 1.0], [2.0, -0.25]]),
                      "B": np.array([[0.5, 1.0], [-1.0, 0.75]])}),
        ],
        "autodiff_descent": [
            _example(_descent_case, "E = v + sin(v*v), v = [1.0], step size 0.1",
                     "E = v + sin(v*v)",
                     {"v": np.array([1.0])}, [("m", "Mul", ["v", "v"]), ("a", "Sin", ["m"]),
                                              ("E", "Plus", ["v", "a"])], "v", 0.1),
        ],
        "weight_decay_step": [_example(_decay_case, "three weights, kappa 0.1, lam 0.5", *EXAMPLE_DECAY)],
    }
