"""Every chart on every page has its "Data" control under it (components/views/show.py), closed
and built only when opened; opened, it shows the chart's data as a table with rows. Presenting,
the control is left out. The cases reach every chart the app draws (every `show_chart` key)."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from components.charts.chart_data import has_data
from components.views.sections import section_key
from components.views.show import data_key
from tests.app.helpers import PAGES, ROOT, open_page


def _pilot_example(at: AppTest) -> AppTest:
    return at.button(key="pilot_example").click().run()


SMALL = {"learners": "300"}  # a scale at which single inputs are worth finding out first
CASES: list[tuple[str, dict[str, str], Callable[[AppTest], AppTest] | None, set[str]]] = [
    # page, link, a step after opening it, the charts with data it then shows
    ("pages/executive_summary.py", {}, None, {"summary_payback_chart", "summary_cost_chart"}),
    ("pages/costs.py", {}, None, {"costs_total_chart", "costs_breakeven_chart", "costs_per_learner_chart"}),
    ("pages/roi.py", {}, None, {"roi_cumulative_chart", "roi_waterfall_chart"}),
    ("pages/retention.py", {}, None, {"retention_chart"}),
    ("pages/blend.py", {}, None, {"blend_chart"}),
    ("pages/sensitivity.py", {}, None, {"sens_tornado_chart", "sens_frontier_chart"}),
    ("pages/monte_carlo.py", {}, None, {"mc_histogram_chart"}),  # no input worth learning alone: words
    ("pages/goal_seek.py", {}, None, {"gs_curve_chart"}),
    ("pages/decision.py", {}, None, {"dm_radar_chart"}),
    ("pages/pilot.py", {}, None, {"pilot_size_chart"}),
    ("pages/budget.py", {}, None, {"budget_frontier_chart", "budget_risk_chart"}),
    ("pages/sources.py", {}, None, set()),
    ("pages/case_studies.py", {}, None, set()),
    ("pages/scenarios.py", {}, None, {"compare_payback_chart", "compare_cost_chart"}),
    (
        "pages/sensitivity.py",
        SMALL,
        None,
        {"sens_tornado_chart", "sens_information_chart", "sens_frontier_chart"},
    ),
    ("pages/monte_carlo.py", SMALL, None, {"mc_histogram_chart", "mc_information_chart"}),
    ("pages/pilot.py", {}, _pilot_example, {"pilot_size_chart", "pilot_results_chart"}),
]


def _case_id(page: str, query: dict[str, str], step: object, _: set[str]) -> str:
    """A test's id, the same in every pytest worker (a set's order is not)."""
    extra = [f"{k}={v}" for k, v in query.items()] + ([step.__name__] if callable(step) else [])
    return "-".join([page.removeprefix("pages/").removesuffix(".py"), *extra])


def _chart_keys(at: AppTest) -> list[str]:
    """The keys of the page's charts that plot something (an empty chart has no table)."""
    return [
        c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart") if has_data(json.loads(c.proto.spec))
    ]


def _data_controls(at: AppTest) -> dict[str, object]:
    return {e.key: e for e in at.expander if (e.key or "").startswith(section_key("data_"))}


def test_the_cases_cover_every_page_and_every_chart():
    assert {page for page, *_ in CASES} == set(PAGES)
    assert _show_chart_keys() == {key for *_, keys in CASES for key in keys}


@pytest.mark.parametrize(("page", "query", "step", "expected"), CASES, ids=[_case_id(*c) for c in CASES])
def test_each_chart_has_a_data_control_that_opens_on_its_table(page, query, step, expected):
    at = open_page(page, query)
    if step is not None:
        at = step(at)
    assert not at.exception
    keys = _chart_keys(at)
    assert set(keys) == expected
    controls = _data_controls(at)
    assert set(controls) == {section_key(data_key(k)) for k in keys}, "one Data control per chart"
    labels = [c.label for c in controls.values()]
    assert all(label.startswith("Data: ") for label in labels)
    assert len(set(labels)) == len(labels), "a screen reader tells a page's Data controls apart"
    tables = len(at.dataframe)
    for name in controls:
        assert not controls[name].dataframe, "closed, it builds nothing"
        at.session_state[name] = True  # as a click on each control
    at.run()
    assert not at.exception
    assert len(at.dataframe) == tables + len(keys)
    for name, control in _data_controls(at).items():
        (frame,) = control.dataframe
        assert frame.value.shape[0] > 0 and frame.value.shape[1] >= 2, name


def _show_chart_keys() -> set[str]:
    """The key of every `show_chart(..., key="...")` call in the pages and components."""
    keys = set()
    for path in [*(ROOT / "pages").glob("*.py"), *(ROOT / "components").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "show_chart":
                keys.update(
                    k.value.value
                    for k in node.keywords
                    if k.arg == "key" and isinstance(k.value, ast.Constant)
                )
    return keys


def test_presenting_leaves_the_data_controls_out():
    at = open_page("pages/costs.py", {"present": "1"})
    assert not at.exception
    assert at.get("plotly_chart") and not _data_controls(at)


def test_an_opened_table_reads_the_charts_figures():
    at = open_page("pages/costs.py")
    at.session_state[section_key(data_key("costs_total_chart"))] = True
    at.run()
    (frame,) = _data_controls(at)[section_key(data_key("costs_total_chart"))].dataframe
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert frame.value.columns.tolist() == [
        "Learners",
        *(t["name"] for t in chart["data"] if t.get("showlegend") is not False),
    ]
