"""Does the command line say what went wrong, and do answers land in the right cells?"""

from __future__ import annotations

import nbformat
import pytest

from autograder import answers, cli
from scratch_project import REPO

STUDENT = REPO / "student_release" / "mlp_intro" / "mlp_intro.ipynb"


def test_unknown_assignment_suggests_the_close_name(capsys):
    assert cli.main(["--root", str(REPO), "build", "--check", "mlp_intr"]) == 1
    assert "did you mean 'mlp_intro'" in capsys.readouterr().err


def test_commands_find_the_project_from_any_folder(tmp_path, monkeypatch, capsys):
    """An instructor keeps submissions anywhere: outside the project, the installed one is used."""
    monkeypatch.chdir(tmp_path)
    assert cli.main(["grade", "--assignment", "mlp_intr", "--out", "out", "x.ipynb"]) == 1
    assert "did you mean 'mlp_intro'" in capsys.readouterr().err
    assert cli.main(["build", "--check", "deep_mlp"]) == 1
    assert "did you mean 'deep_mlps'" in capsys.readouterr().err


def test_without_any_project_the_error_names_the_flag(tmp_path, monkeypatch, capsys):
    from autograder import catalog

    monkeypatch.setattr(catalog, "INSTALLED_PROJECT", tmp_path / "elsewhere")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["build"]) == 1
    assert "--root PROJECT" in capsys.readouterr().err


def test_grading_before_building_says_to_build(tmp_path, capsys):
    root = tmp_path / "project"
    (root / "assignments" / "mlp_intro").mkdir(parents=True)
    (root / "assignments" / "mlp_intro" / "mlp_intro.ipynb").write_text("{}")
    code = cli.main(["--root", str(root), "grade", "--assignment", "mlp_intro",
                     "--out", str(tmp_path / "out"), str(STUDENT)])
    assert code == 1
    assert "run `autograder build` first" in capsys.readouterr().err


def test_grading_a_missing_submission_is_an_error(built_project, tmp_path, capsys):
    root = built_project["mlp_intro"].root
    code = cli.main(["--root", str(root), "grade", "--assignment", "mlp_intro",
                     "--out", str(tmp_path), str(tmp_path / "nope.ipynb")])
    assert code == 1
    assert "no such submission" in capsys.readouterr().err


def test_grade_command_writes_results_csv_and_a_table(built_project, tmp_path, capsys):
    assignment = built_project["mlp_intro"]
    sample = assignment.built_samples_dir / "partly_wrong.ipynb"
    code = cli.main(["--root", str(assignment.root), "grade", "--assignment", "mlp_intro",
                     "--out", str(tmp_path), str(sample)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "partly_wrong  10" in printed and "submission" in printed
    assert (tmp_path / "partly_wrong" / "results.json").is_file()
    assert (tmp_path / "grades.csv").read_text().splitlines()[1].startswith(",,,partly_wrong,graded,")


def test_answers_replace_only_the_named_definitions():
    student = nbformat.read(STUDENT, as_version=4)
    filled = answers.fill(student, answers.definitions("def cross_entropy_loss(x, labels):\n    return 42\n"))
    changed = [(a.source, b.source) for a, b in zip(student.cells, filled.cells) if a.source != b.source]
    assert len(changed) == 1
    before, after = changed[0]
    assert "return 42" in after and "return 42" not in before
    assert after.startswith("def cross_entropy_loss(x, labels):\n    return 42")


def test_an_answer_for_a_name_the_notebook_lacks_is_refused():
    student = nbformat.read(STUDENT, as_version=4)
    with pytest.raises(answers.AnswerError, match="no answer cell defines typo_function"):
        answers.fill(student, {"typo_function": "def typo_function():\n    pass"})


def test_regrading_skips_unchanged_submissions_unless_asked(built_project, tmp_path):
    from autograder.grade import grade_many

    assignment = built_project["mlp_intro"]
    submission = tmp_path / "student.ipynb"
    submission.write_bytes((assignment.built_samples_dir / "blank.ipynb").read_bytes())
    out = tmp_path / "out"
    (first,) = grade_many(assignment.autograder_zip, [submission], out, regrade=False)
    (again,) = grade_many(assignment.autograder_zip, [submission], out, regrade=False)
    assert not first.reused and again.reused and again.grading == first.grading
    submission.write_bytes((assignment.built_samples_dir / "complete.ipynb").read_bytes())
    (changed,) = grade_many(assignment.autograder_zip, [submission], out, regrade=False)
    assert not changed.reused and changed.score > first.score
