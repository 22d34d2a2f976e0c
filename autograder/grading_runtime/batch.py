"""The warm parent: import torch once, then fork one judge per submission, several at a time.

``run_grader.py`` at the zip's root calls :func:`main`. On Gradescope it grades the one
submission in ``/autograder/submission``; locally, ``autograder grade`` (and the test
suite) starts it once and feeds it jobs, one JSON object per line on standard input::

    {"name": "alice", "submission": "/path/to/alice.ipynb", "results": "/out/alice/results.json",
     "settings": {"cell_timeout_seconds": 10}}

It answers one JSON line per finished job on standard output: its name, the seconds it
took, and whether a results file was written. Jobs run ``--jobs`` at a time.

The parent imports everything a grading needs before the first fork, so a judge and its
student processes start warm, in milliseconds. It never reads a test, a number or a
submission itself, and it runs no torch operation (forking after a thread pool has started
is not safe), so nothing of one submission's grading is in the memory the next one forks.
It is single-threaded for the same reason.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import select
import sys
import time
from pathlib import Path

from . import judge, results, settings

POLL_SECONDS = 0.02


def warm_up() -> None:
    """Import, before any fork, what every judge and student process will need.

    Only what every grading uses: a library a notebook may import in a graded cell costs
    that notebook's grading, not every one (matplotlib's pyplot alone takes 0.3 s).
    """
    import IPython.core.interactiveshell  # noqa: F401  the student process's shell
    import numpy  # noqa: F401
    import torch  # noqa: F401

    from . import results

    results._validator()  # results are checked against Gradescope's schema
    for optional in ("landlock", "pyseccomp", "psutil", "ctypes.util"):
        try:
            __import__(optional)
        except ImportError:
            pass


def _job(line: str, source: Path, defaults: settings.RuntimeSettings):
    document = json.loads(line)
    limits = defaults.replace(**document.get("settings", {})) if document.get("settings") else defaults
    return judge.Job(document["name"], Path(document["submission"]), Path(document["results"])), limits


class _Queue:
    """What the parent knows of the jobs: those waiting, those running, unread input. A
    forked judge empties it first thing, so that nothing of another submission stays
    reachable in the memory its student processes are forked from."""

    def __init__(self):
        self.waiting: list[tuple[judge.Job, settings.RuntimeSettings]] = []
        self.running: dict[int, tuple[judge.Job, float]] = {}
        self.unread = b""

    def forget(self) -> None:
        self.waiting.clear()
        self.running.clear()
        self.unread = b""


def _fork_judge(source: Path, job: judge.Job, limits: settings.RuntimeSettings,
                queue: _Queue | None = None) -> int:
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            if queue is not None:
                queue.forget()
                gc.collect()
            judge.grade(source, job, limits)
        except BaseException:  # nothing may escape a forked judge: the parent reports it
            code = 1
        finally:
            sys.stdout.flush()
            os._exit(code)
    return pid


def _report(job: judge.Job, seconds: float, code: int) -> None:
    written = job.results.is_file()
    if not written:
        fallback = results.not_graded(
            "The grader stopped without writing results; your instructor can see why.", {},
            {"grader error": f"the judge ended with status {code} before writing results"})
        fallback.seconds = seconds
        results.write(fallback, job.results)
    print(json.dumps({"name": job.name, "seconds": round(seconds, 3), "written": written}), flush=True)


def run(source: Path, jobs: int, lines, defaults: settings.RuntimeSettings) -> None:
    """Grade every job read from ``lines`` (a file object), ``jobs`` at a time."""
    queue = _Queue()
    reading = True
    stream = lines.fileno()
    while reading or queue.waiting or queue.running:
        while queue.waiting and len(queue.running) < jobs:
            job, limits = queue.waiting.pop(0)
            queue.running[_fork_judge(source, job, limits, queue)] = (job, time.monotonic())
        if reading:
            ready, _, _ = select.select([stream], [], [], POLL_SECONDS)
            if ready:
                chunk = os.read(stream, 65536)
                if not chunk:
                    reading = False
                *complete, queue.unread = (queue.unread + chunk).split(b"\n")
                queue.waiting.extend(_job(line.decode(), source, defaults)
                                     for line in complete if line.strip())
        else:
            time.sleep(POLL_SECONDS)
        while queue.running:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            if pid in queue.running:
                job, started = queue.running.pop(pid)
                _report(job, time.monotonic() - started, os.waitstatus_to_exitcode(status))


def main(argv: list[str], source: Path) -> int:
    parser = argparse.ArgumentParser(prog="run_grader", description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--gradescope", action="store_true",
                        help="grade /autograder/submission into /autograder/results/results.json")
    args = parser.parse_args(argv)
    defaults = settings.load(Path(__file__).resolve().parent)
    warm_up()
    if args.gradescope:
        autograder = source.parent
        for private in (source, autograder / "results"):
            private.mkdir(exist_ok=True)
            private.chmod(0o700)  # the student's user may not read the tests or write results
        job = judge.Job("submission", autograder / "submission", autograder / "results" / "results.json")
        started = time.monotonic()
        pid = _fork_judge(source, job, defaults)
        _, status = os.waitpid(pid, 0)
        _report(job, time.monotonic() - started, os.waitstatus_to_exitcode(status))
    else:
        run(source, max(1, args.jobs), sys.stdin, defaults)
    # Every result is written and reported: leave now. An orderly interpreter shutdown with
    # torch loaded takes a third of a second, and there is nothing left to clean up.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
