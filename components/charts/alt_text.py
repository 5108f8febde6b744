"""A chart's text alternative: its answer (title and subtitle) and what it plots, in words a
screen reader reads (pure, no Streamlit). `show_chart` hands it to `st.plotly_chart(alt=...)`,
which makes the chart a named figure (role="figure", aria-label) in the accessibility tree.

>>> chart_alt({"layout": {
...     "title": {"text": "Microlearning is cheaper<br>from 477 learners", "subtitle": {"text": "Vendor <b>table</b>"}},
...     "xaxis": {"title": {"text": "Learners"}}, "yaxis": {"title": {"text": "Total cost (USD)"}}},
...     "data": [{"name": "Microlearning"}, {"name": "Instructor-led"}, {"name": "Microlearning"}, {}]})
'Microlearning is cheaper from 477 learners. Vendor table. Chart of Total cost (USD) by Learners; series: Microlearning, Instructor-led.'
>>> chart_alt({"layout": {}, "data": []})
'Chart.'
"""

from __future__ import annotations

import html
import re
from typing import Any

from components.charts.theme import unwrap

MAX_SERIES = 6  # names read out; a chart with more lists the first ones


def _plain(text: Any) -> str:
    """Plotly rich text as plain words: line breaks as spaces, tags dropped, entities decoded.

    >>> _plain("A&amp;B<br>cost <sup>(USD)</sup>"), _plain(None)
    ('A&B cost (USD)', '')
    """
    if not isinstance(text, str):
        return ""
    words = re.sub(r"<[^>]+>", "", unwrap(text))
    return re.sub(r"\s+", " ", html.unescape(words)).strip()


def _title(part: Any) -> str:
    """The text of a Plotly title given as a string or as {"text": ...}."""
    return _plain(part.get("text") if isinstance(part, dict) else part)


def _sentence(text: str) -> str:
    return text if not text or text[-1] in ".!?" else text + "."


def chart_alt(built: dict[str, Any]) -> str:
    """The chart's answer and contents in a few sentences, from its figure dicts (`spec`)."""
    layout = built.get("layout") or {}
    title = layout.get("title") or {}
    parts = [_title(title)]
    if isinstance(title, dict):
        parts.append(_title(title.get("subtitle")))
    x_title = _title((layout.get("xaxis") or {}).get("title"))
    y_title = _title((layout.get("yaxis") or {}).get("title"))
    axes = f"{y_title} by {x_title}" if x_title and y_title else (y_title or x_title)
    names: list[str] = []
    for trace in built.get("data") or []:
        name = _plain(trace.get("name"))
        if name and name not in names:
            names.append(name)
    described = "Chart" + (f" of {axes}" if axes else "")
    if names:
        described += "; series: " + ", ".join(names[:MAX_SERIES])
    parts.append(described)
    return " ".join(_sentence(p) for p in parts if p)
