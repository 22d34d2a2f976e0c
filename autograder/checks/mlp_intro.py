"""Checks of ``mlp_intro``: one function per test in the master notebook, public and hidden.

Each check runs the student's function on cases (the hidden ones, or with ``example`` the
notebook's own examples) and explains the first thing that looks wrong. Known mistakes are
named from the case itself: the reference stored what each would return, and proved on
every case that no two of them, and none of them and the right answer, look alike within
the case's tolerance (which the case carries too). Where a check names a mistake from
anything else (a shape, a property of the split), it is a fact it verified, worded as what
is off, not a guess at a cause. This module computes no answer, right or wrong, so the
student's notebook can carry it for the public checks; the expected numbers of a hidden case
are never shown, and hidden feedback quotes nothing the student's code chose.

``Net`` is checked by what it does, never by what the student process says about it: the
checks find its layers by their names (``Linear_0``, ..., ``Output_Linear``, wherever they
are registered), load the reference weights into each by name with the layer's own
``load_state_dict``, then compare what each layer, and the whole network, returns on the
judge's inputs with the reference's numbers.
"""

from __future__ import annotations

import numpy as np
import torch

from .cases import CaseChecks, tolerance
from .values import (CheckFailed, Mistake, call, call_unchanged, close, diagnose, expect_close,
                     expect_finite, expect_shape, for_each_case, kind_of, student_shape, to_array, unpack,
                     vocabulary)

ASSIGNMENT = "mlp_intro"
GRID_POINTS = 1000
# How a split is laid out as one array, as reference.mlp_intro.arrangement lays it out: the
# test labels, this mark, the training labels (the labels are the samples' indices).
SPLIT_MARK = -1.0

MISTAKES = vocabulary(
    # approximate_function
    grid_of_the_sine_example=(
        "x runs from 0 to 2*pi like the grid of the sine example, whatever x_train holds; it "
        "should be torch.linspace(min(x_train), max(x_train), 1000)."),
    relu_acts_transposed=(
        "relu_acts is transposed: it should have one row per ReLU and one column per grid point."),
    one_relu_per_training_point=(
        "relu_acts has a row for every training point; the last training point needs no ReLU, so "
        "there should be one row fewer."),
    relus_shifted_the_wrong_way=(
        "the ReLUs are shifted the wrong way; row i should be relu(x - x_train[i]), so its bias "
        "is -x_train[i]."),
    relus_start_one_point_late=(
        "each ReLU starts one training point too late; row i should bend at x_train[i], "
        "starting with the first point."),
    relus_point_the_wrong_way=(
        "the ReLUs point the wrong way: row i looks like relu(x_train[i] - x), which is zero to "
        "the right of x_train[i]; it should be relu(x - x_train[i])."),
    relus_without_bias=(
        "every row looks like relu(x), a ReLU with no bias; row i should be relu(x - x_train[i]), "
        "bending at its own training point."),
    weights_are_the_slopes=(
        "the weights look like the slopes themselves; weight i should be the change of slope at "
        "x_train[i] (this slope minus the previous one)."),
    plain_sum_of_the_relus=(
        "y_hat looks like the plain sum of the ReLUs; weight each ReLU by its change of slope."),
    y_hat_has_the_wrong_sign=(
        "y_hat has the wrong sign; check that each weight is this slope minus the previous one, "
        "not the other way round."),
    slopes_without_the_spacing=(
        "the slopes look like differences of y alone; divide each by the spacing, slope i = "
        "(y_train[i+1] - y_train[i]) / (x_train[i+1] - x_train[i])."),
    weight_minus_the_previous_weight=(
        "weight i looks like this slope minus the previous weight; it should be this slope minus "
        "the previous slope."),
    y_hat_not_summed=(
        "y_hat holds every weighted ReLU as its own row; add the rows up into one value per grid "
        "point."),
    answer_of_the_sine_example=(
        "y_hat is the answer of the sine example, whatever x_train and y_train hold; compute it "
        "from the function's inputs."),
    # Net
    not_an_nn_module=(
        "Net(...) should create an nn.Module, with its layers registered as submodules."),
    layer_not_registered_by_name=(
        "register each layer under its name, with add_module or as an attribute of that name."),
    wrong_layer_sizes=(
        "each Linear should map the previous layer's width to its own: Linear_0 takes "
        "input_feature_num features, and Output_Linear gives output_feature_num."),
    activation_is_always_relu=(
        "it computes ReLU whatever actv says; build each activation from the actv string."),
    activation_arguments_dropped=(
        "it computes the activation named in actv with its default arguments; keep the "
        "arguments written in the string, as in LeakyReLU(0.1)."),
    input_not_flattened=(
        "forward should first reshape its input to (batch, input_feature_num)."),
    batch_dimension_dropped=(
        "the output of forward holds the right values but not in the shape (batch, "
        "output_feature_num): keep the batch dimension, even for a batch of one sample."),
    activation_after_the_output_layer=(
        "there is an activation after Output_Linear too; the output layer should return its "
        "values as they are."),
    activations_not_applied=(
        "the outputs look like those of the network without activations: the activations are "
        "not applied in forward."),
    activation_before_its_linear_layer=(
        "each activation seems to be applied before its Linear layer; apply Linear_i first, "
        "then Activation_i."),
    # cross_entropy_loss
    sum_instead_of_mean="the loss looks like the sum over the batch, not the mean.",
    loss_has_the_wrong_sign="the loss has the wrong sign.",
    log_sum_exp_missing="the log of the sum of exponentials over the classes is missing.",
    log_sum_exp_over_the_batch=(
        "the log-sum-exp runs over the batch (dim 0) instead of the classes (dim 1)."),
    sum_of_exponentials_over_the_whole_batch=(
        "the sum of exponentials runs over the whole batch at once; sum over the classes of "
        "each sample (dim=1)."),
    log_missing="the log around the sum of exponentials is missing.",
    every_label_for_every_sample=(
        "x[:, labels] takes every sample's logit at every label; pick one entry per sample with "
        "x[torch.arange(N), labels]."),
    per_sample_losses_not_averaged=(
        "it returns the loss of every sample; the loss is a single number, their mean over the batch."),
    loss_of_the_example=(
        "the loss is the value of the example in the notebook, whatever the batch; compute it "
        "from x and labels."),
    changed_its_input_in_place=(
        "it changed an argument in place; work on a copy, or on new tensors, and leave the "
        "caller's as they were."),
    # shuffle_and_split_data
    sets_swapped=(
        "the two sets are swapped: the test set holds the training samples and the other way "
        "round. Return them in the order (X_test, y_test, X_train, y_train)."),
    test_set_is_eighty_percent=(
        "the test set holds the first 80% of the shuffled samples; it should hold the first "
        "int(0.2 * N), and the training set the rest."),
    training_set_holds_the_test_samples=(
        "the training set also holds the test samples; it should hold only the samples that are "
        "not in the test set."),
    test_size_rounded_up=(
        "the test set is one sample too large, as if 0.2 * N were rounded up; it should hold "
        "int(0.2 * N) samples, 20% of the data rounded down."),
    rows_apart_from_their_labels=(
        "rows of X no longer sit beside their own y: shuffle X and y with the same permutation."),
    samples_lost_or_repeated=(
        "the test and training sets together should hold every sample exactly once."),
    not_shuffled="the data is split in its original order, without shuffling.",
    split_not_repeatable=(
        "two calls with the same seed gave different splits; call torch.manual_seed(seed) "
        "before drawing the permutation."),
    split_ignores_its_seed=(
        "two different seeds gave the same split; the permutation should come from the seed the "
        "function receives, through torch.manual_seed(seed)."),
    test_set_is_the_last_part=(
        "the test set is the last 20% of the permutation; it should be the first int(0.2 * N) "
        "samples."),
    shuffled_with_numpy_default_rng=(
        "the samples are shuffled with numpy's random generator (np.random.default_rng), not with "
        "the shuffle the exercise asks for: torch.manual_seed(seed) followed by torch.randperm(N)."),
    shuffled_with_numpy_global_state=(
        "the samples are shuffled with numpy's global random state (np.random.seed), not with the "
        "shuffle the exercise asks for: torch.manual_seed(seed) followed by torch.randperm(N)."),
    shuffled_with_python_random=(
        "the samples are shuffled with Python's random module, not with the shuffle the exercise "
        "asks for: torch.manual_seed(seed) followed by torch.randperm(N)."),
    shuffled_by_argsort_of_torch_rand=(
        "the samples are shuffled with argsort of torch.rand, not with the shuffle the exercise "
        "asks for: torch.manual_seed(seed) followed by torch.randperm(N)."),
    seeded_with_a_fixed_number=(
        "the split looks seeded with a fixed number rather than the seed argument; call "
        "torch.manual_seed(seed) with the seed the function receives."),
)
CASES = CaseChecks(ASSIGNMENT, MISTAKES)



# --- approximate_function ------------------------------------------------------------------


def _approximation(approximate_function, case: dict):
    x_train = torch.tensor(case["x_train"], dtype=torch.float32)
    y_train = torch.tensor(case["y_train"], dtype=torch.float32)
    result = call("approximate_function", approximate_function, x_train, y_train)
    y_hat, relu_acts, x = unpack("approximate_function", result, 3)
    return to_array("y_hat", y_hat), to_array("relu_acts", relu_acts), to_array("x", x)


def _relu_count(case: dict) -> int:
    return len(case["x_train"]) - 1


def _sampled_rows(relu_acts: np.ndarray, case: dict) -> np.ndarray:
    return relu_acts[:, case["grid_sample"]]


def _relu_shape_mistake(relu_acts: np.ndarray, case: dict) -> Mistake | None:
    """A ``relu_acts`` of another shape whose values show the mistake: the right rows
    transposed, or the right rows and one more (a ReLU for the last training point too)."""
    rows, right = _relu_count(case), np.asarray(case["relu_acts"])
    bounds = tolerance(case, "relu_acts")
    if relu_acts.shape == (GRID_POINTS, rows) and rows != GRID_POINTS:
        if close(_sampled_rows(relu_acts.T, case), right, **bounds):
            return MISTAKES["relu_acts_transposed"]
    if relu_acts.shape == (rows + 1, GRID_POINTS):
        if close(_sampled_rows(relu_acts[:rows], case), right, **bounds):
            return MISTAKES["one_relu_per_training_point"]
    return None


def approximation_grid_and_relus(approximate_function, numbers: dict | None = None,
                                 example: bool = False) -> None:
    """``x`` is the 1000-point grid and row ``i`` of ``relu_acts`` is ``relu(x - x_train[i])``."""

    def check(case):
        _, relu_acts, x = _approximation(approximate_function, case)
        expect_shape("x", x, (GRID_POINTS,), (GRID_POINTS, 1),
                     hidden="it should hold the 1000 points of torch.linspace(min(x_train), max(x_train), 1000)")
        CASES.expect(case, "x", x.reshape(-1)[case["grid_sample"]],
                     advice="It should be torch.linspace(min(x_train), max(x_train), 1000).")
        shape_mistake = _relu_shape_mistake(relu_acts, case)
        if shape_mistake is not None:
            raise diagnose(shape_mistake)
        expect_shape("relu_acts", relu_acts, (_relu_count(case), GRID_POINTS),
                     hidden="it should have one row per training point but the last, and one column "
                            "per grid point")
        CASES.expect(case, "relu_acts", _sampled_rows(relu_acts, case),
                     advice="Row i should be relu(x - x_train[i]).")

    for_each_case(CASES.of("approximate_function", numbers, example), check)


def _grid_and_relus_mistake(relu_acts: np.ndarray, x: np.ndarray, case: dict) -> tuple[bool, Mistake | None]:
    """Whether ``x`` and ``relu_acts`` are right, and if not, the known mistake they show."""
    sample = case["grid_sample"]
    if x.size == GRID_POINTS:
        x_sampled = x.reshape(-1)[sample]
        if not close(x_sampled, np.asarray(case["x"]), **tolerance(case, "x")):
            return False, CASES.matching(case, "x", x_sampled)
    else:
        return False, None
    shape_mistake = _relu_shape_mistake(relu_acts, case)
    if shape_mistake is not None:
        return False, shape_mistake
    if relu_acts.shape != (_relu_count(case), GRID_POINTS):
        return False, None
    rows = _sampled_rows(relu_acts, case)
    if close(rows, np.asarray(case["relu_acts"]), **tolerance(case, "relu_acts")):
        return True, None
    return False, CASES.matching(case, "relu_acts", rows)


def approximation_matches_reference(approximate_function, numbers: dict | None = None,
                                    example: bool = False) -> None:
    """``y_hat`` is the piecewise-linear interpolant of the training points on the grid."""

    def check(case):
        y_hat, relu_acts, x = _approximation(approximate_function, case)
        sample, bounds = case["grid_sample"], tolerance(case, "y_hat")
        if y_hat.shape == (_relu_count(case), GRID_POINTS) and _relu_count(case) > 1:
            if close(y_hat.sum(axis=0)[sample], np.asarray(case["y_hat"]), **bounds):
                raise diagnose(MISTAKES["y_hat_not_summed"])
        expect_shape("y_hat", y_hat, (GRID_POINTS,), (GRID_POINTS, 1),
                     hidden="it should hold one value per grid point")
        got = y_hat.reshape(-1)[sample]
        expect_finite("y_hat", got)
        if close(got, np.asarray(case["y_hat"]), **bounds):
            return
        own = CASES.matching(case, "y_hat", got)
        if own is not None:
            raise diagnose(own, "y_hat differs from the reference: ")
        right, follows_from = _grid_and_relus_mistake(relu_acts, x, case)
        if follows_from is not None:
            raise diagnose(follows_from, "y_hat differs from the reference, and it is built on x and "
                                         "relu_acts, where ")
        if not right:
            raise CheckFailed("y_hat differs from the reference, and it is built on x and relu_acts, "
                              "which are not right yet (see the other test of this question): fix them "
                              "first.", key="unknown_mistake")
        raise CheckFailed("y_hat differs from the reference. It should pass through every training "
                          "point and be straight in between; the sine example in the notebook shows the "
                          "same property.", key="unknown_mistake")

    for_each_case(CASES.of("approximate_function", numbers, example), check)


# --- Net -----------------------------------------------------------------------------------

PLAIN_VALUES = (int, float, str, bytes, list, tuple, dict, np.ndarray, np.generic, torch.Tensor)


def _build_net(Net, case: dict):
    args = (case["actv"], case["input_feature_num"], case["hidden_unit_nums"],
            case["output_feature_num"])
    net = call("Net", Net, *args)
    if net is None or isinstance(net, PLAIN_VALUES):
        raise CheckFailed(MISTAKES["not_an_nn_module"].explanation,
                          public=f"Net(...) should create an nn.Module, not a {kind_of(net)}.",
                          key="not_an_nn_module")
    return net


def _layers_by_name(net) -> dict[str, list]:
    """Every submodule of ``net`` by the last part of its name, wherever it is registered (one
    registered twice is listed under both names), found by asking the network itself."""
    try:  # iter first: list() would ask a proxy for a generator's len()
        listing = list(iter(net.named_modules(remove_duplicate=False)))
    except (AssertionError, AttributeError, TypeError):
        raise CheckFailed(MISTAKES["not_an_nn_module"].explanation, key="not_an_nn_module") from None
    found: dict[str, list] = {}
    for entry in listing:
        if not (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], str)):
            raise CheckFailed(MISTAKES["not_an_nn_module"].explanation, key="not_an_nn_module")
        name, module = entry
        if name:
            found.setdefault(name.rsplit(".", 1)[-1], []).append(module)
    return found


def _linear_names(case: dict) -> list[str]:
    return [f"Linear_{i}" for i in range(len(case["hidden_unit_nums"]))] + ["Output_Linear"]


def _named(layers: dict[str, list], name: str, what: str) -> list:
    if name not in layers:
        found = ", ".join(sorted(layers)) or "none"
        raise CheckFailed(f"there is no {what} named {name}; {MISTAKES['layer_not_registered_by_name'].explanation}",
                          public=f"there is no {what} named {name} (found: {found}); "
                                 f"{MISTAKES['layer_not_registered_by_name'].explanation}",
                          key="layer_not_registered_by_name")
    return layers[name]


def _weights(case: dict, name: str) -> dict[str, torch.Tensor]:
    return {part: torch.tensor(values, dtype=torch.float64) for part, values in case["layers"][name].items()}


def _load(name: str, module, weights: dict[str, torch.Tensor]) -> None:
    """Load the reference weights into one layer with its own ``load_state_dict``; when it
    cannot take them, say what is off about the layer."""
    try:
        call(f"{name}.load_state_dict", module.load_state_dict, weights)
        return
    except AssertionError:
        pass
    wanted = tuple(weights["weight"].shape)
    try:
        shape = tuple(to_array("weight", module.weight).shape)
    except AssertionError:
        shape = None
    if shape is not None and shape != wanted:
        raise CheckFailed(f"{name} has the wrong size; {MISTAKES['wrong_layer_sizes'].explanation}",
                          public=f"{name} has a weight of shape {shape}, expected {wanted} (out_features, "
                                 f"in_features); {MISTAKES['wrong_layer_sizes'].explanation}",
                          key="wrong_layer_sizes")
    raise CheckFailed(f"{name} could not take the weight and bias of an nn.Linear layer of its size; it "
                      "should be an nn.Linear.", key="unknown_mistake")


def _dtype_of(module) -> torch.dtype:
    """The precision a layer works in (float64 layers get float64 inputs), float32 by default."""
    try:
        weight = module.weight
    except AssertionError:
        return torch.float32
    dtype = weight.dtype if isinstance(weight, torch.Tensor) else None
    return dtype if isinstance(dtype, torch.dtype) and dtype.is_floating_point else torch.float32


def _loaded_network(Net, case: dict):
    """The student's network for ``case`` with the reference weights in every Linear layer,
    and its layers by name."""
    net = _build_net(Net, case)
    layers = _layers_by_name(net)
    for name in _linear_names(case):
        for module in _named(layers, name, "nn.Linear layer"):
            _load(name, module, _weights(case, name))
    return net, layers


def _layer_problem(net_layers: dict[str, list], case: dict) -> None:
    """Each named layer, called on the judge's inputs, returns what the reference layer does."""
    bounds = tolerance(case, "layers")
    for name in _linear_names(case):
        for module in net_layers[name]:
            inputs = torch.tensor(case["layer_inputs"][name], dtype=_dtype_of(module))
            got = to_array(f"the output of {name}", call(name, module, inputs))
            expect_close(f"the output of {name}", got, case["layer_outputs"][name],
                         rtol=bounds["rtol"], atol=bounds["atol"],
                         advice="With the weights it was given, it should compute x @ weight.T + bias, as "
                                "nn.Linear does.")
    for index in range(len(case["hidden_unit_nums"])):
        name = f"Activation_{index}"
        for module in _named(net_layers, name, "module"):
            inputs = torch.tensor(case["activation_inputs"], dtype=torch.float32)
            got = to_array(f"the output of {name}", call(name, module, inputs))
            expect_close(f"the output of {name}", got, case["activation_outputs"],
                         **tolerance(case, "activation"), diagnoses=CASES.stored(case, "activation"),
                         advice="It should compute the activation the actv string names, with the "
                                "arguments written in it.")


def net_layers_named(Net, numbers: dict | None = None, example: bool = False) -> None:
    """Every ``Linear_i``, ``Activation_i`` and ``Output_Linear`` exists and computes what it should:
    each Linear with the reference weights loaded by name, each activation as ``actv`` says."""

    def check(case):
        _, layers = _loaded_network(Net, case)
        _layer_problem(layers, case)

    for_each_case(CASES.of("Net", numbers, example), check)


def _flat_output(net, inputs: torch.Tensor) -> np.ndarray | None:
    """What the network returns for the same samples flattened, or None if it cannot."""
    try:
        return to_array("the output of forward", call("forward", net, inputs.reshape(inputs.shape[0], -1)))
    except AssertionError:  # the student's code, failing for any reason of its own
        return None


def _not_flattened(net, inputs: torch.Tensor, want: np.ndarray) -> bool:
    """Whether the network fails on the inputs as they are and works on them flattened."""
    if inputs.dim() <= 2:
        return False
    flat = _flat_output(net, inputs)
    return flat is not None and flat.shape == want.shape


def net_forward_matches_reference(Net, numbers: dict | None = None, example: bool = False) -> None:
    """With the reference weights loaded by name, the outputs match the reference outputs."""

    def check(case):
        try:
            net, layers = _loaded_network(Net, case)
        except CheckFailed as failure:
            if failure.key in (None, "unknown_mistake", "not_an_nn_module"):
                raise
            prefix = "the outputs cannot be compared with the reference, since the reference weights need "
            raise CheckFailed(prefix + "every layer in place: " + failure.hidden_text,
                              public=prefix + "every layer in place: " + failure.public_text,
                              key=failure.key) from None
        inputs = torch.tensor(case["inputs"], dtype=_dtype_of(layers["Output_Linear"][0]))
        want = np.asarray(case["outputs"], dtype=np.float64)
        not_flattened = diagnose(MISTAKES["input_not_flattened"],
                                 "forward fails on a batch of inputs with more than two dimensions and "
                                 "works once they are flattened: ")
        try:
            result = call("forward", net, inputs)
        except AssertionError:
            if _not_flattened(net, inputs, want):
                raise not_flattened from None
            raise
        outputs = to_array("the output of forward", result)
        bounds = tolerance(case, "outputs")
        if outputs.shape != want.shape:
            if _not_flattened(net, inputs, want):
                raise not_flattened
            if outputs.size == want.size and close(outputs.reshape(want.shape), want, **bounds):
                raise diagnose(MISTAKES["batch_dimension_dropped"])
            raise CheckFailed("the output of forward has the wrong shape; it should have one row per sample "
                              "and one column per output.",
                              public=f"the output of forward has shape {student_shape(outputs)} for an input "
                                     f"of shape {tuple(inputs.shape)}, expected {want.shape}.",
                              key="wrong_shape")
        expect_finite("the output of forward", outputs)
        if close(outputs, want, **bounds):
            return
        own = CASES.matching(case, "outputs", outputs)
        if own is not None:
            raise diagnose(own, "the output of forward differs from the reference: ")
        try:
            _layer_problem(layers, case)
        except CheckFailed as failure:
            prefix = "the output of forward differs from the reference, and so does a layer: "
            raise CheckFailed(prefix + failure.hidden_text, public=prefix + failure.public_text,
                              key=failure.key) from None
        raise CheckFailed("the output of forward differs from the reference. Apply every hidden Linear "
                          "followed by its activation, then Output_Linear with no activation after it.",
                          key="unknown_mistake")

    for_each_case(CASES.of("Net", numbers, example), check)


# --- cross_entropy_loss --------------------------------------------------------------------


def cross_entropy_matches_reference(cross_entropy_loss, numbers: dict | None = None,
                                    example: bool = False) -> None:
    """The loss is the batch mean of ``-x[i, label_i] + logsumexp(x[i])``."""

    def check(case):
        logits = torch.tensor(case["logits"], dtype=torch.float32)
        labels = torch.tensor(case["labels"], dtype=torch.long)
        loss = to_array("the loss", call_unchanged("cross_entropy_loss", cross_entropy_loss,
                                                   logits, labels, names=("x", "labels")))
        if loss.size != 1:
            expect_finite("the loss", loss)
            own = CASES.matching(case, "loss", loss, reshape=True)
            if own is not None:
                raise diagnose(own, "the loss differs from the reference: ")
            raise CheckFailed("the loss should be a single number, the mean over the batch.",
                              public=f"the loss should be a single number, the mean over the batch; it has "
                                     f"shape {student_shape(loss)}.", key="not_a_single_number")
        CASES.expect(case, "loss", loss.reshape(()), what="the loss",
                     advice="Each sample's loss is -x[i, labels[i]] + log(sum_j exp(x[i, j])); "
                            "return their mean.")

    for_each_case(CASES.of("cross_entropy_loss", numbers, example), check)


# --- shuffle_and_split_data ----------------------------------------------------------------


def _split_inputs(n_samples: int):
    """Rows whose values name their index, so any mix-up between X and y shows."""
    X = torch.arange(n_samples * 3, dtype=torch.float32).reshape(n_samples, 3)
    y = torch.arange(n_samples, dtype=torch.float32)
    return X, y


def _parts(result) -> tuple[np.ndarray, ...]:
    X_test, y_test, X_train, y_train = unpack("shuffle_and_split_data", result, 4)
    return (to_array("X_test", X_test), to_array("y_test", y_test),
            to_array("X_train", X_train), to_array("y_train", y_train))


def _split(shuffle_and_split_data, case: dict, seed: int):
    X, y = _split_inputs(case["n_samples"])
    return _parts(call("shuffle_and_split_data", shuffle_and_split_data, X, y, seed))


def _arrangement(parts: tuple[np.ndarray, ...]) -> np.ndarray:
    """Where every sample went, in order: the test labels, the mark, the training labels."""
    _, y_test, _, y_train = parts
    return np.concatenate([y_test.reshape(-1), [SPLIT_MARK], y_train.reshape(-1)])


def _rows(array: np.ndarray) -> int:
    return array.shape[0] if array.ndim else 0


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two splits the student's function returned are the very same."""
    return a.shape == b.shape and bool(np.array_equal(a, b))


def _split_mistake(case: dict, got: np.ndarray, keys: set[str] | None = None) -> Mistake | None:
    """The stored mistake whose split ``got`` is (among ``keys`` if given)."""
    for wrong, mistake in CASES.stored(case, "split"):
        if (keys is None or mistake.key in keys) and close(got, np.asarray(wrong, dtype=np.float64),
                                                           **tolerance(case, "split")):
            return mistake
    return None


def _expect_sizes(parts: tuple[np.ndarray, ...], case: dict, got: np.ndarray) -> None:
    """The test set holds int(0.2 * N) samples and the training set the rest; when not, the
    stored mistake whose split this is, or what is off."""
    X_test, y_test, X_train, y_train = parts
    n, test_size = case["n_samples"], case["test_size"]
    if (_rows(X_test), _rows(X_train), _rows(y_test), _rows(y_train)) == (test_size, n - test_size,
                                                                           test_size, n - test_size):
        return
    known = _split_mistake(case, got)
    if known is not None:
        raise diagnose(known)
    if _rows(y_train) == n and set(y_test.reshape(-1).tolist()) <= set(y_train.reshape(-1).tolist()):
        raise diagnose(MISTAKES["training_set_holds_the_test_samples"])
    raise CheckFailed("the sets have the wrong sizes: the test set should hold the first int(0.2 * N) "
                      "samples of the shuffled data and the training set the rest.",
                      public=f"the sets have the wrong sizes: X_test has {_rows(X_test)} rows and X_train "
                             f"{_rows(X_train)}, expected {test_size} and {n - test_size} (the test set "
                             "holds the first int(0.2 * N) samples of the shuffled data).",
                      key="wrong_shape")


def _expect_aligned(parts: tuple[np.ndarray, ...]) -> None:
    """X and y of each set are the same samples, row by row (X's rows name their index)."""
    X_test, y_test, X_train, y_train = parts
    for part, rows, labels in (("test", X_test, y_test), ("training", X_train, y_train)):
        expect_shape(f"X_{'test' if part == 'test' else 'train'}", rows, (_rows(labels), 3),
                     hidden="it should hold one row of X, all its columns, per label of the same set")
        if labels.reshape(-1).shape[0] != rows.shape[0]:
            raise CheckFailed(f"the {part} set holds another number of rows of X than labels.", key="wrong_shape")
        if not np.array_equal(rows[:, 0], 3.0 * labels.reshape(-1)):
            raise diagnose(MISTAKES["rows_apart_from_their_labels"], f"in the {part} set, ")


def split_properties(shuffle_and_split_data, numbers: dict | None = None,
                     example: bool = False) -> None:
    """Sizes, X-y alignment, a partition of the data, shuffled, deterministic, moved by the seed,
    and untouched inputs: what every valid seeded shuffle keeps."""

    def check(case):
        n, seed = case["n_samples"], case["seed"]
        X, y = _split_inputs(n)
        parts = _parts(call_unchanged("shuffle_and_split_data", shuffle_and_split_data, X, y, seed,
                                      names=("X", "y")))
        got = _arrangement(parts)
        _expect_sizes(parts, case, got)
        _expect_aligned(parts)
        if not np.array_equal(np.sort(got), np.arange(-1, n)):
            raise diagnose(MISTAKES["samples_lost_or_repeated"])
        if _split_mistake(case, got, {"not_shuffled"}) is not None:
            raise diagnose(MISTAKES["not_shuffled"])
        if not _same(_arrangement(_split(shuffle_and_split_data, case, seed)), got):
            raise diagnose(MISTAKES["split_not_repeatable"])
        if _same(_arrangement(_split(shuffle_and_split_data, case, case["other_seed"])), got):
            raise diagnose(_split_mistake(case, got, {"seeded_with_a_fixed_number"})
                           or MISTAKES["split_ignores_its_seed"])

    for_each_case(CASES.of("shuffle_and_split_data", numbers, example), check)


def split_matches_seeded_randperm(shuffle_and_split_data, numbers: dict | None = None,
                                  example: bool = False) -> None:
    """The split is exactly ``torch.manual_seed(seed)`` then ``torch.randperm(N)``, test first."""

    def check(case):
        parts = _split(shuffle_and_split_data, case, case["seed"])
        got = _arrangement(parts)
        right = np.asarray(case["split"], dtype=np.float64)
        if close(got, right, **tolerance(case, "split")):
            _expect_aligned(parts)
            return
        if not _same(_arrangement(_split(shuffle_and_split_data, case, case["seed"])), got):
            raise diagnose(MISTAKES["split_not_repeatable"])
        _expect_aligned(parts)
        known = _split_mistake(case, got)
        if known is not None:
            raise diagnose(known)
        raise CheckFailed("the split is not the one that torch.manual_seed(seed) followed by "
                          "torch.randperm(N) gives, with the first int(0.2 * N) samples of the shuffled data "
                          "as the test set; use exactly those two calls to shuffle.", key="unknown_mistake")

    for_each_case(CASES.of("shuffle_and_split_data", numbers, example), check)
