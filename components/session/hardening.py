"""Where Streamlit itself would raise on a crafted widget state, a default and a message instead.

SECURITY.md, "Platform": widget values come from the browser, and a crafted websocket message
can carry any value. Streamlit 1.67 already puts an out-of-range or non-finite *float* number
box back to its default, but for a whole-number box it calls `int(value)` first, so a NaN or
infinite value (a "NaN random seed") raised inside Streamlit, before any line of the app ran.
`harden_widgets()` (called by app.py, idempotent) makes that deserialiser fall back to the
box's default as Streamlit does for floats, and notes it; `crafted_value_seen()` tells the
entry script, which says so on screen.

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

_seen = threading.local()
_PATCHED = "_training_roi_hardened"


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
