"""Honest stand-ins for graded helpers, lent to a graded function during its hidden tests.

A graded function may lean on another one the student wrote: deep_mlps' width search counts
the networks it builds with the notebook's ``count_parameters``. In a hidden test of the
width search the judge calls it through the probe ``call_with_stand_in``, which puts the
stand-in below in place of the student's counter for that one call, so that a wrong
counter costs points on the counter's own question only.

A stand-in is grading code that runs in the student process, so it holds no hidden input
and no table of answers: it works out its answer from what the student's function hands it.
It ships in ``autograder.zip`` but never to students (the notebook's copy of the toolkit
does not carry this module); the grading engine imports it before any student process
starts (the probes import it, and the engine's warm-up should too), since a student process
may not read the engine's files. Two things keep it from being worth anything to a
submission beyond the call it is lent to:

* it answers only while ``call_with_stand_in`` is under way (:func:`lent`); a cell that takes
  it for its own ``count_parameters`` gets an error from it in every test of the counter;
* it counts only what the width search builds, networks whose every parameter belongs to an
  ``nn.Linear`` layer (``Net`` and its activations, or a Sequential of Linear layers), and
  refuses any other model, so it would fail the counter's own tests (BatchNorm layers, bare
  parameters) even if that guard were got round.

``STAND_INS`` lists them by the name the probe is given.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator

_LENT = [0]  # calls with a stand-in under way (the student process answers one request at a time)


@contextmanager
def lent() -> Iterator[None]:
    """The stand-ins answer inside this block (``call_with_stand_in`` opens it for one call)."""
    _LENT[0] += 1
    try:
        yield
    finally:
        _LENT[0] -= 1


class NotLent(RuntimeError):
    """A stand-in used outside the call it was lent to."""


def count_linear_network(model: Any) -> int:
    """The trainable scalars of a network made of ``nn.Linear`` layers and parameter-free
    modules: the networks a width search builds, ``Net('ReLU()', n_in, [w] * L, n_out)``.
    A shared parameter counts once, a frozen one not at all."""
    if not _LENT[0]:
        raise NotLent("this is the grader's parameter counter, lent to hidden_units_for_budget "
                      "during its hidden tests only")
    from torch import nn

    if not isinstance(model, nn.Module):
        raise TypeError("the grader's parameter counter counts nn.Module networks only")
    in_linear = {id(p) for module in model.modules() if isinstance(module, nn.Linear)
                 for p in module.parameters(recurse=False)}
    parameters = list(model.parameters())
    if any(id(p) not in in_linear for p in parameters):
        raise LookupError("the grader's parameter counter counts networks of nn.Linear layers "
                          "and activations only, such as the Net of the exercise")
    return sum(p.numel() for p in parameters if p.requires_grad)


STAND_INS: dict[str, Callable[..., Any]] = {"count_parameters": count_linear_network}
