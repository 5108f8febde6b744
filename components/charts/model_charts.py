"""Figure builders for returns, retention and the blended mix (pure: results in, figures out;
the retention chart draws `calculators.roi.retention_view`, read off the model once).

>>> from calculators.scenario import Scenario
>>> from calculators.roi import all_returns
>>> fig = cumulative_net_figure(all_returns(Scenario()), "USD")
>>> fig.layout.title.text.split("<br>")  # wrapped to read on a phone (components/charts/theme.py)
['Microlearning pays back in month 3', '(discounted); blended in month 5;', 'instructor-led in month 5']
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from calculators.retention import MONTH_DAYS
from calculators.roi import Option, RetentionView, Returns, WaterfallStep
from calculators.scenario import Format
from components.charts.chart_data import table_hint
from components.charts.spec import Chart, scatter, waterfall
from components.charts.theme import (
    BENEFITS_COLOUR,
    FORMAT_COLOURS,
    INK,
    MARK_SIZE,
    MUTED,
    OPTION_COLOURS,
    frame,
    mark_label,
    money_ticks,
    ring_marker,
)
from components.words.formatting import currency_symbol, half_life_text, money, percent, plural

_NAMES = {Option.MICRO: "microlearning", Option.ILT: "instructor-led", Option.BLEND: "blended"}


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def payback_headline(returns: dict[Option, Returns]) -> str:
    """Which options pay back (discounted) within the horizon, and when."""
    years = max(len(next(iter(returns.values())).flows.months) - 1, 12) // 12
    paid = {o: r.discounted_payback_month for o, r in returns.items()}
    winners = sorted((m, o) for o, m in paid.items() if m is not None)
    losers = [_NAMES[o] for o, m in paid.items() if m is None]
    if not winners:
        return f"No option pays back within {plural(years, 'year')}"
    month, first = winners[0]
    text = f"{first.label} pays back in month {math.ceil(month)} (discounted)"
    if len(winners) > 1:
        text += "; " + "; ".join(f"{_NAMES[o]} in month {math.ceil(m)}" for m, o in winners[1:])
    if losers:
        verb = "does" if len(losers) == 1 else "do"
        text += f"; {_join(losers)} {verb} not within {plural(years, 'year')}"
    return text


def cumulative_net_figure(returns: dict[Option, Returns], currency: str) -> go.Figure:
    """Discounted benefits so far minus the programme's whole cost, by month, for each option;
    the payback month (where a line crosses 0) marked."""
    fig = Chart()
    fig.add_hline(y=0, line={"color": MUTED, "width": 1})
    for option, r in returns.items():
        months = r.flows.months
        fig.add_trace(
            scatter(
                x=months, y=r.cumulative(discounted=True), name=option.label, mode="lines",
                line={"color": OPTION_COLOURS[option], "width": 3, "dash": "dot" if option is Option.BLEND else "solid"},
                hovertemplate=f"Month %{{x}}: %{{y:,.0f}} {currency}<extra>{option.label}</extra>",
            )
        )  # fmt: skip
        month = r.discounted_payback_month
        if month is not None:
            ring_marker(
                fig, month, 0.0, OPTION_COLOURS[option], f"{option.label} payback",
                f"{option.label} pays back in month {math.ceil(month)}",
            )  # fmt: skip
    frame(
        fig, payback_headline(returns), x_title="Months from launch", y_title=f"Benefits so far less all costs ({currency})",
        subtitle="Discounted benefits so far minus the programme's whole cost: payback where each line crosses 0",
        legend=True,
    )  # fmt: skip
    money_ticks(fig, currency_symbol(currency))
    return fig.figure()


def waterfall_figure(steps: list[WaterfallStep], currency: str, fmt_label: str) -> go.Figure:
    """Step-down from gross to defensible benefits: the first bar absolute, then the cuts."""
    if not steps:
        return Chart().figure()
    labels = [s.label for s in steps]
    values = [steps[0].value] + [b.value - a.value for a, b in zip(steps, steps[1:], strict=False)]
    measures = ["absolute"] + ["relative"] * (len(steps) - 1)
    labels.append("Defensible benefits")
    values.append(steps[-1].value)
    measures.append("total")
    fig = Chart(
        waterfall(
            x=labels, y=values, measure=measures,
            decreasing={"marker": {"color": "#9CA3AF"}}, increasing={"marker": {"color": "#9CA3AF"}},
            totals={"marker": {"color": INK}}, connector={"line": {"color": MUTED, "width": 1}},
            text=[money(v, currency, compact=True) for v in values], textposition="outside",
            hovertemplate=f"%{{x}}: %{{y:,.0f}} {currency}<extra></extra>",
        )
    )  # fmt: skip
    gross, final = steps[0].value, steps[-1].value
    share = 100 * final / gross if gross > 0 else None
    title = (
        f"{fmt_label}: {percent(share)} of the gross benefit survives the conservative rules"
        if share is not None
        else f"{fmt_label}: no gross benefit with the streams switched on"
    )
    frame(
        fig,
        title,
        x_title="",
        y_title=f"Benefits ({currency})",
        subtitle=f"{money(gross, currency)} gross → {money(final, currency)} defensible",
    )
    fig.update_layout(table_hint(index="Step"))
    money_ticks(fig, currency_symbol(currency), values=[s.value for s in steps])
    fig.update_yaxes(rangemode="tozero")
    return fig.figure()


# --- Retention: the share of the trained skill kept, month by month, as the model weights it -----


def half_life_headline(half_lives: dict[Format, float]) -> str:
    """Title of the retention chart: how long each format keeps half of its skill gain.

    >>> half_life_headline({Format.MICRO: 40.14, Format.ILT: 11.0})
    'Instructor-led keeps half of its skill gain for 11 months; microlearning for 40'
    >>> half_life_headline({Format.MICRO: 11.0, Format.ILT: 11.0})
    'Both formats keep half of their skill gain for 11 months'
    """
    ilt, micro = half_life_text(half_lives[Format.ILT]), half_life_text(half_lives[Format.MICRO])
    if ilt == micro:
        return f"Both formats keep half of their skill gain for {ilt}"
    return f"Instructor-led keeps half of its skill gain for {ilt}; microlearning for {micro.split()[0]}"


_FLOOR_LABEL_ABOVE_PCT = 8.0  # a floor lower than this is labelled above its line (below is the axis)


def retention_figure(view: RetentionView) -> go.Figure:
    """Each option's share of the trained gain kept, month by month over the horizon: the
    values the model weights each month's benefit by (drawn as steps, one per month), the
    floor as a labelled line, each format's half-life marked, and the knowledge-check recall
    at the reference day as diamonds (a vendor's claim, not the skill curve).

    >>> from calculators.roi import retention_view
    >>> from calculators.scenario import Scenario
    >>> fig = retention_figure(retention_view(Scenario()))
    >>> [t.name for t in fig.data][:3], len(fig.data[0].y), fig.data[0].x[:2].tolist()
    (['Microlearning', 'Instructor-led', 'Blended'], 36, [1, 2])
    """
    s = view.scenario
    horizon = view.months
    months_axis = np.arange(1, horizon + 1)
    fig = Chart()
    for option, kept in view.kept.items():
        fig.add_trace(
            scatter(
                x=months_axis, y=100 * np.asarray(kept), name=option.label, mode="lines",
                line={"color": OPTION_COLOURS[option], "width": 3, "shape": "hvh",
                      "dash": "dot" if option is Option.BLEND else "solid"},
                hovertemplate=f"Month %{{x}}: %{{y:.1f}} % kept<extra>{option.label}</extra>",
            )
        )  # fmt: skip
    floor = float(s.retention_floor_pct)
    if floor > 0:
        fig.add_hline(y=floor, line={"color": MUTED, "dash": "dash", "width": 1.5})
        fig.add_annotation(
            x=0, xref="paper", xanchor="left", y=floor, yref="y",
            yanchor="bottom" if floor < _FLOOR_LABEL_ABOVE_PCT else "top", showarrow=False,
            text=f"Kept for good: {percent(floor, 0)}", font={"color": MUTED, "size": MARK_SIZE},
        )  # fmt: skip
    row = 0
    for fmt in (Format.ILT, Format.MICRO):
        half_life = view.half_life_months[fmt]
        if half_life > horizon:
            continue
        fig.add_vline(x=half_life, line={"color": FORMAT_COLOURS[fmt], "dash": "dot", "width": 2})
        mark_label(
            fig, half_life, f"{fmt.label}: half lost", row=row, colour=INK,
            right_half=half_life > horizon / 2,
        )  # fmt: skip
        row += 1
    day = s.retention_reference_day
    recall = {fmt: float(s.format(fmt).retention_pct) for fmt in (Format.MICRO, Format.ILT)}
    check = f"Vendor's knowledge check, day {day}: " + ", ".join(percent(r, 0) for r in recall.values())
    for fmt, value in recall.items():  # filled in the format's colour; the legend's diamond is neutral
        fig.add_trace(
            scatter(
                x=[day / MONTH_DAYS], y=[value], mode="markers", name=check, legendgroup="check",
                showlegend=False,
                marker={"symbol": "diamond", "size": 12, "color": FORMAT_COLOURS[fmt],
                        "line": {"color": INK, "width": 1.5}},
                hovertemplate=f"{fmt.label}: {percent(value, 0)} recalled at day {day}, "
                "a vendor's knowledge-check claim<extra></extra>",
            )
        )  # fmt: skip
    fig.add_trace(
        scatter(
            x=[None], y=[None], mode="markers", name=check, legendgroup="check", hoverinfo="skip",
            marker={"symbol": "diamond-open", "size": 12, "color": INK},
        )
    )  # fmt: skip
    subtitle = (
        f"Share of the trained gain kept each month ({s.retention_curve} curve"
        f"{'' if floor > 0 else ', nothing kept for good'}): benefits count that share"
    )
    frame(
        fig, half_life_headline(view.half_life_months), x_title="Months after training",
        y_title="Skill gain kept (%)", subtitle=subtitle, legend=True,
    )  # fmt: skip
    fig.update_yaxes(range=[0, 105], ticksuffix=" %")
    fig.update_xaxes(range=[0, horizon + 0.5], tick0=0, dtick=6 if horizon <= 60 else 12)
    return fig.figure()


def blend_figure(
    curves: dict[str, np.ndarray], chosen: float, best: float, currency: str, objective: str
) -> go.Figure:
    """Costs, benefits and NPV across the whole mix, chosen and best mix marked.

    Learners are whole people, so a mix strictly between 0 % and 100 % has at least one
    learner on each track and pays both tracks' fixed costs (development, refresh); a pure
    format pays one. That step is real: the mix is drawn as lines over 0 < s < 100 %, the
    pure formats as dots at the ends, and the subtitle says why they stand apart.

    >>> from calculators.roi import best_share
    >>> from calculators.scenario import Scenario
    >>> best, curves = best_share(Scenario())
    >>> fig = blend_figure(curves, 0.1, best, "USD", "net present value")
    >>> [t.name for t in fig.data][:3], float(fig.data[0].x[0]), fig.data[3].x.tolist()
    (['Costs', 'Benefits', 'Net present value'], 1.0, [0.0, 100.0])
    """
    share = 100 * np.asarray(curves["share"], dtype=float)
    inside = (share > 0) & (share < 100)
    corners = ~inside
    series = (
        ("costs", "Costs", MUTED, "dash"),
        ("benefits", "Benefits", BENEFITS_COLOUR, "solid"),
        ("npv", "Net present value", INK, "solid"),
    )
    fig = Chart()
    for key, name, colour, dash in series:
        fig.add_trace(
            scatter(
                x=share[inside], y=np.asarray(curves[key])[inside], name=name, mode="lines", legendgroup=key,
                line={"color": colour, "width": 3, "dash": dash},
                hovertemplate=f"%{{x:.0f}} % instructor-led: %{{y:,.0f}} {currency}<extra>{name}</extra>",
            )
        )  # fmt: skip
    for key, name, colour, _ in series:
        fig.add_trace(
            scatter(
                x=share[corners], y=np.asarray(curves[key])[corners], name=f"{name}, pure format", mode="markers",
                legendgroup=key, showlegend=False, marker={"color": colour, "size": 9},
                customdata=[("pure microlearning" if s <= 0 else "pure instructor-led") for s in share[corners]],
                hovertemplate=f"%{{customdata}}: %{{y:,.0f}} {currency}<extra>{name}</extra>",
            )
        )  # fmt: skip
    fig.add_vline(x=100 * chosen, line={"color": MUTED, "width": 1.5, "dash": "dot"})
    mark_label(
        fig,
        100 * chosen,
        f"Your mix {percent(100 * chosen, 0)}",
        row=1,
        colour=MUTED,
        right_half=chosen > 0.5,
    )
    fig.add_vline(x=100 * best, line={"color": INK, "width": 1.5, "dash": "dash"})
    mark_label(fig, 100 * best, f"Best {percent(100 * best, 0)}", row=0, colour=INK, right_half=best > 0.5)
    title = (
        f"The best mix for {objective} puts {percent(100 * best, 0)} of learners in instructor-led training"
    )
    frame(
        fig, title, x_title="Learners in the instructor-led foundation (%)", y_title=f"Money over the horizon ({currency})",
        subtitle="Dots: the pure formats (0 % and 100 %). A mix pays both tracks' fixed costs, a pure "
        "format one, hence the step at each end",
        legend=True,
    )  # fmt: skip
    money_ticks(fig, currency_symbol(currency))
    fig.update_xaxes(range=[-2, 102], ticksuffix=" %", tick0=0, dtick=20)
    return fig.figure()
