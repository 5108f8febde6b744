"""Margins a chart's labels will need, reserved before the browser draws it (pure, no Streamlit).

Plotly grows a chart's margins to fit its tick labels, axis titles and legend
(`automargin`), and does it by drawing the chart, measuring, and drawing it all again with
the larger margins. Streamlit draws every changed chart anew on each slider move, so every
chart on screen was drawn twice a move. A chart whose margins already hold its labels is
drawn once: measured in Chromium, 45–50 ms a chart became 20–25 ms.

`reserved_margins` predicts those margins from the chart's own labels: text widths from the
advance widths of Arial / Helvetica (Liberation Sans on Linux has the same), the tick labels
Plotly will choose (explicit ticks as given, automatic ones from the axis range), and the
gaps Streamlit's chart theme puts around them (measured). It errs a few pixels wide, never
narrow where it can help it: a margin that is still too small only costs the second drawing,
as before. A side it cannot predict (rotated category labels, a colour bar) is left to Plotly.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

# Advance widths of Arial / Helvetica, in thousandths of the font size (AFM metrics).
_WIDTHS: dict[str, int] = {
    **dict.fromkeys("0123456789$#_?", 556),
    **dict.fromkeys("abdeghnopqu", 556),
    **dict.fromkeys("ckszvxy", 500),
    **dict.fromkeys("ABEKPSVXY", 667),
    **dict.fromkeys("CDHNRUw", 722),
    **dict.fromkeys("GOQ", 778),
    **dict.fromkeys("FTZ", 611),
    **dict.fromkeys("+<=>~−×", 584),
    **dict.fromkeys("()-`r", 333),
    **dict.fromkeys(" !,./:;[\\]Ift|", 278),
    **dict.fromkeys("ijl", 222),
    "%": 889, "&": 667, "'": 191, '"': 355, "*": 389, "@": 1015, "^": 469, "{": 334, "}": 334,
    "J": 500, "L": 556, "M": 833, "W": 944, "m": 833, "€": 556, "£": 556, "·": 278, "–": 556,
    "—": 1000, "’": 222, "‘": 222, "“": 333, "”": 333, "…": 1000, "≥": 549, "≤": 549,
}  # fmt: skip
_OTHER = 600  # a character not in the table (wider than most)

# Streamlit's chart theme (1.67) draws tick labels at 12 px, axis titles at 14 px and the legend
# at 12 px unless the figure says otherwise (presentation mode does: 18 px), and puts a gap
# (`margin.pad`) of 8 px between the plot and its tick labels.
THEME_TICK, THEME_AXIS_TITLE, THEME_LEGEND = 12, 14, 12
SLACK = 3  # px added to every prediction: a few pixels wide costs nothing, narrow a redraw
# Gaps Plotly and Streamlit's theme put around labels, fitted to what Chromium drew (Liberation
# Sans; at 12 / 14 px and at presentation's 18 px), in px and px per px of font size:
# left: the pad and the y title's standoff; per px of the y title's size (its room is kept even
# when it is empty)
LEFT_GAPS, LEFT_PER_TITLE_PX = 32, 0.83
LABEL_GAP = 10.4  # between the y tick labels and the title's room
BOTTOM_GAPS, BOTTOM_PER_LINE_PX = 38.1, 1.08  # pad and standoff; per px of tick label and x title
LEGEND_GAP, LEGEND_PER_ROW_PX = 13, 1.333  # a legend below the plot
RIGHT_GAP = 10.3  # beyond half the last x tick label


def text_width(text: str, size: float) -> float:
    """Width in px of `text` (Plotly's `<br>` lines: the widest; tags dropped) at `size` px.

    >>> round(text_width("$100k", 12), 1), round(text_width("2,000", 18), 1)
    (32.7, 45.0)
    >>> text_width("a<br>abc", 10) == text_width("abc", 10), text_width("<b>1</b>", 10)
    (True, 5.56)
    """
    lines = re.split(r"<br\s*/?>", text or "")
    return (
        max(sum(_WIDTHS.get(c, _OTHER) for c in re.sub(r"<[^>]+>", "", line)) for line in lines) * size / 1000
    )


def _si(value: float) -> str:
    """d3's `~s`: 1k, 2.5M, 100."""
    a = abs(value)
    for power, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if a >= power:
            return f"{value / power:.3g}{suffix}"
    return f"{value:.3g}"


def tick_label(value: float, axis: dict[str, Any], step: float) -> str:
    """The text Plotly writes for a tick at `value` on `axis` (ticks `step` apart): its
    `tickformat` (",", "~s" or none), then `tickprefix` and `ticksuffix`; negatives with "−".

    >>> axis = {"ticksuffix": " %"}
    >>> tick_label(-20, axis, 10), tick_label(2.5, axis, 0.5), tick_label(20_000, {}, 5_000)
    ('−20 %', '2.5 %', '20k')
    >>> tick_label(2000, {"tickformat": ","}, 500), tick_label(10_000, {"tickformat": ",~s", "tickprefix": "$"}, 1)
    ('2,000', '$10k')
    """
    fmt = axis.get("tickformat") or ""
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if 0 < step < 1 else 0
    a = abs(value)
    if fmt.endswith("s"):
        body = _si(a)
    elif fmt.startswith(","):
        body = f"{a:,.{decimals}f}"
    elif a >= 1e4:
        body = _si(a)
    else:
        body = f"{a:.{decimals}f}"
    sign = "−" if value < 0 and body.strip("0.") else ""
    return f"{sign}{axis.get('tickprefix') or ''}{body}{axis.get('ticksuffix') or ''}"


def _steps(span: float) -> set[float]:
    """Plotly's automatic tick spacings (1, 2 or 5 × 10^k) for 4 to 10 ticks over `span`."""
    steps = set()
    for count in range(4, 11):
        rough = span / count
        if not rough > 0:  # a span so small (5e-324) that a tenth of it is no number: no ticks to predict
            return {0.0}
        base = 10 ** math.floor(math.log10(rough))
        steps.add(base * next(m for m in (1, 2, 5, 10) if m * base >= rough * (1 - 1e-9)))
    return steps


def _numbers(values: Any) -> np.ndarray:
    """The finite numbers of a trace's array (a list, an array, or Plotly's base64 typed array)."""
    if isinstance(values, dict) and "bdata" in values:
        values = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values.get("dtype", "f8"))
    try:
        array = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        return np.empty(0)
    return array[np.isfinite(array)]


def _is_categories(values: Any) -> bool:
    """Text among an axis' first 50 values (a long array is not copied into a list to tell)."""
    if isinstance(values, np.ndarray):
        return values.dtype.kind in "US" or (
            values.dtype.kind == "O" and any(isinstance(v, str) for v in values.ravel()[:50].tolist())
        )
    return isinstance(values, Sequence) and any(isinstance(v, str) for v in list(values[:50]))


def _data_span(
    data: Iterable[dict[str, Any]], letter: str, axis_id: str, log: bool = False
) -> tuple[float, float] | None:
    """The extent of the traces' values on an axis (log10 of the positive ones on a log axis),
    widened as Plotly's autorange may (10 %)."""
    arrays = []
    for trace in data:
        if trace.get(f"{letter}axis", letter) != axis_id:
            continue
        arrays.append(_numbers(trace.get(letter, [])))
        if trace.get("type") in {"heatmap", "contour"} and trace.get(letter) is None:
            return None
    values = np.concatenate(arrays) if arrays else np.empty(0)
    if log:
        values = np.log10(values[values > 0])
    if not values.size:
        return None
    lo, hi = float(values.min()), float(values.max())
    pad = 0.1 * (hi - lo) if hi > lo else abs(hi) * 0.1 or 1.0
    return lo - pad, hi + pad


def axis_labels(
    axis: dict[str, Any], data: Iterable[dict[str, Any]], letter: str, axis_id: str
) -> list[str] | None:
    """The tick labels Plotly may write on an axis (None: not predictable here).

    Explicit `ticktext` as given; on a number axis, every label of every automatic spacing
    Plotly may choose over its range (or its data's extent); on a log axis, its powers of ten.

    >>> axis_labels({"range": [0, 105], "ticksuffix": " %"}, [], "y", "y")[-1]
    '100 %'
    >>> axis_labels({"type": "log", "range": [0, 3.3], "tickformat": ",~s", "tickprefix": "$"}, [], "y", "y")
    ['$1', '$10', '$100', '$1k']
    >>> axis_labels({"type": "log", "range": [0.7, 4.3], "tickformat": ","}, [], "y", "y")
    ['10', '100', '1,000', '10,000']
    >>> axis_labels({"showticklabels": False}, [], "y", "y"), axis_labels({}, [{"y": ["a", "b"]}], "y", "y")
    ([], None)
    """
    if axis.get("showticklabels") is False:
        return []
    if axis.get("ticktext") is not None:
        return [str(t) for t in axis["ticktext"]]
    if any(_is_categories(t.get(letter)) for t in data if t.get(f"{letter}axis", letter) == axis_id):
        return None
    span = axis.get("range")
    kind = axis.get("type")
    if span is None or None in span:
        span = _data_span(data, letter, axis_id, log=kind == "log")
        if span is None:
            return None
        if kind != "log" and axis.get("rangemode") == "tozero":
            span = (min(span[0], 0.0), max(span[1], 0.0))
    try:
        lo, hi = sorted(float(v) for v in span)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(hi - lo) or (kind == "log" and (hi - lo > 30 or max(abs(lo), abs(hi)) > 300)):
        return None  # a range no chart here draws (10^309 is no float): Plotly's own margins
    if kind == "log":
        powers = range(math.ceil(lo - 1e-9), math.floor(hi + 1e-9) + 1)
        plain = axis.get("tickformat") is None and not axis.get("tickprefix")
        own = axis if axis.get("tickformat") else {**axis, "tickformat": "~s"}  # "," writes 10,000
        return [
            f"{10**p:d}" if plain and 0 <= p <= 3 else tick_label(10.0**p, own, min(1.0, 10.0**p))
            for p in powers
        ] or None
    if not hi > lo:
        return None
    dtick = axis.get("dtick")
    if isinstance(dtick, int | float) and dtick > 0 and (hi - lo) / dtick <= 100:
        steps = {float(dtick)}
    else:  # Plotly's own spacing (or a spacing given as text, e.g. for dates)
        steps = _steps(hi - lo)
    if min(steps) < 1e-6:  # Plotly writes such ticks with exponents: not predicted here
        return None
    labels: list[str] = []
    for step in sorted(steps):
        first = math.ceil(lo / step - 1e-9)
        last = math.floor(hi / step + 1e-9)
        labels += [tick_label(k * step, axis, step) for k in range(first, last + 1)]
    return labels


def _size(font: dict[str, Any] | None, default: float) -> float:
    """A font's size in px, or Streamlit theme's `default` when the figure sets none."""
    return float((font or {}).get("size") or default)


def reserved_margins(spec: dict[str, Any]) -> dict[str, int]:
    """The left, bottom and right margins (px) a chart's labels need, for the sides that can
    be predicted; a margin the figure already sets wider is kept.

    Left: the widest y tick label, its gap and ticks, the axis title (Streamlit's theme
    leaves room for one even when it is empty). Bottom: the x tick labels' and title's lines
    and gaps, plus the legend's row(s) when it sits below. Right: half the widest x tick
    label (the last one is centred on the plot's edge) or the figure's own right margin.

    >>> spec = {"data": [{"type": "scatter", "x": [0, 2000], "y": [0, 1]}], "layout": {
    ...     "margin": {"l": 10, "r": 28, "b": 10}, "showlegend": True, "legend": {"yref": "container"},
    ...     "xaxis": {"range": [0, 2000], "tickformat": ",", "ticks": "outside", "title": {"text": "Learners"}},
    ...     "yaxis": {"ticktext": ["$0", "$50k", "$100k"], "title": {"text": "Total cost (USD)"}}}}
    >>> reserved_margins(spec)
    {'l': 91, 'b': 104, 'r': 29}
    """
    layout, data = spec.get("layout", {}), spec.get("data", [])
    margin = layout.get("margin") or {}
    kinds = {t.get("type", "scatter") for t in data}
    legend = layout.get("legend") or {}
    legend_rows = 0.0
    if layout.get("showlegend") and legend.get("yref") == "container":  # one row (two with a title)
        rows = 2 if (legend.get("title") or {}).get("text") else 1
        legend_rows = LEGEND_GAP + rows * LEGEND_PER_ROW_PX * _size(legend.get("font"), THEME_LEGEND)
    if kinds == {"scatterpolar"}:  # a radar: only its legend below needs room
        return {"b": max(int(margin.get("b", 0)), math.ceil(legend_rows + SLACK))} if legend_rows else {}
    if not kinds <= {"scatter", "bar", "histogram", "heatmap", "contour", "waterfall"} or any(
        k.startswith(("xaxis", "yaxis")) and k not in {"xaxis", "yaxis"} for k in layout
    ):
        return {}  # several axes: Plotly's own margins
    x, y = layout.get("xaxis") or {}, layout.get("yaxis") or {}
    # Plotly gives the axes of a heat map or contour ticks outside unless told otherwise
    outside = "outside" if kinds & {"heatmap", "contour"} else ""
    # a colour bar stands right of the plot at a share of its width: not predictable here
    colour_bar = any(
        t.get("type") in {"heatmap", "contour"} and t.get("showscale") is not False for t in data
    )
    out: dict[str, int] = {}

    y_labels = axis_labels(y, data, "y", "y")
    if y_labels is not None and y.get("side", "left") == "left":
        left = LEFT_GAPS + LEFT_PER_TITLE_PX * _size((y.get("title") or {}).get("font"), THEME_AXIS_TITLE)
        if y_labels:
            widest = max(text_width(t, _size(y.get("tickfont"), THEME_TICK)) for t in y_labels)
            left += widest + LABEL_GAP + _tick_length(y, outside)
        out["l"] = max(int(margin.get("l", 0)), math.ceil(left + SLACK + 1))

    x_labels = axis_labels(x, data, "x", "x")
    if x_labels is not None and x.get("side", "bottom") == "bottom" and not x.get("tickangle"):
        lines = (_size(x.get("tickfont"), THEME_TICK) if x_labels else 0) + _size(
            (x.get("title") or {}).get("font"), THEME_AXIS_TITLE
        )
        bottom = BOTTOM_GAPS + _tick_length(x, outside) + BOTTOM_PER_LINE_PX * lines + legend_rows
        out["b"] = max(int(margin.get("b", 0)), math.ceil(bottom + SLACK))
        if not colour_bar:  # the last tick label is centred on the plot's right edge
            half = max((text_width(t, _size(x.get("tickfont"), THEME_TICK)) for t in x_labels), default=0) / 2
            out["r"] = max(int(margin.get("r", 0)), math.ceil(half + RIGHT_GAP + SLACK))
    return out


def _tick_length(axis: dict[str, Any], default: str) -> float:
    return float(axis.get("ticklen") or 5) if axis.get("ticks", default) == "outside" else 0.0
