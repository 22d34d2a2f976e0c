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

SETTINGS_FILE = "settings.json"


@dataclass(frozen=True)
class RuntimeSettings:
    cell_timeout_seconds: float = field(default=120.0, metadata={
        "help": "time one notebook cell may run before it is interrupted and the next cell runs"})
    test_timeout_seconds: float = field(default=60.0, metadata={
        "help": "time one test case may spend in the student's code before it fails"})
    total_timeout_seconds: float = field(default=540.0, metadata={
        "help": "time the whole grading run may take; past it, every question still "
                "unreported scores zero with an explanation (Gradescope's own limit is longer)"})
    memory_limit_mb: int = field(default=512, metadata={
        "help": "memory (data segment) the notebook's kernel may allocate; past it, "
                "allocations fail with MemoryError instead of the container being killed"})
    max_cell_output_chars: int = field(default=20_000, metadata={
        "help": "output kept per cell; the rest is dropped, so printing in a loop cannot "
                "exhaust memory"})
    max_test_output_chars: int = field(default=4_000, metadata={
        "help": "characters of feedback kept per question in results.json"})
    max_attempts: int = field(default=3, metadata={
        "help": "gradings of one submission when a cell kills the kernel or never yields; "
                "each retry skips the cell that stopped the previous attempt"})
    expected_versions: dict = field(default_factory=dict, metadata={
        "help": "library versions the image must have (those that made the reference numbers)"})

    @classmethod
    def describe(cls) -> dict[str, str]:
        return {f.name: f.metadata["help"] for f in dataclasses.fields(cls)}

    @classmethod
    def from_dict(cls, values: dict) -> "RuntimeSettings":
        known = {f.name for f in dataclasses.fields(cls)}
        for key in values:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise ValueError(f"unknown grading setting {key!r}{hint}")
        return cls(**values)

    def replace(self, **changes) -> "RuntimeSettings":
        return self.from_dict({**dataclasses.asdict(self), **changes})

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=2, sort_keys=True) + "\n"


def load(folder: Path) -> RuntimeSettings:
    path = folder / SETTINGS_FILE
    if not path.is_file():
        return RuntimeSettings()
    return RuntimeSettings.from_dict(json.loads(path.read_text(encoding="utf-8")))
