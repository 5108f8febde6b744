"""Figure builders: calculator results in, `go.Figure` out (pure, no Streamlit).

Each chart's title states its message; axes carry units and the scenario's currency;
each format has its one colour from `components.charts.theme`.

>>> from calculators.scenario import Scenario
>>> from calculators.summary import cost_summary
>>> fig = cost_curves_figure(cost_summary(Scenario()))
>>> fig.layout.title.text
'Microlearning is cheaper from 477 learners'
>>> [t.name for t in fig.data]
['Microlearning', 'Instructor-led', 'Crossover']
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

from calculators.model import FORMAT_OPTION, Option
from calculators.scenario import Format
from calculators.summary import (
    MAX_LEARNERS,
    CostSummary,
    Curves,
    crossover_cost,
    net_benefit_curves,
    per_learner_curves,
    total_cost_curves,
)
from components.charts.spec import Chart, scatter, visible_points
from components.charts.theme import FORMAT_COLOURS, INK, MUTED, frame, mark_label, money_ticks, ring_marker
from components.words.formatting import currency_symbol, learners, money, plural
from components.words.messages import crossover_headline, format_name


def _money_axis(fig: Chart, currency: str, **kwargs: object) -> None:
    money_ticks(fig, currency_symbol(currency))
    if kwargs:
        fig.update_yaxes(**kwargs)


def _mark_learners(
    fig: Chart,
    n: float,
    text: str,
    *,
    x_max: float,
    log_x: bool = False,
    dash: str = "dot",
    colour: str = MUTED,
) -> None:
    """A vertical line at `n` learners, its label above the plot (right of the line, or left of it
    in the right half, so it stays inside the figure)."""
    # On a log axis a line shape takes the data value; an annotation takes its log10.
    at = math.log10(max(n, 1)) if log_x else n
    fig.add_vline(x=n, line={"color": colour, "dash": dash, "width": 1.5})
    position = math.log10(max(n, 1)) / math.log10(max(x_max, 10)) if log_x else n / max(x_max, 1)
    mark_label(fig, at, text, colour=colour, right_half=position > 0.5)


def _add_format_lines(fig: Chart, curves: Curves, hover: str) -> None:
    """One line per format in its colour; `hover` is the value part of the hover text."""
    for fmt in Format:
        x, y = visible_points(curves.learners, curves.values[fmt])
        fig.add_trace(
            scatter(
                x=x, y=y, name=fmt.label, mode="lines",
                line={"color": FORMAT_COLOURS[fmt], "width": 3}, hovertemplate=f"{hover}<extra>{fmt.label}</extra>",
            )
        )  # fmt: skip


def cost_curves_figure(summary: CostSummary) -> go.Figure:
    """Total cost against learners for both formats; crossover and today's count marked."""
    cur = summary.scenario.currency
    curves = total_cost_curves(summary)
    n = curves.learners
    fig = Chart()
    _add_format_lines(fig, curves, f"%{{y:,.0f}} {cur}")
    x, y = summary.crossover, crossover_cost(summary)
    if x is not None and y is not None:
        fig.add_trace(
            scatter(
                x=[x.learners], y=[y], mode="markers", name="Crossover", showlegend=False,
                marker={"size": 12, "color": "white", "line": {"color": INK, "width": 2}},
                hovertemplate=f"Crossover: {learners(x.learners)} learners, {money(y, cur)}<extra></extra>",
            )
        )  # fmt: skip
        fig.add_annotation(
            x=x.learners, y=y, text=f"Crossover {learners(x.cheaper_from)}", showarrow=True,
            arrowhead=0, ax=40, ay=40, font={"color": INK, "size": 12},
        )  # fmt: skip
    _mark_learners(fig, summary.learners, f"Your {plural(summary.learners, 'learner')}", x_max=float(n[-1]))
    frame(fig, crossover_headline(summary), x_title="Learners", y_title=f"Total cost ({cur})", legend=True)
    _money_axis(fig, cur, rangemode="tozero")
    fig.update_xaxes(range=[0, float(n[-1])], tickformat=",")
    return fig.figure()


def cost_per_learner_figure(summary: CostSummary) -> go.Figure:
    """Average cost per learner on a log axis; today's count marked."""
    cur = summary.scenario.currency
    curves = per_learner_curves(summary)
    n = curves.learners
    fig = Chart()
    _add_format_lines(fig, curves, f"%{{y:,.2f}} {cur} per learner")
    per = summary.per_learner
    cheaper = min(Format, key=lambda f: per[f])
    title = f"{cheaper.label} costs less per learner at {plural(summary.learners, 'learner')}"
    subtitle = (
        f"{money(per[Format.MICRO], cur)} for microlearning, {money(per[Format.ILT], cur)} for instructor-led"
        if per[Format.MICRO] != per[Format.ILT]
        else f"Both {money(per[Format.MICRO], cur)} per learner"
    )
    if per[Format.MICRO] == per[Format.ILT]:
        title = f"Both formats cost the same per learner at {plural(summary.learners, 'learner')}"
    _mark_learners(
        fig, summary.learners, f"Your {learners(summary.learners)}", x_max=float(n[-1]), log_x=True
    )
    frame(
        fig, title, subtitle=subtitle, x_title="Learners (log scale)",
        y_title=f"Cost per learner ({cur}, log scale)", legend=True,
    )  # fmt: skip
    fig.update_yaxes(type="log", dtick=1, tickprefix=currency_symbol(cur), tickformat=",~s")
    fig.update_xaxes(type="log", dtick=1, tickformat=",", range=[0, math.log10(float(n[-1]))])
    return fig.figure()


def breakeven_headline(summary: CostSummary) -> str:
    """Title of the break-even chart: from how many learners each format pays for itself.

    >>> from calculators.scenario import Scenario
    >>> from calculators.summary import cost_summary
    >>> breakeven_headline(cost_summary(Scenario()))
    'Break-even: microlearning at 93 learners, instructor-led at 58 learners'
    >>> breakeven_headline(cost_summary(Scenario(skeptic=True, conservative=True)))
    'Break-even: microlearning at 569 learners, instructor-led never'
    """
    if all(summary.breakeven[FORMAT_OPTION[f]] is None for f in Format):
        return f"Neither format breaks even at any scale up to {learners(MAX_LEARNERS)} learners"
    parts = []
    for fmt in Format:
        b = summary.breakeven[FORMAT_OPTION[fmt]]
        parts.append(
            f"{format_name(fmt)} never" if b is None else f"{format_name(fmt)} at {plural(b, 'learner')}"
        )
    return "Break-even: " + ", ".join(parts)


def breakeven_figure(summary: CostSummary) -> go.Figure:
    """Benefits minus costs against learners (the model's, as in the ROI figures); break-evens marked."""
    cur = summary.scenario.currency
    curves = net_benefit_curves(summary)
    n = curves.learners
    fig = Chart()
    fig.add_hline(y=0, line={"color": MUTED, "width": 1})
    for fmt, option in ((Format.MICRO, Option.MICRO), (Format.ILT, Option.ILT)):
        x, y = visible_points(n, curves.values[fmt])
        fig.add_trace(
            scatter(
                x=x, y=y, name=fmt.label, mode="lines",
                line={"color": FORMAT_COLOURS[fmt], "width": 3},
                hovertemplate=f"%{{y:,.0f}} {cur}<extra>{fmt.label}</extra>",
            )
        )  # fmt: skip
        be = summary.breakeven[option]
        if be is not None and be <= n[-1]:
            ring_marker(
                fig, be, 0.0, FORMAT_COLOURS[fmt], f"{fmt.label} break-even",
                f"{fmt.label} breaks even at {plural(be, 'learner')}",
            )  # fmt: skip
    _mark_learners(fig, summary.learners, f"Your {plural(summary.learners, 'learner')}", x_max=float(n[-1]))
    frame(
        fig, breakeven_headline(summary), x_title="Learners", y_title=f"Benefits minus costs ({cur})",
        subtitle="The same benefits and costs as the ROI figures, over the years benefits are counted",
        legend=True,
    )  # fmt: skip
    _money_axis(fig, cur)
    fig.update_xaxes(range=[0, float(n[-1])], tickformat=",")
    return fig.figure()
