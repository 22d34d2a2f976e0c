"""Start, limit and end the student processes of a grading: the one place that knows how.

The judge never runs student code itself. It forks a *zygote* before it has read a test or a
reference number, and asks the zygote for each student process, so that no student process
ever holds a copy of the judge's memory with the hidden cases in it.

The zygote first makes the grading's own space (:func:`prepare_space`). Where the grader is
root and the kernel allows it, that is a mount, a network and an IPC namespace shared by the
grading's student processes and by nobody else:

* no network interface but a down loopback, abstract Unix sockets of its own;
* SysV message queues, semaphores and shared memory of its own, gone with the grading;
* a ``/proc`` that shows the student's user its own processes only (``hidepid``), so no
  other grading's command line, nor the batch's, is in view;
* a ``/dev/shm`` and a scratch folder that are size- and file-count-limited tmpfs mounts;
* the Python environment shown read-only where it lies under a folder the student's user
  cannot enter (``/root`` is 0700).

Then the zygote copies the judge's layout of the scratch folder (the notebook and the
assignment's data, nothing of the grader's) into the scratch folder and hands it to the
student's user. Each student process it forks then, before any student code runs
(:func:`enter`):

1. keeps only its channel to the judge and an output pipe (fds 1 and 2), ``/dev/null`` on 0;
2. joins the grading's control group (:mod:`.cgroups`: memory, processes and CPU of the
   whole grading, shared memory included) where the judge could make one;
3. takes per-process limits: address space and data (the memory limit above what it already
   uses), CPU time, processes, file size, open files, no core dumps;
4. where the grader is root, drops to an unprivileged user of its own (one per concurrent
   grading, so the process limit and the final kill reach that grading's processes only);
5. applies Landlock where the kernel has it: read-only access to the system and the Python
   environment, read-write access to its scratch folder only;
6. applies a seccomp filter where libseccomp is present: no sockets but Unix ones, no ptrace
   or access to other processes' memory, no io_uring, namespaces or mounts, no memfd or SysV
   shared memory (both outside every per-process limit), no new session, file locks that do
   nothing (a lock on a shared file is a signal between gradings), no signals to the judge.

It keeps none of the grader's environment variables but the few that shape numerics
(``KEPT_VARIABLES``); and the judge makes itself non-dumpable, so that where the student
process keeps the grader's user (a laptop), it still cannot read the judge's memory.

What the student process ran under is the :class:`Isolation` record it sends as its first
message, before any student code has run (so the record is still its own). Some layers are
required (:func:`refusal`): where the grader is root, a user of the student's own; where it
is not, Landlock, unless the submissions are declared trusted. Without them no student code
runs: the grading ends with the sentence that names the fix. The others are used where the
machine has them, and the record says which were missing.

At the end, :meth:`Zygote.close`, :func:`kill_user` and :func:`remove_files_of` end every
process and remove every file of the student's user.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import resource
import secrets
import shutil
import signal
import socket
import stat
import sys
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Callable

from .cgroups import ControlGroup
from .settings import ENGINE_ENVIRONMENT

STUDENT_UID_BASE = 64000  # students get uids 64000, 64001, ... one per concurrent grading
SLOT_LOCKS = Path("/tmp/autograder-student-slots")
MAX_SLOTS = 64
PR_SET_CHILD_SUBREAPER = 36
PR_SET_DUMPABLE = 4
CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWNET = 0x00020000, 0x08000000, 0x40000000
SHARED_MEMORY_MB = 64
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
MB = 1024 * 1024
# Folders every user may write where no namespace gives the grading its own: what a student's
# user leaves there is removed when the grading ends.
SHARED_WRITABLE = (Path("/tmp"), Path("/var/tmp"), Path("/dev/shm"))


@dataclass(frozen=True)
class Limits:
    """What the student processes of one grading may use; from the grading settings."""

    memory_mb: int  # per process above its start, and for the whole grading (control group)
    cpu_seconds: int
    processes: int
    open_files: int
    file_mb: int
    disk_mb: int = 256  # the scratch folder, where it can be a tmpfs of its own
    files: int = 20_000  # files and folders in it
    cpus: float = 1.0  # the grading's share of the machine, where a control group caps it


# --- what a student process ran under ------------------------------------------------------------


@dataclass(frozen=True)
class Layer:
    """One protection: whether it applied, and what it gave or why it could not."""

    active: bool
    detail: str

    @classmethod
    def of(cls, value: Any) -> "Layer":
        if type(value) is not dict or type(value.get("active")) is not bool or type(value.get("detail")) is not str:
            raise ValueError(f"not a layer: {value!r}")
        return cls(value["active"], value["detail"])


@dataclass(frozen=True)
class Isolation:
    """Which protections the student process runs under: staff read it in results.json, the
    instructor in ``autograder grade``'s output and the class report."""

    user: Layer  # a uid of its own
    namespaces: Layer  # the grading's own mount, network and IPC namespaces
    landlock: Layer
    seccomp: Layer
    grading_limits: Layer  # a control group for the whole grading
    resource_limits: dict[str, int | str] = field(default_factory=dict)  # the per-process rlimits set
    python_environment: str = ""
    refused: str = ""  # why no student code may run under this, or "" where it may

    LAYERS = ("user", "namespaces", "landlock", "seccomp", "grading_limits")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, value: Any) -> "Isolation":
        """The record as the student process sent it, checked field by field."""
        if type(value) is not dict or set(value) != {f.name for f in fields(cls)}:
            raise ValueError("not an isolation record")
        layers = {name: Layer.of(value[name]) for name in cls.LAYERS}
        limits = value["resource_limits"]
        if type(limits) is not dict or not all(type(k) is str and type(v) in (int, str) for k, v in limits.items()):
            raise ValueError("bad resource limits in an isolation record")
        if type(value["python_environment"]) is not str or type(value["refused"]) is not str:
            raise ValueError("bad text in an isolation record")
        return cls(**layers, resource_limits=limits, python_environment=value["python_environment"],
                   refused=value["refused"])

    def missing(self) -> list[str]:
        return [name for name in self.LAYERS if not getattr(self, name).active]

    def line(self) -> str:
        """One line for the instructor: each layer, and loudly each one that is missing."""
        names = {"user": "own user", "namespaces": "namespaces", "landlock": "Landlock",
                 "seccomp": "seccomp", "grading_limits": "grading-wide limits"}
        if self.refused:
            return f"REFUSED: {self.refused}"
        parts = [names[name] if getattr(self, name).active
                 else f"NO {names[name]} ({getattr(self, name).detail})" for name in self.LAYERS]
        return ", ".join([*parts, "per-process limits"])


def refusal(isolation: Isolation, *, grader_is_root: bool, trusted: bool) -> str:
    """Why student code may not run under ``isolation`` (empty where it may): the sentence the
    instructor reads, naming the fix."""
    if grader_is_root and not isolation.user.active:
        return ("Student code would run as root, the grader's own user: no other user can run "
                f"the Python environment ({isolation.python_environment}). Install the grading "
                "environment where every user can read it (the autograder zip's setup.sh builds "
                "it under /opt/autograder-env), or grade on a machine where the grader may make "
                "a mount namespace.")
    if not grader_is_root and not isolation.landlock.active and not trusted:
        return ("The grader does not run as root and this kernel has no Landlock, so student "
                "code would run as your own user and could read the hidden tests. Grade as root, "
                "or on a kernel with Landlock, or declare these submissions trusted "
                "(autograder grade --trust-submissions).")
    return ""


@dataclass(frozen=True)
class Plan:
    """Everything the zygote and the student processes need to set themselves up; decided by
    the judge before it reads anything secret."""

    scratch: Path  # the student's working folder (empty: the zygote fills it from staging)
    staging: Path  # the judge's layout of it: the notebook and the assignment's data files
    limits: Limits
    uid: int | None  # None: the grader is not root, the student process keeps its user
    judge_pids: tuple[int, ...]  # processes and groups it may not signal (and its parent)
    trusted: bool = False  # the submissions are declared trusted (see refusal)
    group: ControlGroup | None = None
    group_problem: str = ""  # why there is no control group


@dataclass(frozen=True)
class Space:
    """What the zygote made of the grading's space, for every student process it forks."""

    namespaces: Layer
    environment_shown: bool  # the Python environment is readable by the student's user
    python_environment: str


# --- the judge's side: slots and the zygote --------------------------------------------------------


def grader_is_root() -> bool:
    return os.geteuid() == 0


class Slot:
    """A student uid held for one grading, so concurrent gradings never share a user."""

    def __init__(self) -> None:
        import fcntl

        self.uid: int | None = None
        self._lock = None
        if not grader_is_root():
            return
        SLOT_LOCKS.mkdir(mode=0o700, exist_ok=True)
        for index in range(MAX_SLOTS):
            handle = open(SLOT_LOCKS / f"{index}.lock", "w")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                continue
            self.uid, self._lock = STUDENT_UID_BASE + index, handle
            return
        raise RuntimeError(f"all {MAX_SLOTS} student users are busy")

    def release(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None


def become_subreaper() -> None:
    """Orphaned descendants (a student's daemon) become this process's children, to be ended."""
    try:
        _libc().prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def guard_memory() -> None:
    """Make this process non-dumpable: no other process of its user may ptrace it or read its
    memory through /proc (where the student's code keeps the grader's user, on a laptop)."""
    try:
        _libc().prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def protected_processes() -> tuple[int, ...]:
    """This process, its ancestors and their process groups: what student code may not signal."""
    found, pid = set(), os.getpid()
    for _ in range(64):
        if pid <= 1:
            break
        found.add(pid)
        try:
            found.add(os.getpgid(pid))
            fields_ = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            break
        pid = int(fields_[1])
    return tuple(sorted(p for p in found if p > 1))


def control_group(prefix: str, limits: Limits) -> tuple[ControlGroup | None, str]:
    """The grading's control group, or None and why not (see :mod:`.cgroups`). Its name is
    ``prefix``, the pid and a random part: the pid alone repeats across containers, which
    share the machine's control groups while each numbers its processes from 1."""
    from .cgroups import Unavailable

    name = f"{prefix}-{os.getpid()}-{secrets.token_hex(4)}"
    if not grader_is_root():
        return None, "the grader does not run as root"
    try:
        return ControlGroup.create(name, memory_bytes=limits.memory_mb * MB, processes=limits.processes,
                                   cpus=limits.cpus), ""
    except Unavailable as problem:
        return None, str(problem)


class Zygote:
    """A clean fork of the judge, made before the judge reads anything secret, that makes the
    grading's space and then student processes on request, handing their channels to the judge.

    ``student_main(channel, output_fd, space)`` is what each student process runs; it never
    returns.
    """

    def __init__(self, plan: Plan, student_main: Callable[..., None]):
        self._control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.pid = os.fork()
        if self.pid == 0:  # the zygote
            try:
                self._control.close()
                space = prepare_space(plan)
                _zygote_loop(theirs, lambda channel, output: student_main(channel, output, space))
            finally:
                os._exit(0)
        theirs.close()

    def spawn(self) -> tuple[int, socket.socket, int]:
        """A new student process: (pid, its channel, the read end of its output)."""
        try:
            self._control.sendall(b"spawn\n")
            message, fds, _, _ = socket.recv_fds(self._control, 1024, 2)
        except OSError as error:
            raise RuntimeError(f"the zygote is gone ({error})") from None
        if len(fds) != 2:
            raise RuntimeError("the zygote could not start a student process")
        pid = json.loads(message)["pid"]
        return pid, socket.socket(fileno=fds[0]), fds[1]

    def close(self) -> None:
        try:
            self._control.close()
        finally:
            _kill(self.pid)
            _reap(self.pid)


def _zygote_loop(control: socket.socket, student_main: Callable[..., None]) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps ended student processes
    reader = control.makefile("rb")
    while reader.readline() == b"spawn\n":
        channel, student_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        output_read, output_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                control.close()
                channel.close()
                os.close(output_read)
                student_main(student_end, output_write)
            finally:
                os._exit(70)
        student_end.close()
        os.close(output_write)
        socket.send_fds(control, [json.dumps({"pid": pid}).encode()], [channel.fileno(), output_read])
        channel.close()
        os.close(output_read)


# --- the zygote's side: the grading's space ---------------------------------------------------------


def prepare_space(plan: Plan) -> Space:
    """The grading's namespaces, scratch folder and view of the Python environment (run once,
    in the zygote). Never raises for what the machine lacks: the record says it."""
    hidden = [p for p in python_paths() if not others_can_read(p)]
    namespaces = Layer(False, "the grader does not run as root")
    if plan.uid is not None:
        try:
            namespaces = _own_namespaces(plan)
        except OSError as error:
            namespaces = Layer(False, f"unavailable ({os.strerror(error.errno or errno.EPERM)})")
    shown = plan.uid is None or not hidden
    environment = "readable by every user" if not hidden else ""
    if plan.uid is not None and hidden:
        if namespaces.active:
            try:
                _expose(hidden)
                shown = True
                environment = f"shown read-only through the grading's mount namespace ({', '.join(map(str, hidden))})"
            except OSError as error:
                environment = f"{hidden[0]} cannot be shown to another user ({os.strerror(error.errno or errno.EPERM)})"
        else:
            environment = f"{hidden[0]} is in a folder other users cannot enter, and no mount namespace can show it"
    elif plan.uid is None and hidden:
        environment = "the grader's own (the student process keeps the grader's user)"
    _fill_scratch(plan)
    return Space(namespaces, shown, environment)


def _own_namespaces(plan: Plan) -> Layer:
    """A mount, a network and an IPC namespace for this grading alone, with its own ``/proc``
    view, ``/dev/shm`` and scratch tmpfs (root only)."""
    libc = _libc()
    if libc.unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC) != 0:
        raise OSError(ctypes.get_errno(), "unshare")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    given = ["no network interface", "SysV IPC of its own"]
    try:  # other users' processes out of sight: no other grading's command line, nor the batch's
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=invisible")
        given.append("only its own processes in /proc")
    except OSError:
        try:
            _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2")
            given.append("only its own processes in /proc")
        except OSError:
            pass
    if os.path.isdir("/dev/shm"):
        _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV,
               f"mode=1777,size={SHARED_MEMORY_MB}m,nr_inodes=1024")
        given.append(f"a /dev/shm of its own ({SHARED_MEMORY_MB} MB)")
    limits = plan.limits
    _mount("tmpfs", str(plan.scratch), "tmpfs", MS_NOSUID | MS_NODEV,
           f"mode=0700,size={limits.disk_mb}m,nr_inodes={limits.files}")
    given.append(f"a scratch folder of {limits.disk_mb} MB and {limits.files} files")
    return Layer(True, "private mount, network and IPC namespaces: " + ", ".join(given))


def _fill_scratch(plan: Plan) -> None:
    """Copy the judge's layout into the scratch folder and give it to the student's user."""
    for item in sorted(plan.staging.iterdir()):
        target = plan.scratch / item.name
        if item.is_dir():
            shutil.copytree(item, target, symlinks=False)
        else:
            shutil.copyfile(item, target)
    if plan.uid is None:
        return
    for folder, folders, files in os.walk(plan.scratch, followlinks=False):
        os.chown(folder, plan.uid, plan.uid, follow_symlinks=False)
        for name in files:
            os.chown(os.path.join(folder, name), plan.uid, plan.uid, follow_symlinks=False)


def _expose(paths: list[Path]) -> None:
    """Show ``paths`` to other users by covering each closed ancestor with an open tmpfs
    that holds bind mounts of just those paths (in this process's private mount namespace).

    Raises ``OSError`` and leaves the mounts as they were when it cannot.
    """
    libc = _libc()
    # opened inside the new namespace: a bind mount's source must live in the same one
    handles = {path: os.open(path, os.O_PATH) for path in paths}
    closed = sorted({_first_closed(path) for path in paths}, key=lambda p: len(p.parts))
    covered = []
    try:
        for folder in closed:
            if any(folder != other and other in folder.parents for other in closed):
                continue
            mode = f"mode={stat.S_IMODE(os.stat(folder).st_mode) | 0o755:o}"
            _mount("tmpfs", str(folder), "tmpfs", 0, mode)
            covered.append(folder)
        for path, handle in handles.items():
            path.mkdir(parents=True, exist_ok=True)
            _mount(f"/proc/self/fd/{handle}", str(path), None, MS_BIND | MS_REC)
            _mount(None, str(path), None, MS_REMOUNT | MS_BIND | MS_RDONLY)
    except OSError:
        for folder in reversed(covered):
            libc.umount2(str(folder).encode(), MNT_DETACH)
        raise
    finally:
        for handle in handles.values():
            os.close(handle)


def _first_closed(path: Path) -> Path:
    for folder in [*reversed(path.parents), path]:
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return folder
    return path


def _mount(source: str | None, target: str, kind: str | None, flags: int, data: str | None = None) -> None:
    libc = _libc()
    def encode(text: str | None) -> bytes | None:
        return None if text is None else text.encode()

    if libc.mount(encode(source), encode(target), encode(kind), flags, encode(data)) != 0:
        raise OSError(ctypes.get_errno(), f"mount {target}")


def python_paths() -> list[Path]:
    """The folders the student process must read: the interpreter, its library, site-packages."""
    found = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(),
             Path(os.path.realpath(sys.executable)).parent}
    for entry in sys.path:
        if entry and os.path.isdir(entry) and ("site-packages" in entry or "dist-packages" in entry):
            found.add(Path(entry).resolve())
    found = {p for p in found if p.exists()}
    return sorted(p for p in found if not any(other in p.parents for other in found))


def others_can_read(path: Path) -> bool:
    """Whether a user with no rights but "others" can reach ``path`` and list it."""
    for folder in [*reversed(path.parents), path]:
        mode = os.stat(folder).st_mode
        if not mode & stat.S_IXOTH:
            return False
    return bool(os.stat(path).st_mode & stat.S_IROTH)


# --- the student's side: entering the sandbox ---------------------------------------------------


def enter(plan: Plan, space: Space, channel: socket.socket, output_fd: int) -> Isolation:
    """Put this (freshly forked) process in the sandbox; returns what was applied.

    Where a required layer is missing (:func:`refusal`) the record says so in ``refused``
    and the caller runs no student code.
    """
    os.setsid()
    _keep_only_fds(channel.fileno(), output_fd)
    grading_limits = _join_group(plan)
    rlimits = _limit_resources(plan.limits)
    uid = plan.uid if plan.uid is not None and space.environment_shown else None
    _prepare_environment(plan.scratch)
    rules = _landlock_rules(plan.scratch, python_paths(), shared_memory=space.namespaces.active)
    if uid is not None:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
        user = Layer(True, f"uid {uid}, an unprivileged user of its own")
    elif plan.uid is None:
        user = Layer(False, f"uid {os.getuid()}, the grader's own: the grader does not run as root")
    else:
        user = Layer(False, f"uid {os.getuid()}, the grader's own: {space.python_environment}")
    isolation = Isolation(user=user, namespaces=space.namespaces, landlock=_apply_landlock(rules),
                          seccomp=_apply_seccomp((*plan.judge_pids, os.getppid())),
                          grading_limits=grading_limits, resource_limits=rlimits,
                          python_environment=space.python_environment)
    return replace(isolation, refused=refusal(isolation, grader_is_root=plan.uid is not None,
                                              trusted=plan.trusted))


def _join_group(plan: Plan) -> Layer:
    if plan.group is None:
        return Layer(False, plan.group_problem or "no control group")
    try:
        plan.group.join()
    except OSError as error:
        return Layer(False, f"could not join the grading's control group ({error.strerror})")
    return Layer(True, plan.group.describe())


def _keep_only_fds(channel_fd: int, output_fd: int) -> None:
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    keep = sorted({0, 1, 2, channel_fd})
    start = 3
    for fd in keep[3:] + [resource.getrlimit(resource.RLIMIT_NOFILE)[0]]:
        if fd > start:
            os.closerange(start, fd)
        start = fd + 1


def _status_kb(field_name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    return 0


def _limit_resources(limits: Limits) -> dict[str, int | str]:
    """Limits relative to what the process already holds (torch alone maps 600 MB)."""
    memory = limits.memory_mb * MB
    address_space = _status_kb("VmSize") * 1024 + memory
    data = _status_kb("VmData") * 1024 + memory
    wanted = {
        "RLIMIT_AS": address_space,
        "RLIMIT_DATA": data,
        "RLIMIT_CPU": limits.cpu_seconds,
        "RLIMIT_NPROC": limits.processes,
        "RLIMIT_FSIZE": limits.file_mb * MB,
        "RLIMIT_NOFILE": limits.open_files,
        "RLIMIT_CORE": 0,
    }
    applied: dict[str, int | str] = {}
    for name, value in wanted.items():
        which = getattr(resource, name)
        _, hard = resource.getrlimit(which)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        try:
            resource.setrlimit(which, (value, value))
            applied[name] = value
        except (ValueError, OSError) as error:
            applied[name] = f"not set: {error}"
    return applied


# Variables of the grader's environment the student process keeps; the rest (tokens, paths to
# the grader's files) stay out of its reach. The engine's own (threads, malloc arenas) are
# named once, in settings.ENGINE_ENVIRONMENT.
KEPT_VARIABLES = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", *ENGINE_ENVIRONMENT, "OPENBLAS_CORETYPE",
                  "OPENBLAS_L2_SIZE")


def _prepare_environment(scratch: Path) -> None:
    os.chdir(scratch)
    home = str(scratch)
    kept = {name: os.environ[name] for name in KEPT_VARIABLES if name in os.environ}
    os.environ.clear()
    os.environ.update(kept)
    os.environ.update({
        "HOME": home, "TMPDIR": home, "IPYTHONDIR": str(scratch / ".ipython"),
        "MPLCONFIGDIR": str(scratch / ".matplotlib"), "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1",
    })
    import tempfile

    tempfile.tempdir = None
    sys.dont_write_bytecode = True


# --- Landlock ------------------------------------------------------------------------------------

READ_ONLY_ROOTS = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc", "/opt", "/proc",
                   "/sys", "/dev")
READ_WRITE_FILES = ("/dev/null", "/dev/zero", "/dev/urandom", "/dev/random")


def _landlock_rules(scratch: Path, python_paths: list[Path], shared_memory: bool) -> Layer | tuple[Any, int]:
    """The ruleset (paths are opened now, while they can be): built before the user changes."""
    # landlock 1.0.0.dev5 takes any non-zero errno after a call for a failure, even a stale
    # one left by an earlier call that had failed: so errno is cleared before each of its calls.
    try:
        import landlock
        from landlock.plumbing import FSAccess

        ctypes.set_errno(0)
        version = landlock.landlock_abi_version()
        read_only = FSAccess.EXECUTE | FSAccess.READ_FILE | FSAccess.READ_DIR
        ctypes.set_errno(0)
        ruleset = landlock.Ruleset(restrict_rules=FSAccess.all())
        readable = [p for p in READ_ONLY_ROOTS if os.path.exists(p)] + [str(p) for p in python_paths]
        for path in readable:
            ctypes.set_errno(0)
            ruleset.allow(path, rules=read_only)
        # /dev/shm only where it is the grading's own (a tmpfs in its mount namespace)
        for path in READ_WRITE_FILES + (("/dev/shm",) if shared_memory else ()):
            if os.path.exists(path):
                ctypes.set_errno(0)
                ruleset.allow(path, rules=FSAccess.all() if os.path.isdir(path) else FSAccess.all_file())
        ctypes.set_errno(0)
        ruleset.allow(str(scratch), rules=FSAccess.all())
    except Exception as error:  # no module, no kernel support, or blocked by a seccomp profile
        return Layer(False, f"unavailable: {error}".splitlines()[0])
    return ruleset, version


def _apply_landlock(rules: Layer | tuple[Any, int]) -> Layer:
    if isinstance(rules, Layer):
        return rules
    ruleset, version = rules
    try:
        ctypes.set_errno(0)
        ruleset.apply()
    except Exception as error:
        return Layer(False, f"unavailable: {error}".splitlines()[0])
    return Layer(True, f"ABI {version}: read-only system and Python environment, read-write "
                       "scratch folder (and the grading's own /dev/shm), nothing else")


# --- seccomp -------------------------------------------------------------------------------------

DENIED_CALLS = ("ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd",
                "pidfd_send_signal", "io_uring_setup", "io_uring_enter", "io_uring_register",
                "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "bpf",
                "perf_event_open", "kexec_load", "init_module", "finit_module", "add_key",
                "keyctl", "request_key",
                # memory outside every per-process limit, and objects that outlive a grading
                "memfd_create", "memfd_secret", "msgget", "semget", "shmget",
                # a new session escapes the scheduler's sharing between gradings
                "setsid")
F_GETLK, F_SETLK, F_SETLKW, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW = 5, 6, 7, 36, 37, 38


def _apply_seccomp(judge_pids: tuple[int, ...]) -> Layer:
    try:
        import pyseccomp as seccomp

        denied = seccomp.ERRNO(errno.EPERM)
        done = seccomp.ERRNO(0)  # "succeeds" and does nothing
        rules = seccomp.SyscallFilter(seccomp.ALLOW)
        # sockets: Unix ones only (no network, so no reaching a port anyone listens on)
        rules.add_rule(seccomp.ERRNO(errno.EACCES), "socket",
                       seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
        for call in DENIED_CALLS:
            try:
                rules.add_rule(denied, call)
            except (OSError, ValueError, RuntimeError):
                pass  # a call this architecture does not have
        # file locks: a lock on a file every grading can open is a signal between gradings
        rules.add_rule(done, "flock")
        for command in (F_SETLK, F_SETLKW, F_OFD_SETLK, F_OFD_SETLKW):
            rules.add_rule(done, "fcntl", seccomp.Arg(1, seccomp.EQ, command))
        for command in (F_GETLK, F_OFD_GETLK):
            rules.add_rule(seccomp.ERRNO(errno.EINVAL), "fcntl", seccomp.Arg(1, seccomp.EQ, command))

        # a pid is a 32-bit int: compare the low 32 bits only, so -pid matches however the
        # register holding it was extended
        def pid_is(value: int) -> Any:
            return seccomp.Arg(0, seccomp.MASKED_EQ, 0xFFFFFFFF, value & 0xFFFFFFFF)

        for pid in judge_pids:
            for call in ("kill", "tkill"):
                rules.add_rule(denied, call, pid_is(pid))
                rules.add_rule(denied, call, pid_is(-pid))
            rules.add_rule(denied, "tgkill", pid_is(pid))
            rules.add_rule(denied, "rt_sigqueueinfo", pid_is(pid))
            rules.add_rule(denied, "rt_tgsigqueueinfo", pid_is(pid))
        rules.add_rule(denied, "kill", pid_is(-1))
        rules.load()
    except Exception as error:  # no libseccomp, or a kernel without seccomp filters
        return Layer(False, f"unavailable: {error}".splitlines()[0])
    return Layer(True, "no sockets but Unix ones, no ptrace or access to other processes' "
                       "memory, no io_uring, namespaces, mounts, memfd or SysV IPC, no new "
                       "session, file locks that do nothing, no signals to the grader's processes")


# --- ending ----------------------------------------------------------------------------------------


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def processes_of(uid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.stat(f"/proc/{entry}").st_uid == uid:
                pids.append(int(entry))
        except FileNotFoundError:
            continue
    return pids


def kill_user(uid: int) -> int:
    """Kill every process of ``uid``, forks included: from a helper that is that user, with
    ``kill(-1)``, repeated until none is left. Returns how many were found on the first look."""
    found = len(processes_of(uid))
    for _ in range(20):
        if not processes_of(uid):
            break
        helper = os.fork()
        if helper == 0:
            try:
                os.setgroups([])
                os.setresgid(uid, uid, uid)
                os.setresuid(uid, uid, uid)
                os.kill(-1, signal.SIGKILL)
            finally:
                os._exit(0)
        _reap(helper)
    reap_orphans()
    return found


def remove_files_of(uid: int, roots: tuple[Path, ...] = SHARED_WRITABLE) -> int:
    """Remove what ``uid`` left directly in the folders every user may write (where no
    namespace gave the grading its own); how many entries there were."""
    removed = 0
    for root in roots:
        try:
            entries = list(os.scandir(root))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
                removed += 1
            except OSError:
                continue
    return removed


def kill_descendants() -> int:
    """Kill every descendant of this process (the subreaper's orphans included); how many
    there were at first."""
    try:
        import psutil
    except ImportError:
        return 0
    found = None
    for _ in range(20):
        family = psutil.Process().children(recursive=True)
        found = len(family) if found is None else found
        if not family:
            break
        for process in family:
            try:
                process.kill()
            except psutil.Error:
                pass
        psutil.wait_procs(family, timeout=1)
        reap_orphans()
    return found or 0


def reap_orphans() -> None:
    """Collect every child that has ended (student daemons that landed here as orphans)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_student(pid: int, uid: int | None) -> None:
    """End one student process and what it started, for certain."""
    _kill(pid)
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if uid is not None:
        kill_user(uid)
