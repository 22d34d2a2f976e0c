"""Benchmark: grading N copies of a complete submission, ours against ``otter run``.

    .venv/bin/python benchmarks/grading.py [--copies N] [--jobs J] [NAME ...]

For each built assignment, grades N copies of ``dist/NAME/samples/complete.ipynb`` with
``autograder grade``'s machinery (J at a time), then the same copies one after another
with otter's own ``otter run``. Reports per-submission latency, throughput, and the peak
memory of all grading processes together (the sum of their proportional set sizes,
sampled every 50 ms), for one submission graded alone. Writes the numbers to
``dist/benchmarks/grading.json`` and prints a table. Build first (``make release``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.catalog import discover  # noqa: E402
from autograder.grade import grade_many  # noqa: E402
from autograder.grading_runtime import results  # noqa: E402


@contextmanager
def peak_memory():
    """Yields a dict whose "mb" becomes the peak memory of this process's descendants together.

    Memory is the proportional set size (PSS): each shared page is split between the
    processes that share it, so the sum is what they occupy together, no page counted twice.
    """
    me = psutil.Process()
    peak = {"mb": 0.0}
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            total = 0
            for process in me.children(recursive=True):
                try:
                    total += process.memory_full_info().pss
                except psutil.Error:
                    pass
            peak["mb"] = max(peak["mb"], total / 2**20)
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        stop.set()
        sampler.join()


def ours(zip_path: Path, copies: list[Path], out: Path, jobs: int) -> dict:
    with peak_memory() as alone:
        single = grade_many(zip_path, copies[:1], out / "single", jobs=1)
    started = time.monotonic()
    graded = grade_many(zip_path, copies, out / "batch", jobs=jobs)
    wall = time.monotonic() - started
    assert all(results.status(g.results) == results.GRADED for g in single + graded)
    return {
        "latency_s": statistics.median(g.seconds for g in graded),
        "single_s": single[0].seconds,
        "throughput_per_min": 60 * len(copies) / wall,
        "wall_s": wall,
        "peak_mb_one_submission": alone["mb"],
        "scores": sorted({g.score for g in graded}),
    }


def otter_run(zip_path: Path, copies: list[Path], out: Path) -> dict:
    otter = Path(sys.executable).with_name("otter")
    latencies, peak = [], 0.0
    started = time.monotonic()
    for index, copy in enumerate(copies):
        folder = out / f"otter-{index}"
        folder.mkdir(parents=True)
        begun = time.monotonic()
        with peak_memory() as memory:
            subprocess.run([str(otter), "run", "-a", str(zip_path), "-o", str(folder), "--no-logo", str(copy)],
                           check=True, capture_output=True)
        latencies.append(time.monotonic() - begun)
        peak = max(peak, memory["mb"])
        score = json.loads((folder / "results.json").read_text())
    wall = time.monotonic() - started
    return {
        "latency_s": statistics.median(latencies),
        "throughput_per_min": 60 * len(copies) / wall,
        "wall_s": wall,
        "peak_mb_one_submission": peak,
        "scores": sorted({round(sum(t.get("score", 0) for t in score["tests"]), 3)}),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    assignments = [a for a in discover(ROOT) if not args.names or a.name in args.names]
    report = {"copies": args.copies, "jobs": args.jobs, "cores": os.cpu_count(), "assignments": {}}
    for assignment in assignments:
        sample = assignment.built_samples_dir / "complete.ipynb"
        if not assignment.autograder_zip.is_file() or not sample.is_file():
            print(f"{assignment.name}: not built; run `make release` first", file=sys.stderr)
            return 1
        with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
            scratch = Path(scratch)
            copies = []
            for index in range(args.copies):
                copy = scratch / "in" / f"copy{index}" / sample.name
                copy.parent.mkdir(parents=True)
                shutil.copy(sample, copy)
                copies.append(copy)
            report["assignments"][assignment.name] = {
                "ours": ours(assignment.autograder_zip, copies, scratch / "ours", args.jobs),
                "otter_run": otter_run(assignment.autograder_zip, copies, scratch / "otter"),
            }
    out = ROOT / "dist" / "benchmarks" / "grading.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"{args.copies} copies of each complete sample, {args.jobs} job(s), {os.cpu_count()} cores")
    print("assignment      runner      latency s  throughput/min  peak MB (one)  scores")
    for name, runs in report["assignments"].items():
        for runner, row in runs.items():
            print(f"{name:<15} {runner:<11} {row['latency_s']:>9.1f}  {row['throughput_per_min']:>14.2f}"
                  f"  {row['peak_mb_one_submission']:>13.0f}  {row['scores']}")
    print(f"written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
