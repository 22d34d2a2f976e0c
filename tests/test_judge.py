"""Does the judge write a results file on every path, with the real reason for staff?

Each scenario runs the zip's own engine in a child Python (``python -I``, from the unpacked
zip, as ``run_grader.py`` runs it) with one part of the sandbox or the engine broken on
purpose by a small patch, grades the complete sample of mlp_intro, and reads the results.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import zipfile

import pytest

from autograder.grading_runtime import results as gradescope
from autograder.grading_runtime import wording

RUN = """
import sys
from pathlib import Path
sys.path.insert(0, {source!r})
from autograder.grading_runtime import batch, judge, remote, sandbox, settings
{patch}
batch.warm_up()
limits = settings.load(Path({source!r}) / "autograder" / "grading_runtime")
job = judge.Job("x", Path({submission!r}), Path({results!r}))
judge.grade(Path({source!r}), job, limits, judge.source_digest(Path({source!r})))
"""


@pytest.fixture(scope="module")
def unpacked(built_project, tmp_path_factory):
    assignment = built_project["mlp_intro"]
    source = tmp_path_factory.mktemp("zip")
    with zipfile.ZipFile(assignment.autograder_zip) as archive:
        archive.extractall(source)
    return source, assignment.built_samples_dir / "complete.ipynb"


def grade_with(unpacked, tmp_path, patch: str) -> gradescope.Grading:
    source, submission = unpacked
    results = tmp_path / "results.json"
    script = RUN.format(source=str(source), submission=str(submission), results=str(results),
                        patch=textwrap.dedent(patch))
    finished = subprocess.run([sys.executable, "-I", "-c", script], capture_output=True, text=True,
                              timeout=300)
    assert finished.returncode == 0, finished.stderr[-3000:]
    written = json.loads(results.read_text())
    assert gradescope.schema_errors(written) == []
    return gradescope.from_gradescope(written)


def test_a_sandbox_that_cannot_be_set_up_still_gives_results_with_the_reason(unpacked, tmp_path):
    grading = grade_with(unpacked, tmp_path, """
        def broken(*args, **kwargs):
            raise OSError("the sandbox library is broken on this machine")
        sandbox.enter = broken
    """)
    assert grading.status == gradescope.NOT_GRADED and grading.message == gradescope.GRADER_FAILED
    assert "the sandbox library is broken on this machine" in grading.staff.grader_error


def test_a_student_process_that_says_nothing_still_gives_results_with_the_reason(unpacked, tmp_path):
    grading = grade_with(unpacked, tmp_path, """
        import os
        judge._student_main = lambda *args: os._exit(3)
    """)
    assert grading.status == gradescope.NOT_GRADED
    assert "sent nothing before it ended" in grading.staff.grader_error


def test_a_refused_sandbox_runs_no_student_code_and_says_the_fix(unpacked, tmp_path):
    grading = grade_with(unpacked, tmp_path, """
        enter = sandbox.enter
        def without_a_user(plan, space, channel, output):
            record = enter(plan, space, channel, output)
            user = sandbox.Layer(False, "the Python environment is in a folder other users cannot enter")
            changed = sandbox.Isolation(**{**record.__dict__, "user": user})
            return sandbox.Isolation(**{**changed.__dict__, "refused": sandbox.refusal(
                changed, grader_is_root=True, trusted=False)})
        sandbox.enter = without_a_user
    """)
    assert grading.status == gradescope.NOT_GRADED
    assert "/opt/autograder-env" in grading.message
    assert grading.staff.isolation.refused == grading.message
    assert grading.staff.notebook_output == "", "no cell of the notebook ran"


def test_a_test_file_changed_during_the_batch_stops_the_grading(unpacked, tmp_path):
    """The batch's digest of the tests is taken before any grading; a grading that finds other
    files grades nothing (it cannot know what else changed)."""
    grading = grade_with(unpacked, tmp_path, """
        read_secrets = judge.Judge._read_secrets
        def after_a_change(self, assignment):
            (self.source / "tests" / "q1_approximate_function.py").open("a").write("\\n# changed\\n")
            return read_secrets(self, assignment)
        judge.Judge._read_secrets = after_a_change
    """)
    assert grading.status == gradescope.NOT_GRADED
    assert "changed on disk since the batch started" in grading.staff.grader_error


def test_the_whole_run_deadline_gives_zero_with_the_reason(unpacked, tmp_path):
    grading = grade_with(unpacked, tmp_path, """
        import dataclasses
        load = settings.load
        settings.load = lambda folder: dataclasses.replace(load(folder), total_timeout_seconds=0.5)
        run_notebook = remote.Session.run_notebook
        def slow(self):
            import time
            time.sleep(5)
        remote.Session.run_notebook = slow
    """)
    assert grading.status == gradescope.NOT_GRADED and "longer than 0.5 s" in grading.message
    assert grading.score == 0 and grading.questions


def test_the_same_file_meets_the_same_hidden_cases_and_another_file_others(unpacked, tmp_path):
    first = grade_with(unpacked, tmp_path, "")
    again = grade_with(unpacked, tmp_path, "")
    assert first.staff.hidden_cases_seed == again.staff.hidden_cases_seed
    assert first.score == again.score == first.max_score
    source, submission = unpacked
    changed = tmp_path / "changed.ipynb"
    notebook = json.loads(submission.read_bytes())
    notebook["metadata"]["resubmitted"] = True
    changed.write_text(json.dumps(notebook))
    other = grade_with((source, changed), tmp_path, "")
    assert other.staff.hidden_cases_seed != first.staff.hidden_cases_seed
    assert other.score == first.score


def _student_processes(judge_pid: int) -> set[int]:
    """The processes under ``judge_pid`` that run as a student user (other gradings on the
    machine, a suite run beside this one, have their own)."""
    import psutil

    from autograder.grading_runtime import sandbox

    students = range(sandbox.STUDENT_UID_BASE, sandbox.STUDENT_UID_BASE + sandbox.MAX_SLOTS)
    try:
        descendants = psutil.Process(judge_pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return set()
    found = set()
    for process in descendants:
        try:
            if process.uids().real in students:
                found.add(process.pid)
        except psutil.NoSuchProcess:
            pass
    return found


@pytest.mark.skipif(__import__("os").geteuid() != 0, reason="student processes get a user of their own as root only")
def test_a_judge_told_to_stop_ends_its_student_processes_and_still_writes_results(unpacked, tmp_path):
    """SIGTERM (a container shut down, an instructor's Ctrl-C) while a cell runs: the judge
    ends the student process and still writes a result."""
    import signal
    import time

    source, submission = unpacked
    results = tmp_path / "results.json"
    notebook = json.loads(submission.read_bytes())
    notebook["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                              "source": "import time\ntime.sleep(120)\n"})
    slow = tmp_path / "slow.ipynb"
    slow.write_text(json.dumps(notebook))
    script = RUN.format(source=str(source), submission=str(slow), results=str(results), patch="")
    judge = subprocess.Popen([sys.executable, "-I", "-c", script])
    deadline = time.monotonic() + 120
    while not _student_processes(judge.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    students = _student_processes(judge.pid)
    assert students, "no student process started"
    time.sleep(2)  # well into the sleeping cell
    judge.send_signal(signal.SIGTERM)
    assert judge.wait(timeout=60) == 0
    grading = gradescope.read(results)
    assert grading.status == gradescope.NOT_GRADED and "stopped before it finished" in grading.message
    import psutil

    assert not [pid for pid in students if psutil.pid_exists(pid)], "a student process outlived its judge"


def test_notes_made_once_hidden_tests_began_reach_staff_only(unpacked, tmp_path):
    """Notes show at once, whatever the assignment's visibility: one made after a hidden input
    reached the student process (a process that could not restart after a hidden test, say)
    would tell something of that input. Here each hidden test leaves the note a failed restart
    leaves; public tests leave one too."""
    grading = grade_with(unpacked, tmp_path, """
        from autograder.grading_runtime import wording
        run_case = judge.run_case
        def noting(session, case, proxies, seconds):
            outcome = run_case(session, case, proxies, seconds)
            session.notes.append(wording.NO_RESTART if case.hidden else "a note from a public test")
            return outcome
        judge.run_case = noting
    """)
    assert grading.status == gradescope.GRADED
    assert "a note from a public test" in grading.notes
    assert wording.NO_RESTART not in grading.notes
    assert wording.NO_RESTART in grading.staff.notes_during_hidden_tests
