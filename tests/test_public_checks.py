"""The pieces of the student's side, one at a time: ``grader.check``, the guard on exploration
cells, and the set-up cell's failures (no torch, a folder it cannot write to)."""

from __future__ import annotations

import importlib.util
import os

import nbformat
import pytest

from autograder.checker_cell import make_cell
from autograder.checks.notebook import PublicChecks, cell_digest, guard_exploration, waiting_for

OTTER_TEST = '''\
from otter.test_files import test_case

OK_FORMAT = False

name = "q2_double"
points = None

@test_case(points=None, hidden=False, success_message="Hidden tests also run when the notebook is graded.")
def test_doubles_two(double):
    assert double(2) == 4, "`double(2)` should be 4: the function does not double its argument."

@test_case(points=None, hidden=False)
def test_doubles_a_list_item(double):
    assert double([1])[0] == 2, "should double each item"
'''


@pytest.fixture
def tests_dir(tmp_path):
    folder = tmp_path / "public_tests"
    folder.mkdir()
    (folder / "q2_double.py").write_text(OTTER_TEST, encoding="utf-8")
    return folder


def test_a_passing_check_says_so_in_one_line(tests_dir):
    namespace = {"double": lambda x: [2 * v for v in x] if isinstance(x, list) else 2 * x}
    result = PublicChecks(tests_dir, namespace).check("q2_double")
    assert result.passed
    assert repr(result) == ("q2_double: all 2 public checks passed. "
                            "Hidden tests also run when the notebook is graded.")


def test_a_failing_check_gives_the_checks_sentence_and_no_test_code(tests_dir):
    result = PublicChecks(tests_dir, {"double": lambda x: x}).check("q2_double")
    text = repr(result)
    assert not result.passed
    assert text.startswith("q2_double: 0 of 2 public checks passed.")
    assert "the function does not double its argument" in text
    assert "assert" not in text and "Traceback" not in text


def test_a_check_that_stops_on_what_it_was_given_says_what_stopped_it(tests_dir):
    def double(x):
        return None if isinstance(x, list) else 2 * x

    text = repr(PublicChecks(tests_dir, {"double": double}).check("q2_double"))
    assert "1 of 2 public checks passed" in text
    assert "the check stopped with TypeError" in text  # None[0]
    assert "look at what your code returns" in text


def test_an_unfinished_answer_is_said_to_be_unfinished(tests_dir):
    def double(x):
        ...

    text = repr(PublicChecks(tests_dir, {"double": double}).check("q2_double"))
    assert "`double` is not finished yet (it still has `...`)" in text


def test_an_undefined_answer_and_an_unknown_question(tests_dir):
    checks = PublicChecks(tests_dir, {})
    assert not checks.check("q2_double").passed
    with pytest.raises(ValueError, match="there are: q2_double"):
        checks.check("q3_triple")


def unfinished_double(x):
    ...


def finished_double(x):
    return 2 * x


def plot_doubles():
    return [finished_double(v) for v in range(3)]


GRADED = {"finished_double": "exercise 2"}


@pytest.mark.parametrize(("source", "namespace", "says"), [
    ("print(finished_double(3))", {"finished_double": finished_double}, None),
    ("print(finished_double(3))", {}, "not defined yet: run the cell of exercise 2 first"),
    ("print(finished_double(3))", {"finished_double": unfinished_double},
     "not finished yet (it still has `...`): finish exercise 2 first"),
    # a cell that defines the answer always runs, whatever it uses
    ("def finished_double(x):\n    return x + x\nprint(finished_double(1))", {}, None),
    # a function body runs later, if ever: defining a helper waits for nothing
    ("def helper():\n    return finished_double(1)", {}, None),
    # a given function that calls the answer, itself unfinished
    ("plot_doubles()", {"plot_doubles": plot_doubles, "finished_double": unfinished_double},
     "runs `plot_doubles`, which uses `finished_double`"),
    ("print(1 +", {}, None),  # Python's own SyntaxError is the right answer there
])
def test_the_guard_waits_only_for_unfinished_exercises(source, namespace, says):
    reason = waiting_for(source, GRADED, namespace)
    if says is None:
        assert reason is None
    else:
        assert says in reason


def test_a_cell_using_what_a_waiting_cell_would_have_made_waits_for_the_same_reason():
    pending = {"doubles": "This cell uses `finished_double`, ...: finish exercise 2 first."}
    assert waiting_for("print(doubles)", GRADED, {}, pending) == pending["doubles"]
    assert waiting_for("print(doubles)", GRADED, {"doubles": [0, 2]}, pending) is None


def run_setup_cell(folder, monkeypatch) -> dict:
    """Run the set-up cell in ``folder``; what it defined. It carries no library here, so it
    imports the checks of this repository, with the very code it would have written."""
    cell = make_cell({"q2_double": OTTER_TEST}, {}, {"data/points.bin": b"\x00\x01"})
    monkeypatch.chdir(folder)
    namespace: dict = {}
    exec(compile(cell.source, "<set-up cell>", "exec"), namespace)
    return namespace


def test_the_setup_cell_writes_the_tests_and_the_data_next_to_the_notebook(tmp_path, monkeypatch, capsys):
    namespace = run_setup_cell(tmp_path, monkeypatch)
    assert (tmp_path / "public_tests" / "q2_double.py").read_text(encoding="utf-8") == OTTER_TEST
    assert (tmp_path / "data" / "points.bin").read_bytes() == b"\x00\x01"
    assert namespace["grader"].check("q2_double").question == "q2_double"
    said = capsys.readouterr().out
    assert said.startswith("The public checks are ready")
    # what the folders in the file browser are
    assert "autograder/ and public_tests/ next to the notebook (the public checks) and data/" in " ".join(said.split())
    assert max(len(line) for line in said.splitlines()) <= 100


def test_the_setup_cell_says_what_to_do_where_it_cannot_write(tmp_path, monkeypatch):
    (tmp_path / "public_tests").write_text("a file where the folder goes", encoding="utf-8")
    with pytest.raises(Exception, match="could not be written next to this notebook") as raised:
        run_setup_cell(tmp_path, monkeypatch)
    shown = raised.value._render_traceback_()  # what Jupyter shows: the sentence alone, in lines
    assert " ".join(shown) == str(raised.value) and max(map(len, shown)) <= 100


def test_the_setup_cell_says_what_to_install_without_torch(tmp_path, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a))
    with pytest.raises(Exception, match=r"needs torch: run `pip install torch numpy`"):
        run_setup_cell(tmp_path, monkeypatch)
    assert not os.listdir(tmp_path)  # it stopped before writing anything


def test_a_cell_that_defines_and_calls_its_own_helper_waits_for_what_the_helper_uses():
    source = ("def run(n):\n    return [finished_double(i) for i in range(n)]\n\n\n"
              "results = run(3)\n")
    reason = waiting_for(source, GRADED, {"finished_double": unfinished_double})
    assert "`finished_double`" in reason and "finish exercise 2 first" in reason
    assert waiting_for(source, GRADED, {"finished_double": finished_double}) is None


class FakeShell:
    """What the guard needs of IPython's shell: the namespace and the transformer list."""

    def __init__(self, namespace):
        self.user_ns = namespace
        self.input_transformers_post = []

    def run(self, source: str) -> str:
        lines = source.splitlines(keepends=True)
        for transform in self.input_transformers_post:
            lines = transform(lines)
        return "".join(lines)


def test_the_guard_watches_the_released_cells_only_so_a_student_can_try_an_unfinished_function(tests_dir):
    released = "# Exploration: doubles.\nprint(double(3))"
    shell = FakeShell({"double": unfinished_double})
    guard_exploration(PublicChecks(tests_dir, shell.user_ns), shell, cells=[cell_digest(released)])
    said = shell.run(released + "\n")  # IPython adds the newline
    assert "finish exercise 2 first" in said.replace("\\n", " ")  # the sentence, wrapped to fit
    mine = "print(double(3))  # trying it out"
    assert shell.run(mine) == mine
    guard_exploration(PublicChecks(tests_dir, shell.user_ns), shell, cells=[])  # set up again: one guard
    assert len(shell.input_transformers_post) == 1 and shell.run(released) == released


def test_check_all_runs_every_question_once(tests_dir):
    (tests_dir / "q3_triple.py").write_text(OTTER_TEST.replace("q2_double", "q3_triple"), encoding="utf-8")
    results = PublicChecks(tests_dir, {"double": lambda x: x}).check_all()
    assert [r.question for r in results] == ["q2_double", "q3_triple"]


def test_an_unfinished_exercise_is_said_once_not_once_per_check(tests_dir):
    def double(x):
        ...

    assert repr(PublicChecks(tests_dir, {"double": double}).check("q2_double")) == (
        "q2_double: `double` is not finished yet (it still has `...`).")
    assert repr(PublicChecks(tests_dir, {}).check("q2_double")) == (
        "q2_double: `double` is not defined. Keep the name `double` and run the cell that defines it.")


def in_a_cell(source: str, number: int, name: str):
    """``name`` as the notebook's cell ``number`` defines it: compiled under the file name IPython
    gives the cell, with its lines where tracebacks find them."""
    import linecache

    filename = f"<ipython-input-{number}-0123456789ab>"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    space: dict = {}
    exec(compile(source, filename, "exec"), space)
    return space[name]


RAISING = "def double(x):\n    doubled = 2 * x\n    return doubled[3]\n"
CALLING_TEST = OTTER_TEST.replace("assert double(2) == 4", "from autograder.checks.values import call\n"
                                  "    assert call('double', double, 2) == 4")


@pytest.mark.parametrize("test", [OTTER_TEST, CALLING_TEST], ids=["called by the test", "called through values.call"])
def test_an_answer_that_raises_is_shown_its_own_line_and_nothing_of_the_checks(tmp_path, test):
    folder = tmp_path / "public_tests"
    folder.mkdir()
    (folder / "q2_double.py").write_text(test, encoding="utf-8")
    text = repr(PublicChecks(folder, {"double": in_a_cell(RAISING, 7, "double")}).check("q2_double"))
    said = " ".join(text.split())
    assert ("raised TypeError: 'int' object is not subscriptable (in your cell In[7], line 3: "
            "`return doubled[3]`).") in said
    for internal in ("public_tests", "q2_double.py", "values.py", "of the test", "Traceback"):
        assert internal not in text


def test_a_cell_of_ipykernel_is_recognised_by_its_file_name():
    import linecache

    from autograder.checks.values import cell_line

    source = "def f():\n    return {}['key']\n"
    filename = "/tmp/ipykernel_4242/1234567.py"  # where ipykernel compiles a cell
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    space: dict = {}
    exec(compile(source, filename, "exec"), space)
    with pytest.raises(KeyError) as raised:
        space["f"]()
    assert cell_line(raised.value) == " (in one of your cells, line 2: `return {}['key']`)"
    with pytest.raises(KeyError) as raised:
        {}["not in a cell"]
    assert cell_line(raised.value) == ""


def test_long_messages_break_between_words_to_fit_a_notebook():
    from autograder.checks.notebook import WIDTH, fit

    message = ("On the example (LeakyReLU(0.1), 2 inputs, hidden layers of 100, 10 and 5, 1 output): "
               "the output differs from the reference: `self.mlp(x.view(-1, n))` looks reshaped "
               "before the first layer, and the network answers the wrong question entirely.")
    text = fit(f"  ❌ forward pass: {message}", indent="     ")
    lines = text.splitlines()
    assert len(lines) > 1 and all(len(line) <= WIDTH for line in lines)
    assert all(line.startswith("     ") for line in lines[1:])
    assert " ".join(text.split()) == " ".join(f"  ❌ forward pass: {message}".split())  # no word cut
    assert "`self.mlp(x.view(-1, n))`" in text  # a short code span stays on one line


def test_a_check_cell_run_before_the_set_up_says_to_run_it(capsys):
    from autograder.checker_cell import NOT_SET_UP, checked_question, guard_check_cells

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('grader.check("q2_double")')])
    guard_check_cells(notebook)
    source = notebook.cells[0].source
    assert checked_question(source) == "q2_double" and source.startswith('grader.check("q2_double")')
    exec(compile(source, "<cell>", "exec"), {})  # no grader: a kernel just started
    assert capsys.readouterr().out == NOT_SET_UP + "\n"

    class Grader:
        def check(self, question):
            print(f"checked {question}")

    exec(compile(source, "<cell>", "exec"), {"grader": Grader()})
    assert capsys.readouterr().out == "checked q2_double\n"


def test_a_check_warns_once_per_module_the_grading_image_lacks(tests_dir):
    history = ["", "import numpy as np\nimport os.path", "import pandas as pd\nfrom sklearn import svm",
               "def later():\n    import scipy.special\n    from sklearn.linear_model import Ridge",
               "%matplotlib inline", "from . import nearby"]
    namespace = {"double": lambda x: [2 * v for v in x] if isinstance(x, list) else 2 * x, "In": history}
    result = PublicChecks(tests_dir, namespace, image_modules=["numpy", "scipy", "torch"]).check("q2_double")
    assert result.passed, "a warning costs nothing"
    lines = repr(result).splitlines()
    assert [line.split("`")[1] for line in lines if line.startswith("⚠️")] == ["pandas", "sklearn"]
    assert "which the grading machine does not have:" in repr(result)
    assert lines[-1].startswith("q2_double: all 2 public checks passed."), lines


def test_no_warning_where_the_build_wrote_no_list_of_modules(tests_dir):
    namespace = {"double": lambda x: x, "In": ["import pandas"]}
    checks = PublicChecks(tests_dir, namespace)
    assert checks._image_modules is None  # the toolkit's own checkout: no grading_image.json
    assert not checks.check("q2_double").warnings
