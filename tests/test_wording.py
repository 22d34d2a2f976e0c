"""Does wording.py hold the engine's one quoting policy, and word each case as it promises?"""

from __future__ import annotations

from autograder.grading_runtime import wording
from autograder.grading_runtime.wording import ErrorReport

# what a student's code chose: a message and a type name that spell a hidden input
CHOSEN = ErrorReport(type_name="Leak_0_6981", message="0.6981 1.3963", cell=40, line=12)


def test_a_public_test_may_quote_the_student_and_a_hidden_one_may_not():
    assert wording.may_quote()
    with wording.hidden_test():
        assert not wording.may_quote()
        with wording.hidden_test(False):  # nested, as a public check inside a hidden test
            assert wording.may_quote()
        assert not wording.may_quote()
    assert wording.may_quote()


def test_an_error_is_quoted_with_its_place_in_public_and_not_at_all_in_hidden():
    place = wording.place_in_cell(40, 12, "    raise Leak(text)")
    public = wording.raised("`f`", CHOSEN, place)
    assert public == "`f` raised Leak_0_6981: 0.6981 1.3963 (in your cell 40, line 12: `raise Leak(text)`)."
    with wording.hidden_test():
        assert wording.raised("`f`", CHOSEN, place) == "`f` raised an error."
        assert wording.unreadable_answer("`f`", "unknown value tag 'x0.6981'") == (
            "`f` answered with something the grader cannot read.")
        assert wording.own_type("Leak_0_6981", {"Tensor"}) == "own class"
        assert wording.own_type("Tensor", {"Tensor"}) == "Tensor"
        assert "0.6981" not in wording.test_stopped("ValueError: 0.6981")


def test_each_kind_of_student_error_has_its_words_and_its_key():
    cases = [
        (ErrorReport(protocol=True, message="bad frame"), False, "answer_not_readable", "cannot read"),
        (ErrorReport(type_name="NameError"), False, "not_defined", "`f` is not defined"),
        (ErrorReport(type_name="NotImplementedError", not_implemented=True), False, "not_finished",
         "`f` is not implemented yet."),
        (ErrorReport(type_name="TypeError", cell=3, line=1), True, "not_finished", "`f` is not finished yet"),
        (ErrorReport(type_name="ValueError", message="no", cell=3, line=1), False, "raised_an_error",
         "`f` raised ValueError: no."),
    ]
    for error, unfinished, key, words in cases:
        message, said_key = wording.student_error(error, "`f`", unfinished)
        assert said_key == key and words in message, (error, message)


def test_a_name_error_from_a_cell_is_the_students_own_not_a_missing_name():
    message, key = wording.student_error(ErrorReport(type_name="NameError", message="x", cell=2, line=4), "`f`",
                                         False)
    assert key == "raised_an_error" and "NameError" in message


def test_one_rule_says_when_a_failure_is_an_unfinished_answer():
    assert wording.unfinished_failure("the loss differs", None) is None
    assert wording.unfinished_failure("the loss differs", "loss") == wording.not_finished("`loss`")
    said = wording.not_finished("`loss`")
    assert wording.unfinished_failure(said, None) == said, "words that already say so are kept"


def test_cell_errors_are_listed_up_to_a_few_then_counted():
    raised = [(number, f"line {number}", ErrorReport(type_name="ValueError", message="x" * 300))
              for number in range(1, wording.MAX_CELL_ERRORS_SHOWN + 3)]
    shown = wording.cell_errors(raised)
    assert len(shown) == wording.MAX_CELL_ERRORS_SHOWN + 1
    assert shown[0].startswith("Cell 1 of your notebook (starting `line 1`) raised ValueError: ")
    assert len(shown[0]) < 400, "a long message is cut"
    assert shown[-1] == "... and 2 more cells raised errors."


def test_an_error_report_reads_only_well_formed_fields():
    forged = ErrorReport.from_wire({"type": ["not", "text"], "message": "m" * 10_000, "cell": "7",
                                    "line": 3, "not_implemented": "yes", "grader": 1})
    assert forged == ErrorReport(type_name="an error", message="m" * 500, cell=None, line=3)
    assert ErrorReport.from_wire("not a dict").protocol


def test_a_failure_without_words_for_a_hidden_test_says_a_constant_sentence():
    failure = AssertionError("expected 0.6981, got 0.5")
    with wording.hidden_test():
        said, staff = wording.failure_words(failure)
    assert "0.6981" not in said and "0.6981" in staff
