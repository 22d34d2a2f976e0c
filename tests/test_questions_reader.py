"""Reading otter's test files without otter (``grading_runtime/questions.py``).

Each test writes a small test file as a string, the way ``otter assign`` writes them into the
zip, and reads it back. Point values are checked against otter 7's own rule
(``otter.test_files.abstract_test.TestFile.resolve_test_file_points``), which decides what
students see as their score in the notebook.
"""

from __future__ import annotations

import textwrap

import pytest

from autograder.grading_runtime import questions
from autograder.grading_runtime.questions import (Question, QuestionsError, points_of, read_question,
                                                  read_questions)

HEADER = "from otter.test_files import test_case\n\nOK_FORMAT = False\n\n"


def file_source(name: str, points: str | None, *cases: str) -> str:
    """The source of a test file: otter's import, ``name``, ``points`` (a Python literal or
    nothing) and the test cases (each a decorated function, as source)."""
    points_line = f"points = {points}\n" if points is not None else ""
    return HEADER + f'name = "{name}"\n{points_line}\n' + "\n\n".join(
        textwrap.dedent(case) for case in cases)


def case(decorator_args: str, name: str, parameters: str = "f", body: str = "assert True") -> str:
    return f"@test_case({decorator_args})\ndef {name}({parameters}):\n    {body}\n"


def resolved(points: str | None, *decorators: str) -> list[float]:
    source = file_source("q", points, *[case(d, f"test_{i}") for i, d in enumerate(decorators)])
    return [c.points for c in read_question(source, "tests/q.py").cases]


# --- what a file gives ----------------------------------------------------------------------------


def test_a_file_gives_its_name_and_cases_in_order():
    """Are the question's name and its test cases, in the order of the file, read back?"""
    source = file_source("q1_add", "[0.5, 1.5]",
                       case("points=None, hidden=False", "test_small_numbers", "add"),
                       case("points=None, hidden=True", "test_large_numbers", "add"))
    question = read_question(source, "tests/q1_add.py")
    assert isinstance(question, Question)
    assert question.name == "q1_add"
    assert [c.name for c in question.cases] == ["test_small_numbers", "test_large_numbers"]
    assert all(isinstance(c, questions.TestCase) for c in question.cases)


def test_hidden_flags_are_read_per_case():
    """Does each case keep its own hidden flag, and is a case without one public?"""
    source = file_source("q", None, case("hidden=True", "test_secret"), case("", "test_public"),
                       case("hidden=False", "test_shown"), case("hidden=1", "test_truthy"))
    hidden = {c.name: c.hidden for c in read_question(source, "tests/q.py").cases}
    assert hidden == {"test_secret": True, "test_public": False, "test_shown": False,
                      "test_truthy": True}
    assert all(type(flag) is bool for flag in hidden.values())


def test_success_and_failure_messages_are_read():
    """Are a case's success and failure messages kept, and None where none is given?"""
    source = file_source("q", None,
                       case('success_message="Well done!", failure_message="Look at the sign."',
                            "test_with_messages"),
                       case("", "test_without"))
    with_messages, without = read_question(source, "tests/q.py").cases
    assert with_messages.success_message == "Well done!"
    assert with_messages.failure_message == "Look at the sign."
    assert without.success_message is None and without.failure_message is None


def test_parameters_name_the_notebook_objects_a_case_takes():
    """Are a case's parameters, in order, the names of the notebook's objects it tests?"""
    source = file_source("q", None, case("", "test_two", "Net, train_model"), case("", "test_none", ""))
    two, none = read_question(source, "tests/q.py").cases
    assert two.parameters == ("Net", "train_model")
    assert none.parameters == ()


def test_the_case_function_is_the_one_in_the_file():
    """Is the function kept for a case the test itself, runnable with the objects it names?"""
    source = file_source("q", None, case("", "test_doubles", "double", "assert double(2) == 4"))
    (only,) = read_question(source, "tests/q.py").cases
    only.function(lambda x: 2 * x)
    with pytest.raises(AssertionError):
        only.function(lambda x: x + 3)


def test_a_title_is_the_name_without_test_and_underscores():
    """Is a case's title its name without the "test_" prefix, with spaces for underscores?"""
    source = file_source("q", None, case("", "test_loss_is_the_batch_mean"), case("", "check_it"))
    titles = [c.title for c in read_question(source, "tests/q.py").cases]
    assert titles == ["loss is the batch mean", "check it"]


def test_helpers_and_imports_of_the_file_are_available_to_its_cases():
    """Can a case use a helper function and a module the file itself defines and imports?"""
    source = HEADER + textwrap.dedent('''
        import math

        name = "q_helpers"

        def _close(a, b):
            return math.isclose(a, b, rel_tol=1e-9)

        @test_case()
        def test_uses_helper(f):
            assert _close(f(), 0.3)
    ''')
    (only,) = read_question(source, "tests/q_helpers.py").cases
    only.function(lambda: 0.1 + 0.2)


def test_the_file_runs_as_a_module_named_after_it():
    """Does the file run with ``__name__`` set to ``tests.<its stem>``?"""
    source = HEADER + 'name = __name__\n\n' + case("", "test_x")
    assert read_question(source, "tests/q9_stem.py").name == "tests.q9_stem"


# --- points -------------------------------------------------------------------------------------


def test_points_as_a_list_give_each_case_its_value():
    """Does ``points = [...]`` give case i the i-th value, whatever the decorators say?"""
    assert resolved("[0.5, 2, 0]", "points=None", "points=7", "") == [0.5, 2.0, 0.0]


def test_a_total_is_shared_among_the_cases_without_points():
    """Does a total go first to the cases that name points, the rest shared among the others?"""
    assert resolved("3", "", "", "points=1") == [1.0, 1.0, 1.0]
    assert resolved("2", "", "", "", "") == [0.5, 0.5, 0.5, 0.5]
    assert resolved("4", "points=1", "points=3") == [1.0, 3.0]


def test_per_case_points_with_no_total_are_used_as_they_are():
    """With no ``points`` line, do cases that name their points get exactly those?"""
    assert resolved(None, "points=2", "points=0.25") == [2.0, 0.25]


def test_a_single_case_with_no_points_anywhere_is_worth_one_point():
    """Is a question with one case and no points at all worth one point (otter's rule)?"""
    assert resolved(None, "") == [1.0]


def test_cases_with_zero_points_leave_the_one_point_to_the_others():
    """When the only points named are zeros, is the one point shared among cases naming none?"""
    assert resolved(None, "points=0", "") == [0.0, 1.0]


def test_several_cases_with_no_points_anywhere_share_one_point_as_in_otter():
    """With no points anywhere, is the question worth one point shared among its cases, as otter says?"""
    assert resolved(None, "", "") == [0.5, 0.5]
    assert resolved(None, "", "", "", "") == [0.25] * 4


def test_cases_without_points_beside_cases_with_points_are_worth_nothing_as_in_otter():
    """With no total and some cases naming points, are the other cases worth 0, as otter says?"""
    assert resolved(None, "points=2", "") == [2.0, 0.0]


def test_max_score_is_the_sum_of_the_cases_points():
    """Is a question's max score the sum of its cases' points, as a float?"""
    source = file_source("q", "[0.5, 1.5, 1]", case("", "test_a"), case("", "test_b"), case("", "test_c"))
    question = read_question(source, "tests/q.py")
    assert question.max_score == 3.0 and type(question.max_score) is float


def test_all_points_are_floats():
    """Are resolved points floats even when the file gives ints?"""
    assert all(type(p) is float for p in resolved("[1, 2]", "", ""))
    assert all(type(p) is float for p in resolved(None, "points=2", "points=1"))


# --- folders ------------------------------------------------------------------------------------


def test_read_questions_reads_every_py_file_in_the_order_the_instructor_numbered_them(tmp_path):
    """Does read_questions return one question per ``*.py`` file, q2 before q10, ignoring others?"""
    (tmp_path / "q2_second.py").write_text(file_source("q2", "[1]", case("", "test_b")), encoding="utf-8")
    (tmp_path / "q10_last.py").write_text(file_source("q10", "[2]", case("", "test_c")), encoding="utf-8")
    (tmp_path / "q1_first.py").write_text(file_source("q1", "[3]", case("", "test_a")), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a test file", encoding="utf-8")
    names = [q.name for q in read_questions(tmp_path)]
    assert names == ["q1", "q2", "q10"]  # numbers compared as numbers, not as text
    assert list(points_of(tmp_path).items()) == [("q1", 3.0), ("q2", 1.0), ("q10", 2.0)]


def test_an_empty_folder_has_no_questions(tmp_path):
    """Does a folder with no test files give no questions and no points?"""
    assert read_questions(tmp_path) == [] and points_of(tmp_path) == {}


def test_a_broken_file_in_a_folder_names_its_path(tmp_path):
    """Does a broken file among good ones fail the whole read with its own path in the message?"""
    (tmp_path / "q1.py").write_text(file_source("q1", "[1]", case("", "test_a")), encoding="utf-8")
    (tmp_path / "q2.py").write_text("def broken(:\n", encoding="utf-8")
    with pytest.raises(QuestionsError, match="tests/q2.py"):
        read_questions(tmp_path)


def test_test_files_are_read_as_utf8(tmp_path):
    """Is a file with non-ASCII messages read as UTF-8 whatever the locale?"""
    (tmp_path / "q.py").write_text(
        file_source("q", None, case('success_message="très bien ✓"', "test_a")), encoding="utf-8")
    assert read_questions(tmp_path)[0].cases[0].success_message == "très bien ✓"


# --- broken files -------------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "words"), [
    ("name = 'q'\ndef test_x(:\n", "does not load"),
    (HEADER + "name = 'q'\n1 / 0\n", "does not load"),
    (HEADER + "name = 'q'\nimport a_module_that_is_not_there\n", "does not load"),
    (HEADER + "name = 'q'\n@test_case(bogus=1)\ndef test_x(f):\n    pass\n", "does not load"),
    (HEADER + "@test_case()\ndef test_x(f):\n    pass\n", "no question name"),
    (HEADER + "name = 42\n@test_case()\ndef test_x(f):\n    pass\n", "no question name"),
    (HEADER + "name = 'q'\npoints = 1\n", "no test case"),
    (HEADER + "name = 'q'\ndef test_x(f):\n    pass\n", "no test case"),
], ids=["syntax error", "raises", "bad import", "unknown decorator argument", "no name",
        "name not a string", "no cases", "undecorated function"])
def test_files_that_cannot_be_used_are_questions_errors(source, words):
    """Is a test file that does not load, or has no name or no case, a QuestionsError naming it?"""
    with pytest.raises(QuestionsError, match=words) as raised:
        read_question(source, "tests/q_broken.py")
    assert "tests/q_broken.py" in str(raised.value)


@pytest.mark.parametrize(("points", "decorators"), [
    ("[1, 2]", ("",)),                          # two values for one case
    ("[1]", ("", "")),                          # one value for two cases
    ("2", ("points=2", "points=1")),            # the cases name more than the total
    ("'ten'", ("",)),                           # a total that is not a number
    ("{'a': 1}", ("",)),                        # nor a dict
])
def test_points_that_do_not_fit_the_cases_are_questions_errors(points, decorators):
    """Is a points list of the wrong length, a total too small or not a number a QuestionsError?"""
    with pytest.raises(QuestionsError, match="tests/q.py"):
        resolved(points, *decorators)


@pytest.mark.parametrize("points", ["['one', 1]", "[None, 1]"])
def test_a_points_list_with_a_non_number_is_a_questions_error(points):
    """Is a points list holding a string or None a QuestionsError naming the file?"""
    with pytest.raises(QuestionsError, match="tests/q.py"):
        resolved(points, "", "")


def test_reading_a_file_does_not_import_otter():
    """Is otter's import line dropped, so reading needs neither otter nor its import time?"""
    import sys

    source = "from otter.test_files import test_case\n" + file_source("q", None, case("", "test_a"))
    had_otter = "otter.test_files" in sys.modules
    read_question(source, "tests/q.py")
    assert ("otter.test_files" in sys.modules) == had_otter
