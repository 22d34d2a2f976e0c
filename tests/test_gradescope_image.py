"""Does the zip build its image, and grade, in a container like Gradescope's?

``gradescope_container.py`` emulates the container. Once per session, the zip's setup.sh
builds the image in one; then every sample submission is graded by the zip's run_autograder
in a fresh container of that image, under each condition (this machine's defaults, then
Docker's capabilities, its seccomp profile, Landlock unavailable, 768 MB) and with each
layout of the Python environment (A: the image's, under /opt; B: the project's .venv, whose
base interpreter lies under /root, which the student's user cannot enter). The runs go two
at a time, all at once, before the first test that reads one; ``-k`` runs only those needed.

Where layout B meets a condition without namespaces, nothing can show the student's user
the Python it must run on: the engine refuses to grade there, runs no student code, and says
how to fix the image.
"""

from __future__ import annotations

import json
import re
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import nbformat
import pytest

import gradescope_container as container
from autograder.grading_runtime import results
from autograder.grading_runtime.environment_check import read_requirements
from autograder.grading_runtime.sandbox import Isolation
from conftest import landlock_abi
from scratch_project import ASSIGNMENT_NAMES

CANNOT_EMULATE = container.unavailable()
pytestmark = pytest.mark.skipif(CANNOT_EMULATE is not None,
                                reason=f"cannot emulate Gradescope's container: {CANNOT_EMULATE}")
NO_MEMORY_LIMIT = None if CANNOT_EMULATE else container.memory_limit_unavailable()

SAMPLES = ("blank", "complete", "partly_wrong")
CHEAT = "cheat"  # the blank sample, and a cell that goes after the tests and the results file
STUDENT_USER = re.compile(r"uid 640\d\d, an unprivileged user of its own")
PARALLEL_RUNS = 2
ENVIRONMENT_CHECK = ("import sys; sys.path.insert(0, '/autograder/source'); "
                     "from autograder.grading_runtime import environment_check; sys.exit(environment_check.main())")

CHEAT_CELL = '''
import json, os, pathlib
print("CHEAT RAN")
FREE_POINTS = """

@test_case(points=100, hidden=False)
def test_free_points():
    assert True
"""
try:
    names = os.listdir("/autograder/source/tests")
except OSError as error:
    names = []
    print("cannot list the tests:", type(error).__name__)
for name in names:
    path = pathlib.Path("/autograder/source/tests", name)
    try:
        path.write_text(path.read_text() + FREE_POINTS)
        print("changed", path)
    except OSError as error:
        print("cannot change", path, type(error).__name__)
try:
    pathlib.Path("/autograder/results/results.json").write_text(
        json.dumps({"score": 100, "output": "CHEATED", "tests": []}))
    print("wrote results.json")
except OSError as error:
    print("cannot write results.json:", type(error).__name__)
'''


@dataclass(frozen=True)
class Case:
    """One submission graded in one container."""

    assignment: str
    sample: str  # a sample's name, or CHEAT
    condition: container.Condition
    layout: str

    @property
    def id(self) -> str:
        condition = re.sub(r"[^a-z0-9]+", "-", self.condition.name.lower()).strip("-")
        return f"{self.assignment}-{self.sample}-{condition}-{self.layout}"

    @property
    def environment_hidden(self) -> bool:
        """Layout B without namespaces: the student's user cannot read its Python, and no mount
        namespace can show it."""
        return self.layout == container.PROJECT_VENV and not self.condition.namespaces_allowed


def _cases() -> list[Case]:
    found = [Case("mlp_intro", sample, condition, layout)
             for condition in container.CONDITIONS for layout in container.LAYOUTS
             for sample in (*SAMPLES, CHEAT)]
    found += [Case(name, sample, container.STRICTEST, container.IMAGE_PYTHON)
              for name in ASSIGNMENT_NAMES if name != "mlp_intro" for sample in SAMPLES]
    return found


def _runnable(case: Case) -> bool:
    return not (case.condition.memory_limit and NO_MEMORY_LIMIT)


def _params(cases: list[Case]):
    return [pytest.param(case, id=case.id,
                         marks=pytest.mark.skipif(not _runnable(case), reason=NO_MEMORY_LIMIT or ""))
            for case in cases]


CASES = _cases()
GRADED = [c for c in CASES if c.sample != CHEAT and not c.environment_hidden]
CHEATS = [c for c in CASES if c.sample == CHEAT and not c.environment_hidden]
REFUSED = [c for c in CASES if c.environment_hidden]


# --- fixtures: the image, the submissions, the runs -------------------------------------------------


@pytest.fixture(scope="session")
def downloads(built_project):
    """What setup.sh downloads, made locally: ((the Python tarball, its SHA-256), the index's
    ``simple`` folder, seconds taken)."""
    started = time.monotonic()
    python = container.python_tarball()
    requirements = zipfile.ZipFile(built_project["mlp_intro"].autograder_zip).read("requirements.txt")
    index = container.package_index(requirements.decode("utf-8"))
    return python, index, time.monotonic() - started


@pytest.fixture(scope="session")
def image(built_project, downloads, tmp_path_factory):
    """The image setup.sh builds from mlp_intro's zip (every zip holds the same setup.sh and
    requirements.txt: ``test_every_zip_builds_the_same_image``)."""
    python, index, _ = downloads
    return container.build_image(built_project["mlp_intro"].autograder_zip,
                                 tmp_path_factory.mktemp("image"), python=python, index=index)


@pytest.fixture(scope="session")
def built_image(image):
    if image.returncode != 0:
        pytest.fail(f"setup.sh failed with status {image.returncode}:\n{image.output[-4000:]}")
    return image


@pytest.fixture(scope="session")
def container_runs(request, built_image, built_project, downloads, tmp_path_factory):
    """Every case the session's tests ask for, graded in containers, two at a time: {case: Run}.

    It also writes ``runs.json`` beside them: the seconds the downloads and setup.sh took, and
    each run's score, isolation record, seconds and peak memory.
    """
    asked = [getattr(item, "callspec", None) for item in request.session.items]
    wanted = list(dict.fromkeys(spec.params["case"] for spec in asked if spec is not None
                                and isinstance(spec.params.get("case"), Case) and _runnable(spec.params["case"])))
    folder = tmp_path_factory.mktemp("containers")
    cheat = _cheat_notebook(built_project["mlp_intro"].built_samples_dir / "blank.ipynb", folder)
    work = []
    for number, case in enumerate(wanted):
        assignment = built_project[case.assignment]  # built here: the lazy build is not thread-safe
        notebook = cheat if case.sample == CHEAT else assignment.built_samples_dir / f"{case.sample}.ipynb"
        work.append((case, assignment.autograder_zip, notebook, folder / f"{number:03d}"))

    def grade(item):
        case, zip_path, notebook, where = item
        return container.run_submission(zip_path, notebook, case.condition, case.layout, built_image, where)

    with ThreadPoolExecutor(PARALLEL_RUNS) as pool:
        runs = dict(zip(wanted, pool.map(grade, work)))
    summary = [{"case": case.id, "returncode": run.returncode, "seconds": round(run.seconds, 1),
                "score": (run.results or {}).get("score"), "peak_memory_mb": run.peak_memory_mb,
                "status": (run.results or {}).get("extra_data", {}).get("status"),
                "isolation": {k: v for k, v in run.isolation.items() if k != "resource_limits"}}
               for case, run in runs.items()]
    (folder / "runs.json").write_text(json.dumps(
        {"downloads_seconds": round(downloads[2], 1), "setup_sh_seconds": round(built_image.seconds, 1),
         "runs": summary}, indent=1))
    return runs


def _cheat_notebook(blank: Path, folder: Path) -> Path:
    notebook = nbformat.read(blank, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(CHEAT_CELL.strip() + "\n"))
    path = folder / "cheat.ipynb"
    nbformat.write(notebook, path)
    return path


def _grading(run: container.Run) -> results.Grading:
    assert run.results is not None, f"no results.json (status {run.returncode}):\n{run.output[-3000:]}"
    assert results.schema_errors(run.results) == []
    return results.from_gradescope(run.results)


def _explain(run: container.Run) -> str:
    staff = {**run.staff, "isolation": {k: v for k, v in run.isolation.items() if k != "resource_limits"}}
    return (f"status {run.returncode}; output:\n{run.output[-2000:]}\n"
            f"staff record:\n{json.dumps(staff, indent=1)[-4000:]}")


# --- the image build ------------------------------------------------------------------------------------


def test_setup_sh_builds_the_image_and_ends_with_the_environment_check(image, built_project):
    """setup.sh runs start to end from the zip alone (only its downloads are local), though
    the machine's pip configuration is set to make any install fail if it leaked in."""
    assert image.returncode == 0, image.output[-4000:]
    requirements = read_requirements(zipfile.ZipFile(built_project["mlp_intro"].autograder_zip)
                                     .read("requirements.txt").decode())
    last = image.stdout.strip().splitlines()[-1]
    assert last.startswith(f"environment check: the {len(requirements)} pinned distributions"), image.output[-2000:]
    assert image.stderr == "", "the build log Gradescope shows holds no warning"


def test_the_image_holds_exactly_the_zips_requirements(built_image, built_project):
    requirements = read_requirements(zipfile.ZipFile(built_project["mlp_intro"].autograder_zip)
                                     .read("requirements.txt").decode())
    site = list((built_image.opt / "autograder-env" / "lib").glob("python3.*/site-packages"))
    installed = {re.sub(r"[-_.]+", "-", d.metadata["Name"]).lower(): d.version
                 for d in metadata.distributions(path=[str(p) for p in site])}
    assert installed.pop("pip"), "the virtual environment's own pip"
    assert installed == {r.distribution: r.version for r in requirements}
    assert "torch" in installed and installed["torch"].endswith("+cpu"), "CPU torch only"


def test_every_user_can_read_the_image_and_none_can_change_it(built_image):
    for top in container.IMAGE_FOLDERS:
        root = built_image.opt / top.removeprefix("/opt/")
        assert root.is_dir(), top
        for path in [root, *root.rglob("*")]:
            if path.is_symlink():
                continue
            mode = path.stat().st_mode
            wanted = 0o005 if path.is_dir() else 0o004
            assert mode & wanted == wanted, f"{path} is not readable by other users ({mode:o})"
            assert not mode & 0o022, f"{path} is writable by other users ({mode:o})"


def test_setup_sh_leaves_no_download_or_cache_behind(built_image):
    written = [p for p in built_image.home.rglob("*") if not p.is_dir()]
    assert not written, f"setup.sh left files in root's home: {written}"
    assert not (built_image.home / ".cache").exists(), "pip must not cache (--no-cache-dir)"
    harness = {container.DOWNLOADS, *(p.relative_to("/tmp").parts[0] for p in container.kept_under_tmp())}
    left = [p.name for p in (built_image.folder / "tmp").iterdir() if p.name not in harness]
    assert not left, f"setup.sh left {left} in /tmp"


def test_every_zip_builds_the_same_image(built_project):
    shared = {"setup.sh", "requirements.txt"}
    first = {name: zipfile.ZipFile(built_project["mlp_intro"].autograder_zip).read(name) for name in shared}
    for name in ASSIGNMENT_NAMES:
        with zipfile.ZipFile(built_project[name].autograder_zip) as archive:
            assert {n: archive.read(n) for n in shared} == first, name


def test_a_tarball_with_another_checksum_stops_the_build(built_project, downloads, tmp_path):
    (tarball, sha256), index, _ = downloads
    wrong = ("0" if sha256[0] != "0" else "1") + sha256[1:]
    build = container.build_image(built_project["mlp_intro"].autograder_zip, tmp_path,
                                  python=(tarball, wrong), index=index)
    assert build.returncode != 0
    assert f"does not have the SHA-256 {wrong}" in build.output
    assert not list(build.opt.iterdir()), "nothing of it was installed"


def test_a_python_of_your_own_needs_its_checksum(built_project, downloads, tmp_path):
    (tarball, _), index, _ = downloads
    build = container.build_image(built_project["mlp_intro"].autograder_zip, tmp_path,
                                  python=(tarball, ""), index=index)
    assert build.returncode != 0
    assert "AUTOGRADER_PYTHON_URL is set without AUTOGRADER_PYTHON_SHA256" in build.output
    assert not list(build.opt.iterdir())


def test_the_environment_check_names_each_problem_and_fails(built_image, built_project, tmp_path):
    """The image's own check, against requirements the image does not meet."""
    source = tmp_path / "source"
    with zipfile.ZipFile(built_project["mlp_intro"].autograder_zip) as archive:
        archive.extractall(source)
    requirements = (source / "requirements.txt").read_text()
    numpy = re.search(r"^numpy==(\S+)", requirements, re.M)[1]
    (source / "requirements.txt").write_text(
        requirements.replace(f"numpy=={numpy}", "numpy==2.3.0") + "pandas==2.3.3  # import pandas\n")
    finished = container.run_in_image(built_image, ["/opt/autograder-env/bin/python", "-I", "-c", ENVIRONMENT_CHECK],
                                      tmp_path / "container", source=source)
    assert finished.returncode == 1, finished.stdout + finished.stderr
    assert finished.stderr.splitlines() == [
        f"environment check: numpy is {numpy}, but the zip pins numpy==2.3.0",
        "environment check: pandas is not installed (the zip pins pandas==2.3.3)",
        "environment check: FAILED, 2 problem(s): this image cannot grade",
    ]


def test_the_environment_check_refuses_a_python_under_root(built_image, built_project, tmp_path):
    """The project's .venv holds every pinned distribution, but its base interpreter lies
    under /root, which the student's user cannot enter: an image made so must not build."""
    source = tmp_path / "source"
    with zipfile.ZipFile(built_project["mlp_intro"].autograder_zip) as archive:
        archive.extractall(source)
    finished = container.run_in_image(built_image, [sys.executable, "-I", "-c", ENVIRONMENT_CHECK],
                                      tmp_path / "container", source=source)
    base = Path(sys.base_prefix).resolve()
    assert finished.returncode == 1, finished.stdout + finished.stderr
    lines = finished.stderr.splitlines()
    assert (f"environment check: {base} is not readable by other users: the student's user could "
            "not run Python (install the environment where every user can read it, as the zip's "
            "setup.sh does under /opt)") in lines
    assert lines[-1].startswith("environment check: FAILED") and len(lines) <= 3, lines


# --- grading in the container ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", _params(GRADED))
def test_a_sample_scores_in_the_container_what_it_scores_locally(case, container_runs, graded_samples):
    run = container_runs[case]
    assert run.returncode == 0, _explain(run)
    grading = _grading(run)
    local = graded_samples[case.assignment][case.sample].grading
    assert grading.status == results.GRADED, _explain(run)
    assert grading.question_scores() == local.question_scores(), _explain(run)
    assert run.results["score"] == results.to_gradescope(local)["score"]
    _assert_isolation_follows_the_condition(case, run)


def _assert_isolation_follows_the_condition(case: Case, run: container.Run) -> None:
    """The student process had a user of its own, and the record shows the condition's
    restrictions took effect (they are the emulation's, so this checks the harness too)."""
    isolation = Isolation.from_dict(run.isolation)
    assert not isolation.refused, _explain(run)
    assert isolation.user.active and STUDENT_USER.search(isolation.user.detail), _explain(run)
    assert isolation.seccomp.active, _explain(run)
    assert isolation.namespaces.active == case.condition.namespaces_allowed, _explain(run)
    assert isolation.landlock.active == (not case.condition.landlock and landlock_abi() > 0), _explain(run)
    if case.condition.memory_limit:
        assert run.peak_memory_mb and run.peak_memory_mb < container.CONTAINER_MEMORY_BYTES / 2**20


@pytest.mark.parametrize("case", _params(CHEATS))
def test_a_cheat_on_the_tests_and_the_results_file_gains_nothing(case, container_runs, graded_samples):
    run = container_runs[case]
    assert run.returncode == 0, _explain(run)
    grading = _grading(run)
    assert "CHEAT RAN" in run.staff.get("notebook output", ""), _explain(run)
    assert grading.status == results.GRADED and run.results["output"] != "CHEATED", _explain(run)
    assert grading.question_scores() == graded_samples["mlp_intro"]["blank"].grading.question_scores()
    assert run.changed_sources == [], "the zip's files are the judge's alone"
    _assert_isolation_follows_the_condition(case, run)


@pytest.mark.parametrize("case", _params(REFUSED))
def test_without_a_python_the_student_can_read_nothing_is_graded(case, container_runs):
    """Layout B without namespaces: no student code may run (it would run as root); the
    student reads why, and staff how to fix the image."""
    run = container_runs[case]
    assert run.returncode == 0, _explain(run)
    grading = _grading(run)
    assert grading.status == results.NOT_GRADED, _explain(run)
    assert "/opt" in grading.message and re.search(r"read", grading.message, re.I), grading.message
    assert Isolation.from_dict(run.isolation).refused == grading.message, "refused before any student code"
    assert "CHEAT RAN" not in run.staff.get("notebook output", "")
    assert run.changed_sources == []


# --- a grader that is not root ---------------------------------------------------------------------------

NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.mark.parametrize(("landlock", "trusted"), [
    (None, False),  # the kernel's Landlock, where it has one, keeps the student from the tests
    ("ENOSYS", False),  # nothing would: refused, with the flag that would lift it
    ("ENOSYS", True),  # declared trusted
])
def test_a_grader_that_is_not_root_grades_only_behind_landlock_or_when_trusted(
        built_image, built_project, tmp_path, landlock, trusted):
    """An instructor's laptop: the engine runs as an ordinary user, so the student keeps that
    user, and only Landlock stands between student code and the tests."""
    behind_landlock = landlock is None and landlock_abi() > 0
    refused = not behind_landlock and not trusted
    source = tmp_path / "source"
    with zipfile.ZipFile(built_project["mlp_intro"].autograder_zip) as archive:
        archive.extractall(source)
    for path in [tmp_path, *tmp_path.rglob("*")]:
        path.chmod(path.stat().st_mode | 0o555 if path.is_dir() else path.stat().st_mode | 0o444)
    engine = ["/opt/autograder-env/bin/python", "-I", "/autograder/source/run_grader.py", "--check-isolation",
              *(["--trust-submissions"] if trusted else [])]
    launcher = ["/opt/autograder-env/bin/python", str(container.SECCOMP_LAUNCHER), "--landlock", landlock, "--"]
    command = [*(launcher if landlock else []), *NOBODY, *engine]
    finished = container.run_in_image(built_image, command, tmp_path / "container", source=source)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    isolation = Isolation.from_dict(json.loads(finished.stdout.strip().splitlines()[-1]))
    assert not isolation.user.active and "65534, the grader's own" in isolation.user.detail
    assert isolation.landlock.active == behind_landlock
    if refused:
        assert "--trust-submissions" in isolation.refused and "Landlock" in isolation.refused
    else:
        assert isolation.refused == ""
