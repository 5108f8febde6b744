"""Figures at the cost of their data: a plain-dict figure specification (pure, no Streamlit).

Plotly's `graph_objects` validate every property on every `update_layout`, and walk their
object tree for each "magic underscore" path; measured here, that made a two-line chart cost
35–65 ms to build against ~3 ms for its data. A `Chart` is the same figure as plain
dictionaries: traces and layout are merged as dicts (microseconds), and one
`go.Figure(spec, _validate=False)` at the end (~1 ms) gives Streamlit the object it expects.

Validation is not lost, it moves to the tests: `tests/unit/test_phone_and_presentation.py`
builds every figure through the validating constructor, so a misspelt property fails there.

The API is the small part of `go.Figure`'s that the builders use, with the same meaning:

>>> fig = Chart(scatter(x=[0, 1], y=[2, 3], name="Cost", line_width=3))
>>> fig.update_layout(title_text="A title", margin_t=40).add_hline(y=0, line={"color": "#000"})
Chart(1 trace)
>>> fig.layout["title"], fig.layout["margin"], fig.data[0]["line"]
({'text': 'A title'}, {'t': 40}, {'width': 3})
>>> go_fig = fig.figure()
>>> go_fig.layout.title.text, go_fig.data[0].name, go_fig.layout.shapes[0].yref
('A title', 'Cost', 'y')
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

import plotly.graph_objects as go

_UNDERSCORED = ("paper_bgcolor", "plot_bgcolor", "error_x", "error_y", "copy_ystyle")


@lru_cache(maxsize=2048)
def _path(key: str) -> tuple[str, ...]:
    """A Plotly "magic underscore" key as a path: `title_font_size` → title, font, size.

    Only five Plotly properties (layout, and the trace types drawn here) have an underscore
    in their own name (`_UNDERSCORED`); every other underscore separates two levels.

    >>> _path("title_font_size"), _path("plot_bgcolor"), _path("error_x_color")
    (('title', 'font', 'size'), ('plot_bgcolor',), ('error_x', 'color'))

    (Kept per key: a page's figures merge a few hundred keys a run, the same ones every run.)
    """
    for name in _UNDERSCORED:
        if key == name or key.startswith(name + "_"):
            return (name, *(_path(key[len(name) + 1 :]) if key != name else ()))
    return tuple(key.split("_"))


def merge(target: dict[str, Any], props: dict[str, Any], *, magic: bool = True) -> dict[str, Any]:
    """Merge `props` into `target` in place: nested dicts merge, None unsets, anything else replaces.

    With `magic`, the keys of `props` itself are paths (`font_size`); keys inside nested
    dicts are taken as they are (a `meta` dict may hold any key).

    >>> merge({"font": {"size": 12, "color": "#111"}}, {"font": {"size": 18}, "font_family": "Inter"})
    {'font': {'size': 18, 'color': '#111', 'family': 'Inter'}}
    >>> merge({}, {"meta": {"body_height": 330}})
    {'meta': {'body_height': 330}}
    >>> merge({"fill": "tozeroy", "line": {"dash": "dot"}}, {"fill": None, "line": {"dash": None}})
    {'line': {}}
    """
    for key, value in props.items():
        *parents, leaf = _path(key) if magic else (key,)
        node = target
        for name in parents:
            child = node.get(name)
            if not isinstance(child, dict):
                child = node[name] = {}
            node = child
        if value is None:  # as plotly: None unsets a property
            node.pop(leaf, None)
        elif isinstance(value, dict) and isinstance(node.get(leaf), dict):
            merge(node[leaf], value, magic=False)
        elif isinstance(value, dict):
            node[leaf] = merge({}, value, magic=False)
        else:
            node[leaf] = value
    return target


def trace(kind: str, **props: Any) -> dict[str, Any]:
    """One trace of type `kind` as a dict (magic underscores expanded)."""
    return merge({"type": kind}, props)


def scatter(**props: Any) -> dict[str, Any]:
    return trace("scatter", **props)


def bar(**props: Any) -> dict[str, Any]:
    return trace("bar", **props)


def contour(**props: Any) -> dict[str, Any]:
    return trace("contour", **props)


def heatmap(**props: Any) -> dict[str, Any]:
    return trace("heatmap", **props)


def waterfall(**props: Any) -> dict[str, Any]:
    return trace("waterfall", **props)


def scatterpolar(**props: Any) -> dict[str, Any]:
    return trace("scatterpolar", **props)


class Chart:
    """A figure as plain dicts: `data` (a list of traces) and `layout`."""

    def __init__(self, *traces: dict[str, Any], layout: dict[str, Any] | None = None):
        self.data: list[dict[str, Any]] = list(traces)
        self.layout: dict[str, Any] = layout if layout is not None else {}

    def __repr__(self) -> str:
        return f"Chart({len(self.data)} trace{'' if len(self.data) == 1 else 's'})"

    @classmethod
    def from_figure(cls, fig: go.Figure | Chart) -> Chart:
        """A `Chart` holding a copy of `fig` (a `go.Figure` or another `Chart`)."""
        if isinstance(fig, ChartFigure) and not fig.built:
            fig = fig.chart
        if isinstance(fig, Chart):
            return cls(*copy.deepcopy(fig.data), layout=copy.deepcopy(fig.layout))
        spec = fig.to_dict()
        layout = spec.get("layout", {})
        layout.pop("template", None)  # the default template comes back with `figure()`
        return cls(*spec.get("data", []), layout=layout)

    def figure(self) -> ChartFigure:
        """The `go.Figure` of this chart, built without re-validating, and only when something
        reads it as a figure (`ChartFigure`): Streamlit is sent the chart's own dicts."""
        return ChartFigure(self)

    def add_trace(self, trace: dict[str, Any]) -> Chart:
        self.data.append(trace)
        return self

    def update_layout(self, props: dict[str, Any] | None = None, **more: Any) -> Chart:
        merge(self.layout, {**(props or {}), **more})
        return self

    def _axes(self, kind: str) -> list[dict[str, Any]]:
        names = [k for k in self.layout if k == kind or (k.startswith(kind) and k[len(kind) :].isdigit())]
        return [self.layout.setdefault(name, {}) for name in names or [kind]]

    def update_xaxes(self, **props: Any) -> Chart:
        for axis in self._axes("xaxis"):
            merge(axis, props)
        return self

    def update_yaxes(self, **props: Any) -> Chart:
        for axis in self._axes("yaxis"):
            merge(axis, props)
        return self

    def update_polars(self, **props: Any) -> Chart:
        if "polar" in self.layout:
            merge(self.layout["polar"], props)
        return self

    def add_annotation(self, **props: Any) -> Chart:
        self.layout.setdefault("annotations", []).append(merge({}, props))
        return self

    def update_annotations(self, **props: Any) -> Chart:
        for annotation in self.layout.get("annotations", []):
            merge(annotation, props)
        return self

    def add_shape(self, **props: Any) -> Chart:
        self.layout.setdefault("shapes", []).append(merge({}, props))
        return self

    def add_vline(self, x: float, **props: Any) -> Chart:
        """A vertical line across the whole plot at `x` (axis units), as `go.Figure.add_vline`."""
        return self.add_shape(type="line", x0=x, x1=x, xref="x", y0=0, y1=1, yref="y domain", **props)

    def add_hline(self, y: float, **props: Any) -> Chart:
        """A horizontal line across the whole plot at `y` (axis units), as `go.Figure.add_hline`."""
        return self.add_shape(type="line", x0=0, x1=1, xref="x domain", y0=y, y1=y, yref="y", **props)

    def add_vrect(self, x0: float, x1: float, **props: Any) -> Chart:
        """A band across the whole plot from `x0` to `x1`, behind the data."""
        return self.add_shape(
            type="rect", x0=x0, x1=x1, xref="x", y0=0, y1=1, yref="y domain", layer="below", **props
        )


def visible_points(x: Any, y: Any, hover_points: int = 200) -> tuple[Any, Any]:
    """The points of a line that the eye (or the hover) can tell apart; the drawn line is unchanged.

    A point strictly inside a straight stretch adds nothing to the drawing: it is dropped,
    except for about `hover_points` evenly spaced ones kept so that hovering anywhere along
    the line still reads a value nearby. Corners, steps and both ends are always kept, so a
    straight cost line keeps its ends and a staircase its steps; a curve keeps every point.

    >>> import numpy as np
    >>> n = np.arange(0, 2001.0)
    >>> cost = 10_000 + 45 * n + 500 * np.ceil(n / 25)  # a class every 25 seats: a staircase
    >>> xs, ys = visible_points(n, cost, hover_points=0)
    >>> len(xs), xs[:4].tolist()  # both ends and the two points around each step
    (161, [0.0, 1.0, 25.0, 26.0])
    >>> bool(np.allclose(np.interp(n, xs, ys), cost))
    True
    >>> len(visible_points(n, 3 * n)[0]), len(visible_points(n, np.sqrt(n))[0])
    (201, 2001)
    """
    import numpy as np

    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.size < 3 or not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        return x, y
    span = float(np.ptp(y)) or 1.0
    # Height of each inner point above the chord joining its neighbours.
    t = (x[1:-1] - x[:-2]) / np.where(x[2:] > x[:-2], x[2:] - x[:-2], 1.0)
    off = np.abs(y[1:-1] - (y[:-2] + t * (y[2:] - y[:-2])))
    keep = np.ones(x.size, dtype=bool)
    keep[1:-1] = off > 1e-9 * span
    if hover_points > 0:
        keep[:: max(1, x.size // hover_points)] = True
    return x[keep], y[keep]


class ChartFigure(go.Figure):
    """The `go.Figure` of a `Chart`, built on first use as a figure.

    Builders return one, so callers and tests read it as any figure (`fig.layout.title.text`);
    `components.views.show.show_chart` sends the chart's own dicts (`spec`) and never builds
    it, saving plotly's deep copies of every trace, of the layout and of the default template
    (about 1 ms a chart). Building it once turns it into an ordinary figure; from then on its
    spec is the figure's.

    >>> fig = Chart(scatter(x=[0, 1], y=[2, 3]), layout={"title": {"text": "Cost"}}).figure()
    >>> fig.built, spec(fig)["layout"]["title"], "template" in spec(fig)["layout"]
    (False, {'text': 'Cost'}, True)
    >>> fig.layout.title.text, fig.built          # read as a figure: built now
    ('Cost', True)
    >>> spec(fig)["data"][0]["type"]
    'scatter'
    """

    def __init__(self, chart: Chart) -> None:  # plotly's constructor runs on first use, in place
        self.__dict__["chart"] = chart

    @property
    def built(self) -> bool:
        return "_building" in self.__dict__

    def __getattr__(self, name: str) -> Any:
        state = self.__dict__
        if name.startswith("__") or "_building" in state:
            raise AttributeError(name)
        state["_building"] = True
        chart = state["chart"]
        go.Figure.__init__(self, {"data": chart.data, "layout": chart.layout}, _validate=False)
        return getattr(self, name)

    def __reduce__(self) -> tuple[Any, ...]:  # a copy or a pickle is a plain figure
        return (go.Figure, (self.to_dict(),))


_TEMPLATES: dict[str, dict[str, Any]] = {}


def _default_template() -> dict[str, Any] | None:
    """The default Plotly template as JSON (Streamlit's once it is imported), made once."""
    import plotly.io as pio

    name = pio.templates.default
    if not isinstance(name, str):
        return None
    if name not in _TEMPLATES:
        _TEMPLATES[name] = pio.templates[name].to_plotly_json()
    return _TEMPLATES[name]


def spec(fig: go.Figure) -> dict[str, Any]:
    """What Streamlit serialises for `fig`: {"data": [...], "layout": {...}}, without copying.

    An unbuilt `ChartFigure` gives its chart's dicts and the default template, as building it
    would; any other figure its own (private) dicts, not the deep copy `to_dict` makes.
    """
    if isinstance(fig, ChartFigure) and not fig.built:
        layout = fig.chart.layout
        template = _default_template()
        if template is not None and "template" not in layout:
            layout = {**layout, "template": template}
        return {"data": fig.chart.data, "layout": layout}
    return {"data": fig._data, "layout": fig._layout}
