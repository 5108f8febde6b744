"""The scenario on screen: kept in session state, read once from the link, changed only
through the model (`update_scenario`, `set_scenario`, `load_preset`).

The sidebar's widgets (`components.inputs.sidebar`) draw it; this module never draws a widget.
"""

from __future__ import annotations

import streamlit as st

from calculators.codec import InputProblem, apply_inputs, scenario_from_query
from calculators.presets import Preset, load_presets
from calculators.scenario import INPUTS, SCALE, Scenario
from calculators.settings import SETTING_NAMES
from components.session import problems as session_problems
from components.session.hardening import CUT_LINK, CUT_PARAM
from components.session.problems import UPDATE_PROBLEMS_KEY

KEY_PREFIX = "sb_"
SCENARIO_KEY = "scenario"  # the last valid Scenario of this session
LOADED_KEY = "scenario_loaded_from_link"
LINK_SCENARIO_KEY = "scenario_from_link"
NAMED_KEY = "scenario_named"  # (name, Scenario): a saved scenario on screen, named by the picker
# The address parameters that are the app's own, not inputs: the page guard's forwarding address,
# presentation mode, the uncertainty ranges, a saved scenario's short link, a client link's token
# (components/saved/client_links.py PARAM; named here, a floor below; tests/app/test_accounts.py checks),
# and the mark left where Streamlit dropped a link over its limits (components/session/hardening.py).
APP_PARAMS = frozenset({"page", "present", "rng", "s", "t", CUT_PARAM})


def group_key(group: str) -> str:
    """The session-state key holding whether a sidebar group is open (`group_open_benefits`);
    set it to True before a run to open the group.

    >>> group_key("Blended mix")
    'group_open_blended_mix'
    """
    return "group_open_" + group.lower().replace(" ", "_").replace("-", "_")


def widget_key(name: str) -> str:
    """The session-state key of a scenario field's sidebar widget (`sb_learners`).

    >>> widget_key("learners")
    'sb_learners'
    """
    return KEY_PREFIX + name


def current_scenario() -> Scenario:
    """The scenario on screen (the defaults before the sidebar has run)."""
    value = st.session_state.get(SCENARIO_KEY)
    return value if isinstance(value, Scenario) else Scenario()


def update_scenario(**changes: object) -> list[InputProblem]:
    """The one way a page changes the shared scenario: every value is validated by the model;
    a rejected value is reported (shown on the next run) and the scenario keeps its own.

    Returns the problems (empty when every change was applied)."""
    updated, problems = apply_inputs(current_scenario(), changes)
    set_scenario(updated)
    if problems:
        st.session_state[UPDATE_PROBLEMS_KEY] = [p.message for p in problems]
    return problems


def name_scenario(name: str | None, scenario: Scenario | None = None) -> None:
    """Remember that `scenario` (default: the one on screen) is the saved scenario `name`, opened
    or saved just now: the preset picker names it while the inputs still equal it. None: forget."""
    if name is None:
        st.session_state.pop(NAMED_KEY, None)
    else:
        st.session_state[NAMED_KEY] = (name, scenario if scenario is not None else current_scenario())


def set_scenario(scenario: Scenario) -> None:
    """Make `scenario` current: widgets show it on the next run (for presets and imports)."""
    st.session_state[SCENARIO_KEY] = scenario
    for name in INPUTS:
        st.session_state[widget_key(name)] = getattr(scenario, name)


def first_run_from_link() -> None:
    """On a session's first run, make the link's scenario current (refused values reported)."""
    if st.session_state.get(LOADED_KEY):
        return
    st.session_state[LOADED_KEY] = True
    params = st.query_params.to_dict()
    scenario, problems = scenario_from_query(params, ignore=APP_PARAMS | frozenset(SETTING_NAMES))
    st.session_state[SCENARIO_KEY] = scenario
    if any(k in INPUTS for k in params):
        st.session_state[LINK_SCENARIO_KEY] = scenario  # the picker says "From a link" until edited
    for name in params:  # a link opens the groups whose inputs it sets: the recipient sees them
        if name in INPUTS and INPUTS[name].group != SCALE:
            st.session_state[group_key(INPUTS[name].group)] = True
    session_problems.report([p.message for p in problems], first=True)
    if CUT_PARAM in params:  # Streamlit dropped a link over its limits (components/session/hardening.py)
        session_problems.notice([CUT_LINK])
    for name in INPUTS:
        st.session_state.pop(widget_key(name), None)


@st.cache_data(max_entries=1, show_spinner=False)
def presets() -> tuple[list[Preset], list[str]]:
    """The presets in `sample_data/` and the files that could not be read (read once)."""
    return load_presets()


def load_preset(preset: Preset) -> None:
    """Callback (picker or case card): runs before the script, so widget values may still be set."""
    set_scenario(preset.scenario)
    st.session_state[session_problems.PROBLEMS_KEY] = list(preset.problems)
    st.toast(f"Loaded preset: {preset.name}", icon=":material/check:")
