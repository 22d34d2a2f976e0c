"""Does `grade` find every submission, with its students, in what an instructor passes it?

Gradescope's "Export Submissions" as downloaded (a zip, with or without its top folder), the
same unzipped, a zip of notebooks, and the mistakes an instructor makes with ``--out``. No
grading runs here: the notebooks are placeholders.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from autograder import intake, submitters
from autograder.errors import ToolkitError

METADATA = """---
submission_101:
  :submitters:
  - :name: Ada Lovelace
    :sid: '1815'
    :email: ada@example.edu
  :created_at: 2026-11-30 10:00:00.000000000 +00:00
submission_102:
  :submitters:
  - !ruby/hash-with-ivars:ActiveSupport::HashWithIndifferentAccess
    :name: Grace Hopper
    :sid: '1906'
    :email: grace@example.edu
  - :name: Alan Turing
    :sid: '1912'
    :email: alan@example.edu
  :created_at: 2026-11-30 11:00:00.000000000 +00:00
"""


def _export(folder: Path) -> Path:
    """An unzipped export: two submission folders and the metadata."""
    for name in ("submission_101", "submission_102"):
        (folder / name).mkdir(parents=True)
        (folder / name / "mlp_intro.ipynb").write_text("{}")
    (folder / submitters.METADATA_FILE).write_text(METADATA)
    return folder


def _zip(folder: Path, archive: Path, top: str = "") -> Path:
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder).as_posix()
            out.write(path, f"{top}{relative}/" if path.is_dir() else f"{top}{relative}")
    return archive


def _gathered(paths: list[Path], out: Path) -> list[tuple[str, tuple[str, ...]]]:
    with intake.gather(paths, out) as found:
        assert not found.problems
        return [(s.name, tuple(p.name for p in s.people)) for s in found.submissions]


EXPECTED = [("submission_101", ("Ada Lovelace",)), ("submission_102", ("Grace Hopper", "Alan Turing"))]


@pytest.mark.parametrize("top", ["assignment_4821_export/", ""], ids=["with its top folder", "without"])
def test_gradescope_export_zip_as_downloaded_is_one_submission_per_folder_with_names(tmp_path, top):
    archive = _zip(_export(tmp_path / "export"), tmp_path / "assignment_4821_export.zip", top)
    assert _gathered([archive], tmp_path / "graded") == EXPECTED


def test_the_export_is_unpacked_into_a_scratch_folder_that_goes_away(tmp_path):
    (tmp_path / "downloads").mkdir()
    archive = _zip(_export(tmp_path / "export"), tmp_path / "downloads" / "export.zip", "assignment_4821_export/")
    with intake.gather([archive], tmp_path / "graded") as found:
        folders = [s.path for s in found.submissions]
        assert all(f.is_dir() and not f.is_relative_to(archive.parent) for f in folders)
        assert (folders[0] / "mlp_intro.ipynb").read_text() == "{}"
    assert not any(f.exists() for f in folders)
    assert sorted(p.name for p in archive.parent.iterdir()) == ["export.zip"], "nothing is unpacked beside it"


def test_an_unzipped_export_is_read_from_its_download_folder(tmp_path):
    _export(tmp_path / "downloads" / "assignment_4821_export")
    assert _gathered([tmp_path / "downloads"], tmp_path / "downloads" / "graded") == EXPECTED


def test_a_zip_of_notebooks_is_that_many_submissions(tmp_path):
    archive = tmp_path / "week3.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for name in ("alice", "bob", "carol"):
            out.writestr(f"week3/{name}.ipynb", "{}")
        out.writestr("__MACOSX/week3/._alice.ipynb", "resource fork")
    assert _gathered([archive], tmp_path / "graded") == [("alice", ()), ("bob", ()), ("carol", ())]


def test_a_zip_holding_one_notebook_is_one_students_upload(tmp_path):
    archive = tmp_path / "alice.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("alice/mlp_intro.ipynb", "{}")
        out.writestr("alice/data.csv", "1,2")
    with intake.gather([archive], tmp_path / "graded") as found:
        assert [(s.name, s.path) for s in found.submissions] == [("alice", archive)]


def test_a_folder_of_submissions_is_expanded_one_level(tmp_path):
    export = tmp_path / "export"
    (export / "submission_1").mkdir(parents=True)
    (export / "submission_1" / "mlp_intro.ipynb").write_text("{}")
    (export / "late.ipynb").write_text("{}")
    (export / "notes.txt").write_text("not a submission")
    (tmp_path / "late.ipynb").write_text("{}")
    with intake.gather([export, tmp_path / "late.ipynb"], tmp_path / "out") as found:
        assert [(s.name, s.path.name) for s in found.submissions] == [
            ("late", "late.ipynb"), ("submission_1", "submission_1"), ("late-2", "late.ipynb")]


def _entry(name: str, *, link: bool = False) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    if link:
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


@pytest.mark.parametrize("entry, says", [
    (_entry("../../outside.ipynb"), "would be unpacked outside its folder"),
    (_entry("/etc/cron.d/outside.ipynb"), "would be unpacked outside its folder"),
    (_entry("export/submission_1/data", link=True), "is a symbolic link"),
], ids=["parent folder", "absolute path", "symbolic link"])
def test_an_export_with_an_unsafe_entry_is_refused_whole(tmp_path, entry, says):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("export/submission_metadata.yml", "{}\n")
        out.writestr("export/submission_1/mlp_intro.ipynb", "{}")
        out.writestr(entry, "/etc/passwd")
    with pytest.raises(ToolkitError, match=says), intake.gather([archive], tmp_path / "graded"):
        pass
    assert not (tmp_path.parent / "outside.ipynb").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.zip"]


def test_an_export_that_unpacks_to_more_than_the_limit_is_refused(tmp_path, monkeypatch):
    archive = _zip(_export(tmp_path / "export"), tmp_path / "export.zip")
    monkeypatch.setattr(intake, "UNPACK_LIMIT_BYTES", 100)
    with pytest.raises(ToolkitError, match="more than the .* files and 0 MB"), \
            intake.gather([archive], tmp_path / "graded"):
        pass


def test_a_download_cut_short_says_so(tmp_path):
    archive = _zip(_export(tmp_path / "export"), tmp_path / "export.zip")
    archive.write_bytes(archive.read_bytes()[:200])
    with pytest.raises(ToolkitError, match="download it again"), intake.gather([archive], tmp_path / "graded"):
        pass


def test_results_inside_the_export_folder_are_not_taken_for_a_submission(tmp_path):
    """``--out`` directly inside the export: on the next run, its folder is left out."""
    export = _export(tmp_path / "export")
    (export / "graded" / "submission_101").mkdir(parents=True)
    (export / "graded" / "grades.csv").write_text("name\n")
    assert _gathered([export], export / "graded") == EXPECTED


@pytest.mark.parametrize("out, says", [
    ("export", "is the folder of submissions"),
    ("export/submission_101/graded", "is inside .*submission_101, which would be graded as a submission"),
    ("grades.csv", "is a file, not a folder"),
])
def test_an_out_folder_that_would_mix_results_into_the_submissions_is_refused(tmp_path, out, says):
    export = _export(tmp_path / "export")
    (tmp_path / "grades.csv").write_text("name\n")
    with pytest.raises(ToolkitError, match=says), intake.gather([export], tmp_path / out):
        pass
    assert sorted(p.name for p in (export / "submission_101").iterdir()) == ["mlp_intro.ipynb"]


# --- submission_metadata.yml -------------------------------------------------------------------


def test_the_metadata_as_gradescope_writes_it_names_every_submitter(tmp_path):
    roster = submitters.read(_export(tmp_path))
    assert not roster.problems
    assert roster.submitters["submission_102"] == (submitters.Submitter("Grace Hopper", "1906", "grace@example.edu"),
                                                   submitters.Submitter("Alan Turing", "1912", "alan@example.edu"))


@pytest.mark.parametrize("broken, says", [
    ("submission_150:\n  :created_at: 2026-11-30\n", "has no list of :submitters"),
    ("submission_150:\n  :submitters: [unclosed\n", "is not readable YAML (expected ',' or ']'"),
    ("submission_150:\n  :submitters:\n  - :name: \"Unclosed\n", "is not readable YAML (found unexpected end"),
], ids=["no submitters", "an unclosed list", "an unclosed quote"])
def test_a_malformed_entry_costs_that_entry_only_and_says_where(tmp_path, broken, says):
    """The broken entry sits between the two good ones; they keep their names."""
    head, tail = METADATA.split("submission_102:")
    (tmp_path / submitters.METADATA_FILE).write_text(head + broken + "submission_102:" + tail)
    roster = submitters.read(tmp_path)
    assert sorted(roster.submitters) == ["submission_101", "submission_102"]
    assert roster.submitters["submission_102"][1].name == "Alan Turing"
    (problem,) = roster.problems
    assert f"{submitters.METADATA_FILE}, line 8: the entry of 'submission_150' {says}" in str(problem)
    assert "graded" in problem.remedy


def test_metadata_that_is_no_mapping_gives_no_names_and_says_why(tmp_path):
    (tmp_path / submitters.METADATA_FILE).write_text("- just\n- a list\n")
    roster = submitters.read(tmp_path)
    assert roster.submitters == {}
    assert "line 1: expected a mapping of submission folders" in str(roster.problems[0])
