"""The seeds' inconsistencies, recomputed; oracle values worked by hand from the seeds' text."""

from __future__ import annotations

import math

import pytest

from calculators.evidence import (
    RESEARCH,
    after_reduction,
    case_figures,
    changed_inputs,
    cheapest_option,
    implied_benefit_per_learner,
    percent_reduction,
    productivity_stretch,
    seed_000_example,
    seed_002_breakevens,
    weak_defaults,
)
from calculators.roi import Option
from calculators.scenario import INPUTS, Grade, Scenario


def test_seed_002_breakevens_imply_two_different_benefits():
    # hand computation: b = F / N + v; 30,000 / 1,000 + 3 = 33; 10,000 / 350 + 45 = 73.5714...
    micro, ilt = seed_002_breakevens()
    assert micro.implied_benefit == 33.0
    assert ilt.implied_benefit == pytest.approx(73.5714, abs=1e-4)
    assert (micro.printed_breakeven, ilt.printed_breakeven) == (1_000, 350)


def test_implied_benefit_reproduces_the_breakeven_it_came_from():
    # property: N = F / (b − v) with the implied b gives back N
    b = implied_benefit_per_learner(10_000, 45, 350)
    assert 10_000 / (b - 45) == pytest.approx(350)


def test_implied_benefit_zero_breakeven_is_refused():
    with pytest.raises(ValueError):
        implied_benefit_per_learner(30_000, 3, 0)


def test_seed_000_calculator_recomputed():
    # hand computation from seed 000's bullet list: 1.80 × 1,200 = 2,160; 2,160 + 5,000 = 7,160;
    # 7,160 − 1,200 = 5,960; 5,960 / 1,200 = 4.96667 → 496.7 %
    ex = seed_000_example()
    assert (ex.revenue, ex.benefits, ex.net) == (2_160.0, 7_160.0, 5_960.0)
    assert round(ex.roi_pct, 1) == 496.7
    assert ex.bcr == pytest.approx(7_160 / 1_200)


def test_seed_000_printed_total_is_neither_gross_nor_net():
    ex = seed_000_example()
    assert ex.printed_total == 6_960.0
    assert ex.printed_total not in (ex.benefits, ex.net)


def test_seed_000_example_zero_cost_is_refused():
    with pytest.raises(ValueError):
        seed_000_example(cost=0)


def test_onboarding_cut_in_the_example_is_a_third_not_38_percent():
    # hand computation: (6 − 4) / 6 = 33.3 %; 6 × (1 − 0.38) = 3.72 weeks
    assert percent_reduction(6, 4) == pytest.approx(100 / 3)
    assert after_reduction(6, 38) == pytest.approx(3.72)
    assert percent_reduction(6, 3.9) < 38


def test_percent_reduction_zero_start_is_refused():
    with pytest.raises(ValueError):
        percent_reduction(0, 1)


def test_six_month_productivity_gain_is_stretched_over_the_horizon():
    # hand computation: 12 % × 80,000 × 6/12 = 4,800 measured; 12 % × 80,000 × 3 years = 28,800 modelled
    p = productivity_stretch(Scenario())
    assert (p.measured_value, p.modelled_value) == pytest.approx((4_800.0, 28_800.0))
    assert p.stretch == pytest.approx(6.0)
    assert productivity_stretch(Scenario(horizon_years=1), micro=False).stretch == pytest.approx(2.0)


def test_productivity_stretch_without_gain_is_none():
    assert productivity_stretch(Scenario(micro_productivity_gain_pct=0)).stretch is None


def test_weak_defaults_are_unchanged_grade_c_and_d_inputs():
    expected = {n for n, s in INPUTS.items() if s.grade in (Grade.C, Grade.D)}
    assert set(weak_defaults(Scenario())) == expected
    assert "learners" not in weak_defaults(Scenario())  # grade "Your figure"
    assert "ilt_cost_per_learner" not in weak_defaults(Scenario(ilt_cost_per_learner=50))
    assert changed_inputs(Scenario(ilt_cost_per_learner=50)) == ["ilt_cost_per_learner"]


def test_research_list_names_the_conservative_sources():
    text = " ".join(f.source + f.finding for f in RESEARCH)
    for needle in ("Sitzmann", "Means", "d = +0.05", "d = +0.35", "Ho et al.", "1.7", "$1,300", "34 hours"):
        assert needle in text


def test_case_figures_match_the_seed_cost_table():
    # seed 002: 30,000 + 3 × 1,000 = 33,000, $33 per learner
    f = case_figures(Scenario(), Option.MICRO)
    assert (f.learners, f.costs, f.cost_per_learner) == (1_000, 33_000.0, 33.0)
    assert f.roi_pct is not None and math.isfinite(f.roi_pct)


def test_cheapest_option_flips_at_the_crossover():
    # seed 002 crossover: microlearning cheaper from 477 learners
    assert cheapest_option(Scenario(learners=476)) is Option.ILT
    assert cheapest_option(Scenario(learners=477)) is Option.MICRO
