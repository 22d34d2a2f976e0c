"""What an instructor reads after grading: ``grades.csv`` and a short table."""

from __future__ import annotations

import csv
from pathlib import Path

from autograder import gradescope
from autograder.grade import GradedSubmission


def _points(value: float) -> str:
    return f"{value:g}"


def write_grades_csv(graded: list[GradedSubmission], questions: dict[str, float], path: Path) -> None:
    """One row per submission: status, one column per question, total and maximum."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["submission", "status", *questions, "total", "max"])
        for outcome in graded:
            scores = gradescope.question_scores(outcome.results)
            cells = [_points(scores[q].score) if q in scores else "" for q in questions]
            writer.writerow([outcome.name, outcome.status, *cells,
                             _points(outcome.score), _points(sum(questions.values()))])


def table(graded: list[GradedSubmission], questions: dict[str, float]) -> str:
    """A plain-text table: submission, score, max, status and seconds."""
    possible = _points(sum(questions.values()))
    rows = [("submission", "score", "max", "status", "seconds")]
    rows += [(g.name, _points(round(g.score, 3)), possible, g.status, f"{g.seconds:.1f}") for g in graded]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)
