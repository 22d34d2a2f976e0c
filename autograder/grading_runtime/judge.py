"""Grade one submission: the judge, which alone holds the tests and the reference numbers.

Order of events, each step a reason for the next:

1. make a private work folder, take a student user, start the whole-run deadline;
2. find and vet the notebook (:mod:`.submission`), lay out the student's scratch folder
   (the notebook and the assignment's data files, nothing of the grader's);
3. fork the zygote (:mod:`.sandbox`) *now*, before anything secret is read, so that no
   student process can hold a copy of a test or a number;
4. run the notebook's cells in the student process (:class:`.remote.Session`);
5. read the questions and their checks, then run every public test case, then every hidden
   one, each with proxies for the names it takes and under its own time limit. Public ones
   come first so that nothing a student's code learns in a hidden case can reach the
   visible feedback;
6. end every student process, then write ``results.json`` (:mod:`.results`).

Every path out, the deadline's included, writes a results file: "your submission has a
problem" results for what the student can fix, "the grader failed" results, with the
traceback for staff only, for everything else.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from . import questions as questions_module
from . import results, sandbox, settings, student, submission, wire, wording
from .remote import OutputLog, Session, StudentGone, StudentTimeout
from .submission import SubmissionProblem

DATA_FOLDER = "files"  # where otter keeps the assignment's data files in the zip
MAX_CELL_ERRORS_SHOWN = 5
STUDENT_SCRATCH_PARENT = "/tmp"


@dataclass(frozen=True)
class Job:
    """One submission to grade: where it is, and where its results go."""

    name: str
    submission: Path  # a folder (as Gradescope gives it) or one file
    results: Path  # the results.json to write


class _Results:
    """Writes the results file once: whichever of grading or the deadline comes first."""

    def __init__(self, path: Path, started: float, limits: settings.RuntimeSettings):
        self.path, self.started, self.limits = path, started, limits
        self._lock = threading.Lock()
        self.written = False

    def write(self, grading: results.Grading | None = None, *, make=None, before=None) -> bool:
        """Write ``grading`` (or what ``make()`` returns), after running ``before()``, unless a
        results file was written already; holding the lock all along, so that what the other
        thread does while this one ends the student processes cannot write first."""
        with self._lock:
            if self.written:
                return False
            if before is not None:
                before()
            grading = grading if grading is not None else make()
            grading.seconds = time.monotonic() - self.started
            results.write(grading, self.path, max_test_output_chars=self.limits.max_test_output_chars)
            self.written = True
            return True


class Judge:
    """The grading of one submission, from the work folder to the results file."""

    def __init__(self, source: Path, job: Job, limits: settings.RuntimeSettings):
        self.source, self.job, self.limits = source, job, limits
        self.started = time.monotonic()
        self.out = _Results(job.results, self.started, limits)
        self.work = Path(tempfile.mkdtemp(prefix="autograder-judge-"))
        self.slot = sandbox.Slot()
        self.zygote: sandbox.Zygote | None = None
        self.session: Session | None = None
        self.log = OutputLog(limits.max_cell_output_chars)
        self.staff_problems: list[str] = []
        self.points: dict[str, float] = {}
        self.scratch: Path | None = None

    # --- the whole run --------------------------------------------------------------------------

    def run(self) -> None:
        sandbox.become_subreaper()
        sandbox.guard_memory()
        deadline = threading.Timer(self.limits.total_timeout_seconds, self._expire)
        deadline.daemon = True
        deadline.start()
        try:
            grading = self._grade()
        except SubmissionProblem as problem:
            grading = results.not_graded(str(problem), self._points())
        except BaseException:  # the one outermost boundary: grading always ends in a result
            grading = results.not_graded(results.GRADER_FAILED, self._points(),
                                         {"grader error": traceback.format_exc()})
        finally:
            deadline.cancel()
        self._end_students()
        grading.staff = {**self._staff(), **grading.staff}
        try:
            self.out.write(grading)
        except Exception:  # the results of last resort, if even writing the grading fails
            self.out.written = False
            self.out.write(results.not_graded(results.GRADER_FAILED, self.points,
                                              {"grader error": traceback.format_exc()}))
        self._clean_up()

    def _expire(self) -> None:
        self.out.write(make=lambda: results.not_graded(
            f"Grading took longer than {self.limits.total_timeout_seconds:g} s and was stopped. "
            "Look for a cell that never finishes or trains far longer than the exercise needs, "
            "and resubmit.", self._points(), self._staff()), before=self._end_students)
        self._clean_up()
        os._exit(0)

    def _points(self) -> dict[str, float]:
        if not self.points:
            try:
                self.points = questions_module.points_of(self.source / "tests")
            except Exception:  # a broken zip: the results still come, with no questions
                self.staff_problems.append("could not read the tests:\n" + traceback.format_exc())
        return self.points

    def _staff(self) -> dict:
        record = {"isolation": self.session.isolation if self.session else {},
                  "restarts": self.session.restarts if self.session else 0,
                  "notebook output": self.log.text()}
        if self.staff_problems:
            record["grader problems"] = self.staff_problems
        return record

    def _end_students(self) -> None:
        if self.session is not None:
            self.session.kill()
        if self.slot.uid is not None:
            sandbox.kill_user(self.slot.uid)
        if self.zygote is not None:
            self.zygote.close()
            self.zygote = None
        sandbox.kill_descendants()

    def _clean_up(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
        self.slot.release()

    # --- grading ------------------------------------------------------------------------------

    def _grade(self) -> results.Grading:
        config = submission.read_config(self.source)
        folder = submission.receive(self.job.submission, self.work / "submission")
        notebook_path = submission.locate(folder)
        notebook, notes = submission.vet(notebook_path, config.get("assignment_name"))
        scratch = self._scratch(notebook_path)
        plan = sandbox.Plan(scratch, self._limits(), self.slot.uid, sandbox.protected_processes())
        self.zygote = sandbox.Zygote(lambda channel, output: _student_main(plan, channel, output))
        self.session = Session(spawn=self.zygote.spawn,
                               end=lambda pid: sandbox.kill_student(pid, self.slot.uid),
                               cells=submission.graded_cells(notebook),
                               cell_seconds=self.limits.cell_timeout_seconds,
                               max_restarts=self.limits.max_attempts, log=self.log,
                               test_seconds=self.limits.test_timeout_seconds)
        self.session.run_notebook()
        questions = self._questions()
        outcomes = self._run_tests(questions)
        self._end_students()
        notes += self.session.notes + self._cell_errors()
        return results.Grading(results.GRADED, results.GRADED_SUMMARY, outcomes, notes)

    def _limits(self) -> sandbox.Limits:
        return sandbox.Limits(memory_mb=self.limits.memory_limit_mb,
                              cpu_seconds=int(self.limits.total_timeout_seconds) + 5,
                              processes=self.limits.student_processes,
                              open_files=self.limits.student_open_files,
                              file_mb=self.limits.student_file_mb)

    def _scratch(self, notebook_path: Path) -> Path:
        """The student's working folder: the assignment's data files and the notebook."""
        # under /tmp, which every user can enter, whatever TMPDIR the grader has
        scratch = Path(tempfile.mkdtemp(prefix="autograder-student-", dir=STUDENT_SCRATCH_PARENT))
        data = self.source / DATA_FOLDER
        if data.is_dir():
            for item in data.iterdir():
                if item.is_dir():
                    shutil.copytree(item, scratch / item.name)
                else:
                    shutil.copy(item, scratch / item.name)
        shutil.copy(notebook_path, scratch / notebook_path.name)
        self.scratch = scratch
        sandbox.give_to(scratch, self.slot.uid)
        return scratch

    def _questions(self) -> list[questions_module.Question]:
        found = questions_module.read_questions(self.source / "tests")
        self.points = {q.name: q.max_score for q in found}
        return found

    def _run_tests(self, questions: list[questions_module.Question]) -> list[results.QuestionResult]:
        names = sorted({p for q in questions for c in q.cases for p in c.parameters})
        proxies = self.session.proxies(names)
        outcomes = {(q.name, c.name): None for q in questions for c in q.cases}
        for hidden in (False, True):
            for question in questions:
                for case in question.cases:
                    if case.hidden == hidden:
                        outcomes[(question.name, case.name)] = self._run_case(case, proxies)
        return [results.QuestionResult(q.name, [outcomes[(q.name, c.name)] for c in q.cases])
                for q in questions]

    def _run_case(self, case: questions_module.TestCase, proxies: dict) -> results.CaseResult:
        outcome, problem = run_case(self.session, case, proxies, self.limits.test_timeout_seconds)
        if problem:
            self.staff_problems.append(problem)
        return outcome

    def _cell_errors(self) -> list[str]:
        shown = []
        for outcome in self.session.outcomes:
            if outcome.error is None:
                continue
            error = outcome.error
            kind = error.get("type") if isinstance(error.get("type"), str) else "an error"
            message = error.get("message") if isinstance(error.get("message"), str) else ""
            text = f"{kind}: {message.strip()[:200]}" if message.strip() else kind
            shown.append(f"Cell {outcome.cell.number} of your notebook (starting "
                         f"`{outcome.cell.first_line}`) raised {text}. What it defines may be "
                         "missing, and the tests that need it fail.")
        if len(shown) > MAX_CELL_ERRORS_SHOWN:
            shown = shown[:MAX_CELL_ERRORS_SHOWN] + [
                f"... and {len(shown) - MAX_CELL_ERRORS_SHOWN} more cells raised errors."]
        return shown


def run_case(session: Session, case: questions_module.TestCase, proxies: dict,
             seconds: float) -> tuple[results.CaseResult, str]:
    """Run one test case with the proxies of the names it takes, under its time limit.

    Everything the student reads is worded for the kind of test it is (:mod:`.wording`: in a
    hidden test nothing the student's code chose is quoted). Returns the case's result and
    what staff should see: the test's own traceback when it raised anything but an
    ``AssertionError`` (odd data it did not expect, or a bug), or the words a hidden failure
    could not show.
    """
    session.deadline = time.monotonic() + seconds
    outcome = results.CaseResult(case.name, case.hidden, case.points, passed=False)
    problem = ""
    taken = {name: proxies[name] for name in case.parameters}
    with wording.hidden_test(case.hidden):
        try:
            case.function(**taken)
        except AssertionError as failure:
            message, staff = wording.failure_words(failure)
            key = getattr(failure, "key", None)
            outcome.message = message or case.failure_message or "a check failed."
            outcome.diagnosis = key if isinstance(key, str) else None
            waiting = _unfinished_name(taken)
            if wording.NOT_FINISHED in outcome.message or waiting:
                outcome.diagnosis = "not_finished"
                if waiting and wording.NOT_FINISHED not in outcome.message:
                    outcome.message = wording.not_finished(f"`{waiting}`")
            problem = f"{case.name}: {staff}" if staff else ""
        except (StudentTimeout, StudentGone) as stopped:
            outcome.message = str(stopped)
            outcome.diagnosis = ("did_not_finish_in_time" if isinstance(stopped, StudentTimeout)
                                 else "stopped_the_process")
        except Exception:  # the test's own code stopped: on odd answers, or a grader bug
            problem = f"{case.name}:\n{traceback.format_exc()}"
            outcome.message = ("The grader could not run this test on what your code returned; "
                               "your instructor can see why." if case.hidden else
                               f"The check stopped with {traceback.format_exception_only(sys.exc_info()[1])[-1].strip()[:300]}; "
                               "look at what your code returns.")
        else:
            outcome.passed = True
            outcome.message = case.success_message or ""
        finally:
            session.deadline = float("inf")
    if session.process is None:  # the case ended the student process: the next one needs it
        session.recover()
    return outcome, problem


def _unfinished_name(taken: dict) -> str | None:
    """The first name a test took whose function or class still has the template's ``...``."""
    for name, value in taken.items():
        check = getattr(type(value), "is_unfinished", None)
        if check is not None and getattr(type(value), "GRADING_PROXY", False) and value.is_unfinished():
            return name
    return None


def _student_main(plan: sandbox.Plan, channel, output_fd: int) -> None:
    """What a freshly forked student process runs: the sandbox, then the request loop."""
    try:
        isolation = sandbox.enter(plan, channel, output_fd)
        import torch

        torch.set_num_threads(1)
        shell = student.make_shell()
        channel.sendall(wire.frame({"isolation": isolation.as_dict()}, b""))
        student.serve(channel, shell)
    finally:
        os._exit(0)


def grade(source: Path, job: Job, limits: settings.RuntimeSettings) -> None:
    """Grade ``job`` with the zip unpacked at ``source``; always writes its results file."""
    Judge(source, job, limits).run()
