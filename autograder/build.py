"""Build an assignment: student version, grader version and samples; or check staleness.

A build happens in a scratch folder first. Only when every stage has succeeded, and the
solution notebook has scored full marks with the final zip, are the outputs written to
``student_release/<name>/`` and ``dist/<name>/``.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder import answers, checker_cell, leaks, package, reproducible, split
from autograder.grading_runtime import results as gradescope
from autograder.catalog import Assignment
from autograder.errors import BuildError, StaleRelease
from autograder.grade import grade_one
from reference import numbers as reference_numbers


@dataclass
class BuiltAssignment:
    """Every file a build of one assignment produces, in memory."""

    assignment: Assignment
    student_files: dict[str, bytes] = field(default_factory=dict)  # path in the release -> bytes
    solution_notebook: bytes = b""
    zip_entries: dict[str, bytes] = field(default_factory=dict)
    samples: dict[str, bytes] = field(default_factory=dict)  # sample name -> notebook bytes


def _notebook_bytes(notebook: nbformat.NotebookNode) -> bytes:
    return (nbformat.writes(notebook) + "\n").encode("utf-8")


def _numbers_file(assignment: Assignment, numbers_dir: Path) -> Path:
    path = reference_numbers.path_for(assignment.name, numbers_dir)
    if not path.is_file():
        raise BuildError(f"no reference numbers for {assignment.name} at {path}",
                         f"run `autograder reference {assignment.name}`")
    return path


def _samples(assignment: Assignment, student: nbformat.NotebookNode) -> dict[str, bytes]:
    samples = {}
    for answer_file in sorted(assignment.samples_dir.glob("*.py")):
        try:
            filled = answers.fill(student, answers.definitions(answer_file.read_text(encoding="utf-8")))
        except answers.AnswerError as error:
            raise BuildError(f"{answer_file}: {error}") from None
        samples[answer_file.stem] = _notebook_bytes(filled)
    return samples


def build_in_memory(assignment: Assignment, scratch: Path,
                    numbers_dir: Path = reference_numbers.NUMBERS_DIR) -> BuiltAssignment:
    """Run every build stage for ``assignment`` inside ``scratch``."""
    numbers_file = _numbers_file(assignment, numbers_dir)
    numbers = json.loads(numbers_file.read_text(encoding="utf-8"))
    versions = numbers["versions"]
    environment = package.grading_environment(versions)
    staged = split.stage(assignment, environment.python_version, scratch / "staged")
    result = split.run_otter_assign(staged, scratch / "otter", assignment)

    notebook_name = assignment.master.name
    student = nbformat.read(result.student_dir / notebook_name, as_version=4)
    tests = checker_cell.public_tests(student)
    # the files the master gives students (its config's `files`) travel inside the notebook:
    # the release is the one .ipynb, which works wherever it is opened
    data = {path.relative_to(result.student_dir).as_posix(): path.read_bytes()
            for path in sorted(result.student_dir.rglob("*"))
            if path.is_file() and path.relative_to(result.student_dir).as_posix() != notebook_name}
    package.finish_notebook(student, tests, assignment.name, numbers, data, environment)
    _refuse_leaks(assignment, student)
    built = BuiltAssignment(assignment)
    built.student_files[notebook_name] = _notebook_bytes(student)
    built.solution_notebook = _notebook_bytes(package.finish_notebook(
        nbformat.read(result.solution_notebook, as_version=4), tests, assignment.name, numbers, data, environment))
    built.zip_entries = package.zip_entries(result.autograder_zip, environment, assignment.name,
                                            numbers_file)
    built.samples = _samples(assignment, student)
    return built


def _refuse_leaks(assignment: Assignment, student: nbformat.NotebookNode) -> None:
    """Stop the build where a line of the solution reaches the student release (see :mod:`.leaks`)."""
    set_up = next(number for number, cell in enumerate(student.cells, start=1)
                  if cell.source.startswith(checker_cell.TITLE))
    carried = {path: content for path, (kind, content) in
               checker_cell.unpack(student.cells[set_up - 1].source)["files"].items() if kind == "text"}
    found = leaks.find(split.read_master(assignment), student, carried, set_up_cell=set_up)
    if found:
        raise BuildError(f"{assignment.master}: the student release would show the solution:\n"
                         + "\n".join(f"  {leak}" for leak in found),
                         "reword the check's text or the given code; a formula the exercise's "
                         "instructions spell out may be quoted")


def _write_tree(files: dict[str, bytes], folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    for relative, data in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _check_solution(built: BuiltAssignment, scratch: Path) -> None:
    """The solution notebook must score full marks with the final zip."""
    assignment = built.assignment
    zip_path = scratch / "autograder.zip"
    reproducible.write_zip(built.zip_entries, zip_path)
    solution = scratch / "solution" / assignment.master.name
    solution.parent.mkdir()
    solution.write_bytes(built.solution_notebook)
    grading = grade_one(zip_path, solution).grading
    lost = [q for q in grading.questions if q.score < q.max_score]
    if grading.status == gradescope.GRADED and not lost:
        return
    detail = "\n".join(f"--- {gradescope.question_text(q)}" for q in lost)
    problems = "\n".join(grading.staff.grader_problems) or grading.staff.grader_error
    raise BuildError(
        f"{assignment.master}: the solution fails its own tests in "
        f"{', '.join(q.name for q in lost) or 'every question'}\n{detail or grading.message}\n{problems}".rstrip(),
        "fix the solution or the tests of those questions in the master notebook",
    )


def build(assignment: Assignment, numbers_dir: Path = reference_numbers.NUMBERS_DIR,
          verify_solution: bool = True) -> BuiltAssignment:
    """Build ``assignment`` and write its outputs; raises ``BuildError`` and writes nothing on failure."""
    with tempfile.TemporaryDirectory(prefix=f"build-{assignment.name}-") as scratch:
        built = build_in_memory(assignment, Path(scratch), numbers_dir)
        if verify_solution:
            _check_solution(built, Path(scratch))
    _write_tree(built.student_files, assignment.student_dir)
    if assignment.dist_dir.exists():
        shutil.rmtree(assignment.dist_dir)
    reproducible.write_zip(built.zip_entries, assignment.autograder_zip)
    assignment.solution_notebook.write_bytes(built.solution_notebook)
    _write_tree({f"{name}.ipynb": data for name, data in built.samples.items()},
                assignment.built_samples_dir)
    return built


def stale_files(assignment: Assignment, numbers_dir: Path = reference_numbers.NUMBERS_DIR) -> list[str]:
    """Files of ``student_release/<name>/`` that differ from a fresh build (or are missing or extra)."""
    with tempfile.TemporaryDirectory(prefix=f"check-{assignment.name}-") as scratch:
        wanted = build_in_memory(assignment, Path(scratch), numbers_dir).student_files
    present = {
        path.relative_to(assignment.student_dir).as_posix(): path.read_bytes()
        for path in sorted(assignment.student_dir.rglob("*")) if path.is_file()
    } if assignment.student_dir.is_dir() else {}
    names = sorted(set(wanted) | set(present))
    return [name for name in names if wanted.get(name) != present.get(name)]


def check(assignment: Assignment, numbers_dir: Path = reference_numbers.NUMBERS_DIR) -> None:
    stale = stale_files(assignment, numbers_dir)
    if stale:
        raise StaleRelease(
            f"student_release/{assignment.name} is stale: {', '.join(stale)}",
            f"run `autograder build {assignment.name}` and commit the result",
        )
