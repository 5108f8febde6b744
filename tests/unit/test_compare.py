"""Comparing plans: the attribution of a difference to changed inputs, the KPI table, the
overlaid charts and the paragraph that explains the difference."""

from __future__ import annotations

import math
import re

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import calculators.compare as compare_module
from calculators.compare import (
    ATTRIBUTION_ORDER,
    MAX_SCENARIOS,
    STAGES,
    Attribution,
    attribute,
    compare,
    kpi_rows,
    recommendation,
)
from calculators.model import Option, effective, evaluate
from calculators.roi import option_returns
from calculators.scenario import INPUTS, Scenario, input_title
from calculators.simulation import monte_carlo
from components.compare_view import (
    LEGEND_TITLE,
    MISSING,
    NONE,
    PLAN_STYLES,
    chart_text,
    cost_figure,
    cumulative_figure,
    explain,
    kpi_table,
    plan_names,
    with_defaults,
)
from components.theme import BENEFITS_COLOUR, FORMAT_COLOURS, OPTION_COLOURS, TITLE_WRAP, unwrap
from tests.strategies import field_values, valid_scenarios

SLOW = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
MEASURES = st.sampled_from(["ROI", "NPV"])
OPTIONS = st.sampled_from(list(Option))
DRAWS = 500  # Monte Carlo draws where only the table's shape is tested


def _value(s: Scenario, option: Option, measure: str) -> float:
    """The measure straight from the model core, one scenario at a time (the independent path)."""
    r = evaluate(s, options=(option,))[option]
    return float((r.roi_pct if measure == "ROI" else r.npv)[0])


def _scale(a: Attribution) -> float:
    """The size of the numbers summed: float rounding is relative to it."""
    return max(1.0, *(abs(v) for v in a.path if math.isfinite(v)))


@st.composite
def nearby_pairs(draw: st.DrawFn) -> tuple[Scenario, Scenario]:
    """A base plan and a variant with one to six inputs changed (what people compare)."""
    base = draw(valid_scenarios())
    fields = draw(st.lists(st.sampled_from(ATTRIBUTION_ORDER), min_size=1, max_size=6, unique=True))
    changes = {f: draw(field_values(INPUTS[f])) for f in fields}
    return base, base.with_changes(**changes)


PAIRS = st.one_of(nearby_pairs(), st.tuples(valid_scenarios(), valid_scenarios()))


# --- the telescoping sum ---------------------------------------------------------------------


@settings(max_examples=60, **SLOW)
@given(PAIRS, OPTIONS, MEASURES)
def test_steps_sum_to_the_whole_difference(pair, option, measure):
    """Σ step changes = other − base, for any two valid plans, any option, ROI or NPV."""
    base, other = pair
    a = attribute(base, other, option, measure)
    expected_base, expected_other = _value(base, option, measure), _value(other, option, measure)
    if not (math.isfinite(expected_base) and math.isfinite(expected_other)):
        assert a.total is None and a.steps == ()
        return
    assert math.isclose(a.base_value, expected_base, rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(a.other_value, expected_other, rel_tol=1e-9, abs_tol=1e-9)
    assert abs(math.fsum(s.change for s in a.steps) - a.total) <= 1e-9 * _scale(a)
    if a.total != 0:
        assert math.isclose(math.fsum(s.share for s in a.steps), 1.0, abs_tol=1e-9 * _scale(a) / abs(a.total))


@settings(max_examples=40, **SLOW)
@given(PAIRS, OPTIONS, MEASURES)
def test_each_step_is_the_change_between_two_real_plans(pair, option, measure):
    """After step k the measure is that of the base plan with the inputs of steps 1..k taken
    from the other plan, evaluated on its own (no batching, switches applied by the model)."""
    base, other = pair
    a = attribute(base, other, option, measure)
    assume(a.total is not None)
    state, running = base.model_dump(), a.base_value
    for step in a.steps:
        state.update({f: getattr(other, f) for f in step.fields})
        running += step.change
        alone = _value(Scenario.model_validate(state), option, measure)
        assert abs(running - alone) <= 1e-9 * _scale(a), step.fields
    assert Scenario.model_validate(state) == other


@settings(max_examples=40, **SLOW)
@given(valid_scenarios(), OPTIONS, MEASURES)
def test_identical_plans_differ_by_nothing(scenario, option, measure):
    a = attribute(scenario, scenario, option, measure)
    assert a.steps == ()
    assert a.total in (0.0, None)


@settings(max_examples=60, **SLOW)
@given(valid_scenarios(), st.sampled_from(ATTRIBUTION_ORDER), st.data(), OPTIONS, MEASURES)
def test_a_single_changed_input_carries_the_whole_difference(base, field, data, option, measure):
    value = data.draw(field_values(INPUTS[field]))
    assume(value != getattr(base, field))
    other = base.with_changes(**{field: value})
    a = attribute(base, other, option, measure)
    assume(a.total is not None)
    assert [s.fields for s in a.steps] == [(field,)]
    (step,) = a.steps
    assert step.change == a.total
    assert step.share == (1.0 if a.total != 0 else None)


def test_currency_alone_moves_no_figure():
    a = attribute(Scenario(), Scenario(currency="EUR"), measure="NPV")
    assert [s.fields for s in a.steps] == [("currency",)]
    assert a.total == 0.0 and a.steps[0].change == 0.0 and a.steps[0].share is None


# --- the order and the groups ----------------------------------------------------------------


def test_the_order_names_every_input_exactly_once():
    assert sorted(ATTRIBUTION_ORDER) == sorted(INPUTS)
    assert len(set(ATTRIBUTION_ORDER)) == len(ATTRIBUTION_ORDER)


def test_the_order_is_by_model_stage_as_documented():
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
    assert (
        "scale (learners), costs, benefits, adjustments" in doc
        and "then the basis switches (Conservative, Skeptic)" in doc
    )
    position = {f: i for i, f in enumerate(ATTRIBUTION_ORDER)}
    assert (
        position["learners"]
        < position["micro_fixed_cost"]
        < position["turnover_on"]
        < position["attribution_pct"]
    )
    assert (
        position["attribution_pct"]
        < position["horizon_years"]
        < position["conservative"]
        < position["currency"]
    )


@settings(max_examples=30, **SLOW)
@given(PAIRS)
def test_steps_follow_the_order_and_the_same_question_gets_the_same_answer(pair):
    base, other = pair
    a = attribute(base, other)
    firsts = [ATTRIBUTION_ORDER.index(s.fields[0]) for s in a.steps]
    assert firsts == sorted(firsts)
    again = attribute(base, other)
    assert again.steps == a.steps and again.option is a.option
    assert np.array_equal(again.path, a.path, equal_nan=True)


def test_a_switch_that_changes_takes_its_inputs_with_it():
    a = attribute(Scenario(), Scenario(revenue_on=True, revenue_per_training_dollar=2.5, learners=800))
    assert [s.fields for s in a.steps] == [("learners",), ("revenue_on", "revenue_per_training_dollar")]
    assert a.steps[1].before == (False, 1.8) and a.steps[1].after == (True, 2.5)


def test_inputs_of_a_switch_that_stays_are_steps_of_their_own():
    a = attribute(
        Scenario(fully_loaded=True), Scenario(fully_loaded=True, ilt_seat_hours=6.0, ilt_class_size=25)
    )
    assert [s.fields for s in a.steps] == [("ilt_seat_hours",), ("ilt_class_size",)]


def test_a_point_without_roi_is_merged_into_the_next_step():
    """Base: development only; other: delivery only. In between nothing costs anything (no ROI)."""
    base = Scenario(micro_fixed_cost=30_000.0, micro_cost_per_learner=0.0)
    other = Scenario(micro_fixed_cost=0.0, micro_cost_per_learner=30.0)
    a = attribute(base, other, Option.MICRO, "ROI")
    assert math.isnan(a.path[1])
    assert [s.fields for s in a.steps] == [("micro_fixed_cost", "micro_cost_per_learner")]
    assert a.steps[0].change == a.total == pytest.approx(0.0, abs=1e-9)  # $30,000 either way


def test_roi_that_does_not_exist_is_not_split():
    free = Scenario(micro_fixed_cost=0.0, micro_cost_per_learner=0.0)
    a = attribute(free, Scenario(), Option.MICRO, "ROI")
    assert a.base_value is None and a.total is None and a.steps == ()
    text = explain(a, ["Free", "Paid"])
    assert "cannot be split" in text and "nan" not in text.lower()


# --- switches and basis ----------------------------------------------------------------------


def test_the_skeptic_switch_is_a_step_that_replaces_vendor_figures():
    base = Scenario()
    other = Scenario(skeptic=True)
    a = attribute(base, other, Option.MICRO, "NPV")
    assert [s.fields for s in a.steps] == [("skeptic",)]
    assert a.total == pytest.approx(
        _value(effective(other), Option.MICRO, "NPV") - _value(base, Option.MICRO, "NPV")
    )
    assert a.total < 0  # microlearning retains 35 %, not 75 %


def test_a_figure_typed_under_skeptic_shows_the_value_the_model_read():
    """With Skeptic on in both plans, the default 75 % was read as the published 35 %."""
    a = attribute(Scenario(skeptic=True), Scenario(skeptic=True, micro_retention_pct=60.0), Option.MICRO)
    (step,) = a.steps
    assert step.before == (35.0,) and step.after == (60.0,) and step.change > 0


def test_basis_claimed_or_defensible_puts_both_plans_on_one_basis():
    base, other = Scenario(), Scenario(conservative=True)
    assert attribute(base, other, Option.MICRO, basis="as set").steps[0].fields == ("conservative",)
    for basis in ("claimed", "defensible"):
        a = attribute(base, other, Option.MICRO, basis=basis)
        assert a.steps == () and a.total == 0.0
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
        assert option is recommendation(s).best
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
    assert table.loc["ROI as claimed", "B: difference"] == "−23.8 points"
    assert table.loc["Payback (discounted)", "A"] == "31 months"
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
    c = compare([Scenario(conservative=True), Scenario(conservative=True, learners=500)], draws=DRAWS)
    assert (
        unwrap(cumulative_figure(c, ["A", "B"]).layout.title.text)
        == "No plan pays back within its horizon (discounted)"
    )


# --- the explanation -------------------------------------------------------------------------


def _field_names_in(text: str) -> list[str]:
    """Field names (snake_case) in a text; one-word names such as `learners` are also labels."""
    return [f for f in INPUTS if "_" in f and f in text]


@settings(max_examples=40, **SLOW)
@given(nearby_pairs(), MEASURES)
def test_explanation_names_inputs_by_label_and_matches_the_numbers(pair, measure):
    base, other = pair
    assume(base.currency == other.currency)
    a = attribute(base, other, measure=measure)
    assume(a.total is not None and abs(a.total) > 1e-9 * _scale(a))  # smaller is rounding: "the same"
    text = explain(a, ["Plan A", "Plan B"])
    assert not _field_names_in(text), text
    assert not _BAD_TEXT.search(text), text
    size = f"{abs(a.total):,.1f} points" if measure == "ROI" else None
    if size:
        assert f"is {size} {'higher' if a.total > 0 else 'lower'} than that of Plan A" in text
    moving = sorted((s for s in a.steps if abs(s.change) > 1e-9 * _scale(a)), key=lambda s: -abs(s.change))
    for step in moving[:3]:
        for field in step.fields[:2]:
            assert input_title(field)[1:] in text, (field, text)


def test_explanation_of_two_changes_gives_each_its_points_and_share():
    a = attribute(Scenario(), Scenario(learners=2_000, micro_cost_per_learner=6.0))
    text = explain(a, ["Our plan", "Bigger rollout"])
    learners_step, delivery_step = a.steps
    assert text.startswith(
        f"The ROI of Bigger rollout is {a.total:.1f} points higher than that of Our plan: "
    )
    assert (
        f"Most of the difference ({learners_step.change:.1f} points, {round(100 * learners_step.share)} %) comes from learners (1,000 → 2,000)"
        in text
    )
    assert (
        f"cost per learner (delivery and hosting) ($3 → $6) works the other way, lowering it by {-delivery_step.change:.1f} points"
        in text
    )


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


def test_explanation_of_identical_plans_and_of_currencies():
    same = explain(attribute(Scenario(), Scenario()), ["A", "B"])
    assert same == "The ROI of B is the same as that of A: 28.8 % for microlearning, the option A recommends."
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
    assert [s.fields for s in a.steps] == [("learners",)]


def test_compare_with_defaults_puts_the_defaults_first_in_the_users_currency():
    plans, names = with_defaults(Scenario(currency="GBP", learners=800))
    assert plans[0] == Scenario(currency="GBP") and plans[1].learners == 800 and names[0] == "Defaults"
    a = attribute(*plans)
    assert [s.fields for s in a.steps] == [("learners",)]
