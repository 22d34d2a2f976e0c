"""The comparisons hidden tests make on what a student's code returns.

Every check raises ``AssertionError`` with a message written for the student: what was
checked and what looks wrong, in that order (missing, type, shape, finite, close), and never
an expected number. Student results are coerced to plain float64 arrays before any
comparison, so tensors, arrays, lists and plain numbers of any float width are all welcome.

This package travels inside ``autograder.zip`` on its own, so it imports nothing from the
rest of the toolkit.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy as np


def call(name: str, function: Any, *args: Any) -> Any:
    """Call a student's function, turning a missing name or a raised error into feedback."""
    if function is None:
        raise AssertionError(
            f"`{name}` is not defined. Keep the name `{name}` and run the cell that defines it."
        )
    if not callable(function):
        raise AssertionError(f"`{name}` should be a function, but it is a {type(function).__name__}.")
    try:
        return function(*args)
    except NotImplementedError:
        raise AssertionError(f"`{name}` is not implemented yet.") from None
    except Exception as error:  # the student's own error, reported as such
        raise AssertionError(
            f"`{name}` raised {type(error).__name__}: {error}".rstrip()
        ) from None


def to_array(what: str, value: Any) -> np.ndarray:
    """A float64 copy of ``value`` (tensor, array, list or number), or feedback if it is none."""
    if value is None or value is Ellipsis:
        raise AssertionError(f"{what} is missing (got {value!r}); is the code finished?")
    if hasattr(value, "detach"):  # a torch tensor, on any device, with or without grad
        value = value.detach().cpu()
        if value.is_complex():
            raise AssertionError(f"{what} should be real numbers, got a complex tensor.")
        value = value.double().numpy()
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise AssertionError(
            f"{what} should be numbers (a tensor, an array or a float), got a {type(value).__name__}."
        ) from None
    return array


def to_int(what: str, value: Any) -> int:
    """A whole number from an int, a whole-valued float or a 0-dim tensor or array."""
    array = to_array(what, value)
    if array.size != 1:
        raise AssertionError(f"{what} should be a single number, got shape {array.shape}.")
    number = float(array.reshape(()))
    if not np.isfinite(number) or number != round(number):
        raise AssertionError(f"{what} should be a whole number.")
    return int(round(number))


def unpack(what: str, value: Any, count: int) -> tuple:
    """The items of a returned tuple, checking that there are ``count`` of them."""
    if not isinstance(value, (tuple, list)):
        raise AssertionError(f"{what} should return {count} values, got a {type(value).__name__}.")
    if len(value) != count:
        raise AssertionError(f"{what} should return {count} values, got {len(value)}.")
    return tuple(value)


def expect_shape(what: str, array: np.ndarray, *allowed: tuple[int, ...]) -> None:
    """The shape of ``array`` must be one of ``allowed``; the first is the one to name."""
    if tuple(array.shape) not in [tuple(shape) for shape in allowed]:
        wanted = " or ".join(str(tuple(shape)) for shape in allowed)
        raise AssertionError(f"{what} has shape {tuple(array.shape)}, expected {wanted}.")


def expect_finite(what: str, array: np.ndarray) -> None:
    if not np.isfinite(array).all():
        raise AssertionError(f"{what} contains NaN or infinity.")


def close(got: np.ndarray, want: np.ndarray, *, rtol: float, atol: float) -> bool:
    """Whether two arrays of the same shape agree within the tolerances."""
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=rtol, atol=atol))


def expect_close(
    what: str,
    got: np.ndarray,
    want: np.ndarray,
    *,
    rtol: float,
    atol: float,
    diagnoses: Iterable[tuple[np.ndarray, str]] = (),
    advice: str = "",
) -> None:
    """``got`` must match ``want``; if not, name the first diagnosed mistake it matches.

    ``diagnoses`` pairs what a known mistake would produce with the words that describe it.
    """
    expect_finite(what, got)
    if close(got, want, rtol=rtol, atol=atol):
        return
    for wrong, explanation in diagnoses:
        if close(got, np.asarray(wrong, dtype=np.float64), rtol=rtol, atol=atol):
            raise AssertionError(f"{what} differs from the reference: {explanation}")
    raise AssertionError(f"{what} differs from the reference. {advice}".rstrip())


def for_each_case(cases: Iterable[dict], check: Callable[[dict], None]) -> None:
    """Run ``check`` on every hidden case, naming the case in the message of the first failure."""
    for case in cases:
        try:
            check(case)
        except AssertionError as failure:
            raise AssertionError(f"On a hidden case ({case['label']}): {failure}") from None
