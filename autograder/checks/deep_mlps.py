"""Checks of ``deep_mlps``: one function per test in the master notebook, public and hidden.

Each check runs the student's function on cases (the hidden ones drawn for this grading, or
with ``example`` the notebook's own examples) and explains the first thing that looks
wrong. Known mistakes are named from the case itself: the reference (``reference/deep_mlps.py``)
stored what each would return, and where several give the same answer on a case it stored
them together, to be named as possibilities. Each case carries the tolerance of each
compared field. This module computes no answer, right or wrong, so the student's notebook
can carry it for the public checks; the expected numbers of a hidden case are never shown,
those of a public example are, and hidden feedback quotes nothing the student's code chose.

The parameter counter is tested on models built in the student's process from the JSON
descriptions ("model specs") stored with the cases, whose format the reference documents:
that builds the counter's input, and no point rests on what the builder says of itself.

The width search leans on the notebook's ``count_parameters``. Its hidden tests call it with
the grading engine's stand-in counter in that name's place (the probe ``call_with_stand_in``),
so that a wrong counter costs points on its own question only; nothing but the call's
arguments reaches the student process. Its public check calls it as the notebook does, with
the student's own counter, and when the width is wrong looks at that counter: if it miscounts
the example's network, the feedback says so and names the counter's mistake.
"""

from __future__ import annotations

import numpy as np
import torch

from .cases import CaseChecks, tolerance
from .values import (CheckFailed, Diagnosed, call, call_unchanged, diagnose, error_text, for_each_case,
                     is_proxy, probe, to_array, to_int, unpack, vocabulary)

ASSIGNMENT = "deep_mlps"

MISTAKES = vocabulary(
    # count_parameters
    frozen_parameters_counted=(
        "frozen parameters (requires_grad=False) are counted; count only the trainable ones."),
    buffers_counted=(
        "buffers, such as the running mean and variance of a BatchNorm layer, are counted; "
        "they are not parameters (model.buffers and the state dict hold them, "
        "model.parameters does not)."),
    shared_parameter_counted_twice=(
        "a shared parameter is counted once per place it is used; count each parameter once "
        "(model.parameters lists each one once)."),
    size_of_the_state_dict=(
        "this looks like the size of the state dict, which also holds buffers, frozen "
        "parameters and every copy of a shared parameter; count what model.parameters "
        "yields instead."),
    tensors_counted_not_scalars=(
        "this is the number of parameter tensors; count the scalars in them (numel)."),
    len_instead_of_numel=(
        "len(p) is only the first dimension of a tensor (the rows of a weight matrix); "
        "p.numel counts all of its scalars."),
    nothing_counted=(
        "the count is 0, yet this model has trainable parameters: count those of every "
        "layer, however deeply nested in containers (model.parameters walks them all), "
        "whose requires_grad is set, adding the numel of each to the total."),
    biases_left_out="only the weights are counted; the biases are trainable parameters too.",
    only_linear_layers_counted=(
        "only the parameters of nn.Linear layers are counted; other modules have trainable "
        "parameters too (the weight and bias of a BatchNorm layer, an nn.Parameter a custom "
        "module holds), and model.parameters lists them all."),
    nested_layers_missed=(
        "the parameters of layers nested inside containers (a Sequential inside the model, "
        "a ModuleList inside that) are missing; model.parameters walks every level."),
    count_one_too_many="the count is one too many: start the total at 0.",
    count_one_too_few="the count is one too few: start the total at 0 and count every parameter.",
    only_the_last_parameter=(
        "this is the size of the last parameter alone; add the numel of each parameter to "
        "the running total instead of replacing the total with it."),
    count_of_the_public_example=(
        "this is the count of the public example (Linear(2, 3) then Linear(3, 5)), whatever "
        "the model; count the parameters of the model you are given."),
    # hidden_units_for_budget
    stops_only_above_the_budget=(
        "the width is one too large where one width gives exactly max_par_count parameters: "
        "the search should stop there. Keep growing only while the count is below the "
        "budget (count < max_par_count)."),
    never_answers_one=(
        "the answer should be 1 where one unit per hidden layer already reaches the budget. "
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
        "some columns of poly_X are all zeros, as if the loops filled fewer columns than there "
        "are features. Both loops run from 0 to P inclusive, range(P + 1), and every pair with "
        "0 < i + j <= P adds a column."),
    loops_swapped=(
        "the columns are in another order, as if the two loops (or the two inputs) were "
        "swapped: i, the power of X[:, 0], belongs to the outer loop and j, the power of "
        "X[:, 1], to the inner one."),
    grouped_by_total_degree=(
        "the columns are grouped by total degree; keep the order of the two nested loops "
        "(i outer, j inner) instead."),
    changed_its_input_in_place=(
        "X was changed in place (an in-place operation such as *= or a write into a view of "
        "X); compute the columns into new tensors and leave X as it was."),
    # xavier_std
    uniform_bound_instead_of_std=(
        "this is the bound a of the Xavier *uniform* distribution U(-a, a); the exercise asks "
        "for the standard deviation of the normal one."),
    std_square_root_missing=(
        "the square root is missing: 2 / (fan_in + fan_out) is the variance (without gain), "
        "sigma is its square root."),
    variance_instead_of_std="this is the variance sigma**2; return sigma.",
    two_missing_from_the_numerator=(
        "the 2 of the numerator is missing: Xavier averages the two fans, "
        "(fan_in + fan_out) / 2 * sigma**2 = 1, so sigma = sqrt(2 / (fan_in + fan_out))."),
    forward_condition_only=(
        "this keeps only the forward condition (fan_in * sigma**2 = 1); Xavier averages "
        "fan_in and fan_out."),
    backward_condition_only=(
        "this keeps only the backward condition (fan_out * sigma**2 = 1); Xavier averages "
        "fan_in and fan_out."),
    gain_without_a_default=(
        "xavier_std(fan_in, fan_out) leaves the gain out, so the gain needs a default value: "
        "def xavier_std(fan_in, fan_out, gain=1.0)."),
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
CASES = CaseChecks(ASSIGNMENT, MISTAKES)



def _matching(case: dict, field: str, got) -> Diagnosed | None:
    """The failure naming the first stored mistake of ``field`` that gives ``got``."""
    bounds = tolerance(case, field) if field in case.get("tolerance", {}) else {"rtol": 0.0, "atol": 0.25}
    for value, mistake in CASES.stored(case, field):
        if np.allclose(np.asarray(got, dtype=np.float64), np.asarray(value, dtype=np.float64),
                       rtol=bounds["rtol"], atol=bounds["atol"]):
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


def _answered(what: str, value):
    """``value``, unless the function gave back nothing at all (said without a Python word)."""
    if value is None:
        raise CheckFailed(f"{what} is missing: the function returned nothing. Is the return "
                          "statement missing?")
    return value


def _whole(what: str, value) -> int:
    return to_int(what, _answered(what, value))


def _number(what: str, value) -> np.ndarray:
    array = to_array(what, _answered(what, value))
    if array.size != 1:
        raise CheckFailed(f"{what} should be a single number.",
                          public=f"{what} should be a single number, got shape {tuple(array.shape)}.",
                          key="not_a_single_number")
    return array.reshape(1)


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


def _count_of(count_parameters, spec: dict) -> int:
    """The student's count of the model ``spec`` describes, built where the counter runs."""
    if count_parameters is None:
        call("count_parameters", count_parameters)
    model = probe(count_parameters, "build_module", generic_spec(spec))
    return _whole("the parameter count", call("count_parameters", count_parameters, model))


# --- count_parameters ----------------------------------------------------------------------


def _count_check(count_parameters, part: str, numbers: dict | None, example: bool) -> None:
    def check(case):
        got = _count_of(count_parameters, case["model"])
        CASES.expect(case, "count", got, what=_what("the parameter count", case, got, case["count"]),
                     advice="Add up the numel of every parameter that model.parameters yields and whose "
                            "requires_grad is set.")

    for_each_case(CASES.of(part, numbers, example), check)


def count_parameters_plain_models(count_parameters, numbers: dict | None = None,
                                  example: bool = False) -> None:
    """The tutorial's networks, a bias-free layer, nested containers, a bare parameter."""
    _count_check(count_parameters, "count_parameters_plain", numbers, example)


def count_parameters_special_models(count_parameters, numbers: dict | None = None,
                                    example: bool = False) -> None:
    """Frozen parameters, BatchNorm buffers, a reused layer and a tied weight."""
    _count_check(count_parameters, "count_parameters_special", numbers, example)


# --- hidden_units_for_budget ---------------------------------------------------------------

SEARCH_ADVICE = ("Count every layer of the network of input_feature_num inputs, n_hidden_layers "
                 "hidden layers of the width and output_feature_num outputs, weights and biases, "
                 "the output layer included, and grow all hidden layers together, one unit at a "
                 "time, starting from 1.")


def _inputs(case: dict) -> list[int]:
    return [case["max_par_count"], case["n_hidden_layers"], case["input_feature_num"],
            case["output_feature_num"]]


def _stand_ins_at_hand(function) -> bool:
    """Whether the grader's stand-in counter can be lent to ``function``: in the judge (a
    proxy: the student process has it) or in the toolkit's own process; never in a student's
    notebook, which carries no stand-in."""
    if is_proxy(function):
        return True
    from autograder.grading_runtime import probes

    return probes.stand_ins_at_hand()


def _width_with_a_correct_counter(hidden_units_for_budget, inputs: list[int]) -> int:
    """The student's width for ``inputs``, found with the grader's correct counter in place of
    the notebook's ``count_parameters`` (the probe ``call_with_stand_in``)."""
    if hidden_units_for_budget is None:
        call("hidden_units_for_budget", hidden_units_for_budget)
    value = probe(hidden_units_for_budget, "call_with_stand_in", list(inputs), "count_parameters",
                  "count_parameters")
    return _whole("the width", value)


def _search_failure(case: dict, got: int, shown: str = "") -> CheckFailed:
    """What a wrong width says: the stored mistake (or mistakes) that give it, else what is off."""
    explained = _matching(case, "width", got)
    if explained is not None:
        assert explained.key is not None  # a Diagnosed always names its mistake
        return Diagnosed(f"{shown}{explained.hidden_text}", explained.key)
    if got < 1:
        return CheckFailed(f"{shown}the width should be at least 1: every hidden layer has at "
                           "least one unit, and the search starts there.")
    return CheckFailed(f"{shown}the width differs from the reference. {SEARCH_ADVICE}",
                       key="unknown_mistake")


def _hidden_width_check(hidden_units_for_budget, case: dict) -> None:
    got = _width_with_a_correct_counter(hidden_units_for_budget, _inputs(case))
    if got != case["width"]:
        raise _search_failure(case, got)


def _network_words(case: dict) -> str:
    network = case["network"]
    return (f"the network of {network['input']} inputs, hidden layers {network['hidden']} and "
            f"{network['output']} outputs")


def _counter_failure(count_parameters, case: dict) -> tuple[str, str | None] | None:
    """Whether the student's counter miscounts the public example's network: None if it counts
    it right (or cannot be asked); else what it does, in words, and the key of its mistake."""
    if count_parameters is None:
        return None
    network = _network_words(case)
    try:
        got = _count_of(count_parameters, case["network"])
    except AssertionError:
        return (f"your count_parameters does not count the network of this example, {network} "
                "(it raised an error, or is not finished).", None)
    want = case["count_at_width"]
    if got == want:
        return None
    words = f"your count_parameters says {got} parameters for {network}, which has {want}"
    known = _matching(case, "count_at_width", got)
    if known is None:
        return f"{words}.", None
    return f"{words}: {known.hidden_text}", known.key


def _public_width_check(hidden_units_for_budget, count_parameters, case: dict) -> None:
    """The example, as the notebook runs it: with the student's own counter."""
    inputs, want = _inputs(case), case["width"]
    try:
        got, own_error = _whole("the width", call("hidden_units_for_budget",
                                                  hidden_units_for_budget, *inputs)), None
    except AssertionError as error:
        if getattr(error, "key", None) in ("not_finished", "not_defined"):
            raise
        got, own_error = None, error
    if got == want:
        return
    counter = _counter_failure(count_parameters, case)
    if counter is None:
        if own_error is not None:
            raise own_error
        assert got is not None  # without an answer, the counter's or the function's own error explains
        raise _search_failure(case, got, f"got {got}, expected {want}: ")
    words, key = counter
    shown = f"got {got}, expected {want}: " if own_error is None else "your search raised an error: "
    advice = " Fix count_parameters (exercise 1) first; the hidden tests of this exercise count with a correct counter."
    fixed = None
    if _stand_ins_at_hand(hidden_units_for_budget):
        try:
            fixed = _width_with_a_correct_counter(hidden_units_for_budget, inputs)
        except AssertionError:
            fixed = None
    if fixed == want:
        raise CheckFailed(f"{shown}the search itself is right (with a correct parameter counter it "
                          f"finds {want}), but {words}{advice}", key=key)
    if fixed is None:
        raise CheckFailed(f"{shown}{words} If your search counts its networks with "
                          f"count_parameters, that alone makes the width wrong.{advice}", key=key)
    search = _search_failure(case, fixed, f"with a correct parameter counter your search finds "
                                          f"{fixed}, not {want}: ")
    raise CheckFailed(f"{shown}{search.hidden_text} Besides, {words}", key=search.key)


def _width_check(hidden_units_for_budget, count_parameters, part: str, numbers: dict | None,
                 example: bool) -> None:
    def check(case):
        if case.get("public"):
            _public_width_check(hidden_units_for_budget, count_parameters, case)
        else:
            _hidden_width_check(hidden_units_for_budget, case)

    for_each_case(CASES.of(part, numbers, example), check)


def width_search_general(hidden_units_for_budget, count_parameters=None,
                         numbers: dict | None = None, example: bool = False) -> None:
    """Widths for unseen budgets, depths and input/output sizes (the public examples: the
    tutorial's budget, with the notebook's own ``count_parameters``)."""
    _width_check(hidden_units_for_budget, count_parameters, "hidden_units_for_budget_general",
                 numbers, example)


def width_search_edges(hidden_units_for_budget, count_parameters=None,
                       numbers: dict | None = None, example: bool = False) -> None:
    """Budgets met exactly by some width, and budgets already met by one unit per layer."""
    _width_check(hidden_units_for_budget, count_parameters, "hidden_units_for_budget_edges",
                 numbers, example)


# --- make_poly_features --------------------------------------------------------------------

# The input of the count check: its values do not matter, only the shape of what comes back.
COUNT_CHECK_X = [[0.5, -1.0], [1.0, 0.25], [-0.75, 0.5]]
POLY_SHAPE = ("it should have one row per sample of X and one column per monomial "
              "x1**i * x2**j with 0 < i + j <= P, (P + 1)(P + 2)/2 - 1 columns in all")


def _poly_parts(result) -> tuple[np.ndarray, int]:
    poly_X, num_features = unpack("make_poly_features", _answered("make_poly_features", result), 2)
    return to_array("poly_X", _answered("poly_X", poly_X)), _whole("num_features", num_features)


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
        raise CheckFailed(f"poly_X has the wrong shape: {POLY_SHAPE}.",
                          public=f"poly_X has shape {tuple(poly_X.shape)}, expected "
                                 f"{(n_samples, n_features)}: {POLY_SHAPE}.",
                          key="wrong_shape")


def poly_feature_count_and_shape(make_poly_features, numbers: dict | None = None,
                                 example: bool = False) -> None:
    """``num_features`` is ``(P+1)(P+2)/2 - 1`` and ``poly_X`` has one column per feature."""

    def check(case):
        X = torch.tensor(COUNT_CHECK_X)
        poly_X, num_features = _poly_parts(call("make_poly_features", make_poly_features,
                                                case["poly_degree"], X))
        want = case["num_features"]
        if num_features != want:
            found = _matching(case, "num_features", num_features)
            if found is not None:
                raise found
            raise CheckFailed(
                f"{_what('num_features', case, num_features, want)} is not the number of "
                "monomials x1**i * x2**j with 0 < i + j <= P, which is (P + 1)(P + 2)/2 - 1.",
                key="unknown_mistake")
        _expect_poly_shape(poly_X, X.shape[0], case)

    for_each_case(CASES.of("make_poly_features_count", numbers, example), check)


def poly_features_match_reference(make_poly_features, numbers: dict | None = None,
                                  example: bool = False) -> None:
    """The values of every column, in the tutorial's order, on unseen data and degrees; X
    left as it was."""

    def check(case):
        X = torch.tensor(case["X"], dtype=torch.float32)
        try:
            result = call_unchanged("make_poly_features", make_poly_features, case["poly_degree"], X,
                                    names=("poly_degree", "X"))
        except CheckFailed as failure:
            if failure.key == "changed_its_input_in_place":
                raise diagnose(MISTAKES["changed_its_input_in_place"]) from None
            raise
        poly_X, _ = _poly_parts(result)
        want = np.asarray(case["poly_X"], dtype=np.float64)
        _expect_poly_shape(poly_X, want.shape[0], case)
        unfilled = np.all(poly_X == 0, axis=0) & np.any(want != 0, axis=0)
        if unfilled.any():
            raise diagnose(MISTAKES["columns_left_unfilled"])
        what = "poly_X"
        if case.get("public"):
            what = f"poly_X (first row {_shown(poly_X[0])}, expected {_shown(want[0])})"
        CASES.expect(
            case, "poly_X", poly_X, what=what,
            advice="Column k should be X[:, 0]**i * X[:, 1]**j for the k-th pair (i, j) of "
            "the nested loops described in the exercise.",
        )

    for_each_case(CASES.of("make_poly_features", numbers, example), check)


# --- initialization formulas ---------------------------------------------------------------


def xavier_std_matches_reference(xavier_std, numbers: dict | None = None,
                                 example: bool = False) -> None:
    """``gain * sqrt(2 / (fan_in + fan_out))`` for unseen fans and gains."""

    def check(case):
        arguments = [case["fan_in"], case["fan_out"]]
        if not case.get("gain_left_out"):  # an example may count on the default gain
            arguments.append(case["gain"])
        try:
            value = call("xavier_std", xavier_std, *arguments)
        except AssertionError as failure:
            if len(arguments) == 2 and "required positional argument" in error_text(failure):
                raise diagnose(MISTAKES["gain_without_a_default"]) from None
            raise
        got = _number("the standard deviation", value)
        CASES.expect(case, "std", got.reshape(()),
                     what=_what("the standard deviation", case, got[0], case["std"]),
                     advice="sigma = gain * sqrt(2 / (fan_in + fan_out)).")

    for_each_case(CASES.of("xavier_std", numbers, example), check)


def leaky_relu_gain_matches_reference(leaky_relu_gain, numbers: dict | None = None,
                                      example: bool = False) -> None:
    """``sqrt(2 / (1 + a**2))`` for unseen negative slopes."""

    def check(case):
        got = _number("the gain", call("leaky_relu_gain", leaky_relu_gain, case["negative_slope"]))
        CASES.expect(case, "gain", got.reshape(()), what=_what("the gain", case, got[0], case["gain"]),
                     advice="gain = sqrt(2 / (1 + negative_slope**2)).")

    for_each_case(CASES.of("leaky_relu_gain", numbers, example), check)
