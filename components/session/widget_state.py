"""One session-state lookup per widget instead of a copy of the whole session state.

Streamlit 1.67's number box, select box, text box, text area, radio and (without `value=`)
slider each ask `get_session_state().filtered_state` whether their own key holds None:
that property builds a dict of *every* key in the session (about 100 here: 56 inputs, their
typed boxes, page settings), each read through Streamlit's presenters, ~0.17 ms a widget.
The Pilot planner draws about twenty such widgets and the sidebar eight, on every rerun.

`fast_widget_state()` (called by app.py, idempotent) gives those modules a view that answers
`key in view` and `view[key]` for one ordinary key with one lookup in the session state (the
same value: for a key that is neither an element id nor internal, being in the filtered
dict is being in the session state, through the same `__getitem__`), and builds the whole
dict as before for anything else (iteration, length, other keys). Nothing else changes:
every other attribute is the session state's own. `tests/app/test_widget_state.py` checks
the view against `filtered_state` for every key of real sessions.

>>> class Fake(dict):
...     filtered_state = property(lambda self: {k: v for k, v in self.items() if not k.startswith("$$")})
>>> view = FilteredView(Fake({"a": None, "b": 2, "$$STREAMLIT_INTERNAL_KEY_x": 1}))
>>> "a" in view, view["a"] is None, "c" in view, sorted(view), len(view)
(True, True, False, ['a', 'b'], 2)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from streamlit.elements.widgets import number_input, radio, selectbox, slider, text_widgets
from streamlit.runtime.state import session_state_proxy
from streamlit.runtime.state.common import is_element_id
from streamlit.runtime.state.session_state import STREAMLIT_INTERNAL_KEY_PREFIX

MODULES = (number_input, radio, selectbox, slider, text_widgets)


def _ordinary(key: object) -> bool:
    return (
        isinstance(key, str) and not is_element_id(key) and not key.startswith(STREAMLIT_INTERNAL_KEY_PREFIX)
    )


class FilteredView(Mapping[str, Any]):
    """`filtered_state` of `state`, read one ordinary key at a time; built whole only when needed."""

    def __init__(self, state: Any) -> None:
        self._state = state
        self._whole: dict[str, Any] | None = None

    def _everything(self) -> dict[str, Any]:
        if self._whole is None:
            self._whole = self._state.filtered_state
        return self._whole

    def __contains__(self, key: object) -> bool:
        return key in self._state if _ordinary(key) else key in self._everything()

    def __getitem__(self, key: str) -> Any:
        return self._state[key] if _ordinary(key) else self._everything()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._everything())

    def __len__(self) -> int:
        return len(self._everything())


class _SessionState:
    """The session state, with `filtered_state` as a `FilteredView`; all else its own."""

    __slots__ = ("_state",)

    def __init__(self, state: Any) -> None:
        self._state = state

    @property
    def filtered_state(self) -> FilteredView:
        return FilteredView(self._state)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._state, name)


def _get_session_state() -> Any:
    return _SessionState(session_state_proxy.get_session_state())


def fast_widget_state() -> None:
    """Give the widget modules the one-key view (once per process)."""
    for module in MODULES:
        module.get_session_state = _get_session_state  # type: ignore[attr-defined]
