"""Does the released notebook work on its own, as a student runs it outside the grader?"""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from autograder import answers
from scratch_project import ASSIGNMENT_NAMES, REPO


def _run_without_exploration(notebook, folder):
    """Execute a notebook the way a student would, minus the slow exploration cells."""
    notebook.cells = [c for c in notebook.cells if "otter_ignore" not in c.metadata.get("tags", [])]
    NotebookClient(notebook, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


def _check_outputs(notebook):
    outputs = {}
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.startswith("grader.check("):
            text = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in cell.outputs)
            outputs[cell.source] = text
    return outputs


def _errors(notebook):
    return [(c.source[:60], o.get("ename")) for c in notebook.cells if c.cell_type == "code"
            for o in c.outputs if o.get("output_type") == "error"]


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_a_correct_student_sees_every_public_check_pass(name, tmp_path):
    student = nbformat.read(REPO / "student_release" / name / f"{name}.ipynb", as_version=4)
    complete = (REPO / "assignments" / name / "samples" / "complete.py").read_text()
    notebook = _run_without_exploration(answers.fill(student, answers.definitions(complete)), tmp_path)
    assert not _errors(notebook)
    checks = _check_outputs(notebook)
    assert checks, "no grader.check cells ran"
    for source, text in checks.items():
        assert "All test cases passed" in text, (source, text)
        assert "after you submit" in text, (source, text)
    assert sorted(p.stem for p in (tmp_path / "public_tests").glob("*.py")) == sorted(
        s.split('"')[1] for s in checks)


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_a_student_who_has_not_started_sees_failures_not_crashes(name, tmp_path):
    student = nbformat.read(REPO / "student_release" / name / f"{name}.ipynb", as_version=4)
    notebook = _run_without_exploration(student, tmp_path)
    checks = _check_outputs(notebook)
    assert checks and all("Test case failed" in text for text in checks.values()), checks
    assert not [e for e in _errors(notebook) if e[0].startswith(("grader.check", "# @title"))]
