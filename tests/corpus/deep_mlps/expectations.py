"""What the grader must make of deep_mlps' corpus, beyond each variant's own verdict.

No variant here is ``partial``: neither the contract nor the notebook names a valid answer
that deserves less than full marks. The questions' design does give partial credit to some
mistakes, by testing ordinary inputs and special ones in separate hidden cases; ``KEEPS``
records, for each wrong variant whose mistake leaves a hidden case right, that it keeps it.
A variant may use what the student notebook defines above its cell: the helper ``Net``, and
the notebook's own ``count_parameters``, since the width search may build networks and count
them as the tutorial does.
"""

LEAST = {"count_parameters": (6, 8)}
LEAST_OTHERWISE = (3, 4)
# Expected answers of each graded name's hidden cases.
HIDDEN_ANSWERS = {
    "count_parameters": {"count_parameters_plain": {"count"}, "count_parameters_special": {"count"}},
    "hidden_units_for_budget": {"hidden_units_for_budget_general": {"width"},
                                "hidden_units_for_budget_edges": {"width"}},
    "make_poly_features": {"make_poly_features": {"poly_X", "num_features"},
                           "make_poly_features_count": {"num_features"}},
    "xavier_std": {"xavier_std": {"std"}},
    "leaky_relu_gain": {"leaky_relu_gain": {"gain"}},
}
# The leak check must know at least this many hidden answers in all.
LEAST_HIDDEN_ANSWERS = 100
# Graded names whose mistakes the grader keeps from costing points where another answer calls
# them: the name, and the answers that call it (graded with a correct stand-in in its place in
# the hidden tests; the public check of the width search uses the notebook's own counter, and
# the complete sample's search needs none).
SHIELDED: dict[str, set[str]] = {"count_parameters": {"hidden_units_for_budget"}}
# Wrong variants whose mistake leaves some hidden cases right: the question's design keeps
# those points (a counter that is right on ordinary models keeps their case, a width search
# that is wrong only where a width meets the budget exactly keeps the general widths, ...).
KEEPS = {
    "count_parameters-wrong_counts_frozen_parameters": {"test_plain_models"},
    "count_parameters-wrong_shared_counted_twice_remove_duplicate_false": {"test_plain_models"},
    "count_parameters-wrong_walks_each_modules_parameter_dict": {"test_plain_models"},
    "hidden_units_for_budget-wrong_stops_only_above_the_budget": {"test_widths_on_new_budgets"},
    "hidden_units_for_budget-wrong_adds_a_unit_before_the_first_test": {"test_widths_on_new_budgets"},
    "make_poly_features-wrong_loops_swapped": {"test_count_and_shape_for_new_degrees"},
    "make_poly_features-wrong_grouped_by_total_degree": {"test_count_and_shape_for_new_degrees"},
    "make_poly_features-wrong_loops_stop_below_the_degree": {"test_count_and_shape_for_new_degrees"},
    "make_poly_features-wrong_running_power_in_place": {"test_count_and_shape_for_new_degrees"},
    "xavier_std-wrong_no_default_gain": {"test_new_layers_and_gains"},
}
# Wrong variants that pass the public checks: the hidden tests alone catch them.
PASS_THE_PUBLIC_CHECKS = {
    # a copy of the public example's answer is right there by construction (HIDDEN_ONLY)
    "make_poly_features-wrong_public_example_constant",
    # its mistake, a tied weight counted twice, shows on the public example of a layer used
    # twice to a counter that walks named_parameters(remove_duplicate=False), but a walk
    # over the modules lists that layer once: only the hidden tied weights show it
    "count_parameters-wrong_walks_each_modules_parameter_dict",
}
# "correct": correct variants in other styles, among them a width search that builds the
# notebook's Net and counts it with the notebook's own (here: recursive) counter; "wrong": a
# counter that counts a shared parameter twice (right on ordinary models, so it keeps that
# case), a width search that overshoots budgets met exactly, and a Xavier rule with the
# uniform bound.
WHOLE_NOTEBOOKS = {
    "correct": [
        "count_parameters-correct_recursion_over_children_with_seen_set",
        "hidden_units_for_budget-correct_tutorial_loop_with_net",
        "make_poly_features-correct_skeleton_loops", "leaky_relu_gain-correct_math_sqrt",
    ],
    "wrong": [
        "count_parameters-wrong_shared_counted_twice_remove_duplicate_false",
        "hidden_units_for_budget-wrong_stops_only_above_the_budget",
        "xavier_std-wrong_uniform_bound",
    ],
}
