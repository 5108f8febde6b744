"""The Scenarios page through AppTest: save, open (also by the short link), rename, copy,
delete, version conflicts, hostile names, a broken database and a bad stored row.

Each test gets its own SQLite file (tests/app/conftest.py); the storage layer itself is
tested on SQLite and PostgreSQL in tests/storage/.
"""

from __future__ import annotations

import sqlite3

from streamlit.testing.v1 import AppTest

from components.saved.store import OPENED_KEY
from storage import LOCAL_OWNER, open_store
from tests.app.helpers import APP

PAGE = "pages/scenarios.py"
SAVE_NEW = "FormSubmitter:saved_new_form-Save as new"


def _session(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    return at


def _learners(at: AppTest, value: str) -> None:
    at.sidebar.text_input(key="sb_learners_typed").input(value).run()


def _save_as(at: AppTest, name: str) -> None:
    at.switch_page(PAGE).run()
    at.text_input(key="saved_new_name").input(name)
    at.button(key=SAVE_NEW).click().run()


def _texts(at: AppTest) -> str:
    return " ".join(
        str(e.value)
        for kind in ("success", "error", "warning", "info", "markdown")
        for e in getattr(at, kind)
    )


def test_save_then_open_by_short_link_restores_scenario_settings_and_ranges():
    at = _session({"mc_draws": "100000", "rng": "learners:500:3000"})
    _learners(at, "2500")
    _save_as(at, "Our plan")
    assert not at.exception
    assert [m.value for m in at.success] == ['Saved as \\"Our plan\\".']
    table = at.dataframe[0].value
    assert table["Name"].tolist() == ["Our plan"] and table["Version"].tolist() == [1]
    saved_id = at.session_state[OPENED_KEY].id

    fresh = _session({"s": saved_id})
    assert not fresh.exception and not fresh.warning
    assert fresh.session_state["scenario"].learners == 2500
    assert fresh.session_state["mc_draws"] == 100_000
    assert fresh.session_state["ranges"] == {"learners": (500.0, 3000.0)}
    assert fresh.query_params.get("learners") == "2500", "the address bar carries the full values again"
    assert "s" not in fresh.query_params


def test_a_short_link_to_nothing_says_so_and_keeps_the_defaults():
    at = _session({"s": "NoSuchId123"})
    assert not at.exception
    assert "No saved scenario was found" in at.warning[0].value
    assert at.session_state["scenario"].learners == 1000


def test_a_hostile_short_link_is_not_found_and_never_echoed_as_markdown():
    at = _session({"s": "[x](https://evil.example)"})
    assert not at.exception
    assert "No saved scenario was found" in at.warning[0].value
    assert "evil.example" not in at.warning[0].value


def test_two_sessions_editing_one_scenario_get_a_conflict_not_a_silent_overwrite():
    first = _session()
    _save_as(first, "Shared plan")
    saved_id = first.session_state[OPENED_KEY].id
    second = _session({"s": saved_id})

    _learners(first, "3000")
    first.switch_page(PAGE).run()
    first.button(key="saved_save_changes").click().run()
    assert "version 2" in first.success[0].value

    _learners(second, "4000")
    second.switch_page(PAGE).run()
    second.button(key="saved_save_changes").click().run()
    assert not second.exception
    assert "changed elsewhere" in _texts(second) or "was changed" in _texts(second)
    assert second.session_state["scenario"].learners == 4000, "nothing on screen is lost"

    check = _session({"s": saved_id})
    assert check.session_state["scenario"].learners == 3000, "the first save is kept"

    second.text_input(key="saved_copy_mine_name").input("Shared plan (mine)")
    second.button(key="saved_copy_mine").click().run()
    assert 'Saved a copy as \\"Shared plan (mine)\\"' in second.success[0].value
    assert sorted(second.dataframe[0].value["Name"]) == ["Shared plan", "Shared plan (mine)"]


def test_reload_after_a_conflict_puts_the_saved_version_back_on_screen():
    first = _session()
    _save_as(first, "Plan")
    saved_id = first.session_state[OPENED_KEY].id
    second = _session({"s": saved_id})
    _learners(first, "3000")
    first.switch_page(PAGE).run()
    first.button(key="saved_save_changes").click().run()
    _learners(second, "4000")
    second.switch_page(PAGE).run()
    second.button(key="saved_save_changes").click().run()
    second.button(key="saved_reload").click().run()
    assert second.session_state["scenario"].learners == 3000
    assert second.session_state[OPENED_KEY].version == 2
    second.button(key="saved_save_changes").click().run()
    assert "version 3" in second.success[0].value


def test_names_are_unique_and_checked():
    at = _session()
    _save_as(at, "Plan")
    _save_as(at, "  plan ")
    assert not at.exception
    assert at.error and "Plan" in at.error[0].value
    _save_as(at, "   ")
    assert at.error, "an empty name is refused with a message"
    assert at.dataframe[0].value["Name"].tolist() == ["Plan"]


def test_rename_copy_and_delete_with_confirmation():
    at = _session()
    _save_as(at, "Alpha")
    _learners(at, "2000")
    _save_as(at, "Beta")
    at.selectbox(key="saved_chosen").set_value(at.session_state[OPENED_KEY].id).run()
    at.text_input(key="saved_rename_to").input("Beta renamed")
    at.button(key="saved_rename").click().run()
    assert set(at.dataframe[0].value["Name"]) == {"Alpha", "Beta renamed"}
    at.text_input(key="saved_copy_name").input("Beta copy")
    at.button(key="saved_fork").click().run()
    assert set(at.dataframe[0].value["Name"]) == {"Alpha", "Beta renamed", "Beta copy"}

    at.selectbox(key="saved_chosen").set_value(_id_of(at, "Alpha")).run()
    at.button(key="saved_delete").click().run()
    assert "confirm" in at.error[0].value and "Alpha" in set(at.dataframe[0].value["Name"])
    at.checkbox(key="saved_confirm_delete").check().run()
    at.button(key="saved_delete").click().run()
    assert set(at.dataframe[0].value["Name"]) == {"Beta renamed", "Beta copy"}


def _id_of(at: AppTest, name: str) -> str:
    """The id of a saved scenario, read from the same database the page uses."""
    store = open_store()
    return next(item.id for item in store.list(LOCAL_OWNER) if item.name == name)


def test_search_filters_the_list():
    at = _session()
    for name in ("Retail rollout", "Security champions", "Retail pilot"):
        _save_as(at, name)
    at.text_input(key="saved_search").input("retail").run()
    assert sorted(at.dataframe[0].value["Name"]) == ["Retail pilot", "Retail rollout"]
    at.text_input(key="saved_search").input("nothing like it").run()
    assert "No saved scenario matches" in at.info[0].value


def test_a_hostile_name_is_shown_as_text():
    at = _session()
    _save_as(at, "<img src=x onerror=alert(1)> [click](https://evil.example) **bold**")
    assert not at.exception
    shown = _texts(at)
    assert "](https://evil.example)" not in shown.replace("\\", ""), "no Markdown link from user text"
    assert "\\*\\*bold\\*\\*" in shown
    assert at.dataframe[0].value["Name"][0].startswith("<img src=x")  # a table cell is text


def test_a_broken_database_gets_a_message_and_the_rest_of_the_app_works(monkeypatch):
    monkeypatch.setenv("TRAINING_ROI_DATABASE_URL", "mysql://nobody@127.0.0.1/none")
    at = _session()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert "not available" in at.error[0].value
    at.switch_page("pages/executive_summary.py").run()
    assert not at.exception and at.metric


def test_a_bad_stored_row_is_reported_and_opened_with_defaults(_scenario_database):
    at = _session()
    _learners(at, "2500")
    _save_as(at, "Tampered")
    saved_id = at.session_state[OPENED_KEY].id
    path = _scenario_database.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        (state,) = db.execute("SELECT state FROM scenarios WHERE id = ?", (saved_id,)).fetchone()
        db.execute(
            "UPDATE scenarios SET state = ? WHERE id = ?",
            (state.replace('"learners":2500', '"learners":true'), saved_id),
        )
    fresh = _session({"s": saved_id})
    assert not fresh.exception
    warning = fresh.warning[0].value
    assert "could not be opened as saved" in warning and "Learners" in warning
    assert fresh.session_state["scenario"].learners == 1000, "the bad value falls back to its default"
