"""The Budget planner's words: the headline, what the next dollars buy, each step of the
frontier, and the notes on cost basis and shared assumptions (pure: no Streamlit).

>>> from calculators.portfolio import Choice, Option, ProgramChoices, PlanRisk, frontier
>>> a = ProgramChoices("Sales", (Choice(Option.MICRO, 100_000, 250_000),))
>>> b = ProgramChoices("Leadership", (Choice(Option.ILT, 150_000, 90_000),))
>>> steps = frontier([a, b])
>>> headline(steps.at(300_000), PlanRisk(1, 2, 3, 0.12, 100), 300_000, "USD")
'With $300,000, fund Sales (microlearning) and Leadership (instructor-led): expected NPV $340,000; 12.0 % chance the plan loses money.'
>>> next_words(steps, 100_000, 50_000, "USD")
'The next $50,000 buys nothing more; the next step, at $250,000, adds $90,000 of expected NPV (+ Leadership: instructor-led).'
"""

from __future__ import annotations

from calculators.portfolio import Frontier, NoPlan, Plan, PlanRisk
from calculators.scenario import Scenario
from components.words.formatting import money, percent
from components.words.messages import cost_basis

MOST_NAMED = 3  # programs named in a headline; more are counted


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def funded_words(plan: Plan) -> str:
    """What a plan funds, for a headline: "A (microlearning) and B (instructor-led)" or a count.

    >>> from calculators.portfolio import Choice, Option, ProgramChoices, frontier
    >>> funded_words(frontier([ProgramChoices("A", (Choice(Option.MICRO, 1, 2),))]).steps[-1])
    'A (microlearning)'
    """
    funded = plan.funded
    if len(funded) > MOST_NAMED:
        return f"{len(funded)} of {len(plan.programs)} programs"
    return _and([f"{p} ({c.in_sentence})" for p, c in funded])


PLAN_COLUMNS = ("Program", "Choice", "Cost", "Expected NPV")


def plan_rows(plan: Plan | NoPlan, currency: str) -> list[tuple[str, str, str, str]]:
    """The plan as a table (`PLAN_COLUMNS`), as the Budget planner and the PDF brief show it:
    one row per program, its choice, cost and expected NPV, then the plan's totals (none
    without a plan).

    >>> from calculators.portfolio import Choice, ProgramChoices, best_plan
    >>> from calculators.model import Option
    >>> a = ProgramChoices("Onboarding", (Choice(Option.MICRO, 10_000, 30_000),))
    >>> plan_rows(best_plan([a], 50_000), "USD")[-1]
    ('Plan', '1 of 1 funded', '$10,000', '$30,000')
    """
    if not isinstance(plan, Plan):
        return []
    rows = [
        (name, c.label, money(c.cost, currency), money(c.expected_npv, currency))
        for name, c in zip(plan.programs, plan.choices, strict=True)
    ]
    funded = f"{len(plan.funded)} of {len(plan.programs)} funded"
    rows.append(("Plan", funded, money(plan.cost, currency), money(plan.expected_npv, currency)))
    return rows


def headline(plan: Plan | NoPlan, risk: PlanRisk | None, budget: float, currency: str) -> str:
    """The page's message in one sentence (UI.md: what to do, what it returns, the risk)."""
    amount = money(budget, currency)
    if isinstance(plan, NoPlan):
        return f"With {amount}: {plan.reason[0].lower()}{plan.reason[1:]}"
    if not plan.funded:
        return f"With {amount}, fund nothing: no program's choice within the budget is expected to pay off."
    sentence = f"With {amount}, fund {funded_words(plan)}: expected NPV {money(plan.expected_npv, currency)}"
    if risk is not None and risk.draws:
        sentence += f"; {percent(100 * risk.chance_of_loss)} chance the plan loses money"
    return sentence + "."


def step_change(before: Plan | None, after: Plan) -> str:
    """What one step of the frontier changes from the one before: the programs it adds or
    switches (the frontier's label for that step).

    >>> from calculators.portfolio import Choice, Option, ProgramChoices, frontier
    >>> s = frontier([ProgramChoices("A", (Choice(Option.MICRO, 10, 30), Choice(Option.ILT, 20, 35)))]).steps
    >>> step_change(s[0], s[1]), step_change(s[1], s[2])
    ('+ A: microlearning', 'A: microlearning → instructor-led')
    """
    if before is None:
        return after.words
    changes = []
    for name, old, new in zip(after.programs, before.choices, after.choices, strict=True):
        if old == new:
            continue
        if not old.funded:
            changes.append(f"+ {name}: {new.in_sentence}")
        elif not new.funded:
            changes.append(f"− {name}")
        else:
            changes.append(f"{name}: {old.in_sentence} → {new.in_sentence}")
    return "; ".join(changes) or after.words


def next_words(steps: Frontier, budget: float, more: float, currency: str) -> str:
    """What the next `more` money (or else the next step) buys beyond `budget`."""
    now = steps.at(budget)
    if now is None:
        first = steps.steps[0] if steps.steps else None
        if first is None:
            return "No plan exists for these programs."
        return (
            f"The programs that must run cost {money(first.cost, currency)}: the budget needs at least that."
        )
    gain = steps.next_buys(budget, more) or 0.0
    if gain > 0:
        return (
            f"The next {money(more, currency)} buys {money(gain, currency)} more expected NPV "
            f"({step_change(now, steps.at(budget + more) or now)})."
        )
    step = steps.next_step(budget)
    if step is None:
        return "More money buys nothing more: the plan already funds every program worth funding."
    return (
        f"The next {money(more, currency)} buys nothing more; the next step, at {money(step.cost, currency)}, "
        f"adds {money(step.expected_npv - now.expected_npv, currency)} of expected NPV ({step_change(now, step)})."
    )


def cap_words(plan: Plan | NoPlan, uncapped: Plan | NoPlan, cap_pct: float, currency: str) -> str | None:
    """What the cap on the chance of loss does to the plan (None: it changes nothing)."""
    if isinstance(plan, NoPlan):
        return f"No plan within the budget keeps the chance of loss at or below {percent(cap_pct)}."
    if not isinstance(uncapped, Plan) or uncapped.picks == plan.picks:
        return None
    cost = money(uncapped.expected_npv - plan.expected_npv, currency)
    return f"Keeping the chance of loss at or below {percent(cap_pct)} costs {cost} of expected NPV."


def basis_note(
    scenario: Scenario, draws: int, distribution: str, seed: int, risk_draws: int | None = None
) -> str:
    """The planner's basis: cost over each program's horizon, expected NPV from shared draws;
    `risk_draws`: the outcomes the plan's risk reads when more than the `draws` it is chosen on.

    >>> basis_note(Scenario(), 100_000, "triangular", 7, 1_000_000).split("diversification. ")[1]
    "The plan's risk (chance of loss, P10–P90, the chart) reads 1,000,000 outcomes per program, drawn in the background; the plan's choices, their expected NPVs and the cap on the chance of loss read the first 100,000 of them."
    """
    note = (
        f"Costs: {cost_basis(scenario)}, at the most likely values, summed over each program's horizon "
        "(undiscounted): a budget covers each program's whole horizon. Expected NPV: the mean of "
        f"{draws:,} simulated outcomes per program ({distribution}, draw set {seed}); an assumption "
        "with the same range in several programs (the discount rate, the share due to training) is "
        "drawn once for all of them, so the plan's risk is not understated by false diversification."
    )
    if risk_draws is not None and risk_draws > draws:
        note += (
            f" The plan's risk (chance of loss, P10–P90, the chart) reads {risk_draws:,} outcomes per "
            f"program, drawn in the background; the plan's choices, their expected NPVs and the cap on "
            f"the chance of loss read the first {draws:,} of them."
        )
    return note
