"""Grade one submission: the judge, which alone holds the tests and the reference numbers.

Order of events, each step a reason for the next:

1. make a private work folder, take a student user, arm the whole-run deadline;
2. find and vet the notebook (:mod:`.submission`), draw this submission's seed from its
   bytes, lay out the student's scratch folder (the notebook and the assignment's data
   files, nothing of the grader's) in the judge's own work folder;
3. make the grading's control group, and fork the zygote (:mod:`.sandbox`) *now*, before
   anything secret is read, so that no student process can hold a copy of a test or a
   number; the zygote makes the grading's namespaces and scratch folder;
4. read everything secret into this process's memory before any student code runs: check
   that the zip's files are those the batch started with, read the questions and their
   checks, draw the hidden cases of this submission. Nothing a student process writes
   later can change what this grading compares against;
5. run the notebook's cells in the student process (:class:`.remote.Session`); its first
   message says what sandbox it runs under, and a sandbox without a required layer ends
   the grading before any student code runs (:func:`.sandbox.refusal`);
6. run every public test case, then every hidden one, each with proxies for the names it
   takes and under its own time limit. Public ones come first so that nothing a student's
   code learns in a hidden case can reach the visible feedback;
7. end every student process, remove what the student's user left, then write
   ``results.json`` (:mod:`.results`).

Every path out, the deadline's included, writes a results file: "your submission has a
problem" results for what the student can fix, "the grader failed" results, with the
reason for staff only, for everything else.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import questions as questions_module
from . import results, sandbox, settings, student, submission, wire, wording
from .remote import OutputLog, SandboxFailed, SandboxRefused, Session, StudentGone, StudentTimeout
from .submission import SubmissionProblem

DATA_FOLDER = "files"  # where otter keeps the assignment's data files in the zip
STUDENT_SCRATCH_PARENT = "/tmp"
# What the judge reads of the zip, the secrets among it: checked against the batch's start.
JUDGE_FILES = ("tests", "autograder", "reference")


@dataclass(frozen=True)
class Job:
    """One submission to grade: where it is, and where its results go."""

    name: str
    submission: Path  # a folder (as Gradescope gives it) or one file
    results: Path  # the results.json to write


class GradingExpired(BaseException):
    """The whole run's deadline passed (raised by the alarm, wherever the judge was)."""


class GradingStopped(BaseException):
    """The judge was told to stop (SIGINT or SIGTERM: an instructor's Ctrl-C, a container
    being shut down); it still ends its student processes and writes a result."""


def source_digest(source: Path) -> str:
    """A digest of every file the judge reads from the unpacked zip (tests, checks, reference)."""
    sha = hashlib.sha256()
    for folder in JUDGE_FILES:
        for path in sorted((source / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                sha.update(path.relative_to(source).as_posix().encode() + b"\0")
                sha.update(path.read_bytes())
    return sha.hexdigest()


class Judge:
    """The grading of one submission, from the work folder to the results file.

    ``digest`` is :func:`source_digest` of ``source`` as the batch found it before any
    grading began; None skips the comparison.
    """

    def __init__(self, source: Path, job: Job, limits: settings.RuntimeSettings, digest: str | None = None):
        self.source, self.job, self.limits, self.digest = source, job, limits, digest
        self.started = time.monotonic()
        self.work = Path(tempfile.mkdtemp(prefix="autograder-judge-"))
        self.slot = sandbox.Slot()
        self.plan: sandbox.Plan | None = None
        self.zygote: sandbox.Zygote | None = None
        self.session: Session | None = None
        self.log = OutputLog(limits.max_cell_output_chars)
        self.staff_problems: list[str] = []
        self.points: dict[str, float] = {}
        self.seed: int | None = None
        self.peak_bytes: int | None = None  # of the grading's control group, where it had one
        self.notes_before_hidden = 0  # how many of the session's notes came before any hidden test
        self.later_notes: list[str] = []

    # --- the whole run --------------------------------------------------------------------------

    def run(self) -> None:
        sandbox.become_subreaper()
        sandbox.guard_memory()
        for handled, handler in ((signal.SIGALRM, _expire), (signal.SIGINT, _stop), (signal.SIGTERM, _stop)):
            signal.signal(handled, handler)
        signal.setitimer(signal.ITIMER_REAL, self.limits.total_timeout_seconds)
        try:
            grading = self._outcome()
        except (GradingStopped, GradingExpired) as interruption:  # arrived while the outcome was worded
            grading = self._interrupted(interruption)
        finally:  # from here on nothing may interrupt the ending of the student processes
            signal.setitimer(signal.ITIMER_REAL, 0)
            _ignore_interruptions()
        self._end_students()
        grading.staff = self._staff(grading.staff)
        grading.seconds = time.monotonic() - self.started
        try:
            results.write(grading, self.job.results, max_test_output_chars=self.limits.max_test_output_chars)
        except Exception:  # the results of last resort, if even writing the grading fails
            last = results.not_graded(results.GRADER_FAILED, self.points,
                                      results.StaffRecord(grader_error=traceback.format_exc()))
            results.write(last, self.job.results)
        self._clean_up()

    def _outcome(self) -> results.Grading:
        """The grading, or what stopped it, as results."""
        try:
            return self._grade()
        except (GradingStopped, GradingExpired) as interruption:
            return self._interrupted(interruption)
        except SubmissionProblem as problem:
            return results.not_graded(str(problem), self._points())
        except SandboxRefused as refused:
            return results.not_graded(refused.reason, self._points(),
                                      results.StaffRecord(isolation=refused.isolation))
        except SandboxFailed as failed:
            return results.not_graded(results.GRADER_FAILED, self._points(),
                                      results.StaffRecord(grader_error=f"the sandbox failed: {failed.reason}"))
        except BaseException:  # the one outermost boundary: grading always ends in a result
            return results.not_graded(results.GRADER_FAILED, self._points(),
                                      results.StaffRecord(grader_error=traceback.format_exc()))

    def _interrupted(self, interruption: BaseException) -> results.Grading:
        if isinstance(interruption, GradingStopped):
            return results.not_graded(wording.GRADING_STOPPED, self._points())
        return results.not_graded(wording.grading_expired(self.limits.total_timeout_seconds), self._points())

    def _points(self) -> dict[str, float]:
        if not self.points:
            try:
                self.points = questions_module.points_of(self.source / "tests")
            except Exception:  # a broken zip: the results still come, with no questions
                self.staff_problems.append("could not read the tests:\n" + traceback.format_exc())
        return self.points

    def _staff(self, found: results.StaffRecord) -> results.StaffRecord:
        """``found`` (what the outcome recorded: a refusal's isolation, a grader error) with what
        the judge knows of the whole grading."""
        isolation = self.session.isolation if self.session else None
        return dataclasses.replace(
            found, isolation=found.isolation or isolation,
            restarts=self.session.restarts if self.session else 0,
            hidden_cases_seed=self.seed,
            judge_peak_memory_mb=round(_peak_memory_kb() / 1024, 1),
            student_peak_memory_mb=round(self.peak_bytes / 2**20, 1) if self.peak_bytes is not None else None,
            notebook_output=self.log.text(),
            grader_problems=[*self.staff_problems, *found.grader_problems],
            notes_during_hidden_tests=self.later_notes)

    def _end_students(self) -> None:
        if self.session is not None:
            self.session.kill()
        if self.slot.uid is not None:
            sandbox.kill_user(self.slot.uid)
        if self.zygote is not None:
            self.zygote.close()
            self.zygote = None
        sandbox.kill_descendants()
        if self.plan is not None and self.plan.group is not None:
            self.peak_bytes = self.plan.group.peak_memory_bytes() or self.peak_bytes
            self.plan.group.remove()
        if self.slot.uid is not None:
            sandbox.remove_files_of(self.slot.uid)

    def _clean_up(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)
        if self.plan is not None:
            shutil.rmtree(self.plan.scratch, ignore_errors=True)
        self.slot.release()

    # --- grading ------------------------------------------------------------------------------

    def _grade(self) -> results.Grading:
        config = submission.read_config(self.source)
        assignment = config.get("assignment_name")
        folder = submission.receive(self.job.submission, self.work / "submission")
        notebook_path = submission.locate(folder)
        notebook, notes = submission.vet(notebook_path, assignment)
        self.seed = (self.limits.hidden_cases_seed if self.limits.hidden_cases_seed is not None
                     else submission.seed_of(notebook_path.read_bytes(), assignment or ""))
        self.plan = self._plan(notebook_path)
        plan = self.plan
        self.zygote = sandbox.Zygote(plan, lambda channel, output, space: _student_main(plan, space, channel, output))
        questions = self._read_secrets(assignment)
        self.session = Session(spawn=self.zygote.spawn,
                               end=lambda pid: sandbox.kill_student(pid, self.slot.uid),
                               cells=submission.graded_cells(notebook),
                               cell_seconds=self.limits.cell_timeout_seconds,
                               max_restarts=self.limits.max_attempts, log=self.log,
                               test_seconds=self.limits.test_timeout_seconds)
        session = self.session
        session.run_notebook()
        outcomes = self._run_tests(session, questions)
        self._end_students()
        # the notes show at once, whatever the assignment's visibility: only those made before
        # any hidden input reached the student process (a process that cannot restart after a
        # hidden test would otherwise tell something of that test's input); staff get the rest
        notes += session.notes[:self.notes_before_hidden] + self._cell_errors(session)
        self.later_notes = session.notes[self.notes_before_hidden:]
        return results.Grading(results.GRADED, results.GRADED_SUMMARY, outcomes, notes)

    def _plan(self, notebook_path: Path) -> sandbox.Plan:
        """The student's space: its scratch folder (filled by the zygote from the layout made
        here), its user, its limits, its control group."""
        staging = self.work / "scratch"
        staging.mkdir()
        data = self.source / DATA_FOLDER
        if data.is_dir():
            for item in data.iterdir():
                if item.is_dir():
                    shutil.copytree(item, staging / item.name)
                else:
                    shutil.copy(item, staging / item.name)
        shutil.copy(notebook_path, staging / notebook_path.name)
        return student_plan(staging, self.slot.uid, self.limits, "autograder")

    def _read_secrets(self, assignment: str | None) -> list[questions_module.Question]:
        """The tests, their checks and this submission's hidden cases, into memory, before any
        student code runs; from files that are those the batch started with."""
        if self.digest is not None and source_digest(self.source) != self.digest:
            raise RuntimeError("the autograder's tests, checks or reference changed on disk since "
                               "the batch started; nothing of this grading can be trusted")
        found = questions_module.read_questions(self.source / "tests")
        self.points = {q.name: q.max_score for q in found}
        hook = self.limits.prepare_grading
        if hook and assignment:
            module, _, function = hook.partition(":")
            getattr(importlib.import_module(module), function)(assignment, self.seed)
        return found

    def _run_tests(self, session: Session, questions: list[questions_module.Question]) -> list[results.QuestionResult]:
        names = sorted({p for q in questions for c in q.cases for p in c.parameters})
        proxies = session.proxies(names)
        outcomes: dict[tuple[str, str], results.CaseResult] = {}
        for hidden in (False, True):
            if hidden:  # what happens from here on may depend on a hidden input: never said at once
                self.notes_before_hidden = len(session.notes)
            for question in questions:
                for case in question.cases:
                    if case.hidden == hidden:
                        outcomes[(question.name, case.name)] = self._run_case(session, case, proxies)
        return [results.QuestionResult(q.name, [outcomes[(q.name, c.name)] for c in q.cases])
                for q in questions]

    def _run_case(self, session: Session, case: questions_module.TestCase,
                  proxies: dict[str, Any]) -> results.CaseResult:
        outcome, problem = run_case(session, case, proxies, self.limits.test_timeout_seconds)
        if problem:
            self.staff_problems.append(problem)
        return outcome

    @staticmethod
    def _cell_errors(session: Session) -> list[str]:
        return wording.cell_errors([(o.cell.number, o.cell.first_line, wording.ErrorReport.from_wire(o.error))
                                    for o in session.outcomes if o.error is not None])


def student_plan(staging: Path, uid: int | None, limits: settings.RuntimeSettings, group_prefix: str) -> sandbox.Plan:
    """The plan of a grading's student processes (also of the sandbox check, which sets one up
    as a grading would): a fresh scratch folder under /tmp, which every user can enter whatever
    TMPDIR the grader has, the settings' limits, and a control group where one can be made."""
    scratch = Path(tempfile.mkdtemp(prefix="autograder-student-", dir=STUDENT_SCRATCH_PARENT))
    process_limits = sandbox.Limits(memory_mb=limits.memory_limit_mb,
                                    cpu_seconds=int(limits.total_timeout_seconds) + 5,
                                    processes=limits.student_processes, open_files=limits.student_open_files,
                                    file_mb=limits.student_file_mb, disk_mb=limits.student_disk_mb,
                                    files=limits.student_files, cpus=limits.student_cpus)
    group, problem = sandbox.control_group(group_prefix, process_limits)
    return sandbox.Plan(scratch, staging, process_limits, uid, sandbox.protected_processes(),
                        trusted=limits.trust_submissions, group=group, group_problem=problem)


def _ignore_interruptions() -> None:
    for handled in (signal.SIGALRM, signal.SIGINT, signal.SIGTERM):
        signal.signal(handled, signal.SIG_IGN)


def _expire(signum, frame) -> None:
    _ignore_interruptions()  # one interruption at most: the judge must be able to end in order
    raise GradingExpired()


def _stop(signum, frame) -> None:
    _ignore_interruptions()
    raise GradingStopped()


def _peak_memory_kb() -> int:
    """This process's peak resident memory (pages it shares with the warm parent included)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def run_case(session: Session, case: questions_module.TestCase, proxies: dict,
             seconds: float) -> tuple[results.CaseResult, str]:
    """Run one test case with the proxies of the names it takes, under its time limit.

    Everything the student reads is worded for the kind of test it is (:mod:`.wording`: in a
    hidden test nothing the student's code chose is quoted). Returns the case's result and
    what staff should see: the test's own traceback when it raised anything but an
    ``AssertionError`` (odd data it did not expect, or a bug), or the words a hidden failure
    could not show.
    """
    outcome = results.CaseResult(case.name, case.hidden, case.points, passed=False)
    problem = ""
    taken = {name: proxies[name] for name in case.parameters}
    with session.test(seconds), wording.hidden_test(case.hidden):
        try:
            case.function(**taken)
        except AssertionError as failure:
            message, staff = wording.failure_words(failure)
            key = getattr(failure, "key", None)
            outcome.message = message or case.failure_message or "a check failed."
            outcome.diagnosis = key if isinstance(key, str) else None
            unfinished = wording.unfinished_failure(outcome.message, _unfinished_name(taken))
            if unfinished:
                outcome.message, outcome.diagnosis = unfinished, "not_finished"
            problem = f"{case.name}: {staff}" if staff else ""
        except (StudentTimeout, StudentGone) as stopped:
            outcome.message = str(stopped)
            outcome.diagnosis = ("did_not_finish_in_time" if isinstance(stopped, StudentTimeout)
                                 else "stopped_the_process")
        except Exception:  # the test's own code stopped: on odd answers, or a grader bug
            problem = f"{case.name}:\n{traceback.format_exc()}"
            outcome.message = wording.test_stopped(traceback.format_exception_only(sys.exc_info()[1])[-1])
        else:
            outcome.passed = True
            outcome.message = case.success_message or ""
    return outcome, problem


def _unfinished_name(taken: dict) -> str | None:
    """The first name a test took whose function or class still has the template's ``...``."""
    for name, value in taken.items():
        check = getattr(type(value), "is_unfinished", None)
        if check is not None and getattr(type(value), "GRADING_PROXY", False) and value.is_unfinished():
            return name
    return None


def _student_main(plan: sandbox.Plan, space: sandbox.Space, channel, output_fd: int) -> None:
    """What a freshly forked student process runs: the sandbox, its first message (what it
    runs under, or why it could not set up), then the request loop. No student code runs
    where the sandbox refused."""
    try:
        isolation = sandbox.enter(plan, space, channel, output_fd)
        if isolation.refused:
            channel.sendall(wire.frame({"isolation": isolation.as_dict()}, b""))
            return
        import torch

        torch.set_num_threads(1)
        shell = student.make_shell()
        channel.sendall(wire.frame({"isolation": isolation.as_dict()}, b""))
        student.serve(channel, shell)
    except BaseException:  # before any student code: tell the judge why, then end
        try:
            channel.sendall(wire.frame({"failure": traceback.format_exc()[-8000:]}, b""))
        except BaseException:
            pass
    finally:
        os._exit(0)


def grade(source: Path, job: Job, limits: settings.RuntimeSettings, digest: str | None = None) -> None:
    """Grade ``job`` with the zip unpacked at ``source``; always writes its results file."""
    Judge(source, job, limits, digest).run()
