"""``loss_i(w, x_i, y_i)``: the cross-entropy of one point; y_i arrives as a (1,) array.

Variants may call the notebook's ``sigmoid``, as a student's cell does.
"""

import numpy as np
import torch
from torch import nn

# --- correct ----------------------------------------------------------------------------------


def correct_formula_one_entry_array(w, x_i, y_i):
    """The formula with the notebook's sigmoid; returns the (1,) array that y_i makes."""
    p = sigmoid(w @ x_i)
    return -(y_i * np.log(p) + (1 - y_i) * np.log(1 - p))


def correct_logaddexp_float(w, x_i, y_i):
    """Softplus via np.logaddexp, stable for any margin; returns a float."""
    z = float(np.dot(w, x_i))
    y = float(y_i[0])
    return y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)


def correct_branch_on_label(w, x_i, y_i):
    """-ln p for label 1 and -ln(1 - p) for label 0, chosen with an if."""
    p = 1 / (1 + np.exp(-np.dot(w, x_i)))
    if y_i == 1:
        return -np.log(p)
    return -np.log(1 - p)


def correct_log1p(w, x_i, y_i):
    """ln(1 - p) as np.log1p(-p)."""
    p = sigmoid(np.dot(w, x_i))
    return float(-(y_i[0] * np.log(p) + (1 - y_i[0]) * np.log1p(-p)))


def correct_torch_bce_with_logits(w, x_i, y_i):
    """PyTorch's binary cross-entropy on the logit w . x_i."""
    z = torch.tensor(float(np.dot(w, x_i)), dtype=torch.float64)
    label = torch.tensor(float(y_i[0]), dtype=torch.float64)
    return nn.functional.binary_cross_entropy_with_logits(z, label).item()


# --- wrong ------------------------------------------------------------------------------------


def wrong_swapped_terms(w, x_i, y_i):
    """y with ln(1 - p) and (1 - y) with ln p."""
    p = sigmoid(w @ x_i)
    return -(y_i * np.log(1 - p) + (1 - y_i) * np.log(p))


def wrong_log_likelihood(w, x_i, y_i):
    """The log-likelihood itself: the leading minus forgotten."""
    p = sigmoid(w @ x_i)
    return y_i * np.log(p) + (1 - y_i) * np.log(1 - p)


def wrong_only_label_one_term(w, x_i, y_i):
    """-y ln p alone."""
    p = sigmoid(w @ x_i)
    return -y_i * np.log(p)


def wrong_log10(w, x_i, y_i):
    """np.log10 for the natural logarithm."""
    p = sigmoid(w @ x_i)
    return -(y_i * np.log10(p) + (1 - y_i) * np.log10(1 - p))


def wrong_squared_error(w, x_i, y_i):
    """The squared error (y - p)^2 instead of the cross-entropy."""
    p = sigmoid(w @ x_i)
    return (y_i - p) ** 2


def wrong_no_sigmoid(w, x_i, y_i):
    """p = w . x_i, without the sigmoid: the logarithms meet numbers outside (0, 1)."""
    p = w @ x_i
    return -(y_i * np.log(p) + (1 - y_i) * np.log(1 - p))


EXPECTED_HINTS = {
    "wrong_swapped_terms": "swapped",
    "wrong_log_likelihood": "wrong sign",
    "wrong_only_label_one_term": "samples labelled 0 cost nothing",
    "wrong_log10": "natural logarithm",
    "wrong_squared_error": "squared error",
    "wrong_no_sigmoid": "p = sigmoid(w . x_i)",
}
