"""Hidden checks of ``deep_mlps``: one function per hidden test in the master notebook.

The parameter counter is tested on models built here from the JSON descriptions ("model
specs") stored with the reference numbers; the format is documented in
``reference/deep_mlps.py``. Messages name the property that failed and, where a known
mistake explains the answer, that mistake; the expected numbers are never shown.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from autograder.grading_runtime.probes import build_module_from_spec

from . import cases_for
from .values import call, call_unchanged, expect_close, for_each_case, probe, to_array, to_int, unpack

ASSIGNMENT = "deep_mlps"


def _cases(part: str, numbers: dict | None) -> list[dict]:
    return cases_for(ASSIGNMENT, part, numbers)


# --- the models of the parameter-counting cases ------------------------------------------------


def generic_spec(spec: dict) -> dict:
    """A model spec in the probes' generic kinds: the tutorial's MLP (``net``) becomes a
    module holding ``mlp``, a Sequential of ``Linear_i``/``Activation_i`` and ``Output_Linear``.

    The translation happens here, in the judge, so that the student process holds no builder
    of the network an exercise asks students to write.
    """
    kind = spec["kind"]
    if kind == "net":
        name, _, rest = spec["actv"].partition("(")
        arguments = [float(a) for a in rest.rstrip(")").split(",") if a.strip()]
        widths = [spec["input"], *spec["hidden"]]
        layers = []
        for index in range(len(spec["hidden"])):
            frozen = ["weight", "bias"] if f"Linear_{index}" in spec.get("frozen_layers", []) else []
            layers.append([f"Linear_{index}", {"kind": "linear", "in": widths[index],
                                               "out": widths[index + 1], "frozen": frozen}])
            layers.append([f"Activation_{index}", {"kind": "activation", "name": name.strip(),
                                                   "args": arguments}])
        frozen = ["weight", "bias"] if "Output_Linear" in spec.get("frozen_layers", []) else []
        layers.append(["Output_Linear", {"kind": "linear", "in": widths[-1], "out": spec["output"],
                                         "frozen": frozen}])
        return {"kind": "module", "children": {"mlp": {"kind": "sequential", "layers": layers}}}
    if kind in ("sequential", "module_list"):
        return {**spec, "layers": [generic_spec(layer) for layer in spec["layers"]]}
    if kind == "module_dict":
        return {**spec, "layers": {name: generic_spec(layer) for name, layer in spec["layers"].items()}}
    return spec


def build_model(spec: dict) -> nn.Module:
    """The model a spec describes, built by the judge to work out what the usual wrong
    counters would say; the student's function gets one built the same way in its process."""
    return build_module_from_spec(generic_spec(spec))


# --- count_parameters ----------------------------------------------------------------------


# The count of the public example, Linear(2, 3) then Linear(3, 4): what a copied answer gives.
PUBLIC_EXAMPLE_COUNT = 25


def _count_mistakes(model: nn.Module, want: int) -> list[tuple[list[int], str]]:
    """What the common wrong counters return on ``model``, with their explanations.

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
    return [
        ([sum(p.numel() for p in every)],
         "frozen parameters (requires_grad=False) are counted; count only the trainable ones."),
        ([sum(p.numel() for p in trainable) + buffers],
         "buffers (such as BatchNorm's running mean and variance, which model.buffers() and "
         "model.state_dict() hold) are counted; they are not parameters."),
        ([sum(p.numel() for p in repeated)],
         "a shared parameter is counted once per place it is used; count each parameter once "
         "(model.parameters() lists each one once)."),
        ([sum(v.numel() for v in model.state_dict().values())],
         "this looks like the size of state_dict(), which also holds buffers, frozen "
         "parameters and every copy of a shared parameter; count model.parameters() instead."),
        ([len(trainable)],
         "this is the number of parameter tensors; count the scalars in them (numel())."),
        ([sum(len(p) for p in trainable if p.dim() > 0)],
         "len(p) is only the first dimension of a tensor (the rows of a weight matrix); "
         "p.numel() counts all of its scalars."),
        ([0],
         "the count is 0, yet this model has trainable parameters: count those of every "
         "layer, however deeply nested in containers (model.parameters() walks them all), "
         "whose requires_grad is set, adding each one's numel() to the total."),
        ([sum(p.numel() for p in weights)],
         "only the weights are counted; the biases are trainable parameters too."),
        ([sum(p.numel() for p in in_linear_layers.values())],
         "only the parameters of nn.Linear layers are counted; other modules have trainable "
         "parameters too (BatchNorm's weight and bias, an nn.Parameter a custom module "
         "holds), and model.parameters() lists them all."),
        ([sum(p.numel() for p in one_level.values())],
         "the parameters of layers nested inside containers (a Sequential inside the model, "
         "a ModuleList inside that) are missing; model.parameters() walks every level."),
        ([want + 1], "the count is one too many: start the total at 0."),
        ([want - 1], "the count is one too few: start the total at 0 and count every parameter."),
        ([trainable[-1].numel()] if trainable else [],
         "this is the size of the last parameter alone; add each numel() to the running "
         "total (par_count = par_count + p.numel())."),
        ([PUBLIC_EXAMPLE_COUNT],
         "this is the count of the public example (Linear(2, 3) then Linear(3, 4)), whatever "
         "the model; count the parameters of the model you are given."),
    ]


def _count_check(count_parameters, part: str, numbers: dict | None) -> None:
    def check(case):
        model = build_model(case["model"])
        theirs = probe(count_parameters, "build_module", generic_spec(case["model"]))
        got = to_int("the parameter count", call("count_parameters", count_parameters, theirs))
        expect_close(
            "the parameter count", np.asarray([got], dtype=np.float64),
            np.asarray([case["count"]], dtype=np.float64), rtol=0.0, atol=0.5,
            diagnoses=_count_mistakes(model, case["count"]),
            advice="Add up numel() of every parameter of model.parameters() that has "
            "requires_grad set.",
        )

    for_each_case(_cases(part, numbers), check)


def count_parameters_plain_models(count_parameters, numbers: dict | None = None) -> None:
    """The tutorial's networks, a bias-free layer, nested containers, a bare parameter."""
    _count_check(count_parameters, "count_parameters_plain", numbers)


def count_parameters_special_models(count_parameters, numbers: dict | None = None) -> None:
    """Frozen parameters, BatchNorm buffers, a reused layer and a tied weight."""
    _count_check(count_parameters, "count_parameters_special", numbers)


# --- hidden_units_for_budget ---------------------------------------------------------------


def _mlp_count(depth: int, width: int, n_in: int, n_out: int) -> int:
    return (n_in + 1) * width + (depth - 1) * (width + 1) * width + (width + 1) * n_out


def _first_width(budget: int, count, *, strict: bool = False) -> int:
    """The first width from 1 whose ``count(width)`` reaches ``budget`` (exceeds it, if strict)."""
    width = 1
    while (count(width) <= budget if strict else count(width) < budget) and width <= 10 * budget:
        width += 1
    return width


# The tutorial's budget, which a copied loop keeps.
TUTORIAL_BUDGET = 100


def _width(budget: int, depth: int, n_in: int, n_out: int) -> int:
    return _first_width(budget, lambda w: _mlp_count(depth, w, n_in, n_out))


# Common wrong searches: what each returns for (budget, depth, n_in, n_out), and its words.
WIDTH_MISTAKES = [
    (lambda b, d, i, o: _first_width(b, lambda w: _mlp_count(d, w, i, o), strict=True),
     "the width is one too large: here one width gives exactly max_par_count parameters, "
     "and the search should stop there. Keep growing only while the count is below the "
     "budget (count < max_par_count)."),
    (lambda b, d, i, o: max(2, _width(b, d, i, o)),
     "the answer should be 1 here: one unit per hidden layer already reaches the budget. "
     "Count the network before adding a unit, and add one only while the count is below "
     "max_par_count."),
    (lambda b, d, i, o: max(1, _width(b, d, i, o) - 1),
     "the width is one too small: it looks like the last width whose count stays below the "
     "budget. Return the first width whose count reaches the budget (count >= max_par_count)."),
    (lambda b, d, i, o: _first_width(b, lambda w: i * w + (d - 1) * w * w + w * o),
     "the biases are missing from the count: every layer has weights and biases, "
     "(n_in + 1) * w parameters for the first one."),
    (lambda b, d, i, o: _width(b, 1, i, o),
     "the width is the one for a single hidden layer, as if n_hidden_layers were ignored: "
     "build n_hidden_layers hidden layers, [w] * n_hidden_layers."),
    (lambda b, d, i, o: _width(b, d + 1, i, o),
     "the count has one block of hidden-to-hidden weights too many: between L hidden layers "
     "there are L - 1 of them, each with (w + 1) * w parameters."),
    (lambda b, d, i, o: _width(b, d - 1, i, o) if d > 1 else None,
     "the count has one block of hidden-to-hidden weights too few: between L hidden layers "
     "there are L - 1 of them, each with (w + 1) * w parameters."),
    (lambda b, d, i, o: _width(TUTORIAL_BUDGET, d, i, o),
     "this is the width for a budget of 100, the tutorial's example; search for the budget "
     "max_par_count instead."),
    (lambda b, d, i, o: _width(b, d, o, i),
     "input_feature_num and output_feature_num look swapped: the first layer has "
     "(input_feature_num + 1) * w parameters, the output layer (w + 1) * output_feature_num."),
]


def _width_probes(budget: int, depth: int, n_in: int, n_out: int) -> list[tuple[int, ...]]:
    """Inputs near a case's that tell apart mistakes giving the same width on the case."""
    return [(budget + 1, depth, n_in, n_out), (budget, depth, n_out, n_in),
            (2 * budget + 7, depth + 1, n_in + 1, n_out), (budget + 37, depth, n_in, n_out + 2)]


def _explain_width(hidden_units_for_budget, case_inputs: tuple[int, ...], got: int) -> list[str]:
    """The known mistakes that give ``got`` and agree with the student on the probes too.

    Two mistakes often give the same width on one case; then the student's function is also
    called on a few nearby inputs (which show nothing of the case's answer), and a mistake
    stays only where it predicts those answers as well. If none agrees everywhere, every
    mistake that explains the case itself is named.
    """
    matching = [(mistake, why) for mistake, why in WIDTH_MISTAKES if mistake(*case_inputs) == got]
    if len(matching) < 2:
        return [why for _, why in matching]
    consistent = list(matching)
    for nearby in _width_probes(*case_inputs):
        try:
            answer = to_int("the width", _with_correct_counter(hidden_units_for_budget, *nearby))
        except AssertionError:  # an answer the probe cannot use tells nothing either way
            continue
        consistent = [(mistake, why) for mistake, why in consistent if mistake(*nearby) == answer]
    return [why for _, why in (consistent or matching)]


def parameter_counts(budget: int, depth: int, n_in: int, n_out: int) -> dict:
    """The count of every network a width search for ``budget`` may build, right or wrong: the
    tutorial's MLP at this depth, one layer more or fewer, a single hidden layer, and with
    inputs and outputs swapped, at each width until the count passes the budget (and two more)."""
    networks = []
    for layers in sorted({depth, max(1, depth - 1), depth + 1, 1}):
        for inputs, outputs in {(n_in, n_out), (n_out, n_in)}:
            by_width, width = [], 1
            while len(by_width) < 3 or by_width[-3] <= max(budget, TUTORIAL_BUDGET):
                by_width.append(_mlp_count(layers, width, inputs, outputs))
                width += 1
            networks.append({"n_in": inputs, "n_out": outputs, "depth": layers, "by_width": by_width})
    return {"networks": networks}


def _with_correct_counter(hidden_units_for_budget, *inputs):
    """Call the width search with the judge's counts in place of the notebook's counter.

    The notebook lets the width search count its networks with the student's own
    ``count_parameters``; answering those counts from the judge's table grades the search
    alone, so a wrong counter costs points only on its own question.
    """
    if hidden_units_for_budget is None:
        call("hidden_units_for_budget", hidden_units_for_budget)
    return probe(hidden_units_for_budget, "call_with_parameter_counts", list(inputs),
                 "count_parameters", parameter_counts(*inputs))


def _width_check(hidden_units_for_budget, part: str, numbers: dict | None) -> None:
    def check(case):
        inputs = (case["max_par_count"], case["n_hidden_layers"], case["input_feature_num"],
                  case["output_feature_num"])
        got = to_int("the width", _with_correct_counter(hidden_units_for_budget, *inputs))
        want = case["width"]
        if got == want:
            return
        if got < 1:
            raise AssertionError("the width should be at least 1: the search starts at one "
                                 "unit per hidden layer.")
        explanations = _explain_width(hidden_units_for_budget, inputs, got)
        if explanations:
            raise AssertionError(" It could also be this: ".join(explanations))
        if got == want + 1:
            raise AssertionError(
                "the width is one too large: return the first width whose count reaches the "
                "budget, without adding a unit after it.")
        raise AssertionError(
            "the width differs from the reference. Count every layer of "
            "Net('ReLU()', input_feature_num, [width] * n_hidden_layers, output_feature_num), "
            "weights and biases, the output layer included, and grow all hidden layers "
            "together, one unit at a time, starting from 1.")

    for_each_case(_cases(part, numbers), check)


def width_search_general(hidden_units_for_budget, numbers: dict | None = None) -> None:
    """Widths for unseen budgets, depths and input/output sizes."""
    _width_check(hidden_units_for_budget, "hidden_units_for_budget_general", numbers)


def width_search_edges(hidden_units_for_budget, numbers: dict | None = None) -> None:
    """Budgets met exactly by some width, and budgets already met by one unit per layer."""
    _width_check(hidden_units_for_budget, "hidden_units_for_budget_edges", numbers)


# --- make_poly_features --------------------------------------------------------------------


def _poly(make_poly_features, degree: int, X: torch.Tensor):
    result = call("make_poly_features", make_poly_features, degree, X)
    poly_X, num_features = unpack("make_poly_features", result, 2)
    return to_array("poly_X", poly_X), to_int("num_features", num_features)


# The degree of the public example, and its number of features.
PUBLIC_EXAMPLE_DEGREE = 2


def _feature_count(degree: int) -> int:
    return (degree + 1) * (degree + 2) // 2 - 1


def _expect_poly_shape(poly_X: np.ndarray, n_samples: int, degree: int) -> None:
    """One row per sample and one column per feature, said without the number of features."""
    n_features = _feature_count(degree)
    if poly_X.ndim == 2 and poly_X.shape == (n_features, n_samples):
        raise AssertionError("poly_X looks transposed: it should have one row per sample "
                             "and one column per feature.")
    if poly_X.ndim == 2 and poly_X.shape[0] == n_samples and poly_X.shape[1] != n_features:
        if poly_X.shape[1] == n_features + 1:
            raise AssertionError(
                "poly_X has one column too many, as if it kept the constant term "
                "(i = j = 0); leave it out, because the linear layer has its own bias.")
        if poly_X.shape[1] == _feature_count(degree - 1):
            raise AssertionError(
                "poly_X has the columns of degree P - 1: the monomials of total degree P are "
                "missing. Keep every pair with 0 < i + j <= P (<=, not <).")
        if poly_X.shape[1] == _feature_count(PUBLIC_EXAMPLE_DEGREE):
            raise AssertionError(
                "poly_X has the columns of the public example (P = 2) whatever the degree; "
                "build the columns for poly_degree.")
    if poly_X.shape != (n_samples, n_features):
        raise AssertionError(
            f"poly_X has shape {tuple(poly_X.shape)}; it should have one row per sample of X "
            "and one column per monomial x1**i * x2**j with 0 < i + j <= P, (P + 1)(P + 2)/2 "
            "- 1 columns in all.")


def poly_feature_count_and_shape(make_poly_features, numbers: dict | None = None) -> None:
    """``num_features`` is ``(P+1)(P+2)/2 - 1`` and ``poly_X`` has one column per feature."""

    def check(case):
        degree, want = case["poly_degree"], case["num_features"]
        X = torch.tensor([[0.5, -1.0], [1.0, 0.25], [-0.75, 0.5]])
        poly_X, num_features = _poly(make_poly_features, degree, X)
        if num_features != want:
            if num_features == want + 1:
                raise AssertionError(
                    "num_features counts the constant term too; leave it out, because the "
                    "linear layer has its own bias.")
            if num_features == _feature_count(degree - 1):
                raise AssertionError(
                    "num_features leaves out the monomials of total degree P; keep every "
                    "pair with 0 < i + j <= P (<=, not <).")
            if num_features == want - 2:
                raise AssertionError(
                    "num_features leaves out x1**P and x2**P: both loops should run from 0 "
                    "to P inclusive, range(P + 1).")
            if num_features == _feature_count(PUBLIC_EXAMPLE_DEGREE):
                raise AssertionError(
                    "num_features is the count of the public example (P = 2) whatever the "
                    "degree; compute it from poly_degree.")
            raise AssertionError(
                "num_features is not the number of monomials x1**i * x2**j with "
                "0 < i + j <= P, which is (P + 1)(P + 2)/2 - 1.")
        _expect_poly_shape(poly_X, X.shape[0], degree)

    for_each_case(_cases("make_poly_features_count", numbers), check)


def _exponents_j_outer(degree: int) -> list[tuple[int, int]]:
    """The order a student gets by swapping the two loops (powers of X[:, 1] outermost)."""
    return [(i, j) for j in range(degree + 1) for i in range(degree + 1) if 0 < i + j <= degree]


def _exponents_by_degree(degree: int) -> list[tuple[int, int]]:
    return [(total - j, j) for total in range(1, degree + 1) for j in range(total + 1)]


def _columns(X: np.ndarray, exponents) -> np.ndarray:
    return np.stack([X[:, 0] ** i * X[:, 1] ** j for i, j in exponents], axis=1)


def poly_features_match_reference(make_poly_features, numbers: dict | None = None) -> None:
    """The values of every column, in the tutorial's order, on unseen data and degrees."""

    def check(case):
        degree = case["poly_degree"]
        X = torch.tensor(case["X"], dtype=torch.float32)
        call_unchanged("make_poly_features", make_poly_features, degree, X,
                       names=("poly_degree", "X"))
        poly_X, _ = _poly(make_poly_features, degree, X)
        want = np.asarray(case["poly_X"], dtype=np.float64)
        public_columns = _feature_count(PUBLIC_EXAMPLE_DEGREE)
        if poly_X.ndim == 2 and poly_X.shape[1] == public_columns != want.shape[1]:
            # At degree 3 the columns of degree 2 are also those of P - 1: a higher degree
            # tells a copied public example from a '<' for '<='.
            try:
                higher, _ = _poly(make_poly_features, degree + 1, X.clone())
            except AssertionError:  # no answer there: the words below still fit
                higher = poly_X[:0]
            if higher.ndim == 2 and higher.shape[1] == public_columns:
                raise AssertionError(
                    "poly_X has the columns of the public example (P = 2) whatever the "
                    "degree; build the columns for poly_degree.")
        _expect_poly_shape(poly_X, want.shape[0], degree)
        unfilled = np.all(poly_X == 0, axis=0) & np.any(want != 0, axis=0)
        if unfilled.any():
            raise AssertionError(
                "some columns of poly_X stay zero: the loops fill fewer columns than there "
                "are features. Both loops run from 0 to P inclusive, range(P + 1), and every "
                "pair with 0 < i + j <= P adds a column.")
        x = X.double().numpy()
        expect_close(
            "poly_X", poly_X, want, rtol=1e-5, atol=1e-6,
            diagnoses=[
                # Swapping the loops and swapping the roles of the two inputs give the same
                # columns, so one message covers both.
                (_columns(x, _exponents_j_outer(degree)),
                 "the columns are in another order, as if the two loops (or the two inputs) "
                 "were swapped: i, the power of X[:, 0], belongs to the outer loop and j, the "
                 "power of X[:, 1], to the inner one."),
                (_columns(x, _exponents_by_degree(degree)),
                 "the columns are grouped by total degree; keep the order of the two nested "
                 "loops (i outer, j inner) instead."),
            ],
            advice="Column k should be X[:, 0]**i * X[:, 1]**j for the k-th pair (i, j) of "
            "the nested loops described in the exercise.",
        )

    for_each_case(_cases("make_poly_features", numbers), check)


# --- initialization formulas ---------------------------------------------------------------


def _number(what: str, value) -> np.ndarray:
    array = to_array(what, value)
    if array.size != 1:
        raise AssertionError(f"{what} should be a single number, got shape {array.shape}.")
    return array.reshape(1)


def xavier_std_matches_reference(xavier_std, numbers: dict | None = None) -> None:
    """``gain * sqrt(2 / (fan_in + fan_out))`` for unseen fans and gains."""

    def check(case):
        fan_in, fan_out, gain = case["fan_in"], case["fan_out"], case["gain"]
        got = _number("the standard deviation",
                      call("xavier_std", xavier_std, fan_in, fan_out, gain))
        total = fan_in + fan_out
        expect_close(
            "the standard deviation", got, np.asarray([case["std"]]), rtol=1e-6, atol=1e-9,
            diagnoses=[
                ([gain * math.sqrt(6.0 / total)],
                 "this is the bound a of the Xavier *uniform* distribution U(-a, a); the "
                 "exercise asks for the standard deviation of the normal one."),
                ([gain * 2.0 / total], "the square root is missing: 2 / (fan_in + fan_out) is "
                 "the variance (without gain), sigma is its square root."),
                ([gain**2 * 2.0 / total], "this is the variance sigma**2; return sigma."),
                ([gain * math.sqrt(1.0 / fan_in)],
                 "this keeps only the forward condition (fan_in * sigma**2 = 1); Xavier "
                 "averages fan_in and fan_out."),
                ([math.sqrt(2.0 / total)], "the gain is missing: multiply by it."),
                ([gain**2 * math.sqrt(2.0 / total)],
                 "the gain is squared; it multiplies sigma once."),
                ([math.sqrt(gain * 2.0 / total)],
                 "the gain is under the square root; it multiplies sigma itself: "
                 "gain * sqrt(2 / (fan_in + fan_out))."),
                ([gain * math.sqrt(2.0 / fan_in + fan_out)],
                 "the parentheses around fan_in + fan_out are missing: 2 / fan_in + fan_out "
                 "is not 2 / (fan_in + fan_out)."),
                ([gain * math.sqrt(2.0) / total],
                 "the square root covers only the 2: take the root of the whole fraction, "
                 "sqrt(2 / (fan_in + fan_out))."),
            ],
            advice="sigma = gain * sqrt(2 / (fan_in + fan_out)).",
        )

    for_each_case(_cases("xavier_std", numbers), check)


def leaky_relu_gain_matches_reference(leaky_relu_gain, numbers: dict | None = None) -> None:
    """``sqrt(2 / (1 + a**2))`` for unseen negative slopes."""

    def check(case):
        a = case["negative_slope"]
        got = _number("the gain", call("leaky_relu_gain", leaky_relu_gain, a))
        expect_close(
            "the gain", got, np.asarray([case["gain"]]), rtol=1e-6, atol=1e-9,
            diagnoses=[
                ([2.0 / (1.0 + a**2)], "the square root is missing."),
                ([math.sqrt(2.0 / (1.0 + a))], "the slope should be squared: a**2, not a."),
                ([math.sqrt((1.0 + a**2) / 2.0)], "the fraction is upside down."),
                ([math.sqrt(2.0 / (1.0 - a**2))],
                 "the sign in the denominator: negative inputs keep a fraction a**2 of their "
                 "variance, which adds to the positive half."),
                ([math.sqrt(2.0)],
                 "this is the ReLU's gain sqrt(2), whatever the slope; the gain of the "
                 "LeakyReLU depends on negative_slope."),
                ([math.sqrt(2.0 + a**2)],
                 "the parentheses around 1 + a**2 are missing: 2 / 1 + a**2 is 2 + a**2."),
            ],
            advice="gain = sqrt(2 / (1 + negative_slope**2)).",
        )

    for_each_case(_cases("leaky_relu_gain", numbers), check)
