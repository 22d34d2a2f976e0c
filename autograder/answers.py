"""Put answers into a student notebook, as a student would by editing its answer cells.

An answer file is plain Python whose top-level functions and classes replace the
definitions of the same names in the notebook's answer cells (the cells otter tags
``otter_answer_cell``). Everything else in the notebook stays as released. Sample
submissions and test corpora are made this way, so they always match the current release.
"""

from __future__ import annotations

import ast
import copy

import nbformat

ANSWER_CELL_TAG = "otter_answer_cell"
Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


class AnswerError(ValueError):
    """An answer that names nothing the notebook asks for, or cannot be parsed."""


def definitions(source: str) -> dict[str, str]:
    """The top-level functions and classes of ``source``, by name, with their decorators."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise AnswerError(f"answer file does not parse: {error}") from None
    lines = source.splitlines()
    found = {}
    for node in tree.body:
        if isinstance(node, Definition):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            found[node.name] = "\n".join(lines[first - 1 : node.end_lineno])
    return found


def _replace_definitions(cell_source: str, answers: dict[str, str]) -> tuple[str, set[str]]:
    tree = ast.parse(cell_source)
    lines = cell_source.splitlines()
    replaced = set()
    for node in sorted(tree.body, key=lambda n: n.lineno, reverse=True):
        if isinstance(node, Definition) and node.name in answers:
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            lines[first - 1 : node.end_lineno] = answers[node.name].splitlines()
            replaced.add(node.name)
    return "\n".join(lines), replaced


def fill(student: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of ``student`` with each named definition in its answer cells replaced."""
    filled = copy.deepcopy(student)
    done: set[str] = set()
    for cell in filled.cells:
        if cell.cell_type != "code" or ANSWER_CELL_TAG not in cell.metadata.get("tags", []):
            continue
        try:
            cell.source, replaced = _replace_definitions(cell.source, answers)
        except SyntaxError:
            continue  # a student's broken cell: nothing to replace in it
        done |= replaced
    missing = sorted(set(answers) - done)
    if missing:
        raise AnswerError(f"no answer cell defines {', '.join(missing)}")
    return filled
