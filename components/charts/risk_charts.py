"""Figure builders for the Risk pages: tornado, Monte Carlo histogram, frontier, goal seek."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from calculators.roi import Option
from calculators.scenario import INPUTS, input_title
from calculators.sensitivity import TornadoBar
from calculators.simulation import Summary
from calculators.summary import nice_ceiling
from components.charts.chart_data import table_hint
from components.charts.spec import Chart, bar, contour, heatmap, scatter
from components.charts.theme import (
    GRID,
    INK,
    MARK_SIZE,
    MUTED,
    OPTION_COLOURS,
    frame,
    mark_label,
    mark_percentiles,
    money_ticks,
    wrap,
)
from components.words.formatting import currency_symbol, input_value, money, percent

# Gain and loss in colours that no format uses (format colours: components/charts/theme.py).
LOSS_COLOUR, EVEN_COLOUR, GAIN_COLOUR = "#6B6B6B", "#FFFFFF", "#5E3C99"
GAIN_LOSS = [[0.0, LOSS_COLOUR], [0.5, EVEN_COLOUR], [1.0, GAIN_COLOUR]]


# An empty short line under a colour bar's title: Plotly starts the bar 5 px below the title, so
# a tick label at the bar's top end (half of it above the bar) touched the title.
COLOUR_BAR_GAP = "<br><span style='font-size:8px'>&nbsp;</span>"


def colour_end(values: np.ndarray) -> float:
    """How far one side of the colour scale reaches (gains, or losses as positive amounts): to the
    largest value, or, where the largest 5 % reach far beyond the rest, to a round number at or
    above the 95th percentile (the deepest colour then stands for that value and more).

    >>> colour_end(np.array([10.0, 200.0, 890.0, 4_800.0]))
    4800.0
    >>> colour_end(np.r_[np.linspace(10, 3_000, 95), np.linspace(9_000, 14_000, 5)])
    5000.0
    >>> colour_end(np.array([]))
    0.0
    """
    if not values.size:
        return 0.0
    return float(min(values.max(), nice_ceiling(float(np.quantile(values, 0.95)))))


def gain_loss_colours(z: np.ndarray) -> tuple[float, float, list[list[float | str]]]:
    """The colour range of a grid of results (`zmin`, `zmax`, colour scale), from the grid itself:
    white at 0 (break-even) wherever 0 falls in the range; losses shade to grey as deep as the
    grid's deepest losses, gains to purple as high as its highest gains (`colour_end`: a few far
    values do not pale all the others). A grid with no loss starts at 0 (white), one with no
    gain ends there.

    >>> lo, hi, scale = gain_loss_colours(np.array([[-100.0, 0.0], [300.0, 900.0]]))
    >>> lo, hi, [round(p, 2) for p, _ in scale]
    (-100.0, 900.0, [0.0, 0.1, 1.0])
    >>> gain_loss_colours(np.array([250.0, 1_800.0, np.inf]))
    (0.0, 1800.0, [[0.0, '#FFFFFF'], [1.0, '#5E3C99']])
    >>> gain_loss_colours(np.array([-20.0, -5.0]))[:2], gain_loss_colours(np.array([np.nan]))[:2]
    ((-20.0, 0.0), (-1.0, 1.0))
    """
    finite = np.asarray(z, dtype=float)
    finite = finite[np.isfinite(finite)]
    lo, hi = 0.0 - colour_end(-finite[finite < 0]), colour_end(finite[finite > 0])
    if lo == hi:  # all break-even, or nothing: a symmetric scale around it
        return -1.0, 1.0, GAIN_LOSS
    if lo == 0:
        return lo, hi, [[0.0, EVEN_COLOUR], [1.0, GAIN_COLOUR]]
    if hi == 0:
        return lo, hi, [[0.0, LOSS_COLOUR], [1.0, EVEN_COLOUR]]
    return lo, hi, [[0.0, LOSS_COLOUR], [-lo / (hi - lo), EVEN_COLOUR], [1.0, GAIN_COLOUR]]


def focus_range(field: str, *values: float | None) -> tuple[float, float]:
    """The part of an input's range worth drawing: all of a bounded share, else up to ~3× the values shown.

    >>> focus_range("learners", 1000, 760), focus_range("micro_retention_pct", 75)
    ((1.0, 5000.0), (1.0, 100.0))
    """
    spec = INPUTS[field]
    assert spec.minimum is not None and spec.maximum is not None
    lo, hi = float(spec.minimum), float(spec.maximum)
    if spec.unit == "%" or hi - lo <= 100:
        return lo, hi
    shown = [abs(v) for v in values if v is not None and math.isfinite(v)]
    top = max(shown, default=0.0)
    return lo, float(min(hi, max(nice_ceiling(3 * top), lo + 10)))


def metric_text(value: float | None, metric: str, currency: str) -> str:
    """A result in its unit: ROI in percent, NPV in money ('—' when none).

    >>> metric_text(12.345, "ROI", "USD"), metric_text(-2500, "NPV", "EUR"), metric_text(None, "ROI", "USD")
    ('12.3 %', '−€2,500', '—')
    """
    if value is None or not math.isfinite(value):
        return "—"
    return percent(value) if metric == "ROI" else money(value, currency)


def input_text(field: str, value: float, currency: str) -> str:
    """An input value in its unit, for labels: `components.words.formatting.input_value`, the one formatter.

    >>> input_text("micro_fixed_cost", 19500, "USD"), input_text("micro_retention_pct", 48.75, "USD")
    ('$19,500', '48.8 %')
    >>> input_text("micro_seat_hours", 0.08125, "USD")
    '4.88 min'
    """
    return input_value(field, value, currency)


def end_labels(bar: TornadoBar, currency: str) -> tuple[str, str]:
    """The input values to write at the left (lower result) and right (higher result) end of a bar.

    The input end that gives the lower result goes left: a higher cost lowers ROI, so its
    high value sits at the left end.

    >>> bar = TornadoBar("micro_fixed_cost", "Cost", 19_500, 40_500, -2.0, 89.0, 89.0, -2.0)
    >>> end_labels(bar, "USD")
    ('$40,500', '$19,500')
    """
    low_text = input_text(bar.field, bar.low_input, currency)
    high_text = input_text(bar.field, bar.high_input, currency)
    if bar.result_at_high_input < bar.result_at_low_input:
        return high_text, low_text
    return low_text, high_text


TORNADO_ROW = 58  # px per bar: the bar, and its input's name on the line above it
TORNADO_LABEL_WRAP = 50  # characters: the longest input name (46) stays on one line


def tornado_figure(
    base: float, bars: Sequence[TornadoBar], metric: str, option: Option, currency: str, top: int = 12
) -> go.Figure:
    """Horizontal bars of the swing per input, largest on top, the base result as a line.

    Each input's name stands above its bar, across the whole width, so long names never
    squeeze the plot on a phone. Each bar carries the input value at each end, written
    beside the end where that value puts the result (traces "Input at left end" and
    "Input at right end").
    """
    shown = bars[:top][::-1]
    fig = Chart()
    colour = OPTION_COLOURS[option]
    fig.add_trace(
        bar(
            y=[b.label for b in shown],
            x=[b.high_result - b.low_result for b in shown],
            base=[b.low_result for b in shown],
            orientation="h",
            width=0.42,
            marker={"color": colour, "opacity": 0.85},
            customdata=[
                [
                    input_text(b.field, b.low_input, currency),
                    input_text(b.field, b.high_input, currency),
                    metric_text(b.result_at_low_input, metric, currency),
                    metric_text(b.result_at_high_input, metric, currency),
                ]
                for b in shown
            ],  # fmt: skip
            hovertemplate="%{y}<br>at %{customdata[0]}: "
            + f"{metric} %{{customdata[2]}}<br>at %{{customdata[1]}}: {metric} %{{customdata[3]}}<extra></extra>",
            name=option.label,
        )
    )
    labels = [end_labels(b, currency) for b in shown]
    for side, x, position, text in (
        ("left", [b.low_result for b in shown], "middle left", [f"{left} " for left, _ in labels]),
        ("right", [b.high_result for b in shown], "middle right", [f" {right}" for _, right in labels]),
    ):
        fig.add_trace(
            scatter(
                x=x, y=[b.label for b in shown], mode="text", text=text, textposition=position,
                textfont={"color": INK}, cliponaxis=False, hoverinfo="skip", showlegend=False,
                name=f"Input at {side} end",
            )
        )  # fmt: skip
    for b in shown:
        fig.add_annotation(
            x=0, xref="paper", y=b.label, yanchor="bottom", yshift=0.21 * TORNADO_ROW + 1, xanchor="left",
            text=wrap(b.label, TORNADO_LABEL_WRAP), showarrow=False, bgcolor="white", borderpad=0,
            font={"color": INK, "size": MARK_SIZE + 1}, name="input name",
        )  # fmt: skip
    fig.add_vline(x=base, line={"color": INK, "width": 2})
    if bars:
        lead = bars[0]
        title = (
            f"{lead.label} moves {option.label.lower()} {metric} the most: "
            f"{metric_text(lead.low_result, metric, currency)} to {metric_text(lead.high_result, metric, currency)}"
        )
    else:
        title = f"No ranged input moves {option.label.lower()} {metric}"
    frame(
        fig, title, x_title=f"{metric} ({'%' if metric == 'ROI' else currency})", y_title="",
        subtitle="Input values at the bar ends; all other inputs at their most likely values",
        height=TORNADO_ROW * max(len(shown), 1) + 190,
    )  # fmt: skip
    fig.update_layout(table_hint(index="Input"))
    ends = [v for v in [base, *(e for b in shown for e in (b.low_result, b.high_result))] if math.isfinite(v)]
    lo, hi = min(ends, default=0.0), max(ends, default=0.0)
    pad = 0.3 * (hi - lo) or 1.0  # room for the end labels, within the plot
    mark_label(
        fig,
        base,
        f"Base {metric_text(base, metric, currency)}",
        right_half=(base - lo + pad) / (hi - lo + 2 * pad) > 0.5,
    )
    fig.update_xaxes(showgrid=True, gridcolor=GRID, range=[lo - pad, hi + pad])
    fig.update_yaxes(showticklabels=False, range=[-0.6, len(shown) - 0.2])
    if metric == "ROI":
        fig.update_xaxes(ticksuffix=" %")
    else:
        money_ticks(fig, currency_symbol(currency), axis="x", values=ends)
        fig.update_xaxes(range=[lo - pad, hi + pad])
    return fig.figure()


def histogram_figure(run: Summary, focus: Option, currency: str) -> go.Figure:
    """ROI distribution per option (the run's summary: its steps already counted);
    P10 / P50 / P90 of the focus option marked, loss area shaded."""
    fig = Chart()
    if not run.edges:
        return frame(
            fig, "No option has costs: ROI does not exist", x_title="ROI (%)", y_title="Share of draws"
        ).figure()
    edges = np.asarray(run.edges)
    lo, hi = float(edges[0]), float(edges[-1])
    centres = (edges[:-1] + edges[1:]) / 2
    for option, share in run.shares.items():
        fig.add_trace(
            scatter(
                x=centres, y=np.asarray(share), name=option.label, mode="lines", line_shape="hvh",
                line={"color": OPTION_COLOURS[option], "width": 3 if option is focus else 1.5},
                fill="tozeroy" if option is focus else None, opacity=1.0,
                hovertemplate=f"ROI %{{x:.0f}} %: %{{y:.1f}} % of draws<extra>{option.label}</extra>",
            )
        )  # fmt: skip
    fig.add_vrect(x0=lo, x1=0, fillcolor=MUTED, opacity=0.08, line_width=0)
    p10, p50, p90 = run.percentiles(focus)
    mark_percentiles(fig, (p10, p50, p90), percent, lo, hi)
    loss = run.probability_loss(focus)
    title = f"{focus.label}: {percent(100 * loss)} chance of losing money (ROI below 0)"
    width = float(edges[1] - edges[0])
    frame(
        fig, title, x_title="ROI over the horizon (%)", y_title="Share of draws (%)",
        subtitle=f"{run.draws:,} draws of the uncertain inputs; each step {width:.3g} ROI points wide, "
        "the two end steps also holding the draws beyond the axis; "
        "shaded: loss. P10, P50, P90: a tenth, half and nine tenths of draws fall below",
        legend=True,
    )  # fmt: skip
    fig.update_xaxes(ticksuffix=" %", range=[lo, hi])
    fig.update_yaxes(ticksuffix=" %", rangemode="tozero")
    return fig.figure()


def frontier_figure(
    xs: np.ndarray, ys: np.ndarray, z: np.ndarray, x_field: str, y_field: str,
    current: tuple[float, float], metric: str, currency: str,
) -> go.Figure:  # fmt: skip
    """Where the metric is above or below zero over two inputs, the ROI = 0 line drawn."""
    x_title, y_title = input_title(x_field), input_title(y_field)
    # to the hundredth of a percentage point or the currency unit: the hover shows one decimal,
    # and full float digits doubled the grid's message (two traces of 3,600 values)
    z_display = np.round(np.where(np.isfinite(z), z, np.nan), 2 if metric == "ROI" else 0)
    finite = z[np.isfinite(z)]
    zmin, zmax, colours = gain_loss_colours(z)  # the grid's own range, white at break-even
    # the colours as a smoothed heatmap (the browser draws an image) and one contour level, the
    # break-even line: a 20-level filled contour made the browser trace 20 levels on every redraw
    fig = Chart(
        heatmap(  # the true values (the hover and the Data table read them)
            x=xs, y=ys, z=z_display, zmin=zmin, zmax=zmax, colorscale=colours, zsmooth="fast",
            colorbar={"title": {"text": f"{metric} ({'%' if metric == 'ROI' else currency}){COLOUR_BAR_GAP}"},
                      "ticksuffix": " %" if metric == "ROI" else "", "tickformat": ","},
            hovertemplate=f"{x_title} %{{x:,.4g}}<br>{y_title} %{{y:,.4g}}<br>{metric} %{{z:,.1f}}<extra></extra>",
        )
    )  # fmt: skip
    fig.add_trace(
        contour(
            x=xs, y=ys, z=z_display, showscale=False, contours={"start": 0, "end": 0, "size": 1, "coloring": "none"},
            line={"color": INK, "width": 3}, hoverinfo="skip", name="Break-even",
        )
    )  # fmt: skip
    fig.add_trace(
        scatter(
            x=[current[0]], y=[current[1]], mode="markers", name="Your scenario",
            marker={"size": 13, "color": "white", "line": {"color": INK, "width": 2.5}},
            hovertemplate="Your scenario<extra></extra>",
        )
    )  # fmt: skip
    positive = float(np.mean(finite > 0)) * 100 if finite.size else 0.0
    title = f"{metric} is positive in {percent(positive, 0)} of this grid; the black line is break-even"
    shades = ["Purple: gain · grey: loss"]
    end_text = (lambda v: percent(v, 0)) if metric == "ROI" else (lambda v: money(v, currency))
    if finite.size and finite.max() > zmax:
        shades.append(f"deepest purple: {end_text(zmax)} or more")
    if finite.size and finite.min() < zmin:
        shades.append(f"deepest grey: {end_text(zmin)} or less")
    frame(fig, title, x_title=x_title, y_title=y_title, subtitle="; ".join(shades))
    fig.update_xaxes(tickformat=",", ticksuffix=" %" if INPUTS[x_field].unit == "%" else "")
    fig.update_yaxes(tickformat=",", ticksuffix=" %" if INPUTS[y_field].unit == "%" else "")
    return fig.figure()


def goal_curve_figure(
    xs: np.ndarray,
    ys: np.ndarray,
    field: str,
    target: float,
    solution: float | None,
    metric: str,
    currency: str,
    option: Option = Option.MICRO,
) -> go.Figure:
    """The metric across the input's range, the target line and the solution marked."""
    label = input_title(field)
    fig = Chart(
        scatter(
            x=xs, y=np.where(np.isfinite(ys), ys, np.nan), mode="lines",
            line={"color": OPTION_COLOURS[option], "width": 3},
            name=metric, hovertemplate=f"{label} %{{x:,.4g}}: {metric} %{{y:,.1f}}<extra></extra>",
        )
    )  # fmt: skip
    fig.add_hline(y=target, line={"color": MUTED, "dash": "dot"})
    if solution is not None:
        fig.add_vline(x=solution, line={"color": INK, "width": 2})
        span = float(xs[-1] - xs[0]) or 1.0
        mark_label(
            fig, solution, input_text(field, solution, currency), right_half=(solution - xs[0]) / span > 0.5
        )
        title = f"{metric} reaches {metric_text(target, metric, currency)} at {label} = {input_text(field, solution, currency)}"
    else:
        title = f"No value of {label} in its allowed range reaches {metric} {metric_text(target, metric, currency)}"
    spec = INPUTS[field]
    frame(
        fig, title, x_title=label, y_title=f"{metric} ({'%' if metric == 'ROI' else currency})",
        subtitle=f"Shown: {input_text(field, float(xs[0]), currency)} to {input_text(field, float(xs[-1]), currency)}; "
        f"the search covers {input_text(field, float(spec.minimum or 0), currency)} to "
        f"{input_text(field, float(spec.maximum or 0), currency)}",
    )  # fmt: skip
    fig.update_xaxes(tickformat=",")
    if metric == "ROI":
        fig.update_yaxes(ticksuffix=" %")
    else:
        money_ticks(fig, currency_symbol(currency))
    return fig.figure()
