"""What the grader must make of mlp_intro's corpus, beyond each variant's own verdict."""

# At least this many (correct, wrong) variants per graded name.
LEAST = {"Net": (4, 5)}
LEAST_OTHERWISE = (6, 8)
# For each graded name, the groups of hidden cases and their fields that hold expected answers:
# no feedback may show one of them.
HIDDEN_ANSWERS = {
    "approximate_function": {"approximate_function": {"x", "relu_acts", "y_hat"}},
    "Net": {"Net": {"outputs", "activation_outputs"}},
    "cross_entropy_loss": {"cross_entropy_loss": {"loss"}},
    "shuffle_and_split_data": {},
}
# The leak check must know at least this many hidden answers in all.
LEAST_HIDDEN_ANSWERS = 100
# Graded names whose mistakes the grader keeps from costing points where another answer calls
# them: the name, and the answers that call it (graded with a correct stand-in in its place).
SHIELDED: dict[str, set[str]] = {}
# Wrong variants whose mistake leaves some hidden cases right, and those cases.
KEEPS: dict[str, set[str]] = {
    # its layers are right: only the whole network's output, on a batch of one, is off
    "Net-wrong_squeezes_the_batch": {"test_layer_names", "test_output_shape", "test_layers_of_new_networks"},
    # the values come out right; only the caller's tensors change
    "shuffle_and_split_data-wrong_shuffles_in_place": {"test_seeded_permutation_on_new_data"},
}
# Wrong variants that pass the public checks: each makes a mistake of reference.mlp_intro's
# HIDDEN_ONLY, which no public example can show.
PASS_THE_PUBLIC_CHECKS = {
    "Net-wrong_squeezes_the_batch",  # the examples are batches of several samples
    "approximate_function-wrong_fixed_sine_grid",  # the example is the sine itself
    "approximate_function-wrong_public_example_constant",
    "cross_entropy_loss-wrong_public_example_constant",
    "shuffle_and_split_data-wrong_rounded_test_size",  # ten samples: a fifth is whole
}
# The whole-notebook sample, graded with the built zip: correct variants of every graded name
# at once, a wrong class, a partial function. Everything else in a notebook is the complete sample.
WHOLE_NOTEBOOKS = {
    "correct": ["approximate_function-correct_triangular_solve", "Net-correct_attributes_built_in_reverse",
                "cross_entropy_loss-correct_one_hot", "shuffle_and_split_data-correct_random_split_indices"],
    "wrong": ["Net-wrong_activation_after_output"],
    "partial": ["shuffle_and_split_data-partial_numpy_generator"],
}
