"""Figure builders for the Budget planner: what each budget buys (the efficient frontier as a
step chart, the user's budget marked, each step labelled with what it adds) and the plan's
NPV over the simulated outcomes (pure: no Streamlit)."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from calculators.portfolio import Frontier, PlanRisk
from components.charts.spec import Chart, bar, scatter
from components.charts.theme import (
    BLENDED_COLOUR,
    INK,
    MUTED,
    frame,
    mark_label,
    mark_percentiles,
    money_ticks,
)
from components.words.budget_words import step_change
from components.words.formatting import currency_symbol, money, percent

STEP_COLOUR = BLENDED_COLOUR  # the plan is no single format: the blend's green, a neutral "mix"


def step_labels(steps: Frontier) -> list[str]:
    """Each step's label: what it adds to the step before it.

    >>> from calculators.portfolio import Choice, Option, ProgramChoices, frontier
    >>> step_labels(frontier([ProgramChoices("A", (Choice(Option.MICRO, 10, 30),))]))
    ['nothing', '+ A: microlearning']
    """
    out, before = [], None
    for step in steps.steps:
        out.append(step_change(before, step))
        before = step
    return out


def frontier_figure(steps: Frontier, budget: float, currency: str) -> go.Figure:
    """The best expected NPV at every budget from nothing to everything, a step at each plan
    that beats every cheaper one, the user's budget marked and its plan ringed."""
    fig = Chart()
    if not steps.steps:
        return frame(
            fig, "No plan exists for these programs", x_title="Budget", y_title="Expected NPV"
        ).figure()
    costs = [s.cost for s in steps.steps]
    values = [s.expected_npv for s in steps.steps]
    # past the last step no budget buys more: the axis ends a quarter beyond it (or the budget)
    right = max(budget, costs[-1]) * 1.25 or 1.0
    labels = step_labels(steps)
    fig.add_trace(
        scatter(
            x=[*costs, right], y=[*values, values[-1]], mode="lines", line_shape="hv", name="Best plan",
            line={"color": STEP_COLOUR, "width": 3}, hoverinfo="skip",
        )
    )  # fmt: skip
    text = [str(i) for i in range(len(labels))]  # named in the hover and the steps table below
    fig.add_trace(
        scatter(
            x=costs, y=values, mode="markers+text", name="Steps", text=text, textposition="top left",
            textfont={"size": 11, "color": INK}, marker={"color": STEP_COLOUR, "size": 8},
            customdata=[[money(c, currency), money(v, currency), t] for c, v, t in zip(costs, values, labels, strict=True)],
            hovertemplate="From %{customdata[0]}: expected NPV %{customdata[1]}<br>%{customdata[2]}<extra></extra>",
        )
    )  # fmt: skip
    at = steps.at(budget)
    fig.add_vline(x=budget, line={"color": INK, "width": 1.5, "dash": "dot"})
    mark_label(fig, budget, f"Your budget {money(budget, currency)}", right_half=budget > right / 2)
    best = steps.steps[-1]
    if at is None:
        title = f"The programs that must run need at least {money(costs[0], currency)}"
    elif at.picks == best.picks:
        title = f"{money(budget, currency)} buys the most expected NPV there is, {money(best.expected_npv, currency)}"
    else:
        title = (
            f"{money(budget, currency)} buys {money(at.expected_npv, currency)} of expected NPV; "
            f"{money(best.cost, currency)} buys the most, {money(best.expected_npv, currency)}"
        )
    frame(
        fig, title, x_title="Budget (cost over each program's horizon)", y_title="Expected NPV of the best plan",
        subtitle="Each numbered step: the cheapest plan that beats every cheaper one (what it adds: the table below)",
        height=460,
    )  # fmt: skip
    symbol = currency_symbol(currency)
    money_ticks(fig, symbol, axis="x", values=[0.0, right])
    money_ticks(fig, symbol, axis="y", values=[*values, 0.0, max(values) * 1.15])
    fig.update_layout(showlegend=False)
    return fig.figure()


def plan_risk_chart(risk: PlanRisk | None, currency: str) -> go.Figure:
    """The plan's NPV over the simulated outcomes (each program's draws summed per draw): its
    histogram's steps as shares of the outcomes, the loss side grey, P10 / P50 / P90 marked.

    >>> from calculators.portfolio import risk_of_draws
    >>> fig = plan_risk_chart(risk_of_draws(np.array([30.0, -10.0, 45.0, 45.0, 75.0])), "USD")
    >>> float(round(sum(fig.data[0].y), 6)), fig.layout.title.text.startswith("The plan: 20.0 % chance")
    (100.0, True)
    >>> plan_risk_chart(None, "USD").layout.title.text
    'No plan to show the risk of'
    """
    fig = Chart()
    if risk is None or not risk.draws or not risk.counts or not all(map(math.isfinite, risk.edges)):
        return frame(
            fig, "No plan to show the risk of", x_title="Plan NPV", y_title="Share of outcomes (%)"
        ).figure()
    edges = np.asarray(risk.edges, dtype=np.float64)
    lo, hi = float(edges[0]), float(edges[-1])
    centres = (edges[:-1] + edges[1:]) / 2
    share = 100 * np.asarray(risk.counts, dtype=np.float64) / risk.draws
    colours = [MUTED if c < 0 else STEP_COLOUR for c in centres]
    fig.add_trace(
        bar(
            x=centres, y=share, marker={"color": colours}, width=float(edges[1] - edges[0]), name="Plan NPV",
            customdata=[money(c, currency) for c in centres],
            hovertemplate="Plan NPV about %{customdata}: %{y:.1f} % of outcomes<extra></extra>",
        )
    )  # fmt: skip
    title = (
        f"The plan: {percent(100 * risk.chance_of_loss)} chance of losing money; NPV between "
        f"{money(risk.p10, currency)} and {money(risk.p90, currency)} in 80 % of outcomes"
    )
    frame(
        fig, title, x_title="Plan NPV over the programs' horizons", y_title="Share of outcomes (%)",
        subtitle=f"{risk.draws:,} outcomes, each program's NPV summed per outcome; grey: a loss",
    )  # fmt: skip
    money_ticks(fig, currency_symbol(currency), axis="x", values=[lo, hi])
    shown = fig.layout["xaxis"].get("range", [lo, hi])  # the axis as drawn: from zero when all NPV gains
    mark_percentiles(fig, (risk.p10, risk.p50, risk.p90), lambda v: money(v, currency), *shown)
    fig.update_yaxes(ticksuffix=" %", rangemode="tozero")
    fig.update_layout(showlegend=False, bargap=0)
    return fig.figure()
