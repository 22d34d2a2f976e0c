"""Does each released notebook work on its own, as a student runs it on Colab or in Jupyter?

Each notebook runs top to bottom in a fresh kernel, in an empty folder: nothing beside it,
nothing installed beyond what the course asks for (torch, numpy, matplotlib). Its first
cell must then put in place everything the public checks and the notebook's cells need.
"""

from __future__ import annotations

import json
import os
import re
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder import answers
from autograder.checker_cell import GUARDED_CHECK_CELL, PUBLIC_TESTS_DIR, checked_question, public_tests, unpack
from autograder.grading_runtime.submission import CHECKER_CELL_TITLE, graded_cells
from samples import answers_of, declared
from scratch_project import ASSIGNMENT_NAMES, REPO

WHERE_THE_CHECKS_CAME_FROM = "import autograder\nprint(autograder.__file__)"


def released(name: str) -> nbformat.NotebookNode:
    return nbformat.read(REPO / "student_release" / name / f"{name}.ipynb", as_version=4)


def execute(notebook: nbformat.NotebookNode, folder: Path, *, exploration: bool = True) -> nbformat.NotebookNode:
    """Run every cell in order in a fresh kernel whose working folder is ``folder`` (without
    the exploration cells, tagged ``otter_ignore``, if ``exploration`` is false); a cell that
    fails does not stop the run, so that the test sees every cell's output."""
    if not exploration:
        notebook.cells = [c for c in notebook.cells if "otter_ignore" not in c.metadata.get("tags", [])]
    notebook.cells.append(nbformat.v4.new_code_cell(WHERE_THE_CHECKS_CAME_FROM))
    # torch's thread pool spins while it waits: one thread each keeps the kernels that the
    # suite runs side by side (and whatever else shares the machine) from starving each other
    with _environment(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1"):
        NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


@contextmanager
def _environment(**variables):
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def text_of(cell) -> str:
    return "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in cell.outputs)


def words(text: str) -> str:
    """``text`` with its lines joined: messages are wrapped to a notebook's width."""
    return " ".join(text.split())


def check_outputs(notebook) -> dict[str, str]:
    """What each ``grader.check("q...")`` cell printed, by question."""
    found = {}
    for cell in notebook.cells:
        question = checked_question(cell.source) if cell.cell_type == "code" else None
        if question:
            found[question] = text_of(cell)
    return found


def errors(notebook) -> list[tuple[str, str, str]]:
    return [(c.source[:60], o.get("ename"), o.get("evalue", "")[:200]) for c in notebook.cells
            if c.cell_type == "code" for o in c.outputs if o.get("output_type") == "error"]


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_the_set_up_step_comes_first_and_its_cell_is_a_screen_tall(name):
    notebook = released(name)
    instruction, set_up = notebook.cells[:2]
    assert instruction.cell_type == "markdown" and "run the set-up cell just below" in instruction.source
    how = next(c.source for c in notebook.cells if "How checking works" in c.source)
    assert "set-up cell" in how and "`autograder/` and `public_tests/`" in how
    lines = set_up.source.splitlines()
    # its first line is Colab's form title, and what grading knows it by
    assert lines[0].startswith("# @title Set up the public checks") and lines[0].startswith(CHECKER_CELL_TITLE)
    assert set_up.metadata["cellView"] == "form" and set_up.metadata["jupyter"]["source_hidden"]
    # about a screen of readable code, then the packed files on one line
    assert len(lines) <= 45 and max(map(len, lines[:-1])) <= 100
    files = unpack(set_up.source)["files"]
    assert {f"{PUBLIC_TESTS_DIR}/{q}.py" for q in public_tests(notebook)} <= set(files)
    assert "autograder/checks/notebook.py" in files
    # grading skips it (it is the notebook's second cell)
    assert 2 not in [c.number for c in graded_cells(json.loads(nbformat.writes(notebook)))]


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_every_check_cell_says_to_run_the_set_up_when_it_was_not(name):
    checks = [c.source for c in released(name).cells[2:] if c.cell_type == "code" and "grader.check(" in c.source]
    assert sorted(map(checked_question, checks)) == sorted(public_tests(released(name)))
    assert all(GUARDED_CHECK_CELL.match(source) for source in checks)


class _Runs(dict):
    """Each (assignment, sample) notebook run once for the module, on first use."""

    def __init__(self, folders):
        super().__init__()
        self._folders = folders

    def __missing__(self, key):
        name, sample = key
        notebook = released(name)
        if sample != "blank":
            notebook = answers.fill(notebook, answers_of(name, sample))
        folder = self._folders.mktemp(f"{name}-{sample}")
        assert not any(folder.iterdir())
        # a wrong notebook's exploration cells show nothing more about its checks: left out for time
        self[key] = (execute(notebook, folder, exploration=sample != "partly_wrong"), folder)
        return self[key]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return _Runs(tmp_path_factory)


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_a_correct_notebook_runs_top_to_bottom_in_an_empty_folder(runs, name):
    notebook, folder = runs[name, "complete"]
    assert not errors(notebook)
    checks = check_outputs(notebook)
    assert sorted(checks) == sorted(public_tests(released(name))), "a question has no check cell"
    for question, text in checks.items():
        assert re.match(rf"{question}: (all \d+ public checks|the public check) passed\.", text), text
    assert sorted(p.stem for p in (folder / PUBLIC_TESTS_DIR).glob("*.py")) == sorted(checks)
    # the checks ran from the files the first cell wrote, not from an installed toolkit
    written = folder / "autograder" / "__init__.py"
    assert Path(text_of(notebook.cells[-1]).strip()).resolve() == written.resolve()


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_an_unfinished_notebook_says_what_to_finish_and_nothing_fails_in_cascade(runs, name):
    notebook, _ = runs[name, "blank"]
    assert not errors(notebook)
    for question, text in check_outputs(notebook).items():
        # one sentence for an exercise not done yet, not one per check, and each answer once
        assert re.fullmatch(rf"{question}: (`\w+` is not finished yet \(it still has `...`\)\. ?)+",
                            words(text)), text
        named = re.findall(r"`(\w+)` is not finished", text)
        assert len(named) == len(set(named)), text
    outputs = [text_of(c) for c in notebook.cells if c.cell_type == "code"]
    waiting = [text for text in outputs if "first, then run this cell again" in words(text)]
    assert waiting, "no exploration cell waited for an exercise"
    for text in waiting:
        assert re.search(r"finish exercise \d+ first", words(text)), text
    for text in [*waiting, *check_outputs(notebook).values()]:
        assert max(len(line) for line in text.splitlines()) <= 100, text


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_a_wrong_notebook_hears_each_mistake_named_and_no_test_code(runs, name):
    notebook, _ = runs[name, "partly_wrong"]
    says = declared(name, "partly_wrong", "PUBLIC_CHECKS_SAY")
    checks = check_outputs(notebook)
    assert set(says) <= set(checks), f"PUBLIC_CHECKS_SAY names no check: {set(says) - set(checks)}"
    assert set(says) <= set(declared(name, "partly_wrong", "LOSES"))
    for question, text in checks.items():
        if question in says:
            assert re.match(rf"{question}: \d+ of \d+ public checks? passed\.", text), text
            assert says[question] in words(text), text
            for test_code in ("Error at line", "assert ", "Traceback", "at line "):
                assert test_code not in text, text
        else:
            assert re.match(rf"{question}: (all \d+ public checks|the public check) passed\.", text), text


def test_a_check_warns_at_once_about_an_import_the_grading_image_lacks(tmp_path):
    """A student who imports something grading cannot (here inside a function, so the cell
    runs) hears it from the next check, named once; scipy, which grading has, is not named."""
    name = ASSIGNMENT_NAMES[0]
    notebook = answers.fill(released(name), answers_of(name, "complete"))
    first_check = next(i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and checked_question(c.source))
    notebook.cells.insert(first_check, nbformat.v4.new_code_cell(
        "def faster():\n    import sklearn.linear_model\n    from scipy.special import expit\n    import sklearn"))
    notebook = execute(notebook, tmp_path, exploration=False)
    outputs = list(check_outputs(notebook).values())
    for text in outputs:
        assert re.findall(r"imports `(\w+)`", text) == ["sklearn"], text
        assert "which the grading machine does not have" in words(text), text
    assert not errors(notebook)
