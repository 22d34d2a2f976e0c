"""What the grader must make of backprop_autodiff's corpus, beyond each variant's own verdict.

The mini autodiff's six classes are graded together by one question; its corpus file is
``Var.py``, whose variants are notebook cells defining several of the classes at once (see
tests/corpus/__init__.py). No variant is ``partial``: the contract names no valid answer that
deserves less than full marks. Questions with two hidden tests give partial credit to some
mistakes; ``KEEPS`` records, for each wrong variant whose mistake leaves a hidden test right,
that it keeps it.
"""

LEAST = {"Var": (5, 12)}
LEAST_OTHERWISE = (5, 7)
# For each graded name, the groups of hidden cases and their fields that hold expected answers:
# no feedback may show one of them. One-hot answers are 0 and 1 only, which any message may print.
HIDDEN_ANSWERS = {
    "lif_firing_rate": {"lif_firing_rate": {"rate"}},
    "softmax": {"softmax": {"y"}},
    "one_hot": {},
    "mse_loss": {"mse_loss": {"loss"}},
    "binary_cross_entropy": {"binary_cross_entropy": {"loss"}},
    "categorical_cross_entropy": {"categorical_cross_entropy": {"loss"}},
    "finite_difference_gradient": {"finite_difference_gradient": {"gradient"}},
    "backprop": {"backprop": {"dE_dW", "dE_da", "dE_dM", "dE_db"}},
    "Var": {"autodiff": {"value", "new_value", "grads", "grads_twice"},
            "autodiff_descent": {"values", "grads"}},
    "weight_decay_step": {"weight_decay_step": {"theta_new"}},
}
# The leak check must know at least this many hidden answers in all.
LEAST_HIDDEN_ANSWERS = 100
# Graded names whose mistakes the grader keeps from costing points where another answer calls
# them: the name, and the answers that call it (graded with a correct stand-in in its place).
SHIELDED: dict[str, set[str]] = {}
# Wrong variants whose mistake leaves some hidden tests right: a NaN or an error at the threshold
# keeps the rates above it, a flattened w keeps the vectors of weights, a mistake in the hidden
# layer keeps the output layer, and each autodiff mistake keeps what it does not touch (evaluate,
# or the gradients of graphs whose leaves do not move). Every test also checks values, so a
# mistake in a formula loses every test that compares that formula.
KEEPS = {
    "Var-wrong_grad_overwritten": {"test_values_of_new_expressions"},
    "Var-wrong_grad_is_s_itself": {"test_descent_on_new_expressions", "test_values_of_new_expressions"},
    "Var-wrong_backward_stops_at_the_top": {"test_values_of_new_expressions"},
    "Var-wrong_zero_grad_only_here": {"test_gradients_of_new_expressions", "test_values_of_new_expressions"},
    "Var-wrong_evaluate_returns_the_stored_value": {
        "test_gradients_of_new_expressions",
        "test_accumulation_and_zero_grad_on_new_expressions",
    },
    "Var-wrong_operations_compute_once": {
        "test_gradients_of_new_expressions",
        "test_accumulation_and_zero_grad_on_new_expressions",
    },
    "Var-wrong_backward_reads_stale_values": {
        "test_values_of_new_expressions",
        "test_gradients_of_new_expressions",
        "test_accumulation_and_zero_grad_on_new_expressions",
    },
    "Var-wrong_sin_derivative_is_sin": {"test_values_of_new_expressions"},
    "Var-wrong_sin_derivative_negative": {"test_values_of_new_expressions"},
    "Var-wrong_sin_without_s": {"test_values_of_new_expressions"},
    "Var-wrong_sin_changes_s": {"test_descent_on_new_expressions", "test_values_of_new_expressions"},
    "Var-wrong_logistic_derivative_at_the_input": {"test_values_of_new_expressions"},
    "Var-wrong_mul_factors_swapped": {"test_values_of_new_expressions"},
    "Var-wrong_matmul_b_not_transposed_for_a": {"test_values_of_new_expressions"},
    "Var-wrong_matmul_a_not_transposed_for_b": {"test_values_of_new_expressions"},
    "backprop-wrong_derivative_at_h": {"test_output_layer_gradients_of_new_networks"},
    "backprop-wrong_hidden_derivative_missing": {"test_output_layer_gradients_of_new_networks"},
    "backprop-wrong_hidden_bias_from_the_first_sample": {"test_output_layer_gradients_of_new_networks"},
    "backprop-wrong_hidden_bias_averaged_twice": {"test_output_layer_gradients_of_new_networks"},
    "finite_difference_gradient-wrong_flattened_before_calling_f": {"test_new_weight_vectors"},
    "finite_difference_gradient-wrong_result_flattened": {"test_new_weight_vectors"},
    "lif_firing_rate-wrong_formula_without_threshold": {"test_rates_for_new_inputs_and_time_constants"},
    "lif_firing_rate-wrong_threshold_at_zero": {"test_rates_for_new_inputs_and_time_constants"},
    "lif_firing_rate-wrong_math_log_on_a_float": {"test_rates_for_new_inputs_and_time_constants"},
}
# Wrong variants that pass the public checks: the hidden tests alone catch them. None: every
# mistake the corpus holds shows on one of the notebook's examples.
PASS_THE_PUBLIC_CHECKS: set[str] = set()
# float32, epsilons and scipy among the correct ones: each must keep full marks the whole way
WHOLE_NOTEBOOKS = {
    "correct": ["Var-correct_float32_values", "softmax-correct_scipy_softmax",
                "finite_difference_gradient-correct_in_place_and_restored_arithmetically",
                "backprop-correct_autograd_float32", "lif_firing_rate-correct_float32_numpy",
                "binary_cross_entropy-correct_epsilon_added", "categorical_cross_entropy-correct_textbook_epsilon",
                "mse_loss-correct_float32", "weight_decay_step-correct_float32_tensor"],
    "wrong": ["Var-wrong_matmul_b_not_transposed_for_a", "lif_firing_rate-wrong_formula_without_threshold",
              "backprop-wrong_hidden_derivative_missing"],
}
