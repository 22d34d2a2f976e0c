"""Starting, limiting and ending student processes (``grading_runtime/sandbox.py``).

Each scenario runs in a forked *judge* process that makes itself a child subreaper, as the
real judge does, and forks the *student* process from there; the student makes the
grading's space (``sandbox.prepare_space``, the zygote's part) and calls ``sandbox.enter``,
and reports what it could and could not do over a socketpair, then the judge reports to
the test. Every process a scenario starts ends inside that judge
(``kill_user``, ``kill_descendants``), so none is left to the machine's init, which here
never reaps its zombies (and zombies of a student uid would count against that uid's
process limit in later gradings).

Tests that need the student to get a uid of its own need root and are skipped otherwise.
The student's scratch folder is made directly under /tmp, as the judge makes it: pytest's
``tmp_path`` lies under /tmp/pytest-of-<user>, which mode 0700 closes to the student's uid.
"""

from __future__ import annotations

import ctypes
import errno
import importlib
import importlib.util
import json
import os
import platform
import select
import shutil
import signal
import socket
import sys
import tempfile
import time
import traceback
from pathlib import Path

import pytest

from autograder.grading_runtime import remote, sandbox, student, wire
from conftest import landlock_abi, reader_of

NEEDS_ROOT = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="needs root: only a root grader gives the student process a uid of its own "
           "(and can set RLIMIT_NPROC for it, take a Slot, or kill_user)")
REPOSITORY = Path(__file__).resolve().parents[1]


def _has_seccomp() -> bool:
    try:
        import pyseccomp  # noqa: F401
    except Exception:
        return False
    return True


NEEDS_LANDLOCK = pytest.mark.skipif(landlock_abi() < 1, reason="needs a kernel with Landlock and "
                                    "the landlock package")
NEEDS_SECCOMP = pytest.mark.skipif(not _has_seccomp(), reason="needs libseccomp and pyseccomp")
MB = 1024 * 1024
LIMITS = sandbox.Limits(memory_mb=256, cpu_seconds=30, processes=16, open_files=64, file_mb=16)
REPORT_SECONDS = 20.0


# --- the harness -------------------------------------------------------------------------------------


def _read_line(sock: socket.socket, seconds: float) -> bytes:
    """One newline-ended message from ``sock``, or b"" if it closes or ``seconds`` pass first."""
    deadline = time.monotonic() + seconds
    data = b""
    while not data.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([sock], [], [], remaining)[0]:
            return b""
        chunk = sock.recv(65536)
        if not chunk:
            return b""
        data += chunk
    return data


def _send(sock: socket.socket, value) -> None:
    sock.sendall(json.dumps(value).encode() + b"\n")


def in_judge(task, uid: int | None = None) -> dict:
    """Run ``task()`` in a forked judge process (a child subreaper) and return what it returns.

    Before the judge ends, every process of ``uid`` and every descendant is killed and reaped.
    """
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:  # the judge
        try:
            ours.close()
            sandbox.become_subreaper()
            try:
                outcome = {"value": task()}
            except BaseException:
                outcome = {"error": traceback.format_exc()}
            finally:
                if uid is not None:
                    sandbox.kill_user(uid)
                sandbox.kill_descendants()
                sandbox.reap_orphans()
            _send(theirs, outcome)
        finally:
            os._exit(0)
    theirs.close()
    try:
        line = _read_line(ours, REPORT_SECONDS + 10)
    finally:
        ours.close()
        if not line:
            sandbox._kill(pid)
        os.waitpid(pid, 0)
    assert line, "the judge process reported nothing"
    outcome = json.loads(line)
    if "error" in outcome:
        pytest.fail("the judge process failed:\n" + outcome["error"])
    return outcome["value"]


def judges_plan(scratch: Path, uid: int | None, limits: sandbox.Limits = LIMITS, *,
                files: dict[str, str] | None = None, **options) -> sandbox.Plan:
    """(In a judge.) The plan as the judge makes it: this process, its ancestors and their groups
    protected, the layout of the scratch folder holding ``files`` (the zygote's part copies it
    in and hands it to the student's user)."""
    staging = Path(tempfile.mkdtemp(prefix="autograder-test-staging-"))
    for name, text in (files or {}).items():
        (staging / name).write_text(text, encoding="utf-8")
    return sandbox.Plan(scratch, staging, limits, uid, sandbox.protected_processes(), **options)


def run_student(plan: sandbox.Plan, body, linger: bool = False) -> dict:
    """(In a judge.) Fork a student process that enters the sandbox of ``plan``, runs
    ``body(plan)`` and reports ``{"isolation": ..., "result": ...}``.

    With ``linger`` the student stays alive (asleep) after reporting.
    """
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:  # the student
        try:
            ours.close()
            output = os.open(os.devnull, os.O_WRONLY)
            isolation = sandbox.enter(plan, sandbox.prepare_space(plan), theirs, output)
            try:
                report = {"isolation": isolation.as_dict(), "result": body(plan)}
            except BaseException:
                report = {"isolation": isolation.as_dict(), "error": traceback.format_exc()}
            _send(theirs, report)
            if linger:
                time.sleep(60)
        finally:
            os._exit(0)
    theirs.close()
    line = _read_line(ours, REPORT_SECONDS)
    ours.close()
    if not linger:
        sandbox._kill(pid)
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
    report = json.loads(line) if line else {"error": "the student process reported nothing"}
    report["pid"] = pid
    return report


def sandboxed(scratch: Path, uid: int | None, body, limits: sandbox.Limits = LIMITS, **plan) -> dict:
    """The student's report after ``body`` ran in a sandbox of ``scratch`` and ``uid``; fails the
    test if the body raised."""
    def task():
        return run_student(judges_plan(scratch, uid, limits, **plan), body)

    report = in_judge(task, uid)
    if "error" in report:
        pytest.fail("the student process failed:\n" + report["error"])
    return report


def attempt(action) -> str:
    """What happened: "ok", or the name of the exception raised."""
    try:
        action()
    except BaseException as error:
        return type(error).__name__
    return "ok"


@pytest.fixture
def scratch():
    """The student's scratch folder: under /tmp like the judge's, so the student's uid can enter it."""
    path = Path(tempfile.mkdtemp(prefix="autograder-test-scratch-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def slot():
    """A student uid held for this test (so no concurrent grading uses it meanwhile)."""
    held = sandbox.Slot()
    yield held
    held.release()


# --- what the student process can do ------------------------------------------------------------------


@NEEDS_ROOT
def test_the_student_runs_as_the_slots_uid_with_no_groups(scratch, slot):
    """After enter, does the process run as the slot's uid and gid, with no supplementary groups?"""
    def body(plan):
        return {"ids": [os.getuid(), os.geteuid(), os.getgid(), os.getegid()], "groups": os.getgroups(),
                "resuid": list(os.getresuid())}

    report = sandboxed(scratch, slot.uid, body)
    assert report["result"]["ids"] == [slot.uid] * 4
    assert report["result"]["resuid"] == [slot.uid] * 3 and report["result"]["groups"] == []


@NEEDS_LANDLOCK
def test_the_student_cannot_read_the_repository_or_the_judges_files(scratch, tmp_path):
    """Does Landlock keep the student from the repository (world-readable) and the judge's work folder?"""
    secret = tmp_path / "hidden_tests.py"
    secret.write_text("HIDDEN = 42\n", encoding="utf-8")
    readme = REPOSITORY / "README.md"  # world-readable, and the student keeps the grader's uid here

    def body(plan):
        return {"readme": attempt(lambda: open(readme, "rb").read()),
                "list_repository": attempt(lambda: os.listdir(REPOSITORY)),
                "secret": attempt(lambda: open(secret, "rb").read())}

    report = sandboxed(scratch, None, body)
    assert report["result"] == {"readme": "PermissionError", "list_repository": "PermissionError",
                                "secret": "PermissionError"}
    assert report["isolation"]["landlock"]["active"] is True


@NEEDS_LANDLOCK
@NEEDS_ROOT
def test_the_student_with_its_own_uid_cannot_read_root_or_the_repository(scratch, slot):
    """As its own uid, is the student kept out of /root and the repository?"""
    def body(plan):
        return {"list_root": attempt(lambda: os.listdir("/root")),
                "readme": attempt(lambda: open(REPOSITORY / "README.md", "rb").read())}

    report = sandboxed(scratch, slot.uid, body)
    assert report["result"] == {"list_root": "PermissionError", "readme": "PermissionError"}


@NEEDS_LANDLOCK
@pytest.mark.parametrize("own_uid", [False, pytest.param(True, marks=NEEDS_ROOT)],
                         ids=["grader's uid", "own uid"])
def test_the_student_can_read_and_write_its_scratch_folder_only(scratch, slot, own_uid):
    """Can the student write, read, list and delete in its scratch folder (its cwd, HOME and
    TMPDIR), and nowhere else?"""
    elsewhere = Path("/tmp") / f"autograder-test-outside-{os.getpid()}-{own_uid}"

    def body(plan):
        Path("written.txt").write_text("mine", encoding="utf-8")
        fd, temporary = tempfile.mkstemp()
        os.close(fd)
        os.mkdir(Path(os.environ["HOME"]) / "sub")
        return {"cwd": os.getcwd(), "home": os.environ["HOME"], "tmpdir": os.environ["TMPDIR"],
                "read_back": Path("written.txt").read_text(encoding="utf-8"),
                "data": (plan.scratch / "data.csv").read_text(encoding="utf-8"),
                "listing": sorted(os.listdir(".")),
                "temporary_inside": str(Path(temporary).parent) == str(plan.scratch),
                "delete": attempt(lambda: os.remove("written.txt")),
                "write_elsewhere": attempt(lambda: elsewhere.write_text("x")),
                "write_tmp_root": attempt(lambda: open("/tmp/autograder-test-nope", "w"))}

    try:
        result = sandboxed(scratch, slot.uid if own_uid else None, body, files={"data.csv": "1,2\n"})["result"]
    finally:
        for leftover in (elsewhere, Path("/tmp/autograder-test-nope")):
            leftover.unlink(missing_ok=True)
    assert result["cwd"] == result["home"] == result["tmpdir"] == str(scratch)
    assert result["read_back"] == "mine" and result["data"] == "1,2\n"
    assert {"data.csv", "written.txt", "sub"} <= set(result["listing"])
    assert result["temporary_inside"] is True and result["delete"] == "ok"
    assert result["write_elsewhere"] == "PermissionError" and result["write_tmp_root"] == "PermissionError"


@NEEDS_SECCOMP
def test_the_student_cannot_open_network_sockets_but_unix_ones(scratch):
    """Is creating an AF_INET or AF_INET6 socket refused, while a Unix socketpair still works?"""
    def body(plan):
        return {"inet": attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM)),
                "inet_udp": attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM)),
                "inet6": attempt(lambda: socket.socket(socket.AF_INET6, socket.SOCK_STREAM)),
                "netlink": attempt(lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW)),
                "unix": attempt(lambda: socket.socketpair(socket.AF_UNIX))}

    result = sandboxed(scratch, None, body)["result"]
    assert result == {"inet": "PermissionError", "inet_udp": "PermissionError",
                      "inet6": "PermissionError", "netlink": "PermissionError", "unix": "ok"}


@NEEDS_SECCOMP
def test_seccomp_keeps_a_student_with_the_graders_uid_from_signalling_the_judge(scratch):
    """With no uid of its own (so only seccomp stands in the way), is signalling the judge, its
    parent or all processes refused?"""
    parent_of_judge = os.getpid()  # this test process forks the judge
    # every probe sends signal 0: a permission check that delivers nothing even if allowed

    def body(plan):
        judge = os.getppid()
        return {"judge": attempt(lambda: os.kill(judge, 0)),
                "judges_parent": attempt(lambda: os.kill(parent_of_judge, 0)),
                "parent": attempt(lambda: os.kill(os.getppid(), 0)),
                "judge_as_group": attempt(lambda: os.kill(-judge, 0)),
                "everyone": attempt(lambda: os.kill(-1, 0)),
                "itself": attempt(lambda: os.kill(os.getpid(), 0)),
                "pidfd": attempt(lambda: signal.pidfd_send_signal(os.pidfd_open(judge), 0))}

    report = sandboxed(scratch, None, body)
    result = report["result"]
    assert result["judge"] == result["judges_parent"] == result["parent"] == "PermissionError"
    assert result["judge_as_group"] == result["everyone"] == "PermissionError"
    assert result["pidfd"] == "PermissionError" and result["itself"] == "ok"
    assert report["isolation"]["seccomp"]["active"] is True


@NEEDS_ROOT
def test_the_student_with_its_own_uid_cannot_signal_the_judge(scratch, slot):
    """As its own uid, is the student refused every signal to the judge, its ancestors and their groups?"""
    def body(plan):  # signal 0: a permission check that delivers nothing even if allowed
        return {pid: attempt(lambda pid=pid: os.kill(pid, 0)) for pid in plan.judge_pids}

    result = sandboxed(scratch, slot.uid, body)["result"]
    assert str(os.getpid()) in result  # this test process is the judge's parent
    assert set(result.values()) == {"PermissionError"}


@NEEDS_SECCOMP
def test_the_student_cannot_signal_the_judges_process_group(scratch):
    """When the judge is not its group's leader, is signalling the judge's process group still refused?"""
    def task():
        leader = os.fork()
        if leader == 0:  # stands for the batch parent or the shell that leads the judge's group
            os.setpgid(0, 0)
            time.sleep(60)
            os._exit(0)
        while os.getpgid(leader) != leader:
            time.sleep(0.001)
        os.setpgid(0, leader)
        return run_student(judges_plan(scratch, None), lambda plan: attempt(
            lambda: os.kill(-os.getpgid(os.getppid()), 0)))

    report = in_judge(task)
    assert report["result"] == "PermissionError"


@pytest.mark.skipif(platform.machine() != "x86_64", reason="uses the x86-64 number of rt_sigqueueinfo")
@NEEDS_SECCOMP
def test_the_student_cannot_queue_a_signal_to_the_judge(scratch):
    """Is rt_sigqueueinfo (a signal with data, by pid) to the judge refused like kill()?"""
    def body(plan):
        libc = ctypes.CDLL(None, use_errno=True)
        info = (ctypes.c_int * 32)()
        info[2] = -1  # si_code SI_QUEUE, which the kernel lets a process send to another
        ctypes.set_errno(0)
        # signal 0: only the permission check, nothing is delivered even when allowed
        result = libc.syscall(129, os.getppid(), 0, ctypes.byref(info))
        return os.strerror(ctypes.get_errno()) if result != 0 else "ok"

    assert sandboxed(scratch, None, body)["result"] == os.strerror(1)


def test_the_student_keeps_none_of_the_graders_environment_but_numerics(scratch):
    """Does a secret in the judge's environment stay out of the student's, PATH and thread settings kept?"""
    def task():  # the judge's environment, changed in the judge process only
        os.environ["AUTOGRADER_TEST_TOKEN"] = "secret"
        os.environ["OMP_NUM_THREADS"] = "1"
        return run_student(judges_plan(scratch, None), lambda plan: dict(os.environ))

    report = in_judge(task)
    assert "error" not in report, report.get("error")
    environment = report["result"]
    assert "AUTOGRADER_TEST_TOKEN" not in environment
    assert environment["OMP_NUM_THREADS"] == "1" and environment["HOME"] == str(scratch)
    own = {"HOME", "TMPDIR", "IPYTHONDIR", "MPLCONFIGDIR", "MPLBACKEND", "PYTHONDONTWRITEBYTECODE"}
    assert set(environment) <= set(sandbox.KEPT_VARIABLES) | own


def _read_judge(name: str):
    return lambda: open(f"/proc/{os.getppid()}/{name}", "rb").read()


@NEEDS_ROOT
@NEEDS_LANDLOCK
def test_on_a_laptop_the_student_cannot_read_the_judges_memory_or_environment(scratch, slot):
    """With a grader that is not root (the student keeps its user), are the judge's memory, maps
    and environment closed?"""
    def task():
        os.environ["AUTOGRADER_TEST_TOKEN"] = "secret"
        os.chown(scratch, slot.uid, slot.uid)
        os.setgroups([])
        os.setresgid(slot.uid, slot.uid, slot.uid)
        os.setresuid(slot.uid, slot.uid, slot.uid)  # the judge is now an ordinary user, as on a laptop
        sandbox.guard_memory()
        # this test's Python lies under /root, closed to that user; a laptop grader reads its own
        sandbox.python_paths = lambda: [Path(sys.prefix)]
        plan = judges_plan(scratch, None)
        return run_student(plan, lambda plan: {
            "uid": os.getuid(), "mem": attempt(_read_judge("mem")),
            "environ": attempt(_read_judge("environ")), "maps": attempt(_read_judge("maps")),
            "signal": attempt(lambda: os.kill(os.getppid(), 0))})

    report = in_judge(task, slot.uid)
    assert "error" not in report, report.get("error")
    assert report["result"] == {"uid": slot.uid, "mem": "PermissionError", "environ": "PermissionError",
                                "maps": "PermissionError", "signal": "PermissionError"}


@NEEDS_ROOT
def test_a_root_grading_that_cannot_give_the_student_its_own_user_refuses(scratch, slot):
    """With the Python environment closed to other users and no mount namespace to show it (a
    Docker container), is the record refused, naming the fix, rather than running student code as root?"""
    if all(sandbox.others_can_read(path) for path in sandbox.python_paths()):
        pytest.skip("the Python environment is readable by every user: a uid of its own always works")

    def task():
        def no_namespaces(plan):  # as in a container whose seccomp profile forbids unshare
            raise OSError(errno.EPERM, "unshare")

        sandbox._own_namespaces = no_namespaces
        return run_student(judges_plan(scratch, slot.uid), lambda plan: {"uid": os.getuid()})

    report = in_judge(task, slot.uid)
    assert "error" not in report, report.get("error")
    isolation = sandbox.Isolation.from_dict(report["isolation"])
    assert not isolation.user.active and not isolation.namespaces.active
    assert "/opt/autograder-env" in isolation.refused and "root" in isolation.refused
    assert report["result"] == {"uid": 0}, "what would have run as root, had the judge not refused"


def test_an_allocation_past_the_memory_limit_is_a_memory_error(scratch):
    """Does the student get MemoryError for memory past its limit, while smaller allocations work?"""
    limits = sandbox.Limits(memory_mb=64, cpu_seconds=30, processes=16, open_files=64, file_mb=16)

    def body(plan):
        small = attempt(lambda: bytearray(16 * MB))
        large = attempt(lambda: bytearray(256 * MB))
        return {"small": small, "large": large, "still_alive": attempt(lambda: bytearray(MB))}

    report = sandboxed(scratch, None, body, limits)
    assert report["result"] == {"small": "ok", "large": "MemoryError", "still_alive": "ok"}
    assert isinstance(report["isolation"]["resource_limits"]["RLIMIT_AS"], int)


def test_a_file_past_the_size_limit_cannot_be_written(scratch):
    """Is writing a file larger than file_mb refused (with SIGXFSZ ignored, as an OSError)?"""
    limits = sandbox.Limits(memory_mb=256, cpu_seconds=30, processes=16, open_files=64, file_mb=1)

    def body(plan):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        with open("big.bin", "wb") as handle:
            return attempt(lambda: (handle.write(bytes(2 * MB)), handle.flush()))

    assert sandboxed(scratch, None, body, limits)["result"] == "OSError"


def test_only_the_channel_and_the_standard_fds_stay_open(scratch, tmp_path):
    """After enter, are the channel and fds 0-2 the only open file descriptors left (none of the judge's files)?"""
    judges_file = open(tmp_path / "judge.log", "w")  # open in the judge when the student forks
    def body(plan):
        listed = {}
        for fd in os.listdir("/proc/self/fd"):
            try:
                listed[int(fd)] = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:  # the listing's own descriptor, closed by now
                pass
        return listed

    try:
        fds = {int(fd): target for fd, target in sandboxed(scratch, None, body)["result"].items()}
    finally:
        judges_file.close()
    assert [fds.get(fd) for fd in (0, 1, 2)] == ["/dev/null"] * 3  # output went to our /dev/null
    others = [target for fd, target in fds.items() if fd > 2]
    assert sum(target.startswith("socket:") for target in others) == 1  # the channel
    # besides it, at most the Landlock ruleset the landlock package keeps (it can only restrict)
    assert set(others) - {t for t in others if t.startswith("socket:")} <= {"anon_inode:[landlock-ruleset]"}


@NEEDS_ROOT
def test_the_process_limit_stops_a_fork_loop(scratch, slot):
    """Does RLIMIT_NPROC stop a fork loop of the student's uid after a few processes?"""
    limits = sandbox.Limits(memory_mb=256, cpu_seconds=30, processes=4, open_files=64, file_mb=16)

    def body(plan):
        children, stopped = 0, ""
        for _ in range(50):
            try:
                pid = os.fork()
            except OSError as error:
                stopped = type(error).__name__
                break
            if pid == 0:
                time.sleep(60)
                os._exit(0)
            children += 1
        return {"children": children, "stopped": stopped}

    def task():
        report = run_student(judges_plan(scratch, slot.uid, limits), body)
        found = sandbox.kill_user(slot.uid)
        return {**report, "found": found, "left": sandbox.processes_of(slot.uid)}

    report = in_judge(task, slot.uid)
    assert "error" not in report, report.get("error")
    assert report["result"]["stopped"] == "BlockingIOError"
    assert 1 <= report["result"]["children"] <= 3  # the student itself is one of the four
    assert report["found"] >= report["result"]["children"] and report["left"] == []


@NEEDS_ROOT
def test_stdlib_and_site_packages_still_import_inside_the_sandbox(scratch, slot):
    """Can the student, as its own uid under Landlock, import modules it has not imported yet?"""
    wanted = [name for name in ("colorsys", "wave", "graphlib", "sqlite3", "zoneinfo", "idna", "six")
              if name not in sys.modules and importlib.util.find_spec(name) is not None]
    if not wanted:
        pytest.skip("every candidate module is already imported in this process")

    def body(plan):
        return {name: importlib.import_module(name).__name__ for name in wanted}

    report = sandboxed(scratch, slot.uid, body)
    assert report["result"] == {name: name for name in wanted}


@NEEDS_LANDLOCK
@NEEDS_SECCOMP
@NEEDS_ROOT
def test_the_isolation_record_says_every_layer_is_active(scratch, slot):
    """Does the Isolation record of a root grading say which user, namespaces, limits, Landlock and seccomp apply?"""
    hidden = [path for path in sandbox.python_paths() if not sandbox.others_can_read(path)]
    isolation = sandbox.Isolation.from_dict(sandboxed(scratch, slot.uid, lambda plan: None)["isolation"])
    assert isolation.user == sandbox.Layer(True, f"uid {slot.uid}, an unprivileged user of its own")
    assert isolation.resource_limits == {
        "RLIMIT_AS": isolation.resource_limits["RLIMIT_AS"],
        "RLIMIT_DATA": isolation.resource_limits["RLIMIT_DATA"],
        "RLIMIT_CPU": LIMITS.cpu_seconds, "RLIMIT_NPROC": LIMITS.processes,
        "RLIMIT_FSIZE": LIMITS.file_mb * MB, "RLIMIT_NOFILE": LIMITS.open_files, "RLIMIT_CORE": 0}
    assert isolation.resource_limits["RLIMIT_AS"] > LIMITS.memory_mb * MB
    if hidden:
        assert isolation.python_environment.startswith("shown read-only through the grading's mount namespace")
    else:
        assert isolation.python_environment == "readable by every user"
    assert isolation.landlock.active and isolation.landlock.detail.startswith("ABI ")
    assert isolation.seccomp.active and isolation.namespaces.active
    assert "only its own processes in /proc" in isolation.namespaces.detail
    assert isolation.refused == "" and isolation.missing() == ["grading_limits"]
    assert "NO grading-wide limits" in isolation.line()


@NEEDS_ROOT
def test_shared_memory_and_the_network_are_the_students_own(scratch, slot):
    """Does a root grading give the student a /dev/shm no other grading sees, and no network?"""
    marker = Path("/dev/shm") / f"autograder-test-{os.getpid()}"

    def body(plan):
        Path(marker).write_text("left for the next grading")
        lines = Path("/proc/self/net/dev").read_text().splitlines()[2:]  # this namespace's view
        return {"interfaces": sorted(line.split(":")[0].strip() for line in lines)}

    outcome = sandboxed(scratch, slot.uid, body)
    try:
        assert not marker.exists(), "the student's /dev/shm is the machine's"
        assert outcome["result"]["interfaces"] in ([], ["lo"])
    finally:
        marker.unlink(missing_ok=True)


def test_the_isolation_record_of_a_student_without_a_uid_says_so(scratch):
    """With no uid given (a grader that is not root), does the record say the student keeps the
    grader's own user, and refuse only where Landlock is missing too?"""
    isolation = sandbox.Isolation.from_dict(sandboxed(scratch, None, lambda plan: None)["isolation"])
    assert not isolation.user.active and isolation.user.detail.startswith(f"uid {os.getuid()}, the grader's own")
    assert isolation.refused == ("" if isolation.landlock.active else sandbox.refusal(
        isolation, grader_is_root=False, trusted=False))


def test_refusal_names_the_fix_and_trust_lifts_only_the_laptop_case():
    off, on = sandbox.Layer(False, "missing"), sandbox.Layer(True, "there")
    record = sandbox.Isolation(user=off, namespaces=off, landlock=off, seccomp=on, grading_limits=off,
                               python_environment="/root/.venv is closed")
    assert "/opt/autograder-env" in sandbox.refusal(record, grader_is_root=True, trusted=True)
    assert "--trust-submissions" in sandbox.refusal(record, grader_is_root=False, trusted=False)
    assert sandbox.refusal(record, grader_is_root=False, trusted=True) == ""
    with_landlock = sandbox.Isolation(**{**record.__dict__, "landlock": on})
    assert sandbox.refusal(with_landlock, grader_is_root=False, trusted=False) == ""


def test_the_isolation_record_round_trips_through_the_channel_and_rejects_a_forged_one():
    """Is the Isolation record plain data the channel carries as the hello message, and is
    anything else refused as one?"""
    layer = sandbox.Layer(True, "on")
    record = sandbox.Isolation(layer, layer, layer, layer, layer, {"RLIMIT_AS": 5}, "readable")
    document, blob = wire.read_frame(reader_of(wire.frame({"isolation": record.as_dict()}, b"")))
    assert sandbox.Isolation.from_dict(document["isolation"]) == record
    for forged in ({"user": "uid 1"}, {**record.as_dict(), "landlock": "active"},
                   {**record.as_dict(), "extra": 1}, {**record.as_dict(), "resource_limits": [1]}):
        with pytest.raises(ValueError):
            sandbox.Isolation.from_dict(forged)




# --- ending things -------------------------------------------------------------------------------------


@NEEDS_ROOT
def test_two_slots_get_distinct_uids_and_release_them():
    """Do two concurrent holders get different student uids, and does release free a uid for the next?"""
    import fcntl

    first, second = sandbox.Slot(), sandbox.Slot()
    try:
        assert first.uid != second.uid
        for held in (first, second):
            assert sandbox.STUDENT_UID_BASE <= held.uid < sandbox.STUDENT_UID_BASE + sandbox.MAX_SLOTS
        lock = sandbox.SLOT_LOCKS / f"{first.uid - sandbox.STUDENT_UID_BASE}.lock"
        with open(lock, "w") as handle:
            with pytest.raises(BlockingIOError):  # held: nobody else can take it
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        first.release()
        first.release()  # twice is harmless
        with open(lock, "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        first.release()
        second.release()


@NEEDS_ROOT
def test_kill_user_kills_every_process_of_the_uid_including_a_double_forked_daemon(scratch, slot):
    """Does kill_user end the student and a daemon it double-forked into a session of its own?"""
    def body(plan):
        ready_read, ready_write = os.pipe()
        middle = os.fork()
        if middle == 0:
            try:
                os.setsid()  # refused by seccomp; the double fork still orphans the daemon
            except PermissionError:
                pass
            if os.fork() == 0:  # the daemon
                os.write(ready_write, str(os.getpid()).encode())
                time.sleep(60)
            os._exit(0)
        os.waitpid(middle, 0)
        return int(os.read(ready_read, 32))

    def task():
        report = run_student(judges_plan(scratch, slot.uid), body,
                             linger=True)
        daemon, student_pid = report["result"], report["pid"]
        before = sandbox.processes_of(slot.uid)
        daemon_parent = int(Path(f"/proc/{daemon}/stat").read_text().rsplit(")", 1)[1].split()[1])
        found = sandbox.kill_user(slot.uid)
        return {"before": sorted(before), "expected": sorted([daemon, student_pid]), "found": found,
                "daemon_parent": daemon_parent, "judge": os.getpid(),
                "left": sandbox.processes_of(slot.uid),
                "daemon_gone": not os.path.exists(f"/proc/{daemon}")}

    report = in_judge(task, slot.uid)
    assert report["before"] == report["expected"] and report["found"] == 2
    assert report["daemon_parent"] == report["judge"]  # the subreaper adopted it
    assert report["left"] == [] and report["daemon_gone"] is True


@NEEDS_ROOT
def test_kill_user_with_no_process_left_returns_zero(slot):
    """Is kill_user of a uid with no process a quick no-op?"""
    assert in_judge(lambda: sandbox.kill_user(slot.uid)) == 0


def test_kill_descendants_ends_children_and_adopted_orphans():
    """Does kill_descendants end a child and an orphaned grandchild the subreaper adopted?"""
    def task():
        child = os.fork()
        if child == 0:
            time.sleep(60)
            os._exit(0)
        middle = os.fork()
        if middle == 0:
            if os.fork() == 0:
                os.setsid()
                time.sleep(60)
            os._exit(0)
        os.waitpid(middle, 0)
        import psutil

        before = len(psutil.Process().children(recursive=True))
        killed = sandbox.kill_descendants()
        return {"before": before, "killed": killed,
                "after": len(psutil.Process().children(recursive=True))}

    report = in_judge(task)
    assert report["before"] == 2 and report["killed"] >= 2 and report["after"] == 0


# --- the zygote and the judge's view of a student process ---------------------------------------------


def _spin():
    while True:
        pass


TEST_ISOLATION = sandbox.Isolation(*(sandbox.Layer(False, "a test student") for _ in sandbox.Isolation.LAYERS))


def _student_main(channel, output_fd, space=None):
    """A student process without the sandbox: says hello, then answers requests on a small namespace."""
    os.write(output_fd, b"hello from the student\n")
    channel.sendall(wire.frame({"isolation": TEST_ISOLATION.as_dict()}, b""))

    class Shell:
        user_ns = {"add": lambda a, b: a + b, "leave": lambda: os._exit(3), "spin": _spin,
                   "whoami": os.getpid}
        execution_count = 0

    student.serve(channel, Shell)


def _plain_plan() -> sandbox.Plan:
    """A plan for the zygote tests: no user, an empty layout (they test spawning, not the sandbox)."""
    scratch = Path(tempfile.mkdtemp(prefix="autograder-test-scratch-", dir="/tmp"))
    return sandbox.Plan(scratch, Path(tempfile.mkdtemp()), LIMITS, None, ())


@pytest.fixture
def zygote():
    made = sandbox.Zygote(_plain_plan(), _student_main)
    started: list[int] = []
    spawn = made.spawn

    def tracked_spawn():
        pid, channel, output = spawn()
        started.append(pid)
        return pid, channel, output

    made.spawn = tracked_spawn
    yield made
    for pid in started:  # before the zygote ends: it reaps them, this process cannot
        sandbox.kill_student(pid, None)
    deadline = time.monotonic() + 5
    while any(os.path.exists(f"/proc/{pid}") for pid in started) and time.monotonic() < deadline:
        time.sleep(0.005)
    made.close()


def _session(zygote, log: remote.OutputLog | None = None) -> remote.Session:
    return remote.Session(spawn=zygote.spawn, end=lambda pid: sandbox.kill_student(pid, None), cells=[],
                          cell_seconds=5.0, max_restarts=0, log=log or remote.OutputLog(1000),
                          test_seconds=0.3)


def test_zygote_spawn_gives_a_working_channel(zygote):
    """Does a spawned student process greet the judge and answer requests over its channel?"""
    log = remote.OutputLog(1000)
    session = _session(zygote, log)
    session._start()
    assert session.isolation == TEST_ISOLATION
    assert session.process.pid > 0 and session.process.pid != zygote.pid
    proxies = session.proxies(["add", "whoami"])
    assert proxies["add"](2, 3) == 5
    assert proxies["whoami"]() == session.process.pid
    session.kill()
    deadline = time.monotonic() + 5
    while "hello from the student" not in log.text() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "hello from the student" in log.text()


def test_each_spawn_is_a_new_process(zygote):
    """Does each spawn give a distinct process with its own channel?"""
    first, second = zygote.spawn(), zygote.spawn()
    try:
        assert first[0] != second[0]
        for pid, channel, output in (first, second):
            process = remote.StudentProcess(pid, channel, output, remote.OutputLog(100))
            hello, _ = process.receive(time.monotonic() + 10)
            assert hello == {"isolation": TEST_ISOLATION.as_dict()}
            process.close()
    finally:
        for pid, _, _ in (first, second):
            sandbox.kill_student(pid, None)


def test_a_student_process_that_exits_is_gone_for_the_judge(zygote):
    """When the student's code calls os._exit, does the judge's receive raise StudentGone?"""
    pid, channel, output = zygote.spawn()
    process = remote.StudentProcess(pid, channel, output, remote.OutputLog(100))
    process.receive(time.monotonic() + 10)
    process.send(remote.Session._message({"op": "call", "target": "leave"}))
    with pytest.raises(remote.StudentGone):
        process.receive(time.monotonic() + 10)
    assert process.alive is False
    assert not issubclass(remote.StudentGone, Exception)  # no check can swallow it by accident
    process.close()


def test_a_student_process_past_its_deadline_is_a_timeout(zygote):
    """When the student's code loops past the deadline, does receive raise StudentTimeout in time?"""
    pid, channel, output = zygote.spawn()
    process = remote.StudentProcess(pid, channel, output, remote.OutputLog(100))
    process.receive(time.monotonic() + 10)
    process.send(remote.Session._message({"op": "call", "target": "spin"}))
    started = time.monotonic()
    with pytest.raises(remote.StudentTimeout):
        process.receive(started + 0.3)
    assert 0.25 <= time.monotonic() - started < 2.0
    assert not issubclass(remote.StudentTimeout, Exception)
    process.close()


def test_a_session_call_that_ends_the_process_raises_student_gone(zygote):
    """Through a proxy, does a call that ends the student process fail as StudentGone and drop the process?"""
    session = _session(zygote)
    session._start()
    leave = session.proxies(["leave"])["leave"]
    with pytest.raises(remote.StudentGone, match="`leave` stopped the student process"):
        leave()
    assert session.process is None


def test_a_session_call_past_the_test_limit_times_out_once_for_every_later_call(zygote):
    """Does an endless call fail with StudentTimeout, and a second call of it fail at once, not after another wait?"""
    session = _session(zygote)
    session._start()
    spin = session.proxies(["spin"])["spin"]
    with session.test(session.test_seconds):
        with pytest.raises(remote.StudentTimeout, match="did not finish within 0.3 s") as first:
            spin()
        assert session.process is None
        started = time.monotonic()
        with pytest.raises(remote.StudentTimeout) as second:
            spin()
        assert time.monotonic() - started < 0.1 and str(second.value) == str(first.value)
    session.kill()  # the fresh process test() started for the next test


def test_a_closed_zygote_cannot_spawn():
    """After close, does spawn fail with a clear RuntimeError rather than hang?"""
    made = sandbox.Zygote(_plain_plan(), _student_main)
    made.close()
    with pytest.raises(RuntimeError, match="zygote"):
        made.spawn()


# --- the grading's own space ------------------------------------------------------------------------


@NEEDS_ROOT
def test_the_student_sees_only_its_own_processes(scratch, slot):
    """In the grading's /proc, does the student's user see its own processes and no one else's
    (not the judge's, not another grading's, not the batch's command line)?"""
    def body(plan):
        visible = sorted(int(entry) for entry in os.listdir("/proc") if entry.isdigit())
        return {"visible": visible, "me": os.getpid(),
                "judge": attempt(lambda: open(f"/proc/{os.getppid()}/cmdline", "rb").read())}

    report = sandboxed(scratch, slot.uid, body)
    assert report["result"]["visible"] == [report["result"]["me"]]
    assert report["result"]["judge"] == "FileNotFoundError"


@NEEDS_ROOT
def test_the_scratch_folder_is_a_tmpfs_with_a_size_and_a_file_count(scratch, slot):
    """Does the scratch folder refuse writes past its size, and files past its count, with the
    rest of the machine untouched?"""
    small = sandbox.Limits(memory_mb=256, cpu_seconds=30, processes=16, open_files=64, file_mb=16,
                           disk_mb=4, files=50)

    def body(plan):
        def fill():
            for index in range(100):
                with open(f"big-{index}", "wb") as handle:
                    handle.write(b"x" * (1 << 20))

        def many():
            for index in range(100):
                open(f"empty-{index}", "w").close()

        return {"fill": attempt(fill), "many": attempt(many)}

    report = sandboxed(scratch, slot.uid, body, small)
    assert report["result"] == {"fill": "OSError", "many": "OSError"}
    assert list(scratch.iterdir()) == [], "the files lived in the grading's tmpfs, not on the machine"


@NEEDS_SECCOMP
def test_memfd_sysv_ipc_and_new_sessions_are_refused_and_locks_do_nothing(scratch):
    """Are the kinds of memory and the objects no per-process limit sees refused, and are file
    locks no signal between gradings (two exclusive locks on one file both "succeed")?"""
    import fcntl

    def body(plan):
        libc = ctypes.CDLL(None, use_errno=True)

        def sysv(call, *args):
            def run():
                if getattr(libc, call)(*args) < 0:
                    raise OSError(ctypes.get_errno(), call)
            return run

        def two_exclusive_locks():
            first, second = open(os.__file__, "rb"), open(os.__file__, "rb")
            fcntl.flock(first, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(second, fcntl.LOCK_EX | fcntl.LOCK_NB)

        return {"memfd": attempt(lambda: os.memfd_create("x")), "setsid": attempt(os.setsid),
                "msgget": attempt(sysv("msgget", 0x1234, 0o1666)),
                "shmget": attempt(sysv("shmget", 0x1234, 4096, 0o1666)),
                "semget": attempt(sysv("semget", 0x1234, 1, 0o1666)),
                "locks": attempt(two_exclusive_locks)}

    assert sandboxed(scratch, None, body)["result"] == {
        "memfd": "PermissionError", "setsid": "PermissionError", "msgget": "PermissionError",
        "shmget": "PermissionError", "semget": "PermissionError", "locks": "ok"}


@NEEDS_ROOT
def test_the_student_joins_the_gradings_control_group_whose_memory_cap_holds(scratch, slot):
    """Where the grader may make a control group, does the student process join it, and does
    the cap hold for all its processes together (two children of 150 MB under a 200 MB cap)?"""
    limits = sandbox.Limits(memory_mb=200, cpu_seconds=30, processes=16, open_files=64, file_mb=16)
    group, problem = sandbox.control_group("autograder-test", limits)
    if group is None:
        pytest.skip(f"no control group here: {problem}")

    def body(plan):
        children = []
        for _ in range(2):
            pid = os.fork()
            if pid == 0:
                held = bytearray(150 << 20)
                for offset in range(0, len(held), 4096):
                    held[offset] = 1
                time.sleep(2)
                os._exit(0)
            children.append(pid)
        return [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]

    try:
        report = sandboxed(scratch, slot.uid, body, limits, group=group)
    finally:
        group.remove()
    assert report["isolation"]["grading_limits"]["active"] is True
    assert sorted(report["result"]) == [-signal.SIGKILL, 0], "one child fits, the other is killed"


@NEEDS_ROOT
def test_two_gradings_of_the_same_pid_get_control_groups_of_their_own():
    """Containers share the machine's control groups but each numbers its processes from 1:
    two judges of the same pid, in two containers, must not meet at one group's name."""
    first, problem = sandbox.control_group("autograder-test", LIMITS)
    if first is None:
        pytest.skip(f"no control group here: {problem}")
    second, _ = sandbox.control_group("autograder-test", LIMITS)
    try:
        assert second is not None and set(second.folders).isdisjoint(first.folders)
    finally:
        for group in (first, second):
            if group is not None:
                group.remove()
