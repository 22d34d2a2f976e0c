"""``hidden_units_for_budget(max_par_count, n_hidden_layers, input_feature_num,
output_feature_num)``, written the ways students write it.

The smallest width ``w >= 1`` such that ``Net('ReLU()', input_feature_num, [w] *
n_hidden_layers, output_feature_num)`` has at least ``max_par_count`` parameters. Variants may
build the notebook's ``Net`` and count it with the notebook's ``count_parameters``, as the
tutorial does.
"""

import math

import numpy as np
import torch
from torch import nn

# --- correct ----------------------------------------------------------------------------------


def correct_tutorial_loop_with_net(max_par_count, n_hidden_layers, input_feature_num,
                                   output_feature_num):
    """The notebook's skeleton filled in: build Net for growing widths, count_parameters each."""
    width = 1
    net = Net("ReLU()", input_feature_num, [width] * n_hidden_layers, output_feature_num)
    par_count = count_parameters(net)
    while par_count < max_par_count:
        if width > max_par_count:  # each unit brings at least one parameter: stop a runaway loop
            raise RuntimeError("the count never reaches the budget; check count_parameters")
        width = width + 1
        net = Net("ReLU()", input_feature_num, [width] * n_hidden_layers, output_feature_num)
        par_count = count_parameters(net)
    return width


def correct_formula_while_loop(max_par_count, n_hidden_layers, input_feature_num,
                               output_feature_num):
    """The notebook's formula in a while loop."""
    def count(w):
        return ((input_feature_num + 1) * w + (n_hidden_layers - 1) * (w + 1) * w
                + (w + 1) * output_feature_num)

    w = 1
    while count(w) < max_par_count:
        w += 1
    return w


def correct_for_loop_with_early_return(max_par_count, n_hidden_layers, input_feature_num,
                                       output_feature_num):
    """Counts the layers one by one inside a for loop and returns at the first width that fits."""
    for width in range(1, max_par_count + 1):
        sizes = [input_feature_num] + [width] * n_hidden_layers + [output_feature_num]
        total = sum((sizes[k] + 1) * sizes[k + 1] for k in range(len(sizes) - 1))
        if total >= max_par_count:
            return width


def correct_quadratic_formula(max_par_count, n_hidden_layers, input_feature_num,
                              output_feature_num):
    """Solves the quadratic for w, rounds up, then nudges the result to guard against rounding."""
    L, n_in, n_out = n_hidden_layers, input_feature_num, output_feature_num

    def count(w):
        return (n_in + 1) * w + (L - 1) * (w + 1) * w + (w + 1) * n_out

    a = L - 1
    b = n_in + 1 + (L - 1) + n_out
    c = n_out - max_par_count
    if a == 0:
        w = math.ceil(-c / b)
    else:
        w = math.ceil((-b + math.sqrt(b * b - 4 * a * c)) / (2 * a))
    w = max(w, 1)
    while w > 1 and count(w - 1) >= max_par_count:
        w -= 1
    while count(w) < max_par_count:
        w += 1
    return w


def correct_numpy_argmax(max_par_count, n_hidden_layers, input_feature_num,
                         output_feature_num):
    """Counts every candidate width at once with numpy and takes the first that reaches the budget."""
    widths = np.arange(1, max_par_count + 1)
    counts = ((input_feature_num + 1) * widths + (n_hidden_layers - 1) * (widths + 1) * widths
              + (widths + 1) * output_feature_num)
    return widths[np.argmax(counts >= max_par_count)]


def correct_tensor_result(max_par_count, n_hidden_layers, input_feature_num,
                          output_feature_num):
    """Builds the network as a list of layer sizes and returns the width as a 0-dim tensor."""
    width = torch.tensor(1)
    while True:
        sizes = [input_feature_num, *[int(width)] * n_hidden_layers, output_feature_num]
        if sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:])) >= max_par_count:
            return width
        width = width + 1


def correct_sequential_of_linear_layers(max_par_count, n_hidden_layers, input_feature_num,
                                        output_feature_num):
    """Builds an nn.Sequential of Linear layers and ReLUs (not Net) and counts it with the
    notebook's count_parameters."""
    width = 0
    while True:
        width += 1
        sizes = [input_feature_num] + [width] * n_hidden_layers
        layers = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            layers += [nn.Linear(n_in, n_out), nn.ReLU()]
        layers.append(nn.Linear(width, output_feature_num))
        if count_parameters(nn.Sequential(*layers)) >= max_par_count:
            return width


# --- wrong ------------------------------------------------------------------------------------


def wrong_stops_only_above_the_budget(max_par_count, n_hidden_layers, input_feature_num,
                                      output_feature_num):
    """Keeps growing while the count is <= the budget: one too large where a width meets it."""
    width = 1
    net = Net("ReLU()", input_feature_num, [width] * n_hidden_layers, output_feature_num)
    while count_parameters(net) <= max_par_count:
        width += 1
        net = Net("ReLU()", input_feature_num, [width] * n_hidden_layers, output_feature_num)
    return width


def wrong_last_width_below_the_budget(max_par_count, n_hidden_layers, input_feature_num,
                                      output_feature_num):
    """Returns the last width that stays under the budget instead of the first that reaches it."""
    width = 1
    while True:
        net = Net("ReLU()", input_feature_num, [width + 1] * n_hidden_layers, output_feature_num)
        if count_parameters(net) >= max_par_count:
            return width
        width += 1


def wrong_adds_a_unit_before_the_first_test(max_par_count, n_hidden_layers, input_feature_num,
                                            output_feature_num):
    """Adds a unit before counting, so the answer is never 1 (a do-while loop)."""
    width = 1
    while True:
        width += 1
        net = Net("ReLU()", input_feature_num, [width] * n_hidden_layers, output_feature_num)
        if count_parameters(net) >= max_par_count:
            return width


def wrong_forgets_biases(max_par_count, n_hidden_layers, input_feature_num, output_feature_num):
    """Counts the weight matrices only."""
    w = 1
    while (input_feature_num * w + (n_hidden_layers - 1) * w * w
           + w * output_feature_num) < max_par_count:
        w += 1
    return w


def wrong_one_hidden_layer_whatever_the_depth(max_par_count, n_hidden_layers, input_feature_num,
                                              output_feature_num):
    """Builds Net with [width] instead of [width] * n_hidden_layers."""
    width = 1
    while count_parameters(Net("ReLU()", input_feature_num, [width],
                               output_feature_num)) < max_par_count:
        width += 1
    return width


def wrong_one_block_too_many(max_par_count, n_hidden_layers, input_feature_num,
                             output_feature_num):
    """The formula with L hidden-to-hidden blocks instead of L - 1."""
    w = 1
    while ((input_feature_num + 1) * w + n_hidden_layers * (w + 1) * w
           + (w + 1) * output_feature_num) < max_par_count:
        w += 1
    return w


def wrong_tutorial_budget_hard_coded(max_par_count, n_hidden_layers, input_feature_num,
                                     output_feature_num):
    """Copies the tutorial's loop with its budget of 100 instead of max_par_count."""
    width = 1
    net = Net("ReLU()", input_feature_num, [width] * n_hidden_layers, output_feature_num)
    while count_parameters(net) < 100:
        width += 1
        net = Net("ReLU()", input_feature_num, [width] * n_hidden_layers, output_feature_num)
    return width


def wrong_inputs_and_outputs_swapped(max_par_count, n_hidden_layers, input_feature_num,
                                     output_feature_num):
    """Puts output_feature_num in the input's place of the formula and the other way round."""
    w = 1
    while ((output_feature_num + 1) * w + (n_hidden_layers - 1) * (w + 1) * w
           + (w + 1) * input_feature_num) < max_par_count:
        w += 1
    return w


def wrong_one_block_too_few(max_par_count, n_hidden_layers, input_feature_num,
                            output_feature_num):
    """The formula with L - 2 hidden-to-hidden blocks instead of L - 1."""
    w = 1
    while ((input_feature_num + 1) * w + max(0, n_hidden_layers - 2) * (w + 1) * w
           + (w + 1) * output_feature_num) < max_par_count:
        w += 1
    return w


def wrong_returns_the_network(max_par_count, n_hidden_layers, input_feature_num,
                              output_feature_num):
    """Returns the network it found instead of its width."""
    width = 1
    while True:
        net = Net("ReLU()", input_feature_num, [width] * n_hidden_layers, output_feature_num)
        if count_parameters(net) >= max_par_count:
            return net
        width += 1


EXPECTED_HINTS = {
    "wrong_stops_only_above_the_budget": "count < max_par_count",
    "wrong_last_width_below_the_budget": "one too small",
    "wrong_adds_a_unit_before_the_first_test": "the answer should be 1",
    "wrong_forgets_biases": "biases",
    "wrong_one_hidden_layer_whatever_the_depth": "single hidden layer",
    "wrong_one_block_too_many": "L - 1",
    "wrong_tutorial_budget_hard_coded": "budget of 100",
    "wrong_inputs_and_outputs_swapped": "swapped",
    "wrong_one_block_too_few": "too few",
    "wrong_returns_the_network": "should be numbers",
}
EXPECTED_KEYS = {
    "wrong_stops_only_above_the_budget": "stops_only_above_the_budget",
    "wrong_last_width_below_the_budget": "last_width_below_the_budget",
    "wrong_adds_a_unit_before_the_first_test": "never_answers_one",
    "wrong_forgets_biases": "width_counted_without_biases",
    "wrong_one_hidden_layer_whatever_the_depth": "one_hidden_layer_whatever_the_depth",
    "wrong_one_block_too_many": "one_hidden_block_too_many",
    "wrong_tutorial_budget_hard_coded": "tutorial_budget_hard_coded",
    "wrong_inputs_and_outputs_swapped": "inputs_and_outputs_swapped",
    "wrong_one_block_too_few": "one_hidden_block_too_few",
    "wrong_returns_the_network": None,
}
