"""``make_poly_features(poly_degree, X) -> (poly_X, num_features)``, written the ways students
write it.

Column ``k`` of ``poly_X`` is ``X[:, 0]**i * X[:, 1]**j`` for the ``k``-th pair of the loops
``for i in range(P + 1): for j in range(P + 1)`` with ``0 < i + j <= P``; ``num_features`` is
``(P+1)(P+2)/2 - 1``; ``X`` is left as it is.
"""

import math

import numpy as np
import torch

# --- correct ----------------------------------------------------------------------------------


def correct_skeleton_loops(poly_degree, X):
    """The notebook's skeleton, filled in: a float32 array filled column by column."""
    num_features = (poly_degree + 1) * (poly_degree + 2) // 2 - 1
    poly_X = torch.zeros((X.shape[0], num_features))
    count = 0
    for i in range(poly_degree + 1):
        for j in range(poly_degree + 1):
            if 0 < i + j <= poly_degree:
                poly_X[:, count] = X[:, 0] ** i * X[:, 1] ** j
                count += 1
    return poly_X, num_features


def correct_list_of_columns_float64(poly_degree, X):
    """Collects the columns in a list and stacks them in float64; counts them with len."""
    x1, x2 = X[:, 0].double(), X[:, 1].double()
    columns = []
    for i in range(poly_degree + 1):
        for j in range(poly_degree + 1):
            if i + j > 0 and i + j <= poly_degree:
                columns.append(x1 ** i * x2 ** j)
    return torch.stack(columns, dim=1), len(columns)


def correct_numpy_column_stack(poly_degree, X):
    """Computes the columns with numpy and converts back to a tensor."""
    x = X.numpy()
    columns = [x[:, 0] ** i * x[:, 1] ** j
               for i in range(poly_degree + 1) for j in range(poly_degree + 1)
               if 0 < i + j <= poly_degree]
    return torch.from_numpy(np.column_stack(columns)), len(columns)


def correct_power_tables_and_float_count(poly_degree, X):
    """Precomputes the powers of each input; num_features from the formula with /, a whole float."""
    powers_1 = [X[:, 0] ** k for k in range(poly_degree + 1)]
    powers_2 = [X[:, 1] ** k for k in range(poly_degree + 1)]
    columns = [powers_1[i] * powers_2[j]
               for i in range(poly_degree + 1) for j in range(poly_degree + 1)
               if 0 < i + j <= poly_degree]
    return torch.stack(columns, 1), (poly_degree + 1) * (poly_degree + 2) / 2 - 1


def correct_broadcast_exponents(poly_degree, X):
    """All columns at once: the exponent pairs as tensors, broadcast against the samples."""
    pairs = torch.tensor([(i, j) for i in range(poly_degree + 1) for j in range(poly_degree + 1)
                          if 0 < i + j <= poly_degree], dtype=X.dtype)
    poly_X = X[:, :1] ** pairs[:, 0] * X[:, 1:] ** pairs[:, 1]
    return poly_X, math.comb(poly_degree + 2, 2) - 1


def correct_torch_cat_with_while_loops(poly_degree, X):
    """While loops and torch.cat of (N, 1) columns."""
    poly_X = torch.empty((X.shape[0], 0))
    i = 0
    while i <= poly_degree:
        j = 0
        while j <= poly_degree:
            if 0 < i + j <= poly_degree:
                column = (X[:, 0] ** i * X[:, 1] ** j).reshape(-1, 1)
                poly_X = torch.cat([poly_X, column], dim=1)
            j += 1
        i += 1
    return poly_X, poly_X.shape[1]


def correct_scipy_binomial_count(poly_degree, X):
    """num_features from scipy's binomial coefficient C(P + 2, 2) - 1, a whole float."""
    from scipy.special import comb

    columns = [X[:, 0] ** i * X[:, 1] ** j
               for i in range(poly_degree + 1) for j in range(poly_degree + 1)
               if 0 < i + j <= poly_degree]
    return torch.stack(columns, dim=1), comb(poly_degree + 2, 2) - 1


# --- wrong ------------------------------------------------------------------------------------


def wrong_loops_swapped(poly_degree, X):
    """The power of X[:, 1] in the outer loop and that of X[:, 0] in the inner one."""
    columns = [X[:, 0] ** i * X[:, 1] ** j
               for j in range(poly_degree + 1) for i in range(poly_degree + 1)
               if 0 < i + j <= poly_degree]
    return torch.stack(columns, dim=1), len(columns)


def wrong_grouped_by_total_degree(poly_degree, X):
    """Orders the monomials by total degree, as a textbook would."""
    columns = [X[:, 0] ** (d - j) * X[:, 1] ** j
               for d in range(1, poly_degree + 1) for j in range(d + 1)]
    return torch.stack(columns, dim=1), len(columns)


def wrong_constant_column_kept(poly_degree, X):
    """Keeps the constant monomial (i = j = 0) as a column of ones."""
    columns = [X[:, 0] ** i * X[:, 1] ** j
               for i in range(poly_degree + 1) for j in range(poly_degree + 1)
               if i + j <= poly_degree]
    return torch.stack(columns, dim=1), len(columns)


def wrong_top_degree_left_out(poly_degree, X):
    """0 < i + j < P: the monomials of total degree P are missing."""
    columns = [X[:, 0] ** i * X[:, 1] ** j
               for i in range(poly_degree + 1) for j in range(poly_degree + 1)
               if 0 < i + j < poly_degree]
    return torch.stack(columns, dim=1), len(columns)


def wrong_loops_stop_below_the_degree(poly_degree, X):
    """range(P) in the skeleton: x1**P and x2**P are never computed, the last columns stay zero."""
    num_features = (poly_degree + 1) * (poly_degree + 2) // 2 - 1
    poly_X = torch.zeros((X.shape[0], num_features))
    count = 0
    for i in range(poly_degree):
        for j in range(poly_degree):
            if 0 < i + j <= poly_degree:
                poly_X[:, count] = X[:, 0] ** i * X[:, 1] ** j
                count += 1
    return poly_X, num_features


def wrong_transposed(poly_degree, X):
    """Stacks the columns along dim 0: one row per feature."""
    columns = [X[:, 0] ** i * X[:, 1] ** j
               for i in range(poly_degree + 1) for j in range(poly_degree + 1)
               if 0 < i + j <= poly_degree]
    return torch.stack(columns), len(columns)


def wrong_running_power_in_place(poly_degree, X):
    """Keeps x1**i as a running product updated with *=, starting from X[:, 0], a view of X."""
    columns = []
    x1_power = torch.ones(X.shape[0])
    for i in range(poly_degree + 1):
        for j in range(poly_degree + 1):
            if 0 < i + j <= poly_degree:
                columns.append(x1_power * X[:, 1] ** j)
        if i == 0:
            x1_power = X[:, 0]
        else:
            x1_power *= X[:, 0]
    return torch.stack(columns, dim=1), len(columns)


def wrong_public_example_constant(poly_degree, X):
    """The degree-2 features whatever the degree, with the count printed in the public example."""
    x1, x2 = X[:, 0], X[:, 1]
    return torch.stack([x2, x2 ** 2, x1, x1 * x2, x1 ** 2], dim=1), 5


def wrong_loops_stop_below_the_degree_counted(poly_degree, X):
    """range(P) for both loops, and num_features counted from the columns made: x1**P and
    x2**P are missing from both."""
    columns = [X[:, 0] ** i * X[:, 1] ** j
               for i in range(poly_degree) for j in range(poly_degree)
               if 0 < i + j <= poly_degree]
    return torch.stack(columns, dim=1), len(columns)


EXPECTED_HINTS = {
    "wrong_loops_swapped": "two loops",
    "wrong_grouped_by_total_degree": "grouped by total degree",
    "wrong_constant_column_kept": "constant term",
    "wrong_top_degree_left_out": "i + j <= P",
    "wrong_loops_stop_below_the_degree": "range(P + 1)",
    "wrong_transposed": "transposed",
    "wrong_running_power_in_place": "in place",
    "wrong_public_example_constant": "public example (P = 2)",
    "wrong_loops_stop_below_the_degree_counted": "x1**P and x2**P",
}
EXPECTED_KEYS = {
    "wrong_loops_swapped": "loops_swapped",
    "wrong_grouped_by_total_degree": "grouped_by_total_degree",
    "wrong_constant_column_kept": ("count_includes_the_constant_term", "constant_column_kept"),
    "wrong_top_degree_left_out": ("count_leaves_out_degree_P", "columns_of_degree_P_minus_one"),
    "wrong_loops_stop_below_the_degree": "columns_left_unfilled",
    "wrong_transposed": "poly_X_transposed",
    "wrong_running_power_in_place": "changed_its_input_in_place",
    "wrong_public_example_constant": ("count_of_the_public_example_degree",
                                      "columns_of_the_public_example"),
    "wrong_loops_stop_below_the_degree_counted": "count_leaves_out_the_pure_powers_of_degree_P",
}
