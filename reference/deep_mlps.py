"""Reference implementations for ``deep_mlps`` and the hidden cases they answer.

The graded pieces are the parameter counter, the width search under a parameter budget,
the polynomial feature map and the two initialization formulas (the Xavier standard
deviation and the LeakyReLU gain). Hidden cases that need a model store a description of
it (a *model spec*, see ``parameter_count_of_spec``) instead of the model, so the hidden
check can build the very same model from plain JSON; the reference count of each spec is
worked out from the description alone, independently of PyTorch.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from reference.encoding import tensor_to_list
from reference.mlp_intro import Net

# ---------------------------------------------------------------------------------------
# Reference implementations
# ---------------------------------------------------------------------------------------


def count_parameters(model: nn.Module) -> int:
    """Trainable scalars of ``model``; ``parameters()`` already lists a shared one once."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def mlp_parameter_count(n_hidden_layers: int, width: int, input_feature_num: int,
                        output_feature_num: int) -> int:
    """Weights and biases of an MLP with ``n_hidden_layers`` hidden layers of ``width`` units."""
    first = (input_feature_num + 1) * width
    between = (n_hidden_layers - 1) * (width + 1) * width
    output = (width + 1) * output_feature_num
    return first + between + output


def hidden_units_for_budget(max_par_count: int, n_hidden_layers: int, input_feature_num: int,
                            output_feature_num: int) -> int:
    """The first width, counting up from 1, whose MLP has at least ``max_par_count`` parameters."""
    width = 1
    while mlp_parameter_count(n_hidden_layers, width, input_feature_num,
                              output_feature_num) < max_par_count:
        width += 1
    return width


def poly_feature_count(poly_degree: int) -> int:
    """Monomials ``x1**i * x2**j`` with ``0 < i + j <= P``: ``(P+1)(P+2)/2 - 1``."""
    return (poly_degree + 1) * (poly_degree + 2) // 2 - 1


def poly_exponents(poly_degree: int) -> list[tuple[int, int]]:
    """The exponent pairs ``(i, j)`` in the tutorial's column order: ``i`` outer, ``j`` inner."""
    return [
        (i, j)
        for i in range(poly_degree + 1)
        for j in range(poly_degree + 1)
        if 0 < i + j <= poly_degree
    ]


def make_poly_features(poly_degree: int, X: torch.Tensor):
    """Column ``k`` is ``X[:, 0]**i * X[:, 1]**j`` for the ``k``-th pair of ``poly_exponents``."""
    X = X.double()
    columns = [X[:, 0] ** i * X[:, 1] ** j for i, j in poly_exponents(poly_degree)]
    poly_X = torch.stack(columns, dim=1) if columns else X.new_zeros((X.shape[0], 0))
    return poly_X, poly_feature_count(poly_degree)


def xavier_std(fan_in: int, fan_out: int, gain: float = 1.0) -> float:
    """Standard deviation of Xavier-normal weights: ``gain * sqrt(2 / (fan_in + fan_out))``."""
    return gain * math.sqrt(2.0 / (fan_in + fan_out))


def leaky_relu_gain(negative_slope: float) -> float:
    """The gain that keeps the variance through a LeakyReLU: ``sqrt(2 / (1 + a**2))``."""
    return math.sqrt(2.0 / (1.0 + negative_slope**2))


# ---------------------------------------------------------------------------------------
# Model specs: JSON descriptions of the models the parameter counter is tested on.
#
#   {"kind": "linear", "in": 3, "out": 4, "bias": true,
#    "frozen": ["weight"], "tie_weight_to": 0}      frozen and tie_weight_to are optional;
#                                                    tie_weight_to names an earlier sibling
#                                                    whose weight this layer shares
#   {"kind": "batchnorm", "features": 4}             weight and bias, plus three buffers
#   {"kind": "scale", "shape": [2, 3]}               a bare learnable nn.Parameter and a buffer
#   {"kind": "activation", "name": "ReLU"}
#   {"kind": "reuse", "index": 0}                    the very same module as an earlier sibling
#   {"kind": "sequential" | "module_list", "layers": [...]}
#   {"kind": "module_dict", "layers": {"name": spec, ...}}
#   {"kind": "net", "actv": "ReLU()", "input": 2, "hidden": [6, 6], "output": 4,
#    "frozen_layers": ["Linear_0"]}                  the tutorial's MLP; frozen_layers optional
# ---------------------------------------------------------------------------------------


def _linear_count(spec: dict, shares_weight: bool) -> int:
    frozen = set(spec.get("frozen", []))
    count = 0
    if not shares_weight and "weight" not in frozen:
        count += spec["in"] * spec["out"]
    if spec.get("bias", True) and "bias" not in frozen:
        count += spec["out"]
    return count


def _children_count(children: list[dict]) -> int:
    total = 0
    for child in children:
        if child["kind"] == "reuse":
            continue  # the same module again: nothing new to train
        if child["kind"] == "linear" and "tie_weight_to" in child:
            total += _linear_count(child, shares_weight=True)
        else:
            total += parameter_count_of_spec(child)
    return total


def parameter_count_of_spec(spec: dict) -> int:
    """The number of trainable scalars of the model ``spec`` describes, by hand."""
    kind = spec["kind"]
    if kind == "linear":
        return _linear_count(spec, shares_weight=False)
    if kind == "batchnorm":
        return 0 if spec.get("frozen") else 2 * spec["features"]
    if kind == "scale":
        return math.prod(spec["shape"])
    if kind == "activation":
        return 0
    if kind in ("sequential", "module_list"):
        return _children_count(spec["layers"])
    if kind == "module_dict":
        return _children_count(list(spec["layers"].values()))
    if kind == "net":
        widths = [spec["input"], *spec["hidden"], spec["output"]]
        names = [f"Linear_{i}" for i in range(len(spec["hidden"]))] + ["Output_Linear"]
        frozen = set(spec.get("frozen_layers", []))
        return sum(
            (widths[k] + 1) * widths[k + 1] for k, name in enumerate(names) if name not in frozen
        )
    raise ValueError(f"unknown model spec kind {kind!r}")


def tutorial_net_count(actv: str, input_feature_num: int, hidden_unit_nums: list[int],
                       output_feature_num: int) -> int:
    """Parameters of the tutorial's ``Net``, counted by PyTorch (a cross-check of the specs)."""
    return count_parameters(Net(actv, input_feature_num, hidden_unit_nums, output_feature_num))


# ---------------------------------------------------------------------------------------
# Hidden cases
# ---------------------------------------------------------------------------------------


def _count_case(label: str, model: dict) -> dict:
    return {"label": label, "model": model, "count": parameter_count_of_spec(model)}


def _linear(n_in, n_out, **options) -> dict:
    return {"kind": "linear", "in": n_in, "out": n_out, "bias": options.pop("bias", True), **options}


def _plain_count_cases() -> list[dict]:
    """Ordinary models: the tutorial's networks, bias-free layers, nested containers."""
    return [
        _count_case("the tutorial's image MLP with three hidden layers of 64",
                    {"kind": "net", "actv": "ReLU()", "input": 3 * 32 * 32,
                     "hidden": [64, 64, 64], "output": 3}),
        _count_case("the tutorial's LeakyReLU MLP for the gain experiment",
                    {"kind": "net", "actv": "LeakyReLU(0.1)", "input": 3 * 32 * 32,
                     "hidden": [128, 64, 32], "output": 3}),
        _count_case("a linear model on 1325 polynomial features (no hidden layer)",
                    {"kind": "net", "actv": "ReLU()", "input": 1325, "hidden": [], "output": 4}),
        _count_case("a bias-free layer between two ordinary ones",
                    {"kind": "sequential", "layers": [
                        _linear(5, 7), {"kind": "activation", "name": "Tanh"},
                        _linear(7, 3, bias=False), _linear(3, 2)]}),
        _count_case("containers nested three deep (Sequential, ModuleList, ModuleDict)",
                    {"kind": "sequential", "layers": [
                        _linear(4, 6),
                        {"kind": "module_list", "layers": [
                            _linear(6, 6, bias=False),
                            {"kind": "module_dict", "layers": {
                                "left": _linear(6, 2), "right": _linear(6, 9)}},
                        ]},
                        {"kind": "activation", "name": "ReLU"},
                    ]}),
        _count_case("a model holding a bare learnable tensor besides a layer",
                    {"kind": "sequential", "layers": [
                        {"kind": "scale", "shape": [3, 5]}, _linear(5, 4)]}),
    ]


def _special_count_cases() -> list[dict]:
    """Frozen parameters, buffers and shared parameters."""
    return [
        _count_case("the tutorial's MLP with its first layer frozen",
                    {"kind": "net", "actv": "ReLU()", "input": 2, "hidden": [32, 32, 16],
                     "output": 4, "frozen_layers": ["Linear_0"]}),
        _count_case("a layer whose bias alone is frozen",
                    {"kind": "sequential", "layers": [
                        _linear(8, 5, frozen=["bias"]), _linear(5, 3, frozen=["weight"])]}),
        _count_case("an MLP with BatchNorm layers (they keep running statistics as buffers)",
                    {"kind": "sequential", "layers": [
                        _linear(10, 12), {"kind": "batchnorm", "features": 12},
                        {"kind": "activation", "name": "ReLU"},
                        _linear(12, 6), {"kind": "batchnorm", "features": 6},
                        _linear(6, 2)]}),
        _count_case("the same layer used twice in a Sequential",
                    {"kind": "sequential", "layers": [
                        _linear(3, 8), {"kind": "activation", "name": "ReLU"},
                        _linear(8, 8), {"kind": "activation", "name": "ReLU"},
                        {"kind": "reuse", "index": 2}, _linear(8, 2)]}),
        _count_case("two layers tied to one weight matrix, each with its own bias",
                    {"kind": "sequential", "layers": [
                        _linear(7, 7), {"kind": "activation", "name": "Tanh"},
                        _linear(7, 7, tie_weight_to=0), _linear(7, 1, bias=False)]}),
    ]


def _width_case(label: str, budget: int, depth: int, n_in: int, n_out: int) -> dict:
    width = hidden_units_for_budget(budget, depth, n_in, n_out)
    return {
        "label": label,
        "max_par_count": budget,
        "n_hidden_layers": depth,
        "input_feature_num": n_in,
        "output_feature_num": n_out,
        "width": width,
        "count_at_width": mlp_parameter_count(depth, width, n_in, n_out),
    }


def _general_width_cases() -> list[dict]:
    return [
        _width_case("a budget of 250, two hidden layers, spiral sizes", 250, 2, 2, 4),
        _width_case("a budget of 1000, three hidden layers", 1000, 3, 2, 4),
        _width_case("a budget of 5000, four hidden layers, 10 inputs and 3 outputs",
                    5000, 4, 10, 3),
        _width_case("a budget of 4000, one hidden layer, 8 inputs and 5 outputs", 4000, 1, 8, 5),
        _width_case("a budget of 700, six hidden layers, 1 input and 1 output", 700, 6, 1, 1),
    ]


def _edge_width_cases() -> list[dict]:
    # 3 inputs, two hidden layers of 7, 2 outputs: 4*7 + 8*7 + 8*2 = 100 exactly
    assert mlp_parameter_count(2, 7, 3, 2) == 100
    # 5 inputs, one hidden layer of 9, 3 outputs: 6*9 + 10*3 = 84 exactly
    assert mlp_parameter_count(1, 9, 5, 3) == 84
    return [
        _width_case("a budget met exactly by a width (two hidden layers)", 100, 2, 3, 2),
        _width_case("a budget met exactly by a width (one hidden layer)", 84, 1, 5, 3),
        _width_case("a budget that one unit per layer already exceeds", 10, 3, 2, 4),
        _width_case("a budget equal to the count at one unit per layer", 15, 3, 2, 4),
    ]


def _poly_case(label: str, degree: int, n_samples: int, seed: int, scale: float) -> dict:
    generator = torch.Generator().manual_seed(seed)
    X = ((torch.rand(n_samples, 2, generator=generator) * 2.0 - 1.0) * scale).float()
    poly_X, num_features = make_poly_features(degree, X)
    return {
        "label": label,
        "poly_degree": degree,
        "X": tensor_to_list(X),
        "num_features": num_features,
        "poly_X": tensor_to_list(poly_X),
    }


def _poly_cases() -> list[dict]:
    # Degree 1 cannot tell a swapped loop order from an order by total degree; a case of
    # higher degree comes first so that the first failure names the right mistake.
    return [
        _poly_case("degree 3 on twelve points", 3, 12, seed=32, scale=1.5),
        _poly_case("degree 1 on five points", 1, 5, seed=31, scale=2.0),
        _poly_case("degree 6 on eight points", 6, 8, seed=33, scale=1.2),
        _poly_case("degree 9 on a single point", 9, 1, seed=34, scale=1.0),
    ]


def _poly_count_cases() -> list[dict]:
    return [{"label": f"degree {p}", "poly_degree": p, "num_features": poly_feature_count(p)}
            for p in (4, 11, 20, 50)]


def _xavier_cases() -> list[dict]:
    cases = []
    for fan_in, fan_out, gain in [(3, 7, 1.0), (784, 128, 1.0), (64, 64, math.sqrt(2.0)),
                                  (100, 10, 0.5), (1, 1, 2.5)]:
        cases.append({
            "label": f"fan_in={fan_in}, fan_out={fan_out}, gain={gain:.4g}",
            "fan_in": fan_in,
            "fan_out": fan_out,
            "gain": gain,
            "std": xavier_std(fan_in, fan_out, gain),
        })
    return cases


def _gain_cases() -> list[dict]:
    return [{"label": f"negative_slope={a}", "negative_slope": a, "gain": leaky_relu_gain(a)}
            for a in (0.01, 0.1, 0.2, 0.5, 0.75)]


def hidden_cases() -> dict:
    """Every hidden case of the assignment, keyed by graded name (and part)."""
    return {
        "count_parameters_plain": _plain_count_cases(),
        "count_parameters_special": _special_count_cases(),
        "hidden_units_for_budget_general": _general_width_cases(),
        "hidden_units_for_budget_edges": _edge_width_cases(),
        "make_poly_features_count": _poly_count_cases(),
        "make_poly_features": _poly_cases(),
        "xavier_std": _xavier_cases(),
        "leaky_relu_gain": _gain_cases(),
    }
