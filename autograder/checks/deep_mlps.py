"""Checks of ``deep_mlps``: one function per test in the master notebook, public and hidden.

Each check runs the student's function on cases (the hidden ones, or with ``example`` the
notebook's own examples) and explains the first thing that looks wrong. Known mistakes are
named from the case itself: the reference (``reference/deep_mlps.py``) stored what each
would return. This module computes no answer, right or wrong, so the student's notebook can
carry it for the public checks; the expected numbers of a hidden case are never shown, those
of a public example are.

The parameter counter is tested on models built in the student's process from the JSON
descriptions ("model specs") stored with the cases, whose format the reference documents.
The width search is graded with the parameter counts each case stores in place of the
notebook's ``count_parameters``, so a wrong counter costs points on its own question only.
"""

from __future__ import annotations

import numpy as np
import torch

from . import cases_for
from .values import (Diagnosed, call, call_unchanged, diagnose, expect_close, for_each_case,
                     probe, stored_mistakes, student_shape, to_array, to_int, unpack, vocabulary,
                     with_parameter_counts)

ASSIGNMENT = "deep_mlps"

MISTAKES = vocabulary(
    # count_parameters
    frozen_parameters_counted=(
        "frozen parameters (requires_grad=False) are counted; count only the trainable ones."),
    buffers_counted=(
        "buffers (such as BatchNorm's running mean and variance, which model.buffers() and "
        "model.state_dict() hold) are counted; they are not parameters."),
    shared_parameter_counted_twice=(
        "a shared parameter is counted once per place it is used; count each parameter once "
        "(model.parameters() lists each one once)."),
    size_of_the_state_dict=(
        "this looks like the size of state_dict(), which also holds buffers, frozen "
        "parameters and every copy of a shared parameter; count model.parameters() instead."),
    tensors_counted_not_scalars=(
        "this is the number of parameter tensors; count the scalars in them (numel())."),
    len_instead_of_numel=(
        "len(p) is only the first dimension of a tensor (the rows of a weight matrix); "
        "p.numel() counts all of its scalars."),
    nothing_counted=(
        "the count is 0, yet this model has trainable parameters: count those of every "
        "layer, however deeply nested in containers (model.parameters() walks them all), "
        "whose requires_grad is set, adding each one's numel() to the total."),
    biases_left_out="only the weights are counted; the biases are trainable parameters too.",
    only_linear_layers_counted=(
        "only the parameters of nn.Linear layers are counted; other modules have trainable "
        "parameters too (BatchNorm's weight and bias, an nn.Parameter a custom module "
        "holds), and model.parameters() lists them all."),
    nested_layers_missed=(
        "the parameters of layers nested inside containers (a Sequential inside the model, "
        "a ModuleList inside that) are missing; model.parameters() walks every level."),
    count_one_too_many="the count is one too many: start the total at 0.",
    count_one_too_few="the count is one too few: start the total at 0 and count every parameter.",
    only_the_last_parameter=(
        "this is the size of the last parameter alone; add each numel() to the running "
        "total instead of replacing the total with it."),
    count_of_the_public_example=(
        "this is the count of the public example (Linear(2, 3) then Linear(3, 4)), whatever "
        "the model; count the parameters of the model you are given."),
    # hidden_units_for_budget
    width_below_one=(
        "the width should be at least 1: the search starts at one unit per hidden layer."),
    stops_only_above_the_budget=(
        "the width is one too large: here one width gives exactly max_par_count parameters, "
        "and the search should stop there. Keep growing only while the count is below the "
        "budget (count < max_par_count)."),
    never_answers_one=(
        "the answer should be 1 here: one unit per hidden layer already reaches the budget. "
        "Count the network before adding a unit, and add one only while the count is below "
        "max_par_count."),
    last_width_below_the_budget=(
        "the width is one too small: it looks like the last width whose count stays below the "
        "budget. Return the first width whose count reaches the budget (count >= max_par_count)."),
    width_counted_without_biases=(
        "the biases are missing from the count: every layer has weights and biases, "
        "(n_in + 1) * w parameters for the first one."),
    one_hidden_layer_whatever_the_depth=(
        "the width is the one for a single hidden layer, as if n_hidden_layers were ignored: "
        "build n_hidden_layers hidden layers, [w] * n_hidden_layers."),
    one_hidden_block_too_many=(
        "the count has one block of hidden-to-hidden weights too many: between L hidden layers "
        "there are L - 1 of them, each with (w + 1) * w parameters."),
    one_hidden_block_too_few=(
        "the count has one block of hidden-to-hidden weights too few: between L hidden layers "
        "there are L - 1 of them, each with (w + 1) * w parameters."),
    tutorial_budget_hard_coded=(
        "this is the width for a budget of 100, the tutorial's example; search for the budget "
        "max_par_count instead."),
    inputs_and_outputs_swapped=(
        "input_feature_num and output_feature_num look swapped: the first layer has "
        "(input_feature_num + 1) * w parameters, the output layer (w + 1) * output_feature_num."),
    width_one_too_large=(
        "the width is one too large: return the first width whose count reaches the budget, "
        "without adding a unit after it."),
    # make_poly_features
    count_includes_the_constant_term=(
        "num_features counts the constant term too; leave it out, because the linear layer "
        "has its own bias."),
    count_leaves_out_degree_P=(
        "num_features leaves out the monomials of total degree P; keep every pair with "
        "0 < i + j <= P (<=, not <)."),
    count_leaves_out_the_pure_powers_of_degree_P=(
        "num_features leaves out x1**P and x2**P: both loops should run from 0 to P "
        "inclusive, range(P + 1)."),
    count_of_the_public_example_degree=(
        "num_features is the count of the public example (P = 2) whatever the degree; "
        "compute it from poly_degree."),
    poly_X_transposed=(
        "poly_X looks transposed: it should have one row per sample and one column per feature."),
    constant_column_kept=(
        "poly_X has one column too many, as if it kept the constant term (i = j = 0); leave "
        "it out, because the linear layer has its own bias."),
    columns_of_degree_P_minus_one=(
        "poly_X has the columns of degree P - 1: the monomials of total degree P are missing. "
        "Keep every pair with 0 < i + j <= P (<=, not <)."),
    columns_of_the_public_example=(
        "poly_X has the columns of the public example (P = 2) whatever the degree; build the "
        "columns for poly_degree."),
    columns_left_unfilled=(
        "some columns of poly_X stay zero: the loops fill fewer columns than there are "
        "features. Both loops run from 0 to P inclusive, range(P + 1), and every pair with "
        "0 < i + j <= P adds a column."),
    loops_swapped=(
        "the columns are in another order, as if the two loops (or the two inputs) were "
        "swapped: i, the power of X[:, 0], belongs to the outer loop and j, the power of "
        "X[:, 1], to the inner one."),
    grouped_by_total_degree=(
        "the columns are grouped by total degree; keep the order of the two nested loops "
        "(i outer, j inner) instead."),
    # xavier_std
    uniform_bound_instead_of_std=(
        "this is the bound a of the Xavier *uniform* distribution U(-a, a); the exercise asks "
        "for the standard deviation of the normal one."),
    std_square_root_missing=(
        "the square root is missing: 2 / (fan_in + fan_out) is the variance (without gain), "
        "sigma is its square root."),
    variance_instead_of_std="this is the variance sigma**2; return sigma.",
    forward_condition_only=(
        "this keeps only the forward condition (fan_in * sigma**2 = 1); Xavier averages "
        "fan_in and fan_out."),
    gain_missing="the gain is missing: multiply by it.",
    gain_squared="the gain is squared; it multiplies sigma once.",
    gain_under_the_square_root=(
        "the gain is under the square root; it multiplies sigma itself: "
        "gain * sqrt(2 / (fan_in + fan_out))."),
    parentheses_missing_around_the_fans=(
        "the parentheses around fan_in + fan_out are missing: 2 / fan_in + fan_out is not "
        "2 / (fan_in + fan_out)."),
    square_root_of_the_two_only=(
        "the square root covers only the 2: take the root of the whole fraction, "
        "sqrt(2 / (fan_in + fan_out))."),
    # leaky_relu_gain
    gain_square_root_missing="the square root is missing.",
    slope_not_squared="the slope should be squared: a**2, not a.",
    fraction_upside_down="the fraction is upside down.",
    minus_sign_in_the_denominator=(
        "the sign in the denominator: negative inputs keep a fraction a**2 of their variance, "
        "which adds to the positive half."),
    relu_gain_whatever_the_slope=(
        "this is the ReLU's gain sqrt(2), whatever the slope; the gain of the LeakyReLU "
        "depends on negative_slope."),
    parentheses_missing_around_one_plus_a_squared=(
        "the parentheses around 1 + a**2 are missing: 2 / 1 + a**2 is 2 + a**2."),
)


def _cases(part: str, numbers: dict | None, example: bool) -> list[dict]:
    return cases_for(ASSIGNMENT, part, numbers, example=example)


def _mistakes(case: dict, field: str):
    return stored_mistakes(case, field, MISTAKES)


def _matching(case: dict, field: str, got) -> Diagnosed | None:
    """The failure naming the first stored mistake of ``field`` that returns ``got``."""
    for value, mistake in _mistakes(case, field):
        if value == got:
            return diagnose(mistake)
    return None


def _what(what: str, case: dict, got, want) -> str:
    """How a failure names the value: on a public example, with the two numbers."""
    if not case.get("public"):
        return what
    return f"{what} (got {_shown(got)}, expected {_shown(want)})"


def _shown(value) -> str:
    if isinstance(value, (list, np.ndarray)):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return f"{float(value):.6g}"


# --- the models of the parameter-counting cases ------------------------------------------------


def generic_spec(spec: dict) -> dict:
    """A model spec in the probes' generic kinds: the tutorial's MLP (``net``) becomes a
    module holding ``mlp``, a Sequential of ``Linear_i``/``Activation_i`` and ``Output_Linear``.

    The translation happens here, in the checks, so that the student process holds no
    builder of the network an exercise asks students to write. It only renames a structure
    the spec spells out; it counts nothing.
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


# --- count_parameters ----------------------------------------------------------------------


def _count_check(count_parameters, part: str, numbers: dict | None, example: bool) -> None:
    def check(case):
        model = probe(count_parameters, "build_module", generic_spec(case["model"]))
        got = to_int("the parameter count", call("count_parameters", count_parameters, model))
        expect_close(
            _what("the parameter count", case, got, case["count"]),
            np.asarray([got], dtype=np.float64), [case["count"]], rtol=0.0, atol=0.5,
            diagnoses=[([value], mistake) for value, mistake in _mistakes(case, "count")],
            advice="Add up numel() of every parameter of model.parameters() that has "
            "requires_grad set.",
        )

    for_each_case(_cases(part, numbers, example), check)


def count_parameters_plain_models(count_parameters, numbers: dict | None = None,
                                  example: bool = False) -> None:
    """The tutorial's networks, a bias-free layer, nested containers, a bare parameter."""
    _count_check(count_parameters, "count_parameters_plain", numbers, example)


def count_parameters_special_models(count_parameters, numbers: dict | None = None,
                                    example: bool = False) -> None:
    """Frozen parameters, BatchNorm buffers, a reused layer and a tied weight."""
    _count_check(count_parameters, "count_parameters_special", numbers, example)


# --- hidden_units_for_budget ---------------------------------------------------------------


def _search(hidden_units_for_budget, inputs: list, counts: dict) -> int:
    """The student's width for ``inputs``, with the stored ``counts`` answering in place of
    the notebook's ``count_parameters`` (see the probe ``call_with_parameter_counts``)."""
    if hidden_units_for_budget is None:
        call("hidden_units_for_budget", hidden_units_for_budget)
    return to_int("the width", with_parameter_counts(hidden_units_for_budget, inputs, counts))


def _explain_width(hidden_units_for_budget, case: dict, got: int) -> list:
    """The known mistakes that give ``got`` and agree with the student on the nearby inputs.

    Two mistakes often give the same width on one case; then the student's function is also
    called on the nearby inputs stored with the case (which show nothing of the case's
    answer), and a mistake stays only where it predicted those answers as well. If none
    agrees everywhere, every mistake that explains the case itself is named.
    """
    matching = [mistake for value, mistake in _mistakes(case, "width") if value == got]
    if len(matching) < 2:
        return matching
    consistent = list(matching)
    for nearby in case.get("nearby", []):
        try:
            answer = _search(hidden_units_for_budget, nearby["inputs"], nearby["parameter_counts"])
        except AssertionError:  # an answer the search cannot give tells nothing either way
            continue
        predicted = dict(nearby["mistakes"]["width"])
        consistent = [mistake for mistake in consistent if predicted.get(mistake.key) == answer]
    return consistent or matching


def _width_check(hidden_units_for_budget, part: str, numbers: dict | None, example: bool) -> None:
    def check(case):
        inputs = [case["max_par_count"], case["n_hidden_layers"], case["input_feature_num"],
                  case["output_feature_num"]]
        got = _search(hidden_units_for_budget, inputs, case["parameter_counts"])
        want = case["width"]
        if got == want:
            return
        shown = f"got {got}, expected {want}: " if case.get("public") else ""
        if got < 1:
            raise diagnose(MISTAKES["width_below_one"], shown)
        explained = _explain_width(hidden_units_for_budget, case, got)
        if explained:
            words = " It could also be this: ".join(mistake.explanation for mistake in explained)
            raise Diagnosed(f"{shown}{words}", explained[0].key)
        otherwise = _matching(case, "width_otherwise", got)
        if otherwise is not None:
            raise Diagnosed(f"{shown}{otherwise}", otherwise.key)
        raise AssertionError(
            f"{_what('the width', case, got, want)} differs from the reference. Count every "
            "layer of Net('ReLU()', input_feature_num, [width] * n_hidden_layers, "
            "output_feature_num), weights and biases, the output layer included, and grow all "
            "hidden layers together, one unit at a time, starting from 1.")

    for_each_case(_cases(part, numbers, example), check)


def width_search_general(hidden_units_for_budget, numbers: dict | None = None,
                         example: bool = False) -> None:
    """Widths for unseen budgets, depths and input/output sizes."""
    _width_check(hidden_units_for_budget, "hidden_units_for_budget_general", numbers, example)


def width_search_edges(hidden_units_for_budget, numbers: dict | None = None,
                       example: bool = False) -> None:
    """Budgets met exactly by some width, and budgets already met by one unit per layer."""
    _width_check(hidden_units_for_budget, "hidden_units_for_budget_edges", numbers, example)


# --- make_poly_features --------------------------------------------------------------------

# The input of the count check: its values do not matter, only the shape of what comes back.
COUNT_CHECK_X = [[0.5, -1.0], [1.0, 0.25], [-0.75, 0.5]]


def _poly(make_poly_features, degree: int, X: torch.Tensor):
    result = call("make_poly_features", make_poly_features, degree, X)
    poly_X, num_features = unpack("make_poly_features", result, 2)
    return to_array("poly_X", poly_X), to_int("num_features", num_features)


def _stored_value(case: dict, field: str, key: str):
    """What the mistake ``key`` gives for ``field`` on ``case`` (None if not stored)."""
    return dict(case.get("mistakes", {}).get(field, [])).get(key)


def _expect_poly_shape(poly_X: np.ndarray, n_samples: int, case: dict) -> None:
    """One row per sample and one column per feature, said without the number of features."""
    n_features = case["num_features"]
    if poly_X.ndim == 2 and n_features != n_samples and poly_X.shape == (n_features, n_samples):
        raise diagnose(MISTAKES["poly_X_transposed"])
    if poly_X.ndim == 2 and poly_X.shape[0] == n_samples and poly_X.shape[1] != n_features:
        found = _matching(case, "columns", poly_X.shape[1])
        if found is not None:
            raise found
    if poly_X.shape != (n_samples, n_features):
        shape = f"shape {student_shape(poly_X)}"
        if case.get("public"):
            shape += f", expected {(n_samples, n_features)}"
        raise AssertionError(
            f"poly_X has {shape}; it should have one row per sample of X and one column per "
            "monomial x1**i * x2**j with 0 < i + j <= P, (P + 1)(P + 2)/2 - 1 columns in all.")


def poly_feature_count_and_shape(make_poly_features, numbers: dict | None = None,
                                 example: bool = False) -> None:
    """``num_features`` is ``(P+1)(P+2)/2 - 1`` and ``poly_X`` has one column per feature."""

    def check(case):
        X = torch.tensor(COUNT_CHECK_X)
        poly_X, num_features = _poly(make_poly_features, case["poly_degree"], X)
        want = case["num_features"]
        if num_features != want:
            found = _matching(case, "num_features", num_features)
            if found is not None:
                raise found
            raise AssertionError(
                f"{_what('num_features', case, num_features, want)} is not the number of "
                "monomials x1**i * x2**j with 0 < i + j <= P, which is (P + 1)(P + 2)/2 - 1.")
        _expect_poly_shape(poly_X, X.shape[0], case)

    for_each_case(_cases("make_poly_features_count", numbers, example), check)


def poly_features_match_reference(make_poly_features, numbers: dict | None = None,
                                  example: bool = False) -> None:
    """The values of every column, in the tutorial's order, on unseen data and degrees."""

    def check(case):
        degree = case["poly_degree"]
        X = torch.tensor(case["X"], dtype=torch.float32)
        if not case.get("public"):
            # The public check stays the tutorial's example, which looks at the values only;
            # leaving X as it was is graded on the hidden cases.
            call_unchanged("make_poly_features", make_poly_features, degree, X,
                           names=("poly_degree", "X"))
        poly_X, _ = _poly(make_poly_features, degree, X)
        want = np.asarray(case["poly_X"], dtype=np.float64)
        public_columns = _stored_value(case, "columns", "columns_of_the_public_example")
        if (public_columns is not None and poly_X.ndim == 2
                and poly_X.shape[1] == public_columns != case["num_features"]):
            # At degree 3 the columns of degree 2 are also those of P - 1: a higher degree
            # tells a copied public example from a '<' for '<='.
            try:
                higher, _ = _poly(make_poly_features, degree + 1, X.clone())
            except AssertionError:  # no answer there: the words below still fit
                higher = poly_X[:0]
            if higher.ndim == 2 and higher.shape[1] == public_columns:
                raise diagnose(MISTAKES["columns_of_the_public_example"])
        _expect_poly_shape(poly_X, want.shape[0], case)
        unfilled = np.all(poly_X == 0, axis=0) & np.any(want != 0, axis=0)
        if unfilled.any():
            raise diagnose(MISTAKES["columns_left_unfilled"])
        what = "poly_X"
        if case.get("public"):
            what = f"poly_X (first row {_shown(poly_X[0])}, expected {_shown(want[0])})"
        expect_close(
            what, poly_X, want, rtol=1e-5, atol=1e-6, diagnoses=_mistakes(case, "poly_X"),
            advice="Column k should be X[:, 0]**i * X[:, 1]**j for the k-th pair (i, j) of "
            "the nested loops described in the exercise.",
        )

    for_each_case(_cases("make_poly_features", numbers, example), check)


# --- initialization formulas ---------------------------------------------------------------


def _number(what: str, value) -> np.ndarray:
    array = to_array(what, value)
    if array.size != 1:
        raise AssertionError(f"{what} should be a single number, got shape {student_shape(array)}.")
    return array.reshape(1)


def xavier_std_matches_reference(xavier_std, numbers: dict | None = None,
                                 example: bool = False) -> None:
    """``gain * sqrt(2 / (fan_in + fan_out))`` for unseen fans and gains."""

    def check(case):
        arguments = [case["fan_in"], case["fan_out"]]
        if not case.get("gain_left_out"):  # an example may count on the default gain
            arguments.append(case["gain"])
        got = _number("the standard deviation", call("xavier_std", xavier_std, *arguments))
        expect_close(
            _what("the standard deviation", case, got[0], case["std"]),
            got, [case["std"]], rtol=1e-6, atol=1e-9,
            diagnoses=[([value], mistake) for value, mistake in _mistakes(case, "std")],
            advice="sigma = gain * sqrt(2 / (fan_in + fan_out)).",
        )

    for_each_case(_cases("xavier_std", numbers, example), check)


def leaky_relu_gain_matches_reference(leaky_relu_gain, numbers: dict | None = None,
                                      example: bool = False) -> None:
    """``sqrt(2 / (1 + a**2))`` for unseen negative slopes."""

    def check(case):
        got = _number("the gain", call("leaky_relu_gain", leaky_relu_gain, case["negative_slope"]))
        expect_close(
            _what("the gain", case, got[0], case["gain"]),
            got, [case["gain"]], rtol=1e-6, atol=1e-9,
            diagnoses=[([value], mistake) for value, mistake in _mistakes(case, "gain")],
            advice="gain = sqrt(2 / (1 + negative_slope**2)).",
        )

    for_each_case(_cases("leaky_relu_gain", numbers, example), check)
