"""Does the built autograder give every kind of submission the grade it deserves?"""

from __future__ import annotations

import csv

import pytest

from autograder import report
from autograder.grading_runtime import results as gradescope
from autograder.grade import questions_in
from conftest import landlock_abi
from samples import declared
from scratch_project import ASSIGNMENT_NAMES

def _scores(outcome):
    return outcome.grading.question_scores()


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
@pytest.mark.parametrize("stem", ["solution", "complete"])
def test_correct_notebooks_score_full_marks(graded_samples, built_project, name, stem):
    outcome = graded_samples[name][stem]
    possible = sum(questions_in(built_project[name].autograder_zip).values())
    assert outcome.status == "graded"
    lost = {q: s for q, s in _scores(outcome).items() if s[0] != s[1]}
    assert not lost, f"{stem} lost points: {lost}"
    assert outcome.score == pytest.approx(possible)


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_released_notebook_scores_zero_without_crashing(graded_samples, built_project, name):
    outcome = graded_samples[name]["blank"]
    assert outcome.status == "graded"
    scores = _scores(outcome)
    assert set(scores) == set(questions_in(built_project[name].autograder_zip))
    assert all(s[0] == 0 for s in scores.values()), scores
    assert outcome.score == 0


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_partly_wrong_loses_points_only_where_it_is_wrong(graded_samples, name):
    scores = _scores(graded_samples[name]["partly_wrong"])
    broken = set(declared(name, "partly_wrong", "LOSES"))
    assert broken <= set(scores), f"LOSES names no question of {name}: {broken - set(scores)}"
    for question, score in scores.items():
        if question in broken:
            assert score[0] < score[1], f"{question} should lose points"
        else:
            assert score[0] == score[1], f"{question} should keep full marks"


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_every_lost_point_comes_with_a_message(graded_samples, name):
    outcome = graded_samples[name]["partly_wrong"]
    for question in outcome.grading.questions:
        for case in question.cases:
            if not case.passed:
                assert len(case.message) > 20, (question.name, case.name, case.message)


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_results_visibility_follows_gradescope_rules(graded_samples, name):
    tests = gradescope.to_gradescope(graded_samples[name]["partly_wrong"].grading)["tests"]
    public = [t for t in tests if t["name"] == "Public Tests"]
    assert public and public[0]["visibility"] == "visible"
    assert all(t["visibility"] == "after_published" for t in tests if "max_score" in t)
    assert [t["visibility"] for t in tests if "max_score" not in t][1:] == ["hidden"], "the staff record"


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_public_results_show_no_hidden_test(graded_samples, name):
    tests = gradescope.to_gradescope(graded_samples[name]["partly_wrong"].grading)["tests"]
    public = next(t for t in tests if t["name"] == "Public Tests")["output"]
    hidden = [c.name for q in graded_samples[name]["partly_wrong"].grading.questions
              for c in q.cases if c.hidden]
    assert hidden and not [n for n in hidden if n in public]


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_staff_see_which_protections_the_student_code_ran_under(graded_samples, name):

    staff = graded_samples[name]["complete"].grading.staff
    isolation = staff.isolation
    assert isolation is not None
    assert isolation.refused == "" and isolation.seccomp.active
    assert isolation.landlock.active == (landlock_abi() > 0), "Landlock wherever this kernel has it"
    if __import__("os").geteuid() == 0:
        assert isolation.user.active and "unprivileged user of its own" in isolation.user.detail
        assert isolation.namespaces.active and isolation.grading_limits.active, isolation.line()
        assert staff.student_peak_memory_mb is not None and 0 < staff.student_peak_memory_mb < 400
    assert isinstance(staff.hidden_cases_seed, int)


def test_grades_csv_has_a_row_per_submission_and_a_column_per_question(graded_samples, built_project, tmp_path):
    outcomes = list(graded_samples["mlp_intro"].values())
    questions = questions_in(built_project["mlp_intro"].autograder_zip)
    path = tmp_path / "grades.csv"
    report.write_grades_csv(outcomes, questions, path)
    rows = list(csv.DictReader(path.read_text().splitlines()))
    assert [r["submission"] for r in rows] == [o.name for o in outcomes]
    assert list(rows[0]) == ["name", "sid", "email", "submission", "status", *questions, "total", "max", "message"]
    assert {r["name"] for r in rows} == {""}, "without export metadata the name columns are empty"
    partly = next(r for r in rows if r["submission"] == "partly_wrong")
    assert float(partly["total"]) == sum(float(partly[q]) for q in questions)
    assert float(partly["max"]) == sum(questions.values())


def test_summary_report_has_the_plots_and_each_questions_mean(graded_samples, built_project, tmp_path):
    outcomes = [graded_samples["mlp_intro"][stem] for stem in ("blank", "complete", "partly_wrong")]
    questions = questions_in(built_project["mlp_intro"].autograder_zip)
    path = report.write_summary(outcomes, questions, tmp_path, "mlp_intro")
    text = path.read_text()
    for image in ("score_distribution.png", "question_means.png"):
        assert (tmp_path / image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and image in text
    assert "mean score: 8.33, median 10, of 15" in text  # (0 + 15 + 10) / 3
    assert "| q3_cross_entropy | 3 | 1.00 |" in text  # only complete keeps q3
