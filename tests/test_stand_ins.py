"""Is a stand-in lent for the call it is lent to, and no longer? (What the deep_mlps counter
counts is tested beside its checks, in test_deep_mlps_checks.py.)"""

from __future__ import annotations

import pytest
from torch import nn

from autograder.grading_runtime import stand_ins


def test_a_stand_in_is_lent_for_the_block_only_even_when_it_raises():
    model = nn.Linear(3, 2)
    with stand_ins.lent():
        assert stand_ins.count_linear_network(model) == 8
    with pytest.raises(RuntimeError), stand_ins.lent():
        raise RuntimeError("the student's function raised")
    with pytest.raises(stand_ins.NotLent, match="lent to hidden_units_for_budget"):
        stand_ins.count_linear_network(model)


def test_nested_lending_ends_with_the_outer_block():
    model = nn.Linear(2, 2)
    with stand_ins.lent():
        with stand_ins.lent():
            pass
        assert stand_ins.count_linear_network(model) == 6, "still lent: the outer call is under way"
    with pytest.raises(stand_ins.NotLent):
        stand_ins.count_linear_network(model)


def test_the_stand_ins_are_listed_by_the_name_of_what_they_stand_in_for():
    assert stand_ins.STAND_INS == {"count_parameters": stand_ins.count_linear_network}
