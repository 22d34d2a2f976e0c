"""The first cell of every built notebook: it sets up the public checks anywhere.

otter's own init cell reads the public tests from the notebook file, which Colab does not
keep on disk. This cell carries the public tests in its source instead, with the checks
they call (``autograder/checks``, and the probes those use), writes both next to the
notebook, points ``grader`` at the tests, and installs otter-grader where it is missing.
Grading skips this cell: the judge runs the zip's own tests and checks, so nothing written
here is what a grade is computed from.
"""

from __future__ import annotations

import nbformat

OTTER_REQUIREMENT = "otter-grader==7.0.0"
PUBLIC_TESTS_DIR = "public_tests"

TEMPLATE = '''\
# @title Set up the public checks (run this cell first)
# It installs otter-grader where it is missing (for example on Colab), writes the public
# tests that travel inside this notebook to ./{tests_dir} and the checks they call to
# ./autograder, then creates `grader`.
import pathlib

try:
    import otter
except ModuleNotFoundError:
    %pip install --quiet {requirement}
    import otter

PUBLIC_TESTS = {{
{entries}
}}
CHECKS = {{
{library}
}}
pathlib.Path("{tests_dir}").mkdir(exist_ok=True)
for _name, _source in PUBLIC_TESTS.items():
    pathlib.Path("{tests_dir}", _name + ".py").write_text(_source, encoding="utf-8")
for _path, _source in CHECKS.items():
    pathlib.Path(_path).parent.mkdir(parents=True, exist_ok=True)
    pathlib.Path(_path).write_text(_source, encoding="utf-8")
grader = otter.Notebook(tests_dir="{tests_dir}")'''


def public_tests(student: nbformat.NotebookNode) -> dict[str, str]:
    """The public test files otter stored in the student notebook's metadata, by question."""
    return dict(sorted(student.metadata.get("otter", {}).get("tests", {}).items()))


def make_cell(tests: dict[str, str], library: dict[str, str]) -> nbformat.NotebookNode:
    entries = "\n".join(f"    {name!r}: {source!r}," for name, source in tests.items())
    files = "\n".join(f"    {path!r}: {source!r}," for path, source in sorted(library.items()))
    source = TEMPLATE.format(
        tests_dir=PUBLIC_TESTS_DIR, requirement=OTTER_REQUIREMENT, entries=entries, library=files
    )
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata = {
        "deletable": False,
        "editable": False,
        "jupyter": {"source_hidden": True},
        "cellView": "form",  # Colab shows the title and folds the code
    }
    return cell


def add_checker_cell(notebook: nbformat.NotebookNode, tests: dict[str, str],
                     library: dict[str, str]) -> None:
    """Insert the checker cell at the top of ``notebook``, in place."""
    notebook.cells.insert(0, make_cell(tests, library))
