"""Student-style ``cross_entropy_loss(x, labels)``.

The contract: the mean over the batch of ``-x[i, labels[i]] + log(sum_j exp(x[i, j]))``,
as a 0-dim tensor or a plain number (see tests/corpus/__init__.py).
"""

import numpy as np
import torch
from torch import nn

# --- correct ---------------------------------------------------------------------------------


def correct_tutorial_formula(x, labels):
    """The notebook's template filled in with the formula as written, in float32."""
    x_of_labels = x[torch.arange(x.shape[0]), labels]
    losses = -x_of_labels + torch.log(torch.sum(torch.exp(x), dim=1))
    avg_loss = torch.mean(losses)
    return avg_loss


def correct_logsumexp_gather(x, labels):
    """torch.logsumexp and gather: numerically stable and vectorised."""
    picked = x.gather(1, labels.view(-1, 1)).squeeze(1)
    return (torch.logsumexp(x, dim=1) - picked).mean()


def correct_functional_cross_entropy(x, labels):
    """The library's own F.cross_entropy (allowed: full credit, the hint may point to the intent)."""
    import torch.nn.functional as F

    return F.cross_entropy(x, labels)


def correct_plain_float(x, labels):
    """Returns a Python float from .item() instead of a 0-dim tensor."""
    losses = torch.logsumexp(x, 1) - x[range(len(labels)), labels]
    return losses.mean().item()


def correct_python_loop(x, labels):
    """One sample at a time, accumulating a Python float."""
    total = 0.0
    for i in range(x.shape[0]):
        row = x[i]
        total += (-row[labels[i]] + torch.log(torch.exp(row).sum())).item()
    return total / x.shape[0]


def correct_log_softmax_nll(x, labels):
    """log_softmax followed by the negative log-likelihood."""
    log_probs = torch.log_softmax(x, dim=1)
    return -log_probs[torch.arange(len(labels)), labels].mean()


def correct_float64_max_shift(x, labels):
    """Works in float64 and subtracts each row's maximum before exponentiating."""
    z = x.double()
    shift = z.max(dim=1, keepdim=True).values
    log_norm = shift.squeeze(1) + torch.log(torch.exp(z - shift).sum(dim=1))
    return torch.mean(log_norm - z[torch.arange(z.shape[0]), labels.long()])


def correct_numpy(x, labels):
    """Converts to numpy and returns a numpy float64 scalar."""
    z = x.numpy().astype(np.float64)
    z = z - z.max(axis=1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -np.mean(log_probs[np.arange(len(z)), labels.numpy()])


def correct_one_hot(x, labels):
    """A one-hot mask instead of indexing."""
    import torch.nn.functional as F

    one_hot = F.one_hot(labels, num_classes=x.shape[1]).float()
    return (-(one_hot * x).sum(dim=1) + torch.logsumexp(x, dim=1)).mean()


def correct_module_criterion(x, labels):
    """nn.CrossEntropyLoss() built and called inside the function."""
    criterion = nn.CrossEntropyLoss()
    return criterion(x, labels)


def correct_softmax_then_guarded_log(x, labels):
    """The probability of each label from a softmax, its log guarded with + 1e-7, float32."""
    probabilities = torch.softmax(x.float(), dim=1)
    picked = probabilities[torch.arange(len(labels)), labels]
    return -torch.log(picked + 1e-7).mean()


def correct_clipped_probabilities(x, labels):
    """Clips the probabilities to [1e-6, 1 - 1e-6] before the log, as for a binary loss."""
    exps = torch.exp(x - x.max(dim=1, keepdim=True).values)
    probabilities = exps / exps.sum(dim=1, keepdim=True)
    picked = torch.clamp(probabilities[torch.arange(x.shape[0]), labels], 1e-6, 1 - 1e-6)
    return torch.mean(-torch.log(picked))


def correct_scipy_logsumexp(x, labels):
    """scipy.special.logsumexp on a numpy copy."""
    from scipy.special import logsumexp

    z = x.numpy()
    return float(np.mean(logsumexp(z, axis=1) - z[np.arange(len(z)), labels.numpy()]))


def correct_scipy_log_softmax(x, labels):
    """scipy.special.log_softmax, in float32."""
    from scipy.special import log_softmax

    log_probs = log_softmax(x.numpy().astype(np.float32), axis=1)
    return torch.tensor(-log_probs[np.arange(len(labels)), labels.numpy()].mean())


# --- wrong -----------------------------------------------------------------------------------


def wrong_sum_not_mean(x, labels):
    """Sums the per-sample losses instead of averaging them."""
    losses = -x[torch.arange(len(labels)), labels] + torch.log(torch.exp(x).sum(dim=1))
    return losses.sum()


def wrong_sign(x, labels):
    """The sign is flipped: x[i, label] minus the log-sum-exp."""
    x_of_labels = x[torch.arange(x.shape[0]), labels]
    return torch.mean(x_of_labels - torch.logsumexp(x, dim=1))


def wrong_missing_log_sum_exp(x, labels):
    """Keeps only -x[i, labels[i]], forgetting the normalising term."""
    return torch.mean(-x[torch.arange(x.shape[0]), labels])


def wrong_log_sum_exp_over_batch(x, labels):
    """Sums the exponentials over dim 0 (the batch) instead of the classes."""
    x_of_labels = x[torch.arange(x.shape[0]), labels]
    return torch.mean(-x_of_labels + torch.log(torch.sum(torch.exp(x), dim=0))[labels])


def wrong_log_softmax_over_batch(x, labels):
    """log_softmax over dim 0 (the batch) instead of dim 1."""
    log_probs = torch.log_softmax(x, dim=0)
    return -log_probs[torch.arange(len(labels)), labels].mean()


def wrong_sum_over_all_entries(x, labels):
    """Forgets dim=1: sums the exponentials of the whole batch into one number."""
    x_of_labels = x[torch.arange(x.shape[0]), labels]
    return torch.mean(-x_of_labels + torch.log(torch.sum(torch.exp(x))))


def wrong_missing_log(x, labels):
    """Forgets the log around the sum of exponentials."""
    x_of_labels = x[torch.arange(x.shape[0]), labels]
    return torch.mean(-x_of_labels + torch.sum(torch.exp(x), dim=1))


def wrong_labels_as_columns(x, labels):
    """Indexes x[:, labels], a matrix of every sample's logit at every label, then averages it."""
    return torch.mean(-x[:, labels] + torch.logsumexp(x, dim=1))


def wrong_no_reduction(x, labels):
    """Returns the vector of per-sample losses, not their mean."""
    return -x[torch.arange(len(labels)), labels] + torch.logsumexp(x, dim=1)


def wrong_public_example_constant(x, labels):
    """Returns the loss printed for the public example, whatever the batch."""
    return torch.tensor(0.34672749)


def wrong_shifts_logits_in_place(x, labels):
    """Subtracts each row's maximum in place for stability, changing the caller's x."""
    x -= x.max(dim=1, keepdim=True).values
    losses = -x[torch.arange(len(labels)), labels] + torch.log(torch.exp(x).sum(dim=1))
    return losses.mean()


def wrong_guard_too_large(x, labels):
    """Guards the log with an epsilon of 1e-2, which moves every loss visibly."""
    probabilities = torch.softmax(x, dim=1)[torch.arange(len(labels)), labels]
    return -torch.log(probabilities + 1e-2).mean()


EXPECTED_HINTS = {
    "wrong_sum_not_mean": "sum over the batch",
    "wrong_sign": "wrong sign",
    "wrong_missing_log_sum_exp": "log of the sum of exponentials over the classes is missing",
    "wrong_log_sum_exp_over_batch": "dim 0",
    "wrong_log_softmax_over_batch": "dim 0",
    "wrong_sum_over_all_entries": "whole batch",
    "wrong_missing_log": "log around the sum",
    "wrong_labels_as_columns": "x[torch.arange(N), labels]",
    "wrong_no_reduction": "single number, their mean",
    "wrong_public_example_constant": "the example in the notebook",
    "wrong_shifts_logits_in_place": "in place",
    "wrong_guard_too_large": "the loss differs from the reference",
}

EXPECTED_KEYS = {
    "wrong_sum_not_mean": "sum_instead_of_mean",
    "wrong_sign": "loss_has_the_wrong_sign",
    "wrong_missing_log_sum_exp": "log_sum_exp_missing",
    "wrong_log_sum_exp_over_batch": "log_sum_exp_over_the_batch",
    # log_softmax over the batch is the same formula as the log-sum-exp over the batch
    "wrong_log_softmax_over_batch": "log_sum_exp_over_the_batch",
    "wrong_sum_over_all_entries": "sum_of_exponentials_over_the_whole_batch",
    "wrong_missing_log": "log_missing",
    "wrong_labels_as_columns": "every_label_for_every_sample",
    "wrong_no_reduction": "per_sample_losses_not_averaged",
    "wrong_public_example_constant": "loss_of_the_example",
    "wrong_shifts_logits_in_place": "changed_its_input_in_place",
    # not a mistake the grader knows: it must say what is off and name no cause
    "wrong_guard_too_large": None,
}
