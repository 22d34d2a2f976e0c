"""Reference implementations of every graded function and the numbers they produce.

Each assignment has a module here named after it, with its reference implementations and a
``hidden_cases()`` function; that is how :mod:`reference.numbers` finds it and turns the
cases into the JSON files under ``reference/numbers/`` that the hidden tests compare against.
"""
