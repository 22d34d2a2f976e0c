"""Do the checks of ``perceptron_gd`` pass right answers and name wrong ones, on every draw?

The generic promises (labels in words, draws of their own, stored mistakes with words, hidden
feedback the same for every draw) are tested for every assignment in ``test_hidden_cases.py``
and ``test_corpus.py``. Here: what is particular to this assignment. Right answers in the
styles the contract accepts (float32, guarded logs, scipy, a column-vector ``w``, a ``(1,)``
loss) pass on several draws; the known problems the testers found stay fixed (agreeing
constants earn nothing, float32 meets no log(0), a stale gradient is not told its batch order
differs); the reference proves what it claims as it draws. The checks receive proxies, as in
the judge; since the student's notebook carries them, they must compute no answer.
"""

from __future__ import annotations

import ast
import inspect
import math

import numpy as np
import pytest
import torch

from autograder import checks as checks_package
from autograder.checks import perceptron_gd
from autograder.grading_runtime import wording
from conftest import ThroughTheJudge
from reference import numbers as reference_numbers
from reference import perceptron_gd as ref
from reference import separation

checks = ThroughTheJudge(perceptron_gd)
NUMBERS = reference_numbers.load("perceptron_gd")
SEEDS = (3, 17, 101, 2024)
# Gradient-ascent mistakes drive p to 0 or 1, and their plain log(0) warnings are expected.
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def fails_with(check, *functions, hint: str, example: bool = False, numbers=NUMBERS) -> AssertionError:
    """Run ``check`` on ``functions``; return its failure, asserting that it says ``hint``."""
    with pytest.raises(AssertionError) as failure:
        check(*functions, numbers=numbers, example=example)
    assert hint in str(failure.value), str(failure.value)
    return failure.value


@pytest.fixture
def drawn():
    """``drawn(seed)``: this grading's hidden cases drawn from ``seed``, as the judge draws them."""
    yield lambda seed: checks_package.prepare_grading("perceptron_gd", seed)
    checks_package.forget_draws()


# --- the reference passes every check, on every draw ----------------------------------------

ALL_CHECKS = [
    (checks.sigmoid_matches_reference, (ref.sigmoid,)),
    (checks.grad_sigmoid_matches_reference, (ref.grad_sigmoid,)),
    (checks.loss_i_matches_reference, (ref.loss_i,)),
    (checks.grad_loss_i_matches_reference, (ref.grad_loss_i,)),
    (checks.grad_loss_i_at_other_samples, (ref.loss_i, ref.grad_loss_i)),
    (checks.gradient_descent_on_lab_data, (ref.gradient_descent,)),
    (checks.gradient_descent_weights_on_new_data, (ref.gradient_descent,)),
    (checks.gradient_descent_losses_on_new_data, (ref.gradient_descent,)),
    (checks.minibatch_structure, (ref.minibatch_gradient_descent,)),
    (checks.minibatch_on_identical_points, (ref.minibatch_gradient_descent,)),
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
    ("minibatch_on_identical_points", (ref.minibatch_gradient_descent,), "minibatch_same_points"),
    ("df_explicit_matches_reference", (ref.df_explicit,), "df_explicit"),
    ("df_autograd_matches_reference", (ref.df_autograd,), "df_autograd"),
]
_ids = lambda v: getattr(v, "__name__", "")  # noqa: E731


@pytest.mark.parametrize("check, functions", ALL_CHECKS, ids=_ids)
def test_reference_passes(check, functions):
    check(*functions, numbers=NUMBERS)


@pytest.mark.parametrize("check, functions", ALL_CHECKS, ids=_ids)
def test_reference_passes_on_other_draws(drawn, check, functions):
    for seed in SEEDS:
        drawn(seed)
        check(*functions)


@pytest.mark.parametrize("check, functions", ALL_CHECKS, ids=_ids)
def test_unfinished_answers_fail(check, functions):
    """A function whose body is still `...` returns None and must fail every check."""
    unfinished = [lambda *args: None for _ in functions]
    with pytest.raises(AssertionError):
        check(*unfinished, numbers=NUMBERS)


def test_numbers_file_is_up_to_date():
    assert not reference_numbers.stale("perceptron_gd")


def test_every_word_of_the_vocabulary_is_used():
    """A mistake no case stores must be named by the checks themselves, from what the code did."""
    stored = {key for section in ("cases", "examples") for group in NUMBERS[section].values()
              for case in group for found in case.get("mistakes", {}).values()
              for keys, _ in found for key in (keys if isinstance(keys, list) else [keys])}
    source = inspect.getsource(perceptron_gd).split("MISTAKES = vocabulary(", 1)[1].split("\n)\n", 1)[1]
    unused = {key for key in set(perceptron_gd.MISTAKES) - stored if f'"{key}"' not in source}
    assert not unused


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
    assert batches["first_loss"] == pytest.approx(5 * ln2)
    (whole,) = examples["minibatch_full_batch"]
    X, y = np.asarray(whole["X"]), np.asarray(whole["y"]).ravel()
    np.testing.assert_allclose(whole["w"], 0.1 * X.T @ (y - 0.5))
    (same,) = examples["minibatch_same_points"]
    assert len({tuple(row) for row in same["X"]}) == 1 and len(same["X"]) % same["batch_size"]
    assert [c["x"] for c in examples["df_explicit"]] == [0.0, 0.8]
    assert examples["df_explicit"][0]["df"] == 0.0
    slope = (ref.f(0.8 + 1e-6) - ref.f(0.8 - 1e-6)) / 2e-6
    assert examples["df_autograd"][0]["df"] == pytest.approx(slope, abs=1e-5)


def test_a_public_example_is_named_as_such():
    message = str(fails_with(checks.sigmoid_matches_reference, np.tanh, hint="tanh", example=True))
    assert message.startswith("On the example (x = [-ln 3, 0, ln 3]): ")
    message = str(fails_with(checks.sigmoid_matches_reference, np.tanh, hint="tanh"))
    assert message.startswith("On a hidden case (")


def test_any_seeded_batch_order_passes_the_public_check():
    """The public check of mini-batch descent holds for any seeded order; the hidden one does not."""
    for orders in ("fresh generator", "legacy", "unshuffled", "torch"):
        for name in ("minibatch_structure", "minibatch_full_batch_matches_gradient_descent",
                     "minibatch_on_identical_points"):
            getattr(checks, name)(minibatch_with(orders=orders), numbers=NUMBERS, example=True)
    fails_with(checks.minibatch_structure, minibatch_with(after=True),
               hint="losses[0] is not the loss at w = 0", example=True)


def test_the_example_where_order_cannot_matter_catches_what_one_batch_cannot():
    for mistake, hint in ((minibatch_with(stale=True), "computed once, at the start of the epoch"),
                          (minibatch_with(drop_last=True), "last, smaller batch")):
        checks.minibatch_full_batch_matches_gradient_descent(mistake, numbers=NUMBERS, example=True)
        fails_with(checks.minibatch_on_identical_points, mistake, hint=hint, example=True)


# --- the checks compute nothing ---------------------------------------------------------------

ALLOWED_IMPORTS = {"__future__", "numpy", "torch", "values", "cases", "", "autograder.grading_runtime.probes"}
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


# --- the known problems stay fixed ------------------------------------------------------------


def test_two_derivatives_that_agree_earn_nothing_without_the_right_values(drawn):
    """Two constant functions agree everywhere; agreement alone once earned two points."""
    constant = lambda x: 1.0  # noqa: E731
    for seed in SEEDS:
        drawn(seed)
        for check in (checks.df_explicit_matches_reference, checks.df_autograd_matches_reference):
            with pytest.raises(AssertionError):
                check(constant)
        with pytest.raises(AssertionError):
            checks.derivatives_agree(constant, constant)
    failure = fails_with(checks.derivatives_agree, ref.df_explicit, constant, hint="df_autograd(x) differs")
    assert failure.key == "unknown_mistake"


def test_a_gradient_that_agrees_with_its_own_wrong_loss_earns_nothing():
    """The pair (loss, its gradient) agreeing is no value check: a loss of 0 and a gradient of
    0 agree, and so do twice the loss and twice the gradient."""
    zero_loss = lambda w, x_i, y_i: 0.0  # noqa: E731
    zero_gradient = lambda w, x_i, y_i: np.zeros(3)  # noqa: E731
    fails_with(checks.grad_loss_i_at_other_samples, zero_loss, zero_gradient, hint="your own loss_i")

    def twice_the_loss(w, x_i, y_i):
        return 2 * ref.loss_i(w, x_i, y_i)

    def twice_the_gradient(w, x_i, y_i):
        return 2 * ref.grad_loss_i(w, x_i, y_i)

    failure = fails_with(checks.grad_loss_i_at_other_samples, twice_the_loss, twice_the_gradient,
                         hint="it is the slope of your own loss_i")
    assert failure.key == "unknown_mistake"
    # a right gradient passes whatever the loss is
    checks.grad_loss_i_at_other_samples(zero_loss, ref.grad_loss_i, numbers=NUMBERS)


def test_a_gradient_that_follows_a_known_wrong_loss_names_the_loss_mistake():
    def swapped(w, x_i, y_i):
        p = ref.sigmoid(w @ x_i)
        return -(y_i * np.log(1 - p) + (1 - y_i) * np.log(p))

    def its_gradient(w, x_i, y_i):
        """d/dw of -(y ln(1 - p) + (1 - y) ln p) = (y p - (1 - y)(1 - p)) x = (p + y - 1) x."""
        return (ref.sigmoid(w @ x_i) + y_i - 1) * x_i

    case = NUMBERS["cases"]["grad_loss_i"][0]
    sample = [np.asarray(case[k]) for k in ("w", "x_i", "y_i")]
    np.testing.assert_allclose(its_gradient(*sample), perceptron_gd._slopes_of(swapped, *sample),
                               rtol=1e-4, atol=1e-6)
    failure = fails_with(checks.grad_loss_i_at_other_samples, swapped, its_gradient,
                         hint="in loss_i, the two terms are swapped")
    assert failure.key == "loss_terms_swapped"


def test_float32_meets_no_log_of_zero_on_any_draw(drawn):
    """float32 lost three hidden points: NaN on the lab's run, a loss off at a large w . x."""
    for seed in SEEDS:
        drawn(seed)
        for check, function in ((checks.loss_i_matches_reference, loss_i_float32),
                                (checks.gradient_descent_on_lab_data, descent_float32),
                                (checks.gradient_descent_weights_on_new_data, descent_float32),
                                (checks.gradient_descent_losses_on_new_data, descent_float32),
                                (checks.minibatch_matches_seeded_order, minibatch_float32),
                                (checks.minibatch_full_batch_matches_gradient_descent, minibatch_float32)):
            check(function)


def test_the_lab_run_and_a_large_margin_cannot_be_hidden_cases():
    """What float32 failed on before: the reference refuses to draw it."""
    X, y = ref.generate_data(**ref.LAB_DATA)
    with pytest.raises(separation.NotSeparated):
        ref._descent_case("the lab's run", X, y, ref.LAB_ETA, ref.LAB_T)
    saved = ref.MAX_MARGIN
    ref.MAX_MARGIN = math.inf  # without the margin bound, the float32 proof refuses it
    try:
        with pytest.raises(separation.NotSeparated, match="float32"):
            ref._descent_case("the lab's run", X, y, ref.LAB_ETA, ref.LAB_T)
    finally:
        ref.MAX_MARGIN = saved
    w, x = ref._sample_at(np.random.default_rng(0), 11.7, 1.5)
    with pytest.raises(separation.NotSeparated, match="float32"):
        ref._loss_case("a sample labelled zero far on the wrong side", w, x, 0.0)


def test_epsilon_guards_pass_and_a_large_one_does_not():
    def guarded(eps, how):
        def loss_i(w, x_i, y_i):
            p = ref.sigmoid(np.dot(w, x_i))
            if how == "add":
                return -(y_i * np.log(p + eps) + (1 - y_i) * np.log(1 - p + eps))
            p = np.clip(p, eps, 1 - eps)
            return -(y_i * np.log(p) + (1 - y_i) * np.log(1 - p))

        return loss_i

    for eps in (1e-6, 1e-7, 1e-12):
        for how in ("add", "clip"):
            checks.loss_i_matches_reference(guarded(eps, how), numbers=NUMBERS)
    fails_with(checks.loss_i_matches_reference, guarded(1e-3, "add"), hint="differs from the reference")


def test_a_stale_gradient_is_not_told_its_batch_order_differs():
    """With one batch per epoch a stale gradient is right, so that probe alone cannot tell it
    from a batch order; the probe on identical points can."""
    failure = fails_with(checks.minibatch_matches_seeded_order, minibatch_with(stale=True),
                         hint="computed once, at the start of the epoch")
    assert failure.key == "batch_gradients_from_the_epochs_start"
    # a stale gradient with the last batch dropped too is no stored mistake: nothing is named
    failure = fails_with(checks.minibatch_matches_seeded_order, minibatch_with(stale=True, drop_last=True),
                         hint="differs from the reference")
    assert failure.key == "unknown_mistake" and "which points" not in str(failure)
    # another seeded shuffle is right where order cannot matter: its batches are named
    failure = fails_with(checks.minibatch_matches_seeded_order, minibatch_with(orders="torch"),
                         hint="which points make up each batch")
    assert failure.key == "batches_not_as_prescribed"


def test_hidden_labels_and_feedback_quote_no_input(drawn):
    """Hidden words are constant: the same failure on two draws says the same thing."""
    seen = []
    for seed in SEEDS[:2]:
        drawn(seed)
        with wording.hidden_test(), pytest.raises(AssertionError) as failure:
            checks.df_explicit_matches_reference(lambda x: 2 * x)
        seen.append(str(failure.value))
    assert seen[0] == seen[1] and "x = " not in seen[0], seen


# --- mistakes named from what the code did, only where nothing else explains it -------------


def test_y_not_flattened_is_named_only_when_a_flat_y_gives_the_right_answer():
    def broadcasting(X, y, eta, T):
        w = np.zeros(3)
        losses = []
        for _ in range(T):
            losses.append(ref.total_loss(w, X, y))
            w = w + eta * X.T @ (y - ref.sigmoid(X @ w))
        return w, losses

    def broadcasting_for_another_reason(X, y, eta, T):
        return np.zeros(3) + np.zeros((2, 2)), []

    failure = fails_with(checks.gradient_descent_weights_on_new_data, broadcasting, hint="Flatten y first")
    assert failure.key == "y_not_flattened"
    failure = fails_with(checks.gradient_descent_weights_on_new_data, broadcasting_for_another_reason,
                         hint="raised")
    assert failure.key != "y_not_flattened"


def test_writing_into_x_i_is_named_after_its_value_is_checked():
    def in_place(w, x_i, y_i):
        x_i *= ref.sigmoid(w @ x_i) - y_i
        return x_i

    def in_place_and_wrong(w, x_i, y_i):
        x_i *= y_i - ref.sigmoid(w @ x_i)
        return x_i

    for check in (checks.grad_loss_i_matches_reference,
                  lambda f, **kw: checks.grad_loss_i_at_other_samples(ref.loss_i, f, **kw)):
        failure = fails_with(check, in_place, hint="changed its input x_i in place")
        assert failure.key == "changed_its_input_in_place"
        failure = fails_with(check, in_place_and_wrong, hint="wrong sign")
        assert failure.key == "gradient_has_the_wrong_sign"


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


def test_the_lab_case_is_on_the_labs_data(drawn):
    X, y = ref.generate_data(**ref.LAB_DATA)
    for seed in SEEDS:
        (case,) = reference_numbers.draw("perceptron_gd", seed)["gradient_descent_lab"]
        # multivariate_normal goes through an SVD, whose last bits depend on the CPU
        np.testing.assert_allclose(np.asarray(case["X"]), X, rtol=1e-12, atol=1e-12)
        assert case["eta"] != ref.LAB_ETA


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


def test_hidden_runs_keep_the_margin_small():
    for seed in SEEDS:
        cases = reference_numbers.draw("perceptron_gd", seed)
        for group in ("gradient_descent_lab", "gradient_descent", "minibatch_gradient_descent",
                      "minibatch_full_batch"):
            for case in cases[group]:
                X = np.asarray(case["X"])
                assert np.abs(X @ np.asarray(case["w"])).max() <= ref.MAX_MARGIN, case["label"]
        for case in cases["loss_i"][:4]:
            assert 1.2 <= abs(np.dot(case["w"], case["x_i"])) <= 6.0, case["label"]


def test_a_blind_mistake_must_be_exactly_right_and_a_merge_exact():
    """What keeps feedback the same on every draw: blindness and merges come from the kind."""
    right = np.array([1.0, 2.0])
    with pytest.raises(separation.NotSeparated):
        ref._mistakes(right, [("mean_loss", right * (1 + 1e-7))], "losses")  # near, not exact
    with pytest.raises(separation.NotSeparated):
        ref._mistakes(right, [("mean_loss", right * 1.5)], "losses", blind=("mean_loss",))
    assert ref._mistakes(right, [("mean_loss", right)], "losses", blind=("mean_loss",)) == []
    merged = ref._mistakes(right, [("mean_loss", right * 2), ("loss_never_reset", right * 2)], "losses")
    assert merged == [[["mean_loss", "loss_never_reset"], [2.0, 4.0]]]
    with pytest.raises(separation.NotSeparated):
        ref._mistakes(right, [("mean_loss", right * 2), ("loss_never_reset", right * 2 * (1 + 1e-7))],
                      "losses")


# --- right answers in other styles --------------------------------------------------------------


def loss_i_float32(w, x_i, y_i):
    w, x_i, y_i = (np.asarray(a, dtype=np.float32) for a in (w, x_i, y_i))
    p = 1 / (1 + np.exp(-(w @ x_i)))
    return -(y_i * np.log(p) + (1 - y_i) * np.log(1 - p))


def descent_float32(X, y, eta, T):
    X, labels = X.astype(np.float32), y.ravel().astype(np.float32)
    w, losses = np.zeros(3, dtype=np.float32), []
    for _ in range(T):
        p = 1 / (1 + np.exp(-X @ w))
        losses.append(-np.sum(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
        w = w - np.float32(eta) * X.T @ (p - labels)
    return w, losses


def minibatch_float32(X, y, eta, epochs, batch_size, seed):
    rng = np.random.default_rng(seed)
    X, labels = X.astype(np.float32), y.ravel().astype(np.float32)
    w, losses = np.zeros(3, dtype=np.float32), []
    for _ in range(epochs):
        p = 1 / (1 + np.exp(-X @ w))
        losses.append(-np.sum(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
        order = rng.permutation(len(X))
        for k in range(0, len(X), batch_size):
            B = order[k:k + batch_size]
            w = w - np.float32(eta) * X[B].T @ (1 / (1 + np.exp(-X[B] @ w)) - labels[B])
    return w, losses


def test_float32_and_stable_styles_pass(drawn):
    def sigmoid32(x):
        return (1 / (1 + np.exp(-np.asarray(x, dtype=np.float32)))).astype(np.float32)

    def grad_sigmoid32(x):
        s = sigmoid32(x)
        return s * (1 - s)

    def stable_loss(w, x_i, y_i):
        z = float(np.dot(w, x_i))
        return float(y_i[0] * np.logaddexp(0, -z) + (1 - y_i[0]) * np.logaddexp(0, z))

    def df_explicit32(x):
        x = np.float32(x)
        u = x * x + np.exp(x * x)
        return 2 * x * (1 + np.exp(x * x)) * (np.float32(0.5) / np.sqrt(u) - np.sin(u))

    def df_autograd32(x):
        t = torch.tensor(x, requires_grad=True)
        c = t**2 + torch.exp(t**2)
        (torch.sqrt(c) + torch.cos(c)).backward()
        return t.grad  # a 0-dim float32 tensor

    for seed in SEEDS:
        drawn(seed)
        checks.sigmoid_matches_reference(sigmoid32)
        checks.grad_sigmoid_matches_reference(grad_sigmoid32)
        checks.loss_i_matches_reference(stable_loss)
        checks.loss_i_matches_reference(loss_i_float32)
        checks.df_explicit_matches_reference(df_explicit32)
        checks.df_autograd_matches_reference(df_autograd32)
        checks.derivatives_agree(df_explicit32, df_autograd32)


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
                losses.append(ref._stable_loss(w, X, labels) / (N if mean_loss else 1))
            if per_sample:
                for i in range(N):
                    w = w - eta * ref.grad_loss_i(w, X[i], y[i])
            else:
                w = w - sign * eta * ref.total_gradient(w, X, y) / (N if mean_gradient else 1)
            if after:
                losses.append(ref.total_loss(w, X, y))
        return w, losses[:T]

    return gradient_descent


@pytest.mark.parametrize("mistake, hint", [
    (descent_with(sign=-1.0), "gradient ascent"),
    (descent_with(mean_gradient=True), "the gradient is averaged"),
    (descent_with(mean_gradient=True, mean_loss=True), "the gradient is averaged"),
    (descent_with(steps=-1), "one update too few"),
    (descent_with(steps=1), "one update too many"),
    (descent_with(per_sample=True), "every single sample"),
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


def test_a_single_update_names_merged_mistakes_as_possibilities():
    """On one update, one update too few returns w = 0: the case cannot tell the two apart."""
    single = {"cases": {"gradient_descent": [NUMBERS["cases"]["gradient_descent"][2]]}}
    assert single["cases"]["gradient_descent"][0]["label"] == "a single update"
    failure = fails_with(checks.gradient_descent_weights_on_new_data, descent_with(steps=-1),
                         hint="one of 2 mistakes", numbers=single)
    assert set(failure.key.split("|")) == {"returns_the_starting_w", "one_update_too_few"}


def minibatch_with(*, orders="prescribed", mean=False, drop_last=False, after=False, stale=False):
    """A mini-batch gradient descent with one of the known mistakes switched on."""

    def minibatch_gradient_descent(X, y, eta, epochs, batch_size, seed):
        N = X.shape[0]
        rng = np.random.default_rng(seed)
        if orders == "legacy":
            np.random.seed(seed)
        generator = torch.Generator().manual_seed(seed % 2**63)
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
            elif orders == "torch":
                order = torch.randperm(N, generator=generator).numpy()
            else:
                order = np.arange(N)
            p_start = ref.sigmoid(X @ w)
            for start in range(0, N, batch_size):
                batch = order[start:start + batch_size]
                if drop_last and len(batch) < batch_size:
                    break
                if stale:
                    grad = X[batch].T @ (p_start[batch] - y[batch, 0])
                else:
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
    (minibatch_with(stale=True), "computed once, at the start of the epoch"),
])
def test_minibatch_mistakes(drawn, mistake, hint):
    fails_with(checks.minibatch_matches_seeded_order, mistake, hint=hint)
    for seed in SEEDS:
        drawn(seed)
        with pytest.raises(AssertionError, match=hint.replace("(", r"\(").replace(")", r"\)")):
            checks.minibatch_matches_seeded_order(mistake)


def test_wrong_batch_order_keeps_the_full_batch_credit():
    """With one batch per epoch the order does not matter, so that test still passes."""
    for orders in ("fresh generator", "legacy", "unshuffled", "torch"):
        checks.minibatch_full_batch_matches_gradient_descent(minibatch_with(orders=orders),
                                                             numbers=NUMBERS)
    checks.minibatch_full_batch_matches_gradient_descent(minibatch_with(stale=True), numbers=NUMBERS)
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
    fails_with(checks.derivatives_agree, missing_chain_factor, ref.df_autograd, hint="factor 2x is missing")
    fails_with(checks.derivatives_agree, ref.df_explicit, autograd_on_exp_squared, hint="exp(2x)")


def test_messages_never_show_expected_numbers():
    failure = fails_with(checks.gradient_descent_on_lab_data, descent_with(steps=-1),
                         hint="one update too few")
    (case,) = NUMBERS["cases"]["gradient_descent_lab"]
    for value in case["w"] + case["losses"]:
        assert f"{value:.3f}" not in str(failure)


# --- the samples, on any draw ------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_grading(built_project):
    """``grade(sample, seed)``: the questions the sample loses on the hidden cases of ``seed``."""
    import nbformat

    import corpus
    from samples import answer_file

    built = built_project["perceptron_gd"]
    student = nbformat.read(built.student_dir / "perceptron_gd.ipynb", as_version=4)
    questions = corpus.questions_in_zip(built.autograder_zip)

    def grade(sample: str, seed: int) -> set[str]:
        namespace = corpus.notebook_namespace(student, answer_file("perceptron_gd", sample))
        checks_package.prepare_grading("perceptron_gd", seed)
        try:
            return {name for name, question in questions.items()
                    if corpus.failures(corpus.run_question(question, namespace))}
        finally:
            checks_package.forget_draws()

    return grade


def test_the_samples_lose_what_they_say_on_every_draw(sample_grading):
    from samples import declared

    loses = set(declared("perceptron_gd", "partly_wrong", "LOSES"))
    for seed in SEEDS:
        assert sample_grading("complete", seed) == set(), seed
        assert sample_grading("partly_wrong", seed) == loses, seed
