"""A new assignment that builds and grades at once: ``autograder new NAME FUNCTION ...``.

It writes, from the templates in ``templates/new_assignment/``, everything an assignment is
made of (see docs/writing_an_assignment.md):

* ``assignments/NAME/NAME.ipynb``, the master notebook: one question per function, with its
  answer cell, its public test (the notebook's example) and its hidden test;
* ``assignments/NAME/samples/{complete,partly_wrong,blank}.py``;
* ``reference/NAME.py``, whose every formula is a stub (twice the input), with two known
  mistakes per function and two kinds of hidden case;
* ``autograder/checks/NAME.py``, one line per check (:meth:`.checks.cases.CaseChecks.function`);
* ``tests/corpus/NAME/``, two right and two wrong variants per function, and the
  ``expectations.py`` that keeps every default;

then generates the reference numbers, as ``autograder reference NAME`` does. The stubs are
right: the complete sample scores full marks, the blank one zero, and the suite passes, so
the instructor changes one formula at a time and sees at once what it breaks.
"""

from __future__ import annotations

import importlib
import keyword
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
import nbformat

from autograder.errors import ToolkitError

TEMPLATES = Path(__file__).with_name("templates") / "new_assignment"
EXAMPLE = [1.0, -2.0, 3.0]  # x in every function's public example
# A cell of the notebook template: "# %%", then " [markdown]" or " [raw]", then " tags=a,b".
CELL_MARKER = re.compile(r"^# %%(?: \[(markdown|raw)\])?(?: tags=([\w,]+))?$")


class ScaffoldError(ToolkitError):
    """A name ``autograder new`` cannot use, or a project it cannot write into."""


@dataclass(frozen=True)
class Scaffold:
    """What ``autograder new`` writes: file paths (relative to the project) and contents."""

    name: str
    files: dict[str, str]


def _identifier(text: str, what: str) -> None:
    if not text.isidentifier() or keyword.iskeyword(text):
        raise ScaffoldError(f"{text!r} is not a Python identifier, so it cannot name {what}",
                            "use letters, digits and underscores, not starting with a digit")


def _check_names(root: Path, name: str, functions: list[str]) -> None:
    _identifier(name, "an assignment (it names its checks and reference modules)")
    if not functions:
        raise ScaffoldError(f"name at least one function for {name} to grade",
                            f"autograder new {name} FUNCTION [FUNCTION ...]")
    for function in functions:
        _identifier(function, "a graded function")
    repeated = sorted({f for f in functions if functions.count(f) > 1})
    if repeated:
        raise ScaffoldError(f"{', '.join(repeated)} named twice", "name each function once")
    for folder in ("reference", "autograder/checks"):
        if not (root / folder).is_dir():
            raise ScaffoldError(f"{root} has no {folder}/ folder: `autograder new` writes the "
                                "reference and the checks beside the toolkit's own",
                                "run it in the project's checkout, or pass --root PROJECT")


def render(name: str, functions: list[str]) -> Scaffold:
    """Every file of the new assignment, in memory."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), keep_trailing_newline=True,
                                     undefined=jinja2.StrictUndefined)
    values = {"name": name, "functions": functions, "example": EXAMPLE}

    def text(template: str, **more) -> str:
        return environment.get_template(template).render(**values, **more)

    folder = f"assignments/{name}"
    files = {
        f"{folder}/{name}.ipynb": notebook(text("master.ipynb.j2")),
        f"{folder}/samples/complete.py": text("complete.py.j2"),
        f"{folder}/samples/partly_wrong.py": text("partly_wrong.py.j2"),
        f"{folder}/samples/blank.py": text("blank.py.j2"),
        f"reference/{name}.py": text("reference.py.j2"),
        f"autograder/checks/{name}.py": text("checks.py.j2"),
        f"tests/corpus/{name}/expectations.py": text("expectations.py.j2"),
    }
    files |= {f"tests/corpus/{name}/{function}.py": text("corpus.py.j2", f=function)
              for function in functions}
    return Scaffold(name, files)


def notebook(text: str) -> str:
    """The notebook a cell-marked text describes (see :data:`CELL_MARKER`), as nbformat writes it."""
    cells: list[nbformat.NotebookNode] = []
    kind, tags = "code", list[str]()
    lines: list[str] | None = None  # the current cell's, once its marker is read
    makers = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell,
              "raw": nbformat.v4.new_raw_cell}

    def close() -> None:
        if lines is not None:
            cell = makers[kind]("\n".join(lines).strip("\n"))
            cell.id = f"cell-{len(cells)}"  # stable, so the same command writes the same file
            if tags:
                cell.metadata["tags"] = tags
            cells.append(cell)

    for line in text.splitlines():
        marker = CELL_MARKER.match(line)
        if marker:
            close()
            kind, lines = marker.group(1) or "code", []
            tags = marker.group(2).split(",") if marker.group(2) else []
        elif lines is not None:
            lines.append(line)
    close()
    master = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}})
    return nbformat.writes(master) + "\n"


def existing(root: Path, scaffold: Scaffold) -> list[str]:
    """The paths of a scaffold already taken in the project (an assignment's folder counts whole)."""
    taken = [path for path in scaffold.files if (root / path).exists()]
    if (root / "assignments" / scaffold.name).exists():
        taken.insert(0, f"assignments/{scaffold.name}/")
    return sorted(set(taken), key=taken.index)


def create(root: Path, name: str, functions: list[str]) -> Scaffold:
    """Write a new assignment into the project at ``root``, then its reference numbers.

    Refuses a name or a function that is not a Python identifier, and any file already there
    (nothing is written then)."""
    _check_names(root, name, functions)
    scaffold = render(name, functions)
    taken = existing(root, scaffold)
    if taken:
        raise ScaffoldError(f"there is already an assignment named {name!r}: {', '.join(taken)} exist",
                            "choose another name, or remove those files first")
    for path, content in scaffold.files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(content, encoding="utf-8")
    from reference import numbers as reference_numbers

    importlib.invalidate_caches()
    reference_numbers.write(name)
    return scaffold
