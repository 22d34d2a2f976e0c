"""Byte-for-byte reproducible artefacts.

otter stamps what it makes: random cell ids for the cells it adds, the wall-clock time in
the zip's name and in every zip entry. These functions take that variation out, so that
building twice from the same sources gives identical files.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import nbformat

ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
EXECUTABLE_ENTRIES = {"run_autograder", "setup.sh"}


def normalize_notebook(notebook: nbformat.NotebookNode, prefix: str) -> nbformat.NotebookNode:
    """Number the cells' ids by position and clear execution state, in place."""
    for index, cell in enumerate(notebook.cells):
        cell.id = f"{prefix}-{index:03d}"
        if cell.cell_type == "code":
            cell.execution_count = None
            cell.outputs = []
    return notebook


def write_notebook(notebook: nbformat.NotebookNode, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")


def write_zip(entries: dict[str, bytes], path: Path) -> None:
    """A zip of ``entries`` (name -> bytes) in name order, with fixed times and modes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            mode = 0o755 if name.rsplit("/", 1)[-1] in EXECUTABLE_ENTRIES else 0o644
            info.external_attr = (0o100000 | mode) << 16
            info.create_system = 3  # unix, so the modes above are read as such
            archive.writestr(info, entries[name])


def read_zip(path: Path) -> dict[str, bytes]:
    """The files of a zip by name, directories left out."""
    with zipfile.ZipFile(path) as archive:
        return {
            info.filename: archive.read(info)
            for info in archive.infolist()
            if not info.is_dir()
        }
