"""Does Ctrl-C end a grading cleanly, keep what was graded, and let the next run finish it?

The command line runs as an instructor runs it, in a process group of its own (as a
terminal's foreground job is), and the group gets SIGINT, as Ctrl-C sends it. One of the four
submissions, a complete one, sleeps in a cell for minutes, so it is being graded when the
signal comes; graded in full on the next run, its score must not read as a change.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time

import nbformat
import psutil

from autograder.grade import HASH_FILE

ASSIGNMENT = "mlp_intro"
QUICK = ["b_blank", "c_blank", "d_blank"]
SLOW = "a_sleeps"  # first, so that it holds one of the two slots all along


def _command(root, out, folder, cell_timeout):
    return [sys.executable, "-m", "autograder", "--root", str(root), "grade", "--assignment", ASSIGNMENT,
            "--out", str(out), "--jobs", "2", "--cell-timeout", str(cell_timeout), str(folder)]


def _rows(out):
    with (out / "grades.csv").open(newline="") as handle:
        return {row["submission"]: row for row in csv.DictReader(handle)}


def test_ctrl_c_keeps_what_was_graded_and_the_rerun_finishes_without_false_changes(built_project, tmp_path):
    assignment = built_project[ASSIGNMENT]
    folder, out = tmp_path / "submissions", tmp_path / "graded"
    folder.mkdir()
    blank = nbformat.read(assignment.built_samples_dir / "blank.ipynb", as_version=4)
    for name in QUICK:
        nbformat.write(blank, folder / f"{name}.ipynb")
    slow = nbformat.read(assignment.built_samples_dir / "complete.ipynb", as_version=4)
    slow.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(600)"))
    nbformat.write(slow, folder / f"{SLOW}.ipynb")

    grading = subprocess.Popen(_command(assignment.root, out, folder, 300), start_new_session=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while sum((out / name / HASH_FILE).is_file() for name in QUICK) < len(QUICK):
        assert grading.poll() is None and time.monotonic() < deadline, grading.communicate()
        time.sleep(0.1)
    engine = psutil.Process(grading.pid).children(recursive=True)
    assert len(engine) >= 3, "the engine, the sleeping submission's judge, its student process"
    os.killpg(grading.pid, signal.SIGINT)
    printed, said = grading.communicate(timeout=60)

    assert grading.returncode == 130
    assert "Traceback" not in said and "KeyboardInterrupt" not in said
    ours = [line for line in said.splitlines() if line.startswith("autograder")]
    assert ours == [f"autograder grade: interrupted; 3 of 4 submission(s) graded and kept in {out} "
                    "(grades.csv lists the other 1 as interrupted); run the same command again to finish"]
    psutil.wait_procs(engine, timeout=5)
    assert [p for p in engine if p.is_running() and p.status() != psutil.STATUS_ZOMBIE] == [], (
        "no process of the engine outlives the command")
    rows = _rows(out)
    assert {name: row["status"] for name, row in rows.items()} == {
        SLOW: "interrupted", **{name: "graded" for name in QUICK}}
    assert rows[SLOW]["total"] == "" and rows["b_blank"]["total"] == "0"
    assert not (out / SLOW).exists(), "an interrupted grading leaves nothing behind"

    again = subprocess.run(_command(assignment.root, out, folder, 5), capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "Scores changed" not in again.stdout
    assert again.stdout.count("reused") == len(QUICK)
    rows = _rows(out)
    assert {row["status"] for row in rows.values()} == {"graded"} and rows[SLOW]["total"] == "15"
