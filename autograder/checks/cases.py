"""Comparing an answer with what a case stores, and checks declared in one line.

A case of ``reference/numbers/<assignment>.json`` (see :mod:`reference.separation`) holds
the inputs of one call, the right answer of each field it compares, the tolerance of each
field, and, under ``mistakes``, what each known mistake would answer, tried in order::

    {"label": "a batch of several samples",
     "X": [[...]], "y": [...],                        # inputs, named as the function's parameters
     "loss": 0.73,                                     # a field: the right answer
     "tolerance": {"loss": [1e-5, 1e-7]},              # rtol, atol of each field
     "mistakes": {"loss": [["sum_instead_of_mean", 5.84],
                           [["k1", "k2"], 0.5]]}}       # keys that coincide here: "one of"

:func:`expect_field` compares a student's answer with one field and raises the
:class:`~.values.CheckFailed` a student should read: the mistake it matches, named; else
the wrong shape; else that it differs. :meth:`CaseChecks.function` declares the most common
check of all (call the student's function on each case's inputs and compare one field) in
one line. An assignment's checks module keeps only what is particular to it.

Like :mod:`.values`, this module travels in ``autograder.zip`` and in the student's
notebook, so it imports nothing of the toolkit but the checks package.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Iterable

import numpy as np

from . import cases_for
from .values import (CheckFailed, Mistake, call_unchanged, close, diagnose, expect_close, expect_shape,
                     for_each_case, stored_mistakes, to_array, unpack)


def tolerance(case: dict, field: str) -> dict[str, float]:
    """The case's own tolerance for ``field``, as ``rtol`` and ``atol``: the reference chose and
    proved it when it drew the case."""
    rtol, atol = case["tolerance"][field]
    return {"rtol": float(rtol), "atol": float(atol)}


def natural_shapes(shape: tuple[int, ...]) -> list[tuple[int, ...]]:
    """The shapes a correct answer of ``shape`` may come in (the course contract): a single
    number as a float, a 0-dim or a ``(1,)`` array; a vector of ``n`` as ``(n,)`` or ``(n, 1)``;
    anything else in its own shape only."""
    shape = tuple(shape)
    if shape in ((), (1,)):
        return [(), (1,), (1, 1)]
    if len(shape) == 1:
        return [shape, (shape[0], 1)]
    return [shape]


def _not_compared(stored: list[tuple[np.ndarray, Mistake]], got: np.ndarray) -> str:
    """Staff words for the stored mistakes an answer of an unexpected shape could not be
    compared with although it has as many entries: their layout is another."""
    left_out = [f"{mistake.key} (shape {tuple(value.shape)})" for value, mistake in stored
                if value.shape != got.shape and value.size == got.size]
    if not left_out:
        return ""
    return (f"the answer's shape, {tuple(got.shape)}, is no stored mistake's, so it was not compared "
            f"with {', '.join(left_out)}, which hold as many entries in another layout")


def _with_staff(failure: CheckFailed, words: str) -> CheckFailed:
    if words:
        failure.staff = f"{failure.staff}; {words}" if failure.staff else words
    return failure


def expect_field(case: dict, field: str, got: Any, mistakes: dict[str, Mistake], *, what: str = "",
                 want: Any = None, advice: str = "", shapes: Iterable[tuple] = (), shape_words: str = "",
                 reshape: bool = False, select: np.ndarray | None = None) -> None:
    """``got`` must be the case's ``field`` (or ``want``) within the case's tolerance.

    In order: an answer of a shape not in ``shapes`` (default: the right answer's own; with
    ``reshape``, any shape of as many entries) is named after the stored mistake of that very
    shape it matches (a transposed gradient, an index for a one-hot vector), or else said to
    have the wrong shape (on a hidden case in ``shape_words`` only: the shape itself comes from
    hidden inputs). Then the values, reshaped to the answer's shape: right, or the first stored
    mistake they match, named, or "differs from the reference" and ``advice``. A stored mistake
    stored in a shape the check accepts (``(n, 1)`` where ``(n,)`` is asked) is compared in the
    answer's; one in any other shape, only with an answer of that very shape (a transposed
    matrix). Where an answer of an unexpected shape has as many entries as a stored mistake of
    another layout, the failure's staff text says why they were not compared. ``select`` (a
    boolean mask of the answer's shape) compares only some entries. ``mistakes`` is the
    assignment's vocabulary.
    """
    what = what or field
    got = to_array(what, got)
    want = np.asarray(case[field] if want is None else want, dtype=np.float64)
    bounds = tolerance(case, field)
    stored = [(np.asarray(value, dtype=np.float64), mistake)
              for value, mistake in stored_mistakes(case, field, mistakes)]
    if select is not None:
        want = want[select]
        stored = [(value[select], mistake) for value, mistake in stored if value.shape == select.shape]
    allowed = [tuple(shape) for shape in shapes] or [want.shape]

    def accepted(shape: tuple) -> bool:  # a layout of the right answer the check takes as it
        return tuple(shape) in allowed or (reshape and int(np.prod(shape)) == want.size)

    if not accepted(got.shape):
        for value, mistake in stored:
            if value.shape == got.shape and np.isfinite(got).all() and close(got, value, **bounds):
                raise diagnose(mistake, f"{what} differs from the reference: ")
        try:
            expect_shape(what, got, *allowed, hidden=shape_words)
        except CheckFailed as failure:
            raise _with_staff(failure, _not_compared(stored, got)) from None
    expect_close(what, got.reshape(want.shape), want, advice=advice, **bounds,
                 diagnoses=[(value.reshape(want.shape), mistake) for value, mistake in stored
                            if accepted(value.shape) and value.size == want.size])


def matching_mistake(case: dict, field: str, got: Any, mistakes: dict[str, Mistake], *,
                     reshape: bool = False) -> Mistake | None:
    """The first stored mistake of ``field`` whose answer ``got`` is, within the case's
    tolerance, or None. Only mistakes of ``got``'s shape are compared (with ``reshape``, those
    of as many entries, reshaped to it)."""
    got = np.asarray(got, dtype=np.float64)
    for value, mistake in stored_mistakes(case, field, mistakes):
        value = np.asarray(value, dtype=np.float64)
        if reshape and value.size == got.size:
            value = value.reshape(got.shape)
        if close(got, value, **tolerance(case, field)):
            return mistake
    return None


def is_right(case: dict, field: str, got: Any, *, want: Any = None) -> bool:
    """Whether ``got`` (in any shape of as many entries) is the case's ``field`` (or ``want``)
    within the case's tolerance."""
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(case[field] if want is None else want, dtype=np.float64)
    return got.size == want.size and close(got.reshape(want.shape), want, **tolerance(case, field))


def _argument(value: Any) -> Any:
    """A stored input as the student's function receives it: lists as float64 arrays."""
    return np.array(value, dtype=np.float64) if isinstance(value, list) else value


class CaseChecks:
    """The cases of one assignment and its vocabulary of mistakes, bound once per checks module::

        CASES = CaseChecks("linreg", MISTAKES)

    so that each check reads ``CASES.of(group, numbers, example)``, compares with
    ``CASES.expect(case, field, got, ...)``, or is declared whole with :meth:`function`.
    """

    def __init__(self, assignment: str, mistakes: dict[str, Mistake]):
        self.assignment = assignment
        self.mistakes = mistakes

    def of(self, group: str, numbers: dict | None = None, example: bool = False,
           example_group: str | None = None) -> list[dict]:
        """The hidden cases of ``group`` (this grading's draw), or with ``example`` the public
        examples of ``example_group`` (default: the same name)."""
        return cases_for(self.assignment, example_group or group if example else group, numbers,
                         example=example)

    def stored(self, case: dict, field: str) -> list[tuple[Any, Mistake]]:
        """What each known mistake answers on ``case`` for ``field``, in the order to try them."""
        return stored_mistakes(case, field, self.mistakes)

    def expect(self, case: dict, field: str, got: Any, **options: Any) -> None:
        """:func:`expect_field` with this assignment's vocabulary."""
        expect_field(case, field, got, self.mistakes, **options)

    def matching(self, case: dict, field: str, got: Any, *, reshape: bool = False) -> Mistake | None:
        """:func:`matching_mistake` with this assignment's vocabulary."""
        return matching_mistake(case, field, got, self.mistakes, reshape=reshape)

    def right(self, case: dict, field: str, got: Any, *, want: Any = None) -> bool:
        """:func:`is_right`, for the symmetry of a checks module's calls."""
        return is_right(case, field, got, want=want)

    def function(self, name: str, arguments: Iterable[str], fields: str | tuple[str, ...], *,
                 what: str | tuple[str, ...] = "", advice: str = "", shape_words: str = "",
                 group: str | None = None,
                 shapes: Callable[[tuple], list[tuple]] = natural_shapes) -> Callable[..., None]:
        """The check that calls the student's ``name`` on each case's inputs and compares what
        it returns with the case's ``fields``::

            mse_matches_reference = CASES.function("mse", ("X", "y", "w"), "loss", what="the loss",
                                                   advice="Average the squared residuals.")

        Each case of ``group`` (default: ``name``) holds the inputs under the parameters'
        names (``arguments``), lists passed as float64 arrays. The call fails if it changes an
        input in place; the answer may come in any of ``shapes(right answer's shape)``. Several
        ``fields`` (and as many ``what``) compare the values of a returned tuple, in order. The
        check is called as every check is: ``check(student_function, numbers=None,
        example=False)``.
        """
        arguments = tuple(arguments)
        fields = (fields,) if isinstance(fields, str) else tuple(fields)
        words = (what,) if isinstance(what, str) else tuple(what)
        words = tuple(w or (f"{name}(...)" if len(fields) == 1 else field) for w, field in
                      zip(words + ("",) * len(fields), fields))

        def check(function: Any, numbers: dict | None = None, example: bool = False) -> None:
            def one(case: dict) -> None:
                inputs = [_argument(case[argument]) for argument in arguments]
                result = call_unchanged(name, function, *inputs, names=arguments)
                values = (result,) if len(fields) == 1 else unpack(f"`{name}`", result, len(fields))
                for field, said, value in zip(fields, words, values):
                    self.expect(case, field, to_array(said, value), what=said, advice=advice,
                                shape_words=shape_words, shapes=shapes(np.shape(case[field])))

            for_each_case(self.of(group or name, numbers, example), one)

        check.__name__ = check.__qualname__ = f"{name}_matches_reference"
        check.__doc__ = f"``{name}({', '.join(arguments)})`` gives each case's {', '.join(fields)}."
        check.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
            inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD),
            inspect.Parameter("numbers", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None),
            inspect.Parameter("example", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=False)])
        return check
