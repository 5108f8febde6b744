"""Case-study cards: one per preset in `sample_data/`, with key figures and a load button.

Each card names the preset's source and evidence grade, shows two or three figures the
model computes for the option the case is about, and loads the preset into the sidebar
with a button (key `case_load_<slug>`, the slug being the preset's file stem).
"""

from __future__ import annotations

import re

import streamlit as st

from calculators.evidence import CaseFigures, case_figures, cheapest_option
from calculators.presets import Preset, load_presets
from calculators.roi import Option
from calculators.scenario import GRADE_MEANING, Scenario
from components.session.scenario import current_scenario, load_preset
from components.words.formatting import learners, money, months, percent
from components.words.messages import basis_line

# The option each source-document case is about; other presets show their cheaper pure format.
FOCUS: dict[str, Option] = {
    "retail_pos_rollout": Option.MICRO,
    "security_champions": Option.BLEND,
    "per_employee_roi": Option.ILT,
}
CARDS_PER_ROW = 2


def slug(name: str) -> str:
    """A preset's name as a key part; equals its file stem for the sample presets.

    >>> slug("Per-employee ROI"), slug("Vendor cost table, fully loaded")
    ('per_employee_roi', 'vendor_cost_table_fully_loaded')
    """
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def focus_option(preset: Preset) -> Option:
    """The option a case card reports on."""
    return FOCUS.get(slug(preset.name)) or cheapest_option(preset.scenario)


@st.cache_data(max_entries=1, show_spinner=False)
def _cases() -> tuple[list[Preset], list[str]]:
    return load_presets()


@st.cache_data(max_entries=32, show_spinner=False)
def _figures(scenario: Scenario, option: Option) -> CaseFigures:
    return case_figures(scenario, option)


def _payback_text(value: float | None) -> str:
    text = months(value)
    return "never within the horizon" if text == "—" else text


def case_card(preset: Preset, on_screen: bool) -> None:
    """One bordered card: name, figures, description, source and grade, load button."""
    option = focus_option(preset)
    f = _figures(preset.scenario, option)
    cur = preset.scenario.currency
    key = slug(preset.name)
    with st.container(border=True):
        st.subheader(preset.name, anchor=False)
        st.caption(f"Figures for the **{option.label.lower()}** option, as the model computes them.")
        st.caption(basis_line(preset.scenario))  # each case's own basis: its switches, not the sidebar's
        a, b, c = st.columns(3)
        a.metric("Learners", learners(f.learners))
        b.metric("Cost per learner", money(f.cost_per_learner, cur))
        c.metric(
            "ROI",
            percent(f.roi_pct),
            help="As the model computes it with the case's inputs: benefits adjusted for completion, "
            "attribution, application and retention where the case keeps those defaults.",
        )
        st.caption(
            f"{option.label}: total cost {money(f.costs, cur)}, benefits {money(f.benefits, cur)} over "
            f"{preset.scenario.horizon_years} year{'s' if preset.scenario.horizon_years != 1 else ''}, "
            f"payback {_payback_text(f.payback_months)}."
        )
        st.markdown(preset.description)
        st.caption(
            f"Source: {preset.source}. Evidence grade {preset.grade.value}: {GRADE_MEANING[preset.grade]}."
        )
        if preset.problems:
            st.warning(
                "Some values in this preset were rejected:\n\n" + "\n".join(f"- {p}" for p in preset.problems)
            )
        st.button(
            "Load this case",
            key=f"case_load_{key}",
            on_click=load_preset,
            args=(preset,),
            icon=":material/upload:",
            type="primary" if not on_screen else "secondary",
            help="Replaces every sidebar input with this case's values; every page then shows it.",
        )
        if on_screen:
            st.caption(":material/check: This case is on screen now.")


def case_grid() -> None:
    """Every preset as a card, two per row; unreadable preset files reported, not raised."""
    presets, errors = _cases()
    for error in errors:
        st.warning(f"A preset file could not be read: {error}")
    if not presets:
        st.info("No case studies found in sample_data/.")
        return
    order = list(FOCUS)
    presets = sorted(
        presets, key=lambda p: order.index(slug(p.name)) if slug(p.name) in order else len(order)
    )
    current = current_scenario()
    for start in range(0, len(presets), CARDS_PER_ROW):
        row = presets[start : start + CARDS_PER_ROW]
        for column, preset in zip(st.columns(CARDS_PER_ROW), row, strict=False):
            with column:
                case_card(preset, on_screen=preset.scenario == current)
