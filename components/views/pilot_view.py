"""Pilot planner on screen: messages and figures (pure), the fit button's callback, cached checks.

Arm A is the instructor-led pilot (the comparison), arm B the microlearning pilot, each in
its format's colour. Rates are fractions in 0..1 in calculators; percentages on screen.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from calculators.pilot import (
    BreakEvenCheck,
    Comparison,
    breakeven_check,
    sample_size_exact,
    wilson_interval,
)
from calculators.scenario import INPUTS, Format, Scenario
from components.charts.spec import Chart, scatter
from components.charts.theme import FORMAT_COLOURS, frame, mark_label
from components.session.scenario import update_scenario
from components.words.formatting import learners, percent

ARM_A = Format.ILT
ARM_B = Format.MICRO

# Significance levels offered per question: "better?" is two-sided, "no worse?" one-sided.
TWO_SIDED_ALPHAS = (0.01, 0.05, 0.10)
ONE_SIDED_ALPHAS = (0.01, 0.025, 0.05, 0.10)
USUAL_ALPHA = {False: 0.05, True: 0.025}  # keyed by one_sided


def alpha_label(alpha: float, one_sided: bool) -> str:
    """A significance level as the selectbox shows it: which test, the level in %, the usual choice.

    >>> alpha_label(0.025, one_sided=True), alpha_label(0.05, one_sided=False)
    ('one-sided 2.5 % (usual for non-inferiority)', 'two-sided 5 % (usual)')
    >>> alpha_label(0.10, one_sided=False)
    'two-sided 10 %'
    """
    text = f"{'one' if one_sided else 'two'}-sided {100 * alpha:g} %"
    if alpha == USUAL_ALPHA[one_sided]:
        text += " (usual for non-inferiority)" if one_sided else " (usual)"
    return text


def significance_input(container: DeltaGenerator, one_sided: bool) -> float:
    """The significance level α selectbox for the chosen question; returns α (one-sided if `one_sided`).

    Each question has its own widget (`pilot_alpha` two-sided, default 0.05;
    `pilot_alpha_noninferiority` one-sided, default 0.025), so switching the question switches
    the default without overwriting a level the user picked for the other question; the hidden
    one keeps its value across pages; both are page settings, seeded from session state.
    """
    options = ONE_SIDED_ALPHAS if one_sided else TWO_SIDED_ALPHAS
    return container.selectbox(
        "Significance level (false-alarm risk)", options,
        key="pilot_alpha_noninferiority" if one_sided else "pilot_alpha",
        format_func=lambda a: alpha_label(a, one_sided), persist_state="session",
        help="The risk of a false alarm you accept. 'No worse?' is one-sided: only a shortfall counts, "
        "and one-sided 2.5 % is as strict as two-sided 5 %.",
    )  # fmt: skip


def p_value_text(p: float) -> str:
    """A p-value as people read it: three decimals, or '< 0.001'.

    >>> p_value_text(0.00804), p_value_text(0.0000003), p_value_text(1.0)
    ('0.008', '< 0.001', '1.000')
    """
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def points(x: float) -> str:
    """A difference of rates (fraction) in percentage points, signed.

    >>> points(0.2), points(-0.0523), points(0.0)
    ('+20.0 points', '−5.2 points', '0.0 points')
    """
    text = f"{abs(100 * x):.1f} points"
    if round(100 * x, 1) == 0:
        return text
    return ("+" if x > 0 else "−") + text


def population_note(per_arm: int, population: int) -> str | None:
    """A sentence when a two-arm pilot of `per_arm` learners each needs more learners than the
    scenario has (None when it fits).

    >>> population_note(170, 1_000) is None
    True
    >>> population_note(600, 1_000)
    'Both arms together need 1,200 learners, more than the 1,000 in your scenario: such a pilot would have to enrol people beyond the training population, or detect a larger difference.'
    """
    if 2 * per_arm <= population:
        return None
    return (
        f"Both arms together need {learners(2 * per_arm)} learners, more than the {learners(population)} in your "
        "scenario: such a pilot would have to enrol people beyond the training population, or detect a larger "
        "difference."
    )


def show_population_note(per_arm: int, population: int) -> None:
    """Say so (`population_note`) when the pilot needs more learners than the scenario has."""
    note = population_note(per_arm, population)
    if note:
        st.info(note, icon=":material/groups:")


def plan_headline(baseline: float, target: float, n: int | None, design: str) -> str:
    """Title of the sample-size chart.

    >>> plan_headline(0.35, 0.50, 170, "superiority")
    'Telling 35 % from 50 % takes 170 learners per arm'
    >>> plan_headline(0.35, 0.35, None, "superiority")
    'Equal rates: no pilot size can tell them apart'
    """
    if n is None:
        if design == "superiority":
            return "Equal rates: no pilot size can tell them apart"
        return "The expected rate does not clear the margin: no pilot size can show non-inferiority"
    verb = "Telling" if design == "superiority" else "Showing non-inferiority of"
    return f"{verb} {percent(100 * baseline, 0)} from {percent(100 * target, 0)} takes {learners(n)} learners per arm"


def sample_size_figure(
    baseline: float, target: float, n: int | None, alpha: float, power: float
) -> go.Figure:
    """Learners per arm (log scale) against the rate expected in arm B; the plan marked.

    >>> fig = sample_size_figure(0.35, 0.50, 170, 0.05, 0.8)
    >>> fig.layout.yaxis.type, fig.data[0].line.color, fig.data[1].y[0]
    ('log', '#0072B2', 170)
    """
    rates = np.round(np.linspace(0.01, 0.99, 197), 4)
    sizes = [sample_size_exact(baseline, float(r), alpha, power) for r in rates]
    # A gap (None) around the baseline: the curve rises without bound there.
    xs = [100 * float(r) for r in rates]
    ys = [
        None if m is None or abs(r - baseline) < 0.02 else round(m, 1)
        for r, m in zip(rates, sizes, strict=True)
    ]
    fig = Chart()
    fig.add_trace(
        scatter(
            x=xs, y=ys, mode="lines", name="Learners per arm", line={"color": FORMAT_COLOURS[ARM_B], "width": 3},
            hovertemplate="Arm B rate %{x:.0f} %: %{y:,.0f} learners per arm<extra></extra>",
        )
    )  # fmt: skip
    if n is not None:
        fig.add_trace(
            scatter(
                x=[100 * target], y=[n], mode="markers+text", name="Your plan",
                marker={"color": FORMAT_COLOURS[ARM_B], "size": 13, "line": {"color": "white", "width": 2}},
                text=[f"<b>  {learners(n)} per arm  </b>"], textposition="middle right" if target < 0.6 else "middle left",
                hovertemplate="Your plan: %{y:,} learners per arm<extra></extra>",
            )
        )  # fmt: skip
    fig.add_vline(x=100 * baseline, line={"color": FORMAT_COLOURS[ARM_A], "dash": "dot"})
    mark_label(
        fig, 100 * baseline, f"Arm A (instructor-led) {percent(100 * baseline, 0)}",
        colour=FORMAT_COLOURS[ARM_A], right_half=baseline > 0.5,
    )  # fmt: skip
    frame(
        fig,
        plan_headline(baseline, target, n, "superiority"),
        x_title="Rate expected in arm B, microlearning (%)",
        y_title="Learners per arm (log scale)",
        subtitle=f"{100 * alpha:g} % risk of a false alarm, {percent(100 * power, 0)} chance to detect the gap; "
        "the closer the rates, the more learners",
    )
    fig.update_yaxes(type="log", dtick=1, tickformat=",")  # 10, 100, 1,000, 10,000: one style
    fig.update_xaxes(range=[0, 100])
    return fig.figure()


def results_headline(day: int, result: Comparison) -> str:
    """The message of the results chart: who leads at `day`, by how much, how sure.

    >>> from calculators.pilot import compare
    >>> results_headline(90, compare(48, 80, 56, 70))
    'At day 90 microlearning leads by 20.0 points (95 % CI +5.2 to +33.4; p = 0.008)'
    """
    if round(100 * result.difference, 1) == 0:
        lead = "the arms are level"
    else:
        who = "microlearning" if result.difference > 0 else "instructor-led"
        lead = f"{who} leads by {abs(100 * result.difference):.1f} points"
    low, high = (points(x).removesuffix(" points") for x in result.ci)
    return f"At day {day} {lead} (95 % CI {low} to {high}; p = {p_value_text(result.p_value)})"


def results_figure(rows: dict[int, tuple[int, int, int, int]], results: dict[int, Comparison]) -> go.Figure:
    """Each arm's rate at day 30 and 90 with its 95 % Wilson interval, in the format's colour.

    `rows[day] = (passed A, tested A, passed B, tested B)`; days without valid data are skipped.

    >>> from calculators.pilot import compare
    >>> fig = results_figure({30: (48, 80, 56, 70)}, {30: compare(48, 80, 56, 70)})
    >>> [t.name for t in fig.data], fig.data[1].y
    (['Instructor-led (arm A)', 'Microlearning (arm B)'], (80.0,))
    """
    fig = Chart()
    days = sorted(results)
    for fmt, offset in ((ARM_A, 0), (ARM_B, 2)):
        ys, lows, highs = [], [], []
        for day in days:
            passed, tested = rows[day][offset], rows[day][offset + 1]
            rate = 100 * passed / tested
            low, high = wilson_interval(passed, tested)
            ys.append(rate)
            lows.append(rate - 100 * low)
            highs.append(100 * high - rate)
        fig.add_trace(
            scatter(
                x=days, y=ys, name=f"{fmt.label} (arm {'A' if fmt is ARM_A else 'B'})", mode="lines+markers",
                line={"color": FORMAT_COLOURS[fmt], "width": 3}, marker={"size": 10},
                error_y={"type": "data", "symmetric": False, "array": highs, "arrayminus": lows,
                         "color": FORMAT_COLOURS[fmt], "thickness": 1.5, "width": 6},
                hovertemplate="Day %{x}: %{y:.1f} %<extra>" + fmt.label + "</extra>",
            )
        )  # fmt: skip
    last = days[-1]
    frame(
        fig,
        results_headline(last, results[last]),
        x_title="Days after training",
        y_title="Learners passing (%)",
        subtitle="Bars: the range each rate most likely lies in (95 % interval)",
        legend=True,
    )
    fig.update_xaxes(tickvals=days, range=[min(days) - 15, max(days) + 15])
    fig.update_yaxes(range=[0, 100])
    return fig.figure()


def results_table(results: dict[int, Comparison]) -> pd.DataFrame:
    """One row per day: both rates, the difference, its CI, the p-value, P(B beats A)."""
    rows = []
    for day, r in sorted(results.items()):
        rows.append(
            {
                "Day": day,
                "Instructor-led (A)": percent(100 * r.rate_a),
                "Microlearning (B)": percent(100 * r.rate_b),
                "Difference B − A": points(r.difference),
                "95 % CI (Newcombe)": f"{points(r.ci[0])} to {points(r.ci[1])}",
                "p-value (z-test)": p_value_text(r.p_value),
                "P(microlearning better)": percent(100 * r.prob_b_beats_a),
            }
        )
    return pd.DataFrame(rows)


def apply_fit(field: str, value: float) -> None:
    """Button callback: put a fitted retention into the shared scenario (within the field's bounds)."""
    spec = INPUTS[field]
    low, high = float(spec.minimum or 0), float(spec.maximum or 100)
    if not low <= value <= high:
        st.session_state["pilot_fit_problem"] = f"{value:g} % is outside {low:g}-{high:g} %: not applied."
        return
    if update_scenario(**{field: float(value)}):
        return
    st.toast(f"{spec.label} ({'microlearning' if field.startswith('micro') else 'instructor-led'}) set to {value:g} %",
             icon=":material/check:")  # fmt: skip


@lru_cache(maxsize=32)
def cached_breakeven_check(
    scenario: Scenario, field: str, baseline: float, learners_per_arm: float, alpha: float, power: float
) -> BreakEvenCheck:
    """`calculators.pilot.breakeven_check`, kept for the last 32 inputs (a frozen record, shared
    as it is): goal seek evaluates the model a few hundred times."""
    return breakeven_check(scenario, field, baseline, learners_per_arm, alpha, power)


def breakeven_verdict(check: BreakEvenCheck, learners_per_arm: float) -> tuple[str, str]:
    """('success' | 'warning' | 'info', sentence) answering: can the pilot tell break-even from loss?

    >>> from calculators.pilot import EFFECTS
    >>> c = BreakEvenCheck(EFFECTS["micro_productivity_gain_pct"], False, 1.0, False, False, 42.8, 310_114)
    >>> breakeven_verdict(c, 170)[0]
    'warning'
    """
    n = learners(learners_per_arm)
    if check.profitable_without_effect:
        return "info", (
            "Microlearning breaks even under this scenario even with no effect at all: the pilot is not needed "
            "to tell break-even from loss (it can still size the gain)."
        )
    if check.never_profitable:
        return "info", (
            "No effect within the input's range makes microlearning break even under this scenario: whatever "
            "the pilot finds, this stream alone cannot turn the loss into a gain."
        )
    if check.breakeven_pct is None:  # e.g. no costs at all: ROI does not exist
        return "info", (
            "ROI does not exist under this scenario (microlearning has no costs), so there is no break-even "
            "for the pilot to detect."
        )
    need = percent(check.breakeven_pct)
    if check.can_tell:
        return "success", (
            f"The pilot can tell break-even from loss: with {n} learners per arm it detects effects from "
            f"{percent(check.mde_pct)}, and break-even needs {need}."
        )
    detect = (
        f"it detects effects only from {percent(check.mde_pct)}"
        if check.mde_pct is not None
        else "it cannot detect any effect in range"
    )
    more = (
        f" Detecting {need} takes about {learners(check.learners_for_breakeven)} learners per arm."
        if check.learners_for_breakeven is not None
        else ""
    )
    return "warning", (
        f"The planned pilot cannot tell break-even from loss: break-even needs an effect of {need}, but with "
        f"{n} learners per arm {detect}. A result at break-even would most likely read as 'no difference'.{more}"
    )
