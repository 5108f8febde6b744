"""One look everywhere: a colour per format, fonts, and the chart frame (pure, no Streamlit).

Colours are the Okabe-Ito colour-blind-safe palette; every chart, tile and legend takes
a format's colour from `FORMAT_COLOURS` and nowhere else, and no other series or mark
reuses a format's colour (a green line that is not the blend would read as the blend).

One vocabulary on every chart: the user's own position ("Your 1,000 learners", "Your mix")
is a grey dotted line, a point that matters (break-even, the best mix, a percentile) is
ink; their labels sit in rows above the plot (`mark_label`), never over the data. Titles
and subtitles are wrapped (`wrap`) so they read on a 390 px phone; legends sit below the
plot (`LEGEND_BELOW`).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import plotly.graph_objects as go

from calculators.roi import Option
from calculators.scenario import Format
from components.charts.margins import text_width
from components.charts.spec import Chart, merge, scatter

FORMAT_COLOURS: dict[Format, str] = {
    Format.MICRO: "#0072B2",  # blue
    Format.ILT: "#D55E00",  # vermillion
}
BLENDED_COLOUR = "#009E73"  # bluish green: the blended model
OPTION_COLOURS: dict[Option, str] = {
    Option.MICRO: FORMAT_COLOURS[Format.MICRO],
    Option.ILT: FORMAT_COLOURS[Format.ILT],
    Option.BLEND: BLENDED_COLOUR,
}
BENEFITS_COLOUR = "#CC79A7"  # Okabe-Ito reddish purple: money in, a series that is no option
INK = "#1F2933"
MUTED = "#6B7280"  # 4.8:1 on white: secondary text, "your" marks
AXIS_TEXT = "#4B5563"  # 7.6:1 on white: tick labels and axis titles (UI.md asks for at least 4.5:1)
GRID = "#E5E7EB"
FONT = "Inter, 'Source Sans 3', 'Segoe UI', Helvetica, Arial, sans-serif"

TITLE_SIZE, SUBTITLE_SIZE, MARK_SIZE = 18, 13, 12  # px
# Characters per line: an 18 px bold title of 42 characters is ~340 px wide, a 13 px subtitle of
# 56 characters ~345 px: both fit the ~358 px a chart gets on a 390 px phone.
TITLE_WRAP, SUBTITLE_WRAP = 42, 56
LINE_HEIGHT = 1.3  # a text line's height per px of font size, as Plotly sets multi-line text
LEGEND_BELOW = {
    "orientation": "h",
    "yref": "container",  # below the axis title, whatever the plot's height; reserves its own margin
    "y": 0,
    "yanchor": "bottom",
    "x": 0,
    "xanchor": "left",
}
HOUSE_LAYOUT = {
    "font": {"family": FONT, "size": 13, "color": INK},
    "plot_bgcolor": "white",
    "paper_bgcolor": "white",
    "margin": {"l": 10, "r": 28, "b": 10},
    "hovermode": "x unified",
}
# Plotly's default for a number axis, "hide past div", measures every tick label against the
# page (a forced layout: ~40 ms a slider move on the Costs page); the margins grow to fit the
# labels (automargin), so none passes the chart's edge and nothing needs hiding.
_AXIS_TEXT = {
    "tickfont": {"color": AXIS_TEXT},
    "title": {"font": {"color": AXIS_TEXT}},
    "ticklabeloverflow": "allow",
}
HOUSE_XAXIS = {"showgrid": False, "linecolor": MUTED, "ticks": "outside", "zeroline": False, **_AXIS_TEXT}
HOUSE_YAXIS = {"gridcolor": GRID, "linecolor": MUTED, "zeroline": False, **_AXIS_TEXT}
_MARK_ROW = "mark-row-"  # annotation name prefix of a label in a row above the plot
_BODY = "body_height"  # layout.meta key: the figure's height below the top margin, px
_USUAL_TOP = 90  # px: the top margin of a one-line title with a one-line subtitle


def wrap(text: str, width: int) -> str:
    """`text` broken into lines of at most `width` characters at spaces, joined by Plotly's `<br>`.

    Existing `<br>` breaks are kept; a word longer than `width` breaks after its hyphens, or
    else gets a line of its own; a percent or points after a number ("12 %", "5 points")
    is never split from it.

    >>> wrap("Microlearning pays back in month 31 (discounted); instructor-led does not", 42)
    'Microlearning pays back in month 31<br>(discounted); instructor-led does not'
    >>> wrap("puts 0 % of learners", 6), wrap("Behavioural-change depth", 14)
    ('puts<br>0 % of<br>learners', 'Behavioural-<br>change depth')
    >>> wrap("Short title", 42), wrap("", 10)
    ('Short title', '')
    """
    lines: list[str] = []
    for paragraph in re.split(r"<br\s*/?>", text):
        words: list[str] = []
        for word in paragraph.split():
            if words and re.match(r"%|points?\b", word) and re.search(r"\d$", words[-1]):
                words[-1] += " " + word  # "0 %" stays together
            elif len(word) > width and "-" in word.strip("-"):
                words += re.findall(r"[^-]+-*|-+", word)  # "Behavioural-", "change"
            else:
                words.append(word)
        line = ""
        for word in words:
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line}{'' if line.endswith('-') else ' '}{word}" if line else word
        lines.append(line)
    return "<br>".join(lines)


def unwrap(text: str) -> str:
    """The text of a wrapped title on one line (for re-wrapping at another width, and for tests).

    >>> unwrap("Microlearning pays back<br>in month 31"), unwrap("Behavioural-<br>change depth")
    ('Microlearning pays back in month 31', 'Behavioural-change depth')
    """
    joined = re.sub(r"-\s*<br\s*/?>\s*", "-", text or "")
    return re.sub(r"\s*<br\s*/?>\s*", " ", joined).strip()


def line_count(text: str | None) -> int:
    """How many lines a Plotly text shows (0 for none).

    >>> line_count("a<br>b"), line_count(""), line_count(None)
    (2, 0, 0)
    """
    return len(re.split(r"<br\s*/?>", text)) if text else 0


def contrast_ratio(foreground: str, background: str = "#FFFFFF") -> float:
    """WCAG 2 contrast ratio of two `#RRGGBB` colours (1 to 21; text needs 4.5).

    >>> round(contrast_ratio("#6B7280"), 2), round(contrast_ratio(AXIS_TEXT), 2), contrast_ratio("#000000")
    (4.83, 7.56, 21.0)
    """

    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _chart(fig: go.Figure | Chart) -> Chart:
    return fig if isinstance(fig, Chart) else Chart.from_figure(fig)


def mark_rows(fig: go.Figure | Chart) -> int:
    """How many rows of mark labels sit above the plot."""
    rows = [
        int(name[len(_MARK_ROW) :])
        for a in _chart(fig).layout.get("annotations", [])
        if (name := a.get("name") or "").startswith(_MARK_ROW)
    ]
    return max(rows) + 1 if rows else 0


def fit_top_margin(
    fig: Chart, *, title_size: float = TITLE_SIZE, subtitle_size: float = SUBTITLE_SIZE,
    mark_size: float = MARK_SIZE,
) -> None:  # fmt: skip
    """Make the top margin as tall as the title's and subtitle's lines plus the rows of mark labels.

    The title hangs from the top of the figure (`frame`), the subtitle below it; mark labels
    (`mark_label`) stand on the plot's top edge, one row above another.
    """
    layout = fig.layout
    title = layout.get("title", {})
    title_lines = line_count(title.get("text"))
    subtitle_lines = line_count(title.get("subtitle", {}).get("text"))
    # Plotly lifts a multi-line title by about 0.7 em above its anchor: push it down as much.
    pad = 12 + (math.ceil(0.7 * title_size) if title_lines > 1 else 0)
    height = pad + 2 + LINE_HEIGHT * (title_size * title_lines + subtitle_size * subtitle_lines)
    height += 10 if subtitle_lines else 0  # Plotly's gap between title and subtitle
    rows = mark_rows(fig)
    height += 12 + rows * LINE_HEIGHT * mark_size if rows else 12
    fig.update_layout(title_pad={"t": pad, "l": 4}, margin_t=math.ceil(height))
    meta = layout.get("meta")
    body = meta.get(_BODY) if isinstance(meta, dict) else None
    if body:  # the plot keeps its height: the figure grows with its title's lines
        layout["height"] = body + math.ceil(height)
    for a in layout.get("annotations", []):
        if (name := a.get("name") or "").startswith(_MARK_ROW):
            a["yshift"] = int(name[len(_MARK_ROW) :]) * LINE_HEIGHT * mark_size


PHONE_PLOT_WIDTH = 240  # px: the plot's width in a chart on a 390 px phone, the narrowest it is drawn
_LABEL_GAP = 6  # px: the least room between two labels in a row, or between a label and another mark
_SHIFT = {"left": 3, "center": 0, "right": -3}  # px from its mark to a label anchored by that side


def label_places(shares: list[float], widths: list[float]) -> list[tuple[int, str]]:
    """A row and an anchor per mark label: where the label starts ("left"), centres ("center")
    or ends ("right") at its mark.

    `shares` are the marks' places across the plot (0 its left edge, 1 its right), `widths`
    their labels' widths in the same share (gaps included). Two labels in a row never overlap;
    a label passing over another mark stands in a higher row than that mark's own label, so no
    mark runs into another's label on its way up; each label stays within the plot and reads
    away from the nearer edge where it can (starts at its mark in the left half, ends there in
    the right). Of the places that do all that, the fewest rows. Where not all can be met, a
    label leaving the plot is avoided first, then a label passing over another mark.

    >>> label_places([0.1, 0.5, 0.9], [0.2, 0.2, 0.2])  # far apart: one row
    [(0, 'left'), (0, 'left'), (0, 'right')]
    >>> label_places([0.27, 0.47, 0.76], [0.31, 0.31, 0.35])  # close: P50's label above P90's
    [(0, 'center'), (1, 'left'), (0, 'center')]
    """
    n = len(shares)
    if n == 0:
        return []
    rows, anchors = _placings(n)  # every row and anchor for each label, one placing a row
    s, w = np.asarray(shares, dtype=float), np.asarray(widths, dtype=float)
    lo = s - w * _BEFORE[anchors]  # each label's span across the plot
    hi = s + w * _AFTER[anchors]
    i, j = np.triu_indices(n, 1)
    overlap = ((rows[:, i] == rows[:, j]) & (lo[:, i] < hi[:, j]) & (lo[:, j] < hi[:, i])).any(axis=1)
    outside = np.round((np.maximum(0.0, -lo) + np.maximum(0.0, hi - 1)).sum(axis=1), 9)
    a, b = np.nonzero(~np.eye(n, dtype=bool))  # every ordered pair of different labels
    crossings = ((lo[:, a] < s[b]) & (s[b] < hi[:, a]) & (rows[:, a] <= rows[:, b])).sum(axis=1)
    usual = np.where(s > 0.5, 2, 0)  # anchors: 0 left, 1 center, 2 right
    # centred on its mark costs 1, reading towards the nearer edge 2
    unusual = ((anchors != usual).astype(np.int64) + ((anchors != 1) & (anchors != usual))).sum(axis=1)
    # the fewest by (outside, crossings, highest row, unusual, rows used, rows from the last),
    # the first placing of equals (np.lexsort is stable; its last key sorts first)
    keys = [rows[:, k] for k in range(n)] + [rows.sum(axis=1), unusual, rows.max(axis=1), crossings, outside]
    allowed = np.flatnonzero(~overlap)  # never empty: each label in a row of its own overlaps none
    best = allowed[np.lexsort([k[allowed] for k in keys])[0]]
    return [(int(r), _ANCHORS[int(c)]) for r, c in zip(rows[best], anchors[best], strict=True)]


_ANCHORS = ("left", "center", "right")
_BEFORE = np.array([0.0, 0.5, 1.0])  # share of a label's width before its mark, by anchor
_AFTER = np.array([1.0, 0.5, 0.0])  # … after it


@lru_cache(maxsize=8)
def _placings(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Every placing of `n` labels, in the order rows then anchors vary (the last label
    fastest): each label's row (0 … n − 1) and anchor (0 left, 1 center, 2 right)."""
    rows = np.array(list(itertools.product(range(n), repeat=n)), dtype=np.int64).reshape(-1, n)
    anchors = np.array(list(itertools.product(range(3), repeat=n)), dtype=np.int64).reshape(-1, n)
    return np.repeat(rows, len(anchors), axis=0), np.tile(anchors, (len(rows), 1))


def mark_percentiles(
    fig: Chart, values: tuple[float, float, float], text: Callable[[float], str], lo: float, hi: float,
    plot_width: float = PHONE_PLOT_WIDTH,
) -> None:  # fmt: skip
    """P10, P50 and P90 as dotted lines (P50 heavier), each labelled "P10 <text(value)>" in a row
    above the plot; `lo`..`hi` is the x range. Rows and anchors come from `label_places`, for
    labels as wide as they are on a plot `plot_width` px wide (a phone's by default, the
    narrowest): close marks' labels go to different rows, none overlaps another, and none
    passes over another mark below that mark's own label. A value that is not finite is left out."""
    span = hi - lo or 1.0
    marks = [(v, f"{name} {text(v)}") for v, name in zip(values, ("P10", "P50", "P90"), strict=True)]
    marks = [(v, label) for v, label in marks if math.isfinite(v)]
    widths = [(text_width(label, MARK_SIZE) + _SHIFT["left"] + _LABEL_GAP) / plot_width for _, label in marks]
    places = label_places([(v - lo) / span for v, _ in marks], widths)
    for (value, label), (row, anchor) in zip(marks, places, strict=True):
        heavy = label.startswith("P50")
        fig.add_vline(x=value, line={"color": INK, "width": 1.5 if heavy else 1, "dash": "dot"})
        mark_label(fig, value, label, row=row, anchor=anchor)


def mark_label(
    fig: Chart, x: float, text: str, *, row: int = 0, colour: str = INK, right_half: bool = False,
    anchor: str | None = None,
) -> None:  # fmt: skip
    """Label a vertical mark in a row above the plot (row 0 on the plot's top edge), never over the data.

    `x` is in axis units (the log10 on a log axis). In the right half of the plot
    (`right_half`), the label ends at the mark instead of starting there, so it stays inside;
    `anchor` ("left", "center", "right": the label's side at the mark) overrides that.
    """
    side = anchor or ("right" if right_half else "left")
    fig.add_annotation(
        x=x, y=1, yref="paper", yanchor="bottom", text=text, showarrow=False, name=f"{_MARK_ROW}{row}",
        xanchor=side, xshift=_SHIFT[side], font={"color": colour, "size": MARK_SIZE},
    )  # fmt: skip
    fit_top_margin(fig)


def frame(
    fig: Chart, title: str, *, x_title: str, y_title: str, subtitle: str = "", height: int = 420,
    legend: bool = False,
) -> Chart:  # fmt: skip
    """Apply the house frame: message title (and subtitle) wrapped for a phone, labelled axes in
    readable grey, light grid; with `legend`, a horizontal legend below the plot.

    The house style is merged into the figure's layout as data (`HOUSE_LAYOUT`), not as a
    registered Plotly template: Streamlit's chart theme, drawn over every figure in the
    browser, replaces a template's values but keeps the layout's own.
    """
    fig.update_layout(
        HOUSE_LAYOUT,
        title={
            "text": wrap(title, TITLE_WRAP),
            "subtitle": {
                "text": wrap(subtitle, SUBTITLE_WRAP),
                "font": {"size": SUBTITLE_SIZE, "color": MUTED},
            },
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "font": {"size": TITLE_SIZE, "color": INK},
        },
        height=height,
        meta={_BODY: height - _USUAL_TOP},  # `height` is met with a one-line title and subtitle
        showlegend=legend,
    )
    if legend:
        fig.update_layout(legend=LEGEND_BELOW)
    fig.update_xaxes(title_text=x_title, **HOUSE_XAXIS)
    fig.update_yaxes(title_text=y_title, **HOUSE_YAXIS)
    fit_top_margin(fig)
    return fig


def ring_marker(fig: Chart, x: float, y: float, colour: str, name: str, hover: str) -> None:
    """An open ring marking one point that matters (a break-even, a payback month)."""
    fig.add_trace(
        scatter(
            x=[x], y=[y], mode="markers", showlegend=False, name=name,
            marker={"size": 11, "color": "white", "line": {"color": colour, "width": 2.5}},
            hovertemplate=f"{hover}<extra></extra>",
        )
    )  # fmt: skip


def _nice_step(span: float, target: int = 5) -> float:
    raw = span / max(target, 1)
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def money_tick_text(value: float, symbol: str, step: float) -> str:
    """A money tick: the sign before the currency, thousands as k and millions as M.

    >>> money_tick_text(-20_000, "$", 10_000), money_tick_text(1_500_000, "€", 500_000), money_tick_text(0, "$", 5)
    ('−$20k', '€1.5M', '$0')
    """
    sign = "−" if value < 0 else ""
    a = abs(value)
    if step >= 100_000 and a >= 1_000_000:
        body = f"{a / 1_000_000:,.4g}M"
    elif step >= 100 and a >= 1_000:
        body = f"{a / 1_000:,.4g}k"
    else:
        body = f"{a:,.4g}"
    return f"{sign}{symbol}{body}"


def money_ticks(fig: Chart, symbol: str, axis: str = "y", values: list[float] | None = None) -> None:
    """Explicit money ticks over the data (or `values`), so negatives read '−$10k', not '$−10k';
    the axis runs from the first to the last tick, so no line ends beyond the last label.

    >>> fig = Chart(scatter(y=[-55_000, 5_000]))
    >>> money_ticks(fig, "$")
    >>> fig.layout["yaxis"]["range"], fig.layout["yaxis"]["ticktext"][0]
    ([-60000.0, 20000.0], '−$60k')
    """

    if values is None:
        arrays = [np.asarray(t[axis], dtype=float).ravel() for t in fig.data if t.get(axis) is not None]
        data = np.concatenate(arrays) if arrays else np.empty(0)
    else:
        data = np.asarray(values, dtype=float)
    data = data[np.isfinite(data)]
    if not data.size:
        return
    lo, hi = min(float(data.min()), 0.0), max(float(data.max()), 0.0)
    if hi - lo <= 0:
        return
    step = _nice_step(hi - lo)
    ticks = np.arange(math.floor(lo / step) * step, math.ceil(hi / step) * step + step / 2, step)
    update = {
        "range": [float(ticks[0]), float(ticks[-1])],  # the axis ends on labelled ticks, past every point
        "tickvals": ticks.tolist(),
        "ticktext": [money_tick_text(t, symbol.strip(), step) for t in ticks],
    }
    (fig.update_yaxes if axis == "y" else fig.update_xaxes)(tickprefix="", tickformat="", **update)


PRESENT_TITLE_WRAP, PRESENT_SUBTITLE_WRAP = 90, 130  # characters: a presenting screen is wide (1920 px)
PRESENT_SIZES = {"title": 28, "subtitle": 19, "text": 18, "axis": 18, "mark": 18}  # px; axis text ≥ 16


def present_wraps(width: int | None) -> tuple[int, int]:
    """Characters per title and subtitle line at presentation size in a picture `width` px wide
    (None: a presenting screen). A bold 28 px character is ~0.6 × 28 px wide on average, a
    19 px one ~0.55 × 19; the text keeps 8 % of the width free.

    >>> present_wraps(None), present_wraps(1600), present_wraps(1024)
    ((90, 130), (87, 130), (56, 90))
    """
    if width is None:
        return PRESENT_TITLE_WRAP, PRESENT_SUBTITLE_WRAP
    room = 0.92 * width
    title = int(room / (0.6 * PRESENT_SIZES["title"]))
    subtitle = int(room / (0.55 * PRESENT_SIZES["subtitle"]))
    return min(PRESENT_TITLE_WRAP, title), min(PRESENT_SUBTITLE_WRAP, subtitle)


def presentation_overlay(
    fig: go.Figure | Chart, height: int = 600, width: int | None = None
) -> go.Figure | Chart:
    """Room-sized type for presentation mode (UI.md: axis text ≥ 16 px at ≥ 4.5:1 contrast).

    At least `height` px tall (a taller figure keeps its height); larger title, subtitle,
    ticks, axis titles, legend, annotations and text on traces;
    ticks and axis titles in `AXIS_TEXT`; titles re-wrapped for a wide screen; the top
    margin refitted to the larger lines. With `width` (a picture's, px) the titles are
    wrapped to fit it (`present_wraps`). A `Chart` is changed in place and returned; a
    `go.Figure` is left alone and a restyled copy returned.

    >>> fig = presentation_overlay(frame(Chart(), "A title", x_title="Learners", y_title="Cost"))
    >>> fig.layout["xaxis"]["tickfont"]["size"], fig.layout["yaxis"]["title"]["font"]["color"] == AXIS_TEXT
    (18, True)
    >>> fig.layout["title"]["font"]["size"]
    28
    """
    if not isinstance(fig, Chart):
        return presentation_overlay(Chart.from_figure(fig), height, width).figure()
    size = PRESENT_SIZES
    title_wrap, subtitle_wrap = present_wraps(width)
    layout = fig.layout
    title = layout.get("title", {})
    meta = layout.get("meta")
    body = meta.get(_BODY, 0) if isinstance(meta, dict) else 0
    if body:
        layout["meta"] = {**meta, _BODY: max(body, height - _USUAL_TOP)}
    fig.update_layout(
        height=max(layout.get("height") or 0, height),
        font={"size": size["text"]},
        title={
            "text": wrap(unwrap(title.get("text") or ""), title_wrap),
            "font": {"size": size["title"]},
        },
        legend={"font": {"size": size["text"]}},
        hoverlabel={"font": {"size": size["text"]}},
    )
    subtitle = title.get("subtitle", {}).get("text")
    if subtitle:
        fig.update_layout(
            title_subtitle={
                "text": wrap(unwrap(subtitle), subtitle_wrap),
                "font": {"size": size["subtitle"]},
            }
        )
    axis = {
        "tickfont": {"size": size["axis"], "color": AXIS_TEXT},
        "title": {"font": {"size": size["axis"], "color": AXIS_TEXT}},
    }
    fig.update_xaxes(**axis)
    fig.update_yaxes(**axis)
    fig.update_polars(
        radialaxis_tickfont={"size": size["axis"] - 2, "color": AXIS_TEXT},
        angularaxis_tickfont={"size": size["axis"], "color": INK},
    )
    fig.update_annotations(font_size=size["mark"])
    for trace in fig.data:
        merge(trace, {"textfont": {"size": size["text"]}})  # every trace type drawn here has text
        if trace.get("type") in {"contour", "heatmap"} and trace.get("showscale") is not False:
            merge(trace, {"colorbar": {"tickfont": {"size": size["axis"], "color": AXIS_TEXT},
                                       "title": {"font": {"size": size["axis"], "color": AXIS_TEXT}}}})  # fmt: skip
    fit_top_margin(fig, title_size=size["title"], subtitle_size=size["subtitle"], mark_size=size["mark"])
    layout["height"] = max(layout["height"], height)
    return fig
