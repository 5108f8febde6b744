"""The Pilot planner's five sections, each drawn by one function that returns what the next needs.

`pages/pilot.py` lays them out in order: size the pilot (`size_section` → `SizedPilot`),
read its results (`results_section` → the entered counts and their comparisons; the page
holds the lazily built "Results table" section, as every page does), fit their decay
(`decay_section`), check break-even (`breakeven_section` → the effect measured) and weigh
the pilot (`worth_section`). Widget keys, labels and texts are the page's own: tests and
shared links find the widgets by key (`pilot_…`, page settings in `calculators/settings.py`).
The arithmetic lives in `calculators.pilot`; messages and figures in `pilot_view`.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from calculators.pilot import (
    DAY_FIRST,
    DAY_SECOND,
    EFFECTS,
    Comparison,
    Effect,
    PilotSize,
    compare,
    decay_fit,
    effective_learners,
    pilot_size,
    two_sided_alpha,
)
from calculators.scenario import ARTICLE_000, INPUTS, Format, Scenario
from calculators.settings import PILOT_COUNTS
from components.session.ranges import current_ranges
from components.views.information_view import pilot_value_section
from components.views.kpi import Tile, format_label, kpi_row
from components.views.pilot_view import (
    apply_fit,
    breakeven_verdict,
    cached_breakeven_check,
    p_value_text,
    points,
    results_figure,
    results_table,
    sample_size_figure,
    show_population_note,
    significance_input,
)
from components.views.show import show_chart
from components.words.formatting import learners, percent
from components.work.answer import Answer

DAYS = (DAY_FIRST, DAY_SECOND)
RESULT_LABELS = (
    "Instructor-led: passed",
    "Instructor-led: tested",
    "Microlearning: passed",
    "Microlearning: tested",
)
EXAMPLE = {DAY_FIRST: (56, 100, 68, 100), DAY_SECOND: (34, 95, 55, 96)}  # illustrative results

Counts = tuple[int, int, int, int]  # passed A, tested A, passed B, tested B
NO_PILOT = "Plan a pilot above, or enter how many learners per arm you can enrol."


@dataclass(frozen=True)
class SizedPilot:
    """Section 1's settings and plan, what the break-even check builds on."""

    non_inferiority: bool  # the question is "no worse?" (one-sided), not "better?" (two-sided)
    alpha: float  # one-sided when `non_inferiority`
    power: float
    baseline_pct: float  # arm A's rate, %
    target_pct: float  # the rate expected in arm B, %
    margin_pct: float  # non-inferiority margin, points (10 when the question is "better?")
    clustered: bool  # whole teams are randomised
    team_size: int  # learners per team; 1 when learners are randomised one by one
    icc: float  # intra-cluster correlation; 0 when learners are randomised one by one
    size: PilotSize | None  # None: no pilot size answers the question

    @property
    def baseline(self) -> float:
        """Arm A's rate as a fraction."""
        return self.baseline_pct / 100

    @property
    def target(self) -> float:
        """Arm B's expected rate as a fraction."""
        return self.target_pct / 100

    @property
    def planned(self) -> int | None:
        """Learners per arm as planned (whole teams when teams are randomised)."""
        return None if self.size is None else self.size.learners


def _size_inputs() -> SizedPilot:
    """The question, test settings, rates and teams, and the pilot size they ask for."""
    c1, c2, c3, c4, c5 = st.columns(5)
    design = c1.selectbox(
        "Question", ["better", "no worse"], key="pilot_design", persist_state="session",
        format_func=lambda d: f"Is microlearning {d}?",
        help="Better: two-sided superiority test. No worse: one-sided non-inferiority test with a margin.",
    )  # fmt: skip
    non_inferiority = design == "no worse"
    alpha = significance_input(c2, one_sided=non_inferiority)
    power = c3.selectbox(
        "Power", [0.80, 0.85, 0.90, 0.95], key="pilot_power", format_func=lambda p: f"{100 * p:.0f} %",
        persist_state="session",
        help="The chance that the pilot detects the gap you expect, if the gap is real. 80 % is usual.",
    )  # fmt: skip
    baseline_pct = c4.number_input(
        "Arm A rate, instructor-led (%)", 1.0, 99.0, step=1.0, format="%.0f", key="pilot_baseline_pct",
        persist_state="session",
        help=f"Default: 35 % retention after an eight-hour workshop, from {ARTICLE_000.short} (grade C).",
    )  # fmt: skip
    target_pct = c5.number_input(
        "Arm B rate you expect, microlearning (%)", 1.0, 99.0, step=1.0, format="%.0f", key="pilot_target_pct",
        persist_state="session",
        help="Illustrative: a 15-point gain. The smaller the gain, the larger the pilot.",
    )  # fmt: skip
    margin_pct = 10.0
    if non_inferiority:
        margin_pct = st.number_input(
            "Non-inferiority margin (points)", 1.0, 50.0, step=1.0, format="%.0f", key="pilot_margin_pct",
            persist_state="session",
            help="How much worse than instructor-led microlearning may be and still be adopted.",
        )  # fmt: skip
    clustered = st.toggle(
        "Teams are randomised, not individual learners", key="pilot_cluster", persist_state="session",
        help="Whole teams (or sites) get one format: learners in a team resemble each other, so more are needed.",
    )  # fmt: skip
    team_size, icc = 1, 0.0
    if clustered:
        t1, t2 = st.columns(2)
        team_size = t1.number_input(
            "Learners per team", 1, 1_000, key="pilot_team_size", persist_state="session"
        )
        icc = t2.number_input(
            "Intra-cluster correlation (ICC)", 0.0, 1.0, step=0.01, format="%.2f", key="pilot_icc",
            persist_state="session",
            help="How alike learners in one team are: 0 means no more alike than strangers, 1 identical. "
            "Illustrative default 0.05; workplace and school trials commonly report 0.01-0.2.",
        )  # fmt: skip
    size = pilot_size(
        design, baseline_pct / 100, target_pct / 100, margin_pct / 100, alpha, power,
        clustered, int(team_size), float(icc),
    )  # fmt: skip
    return SizedPilot(
        non_inferiority=non_inferiority, alpha=alpha, power=power, baseline_pct=baseline_pct,
        target_pct=target_pct, margin_pct=margin_pct, clustered=clustered, team_size=team_size, icc=icc, size=size,
    )  # fmt: skip


def _sizing_explained(p: SizedPilot) -> None:
    """The expander saying what the test settings and the design effect mean."""
    with st.expander("How the pilot is sized"):
        st.markdown(
            f"- **Significance level α = {p.alpha:g}**: the risk of a false alarm you accept, i.e. of declaring a "
            "difference that is not there.\n"
            f"- **Power {p.power:.0%}**: the chance of detecting the gap you expect if it is real.\n"
            + (
                "- **Non-inferiority test**: one-sided, so only a shortfall of microlearning counts; "
                "the margin is the largest shortfall you would still accept.\n"
                if p.non_inferiority
                else "- **Superiority test**: two-sided, so a gap in either direction counts.\n"
            )
            + (
                f"- **Design effect = 1 + (learners per team − 1) × ICC = 1 + ({p.team_size} − 1) × {p.icc:g}**: how "
                "many times more learners a pilot needs when whole teams get one format, because learners in a "
                "team resemble each other.\n"
                if p.size is not None and p.size.cluster
                else ""
            )
        )
        if p.non_inferiority:
            st.caption(
                f"One-sided test at α = {p.alpha:g} that microlearning is at most {p.margin_pct:g} points worse "
                "(Chow, Shao & Wang; normal approximation, unpooled variance)."
            )
        else:
            st.caption("Two-sided test of two proportions (normal approximation).")


def size_section(scenario: Scenario) -> SizedPilot:
    """1 · How many learners each arm needs: the settings, the plan's tiles, its chart and how it is sized."""
    st.subheader("1 · How many learners each arm needs")
    p = _size_inputs()
    if p.size is None:
        st.warning(
            "Equal rates: there is no difference to detect, so no pilot size is enough. Set the rate you expect "
            "for microlearning."
            if not p.non_inferiority
            else "The rate you expect does not clear the margin: no pilot size can show microlearning is no worse.",
            icon=":material/warning:",
        )
        return p
    per_arm, planned, plan = p.size.individual, p.size.learners, p.size.cluster
    tiles = [
        Tile(
            "Learners per arm",
            learners(planned),
            "rounded up to whole teams" if plan else "two arms of this size",
        ),
        Tile("Learners in the pilot", learners(2 * planned), "both arms"),
    ]
    if plan:
        tiles += [
            Tile("Design effect", f"{plan.design_effect:.2f}", "times the learners needed one by one"),
            Tile(
                "Teams per arm",
                learners(plan.teams),
                f"{learners(per_arm)} learners if randomised one by one",
            ),
        ]
    kpi_row(tiles)
    show_population_note(planned, scenario.learners)
    if p.non_inferiority:
        st.caption(
            f"Microlearning counts as no worse if it is at most {p.margin_pct:g} points below instructor-led."
        )
    else:
        show_chart(
            sample_size_figure(p.baseline, p.target, per_arm, p.alpha, p.power), key="pilot_size_chart"
        )
    _sizing_explained(p)
    return p


def _fill_example() -> None:
    for day, values in EXAMPLE.items():
        for name, value in zip(PILOT_COUNTS, values, strict=True):
            st.session_state[f"pilot_{name}_{day}"] = value


def _counts_inputs() -> tuple[dict[int, Counts], list[str]]:
    """One row of counts per day; the counts and what is wrong with them."""
    rows: dict[int, Counts] = {}
    problems: list[str] = []
    for day in DAYS:
        cols = st.columns([1, 2, 2, 2, 2], vertical_alignment="bottom")
        cols[0].markdown(f"**Day {day}**")
        values = [
            column.number_input(
                label, min_value=0, max_value=100_000, key=f"pilot_{count}_{day}", persist_state="session"
            )
            for column, count, label in zip(cols[1:], PILOT_COUNTS, RESULT_LABELS, strict=True)
        ]
        rows[day] = tuple(int(v) for v in values)  # type: ignore[assignment]
        a_pass, a_n, b_pass, b_n = rows[day]
        if a_pass > a_n or b_pass > b_n:
            problems.append(f"Day {day}: more learners passed than were tested.")
        elif a_n > 0 and b_n > 0:
            continue
        elif a_n + b_n > 0:
            problems.append(f"Day {day}: enter how many learners were tested in both arms.")
    return rows, problems


def _results_read(rows: dict[int, Counts], results: dict[int, Comparison]) -> None:
    """Each day's tiles, then the chart and how it is computed."""
    for day, r in results.items():
        kpi_row(
            [
                Tile(f"Difference at day {day}", points(r.difference), "microlearning minus instructor-led"),
                Tile(f"95 % CI at day {day}", f"{points(r.ci[0])} to {points(r.ci[1])}".replace(" points", ""),
                     "points: where the true difference most likely lies"),
                Tile(f"p-value at day {day}", p_value_text(r.p_value), "chance of a gap this large if the formats were equal"),
                Tile(f"P(microlearning better) at day {day}", percent(100 * r.prob_b_beats_a),
                     "how likely microlearning is truly better"),
            ]
        )  # fmt: skip
    if not results:
        return
    show_chart(results_figure(rows, results), key="pilot_results_chart")
    with st.expander("How the results are computed"):
        st.markdown(
            "- **95 % CI** (confidence interval): the range that holds the true difference in 95 of 100 such "
            "pilots. Newcombe's hybrid score interval for a difference of two proportions.\n"
            "- **p-value**: the chance of a gap at least this large if both formats worked equally well; "
            "below 0.05 is usually called significant. Two-proportion z-test, two-sided.\n"
            "- **P(microlearning better)**: how likely microlearning's true rate is the higher one, given "
            "these results. Bayesian, with uniform Beta(1, 1) priors (every rate equally likely beforehand).\n"
            "- **Bars on the chart**: the range each arm's rate most likely lies in (95 % Wilson score interval)."
        )


def results_table_view(results: dict[int, Comparison]) -> None:
    """The results table and its CSV download (the page draws it in its "Results table" section, built
    only while open)."""
    table = results_table(results)
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button(
        "Download CSV", table.to_csv(index=False), file_name="pilot-results.csv", key="pilot_csv"
    )


def results_section() -> tuple[dict[int, Counts], dict[int, Comparison]]:
    """2 · Results at 30 and 90 days: the counts entered and what they say (tiles, chart, how they are
    computed); returns the counts per day and each valid day's comparison (the page adds the table)."""
    st.subheader(f"2 · Results at {DAY_FIRST} and {DAY_SECOND} days")
    st.button("Fill in an example", key="pilot_example", on_click=_fill_example, icon=":material/edit_note:",
              help="Illustrative numbers to see how the results read; replace them with yours.")  # fmt: skip
    rows, problems = _counts_inputs()
    results = {
        day: compare(*row)
        for day, row in rows.items()
        if row[1] > 0 and row[3] > 0 and row[0] <= row[1] and row[2] <= row[3]
    }
    for problem in problems:
        st.error(problem, icon=":material/error:")
    if not results:
        st.info(
            "Enter how many learners passed and were tested in each arm to read the results.",
            icon=":material/info:",
        )
    _results_read(rows, results)
    return rows, results


def decay_section(scenario: Scenario, rows: dict[int, Counts]) -> None:
    """3 · Feed the decay into the retention model: each arm's fitted curve and a button to use it."""
    st.subheader("3 · Feed the decay into the retention model")
    day_ref = scenario.retention_reference_day
    st.caption(
        f"Each arm's two results give its forgetting curve. The curve's value at day {day_ref} (your reference day) "
        "can replace the sidebar's 'Knowledge retained', rounded to a whole percent."
    )
    with st.expander("The decay formula"):
        st.markdown(
            "R(t) = R₃₀·e^(−(t − 30)/S), with S = (90 − 30) / ln(R₃₀ / R₉₀): knowledge fades by the same fraction "
            "every day. R₃₀ and R₉₀ are the pass rates at days 30 and 90; S, the stability, is the number of days "
            "the rate takes to fall to about a third (e^(−1) ≈ 37 %)."
        )
    fit_columns = st.columns(2)
    for column, fmt, offset in ((fit_columns[0], Format.MICRO, 2), (fit_columns[1], Format.ILT, 0)):
        field = f"{fmt.value}_retention_pct"
        spec = INPUTS[field]
        first, second = rows[DAY_FIRST], rows[DAY_SECOND]
        fit = decay_fit(
            first[offset], first[offset + 1], second[offset], second[offset + 1],
            day_ref, (float(spec.minimum or 1), float(spec.maximum or 100)),
        )  # fmt: skip
        with column:
            st.markdown(format_label(fmt))
            current = getattr(scenario, field)
            if fit.at_reference is None:
                st.markdown(fit.message)
            else:
                st.markdown(
                    f"{fit.message}; retention at day {day_ref} = **{percent(fit.at_reference, 0)}** "
                    f"(the model uses {percent(current, 0)})."
                )
            st.button(
                f"Use {percent(fit.at_reference, 0)} in the model" if fit.at_reference is not None else "Use in the model",
                key=f"pilot_fit_{fmt.value}", on_click=apply_fit, args=(field, fit.at_reference or 0.0),
                disabled=fit.at_reference is None or fit.at_reference == current, icon=":material/input:",
            )  # fmt: skip
    if problem := st.session_state.pop("pilot_fit_problem", None):
        st.error(problem, icon=":material/error:")


def breakeven_section(scenario: Scenario, p: SizedPilot) -> Effect:
    """4 · Can the pilot tell break-even from loss? The effect measured and the learners enrolled,
    the break-even effect against the smallest the pilot detects; returns the effect measured."""
    st.subheader("4 · Can the pilot tell break-even from loss?")
    e1, e2 = st.columns(2)
    field = e1.selectbox(
        "Effect the pilot measures", list(EFFECTS), key="pilot_effect", format_func=lambda f: INPUTS[f].label,
        persist_state="session",
        help="A relative change of arm A's rate: productivity raises a success rate, incidents avoided lower an incident rate.",
    )  # fmt: skip
    enrol = e2.number_input(
        "Learners per arm you can enrol (0 = the plan above)", 0, 1_000_000, step=10, key="pilot_enrol",
        persist_state="session",
    )  # fmt: skip
    effect = EFFECTS[field]
    per_arm_enrolled = enrol or p.planned or 0
    if enrol:
        show_population_note(int(enrol), scenario.learners)
    effective_n = effective_learners(per_arm_enrolled, p.team_size, p.icc, p.clustered)
    if per_arm_enrolled <= 0:
        st.info(NO_PILOT, icon=":material/info:")
        return effect
    # Detecting an effect is two-sided: a one-sided α counts as the two-sided level as strict.
    detect_alpha = two_sided_alpha(p.alpha, one_sided=p.non_inferiority)
    check = cached_breakeven_check(scenario, field, p.baseline, float(effective_n), detect_alpha, p.power)
    kpi_row(
        [
            Tile("Break-even effect", percent(check.breakeven_pct),
                 f"{INPUTS[field].label.lower()} needed to break even" if check.breakeven_pct is not None
                 else "ROI is positive even with no effect" if check.profitable_without_effect
                 else "no effect in range breaks even"),
            Tile("Smallest effect the pilot detects", percent(check.mde_pct),
                 f"relative to arm A's {percent(p.baseline_pct, 0)}, {learners(per_arm_enrolled)} per arm"),
            Tile("Learners per arm to detect break-even", learners(check.learners_for_breakeven),
                 "same false-alarm risk and power" if check.learners_for_breakeven
                 else "no break-even effect to detect"),
        ]
    )  # fmt: skip
    kind, sentence = breakeven_verdict(check, per_arm_enrolled)
    {"success": st.success, "warning": st.warning, "info": st.info}[kind](sentence)
    st.caption(
        f"The pilot counts the {effect.outcome}; the model's effect is the relative change of arm A's rate. "
        "Break-even comes from goal seek on microlearning's ROI with this benefit stream counted"
        + ("" if check.stream_was_on else " (it is off in your sidebar; the check switches it on)")
        + ". Read arm A as the group the effect is measured against. "
        + ("Team randomisation divides the learners by the design effect. " if p.clustered else "")
    )
    return effect


def worth_section(scenario: Scenario, answer: Answer, effect: Effect) -> None:
    """5 · Is the pilot worth it before choosing? The verdict's own pilot (the same size, effect,
    rate and design effect as the sections above), its worth against its cost."""
    st.subheader("5 · Is the pilot worth it before choosing?")
    if answer.pilot_plan is None:
        st.info(NO_PILOT, icon=":material/info:")
    else:
        pilot_value_section(scenario, answer.pilot_plan, current_ranges(), effect.outcome, answer.simulation)
