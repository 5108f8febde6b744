"""The uncertainty ranges editor (the ranges themselves live in `components.session.ranges`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from calculators.ranges import (
    RANGED_FIELDS,
    all_triangles,
    default_range,
    validate_range,
)
from calculators.roi import Option, effective
from calculators.scenario import INPUTS, Scenario, input_title
from calculators.settings import default_value
from components.session.page_settings import seed
from components.session.ranges import current_ranges, set_ranges
from components.words.formatting import unit_name
from components.words.safe_text import plain, problem_list

VERSION_KEY = "ranges_editor_version"
OPTION_NAMES = {o.label: o for o in Option}


def _table(scenario: Scenario, overrides: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """One row per ranged input; Low, Most likely and High in the unit the "Unit" column names."""
    triangles = all_triangles(effective(scenario), overrides)
    return pd.DataFrame(
        {
            "Input": [input_title(f) for f in RANGED_FIELDS],
            "Low": [triangles[f][0] for f in RANGED_FIELDS],
            "Most likely": [triangles[f][1] for f in RANGED_FIELDS],
            "High": [triangles[f][2] for f in RANGED_FIELDS],
            "Unit": [unit_name(f, scenario.currency) for f in RANGED_FIELDS],
            "Grade": [INPUTS[f].grade.value for f in RANGED_FIELDS],
            "Own range": [f in overrides for f in RANGED_FIELDS],
        }
    )


def ranged_row(row: object) -> str | None:
    """The input of a ranges-table row as the browser numbers it ("0", "1", ...), or None.

    >>> ranged_row("0") == RANGED_FIELDS[0], ranged_row("999"), ranged_row("abc"), ranged_row("-1")
    (True, None, None, None)
    """
    text = str(row)
    if not text.isdigit() or len(text) > 4 or int(text) >= len(RANGED_FIELDS):
        return None
    return RANGED_FIELDS[int(text)]


def _apply_edits(scenario: Scenario, editor_key: str) -> None:
    """on_change: fold the editor's edits into the overrides, then start a fresh editor."""
    state = st.session_state.get(editor_key, {})
    edits = state.get("edited_rows", {}) if isinstance(state, dict) else {}
    overrides = current_ranges()
    base = effective(scenario)
    problems = []
    for row, change in edits.items() if isinstance(edits, dict) else ():
        field = ranged_row(row)
        if field is None or not isinstance(change, dict):  # a crafted widget state: no such row
            problems.append(
                f"A change to row {str(row)[:20]!r} of the ranges table was ignored: there is no such row."
            )
            continue
        low, _, high = all_triangles(base, overrides)[field]
        low, high = change.get("Low", low), change.get("High", high)
        checked, message = validate_range(field, low, high)
        if checked is None:
            problems.append(message)
            continue
        value = float(getattr(base, field))
        if not checked[0] <= value <= checked[1]:
            problems.append(f"{INPUTS[field].label}: the range must contain the most likely value {value:g}.")
            continue
        if checked == default_range(base, field):
            overrides.pop(field, None)
        else:
            overrides[field] = checked
    set_ranges(overrides)
    st.session_state["ranges_problems"] = problems
    st.session_state[VERSION_KEY] = st.session_state.get(VERSION_KEY, 0) + 1


def _reset() -> None:
    set_ranges({})
    st.session_state[VERSION_KEY] = st.session_state.get(VERSION_KEY, 0) + 1


def ranges_editor(scenario: Scenario) -> None:
    """A compact table of every uncertain input's low / most likely / high, editable."""
    overrides = current_ranges()
    key = f"ranges_editor_{st.session_state.get(VERSION_KEY, 0)}"
    st.data_editor(
        _table(scenario, overrides),
        key=key,
        on_change=_apply_edits,
        args=(scenario, key),
        hide_index=True,
        width="stretch",
        disabled=["Input", "Unit", "Most likely", "Grade", "Own range"],
        column_config={
            # Thousands separators and at most three decimals, in the row's unit ("localized":
            # a number column has one format, so the unit stands in its own column).
            "Low": st.column_config.NumberColumn("Low", format="localized"),
            "High": st.column_config.NumberColumn("High", format="localized"),
            "Most likely": st.column_config.NumberColumn(
                "Most likely", format="localized", help="Your scenario's value"
            ),
            "Unit": st.column_config.TextColumn("Unit", help="The unit of Low, Most likely and High"),
            "Own range": st.column_config.CheckboxColumn("Own range", help="You set this range"),
        },
    )
    problems = st.session_state.pop("ranges_problems", [])
    if problems:  # what was typed is shown as text, never as Markdown (components/words/safe_text.py)
        body = plain(problems[0]) if len(problems) == 1 else problem_list(problems)
        st.warning(body, icon=":material/warning:")
    st.caption(
        "Default ranges follow the evidence grade: ±10 % (A), ±20 % (B and your own figures), ±35 % (C), "
        "±50 % (D) around the most likely value, within each input's allowed range."
    )
    if overrides:
        st.button("Reset all ranges to defaults", key="ranges_reset", on_click=_reset)


def option_picker(key: str, label: str = "Option") -> Option:
    """Choose microlearning, instructor-led or the blend (a page setting: kept across pages and
    in the link under `key`)."""
    seed(key)
    value = st.segmented_control(
        label, [o.value for o in Option], key=key, persist_state="session",
        format_func=lambda v: Option(v).label,
    )  # fmt: skip
    return Option(value or default_value(key))
