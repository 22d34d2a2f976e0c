"""Reference implementations for ``deep_mlps``, the known mistakes, and the cases they answer.

The graded pieces are the parameter counter, the width search under a parameter budget,
the polynomial feature map and the two initialization formulas (the Xavier standard
deviation and the LeakyReLU gain). Hidden cases that need a model store a description of
it (a *model spec*, see ``parameter_count_of_spec``) instead of the model, so the check can
have the very same model built from plain JSON; the reference count of each spec is worked
out from the description alone, independently of PyTorch.

Every formula of the assignment lives here, the right ones and the wrong ones students
write: for each case, the numbers file stores the answer and, under ``mistakes``, what each
known mistake would return (in the order the checks try them). The width search is graded
with the judge's parameter counts in place of the student's counter, so each of its cases
also stores that table (``parameter_counts``), and the answers of each mistake on a few
nearby inputs (``nearby``) that tell apart mistakes giving the same width. The checks
(``autograder/checks/deep_mlps.py``) compute nothing; they compare and name. The public
examples, the notebook's own, are stored the same way under ``examples``.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from autograder.grading_runtime.probes import build_module_from_spec
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


def build_model(spec: dict) -> nn.Module:
    """The model a spec describes, built here to see what the wrong counters say about it.

    The tutorial's MLP (``net``, which the specs use only at the top) is the reference
    ``Net``; every other kind is built by the grading engine's generic builder, the one that
    builds the student's copy. The checks describe ``net`` to that builder in its own terms;
    the tests hold the two to the same parameters, buffers and names.
    """
    if spec["kind"] != "net":
        return build_module_from_spec(spec)
    net = Net(spec["actv"], spec["input"], spec["hidden"], spec["output"])
    for name in spec.get("frozen_layers", []):
        getattr(net.mlp, name).requires_grad_(False)
    return net


# ---------------------------------------------------------------------------------------
# What known mistakes return. Each function answers for one case, in the order the checks
# try them: the first mistake whose answer matches the student's is the one named. A
# mistake with nothing to say on a case answers None.
# ---------------------------------------------------------------------------------------

# The public examples' answers, which a copied answer returns whatever its inputs.
PUBLIC_EXAMPLE_COUNT = 25  # Linear(2, 3) then Linear(3, 4)
PUBLIC_EXAMPLE_DEGREE = 2  # the polynomial example, with 5 features
# The tutorial's budget, which a copied loop keeps.
TUTORIAL_BUDGET = 100


def _count_mistakes(model: nn.Module, want: int, public: bool) -> list:
    """What the common wrong counters return on ``model``.

    The order settles which explanation a count gets when two mistakes give the same number
    on this model: a counter that reaches no parameter at all, say, gives 0 whether it
    missed the nested layers or tested the wrong attribute, so one message names both.
    """
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
    ]
    if not public:
        found.append(["count_of_the_public_example", PUBLIC_EXAMPLE_COUNT])
    return found


def _first_width(budget: int, count, *, strict: bool = False) -> int:
    """The first width from 1 whose ``count(width)`` reaches ``budget`` (exceeds it, if strict)."""
    width = 1
    while (count(width) <= budget if strict else count(width) < budget) and width <= 10 * budget:
        width += 1
    return width


def _width(budget: int, depth: int, n_in: int, n_out: int) -> int:
    return _first_width(budget, lambda w: mlp_parameter_count(depth, w, n_in, n_out))


def _width_mistakes(budget: int, depth: int, n_in: int, n_out: int, public: bool) -> list:
    """What the common wrong searches return for these inputs."""
    found = [
        ["stops_only_above_the_budget",
         _first_width(budget, lambda w: mlp_parameter_count(depth, w, n_in, n_out), strict=True)],
        ["never_answers_one", max(2, _width(budget, depth, n_in, n_out))],
        ["last_width_below_the_budget", max(1, _width(budget, depth, n_in, n_out) - 1)],
        ["width_counted_without_biases",
         _first_width(budget, lambda w: n_in * w + (depth - 1) * w * w + w * n_out)],
        ["one_hidden_layer_whatever_the_depth", _width(budget, 1, n_in, n_out)],
        ["one_hidden_block_too_many", _width(budget, depth + 1, n_in, n_out)],
        ["one_hidden_block_too_few", _width(budget, depth - 1, n_in, n_out) if depth > 1 else None],
    ]
    if not public:
        found.append(["tutorial_budget_hard_coded", _width(TUTORIAL_BUDGET, depth, n_in, n_out)])
    found.append(["inputs_and_outputs_swapped", _width(budget, depth, n_out, n_in)])
    return found


def parameter_counts(budget: int, depth: int, n_in: int, n_out: int) -> dict:
    """The count of every network a width search for ``budget`` may build, right or wrong: the
    tutorial's MLP at this depth, one layer more or fewer, a single hidden layer, and with
    inputs and outputs swapped, at each width until the count passes the budget (and two more).

    The checks call the student's search with this table in place of the notebook's
    ``count_parameters`` (the probe ``call_with_parameter_counts``), so that a wrong counter
    costs points on its own question only.
    """
    networks = []
    for layers in sorted({depth, max(1, depth - 1), depth + 1, 1}):
        for inputs, outputs in {(n_in, n_out), (n_out, n_in)}:
            by_width, width = [], 1
            while len(by_width) < 3 or by_width[-3] <= max(budget, TUTORIAL_BUDGET):
                by_width.append(mlp_parameter_count(layers, width, inputs, outputs))
                width += 1
            networks.append({"n_in": inputs, "n_out": outputs, "depth": layers, "by_width": by_width})
    return {"networks": networks}


def _nearby_inputs(budget: int, depth: int, n_in: int, n_out: int) -> list[list[int]]:
    """Inputs near a case's that tell apart mistakes giving the same width on the case."""
    return [[budget + 1, depth, n_in, n_out], [budget, depth, n_out, n_in],
            [2 * budget + 7, depth + 1, n_in + 1, n_out], [budget + 37, depth, n_in, n_out + 2]]


def _nearby(budget: int, depth: int, n_in: int, n_out: int, public: bool,
            mistakes: list) -> list[dict]:
    """For each nearby input: the table to grade the search with, and each mistake's width.

    Where two mistakes give the same wrong width on a case, the checks call the student's
    search on these inputs (which show nothing of the case's answer) and keep the mistakes
    that predict those answers too. Elsewhere one width names one mistake, and nothing is
    stored.
    """
    right = hidden_units_for_budget(budget, depth, n_in, n_out)
    wrong = [width for _, width in mistakes if width is not None and width != right]
    if len(wrong) == len(set(wrong)):
        return []
    return [{"inputs": inputs, "parameter_counts": parameter_counts(*inputs),
             "mistakes": {"width": _width_mistakes(*inputs, public)}}
            for inputs in _nearby_inputs(budget, depth, n_in, n_out)]


def _poly_columns(X: torch.Tensor, exponents) -> list:
    X = X.double()
    return tensor_to_list(torch.stack([X[:, 0] ** i * X[:, 1] ** j for i, j in exponents], dim=1))


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
        ["forward_condition_only", gain * math.sqrt(1.0 / fan_in)],
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
# Hidden cases. Each case stores its inputs beside the reference answer and the mistakes'
# answers, so a grader never works out an answer, right or wrong.
# ---------------------------------------------------------------------------------------


def _count_case(label: str, model: dict, *, public: bool = False) -> dict:
    count = parameter_count_of_spec(model)
    return {"label": label, "model": model, "count": count,
            "mistakes": {"count": _count_mistakes(build_model(model), count, public)}}
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



def _width_case(label: str, budget: int, depth: int, n_in: int, n_out: int, *,
                public: bool = False) -> dict:
    width = hidden_units_for_budget(budget, depth, n_in, n_out)
    mistakes = _width_mistakes(budget, depth, n_in, n_out, public)
    return {
        "label": label,
        "max_par_count": budget,
        "n_hidden_layers": depth,
        "input_feature_num": n_in,
        "output_feature_num": n_out,
        "width": width,
        "count_at_width": mlp_parameter_count(depth, width, n_in, n_out),
        "parameter_counts": parameter_counts(budget, depth, n_in, n_out),
        "nearby": _nearby(budget, depth, n_in, n_out, public, mistakes),
        "mistakes": {
            "width": mistakes,
            # named only when no mistake above explains the answer
            "width_otherwise": [["width_one_too_large", width + 1]],
        },
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



def _poly_case(label: str, degree: int, X: torch.Tensor, *, public: bool = False) -> dict:
    poly_X, num_features = make_poly_features(degree, X)
    return {
        "label": label,
        "poly_degree": degree,
        "X": tensor_to_list(X),
        "num_features": num_features,
        "poly_X": tensor_to_list(poly_X),
        "mistakes": {"poly_X": _poly_value_mistakes(degree, X),
                     "columns": _poly_column_mistakes(degree, public)},
    }


def _random_poly_case(label: str, degree: int, n_samples: int, seed: int, scale: float) -> dict:
    generator = torch.Generator().manual_seed(seed)
    X = ((torch.rand(n_samples, 2, generator=generator) * 2.0 - 1.0) * scale).float()
    return _poly_case(label, degree, X)


def _poly_cases() -> list[dict]:
    # Degree 1 cannot tell a swapped loop order from an order by total degree; a case of
    # higher degree comes first so that the first failure names the right mistake.
    return [
        _random_poly_case("degree 3 on twelve points", 3, 12, seed=32, scale=1.5),
        _random_poly_case("degree 1 on five points", 1, 5, seed=31, scale=2.0),
        _random_poly_case("degree 6 on eight points", 6, 8, seed=33, scale=1.2),
        _random_poly_case("degree 9 on a single point", 9, 1, seed=34, scale=1.0),
    ]


def _poly_count_case(label: str, degree: int, *, public: bool = False) -> dict:
    return {"label": label, "poly_degree": degree, "num_features": poly_feature_count(degree),
            "mistakes": {"num_features": _poly_count_mistakes(degree, public),
                         "columns": _poly_column_mistakes(degree, public)}}


def _poly_count_cases() -> list[dict]:
    return [_poly_count_case(f"degree {p}", p) for p in (4, 11, 20, 50)]


def _xavier_case(label: str, fan_in: int, fan_out: int, gain: float, **options) -> dict:
    return {"label": label, "fan_in": fan_in, "fan_out": fan_out, "gain": gain, **options,
            "std": xavier_std(fan_in, fan_out, gain),
            "mistakes": {"std": _xavier_mistakes(fan_in, fan_out, gain)}}


def _xavier_cases() -> list[dict]:
    return [_xavier_case(f"fan_in={fan_in}, fan_out={fan_out}, gain={gain:.4g}", fan_in, fan_out, gain)
            for fan_in, fan_out, gain in [(3, 7, 1.0), (784, 128, 1.0), (64, 64, math.sqrt(2.0)),
                                          (100, 10, 0.5), (1, 1, 2.5)]]


def _gain_case(label: str, a: float) -> dict:
    return {"label": label, "negative_slope": a, "gain": leaky_relu_gain(a),
            "mistakes": {"gain": _gain_mistakes(a)}}


def _gain_cases() -> list[dict]:
    return [_gain_case(f"negative_slope={a}", a) for a in (0.01, 0.1, 0.2, 0.5, 0.75)]


def hidden_cases(seed: int = 0) -> dict:
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


# ---------------------------------------------------------------------------------------
# The public examples, as the notebook gives them: the public checks run on these.
# ---------------------------------------------------------------------------------------

# The tutorial's budget of 100 parameters on the spiral (2 inputs, 4 classes), depths 1 to 5.
EXAMPLE_DEPTHS = ["one hidden layer (13 units make 95 parameters, 14 make 102)",
                  "two hidden layers", "three hidden layers", "four hidden layers",
                  "five hidden layers"]
EXAMPLE_POLY_X = [[2.0, 3.0], [-1.0, 0.5]]


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
        case["mistakes"][field] = [[key, value] for key, value in stored if key not in ruled_out]
        ruled_out |= {key for key, value in stored
                      if value is not None and not _same(value, case[answer])}
    return examples


def public_examples() -> dict:
    """The notebook's examples, stored as cases."""
    small_mlp = [_linear(2, 3), {"kind": "activation", "name": "ReLU"}, _linear(3, 4)]
    frozen_mlp = [_linear(2, 3, frozen=["weight", "bias"]), *small_mlp[1:]]
    examples = {
        "count_parameters_plain": [
            _count_case("nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 4)), which has "
                        "2*3 + 3 + 3*4 + 4 parameters", {"kind": "sequential", "layers": small_mlp},
                        public=True),
            _count_case("nn.Linear(10, 1, bias=False), a weight of 10 and no bias",
                        _linear(10, 1, bias=False), public=True),
        ],
        "count_parameters_special": [
            _count_case("the same Sequential with its first Linear frozen: only the 3*4 + 4 "
                        "parameters of the second one count", {"kind": "sequential", "layers": frozen_mlp},
                        public=True),
        ],
        "hidden_units_for_budget_general": [
            _width_case(f"a budget of 100, {depths}, 2 inputs and 4 outputs", 100, depth, 2, 4,
                        public=True)
            for depth, depths in enumerate(EXAMPLE_DEPTHS, start=1)
        ],
        "make_poly_features_count": [_poly_count_case("degree 2", PUBLIC_EXAMPLE_DEGREE, public=True)],
        "make_poly_features": [
            _poly_case("degree 2 on the rows (2, 3) and (-1, 0.5), columns x2, x2**2, x1, x1*x2, "
                       "x1**2", PUBLIC_EXAMPLE_DEGREE, torch.tensor(EXAMPLE_POLY_X), public=True),
        ],
        "xavier_std": [
            _xavier_case("xavier_std(3, 5), with the default gain: sqrt(2 / 8)", 3, 5, 1.0,
                         gain_left_out=True),
            _xavier_case("xavier_std(3, 5, 2.0): the gain multiplies sigma", 3, 5, 2.0),
        ],
        "leaky_relu_gain": [
            _gain_case("leaky_relu_gain(0.0), the ReLU's gain sqrt(2)", 0.0),
            _gain_case("leaky_relu_gain(1.0): with slope 1 the activation is the identity, "
                       "so the gain is 1", 1.0),
        ],
    }
    # Each mistake of the two formulas is one formula: an example rules it out for the next.
    # (Not so for the counts and widths, where some mistakes are symptoms, "0" or "one too
    # small", that different code shows on different examples.)
    _after_passing_the_earlier(examples["xavier_std"], "std", "std")
    _after_passing_the_earlier(examples["leaky_relu_gain"], "gain", "gain")
    return examples
