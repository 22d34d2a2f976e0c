"""The student process: runs the notebook's cells, then answers the judge's requests.

Everything here runs in the sandboxed process, next to the student's code, and is as
trustworthy as that code: a cell can replace any function of this module. That is why the
judge believes nothing it says beyond plain data decoded by :mod:`.wire`; this module only
makes honest answers easy.

Requests (a JSON document with an ``op`` and the encoded fields as its ``body``), one at a time:

* ``run_cell`` runs one cell with IPython, so magics, ``!`` lines and ``display`` work;
* ``describe`` says which names the notebook defines, and what they are;
* ``call``, ``getattr``, ``setattr``, ``getitem``, ``list`` work on a name of the notebook
  or on an object the judge holds a reference to, and answer with plain data (objects that
  are not plain data stay here and travel as references);
* ``probe`` runs one of the inspection functions of :mod:`.probes`.

An answer is ``{"value": ...}`` or ``{"error": {...}}`` with the exception's type, message
and, where the error came from a cell, that cell's number and line.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from . import probes, wire

CELL_NAME = re.compile(r"<ipython-input-(\d+)-")
MAX_MESSAGE_CHARS = 500
MAX_LISTED_ITEMS = 10_000


class NoChecks:
    """Stands in for otter's ``grader`` while grading: ``grader.check(...)`` cells do nothing,
    since the judge runs every check itself."""

    def __getattr__(self, name: str):
        return lambda *args, **kwargs: None


class Workspace:
    """The notebook's namespace, the IPython shell that fills it, and the objects lent to the judge."""

    def __init__(self, shell):
        self.shell = shell
        self.namespace = shell.user_ns
        self.namespace["grader"] = NoChecks()
        self._objects: dict[int, Any] = {}
        self._cells: dict[int, int] = {}  # IPython's execution count -> the notebook's cell number

    @classmethod
    def of_namespace(cls, namespace: dict) -> "Workspace":
        """A workspace over objects already defined (no shell, so no cells to run)."""
        class Shell:
            user_ns = namespace
            execution_count = 0

        return cls(Shell())

    # --- what crosses back to the judge ---------------------------------------------------------

    def lend(self, value: Any) -> dict:
        """Keep an object that is not plain data; the judge gets a reference to it."""
        identity = len(self._objects) + 1
        self._objects[identity] = value
        return {"id": identity, "type": type(value).__name__, "callable": callable(value)}

    def answer(self, value: Any) -> bytes:
        encoder = wire.Encoder(remember=self.lend)
        try:
            document = {"value": encoder.encode(value)}
        except wire.WireError as error:
            return wire.frame({"error": {"type": "WireError", "message": str(error), "cell": None,
                                         "line": None, "grader": True}}, b"")
        return wire.frame(document, encoder.blob())

    def error(self, error: BaseException) -> bytes:
        cell, line = self.where(error)
        described = {
            "type": type(error).__name__,
            "message": str(error)[:MAX_MESSAGE_CHARS] if _printable(error) else "",
            "cell": cell,
            "line": line,
            "not_implemented": isinstance(error, NotImplementedError),
        }
        return wire.frame({"error": described}, b"")

    def where(self, error: BaseException) -> tuple[int | None, int | None]:
        """The notebook cell and line the error was raised in (the innermost one in a cell)."""
        found: tuple[int | None, int | None] = (None, None)
        trace = error.__traceback__
        while trace is not None:
            match = CELL_NAME.match(trace.tb_frame.f_code.co_filename)
            if match and int(match.group(1)) in self._cells:
                found = (self._cells[int(match.group(1))], trace.tb_lineno)
            trace = trace.tb_next
        if found == (None, None) and isinstance(error, SyntaxError):
            match = CELL_NAME.match(error.filename or "")
            if match and int(match.group(1)) in self._cells:
                found = (self._cells[int(match.group(1))], error.lineno)
        return found

    # --- requests ------------------------------------------------------------------------------

    def handle(self, document: Any, blob: bytes) -> bytes:
        """The answer to one request, as a frame."""
        try:
            if type(document) is not dict or type(document.get("op")) is not str:
                raise wire.WireError("a request without an op")
            request = wire.decode(document.get("body"), blob, refs=self._object, names=self._named)
            if type(request) is not dict:
                raise wire.WireError("a request without a body")
            operation = getattr(self, "op_" + document["op"], None)
            if operation is None:
                raise wire.WireError(f"unknown request {document['op']!r}")
        except (wire.WireError, KeyError) as problem:
            return wire.frame({"error": {"type": "WireError", "message": str(problem), "cell": None,
                                         "line": None, "grader": True}}, b"")
        try:
            return operation(request)
        except BaseException as error:  # the student's code raised: that is an answer too
            return self.error(error)

    def _object(self, identity: int) -> Any:
        if identity not in self._objects:
            raise wire.WireError(f"no object {identity}")
        return self._objects[identity]

    def _named(self, name: str) -> Any:
        if name not in self.namespace:
            raise wire.WireError(f"no name {name!r} in the notebook")
        return self.namespace[name]

    def _target(self, request: dict) -> Any:
        target = request["target"]
        if isinstance(target, str):
            if target not in self.namespace:
                raise NameError(f"name {target!r} is not defined")
            return self.namespace[target]
        return target  # a $ref already resolved to the object

    def op_run_cell(self, request: dict) -> bytes:
        self._cells[self.shell.execution_count] = request["number"]
        outcome = self.shell.run_cell(request["source"], store_history=True)
        sys.stdout.flush()
        sys.stderr.flush()
        error = outcome.error_before_exec or outcome.error_in_exec
        if error is None:
            return self.answer(None)
        return self.error(error)

    def op_describe(self, request: dict) -> bytes:
        described: dict[str, dict[str, Any]] = {}
        for name in request["names"]:
            if name not in self.namespace:
                described[name] = {"defined": False}
                continue
            value = self.namespace[name]
            described[name] = {"defined": True, "type": type(value).__name__,
                               "callable": callable(value), "unfinished": probes.unfinished(value)}
        return self.answer(described)

    def op_call(self, request: dict) -> bytes:
        function = self._target(request)
        args, kwargs = list(request.get("args", [])), dict(request.get("kwargs", {}))
        value = function(*args, **kwargs)
        if request.get("echo_args"):
            return self.answer({"value": value, "args": args, "kwargs": kwargs})
        return self.answer(value)

    def op_value(self, request: dict) -> bytes:
        return self.answer(self._target(request))

    def op_getattr(self, request: dict) -> bytes:
        return self.answer(getattr(self._target(request), request["name"]))

    def op_setattr(self, request: dict) -> bytes:
        setattr(self._target(request), request["name"], request["value"])
        return self.answer(None)

    def op_getitem(self, request: dict) -> bytes:
        return self.answer(self._target(request)[request["key"]])

    def op_len(self, request: dict) -> bytes:
        return self.answer(len(self._target(request)))

    def op_list(self, request: dict) -> bytes:
        items = []
        for item in self._target(request):
            items.append(item)
            if len(items) > MAX_LISTED_ITEMS:
                raise ValueError(f"more than {MAX_LISTED_ITEMS} items")
        return self.answer(items)

    def op_probe(self, request: dict) -> bytes:
        probe = probes.PROBES.get(request["probe"])
        if probe is None:
            raise wire.WireError(f"unknown probe {request['probe']!r}")
        return self.answer(probe(self, *request.get("args", [])))


def _printable(error: BaseException) -> bool:
    try:
        str(error)
    except BaseException:  # an exception whose __str__ raises tells us nothing
        return False
    return True


def make_shell():
    """An IPython shell for one notebook: no history file, no colours, plain tracebacks."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "nocolor"
    config.InteractiveShell.xmode = "Plain"
    config.InteractiveShell.autocall = 0
    shell = InteractiveShell(config=config)
    shell.showtraceback = _short_traceback(shell.showtraceback)
    return shell


def _short_traceback(show):
    def quiet(*args, **kwargs):
        try:
            show(*args, **kwargs)
        except Exception:  # a traceback that cannot be shown is not worth failing for
            pass
    return quiet


def serve(channel, shell) -> None:
    """Answer requests on ``channel`` (a connected socket) until it closes."""
    workspace = Workspace(shell)
    reader = channel.makefile("rb")

    def read_exactly(size: int) -> bytes:
        data = reader.read(size)
        if data is None or len(data) < size:
            raise EOFError
        return data

    while True:
        try:
            document, blob = wire.read_frame(read_exactly)
        except (EOFError, OSError):
            return
        except wire.WireError as problem:
            channel.sendall(wire.frame({"error": {"type": "WireError", "message": str(problem),
                                                  "cell": None, "line": None, "grader": True}}, b""))
            return
        channel.sendall(workspace.handle(document, blob))
