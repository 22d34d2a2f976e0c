"""The leak rule: no line of the master's solution reaches the student release.

A solution line is code only the solution has: a ``# SOLUTION`` line or a line of a
``# BEGIN SOLUTION`` block, in a question's solution cells, kept as the fragment that is the
answer (the right-hand side of an assignment), and only where the master's given code (the
scaffolds, the exploration cells, the public tests) does not hold it too. The build looks for
each in everything the student gets but the prose: the notebook's code cells, its metadata, and
the files its set-up cell carries (the public tests, the checks with their advice texts).
The instructions (Markdown) may spell a formula out; the same formula in a check's feedback is
then no secret either.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import nbformat

SOLUTION_SUFFIX = re.compile(r"#\s*SOLUTION\s*$")
SHORTEST = 8  # characters: shorter fragments (`x + 1`) turn up anywhere


@dataclass(frozen=True)
class Leak:
    """A solution line found in the release: the line, where it comes from, where it was found."""

    line: str
    origin: str  # "cell 24 of the master (question q2_net)"
    found_in: str  # "autograder/checks/mlp_intro.py, which the set-up cell carries"

    def __str__(self) -> str:
        return f"`{self.line}` (the solution's, {self.origin}) is in {self.found_in}"


def solution_lines(master: nbformat.NotebookNode) -> dict[str, str]:
    """Each solution line of ``master``, with the cell it is written in."""
    lines: dict[str, str] = {}
    given: list[str] = []
    inside_block = in_solution_cells = False
    question = ""
    for number, cell in enumerate(master.cells, start=1):
        if cell.cell_type == "raw":
            marker = cell.source.strip()
            switch = {"# BEGIN SOLUTION": True, "# END SOLUTION": False}
            in_solution_cells = switch.get(marker, in_solution_cells)
            found = re.search(r"^name:\s*(\S+)", cell.source, re.MULTILINE)
            if marker.startswith("# BEGIN QUESTION") and found:
                question = found.group(1)
            continue
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            stripped = line.strip()
            if stripped.startswith("# BEGIN SOLUTION"):
                inside_block = True
            elif stripped.startswith("# END SOLUTION"):
                inside_block = False
            elif in_solution_cells and (inside_block or SOLUTION_SUFFIX.search(line)):
                code = SOLUTION_SUFFIX.sub("", stripped).strip()
                if "=" in code:  # the assignment's right-hand side, the actual answer
                    code = code.split("=", 1)[1].strip()
                if len(code) >= SHORTEST:
                    lines.setdefault(code, f"cell {number} of the master" + (f" (question {question})"
                                                                            if question else ""))
            else:
                given.append(line)
    given_code = "\n".join(given)  # what every student gets anyway
    return {line: origin for line, origin in lines.items() if line not in given_code}


def _first_line(source: str) -> str:
    line = next((line.strip() for line in source.splitlines() if line.strip()), "")
    return line if len(line) <= 60 else line[:57] + "..."


def find(master: nbformat.NotebookNode, student: nbformat.NotebookNode, carried: dict[str, str],
         set_up_cell: int | None = None) -> list[Leak]:
    """Every solution line of ``master`` in ``student`` (its code cells but the set-up cell,
    number ``set_up_cell``, and its metadata) or in ``carried``, the texts the set-up cell
    writes (path -> text); none that the instructions spell out."""
    instructions = "\n".join(c.source for c in student.cells if c.cell_type == "markdown")
    places = [(f"cell {number} of the student notebook (`{_first_line(cell.source)}`)", cell.source)
              for number, cell in enumerate(student.cells, start=1)
              if cell.cell_type == "code" and number != set_up_cell]
    places.append(("the student notebook's metadata", json.dumps(student.metadata)))
    places += [(f"{path}, which the notebook's set-up cell carries", text)
               for path, text in sorted(carried.items())]
    return [Leak(line, origin, where) for line, origin in solution_lines(master).items()
            if line not in instructions for where, text in places if line in text]
