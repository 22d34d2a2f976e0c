"""The grader version of an assignment: the solution notebook and ``autograder.zip``.

The zip is otter's, with three changes: the grading runtime (``grading_runtime/``) and
its scripts replace otter's ``run_autograder``, ``setup.sh`` and ``run_otter.py``; the
runtime's limits travel in ``grading_runtime/settings.json``; and the Python environment
is pinned to the library versions recorded in the assignment's reference numbers, so
Gradescope grades with the very versions that made the expected values. PyTorch comes
from its CPU-only index, which keeps the grading image small.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder import checker_cell, reproducible
from autograder.grading_runtime.settings import SETTINGS_FILE, RuntimeSettings

TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
RUNTIME_DIR = Path(__file__).with_name("grading_runtime")
RUNTIME_PACKAGE = "grading_runtime"
ROOT_SCRIPTS = ("run_autograder", "setup.sh", "run_otter.py")  # at the zip's root
RUNTIME_SUFFIXES = (".py", ".json")


@dataclass(frozen=True)
class GradingEnvironment:
    """What the Gradescope image installs, derived from the reference numbers' versions."""

    python_version: str
    requirements: list[str]
    expected_versions: dict[str, str]


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
        expected_versions={"torch": torch_version, "numpy": versions["numpy"]},
    )


def runtime_entries(settings: RuntimeSettings) -> dict[str, bytes]:
    """The grading runtime as zip entries: its scripts at the root, the package beside them."""
    entries = {}
    for path in sorted(RUNTIME_DIR.iterdir()):
        if path.name in ROOT_SCRIPTS:
            entries[path.name] = path.read_bytes()
        elif path.is_file() and path.suffix in RUNTIME_SUFFIXES and path.name != SETTINGS_FILE:
            entries[f"{RUNTIME_PACKAGE}/{path.name}"] = path.read_bytes()
    entries[f"{RUNTIME_PACKAGE}/{SETTINGS_FILE}"] = settings.to_json().encode("utf-8")
    return entries


def zip_entries(otter_zip: Path, environment: GradingEnvironment) -> dict[str, bytes]:
    """otter's zip without compiled caches, with the grading runtime in place of otter's scripts."""
    entries = {
        name: data
        for name, data in reproducible.read_zip(otter_zip).items()
        if "__pycache__" not in name.split("/")
    }
    settings = RuntimeSettings(expected_versions=environment.expected_versions)
    entries.update(runtime_entries(settings))
    return entries


def finish_notebook(notebook: nbformat.NotebookNode, public_tests: dict[str, str], prefix: str):
    """Give one of otter's notebooks the checker cell and stable ids, in place."""
    checker_cell.add_checker_cell(notebook, public_tests)
    return reproducible.normalize_notebook(notebook, prefix)
