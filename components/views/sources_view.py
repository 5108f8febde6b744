"""The Assumptions & sources page's parts: the inputs table, its filters, the source documents
and where their printed figures disagree with their own numbers (the "seed discrepancies").

`inputs_table` is a pure helper (a DataFrame of every input with its value, default, source
and grade); the other functions draw with Streamlit. Numbers come from
`calculators/evidence.py`; this module only words and formats them.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from calculators.evidence import (
    RESEARCH,
    after_reduction,
    percent_reduction,
    productivity_stretch,
    seed_000_example,
    seed_002_breakevens,
    skeptic_values,
    weak_defaults,
)
from calculators.scenario import (
    ARTICLE_000,
    ARTICLE_002,
    GRADE_MEANING,
    GROUPS,
    INPUTS,
    SOURCE_DOCUMENTS,
    Grade,
    InputSpec,
    Scenario,
)
from components.words.formatting import learners, money, percent

CHANGED = "changed"
SKEPTIC = "published value (skeptic)"
COLUMNS = ("Group", "Input", "Current value", "Default", "Changed", "Evidence grade", "Source")
SEED_CURRENCY = "USD"  # the source documents quote US dollars


SHORT_MEANING = {
    Grade.A: "meta-analysis or trial",
    Grade.B: "survey or single study",
    Grade.C: "vendor claim",
    Grade.D: "untraceable or illustrative",
    Grade.YOURS: "your organisation's number",
}  # table cells; the legend under the filters gives GRADE_MEANING in full


def grade_label(grade: Grade) -> str:
    """A grade with its meaning in a few words, as the table and the filter show it.

    >>> grade_label(Grade.C), grade_label(Grade.YOURS)
    ('C: vendor claim', "Your figure: your organisation's number")
    """
    return f"{grade.value}: {SHORT_MEANING[grade]}"


def _number(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.3g}"


def format_value(spec: InputSpec, value: Any, currency: str) -> str:
    """One input's value as a user reads it: currency, unit, on/off.

    >>> format_value(INPUTS["micro_fixed_cost"], 30_000.0, "EUR")
    '€30,000'
    >>> format_value(INPUTS["micro_seat_hours"], 0.125, "USD"), format_value(INPUTS["ilt_seat_hours"], 8.0, "USD")
    ('7.5 min', '8 h')
    >>> format_value(INPUTS["fully_loaded"], False, "USD"), format_value(INPUTS["attribution_pct"], 50.0, "USD")
    ('off', '50 %')
    """
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, str):
        return value
    unit = spec.unit
    if unit == "money":
        return money(value, currency)
    if unit == "money/hour":
        return f"{money(value, currency)} per hour"
    if unit == "%":
        return percent(value, decimals=0 if float(value).is_integer() else 1)
    if unit == "learners":
        return learners(value)
    if unit == "hours":
        return f"{value * 60:.3g} min" if 0 < value < 1 else f"{value:g} h"
    if unit == "×":
        return f"{value:g}×"
    if unit in ("years", "days", "weeks", "minutes"):
        word = unit[:-1] if value == 1 else unit
        return f"{_number(value)} {word}"
    if unit == "incidents":
        return _number(value)
    return _number(value) if isinstance(value, int | float) else str(value)


def inputs_table(
    scenario: Scenario, groups: list[str] | None = None, grades: list[str] | None = None
) -> pd.DataFrame:
    """Every input (or those in `groups` and `grades`; empty or None means all), as text.

    >>> table = inputs_table(Scenario(learners=477))
    >>> len(table) == len(INPUTS), table.loc[1, "Current value"], table.loc[1, "Changed"]
    (True, '477', 'changed')
    >>> set(inputs_table(Scenario(), grades=["C"])["Evidence grade"])
    {'C: vendor claim'}
    >>> bool(inputs_table(Scenario(skeptic=True), grades=["A"])["Changed"].str.contains("skeptic").any())
    True
    """
    replaced = skeptic_values(scenario)
    rows = []
    for name, spec in INPUTS.items():
        value, marker, source, grade = getattr(scenario, name), "", spec.source, spec.grade
        if value != spec.default:
            marker = CHANGED
        elif name in replaced:
            value, marker, source, grade = (
                replaced[name].value,
                SKEPTIC,
                replaced[name].source,
                replaced[name].grade,
            )
        if (groups and spec.group not in groups) or (grades and grade.value not in grades):
            continue
        rows.append(
            {
                "Group": spec.group,
                "Input": spec.label,
                "Current value": format_value(spec, value, scenario.currency),
                "Default": format_value(spec, spec.default, scenario.currency),
                "Changed": marker,
                "Source": source,
                "Evidence grade": grade_label(grade),
            }
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def weak_defaults_sentence(scenario: Scenario) -> str:
    """The page's message: how much of the scenario still rests on weak evidence.

    >>> weak_defaults_sentence(Scenario()).startswith(f"{len(weak_defaults(Scenario()))} of {len(INPUTS)} inputs")
    True
    """
    weak = weak_defaults(scenario)
    total = len(INPUTS)
    if not weak:
        return f"No input (of {total}) rests on a vendor claim or an untraceable default any more."
    return (
        f"{len(weak)} of {total} inputs still rest on grade C or D defaults (vendor claims or "
        "untraceable figures): replace the ones that drive your answer with your own numbers."
    )


def grade_legend() -> None:
    """What each evidence grade means, in one line."""
    st.caption(" · ".join(f"**{g.value}** {GRADE_MEANING[g]}" for g in Grade))


def inputs_table_view(scenario: Scenario) -> None:
    """Filters by group and grade, the inputs table, and its CSV download."""
    left, right = st.columns(2)
    groups = left.multiselect("Groups", list(GROUPS), key="src_groups", placeholder="All groups")
    grades = right.multiselect(
        "Evidence grades",
        [g.value for g in Grade],
        key="src_grades",
        format_func=lambda g: grade_label(Grade(g)),
        placeholder="All grades",
    )
    table = inputs_table(scenario, groups, grades)
    grade_legend()
    if table.empty:
        st.info("No input matches these filters.", icon=":material/filter_alt_off:")
    else:
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            height=600,
            column_config={
                # Wide enough for the header and the longest value ("$1,234,567", "€55 per hour"):
                # "small" (75 px) clipped "Current valu". The grid scrolls sideways on a phone.
                "Current value": st.column_config.TextColumn("Current value", width=112),
                "Default": st.column_config.TextColumn("Default", width=104),
                "Evidence grade": st.column_config.TextColumn("Evidence grade", width="medium"),
                "Input": st.column_config.TextColumn("Input", width=200),
                "Source": st.column_config.TextColumn("Source", width=380),
                "Changed": st.column_config.TextColumn("Changed", help="You replaced the default."),
            },
        )
        st.caption("Hover over a cell to read a long source in full, or download the table.")
    st.download_button(
        "Download CSV",
        table.to_csv(index=False),
        file_name="training-roi-inputs-and-sources.csv",
        mime="text/csv",
        key="src_csv",
        icon=":material/download:",
    )


def _usd(x: float) -> str:
    return money(x, SEED_CURRENCY)


def source_documents() -> None:
    """The three articles the defaults come from, cited as readers know them."""
    st.markdown("\n".join(f"- **{d.citation}**: {d.used_for}." for d in SOURCE_DOCUMENTS))


def _item(title: str, article_says: str, computed: str, note: str, arithmetic: str) -> None:
    with st.container(border=True):
        st.markdown(f"**{title}**")
        left, right = st.columns(2)
        left.markdown(f"*The article says:* {article_says}")
        right.markdown(f"*From its own figures:* {computed}")
        with st.expander("The arithmetic"):
            st.markdown(arithmetic)
        st.caption(note)


def seed_discrepancies(scenario: Scenario) -> None:
    """Where an article's printed figure does not follow from its own numbers, shown side by side."""
    micro, ilt = seed_002_breakevens()
    upscend, future = ARTICLE_002.short, ARTICLE_000.short
    _item(
        f"{upscend[0].upper()}{upscend[1:]}: break-even learners without a benefit",
        f"break-even at about {learners(micro.printed_breakeven)} learners for microlearning and about "
        f"{learners(ilt.printed_breakeven)} for instructor-led.",
        f"break-even depends on the benefit each learner brings, and the article gives none. Its counts imply a "
        f"benefit of {_usd(micro.implied_benefit)} per learner for microlearning and {_usd(ilt.implied_benefit)} "
        "for instructor-led: two different values of the same training.",
        "The model computes break-even from your benefit per learner instead of copying the article's counts.",
        "Break-even learners = fixed cost / (benefit per learner − cost per learner): the point where the "
        "benefits have covered the development cost. So the benefit per learner = fixed cost / break-even + "
        f"cost per learner: {_usd(micro.fixed_cost)} / {learners(micro.printed_breakeven)} + "
        f"{_usd(micro.cost_per_learner)} = {_usd(micro.implied_benefit)} for microlearning, "
        f"{_usd(ilt.fixed_cost)} / {learners(ilt.printed_breakeven)} + {_usd(ilt.cost_per_learner)} = "
        f"{_usd(ilt.implied_benefit)} for instructor-led.",
    )
    ex = seed_000_example()
    _item(
        f"{future[0].upper()}{future[1:]}: the per-employee calculator",
        f"cost {_usd(ex.cost)}, revenue {_usd(ex.revenue)}, turnover savings {_usd(ex.turnover_saving)}; "
        f'"Total ROI per employee: {_usd(ex.printed_total)}".',
        f"benefits of {_usd(ex.benefits)}, a net gain of {_usd(ex.net)} and an ROI of {percent(ex.roi_pct)}. "
        f"The printed {_usd(ex.printed_total)} is neither the benefits nor the net gain, and an ROI is a "
        "percentage, not an amount.",
        "The Per-employee ROI case study loads this calculator; the model gives the computed figures.",
        f"Benefits = revenue + turnover savings = {_usd(ex.revenue)} + {_usd(ex.turnover_saving)} = "
        f"{_usd(ex.benefits)}. Net gain = benefits − cost = {_usd(ex.benefits)} − {_usd(ex.cost)} = "
        f"{_usd(ex.net)}. ROI = net gain / cost = {percent(ex.roi_pct)}: what each dollar spent earns on top "
        f"of itself. The printed {_usd(ex.printed_total)} is {_usd(ex.benefits - ex.printed_total)} below the "
        f"benefits and {_usd(ex.printed_total - ex.net)} above the net gain.",
    )
    _item(
        f"{future[0].upper()}{future[1:]}: how much shorter onboarding gets",
        "microlearning cut onboarding time by 38 % (a McKinsey survey); its own rollout went from six weeks to "
        '"just under four".',
        f'"just under four" weeks is a cut of about a third ({percent(percent_reduction(6, 4))} for exactly '
        "four weeks), not 38 %.",
        "The onboarding input defaults to 2 weeks saved, the article's own example, not the survey's 38 %.",
        f"Cut = (before − after) / before: (6 − 4) / 6 = {percent(percent_reduction(6, 4))}. A 38 % cut of six "
        f"weeks would leave 6 × (1 − 0.38) = {after_reduction(6, 38):.1f} weeks.",
    )
    p = productivity_stretch(scenario)
    years = f"{p.horizon_years} year{'s' if p.horizon_years != 1 else ''}"
    stretch = f"{p.stretch:.0f} times" if p.stretch is not None else "—"
    gain = percent(p.gain_pct, decimals=0 if float(p.gain_pct).is_integer() else 1)
    _item(
        f"{future[0].upper()}{future[1:]}: a six-month productivity gain, counted every year",
        '+12 % productivity with microlearning vs +4 % with traditional training "over six months", from '
        "one internal study reported second-hand (grade C).",
        f"the model applies the gain to a full year's output in every year of the horizon: with your inputs "
        f"{money(p.modelled_value, scenario.currency)} per learner, against "
        f"{money(p.measured_value, scenario.currency)} for the six months measured, {stretch} as much.",
        "Keep the productivity stream off, or lower its gain, unless your own pilot shows the gain lasts.",
        f"Counted by the model: +{gain} × {money(p.output_value, scenario.currency)} of output a year × {years} "
        f"= {money(p.modelled_value, scenario.currency)}. Measured: +{gain} × "
        f"{money(p.output_value, scenario.currency)} × 6 / 12 months = {money(p.measured_value, scenario.currency)}.",
    )


def research_list() -> None:
    """Conservative published values that the source documents' claims can be checked against."""
    st.markdown("\n".join(f"- **{f.finding}** {f.source} (grade {grade_label(f.grade)})." for f in RESEARCH))
