"""Checks: the code behind every test of a master notebook, public and hidden.

A test in a master notebook imports its assignment's checks as ``from autograder.checks
import <assignment>`` and calls one with the student's objects. Checks run in two places:

* in the judge, on Gradescope and in every local grading: the build ships this package in
  ``autograder.zip`` under its own name, with the assignment's reference module, and each
  student object is a proxy of the grading engine (see :mod:`.values`);
* in the student's notebook, for the public checks only: the notebook's first cell carries
  this package (without any hidden case or reference code), and the student's objects are
  the objects themselves.

Hidden cases are drawn for each submission: before the notebook runs, the judge calls
:func:`prepare_grading` with a seed made from the submitted file, and every check of that
grading reads the cases the reference drew from it (:func:`cases_for`). Without a draw (the
test suite, a tool) checks read the stored cases of ``reference/numbers/``. Public examples
are the notebook's own, the same for everyone.

A check raises ``AssertionError`` with feedback for the student when something is off.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

EXAMPLES_DIR = Path(__file__).with_name("examples")  # where the build puts the public examples

# The hidden cases of the grading under way, by assignment: set once by the judge, which
# grades one submission per process (see prepare_grading).
_drawn: dict[str, dict] = {}


def prepare_grading(assignment: str, seed: int) -> None:
    """Draw the hidden cases of one grading from ``seed``; the judge calls this once, before
    any student code runs, so that what the checks compare against is fixed by then."""
    from reference import numbers

    _drawn[assignment] = numbers.draw(assignment, seed)


def forget_draws() -> None:
    """Back to the stored cases (for tests that draw)."""
    _drawn.clear()


@lru_cache(maxsize=None)
def _stored(assignment: str, section: str) -> dict:
    """The stored hidden ``cases`` (from the reference numbers: the judge only) or the public
    ``examples`` (shipped beside this package, or read from the numbers in the repository)."""
    shipped = EXAMPLES_DIR / f"{assignment}.json"
    if section == "examples" and shipped.is_file():
        return json.loads(shipped.read_text(encoding="utf-8"))
    from reference import numbers

    return numbers.load(assignment)[section]


def cases_for(assignment: str, graded_name: str, numbers: dict | None = None, *,
              example: bool = False) -> list[dict]:
    """The hidden cases of one group (or, with ``example``, its public examples): from
    ``numbers`` if given, else this grading's draw, else the stored ones. A public example is
    marked ``public``."""
    section = "examples" if example else "cases"
    if numbers is not None:
        found = numbers[section]
    elif section == "cases" and assignment in _drawn:
        found = _drawn[assignment]
    else:
        found = _stored(assignment, section)
    cases = found[graded_name]
    return [{**case, "public": True} for case in cases] if example else cases
