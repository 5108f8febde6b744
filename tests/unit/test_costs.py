"""Costs, crossover and break-even (calculators/costs.py).

Oracle values come from an independent source named next to each one: seed 002's cost
table (micro F = 30,000, v = 3; ILT F = 10,000, v = 45), seed 000's seat hours, or a
calculation done by hand and written out in the comment.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculators.costs import (
    CostLine,
    Crossover,
    breakeven_learners,
    classes_needed,
    cost_line,
    cost_per_learner,
    crossover,
    net_benefit,
    seat_time_cost,
    total_cost,
)
from calculators.model import Option, evaluate, option_costs
from calculators.scenario import Format, Scenario
from tests.strategies import valid_scenarios

MAX_LEARNERS = 100_000
EVERY_COUNT = np.arange(1, MAX_LEARNERS + 1, dtype=np.float64)

SEED_MICRO = CostLine(Format.MICRO, 30_000.0, 3.0)  # seed 002 cost table
SEED_ILT = CostLine(Format.ILT, 10_000.0, 45.0)  # seed 002 cost table

PROPERTY = settings(max_examples=200, deadline=None)


def lines(scenario: Scenario) -> tuple[CostLine, CostLine]:
    return cost_line(scenario, Format.MICRO), cost_line(scenario, Format.ILT)


def cost_of(line: CostLine, learners: float) -> float:
    return float(total_cost(line, learners))


# --- Seed table (fully_loaded off) -------------------------------------------------------


def test_default_cost_lines_are_seed_002_table():
    # seed 002 cost table: micro 30,000 + 3/learner; ILT 10,000 + 45/seat; no class steps
    micro, ilt = lines(Scenario())
    assert micro == SEED_MICRO
    assert ilt == SEED_ILT
    assert not micro.has_steps and not ilt.has_steps


def test_default_crossover_is_20000_over_42():
    # computed by hand: (30,000 - 10,000) / (45 - 3) = 20,000 / 42 = 476.190476...
    x = crossover(*lines(Scenario()))
    assert x is not None
    assert x.learners == pytest.approx(20_000 / 42, rel=1e-12)
    assert x.learners == pytest.approx(476.190476190476, rel=1e-12)
    assert x.cheaper_from == 477
    assert x.cheaper_above is Format.MICRO
    assert x.cheaper_below is Format.ILT


def test_default_costs_either_side_of_crossover():
    # computed by hand: at 476, micro 30,000 + 3*476 = 31,428; ILT 10,000 + 45*476 = 31,420
    assert cost_of(SEED_MICRO, 476) == 31_428
    assert cost_of(SEED_ILT, 476) == 31_420
    # computed by hand: at 477, micro 31,431; ILT 10,000 + 45*477 = 31,465
    assert cost_of(SEED_MICRO, 477) == 31_431
    assert cost_of(SEED_ILT, 477) == 31_465


def test_totals_at_1000_learners():
    # computed by hand from seed 002: 30,000 + 3,000 = 33,000; 10,000 + 45,000 = 55,000
    assert cost_of(SEED_MICRO, 1_000) == 33_000
    assert cost_of(SEED_ILT, 1_000) == 55_000


def test_cost_per_learner_at_1000_learners():
    # computed by hand: 33,000 / 1,000 = 33; 55,000 / 1,000 = 55
    assert float(cost_per_learner(SEED_MICRO, 1_000)) == 33
    assert float(cost_per_learner(SEED_ILT, 1_000)) == 55


def test_breakeven_with_benefit_75():
    # computed by hand: N_be = F / (b - v): micro 30,000 / 72; ILT 10,000 / 30
    assert breakeven_learners(SEED_MICRO, 75) == pytest.approx(30_000 / 72, rel=1e-12)
    assert breakeven_learners(SEED_ILT, 75) == pytest.approx(10_000 / 30, rel=1e-12)


def test_net_benefit_at_1000_learners():
    # computed by hand: 75 * 1,000 - 33,000 = 42,000; 75 * 1,000 - 55,000 = 20,000
    assert net_benefit(SEED_MICRO, 75, np.array([0.0, 1_000.0])).tolist() == [-30_000, 42_000]
    assert float(net_benefit(SEED_ILT, 75, 1_000)) == 20_000


def test_seat_time_cost_seed_000_hours():
    # seed 000: 8-hour workshop, 7.5-minute module; BLS ~$45/hour. By hand:
    # 1,000 * 8 * 45 = 360,000 and 1,000 * 0.125 * 45 = 5,625
    assert seat_time_cost(1_000, 8, 45) == 360_000
    assert seat_time_cost(1_000, 0.125, 45) == 5_625


def test_classes_needed_steps_at_class_size():
    # computed by hand: ceil(N / 20)
    assert classes_needed(np.array([0, 1, 19, 20, 21, 40, 41]), 20).tolist() == [0, 1, 1, 1, 2, 2, 3]


# --- Fully loaded ------------------------------------------------------------------------


def test_fully_loaded_cost_lines_by_hand():
    s = Scenario(fully_loaded=True)
    micro, ilt = lines(s)
    # computed by hand: 30,000 + 3,000 refresh * (3 - 1) years = 36,000;
    # 3 + 0.125 h * 45 = 8.625 per learner; no class steps
    assert micro == CostLine(Format.MICRO, 36_000.0, 8.625)
    # computed by hand: 10,000 + 1,000 * (3 - 1) = 12,000; 45 + 8 h * 45 = 405; classes of 20 at 800
    assert ilt == CostLine(Format.ILT, 12_000.0, 405.0, class_size=20, per_class=800.0)
    assert ilt.has_steps and not micro.has_steps
    # computed by hand: 405 + 800 / 20 = 445
    assert ilt.long_run_per_learner == 445


def test_fully_loaded_refresh_is_paid_from_year_two():
    # computed by hand: horizon 1 has no refresh years; horizon 10 has 9
    assert cost_line(Scenario(fully_loaded=True, horizon_years=1), Format.MICRO).fixed == 30_000
    assert cost_line(Scenario(fully_loaded=True, horizon_years=10), Format.MICRO).fixed == 57_000
    assert cost_line(Scenario(fully_loaded=True, horizon_years=10), Format.ILT).fixed == 19_000


def test_fully_loaded_total_cost_at_class_boundaries():
    micro, ilt = lines(Scenario(fully_loaded=True))
    # computed by hand: 12,000 + 405 * 20 + 1 class * 800 = 20,900
    assert cost_of(ilt, 20) == 20_900
    # computed by hand: 12,000 + 405 * 21 + 2 classes * 800 = 22,105
    assert cost_of(ilt, 21) == 22_105
    # computed by hand: 36,000 + 8.625 * 21 = 36,181.125
    assert cost_of(micro, 21) == 36_181.125
    # computed by hand: 0 learners need 0 classes
    assert cost_of(ilt, 0) == 12_000


def test_fully_loaded_crossover_by_hand():
    # computed by hand: ILT - micro = -24,000 + 396.375 N + 800 ceil(N/20);
    # N = 54: -195.75 (ILT cheaper); N = 55: +200.625 (micro cheaper); both in class block 3,
    # so the curves cross at 21,600 / 396.375 = 54.4938... and micro is cheaper from 55.
    x = crossover(*lines(Scenario(fully_loaded=True)))
    assert x is not None
    assert x.cheaper_from == 55
    assert x.learners == pytest.approx(21_600 / 396.375, rel=1e-12)
    assert x.cheaper_above is Format.MICRO
    assert x.cheaper_below is Format.ILT


def test_fully_loaded_crossover_is_consistent_over_whole_range():
    micro, ilt = lines(Scenario(fully_loaded=True))
    x = crossover(micro, ilt)
    assert x is not None
    _assert_crossover_consistent(micro, ilt, x)


def test_fully_loaded_breakeven():
    micro, ilt = lines(Scenario(fully_loaded=True))
    # computed by hand: 36,000 / (75 - 8.625) = 36,000 / 66.375
    assert breakeven_learners(micro, 75) == pytest.approx(36_000 / 66.375, rel=1e-12)
    # computed by hand: long-run ILT cost 445 per learner > 75 benefit: never breaks even
    assert breakeven_learners(ilt, 75) is None


def _assert_crossover_consistent(a: CostLine, b: CostLine, x: Crossover) -> None:
    """From cheaper_from up to 100,000 `cheaper_above` is strictly cheaper; just before, not."""
    above, below = (a, b) if x.cheaper_above is a.format else (b, a)
    assert x.cheaper_below is below.format
    n = np.arange(x.cheaper_from, MAX_LEARNERS + 1, dtype=np.float64)
    assert np.all(total_cost(above, n) < total_cost(below, n))
    before = x.cheaper_from - 1
    assert cost_of(above, before) >= cost_of(below, before)
    assert before <= x.learners < x.cheaper_from


# --- Edge cases --------------------------------------------------------------------------


def test_crossover_parallel_lines_is_none():
    assert crossover(SEED_MICRO, CostLine(Format.ILT, 10_000, 3)) is None


def test_crossover_identical_lines_is_none():
    assert crossover(SEED_MICRO, CostLine(Format.ILT, 30_000, 3)) is None


def test_crossover_identical_step_lines_is_none():
    line = CostLine(Format.ILT, 10_000, 45, class_size=20, per_class=800)
    assert crossover(line, CostLine(Format.MICRO, 10_000, 45, class_size=20, per_class=800)) is None


def test_crossover_below_one_learner_is_none():
    # computed by hand: (10,000 - 9,990) / 42 = 0.238 < 1: micro cheaper from the first learner
    assert crossover(CostLine(Format.MICRO, 10_000, 3), CostLine(Format.ILT, 9_990, 45)) is None


def test_crossover_beyond_range_is_none():
    # computed by hand: 1,000,000 / 0.01 = 100,000,000 learners, beyond 100,000
    assert crossover(CostLine(Format.MICRO, 1_000_000, 44.99), CostLine(Format.ILT, 0, 45)) is None


def test_crossover_exactly_at_max_learners_is_none():
    # computed by hand: 100,000 / (4 - 3) = 100,000: equal at the last count, never cheaper in range
    assert crossover(CostLine(Format.MICRO, 100_000, 3), CostLine(Format.ILT, 0, 4)) is None


def test_crossover_respects_max_learners():
    # 476.19 is in range 1..477 but not in 1..476
    assert crossover(SEED_MICRO, SEED_ILT, max_learners=476) is None
    x = crossover(SEED_MICRO, SEED_ILT, max_learners=477)
    assert x is not None and x.cheaper_from == 477


def test_crossover_one_format_cheaper_everywhere_is_none():
    # micro has the lower fixed cost and the lower cost per learner: never more expensive
    assert crossover(CostLine(Format.MICRO, 5_000, 3), SEED_ILT) is None


def test_crossover_step_one_format_cheaper_everywhere_is_none():
    ilt = CostLine(Format.ILT, 10_000, 45, class_size=20, per_class=800)
    assert crossover(CostLine(Format.MICRO, 5_000, 3), ilt) is None


def test_crossover_reverse_ilt_cheaper_above():
    # micro: lower fixed (1,000) but higher per learner (50); ILT 10,000 + 5 N.
    # computed by hand: (1,000 - 10,000) / (5 - 50) = 200; equal at 200 (11,000 each),
    # ILT strictly cheaper from 201 (11,005 vs 11,050).
    micro, ilt = CostLine(Format.MICRO, 1_000, 50), CostLine(Format.ILT, 10_000, 5)
    x = crossover(micro, ilt)
    assert x is not None
    assert x.learners == 200
    assert x.cheaper_from == 201
    assert x.cheaper_above is Format.ILT
    assert x.cheaper_below is Format.MICRO
    _assert_crossover_consistent(micro, ilt, x)


def test_crossover_argument_order_does_not_matter():
    for a, b in [(SEED_MICRO, SEED_ILT), lines(Scenario(fully_loaded=True))]:
        x, y = crossover(a, b), crossover(b, a)
        assert x is not None and y is not None
        assert (x.cheaper_from, x.cheaper_above, x.cheaper_below) == (
            y.cheaper_from,
            y.cheaper_above,
            y.cheaper_below,
        )
        assert x.learners == pytest.approx(y.learners, rel=1e-12)


def test_crossover_zero_fixed_costs_is_none():
    # both lines start at 0: micro (v = 3) is never more expensive
    assert crossover(CostLine(Format.MICRO, 0, 3), CostLine(Format.ILT, 0, 45)) is None


def test_zero_learners():
    ilt_steps = CostLine(Format.ILT, 12_000, 405, class_size=20, per_class=800)
    assert float(total_cost(SEED_MICRO, 0)) == 30_000
    assert float(total_cost(ilt_steps, 0)) == 12_000  # 0 classes for 0 learners
    assert float(net_benefit(SEED_MICRO, 75, 0)) == -30_000
    assert float(classes_needed(0, 20)) == 0
    # cost per learner is defined for N >= 1: N = 0 is read as 1 (no division by zero)
    assert float(cost_per_learner(SEED_MICRO, 0)) == 30_003
    assert np.isfinite(cost_per_learner(ilt_steps, np.array([0.0]))).all()


def test_breakeven_margin_exactly_zero_is_none():
    assert breakeven_learners(SEED_ILT, 45) is None
    assert breakeven_learners(SEED_MICRO, 3) is None


def test_breakeven_negative_margin_is_none():
    assert breakeven_learners(SEED_ILT, 44.99) is None
    assert breakeven_learners(SEED_MICRO, 0) is None


def test_breakeven_zero_fixed_cost_is_zero():
    assert breakeven_learners(CostLine(Format.MICRO, 0, 3), 75) == 0


def test_breakeven_step_long_run_margin_zero_is_none():
    ilt = CostLine(Format.ILT, 10_000, 45, class_size=20, per_class=800)
    # computed by hand: long-run cost 45 + 800 / 20 = 85 per learner
    assert breakeven_learners(ilt, 85) is None
    assert breakeven_learners(ilt, 80) is None
    # b above v but below v + c/k: the seat margin exists, the class costs eat it
    assert breakeven_learners(ilt, 50) is None


def test_breakeven_step_by_hand():
    ilt = CostLine(Format.ILT, 10_000, 45, class_size=20, per_class=800)
    # computed by hand with b = 100: net = 55 N - 10,000 - 800 ceil(N/20).
    # N = 705: 38,775 - 10,000 - 28,800 = -25 (last loss); N = 706: +30; from 721 on
    # (block 37) 55 * 721 - 10,000 - 29,600 = 55 > 0 and rising: break-even at 706.
    assert breakeven_learners(ilt, 100) == 706
    net = net_benefit(ilt, 100, EVERY_COUNT)
    assert net[705 - 1] < 0
    assert np.all(net[706 - 1 :] >= 0)


def test_breakeven_step_beyond_max_learners_is_none():
    ilt = CostLine(Format.ILT, 10_000, 45, class_size=20, per_class=800)
    # computed by hand: margin 0.001 per learner needs ~10,000,000 learners
    assert breakeven_learners(ilt, 85.001) is None


def test_breakeven_step_profitable_from_first_learner():
    # F = 0, one class per learner at 1: net = 2 N - N = N >= 0 from N = 1
    assert breakeven_learners(CostLine(Format.ILT, 0, 0, class_size=1, per_class=1), 2) == 1


def test_curve_of_100000_points_is_one_vectorised_call():
    micro, ilt = lines(Scenario(fully_loaded=True))
    for line in (micro, ilt, SEED_MICRO):
        curve = total_cost(line, EVERY_COUNT)
        assert curve.shape == (MAX_LEARNERS,)
        assert np.isfinite(curve).all()
        assert curve[0] == cost_of(line, 1) and curve[-1] == cost_of(line, MAX_LEARNERS)
        per = cost_per_learner(line, EVERY_COUNT)
        assert per.shape == (MAX_LEARNERS,) and np.isfinite(per).all()
        net = net_benefit(line, 75, EVERY_COUNT)
        assert net.shape == (MAX_LEARNERS,) and np.isfinite(net).all()


# --- Properties --------------------------------------------------------------------------


@PROPERTY
@given(valid_scenarios())
def test_cost_is_non_decreasing_in_learners(s: Scenario):
    n = np.arange(0, MAX_LEARNERS + 1, dtype=np.float64)
    for line in lines(s):
        assert np.all(np.diff(total_cost(line, n)) >= 0)


@PROPERTY
@given(valid_scenarios(fully_loaded=False))
def test_straight_lines_cost_equal_at_crossover(s: Scenario):
    micro, ilt = lines(s)
    x = crossover(micro, ilt)
    if x is None:
        return
    assert 1 <= x.learners < MAX_LEARNERS
    assert x.cheaper_from == math.floor(x.learners) + 1
    assert math.isclose(cost_of(micro, x.learners), cost_of(ilt, x.learners), rel_tol=1e-9)


@PROPERTY
@given(valid_scenarios(fully_loaded=True, ilt_cost_per_class=st.floats(0.01, 100_000)))
def test_step_crossover_is_consistent(s: Scenario):
    micro, ilt = lines(s)
    assert ilt.has_steps
    x = crossover(micro, ilt)
    if x is None:
        # None: one format is strictly cheaper at every count, or they tie at the last one
        diff = total_cost(ilt, EVERY_COUNT) - total_cost(micro, EVERY_COUNT)
        assert np.all(diff > 0) or np.all(diff < 0) or diff[-1] == 0
        return
    _assert_crossover_consistent(micro, ilt, x)


BENEFIT = st.floats(0, 100_000, allow_subnormal=False)  # benefit per learner over the horizon


@PROPERTY
@given(valid_scenarios(fully_loaded=False), BENEFIT)
def test_breakeven_is_none_exactly_when_margin_not_positive(s: Scenario, benefit: float):
    for line in lines(s):
        margin = benefit - line.per_learner
        result = breakeven_learners(line, benefit)
        if margin <= 0:
            assert result is None
        elif math.isinf(line.fixed / margin):
            # a margin so small (a subnormal float) that F / margin overflows: no finite answer
            assert result is None
        else:
            assert result is not None
            assert result == line.fixed / margin


@PROPERTY
@given(valid_scenarios(fully_loaded=False), BENEFIT)
def test_net_benefit_is_zero_at_breakeven(s: Scenario, benefit: float):
    for line in lines(s):
        n = breakeven_learners(line, benefit)
        if n is None:
            continue
        scale = max(benefit * n, line.fixed, 1.0)
        assert abs(float(net_benefit(line, benefit, n))) <= 1e-9 * scale


@PROPERTY
@given(valid_scenarios(fully_loaded=True, ilt_cost_per_class=st.floats(0.01, 100_000)), BENEFIT)
def test_step_breakeven_is_first_count_from_which_benefits_stay_ahead(s: Scenario, benefit: float):
    _, ilt = lines(s)
    n = breakeven_learners(ilt, benefit)
    if n is None:
        return
    assert n == int(n) and 1 <= n <= MAX_LEARNERS
    net = net_benefit(ilt, benefit, EVERY_COUNT)
    assert np.all(net[int(n) - 1 :] >= 0)
    if n > 1:
        assert net[int(n) - 2] < 0


@PROPERTY
@given(valid_scenarios(), BENEFIT)
def test_every_output_is_finite_or_none(s: Scenario, benefit: float):
    micro, ilt = lines(s)
    points = np.array([0.0, 1.0, float(s.learners), float(MAX_LEARNERS)])
    for line in (micro, ilt):
        for value in (line.fixed, line.per_learner, line.per_class, line.long_run_per_learner):
            assert math.isfinite(value)
        assert np.isfinite(total_cost(line, points)).all()
        assert np.isfinite(cost_per_learner(line, points)).all()
        assert np.isfinite(net_benefit(line, benefit, points)).all()
        n = breakeven_learners(line, benefit)
        assert n is None or (math.isfinite(n) and n >= 0)
    hours = (s.micro_seat_hours, s.ilt_seat_hours)
    for h in hours:
        assert math.isfinite(seat_time_cost(s.learners, h, s.loaded_hourly_cost))
    x = crossover(micro, ilt)
    if x is not None:
        assert math.isfinite(x.learners) and 1 <= x.learners < MAX_LEARNERS
        assert isinstance(x.cheaper_from, int) and 2 <= x.cheaper_from <= MAX_LEARNERS
        assert {x.cheaper_above, x.cheaper_below} == {Format.MICRO, Format.ILT}


@PROPERTY
@given(valid_scenarios(fully_loaded=False))
def test_straight_crossover_is_consistent(s: Scenario):
    micro, ilt = lines(s)
    x = crossover(micro, ilt)
    if x is not None:
        _assert_crossover_consistent(micro, ilt, x)


def test_crossover_exact_tie_at_whole_count_is_not_cheaper_there():
    # computed by hand: (14,579.8 - 10,000) / (45 - 0.1) = 4,579.8 / 44.9 = 102 exactly; at 102
    # both cost 14,590, so micro is strictly cheaper only from 103 (14,590.1 vs 14,635).
    # Regression: float division gave 101.99999999999999 and cheaper_from 102.
    micro, ilt = lines(Scenario(micro_fixed_cost=14_579.8, micro_cost_per_learner=0.1))
    assert cost_of(micro, 102) == cost_of(ilt, 102) == 14_590
    x = crossover(micro, ilt)
    assert x is not None
    assert x.cheaper_from == 103
    assert x.learners == pytest.approx(102, rel=1e-12)
    _assert_crossover_consistent(micro, ilt, x)


@settings(max_examples=80, deadline=None)
@given(valid_scenarios())
def test_an_options_costs_alone_are_the_models_costs(scenario):
    """`option_costs` (the compare view's cost chart) gives exactly the costs of a full
    evaluation over the same learner counts, for every option."""
    grid = np.unique(np.round(np.geomspace(1, 100_000, 120)))
    for option in Option:
        alone = option_costs(scenario, option, grid)
        full = evaluate(scenario, {"learners": grid}, (option,), paybacks=frozenset())[option].costs
        assert np.array_equal(alone, full), option
