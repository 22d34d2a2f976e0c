"""Do the hidden cases hold what every assignment promises, whatever the draw?

Each submission is graded on hidden cases drawn for it (``reference/<name>.py``'s
``hidden_cases(seed)``). For every assignment, and a spread of seeds:

* two submissions meet different hidden inputs, and the same submission the same ones;
* a case is described in words (no number, so no hidden input, in its label);
* every drawn case separates its known mistakes from the right answer (the reference
  proves it as it draws: a draw that could not is an error, see ``reference/separation.py``);
* every stored mistake has words in its checks, and every mistake that costs hidden points
  is one a public example catches, unless the reference says why it is hidden-only.
"""

from __future__ import annotations

import importlib
import re

import pytest

from reference import numbers as reference_numbers

ASSIGNMENTS = reference_numbers.known_assignments()
SEEDS = range(1, 13)


def _draws(assignment: str) -> dict[int, dict]:
    return {seed: reference_numbers.draw(assignment, seed) for seed in SEEDS}


@pytest.fixture(scope="module")
def draws():
    found = {}

    def of(assignment):
        if assignment not in found:
            found[assignment] = _draws(assignment)
        return found[assignment]

    return of


def _cases(cases_by_group: dict):
    for group, cases in cases_by_group.items():
        for index, case in enumerate(cases):
            yield group, index, case


def _mistake_keys(case: dict):
    for entries in case.get("mistakes", {}).values():
        for key, _ in entries:
            yield from (key if isinstance(key, list) else [key])


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_submission_meets_hidden_inputs_of_its_own(draws, assignment):
    drawn = draws(assignment)
    assert reference_numbers.draw(assignment, 1) == drawn[1], "a draw must depend on its seed alone"
    assert len({repr(cases) for cases in drawn.values()}) == len(drawn), "two seeds drew the same cases"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_hidden_cases_are_described_in_words(draws, assignment):
    """A label is shown to the student: it may say what kind of case it is, never an input."""
    for seed, cases in draws(assignment).items():
        for group, index, case in _cases(cases):
            assert not re.search(r"\d", case["label"]), f"seed {seed}, {group}[{index}]: {case['label']!r}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_stored_mistake_has_words(draws, assignment):
    vocabulary = importlib.import_module(f"autograder.checks.{assignment}").MISTAKES
    stored = reference_numbers.load(assignment)
    found = {key for section in ("cases", "examples") for _, _, case in _cases(stored.get(section, {}))
             for key in _mistake_keys(case)}
    for cases in draws(assignment).values():
        found |= {key for _, _, case in _cases(cases) for key in _mistake_keys(case)}
    assert found and found <= set(vocabulary), sorted(found - set(vocabulary))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_mistake_that_costs_hidden_points_is_caught_by_a_public_example_or_said_why_not(draws, assignment):
    """``HIDDEN_ONLY`` in the reference names, with a reason, each mistake no public example shows."""
    reference = importlib.import_module(f"reference.{assignment}")
    hidden_only = getattr(reference, "HIDDEN_ONLY", {})
    assert all(isinstance(reason, str) and len(reason) > 20 for reason in hidden_only.values())
    public = {key for _, _, case in _cases(reference_numbers.load(assignment).get("examples", {}))
              for key in _mistake_keys(case)}
    hidden = {key for cases in draws(assignment).values() for _, _, case in _cases(cases)
              for key in _mistake_keys(case)}
    unexplained = sorted(hidden - public - set(hidden_only))
    assert not unexplained, f"no public example shows, and HIDDEN_ONLY does not explain: {unexplained}"
    assert not set(hidden_only) & public, "listed as hidden-only, yet a public example shows it"
