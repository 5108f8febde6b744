"""Every chart's data as a table (components/charts/chart_data.py): from every figure the app
builds, a table with rows, one column per series named as its trace, holding the traces' own
numbers, and cells that read as the chart's axes do."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import plotly.graph_objects as go
import pytest
from plotly.io.json import to_json_plotly

from calculators.portfolio import Choice, Option, ProgramChoices, frontier, risk_of_draws
from components.charts.alt_text import _plain
from components.charts.budget_charts import frontier_figure as budget_frontier_figure
from components.charts.budget_charts import plan_risk_chart
from components.charts.chart_data import chart_table, data_label, has_data, table_formats, values
from components.charts.spec import spec
from tests.unit.figures import USD, figures


def _budget_figures() -> dict[str, go.Figure]:
    steps = frontier(
        [
            ProgramChoices(
                "Onboarding", (Choice(Option.MICRO, 20_000, 50_000), Choice(Option.ILT, 45_000, 70_000))
            ),
            ProgramChoices("Safety", (Choice(Option.BLEND, 30_000, 40_000),)),
        ]
    )
    npv = np.random.default_rng(7).normal(60_000, 40_000, 2_000)
    risk = risk_of_draws(npv)
    return {
        "budget_frontier": budget_frontier_figure(steps, 60_000, USD),
        "budget_risk": plan_risk_chart(risk, USD),
    }


ALL = {**figures(), **_budget_figures()}


def _built(name: str) -> dict[str, Any]:
    return spec(ALL[name])


def _index_axis(built: dict[str, Any]) -> tuple[str, str]:
    kinds = {(t.get("type"), t.get("orientation")) for t in built["data"]}
    if any(k == "scatterpolar" for k, _ in kinds):
        return "theta", "r"
    return ("y", "x") if ("bar", "h") in kinds else ("x", "y")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    return a == b


@pytest.mark.parametrize("name", list(ALL))
def test_every_chart_gives_a_table_of_its_traces_data(name):
    built = _built(name)
    table = chart_table(built)
    assert has_data(built)
    assert table.shape[0] > 0 and table.shape[1] >= 2, "rows, and a column beside the rows' names"
    if any(t["type"] == "heatmap" for t in built["data"]):  # a grid: its z, row by row
        grid = next(t for t in built["data"] if t["type"] == "heatmap")
        assert table.shape == (len(values(grid["y"])), 1 + len(values(grid["x"])))
        assert table.iloc[:, 0].tolist() == values(grid["y"])
        z = np.asarray(values(grid["z"]), dtype=float)
        assert np.array_equal(table.iloc[:, 1:].to_numpy(dtype=float), z, equal_nan=True)
        return
    index, value = _index_axis(built)
    first, *columns = table.columns.tolist()
    assert len(set(columns)) == len(columns)
    rows = {key: i for i, key in enumerate(table[first].tolist())}
    assert len(rows) == len(table), "one row per x value, per bar or per spoke"
    value_title = _plain(built["layout"].get(f"{value}axis", {}).get("title", {}).get("text"))
    named = {}
    for trace in built["data"]:
        name_ = _plain(trace.get("name")) or value_title
        named.setdefault(name_, []).append(trace)
    for column in columns:
        base = column.removesuffix(": from").removesuffix(": to")
        assert base in named, f"{column!r} is named as a trace"
        for trace in named[base]:
            if trace.get("showlegend") is False and trace.get("mode") != "text":
                continue  # a marked point, stated by the title, or joined to its line (below)
            keys = [_plain(k) if isinstance(k, str) else k for k in values(trace.get(index))]
            if trace.get("mode") == "text":
                cells = [_plain(t) for t in values(trace["text"])]
            elif column.endswith(": from"):
                cells = values(trace["base"])
            elif column.endswith(": to"):
                cells = [b + v for b, v in zip(values(trace["base"]), values(trace[value]), strict=True)]
            else:
                cells = values(trace[value])
            seen = set()
            for key, cell in zip(keys, cells, strict=True):
                if key is None or cell is None or key in seen:
                    continue  # a radar's closing point repeats its first
                seen.add(key)
                assert _same(table.at[rows[key], column], cell), (column, key)
    for column, traces in named.items():  # every series in the legend has its column
        drawn = [t for t in traces if values(t.get(value)) and t.get("hoverinfo") != "skip"]
        lines = [t for t in drawn if t.get("showlegend") is not False and len(values(t.get(index))) > 1]
        if lines:
            assert column in columns or f"{column}: from" in columns


def test_marked_points_stay_out_and_a_lines_own_dots_join_it():
    cost = chart_table(_built("cost_curves"))
    assert cost.columns.tolist() == ["Learners", "Microlearning", "Instructor-led"]  # no "Crossover"
    blend = chart_table(_built("blend")).set_index("Learners in the instructor-led foundation (%)")
    dots = {t["name"]: values(t["y"]) for t in _built("blend")["data"] if t.get("showlegend") is False}
    assert blend.loc[0.0, "Costs"] == dots["Costs, pure format"][0]
    assert blend.loc[100.0, "Net present value"] == dots["Net present value, pure format"][1]
    retention = chart_table(_built("retention"))
    assert retention.columns.tolist() == [
        "Months after training",
        "Microlearning",
        "Instructor-led",
        "Blended",
    ]
    sample = chart_table(_built("sample_size"))
    assert sample.columns.tolist() == ["Rate expected in arm B, microlearning (%)", "Learners per arm"]


def test_a_tornado_reads_top_down_with_its_ends_and_their_input_values():
    built = _built("tornado")
    table = chart_table(built)
    assert table.columns.tolist() == [
        "Input", "Microlearning: from", "Microlearning: to", "Input at left end", "Input at right end",
    ]  # fmt: skip
    bars = built["data"][0]
    assert table["Input"].tolist() == values(bars["y"])[::-1]  # the widest bar, drawn on top, first
    assert (table["Microlearning: to"] >= table["Microlearning: from"]).all()


def test_cells_read_as_the_axes_do():
    def shown(name: str) -> dict[str, str]:
        built = _built(name)
        table = chart_table(built)
        formats = table_formats(built, table)
        return {c: formats[c](table[c].iloc[0]) for c in table.columns}

    assert shown("cost_curves") == {"Learners": "0", "Microlearning": "$30,000", "Instructor-led": "$10,000"}
    assert shown("retention")["Microlearning"] == "99.0 %"
    assert shown("radar")["Instructor-led"].endswith("(Moderate)")
    assert shown("budget_frontier")["Steps"].startswith("$")
    risk = shown("budget_risk")
    assert risk["Plan NPV over the programs' horizons"].startswith(("$", "−$"))
    assert risk["Plan NPV"].endswith(" %")
    assert set(shown("frontier").values()) <= {"—"} | {
        v for v in shown("frontier").values() if v.endswith("%")
    }


def test_a_missing_value_reads_as_a_dash():
    built = _built("cost_curves")
    formats = table_formats(built, chart_table(built))
    assert formats["Microlearning"](math.nan) == "—"


def test_labels_name_what_each_chart_measures():
    assert data_label(_built("cost_curves")) == "Data: Total cost (USD)"
    assert data_label(_built("radar")) == "Data: Ratings by criterion"
    assert data_label(_built("frontier")).startswith("Data: ROI (%) by Learners and ")


@pytest.mark.parametrize("name", ["cost_curves", "frontier", "tornado"])
def test_the_table_reads_the_same_from_what_the_browser_is_sent(name):
    """Plotly's JSON carries arrays as typed base64 ({"dtype", "bdata"}): the same table."""
    sent = json.loads(to_json_plotly(ALL[name]))
    assert chart_table(sent).equals(chart_table(_built(name)))


def test_an_empty_chart_has_no_table():
    empty = {
        "layout": {},
        "data": [{"type": "bar", "orientation": "h", "x": [], "y": [], "name": "Worth it"}],
    }
    assert not has_data(empty)
    assert chart_table(empty).empty
