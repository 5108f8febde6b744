"""Ranges, the vectorised model, Monte Carlo, tornado, frontier and goal seek."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculators.goal_seek import goal_seek, metric_value, seekable_fields
from calculators.model import effective, evaluate
from calculators.ranges import (
    RANGED_FIELDS,
    all_triangles,
    decode_ranges,
    default_range,
    encode_ranges,
    triangle,
)
from calculators.roi import Option, option_returns
from calculators.scenario import INPUTS, Scenario
from calculators.sensitivity import frontier, tornado
from calculators.simulation import PAYBACK_MONTHS_MAX, MonteCarlo, draw_inputs, monte_carlo
from tests.strategies import valid_scenarios


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


# --- ranges ----------------------------------------------------------------------------------


def test_default_ranges_widen_with_weaker_evidence():
    s = Scenario()
    # grade C (vendor claim) ±35 %; grade B (BLS) ±20 %; grade D ±50 %
    assert default_range(s, "micro_fixed_cost") == (19_500.0, 40_500.0)
    assert default_range(s, "loaded_hourly_cost") == (36.0, 54.0)
    assert default_range(s, "ilt_cost_per_class") == (400.0, 1_200.0)


def test_ranges_stay_inside_field_bounds_and_contain_the_value():
    s = Scenario(micro_retention_pct=95, learners=1)
    for field, (low, mode, high) in all_triangles(s).items():
        spec = INPUTS[field]
        assert spec.minimum <= low <= mode <= high <= spec.maximum, field


def test_override_not_containing_the_value_is_widened():
    assert triangle(Scenario(), "learners", {"learners": (2_000.0, 3_000.0)}) == (1_000.0, 1_000.0, 3_000.0)


def test_ranges_link_round_trip_and_hostile_parts():
    overrides = {"learners": (500.0, 2_000.0), "micro_cost_per_learner": (2.5, 3.5)}
    assert decode_ranges(encode_ranges(overrides)) == (overrides, [])
    decoded, problems = decode_ranges("learners:9:1;x:1:2;micro_fixed_cost:nan:1;onlytwo:1;" + "a" * 10_000)
    assert decoded == {} and len(problems) == 5


# --- the vectorised model --------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(valid_scenarios())
def test_closed_form_npv_equals_the_monthly_cash_flows(scenario):
    """The core's NPV (closed-form geometric sums) equals discounting the month-by-month flows."""
    for option, r in evaluate(scenario).items():
        a = option_returns(scenario, option)
        assert _close(a.costs, r.costs[0]) and _close(a.benefits, r.benefits[0]) and _close(a.npv, r.npv[0])
        assert (a.roi_pct is None) == math.isnan(r.roi_pct[0])
        if a.roi_pct is not None:
            assert _close(a.roi_pct, r.roi_pct[0])


@settings(max_examples=30, deadline=None)
@given(valid_scenarios(), st.integers(0, 2**31 - 1))
def test_each_draw_equals_the_scalar_model_at_that_draw(scenario, seed):
    values = draw_inputs(scenario, 3, seed)
    r = evaluate(scenario, values, (Option.BLEND,))[Option.BLEND]
    base = effective(scenario)
    for i in range(3):
        update = {
            f: (round(v[i]) if isinstance(INPUTS[f].default, int) else float(v[i])) for f, v in values.items()
        }
        one = option_returns(base.with_changes(**update), Option.BLEND)
        assert _close(one.costs, r.costs[i]) and _close(one.npv, r.npv[i])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(valid_scenarios(), st.integers(0, 2**31 - 1))
def test_inputs_not_drawn_change_no_outcome(monkeypatch, scenario, seed):
    """Inputs the scenario does not use hold their most likely value: every outcome of every
    draw equals a run that draws all 37, and the inputs used get the very same draws."""
    import calculators.simulation as simulation

    lean = monte_carlo(scenario, 400, seed)
    lean_inputs = draw_inputs(scenario, 400, seed)
    with monkeypatch.context() as m:
        m.setattr(simulation, "inputs_used", lambda *_: frozenset(RANGED_FIELDS))
        full = monte_carlo(scenario, 400, seed)
        full_inputs = draw_inputs(scenario, 400, seed)
    for option in Option:
        for a, b in (
            (lean.npv, full.npv),
            (lean.roi_pct, full.roi_pct),
            (lean.payback_months, full.payback_months),
        ):
            assert np.array_equal(a[option], b[option], equal_nan=True)
    used = simulation.inputs_used(scenario)
    for f in RANGED_FIELDS:
        if f in used:
            assert np.array_equal(lean_inputs[f], full_inputs[f])
        else:
            assert np.all(lean_inputs[f] == triangle(effective(scenario), f)[1])


def test_switching_a_stream_on_draws_its_inputs():
    from calculators.simulation import inputs_used

    off, on = inputs_used(Scenario()), inputs_used(Scenario(risk_on=True))
    risk = {"incidents_per_100_learners", "cost_per_incident", "micro_risk_reduction_pct"}
    assert not risk & off and risk <= on
    assert {"learners", "micro_fixed_cost", "ilt_fixed_cost", "discount_rate_pct"} <= off
    x = draw_inputs(Scenario(), 1_000, 3)["cost_per_incident"]
    assert x.shape == (1_000,) and np.ptp(x) == 0
    # ranges read from a file or a link may come as lists
    assert inputs_used(Scenario(), {"learners": [500, 2_000]}) == inputs_used(
        Scenario(), {"learners": (500, 2_000)}
    )
    assert all_triangles(Scenario(), {"learners": [500, 2_000]})["learners"] == (500, 1_000, 2_000)


def test_monte_carlo_with_collapsed_ranges_equals_the_deterministic_result():
    s = Scenario(micro_nudge_days=7, productivity_on=True)
    points = {f: (float(getattr(s, f)),) * 2 for f in RANGED_FIELDS}
    mc = monte_carlo(s, draws=1_000, seed=1, overrides=points)
    for option in Option:
        assert np.allclose(mc.roi_pct[option], option_returns(s, option).roi_pct, rtol=1e-9)


def test_same_seed_same_draws_other_seed_other_draws():
    a, b, c = (monte_carlo(Scenario(), 5_000, seed) for seed in (11, 11, 12))
    assert np.array_equal(a.roi_pct[Option.MICRO], b.roi_pct[Option.MICRO])
    assert not np.array_equal(a.roi_pct[Option.MICRO], c.roi_pct[Option.MICRO])


def test_large_runs_are_chunked_but_still_reproducible():
    a = monte_carlo(Scenario(), 250_000, 3)
    b = monte_carlo(Scenario(), 250_000, 3)
    assert a.roi_pct[Option.ILT].size == 250_000
    assert np.array_equal(a.npv[Option.ILT], b.npv[Option.ILT])


@pytest.mark.parametrize("distribution", ["triangular", "PERT"])
def test_draws_stay_within_ranges_and_centre_on_the_distribution_mean(distribution):
    values = draw_inputs(Scenario(), 100_000, 5, distribution)
    low, mode, high = triangle(Scenario(), "micro_fixed_cost")
    x = values["micro_fixed_cost"]
    assert low <= x.min() and x.max() <= high
    # triangular mean (a + m + b) / 3; PERT mean (a + 4m + b) / 6 (Vose, Risk Analysis, 3rd ed.)
    expected = (low + mode + high) / 3 if distribution == "triangular" else (low + 4 * mode + high) / 6
    assert x.mean() == pytest.approx(expected, rel=0.005)


def test_probabilities_are_shares_of_draws():
    mc = monte_carlo(Scenario(), 20_000, 9)
    loss = mc.probability_loss(Option.ILT)
    assert 0 <= loss <= 1
    assert mc.probability_payback_after(Option.MICRO, 0) == pytest.approx(1.0)
    p10, p50, p90 = mc.percentiles(Option.MICRO)
    assert p10 <= p50 <= p90


_payback_values = st.one_of(
    st.floats(-5, 200, allow_nan=False), st.sampled_from([0.0, 1.0, 24.0, 120.0, 121.0, math.inf, math.nan])
)
_roi_values = st.one_of(
    st.floats(-1e4, 1e4, allow_nan=False), st.sampled_from([0.0, math.nan, math.inf, -math.inf])
)


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_a_runs_summary_answers_exactly_what_its_draws_answer(data):
    """The summary the Monte Carlo page reads (all a heavy run sends back from the worker) gives
    the same percentiles, chance of loss and chance of a late payback for every whole month as
    the draws themselves, and a histogram whose steps count every draw with ROI."""
    n = data.draw(st.integers(1, 60))
    arrays = lambda values: {o: np.array(data.draw(st.lists(values, min_size=n, max_size=n))) for o in Option}  # noqa: E731
    run = MonteCarlo(arrays(_roi_values), arrays(st.just(0.0)), arrays(_payback_values))
    summary = run.summary()
    assert summary.draws == n
    for option in Option:
        assert summary.probability_loss(option) == run.probability_loss(option)
        assert summary.percentiles(option) == pytest.approx(run.percentiles(option), nan_ok=True)
        for months in range(PAYBACK_MONTHS_MAX + 1):
            assert summary.probability_payback_after(option, months) == pytest.approx(
                run.probability_payback_after(option, months)
            ), months
        with_roi = np.isfinite(run.roi_pct[option]).sum()
        if summary.edges:
            assert sum(summary.shares[option]) == pytest.approx(100 * with_roi / n)
    assert bool(summary.edges) == any(np.isfinite(run.roi_pct[o]).any() for o in Option)
    if summary.edges:
        assert summary.edges[0] <= 0 <= summary.edges[-1] and len(summary.edges) == 61


def test_a_summary_refuses_a_payback_target_it_does_not_hold():
    summary = monte_carlo(Scenario(), 1_000, 3).summary()
    for months in (-1, 12.5, PAYBACK_MONTHS_MAX + 1):
        with pytest.raises(ValueError, match="whole months"):
            summary.probability_payback_after(Option.MICRO, months)  # type: ignore[arg-type]


# --- tornado and frontier --------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_scenarios(), st.sampled_from(list(Option)), st.sampled_from(["ROI", "NPV"]))
def test_tornado_bars_contain_the_base_value_and_are_sorted(scenario, option, metric):
    base, bars = tornado(scenario, option, metric)
    expected = metric_value(scenario, option, metric)
    if expected is not None:
        assert _close(base, expected)
    for bar in bars:
        assert bar.low_result <= base <= bar.high_result
    swings = [bar.swing for bar in bars]
    assert swings == sorted(swings, reverse=True)


def test_tornado_leader_for_the_default_microlearning_roi():
    # the share of the gain due to training is grade D (25 % to 75 %) and scales every benefit; the
    # skill kept on the job now decays with a 40-month half-life and a floor, so retention moves less
    _, bars = tornado(Scenario(), Option.MICRO, "ROI")
    assert bars[0].field == "attribution_pct"


def test_frontier_zero_contour_matches_goal_seek():
    xs, ys, z = frontier(
        Scenario(), Option.MICRO, "ROI", "learners", "micro_retention_pct", x_range=(1, 5_000)
    )
    j = int(np.argmin(np.abs(ys - 75)))
    row = z[j]
    crossing = xs[np.flatnonzero(row >= 0)[0]]
    at75 = Scenario(micro_retention_pct=float(ys[j]))
    solved = goal_seek(at75, "learners", Option.MICRO, "ROI", 0.0).value
    assert abs(crossing - solved) <= (xs[1] - xs[0]) + 1


# --- goal seek -------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from(
        ["learners", "micro_fixed_cost", "turnover_saving_5y", "micro_retention_pct", "attribution_pct"]
    ),
    st.floats(-50, 200),
)
def test_goal_seek_result_plugged_back_gives_the_target(field, target):
    s = Scenario()
    r = goal_seek(s, field, Option.MICRO, "ROI", target)
    if r.value is None:
        assert r.low is None or not (r.low <= target <= r.high)
        return
    achieved = metric_value(s.model_copy(update={field: r.value}), Option.MICRO, "ROI")
    if isinstance(INPUTS[field].default, int):  # whole numbers: the first count at or past the target
        before = metric_value(s.model_copy(update={field: r.value - 1}), Option.MICRO, "ROI")
        assert min(before, achieved) <= target <= max(before, achieved)
    else:
        assert achieved == pytest.approx(target, abs=1e-4)


def test_goal_seek_says_no_solution_in_range():
    # microlearning ROI cannot reach 100,000 % by moving its development cost alone
    r = goal_seek(Scenario(), "micro_fixed_cost", Option.MICRO, "ROI", 100_000.0)
    assert r.value is None and r.high is not None and r.high < 100_000


def test_every_seekable_field_is_a_bounded_number():
    assert set(seekable_fields()) >= set(RANGED_FIELDS)
