"""Margins reserved for a chart's labels before the browser draws it (`components.charts.margins`).

Plotly fits margins to labels by drawing a chart, measuring it and drawing it again; a chart
whose margins already hold its labels is drawn once. The browser check (that Chromium keeps
the reserved margins, i.e. draws once) is `tests/e2e/test_phone_and_presentation.py`; here,
what is reserved for every chart the dashboard builds.
"""

from __future__ import annotations

import copy
import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from components.charts.margins import axis_labels, reserved_margins, text_width
from components.charts.spec import spec
from components.charts.theme import presentation_overlay
from components.views.show import _AsBuilt
from tests.unit.figures import NAMES, figures

COLOUR_BAR = {"frontier"}  # a colour bar's room depends on the plot's width: Plotly's own
CATEGORY_X = {"waterfall"}  # category labels Plotly may turn on their side: Plotly's own


def _spec(name: str) -> dict:
    return copy.deepcopy(spec(figures()[name]))


@pytest.mark.parametrize("name", NAMES)
def test_every_chart_reserves_the_sides_it_can_predict(name):
    """Cartesian charts: left, bottom and right (not the right of a colour bar, not the bottom
    under category labels); the radar: its legend's row below."""
    reserved = reserved_margins(_spec(name))
    if name == "radar":
        assert set(reserved) == {"b"} and reserved["b"] >= 29
        return
    assert reserved["l"] > 40, "a y axis, its labels and title"
    assert ("r" in reserved) is (name not in COLOUR_BAR | CATEGORY_X)
    assert ("b" in reserved) is (name not in CATEGORY_X)
    if "b" in reserved:
        legend = spec(figures()[name])["layout"].get("showlegend")
        assert reserved["b"] >= (100 if legend else 71), "tick labels, title (and legend) below"


@pytest.mark.parametrize("name", NAMES)
def test_presentation_type_reserves_at_least_as_much(name):
    """At 18 px ticks and titles every reserved side is at least as wide as at 12 and 14 px."""
    desk = reserved_margins(_spec(name))
    room = reserved_margins(spec(presentation_overlay(copy.deepcopy(figures()[name]), height=620)))
    assert set(room) == set(desk)
    for side, px in desk.items():
        assert room[side] >= px, side
    if "l" in desk:
        assert room["l"] > desk["l"]


def test_the_widest_tick_label_sets_the_left_margin():
    """Money ticks of "$1k" need less room than "−$100,000k"; a wider margin set by the figure stays."""

    def chart(ticktext, left=10):
        return {"data": [{"type": "scatter", "x": [0, 1], "y": [0, 1]}],
                "layout": {"margin": {"l": left}, "xaxis": {"title": {"text": "Learners"}},
                           "yaxis": {"ticktext": ticktext, "title": {"text": "Cost"}}}}  # fmt: skip

    narrow = reserved_margins(chart(["$0", "$1k"]))["l"]
    wide = reserved_margins(chart(["$0", "−$100,000k"]))["l"]
    assert wide - narrow == pytest.approx(text_width("−$100,000k", 12) - text_width("$1k", 12), abs=1)
    assert reserved_margins(chart(["$0", "$1k"], left=200))["l"] == 200


def test_log_axis_labels_stay_within_the_data():
    """A log axis over 12 to 4,000 writes powers of ten around that span, not 1e-9 (a span
    widened below zero before taking logs did)."""
    labels = axis_labels({"type": "log"}, [{"type": "scatter", "y": [12, 4_000]}], "y", "y")
    assert labels and set(labels) <= {"10", "100", "1000", "10k"}


def test_what_is_sent_has_the_margins_and_the_figure_keeps_its_own():
    """`show_chart` sends the figure with its margins widened; the (possibly kept) figure is untouched."""
    fig = figures()["cost_curves"]
    before = copy.deepcopy(spec(fig)["layout"]["margin"])
    sent = _AsBuilt(fig).to_dict()
    assert sent["layout"]["margin"]["l"] == reserved_margins(spec(fig))["l"] > before["l"]
    assert sent["layout"]["margin"]["t"] == before["t"], "the top margin is the theme's (title lines)"
    assert spec(fig)["layout"]["margin"] == before
    assert sent["data"] is spec(fig)["data"], "data are not copied"


_NUMBER = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**12), 10**12), st.none())
_AXIS = st.fixed_dictionaries(
    {},
    optional={
        "range": st.lists(_NUMBER, min_size=2, max_size=2),
        "type": st.sampled_from(["linear", "log", "category", None]),
        "dtick": st.one_of(_NUMBER, st.sampled_from(["D1", "M1", ""])),
        "tickformat": st.sampled_from([",", ",~s", "", ".1%", None]),
        "ticksuffix": st.text(max_size=3),
        "ticktext": st.lists(st.text(max_size=12), max_size=6),
        "showticklabels": st.booleans(),
        "rangemode": st.sampled_from(["tozero", "normal"]),
        "title": st.fixed_dictionaries({"text": st.text(max_size=20)}),
    },
)
_TRACE = st.fixed_dictionaries(
    {"type": st.sampled_from(["scatter", "bar", "heatmap", "waterfall", "scatterpolar"])},
    optional={
        "x": st.one_of(st.lists(_NUMBER, max_size=8), st.lists(st.text(max_size=5), max_size=4)),
        "y": st.lists(_NUMBER, max_size=8),
    },
)


@settings(max_examples=300, deadline=None)
@example({"range": [0, math.inf]}, {}, [], False)
@example({}, {"range": [0.0, 2.4187176122818794e-289]}, [], False)
@example({}, {"range": [0.0, 5e-324]}, [], False)  # a tenth of the span underflows to 0
@example({}, {"type": "log", "range": [279, 309]}, [], False)  # 10^309 overflows a float
@example({"range": [-1e308, 1e308]}, {}, [], False)
@example({}, {"type": "log", "range": [0, 400]}, [], True)
@example({"range": [math.nan, 1]}, {"range": [0, 1e300]}, [], True)
@given(xaxis=_AXIS, yaxis=_AXIS, data=st.lists(_TRACE, max_size=3), legend=st.booleans())
def test_any_figure_gets_whole_nonnegative_margins_or_none(xaxis, yaxis, data, legend):
    """Whatever the axes and data (NaN, infinity, None, text ticks, dates' spacings, empty),
    the reservation is a few whole pixels per side or nothing: it never raises, so a figure it
    cannot read is simply left to Plotly."""
    layout = {"xaxis": xaxis, "yaxis": yaxis, "showlegend": legend, "legend": {"yref": "container"}}
    reserved = reserved_margins({"data": data, "layout": layout})
    assert set(reserved) <= {"l", "b", "r"}
    assert all(isinstance(v, int) and 0 <= v < 2_000 for v in reserved.values()), reserved
