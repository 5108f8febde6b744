"""Pilot planner statistics. Oracles name their published source; properties cover the rest."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from calculators.pilot import (
    EFFECTS,
    breakeven_check,
    cluster_plan,
    compare,
    decay_fit,
    design_effect,
    minimum_detectable_difference,
    newcombe_interval,
    noninferiority_sample_size,
    pilot_size,
    probability_b_beats_a,
    probability_b_beats_a_monte_carlo,
    sample_size,
    sample_size_exact,
    wilson_interval,
    z_test,
)
from calculators.scenario import Scenario
from calculators.settings import PageSettings
from components.views.pilot_view import breakeven_verdict
from components.work.pilot_plan import planned_learners

rates = st.floats(min_value=0.02, max_value=0.98, allow_nan=False)


# --- Oracles ----------------------------------------------------------------------------------


def test_sample_size_matches_r_power_prop_test_example():
    # R documentation, stats::power.prop.test, Examples: power.prop.test(p1 = .50, p2 = .75, power = .90)
    # gives n = 76.7 per group (the same pooled-variance formula, Fleiss, Levin & Paik 2003, eq. 4.14).
    assert sample_size_exact(0.50, 0.75, alpha=0.05, power=0.90) == pytest.approx(76.7, abs=0.05)
    assert sample_size(0.50, 0.75, alpha=0.05, power=0.90) == 77


def test_sample_size_by_hand_sixty_versus_eighty_percent():
    # By hand: p̄ = 0.7; (1.959964·√0.42 + 0.841621·√0.40)² / 0.2² = 81.22 → 82 per arm.
    assert sample_size_exact(0.60, 0.80) == pytest.approx(81.22, abs=0.01)
    assert sample_size(0.60, 0.80) == 82


def test_noninferiority_matches_chow_shao_wang_example():
    # Chow, Shao & Wang, "Sample Size Calculations in Clinical Research" (2008), two-sample
    # proportions, non-inferiority: 85 % vs 65 %, margin 10 points, α = 0.05 one-sided, 80 % power → 25
    # (as reproduced by powerandsamplesize.com, "Compare 2 Proportions: Non-Inferiority or Superiority").
    assert noninferiority_sample_size(0.65, 0.85, 0.10, alpha=0.05, power=0.80) == 25


def test_noninferiority_eighty_versus_eighty_margin_five_points_one_sided_alpha_0025():
    """80 % vs 80 %, margin 5 points, one-sided α = 0.025, 80 % power → 1,005 learners per arm.

    Standard formula n = (z(1−α) + z(1−β))² · 2·p(1−p) / δ² (Chow, Shao & Wang, "Sample Size
    Calculations in Clinical Research", 2008, section 4.2; Blackwelder 1982), computed by hand:
    (1.959964 + 0.841621)² · 2 · 0.8 · 0.2 / 0.05² = 7.848880 · 128 = 1004.66 → 1,005.
    """
    assert noninferiority_sample_size(0.80, 0.80, 0.05, alpha=0.025, power=0.80) == 1005
    assert noninferiority_sample_size(0.80, 0.80, 0.05) == 1005  # one-sided 0.025 is the default


def test_newcombe_interval_matches_newcombe_1998_examples():
    # Newcombe RG (1998) Stat Med 17:873-890, Table II, method 10 (hybrid score), p1 − p2:
    # (a) 56/70 − 48/80: 0.0524 to 0.3339; (b) 9/10 − 3/10: 0.1705 to 0.8090;
    # (d) 5/56 − 0/29: −0.0381 to 0.1926; (e) 0/10 − 0/20: −0.1611 to 0.2775.
    for (b, nb, a, na), (low, high) in {
        (56, 70, 48, 80): (0.0524, 0.3339),
        (9, 10, 3, 10): (0.1705, 0.8090),
        (5, 56, 0, 29): (-0.0381, 0.1926),
        (0, 10, 0, 20): (-0.1611, 0.2775),
    }.items():
        result = newcombe_interval(a, na, b, nb)
        assert result == pytest.approx((low, high), abs=5e-5)


def test_z_test_matches_agresti_aspirin_example():
    # Agresti, "An Introduction to Categorical Data Analysis": Physicians' Health Study, heart attacks
    # 189 / 11,034 on placebo vs 104 / 11,037 on aspirin; Pearson X² = 25.01 (= z²), difference 0.0077,
    # 95 % CI (0.005, 0.011).
    z, p = z_test(189, 11_034, 104, 11_037)
    assert z**2 == pytest.approx(25.01, abs=0.01)
    assert p < 1e-6
    low, high = newcombe_interval(189, 11_034, 104, 11_037)
    assert (round(-high, 3), round(-low, 3)) == (0.005, 0.011)


def test_z_test_by_hand():
    # 48/80 vs 56/70: pooled 104/150; SE = √(0.69333·0.30667·(1/80 + 1/70)) = 0.075467; z = 0.2 / SE = 2.650
    z, p = z_test(48, 80, 56, 70)
    assert z == pytest.approx(2.650, abs=1e-3)
    assert p == pytest.approx(0.00804, abs=1e-4)


def test_design_effect_worked_example():
    # DE = 1 + (m − 1)·ICC: teams of 21 with ICC 0.05 double the sample (Donner & Klar 2000, eq. 2.2 form).
    assert design_effect(21, 0.05) == pytest.approx(2.0)
    plan = cluster_plan(170, 12, 0.05)
    assert (plan.learners, plan.teams) == (264, 22)


def test_wilson_interval_zero_successes():
    # Newcombe 1998 example (f) component: 0/10 → Wilson 95 % interval 0 to 0.2775.
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.2775), abs=5e-5)


def test_bayesian_probability_agrees_with_seeded_monte_carlo():
    exact = probability_b_beats_a(48, 80, 56, 70)
    simulated = probability_b_beats_a_monte_carlo(48, 80, 56, 70, draws=400_000, seed=7)
    assert simulated == pytest.approx(exact, abs=0.002)
    assert simulated == probability_b_beats_a_monte_carlo(48, 80, 56, 70, draws=400_000, seed=7)


def test_pilot_size_worked_example_teams_of_twelve():
    # 35 % vs 50 %, two-sided α = 0.05, 80 % power: n = 169.31, rounded up to 170 per arm;
    # teams of 12 with ICC 0.05: DE = 1.55, ⌈170 · 1.55⌉ = 264 learners = 22 whole teams.
    assert pilot_size("better", 0.35, 0.50, 0.10, 0.05, 0.80).learners == 170
    size = pilot_size("better", 0.35, 0.50, 0.10, 0.05, 0.80, clustered=True, team_size=12, icc=0.05)
    assert (size.individual, size.learners, size.cluster.teams) == (170, 264, 22)


# --- Edges ----------------------------------------------------------------------------------


def test_pilot_size_unknown_question_is_an_error():
    with pytest.raises(ValueError, match="better"):
        pilot_size("worse", 0.35, 0.50, 0.10, 0.05, 0.80)  # type: ignore[arg-type]


def test_pilot_size_no_size_answers_is_none():
    assert pilot_size("better", 0.40, 0.40, 0.10, 0.05, 0.80, clustered=True, team_size=12, icc=0.05) is None
    assert pilot_size("no worse", 0.60, 0.45, 0.10, 0.025, 0.80) is None


def test_sample_size_equal_rates_is_none():
    assert sample_size(0.4, 0.4) is None
    assert sample_size_exact(0.4, 0.4) is None


def test_noninferiority_expected_loss_beyond_margin_is_none():
    assert noninferiority_sample_size(0.60, 0.50, 0.10) is None


def test_sample_size_rejects_bad_design():
    with pytest.raises(ValueError):
        sample_size(0.4, 0.5, alpha=0.0)
    with pytest.raises(ValueError):
        sample_size(0.4, 1.5)
    with pytest.raises(ValueError):
        design_effect(0, 0.1)


def test_compare_zero_counts_everywhere():
    r = compare(0, 20, 0, 10)
    assert r.difference == 0.0
    assert r.p_value == 1.0 and r.z == 0.0
    assert all(math.isfinite(x) for x in r.ci)


def test_compare_all_successes_everywhere():
    r = compare(30, 30, 25, 25)
    assert r.p_value == 1.0
    assert r.ci[0] < 0 < r.ci[1]


def test_compare_n_zero_is_an_error():
    with pytest.raises(ValueError, match="at least one learner"):
        compare(0, 0, 3, 10)
    with pytest.raises(ValueError):
        compare(11, 10, 3, 10)


def test_bayesian_probability_no_data_is_one_half():
    assert probability_b_beats_a(0, 0, 0, 0) == pytest.approx(0.5)


def test_minimum_detectable_difference_zero_learners_is_none():
    assert minimum_detectable_difference(0.35, 0) is None


def test_decay_fit_needs_decay_and_counts():
    assert decay_fit(40, 100, 60, 100, 30).at_reference is None
    assert decay_fit(0, 0, 10, 100, 30).at_reference is None
    assert decay_fit(60, 100, 0, 100, 30).at_reference is None  # R90 = 0: ln undefined


def test_decay_fit_reads_the_curve_at_the_reference_day():
    # S = 60 / ln(0.6 / 0.4) = 147.98 days; at day 90 the fitted curve gives 40 %.
    assert decay_fit(60, 100, 40, 100, 90).at_reference == 40.0
    assert decay_fit(60, 100, 40, 100, 30).at_reference == 60.0


def test_breakeven_check_warns_when_pilot_is_too_small():
    check = breakeven_check(Scenario(turnover_on=False), "micro_productivity_gain_pct", 0.35, 170)
    assert check.breakeven_pct == pytest.approx(0.126, abs=0.01)
    assert check.can_tell is False
    kind, sentence = breakeven_verdict(check, 170)
    assert kind == "warning" and "cannot tell break-even from loss" in sentence


def test_breakeven_check_risk_never_profitable_at_small_scale():
    check = breakeven_check(Scenario(turnover_on=False, learners=100), "micro_risk_reduction_pct", 0.20, 170)
    assert check.never_profitable and check.breakeven_pct is None and check.can_tell is None
    assert not check.stream_was_on
    assert EFFECTS["micro_risk_reduction_pct"].direction == -1


# --- Properties ---------------------------------------------------------------------------------


@given(baseline=rates, gap=st.floats(0.02, 0.4), extra=st.floats(0.01, 0.3))
@settings(max_examples=60, deadline=None)
def test_sample_size_decreases_as_the_effect_grows(baseline, gap, extra):
    assume(baseline + gap + extra <= 0.99)
    assert sample_size(baseline, baseline + gap + extra) <= sample_size(baseline, baseline + gap)


@given(baseline=rates, target=rates, low=st.floats(0.5, 0.8), more=st.floats(0.01, 0.19))
@settings(max_examples=60, deadline=None)
def test_sample_size_increases_with_power(baseline, target, low, more):
    assume(abs(target - baseline) > 1e-3)
    assert sample_size(baseline, target, power=low + more) >= sample_size(baseline, target, power=low)


@given(
    baseline=rates, target=rates, margin=st.floats(0.01, 0.5), alpha=st.sampled_from([0.01, 0.025, 0.05, 0.10]),
    power=st.sampled_from([0.80, 0.85, 0.90, 0.95]), team=st.integers(1, 50), icc=st.floats(0.0, 1.0),
)  # fmt: skip
@settings(max_examples=80, deadline=None)
def test_pilot_size_is_the_test_its_question_asks_for_then_whole_teams(
    baseline, target, margin, alpha, power, team, icc
):
    assume(abs(target - baseline) > 1e-3)
    better = pilot_size("better", baseline, target, margin, alpha, power)
    assert better.individual == better.learners == sample_size(baseline, target, alpha, power)
    no_worse = pilot_size("no worse", baseline, target, margin, alpha, power)
    expected = noninferiority_sample_size(baseline, target, margin, alpha, power)
    assert (no_worse and no_worse.learners) == expected
    teams = pilot_size(
        "better", baseline, target, margin, alpha, power, clustered=True, team_size=team, icc=icc
    )
    assert teams.cluster == cluster_plan(better.individual, team, icc)
    assert teams.learners == teams.cluster.learners >= better.learners and teams.learners % team == 0


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"pilot_design": "no worse", "pilot_margin_pct": 5.0},
        {"pilot_cluster": True, "pilot_team_size": 20, "pilot_icc": 0.1, "pilot_power": 0.9},
        {"pilot_design": "no worse", "pilot_cluster": True, "pilot_alpha_noninferiority": 0.05},
        {"pilot_target_pct": 35.0},  # equal rates: no size
    ],
)
def test_the_verdicts_pilot_is_the_pages_plan(changes):
    # The verdict reads the pilot from the page settings (components.work.pilot_plan); the page
    # sizes it from the same widgets: both through pilot_size, so they cannot drift apart.
    s = PageSettings(**changes)
    alpha = s.pilot_alpha_noninferiority if s.pilot_design == "no worse" else s.pilot_alpha
    size = pilot_size(
        s.pilot_design, s.pilot_baseline_pct / 100, s.pilot_target_pct / 100, s.pilot_margin_pct / 100,
        alpha, s.pilot_power, s.pilot_cluster, s.pilot_team_size, s.pilot_icc,
    )  # fmt: skip
    assert planned_learners(s) == (size and size.learners)
    assert planned_learners(PageSettings(**changes, pilot_enrol=300)) == 300  # what can be enrolled wins


@given(m=st.integers(1, 500), icc=st.floats(0.0, 1.0))
def test_design_effect_is_at_least_one(m, icc):
    assert design_effect(m, icc) >= 1.0


@given(na=st.integers(1, 300), nb=st.integers(1, 300), fa=st.floats(0, 1), fb=st.floats(0, 1))
@settings(max_examples=80, deadline=None)
def test_ci_contains_the_observed_difference_and_p_is_a_probability(na, nb, fa, fb):
    a, b = round(fa * na), round(fb * nb)
    r = compare(a, na, b, nb)
    assert r.ci[0] - 1e-12 <= r.difference <= r.ci[1] + 1e-12
    assert -1.0 <= r.ci[0] <= r.ci[1] <= 1.0
    assert 0.0 <= r.p_value <= 1.0
    assert 0.0 <= r.prob_b_beats_a <= 1.0


@given(na=st.integers(0, 200), nb=st.integers(0, 200), fa=st.floats(0, 1), fb=st.floats(0, 1))
@settings(max_examples=60, deadline=None)
def test_probability_b_beats_a_is_symmetric(na, nb, fa, fb):
    a, b = round(fa * na), round(fb * nb)
    forward = probability_b_beats_a(a, na, b, nb)
    backward = probability_b_beats_a(b, nb, a, na)
    assert 0.0 <= forward <= 1.0
    assert forward + backward == pytest.approx(1.0, abs=1e-9)


@given(baseline=st.floats(0.05, 0.95), n=st.integers(20, 5_000))
@settings(max_examples=40, deadline=None)
def test_minimum_detectable_difference_round_trips(baseline, n):
    d = minimum_detectable_difference(baseline, n)
    assume(d is not None)
    assert sample_size_exact(baseline, baseline + d) == pytest.approx(n, rel=1e-6)


def test_breakeven_verdict_when_roi_does_not_exist():
    # all costs zero: goal seek finds no ROI anywhere, neither "always" nor "never" profitable
    from calculators.pilot import EFFECTS, BreakEvenCheck
    from components.views.pilot_view import breakeven_verdict

    check = BreakEvenCheck(EFFECTS["micro_productivity_gain_pct"], False, None, False, False, 1.0, None)
    kind, sentence = breakeven_verdict(check, 170)
    assert kind == "info" and "ROI does not exist" in sentence
