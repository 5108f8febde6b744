"""The Budget planner's controls: the programs, the budget, the programs that must run and a
cap on the plan's chance of loss. Each is a page setting (`calculators.settings`): its key is
its name, it survives a page change and travels in the share link."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from calculators.settings import MAX_BUDGET, MAX_PROGRAMS
from components.session.page_settings import seed
from components.words.formatting import currency_symbol
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


def budget_input(suggested: float, currency: str) -> float:
    """The budget in the scenario's currency; the first time, `suggested`."""
    if st.session_state.get("budget_amount") is None:
        st.session_state["budget_amount"] = float(suggested)
    seed("budget_amount")
    return float(
        st.number_input(
            f"Budget ({currency_symbol(currency).strip()})", min_value=0.0, max_value=MAX_BUDGET,
            step=10_000.0, format="%.0f", key="budget_amount", persist_state="session",
            help="Money for the programs' whole horizons (not discounted).",
        )
    )  # fmt: skip


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
