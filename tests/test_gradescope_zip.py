"""Does autograder.zip behave as Gradescope will run it?"""

from __future__ import annotations

import ast
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import numpy
import pytest
import torch
from packaging.requirements import Requirement as Dependency
from packaging.utils import canonicalize_name

from autograder import package
from autograder.errors import BuildError
from autograder.grading_runtime import environment_check, results
from autograder.grading_runtime.environment_check import Requirement, read_requirements
from scratch_project import ASSIGNMENT_NAMES, REPO

ENGINE = "autograder/grading_runtime"
PACKAGES = {"autograder", "autograder.checks", "reference"}
# Run in a fresh `python -I` with the unpacked zip first on its path and the toolkit's own
# install (an editable one: a finder on sys.meta_path, or the repository on sys.path) taken
# away, as on Gradescope: imports every module the zip ships, then says where each module of
# ours came from and which other modules were loaded.
IMPORT_EVERYTHING = """
import importlib, json, sys
root, names = sys.argv[1], sys.argv[2:]
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in type(f).__module__.lower()]
sys.path[:] = [root] + [p for p in sys.path if p and p.rstrip("/") != REPOSITORY]
for name in list(sys.modules):
    if name.split(".")[0] in ("autograder", "reference"):
        del sys.modules[name]
for name in names:
    importlib.import_module(name)
print(json.dumps({name: getattr(module, "__file__", None) for name, module in sys.modules.items()}))
"""


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_zip_has_gradescopes_entry_points_our_engine_and_its_own_checks_only(built_project, name):
    with zipfile.ZipFile(built_project[name].autograder_zip) as archive:
        infos = {info.filename: info for info in archive.infolist()}
        assert {"setup.sh", "run_autograder", "run_grader.py", f"{ENGINE}/judge.py",
                f"{ENGINE}/settings.json", f"autograder/checks/{name}.py", f"reference/{name}.py",
                f"reference/numbers/{name}.json", "otter_config.json"} <= set(infos)
        assert not {"run_otter.py", "environment.yml"} & set(infos), "otter's runner is not shipped"
        for script in ("setup.sh", "run_autograder"):
            assert infos[script].external_attr >> 16 & 0o111, f"{script} must be executable"
        judge_side = {n for n in infos if n.endswith(".py") and n.split("/")[0] in ("autograder", "reference")
                      and not n.startswith(f"{ENGINE}/")}
        assert judge_side == {f"{m.replace('.', '/')}{'/__init__' if m in PACKAGES else ''}.py"
                              for m in package.judge_modules(name)}, \
            "the zip ships the engine, and of the checks and the reference only what its own import"
        assert {"reference/separation.py", "reference/numbers.py", "autograder/checks/values.py"} <= judge_side
        assert [n for n in infos if n.startswith("reference/numbers/")] == [f"reference/numbers/{name}.json"]


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_every_module_the_zip_ships_imports_from_the_zip_and_the_image_alone(built_project, name, tmp_path):
    """The list of shipped files (derived by package.judge_modules) is held to what the code
    imports: each shipped module imports in isolation, with only the unpacked zip and the
    installed distributions on the path, finds every module of ours in the zip, and loads no
    distribution that requirements.txt does not list."""
    with zipfile.ZipFile(built_project[name].autograder_zip) as archive:
        archive.extractall(tmp_path)
    pinned = {canonicalize_name(r.distribution)
              for r in read_requirements((tmp_path / "requirements.txt").read_text(encoding="utf-8"))}
    shipped = sorted(str(p.relative_to(tmp_path).with_suffix("")).replace("/", ".").removesuffix(".__init__")
                     for p in tmp_path.rglob("*.py")
                     if p.relative_to(tmp_path).parts[0] in ("autograder", "reference") and p.name != "run_grader.py")
    finished = subprocess.run([sys.executable, "-I", "-c", IMPORT_EVERYTHING.replace("REPOSITORY", repr(str(REPO))),
                               str(tmp_path), *shipped], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert finished.returncode == 0, finished.stderr[-3000:]
    loaded = json.loads(finished.stdout)
    ours = {module: path for module, path in loaded.items() if module.split(".")[0] in ("autograder", "reference")}
    assert set(shipped) <= set(ours)
    outside = {module: path for module, path in ours.items() if not (path or "").startswith(str(tmp_path))}
    assert not outside, "modules of ours that the zip does not ship"
    # (what our code imports, wherever in its code; what those import in turn is the image's
    # own closure, tested below, and optional imports of theirs may be absent)
    imported = {node.module if isinstance(node, ast.ImportFrom) else alias.name
                for path in ours.values() for node in ast.walk(ast.parse(Path(path).read_text(encoding="utf-8")))
                if isinstance(node, (ast.Import, ast.ImportFrom)) and not getattr(node, "level", 0)
                for alias in node.names}
    providers = metadata.packages_distributions()
    needed = {canonicalize_name(dist) for module in imported for dist in providers.get(module.split(".")[0], [])
              if module.split(".")[0] not in ("autograder", "reference")}
    assert {"numpy", "torch"} <= needed <= pinned, f"imported, yet not in requirements.txt: {sorted(needed - pinned)}"


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_the_grading_image_pins_what_made_the_numbers_and_serves_the_student_user(built_project, name):
    with zipfile.ZipFile(built_project[name].autograder_zip) as archive:
        setup = archive.read("setup.sh").decode()
        pins = {r.distribution: r for r in read_requirements(archive.read("requirements.txt").decode())}
        numbers = json.loads(archive.read(f"reference/numbers/{name}.json"))
    assert "set -euo pipefail" in setup and "useradd" in setup and "/root/" not in setup
    assert pins["torch"].version == numbers["versions"]["torch"] and pins["torch"].version.endswith("+cpu")
    assert pins["numpy"].version == numbers["versions"]["numpy"]
    assert "otter-grader" not in pins


def test_setup_sh_installs_without_a_pip_cache():
    """The image keeps no pip cache. The emulated build cannot show one (pip caches HTTPS
    downloads only, and the test serves files), so this reads setup.sh: every pip call goes
    through its one pip command, which has --no-cache-dir."""
    setup = (REPO / "autograder" / "grading_runtime" / "setup.sh").read_text(encoding="utf-8")
    command = re.search(r"^pip=\((.*?)\)$", setup, re.M | re.S)
    assert command and "--no-cache-dir" in command[1].split()
    assert setup.count("-m pip") == 1 and not re.search(r"^\s*(\S*/)?pip3?\s", setup, re.M), \
        "pip runs only through that command"


def test_one_list_says_what_the_image_holds_and_pyproject_pins_it(built_project):
    """IMAGE_PACKAGES is what the build writes into requirements.txt, with the module each
    gives; each is a dependency of the toolkit, at a version its pyproject.toml allows."""
    with zipfile.ZipFile(built_project["mlp_intro"].autograder_zip) as archive:
        pins = read_requirements(archive.read("requirements.txt").decode())
    assert {r.distribution: r.module for r in pins if r.module} == package.IMAGE_PACKAGES
    assert {"numpy", "torch", "scipy", "matplotlib"} <= set(package.IMAGE_PACKAGES.values()), \
        "the course contract's libraries"
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {canonicalize_name(d.name): d.specifier
                for d in map(Dependency, pyproject["project"]["dependencies"])}
    for requirement in pins:
        if requirement.module:
            assert requirement.distribution in declared, f"{requirement.distribution} is not in pyproject.toml"
            assert declared[requirement.distribution].contains(requirement.version), \
                f"the image pins {requirement.line()}, pyproject.toml says {declared[requirement.distribution]}"


def test_the_image_lists_every_dependency_of_what_it_holds():
    """requirements.txt is closed: setup.sh installs it with --no-deps."""
    pins = package.grading_environment({"torch": torch.__version__, "numpy": numpy.__version__,
                                        "python": platform.python_version()}).requirements
    listed = {r.distribution for r in pins}
    markers = package.image_markers(platform.python_version())
    for requirement in pins:
        for text in metadata.requires(requirement.distribution) or []:
            dependency = Dependency(text)
            if dependency.marker is None or dependency.marker.evaluate(markers):
                assert canonicalize_name(dependency.name) in listed, f"{requirement.distribution} needs {text}"


def test_a_build_refuses_numbers_made_with_another_torch_than_the_installed_one():
    with pytest.raises(BuildError, match="reference numbers were made with torch 2.0.0"):
        package.grading_environment({"torch": "2.0.0", "numpy": numpy.__version__, "python": "3.11.7"})


def test_environment_check_passes_here_and_names_each_problem():
    here = [Requirement("torch", torch.__version__, "torch"), Requirement("numpy", numpy.__version__)]
    assert environment_check.problems(here) == []
    found = environment_check.problems([Requirement("torch", "0.0.1", "torch"),
                                        Requirement("no-such-distribution", "1.0"),
                                        Requirement("numpy", numpy.__version__, "no_such_module")])
    assert found[0] == f"torch is {torch.__version__}, but the zip pins torch==0.0.1"
    assert found[1] == "no-such-distribution is not installed (the zip pins no-such-distribution==1.0)"
    assert found[2].startswith(f"cannot import no_such_module (from numpy=={numpy.__version__}): "
                               "ModuleNotFoundError")


def test_the_requirements_file_reads_back_what_was_written():
    written = [Requirement("torch", "2.13.0+cpu", "torch"), Requirement("ipython", "9.18.1", "IPython"),
               Requirement("typing-extensions", "4.16.0")]
    text = environment_check.format_requirements(written, "a comment\nof two lines")
    assert text.startswith("# a comment\n# of two lines\ntorch==2.13.0+cpu  # import torch\n")
    assert environment_check.read_requirements(text) == written
    with pytest.raises(ValueError, match="line 2 .* not `name==version`"):
        environment_check.read_requirements("numpy==2.4.6\nscipy>=1.0\n")


def test_the_environment_check_fails_without_a_requirements_file(tmp_path, capsys):
    assert environment_check.main([str(tmp_path / "requirements.txt")]) == 1
    assert "cannot read the image's requirements" in capsys.readouterr().err


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_every_results_file_matches_gradescopes_schema(graded_samples, name):
    for stem, outcome in graded_samples[name].items():
        written = results.to_gradescope(outcome.grading)
        assert results.schema_errors(written) == [], stem
        assert "execution_time" not in written, "students would read the time a submission chose"
        assert outcome.grading.seconds > 0 and written["extra_data"]["grading"]["seconds"] > 0
        assert written["output"].startswith("Your notebook was graded")


def test_the_schema_catches_what_gradescope_would_refuse():
    assert results.schema_errors({"tests": [{"name": "q1", "score": 1, "visibility": "sometimes"}]})
    assert results.schema_errors({"score": "ten"})
    assert results.schema_errors({"tests": [{"name": "q1", "max_score": 2}]}), "no score anywhere"


def test_the_zips_own_run_autograder_grades_in_gradescopes_tree(built_project, tmp_path):
    """The very script Gradescope calls, in Gradescope's layout, writes a valid results file."""
    assignment = built_project["mlp_intro"]
    tree = tmp_path / "autograder"
    for folder in ("source", "submission", "results"):
        (tree / folder).mkdir(parents=True)
    with zipfile.ZipFile(assignment.autograder_zip) as archive:
        archive.extractall(tree / "source")
    shutil.copy(tree / "source" / "run_autograder", tree / "run_autograder")
    shutil.copy(assignment.built_samples_dir / "partly_wrong.ipynb", tree / "submission" / "notebook.ipynb")
    path = f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ.get('PATH', '')}"
    finished = subprocess.run(["bash", str(tree / "run_autograder")], env=dict(os.environ, PATH=path),
                              capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    written = json.loads((tree / "results" / "results.json").read_text())
    assert results.schema_errors(written) == []
    assert written["score"] == 10
    if os.geteuid() == 0:
        assert (tree / "source").stat().st_mode & 0o777 == 0o700, "the tests are the judge's alone"


def test_a_failing_hidden_test_shows_the_checks_words_not_its_code(graded_samples):
    grading = graded_samples["mlp_intro"]["partly_wrong"].grading
    text = results.question_text(next(q for q in grading.questions if q.name == "q3_cross_entropy"))
    assert "the loss looks like the sum over the batch, not the mean" in text
    assert "cross_entropy_matches_reference" not in text and "Error at line" not in text


def test_the_runner_finds_its_tree_from_its_own_location(built_project):
    """No /autograder path is baked into the engine: it works wherever the zip is unpacked."""
    with zipfile.ZipFile(built_project["mlp_intro"].autograder_zip) as archive:
        runner = archive.read("run_grader.py").decode()
        script = archive.read("run_autograder").decode()
        engine = {n: archive.read(n).decode() for n in archive.namelist()
                  if n.startswith(ENGINE) and n.endswith(".py")}
    assert "Path(__file__)" in runner and '"/autograder' not in runner
    assert "source/run_grader.py" in script and "python -I" in script
    assert not [n for n, text in engine.items() if '"/autograder' in text]


def test_the_engine_grades_with_the_zips_own_modules_only(built_project, tmp_path):
    """The project is installed for development here (an editable install, whose import hook
    finds its modules): a zip that lacks one of its modules must fail here as it would on
    Gradescope, not borrow the module from the checkout."""
    with zipfile.ZipFile(built_project["mlp_intro"].autograder_zip) as archive:
        archive.extractall(tmp_path / "source")
    (tmp_path / "source" / "reference" / "separation.py").unlink()
    probe = ("import runpy, sys\n"
             "sys.argv = ['run_grader.py', '--help']  # sets the engine up, then stops\n"
             "try: runpy.run_path('run_grader.py', run_name='__main__')\n"
             "except SystemExit: pass\n"
             "import reference.mlp_intro")
    finished = subprocess.run([sys.executable, "-I", "-c", probe], cwd=tmp_path / "source",
                              capture_output=True, text=True, timeout=120)
    assert "No module named 'reference.separation'" in finished.stderr, finished.stderr[-2000:]
