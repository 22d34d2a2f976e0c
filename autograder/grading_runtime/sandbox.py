"""Start, limit and end the student process: the one place that knows how.

The judge never runs student code itself. It forks a *zygote* as its first act, before it
has read a test or a reference number, and asks the zygote for each student process, so
that no student process ever holds a copy of the judge's memory with the hidden cases in it.
The zygote forks the student process, which then, before any student code runs:

1. keeps only its channel to the judge and an output pipe (fds 1 and 2), ``/dev/null`` on 0;
2. takes resource limits: address space and data (the memory limit above what it already
   uses), CPU time, processes, file size, open files, no core dumps;
3. where the grader is root, enters a mount and a network namespace of its own (no network,
   abstract sockets and /dev/shm apart from other gradings) where the machine allows them,
   and drops to an unprivileged user of its own (one per concurrent grading, so the process
   limit and the final kill reach that grading's processes only). If the Python
   environment lies under a folder that user cannot enter (``/root`` is 0700), it is shown
   to the process through its mount namespace; without one, the process keeps the grader's
   user with every capability dropped, and says so. The judge hands the scratch folder to
   that user once, before any student code runs;
4. applies Landlock where the kernel has it: read-only access to the system and the Python
   environment, read-write access to its scratch folder only. The hidden tests, the
   reference numbers, the grading runtime and the results folder are not among them;
5. applies a seccomp filter where libseccomp is present: no sockets but Unix ones, no
   ptrace or access to other processes' memory, no io_uring, no namespaces or mounts, no
   signals to the judge, its ancestors or their process groups.

It keeps none of the grader's environment variables but the few that shape numerics
(``KEPT_VARIABLES``); and the judge makes itself non-dumpable, so that where the student
process keeps the grader's user (a laptop), it still cannot read the judge's memory.

Each layer that could not be applied is recorded, with the reason, in the :class:`Isolation`
record the student process sends as its first message (before any student code has run,
so the record is still its own). At the end, :meth:`Zygote.end_everything` kills the student
process and every process of its user, and the zygote.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import resource
import signal
import socket
import stat
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

STUDENT_UID_BASE = 64000  # students get uids 64000, 64001, ... one per concurrent grading
SLOT_LOCKS = Path("/tmp/autograder-student-slots")
MAX_SLOTS = 64
PR_SET_CHILD_SUBREAPER = 36
PR_SET_DUMPABLE = 4
CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
SHARED_MEMORY_MB = 64
MS_RDONLY, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What the student process may use; from the grading settings."""

    memory_mb: int
    cpu_seconds: int
    processes: int
    open_files: int
    file_mb: int


@dataclass
class Isolation:
    """Which protections the student process runs under; staff see it in results.json."""

    separate_process: bool = True
    user: str = ""
    resource_limits: dict = field(default_factory=dict)
    python_environment: str = ""
    namespaces: str = ""
    landlock: str = ""
    seccomp: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Plan:
    """Everything the student process needs to set itself up; decided by the judge."""

    scratch: Path
    limits: Limits
    uid: int | None  # None: the grader is not root, the student process keeps its user
    judge_pids: tuple[int, ...]  # processes and groups it may not signal (and its parent)


# --- the judge's side: slots and the zygote --------------------------------------------------------


def grader_is_root() -> bool:
    return os.geteuid() == 0


class Slot:
    """A student uid held for one grading, so concurrent gradings never share a user."""

    def __init__(self):
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
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            break
        pid = int(fields[1])
    return tuple(sorted(p for p in found if p > 1))


class Zygote:
    """A clean fork of the judge, made before the judge reads anything secret, that makes
    student processes on request and hands their channels to the judge.

    ``student_main(channel, output_fd)`` is what each student process runs; it never returns.
    """

    def __init__(self, student_main):
        self._control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.pid = os.fork()
        if self.pid == 0:  # the zygote
            try:
                self._control.close()
                _zygote_loop(theirs, student_main)
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


def _zygote_loop(control: socket.socket, student_main) -> None:
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


# --- the student's side: entering the sandbox ---------------------------------------------------


def enter(plan: Plan, channel: socket.socket, output_fd: int) -> Isolation:
    """Put this (freshly forked) process in the sandbox; returns what was applied."""
    record = Isolation()
    os.setsid()
    _keep_only_fds(channel.fileno(), output_fd)
    record.resource_limits = _limit_resources(plan.limits)
    visible = python_paths()
    exposure = "readable by every user"
    hidden = [p for p in visible if not others_can_read(p)]
    uid = plan.uid
    private = False
    if uid is not None:
        try:
            _private_namespaces()
            private = True
            record.namespaces = ("private mount and network namespaces: no network interface, "
                                 "a /dev/shm and abstract sockets of its own")
        except OSError as error:
            record.namespaces = f"unavailable ({os.strerror(error.errno)}): no shared memory"
    else:
        record.namespaces = "unavailable: the grader does not run as root; no shared memory"
    if uid is not None and hidden:
        try:
            if not private:
                raise OSError(errno.EPERM, "no mount namespace")
            _expose(hidden)
            exposure = f"shown through the private mount namespace ({', '.join(map(str, hidden))})"
        except OSError as error:
            exposure = (f"not readable by another user ({hidden[0]}) and no mount namespace "
                        f"could show it ({os.strerror(error.errno)})")
            uid = None
    record.python_environment = exposure
    _prepare_scratch(plan.scratch)
    rules = _landlock_rules(plan.scratch, visible, shared_memory=private)
    if uid is not None:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
        record.user = f"uid {uid}, an unprivileged user of its own"
    elif plan.uid is None:
        record.user = f"uid {os.getuid()}, the grader's own: the grader does not run as root"
    else:
        dropped = _drop_capabilities()
        record.user = f"uid {os.getuid()}, the grader's own: {exposure}; {dropped}"
    record.landlock = _apply_landlock(rules)
    record.seccomp = _apply_seccomp((*plan.judge_pids, os.getppid()))
    return record


class _CapabilityHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapabilityData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def _drop_capabilities() -> str:
    """Keep the uid (root) but no capability: no reading others' files past their modes, no
    ptrace of the non-dumpable judge, no signals to other users' processes."""
    header = _CapabilityHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (_CapabilityData * 2)()
    if _libc().capset(ctypes.byref(header), data) != 0:
        return f"its capabilities could not be dropped ({os.strerror(ctypes.get_errno())})"
    return "every capability dropped"


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


def _limit_resources(limits: Limits) -> dict:
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
    applied = {}
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


def _private_namespaces() -> None:
    """A mount and a network namespace of this process alone (root only): no network
    interface but a down loopback, abstract Unix sockets apart from every other grading's, and
    a /dev/shm of its own, so nothing left there reaches another grading."""
    libc = _libc()
    if libc.unshare(CLONE_NEWNS | CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "unshare")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    if os.path.isdir("/dev/shm"):
        _mount("tmpfs", "/dev/shm", "tmpfs", 0, f"mode=1777,size={SHARED_MEMORY_MB}m")


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


def _mount(source, target, kind, flags, data=None) -> None:
    libc = _libc()
    encode = lambda text: None if text is None else text.encode()  # noqa: E731
    if libc.mount(encode(source), encode(target), encode(kind), flags, encode(data)) != 0:
        raise OSError(ctypes.get_errno(), f"mount {target}")


# Variables of the grader's environment the student process keeps; the rest (tokens, paths to
# the grader's files) stay out of its reach.
KEPT_VARIABLES = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                  "OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "MALLOC_ARENA_MAX")


def _prepare_scratch(scratch: Path) -> None:
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


def give_to(scratch: Path, uid: int | None) -> None:
    """Hand the scratch folder the judge laid out to the student's user, once, before any
    student code runs (never again as root: what a student writes there may be a link)."""
    if uid is None:
        return
    for folder, folders, files in os.walk(scratch, followlinks=False):
        os.chown(folder, uid, uid, follow_symlinks=False)
        for name in files + [f for f in folders if os.path.islink(os.path.join(folder, f))]:
            os.chown(os.path.join(folder, name), uid, uid, follow_symlinks=False)


# --- Landlock ------------------------------------------------------------------------------------

READ_ONLY_ROOTS = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc", "/opt", "/proc",
                   "/sys", "/dev")
READ_WRITE_FILES = ("/dev/null", "/dev/zero", "/dev/urandom", "/dev/random")


def _landlock_rules(scratch: Path, python_paths: list[Path], shared_memory: bool):
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
        # /dev/shm only where it is this process's own (a tmpfs in its mount namespace)
        for path in READ_WRITE_FILES + (("/dev/shm",) if shared_memory else ()):
            if os.path.exists(path):
                ctypes.set_errno(0)
                ruleset.allow(path, rules=FSAccess.all() if os.path.isdir(path) else FSAccess.all_file())
        ctypes.set_errno(0)
        ruleset.allow(str(scratch), rules=FSAccess.all())
    except Exception as error:  # no module, no kernel support, or blocked by a seccomp profile
        return f"unavailable: {error}".splitlines()[0]
    return ruleset, version


def _apply_landlock(rules) -> str:
    if isinstance(rules, str):
        return rules
    ruleset, version = rules
    try:
        ctypes.set_errno(0)
        ruleset.apply()
    except Exception as error:
        return f"unavailable: {error}".splitlines()[0]
    return (f"active (ABI {version}): read-only system and Python environment, read-write "
            "scratch folder (and its own /dev/shm), nothing else")


# --- seccomp -------------------------------------------------------------------------------------

DENIED_CALLS = ("ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd",
                "pidfd_send_signal", "io_uring_setup", "io_uring_enter", "io_uring_register",
                "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "bpf",
                "perf_event_open", "kexec_load", "init_module", "finit_module", "add_key",
                "keyctl", "request_key")


def _apply_seccomp(judge_pids: tuple[int, ...]) -> str:
    try:
        import pyseccomp as seccomp

        denied = seccomp.ERRNO(errno.EPERM)
        rules = seccomp.SyscallFilter(seccomp.ALLOW)
        # sockets: Unix ones only (no network, so no reaching a port anyone listens on)
        rules.add_rule(seccomp.ERRNO(errno.EACCES), "socket",
                       seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
        for call in DENIED_CALLS:
            try:
                rules.add_rule(denied, call)
            except (OSError, ValueError, RuntimeError):
                pass  # a call this architecture does not have
        # a pid is a 32-bit int: compare the low 32 bits only, so -pid matches however the
        # register holding it was extended
        def pid_is(value: int):
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
        return f"unavailable: {error}".splitlines()[0]
    return ("active: no sockets but Unix ones, no ptrace or access to other processes' "
            "memory, no io_uring, namespaces or mounts, no signals to the grader's processes")


# --- ending ----------------------------------------------------------------------------------------


def _libc():
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
