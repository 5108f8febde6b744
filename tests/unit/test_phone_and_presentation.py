"""Charts that read on a 390 px phone and in a meeting room; one formatter per unit; the
presentation stylesheet (UI.md, "Three screens to check").

Every figure builder is drawn once with the defaults (seed 002's cost table, 1,000 learners).
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plotly.io.json import to_json_plotly

from calculators.roi import Option, best_share
from calculators.sensitivity import tornado
from components.charts.margins import text_width
from components.charts.spec import Chart, ChartFigure, spec
from components.charts.theme import (
    AXIS_TEXT,
    BENEFITS_COLOUR,
    FORMAT_COLOURS,
    LEGEND_BELOW,
    MARK_SIZE,
    OPTION_COLOURS,
    PHONE_PLOT_WIDTH,
    SUBTITLE_WRAP,
    TITLE_WRAP,
    contrast_ratio,
    label_places,
    mark_percentiles,
    mark_rows,
    presentation_overlay,
    unwrap,
    wrap,
)
from components.views.style import ACCESSIBILITY_SCRIPT, ACCESSIBILITY_STYLESHEET, STYLESHEET
from components.words.formatting import hours, input_value, percent
from tests.unit.figures import NAMES, USD, S, figures


def _mark_labels(fig: go.Figure) -> dict[str, go.layout.Annotation]:
    """The labels standing in rows above the plot, by their text's first word ('P10', 'Your', ...)."""
    return {a.text.split()[0]: a for a in fig.layout.annotations if (a.name or "").startswith("mark-row-")}


@pytest.mark.parametrize("name", NAMES)
def test_titles_and_subtitles_wrap_to_a_phone_width(name):
    """No title line longer than TITLE_WRAP characters, no subtitle line longer than SUBTITLE_WRAP."""
    title = figures()[name].layout.title
    assert title.text, "every chart states its message"
    assert max(len(line) for line in title.text.split("<br>")) <= TITLE_WRAP
    if title.subtitle and title.subtitle.text:
        assert max(len(line) for line in title.subtitle.text.split("<br>")) <= SUBTITLE_WRAP


def test_long_titles_really_wrap_and_read_the_same_unwrapped():
    fig = figures()["cumulative_net"]
    assert "<br>" in fig.layout.title.text
    assert unwrap(fig.layout.title.text) == (
        "Microlearning pays back in month 3 (discounted); blended in month 5; instructor-led in month 5"
    )


def test_wrap_keeps_a_number_with_its_percent_sign():
    assert all(
        not line.startswith("%") for line in wrap("The best mix puts 0 % of learners there", 19).split("<br>")
    )


@pytest.mark.parametrize("name", [n for n in NAMES if figures()[n].layout.showlegend])
def test_legends_sit_below_the_plot_in_a_row(name):
    legend = figures()[name].layout.legend
    assert legend.orientation == "h"
    assert (legend.yref, legend.y, legend.yanchor) == (LEGEND_BELOW["yref"], 0, "bottom")


def test_every_chart_with_more_than_one_named_series_has_a_legend():
    for name in ("cost_curves", "cost_per_learner", "breakeven", "cumulative_net", "retention", "blend",
                 "histogram", "radar", "pilot_results"):  # fmt: skip
        assert figures()[name].layout.showlegend, name


def test_no_direct_labels_at_line_ends_squeeze_the_plot():
    """The right margin stays small: lines are named in the legend, not beside their ends."""
    for name, fig in figures().items():
        assert fig.layout.margin.r <= 40, name


def _label_spans(
    fig: go.Figure, plot_width: float = PHONE_PLOT_WIDTH
) -> dict[str, tuple[int, float, float, float]]:
    """Each mark label's row, its mark's place and the label's ends, in shares of the plot's width
    (`plot_width` px wide), as the browser would draw the label."""
    lo, hi = fig.layout.xaxis.range
    spans = {}
    for name, a in _mark_labels(fig).items():
        at = (a.x - lo) / (hi - lo)
        width = text_width(a.text, MARK_SIZE) / plot_width
        start = at + a.xshift / plot_width - {"left": 0, "center": width / 2, "right": width}[a.xanchor]
        spans[name] = (int(a.name.removeprefix("mark-row-")), at, start, start + width)
    return spans


def _assert_percentile_labels_read_on_a_phone(fig: go.Figure) -> None:
    """No two labels in a row overlap; a label passing over another mark stands above that mark's
    own label; every label stays within the plot (all on a phone's plot, the narrowest)."""
    spans = _label_spans(fig)
    assert set(spans) == {"P10", "P50", "P90"}
    for name, (row, _, start, end) in spans.items():
        assert -0.001 <= start and end <= 1.001, f"{name} leaves the plot"
        for other, (other_row, other_at, other_start, other_end) in spans.items():
            if other == name:
                continue
            if row == other_row:
                assert end <= other_start or other_end <= start, f"{name} overlaps {other}"
            if start < other_at < end:
                assert row > other_row, f"{name}'s label runs into {other}'s mark below {other}'s label"


def test_percentile_labels_stand_in_rows_above_the_plot():
    """P10, P50 and P90 labels stand in rows above the plot, in as many rows as they need."""
    fig = figures()["histogram"]
    labels = _mark_labels(fig)
    assert set(labels) == {"P10", "P50", "P90"}
    assert all(a.y == 1 and a.yref == "paper" and a.yanchor == "bottom" for a in labels.values())
    rows = mark_rows(fig)
    assert 1 <= rows <= 3
    assert fig.layout.margin.t > rows * 12, "the top margin holds the rows"
    _assert_percentile_labels_read_on_a_phone(fig)


@pytest.mark.parametrize(
    "values",
    [
        (410.1, 710.9, 1_137.2),  # the Monte Carlo page's defaults at 390 px: P90's label ran into P50's line
        (100.0, 720.0, 790.0),  # P50 and P90 close in the middle
        (700.0, 760.0, 820.0),  # all three close
        (20.0, 60.0, 1_450.0),  # two close at the left edge
        (50.0, 1_420.0, 1_480.0),  # two close at the right edge
        (200.0, 750.0, 1_300.0),  # far apart
    ],
)
def test_percentile_labels_never_overlap_or_run_into_another_mark(values):
    fig = Chart()
    fig.update_xaxes(range=[0.0, 1_500.0])
    mark_percentiles(fig, values, percent, 0.0, 1_500.0)
    _assert_percentile_labels_read_on_a_phone(fig.figure())


def _label_places_by_trying_each(shares: list[float], widths: list[float]) -> list[tuple[int, str]]:
    """The first version: every placing tried in turn (the oracle)."""
    n = len(shares)
    usual = ["right" if s > 0.5 else "left" for s in shares]
    best: tuple[tuple, list[tuple[int, str]]] | None = None
    for rows in itertools.product(range(n), repeat=n):
        for anchors in itertools.product(("left", "center", "right"), repeat=n):
            spans = [
                (
                    s - w * (a != "left") / (1 + (a == "center")),
                    s + w * (a != "right") / (1 + (a == "center")),
                )
                for s, w, a in zip(shares, widths, anchors, strict=True)
            ]
            if any(
                rows[i] == rows[j] and spans[i][0] < spans[j][1] and spans[j][0] < spans[i][1]
                for i in range(n)
                for j in range(i + 1, n)
            ):
                continue  # two labels overlap
            outside = sum(max(0.0, -lo) + max(0.0, hi - 1) for lo, hi in spans)
            crossings = sum(
                spans[i][0] < shares[j] < spans[i][1] and rows[i] <= rows[j]
                for i in range(n)
                for j in range(n)
                if i != j
            )
            # centred on its mark costs 1, reading towards the nearer edge 2
            unusual = sum((a != u) + (a != "center" and a != u) for a, u in zip(anchors, usual, strict=True))
            key = (round(outside, 9), crossings, max(rows), unusual, sum(rows), rows[::-1])
            if best is None or key < best[0]:
                best = key, list(zip(rows, anchors, strict=True))
    return best[1] if best else []


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.floats(-0.2, 1.2), min_size=1, max_size=3),
    st.lists(st.floats(0.02, 0.6), min_size=3, max_size=3),
)
def test_label_places_picks_what_trying_every_placing_picks(shares, widths):
    """The vectorised search (one array operation over the 729 placings of three labels, ~0.1
    ms) chooses exactly the placing the first version found by trying each in turn (~3.6 ms)."""
    widths = widths[: len(shares)]
    assert label_places(shares, widths) == _label_places_by_trying_each(shares, widths)
    assert label_places([], []) == []  # no finite mark (the first version failed here)


def test_percentile_labels_of_far_apart_marks_share_a_row():
    fig = Chart()
    mark_percentiles(fig, (100.0, 750.0, 1_400.0), percent, 0.0, 1_500.0, plot_width=800)  # a desk's plot
    assert mark_rows(fig) == 1
    phone = Chart()
    mark_percentiles(phone, (100.0, 750.0, 1_400.0), percent, 0.0, 1_500.0)  # three labels fill a phone's row
    assert mark_rows(phone) == 2


def test_histogram_axes_say_what_the_bars_count():
    fig = figures()["histogram"]
    assert fig.layout.xaxis.title.text == "ROI over the horizon (%)"
    assert fig.layout.yaxis.title.text == "Share of draws (%)"
    assert "ROI points wide" in unwrap(fig.layout.title.subtitle.text)
    assert "end steps also holding the draws beyond the axis" in unwrap(fig.layout.title.subtitle.text)


def test_your_mix_and_the_benefits_line_use_no_format_or_option_colour():
    fig = figures()["blend"]
    reserved = {c.upper() for c in (*OPTION_COLOURS.values(), *FORMAT_COLOURS.values())}
    your_mix = _mark_labels(fig)["Your"]
    assert your_mix.font.color.upper() not in reserved
    chosen_line = next(s for s in fig.layout.shapes if s.x0 == 10)
    assert chosen_line.line.color.upper() not in reserved
    for trace in fig.data:
        colour = trace.line.color if trace.mode == "lines" else trace.marker.color
        assert colour.upper() not in reserved, trace.name
    assert next(t for t in fig.data if t.name == "Benefits").line.color == BENEFITS_COLOUR


def test_blend_pure_formats_are_dots_apart_from_the_mix_lines():
    """The step at 0 % and 100 % is real (a track's fixed cost); lines cover 0 < s < 100 % only."""
    fig = figures()["blend"]
    lines = [t for t in fig.data if t.mode == "lines"]
    dots = [t for t in fig.data if t.mode == "markers"]
    assert all(0 < min(t.x) and max(t.x) < 100 for t in lines)
    assert all(list(t.x) == [0.0, 100.0] for t in dots)
    _, curves = best_share(S)
    costs = next(t for t in lines if t.name == "Costs")
    assert costs.y[0] - curves["costs"][0] == pytest.approx(S.ilt_fixed_cost, rel=0.1)
    assert "fixed costs" in unwrap(fig.layout.title.subtitle.text)


def test_tornado_names_stand_above_the_bars_not_beside_them():
    fig = figures()["tornado"]
    assert fig.layout.yaxis.showticklabels is False
    names = [a for a in fig.layout.annotations if a.name == "input name"]
    assert [a.text for a in names] == [b.label for b in reversed(tornado(S, Option.MICRO, "ROI", {})[1][:12])]
    assert all(a.xref == "paper" and a.x == 0 and a.yanchor == "bottom" for a in names)


def test_tornado_end_labels_fit_inside_the_axis_range():
    fig = figures()["tornado"]
    lo, hi = fig.layout.xaxis.range
    ends = [x for t in fig.data if getattr(t, "mode", None) == "text" for x in t.x]
    span = max(ends) - min(ends)
    assert lo <= min(ends) - 0.25 * span and max(ends) + 0.25 * span <= hi


def test_radar_spoke_names_are_wrapped_short():
    theta = figures()["radar"].data[0].theta
    assert max(len(line) for name in theta for line in name.split("<br>")) <= 14


def test_hours_read_the_same_everywhere():
    """One formatter for hours: minutes under an hour, hours from one (sidebar help, tables, charts)."""
    assert hours(0.125) == input_value("micro_seat_hours", 0.125, USD) == "7.5 min"
    assert hours(8) == input_value("ilt_seat_hours", 8, USD) == "8 h"
    assert hours(0.08125) == "4.88 min"
    assert hours(float("nan")) == "—"


def test_presentation_overlay_makes_axis_text_large_and_dark_enough():
    fig = presentation_overlay(go.Figure(figures()["cost_curves"]), height=620)
    for axis in (fig.layout.xaxis, fig.layout.yaxis):
        assert axis.tickfont.size >= 16 and axis.title.font.size >= 16
        assert contrast_ratio(axis.tickfont.color) >= 4.5 and contrast_ratio(axis.title.font.color) >= 4.5
    assert contrast_ratio(AXIS_TEXT) >= 4.5
    assert fig.layout.title.font.size >= 26 and fig.layout.height >= 620
    assert all(a.font.size >= 16 for a in fig.layout.annotations)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("presenting", [False, True], ids=["desk", "presenting"])
def test_every_figure_passes_plotly_validation(name, presenting):
    """Builders skip Plotly's validation at run time (components/charts/spec.py): it happens here.

    Rebuilding through the validating constructor raises on any unknown property or bad
    value; the rebuilt figure equals the one drawn.
    """
    fig = figures()[name]
    if presenting:
        fig = presentation_overlay(fig)
    checked = go.Figure(fig.to_dict())  # validates every property
    assert checked.to_plotly_json()["layout"]["title"] == fig.to_plotly_json()["layout"]["title"]
    assert len(checked.data) == len(fig.data)


def test_presentation_overlay_rewraps_titles_for_a_wide_screen():
    fig = presentation_overlay(go.Figure(figures()["cumulative_net"]))
    assert fig.layout.title.text.count("<br>") < figures()["cumulative_net"].layout.title.text.count("<br>")
    assert unwrap(fig.layout.title.text) == unwrap(figures()["cumulative_net"].layout.title.text)


def test_the_plot_keeps_its_height_when_the_title_wraps():
    short = figures()["cost_curves"]
    long = figures()["cumulative_net"]
    plot = {n: f.layout.height - f.layout.margin.t for n, f in (("short", short), ("long", long))}
    assert plot["short"] == pytest.approx(plot["long"], abs=20)


def _css_rules(text: str) -> dict[str, dict[str, str]]:
    """selector → {property: value}, for a flat stylesheet (no @media)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    rules: dict[str, dict[str, str]] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        declarations = dict(
            (p.strip(), v.strip()) for p, v in (d.split(":", 1) for d in body.split(";") if ":" in d)
        )
        for selector in selectors.split(","):
            rules.setdefault(" ".join(selector.split()), {}).update(declarations)
    return rules


def _px(value: str) -> float:
    number = re.fullmatch(r"([\d.]+)(px|rem)", value.replace("!important", "").strip())
    assert number, f"a size in px or rem, not {value!r}"
    return float(number[1]) * (16 if number[2] == "rem" else 1)


def _size(rules: dict[str, dict[str, str]], testid: str) -> float:
    sizes = [_px(d["font-size"]) for s, d in rules.items() if f'"{testid}"' in s and "font-size" in d]
    assert sizes, f"the stylesheet sizes {testid}"
    return min(sizes)


def test_presentation_stylesheet_sets_room_sizes():
    rules = _css_rules(Path(STYLESHEET).read_text(encoding="utf-8"))
    assert _size(rules, "stMetricValue") >= 56
    assert _size(rules, "stMetricLabel") >= 20
    assert _size(rules, "stCaptionContainer") >= 20


def test_presentation_stylesheet_stays_small_and_scoped_to_the_app():
    """One small sheet: only Streamlit's own test ids, no global element selectors, no imports."""
    text = Path(STYLESHEET).read_text(encoding="utf-8")
    assert "@import" not in text and "url(" not in text
    for selector in _css_rules(text):
        assert selector.startswith("[data-testid="), selector
    assert len(_css_rules(text)) <= 18  # 16, and two for the sliders' values over their thumbs


def test_frames_name_their_axes_in_the_readable_grey():
    for name, fig in figures().items():
        if fig.layout.xaxis.visible is False:
            continue
        assert fig.layout.xaxis.tickfont.color == AXIS_TEXT, name
        assert fig.layout.yaxis.tickfont.color == AXIS_TEXT, name


def test_mark_labels_keep_inside_the_figure_on_the_right_half():
    """A label whose mark is in the right half of the plot ends at the mark (it grows leftwards);
    percentile labels stay inside the plot."""
    fig = figures()["cost_curves"]  # today's 1,000 learners of a 2,000 axis: the middle
    label = _mark_labels(fig)["Your"]
    assert label.xanchor in {"left", "right"}
    fig = figures()["histogram"]
    for name, (_, _, start, end) in _label_spans(fig).items():
        assert -0.001 <= start and end <= 1.001, name
    assert np.isfinite([a.x for a in _mark_labels(fig).values()]).all()


@pytest.mark.parametrize("presenting", [False, True], ids=["desk", "presenting"])
def test_what_streamlit_is_sent_is_the_figure_as_built(presenting):
    """`show_chart` sends a builder's chart without building its `go.Figure` (chart_spec.spec):
    the same JSON as the figure plotly would build, template included."""
    fresh = figures.__wrapped__()  # not yet read as figures
    for name, fig in fresh.items():
        if presenting:
            fig = presentation_overlay(fig)
        assert isinstance(fig, ChartFigure) and not fig.built, name
        sent = json.loads(to_json_plotly(spec(fig)))
        built = ChartFigure(fig.chart)
        assert built.layout is not None and built.built
        assert sent == json.loads(
            to_json_plotly(built._data and {"data": built._data, "layout": built._layout})
        ), name
        assert sent == json.loads(to_json_plotly(spec(built))), name
        assert sent["layout"]["template"]["layout"], name  # Streamlit's theme template


@pytest.mark.parametrize("name", NAMES)
def test_number_axes_do_not_measure_their_labels_against_the_page(name):
    """Plotly's default for a number axis ("hide past div") measures every tick label against the
    page on each redraw (a forced layout); the margins fit the labels instead (automargin), so
    every drawn cartesian axis says "allow"."""
    layout = figures()[name].to_plotly_json()["layout"]
    axes = [k for k in layout if k.startswith(("xaxis", "yaxis")) and layout[k].get("visible", True)]
    assert axes or name == "radar"
    for axis in axes:
        assert layout[axis].get("ticklabeloverflow") == "allow", (name, axis)


def _colours(rules: dict[str, dict[str, str]], testid: str) -> list[str]:
    return [d["color"].split()[0] for s, d in rules.items() if f'"{testid}"' in s and "color" in d]


def test_captions_carry_figures_at_4_5_to_1_and_at_7_to_1_when_presenting():
    """Streamlit's caption grey is 4.04:1 (60 % opacity): the accessibility sheet makes captions
    opaque and dark enough everywhere; the presentation sheet darker still (docs/accessibility.md)."""
    every_screen = _css_rules(Path(ACCESSIBILITY_STYLESHEET).read_text(encoding="utf-8"))
    assert every_screen['[data-testid="stCaptionContainer"]']["opacity"] == "1"
    assert _colours(every_screen, "stCaptionContainer")
    assert all(contrast_ratio(c) >= 4.5 for c in _colours(every_screen, "stCaptionContainer"))
    presenting = _css_rules(Path(STYLESHEET).read_text(encoding="utf-8"))
    assert _colours(presenting, "stCaptionContainer")
    assert all(contrast_ratio(c) >= 7 for c in _colours(presenting, "stCaptionContainer"))


def test_accessibility_sheet_is_scoped_and_hides_the_chart_toolbar_on_a_phone():
    text = Path(ACCESSIBILITY_STYLESHEET).read_text(encoding="utf-8")
    assert "@import" not in text and "url(" not in text
    for selector in _css_rules(text):
        assert selector.startswith("[data-testid="), selector
    phone = re.search(r"@media \(max-width: (\d+)px\) \{([^@]*?\}\s*)\}", text)
    assert phone and int(phone.group(1)) >= 390 and ".modebar-container" in phone.group(2)
    assert "display: none" in phone.group(2)


def test_accessibility_script_survives_streamlits_sanitiser():
    """Streamlit runs DOMPurify on `st.html`: it drops a script whose text holds `<` before a
    letter or `/` (so the script would silently never run)."""
    script = Path(ACCESSIBILITY_SCRIPT).read_text(encoding="utf-8")
    assert not re.search(r"<[/\w]", script), re.search(r".{0,40}<[/\w].{0,40}", script).group(0)


def test_the_pilot_sample_size_log_axis_writes_every_power_of_ten_alike():
    """Plotly's own log ticks mix styles ("1000", then "10k"): the axis writes 1,000 and 10,000."""
    axis = figures()["sample_size"].layout.yaxis
    assert axis.type == "log" and axis.dtick == 1 and axis.tickformat == ","
