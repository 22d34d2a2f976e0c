"""What a class's gradings say about the class and about the tests: mistakes and item analysis.

Every check names the mistake it recognised with a stable key, carried in each case's
result (``CaseResult.diagnosis``). This module counts them, for each question and for each
test: how many students made each mistake (a student who makes it in three tests of a
question counts once for the question; each member of a group submission counts), ranked,
each with one anonymous example of the feedback it gave. An answer left unfinished, or not
there at all, is counted apart: it is not a mistake to reteach.

It also analyses the items, as a test author would: for each test and each question, its
pass rate, its mean score and its discrimination, the correlation over the graded
submissions between the item's score and the score on the *other* questions (a test is not
compared with its own question's other tests, which share its answer and would make any
test look good). Each discrimination comes with a bootstrap interval (``RESAMPLES``
resamples of the submissions, seeded, so a report is reproducible), widened for the number
of items judged at once (Bonferroni), so that in a class whose answers are independent of
each other no item is flagged, 19 times in 20. An item is flagged as "failed more by strong
submissions than by weak ones" only when its whole interval lies below zero, and only with
at least ``MIN_SUBMISSIONS`` graded submissions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Iterable

from autograder.grade import natural_order
from autograder.grading_runtime import results as gradescope

# Diagnoses that say an answer was not given, rather than what was wrong with it.
NOT_ANSWERED = {"not_finished": "not finished", "not_defined": "not in the notebook"}
RESAMPLES = 2000
SEED = 18
CONFIDENCE = 0.95  # for all the items of a report at once
MIN_SUBMISSIONS = 10
BACKWARDS = "failed more by strong submissions than by weak ones"


@dataclass
class MistakeCount:
    key: str
    students: int
    example: str  # one student's feedback for it, without a name


@dataclass
class ItemStatistics:
    """One test case, or one whole question, across the class."""

    question: str
    test: str | None  # None for the question as a whole
    hidden: bool
    points: float
    submissions: int  # graded ones
    passed: int  # submissions with full marks on the item
    mean_score: float
    discrimination: float | None = None  # None where it is undefined (no variation)
    interval: tuple[float, float] | None = None  # None with too few submissions
    mistakes: list[MistakeCount] = field(default_factory=list)  # ranked
    not_answered: list[MistakeCount] = field(default_factory=list)
    undiagnosed: int = 0  # students who failed it with no mistake named
    undiagnosed_example: str = ""
    lost_points: int = 0  # students who did not get full marks on it

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
        if self.interval is not None and self.interval[1] < 0:
            found.append(BACKWARDS)
        return found


@dataclass
class ClassAnalysis:
    submissions: int  # graded ones: what the item analysis rests on
    students: int  # in the graded submissions (a group submission has several)
    not_graded: int
    questions: list[ItemStatistics]
    tests: list[ItemStatistics]
    judged: int = 0  # items whose discrimination has an interval (the Bonferroni count)

    def tests_of(self, question: str) -> list[ItemStatistics]:
        return [t for t in self.tests if t.question == question]

    @property
    def flagged(self) -> list[ItemStatistics]:
        return [item for item in self.questions + self.tests if BACKWARDS in item.flags]


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


def _bootstrap_spread(item: list[float], rest: list[float], draws) -> float | None:
    """The standard deviation of the correlation over the resamples ``draws`` (rows of
    indices); None when most resamples leave the item or the rest without variation."""
    import numpy as np

    x, y = np.asarray(item)[draws], np.asarray(rest)[draws]
    x = x - x.mean(axis=1, keepdims=True)
    y = y - y.mean(axis=1, keepdims=True)
    sxx, syy, sxy = (x * x).sum(axis=1), (y * y).sum(axis=1), (x * y).sum(axis=1)
    defined = (sxx > 1e-12) & (syy > 1e-12)
    if defined.sum() < max(2, draws.shape[0] // 2):
        return None
    values = sxy[defined] / np.sqrt(sxx[defined] * syy[defined])
    return float(values.std(ddof=1))


def _count(per_submission: list[tuple[int, dict[str, str]]]) -> list[MistakeCount]:
    """Mistakes ranked by students, from each submission's size and ``{key: message}``."""
    counts: dict[str, MistakeCount] = {}
    for size, keys in per_submission:
        for key, message in keys.items():
            counts.setdefault(key, MistakeCount(key, 0, message)).students += size
    return sorted(counts.values(), key=lambda m: (-m.students, m.key))


def _tally(item: ItemStatistics, failures: list[tuple[int, list[gradescope.CaseResult]]]) -> None:
    """Fill in ``item``'s mistakes from each submission's size and failed cases."""
    mistakes, unanswered = [], []
    for size, failed in failures:
        named: dict[str, str] = {}
        missing: dict[str, str] = {}
        undiagnosed = [c for c in failed if not c.diagnosis]
        for case in failed:
            if case.diagnosis in NOT_ANSWERED:
                missing.setdefault(case.diagnosis, case.message)
            elif case.diagnosis:
                named.setdefault(case.diagnosis, case.message)
        mistakes.append((size, named))
        unanswered.append((size, missing))
        if undiagnosed:
            item.undiagnosed += size
            item.undiagnosed_example = item.undiagnosed_example or undiagnosed[0].message
        if failed:
            item.lost_points += size
    item.mistakes, item.not_answered = _count(mistakes), _count(unanswered)


def analyse(gradings: list[gradescope.Grading], questions: Iterable[str] | None = None, *,
            sizes: list[int] | None = None) -> ClassAnalysis:
    """The statistics of every question and test over the graded submissions.

    ``questions`` gives the order of the questions (default: natural order, ``q2`` before
    ``q10``); ``sizes`` the number of students of each grading (default: one each)."""
    sizes = sizes or [1] * len(gradings)
    graded = [(g, size) for g, size in zip(gradings, sizes) if g.status == gradescope.GRADED]
    layout: dict[str, list[gradescope.CaseResult]] = {}
    for grading, _ in graded:
        for result in grading.questions:
            known = layout.setdefault(result.name, [])
            for case in result.cases:
                if case.name not in {c.name for c in known}:
                    known.append(case)
    order = list(questions) if questions is not None else []
    names = [n for n in order if n in layout] + sorted((n for n in layout if n not in order), key=natural_order)
    count = len(graded)
    totals = [g.score for g, _ in graded]
    found = ClassAnalysis(count, sum(size for _, size in graded), len(gradings) - count, [], [])
    rests: dict[int, list[float]] = {}  # id of an item -> the score on the other questions
    scores_of: dict[int, list[float]] = {}
    for name in names:
        per_submission = [next((q for q in g.questions if q.name == name), None) for g, _ in graded]
        scores = [q.score if q else 0.0 for q in per_submission]
        rest = [t - s for t, s in zip(totals, scores)]
        question = ItemStatistics(
            name, None, False, max((q.max_score for q in per_submission if q), default=0.0), count,
            sum(1 for q in per_submission if q and q.cases and q.score >= q.max_score),
            math.fsum(scores) / count if count else 0.0, correlation(scores, rest))
        _tally(question, [(size, [c for c in q.cases if not c.passed] if q else [])
                          for q, (_, size) in zip(per_submission, graded)])
        found.questions.append(question)
        rests[id(question)], scores_of[id(question)] = rest, scores
        for template in layout[name]:
            results = [next((c for c in q.cases if c.name == template.name), None) if q else None
                       for q in per_submission]
            item = [c.score if c else 0.0 for c in results]
            test = ItemStatistics(
                name, template.name, template.hidden, template.points, count,
                sum(1 for c in results if c and c.passed), math.fsum(item) / count if count else 0.0,
                correlation(item, rest))
            _tally(test, [(size, [c] if c and not c.passed else [])
                          for c, (_, size) in zip(results, graded)])
            found.tests.append(test)
            rests[id(test)], scores_of[id(test)] = rest, item
    _intervals(found, scores_of, rests)
    return found


def _intervals(found: ClassAnalysis, scores_of: dict, rests: dict) -> None:
    """Each discrimination's simultaneous interval, where there are enough submissions."""
    if found.submissions < MIN_SUBMISSIONS:
        return
    import numpy as np

    draws = np.random.default_rng(SEED).integers(0, found.submissions, size=(RESAMPLES, found.submissions))
    items = [i for i in found.questions + found.tests if i.discrimination is not None]
    spreads = {id(i): _bootstrap_spread(scores_of[id(i)], rests[id(i)], draws) for i in items}
    judged = [i for i in items if spreads[id(i)] is not None]
    found.judged = len(judged)
    if not judged:
        return
    z = NormalDist().inv_cdf(1 - (1 - CONFIDENCE) / (2 * len(judged)))
    for item in judged:
        spread, discrimination = spreads[id(item)], item.discrimination
        assert spread is not None and discrimination is not None  # as judged and items chose them
        half = z * spread
        item.interval = (max(-1.0, discrimination - half), min(1.0, discrimination + half))


def words(key: str) -> str:
    """A mistake's key as a reader says it: ``sum_instead_of_mean`` -> "sum instead of mean"."""
    return NOT_ANSWERED.get(key, key.replace("_", " "))
