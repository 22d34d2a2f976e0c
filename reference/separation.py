"""Hidden cases that tell the right answer from each known mistake, and mistakes apart.

A check names a mistake when the student's answer is within the case's tolerance of what
that mistake gives. That is only honest where the case separates them: a mistake whose
answer is within tolerance of the right one passes there unseen, and two mistakes that give
the same answer cannot be told apart. So each reference, when it draws a case, proves it:

* :func:`known_mistakes` builds the case's stored ``mistakes`` for one field. A mistake that
  coincides with the right answer raises :class:`NotSeparated` (the reference then draws the
  case again, :func:`draw_separated`), unless the reference says that this kind of case
  cannot see it (``blind``); mistakes that coincide with each other are stored as one entry
  naming all of them, which a check names as "one of", never as certain;
* :func:`accepts` proves that an answer the contract calls correct (computed in float32, with
  a small epsilon in a log) is within the case's tolerance of the right one.

"Coincide" is measured the way checks compare, ``|got - want| <= atol + rtol * |want|``,
with a margin: two answers are apart when, at some entry, their tolerance intervals do not
even touch, so no student answer can be within tolerance of both.

The stored layout of one field's mistakes, tried by checks in order::

    "mistakes": {"loss": [["sum_instead_of_mean", 1.25], [["k1", "k2"], 0.5], ...]}

a key (or a list of keys that coincide here) and the answer it gives.
"""

from __future__ import annotations

import hashlib
from typing import Any, Callable, Iterable

import numpy as np

MARGIN = 2.0  # apart: farther than twice the tolerance at some entry
MAX_DRAWS = 200


class NotSeparated(ValueError):
    """A drawn case on which a known mistake gives the right answer (within tolerance)."""


def _array(value: Any) -> np.ndarray:
    return np.asarray(value, dtype=np.float64)


def apart(a: Any, b: Any, rtol: float, atol: float) -> bool:
    """Whether no answer can be within tolerance of both ``a`` and ``b``."""
    a, b = _array(a), _array(b)
    if a.shape != b.shape:
        return True
    if a.size == 0:
        return False
    scale = atol + rtol * np.maximum(np.abs(a), np.abs(b))
    return bool(np.any(np.abs(a - b) > MARGIN * scale))


def known_mistakes(right: Any, candidates: Iterable[tuple[str, Any]], *, rtol: float, atol: float,
                   blind: Iterable[str] = ()) -> list[list]:
    """The stored mistakes of one field: every candidate apart from ``right``, in order,
    coinciding ones merged under a list of their keys.

    A candidate that coincides with ``right`` raises :class:`NotSeparated`, unless its key
    is in ``blind`` (a mistake this kind of case cannot show: it is left out here, and
    another case must catch it). A candidate whose value is ``None`` does not apply here.
    """
    blind = set(blind)
    stored: list[list] = []
    for key, value in candidates:
        if value is None:
            continue
        if not apart(value, right, rtol, atol):
            if key in blind:
                continue
            raise NotSeparated(f"the mistake {key!r} gives the right answer on this case")
        for entry in stored:
            if not apart(value, entry[1], rtol, atol):
                keys = entry[0] if isinstance(entry[0], list) else [entry[0]]
                entry[0] = [*keys, key]
                break
        else:
            stored.append([key, _plain(value)])
    return stored


def accepts(right: Any, answer: Any, *, rtol: float, atol: float, what: str) -> None:
    """Raise unless ``answer`` (one the contract calls correct) passes the check's comparison."""
    want, got = _array(right), _array(answer)
    if got.shape != want.shape or not np.allclose(got, want, rtol=rtol, atol=atol):
        worst = float(np.max(np.abs(got - want) - (atol + rtol * np.abs(want)))) if got.shape == want.shape else None
        raise NotSeparated(f"{what} is a correct answer but fails the tolerance here "
                           f"(by {worst!r})")


def stored_case(label: str, inputs: dict, field: str, right: Any, mistakes: Iterable[tuple[str, Any]], *,
                tolerance: tuple[float, float], single: Any = None, distinct: bool = True) -> dict:
    """One case as the checks read it (``autograder/checks/cases.py``): its label, the
    ``inputs`` under their parameters' names, the ``right`` answer of ``field``, its tolerance
    and what each known mistake answers, proved: ``single`` (the answer computed in float32, if
    given) within the tolerance, every mistake apart from the right answer, and with
    ``distinct`` apart from each other too, so that what a check names does not depend on the
    draw. Raises :class:`NotSeparated` otherwise (:func:`draw_separated` draws again)."""
    rtol, atol = tolerance
    if single is not None:
        accepts(right, single, rtol=rtol, atol=atol, what=f"{field} in float32")
    stored = known_mistakes(right, mistakes, rtol=rtol, atol=atol)
    alike = [key for key, _ in stored if isinstance(key, list)]
    if distinct and alike:
        raise NotSeparated(f"the mistakes {alike[0]} give the same {field} on this case")
    return {"label": label, **{name: _plain(value) for name, value in inputs.items()}, field: _plain(right),
            "tolerance": {field: [rtol, atol]}, "mistakes": {field: stored}}


def draw_separated(draw: Callable[[np.random.Generator], dict], seed: int, *labels: Any) -> dict:
    """The first case ``draw(rng)`` makes that raises no :class:`NotSeparated`, with ``rng``
    seeded from ``seed`` and ``labels`` (which keep the cases of one draw independent)."""
    sequence = np.random.SeedSequence([seed, *(_label_number(label) for label in labels)])
    rng = np.random.default_rng(sequence)
    problems = []
    for _ in range(MAX_DRAWS):
        try:
            return draw(rng)
        except NotSeparated as problem:
            problems.append(str(problem))
    raise RuntimeError(f"no separated case in {MAX_DRAWS} draws for {labels}: {problems[-3:]}")


def _label_number(label: Any) -> int:
    if isinstance(label, int) and label >= 0:
        return label
    return int.from_bytes(hashlib.sha256(str(label).encode("utf-8")).digest()[:8], "little")


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value
