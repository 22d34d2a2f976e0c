"""Do mlp_intro's hidden checks accept the reference and reject an unfinished answer?

How they treat the many ways students write each function, right and wrong, is tested on the
corpus in tests/corpus/mlp_intro/ through the shipped tests (tests/test_corpus_mlp_intro.py).
"""

from __future__ import annotations

import pytest
from torch import nn

from autograder.checks import mlp_intro
from conftest import ThroughTheJudge

checks = ThroughTheJudge(mlp_intro)
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
