"""Who submitted what: the ``submission_metadata.yml`` of a Gradescope "Export Submissions".

An export is a folder with one sub-folder per submission (``submission_123/``) and a YAML
file that maps each sub-folder to its submitters (a group submission has several), written
by Gradescope's Ruby side, so its keys carry a leading colon::

    ---
    submission_123:
      :submitters:
      - :name: Ada Lovelace
        :sid: '1815'
        :email: ada@example.edu
      :created_at: 2026-11-30 10:00:00 +0000

Only the submitters are read. Tags Ruby adds to some values (``!ruby/object:...``) are
read as plain values. An entry that is off (no list of submitters, or YAML that does not
parse) costs that entry only: its submission is graded without names, and the problem is
reported with the file and the line of the entry. Every submission is graded whatever the
file holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from autograder.errors import ToolkitError

METADATA_FILE = "submission_metadata.yml"
WITHOUT_NAMES = "its submission is graded, and its gradebook row has no names"
# A line that starts an entry of the top-level mapping: a key at the first column.
_TOP_LEVEL_KEY = re.compile(r"^[^\s#\-][^:]*:")


@dataclass(frozen=True)
class Submitter:
    name: str = ""
    sid: str = ""
    email: str = ""


class MetadataError(ToolkitError):
    """A part of an export's metadata that cannot be read; grading goes on without it."""


@dataclass
class Roster:
    """The submitters of each submission folder, and what could not be read."""

    submitters: dict[str, tuple[Submitter, ...]] = field(default_factory=dict)
    problems: list[MetadataError] = field(default_factory=list)


class _Loader(yaml.SafeLoader):
    """YAML as Gradescope writes it: Ruby's tags are taken for plain values."""


def _untagged(loader: _Loader, suffix: str, node: yaml.Node):
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)


_Loader.add_multi_constructor("!", _untagged)


def _field(entry: dict, name: str) -> str:
    value = entry.get(f":{name}", entry.get(name, ""))
    return "" if value is None else str(value)


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _entries(text: str, first_line: int = 1) -> list[tuple[object, object, int]]:
    """Each ``(key, value, line)`` of the top-level mapping in ``text``, lines counted from
    ``first_line``; raises ``yaml.YAMLError`` for text that does not parse."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return []
        if not isinstance(node, yaml.MappingNode):
            raise _NotAMapping(node.start_mark.line + first_line)
        return [(loader.construct_object(key, deep=True), loader.construct_object(value, deep=True),
                 key.start_mark.line + first_line) for key, value in node.value]
    finally:
        loader.dispose()


class _NotAMapping(Exception):
    def __init__(self, line: int):
        self.line = line


def _blocks(text: str) -> list[tuple[int, str]]:
    """The top-level entries of ``text`` as separate texts, each with its first line: to read
    what can be read of a file one of whose entries does not parse."""
    blocks: list[tuple[int, list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(("---", "...")) and not blocks:
            continue
        if _TOP_LEVEL_KEY.match(line) or not blocks:
            blocks.append((number, [line]))
        else:
            blocks[-1][1].append(line)
    return [(number, "\n".join(lines) + "\n") for number, lines in blocks]


def read(folder: Path) -> Roster:
    """The submitters of each submission of the export in ``folder`` (none if it has no
    metadata file), and a problem for each entry that could not be read."""
    path = folder / METADATA_FILE
    roster = Roster()
    if not path.is_file():
        return roster
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        roster.problems.append(MetadataError(f"{path}: not readable as UTF-8 text ({_first_line(error)})",
                                             "every submission is graded, and the gradebook has no names"))
        return roster
    try:
        entries = _entries(text)
    except _NotAMapping as error:
        roster.problems.append(MetadataError(
            f"{path}, line {error.line}: expected a mapping of submission folders to their metadata",
            "every submission is graded, and the gradebook has no names"))
        return roster
    except yaml.YAMLError:
        entries = []
        for first, block in _blocks(text):
            try:
                entries += _entries(block, first)
            except yaml.YAMLError as error:
                mark = getattr(error, "problem_mark", None)
                line = first + mark.line if mark is not None else first
                roster.problems.append(MetadataError(
                    f"{path}, line {first}: the entry of {block.split(':')[0].strip()!r} is not readable YAML "
                    f"({getattr(error, 'problem', None) or _first_line(error)}, line {line})", WITHOUT_NAMES))
            except _NotAMapping as error:
                roster.problems.append(MetadataError(
                    f"{path}, line {error.line}: not an entry of a submission folder", WITHOUT_NAMES))
    for submission, entry, line in entries:
        submitters = entry.get(":submitters", entry.get("submitters")) if isinstance(entry, dict) else None
        if not isinstance(submitters, list) or not all(isinstance(s, dict) for s in submitters):
            roster.problems.append(MetadataError(
                f"{path}, line {line}: the entry of {str(submission)!r} has no list of :submitters",
                WITHOUT_NAMES))
            continue
        roster.submitters[str(submission)] = tuple(
            Submitter(_field(s, "name"), _field(s, "sid"), _field(s, "email")) for s in submitters)
    return roster
