"""``df_autograd(x)``: f'(x) from PyTorch's automatic differentiation; a float or 0-dim tensor."""

import numpy as np
import torch

# --- correct ----------------------------------------------------------------------------------


def correct_float64_item(x):
    """The notebook's template filled in: float64 tensor, backward, x.grad.item()."""
    x = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    c = x**2 + torch.exp(x**2)
    f = torch.sqrt(c) + torch.cos(c)
    f.backward()
    return x.grad.item()


def correct_float32_tensor(x):
    """A float32 tensor, returning the 0-dim gradient tensor itself."""
    t = torch.tensor(x, requires_grad=True)
    c = t**2 + torch.exp(t**2)
    (torch.sqrt(c) + torch.cos(c)).backward()
    return t.grad


def correct_autograd_grad(x):
    """torch.autograd.grad instead of backward()."""
    t = torch.tensor(float(x), dtype=torch.float64, requires_grad=True)
    a = t * t
    c = a + torch.exp(a)
    (grad,) = torch.autograd.grad(c.sqrt() + c.cos(), t)
    return float(grad)


def correct_requires_grad_in_place(x):
    """requires_grad_() on an existing tensor, the graph built step by step."""
    t = torch.as_tensor(x, dtype=torch.float64).requires_grad_()
    a = t**2
    b = torch.exp(a)
    c = a + b
    f = c ** 0.5 + torch.cos(c)
    f.backward()
    return t.grad.detach().numpy()


def correct_float32_item(x):
    """float32 throughout, returned as a Python float."""
    t = torch.tensor(x, dtype=torch.float32, requires_grad=True)
    u = t * t + torch.exp(t * t)
    f = torch.sqrt(u) + torch.cos(u)
    f.backward()
    return t.grad.item()


# --- wrong ------------------------------------------------------------------------------------


def wrong_exp_squared_for_exp_of_square(x):
    """torch.exp(t) ** 2 read for exp(t^2)."""
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    c = t**2 + torch.exp(t) ** 2
    (torch.sqrt(c) + torch.cos(c)).backward()
    return t.grad.item()


def wrong_returns_value_not_gradient(x):
    """Returns f instead of the gradient."""
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    c = t**2 + torch.exp(t**2)
    f = torch.sqrt(c) + torch.cos(c)
    f.backward()
    return f.item()


def wrong_sin_for_cos(x):
    """torch.sin where f has cos."""
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    c = t**2 + torch.exp(t**2)
    (torch.sqrt(c) + torch.sin(c)).backward()
    return t.grad.item()


def wrong_no_backward(x):
    """Reads x.grad without calling backward(): it is still None."""
    x = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    c = x**2 + torch.exp(x**2)
    f = torch.sqrt(c) + torch.cos(c)
    return x.grad.item()


def wrong_numpy_functions_on_a_tensor(x):
    """np.exp and np.sqrt on a tensor that requires grad, which numpy cannot take."""
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    c = t**2 + np.exp(t**2)
    f = np.sqrt(c) + np.cos(c)
    f.backward()
    return t.grad.item()


EXPECTED_HINTS = {
    "wrong_exp_squared_for_exp_of_square": "exp(2x)",
    "wrong_returns_value_not_gradient": "value of f(x)",
    "wrong_sin_for_cos": "sqrt(u) + sin(u)",
    "wrong_no_backward": "Call f.backward first",
    "wrong_numpy_functions_on_a_tensor": "torch functions",
}
EXPECTED_KEYS = {
    "wrong_exp_squared_for_exp_of_square": "exp_of_2x_for_exp_of_x_squared",
    "wrong_returns_value_not_gradient": "value_of_f_for_its_derivative",
    "wrong_sin_for_cos": "sine_for_cosine",
    "wrong_no_backward": "x_grad_is_none",
    "wrong_numpy_functions_on_a_tensor": "numpy_functions_on_a_tensor",
}
