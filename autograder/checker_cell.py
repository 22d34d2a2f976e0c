"""The first cell of every built notebook: it sets up the public checks anywhere.

The cell carries in its own source everything the public checks need, and writes it next to
the notebook: the public tests (``public_tests/``), the checks they call with their helpers
and the notebook's examples (``autograder/``), and the small data files the notebook reads.
Then it makes ``grader`` (:class:`autograder.checks.notebook.PublicChecks`) and the guard
that tells a student which exercise to finish before a cell that needs it. Nothing is
installed and nothing is downloaded, so the one ``.ipynb`` works as it is in Jupyter, on
Colab or in VS Code, with or without a network.

Grading skips this cell: the judge runs the zip's own tests and checks, so nothing written
here is what a grade is computed from.
"""

from __future__ import annotations

import base64

import nbformat

from autograder.answers import ANSWER_CELL_TAG
from autograder.checks.notebook import cell_digest

PUBLIC_TESTS_DIR = "public_tests"
TITLE = "# @title Set up the public checks (run this cell first)"

TEMPLATE = '''\
{title}
# It writes next to this notebook the public tests, the checks they use and the data the
# notebook reads (it installs and downloads nothing), then creates `grader`.
import base64
import importlib.util
import pathlib


class SetupProblem(Exception):
    def _render_traceback_(self):  # Jupyter shows the sentence alone, with no traceback
        return [str(self)]


_missing = [_m for _m in ("torch", "numpy") if importlib.util.find_spec(_m) is None]
if _missing:
    raise SetupProblem(f"This notebook needs {{' and '.join(_missing)}}: run `pip install torch numpy` "
                       "in a terminal (or `%pip install torch numpy` in a cell), restart the kernel "
                       "and run this cell again.")

FILES = {{
{entries}
}}
try:
    for _path, (_kind, _content) in FILES.items():
        _file = pathlib.Path(_path)
        _file.parent.mkdir(parents=True, exist_ok=True)
        if _kind == "text":
            _file.write_text(_content, encoding="utf-8")
        else:
            _file.write_bytes(base64.b64decode(_content))
except OSError as _error:
    raise SetupProblem(f"The public checks could not be written next to this notebook ({{_error}}): "
                       "move the notebook to a folder you can write to and run this cell again.")

from autograder.checks.notebook import PublicChecks, guard_exploration

grader = PublicChecks("{tests_dir}")
guard_exploration(grader, cells={cells})
print("The public checks are ready: run each exercise's grader.check(...) cell after it.")'''


def public_tests(student: nbformat.NotebookNode) -> dict[str, str]:
    """The public test files otter stored in the student notebook's metadata, by question."""
    return dict(sorted(student.metadata.get("otter", {}).get("tests", {}).items()))


def files_of(tests: dict[str, str], library: dict[str, str], data: dict[str, bytes]) -> dict:
    """Every file the cell writes, by path: texts as they are, data as base64."""
    found = {f"{PUBLIC_TESTS_DIR}/{name}.py": ("text", source) for name, source in tests.items()}
    found |= {path: ("text", source) for path, source in library.items()}
    found |= {path: ("base64", base64.b64encode(content).decode("ascii")) for path, content in data.items()}
    return dict(sorted(found.items()))


def make_cell(tests: dict[str, str], library: dict[str, str], data: dict[str, bytes],
              guarded: list[str] = ()) -> nbformat.NotebookNode:
    """The cell; ``guarded``: the sources of the cells the guard watches (see ``guard_exploration``)."""
    entries = "\n".join(f"    {path!r}: {value!r}," for path, value in files_of(tests, library, data).items())
    digests = sorted({cell_digest(source) for source in guarded})
    cell = nbformat.v4.new_code_cell(TEMPLATE.format(title=TITLE, tests_dir=PUBLIC_TESTS_DIR, entries=entries,
                                                     cells=repr(digests)))
    cell.metadata = {
        "deletable": False,
        "editable": False,
        "jupyter": {"source_hidden": True},
        "cellView": "form",  # Colab shows the title and folds the code
    }
    return cell


def add_checker_cell(notebook: nbformat.NotebookNode, tests: dict[str, str], library: dict[str, str],
                     data: dict[str, bytes]) -> None:
    """Insert the checker cell at the top of ``notebook``, in place. The guard watches the
    notebook's own code cells but those that hold answers."""
    guarded = [cell.source for cell in notebook.cells if cell.cell_type == "code"
               and ANSWER_CELL_TAG not in cell.metadata.get("tags", [])]
    notebook.cells.insert(0, make_cell(tests, library, data, guarded))
