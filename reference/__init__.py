"""Reference implementations of every graded function and the numbers they produce.

Each assignment has a module here with its reference implementations and a
``hidden_cases()`` function; :mod:`reference.numbers` turns those cases into the JSON files
under ``reference/numbers/`` that the hidden tests compare against.
"""

ASSIGNMENT_MODULES = {
    "mlp_intro": "reference.mlp_intro",
    "deep_mlps": "reference.deep_mlps",
    "perceptron_gd": "reference.perceptron_gd",
}
