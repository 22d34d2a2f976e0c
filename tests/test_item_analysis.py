"""Can an instructor trust the item analysis: does it flag a broken test, and only that?

Every class here is synthetic: gradings built in the test, from a seeded random generator,
with no grading run. Each student has an ability; a good test is passed more often the more
able the student, a broken one less often, and in a class with independent answers every
verdict is a coin of its own.
"""

from __future__ import annotations

import math
import random

import pytest

from autograder import analysis
from autograder.grading_runtime import results as gradescope
from autograder.grading_runtime.results import CaseResult, Grading, QuestionResult

QUESTIONS, TESTS = 5, 3


def _student(rng: random.Random, passes) -> Grading:
    """One graded submission: ``passes(question, test)`` says whether each test passed."""
    return Grading(gradescope.GRADED, "", [
        QuestionResult(f"q{q + 1}", [CaseResult(f"test_{t}", True, 1.0, passes(q, t)) for t in range(TESTS)])
        for q in range(QUESTIONS)])


def independent_class(seed: int, size: int = 120) -> list[Grading]:
    """Each verdict drawn on its own, with pass rates from 30% to 90%."""
    rng = random.Random(seed)
    return [_student(rng, lambda q, t: rng.random() < 0.3 + 0.1 * t + 0.1 * q) for _ in range(size)]


def class_with_a_broken_test(seed: int, broken=(2, 1), size: int = 120) -> list[Grading]:
    """Verdicts that follow ability, except the ``broken`` test's, which goes against it."""
    rng = random.Random(seed)
    gradings = []
    for _ in range(size):
        ability = rng.gauss(0.0, 1.0)

        def passes(q, t, ability=ability):
            sign = -1.0 if (q, t) == broken else 1.0
            return rng.random() < 1 / (1 + math.exp(-2.0 * sign * ability))

        gradings.append(_student(rng, passes))
    return gradings


@pytest.mark.parametrize("seed", range(5))
def test_a_class_with_independent_answers_has_no_item_flagged(seed):
    found = analysis.analyse(independent_class(seed))
    assert found.submissions == 120 and found.judged == QUESTIONS * (TESTS + 1)
    assert found.flagged == []
    assert min(i.discrimination for i in found.tests) < 0, "some estimates fall below zero by chance"


@pytest.mark.parametrize("seed", range(5))
def test_a_test_whose_verdict_goes_against_ability_is_the_one_flagged(seed):
    found = analysis.analyse(class_with_a_broken_test(seed))
    assert [(i.question, i.test) for i in found.flagged] == [("q3", "test_1")]
    (broken,) = found.flagged
    assert -1.0 <= broken.interval[0] <= broken.discrimination <= broken.interval[1] < 0
    assert broken.flags == [analysis.BACKWARDS]


def test_a_test_is_judged_against_the_other_questions_not_its_own():
    """Two tests of one question that always agree, and nothing to do with the rest: against
    the total including each other they would look perfect; against the others, they are noise."""
    rng = random.Random(7)
    gradings = []
    for _ in range(120):
        twin = rng.random() < 0.5
        others = [QuestionResult(f"q{q}", [CaseResult("test", True, 1.0, rng.random() < 0.6)]) for q in (2, 3, 4)]
        twins = QuestionResult("q1", [CaseResult("a", True, 1.0, twin), CaseResult("b", True, 1.0, twin)])
        gradings.append(Grading(gradescope.GRADED, "", [twins, *others]))
    found = {(t.question, t.test): t for t in analysis.analyse(gradings).tests}
    assert abs(found[("q1", "a")].discrimination) < 0.25
    with_own_question = analysis.correlation(
        [g.questions[0].cases[0].score for g in gradings],
        [g.score - g.questions[0].cases[0].score for g in gradings])
    assert with_own_question > 0.4, "the old way of counting would have praised it"


def test_the_analysis_is_reproducible():
    gradings = class_with_a_broken_test(3)
    first, again = analysis.analyse(gradings), analysis.analyse(gradings)
    assert [i.interval for i in first.tests] == [i.interval for i in again.tests]


def test_too_small_a_class_gets_no_interval_and_no_backwards_flag():
    """Two strong submissions fail ``a``, three weak ones pass it: backwards, but five
    submissions cannot show it."""
    def grading(a, c):
        return Grading(gradescope.GRADED, "", [
            QuestionResult("q1", [CaseResult("a", True, 1.0, bool(a)), CaseResult("b", True, 1.0, True)]),
            QuestionResult("q2", [CaseResult("c", True, 1.0, bool(c))]),
            QuestionResult("q3", [CaseResult("e", True, 1.0, bool(c))])])

    found = analysis.analyse([grading(0, 1)] * 2 + [grading(1, 0)] * 3)
    tests = {t.test: t for t in found.tests}
    assert found.submissions == 5 < analysis.MIN_SUBMISSIONS and found.judged == 0
    assert tests["a"].discrimination == pytest.approx(-1.0) and tests["a"].interval is None
    assert tests["a"].flags == []
    assert tests["b"].flags == ["passed by everybody"]


def test_nobody_passing_is_flagged():
    found = analysis.analyse(independent_class(0, size=20))
    always_failed = [Grading(gradescope.GRADED, "", [QuestionResult("q9", [CaseResult("x", True, 1.0, False)])])]
    nobody = analysis.analyse(always_failed * 3).tests[0]
    assert nobody.flags == ["passed by nobody"]
    assert all("passed by nobody" not in t.flags for t in found.tests)


def test_correlation_is_undefined_without_variation():
    assert analysis.correlation([1, 1, 1], [0, 1, 2]) is None
    assert analysis.correlation([0, 1], [0, 1]) == pytest.approx(1.0)
    assert analysis.correlation([0, 1, 0], [1, 0, 1]) == pytest.approx(-1.0)
