"""`show_chart`, the one way a page draws a chart: full width, enlarged in presentation mode,
its camera button a slide-sized PNG, its margins fitted to its labels before the browser draws it,
and under it a "Data" control holding the chart's data as a table.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from components.charts.alt_text import chart_alt
from components.charts.chart_data import chart_table, data_label, has_data, table_formats
from components.charts.margins import reserved_margins
from components.charts.spec import spec
from components.charts.theme import presentation_overlay
from components.session.presenting import presenting
from components.views.sections import section
from components.words.formatting import MISSING
from components.words.safe_text import plain

PRESENT_HEIGHT = 620


SLIDE_PNG = {"format": "png", "width": 1600, "height": 900, "scale": 1}  # a 16:9 slide


def show_chart(fig: go.Figure, key: str) -> None:
    """Draw a figure full width; in presentation mode, room-sized type, darker axis text and
    more height (`components.charts.theme.presentation_overlay`).

    The chart's camera button (top right, on hover) downloads it as a 1600 × 900 PNG, drawn
    by the browser itself: a slide-sized picture of any chart, with no server round trip.

    The chart's text alternative (`chart_alt`: its title, which states the answer, its subtitle,
    and what it plots) becomes its accessible name: a screen reader reads the answer, not "image".
    Under the chart, a closed "Data" control holds its data as a table (`data_control`); when
    presenting it is left out: a room reads the chart, and the slide stays clean.
    """
    room = presenting()
    if room:
        fig = presentation_overlay(fig, height=PRESENT_HEIGHT)
    config = {"toImageButtonOptions": {**SLIDE_PNG, "filename": key.removesuffix("_chart").replace("_", "-")}}
    built = spec(fig)
    st.plotly_chart(_AsBuilt(fig), width="stretch", key=key, config=config, alt=chart_alt(built))
    if not room:
        data_control(built, key)


def data_key(chart_key: str) -> str:
    """The `section` name of the Data control under the chart drawn with `chart_key`.

    >>> data_key("costs_total_chart")
    'data_costs_total_chart'
    """
    return "data_" + chart_key


def data_control(built: dict[str, Any], chart_key: str) -> None:
    """The chart's data (`chart_table`: one row per x value or bar, one column per series,
    formatted as on its axes) in an expander named after what the chart measures, built only
    while open: a closed one costs a rerun nothing. A chart with nothing plotted has none."""
    if not has_data(built):
        return
    with section(plain(data_label(built)), data_key(chart_key)) as shown:
        if shown:
            table = chart_table(built)
            styled = table.style.format(table_formats(built, table), na_rep=MISSING)
            st.dataframe(styled, hide_index=True, width="stretch")


class _AsBuilt(go.Figure):
    """A finished figure handed to Streamlit as it stands: `st.plotly_chart` calls `to_dict()`
    on a figure, which deep-copies data and layout and base64-encodes its arrays (about 1.2 ms
    a chart, and a larger message for charts of a few dozen points); this returns the
    figure's own dicts (`chart_spec.spec`: a builder's chart as built, never turned into a
    `go.Figure`), which Streamlit only serialises. Nothing else of the figure is used."""

    def __init__(self, figure: go.Figure) -> None:  # plotly's constructor is skipped on purpose
        self._built = figure

    def to_dict(self) -> dict[str, Any]:
        """The figure's dicts, its margins widened to hold its labels (`reserved_margins`:
        the browser then draws it once, not twice); the figure itself is left as it is."""
        built = spec(self._built)
        layout = built["layout"]
        try:
            reserved = reserved_margins(built)
        except (ArithmeticError, LookupError, TypeError, ValueError):  # a figure it cannot read:
            reserved = {}  # Plotly fits the margins itself, as it always could
        if not reserved:
            return built
        return {
            "data": built["data"],
            "layout": {**layout, "margin": {**(layout.get("margin") or {}), **reserved}},
        }
