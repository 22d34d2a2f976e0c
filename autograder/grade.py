"""Grade submissions with an assignment's ``autograder.zip``, through otter's own runner.

Each submission is graded in a fresh ``autograder/`` tree laid out as on Gradescope
(``source/`` from the zip, ``submission/``, ``results/``) by a separate process that calls
the same otter entry point as the zip's ``run_otter.py``. That process runs under a time
limit in its own process group; whatever happens to it, the submission gets a results
file, with the reason in it when grading could not finish.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from autograder import gradescope
from autograder.errors import NotBuilt

DEFAULT_TIMEOUT_SECONDS = 600.0
RUNNER = (
    "import sys\n"
    "from otter.run.run_autograder import main\n"
    "main(sys.argv[1], logo=False)\n"
)


@dataclass(frozen=True)
class GradedSubmission:
    """The outcome of grading one submission."""

    submission: Path
    status: str  # "graded" or "failed"
    results: dict
    seconds: float

    @property
    def name(self) -> str:
        return self.submission.stem

    @property
    def score(self) -> float:
        return gradescope.total_score(self.results)


def questions_in(autograder_zip: Path) -> dict[str, float]:
    """Each question of the zip with its points, in the order otter grades them."""
    from otter.test_files import ExceptionTestFile

    questions = {}
    with zipfile.ZipFile(autograder_zip) as archive:
        for name in sorted(n for n in archive.namelist() if n.startswith("tests/") and n.endswith(".py")):
            test_file = ExceptionTestFile.from_string(archive.read(name).decode("utf-8"), path=name)
            questions[test_file.name] = float(sum(case.points for case in test_file.test_cases))
    return questions


def _lay_out(root: Path, autograder_zip: Path, submission: Path) -> Path:
    tree = root / "autograder"
    for folder in ("source", "submission", "results"):
        (tree / folder).mkdir(parents=True)
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(tree / "source")
    shutil.copy(submission, tree / "submission" / submission.name)
    (tree / "submission_metadata.json").write_text("{}", encoding="utf-8")
    return tree


def _run(command: list[str], timeout: float) -> tuple[int | None, str]:
    """Run ``command`` in its own process group; kill the whole group at the time limit."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
        return process.returncode, output
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        return None, output


def grade_one(autograder_zip: Path, submission: Path, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> GradedSubmission:
    """Grade one notebook; never raises for anything the submission does."""
    started = time.monotonic()
    questions = questions_in(autograder_zip)
    with tempfile.TemporaryDirectory(prefix="grade-") as scratch:
        tree = _lay_out(Path(scratch), autograder_zip, submission)
        returncode, log = _run([sys.executable, "-c", RUNNER, str(tree)], timeout)
        results_file = tree / "results" / "results.json"
        if returncode is None:
            results = gradescope.failure(
                f"grading stopped after the time limit of {timeout:.0f} s; look for a cell "
                "that never finishes (an endless loop, or a long training run).",
                questions, log,
            )
            status = "failed"
        elif results_file.is_file():
            try:
                results, status = gradescope.read(results_file), "graded"
            except (ValueError, json.JSONDecodeError) as error:
                results = gradescope.failure("the grader produced no readable results.",
                                             questions, f"{error}\n\n{log}")
                status = "failed"
        else:
            results = gradescope.failure(
                "the notebook could not be graded; check that it is the assignment's "
                "notebook, saved as .ipynb, and that it opens in Jupyter.",
                questions, log,
            )
            status = "failed"
    return GradedSubmission(submission, status, results, time.monotonic() - started)


def grade_many(autograder_zip: Path, submissions: list[Path], out_dir: Path,
               timeout: float = DEFAULT_TIMEOUT_SECONDS) -> list[GradedSubmission]:
    """Grade each submission and write ``out_dir/<stem>/results.json`` for every one."""
    if not autograder_zip.is_file():
        raise NotBuilt(f"{autograder_zip} does not exist", "run `autograder build` first")
    graded = []
    for submission in submissions:
        outcome = grade_one(autograder_zip, submission, timeout)
        gradescope.write(outcome.results, out_dir / outcome.name / "results.json")
        graded.append(outcome)
    return graded
