"""``leaky_relu_gain(negative_slope)``, written the ways students write it.

The gain ``sqrt(2 / (1 + a**2))`` for a LeakyReLU of negative slope ``a``, as a number.
"""

import math

import numpy as np
import torch
from torch import nn

# --- correct ----------------------------------------------------------------------------------


def correct_math_sqrt(negative_slope):
    """The formula with math.sqrt."""
    return math.sqrt(2.0 / (1.0 + negative_slope ** 2))


def correct_pytorch_calculate_gain(negative_slope):
    """PyTorch's own nn.init.calculate_gain."""
    return nn.init.calculate_gain("leaky_relu", negative_slope)


def correct_one_over_root_of_mean_square(negative_slope):
    """1 / sqrt of the factor (1 + a**2) / 2 the activation multiplies the variance by."""
    factor = (1 + negative_slope * negative_slope) / 2
    return 1 / factor ** 0.5


def correct_numpy_float32(negative_slope):
    """numpy in float32."""
    a = np.float32(negative_slope)
    return np.sqrt(np.float32(2) / (1 + a ** 2))


def correct_zero_dim_tensor(negative_slope):
    """A 0-dim tensor via torch.sqrt."""
    a = torch.tensor(negative_slope, dtype=torch.float64)
    return torch.sqrt(2 / (1 + a ** 2))


# --- wrong ------------------------------------------------------------------------------------


def wrong_missing_sqrt(negative_slope):
    """Returns the variance factor 2 / (1 + a**2) itself."""
    return 2.0 / (1.0 + negative_slope ** 2)


def wrong_slope_not_squared(negative_slope):
    """sqrt(2 / (1 + a)): right at a = 0 and a = 1, wrong at the public slope 0.1."""
    return math.sqrt(2.0 / (1.0 + negative_slope))


def wrong_upside_down(negative_slope):
    """sqrt((1 + a**2) / 2): the factor the variance is multiplied by, not its inverse."""
    return math.sqrt((1.0 + negative_slope ** 2) / 2.0)


def wrong_minus_sign(negative_slope):
    """1 - a**2 in the denominator."""
    return math.sqrt(2.0 / (1.0 - negative_slope ** 2))


def wrong_relu_gain_whatever_the_slope(negative_slope):
    """The ReLU's gain sqrt(2) for every slope."""
    return math.sqrt(2.0)


def wrong_missing_parentheses(negative_slope):
    """sqrt(2 / 1 + a**2): the denominator loses its parentheses."""
    return math.sqrt(2 / 1 + negative_slope ** 2)


def wrong_caret_for_power(negative_slope):
    """a^2 is bitwise xor in Python, which floats do not support."""
    return math.sqrt(2 / (1 + negative_slope ^ 2))


EXPECTED_HINTS = {
    "wrong_missing_sqrt": "square root is missing",
    "wrong_slope_not_squared": "should be squared",
    "wrong_upside_down": "upside down",
    "wrong_minus_sign": "sign in the denominator",
    "wrong_relu_gain_whatever_the_slope": "whatever the slope",
    "wrong_missing_parentheses": "parentheses",
    "wrong_caret_for_power": "raised TypeError",
}
EXPECTED_KEYS = {
    "wrong_missing_sqrt": "gain_square_root_missing",
    "wrong_slope_not_squared": "slope_not_squared",
    "wrong_upside_down": "fraction_upside_down",
    "wrong_minus_sign": "minus_sign_in_the_denominator",
    "wrong_relu_gain_whatever_the_slope": "relu_gain_whatever_the_slope",
    "wrong_missing_parentheses": "parentheses_missing_around_one_plus_a_squared",
    # a^2 is xor, which floats refuse: the function raises, and the feedback says so only
    "wrong_caret_for_power": None,
}
