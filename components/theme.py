"""One look everywhere: a colour per format, fonts, and the chart frame (pure, no Streamlit).

Colours are the Okabe-Ito colour-blind-safe palette; every chart, tile and legend takes
a format's colour from `FORMAT_COLOURS` and nowhere else.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

from calculators.roi import Option
from calculators.scenario import Format

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
INK = "#1F2933"
MUTED = "#6B7280"
GRID = "#E5E7EB"
FONT = "Inter, 'Source Sans 3', 'Segoe UI', Helvetica, Arial, sans-serif"


def frame(
    fig: go.Figure, title: str, *, x_title: str, y_title: str, subtitle: str = "", height: int = 420
) -> go.Figure:
    """Apply the house frame: message title (and subtitle), labelled axes, light grid, legend on top."""
    fig.update_layout(
        title={
            "text": title,
            "subtitle": {"text": subtitle, "font": {"size": 13, "color": MUTED}},
            "x": 0,
            "xanchor": "left",
            "font": {"size": 18, "color": INK},
        },
        font={"family": FONT, "size": 13, "color": INK},
        plot_bgcolor="white",
        paper_bgcolor="white",
        height=height,
        margin={"l": 10, "r": 120, "t": 90, "b": 10},
        showlegend=False,  # lines are labelled at their ends (see `label_line_ends`)
        hovermode="x unified",
    )
    fig.update_xaxes(title_text=x_title, showgrid=False, linecolor=MUTED, ticks="outside", zeroline=False)
    fig.update_yaxes(title_text=y_title, gridcolor=GRID, linecolor=MUTED, zeroline=False)
    return fig


def label_line_ends(fig: go.Figure, ends: dict[Format, tuple[float, float]], *, log_y: bool = False) -> None:
    """Name each format at the right end of its line, in its colour (direct labels, no legend).

    Labels closer than a twentieth of the value range are pushed apart vertically.
    """

    def scale(y: float) -> float:
        return math.log10(max(y, 1e-9)) if log_y else y

    ys = [scale(y) for _, y in ends.values()]
    spread = (max(ys) - min(ys)) if len(ys) > 1 else 0.0
    span = max(abs(v) for v in ys) or 1.0
    close = spread < span / 20
    order = sorted(ends, key=lambda f: ends[f][1])
    for rank, fmt in enumerate(order):
        x, y = ends[fmt]
        shift = (rank - (len(order) - 1) / 2) * 18 if close else 0
        fig.add_annotation(
            x=math.log10(x) if fig.layout.xaxis.type == "log" else x,
            y=scale(y),
            text=f"<b>{fmt.label}</b>",
            showarrow=False,
            xanchor="left",
            xshift=6,
            yshift=shift,
            font={"color": FORMAT_COLOURS[fmt], "size": 13},
        )


def ring_marker(fig: go.Figure, x: float, y: float, colour: str, name: str, hover: str) -> None:
    """An open ring marking one point that matters (a break-even, a payback month)."""
    fig.add_trace(
        go.Scatter(
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


def money_ticks(fig: go.Figure, symbol: str, axis: str = "y", values: list[float] | None = None) -> None:
    """Explicit money ticks over the data (or `values`), so negatives read '−$10k', not '$−10k';
    the axis runs from the first to the last tick, so no line ends beyond the last label.

    >>> fig = go.Figure(go.Scatter(y=[-55_000, 5_000]))
    >>> money_ticks(fig, "$")
    >>> fig.layout.yaxis.range, fig.layout.yaxis.ticktext[0]
    ((-60000.0, 20000.0), '−$60k')
    """
    import numpy as np

    data = list(values or [])
    if values is None:
        for trace in fig.data:
            raw = getattr(trace, axis, None)
            if raw is not None:
                data.extend(float(v) for v in np.asarray(raw, dtype=float).ravel() if np.isfinite(v))
    if not data:
        return
    lo, hi = min(min(data), 0.0), max(max(data), 0.0)
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
