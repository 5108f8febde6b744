"""The Budget planner's results: tiles, the frontier and risk charts, the plan table, and the
plan's risk drawn at a heavy draw count (progress, waiting and refusal shown in place)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from calculators.portfolio import Frontier, Plan, PlanRisk, Program
from calculators.verdict import Simulation
from components.charts.budget_charts import frontier_figure, plan_risk_chart, step_labels
from components.views.kpi import Tile, kpi_row
from components.views.show import show_chart
from components.words.budget_words import PLAN_COLUMNS, plan_rows
from components.words.formatting import MISSING, money, percent, short_money
from components.work.budget_plan import PlanAnswer, SharedPlan, run_plan_risk
from components.work.heavy_runs import TooMany
from components.work.simulation_cache import with_progress_line


def shown_plan_risk(answer: PlanAnswer, programs: Sequence[Program], simulation: Simulation) -> PlanAnswer:
    """The answer with its plan's risk over `simulation`'s draws (the link's Monte Carlo
    settings), as the Monte Carlo page shows a heavy run: at the draws the plan was chosen on
    (up to `HEAVY_DRAWS`), the risk the answer holds; above, drawn in the worker
    (`run_plan_risk`), with the Monte Carlo page's line where it stands (`with_progress_line`).
    A request beyond this user's limit is said there and the page goes on without the plan's
    risk (the plan itself does not need it)."""
    plan = answer.plan
    if simulation.draws <= answer.simulation.draws or not isinstance(plan, Plan) or not plan.funded:
        return answer
    try:
        risk: PlanRisk | None = with_progress_line(
            f"{simulation.draws:,} outcomes of the plan",
            lambda **told: run_plan_risk(programs, plan, simulation, **told),
        )
    except TooMany:
        return answer.with_risk(None)
    return answer.with_risk(risk)


def plan_tiles(answer: PlanAnswer, budget: float, currency: str) -> None:
    """Budget used, expected NPV, chance of loss, P10–P90 of the plan ('—' without a plan)."""
    plan, risk = answer.plan, answer.risk
    if not isinstance(plan, Plan):
        kpi_row([Tile("Budget used", MISSING, "No plan"), Tile("Expected NPV", MISSING),
                 Tile("Chance of loss", MISSING), Tile("NPV P10–P90", MISSING)])  # fmt: skip
        return
    used = 100 * plan.cost / budget if budget > 0 else 0.0
    draws = f"over {answer.simulation.draws:,} outcomes"
    kpi_row(
        [
            Tile("Budget used", money(plan.cost, currency, compact=True), f"{percent(used, 0)} of {money(budget, currency)}"),
            Tile("Expected NPV", money(plan.expected_npv, currency, compact=True), f"the mean {draws}"),
            Tile("Chance of loss", percent(100 * risk.chance_of_loss) if risk else MISSING, "the plan's NPV below 0"),
            Tile(
                "NPV P10–P90",
                f"{short_money(risk.p10, currency)}–{short_money(risk.p90, currency)}" if risk else MISSING,
                f"median {money(risk.p50, currency)}" if risk else "",
            ),
        ]
    )  # fmt: skip


def plan_table(answer: PlanAnswer, currency: str) -> None:
    """One row per program: the plan's choice, its cost and expected NPV; the totals last."""
    rows = plan_rows(answer.plan, currency)
    if rows:
        st.dataframe(pd.DataFrame(rows, columns=PLAN_COLUMNS), hide_index=True, width="stretch")


def options_table(answer: PlanAnswer, currency: str) -> None:
    """Every program's choices: cost and expected NPV (what the plan chose among)."""
    rows = [
        {"Program": c.program, "Choice": x.label, "Cost": money(x.cost, currency),
         "Expected NPV": money(x.expected_npv, currency)}
        for c in answer.choices for x in c.choices
    ]  # fmt: skip
    table = pd.DataFrame(rows)
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button(
        "Download CSV", table.to_csv(index=False), file_name="budget-choices.csv", key="budget_csv"
    )


def steps_table(steps: Frontier, currency: str) -> None:
    """The frontier's steps as a table: the chart's data, for reading and for screen readers."""
    rows = [
        {"Step": i, "From a budget of": money(s.cost, currency), "Expected NPV": money(s.expected_npv, currency),
         "What it adds": label}
        for i, (s, label) in enumerate(zip(steps.steps, step_labels(steps), strict=True))
    ]  # fmt: skip
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def frontier_view(answer: PlanAnswer, budget: float, currency: str, next_line: str) -> None:
    """The frontier chart, what the next money buys, and its steps on demand."""
    show_chart(frontier_figure(answer.frontier, budget, currency), key="budget_frontier_chart")
    st.markdown(f"**{next_line}**")
    steps_table(answer.frontier, currency)


def risk_view(answer: PlanAnswer, currency: str) -> None:
    """The plan's NPV distribution from the per-outcome sums (nothing without its risk)."""
    if isinstance(answer.plan, Plan) and answer.plan.funded and answer.risk is not None:
        show_chart(plan_risk_chart(answer.risk, currency), key="budget_risk_chart")


PLAN_ROWS = ("Budget", "Cap on the chance of loss", "Funded", "Total cost", "Expected NPV", "Chance of loss")


def plans_table(
    plans: Sequence[SharedPlan | None],
    suggested: Sequence[bool],
    currencies: Sequence[str],
    names: Sequence[str],
) -> pd.DataFrame:
    """The plans of several scenarios side by side (compare view): one column a scenario (its
    name), one row a figure, every cell text in the scenario's own currency; "—" where a
    figure does not exist. `suggested`: the budget is the planner's suggestion, not one set.

    >>> plans_table([None], [True], ["USD"], ["Plan A"]).loc["Funded", "Plan A"]
    'No programs chosen'
    """
    columns: dict[str, list[str]] = {}
    for shared, first, currency, name in zip(plans, suggested, currencies, names, strict=True):
        if shared is None:
            columns[name] = [MISSING, MISSING, "No programs chosen", MISSING, MISSING, MISSING]
            continue
        budget = money(shared.budget, currency) + (" (suggested)" if first else "")
        cap = "No cap" if shared.cap is None else f"at most {percent(100 * shared.cap, 0)}"
        plan, risk = shared.answer.plan, shared.answer.risk
        if not isinstance(plan, Plan):
            columns[name] = [budget, cap, plan.reason, MISSING, MISSING, MISSING]
            continue
        columns[name] = [
            budget, cap, plan.words[0].upper() + plan.words[1:], money(plan.cost, currency),
            money(plan.expected_npv, currency), percent(100 * risk.chance_of_loss) if risk else MISSING,
        ]  # fmt: skip
    return pd.DataFrame(columns, index=pd.Index(PLAN_ROWS, name="Budget plan"))
