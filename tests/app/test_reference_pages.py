"""AppTest: Assumptions & sources and Case studies, driven by widget keys."""

from __future__ import annotations

import pytest

from calculators.scenario import INPUTS
from tests.app.helpers import open_groups

SOURCES = "pages/sources.py"
CASES = "pages/case_studies.py"


def _text(at) -> str:
    return "\n".join(e.value for e in [*at.markdown, *at.caption, *at.header, *at.subheader, *at.title])


@pytest.mark.parametrize("page", [SOURCES, CASES])
def test_reference_pages_run_without_exception(app, page):
    at = app(page=page)
    assert not at.exception
    assert "nan" not in _text(at).lower().split()
    assert "inf" not in _text(at).lower().split()


def test_sources_table_lists_every_input_once(app):
    at = app(page=SOURCES)
    table = at.dataframe[0].value
    assert len(table) == len(INPUTS)
    assert list(table["Input"]) == [s.label for s in INPUTS.values()]
    assert (table["Changed"] == "").all()
    assert "Evidence grade" in table.columns and "Source" in table.columns
    assert at.markdown[0].value.startswith("## ") and "grade C or D defaults" in at.markdown[0].value


def test_sources_table_shows_the_current_value_with_currency(app):
    at = app(query={"learners": "477", "currency": "EUR"}, page=SOURCES)
    table = at.dataframe[0].value.set_index("Input")
    assert table.loc["Learners", "Current value"] == "477"
    assert table.loc["Learners", "Changed"] == "changed"
    assert table.loc["Development cost (microlearning series)", "Current value"] == "€30,000"


def test_sources_filters_by_group_and_grade(app):
    at = app(page=SOURCES)
    at.multiselect(key="src_groups").set_value(["Instructor-led"]).run()
    table = at.dataframe[0].value
    assert set(table["Group"]) == {"Instructor-led"}
    assert len(table) == sum(s.group == "Instructor-led" for s in INPUTS.values())
    at.multiselect(key="src_grades").set_value(["C"]).run()
    table = at.dataframe[0].value
    assert len(table) == sum(s.group == "Instructor-led" and s.grade.value == "C" for s in INPUTS.values())
    assert set(table["Evidence grade"]) == {"C: vendor claim"}
    assert at.get("download_button")[0].proto.label == "Download CSV"


def test_sources_page_flags_the_source_documents_discrepancies(app):
    at = app(page=SOURCES)
    text = _text(at)
    assert "Where the source documents disagree with themselves" in text
    assert "496.7 %" in text and "$6,960" in text and "$7,160" in text and "$5,960" in text
    assert "$33" in text and "$73.57" in text
    assert "33.3 %" in text
    assert "Sitzmann" in text and "d = +0.35" in text


def test_case_studies_show_a_card_per_preset(app):
    at = app(page=CASES)
    keys = {b.key for b in at.button if b.key and b.key.startswith("case_load_")}
    assert {
        "case_load_retail_pos_rollout",
        "case_load_security_champions",
        "case_load_per_employee_roi",
    } <= keys
    assert "case_load_vendor_cost_table" in keys
    values = [m.value for m in at.metric]
    assert "$6" in values and "496.7 %" in values and "25,000" in values


def test_loading_the_per_employee_case_changes_the_sidebar(app):
    at = app(page=CASES)
    at.button(key="case_load_per_employee_roi").click().run()
    assert not at.exception
    assert at.sidebar.select_slider(key="sb_learners").value == 1
    assert at.sidebar.slider(key="sb_horizon_years").value == 5
    assert any("Per-employee ROI" in t.value for t in at.toast)
    assert any("on screen now" in c.value for c in at.caption)
    assert open_groups(at, "Benefits").sidebar.toggle(key="sb_revenue_on").value is True
