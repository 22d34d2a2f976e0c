"""Checks of ``perceptron_gd``: one function per test in the master notebook, public and hidden.

Each check runs the student's code on cases (the hidden ones, or with ``example`` the
notebook's own examples) and explains the first thing that looks wrong. Known mistakes (a
sign error, a mean instead of a sum, losses recorded after the update, one step too few,
per-sample updates, a gradient or loss never reset, a hard-coded step size, a batch order
drawn the wrong way...) are named from the case itself: the reference stored what each
would return. Where a check runs many small cases (sigmoid, loss, gradient, derivative), a
mistake is named only if it explains every case that differs, since on a single case two
mistakes can coincide.

This module computes no answer, right or wrong, so the student's notebook can carry it for
the public checks. What it does compute comes from the student's own outputs: the slope of
the student's ``loss_i`` by finite differences, and the agreement of the student's two
derivatives. The expected numbers of a hidden case are never shown.
"""

from __future__ import annotations

import numpy as np

from . import cases_for
from .values import (Diagnosed, call, close, diagnose, error_text, expect_close, expect_finite,
                     expect_shape, for_each_case, stored_mistakes, student_shape, to_array,
                     unpack, vocabulary)

ASSIGNMENT = "perceptron_gd"
WEIGHT_SHAPES = [(3,), (3, 1), (1, 3)]

MISTAKES = vocabulary(
    # sigmoid and grad_sigmoid
    math_exp_on_an_array=(
        "math.exp (like math.log) takes one number at a time; use np.exp, which works on whole "
        "arrays, elementwise."),
    shape_not_kept="it should work elementwise and keep the shape.",
    step_function_for_sigmoid=(
        "sigmoid(x) only takes the values 0 and 1 (and 1/2): that is the perceptron's step "
        "function. The sigmoid rises smoothly, 1 / (1 + exp(-x))."),
    sigmoid_rises_the_wrong_way=(
        "it rises the wrong way: 1 / (1 + exp(x)), like exp(-x) / (1 + exp(-x)), is "
        "1 - sigmoid(x). The sigmoid is 1 / (1 + exp(-x)), near 1 for large positive x."),
    tanh_for_sigmoid=(
        "that is tanh(x), which runs from -1 to 1; the sigmoid 1 / (1 + exp(-x)) runs from 0 to 1."),
    derivative_formula_applied_to_x=(
        "the formula s * (1 - s) was applied to x itself; apply it to s = sigmoid(x)."),
    derivative_has_the_wrong_sign="the derivative has the wrong sign; the sigmoid is increasing.",
    plus_for_minus_in_the_derivative="it should be sigmoid(x) * (1 - sigmoid(x)), with a minus.",
    sigmoid_for_its_derivative="that is the sigmoid itself, not its derivative.",
    derivative_denominator_not_squared=(
        "that is exp(-x) / (1 + exp(-x)) = 1 - sigmoid(x): the denominator of the derivative, "
        "(1 + exp(-x)), should be squared."),
    # loss_i
    log_of_a_number_outside_0_and_1=(
        "The cross-entropy of this sample is finite: its logarithms need p = sigmoid(w . x_i), "
        "strictly between 0 and 1 (ln of 0 or of a negative number is not a number)."),
    loss_has_the_wrong_sign=(
        "the loss has the wrong sign; with ln p <= 0 the cross-entropy is never negative."),
    log10_for_ln="it looks like log10; use the natural logarithm.",
    loss_terms_swapped="the two terms are swapped: y goes with ln p and (1 - y) with ln(1 - p).",
    label_zero_term_missing=(
        "the (1 - y) ln(1 - p) term is missing, so samples labelled 0 cost nothing."),
    label_one_term_missing="the y ln p term is missing, so samples labelled 1 cost nothing.",
    squared_error_for_cross_entropy=(
        "that is the squared error (y - p)^2; the loss here is the cross-entropy "
        "-(y ln p + (1 - y) ln(1 - p))."),
    # grad_loss_i
    gradient_is_a_single_number=(
        "grad_loss_i returned a single number; the gradient has one entry per weight, so it "
        "should be a vector like x_i."),
    gradient_has_the_wrong_sign="the gradient has the wrong sign; it is -(y_i - p_i) x_i.",
    extra_factor_p_times_one_minus_p=(
        "there is an extra factor p(1 - p): for the cross-entropy it cancels against the "
        "derivative of the logarithm."),
    sigmoid_of_minus_w_x="p should be sigmoid(w . x_i), not sigmoid(-w . x_i).",
    w_x_for_p="p should be sigmoid(w . x_i), not w . x_i itself.",
    only_the_label_one_term_differentiated=(
        "only the y ln p term was differentiated; the (1 - y) ln(1 - p) term adds (1 - y) p x_i, "
        "and together they give -(y_i - p_i) x_i."),
    gradient_is_minus_the_slope_of_the_loss=(
        "grad_loss_i is minus the slope of your loss_i; one of the two has a sign error."),
    # gradient_descent
    y_not_flattened=(
        "y arrives with shape (N, 1): if you vectorise, flatten it first (y.ravel()), or y - p "
        "broadcasts to an (N, N) array."),
    integer_weights_updated_in_place=(
        "w seems to hold integers (np.array([0, 0, 0]) makes an integer array), and an in-place "
        "update w -= ... cannot store fractions in it; start from w = np.zeros(3), which holds "
        "floats."),
    gradient_ascent=(
        "the weights climb the loss (gradient ascent); the update is w <- w - eta * gradient, "
        "with a minus."),
    mean_gradient="the gradient is averaged over the samples; use the sum over all samples.",
    mean_gradient_and_loss=(
        "the gradient and the loss are averaged over the samples; use the sums over all "
        "samples, as L(w) is defined."),
    mean_loss="the losses are averaged over the samples; L(w) is their sum.",
    losses_recorded_after_the_update=(
        "each loss is recorded after its update; record L(w) before updating w, so losses[0] is "
        "the loss at w = 0."),
    losses_have_the_wrong_sign="the losses have the wrong sign; the cross-entropy is never negative.",
    stochastic_updates=(
        "w is updated after every single sample (stochastic steps); full-batch descent sums the "
        "gradient over all samples, then makes one update."),
    stochastic_updates_and_running_loss=(
        "w is updated after every single sample (stochastic steps), and each loss adds up "
        "loss_i at weights that change from sample to sample; full-batch descent sums the "
        "gradient over all samples, then makes one update."),
    returns_the_starting_w=(
        "the returned w is still the starting w = 0; return the weights after the T updates."),
    gradient_never_reset=(
        "the gradient is never reset, so each step adds the new gradient to all the earlier "
        "ones; set grad = 0 at the start of every step, inside the loop over t."),
    loss_never_reset=(
        "the loss is never reset, so each recorded value adds up the earlier ones; set loss = 0 "
        "at the start of every step, inside the loop over t."),
    loss_broadcast_to_n_by_n=(
        "the losses are sums over an (N, N) array: with y of shape (N, 1) and p of shape (N,), "
        "y * np.log(p) broadcasts. Flatten y first (y.ravel())."),
    step_size_fixed_at_the_labs="the step size looks fixed at the lab's 0.1; use the argument eta.",
    one_update_too_few="one update too few; make exactly T updates.",
    one_update_too_many="one update too many; make exactly T updates.",
    # minibatch_gradient_descent
    same_batch_order_every_epoch=(
        "every epoch visits the batches in the same order; make the generator once, before the "
        "first epoch, and draw a new rng.permutation(N) at the start of each epoch."),
    legacy_numpy_batch_order=(
        "the batch order comes from numpy's legacy np.random.seed / np.random.permutation; use "
        "rng = np.random.default_rng(seed) and rng.permutation(N)."),
    batches_in_data_order=(
        "the batches follow the data order; shuffle at the start of every epoch with "
        "rng.permutation(N)."),
    batch_updates_climb_the_loss=(
        "the weights climb the loss; the update is w <- w - eta * gradient."),
    batch_gradient_averaged=(
        "the gradient of a batch is averaged over the batch; use its sum, to match the summed loss."),
    batch_gradient_and_losses_averaged=(
        "the gradient of a batch is averaged, and the losses too; use sums."),
    epoch_losses_averaged="the losses are averaged over the samples; L(w) is their sum.",
    losses_recorded_after_the_epoch=(
        "each loss is recorded after its epoch; record L(w) over all samples at the start of the "
        "epoch, so losses[0] is the loss at w = 0."),
    losses_added_up_over_the_batches=(
        "each loss adds up the batches' losses during the epoch, at weights that change from "
        "batch to batch; record L(w) over all samples once, at the start of the epoch, before "
        "its first update."),
    last_batch_skipped="the last, smaller batch of each epoch is skipped; it should be used too.",
    first_loss_not_at_w_zero=(
        "losses[0] is not the loss at w = 0, where every p is 1/2 (N ln 2 for N points): start "
        "from w = 0 and append L(w), summed over all N points, at the start of each epoch, "
        "before its first update."),
    batch_order_not_repeatable=(
        "two calls with the same seed gave different results; draw every batch order from "
        "rng = np.random.default_rng(seed), made inside the function."),
    # df_explicit and df_autograd
    chain_factor_2x_missing=(
        "the derivative of exp(x^2) is exp(x^2) * 2x; the chain-rule factor 2x is missing."),
    cosine_derivative_has_the_wrong_sign=(
        "the derivative of cos is -sin; the sign of the cosine term is off."),
    square_root_factor_half_missing=(
        "the derivative of sqrt(u) is 1 / (2 sqrt(u)); the factor 1/2 is missing."),
    cosine_term_without_inner_derivative="the cosine term lacks the inner derivative u'.",
    derivative_with_respect_to_u=(
        "this is the derivative with respect to u = x^2 + exp(x^2); multiply by u' = du/dx."),
    exp_of_2x_for_exp_of_x_squared=(
        "this differentiates exp(x)^2 = exp(2x); the function has exp(x^2)."),
    value_of_f_for_its_derivative="this is the value of f(x), not its derivative.",
    only_the_square_root_differentiated=(
        "only the square root is differentiated; the cos(u) term adds -sin(u) * u'."),
    sine_for_cosine=(
        "this is the derivative of sqrt(u) + sin(u); the function has cos(u), whose derivative "
        "is -sin(u)."),
    grad_read_before_backward=(
        "x.grad stays None until backward() has run: build f from the tensor x, call "
        "f.backward(), then read x.grad."),
    numpy_functions_on_a_tensor=(
        "Build f with torch functions (torch.exp, torch.sqrt, torch.cos): numpy's functions "
        "cannot take a tensor that requires grad, and autograd follows only torch operations."),
)


def _cases(group: str, numbers: dict | None, example: bool, example_group: str | None = None):
    """The hidden cases of ``group``, or the public examples of ``example_group`` (each public
    test has its own examples, where one hidden group serves several tests)."""
    if example:
        return cases_for(ASSIGNMENT, example_group or group, numbers, example=True)
    return cases_for(ASSIGNMENT, group, numbers)


def _mistakes(case: dict, field: str):
    return stored_mistakes(case, field, MISTAKES)


def _on(case: dict, failure: AssertionError) -> AssertionError:
    """``failure`` on ``case``, worded as :func:`values.for_each_case` words it."""
    where = "On the example" if case.get("public") else "On a hidden case"
    message = f"{where} ({case['label']}): {failure}"
    if isinstance(failure, Diagnosed):
        return Diagnosed(message, failure.key)
    return AssertionError(message)


def _call_with_hints(name: str, function, *args, hints=()):
    """``call``, naming a known mistake when the student's error contains one of the hints'
    words: ``hints`` pairs those words with a key of :data:`MISTAKES`."""
    try:
        return call(name, function, *args)
    except AssertionError as error:
        for words, key in hints:
            if words in error_text(error):
                mistake = MISTAKES[key]
                raise Diagnosed(f"{str(error).rstrip('.')}. {mistake.explanation}", key) from None
        raise


def _matches(got: np.ndarray, diagnoses, key: str, *, rtol: float, atol: float) -> bool:
    """Whether ``got`` is what the mistake ``key`` returns, among one case's ``diagnoses``."""
    return any(mistake.key == key and close(got, np.asarray(value, dtype=np.float64), rtol=rtol, atol=atol)
               for value, mistake in diagnoses)


def _compare_on_every_case(cases, compare, *, rtol: float, atol: float, advice: str) -> None:
    """Run ``compare(case) -> (what, got, want, diagnoses)`` on every case; explain what differs.

    ``diagnoses`` are the case's stored mistakes, shaped like ``got``. A known mistake is
    named when it accounts for every case that differs: on one case two mistakes can give the
    same numbers (where the sigmoid saturates, the factor p(1 - p) and 1 - p agree), but not
    on all of them. Otherwise the first differing case speaks alone.
    """
    differing = []
    for case in cases:
        try:
            what, got, want, diagnoses = compare(case)
            expect_finite(what, got)
        except AssertionError as failure:
            raise _on(case, failure) from None
        want = np.asarray(want, dtype=np.float64)
        if not close(got, want, rtol=rtol, atol=atol):
            differing.append((case, what, got, want, diagnoses))
    if not differing:
        return
    case, what, got, want, diagnoses = differing[0]
    for _, mistake in diagnoses:
        if all(_matches(g, d, mistake.key, rtol=rtol, atol=atol) for _, _, g, _, d in differing):
            raise _on(case, diagnose(mistake, f"{what} differs from the reference: "))
    try:
        expect_close(what, got, want, rtol=rtol, atol=atol, diagnoses=diagnoses, advice=advice)
    except AssertionError as failure:
        raise _on(case, failure) from None


# --- sigmoid and grad_sigmoid ----------------------------------------------------------------


ELEMENTWISE_HINTS = [("converted to Python scalars", "math_exp_on_an_array")]


def _elementwise(name: str, function, case: dict) -> np.ndarray:
    x = np.asarray(case["x"], dtype=np.float64)
    result = to_array(f"{name}(x)", _call_with_hints(name, function, x.copy(), hints=ELEMENTWISE_HINTS))
    if result.shape != x.shape:
        raise diagnose(MISTAKES["shape_not_kept"],
                       f"{name}(x) has shape {student_shape(result)} for an input of shape {x.shape}; ")
    return result


def sigmoid_matches_reference(sigmoid, numbers: dict | None = None, example: bool = False) -> None:
    """``sigmoid`` is ``1 / (1 + exp(-x))`` elementwise."""

    def compare(case):
        got = _elementwise("sigmoid", sigmoid, case)
        want = np.asarray(case["sigmoid"], dtype=np.float64)
        if np.isin(got, [0.0, 0.5, 1.0]).all() and not close(got, want, rtol=1e-6, atol=1e-7):
            raise diagnose(MISTAKES["step_function_for_sigmoid"])
        return "sigmoid(x)", got, want, _mistakes(case, "sigmoid")

    _compare_on_every_case(_cases("sigmoid", numbers, example), compare, rtol=1e-6, atol=1e-7,
                           advice="It should be 1 / (1 + exp(-x)) for every entry.")


def grad_sigmoid_matches_reference(grad_sigmoid, numbers: dict | None = None,
                                   example: bool = False) -> None:
    """``grad_sigmoid`` is ``sigmoid(x) * (1 - sigmoid(x))`` elementwise."""

    def compare(case):
        got = _elementwise("grad_sigmoid", grad_sigmoid, case)
        return "grad_sigmoid(x)", got, case["grad_sigmoid"], _mistakes(case, "grad_sigmoid")

    _compare_on_every_case(_cases("sigmoid", numbers, example, "grad_sigmoid"), compare,
                           rtol=1e-6, atol=1e-7,
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
            f"{what} should be a single number (a float or a (1,) array), got shape {student_shape(array)}."
        )
    expect_finite(what, array)
    return float(array.reshape(()))


def _student_loss(loss_i, w, x_i, y_i) -> float:
    return _single_number("loss_i", call("loss_i", loss_i, w.copy(), x_i.copy(), y_i.copy()))


def _student_gradient(grad_loss_i, w, x_i, y_i) -> np.ndarray:
    grad = to_array("grad_loss_i", call("grad_loss_i", grad_loss_i, w.copy(), x_i.copy(), y_i.copy()))
    if grad.size == 1:
        raise diagnose(MISTAKES["gradient_is_a_single_number"])
    expect_shape("grad_loss_i", grad, *WEIGHT_SHAPES)
    expect_finite("grad_loss_i", grad)
    return grad.reshape(-1)


def loss_i_matches_reference(loss_i, numbers: dict | None = None, example: bool = False) -> None:
    """``loss_i`` is ``-(y ln p + (1 - y) ln(1 - p))`` on samples of both labels."""

    def compare(case):
        try:
            got = _student_loss(loss_i, *_sample(case))
        except AssertionError as error:
            if "NaN or infinity" not in str(error):
                raise
            raise diagnose(MISTAKES["log_of_a_number_outside_0_and_1"], f"{error} ") from None
        return "loss_i", np.asarray([got]), np.asarray([case["loss"]]), [
            ([value], mistake) for value, mistake in _mistakes(case, "loss")]

    _compare_on_every_case(
        _cases("loss_i", numbers, example), compare, rtol=1e-5, atol=1e-6,
        advice="With p = sigmoid(w . x_i), the loss is -(y_i ln p + (1 - y_i) ln(1 - p)).",
    )


def grad_loss_i_matches_reference(grad_loss_i, numbers: dict | None = None,
                                  example: bool = False) -> None:
    """``grad_loss_i`` is ``-(y - p) x`` on samples of both labels."""

    def compare(case):
        got = _student_gradient(grad_loss_i, *_sample(case))
        return "grad_loss_i", got, case["grad"], _mistakes(case, "grad")

    _compare_on_every_case(_cases("loss_i", numbers, example, "grad_loss_i"), compare,
                           rtol=1e-5, atol=1e-7,
                           advice="With p = sigmoid(w . x_i), the gradient is -(y_i - p) x_i.")


FD_STEP = 1e-3  # large enough for a float32 loss, small enough for a 1e-3 tolerance


def grad_loss_i_matches_finite_differences(loss_i, grad_loss_i, numbers: dict | None = None,
                                           example: bool = False) -> None:
    """``grad_loss_i`` agrees with central differences of the student's own ``loss_i``.

    This grades the consistency of the pair, so a right gradient passes whatever ``loss_i``
    does (a wrong loss costs points in its own question only), and a gradient that matches a
    wrong loss of the student's own keeps this test's credit. The slopes are measured on the
    student's own losses: nothing here computes a loss or a gradient.
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
            raise diagnose(MISTAKES["gradient_is_minus_the_slope_of_the_loss"])
        raise AssertionError(
            "grad_loss_i does not match the slope of your own loss_i measured by finite "
            "differences, (loss_i(w + h e_k) - loss_i(w - h e_k)) / 2h. If loss_i passes its "
            "tests, the gradient is off; otherwise fix loss_i first."
        )

    for_each_case(_cases("loss_i", numbers, example, "grad_loss_i"), check)


# --- gradient descent ------------------------------------------------------------------------


def _data(case: dict):
    X = np.asarray(case["X"], dtype=np.float64)
    y = np.asarray(case["y"], dtype=np.float64).reshape(-1, 1)  # (N, 1), as the lab makes it
    return X, y


def _weights(what: str, value) -> np.ndarray:
    w = to_array(what, value)
    if w.size != 3:
        raise diagnose(MISTAKES["y_not_flattened"], f"{what} has shape {student_shape(w)}, expected 3 entries. ")
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


START_ADVICE = (
    "Your losses[0] is not N ln 2, the loss at w = 0 (where every p is 1/2): start from "
    "w = 0 (np.zeros(3)), and append L(w), summed over all samples, before each update."
)


def _call_descent(name: str, function, *args):
    """Call a student's descent; a broadcasting or integer-casting error is named."""
    return _call_with_hints(name, function, *args, hints=[
        ("broadcast", "y_not_flattened"),
        ("Cannot cast ufunc", "integer_weights_updated_in_place"),
    ])


def _run_descent(gradient_descent, case: dict):
    X, y = _data(case)
    result = _call_descent("gradient_descent", gradient_descent, X.copy(), y.copy(), case["eta"],
                           case["T"])
    w, losses = unpack("gradient_descent", result, 2)
    return _weights("the returned w", w), to_array("losses", losses).reshape(-1)


def _check_against(what: str, got: np.ndarray, want, diagnoses, advice: str) -> None:
    """Compare with the reference; name the first stored mistake that matches if it differs."""
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
    diagnoses = [(value, mistake) for value, mistake in diagnoses if np.shape(value) == want.shape]
    expect_close(what, got, want, rtol=1e-5, atol=1e-6, diagnoses=diagnoses, advice=advice)


def _advice(case: dict, history: np.ndarray) -> str:
    """The general advice, or the start's if the first loss is not the case's loss at w = 0."""
    at_zero = case["losses"][0]
    if history.size and np.isfinite(history[0]) and not np.isclose(history[0], at_zero, rtol=1e-5):
        return START_ADVICE
    return DESCENT_ADVICE


def _check_descent(gradient_descent, case: dict, *, weights: bool, losses: bool) -> None:
    w, history = _run_descent(gradient_descent, case)
    if weights:
        _check_against("the returned w", w, case["w"], _mistakes(case, "w"), _advice(case, history))
    if losses:
        _expect_length("losses", history, case["T"], "update")
        _check_against("losses", history, case["losses"], _mistakes(case, "losses"),
                       _advice(case, history))


def gradient_descent_on_lab_data(gradient_descent, numbers: dict | None = None,
                                 example: bool = False) -> None:
    """The final weights and the whole loss history on the lab's own data and settings."""
    for_each_case(_cases("gradient_descent_lab", numbers, example, "gradient_descent_losses"),
                  lambda case: _check_descent(gradient_descent, case, weights=True, losses=True))


def gradient_descent_weights_on_new_data(gradient_descent, numbers: dict | None = None,
                                         example: bool = False) -> None:
    """The final weights on other data, step sizes and step counts."""
    for_each_case(_cases("gradient_descent", numbers, example, "gradient_descent_weights"),
                  lambda case: _check_descent(gradient_descent, case, weights=True, losses=False))


def gradient_descent_losses_on_new_data(gradient_descent, numbers: dict | None = None,
                                        example: bool = False) -> None:
    """The whole loss history (and the shape of w) on other data, step sizes and step counts."""
    for_each_case(_cases("gradient_descent", numbers, example, "gradient_descent_losses"),
                  lambda case: _check_descent(gradient_descent, case, weights=False, losses=True))


# --- mini-batch gradient descent -------------------------------------------------------------


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
    """Whether, with one batch per epoch on the case's data, it gives what full-batch descent
    gives (stored with the case)."""
    try:
        w, _ = _run_minibatch(minibatch_gradient_descent, X, y, case, X.shape[0])
    except AssertionError:
        return False
    return close(w, np.asarray(case["full_batch_w"], dtype=np.float64), rtol=1e-5, atol=1e-6)


def _check_minibatch(minibatch_gradient_descent, case: dict, *, order_matters: bool = False) -> None:
    X, y = _data(case)
    w, losses = _run_minibatch(minibatch_gradient_descent, X, y, case, case["batch_size"])
    _expect_length("losses", losses, case["epochs"], "epoch")
    advice = MINIBATCH_ADVICE
    if (order_matters and not close(w, np.asarray(case["w"], dtype=np.float64), rtol=1e-5, atol=1e-6)
            and _updates_look_right(minibatch_gradient_descent, X, y, case)):
        advice = ORDER_ADVICE
    _check_against("the returned w", w, case["w"], _mistakes(case, "w"), advice)
    _check_against("losses", losses, case["losses"], _mistakes(case, "losses"), MINIBATCH_ADVICE)


def minibatch_structure(minibatch_gradient_descent, numbers: dict | None = None,
                        example: bool = False) -> None:
    """Whatever the batch order: ``(w, losses)`` with three weights, one loss per epoch, the
    first at ``w = 0``, and the same result again for the same seed."""

    def check(case):
        X, y = _data(case)
        w, losses = _run_minibatch(minibatch_gradient_descent, X, y, case, case["batch_size"])
        _expect_length("losses", losses, case["epochs"], "epoch")
        if not close(losses[:1], np.asarray(case["losses"][:1], dtype=np.float64),
                     rtol=1e-5, atol=1e-6):
            raise diagnose(MISTAKES["first_loss_not_at_w_zero"])
        again, _ = _run_minibatch(minibatch_gradient_descent, X, y, case, case["batch_size"])
        if not close(again, w, rtol=1e-9, atol=1e-12):
            raise diagnose(MISTAKES["batch_order_not_repeatable"])

    for_each_case(_cases("minibatch_gradient_descent", numbers, example, "minibatch_structure"), check)


def minibatch_full_batch_matches_gradient_descent(minibatch_gradient_descent,
                                                  numbers: dict | None = None,
                                                  example: bool = False) -> None:
    """With one batch per epoch (batch size N or more) it is full-batch gradient descent."""
    for_each_case(_cases("minibatch_full_batch", numbers, example),
                  lambda case: _check_minibatch(minibatch_gradient_descent, case))


def minibatch_matches_seeded_order(minibatch_gradient_descent, numbers: dict | None = None,
                                   example: bool = False) -> None:
    """Weights and losses on other data with the prescribed seeded batch order."""
    for_each_case(_cases("minibatch_gradient_descent", numbers, example, "minibatch_structure"),
                  lambda case: _check_minibatch(minibatch_gradient_descent, case, order_matters=True))


# --- the derivative of f(x) = sqrt(x^2 + e^{x^2}) + cos(x^2 + e^{x^2}) --------------------------


AUTOGRAD_HINTS = [
    ("'NoneType' object", "grad_read_before_backward"),
    ("Can't call numpy()", "numpy_functions_on_a_tensor"),
]


def _derivative(name: str, function, x: float) -> float:
    hints = AUTOGRAD_HINTS if name == "df_autograd" else ()
    value = _call_with_hints(name, function, float(x), hints=hints)
    if value is None and name == "df_autograd":
        raise diagnose(MISTAKES["grad_read_before_backward"], f"{name}({x}) returned None. ")
    return _single_number(f"{name}({x})", value)


def _check_derivative(name: str, function, cases, *, rtol: float, atol: float) -> None:
    def compare(case):
        got = _derivative(name, function, case["x"])
        return (f"{name}({case['x']})", np.asarray([got]), np.asarray([case["df"]]),
                [([value], mistake) for value, mistake in _mistakes(case, "df")])

    _compare_on_every_case(
        cases, compare, rtol=rtol, atol=atol,
        advice="With u = x^2 + exp(x^2), f'(x) = u'(x) * (1 / (2 sqrt(u)) - sin(u)).",
    )


def df_explicit_matches_reference(df_explicit, numbers: dict | None = None,
                                  example: bool = False) -> None:
    """The hand-derived derivative at points in [-1.5, 1.5]."""
    _check_derivative("df_explicit", df_explicit, _cases("derivative", numbers, example, "df_explicit"),
                      rtol=1e-5, atol=1e-6)


def df_autograd_matches_reference(df_autograd, numbers: dict | None = None,
                                  example: bool = False) -> None:
    """The autograd derivative at points in [-1.5, 1.5]; float32 tensors are welcome."""
    _check_derivative("df_autograd", df_autograd, _cases("derivative", numbers, example, "df_autograd"),
                      rtol=1e-4, atol=1e-4)


AGREEMENT_GRID = np.round(np.linspace(-1.5, 1.5, 31), 2)


def derivatives_agree(df_explicit, df_autograd, numbers: dict | None = None,
                      example: bool = False) -> None:
    """``df_explicit`` and ``df_autograd`` agree everywhere on a grid over [-1.5, 1.5].

    It compares the student's two functions with each other, on a grid of its own, so it
    reads no case: ``numbers`` and ``example`` are accepted for a uniform signature.
    """
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
