"""Where Streamlit itself would raise on a crafted widget state, a default and a message instead.

SECURITY.md, "Platform": widget values come from the browser, and a crafted websocket message
can carry any value. Streamlit 1.67 already puts an out-of-range or non-finite *float* number
box back to its default, but for a whole-number box it calls `int(value)` first, so a NaN or
infinite value (a "NaN random seed") raised inside Streamlit, before any line of the app ran.
`harden_widgets()` (called by app.py, idempotent) makes that deserialiser fall back to the
box's default as Streamlit does for floats, and notes it; `crafted_value_seen()` tells the
entry script, which says so on screen.

A link over Streamlit's limits (1,000 parameters or 512 Ki characters: `sanitize_query_string`)
reached the app as no parameters at all, silently. `mark_cut_links()` (called by serve.py at
start and by app.py, idempotent) keeps Streamlit dropping every value of such a link but has it
leave one of the app's own parameters instead, `cut=1`, so the first run says so
(`components.session.scenario.first_run_from_link`, `CUT_LINK`).

>>> harden_widgets()
>>> from streamlit.elements.widgets.number_input import NumberInputSerde
>>> from streamlit.proto.NumberInput_pb2 import NumberInput
>>> NumberInputSerde(42, NumberInput.INT, 0, 100).deserialize(float("nan")), crafted_value_seen()
(42, True)
>>> NumberInputSerde(42, NumberInput.INT, 0, 100).deserialize(7.0), crafted_value_seen()
(7, False)
"""

from __future__ import annotations

import threading
from typing import Any

from streamlit.elements.widgets.number_input import NumberInputSerde
from streamlit.runtime import app_session
from streamlit.runtime.state import query_params as streamlit_query_params

_seen = threading.local()
_PATCHED = "_training_roi_hardened"
CUT_PARAM = "cut"  # left in place of a link Streamlit refused whole (an app parameter)
CUT_LINK = (
    "This link carried more values than the app reads; all of them were ignored, so the page "
    "shows the starting values. Ask whoever sent it for a shorter link."
)


def harden_widgets() -> None:
    """Patch the number box's deserialiser once per process."""
    if getattr(NumberInputSerde.deserialize, _PATCHED, False):
        return
    original = NumberInputSerde.deserialize

    def deserialize(self: NumberInputSerde, ui_value: Any) -> Any:
        try:
            return original(self, ui_value)
        except (ValueError, OverflowError, TypeError):  # int(nan), int(inf), int("abc")
            _seen.value = True
            return self.value

    setattr(deserialize, _PATCHED, True)
    NumberInputSerde.deserialize = deserialize  # type: ignore[method-assign]


def crafted_value_seen() -> bool:
    """Whether this thread met an unusable number-box value since it last asked (then cleared)."""
    seen = bool(getattr(_seen, "value", False))
    _seen.value = False
    return seen


def mark_cut_links() -> None:
    """Where Streamlit drops a whole query string over its limits, leave `cut=1` instead (once
    per process; both the server's reader and the script's parser).

    >>> mark_cut_links()
    >>> app_session.sanitize_query_string("&".join(f"x{i}=1" for i in range(1001)))
    'cut=1'
    >>> streamlit_query_params.sanitize_query_string("learners=300"), app_session.sanitize_query_string("")
    ('learners=300', '')
    """
    original = streamlit_query_params.sanitize_query_string
    if getattr(original, _PATCHED, False):
        return

    def sanitize(query_string: str) -> str:
        kept = original(query_string)
        return kept if kept or not query_string else f"{CUT_PARAM}=1"

    setattr(sanitize, _PATCHED, True)
    streamlit_query_params.sanitize_query_string = sanitize  # the script's parser looks it up here
    app_session.sanitize_query_string = sanitize  # type: ignore[attr-defined]  # the server's own copy
