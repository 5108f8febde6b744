"""Figure builders and screen sentences: message titles, colours, marks, and no NaN anywhere."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings

from calculators.model import Option
from calculators.scenario import Format, Scenario
from calculators.summary import chart_range, cost_summary
from components.charts.cost_charts import (
    breakeven_figure,
    breakeven_headline,
    cost_curves_figure,
    cost_per_learner_figure,
)
from components.charts.theme import FORMAT_COLOURS, unwrap
from components.words.formatting import money
from components.words.messages import basis_flip_warning, basis_line, crossover_headline, crossover_tile
from tests.strategies import valid_scenarios

BUILDERS = (cost_curves_figure, cost_per_learner_figure, breakeven_figure)


def _format_traces(fig):
    return {t.name: t for t in fig.data if t.name in {f.label for f in Format}}


def test_each_format_keeps_its_one_colour_on_every_chart():
    summary = cost_summary(Scenario())
    for build in BUILDERS:
        traces = _format_traces(build(summary))
        assert {name: t.line.color for name, t in traces.items()} == {
            f.label: FORMAT_COLOURS[f] for f in Format
        }


def test_total_cost_chart_marks_the_crossover_and_todays_learners():
    fig = cost_curves_figure(cost_summary(Scenario()))
    marker = next(t for t in fig.data if t.name == "Crossover")
    assert math.isclose(marker.x[0], 20_000 / 42)
    assert math.isclose(marker.y[0], 30_000 + 3 * 20_000 / 42)  # equal for both formats there
    texts = [a.text for a in fig.layout.annotations]
    assert "Your 1,000 learners" in texts and "Crossover 477" in texts
    assert fig.layout.yaxis.title.text == "Total cost (USD)"


def test_chart_range_shows_learners_crossover_and_breakevens():
    summary = cost_summary(Scenario(learners=50, skeptic=True, conservative=True))
    assert summary.breakeven[Option.MICRO] == 569
    top = chart_range(summary)
    assert top >= 477 and top >= 50 * 2 and top >= 1.6 * 569


def test_cost_per_learner_chart_uses_log_axes_labelled_as_such():
    fig = cost_per_learner_figure(cost_summary(Scenario()))
    assert fig.layout.yaxis.type == "log" and "log scale" in fig.layout.yaxis.title.text
    assert fig.layout.xaxis.type == "log" and "log scale" in fig.layout.xaxis.title.text
    assert unwrap(fig.layout.title.text) == "Microlearning costs less per learner at 1,000 learners"


def test_breakeven_chart_marks_the_model_breakeven_computed_by_hand():
    """Defaults: benefit per microlearning learner per year = $1,000 turnover saving × 85 % completed
    × 50 % attributed × 35 % applied × the mean share of the skill kept over 3 years. The skill curve
    is ρ(t) = 0.2 + 0.8·e^(−t/S), one half at microlearning's half-life H = 11 months × ln 0.35 /
    ln 0.75, so e^(−H/S) = 0.3/0.8 and S = H / ln(8/3); its mean over 1,095 days is
    0.2 + 0.8·S(1 − e^(−1095/S))/1095 (months are equal, so the mean of the monthly means is the
    mean). Three years of it pay for $30,000 + $3 per learner from N = 30,000 / (3·a − 3) (by hand)."""
    half_life = 11 * 365 / 12 * math.log(0.35) / math.log(0.75)
    stability = half_life / math.log(0.8 / 0.3)
    mean = 0.2 + 0.8 * stability * (1 - math.exp(-1095 / stability)) / 1095
    a = 1_000 * 0.85 * 0.50 * 0.35 * mean
    expected = math.ceil(30_000 / (3 * a - 3))
    fig = breakeven_figure(cost_summary(Scenario()))
    marks = {t.name: t.x[0] for t in fig.data if t.name and t.name.endswith("break-even")}
    assert marks["Microlearning break-even"] == expected
    assert expected == 93


def test_headline_when_instructor_led_is_cheaper_everywhere():
    s = Scenario(micro_fixed_cost=50_000, micro_cost_per_learner=50)
    summary = cost_summary(s)
    assert summary.crossover is None
    assert crossover_headline(summary) == "Instructor-led is cheaper at every scale up to 100,000 learners"
    assert crossover_tile(summary) == ("—", "No crossover: instructor-led is cheaper at every scale")


def test_headline_when_both_lines_coincide():
    s = Scenario(micro_fixed_cost=10_000, micro_cost_per_learner=45)
    summary = cost_summary(s)
    assert crossover_headline(summary) == "Both formats cost the same at every scale"
    assert summary.cheapest is None


def test_breakeven_headline_when_neither_pays_back():
    summary = cost_summary(Scenario(turnover_on=False))  # no benefit stream at all
    assert breakeven_headline(summary) == "Neither format breaks even at any scale up to 100,000 learners"


def test_basis_flip_warning_names_the_other_cheaper_format_without_numbers():
    note = basis_flip_warning(cost_summary(Scenario(learners=300, fully_loaded=True)))
    assert note == (
        "On the vendor cost table alone instructor-led would be cheaper: learner time and class costs "
        "change the answer."
    )
    assert not any(ch.isdigit() for ch in note)
    assert basis_flip_warning(cost_summary(Scenario())) is None  # fully loaded keeps microlearning cheaper


def test_basis_line_names_the_conservative_basis():
    line = basis_line(Scenario(conservative=True, skeptic=True))
    assert line.startswith("Basis: fully loaded costs")
    assert "defensible benefits" in line and "Skeptic" in line


def _all_numbers(fig) -> list[float]:
    spec = json.loads(fig.to_json())
    out: list[float] = []
    for trace in spec["data"]:
        for axis in ("x", "y"):
            values = trace.get(axis)
            if isinstance(values, dict):  # plotly 7 encodes arrays as {"dtype", "bdata"}
                import base64

                values = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
            out += [float(v) for v in values or []]
    return out


@settings(max_examples=60, deadline=None)
@given(valid_scenarios())
def test_no_figure_or_sentence_shows_nan_or_infinity(scenario):
    summary = cost_summary(scenario)
    for build in BUILDERS:
        fig = build(summary)
        assert all(math.isfinite(v) for v in _all_numbers(fig))
        words = [fig.layout.title.text, *(a.text for a in fig.layout.annotations)]
        assert not any(w and ("nan" in w.lower().split() or "inf" in w.lower()) for w in words)
    for sentence in (basis_line(scenario), basis_flip_warning(summary) or "", crossover_headline(summary)):
        assert "nan" not in sentence.lower().split() and "inf" not in sentence.lower()
    assert money(summary.total[Format.MICRO], scenario.currency) != "—"


def test_learner_marker_on_the_log_chart_sits_at_the_learner_count():
    """On log axes a line shape takes the data value (1,000), its label the log10 (3)."""
    fig = cost_per_learner_figure(cost_summary(Scenario()))
    line = next(s for s in fig.layout.shapes if s.type == "line")
    assert line.x0 == line.x1 == 1_000
    label = next(a for a in fig.layout.annotations if a.text == "Your 1,000")
    assert label.x == 3.0


def test_frontier_colours_are_an_image_and_only_break_even_is_traced():
    """The browser redraws the frontier on every move: its colours are a heatmap image (no
    filled contour levels to trace) and the one contour is the break-even line at 0."""
    import numpy as np

    from components.charts.risk_charts import frontier_figure

    xs, ys = np.linspace(100, 5_000, 60), np.linspace(10, 100, 60)
    z = np.subtract.outer(ys, 50.0) + np.subtract.outer(np.zeros(60), 2_500 - xs) / 100
    fig = frontier_figure(xs, ys, z, "learners", "micro_retention_pct", (1_000, 75), "ROI", "USD")
    kinds = [t.type for t in fig.data]
    assert kinds == ["heatmap", "contour", "scatter"]
    line = fig.data[1].contours
    assert (line.start, line.end, line.coloring) == (0, 0, "none")


def _frontier(z_of, metric="ROI"):
    from components.charts.risk_charts import frontier_figure

    xs, ys = np.linspace(1, 5_000, 40), np.linspace(1, 100, 40)
    z = z_of(*np.meshgrid(xs, ys))
    return z, frontier_figure(xs, ys, z, "learners", "micro_retention_pct", (1_000, 75), metric, "USD")


def test_frontier_colours_follow_the_grid_with_white_at_break_even():
    """ROI of ~890 % at the scenario, up to ~4,800 % in the grid: the colours reach the grid's own
    highest and lowest values (a fixed ±200 % painted nearly all of it one purple), and white,
    the middle of the diverging scale, stays at 0 % (break-even)."""
    z, fig = _frontier(lambda x, y: x * y / 100 - 100)  # -99 % at 1 learner, 4,900 % at the corner
    heat = fig.data[0]
    assert (heat.zmin, heat.zmax) == (float(z.min()), float(z.max()))
    white = next(p for p, colour in heat.colorscale if colour.upper() == "#FFFFFF")
    assert heat.zmin + white * (heat.zmax - heat.zmin) == pytest.approx(0.0)
    assert heat.colorscale[0][1] != "#FFFFFF" and heat.colorscale[-1][1] != "#FFFFFF", "loss and gain colours"
    at_scenario = (890 - heat.zmin) / (heat.zmax - heat.zmin)
    assert 0.1 < at_scenario < 0.9, "the scenario's ROI is no longer the end colour"


def test_frontier_colours_of_a_grid_without_loss_start_white_at_zero():
    _, fig = _frontier(lambda x, y: x * y / 100 + 50)
    heat = fig.data[0]
    assert heat.zmin == 0.0 and heat.colorscale[0][1].upper() == "#FFFFFF"
    _, fig = _frontier(lambda x, y: -(x * y) - 5_000, metric="NPV")
    heat = fig.data[0]
    assert heat.zmax == 0.0 and heat.colorscale[-1][1].upper() == "#FFFFFF"


def test_frontier_colour_bar_title_stands_clear_of_the_top_tick_label():
    """Plotly starts the bar 5 px under its title and centres a tick label on the bar's top end:
    an empty short line under the title gives it room; the title still reads "ROI (%)"."""
    from components.charts.alt_text import _title
    from components.charts.spec import spec
    from components.charts.theme import presentation_overlay

    _, fig = _frontier(lambda x, y: x * y / 100 - 100)
    bar = fig.data[0].colorbar
    lines = bar.title.text.split("<br>")
    assert len(lines) == 2 and lines[0] == "ROI (%)" and "&nbsp;" in lines[1]
    assert _title(spec(fig)["data"][0]["colorbar"]["title"]) == "ROI (%)"
    assert bar.tickformat == ",", "4,000 %, with the thousands separator"
    big = presentation_overlay(fig).data[0].colorbar
    assert big.tickfont.size >= 16 and big.title.font.size >= 16, "room-sized in presentation mode"


def test_frontier_colours_are_not_paled_by_a_few_far_values_and_say_so():
    """A development cost near 0 sends ROI to ~14,000 % at one edge: the colours reach a round
    number above most of the grid, and the subtitle says the deepest purple stands for it and more."""
    z, fig = _frontier(lambda x, y: 100_000 / (x + 7) + y)  # ~14,000 % at the left edge, ~100 % elsewhere
    heat = fig.data[0]
    assert heat.zmax < z.max() and np.mean(z <= heat.zmax) >= 0.95
    assert heat.zmax == 500
    assert "deepest purple: 500 % or more" in unwrap(fig.layout.title.subtitle.text)
    _, plain = _frontier(lambda x, y: x * y / 100 - 100)
    assert unwrap(plain.layout.title.subtitle.text) == "Purple: gain · grey: loss"
