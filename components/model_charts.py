"""Figure builders for returns, retention and the blended mix (pure: results in, figures out).

>>> from calculators.scenario import Scenario
>>> from calculators.roi import all_returns
>>> fig = cumulative_net_figure(all_returns(Scenario()), "USD")
>>> fig.layout.title.text.split("<br>")  # wrapped to read on a phone (components/theme.py)
['Microlearning pays back in month 31', '(discounted); instructor-led and blended', 'do not within 3 years']
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from calculators.retention import CurveFamily, calibrate, retention_curve, two_point_stability
from calculators.roi import DAYS_PER_YEAR, Option, Returns, WaterfallStep
from calculators.scenario import Format, Scenario
from components.chart_spec import Chart, scatter, waterfall
from components.formatting import currency_symbol, money, percent, plural
from components.theme import (
    BENEFITS_COLOUR,
    INK,
    MUTED,
    OPTION_COLOURS,
    frame,
    mark_label,
    money_ticks,
    ring_marker,
)

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
    """Cumulative discounted net benefit by month for each option, payback months marked."""
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
        fig, payback_headline(returns), x_title="Months from launch", y_title=f"Cumulative net benefit ({currency})",
        subtitle="Discounted benefits minus costs, month by month", legend=True,
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
    money_ticks(fig, currency_symbol(currency), values=[s.value for s in steps])
    fig.update_yaxes(rangemode="tozero")
    return fig.figure()


def retention_curves(scenario: Scenario, days: np.ndarray) -> dict[Option, np.ndarray]:
    """Retention by day for each option; the blend is the learner-weighted mix of its tracks."""
    family = CurveFamily(scenario.retention_curve)
    curves: dict[Option, np.ndarray] = {}
    for fmt, option in ((Format.MICRO, Option.MICRO), (Format.ILT, Option.ILT)):
        retained = (scenario.micro_retention_pct if fmt is Format.MICRO else scenario.ilt_retention_pct) / 100
        every = scenario.micro_nudge_days if fmt is Format.MICRO else scenario.ilt_nudge_days
        parameter = calibrate(family, retained, scenario.retention_reference_day)
        curves[option] = retention_curve(family, parameter, days, every or None, scenario.spacing_gain)
    m = scenario.blend_ilt_share_pct / 100
    curves[Option.BLEND] = (1 - m) * curves[Option.MICRO] + m * curves[Option.ILT]
    return curves


def retention_figure(scenario: Scenario, horizon_days: int | None = None) -> go.Figure:
    """Knowledge retained over time per option, nudges as a sawtooth, the reference day marked."""
    horizon = horizon_days or int(min(scenario.horizon_years * DAYS_PER_YEAR, DAYS_PER_YEAR))
    days = np.linspace(0, horizon, 1_500)
    every = [d for d in (scenario.micro_nudge_days, scenario.ilt_nudge_days) if d]
    if every:  # sample just before and at each nudge so the sawtooth stays sharp
        marks = np.concatenate([np.arange(d, horizon, d) for d in every])
        days = np.unique(np.concatenate([days, marks, np.maximum(marks - 1e-6, 0)]))
    curves = retention_curves(scenario, days)
    fig = Chart()
    for option, values in curves.items():
        fig.add_trace(
            scatter(
                x=days, y=100 * values, name=option.label, mode="lines",
                line={"color": OPTION_COLOURS[option], "width": 3, "dash": "dot" if option is Option.BLEND else "solid"},
                hovertemplate=f"Day %{{x:.0f}}: %{{y:.1f}} %<extra>{option.label}</extra>",
            )
        )  # fmt: skip
    day_ref = scenario.retention_reference_day
    fig.add_vline(x=day_ref, line={"color": MUTED, "dash": "dot", "width": 1.5})
    mark_label(
        fig, day_ref, f"Day {day_ref}: your assumption", colour=MUTED, right_half=day_ref > horizon / 2
    )
    at_90 = {o: float(retention_curves(scenario, np.array([90.0]))[o][0]) for o in (Option.MICRO, Option.ILT)}
    title = (
        f"At day 90, microlearning learners keep {percent(100 * at_90[Option.MICRO], 0)} "
        f"and instructor-led learners {percent(100 * at_90[Option.ILT], 0)}"
    )
    frame(
        fig, title, x_title="Days since training", y_title="Knowledge retained (%)",
        subtitle=f"{scenario.retention_curve.capitalize()} curves calibrated at day {day_ref}"
        + (f"; first {horizon:,} days shown" if horizon < scenario.horizon_years * DAYS_PER_YEAR else ""),
        legend=True,
    )  # fmt: skip
    fig.update_yaxes(range=[0, 105], ticksuffix=" %")
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


def two_point_message(t1: float, r1_pct: float, t2: float, r2_pct: float, day_ref: int) -> str:
    """What a two-point pilot measurement says: S = (t2 − t1) / ln(R1 / R2), and R at day_ref.

    The fitted curve R(t) = R1·e^(−(t − t1)/S) passes through both measurements; the model's
    curves start at 100 % on day 0, so the message also gives the stability the model would
    use if the fitted retention at the reference day were entered.

    >>> print(two_point_message(30, 60, 90, 40, 30))
    Your pilot: stability S = 148 days between the tests; retention at day 30 = 60.0 %. Entered as "Knowledge retained", the model's curve (100 % on day 0) gets S = 59 days: faster decay than your pilot shows.
    >>> two_point_message(30, 40, 90, 60, 30)
    'No decay to fit: the second measurement must be lower than the first, and later.'
    """
    stability = two_point_stability(t1, r1_pct / 100, t2, r2_pct / 100)
    if stability is None:
        return "No decay to fit: the second measurement must be lower than the first, and later."
    at_ref = min(r1_pct / 100 * math.exp(-(day_ref - t1) / stability), 1.0)
    model_s = calibrate(CurveFamily.EXPONENTIAL, at_ref, day_ref)
    if model_s < stability * 0.95:
        verdict = "faster decay than your pilot shows"
    elif model_s > stability * 1.05:
        verdict = "slower decay than your pilot shows"
    else:
        verdict = "close to your pilot"
    return (
        f"Your pilot: stability S = {stability:,.0f} days between the tests; retention at day {day_ref} = "
        f'{percent(100 * at_ref)}. Entered as "Knowledge retained", the model\'s curve (100 % on day 0) '
        f"gets S = {model_s:,.0f} days: {verdict}."
    )
