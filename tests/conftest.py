"""Shared fixtures: every assignment built once into a scratch project, its samples graded once.

Building and grading are the slow parts of the suite, so tests read these session-wide
outputs instead of rebuilding. No test writes into the repository.
"""

from __future__ import annotations

import io
import shutil

import pytest

from autograder import build as build_stage
from autograder.catalog import Assignment
from autograder.grade import grade_many
from scratch_project import ASSIGNMENT_NAMES, copy_project


class _Lazy(dict):
    """A dict that makes each value on first access, so ``-k`` runs build only what they use."""

    def __init__(self, make):
        super().__init__()
        self._make = make

    def __missing__(self, name):
        self[name] = self._make(name)
        return self[name]


@pytest.fixture(scope="session")
def built_project(tmp_path_factory):
    """Each assignment built once into a scratch project: {name: Assignment}."""
    root = copy_project(tmp_path_factory.mktemp("project"), ASSIGNMENT_NAMES)

    def build(name):
        assignment = Assignment(name, root)
        build_stage.build(assignment)
        return assignment

    return _Lazy(build)


@pytest.fixture(scope="session")
def graded_samples(built_project, tmp_path_factory):
    """The samples and the solution of each assignment, graded once: {name: {stem: outcome}}."""

    def grade(name):
        assignment = built_project[name]
        out = tmp_path_factory.mktemp(f"graded-{name}")
        solution = out / "solution" / "solution.ipynb"
        solution.parent.mkdir()
        shutil.copy(assignment.solution_notebook, solution)
        submissions = [*sorted(assignment.built_samples_dir.glob("*.ipynb")), solution]
        outcomes = grade_many(assignment.autograder_zip, submissions, out / "results", jobs=2)
        return {outcome.name: outcome for outcome in outcomes}

    return _Lazy(grade)


class ThroughTheJudge:
    """A module of checks whose check functions receive proxies, as in the judge.

    ``ThroughTheJudge(checks).some_check(function, numbers=...)`` hands ``some_check`` the
    engine's proxy of ``function`` (named after the check's parameter) instead of the function
    itself; every other attribute of the module is its own.
    """

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        import inspect

        value = getattr(self._module, name)
        if not inspect.isfunction(value) or value.__module__ != self._module.__name__:
            return value
        parameters = list(inspect.signature(value).parameters)
        if "numbers" not in parameters and not name.endswith("_public") and "_public_" not in name:
            return value
        graded = [p for p in parameters if p != "numbers"]

        def judged(*objects, **options):
            named = {n: o for o, n in zip(objects, graded) if o is not None}
            proxies = as_students(named)
            return value(*[proxies.get(n) for n in graded[:len(objects)]], **options)

        return judged


def as_student(obj, name: str):
    """``obj`` as a check receives it in the judge: the engine's proxy for the notebook name
    ``name`` (the student's "process" being this one, with the very codec of a grading)."""
    return as_students({name: obj})[name]


def as_students(objects: dict) -> dict:
    """Several notebook names as one test receives them: proxies of one student process, so
    that an object one of them returns can be passed to another (a Var to an operation)."""
    from autograder.grading_runtime.remote import Session

    return Session.in_process(dict(objects)).proxies(list(objects))


def reader_of(data: bytes):
    """A ``read_exactly`` over ``data`` that raises ``EOFError`` when it runs out, as the channel does."""
    stream = io.BytesIO(data)

    def read_exactly(size: int) -> bytes:
        chunk = stream.read(size)
        if len(chunk) < size:
            raise EOFError
        return chunk

    return read_exactly


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium for the whole session (see ``browser.py``)."""
    from playwright.sync_api import sync_playwright

    import browser as browser_module

    with sync_playwright() as playwright:
        chromium = browser_module.launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def browser_artefacts(tmp_path_factory):
    """Where browser tests keep their screenshots (kept after the run)."""
    import browser as browser_module

    return browser_module.artefacts_dir(tmp_path_factory.getbasetemp())


def landlock_abi() -> int:
    """This kernel's Landlock ABI version, 0 where it has none (or the package is missing)."""
    try:
        import landlock

        return landlock.landlock_abi_version()
    except Exception:
        return 0
