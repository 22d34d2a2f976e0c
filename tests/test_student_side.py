"""The student side of the channel and the judge's proxies (``student.py``, ``probes.py``, ``remote.py``).

Requests go through ``remote.Session.in_process``: the very codec, requests and proxies of a
grading, with the "student process" being this process. Student code is written as source and
``exec``-ed into the namespace, so its functions' globals are the notebook's namespace as in a
real grading. The IPython tests run cells in a real shell made by ``student.make_shell()``.
"""

from __future__ import annotations

import builtins
import sys
import textwrap

import numpy as np
import pytest
import torch
from torch import nn

from autograder.grading_runtime import probes, remote, student, wire, wording
from autograder.grading_runtime.remote import Missing, Session, StudentError
from conftest import reader_of

STUDENT_CODE = '''
import numpy as np
import torch
from torch import nn

SEED = 2021
GREETING = "hello"


def add(a, b):
    return a + b


def pair(x):
    return x, x * 2


class Counter:
    def __init__(self, start=0):
        self.count = start
        self.items = [1, 2, 3]

    def bump(self, by=1):
        self.count += by
        return self.count

    def __len__(self):
        return len(self.items)

    def __getitem__(self, index):
        return self.items[index] * 10

    def __iter__(self):
        return iter(self.items)


def make_counter(start=0):
    return Counter(start)


def count_of(counter):
    return counter.count


def fill(values, options, *, extra=None):
    values.append(len(values))
    options["seen"] = True
    if extra is not None:
        extra.append("kw")
    return "filled"


def double_in_place(t):
    t.mul_(2)


def leak(x):
    raise ValueError(f"the hidden input was {x}")


class OwnError(Exception):
    pass


def raise_own(x):
    raise OwnError(f"the hidden input was {x}")


def todo(x):
    raise NotImplementedError


def gives_set():
    return {1, 2}


def gives_huge():
    return 2 ** 80


class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no words")


def raise_unprintable():
    raise Unprintable()


def half_done(x):
    y = ...
    return y + x


class AlwaysEqual(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


def liar():
    return AlwaysEqual(1.0)


def sparse():
    return torch.eye(2).to_sparse()


def count_parameters(model):
    return -1  # the student's helper, wrong on purpose


def report(model):
    return count_parameters(model)


def report_then_fail(model):
    count_parameters(model)
    raise RuntimeError("after the helper")


def n_params(model):
    return sum(p.numel() for p in model.parameters())


def first_layer_name(model):
    return next(iter(model.named_children()))[0]
'''

NAMES = ["SEED", "GREETING", "add", "pair", "make_counter", "count_of", "fill", "double_in_place",
         "leak", "raise_own", "todo", "gives_set", "gives_huge", "raise_unprintable", "half_done",
         "liar", "sparse", "report", "report_then_fail", "n_params", "first_layer_name", "Counter"]


@pytest.fixture
def namespace() -> dict:
    """A notebook's namespace, filled by the student's code."""
    filled: dict = {}
    exec(compile(STUDENT_CODE, "<notebook>", "exec"), filled)
    return filled


@pytest.fixture
def session(namespace) -> Session:
    return Session.in_process(namespace)


@pytest.fixture
def p(session) -> dict:
    """The proxies a test receives, by name."""
    return session.proxies(NAMES)


# --- calling --------------------------------------------------------------------------------------


def test_constants_arrive_as_their_values(p):
    """Does a test asking for a notebook constant get the plain value rather than a proxy?"""
    assert p["SEED"] == 2021 and type(p["SEED"]) is int
    assert p["GREETING"] == "hello"


def test_functions_arrive_as_callable_proxies(p):
    """Is a notebook function a Remote proxy that says what it is?"""
    assert remote.is_remote(p["add"]) and p["add"].GRADING_PROXY
    assert p["add"].student_type() == "function"
    assert "add" in repr(p["add"])


def test_plain_results_come_back_as_plain_values(p):
    """Do calls answer ints, strings, arrays and tensors as the judge's own plain values?"""
    assert p["add"](2, 3) == 5 and type(p["add"](2, 3)) is int
    assert p["add"]("a", "b") == "ab"
    assert p["add"](a=1.5, b=1) == 2.5
    array = p["add"](np.arange(3), 1)
    assert type(array) is np.ndarray and np.array_equal(array, [1, 2, 3])
    tensor = p["add"](torch.ones(2, dtype=torch.float64), 1)
    assert type(tensor) is torch.Tensor and tensor.dtype == torch.float64
    assert torch.equal(tensor, 2 * torch.ones(2, dtype=torch.float64))


def test_tuples_come_back_as_tuples(p):
    """Does a function returning several values give the test a tuple it can unpack?"""
    result = p["pair"](3)
    assert result == (3, 6) and type(result) is tuple
    first, second = p["pair"](np.array([1.0]))
    assert np.array_equal(first, [1.0]) and np.array_equal(second, [2.0])


def test_a_lying_result_arrives_as_its_plain_value(p):
    """Does a result whose __eq__ is always True reach the check as an honest float?"""
    result = p["liar"]()
    assert type(result) is float and result == 1.0 and result != 2.0


def test_non_plain_results_become_proxies_that_work_like_the_object(p):
    """Is an object that is not plain data a proxy the test can call, read, set, index, measure and iterate?"""
    counter = p["make_counter"](5)
    assert remote.is_remote(counter) and counter.student_type() == "Counter"
    assert counter.bump(2) == 7
    assert counter.count == 7
    counter.count = 10
    assert counter.count == 10
    assert counter.bump() == 11
    assert counter[1] == 20
    assert len(counter) == 3
    assert list(counter) == [1, 2, 3]
    assert bool(counter) is True


def test_a_proxy_can_be_passed_back_to_the_student_code(p):
    """Does a proxy sent as an argument reach the student's function as the object itself?"""
    counter = p["make_counter"](4)
    assert p["count_of"](counter) == 4
    assert p["count_of"](p["make_counter"](9)) == 9


def test_a_notebook_class_is_a_callable_proxy(p):
    """Can a test instantiate a notebook class through its proxy and use the instance?"""
    instance = p["Counter"](start=3)
    assert remote.is_remote(instance) and instance.bump(1) == 4


def test_a_set_result_is_a_proxy(p):
    """Does a set (not plain data) stay in the student process, with a working len()?"""
    result = p["gives_set"]()
    assert remote.is_remote(result) and result.student_type() == "set" and len(result) == 2
    assert sorted(result) == [1, 2]


def test_call_and_echo_returns_the_arguments_as_the_call_left_them(p):
    """Does call_and_echo give the result and the positional and keyword arguments after the call?"""
    values, options, extra = [7], {}, []
    result, args, kwargs = p["fill"].call_and_echo(values, options, extra=extra)
    assert result == "filled"
    assert args == [[7, 1], {"seen": True}]
    assert kwargs == {"extra": ["kw"]}
    assert values == [7] and options == {} and extra == []  # the judge's own copies are untouched


def test_call_and_echo_shows_a_tensor_changed_in_place(p):
    """Does a tensor changed in place by the student come back changed, the judge's unchanged?"""
    original = torch.tensor([1.0, 2.0])
    result, (changed,), _ = p["double_in_place"].call_and_echo(original)
    assert result is None
    assert torch.equal(changed, torch.tensor([2.0, 4.0]))
    assert torch.equal(original, torch.tensor([1.0, 2.0]))


# --- errors -----------------------------------------------------------------------------------------


def test_a_students_exception_is_a_student_error_naming_the_function_and_type(p):
    """Does a student's exception reach the check as a StudentError (an AssertionError) with its words?"""
    with pytest.raises(StudentError) as raised:
        p["leak"](42)
    error = raised.value
    assert isinstance(error, AssertionError)
    message = str(error)
    assert "`leak`" in message and "ValueError" in message and "the hidden input was 42" in message
    assert error.error_type == "ValueError" and error.detail == "the hidden input was 42"


def test_a_hidden_test_quotes_nothing_the_students_error_chose(session, p):
    """During a hidden test, does the message name the function only: not the error's type
    (a dozen types carry bits), not its text?"""
    with wording.hidden_test(), pytest.raises(StudentError) as raised:
        p["leak"](42)
    message = str(raised.value)
    assert message == "`leak` raised an error."
    assert "the hidden input was 42" in raised.value.detail


def test_an_exception_type_of_the_students_own_is_not_named_in_a_hidden_test(session, p):
    """Is a student-defined exception's name shown in public tests only (it could carry a secret)?"""
    with pytest.raises(StudentError, match="OwnError"):
        p["raise_own"](1)
    with wording.hidden_test(), pytest.raises(StudentError) as raised:
        p["raise_own"](1)
    assert "OwnError" not in str(raised.value) and str(raised.value).endswith("raised an error.")
    assert raised.value.error_type == "OwnError"


def test_not_implemented_error_says_not_implemented_yet(p):
    """Does a function that raises NotImplementedError get "is not implemented yet"?"""
    with pytest.raises(StudentError, match=r"^`todo` is not implemented yet\.$"):
        p["todo"](1)


def test_a_missing_name_is_a_missing_proxy_that_says_it_is_not_defined(session):
    """Is a name the notebook lacks a Missing proxy whose every use says it is not defined?"""
    (missing,) = session.proxies(["not_there"]).values()
    assert isinstance(missing, Missing) and missing.GRADING_PROXY and not remote.is_remote(missing)
    assert missing.student_type() == "undefined" and "not_there" in repr(missing)
    for use in (lambda: missing(1), lambda: missing.attribute, lambda: missing.call_and_echo(1),
                lambda: missing.probe("module_layers")):
        with pytest.raises(StudentError, match="`not_there` is not defined"):
            use()
    with pytest.raises(AttributeError):
        _ = missing.__wrapped__  # dunder lookups (copy, inspect) are not failures of the student


def test_a_name_removed_after_the_proxies_were_made_is_not_defined(namespace, p):
    """If the notebook loses a name after the test got its proxy, is the call "not defined"?"""
    del namespace["add"]
    with pytest.raises(StudentError, match="`add` is not defined"):
        p["add"](1, 2)


def test_a_result_the_channel_cannot_carry_is_a_student_error(p):
    """Is a result that is not sendable (an int past 64 bits) a StudentError about the answer?"""
    with pytest.raises(StudentError, match="answered with something the grader cannot read") as raised:
        p["gives_huge"]()
    assert raised.value.error_type == "WireError"


def test_an_exception_whose_str_fails_still_becomes_a_student_error(p):
    """Does an exception whose __str__ raises still give a StudentError naming its type?"""
    with pytest.raises(StudentError, match="`raise_unprintable` raised Unprintable") as raised:
        p["raise_unprintable"]()
    assert raised.value.detail == ""


def test_an_unfinished_function_says_it_still_has_the_ellipsis(p):
    """Does an error in a function that still has the template's ``...`` say it is not finished yet?"""
    with pytest.raises(StudentError, match=r"^`half_done` is not finished yet \(it still has `...`\).$"):
        p["half_done"](1)


def test_a_finished_function_that_raises_does_not_say_unfinished(p):
    """Is a function without ``...`` that raises reported as raising, not as unfinished?"""
    with pytest.raises(StudentError) as raised:
        p["leak"](0)
    assert "not finished" not in str(raised.value)


def test_a_sparse_tensor_result_is_a_proxy_not_a_not_implemented_error(p):
    """Does a function returning a sparse tensor give a proxy, rather than "not implemented yet"?"""
    assert remote.is_remote(p["sparse"]())


# --- requests the student side refuses ----------------------------------------------------------------


def answer_to(workspace: student.Workspace, document, blob: bytes = b"") -> dict:
    """The student side's answer to one raw request, as the judge would read it."""
    answer, answer_blob = wire.read_frame(reader_of(workspace.handle(document, blob)))
    if "value" in answer:
        return {"value": wire.decode(answer["value"], answer_blob)}
    return answer


@pytest.mark.parametrize("document", [
    [1, 2], {"body": {"$dict": []}}, {"op": 3, "body": {"$dict": []}},
    {"op": "nonexistent", "body": {"$dict": []}}, {"op": "call", "body": [1]},
    {"op": "call", "body": {"$pickle": "x"}}, {"op": "call", "body": {"$dict": [["target", {"$ref": 99}]]}},
    {"op": "call", "body": {"$dict": [["target", {"$name": "nowhere"}]]}},
], ids=["not a dict", "no op", "op not a string", "unknown op", "body not a dict", "bad tag",
        "unknown reference", "unknown name"])
def test_malformed_requests_get_a_grader_error_not_a_crash(namespace, document):
    """Does the student side answer a malformed request with a WireError marked as the grader's?"""
    answer = answer_to(student.Workspace.of_namespace(namespace), document)
    assert answer["error"]["type"] == "WireError" and answer["error"]["grader"] is True


def test_an_unknown_probe_is_refused(namespace):
    """Is a probe name that is not in PROBES refused rather than looked up elsewhere?"""
    workspace = student.Workspace.of_namespace(namespace)
    body = wire.Encoder().encode({"probe": "__import__", "args": []})
    answer = answer_to(workspace, {"op": "probe", "body": body})
    assert answer["error"]["type"] == "WireError" and "unknown probe" in answer["error"]["message"]


def test_describe_says_what_each_name_is(namespace):
    """Does the describe request report defined names with type, callability and unfinishedness?"""
    workspace = student.Workspace.of_namespace(namespace)
    body = wire.Encoder().encode({"names": ["add", "SEED", "half_done", "nothing"]})
    described = answer_to(workspace, {"op": "describe", "body": body})["value"]
    assert described["add"] == {"defined": True, "type": "function", "callable": True, "unfinished": False}
    assert described["SEED"]["callable"] is False and described["SEED"]["type"] == "int"
    assert described["half_done"]["unfinished"] is True
    assert described["nothing"] == {"defined": False}


# --- unfinished ---------------------------------------------------------------------------------------


def defined(source: str, name: str):
    """Define ``source`` as an IPython cell does: compiled under a name linecache knows."""
    import linecache

    source = textwrap.dedent(source)
    filename = f"<ipython-input-{abs(hash(source))}-test>"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    space: dict = {}
    exec(compile(source, filename, "exec"), space)
    return space[name]


@pytest.mark.parametrize(("source", "name"), [
    ("def f(x):\n    y = ...\n    return y\n", "f"),
    ("def f(x):\n    return f(...)\n", "f"),
    ("def f(x):\n    def inner():\n        return ...\n    return inner\n", "f"),
    ("class Net:\n    def __init__(self):\n        self.layer = ...\n"
     "    def forward(self, x):\n        return x\n", "Net"),
    ("class Net:\n    def forward(self, x):\n        logits = ...\n        return logits\n", "Net"),
])
def test_functions_and_classes_that_still_use_the_ellipsis_are_unfinished(source, name):
    """Is a function, or a class with a method, whose code still holds ``...`` unfinished?"""
    assert probes.unfinished(defined(source, name)) is True


@pytest.mark.parametrize(("source", "name"), [
    ("def f(x):\n    return x + 1\n", "f"),
    ("class Net:\n    def forward(self, x):\n        return x\n", "Net"),
    ("class Empty:\n    pass\n", "Empty"),
    ("value = 3\n", "value"),
    ("value = ...\n", "value"),
    ("f = lambda x: x\n", "f"),
])
def test_finished_code_and_plain_values_are_not_unfinished(source, name):
    """Is finished code, or anything that is not a function or class, not unfinished?"""
    assert probes.unfinished(defined(source, name)) is False


@pytest.mark.parametrize("source", [
    'def sigmoid(x):\n    """The logistic sigmoid."""\n    ...\n',
    "def f(x):\n    ...\n",
    "def f(x):\n    total = 0\n    for v in x:\n        ...\n    return total\n",
], ids=["docstring then ...", "only ...", "... inside a loop"])
def test_a_function_whose_body_is_still_a_bare_ellipsis_is_unfinished(source):
    """Is a template function whose body still is a bare ``...`` statement seen as unfinished?"""
    assert probes.unfinished(defined(source, source.split("(")[0].removeprefix("def ")))


def test_ellipsis_indexing_in_finished_code_is_not_unfinished():
    """Is a finished function that indexes with ``x[:, ...]`` (Ellipsis as an index) not unfinished?"""
    assert not probes.unfinished(defined("def last(x):\n    return x[:, ...][-1]\n", "last"))


# --- probes -----------------------------------------------------------------------------------------


def trainable(model) -> int:
    """The trainable scalars of ``model``, each shared parameter once."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def test_build_module_linear_with_bias_off_and_frozen_weight():
    """Does a linear spec give a Linear of those sizes, bias as asked, named parameters frozen?"""
    layer = probes.build_module_from_spec({"kind": "linear", "in": 3, "out": 5, "bias": False,
                                           "frozen": ["weight"]})
    assert isinstance(layer, nn.Linear) and (layer.in_features, layer.out_features) == (3, 5)
    assert layer.bias is None and layer.weight.requires_grad is False
    default = probes.build_module_from_spec({"kind": "linear", "in": 1, "out": 1})
    assert default.bias is not None and default.weight.requires_grad and default.bias.requires_grad


def test_build_module_batchnorm_frozen_or_not():
    """Does a batchnorm spec give BatchNorm1d of that width, frozen when asked?"""
    frozen = probes.build_module_from_spec({"kind": "batchnorm", "features": 6, "frozen": True})
    assert isinstance(frozen, nn.BatchNorm1d) and frozen.num_features == 6
    assert not frozen.weight.requires_grad and not frozen.bias.requires_grad
    free = probes.build_module_from_spec({"kind": "batchnorm", "features": 2})
    assert free.weight.requires_grad and free.bias.requires_grad


def test_build_module_scale_has_a_parameter_and_a_buffer():
    """Does a scale spec give a module with a learnable tensor of that shape beside a buffer?"""
    scale = probes.build_module_from_spec({"kind": "scale", "shape": [2, 3]})
    assert dict(scale.named_parameters())["scale"].shape == (2, 3)
    assert dict(scale.named_buffers())["calls"].shape == (3,)
    assert torch.equal(scale(torch.full((2, 3), 2.0)), torch.full((2, 3), 2.0))
    assert trainable(scale) == 6


def test_build_module_activation_by_name():
    """Does an activation spec give that nn activation?"""
    assert isinstance(probes.build_module_from_spec({"kind": "activation", "name": "Tanh"}), nn.Tanh)


def test_build_module_containers_with_reuse_and_tied_weights():
    """Do sequential specs with ``reuse`` share a layer and ``tie_weight_to`` share a weight?"""
    spec = {"kind": "sequential", "layers": [
        {"kind": "linear", "in": 3, "out": 3},
        {"kind": "activation", "name": "ReLU"},
        {"kind": "reuse", "index": 0},
        {"kind": "linear", "in": 3, "out": 3, "tie_weight_to": 0},
    ]}
    model = probes.build_module_from_spec(spec)
    assert isinstance(model, nn.Sequential) and len(model) == 4
    assert model[2] is model[0]
    assert model[3] is not model[0] and model[3].weight is model[0].weight
    assert model[3].bias is not model[0].bias
    # each shared parameter once: weight 9 + bias 3, and the tied layer's own bias 3
    assert trainable(model) == 15


def test_build_module_list_and_dict():
    """Do module_list and module_dict specs give those containers, the dict with its names in order?"""
    as_list = probes.build_module_from_spec({"kind": "module_list", "layers": [
        {"kind": "linear", "in": 2, "out": 2}, {"kind": "reuse", "index": 0}]})
    assert isinstance(as_list, nn.ModuleList) and as_list[0] is as_list[1]
    as_dict = probes.build_module_from_spec({"kind": "module_dict", "layers": {
        "encoder": {"kind": "linear", "in": 4, "out": 2},
        "act": {"kind": "activation", "name": "Sigmoid"},
        "decoder": {"kind": "linear", "in": 2, "out": 4, "tie_weight_to": 0}}})
    assert isinstance(as_dict, nn.ModuleDict) and list(as_dict) == ["encoder", "act", "decoder"]
    assert isinstance(as_dict["act"], nn.Sigmoid)


def test_build_module_sequential_with_named_layers_and_activation_arguments():
    """Do ``[name, spec]`` pairs register a Sequential's layers under names, with activation arguments?"""
    model = probes.build_module_from_spec({"kind": "sequential", "layers": [
        ["Linear_0", {"kind": "linear", "in": 4, "out": 5}],
        ["Activation_0", {"kind": "activation", "name": "LeakyReLU", "args": [0.1]}],
        ["Output_Linear", {"kind": "linear", "in": 5, "out": 2}],
        ["Again", {"kind": "reuse", "index": 1}],
    ]})
    registered = [name for name, _ in model.named_modules(remove_duplicate=False) if name]
    assert registered == ["Linear_0", "Activation_0", "Output_Linear", "Again"]
    assert isinstance(model.Activation_0, nn.LeakyReLU) and model.Activation_0.negative_slope == 0.1
    assert model.Again is model.Activation_0
    assert model(torch.zeros(3, 4)).shape == (3, 2)


def test_build_module_bare_module_with_named_children():
    """Does a ``module`` spec give a bare container with each child under its attribute name?"""
    model = probes.build_module_from_spec({"kind": "module", "children": {
        "mlp": {"kind": "sequential", "layers": [{"kind": "linear", "in": 2, "out": 3}]},
        "norm": {"kind": "batchnorm", "features": 3}}})
    assert type(model) is nn.Module
    assert [name for name, _ in model.named_children()] == ["mlp", "norm"]
    assert isinstance(model.mlp[0], nn.Linear) and isinstance(model.norm, nn.BatchNorm1d)


def test_an_unknown_spec_kind_is_refused():
    """Is an unknown spec kind a ValueError naming it?"""
    with pytest.raises(ValueError, match="transformer"):
        probes.build_module_from_spec({"kind": "transformer"})


def test_the_build_module_probe_lends_a_model_the_test_passes_back(p):
    """Does the build_module probe give a proxy of a model that student functions can take?"""
    model = p["n_params"].probe("build_module", {"kind": "sequential", "layers": [
        {"kind": "linear", "in": 3, "out": 2}, {"kind": "reuse", "index": 0}]})
    assert remote.is_remote(model) and model.student_type() == "Sequential"
    assert p["n_params"](model) == 8  # the reused layer once
    assert p["first_layer_name"](model) == "0"


# --- cells in a real IPython shell ---------------------------------------------------------------------


class Notebook:
    """A real shell behind a session, as the judge drives it; cells numbered as in a notebook."""

    def __init__(self):
        self.shell = student.make_shell()
        self.workspace = student.Workspace(self.shell)
        self.session = Session(spawn=None, end=lambda pid: None, cells=[], cell_seconds=30.0,
                               max_restarts=0, log=remote.OutputLog(0))
        self.session.process = remote.LocalProcess(self.workspace)

    def run(self, number: int, source: str) -> dict | None:
        """Run one cell; the error it raised, as the student side described it, or None."""
        cell = remote.Cell(number, textwrap.dedent(source))
        self.session.cells.append(cell)
        outcome = self.session._run_cell(cell)
        assert not outcome.skipped
        return outcome.error


@pytest.fixture
def notebook():
    """A notebook in a fresh shell; what IPython changes in this process is put back afterwards."""
    main = sys.modules.get("__main__")
    saved = {name: vars(builtins)[name] for name in ("display", "__IPYTHON__", "get_ipython")
             if name in vars(builtins)}
    yield Notebook()
    sys.modules["__main__"] = main
    for name in ("display", "__IPYTHON__", "get_ipython"):
        vars(builtins).pop(name, None)
    vars(builtins).update(saved)


def test_an_error_in_a_cell_is_placed_at_its_cell_and_line(notebook):
    """Is an error raised by a cell's own code located at that cell's number and line?"""
    error = notebook.run(3, "a = 1\nb = 2\nraise ValueError('bad value')\n")
    assert error["type"] == "ValueError" and error["message"] == "bad value"
    assert (error["cell"], error["line"]) == (3, 3)


def test_an_error_in_a_function_from_an_earlier_cell_is_placed_in_that_cell(notebook):
    """Called from a later cell, is a function's error located in the cell that defined it?"""
    assert notebook.run(2, "def f(x):\n    y = x + 1\n    return y / 0\n") is None
    error = notebook.run(5, "z = 5\nf(z)\n")
    assert error["type"] == "ZeroDivisionError"
    assert (error["cell"], error["line"]) == (2, 3)


def test_an_error_inside_a_library_is_placed_at_the_cell_line_that_called_it(notebook):
    """Is an error raised deep in a library located at the innermost cell line on the way?"""
    error = notebook.run(4, "import numpy as np\n\nnp.zeros((2, 2)) @ np.zeros((3, 3))\n")
    assert error["type"] == "ValueError" and (error["cell"], error["line"]) == (4, 3)


def test_a_syntax_error_is_placed_at_its_cell_and_line(notebook):
    """Is a cell that does not parse located at its own number and the bad line?"""
    error = notebook.run(7, "x = 1\ny = (\n")
    assert error["type"] == "SyntaxError" and error["cell"] == 7 and error["line"] in (2, 3)
    error = notebook.run(8, "ok = 1\ndef g(:\n    pass\n")
    assert error["type"] == "SyntaxError" and (error["cell"], error["line"]) == (8, 2)


def test_cell_numbers_are_the_notebooks_not_ipythons_execution_counts(notebook):
    """With markdown cells between code cells, does the location use the notebook's numbering?"""
    assert notebook.run(1, "a = 1\n") is None
    assert notebook.run(12, "def h():\n    raise KeyError('k')\n") is None
    error = notebook.run(30, "h()\n")
    assert (error["cell"], error["line"]) == (12, 2)


def test_a_judges_call_into_a_cell_function_quotes_the_cells_line(notebook):
    """When a test calls a notebook function that fails, does the message point at the cell and line?"""
    assert notebook.run(6, "def f(x):\n    y = x + 1\n    return y / 0\n") is None
    (f,) = notebook.session.proxies(["f"]).values()
    with pytest.raises(StudentError) as raised:
        f(1)
    assert "(in your cell 6, line 3: `return y / 0`)" in str(raised.value)
    with wording.hidden_test(), pytest.raises(StudentError) as raised:
        f(1)
    # in a hidden test the student process's choice of cell and line could carry a hidden input out
    assert str(raised.value) == "`f` raised an error."


def test_an_error_with_no_cell_frame_has_no_location(notebook):
    """Is an error that never passed through a cell located nowhere?"""
    assert notebook.workspace.where(ValueError("no traceback")) == (None, None)
    try:
        exec(compile("raise KeyError('x')", "<not a cell>", "exec"))
    except KeyError as error:
        assert notebook.workspace.where(error) == (None, None)


def test_ipython_magics_shell_lines_and_display_run(notebook, capfd):
    """Does a cell with ``%time``, ``!echo`` and ``display`` run without error, as in Jupyter?"""
    error = notebook.run(1, "%time x = 1\n!echo hi from the shell\ndisplay(3)\n")
    assert error is None
    assert notebook.session.proxies(["x"])["x"] == 1
    assert "hi from the shell" in capfd.readouterr().out


def test_grader_check_cells_do_nothing(notebook):
    """Does a ``grader.check("q1")`` cell run without error while grading?"""
    assert notebook.run(1, 'grader.check("q1")\ngrader.check_all()\n') is None


@pytest.mark.filterwarnings("ignore:To exit:UserWarning")
def test_sys_exit_in_a_cell_is_an_error_of_that_cell_not_the_end(notebook):
    """Is ``sys.exit()`` in a cell an error in that cell, with the notebook going on afterwards?"""
    assert notebook.run(1, "kept = 'still here'\n") is None
    error = notebook.run(2, "import sys\nsys.exit()\n")
    assert error["type"] == "SystemExit" and (error["cell"], error["line"]) == (2, 2)
    assert notebook.run(3, "after = kept + '!'\n") is None
    assert notebook.session.proxies(["after"])["after"] == "still here!"


def test_not_implemented_error_in_a_cell_is_flagged(notebook):
    """Is a cell raising NotImplementedError described as not implemented?"""
    error = notebook.run(1, "raise NotImplementedError('later')\n")
    assert error["not_implemented"] is True and error["type"] == "NotImplementedError"
