"""How checks reach the student's objects, and the comparisons they make on what comes back.

A check receives the student's objects in one of two forms, and the functions here treat
both alike:

* in the judge, *proxies* from the grading engine (:mod:`autograder.grading_runtime.remote`):
  a call runs in the student process and what comes back is plain data the engine decoded,
  so no student object ever takes part in a comparison; errors arrive already worded;
* in the student's own notebook (public checks), the objects themselves: the functions
  here call them directly and word their errors the same way.

Every check raises ``AssertionError`` with a message written for the student: what was
checked and what looks wrong, in that order (missing, type, shape, finite, close), and never
an expected number. Results are coerced to float64 arrays before any comparison, so
tensors, arrays, lists and plain numbers of any float width are all welcome.

Hidden feedback quotes nothing the student's code chose and no hidden input (the rule lives
in :mod:`autograder.grading_runtime.wording`). A check says what it found as a
:class:`CheckFailed`: constant words for a hidden case, and optionally more (the shape the
student returned, the values of the example) for a public one. On a hidden case,
:func:`for_each_case` keeps only the constant words, and a plain ``AssertionError`` that
carries no such words becomes a generic sentence (its text goes to staff).

This module travels in ``autograder.zip`` and in the student's notebook, so it imports
nothing of the toolkit but the probes.
"""

from __future__ import annotations

import copy
import linecache
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import torch

from autograder.grading_runtime.wording import (ENGINE_DIAGNOSES, NOT_FINISHED, ErrorReport, not_defined,
                                                failure_words, may_quote, not_finished, raised)

# Keys that say what is off without naming a mistake in the student's formula: the engine's,
# and those of the generic comparisons below. Anything else a failure carries names a mistake.
GENERIC_DIAGNOSES = ENGINE_DIAGNOSES | {"unknown_mistake", "wrong_shape", "not_finite", "not_numbers",
                                        "not_a_single_number", "not_a_whole_number",
                                        "wrong_number_of_values"}


def student_shape(array: Any) -> str:
    """The shape the student's code returned, as feedback may quote it (see :func:`may_quote`)."""
    return str(tuple(np.shape(array))) if may_quote() else "another shape"


def student_words(text: str, allowed: Iterable[str] = ()) -> str:
    """A name the student's code chose (a layer's, a class's), as feedback may quote it: on a
    hidden case only one of ``allowed``."""
    return text if may_quote() or text in set(allowed) else "a name of its own"


class CheckFailed(AssertionError):
    """What a check found wrong.

    ``hidden``: the words for a hidden case, built from constant text only (what was checked,
    what is wrong, what to do), never from a value the student's code returned or a hidden
    input. ``public``: the words where quoting is allowed (the notebook, public tests), which
    may add shapes, names and the example's values; ``hidden`` when not given. ``key``: the
    known mistake it names, what the class report counts (a follow-on failure carries the key
    of the mistake it follows from). ``staff``: anything more, for staff only.
    """

    def __init__(self, hidden: str, *, public: str | None = None, key: str | None = None,
                 staff: str = ""):
        super().__init__(public if public is not None else hidden)
        self.hidden_text = hidden
        self.public_text = public if public is not None else hidden
        self.key = key
        self.staff = staff

    def text(self) -> str:
        """The words fit for where it is said now."""
        return self.public_text if may_quote() else self.hidden_text


def is_proxy(value: Any) -> bool:
    """Whether ``value`` is the grading engine's stand-in for a student's object."""
    return bool(getattr(type(value), "GRADING_PROXY", False))


def _not_defined(name: str) -> AssertionError:
    return Diagnosed(not_defined(name), "not_defined")


def call(name: str, function: Any, *args: Any) -> Any:
    """Call a student's function; a missing name or a raised error becomes feedback.

    Through a proxy, the engine has done the wording; on the object itself (in the notebook)
    it is done here, in the same words.
    """
    if function is None:
        raise _not_defined(name)
    if is_proxy(function):
        return _finished(name, function, function(*args))
    if not callable(function):
        raise AssertionError(f"`{name}` should be a function, but it is a {type(function).__name__}.")
    try:
        return _finished(name, function, function(*args))
    except Diagnosed:
        raise
    except NotImplementedError:
        raise Diagnosed(f"`{name}` is not implemented yet.", "not_finished") from None
    except Exception as error:  # the student's own error, reported as such
        if _unfinished(function):  # the error is the placeholder's, not worth the student's time
            raise Diagnosed(not_finished(f"`{name}`"), "not_finished") from None
        raise AssertionError(raised_in_notebook(f"`{name}`", error)) from None


def _finished(name: str, function: Any, value: Any) -> Any:
    """``value``, unless it is the template's placeholder come back from an unfinished function."""
    if value is Ellipsis or value is None:
        unfinished = function.is_unfinished() if is_proxy(function) else _unfinished(function)
        if unfinished:
            raise Diagnosed(not_finished(f"`{name}`"), "not_finished")
    return value


def _unfinished(function: Any) -> bool:
    from autograder.grading_runtime.probes import unfinished

    return unfinished(function)


def unfinished_note(objects: dict[str, Any], message: str) -> tuple[str, bool]:
    """A failure's message; or, when one of the objects the test took still has the template's
    ``...``, the sentence saying so alone. Returns it and whether the answer was unfinished."""
    if NOT_FINISHED in message:
        return message, True
    for name, value in objects.items():
        if value is None:
            continue
        try:
            waiting = value.is_unfinished() if is_proxy(value) else _unfinished(value)
        except Exception:  # an object that cannot say: nothing to add
            waiting = False
        if waiting:
            return not_finished(f"`{name}`"), True
    return message, False


def _same(sent: Any, returned: Any, tolerance: float = 0.0) -> bool:
    """Whether an argument came back as it was sent: same type and shape, and the same values,
    or within ``tolerance`` of them where restoring them by arithmetic is allowed."""
    if not (isinstance(returned, type(sent)) and tuple(returned.shape) == tuple(sent.shape)):
        return False
    before, after = np.asarray(sent), np.asarray(returned)
    if tolerance == 0.0:
        return bool(np.array_equal(after, before, equal_nan=True))
    return bool(np.allclose(after, before, rtol=0.0, atol=tolerance, equal_nan=True))


def call_unchanged(name: str, function: Any, *args: Any, names: tuple[str, ...],
                   tolerances: dict[str, float] | None = None) -> Any:
    """``call``, also failing when the function changed one of its array arguments in place.

    Through a proxy the student process works on its own copies, which the engine sends back
    as they are after the call; here each is compared with what was sent. ``names`` names
    the arguments for the message; ``tolerances`` allows, by name, an argument to come back
    within that distance of what was sent (one that is perturbed and restored by arithmetic).
    """
    if function is None:
        raise _not_defined(name)
    sent: Sequence[Any]
    if is_proxy(function):
        value, after, _ = function.call_and_echo(*args)
        value = _finished(name, function, value)
        sent = args
    else:
        sent = [copy.deepcopy(a) if isinstance(a, (torch.Tensor, np.ndarray)) else a for a in args]
        value = call(name, function, *args)
        after = args
    for argument, before, now in zip(names, sent, after):
        allowed = (tolerances or {}).get(argument, 0.0)
        if isinstance(before, (torch.Tensor, np.ndarray)) and not _same(before, now, allowed):
            raise CheckFailed(f"`{name}` changed its input {argument} in place; work on a copy, or "
                              "on new tensors, and leave the caller's as they were.",
                              key="changed_its_input_in_place")
    return value


def probe(student_object: Any, name: str, *args: Any) -> Any:
    """Run an inspection of :mod:`autograder.grading_runtime.probes` on a student's object,
    where the object lives: in the student process, or here in the notebook."""
    if is_proxy(student_object):
        return student_object.probe(name, *args)
    from autograder.grading_runtime.probes import PROBES

    try:
        return PROBES[name](None, student_object, *args)
    except Exception as error:  # the student's code failed under the inspection
        label = f"`{getattr(student_object, '__name__', type(student_object).__name__)}`"
        if _unfinished(student_object):
            raise Diagnosed(not_finished(label), "not_finished") from None
        raise AssertionError(raised_in_notebook(label, error)) from None


# How IPython names the file of a cell: plain IPython (and ipykernel before 6)
# ``<ipython-input-7-...>``, ipykernel ``<temp>/ipykernel_<pid>/<hash>.py``.
_INPUT_FILE = re.compile(r"<ipython-input-(\d+)-")
_KERNEL_CELL_FILE = re.compile(r"[/\\]ipykernel_\d+[/\\]\d+\.py$")


def _cell_named(filename: str) -> str | None:
    """The label of the notebook cell compiled as ``filename`` ("In[7]", as IPython's own
    tracebacks say, or "" where the number is unknown), or None for any other file."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
        known = shell.compile.format_code_name(filename) if shell is not None else None
    except Exception:  # no IPython, or one that cannot say
        known = None
    if known:
        return known[1]
    found = _INPUT_FILE.match(filename)
    if found:
        return f"In[{found.group(1)}]"
    return "" if _KERNEL_CELL_FILE.search(filename) else None


def cell_line(error: BaseException) -> str:
    """The innermost line of a notebook cell that ``error`` passed through, as a public check
    quotes it (" (in your cell In[7], line 3: `return table[x]`)"), or "" if it passed through
    none: never a line of the checks."""
    place = None
    trace = error.__traceback__
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename
        cell = _cell_named(filename)
        if cell is not None:
            place = (cell, filename, trace.tb_lineno)
        trace = trace.tb_next
    if place is None or not may_quote():
        return ""
    cell, filename, line = place
    code = linecache.getline(filename, line).strip()
    where = f" (in your cell {cell}, line {line}" if cell else f" (in one of your cells, line {line}"
    return where + (f": `{code[:100]}`)" if code else ")")


def raised_in_notebook(label: str, error: BaseException) -> str:
    """What a public check says when the student's code raised ``error`` in the notebook: the
    error and the line of the student's cell ("`f` raised KeyError: 'x' (in your cell In[7],
    line 3: `return table[x]`).")."""
    try:
        words = str(error).strip()
    except Exception:  # an exception that cannot say what it is
        words = ""
    return raised(label, ErrorReport(type(error).__name__, words), cell_line(error))


def kind_of(value: Any) -> str:
    """What a value is, in words for feedback (a proxy says its object's type)."""
    if is_proxy(value):
        return f"{value.student_type()} object"
    return type(value).__name__


def error_text(error: BaseException) -> str:
    """All an error says, for matching hints: the student's own message where there is one
    (checks may read it to choose their words, never to quote it in a hidden test)."""
    return f"{error} {getattr(error, 'detail', '')}"


PLAIN = (int, float, bool, np.ndarray, np.generic, list, tuple)


def to_array(what: str, value: Any) -> np.ndarray:
    """A float64 copy of ``value`` (tensor, array, list or number), or feedback if it is none."""
    if value is None or value is Ellipsis:
        raise Diagnosed(f"{what} is missing: nothing came back (is a return statement missing, or "
                        "is the code not finished?).", "not_finished")
    if isinstance(value, torch.Tensor):
        if value.is_complex():
            raise CheckFailed(f"{what} should be real numbers, got a complex tensor.")
        value = value.detach().cpu().double().numpy()
    elif not isinstance(value, PLAIN):
        raise CheckFailed(f"{what} should be numbers (a tensor, an array or a float).",
                          public=f"{what} should be numbers (a tensor, an array or a float), got a "
                                 f"{kind_of(value)}.", key="not_numbers")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise CheckFailed(f"{what} should be numbers (a tensor, an array or a float).",
                          public=f"{what} should be numbers (a tensor, an array or a float), got a "
                                 f"{kind_of(value)}.", key="not_numbers") from None
    return array


def to_int(what: str, value: Any) -> int:
    """A whole number from an int, a whole-valued float or a 0-dim tensor or array."""
    array = to_array(what, value)
    if array.size != 1:
        raise CheckFailed(f"{what} should be a single number.",
                          public=f"{what} should be a single number, got shape {student_shape(array)}.",
                          key="not_a_single_number")
    number = float(array.reshape(()))
    if not np.isfinite(number) or number != round(number):
        raise CheckFailed(f"{what} should be a whole number.", key="not_a_whole_number")
    return int(round(number))


def unpack(what: str, value: Any, count: int) -> tuple:
    """The items of a returned tuple, checking that there are ``count`` of them."""
    if not isinstance(value, (tuple, list)):
        raise CheckFailed(f"{what} should return {count} values.",
                          public=f"{what} should return {count} values, got a {kind_of(value)}.",
                          key="wrong_number_of_values")
    if len(value) != count:
        raise CheckFailed(f"{what} should return {count} values.",
                          public=f"{what} should return {count} values, got {len(value)}.",
                          key="wrong_number_of_values")
    return tuple(value)


def expect_shape(what: str, array: np.ndarray, *allowed: tuple[int, ...], hidden: str = "") -> None:
    """The shape of ``array`` must be one of ``allowed``; the first is the one to name.

    On a hidden case the shapes are not named (they come from hidden inputs and from the
    student's code): ``hidden`` may say in words what the shape should be.
    """
    if tuple(array.shape) not in [tuple(shape) for shape in allowed]:
        wanted = " or ".join(str(tuple(shape)) for shape in allowed)
        raise CheckFailed(f"{what} has the wrong shape{'; ' + hidden if hidden else ''}.".replace("..", "."),
                          public=f"{what} has shape {student_shape(array)}, expected {wanted}.",
                          key="wrong_shape")


def expect_finite(what: str, array: np.ndarray) -> None:
    if not np.isfinite(array).all():
        raise CheckFailed(f"{what} contains NaN or infinity.", key="not_finite")


def close(got: np.ndarray, want: np.ndarray, *, rtol: float, atol: float) -> bool:
    """Whether two arrays of the same shape agree within the tolerances."""
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=rtol, atol=atol))


@dataclass(frozen=True)
class Mistake:
    """A known mistake: a stable key (what reports count, e.g. ``sum_instead_of_mean``) and
    the words that tell a student what it looks like and what to do."""

    key: str
    explanation: str


class Diagnosed(CheckFailed):
    """A failure that recognised a known mistake, in one wording for every case (which must
    then hold no student value and no hidden input); ``key`` names it for the class report."""

    def __init__(self, message: str, key: str):
        super().__init__(message, key=key)


def vocabulary(**explanations: str) -> dict[str, Mistake]:
    """An assignment's mistakes, by key: ``vocabulary(sum_instead_of_mean="...")``."""
    return {key: Mistake(key, text) for key, text in explanations.items()}


def diagnose(mistake: Mistake, prefix: str = "") -> Diagnosed:
    """The failure for ``mistake``, its explanation after ``prefix``."""
    return Diagnosed(f"{prefix}{mistake.explanation}", mistake.key)


def stored_mistakes(case: dict, field: str, mistakes: dict[str, Mistake]) -> list[tuple[Any, Mistake]]:
    """What each known mistake would have returned on ``case`` for ``field``, in the order the
    reference stored them (the first that matches is named): ``case["mistakes"][field]``.

    Mistakes the reference found to give the same answer here (stored under a list of keys,
    see :mod:`reference.separation`) come back as one :class:`Mistake` that names each as a
    possibility, and counts under all their keys joined with ``|``.
    """
    found = []
    for key, value in case.get("mistakes", {}).get(field, []):
        if value is None:
            continue
        found.append((value, either(*(mistakes[k] for k in key)) if isinstance(key, list) else mistakes[key]))
    return found


def either(*possible: Mistake) -> Mistake:
    """Several mistakes that give the same answer on a case: named as possibilities, none as certain."""
    if len(possible) == 1:
        return possible[0]
    words = " Or: ".join(m.explanation[:1].upper() + m.explanation[1:] for m in possible)
    return Mistake("|".join(m.key for m in possible), f"this could be one of {len(possible)} "
                   f"mistakes that give the same answer here. {words}")


def expect_close(
    what: str,
    got: np.ndarray,
    want: Any,
    *,
    rtol: float,
    atol: float,
    diagnoses: Iterable[tuple[Any, Mistake]] = (),
    advice: str = "",
) -> None:
    """``got`` must match ``want``; if not, name the first known mistake it matches.

    ``diagnoses`` pairs what a known mistake would produce with the :class:`Mistake`.
    """
    want = np.asarray(want, dtype=np.float64)
    expect_finite(what, got)
    if close(got, want, rtol=rtol, atol=atol):
        return
    for wrong, mistake in diagnoses:
        if close(got, np.asarray(wrong, dtype=np.float64), rtol=rtol, atol=atol):
            if isinstance(mistake, str):  # words without a key: named, but not counted
                raise CheckFailed(f"{what} differs from the reference: {mistake}")
            raise diagnose(mistake, f"{what} differs from the reference: ")
    raise CheckFailed(f"{what} differs from the reference. {advice}".rstrip(), key="unknown_mistake")


def for_each_case(cases: Iterable[dict], check: Callable[[dict], None]) -> None:
    """Run ``check`` on every case, naming the case in the message of the first failure.

    A hidden case is named by its label only, a description in words ("On a hidden case (a
    batch of several samples)"); a public example, which the student has in the notebook, as
    the example. Where quoting is not allowed (a hidden test), a failure says only its
    constant words (see :class:`CheckFailed`).
    """
    for case in cases:
        try:
            check(case)
        except AssertionError as failure:
            where = "On the example" if case.get("public") else "On a hidden case"
            words, staff = failure_words(failure)
            key = getattr(failure, "key", None)
            raise CheckFailed(f"{where} ({case['label']}): {words}",
                              key=key if isinstance(key, str) else None, staff=staff) from None
