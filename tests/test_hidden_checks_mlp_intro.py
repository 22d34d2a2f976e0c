"""Do mlp_intro's hidden checks pass every correct style and name the mistake in wrong ones?"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from autograder.hidden_checks import mlp_intro as checks
from reference import mlp_intro as ref
from reference import numbers as reference_numbers

NUMBERS = reference_numbers.load("mlp_intro")
ALL_CHECKS = [
    (checks.approximation_grid_and_relus, ref.approximate_function),
    (checks.approximation_matches_reference, ref.approximate_function),
    (checks.net_layers_named, ref.Net),
    (checks.net_forward_matches_reference, ref.Net),
    (checks.cross_entropy_matches_reference, ref.cross_entropy_loss),
    (checks.split_properties, ref.shuffle_and_split_data),
    (checks.split_matches_seeded_randperm, ref.shuffle_and_split_data),
]


@pytest.mark.parametrize("check, implementation", ALL_CHECKS, ids=lambda v: getattr(v, "__name__", ""))
def test_reference_passes_every_check(check, implementation):
    check(implementation, NUMBERS)


@pytest.mark.parametrize("check, implementation", ALL_CHECKS, ids=lambda v: getattr(v, "__name__", ""))
def test_an_unfinished_answer_fails_every_check(check, implementation):
    unfinished = (lambda *args: None) if implementation is not ref.Net else type(
        "Net", (nn.Module,), {"__init__": lambda self, *a: nn.Module.__init__(self)})
    with pytest.raises(AssertionError):
        check(unfinished, NUMBERS)


def _fails_with(check, implementation, words):
    with pytest.raises(AssertionError, match=words) as failure:
        check(implementation, NUMBERS)
    return str(failure.value)


def test_float32_tutorial_loop_passes():
    def approximate(x_train, y_train):
        n = x_train.shape[0] - 1
        x = torch.linspace(torch.min(x_train), torch.max(x_train), 1000)
        relu_acts = torch.zeros((n, 1000))
        weights = torch.zeros(n)
        previous = 0
        for i in range(n):
            relu_acts[i, :] = torch.relu(x - x_train[i])
            slope = (y_train[i + 1] - y_train[i]) / (x_train[i + 1] - x_train[i])
            weights[i] = slope - previous
            previous = slope
        return weights @ relu_acts, relu_acts, x

    checks.approximation_grid_and_relus(approximate, NUMBERS)
    checks.approximation_matches_reference(approximate, NUMBERS)


def test_slopes_as_weights_are_named():
    def approximate(x_train, y_train):
        y_hat, relu_acts, x = ref.approximate_function(x_train, y_train)
        xs, ys = x_train.reshape(-1).double(), y_train.reshape(-1).double()
        return (torch.diff(ys) / torch.diff(xs)) @ relu_acts, relu_acts, x

    _fails_with(checks.approximation_matches_reference, approximate, "slopes themselves")


def test_relus_shifted_the_wrong_way_are_named():
    def approximate(x_train, y_train):
        y_hat, _, x = ref.approximate_function(x_train, y_train)
        return y_hat, torch.relu(x[None, :] + x_train.reshape(-1)[:-1, None].double()), x

    _fails_with(checks.approximation_grid_and_relus, approximate, "shifted the wrong way")


def test_one_relu_too_many_is_named():
    def approximate(x_train, y_train):
        y_hat, _, x = ref.approximate_function(x_train, y_train)
        return y_hat, torch.relu(x[None, :] - x_train.reshape(-1)[:, None].double()), x

    _fails_with(checks.approximation_grid_and_relus, approximate, "one fewer")


def test_summed_loss_is_named_without_revealing_the_value():
    def summed(x, labels):
        return (torch.logsumexp(x, 1) - x[torch.arange(len(labels)), labels]).sum()

    message = _fails_with(checks.cross_entropy_matches_reference, summed, "sum over the batch, not the mean")
    for case in NUMBERS["cases"]["cross_entropy_loss"]:
        assert f"{case['loss']:.3f}" not in message and f"{case['loss']:.2f}" not in message


def test_loss_over_the_wrong_dimension_is_named():
    def by_column(x, labels):
        return (torch.logsumexp(x, 0)[labels] - x[torch.arange(len(labels)), labels]).mean()

    _fails_with(checks.cross_entropy_matches_reference, by_column, "dim 0")


def test_library_cross_entropy_and_plain_float_are_accepted():
    checks.cross_entropy_matches_reference(lambda x, l: float(nn.functional.cross_entropy(x, l)), NUMBERS)


def test_net_without_flattening_is_named():
    class Unflattened(ref.Net):
        def forward(self, x):
            return self.mlp(x)

    _fails_with(checks.net_forward_matches_reference, Unflattened, "flatten")


def test_net_with_misnamed_layers_is_named():
    class Misnamed(nn.Module):
        def __init__(self, actv, n_in, hidden, n_out):
            super().__init__()
            self.body = nn.Sequential(*[nn.Linear(a, b) for a, b in zip([n_in, *hidden], [*hidden, n_out])])

    _fails_with(checks.net_layers_named, Misnamed, "no nn.Linear named Linear_0")


def test_split_with_a_torch_generator_is_correct():
    def split(X, y, seed):
        order = torch.randperm(X.shape[0], generator=torch.Generator().manual_seed(seed))
        n = X.shape[0] // 5
        return X[order[:n]], y[order[:n]], X[order[n:]], y[order[n:]]

    checks.split_properties(split, NUMBERS)
    checks.split_matches_seeded_randperm(split, NUMBERS)


def test_split_with_another_shuffle_keeps_only_the_property_points():
    def split(X, y, seed):
        order = torch.argsort(torch.rand(X.shape[0], generator=torch.Generator().manual_seed(seed + 1)))
        n = int(0.2 * X.shape[0])
        return X[order[:n]], y[order[:n]], X[order[n:]], y[order[n:]]

    checks.split_properties(split, NUMBERS)
    _fails_with(checks.split_matches_seeded_randperm, split, "torch.randperm")


def test_misaligned_shuffle_is_named():
    def split(X, y, seed):
        torch.manual_seed(seed)
        X = X[torch.randperm(X.shape[0])]
        y = y[torch.randperm(y.shape[0])]
        n = int(0.2 * X.shape[0])
        return X[:n], y[:n], X[n:], y[n:]

    _fails_with(checks.split_properties, split, "same permutation")


def test_split_in_place_is_named():
    def split(X, y, seed):
        torch.manual_seed(seed)
        order = torch.randperm(X.shape[0])
        X[:] = X[order]
        y[:] = y[order]
        n = int(0.2 * X.shape[0])
        return X[:n], y[:n], X[n:], y[n:]

    _fails_with(checks.split_properties, split, "in place")
