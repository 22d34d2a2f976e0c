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

import json
from functools import lru_cache
from pathlib import Path

EXAMPLES_DIR = Path(__file__).with_name("examples")  # where the build puts the public examples


@lru_cache(maxsize=None)
def _stored(assignment: str, section: str) -> dict:
    """The hidden ``cases`` (from the reference numbers: the judge only) or the public
    ``examples`` (shipped beside this package, or read from the numbers in the repository)."""
    shipped = EXAMPLES_DIR / f"{assignment}.json"
    if section == "examples" and shipped.is_file():
        return json.loads(shipped.read_text(encoding="utf-8"))
    from reference import numbers

    return numbers.load(assignment)[section]


def cases_for(assignment: str, graded_name: str, numbers: dict | None = None, *,
              example: bool = False) -> list[dict]:
    """The hidden cases of one group (or, with ``example``, its public examples): from
    ``numbers`` if given, else the stored ones. A public example is marked ``public``."""
    section = "examples" if example else "cases"
    cases = (numbers[section] if numbers is not None else _stored(assignment, section))[graded_name]
    return [{**case, "public": True} for case in cases] if example else cases
