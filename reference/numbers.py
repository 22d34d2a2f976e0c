"""Generate, store and verify the reference numbers of each assignment.

A numbers file is JSON with the hidden cases of one assignment and the library versions that
made them. It is written deterministically (sorted keys, fixed layout), so regenerating it on
the same versions gives the same bytes, and a check can compare files byte for byte.
"""

from __future__ import annotations

import importlib
import json
import platform
from pathlib import Path

import numpy
import torch

from reference import ASSIGNMENT_MODULES

NUMBERS_DIR = Path(__file__).with_name("numbers")


class UnknownAssignment(KeyError):
    """Raised for an assignment that has no reference module."""


def library_versions() -> dict[str, str]:
    """The versions that shape the numbers; stored in every file."""
    return {
        "numpy": numpy.__version__,
        "python": platform.python_version(),
        "torch": torch.__version__,
    }


def generate(assignment: str) -> dict:
    """Run the reference implementations on the assignment's hidden cases."""
    try:
        module = importlib.import_module(ASSIGNMENT_MODULES[assignment])
    except KeyError:
        known = ", ".join(sorted(ASSIGNMENT_MODULES))
        raise UnknownAssignment(f"no reference module for {assignment!r} (known: {known})") from None
    torch.use_deterministic_algorithms(True)
    return {"assignment": assignment, "versions": library_versions(), "cases": module.hidden_cases()}


def render(numbers: dict) -> str:
    """The one textual form of a numbers file."""
    return json.dumps(numbers, indent=1, sort_keys=True, allow_nan=False) + "\n"


def path_for(assignment: str, numbers_dir: Path = NUMBERS_DIR) -> Path:
    return numbers_dir / f"{assignment}.json"


def write(assignment: str, numbers_dir: Path = NUMBERS_DIR) -> Path:
    """Regenerate and store the numbers of one assignment; returns the file written."""
    path = path_for(assignment, numbers_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(generate(assignment)), encoding="utf-8")
    return path


def stale(assignment: str, numbers_dir: Path = NUMBERS_DIR) -> bool:
    """Whether the stored file differs from what the reference code makes now."""
    path = path_for(assignment, numbers_dir)
    return not path.exists() or path.read_text(encoding="utf-8") != render(generate(assignment))


def load(assignment: str, numbers_dir: Path = NUMBERS_DIR) -> dict:
    return json.loads(path_for(assignment, numbers_dir).read_text(encoding="utf-8"))
