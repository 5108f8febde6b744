"""The full model: returns, retention, blend. Oracles name their source; properties cover the rest."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from calculators.costs import CostLine, breakeven_learners, total_cost
from calculators.evidence import case_figures
from calculators.model import Inputs, adjustment, effective, evaluate, gross_streams, track_costs
from calculators.retention import CurveFamily, calibrate, mean_retention, retention_curve, two_point_stability
from calculators.returns import bcr, cash_flows, npv, payback_month, payback_months, roi_percent
from calculators.roi import (
    Option,
    all_returns,
    best_share,
    blend_returns,
    option_returns,
    overlapping_streams,
    two_point_fit,
    waterfall,
)
from calculators.scenario import INPUTS, Format, Scenario
from tests.strategies import valid_scenarios

SEED_000_CALCULATOR = Scenario(
    learners=1,
    horizon_years=5,
    ilt_fixed_cost=0,
    ilt_cost_per_learner=1_200,
    ilt_completion_pct=100,
    revenue_on=True,
    turnover_on=True,
    attribution_pct=100,
    application_pct=100,
    decay_weighting=False,
)


# --- oracles -------------------------------------------------------------------------------


def test_seed_000_worked_example_through_the_whole_model():
    # seed 000: cost $1,200; revenue 1.80 × $1,200 = $2,160; turnover $5,000 over 5 years
    # → benefits $7,160, net $5,960, ROI 5,960 / 1,200 = 496.67 % (the seed prints $6,960: neither)
    r = option_returns(SEED_000_CALCULATOR, Option.ILT)
    assert r.costs == pytest.approx(1_200)
    assert r.benefits == pytest.approx(7_160)
    assert r.net == pytest.approx(5_960)
    assert r.roi_pct == pytest.approx(496.6667, abs=1e-4)


def test_phillips_formulas_on_a_textbook_style_example():
    # Phillips ROI Methodology: BCR = benefits / costs; ROI % = net benefits / costs × 100.
    # Computed by hand: benefits 240,000 against costs 80,000 → BCR 3.0, ROI 200 %.
    assert bcr(240_000, 80_000) == 3.0
    assert roi_percent(240_000, 80_000) == 200.0
    assert payback_months(80_000, 240_000) == 4.0  # 80,000 / (240,000 / 12)


def test_npv_matches_the_annuity_formula():
    # PV of 12 monthly payments of 100 at monthly rate i, first at month 1: 100 (1 − (1+i)^−12) / i
    flows = cash_flows(0, 0, 1_200, 1)
    i = (1.10) ** (1 / 12) - 1
    assert npv(flows, 0.10) == pytest.approx(100 * (1 - (1 + i) ** -12) / i, rel=1e-12)


def test_discounted_payback_is_later_than_simple_payback():
    flows = cash_flows(1_000, 0, 2_400, 1)  # 200 a month
    assert payback_month(flows) == pytest.approx(5.0)
    assert payback_month(flows, 0.2) > 5.0


def test_payback_never_when_no_benefits():
    assert payback_months(1_000, 0) is None
    assert payback_month(cash_flows(1_000, 0, 0, 3)) is None


def test_default_scenario_counts_only_turnover_savings():
    # seed 000: $5,000 per employee over five years → $1,000 per year
    assert gross_streams(Inputs(Scenario()), Format.ILT, 55.0) == {"turnover": 1_000.0}


def test_bottom_up_turnover():
    s = Scenario(
        turnover_bottom_up=True, turnover_rate_pct=20, turnover_reduction_pct=25, replacement_cost=16_000
    )
    assert gross_streams(Inputs(s), Format.MICRO, 33.0)["turnover"] == pytest.approx(0.20 * 0.25 * 16_000)


def test_overlap_warning_only_when_revenue_meets_bottom_up_streams():
    assert not overlapping_streams(Scenario())
    assert overlapping_streams(Scenario(revenue_on=True))
    assert not overlapping_streams(Scenario(revenue_on=True, turnover_on=False))


def test_conservative_switch_loads_costs_applies_confidence_and_counts_one_year():
    s = Scenario()
    c = s.with_changes(conservative=True)
    assert option_returns(c, Option.ILT).costs > option_returns(s, Option.ILT).costs  # fully loaded
    assert adjustment(Inputs(c), Format.MICRO).confidence == 0.7
    assert adjustment(Inputs(s), Format.MICRO).confidence == 1.0
    assert option_returns(c, Option.MICRO).benefits < option_returns(s, Option.MICRO).benefits


def test_waterfall_steps_down_from_gross_to_defensible():
    steps = waterfall(Scenario(), Format.MICRO)
    values = [step.value for step in steps]
    assert [step.label for step in steps][0] == "Gross benefits"
    assert all(b <= a + 1e-9 for a, b in zip(values, values[1:], strict=False))
    assert values[0] == pytest.approx(1_000 * 1_000 * 3)  # $1,000 × 1,000 learners × 3 years


def test_two_point_fit_formula():
    # S = (t2 − t1) / ln(R1 / R2): (90 − 30) / ln(0.6 / 0.3) = 60 / ln 2
    assert two_point_stability(30, 0.6, 90, 0.3) == pytest.approx(60 / math.log(2))
    assert two_point_stability(30, 0.3, 90, 0.3) is None  # no forgetting: no decay rate


@pytest.mark.parametrize("pct", [50.0, 90.0, 98.9, 98.95, 98.96, 99.0, 99.5, 99.99, 100.0])
def test_half_life_cap_is_where_the_model_stops_lengthening_the_half_life(pct):
    """`half_life_cap` says +1 exactly where the model's half-life sits at its longest
    (`MAX_HALF_LIFE_RATIO` times the research's): a higher figure changes nothing there."""
    from calculators.model import MAX_HALF_LIFE_RATIO, half_life_days
    from calculators.retention import MONTH_DAYS
    from calculators.roi import half_life_cap

    scenario = Scenario(micro_retention_pct=pct)
    longest = scenario.skill_half_life_months * MAX_HALF_LIFE_RATIO * MONTH_DAYS
    at_longest = half_life_days(Inputs(scenario), Format.MICRO) == pytest.approx(longest)
    assert (half_life_cap(pct) == 1) == at_longest


def test_two_point_message_names_a_capped_half_life_as_the_models_limit():
    """A check that barely fades (99 % at day 30, 98.9 % at day 90) fits a recall the model caps:
    the message says the half-life is the longest the model allows, not "1,100 months" as if measured."""
    from components.views.retention_view import two_point_message

    fit = two_point_fit(30, 99, 90, 98.9, Scenario())
    assert fit is not None and fit.then_at_cap == 1 and fit.entered_limit == 0
    text = two_point_message(30, 99, 90, 98.9, Scenario())
    assert "for 1,100 months, the longest the model allows (your tests point to longer; now 40)." in text
    assert "for 1,100 months (" not in text
    # the scenario's own figure at the cap: "now" says so too
    text = two_point_message(30, 60, 90, 59.9, Scenario(micro_retention_pct=99.5))
    assert "(now 1,100, the longest the model allows)." in text
    # a figure within the model's range reads as a figure
    text = two_point_message(30, 60, 90, 59.9, Scenario())
    assert "allows" not in text and "point to" not in text and "for 23 months (now 40)." in text


def test_two_point_message_names_a_recall_beyond_the_inputs_range():
    """A recall the input cannot take is entered at the input's end, and the message says so."""
    from components.views.retention_view import two_point_message

    low = two_point_fit(1, 100, 2, 0.1, Scenario())  # fades to ~0 % within a day
    assert low is not None and low.entered_limit == -1 and low.entered_pct == 1.0
    text = two_point_message(1, 100, 2, 0.1, Scenario())
    assert "recall at day 30 below 1 %, the lowest “Knowledge retained” takes. Entered as 1 %" in text
    assert "(your tests point to shorter; now 40)." in text and "S = 0.14 days" in text
    high = two_point_fit(60, 100, 90, 99, Scenario())  # day 30 lies before the first test: above 100 %
    assert high is not None and high.entered_limit == 1 and high.entered_pct == 100.0
    text = two_point_message(60, 100, 90, 99, Scenario())
    assert "recall at day 30 above 100 %, the highest “Knowledge retained” takes" in text
    assert "the longest the model allows (your tests point to longer; now 40)." in text


@pytest.mark.parametrize("family", list(CurveFamily))
def test_calibration_hits_the_retention_assumption(family):
    parameter = calibrate(family, 0.35, 30)
    assert retention_curve(family, parameter, np.array([30.0]))[0] == pytest.approx(0.35, rel=1e-12)


@pytest.mark.parametrize("family", list(CurveFamily))
def test_mean_retention_matches_numerical_integration(family):
    parameter = calibrate(family, 0.75, 30)
    t = np.linspace(0, 365, 365_001)
    curve = retention_curve(family, parameter, t, every_days=7, gain=1.3)
    numeric = float(np.trapezoid(curve, t) / 365)
    assert mean_retention(family, parameter, 365, 7, 1.3) == pytest.approx(numeric, abs=2e-4)


def test_blend_corners_are_the_pure_formats_exactly():
    s = Scenario(ilt_nudge_days=7, micro_nudge_days=14, fully_loaded=True, productivity_on=True)
    for share, fmt in ((0.0, Format.MICRO), (1.0, Format.ILT)):
        r = blend_returns(s, share)
        x = Inputs(effective(s))
        assert r.costs == float(track_costs(x, fmt, np.asarray(float(s.learners))).total)
        pure = option_returns(s, Option.MICRO if fmt is Format.MICRO else Option.ILT)
        assert (r.costs, r.benefits, r.npv) == (pure.costs, pure.benefits, pure.npv)
        per_learner = sum(gross_streams(x, fmt, r.costs / s.learners).values()) * adjustment(x, fmt).product
        assert r.benefits == pytest.approx(per_learner * s.learners * s.horizon_years, rel=1e-12)


def test_best_share_is_the_maximum_of_its_curve():
    share, curves = best_share(Scenario())
    assert curves["npv"].max() == pytest.approx(blend_returns(Scenario(), share).npv)


# --- properties ----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    fixed=st.floats(0, 1e6, allow_subnormal=False), variable=st.floats(0, 1e3, allow_subnormal=False),
    margin=st.floats(0.01, 1e4),
)  # fmt: skip
def test_roi_is_zero_at_break_even(fixed, variable, margin):
    line = CostLine(Format.MICRO, fixed, variable)
    b = variable + margin
    n = breakeven_learners(line, b)
    assume(n is not None and n > 0)
    costs = float(total_cost(line, n))
    assume(costs > 0)
    assert abs(roi_percent(b * n, costs)) <= 1e-9 * max(1.0, b * n / costs) * 100


@settings(max_examples=100, deadline=None)
@given(valid_scenarios(), st.floats(0, 100_000), st.floats(0, 100_000))
def test_roi_increases_with_benefit(scenario, low, high):
    assume(low < high)
    costs = option_returns(scenario, Option.MICRO).costs
    assume(costs > 0)
    a = option_returns(scenario.model_copy(update={"turnover_saving_5y": low}), Option.MICRO)
    b = option_returns(scenario.model_copy(update={"turnover_saving_5y": high}), Option.MICRO)
    assert b.roi_pct >= a.roi_pct


MONEY_FIELDS = [name for name, spec in INPUTS.items() if spec.unit in {"money", "money/hour"}]


@settings(max_examples=100, deadline=None)
@given(valid_scenarios(), st.floats(0.5, 2.0))
def test_scaling_all_money_leaves_roi_unchanged(scenario, k):
    base = scenario.model_copy(update={n: getattr(scenario, n) / 2 for n in MONEY_FIELDS})
    scaled = base.model_copy(update={n: getattr(base, n) * k for n in MONEY_FIELDS})
    for option in Option:
        a, b = option_returns(base, option).roi_pct, option_returns(scaled, option).roi_pct
        assert (a is None) == (b is None)
        if a is not None:
            assert b == pytest.approx(a, rel=1e-9, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(list(CurveFamily)), st.floats(0.01, 0.999), st.integers(1, 365),
    st.integers(0, 120), st.floats(1.0, 5.0),
)  # fmt: skip
def test_retention_starts_at_one_and_never_rises_between_nudges(family, retained, day, every, gain):
    parameter = calibrate(family, retained, day)
    t = np.linspace(0, 3 * 365, 5_000)
    curve = retention_curve(family, parameter, t, every or None, gain)
    assert curve[0] == 1.0
    assert np.all((curve >= 0) & (curve <= 1))
    segment = np.floor(t / every) if every else np.zeros_like(t)
    same = segment[1:] == segment[:-1]
    assert np.all(np.diff(curve)[same] <= 1e-12)


@settings(max_examples=150, deadline=None)
@given(valid_scenarios())
def test_every_output_is_finite_or_none(scenario):
    for r in all_returns(scenario).values():
        for value in (r.costs, r.benefits, r.net, r.npv, r.annual_benefits):
            assert math.isfinite(value)
        for value in (r.roi_pct, r.bcr, r.payback_months, r.discounted_payback_month):
            assert value is None or math.isfinite(value)
        assert np.all(np.isfinite(r.cumulative(discounted=True)))
    share, curves = best_share(scenario, points=11)
    assert 0 <= share <= 1 and all(np.all(np.isfinite(v)) for v in curves.values())


def test_skeptic_switch_replaces_vendor_claims_and_lowers_microlearning_roi():
    # Sitzmann et al. 2006: web-based ≈ classroom → microlearning retention set to the workshop's 35 %
    plain = option_returns(Scenario(), Option.MICRO)
    skeptic = option_returns(Scenario(skeptic=True), Option.MICRO)
    assert skeptic.benefits < plain.benefits
    assert (
        option_returns(Scenario(skeptic=True), Option.ILT).benefits
        == option_returns(Scenario(), Option.ILT).benefits
    )


def test_skeptic_keeps_figures_the_user_typed():
    mine = Scenario(skeptic=True, micro_retention_pct=60)
    assert (
        adjustment(Inputs(effective(mine)), Format.MICRO).retention
        == adjustment(Inputs(Scenario(micro_retention_pct=60)), Format.MICRO).retention
    )
    assert (
        option_returns(mine, Option.MICRO).benefits
        == option_returns(Scenario(micro_retention_pct=60), Option.MICRO).benefits
    )


# --- one model core: staircase, payback, validated updates -----------------------------------


def _brute_force_blend_cost(s: Scenario, share_pct: float) -> float:
    """Fully loaded blend cost counted person by person: whole instructor-led learners, classes by
    integer division (no floating point in the class count), nudges off."""
    n = s.learners
    on_ilt = round(share_pct / 100 * n)
    classes = -(-on_ilt // s.ilt_class_size)  # ceil with integers
    years = s.horizon_years
    ilt = 0.0
    if on_ilt:
        ilt = (
            s.ilt_fixed_cost + s.ilt_refresh_per_year * (years - 1)
            + on_ilt * (s.ilt_cost_per_learner + s.ilt_seat_hours * s.loaded_hourly_cost)
            + classes * s.ilt_cost_per_class
        )  # fmt: skip
    micro = 0.0
    if n - on_ilt:
        micro = (
            s.micro_fixed_cost + s.micro_refresh_per_year * (years - 1)
            + (n - on_ilt) * (s.micro_cost_per_learner + s.micro_seat_hours * s.loaded_hourly_cost)
        )  # fmt: skip
    return ilt + micro


def test_blend_of_seven_percent_of_6000_learners_pays_for_21_classes_not_22():
    """7 % of 6,000 is 420 people (0.07 × 6,000 = 420.00000000000006 in floating point): 21 classes."""
    s = Scenario(learners=6_000, fully_loaded=True, blend_ilt_share_pct=7)
    blend = option_returns(s, Option.BLEND)
    assert blend.costs == pytest.approx(_brute_force_blend_cost(s, 7), abs=1e-6)
    one_more_class = _brute_force_blend_cost(s, 7) + s.ilt_cost_per_class
    assert blend.costs < one_more_class - 1


def test_blend_cost_curve_has_no_phantom_class_at_70_82_94_percent():
    s = Scenario(learners=1_000, fully_loaded=True)
    _, curves = best_share(s)
    for share_pct in (70, 82, 94):
        i = int(np.flatnonzero(np.isclose(curves["share"], share_pct / 100))[0])
        assert curves["costs"][i] == pytest.approx(_brute_force_blend_cost(s, share_pct), abs=1e-6)


@settings(max_examples=80, deadline=None)
@given(
    learners=st.integers(1, 20_000), share=st.integers(0, 100), class_size=st.integers(1, 60),
    per_class=st.floats(0, 5_000, allow_subnormal=False),
)  # fmt: skip
def test_blend_staircase_equals_brute_force_count(learners, share, class_size, per_class):
    s = Scenario(
        learners=learners, fully_loaded=True, blend_ilt_share_pct=share, ilt_class_size=class_size,
        ilt_cost_per_class=per_class,
    )  # fmt: skip
    expected = _brute_force_blend_cost(s, share)
    assert option_returns(s, Option.BLEND).costs == pytest.approx(expected, rel=1e-12, abs=1e-6)


def test_payback_beyond_the_benefit_period_is_none_everywhere():
    """Conservative, 300 learners: the first 12 months of benefits (× confidence) do not repay the
    fully loaded costs, though the same stream over the 36-month horizon would: no payback in the
    single-scenario returns, the array model and the case cards alike."""
    s = Scenario(conservative=True, learners=300)
    r = option_returns(s, Option.MICRO)
    longer = option_returns(s.with_changes(conservative=False, fully_loaded=True), Option.MICRO)
    assert r.benefits < r.costs < longer.benefits * s.confidence_pct / 100  # it would, if benefits went on
    assert r.payback_months is None and r.discounted_payback_month is None
    assert np.isinf(evaluate(s)[Option.MICRO].payback_months[0])
    assert np.isinf(evaluate(s)[Option.MICRO].discounted_payback_months[0])
    assert case_figures(s, Option.MICRO).payback_months is None


@settings(max_examples=60, deadline=None)
@given(valid_scenarios())
def test_a_single_scenario_is_one_point_of_the_array_model(scenario):
    """The scalar answer is the array model at size one: evaluating 3 copies gives 3 equal answers."""
    single = all_returns(scenario)
    many = evaluate(scenario, {"learners": np.full(3, scenario.learners)})
    for option, r in single.items():
        assert np.all(many[option].costs == r.costs)
        assert np.all(many[option].benefits == r.benefits)
        assert np.allclose(many[option].npv, r.npv, rtol=1e-9, atol=1e-6)


def test_scenario_updates_are_validated():
    with pytest.raises(ValueError):
        Scenario().with_changes(learners=-5)
    with pytest.raises(ValueError):
        Scenario().with_changes(micro_retention_pct=float("nan"))
    assert Scenario().with_changes(learners=250).learners == 250


@settings(max_examples=40, deadline=None)
@given(valid_scenarios())
def test_break_evens_of_all_options_at_once_equal_each_alone(scenario):
    """One array evaluation for every option gives the same break-evens as one per option."""
    from calculators.model import breakeven_learners, breakevens

    together = breakevens(scenario, tuple(Option), 20_000)
    assert together == {o: breakeven_learners(scenario, o, 20_000) for o in Option}


@settings(max_examples=40, deadline=None)
@given(valid_scenarios())
def test_break_evens_kept_without_the_learner_count_hold_at_the_scenarios_own_count(scenario):
    """Break-evens are kept per scenario with its learner count left out; read at the count
    itself through the one-scenario model, the count found pays back and the one below does not."""
    from calculators.model import breakevens

    found = breakevens(scenario, tuple(Option), 20_000)
    assert found == breakevens(
        scenario.with_changes(learners=max(1, 20_000 - scenario.learners)), tuple(Option), 20_000
    )
    for option, count in found.items():
        if count is None:
            continue
        assert option_returns(scenario.with_changes(learners=count), option).net >= 0
        if count > 1:
            assert option_returns(scenario.with_changes(learners=count - 1), option).net < 0
