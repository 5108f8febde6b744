"""One decision over time and across options (issue 23): generated scenarios, properties that
could fail.

- Conservative (Phillips) is the first 12 months of the same benefit stream × confidence, on
  the same (fully loaded) costs: at every month its benefits so far are no more than the
  claimed case's, its payback is never sooner and its NPV never higher.
- The discounted payback is never sooner than the plain one, and the plain one exists exactly
  when ROI ≥ 0.
- Benefits follow the share of the skill kept month by month: without nudges each month's
  benefit is no more than the month before's, and never below the floor's share.
- The retention inputs move figures as their names say: a higher share kept for good or a
  longer half-life never lowers a benefit or an NPV.
- The verdict chooses among every option and not training.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculators.model import Option, evaluate, retention_profile
from calculators.roi import all_returns
from calculators.scenario import Format, Scenario
from calculators.verdict import decide
from tests.strategies import valid_scenarios

EPS = 1e-6


def _claimed_and_conservative(s: Scenario) -> tuple[Scenario, Scenario]:
    """The two bases a screen shows: as claimed on the screen's (fully loaded) costs, and defensible."""
    return s.with_changes(conservative=False, fully_loaded=True), s.with_changes(conservative=True)


@settings(max_examples=120, deadline=None)
@given(valid_scenarios())
def test_conservative_never_pays_back_sooner_nor_is_worth_more(scenario):
    claimed, conservative = (all_returns(s) for s in _claimed_and_conservative(scenario))
    for option in Option:
        c, d = claimed[option], conservative[option]
        assert d.costs == pytest.approx(c.costs, rel=1e-12)  # the same costs
        so_far_claimed, so_far_defensible = np.cumsum(c.flows.benefits), np.cumsum(d.flows.benefits)
        assert np.all(so_far_defensible <= so_far_claimed * (1 + 1e-12) + EPS)  # at every month
        assert d.npv <= c.npv + EPS * max(1.0, abs(c.npv))
        for plain in (False, True):
            later = d.payback_months if not plain else d.discounted_payback_month
            sooner = c.payback_months if not plain else c.discounted_payback_month
            if later is not None:
                assert sooner is not None and later >= sooner - 1e-9


def test_the_reported_case_conservative_pays_back_later_and_is_worth_less():
    """2,500 learners (issue 23: payback moved from 14 to 9 months when Conservative went on)."""
    claimed, conservative = (
        all_returns(s)[Option.MICRO] for s in _claimed_and_conservative(Scenario(learners=2500))
    )
    assert conservative.npv < claimed.npv
    assert conservative.discounted_payback_month > claimed.discounted_payback_month


@settings(max_examples=150, deadline=None)
@given(valid_scenarios())
def test_discounted_payback_is_never_sooner_and_plain_payback_exists_iff_roi_is_not_negative(scenario):
    for option, r in all_returns(scenario).items():
        plain, discounted = r.payback_months, r.discounted_payback_month
        if discounted is not None:
            assert plain is not None and discounted >= plain - 1e-9
        if r.costs > 0 and r.roi_pct is not None and abs(r.roi_pct) > 1e-9:
            assert (plain is not None) == (r.roi_pct > 0), (option, r.roi_pct, plain)
    # the array model reads the same months as the single scenario
    outcome = evaluate(scenario)
    for option, r in all_returns(scenario).items():
        for model, single in (
            (outcome[option].payback_months[0], r.payback_months),
            (outcome[option].discounted_payback_months[0], r.discounted_payback_month),
        ):
            if single is None:
                assert math.isinf(model)
            else:
                assert model == pytest.approx(single, rel=1e-9, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(valid_scenarios(micro_nudge_days=0, ilt_nudge_days=0, decay_weighting=True))
def test_without_nudges_each_months_share_kept_falls_and_stays_above_the_floor(scenario):
    months = 12 * scenario.horizon_years
    for fmt in Format:
        kept = np.asarray(retention_profile(scenario, fmt, months))
        assert np.all(np.diff(kept) <= 1e-12)
        assert np.all(kept >= scenario.retention_floor_pct / 100 - 1e-12) and np.all(kept <= 1)


@settings(max_examples=100, deadline=None)
@given(valid_scenarios(decay_weighting=True))
def test_half_of_what_fades_is_lost_at_the_half_life_and_half_of_the_gain_later(scenario):
    """Before any nudge, the curve the model reads is floor + (1 − floor)/2 at each format's
    half-life (half of what fades lost) and one half at `half_lost_days` (half of the whole gain)."""
    from calculators.model import half_life_days, half_lost_days
    from calculators.retention import CurveFamily, cumulative_area, skill_parameter

    s = scenario.with_changes(micro_nudge_days=0, ilt_nudge_days=0)
    floor = s.retention_floor_pct / 100
    family = CurveFamily(s.retention_curve)

    def kept_on(day: float, parameter: float) -> float:  # ρ(day) from the area's slope
        area = cumulative_area(family, parameter, np.array([day - 1e-3, day + 1e-3]), floor=floor)
        return float(np.diff(area)[0] / 2e-3)

    for fmt in Format:
        h = float(half_life_days(s, fmt))
        p = skill_parameter(family, h)
        assert kept_on(h, p) == pytest.approx(floor + (1 - floor) / 2, abs=1e-4)
        whole = float(half_lost_days(s, fmt))
        assert whole >= h - 1e-9
        if whole < 1e6:
            assert kept_on(whole, p) == pytest.approx(0.5, abs=1e-4)


def _npvs(s: Scenario) -> dict[Option, float]:
    return {o: r.npv for o, r in all_returns(s).items()}


@settings(max_examples=120, deadline=None)
@given(valid_scenarios(decay_weighting=True), st.floats(0, 45), st.floats(0, 45))
def test_keeping_more_for_good_never_lowers_a_benefit_or_the_npv(scenario, a, b):
    """ "Share of a skill kept for good" means what it says: a higher floor keeps at least as much
    of the gain in every month (each format, with its nudges), so no option's benefits or NPV
    fall, as claimed or defensible (issue 23: no input may move a figure against its meaning)."""
    low, high = sorted((a, b))
    for base in _claimed_and_conservative(scenario):
        lo, hi = base.with_changes(retention_floor_pct=low), base.with_changes(retention_floor_pct=high)
        months = 12 * lo.horizon_years
        for fmt in Format:
            assert np.all(retention_profile(hi, fmt, months) >= retention_profile(lo, fmt, months) - 1e-12)
        r_lo, r_hi = all_returns(lo), all_returns(hi)
        for option in Option:
            assert r_hi[option].benefits >= r_lo[option].benefits - EPS * max(1.0, abs(r_lo[option].benefits))
            assert r_hi[option].npv >= r_lo[option].npv - EPS * max(1.0, abs(r_lo[option].npv))


@settings(max_examples=80, deadline=None)
@given(valid_scenarios(decay_weighting=True), st.floats(1, 120), st.floats(1, 120))
def test_a_longer_half_life_never_lowers_a_benefit_or_the_npv(scenario, a, b):
    low, high = sorted((a, b))
    lo, hi = (scenario.with_changes(skill_half_life_months=v) for v in (low, high))
    r_lo, r_hi = all_returns(lo), all_returns(hi)
    for option in Option:
        assert r_hi[option].npv >= r_lo[option].npv - EPS * max(1.0, abs(r_lo[option].npv))


def test_the_default_half_life_is_the_meta_analysis_eleven_months_at_the_default_floor():
    """Tatel & Ackerman's mixed-measure figure: half of the whole gain lost after 11 months."""
    from calculators.roi import half_lost_months

    assert half_lost_months(Scenario()) == pytest.approx(11.0, abs=1e-9)
    assert Scenario().skill_half_life_months < 11.0  # the part that fades halves sooner


@settings(max_examples=200, deadline=None)
@given(
    npv=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=3, max_size=3),
    costs=st.lists(st.floats(1.0, 1e6, allow_nan=False), min_size=3, max_size=3),
    band=st.floats(0, 50),
)
def test_not_training_is_always_an_option(npv, costs, band):
    expected = dict(zip(Option, npv, strict=True))
    decision = decide(expected, dict(zip(Option, costs, strict=True)), band)
    top = max(npv)
    if top < 0:  # not training beats every option
        assert decision.best is None
        assert decision.advice in {"don't train", "too close"}
    if decision.advice == "don't train":
        assert top < 0
    if decision.advice == "go":
        assert decision.best is not None and expected[decision.best] == top > 0
    assert decision.difference >= 0


@settings(max_examples=150, deadline=None)
@given(
    valid_scenarios(retention_curve="exponential", micro_nudge_days=0, ilt_nudge_days=0),
    st.sampled_from([0.0, 8.0, 30.0]),
)
def test_large_evaluations_in_closed_form_equal_the_month_by_month_stream(scenario, rate):
    """A Monte Carlo-sized evaluation on the exponential curve without nudges sums its geometric
    stream in closed form (`_closed_forms`); a single scenario adds it up month by month. Same
    benefits, NPV and both paybacks (discount rate 0 included: a base of exactly 1)."""
    from calculators.model import KEEP_MONTHLY, _closed_forms

    s = scenario.with_changes(discount_rate_pct=rate)
    many = 2 * KEEP_MONTHLY // (12 * s.horizon_years) + 1
    from calculators.model import Inputs

    assert _closed_forms(Inputs(s, {"learners": np.full(many, float(s.learners))}), 12 * s.horizon_years)
    big = evaluate(s, {"learners": np.full(many, float(s.learners))})
    for option, r in all_returns(s).items():
        o = big[option]
        scale = max(1.0, abs(r.benefits), r.costs)
        assert o.benefits[-1] == pytest.approx(r.benefits, rel=1e-9, abs=1e-9 * scale)
        assert o.npv[-1] == pytest.approx(r.npv, rel=1e-9, abs=1e-9 * scale)
        for closed, single in (
            (o.payback_months[-1], r.payback_months),
            (o.discounted_payback_months[-1], r.discounted_payback_month),
        ):
            if single is None:
                assert math.isinf(closed) or closed == pytest.approx(12 * s.horizon_years, abs=1e-6)
            else:
                assert closed == pytest.approx(single, rel=1e-7, abs=1e-7)


@settings(max_examples=60, deadline=None)
@given(valid_scenarios(), st.integers(0, 130), st.integers(0, 2**31 - 1))
def test_a_late_payback_from_the_running_total_is_the_payback_month_compared(scenario, month, seed):
    """The Monte Carlo page's chance of a late payback reads each draw's running total at the
    target month alone (`evaluate(..., late_after=)`): exactly the draws whose discounted payback
    month (bisection or month arrays, nudges and every curve) is later than the target."""
    from calculators.simulation import draw_inputs

    values = draw_inputs(scenario, 64, seed, "triangular", {})
    for option, r in evaluate(scenario, values, late_after=month).items():
        assert r.late is not None and r.late.shape == r.npv.shape
        np.testing.assert_array_equal(r.late, r.discounted_payback_months > month, err_msg=str(option))
    one = evaluate(scenario, late_after=month)  # one point, no draws
    for r in one.values():
        np.testing.assert_array_equal(r.late, r.discounted_payback_months > month)


@settings(max_examples=15, deadline=None)
@given(valid_scenarios(), st.integers(0, 2**31 - 1))
def test_the_monte_carlo_summary_without_paybacks_gives_the_same_late_shares(scenario, seed):
    from calculators.simulation import monte_carlo

    full = monte_carlo(scenario, 300, seed).summary()
    drawn = monte_carlo(scenario, 300, seed, paybacks_later=True, late_after=24)
    lazy = drawn.summary()
    assert lazy.payback_over is None and drawn.known_payback is None
    for option in Option:
        for m in (0, 1, 6, 12, 24, 36, 60, 120):
            assert lazy.probability_payback_after(option, m) == full.probability_payback_after(option, m)
    assert drawn.known_payback is None  # the shares came from running totals, not payback months


def test_a_kept_summary_holds_no_draws_and_reads_late_paybacks_through_the_kept_runs():
    """The Monte Carlo page's summary outlives its run without holding it: a late payback at
    another target is read from the kept run, or from the same draws drawn again."""
    import gc
    import weakref

    from components.work import simulation_cache as cache

    cache.clear_runs()
    s = Scenario(learners=1234)
    key = cache._key(s, 2_000, 5, "triangular", {})
    summary = cache._summary(key, late_after=24)
    run = weakref.ref(cache._cached(*key))
    expected = {m: cache._cached(*key).probability_payback_after(Option.MICRO, m) for m in (6, 24)}
    cache._RUNS.clear()  # pushed out by other pages' runs
    assert len(cache._SUMMARIES) == 1  # the summary is still kept
    gc.collect()
    assert run() is None, "the summary keeps no run alive"
    assert summary.probability_payback_after(Option.MICRO, 6) == expected[6]
    assert summary.probability_payback_after(Option.MICRO, 24) == expected[24]
    cache.clear_runs()
