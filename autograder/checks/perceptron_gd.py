"""Hidden checks of ``perceptron_gd``: one function per hidden test in the master notebook.

Each check runs the student's code on the hidden cases from the reference numbers and
explains the first thing that looks wrong. Known mistakes (a sign error, a mean instead of a
sum, losses recorded after the update, one step too few, per-sample updates, a gradient or
loss never reset, a hard-coded step size, a batch order drawn the wrong way) are recognised
by replaying them on the same inputs; the message names the mistake, never the expected
numbers. Where a check runs many small cases (sigmoid, loss, gradient, derivative), a
mistake is named only if it explains every case that differs, since on a single case two
mistakes can coincide.
"""

from __future__ import annotations

import numpy as np

from . import cases_for
from .values import (call, close, error_text, expect_close, expect_finite, expect_shape,
                     for_each_case, to_array, unpack)

ASSIGNMENT = "perceptron_gd"
WEIGHT_SHAPES = [(3,), (3, 1), (1, 3)]


def _cases(group: str, numbers: dict | None) -> list[dict]:
    return cases_for(ASSIGNMENT, group, numbers)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _call_with_hints(name: str, function, *args, hints=()):
    """``call``, adding advice when the student's error contains one of the ``hints``' words."""
    try:
        return call(name, function, *args)
    except AssertionError as error:
        for words, advice in hints:
            if words in error_text(error):
                raise AssertionError(f"{str(error).rstrip('.')}. {advice}") from None
        raise


def _compare_on_every_case(cases, compare, *, rtol: float, atol: float, advice: str) -> None:
    """Run ``compare(case) -> (what, got, want, diagnoses)`` on every case; explain what differs.

    A known mistake is named when it accounts for every case that differs: on one case two
    mistakes can give the same numbers (where the sigmoid saturates, the factor p(1 - p) and
    1 - p agree), but not on all of them. Otherwise the first differing case speaks alone.
    """
    differing = []
    for case in cases:
        try:
            what, got, want, diagnoses = compare(case)
            expect_finite(what, got)
        except AssertionError as failure:
            raise AssertionError(f"On a hidden case ({case['label']}): {failure}") from None
        want = np.asarray(want, dtype=np.float64)
        if not close(got, want, rtol=rtol, atol=atol):
            differing.append((case, what, got, want, diagnoses))
    if not differing:
        return
    case, what, got, want, diagnoses = differing[0]
    for index, (_, explanation) in enumerate(diagnoses):
        if all(close(g, np.asarray(d[index][0], dtype=np.float64), rtol=rtol, atol=atol)
               for _, _, g, _, d in differing):
            raise AssertionError(
                f"On a hidden case ({case['label']}): {what} differs from the reference: {explanation}"
            )
    try:
        expect_close(what, got, want, rtol=rtol, atol=atol, diagnoses=diagnoses, advice=advice)
    except AssertionError as failure:
        raise AssertionError(f"On a hidden case ({case['label']}): {failure}") from None


# --- sigmoid and grad_sigmoid ----------------------------------------------------------------


ELEMENTWISE_HINTS = [
    ("converted to Python scalars", "math.exp (like math.log) takes one number at a time; "
     "use np.exp, which works on whole arrays, elementwise."),
]


def _elementwise(name: str, function, case: dict) -> np.ndarray:
    x = np.asarray(case["x"], dtype=np.float64)
    result = to_array(f"{name}(x)", _call_with_hints(name, function, x.copy(), hints=ELEMENTWISE_HINTS))
    if result.shape != x.shape:
        raise AssertionError(
            f"{name}(x) has shape {result.shape} for an input of shape {x.shape}; it should "
            "work elementwise and keep the shape."
        )
    return result


def sigmoid_matches_reference(sigmoid, numbers: dict | None = None) -> None:
    """``sigmoid`` is ``1 / (1 + exp(-x))`` elementwise on unseen arrays."""

    def compare(case):
        x = np.asarray(case["x"], dtype=np.float64)
        got = _elementwise("sigmoid", sigmoid, case)
        want = np.asarray(case["sigmoid"])
        if np.isin(got, [0.0, 0.5, 1.0]).all() and not close(got, want, rtol=1e-6, atol=1e-7):
            raise AssertionError(
                "sigmoid(x) only takes the values 0 and 1 (and 1/2): that is the perceptron's "
                "step function. The sigmoid rises smoothly, 1 / (1 + exp(-x))."
            )
        with np.errstate(over="ignore"):
            return "sigmoid(x)", got, want, [
                (_sigmoid(-x), "it rises the wrong way: 1 / (1 + exp(x)), like exp(-x) / "
                 "(1 + exp(-x)), is 1 - sigmoid(x). The sigmoid is 1 / (1 + exp(-x)), near 1 "
                 "for large positive x."),
                (np.tanh(x), "that is tanh(x), which runs from -1 to 1; the sigmoid "
                 "1 / (1 + exp(-x)) runs from 0 to 1."),
            ]

    _compare_on_every_case(_cases("sigmoid", numbers), compare, rtol=1e-6, atol=1e-7,
                           advice="It should be 1 / (1 + exp(-x)) for every entry.")


def grad_sigmoid_matches_reference(grad_sigmoid, numbers: dict | None = None) -> None:
    """``grad_sigmoid`` is ``sigmoid(x) * (1 - sigmoid(x))`` elementwise on unseen arrays."""

    def compare(case):
        x = np.asarray(case["x"], dtype=np.float64)
        got = _elementwise("grad_sigmoid", grad_sigmoid, case)
        s = _sigmoid(x)
        return "grad_sigmoid(x)", got, np.asarray(case["grad_sigmoid"]), [
            (x * (1.0 - x), "the formula s * (1 - s) was applied to x itself; apply it to "
             "s = sigmoid(x)."),
            (-s * (1.0 - s), "the derivative has the wrong sign; the sigmoid is increasing."),
            (s * (1.0 + s), "it should be sigmoid(x) * (1 - sigmoid(x)), with a minus."),
            (s, "that is the sigmoid itself, not its derivative."),
            (1.0 - s, "that is exp(-x) / (1 + exp(-x)) = 1 - sigmoid(x): the denominator of "
             "the derivative, (1 + exp(-x)), should be squared."),
        ]

    _compare_on_every_case(_cases("sigmoid", numbers), compare, rtol=1e-6, atol=1e-7,
                           advice="It should be sigmoid(x) * (1 - sigmoid(x)) for every entry.")


# --- loss_i and grad_loss_i ------------------------------------------------------------------


def _sample(case: dict):
    """Fresh copies of one sample, shaped as the lab passes them: y_i is a (1,) array."""
    return (np.asarray(case["w"], dtype=np.float64), np.asarray(case["x_i"], dtype=np.float64),
            np.asarray(case["y_i"], dtype=np.float64))


def _single_number(what: str, value) -> float:
    array = to_array(what, value)
    if array.size != 1:
        raise AssertionError(
            f"{what} should be a single number (a float or a (1,) array), got shape {array.shape}."
        )
    expect_finite(what, array)
    return float(array.reshape(()))


def _student_loss(loss_i, w, x_i, y_i) -> float:
    return _single_number("loss_i", call("loss_i", loss_i, w.copy(), x_i.copy(), y_i.copy()))


def _student_gradient(grad_loss_i, w, x_i, y_i) -> np.ndarray:
    grad = to_array("grad_loss_i", call("grad_loss_i", grad_loss_i, w.copy(), x_i.copy(), y_i.copy()))
    if grad.size == 1:
        raise AssertionError(
            "grad_loss_i returned a single number; the gradient has one entry per weight, "
            "so it should be a vector like x_i."
        )
    expect_shape("grad_loss_i", grad, *WEIGHT_SHAPES)
    expect_finite("grad_loss_i", grad)
    return grad.reshape(-1)


def loss_i_matches_reference(loss_i, numbers: dict | None = None) -> None:
    """``loss_i`` is ``-(y ln p + (1 - y) ln(1 - p))`` on unseen samples of both labels."""

    def compare(case):
        w, x_i, y_i = _sample(case)
        try:
            got = _student_loss(loss_i, w, x_i, y_i)
        except AssertionError as error:
            if "NaN or infinity" not in str(error):
                raise
            raise AssertionError(
                f"{error} The cross-entropy of this sample is finite: its logarithms need "
                "p = sigmoid(w . x_i), strictly between 0 and 1 (ln of 0 or of a negative "
                "number is not a number)."
            ) from None
        p = _sigmoid(w @ x_i)
        y = float(y_i[0])
        right = case["loss"]
        return "loss_i", np.asarray([got]), np.asarray([right]), [
            ([-right], "the loss has the wrong sign; with ln p <= 0 the cross-entropy is "
             "never negative."),
            ([right / np.log(10.0)], "it looks like log10; use the natural logarithm."),
            ([-(y * np.log(1.0 - p) + (1.0 - y) * np.log(p))],
             "the two terms are swapped: y goes with ln p and (1 - y) with ln(1 - p)."),
            ([-y * np.log(p)], "the (1 - y) ln(1 - p) term is missing, so samples labelled "
             "0 cost nothing."),
            ([-(1.0 - y) * np.log(1.0 - p)], "the y ln p term is missing, so samples "
             "labelled 1 cost nothing."),
            ([(y - p) ** 2], "that is the squared error (y - p)^2; the loss here is the "
             "cross-entropy -(y ln p + (1 - y) ln(1 - p))."),
        ]

    _compare_on_every_case(
        _cases("loss_i", numbers), compare, rtol=1e-5, atol=1e-6,
        advice="With p = sigmoid(w . x_i), the loss is -(y_i ln p + (1 - y_i) ln(1 - p)).",
    )


def _gradient_diagnoses(w, x_i, y_i) -> list:
    p = _sigmoid(w @ x_i)
    y = float(y_i[0])
    return [
        ((y - p) * x_i, "the gradient has the wrong sign; it is -(y_i - p_i) x_i."),
        (-(y - p) * p * (1.0 - p) * x_i, "there is an extra factor p(1 - p): for the "
         "cross-entropy it cancels against the derivative of the logarithm."),
        (-(y - (1.0 - p)) * x_i, "p should be sigmoid(w . x_i), not sigmoid(-w . x_i)."),
        (-(y - w @ x_i) * x_i, "p should be sigmoid(w . x_i), not w . x_i itself."),
        (-y * (1.0 - p) * x_i, "only the y ln p term was differentiated; the (1 - y) ln(1 - p) "
         "term adds (1 - y) p x_i, and together they give -(y_i - p_i) x_i."),
    ]


def grad_loss_i_matches_reference(grad_loss_i, numbers: dict | None = None) -> None:
    """``grad_loss_i`` is ``-(y - p) x`` on unseen samples of both labels."""

    def compare(case):
        w, x_i, y_i = _sample(case)
        got = _student_gradient(grad_loss_i, w, x_i, y_i)
        return "grad_loss_i", got, np.asarray(case["grad"]), _gradient_diagnoses(w, x_i, y_i)

    _compare_on_every_case(_cases("loss_i", numbers), compare, rtol=1e-5, atol=1e-7,
                           advice="With p = sigmoid(w . x_i), the gradient is -(y_i - p) x_i.")


FD_STEP = 1e-3  # large enough for a float32 loss, small enough for a 1e-3 tolerance


def grad_loss_i_matches_finite_differences(loss_i, grad_loss_i, numbers: dict | None = None) -> None:
    """``grad_loss_i`` agrees with central differences of the student's own ``loss_i``.

    This grades the consistency of the pair, so a right gradient passes whatever ``loss_i``
    does (a wrong loss costs points in its own question only), and a gradient that matches a
    wrong loss of the student's own keeps this test's credit.
    """

    def check(case):
        w, x_i, y_i = _sample(case)
        got = _student_gradient(grad_loss_i, w, x_i, y_i)
        if close(got, np.asarray(case["grad"], dtype=np.float64), rtol=1e-5, atol=1e-7):
            return
        slopes = np.zeros(3)
        for k in range(3):
            step = np.zeros(3)
            step[k] = FD_STEP
            up = _student_loss(loss_i, w + step, x_i, y_i)
            down = _student_loss(loss_i, w - step, x_i, y_i)
            slopes[k] = (up - down) / (2.0 * FD_STEP)
        if np.allclose(got, slopes, rtol=1e-3, atol=1e-3):
            return
        if np.allclose(got, -slopes, rtol=1e-3, atol=1e-3):
            raise AssertionError(
                "grad_loss_i is minus the slope of your loss_i; one of the two has a sign error."
            )
        raise AssertionError(
            "grad_loss_i does not match the slope of your own loss_i measured by finite "
            "differences, (loss_i(w + h e_k) - loss_i(w - h e_k)) / 2h. If loss_i passes its "
            "tests, the gradient is off; otherwise fix loss_i first."
        )

    for_each_case(_cases("loss_i", numbers), check)


# --- gradient descent ------------------------------------------------------------------------


def _data(case: dict):
    X = np.asarray(case["X"], dtype=np.float64)
    y = np.asarray(case["y"], dtype=np.float64).reshape(-1, 1)  # (N, 1), as the lab makes it
    return X, y


def _loss(w, X, labels) -> float:
    """``L(w)``, computed stably: a replayed mistake that overflows a plain log stays finite."""
    z = X @ w
    return float(np.sum(labels * np.logaddexp(0.0, -z) + (1.0 - labels) * np.logaddexp(0.0, z)))


def _gradient(w, X, labels) -> np.ndarray:
    return -(X.T @ (labels - _sigmoid(X @ w)))


def _broadcast_loss(w, X, labels) -> float:
    """The summed loss over the (N, N) array that y of shape (N, 1) against p of shape (N,) makes."""
    z = X @ w
    return float(labels.sum() * np.logaddexp(0.0, -z).sum()
                 + (1.0 - labels).sum() * np.logaddexp(0.0, z).sum())


def _descent(X, y, eta, T, *, sign=1.0, mean=False, per_sample=False, accumulate=False,
             loss=_loss):
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
                    w = w - eta * _gradient(w, X[i:i + 1], labels[i:i + 1])
                after.append(running)
            else:
                step = _gradient(w, X, labels) / (N if mean else 1)
                total = total + step if accumulate else step
                w = w - sign * eta * total
                after.append(loss(w, X, labels))
    return w, np.asarray(before), np.asarray(after)


LAB_ETA = 0.1  # the lab's step size, which students sometimes write in place of eta


def _descent_mistakes(X, y, eta, T) -> list[tuple[np.ndarray, np.ndarray, str]]:
    """(final w, losses, explanation) of each known mistake, replayed on the case's inputs."""
    N = X.shape[0]
    right_w, right, right_after = _descent(X, y, eta, T)
    ascent_w, ascent, _ = _descent(X, y, eta, T, sign=-1.0)
    mean_w, mean, _ = _descent(X, y, eta, T, mean=True)
    sample_w, sample, sample_running = _descent(X, y, eta, T, per_sample=True)
    mistakes = [
        (ascent_w, ascent, "the weights climb the loss (gradient ascent); the update is "
         "w <- w - eta * gradient, with a minus."),
        (mean_w, mean, "the gradient is averaged over the samples; use the sum over all samples."),
        (mean_w, mean / N, "the gradient and the loss are averaged over the samples; use "
         "the sums over all samples, as L(w) is defined."),
        (right_w, right / N, "the losses are averaged over the samples; L(w) is their sum."),
        (right_w, right_after, "each loss is recorded after its update; record L(w) before "
         "updating w, so losses[0] is the loss at w = 0."),
        (right_w, -right, "the losses have the wrong sign; the cross-entropy is never negative."),
        (sample_w, sample, "w is updated after every single sample (stochastic steps); "
         "full-batch descent sums the gradient over all samples, then makes one update."),
        (sample_w, sample_running, "w is updated after every single sample (stochastic steps), "
         "and each loss adds up loss_i at weights that change from sample to sample; "
         "full-batch descent sums the gradient over all samples, then makes one update."),
        (np.zeros_like(right_w), right, "the returned w is still the starting w = 0; return "
         "the weights after the T updates."),
    ]
    summed_w, summed, _ = _descent(X, y, eta, T, accumulate=True)
    mistakes += [
        (summed_w, summed, "the gradient is never reset, so each step adds the new gradient to "
         "all the earlier ones; set grad = 0 at the start of every step, inside the loop over t."),
        (right_w, np.cumsum(right), "the loss is never reset, so each recorded value adds up "
         "the earlier ones; set loss = 0 at the start of every step, inside the loop over t."),
        (right_w, _descent(X, y, eta, T, loss=_broadcast_loss)[1], "the losses are sums over "
         "an (N, N) array: with y of shape (N, 1) and p of shape (N,), y * np.log(p) "
         "broadcasts. Flatten y first (y.ravel())."),
    ]
    if eta != LAB_ETA:
        lab_w, lab, _ = _descent(X, y, LAB_ETA, T)
        mistakes.append((lab_w, lab, f"the step size looks fixed at the lab's {LAB_ETA}; use "
                         "the argument eta."))
    if T > 1:
        fewer_w, fewer, _ = _descent(X, y, eta, T - 1)
        mistakes.append((fewer_w, fewer, "one update too few; make exactly T updates."))
    more_w, more, _ = _descent(X, y, eta, T + 1)
    mistakes.append((more_w, more, "one update too many; make exactly T updates."))
    return mistakes


def _weights(what: str, value) -> np.ndarray:
    w = to_array(what, value)
    if w.size != 3:
        raise AssertionError(f"{what} has shape {w.shape}, expected 3 entries.{BROADCAST_HINT}")
    expect_shape(what, w, *WEIGHT_SHAPES)
    return w.reshape(-1)


def _expect_length(what: str, losses: np.ndarray, length: int, unit: str) -> None:
    if losses.size != length:
        raise AssertionError(
            f"{what} has {losses.size} values, expected {length}: one value of L(w) per "
            f"{unit}, recorded before the {unit}."
        )


DESCENT_ADVICE = (
    "Start from w = 0 and make exactly T updates w <- w - eta * grad L(w), with L and its "
    "gradient summed over all samples, and append L(w) before each update."
)


BROADCAST_HINT = (
    " y arrives with shape (N, 1): if you vectorise, flatten it first (y.ravel()), or y - p "
    "broadcasts to an (N, N) array."
)


INTEGER_WEIGHTS_HINT = (
    "w seems to hold integers (np.array([0, 0, 0]) makes an integer array), and an in-place "
    "update w -= ... cannot store fractions in it; start from w = np.zeros(3), which holds floats."
)


def _call_descent(name: str, function, *args):
    """Call a student's descent; a broadcasting or integer-casting error gets its hint."""
    return _call_with_hints(name, function, *args, hints=[
        ("broadcast", BROADCAST_HINT.strip()),
        ("Cannot cast ufunc", INTEGER_WEIGHTS_HINT),
    ])


def _run_descent(gradient_descent, case: dict):
    X, y = _data(case)
    result = _call_descent("gradient_descent", gradient_descent, X.copy(), y.copy(), case["eta"],
                           case["T"])
    w, losses = unpack("gradient_descent", result, 2)
    return _weights("the returned w", w), to_array("losses", losses).reshape(-1)


def _check_against(what: str, got: np.ndarray, want, mistakes, pick, advice: str) -> None:
    """Compare with the reference; replay the known mistakes only when the values differ.

    ``mistakes`` is a function returning (w, losses, words) triples; ``pick`` selects the
    part of a triple (0 for w, 1 for losses) that ``got`` is compared with.
    """
    want = np.asarray(want, dtype=np.float64).reshape(-1)
    if not np.isfinite(got).all():
        raise AssertionError(
            f"{what} contains NaN or infinity, although a correct float64 run stays finite "
            "on this case. Either the weights grow without bound (check that the update "
            "subtracts eta * gradient; a plus climbs the loss) or precision is lost (keep the "
            "float64 arrays you are given)."
        )
    if close(got, want, rtol=1e-5, atol=1e-6):
        return
    diagnoses = [(m[pick], m[2]) for m in mistakes() if np.shape(m[pick]) == want.shape]
    expect_close(what, got, want, rtol=1e-5, atol=1e-6, diagnoses=diagnoses, advice=advice)


START_ADVICE = (
    "Your losses[0] is not N ln 2, the loss at w = 0 (where every p is 1/2): start from "
    "w = 0 (np.zeros(3)), and append L(w), summed over all samples, before each update."
)


def _advice(X, history: np.ndarray) -> str:
    """The general advice, or the start's if the first loss is not the loss at w = 0."""
    at_zero = X.shape[0] * np.log(2.0)
    if history.size and np.isfinite(history[0]) and not np.isclose(history[0], at_zero, rtol=1e-5):
        return START_ADVICE
    return DESCENT_ADVICE


def _check_descent(gradient_descent, case: dict, *, weights: bool, losses: bool) -> None:
    w, history = _run_descent(gradient_descent, case)
    X, y = _data(case)

    def mistakes():
        return _descent_mistakes(X, y, case["eta"], case["T"])

    if weights:
        _check_against("the returned w", w, case["w"], mistakes, 0, _advice(X, history))
    if losses:
        _expect_length("losses", history, case["T"], "update")
        _check_against("losses", history, case["losses"], mistakes, 1, _advice(X, history))


def gradient_descent_on_lab_data(gradient_descent, numbers: dict | None = None) -> None:
    """The final weights and the whole loss history on the lab's own data and settings."""
    for_each_case(_cases("gradient_descent_lab", numbers),
                  lambda case: _check_descent(gradient_descent, case, weights=True, losses=True))


def gradient_descent_weights_on_new_data(gradient_descent, numbers: dict | None = None) -> None:
    """The final weights on unseen data, step sizes and step counts."""
    for_each_case(_cases("gradient_descent", numbers),
                  lambda case: _check_descent(gradient_descent, case, weights=True, losses=False))


def gradient_descent_losses_on_new_data(gradient_descent, numbers: dict | None = None) -> None:
    """The whole loss history on unseen data, step sizes and step counts."""
    for_each_case(_cases("gradient_descent", numbers),
                  lambda case: _check_descent(gradient_descent, case, weights=False, losses=True))


# --- mini-batch gradient descent -------------------------------------------------------------


def _orders(N, epochs, seed, how):
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


def _minibatch(X, y, eta, epochs, batch_size, seed, *, how="prescribed", sign=1.0,
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
        for order in _orders(N, epochs, seed, how):
            before.append(0.0 if running else _loss(w, X, labels))
            for start in range(0, N, batch_size):
                batch = order[start:start + batch_size]
                if drop_last and batch.size < batch_size:
                    continue
                if running:
                    before[-1] += _loss(w, X[batch], labels[batch])
                step = _gradient(w, X[batch], labels[batch]) / (batch.size if mean else 1)
                w = w - sign * eta * step
            after.append(_loss(w, X, labels))
    return w, np.asarray(before), np.asarray(after)


def _minibatch_mistakes(case: dict) -> list[tuple[np.ndarray, np.ndarray, str]]:
    X, y = _data(case)
    args = (X, y, case["eta"], case["epochs"], case["batch_size"], case["seed"])
    N = X.shape[0]
    right_w, right, right_after = _minibatch(*args)
    mistakes = []
    for how, words in [
        ("same every epoch", "every epoch visits the batches in the same order; make the "
         "generator once, before the first epoch, and draw a new rng.permutation(N) at the "
         "start of each epoch."),
        ("legacy", "the batch order comes from numpy's legacy np.random.seed / "
         "np.random.permutation; use rng = np.random.default_rng(seed) and rng.permutation(N)."),
        ("unshuffled", "the batches follow the data order; shuffle at the start of every epoch "
         "with rng.permutation(N)."),
    ]:
        w, losses, _ = _minibatch(*args, how=how)
        mistakes.append((w, losses, words))
    ascent_w, ascent, _ = _minibatch(*args, sign=-1.0)
    mean_w, mean, _ = _minibatch(*args, mean=True)
    mistakes += [
        (ascent_w, ascent, "the weights climb the loss; the update is w <- w - eta * gradient."),
        (mean_w, mean, "the gradient of a batch is averaged over the batch; use its sum, "
         "to match the summed loss."),
        (mean_w, mean / N, "the gradient of a batch is averaged, and the losses too; use sums."),
        (right_w, right / N, "the losses are averaged over the samples; L(w) is their sum."),
        (right_w, right_after, "each loss is recorded after its epoch; record L(w) over all "
         "samples at the start of the epoch, so losses[0] is the loss at w = 0."),
        (right_w, _minibatch(*args, running=True)[1], "each loss adds up the batches' losses "
         "during the epoch, at weights that change from batch to batch; record L(w) over all "
         "samples once, at the start of the epoch, before its first update."),
    ]
    if N % case["batch_size"]:
        short_w, short, _ = _minibatch(*args, drop_last=True)
        mistakes.append((short_w, short, "the last, smaller batch of each epoch is skipped; "
                         "it should be used too."))
    return mistakes


MINIBATCH_ADVICE = (
    "Make rng = np.random.default_rng(seed) once; at the start of each epoch append L(w) over "
    "all samples, draw order = rng.permutation(N), and update w <- w - eta * (gradient summed "
    "over the batch) for each slice order[k:k + batch_size] in turn."
)


ORDER_ADVICE = (
    "With one batch per epoch your function matches full-batch gradient descent, so its "
    "updates look right and the batch order differs from the prescribed one: make "
    "rng = np.random.default_rng(seed) once, before the first epoch, draw "
    "order = rng.permutation(N) at the start of each epoch, and take the slices "
    "order[k:k + batch_size] in turn."
)


def _run_minibatch(minibatch_gradient_descent, X, y, case: dict, batch_size: int):
    result = _call_descent("minibatch_gradient_descent", minibatch_gradient_descent, X.copy(),
                           y.copy(), case["eta"], case["epochs"], batch_size, case["seed"])
    w, losses = unpack("minibatch_gradient_descent", result, 2)
    return _weights("the returned w", w), to_array("losses", losses).reshape(-1)


def _updates_look_right(minibatch_gradient_descent, X, y, case: dict) -> bool:
    """Whether, with one batch per epoch on the case's data, it is full-batch descent."""
    try:
        w, _ = _run_minibatch(minibatch_gradient_descent, X, y, case, X.shape[0])
    except AssertionError:
        return False
    right_w, _, _ = _descent(X, y, case["eta"], case["epochs"])
    return close(w, right_w, rtol=1e-5, atol=1e-6)


def _check_minibatch(minibatch_gradient_descent, case: dict, *, order_matters: bool = False) -> None:
    X, y = _data(case)
    w, losses = _run_minibatch(minibatch_gradient_descent, X, y, case, case["batch_size"])
    _expect_length("losses", losses, case["epochs"], "epoch")
    advice = MINIBATCH_ADVICE
    if (order_matters and not close(w, np.asarray(case["w"]), rtol=1e-5, atol=1e-6)
            and _updates_look_right(minibatch_gradient_descent, X, y, case)):
        advice = ORDER_ADVICE
    _check_against("the returned w", w, case["w"], lambda: _minibatch_mistakes(case), 0, advice)
    _check_against("losses", losses, case["losses"], lambda: _minibatch_mistakes(case), 1,
                   MINIBATCH_ADVICE)


def minibatch_full_batch_matches_gradient_descent(minibatch_gradient_descent,
                                                  numbers: dict | None = None) -> None:
    """With one batch per epoch (batch size N or more) it is full-batch gradient descent."""

    def check(case):
        _check_minibatch(minibatch_gradient_descent, case)

    for_each_case(_cases("minibatch_full_batch", numbers), check)


def minibatch_matches_seeded_order(minibatch_gradient_descent, numbers: dict | None = None) -> None:
    """Weights and losses on unseen data with the prescribed seeded batch order."""

    def check(case):
        _check_minibatch(minibatch_gradient_descent, case, order_matters=True)

    for_each_case(_cases("minibatch_gradient_descent", numbers), check)


# --- the derivative of f(x) = sqrt(x^2 + e^{x^2}) + cos(x^2 + e^{x^2}) --------------------------


def _f(x):
    u = x * x + np.exp(x * x)
    return np.sqrt(u) + np.cos(u)


def _derivative_mistakes(x: float) -> list[tuple[list[float], str]]:
    u = x * x + np.exp(x * x)
    du = 2.0 * x * (1.0 + np.exp(x * x))
    v = x * x + np.exp(2.0 * x)  # exp(x)**2 read for exp(x**2)
    dv = 2.0 * x + 2.0 * np.exp(2.0 * x)
    return [
        ([(2.0 * x + np.exp(x * x)) * (0.5 / np.sqrt(u) - np.sin(u))],
         "the derivative of exp(x^2) is exp(x^2) * 2x; the chain-rule factor 2x is missing."),
        ([du * (0.5 / np.sqrt(u) + np.sin(u))], "the derivative of cos is -sin; the sign of "
         "the cosine term is off."),
        ([du * (1.0 / np.sqrt(u) - np.sin(u))], "the derivative of sqrt(u) is 1 / (2 sqrt(u)); "
         "the factor 1/2 is missing."),
        ([du * 0.5 / np.sqrt(u) - np.sin(u)], "the cosine term lacks the inner derivative u'."),
        ([0.5 / np.sqrt(u) - np.sin(u)], "this is the derivative with respect to "
         "u = x^2 + exp(x^2); multiply by u' = du/dx."),
        ([dv * (0.5 / np.sqrt(v) - np.sin(v))], "this differentiates exp(x)^2 = exp(2x); the "
         "function has exp(x^2)."),
        ([_f(x)], "this is the value of f(x), not its derivative."),
        ([du * 0.5 / np.sqrt(u)], "only the square root is differentiated; the cos(u) term "
         "adds -sin(u) * u'."),
        ([du * (0.5 / np.sqrt(u) + np.cos(u))], "this is the derivative of sqrt(u) + sin(u); "
         "the function has cos(u), whose derivative is -sin(u)."),
    ]


AUTOGRAD_HINTS = [
    ("'NoneType' object", "x.grad stays None until backward() has run: build f from the "
     "tensor x, call f.backward(), then read x.grad."),
    ("Can't call numpy()", "Build f with torch functions (torch.exp, torch.sqrt, torch.cos): "
     "numpy's functions cannot take a tensor that requires grad, and autograd follows only "
     "torch operations."),
]


def _derivative(name: str, function, x: float) -> float:
    hints = AUTOGRAD_HINTS if name == "df_autograd" else ()
    value = _call_with_hints(name, function, float(x), hints=hints)
    if value is None and name == "df_autograd":
        raise AssertionError(f"{name}({x}) returned None. {AUTOGRAD_HINTS[0][1]}")
    return _single_number(f"{name}({x})", value)


def _check_derivative(name: str, function, cases, *, rtol: float, atol: float) -> None:
    def compare(case):
        got = _derivative(name, function, case["x"])
        return (f"{name}({case['x']})", np.asarray([got]), np.asarray([case["df"]]),
                _derivative_mistakes(case["x"]))

    _compare_on_every_case(
        cases, compare, rtol=rtol, atol=atol,
        advice="With u = x^2 + exp(x^2), f'(x) = u'(x) * (1 / (2 sqrt(u)) - sin(u)).",
    )


def df_explicit_matches_reference(df_explicit, numbers: dict | None = None) -> None:
    """The hand-derived derivative at unseen points in [-1.5, 1.5]."""
    _check_derivative("df_explicit", df_explicit, _cases("derivative", numbers),
                      rtol=1e-5, atol=1e-6)


def df_autograd_matches_reference(df_autograd, numbers: dict | None = None) -> None:
    """The autograd derivative at unseen points; float32 tensors are welcome."""
    _check_derivative("df_autograd", df_autograd, _cases("derivative", numbers),
                      rtol=1e-4, atol=1e-4)


AGREEMENT_GRID = np.round(np.linspace(-1.5, 1.5, 31), 2)


def derivatives_agree(df_explicit, df_autograd, numbers: dict | None = None) -> None:
    """``df_explicit`` and ``df_autograd`` agree everywhere on a grid over [-1.5, 1.5]."""
    explicit = np.array([_derivative("df_explicit", df_explicit, x) for x in AGREEMENT_GRID])
    autograd = np.array([_derivative("df_autograd", df_autograd, x) for x in AGREEMENT_GRID])
    if not np.any(explicit) and not np.any(autograd):
        raise AssertionError("df_explicit and df_autograd both return 0 everywhere; f is not constant.")
    for x, a, b in zip(AGREEMENT_GRID, explicit, autograd):
        if not np.isclose(a, b, rtol=1e-4, atol=1e-4):
            raise AssertionError(
                f"df_explicit and df_autograd disagree at x = {x:g}; the hand-derived formula "
                "and PyTorch's derivative should give the same number."
            )
