"""The grading image's last build step: fail unless the image can grade.

Run from the zip's root by ``setup.sh``. Exits non-zero, naming the problem, so Gradescope
reports a failed image build instead of failing later, at the first submission: a package
that does not import, one at another version than the one that made the reference numbers,
or a Python environment that the student's user cannot read.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from . import sandbox, settings

REQUIRED_MODULES = ["numpy", "torch", "IPython", "fastjsonschema", "nbformat", "matplotlib",
                    "psutil", "pyseccomp", "landlock"]


def problems(expected_versions: dict[str, str]) -> list[str]:
    found = []
    for name in REQUIRED_MODULES:
        try:
            module = importlib.import_module(name)
        except Exception as error:  # any import failure is a broken image
            found.append(f"cannot import {name}: {error}")
            continue
        wanted = expected_versions.get(name)
        if wanted and getattr(module, "__version__", None) != wanted:
            found.append(f"{name} is {getattr(module, '__version__', '?')}, expected {wanted}")
    return found


def unreadable_environment() -> list[str]:
    """Folders of the Python environment the student's user could not read (on Gradescope no
    mount namespace can show them to it, so the image must not need one)."""
    return [f"{path} is not readable by other users: the student's user could not run Python "
            "(install the environment under /opt)"
            for path in sandbox.python_paths() if not sandbox.others_can_read(path)]


def main() -> int:
    expected = settings.load(Path(__file__).resolve().parent).expected_versions
    found = problems(expected) + unreadable_environment()
    for problem in found:
        print(f"environment check: {problem}", file=sys.stderr)
    if not found:
        print("environment check: every package imports at its pinned version, and the "
              "student's user can read the Python environment")
    return 1 if found else 0
