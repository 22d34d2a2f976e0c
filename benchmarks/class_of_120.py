"""Time the grading of a whole class, as an instructor runs it: Gradescope's export zip in,
grades.csv and the report out.

    .venv/bin/python benchmarks/class_of_120.py [--assignment mlp_intro] [--students 120]
                                                [--jobs CORES] [--root DIR] [--keep DIR]

It builds a synthetic export in a scratch folder, laid out as Gradescope's "Export
Submissions" zip is (a top folder, ``submission_<id>/`` folders, ``submission_metadata.yml``):
the built samples in turn (complete, partly wrong, blank), every fortieth submission a group
of two, and two broken uploads (a text file, an empty notebook). Then it times one fresh
``autograder grade --regrade EXPORT.zip`` process from start to exit (unpacking, grading,
grades.csv, report.md and report.html with their plots), checks that grades.csv has one row
per student with names, and prints the time. Like ``grading.py`` it measures ``dist/`` as it
is, building only what is missing, and never imports torch itself.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]
AUTOGRADER = Path(sys.executable).with_name("autograder")
SAMPLES = ("complete", "partly_wrong", "blank")
GROUP_EVERY = 40
TOP = "assignment_120_export"


def make_export(dist: Path, assignment: str, students: int, archive: Path) -> int:
    """The export zip; returns how many students it names."""
    metadata, people = ["---"], 0
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for index in range(students):
            folder = f"{TOP}/submission_{300000000 + index}"
            if index == students - 1:
                out.writestr(f"{folder}/{assignment}.ipynb", b"")
            elif index == students - 2:
                out.writestr(f"{folder}/answers.txt", "I could not get Jupyter to start.")
            else:
                out.write(dist / "samples" / f"{SAMPLES[index % len(SAMPLES)]}.ipynb", f"{folder}/{assignment}.ipynb")
            members = [index] + ([students + index] if index % GROUP_EVERY == GROUP_EVERY - 1 else [])
            metadata += [f"submission_{300000000 + index}:", "  :submitters:"]
            for member in members:
                metadata += [f"  - :name: Student {member:03d}", f"    :sid: '{10000 + member}'",
                             f"    :email: student{member:03d}@example.edu"]
            metadata += ["  :created_at: 2026-11-30 10:00:00.000000000 +00:00"]
            people += len(members)
        out.writestr(f"{TOP}/submission_metadata.yml", "\n".join(metadata) + "\n")
    return people


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--assignment", default="mlp_intro")
    parser.add_argument("--students", type=int, default=120, help="submissions in the export (default 120)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--root", type=Path, default=CHECKOUT, help="the project whose dist/ is used")
    parser.add_argument("--keep", type=Path, help="grade into this folder and keep it (default: a scratch one)")
    args = parser.parse_args(argv)
    dist = args.root / "dist" / args.assignment
    needed = [dist / "autograder.zip", *(dist / "samples" / f"{sample}.ipynb" for sample in SAMPLES)]
    if not all(path.is_file() for path in needed):
        print(f"{args.assignment}: not built; running `autograder build {args.assignment}`", flush=True)
        subprocess.run([AUTOGRADER, "--root", args.root, "build", args.assignment], check=True)
    with tempfile.TemporaryDirectory(prefix="bench-class-") as scratch:
        archive = Path(scratch) / f"{TOP}.zip"
        people = make_export(dist, args.assignment, args.students, archive)
        out = args.keep or Path(scratch) / "graded"
        load = os.getloadavg()[0]
        started = time.perf_counter()
        grading = subprocess.run([AUTOGRADER, "grade", "--root", args.root, "--assignment", args.assignment,
                                  "--out", out, "--jobs", str(args.jobs), "--regrade", archive],
                                 capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if grading.returncode != 0:
            print(grading.stdout[-2000:], grading.stderr[-2000:], sep="\n", file=sys.stderr)
            return 1
        with (out / "grades.csv").open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        graded = sum(row["status"] == "graded" for row in rows)
        if len(rows) != people or not all(row["name"] for row in rows) or not (out / "report.html").is_file():
            print(f"grades.csv has {len(rows)} rows for {people} students, or a row without a name, "
                  "or the report is missing", file=sys.stderr)
            return 1
    print(f"{args.assignment}: a class of {args.students} submissions ({people} students, {graded} rows graded) "
          f"graded from Gradescope's export zip in {seconds:.1f} s with --jobs {args.jobs} on "
          f"{os.cpu_count()} cores ({60 * args.students / seconds:.0f} submissions a minute; "
          f"load average {load:.1f} at the start)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
