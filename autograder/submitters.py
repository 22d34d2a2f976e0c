"""Who submitted what: the ``submission_metadata.yml`` of a Gradescope "Export Submissions".

An export is a folder with one sub-folder per submission (``submission_123/``) and a YAML
file that maps each sub-folder to its submitters (a group submission has several), written
by Gradescope's Ruby side, so its keys carry a leading colon::

    submission_123:
      :submitters:
      - :name: Ada Lovelace
        :sid: '1815'
        :email: ada@example.edu
      :created_at: 2026-11-30 10:00:00 +0000

Only the submitters are read. Tags Ruby adds to some values (``!ruby/object:...``) are
read as plain values. Anything else that is off is a :class:`MetadataError` naming the file
and the problem; the gradebook then keeps its name columns empty, and every submission is
still graded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from autograder.errors import ToolkitError

METADATA_FILE = "submission_metadata.yml"


@dataclass(frozen=True)
class Submitter:
    name: str = ""
    sid: str = ""
    email: str = ""


class MetadataError(ToolkitError):
    """An export's metadata that cannot be read; grading goes on without names."""


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


def read(folder: Path) -> dict[str, tuple[Submitter, ...]]:
    """The submitters of each submission of the export in ``folder`` (empty if it has no
    metadata file)."""
    path = folder / METADATA_FILE
    if not path.is_file():
        return {}
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise MetadataError(f"{path}: not readable YAML ({str(error).splitlines()[0]})",
                            "the gradebook's name columns stay empty; every submission is still graded") from None
    if not isinstance(document, dict):
        raise MetadataError(f"{path}: expected a mapping of submission folders to their "
                            f"metadata, found {type(document).__name__}",
                            "the gradebook's name columns stay empty; every submission is still graded")
    found = {}
    for submission, entry in document.items():
        submitters = entry.get(":submitters", entry.get("submitters")) if isinstance(entry, dict) else None
        if not isinstance(submitters, list) or not all(isinstance(s, dict) for s in submitters):
            raise MetadataError(f"{path}: the entry of {submission!r} has no list of :submitters",
                                "the gradebook's name columns stay empty; every submission is still graded")
        found[str(submission)] = tuple(Submitter(_field(s, "name"), _field(s, "sid"), _field(s, "email"))
                                       for s in submitters)
    return found
