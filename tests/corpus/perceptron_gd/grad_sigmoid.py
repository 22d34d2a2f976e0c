"""``grad_sigmoid(x)``: the derivative of the sigmoid, elementwise, numpy in and out.

Variants may call the notebook's ``sigmoid``, as a student's cell does.
"""

import numpy as np
import torch

# --- correct ----------------------------------------------------------------------------------


def correct_calls_sigmoid(x):
    """s * (1 - s) with s from the notebook's sigmoid."""
    s = sigmoid(x)
    return s * (1 - s)


def correct_explicit_exponentials(x):
    """exp(-x) / (1 + exp(-x))^2, the derivative written out."""
    return np.exp(-x) / (1 + np.exp(-x)) ** 2


def correct_symmetric_product(x):
    """sigmoid(x) * sigmoid(-x), since 1 - sigmoid(x) = sigmoid(-x)."""
    return sigmoid(x) * sigmoid(-x)


def correct_cosh(x):
    """1 / (4 cosh^2(x / 2)), another form of the same function."""
    return 1 / (4 * np.cosh(x / 2) ** 2)


def correct_torch_autograd(x):
    """PyTorch differentiates its sigmoid; the sum's gradient is the elementwise derivative."""
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    torch.sigmoid(t).sum().backward()
    return t.grad.numpy()


def correct_float32(x):
    """Computed in float32 throughout."""
    s = 1 / (1 + np.exp(-np.asarray(x, dtype=np.float32)))
    return s * (1 - s)


def correct_scipy_expit(x):
    """expit(x) * expit(-x), with scipy's logistic function imported inside."""
    import scipy.special

    return scipy.special.expit(x) * scipy.special.expit(-x)


# --- wrong ------------------------------------------------------------------------------------


def wrong_applied_to_x(x):
    """s * (1 - s) with x in place of s."""
    return x * (1 - x)


def wrong_sign(x):
    """-s * (1 - s): the sign flipped."""
    s = sigmoid(x)
    return -s * (1 - s)


def wrong_plus_instead_of_minus(x):
    """s * (1 + s)."""
    s = sigmoid(x)
    return s * (1 + s)


def wrong_returns_sigmoid(x):
    """The sigmoid itself."""
    return sigmoid(x)


def wrong_denominator_not_squared(x):
    """exp(-x) / (1 + exp(-x)), the square of the denominator forgotten."""
    return np.exp(-x) / (1 + np.exp(-x))


EXPECTED_HINTS = {
    "wrong_applied_to_x": "applied to x itself",
    "wrong_sign": "wrong sign",
    "wrong_plus_instead_of_minus": "with a minus",
    "wrong_returns_sigmoid": "not its derivative",
    "wrong_denominator_not_squared": "squared",
}
EXPECTED_KEYS = {
    "wrong_applied_to_x": "derivative_formula_applied_to_x",
    "wrong_sign": "derivative_has_the_wrong_sign",
    "wrong_plus_instead_of_minus": "plus_for_minus_in_the_derivative",
    "wrong_returns_sigmoid": "sigmoid_for_its_derivative",
    "wrong_denominator_not_squared": "derivative_denominator_not_squared",
}
