"""Are the stored reference numbers exactly what the reference code makes, on these versions?"""

from __future__ import annotations

import json

import numpy
import pytest
import torch

from autograder import cli
from reference import ASSIGNMENT_MODULES, numbers
from reference import mlp_intro


@pytest.mark.parametrize("name", sorted(ASSIGNMENT_MODULES))
def test_stored_numbers_regenerate_identically(name, tmp_path):
    written = numbers.write(name, tmp_path)
    assert written.read_bytes() == numbers.path_for(name).read_bytes()


@pytest.mark.parametrize("name", sorted(ASSIGNMENT_MODULES))
def test_numbers_record_the_versions_that_made_them(name):
    stored = numbers.load(name)
    assert stored["versions"]["torch"] == torch.__version__
    assert stored["versions"]["numpy"] == numpy.__version__
    assert stored["assignment"] == name


def test_a_changed_numbers_file_is_reported_stale(tmp_path, capsys):
    assert cli.main(["reference", "--check", "mlp_intro"]) == 0
    data = numbers.load("mlp_intro")
    data["cases"]["cross_entropy_loss"][0]["loss"] += 1e-9
    numbers.path_for("mlp_intro", tmp_path).write_text(numbers.render(data))
    assert numbers.stale("mlp_intro", tmp_path)
    assert not numbers.stale("mlp_intro")


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
    for name in ASSIGNMENT_MODULES:
        text = numbers.path_for(name).read_text()
        assert text == numbers.render(json.loads(text))
