"""Does a grading's control group get its limits written where Linux keeps them, and say why
where none can be made? (On a fake /sys/fs/cgroup in a scratch folder: what the kernel does
with the files is the image test's business, see test_gradescope_image.py.)"""

from __future__ import annotations

import pytest

from autograder.grading_runtime import cgroups
from autograder.grading_runtime.cgroups import ControlGroup, Unavailable

MB = 1024 * 1024


@pytest.fixture
def unified(tmp_path, monkeypatch):
    """A cgroup v2 tree: the grader in /grader, whose children may use the three controllers."""
    (tmp_path / "cgroup.controllers").write_text("cpu memory pids\n")
    (tmp_path / "grader").mkdir()
    (tmp_path / "grader" / "cgroup.subtree_control").write_text("cpu memory pids\n")
    monkeypatch.setattr(cgroups, "CGROUP_ROOT", tmp_path)
    monkeypatch.setattr(cgroups, "_own_groups", lambda: {"": "/grader"})
    return tmp_path / "grader"


def test_a_v2_group_is_made_under_the_graders_own_with_its_three_limits(unified):
    group = ControlGroup.create("grading-1", memory_bytes=300 * MB, processes=64, cpus=1.5)
    folder = unified / "grading-1"
    assert group.version == 2 and group.folders == (folder,)
    assert (folder / "memory.max").read_text() == str(300 * MB)
    assert (folder / "pids.max").read_text() == "64"
    assert (folder / "cpu.max").read_text() == f"150000 {cgroups.CPU_PERIOD_US}"
    assert group.describe().startswith("cgroup v2: 300 MB of memory (shared memory and tmpfs included), 64 "
                                       "processes and 1.5 CPU")


def test_swap_is_closed_where_the_kernel_offers_it(unified, monkeypatch):
    real_mkdir = cgroups.Path.mkdir

    def mkdir_with_swap(path, *args, **kwargs):  # the kernel makes memory.swap.max with the folder
        real_mkdir(path, *args, **kwargs)
        (path / "memory.swap.max").write_text("max")

    monkeypatch.setattr(cgroups.Path, "mkdir", mkdir_with_swap)
    ControlGroup.create("grading-2", memory_bytes=MB, processes=1, cpus=1.0)
    assert (unified / "grading-2" / "memory.swap.max").read_text() == "0"


def test_controllers_missing_below_the_grader_are_enabled_or_said(unified, monkeypatch):
    (unified / "cgroup.subtree_control").write_text("cpu\n")
    ControlGroup.create("grading-3", memory_bytes=MB, processes=1, cpus=1.0)
    assert (unified / "cgroup.subtree_control").read_text() == "+memory +pids"
    (unified / "cgroup.subtree_control").write_text("cpu\n")
    real_write = cgroups.Path.write_text

    def busy(path, *args, **kwargs):  # the kernel refuses while the grader's group holds a process
        if path.name == "cgroup.subtree_control":
            raise OSError(16, "Device or resource busy")
        return real_write(path, *args, **kwargs)

    monkeypatch.setattr(cgroups.Path, "write_text", busy)
    with pytest.raises(Unavailable, match="the controllers memory, pids cannot be enabled below the grader's "
                                          "own group .Device or resource busy"):
        ControlGroup.create("grading-4", memory_bytes=MB, processes=1, cpus=1.0)


def test_where_no_group_can_be_made_create_says_why(tmp_path, monkeypatch):
    monkeypatch.setattr(cgroups, "CGROUP_ROOT", tmp_path)
    monkeypatch.setattr(cgroups, "_own_groups", lambda: {})
    with pytest.raises(Unavailable, match="no memory, pids and cpu controllers"):
        ControlGroup.create("grading", memory_bytes=MB, processes=1, cpus=1.0)
    (tmp_path / "cgroup.controllers").write_text("cpu memory pids\n")
    monkeypatch.setattr(cgroups, "_own_groups", lambda: {"": "/not-there"})
    with pytest.raises(Unavailable, match="the grader may not make one"):
        ControlGroup.create("grading", memory_bytes=MB, processes=1, cpus=1.0)


def test_joining_writes_the_pid_and_the_group_reads_its_processes_and_peak(unified):
    group = ControlGroup.create("grading-5", memory_bytes=MB, processes=1, cpus=1.0)
    group.join(4242)
    assert (unified / "grading-5" / "cgroup.procs").read_text() == "4242"
    assert group.processes_in() == [4242]
    assert group.peak_memory_bytes() is None, "no memory.peak: an older kernel"
    (unified / "grading-5" / "memory.peak").write_text("123456\n")
    assert group.peak_memory_bytes() == 123456


def test_the_own_groups_of_this_process_are_read_from_proc():
    own = cgroups._own_groups()
    assert own == {} or "" in own or set(cgroups.CONTROLLERS) & set(own)
    assert all(path.startswith("/") for path in own.values())
