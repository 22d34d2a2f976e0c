"""Does autograder.zip behave as Gradescope will run it?"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from autograder.grading_runtime import environment_check, results
from autograder.grading_runtime.settings import RuntimeSettings
from scratch_project import ASSIGNMENT_NAMES

ENGINE = "autograder/grading_runtime"


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_zip_has_gradescopes_entry_points_our_engine_and_its_own_checks_only(built_project, name):
    with zipfile.ZipFile(built_project[name].autograder_zip) as archive:
        infos = {info.filename: info for info in archive.infolist()}
        assert {"setup.sh", "run_autograder", "run_grader.py", f"{ENGINE}/judge.py",
                f"{ENGINE}/settings.json", f"autograder/checks/{name}.py", f"reference/{name}.py",
                f"reference/numbers/{name}.json", "otter_config.json"} <= set(infos)
        assert not {"run_otter.py", "requirements.txt"} & set(infos), "otter's runner is not shipped"
        for script in ("setup.sh", "run_autograder"):
            assert infos[script].external_attr >> 16 & 0o111, f"{script} must be executable"
        others = [n for n in infos if n.endswith(".py") and (n.startswith("autograder/checks/")
                  or n.startswith("reference/")) and n.rsplit("/", 1)[-1].removesuffix(".py") in
                  set(ASSIGNMENT_NAMES) - {name}]
        assert not others, "the zip ships only its own assignment's checks and reference"
        assert [n for n in infos if n.startswith("reference/numbers/")] == [f"reference/numbers/{name}.json"]


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_the_grading_image_pins_what_made_the_numbers_and_serves_the_student_user(built_project, name):
    with zipfile.ZipFile(built_project[name].autograder_zip) as archive:
        setup = archive.read("setup.sh").decode()
        environment = archive.read("environment.yml").decode()
        numbers = json.loads(archive.read(f"reference/numbers/{name}.json"))
        settings = json.loads(archive.read(f"{ENGINE}/settings.json"))
    assert "set -euo pipefail" in setup and "environment_check" in setup
    assert "useradd" in setup and "/opt/" in setup and "/root/" not in setup
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in environment
    assert f"torch=={numbers['versions']['torch']}" in environment
    assert f"numpy=={numbers['versions']['numpy']}" in environment
    assert "python=3.11" in environment and "otter-grader" not in environment
    for package in ("ipython==", "pyseccomp==", "landlock==", "fastjsonschema=="):
        assert package in environment, package
    assert settings["expected_versions"]["numpy"] == numbers["versions"]["numpy"]


def test_environment_check_passes_here_and_names_a_mismatch():
    assert environment_check.problems({"torch": __import__("torch").__version__}) == []
    found = environment_check.problems({"torch": "0.0.1"})
    assert found and "torch is" in found[0] and "expected 0.0.1" in found[0]


def test_settings_reject_unknown_keys_with_a_suggestion():
    with pytest.raises(ValueError, match="did you mean 'cell_timeout_seconds'"):
        RuntimeSettings.from_dict({"cell_timeout_second": 5})
    assert set(RuntimeSettings.describe()) == set(RuntimeSettings().__dict__)


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_every_results_file_matches_gradescopes_schema(graded_samples, name):
    for stem, outcome in graded_samples[name].items():
        written = results.to_gradescope(outcome.grading)
        assert results.schema_errors(written) == [], stem
        assert written["execution_time"] > 0
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
