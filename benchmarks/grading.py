"""Benchmark the grading engine against the floor of Python + torch and against ``otter run``.

    .venv/bin/python benchmarks/grading.py [--assignments NAME ...] [--copies 40] [--repeats 5]
                                           [--otter-copies 6] [--jobs CORES] [--quick] [--root DIR]

Everything is measured from the outside, on whole processes, the way an instructor (or
Gradescope) experiences it: the ``autograder grade`` command line (``.venv/bin/autograder``)
and otter's own ``otter run``, each started as a fresh process. The benchmark never imports
torch itself, so its own process stays out of every number.

What is measured, on the same machine in the same run:

1. **Floor**: the wall time of ``python -c "import torch, numpy"`` with the project's Python
   (median of ``--repeats``). A grader that starts a fresh Python and imports torch cannot
   finish faster, so this is the yardstick for latency. It is timed for each assignment,
   alternating with the runs of 2., so that other work on the machine (the load average is
   recorded) weighs on both sides of the ratio alike.

2. **One submission alone**: the wall time of the whole ``autograder grade --regrade``
   process grading ``dist/A/samples/complete.ipynb`` (median of ``--repeats``), and its ratio
   to the floor. Target: at most 2x the floor, that is, everything but the torch import costs
   less than a second torch import. To show where the time goes, one more run is sampled
   (see 4.) and split into phases by which processes are alive: the command line alone, the
   engine parent warming up (its imports), the judge and its student processes, and the end
   (the engine parent exits; then the command line writes grades.csv and the report's plots).

3. **Batch**: ``--copies`` submissions (copies of ``complete`` and ``partly_wrong``,
   alternating, each under its own file name) graded by one ``autograder grade --jobs
   CORES`` call: wall time, and throughput in submissions per minute. The baseline is
   otter's runner as the old engine used it: one ``otter run`` process per submission, one
   after another. ``otter run`` spends seconds per submission (a Jupyter kernel each), so it
   is timed on the first ``--otter-copies`` of the same submissions and its throughput is
   extrapolated to the whole batch; the output says so. Target: our throughput at least 10x
   otter's.

   ``otter run`` needs an otter-compatible zip. Ours keeps otter's ``tests/`` and
   ``otter_config.json``, but the tests import ``autograder.checks``, which otter's kernel
   can import only from the zip's ``files/`` (otter copies ``files/`` next to the notebook).
   The baseline zip is therefore ours plus every entry under ``autograder/`` and
   ``reference/`` again under ``files/``. The first ``otter run``, on the complete sample, must
   score full marks; if it does not, a warning is printed and otter is timed anyway.

4. **Peak memory of one grading**: while ``autograder grade`` grades the complete sample
   alone, a thread sums the proportional set size (PSS, psutil's
   ``memory_full_info().pss``) of the command-line process and all its descendants (engine
   parent, judge, zygote, student processes) every ~20 ms and keeps the largest sum. PSS
   splits each shared page between the processes sharing it, so the sum counts once what the
   judge and students share with the parent they were forked from. Target: at most 400 MB.
   The same is measured for one ``otter run`` (its process and its Jupyter kernel). A peak
   shorter than the interval can be missed; the number of samples is recorded with it.

Scores are checked on the way: every complete copy must score full marks, all copies of a
sample the same score, and otter the same totals as our engine; a disagreement is printed as
a warning and recorded. So is a zip older than the sources it is built from (its engine is
then not the current one): the benchmark measures ``dist/`` as it is and builds only what
is missing.

The numbers go to ``dist/benchmarks/grading.json``; a table per assignment and the three
targets with PASS/FAIL go to standard output, and the exit status is 1 if a target fails.
The default run takes about five minutes on two cores (more under load), ``--quick`` (batch
of 10, 3 repeats, otter on 3) two to three. ``--root`` benchmarks the ``dist/`` of another
copy of the project (a scratch copy built with ``autograder --root DIR build``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import psutil

CHECKOUT = Path(__file__).resolve().parents[1]  # the toolkit's sources (installed editable)
PYTHON = Path(sys.executable)
AUTOGRADER = PYTHON.with_name("autograder")
OTTER = PYTHON.with_name("otter")
FLOOR_COMMAND = [PYTHON, "-c", "import torch, numpy"]

SAMPLES = ("complete", "partly_wrong")  # alternated in the batch
SAMPLE_INTERVAL_S = 0.02
BASELINE_DIRS = ("autograder/", "reference/")  # added again under files/ for otter's kernel

TARGET_LATENCY = 2.0      # one submission alone: at most this many times the floor
TARGET_SPEEDUP = 10.0     # batch throughput: at least this many times otter run's
TARGET_MEMORY_MB = 400.0  # one grading: peak PSS of all its processes together

# Process levels below the measured command (see PeakMemory), named for each runner.
LEVELS = {"ours": ("command line", "engine parent", "judge + students"),
          "otter": ("otter run", "Jupyter kernel", "below")}


class BenchmarkError(Exception):
    """A measured command failed; the message names it and shows the end of its output."""


@dataclass
class Notes:
    """Warnings, printed as they come and kept for the JSON file."""

    items: list[str] = field(default_factory=list)

    def warn(self, text: str) -> None:
        self.items.append(text)
        print(f"  WARNING: {text}", flush=True)


# --- running and measuring processes -------------------------------------------------------


class PeakMemory:
    """Samples the summed PSS of a process and all its descendants until stopped.

    The tree is listed afresh at every sample, so processes that start and end during the
    grading (judges, student processes, a Jupyter kernel) are counted while they live. Each
    process is filed under its level below the measured one (0: the command itself, 1: its
    children, 2: everything further down), which yields how the peak splits between the
    levels and when each level was first and last seen alive, to within the interval.
    """

    def __init__(self, pid: int, interval: float = SAMPLE_INTERVAL_S):
        self._root = psutil.Process(pid)
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._started = time.perf_counter()
        self.peak_bytes = 0
        self.peak_by_level: dict[int, int] = {}
        self.samples = 0
        self.most_processes = 0
        self.alive: dict[int, list[float]] = {}  # level: [first, last] seconds since the start

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _tree(self) -> list[tuple[psutil.Process, int]]:
        """The root and its descendants, each with its level (0, 1, or 2 for deeper)."""
        try:
            descendants = self._root.children(recursive=True)
        except psutil.Error:  # the root has just ended
            return []
        parents = {}
        for process in descendants:
            try:
                parents[process.pid] = process.ppid()
            except psutil.Error:
                pass

        def level(pid: int) -> int:
            steps = 0
            while pid != self._root.pid and pid in parents and steps < 2:
                pid, steps = parents[pid], steps + 1
            return steps if pid == self._root.pid else 2

        return [(self._root, 0), *((process, level(process.pid)) for process in descendants)]

    def _sample(self) -> None:
        while not self._stop.is_set():
            now = time.perf_counter() - self._started
            by_level: dict[int, int] = {}
            counted = 0
            for process, level in self._tree():
                try:
                    pss = process.memory_full_info().pss
                except psutil.Error:  # ended between listing and reading, or a zombie
                    continue
                by_level[level] = by_level.get(level, 0) + pss
                self.alive.setdefault(level, [now, now])[1] = now
                counted += 1
            self.most_processes = max(self.most_processes, counted)
            if by_level:
                self.samples += 1
                total = sum(by_level.values())
                if total > self.peak_bytes:
                    self.peak_bytes, self.peak_by_level = total, by_level
            self._stop.wait(self._interval)


@dataclass
class Run:
    """One finished process: its wall time and, if it was sampled, its memory."""

    seconds: float
    memory: PeakMemory | None = None


def run(command: list, *, measure_memory: bool = False, cwd: Path | None = None) -> Run:
    """Run ``command`` to completion and time it; raise BenchmarkError if it fails."""
    started = time.perf_counter()
    process = subprocess.Popen([str(part) for part in command], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, cwd=cwd)
    memory = PeakMemory(process.pid) if measure_memory else None
    if memory is None:
        output, _ = process.communicate()
    else:
        with memory:
            output, _ = process.communicate()
    result = Run(time.perf_counter() - started, memory)
    if process.returncode != 0:
        tail = output.decode(errors="replace")[-2000:]
        raise BenchmarkError(f"`{' '.join(map(str, command))}` exited with {process.returncode}:\n{tail}")
    return result


def memory_summary(sampled: Run, runner: str) -> dict:
    """The sampled run's peak, how it splits between process levels, and when each was alive."""
    memory = sampled.memory
    names = LEVELS[runner]
    return {"peak_mb": memory.peak_bytes / 2**20, "samples": memory.samples, "seconds": sampled.seconds,
            "most_processes_at_once": memory.most_processes,
            "peak_mb_by_level": {names[level]: pss / 2**20
                                 for level, pss in sorted(memory.peak_by_level.items())},
            "alive_seconds_by_level": {names[level]: span for level, span in sorted(memory.alive.items())}}


def phases(summary: dict) -> dict[str, float] | None:
    """Where one grading's time goes, from when each level of our processes was alive."""
    alive = summary["alive_seconds_by_level"]
    engine, judging = alive.get(LEVELS["ours"][1]), alive.get(LEVELS["ours"][2])
    if engine is None or judging is None:
        return None
    return {"command line starts": engine[0],
            "engine warms up": judging[0] - engine[0],
            "judge + students": judging[1] - judging[0],
            "engine exits": engine[1] - judging[1],
            "report written": summary["seconds"] - engine[1]}


# --- our engine and otter's runner ---------------------------------------------------------


def grade_command(root: Path, name: str, out: Path, submissions: list[Path],
                  jobs: int | None = None) -> list:
    command = [AUTOGRADER, "--root", root, "grade", "--assignment", name, "--out", out, "--regrade"]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    return command + submissions


def otter_command(baseline: Path, out: Path, submission: Path) -> list:
    out.mkdir(parents=True, exist_ok=True)
    return [OTTER, "run", "-a", baseline, "-o", out, "--no-logo", submission]


def read_grades(out: Path) -> dict[str, dict]:
    """The ``grades.csv`` of a grading: each submission's status, total, max and message."""
    with (out / "grades.csv").open(newline="", encoding="utf-8") as file:
        return {row["submission"]: {"status": row["status"], "total": float(row["total"] or 0),
                                    "max": float(row["max"] or 0), "message": row.get("message", "")}
                for row in csv.DictReader(file)}


def judge_seconds(results_json: Path) -> float | None:
    """The engine's own time for one submission, as recorded in its ``results.json``."""
    try:
        document = json.loads(results_json.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    seconds = document.get("extra_data", {}).get("grading", {}).get("seconds")
    return seconds if seconds is not None else document.get("execution_time")


def otter_total(results_json: Path) -> tuple[float, float]:
    """Score and maximum of an ``otter run`` results file (its summary test has neither)."""
    tests = json.loads(results_json.read_text(encoding="utf-8"))["tests"]
    return sum(t.get("score") or 0 for t in tests), sum(t.get("max_score") or 0 for t in tests)


def ensure_built(root: Path, name: str) -> Path:
    """``dist/NAME``, built first if its zip or a sample is missing."""
    dist = root / "dist" / name
    needed = [dist / "autograder.zip", *(dist / "samples" / f"{sample}.ipynb" for sample in SAMPLES)]
    if not all(path.is_file() for path in needed):
        print(f"{name}: not built; running `autograder build {name}`", flush=True)
        run([AUTOGRADER, "--root", root, "build", name], cwd=root)
    return dist


def stale_entries(root: Path, autograder_zip: Path) -> list[str]:
    """Entries of the zip that differ from the sources they were copied from.

    A build copies ``autograder/`` (engine and checks) from the toolkit and ``reference/``
    from the project byte for byte, so a difference means the zip predates the sources and
    the benchmark would measure an older engine.
    """
    sources = {"autograder/": CHECKOUT, "reference/": root}
    stale = []
    with zipfile.ZipFile(autograder_zip) as archive:
        for entry in archive.namelist():
            base = next((folder for prefix, folder in sources.items() if entry.startswith(prefix)), None)
            source = base / entry if base else None
            if source is not None and source.is_file() and source.read_bytes() != archive.read(entry):
                stale.append(entry)
    return stale


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_batch(dist: Path, folder: Path, copies: int) -> list[tuple[Path, str]]:
    """``copies`` notebooks alternating the samples, each under its own name, with its sample."""
    folder.mkdir(parents=True)
    batch = []
    for index in range(copies):
        sample = SAMPLES[index % len(SAMPLES)]
        copy = folder / f"s{index:03d}-{sample}.ipynb"
        shutil.copyfile(dist / "samples" / f"{sample}.ipynb", copy)
        batch.append((copy, sample))
    return batch


def make_baseline_zip(ours: Path, baseline: Path) -> None:
    """Our zip, with ``autograder/`` and ``reference/`` also under ``files/`` for otter."""
    with zipfile.ZipFile(ours) as source, zipfile.ZipFile(baseline, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in source.infolist():
            data = source.read(entry)
            out.writestr(entry, data)
            if entry.filename.startswith(BASELINE_DIRS) and not entry.is_dir():
                out.writestr(f"files/{entry.filename}", data)


def check_batch(name: str, grades: dict[str, dict], batch: list[tuple[Path, str]],
                notes: Notes) -> dict[str, float]:
    """Check the batch's scores; returns the score of each sample."""
    scores: dict[str, set[float]] = {sample: set() for sample in SAMPLES}
    for path, sample in batch:
        row = grades.get(path.stem)
        if row is None or row["status"] != "graded":
            notes.warn(f"{name}: {path.name} was not graded: "
                       f"{row['message'] if row else 'it is missing from grades.csv'}")
            continue
        scores[sample].add(row["total"])
        if sample == "complete" and row["total"] != row["max"]:
            notes.warn(f"{name}: {path.name} scored {row['total']:g}/{row['max']:g}, not full marks")
    for sample, found in scores.items():
        if len(found) > 1:
            notes.warn(f"{name}: copies of {sample} scored differently: {sorted(found)}")
    return {sample: min(found) for sample, found in scores.items() if found}


# --- the benchmark of one assignment -------------------------------------------------------


def benchmark(name: str, args: argparse.Namespace, scratch: Path, notes: Notes) -> dict:
    dist = ensure_built(args.root, name)
    complete = dist / "samples" / "complete.ipynb"
    batch = make_batch(dist, scratch / "batch", args.copies)
    zip_digest = digest(dist / "autograder.zip")
    result: dict = {"stale_zip_entries": stale_entries(args.root, dist / "autograder.zip")}
    if result["stale_zip_entries"]:
        notes.warn(f"{name}: dist/{name}/autograder.zip is older than its sources "
                   f"({', '.join(result['stale_zip_entries'])}); rebuild to measure the current engine")

    # One submission alone. The sampled run comes first: it also warms the caches.
    print(f"{name}: one submission (sampled, then {args.repeats} timed)", flush=True)
    sampled = run(grade_command(args.root, name, scratch / "sampled", [complete]), measure_memory=True)
    alone = read_grades(scratch / "sampled").get("complete", {})
    if alone.get("status") != "graded" or alone.get("total") != alone.get("max"):
        notes.warn(f"{name}: the complete sample did not score full marks: {alone}")
    ours_memory = memory_summary(sampled, "ours")
    floor_times, times = [], []
    for index in range(args.repeats):  # interleaved, so both see the same machine
        floor_times.append(run(FLOOR_COMMAND).seconds)
        times.append(run(grade_command(args.root, name, scratch / f"alone{index}", [complete])).seconds)
    floor_s = statistics.median(floor_times)
    result["floor"] = {"seconds": floor_s, "all_seconds": floor_times}
    result["single"] = {"seconds": statistics.median(times), "all_seconds": times,
                        "ratio_to_floor": statistics.median(times) / floor_s,
                        "judge_seconds": judge_seconds(scratch / "alone0" / "complete" / "results.json"),
                        "phases_of_sampled_run": phases(ours_memory)}

    # The batch, in one call.
    print(f"{name}: batch of {args.copies}, --jobs {args.jobs}", flush=True)
    wall = run(grade_command(args.root, name, scratch / "batch-out", [p for p, _ in batch],
                             jobs=args.jobs)).seconds
    grades = read_grades(scratch / "batch-out")
    judges = [s for s in (judge_seconds(scratch / "batch-out" / p.stem / "results.json") for p, _ in batch)
              if s is not None]
    result["batch"] = {"copies": args.copies, "jobs": args.jobs, "seconds": wall,
                       "per_minute": 60 * args.copies / wall,
                       "judge_seconds_median": statistics.median(judges) if judges else None,
                       "judge_seconds_sum": sum(judges),
                       "scores": check_batch(name, grades, batch, notes),
                       "max": max((row["max"] for row in grades.values()), default=None)}

    # otter run: checked (and sampled) once on the complete sample, then timed one at a time.
    baseline = scratch / "baseline.zip"
    make_baseline_zip(dist / "autograder.zip", baseline)
    print(f"{name}: otter run (checked and sampled, then {args.otter_copies} timed)", flush=True)
    otter_sampled = run(otter_command(baseline, scratch / "otter-check", complete), measure_memory=True)
    score, most = otter_total(scratch / "otter-check" / "results.json")
    if score != most or most == 0:
        notes.warn(f"{name}: otter run scored the complete sample {score:g}/{most:g}, not full marks; "
                   "timing it anyway")
    timed = batch[:args.otter_copies]
    otter_times = []
    started = time.perf_counter()
    for path, _ in timed:
        otter_times.append(run(otter_command(baseline, scratch / "otter" / path.stem, path)).seconds)
    otter_wall = time.perf_counter() - started
    for path, _ in timed:
        theirs = otter_total(scratch / "otter" / path.stem / "results.json")[0]
        ours = grades.get(path.stem, {}).get("total")
        if ours is None or abs(ours - theirs) > 1e-9:
            notes.warn(f"{name}: {path.name} scored {ours} with our engine but {theirs:g} with otter run")
    otter_per_minute = 60 * len(timed) / otter_wall
    complete_times = [t for t, (_, sample) in zip(otter_times, timed) if sample == "complete"]
    result["otter"] = {"check_score": [score, most], "timed_copies": len(timed),
                       "single_seconds": statistics.median(complete_times),
                       "seconds_each": otter_times, "seconds_timed": otter_wall,
                       "per_minute": otter_per_minute,
                       "extrapolated_batch_seconds": 60 * args.copies / otter_per_minute}
    result["speedup"] = result["batch"]["per_minute"] / otter_per_minute
    result["memory"] = {"ours": ours_memory, "otter": memory_summary(otter_sampled, "otter")}
    result["zip_changed_during_run"] = digest(dist / "autograder.zip") != zip_digest
    if result["zip_changed_during_run"]:
        notes.warn(f"{name}: dist/{name}/autograder.zip changed while it was measured (a build "
                   "running at the same time?); its numbers mix two builds")
    return result


# --- reporting -----------------------------------------------------------------------------


def print_assignment(name: str, r: dict) -> None:
    single, batch, otter = r["single"], r["batch"], r["otter"]
    ours_memory, otter_memory = r["memory"]["ours"], r["memory"]["otter"]
    scores = ", ".join(f"{sample} {score:g}" for sample, score in batch["scores"].items())
    print(f"\n{name}  (out of {batch['max']:g}: {scores})")
    print(f"  {'':32} {'ours':>9} {'otter run':>10}")
    print(f"  {'one submission alone, wall s':32} {single['seconds']:>9.2f} {otter['single_seconds']:>10.2f}"
          f"   {single['ratio_to_floor']:.2f}x the floor ({r['floor']['seconds']:.2f} s)")
    batch_label = f"batch of {batch['copies']}, wall s"
    print(f"  {batch_label:32} {batch['seconds']:>9.1f} "
          f"{otter['extrapolated_batch_seconds']:>9.0f}*")
    print(f"  {'throughput, submissions/min':32} {batch['per_minute']:>9.1f} {otter['per_minute']:>9.2f}*"
          f"   {r['speedup']:.1f}x otter run")
    print(f"  {'peak PSS of one grading, MB':32} {ours_memory['peak_mb']:>9.0f} "
          f"{otter_memory['peak_mb']:>10.0f}   ({ours_memory['samples']} and {otter_memory['samples']} samples)")
    print(f"  * otter run timed on {otter['timed_copies']} submissions one after another "
          f"({otter['seconds_timed']:.0f} s), extrapolated to {batch['copies']}")
    if single["phases_of_sampled_run"]:
        spent = ", ".join(f"{phase} {s:.2f}" for phase, s in single["phases_of_sampled_run"].items())
        judge = f"; judge's own time {single['judge_seconds']:.2f} s" if single["judge_seconds"] else ""
        print(f"  time of the sampled run ({ours_memory['seconds']:.2f} s): {spent}{judge}")
    split = ", ".join(f"{level} {mb:.0f}" for level, mb in ours_memory["peak_mb_by_level"].items())
    print(f"  memory at the peak, MB: {split}")
    if batch["judge_seconds_median"] is not None:
        print(f"  batch: judge's own time {batch['judge_seconds_median']:.2f} s median, "
              f"{batch['judge_seconds_sum']:.1f} s in all over {batch['jobs']} jobs")


def summarize(report: dict) -> dict:
    """The three targets, each judged on the worst assignment; any failed assignment fails all."""
    done = {name: r for name, r in report["assignments"].items() if "error" not in r}
    failed = sorted(set(report["assignments"]) - set(done))
    measures = {
        "latency": (f"one submission <= {TARGET_LATENCY:g}x the floor", "x the floor",
                    lambda r: r["single"]["ratio_to_floor"], lambda v: v <= TARGET_LATENCY, max),
        "throughput": (f"batch throughput >= {TARGET_SPEEDUP:g}x otter run", "x otter run",
                       lambda r: r["speedup"], lambda v: v >= TARGET_SPEEDUP, min),
        "memory": (f"peak PSS of one grading <= {TARGET_MEMORY_MB:g} MB", " MB",
                   lambda r: r["memory"]["ours"]["peak_mb"], lambda v: v <= TARGET_MEMORY_MB, max),
    }
    targets = {}
    if done:
        for key, (target, unit, value, meets, worst_of) in measures.items():
            worst = worst_of(done, key=lambda name: value(done[name]))
            targets[key] = {"target": target, "unit": unit, "worst": worst, "value": value(done[worst]),
                            "passed": meets(value(done[worst])) and not failed}
    return {"targets": targets, "failed_assignments": failed,
            "passed": bool(targets) and all(t["passed"] for t in targets.values())}


def print_summary(report: dict, notes: Notes) -> None:
    summary, floor = report["summary"], report["floor"]
    print("\nsummary (each target on the worst assignment)")
    if floor["seconds"] is not None:
        print(f"  floor `python -c 'import torch, numpy'`: {floor['seconds']:.2f} s, median of "
              f"{len(floor['all_seconds'])} runs; load average {report['load_average_at_start'][0]:.1f} "
              f"at the start, {report['load_average_at_end'][0]:.1f} at the end")
    for target in summary["targets"].values():
        print(f"  {'PASS' if target['passed'] else 'FAIL'}  {target['target']:<40} "
              f"{target['value']:.2f}{target['unit']} ({target['worst']})")
    for name in summary["failed_assignments"]:
        print(f"  FAIL  {name}: could not be benchmarked (see the error above)")
    for warning in notes.items:
        print(f"  warning: {warning}")


# --- main ----------------------------------------------------------------------------------


def default_assignments(root: Path) -> list[str]:
    """Every folder under ``assignments/`` that holds its master notebook, as ``build`` sees them."""
    return sorted(p.name for p in (root / "assignments").iterdir()
                  if p.is_dir() and (p / f"{p.name}.ipynb").is_file())


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--assignments", nargs="+", metavar="NAME",
                        help="assignments to benchmark (default: all)")
    parser.add_argument("--copies", type=int, help="batch size (default 40; 10 with --quick)")
    parser.add_argument("--repeats", type=int,
                        help="timed runs of the floor and of one submission (default 5; 3 with --quick)")
    parser.add_argument("--otter-copies", type=int,
                        help="batch submissions timed with otter run (default 6; 3 with --quick)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="--jobs of the batch grading (default: the core count, %(default)s)")
    parser.add_argument("--quick", action="store_true",
                        help="a fast check: --copies 10 --repeats 3 --otter-copies 3 (explicit options win)")
    parser.add_argument("--root", type=Path, default=CHECKOUT,
                        help="the project whose dist/ is benchmarked (default: this checkout)")
    args = parser.parse_args(argv)
    for option, default, quick in (("copies", 40, 10), ("repeats", 5, 3), ("otter_copies", 6, 3)):
        if getattr(args, option) is None:
            setattr(args, option, quick if args.quick else default)
    if min(args.copies, args.repeats, args.otter_copies, args.jobs) < 1:
        parser.error("--copies, --repeats, --otter-copies and --jobs must be at least 1")
    args.otter_copies = min(args.otter_copies, args.copies)
    args.root = args.root.resolve()
    args.assignments = args.assignments or default_assignments(args.root)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    began = time.perf_counter()
    notes = Notes()
    print(f"{', '.join(args.assignments)}: batch of {args.copies} with --jobs {args.jobs}, "
          f"{args.repeats} repeats, otter run on {args.otter_copies}; {os.cpu_count()} cores", flush=True)

    load = os.getloadavg()
    if load[0] > 0.5:
        notes.warn(f"the load average is already {load[0]:.1f} before the benchmark starts: other work "
                   "on this machine slows down what is measured")
    run(FLOOR_COMMAND)  # warms the caches

    report = {
        "machine": {"cores": os.cpu_count(), "platform": platform.platform(),
                    "python": sys.version.split()[0], "executable": str(PYTHON),
                    "memory_mb": psutil.virtual_memory().total // 2**20},
        "parameters": {"root": str(args.root), "copies": args.copies, "repeats": args.repeats,
                       "jobs": args.jobs, "otter_copies": args.otter_copies, "quick": args.quick,
                       "sample_interval_s": SAMPLE_INTERVAL_S},
        "load_average_at_start": load,
        "assignments": {},
    }
    for name in args.assignments:
        with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as scratch:
            try:
                report["assignments"][name] = benchmark(name, args, Path(scratch), notes)
            except (BenchmarkError, OSError, ValueError, KeyError, zipfile.BadZipFile, csv.Error) as error:
                print(f"{name}: ERROR {error}", file=sys.stderr, flush=True)
                report["assignments"][name] = {"error": str(error)}

    for name, result in report["assignments"].items():
        if "error" not in result:
            print_assignment(name, result)
    floors = [t for r in report["assignments"].values() if "floor" in r for t in r["floor"]["all_seconds"]]
    report["floor"] = {"seconds": statistics.median(floors) if floors else None, "all_seconds": floors}
    report["load_average_at_end"] = os.getloadavg()
    report["summary"] = summarize(report)
    report["warnings"] = notes.items
    report["benchmark_seconds"] = time.perf_counter() - began
    print_summary(report, notes)

    output = args.root / "dist" / "benchmarks" / "grading.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {output} ({report['benchmark_seconds']:.0f} s in all)")
    return 0 if report["summary"]["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
