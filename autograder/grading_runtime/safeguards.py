"""Limits around otter's runner and the notebook's kernel, so no submission can stop grading.

otter executes the notebook with nbclient and no limits. ``install`` adds them, in the
grading process only:

* each notebook cell runs under ``cell_timeout_seconds``; at the limit the kernel is
  interrupted, the cell counts as failed, and the next cell runs;
* each test case runs under ``test_timeout_seconds`` inside the kernel (an alarm raises
  ``TimeoutError``, which otter reports as that test's failure);
* the kernel's data segment is capped at ``memory_limit_mb``;
* each cell keeps at most ``max_cell_output_chars`` of output;
* the cell being executed is recorded, so a cell that kills the kernel can be skipped on
  the next attempt.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from .settings import RuntimeSettings

# Runs first in the grading kernel, appended to otter's own init cell.
KERNEL_TEST_LIMIT = '''
import signal as _grading_signal
from otter.test_files import exception_test as _grading_exception_test

def _grading_expire(signum, frame):
    raise TimeoutError(
        "the code this test calls did not finish within {limit:g} s; look for an "
        "endless loop or for work far larger than the exercise needs")

def _grading_call_with_limit(self, global_environment):
    # Same frames as otter's call_func, which its error messages count on.
    arguments = self._get_func_params()
    values = dict((name, global_environment if name == "env" else global_environment.get(name))
                  for name in arguments)
    previous = _grading_signal.signal(_grading_signal.SIGALRM, _grading_expire)
    _grading_signal.setitimer(_grading_signal.ITIMER_REAL, {limit!r})
    try:
        self.test_func(**values)
    finally:
        _grading_signal.setitimer(_grading_signal.ITIMER_REAL, 0)
        _grading_signal.signal(_grading_signal.SIGALRM, previous)

_grading_exception_test.test_case.call_func = _grading_call_with_limit
'''

# Wraps the kernel's command so that its data segment is capped before Python starts.
MEMORY_LIMIT_LAUNCHER = (
    "import os, resource, sys; "
    "limit = int(sys.argv[1]); "
    "resource.setrlimit(resource.RLIMIT_DATA, (limit, limit)); "
    "os.execvp(sys.argv[2], sys.argv[2:])"
)

DROPPED_OUTPUT_NOTE = "\n[the rest of this cell's output was dropped]\n"

# otter adds these cells itself; they run tests, which have their own limit per test case.
GRADER_CELL_MARKERS = ("Checker.check_if_not_already_checked", ".check(", "init_grading_mode")


@dataclass
class CurrentCell:
    """The cell the kernel is running now, as far as the grading process knows."""

    cell_id: str | None = None
    index: int | None = None
    first_line: str = ""


CURRENT = CurrentCell()


def _is_grader_cell(cell) -> bool:
    return any(marker in cell.get("source", "") for marker in GRADER_CELL_MARKERS)


def install(settings: RuntimeSettings, tests_count: int) -> None:
    """Patch otter and nbclient in this process; call once before grading."""
    import jupyter_client.manager
    import nbformat
    import nbclient.client
    import otter.execute
    import otter.execute.preprocessor as otter_preprocessor
    from nbconvert.preprocessors import ExecutePreprocessor
    from traitlets.config import Config

    # 1. Cell time limits, with an interrupt instead of an abort at the limit.
    grader_cell_timeout = int(settings.cell_timeout_seconds + tests_count * settings.test_timeout_seconds)

    def cell_timeout(cell):
        return grader_cell_timeout if _is_grader_cell(cell) else int(settings.cell_timeout_seconds)

    def config_with_limits():
        config = Config()
        config.ExecutePreprocessor.timeout_func = cell_timeout
        config.ExecutePreprocessor.interrupt_on_timeout = True
        config.ExecutePreprocessor.error_on_timeout = {
            "ename": "CellTimeout",
            "evalue": f"this cell ran longer than {settings.cell_timeout_seconds:g} s and was "
                      "stopped; the grader went on with the next cell",
            "traceback": [],
        }
        return config

    otter.execute.Config = config_with_limits

    # 2. A time limit per test case, inside the kernel. The filled-in code has no braces
    # left, so otter's own str.format of its init cell leaves it as it is.
    if "_grading_call_with_limit" not in otter_preprocessor.INIT_CELL_SOURCE:
        limit_code = KERNEL_TEST_LIMIT.format(limit=float(settings.test_timeout_seconds))
        assert "{" not in limit_code and "}" not in limit_code
        otter_preprocessor.INIT_CELL_SOURCE += limit_code

    # 3. A memory cap on the kernel process.
    limit_bytes = int(settings.memory_limit_mb) * 1024 * 1024
    original_format = jupyter_client.manager.KernelManager.format_kernel_cmd

    def format_kernel_cmd(self, extra_arguments=None):
        command = original_format(self, extra_arguments)
        return [sys.executable, "-c", MEMORY_LIMIT_LAUNCHER, str(limit_bytes), *command]

    jupyter_client.manager.KernelManager.format_kernel_cmd = format_kernel_cmd

    # 4. Bounded output per cell, and 5. the cell being run.
    original_output = nbclient.client.NotebookClient.output
    budget = int(settings.max_cell_output_chars)

    def output(self, outs, msg, display_id, cell_index):
        kept = sum(len(str(o.get("text", ""))) + len(str(o.get("data", ""))) for o in outs)
        if kept <= budget:
            return original_output(self, outs, msg, display_id, cell_index)
        if outs[-1].get("text") != DROPPED_OUTPUT_NOTE:
            outs.append(nbformat.v4.new_output("stream", name="stderr", text=DROPPED_OUTPUT_NOTE))
        return None

    nbclient.client.NotebookClient.output = output

    original_preprocess_cell = ExecutePreprocessor.preprocess_cell

    def preprocess_cell(self, cell, resources, index):
        CURRENT.cell_id = cell.get("id")
        CURRENT.index = index
        CURRENT.first_line = (cell.get("source", "").strip().splitlines() or [""])[0][:80]
        return original_preprocess_cell(self, cell, resources, index)

    ExecutePreprocessor.preprocess_cell = preprocess_cell
