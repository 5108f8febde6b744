"""Presets in sample_data/: valid under the same model, and bad files reported clearly."""

from __future__ import annotations

import pytest

from calculators.codec import ScenarioError
from calculators.costs import cost_line, crossover
from calculators.presets import load_presets, read_preset
from calculators.scenario import Format, Grade, Scenario


def test_sample_presets_all_load_without_problems():
    presets, errors = load_presets()
    assert errors == []
    assert {p.name for p in presets} >= {"Vendor cost table", "Vendor cost table, fully loaded"}
    assert all(p.problems == () for p in presets)


def test_vendor_cost_table_preset_reproduces_the_articles_crossover():
    # seed 002: micro $30,000 + $3, ILT $10,000 + $45 → 20,000 / 42 ≈ 476.19, cheaper from 477
    preset = next(p for p in load_presets()[0] if p.name == "Vendor cost table")
    assert preset.grade is Grade.C
    x = crossover(cost_line(preset.scenario, Format.MICRO), cost_line(preset.scenario, Format.ILT))
    assert x is not None and x.cheaper_from == 477
    assert preset.scenario == Scenario()


def test_preset_with_bad_value_keeps_default_and_reports_it():
    preset = read_preset(
        '{"name": "x", "description": "d", "source": "s", "grade": "D",'
        ' "scenario": {"learners": true, "ilt_seat_hours": 1e400}}'
    )
    assert preset.scenario.learners == 1000 and preset.scenario.ilt_seat_hours == 8.0
    assert any("Learners" in m and "allowed 1 to 100,000" in m for m in preset.problems)
    assert any("Learner time per learner" in m for m in preset.problems)


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[1, 2]",
        '{"name": "x", "description": "d", "source": "s", "grade": "D"}',
        '{"name": "", "description": "d", "source": "s", "grade": "D", "scenario": {}}',
        '{"name": "x", "description": "d", "source": "s", "grade": "Z", "scenario": {}}',
    ],
)
def test_unreadable_preset_raises_a_named_error(text):
    with pytest.raises(ScenarioError):
        read_preset(text)


def test_unreadable_file_in_folder_is_reported_not_raised(tmp_path):
    (tmp_path / "a.json").write_text("{broken", encoding="utf-8")
    (tmp_path / "b.json").write_text(
        '{"name": "ok", "description": "d", "source": "s", "grade": "C", "scenario": {}}', encoding="utf-8"
    )
    presets, errors = load_presets(tmp_path)
    assert [p.name for p in presets] == ["ok"]
    assert errors and errors[0].startswith("a.json: Not a JSON preset")
