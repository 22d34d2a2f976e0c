"""The grading image's last build step: fail unless every package imports at its pinned version.

Run as ``python -m grading_runtime.environment_check`` from the zip's root. Exits non-zero,
naming the problem, so Gradescope reports a failed image build instead of failing later,
at the first submission, with a missing module.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from . import settings

REQUIRED_MODULES = ["otter", "nbformat", "nbclient", "ipykernel", "jupyter_client", "jsonschema",
                    "numpy", "torch"]


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


def main() -> int:
    expected = settings.load(Path(__file__).resolve().parent).expected_versions
    found = problems(expected)
    for problem in found:
        print(f"environment check: {problem}", file=sys.stderr)
    if not found:
        print("environment check: all packages import at their pinned versions")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
