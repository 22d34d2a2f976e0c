"""Does every broken submission get a valid results file, a score and a message, in bounded time?"""

from __future__ import annotations

import nbformat
import pytest

from autograder import answers
from autograder.grade import grade_many, grade_one, zip_settings
from autograder.grading_runtime import results as gradescope
from bad_submissions import SCENARIOS
from scratch_project import REPO

# Short limits keep the slow scenarios (loops, crashes) quick; the mechanism is the same.
LIMITS = {"cell_timeout_seconds": 8.0, "test_timeout_seconds": 8.0, "total_timeout_seconds": 150.0,
          "memory_limit_mb": 1024}
NORMAL_GRADING_SECONDS = 15  # a generous bound on grading this notebook without any limit hit


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
    return {outcome.name: outcome for outcome in outcomes}, folder / "graded"


@pytest.mark.parametrize("scenario", list(SCENARIOS), ids=lambda s: s.__name__)
def test_bad_submission_is_reported_not_crashed(graded_bad_submissions, scenario):
    expect = SCENARIOS[scenario]
    outcomes, folder = graded_bad_submissions
    outcome = outcomes[scenario.__name__]
    written = gradescope.read(folder / scenario.__name__ / "results.json")
    assert written == outcome.grading
    assert gradescope.schema_errors(gradescope.to_gradescope(outcome.grading)) == []
    assert outcome.status == expect.status, outcome.grading.message
    scores = outcome.grading.question_scores()
    assert set(scores) >= expect.full_marks | expect.zero
    readable = gradescope.readable(outcome.grading, outcome.name)
    for question in expect.full_marks | (set(scores) if expect.all_full else set()):
        assert scores[question][0] == scores[question][1], (question, readable)
    for question in expect.zero:
        assert scores[question][0] == 0, (question, readable)
    for words in expect.words:
        assert words in readable, readable
    bound = expect.limits_spent * LIMITS["cell_timeout_seconds"] + NORMAL_GRADING_SECONDS
    assert outcome.seconds < bound, f"{outcome.seconds:.1f} s: more than {expect.limits_spent} limit(s)"
    assert outcome.grading.message.strip(), "every student gets a top-level message"


def test_the_whole_run_deadline_still_answers(built_project, tmp_path):
    """Past the whole-run limit, the judge itself writes zero-point results and stops."""
    assignment = built_project["mlp_intro"]
    notebook = nbformat.read(assignment.built_samples_dir / "complete.ipynb", as_version=4)
    notebook.cells.insert(3, nbformat.v4.new_code_cell("import time\ntime.sleep(60)"))
    nbformat.write(notebook, tmp_path / "slow.ipynb")
    settings = zip_settings(assignment.autograder_zip).replace(total_timeout_seconds=3.0)
    outcome = grade_one(assignment.autograder_zip, tmp_path / "slow.ipynb", settings)
    assert outcome.status == "not graded"
    assert "Grading took longer than 3 s" in outcome.grading.message
    assert gradescope.schema_errors(gradescope.to_gradescope(outcome.grading)) == []
    assert outcome.score == 0 and outcome.grading.question_scores()
    assert outcome.seconds < 30
