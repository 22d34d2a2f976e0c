"""Does autograder.zip behave as Gradescope will run it?"""

from __future__ import annotations

import json
import zipfile

import pytest

from autograder.grade import Submission, lay_out, run_autograder
from autograder.grading_runtime import environment_check, results
from autograder.grading_runtime.settings import RuntimeSettings
from scratch_project import ASSIGNMENT_NAMES


@pytest.mark.parametrize("name", ASSIGNMENT_NAMES)
def test_zip_has_gradescopes_entry_points_and_our_runtime(built_project, name):
    with zipfile.ZipFile(built_project[name].autograder_zip) as archive:
        infos = {info.filename: info for info in archive.infolist()}
        assert {"setup.sh", "run_autograder", "run_otter.py", "grading_runtime/entry.py",
                "grading_runtime/settings.json", f"files/hidden_checks/{name}.py",
                f"files/hidden_checks/numbers/{name}.json"} <= set(infos)
        for script in ("setup.sh", "run_autograder"):
            assert infos[script].external_attr >> 16 & 0o111, f"{script} must be executable"
        setup = archive.read("setup.sh").decode()
        assert "set -euo pipefail" in setup and "grading_runtime.environment_check" in setup
        environment = archive.read("environment.yml").decode()
        numbers = json.loads(archive.read(f"files/hidden_checks/numbers/{name}.json"))
        assert "--extra-index-url https://download.pytorch.org/whl/cpu" in environment
        assert f"torch=={numbers['versions']['torch']}" in environment
        assert f"numpy=={numbers['versions']['numpy']}" in environment
        assert "python=3.11" in environment
        other_checks = [n for n in infos if n.startswith("files/hidden_checks/") and n.endswith(".py")
                        and n.rsplit("/", 1)[-1] not in {"__init__.py", "values.py", f"{name}.py"}]
        assert not other_checks, "the zip ships only its own assignment's checks"


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
        assert results.schema_errors(outcome.results) == [], stem
        assert outcome.results["execution_time"] > 0
        assert outcome.results["output"].startswith("Your notebook was graded")


def test_the_schema_catches_what_gradescope_would_refuse():
    assert results.schema_errors({"tests": [{"name": "q1", "score": 1, "visibility": "sometimes"}]})
    assert results.schema_errors({"score": "ten"})
    assert results.schema_errors({"tests": [{"name": "q1", "max_score": 2}]}), "no score anywhere"


def test_harness_runs_the_zips_own_run_autograder(built_project, tmp_path):
    """The very script Gradescope calls, in Gradescope's tree, writes a valid results file."""
    assignment = built_project["mlp_intro"]
    sample = Submission("complete", assignment.built_samples_dir / "complete.ipynb")
    tree = lay_out(tmp_path, assignment.autograder_zip, sample)
    assert (tree / "run_autograder").is_file() and (tree / "source" / "setup.sh").is_file()
    code, log = run_autograder(tree, timeout=600)
    assert code == 0, log
    written = results.read(tree / "results" / "results.json")
    assert results.schema_errors(written) == []
    assert written["score"] == sum(s.max_score for s in results.question_scores(written).values())


def test_a_failing_test_shows_the_line_that_failed(graded_samples):
    outputs = [t["output"] for t in graded_samples["mlp_intro"]["partly_wrong"].results["tests"]
               if t["name"] == "q3_cross_entropy"]
    assert "Error at line" in outputs[0]
    assert "mlp_intro.cross_entropy_matches_reference(cross_entropy_loss)" in outputs[0]


def test_run_otter_finds_its_tree_from_its_own_location(built_project):
    """No /autograder path is baked in: the entry works wherever the tree is unpacked."""
    with zipfile.ZipFile(built_project["mlp_intro"].autograder_zip) as archive:
        entry = archive.read("run_otter.py").decode()
        runner = archive.read("run_autograder").decode()
    assert '"/autograder' not in entry and "Path(__file__)" in entry
    assert 'cd "$here"' in runner and "source/run_otter.py" in runner
