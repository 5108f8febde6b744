"""Whatever valid scenario a link carries, no page shows NaN, infinity, None or an exception."""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings

from calculators.codec import scenario_to_query
from tests.app.helpers import PAGES, open_sections
from tests.strategies import valid_scenarios

BAD = re.compile(r"\b(nan|NaN|inf|Infinity|None|null)\b")


def _texts(at) -> list[str]:  # type: ignore[no-untyped-def]
    texts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning]
    texts += [f"{m.label} {m.value}" for m in at.metric] + [t.value for t in at.title]
    for frame in [*at.dataframe, *at.table]:  # grids and plain tables, the sections' included
        value = frame.value.reset_index() if frame in at.table else frame.value
        texts += [" ".join(map(str, value.columns))] + list(value.astype(str).to_numpy().ravel())
    for chart in at.get("plotly_chart"):
        layout = json.loads(chart.proto.spec)["layout"]
        texts.append(str(layout.get("title", {}).get("text", "")))
        texts += [str(a.get("text", "")) for a in layout.get("annotations", [])]
    return texts


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(valid_scenarios())
def test_no_page_shows_nan_inf_or_none(app, scenario):
    at = app(query=scenario_to_query(scenario))
    for page in PAGES:
        open_sections(at).switch_page(page).run()  # tables inside sections too
        assert not at.exception, page
        shown = [t for t in _texts(at) if BAD.search(t)]
        assert not shown, f"{page}: {shown[:3]}"
