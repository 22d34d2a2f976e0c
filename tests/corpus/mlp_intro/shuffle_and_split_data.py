"""Student-style ``shuffle_and_split_data(X, y, seed) -> (X_test, y_test, X_train, y_train)``.

The contract: ``torch.manual_seed(seed)``, then ``torch.randperm(N)``; the first
``int(0.2 * N)`` permuted samples are the test set, the rest the training set; X and y move
together and the inputs are not modified. A valid shuffle that does not reproduce that
permutation gets partial credit (see tests/corpus/__init__.py).
"""

import random

import numpy as np
import torch

# --- correct ---------------------------------------------------------------------------------


def correct_tutorial_template(X, y, seed):
    """The notebook's template filled in."""
    torch.manual_seed(seed)
    N = X.shape[0]
    shuffled_indices = torch.randperm(N)
    X = X[shuffled_indices]
    y = y[shuffled_indices]
    test_size = int(0.2 * N)
    X_test = X[:test_size]
    y_test = y[:test_size]
    X_train = X[test_size:]
    y_train = y[test_size:]
    return X_test, y_test, X_train, y_train


def correct_seeded_generator(X, y, seed):
    """A torch.Generator seeded with seed: the same permutation, the global seed untouched."""
    generator = torch.Generator().manual_seed(seed)
    order = torch.randperm(X.shape[0], generator=generator)
    n_test = int(0.2 * X.shape[0])
    return X[order[:n_test]], y[order[:n_test]], X[order[n_test:]], y[order[n_test:]]


def correct_floor_division(X, y, seed):
    """N // 5 for the test size, which equals int(0.2 * N)."""
    torch.manual_seed(seed)
    order = torch.randperm(len(X))
    test_idx, train_idx = order[: len(X) // 5], order[len(X) // 5 :]
    return X[test_idx], y[test_idx], X[train_idx], y[train_idx]


def correct_index_select(X, y, seed):
    """torch.index_select along dim 0."""
    torch.manual_seed(seed)
    perm = torch.randperm(X.size(0))
    X_shuffled = torch.index_select(X, 0, perm)
    y_shuffled = torch.index_select(y, 0, perm)
    k = int(X.size(0) * 0.2)
    return X_shuffled[:k], y_shuffled[:k], X_shuffled[k:], y_shuffled[k:]


def correct_torch_split(X, y, seed):
    """torch.split into the two sizes, math.floor for the test size."""
    import math

    torch.manual_seed(seed)
    perm = torch.randperm(X.shape[0])
    sizes = [math.floor(0.2 * X.shape[0]), X.shape[0] - math.floor(0.2 * X.shape[0])]
    X_test, X_train = torch.split(X[perm], sizes)
    y_test, y_train = torch.split(y[perm], sizes)
    return X_test, y_test, X_train, y_train


def correct_random_split_indices(X, y, seed):
    """torch.utils.data.random_split of the indices, with a generator seeded with seed."""
    from torch.utils.data import random_split

    n_test = int(0.2 * len(X))
    test_part, train_part = random_split(
        range(len(X)), [n_test, len(X) - n_test], generator=torch.Generator().manual_seed(seed)
    )
    test_idx, train_idx = list(test_part), list(train_part)
    return X[test_idx], y[test_idx], X[train_idx], y[train_idx]


def correct_labels_as_column(X, y, seed):
    """Keeps the labels as an (n, 1) column."""
    torch.manual_seed(seed)
    perm = torch.randperm(X.shape[0])
    y_col = y.reshape(-1, 1)[perm]
    X_shuffled = X[perm]
    test_size = int(0.2 * X.shape[0])
    return X_shuffled[:test_size], y_col[:test_size], X_shuffled[test_size:], y_col[test_size:]


def correct_shuffle_a_clone(X, y, seed):
    """Shuffles copies in place, leaving the caller's tensors alone."""
    torch.manual_seed(seed)
    perm = torch.randperm(X.shape[0])
    X_copy, y_copy = X.clone(), y.clone()
    X_copy[:] = X_copy[perm]
    y_copy[:] = y_copy[perm]
    test_size = int(0.2 * X.shape[0])
    return X_copy[:test_size], y_copy[:test_size], X_copy[test_size:], y_copy[test_size:]


# --- wrong -----------------------------------------------------------------------------------


def wrong_two_permutations(X, y, seed):
    """Draws a separate permutation for y, so rows and labels come apart."""
    torch.manual_seed(seed)
    X = X[torch.randperm(X.shape[0])]
    y = y[torch.randperm(y.shape[0])]
    test_size = int(0.2 * X.shape[0])
    return X[:test_size], y[:test_size], X[test_size:], y[test_size:]


def wrong_shuffles_only_X(X, y, seed):
    """Shuffles X and forgets y."""
    torch.manual_seed(seed)
    X = X[torch.randperm(X.shape[0])]
    test_size = int(0.2 * X.shape[0])
    return X[:test_size], y[:test_size], X[test_size:], y[test_size:]


def wrong_shuffles_in_place(X, y, seed):
    """Writes the shuffled rows back into the caller's X and y."""
    torch.manual_seed(seed)
    order = torch.randperm(X.shape[0])
    X[:] = X[order]
    y[:] = y[order]
    test_size = int(0.2 * X.shape[0])
    return X[:test_size], y[:test_size], X[test_size:], y[test_size:]


def wrong_permutation_not_applied(X, y, seed):
    """Draws the permutation but splits the data in its original order."""
    torch.manual_seed(seed)
    shuffled_indices = torch.randperm(X.shape[0])  # noqa: F841 (the mistake)
    test_size = int(0.2 * X.shape[0])
    return X[:test_size], y[:test_size], X[test_size:], y[test_size:]


def wrong_rounded_test_size(X, y, seed):
    """round(0.2 * N) instead of rounding down."""
    torch.manual_seed(seed)
    order = torch.randperm(X.shape[0])
    test_size = round(0.2 * X.shape[0])
    return X[order[:test_size]], y[order[:test_size]], X[order[test_size:]], y[order[test_size:]]


def wrong_training_set_keeps_test_samples(X, y, seed):
    """Takes the test set from the shuffled data but trains on all of it."""
    torch.manual_seed(seed)
    order = torch.randperm(X.shape[0])
    X, y = X[order], y[order]
    test_size = int(0.2 * X.shape[0])
    return X[:test_size], y[:test_size], X, y


def wrong_returns_train_first(X, y, seed):
    """Returns (X_train, y_train, X_test, y_test), the order of sklearn's habit, not the contract's."""
    torch.manual_seed(seed)
    order = torch.randperm(X.shape[0])
    X, y = X[order], y[order]
    test_size = int(0.2 * X.shape[0])
    return X[test_size:], y[test_size:], X[:test_size], y[:test_size]


def wrong_fixed_seed(X, y, seed):
    """Seeds with the notebook's SEED = 2021 instead of the seed argument."""
    torch.manual_seed(2021)
    order = torch.randperm(X.shape[0])
    test_size = int(0.2 * X.shape[0])
    return X[order[:test_size]], y[order[:test_size]], X[order[test_size:]], y[order[test_size:]]


def wrong_not_seeded(X, y, seed):
    """Forgets to seed: every call gives another split."""
    order = torch.randperm(X.shape[0])
    test_size = int(0.2 * X.shape[0])
    return X[order[:test_size]], y[order[:test_size]], X[order[test_size:]], y[order[test_size:]]


def wrong_indices_with_replacement(X, y, seed):
    """torch.randint instead of randperm: indices drawn with replacement, so samples repeat."""
    torch.manual_seed(seed)
    idx = torch.randint(0, X.shape[0], (X.shape[0],))
    test_size = int(0.2 * X.shape[0])
    return X[idx[:test_size]], y[idx[:test_size]], X[idx[test_size:]], y[idx[test_size:]]


def wrong_test_size_is_eighty_percent(X, y, seed):
    """Takes 0.8 for the test fraction: the test set gets the training set's share."""
    torch.manual_seed(seed)
    order = torch.randperm(X.shape[0])
    test_size = int(0.8 * X.shape[0])
    return X[order[:test_size]], y[order[:test_size]], X[order[test_size:]], y[order[test_size:]]


def wrong_numpy_shuffle_eighty_percent(X, y, seed):
    """numpy's generator and 0.8 for the test fraction: the sizes alone cannot say which mistake."""
    order = np.random.default_rng(seed).permutation(len(X))
    test_size = int(0.8 * len(X))
    return X[order[:test_size]], y[order[:test_size]], X[order[test_size:]], y[order[test_size:]]


def wrong_reversed_order(X, y, seed):
    """Reverses the data instead of shuffling it: the same split whatever the seed."""
    order = torch.arange(X.shape[0] - 1, -1, -1)
    test_size = int(0.2 * X.shape[0])
    return X[order[:test_size]], y[order[:test_size]], X[order[test_size:]], y[order[test_size:]]


# --- partial credit: a valid shuffle, not the seeded torch.randperm one -----------------------


def partial_numpy_generator(X, y, seed):
    """numpy's default_rng(seed).permutation."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(X.shape[0])
    test_size = int(0.2 * X.shape[0])
    return X[order[:test_size]], y[order[:test_size]], X[order[test_size:]], y[order[test_size:]]


def partial_numpy_legacy_seed(X, y, seed):
    """np.random.seed(seed) and np.random.permutation."""
    np.random.seed(seed)
    order = torch.from_numpy(np.random.permutation(len(X)))
    test_size = int(0.2 * len(X))
    return X[order[:test_size]], y[order[:test_size]], X[order[test_size:]], y[order[test_size:]]


def partial_argsort_of_rand(X, y, seed):
    """Sorts random keys: torch.argsort(torch.rand(N)) after torch.manual_seed(seed)."""
    torch.manual_seed(seed)
    order = torch.argsort(torch.rand(X.shape[0]))
    test_size = int(0.2 * X.shape[0])
    return X[order[:test_size]], y[order[:test_size]], X[order[test_size:]], y[order[test_size:]]


def partial_python_random_shuffle(X, y, seed):
    """random.seed(seed) and random.shuffle of a list of indices."""
    random.seed(seed)
    indices = list(range(X.shape[0]))
    random.shuffle(indices)
    test_size = int(0.2 * X.shape[0])
    return X[indices[:test_size]], y[indices[:test_size]], X[indices[test_size:]], y[indices[test_size:]]


def partial_last_fifth_as_test(X, y, seed):
    """The seeded torch.randperm, but the test set is the last 20% of it."""
    torch.manual_seed(seed)
    order = torch.randperm(X.shape[0])
    X, y = X[order], y[order]
    cut = X.shape[0] - int(0.2 * X.shape[0])
    return X[cut:], y[cut:], X[:cut], y[:cut]


EXPECTED_HINTS = {
    "wrong_two_permutations": "same permutation",
    "wrong_shuffles_only_X": "same permutation",
    "wrong_shuffles_in_place": "in place",
    "wrong_permutation_not_applied": "without shuffling",
    "wrong_rounded_test_size": "rounded down",
    "wrong_training_set_keeps_test_samples": "training set also holds the test samples",
    "wrong_returns_train_first": "(X_test, y_test, X_train, y_train)",
    "wrong_fixed_seed": "seed argument",
    "wrong_not_seeded": "same seed gave different splits",
    "wrong_indices_with_replacement": "exactly once",
    "partial_numpy_generator": "numpy's random generator",
    "partial_numpy_legacy_seed": "np.random.seed",
    "partial_argsort_of_rand": "argsort of torch.rand",
    "partial_python_random_shuffle": "Python's random module",
    "partial_last_fifth_as_test": "last 20%",
    "wrong_test_size_is_eighty_percent": "first 80% of the shuffled samples",
    "wrong_numpy_shuffle_eighty_percent": "the sets have the wrong sizes",
    "wrong_reversed_order": "two different seeds gave the same split",
}

EXPECTED_KEYS = {
    "wrong_two_permutations": "rows_apart_from_their_labels",
    "wrong_shuffles_only_X": "rows_apart_from_their_labels",
    "wrong_shuffles_in_place": "changed_its_input_in_place",
    "wrong_permutation_not_applied": "not_shuffled",
    "wrong_rounded_test_size": "test_size_rounded_up",
    "wrong_training_set_keeps_test_samples": "training_set_holds_the_test_samples",
    "wrong_returns_train_first": "sets_swapped",
    "wrong_fixed_seed": ("seeded_with_a_fixed_number", "split_ignores_its_seed"),
    "wrong_not_seeded": "split_not_repeatable",
    "wrong_indices_with_replacement": "samples_lost_or_repeated",
    "wrong_test_size_is_eighty_percent": "test_set_is_eighty_percent",
    # two mistakes at once, and no stored answer shows them: the grader says what is off
    "wrong_numpy_shuffle_eighty_percent": None,
    "wrong_reversed_order": "split_ignores_its_seed",
    "partial_numpy_generator": "shuffled_with_numpy_default_rng",
    "partial_numpy_legacy_seed": "shuffled_with_numpy_global_state",
    "partial_argsort_of_rand": "shuffled_by_argsort_of_torch_rand",
    "partial_python_random_shuffle": "shuffled_with_python_random",
    "partial_last_fifth_as_test": "test_set_is_the_last_part",
}
