"""The address bar: on every run and every page it carries the scenario, the uncertainty
ranges, the page settings and presentation mode, so it is always a share link for everything
on screen (`sync_address_bar`); `share_link` is the same address for the *Share link* box and
the exports, so the two never differ.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import quote

import streamlit as st

from calculators.codec import scenario_to_query
from calculators.ranges import encode_ranges
from calculators.scenario import Scenario
from calculators.settings import settings_to_query
from components.session.guard import TARGET_PARAM
from components.session.page_settings import page_settings
from components.session.presenting import presenting
from components.session.ranges import current_ranges
from components.session.scenario import current_scenario

KEPT_PARAMS_KEY = "address_bar_kept_params"  # {param: value} the address bar keeps beside the scenario


def sync_address_bar(scenario: Scenario, ranges: dict[str, tuple[float, float]], presenting: bool) -> None:
    """Make the address bar the share link of everything on screen, on whatever page.

    Written on every run, even when `st.query_params` already equals it: they hold the address
    the browser had when it *sent* this run's message, and an earlier run's write may have
    reached the browser since (quick key presses: a run for 750 writes `learners=750` after
    the press back to 1,000 was sent). The browser changes its address (and history) only when
    the new one differs, so an unchanged address costs one small message."""
    st.query_params.from_dict(address_query(scenario, ranges, presenting))


def address_query(
    scenario: Scenario, ranges: dict[str, tuple[float, float]], presenting: bool
) -> dict[str, str]:
    """The address bar's parameters for everything on screen: the scenario's inputs that differ
    from the defaults, the uncertainty ranges, the page settings, presentation mode, and what
    the address must keep (a client link's token, the page guard's forwarding address).

    One function for the address bar (`sync_address_bar`) and the share link (`share_link`:
    the sidebar's *Share link* box, the exports), so they never differ."""
    wanted: dict[str, str] = dict(_scenario_query(scenario))
    if ranges:
        wanted["rng"] = encode_ranges(ranges)
    wanted.update(_settings_query(page_settings()))
    if presenting:
        wanted["present"] = "1"
    wanted.update(st.session_state.get(KEPT_PARAMS_KEY, {}))  # e.g. a client link's token
    target = st.query_params.get(TARGET_PARAM)
    if target is not None:  # the page guard's forwarding address, consumed by the entry script
        wanted[TARGET_PARAM] = target
    return wanted


@lru_cache(maxsize=64)
def _scenario_query(scenario: Scenario) -> tuple[tuple[str, str], ...]:
    """`scenario_to_query`, kept per scenario (frozen): asked twice a run, on every run."""
    return tuple(scenario_to_query(scenario).items())


@lru_cache(maxsize=64)
def _settings_query(settings: Any) -> tuple[tuple[str, str], ...]:
    """`settings_to_query`, kept per page settings (frozen)."""
    return tuple(settings_to_query(settings).items())


def share_link() -> str:
    """The full address of this page with everything on screen (what the address bar gets),
    from the scenario, ranges, page settings and presentation mode as the session holds them
    now: right even before this run's `sync_address_bar` and after a fragment rerun."""
    url = str(st.context.url or "").split("?")[0]
    query = address_query(current_scenario(), current_ranges(), presenting())
    joined = "&".join(f"{k}={quote(str(v), safe=':;')}" for k, v in query.items())
    return f"{url}?{joined}" if joined else url
