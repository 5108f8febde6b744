"""Margins reserved for a chart's labels before the browser draws it (`components.chart_margins`).

Plotly fits margins to labels by drawing a chart, measuring it and drawing it again; a chart
whose margins already hold its labels is drawn once. The browser check (that Chromium keeps
the reserved margins, i.e. draws once) is `tests/e2e/test_phone_and_presentation.py`; here,
what is reserved for every chart the dashboard builds.
"""

from __future__ import annotations

import copy

import pytest

from components.chart_margins import axis_labels, reserved_margins, text_width
from components.chart_spec import spec
from components.presentation import _AsBuilt
from components.theme import presentation_overlay
from tests.unit.test_phone_and_presentation import NAMES, figures

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
