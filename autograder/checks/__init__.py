"""Checks: the code behind every test of a master notebook, public and hidden.

A test in a master notebook imports its assignment's checks as ``from autograder.checks
import <assignment>`` and calls one with the student's objects. Checks run in two places:

* in the judge, on Gradescope and in every local grading: the build ships this package in
  ``autograder.zip`` under its own name, with the reference numbers of the hidden cases
  (``reference/numbers/<assignment>.json``), and each student object is a proxy of the
  grading engine (see :mod:`.values`);
* in the student's notebook, for the public checks only: the notebook's first cell carries
  this package (without any numbers), and the student's objects are the objects themselves.

A check raises ``AssertionError`` with feedback for the student when something is off.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=None)
def _stored_cases(assignment: str) -> dict:
    from reference import numbers

    return numbers.load(assignment)["cases"]


def cases_for(assignment: str, graded_name: str, numbers: dict | None = None) -> list[dict]:
    """The hidden cases of one graded function: from ``numbers`` if given, else the stored file."""
    cases = numbers["cases"] if numbers is not None else _stored_cases(assignment)
    return cases[graded_name]
