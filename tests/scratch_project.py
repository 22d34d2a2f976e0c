"""A scratch copy of the project for tests that build: the repository is never written."""

from __future__ import annotations

import shutil
from pathlib import Path

from autograder.catalog import discover

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT_NAMES = [a.name for a in discover(REPO)]


def copy_project(destination: Path, names: list[str]) -> Path:
    """A project root holding the named assignments' sources and committed releases."""
    for name in names:
        shutil.copytree(REPO / "assignments" / name, destination / "assignments" / name)
        release = REPO / "student_release" / name
        if release.is_dir():
            shutil.copytree(release, destination / "student_release" / name)
    return destination
