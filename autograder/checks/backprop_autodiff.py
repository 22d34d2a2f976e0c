"""Checks of ``backprop_autodiff``: one function per test in the master notebook, public and hidden.

Each check calls the student's code on cases (the hidden ones drawn for this grading, or with
``example`` the notebook's own examples), compares what comes back with the stored answer
within the case's own tolerance, and explains the first thing that looks wrong. A known
mistake is named when the student's result matches what the reference stored for it
(``reference/backprop_autodiff.py`` holds every formula, right and wrong, and proves each case
tells them apart), or when a fact shows it (a NaN at the threshold, an argument changed in
place). This module computes no answer, right or wrong, so the student's notebook can carry it
for the public checks; a hidden case's numbers, shapes and inputs are never shown.

Every test earns its points with a value the student's code computed: a property a constant
answer also has (zero below the threshold, the weights restored, an argument unchanged) is
checked in the same test case as the values.

The mini autodiff is graded through its six classes at once: the checks build each case's
expression with the student's ``Var`` and operations, then call ``evaluate``, ``zero_grad``
and ``backward`` on it and read ``val`` and ``grad``, the protocol of the notes' Algorithm 2.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from autograder.grading_runtime.wording import failure_words

from .cases import CaseChecks, tolerance
from .values import (PLAIN, CheckFailed, Diagnosed, call, call_unchanged, close, diagnose, error_text,
                     expect_shape, for_each_case, is_proxy, kind_of, probe, to_array, unpack, vocabulary)

ASSIGNMENT = "backprop_autodiff"
RESTORE_TOLERANCE = 1e-12  # how far w may come back from its values, times (max|w| + delta)
GRADIENT_NAMES = ("dE_dW", "dE_da", "dE_dM", "dE_db")

MISTAKES = vocabulary(
    # shared
    argument_changed_in_place=(
        "numpy arrays share memory, so writing into an argument (z -= z.max(axis=1), "
        "w[i] += delta, theta -= kappa * grad) changes the caller's array too; compute new arrays "
        "instead, or work on a copy."),
    loss_not_a_single_number="the loss should be a single number: the mean over the samples.",
    # lif_firing_rate
    raises_at_or_below_threshold=(
        "the rate is 0 for v_in <= 1, so the logarithm should only be taken where v_in > 1 "
        "(an if for a float, a mask or np.where for an array)."),
    if_on_an_array=(
        "an if on an array raises an error (the truth value of an array is ambiguous); for an array, "
        "pick the inputs above the threshold with a mask or np.where."),
    nan_at_or_below_threshold=(
        "the rate is NaN for some inputs at or below the threshold; for v_in <= 1 it should be 0, "
        "so apply the formula only where v_in > 1."),
    negative_rate_at_or_below_threshold=(
        "the rate is negative for some inputs at or below the threshold; a firing rate is never "
        "negative, and for v_in <= 1 it is 0."),
    nonzero_at_or_below_threshold="the rate should be exactly 0 for every input v_in <= 1.",
    tau_arguments_ignored=(
        "the rates are those of the default time constants 0.002 and 0.02; use the tau_ref and tau_m "
        "the function receives."),
    log10_instead_of_ln="the base-10 logarithm is used; the formula takes the natural log (np.log).",
    time_constants_swapped="tau_ref and tau_m look swapped in the formula.",
    interval_instead_of_rate=(
        "the result looks like the time between spikes; the firing rate is one over it."),
    plus_instead_of_minus=(
        "the denominator adds tau_m * ln(1 - 1/v_in); it should subtract it (the log is negative, "
        "so the interval grows)."),
    refractory_period_left_out="the refractory period tau_ref is missing from the denominator.",
    # softmax
    normalised_over_the_whole_batch=(
        "the exponentials are divided by one sum over the whole batch; each row should be divided "
        "by its own sum (a sum over the last axis that keeps its dimension)."),
    normalised_over_columns=(
        "the exponentials are normalised down the columns (axis 0); each row, one sample, should "
        "sum to 1."),
    exponentials_not_normalised="the exponentials are not divided by their sum.",
    normalised_without_exponentials="z is divided by its sum without exponentiating it first.",
    log_of_the_softmax="the result looks like the log of the softmax; return the probabilities.",
    result_rounded="the result looks rounded; return the values as they come out of the formula.",
    # one_hot
    index_instead_of_vector=(
        "the result holds the position of the largest entry of each row (argmax); return an array of "
        "z's shape with a 1 at that position and 0 elsewhere."),
    maximum_kept_instead_of_one=(
        "the largest entry keeps its own value; it should be replaced by 1 (the notes map 3.4 to 1)."),
    one_at_the_smallest_entry="the 1 sits at the smallest entry; it belongs at the largest.",
    one_over_the_whole_batch="there is a single 1 in the whole batch; each row should get its own.",
    one_per_column="the 1s mark the largest entry of each column; each row should get one.",
    softmax_instead_of_one_hot=(
        "the result looks like the softmax; one-hot keeps only the largest entry, as 1."),
    # losses
    mean_over_components_too=(
        "the loss is also divided by the number of components; the mean runs over the N samples, "
        "the components of each sample are summed."),
    mean_over_components_instead_of_samples=(
        "the loss is divided by the number of components K instead of the number of samples N; the "
        "mean runs over the samples (the rows), the components of each sample are summed."),
    half_missing="the 1/2 of L = 1/2 ||y - t||^2 is missing.",
    sum_instead_of_mean="the loss looks like the sum over the samples, not the mean.",
    pytorch_mse_loss=(
        "the loss looks like F.mse_loss: no 1/2 and a mean over every entry; this exercise's loss "
        "is the mean over samples of 1/2 ||y_i - t_i||^2."),
    norm_not_squared="the norm ||y_i - t_i|| is not squared.",
    absolute_instead_of_squared="the loss uses absolute differences; square them.",
    sign_flipped="the sign is flipped.",
    second_term_missing="the (1 - t) ln(1 - y) term is missing.",
    terms_swapped="t and 1 - t are paired with the wrong logarithms.",
    clipped_too_far=(
        "y looks clipped at 1e-3; an epsilon up to 1e-6 is fine, a larger one changes the loss."),
    epsilon_too_large=(
        "the logarithms look guarded with an epsilon of 1e-3, log(y + 1e-3); an epsilon up to 1e-6 is "
        "fine, a larger one changes the loss."),
    logistic_applied_to_y="y already holds probabilities; do not apply the logistic function to it.",
    mean_over_classes_too=(
        "the loss is also divided by the number of classes; sum over the K classes and average over "
        "the N samples."),
    softmax_applied_to_y=(
        "y already holds probabilities (rows summing to 1); do not apply softmax or F.cross_entropy to it."),
    targets_left_out="the targets t are missing: only the log of the true class counts.",
    binary_terms_added=(
        "the (1 - t) ln(1 - y) terms of the binary loss are added; the categorical loss has only t ln y."),
    # finite_difference_gradient
    w_flattened_before_calling_f=(
        "f takes an array of w's shape; perturb entry i of w in place of flattening it (np.ndindex "
        "or a flat view of a copy both keep the shape)."),
    result_flattened="the gradient should have w's shape, not be flattened.",
    w_left_perturbed=(
        "w does not hold its original values after the call; perturb a copy (np.copy(w), not w_plus = w), "
        "or put each entry back after evaluating f."),
    forward_difference=(
        "the values look like a forward difference (f(w + delta e_i) - f(w)) / delta; use the central "
        "difference (f(w + delta e_i) - f(w - delta e_i)) / (2 delta)."),
    backward_difference=(
        "the values look like a backward difference; use the central difference of both neighbours."),
    two_delta_missing="the difference is divided by delta; the central difference divides by 2 delta.",
    every_entry_perturbed_at_once=(
        "every entry of w seems to be perturbed at once; perturb one entry at a time, as the notes "
        "perturb theta_1 alone."),
    perturbed_through_an_alias=(
        "the perturbed weights look like the same array (w_plus = w and w_minus = w name one array); "
        "make real copies."),
    evaluated_in_low_precision=(
        "the values are those of the central difference taken at float32 copies of w, which keep "
        "about three correct digits (float32 rounds w + delta); keep float64."),
    # backprop
    weight_gradient_transposed=(
        "a weight gradient is transposed: dE/dW = X.T @ dE/dalpha has W's shape (D, H), and dE/dM = "
        "h.T @ dE/dbeta has M's shape (H, Y)."),
    bias_gradient_not_summed=(
        "a bias gradient has one row per sample; sum it over the samples (axis 0)."),
    bias_gradient_from_the_first_sample=(
        "a bias gradient looks taken from the first sample only; it is the sum of its layer's dE/dcurrent "
        "over all the samples (axis 0)."),
    bias_gradient_averaged_again=(
        "a bias gradient looks divided by N once more; dE/dbeta already holds the 1/N of the mean, so a "
        "bias gradient is the plain sum over the samples."),
    hidden_derivative_missing=(
        "dE/dalpha misses the hidden layer's logistic derivative: it is h (1 - h) * (dE/dbeta @ M.T), "
        "not dE/dbeta @ M.T alone."),
    derivative_taken_at_h=(
        "the hidden layer's sigma' looks evaluated at h; it is sigma'(alpha) = h (1 - h), taken at the "
        "input current alpha."),
    output_derivative_missing=(
        "dE/dbeta misses the logistic's derivative y (1 - y) of the output layer."),
    mean_missing="the 1/N of the mean over the samples is missing from dE/dbeta.",
    mean_over_outputs_too="dE/dbeta is also divided by the number of outputs; divide by N only.",
    derivative_of_the_current_as_if_it_were_the_output=(
        "sigma' looks computed as z (1 - z) from the input current; it is sigma(z) (1 - sigma(z)), "
        "that is h (1 - h) or y (1 - y)."),
    # the mini autodiff
    not_a_var="an operation should return a new Var whose creator is the operation.",
    evaluate_changed_a_leaf=(
        "evaluating changed a leaf's val; an in-place a += b inside an operation writes into the "
        "leaf when a is its val: compute a + b instead."),
    value_cached_when_built=(
        "evaluate returned the value from when the graph was built, not from the leaves' current "
        "val; recompute from the leaves on every call."),
    backward_uses_stale_values=(
        "evaluate gives the value at the new point, but the gradient is taken with values from when "
        "the graph was built: backward reads a val that evaluate never updated. Store each value in "
        "val as you evaluate it (self.val = self.creator.evaluate), or have backward evaluate its "
        "arguments again."),
    s_modified_in_place=(
        "backward changed the array s it was given (an in-place s *= in an operation, or a Var whose "
        "grad is s itself); compute s times each derivative into a new array."),
    gradient_transposed=(
        "the gradient has the transposed shape; in MatMul, A gets s @ B.T and B gets A.T @ s."),
    grad_overwritten=(
        "backward seems to replace grad instead of adding to it (grad += s): a Var used on several "
        "paths gets the sum of all of them, and two backward calls add up."),
    grad_is_the_array_s_itself=(
        "a Var's grad seems to be the very array s it received, so a later += changes its "
        "neighbours too; zero_grad should set zeros, and backward add s into them."),
    backward_stops_at_the_top=(
        "backward does not reach the Vars below the top; after grad += s, call creator.backward(s) "
        "when there is a creator."),
    zero_grad_does_not_reach_every_var=(
        "zero_grad left a nonzero grad below the top, so gradients pile up from one backward pass "
        "to the next; it should set grad to zeros on this Var and on every Var below it."),
    logistic_sign_flipped=(
        "Logistic computes 1 / (1 + exp(A)); the logistic function is y = 1 / (1 + exp(-A))."),
    sin_derivative_is_sin="Sin passes s * sin(A) down; the derivative of sin is cos: s * cos(A).",
    sin_derivative_sign="Sin passes -s * cos(A) down; the derivative of sin(A) is +cos(A).",
    logistic_derivative_at_the_input=(
        "Logistic passes s * A (1 - A) down; the derivative is s * y (1 - y) with y = 1/(1 + exp(-A))."),
    mul_gradients_swapped="in Mul, A gets s * B and B gets s * A; the factors look swapped.",
    matmul_gradient_not_transposed=(
        "a MatMul gradient misses a transpose (or the shapes of a product do not fit); A gets "
        "s @ B.T and B gets A.T @ s."),
    s_not_multiplied=(
        "an operation passes its own derivative down without multiplying it by s, the derivative "
        "from above."),
    # weight_decay_step
    lam_read_as_the_product=(
        "the decay subtracts lam * theta; lam is the coefficient in the loss, so the step subtracts "
        "kappa * lam * theta."),
    half_of_the_decay=(
        "the decay looks halved; the 1/2 of (lam/2) ||theta||^2 cancels the 2 of its derivative, "
        "leaving kappa * lam * theta."),
    twice_the_decay=(
        "the decay looks doubled; the derivative of (lam/2) ||theta||^2 is lam * theta."),
    decay_after_the_step=(
        "the decay uses the weights after the gradient step; it uses theta before the step."),
    decay_added="the decay is added; weight decay shrinks the weights.",
    decay_missing="the result is a plain gradient step; the decay term kappa * lam * theta is missing.",
    step_size_missing_on_the_gradient="the gradient is not multiplied by the step size kappa.",
)
CASES = CaseChecks(ASSIGNMENT, MISTAKES)



def _unchanged(name: str, function: Any, *args: Any, names: tuple[str, ...],
               tolerances: dict[str, float] | None = None) -> Any:
    """``call_unchanged``, its in-place failure named as the mistake it is."""
    try:
        return call_unchanged(name, function, *args, names=names, tolerances=tolerances)
    except AssertionError as failure:
        if getattr(failure, "key", None) == "changed_its_input_in_place":
            raise _after(failure, MISTAKES["argument_changed_in_place"]) from None
        raise


def _after(failure: AssertionError, mistake, raised_by: str = "") -> Diagnosed:
    """The failure in the words fit for where it is said, followed by what it likely means; for
    an error the student's code raised (``raised_by``), only that it raised: the cause named
    says more than the error's own text."""
    words = f"`{raised_by}` raised an error" if raised_by else failure_words(failure)[0]
    text = mistake.explanation
    return Diagnosed(f"{words.rstrip('.')}. {text[:1].upper()}{text[1:]}", mistake.key)


def _raised(failure: AssertionError) -> bool:
    """Whether a failure is the student's code raising an error (not a check's finding)."""
    return getattr(failure, "key", None) == "raised_an_error" or " raised " in str(failure)


# --- lif_firing_rate ---------------------------------------------------------------------------

RATE_ADVICE = "For v_in > 1 the rate is 1 / (tau_ref - tau_m * ln(1 - 1/v_in)), in spikes per second."


def _rates(lif_firing_rate, case: dict) -> tuple[np.ndarray, np.ndarray]:
    """The student's rates in the case's shape, and the inputs."""
    v_in = np.asarray(case["v_in"], dtype=np.float64)
    sent = float(v_in) if v_in.ndim == 0 else v_in.copy()
    args = (sent,) if case["tau_ref"] is None else (sent, case["tau_ref"], case["tau_m"])
    try:
        result = _unchanged("lif_firing_rate", lif_firing_rate, *args,
                            names=("v_in", "tau_ref", "tau_m")[:len(args)])
    except Diagnosed:
        raise
    except AssertionError as failure:
        said = error_text(failure)
        if (v_in <= 1.0).any() and _raised(failure):
            if "truth value of an array" in said:
                raise _after(failure, MISTAKES["if_on_an_array"], "lif_firing_rate") from None
            if "math domain error" in said or "division by zero" in said:
                raise _after(failure, MISTAKES["raises_at_or_below_threshold"], "lif_firing_rate") from None
        raise
    rate = to_array("the rate", result)
    if v_in.ndim == 0:
        expect_shape("the rate of a single float", rate, (), (1,), hidden="it should be a single number")
        return rate.reshape(()), v_in
    expect_shape("the rate", rate, v_in.shape, hidden="it should have the shape of v_in")
    return rate, v_in


def lif_rate_at_or_below_threshold(lif_firing_rate, numbers: dict | None = None,
                                   example: bool = False) -> None:
    """On inputs at or below the threshold (with others above it, mostly): the result has
    ``v_in``'s shape, is 0 wherever ``v_in <= 1`` (the threshold is strict) and the formula's
    rate elsewhere. The rates above the threshold are what earns the points: a constant zero
    has the property alone."""

    def check(case):
        rate, v_in = _rates(lif_firing_rate, case)
        below = rate[v_in <= 1.0]
        if np.isnan(below).any():
            raise diagnose(MISTAKES["nan_at_or_below_threshold"])
        if (below < 0.0).any():
            raise diagnose(MISTAKES["negative_rate_at_or_below_threshold"])
        if not (below == 0.0).all():
            raise diagnose(MISTAKES["nonzero_at_or_below_threshold"])
        CASES.expect(case, "rate", rate, what="the rate", advice=RATE_ADVICE)

    cases = CASES.of("lif_firing_rate", numbers, example)
    for_each_case([case for case in cases if (np.asarray(case["v_in"]) <= 1.0).any()], check)


def lif_rate_above_threshold(lif_firing_rate, numbers: dict | None = None, example: bool = False) -> None:
    """Above the threshold the rate is ``1 / (tau_ref - tau_m ln(1 - 1/v_in))``."""

    def check(case):
        rate, v_in = _rates(lif_firing_rate, case)
        above = v_in > 1.0
        CASES.expect(case, "rate", rate[above], what="the rate above the threshold", select=above,
                     advice=RATE_ADVICE)

    cases = CASES.of("lif_firing_rate", numbers, example)
    for_each_case([case for case in cases if (np.asarray(case["v_in"]) > 1.0).any()], check)


# --- softmax and one_hot -------------------------------------------------------------------------


def softmax_matches_reference(softmax, numbers: dict | None = None, example: bool = False) -> None:
    """Each row of ``z`` exponentiated and divided by its own sum, in ``z``'s shape."""

    def check(case):
        z = np.array(case["z"], dtype=np.float64)
        y = to_array("softmax(z)", _unchanged("softmax", softmax, z, names=("z",)))
        CASES.expect(case, "y", y, what="softmax(z)", shape_words="it should have the shape of z",
                advice="Each row of z should be exponentiated and divided by the sum of its own row, so "
                       "that every row sums to 1.")

    for_each_case(CASES.of("softmax", numbers, example), check)


def one_hot_matches_reference(one_hot, numbers: dict | None = None, example: bool = False) -> None:
    """A 1 at the largest entry of each row of ``z``, 0 elsewhere, in ``z``'s shape."""

    def check(case):
        z = np.array(case["z"], dtype=np.float64)
        y = to_array("one_hot(z)", _unchanged("one_hot", one_hot, z, names=("z",)))
        CASES.expect(case, "y", y, what="one_hot(z)", shape_words="it should have the shape of z",
                advice="Each row should be 0 everywhere except for a 1 at the position of its largest entry.")

    for_each_case(CASES.of("one_hot", numbers, example), check)


# --- the losses ------------------------------------------------------------------------------------


def _loss(name: str, function, case: dict, advice: str) -> None:
    y = np.array(case["y"], dtype=np.float64)
    t = np.array(case["t"], dtype=np.float64)
    loss = to_array("the loss", _unchanged(name, function, y, t, names=("y", "t")))
    if loss.size != 1:
        raise diagnose(MISTAKES["loss_not_a_single_number"], "")
    CASES.expect(case, "loss", loss.reshape(()), what="the loss", advice=advice)


def mse_matches_reference(mse_loss, numbers: dict | None = None, example: bool = False) -> None:
    """``(1/N) sum_i 1/2 ||y_i - t_i||^2``: components summed, samples averaged."""
    for_each_case(CASES.of("mse_loss", numbers, example), lambda case: _loss(
        "mse_loss", mse_loss, case,
        "Each sample's loss is 1/2 times the sum of its squared differences; return their mean over "
        "the N samples."))


def binary_cross_entropy_matches_reference(binary_cross_entropy, numbers: dict | None = None,
                                           example: bool = False) -> None:
    """``-(1/N) sum_i [t_i ln y_i + (1 - t_i) ln(1 - y_i)]``."""
    for_each_case(CASES.of("binary_cross_entropy", numbers, example), lambda case: _loss(
        "binary_cross_entropy", binary_cross_entropy, case,
        "Each sample contributes -(t ln y + (1 - t) ln(1 - y)), natural logs; return the mean."))


def categorical_cross_entropy_matches_reference(categorical_cross_entropy, numbers: dict | None = None,
                                                example: bool = False) -> None:
    """``-(1/N) sum_i sum_k t_k ln y_k``: classes summed, samples averaged."""
    for_each_case(CASES.of("categorical_cross_entropy", numbers, example), lambda case: _loss(
        "categorical_cross_entropy", categorical_cross_entropy, case,
        "Each sample contributes -sum_k t_k ln y_k; return the mean over the N samples."))


# --- finite_difference_gradient ------------------------------------------------------------------

DIFFERENCE_ADVICE = ("Perturb one entry at a time by +delta and -delta and divide the difference of the two "
                     "values of f by 2 delta.")


def _difference(finite_difference_gradient, case: dict) -> np.ndarray:
    """The student's gradient for the case's function, which is built where the student's code
    runs and takes arrays of ``w``'s shape only; ``w`` must come back as it was sent."""
    f = probe(finite_difference_gradient, "build_function", case["spec"])
    w = np.array(case["w"], dtype=np.float64)
    # the contract lets w come back restored by arithmetic (+delta, -2 delta, +delta)
    restored_within = RESTORE_TOLERANCE * (float(np.max(np.abs(w))) + case["delta"])
    try:
        result = _unchanged("finite_difference_gradient", finite_difference_gradient, f, w, case["delta"],
                            names=("f", "w", "delta"), tolerances={"w": restored_within})
    except Diagnosed as failure:
        if failure.key == "argument_changed_in_place":
            raise diagnose(MISTAKES["w_left_perturbed"]) from None
        raise
    except AssertionError as failure:
        if "f takes an array of shape" in error_text(failure):
            raise diagnose(MISTAKES["w_flattened_before_calling_f"],
                           "f was called with an array whose shape is not w's: ") from None
        raise
    return to_array("the gradient", result)


def _difference_check(finite_difference_gradient, case: dict) -> None:
    gradient = _difference(finite_difference_gradient, case)
    CASES.expect(case, "gradient", gradient, what="the gradient", shape_words="it should have the shape of w",
            advice=DIFFERENCE_ADVICE)


def difference_on_weight_matrices(finite_difference_gradient, numbers: dict | None = None,
                                  example: bool = False) -> None:
    """For a weight matrix: ``f`` is called with arrays of ``w``'s shape, the result has that
    shape and the central differences as values, and ``w`` is as it was."""
    cases = CASES.of("finite_difference_gradient", numbers, example)
    for_each_case([case for case in cases if np.ndim(case["w"]) == 2],
                  lambda case: _difference_check(finite_difference_gradient, case))


def difference_on_weight_vectors(finite_difference_gradient, numbers: dict | None = None,
                                 example: bool = False) -> None:
    """For a vector of weights: entry ``i`` is ``(f(w + delta e_i) - f(w - delta e_i)) / (2 delta)``,
    and ``w`` is as it was."""
    cases = CASES.of("finite_difference_gradient", numbers, example)
    for_each_case([case for case in cases if np.ndim(case["w"]) == 1],
                  lambda case: _difference_check(finite_difference_gradient, case))


# --- backprop ---------------------------------------------------------------------------------------

OUTPUT_ADVICE = ("dE/dbeta is (y - T) times the logistic's derivative y(1 - y), divided by N; dE/dM = "
                 "h.T @ dE/dbeta and dE/db sums dE/dbeta over the samples.")
HIDDEN_ADVICE = ("dE/dalpha = h * (1 - h) * (dE/dbeta @ M.T); dE/dW = X.T @ dE/dalpha and dE/da sums "
                 "dE/dalpha over the samples.")
SHAPE_WORDS = {"dE_dW": "it should have the shape of W", "dE_da": "it should have the shape of a",
               "dE_dM": "it should have the shape of M", "dE_db": "it should have the shape of b"}


def _network_gradients(backprop, case: dict) -> dict[str, np.ndarray]:
    args = [np.array(case[name], dtype=np.float64) for name in "XTWaMb"]
    result = _unchanged("backprop", backprop, *args, names=tuple("XTWaMb"))
    return {name: to_array(name, value)
            for name, value in zip(GRADIENT_NAMES, unpack("backprop", result, 4))}


def _compare(name: str, grads: dict, case: dict, advice: str) -> None:
    want = np.shape(case[name])
    allowed = [want] if len(want) == 2 else [want, (1, *want)]
    CASES.expect(case, name, grads[name], what=name, shapes=allowed, shape_words=SHAPE_WORDS[name],
                 advice=advice)


def backprop_output_layer(backprop, numbers: dict | None = None, example: bool = False) -> None:
    """``dE/dM = h^T dE/dbeta`` and ``dE/db``, with ``dE/dbeta = (y - T) y (1 - y) / N``."""

    def check(case):
        grads = _network_gradients(backprop, case)
        for name in ("dE_dM", "dE_db"):
            _compare(name, grads, case, OUTPUT_ADVICE)

    for_each_case(CASES.of("backprop", numbers, example), check)


def backprop_hidden_layer(backprop, numbers: dict | None = None, example: bool = False) -> None:
    """``dE/dalpha = sigma'(alpha) * (dE/dbeta M^T)``, ``dE/dW = X^T dE/dalpha`` and ``dE/da``.

    A mistake in the output layer carries on into these: the reference stores what each gives
    here too, so such a failure is named after the output layer's mistake."""

    def check(case):
        grads = _network_gradients(backprop, case)
        output_right = all(CASES.right(case, name, grads[name]) for name in ("dE_dM", "dE_db"))
        advice = HIDDEN_ADVICE if output_right else (
            "The output layer's gradients are not right either (see the other test of this question), "
            "and the hidden layer's start from its dE/dbeta: look there first.")
        for name in ("dE_dW", "dE_da"):
            _compare(name, grads, case, advice)

    for_each_case(CASES.of("backprop", numbers, example), check)


# --- the mini autodiff --------------------------------------------------------------------------


def _is_object(value: Any) -> bool:
    """Whether ``value`` is a student's object (a Var, an operation), not plain data."""
    if is_proxy(value):
        return True
    plain = PLAIN + (str, dict, torch.Tensor)
    return value is not None and value is not Ellipsis and not isinstance(value, plain)


def _attribute(owner: Any, attribute: str, label: str) -> Any:
    """``owner.attribute``; a missing one, or an error of the student's, as feedback."""
    if is_proxy(owner):
        return getattr(owner, attribute)
    if not _is_object(owner):
        raise CheckFailed(f"{label}: expected a Var.", public=f"{label}: expected a Var, got a {kind_of(owner)}.")
    try:
        return getattr(owner, attribute)
    except Exception as error:  # the student's object failed to answer
        raise AssertionError(f"reading {label} raised {type(error).__name__}: {error}".rstrip()) from None


def _set(owner: Any, attribute: str, value: Any, label: str) -> None:
    if is_proxy(owner):
        setattr(owner, attribute, value)
        return
    try:
        setattr(owner, attribute, value)
    except Exception as error:  # the student's object refused
        raise AssertionError(f"setting {label} raised {type(error).__name__}: {error}".rstrip()) from None


def _run(owner: Any, method: str, label: str, *args: Any) -> Any:
    return call(label, _attribute(owner, method, label), *args)


def _var(what: str, value: Any) -> Any:
    if value is None or value is Ellipsis:
        raise CheckFailed(f"{what} returned nothing; is the code finished?", key="not_finished")
    if not _is_object(value):
        raise CheckFailed(f"{what} did not return a Var: {MISTAKES['not_a_var'].explanation}",
                          public=f"{what} returned a {kind_of(value)}: {MISTAKES['not_a_var'].explanation}",
                          key="not_a_var")
    return value


def _build(classes: dict, case: dict, leaves: str = "leaves") -> dict:
    """The case's expression, built with the student's classes: every node by name."""
    nodes = {}
    for name, value in case[leaves]:
        leaf = call("Var", classes["Var"], np.array(value, dtype=np.float64))
        nodes[name] = _var(f"Var of the leaf {name}", leaf)
    for name, operation, args in case["nodes"]:
        instance = call(operation, classes[operation])
        if not _is_object(instance):
            raise CheckFailed(f"{operation} should create an operation.",
                              public=f"{operation} should create an operation, got a {kind_of(instance)}.")
        applied = f"{operation} applied to {' and '.join(args)}"
        nodes[name] = _var(applied, call(applied, instance, *[nodes[a] for a in args]))
    return nodes


def _evaluate(nodes: dict, case: dict) -> np.ndarray:
    top = case["top"]
    return to_array(f"the value of {top}", _run(nodes[top], "evaluate", f"{top}.evaluate"))


def _backward(nodes: dict, case: dict) -> None:
    """``top.backward(s)`` with a fresh copy of ``s``, which must come back unchanged."""
    top = case["top"]
    method = _attribute(nodes[top], "backward", f"{top}.backward")
    try:
        _unchanged(f"{top}.backward", method, np.array(case["s"], dtype=np.float64), names=("s",))
    except Diagnosed as failure:
        if failure.key == "argument_changed_in_place":
            raise diagnose(MISTAKES["s_modified_in_place"]) from None
        raise
    except AssertionError as failure:  # shapes that do not fit: a transpose too many or too few
        said = error_text(failure)
        if _raised(failure) and ("matmul" in said or "not aligned" in said):
            raise _after(failure, MISTAKES["matmul_gradient_not_transposed"], f"{top}.backward") from None
        raise


def _leaves_unchanged(nodes: dict, leaves: list, case: dict, when: str) -> None:
    bounds = tolerance(case, "leaf")
    for name, value in leaves:
        want = np.asarray(value, dtype=np.float64)
        now = to_array(f"{name}.val", _attribute(nodes[name], "val", f"{name}.val"))
        expect_shape(f"{name}.val", now, want.shape, hidden="it should keep the shape it was given")
        if not close(now, want, **bounds):
            raise diagnose(MISTAKES["evaluate_changed_a_leaf"], f"after evaluating {when}, {name}.val changed: ")


def _grad(nodes: dict, name: str) -> np.ndarray:
    return to_array(f"{name}.grad", _attribute(nodes[name], "grad", f"{name}.grad"))


def _expect_grad(nodes: dict, name: str, case: dict, field: str, want, advice: str, where: str = "") -> None:
    what = f"{where}{name}.grad"
    got = _grad(nodes, name)
    want = np.asarray(want, dtype=np.float64)
    if got.shape != want.shape and got.ndim == 2 and got.shape == want.shape[::-1]:
        raise CheckFailed(f"{what} differs from the reference: {MISTAKES['gradient_transposed'].explanation}",
                          public=f"{what} should have shape {want.shape}: "
                                 f"{MISTAKES['gradient_transposed'].explanation}",
                          key="gradient_transposed")
    CASES.expect(case, field, got, want=want, what=what, advice=advice,
                 shape_words="a gradient has the shape of its Var's value")


GRAD_ADVICE = ("Each grad is the derivative of the top expression with respect to that Var: s at the "
               "top, and below it the sum over every path of s times each operation's derivative.")


def _classes(Var, Plus, Mul, Sin, Logistic, MatMul) -> dict:
    return {"Var": Var, "Plus": Plus, "Mul": Mul, "Sin": Sin, "Logistic": Logistic, "MatMul": MatMul}


def _value(what: str, got: np.ndarray, case: dict, field: str, want, advice: str) -> None:
    CASES.expect(case, field, got, want=want, what=what, advice=advice,
                 shape_words="it should have the shape of the expression's value")


def autodiff_values(Var, Plus, Mul, Sin, Logistic, MatMul, numbers: dict | None = None,
                    example: bool = False) -> None:
    """``top.evaluate()`` gives the expression's value, again after a leaf's ``val`` changes, and
    never changes a leaf."""
    classes = _classes(Var, Plus, Mul, Sin, Logistic, MatMul)

    def check(case):
        nodes = _build(classes, case)
        top = case["top"]
        value = _evaluate(nodes, case)
        _leaves_unchanged(nodes, case["leaves"], case, top)
        _value(f"the value of {top}", value, case, "value", case["value"],
               f"It should compute {case['expression']} from the leaves' values.")
        for name, new in case["new_leaves"]:
            _set(nodes[name], "val", np.array(new, dtype=np.float64), f"{name}.val")
        value = _evaluate(nodes, case)
        _leaves_unchanged(nodes, case["new_leaves"], case, top)
        _value(f"the value of {top} after new leaf values", value, case, "new_value", case["new_value"],
               "evaluate should recompute the expression from the leaves' current val.")

    for_each_case(CASES.of("autodiff", numbers, example), check)


def autodiff_gradients(Var, Plus, Mul, Sin, Logistic, MatMul, numbers: dict | None = None,
                       example: bool = False) -> None:
    """After ``evaluate``, ``zero_grad`` and ``backward(s)`` on the top, every Var's ``grad`` is
    the derivative of the top with respect to it, and ``s`` is unchanged."""
    classes = _classes(Var, Plus, Mul, Sin, Logistic, MatMul)

    def check(case):
        nodes = _build(classes, case)
        _evaluate(nodes, case)
        _leaves_unchanged(nodes, case["leaves"], case, case["top"])
        _run(nodes[case["top"]], "zero_grad", f"{case['top']}.zero_grad")
        _backward(nodes, case)
        for name, want in case["grads"]:
            _expect_grad(nodes, name, case, f"grad {name}", want, GRAD_ADVICE)

    for_each_case(CASES.of("autodiff", numbers, example), check)


def autodiff_accumulates(Var, Plus, Mul, Sin, Logistic, MatMul, numbers: dict | None = None,
                         example: bool = False) -> None:
    """Two ``backward`` calls add up; ``zero_grad`` resets every Var; one more gives the gradients."""
    classes = _classes(Var, Plus, Mul, Sin, Logistic, MatMul)

    def check(case):
        nodes = _build(classes, case)
        top = case["top"]
        _evaluate(nodes, case)
        _leaves_unchanged(nodes, case["leaves"], case, top)
        _run(nodes[top], "zero_grad", f"{top}.zero_grad")
        _backward(nodes, case)
        _backward(nodes, case)
        for name, want in case["grads_twice"]:
            _expect_grad(nodes, name, case, f"grad_twice {name}", want,
                         "After two calls of backward(s) without zero_grad, every grad is the sum of "
                         "both: backward adds to grad and never resets it.")
        _run(nodes[top], "zero_grad", f"{top}.zero_grad")
        for name, want in case["grads"]:
            got = _grad(nodes, name)
            expect_shape(f"{name}.grad after zero_grad", got, np.shape(want),
                         hidden="a gradient has the shape of its Var's value")
            if not (got == 0.0).all():
                raise diagnose(MISTAKES["zero_grad_does_not_reach_every_var"], f"{name}.grad: ")
        _backward(nodes, case)
        for name, want in case["grads"]:
            _expect_grad(nodes, name, case, f"grad {name}", want, GRAD_ADVICE)

    for_each_case(CASES.of("autodiff", numbers, example), check)


def autodiff_gradient_descent(Var, Plus, Mul, Sin, Logistic, MatMul, numbers: dict | None = None,
                              example: bool = False) -> None:
    """Algorithm 1: at each point of a gradient-descent run, ``v.val`` set, then ``evaluate``,
    ``zero_grad`` and ``backward`` give the value of E and its gradient there."""
    classes = _classes(Var, Plus, Mul, Sin, Logistic, MatMul)

    def check(case):
        nodes = _build(classes, case)
        top, v = case["top"], case["variable"]
        for step, point in enumerate(case["points"]):
            where = f"at step {step + 1} of gradient descent, "
            _set(nodes[v], "val", np.array(point, dtype=np.float64), f"{v}.val")
            value = _evaluate(nodes, case)
            _leaves_unchanged(nodes, [(name, point if name == v else leaf) for name, leaf in case["leaves"]],
                              case, top)
            _value(f"{where}the value of {top}", value, case, f"value {step}", case["values"][step],
                   "evaluate should recompute E from the leaves' current val.")
            _run(nodes[top], "zero_grad", f"{top}.zero_grad")
            _backward(nodes, case)
            _expect_grad(nodes, v, case, f"grad {step}", case["grads"][step],
                         f"It should be the gradient of {top} at the new point {v}.val.", where)

    for_each_case(CASES.of("autodiff_descent", numbers, example), check)


# --- weight_decay_step ----------------------------------------------------------------------------


def weight_decay_matches_reference(weight_decay_step, numbers: dict | None = None,
                                   example: bool = False) -> None:
    """``theta - kappa * grad - kappa * lam * theta``, a new array; ``theta`` and ``grad`` unchanged."""

    def check(case):
        theta = np.array(case["theta"], dtype=np.float64)
        grad = np.array(case["grad"], dtype=np.float64)
        result = _unchanged("weight_decay_step", weight_decay_step, theta, grad, case["kappa"], case["lam"],
                            names=("theta", "grad", "kappa", "lam"))
        CASES.expect(case, "theta_new", result, what="the new theta",
                     shape_words="it should have the shape of theta",
                     advice="One step on E + (lam/2) ||theta||^2 is theta - kappa * grad - kappa * lam "
                            "* theta.")

    for_each_case(CASES.of("weight_decay_step", numbers, example), check)
