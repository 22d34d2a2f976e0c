"""The grading limits: one schema, with a description for every setting.

The build writes the defaults into the zip as ``grading_runtime/settings.json``; local
grading may override them. Unknown keys are refused with the closest known name.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SETTINGS_FILE = "settings.json"
# The environment the engine runs in, set before numpy and torch load (by run_grader.py, and
# by ``autograder grade`` for the engine it starts): one thread each, since student processes
# are forked from the warm parent and a fork after a thread pool has started is not safe (one
# thread also keeps memory small); few malloc arenas, for the same memory.
ENGINE_ENVIRONMENT = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                      "MALLOC_ARENA_MAX": "2"}
PACKAGE_IN_ZIP = "autograder/grading_runtime"  # where this package sits in autograder.zip


@dataclass(frozen=True)
class RuntimeSettings:
    cell_timeout_seconds: float = field(default=120.0, metadata={
        "help": "time one notebook cell may run before it is interrupted and the next cell runs"})
    test_timeout_seconds: float = field(default=60.0, metadata={
        "help": "time one test case may spend in the student's code; past it the student "
                "process is killed, the test fails, and every later call of the same function "
                "fails at once"})
    total_timeout_seconds: float = field(default=540.0, metadata={
        "help": "time the whole grading run may take; past it, every question still "
                "unreported scores zero with an explanation (Gradescope's own limit is longer)"})
    memory_limit_mb: int = field(default=400, metadata={
        "help": "memory the student process may allocate beyond what it starts with; past "
                "it, allocations fail with MemoryError inside the student's code instead of "
                "the container being killed (Gradescope's 768 MB leave room for the judge and "
                "this)"})
    student_processes: int = field(default=64, metadata={
        "help": "processes the student's user may run at once (a fork bomb stops there); "
                "applies where the grader runs as root and gives the student a user of its own"})
    student_open_files: int = field(default=512, metadata={
        "help": "files the student process may hold open at once"})
    student_file_mb: int = field(default=256, metadata={
        "help": "size of the largest file the student process may write"})
    student_disk_mb: int = field(default=256, metadata={
        "help": "space of the student's scratch folder, all files together, where the grader "
                "can give the grading a tmpfs of its own (root, with namespaces)"})
    student_files: int = field(default=20_000, metadata={
        "help": "files and folders the student's scratch folder may hold, where it is a tmpfs"})
    student_cpus: float = field(default=1.0, metadata={
        "help": "CPUs the student processes of one grading may use together, where the grader "
                "can make a control group (so concurrent gradings keep their speed)"})
    trust_submissions: bool = field(default=False, metadata={
        "help": "grade even where the sandbox cannot keep student code from the tests (a grader "
                "that is not root, on a kernel without Landlock): only for submissions you trust"})
    hidden_cases_seed: int | None = field(default=None, metadata={
        "help": "the seed every submission's hidden cases are drawn from, for reproducing a "
                "grading or testing the grader; unset (the default), each submission gets its "
                "own seed, made from its file"})
    prepare_grading: str = field(default="", metadata={
        "help": "module:function the judge calls with (assignment, seed) before any student "
                "code runs, to draw the submission's hidden cases; the build sets it"})
    max_cell_output_chars: int = field(default=20_000, metadata={
        "help": "characters of the notebook's output kept for staff (students never see it); "
                "the rest is dropped, so printing in a loop cannot exhaust memory"})
    max_test_output_chars: int = field(default=4_000, metadata={
        "help": "characters of feedback kept per question in results.json"})
    max_attempts: int = field(default=3, metadata={
        "help": "fresh student processes one grading may start after a cell or a test ended "
                "one (a crash, or a time limit); each skips the cell that stopped the last"})

    @classmethod
    def describe(cls) -> dict[str, str]:
        return {f.name: f.metadata["help"] for f in dataclasses.fields(cls)}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "RuntimeSettings":
        known = {f.name for f in dataclasses.fields(cls)}
        for key in values:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise ValueError(f"unknown grading setting {key!r}{hint}")
        return cls(**values)

    def replace(self, **changes: Any) -> "RuntimeSettings":
        return self.from_dict({**dataclasses.asdict(self), **changes})

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=2, sort_keys=True) + "\n"


def load(folder: Path) -> RuntimeSettings:
    path = folder / SETTINGS_FILE
    if not path.is_file():
        return RuntimeSettings()
    return RuntimeSettings.from_dict(json.loads(path.read_text(encoding="utf-8")))
