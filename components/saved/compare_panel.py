"""Compare two to four scenarios on the Scenarios page: the KPI table with differences, the
overlaid payback and cost charts, and a paragraph per plan that says what drives the
difference (`calculators.compare`, `components.charts.compare_charts`); when any of them
holds Budget planner settings (programs, budget, cap), the plan each would fund, side by side.

The plans to compare: what is on screen, the defaults, and any saved scenario. Names are
the user's text: shown as text (tables, `st.text`), escaped in charts (`compare_view`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from calculators.compare import attribute, compare
from calculators.ranges import ranges_key
from calculators.scenario import Scenario
from calculators.settings import DEFAULT_PLANS, MAX_PLANS
from components.charts.compare_charts import (
    METHOD_NOTE,
    cost_figure,
    cumulative_figure,
    explain,
    kpi_table,
    plan_names,
    splits_a_difference,
)
from components.saved.budget_programs import SAVED_PREFIX, SavedPrograms, saved_programs
from components.saved.store import current_state, owner
from components.session.page_settings import seed
from components.session.ranges import current_ranges
from components.session.scenario import current_scenario
from components.views.budget_view import plans_table
from components.views.sections import section
from components.views.show import show_chart
from components.words.safe_text import plain
from components.work.budget_plan import planner_used, settings_plan
from components.work.simulation_cache import cached_monte_carlo
from storage import ScenarioState, ScenarioStore, StorageError, StoredScenario, VisibleScenario

CHOICE_KEY = "compare_choice"  # a page setting (calculators.settings): its widget's key and link parameter
ON_SCREEN, DEFAULTS = DEFAULT_PLANS
COMPARE_PAGE = "pages/scenarios.py"
PLANS_SECTION = "compare_budget_plans"  # the budget plans' section (components.views.sections)


def compare_with_defaults() -> None:
    """From any page: open the comparison of the scenario on screen with the defaults."""
    st.session_state[CHOICE_KEY] = [ON_SCREEN, DEFAULTS]
    st.switch_page(COMPARE_PAGE)


def _comparison(scenario_jsons: tuple[str, ...], ranges: tuple):  # type: ignore[no-untyped-def]
    """The comparison and its explanations (kept with the view, `_view`: a data cache here
    pickled the comparison's returns on every new plan and copied them back on every read)."""
    plans = [Scenario.model_validate_json(j) for j in scenario_jsons]
    # the user's ranges and the summary's cached runs: the chances of loss are the summary's own
    comparison = compare(plans, ranges=dict(ranges), simulate=cached_monte_carlo)
    attributions = [attribute(plans[0], other) for other in plans[1:]]
    return comparison, attributions


def _plans(
    store: ScenarioStore | None, listed: list[VisibleScenario] | None = None
) -> tuple[dict[str, str], list[str]]:
    """Choices (key → name) and any problem reading the saved list (`listed`: read already)."""
    choices = {ON_SCREEN: "Your scenario", DEFAULTS: "Default scenario"}
    problems: list[str] = []
    if store is not None:
        try:
            for item in store.list_visible(owner()) if listed is None else listed:
                by = f" (shared by {item.owner_name or item.owner})" if item.shared_with_me else ""
                choices[item.id] = item.name + by
        except StorageError:
            problems.append(
                "Saved scenarios cannot be offered here just now; what is on screen and the defaults can "
                "still be compared."
            )
    return choices, problems


def _state(store: ScenarioStore | None, key: str) -> ScenarioState | None:
    """A plan's scenario, page settings and ranges (None: a saved one that cannot be read)."""
    if key == ON_SCREEN:
        return current_state()
    if key == DEFAULTS:
        return ScenarioState(Scenario(currency=current_scenario().currency))  # amounts stay comparable
    if store is None:
        return None
    try:
        found = store.open_for(owner(), key)
    except StorageError:
        return None
    return found.state if isinstance(found, StoredScenario) else None


def compare_section(store: ScenarioStore | None, listed: list[VisibleScenario] | None = None) -> None:
    """Choose plans, then the table, the charts and the explanations (`listed`: the user's saved
    scenarios, when the page has read them already)."""
    choices, problems = _plans(store, listed)
    for problem in problems:
        st.warning(plain(problem), icon=":material/database:")
    # a page setting (CHOICE_KEY): kept across pages and in the link (components/session/page_settings.py)
    seed(CHOICE_KEY)
    wanted = list(st.session_state[CHOICE_KEY])
    chosen = [k for k in wanted if k in choices][:MAX_PLANS]
    if chosen != wanted:  # a link's or a session's saved scenario this user cannot open (any more)
        st.session_state[CHOICE_KEY] = chosen
    picked = st.multiselect(
        "Scenarios to compare (the first is the base)", list(choices), key=CHOICE_KEY,
        format_func=lambda k: choices[k], max_selections=MAX_PLANS, persist_state="session",
        help="Two to four: what is on screen, the defaults, or saved scenarios.",
    )  # fmt: skip
    if len(picked) < 2:
        st.info("Choose at least two scenarios to compare.", icon=":material/compare_arrows:")
        return
    plans = [(choices[k], _state(store, k)) for k in picked]
    unreadable = [name for name, s in plans if s is None]
    if unreadable:
        st.error(
            "These saved scenarios could not be read soundly and are left out: "
            + ", ".join(plain(n) for n in unreadable)
            + ". Open one on the list above to see why.",
            icon=":material/error:",
        )
        plans = [(n, s) for n, s in plans if s is not None]
        if len(plans) < 2:
            return
    names = plan_names([n for n, _ in plans])  # two plans of one name are told apart the same way everywhere
    states = [s for _, s in plans if s is not None]
    scenarios = [s.scenario for s in states]
    view = _view(tuple(s.model_dump_json() for s in scenarios), ranges_key(current_ranges()), tuple(names))
    for attribution, name in zip(view.attributions, names[1:], strict=True):
        st.markdown(plain(explain(attribution, [names[0], name])))
    # a plain table (every cell is text; a few rows): it grows with the room-sized stylesheet when
    # presenting, and needs no interactive grid, whose scripts (~1.6 MB) slowed the page's opening
    st.table(view.table)
    show_chart(view.payback, key="compare_payback_chart")
    show_chart(view.cost, key="compare_cost_chart")
    if splits_a_difference(view.attributions):  # how a difference is split, only where one is
        st.caption(METHOD_NOTE)
    if any(planner_used(s.settings) for s in states):
        _budget_plans(states, names)


def _budget_plans(states: list[ScenarioState], names: list[str]) -> None:
    """The plan each scenario's Budget planner settings fund (programs, budget, cap), side by
    side; built only while its section is open (each plan reads its programs' runs)."""
    with section("Budget plans: what each would fund", PLANS_SECTION) as shown:
        if not shown:
            return
        wanted = {i for s in states for i in s.settings.budget_programs if i.startswith(SAVED_PREFIX)}
        saved = saved_programs(sorted(wanted)) if wanted else SavedPrograms()
        for note in saved.notes:
            st.info(plain(note))
        plans = [settings_plan(s.scenario, s.ranges, s.settings, saved.read) for s in states]
        suggested = [s.settings.budget_amount is None for s in states]
        st.table(plans_table(plans, suggested, [s.scenario.currency for s in states], names))
        st.caption(
            'Each scenario\'s Budget planner settings: its programs ("Your scenario" is that scenario), '
            "budget and cap on the chance of loss; a scenario saved without a budget shows the planner's "
            "suggestion. Costs over each program's horizon, undiscounted; expected NPV from the scenario's "
            "own Monte Carlo settings."
        )


class _View(NamedTuple):
    attributions: list
    table: pd.DataFrame  # indexed by figure
    payback: go.Figure
    cost: go.Figure


@lru_cache(maxsize=32)
def _view(scenario_jsons: tuple[str, ...], ranges: tuple, names: tuple[str, ...]) -> _View:
    """What the comparison shows, built once per plans, ranges and names (a slider move elsewhere
    on the page, or a rerun, draws the kept table and figures; `show_chart` and `st.table`
    leave them as they are)."""
    comparison, attributions = _comparison(scenario_jsons, ranges)
    table = kpi_table(comparison, list(names))
    return _View(
        attributions, table.set_index(table.columns[0]), cumulative_figure(comparison, list(names)),
        cost_figure(comparison, list(names)),
    )  # fmt: skip
