"""Is the submitted notebook found and vetted before anything of it runs? (No kernel needed.)"""

from __future__ import annotations

import zipfile

import nbformat
import pytest

from autograder.grading_runtime.submission import SubmissionProblem, graded_cells, locate, vet


def _notebook(name="mlp_intro"):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    notebook.metadata["otter"] = {"assignment_name": name}
    return notebook


def test_a_notebook_in_a_subfolder_is_found_and_checkpoints_are_not(tmp_path):
    (tmp_path / "homework").mkdir()
    nbformat.write(_notebook(), tmp_path / "homework" / "mine.ipynb")
    (tmp_path / "homework" / ".ipynb_checkpoints").mkdir()
    nbformat.write(_notebook(), tmp_path / "homework" / ".ipynb_checkpoints" / "mine-checkpoint.ipynb")
    assert locate(tmp_path) == tmp_path / "homework" / "mine.ipynb"


def test_a_zip_that_escapes_its_folder_is_refused(tmp_path):
    with zipfile.ZipFile(tmp_path / "sneaky.zip", "w") as archive:
        archive.writestr("../../outside.ipynb", nbformat.writes(_notebook()))
    with pytest.raises(SubmissionProblem, match="unsafe path"):
        locate(tmp_path)
    assert not (tmp_path.parent / "outside.ipynb").exists()


def test_a_corrupt_zip_is_named(tmp_path):
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(SubmissionProblem, match="not a valid zip"):
        locate(tmp_path)


def test_an_old_notebook_is_upgraded_with_a_note(tmp_path):
    path = tmp_path / "old.ipynb"
    path.write_text(nbformat.writes(nbformat.convert(_notebook(), 3), version=3))
    notebook, notes = vet(path, "mlp_intro")
    assert notebook["nbformat"] == 4 and [c.source for c in graded_cells(notebook)] == ["x = 1"]
    assert any("old format 3" in note for note in notes)


def test_a_notebook_without_an_assignment_name_is_graded_as_this_one(tmp_path):
    path = tmp_path / "fresh.ipynb"
    notebook = _notebook()
    del notebook.metadata["otter"]
    nbformat.write(notebook, path)
    _, notes = vet(path, "mlp_intro")
    assert any("did not say which assignment" in note for note in notes)


def test_another_assignments_notebook_is_refused(tmp_path):
    path = tmp_path / "other.ipynb"
    nbformat.write(_notebook("deep_mlps"), path)
    with pytest.raises(SubmissionProblem, match="for the assignment 'deep_mlps'"):
        vet(path, "mlp_intro")


def test_grading_runs_the_code_cells_but_exploration_and_the_checker_cell():
    notebook = {"cells": [
        {"cell_type": "code", "metadata": {}, "source": ["# @title Set up the public checks\n", "import otter"]},
        {"cell_type": "markdown", "metadata": {}, "source": "# Title"},
        {"cell_type": "code", "metadata": {}, "source": ["def f(x):\n", "    return x\n"]},
        {"cell_type": "code", "metadata": {"tags": ["otter_ignore"]}, "source": "train()"},
        {"cell_type": "code", "metadata": {"otter": {"ignore": True}}, "source": "plot()"},
        {"cell_type": "code", "metadata": {}, "source": "f(1)", "outputs": [{"text": "x" * 100}]},
    ]}
    cells = graded_cells(notebook)
    assert [(c.number, c.source) for c in cells] == [(3, "def f(x):\n    return x\n"), (6, "f(1)")]
