"""Budget planner: several programs, one budget — the best choice for each, what more money
buys, and the risk of the whole plan."""

import streamlit as st

from components.inputs.budget_inputs import budget_input, cap_inputs, program_picker, required_picker
from components.saved.budget_programs import saved_programs
from components.session.guard import require_entry
from components.session.page_settings import setting
from components.session.presenting import presenting
from components.session.ranges import current_ranges
from components.session.scenario import current_scenario
from components.views.budget_view import (
    frontier_view,
    options_table,
    plan_table,
    plan_tiles,
    risk_view,
    shown_plan_risk,
)
from components.views.parts import page_part
from components.views.sections import section
from components.words.budget_words import basis_note, cap_words, headline, next_words
from components.words.messages import basis_line
from components.words.safe_text import plain
from components.work.answer import current_simulation
from components.work.budget_plan import (
    built_in_sources,
    next_amount,
    plan_for,
    plan_frontier,
    plan_simulation,
    programs_of,
    suggested_budget,
)

require_entry("budget")
st.title("Budget planner")


@page_part
def planner() -> None:
    """The programs, the budget and the cap, and the plan they give: a change reruns this part."""
    scenario = current_scenario()
    asked = current_simulation()
    simulation = plan_simulation(asked)  # the plan is chosen on at most 10^5 draws; its risk reads `asked`
    st.caption(basis_line(scenario, asked.words))
    top = st.container()  # headline and tiles, filled once the plan is known
    built_in = built_in_sources(scenario, current_ranges())
    saved = saved_programs(setting("budget_programs"))
    names = {s.id: s.name for s in built_in} | saved.names
    with st.expander("Programs, budget and cap", expanded=not presenting()):
        left, right = st.columns([3, 1])
        with left:
            chosen = program_picker(names)
        sources = [s for s in built_in if s.id in chosen] + [saved.read[i] for i in chosen if i in saved.read]
        sources.sort(key=lambda s: chosen.index(s.id))
        other = [s for s in sources if s.scenario is not None and s.scenario.currency != scenario.currency]
        sources = [s for s in sources if s not in other]
        programs = programs_of(sources, scenario)
        by_id = dict(zip([s.id for s in sources], [p.name for p in programs], strict=True))
        must, cap_box = st.columns([3, 1])
        with must:
            required_ids = required_picker(by_id)
        with cap_box:
            cap = cap_inputs()
        steps = plan_frontier(programs, simulation, [by_id[i] for i in required_ids])
        with right:
            budget = budget_input(suggested_budget(steps), scenario.currency)
    for note in saved.notes:
        st.info(plain(note))
    for s in other:
        st.info(
            plain(
                f"{s.name} counts money in {s.scenario.currency}, not {scenario.currency}: left out of the plan."
            )
        )  # type: ignore[union-attr]
    if not programs:
        top.info("Choose at least one program to plan a budget for.")
        return
    answer = plan_for(programs, simulation, budget, [by_id[i] for i in required_ids], cap)
    with top:  # a heavy count's progress where the headline comes
        answer = shown_plan_risk(answer, programs, asked)
    currency = scenario.currency
    top.markdown(f"## {plain(headline(answer.plan, answer.risk, budget, currency))}")
    with top:
        plan_tiles(answer, budget, currency)
    if cap is not None:
        words = cap_words(answer.plan, answer.uncapped, 100 * cap, currency)
        if words:
            top.info(words, icon=":material/shield:")
    frontier_view(
        answer,
        budget,
        currency,
        plain(next_words(answer.frontier, budget, next_amount(answer.frontier), currency)),
    )
    plan_table(answer, currency)
    risk_view(answer, currency)
    risk_draws = answer.risk.draws if answer.risk is not None else None
    st.caption(
        plain(basis_note(scenario, simulation.draws, simulation.distribution, simulation.seed, risk_draws))
    )
    with section("Every program's choices", "budget_options") as shown:
        if shown:
            options_table(answer, currency)


planner()
