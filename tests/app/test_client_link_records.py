"""Client links as records on the Scenarios page (issue 26, "access ends when its reason ends"):
an editor makes links, sees them listed, revokes one, and its visitor is refused at once while
the other link keeps working. Accounts are on for these sessions (tests otherwise run
single-user); each test has its own SQLite file (tests/app/conftest.py)."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from calculators.scenario import Scenario
from components.saved.client_links import WITHDRAWN
from components.saved.link_records import REVOKE_KEY
from storage import AccountStore, ClientLinkStore, ScenarioState, open_store
from tests.app.helpers import session

PASSWORD = "correct horse battery"
SCENARIOS = "pages/scenarios.py"
NAME = "Bob's *plan* [x](https://evil.example)"


pytestmark = pytest.mark.usefixtures("accounts_on")


def _make_link(bob: AppTest, scenario_id: str, days: int) -> str:
    bob.number_input(key=f"saved_client_days_{scenario_id}").set_value(days)
    bob.button(key="saved_client_link").click().run()
    assert not bob.exception
    return next(c.value for c in bob.code if "?t=" in c.value).split("?t=")[1]


def _links_table(at: AppTest) -> pd.DataFrame:
    [table] = [d.value for d in at.dataframe if "Status" in d.value.columns]
    return table


def _revoke_buttons(at: AppTest) -> list:  # type: ignore[type-arg]
    return [b for b in at.button if str(b.key).startswith(REVOKE_KEY)]


def test_an_editor_lists_and_revokes_a_client_link_and_its_visitor_is_refused():
    accounts = AccountStore(open_store().engine, bcrypt_rounds=4)
    accounts.create_first_admin("ada", "Ada Lovelace", PASSWORD)
    accounts.create_user("bob", "Bob Editor", PASSWORD, "editor")
    saved = open_store().save_new("bob", NAME, ScenarioState(Scenario(learners=4321)))

    bob = session(accounts.start_session("bob"))
    bob.switch_page(SCENARIOS).run()
    assert not bob.exception and "No client links yet" in " ".join(c.value for c in bob.caption)
    first = _make_link(bob, saved.id, 30)
    second = _make_link(bob, saved.id, 7)
    visitor, other_visitor = session(query={"t": first}), session(query={"t": second})
    assert (
        visitor.session_state["scenario"].learners == 4321 == other_visitor.session_state["scenario"].learners
    )

    table = _links_table(bob)
    assert list(table.columns) == [
        "Scenario",
        "Status",
        "Expires",
        "Issued",
        "Issued by",
    ]  # status beside the name
    assert table["Scenario"].tolist() == [NAME, NAME], "the name as written, in a plain cell"
    assert table["Issued by"].tolist() == ["You", "You"] and table["Status"].tolist() == ["Works", "Works"]
    buttons = _revoke_buttons(bob)
    assert len(buttons) == 2
    for button in buttons:
        assert button.label.startswith("Revoke link to Bob's \\*plan\\* \\[x\\](https:")
        assert " issued " in button.label and button.label.endswith(" UTC")
    links = ClientLinkStore(open_store().engine).for_owner("bob")
    first_id = next(r.id for r in links if (r.expires_at - r.issued_at).days == 30)

    bob.button(key=f"{REVOKE_KEY}_{first_id}").click().run()
    assert not bob.exception and any("no longer works" in s.value for s in bob.success)
    assert sorted(_links_table(bob)["Status"].str.split(" ").str[0]) == ["Revoked", "Works"]
    assert [b.key for b in _revoke_buttons(bob)] != [f"{REVOKE_KEY}_{first_id}"] and len(
        _revoke_buttons(bob)
    ) == 1

    visitor.run()  # a visitor viewing the link at this moment: refused at their next click
    assert not visitor.exception and visitor.error[0].value == WITHDRAWN
    assert [b.label for b in visitor.button] == ["Sign in"] and not visitor.metric
    fresh = session(query={"t": first})
    assert fresh.error[0].value == WITHDRAWN and not fresh.metric
    other_visitor.run()
    assert not other_visitor.exception and other_visitor.session_state["scenario"].learners == 4321
