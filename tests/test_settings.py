"""Do the grading limits keep one described schema, and the engine's environment one spelling?"""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from autograder.grading_runtime import sandbox, settings
from autograder.grading_runtime.settings import ENGINE_ENVIRONMENT, RuntimeSettings
from scratch_project import REPO


def test_settings_reject_unknown_keys_with_a_suggestion():
    with pytest.raises(ValueError, match="did you mean 'cell_timeout_seconds'"):
        RuntimeSettings.from_dict({"cell_timeout_second": 5})
    with pytest.raises(ValueError, match="unknown grading setting 'colour'$"):
        RuntimeSettings.from_dict({"colour": "red"})
    assert set(RuntimeSettings.describe()) == set(RuntimeSettings().__dict__)


def test_every_setting_is_described_in_words():
    assert all(len(text.split()) >= 5 for text in RuntimeSettings.describe().values())


def test_settings_travel_as_json_and_come_back_the_same():
    changed = RuntimeSettings().replace(memory_limit_mb=123, trust_submissions=True, hidden_cases_seed=7)
    assert RuntimeSettings.from_dict(json.loads(changed.to_json())) == changed
    assert changed.to_json() == changed.to_json() and changed.to_json().endswith("}\n")
    assert list(json.loads(changed.to_json())) == sorted(f.name for f in dataclasses.fields(RuntimeSettings))


def test_replace_refuses_a_misspelt_setting_and_keeps_the_original():
    original = RuntimeSettings()
    with pytest.raises(ValueError, match="did you mean 'memory_limit_mb'"):
        original.replace(memory_limit=1)
    assert original.replace(memory_limit_mb=5).memory_limit_mb == 5 and original.memory_limit_mb == 400


def test_a_folder_without_settings_gives_the_defaults_and_one_with_them_its_own(tmp_path):
    assert settings.load(tmp_path) == RuntimeSettings()
    (tmp_path / settings.SETTINGS_FILE).write_text(RuntimeSettings(max_attempts=1).to_json(), encoding="utf-8")
    assert settings.load(tmp_path).max_attempts == 1
    (tmp_path / settings.SETTINGS_FILE).write_text('{"max_attempt": 1}', encoding="utf-8")
    with pytest.raises(ValueError, match="did you mean 'max_attempts'"):
        settings.load(tmp_path)


def test_the_engines_environment_is_spelled_in_settings_alone():
    """ENGINE_ENVIRONMENT is the one list of the engine's variables: run_grader.py and
    ``autograder grade`` set them from it, and the student process keeps them (the sandbox's
    KEPT_VARIABLES takes them from it). No other file of the toolkit names one."""
    assert set(ENGINE_ENVIRONMENT) <= set(sandbox.KEPT_VARIABLES)
    pattern = re.compile("|".join(map(re.escape, ENGINE_ENVIRONMENT)))
    sources = [*(REPO / "autograder").rglob("*.py"), *(REPO / "reference").rglob("*.py"),
               REPO / "autograder" / "grading_runtime" / "run_autograder",
               REPO / "autograder" / "grading_runtime" / "setup.sh"]
    spelled = sorted(str(path.relative_to(REPO)) for path in sources
                     if pattern.search(path.read_text(encoding="utf-8")))
    assert spelled == ["autograder/grading_runtime/settings.py"]


def test_the_readmes_table_of_limits_is_the_settings_defaults():
    """The README lists each limit with its default; settings.py is where they are decided."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \| ([\d.]+) \|", readme, re.M))
    defaults = RuntimeSettings()
    tabled = {name for name in rows if hasattr(defaults, name)}
    assert len(tabled) >= 10, rows
    for name in tabled:
        assert float(rows[name]) == float(getattr(defaults, name)), name
    undecided = {"trust_submissions", "hidden_cases_seed", "prepare_grading"}  # no limit: said in words
    assert set(RuntimeSettings.describe()) - undecided == tabled

