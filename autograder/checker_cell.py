"""The set-up step every built notebook starts with, and the check cells that rely on it.

The set-up cell carries in its own source, packed in its last line, everything the public
checks need, and writes it next to the notebook: the public tests (``public_tests/``), the
checks they call with their helpers and the notebook's examples (``autograder/``), and the
small data files the notebook reads. Then it makes ``grader``
(:class:`autograder.checks.notebook.PublicChecks`) and the guard that tells a student which
exercise to finish before a cell that needs it. Nothing is installed and nothing is
downloaded, so the one ``.ipynb`` works as it is in Jupyter, on Colab or in VS Code, with or
without a network. Packed, the cell is about a screen tall: a student who opens it reads
what it does above one line of data.

Above it, a sentence says to run it first; and each ``grader.check("q...")`` cell is
rewritten to say so itself when ``grader`` does not exist yet (the set-up cell skipped, or
the kernel restarted), instead of failing with a ``NameError``.

Grading skips the set-up cell (the engine knows it by its first line, ``TITLE``): the judge
runs the zip's own tests and checks, so nothing written here is what a grade is computed
from. While grading, ``grader`` is the engine's stand-in, so the check cells do nothing.
"""

from __future__ import annotations

import base64
import json
import re
import zlib
from typing import Sequence

import nbformat

from autograder.answers import ANSWER_CELL_TAG
from autograder.checks.notebook import WIDTH, cell_digest, fit

PUBLIC_TESTS_DIR = "public_tests"
# Colab shows a `# @title` line as the cell's title and hides the code; Jupyter shows the
# line as it is. The grading engine skips the cell whose first line starts with
# "# @title Set up the public checks" (submission.CHECKER_CELL_TITLE), as the first releases
# had it.
TITLE = "# @title Set up the public checks: run this cell first, and again after a restart"

INSTRUCTION = (
    "**Start here: run the set-up cell just below.**\n\n"
    "Click this text, then press Shift+Enter twice. Run the set-up cell again whenever you "
    "restart the kernel: the `grader.check(...)` cell that ends each exercise needs it to check "
    "your answer."
)

CHECK_CELL = re.compile(r'^grader\.check\("(\w+)"\)\s*$')
NOT_SET_UP = "Run the set-up cell at the top of the notebook first (again after a restart), then this cell."
GUARDED_CHECK = 'grader.check("{question}") if "grader" in globals() else print(\n    "{hint}")'
GUARDED_CHECK_CELL = re.compile(r'^grader\.check\("(\w+)"\) if "grader" in globals\(\) else print\(')

PRINTED_WIDTH = 84  # so that the cell's print(...) lines stay under a hundred characters too

TEMPLATE = '''\
{title}
# It writes next to this notebook what the public checks need: the public tests, the checks
# they call and the data the notebook reads, all packed in the cell's last line (it installs
# and downloads nothing). Then it makes `grader`, which each grader.check(...) cell uses.
import base64, importlib.util, json, pathlib, textwrap, zlib


class SetupProblem(Exception):
    def _render_traceback_(self):  # Jupyter shows the sentence alone, with no traceback
        return textwrap.wrap(str(self), {width})


def _set_up(packed):
    missing = [name for name in ("torch", "numpy") if importlib.util.find_spec(name) is None]
    if missing:
        raise SetupProblem(f"This notebook needs {{' and '.join(missing)}}: run `pip install "
                           "torch numpy` in a terminal (or `%pip install torch numpy` in a "
                           "cell), restart the kernel and run this cell again.")
    unpacked = json.loads(zlib.decompress(base64.b64decode(packed)))
    try:
        for path, (kind, content) in unpacked["files"].items():
            file = pathlib.Path(path)
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(base64.b64decode(content) if kind == "base64" else content.encode())
    except OSError as error:
        raise SetupProblem(f"The public checks could not be written next to this notebook "
                           f"({{error}}): move the notebook to a folder you can write to and run "
                           "this cell again.") from None
    from autograder.checks.notebook import PublicChecks, guard_exploration

    checks = PublicChecks("{tests_dir}")
    guard_exploration(checks, cells=unpacked["cells"])
{report}
    return checks


grader = _set_up(
    "{packed}")'''


def public_tests(student: nbformat.NotebookNode) -> dict[str, str]:
    """The public test files otter stored in the student notebook's metadata, by question."""
    return dict(sorted(student.metadata.get("otter", {}).get("tests", {}).items()))


def files_of(tests: dict[str, str], library: dict[str, str], data: dict[str, bytes]) -> dict:
    """Every file the cell writes, by path: texts as they are, data as base64."""
    found = {f"{PUBLIC_TESTS_DIR}/{name}.py": ("text", source) for name, source in tests.items()}
    found |= {path: ("text", source) for path, source in library.items()}
    found |= {path: ("base64", base64.b64encode(content).decode("ascii")) for path, content in data.items()}
    return dict(sorted(found.items()))


def pack(files: dict, guarded: list[str]) -> str:
    """The files and the guarded cells' digests as one line of text: JSON, compressed, base64
    (zlib rather than lzma: every Python a student may have can read it)."""
    document = json.dumps({"files": files, "cells": guarded}, sort_keys=True, separators=(",", ":"))
    return base64.b64encode(zlib.compress(document.encode("utf-8"), 9)).decode("ascii")


def unpack(cell_source: str) -> dict:
    """What a set-up cell's last line holds (the reverse of ``pack``)."""
    packed = cell_source.rstrip().rsplit("\n", 1)[-1].strip().removeprefix('"').removesuffix('")')
    return json.loads(zlib.decompress(base64.b64decode(packed)))


def _folders(paths) -> list[str]:
    """The names next to the notebook that writing ``paths`` creates: top folders, or files."""
    return sorted({path.split("/")[0] + ("/" if "/" in path else "") for path in paths})


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def report(data_paths) -> str:
    """What the cell prints once done, a paragraph a line: that ``grader`` is ready, and what
    the folders it wrote are, so that they do not puzzle the student in the file browser."""
    data = [name for name in _folders(data_paths) if name not in ("autograder/", f"{PUBLIC_TESTS_DIR}/")]
    written = f"This cell wrote autograder/ and {PUBLIC_TESTS_DIR}/ next to the notebook (the public checks)"
    if data:
        written += f" and {_listed(data)} (the data the notebook reads)"
    return ("The public checks are ready: run each exercise's grader.check(...) cell after the "
            f"exercise.\n{written}; leave them there: this cell writes them again each time it runs.")


def _print_statement(text: str) -> str:
    """``print(text)`` in the cell's source, one string literal per line the notebook shows."""
    lines = [line for paragraph in text.split("\n")
             for line in fit(paragraph, width=PRINTED_WIDTH).split("\n")]
    literals = [json.dumps(line + "\n") for line in lines[:-1]] + [json.dumps(lines[-1])]
    return "    print(" + "\n          ".join(literals) + ")"


def make_cell(tests: dict[str, str], library: dict[str, str], data: dict[str, bytes],
              guarded: Sequence[str] = ()) -> nbformat.NotebookNode:
    """The set-up cell; ``guarded``: the sources of the cells the guard watches (see
    ``guard_exploration``)."""
    digests = sorted({cell_digest(source) for source in guarded})
    cell = nbformat.v4.new_code_cell(TEMPLATE.format(
        title=TITLE, width=WIDTH, tests_dir=PUBLIC_TESTS_DIR, report=_print_statement(report(data)),
        packed=pack(files_of(tests, library, data), digests)))
    cell.metadata = {
        "deletable": False,
        "editable": False,
        "jupyter": {"source_hidden": True},
        "cellView": "form",  # Colab shows the title and folds the code
    }
    return cell


def checked_question(source: str) -> str | None:
    """The question a check cell checks, as otter wrote the cell or as the build guards it."""
    found = CHECK_CELL.match(source) or GUARDED_CHECK_CELL.match(source)
    return found.group(1) if found else None


def guard_check_cells(notebook: nbformat.NotebookNode) -> None:
    """Make each of otter's ``grader.check("q...")`` cells say, when ``grader`` does not exist
    yet, to run the set-up cell, instead of raising a ``NameError``; in place."""
    for cell in notebook.cells:
        found = CHECK_CELL.match(cell.source) if cell.cell_type == "code" else None
        if found:
            cell.source = GUARDED_CHECK.format(question=found.group(1), hint=NOT_SET_UP)


def add_checker_cell(notebook: nbformat.NotebookNode, tests: dict[str, str], library: dict[str, str],
                     data: dict[str, bytes]) -> None:
    """Put the set-up step at the top of ``notebook``, in place: the instruction, then the
    set-up cell; and guard the check cells. The exploration guard watches the notebook's own
    code cells but those that hold answers."""
    guard_check_cells(notebook)
    guarded = [cell.source for cell in notebook.cells if cell.cell_type == "code"
               and ANSWER_CELL_TAG not in cell.metadata.get("tags", [])]
    notebook.cells[0:0] = [nbformat.v4.new_markdown_cell(INSTRUCTION), make_cell(tests, library, data, guarded)]
