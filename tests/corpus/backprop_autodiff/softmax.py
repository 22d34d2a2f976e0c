"""Student-style ``softmax(z)``.

The contract: each row of ``z`` (``(K,)`` or ``(N, K)``) exponentiated and divided by its own
sum, in ``z``'s shape, not rounded; ``z`` unchanged. Hidden logits stay within 50 in size, so
the plain formula is exact enough in float64 and float32.
"""

import math

import numpy as np
import torch

# --- correct -------------------------------------------------------------------------------


def correct_row_maximum_subtracted(z):
    """The notebook's template: subtract each row's maximum, exponentiate, normalise."""
    z = np.asarray(z, dtype=float)
    shifted = z - np.max(z, axis=-1, keepdims=True)
    exps = np.exp(shifted)
    return exps / np.sum(exps, axis=-1, keepdims=True)


def correct_plain_formula(z):
    exps = np.exp(z)
    return exps / exps.sum(axis=-1, keepdims=True)


def correct_torch_softmax(z):
    """Converts and calls torch.softmax; returns a tensor."""
    return torch.softmax(torch.tensor(z), dim=-1)


def correct_float32(z):
    z32 = np.asarray(z, dtype=np.float32)
    exps = np.exp(z32 - z32.max(axis=-1, keepdims=True))
    return exps / exps.sum(axis=-1, keepdims=True)


def correct_scipy_softmax(z):
    """scipy's own softmax over the last axis."""
    from scipy.special import softmax as scipy_softmax

    return scipy_softmax(z, axis=-1)


def correct_float32_tensor(z):
    """torch in float32, on a float32 copy of z."""
    return torch.softmax(torch.tensor(z, dtype=torch.float32), dim=-1)


def correct_log_sum_exp(z):
    """exp(z - logsumexp(z)), row by row."""
    z = np.asarray(z, dtype=float)
    peak = z.max(axis=-1, keepdims=True)
    log_total = peak + np.log(np.exp(z - peak).sum(axis=-1, keepdims=True))
    return np.exp(z - log_total)


def correct_loop_over_rows(z):
    """One row at a time, with math.exp; a vector is treated as a batch of one."""
    z = np.asarray(z, dtype=float)
    rows = z.reshape(-1, z.shape[-1])
    out = np.empty(rows.shape)
    for i, row in enumerate(rows):
        exps = [math.exp(value - max(row)) for value in row]
        total = sum(exps)
        out[i] = [e / total for e in exps]
    return out.reshape(z.shape)


# --- wrong ---------------------------------------------------------------------------------


def wrong_one_sum_for_the_batch(z):
    exps = np.exp(z)
    return exps / np.sum(exps)


def wrong_columns_normalised(z):
    exps = np.exp(z)
    return exps / exps.sum(axis=0, keepdims=True)


def wrong_row_sums_without_keepdims(z):
    """The row sums lose their axis and broadcast against the columns (or fail to)."""
    exps = np.exp(z)
    return exps / exps.sum(axis=-1)


def wrong_not_normalised(z):
    return np.exp(z)


def wrong_no_exponential(z):
    return z / np.sum(z, axis=-1, keepdims=True)


def wrong_log_softmax(z):
    return z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))


def wrong_rounded_like_the_notes(z):
    exps = np.exp(z)
    return np.round(exps / exps.sum(axis=-1, keepdims=True), 3)


def wrong_shift_in_place(z):
    """Subtracts the row maximum from the caller's own array."""
    z -= z.max(axis=-1, keepdims=True)
    exps = np.exp(z)
    return exps / exps.sum(axis=-1, keepdims=True)


EXPECTED_KEYS = {
    "wrong_one_sum_for_the_batch": "normalised_over_the_whole_batch",
    "wrong_columns_normalised": "normalised_over_columns",
    "wrong_row_sums_without_keepdims": None,
    "wrong_not_normalised": "exponentials_not_normalised",
    "wrong_no_exponential": "normalised_without_exponentials",
    "wrong_log_softmax": "log_of_the_softmax",
    "wrong_rounded_like_the_notes": "result_rounded",
    "wrong_shift_in_place": "argument_changed_in_place",
}
EXPECTED_HINTS = {
    "wrong_one_sum_for_the_batch": "one sum over the whole batch",
    "wrong_columns_normalised": "down the columns",
    "wrong_row_sums_without_keepdims": "raised ValueError",
    "wrong_not_normalised": "not divided by their sum",
    "wrong_no_exponential": "without exponentiating",
    "wrong_log_softmax": "log of the softmax",
    "wrong_rounded_like_the_notes": "looks rounded",
    "wrong_shift_in_place": "arrays share memory",
}
