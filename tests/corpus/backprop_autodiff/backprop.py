"""Student-style ``backprop(X, T, W, a, M, b) -> (dE_dW, dE_da, dE_dM, dE_db)``.

The contract: one forward and backward pass of ``y = sigma(sigma(X W + a) M + b)`` with
``E = (1/N) sum_i 1/2 ||y_i - T_i||^2``; ``dE/dbeta = (y - T) y (1 - y) / N``, ``sigma'(alpha)`` at
``alpha``; weight gradients in their parameters' shapes, bias gradients ``(H,)`` or ``(1, H)``; a
tuple or a list; no argument changed. Variants may use the notebook's ``logistic``.
"""

import math

import numpy as np
import torch

# --- correct -------------------------------------------------------------------------------


def correct_notes_formulas(X, T, W, a, M, b):
    """The notebook's template."""
    N = X.shape[0]
    alpha = X @ W + a
    h = logistic(alpha)
    beta = h @ M + b
    y = logistic(beta)
    dE_dbeta = (y - T) * y * (1 - y) / N
    dE_dalpha = h * (1 - h) * (dE_dbeta @ M.T)
    return X.T @ dE_dalpha, np.sum(dE_dalpha, axis=0), h.T @ dE_dbeta, np.sum(dE_dbeta, axis=0)


def correct_autograd_float64(X, T, W, a, M, b):
    params = [torch.tensor(p, requires_grad=True) for p in (W, a, M, b)]
    y = torch.sigmoid(torch.sigmoid(torch.tensor(X) @ params[0] + params[1]) @ params[2] + params[3])
    loss = 0.5 * ((y - torch.tensor(T)) ** 2).sum(dim=1).mean()
    loss.backward()
    return tuple(p.grad for p in params)


def correct_autograd_float32(X, T, W, a, M, b):
    params = [torch.tensor(p, dtype=torch.float32, requires_grad=True) for p in (W, a, M, b)]
    x32, t32 = torch.tensor(X, dtype=torch.float32), torch.tensor(T, dtype=torch.float32)
    y = torch.sigmoid(torch.sigmoid(x32 @ params[0] + params[1]) @ params[2] + params[3])
    loss = 0.5 * ((y - t32) ** 2).sum() / len(X)
    loss.backward()
    return [p.grad.numpy() for p in params]


def correct_keepdims_biases(X, T, W, a, M, b):
    h = 1 / (1 + np.exp(-(X @ W + a)))
    y = 1 / (1 + np.exp(-(h @ M + b)))
    d_out = (y - T) * y * (1 - y) / len(X)
    d_hidden = (d_out @ M.T) * h * (1 - h)
    return X.T @ d_hidden, d_hidden.sum(axis=0, keepdims=True), h.T @ d_out, d_out.sum(axis=0, keepdims=True)


def correct_sample_by_sample_outer_products(X, T, W, a, M, b):
    """The notes' single-sample derivation, summed over samples as outer products."""
    grads = [np.zeros(W.shape), np.zeros(a.shape), np.zeros(M.shape), np.zeros(b.shape)]
    for x, t in zip(X, T):
        h = logistic(x @ W + a)
        y = logistic(h @ M + b)
        d_beta = (y - t) * y * (1 - y) / len(X)
        d_alpha = h * (1 - h) * (M @ d_beta)
        for g, update in zip(grads, (np.outer(x, d_alpha), d_alpha, np.outer(h, d_beta), d_beta)):
            g += update
    return tuple(grads)


def correct_scipy_expit(X, T, W, a, M, b):
    """scipy's expit for the logistic function, the column sums kept as (1, n) rows."""
    from scipy.special import expit

    h = expit(X @ W + a)
    y = expit(h @ M + b)
    d_out = (y - T) * y * (1 - y) / X.shape[0]
    d_hidden = (d_out @ M.T) * h * (1 - h)
    return [X.T @ d_hidden, d_hidden.sum(axis=0, keepdims=True), h.T @ d_out, d_out.sum(axis=0, keepdims=True)]


# --- wrong ---------------------------------------------------------------------------------


def wrong_derivative_at_h(X, T, W, a, M, b):
    h = logistic(X @ W + a)
    y = logistic(h @ M + b)
    dE_dbeta = (y - T) * y * (1 - y) / len(X)
    dE_dalpha = logistic(h) * (1 - logistic(h)) * (dE_dbeta @ M.T)
    return X.T @ dE_dalpha, dE_dalpha.sum(axis=0), h.T @ dE_dbeta, dE_dbeta.sum(axis=0)


def wrong_hidden_derivative_missing(X, T, W, a, M, b):
    """The most common one: dE/dbeta @ M.T taken for dE/dalpha, without h (1 - h)."""
    h = logistic(X @ W + a)
    y = logistic(h @ M + b)
    dE_dbeta = (y - T) * y * (1 - y) / len(X)
    dE_dalpha = dE_dbeta @ M.T
    return X.T @ dE_dalpha, dE_dalpha.sum(axis=0), h.T @ dE_dbeta, dE_dbeta.sum(axis=0)


def wrong_hidden_bias_from_the_first_sample(X, T, W, a, M, b):
    """dE/da read off the first row of dE/dalpha; the output layer is right."""
    h = logistic(X @ W + a)
    y = logistic(h @ M + b)
    dE_dbeta = (y - T) * y * (1 - y) / len(X)
    dE_dalpha = h * (1 - h) * (dE_dbeta @ M.T)
    return X.T @ dE_dalpha, dE_dalpha[0], h.T @ dE_dbeta, dE_dbeta.sum(axis=0)


def wrong_hidden_bias_averaged_twice(X, T, W, a, M, b):
    """dE/da as the mean of dE/dalpha's rows, which already hold the 1/N: averaged twice."""
    h = logistic(X @ W + a)
    y = logistic(h @ M + b)
    dE_dbeta = (y - T) * y * (1 - y) / len(X)
    dE_dalpha = h * (1 - h) * (dE_dbeta @ M.T)
    return X.T @ dE_dalpha, dE_dalpha.mean(axis=0), h.T @ dE_dbeta, dE_dbeta.sum(axis=0)


def wrong_both_biases_from_the_first_sample(X, T, W, a, M, b):
    h = logistic(X @ W + a)
    y = logistic(h @ M + b)
    dE_dbeta = (y - T) * y * (1 - y) / len(X)
    dE_dalpha = h * (1 - h) * (dE_dbeta @ M.T)
    return X.T @ dE_dalpha, dE_dalpha[0], h.T @ dE_dbeta, dE_dbeta[0]


def wrong_output_derivative_missing(X, T, W, a, M, b):
    h = logistic(X @ W + a)
    y = logistic(h @ M + b)
    dE_dbeta = (y - T) / len(X)
    dE_dalpha = h * (1 - h) * (dE_dbeta @ M.T)
    return X.T @ dE_dalpha, dE_dalpha.sum(axis=0), h.T @ dE_dbeta, dE_dbeta.sum(axis=0)


def wrong_no_mean(X, T, W, a, M, b):
    h = logistic(X @ W + a)
    y = logistic(h @ M + b)
    dE_dbeta = (y - T) * y * (1 - y)
    dE_dalpha = h * (1 - h) * (dE_dbeta @ M.T)
    return X.T @ dE_dalpha, dE_dalpha.sum(axis=0), h.T @ dE_dbeta, dE_dbeta.sum(axis=0)


def wrong_without_the_half(X, T, W, a, M, b):
    h = logistic(X @ W + a)
    y = logistic(h @ M + b)
    dE_dbeta = 2 * (y - T) * y * (1 - y) / len(X)
    dE_dalpha = h * (1 - h) * (dE_dbeta @ M.T)
    return X.T @ dE_dalpha, dE_dalpha.sum(axis=0), h.T @ dE_dbeta, dE_dbeta.sum(axis=0)


def wrong_mean_over_outputs_too(X, T, W, a, M, b):
    h = logistic(X @ W + a)
    y = logistic(h @ M + b)
    dE_dbeta = (y - T) * y * (1 - y) / T.size
    dE_dalpha = h * (1 - h) * (dE_dbeta @ M.T)
    return X.T @ dE_dalpha, dE_dalpha.sum(axis=0), h.T @ dE_dbeta, dE_dbeta.sum(axis=0)


def wrong_sign(X, T, W, a, M, b):
    h = logistic(X @ W + a)
    y = logistic(h @ M + b)
    dE_dbeta = (T - y) * y * (1 - y) / len(X)
    dE_dalpha = h * (1 - h) * (dE_dbeta @ M.T)
    return X.T @ dE_dalpha, dE_dalpha.sum(axis=0), h.T @ dE_dbeta, dE_dbeta.sum(axis=0)


def wrong_weight_gradients_transposed(X, T, W, a, M, b):
    h = logistic(X @ W + a)
    y = logistic(h @ M + b)
    dE_dbeta = (y - T) * y * (1 - y) / len(X)
    dE_dalpha = h * (1 - h) * (dE_dbeta @ M.T)
    return dE_dalpha.T @ X, dE_dalpha.sum(axis=0), dE_dbeta.T @ h, dE_dbeta.sum(axis=0)


def wrong_bias_gradients_not_summed(X, T, W, a, M, b):
    h = logistic(X @ W + a)
    y = logistic(h @ M + b)
    dE_dbeta = (y - T) * y * (1 - y) / len(X)
    dE_dalpha = h * (1 - h) * (dE_dbeta @ M.T)
    return X.T @ dE_dalpha, dE_dalpha, h.T @ dE_dbeta, dE_dbeta


def wrong_sigma_prime_of_the_current(X, T, W, a, M, b):
    """sigma'(z) written as z (1 - z) on the currents alpha and beta."""
    alpha = X @ W + a
    h = logistic(alpha)
    beta = h @ M + b
    y = logistic(beta)
    dE_dbeta = (y - T) * beta * (1 - beta) / len(X)
    dE_dalpha = alpha * (1 - alpha) * (dE_dbeta @ M.T)
    return X.T @ dE_dalpha, dE_dalpha.sum(axis=0), h.T @ dE_dbeta, dE_dbeta.sum(axis=0)


def wrong_takes_a_gradient_step(X, T, W, a, M, b):
    """Also updates the weights it was given, in place."""
    h = logistic(X @ W + a)
    y = logistic(h @ M + b)
    dE_dbeta = (y - T) * y * (1 - y) / len(X)
    dE_dalpha = h * (1 - h) * (dE_dbeta @ M.T)
    grads = X.T @ dE_dalpha, dE_dalpha.sum(axis=0), h.T @ dE_dbeta, dE_dbeta.sum(axis=0)
    for parameter, gradient in zip((W, a, M, b), grads):
        parameter -= 0.1 * gradient
    return grads


EXPECTED_HINTS = {
    "wrong_hidden_derivative_missing": "misses the hidden layer's logistic derivative",
    "wrong_hidden_bias_from_the_first_sample": "taken from the first sample only",
    "wrong_hidden_bias_averaged_twice": "divided by N once more",
    "wrong_both_biases_from_the_first_sample": "taken from the first sample only",
    "wrong_derivative_at_h": "evaluated at h",
    "wrong_output_derivative_missing": "misses the logistic's derivative",
    "wrong_no_mean": "1/N of the mean",
    "wrong_without_the_half": "1/2 of L = 1/2 ||y - t||^2 is missing",
    "wrong_mean_over_outputs_too": "number of outputs",
    "wrong_sign": "sign is flipped",
    "wrong_weight_gradients_transposed": "a weight gradient is transposed",
    "wrong_bias_gradients_not_summed": "one row per sample",
    "wrong_sigma_prime_of_the_current": "from the input current",
    "wrong_takes_a_gradient_step": "changed its input W in place",
}
EXPECTED_KEYS = {
    "wrong_hidden_derivative_missing": "hidden_derivative_missing",
    "wrong_hidden_bias_from_the_first_sample": "bias_gradient_from_the_first_sample",
    "wrong_hidden_bias_averaged_twice": "bias_gradient_averaged_again",
    "wrong_both_biases_from_the_first_sample": "bias_gradient_from_the_first_sample",
    "wrong_derivative_at_h": "derivative_taken_at_h",
    "wrong_output_derivative_missing": "output_derivative_missing",
    "wrong_no_mean": "mean_missing",
    "wrong_without_the_half": "half_missing",
    "wrong_mean_over_outputs_too": "mean_over_outputs_too",
    "wrong_sign": "sign_flipped",
    "wrong_weight_gradients_transposed": "weight_gradient_transposed",
    "wrong_bias_gradients_not_summed": "bias_gradient_not_summed",
    "wrong_sigma_prime_of_the_current": "derivative_of_the_current_as_if_it_were_the_output",
    "wrong_takes_a_gradient_step": "argument_changed_in_place",
}
