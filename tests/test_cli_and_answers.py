"""Does the command line say what went wrong, and do answers land in the right cells?"""

from __future__ import annotations

import os

import nbformat
import pytest

from autograder import answers, cli
from autograder.grading_runtime import results
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
    captured = capsys.readouterr()
    printed = captured.out
    assert "partly_wrong  10" in printed and "submission" in printed
    sandbox_line = next(line for line in captured.err.splitlines() if line.startswith("Sandbox for student code: "))
    if os.geteuid() == 0:
        assert sandbox_line.endswith("own user, namespaces, Landlock, seccomp, grading-wide limits, "
                                     "per-process limits"), sandbox_line
    assert "Sandbox of 1 grading: " in (tmp_path / "report.html").read_text()
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


# --- the options, as a table -----------------------------------------------------------------------
# Each row: the arguments (ROOT: a project with one assignment, `only_here`, never built;
# BUILT: the scratch project with mlp_intro built; OUT, NB, EXPORT, FILE: paths in tmp_path),
# the exit status, and what the error must say. Global options go before or after the command.

ONLY_HERE_NOT_BUILT = "only_here/autograder.zip does not exist"
OPTIONS = [
    (["--root", "ROOT", "grade", "--assignment", "only_here", "--out", "OUT", "NB"], 1, ONLY_HERE_NOT_BUILT),
    (["grade", "--root", "ROOT", "--assignment", "only_here", "--out", "OUT", "NB"], 1, ONLY_HERE_NOT_BUILT),
    (["grade", "--assignment", "only_here", "--out", "OUT", "--root", "ROOT", "NB"], 1, ONLY_HERE_NOT_BUILT),
    (["grade", "--assignment", "only_here", "--out", "OUT", "NB", "--root", "ROOT"], 1, ONLY_HERE_NOT_BUILT),
    (["build", "--root", "ROOT", "only_her"], 1, "did you mean 'only_here'"),
    (["--root", "ROOT", "build", "--check", "only_her"], 1, "did you mean 'only_here'"),
    (["grade", "--root", "BUILT", "--assignment", "mlp_intro", "--out", "FILE", "NB"], 1,
     "--out FILE is a file, not a folder"),
    (["grade", "--root", "BUILT", "--assignment", "mlp_intro", "--out", "EXPORT", "EXPORT"], 1,
     "--out EXPORT is the folder of submissions EXPORT itself"),
    (["grade", "--root", "BUILT", "--assignment", "mlp_intro", "--out", "EXPORT/submission_1/graded", "EXPORT"], 1,
     "which would be graded as a submission"),
    (["grade", "--root", "BUILT", "--assignment", "mlp_intro", "--out", "OUT", "NB", "missing.ipynb"], 1,
     "no such submission: missing.ipynb"),
    (["grade", "--root", "BUILT", "--assignment", "mlp_intr", "--out", "OUT", "NB"], 1, "did you mean 'mlp_intro'"),
    (["grade", "--root", "BUILT", "--assignment", "mlp_intro", "--jobs", "0", "--out", "OUT", "NB"], 2,
     "--jobs: must be at least 1, not 0"),
    (["grade", "--assignment", "mlp_intro", "NB"], 2, "the following arguments are required: --out"),
]


def test_grade_stops_before_grading_where_the_sandbox_refuses(built_project, tmp_path, monkeypatch, capsys):
    """Where the engine finds it cannot keep student code from the tests, ``grade`` says so in
    the engine's own sentence, with the fix, and grades nothing (no weaker sandbox, ever)."""
    from autograder import grade
    from autograder.grading_runtime import sandbox

    off = sandbox.Layer(False, "missing here")
    refused = sandbox.Isolation(off, off, off, off, off, refused=sandbox.refusal(
        sandbox.Isolation(off, off, off, off, off), grader_is_root=False, trusted=False))
    asked = []  # the engines' command lines

    def says_refused(grader):
        asked.append(grader._process.args)
        return refused

    monkeypatch.setattr(grade.Grader, "isolation", property(says_refused))
    assignment = built_project["mlp_intro"]
    code = cli.main(["grade", "--root", str(assignment.root), "--assignment", "mlp_intro",
                     "--out", str(tmp_path / "out"), str(assignment.built_samples_dir / "blank.ipynb")])
    assert code == 1 and "--trust-submissions" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    cli.main(["grade", "--root", str(assignment.root), "--assignment", "mlp_intro", "--trust-submissions",
              "--out", str(tmp_path / "out"), str(assignment.built_samples_dir / "blank.ipynb")])
    assert "--trust-submissions" not in asked[0] and "--trust-submissions" in asked[-1], \
        "the flag reaches the engine's check"


def test_the_engine_itself_reports_its_sandbox(built_project):
    """The check asks the zip's engine on this machine, as a grading would set itself up."""
    from autograder.grade import Grader

    with Grader(built_project["mlp_intro"].autograder_zip) as grader:
        isolation = grader.isolation
    assert isolation.refused == ""
    if os.geteuid() == 0:  # here: root, with namespaces, Landlock and seccomp
        assert isolation.user.active and isolation.namespaces.active and isolation.seccomp.active


@pytest.mark.parametrize("argv, code, says", OPTIONS, ids=[" ".join(row[0]) for row in OPTIONS])
def test_the_command_line_options(argv, code, says, built_project, tmp_path, monkeypatch, capsys):
    root = tmp_path / "project"
    (root / "assignments" / "only_here").mkdir(parents=True)
    (root / "assignments" / "only_here" / "only_here.ipynb").write_text("{}")
    (tmp_path / "EXPORT" / "submission_1").mkdir(parents=True)
    (tmp_path / "FILE").write_text("not a folder")
    (tmp_path / "NB").write_bytes(STUDENT.read_bytes())
    places = {"ROOT": str(root), "BUILT": str(built_project["mlp_intro"].root)}
    monkeypatch.chdir(tmp_path)
    try:
        found = cli.main([places.get(arg, arg) for arg in argv])
    except SystemExit as exit:  # argparse's own usage errors
        found = exit.code
    assert (found, says in capsys.readouterr().err) == (code, True)
    assert not (tmp_path / "OUT").exists(), "a refused command writes nothing"
    assert sorted(p.name for p in (tmp_path / "EXPORT").rglob("*")) == ["submission_1"]


# --- what each option of `grade` changes, as a table -----------------------------------------------
# Each row: the options, a cell added at the end of the blank sample (or none), and what the
# grading must then say, read back from DIR/<submission>/results.json. The default run is a row
# too, so that each option's effect is shown against the same submission without it. Elsewhere:
# --root before or after the command, --out and --jobs 0 in OPTIONS above; --trust-submissions in
# test_grade_stops_before_grading_where_the_sandbox_refuses; --jobs and --regrade just below.

SLEEPS = "import time\ntime.sleep(60)\n"
ALLOCATES = "import numpy\nbig = numpy.ones(40_000_000)  # 320 MB\n"


def _notes(grading) -> str:
    return "\n".join([grading.message, *grading.notes])


LIMITS = [
    (["--timeout", "4"], SLEEPS,
     lambda g: g.status == "not graded" and "Grading took longer than 4 s and was stopped" in g.message),
    (["--cell-timeout", "2"], SLEEPS,
     lambda g: g.status == "graded" and "ran longer than 2 s and was stopped" in _notes(g)),
    (["--memory-mb", "150"], ALLOCATES, lambda g: g.status == "graded" and "ran out of memory" in _notes(g)),
    ([], ALLOCATES, lambda g: g.status == "graded" and "memory" not in _notes(g)),
]


def _with_cell(sample, source: str | None, path):
    notebook = nbformat.read(sample, as_version=4)
    if source is not None:
        notebook.cells.append(nbformat.v4.new_code_cell(source))
    nbformat.write(notebook, path)
    return path


def _grade(assignment, out, *submissions, options=()):
    code = cli.main(["grade", "--root", str(assignment.root), "--assignment", "mlp_intro", *options,
                     "--out", str(out), *map(str, submissions)])
    assert code == 0
    return {path.parent.name: results.read(path) for path in out.glob("*/results.json")}


@pytest.mark.parametrize("options, cell, holds", LIMITS, ids=[" ".join(row[0]) or "default" for row in LIMITS])
def test_each_limit_option_changes_the_grading(options, cell, holds, built_project, tmp_path):
    assignment = built_project["mlp_intro"]
    submission = _with_cell(assignment.built_samples_dir / "blank.ipynb", cell, tmp_path / "student.ipynb")
    (grading,) = _grade(assignment, tmp_path / "out", submission, options=options).values()
    assert holds(grading), _notes(grading)


def test_jobs_grade_side_by_side_with_the_same_grades(built_project, tmp_path):
    assignment = built_project["mlp_intro"]
    samples = sorted(assignment.built_samples_dir.glob("*.ipynb"))
    one = _grade(assignment, tmp_path / "one", *samples, options=["--jobs", "1"])
    two = _grade(assignment, tmp_path / "two", *samples, options=["--jobs", "2"])
    assert len(one) == len(samples) >= 3
    assert {name: g.question_scores() for name, g in one.items()} == \
        {name: g.question_scores() for name, g in two.items()}


def test_regrade_grades_unchanged_submissions_again(built_project, tmp_path):
    """Without --regrade an unchanged submission keeps its results file; with it, it is written anew."""
    assignment = built_project["mlp_intro"]
    sample, out = assignment.built_samples_dir / "partly_wrong.ipynb", tmp_path / "out"
    written = out / "partly_wrong" / "results.json"
    _grade(assignment, out, sample)
    first = written.stat().st_ino
    _grade(assignment, out, sample)
    assert written.stat().st_ino == first, "an unchanged submission is not graded again"
    _grade(assignment, out, sample, options=["--regrade"])
    assert written.stat().st_ino != first
