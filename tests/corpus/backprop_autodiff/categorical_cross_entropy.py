"""Student-style ``categorical_cross_entropy(y, t)``.

The contract: ``-(1/N) sum_i sum_k t_k ln y_k`` for ``(N, K)`` probabilities (rows summing to 1)
and one-hot targets; the classes summed, the samples averaged; ``F.nll_loss(log y)`` is fine,
softmax on ``y`` is not.
"""

import math

import numpy as np
import torch

# --- correct -------------------------------------------------------------------------------


def correct_formula(y, t):
    """The notebook's template."""
    per_sample = -np.sum(t * np.log(y), axis=1)
    return np.mean(per_sample)


def correct_nll_loss(y, t):
    """The notes' NLLLoss on log-probabilities, with the class indices of the one-hot rows."""
    labels = torch.as_tensor(t).argmax(dim=1)
    return torch.nn.functional.nll_loss(torch.log(torch.as_tensor(y)), labels)


def correct_true_class_picked(y, t):
    labels = np.argmax(t, axis=1)
    return -np.mean(np.log(y[np.arange(len(y)), labels]))


def correct_textbook_epsilon(y, t):
    """The textbook guard: log(y + 1e-7)."""
    return -np.mean(np.sum(t * np.log(y + 1e-7), axis=1))


def correct_clipped_at_1e_7(y, t):
    y = np.clip(y, 1e-7, 1 - 1e-7)
    return -np.mean(np.sum(t * np.log(y), axis=1))


def correct_scipy_xlogy(y, t):
    from scipy.special import xlogy

    return -xlogy(t, y).sum(axis=1).mean()


def correct_einsum(y, t):
    return -np.einsum("nk,nk->", t, np.log(y)) / y.shape[0]


def correct_loops(y, t):
    total = 0.0
    for row_y, row_t in zip(y, t):
        for y_k, t_k in zip(row_y, row_t):
            if t_k:
                total -= t_k * math.log(y_k)
    return total / len(y)


def correct_float32(y, t):
    y32, t32 = y.astype(np.float32), t.astype(np.float32)
    return -(t32 * np.log(y32)).sum(axis=1).mean()


# --- wrong ---------------------------------------------------------------------------------


def wrong_mean_over_every_entry(y, t):
    return -np.mean(t * np.log(y))


def wrong_sum(y, t):
    return -np.sum(t * np.log(y))


def wrong_sign(y, t):
    return np.mean(np.sum(t * np.log(y), axis=1))


def wrong_log10(y, t):
    return -np.mean(np.sum(t * np.log10(y), axis=1))


def wrong_clipped_at_1e_3(y, t):
    y = np.clip(y, 1e-3, 1 - 1e-3)
    return -np.mean(np.sum(t * np.log(y), axis=1))


def wrong_epsilon_1e_3_added(y, t):
    return -np.mean(np.sum(t * np.log(y + 1e-3), axis=1))


def wrong_cross_entropy_on_probabilities(y, t):
    """PyTorch's cross_entropy applies softmax to what it is given."""
    return torch.nn.functional.cross_entropy(torch.as_tensor(y), torch.as_tensor(t).argmax(dim=1))


def wrong_targets_left_out(y, t):
    return -np.mean(np.sum(np.log(y), axis=1))


def wrong_binary_terms(y, t):
    return -np.mean(np.sum(t * np.log(y) + (1 - t) * np.log(1 - y), axis=1))


EXPECTED_HINTS = {
    "wrong_mean_over_every_entry": "divided by the number of classes",
    "wrong_sum": "sum over the samples",
    "wrong_sign": "sign is flipped",
    "wrong_log10": "base-10",
    "wrong_clipped_at_1e_3": "clipped at 1e-3",
    "wrong_epsilon_1e_3_added": "an epsilon of 1e-3",
    "wrong_cross_entropy_on_probabilities": "do not apply softmax or F.cross_entropy",
    "wrong_targets_left_out": "targets t are missing",
    "wrong_binary_terms": "terms of the binary loss are added",
}
EXPECTED_KEYS = {
    "wrong_mean_over_every_entry": "mean_over_classes_too",
    "wrong_sum": "sum_instead_of_mean",
    "wrong_sign": "sign_flipped",
    "wrong_log10": "log10_instead_of_ln",
    "wrong_clipped_at_1e_3": "clipped_too_far",
    "wrong_epsilon_1e_3_added": "epsilon_too_large",
    "wrong_cross_entropy_on_probabilities": "softmax_applied_to_y",
    "wrong_targets_left_out": "targets_left_out",
    "wrong_binary_terms": "binary_terms_added",
}
