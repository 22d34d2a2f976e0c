"""One grading's control group: a cap on the memory, processes and CPU of all its student
processes together, where the grader may make one.

Per-process limits do not bound a grading: ``memfd_create`` memory is outside
``RLIMIT_AS``, each forked child gets the full limit again, and children that call
``setsid()`` escape the scheduler's per-session sharing. A control group counts all of it,
tmpfs pages and shared memory included, for every process in it and every process those
start. The judge makes one per grading (:meth:`ControlGroup.create`); each student process
joins it while it is still root, before it drops to the student's user
(:meth:`ControlGroup.join`); the judge removes it when the grading ends.

Both layouts Linux has are handled: the unified hierarchy (cgroup v2, ``memory.max``,
``pids.max``, ``cpu.max``) and the per-controller one (v1, ``memory.limit_in_bytes``,
``pids.max``, ``cpu.cfs_quota_us``). Where neither can be written (a Docker container, whose
``/sys/fs/cgroup`` is read-only; a grader that is not root), :meth:`create` says why and the
grading keeps its per-process limits.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
CPU_PERIOD_US = 100_000
CONTROLLERS = ("memory", "pids", "cpu")


class Unavailable(OSError):
    """No control group can be made here; the message says why."""


@dataclass(frozen=True)
class ControlGroup:
    """The folders of one grading's group: one (v2) or one per controller (v1)."""

    version: int
    folders: tuple[Path, ...]
    memory_bytes: int
    processes: int
    cpus: float

    # --- making one ----------------------------------------------------------------------------

    @classmethod
    def create(cls, name: str, *, memory_bytes: int, processes: int, cpus: float) -> "ControlGroup":
        """A new group under the grader's own, with its limits written; raises :class:`Unavailable`."""
        own = _own_groups()
        try:
            if "" in own and (CGROUP_ROOT / "cgroup.controllers").is_file():
                group = cls._create_v2(own[""], name, memory_bytes, processes, cpus)
            elif all(controller in own for controller in CONTROLLERS):
                group = cls._create_v1(own, name, memory_bytes, processes, cpus)
            else:
                raise Unavailable("this kernel shows no memory, pids and cpu controllers")
        except Unavailable:
            raise
        except OSError as error:
            raise Unavailable(f"the grader may not make one ({error.strerror or error})") from None
        return group

    @classmethod
    def _create_v2(cls, own: str, name: str, memory_bytes: int, processes: int, cpus: float) -> "ControlGroup":
        parent = CGROUP_ROOT / own.lstrip("/")
        enabled = set((parent / "cgroup.subtree_control").read_text().split())
        missing = [c for c in CONTROLLERS if c not in enabled]
        if missing:
            try:  # only possible where the grader's own group holds no process (the root one does)
                (parent / "cgroup.subtree_control").write_text(" ".join(f"+{c}" for c in missing))
            except OSError as error:
                raise Unavailable(f"cgroup v2: the controllers {', '.join(missing)} cannot be enabled "
                                  f"below the grader's own group ({error.strerror})") from None
        folder = parent / name
        folder.mkdir()
        group = cls(2, (folder,), memory_bytes, processes, cpus)
        try:
            (folder / "memory.max").write_text(str(memory_bytes))
            if (folder / "memory.swap.max").exists():
                (folder / "memory.swap.max").write_text("0")
            (folder / "pids.max").write_text(str(processes))
            (folder / "cpu.max").write_text(f"{int(cpus * CPU_PERIOD_US)} {CPU_PERIOD_US}")
        except OSError:
            group.remove()
            raise
        return group

    @classmethod
    def _create_v1(cls, own: dict[str, str], name: str, memory_bytes: int, processes: int,
                   cpus: float) -> "ControlGroup":
        folders = []
        try:
            for controller in CONTROLLERS:
                folder = _v1_mount(controller) / own[controller].lstrip("/") / name
                folder.mkdir()
                folders.append(folder)
            memory, pids, cpu = folders
            (memory / "memory.limit_in_bytes").write_text(str(memory_bytes))
            if (memory / "memory.memsw.limit_in_bytes").exists():  # no swapping out of the cap
                (memory / "memory.memsw.limit_in_bytes").write_text(str(memory_bytes))
            (pids / "pids.max").write_text(str(processes))
            (cpu / "cpu.cfs_period_us").write_text(str(CPU_PERIOD_US))
            (cpu / "cpu.cfs_quota_us").write_text(str(int(cpus * CPU_PERIOD_US)))
        except OSError:
            cls(1, tuple(folders), memory_bytes, processes, cpus).remove()
            raise
        return cls(1, tuple(folders), memory_bytes, processes, cpus)

    # --- using it ------------------------------------------------------------------------------

    def join(self, pid: int = 0) -> None:
        """Move ``pid`` (0: this process) into the group; its later children are born in it."""
        for folder in self.folders:
            (folder / "cgroup.procs").write_text(str(pid or os.getpid()))

    def describe(self) -> str:
        return (f"cgroup v{self.version}: {self.memory_bytes // (1024 * 1024)} MB of memory (shared "
                f"memory and tmpfs included), {self.processes} processes and {self.cpus:g} CPU for "
                "the whole grading")

    def peak_memory_bytes(self) -> int | None:
        name = "memory.peak" if self.version == 2 else "memory.max_usage_in_bytes"
        try:
            return int((self.folders[0] / name).read_text())
        except (OSError, ValueError):
            return None

    def processes_in(self) -> list[int]:
        found = set()
        for folder in self.folders:
            try:
                found |= {int(line) for line in (folder / "cgroup.procs").read_text().split()}
            except (OSError, ValueError):
                continue
        return sorted(found)

    def remove(self) -> None:
        """Kill whatever is still in the group, then remove its folders."""
        for _ in range(50):
            left = self.processes_in()
            if not left:
                break
            if self.version == 2 and (self.folders[0] / "cgroup.kill").exists():
                try:
                    (self.folders[0] / "cgroup.kill").write_text("1")
                except OSError:
                    pass
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            time.sleep(0.01)
        for folder in reversed(self.folders):
            try:
                folder.rmdir()
            except OSError:
                pass


def _own_groups() -> dict[str, str]:
    """This process's group in each hierarchy: ``{"": path}`` for v2, ``{controller: path}`` for v1."""
    found: dict[str, str] = {}
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "":
            found[""] = path
        for controller in controllers.split(","):
            if controller in CONTROLLERS:
                found[controller] = path
    if "" in found and any(c in found for c in CONTROLLERS):
        del found[""]  # hybrid: the unified tree carries no controller, v1 does
    return found


def _v1_mount(controller: str) -> Path:
    """Where the v1 hierarchy holding ``controller`` is mounted (``cpu`` may share one with ``cpuacct``)."""
    for line in Path("/proc/self/mounts").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[2] == "cgroup" and controller in parts[3].split(","):
            return Path(parts[1])
    raise Unavailable(f"no cgroup v1 hierarchy holds the {controller} controller")
