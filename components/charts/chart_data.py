"""A chart's data as a table: one row per x value (per bar, per category, per spoke), one column
per series named as in the legend, read from the figure's own dicts (`spec`), so the table and
the chart cannot disagree (pure, no Streamlit). `show_chart` puts it behind a "Data" control
under each chart, for screen readers and for anyone who would rather read the numbers.

>>> built = {"layout": {"xaxis": {"title": {"text": "Learners"}}, "yaxis": {"title": {"text": "Total cost (USD)"}}},
...          "data": [{"type": "scatter", "name": "Microlearning", "x": [0, 100], "y": [30000.0, 33000.0]},
...                   {"type": "scatter", "name": "Instructor-led", "x": [0, 100], "y": [10000.0, 14500.0]},
...                   {"type": "scatter", "name": "Crossover", "showlegend": False, "mode": "markers",
...                    "x": [47.6], "y": [31428.6]}]}
>>> table = chart_table(built)
>>> table.columns.tolist(), table["Instructor-led"].tolist()
(['Learners', 'Microlearning', 'Instructor-led'], [10000.0, 14500.0])
>>> shown = table_formats(built, table)
>>> shown["Learners"](100.0), shown["Microlearning"](33000.0), data_label(built)
('100', '$33,000', 'Data: Total cost (USD)')

Which traces are data (`_series`):
- a trace that would stand in the legend is a column (traces of one name share it);
- a trace kept out of the legend (`showlegend` False) joins the column of its `legendgroup`
  (the blend's pure-format dots join their lines) and is left out otherwise: a crossover, a
  break-even or a payback ring marks a point the title already states;
- a single marked point beside lines of many points ("Your plan") is a mark, left out;
- text written beside bars (`mode` "text": the tornado's input values at each end) is a
  column of that text; decoration the hover skips (a legend-only entry, the budget's
  step line under its numbered steps, a break-even contour over its heatmap) is left out.

A heatmap is a grid: one row per y value, one column per x value. A bar with a `base` (the
tornado) gives two columns, where it starts and where it ends.

A builder whose axes do not name what the rows are (a tornado's inputs, a radar's criteria)
says so in `layout.meta["table"]`: {"index": "Input", "name": "..."} (`table_hint`).
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from calculators.scenario import CURRENCY_SYMBOLS
from components.charts.alt_text import _plain, _title
from components.words.formatting import MINUS, MISSING, learners, money, percent

TABLE_META = "table"  # layout.meta key: {"index": the rows' name, "name": the Data control's name}
GRID_TYPES = {"heatmap", "contour"}
Format = Callable[[Any], str]


def table_hint(*, index: str | None = None, name: str | None = None) -> dict[str, Any]:
    """A layout update naming a chart's rows (`index`) and its data (`name`) for `chart_table`.

    >>> table_hint(index="Input")
    {'meta': {'table': {'index': 'Input'}}}
    """
    hint = {k: v for k, v in (("index", index), ("name", name)) if v}
    return {"meta": {TABLE_META: hint}}


def _hint(layout: dict[str, Any], key: str) -> str:
    meta = layout.get("meta")
    hint = meta.get(TABLE_META) if isinstance(meta, dict) else None
    return str(hint.get(key) or "") if isinstance(hint, dict) else ""


def values(data: Any) -> list[Any]:
    """A trace's array as a list of Python values: a list, a numpy array, or Plotly's typed
    array ({"dtype", "bdata"}, base64), numbers as floats and text as text.

    >>> values(np.array([1, 2])), values({"dtype": "f8", "bdata": "AAAAAAAA8D8="}), values(None)
    ([1.0, 2.0], [1.0], [])
    """
    if data is None:
        return []
    if isinstance(data, dict) and "bdata" in data:
        array = np.frombuffer(base64.b64decode(data["bdata"]), dtype=np.dtype(data["dtype"]))
        if data.get("shape"):
            array = array.reshape([int(n) for n in str(data["shape"]).split(",")])
        data = array
    if isinstance(data, np.ndarray):
        return [values(row) for row in data] if data.ndim > 1 else [_value(v) for v in data.tolist()]
    if isinstance(data, (list, tuple)):
        return [values(v) if isinstance(v, (list, tuple, np.ndarray)) else _value(v) for v in data]
    return [_value(data)]


def _value(v: Any) -> Any:
    if isinstance(v, (bool, np.bool_)):
        return v
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    return v


def _hover_skipped(trace: dict[str, Any]) -> bool:
    return trace.get("hoverinfo") == "skip"


def _is_text(trace: dict[str, Any]) -> bool:
    return trace.get("mode") == "text"


def _is_mark(trace: dict[str, Any], points: int) -> bool:
    """A single marked point ("Your plan"), on a chart whose series have many."""
    mode = str(trace.get("mode") or "")
    return (
        trace.get("type", "scatter") == "scatter"
        and "markers" in mode
        and "lines" not in mode
        and points <= 1
    )


def _axes(built: dict[str, Any]) -> tuple[str, str]:
    """The trace keys holding a row's name and its value: ("x", "y"); ("y", "x") when bars lie
    horizontally; ("theta", "r") on a radar."""
    data = built.get("data") or []
    if any(t.get("type") == "scatterpolar" for t in data):
        return "theta", "r"
    if any(t.get("type") == "bar" and t.get("orientation") == "h" for t in data):
        return "y", "x"
    return "x", "y"


STRAY, OWN = "stray", "own"


def _role(trace: dict[str, Any], value: str) -> str | None:
    """A trace's part in the data table: None (nothing to show: no point, a hover-less
    decoration, an unnamed text layer), `STRAY` (kept out of the legend: it joins the column of
    its legend group, if any) or `OWN` (a column of its own, or of its name's)."""
    if not _has_points(trace.get(value)) or (_hover_skipped(trace) and not _is_text(trace)):
        return None
    if _is_text(trace) and not _plain(trace.get("name")):
        return None
    if trace.get("showlegend") is False and not _is_text(trace):
        return STRAY
    return OWN


def _series(built: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The data series: (column name, the traces drawn for it), in drawing order (module docstring)."""
    data = built.get("data") or []
    index, value = _axes(built)
    layout = built.get("layout") or {}
    value_title = _axis_title(layout, value)
    columns: dict[str, list[dict[str, Any]]] = {}
    group_column: dict[str, str] = {}
    strays: list[dict[str, Any]] = []
    for trace in data:
        role = _role(trace, value)
        if role is None:
            continue
        if role == STRAY:
            strays.append(trace)
            continue
        column = _plain(trace.get("name")) or value_title or "Value"
        columns.setdefault(column, []).append(trace)
        if trace.get("legendgroup"):
            group_column.setdefault(str(trace["legendgroup"]), column)
    for trace in strays:  # joins the column of its legend group, if it has one
        column = group_column.get(str(trace.get("legendgroup")))
        if column is not None:
            columns[column].append(trace)
    longest = max((len(values(t.get(index))) for traces in columns.values() for t in traces), default=0)
    if longest > 1:
        columns = {
            c: traces
            for c, traces in columns.items()
            if not all(_is_mark(t, len(values(t.get(index)))) for t in traces)
        }
    return list(columns.items())


def _axis(layout: dict[str, Any], key: str) -> dict[str, Any]:
    if key in ("theta", "r"):
        polar = layout.get("polar") or {}
        return polar.get("angularaxis" if key == "theta" else "radialaxis") or {}
    return layout.get(f"{key}axis") or {}


def _axis_title(layout: dict[str, Any], key: str) -> str:
    return _title(_axis(layout, key).get("title"))


def _index_name(built: dict[str, Any], index: str) -> str:
    layout = built.get("layout") or {}
    return _hint(layout, "index") or _axis_title(layout, index) or "Item"


def has_data(built: dict[str, Any]) -> bool:
    """Whether the chart plots any data (a chart saying "nothing to show" has no table).

    >>> has_data({"layout": {}, "data": [{"type": "bar", "x": [], "y": []}]})
    False
    """
    data = built.get("data") or []
    grids = [t for t in data if t.get("type") in GRID_TYPES and not _hover_skipped(t)]
    if any(_has_grid(t.get("z")) for t in grids):
        return True
    # `_series` is not empty exactly when one trace has a column of its own (a stray only joins
    # one; the longest series is never a single mark): found without building the series
    # (charts are drawn on every rerun, their tables only when opened)
    value = _axes(built)[1]
    return any(_role(trace, value) == OWN for trace in data)


def _has_grid(z: Any) -> bool:
    """Whether `values(z)` of a heatmap's grid has a row with any cell (`bool(values(z))` read
    row by row), without turning a numpy grid into lists.

    >>> _has_grid(np.zeros((2, 3))), _has_grid(np.zeros((2, 0))), _has_grid([[1.0]]), _has_grid(None)
    (True, False, True, False)
    """
    if isinstance(z, np.ndarray) and z.dtype != object and z.ndim > 1:
        return z.size > 0  # rows of cells: one row with a cell is enough
    if isinstance(z, dict) and "bdata" in z and z.get("shape"):
        return bool(z["bdata"])
    return any(values(z))  # a single row: its cells' own truth, as before


def _has_points(data: Any) -> bool:
    """Whether `values(data)` holds a value that is not None, without making the list.

    >>> _has_points(np.array([1.0])), _has_points([None, None]), _has_points({"dtype": "f8", "bdata": ""})
    (True, False, False)
    """
    if data is None:
        return False
    if isinstance(data, dict) and "bdata" in data:
        return bool(data["bdata"])
    if isinstance(data, np.ndarray) and data.dtype != object:
        return data.size > 0
    if isinstance(data, (list, tuple)):
        return any(v is not None for v in data)
    return any(v is not None for v in values(data))


def chart_table(built: dict[str, Any]) -> pd.DataFrame:
    """The chart's data: the rows' names or x values first, then one column per series
    (NaN where a series has no point on that row)."""
    data = built.get("data") or []
    grids = [
        t for t in data if t.get("type") in GRID_TYPES and not _hover_skipped(t) and t.get("z") is not None
    ]
    if grids:
        return _grid_table(built, grids[0])
    layout = built.get("layout") or {}
    index, value = _axes(built)
    rows: dict[Any, dict[str, Any]] = {}
    names: list[str] = []
    for column, traces in _series(built):
        for trace in traces:
            keys = [_plain(k) if isinstance(k, str) else k for k in values(trace.get(index))]
            if _is_text(trace):
                cells = [_plain(t) for t in values(trace.get("text"))]
                parts = [(column, cells)]
            elif trace.get("base") is not None:
                starts = values(trace.get("base"))
                ends = [_sum(b, v) for b, v in zip(starts, values(trace.get(value)), strict=False)]
                parts = [(f"{column}: from", starts), (f"{column}: to", ends)]
            else:
                parts = [(column, values(trace.get(value)))]
            for name, cells in parts:
                if name not in names:
                    names.append(name)
                for key, cell in zip(keys, cells, strict=False):
                    if key is None or cell is None:
                        continue
                    row = rows.setdefault(key, {})
                    row.setdefault(name, cell)  # a point drawn twice keeps its first value
    keys = list(rows)
    if keys and all(isinstance(k, float) for k in keys):
        keys.sort()
    elif index == "y" and (_axis(layout, "y").get("autorange") != "reversed"):
        keys.reverse()  # horizontal bars: the first category is drawn at the bottom; read top down
    first = _index_name(built, index)
    frame = pd.DataFrame(
        [{first: k, **{n: rows[k].get(n, math.nan) for n in names}} for k in keys], columns=[first, *names]
    )
    return frame


def _sum(base: Any, length: Any) -> Any:
    return base + length if isinstance(base, float) and isinstance(length, float) else None


def _grid_table(built: dict[str, Any], trace: dict[str, Any]) -> pd.DataFrame:
    """A heatmap as a grid: one row per y value, one column per x value."""
    layout = built.get("layout") or {}
    xs, ys, z = values(trace.get("x")), values(trace.get("y")), values(trace.get("z"))
    x_title, y_title = _axis_title(layout, "x") or "x", _axis_title(layout, "y") or "y"
    x_format = _format(_kind(layout, _axis(layout, "x"), x_title))
    columns = [f"{x_title} {x_format(x)}" for x in xs]
    rows = [
        {y_title: y, **{c: _number(cell) for c, cell in zip(columns, row, strict=False)}}
        for y, row in zip(ys, z, strict=False)
    ]
    return pd.DataFrame(rows, columns=[y_title, *columns])


def _number(v: Any) -> float:
    return v if isinstance(v, float) else math.nan


# --- how the cells read: as on the chart's axis ------------------------------------------------

_CODE = re.compile(r"\b(" + "|".join(CURRENCY_SYMBOLS) + r")\b")
_SYMBOLS = sorted(((s.strip(), c) for c, s in CURRENCY_SYMBOLS.items()), key=lambda p: -len(p[0]))


def _kind(layout: dict[str, Any], axis: dict[str, Any], title: str) -> tuple[str, str]:
    """How an axis's numbers read: ("money", currency), ("percent", ""), ("count", ""), or
    ("number", "") — from its title's unit ("(USD)", "(%)"), its tick prefix or suffix, or
    its money tick labels.

    >>> _kind({}, {"ticksuffix": " %"}, "ROI"), _kind({}, {}, "Total cost (EUR)")
    (('percent', ''), ('money', 'EUR'))
    >>> _kind({}, {"ticktext": ["−$20k", "$0"]}, "Budget"), _kind({}, {}, "Learners per arm (log scale)")
    (('money', 'USD'), ('count', ''))
    """
    unit = re.findall(r"\(([^)]*)\)", title)
    code = _CODE.search(" ".join(unit))
    if code:
        return "money", code.group(1)
    if "%" in str(axis.get("ticksuffix") or "") or any("%" in u for u in unit):
        return "percent", ""
    marks = [str(axis.get("tickprefix") or "")] + [
        str(t).lstrip(MINUS + "-") for t in axis.get("ticktext") or []
    ]
    for symbol, currency in _SYMBOLS:
        if symbol and marks and any(m.startswith(symbol) for m in marks if m):
            return "money", currency
    if title.lower().startswith("learners"):
        return "count", ""
    return "number", ""


def _plain_number(x: Any) -> str:
    """A number as on an axis: separators, at most two decimals, a true minus sign.

    >>> _plain_number(1234.0), _plain_number(-2.769813), _plain_number(0.5)
    ('1,234', '−2.77', '0.5')
    """
    text = f"{abs(x):,.2f}".rstrip("0").rstrip(".")
    return (MINUS if x < 0 and text != "0" else "") + text


def _format(kind: tuple[str, str], ticks: dict[float, str] | None = None) -> Format:
    """A cell formatter for numbers of `kind`; text stays as it is, a missing number is "—"."""
    name, currency = kind

    def shown(x: Any) -> str:
        if isinstance(x, str):
            return x
        if not isinstance(x, (int, float)) or not math.isfinite(x):
            return MISSING
        if name == "money":
            return money(x, currency)
        if name == "percent":
            return percent(x)
        if name == "count":
            return learners(x)
        if ticks and x in ticks:
            return f"{_plain_number(x)} ({ticks[x]})"  # a rating: "4 (High)"
        return _plain_number(x)

    return shown


def _ticks(axis: dict[str, Any]) -> dict[float, str]:
    vals, text = values(axis.get("tickvals")), axis.get("ticktext") or []
    return {v: _plain(t) for v, t in zip(vals, text, strict=False) if isinstance(v, float)}


def table_formats(built: dict[str, Any], table: pd.DataFrame) -> dict[str, Format]:
    """How each column of `chart_table(built)` reads: money with its currency, percentages,
    learners as whole numbers, as on the chart's axes (for `pandas.Styler.format`)."""
    layout = built.get("layout") or {}
    data = built.get("data") or []
    first, *rest = table.columns.tolist() or [""]
    grids = [t for t in data if t.get("type") in GRID_TYPES and not _hover_skipped(t)]
    if grids:
        bar = grids[0].get("colorbar") or {}
        z_kind = _kind(layout, bar, _title(bar.get("title")))
        y_kind = _kind(layout, _axis(layout, "y"), _axis_title(layout, "y"))
        return {first: _format(y_kind), **{c: _format(z_kind) for c in rest}}
    index, value = _axes(built)
    value_axis = _axis(layout, value)
    value_format = _format(_kind(layout, value_axis, _axis_title(layout, value)), _ticks(value_axis))
    index_axis = _axis(layout, index)
    formats = {first: _format(_kind(layout, index_axis, _axis_title(layout, index)))}
    formats.update({c: value_format for c in rest})
    return formats


def data_label(built: dict[str, Any]) -> str:
    """The Data control's label: "Data: " and what the chart measures (its value axis's title),
    telling apart the controls of a page's charts for a screen reader.

    >>> data_label({"layout": {}, "data": []})
    'Data: the chart'
    """
    layout = built.get("layout") or {}
    data = built.get("data") or []
    name = _hint(layout, "name")
    if not name:
        grids = [t for t in data if t.get("type") in GRID_TYPES and not _hover_skipped(t)]
        if grids:
            measure = _title((grids[0].get("colorbar") or {}).get("title"))
            over = " and ".join(t for t in (_axis_title(layout, "x"), _axis_title(layout, "y")) if t)
            name = f"{measure} by {over}" if measure and over else measure or over
        else:
            name = _axis_title(layout, _axes(built)[1])
    return "Data: " + (name or "the chart")
