"""What a student reads about their code, and the one rule of what that may quote.

Two places speak to a student about their code: the judge, through the proxies of
:mod:`.remote`, and the public checks in the student's own notebook, through
:mod:`autograder.checks.values`. Both word what happened here, so a sentence changes in one
place.

The rule: feedback may quote what the student's code chose (an error's type and text, the
line that raised, a returned shape or name) only where quoting is allowed. It is allowed in
the notebook and in public tests; in a hidden test it is not, since anything the student's
code chooses to show can be made to carry a hidden input out, a bit at a time. The judge
switches quoting off for each hidden test with :func:`hidden_test`; everything else asks
:func:`may_quote`.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

_QUOTING = contextvars.ContextVar("may_quote_the_student", default=True)


def may_quote() -> bool:
    """Whether feedback written now may quote what the student's code chose."""
    return _QUOTING.get()


@contextmanager
def hidden_test(hidden: bool = True) -> Iterator[None]:
    """Word everything inside as for a hidden test (``hidden``) or a public one."""
    token = _QUOTING.set(not hidden)
    try:
        yield
    finally:
        _QUOTING.reset(token)


@dataclass(frozen=True)
class ErrorReport:
    """An error the student's code raised, as the student process describes it: every field
    checked here, once, since the student process can send anything."""

    type_name: str = "an error"
    message: str = ""
    cell: int | None = None  # the notebook cell it was raised in, counting every cell from 1
    line: int | None = None  # the line in that cell
    not_implemented: bool = False  # a NotImplementedError: the template's placeholder
    protocol: bool = False  # not the student's error: an answer the channel could not carry

    @classmethod
    def from_wire(cls, described: Any) -> "ErrorReport":
        if type(described) is not dict:
            return cls(protocol=True)
        text = lambda key, default: described[key] if type(described.get(key)) is str else default  # noqa: E731
        number = lambda key: described[key] if type(described.get(key)) is int else None  # noqa: E731
        return cls(type_name=text("type", "an error")[:100], message=text("message", "")[:500],
                   cell=number("cell"), line=number("line"),
                   not_implemented=described.get("not_implemented") is True,
                   protocol=described.get("grader") is True)


# --- sentences about a graded name ------------------------------------------------------------

NOT_FINISHED = "is not finished yet (it still has `...`)"


def not_defined(name: str) -> str:
    return f"`{name}` is not defined. Keep the name `{name}` and run the cell that defines it."


def not_finished(label: str) -> str:
    """What an answer that still has the template's ``...`` is told, and nothing more: what it
    raised or returned is the placeholder's doing, not worth the student's time."""
    return f"{label} {NOT_FINISHED}."


def unfinished_failure(message: str, waiting: str | None) -> str | None:
    """The one rule for an unfinished answer: a failed test counts as "not finished" (and is
    counted under ``not_finished``) when its words already say so, or when ``waiting``, a name
    the test took, still has the template's ``...``. Returns what the student reads then (the
    test's own words, or :func:`not_finished`), or None for a failure of a finished answer."""
    if NOT_FINISHED in message:
        return message
    return not_finished(f"`{waiting}`") if waiting else None


def not_implemented(label: str) -> str:
    return f"{label} is not implemented yet."


def not_a_function(name: str, kind: str) -> str:
    return f"`{name}` should be a function, but it is a {kind if may_quote() else 'value'}."


def raised(label: str, error: ErrorReport, place: str = "") -> str:
    """``label`` raised ``error``. Where quoting is allowed: its type, its text and ``place``
    (the student's own line); in a hidden test: that it raised, and nothing it chose."""
    if not may_quote():
        return f"{label} raised an error."
    text = error.type_name
    if error.message.strip():
        text += f": {error.message.strip()[:300]}"
    return f"{label} raised {text}{place}".rstrip(".") + "."


def student_error(error: ErrorReport, label: str, unfinished: bool, place: str = "") -> tuple[str, str]:
    """What the student reads when asking ``label`` (a graded name, or something of it) ended
    in ``error``, and the key it is counted under: an answer the channel could not carry, a
    name the notebook does not define, an exercise not implemented or not finished (``unfinished``:
    the function still has the template's ``...``), or else what it raised, at ``place``."""
    if error.protocol:
        return unreadable_answer(label, error.message), "answer_not_readable"
    if error.cell is None and error.type_name == "NameError" and label.startswith("`") and label.count("`") == 2:
        return not_defined(label.strip("`")), "not_defined"
    if error.not_implemented:
        return not_implemented(label), "not_finished"
    if unfinished:
        return not_finished(label), "not_finished"
    return raised(label, error, place), "raised_an_error"


def place_in_cell(number: int, line: int, text: str) -> str:
    """Where in the notebook an error was raised, as :func:`raised` appends it."""
    return f" (in your cell {number}, line {line}: `{text.strip()[:100]}`)"


def timed_out(label: str, seconds: float) -> str:
    return (f"{label} did not finish within {seconds:g} s; look for an endless loop or for work "
            "far larger than the exercise needs.")


def stopped_the_process(label: str) -> str:
    return f"{label} stopped the student process (a crash, os._exit, or running out of memory)."


def unreadable_answer(label: str, detail: str = "") -> str:
    """An answer that is not plain data the grader can decode (the decoder's own words only
    where quoting is allowed: the student's code chose what they describe)."""
    why = f" ({detail[:200]})" if detail and may_quote() else ""
    return f"{label} answered with something the grader cannot read{why}."


def own_type(type_name: str, known: set[str]) -> str:
    """A type name fit for feedback: in a hidden test only a well-known or graded one."""
    return type_name if may_quote() or type_name in known else "own class"


PROCESS_NOT_RUNNING = "the student process is not running"


# --- the notebook's run, as the notes under the results say it -------------------------------------
# Said at once (the notes show whatever the assignment's visibility), so about the notebook's
# own cells only, never about a hidden test.

CELL_TIMED_OUT = "ran longer than {seconds:g} s and was stopped"
CELL_STOPPED_THE_PROCESS = "stopped the notebook's kernel (a crash, os._exit, or running out of memory)"
CELL_OUT_OF_MEMORY = "ran out of memory"
CELL_NOT_RUN = "was not run"
TOO_MANY_RESTARTS = ("The notebook stopped the grader's process too often; the cells after this "
                     "point were not run.")
NO_RESTART = ("After a cell stopped it, the notebook's process could not be started again; the "
              "tests that need it fail.")
MAX_CELL_ERRORS_SHOWN = 5


def cell_skipped(number: int, first_line: str, why: str) -> str:
    """A cell that ended the process or outlived its limit; ``why`` is one of the CELL_ phrases."""
    return (f"Cell {number} of your notebook (starting `{first_line}`) {why}. It was skipped and "
            "the rest of the notebook was graded without it.")


def cell_errors(raised: list[tuple[int, str, ErrorReport]]) -> list[str]:
    """The cells that raised while the notebook ran (number, first line, error): the first few,
    each with what it raised, then how many more."""
    shown = []
    for number, first_line, error in raised[:MAX_CELL_ERRORS_SHOWN]:
        message = error.message.strip()
        text = f"{error.type_name}: {message[:200]}" if message else error.type_name
        shown.append(f"Cell {number} of your notebook (starting `{first_line}`) raised {text}. What "
                     "it defines may be missing, and the tests that need it fail.")
    if len(raised) > MAX_CELL_ERRORS_SHOWN:
        shown.append(f"... and {len(raised) - MAX_CELL_ERRORS_SHOWN} more cells raised errors.")
    return shown


# --- a grading that did not finish -------------------------------------------------------------------

NO_RESULTS = "The grader stopped without writing results; your instructor can see why."
GRADING_STOPPED = "The grading was stopped before it finished; it will be graded again."


def grading_expired(seconds: float) -> str:
    return (f"Grading took longer than {seconds:g} s and was stopped. Look for a cell that never "
            "finishes or trains far longer than the exercise needs, and resubmit.")


def test_stopped(exception_line: str) -> str:
    """A test whose own code stopped (on odd answers, or a grader bug): in a public test the
    exception's last line, in a hidden one only that staff can see why."""
    if not may_quote():
        return "The grader could not run this test on what your code returned; your instructor can see why."
    return f"The check stopped with {exception_line.strip()[:300]}; look at what your code returns."


# --- a test's failure, as the student reads it -------------------------------------------------

# What a hidden test says when the failure carried no words fit for it.
UNWORDED_FAILURE = "the result is not what the exercise asks for."


def failure_words(failure: BaseException) -> tuple[str, str]:
    """What a failed check says to the student here, and what only staff may read.

    A failure worded for both kinds of test says ``text()`` (the checks' ``CheckFailed``: its
    constant words in a hidden test), or its message where it sets
    ``worded_for_hidden_tests`` (the engine's own ``StudentError``). Any other failure keeps
    its message where quoting is allowed; in a hidden test it says :data:`UNWORDED_FAILURE`,
    and its message goes to staff, since it may hold what the student's code returned.
    """
    staff = getattr(failure, "staff", "")
    staff = staff if isinstance(staff, str) else ""
    text = getattr(failure, "text", None)
    if callable(text):
        return str(text()).strip(), staff
    message = str(failure).strip()
    if may_quote() or getattr(failure, "worded_for_hidden_tests", False):
        return message, staff
    return UNWORDED_FAILURE, message


# What the class report counts a failure as when the engine, not a check, worded it: none of
# these names a mistake in the student's formula.
ENGINE_DIAGNOSES = frozenset({"raised_an_error", "not_defined", "not_finished", "did_not_finish_in_time",
                              "stopped_the_process", "answer_not_readable"})
