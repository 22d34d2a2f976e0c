"""The grader version of an assignment: the solution notebook and ``autograder.zip``.

The zip's Python environment is pinned to the library versions recorded in the assignment's
reference numbers, so Gradescope grades with the very versions that made the expected
values. PyTorch comes from its CPU-only index, which keeps the grading image small.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder import checker_cell, reproducible

TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"


@dataclass(frozen=True)
class GradingEnvironment:
    """What the Gradescope image installs, derived from the reference numbers' versions."""

    python_version: str
    requirements: list[str]


def grading_environment(versions: dict[str, str]) -> GradingEnvironment:
    torch_version = versions["torch"]
    if "+" not in torch_version:  # the CPU wheel is the "+cpu" local version on that index
        torch_version += "+cpu"
    major, minor, *_ = versions["python"].split(".")
    return GradingEnvironment(
        python_version=f"{major}.{minor}",
        requirements=[
            f"--extra-index-url {TORCH_CPU_INDEX}",
            f"torch=={torch_version}",
            f"numpy=={versions['numpy']}",
        ],
    )


def zip_entries(otter_zip: Path) -> dict[str, bytes]:
    """otter's zip without compiled Python caches."""
    return {
        name: data
        for name, data in reproducible.read_zip(otter_zip).items()
        if "__pycache__" not in name.split("/")
    }


def finish_notebook(notebook_path: Path, public_tests: dict[str, str], prefix: str):
    """Read one of otter's notebooks, give it the checker cell and stable ids."""
    notebook = nbformat.read(notebook_path, as_version=4)
    checker_cell.add_checker_cell(notebook, public_tests)
    return reproducible.normalize_notebook(notebook, prefix)
