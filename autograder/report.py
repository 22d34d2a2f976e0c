"""What an instructor reads after grading: grades.csv, feedback files, a table, a report."""

from __future__ import annotations

import csv
import math
import threading
from pathlib import Path

from typing import TYPE_CHECKING

from autograder.grading_runtime import results as gradescope

if TYPE_CHECKING:
    from autograder.grade import GradedSubmission


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
    return f"{value:g}"


def write_grades_csv(graded: list[GradedSubmission], questions: dict[str, float], path: Path) -> None:
    """One row per submission, whatever happened to it: status, each question, total, message."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["submission", "status", *questions, "total", "max", "message"])
        for outcome in graded:
            scores = outcome.grading.question_scores()
            cells = [_points(scores[q][0]) if q in scores else "0" for q in questions]
            message = outcome.grading.message if outcome.status != gradescope.GRADED else ""
            writer.writerow([outcome.name, outcome.status, *cells, _points(outcome.score),
                             _points(sum(questions.values())), " ".join(message.split())])


def feedback_text(outcome: GradedSubmission) -> str:
    """A readable version of one submission's results, as the student reads them once published."""
    grading = outcome.grading
    lines = [f"Submission: {outcome.name}", f"Status: {outcome.status}",
             f"Score: {_points(round(outcome.score, 3))}", ""]
    message = gradescope.GRADED_SUMMARY if grading.status == gradescope.GRADED else grading.message
    lines += ["\n\n".join([message, *grading.notes]).strip(), ""]
    for question in grading.questions:
        lines += [gradescope.question_text(question) if question.cases
                  else f"{question.name}: 0 of {_points(question.max_score)} points (not graded)", ""]
    return "\n".join(lines)


def table(graded: list[GradedSubmission], questions: dict[str, float]) -> str:
    """A plain-text table: submission, score, max, status and seconds."""
    possible = _points(sum(questions.values()))
    rows = [("submission", "score", "max", "status", "seconds")]
    rows += [(g.name, _points(round(g.score, 3)), possible, g.status,
              "reused" if g.reused else f"{g.seconds:.1f}") for g in graded]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def write_summary(graded: list[GradedSubmission], questions: dict[str, float], folder: Path,
                  assignment: str) -> Path:
    """``report.md`` with the score distribution and each question's mean, drawn as PNGs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    possible = sum(questions.values())
    totals = [g.score for g in graded]
    means = {q: (math.fsum(g.grading.question_scores().get(q, (0.0, 0.0))[0] for g in graded)
                 / len(graded) if graded else 0.0) for q in questions}

    figure, axis = plt.subplots(figsize=(6, 3.5))
    axis.hist(totals, bins=min(20, max(5, len(totals))), range=(0, possible or 1), color="#4477aa")
    axis.set(xlabel=f"score (out of {possible:g})", ylabel="submissions", title=f"{assignment}: scores")
    figure.tight_layout()
    figure.savefig(folder / "score_distribution.png", dpi=100)
    plt.close(figure)

    figure, axis = plt.subplots(figsize=(6, 1.2 + 0.5 * len(questions)))
    names = list(questions)
    axis.barh(names, [questions[q] for q in names], color="#dddddd", label="points")
    axis.barh(names, [means[q] for q in names], color="#228833", label="mean score")
    axis.invert_yaxis()
    axis.set(xlabel="points", title=f"{assignment}: mean score per question")
    figure.legend(loc="lower center", ncol=2, frameon=False)
    figure.tight_layout(rect=(0, 0.1, 1, 1))
    figure.savefig(folder / "question_means.png", dpi=100)
    plt.close(figure)

    not_graded = [g.name for g in graded if g.status != gradescope.GRADED]
    mean_total = math.fsum(totals) / len(totals) if totals else 0.0
    lines = [
        f"# {assignment}: grading summary", "",
        f"- submissions: {len(graded)} ({len(not_graded)} not graded"
        + (f": {', '.join(not_graded)}" if not_graded else "") + ")",
        f"- mean score: {mean_total:.2f} of {possible:g}", "",
        "![score distribution](score_distribution.png)", "",
        "| question | points | mean score |", "|---|---|---|",
        *[f"| {q} | {questions[q]:g} | {means[q]:.2f} |" for q in questions], "",
        "![mean score per question](question_means.png)", "",
    ]
    path = folder / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
