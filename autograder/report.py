"""What an instructor reads after grading a class: the gradebook, a table, and the report.

* ``grades.csv``: one row per student (a group submission gives one row to each member),
  names and IDs first as Gradescope's export gives them, then the submission, its status,
  one column per question, the total, the maximum and, for a submission not graded, why;
* a plain-text table of the run, printed by ``autograder grade``;
* ``report.html`` (one self-contained file: styles, script and plots inline, nothing fetched)
  and ``report.md`` with its plots beside it. Both open with what to reteach: per question,
  the mistakes the checks recognised, ranked by how many students made them, each with one
  anonymous example of its feedback, and the unfinished answers apart. Then, in the HTML
  only, every student in a table to sort and search, each linking to their feedback; then
  the score distribution; the item analysis (pass rates, means, discrimination with its
  interval and the items to look at), with the detail of each test folded; the submissions
  not graded and whose score changed since the last grading in the same folder, by name.

The statistics come from :mod:`autograder.analysis`; the words and layout from the Jinja2
templates beside this module. Questions are in natural order everywhere (``q2`` before
``q10``), as :func:`autograder.grade.questions_in` gives them.
"""

from __future__ import annotations

import base64
import csv
import io
import math
import statistics
import threading
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Sequence
from urllib.parse import quote

from autograder import analysis as analysis_module
from autograder.analysis import ClassAnalysis, analyse, words
from autograder.grade import FEEDBACK_FILE, isolation_lines
from autograder.grading_runtime import results as gradescope
from autograder.submitters import Submitter

if TYPE_CHECKING:
    from autograder.grade import GradedSubmission, Submission

TEMPLATES = Path(__file__).with_name("templates")
PLOTS = ("score_distribution", "question_means", "test_pass_rates")
NAME_COLUMNS = ["name", "sid", "email"]
INTERRUPTED = "interrupted"  # the status, in grades.csv, of a submission a Ctrl-C kept from grading
MAX_BINS = 60


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


def feedback_link(submission: str) -> str:
    """A submission's feedback file, relative to the report beside its folder."""
    return f"{quote(submission)}/{FEEDBACK_FILE}"


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

    @property
    def feedback(self) -> str:
        return feedback_link(self.submission)


def _person_name(person: Submitter) -> str:
    return person.name or person.email or person.sid


def student_rows(graded: list[GradedSubmission], questions: dict[str, float],
                 pending: Sequence[Submission] = ()) -> list[StudentRow]:
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
                     pending: Sequence[Submission] = ()) -> None:
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
    return [f"{g.label}: {_points(before)} -> {_points(g.score)} "
            f"({'+' if g.score > before else ''}{_points(g.score - before)})"
            for g in graded if g.score_changed and (before := g.previous_score) is not None]


# --- the plots ----------------------------------------------------------------------------------------


def score_step(points: set[float]) -> float:
    """The finest step between two possible scores: the greatest common divisor of every
    test's and question's points (0.5 where some test is worth half a point)."""
    fractions = [Fraction(p).limit_denominator(1000) for p in points if p > 0]
    if not fractions:
        return 1.0
    denominator = math.lcm(*(f.denominator for f in fractions))
    return math.gcd(*(int(f * denominator) for f in fractions)) / denominator


def histogram_edges(step: float, possible: float) -> list[float]:
    """Bin edges with every possible score at a bin's centre, ``step`` apart; where that
    makes more than ``MAX_BINS`` bins, each bin holds a whole number of steps."""
    width = step * math.ceil((possible / step + 1) / MAX_BINS)
    count = math.ceil((possible + step) / width)
    return [-step / 2 + index * width for index in range(count + 1)]


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
    gradings = [g.grading for g in graded if g.status == gradescope.GRADED]
    totals = [g.score for g in gradings]
    step = score_step({c.points for g in gradings for q in g.questions for c in q.cases} | set(questions.values()))
    made = {}
    figure, axis = plt.subplots(figsize=(7, 3.2))
    axis.hist(totals, bins=histogram_edges(step, possible), color="#4477aa", edgecolor="white")
    axis.set(xlabel=f"score (out of {possible:g})", ylabel="submissions", xlim=(-step, possible + step),
             title=f"{assignment}: scores of the {len(totals)} graded submissions")
    # (the auto locator is a MaxNLocator, which takes `integer`; its stub says Locator)
    axis.yaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]
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
    return made


# --- the report -------------------------------------------------------------------------------------


def _environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), trim_blocks=True,
                              lstrip_blocks=True, keep_trailing_newline=True,
                              autoescape=jinja2.select_autoescape(["html"]),
                              undefined=jinja2.StrictUndefined)


def _context(graded: list[GradedSubmission], questions: dict[str, float], assignment: str) -> dict:
    analysis = analyse([g.grading for g in graded], questions, sizes=[max(1, len(g.people)) for g in graded])
    totals = [g.score for g in graded if g.status == gradescope.GRADED]
    return {
        "assignment": assignment,
        "analysis": analysis,
        "method": analysis_module,
        "questions": list(questions),
        "possible": sum(questions.values()),
        "submissions": len(graded),
        "all_students": sum(max(1, len(g.people)) for g in graded),
        "groups": sum(1 for g in graded if len(g.people) > 1),
        "mean_total": math.fsum(totals) / len(totals) if totals else 0.0,
        "median_total": statistics.median(totals) if totals else 0.0,
        "students": student_rows(graded, questions),
        "not_graded": [(g.label, g.grading.message, feedback_link(g.name))
                       for g in graded if g.status != gradescope.GRADED],
        "changes": changes(graded),
        "sandboxes": isolation_lines(graded),
        "words": words,
        "points": _points,
        "percent": lambda share: f"{100 * share:.0f}%",
        "plural": lambda count, word: f"{count} {word}{'' if count == 1 else 's'}",
        "discrimination": lambda value: "n/a" if value is None else f"{value:.2f}",
        "interval": lambda bounds: "" if bounds is None else f"[{bounds[0]:.2f}, {bounds[1]:.2f}]",
    }


def write_summary(graded: list[GradedSubmission], questions: dict[str, float], folder: Path,
                  assignment: str) -> Path:
    """``report.md`` and ``report.html`` with their plots (PNG files beside the Markdown,
    inline in the HTML); returns the Markdown's path."""
    folder.mkdir(parents=True, exist_ok=True)
    context = _context(graded, questions, assignment)
    figures = _figures(context["analysis"], graded, questions, assignment)
    for name, data in figures.items():
        (folder / f"{name}.png").write_bytes(data)
    environment = _environment()
    markdown = folder / "report.md"
    markdown.write_text(environment.get_template("report.md.j2").render(
        {**context, "figures": {name: f"{name}.png" for name in figures}}), encoding="utf-8")
    inline = {name: "data:image/png;base64," + base64.b64encode(data).decode("ascii")
              for name, data in figures.items()}
    (folder / "report.html").write_text(
        environment.get_template("report.html.j2").render({**context, "figures": inline}),
        encoding="utf-8")
    return markdown
