"""``grad_loss_i(w, x_i, y_i)``: the gradient of loss_i with respect to w, 3 entries.

Variants may call the notebook's ``sigmoid``, as a student's cell does.
"""

import numpy as np
import torch
from torch import nn

# --- correct ----------------------------------------------------------------------------------


def correct_formula(w, x_i, y_i):
    """-(y - p) x with the notebook's sigmoid."""
    p = sigmoid(w @ x_i)
    return -(y_i - p) * x_i


def correct_p_minus_y_as_float(w, x_i, y_i):
    """(p - y) x, with the label taken out of its array as a float."""
    p = 1 / (1 + np.exp(-np.dot(w, x_i)))
    return (p - float(y_i[0])) * np.asarray(x_i)


def correct_chain_rule_unsimplified(w, x_i, y_i):
    """The chain rule before simplifying: -(y (1 - p) - (1 - y) p) x."""
    p = sigmoid(np.dot(w, x_i))
    return -(y_i * (1 - p) - (1 - y_i) * p) * x_i


def correct_torch_autograd(w, x_i, y_i):
    """PyTorch differentiates the binary cross-entropy with respect to w."""
    w_t = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    z = w_t @ torch.tensor(x_i, dtype=torch.float64)
    label = torch.tensor(float(y_i[0]), dtype=torch.float64)
    nn.functional.binary_cross_entropy_with_logits(z, label).backward()
    return w_t.grad.numpy()


def correct_float32(w, x_i, y_i):
    """In float32: the inputs converted, p and the product computed in float32."""
    w, x_i = np.float32(w), np.float32(x_i)
    p = 1 / (1 + np.exp(-np.dot(w, x_i)))
    return (p - np.float32(y_i[0])) * x_i


def correct_scipy_expit(w, x_i, y_i):
    """p from scipy's expit, imported inside."""
    import scipy.special

    return -(y_i - scipy.special.expit(w @ x_i)) * x_i


# --- wrong ------------------------------------------------------------------------------------


def wrong_sign(w, x_i, y_i):
    """(y - p) x: the gradient of the log-likelihood, the minus forgotten."""
    p = sigmoid(w @ x_i)
    return (y_i - p) * x_i


def wrong_extra_sigmoid_derivative(w, x_i, y_i):
    """An extra factor p (1 - p), as for the squared error."""
    p = sigmoid(w @ x_i)
    return -(y_i - p) * p * (1 - p) * x_i


def wrong_returns_scalar(w, x_i, y_i):
    """-(y - p) alone, the factor x_i forgotten."""
    return -(y_i - sigmoid(w @ x_i))


def wrong_no_sigmoid(w, x_i, y_i):
    """-(y - w . x) x: the sigmoid forgotten."""
    return -(y_i - w @ x_i) * x_i


def wrong_sigmoid_of_minus(w, x_i, y_i):
    """p = sigmoid(-w . x)."""
    p = sigmoid(-w @ x_i)
    return -(y_i - p) * x_i


def wrong_only_label_one_part(w, x_i, y_i):
    """-y (1 - p) x: the part coming from (1 - y) ln(1 - p) left out."""
    p = sigmoid(w @ x_i)
    return -y_i * (1 - p) * x_i


def wrong_writes_into_x_i(w, x_i, y_i):
    """Right values, but computed in x_i itself, which is a row of X in the training loop."""
    p = sigmoid(w @ x_i)
    x_i *= p - y_i
    return x_i


EXPECTED_HINTS = {
    "wrong_sign": "wrong sign",
    "wrong_extra_sigmoid_derivative": "extra factor p(1 - p)",
    "wrong_returns_scalar": "should be a vector like x_i",
    "wrong_no_sigmoid": "not w @ x_i itself",
    "wrong_sigmoid_of_minus": "not sigmoid(-(w @ x_i))",
    "wrong_only_label_one_part": "(1 - y) ln(1 - p)",
    "wrong_writes_into_x_i": "changed its input x_i in place",
}
EXPECTED_KEYS = {
    "wrong_sign": "gradient_has_the_wrong_sign",
    "wrong_extra_sigmoid_derivative": "extra_factor_p_times_one_minus_p",
    "wrong_returns_scalar": "gradient_is_a_single_number",
    "wrong_no_sigmoid": "w_x_for_p",
    "wrong_sigmoid_of_minus": "sigmoid_of_minus_w_x",
    "wrong_only_label_one_part": "only_the_label_one_term_differentiated",
    "wrong_writes_into_x_i": "changed_its_input_in_place",
}
