"""Student-style ``mse_loss(y, t)``.

The contract: ``(1/N) sum_i 1/2 ||y_i - t_i||^2`` for ``(N, K)`` outputs and targets: the
components of a sample summed, the samples averaged, with the 1/2; one number.
"""

import math

import numpy as np
import torch

# --- correct -------------------------------------------------------------------------------


def correct_per_sample_then_mean(y, t):
    """The notebook's template."""
    per_sample = 0.5 * np.sum((y - t) ** 2, axis=1)
    return np.mean(per_sample)


def correct_total_over_two_n(y, t):
    return np.sum((y - t) ** 2) / (2 * y.shape[0])


def correct_torch_sum_reduction(y, t):
    """F.mse_loss with reduction='sum', then the 1/2 and the 1/N by hand: a 0-d tensor."""
    y, t = torch.as_tensor(y), torch.as_tensor(t)
    return 0.5 * torch.nn.functional.mse_loss(y, t, reduction="sum") / y.shape[0]


def correct_norms(y, t):
    return 0.5 * np.mean(np.linalg.norm(y - t, axis=1) ** 2)


def correct_loops(y, t):
    total = 0.0
    for i in range(len(y)):
        total += 0.5 * sum((y[i, k] - t[i, k]) ** 2 for k in range(y.shape[1]))
    return total / len(y)


def correct_float32(y, t):
    d = (y - t).astype(np.float32)
    return float(0.5 * np.einsum("nk,nk->n", d, d).mean())


# --- wrong ---------------------------------------------------------------------------------


def wrong_mean_over_every_entry(y, t):
    return 0.5 * np.mean((y - t) ** 2)


def wrong_divided_by_the_components(y, t):
    """The mean taken with the wrong size: the number of columns K instead of the rows N."""
    return 0.5 * np.sum((y - t) ** 2) / y.shape[1]


def wrong_no_half(y, t):
    return np.mean(np.sum((y - t) ** 2, axis=1))


def wrong_sum_over_samples(y, t):
    return 0.5 * np.sum((y - t) ** 2)


def wrong_pytorch_mse_loss(y, t):
    return torch.nn.functional.mse_loss(torch.as_tensor(y), torch.as_tensor(t))


def wrong_norm_not_squared(y, t):
    return 0.5 * np.mean(np.linalg.norm(y - t, axis=1))


def wrong_absolute_error(y, t):
    return 0.5 * np.mean(np.sum(np.abs(y - t), axis=1))


def wrong_per_sample_losses(y, t):
    """Returns each sample's loss instead of their mean."""
    return 0.5 * np.sum((y - t) ** 2, axis=1)


EXPECTED_HINTS = {
    "wrong_mean_over_every_entry": "also divided by the number of components",
    "wrong_divided_by_the_components": "divided by the number of components K instead of",
    "wrong_no_half": "1/2 of L = 1/2 ||y - t||^2 is missing",
    "wrong_sum_over_samples": "sum over the samples",
    "wrong_pytorch_mse_loss": "F.mse_loss",
    "wrong_norm_not_squared": "not squared",
    "wrong_absolute_error": "absolute differences",
    "wrong_per_sample_losses": "single number",
}
EXPECTED_KEYS = {
    "wrong_mean_over_every_entry": "mean_over_components_too",
    "wrong_divided_by_the_components": "mean_over_components_instead_of_samples",
    "wrong_no_half": "half_missing",
    "wrong_sum_over_samples": "sum_instead_of_mean",
    "wrong_pytorch_mse_loss": "pytorch_mse_loss",
    "wrong_norm_not_squared": "norm_not_squared",
    "wrong_absolute_error": "absolute_instead_of_squared",
    "wrong_per_sample_losses": "loss_not_a_single_number",
}
