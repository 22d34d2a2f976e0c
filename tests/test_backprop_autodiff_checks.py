"""Do backprop_autodiff's checks accept the reference and every answer the contract calls correct,
on any draw of the hidden cases, and refuse a constant; do the drawn cases keep to the contract and
tell each known mistake apart the same way whatever the draw?

How the checks treat the many ways students write each piece, right and wrong, is tested on the
corpus in tests/corpus/backprop_autodiff/ through the shipped tests (tests/test_corpus.py); the
rules every assignment meets (labels in words, mistakes with words, hidden-only mistakes said why)
are in tests/test_hidden_cases.py.
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
SEEDS = range(1, 7)

FUNCTION_CHECKS = [
    (checks.lif_rate_at_or_below_threshold, ref.lif_firing_rate),
    (checks.lif_rate_above_threshold, ref.lif_firing_rate),
    (checks.softmax_matches_reference, ref.softmax),
    (checks.one_hot_matches_reference, ref.one_hot),
    (checks.mse_matches_reference, ref.mse_loss),
    (checks.binary_cross_entropy_matches_reference, ref.binary_cross_entropy),
    (checks.categorical_cross_entropy_matches_reference, ref.categorical_cross_entropy),
    (checks.difference_on_weight_matrices, ref.finite_difference_gradient),
    (checks.difference_on_weight_vectors, ref.finite_difference_gradient),
    (checks.backprop_output_layer, ref.backprop),
    (checks.backprop_hidden_layer, ref.backprop),
    (checks.weight_decay_matches_reference, ref.weight_decay_step),
]
AUTODIFF_CHECKS = [checks.autodiff_values, checks.autodiff_gradients, checks.autodiff_accumulates,
                   checks.autodiff_gradient_descent]


def _name(value):
    return getattr(value, "__name__", "")


@pytest.fixture(scope="module")
def draws():
    """The hidden cases of a few gradings, as ``numbers`` the checks take."""
    return {seed: {"cases": reference_numbers.draw("backprop_autodiff", seed), "examples": EXAMPLES}
            for seed in SEEDS}


def _every_draw(draws):
    return [NUMBERS, *draws.values()]


# --- the reference passes, an unfinished answer fails ------------------------------------------


@pytest.mark.parametrize("example", [False, True], ids=["hidden", "examples"])
@pytest.mark.parametrize("check, implementation", FUNCTION_CHECKS, ids=_name)
def test_the_reference_passes_every_check_through_the_judge(check, implementation, example):
    check(implementation, numbers=None if example else NUMBERS, example=example)


@pytest.mark.parametrize("example", [False, True], ids=["hidden", "examples"])
@pytest.mark.parametrize("check", AUTODIFF_CHECKS, ids=_name)
def test_the_reference_autodiff_passes_every_check_through_the_judge(check, example):
    check(*AUTODIFF, numbers=None if example else NUMBERS, example=example)


def test_the_reference_passes_on_other_draws_too(draws):
    for numbers in draws.values():
        for check, implementation in FUNCTION_CHECKS:
            check(implementation, numbers=numbers)
        for check in AUTODIFF_CHECKS:
            check(*AUTODIFF, numbers=numbers)


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


# --- a constant earns nothing ----------------------------------------------------------------------
# Each test compares values the student's code computed: an answer of the right shape and a
# property of the right answer (zero below the threshold, the weights left as they were, the
# arguments unchanged) but no computation fails every test, public and hidden.


def _zeros_like_the_rate(v_in, tau_ref=0.002, tau_m=0.02):
    return np.zeros(np.shape(v_in))


CONSTANTS = [
    (checks.lif_rate_at_or_below_threshold, _zeros_like_the_rate),
    (checks.lif_rate_above_threshold, _zeros_like_the_rate),
    (checks.softmax_matches_reference, lambda z: np.full(np.shape(z), 1.0 / np.shape(z)[-1])),
    (checks.one_hot_matches_reference, lambda z: np.zeros(np.shape(z))),
    (checks.mse_matches_reference, lambda y, t: 0.0),
    (checks.binary_cross_entropy_matches_reference, lambda y, t: np.log(2.0)),
    (checks.categorical_cross_entropy_matches_reference, lambda y, t: np.log(np.shape(y)[1])),
    (checks.difference_on_weight_matrices, lambda f, w, delta: np.zeros_like(w)),
    (checks.difference_on_weight_vectors, lambda f, w, delta: np.zeros_like(w)),
    (checks.backprop_output_layer, lambda X, T, W, a, M, b: tuple(np.zeros_like(p) for p in (W, a, M, b))),
    (checks.backprop_hidden_layer, lambda X, T, W, a, M, b: tuple(np.zeros_like(p) for p in (W, a, M, b))),
    (checks.weight_decay_matches_reference, lambda theta, grad, kappa, lam: theta.copy()),
]


@pytest.mark.parametrize("example", [False, True], ids=["hidden", "examples"])
@pytest.mark.parametrize("check, constant", CONSTANTS, ids=lambda v: _name(v) if callable(v) else "")
def test_a_constant_of_the_right_shape_fails_every_check(check, constant, example):
    with pytest.raises(AssertionError):
        check(constant, numbers=None if example else NUMBERS, example=example)


# --- what the contract calls correct passes on every draw ------------------------------------------


def _lif_float32(v_in, tau_ref=0.002, tau_m=0.02):
    v = np.asarray(v_in, dtype=np.float32)
    rates = np.zeros(v.shape, dtype=np.float32)
    rates[v > 1] = 1 / (np.float32(tau_ref) - np.float32(tau_m) * np.log(1 - 1 / v[v > 1]))
    return rates


def _softmax_float32(z):
    return torch.softmax(torch.tensor(z, dtype=torch.float32), dim=-1)


def _mse_float32(y, t):
    d = (y - t).astype(np.float32)
    return 0.5 * (d * d).sum(axis=1).mean()


def _bce(log):
    return lambda y, t: -np.mean(t * log(y) + (1 - t) * log(1 - y))


def _bce_float32(y, t):
    y, t = y.astype(np.float32), t.astype(np.float32)
    return -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))


def _cce(log):
    return lambda y, t: -np.sum(t * log(y), axis=1).mean()


def _cce_float32(y, t):
    return -(t.astype(np.float32) * np.log(y.astype(np.float32))).sum(axis=1).mean()


def _difference_stored_in_float32(f, w, delta):
    return ref.finite_difference_gradient(f, w, delta).astype(np.float32)


def _backprop_float32(X, T, W, a, M, b):
    return ref._by_hand(*(np.asarray(v, dtype=np.float32) for v in (X, T, W, a, M, b)))


def _decay_float32(theta, grad, kappa, lam):
    t = torch.tensor(theta, dtype=torch.float32)
    return t - kappa * torch.tensor(grad, dtype=torch.float32) - kappa * lam * t


EPSILONS = [lambda y: np.log(y + 1e-6), lambda y: np.log(y + 1e-7), lambda y: np.log(np.maximum(y, 1e-6)),
            lambda y: np.log(np.clip(y, 1e-6, 1 - 1e-6)), lambda y: np.log(np.clip(y, 1e-7, 1 - 1e-7))]
CORRECT = [
    (checks.lif_rate_at_or_below_threshold, _lif_float32),
    (checks.lif_rate_above_threshold, _lif_float32),
    (checks.softmax_matches_reference, _softmax_float32),
    (checks.mse_matches_reference, _mse_float32),
    (checks.binary_cross_entropy_matches_reference, _bce_float32),
    *[(checks.binary_cross_entropy_matches_reference, _bce(log)) for log in EPSILONS],
    (checks.categorical_cross_entropy_matches_reference, _cce_float32),
    *[(checks.categorical_cross_entropy_matches_reference, _cce(log)) for log in EPSILONS],
    (checks.difference_on_weight_matrices, _difference_stored_in_float32),
    (checks.difference_on_weight_vectors, _difference_stored_in_float32),
    (checks.backprop_output_layer, _backprop_float32),
    (checks.backprop_hidden_layer, _backprop_float32),
    (checks.weight_decay_matches_reference, _decay_float32),
]


def test_float32_and_small_epsilons_pass_on_every_draw(draws):
    """The contract's correct variants (float32 throughout, a log guarded by an epsilon up to
    1e-6) pass every hidden case of several gradings and every public example."""
    for check, implementation in CORRECT:
        check(implementation, example=True)
    for numbers in _every_draw(draws):
        for check, implementation in CORRECT:
            check(implementation, numbers=numbers)
        for check in AUTODIFF_CHECKS:
            check(ref._Float32Var, *AUTODIFF[1:], numbers=numbers)
            check(ref._Float32Var, *AUTODIFF[1:], example=True)


@pytest.mark.parametrize("guard, key", [(lambda y: np.log(y + 1e-3), "epsilon_too_large"),
                                        (lambda y: np.log(np.clip(y, 1e-3, 1 - 1e-3)), "clipped_too_far")])
def test_a_guard_of_1e_3_is_named_on_every_draw(draws, guard, key):
    for numbers in _every_draw(draws):
        for check, loss in [(checks.binary_cross_entropy_matches_reference, _bce(guard)),
                            (checks.categorical_cross_entropy_matches_reference, _cce(guard))]:
            with pytest.raises(AssertionError) as failed:
                check(loss, numbers=numbers)
            assert failed.value.key == key


def test_float32_copies_of_w_are_wrong_on_every_draw(draws):
    """The one place float32 is wrong (the contract: evaluate f at float64 points)."""

    def float32_copies(f, w, delta):
        return ref._with_float32_copies(f, w, delta)

    for numbers in _every_draw(draws):
        for check in (checks.difference_on_weight_matrices, checks.difference_on_weight_vectors):
            with pytest.raises(AssertionError) as failed:
                check(float32_copies, numbers=numbers)
            assert failed.value.key == "evaluated_in_low_precision"


# --- mistakes named as themselves, whatever the draw -----------------------------------------------


def _named(check, implementation, numbers) -> str | None:
    try:
        check(implementation, numbers=numbers)
    except AssertionError as failure:
        return getattr(failure, "key", None)
    return None


def test_dividing_by_k_is_never_told_the_half_is_missing(draws):
    """N = 2K makes both mistakes give the same loss: no drawn case has it, on any draw."""

    def divided_by_k(y, t):
        return 0.5 * np.sum((y - t) ** 2) / y.shape[1]

    def no_half(y, t):
        return np.sum((y - t) ** 2, axis=1).mean()

    for numbers in _every_draw(draws):
        assert _named(checks.mse_matches_reference, divided_by_k, numbers) == "mean_over_components_instead_of_samples"
        assert _named(checks.mse_matches_reference, no_half, numbers) == "half_missing"
        for case in numbers["cases"]["mse_loss"]:
            n, k = np.shape(case["y"])
            assert n != 2 * k or k == 1, case["label"]


def _backprop_with(hidden_derivative=ref._right_derivative, hidden_bias=None):
    def backprop(X, T, W, a, M, b):
        return ref._by_hand(X, T, W, a, M, b, hidden_derivative=hidden_derivative, hidden_bias=hidden_bias)

    return backprop


@pytest.mark.parametrize("mistaken, key", [
    (_backprop_with(hidden_derivative=lambda z, h: np.ones_like(h)), "hidden_derivative_missing"),
    (_backprop_with(hidden_bias=lambda d: d[0]), "bias_gradient_from_the_first_sample"),
    (_backprop_with(hidden_bias=lambda d: d.mean(axis=0)), "bias_gradient_averaged_again"),
], ids=["hidden derivative missing", "first sample", "averaged twice"])
def test_a_hidden_layer_mistake_keeps_the_output_layer_and_is_named(draws, mistaken, key):
    for numbers in _every_draw(draws):
        checks.backprop_output_layer(mistaken, numbers=numbers)
        assert _named(checks.backprop_hidden_layer, mistaken, numbers) == key


def test_an_output_layer_mistake_is_named_in_the_hidden_layer_too(draws):
    def mean_missing(X, T, W, a, M, b):
        return ref._by_hand(X, T, W, a, M, b, scale=1.0)

    for numbers in _every_draw(draws):
        assert _named(checks.backprop_output_layer, mean_missing, numbers) == "mean_missing"
        assert _named(checks.backprop_hidden_layer, mean_missing, numbers) == "mean_missing"


def test_a_stale_backward_is_named_as_backwards_not_evaluates(draws):
    """evaluate recomputes without storing, backward reads val: the values are right, the
    gradients after a step are those of the old point."""
    for numbers in _every_draw(draws):
        checks.autodiff_values(ref._StaleVar, *AUTODIFF[1:], numbers=numbers)
        with pytest.raises(AssertionError) as failed:
            checks.autodiff_gradient_descent(ref._StaleVar, *AUTODIFF[1:], numbers=numbers)
        assert failed.value.key == "backward_uses_stale_values"
    with pytest.raises(AssertionError) as failed:
        checks.autodiff_gradient_descent(ref._StaleVar, *AUTODIFF[1:], example=True)
    assert failed.value.key == "backward_uses_stale_values"


# --- the draws: the contract's ranges, the same kinds, the same separation -------------------------


def _signature(case: dict) -> dict:
    """Which mistakes a case stores for each field, and which together: what its checks can say."""
    found = {}
    for field, entries in case["mistakes"].items():
        keys = [tuple(sorted(set(key))) if isinstance(key, list) else (key,) for key, _ in entries]
        found[field] = [k for i, k in enumerate(keys) if i == 0 or keys[i - 1] != k]
    return found


def test_each_kind_of_case_tells_the_same_mistakes_apart_whatever_the_draw(draws):
    """So that a mistake's feedback is decided by the kind of case, never by the drawn inputs."""
    first = {group: [(_signature(case), case["label"]) for case in cases] for group, cases in CASES.items()}
    for numbers in draws.values():
        for group, cases in numbers["cases"].items():
            assert [(_signature(case), case["label"]) for case in cases] == first[group], group


def test_every_compared_field_has_its_tolerance_with_the_case(draws):
    for numbers in _every_draw(draws):
        for group, cases in numbers["cases"].items():
            for case in cases:
                assert set(case["mistakes"]) <= set(case["tolerance"]), (group, case["label"])
                for rtol, atol in case["tolerance"].values():
                    assert 0 < rtol <= 2e-3 and 0 < atol <= 5e-5


def test_hidden_inputs_stay_within_the_contract(draws):
    for numbers in _every_draw(draws):
        cases = numbers["cases"]
        lif = cases["lif_firing_rate"]
        inputs = np.concatenate([np.ravel(c["v_in"]) for c in lif])
        assert inputs.min() >= -5 and inputs.max() <= 50
        assert {-1.0, 0.0, 0.5, 1.0} <= set(inputs.tolist())
        assert inputs[inputs > 1].min() >= 1.001
        given = [c for c in lif if c["tau_ref"] is not None]
        assert all(0.001 <= c["tau_ref"] <= 0.005 and 0.01 <= c["tau_m"] <= 0.05 for c in given)
        assert sum((c["tau_ref"], c["tau_m"]) != (0.002, 0.02) for c in lif) > len(lif) / 2
        assert max(np.abs(c["z"]).max() for c in cases["softmax"]) <= 50
        assert any(np.shape(c["z"])[0] == 1 and np.ndim(c["z"]) == 2 for c in cases["softmax"])
        assert all(np.shape(c["z"])[-1] >= 2 for c in cases["softmax"])
        for case in cases["one_hot"]:
            rows = np.sort(case["z"], axis=-1)
            assert (rows[..., -1] > rows[..., -2]).all(), "a tie for the largest entry"
        shapes = {np.shape(c["y"]) for c in cases["mse_loss"]}
        assert all(len(s) == 2 for s in shapes) and {(1, 1)} <= shapes
        assert any(s[1] == 1 for s in shapes) and any(s[0] == 1 and s[1] > 1 for s in shapes)
        assert all(np.abs(c["y"]).max() <= 10 and np.abs(c["t"]).max() <= 10 for c in cases["mse_loss"])
        for case in cases["binary_cross_entropy"]:
            y = np.asarray(case["y"])
            assert 1e-4 <= y.min() and y.max() <= 1 - 1e-4 and set(np.ravel(case["t"])) <= {0.0, 1.0}
            assert np.ndim(y) == 1 or np.shape(y)[1] == 1
        for case in cases["categorical_cross_entropy"]:
            y, t = np.asarray(case["y"]), np.asarray(case["t"])
            assert y.shape[1] >= 3 and np.allclose(y.sum(axis=1), 1.0) and (y > 0).all()
            assert (y[t == 1] >= 1e-4).all(), "a true class kept well above any epsilon <= 1e-6"
        for case in cases["finite_difference_gradient"]:
            assert 1e-4 <= case["delta"] <= 0.1 and np.ndim(case["w"]) in (1, 2)
        sizes = [(len(c["X"]), *np.shape(c["W"]), np.shape(c["M"])[1]) for c in cases["backprop"]]
        assert all(1 <= n <= 20 and all(1 <= k <= 6 for k in rest) for n, *rest in sizes)
        assert any(n == 1 for n, *_ in sizes)
        for case in cases["backprop"]:
            X, W, a, M, b = (np.asarray(case[k]) for k in "XWaMb")
            alpha = X @ W + a
            assert np.abs(alpha).max() < 30 and np.abs(ref._logistic(alpha) @ M + b).max() < 30
        for case in cases["autodiff"]:
            for name, value in case["leaves"]:
                assert np.ndim(value) in (1, 2)
            for name, operation, args in case["nodes"]:
                if operation == "MatMul":
                    m, n = np.shape(dict(case["leaves"]).get(args[0], [[0]]))
                    assert len({m, n, *np.shape(dict(case["leaves"]).get(args[1], [[0]]))}) > 1
        for case in cases["weight_decay_step"]:
            assert 0 < case["kappa"] <= 1 and 0 <= case["lam"] <= 1
        assert any(c["lam"] == 0 for c in cases["weight_decay_step"])


# --- the stored numbers: the notes' own ------------------------------------------------------------


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
    by_hand = ref._by_hand(X, T, W, a, M, b)
    for name, value in zip(ref.GRADIENT_NAMES, by_hand):
        assert np.allclose(case[name], value, rtol=1e-12, atol=1e-14), name


def test_with_lam_zero_weight_decay_is_plain_gradient_descent():
    theta, grad = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    assert np.array_equal(ref.weight_decay_step(theta, grad, 0.1, 0.0), theta - 0.1 * grad)


@pytest.mark.parametrize("through_the_judge", [True, False], ids=["judge", "notebook"])
def test_w_may_come_back_within_the_contracts_restore_tolerance_and_no_further(through_the_judge):
    """The contract allows 1e-12 * (max|w| + delta): a restore by arithmetic on inputs that are
    not exact in binary passes; an entry left off by more fails as left perturbed."""
    case = {**CASES["finite_difference_gradient"][0], "w": [1.304, 0.947, -0.704, 0.1], "delta": 0.001}
    case["spec"] = {**case["spec"], "shape": [4]}
    for key in ("square", "cube", "linear"):
        case["spec"][key] = [1.0, -1.0, 0.5, 2.0]

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


# --- the samples, whatever the draw ------------------------------------------------------------------


@pytest.mark.parametrize("seed", [3, 17, 101])
def test_the_samples_lose_exactly_their_questions_whatever_the_draw(built_project, seed):
    """complete.py loses nothing and partly_wrong.py exactly its ``LOSES``, on other gradings'
    hidden cases than the stored ones."""
    import ast

    import nbformat

    import corpus
    from autograder import checks as grading

    assignment = built_project["backprop_autodiff"]
    student = nbformat.read(assignment.student_dir / "backprop_autodiff.ipynb", as_version=4)
    questions = corpus.questions_in_zip(assignment.autograder_zip)
    grading.prepare_grading("backprop_autodiff", seed)
    try:
        for sample in ("complete", "partly_wrong"):
            source = (assignment.samples_dir / f"{sample}.py").read_text(encoding="utf-8")
            module = ast.parse(source)
            loses = next((ast.literal_eval(node.value) for node in module.body if isinstance(node, ast.Assign)
                          and getattr(node.targets[0], "id", "") == "LOSES"), [])
            namespace = corpus.notebook_namespace(student, source)
            lost = sorted(q.name for q in questions.values() if corpus.failures(corpus.run_question(q, namespace)))
            assert lost == sorted(loses), sample
    finally:
        grading.forget_draws()
