"""Student-style ``binary_cross_entropy(y, t)``.

The contract: ``-(1/N) sum_i [t_i ln y_i + (1 - t_i) ln(1 - y_i)]`` for probabilities ``y`` and
0/1 targets ``t`` of shape ``(N,)`` or ``(N, 1)``; natural logs; an epsilon up to 1e-6 is fine.
"""

import math

import numpy as np
import torch

# --- correct -------------------------------------------------------------------------------


def correct_formula(y, t):
    """The notebook's template."""
    log_likelihood = t * np.log(y) + (1 - t) * np.log(1 - y)
    return -np.mean(log_likelihood)


def correct_torch_binary_cross_entropy(y, t):
    return torch.nn.functional.binary_cross_entropy(torch.as_tensor(y), torch.as_tensor(t))


def correct_clipped_at_1e_7(y, t):
    y = np.clip(y, 1e-7, 1 - 1e-7)
    return -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))


def correct_epsilon_added(y, t):
    """The textbook guard, log(y + eps) with eps = 1e-6, in both logarithms."""
    eps = 1e-6
    return -np.mean(t * np.log(y + eps) + (1 - t) * np.log(1 - y + eps))


def correct_log_of_the_maximum(y, t):
    eps = 1e-7
    return -np.mean(t * np.log(np.maximum(y, eps)) + (1 - t) * np.log(np.maximum(1 - y, eps)))


def correct_scipy_xlogy(y, t):
    """scipy's xlogy(t, y) = t * log(y), and 0 where t is 0."""
    from scipy.special import xlogy

    return -np.mean(xlogy(t, y) + xlogy(1 - t, 1 - y))


def correct_probability_of_the_true_class(y, t):
    """The likelihood y^t (1 - y)^(1 - t) of 0/1 targets picks y or 1 - y."""
    return -np.mean(np.log(np.where(t == 1, y, 1 - y)))


def correct_loop_with_math_log(y, t):
    y, t = np.ravel(y), np.ravel(t)
    total = 0.0
    for y_i, t_i in zip(y, t):
        total -= t_i * math.log(y_i) + (1 - t_i) * math.log(1 - y_i)
    return total / len(y)


def correct_float32_tensors(y, t):
    y32 = torch.tensor(y, dtype=torch.float32)
    t32 = torch.tensor(t, dtype=torch.float32)
    return -(t32 * torch.log(y32) + (1 - t32) * torch.log(1 - y32)).mean()


# --- wrong ---------------------------------------------------------------------------------


def wrong_sum(y, t):
    return -np.sum(t * np.log(y) + (1 - t) * np.log(1 - y))


def wrong_sign(y, t):
    return np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))


def wrong_log10(y, t):
    return -np.mean(t * np.log10(y) + (1 - t) * np.log10(1 - y))


def wrong_first_term_only(y, t):
    return -np.mean(t * np.log(y))


def wrong_terms_swapped(y, t):
    return -np.mean(t * np.log(1 - y) + (1 - t) * np.log(y))


def wrong_clipped_at_1e_3(y, t):
    y = np.clip(y, 1e-3, 1 - 1e-3)
    return -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))


def wrong_epsilon_1e_3_added(y, t):
    eps = 1e-3
    return -np.mean(t * np.log(y + eps) + (1 - t) * np.log(1 - y + eps))


def wrong_with_logits(y, t):
    """Treats the probabilities as logits."""
    return torch.nn.functional.binary_cross_entropy_with_logits(torch.as_tensor(y), torch.as_tensor(t))


EXPECTED_HINTS = {
    "wrong_sum": "sum over the samples",
    "wrong_sign": "sign is flipped",
    "wrong_log10": "base-10",
    "wrong_first_term_only": "(1 - t) ln(1 - y) term is missing",
    "wrong_terms_swapped": "paired with the wrong logarithms",
    "wrong_clipped_at_1e_3": "clipped at 1e-3",
    "wrong_epsilon_1e_3_added": "an epsilon of 1e-3",
    "wrong_with_logits": "do not apply the logistic function",
}
EXPECTED_KEYS = {
    "wrong_sum": "sum_instead_of_mean",
    "wrong_sign": "sign_flipped",
    "wrong_log10": "log10_instead_of_ln",
    "wrong_first_term_only": "second_term_missing",
    "wrong_terms_swapped": "terms_swapped",
    "wrong_clipped_at_1e_3": "clipped_too_far",
    "wrong_epsilon_1e_3_added": "epsilon_too_large",
    "wrong_with_logits": "logistic_applied_to_y",
}
