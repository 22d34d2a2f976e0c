"""Is the build reproducible, leak-free and strict about its inputs?"""

from __future__ import annotations

import ast
import json
import shutil
import zipfile

import nbformat
import pytest

from autograder import build as build_stage
from autograder import cli, leaks
from autograder.catalog import Assignment
from autograder.errors import BuildError, StaleRelease
from scratch_project import ASSIGNMENT_NAMES, REPO, copy_project


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_building_twice_gives_identical_bytes(built_project, tmp_path, name):
    first = built_project[name]
    outputs = {"student": _tree(first.student_dir), "dist": _tree(first.dist_dir)}
    second = Assignment(name, copy_project(tmp_path, [name]))
    build_stage.build(second, verify_solution=False)
    assert _tree(second.student_dir) == outputs["student"]
    assert _tree(second.dist_dir) == outputs["dist"]


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_committed_student_release_is_up_to_date(built_project, name):
    """A stale student_release/ in the repository fails here: rebuild and commit."""
    assert _tree(built_project[name].student_dir) == _tree(REPO / "student_release" / name)


def test_check_catches_a_stale_release(tmp_path, capsys):
    root = copy_project(tmp_path, ["mlp_intro"])
    assignment = Assignment("mlp_intro", root)
    assert cli.main(["--root", str(root), "build", "--check", "mlp_intro"]) == 0
    notebook = assignment.student_dir / "mlp_intro.ipynb"
    notebook.write_text(notebook.read_text().replace("Exercise 1", "Exercise one"))
    with pytest.raises(StaleRelease, match="mlp_intro.ipynb"):
        build_stage.check(assignment)
    (assignment.student_dir / "leftover.txt").write_text("not built")
    assert cli.main(["--root", str(root), "build", "--check", "mlp_intro"]) == 1
    assert "leftover.txt" in capsys.readouterr().err


def _hidden_test_names(zip_path) -> set[str]:
    names = set()
    with zipfile.ZipFile(zip_path) as archive:
        for entry in archive.namelist():
            if entry.startswith("tests/"):
                tree = ast.parse(archive.read(entry).decode())
                for node in tree.body:
                    if isinstance(node, ast.FunctionDef) and any(
                        isinstance(d, ast.Call) and any(k.arg == "hidden" and getattr(k.value, "value", False)
                                                        for k in d.keywords)
                        for d in node.decorator_list
                    ):
                        names.add(node.name)
    return names


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_no_solution_or_hidden_test_reaches_student_release(built_project, name):
    master = nbformat.read(REPO / "assignments" / name / f"{name}.ipynb", as_version=4)
    secrets = set(leaks.solution_lines(master))
    hidden = _hidden_test_names(built_project[name].autograder_zip)
    assert secrets and hidden, "the leak check found nothing to look for"
    # Markdown instructions may quote formulas such as int(0.2 * N); code and metadata may not.
    notebook = json.loads((REPO / "student_release" / name / f"{name}.ipynb").read_text())
    code = [("".join(c["source"])) for c in notebook["cells"] if c["cell_type"] == "code"]
    others = [p.read_text(errors="replace") for p in (REPO / "student_release" / name).rglob("*")
              if p.is_file() and p.suffix != ".ipynb"]
    decoded = "\n".join([*code, json.dumps(notebook["metadata"]), *others])
    for marker in ["# BEGIN SOLUTION", "# SOLUTION", "# HIDDEN", "hidden_checks", "hidden=True"]:
        assert marker not in decoded, f"{marker!r} in student_release/{name}"
    # a formula the instructions spell out (the test set is int(0.2 * N) samples) is no secret,
    # even where the checks the notebook carries quote it in their feedback
    instructions = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    leaked = sorted(line for line in secrets if line in decoded and line not in instructions)
    assert not leaked, f"solution code in student_release/{name}: {leaked}"
    leaked_tests = sorted(test for test in hidden if test in decoded)
    assert not leaked_tests, f"hidden tests in student_release/{name}: {leaked_tests}"


def test_a_solution_line_in_the_release_stops_the_build_naming_where_it_came_from(tmp_path, monkeypatch):
    """A check whose advice quotes the solution, carried into the student notebook: the build
    stops, naming the line, the master's cell it is the solution of, and the carried file."""
    from autograder import package

    root = copy_project(tmp_path, ["mlp_intro"])
    master = nbformat.read(root / "assignments" / "mlp_intro" / "mlp_intro.ipynb", as_version=4)
    line, origin = next((line, origin) for line, origin in leaks.solution_lines(master).items()
                        if "q3_cross_entropy" in origin)
    library = package.student_library

    def advising(assignment, numbers, environment):
        carried = library(assignment, numbers, environment)
        carried["autograder/checks/mlp_intro.py"] += f"\nADVICE = 'It should be {line}.'\n"
        return carried

    monkeypatch.setattr(package, "student_library", advising)
    with pytest.raises(BuildError) as stopped:
        build_stage.build(Assignment("mlp_intro", root))
    said = str(stopped.value)
    assert f"`{line}`" in said and origin in said and "cell 39 of the master" in origin
    assert "autograder/checks/mlp_intro.py, which the notebook's set-up cell carries" in said
    assert not (root / "dist").exists()


def test_a_master_cannot_override_a_toolkit_setting(tmp_path):
    root = copy_project(tmp_path, ["mlp_intro"])
    master_path = root / "assignments" / "mlp_intro" / "mlp_intro.ipynb"
    master = nbformat.read(master_path, as_version=4)
    master.cells[0].source += "\nrun_tests: true"
    nbformat.write(master, master_path)
    with pytest.raises(BuildError, match="run_tests"):
        build_stage.build(Assignment("mlp_intro", root))
    assert not (root / "dist").exists()


def test_the_config_name_must_match_the_folder(tmp_path):
    root = copy_project(tmp_path, ["mlp_intro"])
    shutil.move(root / "assignments" / "mlp_intro", root / "assignments" / "renamed")
    (root / "assignments" / "renamed" / "mlp_intro.ipynb").rename(root / "assignments" / "renamed" / "renamed.ipynb")
    numbers = tmp_path / "numbers"
    numbers.mkdir()
    shutil.copy(REPO / "reference" / "numbers" / "mlp_intro.json", numbers / "renamed.json")
    with pytest.raises(BuildError, match="`name` is 'mlp_intro', expected 'renamed'"):
        build_stage.build(Assignment("renamed", root), numbers_dir=numbers)


def test_a_solution_that_fails_its_tests_stops_the_build_naming_the_question(tmp_path):
    root = copy_project(tmp_path, ["mlp_intro"])
    master_path = root / "assignments" / "mlp_intro" / "mlp_intro.ipynb"
    master = nbformat.read(master_path, as_version=4)
    for cell in master.cells:
        if "avg_loss = torch.mean(losses)" in cell.source:
            cell.source = cell.source.replace("avg_loss = torch.mean(losses)", "avg_loss = torch.sum(losses)")
    nbformat.write(master, master_path)
    with pytest.raises(BuildError, match="q3_cross_entropy") as failure:
        build_stage.build(Assignment("mlp_intro", root))
    assert "q1_approximate_function" not in str(failure.value).split("\n")[0]
    assert not (root / "dist").exists()


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_the_release_is_one_small_self_contained_notebook(built_project, name):
    """Nothing to upload beside the notebook: the data it reads travels in its first cell."""
    release = built_project[name].student_dir
    assert [p.name for p in release.iterdir()] == [f"{name}.ipynb"]
    assert (release / f"{name}.ipynb").stat().st_size < 512 * 1024


def test_data_too_large_to_carry_in_the_notebook_stops_the_build(tmp_path, monkeypatch):
    from autograder import package

    root = copy_project(tmp_path, ["deep_mlps"])  # the one assignment with data files
    monkeypatch.setattr(package, "MAX_NOTEBOOK_DATA_BYTES", 1024)
    with pytest.raises(BuildError, match="data files the notebook carries take"):
        build_stage.build(Assignment("deep_mlps", root))
