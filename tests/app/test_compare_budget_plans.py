"""AppTest: the Scenarios page's comparison shows the plan each scenario's Budget planner
settings fund (issue 27, 5): saved with the scenario, side by side, the same as the planner."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from components.saved.compare_panel import PLANS_SECTION
from components.views.sections import section_key
from storage import LOCAL_OWNER, open_store
from tests.app.helpers import open_page

BUDGET = "pages/budget.py"
SCENARIOS = "pages/scenarios.py"
LABEL = "Budget plans: what each would fund"


def _plan_on_the_planner(at: AppTest) -> tuple[str, str]:
    """The planner's plan as its table's last row says it: (cost, expected NPV)."""
    table = next(d.value for d in at.dataframe if "Choice" in d.value.columns)
    return table.iloc[-1]["Cost"], table.iloc[-1]["Expected NPV"]


def _save(at: AppTest, name: str) -> None:
    at.switch_page(SCENARIOS).run()
    at.text_input(key="saved_new_name").input(name)
    at.button(key="FormSubmitter:saved_new_form-Save as new").click().run()
    assert not at.exception


def _compare(at: AppTest, keys: list[str], *, open_plans: bool = True) -> AppTest:
    at.switch_page(SCENARIOS).run()
    at.session_state[section_key(PLANS_SECTION)] = open_plans
    at.multiselect(key="compare_choice").set_value(keys).run()
    assert not at.exception
    return at


def _plans(at: AppTest):  # type: ignore[no-untyped-def]
    return next(t.value for t in at.table if t.value.index.name == "Budget plan")


def test_saved_scenarios_show_the_plans_their_budget_settings_fund_side_by_side():
    """Two saved scenarios with different budgets, programs and caps: the comparison shows
    each one's budget, cap, funded programs with their format, total cost and expected NPV,
    the same as the planner showed when each was saved."""
    at = open_page(BUDGET)
    at.multiselect(key="budget_programs").set_value(["screen", "preset-retail-pos-rollout"]).run()
    at.text_input(key="budget_amount_typed").input("100k").run()
    small = _plan_on_the_planner(at)
    _save(at, "Small budget")
    at.switch_page(BUDGET).run()
    at.text_input(key="budget_amount_typed").input("$400,000").run()
    at.toggle(key="budget_cap_on").set_value(True).run()
    large = _plan_on_the_planner(at)
    _save(at, "Large budget")
    ids = {item.name: item.id for item in open_store().list(LOCAL_OWNER)}
    _compare(at, [ids["Small budget"], ids["Large budget"]])
    assert [e.label for e in at.expander if e.label == LABEL]
    table = _plans(at)
    assert list(table.columns) == ["Small budget", "Large budget"]
    assert list(table.loc["Budget"]) == ["$100,000", "$400,000"]
    assert list(table.loc["Cap on the chance of loss"]) == ["No cap", "at most 10 %"]
    assert (table.loc["Total cost", "Small budget"], table.loc["Expected NPV", "Small budget"]) == small
    assert (table.loc["Total cost", "Large budget"], table.loc["Expected NPV", "Large budget"]) == large
    for funded in table.loc["Funded"]:
        assert ":" in funded and any(f in funded for f in ("microlearning", "instructor-led", "blend"))


def test_a_scenario_saved_without_a_budget_shows_the_planners_suggestion():
    """Programs chosen but no budget typed: the plan at the suggested budget, said so; the
    scenario on screen and the defaults are columns beside it."""
    at = open_page(BUDGET)
    at.multiselect(key="budget_programs").set_value(["screen", "preset-security-champions"]).run()
    suggested = at.text_input(key="budget_amount_typed").value
    cost = _plan_on_the_planner(at)[0]
    _save(at, "Two programs")
    ids = {item.name: item.id for item in open_store().list(LOCAL_OWNER)}
    _compare(at, [ids["Two programs"], "defaults"])
    table = _plans(at)
    assert list(table.columns) == ["Two programs", "Default scenario"]
    assert table.loc["Budget", "Two programs"] == f"{suggested} (suggested)"
    assert table.loc["Total cost", "Two programs"] == cost
    assert table.loc["Budget", "Default scenario"].endswith("(suggested)")


def test_without_budget_settings_the_comparison_shows_no_plans():
    """Nobody used the planner: no budget plans section, nothing worked out."""
    at = _compare(open_page(SCENARIOS), ["on-screen", "defaults"])
    assert not [e for e in at.expander if e.label == LABEL]
    assert not [t for t in at.table if t.value.index.name == "Budget plan"]


def test_the_plans_are_worked_out_only_while_their_section_is_open():
    """Closed: the section's label shows, the table is not built."""
    at = open_page(BUDGET, {"budget_amount": "150000"})
    at = _compare(at, ["on-screen", "defaults"], open_plans=False)
    assert [e for e in at.expander if e.label == LABEL]
    assert not [t for t in at.table if t.value.index.name == "Budget plan"]
    at.session_state[section_key(PLANS_SECTION)] = True
    at.run()
    assert _plans(at).loc["Budget", "Your scenario"] == "$150,000"


def test_names_are_shown_as_text():
    """A scenario named like Markdown keeps its name as a column, as typed."""
    at = open_page(BUDGET, {"budget_amount": "150000"})
    _save(at, "**Bold** [x](https://evil.example)")
    ids = {item.name: item.id for item in open_store().list(LOCAL_OWNER)}
    _compare(at, ["on-screen", ids["**Bold** [x](https://evil.example)"]])
    assert "**Bold** [x](https://evil.example)" in list(_plans(at).columns)
