"""Find the submitted notebook and make sure it is one, before any of it runs.

Students upload a notebook, sometimes inside a zip, sometimes the wrong file. Each problem
found here becomes a ``SubmissionProblem`` whose message tells the student what to upload
instead; a notebook in an older format is upgraded to the current one in place.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path, PurePosixPath

import nbformat

MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
IGNORED_PARTS = {"__MACOSX", ".ipynb_checkpoints"}


class SubmissionProblem(Exception):
    """A submission that cannot be graded, with a message for the student."""


def _notebooks(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*.ipynb")
        if p.is_file() and not IGNORED_PARTS & set(p.relative_to(folder).parts)
        and not p.name.startswith("._")
    )


def _unzip(archive_path: Path, destination: Path) -> None:
    try:
        with zipfile.ZipFile(archive_path) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
                raise SubmissionProblem(f"{archive_path.name} unpacks to more than 200 MB.")
            for member in members:
                target = PurePosixPath(member.filename)
                if target.is_absolute() or ".." in target.parts:
                    raise SubmissionProblem(f"{archive_path.name} holds an unsafe path: {member.filename}")
            archive.extractall(destination)
    except zipfile.BadZipFile:
        raise SubmissionProblem(f"{archive_path.name} is not a valid zip file.") from None


def locate(submission_dir: Path) -> Path:
    """The one notebook of the submission, brought to the submission folder's top level.

    A notebook at the top level wins; otherwise zips are unpacked and notebooks in
    sub-folders count too, so a zipped or nested notebook is found wherever it is.
    """
    notebooks = [p for p in _notebooks(submission_dir) if p.parent == submission_dir]
    if not notebooks:
        for archive_path in sorted(submission_dir.glob("*.zip")):
            _unzip(archive_path, submission_dir / "unzipped" / archive_path.stem)
        notebooks = _notebooks(submission_dir)
        if len(notebooks) == 1:
            moved = submission_dir / notebooks[0].name
            shutil.copy(notebooks[0], moved)
            notebooks = [moved]
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


def vet(notebook_path: Path, assignment_name: str | None) -> list[str]:
    """Check that the file is this assignment's notebook; upgrade its format in place.

    Returns notes for the student about anything that was repaired.
    """
    notes = []
    try:
        raw = json.loads(notebook_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SubmissionProblem(
            f"{notebook_path.name} is not a notebook: it is not even JSON text. Download the "
            "notebook from Jupyter or Colab with File > Download > .ipynb and upload that."
        ) from None
    if not isinstance(raw, dict) or "nbformat" not in raw or ("cells" not in raw and "worksheets" not in raw):
        raise SubmissionProblem(
            f"{notebook_path.name} is JSON but not a Jupyter notebook. Upload the assignment's "
            ".ipynb file."
        )
    try:
        notebook = nbformat.reads(json.dumps(raw), as_version=4)
    except Exception as error:  # nbformat raises several types for broken notebooks
        raise SubmissionProblem(f"{notebook_path.name} is a damaged notebook ({error}).") from None
    if raw.get("nbformat") != 4:
        notes.append(f"Your notebook was in the old format {raw.get('nbformat')}; it was upgraded to 4.")
    submitted_name = notebook.metadata.get("otter", {}).get("assignment_name")
    if assignment_name and submitted_name and submitted_name != assignment_name:
        raise SubmissionProblem(
            f"This notebook is for the assignment '{submitted_name}', but this is the "
            f"autograder of '{assignment_name}'. Upload it to the right assignment."
        )
    if assignment_name and not submitted_name:
        notebook.metadata.setdefault("otter", {})["assignment_name"] = assignment_name
        notes.append("Your notebook did not say which assignment it is; it was graded as "
                     f"'{assignment_name}'. Start from the released notebook next time.")
    for cell in notebook.cells:  # outputs are not graded; dropping them keeps memory small
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.write(notebook, notebook_path)
    return notes
