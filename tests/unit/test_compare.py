"""Comparing plans: the Shapley split of a difference over the changed inputs, the KPI table,
the overlaid charts and the paragraph that explains the difference."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import calculators.compare as compare_module
from calculators.compare import (
    ATTRIBUTION_ORDER,
    MAX_GROUPS,
    MAX_SCENARIOS,
    STAGES,
    Attribution,
    Contribution,
    attribute,
    changed_groups,
    coalition_values,
    compare,
    kpi_rows,
    recommendation,
    shapley,
)
from calculators.model import Option, effective, evaluate
from calculators.roi import option_returns
from calculators.scenario import INPUTS, Scenario, input_title
from calculators.simulation import monte_carlo
from components.charts.compare_charts import (
    LEGEND_TITLE,
    MISSING,
    NONE,
    PLAN_STYLES,
    chart_text,
    cost_figure,
    cumulative_figure,
    explain,
    kpi_table,
    part_text,
    plan_names,
    splits_a_difference,
    with_defaults,
)
from components.charts.theme import BENEFITS_COLOUR, FORMAT_COLOURS, OPTION_COLOURS, TITLE_WRAP, unwrap
from components.words.formatting import months
from tests.strategies import field_values, valid_scenarios

SLOW = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
MEASURES = st.sampled_from(["ROI", "NPV"])
OPTIONS = st.sampled_from(list(Option))
DRAWS = 500  # Monte Carlo draws where only the table's shape is tested


def _value(s: Scenario, option: Option, measure: str) -> float:
    """The measure straight from the model core, one scenario at a time (the independent path)."""
    r = evaluate(s, options=(option,))[option]
    return float((r.roi_pct if measure == "ROI" else r.npv)[0])


def _mix(base: Scenario, other: Scenario, groups, members) -> Scenario:
    """The base plan with the groups in `members` (indices) taken from the other plan."""
    state = base.model_dump()
    for i in members:
        state.update({f: getattr(other, f) for f in groups[i]})
    return Scenario.model_validate(state)


def _shapley_by_orders(value, k: int) -> list[float]:
    """The definition, by brute force: each player's marginal contribution averaged over every
    order in which the k players can join (only orders whose coalitions all have a value)."""
    totals, orders = [0.0] * k, 0
    for order in itertools.permutations(range(k)):
        path = [value(frozenset(order[:t])) for t in range(k + 1)]
        if not all(math.isfinite(x) for x in path):
            continue
        orders += 1
        for t, player in enumerate(order):
            totals[player] += path[t + 1] - path[t]
    return [x / orders for x in totals]


def _by_mask(v: np.ndarray) -> Callable[[frozenset[int]], float]:
    """v as a function of a coalition, for the brute force."""
    return lambda members: float(v[sum(1 << i for i in members)])


@st.composite
def nearby_pairs(draw: st.DrawFn) -> tuple[Scenario, Scenario]:
    """A base plan and a variant with one to six inputs changed (what people compare)."""
    base = draw(valid_scenarios())
    fields = draw(st.lists(st.sampled_from(ATTRIBUTION_ORDER), min_size=1, max_size=6, unique=True))
    changes = {f: draw(field_values(INPUTS[f])) for f in fields}
    return base, base.with_changes(**changes)


PAIRS = st.one_of(nearby_pairs(), st.tuples(valid_scenarios(), valid_scenarios()))


@st.composite
def coalition_games(draw: st.DrawFn, undefined: bool = False) -> np.ndarray:
    """Values of every coalition of 0 to 6 players; with `undefined`, some coalitions other
    than the empty one and the whole have no value (NaN)."""
    k = draw(st.integers(0, 6))
    values = draw(st.lists(st.floats(-1e6, 1e6), min_size=1 << k, max_size=1 << k))
    v = np.array(values)
    if undefined and k >= 2:
        holes = draw(st.lists(st.integers(1, (1 << k) - 2), max_size=(1 << k) // 2))
        v[holes] = np.nan
    return v


def _no_benefits(**changes) -> Scenario:
    """A plan that counts no benefit stream, so it never pays back."""
    streams = [f for f in INPUTS if f.endswith("_on") and isinstance(INPUTS[f].default, bool)]
    return Scenario(**dict.fromkeys(streams, False), **changes)


def _permute(v: np.ndarray, order: list[int]) -> np.ndarray:
    """The same game with player order[j] renamed j."""
    k = len(order)
    out = np.empty_like(v)
    for mask in range(1 << k):
        out[mask] = v[sum(1 << order[j] for j in range(k) if mask >> j & 1)]
    return out


# --- the Shapley values ----------------------------------------------------------------------


def test_shapley_of_a_product_is_each_factors_change_times_the_other_factors_mean():
    """v = x·y, x 2 → 5 (player 0), y 3 → 4 (player 1); by hand: φ_x = Δx (y₀ + y₁)/2 = 3 × 3.5,
    φ_y = Δy (x₀ + x₁)/2 = 1 × 3.5. A fixed order would have said 9 + 5, or 12 + 2."""
    assert shapley([2 * 3, 5 * 3, 2 * 4, 5 * 4]).tolist() == [10.5, 3.5]


@given(st.lists(st.floats(-100, 100), min_size=6, max_size=6))
def test_shapley_of_three_factors_is_the_closed_form(xyz):
    """v = x·y·z, each player moving one factor. By hand, x joins first (1/3 of the orders:
    y₀z₀), last (1/3: y₁z₁) or second (1/6 after y: y₁z₀, 1/6 after z: y₀z₁), so
    φ_x = Δx [(y₀z₀ + y₁z₁)/3 + (y₁z₀ + y₀z₁)/6], and likewise for y and z."""
    (x0, x1), (y0, y1), (z0, z1) = xyz[0:2], xyz[2:4], xyz[4:6]
    v = [(x1 if m & 1 else x0) * (y1 if m & 2 else y0) * (z1 if m & 4 else z0) for m in range(8)]

    def closed(d, a0, a1, b0, b1):
        return d * ((a0 * b0 + a1 * b1) / 3 + (a1 * b0 + a0 * b1) / 6)

    expected = [
        closed(x1 - x0, y0, y1, z0, z1),
        closed(y1 - y0, x0, x1, z0, z1),
        closed(z1 - z0, x0, x1, y0, y1),
    ]
    assert shapley(v) == pytest.approx(expected, rel=1e-9, abs=1e-9)


@given(coalition_games())
def test_shapley_values_add_up_to_the_whole_and_match_the_definition(v):
    phi = shapley(v)
    k = len(phi)
    assert math.fsum(phi) == pytest.approx(v[-1] - v[0], rel=1e-9, abs=1e-6)
    if k <= 5:
        assert phi == pytest.approx(_shapley_by_orders(_by_mask(v), k), rel=1e-9, abs=1e-6)


@given(coalition_games(undefined=True), st.data())
def test_shapley_values_do_not_depend_on_the_order_the_players_are_listed_in(v, data):
    k = v.size.bit_length() - 1
    order = data.draw(st.permutations(range(k)))
    try:
        phi = shapley(v)
    except ValueError:
        with pytest.raises(ValueError):
            shapley(_permute(v, order))
        return
    assert shapley(_permute(v, order)) == pytest.approx(phi[order], rel=1e-9, abs=1e-6)


@given(st.integers(2, 6), st.data())
def test_symmetric_players_get_the_same(k, data):
    """Players 0 and 1 are interchangeable: v sees only how many of them are in."""
    table = data.draw(st.lists(st.floats(-1e6, 1e6), min_size=3 << (k - 2), max_size=3 << (k - 2)))
    v = [table[3 * (m >> 2) + (m & 1) + (m >> 1 & 1)] for m in range(1 << k)]
    phi = shapley(v)
    assert phi[0] == pytest.approx(phi[1], rel=1e-9, abs=1e-6)


@given(st.integers(1, 6), st.data())
def test_a_player_that_changes_nothing_gets_exactly_zero(k, data):
    dummy = data.draw(st.integers(0, k - 1))
    table = data.draw(st.lists(st.floats(-1e6, 1e6), min_size=1 << (k - 1), max_size=1 << (k - 1)))

    def without_dummy(m: int) -> int:
        low = m & ((1 << dummy) - 1)
        return low | (m >> (dummy + 1)) << dummy

    phi = shapley([table[without_dummy(m)] for m in range(1 << k)])
    assert phi[dummy] == 0.0


@given(coalition_games(undefined=True))
def test_shapley_with_coalitions_without_a_value_averages_the_orders_that_avoid_them(v):
    k = v.size.bit_length() - 1
    value = _by_mask(v)
    if not any(
        all(math.isfinite(value(frozenset(order[:t]))) for t in range(k + 1))
        for order in itertools.permutations(range(k))
    ):
        with pytest.raises(ValueError, match="No order"):
            shapley(v)
        return
    phi = shapley(v)
    assert phi == pytest.approx(_shapley_by_orders(value, k), rel=1e-9, abs=1e-6)
    assert math.fsum(phi) == pytest.approx(v[-1] - v[0], rel=1e-9, abs=1e-6)


def test_shapley_needs_one_value_per_coalition_and_a_way_through():
    assert shapley([5.0]).tolist() == []
    with pytest.raises(ValueError, match="2\\^k"):
        shapley([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="No order"):
        shapley([0.0, math.nan, math.nan, 1.0])  # each player alone leaves no value
    with pytest.raises(ValueError, match="No order"):
        shapley([math.nan, 1.0])


# --- the split of a difference between two plans ---------------------------------------------


@settings(max_examples=40, **SLOW)
@given(PAIRS, OPTIONS, MEASURES)
def test_contributions_add_up_to_the_whole_difference(pair, option, measure):
    """Σ contributions = other − base, for any two valid plans, any option, ROI or NPV; the
    shares are parts of all the movement: each at most 100 %, together 100 %."""
    base, other = pair
    a = attribute(base, other, option, measure)
    expected_base, expected_other = _value(base, option, measure), _value(other, option, measure)
    if not (math.isfinite(expected_base) and math.isfinite(expected_other)):
        assert a.total is None and a.contributions == ()
        return
    assert math.isclose(a.base_value, expected_base, rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(a.other_value, expected_other, rel_tol=1e-9, abs_tol=1e-9)
    assert abs(math.fsum(c.change for c in a.contributions) - a.total) <= 1e-9 * a.scale
    assert len(a.contributions) <= MAX_GROUPS
    shares = [c.share for c in a.contributions]
    if any(c.change != 0 for c in a.contributions):
        assert all(0 <= s <= 1 for s in shares) and math.isclose(math.fsum(shares), 1.0)
    else:
        assert all(s is None for s in shares)


@settings(max_examples=25, **SLOW)
@given(nearby_pairs(), OPTIONS, MEASURES)
def test_contributions_are_the_average_over_every_order_of_real_plans(pair, option, measure):
    """The definition, independently: every mix built and evaluated on its own (no batching,
    switches applied by the model), every order walked."""
    base, other = pair
    a = attribute(base, other, option, measure)
    assume(a.total is not None)
    groups = changed_groups(base, other)
    values = {
        frozenset(s): _value(_mix(base, other, groups, s), option, measure)
        for t in range(len(groups) + 1)
        for s in itertools.combinations(range(len(groups)), t)
    }
    expected = _shapley_by_orders(values.__getitem__, len(groups))
    assert [c.fields for c in a.contributions] == groups
    for c, phi in zip(a.contributions, expected, strict=True):
        assert abs(c.change - phi) <= 1e-9 * a.scale, c.fields


@settings(max_examples=30, **SLOW)
@given(nearby_pairs(), OPTIONS, MEASURES, st.data())
def test_contributions_do_not_depend_on_the_order_the_groups_are_listed_in(pair, option, measure, data):
    base, other = pair
    groups = changed_groups(base, other)
    order = data.draw(st.permutations(range(len(groups))))
    v = coalition_values(base, other, groups, option, measure)
    assume(np.isfinite(v[0]) and np.isfinite(v[-1]))
    listed = coalition_values(base, other, [groups[i] for i in order], option, measure)
    scale = max(1.0, float(np.nanmax(np.abs(v))))
    assert np.array_equal(listed, _permute(v, order), equal_nan=True)  # the same mixes, relabelled
    try:
        phi = shapley(v)
    except ValueError:
        return
    assert np.allclose(shapley(listed), phi[order], rtol=0, atol=1e-9 * scale)


@settings(max_examples=30, **SLOW)
@given(valid_scenarios(), OPTIONS, MEASURES)
def test_identical_plans_differ_by_nothing(scenario, option, measure):
    a = attribute(scenario, scenario, option, measure)
    assert a.contributions == ()
    assert a.total in (0.0, None)


@settings(max_examples=40, **SLOW)
@given(valid_scenarios(), st.sampled_from(ATTRIBUTION_ORDER), st.data(), OPTIONS, MEASURES)
def test_a_single_changed_input_carries_the_whole_difference(base, field, data, option, measure):
    value = data.draw(field_values(INPUTS[field]))
    assume(value != getattr(base, field))
    other = base.with_changes(**{field: value})
    a = attribute(base, other, option, measure)
    assume(a.total is not None)
    assert [c.fields for c in a.contributions] == [(field,)]
    (part,) = a.contributions
    assert part.change == a.total
    assert part.share == (1.0 if a.total != 0 else None)


def test_currency_alone_moves_no_figure():
    a = attribute(Scenario(), Scenario(currency="EUR"), measure="NPV")
    assert [c.fields for c in a.contributions] == [("currency",)]
    assert a.total == 0.0 and a.contributions[0].change == 0.0 and a.contributions[0].share is None


def test_an_input_the_measure_does_not_read_gets_exactly_zero_beside_others():
    """A dummy among real changes: ILT's costs do not move microlearning's ROI, in any mix."""
    other = Scenario(learners=2_000, ilt_cost_per_learner=60.0, micro_cost_per_learner=6.0)
    a = attribute(Scenario(), other, Option.MICRO)
    parts = {c.fields: c for c in a.contributions}
    assert parts[("ilt_cost_per_learner",)].change == 0.0 and parts[("ilt_cost_per_learner",)].share == 0.0
    assert parts[("learners",)].change != 0 and parts[("micro_cost_per_learner",)].change != 0


def test_the_reported_case_gives_fully_loaded_its_part():
    """Issue 23: against the defaults, a plan with Fully loaded and Conservative on was
    explained as all Conservative, though Fully loaded alone moves the claimed ROI. Each
    gets half of what it does alone and half of what it adds last; Conservative forces fully
    loaded costs, so Fully loaded adds nothing last, and gets half its effect alone."""
    both = Scenario(fully_loaded=True, conservative=True)
    alone = _value(Scenario(fully_loaded=True), Option.MICRO, "ROI") - _value(Scenario(), Option.MICRO, "ROI")
    assert alone != 0
    for base, other, sign in ((Scenario(), both, 1), (both, Scenario(), -1)):
        a = attribute(base, other, Option.MICRO)
        parts = {c.fields: c for c in a.contributions}
        assert set(parts) == {("fully_loaded",), ("conservative",)}
        loaded = parts[("fully_loaded",)]
        assert loaded.change == pytest.approx(sign * alone / 2, rel=1e-9)
        assert 0 < loaded.share < 1 and parts[("conservative",)].share < 1
        text = explain(a, ["Defaults", "Plan"] if sign == 1 else ["Plan", "Defaults"])
        assert "All of the difference" not in text and "Fully loaded" in text, text
        assert all(int(s.replace(",", "")) <= 100 for s in re.findall(r"(?:\(|, )(\d[\d,]*) %\)", text)), text


# --- the groups and how they are listed -------------------------------------------------------


def test_the_listing_order_names_every_input_exactly_once():
    assert sorted(ATTRIBUTION_ORDER) == sorted(INPUTS)
    assert len(set(ATTRIBUTION_ORDER)) == len(ATTRIBUTION_ORDER)


def test_groups_are_listed_by_model_stage_and_the_docs_say_the_order_changes_nothing():
    stages = [name for name, _ in STAGES]
    assert stages == [
        "Scale",
        "Costs",
        "Benefits",
        "Adjustments",
        "Blended mix",
        "Time",
        "Basis",
        "Labels and decision rules",
    ]
    doc = " ".join(compare_module.__doc__.split())
    assert "φ_i = Σ_{S ⊆ N∖{i}} |S|! (k − |S| − 1)! / k!" in doc
    assert "they do not depend on the order the groups are listed in" in doc
    position = {f: i for i, f in enumerate(ATTRIBUTION_ORDER)}
    assert position["learners"] < position["micro_fixed_cost"] < position["turnover_on"]
    assert position["attribution_pct"] < position["horizon_years"] < position["conservative"]


@settings(max_examples=20, **SLOW)
@given(PAIRS)
def test_contributions_are_listed_by_stage_and_the_same_question_gets_the_same_answer(pair):
    base, other = pair
    a = attribute(base, other)
    firsts = [ATTRIBUTION_ORDER.index(c.fields[0]) for c in a.contributions if not c.merged]
    assert firsts == sorted(firsts)
    again = attribute(base, other)
    assert again == a


def test_a_switch_that_changes_takes_its_inputs_with_it():
    a = attribute(Scenario(), Scenario(revenue_on=True, revenue_per_training_dollar=2.5, learners=800))
    assert [c.fields for c in a.contributions] == [
        ("learners",),
        ("revenue_on", "revenue_per_training_dollar"),
    ]
    assert a.contributions[1].before == (False, 1.8) and a.contributions[1].after == (True, 2.5)


def test_inputs_of_a_switch_that_stays_are_groups_of_their_own():
    a = attribute(
        Scenario(fully_loaded=True), Scenario(fully_loaded=True, ilt_seat_hours=6.0, ilt_class_size=25)
    )
    assert [c.fields for c in a.contributions] == [("ilt_seat_hours",), ("ilt_class_size",)]


def test_a_mix_without_roi_is_avoided_by_the_orders_averaged():
    """Base: development only; other: delivery only. Dropping development first leaves
    nothing to pay for (no ROI), so the one order left adds delivery first."""
    base = Scenario(micro_fixed_cost=30_000.0, micro_cost_per_learner=0.0)
    other = Scenario(micro_fixed_cost=0.0, micro_cost_per_learner=30.0)
    a = attribute(base, other, Option.MICRO, "ROI")
    groups = changed_groups(base, other)
    assert groups == [("micro_fixed_cost",), ("micro_cost_per_learner",)]
    assert math.isnan(_value(_mix(base, other, groups, [0]), Option.MICRO, "ROI"))
    both = _value(_mix(base, other, groups, [1]), Option.MICRO, "ROI")
    development, delivery = a.contributions
    assert delivery.change == pytest.approx(both - a.base_value, rel=1e-12)
    assert development.change == pytest.approx(a.other_value - both, rel=1e-12)
    assert a.total == pytest.approx(0.0, abs=1e-9)  # $30,000 either way
    text = explain(a, ["A", "B"])
    assert "offset each other" in text and "+" in text and "−" in text, text


def test_with_no_order_that_keeps_roi_the_groups_go_together(monkeypatch):
    """A game where every order passes a mix without a value: one merged contribution."""
    base, other = Scenario(), Scenario(learners=800, micro_fixed_cost=20_000.0)
    real = compare_module.coalition_values

    def holes(*args):
        v = real(*args).copy()
        v[1:-1] = np.nan
        return v

    monkeypatch.setattr(compare_module, "coalition_values", holes)
    a = attribute(base, other, Option.MICRO)
    (together,) = a.contributions
    assert together.merged and together.fields == ("learners", "micro_fixed_cost")
    assert together.change == a.total and together.share == 1.0
    assert "All of the difference comes from a group of 2 changed inputs." in explain(a, ["A", "B"])


def test_more_than_max_groups_keeps_the_largest_and_takes_the_rest_together():
    changes = dict(
        learners=2_000, micro_fixed_cost=40_000.0, micro_cost_per_learner=5.0, attribution_pct=40.0,
        application_pct=50.0, micro_completion_pct=60.0, ilt_completion_pct=50.0, horizon_years=5,
        discount_rate_pct=5.0, ilt_fixed_cost=12_000.0, ilt_cost_per_learner=50.0, close_call_pct=9.0,
        currency="EUR",
    )  # fmt: skip
    base, other = Scenario(), Scenario(**changes)
    groups = changed_groups(base, other)
    assert len(groups) > MAX_GROUPS
    a = attribute(base, other, Option.MICRO, "NPV")
    assert len(a.contributions) == MAX_GROUPS
    *kept, rest = a.contributions
    assert rest.merged and not any(c.merged for c in kept)
    assert sorted(f for c in a.contributions for f in c.fields) == sorted(changes)
    assert abs(math.fsum(c.change for c in a.contributions) - a.total) <= 1e-9 * a.scale
    # what microlearning's NPV does not read (ILT's figures, labels and rules) moves least: taken together
    unread = {"ilt_fixed_cost", "ilt_cost_per_learner", "ilt_completion_pct", "close_call_pct", "currency"}
    assert set(rest.fields) <= unread and rest.change == 0.0
    assert attribute(base, other, Option.MICRO, "NPV") == a


def test_roi_that_does_not_exist_is_not_split():
    free = Scenario(micro_fixed_cost=0.0, micro_cost_per_learner=0.0)
    a = attribute(free, Scenario(), Option.MICRO, "ROI")
    assert a.base_value is None and a.total is None and a.contributions == ()
    text = explain(a, ["Free", "Paid"])
    assert "cannot be split" in text and "nan" not in text.lower()


# --- switches and basis ----------------------------------------------------------------------


def test_the_skeptic_switch_is_a_group_that_replaces_vendor_figures():
    base = Scenario()
    other = Scenario(skeptic=True)
    a = attribute(base, other, Option.MICRO, "NPV")
    assert [c.fields for c in a.contributions] == [("skeptic",)]
    assert a.total == pytest.approx(
        _value(effective(other), Option.MICRO, "NPV") - _value(base, Option.MICRO, "NPV")
    )
    assert a.total < 0  # microlearning retains 35 %, not 75 %


def test_a_figure_typed_under_skeptic_shows_the_value_the_model_read():
    """With Skeptic on in both plans, the default 75 % was read as the published 35 %."""
    a = attribute(Scenario(skeptic=True), Scenario(skeptic=True, micro_retention_pct=60.0), Option.MICRO)
    (part,) = a.contributions
    assert part.before == (35.0,) and part.after == (60.0,) and part.change > 0


def test_basis_claimed_or_defensible_puts_both_plans_on_one_basis():
    base, other = Scenario(), Scenario(conservative=True)
    assert attribute(base, other, Option.MICRO, basis="as set").contributions[0].fields == ("conservative",)
    for basis in ("claimed", "defensible"):
        a = attribute(base, other, Option.MICRO, basis=basis)
        assert a.contributions == () and a.total == 0.0
    defensible = attribute(base, other.with_changes(learners=800), Option.MICRO, basis="defensible")
    conservative = Scenario(conservative=True)
    assert defensible.base_value == pytest.approx(option_returns(conservative, Option.MICRO).roi_pct)


def test_roi_and_npv_are_the_option_returns_of_each_plan():
    base, other = Scenario(), Scenario(learners=800, ilt_cost_per_learner=60.0)
    for option in Option:
        roi = attribute(base, other, option, "ROI")
        npv = attribute(base, other, option, "NPV")
        b, o = option_returns(base, option), option_returns(other, option)
        assert roi.total == pytest.approx(o.roi_pct - b.roi_pct, rel=1e-9)
        assert npv.total == pytest.approx(o.npv - b.npv, rel=1e-9)


def test_the_base_plans_recommended_option_is_explained_and_a_change_is_recorded():
    other = Scenario(ilt_retention_pct=90.0, ilt_cost_per_learner=20.0, ilt_fixed_cost=1_000.0)
    a = attribute(Scenario(), other)
    assert a.option is recommendation(Scenario()).best is Option.MICRO
    assert a.other_recommends is recommendation(other).best is Option.ILT
    assert a.recommendation_changes
    assert "The recommendation changes: B recommends instructor-led, A microlearning." in explain(
        a, ["A", "B"]
    )


# --- side by side ----------------------------------------------------------------------------


def test_kpis_are_each_plans_own_figures_with_differences_from_the_first():
    plans = [Scenario(), Scenario(learners=800), Scenario(conservative=True, learners=2_000)]
    c = compare(plans, draws=2_000, seed=11)
    for i, (s, option) in enumerate(zip(plans, c.options, strict=True)):
        assert (
            option is recommendation(s, monte_carlo(s, 2_000, 11)).leading
        )  # the verdict's, on the plan's draws
        claimed = option_returns(s.with_changes(conservative=False), option)
        defensible = option_returns(s.with_changes(conservative=True), option)
        screen = option_returns(s, option)
        assert c.row("roi_claimed").values[i] == pytest.approx(claimed.roi_pct)
        assert c.row("roi_defensible").values[i] == pytest.approx(defensible.roi_pct)
        assert c.row("npv").values[i] == pytest.approx(screen.npv)
        assert c.row("payback").values[i] == screen.discounted_payback_month
        assert c.row("cost_micro").values[i] == option_returns(s, Option.MICRO).costs
        chance = monte_carlo(s, 2_000, 11).probability_loss(option)
        assert c.row("chance_of_loss").values[i] == pytest.approx(100 * chance)
    for row in c.rows:
        first = row.values[0]
        for value, difference in zip(row.values, row.differences, strict=True):
            if value is None or first is None:
                assert difference is None
            else:
                assert difference == pytest.approx(value - first)


def test_money_in_different_currencies_is_not_differenced():
    c = compare([Scenario(), Scenario(currency="EUR")], draws=DRAWS)
    assert c.row("npv").differences == (0.0, None)
    assert c.row("roi_claimed").differences == (0.0, 0.0)  # a ratio has no currency


def test_compare_takes_one_to_four_plans_and_says_so_otherwise():
    with pytest.raises(ValueError, match="at least one"):
        compare([])
    with pytest.raises(ValueError, match=f"at most {MAX_SCENARIOS}"):
        compare([Scenario()] * (MAX_SCENARIOS + 1))
    assert [r.key for r in kpi_rows([Scenario()])][:2] == ["roi_claimed", "roi_defensible"]


_BAD_TEXT = re.compile(r"\b(nan|inf|infinity|none)\b|None", re.IGNORECASE)


@settings(max_examples=25, **SLOW)
@given(
    st.lists(valid_scenarios(), min_size=1, max_size=MAX_SCENARIOS),
    st.lists(st.text(max_size=30), max_size=4),
)
def test_kpi_table_shows_no_nan_inf_or_empty_cell(plans, names):
    table = kpi_table(compare(plans, draws=DRAWS), names)
    shown = plan_names(names, len(plans))
    assert table.columns[1] == shown[0] and len(table.columns) == 2 * len(plans)
    assert not table.isna().any().any()
    for column in table.columns[1:]:
        for cell in table[column]:
            assert isinstance(cell, str) and cell.strip()
            # "none" is allowed only as a payback that does not happen within the horizon
            assert not _BAD_TEXT.search(cell) or cell == NONE, cell


def test_kpi_table_formats_values_and_differences_in_each_plans_currency():
    c = compare([Scenario(), Scenario(learners=800), Scenario(currency="EUR")], draws=DRAWS)
    table = kpi_table(c, ["A", "B", "C"]).set_index("Figure")
    assert table.loc["Cost of microlearning"].tolist() == ["$33,000", "$32,400", "−$600", "€33,000", MISSING]
    fewer = c.row("roi_claimed").differences[1]
    assert fewer < 0 and table.loc["ROI as claimed", "B: difference"] == f"−{abs(fewer):.1f} points"
    never = compare([Scenario(), _no_benefits(learners=800)], draws=DRAWS)
    table = kpi_table(never, ["A", "B"]).set_index("Figure")
    assert table.loc["Payback (discounted)", "A"] == months(never.row("payback").values[0])
    assert (
        table.loc["Payback (discounted)", "B"] == NONE
        and table.loc["Payback (discounted)", "B: difference"] == MISSING
    )


# --- charts ----------------------------------------------------------------------------------

NAMES = ["Our plan", "Smaller cohort", "Cheap classes <b>now</b>"]
PLANS = [
    Scenario(),
    Scenario(learners=800),
    Scenario(ilt_retention_pct=90.0, ilt_cost_per_learner=20.0, ilt_fixed_cost=1_000.0),
]


@pytest.fixture(scope="module")
def comparison():
    return compare(PLANS, draws=DRAWS)


@pytest.mark.parametrize("build", [cumulative_figure, cost_figure])
def test_charts_have_one_line_per_plan_named_and_styled_as_plans(build, comparison):
    fig = build(comparison, NAMES)
    lines = [t for t in fig.data if t.mode != "markers"]  # the cost chart's dots are traces of their own
    assert [t.name for t in lines] == [chart_text(n) for n in NAMES]
    assert lines[2].name == "Cheap classes &lt;b&gt;now&lt;/b&gt;"  # shown as written, not bold
    reserved = {*FORMAT_COLOURS.values(), *OPTION_COLOURS.values(), BENEFITS_COLOUR}
    assert [(t.line.color, t.line.dash) for t in lines] == list(PLAN_STYLES[: len(NAMES)])
    assert not {t.line.color for t in lines} & reserved
    assert fig.layout.legend.title.text == LEGEND_TITLE
    assert all(len(line) <= TITLE_WRAP for line in fig.layout.title.text.split("<br>"))
    checked = go.Figure(fig.to_dict())  # Plotly's validation, skipped at build time
    assert len([t for t in checked.data if t.showlegend is not False]) == len(NAMES)


def test_cost_chart_dots_each_plan_at_its_own_learner_count_on_its_line(comparison):
    from calculators.model import evaluate

    fig = cost_figure(comparison, NAMES)
    dots = [t for t in fig.data if t.mode == "markers"]
    assert len(dots) == len(NAMES) and all(t.showlegend is False for t in dots)
    for dot, s, o in zip(dots, comparison.scenarios, comparison.options, strict=True):
        assert list(dot.x) == [s.learners]
        assert dot.y[0] == pytest.approx(float(evaluate(s, {"learners": float(s.learners)}, (o,))[o].costs))
    for line in (t for t in fig.data if t.mode == "lines"):
        assert len(line.x) < 300  # corners and hover points, not one point per grid step


def test_cumulative_title_names_the_plan_that_pays_back_first(comparison):
    months = [
        r[o].discounted_payback_month for r, o in zip(comparison.returns, comparison.options, strict=True)
    ]
    first = min(m for m in months if m is not None)
    leader = NAMES[months.index(first)]
    title = unwrap(cumulative_figure(comparison, NAMES).layout.title.text)
    assert title == f"{chart_text(leader)} pays back first, in month {math.ceil(first)} (discounted)"
    lines = cumulative_figure(comparison, NAMES).data
    for trace, r, o in zip(lines, comparison.returns, comparison.options, strict=True):
        assert np.allclose(trace.y, r[o].cumulative(discounted=True))


def test_cost_title_names_the_cheapest_plan_at_the_base_learner_count(comparison):
    costs = [
        option_returns(s.with_changes(learners=1_000), o).costs
        for s, o in zip(PLANS, comparison.options, strict=True)
    ]
    fig = cost_figure(comparison, NAMES)
    assert (
        unwrap(fig.layout.title.text)
        == f"At 1,000 learners, {chart_text(NAMES[costs.index(min(costs))])} costs least: ${min(costs):,.0f}"
    )
    dots = [t for t in fig.data if t.mode == "markers"]
    assert [list(t.x) for t in dots] == [[s.learners] for s in PLANS]


def test_no_plan_paying_back_is_said_plainly():
    c = compare([_no_benefits(), _no_benefits(learners=500)], draws=DRAWS)
    assert (
        unwrap(cumulative_figure(c, ["A", "B"]).layout.title.text)
        == "No plan pays back within its horizon (discounted)"
    )


# --- the explanation -------------------------------------------------------------------------

_SHARES = re.compile(r"(?:\(|, )(\d[\d,]*) %\)")  # "(81 %)" or "(652.6 points, 84 %)": a share, not a level


def _field_names_in(text: str) -> list[str]:
    """Field names (snake_case) in a text; one-word names such as `learners` are also labels."""
    return [f for f in INPUTS if "_" in f and f in text]


def _moving(a: Attribution) -> list[Contribution]:
    return sorted(
        (c for c in a.contributions if abs(c.change) > 1e-9 * a.scale), key=lambda c: -abs(c.change)
    )


@settings(max_examples=30, **SLOW)
@given(
    st.one_of(nearby_pairs(), st.tuples(valid_scenarios(currency="USD"), valid_scenarios(currency="USD"))),
    MEASURES,
)
def test_explanation_names_inputs_by_label_and_matches_the_numbers(pair, measure):
    base, other = pair
    assume(base.currency == other.currency)
    a = attribute(base, other, measure=measure)
    assume(a.total is not None and abs(a.total) > 1e-9 * a.scale)  # smaller is rounding: "the same"
    text = explain(a, ["Plan A", "Plan B"])
    assert not _field_names_in(text), text
    assert not _BAD_TEXT.search(text), text
    size = f"{abs(a.total):,.1f} points" if measure == "ROI" else None
    if size:
        assert f"is {size} {'higher' if a.total > 0 else 'lower'} than that of Plan A" in text
    for part in _moving(a)[:3]:
        for field in part.fields[:2] if not part.merged else ():
            assert input_title(field)[1:] in text, (field, text)
    assert all(int(s.replace(",", "")) <= 100 for s in _SHARES.findall(text)), text
    whole = "All of the difference comes from" in text
    assert whole == (len(_moving(a)) == 1), text  # said only when one part moves the measure at all


def test_explanation_of_changes_that_pull_both_ways_gives_each_its_sign_and_share():
    a = attribute(Scenario(), Scenario(learners=2_000, micro_cost_per_learner=6.0))
    text = explain(a, ["Our plan", "Bigger rollout"])
    learners_part, delivery_part = a.contributions
    assert learners_part.change > 0 > delivery_part.change  # more learners pay, dearer delivery costs
    gross = learners_part.change - delivery_part.change
    assert text.startswith(
        f"The ROI of Bigger rollout is {a.total:.1f} points higher than that of Our plan: "
    )
    assert (
        f"Its changes pull both ways, {gross:.1f} points of movement in all, of which: "
        f"learners (1,000 → 2,000) +{learners_part.change:.1f} points ({round(100 * learners_part.share)} %); "
        f"cost per learner (delivery and hosting) ($3 → $6) −{-delivery_part.change:.1f} points "
        f"({round(100 * delivery_part.share)} %)."
    ) in text
    assert learners_part.share + delivery_part.share == pytest.approx(1.0)


def test_explanation_of_changes_that_pull_one_way_gives_each_its_part_of_the_difference():
    a = attribute(Scenario(), Scenario(learners=800, micro_fixed_cost=40_000.0))
    text = explain(a, ["A", "B"])
    first, second = sorted(a.contributions, key=lambda c: -abs(c.change))
    assert a.total < 0 and first.change < 0 and second.change < 0
    lead = "Most of the difference" if first.share > 0.5 else "The largest part"
    assert f"{lead} ({abs(first.change):.1f} points, {round(100 * first.share)} %) comes from" in text
    assert f"accounts for {abs(second.change):.1f} points ({round(100 * second.share)} %)." in text
    assert first.change / a.total == pytest.approx(first.share)  # one way: a share of the difference itself


def test_explanation_names_at_most_three_inputs_then_other_changes():
    other = Scenario(
        learners=3_000, micro_fixed_cost=40_000.0, micro_cost_per_learner=5.0, attribution_pct=40.0,
        application_pct=50.0, discount_rate_pct=5.0, horizon_years=5,
    )  # fmt: skip
    a = attribute(Scenario(), other, measure="NPV")
    text = explain(a, ["A", "B"])
    assert "other changes" in text
    named = [f for f in other.model_fields_set if input_title(f)[1:] in text]
    assert len(named) == 3


def test_explanation_names_inputs_taken_together_by_their_number():
    parts = (
        Contribution(("learners",), (1_000,), (2_000,), 8.0, 0.8),
        Contribution(("horizon_years", "discount_rate_pct"), (3, 8.0), (5, 5.0), 2.0, 0.2, merged=True),
    )
    a = Attribution(
        Option.MICRO, "ROI", "as set", 10.0, 20.0, parts, 20.0, Option.MICRO, Option.MICRO, ("USD", "USD")
    )
    text = explain(a, ["A", "B"])
    assert "a group of 2 other changed inputs accounts for 2.0 points (20 %)" in text, text
    assert part_text(parts[1], ("USD", "USD"), alone=True) == "a group of 2 changed inputs"


def test_explanation_of_identical_plans_and_of_currencies():
    a = attribute(Scenario(), Scenario())
    same = explain(a, ["A", "B"])
    assert same == "B gives the same figures as A: none of their inputs differ.", "no split of no difference"
    assert not splits_a_difference([a])
    dearer_ilt = attribute(Scenario(), Scenario(ilt_fixed_cost=Scenario().ilt_fixed_cost + 1_000))
    assert "The inputs that differ do not move it." in explain(dearer_ilt, ["A", "B"])  # microlearning's ROI
    assert not splits_a_difference([dearer_ilt])
    assert splits_a_difference([a, attribute(Scenario(), Scenario(learners=800))])
    euros = attribute(Scenario(), Scenario(currency="EUR", learners=800), measure="NPV")
    assert "cannot be compared" in explain(euros, ["A", "B"])
    roi = explain(attribute(Scenario(), Scenario(currency="EUR", learners=800)), ["A", "B"])
    assert (
        "amounts are not converted" in roi
        and "All of the difference comes from learners (1,000 → 800)" in roi
    )


def test_explanation_keeps_names_as_plain_text():
    name = "[Log in](https://evil.example) <b>x</b>"
    text = explain(attribute(Scenario(), Scenario(learners=800)), [name, "B"])
    assert name in text  # returned as written; the page shows it as text


def test_plan_names_are_filled_in_and_told_apart():
    assert plan_names(["A", "A", " ", None], 5) == ["A", "A (2)", "Plan 3", "Plan 4", "Plan 5"]
    assert plan_names(["A (3)", "A", "A"]) == ["A (3)", "A", "A (4)"]


@given(st.lists(st.text(max_size=60), max_size=MAX_SCENARIOS))
def test_plan_names_are_distinct_and_naming_twice_changes_nothing(names):
    """So a page can name the plans once and pass the same names to the table, charts and text."""
    shown = plan_names(names)
    assert len(set(shown)) == len(shown) and all(n.strip() for n in shown)
    assert plan_names(shown) == shown


def test_explanation_says_which_basis_both_plans_were_put_on():
    a = attribute(Scenario(), Scenario(conservative=True, learners=800), basis="defensible")
    text = explain(a, ["A", "B"])
    assert text.startswith("The ROI on defensible figures of B is ")
    assert [c.fields for c in a.contributions] == [("learners",)]


def test_compare_with_defaults_puts_the_defaults_first_in_the_users_currency():
    plans, names = with_defaults(Scenario(currency="GBP", learners=800))
    assert plans[0] == Scenario(currency="GBP") and plans[1].learners == 800 and names[0] == "Defaults"
    a = attribute(*plans)
    assert [c.fields for c in a.contributions] == [("learners",)]


def test_a_plan_that_pays_nothing_is_told_not_to_train_as_on_its_summary():
    """The comparison's recommendation is every screen's verdict: not training is an option, on
    the plan's own simulated outcomes (the summary's expected NPVs for the same plan)."""
    from components.charts.compare_charts import recommendation_text
    from components.work.answer import answer_of

    plans = [Scenario(), Scenario(turnover_on=False)]
    c = compare(plans, draws=10_000, seed=2026)
    assert (
        [v.advice for v in c.verdicts]
        == [answer_of(p).decision.advice for p in plans]
        == ["go", "don't train"]
    )
    assert recommendation_text(c.verdicts[1]) == "Don't train (no option pays back)"
