"""Do the stored reference numbers agree with what the reference code makes, on any CPU?"""

from __future__ import annotations

import copy
import json

import numpy
import pytest
import torch

from autograder import cli
from reference import numbers
from reference import mlp_intro
from scratch_project import ASSIGNMENT_NAMES


NAMES = numbers.known_assignments()


def _map_floats(value, change):
    """A copy of a JSON value with ``change`` applied to every float in it."""
    if isinstance(value, float):
        return change(value)
    if isinstance(value, list):
        return [_map_floats(item, change) for item in value]
    if isinstance(value, dict):
        return {key: _map_floats(item, change) for key, item in value.items()}
    return value


def _ulps(count):
    def nudge(value):
        for _ in range(count):
            value = float(numpy.nextafter(value, numpy.inf))
        return value
    return nudge


def test_every_assignment_has_reference_numbers():
    """Each assignment folder has its reference module, and only those (found, not listed)."""
    assert NAMES == sorted(ASSIGNMENT_NAMES) and len(NAMES) >= 4
    for name in NAMES:
        assert (numbers.NUMBERS_DIR / f"{name}.json").is_file(), f"run `autograder reference {name}`"


@pytest.mark.parametrize("name", NAMES)
def test_stored_numbers_agree_with_a_fresh_run(name):
    found = numbers.drift(name)
    assert not found.stale, found.describe()


@pytest.mark.parametrize("name", NAMES)
def test_last_bit_drift_on_another_cpu_is_not_a_change(name, tmp_path):
    """Every stored float a few ulps off, as another CPU's BLAS makes them: still up to date."""
    drifted = _map_floats(numbers.load(name), _ulps(4))
    path = numbers.path_for(name, tmp_path)
    path.write_text(numbers.render(drifted))
    found = numbers.drift(name, tmp_path)
    assert not found.stale, found.describe()
    assert 0 < found.largest < numbers.DRIFT_TOLERANCE
    before = path.read_bytes()
    assert not numbers.write(name, tmp_path).stale
    assert path.read_bytes() == before, "regenerating within the tolerance must keep the file"


def test_a_real_change_is_named_with_its_case_and_size(tmp_path, capsys):
    data = numbers.load("mlp_intro")
    loss = data["cases"]["cross_entropy_loss"][0]["loss"]
    data["cases"]["cross_entropy_loss"][0]["loss"] += 1e-9
    numbers.path_for("mlp_intro", tmp_path).write_text(numbers.render(data))
    found = numbers.drift("mlp_intro", tmp_path)
    scaled = 1e-9 / max(1.0, abs(loss))  # the difference on the tolerance's scale
    assert found.stale
    assert found.changes == [f"cross_entropy_loss case 0 (six samples, five classes).loss: "
                             f"moved by {scaled:.3g}"]
    assert found.largest == pytest.approx(scaled, rel=1e-3)
    assert "mlp_intro: 1 place(s) differ" in found.describe()
    written = numbers.write("mlp_intro", tmp_path)
    assert written.stale
    assert not numbers.stale("mlp_intro", tmp_path), "write stores the fresh numbers"


def test_structural_changes_are_caught_exactly():
    stored = numbers.load("deep_mlps")
    fresh = copy.deepcopy(stored)
    graded = sorted(fresh["cases"])[0]
    fresh["cases"][graded].pop()
    fresh["cases"]["xavier_std"][0]["label"] = "another label"
    found = numbers.compare(stored, fresh, "deep_mlps")
    assert found.stale
    assert any(change.startswith(f"{graded}: the list of cases changed") for change in found.changes)
    assert any("is now 'another label'" in change for change in found.changes)
    integer = copy.deepcopy(stored)
    integer["cases"]["count_parameters_plain"][0]["count"] += 1
    assert "the integer" in numbers.compare(stored, integer, "deep_mlps").changes[0]


def test_other_library_versions_are_reported_but_equal_numbers_stay_equal():
    stored = numbers.load("mlp_intro")
    fresh = copy.deepcopy(stored)
    fresh["versions"]["python"] = "3.11.99"
    found = numbers.compare(stored, fresh, "mlp_intro")
    assert not found.stale and found.versions == (stored["versions"], fresh["versions"])


def test_the_check_command_passes_and_a_typo_gets_a_suggestion(capsys):
    assert cli.main(["reference", "--check", "mlp_intro"]) == 0
    assert "reference numbers are up to date" in capsys.readouterr().out
    assert cli.main(["reference", "deep_mlp"]) == 1
    error = capsys.readouterr().err
    assert "did you mean 'deep_mlps'" in error and "Traceback" not in error


@pytest.mark.parametrize("name", NAMES)
def test_numbers_record_the_versions_that_made_them(name):
    stored = numbers.load(name)
    assert stored["versions"]["torch"] == torch.__version__
    assert stored["versions"]["numpy"] == numpy.__version__
    assert stored["assignment"] == name


def test_seeded_randn_reproduces_the_published_vector():
    torch.manual_seed(2021)
    published = [2.2871, 0.6413, -0.8615, -0.3649, -0.6931]
    assert torch.randn(5).tolist() == pytest.approx(published, abs=5e-5)


def test_reference_cross_entropy_reproduces_the_published_loss():
    logits = torch.tensor([[10.0, 1.0, -1.0, -20.0], [10.0, 10.0, 2.0, -10.0]])
    labels = torch.tensor([0, 1])
    published = 0.34672749
    assert float(mlp_intro.cross_entropy_loss(logits, labels)) == pytest.approx(published, abs=1e-7)
    assert torch.nn.CrossEntropyLoss()(logits, labels).item() == pytest.approx(published, abs=1e-7)


def test_hidden_cross_entropy_logits_stay_in_the_finite_range():
    for case in numbers.load("mlp_intro")["cases"]["cross_entropy_loss"]:
        assert max(abs(v) for row in case["logits"] for v in row) < 50


def test_hidden_approximation_data_starts_at_zero():
    """The instructions promise data that starts at y = 0; the cases must keep that promise."""
    for case in numbers.load("mlp_intro")["cases"]["approximate_function"]:
        assert case["y_train"][0] == [0.0]
        xs = [row[0] for row in case["x_train"]]
        assert xs == sorted(xs)


def test_numbers_files_are_canonical_json():
    for name in NAMES:
        text = numbers.path_for(name).read_text()
        assert text == numbers.render(json.loads(text))
