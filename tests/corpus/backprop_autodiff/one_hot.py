"""Student-style ``one_hot(z)``.

The contract: an array of ``z``'s shape (``(K,)`` or ``(N, K)``), 1 at the largest entry of
each row and 0 elsewhere; any numeric dtype or bool; the index alone is wrong.
"""

import math

import numpy as np
import torch

# --- correct -------------------------------------------------------------------------------


def correct_put_along_axis(z):
    """The notebook's template."""
    z = np.asarray(z, dtype=float)
    winners = np.argmax(z, axis=-1)
    result = np.zeros(z.shape)
    np.put_along_axis(result, winners[..., None], 1.0, axis=-1)
    return result


def correct_rows_of_the_identity(z):
    z = np.asarray(z)
    return np.eye(z.shape[-1])[np.argmax(z, axis=-1)]


def correct_equal_to_the_row_maximum(z):
    """A boolean array: True where an entry equals its row's maximum."""
    return z == np.max(z, axis=-1, keepdims=True)


def correct_torch_one_hot(z):
    """torch's own one_hot of the argmax: an int64 tensor."""
    t = torch.as_tensor(z)
    return torch.nn.functional.one_hot(torch.argmax(t, dim=-1), num_classes=t.shape[-1])


def correct_loop(z):
    z = np.asarray(z, dtype=float)
    rows = z.reshape(-1, z.shape[-1])
    out = np.zeros(rows.shape, dtype=int)
    for i in range(rows.shape[0]):
        best = 0
        for k in range(1, rows.shape[1]):
            if rows[i, k] > rows[i, best]:
                best = k
        out[i, best] = 1
    return out.reshape(z.shape)


# --- wrong ---------------------------------------------------------------------------------


def wrong_index_only(z):
    return np.argmax(z, axis=-1)


def wrong_maximum_kept(z):
    return np.where(z == np.max(z, axis=-1, keepdims=True), z, 0.0)


def wrong_argmin(z):
    z = np.asarray(z)
    return np.eye(z.shape[-1])[np.argmin(z, axis=-1)]


def wrong_largest_of_the_whole_batch(z):
    return (z == np.max(z)).astype(float)


def wrong_maximum_of_each_column(z):
    return (z == np.max(z, axis=0, keepdims=True)).astype(float)


def wrong_softmax(z):
    exps = np.exp(z)
    return exps / exps.sum(axis=-1, keepdims=True)


def wrong_positive_entries(z):
    return (np.asarray(z) > 0).astype(float)


EXPECTED_HINTS = {
    "wrong_index_only": "position of the largest entry of each row (argmax)",
    "wrong_maximum_kept": "keeps its own value",
    "wrong_argmin": "smallest entry",
    "wrong_largest_of_the_whole_batch": "single 1 in the whole batch",
    "wrong_maximum_of_each_column": "each column",
    "wrong_softmax": "looks like the softmax",
    "wrong_positive_entries": "a 1 at the position of its largest entry",
}
EXPECTED_KEYS = {
    "wrong_index_only": "index_instead_of_vector",
    "wrong_maximum_kept": "maximum_kept_instead_of_one",
    "wrong_argmin": "one_at_the_smallest_entry",
    "wrong_largest_of_the_whole_batch": "one_over_the_whole_batch",
    "wrong_maximum_of_each_column": "one_per_column",
    "wrong_softmax": "softmax_instead_of_one_hot",
    "wrong_positive_entries": None,
}
