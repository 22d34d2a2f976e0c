"""Generate, store and verify the reference numbers of each assignment.

Each assignment's reference module draws its hidden cases from a seed: ``hidden_cases(seed)``
returns every case's inputs, its right answer and the answer of each known mistake. The
judge draws a fresh set for every submission (:func:`draw`, with a seed made from the
submitted file), so what one submission's feedback, timing or score shows about its hidden
inputs is worth nothing to the next; the same file always meets the same cases.

A numbers file is the draw of one fixed seed (``STORED_SEED``), the public examples and the
library versions that made them, in one canonical layout (sorted keys, fixed indentation).
It is what the tests check the reference against, and what the grading image checks its
libraries against when it is built: a fresh draw of that seed must agree with it.

Regenerating the numbers on another machine does not give the same bits: BLAS kernels sum in
another order on another CPU, and float64 results move in their last one or two digits. So a
stored file is checked against a fresh run *structurally*: the same keys, the same cases,
the same list lengths, strings, booleans and integers exactly, and floats within

    |fresh - stored| <= DRIFT_TOLERANCE * max(1, |stored|)

that is, 1e-12 relative with an absolute floor of 1e-12 for values below one. Why 1e-12:

* last-bit drift is about 1e-16 relative; where a value comes out of cancellation (a sum of
  terms of size one that ends near zero, as some stored values do at 1e-16 and 1e-18) it is
  about 1e-16 absolute. The bound sits four orders of magnitude above both;
* the tightest grading tolerance any check uses is 1e-6 relative with 1e-9 absolute. A
  stored number that moved by 1e-12 cannot change any verdict; one that moved by more is a
  real change (a new case, a changed formula) and is reported.
"""

from __future__ import annotations

import importlib
import json
import math
import platform
from dataclasses import dataclass
from pathlib import Path

import numpy
import torch

NUMBERS_DIR = Path(__file__).with_name("numbers")
DRIFT_TOLERANCE = 1e-12
STORED_SEED = 0  # the draw a numbers file holds


def library_versions() -> dict[str, str]:
    """The versions that shape the numbers; stored in every file."""
    return {
        "numpy": numpy.__version__,
        "python": platform.python_version(),
        "torch": torch.__version__,
    }


def known_assignments() -> list[str]:
    """Every assignment with a reference module: ``reference/<name>.py`` beside ``assignments/<name>/``."""
    package = Path(__file__).parent
    assignments = package.parent / "assignments"
    return sorted(p.stem for p in package.glob("*.py") if (assignments / p.stem).is_dir())


def _module(assignment: str):
    """The reference module of ``assignment`` (in the repository, or in an autograder zip,
    which holds its own assignment's alone)."""
    if (Path(__file__).parent / f"{assignment}.py").is_file() and assignment.isidentifier():
        return importlib.import_module(f"reference.{assignment}")
    import difflib

    from autograder.errors import UnknownAssignment

    known = known_assignments()
    if (Path(__file__).parents[1] / "assignments" / assignment).is_dir():
        raise UnknownAssignment(f"there is no reference/{assignment}.py for assignments/{assignment}/",
                                "write its reference module (`autograder new` makes one to fill in)")
    close = difflib.get_close_matches(assignment, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known) or 'none'}"
    raise UnknownAssignment(f"there is no assignments/{assignment}/ with a reference module", hint)


def draw(assignment: str, seed: int) -> dict:
    """The hidden cases drawn from ``seed``: ``{graded group: [case, ...]}``."""
    # (no torch.use_deterministic_algorithms: on the CPU it changes nothing these cases use, and
    # it imports torch's compiler stack, six seconds that every judge would pay)
    return _module(assignment).hidden_cases(seed)


def generate(assignment: str, seed: int = STORED_SEED) -> dict:
    """Everything a numbers file holds: the draw of ``seed``, the public examples, the versions."""
    module = _module(assignment)
    numbers = {"assignment": assignment, "versions": library_versions(), "seed": seed,
               "cases": draw(assignment, seed)}
    if hasattr(module, "public_examples"):
        numbers["examples"] = module.public_examples()
    return numbers


def render(numbers: dict) -> str:
    """The one textual form of a numbers file."""
    return json.dumps(numbers, indent=1, sort_keys=True, allow_nan=False) + "\n"


def path_for(assignment: str, numbers_dir: Path = NUMBERS_DIR) -> Path:
    return numbers_dir / f"{assignment}.json"


def load(assignment: str, numbers_dir: Path = NUMBERS_DIR) -> dict:
    return json.loads(path_for(assignment, numbers_dir).read_text(encoding="utf-8"))


# --- comparing a stored file with a fresh run ------------------------------------------------


@dataclass(frozen=True)
class Drift:
    """What differs between a stored numbers file and a fresh run of the reference code."""

    assignment: str
    changes: list[str]  # one line per place that differs beyond the tolerance, or in structure
    largest: float  # the largest scaled difference between two floats (see _scaled_difference)
    versions: tuple[dict, dict] | None  # (stored, fresh) when the library versions differ

    @property
    def stale(self) -> bool:
        return bool(self.changes)

    def describe(self, limit: int = 8) -> str:
        if not self.changes:
            return (f"{self.assignment}: the numbers agree with a fresh run (largest float "
                    f"difference {self.largest:.3g}, tolerance {DRIFT_TOLERANCE:g})")
        shown = self.changes[:limit]
        more = len(self.changes) - len(shown)
        lines = [f"{self.assignment}: {len(self.changes)} place(s) differ from a fresh run "
                 f"(largest float difference {self.largest:.3g}, tolerance {DRIFT_TOLERANCE:g}):",
                 *(f"  {change}" for change in shown)]
        if more:
            lines.append(f"  ... and {more} more")
        return "\n".join(lines)


def _scaled_difference(stored: float, fresh: float) -> float:
    """How far apart two floats are, on the tolerance's scale: the difference, relative to the
    stored value where that is above one."""
    return abs(fresh - stored) / max(1.0, abs(stored))


class _Walk:
    """A structural comparison of two JSON values, collecting the differences case by case."""

    def __init__(self) -> None:
        self.largest = 0.0
        self._found: dict[str, list[tuple[str, float]]] = {}  # case -> (change, float difference)

    def compare(self, stored, fresh, where: str, case: str) -> None:
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (stored, fresh))
        if not numbers:
            self._structure(stored, fresh, where, case)
        elif isinstance(stored, int) and isinstance(fresh, int):
            if stored != fresh:
                self.note(case, f"{where}: the integer {stored} is now {fresh}")
        else:
            difference = _scaled_difference(float(stored), float(fresh))
            self.largest = max(self.largest, difference)
            if difference > DRIFT_TOLERANCE:
                self.note(case, f"{where}: moved by {difference:.3g}", difference)

    def _structure(self, stored, fresh, where: str, case: str) -> None:
        if type(stored) is not type(fresh):
            self.note(case, f"{where}: a {type(stored).__name__} is now a {type(fresh).__name__}")
        elif isinstance(stored, dict):
            for key in sorted(set(stored) | set(fresh)):
                if key not in fresh:
                    self.note(case, f"{where}.{key}: no longer made")
                elif key not in stored:
                    self.note(case, f"{where}.{key}: new")
                else:
                    self.compare(stored[key], fresh[key], f"{where}.{key}", case)
        elif isinstance(stored, list):
            if len(stored) != len(fresh):
                self.note(case, f"{where}: {len(stored)} items are now {len(fresh)}")
            else:
                for index, (a, b) in enumerate(zip(stored, fresh)):
                    self.compare(a, b, f"{where}[{index}]", case)
        elif stored != fresh:
            self.note(case, f"{where}: {stored!r} is now {fresh!r}")

    def note(self, case: str, change: str, difference: float = 0.0) -> None:
        self._found.setdefault(case, []).append((change, difference))

    def changes(self) -> list[str]:
        """One line per case that differs: its first difference, then how many more."""
        lines = []
        for found in self._found.values():
            first, _ = found[0]
            if len(found) > 1:
                largest = max(difference for _, difference in found)
                first += f" (and {len(found) - 1} more in this case; largest float difference {largest:.3g})"
            lines.append(first)
        return lines


def compare(stored: dict, fresh: dict, assignment: str) -> Drift:
    """Compare a stored numbers file with a fresh run, case by case.

    Each difference is named by its graded name, the case's label and the place in the case.
    The versions are compared too but only reported: equal numbers made by other versions are
    still equal numbers.
    """
    walk = _Walk()
    stored_cases = {**stored.get("cases", {}), **_prefixed(stored.get("examples", {}))}
    fresh_cases = {**fresh.get("cases", {}), **_prefixed(fresh.get("examples", {}))}
    for key in ("assignment", "seed"):
        if stored.get(key) != fresh.get(key):
            walk.note(key, f"{key}: {stored.get(key)!r} is now {fresh.get(key)!r}")
    for graded in sorted(set(stored_cases) | set(fresh_cases)):
        if graded not in fresh_cases:
            walk.note(graded, f"{graded}: its cases are no longer made")
            continue
        if graded not in stored_cases:
            walk.note(graded, f"{graded}: new cases")
            continue
        old, new = stored_cases[graded], fresh_cases[graded]
        if not isinstance(old, list) or not isinstance(new, list) or len(old) != len(new):
            walk.note(graded, f"{graded}: the list of cases changed "
                      f"({_count(old)} stored, {_count(new)} now)")
            continue
        for index, (a, b) in enumerate(zip(old, new)):
            label = a.get("label", f"case {index}") if isinstance(a, dict) else f"case {index}"
            walk.compare(a, b, f"{graded} case {index} ({label})", f"{graded}/{index}")
    stored_versions, fresh_versions = stored.get("versions", {}), fresh.get("versions", {})
    versions = (stored_versions, fresh_versions) if stored_versions != fresh_versions else None
    return Drift(assignment, walk.changes(), walk.largest, versions)


def _prefixed(examples: dict) -> dict:
    return {f"example {name}": cases for name, cases in examples.items()}


def _count(cases) -> str:
    return str(len(cases)) if isinstance(cases, list) else "not a list"


def drift(assignment: str, numbers_dir: Path = NUMBERS_DIR) -> Drift:
    """How the stored file of ``assignment`` differs from a fresh run (missing: all of it)."""
    fresh = generate(assignment)
    path = path_for(assignment, numbers_dir)
    if not path.is_file():
        return Drift(assignment, [f"{path} does not exist"], math.inf, None)
    return compare(json.loads(path.read_text(encoding="utf-8")), fresh, assignment)


def stale(assignment: str, numbers_dir: Path = NUMBERS_DIR) -> bool:
    """Whether the stored file differs from a fresh run beyond last-bit drift."""
    return drift(assignment, numbers_dir).stale


def write(assignment: str, numbers_dir: Path = NUMBERS_DIR) -> Drift:
    """Regenerate the numbers of one assignment; store them only if they really changed.

    A stored file that agrees with the fresh run within the drift tolerance is left as it
    is, so regenerating on another machine does not churn the committed file. Returns what
    differed (nothing, when the file was kept).
    """
    fresh = generate(assignment)
    path = path_for(assignment, numbers_dir)
    if path.is_file():
        found = compare(json.loads(path.read_text(encoding="utf-8")), fresh, assignment)
        if not found.stale:
            return found
    else:
        found = Drift(assignment, [f"{path.name}: new file"], 0.0, None)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(fresh), encoding="utf-8")
    return found
