"""Default ranges of shares stay plausible; the tornado chart labels the input value at each bar end."""

from __future__ import annotations

from hypothesis import given, settings

from calculators.ranges import HALF_WIDTH, SHARE_FIELDS, default_range, triangle, validate_range
from calculators.roi import Option
from calculators.scenario import INPUTS, Scenario
from calculators.sensitivity import TornadoBar, tornado
from components.charts.risk_charts import tornado_figure
from tests.strategies import valid_scenarios

# --- default ranges of shares ----------------------------------------------------------------


def test_default_share_ranges_never_reach_0_or_100_percent():
    """Retention, completion, application, attribution, confidence: no default end at 0 % or 100 %."""
    s = Scenario()
    for field in ("micro_retention_pct", "ilt_retention_pct", "micro_completion_pct", "ilt_completion_pct",
                  "application_pct", "attribution_pct", "confidence_pct"):  # fmt: skip
        assert field in SHARE_FIELDS
        low, high = default_range(s, field)
        assert 0 < low and high < 100, (field, low, high)


def test_default_retention_high_is_not_total_recall():
    """75 % retained, grade C (h = 35 %): the high end closes 35 % of the 25-point gap (by hand: 83.75)."""
    assert default_range(Scenario(), "micro_retention_pct") == (48.75, 83.75)
    # grade D (h = 50 %) completion 95 %: low 95 × 0.5, high 95 + 0.5 × 5
    assert default_range(Scenario(), "ilt_completion_pct") == (47.5, 97.5)


def test_shares_at_or_below_half_keep_the_plain_relative_range():
    s = Scenario()
    assert default_range(s, "application_pct") == (28.0, 42.0)  # grade B ±20 % of 35
    assert default_range(s, "attribution_pct") == (25.0, 75.0)  # grade D ±50 % of 50


def test_discount_rate_is_not_a_share():
    # in %, but its allowed range ends at 30 %: a rate, not a part of a whole
    assert "discount_rate_pct" not in SHARE_FIELDS


@settings(max_examples=100, deadline=None)
@given(valid_scenarios())
def test_share_ranges_stay_strictly_inside_0_and_100_percent(scenario):
    for field in SHARE_FIELDS:
        value = getattr(scenario, field)
        low, high = default_range(scenario, field)
        assert low - 1e-9 <= value <= high + 1e-9  # ends are rounded to 10 decimals
        if 0.01 <= value <= 99.99:  # closer to a bound, that rounding may land on it
            assert 0 < low and high < 100, (field, value, low, high)
            # never wider than the plain relative range
            assert high - value <= HALF_WIDTH[INPUTS[field].grade] * value + 1e-9


def test_share_override_may_still_reach_the_allowed_bound():
    checked, problem = validate_range("micro_retention_pct", 48.75, 100)
    assert problem is None
    overrides = {"micro_retention_pct": checked}
    assert triangle(Scenario(), "micro_retention_pct", overrides) == (48.75, 75.0, 100.0)


# --- the tornado with default ranges ---------------------------------------------------------


def test_default_microlearning_tornado_has_no_runaway_bar():
    """No bar dwarfs the next because of an implausible end (retention 100 % once gave −48 % to +1,252 %)."""
    _, bars = tornado(Scenario(), Option.MICRO, "ROI")
    assert len(bars) >= 2
    assert bars[0].swing <= 3 * bars[1].swing, [(b.field, b.swing) for b in bars[:2]]
    for bar in bars:
        if bar.field in SHARE_FIELDS:
            assert 0 < bar.low_input and bar.high_input < 100, bar


# --- tornado figure --------------------------------------------------------------------------

# Hand-made bars, independent of the model: a benefit input (higher input, higher ROI) and a
# cost input (higher input, lower ROI).
_RETENTION = TornadoBar("micro_retention_pct", "Knowledge retained", 48.75, 83.75, -48.0, 109.0, -48.0, 109.0)
_COST = TornadoBar("micro_fixed_cost", "Development cost", 19_500.0, 40_500.0, -2.0, 89.0, 89.0, -2.0)


def _end_labels(fig):
    traces = {trace.name: trace for trace in fig.data}
    return traces["Input at left end"], traces["Input at right end"]


def test_tornado_bars_carry_their_input_values_at_the_ends():
    fig = tornado_figure(28.8, [_RETENTION, _COST], "ROI", Option.MICRO, "USD")
    left, right = _end_labels(fig)
    assert left.mode == right.mode == "text"
    assert left.textposition == "middle left" and right.textposition == "middle right"
    # bars are drawn bottom-up: the smaller swing (cost) first
    assert list(left.y) == list(right.y) == ["Development cost", "Knowledge retained"]
    assert [s.strip() for s in left.text] == ["$40,500", "48.8 %"]
    assert [s.strip() for s in right.text] == ["$19,500", "83.8 %"]


def test_tornado_end_labels_sit_where_that_input_puts_the_result():
    fig = tornado_figure(28.8, [_RETENTION, _COST], "ROI", Option.MICRO, "USD")
    left, right = _end_labels(fig)
    cost, retention = 0, 1
    # a higher cost lowers ROI: its high value sits at the left (lower ROI) end
    assert left.x[cost] == _COST.result_at_high_input == _COST.low_result
    assert right.x[cost] == _COST.result_at_low_input == _COST.high_result
    # more retained raises ROI: its high value sits at the right end
    assert left.x[retention] == _RETENTION.result_at_low_input == _RETENTION.low_result
    assert right.x[retention] == _RETENTION.result_at_high_input == _RETENTION.high_result
    # the axis leaves room for the labels beyond the outermost ends
    lo, hi = fig.layout.xaxis.range
    assert lo < -48.0 and hi > 109.0


def test_tornado_end_labels_for_the_default_scenario_match_each_bar():
    base, bars = tornado(Scenario(), Option.MICRO, "NPV")
    fig = tornado_figure(base, bars, "NPV", Option.MICRO, "EUR")
    left, right = _end_labels(fig)
    shown = bars[:12][::-1]
    assert len(left.text) == len(right.text) == len(shown)
    for i, bar in enumerate(shown):
        assert (left.x[i], right.x[i]) == (bar.low_result, bar.high_result)
        texts = {left.text[i].strip(), right.text[i].strip()}
        assert len(texts) == 2 and all(t and t != "—" for t in texts), bar
        if bar.field == "micro_retention_pct":
            assert (left.text[i].strip(), right.text[i].strip()) == ("48.8 %", "83.8 %")


def test_tornado_figure_without_bars_has_empty_end_labels():
    fig = tornado_figure(10.0, [], "ROI", Option.ILT, "USD")
    left, right = _end_labels(fig)
    assert len(left.x) == len(right.x) == 0
