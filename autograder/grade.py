"""Grade submissions with an assignment's ``autograder.zip``, exactly as Gradescope would.

Each submission gets a fresh ``autograder/`` tree laid out as on Gradescope: ``source/``
unpacked from the zip, ``run_autograder`` copied beside it, ``submission/`` and
``results/``. The zip's own ``run_autograder`` then runs there, so local grading executes
the same code as Gradescope. The zip's runtime always writes a results file; this module
adds an outer time limit and a last fallback, kills whatever the run leaves behind, and
grades many submissions in parallel.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import psutil

from autograder.errors import NotBuilt, ToolkitError
from autograder.grading_runtime import results as gradescope
from autograder.grading_runtime.settings import SETTINGS_FILE, RuntimeSettings

SUBMISSION_SUFFIXES = (".ipynb", ".zip")
OUTER_GRACE_SECONDS = 60.0  # the runtime stops itself at its own limit; this is the backstop
HASH_FILE = "submission.sha256"


@dataclass(frozen=True)
class Submission:
    """One student's upload: a notebook, a zip, or a folder of files (as Gradescope exports)."""

    name: str
    path: Path

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
    results: dict
    seconds: float
    reused: bool = False

    @property
    def status(self) -> str:
        return gradescope.status(self.results)

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


def collect(paths: list[Path]) -> list[Submission]:
    """Submissions from files and folders.

    A file is one submission. A folder holds submissions: each notebook or zip in it, and
    each sub-folder (as in a Gradescope export, ``submission_123/``), is one. Names are
    unique: a repeated stem gets a ``-2``, ``-3`` suffix.
    """
    found: list[tuple[str, Path]] = []
    for path in paths:
        if not path.exists():
            raise ToolkitError(f"no such submission: {path}")
        if path.is_file():
            found.append((path.stem, path))
            continue
        for child in sorted(path.iterdir()):
            if child.name.startswith("."):
                continue
            if child.is_dir():
                found.append((child.name, child))
            elif child.suffix in SUBMISSION_SUFFIXES:
                found.append((child.stem, child))
    submissions, seen = [], {}
    for stem, path in found:
        seen[stem] = seen.get(stem, 0) + 1
        submissions.append(Submission(stem if seen[stem] == 1 else f"{stem}-{seen[stem]}", path))
    return submissions


def lay_out(root: Path, autograder_zip: Path, submission: Submission,
            settings: RuntimeSettings | None = None) -> Path:
    """Gradescope's ``/autograder`` tree under ``root``; returns the tree's folder."""
    tree = root / "autograder"
    for folder in ("source", "submission", "results"):
        (tree / folder).mkdir(parents=True)
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(tree / "source")
    shutil.copy(tree / "source" / "run_autograder", tree / "run_autograder")
    (tree / "run_autograder").chmod(0o755)
    for file in submission.files():
        base = submission.path if submission.path.is_dir() else submission.path.parent
        target = tree / "submission" / file.relative_to(base)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(file, target)
    (tree / "submission_metadata.json").write_text("{}", encoding="utf-8")
    if settings is not None:
        (tree / "source" / "grading_runtime" / SETTINGS_FILE).write_text(settings.to_json(), encoding="utf-8")
    return tree


def zip_settings(autograder_zip: Path) -> RuntimeSettings:
    import json

    with zipfile.ZipFile(autograder_zip) as archive:
        return RuntimeSettings.from_dict(json.loads(archive.read(f"grading_runtime/{SETTINGS_FILE}")))


def _kill_tree(pid: int) -> None:
    """Kill a process and every descendant, including kernels started in their own session."""
    try:
        parent = psutil.Process(pid)
        family = parent.children(recursive=True) + [parent]
    except psutil.Error:
        family = []
    for process in family:
        try:
            process.kill()
        except psutil.Error:
            pass
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_autograder(tree: Path, timeout: float) -> tuple[int | None, str]:
    """Run the tree's ``run_autograder`` as Gradescope does, with our Python first on PATH."""
    environment = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    process = subprocess.Popen(["bash", str(tree / "run_autograder")], cwd=tree, env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               errors="replace", start_new_session=True)
    try:
        output, _ = process.communicate(timeout=timeout)
        return process.returncode, output
    except subprocess.TimeoutExpired:
        _kill_tree(process.pid)
        output, _ = process.communicate()
        return None, output
    finally:
        _kill_tree(process.pid)


def grade_one(autograder_zip: Path, submission: Path | Submission,
              settings: RuntimeSettings | None = None) -> GradedSubmission:
    """Grade one submission; never raises for anything the submission does."""
    if isinstance(submission, Path):
        submission = Submission(submission.stem, submission)
    started = time.monotonic()
    limits = settings or zip_settings(autograder_zip)
    with tempfile.TemporaryDirectory(prefix="grade-") as scratch:
        tree = lay_out(Path(scratch), autograder_zip, submission, settings)
        returncode, log = run_autograder(tree, limits.total_timeout_seconds + OUTER_GRACE_SECONDS)
        results_file = tree / "results" / "results.json"
        try:
            outcome = gradescope.read(results_file)
        except (OSError, ValueError) as error:
            outcome = gradescope.failure(
                "the grader stopped without writing results; your instructor can see why.",
                questions_in(autograder_zip), f"exit code {returncode}: {error}\n\n{log[-20000:]}")
            outcome["extra_data"] = {"status": gradescope.NOT_GRADED}
    return GradedSubmission(submission.path, submission.name, outcome, time.monotonic() - started)


def _write_feedback(outcome: GradedSubmission, folder: Path, digest: str) -> None:
    from autograder import report

    gradescope.write(outcome.results, folder / "results.json")
    (folder / "feedback.txt").write_text(report.feedback_text(outcome), encoding="utf-8")
    (folder / HASH_FILE).write_text(digest + "\n", encoding="utf-8")


def _reuse(submission: Submission, folder: Path, digest: str) -> GradedSubmission | None:
    try:
        if (folder / HASH_FILE).read_text().strip() != digest:
            return None
        return GradedSubmission(submission.path, submission.name, gradescope.read(folder / "results.json"),
                                0.0, reused=True)
    except (OSError, ValueError):
        return None


def grade_many(autograder_zip: Path, submissions: list[Path | Submission], out_dir: Path, *,
               settings: RuntimeSettings | None = None, jobs: int = 1, regrade: bool = True,
               progress: Callable[[GradedSubmission, int, int], None] | None = None) -> list[GradedSubmission]:
    """Grade submissions ``jobs`` at a time into ``out_dir/<name>/``; results in input order.

    Unless ``regrade``, a submission whose files are unchanged since its last grading here
    keeps its earlier results.
    """
    if not autograder_zip.is_file():
        raise NotBuilt(f"{autograder_zip} does not exist", "run `autograder build` first")
    items = [s if isinstance(s, Submission) else Submission(s.stem, s) for s in submissions]
    outcomes: dict[str, GradedSubmission] = {}

    def work(submission: Submission) -> GradedSubmission:
        folder = out_dir / submission.name
        digest = submission.digest()
        reused = None if regrade else _reuse(submission, folder, digest)
        if reused is not None:
            return reused
        outcome = grade_one(autograder_zip, submission, settings)
        _write_feedback(outcome, folder, digest)
        return outcome

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(work, s): s for s in items}
        for future in as_completed(futures):
            outcome = future.result()
            outcomes[outcome.name] = outcome
            if progress:
                progress(outcome, len(outcomes), len(items))
    return [outcomes[s.name] for s in items]
