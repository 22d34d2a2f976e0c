"""Do the checks of ``perceptron_gd`` pass right answers and name wrong ones?

Each wrong implementation below is a mistake students make; the test asserts that the
intended check fails with the hint written for it. Right answers in several styles (float32,
a column-vector ``w``, a ``(1,)`` loss, a stable log-sum-exp loss) must pass. The checks
receive proxies, as in the judge. The same checks run the public examples (``example=True``),
and since the student's notebook carries them, they must compute no answer: the known
mistakes' answers come from the reference numbers.
"""

from __future__ import annotations

import ast
import inspect
import math

import numpy as np
import pytest
import torch

from autograder.checks import perceptron_gd
from conftest import ThroughTheJudge

checks = ThroughTheJudge(perceptron_gd)
from reference import numbers as reference_numbers
from reference import perceptron_gd as ref

NUMBERS = reference_numbers.load("perceptron_gd")
# Gradient-ascent mistakes drive p to 0 or 1, and their plain log(0) warnings are expected.
pytestmark = pytest.mark.filterwarnings("ignore:divide by zero encountered in log:RuntimeWarning")


def fails_with(check, *functions, hint: str, example: bool = False) -> str:
    """Run ``check`` on ``functions`` and return its message, asserting that it names ``hint``."""
    with pytest.raises(AssertionError) as failure:
        check(*functions, numbers=NUMBERS, example=example)
    message = str(failure.value)
    assert hint in message, message
    return message


# --- the reference passes every check -----------------------------------------------------

ALL_CHECKS = [
    (checks.sigmoid_matches_reference, (ref.sigmoid,)),
    (checks.grad_sigmoid_matches_reference, (ref.grad_sigmoid,)),
    (checks.loss_i_matches_reference, (ref.loss_i,)),
    (checks.grad_loss_i_matches_reference, (ref.grad_loss_i,)),
    (checks.grad_loss_i_matches_finite_differences, (ref.loss_i, ref.grad_loss_i)),
    (checks.gradient_descent_on_lab_data, (ref.gradient_descent,)),
    (checks.gradient_descent_weights_on_new_data, (ref.gradient_descent,)),
    (checks.gradient_descent_losses_on_new_data, (ref.gradient_descent,)),
    (checks.minibatch_structure, (ref.minibatch_gradient_descent,)),
    (checks.minibatch_full_batch_matches_gradient_descent, (ref.minibatch_gradient_descent,)),
    (checks.minibatch_matches_seeded_order, (ref.minibatch_gradient_descent,)),
    (checks.df_explicit_matches_reference, (ref.df_explicit,)),
    (checks.df_autograd_matches_reference, (ref.df_autograd,)),
    (checks.derivatives_agree, (ref.df_explicit, ref.df_autograd)),
]
# The checks the master's public tests call with example=True, and the example group each reads.
PUBLIC_CHECKS = [
    ("sigmoid_matches_reference", (ref.sigmoid,), "sigmoid"),
    ("grad_sigmoid_matches_reference", (ref.grad_sigmoid,), "grad_sigmoid"),
    ("loss_i_matches_reference", (ref.loss_i,), "loss_i"),
    ("grad_loss_i_matches_reference", (ref.grad_loss_i,), "grad_loss_i"),
    ("gradient_descent_losses_on_new_data", (ref.gradient_descent,), "gradient_descent_losses"),
    ("gradient_descent_weights_on_new_data", (ref.gradient_descent,), "gradient_descent_weights"),
    ("minibatch_structure", (ref.minibatch_gradient_descent,), "minibatch_structure"),
    ("minibatch_full_batch_matches_gradient_descent", (ref.minibatch_gradient_descent,),
     "minibatch_full_batch"),
    ("df_explicit_matches_reference", (ref.df_explicit,), "df_explicit"),
    ("df_autograd_matches_reference", (ref.df_autograd,), "df_autograd"),
]


@pytest.mark.parametrize("check, functions", ALL_CHECKS, ids=lambda v: getattr(v, "__name__", ""))
def test_reference_passes(check, functions):
    check(*functions, numbers=NUMBERS)


@pytest.mark.parametrize("check, functions", ALL_CHECKS, ids=lambda v: getattr(v, "__name__", ""))
def test_unfinished_answers_fail(check, functions):
    """A function whose body is still `...` returns None and must fail every check."""
    unfinished = [lambda *args: None for _ in functions]
    with pytest.raises(AssertionError):
        check(*unfinished, numbers=NUMBERS)


def test_numbers_file_is_up_to_date():
    assert not reference_numbers.stale("perceptron_gd")


# --- the public examples ----------------------------------------------------------------------


@pytest.mark.parametrize("name, functions, group", PUBLIC_CHECKS, ids=[c[0] for c in PUBLIC_CHECKS])
def test_reference_passes_the_public_examples(name, functions, group):
    assert NUMBERS["examples"][group]
    getattr(checks, name)(*functions, numbers=NUMBERS, example=True)


@pytest.mark.parametrize("name, functions, group", PUBLIC_CHECKS, ids=[c[0] for c in PUBLIC_CHECKS])
def test_an_unfinished_answer_fails_on_the_example(name, functions, group):
    with pytest.raises(AssertionError, match="^On the example "):
        getattr(checks, name)(*[lambda *args: None for _ in functions], numbers=NUMBERS, example=True)


def test_every_check_also_runs_the_examples_of_its_kind():
    """Checks no public test calls still take ``example`` and run on some example."""
    for check, functions in ALL_CHECKS:
        check(*functions, numbers=NUMBERS, example=True)


def test_the_public_tests_call_these_checks_on_the_examples():
    import nbformat

    from scratch_project import REPO

    master = nbformat.read(REPO / "assignments" / "perceptron_gd" / "perceptron_gd.ipynb", as_version=4)
    public = "\n".join(c.source for c in master.cells
                       if c.cell_type == "code" and "def test_" in c.source
                       and not c.source.startswith("# HIDDEN"))
    for name, _, _ in PUBLIC_CHECKS:
        assert f"perceptron_gd.{name}(" in public, name
    calls = [line for line in public.splitlines() if line.strip().startswith("perceptron_gd.")]
    assert calls and all(line.endswith(", example=True)") for line in calls), calls


def test_the_examples_are_the_notebooks_own():
    """The facts the notebook's public checks stated by hand, on the stored examples."""
    examples = NUMBERS["examples"]
    ln2, ln3 = math.log(2.0), math.log(3.0)
    first = examples["sigmoid"][0]
    np.testing.assert_allclose(first["x"], [-ln3, 0.0, ln3])
    np.testing.assert_allclose(first["sigmoid"], [0.25, 0.5, 0.75])
    assert np.shape(examples["sigmoid"][1]["x"]) == (3, 4)
    np.testing.assert_allclose(examples["grad_sigmoid"][0]["grad_sigmoid"], [0.25, 0.1875])
    np.testing.assert_allclose([c["loss"] for c in examples["loss_i"]],
                               [ln2, ln2, math.log(4 / 3), math.log(4)])
    np.testing.assert_allclose([c["grad"] for c in examples["grad_loss_i"]],
                               [[-0.5, -1.0, 0.5], [0.75, 0.75, 0.0]], atol=1e-15)
    (four,) = examples["gradient_descent_losses"]
    assert (four["eta"], four["T"], len(four["X"])) == (0.1, 5, 4)
    assert four["losses"][0] == pytest.approx(4 * ln2) and np.all(np.diff(four["losses"]) < 0)
    (step,) = examples["gradient_descent_weights"]
    X, y = np.asarray(step["X"]), np.asarray(step["y"]).ravel()
    np.testing.assert_allclose(step["w"], 0.2 * X.T @ (y - 0.5))
    (batches,) = examples["minibatch_structure"]
    assert (batches["epochs"], batches["batch_size"], batches["seed"]) == (3, 2, 7)
    assert batches["losses"][0] == pytest.approx(5 * ln2)
    (whole,) = examples["minibatch_full_batch"]
    X, y = np.asarray(whole["X"]), np.asarray(whole["y"]).ravel()
    np.testing.assert_allclose(whole["w"], 0.1 * X.T @ (y - 0.5))
    assert [c["x"] for c in examples["df_explicit"]] == [0.0, 0.8]
    assert examples["df_explicit"][0]["df"] == 0.0
    slope = (ref.f(0.8 + 1e-6) - ref.f(0.8 - 1e-6)) / 2e-6
    assert examples["df_autograd"][0]["df"] == pytest.approx(slope, abs=1e-5)


def test_a_public_example_is_named_as_such():
    message = fails_with(checks.sigmoid_matches_reference, lambda x: np.tanh(x), hint="tanh",
                         example=True)
    assert message.startswith("On the example (x = [-ln 3, 0, ln 3]): ")
    message = fails_with(checks.sigmoid_matches_reference, lambda x: np.tanh(x), hint="tanh")
    assert message.startswith("On a hidden case (")


def test_a_wrong_batch_order_passes_the_public_check():
    """The public check of mini-batch descent holds for any seeded order; the hidden one does not."""
    for orders in ("fresh generator", "legacy", "unshuffled"):
        checks.minibatch_structure(minibatch_with(orders=orders), numbers=NUMBERS, example=True)
        checks.minibatch_full_batch_matches_gradient_descent(minibatch_with(orders=orders),
                                                             numbers=NUMBERS, example=True)
    fails_with(checks.minibatch_structure, minibatch_with(after=True), hint="losses[0] is not the loss at w = 0",
               example=True)


# --- the checks compute nothing ---------------------------------------------------------------

ALLOWED_IMPORTS = {"__future__", "numpy", "torch", "values", "", "autograder.grading_runtime.probes"}
# What computing an answer would take: numpy's and torch's functions of the formulas.
FORMULA_FUNCTIONS = {"exp", "log", "log10", "log1p", "logaddexp", "sin", "cos", "sqrt", "tanh",
                     "sigmoid", "cumsum", "permutation", "default_rng", "RandomState", "backward",
                     "grad", "dot", "matmul", "sum", "mean"}


def test_the_checks_import_only_what_the_notebook_carries():
    tree = ast.parse(inspect.getsource(perceptron_gd))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert {alias.name for alias in node.names} <= ALLOWED_IMPORTS, ast.dump(node)
        elif isinstance(node, ast.ImportFrom):
            assert (node.module or "") in ALLOWED_IMPORTS, ast.dump(node)


def test_the_checks_call_no_formula():
    tree = ast.parse(inspect.getsource(perceptron_gd))
    called = {node.func.attr for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
    assert not called & FORMULA_FUNCTIONS
    assert not any(isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult)
                   for node in ast.walk(tree))


def test_every_stored_mistake_has_words_and_every_word_is_used():
    stored = {key for section in ("cases", "examples") for group in NUMBERS[section].values()
              for case in group for found in case.get("mistakes", {}).values() for key, _ in found}
    assert stored <= set(perceptron_gd.MISTAKES)
    source = inspect.getsource(perceptron_gd).split("MISTAKES = vocabulary(", 1)[1].split("\n)\n", 1)[1]
    unused = {key for key in set(perceptron_gd.MISTAKES) - stored if f'"{key}"' not in source}
    assert not unused


def test_a_mistake_is_named_only_if_it_explains_every_differing_case():
    """On the first differing case two mistakes agree; the one that explains both is named."""
    x1, x2 = [0.5, -1.0], [2.0, 3.0]
    numbers = {"cases": {"sigmoid": [
        {"label": "one", "x": x1, "sigmoid": list(ref.sigmoid(x1)),
         "mistakes": {"sigmoid": [["tanh_for_sigmoid", [0.1, 0.2]],
                                  ["sigmoid_rises_the_wrong_way", [0.1, 0.2]]]}},
        {"label": "two", "x": x2, "sigmoid": list(ref.sigmoid(x2)),
         "mistakes": {"sigmoid": [["tanh_for_sigmoid", [0.9, 0.9]],
                                  ["sigmoid_rises_the_wrong_way", [0.3, 0.4]]]}},
    ]}}
    answers = {0.5: 0.1, -1.0: 0.2, 2.0: 0.3, 3.0: 0.4}

    def student(x):
        return np.array([answers[float(v)] for v in x])

    with pytest.raises(AssertionError) as failure:
        checks.sigmoid_matches_reference(student, numbers=numbers)
    assert failure.value.key == "sigmoid_rises_the_wrong_way"
    assert str(failure.value).startswith("On a hidden case (one): ")


# --- the seed's facts are reproduced ------------------------------------------------------


def lab_generate_data(n, means, seed):
    """The lab's recipe on numpy's global generator, restated to compare with the reference."""
    np.random.seed(seed)
    S1, S2 = np.random.rand(2, 2), np.random.rand(2, 2)
    first = np.random.multivariate_normal(np.array(means[0]), S1.T @ S1, n)
    second = np.random.multivariate_normal(np.array(means[1]), S2.T @ S2, n)
    X = np.concatenate((np.ones((2 * n, 1)), np.concatenate((first, second))), axis=1)
    y = np.concatenate((np.ones(n), np.zeros(n))).reshape(-1, 1)
    index = np.random.choice(2 * n, size=2 * n, replace=False)
    return X[index], y[index]


@pytest.mark.parametrize("n, means, seed", [(40, [[2, 1], [1, 0]], 1), (20, [[3, 3], [-1, 1]], 1),
                                            (25, [[1, 2], [-1, 0]], 7)])
def test_generate_data_matches_the_lab(n, means, seed):
    X, y = ref.generate_data(n=n, means=means, seed=seed)
    X_lab, y_lab = lab_generate_data(n, means, seed)
    np.testing.assert_array_equal(X, X_lab)
    np.testing.assert_array_equal(y, y_lab)


def test_lab_run_has_the_expected_shape_and_start():
    X, y = ref.generate_data(**ref.LAB_DATA)
    assert X.shape == (80, 3) and y.shape == (80, 1)
    assert np.all(X[:, 0] == 1) and y.sum() == 40
    w, losses = ref.gradient_descent(X, y, ref.LAB_ETA, ref.LAB_T)
    assert w.shape == (3,) and losses.shape == (20,)
    assert losses[0] == pytest.approx(80 * math.log(2))  # every p is 1/2 at w = 0
    assert losses[-1] < losses[0]


def test_stored_lab_case_is_the_lab_run():
    (case,) = NUMBERS["cases"]["gradient_descent_lab"]
    X, y = ref.generate_data(**ref.LAB_DATA)
    # multivariate_normal goes through an SVD, whose last bits depend on the CPU: the stored
    # case equals a fresh one up to the drift check's tolerance, not bit for bit
    np.testing.assert_allclose(np.asarray(case["X"]), X, rtol=1e-12, atol=1e-12)
    assert (case["eta"], case["T"]) == (0.1, 20)


def test_derivatives_agree_with_finite_differences():
    for x in np.linspace(-1.5, 1.5, 13):
        slope = (ref.f(x + 1e-6) - ref.f(x - 1e-6)) / 2e-6
        assert ref.df_explicit(x) == pytest.approx(slope, rel=1e-6, abs=1e-6)
        assert ref.df_autograd(x) == pytest.approx(ref.df_explicit(x), rel=1e-12, abs=1e-12)


def test_one_batch_per_epoch_is_gradient_descent():
    X, y = ref.generate_data(n=15, means=[[1, 1], [-1, 0]], seed=4)
    w_gd, losses_gd = ref.gradient_descent(X, y, 0.05, 6)
    w_mb, losses_mb = ref.minibatch_gradient_descent(X, y, 0.05, 6, 30, seed=3)
    np.testing.assert_allclose(w_mb, w_gd, rtol=1e-12)
    np.testing.assert_allclose(losses_mb, losses_gd, rtol=1e-12)


def test_hidden_runs_keep_the_margin_below_30():
    for group in ("gradient_descent_lab", "gradient_descent", "minibatch_gradient_descent",
                  "minibatch_full_batch"):
        for case in NUMBERS["cases"][group]:
            X = np.asarray(case["X"])
            assert np.abs(X @ np.asarray(case["w"])).max() < ref.MAX_MARGIN, case["label"]


# --- other right styles pass ---------------------------------------------------------------


def test_float32_and_stable_styles_pass():
    def sigmoid32(x):
        return (1 / (1 + np.exp(-np.asarray(x, dtype=np.float32)))).astype(np.float32)

    def grad_sigmoid32(x):
        s = sigmoid32(x)
        return s * (1 - s)

    def stable_loss(w, x_i, y_i):
        z = float(np.dot(w, x_i))
        return float(y_i[0] * np.logaddexp(0, -z) + (1 - y_i[0]) * np.logaddexp(0, z))

    def loss_as_array(w, x_i, y_i):  # the lab's style: y_i is (1,), so the loss is (1,)
        p = ref.sigmoid(w @ x_i)
        return -(y_i * np.log(p) + (1 - y_i) * np.log(1 - p))

    def df_autograd32(x):
        t = torch.tensor(x, requires_grad=True)
        c = t**2 + torch.exp(t**2)
        (torch.sqrt(c) + torch.cos(c)).backward()
        return t.grad  # a 0-dim float32 tensor

    checks.sigmoid_matches_reference(sigmoid32, numbers=NUMBERS)
    checks.grad_sigmoid_matches_reference(grad_sigmoid32, numbers=NUMBERS)
    checks.loss_i_matches_reference(stable_loss, numbers=NUMBERS)
    checks.loss_i_matches_reference(loss_as_array, numbers=NUMBERS)
    checks.grad_loss_i_matches_finite_differences(loss_as_array, ref.grad_loss_i, numbers=NUMBERS)
    checks.df_autograd_matches_reference(df_autograd32, numbers=NUMBERS)
    checks.derivatives_agree(ref.df_explicit, df_autograd32, numbers=NUMBERS)


def test_column_vector_weights_and_array_losses_pass():
    def gradient_descent(X, y, eta, T):
        w = np.zeros((3, 1))
        losses = np.zeros(T)
        for t in range(T):
            z = X @ w
            losses[t] = np.sum(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z))
            w = w - eta * X.T @ (ref.sigmoid(z) - y)
        return w, losses

    for check in (checks.gradient_descent_on_lab_data, checks.gradient_descent_weights_on_new_data,
                  checks.gradient_descent_losses_on_new_data):
        check(gradient_descent, numbers=NUMBERS)


def test_per_sample_loop_in_the_labs_style_passes():
    def gradient_descent(X, y, eta, T):
        w = np.array([0, 0, 0])  # the lab's integer start
        losses = []
        for _ in range(T):
            loss, grad = 0, 0
            for i in range(X.shape[0]):
                loss += ref.loss_i(w, X[i], y[i])
                grad += ref.grad_loss_i(w, X[i], y[i])
            print(f"loss = {loss}")  # printing progress is allowed
            losses.append(loss)
            w = w - eta * grad
        return w, losses

    checks.gradient_descent_on_lab_data(gradient_descent, numbers=NUMBERS)
    checks.gradient_descent_losses_on_new_data(gradient_descent, numbers=NUMBERS)


# --- wrong answers fail with the right hint --------------------------------------------------


def test_sigmoid_mistakes():
    fails_with(checks.sigmoid_matches_reference, lambda x: 1 / (1 + np.exp(x)),
               hint="rises the wrong way")
    fails_with(checks.sigmoid_matches_reference, lambda x: np.array([1 / (1 + math.exp(-v)) for v in np.ravel(x)]),
               hint="keep the shape")
    fails_with(checks.grad_sigmoid_matches_reference, lambda x: x * (1 - x),
               hint="applied to x itself")
    fails_with(checks.grad_sigmoid_matches_reference, lambda x: ref.sigmoid(x) * (1 + ref.sigmoid(x)),
               hint="with a minus")


def test_loss_mistakes():
    def swapped(w, x_i, y_i):
        p = ref.sigmoid(w @ x_i)
        return -(y_i * np.log(1 - p) + (1 - y_i) * np.log(p))

    def positive_log_likelihood(w, x_i, y_i):
        return -ref.loss_i(w, x_i, y_i)

    def only_positive_term(w, x_i, y_i):
        return -y_i * np.log(ref.sigmoid(w @ x_i))

    fails_with(checks.loss_i_matches_reference, swapped, hint="swapped")
    fails_with(checks.loss_i_matches_reference, positive_log_likelihood, hint="wrong sign")
    fails_with(checks.loss_i_matches_reference, only_positive_term, hint="samples labelled 0 cost nothing")


def test_gradient_mistakes():
    def ascent(w, x_i, y_i):
        return -ref.grad_loss_i(w, x_i, y_i)

    def extra_factor(w, x_i, y_i):
        z = w @ x_i
        return ref.grad_loss_i(w, x_i, y_i) * ref.grad_sigmoid(z)

    def scalar(w, x_i, y_i):
        return -(y_i - ref.sigmoid(w @ x_i))

    fails_with(checks.grad_loss_i_matches_reference, ascent, hint="wrong sign")
    fails_with(checks.grad_loss_i_matches_reference, extra_factor, hint="extra factor p(1 - p)")
    fails_with(checks.grad_loss_i_matches_reference, scalar, hint="should be a vector like x_i")
    fails_with(checks.grad_loss_i_matches_finite_differences, ref.loss_i, ascent,
               hint="minus the slope of your loss_i")
    fails_with(checks.grad_loss_i_matches_finite_differences, ref.loss_i, extra_factor,
               hint="finite differences")


def test_consistent_gradient_of_a_wrong_loss_passes_the_finite_difference_check():
    """The finite-difference test grades consistency, so a consistent pair keeps that credit."""

    def scaled_loss(w, x_i, y_i):
        return 2 * ref.loss_i(w, x_i, y_i)

    def scaled_gradient(w, x_i, y_i):
        return 2 * ref.grad_loss_i(w, x_i, y_i)

    checks.grad_loss_i_matches_finite_differences(scaled_loss, scaled_gradient, numbers=NUMBERS)
    fails_with(checks.loss_i_matches_reference, scaled_loss, hint="differs from the reference")


def descent_with(*, sign=1.0, mean_gradient=False, mean_loss=False, after=False, steps=0,
                 per_sample=False):
    """A vectorised gradient_descent with one of the known mistakes switched on."""

    def gradient_descent(X, y, eta, T):
        labels = y.ravel()
        N = len(labels)
        w = np.zeros(3)
        losses = []
        for _ in range(T + steps):
            if not after:
                losses.append(ref.total_loss(w, X, y) / (N if mean_loss else 1))
            if per_sample:
                for i in range(N):
                    w = w - eta * ref.grad_loss_i(w, X[i], y[i])
            else:
                w = w - sign * eta * ref.total_gradient(w, X, y) / (N if mean_gradient else 1)
            if after:
                losses.append(ref.total_loss(w, X, y))
        return w, losses[:T]

    return gradient_descent


def broadcasting_descent(X, y, eta, T):
    """Vectorised with y left as (N, 1): y - p is (N, N), and numpy refuses w + (3, N)."""
    w = np.zeros(3)
    losses = []
    for _ in range(T):
        losses.append(ref.total_loss(w, X, y))
        w = w + eta * X.T @ (y - ref.sigmoid(X @ w))
    return w, losses


def silently_broadcasting_descent(X, y, eta, T):
    """A column w with a flattened y: y - p is (N, N) and w quietly becomes (3, N)."""
    w = np.zeros((3, 1))
    for _ in range(T):
        w = w + eta * X.T @ (y.ravel() - ref.sigmoid(X @ w[:, :1]))
    return w, [0.0] * T


@pytest.mark.parametrize("mistake, hint", [
    (descent_with(sign=-1.0), "gradient ascent"),
    (descent_with(mean_gradient=True), "the gradient is averaged"),
    (descent_with(mean_gradient=True, mean_loss=True), "the gradient is averaged"),
    (descent_with(steps=-1), "one update too few"),
    (descent_with(steps=1), "one update too many"),
    (descent_with(per_sample=True), "every single sample"),
    (broadcasting_descent, "flatten it first"),
    (silently_broadcasting_descent, "flatten it first"),
])
def test_descent_weight_mistakes(mistake, hint):
    fails_with(checks.gradient_descent_on_lab_data, mistake, hint=hint)
    fails_with(checks.gradient_descent_weights_on_new_data, mistake, hint=hint)


@pytest.mark.parametrize("mistake, hint", [
    (descent_with(after=True), "recorded after its update"),
    (descent_with(mean_loss=True), "the losses are averaged"),
    (descent_with(mean_gradient=True, mean_loss=True), "the gradient and the loss are averaged"),
    (descent_with(per_sample=True), "every single sample"),
])
def test_descent_loss_mistakes(mistake, hint):
    fails_with(checks.gradient_descent_losses_on_new_data, mistake, hint=hint)


def test_descent_weights_test_ignores_the_losses():
    checks.gradient_descent_weights_on_new_data(descent_with(after=True), numbers=NUMBERS)


def test_ascent_that_overflows_the_loss_is_explained():
    fails_with(checks.gradient_descent_losses_on_new_data, descent_with(sign=-1.0),
               hint="subtracts eta * gradient")


def minibatch_with(*, orders="prescribed", mean=False, drop_last=False, after=False):
    """A mini-batch gradient descent with one of the known mistakes switched on."""

    def minibatch_gradient_descent(X, y, eta, epochs, batch_size, seed):
        N = X.shape[0]
        rng = np.random.default_rng(seed)
        if orders == "legacy":
            np.random.seed(seed)
        w = np.zeros(3)
        losses = []
        for _ in range(epochs):
            if not after:
                losses.append(ref.total_loss(w, X, y))
            if orders == "prescribed":
                order = rng.permutation(N)
            elif orders == "fresh generator":
                order = np.random.default_rng(seed).permutation(N)
            elif orders == "legacy":
                order = np.random.permutation(N)
            else:
                order = np.arange(N)
            for start in range(0, N, batch_size):
                batch = order[start:start + batch_size]
                if drop_last and len(batch) < batch_size:
                    break
                grad = ref.total_gradient(w, X[batch], y[batch])
                w = w - eta * grad / (len(batch) if mean else 1)
            if after:
                losses.append(ref.total_loss(w, X, y))
        return w, losses

    return minibatch_gradient_descent


@pytest.mark.parametrize("mistake, hint", [
    (minibatch_with(orders="fresh generator"), "same order"),
    (minibatch_with(orders="legacy"), "legacy"),
    (minibatch_with(orders="unshuffled"), "follow the data order"),
    (minibatch_with(mean=True), "averaged over the batch"),
    (minibatch_with(drop_last=True), "last, smaller batch"),
    (minibatch_with(after=True), "recorded after its epoch"),
])
def test_minibatch_mistakes(mistake, hint):
    fails_with(checks.minibatch_matches_seeded_order, mistake, hint=hint)


def test_wrong_batch_order_keeps_the_full_batch_credit():
    """With one batch per epoch the order does not matter, so that test still passes."""
    for orders in ("fresh generator", "legacy", "unshuffled"):
        checks.minibatch_full_batch_matches_gradient_descent(minibatch_with(orders=orders),
                                                             numbers=NUMBERS)
    fails_with(checks.minibatch_full_batch_matches_gradient_descent, minibatch_with(mean=True),
               hint="averaged over the batch")


def test_derivative_mistakes():
    def missing_chain_factor(x):
        c = x**2 + np.exp(x**2)
        return (2 * x + np.exp(x**2)) * (1 / (2 * np.sqrt(c)) - np.sin(c))

    def plus_sine(x):
        c = x**2 + np.exp(x**2)
        return 2 * x * (1 + np.exp(x**2)) * (1 / (2 * np.sqrt(c)) + np.sin(c))

    def autograd_on_exp_squared(x):
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        c = t**2 + torch.exp(t) ** 2
        (torch.sqrt(c) + torch.cos(c)).backward()
        return t.grad.item()

    fails_with(checks.df_explicit_matches_reference, missing_chain_factor, hint="factor 2x is missing")
    fails_with(checks.df_explicit_matches_reference, plus_sine, hint="derivative of cos is -sin")
    fails_with(checks.df_explicit_matches_reference, ref.f, hint="value of f(x)")
    fails_with(checks.df_autograd_matches_reference, autograd_on_exp_squared, hint="exp(2x)")
    fails_with(checks.derivatives_agree, missing_chain_factor, ref.df_autograd, hint="disagree at x =")
    fails_with(checks.derivatives_agree, lambda x: 0.0, lambda x: 0.0, hint="both return 0")


def test_messages_never_show_expected_numbers():
    message = fails_with(checks.gradient_descent_on_lab_data, descent_with(steps=-1),
                         hint="one update too few")
    (case,) = NUMBERS["cases"]["gradient_descent_lab"]
    for value in case["w"] + case["losses"]:
        assert f"{value:.3f}" not in message
