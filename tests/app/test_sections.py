"""Tables in sections are built only while their section is open (components/views/sections.py),
and appear, with their CSV download, once it is opened."""

from __future__ import annotations

import pytest

from components.views.sections import section_key
from tests.app.helpers import SECTIONS

CASES = [  # page, section, the download button's key (one per table)
    ("pages/costs.py", "costs_table", "costs_csv"),
    ("pages/roi.py", "roi_table", "roi_csv"),
    ("pages/retention.py", "retention_data", "ret_csv"),
    ("pages/decision.py", "dm_table", "dm_csv"),
    ("pages/budget.py", "budget_options", "budget_csv"),
]


def test_the_page_wide_checks_find_every_section_in_the_pages_source():
    assert {name for _, name, _ in CASES} | {"pilot_table", "ranges_table"} == set(SECTIONS)


def _downloads(at) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.key for b in at.get("download_button")]


@pytest.mark.parametrize(("page", "name", "button"), CASES)
def test_a_closed_section_builds_nothing_and_opening_it_shows_the_table(app, page, name, button):
    at = app(page=page)
    assert not at.exception
    tables = len(at.dataframe)
    assert button not in _downloads(at)
    at.session_state[section_key(name)] = True  # as a click on the section's title
    at.run()
    assert not at.exception
    assert button in _downloads(at)
    assert len(at.dataframe) == tables + 1
    assert at.dataframe[-1].value.shape[0] > 0


def test_the_ranges_table_is_an_editor_drawn_only_when_open(app):
    at = app(page="pages/sensitivity.py")
    assert len(at.dataframe) == 0
    at.session_state[section_key("ranges_table")] = True
    at.run()
    assert not at.exception
    assert len(at.dataframe) == 1 and "Low" in at.dataframe[0].value.columns


def test_the_pilot_results_table_opens_with_its_download(app):
    at = app(page="pages/pilot.py")
    at.button(key="pilot_example").click().run()  # results to tabulate
    assert at.get("plotly_chart") and "pilot_csv" not in _downloads(at)
    at.session_state[section_key("pilot_table")] = True
    at.run()
    assert not at.exception
    assert "pilot_csv" in _downloads(at)
