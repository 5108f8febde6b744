"""AppTest: the screens speak the reader's language (UI.md, "Speak the reader's language").

Every page, with default inputs, is read as a user sees it: no on-screen text says "seed"
(the project's word for its three source documents), and the Assumptions & sources page
carries the glossary that tiles' help text points to.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import APP, PAGES, open_sections

INTERNAL_WORD = re.compile(r"\bseeds?\b", re.IGNORECASE)
# The Monte Carlo page's draw set (a random-number seed underneath) is named "draw set" on
# screen like every Basis line, so no widget or caption is let through.

WIDGETS = (
    "button",
    "checkbox",
    "download_button",
    "multiselect",
    "number_input",
    "radio",
    "select_slider",
    "selectbox",
    "slider",
    "text_input",
    "toggle",
)
TEXTS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success")


def _chart_texts(spec: dict) -> Iterator[str]:
    layout = spec.get("layout", {})
    title = layout.get("title", {})
    yield title.get("text", "")
    yield title.get("subtitle", {}).get("text", "")
    for name, axis in layout.items():
        if re.fullmatch(r"[xy]axis\d*", name):
            yield (axis.get("title") or {}).get("text", "")
    yield from (a.get("text", "") for a in layout.get("annotations", []))
    yield from (trace.get("name") or "" for trace in spec.get("data", []))


def on_screen(at: AppTest, block) -> Iterator[tuple[str, str]]:
    """(where, text) for every piece of text a user can read in `block` (main area or sidebar)."""
    for kind in TEXTS:
        for element in block.get(kind):
            yield kind, element.value
    for m in block.get("metric"):
        yield "metric label", m.label
        yield "metric help", m.proto.help
        yield "metric value", m.value
    for chart in block.get("plotly_chart"):
        for text in _chart_texts(json.loads(chart.proto.spec)):
            yield "chart", text
    for frame in block.dataframe:
        yield "dataframe columns", " | ".join(map(str, frame.value.columns))
        yield "dataframe cells", " | ".join(map(str, frame.value.astype(str).to_numpy().ravel()))
    for table in block.table:  # plain tables: the first column is their index
        value = table.value.reset_index()
        yield "table columns", " | ".join(map(str, value.columns))
        yield "table cells", " | ".join(map(str, value.astype(str).to_numpy().ravel()))
    for expander in block.expander:
        yield "expander", expander.label
    for kind in WIDGETS:
        for widget in block.get(kind):
            proto = widget.proto
            yield f"{kind} label", getattr(proto, "label", "")
            yield f"{kind} help", getattr(proto, "help", "")
            for option in getattr(widget, "options", None) or []:
                yield f"{kind} option", str(option)


def _internal_words(page: str, texts: Iterator[tuple[str, str]]) -> list[str]:
    found = []
    for where, text in texts:
        if INTERNAL_WORD.search(text or ""):
            found.append(f"{where}: {text[:160]!r}")
    return found


@pytest.mark.parametrize("page", PAGES)
def test_no_page_says_seed(app, page):
    """The main area of each page names sources as readers cite them, never as 'seed'."""
    at = open_sections(AppTest.from_file(APP, default_timeout=30))  # tables inside sections are read too
    at.switch_page(page).run()  # straight to the page (helpers.open_page)
    assert not at.exception
    assert _internal_words(page, on_screen(at, at.main)) == []


def test_sidebar_help_does_not_say_seed(app):
    """Input help (each default's source) and preset descriptions cite the articles, not 'seeds'."""
    at = app()
    assert not at.exception
    assert _internal_words("app.py", on_screen(at, at.sidebar)) == []


GLOSSARY_TERMS = (
    "NPV",
    "Payback",
    "Discounted payback",
    "BCR",
    "ROI as claimed",
    "Defensible ROI",
    "Chance of loss",
    "P10",
    "P50",
    "P90",
    "Break-even",
    "Crossover",
    "Evidence grades",
)


def test_sources_page_has_the_glossary_with_a_stable_anchor(app):
    """The glossary heading is anchored ('#glossary'), and each term has a one- or two-sentence entry."""
    at = app(page="pages/sources.py")
    headings = [h for h in at.main.header if h.value == "Glossary"]
    assert len(headings) == 1 and headings[0].proto.anchor == "glossary"
    entries = {}
    for block in at.main.markdown:
        for line in block.value.splitlines():
            if match := re.fullmatch(r"- \*\*(.+?)\*\*: (.+)", line):
                entries[match[1]] = match[2]
    for term in GLOSSARY_TERMS:
        meaning = next((text for name, text in entries.items() if term in name), None)
        assert meaning, f"no glossary entry for {term!r}"
        sentences = [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z“\"'])", meaning) if s]
        assert 1 <= len(sentences) <= 2, (term, sentences)
