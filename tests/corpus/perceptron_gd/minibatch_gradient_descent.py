"""``minibatch_gradient_descent(X, y, eta, epochs, batch_size, seed) -> (w, losses)``.

The notebook's recipe: one ``rng = np.random.default_rng(seed)`` before the first epoch; at
the start of each epoch append L(w) over all points and draw ``order = rng.permutation(N)``;
update on the slices ``order[k:k + batch_size]`` in turn, the gradient summed over the batch.
Variants may call the notebook's ``sigmoid``, ``loss_i`` and ``grad_loss_i``.
"""

import numpy as np
import torch

# --- correct ----------------------------------------------------------------------------------


def correct_recipe_vectorised(X, y, eta, epochs, batch_size, seed):
    """The recipe step by step, each batch's gradient vectorised."""
    N = X.shape[0]
    rng = np.random.default_rng(seed)
    labels = y[:, 0]
    w = np.zeros(3)
    losses = []
    for epoch in range(epochs):
        p = sigmoid(X @ w)
        losses.append(-np.sum(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
        order = rng.permutation(N)
        for k in range(0, N, batch_size):
            B = order[k:k + batch_size]
            w = w - eta * X[B].T @ (sigmoid(X[B] @ w) - labels[B])
    return w, losses


def correct_array_split(X, y, eta, epochs, batch_size, seed):
    """The batches by np.array_split at multiples of batch_size; losses a numpy array."""
    rng = np.random.default_rng(seed)
    labels = y.ravel()
    w = np.zeros(3)
    losses = np.zeros(epochs)
    for e in range(epochs):
        z = X @ w
        losses[e] = np.sum(labels * np.logaddexp(0, -z) + (1 - labels) * np.logaddexp(0, z))
        order = rng.permutation(len(X))
        for B in np.array_split(order, np.arange(batch_size, len(X), batch_size)):
            w = w + eta * X[B].T @ (labels[B] - sigmoid(X[B] @ w))
    return w, losses


def correct_shuffled_indices_with_helpers(X, y, eta, epochs, batch_size, seed):
    """rng.shuffle of np.arange(N) (the same draw as rng.permutation), loss_i and grad_loss_i summed."""
    N = len(X)
    rng = np.random.default_rng(seed)
    w = np.zeros(3)
    losses = []
    for epoch in range(epochs):
        losses.append(sum(loss_i(w, X[i], y[i]) for i in range(N)))
        order = np.arange(N)
        rng.shuffle(order)
        start = 0
        while start < N:
            batch = order[start:min(start + batch_size, N)]
            grad = np.zeros(3)
            for i in batch:
                grad += grad_loss_i(w, X[i], y[i])
            w = w - eta * grad
            start += batch_size
    return w, losses


def correct_column_w_and_permuted_copies(X, y, eta, epochs, batch_size, seed):
    """A (3, 1) w; each epoch permutes copies of X and y, then slices them."""
    rng = np.random.default_rng(seed)
    w = np.zeros((3, 1))
    losses = []
    for _ in range(epochs):
        p = sigmoid(X @ w)
        losses.append(float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))))
        order = rng.permutation(X.shape[0])
        X_perm, y_perm = X[order], y[order]
        for k in range(0, X.shape[0], batch_size):
            Xb, yb = X_perm[k:k + batch_size], y_perm[k:k + batch_size]
            w -= eta * Xb.T @ (sigmoid(Xb @ w) - yb)
    return w, losses


def correct_float32(X, y, eta, epochs, batch_size, seed):
    """The recipe in float32: data, weights and step size converted first."""
    rng = np.random.default_rng(seed)
    X = X.astype(np.float32)
    labels = y.ravel().astype(np.float32)
    w = np.zeros(3, dtype=np.float32)
    losses = []
    for _ in range(epochs):
        p = 1 / (1 + np.exp(-X @ w))
        losses.append(-np.sum(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
        order = rng.permutation(len(X))
        for k in range(0, len(X), batch_size):
            B = order[k:k + batch_size]
            w = w - np.float32(eta) * X[B].T @ (1 / (1 + np.exp(-X[B] @ w)) - labels[B])
    return w, losses


def correct_scipy_expit(X, y, eta, epochs, batch_size, seed):
    """p from scipy's expit, imported inside; the loss with np.logaddexp."""
    from scipy.special import expit

    rng = np.random.default_rng(seed)
    labels = y[:, 0]
    w = np.zeros(3)
    losses = []
    for _ in range(epochs):
        z = X @ w
        losses.append(np.sum(labels * np.logaddexp(0, -z) + (1 - labels) * np.logaddexp(0, z)))
        batches = np.split(rng.permutation(len(X)), range(batch_size, len(X), batch_size))
        for B in batches:
            w = w - eta * X[B].T @ (expit(X[B] @ w) - labels[B])
    return w, np.array(losses)


# --- wrong ------------------------------------------------------------------------------------


def wrong_same_order_every_epoch(X, y, eta, epochs, batch_size, seed):
    """Draws the order once, before the epochs, and reuses it."""
    N = X.shape[0]
    labels = y.ravel()
    order = np.random.default_rng(seed).permutation(N)
    w = np.zeros(3)
    losses = []
    for epoch in range(epochs):
        p = sigmoid(X @ w)
        losses.append(-np.sum(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
        for k in range(0, N, batch_size):
            B = order[k:k + batch_size]
            w = w - eta * X[B].T @ (sigmoid(X[B] @ w) - labels[B])
    return w, losses


def wrong_generator_made_every_epoch(X, y, eta, epochs, batch_size, seed):
    """Makes rng = default_rng(seed) inside the epoch loop: the same permutation every epoch."""
    N = X.shape[0]
    labels = y.ravel()
    w = np.zeros(3)
    losses = []
    for epoch in range(epochs):
        rng = np.random.default_rng(seed)
        p = sigmoid(X @ w)
        losses.append(-np.sum(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
        order = rng.permutation(N)
        for k in range(0, N, batch_size):
            B = order[k:k + batch_size]
            w = w - eta * X[B].T @ (sigmoid(X[B] @ w) - labels[B])
    return w, losses


def wrong_unshuffled(X, y, eta, epochs, batch_size, seed):
    """Never shuffles: the batches follow the data order."""
    N = X.shape[0]
    labels = y.ravel()
    w = np.zeros(3)
    losses = []
    for epoch in range(epochs):
        p = sigmoid(X @ w)
        losses.append(-np.sum(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
        for k in range(0, N, batch_size):
            w = w - eta * X[k:k + batch_size].T @ (sigmoid(X[k:k + batch_size] @ w) - labels[k:k + batch_size])
    return w, losses


def wrong_mean_over_batch(X, y, eta, epochs, batch_size, seed):
    """Averages each batch's gradient, as libraries do, instead of summing it."""
    N = X.shape[0]
    rng = np.random.default_rng(seed)
    labels = y.ravel()
    w = np.zeros(3)
    losses = []
    for epoch in range(epochs):
        p = sigmoid(X @ w)
        losses.append(-np.sum(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
        order = rng.permutation(N)
        for k in range(0, N, batch_size):
            B = order[k:k + batch_size]
            w = w - eta * X[B].T @ (sigmoid(X[B] @ w) - labels[B]) / len(B)
    return w, losses


def wrong_drops_last_batch(X, y, eta, epochs, batch_size, seed):
    """Only full batches: range(0, N - batch_size + 1, batch_size) skips the short last one."""
    N = X.shape[0]
    rng = np.random.default_rng(seed)
    labels = y.ravel()
    w = np.zeros(3)
    losses = []
    for epoch in range(epochs):
        p = sigmoid(X @ w)
        losses.append(-np.sum(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
        order = rng.permutation(N)
        for k in range(0, N - batch_size + 1, batch_size):
            B = order[k:k + batch_size]
            w = w - eta * X[B].T @ (sigmoid(X[B] @ w) - labels[B])
    return w, losses


def wrong_losses_after_epoch(X, y, eta, epochs, batch_size, seed):
    """Records the loss at the end of each epoch."""
    N = X.shape[0]
    rng = np.random.default_rng(seed)
    labels = y.ravel()
    w = np.zeros(3)
    losses = []
    for epoch in range(epochs):
        order = rng.permutation(N)
        for k in range(0, N, batch_size):
            B = order[k:k + batch_size]
            w = w - eta * X[B].T @ (sigmoid(X[B] @ w) - labels[B])
        p = sigmoid(X @ w)
        losses.append(-np.sum(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
    return w, losses


def wrong_losses_summed_over_batches(X, y, eta, epochs, batch_size, seed):
    """Adds up each batch's loss during the epoch, at weights that change between batches."""
    N = X.shape[0]
    rng = np.random.default_rng(seed)
    labels = y.ravel()
    w = np.zeros(3)
    losses = []
    for epoch in range(epochs):
        order = rng.permutation(N)
        epoch_loss = 0.0
        for k in range(0, N, batch_size):
            B = order[k:k + batch_size]
            p = sigmoid(X[B] @ w)
            epoch_loss += -np.sum(labels[B] * np.log(p) + (1 - labels[B]) * np.log(1 - p))
            w = w - eta * X[B].T @ (p - labels[B])
        losses.append(epoch_loss)
    return w, losses


def wrong_gradient_ascent(X, y, eta, epochs, batch_size, seed):
    """w + eta * gradient: the sign of the update flipped."""
    N = X.shape[0]
    rng = np.random.default_rng(seed)
    labels = y.ravel()
    w = np.zeros(3)
    losses = []
    for epoch in range(epochs):
        z = X @ w
        losses.append(np.sum(labels * np.logaddexp(0, -z) + (1 - labels) * np.logaddexp(0, z)))
        order = rng.permutation(N)
        for k in range(0, N, batch_size):
            B = order[k:k + batch_size]
            w = w + eta * X[B].T @ (sigmoid(X[B] @ w) - labels[B])
    return w, losses


def wrong_p_from_the_epochs_start(X, y, eta, epochs, batch_size, seed):
    """Computes p for all points once per epoch and reuses it for every batch's gradient."""
    N = X.shape[0]
    rng = np.random.default_rng(seed)
    labels = y.ravel()
    w = np.zeros(3)
    losses = []
    for epoch in range(epochs):
        p = sigmoid(X @ w)
        losses.append(-np.sum(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
        order = rng.permutation(N)
        for k in range(0, N, batch_size):
            B = order[k:k + batch_size]
            w = w - eta * X[B].T @ (p[B] - labels[B])
    return w, losses


def wrong_sigmoid_of_minus_w_x_in_the_batches(X, y, eta, epochs, batch_size, seed):
    """Each batch's gradient takes p = sigmoid(-(X[B] @ w))."""
    N = X.shape[0]
    rng = np.random.default_rng(seed)
    labels = y.ravel()
    w = np.zeros(3)
    losses = []
    for epoch in range(epochs):
        p = sigmoid(X @ w)
        losses.append(-np.sum(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
        order = rng.permutation(N)
        for k in range(0, N, batch_size):
            B = order[k:k + batch_size]
            w = w - eta * X[B].T @ (sigmoid(-(X[B] @ w)) - labels[B])
    return w, losses


def wrong_labels_not_shuffled_with_the_points(X, y, eta, epochs, batch_size, seed):
    """Shuffles the points but takes the labels in data order: each batch pairs points with
    other points' labels (with one batch per epoch too)."""
    N = X.shape[0]
    rng = np.random.default_rng(seed)
    labels = y.ravel()
    w = np.zeros(3)
    losses = []
    for epoch in range(epochs):
        p = sigmoid(X @ w)
        losses.append(-np.sum(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
        order = rng.permutation(N)
        for k in range(0, N, batch_size):
            B = order[k:k + batch_size]
            w = w - eta * X[B].T @ (sigmoid(X[B] @ w) - labels[k:k + batch_size])
    return w, losses


# --- partial: a valid seeded shuffle, but not the prescribed one -------------------------------


def partial_legacy_np_random(X, y, eta, epochs, batch_size, seed):
    """np.random.seed(seed) and np.random.permutation: seeded and reproducible, another order."""
    N = X.shape[0]
    np.random.seed(seed)
    labels = y.ravel()
    w = np.zeros(3)
    losses = []
    for epoch in range(epochs):
        p = sigmoid(X @ w)
        losses.append(-np.sum(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
        order = np.random.permutation(N)
        for k in range(0, N, batch_size):
            B = order[k:k + batch_size]
            w = w - eta * X[B].T @ (sigmoid(X[B] @ w) - labels[B])
    return w, losses


def partial_torch_randperm(X, y, eta, epochs, batch_size, seed):
    """torch.manual_seed(seed) and torch.randperm(N): seeded and reproducible, another order."""
    N = X.shape[0]
    torch.manual_seed(seed)
    labels = y.ravel()
    w = np.zeros(3)
    losses = []
    for epoch in range(epochs):
        p = sigmoid(X @ w)
        losses.append(-np.sum(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
        order = torch.randperm(N).numpy()
        for k in range(0, N, batch_size):
            B = order[k:k + batch_size]
            w = w - eta * X[B].T @ (sigmoid(X[B] @ w) - labels[B])
    return w, losses


def partial_python_random_shuffle(X, y, eta, epochs, batch_size, seed):
    """random.Random(seed).shuffle of the indices: seeded and reproducible, another order."""
    import random

    N = X.shape[0]
    generator = random.Random(seed)
    labels = y.ravel()
    w = np.zeros(3)
    losses = []
    for epoch in range(epochs):
        p = sigmoid(X @ w)
        losses.append(-np.sum(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
        order = list(range(N))
        generator.shuffle(order)
        for k in range(0, N, batch_size):
            B = order[k:k + batch_size]
            w = w - eta * X[B].T @ (sigmoid(X[B] @ w) - labels[B])
    return w, losses


EXPECTED_HINTS = {
    "wrong_same_order_every_epoch": "same order",
    "wrong_generator_made_every_epoch": "same order",
    "wrong_unshuffled": "follow the data order",
    "wrong_mean_over_batch": "averaged over the batch",
    "wrong_drops_last_batch": "last, smaller batch",
    "wrong_losses_after_epoch": "recorded after its epoch",
    "wrong_losses_summed_over_batches": "adds up the batches' losses",
    "wrong_gradient_ascent": "climb the loss",
    "wrong_p_from_the_epochs_start": "computed once, at the start of the epoch",
    "wrong_sigmoid_of_minus_w_x_in_the_batches": "not sigmoid(-(w @ x_i))",
    "wrong_labels_not_shuffled_with_the_points": "differs from the reference",
    "partial_legacy_np_random": "legacy",
    "partial_torch_randperm": "which points make up each batch",
    "partial_python_random_shuffle": "which points make up each batch",
}
EXPECTED_KEYS = {
    "wrong_same_order_every_epoch": "same_batch_order_every_epoch",
    "wrong_generator_made_every_epoch": "same_batch_order_every_epoch",
    "wrong_unshuffled": "batches_in_data_order",
    "wrong_mean_over_batch": "batch_gradient_averaged",
    "wrong_drops_last_batch": "last_batch_skipped",
    "wrong_losses_after_epoch": "losses_recorded_after_the_epoch",
    "wrong_losses_summed_over_batches": "losses_added_up_over_the_batches",
    "wrong_gradient_ascent": "batch_updates_climb_the_loss",
    "wrong_p_from_the_epochs_start": "batch_gradients_from_the_epochs_start",
    "wrong_sigmoid_of_minus_w_x_in_the_batches": "sigmoid_of_minus_w_x",
    "wrong_labels_not_shuffled_with_the_points": None,  # wrong with one batch per epoch too: no cause is certain
    "partial_legacy_np_random": "legacy_numpy_batch_order",
    "partial_torch_randperm": "batches_not_as_prescribed",
    "partial_python_random_shuffle": "batches_not_as_prescribed",
}
