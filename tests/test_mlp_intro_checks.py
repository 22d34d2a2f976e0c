"""Do mlp_intro's checks accept what is right on every draw, earn nothing from what the student
process says about itself, and name no cause they have not seen?

How they treat the many ways students write each function, right and wrong, is tested on the
corpus in tests/corpus/mlp_intro/ through the shipped tests (tests/test_corpus.py); the
generic promises of every assignment's hidden cases in tests/test_hidden_cases.py. Here: what
is particular to this assignment, each test named after the failure it would have caught.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

import corpus
from autograder import checks as checks_package
from autograder.checks import mlp_intro
from autograder.checks.values import CheckFailed
from autograder.grading_runtime import probes, wording
from conftest import ThroughTheJudge
from reference import mlp_intro as ref
from reference import numbers as reference_numbers
from samples import answer_file, declared

checks = ThroughTheJudge(mlp_intro)
NUMBERS = reference_numbers.load("mlp_intro")
SEEDS = (3, 17, 101, 2024)
ALL_CHECKS = [
    (checks.approximation_grid_and_relus, ref.approximate_function),
    (checks.approximation_matches_reference, ref.approximate_function),
    (checks.net_layers_named, ref.Net),
    (checks.net_forward_matches_reference, ref.Net),
    (checks.cross_entropy_matches_reference, ref.cross_entropy_loss),
    (checks.split_properties, ref.shuffle_and_split_data),
    (checks.split_matches_seeded_randperm, ref.shuffle_and_split_data),
]


@pytest.fixture
def drawn():
    """``drawn(seed)``: the checks read the hidden cases of that draw, as in one grading."""

    def draw(seed):
        checks_package.prepare_grading("mlp_intro", seed)
        return reference_numbers.draw("mlp_intro", seed)

    yield draw
    checks_package.forget_draws()


def _hidden_words(check, implementation, numbers=None) -> CheckFailed:
    """The failure ``check`` raises on ``implementation``, worded as a hidden test words it."""
    with wording.hidden_test(), pytest.raises(AssertionError) as failure:
        check(implementation, numbers)
    return failure.value


# --- the reference, and the contract's other right answers, on every draw -------------------------


@pytest.mark.parametrize("check, implementation", ALL_CHECKS, ids=lambda v: getattr(v, "__name__", ""))
def test_reference_passes_every_check_on_every_draw(check, implementation, drawn):
    check(implementation, NUMBERS)
    check(implementation, example=True)
    for seed in SEEDS:
        drawn(seed)
        check(implementation)


@pytest.mark.parametrize("check, implementation", ALL_CHECKS, ids=lambda v: getattr(v, "__name__", ""))
def test_an_unfinished_answer_fails_every_check(check, implementation):
    unfinished = (lambda *args: None) if implementation is not ref.Net else type(
        "Net", (nn.Module,), {"__init__": lambda self, *a: nn.Module.__init__(self)})
    with pytest.raises(AssertionError):
        check(unfinished, NUMBERS)


CONTRACT_VARIANTS = {  # float32 throughout, an epsilon in a log, scipy, a library shortcut
    "approximate_function": ["correct_tutorial_loops", "correct_numpy_interp_shortcut", "correct_scipy_interp1d"],
    "Net": ["correct_tutorial_sequential", "correct_module_list_and_names", "correct_double_precision"],
    "cross_entropy_loss": ["correct_tutorial_formula", "correct_softmax_then_guarded_log",
                           "correct_clipped_probabilities", "correct_scipy_logsumexp", "correct_scipy_log_softmax",
                           "correct_functional_cross_entropy"],
    "shuffle_and_split_data": ["correct_seeded_generator", "correct_random_split_indices"],
}
CHECKS_OF = {
    "approximate_function": [checks.approximation_grid_and_relus, checks.approximation_matches_reference],
    "Net": [checks.net_layers_named, checks.net_forward_matches_reference],
    "cross_entropy_loss": [checks.cross_entropy_matches_reference],
    "shuffle_and_split_data": [checks.split_properties, checks.split_matches_seeded_randperm],
}


@pytest.mark.parametrize("graded_name, variant_name",
                         [(g, v) for g, names in CONTRACT_VARIANTS.items() for v in names])
def test_what_the_contract_calls_correct_passes_on_every_draw(graded_name, variant_name, drawn):
    """float32, eps <= 1e-6 inside a log, scipy and library shortcuts: full credit whatever the draw."""
    variant = next(v for v in corpus.load("mlp_intro", graded_name) if v.name == variant_name)
    for seed in (*SEEDS, 7, 8, 9, 10):
        drawn(seed)
        for check in CHECKS_OF[graded_name]:
            check(variant.implementation)


def test_partly_wrong_loses_exactly_its_questions_under_any_draw(built_project, drawn):
    import nbformat

    questions = corpus.questions_in_zip(built_project["mlp_intro"].autograder_zip)
    released = nbformat.read(built_project["mlp_intro"].student_dir / "mlp_intro.ipynb", as_version=4)
    partly = corpus.notebook_namespace(released, answer_file("mlp_intro", "partly_wrong"))
    complete = corpus.notebook_namespace(released, answer_file("mlp_intro", "complete"))
    loses = set(declared("mlp_intro", "partly_wrong", "LOSES"))
    for seed in (5, 55, 555):
        drawn(seed)
        for name, question in questions.items():
            assert not corpus.failures(corpus.run_question(question, complete)), (seed, name)
            lost = corpus.failures(corpus.run_question(question, partly))
            assert bool(lost) == (name in loses), (seed, name, corpus.summary(lost))


# --- Net: points only for what the layers compute ------------------------------------------------------


class NoLayers(nn.Module):
    """A Net that builds nothing, and whose forward returns zeros of the right shape."""

    def __init__(self, actv, input_feature_num, hidden_unit_nums, output_feature_num):
        super().__init__()
        self.spec = (actv, input_feature_num, list(hidden_unit_nums), output_feature_num)

    def forward(self, x):
        return torch.zeros(x.shape[0], self.spec[3])


def _forged_layers(workspace, module):
    """What the cell of the attack puts in place of the ``module_layers`` probe: the contract's
    layers, described from the network's own arguments."""
    actv, n_in, hidden, n_out = module.spec
    widths = [n_in, *hidden, n_out]
    names = [f"Linear_{i}" for i in range(len(hidden))] + ["Output_Linear"]
    layers = [{"name": name, "path": name, "type": "Linear", "linear": True, "in_features": widths[i],
               "out_features": widths[i + 1]} for i, name in enumerate(names)]
    layers += [{"name": f"Activation_{i}", "path": f"Activation_{i}", "type": actv.split("(")[0],
                "linear": False} for i in range(len(hidden))]
    return {"is_module": True, "type": "Net", "layers": layers, "distinct_linear": len(names)}


def test_a_forged_layer_report_earns_nothing(monkeypatch):
    """A cell that replaces the inspections describing the network cannot pass a Net test for a
    network with no layers (the old structure test believed ``module_layers``)."""
    monkeypatch.setitem(probes.PROBES, "module_layers", _forged_layers)
    monkeypatch.setitem(probes.PROBES, "load_linear_weights", lambda workspace, module, weights: {"dtype": "float32"})
    for check in (checks.net_layers_named, checks.net_forward_matches_reference):
        for options in ({"numbers": NUMBERS}, {"example": True}):
            with pytest.raises(AssertionError, match="no nn.Linear layer named"):
                check(NoLayers, **options)


def test_the_net_checks_ask_no_probe_at_all(monkeypatch):
    def refuse(*args):
        raise RuntimeError("a Net check asked the student process to describe itself")

    for name in list(probes.PROBES):
        monkeypatch.setitem(probes.PROBES, name, refuse)
    checks.net_layers_named(ref.Net, NUMBERS)
    checks.net_forward_matches_reference(ref.Net, NUMBERS)


class LayersThatIgnoreTheirWeights(ref.Net):
    """The contract's names, but every Linear keeps its own weights whatever it is given."""

    def __init__(self, *args):
        super().__init__(*args)
        for module in self.modules():
            if isinstance(module, nn.Linear):
                module.load_state_dict = lambda *a, **k: None


def test_layers_are_judged_by_what_they_compute_with_the_judges_weights():
    failure = _hidden_words(checks.net_layers_named, LayersThatIgnoreTheirWeights, NUMBERS)
    assert "the output of Linear_0 differs from the reference" in str(failure)
    failure = _hidden_words(checks.net_forward_matches_reference, LayersThatIgnoreTheirWeights, NUMBERS)
    assert failure.key == "unknown_mistake"


class ExtraNamedLayer(ref.Net):
    """Registers its layers in the reverse order, and under a container of its own: still right."""

    def __init__(self, actv, input_feature_num, hidden_unit_nums, output_feature_num):
        super().__init__(actv, input_feature_num, hidden_unit_nums, output_feature_num)
        self.box = nn.ModuleDict({name: module for name, module in reversed(list(self.mlp.named_children()))})


def test_layers_are_found_by_name_wherever_and_in_whatever_order_they_are_registered():
    checks.net_layers_named(ExtraNamedLayer, NUMBERS)
    checks.net_forward_matches_reference(ExtraNamedLayer, NUMBERS)


# --- split: a cause only where the grader has seen it -----------------------------------------------


def test_a_test_fraction_of_eighty_percent_is_not_told_the_sets_are_swapped():
    def eighty_percent(X, y, seed):
        torch.manual_seed(seed)
        order = torch.randperm(len(X))
        test_size = int(0.8 * len(X))
        return X[order[:test_size]], y[order[:test_size]], X[order[test_size:]], y[order[test_size:]]

    for check in (checks.split_properties, checks.split_matches_seeded_randperm):
        failure = _hidden_words(check, eighty_percent, NUMBERS)
        assert failure.key == "test_set_is_eighty_percent" and "swapped" not in str(failure)


def test_an_unseeded_split_is_told_it_is_not_repeatable_even_when_it_once_looks_like_a_known_mistake():
    """An unseeded split may land, once, on the arrangement of a known mistake (the last fifth as
    test set: a one-in-five chance with a single test sample). It is told what it always does."""
    calls = []

    def unseeded(X, y, seed):
        calls.append(seed)
        order = torch.arange(len(X))
        if len(calls) % 2:  # the first call of each case: the "last part" arrangement of the seed
            order = torch.randperm(len(X), generator=torch.Generator().manual_seed(seed))
            test_size = int(0.2 * len(X))
            order = torch.cat([order[len(X) - test_size:], order[:len(X) - test_size]])
        test_size = int(0.2 * len(X))
        return X[order[:test_size]], y[order[:test_size]], X[order[test_size:]], y[order[test_size:]]

    failure = _hidden_words(checks.split_matches_seeded_randperm, unseeded, NUMBERS)
    assert failure.key == "split_not_repeatable", str(failure)


def test_hidden_split_cases_keep_at_least_five_samples(drawn):
    for seed in SEEDS:
        assert min(case["n_samples"] for case in drawn(seed)["shuffle_and_split_data"]) >= 5


def test_the_checks_lay_a_split_out_as_the_reference_does():
    assert mlp_intro.SPLIT_MARK == ref.SPLIT_MARK
    parts = tuple(np.asarray(p, dtype=np.float64) for p in ([[0, 1, 2]], [0], [[3, 4, 5]], [1]))
    assert np.array_equal(mlp_intro._arrangement(parts), ref.arrangement(np.array([0]), np.array([1])))


# --- what the notebook promises, kept ---------------------------------------------------------------


def test_the_public_cross_entropy_example_keeps_its_published_value():
    (example,) = NUMBERS["examples"]["cross_entropy_loss"]
    assert example["logits"] == ref.EXAMPLE_LOGITS and example["labels"] == ref.EXAMPLE_LABELS
    assert example["loss"] == pytest.approx(0.34672749, abs=1e-7)


def test_every_hidden_approximation_starts_at_zero_and_is_well_conditioned(drawn):
    """The instructions say the data starts at y = 0; the contract, that spacings and slopes are
    moderate, with a tolerance scaled to the values."""
    for seed in SEEDS:
        for case in drawn(seed)["approximate_function"]:
            xs = np.ravel(case["x_train"])
            assert case["y_train"][0] == [0.0] and np.all(np.diff(xs) > 0)
            gaps = np.diff(xs)
            assert gaps.max() / gaps.min() <= 3.0 + 1e-9
            slopes = np.diff(np.ravel(case["y_train"])) / gaps
            assert np.abs(slopes).max() < 10
