"""Hidden checks: the code behind every hidden test, shipped inside ``autograder.zip``.

The build copies this package into the zip together with the reference numbers of the
assignment, as ``hidden_checks/numbers/<assignment>.json``. A hidden test in a master
notebook imports one check and calls it on the student's function; the check loads the
numbers and raises ``AssertionError`` with feedback for the student when something is off.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

NUMBERS_DIR = Path(__file__).with_name("numbers")


@lru_cache(maxsize=None)
def _packaged_cases(assignment: str) -> dict:
    path = NUMBERS_DIR / f"{assignment}.json"
    return json.loads(path.read_text(encoding="utf-8"))["cases"]


def cases_for(assignment: str, graded_name: str, numbers: dict | None = None) -> list[dict]:
    """The hidden cases of one graded function: from ``numbers`` if given, else the packaged file."""
    cases = numbers["cases"] if numbers is not None else _packaged_cases(assignment)
    return cases[graded_name]
