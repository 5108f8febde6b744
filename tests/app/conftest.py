"""AppTest helpers: run the real entry script, as a user's session would."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

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
    "pages/sources.py",
    "pages/case_studies.py",
    "pages/scenarios.py",
]


@pytest.fixture(autouse=True)
def _scenario_database(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> str:
    """Saved scenarios go to a fresh SQLite file per test, never to the project's own database."""
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'scenarios.sqlite3'}"
    monkeypatch.setenv("TRAINING_ROI_DATABASE_URL", url)
    return url


@pytest.fixture
def app() -> Callable[..., AppTest]:
    """A factory: `app(query={"learners": "300"})` → an AppTest that has run once."""

    def make(query: dict[str, str] | None = None, page: str | None = None) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=30)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        at.run()
        if page:
            at.switch_page(page).run()
        return at

    return make


def open_groups(at: AppTest, *groups: str) -> AppTest:
    """Open sidebar input groups (closed groups are not drawn) and rerun, as a click would."""
    from components.scenario_inputs import group_key

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


SECTIONS = _section_names()  # components/sections.py


def open_sections(at: AppTest) -> AppTest:
    """Mark every section drawn only while open as open for the next run (as a click would)."""
    from components.sections import section_key

    for name in SECTIONS:
        at.session_state[section_key(name)] = True
    return at
