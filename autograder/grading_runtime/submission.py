"""Find the submitted notebook, make sure it is one, and pick the cells to run.

Students upload a notebook, sometimes inside a zip, sometimes the wrong file. Each problem
found here becomes a ``SubmissionProblem`` whose message tells the student what to upload
instead. The notebook is read as plain JSON (validating it with nbformat costs as much as
importing torch); only a notebook in an older format goes through nbformat, to be upgraded.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from .remote import Cell

MAX_UNZIPPED_BYTES = 64 * 1024 * 1024
# Bounds checked before a notebook is parsed, so that no upload can swell the judge: a
# notebook's size (plots included, students' notebooks stay well below), and its cells.
MAX_NOTEBOOK_BYTES = 40 * 1024 * 1024
MAX_CELLS = 3000
IGNORED_PARTS = {"__MACOSX", ".ipynb_checkpoints"}
IGNORE_TAG = "otter_ignore"  # cells that train or plot: skipped when grading, as otter does
CHECKER_CELL_TITLE = "# @title Set up the public checks"  # the build's first cell


class SubmissionProblem(Exception):
    """A submission that cannot be graded, with a message for the student."""


def read_config(source: Path) -> dict[str, Any]:
    path = source / "otter_config.json"
    return _dict(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else {}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def receive(upload: Path, folder: Path) -> Path:
    """A private copy of the upload (a folder as Gradescope gives it, or one file) in ``folder``."""
    if upload.is_dir():
        shutil.copytree(upload, folder, symlinks=True)
    else:
        folder.mkdir(parents=True)
        shutil.copy(upload, folder / upload.name)
    return folder


def _notebooks(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*.ipynb")
        if p.is_file() and not p.is_symlink() and not IGNORED_PARTS & set(p.relative_to(folder).parts)
        and not p.name.startswith("._")
    )


def _unzip(archive_path: Path, destination: Path) -> None:
    try:
        with zipfile.ZipFile(archive_path) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
                raise SubmissionProblem(f"{archive_path.name} unpacks to more than "
                                        f"{MAX_UNZIPPED_BYTES // 2**20} MB.")
            for member in members:
                target = PurePosixPath(member.filename)
                if target.is_absolute() or ".." in target.parts:
                    raise SubmissionProblem(f"{archive_path.name} holds an unsafe path: {member.filename}")
            archive.extractall(destination)
    except zipfile.BadZipFile:
        raise SubmissionProblem(f"{archive_path.name} is not a valid zip file.") from None


def locate(submission_dir: Path) -> Path:
    """The one notebook of the submission.

    A notebook at the top level wins; otherwise zips are unpacked and notebooks in
    sub-folders count too, so a zipped or nested notebook is found wherever it is.
    """
    notebooks = [p for p in _notebooks(submission_dir) if p.parent == submission_dir]
    if not notebooks:
        for archive_path in sorted(submission_dir.glob("*.zip")):
            _unzip(archive_path, submission_dir / "unzipped" / archive_path.stem)
        notebooks = _notebooks(submission_dir)
    if not notebooks:
        found = ", ".join(sorted(p.name for p in submission_dir.iterdir() if p.name != "unzipped")) or "nothing"
        raise SubmissionProblem(
            f"No notebook (.ipynb file) was found in your submission (it holds: {found}). "
            "Upload the assignment's .ipynb file itself."
        )
    if len(notebooks) > 1:
        names = ", ".join(p.name for p in notebooks)
        raise SubmissionProblem(
            f"Your submission holds {len(notebooks)} notebooks ({names}); upload only the "
            "assignment's notebook."
        )
    return notebooks[0]


def _upgrade(raw: dict[str, Any], name: str) -> dict[str, Any]:
    import nbformat

    try:
        upgraded = nbformat.writes(nbformat.reads(json.dumps(raw), as_version=4))  # type: ignore[no-untyped-call]
        return _dict(json.loads(upgraded))
    except Exception as error:  # nbformat raises several types for broken notebooks
        raise SubmissionProblem(f"{name} is a damaged notebook ({error}).") from None


def vet(notebook_path: Path, assignment_name: str | None) -> tuple[dict[str, Any], list[str]]:
    """The notebook as JSON (format 4), and notes for the student about anything repaired."""
    notes = []
    size = notebook_path.stat().st_size
    if size == 0:
        raise SubmissionProblem(
            f"{notebook_path.name} is empty (0 bytes): the upload did not carry the notebook. "
            "Save the notebook, download it again with File > Download > .ipynb and upload that.")
    if size > MAX_NOTEBOOK_BYTES:
        raise SubmissionProblem(
            f"{notebook_path.name} is {size // 2**20} MB, more than the {MAX_NOTEBOOK_BYTES // 2**20} MB "
            "a notebook may be: clear its outputs (Edit > Clear All Outputs), save, and upload it again.")
    content = notebook_path.read_bytes()
    if content.count(b'"cell_type"') > MAX_CELLS:
        raise SubmissionProblem(
            f"{notebook_path.name} has more than {MAX_CELLS} cells: upload the assignment's notebook.")
    try:
        raw = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise SubmissionProblem(
            f"{notebook_path.name} is not a notebook: it is not even JSON text. Download the "
            "notebook from Jupyter or Colab with File > Download > .ipynb and upload that."
        ) from None
    if not isinstance(raw, dict) or "nbformat" not in raw or ("cells" not in raw and "worksheets" not in raw):
        raise SubmissionProblem(
            f"{notebook_path.name} is JSON but not a Jupyter notebook. Upload the assignment's "
            ".ipynb file."
        )
    if raw.get("nbformat") != 4:
        original = raw.get("nbformat")
        raw = _upgrade(raw, notebook_path.name)
        notes.append(f"Your notebook was in the old format {original}; it was upgraded to 4.")
    if not isinstance(raw.get("cells"), list) or not isinstance(raw.get("metadata", {}), dict):
        raise SubmissionProblem(f"{notebook_path.name} is a damaged notebook (no list of cells).")
    for cell in raw["cells"]:  # outputs are never graded: let them go now
        if isinstance(cell, dict):
            cell.pop("outputs", None)
    otter = _dict(_dict(raw.get("metadata")).get("otter"))
    submitted_name = otter.get("assignment_name")
    if assignment_name and submitted_name and submitted_name != assignment_name:
        raise SubmissionProblem(
            f"This notebook is for the assignment '{submitted_name}', but this is the "
            f"autograder of '{assignment_name}'. Upload it to the right assignment."
        )
    if assignment_name and not submitted_name:
        notes.append("Your notebook did not say which assignment it is; it was graded as "
                     f"'{assignment_name}'. Start from the released notebook next time.")
    return raw, notes


def seed_of(content: bytes, assignment: str) -> int:
    """The seed of the hidden cases this submission meets: the same file always meets the same
    cases (a regrade gives the same score), a changed file others."""
    digest = hashlib.sha256(b"hidden cases\0" + assignment.encode("utf-8") + b"\0" + content).digest()
    return int.from_bytes(digest[:8], "big")


def _text(source: Any) -> str:
    if isinstance(source, list):
        return "".join(part for part in source if isinstance(part, str))
    return source if isinstance(source, str) else ""


def graded_cells(notebook: dict[str, Any]) -> list[Cell]:
    """The code cells grading runs, numbered by their place among all the notebook's cells.

    Left out: cells tagged ``otter_ignore`` (training and plots), and the checker cell the
    build puts first (it installs otter and writes the public tests, which grading needs not).
    """
    cells = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        metadata = _dict(cell.get("metadata"))
        tags = metadata.get("tags")
        otter = _dict(metadata.get("otter"))
        source = _text(cell.get("source", ""))
        ignored = isinstance(tags, list) and IGNORE_TAG in tags
        if ignored or otter.get("ignore") or source.lstrip().startswith(CHECKER_CELL_TITLE):
            continue
        cells.append(Cell(number, source))
    return cells
