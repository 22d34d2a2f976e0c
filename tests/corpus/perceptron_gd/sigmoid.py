"""``sigmoid(x)``: the logistic sigmoid, elementwise, numpy in and out."""

import numpy as np
import torch

# --- correct ----------------------------------------------------------------------------------


def correct_formula(x):
    """The formula as given, with np.exp."""
    return 1 / (1 + np.exp(-x))


def correct_logaddexp_stable(x):
    """exp(-softplus(-x)) through np.logaddexp: never overflows."""
    return np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=float)))


def correct_tanh_identity(x):
    """The identity sigmoid(x) = (1 + tanh(x / 2)) / 2."""
    return 0.5 * (1.0 + np.tanh(x / 2.0))


def correct_torch_sigmoid(x):
    """PyTorch's own sigmoid, converted back to numpy."""
    return torch.sigmoid(torch.as_tensor(x)).numpy()


def correct_float32(x):
    """Computed in float32."""
    x = np.asarray(x, dtype=np.float32)
    return 1 / (1 + np.exp(-x))


def correct_piecewise_where(x):
    """The two stable forms chosen by the sign of x with np.where."""
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def correct_scipy_expit(x):
    """scipy's logistic function, expit."""
    from scipy.special import expit

    return expit(x)


# --- wrong ------------------------------------------------------------------------------------


def wrong_sign_of_exponent(x):
    """exp(x) for exp(-x): falls instead of rising."""
    return 1 / (1 + np.exp(x))


def wrong_one_minus_sigmoid(x):
    """exp(-x) in the numerator: that is 1 - sigmoid(x)."""
    return np.exp(-x) / (1 + np.exp(-x))


def wrong_loop_flattens(x):
    """A loop over np.ravel(x) with math.exp: right values, but 2-D input comes back 1-D."""
    import math

    return np.array([1 / (1 + math.exp(-v)) for v in np.ravel(x)])


def wrong_math_exp_on_arrays(x):
    """math.exp on a whole array, which it cannot take."""
    import math

    return 1 / (1 + math.exp(-x))


def wrong_perceptron_step(x):
    """The perceptron's hard threshold instead of the smooth sigmoid."""
    return np.where(x > 0, 1.0, 0.0)


def wrong_tanh(x):
    """tanh, the other S-shaped curve, which runs from -1 to 1."""
    return np.tanh(x)


EXPECTED_HINTS = {
    "wrong_sign_of_exponent": "rises the wrong way",
    "wrong_one_minus_sigmoid": "1 - sigmoid(x)",
    "wrong_loop_flattens": "return an array of the input's shape",
    "wrong_math_exp_on_arrays": "such as np.exp",
    "wrong_perceptron_step": "step",
    "wrong_tanh": "tanh",
}
EXPECTED_KEYS = {
    "wrong_sign_of_exponent": "sigmoid_rises_the_wrong_way",
    "wrong_one_minus_sigmoid": "sigmoid_rises_the_wrong_way",
    "wrong_loop_flattens": "shape_not_kept",
    "wrong_math_exp_on_arrays": "one_number_function_on_an_array",
    "wrong_perceptron_step": "step_function_for_sigmoid",
    "wrong_tanh": "tanh_for_sigmoid",
}
