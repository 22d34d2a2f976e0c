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

from typing import Any, Callable


def _nn():
    from torch import nn

    return nn


def module_layers(workspace, module) -> dict:
    """Whether ``module`` is an ``nn.Module``, and every submodule by name, wherever registered.

    A submodule registered twice (in a ModuleList and under its own name) is listed under
    both names. For each: the last part of its name, its class, and the sizes of a Linear.
    """
    nn = _nn()
    if not isinstance(module, nn.Module):
        return {"is_module": False, "type": type(module).__name__, "layers": []}
    layers = []
    for name, child in module.named_modules(remove_duplicate=False):
        if not name:
            continue
        entry = {"name": name.rsplit(".", 1)[-1], "path": name, "type": type(child).__name__,
                 "linear": isinstance(child, nn.Linear)}
        if isinstance(child, nn.Linear):
            entry["in_features"] = int(child.in_features)
            entry["out_features"] = int(child.out_features)
        layers.append(entry)
    distinct_linear = sum(isinstance(m, nn.Linear) for m in module.modules())
    return {"is_module": True, "type": type(module).__name__, "layers": layers,
            "distinct_linear": distinct_linear}


def load_linear_weights(workspace, module, weights: dict) -> dict:
    """Copy ``weights`` ({layer name: {"weight": tensor, "bias": tensor}}) into the Linear
    layers of those names; answer the parameters' dtype, or what stopped the copy."""
    import torch

    nn = _nn()
    by_name = {name.rsplit(".", 1)[-1]: child
               for name, child in module.named_modules(remove_duplicate=False) if name}
    dtype = None
    with torch.no_grad():
        for name, tensors in weights.items():
            layer = by_name.get(name)
            if not isinstance(layer, nn.Linear):
                return {"problem": f"no nn.Linear named {name}."}
            for attribute in ("weight", "bias"):
                parameter = getattr(layer, attribute)
                wanted = tensors[attribute]
                if parameter is None or tuple(parameter.shape) != tuple(wanted.shape):
                    found = "none" if parameter is None else tuple(parameter.shape)
                    return {"problem": f"{name}.{attribute} has shape {found}, expected "
                                       f"{tuple(wanted.shape)}."}
                parameter.copy_(wanted.to(parameter.dtype))
                dtype = parameter.dtype
    return {"dtype": str(dtype).removeprefix("torch.") if dtype is not None else "float32"}


def _scale_module(shape: list[int]):
    import torch

    nn = _nn()

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


def activation_from_string(actv: str):
    """``nn.<actv>`` from a string such as ``'LeakyReLU(0.1)'``, without ``eval``."""
    nn = _nn()
    name, _, rest = actv.partition("(")
    return getattr(nn, name.strip())(*[float(a) for a in rest.rstrip(")").split(",") if a.strip()])


def build_module_from_spec(spec: dict):
    """The ``nn.Module`` a model spec describes: plain data in, the same structure every time.

    Kinds: ``linear`` (in, out, bias, frozen: names of parameters to freeze), ``batchnorm``
    (features, frozen), ``scale`` (shape), ``activation`` (name), ``sequential``,
    ``module_list``, ``module_dict`` (layers), ``net`` (the tutorials' MLP: actv, input,
    hidden, output, frozen_layers), and inside containers ``reuse`` (index of an earlier
    layer) and ``tie_weight_to`` (index of the layer whose weight this one shares).
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
        return getattr(nn, spec["name"])()
    if kind == "sequential":
        return nn.Sequential(*_children(spec["layers"]))
    if kind == "module_list":
        return nn.ModuleList(_children(spec["layers"]))
    if kind == "module_dict":
        names = list(spec["layers"])
        return nn.ModuleDict(dict(zip(names, _children([spec["layers"][n] for n in names]))))
    if kind == "net":
        return tutorial_mlp(spec["actv"], spec["input"], spec["hidden"], spec["output"],
                            spec.get("frozen_layers", []))
    raise ValueError(f"unknown model spec kind {kind!r}")


def tutorial_mlp(actv: str, n_in: int, hidden: list[int], n_out: int, frozen_layers=()):
    """The tutorials' MLP: ``mlp`` holds ``Linear_i``, ``Activation_i``, then ``Output_Linear``."""
    nn = _nn()

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.input_feature_num = n_in
            self.mlp = nn.Sequential()
            width = n_in
            for index, units in enumerate(hidden):
                self.mlp.add_module(f"Linear_{index}", nn.Linear(width, units))
                self.mlp.add_module(f"Activation_{index}", activation_from_string(actv))
                width = units
            self.mlp.add_module("Output_Linear", nn.Linear(width, n_out))

        def forward(self, x):
            return self.mlp(x.reshape(-1, self.input_feature_num))

    net = Net()
    for name in frozen_layers:
        getattr(net.mlp, name).requires_grad_(False)
    return net


def build_module(workspace, function, spec: dict):
    """A model built from a spec for ``function`` to take: it stays here, and the judge gets a
    reference to pass back (a model cannot cross the channel; its spec can)."""
    return build_module_from_spec(spec)


def trainable_parameter_count(model) -> int:
    """The number of trainable scalars of ``model``, each shared parameter once."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


# Correct helpers a graded function may be run with, in place of the notebook's own.
STAND_INS: dict[str, Callable] = {
    "trainable_parameter_count": trainable_parameter_count,
}


def call_with_stand_ins(workspace, function, args: list, stand_ins: dict) -> Any:
    """Call ``function(*args)`` with some names of its globals bound to correct helpers.

    A graded function may lean on another the student wrote (the width search counts its
    networks with the notebook's ``count_parameters``). With a correct helper in its place,
    a mistake in the helper costs points only on the helper's own question.
    """
    namespace = getattr(function, "__globals__", None)
    saved = {}
    if isinstance(namespace, dict):
        for name, helper in stand_ins.items():
            if name in namespace:
                saved[name] = namespace[name]
                namespace[name] = STAND_INS[helper]
    try:
        return function(*args)
    finally:
        for name, original in saved.items():
            namespace[name] = original


PROBES: dict[str, Callable] = {
    "module_layers": module_layers,
    "load_linear_weights": load_linear_weights,
    "build_module": build_module,
    "call_with_stand_ins": call_with_stand_ins,
}
