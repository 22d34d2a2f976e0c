"""Student-style ``weight_decay_step(theta, grad, kappa, lam)``.

The contract: ``theta - kappa * grad - kappa * lam * theta``, a new array; ``lam`` is the
coefficient of ``(lam/2) ||theta||^2`` in the loss; ``theta`` and ``grad`` unchanged.
"""

import math

import numpy as np
import torch

# --- correct -------------------------------------------------------------------------------


def correct_formula(theta, grad, kappa, lam):
    """The notebook's template."""
    return theta - kappa * grad - kappa * lam * theta


def correct_shrink_then_step(theta, grad, kappa, lam):
    return (1 - kappa * lam) * theta - kappa * grad


def correct_gradient_of_the_decayed_loss(theta, grad, kappa, lam):
    decayed_gradient = grad + lam * theta
    return theta - kappa * decayed_gradient


def correct_in_place_on_a_copy(theta, grad, kappa, lam):
    new = theta.copy()
    new -= kappa * grad
    new -= kappa * lam * theta
    return new


def correct_float32_tensor(theta, grad, kappa, lam):
    t = torch.tensor(theta, dtype=torch.float32)
    return t - kappa * torch.tensor(grad, dtype=torch.float32) - kappa * lam * t


# --- wrong ---------------------------------------------------------------------------------


def wrong_lam_as_the_product(theta, grad, kappa, lam):
    return theta - kappa * grad - lam * theta


def wrong_half_decay(theta, grad, kappa, lam):
    return theta - kappa * grad - kappa * lam / 2 * theta


def wrong_double_decay(theta, grad, kappa, lam):
    return theta - kappa * grad - 2 * kappa * lam * theta


def wrong_decay_after_the_step(theta, grad, kappa, lam):
    stepped = theta - kappa * grad
    return stepped - kappa * lam * stepped


def wrong_decay_added(theta, grad, kappa, lam):
    return theta - kappa * grad + kappa * lam * theta


def wrong_no_decay(theta, grad, kappa, lam):
    return theta - kappa * grad


def wrong_gradient_without_step_size(theta, grad, kappa, lam):
    return theta - grad - kappa * lam * theta


def wrong_in_place(theta, grad, kappa, lam):
    """Updates the caller's weights and returns them."""
    theta -= kappa * grad + kappa * lam * theta
    return theta


EXPECTED_HINTS = {
    "wrong_lam_as_the_product": "subtracts lam * theta",
    "wrong_half_decay": "looks halved",
    "wrong_double_decay": "looks doubled",
    "wrong_decay_after_the_step": "after the gradient step",
    "wrong_decay_added": "the decay is added",
    "wrong_no_decay": "plain gradient step",
    "wrong_gradient_without_step_size": "not multiplied by the step size",
    "wrong_in_place": "changed its input theta in place",
}
EXPECTED_KEYS = {
    "wrong_lam_as_the_product": "lam_read_as_the_product",
    "wrong_half_decay": "half_of_the_decay",
    "wrong_double_decay": "twice_the_decay",
    "wrong_decay_after_the_step": "decay_after_the_step",
    "wrong_decay_added": "decay_added",
    "wrong_no_decay": "decay_missing",
    "wrong_gradient_without_step_size": "step_size_missing_on_the_gradient",
    "wrong_in_place": "argument_changed_in_place",
}
