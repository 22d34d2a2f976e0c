"""Checks of ``perceptron_gd``: one function per test in the master notebook, public and hidden.

Each check runs the student's code on cases (this grading's hidden draw, or with ``example``
the notebook's own examples) and explains the first thing that looks wrong. Every case
carries its tolerances, and the answer each known mistake would give (a sign error, a mean
instead of a sum, losses recorded after the update, one step too few, per-sample updates, a
gradient or loss never reset, a hard-coded step size, a batch order drawn the wrong way...):
the reference drew the case so that these answers stand apart, so a mistake is named from the
case itself, or, where it coincides with another on this kind of case, named among the
possibilities.

A few mistakes are named from what the student's code did rather than from a stored value,
and only where nothing else can explain it: an error numpy raises for a function of one
number given an array; an answer that comes right once y is passed flat (y of shape (N, 1)
mishandled); a mini-batch descent that is right with one batch per epoch and on data where
the batch order cannot matter, yet wrong on the case (its batches hold other points).
Whatever runs for such an explanation never earns a point: every point comes from a value
of the student's code compared with a stored one.

Hidden feedback is built from constant words (:class:`~.values.CheckFailed`): no hidden
input, no expected value, nothing the student's code returned. This module computes no
answer, right or wrong, so the student's notebook can carry it for the public checks; what it
computes comes from the student's own outputs (the slope of the student's ``loss_i`` by finite
differences, to explain a wrong gradient).
"""

from __future__ import annotations

import numpy as np

from .cases import CaseChecks
from .values import (CheckFailed, Diagnosed, call, call_unchanged, close, diagnose, error_text, expect_shape,
                     for_each_case, student_shape, to_array, unpack, vocabulary)

ASSIGNMENT = "perceptron_gd"
WEIGHT_SHAPES = [(3,), (3, 1), (1, 3)]

MISTAKES = vocabulary(
    # sigmoid and grad_sigmoid
    one_number_function_on_an_array=(
        "a function that takes one number at a time (math.exp, math.log, float) was given an "
        "array; use numpy's functions, such as np.exp, which work on whole arrays, elementwise."),
    shape_not_kept="it should work elementwise and return an array of the input's shape.",
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
        "loss_i returned NaN or infinity, yet the cross-entropy of this sample is finite. In a "
        "cross-entropy that comes from a logarithm of 0 or of a negative number: the logarithms "
        "should only see p = sigmoid(w @ x_i) and 1 - p, which lie strictly between 0 and 1."),
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
    sigmoid_of_minus_w_x="p should be sigmoid(w @ x_i), not sigmoid(-(w @ x_i)).",
    w_x_for_p="p should be sigmoid(w @ x_i), not w @ x_i itself.",
    only_the_label_one_term_differentiated=(
        "only the y ln p term was differentiated; the (1 - y) ln(1 - p) term adds (1 - y) p x_i, "
        "and together they give -(y_i - p_i) x_i."),
    gradient_is_minus_the_slope_of_the_loss=(
        "it is minus the slope of your own loss_i (measured by finite differences), and both "
        "differ from the reference: one of the two has a sign error."),
    # gradient_descent
    y_not_flattened=(
        "with y passed flat, of shape (N,), your function gives the right answer, so it "
        "mishandles y of shape (N, 1), which is how y arrives: y - p with p of shape (N,) "
        "broadcasts to an (N, N) array. Flatten y first, with np.ravel(y)."),
    integer_array_updated_in_place=(
        "an in-place update (such as w -= eta * grad, or grad += g) met an array of integers, which "
        "cannot hold fractions: np.array([0, 0, 0]) makes one. Start from float arrays, such "
        "as np.zeros(3)."),
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
        "y * np.log(p) broadcasts. Flatten y first, with np.ravel(y)."),
    step_size_fixed_at_the_labs="the step size looks fixed at the lab's 0.1; use the argument eta.",
    one_update_too_few="one update too few; make exactly T updates.",
    one_update_too_many="one update too many; make exactly T updates.",
    first_loss_not_at_w_zero=(
        "losses[0] is not the loss at w = 0, where every p is 1/2 (N ln 2 for N points): start "
        "from w = 0 (np.zeros(3)) and append L(w), summed over all N points, before the first "
        "update."),
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
    batch_gradients_from_the_epochs_start=(
        "every batch's gradient uses the p computed once, at the start of the epoch; compute "
        "p = sigmoid(X[B] @ w) for each batch B at the current w, after the previous batch's update."),
    last_batch_skipped="the last, smaller batch of each epoch is skipped; it should be used too.",
    batches_not_as_prescribed=(
        "with one batch per epoch, and on data where every point is the same (so that the batch "
        "order cannot matter), your function gives the right numbers: its updates and losses "
        "follow the recipe, and what differs is which points make up each batch. Make "
        "rng = np.random.default_rng(seed) once, before the first epoch, draw "
        "order = rng.permutation(N) at the start of each epoch, and take the slices "
        "order[k:k + batch_size] in turn."),
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
    x_grad_is_none=(
        "it read an attribute of a missing value. If that was x.grad: it stays empty until "
        "backward has run on f, and it is filled in only for the tensor created with "
        "requires_grad=True from which f was built with torch operations. Call f.backward "
        "first, then read x.grad."),
    numpy_functions_on_a_tensor=(
        "Build f with torch functions (torch.exp, torch.sqrt, torch.cos): numpy's functions "
        "cannot take a tensor that requires grad, and autograd follows only torch operations."),
    # any function
    returned_nothing=(
        "it returned nothing; does it end with a return statement that returns the result?"),
)
CASES = CaseChecks(ASSIGNMENT, MISTAKES)



def _call_with_hints(name: str, function, *args, hints=()):
    """``call``, naming a known mistake when the student's error says what only that mistake
    makes it say: ``hints`` pairs such words with a key of :data:`MISTAKES`."""
    try:
        return call(name, function, *args)
    except AssertionError as error:
        for words, key in hints:
            if words in error_text(error):
                mistake = MISTAKES[key]
                raise Diagnosed(f"`{name}` raised an error: {mistake.explanation}", key) from None
        raise


def _answer(what: str, value) -> np.ndarray:
    """``value`` as a float64 array; nothing returned is said so (a missing return statement)."""
    if value is None:
        raise diagnose(MISTAKES["returned_nothing"], f"{what}: ")
    return to_array(what, value)


# --- sigmoid and grad_sigmoid ----------------------------------------------------------------


ELEMENTWISE_HINTS = [("converted to Python scalars", "one_number_function_on_an_array")]


def _elementwise(name: str, function, case: dict) -> np.ndarray:
    x = np.asarray(case["x"], dtype=np.float64)
    result = _answer(f"{name}(x)", _call_with_hints(name, function, x.copy(), hints=ELEMENTWISE_HINTS))
    if result.shape != x.shape:
        raise CheckFailed(
            f"{name}(x) has the wrong shape: {MISTAKES['shape_not_kept'].explanation}",
            public=(f"{name}(x) has shape {student_shape(result)} for an input of shape {x.shape}: "
                    f"{MISTAKES['shape_not_kept'].explanation}"),
            key="shape_not_kept")
    return result


def sigmoid_matches_reference(sigmoid, numbers: dict | None = None, example: bool = False) -> None:
    """``sigmoid`` is ``1 / (1 + exp(-x))`` elementwise."""

    def check(case):
        got = _elementwise("sigmoid", sigmoid, case)
        if np.isin(got, [0.0, 0.5, 1.0]).all() and not CASES.right(case, "sigmoid", got):
            raise diagnose(MISTAKES["step_function_for_sigmoid"])
        CASES.expect(case, "sigmoid", got, what="sigmoid(x)", reshape=True,
                     advice="It should be 1 / (1 + exp(-x)) for every entry.")

    for_each_case(CASES.of("sigmoid", numbers, example), check)


def grad_sigmoid_matches_reference(grad_sigmoid, numbers: dict | None = None,
                                   example: bool = False) -> None:
    """``grad_sigmoid`` is ``sigmoid(x) * (1 - sigmoid(x))`` elementwise."""

    def check(case):
        got = _elementwise("grad_sigmoid", grad_sigmoid, case)
        CASES.expect(case, "grad_sigmoid", got, what="grad_sigmoid(x)", reshape=True,
                     advice="It should be sigmoid(x) * (1 - sigmoid(x)) for every entry.")

    for_each_case(CASES.of("sigmoid", numbers, example, "grad_sigmoid"), check)


# --- loss_i and grad_loss_i ------------------------------------------------------------------


def _sample(case: dict):
    """Fresh copies of one sample, shaped as the lab passes them: y_i is a (1,) array."""
    return (np.asarray(case["w"], dtype=np.float64), np.asarray(case["x_i"], dtype=np.float64),
            np.asarray(case["y_i"], dtype=np.float64))


def _single_number(what: str, value) -> float:
    array = _answer(what, value)
    if array.size != 1:
        raise CheckFailed(f"{what} should be a single number (a float or a (1,) array).",
                          public=(f"{what} should be a single number (a float or a (1,) array), got "
                                  f"shape {student_shape(array)}."),
                          key="not_a_single_number")
    return float(array.reshape(()))


def _student_loss(loss_i, w, x_i, y_i) -> float:
    return _single_number("loss_i", call("loss_i", loss_i, w.copy(), x_i.copy(), y_i.copy()))


def _student_gradient(grad_loss_i, w, x_i, y_i) -> tuple[np.ndarray, CheckFailed | None]:
    """The student's gradient, and what it did to its arguments: a failure to raise once its
    value has been checked (a property a constant also has earns nothing alone)."""
    args = (w.copy(), x_i.copy(), y_i.copy())
    changed = None
    try:
        value = call_unchanged("grad_loss_i", grad_loss_i, *args, names=("w", "x_i", "y_i"))
    except CheckFailed as failure:
        if failure.key != "changed_its_input_in_place":
            raise
        changed = CheckFailed(f"{failure.text().rstrip('.')}. In the training loops x_i is X[i], a "
                              "row of the data, which would change with it.", key=failure.key)
        value = call("grad_loss_i", grad_loss_i, w.copy(), x_i.copy(), y_i.copy())
    grad = _answer("grad_loss_i", value)
    if grad.size == 1:
        raise diagnose(MISTAKES["gradient_is_a_single_number"])
    expect_shape("grad_loss_i", grad, *WEIGHT_SHAPES,
                 hidden="it should hold one entry per weight, like x_i")
    return grad.reshape(-1), changed


LOSS_ADVICE = "With p = sigmoid(w @ x_i), the loss is -(y_i ln p + (1 - y_i) ln(1 - p))."
GRADIENT_ADVICE = "With p = sigmoid(w @ x_i), the gradient is -(y_i - p) x_i."


def loss_i_matches_reference(loss_i, numbers: dict | None = None, example: bool = False) -> None:
    """``loss_i`` is ``-(y ln p + (1 - y) ln(1 - p))`` on samples of both labels."""

    def check(case):
        got = _student_loss(loss_i, *_sample(case))
        if not np.isfinite(got):
            raise diagnose(MISTAKES["log_of_a_number_outside_0_and_1"])
        CASES.expect(case, "loss", got, what="loss_i", reshape=True, advice=LOSS_ADVICE)

    for_each_case(CASES.of("loss_i", numbers, example), check)


def grad_loss_i_matches_reference(grad_loss_i, numbers: dict | None = None,
                                  example: bool = False) -> None:
    """``grad_loss_i`` is ``-(y - p) x`` on samples of both labels."""

    def check(case):
        got, changed = _student_gradient(grad_loss_i, *_sample(case))
        CASES.expect(case, "grad", got, what="grad_loss_i", reshape=True, advice=GRADIENT_ADVICE)
        if changed:
            raise changed

    for_each_case(CASES.of("loss_i", numbers, example, "grad_loss_i"), check)


FD_STEP = 1e-3  # large enough for a float32 loss, small enough for a 1e-3 tolerance


def _slopes_of(loss_i, w, x_i, y_i) -> np.ndarray | None:
    """The central differences of the student's own ``loss_i`` at ``w``, or None if it fails."""
    slopes = np.zeros(3)
    try:
        for k in range(3):
            step = np.zeros(3)
            step[k] = FD_STEP
            up = _student_loss(loss_i, w + step, x_i, y_i)
            down = _student_loss(loss_i, w - step, x_i, y_i)
            slopes[k] = (up - down) / (2.0 * FD_STEP)
    except AssertionError:
        return None
    return slopes if np.isfinite(slopes).all() else None


def grad_loss_i_at_other_samples(loss_i, grad_loss_i, numbers: dict | None = None,
                                 example: bool = False) -> None:
    """``grad_loss_i`` on samples with larger inputs; a wrong one is explained through the
    slope of the student's own ``loss_i``.

    Points come from the gradient's values alone: a right gradient passes whatever
    ``loss_i`` does (a wrong loss costs points in its own question only), and a pair that
    only agrees with itself (a wrong loss and its gradient) earns nothing here. The slopes,
    measured on the student's own losses, only choose the words.
    """

    def check(case):
        w, x_i, y_i = _sample(case)
        got, changed = _student_gradient(grad_loss_i, w, x_i, y_i)
        if CASES.right(case, "grad", got):
            if changed:
                raise changed
            return
        known = CASES.matching(case, "grad", got)
        if known is not None:
            raise diagnose(known, "grad_loss_i differs from the reference: ")
        slopes = _slopes_of(loss_i, w, x_i, y_i)
        if slopes is not None and np.allclose(got, -slopes, rtol=1e-3, atol=1e-3):
            raise diagnose(MISTAKES["gradient_is_minus_the_slope_of_the_loss"],
                           "grad_loss_i differs from the reference: ")
        if slopes is not None and np.allclose(got, slopes, rtol=1e-3, atol=1e-3):
            _follows_a_wrong_loss(loss_i, case, w, x_i, y_i)
        raise CheckFailed(
            "grad_loss_i differs from the reference, and from the slope of your own loss_i "
            "measured by finite differences, (loss_i(w + h e_k) - loss_i(w - h e_k)) / 2h. If "
            f"loss_i passes its tests, the gradient is off. {GRADIENT_ADVICE}",
            key="unknown_mistake")

    for_each_case(CASES.of("grad_loss_i", numbers, example), check)


def _follows_a_wrong_loss(loss_i, case, w, x_i, y_i) -> None:
    """The gradient is the slope of the student's own loss, and differs from the reference: so
    the loss is off too. Name its mistake where the case knows it (the failure follows from it)."""
    opening = ("grad_loss_i differs from the reference, but it is the slope of your own loss_i "
               "(measured by finite differences), so loss_i is off too and the gradient follows it")
    got = np.asarray(_student_loss(loss_i, w, x_i, y_i))
    mistake = CASES.matching(case, "loss", got)
    if mistake is not None:
        raise Diagnosed(f"{opening}: in loss_i, {mistake.explanation} Fix loss_i first, then its "
                        "gradient.", mistake.key)
    raise CheckFailed(f"{opening}. Fix loss_i first (its own test says how), then its gradient.",
                      key="unknown_mistake")


# --- gradient descent ------------------------------------------------------------------------


def _data(case: dict):
    X = np.asarray(case["X"], dtype=np.float64)
    y = np.asarray(case["y"], dtype=np.float64).reshape(-1, 1)  # (N, 1), as the lab makes it
    return X, y


def _descent_call(name: str, function, case: dict, *args):
    """Call a student's descent on the case's data (y of shape (N, 1)), then ``args``. A
    result that is not three weights, or a broadcasting error, is tried again with y flat: if
    that gives the right weights, the (N, 1) shape of y was mishandled."""
    X, y = _data(case)
    hints = [("Cannot cast ufunc", "integer_array_updated_in_place")]
    try:
        result = _call_with_hints(name, function, X.copy(), y.copy(), *args, hints=hints)
    except CheckFailed:
        raise
    except AssertionError as error:  # the student's own error, worded by the engine
        if "broadcast" in error_text(error) and _right_with_flat_y(function, case, args):
            raise diagnose(MISTAKES["y_not_flattened"], f"`{name}` raised an error: ") from None
        raise
    w, losses = unpack(name, result, 2)
    w = _answer("the returned w", w)
    if w.size != 3 and _right_with_flat_y(function, case, args):
        raise diagnose(MISTAKES["y_not_flattened"], "the returned w does not hold 3 weights: ")
    expect_shape("the returned w", w, *WEIGHT_SHAPES, hidden="it should hold the 3 weights")
    return w.reshape(-1), _answer("the loss history", losses).reshape(-1)


def _right_with_flat_y(function, case: dict, args) -> bool:
    """Whether the student's function gives the case's answers (its weights, its losses, those
    the case has) when y is passed as (N,)."""
    X, y = _data(case)
    try:
        result = call("the function", function, X.copy(), y.reshape(-1).copy(), *args)
        answers = dict(zip(("w", "losses"), unpack("the function", result, 2)))
        return all(CASES.right(case, field, to_array(field, answers[field]).reshape(-1))
                   for field in ("w", "losses") if field in case)
    except AssertionError:
        return False


def _expect_length(what: str, losses: np.ndarray, length: int, unit: str) -> None:
    if losses.size != length:
        raise CheckFailed(
            f"{what} should hold one value of L(w) per {unit}, each recorded before its {unit}.",
            public=(f"{what} has {losses.size} values, expected {length}: one value of L(w) per "
                    f"{unit}, recorded before the {unit}."),
            key="wrong_number_of_values")


def _expect_finite(what: str, values: np.ndarray) -> None:
    if not np.isfinite(values).all():
        raise CheckFailed(
            f"{what} contains NaN or infinity, although a correct run stays finite on this case, "
            "in float64 as in float32. Either the weights grow without bound (check that the "
            "update subtracts eta * gradient) or a logarithm met 0 (it should only see p and 1 - p).",
            key="not_finite")


# Mistakes of grad_loss_i and loss_i that a descent's cases also store: what the descent gives
# when every term of its gradient, or of its loss, has that mistake (as when it calls the
# student's own grad_loss_i or loss_i). Named under the same key, as the mistake it follows from.
IN_THE_GRADIENT = {"extra_factor_p_times_one_minus_p", "sigmoid_of_minus_w_x", "w_x_for_p",
                   "only_the_label_one_term_differentiated"}
IN_THE_LOSS = {"log10_for_ln", "loss_terms_swapped", "label_zero_term_missing", "label_one_term_missing",
               "squared_error_for_cross_entropy"}


def _differs(what: str, mistake, function: str) -> str:
    """How a descent's failure opens, for ``mistake``: a follow-on one says where it comes from."""
    keys = set(mistake.key.split("|"))
    for inside, helper, term in ((IN_THE_GRADIENT, "grad_loss_i", "gradient"), (IN_THE_LOSS, "loss_i", "loss")):
        if keys <= inside:
            return (f"{what} differs from the reference the way it does when each {term} term has "
                    f"a mistake (in {helper}, if {function} calls it): ")
    return f"{what} differs from the reference: "


DESCENT_ADVICE = (
    "Start from w = 0 and make exactly T updates w <- w - eta * grad L(w), with L and its "
    "gradient summed over all samples, and append L(w) before each update."
)


def _first_loss_is_off(case: dict, losses: np.ndarray) -> bool:
    if "losses" not in case or not (losses.size and np.isfinite(losses[0])):
        return False
    return not CASES.right(case, "losses", losses[:1], want=case["losses"][:1])


def _check_descent(gradient_descent, case: dict, *, weights: bool, losses: bool) -> None:
    w, history = _descent_call("gradient_descent", gradient_descent, case, case["eta"], case["T"])
    if weights:
        _expect_finite("the returned w", w)
        if not CASES.right(case, "w", w):
            _name_or(case, "w", "the returned w", w,
                     lambda: _first_loss_check(case, history, "the returned w differs from the reference, "
                                                               "and "))
    if losses:
        _expect_length("the loss history", history, case["T"], "update")
        _expect_finite("the loss history", history)
        if not CASES.right(case, "losses", history):
            _name_or(case, "losses", "the loss history", history,
                     lambda: _first_loss_check(case, history, "the loss history differs from the reference: "))


def _name_or(case: dict, field: str, what: str, got: np.ndarray, otherwise) -> None:
    """Name the stored mistake ``got`` matches; else ``otherwise()`` may explain; else generic."""
    mistake = CASES.matching(case, field, got, reshape=True)
    if mistake is not None:
        raise diagnose(mistake, _differs(what, mistake, "gradient_descent"))
    otherwise()
    raise CheckFailed(f"{what} differs from the reference. {DESCENT_ADVICE}", key="unknown_mistake")


def _first_loss_check(case: dict, history: np.ndarray, prefix: str) -> None:
    if _first_loss_is_off(case, history):
        raise diagnose(MISTAKES["first_loss_not_at_w_zero"], prefix)


def gradient_descent_on_lab_data(gradient_descent, numbers: dict | None = None,
                                 example: bool = False) -> None:
    """The final weights and the whole loss history on the lab's own data."""
    for_each_case(CASES.of("gradient_descent_lab", numbers, example, "gradient_descent_losses"),
                  lambda case: _check_descent(gradient_descent, case, weights="w" in case,
                                              losses="losses" in case))


def gradient_descent_weights_on_new_data(gradient_descent, numbers: dict | None = None,
                                         example: bool = False) -> None:
    """The final weights on other data, step sizes and step counts."""
    for_each_case(CASES.of("gradient_descent", numbers, example, "gradient_descent_weights"),
                  lambda case: _check_descent(gradient_descent, case, weights=True, losses=False))


def gradient_descent_losses_on_new_data(gradient_descent, numbers: dict | None = None,
                                        example: bool = False) -> None:
    """The whole loss history (and the shape of w) on other data, step sizes and step counts."""
    for_each_case(CASES.of("gradient_descent", numbers, example, "gradient_descent_losses"),
                  lambda case: _check_descent(gradient_descent, case, weights=False, losses=True))


# --- mini-batch gradient descent -------------------------------------------------------------


MINIBATCH_ADVICE = (
    "Make rng = np.random.default_rng(seed) once; at the start of each epoch append L(w) over "
    "all samples, draw order = rng.permutation(N), and update w <- w - eta * (gradient summed "
    "over the batch) for each slice order[k:k + batch_size] in turn."
)


def _run_minibatch(function, case: dict, batch_size: int | None = None, data: dict | None = None):
    """The student's (w, losses) on the case (or on ``data``'s X and y, with the case's other
    arguments)."""
    inputs = {**case, **(data or {})}
    return _descent_call("minibatch_gradient_descent", function, inputs, case["eta"], case["epochs"],
                         batch_size or case["batch_size"], case["seed"])


def _check_minibatch(function, case: dict) -> None:
    w, losses = _run_minibatch(function, case)
    _expect_length("the loss history", losses, case["epochs"], "epoch")
    _expect_finite("the returned w", w)
    _expect_finite("the loss history", losses)
    if not CASES.right(case, "w", w):
        _minibatch_name_or(function, case, "w", "the returned w", w)
    if not CASES.right(case, "losses", losses):
        _minibatch_name_or(function, case, "losses", "the loss history", losses)


def _minibatch_name_or(function, case: dict, field: str, what: str, got: np.ndarray) -> None:
    mistake = CASES.matching(case, field, got, reshape=True)
    if mistake is not None:
        raise diagnose(mistake, _differs(what, mistake, "minibatch_gradient_descent"))
    if "probes" in case and _right_where_the_order_cannot_matter(function, case):
        raise diagnose(MISTAKES["batches_not_as_prescribed"], f"{what} differs from the reference: ")
    raise CheckFailed(f"{what} differs from the reference. {MINIBATCH_ADVICE}", key="unknown_mistake")


def _right_where_the_order_cannot_matter(function, case: dict) -> bool:
    """Whether the student's function is right on the case's two probes: one batch per epoch
    on its data, and its batch sizes on data made of one point repeated."""
    probes = case["probes"]
    try:
        w, losses = _run_minibatch(function, case, probes["one_batch"]["batch_size"])
        if not (CASES.right(case, "w", w, want=probes["one_batch"]["w"])
                and CASES.right(case, "losses", losses, want=probes["one_batch"]["losses"])):
            return False
        same = probes["same_points"]
        w, losses = _run_minibatch(function, case, data={"X": same["X"], "y": same["y"]})
        return (CASES.right(case, "w", w, want=same["w"])
                and CASES.right(case, "losses", losses, want=same["losses"]))
    except AssertionError:
        return False


def minibatch_structure(minibatch_gradient_descent, numbers: dict | None = None,
                        example: bool = False) -> None:
    """Whatever the batch order: ``(w, losses)`` with three weights, one loss per epoch, the
    first at ``w = 0``, and the same result again for the same seed.

    Every seeded batch order passes it, so the notebook's public test calls it beside a value
    check (:func:`minibatch_full_batch_matches_gradient_descent`), in the same test case.
    """

    def check(case):
        w, losses = _run_minibatch(minibatch_gradient_descent, case)
        _expect_length("the loss history", losses, case["epochs"], "epoch")
        first = case["first_loss"] if "first_loss" in case else case["losses"][0]
        if not CASES.right(case, "losses", losses[:1], want=[first]):
            raise diagnose(MISTAKES["first_loss_not_at_w_zero"])
        again, _ = _run_minibatch(minibatch_gradient_descent, case)
        if not close(again, w, rtol=1e-9, atol=1e-12):
            raise diagnose(MISTAKES["batch_order_not_repeatable"])

    for_each_case(CASES.of("minibatch_gradient_descent", numbers, example, "minibatch_structure"), check)


def minibatch_on_identical_points(minibatch_gradient_descent, numbers: dict | None = None,
                                  example: bool = False) -> None:
    """Weights and losses on data made of one point repeated, in several batches per epoch:
    every batch order gives the same numbers there, so the updates, the batch sizes and the
    losses are checked apart from the order."""
    if example:
        cases = CASES.of("minibatch_same_points", numbers, example)
    else:  # no hidden test asks this alone: the hidden cases' own probes would serve
        cases = [{**case, **case["probes"]["same_points"], "mistakes": {}}
                 for case in CASES.of("minibatch_gradient_descent", numbers, example) if "probes" in case]
    for_each_case(cases, lambda case: _check_minibatch(minibatch_gradient_descent, case))


def minibatch_full_batch_matches_gradient_descent(minibatch_gradient_descent,
                                                  numbers: dict | None = None,
                                                  example: bool = False) -> None:
    """With one batch per epoch (batch size N or more) it is full-batch gradient descent."""
    for_each_case(CASES.of("minibatch_full_batch", numbers, example),
                  lambda case: _check_minibatch(minibatch_gradient_descent, case))


def minibatch_matches_seeded_order(minibatch_gradient_descent, numbers: dict | None = None,
                                   example: bool = False) -> None:
    """Weights and losses on other data with the prescribed seeded batch order."""
    for_each_case(CASES.of("minibatch_gradient_descent", numbers, example, "minibatch_same_points"),
                  lambda case: _check_minibatch(minibatch_gradient_descent, case))


# --- the derivative of f(x) = sqrt(x^2 + e^{x^2}) + cos(x^2 + e^{x^2}) --------------------------


AUTOGRAD_HINTS = [
    ("'NoneType' object has no attribute", "x_grad_is_none"),
    ("Can't call numpy()", "numpy_functions_on_a_tensor"),
]
DERIVATIVE_ADVICE = "With u = x^2 + exp(x^2), f'(x) = u'(x) * (1 / (2 sqrt(u)) - sin(u))."


def _derivative(name: str, function, x: float) -> float:
    hints = AUTOGRAD_HINTS if name == "df_autograd" else ()
    value = _single_number(f"{name}(x)", _call_with_hints(name, function, float(x), hints=hints))
    return value


def _derivatives(name: str, function, case: dict) -> np.ndarray:
    """The student's derivative at the case's point, or at each of its points."""
    return np.array([_derivative(name, function, x) for x in np.atleast_1d(case["x"])])


def _check_derivative(name: str, function, case: dict) -> None:
    got = _derivatives(name, function, case)
    if not np.isfinite(got).all():
        raise CheckFailed(f"{name}(x) returned NaN or infinity, yet f'(x) is finite for every "
                          "|x| <= 1.5.", key="not_finite")
    CASES.expect(case, "df", got, what=f"{name}(x)", reshape=True, advice=DERIVATIVE_ADVICE)


def df_explicit_matches_reference(df_explicit, numbers: dict | None = None,
                                  example: bool = False) -> None:
    """The hand-derived derivative at points in [-1.5, 1.5]."""
    for_each_case(CASES.of("derivative", numbers, example, "df_explicit"),
                  lambda case: _check_derivative("df_explicit", df_explicit, case))


def df_autograd_matches_reference(df_autograd, numbers: dict | None = None,
                                  example: bool = False) -> None:
    """The autograd derivative at points in [-1.5, 1.5]; float32 tensors are welcome."""
    for_each_case(CASES.of("derivative", numbers, example, "df_autograd"),
                  lambda case: _check_derivative("df_autograd", df_autograd, case))


def derivatives_agree(df_explicit, df_autograd, numbers: dict | None = None,
                      example: bool = False) -> None:
    """``df_explicit`` and ``df_autograd`` agree with each other and with f' at points spread
    over [-1.5, 1.5].

    Agreement alone earns nothing (two functions that return the same constant agree): each
    function's values are compared with the reference's, and the two agree when both match.
    """

    def check(case):
        _check_derivative("df_explicit", df_explicit, case)
        _check_derivative("df_autograd", df_autograd, case)

    for_each_case(CASES.of("derivative_spread", numbers, example, "df_autograd"), check)
