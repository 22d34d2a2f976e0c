"""The judge's view of the student process: a session that runs the notebook, and proxies.

A test receives, for each name of the notebook it asks for, a proxy. Calling a proxy, or
reading an attribute, an item or a length of it, sends a request to the student process
and returns what came back, decoded by :mod:`.wire`: plain values the judge owns, or a
new proxy for an object that stayed in the student process. So a check compares only
values it decoded itself, whatever the student's objects claim to be.

The :class:`Session` owns the student process. It runs the notebook's cells one by one,
each under the cell time limit; a cell past its limit, or one that ends the process, is
killed (not asked to stop), skipped, and the notebook is run again without it in a fresh
process. During tests it enforces the test's time limit the same way: a call past it ends
the process, fails that test, and every later call of the same function fails at once with
the same message, so one endless loop costs one limit.

Student errors reach checks as :class:`StudentError`, an ``AssertionError`` whose message is
worded for the student by :mod:`.wording` (which decides what a hidden test may quote: not
the error's type, text or line, which the student's code chooses). Timeouts and a process
that died are :class:`StudentTimeout` and :class:`StudentGone`, which are not ``Exception``s,
so no check can swallow them by accident.
"""

from __future__ import annotations

import builtins
import os
import select
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from . import wire, wording
from .sandbox import Isolation
from .wording import ErrorReport

HELLO_SECONDS = 20.0
# Type names a hidden test may quote: Python's own and the libraries' usual ones.
QUOTABLE_TYPES = {name for name, value in vars(builtins).items() if isinstance(value, type)} | {
    "Tensor", "Parameter", "ndarray", "Module", "Sequential", "ModuleList", "ModuleDict", "Linear",
    "ReLU", "LeakyReLU", "Tanh", "Sigmoid", "ELU", "Softmax", "LogSoftmax", "BatchNorm1d", "Identity",
    "generator", "function", "method", "builtin_function_or_method", "NoneType"}


class StudentError(AssertionError):
    """The student's code raised, or answered with something that is not plain data.

    Its message is for the student, worded by :mod:`.wording` for the test it arose in;
    ``error`` is the student process's report, which a check may read to choose its words
    (never to quote them where :func:`wording.may_quote` says no).
    """

    worded_for_hidden_tests = True  # checks keep its words as they are (see checks.values)

    def __init__(self, message: str, error: ErrorReport | None = None, key: str = "raised_an_error"):
        super().__init__(message)
        self.error = error or ErrorReport()
        self.key = key  # what the class report counts it as

    @property
    def error_type(self) -> str:
        return self.error.type_name

    @property
    def detail(self) -> str:
        return self.error.message


class StudentTimeout(BaseException):
    """A cell or a call ran past its time limit; the student process was killed."""


class StudentGone(BaseException):
    """The student process ended while the judge waited for it."""


class SandboxFailed(StudentGone):
    """A student process could not set up its sandbox, or never said how it had: it ran no
    student code. ``reason`` is for staff."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class SandboxRefused(SandboxFailed):
    """The sandbox lacks a required layer (see ``sandbox.refusal``): no student code may run."""

    def __init__(self, isolation: Isolation):
        super().__init__(isolation.refused)
        self.isolation = isolation


# --- one student process ----------------------------------------------------------------------------


class OutputLog:
    """The first characters a student process prints (fds 1 and 2), for staff; the rest is counted."""

    def __init__(self, limit: int):
        self.limit = limit
        self.kept: list[str] = []
        self.size = 0
        self.dropped = 0
        self._lock = threading.Lock()

    def drain(self, fd: int) -> None:
        with os.fdopen(fd, "rb", buffering=0) as stream:
            while True:
                chunk = stream.read(65536)
                if not chunk:
                    return
                text = chunk.decode("utf-8", errors="replace")
                with self._lock:
                    room = self.limit - self.size
                    self.kept.append(text[:max(room, 0)])
                    self.size += min(len(text), max(room, 0))
                    self.dropped += max(len(text) - max(room, 0), 0)

    def text(self) -> str:
        with self._lock:
            note = f"\n[{self.dropped} more characters of output were dropped]" if self.dropped else ""
            return "".join(self.kept) + note


class StudentProcess:
    """One running student process, as the judge holds it: its pid, channel and output."""

    def __init__(self, pid: int, channel, output_fd: int, log: OutputLog):
        self.pid = pid
        self.channel = channel
        self.alive = True
        self._buffer = bytearray()
        self._ended: int | None
        try:  # readable once the process ends, even if a child of it keeps the channel open
            self._ended = os.pidfd_open(pid)
        except (OSError, AttributeError):
            self._ended = None
        self._drainer = threading.Thread(target=log.drain, args=(output_fd,), daemon=True)
        self._drainer.start()

    def send(self, message: bytes) -> None:
        try:
            self.channel.sendall(message)
        except OSError:
            self.alive = False
            raise StudentGone() from None

    def receive(self, deadline: float) -> tuple[Any, bytes]:
        """The next frame, or ``StudentTimeout`` at ``deadline``, or ``StudentGone``."""

        watched = [self.channel] + ([self._ended] if self._ended is not None else [])

        def read_exactly(size: int) -> bytes:
            while len(self._buffer) < size:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise StudentTimeout()
                ready, _, _ = select.select(watched, [], [], min(remaining, 3600.0))
                if not ready:
                    raise StudentTimeout()
                if self.channel not in ready:  # the process ended, and nothing is left to read
                    self.alive = False
                    raise StudentGone()
                try:
                    chunk = self.channel.recv(min(1 << 22, max(size - len(self._buffer), 65536)))
                except OSError:
                    chunk = b""
                if not chunk:
                    self.alive = False
                    raise StudentGone()
                self._buffer += chunk
            data = bytes(self._buffer[:size])
            del self._buffer[:size]
            return data

        return wire.read_frame(read_exactly, wire.MAX_ANSWER_BYTES)

    def close(self) -> None:
        self.alive = False
        ended, self._ended = self._ended, None
        try:
            self.channel.close()
            if ended is not None:
                os.close(ended)
        except OSError:
            pass


class LocalProcess:
    """A student "process" that is this very process: the same requests, answers and codec,
    without the fork. For tests of checks on implementations held in memory; never for
    grading, since the student's code then shares the judge's process."""

    pid = 0
    alive = True

    pid = 0  # nothing to end: see Session.in_process

    def __init__(self, workspace):
        self._workspace = workspace
        self._answer = b""

    def send(self, message: bytes) -> None:
        view = memoryview(message)
        offset = [0]

        def read_exactly(size: int) -> bytes:
            data = bytes(view[offset[0]:offset[0] + size])
            offset[0] += size
            return data

        self._answer = self._workspace.handle(*wire.read_frame(read_exactly))

    def receive(self, deadline: float) -> tuple[Any, bytes]:
        view = memoryview(self._answer)
        offset = [0]

        def read_exactly(size: int) -> bytes:
            data = bytes(view[offset[0]:offset[0] + size])
            offset[0] += size
            return data

        return wire.read_frame(read_exactly)

    def close(self) -> None:
        pass


# --- the session --------------------------------------------------------------------------------------


@dataclass
class Cell:
    number: int  # its position in the notebook, from 1, counting every cell
    source: str

    @property
    def first_line(self) -> str:
        return (self.source.strip().splitlines() or [""])[0][:80]


@dataclass
class CellOutcome:
    cell: Cell
    error: dict | None = None  # the error it raised, as the student process described it
    skipped: str = ""  # why it was left out of the notebook: "" if it ran


@dataclass
class Session:
    """The student process of one grading, from the first cell to the last test."""

    spawn: Callable[[], tuple[int, Any, int]]  # starts a sandboxed student process
    end: Callable[[int], None]  # kills one for certain, with all it started
    cells: list[Cell]
    cell_seconds: float
    max_restarts: int
    log: OutputLog
    isolation: Isolation | None = None  # what the first student process ran under
    outcomes: list[CellOutcome] = field(default_factory=list)
    restarts: int = 0
    process: StudentProcess | LocalProcess | None = None
    test_seconds: float = 60.0
    _deadline: float = field(default=float("inf"), init=False)  # of the current test (see test())
    timed_out: dict[str, str] = field(default_factory=dict)  # root name -> the message
    notes: list[str] = field(default_factory=list)  # for the student
    names: set[str] = field(default_factory=set)  # the notebook's names the tests take
    unrecoverable: bool = False  # a fresh process could not be started after a test ended one

    @classmethod
    def in_process(cls, namespace: dict) -> "Session":
        """A session whose "student process" is this process, over ``namespace``: for tests of
        checks, with the very requests, codec and proxies of a grading (see :class:`LocalProcess`)."""
        from .student import Workspace

        def cannot_spawn():
            raise RuntimeError("an in-process session cannot start a student process")

        session = cls(spawn=cannot_spawn, end=lambda pid: None, cells=[], cell_seconds=0.0,
                      max_restarts=0, log=OutputLog(0))
        session.process = LocalProcess(Workspace.of_namespace(namespace))
        return session

    # --- the process --------------------------------------------------------------------------

    def _start(self) -> None:
        """A fresh student process, once it has said what it runs under (its first message,
        sent before any student code runs); :class:`SandboxFailed` if it cannot say,
        :class:`SandboxRefused` if what it runs under is not enough."""
        try:
            pid, channel, output_fd = self.spawn()
        except RuntimeError as problem:
            raise SandboxFailed(str(problem)) from None
        self.process = StudentProcess(pid, channel, output_fd, self.log)
        try:
            hello, _ = self.process.receive(time.monotonic() + HELLO_SECONDS)
        except (StudentTimeout, StudentGone, wire.WireError) as problem:
            self.kill()
            raise SandboxFailed(f"the student process sent nothing before it ended or timed out "
                                f"({type(problem).__name__}); what it printed: {self.log.text()[-2000:]}") from None
        if type(hello) is dict and type(hello.get("failure")) is str:
            self.kill()
            raise SandboxFailed(f"the sandbox could not be set up:\n{hello['failure'][-4000:]}")
        try:
            isolation = Isolation.from_dict(hello.get("isolation") if type(hello) is dict else None)
        except ValueError as problem:
            self.kill()
            raise SandboxFailed(f"the student process's first message is not an isolation record ({problem})") from None
        if isolation.refused:
            self.kill()
            raise SandboxRefused(isolation)
        self.isolation = self.isolation or isolation

    def kill(self) -> None:
        if self.process is not None:
            self.process.close()
            self.end(self.process.pid)
            self.process = None

    @staticmethod
    def _message(request: dict) -> bytes:
        """A request as a frame; a value the judge cannot send is the judge's own error."""
        encoder = wire.Encoder(refer=_reference_of)
        fields = {key: value for key, value in request.items() if key != "op"}
        try:
            body = encoder.encode(fields)
        except wire.WireError as problem:
            raise TypeError(f"a check tried to send what the channel cannot carry: {problem}") from None
        return wire.frame({"op": request["op"], "body": body}, encoder.blob())

    def _ask(self, request: dict, deadline: float) -> Any:
        """Send one request, wait for its answer until ``deadline``; the decoded document."""
        if self.process is None:
            raise StudentGone(wording.PROCESS_NOT_RUNNING)
        message = self._message(request)
        self.process.send(message)
        document, blob = self.process.receive(deadline)
        if type(document) is not dict:
            raise wire.WireError("an answer that is not a JSON object")
        if "error" in document:
            if type(document["error"]) is not dict:
                raise wire.WireError("a badly described error")
            return {"error": document["error"]}
        return {"value": wire.decode(document.get("value"), blob, max_elements=wire.MAX_ANSWER_ELEMENTS)}

    # --- the notebook -----------------------------------------------------------------------

    def run_notebook(self) -> None:
        """Run every cell; a cell that kills the process or outlives its limit is skipped."""
        done: list[Cell] = []
        pending = list(self.cells)
        self._start()
        while pending:
            cell = pending.pop(0)
            outcome = self._run_cell(cell)
            if outcome.skipped:
                self.outcomes.append(outcome)
                self.notes.append(wording.cell_skipped(cell.number, cell.first_line, outcome.skipped))
                if not self._restart(done):
                    for rest in pending:
                        self.outcomes.append(CellOutcome(rest, skipped=wording.CELL_NOT_RUN))
                    return
                continue
            self.outcomes.append(outcome)
            done.append(cell)

    def _run_cell(self, cell: Cell) -> CellOutcome:
        try:
            answer = self._ask({"op": "run_cell", "number": cell.number, "source": cell.source},
                               time.monotonic() + self.cell_seconds)
        except StudentTimeout:
            self.kill()
            return CellOutcome(cell, skipped=wording.CELL_TIMED_OUT.format(seconds=self.cell_seconds))
        except (StudentGone, wire.WireError):
            self.kill()
            return CellOutcome(cell, skipped=wording.CELL_STOPPED_THE_PROCESS)
        error = answer.get("error")
        if _out_of_memory(error):
            # what the cell allocated before it failed may still be held by its names; a fresh
            # process without the cell is the only way to give the rest of the notebook memory
            self.kill()
            return CellOutcome(cell, skipped=wording.CELL_OUT_OF_MEMORY)
        return CellOutcome(cell, error=error)

    def _restart(self, cells: list[Cell], limited: bool = True) -> bool:
        """A fresh process with ``cells`` run again (their earlier outcomes stand).

        While the notebook runs, restarts are limited (``max_restarts``); a test that ended
        the process always gets one, since each test can end at most one.
        """
        self.kill()
        if limited and self.restarts >= self.max_restarts:
            self.notes.append(wording.TOO_MANY_RESTARTS)
            return False
        self.restarts += 1
        try:
            self._start()
            for cell in cells:
                try:
                    self._ask({"op": "run_cell", "number": cell.number, "source": cell.source},
                              time.monotonic() + self.cell_seconds)
                except (StudentTimeout, StudentGone, wire.WireError) as stopped:
                    if isinstance(stopped, SandboxFailed):
                        raise
                    self.kill()
                    self._start()
        except (StudentTimeout, StudentGone, wire.WireError):
            # the notebook keeps a fresh process from starting (it left something in its
            # folder that breaks the start): grade what ran, with no process for the rest
            self.kill()
            self.notes.append(wording.NO_RESTART)
            return False
        return True

    def recover(self) -> None:
        """After a test ended the process: a fresh one, with the notebook's cells run again
        (tried once: a notebook that keeps a fresh process from starting gets no second try,
        and one note)."""
        if self.process is None and not self.unrecoverable:
            self.unrecoverable = not self._restart(
                [o.cell for o in self.outcomes if not o.skipped], limited=False)

    # --- requests from tests ----------------------------------------------------------------

    @contextmanager
    def test(self, seconds: float) -> Iterator[None]:
        """One test's turn with the student process: what the test asks inside must be answered
        within ``seconds`` from now; a test that ended the process leaves a fresh one for the
        next (not when the test was interrupted: then the grading is ending)."""
        self._deadline = time.monotonic() + seconds
        try:
            yield
        finally:
            self._deadline = float("inf")
        if self.process is None:
            self.recover()

    def request(self, request: dict, root: str, label: str, unfinished: bool = False) -> Any:
        """The decoded answer to a request about the student's object named ``root``."""
        if root in self.timed_out:
            raise StudentTimeout(self.timed_out[root])
        if self.process is None:
            raise StudentGone(wording.PROCESS_NOT_RUNNING)
        try:
            answer = self._ask(request, self._deadline)
        except StudentTimeout:
            self.kill()
            message = wording.timed_out(label, self.test_seconds)
            self.timed_out[root] = message
            raise StudentTimeout(message) from None
        except StudentGone:
            self.kill()
            raise StudentGone(wording.stopped_the_process(label)) from None
        except wire.WireError as problem:
            self.kill()
            raise StudentGone(wording.unreadable_answer(label, str(problem))) from None
        if "error" in answer:
            raise self.student_error(ErrorReport.from_wire(answer["error"]), label, unfinished)
        return self.wrap(answer["value"], root, label)

    def student_error(self, error: ErrorReport, label: str, unfinished: bool) -> StudentError:
        message, key = wording.student_error(error, label, unfinished, self._place(error))
        return StudentError(message, error, key)

    def _place(self, error: ErrorReport) -> str:
        """The student's line that raised, as the notebook holds it (never what the student
        process says the line reads)."""
        cell = next((c for c in self.cells if c.number == error.cell), None)
        if cell is None or error.cell is None or error.line is None:
            return ""
        lines = cell.source.splitlines()
        if not 1 <= error.line <= len(lines):
            return ""
        return wording.place_in_cell(error.cell, error.line, lines[error.line - 1])

    def quotable(self, type_name: str) -> str:
        """A type name fit for feedback: in a hidden test only a well-known or graded one (the
        student names their own classes, and a name can carry a hidden input)."""
        return wording.own_type(type_name, QUOTABLE_TYPES | self.names)

    def wrap(self, value: Any, root: str, label: str) -> Any:
        """Replace every remote reference in a decoded value by a proxy."""
        if isinstance(value, wire.RemoteRef):
            shown = self.quotable(value.type_name)
            return Remote(self, wire.Ref(value.id), root, f"your `{shown}` object", shown)
        if type(value) is list:
            return [self.wrap(item, root, label) for item in value]
        if type(value) is tuple:
            return tuple(self.wrap(item, root, label) for item in value)
        if type(value) is dict:
            return {key: self.wrap(item, root, label) for key, item in value.items()}
        return value

    def describe(self, names: list[str]) -> dict[str, dict]:
        answer = self._ask({"op": "describe", "names": names}, time.monotonic() + HELLO_SECONDS)
        if "error" in answer or type(answer["value"]) is not dict:
            return {}
        return answer["value"]

    def proxies(self, names: list[str]) -> dict[str, Any]:
        """What each name of the notebook is, as a test receives it."""
        self.names = set(names)
        try:
            described = self.describe(names)
        except (StudentTimeout, StudentGone, wire.WireError):
            self.kill()
            described = {}
        found: dict[str, Any] = {}
        for name in names:
            about = described.get(name)
            if type(about) is not dict or not about.get("defined"):
                found[name] = Missing(name)
            elif about.get("callable"):
                found[name] = Remote(self, name, name, f"`{name}`", str(about.get("type", "")),
                                     unfinished=about.get("unfinished") is True)
            else:  # a value (a constant, a module such as nn): the test gets it, or a proxy
                try:
                    with self.test(HELLO_SECONDS):
                        found[name] = self.request({"op": "value", "target": name}, name, f"`{name}`")
                except (StudentError, StudentTimeout, StudentGone):
                    self.recover()
                    found[name] = Missing(name)
        return found


def _out_of_memory(error: dict | None) -> bool:
    if error is None:
        return False
    report = ErrorReport.from_wire(error)
    return report.type_name == "MemoryError" or (
        report.type_name == "RuntimeError" and "allocate memory" in report.message)


def _reference_of(value: Any) -> wire.Ref | wire.NameRef | None:
    """How a proxy travels back to the student process: its reference, or the name it stands for."""
    if isinstance(value, Remote):
        target = object.__getattribute__(value, "_target")
        return target if isinstance(target, wire.Ref) else wire.NameRef(target)
    return None


# --- proxies ----------------------------------------------------------------------------------------------


class Missing:
    """A name the notebook does not define: any use fails with the same message."""

    GRADING_PROXY = True  # how checks tell a proxy from a student's object itself

    def __init__(self, name: str):
        self._name = name

    def _fail(self, *args, **kwargs):
        raise StudentError(wording.not_defined(self._name), ErrorReport("NameError"), key="not_defined")

    __call__ = _fail

    def __getattr__(self, attribute):
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        self._fail()

    def __repr__(self) -> str:
        return f"<{self._name}: not defined in the notebook>"

    def student_type(self) -> str:
        return "undefined"

    def call_and_echo(self, *args, **kwargs):
        self._fail()

    def probe(self, *args):
        self._fail()

    def is_unfinished(self) -> bool:
        return False


class Remote:
    """A student's object that stays in the student process; every use is a request."""

    __slots__ = ("_session", "_target", "_root", "_label", "_type", "_unfinished")
    GRADING_PROXY = True  # how checks tell a proxy from a student's object itself

    def __init__(self, session: Session, target, root: str, label: str, type_name: str,
                 unfinished: bool = False):
        set_ = object.__setattr__
        set_(self, "_session", session)
        set_(self, "_target", target)
        set_(self, "_root", root)
        set_(self, "_label", label)
        set_(self, "_type", type_name)
        set_(self, "_unfinished", unfinished)

    def _request(self, op: str, label: str, **fields) -> Any:
        get = object.__getattribute__
        return get(self, "_session").request({"op": op, "target": get(self, "_target"), **fields},
                                             get(self, "_root"), label, get(self, "_unfinished"))

    def __call__(self, *args, **kwargs):
        return self._request("call", object.__getattribute__(self, "_label"),
                             args=list(args), kwargs=kwargs)

    def call_and_echo(self, *args, **kwargs) -> tuple[Any, list, dict]:
        """Call, and also get the arguments back as they are after the call (to see changes)."""
        answer = self._request("call", object.__getattribute__(self, "_label"),
                               args=list(args), kwargs=kwargs, echo_args=True)
        if type(answer) is not dict or not {"value", "args", "kwargs"} <= set(answer):
            raise StudentError(wording.unreadable_answer(object.__getattribute__(self, "_label")),
                               ErrorReport(protocol=True), "answer_not_readable")
        return answer["value"], answer["args"], answer["kwargs"]

    def __getattr__(self, name: str):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        label = object.__getattribute__(self, "_label")
        value = self._request("getattr", f"reading `{name}` of {label.removeprefix('your ')}",
                              name=name)
        if isinstance(value, Remote):
            object.__setattr__(value, "_label", f"`{name}` of {label.removeprefix('your ')}")
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        label = object.__getattribute__(self, "_label")
        self._request("setattr", f"setting `{name}` of {label.removeprefix('your ')}", name=name,
                      value=value)

    def __getitem__(self, key):
        return self._request("getitem", object.__getattribute__(self, "_label"), key=key)

    def __len__(self) -> int:
        try:
            length = self._request("len", object.__getattribute__(self, "_label"))
        except StudentError as error:
            if error.error_type == "TypeError":  # no length: ``list(proxy)`` then just iterates
                raise TypeError(str(error)) from None
            raise
        if type(length) is not int or length < 0:
            raise StudentError(wording.unreadable_answer(object.__getattribute__(self, "_label")),
                               ErrorReport(protocol=True), "answer_not_readable")
        return length

    def __iter__(self):
        items = self._request("list", object.__getattribute__(self, "_label"))
        if type(items) is not list:
            raise StudentError(wording.unreadable_answer(object.__getattribute__(self, "_label")),
                               ErrorReport(protocol=True), "answer_not_readable")
        return iter(items)

    def __bool__(self) -> bool:
        return True

    def is_unfinished(self) -> bool:
        """Whether the student's function or class still had the template's ``...`` in it."""
        return bool(object.__getattribute__(self, "_unfinished"))

    def student_type(self) -> str:
        """The type name the student process gave this object (for messages only; in a hidden
        test, only a well-known or graded one)."""
        get = object.__getattribute__
        return get(self, "_session").quotable(get(self, "_type") or "object")

    def __repr__(self) -> str:
        get = object.__getattribute__
        return f"<student {get(self, '_type') or 'object'} {get(self, '_root')}>"

    def probe(self, name: str, *args) -> Any:
        """Run the inspection ``name`` of :mod:`.probes` on this object, in the student process."""
        get = object.__getattribute__
        return get(self, "_session").request(
            {"op": "probe", "probe": name, "args": [self, *args]}, get(self, "_root"),
            get(self, "_label"), get(self, "_unfinished"))


def is_remote(value: Any) -> bool:
    return isinstance(value, Remote)
