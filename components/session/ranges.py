"""The uncertainty ranges on screen: kept in session state and in the share link (`rng=`).

The ranges editor (`components.inputs.ranges_editor`) draws them; this module never draws.
"""

from __future__ import annotations

import streamlit as st

from calculators.codec import upgrade_ranges
from calculators.ranges import decode_ranges, encode_ranges
from components.session.problems import report

RANGES_KEY = "ranges"
LOADED_KEY = "ranges_loaded_from_link"
PARAM = "rng"


def current_ranges() -> dict[str, tuple[float, float]]:
    """The user's range overrides (field → (low, high)); read from the link on first use."""
    if not st.session_state.get(LOADED_KEY):
        st.session_state[LOADED_KEY] = True
        overrides, problems = decode_ranges(st.query_params.get(PARAM, ""))
        # a link made before schema version 2 bounded another half-life: read as the same curves
        set_ranges(upgrade_ranges(st.query_params.to_dict(), overrides, link=True))
        report([p.message for p in problems])  # shown with the link's other problems
    return dict(st.session_state.get(RANGES_KEY, {}))


def set_ranges(overrides: dict[str, tuple[float, float]]) -> None:
    """Make `overrides` the session's uncertainty ranges (a saved scenario's, an edit's)."""
    st.session_state[RANGES_KEY] = overrides
    if overrides:
        st.query_params[PARAM] = encode_ranges(overrides)
    else:
        st.query_params.pop(PARAM, None)
