"""The entry point of ``autograder.zip``: grade one submission, always write results.json.

Order of events: load the limits, start the whole-run deadline, vet the submission, put the
safeguards around otter's runner, let otter grade (again, skipping the culprit, if a cell
killed the kernel or could not be interrupted), then complete the results for the student.
Every path out of ``main`` writes a valid results file: "your submission has a problem"
results for what the student can fix, "the grader failed" results, with the traceback for
staff only, for everything else.
"""

from __future__ import annotations

import json
import os
import threading
import time
import traceback
from pathlib import Path

import nbformat

from . import results, safeguards, settings, submission
from .submission import SubmissionProblem

GRADER_FAILED = (
    "The grader could not finish grading this submission. This is not a problem with your "
    "answers as far as the grader can tell; your instructor can see the details."
)


class _Writer:
    """Writes the results file once: whichever of grading or the deadline comes first."""

    def __init__(self, path: Path, started: float, limits: settings.RuntimeSettings):
        self.path, self.started, self.limits = path, started, limits
        self._lock = threading.Lock()
        self._done = False

    def write(self, outcome: dict, *, graded: bool, notes: list[str]) -> bool:
        with self._lock:
            if self._done:
                return False
            final = results.finalize(outcome, seconds=time.monotonic() - self.started, notes=notes,
                                     max_test_output_chars=self.limits.max_test_output_chars,
                                     graded=graded)
            problems = results.schema_errors(final)
            if problems:
                final = results.finalize(
                    results.failure(GRADER_FAILED, {}, "invalid results:\n" + "\n".join(problems)),
                    seconds=time.monotonic() - self.started, notes=[], graded=False,
                    max_test_output_chars=self.limits.max_test_output_chars)
            results.write(final, self.path)
            self._done = True
            return True


def _test_files(tests_dir: Path) -> list:
    from otter.test_files import ExceptionTestFile

    return [ExceptionTestFile.from_file(str(path)) for path in sorted(tests_dir.glob("*.py"))]


def _kill_children() -> None:
    try:
        import psutil
    except ImportError:
        return
    for child in psutil.Process().children(recursive=True):
        try:
            child.kill()
        except psutil.Error:
            pass


def _skip_cell(notebook_path: Path, cell_id: str | None) -> int | None:
    """Tag the submitted cell with ``cell_id`` so the next attempt leaves it out; its number."""
    notebook = nbformat.read(notebook_path, as_version=4)
    for number, cell in enumerate(notebook.cells, start=1):
        if cell_id is not None and cell.get("id") == cell_id:
            cell.metadata.setdefault("tags", []).append("otter_ignore")
            nbformat.write(notebook, notebook_path)
            return number
    return None


def _grade(autograder_dir: Path, limits: settings.RuntimeSettings, questions: dict[str, float],
           case_count: int, notes: list[str]) -> dict:
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from otter.run.run_autograder import main as otter_main
    from otter.run.run_autograder.utils import OtterRuntimeError

    config = json.loads((autograder_dir / "source" / "otter_config.json").read_text(encoding="utf-8"))
    notebook = submission.locate(autograder_dir / "submission")
    notes += submission.vet(notebook, config.get("assignment_name"))
    safeguards.install(limits, case_count)

    for attempt in range(1, limits.max_attempts + 1):
        try:
            otter_main(str(autograder_dir), logo=False)
            break
        except OtterRuntimeError as error:
            raise SubmissionProblem(str(error)) from None
        except (DeadKernelError, CellTimeoutError) as error:
            what = ("stopped the notebook's kernel (a crash, os._exit, or running out of memory)"
                    if isinstance(error, DeadKernelError) else "could not be interrupted at its time limit")
            current = safeguards.CURRENT
            number = _skip_cell(notebook, current.cell_id)
            if number is None or attempt == limits.max_attempts:
                raise SubmissionProblem(
                    f"Grading stopped while running the tests: the code they call {what}. "
                    "Run your notebook from the top with Restart & Run All, fix the crash, "
                    "and resubmit.") from None
            notes.append(f"Cell {number} of your notebook (starting `{current.first_line}`) {what}. "
                         "It was skipped and the rest of the notebook was graded without it.")

    outcome = results.read(autograder_dir / "results" / "results.json")
    if not results.question_scores(outcome):
        staff = "\n\n".join(t.get("output", "") for t in outcome.get("tests", []))
        raise _GraderFailed(staff or "otter reported no question results")
    return outcome


class _GraderFailed(Exception):
    """Grading ended without per-question results; the detail is for staff."""


def main(autograder_dir: Path) -> int:
    started = time.monotonic()
    runtime_dir = Path(__file__).resolve().parent
    staff_notes = []
    try:
        limits = settings.load(runtime_dir)
    except (ValueError, TypeError) as error:
        limits = settings.RuntimeSettings()
        staff_notes.append(f"settings.json ignored: {error}")
    writer = _Writer(autograder_dir / "results" / "results.json", started, limits)
    try:
        test_files = _test_files(autograder_dir / "source" / "tests")
    except Exception:  # a broken zip: still answer, with the details for staff
        test_files = []
        staff_notes.append("could not read the tests:\n" + traceback.format_exc())
    questions = {tf.name: float(sum(tc.points for tc in tf.test_cases)) for tf in test_files}
    case_count = sum(len(tf.test_cases) for tf in test_files)
    notes: list[str] = []

    def expire():
        writer.write(results.failure(
            f"Grading took longer than {limits.total_timeout_seconds:g} s and was stopped. Look "
            "for a cell that never finishes or trains far longer than the exercise needs, and "
            "resubmit.", questions), graded=False, notes=notes)
        _kill_children()
        os._exit(0)

    deadline = threading.Timer(limits.total_timeout_seconds, expire)
    deadline.daemon = True
    deadline.start()
    try:
        outcome = _grade(autograder_dir, limits, questions, case_count, notes)
        if staff_notes:
            outcome["tests"].append({"name": "Grader notes (staff only)", "visibility": "hidden",
                                     "output": "\n".join(staff_notes)})
        writer.write(outcome, graded=True, notes=notes)
    except SubmissionProblem as problem:
        writer.write(results.failure(str(problem), questions), graded=False, notes=notes)
    except BaseException as error:  # the one outermost boundary: grading always ends in a result
        detail = str(error) if isinstance(error, _GraderFailed) else traceback.format_exc()
        writer.write(results.failure(GRADER_FAILED, questions, "\n".join([*staff_notes, detail])),
                     graded=False, notes=notes)
    finally:
        deadline.cancel()
    _kill_children()
    return 0
