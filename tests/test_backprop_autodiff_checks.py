"""Do backprop_autodiff's checks accept the reference and reject an unfinished answer, and do the
reference numbers reproduce the notes and stay within the contract's ranges?

How the checks treat the many ways students write each piece, right and wrong, is tested on the
corpus in tests/corpus/backprop_autodiff/ through the shipped tests (tests/test_corpus.py).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder.checks import backprop_autodiff
from conftest import ThroughTheJudge
from conftest import as_student as conftest_as_student
from reference import backprop_autodiff as ref
from reference import numbers as reference_numbers

checks = ThroughTheJudge(backprop_autodiff)
NUMBERS = reference_numbers.load("backprop_autodiff")
CASES, EXAMPLES = NUMBERS["cases"], NUMBERS["examples"]
AUTODIFF = (ref.Var, ref.Plus, ref.Mul, ref.Sin, ref.Logistic, ref.MatMul)

FUNCTION_CHECKS = [
    (checks.lif_rate_at_or_below_threshold, ref.lif_firing_rate),
    (checks.lif_rate_above_threshold, ref.lif_firing_rate),
    (checks.softmax_matches_reference, ref.softmax),
    (checks.one_hot_matches_reference, ref.one_hot),
    (checks.mse_matches_reference, ref.mse_loss),
    (checks.binary_cross_entropy_matches_reference, ref.binary_cross_entropy),
    (checks.categorical_cross_entropy_matches_reference, ref.categorical_cross_entropy),
    (checks.difference_shape_and_restore, ref.finite_difference_gradient),
    (checks.difference_matches_reference, ref.finite_difference_gradient),
    (checks.backprop_output_layer, ref.backprop),
    (checks.backprop_hidden_layer, ref.backprop),
    (checks.weight_decay_matches_reference, ref.weight_decay_step),
]
AUTODIFF_CHECKS = [checks.autodiff_values, checks.autodiff_gradients, checks.autodiff_accumulates,
                   checks.autodiff_gradient_descent]


def _name(value):
    return getattr(value, "__name__", "")


# --- the reference passes, an unfinished answer fails ------------------------------------------


@pytest.mark.parametrize("example", [False, True], ids=["hidden", "examples"])
@pytest.mark.parametrize("check, implementation", FUNCTION_CHECKS, ids=_name)
def test_the_reference_passes_every_check_through_the_judge(check, implementation, example):
    check(implementation, numbers=None if example else NUMBERS, example=example)


@pytest.mark.parametrize("example", [False, True], ids=["hidden", "examples"])
@pytest.mark.parametrize("check", AUTODIFF_CHECKS, ids=_name)
def test_the_reference_autodiff_passes_every_check_through_the_judge(check, example):
    check(*AUTODIFF, numbers=None if example else NUMBERS, example=example)


@pytest.mark.parametrize("check, implementation", FUNCTION_CHECKS, ids=_name)
def test_an_unfinished_function_fails_every_check(check, implementation):
    with pytest.raises(AssertionError):
        check(lambda *args: None, numbers=NUMBERS)


class UnfinishedVar:
    """What the released template's classes amount to before any answer: nothing computed."""

    def __init__(self, val):
        self.val, self.grad, self.creator = val, None, None

    def evaluate(self):
        return None

    def zero_grad(self):
        pass

    def backward(self, s):
        pass


class UnfinishedOp:
    def __call__(self, *args):
        self.args = args
        return UnfinishedVar(None)


@pytest.mark.parametrize("check", AUTODIFF_CHECKS, ids=_name)
def test_unfinished_autodiff_classes_fail_every_check(check):
    with pytest.raises(AssertionError):
        check(UnfinishedVar, *[UnfinishedOp] * 5, numbers=NUMBERS)


@pytest.mark.parametrize("check", AUTODIFF_CHECKS, ids=_name)
def test_autodiff_classes_that_return_plain_values_fail_with_feedback(check):
    """An operation that returns an array instead of a Var is told so, through the judge too."""
    class ArrayOp:
        def __call__(self, *args):
            return np.zeros(2)

    with pytest.raises(AssertionError, match="should return a new Var"):
        check(ref.Var, *[ArrayOp] * 5, numbers=NUMBERS)


def test_a_missing_class_is_named():
    with pytest.raises(AssertionError, match="`MatMul` is not defined"):
        checks.autodiff_values(*AUTODIFF[:-1], None, numbers=NUMBERS)


# --- the stored numbers: the notes' own, and the contract's ranges --------------------------------


def test_the_softmax_example_is_the_notes_example_with_exact_values():
    example = EXAMPLES["softmax"][0]
    assert example["z"] == [0.6, 3.4, -1.2, 0.05]
    assert np.allclose(example["y"], [0.0550, 0.9042, 0.00909, 0.0317], atol=5e-5)
    # the notes print [0.06, 0.9, 0.009, 0.031]: each within a unit of its last printed digit
    assert np.all(np.abs(np.subtract(example["y"], [0.06, 0.9, 0.009, 0.031])) < [0.01, 0.1, 0.001, 0.001])
    assert np.isclose(sum(example["y"]), 1.0)
    notes_rounding = [key for key, value in example["mistakes"]["y"] if value == [0.06, 0.9, 0.009, 0.031]]
    assert notes_rounding == ["result_rounded"], "copying the notes' rounded values is named"


def test_the_one_hot_example_is_the_notes_example():
    example = EXAMPLES["one_hot"][0]
    assert example["z"] == [0.6, 3.4, -1.2, 0.05] and example["y"] == [0.0, 1.0, 0.0, 0.0]


def test_the_lif_rate_is_one_over_the_interval_between_spikes():
    """G is one over (tau_ref plus the time v(t) = v_in (1 - exp(-t / tau_m)) takes to reach 1)."""
    v_in = 3.0
    time_to_threshold = -0.02 * np.log(1 - 1 / v_in)
    assert np.isclose(v_in * (1 - np.exp(-time_to_threshold / 0.02)), 1.0)
    assert ref.lif_firing_rate(v_in) == pytest.approx(1 / (0.002 + time_to_threshold))
    assert ref.lif_firing_rate(1.0) == 0.0 and ref.lif_firing_rate(-1.0) == 0.0
    assert ref.lif_firing_rate(1e9) == pytest.approx(1 / 0.002, rel=1e-6), "it saturates at 1/tau_ref"


def test_the_notes_autodiff_example_gives_cos_x_plus_y():
    """f = sin(x) + x*y: x.grad = cos(x) + y and y.grad = x (L807-815, L886-918)."""
    example = EXAMPLES["autodiff"][0]
    grads = dict(example["grads"])
    assert np.allclose(grads["x"], np.cos(0.5) + 2.0) and np.allclose(grads["y"], 0.5)
    assert np.allclose(dict(example["grads_twice"])["x"], 2 * (np.cos(0.5) + 2.0))


def _autograd_gradients(case: dict) -> dict:
    operations = {"Plus": torch.add, "Mul": torch.mul, "Sin": torch.sin, "Logistic": torch.sigmoid,
                  "MatMul": torch.matmul}
    nodes = {name: torch.tensor(value, dtype=torch.float64, requires_grad=True)
             for name, value in case["leaves"]}
    for name, operation, args in case["nodes"]:
        nodes[name] = operations[operation](*[nodes[arg] for arg in args])
        nodes[name].retain_grad()
    nodes[case["top"]].backward(torch.tensor(case["s"], dtype=torch.float64))
    return {name: node.grad.numpy() for name, node in nodes.items()}


@pytest.mark.parametrize("case", CASES["autodiff"] + EXAMPLES["autodiff"], ids=lambda c: c["label"])
def test_the_reference_autodiff_agrees_with_pytorch_autograd(case):
    expected = _autograd_gradients(case)
    for name, grad in case["grads"]:
        assert np.allclose(grad, expected[name], rtol=1e-12, atol=1e-12), name


@pytest.mark.parametrize("case", CASES["backprop"] + EXAMPLES["backprop"], ids=lambda c: c["label"])
def test_autograd_gradients_are_the_notes_backpropagation_formulas(case):
    X, T, W, a, M, b = (np.asarray(case[name]) for name in "XTWaMb")
    right = lambda z, out: out * (1 - out)  # noqa: E731
    by_hand = ref._by_hand(X, T, W, a, M, b, hidden_derivative=right, output_derivative=right,
                           scale=1 / len(X))
    for name, value in zip(ref.GRADIENT_NAMES, by_hand):
        assert np.allclose(case[name], value, rtol=1e-12, atol=1e-14), name


def test_every_stored_mistake_is_in_the_checks_vocabulary():
    keys = set()
    for section in (CASES, EXAMPLES):
        for cases in section.values():
            for case in cases:
                for found in case.get("mistakes", {}).values():
                    keys |= {key for key, _ in found}
    assert keys and keys <= set(backprop_autodiff.MISTAKES), keys - set(backprop_autodiff.MISTAKES)


def test_hidden_inputs_stay_within_the_contract():
    lif = CASES["lif_firing_rate"]
    inputs = np.concatenate([np.ravel(c["v_in"]) for c in lif])
    assert inputs.min() >= -5 and inputs.max() <= 50
    assert {-1.0, 0.0, 0.5, 1.0} <= set(inputs.tolist())
    assert inputs[inputs > 1].min() >= 1.001
    assert all(0.001 <= c["tau_ref"] <= 0.005 and 0.01 <= c["tau_m"] <= 0.05 for c in lif)
    assert sum((c["tau_ref"], c["tau_m"]) != (0.002, 0.02) for c in lif) > len(lif) / 2
    assert max(np.abs(c["z"]).max() for c in CASES["softmax"]) <= 50
    assert any(np.shape(c["z"])[0] == 1 and np.ndim(c["z"]) == 2 for c in CASES["softmax"])
    for case in CASES["mse_loss"]:
        assert np.ndim(case["y"]) == 2 and np.abs(case["y"]).max() <= 10
    for case in CASES["binary_cross_entropy"]:
        assert 1e-4 <= np.min(case["y"]) and np.max(case["y"]) <= 1 - 1e-4
    for case in CASES["categorical_cross_entropy"]:
        assert np.shape(case["y"])[1] >= 3 and np.allclose(np.sum(case["y"], axis=1), 1.0)
    for case in CASES["finite_difference_gradient"]:
        assert 1e-4 <= case["delta"] <= 0.1
    sizes = [(len(c["X"]), *np.shape(c["W"]), np.shape(c["M"])[1]) for c in CASES["backprop"]]
    assert all(1 <= n <= 20 and all(1 <= k <= 6 for k in rest) for n, *rest in sizes)
    assert any(n == 1 for n, *_ in sizes)
    for case in CASES["weight_decay_step"]:
        assert 0 < case["kappa"] <= 1 and 0 <= case["lam"] <= 1
    assert any(c["lam"] == 0 for c in CASES["weight_decay_step"])


def test_with_lam_zero_weight_decay_is_plain_gradient_descent():
    theta, grad = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    assert np.array_equal(ref.weight_decay_step(theta, grad, 0.1, 0.0), theta - 0.1 * grad)


def test_difference_inputs_make_every_correct_restore_exact():
    """w is a multiple of 1/64 and delta a power of two, so w + delta - 2 delta + delta == w."""
    for case in CASES["finite_difference_gradient"] + EXAMPLES["finite_difference_gradient"]:
        w, delta = np.asarray(case["w"]), case["delta"]
        assert np.array_equal(((w + delta) - 2 * delta) + delta, w)
        assert np.array_equal(w * 64, np.round(w * 64)) and np.log2(delta) == round(np.log2(delta))


@pytest.mark.parametrize("through_the_judge", [True, False], ids=["judge", "notebook"])
def test_w_may_come_back_within_the_contracts_restore_tolerance_and_no_further(through_the_judge):
    """The contract allows 1e-12 * (max|w| + delta): a restore by arithmetic on inputs that are
    not exact in binary passes; an entry left off by more fails as left perturbed."""
    case = {**CASES["finite_difference_gradient"][0], "w": [1.304, 0.947, -0.704, 0.1], "delta": 0.001}

    def restored_by_arithmetic(f, w, delta):
        gradient = np.zeros_like(w)
        for i in range(w.size):
            w[i] += delta
            plus = f(w)
            w[i] -= 2 * delta
            minus = f(w)
            w[i] += delta
            gradient[i] = (plus - minus) / (2 * delta)
        return gradient

    def left_off_by_1e_10(f, w, delta):
        gradient = restored_by_arithmetic(f, w, delta)
        w[0] += 1e-10
        return gradient

    w = np.array(case["w"])
    assert not np.array_equal(((w + 0.001) - 2 * 0.001) + 0.001, w)  # the restore is not exact here
    call = (lambda function: backprop_autodiff._difference(
        conftest_as_student(function, "finite_difference_gradient"), case)) if through_the_judge else (
        lambda function: backprop_autodiff._difference(function, case))
    assert call(restored_by_arithmetic).shape == (4,)
    with pytest.raises(AssertionError, match="does not hold its original values"):
        call(left_off_by_1e_10)
