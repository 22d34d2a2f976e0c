"""The warm parent: import torch once, then fork one judge per submission, several at a time.

``run_grader.py`` at the zip's root calls :func:`main`. On Gradescope it grades the one
submission in ``/autograder/submission``; locally, ``autograder grade`` (and the test
suite) starts it once and feeds it jobs, one JSON object per line on standard input::

    {"name": "alice", "submission": "/path/to/alice.ipynb", "results": "/out/alice/results.json",
     "settings": {"cell_timeout_seconds": 10}}

It answers one JSON line per finished job on standard output: its name, the seconds it
took, and whether a results file was written. Jobs run ``--jobs`` at a time.
``--check-isolation`` instead prints, as one JSON line, the sandbox a grading here would
run student code under, and exits.

The parent imports everything a grading needs before the first fork, so a judge and its
student processes start warm, in milliseconds. Before it reads any job it forks a *judge
factory*, and every judge is forked from that factory, never from the parent: each judge
reads its own job from a socket the parent writes to, so no judge, nor any student process
forked from one, holds another submission's name, path or results. The parent never reads
a test, a number or a submission itself, and no process runs a torch operation before
forking (forking after a thread pool has started is not safe).

Before the first job, the parent also takes a digest of the zip's tests, checks and
reference (:func:`judge.source_digest`); each judge compares it with what it reads, so a
change made to those files during the batch can only stop gradings, never alter them.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import shutil
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

from . import judge, results, sandbox, settings, wording

POLL_SECONDS = 0.02
# Imported before any fork where present: the sandbox's layers. A broken one (libseccomp
# missing, a kernel without Landlock) only leaves its layer out, said in the isolation record.
OPTIONAL_MODULES = ("landlock", "pyseccomp", "psutil", "ctypes.util")


def warm_up() -> None:
    """Import, before any fork, what every judge and student process will need.

    Only what every grading uses: a library a notebook may import in a graded cell costs
    that notebook's grading, not every one (matplotlib's pyplot alone takes 0.3 s).
    """
    import IPython.core.interactiveshell  # noqa: F401  the student process's shell
    import numpy  # noqa: F401
    import numpy.random  # noqa: F401  the reference draws each submission's hidden cases with it
    import torch  # noqa: F401

    from . import results, stand_ins  # noqa: F401  stand-ins: lent to student processes, never read from disk

    results._validator()  # results are checked against Gradescope's schema
    for optional in OPTIONAL_MODULES:
        try:
            __import__(optional)
        except Exception:  # noqa: BLE001 - any failure to import is a missing layer, no more
            pass


def _job(document: dict, source: Path, defaults: settings.RuntimeSettings):
    limits = defaults.replace(**document["settings"]) if document.get("settings") else defaults
    return judge.Job(document["name"], Path(document["submission"]), Path(document["results"])), limits


class JudgeFactory:
    """A fork of the warm parent, made before any job is read, that forks a judge on request.

    :meth:`start` returns the new judge's pid and a socket: the parent writes the judge's job
    there, as one JSON line, and the judge alone reads it.
    """

    def __init__(self, source: Path, defaults: settings.RuntimeSettings, digest: str):
        self._control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.pid = os.fork()
        if self.pid == 0:
            try:
                self._control.close()
                _factory_loop(theirs, source, defaults, digest)
            finally:
                os._exit(0)
        theirs.close()

    def start(self) -> tuple[int, socket.socket]:
        self._control.sendall(b"judge\n")
        message, fds, _, _ = socket.recv_fds(self._control, 1024, 1)
        if len(fds) != 1:
            raise RuntimeError("the judge factory could not start a judge")
        return json.loads(message)["pid"], socket.socket(fileno=fds[0])

    def close(self) -> None:
        self._control.close()
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def _factory_loop(control: socket.socket, source: Path, defaults: settings.RuntimeSettings,
                  digest: str) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # judges are reaped by the kernel
    sandbox.become_subreaper()  # what a judge leaves behind lands here, not on init
    reader = control.makefile("rb")
    while reader.readline() == b"judge\n":
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                control.close()
                ours.close()
                line = theirs.makefile("rb").readline()
                theirs.close()
                job, limits = _job(json.loads(line), source, defaults)
                judge.grade(source, job, limits, digest)
            except BaseException:  # nothing may escape a forked judge: the parent reports it
                code = 1
            finally:
                sys.stdout.flush()
                os._exit(code)
        theirs.close()
        socket.send_fds(control, [json.dumps({"pid": pid}).encode()], [ours.fileno()])
        ours.close()


def _report(job: judge.Job, seconds: float, how: str) -> None:
    written = job.results.is_file()
    if not written:
        fallback = results.not_graded(wording.NO_RESULTS, {},
                                      results.StaffRecord(grader_error=f"the judge {how} before writing results"))
        fallback.seconds = seconds
        results.write(fallback, job.results)
    print(json.dumps({"name": job.name, "seconds": round(seconds, 3), "written": written}), flush=True)


class _Running:
    """One judge at work, as the parent watches it: readable once the process has ended."""

    def __init__(self, pid: int, job: judge.Job):
        self.pid, self.job, self.started = pid, job, time.monotonic()
        self.ended = os.pidfd_open(pid)

    def close(self) -> None:
        os.close(self.ended)


def run(source: Path, jobs: int, lines, defaults: settings.RuntimeSettings, digest: str) -> None:
    """Grade every job read from ``lines`` (a file object), ``jobs`` at a time."""
    factory = JudgeFactory(source, defaults, digest)
    waiting: list[dict] = []
    running: dict[int, _Running] = {}  # by the fd that says it ended
    unread = b""
    reading = True
    stream = lines.fileno()
    try:
        while reading or waiting or running:
            while waiting and len(running) < jobs:
                document = waiting.pop(0)
                pid, channel = factory.start()
                with channel:
                    channel.sendall(json.dumps(document).encode() + b"\n")
                watched = _Running(pid, _job(document, source, defaults)[0])
                running[watched.ended] = watched
            ready, _, _ = select.select(([stream] if reading else []) + list(running), [], [],
                                        None if running or reading else POLL_SECONDS)
            if stream in ready:
                chunk = os.read(stream, 65536)
                if not chunk:
                    reading = False
                *complete, unread = (unread + chunk).split(b"\n")
                waiting.extend(json.loads(line) for line in complete if line.strip())
            for fd in [fd for fd in ready if fd in running]:
                watched = running.pop(fd)
                watched.close()
                _report(watched.job, time.monotonic() - watched.started, "ended")
    finally:
        factory.close()


def check_isolation(defaults: settings.RuntimeSettings) -> sandbox.Isolation:
    """The sandbox a grading here gives student code: a student process set up as a grading
    sets it up (its own slot, control group, zygote space), asked for its record, then ended."""
    with tempfile.TemporaryDirectory(prefix="autograder-check-") as work:
        staging = Path(work) / "staging"
        staging.mkdir()
        slot = sandbox.Slot()
        plan = judge.student_plan(staging, slot.uid, defaults, "autograder-check")
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            try:
                ours.close()
                space = sandbox.prepare_space(plan)
                record = sandbox.enter(plan, space, theirs, os.open(os.devnull, os.O_WRONLY))
                theirs.sendall(json.dumps(record.as_dict()).encode() + b"\n")
            finally:
                os._exit(0)
        theirs.close()
        try:
            line = ours.makefile("rb").readline()
        finally:
            ours.close()
            os.waitpid(pid, 0)
            if slot.uid is not None:
                sandbox.kill_user(slot.uid)
            if plan.group is not None:
                plan.group.remove()
            slot.release()
            shutil.rmtree(plan.scratch, ignore_errors=True)
        return sandbox.Isolation.from_dict(json.loads(line))


def main(argv: list[str], source: Path) -> int:
    parser = argparse.ArgumentParser(prog="run_grader", description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--gradescope", action="store_true",
                        help="grade /autograder/submission into /autograder/results/results.json")
    parser.add_argument("--check-isolation", action="store_true",
                        help="print the sandbox student code would run under here, as JSON, and exit")
    parser.add_argument("--trust-submissions", action="store_true",
                        help="grade even where the sandbox cannot keep student code from the tests")
    args = parser.parse_args(argv)
    defaults = settings.load(Path(__file__).resolve().parent)
    if args.trust_submissions:
        defaults = defaults.replace(trust_submissions=True)
    warm_up()
    if args.check_isolation:
        print(json.dumps(check_isolation(defaults).as_dict()), flush=True)
    elif args.gradescope:
        autograder = source.parent
        for private in (source, autograder / "results"):
            private.mkdir(exist_ok=True)
            private.chmod(0o700)  # the student's user may not read the tests or write results
        job = {"name": "submission", "submission": str(autograder / "submission"),
               "results": str(autograder / "results" / "results.json")}
        run(source, 1, _Lines([json.dumps(job)]), defaults, judge.source_digest(source))
    else:  # first the sandbox it gives student code, then a line per job as each ends
        print(json.dumps({"isolation": check_isolation(defaults).as_dict()}), flush=True)
        run(source, max(1, args.jobs), sys.stdin, defaults, judge.source_digest(source))
    # Every result is written and reported: leave now. An orderly interpreter shutdown with
    # torch loaded takes a third of a second, and there is nothing left to clean up.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


class _Lines:
    """Jobs given in advance, read as the batch reads standard input."""

    def __init__(self, lines: list[str]):
        self._read, write = os.pipe()
        os.write(write, "".join(line + "\n" for line in lines).encode())
        os.close(write)

    def fileno(self) -> int:
        return self._read
