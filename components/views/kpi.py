"""KPI tiles: large numbers with their currency, one colour per format, a reason for '—'."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from calculators.scenario import Format

_MARKDOWN_COLOUR = {Format.MICRO: "blue", Format.ILT: "orange"}  # set in .streamlit/config.toml


def format_label(fmt: Format, text: str = "") -> str:
    """A label with the format's name in its colour (Markdown, for tiles and captions)."""
    return f":{_MARKDOWN_COLOUR[fmt]}[**{fmt.label}**]{' ' + text if text else ''}"


@dataclass(frozen=True)
class Tile:
    """One KPI tile: a label, a value already formatted, and an optional caption."""

    label: str
    value: str
    caption: str = ""
    help: str | None = None


def kpi_row(tiles: list[Tile]) -> None:
    """Tiles side by side, bordered, each with its caption underneath."""
    for column, tile in zip(st.columns(len(tiles)), tiles, strict=True):
        with column:
            st.metric(tile.label, tile.value, help=tile.help, border=True)
            if tile.caption:
                st.caption(tile.caption)
