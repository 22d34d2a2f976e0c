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


def correct_float32(w, x_i, y_i):
    """Everything converted to float32 first, then the plain formula."""
    w, x_i, y_i = (np.asarray(a, dtype=np.float32) for a in (w, x_i, y_i))
    p = 1 / (1 + np.exp(-(w @ x_i)))
    return -(y_i * np.log(p) + (1 - y_i) * np.log(1 - p))


def correct_epsilon_added(w, x_i, y_i):
    """A small epsilon inside each log, against log(0)."""
    eps = 1e-7
    p = sigmoid(np.dot(w, x_i))
    return float(-(y_i[0] * np.log(p + eps) + (1 - y_i[0]) * np.log(1 - p + eps)))


def correct_clipped_probability(w, x_i, y_i):
    """p clipped to [1e-6, 1 - 1e-6] before the logs."""
    p = np.clip(sigmoid(np.dot(w, x_i)), 1e-6, 1 - 1e-6)
    return -(y_i * np.log(p) + (1 - y_i) * np.log(1 - p))


def correct_epsilon_as_a_floor_in_float32(w, x_i, y_i):
    """float32, with log(max(q, 1e-6)) as the guard."""
    z = np.float32(np.dot(np.float32(w), np.float32(x_i)))
    p = np.float32(1) / (np.float32(1) + np.exp(-z))
    y = np.float32(y_i[0])
    return -(y * np.log(max(p, 1e-6)) + (1 - y) * np.log(max(1 - p, 1e-6)))


def correct_scipy_expit(w, x_i, y_i):
    """p from scipy's expit, imported inside."""
    from scipy.special import expit

    p = expit(np.dot(w, x_i))
    return -(y_i * np.log(p) + (1 - y_i) * np.log(1 - p))


def correct_scipy_log_expit(w, x_i, y_i):
    """ln p and ln(1 - p) straight from scipy.special.log_expit, which never takes log(0)."""
    from scipy.special import log_expit

    z = np.dot(w, x_i)
    return -(y_i * log_expit(z) + (1 - y_i) * log_expit(-z))


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


def wrong_epsilon_too_large(w, x_i, y_i):
    """An epsilon of 1e-3 inside each log: large enough to move every loss."""
    p = sigmoid(np.dot(w, x_i))
    return -(y_i * np.log(p + 1e-3) + (1 - y_i) * np.log(1 - p + 1e-3))


EXPECTED_HINTS = {
    "wrong_swapped_terms": "swapped",
    "wrong_log_likelihood": "wrong sign",
    "wrong_only_label_one_term": "samples labelled 0 cost nothing",
    "wrong_log10": "natural logarithm",
    "wrong_squared_error": "squared error",
    "wrong_no_sigmoid": "p = sigmoid(w @ x_i)",
    "wrong_epsilon_too_large": "differs from the reference",
}
EXPECTED_KEYS = {
    "wrong_swapped_terms": "loss_terms_swapped",
    "wrong_log_likelihood": "loss_has_the_wrong_sign",
    "wrong_only_label_one_term": "label_zero_term_missing",
    "wrong_log10": "log10_for_ln",
    "wrong_squared_error": "squared_error_for_cross_entropy",
    "wrong_no_sigmoid": "log_of_a_number_outside_0_and_1",
    "wrong_epsilon_too_large": None,  # the grader does not know it: it says only what is off
}
