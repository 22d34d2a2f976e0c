"""Where the assignments live, and where each one's outputs go."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from autograder.errors import UnknownAssignment


@dataclass(frozen=True)
class Assignment:
    """One assignment of the project rooted at ``root``."""

    name: str
    root: Path

    @property
    def source_dir(self) -> Path:
        return self.root / "assignments" / self.name

    @property
    def master(self) -> Path:
        return self.source_dir / f"{self.name}.ipynb"

    @property
    def samples_dir(self) -> Path:
        return self.source_dir / "samples"

    @property
    def student_dir(self) -> Path:
        return self.root / "student_release" / self.name

    @property
    def dist_dir(self) -> Path:
        return self.root / "dist" / self.name

    @property
    def autograder_zip(self) -> Path:
        return self.dist_dir / "autograder.zip"

    @property
    def solution_notebook(self) -> Path:
        return self.dist_dir / f"{self.name}.ipynb"

    @property
    def built_samples_dir(self) -> Path:
        return self.dist_dir / "samples"


# The project this toolkit was installed from (an editable install runs from the checkout).
INSTALLED_PROJECT = Path(__file__).resolve().parents[1]


def project_root(start: Path) -> Path:
    """The project: the nearest folder at or above ``start`` with an ``assignments/`` folder,
    else the project the toolkit is installed from, so commands work from any folder."""
    start = start.resolve()
    for folder in [start, *start.parents, INSTALLED_PROJECT]:
        if (folder / "assignments").is_dir():
            return folder
    raise UnknownAssignment(
        f"no assignments/ folder at or above {start}, nor in {INSTALLED_PROJECT} where the "
        "toolkit is installed",
        "pass the project folder with --root PROJECT",
    )


def discover(root: Path) -> list[Assignment]:
    """Every folder under ``assignments/`` that holds its master notebook, sorted by name."""
    folders = sorted(p for p in (root / "assignments").iterdir() if p.is_dir())
    return [Assignment(p.name, root) for p in folders if (p / f"{p.name}.ipynb").is_file()]


def select(root: Path, names: list[str] | None) -> list[Assignment]:
    """The named assignments (all of them when ``names`` is empty)."""
    known = {a.name: a for a in discover(root)}
    if not names:
        return list(known.values())
    chosen = []
    for name in names:
        if name not in known:
            raise UnknownAssignment(*_why_unknown(root, name, sorted(known)))
        chosen.append(known[name])
    return chosen


def _why_unknown(root: Path, name: str, known: list[str]) -> tuple[str, str]:
    """What is missing for ``name`` to be an assignment of the project, and the remedy."""
    folder = root / "assignments" / name
    if folder.is_dir():
        return (f"assignments/{name}/ has no master notebook {name}.ipynb",
                f"add it, or start over with `autograder new {name} FUNCTION ...`")
    close = difflib.get_close_matches(name, known, n=1)
    hint = (f"did you mean {close[0]!r}?" if close else
            f"known: {', '.join(known) or 'none'}; `autograder new {name} FUNCTION ...` starts one")
    return f"there is no assignments/{name}/ in {root}", hint
