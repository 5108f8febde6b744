"""Crafted widget states get a message and a default, never an exception (SECURITY.md,
"Platform": a data-editor row "999" or "abc", a NaN random seed).

AppTest sends a value set on a drawn widget's key as that widget's state, as a browser's
websocket message would, so these are the states a hostile client can send."""

from __future__ import annotations

import math

import pytest
from streamlit.testing.v1 import AppTest

from calculators.ranges import all_triangles
from calculators.roi import effective
from calculators.scenario import Scenario
from calculators.settings import default_value
from components.inputs.ranges_editor import RANGED_FIELDS
from tests.app.helpers import open_page

CRAFTED_NUMBER = "A value sent for a number box was not a number"


def _page(page: str) -> AppTest:
    return open_page(page, timeout=60)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_non_finite_random_seed_gets_a_message_and_the_default(bad):
    at = _page("pages/monte_carlo.py")
    at.session_state["mc_seed"] = bad
    at.run()
    assert not at.exception
    assert any(CRAFTED_NUMBER in w.value for w in at.warning)
    seed = at.number_input(key="mc_seed").value
    assert isinstance(seed, int) and 0 <= seed < 2**31  # the box's own default
    assert at.query_params.get("mc_seed", str(default_value("mc_seed"))) == str(seed)


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_a_non_finite_day_in_the_retention_fit_gets_a_message(bad):
    at = _page("pages/retention.py")
    at.session_state["ret_t1"] = bad
    at.run()
    assert not at.exception and any(CRAFTED_NUMBER in w.value for w in at.warning)
    assert at.number_input(key="ret_t1").value == 30


EDITOR_SCRIPT = """
import streamlit as st
from calculators.scenario import Scenario
from components.inputs.ranges_editor import _apply_edits, current_ranges
st.session_state["crafted_editor"] = {"edited_rows": EDITS, "added_rows": [], "deleted_rows": []}
_apply_edits(Scenario(), "crafted_editor")
st.write(repr(current_ranges()))
for message in st.session_state.get("ranges_problems", []):
    st.warning(message)
"""


@pytest.mark.parametrize(
    "edits",
    [
        {"999": {"Low": 1.0}},
        {"abc": {"Low": 1.0}},
        {"-1": {"High": 2.0}},
        {"0": "not a change"},
        {"0": {"Low": math.nan}},
        {"0": {"Low": None, "High": "lots"}},
    ],
    ids=["row-999", "row-abc", "row-minus-1", "change-not-an-object", "nan-low", "cleared-and-text"],
)
def test_crafted_range_table_edits_are_reported_and_change_nothing(edits):
    at = AppTest.from_string(
        EDITOR_SCRIPT.replace("EDITS", repr(edits).replace("nan", "float('nan')")), default_timeout=30
    )
    at.run()
    assert not at.exception
    assert at.markdown[0].value == "{}", "no range changed"
    assert len(at.warning) == 1


def test_a_real_edit_still_applies():
    """The same path with a sound edit: the guard refuses only what cannot be a row or a value."""
    field = RANGED_FIELDS[0]
    low, likely, _ = all_triangles(effective(Scenario()), {})[field]
    new_low = (low + likely) / 2
    at = AppTest.from_string(
        EDITOR_SCRIPT.replace("EDITS", repr({"0": {"Low": new_low}})), default_timeout=30
    )
    at.run()
    assert not at.exception and not at.warning
    assert field in at.markdown[0].value and repr(new_low) in at.markdown[0].value
