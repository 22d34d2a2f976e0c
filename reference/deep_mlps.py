"""Reference implementations for ``deep_mlps``, the known mistakes, and the cases they answer.

The graded pieces are the parameter counter, the width search under a parameter budget,
the polynomial feature map and the two initialization formulas (the Xavier standard
deviation and the LeakyReLU gain). Hidden cases that need a model store a description of
it (a *model spec*, see ``parameter_count_of_spec``) instead of the model, so the check can
have the very same model built from plain JSON; the reference count of each spec is worked
out from the description alone, independently of PyTorch.

Hidden cases are drawn for each submission (``hidden_cases(seed)``): every group keeps the
same kinds of case in the same order, with sizes and values drawn inside each kind's range.
As it draws a case the reference proves what its feedback rests on (``reference.separation``):
each known mistake either gives a wrong answer there, apart from the right one and from the
other mistakes, or it is one this kind of case cannot see (``blind``: another case of the
group catches it); mistakes that give the same answer on a kind of case (``together``) are
stored as one entry, which the checks name as possibilities. A draw that does not come out
exactly so is drawn again, so a wrong answer meets the same verdict, in the same words,
whatever the seed. The answers the contract calls correct (float32 throughout) are proven
to pass each case's tolerance, which the case carries.

The width search is graded, in the hidden tests, with the grading engine's stand-in counter
in place of the notebook's ``count_parameters`` (``grading_runtime/stand_ins.py``), so a
mistake in the counter costs points on its own question only; the public example uses the
student's own counter and stores, to say so when that counter is what makes the width wrong,
the count of the example's network and what each wrong counter says of it.

The checks (``autograder/checks/deep_mlps.py``) compute nothing; they compare and name.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from typing import Callable, Iterable

import numpy as np
import torch
from torch import nn

from autograder.grading_runtime.probes import build_module_from_spec
from reference import separation
from reference.encoding import tensor_to_list
from reference.mlp_intro import Net
from reference.separation import NotSeparated

# ---------------------------------------------------------------------------------------
# Reference implementations
# ---------------------------------------------------------------------------------------


def count_parameters(model: nn.Module) -> int:
    """Trainable scalars of ``model``; ``model.parameters`` already lists a shared one once."""
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


def make_poly_features(poly_degree: int, X: torch.Tensor, dtype: torch.dtype = torch.float64):
    """Column ``k`` is ``X[:, 0]**i * X[:, 1]**j`` for the ``k``-th pair of ``poly_exponents``
    (computed in ``dtype``: float64, or float32 as a float32 solution computes it)."""
    X = X.to(dtype)
    pairs = torch.tensor(poly_exponents(poly_degree), dtype=dtype).reshape(-1, 2)
    poly_X = X[:, :1] ** pairs[:, 0] * X[:, 1:] ** pairs[:, 1]
    return poly_X, poly_feature_count(poly_degree)


def xavier_std(fan_in: int, fan_out: int, gain: float = 1.0) -> float:
    """Standard deviation of Xavier-normal weights: ``gain * sqrt(2 / (fan_in + fan_out))``."""
    return gain * math.sqrt(2.0 / (fan_in + fan_out))


def leaky_relu_gain(negative_slope: float) -> float:
    """The gain that keeps the variance through a LeakyReLU: ``sqrt(2 / (1 + a**2))``."""
    return math.sqrt(2.0 / (1.0 + negative_slope**2))


def _xavier_std_float32(fan_in: int, fan_out: int, gain: float) -> float:
    """``xavier_std`` as a float32 solution computes it (numpy scalars of float32)."""
    f = np.float32
    return float(f(gain) * np.sqrt(f(2.0) / (f(fan_in) + f(fan_out))))


def _leaky_relu_gain_float32(negative_slope: float) -> float:
    """``leaky_relu_gain`` as a float32 solution computes it."""
    a = np.float32(negative_slope)
    return float(np.sqrt(np.float32(2.0) / (np.float32(1.0) + a * a)))


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


@contextmanager
def _no_weights_drawn():
    """Layers built inside keep their memory as it comes: sizes are all a counter looks at, and
    drawing initial weights is most of the time a hidden case takes to draw."""
    layers = (nn.Linear, nn.BatchNorm1d)
    saved = [layer.reset_parameters for layer in layers]
    for layer in layers:
        layer.reset_parameters = lambda self: None
    try:
        yield
    finally:
        for layer, method in zip(layers, saved):
            layer.reset_parameters = method


def build_model(spec: dict) -> nn.Module:
    """The model a spec describes, built here to see what the wrong counters say about it.

    The tutorial's MLP (``net``, which the specs use only at the top) is the reference
    ``Net``; every other kind is built by the grading engine's generic builder, the one that
    builds the student's copy. The checks describe ``net`` to that builder in its own terms;
    the tests hold the two to the same parameters, buffers and names.
    """
    with _no_weights_drawn():
        if spec["kind"] != "net":
            return build_module_from_spec(spec)
        net = Net(spec["actv"], spec["input"], spec["hidden"], spec["output"])
    for name in spec.get("frozen_layers", []):
        getattr(net.mlp, name).requires_grad_(False)
    return net


# ---------------------------------------------------------------------------------------
# Separation: what a drawn case must show, and what it may not.
# ---------------------------------------------------------------------------------------


def _separated(right, candidates: Iterable, tolerance: list[float], *, blind: Iterable[str] = (),
               together: Iterable[Iterable[str]] = ()) -> list[list]:
    """The stored mistakes of one field of a hidden case, held to the shape its kind promises.

    Every candidate gives a wrong answer, apart from the right one (``separation``), except
    those in ``blind``, which this kind of case cannot see and which must then give the right
    answer here; and exactly the groups ``together`` coincide. Anything else raises
    :class:`NotSeparated`, and the case is drawn again: so the same mistake meets the same
    verdict and the same words on every draw.
    """
    rtol, atol = tolerance
    candidates = list(candidates)
    blind = set(blind)
    stored = separation.known_mistakes(right, candidates, rtol=rtol, atol=atol, blind=blind)
    shown = [set(key) if isinstance(key, list) else {key} for key, _ in stored]
    seen_blind = sorted(set().union(*shown) & blind) if shown else []
    if seen_blind:
        raise NotSeparated(f"{seen_blind} should give the right answer on this kind of case")
    merged = {frozenset(keys) for keys in shown if len(keys) > 1}
    if merged != {frozenset(group) for group in together}:
        raise NotSeparated(f"mistakes coincide as {sorted(map(sorted, merged))} on this case")
    return stored


def _shown_publicly(right, candidates: Iterable, tolerance: list[float]) -> list[list]:
    """The stored mistakes of a public example: those that answer it wrongly (it is fixed, so
    what coincides there is simply named as a possibility)."""
    candidates = [(key, value) for key, value in candidates if value is not None]
    rtol, atol = tolerance
    return separation.known_mistakes(right, candidates, rtol=rtol, atol=atol,
                                     blind=[key for key, _ in candidates])


def _keys(stored: list[list]) -> set[str]:
    return {k for key, _ in stored for k in (key if isinstance(key, list) else [key])}


def _draw(seed: int, group: str, index: int, make: Callable[[np.random.Generator], dict]) -> dict:
    return separation.draw_separated(make, seed, group, index)


def _torch_generator(rng: np.random.Generator) -> torch.Generator:
    return torch.Generator().manual_seed(int(rng.integers(2**62)))


# Tolerances, one per compared field; each case carries its own (the checks read it there).
EXACT = [0.0, 0.25]  # whole numbers: equal, whatever their type
CLOSE_VALUES = [1e-5, 1e-6]  # poly_X: relative, with a floor for tiny monomials
CLOSE_FORMULA = [1e-6, 1e-9]  # the two initialization formulas


# ---------------------------------------------------------------------------------------
# What known mistakes return. Each list is in the order the checks try them: the first
# mistake whose answer matches the student's is the one named. A mistake that does not
# apply to a case answers None.
# ---------------------------------------------------------------------------------------

# The public examples' answers, which a copied answer returns whatever its inputs.
PUBLIC_EXAMPLE_COUNT = 29  # Linear(2, 3) then Linear(3, 5)
PUBLIC_EXAMPLE_DEGREE = 2  # the polynomial example, with 5 features
# The tutorial's budget, which a copied loop keeps.
TUTORIAL_BUDGET = 100


def _count_mistakes(model: nn.Module, want: int) -> list:
    """What the common wrong counters return on ``model``."""
    every = list(model.parameters())
    trainable = [p for p in every if p.requires_grad]
    repeated = [p for _, p in model.named_parameters(remove_duplicate=False) if p.requires_grad]
    buffers = sum(b.numel() for b in model.buffers())
    in_linear_layers = {id(p): p for m in model.modules() if isinstance(m, nn.Linear)
                        for p in m.parameters() if p.requires_grad}
    one_level = {id(p): p for m in [model, *model.children()]
                 for p in m.parameters(recurse=False) if p.requires_grad}
    weights = [p for name, p in model.named_parameters() if p.requires_grad and "weight" in name]
    found = [
        ["frozen_parameters_counted", sum(p.numel() for p in every)],
        ["buffers_counted", sum(p.numel() for p in trainable) + buffers],
        ["shared_parameter_counted_twice", sum(p.numel() for p in repeated)],
        ["size_of_the_state_dict", sum(v.numel() for v in model.state_dict().values())],
        ["tensors_counted_not_scalars", len(trainable)],
        ["len_instead_of_numel", sum(len(p) for p in trainable if p.dim() > 0)],
        ["nothing_counted", 0],
        ["biases_left_out", sum(p.numel() for p in weights)],
        ["only_linear_layers_counted", sum(p.numel() for p in in_linear_layers.values())],
        ["nested_layers_missed", sum(p.numel() for p in one_level.values())],
        ["count_one_too_many", want + 1],
        ["count_one_too_few", want - 1],
        ["only_the_last_parameter", trainable[-1].numel() if trainable else None],
        ["count_of_the_public_example", PUBLIC_EXAMPLE_COUNT],
    ]
    return found


def _first_width(budget: int, count, *, strict: bool = False) -> int:
    """The first width from 1 whose ``count(width)`` reaches ``budget`` (exceeds it, if strict):
    what a search that grows the width one unit at a time stops at. Every count here grows with
    the width, so the first such width is found by bisection."""
    def short(width):
        return count(width) <= budget if strict else count(width) < budget

    low, high = 1, 1  # short(w) for every w < low; not short(high), once found
    while short(high):
        low, high = high + 1, 2 * high
    while low < high:
        middle = (low + high) // 2
        if short(middle):
            low = middle + 1
        else:
            high = middle
    return low


def _width(budget: int, depth: int, n_in: int, n_out: int) -> int:
    return _first_width(budget, lambda w: mlp_parameter_count(depth, w, n_in, n_out))


def _width_mistakes(budget: int, depth: int, n_in: int, n_out: int) -> list:
    """What the common wrong searches return for these inputs."""
    return [
        ["stops_only_above_the_budget",
         _first_width(budget, lambda w: mlp_parameter_count(depth, w, n_in, n_out), strict=True)],
        ["never_answers_one", max(2, _width(budget, depth, n_in, n_out))],
        ["last_width_below_the_budget", max(1, _width(budget, depth, n_in, n_out) - 1)],
        ["width_counted_without_biases",
         _first_width(budget, lambda w: n_in * w + (depth - 1) * w * w + w * n_out)],
        ["one_hidden_layer_whatever_the_depth", _width(budget, 1, n_in, n_out)],
        ["one_hidden_block_too_many", _width(budget, depth + 1, n_in, n_out)],
        ["one_hidden_block_too_few", _width(budget, depth - 1, n_in, n_out) if depth > 1 else None],
        ["tutorial_budget_hard_coded",
         _width(TUTORIAL_BUDGET, depth, n_in, n_out) if budget != TUTORIAL_BUDGET else None],
        ["inputs_and_outputs_swapped", _width(budget, depth, n_out, n_in)],
    ]


def _poly_columns(X: torch.Tensor, exponents) -> np.ndarray:
    """The columns ``X[:, 0]**i * X[:, 1]**j`` for the pairs ``exponents``, in that order."""
    values = X.double().numpy()
    pairs = np.asarray(exponents).reshape(-1, 2)
    return values[:, :1] ** pairs[:, 0] * values[:, 1:] ** pairs[:, 1]


def _poly_value_mistakes(degree: int, X: torch.Tensor) -> list:
    # Swapping the loops and swapping the roles of the two inputs give the same columns,
    # so one mistake covers both.
    j_outer = [(i, j) for j in range(degree + 1) for i in range(degree + 1) if 0 < i + j <= degree]
    by_total_degree = [(total - j, j) for total in range(1, degree + 1) for j in range(total + 1)]
    return [["loops_swapped", _poly_columns(X, j_outer)],
            ["grouped_by_total_degree", _poly_columns(X, by_total_degree)]]


def _poly_column_mistakes(degree: int, public: bool) -> list:
    """How many columns the usual mistakes give poly_X."""
    found = [["constant_column_kept", poly_feature_count(degree) + 1],
             ["columns_of_degree_P_minus_one", poly_feature_count(degree - 1)]]
    if not public:
        found.append(["columns_of_the_public_example", poly_feature_count(PUBLIC_EXAMPLE_DEGREE)])
    return found


def _poly_count_mistakes(degree: int, public: bool) -> list:
    """What the usual mistakes give num_features."""
    want = poly_feature_count(degree)
    found = [["count_includes_the_constant_term", want + 1],
             ["count_leaves_out_degree_P", poly_feature_count(degree - 1)],
             ["count_leaves_out_the_pure_powers_of_degree_P", want - 2]]
    if not public:
        found.append(["count_of_the_public_example_degree",
                      poly_feature_count(PUBLIC_EXAMPLE_DEGREE)])
    return found


def _xavier_mistakes(fan_in: int, fan_out: int, gain: float) -> list:
    total = fan_in + fan_out
    return [
        ["uniform_bound_instead_of_std", gain * math.sqrt(6.0 / total)],
        ["std_square_root_missing", gain * 2.0 / total],
        ["variance_instead_of_std", gain**2 * 2.0 / total],
        ["two_missing_from_the_numerator", gain * math.sqrt(1.0 / total)],
        ["forward_condition_only", gain * math.sqrt(1.0 / fan_in)],
        ["backward_condition_only", gain * math.sqrt(1.0 / fan_out)],
        ["gain_missing", math.sqrt(2.0 / total)],
        ["gain_squared", gain**2 * math.sqrt(2.0 / total)],
        ["gain_under_the_square_root", math.sqrt(gain * 2.0 / total)],
        ["parentheses_missing_around_the_fans", gain * math.sqrt(2.0 / fan_in + fan_out)],
        ["square_root_of_the_two_only", gain * math.sqrt(2.0) / total],
    ]


def _gain_mistakes(a: float) -> list:
    return [
        ["gain_square_root_missing", 2.0 / (1.0 + a**2)],
        ["slope_not_squared", math.sqrt(2.0 / (1.0 + a))],
        ["fraction_upside_down", math.sqrt((1.0 + a**2) / 2.0)],
        ["minus_sign_in_the_denominator", math.sqrt(2.0 / (1.0 - a**2)) if a**2 < 1.0 else None],
        ["relu_gain_whatever_the_slope", math.sqrt(2.0)],
        ["parentheses_missing_around_one_plus_a_squared", math.sqrt(2.0 + a**2)],
    ]


# ---------------------------------------------------------------------------------------
# count_parameters: the hidden cases, by kind.
# ---------------------------------------------------------------------------------------


def _count_case(label: str, model: dict, *, public: bool = False, blind=(), together=()) -> dict:
    count = parameter_count_of_spec(model)
    candidates = _count_mistakes(build_model(model), count)
    mistakes = (_shown_publicly(count, candidates, EXACT) if public
                else _separated(count, candidates, EXACT, blind=blind, together=together))
    return {"label": label, "model": model, "count": count, "tolerance": {"count": EXACT},
            "mistakes": {"count": mistakes}}


def _linear(n_in, n_out, **options) -> dict:
    return {"kind": "linear", "in": n_in, "out": n_out, "bias": options.pop("bias", True), **options}


def _sizes(rng: np.random.Generator, low: int, high: int, count: int) -> list[int]:
    return [int(v) for v in rng.integers(low, high + 1, size=count)]


# What a model of ordinary layers cannot show: every parameter trainable, none shared, no
# buffer, only Linear layers (the special cases and the other plain kinds show these).
ORDINARY = ("frozen_parameters_counted", "buffers_counted", "shared_parameter_counted_twice",
            "size_of_the_state_dict", "only_linear_layers_counted")
# The tutorial's MLP keeps its layers in a Sequential inside the model: a counter that reaches
# no nested layer finds nothing at all there.
NOTHING_NESTED = ("nothing_counted", "nested_layers_missed")


def _image_mlp(rng):
    side = int(rng.integers(6, 33))
    depth = int(rng.integers(2, 5))
    width = int(rng.integers(16, 129))
    spec = {"kind": "net", "actv": "ReLU()", "input": 3 * side * side, "hidden": [width] * depth,
            "output": int(rng.integers(2, 11))}
    return _count_case("the tutorial's image MLP, with several hidden layers of one width", spec,
                       blind=ORDINARY, together=[NOTHING_NESTED])


def _narrowing_mlp(rng):
    hidden = sorted(_sizes(rng, 8, 160, 3), reverse=True)
    slope = round(float(rng.uniform(0.01, 0.3)), 3)
    spec = {"kind": "net", "actv": f"LeakyReLU({slope})", "input": int(rng.integers(50, 3073)),
            "hidden": hidden, "output": int(rng.integers(2, 11))}
    return _count_case("a LeakyReLU MLP whose hidden layers narrow", spec, blind=ORDINARY,
                       together=[NOTHING_NESTED])


def _linear_on_features(rng):
    spec = {"kind": "net", "actv": "ReLU()", "input": poly_feature_count(int(rng.integers(5, 61))),
            "hidden": [], "output": int(rng.integers(2, 11))}
    return _count_case("a linear model on polynomial features, with no hidden layer", spec,
                       blind=ORDINARY, together=[NOTHING_NESTED])


def _bias_free_between(rng):
    a, b, c, d = _sizes(rng, 2, 14, 4)
    spec = {"kind": "sequential", "layers": [
        _linear(a, b), {"kind": "activation", "name": "Tanh"},
        _linear(b, c, bias=False), _linear(c, d)]}
    # every layer is a direct child of the Sequential: a counter that misses nested layers
    # finds them all
    return _count_case("a bias-free layer between two ordinary ones", spec,
                       blind=(*ORDINARY, "nested_layers_missed"))


def _nested_containers(rng):
    a, b, c, d = _sizes(rng, 2, 12, 4)
    spec = {"kind": "sequential", "layers": [
        _linear(a, b),
        {"kind": "module_list", "layers": [
            _linear(b, b, bias=False),
            {"kind": "module_dict", "layers": {"left": _linear(b, c), "right": _linear(b, d)}},
        ]},
        {"kind": "activation", "name": "ReLU"},
    ]}
    return _count_case("containers nested three deep (Sequential, ModuleList, ModuleDict)", spec,
                       blind=ORDINARY)


def _bare_tensor(rng):
    rows, columns, out = _sizes(rng, 2, 9, 3)
    spec = {"kind": "sequential", "layers": [{"kind": "scale", "shape": [rows, columns]},
                                              _linear(columns, out)]}
    # the bare tensor's module keeps a buffer: a count with buffers shows here too
    return _count_case("a model holding a bare learnable tensor besides a layer", spec,
                       blind=("frozen_parameters_counted", "shared_parameter_counted_twice",
                              "nested_layers_missed"),
                       together=[("buffers_counted", "size_of_the_state_dict")])


def _first_layer_frozen(rng):
    hidden = _sizes(rng, 8, 40, 3)
    spec = {"kind": "net", "actv": "ReLU()", "input": int(rng.integers(2, 9)), "hidden": hidden,
            "output": int(rng.integers(2, 7)), "frozen_layers": ["Linear_0"]}
    return _count_case("the tutorial's MLP with its first layer frozen", spec,
                       blind=("buffers_counted", "shared_parameter_counted_twice",
                              "only_linear_layers_counted"),
                       together=[("frozen_parameters_counted", "size_of_the_state_dict"),
                                 NOTHING_NESTED])


def _half_frozen_layers(rng):
    a, b, c = _sizes(rng, 3, 12, 3)
    spec = {"kind": "sequential", "layers": [
        _linear(a, b, frozen=["bias"]), _linear(b, c, frozen=["weight"])]}
    return _count_case("layers with only the bias or only the weight frozen", spec,
                       blind=("buffers_counted", "shared_parameter_counted_twice",
                              "only_linear_layers_counted", "nested_layers_missed"),
                       together=[("frozen_parameters_counted", "size_of_the_state_dict")])


def _batchnorm_mlp(rng):
    a, b, c, d = _sizes(rng, 3, 16, 4)
    # a frozen weight besides the buffers tells a count of the state dict from both mistakes
    spec = {"kind": "sequential", "layers": [
        _linear(a, b, frozen=["weight"]), {"kind": "batchnorm", "features": b},
        {"kind": "activation", "name": "ReLU"},
        _linear(b, c), {"kind": "batchnorm", "features": c}, _linear(c, d)]}
    return _count_case("an MLP with BatchNorm layers, whose running statistics are buffers, and "
                       "its first weight frozen", spec,
                       blind=("shared_parameter_counted_twice", "nested_layers_missed"))


def _reused_layer(rng):
    a, b, c = _sizes(rng, 3, 12, 3)
    spec = {"kind": "sequential", "layers": [
        _linear(a, b), {"kind": "activation", "name": "ReLU"},
        _linear(b, b), {"kind": "activation", "name": "ReLU"},
        {"kind": "reuse", "index": 2}, _linear(b, c)]}
    return _count_case("the same layer used twice in a Sequential", spec,
                       blind=("frozen_parameters_counted", "buffers_counted",
                              "only_linear_layers_counted", "nested_layers_missed"),
                       together=[("shared_parameter_counted_twice", "size_of_the_state_dict")])


def _tied_weights(rng):
    a, c = _sizes(rng, 3, 12, 2)
    spec = {"kind": "sequential", "layers": [
        _linear(a, a), {"kind": "activation", "name": "Tanh"},
        _linear(a, a, tie_weight_to=0), _linear(a, c, bias=False)]}
    return _count_case("two layers tied to one weight matrix, each with its own bias", spec,
                       blind=("frozen_parameters_counted", "buffers_counted",
                              "only_linear_layers_counted", "nested_layers_missed"),
                       together=[("shared_parameter_counted_twice", "size_of_the_state_dict")])


PLAIN_COUNT_KINDS = [_image_mlp, _narrowing_mlp, _linear_on_features, _bias_free_between,
                     _nested_containers, _bare_tensor]
SPECIAL_COUNT_KINDS = [_first_layer_frozen, _half_frozen_layers, _batchnorm_mlp, _reused_layer,
                       _tied_weights]


# ---------------------------------------------------------------------------------------
# hidden_units_for_budget
# ---------------------------------------------------------------------------------------


def _width_case(label: str, budget: int, depth: int, n_in: int, n_out: int, *,
                public: bool = False, blind=(), together=()) -> dict:
    width = hidden_units_for_budget(budget, depth, n_in, n_out)
    candidates = _width_mistakes(budget, depth, n_in, n_out)
    case = {
        "label": label,
        "max_par_count": budget,
        "n_hidden_layers": depth,
        "input_feature_num": n_in,
        "output_feature_num": n_out,
        "width": width,
        "tolerance": {"width": EXACT},
    }
    if not public:
        case["mistakes"] = {"width": _separated(width, candidates, EXACT, blind=blind,
                                                together=together)}
        return case
    # The public example runs the search with the student's own counter: when the width is
    # wrong, the check sees whether that counter counts the example's network right.
    network = {"kind": "net", "actv": "ReLU()", "input": n_in, "hidden": [width] * depth,
               "output": n_out}
    count = parameter_count_of_spec(network)
    case.update(network=network, count_at_width=count, tolerance={"width": EXACT, "count_at_width": EXACT})
    case["mistakes"] = {
        "width": _shown_publicly(width, candidates, EXACT),
        "count_at_width": _shown_publicly(count, _count_mistakes(build_model(network), count), EXACT),
    }
    return case


def _count(depth: int, n_in: int, n_out: int) -> Callable[[int], int]:
    return lambda w: mlp_parameter_count(depth, w, n_in, n_out)


def _budget_between(rng, depth: int, n_in: int, n_out: int, low: int, high: int) -> int:
    """A budget in [low, high] that no width meets exactly (so a strict comparison is blind)."""
    count = _count(depth, n_in, n_out)
    budget = int(rng.integers(low, high + 1))
    if count(_first_width(budget, count)) == budget:
        raise NotSeparated("a width meets the budget exactly")
    return budget


# Mistakes no ordinary budget shows: only a budget met exactly or met at once tells them.
AT_THE_BOUNDARY = ("stops_only_above_the_budget", "never_answers_one")


def _spiral_two_layers(rng):
    budget = _budget_between(rng, 2, 2, 4, 150, 3000)
    return _width_case("two hidden layers, with the spiral's two inputs and four outputs",
                       budget, 2, 2, 4,
                       blind=(*AT_THE_BOUNDARY, "inputs_and_outputs_swapped"),
                       together=[("one_hidden_layer_whatever_the_depth", "one_hidden_block_too_few")])


def _three_layers(rng):
    n_in, n_out = _sizes(rng, 1, 8, 2)
    budget = _budget_between(rng, 3, n_in, n_out, 300, 6000)
    return _width_case("three hidden layers", budget, 3, n_in, n_out,
                       blind=(*AT_THE_BOUNDARY, "inputs_and_outputs_swapped"))


def _four_layers_swapped_sizes_show(rng):
    n_in, n_out = int(rng.integers(8, 21)), int(rng.integers(2, 6))
    count = _count(4, n_in, n_out)
    # The swapped network has n_in - n_out parameters more at every width: a budget just
    # above the count of some width tells the two apart. Its width is then one unit short,
    # which a search that stops one width early gives too; and leaving out the biases, which
    # a budget this close to a count cannot show, gives the right width here.
    width = int(rng.integers(8, 41))
    budget = count(width) + int(rng.integers(1, n_in - n_out))
    return _width_case("four hidden layers, with more inputs than outputs", budget, 4, n_in, n_out,
                       blind=(*AT_THE_BOUNDARY, "width_counted_without_biases"),
                       together=[("last_width_below_the_budget", "inputs_and_outputs_swapped")])


def _one_layer(rng):
    n_in, n_out = int(rng.integers(3, 13)), int(rng.integers(2, 9))
    budget = _budget_between(rng, 1, n_in, n_out, 500, 6000)
    return _width_case("one hidden layer", budget, 1, n_in, n_out,
                       blind=(*AT_THE_BOUNDARY, "one_hidden_layer_whatever_the_depth",
                              "inputs_and_outputs_swapped"))


def _six_layers_one_in_one_out(rng):
    budget = _budget_between(rng, 6, 1, 1, 300, 3000)
    return _width_case("six hidden layers, with one input and one output", budget, 6, 1, 1,
                       blind=(*AT_THE_BOUNDARY, "inputs_and_outputs_swapped"))


def _met_exactly_one_layer(rng):
    n_in, n_out = _sizes(rng, 1, 9, 2)
    # wider than the inputs: then a count without biases stays below the budget one unit
    # further, and a search that leaves them out stops two units late
    width = int(rng.integers(n_in + 2, 31))
    budget = mlp_parameter_count(1, width, n_in, n_out)
    return _width_case("a budget met exactly by a width, with one hidden layer", budget, 1, n_in,
                       n_out, blind=("never_answers_one", "inputs_and_outputs_swapped",
                                     "one_hidden_layer_whatever_the_depth"))


def _met_exactly_two_layers(rng):
    n_in, n_out = _sizes(rng, 1, 9, 2)
    budget = mlp_parameter_count(2, int(rng.integers(3, 25)), n_in, n_out)
    # with two hidden layers, a count without biases reaches the budget one unit late, as a
    # strict comparison does
    return _width_case("a budget met exactly by a width, with two hidden layers", budget, 2, n_in,
                       n_out, blind=("never_answers_one", "inputs_and_outputs_swapped"),
                       together=[("one_hidden_layer_whatever_the_depth", "one_hidden_block_too_few"),
                                 ("stops_only_above_the_budget", "width_counted_without_biases")])


def _met_at_once(rng):
    n_in, n_out = _sizes(rng, 1, 9, 2)
    budget = int(rng.integers(2, mlp_parameter_count(3, 1, n_in, n_out)))
    return _width_case("a budget that one unit per layer already exceeds", budget, 3, n_in, n_out,
                       blind=("stops_only_above_the_budget", "last_width_below_the_budget",
                              "width_counted_without_biases", "one_hidden_layer_whatever_the_depth",
                              "one_hidden_block_too_many", "one_hidden_block_too_few",
                              "inputs_and_outputs_swapped"))


def _met_by_one_unit(rng):
    n_in, n_out = _sizes(rng, 1, 9, 2)
    budget = mlp_parameter_count(3, 1, n_in, n_out)
    return _width_case("a budget equal to the count at one unit per layer", budget, 3, n_in, n_out,
                       blind=("last_width_below_the_budget", "one_hidden_block_too_many",
                              "inputs_and_outputs_swapped"),
                       together=[("stops_only_above_the_budget", "never_answers_one",
                                  "width_counted_without_biases",
                                  "one_hidden_layer_whatever_the_depth", "one_hidden_block_too_few")])


# Three hidden layers come first: there a search that ignores the depth and one that leaves
# out a hidden block give different widths, so the first failure names either alone.
GENERAL_WIDTH_KINDS = [_three_layers, _spiral_two_layers, _four_layers_swapped_sizes_show,
                       _one_layer, _six_layers_one_in_one_out]
# The case with one hidden layer comes first: there a strict comparison alone gives its
# width, and the first failure names it alone.
EDGE_WIDTH_KINDS = [_met_exactly_one_layer, _met_exactly_two_layers, _met_at_once,
                    _met_by_one_unit]


# ---------------------------------------------------------------------------------------
# make_poly_features
# ---------------------------------------------------------------------------------------


def _poly_case(label: str, degree: int, X: torch.Tensor, *, public: bool = False, blind=(),
               together=(), column_together=()) -> dict:
    poly_X, num_features = make_poly_features(degree, X)
    if not public:
        # float32 throughout (the notebook's skeleton fills a float32 tensor) is correct
        float32, _ = make_poly_features(degree, X, torch.float32)
        separation.accepts(poly_X, float32, rtol=CLOSE_VALUES[0], atol=CLOSE_VALUES[1],
                           what="poly_X computed in float32")
    values, columns = _poly_value_mistakes(degree, X), _poly_column_mistakes(degree, public)
    if public:
        mistakes = {"poly_X": _shown_publicly(poly_X, values, CLOSE_VALUES),
                    "columns": _shown_publicly(num_features, columns, EXACT)}
    else:
        mistakes = {"poly_X": _separated(poly_X, values, CLOSE_VALUES, blind=blind, together=together),
                    "columns": _separated(num_features, columns, EXACT, together=column_together)}
    return {
        "label": label,
        "poly_degree": degree,
        "X": tensor_to_list(X),
        "num_features": num_features,
        "poly_X": tensor_to_list(poly_X),
        "tolerance": {"poly_X": CLOSE_VALUES, "num_features": EXACT},
        "mistakes": mistakes,
    }


def _points(rng, n_samples: int, scale: float) -> torch.Tensor:
    """``n_samples`` points of two coordinates in ``[-scale, -0.2] U [0.2, scale]`` (no monomial
    near zero, so a column left unfilled shows), float32 as the notebook's data are."""
    magnitude = rng.uniform(0.2, scale, size=(n_samples, 2))
    sign = rng.choice([-1.0, 1.0], size=(n_samples, 2))
    return torch.tensor(magnitude * sign, dtype=torch.float32)


def _poly_kind(label: str, degrees: tuple[int, int], samples: tuple[int, int], scale: float,
               together=(), column_together=()):
    def make(rng):
        degree = int(rng.integers(degrees[0], degrees[1] + 1))
        n_samples = int(rng.integers(samples[0], samples[1] + 1))
        return _poly_case(label, degree, _points(rng, n_samples, scale), together=together,
                          column_together=column_together)

    return make


POLY_KINDS = [
    # A degree above two comes first: there the loop-order mistakes differ, and the first
    # failure names the right one.
    _poly_kind("a degree above two, on several points", (4, 5), (6, 15), 1.5),
    # At degree one, swapped loops and columns grouped by total degree give the same columns.
    _poly_kind("the lowest degree, on a few points", (1, 1), (3, 6), 2.0,
               together=[("loops_swapped", "grouped_by_total_degree")]),
    _poly_kind("a higher degree, on several points", (6, 8), (5, 12), 1.2),
    _poly_kind("a high degree, on a single point", (9, 12), (1, 1), 1.0),
]


def _poly_count_case(label: str, degree: int, *, public: bool = False) -> dict:
    want = poly_feature_count(degree)
    counts, columns = _poly_count_mistakes(degree, public), _poly_column_mistakes(degree, public)
    if public:
        mistakes = {"num_features": _shown_publicly(want, counts, EXACT),
                    "columns": _shown_publicly(want, columns, EXACT)}
    else:
        mistakes = {"num_features": _separated(want, counts, EXACT),
                    "columns": _separated(want, columns, EXACT)}
    return {"label": label, "poly_degree": degree, "num_features": want,
            "tolerance": {"num_features": EXACT}, "mistakes": mistakes}


def _poly_count_kind(label: str, low: int, high: int):
    return lambda rng: _poly_count_case(label, int(rng.integers(low, high + 1)))


POLY_COUNT_KINDS = [_poly_count_kind("a small degree above three", 4, 9),
                    _poly_count_kind("a larger degree", 10, 25),
                    _poly_count_kind("a high degree, as in the tutorial's wide model", 30, 60)]


# ---------------------------------------------------------------------------------------
# xavier_std and leaky_relu_gain
# ---------------------------------------------------------------------------------------


def _xavier_case(label: str, fan_in: int, fan_out: int, gain: float, *, public: bool = False,
                 blind=(), together=(), **options) -> dict:
    std = xavier_std(fan_in, fan_out, gain)
    candidates = _xavier_mistakes(fan_in, fan_out, gain)
    if public:
        mistakes = _shown_publicly(std, candidates, CLOSE_FORMULA)
    else:
        separation.accepts(std, _xavier_std_float32(fan_in, fan_out, gain), rtol=CLOSE_FORMULA[0],
                           atol=CLOSE_FORMULA[1], what="xavier_std in float32")
        mistakes = _separated(std, candidates, CLOSE_FORMULA, blind=blind, together=together)
    return {"label": label, "fan_in": fan_in, "fan_out": fan_out, "gain": gain, **options,
            "std": std, "tolerance": {"std": CLOSE_FORMULA}, "mistakes": {"std": mistakes}}


GAIN_MISTAKES = ("gain_missing", "gain_squared", "gain_under_the_square_root")


def _xavier_gain_one(rng):
    fan_in, fan_out = _sizes(rng, 2, 40, 2)
    return _xavier_case("a small layer with gain one", fan_in, fan_out, 1.0, blind=GAIN_MISTAKES,
                        together=[("std_square_root_missing", "variance_instead_of_std")])


def _xavier_wide_first_layer(rng):
    fan_in, fan_out = int(rng.integers(500, 3073)), int(rng.integers(16, 257))
    gain = round(float(rng.uniform(0.3, 0.9)), 4)
    return _xavier_case("a wide first layer with a gain below one", fan_in, fan_out, gain)


def _xavier_square_layer(rng):
    fan = int(rng.integers(16, 513))
    gain = round(float(rng.uniform(1.2, 2.5)), 4)
    # with fan_in equal to fan_out, either condition alone is the average's
    return _xavier_case("a square layer with a gain above one", fan, fan, gain,
                        blind=("forward_condition_only", "backward_condition_only"))


def _xavier_more_outputs(rng):
    fan_in, fan_out = int(rng.integers(2, 9)), int(rng.integers(40, 400))
    gain = round(float(rng.uniform(1.05, 1.9)), 4)
    return _xavier_case("a layer with far more outputs than inputs", fan_in, fan_out, gain)


# A gain other than one comes first: there every mistake gives its own answer, and the first
# failure names it alone (with gain one, a missing square root is the variance).
XAVIER_KINDS = [_xavier_more_outputs, _xavier_wide_first_layer, _xavier_square_layer,
                _xavier_gain_one]


def _gain_case(label: str, a: float, *, public: bool = False) -> dict:
    gain = leaky_relu_gain(a)
    candidates = _gain_mistakes(a)
    if public:
        mistakes = _shown_publicly(gain, candidates, CLOSE_FORMULA)
    else:
        separation.accepts(gain, _leaky_relu_gain_float32(a), rtol=CLOSE_FORMULA[0],
                           atol=CLOSE_FORMULA[1], what="leaky_relu_gain in float32")
        mistakes = _separated(gain, candidates, CLOSE_FORMULA)
    return {"label": label, "negative_slope": a, "gain": gain, "tolerance": {"gain": CLOSE_FORMULA},
            "mistakes": {"gain": mistakes}}


def _gain_kind(label: str, low: float, high: float):
    return lambda rng: _gain_case(label, round(float(rng.uniform(low, high)), 4))


GAIN_KINDS = [_gain_kind("a small slope", 0.005, 0.05), _gain_kind("a moderate slope", 0.1, 0.4),
              _gain_kind("a large slope below one", 0.5, 0.9)]


# ---------------------------------------------------------------------------------------
# The hidden cases of one grading.
# ---------------------------------------------------------------------------------------

GROUPS = {
    "count_parameters_plain": PLAIN_COUNT_KINDS,
    "count_parameters_special": SPECIAL_COUNT_KINDS,
    "hidden_units_for_budget_general": GENERAL_WIDTH_KINDS,
    "hidden_units_for_budget_edges": EDGE_WIDTH_KINDS,
    "make_poly_features_count": POLY_COUNT_KINDS,
    "make_poly_features": POLY_KINDS,
    "xavier_std": XAVIER_KINDS,
    "leaky_relu_gain": GAIN_KINDS,
}


def hidden_cases(seed: int = 0) -> dict:
    """Every hidden case of one grading, drawn from ``seed``: keyed by graded name (and part),
    the same kinds of case in the same order for every seed."""
    return {group: [_draw(seed, group, index, make) for index, make in enumerate(kinds)]
            for group, kinds in GROUPS.items()}


# Mistakes that cost hidden points but that no public example can show, and why.
HIDDEN_ONLY = {
    "count_of_the_public_example_degree": (
        "a num_features copied from the public example (P = 2) is right on that example by "
        "construction"),
    "columns_of_the_public_example": (
        "columns copied from the public example (P = 2) are right on that example by "
        "construction"),
}


# ---------------------------------------------------------------------------------------
# The public examples, as the notebook gives them: the public checks run on these.
# ---------------------------------------------------------------------------------------

# The tutorial's budget of 100 parameters on the spiral (2 inputs, 4 classes), depths 1 to 5.
EXAMPLE_DEPTHS = ["one hidden layer (13 units make 95 parameters, 14 make 102)",
                  "two hidden layers", "three hidden layers", "four hidden layers",
                  "five hidden layers"]
EXAMPLE_POLY_X = [[2.0, 3.0], [-1.0, 0.5]]
EXAMPLE_SLOPES = [(0.0, "leaky_relu_gain(0.0), the ReLU's gain sqrt(2)"),
                  (0.1, "leaky_relu_gain(0.1), the slope of the tutorial's LeakyReLU: "
                        "sqrt(2 / 1.01)"),
                  (1.0, "leaky_relu_gain(1.0): with slope 1 the activation is the identity, so "
                        "the gain is 1")]


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def _after_passing_the_earlier(examples: list[dict], field: str, answer: str) -> list[dict]:
    """The examples of one check, each without the mistakes that the examples before it rule out.

    A check stops at the first example that fails, so a student who reaches an example
    passed every one before it: a mistake that is one formula and answers one of those
    wrongly is not theirs.
    Leaving it out keeps two mistakes that agree on a later example from naming the wrong one
    (on ``xavier_std(3, 5, 2.0)`` a missing square root and a missing gain both give 0.5).
    """
    ruled_out: set[str] = set()
    for case in examples:
        stored = case["mistakes"][field]
        kept = []
        for key, value in stored:
            keys = [k for k in (key if isinstance(key, list) else [key]) if k not in ruled_out]
            if keys:
                kept.append([keys if len(keys) > 1 else keys[0], value])
        case["mistakes"][field] = kept
        ruled_out |= _keys(stored)
    return examples


def public_examples() -> dict:
    """The notebook's examples, stored as cases."""
    small_mlp = [_linear(2, 3), {"kind": "activation", "name": "ReLU"}, _linear(3, 5)]
    frozen_mlp = [_linear(2, 3, frozen=["weight", "bias"]), *small_mlp[1:]]
    examples = {
        "count_parameters_plain": [
            _count_case("a Sequential of nn.Linear(2, 3), a ReLU and nn.Linear(3, 5), which has "
                        "2*3 + 3 + 3*5 + 5 = 29 parameters", {"kind": "sequential", "layers": small_mlp},
                        public=True),
            _count_case("nn.Linear(10, 1, bias=False), a weight of 10 and no bias",
                        _linear(10, 1, bias=False), public=True),
            _count_case("the notebook's Net with 2 inputs, hidden layers of 5 and 3 ReLUs and 4 "
                        "outputs, whose layers sit in the Sequential self.mlp: 3*5 + 6*3 + 4*4 = 49 "
                        "parameters",
                        {"kind": "net", "actv": "ReLU()", "input": 2, "hidden": [5, 3], "output": 4},
                        public=True),
        ],
        "count_parameters_special": [
            _count_case("the first Sequential with its first Linear frozen: only the 3*5 + 5 = 20 "
                        "parameters of the second one count", {"kind": "sequential", "layers": frozen_mlp},
                        public=True),
            _count_case("a Sequential of nn.Linear(4, 6) and nn.BatchNorm1d(6): 4*6 + 6 and the "
                        "BatchNorm's weight and bias, 6 + 6, make 42; its running statistics are "
                        "buffers",
                        {"kind": "sequential", "layers": [_linear(4, 6),
                                                          {"kind": "batchnorm", "features": 6}]},
                        public=True),
            _count_case("shared = nn.Linear(8, 8) used twice, a Sequential of shared, a ReLU and "
                        "shared again: one layer of 8*8 + 8 = 72 parameters",
                        {"kind": "sequential", "layers": [
                            _linear(8, 8), {"kind": "activation", "name": "ReLU"},
                            {"kind": "reuse", "index": 0}]},
                        public=True),
        ],
        "hidden_units_for_budget_general": [
            *(_width_case(f"a budget of 100, {depths}, 2 inputs and 4 outputs", 100, depth, 2, 4,
                          public=True)
              for depth, depths in enumerate(EXAMPLE_DEPTHS, start=1)),
            _width_case("a budget of 100, two hidden layers, 3 inputs and 2 outputs: width 7 "
                        "makes exactly 4*7 + 8*7 + 8*2 = 100 parameters", 100, 2, 3, 2, public=True),
            _width_case("a budget of 101, one hidden layer, 2 inputs and 4 outputs: 14 units "
                        "make 3*14 + 15*4 = 102 parameters", 101, 1, 2, 4, public=True),
            _width_case("a budget of 12, three hidden layers, 2 inputs and 4 outputs: one unit "
                        "per layer already makes 3 + 2 + 2 + 8 = 15 parameters", 12, 3, 2, 4,
                        public=True),
        ],
        "make_poly_features_count": [_poly_count_case("degree 2", PUBLIC_EXAMPLE_DEGREE, public=True)],
        "make_poly_features": [
            _poly_case("degree 2 on the rows (2, 3) and (-1, 0.5), columns x2, x2**2, x1, x1*x2, "
                       "x1**2", PUBLIC_EXAMPLE_DEGREE, torch.tensor(EXAMPLE_POLY_X), public=True),
        ],
        "xavier_std": [
            _xavier_case("xavier_std(3, 5), with the default gain: sqrt(2 / 8)", 3, 5, 1.0,
                         public=True, gain_left_out=True),
            _xavier_case("xavier_std(3, 5, 2.0): the gain multiplies sigma", 3, 5, 2.0, public=True),
        ],
        "leaky_relu_gain": [_gain_case(label, a, public=True) for a, label in EXAMPLE_SLOPES],
    }
    # Each mistake of the two formulas is one formula: an example rules it out for the next.
    # (Not so for the counts and widths, where some mistakes are symptoms, "0" or "one too
    # small", that different code shows on different examples.)
    _after_passing_the_earlier(examples["xavier_std"], "std", "std")
    _after_passing_the_earlier(examples["leaky_relu_gain"], "gain", "gain")
    return examples
