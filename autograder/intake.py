"""What ``autograder grade`` is given, turned into submissions with their students' names.

The instructor passes notebooks, zips and folders:

* a notebook is one submission;
* a folder holds submissions: each notebook or zip in it, and each sub-folder (as in
  Gradescope's "Export Submissions": ``submission_123/``), is one. Its
  ``submission_metadata.yml``, if any, names each sub-folder's students (see
  :mod:`autograder.submitters`). A folder whose only content is the export's top folder
  (``assignment_123_export/``, as an unzipped download is) is read as that export;
* a zip is read as a folder when it is a collection: Gradescope's export as downloaded (it
  holds ``submission_metadata.yml``, with or without the top folder), or two notebooks or
  more. Any other zip is one student's upload, graded as it is (the engine finds the
  notebook inside). A collection is unpacked into a scratch folder, never next to it,
  refusing whole an archive with an entry that would land outside that folder, a symbolic
  link, or more than ``UNPACK_LIMIT_BYTES`` of content.

Names are unique: a repeated one gets a ``-2``, ``-3`` suffix. The folder the results go to
(``--out``) is never taken for a submission: inside a folder of submissions it is left out,
and where it would mix results into the submissions themselves it is refused.
"""

from __future__ import annotations

import shutil
import stat
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterator

from autograder import submitters
from autograder.errors import ToolkitError
from autograder.grade import Submission

SUBMISSION_SUFFIXES = (".ipynb", ".zip")
UNPACK_LIMIT_BYTES = 2 * 2**30
UNPACK_LIMIT_ENTRIES = 100_000
IGNORED = ("__MACOSX",)  # what macOS's archiver adds beside every file


@dataclass
class Intake:
    submissions: list[Submission] = field(default_factory=list)
    problems: list[submitters.MetadataError] = field(default_factory=list)  # unreadable metadata


def _visible(path: Path) -> bool:
    return not path.name.startswith(".") and path.name not in IGNORED


def _ignored_entry(name: str) -> bool:
    """A hidden file or macOS's clutter (``..`` is no hidden file: it is refused on unpacking)."""
    return any((part.startswith(".") and part != "..") or part in IGNORED for part in PurePosixPath(name).parts)


def check_out(out: Path) -> None:
    """Refuse an ``--out`` that is a file."""
    if out.exists() and not out.is_dir():
        raise ToolkitError(f"--out {out} is a file, not a folder",
                           "name a folder for the results (it is created if it does not exist)")


def _check_out_of(folder: Path, out: Path, given: Path) -> None:
    """Refuse an ``--out`` that would mix the results into ``folder``'s submissions (given
    as ``given``); one directly inside it is left out of the submissions instead."""
    target, source = out.resolve(), folder.resolve()
    if target in (source, given.resolve()):
        raise ToolkitError(f"--out {out} is the folder of submissions {given} itself",
                           "name another folder for the results, e.g. one beside it")
    if target.is_relative_to(source):
        holder = source / target.relative_to(source).parts[0]
        if holder != target:
            raise ToolkitError(f"--out {out} is inside {holder}, which would be graded as a submission",
                               f"name a folder outside {given} for the results, or directly in it")


def _safe_parts(name: str, archive: Path) -> tuple[str, ...]:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise ToolkitError(f"{archive}: the entry {name!r} would be unpacked outside its folder; "
                           "nothing was unpacked", "unpack it yourself, check its contents, and pass the folder")
    return path.parts


def unpack(archive: Path, into: Path) -> Path:
    """Unpack ``archive`` into the new folder ``into``, safely; returns ``into``."""
    try:
        with zipfile.ZipFile(archive) as opened:
            entries = [e for e in opened.infolist() if not _ignored_entry(e.filename)]
            declared = sum(e.file_size for e in entries)
            if len(entries) > UNPACK_LIMIT_ENTRIES or declared > UNPACK_LIMIT_BYTES:
                raise ToolkitError(
                    f"{archive} unpacks to {len(entries)} files and {declared / 2**20:.0f} MB, more than "
                    f"the {UNPACK_LIMIT_ENTRIES} files and {UNPACK_LIMIT_BYTES // 2**20} MB it may hold",
                    "unpack it yourself and pass the folder")
            for entry in entries:
                _safe_parts(entry.filename, archive)  # refuses a path that leaves the folder
                if stat.S_ISLNK(entry.external_attr >> 16):
                    raise ToolkitError(f"{archive}: the entry {entry.filename!r} is a symbolic link; "
                                       "nothing was unpacked", "unpack it yourself and pass the folder")
            written = 0
            for entry in entries:
                target = into.joinpath(*_safe_parts(entry.filename, archive))
                if entry.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with opened.open(entry) as source, target.open("wb") as sink:
                    while chunk := source.read(1 << 20):
                        written += len(chunk)
                        if written > UNPACK_LIMIT_BYTES:  # a header that lied about the size
                            raise ToolkitError(f"{archive} unpacks to more than {UNPACK_LIMIT_BYTES // 2**20} MB",
                                               "unpack it yourself and pass the folder")
                        sink.write(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as error:
        raise ToolkitError(f"{archive} is not a zip file that can be read ({error})",
                           "download it again; a download that was cut short gives this") from None
    return into


def is_collection(archive: Path) -> bool:
    """Whether a zip holds several submissions (an export, or notebooks) rather than one."""
    try:
        with zipfile.ZipFile(archive) as opened:
            files = [n for n in opened.namelist() if not n.endswith("/") and not _ignored_entry(n)]
    except zipfile.BadZipFile as error:
        raise ToolkitError(f"{archive} is not a zip file that can be read ({error})",
                           "download it again; a download that was cut short gives this") from None
    if any(PurePosixPath(n).name == submitters.METADATA_FILE for n in files):
        return True
    return sum(n.lower().endswith(".ipynb") for n in files) >= 2


def _export_root(folder: Path, unpacked: bool, out: Path) -> Path:
    """The folder that holds the submissions: ``folder``, or its only sub-folder where that
    is an export's top folder (or, for an unpacked zip, any lone top folder); the results'
    folder does not count."""
    if (folder / submitters.METADATA_FILE).is_file():
        return folder
    target = out.resolve()
    children = [c for c in folder.iterdir() if _visible(c) and c.resolve() != target]
    if len(children) == 1 and children[0].is_dir() and (
            unpacked or (children[0] / submitters.METADATA_FILE).is_file()):
        return children[0]
    return folder


def _in_folder(folder: Path, out: Path, problems: list[submitters.MetadataError]) -> list[Submission]:
    roster = submitters.read(folder)
    problems += roster.problems
    target = out.resolve()
    found = []
    for child in sorted(folder.iterdir()):
        if not _visible(child) or child.resolve() == target:
            continue
        if child.is_dir():
            found.append(Submission(child.name, child, roster.submitters.get(child.name, ())))
        elif child.suffix.lower() in SUBMISSION_SUFFIXES:
            found.append(Submission(child.stem, child, roster.submitters.get(child.name, ())))
    return found


def _unique(found: list[Submission]) -> list[Submission]:
    seen: dict[str, int] = {}
    unique = []
    for submission in found:
        seen[submission.name] = seen.get(submission.name, 0) + 1
        count = seen[submission.name]
        unique.append(submission if count == 1 else
                      Submission(f"{submission.name}-{count}", submission.path, submission.people))
    return unique


@contextmanager
def gather(paths: list[Path], out: Path) -> Iterator[Intake]:
    """The submissions in ``paths``, with their students where an export names them; zips
    of several are unpacked into a scratch folder that lives as long as the context."""
    check_out(out)
    scratch: Path | None = None
    intake = Intake()
    try:
        found: list[Submission] = []
        for index, path in enumerate(paths):
            if not path.exists():
                raise ToolkitError(f"no such submission: {path}")
            if path.is_dir():
                root = _export_root(path, False, out)
                _check_out_of(root, out, path)
                found += _in_folder(root, out, intake.problems)
            elif path.suffix.lower() == ".zip" and is_collection(path):
                scratch = scratch or Path(tempfile.mkdtemp(prefix="autograder-unpacked-"))
                folder = unpack(path, scratch / f"{index}-{path.stem}")
                found += _in_folder(_export_root(folder, True, out), out, intake.problems)
            else:
                found.append(Submission(path.stem, path))
        intake.submissions = _unique(found)
        yield intake
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
