"""Does every cheat attempt of ``cheat_attempts.py`` gain nothing, leak nothing and leave nothing?

All attacks, the two unmodified samples they start from and a positive control are graded in
one warm batch (``Grader``, two at a time, short limits). Each property is its own test, per
scenario, so that a hole in one property of an attack (a strict xfail, with the hole named)
does not hide the others:

* **score**: the score does not rise above the unmodified sample's (blank: 0, partly_wrong:
  its own score, graded in the same batch); attacks on processes must not lower it either;
* **leak**: the visible feedback (the top-level output, the "Public Tests" entry and every
  question's output) holds no hidden input or expected value of ``reference/numbers`` (at a
  few precisions), no line of a hidden test, and no other submission's name;
* **results**: results.json is the judge's: it matches the schema, carries the grading in
  ``extra_data`` and its score is the sum of its questions' scores;
* **processes**: no process of the attack is left once grading is over (and, for the whole
  batch, no process of the student users 64000-64063 and no new child of this process);
* **files**: no marker of code run outside the sandbox appeared, and the grader's files the
  attack aimed at (its canaries) kept their owner, mode and content.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import json
import math
import os
import re
import signal
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
import pytest

from autograder.grade import Grader, Submission, zip_settings
from autograder.grading_runtime import results as gradescope
from autograder.grading_runtime.settings import RuntimeSettings
from cheat_attempts import (BLANK, DEEP_MLPS_SCENARIOS, LOOKUP_ANSWERS, PARTLY_WRONG,
                            PERCEPTRON_GD_SCENARIOS, SCENARIOS, STASH_PREFIX, Expect, process_tag)
from reference import numbers as reference_numbers

LIMITS = {"cell_timeout_seconds": 10.0, "test_timeout_seconds": 10.0, "total_timeout_seconds": 120.0}
STUDENT_UIDS = range(64000, 64064)
CONTROL = "control_with_the_numbers_in_the_notebook"
NUMBERS_IN_ZIP = "reference/numbers/mlp_intro.json"
HIDDEN_POINTS_OF_THE_CONTROL = {"q1_approximate_function", "q3_cross_entropy"}

# --- grading the corpus ---------------------------------------------------------------------------------


@dataclass
class Corpus:
    results: dict[str, dict]  # submission name -> results.json as written
    scores: dict[str, float]
    names: list[str]  # every submission of the batch
    root: Path
    canaries: dict[Path, tuple]  # fingerprints before grading
    survivors: dict[int, dict]  # student processes left once the batch was over
    new_children: list[str]
    hidden_values: list[float]
    public_values: list[float]  # the notebook's examples: feedback may show them
    hidden_lines: list[str]
    seconds: float


def _settings(autograder_zip: Path) -> RuntimeSettings:
    try:
        defaults = zip_settings(autograder_zip)
    except KeyError:  # the settings' path inside the zip, where zip_settings does not look
        with zipfile.ZipFile(autograder_zip) as archive:
            name = next(n for n in archive.namelist() if n.endswith("grading_runtime/settings.json"))
            defaults = RuntimeSettings.from_dict(json.loads(archive.read(name)))
    return defaults.replace(**LIMITS)


def _fingerprint(path: Path) -> tuple:
    info = path.lstat()
    return info.st_uid, info.st_gid, info.st_mode, hashlib.sha256(path.read_bytes()).hexdigest()


def _control(sample, folder: Path, numbers: dict) -> Path:
    """The lookup answers the disk-reading attacks define, with the numbers in the notebook:
    the cases they answer, one cell each (the channel cuts strings of more than 100 000
    characters, cells included)."""
    notebook = copy.deepcopy(sample)
    needed = {"approximate_function": ("x_train", "grid_sample", "x", "y_hat", "relu_acts"),
              "cross_entropy_loss": ("logits", "loss")}
    sources = ["NUMBERS = {'cases': {'approximate_function': [], 'cross_entropy_loss': []}}\n"]
    for graded_name, keys in needed.items():
        for case in numbers["cases"][graded_name]:
            text = json.dumps({key: case[key] for key in keys})
            sources.append(f"import json\nNUMBERS['cases'][{graded_name!r}].append(json.loads({text!r}))\n")
    notebook.cells += [nbformat.v4.new_code_cell(source) for source in [*sources, LOOKUP_ANSWERS]]
    path = folder / f"{CONTROL}.ipynb"
    nbformat.write(notebook, path)
    return path


def _floats(value) -> list[float]:
    if isinstance(value, bool):
        return []
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for key, item in value.items() if key != "label" for f in _floats(item)]
    if isinstance(value, list):
        return [f for item in value for f in _floats(item)]
    return []


def _hidden_lines(archive: zipfile.ZipFile) -> list[str]:
    """Lines of the hidden test cases, and code lines (no string in them) of the checks."""
    lines = []
    for name in archive.namelist():
        text = archive.read(name).decode("utf-8")
        if name.startswith("tests/") and name.endswith(".py"):
            for node in ast.parse(text).body:
                hidden = isinstance(node, ast.FunctionDef) and any(
                    isinstance(d, ast.Call) and any(k.arg == "hidden" and getattr(k.value, "value", False)
                                                    for k in d.keywords) for d in node.decorator_list)
                if hidden:
                    lines += [ast.get_source_segment(text, statement) for statement in node.body]
        elif name.endswith("checks/mlp_intro.py"):
            in_strings = {number for node in ast.walk(ast.parse(text))
                          if isinstance(node, ast.Constant) and isinstance(node.value, str)
                          for number in range(node.lineno, node.end_lineno + 1)}
            lines += [line for number, line in enumerate(text.splitlines(), start=1)
                      if number not in in_strings and len(line.strip()) >= 30
                      and not re.search(r"[\"'#]", line)]
    return sorted({line.strip() for line in lines if line and len(line.strip()) >= 12})


def _student_processes() -> dict[int, dict]:
    """Live processes of the student users that no running grader owns (none of their
    ancestors is a grading engine's process: another grading, still running, has its own;
    student processes themselves are forks of the engine, so only the grader's user counts)."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = dict(line.split(":", 1) for line in Path(f"/proc/{entry}/status").read_text().splitlines()
                          if ":" in line)
            table[int(entry)] = {
                "uid": int(status["Uid"].split()[0]), "ppid": int(status["PPid"]),
                "state": status["State"].strip(), "comm": Path(f"/proc/{entry}/comm").read_text().strip(),
                "cmdline": Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"),
            }
        except (OSError, KeyError, ValueError):
            continue

    def owned_by_a_grader(pid: int) -> bool:
        seen = set()
        while pid in table and pid not in seen:
            seen.add(pid)
            about = table[pid]
            if about["uid"] not in STUDENT_UIDS and ("run_grader" in about["cmdline"]
                                                      or "judge.grade(" in about["cmdline"]):  # test_judge's
                return True
            pid = about["ppid"]
        return False

    return {pid: about for pid, about in table.items()
            if about["uid"] in STUDENT_UIDS and not owned_by_a_grader(pid)}


def _survivors(grace_seconds: float = 3.0) -> dict[int, dict]:
    end = time.monotonic() + grace_seconds
    while True:
        left = _student_processes()
        if not left or time.monotonic() > end:
            return left
        time.sleep(0.2)


def _tagged(processes: dict[int, dict], tag: str) -> dict[int, dict]:
    return {pid: p for pid, p in processes.items() if tag in p["comm"] or tag in p["cmdline"]}


def _end_survivors(tags: set[str]) -> None:
    """Kill, by pid, what the attacks of this module left running (only their tagged processes)."""
    for _ in range(200):
        processes = _student_processes()
        left = {pid for tag in tags for pid in _tagged(processes, tag)}
        if not left:
            return
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.01)


@pytest.fixture(scope="module")
def corpus(built_project, tmp_path_factory):
    assignment = built_project["mlp_intro"]
    autograder_zip = assignment.autograder_zip
    root = tmp_path_factory.mktemp("cheat-attempts")
    samples = {name: assignment.built_samples_dir / f"{name}.ipynb" for name in (BLANK, PARTLY_WRONG)}
    notebooks = {name: nbformat.read(path, as_version=4) for name, path in samples.items()}
    with zipfile.ZipFile(autograder_zip) as archive:
        numbers = json.loads(archive.read(NUMBERS_IN_ZIP))
        hidden_lines = _hidden_lines(archive)
    submissions = dict(samples)
    (root / CONTROL).mkdir()
    submissions[CONTROL] = _control(notebooks[BLANK], root / CONTROL, numbers)
    for scenario, expect in SCENARIOS.items():
        folder = root / scenario.__name__
        folder.mkdir()
        submissions[scenario.__name__] = scenario(copy.deepcopy(notebooks[expect.base]), folder)
    canaries = {path: _fingerprint(path) for path in root.rglob("canary*")}
    children_before = {child.pid for child in psutil.Process().children(recursive=True)}
    jobs = [(Submission(name, path), root / "results" / name / "results.json") for name, path in submissions.items()
            if name != CONTROL]
    try:
        started = time.monotonic()
        with Grader(autograder_zip, jobs=2) as grader:
            graded = grader.grade(jobs, settings=_settings(autograder_zip))
            # the control meets the stored draw, whose numbers it carries: what reading them
            # from disk would give an attack, if each submission did not meet a draw of its own
            control = [(Submission(CONTROL, submissions[CONTROL]), root / "results" / CONTROL / "results.json")]
            graded |= grader.grade(control, settings=_settings(autograder_zip).replace(
                hidden_cases_seed=numbers["seed"]))
        seconds = time.monotonic() - started
        survivors = _survivors()
        new_children = [f"{child.pid} {child.name()}" for child in psutil.Process().children(recursive=True)
                        if child.pid not in children_before]
        yield Corpus(
            results={name: json.loads((root / "results" / name / "results.json").read_text())
                     for name in submissions},
            scores={name: outcome.score for name, outcome in graded.items()},
            names=list(submissions), root=root, canaries=canaries, survivors=survivors,
            new_children=new_children, hidden_values=_floats(numbers["cases"]),
            public_values=_floats(numbers["examples"]), hidden_lines=hidden_lines,
            seconds=seconds)
    finally:  # what the attacks left: their tagged processes, their files in /dev/shm
        tags = {process_tag(scenario.__name__) for scenario in SCENARIOS}
        _end_survivors(tags)
        for left in Path("/dev/shm").glob("*"):
            if left.name.startswith((STASH_PREFIX, *tags)):
                left.unlink(missing_ok=True)


# --- what the student can read ---------------------------------------------------------------------------


def visible_text(results: dict) -> str:
    """What the student reads: the top-level output, the public tests, every question's output."""
    return "\n".join([results.get("output", ""),
                      *(test.get("output", "") for test in results.get("tests", [])
                        if test.get("visibility") != "hidden")])


def staff_record(results: dict) -> dict:
    entry = next((t for t in results.get("tests", []) if t.get("visibility") == "hidden"), None)
    return json.loads(entry["output"]) if entry else {}


NUMBER = re.compile(r"\d+(?:\.\d+)?")


def leak_forms(values: list[float]) -> set[str]:
    """For each hidden number, the ways a student's code would write it: 4 to 6 decimals, its
    repr, and its digits as a whole number (|v| * 1e5, |v| * 1e6). Numbers with two decimals or
    fewer are left out: they appear in feedback for their own reasons."""
    forms = set()
    for value in values:
        number = abs(value)
        if abs(round(number, 2) - number) < 1e-6:
            continue
        forms |= {f"{number:.4f}", f"{number:.5f}", f"{number:.6f}", repr(number)}
        for scale, least in ((1e5, 10_000), (1e6, 100_000)):
            if round(number * scale) >= least:
                forms.add(str(round(number * scale)))
    return {form for form in forms if form.strip("0.")}  # "0.0000" is any small number


def leaks(text: str, corpus: Corpus, own_name: str) -> list[str]:
    """What of its own hidden cases (the draw of its seed), the stored ones, the hidden tests
    and the other submissions ``text`` shows; numbers of the public examples do not count.

    Numbers are compared whole: every number written in the text against the forms of the
    hidden ones (so 0.81580 is not 0.8158, and 0.8158 inside v_0.8158_x is)."""
    seed = staff_record(corpus.results[own_name]).get("hidden cases seed")
    if (id(corpus), seed) not in _FORMS:
        drawn = _floats(reference_numbers.draw("mlp_intro", seed)) if isinstance(seed, int) else []
        # a drawn case may hold a number of the public examples too (the sine's 2*pi/9, say)
        _FORMS[(id(corpus), seed)] = leak_forms(corpus.hidden_values + drawn) - leak_forms(corpus.public_values)
    forms = _FORMS[(id(corpus), seed)]
    found = sorted(set(NUMBER.findall(text)) & forms)
    found += [f"hidden test line: {line}" for line in corpus.hidden_lines if line in text]
    found += [f"another submission: {name}" for name in corpus.names
              if name != own_name and re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text)]
    return found


_FORMS: dict[tuple[int, int | None], set[str]] = {}


# --- the properties, one test each, per scenario ----------------------------------------------------------


def _cases(check: str):
    params = []
    for scenario in SCENARIOS:
        reason = SCENARIOS[scenario].holes.get(check)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(scenario.__name__, SCENARIOS[scenario], id=scenario.__name__, marks=marks))
    return params


@pytest.mark.parametrize(("name", "expect"), _cases("score"))
def test_the_score_does_not_rise(corpus, name: str, expect: Expect):
    results, base = corpus.results[name], corpus.scores[expect.base]
    if expect.public_points:
        grading = gradescope.from_gradescope(results)
        hidden = [c for q in grading.questions for c in q.cases if c.hidden]
        assert hidden and not [c.name for c in hidden if c.passed], visible_text(results)
        base += sum(c.points for q in grading.questions for c in q.cases if not c.hidden and c.passed)
    assert corpus.scores[name] <= base + 1e-9, (
        f"{name} scored {corpus.scores[name]}, the unmodified {expect.base} sample {base}:\n"
        + visible_text(results))
    if expect.same_score:
        assert corpus.scores[name] == pytest.approx(base), (
            f"{name} lowered the score from {base} to {corpus.scores[name]}:\n" + visible_text(results))


@pytest.mark.parametrize(("name", "expect"), _cases("leak"))
def test_nothing_hidden_reaches_the_visible_feedback(corpus, name: str, expect: Expect):
    text = visible_text(corpus.results[name])
    found = leaks(text, corpus, name)
    assert not found, f"{name} made the feedback show {found[:5]}:\n{text}"
    for words in expect.absent:
        assert words not in text, f"{name} made the feedback show {words!r}:\n{text}"


@pytest.mark.parametrize(("name", "expect"), _cases("results"))
def test_the_results_are_the_judges(corpus, name: str, expect: Expect):
    results = corpus.results[name]
    assert gradescope.schema_errors(results) == []
    grading = results["extra_data"]["grading"]
    assert grading["status"] == results["extra_data"]["status"] == expect.status, results["output"]
    staff = staff_record(results)
    assert "grader error" not in staff, f"the grader failed on {name}:\n{staff['grader error'][-2000:]}"
    questions = [test for test in results["tests"] if "max_score" in test]
    assert questions and results["score"] == pytest.approx(math.fsum(t["score"] for t in questions))
    assert results["score"] == pytest.approx(gradescope.from_gradescope(results).score)
    assert "FORGED" not in visible_text(results)


@pytest.mark.parametrize(("name", "expect"), _cases("processes"))
def test_no_process_of_the_attack_survives(corpus, name: str, expect: Expect):
    left = _tagged(corpus.survivors, process_tag(name))
    assert not left, f"{name} left processes running after grading: {left}"


@pytest.mark.parametrize(("name", "expect"), _cases("files"))
def test_nothing_ran_outside_the_sandbox(corpus, name: str, expect: Expect):
    folder = corpus.root / name
    assert not list(folder.rglob("PWNED*")), f"{name} ran code outside the sandbox"
    for canary, before in corpus.canaries.items():
        if folder in canary.parents:
            assert _fingerprint(canary) == before, (
                f"{name} took over {canary}: (uid, gid, mode, sha256) {before} became {_fingerprint(canary)}")


# The judge's own peak resident memory, pages it shares with the warm parent (torch) included:
# what Gradescope's 768 MB must hold beside the student's processes.
JUDGE_MEMORY_MB = 400


@pytest.mark.parametrize(("name", "expect"), _cases("memory"))
def test_the_judge_stays_small(corpus, name: str, expect: Expect):
    peak = staff_record(corpus.results[name]).get("judge peak memory (MB)")
    assert peak is not None and peak < JUDGE_MEMORY_MB, f"{name}: the judge peaked at {peak} MB"


@pytest.mark.parametrize(("name", "expect"), [p for p in _cases("staff") if p.values[1].staff_words])
def test_the_attack_says_it_was_blocked(corpus, name: str, expect: Expect):
    output = staff_record(corpus.results[name]).get("notebook output", "")
    for words in expect.staff_words:
        assert words in output, f"{name} did not report {words!r}:\n{output[-3000:]}"


# --- the batch as a whole, and the controls ---------------------------------------------------------------


def test_no_student_process_and_no_child_survives_the_batch(corpus):
    assert not corpus.survivors, f"processes of the student users left after grading: {corpus.survivors}"
    assert not corpus.new_children, f"children of the test process left after grading: {corpus.new_children}"


def test_the_whole_corpus_grades_quickly(corpus):
    assert corpus.seconds < 120, f"the corpus took {corpus.seconds:.0f} s"


def test_the_unmodified_samples_score_as_expected(corpus):
    assert corpus.scores[BLANK] == 0
    assert 0 < corpus.scores[PARTLY_WRONG] < 15


def test_the_leak_detector_is_quiet_on_the_unmodified_samples(corpus):
    for name in (BLANK, PARTLY_WRONG, CONTROL):
        assert leaks(visible_text(corpus.results[name]), corpus, name) == []


def test_the_leak_detector_finds_hidden_numbers_however_written(corpus):
    value = next(v for v in corpus.hidden_values if abs(round(abs(v), 2) - abs(v)) > 1e-4 and abs(v) > 0.1)
    for text in (f"got a v_{abs(value):.4f}_x object", f"shape ({round(abs(value) * 1e5)}, 0)",
                 f"line 3: `# {abs(value):.6f}`", f"({abs(value)!r})"):
        assert leaks(text, corpus, BLANK), text
    assert not leaks(f"{abs(value):.4f}99999", corpus, BLANK)  # a longer number is another number


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can start a process of a student user")
def test_the_survivor_scan_sees_a_student_process():
    """The control of the process checks: a process of a student user, in no grading, is seen."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setresgid(STUDENT_UIDS[-1], STUDENT_UIDS[-1], STUDENT_UIDS[-1])
            os.setresuid(STUDENT_UIDS[-1], STUDENT_UIDS[-1], STUDENT_UIDS[-1])
            time.sleep(30)
        finally:
            os._exit(0)
    try:
        deadline = time.monotonic() + 5
        while pid not in _student_processes() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _student_processes()[pid]["uid"] == STUDENT_UIDS[-1]
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def test_the_lookup_answers_score_when_the_numbers_are_known(corpus):
    """The control: the answers the disk-reading attacks define earn the hidden points of the
    questions they answer when the numbers are there, so those attacks failed for want of them."""
    grading = corpus.results[CONTROL]["extra_data"]["grading"]
    for question in grading["questions"]:
        if question["name"] in HIDDEN_POINTS_OF_THE_CONTROL:
            hidden = [case for case in question["cases"] if case["hidden"]]
            assert hidden and all(case["passed"] for case in hidden), question


# --- perceptron_gd: answers that agree without computing ------------------------------------------------


@pytest.fixture(scope="module")
def perceptron_gd_attacks(built_project, tmp_path_factory):
    """perceptron_gd's blank sample and its attacks, graded with its zip: (results, scores, hidden values)."""
    assignment = built_project["perceptron_gd"]
    autograder_zip = assignment.autograder_zip
    root = tmp_path_factory.mktemp("perceptron-gd-attacks")
    blank_path = assignment.built_samples_dir / f"{BLANK}.ipynb"
    blank = nbformat.read(blank_path, as_version=4)
    submissions = {BLANK: blank_path}
    for scenario in PERCEPTRON_GD_SCENARIOS:
        folder = root / scenario.__name__
        folder.mkdir()
        submissions[scenario.__name__] = scenario(copy.deepcopy(blank), folder)
    jobs = [(Submission(name, path), root / "results" / name / "results.json") for name, path in submissions.items()]
    with Grader(autograder_zip, jobs=2) as grader:
        graded = grader.grade(jobs, settings=_settings(autograder_zip))
    with zipfile.ZipFile(autograder_zip) as archive:
        numbers = json.loads(archive.read("reference/numbers/perceptron_gd.json"))
    results = {name: json.loads((root / "results" / name / "results.json").read_text()) for name in submissions}
    return results, {name: outcome.score for name, outcome in graded.items()}, _floats(numbers["cases"])


def _perceptron_gd_cases():
    return [pytest.param(scenario.__name__, expect, id=scenario.__name__)
            for scenario, expect in PERCEPTRON_GD_SCENARIOS.items()]


@pytest.mark.parametrize(("name", "expect"), _perceptron_gd_cases())
def test_perceptron_gd_attack_earns_no_hidden_point(perceptron_gd_attacks, name: str, expect: Expect):
    results, scores, _ = perceptron_gd_attacks
    grading = gradescope.from_gradescope(results[name])
    assert scores[BLANK] == 0
    hidden = [c for q in grading.questions for c in q.cases if c.hidden]
    assert hidden and not [c.name for c in hidden if c.passed], visible_text(results[name])
    public = sum(c.points for q in grading.questions for c in q.cases if not c.hidden and c.passed)
    assert scores[name] == pytest.approx(public if expect.public_points else 0.0), visible_text(results[name])


@pytest.mark.parametrize(("name", "expect"), _perceptron_gd_cases())
def test_perceptron_gd_attack_sees_nothing_hidden(perceptron_gd_attacks, name: str, expect: Expect):
    results, _, hidden_values = perceptron_gd_attacks
    text = visible_text(results[name])
    forms = leak_forms(hidden_values)
    found = sorted(set(NUMBER.findall(text)) & forms)
    assert not found, f"{name} made the feedback show {found[:5]}:\n{text}"

# === deep_mlps ========================================================================================
# The attacks on the stand-in counter that deep_mlps' hidden width tests lend the student's
# search (``DEEP_MLPS_SCENARIOS``), graded in one batch with deep_mlps' zip beside its blank
# sample: from a blank notebook none gains a hidden point (one, which forces the stand-in's
# guard, may pass a public example any student can type in), and the results are the judge's.


@pytest.fixture(scope="module")
def deep_mlps_attacks(built_project, tmp_path_factory):
    assignment = built_project["deep_mlps"]
    root = tmp_path_factory.mktemp("deep-mlps-attacks")
    blank = nbformat.read(assignment.built_samples_dir / f"{BLANK}.ipynb", as_version=4)
    submissions = {BLANK: assignment.built_samples_dir / f"{BLANK}.ipynb"}
    for scenario in DEEP_MLPS_SCENARIOS:
        folder = root / scenario.__name__
        folder.mkdir()
        submissions[scenario.__name__] = scenario(copy.deepcopy(blank), folder)
    jobs = [(Submission(name, path), root / "results" / name / "results.json")
            for name, path in submissions.items()]
    with Grader(assignment.autograder_zip, jobs=2) as grader:
        graded = grader.grade(jobs, settings=_settings(assignment.autograder_zip))
    return {name: json.loads((root / "results" / name / "results.json").read_text())
            for name in submissions}, {name: outcome.score for name, outcome in graded.items()}


@pytest.mark.parametrize(("name", "expect"), [pytest.param(s.__name__, e, id=s.__name__)
                                               for s, e in DEEP_MLPS_SCENARIOS.items()])
def test_no_attack_on_the_stand_in_gains_a_hidden_point(deep_mlps_attacks, name, expect):
    results, scores = deep_mlps_attacks
    assert scores[BLANK] == 0
    grading = gradescope.from_gradescope(results[name])
    assert grading.status == "graded", results[name]["output"]
    earned = [f"{q.name}/{c.name}" for q in grading.questions for c in q.cases if c.passed
              and (c.hidden or not expect.public_points)]
    assert not earned, f"{name} earned {earned}:\n{visible_text(results[name])}"
    assert gradescope.schema_errors(results[name]) == []
    assert "found: True" in staff_record(results[name]).get("notebook output", ""), (
        "the attack did not find what it attacks: it tests nothing")

# === backprop_autodiff: attacks on its own blank sample, with its own zip ================================

from cheat_attempts import BACKPROP_AUTODIFF, BACKPROP_AUTODIFF_SCENARIOS  # noqa: E402


@dataclass
class OwnBatch:
    results: dict[str, dict]
    scores: dict[str, float]
    leak_forms: set[str]
    names: list[str]


@pytest.fixture(scope="module")
def backprop_autodiff_batch(built_project, tmp_path_factory):
    assignment = built_project[BACKPROP_AUTODIFF]
    root = tmp_path_factory.mktemp("cheat-attempts-backprop-autodiff")
    blank = nbformat.read(assignment.built_samples_dir / f"{BLANK}.ipynb", as_version=4)
    submissions = {BLANK: assignment.built_samples_dir / f"{BLANK}.ipynb"}
    for scenario in BACKPROP_AUTODIFF_SCENARIOS:
        folder = root / scenario.__name__
        folder.mkdir()
        submissions[scenario.__name__] = scenario(copy.deepcopy(blank), folder)
    with zipfile.ZipFile(assignment.autograder_zip) as archive:
        numbers = json.loads(archive.read(f"reference/numbers/{BACKPROP_AUTODIFF}.json"))
    jobs = [(Submission(name, path), root / "results" / name / "results.json") for name, path in submissions.items()]
    with Grader(assignment.autograder_zip, jobs=2) as grader:
        graded = grader.grade(jobs, settings=_settings(assignment.autograder_zip))
    return OwnBatch(results={name: json.loads((root / "results" / name / "results.json").read_text())
                             for name in submissions},
                    scores={name: outcome.score for name, outcome in graded.items()},
                    leak_forms=leak_forms(_floats(numbers["cases"])), names=list(submissions))


@pytest.mark.parametrize("name, expect", [pytest.param(s.__name__, e, id=s.__name__)
                                          for s, e in BACKPROP_AUTODIFF_SCENARIOS.items()])
def test_backprop_autodiff_attack_earns_no_hidden_point(backprop_autodiff_batch, name, expect):
    results = backprop_autodiff_batch.results[name]
    grading = gradescope.from_gradescope(results)
    earned = [(q.name, c.name) for q in grading.questions for c in q.cases
              if c.passed and (c.hidden or not expect.public_points)]
    assert not earned, f"{name} earned {earned}:\n{visible_text(results)}"
    assert backprop_autodiff_batch.scores[BLANK] == 0


@pytest.mark.parametrize("name", [s.__name__ for s in BACKPROP_AUTODIFF_SCENARIOS])
def test_backprop_autodiff_attack_sees_no_hidden_number(backprop_autodiff_batch, name):
    text = visible_text(backprop_autodiff_batch.results[name])
    found = sorted(set(NUMBER.findall(text)) & backprop_autodiff_batch.leak_forms)
    assert not found, f"{name} made the feedback show {found[:5]}:\n{text}"
