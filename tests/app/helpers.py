"""Helpers of the app tests (Streamlit's AppTest on the real entry script, as a user's session
runs it): the pages, opening one, opening input groups and sections, reading tiles and chart
titles. The fixtures live in conftest.py; test modules import from here, never from each other.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from components.charts.theme import unwrap

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGES = [
    "pages/executive_summary.py",
    "pages/costs.py",
    "pages/roi.py",
    "pages/retention.py",
    "pages/blend.py",
    "pages/sensitivity.py",
    "pages/monte_carlo.py",
    "pages/goal_seek.py",
    "pages/decision.py",
    "pages/pilot.py",
    "pages/budget.py",
    "pages/sources.py",
    "pages/case_studies.py",
    "pages/scenarios.py",
]


def open_page(
    page: str | None = None, query: dict[str, str] | None = None, *, timeout: float = 30
) -> AppTest:
    """An AppTest of the entry script that has run once, on `page` (a file such as
    "pages/costs.py"; default: the Executive summary) with `query` in the address bar.

    The page opens directly, as a link to it does: its file name is its URL path (app.py), so
    AppTest finds it before the first run and the Executive summary never runs.
    """
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if page:
        at.switch_page(page)
    return at.run()


def session(token: str | None = None, query: dict[str, str] | None = None) -> AppTest:
    """A browser session of the app that has run once: holding the sign-in `token` (a signed-in
    user's, from `components.accounts.sign_in.TOKEN_KEY`), at `query`."""
    from components.accounts.sign_in import TOKEN_KEY

    at = AppTest.from_file(APP, default_timeout=60)
    if token is not None:
        at.session_state[TOKEN_KEY] = token
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def open_groups(at: AppTest, *groups: str) -> AppTest:
    """Open sidebar input groups (closed groups are not drawn) and rerun, as a click would."""
    from components.session.scenario import group_key

    for group in groups:
        at.session_state[group_key(group)] = True
    return at.run()


def _section_names() -> tuple[str, ...]:
    """The name of every `section(label, name)` the pages draw, read from their source."""
    import ast

    names = []
    for path in sorted((ROOT / "pages").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "section"
                and len(node.args) == 2
            ):
                names.append(ast.literal_eval(node.args[1]))
    return tuple(names)


SECTIONS = _section_names()  # components/views/sections.py


def open_sections(at: AppTest) -> AppTest:
    """Mark every section drawn only while open as open for the next run (as a click would)."""
    from components.views.sections import section_key

    for name in SECTIONS:
        at.session_state[section_key(name)] = True
    return at


def metric(at: AppTest, label_part: str) -> str:
    """The value of the KPI tile whose label contains `label_part`."""
    matches = [m.value for m in at.metric if label_part in re.sub(r":\w+\[\*\*(.*?)\*\*\]", r"\1", m.label)]
    assert matches, f"no tile with {label_part!r} among {[m.label for m in at.metric]}"
    return matches[0]


def chart_titles(at: AppTest) -> list[str]:
    """Every chart's title on one line (titles are wrapped with `<br>` to read on a phone)."""
    return [unwrap(json.loads(c.proto.spec)["layout"]["title"]["text"]) for c in at.get("plotly_chart")]
