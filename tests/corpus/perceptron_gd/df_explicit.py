"""``df_explicit(x)``: f'(x) by hand for f(x) = sqrt(x^2 + exp(x^2)) + cos(x^2 + exp(x^2))."""

import numpy as np
import torch

# --- correct ----------------------------------------------------------------------------------


def correct_formula(x):
    """u'(x) (1 / (2 sqrt(u)) - sin(u)) with u = x^2 + exp(x^2)."""
    u = x**2 + np.exp(x**2)
    du = 2 * x + 2 * x * np.exp(x**2)
    return du * (1 / (2 * np.sqrt(u)) - np.sin(u))


def correct_backward_through_the_graph(x):
    """The graph a = x^2, b = e^a, c = a + b, d = sqrt(c), e = cos(c), walked backwards."""
    a = x**2
    b = np.exp(a)
    c = a + b
    d_bar, e_bar = 1.0, 1.0
    c_bar = d_bar / (2 * np.sqrt(c)) - e_bar * np.sin(c)
    b_bar = c_bar
    a_bar = c_bar + b_bar * b
    return a_bar * 2 * x


def correct_math_module_expanded(x):
    """With the math module, the product multiplied out into two terms."""
    import math

    u = x * x + math.exp(x * x)
    du = 2 * x * (1 + math.exp(x * x))
    return du / (2 * math.sqrt(u)) - du * math.sin(u)


def correct_autograd_shortcut(x):
    """Value-correct through a library shortcut: PyTorch's derivative instead of a formula."""
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    u = t**2 + torch.exp(t**2)
    (torch.sqrt(u) + torch.cos(u)).backward()
    return t.grad.item()


def correct_float32(x):
    """The formula evaluated in float32."""
    x = np.float32(x)
    u = x * x + np.exp(x * x)
    return 2 * x * (1 + np.exp(x * x)) * (np.float32(0.5) / np.sqrt(u) - np.sin(u))


# --- wrong ------------------------------------------------------------------------------------


def wrong_missing_chain_factor_2x(x):
    """d/dx exp(x^2) taken as exp(x^2)."""
    c = x**2 + np.exp(x**2)
    return (2 * x + np.exp(x**2)) * (1 / (2 * np.sqrt(c)) - np.sin(c))


def wrong_plus_sine(x):
    """d/dc cos(c) taken as +sin(c)."""
    c = x**2 + np.exp(x**2)
    return 2 * x * (1 + np.exp(x**2)) * (1 / (2 * np.sqrt(c)) + np.sin(c))


def wrong_missing_half(x):
    """d/dc sqrt(c) taken as 1 / sqrt(c)."""
    c = x**2 + np.exp(x**2)
    return 2 * x * (1 + np.exp(x**2)) * (1 / np.sqrt(c) - np.sin(c))


def wrong_derivative_with_respect_to_u(x):
    """Stops at df/du, never multiplying by du/dx."""
    u = x**2 + np.exp(x**2)
    return 1 / (2 * np.sqrt(u)) - np.sin(u)


def wrong_cosine_term_without_inner_derivative(x):
    """The chain rule applied to the square root only."""
    u = x**2 + np.exp(x**2)
    du = 2 * x * (1 + np.exp(x**2))
    return du / (2 * np.sqrt(u)) - np.sin(u)


def wrong_returns_f(x):
    """f(x) itself."""
    u = x**2 + np.exp(x**2)
    return np.sqrt(u) + np.cos(u)


def wrong_only_square_root_term(x):
    """The derivative of sqrt(u) alone; the cosine term forgotten."""
    u = x**2 + np.exp(x**2)
    return 2 * x * (1 + np.exp(x**2)) / (2 * np.sqrt(u))


EXPECTED_HINTS = {
    "wrong_missing_chain_factor_2x": "factor 2x is missing",
    "wrong_plus_sine": "derivative of cos is -sin",
    "wrong_missing_half": "factor 1/2 is missing",
    "wrong_derivative_with_respect_to_u": "with respect to u",
    "wrong_cosine_term_without_inner_derivative": "lacks the inner derivative",
    "wrong_returns_f": "value of f(x)",
    "wrong_only_square_root_term": "cos(u) term",
}
EXPECTED_KEYS = {
    "wrong_missing_chain_factor_2x": "chain_factor_2x_missing",
    "wrong_plus_sine": "cosine_derivative_has_the_wrong_sign",
    "wrong_missing_half": "square_root_factor_half_missing",
    "wrong_derivative_with_respect_to_u": "derivative_with_respect_to_u",
    "wrong_cosine_term_without_inner_derivative": "cosine_term_without_inner_derivative",
    "wrong_returns_f": "value_of_f_for_its_derivative",
    "wrong_only_square_root_term": "only_the_square_root_differentiated",
}
