"""The shared scenario inputs in the sidebar, kept in step with the address bar.

One function, `scenario_sidebar`, is called by the entry script on every run:

1. On a session's first run it reads the share link (`st.query_params`) through the
   scenario codec; rejected values are reported and fall back to the defaults.
2. It draws one widget per scenario field (keys `sb_<field>`), grouped as UI.md says,
   with help text naming each default's source and evidence grade.
3. It validates the widget values with the same model; a rejected value keeps the last
   valid scenario and is reported, so the app never shows a stack trace.
4. It writes the values that differ from the defaults back to the address bar, so the
   URL is always a share link for what is on screen.
"""

from __future__ import annotations

import typing
from typing import Any

import streamlit as st

from calculators.codec import InputProblem, apply_inputs, scenario_from_query, scenario_to_query
from calculators.presets import Preset, load_presets
from calculators.scenario import (
    CURRENCY_SYMBOLS,
    GRADE_MEANING,
    GROUPS,
    INPUTS,
    SCALE,
    Grade,
    InputSpec,
    Scenario,
)
from components.safe_text import problem_list

KEY_PREFIX = "sb_"
SCENARIO_KEY = "scenario"  # the last valid Scenario of this session
PROBLEMS_KEY = "scenario_problems"  # messages about rejected link or widget values
LOADED_KEY = "scenario_loaded_from_link"
APP_PARAMS = frozenset({"page", "present", "rng"})
EXPANDED_GROUPS = frozenset(
    {"Microlearning", "Instructor-led"}
)  # query parameters that belong to the app, not the scenario


def widget_key(name: str) -> str:
    """The session-state key of a scenario field's sidebar widget (`sb_learners`)."""
    return KEY_PREFIX + name


def current_scenario() -> Scenario:
    """The scenario on screen (the defaults before the sidebar has run)."""
    value = st.session_state.get(SCENARIO_KEY)
    return value if isinstance(value, Scenario) else Scenario()


UPDATE_PROBLEMS_KEY = "scenario_update_problems"


def update_scenario(**changes: object) -> list[InputProblem]:
    """The one way a page changes the shared scenario: every value is validated by the model;
    a rejected value is reported (shown on the next run) and the scenario keeps its own.

    Returns the problems (empty when every change was applied)."""
    updated, problems = apply_inputs(current_scenario(), changes)
    set_scenario(updated)
    if problems:
        st.session_state[UPDATE_PROBLEMS_KEY] = [p.message for p in problems]
    return problems


def set_scenario(scenario: Scenario) -> None:
    """Make `scenario` current: widgets show it on the next run (for presets and imports)."""
    st.session_state[SCENARIO_KEY] = scenario
    for name in INPUTS:
        st.session_state[widget_key(name)] = getattr(scenario, name)


def _help(spec: InputSpec) -> str:
    grade = "your own figure" if spec.grade is Grade.YOURS else f"grade {spec.grade.value}"
    text = f"{spec.help}\n\n" if spec.help and spec.help != spec.label else ""
    default = spec.default
    return f"{text}Default {default!r} — source: {spec.source} ({grade}: {GRADE_MEANING[spec.grade]})."


def _money_format(spec: InputSpec, currency: str) -> str:
    symbol = CURRENCY_SYMBOLS[currency].replace("%", "%%")
    return f"{symbol}%.2f" if (spec.step or 1) < 1 else f"{symbol}%,.0f"


def _number_format(spec: InputSpec, currency: str) -> str | None:
    if spec.unit == "money":
        return _money_format(spec, currency)
    if spec.unit == "money/hour":
        return _money_format(spec, currency) + " /h"
    if spec.unit == "%":
        return "%.1f%%" if (spec.step or 1) < 1 else "%.0f%%"
    if spec.unit == "hours":
        return "%.3g h"
    if spec.unit == "learners":
        return "%,d"
    if spec.unit == "years":
        return "%d-year"
    if spec.unit == "days":
        return "%d days" if spec.name != "retention_reference_day" else "day %d"
    if spec.unit == "minutes":
        return "%.1f min"
    if spec.unit == "weeks":
        return "%.1f weeks"
    if spec.unit == "×":
        return "%.1f×"
    if spec.unit == "incidents":
        return "%.1f"
    return None


def _widget(spec: InputSpec, currency: str, container: Any) -> Any:
    key = widget_key(spec.name)
    if spec.widget == "toggle":
        return container.toggle(spec.label, key=key, help=_help(spec))
    if spec.widget == "select":
        options = list(typing.get_args(Scenario.model_fields[spec.name].annotation))
        return container.selectbox(spec.label, options, key=key, help=_help(spec))
    is_int = isinstance(spec.default, int)
    cast = int if is_int else float
    common = {
        "min_value": cast(spec.minimum),
        "max_value": cast(spec.maximum),
        "step": cast(spec.step or 1),
        "key": key,
        "help": _help(spec),
    }
    fmt = _number_format(spec, currency)
    if spec.widget == "number":
        # number_input takes plain printf formats only: the unit goes into the label
        # (its identity is its key, so a currency change keeps the value).
        unit = {"money": currency, "money/hour": f"{currency} per hour"}.get(spec.unit, spec.unit)
        decimals = "%.2f" if (spec.step or 1) < 1 else "%.0f"
        return container.number_input(f"{spec.label} ({unit})", format=decimals, **common)
    return container.slider(spec.label, format=fmt, **common)


def _seed_widgets(scenario: Scenario) -> None:
    """Give every widget its value before it is drawn (no `value=` argument, one writer)."""
    for name in INPUTS:
        key = widget_key(name)
        if key not in st.session_state:
            st.session_state[key] = getattr(scenario, name)


def _first_run_from_link() -> None:
    if st.session_state.get(LOADED_KEY):
        return
    st.session_state[LOADED_KEY] = True
    scenario, problems = scenario_from_query(st.query_params.to_dict(), ignore=APP_PARAMS)
    st.session_state[SCENARIO_KEY] = scenario
    st.session_state[PROBLEMS_KEY] = [p.message for p in problems]
    for name in INPUTS:
        st.session_state.pop(widget_key(name), None)


def _sync_address_bar(scenario: Scenario) -> None:
    wanted = scenario_to_query(scenario)
    kept = {k: v for k, v in st.query_params.to_dict().items() if k in APP_PARAMS}
    wanted = {**kept, **wanted}
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


@st.cache_data(max_entries=1, show_spinner=False)
def _presets() -> tuple[list[Preset], list[str]]:
    return load_presets()


def load_preset(preset: Preset) -> None:
    """Button callback: runs before the script, so widget values may still be set."""
    set_scenario(preset.scenario)
    st.session_state["sb_preset_choice"] = preset.name  # the picker names what is loaded
    st.session_state[PROBLEMS_KEY] = list(preset.problems)
    st.toast(f"Loaded preset: {preset.name}", icon=":material/check:")


def preset_picker() -> None:
    """Start from a preset in `sample_data/` (each names its source and grade)."""
    presets, errors = _presets()
    for error in errors:
        st.warning(f"A preset file could not be read: {error}")
    if not presets:
        return
    names = [p.name for p in presets]
    choice = st.selectbox(
        "Start from a preset", names, key="sb_preset_choice",
        help="\n\n".join(f"**{p.name}**: {p.description} Source: {p.source} (grade {p.grade.value})." for p in presets),
    )  # fmt: skip
    preset = presets[names.index(choice)]
    st.button(
        "Load preset", key="sb_preset_load", on_click=load_preset, args=(preset,), icon=":material/restart_alt:",
        help="Replaces every input with the preset's values.",
    )  # fmt: skip


def scenario_sidebar(*, draw: bool = True) -> Scenario:
    """Draw the shared inputs in the sidebar and return the validated scenario.

    With `draw=False` (presentation mode) no input is drawn and the scenario stays as it is.
    """
    _first_run_from_link()
    last_valid = current_scenario()
    if not draw:
        _sync_address_bar(last_valid)
        return last_valid
    _seed_widgets(last_valid)
    currency = str(st.session_state.get(widget_key("currency"), last_valid.currency))
    if currency not in CURRENCY_SYMBOLS:
        currency = last_valid.currency
    values: dict[str, Any] = {}
    with st.sidebar:
        st.markdown("### Your scenario")
        preset_picker()
        for group in GROUPS:
            specs = [s for s in INPUTS.values() if s.group == group]
            box = st.container() if group == SCALE else st.expander(group, expanded=group in EXPANDED_GROUPS)
            for spec in specs:
                values[spec.name] = _widget(spec, currency, box)
    scenario, problems = apply_inputs(last_valid, values, strict=False)
    st.session_state[SCENARIO_KEY] = scenario
    if problems:
        st.session_state[PROBLEMS_KEY] = [p.message for p in problems]
    _sync_address_bar(scenario)
    return scenario


def show_input_problems() -> None:
    """Report rejected link or widget values once, as a warning naming field and range.

    The messages quote what the link carried: they are shown as text, never as Markdown
    (components/safe_text.py), in at most eight lines.
    """
    messages: list[str] = st.session_state.pop(PROBLEMS_KEY, []) + st.session_state.pop(
        UPDATE_PROBLEMS_KEY, []
    )
    if messages:
        st.warning(
            "Some values could not be used and were replaced:\n\n" + problem_list(messages),
            icon=":material/warning:",
        )


__all__ = [
    "InputProblem",
    "current_scenario",
    "scenario_sidebar",
    "set_scenario",
    "show_input_problems",
    "update_scenario",
    "widget_key",
]
