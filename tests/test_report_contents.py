"""Does the report count each student once, keep questions in their natural order, and bin
scores as they can fall? Synthetic gradings, built here; nothing is graded."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from autograder import analysis, report
from autograder.grade import GradedSubmission, natural_order, questions_in
from autograder.grading_runtime import results as gradescope
from autograder.grading_runtime.results import CaseResult, Grading, QuestionResult
from autograder.submitters import Submitter

# The engine reports questions in the order of its test files: q10 before q2.
ENGINE_ORDER = ["q1_first", "q10_last", "q2_second"]
NATURAL = ["q1_first", "q2_second", "q10_last"]


def _grading(mistakes: dict[str, list[str | None]]) -> Grading:
    """Each question with one test per entry: None passes, a key fails with that diagnosis."""
    return Grading(gradescope.GRADED, "", [
        QuestionResult(question, [CaseResult(f"test_{i}", True, 1.0, key is None, f"feedback: {key}", key)
                                  for i, key in enumerate(keys)])
        for question, keys in mistakes.items()])


def _outcome(name: str, grading: Grading, *people: str) -> GradedSubmission:
    return GradedSubmission(Path(name), name, grading, 0.1,
                            people=tuple(Submitter(p, str(len(p)), f"{p.split()[0].lower()}@example.edu")
                                         for p in people))


RIGHT = {"q1_first": [None, None, None], "q10_last": [None], "q2_second": [None, None]}


def _class() -> list[GradedSubmission]:
    return [
        _outcome("submission_1", _grading({**RIGHT, "q1_first": ["off_by_one"] * 3}), "Ada Lovelace"),
        _outcome("submission_2", _grading({**RIGHT, "q1_first": ["not_finished"] * 3}), "Alan Turing"),
        _outcome("submission_3", _grading({**RIGHT, "q1_first": ["off_by_one", None, "wrong_sign"]}),
                 "Grace Hopper", "Edsger Dijkstra"),
        _outcome("submission_4", _grading({**RIGHT, "q2_second": [None, None]}), "Barbara Liskov"),
        _outcome("submission_5", gradescope.not_graded("No notebook was found.", dict.fromkeys(ENGINE_ORDER, 1.0)),
                 "Ken Thompson"),
    ]


QUESTIONS = {"q1_first": 3.0, "q2_second": 2.0, "q10_last": 1.0}


def test_a_mistake_counts_each_student_once_and_unfinished_answers_apart():
    found = analysis.analyse([g.grading for g in _class()], QUESTIONS, sizes=[1, 1, 2, 1, 1])
    q1 = found.questions[0]
    assert (found.submissions, found.students, found.not_graded) == (4, 5, 1)
    assert [(m.key, m.students) for m in q1.mistakes] == [("off_by_one", 3), ("wrong_sign", 2)], (
        "Ada once for three tests; the group of two twice")
    assert [(m.key, m.students) for m in q1.not_answered] == [("not_finished", 1)]
    assert q1.lost_points == 4
    per_test = {t.test: t for t in found.tests_of("q1_first")}
    assert [(m.key, m.students) for m in per_test["test_0"].mistakes] == [("off_by_one", 3)]
    assert [(m.key, m.students) for m in per_test["test_1"].mistakes] == [("off_by_one", 1)]
    assert per_test["test_1"].passed == 2, "the group passes it"
    assert [(m.key, m.students) for m in per_test["test_2"].mistakes] == [("wrong_sign", 2), ("off_by_one", 1)]


def test_questions_come_in_natural_order_in_the_gradebook_and_the_report(tmp_path):
    outcomes = _class()
    assert [q.name for q in outcomes[0].grading.questions] == ENGINE_ORDER
    assert [q.question for q in analysis.analyse([g.grading for g in outcomes]).questions] == NATURAL
    report.write_grades_csv(outcomes, QUESTIONS, tmp_path / "grades.csv")
    header = (tmp_path / "grades.csv").read_text().splitlines()[0].split(",")
    assert header[5:8] == NATURAL
    report.write_summary(outcomes, QUESTIONS, tmp_path, "demo")
    html = (tmp_path / "report.html").read_text()
    for section in ("reteach-", "tests-"):
        assert re.findall(rf'id="{section}(q\d+_\w+)"', html) == NATURAL
    table_header = html.split('id="student-table"')[1].split("</thead>")[0]
    assert re.findall(r">(q\d+_\w+)<", table_header) == NATURAL


def test_the_feedback_lists_the_questions_as_they_are_numbered():
    from autograder import grade

    feedback = gradescope.readable(grade._in_natural_order(_class()[0].grading), "Ada Lovelace (submission_1)")
    assert [feedback.index(f"\n{q}: ") for q in NATURAL] == sorted(feedback.index(f"\n{q}: ") for q in NATURAL)


def test_the_zip_lists_its_questions_in_natural_order(built_project):
    names = list(questions_in(built_project["backprop_autodiff"].autograder_zip))
    assert len(names) >= 10 and names == sorted(names, key=natural_order)
    assert names.index("q2_softmax") < names.index("q10_weight_decay_step")


def test_a_group_submission_gives_each_member_a_row_and_the_report_says_so(tmp_path):
    outcomes = _class()
    report.write_grades_csv(outcomes, QUESTIONS, tmp_path / "grades.csv")
    rows = list(csv.DictReader((tmp_path / "grades.csv").read_text().splitlines()))
    assert [row["name"] for row in rows if row["submission"] == "submission_3"] == ["Grace Hopper", "Edsger Dijkstra"]
    assert rows[-1]["status"] == "not graded" and rows[-1]["message"] == "No notebook was found."
    report.write_summary(outcomes, QUESTIONS, tmp_path, "demo")
    html = (tmp_path / "report.html").read_text()
    assert "(6 students, 1 group submission)" in html
    assert html.count("group with Edsger Dijkstra") == 1 and html.count("group with Grace Hopper") == 1
    assert 'href="submission_3/feedback.txt"' in html
    assert '<a href="submission_5/feedback.txt">Ken Thompson (submission_5)</a>: No notebook was found.' in html


def test_scores_that_changed_are_said_with_the_students_names():
    outcome = _outcome("submission_9", _grading(RIGHT), "Ada Lovelace", "Alan Turing")
    moved = GradedSubmission(outcome.submission, outcome.name, outcome.grading, 0.1, previous_score=4.0,
                             people=outcome.people)
    assert report.changes([moved]) == ["Ada Lovelace + Alan Turing (submission_9): 4 -> 6 (+2)"]


@pytest.mark.parametrize("points, possible, step, width", [
    ({1.0, 2.0, 4.0}, 15.0, 1.0, 1.0),
    ({0.5, 1.0, 2.0}, 15.0, 0.5, 0.5),
    ({0.25, 3.0}, 10.0, 0.25, 0.25),
    ({0.5, 1.0}, 100.0, 0.5, 2.0),  # 201 possible scores: four to a bin
])
def test_histogram_bins_hold_whole_steps_of_the_score_with_each_score_inside_one(points, possible, step, width):
    assert report.score_step(points) == step
    edges = report.histogram_edges(step, possible)
    assert len(edges) - 1 <= report.MAX_BINS
    assert all(b - a == pytest.approx(width) for a, b in zip(edges, edges[1:]))
    assert edges[0] == -step / 2 and edges[-1] >= possible + step / 2
    for index in range(round(possible / step) + 1):
        score = index * step
        inside = [a for a, b in zip(edges, edges[1:]) if a < score < b]
        assert len(inside) == 1 and min(score - inside[0], inside[0] + width - score) >= step / 2 - 1e-9


def test_a_class_where_nothing_was_graded_still_gets_a_report(tmp_path):
    outcomes = [_outcome("submission_5", gradescope.not_graded("Not a notebook.", QUESTIONS), "Ken Thompson")]
    report.write_summary(outcomes, QUESTIONS, tmp_path, "demo")
    html = (tmp_path / "report.html").read_text()
    assert "<strong>0</strong> of 1 submissions graded" in html and "Not a notebook." in html
