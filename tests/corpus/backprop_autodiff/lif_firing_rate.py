"""Student-style ``lif_firing_rate(v_in, tau_ref=0.002, tau_m=0.02)``.

The contract: ``1 / (tau_ref - tau_m ln(1 - 1/v_in))`` for ``v_in > 1`` and exactly 0 for
``v_in <= 1`` (never NaN, never negative, no error), elementwise; a float gives a number, an
array an array of its shape; the time constants are the arguments, passed positionally.
"""

import math

import numpy as np
import torch

# --- correct -------------------------------------------------------------------------------


def correct_mask(v_in, tau_ref=0.002, tau_m=0.02):
    """The notebook's template: zeros, then the formula where the mask is true."""
    v = np.asarray(v_in, dtype=float)
    rates = np.zeros(v.shape)
    firing = v > 1
    rates[firing] = 1.0 / (tau_ref - tau_m * np.log(1.0 - 1.0 / v[firing]))
    if v.ndim == 0:
        return float(rates)
    return rates


def correct_where_with_warnings_silenced(v_in, tau_ref=0.002, tau_m=0.02):
    """The formula everywhere (NaN and inf where unused), np.where picks 0 at and below 1."""
    v = np.asarray(v_in, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        everywhere = 1.0 / (tau_ref - tau_m * np.log(1.0 - 1.0 / v))
    return np.where(v > 1, everywhere, 0.0)


def correct_loop_with_math_log(v_in, tau_ref=0.002, tau_m=0.02):
    """A scalar helper with an if, applied to every entry."""
    def rate(v):
        if v <= 1:
            return 0.0
        return 1.0 / (tau_ref - tau_m * math.log(1.0 - 1.0 / v))

    if np.ndim(v_in) == 0:
        return rate(float(v_in))
    v = np.asarray(v_in, dtype=float)
    out = np.zeros(v.shape)
    for index in np.ndindex(v.shape):
        out[index] = rate(v[index])
    return out


def correct_vectorize(v_in, tau_ref=0.002, tau_m=0.02):
    """np.vectorize of a conditional expression; a float gives a 0-d array."""
    rate = np.vectorize(lambda v: 1 / (tau_ref - tau_m * math.log(1 - 1 / v)) if v > 1 else 0.0)
    return rate(v_in)


def correct_float32_tensor(v_in, tau_ref=0.002, tau_m=0.02):
    """torch in float32, with the inputs at or below 1 replaced before the log."""
    v = torch.as_tensor(v_in, dtype=torch.float32)
    safe = torch.where(v > 1, v, torch.full_like(v, 2.0))
    rates = 1 / (tau_ref - tau_m * torch.log(1 - 1 / safe))
    return torch.where(v > 1, rates, torch.zeros_like(v))


def correct_float32_numpy(v_in, tau_ref=0.002, tau_m=0.02):
    """Everything in float32 with numpy: the inputs, the time constants and the formula."""
    v = np.asarray(v_in, dtype=np.float32)
    rates = np.zeros(v.shape, dtype=np.float32)
    firing = v > 1
    rates[firing] = 1 / (np.float32(tau_ref) - np.float32(tau_m) * np.log(1 - 1 / v[firing]))
    return rates


def correct_log1p_interval(v_in, tau_ref=0.002, tau_m=0.02):
    """The interval between spikes first, with log1p; inf where the neuron never fires."""
    v = np.atleast_1d(np.asarray(v_in, dtype=float))
    interval = np.full(v.shape, np.inf)
    above = v > 1
    interval[above] = tau_ref - tau_m * np.log1p(-1.0 / v[above])
    rates = 1.0 / interval
    return rates.reshape(np.shape(v_in))


# --- wrong ---------------------------------------------------------------------------------


def wrong_formula_without_threshold(v_in, tau_ref=0.002, tau_m=0.02):
    """The formula alone: NaN between 0 and 1, negative below 0."""
    v = np.asarray(v_in, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1.0 / (tau_ref - tau_m * np.log(1.0 - 1.0 / v))


def wrong_threshold_at_zero(v_in, tau_ref=0.002, tau_m=0.02):
    """Zeroes only the inputs at or below 0, so inputs in (0, 1) give NaN."""
    v = np.asarray(v_in, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(v > 0, 1.0 / (tau_ref - tau_m * np.log(1.0 - 1.0 / v)), 0.0)


def wrong_math_log_on_a_float(v_in, tau_ref=0.002, tau_m=0.02):
    """Handles arrays with a mask but forgets the threshold for a single float."""
    if np.ndim(v_in) == 0:
        return 1.0 / (tau_ref - tau_m * math.log(1.0 - 1.0 / v_in))
    v = np.asarray(v_in, dtype=float)
    rates = np.zeros(v.shape)
    rates[v > 1] = 1.0 / (tau_ref - tau_m * np.log(1.0 - 1.0 / v[v > 1]))
    return rates


def wrong_default_constants_hard_coded(v_in, tau_ref=0.002, tau_m=0.02):
    """Uses the typical cortical values whatever the arguments say."""
    v = np.asarray(v_in, dtype=float)
    rates = np.zeros(v.shape)
    rates[v > 1] = 1.0 / (0.002 - 0.02 * np.log(1.0 - 1.0 / v[v > 1]))
    return rates if v.ndim else float(rates)


def wrong_log10(v_in, tau_ref=0.002, tau_m=0.02):
    v = np.asarray(v_in, dtype=float)
    rates = np.zeros(v.shape)
    rates[v > 1] = 1.0 / (tau_ref - tau_m * np.log10(1.0 - 1.0 / v[v > 1]))
    return rates if v.ndim else float(rates)


def wrong_interval_instead_of_rate(v_in, tau_ref=0.002, tau_m=0.02):
    """Returns the time between spikes, forgetting to invert it."""
    v = np.asarray(v_in, dtype=float)
    rates = np.zeros(v.shape)
    rates[v > 1] = tau_ref - tau_m * np.log(1.0 - 1.0 / v[v > 1])
    return rates if v.ndim else float(rates)


def wrong_plus_in_the_denominator(v_in, tau_ref=0.002, tau_m=0.02):
    v = np.asarray(v_in, dtype=float)
    rates = np.zeros(v.shape)
    rates[v > 1] = 1.0 / (tau_ref + tau_m * np.log(1.0 - 1.0 / v[v > 1]))
    return rates if v.ndim else float(rates)


def wrong_time_constants_swapped(v_in, tau_ref=0.002, tau_m=0.02):
    v = np.asarray(v_in, dtype=float)
    rates = np.zeros(v.shape)
    rates[v > 1] = 1.0 / (tau_m - tau_ref * np.log(1.0 - 1.0 / v[v > 1]))
    return rates if v.ndim else float(rates)


def wrong_refractory_period_left_out(v_in, tau_ref=0.002, tau_m=0.02):
    v = np.asarray(v_in, dtype=float)
    rates = np.zeros(v.shape)
    rates[v > 1] = -1.0 / (tau_m * np.log(1.0 - 1.0 / v[v > 1]))
    return rates if v.ndim else float(rates)


def wrong_input_overwritten(v_in, tau_ref=0.002, tau_m=0.02):
    """Clamps the subthreshold inputs in the caller's own array to avoid the log's warnings."""
    if np.ndim(v_in) == 0:
        return 0.0 if v_in <= 1 else 1.0 / (tau_ref - tau_m * math.log(1.0 - 1.0 / v_in))
    below = v_in <= 1
    v_in[below] = 2.0
    rates = 1.0 / (tau_ref - tau_m * np.log(1.0 - 1.0 / v_in))
    rates[below] = 0.0
    return rates


def wrong_if_on_an_array(v_in, tau_ref=0.002, tau_m=0.02):
    """The scalar formula with an if: right for a float, an error for an array."""
    if v_in <= 1:
        return 0.0
    return 1.0 / (tau_ref - tau_m * np.log(1.0 - 1.0 / v_in))


def wrong_zeros_of_the_right_shape(v_in, tau_ref=0.002, tau_m=0.02):
    """No formula at all: a zero rate everywhere, which is right at and below the threshold."""
    return np.zeros(np.shape(v_in))


EXPECTED_HINTS = {
    "wrong_formula_without_threshold": "the rate is NaN for some inputs at or below the threshold",
    "wrong_threshold_at_zero": "the rate is NaN for some inputs at or below the threshold",
    "wrong_math_log_on_a_float": "the logarithm should only be taken where v_in > 1",
    "wrong_default_constants_hard_coded": "default time constants",
    "wrong_log10": "base-10 logarithm",
    "wrong_interval_instead_of_rate": "time between spikes",
    "wrong_plus_in_the_denominator": "should subtract it",
    "wrong_time_constants_swapped": "look swapped",
    "wrong_refractory_period_left_out": "refractory period tau_ref is missing",
    "wrong_input_overwritten": "changed its input v_in in place",
    "wrong_if_on_an_array": "if on an array raises an error",
    "wrong_zeros_of_the_right_shape": "the rate differs from the reference.",
}
EXPECTED_KEYS = {
    "wrong_formula_without_threshold": "nan_at_or_below_threshold",
    "wrong_threshold_at_zero": "nan_at_or_below_threshold",
    "wrong_math_log_on_a_float": "raises_at_or_below_threshold",
    "wrong_default_constants_hard_coded": "tau_arguments_ignored",
    "wrong_log10": "log10_instead_of_ln",
    "wrong_interval_instead_of_rate": "interval_instead_of_rate",
    "wrong_plus_in_the_denominator": "plus_instead_of_minus",
    "wrong_time_constants_swapped": "time_constants_swapped",
    "wrong_refractory_period_left_out": "refractory_period_left_out",
    "wrong_input_overwritten": "argument_changed_in_place",
    "wrong_if_on_an_array": "if_on_an_array",
    "wrong_zeros_of_the_right_shape": None,
}
