"""What the grader must make of perceptron_gd's corpus, beyond each variant's own verdict.

The answers of this notebook build on each other, so a variant may call the notebook's
earlier answers (``gradient_descent`` summing ``grad_loss_i``). ``loss_i`` is also taken by
a case of q3 (the gradient at other samples, whose feedback reads the student's own loss): a
wrong loss must cost nothing there.
"""

LEAST = {"gradient_descent": (6, 8)}
LEAST_OTHERWISE = (3, 4)
_EVERY_GROUP = {"sigmoid": {"sigmoid", "grad_sigmoid"}, "loss_i": {"loss", "grad"},
                "grad_loss_i": {"loss", "grad"}, "derivative": {"df"}, "derivative_spread": {"df"},
                "gradient_descent": {"w", "losses"}, "gradient_descent_lab": {"w", "losses"},
                "minibatch_gradient_descent": {"w", "losses"}, "minibatch_full_batch": {"w", "losses"}}
# No feedback, whatever the function, may show an expected answer of any hidden case.
HIDDEN_ANSWERS = {name: _EVERY_GROUP for name in (
    "sigmoid", "grad_sigmoid", "loss_i", "grad_loss_i", "gradient_descent",
    "minibatch_gradient_descent", "df_explicit", "df_autograd")}
# The leak check must know at least this many hidden answers in all.
LEAST_HIDDEN_ANSWERS = 100
# Graded names whose mistakes the grader keeps from costing points where another answer calls
# them: the name, and the answers that call it (graded with a correct stand-in in its place).
SHIELDED: dict[str, set[str]] = {}
# Wrong variants whose mistake leaves some hidden cases right (the final weights do not depend
# on when or how the losses are recorded, a wrong batch order or p kept from the epoch's start
# does not matter with one batch per epoch, a wrong df_explicit keeps the df_autograd cases).
KEEPS = {
    "gradient_descent-wrong_losses_after_update": {"test_final_weights_on_new_data"},
    "gradient_descent-wrong_mean_loss": {"test_final_weights_on_new_data"},
    "gradient_descent-wrong_loss_broadcast_to_n_by_n": {"test_final_weights_on_new_data"},
    "gradient_descent-wrong_loss_not_reset": {"test_final_weights_on_new_data"},
    "minibatch_gradient_descent-wrong_same_order_every_epoch": {
        "test_where_the_batch_order_cannot_matter", "test_one_batch_per_epoch_is_gradient_descent"},
    "minibatch_gradient_descent-wrong_unshuffled": {
        "test_where_the_batch_order_cannot_matter", "test_one_batch_per_epoch_is_gradient_descent"},
    "minibatch_gradient_descent-wrong_p_from_the_epochs_start": {
        "test_one_batch_per_epoch_is_gradient_descent"},
    "df_explicit-wrong_missing_chain_factor_2x": {"test_df_autograd_at_new_points",
                                                  "test_df_autograd_against_finite_differences"},
    "df_autograd-wrong_exp_squared_for_exp_of_square": {"test_df_explicit_at_new_points",
                                                        "test_df_explicit_against_finite_differences"},
}
PASS_THE_PUBLIC_CHECKS = None
# "correct_and_partial": correct variants that call the notebook's own sigmoid, loss_i and
# grad_loss_i, one that imports scipy, float32 ones, and a partial mini-batch (a valid seeded
# shuffle other than the prescribed one); "wrong": a wrong loss_i (which must cost nothing in
# q3, where the feedback on grad_loss_i reads it) and a wrong gradient_descent.
WHOLE_NOTEBOOKS = {
    "correct_and_partial": [
        "grad_sigmoid-correct_scipy_expit", "loss_i-correct_float32",
        "gradient_descent-correct_float32_plain_log",
        "minibatch_gradient_descent-partial_torch_randperm", "df_autograd-correct_float32_tensor",
    ],
    "wrong": ["loss_i-wrong_swapped_terms", "gradient_descent-wrong_y_not_flattened"],
}
