"""AppTest: the Budget planner — the plan within the budget, the link, the state across pages."""

from __future__ import annotations

from calculators.scenario import Scenario
from calculators.settings import DEFAULT_PROGRAMS
from tests.app.helpers import chart_titles
from tests.heavy_work import HeldWorker, fresh_heavy_work, record_started

PAGE = "pages/budget.py"
BOX = "budget_amount_typed"  # the box the budget is typed into (the setting itself: budget_amount)


def _type_budget(at, text: str):
    """Type `text` into the budget box and press Enter."""
    return at.text_input(key=BOX).input(text).run()


def _headline(at) -> str:
    """The page's headline as a reader sees it (Markdown escapes undone)."""
    return at.markdown[0].value.replace("\\$", "$")


def _used(at) -> float:
    """The plan's cost as the table's last row says it (money text back to a number)."""
    table = next(d.value for d in at.dataframe if "Choice" in d.value.columns)  # the plan table
    return float(table.iloc[-1]["Cost"].replace("$", "").replace(",", ""))


def test_the_default_page_shows_a_plan_headline_tiles_and_charts(app):
    """Opened with nothing set: the default programs, a budget, a headline and both charts."""
    at = app(page=PAGE)
    assert not at.exception
    assert _headline(at).startswith("## With $")
    assert [m.label for m in at.metric] == ["Budget used", "Expected NPV", "Chance of loss", "NPV P10–P90"]
    titles = chart_titles(at)
    assert len(titles) == 2 and "The plan:" in titles[1]
    assert list(at.session_state["budget_programs"]) == list(DEFAULT_PROGRAMS)
    assert list(at.session_state["budget_programs"]) == list(DEFAULT_PROGRAMS)


def test_the_plan_stays_within_the_budget_and_follows_it(app):
    """A smaller budget gives a cheaper plan, never above the budget; a larger one a dearer one."""
    at = app(page=PAGE)
    for budget in (50_000.0, 200_000.0, 400_000.0):
        _type_budget(at, f"{budget:.0f}")
        assert not at.exception
        assert _used(at) <= budget
    small = app(page=PAGE)
    _type_budget(small, "160k")
    large = app(page=PAGE)
    _type_budget(large, "$400,000")
    assert _used(small) != _used(large)
    assert _headline(small) != _headline(large)


def test_the_link_carries_the_settings(app):
    """Budget, programs and cap travel in the link and come back from it."""
    query = {"budget_programs": "screen,preset-security-champions", "budget_amount": "150000",
             "budget_cap_on": "1", "budget_loss_cap_pct": "5"}  # fmt: skip
    at = app(page=PAGE, query=query)
    assert not at.exception
    assert list(at.session_state["budget_programs"]) == ["screen", "preset-security-champions"]
    assert at.session_state["budget_amount"] == 150_000.0
    assert at.toggle(key="budget_cap_on").value is True
    assert _used(at) <= 150_000
    for key, value in query.items():
        assert at.query_params[key] == [value] or at.query_params[key] == value


def test_a_bad_link_value_gives_a_message_not_an_exception(app):
    at = app(page=PAGE, query={"budget_amount": "-5", "budget_programs": "screen,../../etc"})
    assert not at.exception
    messages = " ".join(w.value for w in at.warning)
    assert "Budget planner: budget" in messages and "Budget planner: programs" in messages
    assert at.session_state["budget_amount"] is None  # not set: the suggested budget shows
    assert at.text_input(key=BOX).value.startswith("$")
    assert "budget_amount" not in at.query_params


def test_the_page_state_survives_a_page_change(app):
    at = app(page=PAGE)
    at.multiselect(key="budget_programs").set_value(["screen", "preset-retail-pos-rollout"]).run()
    _type_budget(at, "123,000")
    at.switch_page("pages/costs.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert list(at.session_state["budget_programs"]) == ["screen", "preset-retail-pos-rollout"]
    assert at.session_state["budget_amount"] == 123_000.0
    assert _headline(at).startswith("## With $123,000")


def test_no_plan_meets_a_cap_of_zero_on_a_risky_required_program(app):
    """A must-run program and a 0 % cap: the page says no plan meets it."""
    query = {"budget_programs": "preset-security-champions", "budget_required": "preset-security-champions",
             "budget_cap_on": "1", "budget_loss_cap_pct": "0", "budget_amount": "1000000"}  # fmt: skip
    at = app(page=PAGE, query=query)
    assert not at.exception
    assert "meets the cap" in _headline(at) or "keeps the chance of loss" in " ".join(
        i.value for i in at.info
    )


def _fresh_heavy_work(monkeypatch, worker=None) -> list[tuple]:  # type: ignore[no-untyped-def]
    """A fresh heavy queue (on `worker`, default the real worker process) and fresh kept results,
    as a fresh server has; every job handed to the worker recorded as (function, draws)."""
    from components.work import simulation_cache
    from components.work.heavy_runs import BoundedResults

    class Recorded(BoundedResults):
        """The kept heavy results, each one put also remembered (`put_values`)."""

        def __init__(self, max_bytes: int) -> None:
            super().__init__(max_bytes)
            self.put_values: list = []

        def put(self, key, value, size) -> None:  # type: ignore[no-untyped-def]
            self.put_values.append(value)
            super().put(key, value, size)

    worker = worker or simulation_cache.WORKER
    fresh_heavy_work(monkeypatch, worker=worker, results=Recorded(simulation_cache.HEAVY_BUDGET_BYTES))
    return record_started(
        monkeypatch,
        worker,
        lambda fn, args: (fn.__name__, getattr(args[2], "draws", None) if len(args) > 2 else None),
    )


def _tile(at, label: str):  # type: ignore[no-untyped-def]
    return next(m for m in at.metric if m.label == label)


def test_a_million_draws_give_the_plans_risk_from_the_worker_without_the_cap_note(app, monkeypatch):
    """A million draws through the link: the plan's risk is one job in the worker (the plan's
    Monte Carlo at 10^6 draws per program), its tiles, headline and chart read its summary, the
    median is that of the per-draw sums it sent back, no note says the draws were capped, and
    a rerun re-reads the kept risk instead of drawing again."""
    from components.words.formatting import money, percent
    from components.work import simulation_cache

    jobs = _fresh_heavy_work(monkeypatch)
    at = app(page=PAGE, query={"mc_draws": "1000000", "budget_programs": "screen", "budget_amount": "100000"})
    assert not at.exception
    assert jobs == [("drawn_plan_risk", 1_000_000)]
    (risk,) = simulation_cache.RESULTS.put_values  # the plan's risk, kept with the other heavy results
    assert risk.draws == 1_000_000 and sum(risk.counts) == 1_000_000
    captions = " ".join(c.value for c in at.caption)
    assert "The plan's risk uses 100,000 draws per program" not in captions  # no cap note
    assert "1,000,000 simulated outcomes (triangular, draw set" in captions  # the basis line: the link's
    assert "reads 1,000,000 outcomes per program" in captions
    assert _tile(at, "Chance of loss").value == percent(100 * risk.chance_of_loss)
    assert f"median {money(risk.p50, 'USD')}" in captions  # the per-draw sums' median, not a sum of medians
    assert f"{percent(100 * risk.chance_of_loss)} chance the plan loses money" in _headline(at)
    titles = chart_titles(at)
    assert len(titles) == 2 and titles[1].startswith(f"The plan: {percent(100 * risk.chance_of_loss)} chance")
    assert not at.get("progress") and not any("Another large simulation" in i.value for i in at.info)
    at.run()
    assert not at.exception and len(jobs) == 1 and len(simulation_cache.RESULTS.put_values) == 1


def test_a_plans_heavy_risk_beyond_the_users_two_runs_is_refused_on_screen(app, monkeypatch):
    """This user already has two heavy runs going in other tabs: the planner says so in plain
    words where the risk would be, queues nothing, and still shows the plan."""

    from components.work import simulation_cache
    from storage import LOCAL_OWNER

    worker = HeldWorker()
    _fresh_heavy_work(monkeypatch, worker)
    for tab in ("tab-1", "tab-2"):
        simulation_cache.QUEUE.request(f"run of {tab}", str.upper, tab, session=tab, owner=LOCAL_OWNER)
    at = app(page=PAGE, query={"mc_draws": "1000000", "budget_programs": "screen", "budget_amount": "100000"})
    assert not at.exception
    assert any("You already have 2 large simulations running on this server" in w.value for w in at.warning)
    assert simulation_cache.QUEUE.refused == 1 and worker.started == ["tab-1", "tab-2"][: len(worker.started)]
    assert _headline(at).startswith("## With $100,000, fund") and "chance the plan loses" not in _headline(at)
    assert _tile(at, "Chance of loss").value == "—" and len(chart_titles(at)) == 1  # the frontier only


def _downloads_plan() -> None:
    """The downloads' plan for what the session holds, written out (run by AppTest)."""
    import streamlit as st

    from components.exports.panel import budget_plan
    from components.session.page_settings import page_settings
    from components.session.ranges import current_ranges
    from components.session.scenario import current_scenario

    shared = budget_plan(current_scenario(), current_ranges(), page_settings())()
    st.write("no plan" if shared is None else f"{shared.answer.plan.words} | {shared.budget:.0f}")


def test_the_downloads_carry_the_planners_plan_once_it_has_a_budget():
    """The PDF brief and the workbook get the plan the page shows (same programs, budget and
    required programs), and none before the planner has a budget."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_downloads_plan, default_timeout=60).run()
    assert not at.exception and at.markdown[0].value == "no plan"
    at.session_state["budget_programs"] = ["screen", "preset-retail-pos-rollout"]
    at.session_state["budget_amount"] = 200_000.0
    at.session_state["budget_required"] = ["preset-retail-pos-rollout"]
    at.run()
    assert not at.exception
    words, budget = at.markdown[0].value.split(" | ")
    assert budget == "200000" and "Retail POS rollout" in words


def _money_text(x: float) -> str:
    return f"${x:,.0f}"


def test_the_first_visit_shows_the_suggested_budget_as_money_and_keeps_it_out_of_the_link(app):
    """Opened with nothing set: the box reads like money ("$170,000"), the headline uses that
    budget, and neither the session's setting nor the address bar holds it (a default)."""
    at = app(page=PAGE)
    assert not at.exception
    shown = at.text_input(key=BOX).value
    assert shown.startswith("$") and "," in shown and "." not in shown
    assert at.text_input(key=BOX).label == "Budget"
    assert _headline(at).startswith(f"## With {shown}")
    assert at.session_state["budget_amount"] is None
    assert "budget_amount" not in at.query_params
    assert any("Suggested" in c.value for c in at.caption)
    at.run()  # a rerun writes no budget either
    assert "budget_amount" not in at.query_params


def test_a_budget_is_read_as_people_write_it_and_then_goes_into_the_link(app):
    """250k, $250,000, 250000 and 250,000 are the same budget: kept, shown as $250,000, in the link."""
    for typed in ("250k", "$250,000", "250000", " 250,000 ", "USD 250000"):
        at = _type_budget(app(page=PAGE), typed)
        assert not at.exception, typed
        assert at.session_state["budget_amount"] == 250_000.0, typed
        assert at.text_input(key=BOX).value == "$250,000", typed
        assert at.query_params["budget_amount"] in ("250000", ["250000"]), typed
        assert _headline(at).startswith("## With $250,000"), typed
        assert not at.error and not any("Suggested" in c.value for c in at.caption)


def test_typing_the_suggested_amount_sets_the_budget(app):
    """Typing the amount the box suggests is setting a budget: then it is in the link."""
    at = app(page=PAGE)
    suggested = at.text_input(key=BOX).value
    _type_budget(at, suggested.replace("$", "").replace(",", ""))
    assert at.session_state["budget_amount"] == float(suggested.replace("$", "").replace(",", ""))
    assert "budget_amount" in at.query_params


def test_bad_input_gets_a_clear_message_and_keeps_the_budget(app):
    """Words, a negative amount or an empty box: a message that says what to type, and the
    budget in use (typed before, or suggested) stays and shows in the box again."""
    at = _type_budget(app(page=PAGE), "250k")
    for typed, says in (
        ("lots", '"lots" is not an amount'),
        ("-5,000", "cannot be below $0"),
        ("", "Type a budget"),
        ("1e15", "at most $100,000,000,000"),
    ):
        _type_budget(at, typed)
        assert not at.exception, typed
        message = at.error[0].value.replace("\\", "")
        assert says in message and "The budget stays $250,000." in message, (typed, message)
        assert at.session_state["budget_amount"] == 250_000.0
        assert at.text_input(key=BOX).value == "$250,000"
        assert _headline(at).startswith("## With $250,000")
    at.run()  # the message is about the last typing only
    assert not at.error
    fresh = app(page=PAGE)
    suggested = fresh.text_input(key=BOX).value
    _type_budget(fresh, "[click](https://evil.example)")
    assert not fresh.exception
    assert f"The budget stays {suggested}." in fresh.error[0].value.replace("\\", "")
    assert fresh.session_state["budget_amount"] is None and "budget_amount" not in fresh.query_params
    assert "](" not in fresh.error[0].value.replace("\\]", "").replace("\\(", "")  # shown as text


def test_the_typed_budget_survives_a_page_change_and_a_link(app):
    """A typed budget stays through another page and comes back from the link it writes."""
    at = _type_budget(app(page=PAGE), "1.2M")
    at.switch_page("pages/costs.py").run()
    assert at.query_params["budget_amount"] in ("1200000", ["1200000"])
    at.switch_page(PAGE).run()
    assert at.text_input(key=BOX).value == _money_text(1_200_000)
    again = app(page=PAGE, query={"budget_amount": "1200000"})
    assert again.text_input(key=BOX).value == "$1,200,000"
    assert again.session_state["budget_amount"] == 1_200_000.0


def test_the_downloads_carry_the_suggested_plan_once_the_planner_has_shown_it():
    """No budget typed, but the planner has shown its plan: the downloads carry that plan, at
    the suggested budget (the budget itself stays out of the link)."""
    from streamlit.testing.v1 import AppTest

    from components.inputs.budget_inputs import PLANNER_SHOWN_KEY

    at = AppTest.from_function(_downloads_plan, default_timeout=60)
    at.session_state["budget_programs"] = ["screen", "preset-retail-pos-rollout"]
    at.session_state[PLANNER_SHOWN_KEY] = True
    at.run()
    assert not at.exception
    words, budget = at.markdown[0].value.split(" | ")
    assert float(budget) > 0 and words


def test_a_scenario_saved_after_the_planner_listed_its_programs_is_offered_on_the_next_rerun(
    app, monkeypatch
):
    """The planner keeps its listing of saved scenarios for a few seconds (it reruns on every
    slider move), but a save made in this process shows on the very next rerun; another
    process's save within `LISTING_SECONDS`."""
    from components.saved import store as saved_store
    from storage import LOCAL_OWNER, ScenarioState, open_store

    at = app(page=PAGE)
    assert not at.exception
    offered = lambda: list(at.multiselect(key="budget_programs").options)  # noqa: E731
    assert not any("Onboarding 2027" in o for o in offered())
    saved = open_store().save_new(LOCAL_OWNER, "Onboarding 2027", ScenarioState(Scenario(learners=300)))
    at.run()
    assert not at.exception and "Onboarding 2027" in offered()
    # a save this process did not make (another replica's): offered once the listing is old
    monkeypatch.setattr(saved_store, "writes", lambda: -1)  # as if nothing was written here since
    at.run()
    open_store().rename(LOCAL_OWNER, saved.id, "Onboarding 2028")
    at.run()
    assert "Onboarding 2027" in offered()  # the listing kept: not read again on every rerun
    kept = at.session_state[saved_store.LISTING_KEY]
    at.session_state[saved_store.LISTING_KEY] = (
        *kept[:2],
        kept[2] - saved_store.LISTING_SECONDS,
        kept[3],
    )
    at.run()
    assert not at.exception and "Onboarding 2028" in offered() and "Onboarding 2027" not in offered()
