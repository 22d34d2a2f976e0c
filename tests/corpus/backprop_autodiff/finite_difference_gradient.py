"""Student-style ``finite_difference_gradient(f, w, delta)``.

The contract: entry ``i`` is ``(f(w + delta e_i) - f(w - delta e_i)) / (2 delta)``, one entry at a
time; ``f`` always gets an array of ``w``'s shape at float64 points (the one place of this
assignment where float32 is wrong: it rounds ``w + delta``); the result has ``w``'s shape (its
values may be stored in float32); ``w`` holds its values again when the function returns
(restoring arithmetically is fine).
"""

import math

import numpy as np
import torch

# --- correct -------------------------------------------------------------------------------


def correct_two_copies(f, w, delta):
    """The notebook's template."""
    gradient = np.zeros(w.shape)
    for index in np.ndindex(w.shape):
        w_plus = w.copy()
        w_minus = w.copy()
        w_plus[index] += delta
        w_minus[index] -= delta
        gradient[index] = (f(w_plus) - f(w_minus)) / (2 * delta)
    return gradient


def correct_in_place_and_restored_arithmetically(f, w, delta):
    """Perturbs the caller's w itself: +delta, then -2 delta, then +delta back."""
    gradient = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        w[index] += delta
        up = f(w)
        w[index] -= 2 * delta
        down = f(w)
        w[index] += delta
        gradient[index] = (up - down) / (2 * delta)
    return gradient


def correct_saved_and_written_back(f, w, delta):
    gradient = np.empty(w.shape)
    it = np.nditer(w, flags=["multi_index"])
    for _ in it:
        index = it.multi_index
        kept = w[index]
        w[index] = kept + delta
        up = f(w)
        w[index] = kept - delta
        down = f(w)
        w[index] = kept
        gradient[index] = (up - down) / (2 * delta)
    return gradient


def correct_unit_steps(f, w, delta):
    """A step array that is delta in one place."""
    gradient = np.zeros(w.shape)
    for index in np.ndindex(w.shape):
        step = np.zeros(w.shape)
        step[index] = delta
        gradient[index] = (f(w + step) - f(w - step)) / (2 * delta)
    return gradient


def correct_flat_view_of_a_copy(f, w, delta):
    work = w.copy()
    flat = work.reshape(-1)
    gradient = np.zeros(flat.size)
    for i in range(flat.size):
        flat[i] += delta
        up = f(work)
        flat[i] -= 2 * delta
        down = f(work)
        flat[i] += delta
        gradient[i] = (up - down) / (2 * delta)
    return gradient.reshape(w.shape)


def correct_list_of_differences(f, w, delta):
    """Builds a flat list of quotients and reshapes it at the end."""
    quotients = []
    for i in range(w.size):
        e = np.zeros(w.size)
        e[i] = delta
        e = e.reshape(w.shape)
        quotients.append((f(w + e) - f(w - e)) / (2 * delta))
    return np.array(quotients).reshape(w.shape)


def correct_result_stored_in_float32(f, w, delta):
    """f evaluated at float64 points; only the quotients are kept in a float32 array."""
    gradient = np.zeros(w.shape, dtype=np.float32)
    for index in np.ndindex(w.shape):
        w_plus, w_minus = w.copy(), w.copy()
        w_plus[index] += delta
        w_minus[index] -= delta
        gradient[index] = (f(w_plus) - f(w_minus)) / (2 * delta)
    return gradient


# --- wrong ---------------------------------------------------------------------------------


def wrong_forward_difference(f, w, delta):
    gradient = np.zeros(w.shape)
    here = f(w)
    for index in np.ndindex(w.shape):
        w_plus = w.copy()
        w_plus[index] += delta
        gradient[index] = (f(w_plus) - here) / delta
    return gradient


def wrong_backward_difference(f, w, delta):
    gradient = np.zeros(w.shape)
    here = f(w)
    for index in np.ndindex(w.shape):
        w_minus = w.copy()
        w_minus[index] -= delta
        gradient[index] = (here - f(w_minus)) / delta
    return gradient


def wrong_divided_by_delta(f, w, delta):
    gradient = np.zeros(w.shape)
    for index in np.ndindex(w.shape):
        w_plus, w_minus = w.copy(), w.copy()
        w_plus[index] += delta
        w_minus[index] -= delta
        gradient[index] = (f(w_plus) - f(w_minus)) / delta
    return gradient


def wrong_every_entry_at_once(f, w, delta):
    return np.full(w.shape, (f(w + delta) - f(w - delta)) / (2 * delta))


def wrong_flattened_before_calling_f(f, w, delta):
    flat = w.ravel().copy()
    gradient = np.zeros(flat.size)
    for i in range(flat.size):
        plus, minus = flat.copy(), flat.copy()
        plus[i] += delta
        minus[i] -= delta
        gradient[i] = (f(plus) - f(minus)) / (2 * delta)
    return gradient.reshape(w.shape)


def wrong_result_flattened(f, w, delta):
    gradient = []
    for index in np.ndindex(w.shape):
        w_plus, w_minus = w.copy(), w.copy()
        w_plus[index] += delta
        w_minus[index] -= delta
        gradient.append((f(w_plus) - f(w_minus)) / (2 * delta))
    return np.array(gradient)


def wrong_not_restored(f, w, delta):
    """Perturbs w in place and never puts the entry back."""
    gradient = np.zeros(w.shape)
    for index in np.ndindex(w.shape):
        w[index] += delta
        up = f(w)
        w[index] -= 2 * delta
        down = f(w)
        gradient[index] = (up - down) / (2 * delta)
    return gradient


def wrong_alias_instead_of_copies(f, w, delta):
    """w_plus = w and w_minus = w name one array: the two perturbations cancel."""
    gradient = np.zeros(w.shape)
    for index in np.ndindex(w.shape):
        w_plus = w
        w_plus[index] += delta
        w_minus = w
        w_minus[index] -= delta
        gradient[index] = (f(w_plus) - f(w_minus)) / (2 * delta)
    return gradient


def wrong_float32_copies(f, w, delta):
    gradient = np.zeros(w.shape)
    for index in np.ndindex(w.shape):
        w_plus = w.astype(np.float32)
        w_minus = w.astype(np.float32)
        w_plus[index] += delta
        w_minus[index] -= delta
        gradient[index] = (f(w_plus) - f(w_minus)) / (2 * delta)
    return gradient


def wrong_zeros_and_w_untouched(f, w, delta):
    """No difference at all: zeros of w's shape, w left alone (both right, and nothing else)."""
    return np.zeros_like(w)


EXPECTED_HINTS = {
    "wrong_forward_difference": "forward difference",
    "wrong_backward_difference": "backward difference",
    "wrong_divided_by_delta": "divides by 2 delta",
    "wrong_every_entry_at_once": "perturbed at once",
    "wrong_flattened_before_calling_f": "f takes an array of w's shape",
    "wrong_result_flattened": "not be flattened",
    "wrong_not_restored": "does not hold its original values",
    "wrong_alias_instead_of_copies": "look like the same array",
    "wrong_float32_copies": "about three correct digits",
    "wrong_zeros_and_w_untouched": "look like the same array",
}
EXPECTED_KEYS = {
    "wrong_forward_difference": "forward_difference",
    "wrong_backward_difference": "backward_difference",
    "wrong_divided_by_delta": "two_delta_missing",
    "wrong_every_entry_at_once": "every_entry_perturbed_at_once",
    "wrong_flattened_before_calling_f": "w_flattened_before_calling_f",
    "wrong_result_flattened": "result_flattened",
    "wrong_not_restored": "w_left_perturbed",
    "wrong_alias_instead_of_copies": "perturbed_through_an_alias",
    "wrong_float32_copies": "evaluated_in_low_precision",
    # zeros are exactly what perturbing through an alias returns: the grader cannot tell them apart
    "wrong_zeros_and_w_untouched": "perturbed_through_an_alias",
}
