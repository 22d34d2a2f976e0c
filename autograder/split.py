"""Split a master notebook into its student and grader versions with ``otter assign``.

The master owns the content (questions, tests, which files students get). The toolkit owns
how it is packaged, so the build merges the settings below into the master's
``# ASSIGNMENT CONFIG`` cell in a staged copy, after checking that the master does not set
them to something else. The grading engine, the checks and the reference numbers reach the
zip later, from :mod:`autograder.package`, not through otter.
"""

from __future__ import annotations

import contextlib
import io
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from autograder.catalog import Assignment
from autograder.errors import BuildError

CONFIG_MARKER = "# ASSIGNMENT CONFIG"
REQUIREMENTS_FILE = "requirements.txt"

# Settings the toolkit decides for every assignment, with the reason in a comment.
TOOLKIT_SETTINGS: dict = {
    "init_cell": False,  # the build adds its own checker cell (autograder.checker_cell)
    "export_cell": False,  # students upload the .ipynb itself
    "check_all_cell": False,  # each exercise ends with its own check cell
    "run_tests": False,  # the build grades the solution with the final zip instead
    "solutions_pdf": False,  # no LaTeX on the build machines
    "template_pdf": False,
    "tests": {"files": False, "ok_format": False},  # exception-based tests, kept in metadata
    "requirements": REQUIREMENTS_FILE,
    "overwrite_requirements": False,
    "generate": {
        "pdf": False,
        "show_hidden": True,  # hidden results appear once grades are published
        "force_public_test_summary": True,  # public results are visible at once
    },
}


@dataclass(frozen=True)
class SplitResult:
    """Paths into otter's output folder for one assignment."""

    student_dir: Path
    solution_notebook: Path
    autograder_zip: Path


def read_master(assignment: Assignment) -> nbformat.NotebookNode:
    try:
        return nbformat.read(assignment.master, as_version=4)
    except (OSError, ValueError) as error:
        raise BuildError(f"{assignment.master}: cannot read the notebook ({error})") from None


def _config_cell(master: nbformat.NotebookNode, assignment: Assignment):
    for cell in master.cells:
        if cell.cell_type == "raw" and cell.source.lstrip().startswith(CONFIG_MARKER):
            return cell
    raise BuildError(
        f"{assignment.master}: no raw cell starting with {CONFIG_MARKER!r}",
        "add the assignment configuration as the first raw cell",
    )


def _merge(master_config: dict, toolkit: dict, where: str, path: str = "") -> dict:
    merged = dict(master_config)
    for key, value in toolkit.items():
        dotted = f"{path}{key}"
        if isinstance(value, dict):
            inner = master_config.get(key) or {}
            if not isinstance(inner, dict):
                raise BuildError(f"{where}: `{dotted}` should be a mapping")
            merged[key] = _merge(inner, value, where, f"{dotted}.")
        elif key in master_config and master_config[key] != value:
            raise BuildError(
                f"{where}: the master sets `{dotted}: {master_config[key]!r}`, "
                "but the toolkit decides that setting",
                f"remove `{dotted}` from the assignment config",
            )
        else:
            merged[key] = value
    return merged


def assignment_config(master: nbformat.NotebookNode, assignment: Assignment,
                      python_version: str) -> dict:
    """The master's assignment config with the toolkit's settings merged in."""
    cell = _config_cell(master, assignment)
    where = f"{assignment.master} (assignment config)"
    body = cell.source.split("\n", 1)[1] if "\n" in cell.source else ""
    try:
        config = yaml.safe_load(body) or {}
    except yaml.YAMLError as error:
        raise BuildError(f"{where}: not valid YAML ({error})") from None
    if config.get("name") != assignment.name:
        raise BuildError(
            f"{where}: `name` is {config.get('name')!r}, expected {assignment.name!r}",
            "the name must match the folder, so submissions reach the right autograder",
        )
    return _merge(config, {**TOOLKIT_SETTINGS, "python_version": python_version}, where)


def stage(assignment: Assignment, python_version: str, staging: Path) -> Path:
    """Copy the master's folder into ``staging``, its config merged with the toolkit's settings.

    ``python_version`` is the grading image's Python.
    """
    master = read_master(assignment)
    config = assignment_config(master, assignment, python_version)
    cell = _config_cell(master, assignment)
    cell.source = CONFIG_MARKER + "\n" + yaml.safe_dump(config, sort_keys=True).rstrip()
    shutil.copytree(
        assignment.source_dir, staging,
        ignore=shutil.ignore_patterns("samples", "__pycache__", ".ipynb_checkpoints"),
    )
    (staging / REQUIREMENTS_FILE).write_text("", encoding="utf-8")  # the zip's requirements.txt is ours
    staged_master = staging / assignment.master.name
    nbformat.write(master, staged_master)
    return staged_master


def run_otter_assign(staged_master: Path, output: Path, assignment: Assignment) -> SplitResult:
    """Run ``otter assign`` on the staged master; its log is kept out of the way."""
    from otter.assign import main as otter_assign

    log = io.StringIO()
    otter_logger = logging.getLogger("otter")
    handler = logging.StreamHandler(log)
    otter_logger.addHandler(handler)
    try:
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            otter_assign(str(staged_master), str(output), no_pdfs=True, no_run_tests=True)
    except Exception as error:  # otter reports format errors with question and cell
        raise BuildError(f"{assignment.master}: otter assign failed: {error}") from None
    finally:
        otter_logger.removeHandler(handler)

    grader_dir, student_dir = output / "autograder", output / "student"
    zips = sorted(grader_dir.glob("*.zip"))
    if len(zips) != 1:
        raise BuildError(f"{assignment.master}: otter assign made {len(zips)} zip files, expected 1")
    return SplitResult(
        student_dir=student_dir,
        solution_notebook=grader_dir / assignment.master.name,
        autograder_zip=zips[0],
    )
