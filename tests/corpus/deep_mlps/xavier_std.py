"""``xavier_std(fan_in, fan_out, gain=1.0)``, written the ways students write it.

The standard deviation of Xavier-normal weights, ``gain * sqrt(2 / (fan_in + fan_out))``, as
a number (a float, a numpy scalar or a 0-dim tensor).
"""

import math

import numpy as np
import torch

# --- correct ----------------------------------------------------------------------------------


def correct_math_sqrt(fan_in, fan_out, gain=1.0):
    """The formula with math.sqrt."""
    return gain * math.sqrt(2.0 / (fan_in + fan_out))


def correct_power_one_half(fan_in, fan_out, gain=1.0):
    """** 0.5 for the square root, and integers throughout until the division."""
    return gain * (2 / (fan_in + fan_out)) ** 0.5


def correct_average_fan(fan_in, fan_out, gain=1.0):
    """Divides by the square root of the average fan, as in the derivation."""
    fan_avg = (fan_in + fan_out) / 2
    return gain / math.sqrt(fan_avg)


def correct_numpy_float32(fan_in, fan_out, gain=1.0):
    """numpy in float32."""
    return np.float32(gain) * np.sqrt(np.float32(2.0) / np.float32(fan_in + fan_out))


def correct_zero_dim_tensor(fan_in, fan_out, gain=1.0):
    """A 0-dim float64 tensor."""
    return gain * torch.sqrt(torch.tensor(2.0, dtype=torch.float64) / (fan_in + fan_out))


# --- wrong ------------------------------------------------------------------------------------


def wrong_uniform_bound(fan_in, fan_out, gain=1.0):
    """The bound a = gain * sqrt(6 / (fan_in + fan_out)) of the uniform version."""
    return gain * math.sqrt(6.0 / (fan_in + fan_out))


def wrong_missing_sqrt(fan_in, fan_out, gain=1.0):
    """Forgets the square root."""
    return gain * 2.0 / (fan_in + fan_out)


def wrong_returns_the_variance(fan_in, fan_out, gain=1.0):
    """sigma**2 with the gain: (gain * sigma) ** 2."""
    return (gain * math.sqrt(2.0 / (fan_in + fan_out))) ** 2


def wrong_forward_condition_only(fan_in, fan_out, gain=1.0):
    """Only n_in * sigma**2 = 1: fan_out is ignored."""
    return gain * math.sqrt(1.0 / fan_in)


def wrong_gain_ignored(fan_in, fan_out, gain=1.0):
    """Leaves the gain out."""
    return math.sqrt(2.0 / (fan_in + fan_out))


def wrong_gain_under_the_root(fan_in, fan_out, gain=1.0):
    """Puts the gain inside the square root."""
    return math.sqrt(gain * 2.0 / (fan_in + fan_out))


def wrong_parentheses_around_the_fraction(fan_in, fan_out, gain=1.0):
    """Loses the parentheses: sqrt(2 / fan_in + fan_out)."""
    return gain * math.sqrt(2.0 / fan_in + fan_out)


def wrong_no_default_gain(fan_in, fan_out, gain):
    """Right formula, but gain has no default value: xavier_std(3, 5) fails."""
    return gain * math.sqrt(2.0 / (fan_in + fan_out))


def wrong_two_missing(fan_in, fan_out, gain=1.0):
    """Averages nothing: sigma = gain / sqrt(fan_in + fan_out)."""
    return gain / math.sqrt(fan_in + fan_out)


def wrong_backward_condition_only(fan_in, fan_out, gain=1.0):
    """Only n_out * sigma**2 = 1: fan_in is ignored."""
    return gain * math.sqrt(1.0 / fan_out)


def wrong_gain_squared(fan_in, fan_out, gain=1.0):
    """Multiplies by the gain twice, once inside a helper and once outside."""
    def sigma(g):
        return g * math.sqrt(2.0 / (fan_in + fan_out))

    return gain * sigma(gain)


EXPECTED_HINTS = {
    "wrong_uniform_bound": "uniform",
    "wrong_missing_sqrt": "square root is missing",
    "wrong_returns_the_variance": "variance",
    "wrong_forward_condition_only": "forward condition",
    "wrong_gain_ignored": "gain is missing",
    "wrong_gain_under_the_root": "under the square root",
    "wrong_parentheses_around_the_fraction": "parentheses",
    "wrong_no_default_gain": "default value",
    "wrong_two_missing": "the 2 of the numerator",
    "wrong_backward_condition_only": "backward condition",
    "wrong_gain_squared": "gain is squared",
}
EXPECTED_KEYS = {
    "wrong_uniform_bound": "uniform_bound_instead_of_std",
    "wrong_missing_sqrt": "std_square_root_missing",
    "wrong_returns_the_variance": "variance_instead_of_std",
    "wrong_forward_condition_only": "forward_condition_only",
    "wrong_gain_ignored": "gain_missing",
    "wrong_gain_under_the_root": "gain_under_the_square_root",
    "wrong_parentheses_around_the_fraction": "parentheses_missing_around_the_fans",
    "wrong_no_default_gain": "gain_without_a_default",
    "wrong_two_missing": "two_missing_from_the_numerator",
    "wrong_backward_condition_only": "backward_condition_only",
    "wrong_gain_squared": "gain_squared",
}
