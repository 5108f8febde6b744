"""What a session keeps besides the scenario, and the address bar that carries all of it.

Streamlit drops a page's widget values and every query parameter when the user changes
page. So that nothing a user did is lost:

- each page setting (`calculators.settings.PageSettings`) lives in session state under
  its own name, which is also its widget's key; page widgets keep it across page changes
  with `persist_state="session"` and take their value from session state, never from a
  `value=` argument (one writer);
- a link's page settings are read once per session, through the pydantic model, and bad
  values are reported with the link's other problems;
- `sync_address_bar` writes, on every run and on every page, the scenario, the
  uncertainty ranges, the page settings and presentation mode, so the address bar is
  always a share link for everything on screen.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

import streamlit as st

from calculators.codec import scenario_to_query
from calculators.ranges import encode_ranges
from calculators.scenario import Scenario
from calculators.settings import (
    SETTING_NAMES,
    PageSettings,
    apply_settings,
    default_value,
    settings_from_query,
    settings_to_query,
)
from components.guard import TARGET_PARAM
from components.safe_text import plain
from components.scenario_inputs import PROBLEMS_KEY, update_scenario

LOADED_KEY = "page_settings_loaded_from_link"
KEPT_PARAMS_KEY = "address_bar_kept_params"  # {param: value} the address bar keeps beside the scenario
RATING_PREFIX = "dm_rating_"
RATING_MARK = "dm_default__"  # + a rating key: the default last written into that rating widget
FROM_LINK = "from a link"  # a rating mark: the value came from a link, not from a default


def load_page_settings_from_link() -> None:
    """On a session's first run, put the link's page settings into session state."""
    if st.session_state.get(LOADED_KEY):
        return
    st.session_state[LOADED_KEY] = True
    settings, problems = settings_from_query(st.query_params.to_dict())
    put_page_settings(settings)
    if problems:
        st.session_state[PROBLEMS_KEY] = st.session_state.get(PROBLEMS_KEY, []) + [
            p.message for p in problems
        ]


def put_page_settings(settings: PageSettings) -> None:
    """Make `settings` the session's page settings (from a link or a saved scenario).

    Run before the page widgets are drawn (first run, or a button callback). Values that
    differ from the defaults are stored; the others are cleared, and each page seeds its
    defaults when it is shown (`seed`), so session state stays small (each Streamlit
    widget call scans it). A rating the author chose is kept over the model's default.
    """
    for name in SETTING_NAMES:
        value = getattr(settings, name)
        if name.startswith(RATING_PREFIX):
            if value is not None:  # a rating the author chose, kept over the default
                st.session_state[name] = value
                st.session_state[RATING_MARK + name] = FROM_LINK
            else:
                st.session_state.pop(name, None)
                st.session_state.pop(RATING_MARK + name, None)
        elif value != default_value(name):
            st.session_state[name] = value
        else:
            st.session_state.pop(name, None)


def seed(name: str) -> None:
    """Give a page setting's widget its value before it is drawn (the default if none yet).

    A value the model refuses (a crafted widget state: a NaN or infinite random seed, a text
    where a number belongs) is replaced by the default before the widget sees it, and said
    in a message at the widget's place, instead of an exception inside the widget."""
    if name not in st.session_state:
        st.session_state[name] = default_value(name)
        return
    value = st.session_state[name]
    if name.startswith(RATING_PREFIX) or isinstance(value, bool):
        return
    if isinstance(value, float | int | str) and not (isinstance(value, float) and not math.isfinite(value)):
        check = _acceptable if not isinstance(value, str) or len(value) <= 100 else _acceptable.__wrapped__
        if check(name, value, type(value)):  # a long (crafted) text is checked, not kept
            return
    fallback = default_value(name)
    st.warning(plain(f"{_label(name)}: {_shown_value(value)} cannot be used; back to {fallback}."))
    st.session_state[name] = fallback


@functools.lru_cache(maxsize=1024)
def _acceptable(name: str, value: float | int | str, kind: type) -> bool:
    """Whether the model takes `value` for the setting `name` (kept: a page seeds ~20 settings a
    rerun, each check a validation of every setting; `kind` keeps 1, 1.0 and True apart)."""
    _, problems = apply_settings(PageSettings(), {name: value}, strict=True)
    return not problems


def guard_number(key: str, low: float, high: float, default: float) -> None:
    """Before a number box that is not a page setting: a stored value that is not a finite
    number within [low, high] (a crafted widget state) becomes `default`, with a message."""
    value = st.session_state.get(key)
    if value is None:
        return
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and low <= value <= high
    ):
        return
    st.warning(plain(f"{_shown_value(value)} cannot be used here; back to {default:g}."))
    st.session_state[key] = type(default)(default)


def _label(name: str) -> str:
    return PageSettings.model_fields[name].description or name if name in PageSettings.model_fields else name


def _shown_value(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def setting(name: str) -> Any:
    """The current value of a page setting (validated; the default when unset or invalid)."""
    return getattr(page_settings(), name)


def page_settings() -> Any:
    """Every page setting as the session holds it, through the model (bad values: defaults)."""
    values: dict[str, Any] = {}
    for name in SETTING_NAMES:
        if name not in st.session_state:
            continue
        value = st.session_state[name]
        if name.startswith(RATING_PREFIX):
            mark = st.session_state.get(RATING_MARK + name)
            value = value if mark is not None and value != mark else None
        values[name] = value
    settings, _ = apply_settings(PageSettings(), values, strict=False)
    return settings


def sync_address_bar(scenario: Scenario, ranges: dict[str, tuple[float, float]], presenting: bool) -> None:
    """Make the address bar the share link of everything on screen, on whatever page."""
    wanted = address_query(scenario, ranges, presenting)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def address_query(
    scenario: Scenario, ranges: dict[str, tuple[float, float]], presenting: bool
) -> dict[str, str]:
    """The address bar's parameters for everything on screen: the scenario's inputs that differ
    from the defaults, the uncertainty ranges, the page settings, presentation mode, and what
    the address must keep (a client link's token, the page guard's forwarding address).

    One function for the address bar (`sync_address_bar`) and the share link (`share_link`:
    the sidebar's *Copy link* box, the exports), so they never differ."""
    wanted: dict[str, str] = dict(scenario_to_query(scenario))
    if ranges:
        wanted["rng"] = encode_ranges(ranges)
    wanted.update(settings_to_query(page_settings()))
    if presenting:
        wanted["present"] = "1"
    wanted.update(st.session_state.get(KEPT_PARAMS_KEY, {}))  # e.g. a client link's token
    target = st.query_params.get(TARGET_PARAM)
    if target is not None:  # the page guard's forwarding address, consumed by the entry script
        wanted[TARGET_PARAM] = target
    return wanted


def share_link() -> str:
    """The full address of this page with everything on screen (what the address bar gets),
    from the scenario, ranges, page settings and presentation mode as the session holds them
    now: right even before this run's `sync_address_bar` and after a fragment rerun."""
    from components.presentation import presenting
    from components.risk_inputs import current_ranges
    from components.scenario_inputs import current_scenario

    url = str(st.context.url or "").split("?")[0]
    query = address_query(current_scenario(), current_ranges(), presenting())
    joined = "&".join(f"{k}={quote(str(v), safe=':;')}" for k, v in query.items())
    return f"{url}?{joined}" if joined else url


def page_part(body: Callable[[], None]) -> Callable[[], None]:
    """A page's own controls and what they drive, as a Streamlit fragment.

    Changing a control inside reruns only this part: not the entry script, the sidebar
    or the rest of the page. The scenario is read from session state as in a full run.
    Because a fragment rerun skips the entry script, the part writes the address bar
    itself (`sync_address_bar`), so the share link follows a page setting at once. A
    control that changes the scenario must rerun the whole app (`st.rerun()`).
    """

    @st.fragment
    @wraps(body)
    def part() -> None:
        from components.presentation import presenting
        from components.risk_inputs import current_ranges
        from components.scenario_inputs import current_scenario

        if st.session_state.pop(_WHOLE_APP, False):
            st.rerun(scope="app")  # a control in here changed the scenario: redraw everything
        body()
        sync_address_bar(current_scenario(), current_ranges(), presenting())

    return part


_WHOLE_APP = "rerun_whole_app"


def change_scenario(**changes: Any) -> None:
    """A callback for a control inside a `page_part` that changes the scenario (validated, as
    `update_scenario`): the sidebar, the other charts and the link follow."""
    update_scenario(**changes)
    st.session_state[_WHOLE_APP] = True
