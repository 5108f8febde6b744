"""The page settings as the session keeps them (each page's own controls: measures, weights,
draw counts), read once from the link, validated by `calculators.settings.PageSettings`.

Streamlit drops a page's widget values and every query parameter when the user changes
page. So that nothing a user did is lost:

- each page setting (`calculators.settings.PageSettings`) lives in session state under
  its own name, which is also its widget's key; page widgets keep it across page changes
  with `persist_state="session"` and take their value from session state, never from a
  `value=` argument (one writer);
- a link's page settings are read once per session, through the pydantic model, and bad
  values are reported with the link's other problems;
- the address bar carries them with everything else (`components.session.address`).
"""

from __future__ import annotations

import functools
import math
from typing import Any

import streamlit as st

from calculators.settings import (
    SETTING_NAMES,
    PageSettings,
    apply_settings,
    default_value,
    settings_from_query,
)
from components.session.problems import report
from components.words.safe_text import plain

LOADED_KEY = "page_settings_loaded_from_link"
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
    report([p.message for p in problems])


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
            st.session_state[name] = (
                list(value) if isinstance(value, tuple) else value
            )  # a multiselect's list
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
    if value is None and default_value(name) is None:  # unset until its page sets it (the budget)
        return
    if isinstance(value, list | tuple) and len(value) <= 100:  # a multiselect's list (of programs)
        if not apply_settings(PageSettings(), {name: list(value)})[1]:
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
    """Every page setting as the session holds it, through the model (bad values: defaults).

    The session state is read in one go (a page asks for its settings several times a run;
    one lookup per setting through Streamlit's proxy cost ~0.3 ms a call) and the validated
    settings are kept per distinct values (`PageSettings` is frozen: safe to share)."""
    state = st.session_state.to_dict()
    values: list[tuple[str, Any]] = []
    for name in SETTING_NAMES:
        if name not in state:
            continue
        value = state[name]
        if name.startswith(RATING_PREFIX):
            mark = state.get(RATING_MARK + name)
            value = value if mark is not None and value != mark else None
        values.append((name, value))
    # the type in the key keeps 1, 1.0 and True apart (equal as keys, not as settings)
    key = tuple((name, type(v), tuple(v) if isinstance(v, list) else v) for name, v in values)
    try:
        return _validated(key)
    except TypeError:  # an unhashable (crafted) value: validated without keeping
        return _validated.__wrapped__(key)


@functools.lru_cache(maxsize=256)
def _validated(values: tuple[tuple[str, type, Any], ...]) -> Any:
    settings, _ = apply_settings(
        PageSettings(), {name: list(v) if kind is list else v for name, kind, v in values}, strict=False
    )
    return settings
