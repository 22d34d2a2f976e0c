"""The bad-input corpus: each scenario turns a complete submission into a broken one.

A scenario is a function ``(complete_notebook, folder) -> Path`` that writes one submission
into ``folder`` and returns its path, plus what grading must make of it (``Expect``).
"""

from __future__ import annotations

import copy
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import nbformat


@dataclass(frozen=True)
class Expect:
    status: str  # "graded" or "not graded"
    full_marks: set[str] = field(default_factory=set)  # questions that keep every point
    zero: set[str] = field(default_factory=set)  # questions that score nothing
    words: tuple[str, ...] = ()  # must appear in what the student reads (output or feedback)
    all_full: bool = False
    limits_spent: int = 0  # time limits (of a cell or a test) the grading may wait out


def _write(notebook, folder: Path, name: str) -> Path:
    path = folder / f"{name}.ipynb"
    nbformat.write(notebook, path)
    return path


def _with_cell(notebook, source: str, before: str):
    """A copy with a code cell inserted before the first cell whose source contains ``before``."""
    changed = copy.deepcopy(notebook)
    index = next(i for i, c in enumerate(changed.cells) if before in c.source)
    changed.cells.insert(index, nbformat.v4.new_code_cell(source))
    return changed


def _edit_answer(notebook, name: str, edit: Callable[[str], str]):
    changed = copy.deepcopy(notebook)
    cell = next(c for c in changed.cells if c.cell_type == "code" and f"def {name}(" in c.source)
    cell.source = edit(cell.source)
    return changed


def not_json(nb, folder):
    path = folder / "not_json.ipynb"
    path.write_text("I could not get Jupyter to work, so here is my answer in words.")
    return path


def json_not_notebook(nb, folder):
    path = folder / "json_not_notebook.ipynb"
    path.write_text(json.dumps({"answers": [1, 2, 3]}))
    return path


def old_format(nb, folder):
    path = folder / "old_format.ipynb"
    path.write_text(nbformat.writes(nbformat.convert(copy.deepcopy(nb), 3), version=3))  # convert edits in place
    return path


def empty_notebook(nb, folder):
    return _write(nbformat.v4.new_notebook(metadata=copy.deepcopy(nb.metadata)), folder, "empty_notebook")


def renamed_function(nb, folder):
    return _write(_edit_answer(nb, "cross_entropy_loss",
                               lambda s: s.replace("def cross_entropy_loss(", "def my_cross_entropy(")),
                  folder, "renamed_function")


def deleted_function(nb, folder):
    changed = copy.deepcopy(nb)
    changed.cells = [c for c in changed.cells if "def approximate_function(" not in c.source]
    return _write(changed, folder, "deleted_function")


def syntax_error(nb, folder):
    return _write(_edit_answer(nb, "shuffle_and_split_data",
                               lambda s: s.replace("def shuffle_and_split_data(X, y, seed):",
                                                   "def shuffle_and_split_data(X, y, seed)")),
                  folder, "syntax_error")


def exception_in_a_cell(nb, folder):
    return _write(_with_cell(nb, "raise RuntimeError('my experiment broke')", "def approximate_function("),
                  folder, "exception_in_a_cell")


def endless_loop_in_a_cell(nb, folder):
    return _write(_with_cell(nb, "while True:\n    pass", "class Net("), folder, "endless_loop_in_a_cell")


def _loop_forever(notebook, name: str, signature: str):
    return _edit_answer(notebook, name, lambda s: s.replace(
        f"def {name}({signature}):", f"def {name}({signature}):\n    while True:\n        pass", 1))


def endless_loop_in_a_graded_function(nb, folder):
    return _write(_loop_forever(nb, "cross_entropy_loss", "x, labels"), folder,
                  "endless_loop_in_a_graded_function")


def endless_loops_in_two_graded_functions(nb, folder):
    """Two functions that never return, each called by several tests: one limit each."""
    looping = _loop_forever(_loop_forever(nb, "cross_entropy_loss", "x, labels"),
                            "shuffle_and_split_data", "X, y, seed")
    return _write(looping, folder, "endless_loops_in_two_graded_functions")


def cell_that_ignores_interrupts_and_sleeps(nb, folder):
    """A cell no interrupt can stop: it must be killed at its limit, and the rest graded."""
    source = ("import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
              "signal.signal(signal.SIGTERM, signal.SIG_IGN)\ntime.sleep(10**6)")
    return _write(_with_cell(nb, source, "class Net("), folder, "cell_that_ignores_interrupts_and_sleeps")


def sys_exit_in_a_cell(nb, folder):
    return _write(_with_cell(nb, "import sys\nsys.exit()", "class Net("), folder, "sys_exit_in_a_cell")


def os_exit_in_a_cell(nb, folder):
    return _write(_with_cell(nb, "import os\nos._exit(3)", "class Net("), folder, "os_exit_in_a_cell")


def kernel_crash(nb, folder):
    return _write(_with_cell(nb, "import ctypes\nctypes.string_at(0)", "class Net("), folder, "kernel_crash")


def memory_bomb(nb, folder):
    bomb = "hoard = []\nwhile True:\n    hoard.append(bytearray(50 * 1024 * 1024))"
    return _write(_with_cell(nb, bomb, "class Net("), folder, "memory_bomb")


def output_flood(nb, folder):
    return _write(_with_cell(nb, "for i in range(300000):\n    print('spam', i)", "class Net("),
                  folder, "output_flood")


def zip_holding_the_notebook(nb, folder):
    path = folder / "zip_holding_the_notebook.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("homework/mlp_intro.ipynb", nbformat.writes(nb))
        archive.writestr("__MACOSX/homework/._mlp_intro.ipynb", "resource fork")
    return path


def zip_without_a_notebook(nb, folder):
    path = folder / "zip_without_a_notebook.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("answers.py", "print('hi')")
    return path


def zip_with_two_notebooks(nb, folder):
    path = folder / "zip_with_two_notebooks.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mlp_intro.ipynb", nbformat.writes(nb))
        archive.writestr("mlp_intro_backup.ipynb", nbformat.writes(nb))
    return path


def another_assignment(nb, folder):
    changed = copy.deepcopy(nb)
    changed.metadata["otter"]["assignment_name"] = "perceptron_gd"
    return _write(changed, folder, "another_assignment")


ALL_QUESTIONS = {"q1_approximate_function", "q2_net", "q3_cross_entropy", "q4_shuffle_split"}


def OTHERS(*broken: str) -> set[str]:
    return ALL_QUESTIONS - set(broken)


SCENARIOS: dict[Callable, Expect] = {
    not_json: Expect("not graded", zero=ALL_QUESTIONS, words=("not a notebook", "not even JSON")),
    json_not_notebook: Expect("not graded", zero=ALL_QUESTIONS, words=("not a Jupyter notebook",)),
    old_format: Expect("graded", all_full=True, words=("old format 3",)),
    empty_notebook: Expect("graded", zero=ALL_QUESTIONS, words=("is not defined",)),
    renamed_function: Expect("graded", full_marks=OTHERS("q3_cross_entropy"), zero={"q3_cross_entropy"},
                             words=("`cross_entropy_loss` is not defined",)),
    deleted_function: Expect("graded", full_marks=OTHERS("q1_approximate_function"),
                             zero={"q1_approximate_function"}, words=("`approximate_function` is not defined",)),
    syntax_error: Expect("graded", full_marks=OTHERS("q4_shuffle_split"), zero={"q4_shuffle_split"}),
    exception_in_a_cell: Expect("graded", all_full=True),
    endless_loop_in_a_cell: Expect("graded", all_full=True, words=("was skipped",), limits_spent=1),
    endless_loop_in_a_graded_function: Expect("graded", full_marks=OTHERS("q3_cross_entropy"),
                                              zero={"q3_cross_entropy"}, words=("did not finish within",),
                                              limits_spent=1),
    endless_loops_in_two_graded_functions: Expect(
        "graded", full_marks=OTHERS("q3_cross_entropy", "q4_shuffle_split"),
        zero={"q3_cross_entropy", "q4_shuffle_split"}, words=("did not finish within",), limits_spent=2),
    cell_that_ignores_interrupts_and_sleeps: Expect("graded", all_full=True, words=("was skipped",),
                                                    limits_spent=1),
    sys_exit_in_a_cell: Expect("graded", all_full=True),
    os_exit_in_a_cell: Expect("graded", all_full=True, words=("was skipped",)),
    kernel_crash: Expect("graded", all_full=True, words=("was skipped",)),
    memory_bomb: Expect("graded", all_full=True, words=("ran out of memory", "was skipped")),
    output_flood: Expect("graded", all_full=True),
    zip_holding_the_notebook: Expect("graded", all_full=True),
    zip_without_a_notebook: Expect("not graded", zero=ALL_QUESTIONS, words=("No notebook",)),
    zip_with_two_notebooks: Expect("not graded", zero=ALL_QUESTIONS, words=("2 notebooks",)),
    another_assignment: Expect("not graded", zero=ALL_QUESTIONS, words=("'perceptron_gd'",)),
}
