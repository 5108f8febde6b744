"""Compare and files through AppTest: "Compare with defaults" in one click, a comparison of
saved scenarios, the scenario file round trip and a bad file that changes nothing."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from calculators.compare import attribute
from calculators.scenario import Scenario
from components.exports.scenario_file import export_json
from storage import LOCAL_OWNER, open_store
from tests.app.helpers import APP

PAGE = "pages/scenarios.py"


def _session() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    return at


def _learners(at: AppTest, value: str) -> None:
    at.sidebar.text_input(key="sb_learners_typed").input(value).run()


def test_compare_with_defaults_is_one_click_from_the_summary():
    at = _session()
    _learners(at, "2500")
    at.button(key="summary_compare_defaults").click().run()
    assert not at.exception
    assert at.title[0].value == "Scenarios"
    assert at.multiselect(key="compare_choice").value == ["on-screen", "defaults"]
    table = at.table[-1].value.reset_index()  # the KPI table: a plain table, its first column the index
    assert list(table.columns[:3]) == ["Figure", "Your scenario", "Default scenario"]
    # The explanation states the model's own attribution: the learners carry the whole difference.
    expected = attribute(Scenario(learners=2500), Scenario())
    text = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "All of the difference comes from learners (2,500 → 1,000)" in text
    assert f"{abs(expected.total):,.1f} points" in text
    assert len(at.get("plotly_chart")) >= 2


def test_the_comparison_follows_the_scenario_on_screen_and_presentation_leaves_it_alone():
    """The comparison's table and charts are kept per plans (a rerun draws them again without
    building them): a new learner count on screen gives a new table and new charts, and the
    enlarged charts of presentation mode do not change what is kept for the next visitor."""
    at = _session()
    at.button(key="summary_compare_defaults").click().run()

    def shown(at: AppTest) -> tuple[str, list[dict]]:
        table = at.table[-1].value
        charts = [json.loads(c.proto.spec)["layout"] for c in at.get("plotly_chart")]
        return table.to_json(), [
            {"title": c["title"]["text"], "tick": c["xaxis"].get("tickfont", {}).get("size")} for c in charts
        ]

    first = shown(at)
    _learners(at, "2500")
    moved = shown(at)
    assert moved[0] != first[0] and moved[1] != first[1]
    presenting = _session()
    presenting.switch_page(PAGE).run()
    presenting.multiselect(key="compare_choice").set_value(["on-screen", "defaults"]).run()
    presenting.sidebar.button(key="present_enter").click().run()
    assert [c["tick"] for c in shown(presenting)[1]] == [18, 18], "presentation type on the charts"
    assert [c["tick"] for c in first[1]] == [None, None]
    again = _session()
    again.switch_page(PAGE).run()
    again.multiselect(key="compare_choice").set_value(["on-screen", "defaults"]).run()
    assert shown(again) == first, "the same plans show the same table and charts, at desk size"


def test_saved_scenarios_can_be_compared_and_the_base_comes_first():
    at = _session()
    at.switch_page(PAGE).run()
    at.text_input(key="saved_new_name").input("Base plan")
    at.button(key="FormSubmitter:saved_new_form-Save as new").click().run()
    _learners(at, "4000")
    at.switch_page(PAGE).run()
    at.text_input(key="saved_new_name").input("Bigger plan")
    at.button(key="FormSubmitter:saved_new_form-Save as new").click().run()
    ids = {item.name: item.id for item in open_store().list(LOCAL_OWNER)}
    at.multiselect(key="compare_choice").set_value([ids["Base plan"], ids["Bigger plan"], "defaults"]).run()
    assert not at.exception
    table = at.table[-1].value.reset_index()  # the KPI table: a plain table, its first column the index
    assert "Base plan" in table.columns and "Bigger plan" in table.columns
    assert sum("Bigger plan" in m.value for m in at.markdown) >= 1


def test_fewer_than_two_plans_asks_for_more():
    at = _session()
    at.switch_page(PAGE).run()
    at.multiselect(key="compare_choice").set_value(["defaults"]).run()
    assert not at.exception
    assert "at least two" in at.info[-1].value


def _upload(at: AppTest, data: bytes, name: str = "scenario.json") -> None:
    uploader = at.get("file_uploader")[0]
    uploader.set_value([(name, data, "application/json")]) if hasattr(uploader, "set_value") else None
    at.run()


def test_a_scenario_file_round_trips_through_export_and_import():
    at = _session()
    _learners(at, "3000")
    data = export_json(at.session_state["scenario"])
    fresh = _session()
    fresh.switch_page(PAGE).run()
    _upload(fresh, data)
    assert not fresh.exception
    fresh.button(key="import_use").click().run()
    assert fresh.session_state["scenario"].learners == 3000
    assert fresh.query_params.get("learners") == "3000"


def test_a_bad_file_names_the_bad_values_and_changes_nothing_until_asked():
    at = _session()
    _learners(at, "2000")
    at.switch_page(PAGE).run()
    document = json.loads(export_json(Scenario(learners=5000, micro_fixed_cost=12_000)))
    document["scenario"]["learners"] = True
    document["scenario"]["micro_fixed_cost"] = "lots"
    _upload(at, json.dumps(document).encode())
    assert not at.exception
    warning = at.warning[-1].value
    assert "Learners" in warning and "Development cost (microlearning" in warning
    assert at.session_state["scenario"].learners == 2000, "nothing changes before 'Use this file'"
    at.button(key="import_use").click().run()
    assert at.session_state["scenario"].learners == 2000, "a bad value keeps what was on screen"


def test_a_file_that_is_not_json_gets_a_message():
    at = _session()
    at.switch_page(PAGE).run()
    _upload(at, b"\x89PNG\r\n\x1a\n not a scenario", "picture.json")
    assert not at.exception
    assert "could not be read" in at.error[-1].value
    assert not [b for b in at.button if b.key == "import_use"]


def test_the_summary_and_the_scenarios_page_offer_the_files():
    at = _session()
    labels = {b.label for b in at.get("download_button")}
    assert {"Executive brief (PDF)", "Workbook for finance (Excel)"} <= labels
    at.switch_page(PAGE).run()
    labels = {b.label for b in at.get("download_button")}
    assert {"Executive brief (PDF)", "Workbook for finance (Excel)", "Scenario file (JSON)"} <= labels


def test_every_chart_saves_a_slide_sized_png_from_its_camera_button():
    """Plotly's own 'download as PNG' button, set to 1600 × 900 (a 16:9 slide) on every chart."""
    at = _session()
    charts = at.get("plotly_chart")
    assert len(charts) >= 2
    for chart in charts:
        options = json.loads(chart.proto.config)["toImageButtonOptions"]
        assert (options["format"], options["width"], options["height"]) == ("png", 1600, 900)
        assert options["filename"] and " " not in options["filename"]


def test_a_search_in_the_library_does_not_narrow_what_can_be_compared():
    """The comparison offers every saved scenario, whether the library above lists them all
    (the page reads them once for both) or a search narrows that list."""
    at = _session()
    at.switch_page(PAGE).run()
    for name in ("Alpha plan", "Beta plan"):
        at.text_input(key="saved_new_name").input(name)
        at.button(key="FormSubmitter:saved_new_form-Save as new").click().run()
    offered = at.multiselect(key="compare_choice").options
    assert {"Alpha plan", "Beta plan"} <= set(offered)
    at.text_input(key="saved_search").input("Alpha").run()
    assert not at.exception
    assert {"Alpha plan", "Beta plan"} <= set(at.multiselect(key="compare_choice").options)


def test_identical_plans_show_no_split_of_a_difference():
    """The defaults compared with themselves: one plain sentence that the plans give the same
    figures, and no split of a difference there is not (no note on how it is split, no parts)."""
    at = _session()
    at.button(key="summary_compare_defaults").click().run()  # the scenario on screen is the defaults
    assert not at.exception
    text = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "Default scenario gives the same figures as Your scenario: none of their inputs differ." in text
    assert "difference" not in text.lower()
    assert not any("How the difference is split" in c.value for c in at.caption)
    assert len(at.get("plotly_chart")) >= 2, "the table and charts still show the (same) figures"
    _learners(at, "2500")  # now they differ: the split and the note on how it is made are back
    at.switch_page(PAGE).run()
    assert any("How the difference is split" in c.value for c in at.caption)
