"""AppTest: every page that shows a figure names its basis (UI.md, "one basis per screen, named
once at the top"; issue 23, item 5).

The pages are every file in `pages/`, not a list kept by hand: a new page is checked as soon
as it exists. A page shows a figure when it draws a KPI tile or a chart; it names the basis with
the line `components.words.messages.basis_line` writes ("Basis: …"), or, where plans on different
bases sit side by side (Scenarios, compared), with a "Basis" row for each plan.
"""

from __future__ import annotations

import secrets

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import APP, PAGES, ROOT

PAGE_FILES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
BASIS = "Basis: "


def _signed_in_admin(page: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """A page registered only with accounts on (Your account, Users), opened by an administrator."""
    from components.accounts.sign_in import TOKEN_KEY
    from storage import AccountStore, open_store

    monkeypatch.setenv("TRAINING_ROI_SINGLE_USER", "0")
    monkeypatch.setenv("TRAINING_ROI_COOKIE_KEY", secrets.token_urlsafe(48))
    accounts = AccountStore(open_store().engine, bcrypt_rounds=4)
    accounts.create_first_admin("ada", "Ada Lovelace", "correct horse battery")
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[TOKEN_KEY] = accounts.start_session("ada")
    at.run()
    return at.switch_page(page).run()


def _opened(app, page: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:  # type: ignore[no-untyped-def]
    return app(page=page) if page in PAGES else _signed_in_admin(page, monkeypatch)


def _shows_figures(at: AppTest) -> bool:
    return bool(at.main.metric) or bool(at.main.get("plotly_chart"))


def _names_its_basis(at: AppTest) -> bool:
    if any(c.value.startswith(BASIS) for c in at.main.caption):
        return True
    tables = [t.value for t in (*at.main.table, *at.main.dataframe)]
    return any(
        "Basis" in t.index.tolist() or ("Figure" in t.columns and "Basis" in t["Figure"].tolist())
        for t in tables
    )


@pytest.mark.parametrize("page", PAGE_FILES)
def test_every_page_that_shows_a_figure_names_its_basis(app, page, monkeypatch):
    at = _opened(app, page, monkeypatch)
    assert not at.exception, page
    assert at.title, f"{page} did not open"
    if _shows_figures(at):
        assert _names_its_basis(at), f"{page} shows figures without a Basis line"


NO_FIGURES = ("pages/sources.py",)  # inputs, sources and a glossary: no tile, no chart


def test_the_pages_left_out_below_show_no_figure(app):
    for page in NO_FIGURES:
        at = app(page=page)
        assert not at.exception and not _shows_figures(at), page


@pytest.mark.parametrize(
    "page", [p for p in PAGES if p not in {"pages/case_studies.py", "pages/scenarios.py", *NO_FIGURES}]
)
def test_the_basis_line_sits_at_the_top_and_follows_the_switches(app, page):
    """A page about the scenario on screen names its basis once, first, and says Conservative."""
    at = app(page=page)
    assert _shows_figures(at), page
    lines = [c.value for c in at.main.caption if c.value.startswith(BASIS)]
    assert len(lines) == 1 and at.main.caption[0].value == lines[0], page
    at.sidebar.toggle(key="sb_conservative").set_value(True).run()
    assert not at.exception
    assert at.main.caption[0].value.startswith("Basis: fully loaded costs"), page


def test_each_case_names_its_own_basis(app):
    """Case cards show figures for their own scenarios: each names its own basis."""
    from calculators.presets import load_presets
    from components.words.messages import basis_line

    presets, _ = load_presets()
    at = app(page="pages/case_studies.py")
    lines = [c.value for c in at.main.caption if c.value.startswith(BASIS)]
    assert sorted(lines) == sorted(basis_line(p.scenario) for p in presets)


def test_the_figure_check_sees_figures(app):
    """The page-wide test is not empty: the default page shows figures, and the check finds its line."""
    at = app()
    assert _shows_figures(at) and _names_its_basis(at)
