"""Does every broken submission get a valid results file, a score and a message, in bounded time?"""

from __future__ import annotations

import nbformat
import pytest

from autograder import answers, report
from autograder.grade import grade_many, zip_settings
from autograder.grading_runtime import results as gradescope
from bad_submissions import SCENARIOS
from scratch_project import REPO

# Short limits keep the slow scenarios (loops, crashes) quick; the mechanism is the same.
LIMITS = {"cell_timeout_seconds": 10.0, "test_timeout_seconds": 10.0, "total_timeout_seconds": 150.0,
          "memory_limit_mb": 1024}


@pytest.fixture(scope="module")
def graded_bad_submissions(built_project, tmp_path_factory):
    assignment = built_project["mlp_intro"]
    folder = tmp_path_factory.mktemp("bad-submissions")
    student = nbformat.read(REPO / "student_release" / "mlp_intro" / "mlp_intro.ipynb", as_version=4)
    complete = answers.fill(student, answers.definitions(
        (REPO / "assignments" / "mlp_intro" / "samples" / "complete.py").read_text()))
    paths = {scenario.__name__: scenario(complete, folder) for scenario in SCENARIOS}
    settings = zip_settings(assignment.autograder_zip).replace(**LIMITS)
    outcomes = grade_many(assignment.autograder_zip, list(paths.values()), folder / "graded",
                          settings=settings, jobs=2)
    return {outcome.name: outcome for outcome in outcomes}


@pytest.mark.parametrize("scenario", list(SCENARIOS), ids=lambda s: s.__name__)
def test_bad_submission_is_reported_not_crashed(graded_bad_submissions, scenario):
    expect = SCENARIOS[scenario]
    outcome = graded_bad_submissions[scenario.__name__]
    assert gradescope.schema_errors(outcome.results) == []
    assert outcome.status == expect.status, outcome.results.get("output")
    scores = gradescope.question_scores(outcome.results)
    assert set(scores) >= expect.full_marks | expect.zero
    for question in expect.full_marks | (set(scores) if expect.all_full else set()):
        assert scores[question].score == scores[question].max_score, (question, report.feedback_text(outcome))
    for question in expect.zero:
        assert scores[question].score == 0, question
    readable = report.feedback_text(outcome)
    for words in expect.words:
        assert words in readable, readable
    assert outcome.seconds < LIMITS["total_timeout_seconds"] + 30
    assert outcome.results["output"].strip(), "every student gets a top-level message"


def test_the_whole_run_deadline_still_answers(built_project, tmp_path):
    """Past the whole-run limit, the runtime itself writes zero-point results and stops."""
    from autograder.grade import grade_one

    assignment = built_project["mlp_intro"]
    settings = zip_settings(assignment.autograder_zip).replace(total_timeout_seconds=3.0)
    outcome = grade_one(assignment.autograder_zip, assignment.built_samples_dir / "complete.ipynb", settings)
    assert outcome.status == "not graded"
    assert "Grading took longer than 3 s" in outcome.results["output"]
    assert gradescope.schema_errors(outcome.results) == []
    assert outcome.score == 0 and gradescope.question_scores(outcome.results)
    assert outcome.seconds < 60
