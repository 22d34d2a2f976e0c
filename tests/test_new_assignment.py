"""Does ``autograder new`` start an assignment that builds, grades and passes the suite at once?"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import cli, scaffold
from scratch_project import REPO

# The generic tests that iterate over assignments, run on the new one in the scratch project.
GENERIC_TESTS = ["test_hidden_cases.py", "test_reference_numbers.py", "test_corpus.py",
                 "test_grading_outcomes.py", "test_build.py"]


def _toolkit_copy(destination: Path) -> Path:
    """A project with the toolkit, the reference code and the tests, and no assignment yet."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for folder in ("autograder", "reference", "tests"):
        shutil.copytree(REPO / folder, destination / folder, ignore=ignore)
    for numbers in (destination / "reference" / "numbers").glob("*.json"):
        numbers.unlink()
    shutil.copy(REPO / "pyproject.toml", destination)
    (destination / "assignments").mkdir()
    return destination


def _run(project: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """A command run in ``project`` with its own toolkit first on the path (not the installed one)."""
    environment = {**os.environ, "PYTHONPATH": str(project), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, *args], cwd=project, env=environment, capture_output=True,
                          text=True, timeout=timeout)


def test_a_new_assignment_builds_grades_and_passes_the_generic_tests(tmp_path):
    project = _toolkit_copy(tmp_path / "project")
    made = _run(project, "-m", "autograder", "new", "demo", "f", "g")
    assert made.returncode == 0, made.stderr
    assert (project / "reference" / "numbers" / "demo.json").is_file()
    built = _run(project, "-m", "autograder", "build", "demo")
    assert built.returncode == 0, built.stderr
    samples = sorted((project / "dist" / "demo" / "samples").glob("*.ipynb"))
    graded = _run(project, "-m", "autograder", "grade", "--assignment", "demo", "--jobs", "2",
                  "--out", str(tmp_path / "out"), *map(str, samples))
    assert graded.returncode == 0, graded.stderr
    grades = (tmp_path / "out" / "grades.csv").read_text(encoding="utf-8").splitlines()
    scores = {row["submission"]: row for row in csv.DictReader(grades)}
    assert float(scores["blank"]["total"]) == 0
    assert float(scores["complete"]["total"]) == float(scores["complete"]["max"]) == 6
    assert float(scores["partly_wrong"]["q1_f"]) == 0 and float(scores["partly_wrong"]["q2_g"]) == 3
    suite = _run(project, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "demo",
                 *[f"tests/{name}" for name in GENERIC_TESTS])
    assert suite.returncode == 0 and " passed" in suite.stdout, suite.stdout[-3000:]
    # without its folder, the rest of the scaffold is not an assignment any more
    shutil.rmtree(project / "assignments" / "demo")
    collected = _run(project, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--collect-only",
                     "tests/test_corpus.py", "tests/test_hidden_cases.py")
    listed = collected.stdout
    assert collected.returncode == 0 and "demo" not in listed and "error" not in listed.lower(), listed[-2000:]


@pytest.fixture
def project(tmp_path):
    """A project where ``autograder new`` may write: its reference and checks folders, one assignment."""
    for folder in ("reference", "autograder/checks", "assignments/taken"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "assignments" / "taken" / "taken.ipynb").write_text("{}")
    return tmp_path


@pytest.mark.parametrize("arguments, said", [
    (["taken", "f"], "there is already an assignment named 'taken': assignments/taken/"),
    (["2fast", "f"], "'2fast' is not a Python identifier"),
    (["lambda", "f"], "'lambda' is not a Python identifier"),
    (["fine", "f", "my-function"], "'my-function' is not a Python identifier"),
    (["fine", "f", "f"], "f named twice"),
])
def test_new_refuses_a_name_it_cannot_use_and_writes_nothing(project, capsys, arguments, said):
    before = sorted(project.rglob("*"))
    assert cli.main(["--root", str(project), "new", *arguments]) == 1
    assert said in capsys.readouterr().err
    assert sorted(project.rglob("*")) == before


def test_new_refuses_a_scaffold_that_would_overwrite_a_file(project, capsys):
    (project / "reference" / "fresh.py").write_text("# mine")
    assert cli.main(["--root", str(project), "new", "fresh", "f"]) == 1
    assert "reference/fresh.py exist" in capsys.readouterr().err
    assert (project / "reference" / "fresh.py").read_text() == "# mine"


def test_the_same_command_writes_the_same_files():
    assert scaffold.render("demo", ["f", "g"]) == scaffold.render("demo", ["f", "g"])


@pytest.mark.parametrize("command", [["reference"], ["build"], ["build", "--check"]])
def test_a_missing_assignment_folder_is_named_as_such(capsys, command):
    assert cli.main([*command, "nowhere"]) == 1
    error = capsys.readouterr().err
    assert "there is no assignments/nowhere/" in error and "autograder new nowhere" in error
