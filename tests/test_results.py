"""Does a grading become Gradescope's results.json, and come back from it, as results.py promises?"""

from __future__ import annotations

import json

import pytest

from autograder.grading_runtime import results
from autograder.grading_runtime.results import GRADED, NOT_GRADED, CaseResult, Grading, QuestionResult


def _grading(**changes) -> Grading:
    questions = [
        QuestionResult("q1", [CaseResult("test_shape", False, 1.0, True, "shape right"),
                              CaseResult("test_values", True, 2.0, False, "values differ", diagnosis="sum_not_mean")]),
        QuestionResult("q2", [CaseResult("test_public", False, 0.5, False, "not finished")]),
    ]
    return Grading(**{"status": GRADED, "message": "", "questions": questions, "notes": ["a note"],
                      "seconds": 1.25, "staff": {"restarts": 0}, **changes})


def test_a_grading_reads_back_as_the_very_grading_written(tmp_path):
    written = _grading()
    results.write(written, tmp_path / "results.json")
    assert results.read(tmp_path / "results.json") == written
    assert not list(tmp_path.glob(".*.partial")), "written whole, then renamed into place"


def test_scores_and_points_follow_the_cases():
    grading = _grading()
    assert grading.score == 1.0 and grading.max_score == 3.5
    assert grading.question_scores() == {"q1": (1.0, 3.0), "q2": (0.0, 0.5)}
    written = results.to_gradescope(grading)
    assert written["score"] == 1 and isinstance(written["score"], int), "whole points as integers"
    assert [t["name"] for t in written["tests"]] == [results.PUBLIC_TESTS, "q1", "q2", results.STAFF_RECORD]


def test_students_see_the_public_checks_at_once_and_the_rest_when_published():
    tests = {t["name"]: t for t in results.to_gradescope(_grading())["tests"]}
    public = tests[results.PUBLIC_TESTS]
    assert public["visibility"] == "visible" and public["status"] == "failed"
    assert "test_values" not in public["output"], "no hidden case among the public checks"
    assert tests["q1"]["visibility"] == "after_published" and "values differ" in tests["q1"]["output"]
    assert tests[results.STAFF_RECORD]["visibility"] == "hidden"


def test_a_submission_not_graded_scores_zero_on_every_question_and_says_why():
    grading = results.not_graded("The upload is empty", {"q1": 3.0, "q2": 0.5})
    assert grading.status == NOT_GRADED and grading.score == 0 and grading.max_score == 3.5
    written = results.to_gradescope(grading)
    assert written["output"] == "The upload is empty"
    assert all(t["visibility"] == "visible" and t["output"] == "Not graded: The upload is empty"
               for t in written["tests"])
    assert results.schema_errors(written) == []


def test_a_student_string_that_is_not_utf8_is_written_all_the_same(tmp_path):
    grading = _grading(notes=["lone surrogate: \udcff"])
    written = results.write(grading, tmp_path / "results.json")
    assert "lone surrogate: ?" in written["output"]
    json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))


def test_a_grading_gradescope_would_refuse_becomes_a_grader_failure(tmp_path, monkeypatch):
    real = results.to_gradescope
    monkeypatch.setattr(results, "to_gradescope", lambda grading, **options: (
        {"score": "ten", "tests": []} if grading.status == GRADED else real(grading, **options)))
    written = results.write(_grading(), tmp_path / "results.json")
    assert written["output"] == results.GRADER_FAILED and written["score"] == 0
    assert "invalid results" in written["tests"][-1]["output"]


def test_long_feedback_is_cut_and_says_so():
    long = QuestionResult("q1", [CaseResult("test_a", False, 1.0, False, "x" * 500)])
    text = results.question_text(long, limit=100)
    assert len(text) < 160 and text.endswith("more characters cut]")


@pytest.mark.parametrize("written", [[], {"tests": "none"}, "text"])
def test_a_file_that_is_not_a_results_file_is_refused(tmp_path, written):
    (tmp_path / "results.json").write_text(json.dumps(written), encoding="utf-8")
    with pytest.raises(ValueError, match="not a Gradescope results file"):
        results.read(tmp_path / "results.json")


def test_a_foreign_results_file_reads_as_its_scores():
    """A results file written by another grader (no extra_data) still gives a score per test."""
    grading = results.from_gradescope({"output": "hi", "tests": [{"name": "q1", "score": 2, "max_score": 2},
                                                                 {"name": "q2", "score": 0, "max_score": 1},
                                                                 {"name": "notes", "output": "x"}]})
    assert grading.question_scores() == {"q1": (2.0, 2.0), "q2": (0.0, 1.0)}
    assert grading.status == GRADED and grading.message == "hi"
