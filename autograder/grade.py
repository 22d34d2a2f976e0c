"""Grade submissions with an assignment's ``autograder.zip``, exactly as Gradescope would.

The zip is unpacked once into a private folder and its own ``run_grader.py`` is started
there: the very engine Gradescope runs, importing torch once and forking a judge per
submission (see ``grading_runtime/batch.py``). This module feeds it jobs, one line each,
reads back which are done, and keeps a last fallback for a grading that wrote nothing.

What the instructor passes is turned into submissions by :mod:`autograder.intake`. Results
are written under ``DIR/<submission>/``; a grading still running when the command is
interrupted leaves nothing behind, so that the next run grades it afresh and compares it
with the last grading that finished.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from autograder.errors import NotBuilt, ToolkitError
from autograder.grading_runtime import results as gradescope
from autograder.grading_runtime import wording
from autograder.grading_runtime.questions import natural_order, read_question
from autograder.grading_runtime.sandbox import Isolation
from autograder.grading_runtime.settings import ENGINE_ENVIRONMENT, PACKAGE_IN_ZIP, SETTINGS_FILE, RuntimeSettings
from autograder.submitters import Submitter

HASH_FILE = "submission.sha256"
RESULTS_FILE = "results.json"
FEEDBACK_FILE = "feedback.txt"
# Where the engine writes a grading while it runs; renamed to RESULTS_FILE once it is done.
IN_FLIGHT_FILE = "results.in-flight.json"
RUNNER = "run_grader.py"
# How long the judges of an interrupted run get to end their student processes.
STOP_SECONDS = 10.0


def who(name: str, people: tuple[Submitter, ...]) -> str:
    """A submission as the instructor knows it: its students' names, then its folder."""
    names = [p.name or p.email or p.sid for p in people if p.name or p.email or p.sid]
    return f"{' + '.join(names)} ({name})" if names else name


@dataclass(frozen=True)
class Submission:
    """One student's upload: a notebook, a zip, or a folder of files (as Gradescope exports)."""

    name: str
    path: Path
    people: tuple[Submitter, ...] = ()  # from the export's metadata; empty where unknown

    @property
    def label(self) -> str:
        return who(self.name, self.people)

    def files(self) -> list[Path]:
        return sorted(p for p in self.path.rglob("*") if p.is_file()) if self.path.is_dir() else [self.path]

    def digest(self) -> str:
        sha = hashlib.sha256()
        for file in self.files():
            sha.update(file.relative_to(self.path if self.path.is_dir() else file.parent).as_posix().encode())
            sha.update(file.read_bytes())
        return sha.hexdigest()


@dataclass(frozen=True)
class GradedSubmission:
    """The outcome of grading one submission."""

    submission: Path
    name: str
    grading: gradescope.Grading
    seconds: float
    reused: bool = False
    previous_score: float | None = None  # its score at its last grading in the same folder
    people: tuple[Submitter, ...] = ()

    @property
    def label(self) -> str:
        return who(self.name, self.people)

    @property
    def score_changed(self) -> bool:
        return self.previous_score is not None and abs(self.previous_score - self.score) > 1e-9

    @property
    def status(self) -> str:
        return self.grading.status

    @property
    def score(self) -> float:
        return self.grading.score


def questions_in(autograder_zip: Path) -> dict[str, float]:
    """Each question of the zip with its points, in natural order (``q2`` before ``q10``)."""
    found = {}
    with zipfile.ZipFile(autograder_zip) as archive:
        for name in sorted(n for n in archive.namelist() if n.startswith("tests/") and n.endswith(".py")):
            question = read_question(archive.read(name).decode("utf-8"), name)
            found[question.name] = question.max_score
    return {name: found[name] for name in sorted(found, key=natural_order)}


def zip_settings(autograder_zip: Path) -> RuntimeSettings:
    with zipfile.ZipFile(autograder_zip) as archive:
        return RuntimeSettings.from_dict(json.loads(archive.read(f"{PACKAGE_IN_ZIP}/{SETTINGS_FILE}")))


class Interrupted(ToolkitError):
    """Grading stopped by Ctrl-C: what was graded by then, and what was not."""

    def __init__(self, graded: list[GradedSubmission], pending: list[Submission]):
        super().__init__(f"interrupted with {len(pending)} submission(s) not graded",
                         "run the same command again to grade them; the graded ones are kept")
        self.graded = graded
        self.pending = pending


def isolation_lines(graded: list[GradedSubmission]) -> list[tuple[str, int]]:
    """What the gradings' sandboxes were, each distinct line with how many gradings had it."""
    counts: dict[str, int] = {}
    for outcome in graded:
        isolation = outcome.grading.staff.isolation
        if isolation is not None:
            counts[isolation.line()] = counts.get(isolation.line(), 0) + 1
    return sorted(counts.items(), key=lambda item: -item[1])


class Grader:
    """The zip's own engine, running warm: give it submissions, get gradings back.

    Use as a context manager; :meth:`grade` may be called many times while it is open (the
    test suite grades hundreds of notebooks with one). The engine runs in a session of its
    own, so that a Ctrl-C at the terminal reaches this process only, which then ends the
    engine in order (:meth:`stop`).
    """

    def __init__(self, autograder_zip: Path, jobs: int = 1, *, trusted: bool = False):
        if not autograder_zip.is_file():
            raise NotBuilt(f"{autograder_zip} does not exist", "run `autograder build` first")
        self.autograder_zip = autograder_zip
        self.jobs = max(1, jobs)
        self._isolation: Isolation | None = None
        self._folder = Path(tempfile.mkdtemp(prefix="autograder-source-"))
        self._questions = questions_in(autograder_zip)
        with zipfile.ZipFile(autograder_zip) as archive:
            archive.extractall(self._folder)
        environment = dict(os.environ, **ENGINE_ENVIRONMENT)
        self._process = subprocess.Popen(
            [sys.executable, "-I", str(self._folder / RUNNER), "--jobs", str(self.jobs),
             *(["--trust-submissions"] if trusted else [])],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=environment,
            cwd=self._folder, start_new_session=True)

    @property
    def isolation(self) -> Isolation:
        """The sandbox the engine gives student code on this machine: the first thing it says,
        once warm, before it reads any job (it refuses every grading where ``refused`` is set)."""
        self._wait_until_warm()
        assert self._isolation is not None
        return self._isolation

    def _wait_until_warm(self) -> None:
        """Read the engine's first line, its sandbox, once (it comes before any report)."""
        if self._isolation is not None:
            return
        line = self._process.stdout.readline() if self._process.stdout is not None else ""
        try:
            self._isolation = Isolation.from_dict(json.loads(line)["isolation"])
        except (ValueError, KeyError, TypeError):
            raise ToolkitError("the grading engine could not say what sandbox it gives student code",
                               "see the messages above; run `autograder build` again if the zip is old") from None

    def __enter__(self) -> "Grader":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.close()
        else:
            self.stop()

    def close(self) -> None:
        """Let the engine finish what it was given, then end it."""
        if self._process.poll() is None:
            try:
                if self._process.stdin is not None:
                    self._process.stdin.close()
                self._process.wait(timeout=60)
            except (OSError, subprocess.TimeoutExpired):
                self._process.kill()
                self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        shutil.rmtree(self._folder, ignore_errors=True)

    def stop(self) -> None:
        """End the engine now: its parent first, so that no new judge starts; then each
        running judge is interrupted, which ends its student processes and writes a result
        nobody reads; whatever is left after ``STOP_SECONDS`` is killed."""
        with _interrupts_ignored():
            if self._process.poll() is None:
                self._process.kill()
            self._process.wait()
            group = self._process.pid  # its own session: the group of the parent and its judges
            try:
                os.killpg(group, signal.SIGINT)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + STOP_SECONDS
            while _group_alive(group) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _group_alive(group):
                try:
                    os.killpg(group, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            for stream in (self._process.stdin, self._process.stdout):
                try:
                    if stream is not None:
                        stream.close()
                except OSError:
                    pass
            shutil.rmtree(self._folder, ignore_errors=True)

    def grade(self, jobs: Iterable[tuple[Submission, Path]], *, settings: RuntimeSettings | None = None,
              done: Callable[[GradedSubmission], None] | None = None) -> dict[str, GradedSubmission]:
        """Grade each ``(submission, results.json path)``; the gradings by submission name."""
        requests, answers = self._process.stdin, self._process.stdout
        assert requests is not None and answers is not None, "the engine was started with both pipes"
        self._wait_until_warm()
        wanted: dict[str, tuple[Submission, Path]] = {}
        for submission, results_path in jobs:
            results_path.parent.mkdir(parents=True, exist_ok=True)
            results_path.unlink(missing_ok=True)
            wanted[submission.name] = (submission, results_path)
            job = {"name": submission.name, "submission": str(submission.path.resolve()),
                   "results": str(results_path.resolve())}
            if settings is not None:
                job["settings"] = json.loads(settings.to_json())
            requests.write(json.dumps(job) + "\n")
        requests.flush()
        finished: dict[str, GradedSubmission] = {}
        while len(finished) < len(wanted):
            line = answers.readline()
            if not line:
                raise ToolkitError("the grading engine stopped", "see the messages above")
            report = json.loads(line)
            submission, results_path = wanted[report["name"]]
            outcome = GradedSubmission(submission.path, submission.name, self._read(results_path),
                                       report["seconds"], people=submission.people)
            finished[submission.name] = outcome
            if done is not None:
                done(outcome)
        return finished

    def _read(self, results_path: Path) -> gradescope.Grading:
        try:
            return gradescope.read(results_path)
        except (OSError, ValueError, KeyError, TypeError) as error:
            grading = gradescope.not_graded(wording.NO_RESULTS, self._questions,
                                            gradescope.StaffRecord(grader_error=str(error)))
            gradescope.write(grading, results_path)
            return grading


@contextmanager
def _interrupts_ignored():
    """Ctrl-C held off while the engine is being ended (a second one would leave it half-ended)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


def _group_alive(group: int) -> bool:
    """Whether a process of the group is still running (ended ones waiting to be reaped by
    whoever adopted them do not count)."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        state, _, pgrp = stat[stat.rindex(")") + 2:].split()[:3]
        if int(pgrp) == group and state not in "ZX":
            return True
    return False


def zip_digest(autograder_zip: Path) -> str:
    return hashlib.sha256(autograder_zip.read_bytes()).hexdigest()


def grade_one(autograder_zip: Path, submission: Path | Submission,
              settings: RuntimeSettings | None = None) -> GradedSubmission:
    """Grade one submission in a scratch folder; never raises for anything the submission does."""
    if isinstance(submission, Path):
        submission = Submission(submission.stem, submission)
    with tempfile.TemporaryDirectory(prefix="grade-") as scratch, Grader(autograder_zip) as grader:
        return grader.grade([(submission, Path(scratch) / RESULTS_FILE)], settings=settings)[submission.name]


def _reuse(submission: Submission, folder: Path, digest: str) -> GradedSubmission | None:
    try:
        if (folder / HASH_FILE).read_text().strip() != digest:
            return None
        return GradedSubmission(submission.path, submission.name, gradescope.read(folder / RESULTS_FILE),
                                0.0, reused=True, people=submission.people)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _empty_upload(submission: Submission, questions: dict[str, float]) -> gradescope.Grading | None:
    """A submission whose every file is empty: said so, rather than "not even JSON"."""
    files = submission.files()
    if not files or any(file.stat().st_size for file in files):
        return None
    names = ", ".join(file.name for file in files)
    return gradescope.not_graded(
        f"The upload is empty ({names}: 0 bytes). Download the notebook from Jupyter or Colab with "
        "File > Download > .ipynb and upload that.", questions)


def grade_many(autograder_zip: Path, submissions: Sequence[Path | Submission], out_dir: Path, *,
               settings: RuntimeSettings | None = None, jobs: int = 1, regrade: bool = True,
               progress: Callable[[GradedSubmission], None] | None = None,
               grader: Grader | None = None) -> list[GradedSubmission]:
    """Grade submissions ``jobs`` at a time into ``out_dir/<name>/``; results in input order.

    Unless ``regrade``, a submission whose files and zip are both unchanged since its last
    grading here keeps its earlier results; one graded again records its earlier score.
    A Ctrl-C ends the engine and raises :class:`Interrupted`; the submissions graded by then
    keep their results, and those in flight leave none. ``grader``, an engine already started
    (and asked for its sandbox) for this zip, is used instead of a new one; the caller ends it.
    """
    if not autograder_zip.is_file():
        raise NotBuilt(f"{autograder_zip} does not exist", "run `autograder build` first")
    items = [s if isinstance(s, Submission) else Submission(s.stem, s) for s in submissions]
    outcomes: dict[str, GradedSubmission] = {}
    try:
        build = zip_digest(autograder_zip)
        digests = {s.name: f"{s.digest()} {build}" for s in items}
        questions = questions_in(autograder_zip)
        todo: list[Submission] = []
        previous: dict[str, float | None] = {}

        def finished(outcome: GradedSubmission) -> None:
            outcome = dataclasses.replace(outcome, previous_score=previous[outcome.name])
            folder = out_dir / outcome.name
            feedback = gradescope.readable(_in_natural_order(outcome.grading), outcome.label)
            (folder / FEEDBACK_FILE).write_text(feedback, encoding="utf-8")
            (folder / IN_FLIGHT_FILE).replace(folder / RESULTS_FILE)
            (folder / HASH_FILE).write_text(digests[outcome.name] + "\n", encoding="utf-8")
            outcomes[outcome.name] = outcome
            if progress:
                progress(outcome)

        for submission in items:
            reused = None if regrade else _reuse(submission, out_dir / submission.name, digests[submission.name])
            if reused is not None:
                outcomes[submission.name] = reused
                if progress:
                    progress(reused)
                continue
            previous[submission.name] = _previous_score(out_dir / submission.name)
            empty = _empty_upload(submission, questions)
            if empty is None:
                todo.append(submission)
                continue
            gradescope.write(empty, out_dir / submission.name / IN_FLIGHT_FILE)
            finished(GradedSubmission(submission.path, submission.name, empty, 0.0, people=submission.people))
        if todo:
            with nullcontext(grader) if grader is not None else Grader(autograder_zip, jobs) as engine:
                engine.grade([(s, out_dir / s.name / IN_FLIGHT_FILE) for s in todo], settings=settings, done=finished)
    except KeyboardInterrupt:
        if grader is not None:  # a Grader of our own was stopped on the way out of its block
            grader.stop()  # before what was in flight is forgotten: its judges write as they end
        pending = [s for s in items if s.name not in outcomes]
        for submission in pending:
            _forget_in_flight(out_dir / submission.name)
        raise Interrupted([outcomes[s.name] for s in items if s.name in outcomes], pending) from None
    return [outcomes[s.name] for s in items]


def _in_natural_order(grading: gradescope.Grading) -> gradescope.Grading:
    """The grading with its questions as the instructor numbered them (as the engine reports
    them; a results file written before it did may hold them in file-name order)."""
    return dataclasses.replace(grading, questions=sorted(grading.questions, key=lambda q: natural_order(q.name)))


def _forget_in_flight(folder: Path) -> None:
    """What an interrupted grading left in ``folder``: nothing anyone should read."""
    for leftover in (folder / IN_FLIGHT_FILE, folder / f".{IN_FLIGHT_FILE}.partial"):
        leftover.unlink(missing_ok=True)
    try:
        folder.rmdir()  # only if it is empty: a first grading that never finished
    except OSError:
        pass


def _previous_score(folder: Path) -> float | None:
    """The score of the last grading that finished in ``folder`` (its zip or its files have
    changed since, or a regrade was asked for), to tell the instructor whose score moved."""
    if not (folder / HASH_FILE).is_file():
        return None
    try:
        return gradescope.read(folder / RESULTS_FILE).score
    except (OSError, ValueError, KeyError, TypeError):
        return None
