"""Each case-study preset reproduces its seed's figures through the model."""

from __future__ import annotations

import pytest

from calculators.presets import SAMPLE_DATA, read_preset
from calculators.roi import Option, option_returns
from calculators.scenario import ARTICLE_000, ARTICLE_002, Grade


def _preset(stem: str):
    preset = read_preset((SAMPLE_DATA / f"{stem}.json").read_text(encoding="utf-8"))
    assert preset.problems == (), preset.problems
    return preset


@pytest.mark.parametrize("stem", ["retail_pos_rollout", "security_champions", "per_employee_roi"])
def test_case_presets_load_strictly_and_state_their_assumptions(stem):
    preset = _preset(stem)
    assert preset.grade is Grade.C
    assert preset.source.startswith((ARTICLE_000.citation, ARTICLE_002.citation))  # as readers cite them
    if stem != "per_employee_roi":
        assert "grade D" in preset.description  # invented figures are labelled as such


def test_retail_rollout_costs_six_dollars_per_learner():
    # seed 002 retail vignette: "cost per learner of $6"; assumed 2,500 stores × 10 staff
    s = _preset("retail_pos_rollout").scenario
    r = option_returns(s, Option.MICRO)
    assert s.learners == 25_000
    assert r.costs / s.learners == pytest.approx(6.0)  # (75,000 + 3 × 25,000) / 25,000
    assert s.micro_seat_hours == pytest.approx(5 * 4 / 60, abs=1e-3)  # five modules of about 4 minutes
    assert (s.micro_completion_pct, s.micro_risk_reduction_pct) == (85.0, 38.0)
    assert s.risk_on and r.benefits > 0


def test_security_champions_blend_costs_22_dollars_per_learner():
    # seed 002 security vignette: 8,000 employees, "blended cost per learner was $22"
    s = _preset("security_champions").scenario
    r = option_returns(s, Option.BLEND)
    assert s.learners == 8_000
    assert r.costs / s.learners == pytest.approx(22.0, rel=0.01)
    assert (s.micro_nudge_days, s.ilt_nudge_days) == (7, 7)  # weekly nudges
    assert 0 < s.blend_ilt_share_pct < 100 and s.risk_on


def test_per_employee_case_reproduces_seed_000_calculator():
    # seed 000 by hand: benefits 2,160 + 5,000 = 7,160 over five years; ROI 5,960 / 1,200 = 496.7 %
    s = _preset("per_employee_roi").scenario
    for option in (Option.ILT, Option.MICRO):
        r = option_returns(s, option)
        assert r.costs == pytest.approx(1_200.0)
        assert r.benefits == pytest.approx(7_160.0)
        assert round(r.roi_pct, 1) == 496.7
