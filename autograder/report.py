"""What an instructor reads after grading a class: the gradebook, a table, and the report.

* ``grades.csv``: one row per student (a group submission gives one row to each member),
  names and IDs first as Gradescope's export gives them, then the submission, its status,
  one column per question, the total, the maximum and, for a submission not graded, why;
* a plain-text table of the run, printed by ``autograder grade``;
* ``report.md`` and ``report.html`` (self-contained: its plots are inline): the score
  distribution, each question's and each test's pass rate, mean and discrimination with the
  items that look broken flagged, the mistakes the checks recognised, ranked by how many
  submissions made them, each with one anonymous example of its feedback, and whose score
  changed since the last grading in the same folder, by the students' names.

The statistics come from :mod:`autograder.analysis`; the words and layout from the Jinja2
templates beside this module.
"""

from __future__ import annotations

import base64
import csv
import io
import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.analysis import ClassAnalysis, analyse, words
from autograder.grading_runtime import results as gradescope
from autograder.submitters import Submitter

if TYPE_CHECKING:
    from autograder.grade import GradedSubmission, Submission

TEMPLATES = Path(__file__).with_name("templates")
PLOTS = ("score_distribution", "question_means", "test_pass_rates", "mistakes_per_question")
NAME_COLUMNS = ["name", "sid", "email"]
INTERRUPTED = "interrupted"  # the status, in grades.csv, of a submission a Ctrl-C kept from grading


def prepare() -> threading.Thread:
    """Start importing the plotting library in the background (a third of a second), so that
    it is ready when grading ends; the grading runs in another process meanwhile."""
    def load():
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot  # noqa: F401

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    return thread


def _points(value: float) -> str:
    return f"{round(value, 3):g}"


# --- the gradebook ----------------------------------------------------------------------------------


@dataclass
class StudentRow:
    """One student of one submission (or the submission, where nobody is known)."""

    person: Submitter
    partners: tuple[str, ...]  # the other members of a group submission
    submission: str
    status: str
    scores: list[str]  # per question; empty strings for a submission never graded
    total: str
    message: str  # why it was not graded


def _person_name(person: Submitter) -> str:
    return person.name or person.email or person.sid


def student_rows(graded: list[GradedSubmission], questions: dict[str, float],
                 pending: list[Submission] = ()) -> list[StudentRow]:
    """The gradebook's rows: every student of every submission, in the order given; those
    of submissions an interruption kept from grading last, with no scores."""
    rows = []
    for outcome in graded:
        scores = outcome.grading.question_scores()
        cells = [_points(scores[q][0]) if q in scores else "0" for q in questions]
        message = outcome.grading.message if outcome.status != gradescope.GRADED else ""
        for person in outcome.people or (Submitter(),):
            partners = tuple(_person_name(p) for p in outcome.people if p is not person)
            rows.append(StudentRow(person, partners, outcome.name, outcome.status, cells,
                                   _points(outcome.score), " ".join(message.split())))
    for submission in pending:
        for person in submission.people or (Submitter(),):
            partners = tuple(_person_name(p) for p in submission.people if p is not person)
            rows.append(StudentRow(person, partners, submission.name, INTERRUPTED, [""] * len(questions), "",
                                   "grading was interrupted before this submission was graded"))
    return rows


def write_grades_csv(graded: list[GradedSubmission], questions: dict[str, float], path: Path,
                     pending: list[Submission] = ()) -> None:
    """One row per student whatever happened to the submission (one row per submission where
    nobody is known): names, submission, status, each question, total, max, message."""
    path.parent.mkdir(parents=True, exist_ok=True)
    possible = _points(sum(questions.values()))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([*NAME_COLUMNS, "submission", "status", *questions, "total", "max", "message"])
        for row in student_rows(graded, questions, pending):
            writer.writerow([row.person.name, row.person.sid, row.person.email, row.submission, row.status,
                             *row.scores, row.total, possible, row.message])


def table(graded: list[GradedSubmission], questions: dict[str, float]) -> str:
    """A plain-text table: submission, its students (where any is known), score, max, status
    and seconds."""
    possible = _points(sum(questions.values()))
    named = any(g.people for g in graded)
    rows = [("submission", *(("students",) if named else ()), "score", "max", "status", "seconds")]
    rows += [(g.name, *((" + ".join(map(_person_name, g.people)),) if named else ()), _points(g.score),
              possible, g.status, "reused" if g.reused else f"{g.seconds:.1f}") for g in graded]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def changes(graded: list[GradedSubmission]) -> list[str]:
    """Whose score moved since the last grading in the same folder, and by how much."""
    return [f"{g.label}: {_points(g.previous_score)} -> {_points(g.score)} "
            f"({'+' if g.score > g.previous_score else ''}{_points(g.score - g.previous_score)})"
            for g in graded if g.score_changed]


# --- the plots ----------------------------------------------------------------------------------------


def _figures(analysis: ClassAnalysis, graded: list[GradedSubmission], questions: dict[str, float],
             assignment: str) -> dict[str, bytes]:
    """Each plot as PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def png(figure) -> bytes:
        buffer = io.BytesIO()
        figure.tight_layout()
        figure.savefig(buffer, format="png", dpi=100)
        plt.close(figure)
        return buffer.getvalue()

    possible = sum(questions.values())
    totals = [g.score for g in graded if g.status == gradescope.GRADED]
    made = {}
    figure, axis = plt.subplots(figsize=(6, 3.5))
    axis.hist(totals, bins=min(20, max(5, len(totals))), range=(0, possible or 1), color="#4477aa")
    axis.set(xlabel=f"score (out of {possible:g})", ylabel="submissions", title=f"{assignment}: scores")
    made["score_distribution"] = png(figure)

    names = list(questions)
    means = {q.question: q.mean_score for q in analysis.questions}
    figure, axis = plt.subplots(figsize=(7, 1.6 + 0.45 * len(names)))
    axis.barh(names, [questions[q] for q in names], color="#dddddd", label="points")
    axis.barh(names, [means.get(q, 0.0) for q in names], color="#228833", label="mean score")
    axis.invert_yaxis()
    axis.set(xlabel="points")
    axis.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2, frameon=False)
    figure.suptitle(f"{assignment}: mean score per question", x=0.02, ha="left")
    made["question_means"] = png(figure)

    labels = [f"{t.question} · {t.test}{' (hidden)' if t.hidden else ''}" for t in analysis.tests]
    figure, axis = plt.subplots(figsize=(9, 1.4 + 0.32 * len(labels)))
    colours = ["#cc6677" if t.flags else ("#4477aa" if t.hidden else "#88ccee") for t in analysis.tests]
    axis.barh(labels, [100 * t.pass_rate for t in analysis.tests], color=colours)
    axis.invert_yaxis()
    axis.set(xlim=(0, 100), xlabel="% of graded submissions that pass")
    axis.tick_params(axis="y", labelsize=8)
    figure.suptitle(f"{assignment}: pass rate per test (light: public, dark: hidden, red: flagged)",
                    x=0.02, ha="left", fontsize=11)
    made["test_pass_rates"] = png(figure)

    counted = [(q.question, q.mistakes[:5]) for q in analysis.questions]
    rows = [(f"{question} · {words(m.key)}", m.count) for question, found in counted for m in found]
    figure, axis = plt.subplots(figsize=(9, 1.4 + 0.32 * max(1, len(rows))))
    if rows:
        axis.barh([r[0] for r in rows], [r[1] for r in rows], color="#ee7733")
        axis.invert_yaxis()
        axis.tick_params(axis="y", labelsize=8)
    else:
        axis.text(0.5, 0.5, "no mistake was recognised", ha="center", va="center")
        axis.set_yticks([])
    axis.set(xlabel="submissions")
    figure.suptitle(f"{assignment}: recognised mistakes, the five most common per question",
                    x=0.02, ha="left", fontsize=11)
    made["mistakes_per_question"] = png(figure)
    return made


# --- the report -------------------------------------------------------------------------------------


def _environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), trim_blocks=True,
                              lstrip_blocks=True, keep_trailing_newline=True,
                              autoescape=jinja2.select_autoescape(["html"]),
                              undefined=jinja2.StrictUndefined)


def write_summary(graded: list[GradedSubmission], questions: dict[str, float], folder: Path,
                  assignment: str) -> Path:
    """``report.md`` and ``report.html`` with their plots (PNG files beside the Markdown,
    inline in the HTML); returns the Markdown's path."""
    folder.mkdir(parents=True, exist_ok=True)
    analysis = analyse([g.grading for g in graded])
    figures = _figures(analysis, graded, questions, assignment)
    for name, data in figures.items():
        (folder / f"{name}.png").write_bytes(data)
    totals = [g.score for g in graded if g.status == gradescope.GRADED]
    context = {
        "assignment": assignment,
        "analysis": analysis,
        "possible": sum(questions.values()),
        "mean_total": math.fsum(totals) / len(totals) if totals else 0.0,
        "not_graded": [(g.label, g.grading.message) for g in graded if g.status != gradescope.GRADED],
        "changes": changes(graded),
        "words": words,
        "points": _points,
        "percent": lambda share: f"{100 * share:.0f}%",
        "discrimination": lambda value: "n/a" if value is None else f"{value:.2f}",
        "figures": {name: f"{name}.png" for name in figures},
    }
    environment = _environment()
    markdown = folder / "report.md"
    markdown.write_text(environment.get_template("report.md.j2").render(context), encoding="utf-8")
    inline = {name: "data:image/png;base64," + base64.b64encode(data).decode("ascii")
              for name, data in figures.items()}
    (folder / "report.html").write_text(
        environment.get_template("report.html.j2").render({**context, "figures": inline}),
        encoding="utf-8")
    return markdown
