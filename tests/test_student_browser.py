"""What a student sees of a released notebook in a real browser, in the first minutes.

Each released notebook, fresh from a build, sits alone in an empty folder of one Jupyter
server; headless Chromium opens it in JupyterLab 4 or in Notebook 7 (every other notebook in
each) and runs cells with the clicks and keys a student uses. The test reads what the page
renders:

* the first screen shows the instruction to run the set-up cell;
* a check run before the set-up says in one sentence to run it, and no ``NameError``;
* the instruction's keys (click it, Shift+Enter twice) run the set-up cell, which says what
  the folders it wrote are;
* the first exercise's check, run as released (unfinished), says so in one line;
* a wrong answer, the partly wrong sample's, is told its mistake by name;
* an answer that raises is shown the error at its own cell and line, and nothing of the
  checks;
* no output shows a traceback, no message is wider than a notebook's output, and the page
  fetches nothing from outside the machine.
"""

from __future__ import annotations

import ast
import re
import shutil

import nbformat
import pytest

import browser as browser_module
import notebook_server
from autograder import answers
from autograder.answers import ANSWER_CELL_TAG
from autograder.checker_cell import NOT_SET_UP, checked_question
from samples import answers_of, declared
from scratch_project import ASSIGNMENT_NAMES

WAIT_MS = 120_000  # a cell, or the page, on a loaded machine
UI = {name: ("lab", "notebook")[index % 2] for index, name in enumerate(ASSIGNMENT_NAMES)}
# Both front ends number the notebook's cells in the page (their windowed list), in order.
CELL = '.jp-Notebook-cell[data-windowed-list-index="{index}"]'
RAN = """([selector, before]) => {
    const prompt = document.querySelector(selector + " .jp-InputPrompt");
    return prompt !== null && /\\[\\d+\\]/.test(prompt.textContent) && prompt.textContent !== before;
}"""
SHOWS_OUTPUT = "selector => document.querySelector(selector + ' .jp-OutputArea-output') !== null"


def words(text: str) -> str:
    """``text`` with its lines joined: messages are wrapped to the notebook's width."""
    return " ".join(text.split())


class StudentPage:
    """A notebook open in the browser, driven as a student drives it."""

    def __init__(self, page):
        self.page = page

    def cell(self, index: int):
        return self.page.locator(CELL.format(index=index))

    def prompt(self, index: int) -> str:
        return self.cell(index).locator(".jp-InputPrompt").first.text_content()

    def output(self, index: int) -> str:
        """What the cell's output area shows (read from the page even when scrolled away)."""
        return "".join(self.cell(index).locator(".jp-OutputArea-output").all_text_contents())

    def wait_until_ran(self, index: int, prompt_before: str) -> None:
        """Until the cell's prompt shows a new execution count: it ran, and the cells queued
        before it too."""
        self.page.wait_for_function(RAN, arg=[CELL.format(index=index), prompt_before], timeout=WAIT_MS)

    def run(self, index: int) -> str:
        """Click the cell, press Shift+Enter, and read what it shows once it ran."""
        before = self.prompt(index)
        self.cell(index).locator(".jp-InputPrompt").first.click()
        self.page.keyboard.press("Shift+Enter")
        self.wait_until_ran(index, before)
        return self.output(index)

    def write(self, index: int, source: str) -> str:
        """Replace what the cell holds with ``source``, as typed, then run it."""
        self.cell(index).locator(".cm-content").click()
        self.page.keyboard.press("Control+A")
        self.page.keyboard.insert_text(source)
        return self.run(index)

    def prompt_number(self, index: int) -> int:
        return int(re.search(r"\d+", self.prompt(index)).group())


def wait_for_idle_kernel(page) -> None:
    """Until the notebook's kernel has started and waits for work, as its toolbar says (it
    goes from initializing to connecting to idle)."""
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]:visible', timeout=WAIT_MS)


def raising(source: str) -> tuple[str, int, str]:
    """``source`` with a line that raises put first in its first function (as if the student
    indexed an empty list): the new source, that line's number and its code."""
    function = next(node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.FunctionDef))
    number = function.body[0].lineno
    lines = source.split("\n")
    code = "first = [][0]"
    lines.insert(number - 1, re.match(r"\s*", lines[number - 1]).group() + code)
    return "\n".join(lines), number, code


def answered(notebook, name: str, index: int, sample: str) -> str:
    """The answer cell ``index`` as the sample of assignment ``name`` answers it."""
    defined = answers_of(name, sample)
    names = answers.definitions(notebook.cells[index].source)
    return answers.fill(notebook, {name: defined[name] for name in names}).cells[index].source


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory):
    """One Jupyter server for every notebook, each in a folder of its own under its root."""
    root = tmp_path_factory.mktemp("student-folders")
    started = notebook_server.start(root, tmp_path_factory.mktemp("jupyter"))
    yield started, root
    started.stop()


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_a_student_opens_the_notebook_sets_it_up_and_reads_what_the_checks_say(
        built_project, jupyter, browser, browser_artefacts, name):
    server, root = jupyter
    folder = root / name
    folder.mkdir()
    shutil.copy(built_project[name].student_dir / f"{name}.ipynb", folder)
    notebook = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    checks = {checked_question(c.source): i for i, c in enumerate(notebook.cells)
              if c.cell_type == "code" and checked_question(c.source)}
    answer_cells = [i for i, c in enumerate(notebook.cells) if ANSWER_CELL_TAG in c.metadata.get("tags", [])]
    first_check = min(checks.values())
    path = f"{name}/{name}.ipynb"
    ui = UI[name]
    opened = browser_module.offline_page(browser, local=(server.url,))
    page = opened.page
    student = StudentPage(page)
    page.goto(server.lab(path, workspace=name) if ui == "lab" else server.notebook(path))

    # the first screen: the instruction, above the set-up cell
    instruction = page.locator(".jp-RenderedMarkdown", has_text="Start here: run the set-up cell")
    instruction.wait_for(timeout=WAIT_MS)
    wait_for_idle_kernel(page)
    page.screenshot(path=browser_artefacts / f"first-screen-{name}-{ui}.png")
    screen = page.viewport_size["height"]
    assert instruction.bounding_box()["y"] + instruction.bounding_box()["height"] <= screen
    assert student.cell(1).bounding_box()["y"] < screen
    assert "Set up the public checks" in student.cell(1).text_content()

    # a check before the set-up: one sentence, no NameError
    assert student.run(first_check).strip() == NOT_SET_UP

    # the instruction's keys run the set-up cell, which says what it wrote
    instruction.click()
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(SHOWS_OUTPUT, arg=CELL.format(index=1), timeout=WAIT_MS)
    set_up = student.output(1)
    assert set_up.startswith("The public checks are ready"), set_up
    assert "autograder/ and public_tests/ next to the notebook (the public checks)" in words(set_up)

    # on, cell by cell, to the first check: the exercise as released is unfinished
    before = student.prompt(first_check)
    for _ in range(first_check - 1):
        page.keyboard.press("Shift+Enter")
    student.wait_until_ran(first_check, before)
    unfinished = student.output(first_check)
    assert re.fullmatch(r"q\w+: (`\w+` is not finished yet \(it still has `...`\)\. ?)+", words(unfinished)), unfinished

    # a wrong answer: the partly wrong sample's, named by its mistake
    says = declared(name, "partly_wrong", "PUBLIC_CHECKS_SAY")
    question = min(says, key=checks.get)
    for index in [i for i in answer_cells if i < checks[question]]:
        student.write(index, answered(notebook, name, index, "partly_wrong"))
    wrong = student.run(checks[question])
    assert says[question] in words(wrong), wrong

    # an answer that raises: the error, at the student's own cell and line
    source, line, code = raising(answered(notebook, name, answer_cells[0], "complete"))
    student.write(answer_cells[0], source)
    cell_number = student.prompt_number(answer_cells[0])
    raised = student.run(first_check)
    assert (f"raised IndexError: list index out of range (in your cell In[{cell_number}], "
            f"line {line}: `{code}`)") in words(raised), raised
    for internal in ("public_tests", "autograder", ".py"):
        assert internal not in raised, raised

    # what the student saw: no traceback anywhere, messages that fit the notebook, nothing fetched
    shown = page.locator(".jp-OutputArea-output").all_text_contents()
    assert not [text for text in shown if "Traceback" in text or "Cell In[" in text]
    ours = [set_up, unfinished, wrong, raised, *[text for text in shown if "then run this cell again" in text]]
    for text in ours:
        assert max(map(len, text.splitlines())) <= 100, text
    assert opened.outside_requests == []
    page.context.close()
