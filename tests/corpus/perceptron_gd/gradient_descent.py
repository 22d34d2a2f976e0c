"""``gradient_descent(X, y, eta, T) -> (w, losses)``, written the ways students write it.

``X`` is ``(N, 3)`` with a leading 1 per row and ``y`` arrives ``(N, 1)``; ``T`` full-batch
updates from ``w = 0`` on the summed loss, ``losses[t]`` recorded before update ``t``.
Variants may call the notebook's earlier answers (``sigmoid``, ``loss_i``, ``grad_loss_i``),
as a student's cell does.
"""

import numpy as np
import torch

# --- correct ----------------------------------------------------------------------------------


def correct_loop_over_samples_with_helpers(X, y, eta, T):
    """The lab's style: loss_i and grad_loss_i summed over the points in a loop; losses a list."""
    N = X.shape[0]
    w = np.zeros(3)
    losses = []
    for t in range(T):
        loss = 0.0
        grad = np.zeros(3)
        for i in range(N):
            loss += loss_i(w, X[i], y[i])
            grad += grad_loss_i(w, X[i], y[i])
        losses.append(loss)
        w = w - eta * grad
    return w, losses


def correct_vectorised_flattened_y(X, y, eta, T):
    """Vectorised over the points after flattening y to (N,); losses in a preallocated array."""
    y = y.ravel()
    w = np.zeros(X.shape[1])
    losses = np.zeros(T)
    for t in range(T):
        p = 1 / (1 + np.exp(-X @ w))
        losses[t] = -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))
        w = w - eta * X.T @ (p - y)
    return w, losses


def correct_column_vector_w(X, y, eta, T):
    """w as a (3, 1) column and y kept (N, 1), so every product stays a column; in-place update."""
    w = np.zeros((3, 1))
    losses = []
    for t in range(T):
        p = sigmoid(X @ w)
        losses.append(float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))))
        w -= eta * X.T @ (p - y)
    return w, losses


def correct_stable_logaddexp_in_float32(X, y, eta, T):
    """Works in float32, with the loss as softplus via np.logaddexp, which never takes log(0)."""
    X = X.astype(np.float32)
    labels = y[:, 0].astype(np.float32)
    w = np.zeros(3, dtype=np.float32)
    losses = []
    for _ in range(T):
        z = X @ w
        losses.append(np.sum(labels * np.logaddexp(0, -z) + (1 - labels) * np.logaddexp(0, z)))
        w = w + np.float32(eta) * X.T @ (labels - np.exp(-np.logaddexp(0, -z)))
    return w, np.array(losses)


def correct_comprehensions_and_progress(X, y, eta, T):
    """Sums loss_i and grad_loss_i over comprehensions and prints progress at every step."""
    w = np.zeros(3)
    losses = []
    for t in range(T):
        L = sum(loss_i(w, x_i, y_i) for x_i, y_i in zip(X, y))
        g = np.sum([grad_loss_i(w, x_i, y_i) for x_i, y_i in zip(X, y)], axis=0)
        print(f"step {t}: L(w) = {float(np.ravel(L)[0]):.4f}")
        losses.append(L)
        w = w - eta * g
    return w, losses


def correct_lab_integer_start_one_entry_losses(X, y, eta, T):
    """The lab's integer start w = [0, 0, 0]; each point's loss is a (1,) array, as y[i] makes it."""
    w = np.array([0, 0, 0])
    losses = []
    for t in range(T):
        loss, grad = 0, 0
        for i in range(len(X)):
            p = 1 / (1 + np.exp(-np.dot(w, X[i])))
            loss += -(y[i] * np.log(p) + (1 - y[i]) * np.log(1 - p))
            grad += -(y[i] - p) * X[i]
        losses.append(loss)
        w = w - eta * grad
    return w, losses


def correct_torch_autograd(X, y, eta, T):
    """Lets PyTorch differentiate the summed loss; returns a numpy w and a list of floats."""
    X_t = torch.tensor(X)
    y_t = torch.tensor(y).reshape(-1)
    w = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    losses = []
    for _ in range(T):
        p = torch.sigmoid(X_t @ w)
        L = -(y_t * torch.log(p) + (1 - y_t) * torch.log(1 - p)).sum()
        losses.append(L.item())
        L.backward()
        with torch.no_grad():
            w -= eta * w.grad
        w.grad.zero_()
    return w.detach().numpy(), losses


def correct_while_loop_and_einsum(X, y, eta, T):
    """A while loop, the gradient by np.einsum, the weights as a (1, 3) row."""
    labels = y.reshape(-1)
    w = np.zeros((1, 3))
    losses = []
    t = 0
    while t < T:
        p = sigmoid(np.einsum("ij,j->i", X, w[0]))
        losses.append(-(labels @ np.log(p) + (1 - labels) @ np.log(1 - p)))
        w = w - eta * np.einsum("i,ij->j", p - labels, X)
        t += 1
    return w, losses


def correct_float32_plain_log(X, y, eta, T):
    """Casts to float32 and takes the plain logs, log(p) and log(1 - p), in float32."""
    X = X.astype(np.float32)
    labels = y.ravel().astype(np.float32)
    w = np.zeros(3, dtype=np.float32)
    losses = []
    for _ in range(T):
        p = 1 / (1 + np.exp(-X @ w))
        losses.append(-np.sum(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
        w = w - np.float32(eta) * X.T @ (p - labels)
    return w, losses


def correct_epsilon_in_the_logs(X, y, eta, T):
    """Guards both logs with an epsilon of 1e-6."""
    labels = y.ravel()
    w = np.zeros(3)
    losses = []
    for _ in range(T):
        p = sigmoid(X @ w)
        losses.append(-np.sum(labels * np.log(p + 1e-6) + (1 - labels) * np.log(1 - p + 1e-6)))
        w = w - eta * X.T @ (p - labels)
    return w, losses


def correct_scipy_expit_and_xlogy(X, y, eta, T):
    """p from scipy's expit, the loss with scipy's xlogy (0 log 0 counted as 0)."""
    from scipy.special import expit, xlogy

    w = np.zeros((3, 1))
    losses = []
    for _ in range(T):
        p = expit(X @ w)
        losses.append(-np.sum(xlogy(y, p) + xlogy(1 - y, 1 - p)))
        w = w - eta * X.T @ (p - y)
    return w, losses


# --- wrong ------------------------------------------------------------------------------------


def wrong_gradient_ascent(X, y, eta, T):
    """Adds eta * gradient: the sign of the update is flipped, so the weights climb the loss."""
    labels = y.ravel()
    w = np.zeros(3)
    losses = []
    for _ in range(T):
        z = X @ w
        losses.append(np.sum(labels * np.logaddexp(0, -z) + (1 - labels) * np.logaddexp(0, z)))
        w = w + eta * X.T @ (sigmoid(z) - labels)
    return w, losses


def wrong_mean_gradient(X, y, eta, T):
    """Averages the gradient over the points (np.mean) instead of summing it."""
    N = X.shape[0]
    w = np.zeros(3)
    losses = []
    for t in range(T):
        losses.append(sum(loss_i(w, X[i], y[i]) for i in range(N)))
        grads = np.array([grad_loss_i(w, X[i], y[i]) for i in range(N)])
        w = w - eta * np.mean(grads, axis=0)
    return w, losses


def wrong_mean_loss(X, y, eta, T):
    """Sums the gradient but records the mean loss over the points."""
    labels = y.ravel()
    w = np.zeros(3)
    losses = []
    for _ in range(T):
        p = sigmoid(X @ w)
        losses.append(-np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
        w = w - eta * X.T @ (p - labels)
    return w, losses


def wrong_losses_after_update(X, y, eta, T):
    """Updates w first, then records the loss: every loss is one step late."""
    labels = y.ravel()
    w = np.zeros(3)
    losses = []
    for _ in range(T):
        w = w - eta * X.T @ (sigmoid(X @ w) - labels)
        p = sigmoid(X @ w)
        losses.append(-np.sum(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
    return w, losses


def wrong_one_step_too_few(X, y, eta, T):
    """Counts the steps from 1 to T - 1: one update too few."""
    labels = y.ravel()
    w = np.zeros(3)
    losses = []
    for t in range(1, T):
        p = sigmoid(X @ w)
        losses.append(-np.sum(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
        w = w - eta * X.T @ (p - labels)
    return w, losses


def wrong_one_step_too_many(X, y, eta, T):
    """Counts the steps from 0 to T inclusive: T + 1 updates and T + 1 losses."""
    labels = y.ravel()
    w = np.zeros(3)
    losses = []
    for t in range(T + 1):
        p = sigmoid(X @ w)
        losses.append(-np.sum(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
        w = w - eta * X.T @ (p - labels)
    return w, losses


def wrong_stochastic_updates(X, y, eta, T):
    """Updates w inside the loop over the points: stochastic steps, not one full-batch step."""
    N = X.shape[0]
    w = np.zeros(3)
    losses = []
    for t in range(T):
        loss = 0.0
        for i in range(N):
            loss += loss_i(w, X[i], y[i])
            w = w - eta * grad_loss_i(w, X[i], y[i])
        losses.append(loss)
    return w, losses


def wrong_random_start(X, y, eta, T):
    """Starts from random weights instead of w = 0."""
    labels = y.ravel()
    w = np.random.default_rng(0).normal(size=3)
    losses = []
    for _ in range(T):
        p = sigmoid(X @ w)
        losses.append(-np.sum(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
        w = w - eta * X.T @ (p - labels)
    return w, losses


def wrong_y_not_flattened(X, y, eta, T):
    """Vectorised with y left (N, 1): y - p broadcasts to (N, N), and w to (3, N)."""
    w = np.zeros(3)
    losses = []
    for _ in range(T):
        p = sigmoid(X @ w)
        losses.append(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
        w = w + eta * X.T @ (y - p)
    return w, losses


def wrong_loss_broadcast_to_n_by_n(X, y, eta, T):
    """A right update with a flat y, but the loss uses the (N, 1) y against the (N,) p."""
    labels = y.ravel()
    w = np.zeros(3)
    losses = []
    for _ in range(T):
        p = sigmoid(X @ w)
        losses.append(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
        w = w - eta * X.T @ (p - labels)
    return w, losses


def wrong_returns_starting_w(X, y, eta, T):
    """Updates a copy of the weights but returns the starting w = 0."""
    labels = y.ravel()
    w = np.zeros(3)
    w_t = w.copy()
    losses = []
    for _ in range(T):
        p = sigmoid(X @ w_t)
        losses.append(-np.sum(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
        w_t = w_t - eta * X.T @ (p - labels)
    return w, losses


def wrong_hard_coded_eta(X, y, eta, T):
    """Uses the lab's step size 0.1 instead of the argument eta."""
    labels = y.ravel()
    w = np.zeros(3)
    losses = []
    for _ in range(T):
        p = sigmoid(X @ w)
        losses.append(-np.sum(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
        w = w - 0.1 * X.T @ (p - labels)
    return w, losses


def wrong_gradient_not_reset(X, y, eta, T):
    """Sets grad = 0 once, before the loop over steps, so each step adds to the last gradient."""
    N = X.shape[0]
    w = np.zeros(3)
    losses = []
    grad = np.zeros(3)
    for t in range(T):
        loss = 0.0
        for i in range(N):
            loss += loss_i(w, X[i], y[i])
            grad += grad_loss_i(w, X[i], y[i])
        losses.append(loss)
        w = w - eta * grad
    return w, losses


def wrong_loss_not_reset(X, y, eta, T):
    """Sets loss = 0 once, before the loop over steps, so each recorded loss adds up the earlier ones."""
    N = X.shape[0]
    w = np.zeros(3)
    losses = []
    loss = 0.0
    for t in range(T):
        grad = np.zeros(3)
        for i in range(N):
            loss += loss_i(w, X[i], y[i])
            grad += grad_loss_i(w, X[i], y[i])
        losses.append(loss)
        w = w - eta * grad
    return w, losses


def wrong_integer_start_in_place(X, y, eta, T):
    """The lab's integer start w = [0, 0, 0] with an in-place update, which numpy refuses."""
    labels = y.ravel()
    w = np.array([0, 0, 0])
    losses = []
    for _ in range(T):
        p = sigmoid(X @ w)
        losses.append(-np.sum(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
        w -= eta * X.T @ (p - labels)
    return w, losses


def wrong_loop_with_an_extra_factor_in_grad_loss_i(X, y, eta, T):
    """The lab's loop over the points with a grad_loss_i of its own that keeps the factor p(1 - p)."""

    def my_grad_loss_i(w, x_i, y_i):
        p = sigmoid(w @ x_i)
        return -(y_i - p) * p * (1 - p) * x_i

    w = np.zeros(3)
    losses = []
    for t in range(T):
        losses.append(sum(loss_i(w, X[i], y[i]) for i in range(len(X))))
        w = w - eta * sum(my_grad_loss_i(w, X[i], y[i]) for i in range(len(X)))
    return w, losses


def wrong_log10_in_the_losses(X, y, eta, T):
    """Right updates, but the losses taken with np.log10."""
    labels = y.ravel()
    w = np.zeros(3)
    losses = []
    for _ in range(T):
        p = sigmoid(X @ w)
        losses.append(-np.sum(labels * np.log10(p) + (1 - labels) * np.log10(1 - p)))
        w = w - eta * X.T @ (p - labels)
    return w, losses


EXPECTED_HINTS = {
    "wrong_gradient_ascent": "gradient ascent",
    "wrong_mean_gradient": "the gradient is averaged",
    "wrong_mean_loss": "the losses are averaged",
    "wrong_losses_after_update": "recorded after its update",
    "wrong_one_step_too_few": "one update too few",
    "wrong_one_step_too_many": "one update too many",
    "wrong_stochastic_updates": "every single sample",
    "wrong_random_start": "start from w = 0",
    "wrong_y_not_flattened": "Flatten y first",
    "wrong_loss_broadcast_to_n_by_n": "(N, N) array",
    "wrong_returns_starting_w": "still the starting w = 0",
    "wrong_hard_coded_eta": "use the argument eta",
    "wrong_gradient_not_reset": "gradient is never reset",
    "wrong_loss_not_reset": "loss is never reset",
    "wrong_loop_with_an_extra_factor_in_grad_loss_i": "in grad_loss_i, if gradient_descent calls it",
    "wrong_log10_in_the_losses": "natural logarithm",
    "wrong_integer_start_in_place": "np.zeros(3)",
}
EXPECTED_KEYS = {
    "wrong_gradient_ascent": "gradient_ascent",
    "wrong_mean_gradient": "mean_gradient",
    "wrong_mean_loss": "mean_loss",
    "wrong_losses_after_update": "losses_recorded_after_the_update",
    "wrong_one_step_too_few": "one_update_too_few",
    "wrong_one_step_too_many": "one_update_too_many",
    "wrong_stochastic_updates": ("stochastic_updates", "stochastic_updates_and_running_loss"),
    "wrong_random_start": "first_loss_not_at_w_zero",
    "wrong_y_not_flattened": "y_not_flattened",
    "wrong_loss_broadcast_to_n_by_n": "loss_broadcast_to_n_by_n",
    "wrong_returns_starting_w": "returns_the_starting_w",
    "wrong_hard_coded_eta": "step_size_fixed_at_the_labs",
    "wrong_gradient_not_reset": "gradient_never_reset",
    "wrong_loss_not_reset": "loss_never_reset",
    "wrong_integer_start_in_place": "integer_array_updated_in_place",
    "wrong_loop_with_an_extra_factor_in_grad_loss_i": "extra_factor_p_times_one_minus_p",
    "wrong_log10_in_the_losses": "log10_for_ln",
}
