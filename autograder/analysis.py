"""What a class's gradings say about the class and about the tests: mistakes and item analysis.

Every check names the mistake it recognised with a stable key, carried in each case's
result (``CaseResult.diagnosis``). This module counts them: for each question and each test,
the share of submissions that passed and the mistakes ranked by how many submissions made
them, each with one anonymous example of the feedback it gave.

It also analyses the items, as a test author would: for each test and each question, its
pass rate, its mean score, and its discrimination, the correlation between scoring on the
item and the total score on every other item (an item that strong submissions fail more
often than weak ones, or that nobody or everybody passes, tells nothing about the class and
is flagged for a look). Only submissions that were graded count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from autograder.grading_runtime import results as gradescope

# An item whose scores correlate below this with the rest measures something else, or
# measures it backwards (a test that strong submissions fail more than weak ones).
LOW_DISCRIMINATION = 0.0


@dataclass
class MistakeCount:
    key: str
    count: int
    example: str  # one student's feedback for it, without a name


@dataclass
class ItemStatistics:
    """One test case, or one whole question, across the class."""

    question: str
    test: str | None  # None for the question as a whole
    hidden: bool
    points: float
    submissions: int
    passed: int
    mean_score: float
    discrimination: float | None  # None where it is undefined (no variation)
    mistakes: list[MistakeCount] = field(default_factory=list)
    undiagnosed: int = 0  # failures no check named
    undiagnosed_example: str = ""

    @property
    def pass_rate(self) -> float:
        return self.passed / self.submissions if self.submissions else 0.0

    @property
    def flags(self) -> list[str]:
        found = []
        if self.submissions and self.passed == 0:
            found.append("passed by nobody")
        if self.submissions and self.passed == self.submissions:
            found.append("passed by everybody")
        if self.discrimination is not None and self.discrimination < LOW_DISCRIMINATION:
            found.append("failed more by strong submissions than by weak ones")
        return found


@dataclass
class ClassAnalysis:
    submissions: int  # graded ones
    not_graded: int
    questions: list[ItemStatistics]
    tests: list[ItemStatistics]

    def tests_of(self, question: str) -> list[ItemStatistics]:
        return [t for t in self.tests if t.question == question]


def correlation(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's correlation of two equally long lists; None when either does not vary."""
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = math.fsum(xs) / n, math.fsum(ys) / n
    sxx = math.fsum((x - mean_x) ** 2 for x in xs)
    syy = math.fsum((y - mean_y) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
    return sxy / math.sqrt(sxx * syy)


def _mistakes(cases: list[gradescope.CaseResult]) -> tuple[list[MistakeCount], int, str]:
    counts: dict[str, MistakeCount] = {}
    undiagnosed, example = 0, ""
    for case in cases:
        if case.passed:
            continue
        if case.diagnosis:
            if case.diagnosis not in counts:
                counts[case.diagnosis] = MistakeCount(case.diagnosis, 0, case.message)
            counts[case.diagnosis].count += 1
        else:
            undiagnosed += 1
            example = example or case.message
    ranked = sorted(counts.values(), key=lambda m: (-m.count, m.key))
    return ranked, undiagnosed, example


def _submissions_mistakes(questions: list[gradescope.QuestionResult]) -> tuple[list[MistakeCount], int, str]:
    """A question's mistakes counted by submission: one that makes a mistake in three tests
    counts once for it."""
    counts: dict[str, MistakeCount] = {}
    undiagnosed, example = 0, ""
    for question in questions:
        failed = [c for c in question.cases if not c.passed]
        keys = {}
        for case in failed:
            if case.diagnosis and case.diagnosis not in keys:
                keys[case.diagnosis] = case.message
        for key, message in keys.items():
            counts.setdefault(key, MistakeCount(key, 0, message)).count += 1
        if failed and not keys:
            undiagnosed += 1
            example = example or failed[0].message
    ranked = sorted(counts.values(), key=lambda m: (-m.count, m.key))
    return ranked, undiagnosed, example


def analyse(gradings: list[gradescope.Grading]) -> ClassAnalysis:
    """The statistics of every question and test over the graded submissions, in grading order."""
    graded = [g for g in gradings if g.status == gradescope.GRADED]
    layout: dict[str, list[gradescope.CaseResult]] = {}
    for grading in graded:
        for question in grading.questions:
            layout.setdefault(question.name, [])
            for case in question.cases:
                if case.name not in {c.name for c in layout[question.name]}:
                    layout[question.name].append(case)
    totals = [g.score for g in graded]
    questions, tests = [], []
    for name, cases in layout.items():
        per_submission = [next((q for q in g.questions if q.name == name), None) for g in graded]
        scores = [q.score if q else 0.0 for q in per_submission]
        points = max((q.max_score for q in per_submission if q), default=0.0)
        mistakes, undiagnosed, example = _submissions_mistakes([q for q in per_submission if q])
        questions.append(ItemStatistics(
            name, None, False, points, len(graded),
            sum(1 for q in per_submission if q and q.cases and q.score >= q.max_score),
            math.fsum(scores) / len(graded) if graded else 0.0,
            correlation(scores, [t - s for t, s in zip(totals, scores)]),
            mistakes, undiagnosed, example))
        for template in cases:
            results = [next((c for c in q.cases if c.name == template.name), None) if q else None
                       for q in per_submission]
            item = [c.score if c else 0.0 for c in results]
            mistakes, undiagnosed, example = _mistakes([c for c in results if c])
            tests.append(ItemStatistics(
                name, template.name, template.hidden, template.points, len(graded),
                sum(1 for c in results if c and c.passed),
                math.fsum(item) / len(graded) if graded else 0.0,
                correlation(item, [t - s for t, s in zip(totals, item)]),
                mistakes, undiagnosed, example))
    return ClassAnalysis(len(graded), len(gradings) - len(graded), questions, tests)


def words(key: str) -> str:
    """A mistake's key as a reader says it: ``sum_instead_of_mean`` -> "sum instead of mean"."""
    return key.replace("_", " ")
