"""The Budget planner's controls: the programs, the budget, the programs that must run and a
cap on the plan's chance of loss. Each is a page setting (`calculators.settings`): its key is
its name, it survives a page change and travels in the share link.

The budget is typed as money into a text box of its own (`BOX_KEY`: "$170,000", "170k"), read by
`read_budget` in the box's callback and kept, once typed, in the page setting `budget_amount`;
until then the box shows the planner's suggestion and the setting stays unset (None), so a
default stays out of the link."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from calculators.settings import MAX_BUDGET, MAX_PROGRAMS
from components.inputs.steering import parse_amount
from components.session.page_settings import seed
from components.words.formatting import money
from components.words.safe_text import plain


def _keep_only(key: str, allowed: Mapping[str, str], what: str) -> None:
    """Before a multiselect is drawn: drop from its value the ids it does not offer (a saved
    scenario deleted since, or a link from someone else's store), saying so."""
    value = st.session_state.get(key)
    if not isinstance(value, list | tuple):
        return
    kept = [v for v in value if v in allowed]
    if len(kept) != len(value):
        st.session_state[key] = kept
        dropped = len(value) - len(kept)
        if what:
            st.info(plain(f"{dropped} {what} in the link or saved state cannot be found here: left out."))


def program_picker(options: Mapping[str, str]) -> list[str]:
    """The programs to plan for (ids), up to `MAX_PROGRAMS`; `options`: id → name."""
    seed("budget_programs")
    _keep_only("budget_programs", options, "program(s)")
    return list(
        st.multiselect(
            f"Programs (up to {MAX_PROGRAMS})", list(options), key="budget_programs",
            format_func=lambda i: options.get(i, i), max_selections=MAX_PROGRAMS, persist_state="session",
            help="Your scenario (the one in the sidebar), the case studies and your saved scenarios.",
        )
    )  # fmt: skip


def required_picker(chosen: Mapping[str, str]) -> list[str]:
    """The chosen programs that must run whatever the budget (ids)."""
    seed("budget_required")
    _keep_only("budget_required", chosen, "")
    return list(
        st.multiselect(
            "Programs that must run", list(chosen), key="budget_required",
            format_func=lambda i: chosen.get(i, i), persist_state="session", placeholder="None",
            help="Funded in their cheapest worthwhile way even when they do not pay off.",
        )
    )  # fmt: skip


BUDGET_KEY = "budget_amount"  # the page setting: the budget the user set (None: not set yet)
BOX_KEY = "budget_amount_typed"  # the box the budget is typed into: money text, refilled every run
SHOWN_KEY = "budget_amount_shown"  # the amount the box was last filled with (the suggestion or the budget)
PROBLEM_KEY = "budget_amount_problem"  # why the last typed text was not taken (plain text)
PLANNER_SHOWN_KEY = "budget_planner_shown"  # the planner has drawn a plan in this session


class NotABudget(ValueError):
    """A typed budget that cannot be used; its message says why, in the reader's words."""


def read_budget(text: str, currency: str) -> float:
    """A typed budget as people write it ("170k", "$170,000", "170000", "1.2M"), in money.

    Raises `NotABudget` (a sentence to show) for text that is not an amount, a negative
    amount or one above `MAX_BUDGET`.

    >>> read_budget("170k", "USD"), read_budget("$170,000", "USD"), read_budget(" 170000 ", "USD")
    (170000.0, 170000.0, 170000.0)
    >>> read_budget("1.2M", "EUR"), read_budget("€95,500", "EUR"), read_budget("0", "USD")
    (1200000.0, 95500.0, 0.0)
    >>> read_budget("a lot", "USD")
    Traceback (most recent call last):
    ...
    components.inputs.budget_inputs.NotABudget: "a lot" is not an amount: type it as 170,000, $170,000 or 170k.
    """
    shown = " ".join(str(text).split())
    if not shown:
        raise NotABudget("Type a budget, such as 170,000, $170,000 or 170k.")
    value = parse_amount(shown)
    if value is None:
        quoted = shown if len(shown) <= 40 else shown[:37] + "..."
        raise NotABudget(f'"{quoted}" is not an amount: type it as 170,000, $170,000 or 170k.')
    if value < 0:
        raise NotABudget(f"A budget cannot be below {money(0, currency)}.")
    if value > MAX_BUDGET:
        raise NotABudget(f"A budget can be at most {money(MAX_BUDGET, currency)}.")
    return float(value)


def _budget_typed(currency: str) -> None:
    """The box's text, once typed (Enter or leaving the box): the budget, or why not (the
    budget in use stays, and the box shows it again on the run this callback precedes)."""
    try:
        st.session_state[BUDGET_KEY] = read_budget(str(st.session_state.get(BOX_KEY, "")), currency)
    except NotABudget as problem:
        kept = st.session_state.get(SHOWN_KEY)
        stays = f" The budget stays {money(kept, currency)}." if isinstance(kept, float) else ""
        st.session_state[PROBLEM_KEY] = f"{problem}{stays}"


def budget_input(suggested: float, currency: str) -> float:
    """The budget in the scenario's currency, typed as money ("$170,000"); until the user types
    one, `suggested` (shown in the box, not kept: a default stays out of the link)."""
    seed(BUDGET_KEY)
    st.session_state[PLANNER_SHOWN_KEY] = True
    chosen = st.session_state.get(BUDGET_KEY)
    budget = float(suggested) if chosen is None else float(chosen)
    st.session_state[SHOWN_KEY] = budget
    st.session_state[BOX_KEY] = money(budget, currency)  # the box shows the budget in use, as money
    st.text_input(
        "Budget", key=BOX_KEY, on_change=_budget_typed, args=(currency,),
        help="Money for the programs' whole horizons (not discounted). Type it as you would write it: "
        "170,000, $170,000 or 170k.",
    )  # fmt: skip
    problem = st.session_state.pop(PROBLEM_KEY, None)
    if problem:
        st.error(plain(problem), icon=":material/error:")
    elif chosen is None:
        st.caption("Suggested for these programs: type your own.")
    return budget


def cap_inputs() -> float | None:
    """A cap on the plan's chance of losing money, as a share (None: no cap)."""
    seed("budget_cap_on")
    seed("budget_loss_cap_pct")
    on = st.toggle(
        "Cap the chance of loss", key="budget_cap_on", persist_state="session",
        help="Choose the best plan whose chance of losing money is at most the figure below.",
    )  # fmt: skip
    cap = st.number_input(
        "Highest chance of loss (%)", min_value=0.0, max_value=100.0, step=1.0, format="%.0f",
        key="budget_loss_cap_pct", persist_state="session", disabled=not on,
    )  # fmt: skip
    return float(cap) / 100.0 if on else None
