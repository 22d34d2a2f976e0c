"""The grading image's last build step: fail unless the image can grade.

The zip's ``requirements.txt`` is the one list of what the image holds: ``autograder build``
writes it (:func:`format_requirements`), ``setup.sh`` installs exactly what it lists, and this
check reads it back (:func:`read_requirements`). Every line pins one distribution; a line that
ends in ``# import NAME`` also names the module a grading imports from it::

    torch==2.13.0+cpu  # import torch
    sympy==1.14.0

``setup.sh`` runs ``main()`` with the image's Python, from the zip's root. It exits non-zero,
naming each problem, so that Gradescope reports a failed image build instead of failing at
the first submission: a distribution missing or at another version than its pin, a module
that does not import, a Python environment that the student's user cannot read, or a sandbox
that the engine would refuse to run student code in (asked of the engine itself, as every
grading asks it).
"""

from __future__ import annotations

import importlib
import re
import shutil
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import sandbox

REQUIREMENTS_FILE = "requirements.txt"  # at the zip's root, beside setup.sh
ZIP_ROOT = Path(__file__).resolve().parents[2]  # this file is autograder/grading_runtime/ in the zip
_LINE = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s#]+)"
                   r"\s*(?:#\s*import\s+(?P<module>[A-Za-z_][\w.]*))?\s*$")


@dataclass(frozen=True)
class Requirement:
    """One distribution of the image, pinned; ``module`` is what a grading imports from it
    (None for a distribution that is there only because another one needs it)."""

    distribution: str
    version: str
    module: str | None = None

    def line(self) -> str:
        pin = f"{self.distribution}=={self.version}"
        return f"{pin}  # import {self.module}" if self.module else pin


def format_requirements(requirements: list[Requirement], comment: str) -> str:
    """The requirements file: ``comment`` (each line made a comment), then one line each."""
    head = [f"# {line}".rstrip() for line in comment.strip().splitlines()]
    return "\n".join([*head, *(r.line() for r in requirements)]) + "\n"


def read_requirements(text: str) -> list[Requirement]:
    """The requirements a file lists; raises ``ValueError`` on a line that pins nothing."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.match(line.strip())
        if match is None:
            raise ValueError(f"line {number} of {REQUIREMENTS_FILE} is not `name==version` "
                             f"(optionally `  # import module`): {line.strip()!r}")
        found.append(Requirement(match["name"], match["version"], match["module"]))
    return found


def problems(requirements: list[Requirement]) -> list[str]:
    """What this Python lacks of ``requirements``: missing or other versions, failed imports."""
    found = []
    for requirement in requirements:
        pin = f"{requirement.distribution}=={requirement.version}"
        try:
            installed = metadata.version(requirement.distribution)
        except metadata.PackageNotFoundError:
            found.append(f"{requirement.distribution} is not installed (the zip pins {pin})")
            continue
        if installed != requirement.version:
            found.append(f"{requirement.distribution} is {installed}, but the zip pins {pin}")
        if requirement.module:
            try:
                importlib.import_module(requirement.module)
            except Exception as error:  # any import failure is a broken image
                found.append(f"cannot import {requirement.module} (from {pin}): "
                             f"{type(error).__name__}: {error}")
    return found


def unreadable_environment() -> list[str]:
    """Folders of the Python environment the student's user could not read (on Gradescope no
    mount namespace can show them to it, so the image must not need one)."""
    return [f"{path} is not readable by other users: the student's user could not run Python "
            "(install the environment where every user can read it, as the zip's setup.sh does "
            "under /opt)"
            for path in sandbox.python_paths() if not sandbox.others_can_read(path)]


def refused_sandbox() -> list[str]:
    """Why the engine would refuse to grade in this image, asked as a grading asks it (the
    student process set up once, then ended); nothing where it would grade. Imported here,
    after the package check, since it needs the whole engine."""
    from . import batch, settings

    slots_before = sandbox.SLOT_LOCKS.exists()
    try:
        isolation = batch.check_isolation(settings.load(ZIP_ROOT / "autograder" / "grading_runtime"))
    except Exception as error:  # any failure to set up a student process is a broken image
        return [f"the sandbox for student code could not be set up: {type(error).__name__}: {error}"]
    finally:
        if not slots_before:  # the image keeps nothing of the check under /tmp
            shutil.rmtree(sandbox.SLOT_LOCKS, ignore_errors=True)
    return [f"the engine would refuse to grade here: {isolation.refused}"] if isolation.refused else []


def main(argv: list[str] | None = None) -> int:
    """Check this Python against the requirements file (the zip's, unless ``argv`` names one)."""
    path = Path(argv[0]) if argv else ZIP_ROOT / REQUIREMENTS_FILE
    try:
        requirements = read_requirements(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"environment check: cannot read the image's requirements ({error})", file=sys.stderr)
        return 1
    found = problems(requirements) + unreadable_environment()
    if not found:
        found = refused_sandbox()
    for problem in found:
        print(f"environment check: {problem}", file=sys.stderr)
    if found:
        print(f"environment check: FAILED, {len(found)} problem(s): this image cannot grade",
              file=sys.stderr)
        return 1
    modules = sum(1 for r in requirements if r.module)
    print(f"environment check: the {len(requirements)} pinned distributions of {path.name} are "
          f"installed at their versions, its {modules} modules import, and the student's user "
          f"can read the Python environment ({sys.prefix}), where the sandbox for student code "
          f"can be set up")
    return 0
