"""Inspections the judge may ask the student process to run, each answering with plain data.

Some questions about a student's object cannot be asked with a call: which layers a network
registers under which names, or what a function returns when the helper it leans on is a
correct one. A probe answers such a question inside the student process, where the object
lives, and returns numbers, strings and arrays only. A probe is not trusted more than the
student's code around it (a cell may replace it): it only saves the judge from having to
reach into an object it cannot see.

Probes take the :class:`~.student.Workspace` first, then the student's object the judge asked
about, then the decoded arguments of the request (references already resolved to the
student's objects). ``PROBES`` lists them.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import types
from collections import OrderedDict
from typing import Any, Callable

from .wording import NOT_FINISHED, not_finished  # noqa: F401  (where the notebook's checks look)

_stand_ins: types.ModuleType | None
try:  # the grader's stand-ins (see call_with_stand_in): loaded with the probes, before any
    # student process starts; a student's notebook carries the probes but no stand-in
    from . import stand_ins as _stand_ins
except ImportError:
    _stand_ins = None


def _nn():
    from torch import nn

    return nn


def _scale_module(shape: list[int]):
    import torch
    from torch import nn

    class Scale(nn.Module):
        """A learnable tensor next to a buffer, as custom layers often hold them."""

        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(torch.ones(*shape))
            self.register_buffer("calls", torch.zeros(shape[-1]))

        def forward(self, x):
            return x * self.scale

    return Scale()


def _children(specs: list[dict]) -> list:
    built: list = []
    for spec in specs:
        if spec["kind"] == "reuse":
            built.append(built[spec["index"]])
            continue
        module = build_module_from_spec(spec)
        if "tie_weight_to" in spec:
            module.weight = built[spec["tie_weight_to"]].weight
        built.append(module)
    return built


def build_module_from_spec(spec: dict):
    """The ``nn.Module`` a model spec describes: plain data in, the same structure every time.

    Kinds: ``linear`` (in, out, bias, frozen: names of parameters to freeze), ``batchnorm``
    (features, frozen), ``scale`` (shape), ``activation`` (name, args), ``sequential``,
    ``module_list`` (layers: a list), ``module_dict`` (layers: a mapping), ``module``
    (children: a mapping of attribute names; a bare container); inside ``sequential`` layers
    may be ``[name, spec]`` pairs to register them under names; ``reuse`` (index of an
    earlier sibling) and ``tie_weight_to`` (index of the sibling whose weight this one
    shares). Nothing here knows any exercise's model: checks describe theirs in these terms.
    """
    nn = _nn()
    kind = spec["kind"]
    if kind == "linear":
        layer = nn.Linear(spec["in"], spec["out"], bias=spec.get("bias", True))
        for name in spec.get("frozen", []):
            getattr(layer, name).requires_grad_(False)
        return layer
    if kind == "batchnorm":
        layer = nn.BatchNorm1d(spec["features"])
        if spec.get("frozen"):
            layer.weight.requires_grad_(False)
            layer.bias.requires_grad_(False)
        return layer
    if kind == "scale":
        return _scale_module(spec["shape"])
    if kind == "activation":
        return getattr(nn, spec["name"])(*spec.get("args", []))
    if kind == "sequential":
        layers = spec["layers"]
        if layers and isinstance(layers[0], list):
            names = [name for name, _ in layers]
            return nn.Sequential(OrderedDict(zip(names, _children([layer for _, layer in layers]))))
        return nn.Sequential(*_children(layers))
    if kind == "module_list":
        return nn.ModuleList(_children(spec["layers"]))
    if kind == "module_dict":
        names = list(spec["layers"])
        return nn.ModuleDict(dict(zip(names, _children([spec["layers"][n] for n in names]))))
    if kind == "module":
        container = nn.Module()
        for name, child in spec["children"].items():
            container.add_module(name, build_module_from_spec(child))
        return container
    raise ValueError(f"unknown model spec kind {kind!r}")


def build_module(workspace, function, spec: dict):
    """A model built from a spec for ``function`` to take: it stays here, and the judge gets a
    reference to pass back (a model cannot cross the channel; its spec can)."""
    return build_module_from_spec(spec)


def build_function(workspace, function, spec: dict):
    """A function of an array, built from a spec for ``function`` to take (a function cannot
    cross the channel; its spec can), lent to the judge by reference.

    ``f(w) = sum(square * w**2) + sum(cube * w**3) + sum(sine * sin(w)) + sum(linear * w)
    + constant``, each coefficient array of the spec's ``shape`` (absent ones are zero). It
    takes only an array of that shape, so a caller that flattens or reshapes its argument is
    told so; it computes in the precision it is given.
    """
    import numpy as np

    shape = tuple(spec["shape"])
    terms = {name: np.asarray(spec[name], dtype=np.float64) for name in ("square", "cube", "sine", "linear")
             if name in spec}
    constant = float(spec.get("constant", 0.0))

    def f(w):
        w = np.asarray(w)
        if w.shape != shape:
            raise ValueError(f"f takes an array of shape {shape}, the shape of w, but got one of "
                             f"shape {w.shape}")
        total = constant
        if "square" in terms:
            total += float(np.sum(terms["square"] * w * w))
        if "cube" in terms:
            total += float(np.sum(terms["cube"] * w * w * w))
        if "sine" in terms:
            total += float(np.sum(terms["sine"] * np.sin(w)))
        if "linear" in terms:
            total += float(np.sum(terms["linear"] * w))
        return total

    return f


def stand_ins_at_hand() -> bool:
    """Whether the grader's stand-ins are loaded here (in the grading engine; never in a
    student's notebook)."""
    return _stand_ins is not None


def call_with_stand_in(workspace, function, args: list, name: str, stand_in: str):
    """Call ``function(*args)`` with its global ``name`` replaced by the grader's stand-in
    ``stand_in`` (``stand_ins.STAND_INS``) for the call, then restored.

    A graded function may lean on another the student wrote (the width search counts its
    networks with the notebook's ``count_parameters``); with an honest stand-in in its place,
    a mistake in the helper costs points on the helper's own question only. The stand-in is
    grading code, not a table of answers: nothing reaches this process but the call's
    arguments. Raises where the stand-ins are not at hand (a student's notebook).
    """
    if _stand_ins is None:
        raise RuntimeError("the grader's stand-ins are not at hand here: only the grading "
                           "engine has them")
    replacement = _stand_ins.STAND_INS[stand_in]
    namespace = getattr(function, "__globals__", None)
    if not isinstance(namespace, dict) or name not in namespace:
        with _stand_ins.lent():
            return function(*args)
    saved, namespace[name] = namespace[name], replacement
    try:
        with _stand_ins.lent():
            return function(*args)
    finally:
        namespace[name] = saved


def unfinished(value: Any) -> bool:
    """Whether a function, or a method of a class, still has the template's ``...`` in it: as
    a statement, an assigned or returned value, an argument (not an index, ``x[:, ...]``).

    Decided from the source (IPython keeps every cell's source), since Python drops a bare
    ``...`` statement when it compiles.
    """
    functions = []
    if isinstance(value, types.FunctionType):
        functions.append(value)
    elif isinstance(value, type):
        functions.extend(v for v in vars(value).values() if isinstance(v, types.FunctionType))
    return any(_has_placeholder(function) for function in functions)


def _has_placeholder(function: types.FunctionType) -> bool:
    try:
        source = textwrap.dedent(inspect.getsource(function))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError, IndentationError):
        # no source to read (code made by exec): the compiled constants still show an
        # assigned or returned ``...``, if not a bare statement
        return _ellipsis_constant(function.__code__)
    indexes = {id(node.slice) for node in ast.walk(tree) if isinstance(node, ast.Subscript)}
    indexes |= {id(element) for node in ast.walk(tree) if isinstance(node, ast.Subscript)
                and isinstance(node.slice, ast.Tuple) for element in node.slice.elts}
    return any(isinstance(node, ast.Constant) and node.value is Ellipsis and id(node) not in indexes
               for node in ast.walk(tree))


def _ellipsis_constant(code: types.CodeType) -> bool:
    return any(constant is Ellipsis or (isinstance(constant, types.CodeType) and _ellipsis_constant(constant))
               for constant in code.co_consts)


PROBES: dict[str, Callable] = {
    "build_module": build_module,
    "build_function": build_function,
    "call_with_stand_in": call_with_stand_in,
}
