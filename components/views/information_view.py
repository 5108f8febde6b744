"""What finding out is worth, on screen: the Monte Carlo page's section, the Sensitivity page's
line beside the tornado, and the Pilot planner's "Is the pilot worth it?".

The numbers come from `calculators.information_value` over the same seeded draws as the
Monte Carlo run beside them, cached on exactly their inputs (shared by all users: inputs
only). Every choice is among microlearning, instructor-led, the blend and not training.
Above 10^5 draws the estimate uses the first 10^5 (the page says so). The pilot's worth
and cost are the verdict's own (`components.work.pilot_plan.cached_pilot_values`): the Pilot
planner states the very numbers the headline on every screen rests on.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import plotly.graph_objects as go
import streamlit as st

from calculators.information_value import (
    PILOT_MONTHS,
    VALUE_DRAWS,
    Choice,
    InformationValue,
    best_pilot,
    value_of_information,
)
from calculators.pilot import EFFECTS
from calculators.ranges import ranges_key
from calculators.scenario import INPUTS, Scenario, input_title
from calculators.simulation import Distribution
from calculators.verdict import PilotPlan, Simulation
from components.charts.chart_data import table_hint
from components.charts.spec import Chart, bar
from components.charts.theme import GRID, INK, MARK_SIZE, frame, money_ticks, wrap
from components.views.kpi import Tile, kpi_row
from components.views.show import show_chart
from components.words.formatting import currency_symbol, learners, money
from components.work.answer import current_simulation
from components.work.pilot_plan import cached_pilot_values, pilot_sizes
from components.work.simulation_cache import HEAVY_DRAWS, cached_monte_carlo, heavy_value, spinner_above_quick

MAX_DRAWS = HEAVY_DRAWS  # the largest run the Monte Carlo page keeps in its cache: its NPVs are reused
ROW = 34  # px per input in the chart


@lru_cache(maxsize=16)
def _cached(scenario_json: str, draws: int, seed: int, distribution: str, ranges: tuple) -> InformationValue:
    scenario = Scenario.model_validate_json(scenario_json)
    # the NPVs of these draws from the Monte Carlo run beside it (cached): not evaluated twice
    known = cached_monte_carlo(scenario, draws, seed, distribution, dict(ranges)).npv  # type: ignore[arg-type]
    return value_of_information(scenario, draws, seed, distribution, dict(ranges), known_npv=known)  # type: ignore[arg-type]


def information_value(
    scenario: Scenario,
    draws: int,
    seed: int,
    distribution: Distribution,
    ranges: Mapping[str, tuple[float, float]],
) -> InformationValue:
    """`value_of_information`, cached on its inputs, over at most `MAX_DRAWS` draws.

    Up to `MAX_DRAWS` the page's own Monte Carlo run (cached) gives the NPVs; beside a heavy
    run, the value its job worked out in the worker process over its first `MAX_DRAWS`."""
    if draws > MAX_DRAWS:
        return heavy_value(scenario, draws, seed, distribution, ranges)
    args = (scenario.model_dump_json(), draws, seed, distribution, ranges_key(ranges))
    return spinner_above_quick(draws, "Working out what finding out is worth…", lambda: _cached(*args))


def clear_information_values() -> None:
    """Forget every kept value of information (tests: each starts as a fresh server would)."""
    _cached.cache_clear()


def information_figure(info: InformationValue, currency: str, top: int = 10) -> go.Figure:
    """Partial EVPI per input, largest on top: what each input is worth finding out."""
    shown = [(f, v) for f, v in info.ranked(top) if v > 0][::-1]
    fig = Chart()
    fig.add_trace(
        bar(
            y=[input_title(f) for f, _ in shown],
            x=[v for _, v in shown],
            orientation="h",
            width=0.5,
            marker={"color": INK, "opacity": 0.75},
            text=[money(round(v), currency) for _, v in shown],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: worth up to %{text}<extra></extra>",
            name="Worth finding out",
        )
    )
    if shown:
        field, value = shown[-1]
        title = f"Learning {input_title(field).lower()} is worth most: up to {money(value, currency)}"
    else:
        title = "No single input is worth finding out on its own"
    frame(
        fig, title, x_title=f"Expected value of learning it ({currency})", y_title="",
        subtitle=f"Resolving everything at once: up to {money(info.evpi, currency)}",
        height=ROW * max(len(shown), 1) + 190,
    )  # fmt: skip
    values = [v for _, v in shown] or [0.0]
    fig.update_xaxes(showgrid=True, gridcolor=GRID, range=[0, 1.25 * max(values) or 1])
    fig.update_yaxes(tickfont={"size": MARK_SIZE + 1}, ticktext=[wrap(input_title(f), 28) for f, _ in shown],
                     tickvals=[input_title(f) for f, _ in shown])  # fmt: skip
    money_ticks(fig, currency_symbol(currency), axis="x", values=[0.0, *values])
    fig.update_layout(table_hint(index="Input"))
    return fig.figure()


def nothing_to_learn(best: Choice, draws: int) -> str:
    """Why finding out is worth nothing when one choice is best in every simulated outcome.

    >>> nothing_to_learn(None, 10_000)[:78]
    'In every one of the 10,000 simulated outcomes **not training** is the best cho'
    """
    if best is None:
        return (
            f"In every one of the {draws:,} simulated outcomes **not training** is the best choice: every format "
            "loses money whatever the uncertain inputs turn out to be"
        )
    return (
        f"In every one of the {draws:,} simulated outcomes **{best.in_sentence}** is the best choice, ahead of the "
        "other formats and of not training"
    )


def best_bet(best: Choice) -> str:
    """The choice made now, in words.

    >>> print(best_bet(None))
    Choosing now, the best bet is **not training** (every format's average net present value is below zero)
    """
    if best is None:
        return "Choosing now, the best bet is **not training** (every format's average net present value is below zero)"
    return f"Choosing now, the best bet is **{best.in_sentence}** (highest average net present value, above not training's zero)"


def worth_finding_out(scenario: Scenario, ranges: Mapping[str, tuple[float, float]]) -> None:
    """Beside the tornado: the inputs worth finding out before choosing, over the link's Monte
    Carlo settings (the verdict's), at most 10^5 draws as beside a heavy run."""
    simulation = current_simulation()
    info = information_value(
        scenario,
        min(simulation.draws, VALUE_DRAWS),
        simulation.seed,
        simulation.distribution,
        ranges,  # type: ignore[arg-type]
    )
    if info.evpi <= 0:
        st.caption(
            "Worth finding out: nothing. " + nothing_to_learn(info.best_on_average, info.draws).replace("**", "")
            + ", so knowing them first would not change the choice."
        )  # fmt: skip
        return
    if not any(v > 0 for v in info.partial.values()):
        st.caption(
            f"Worth finding out: no single input. Resolving every uncertain input at once could be worth up to "
            f"{money(info.evpi, scenario.currency)} (Monte Carlo page), but none is worth anything learnt alone."
        )
        return
    show_chart(information_figure(info, scenario.currency), key="sens_information_chart")
    st.caption(
        "The tornado says what moves the answer; this says what is worth finding out before choosing among the "
        "formats and not training: the expected gain from learning each input alone (Monte Carlo page: the "
        "method and the total)."
    )


def information_section(
    scenario: Scenario,
    draws: int,
    seed: int,
    distribution: Distribution,
    ranges: Mapping[str, tuple[float, float]],
) -> None:
    """The Monte Carlo page's "Is it worth finding out first?" section."""
    info = information_value(scenario, draws, seed, distribution, ranges)
    cur = scenario.currency
    st.subheader("Is it worth finding out more before choosing?")
    if info.evpi <= 0:
        st.markdown(
            "No. " + nothing_to_learn(info.best_on_average, info.draws) + ", so knowing the uncertain inputs "
            "first would not change the decision: a pilot, survey or study could not pay for itself here (it may "
            "still be worth running to learn how well the training works)."
        )
        return
    st.markdown(
        f"{best_bet(info.best_on_average)}. If every uncertain input were known first, the choice among "
        f"microlearning, instructor-led, the blend and not training could follow each outcome; on average that is "
        f"worth **{money(round(info.evpi), cur)}** more (± {money(round(info.standard_error), cur)}, one "
        "standard error). "
        "That is the most any pilot, survey or study could be worth: one that costs more cannot pay for itself."
    )
    if any(v > 0 for v in info.partial.values()):
        show_chart(information_figure(info, cur), key="mc_information_chart")
    else:  # an empty chart says nothing: say it in words
        st.markdown(
            "No single uncertain input is worth finding out on its own: only learning several together could "
            "change the choice."
        )
    used = (
        f"the first {info.draws:,} of the {draws:,} draws"
        if draws > info.draws
        else f"the same {info.draws:,} draws"
    )
    st.caption(
        f"Expected value of perfect information, in total and per input (learning that input alone), from {used}, "
        "among the three options and not training (net present value 0); per input by a smooth regression of each "
        "option's net present value on that input (Strong, Oakley & Brennan 2014). The Sensitivity page's tornado "
        "says what moves the answer; this says what is worth finding out."
    )


def pilot_value_section(
    scenario: Scenario, plan: PilotPlan, ranges: Mapping[str, tuple[float, float]], outcome: str,
    simulation: Simulation | None = None,
) -> None:  # fmt: skip
    """The Pilot page's "Is the pilot worth it?": EVSI against cost, a verdict, the best size.

    The values are the verdict's (`components.work.pilot_plan.cached_pilot_values`, the link's
    simulation settings, the scenario as the sidebar holds it): the pilot cost and worth stated
    here are the ones the headline on every screen states. With teams randomised
    (`plan.design_effect` > 1) each size's learners count for fewer."""
    simulation = simulation or current_simulation()
    results = cached_pilot_values(scenario, plan, simulation, ranges)
    sizes = pilot_sizes(plan)
    cur = scenario.currency
    planned = next(r for r in results if r.learners_per_arm == int(plan.per_arm))
    best = best_pilot(results)
    assert best is not None
    kpi_row(
        [
            Tile("What the pilot's answer is worth", money(round(planned.evsi), cur),
                 f"expected gain from choosing after it; at most {money(round(planned.ceiling), cur)} for this effect"),
            Tile("What the pilot costs", money(round(planned.cost), cur),
                 f"{learners(planned.learners_per_arm)} per arm, both formats, and {PILOT_MONTHS} months of waiting"),
            Tile("Net value of the pilot", money(round(planned.net), cur), "worth minus cost"),
        ]
    )  # fmt: skip
    stream = EFFECTS[plan.field].stream
    if not getattr(scenario, stream):
        st.info(
            f"Decide now: this scenario does not count {INPUTS[stream].label.lower()} (sidebar), so a pilot "
            f"measuring the {EFFECTS[plan.field].outcome} cannot change the choice. Switch it on to weigh such a pilot."
        )
    elif best.worth_its_cost:
        st.success(
            f"Pilot first: a pilot of {learners(best.learners_per_arm)} learners per arm is worth "
            f"{money(best.evsi, cur)} and costs {money(best.cost, cur)} (net {money(best.net, cur)}), the best "
            "of the sizes tried (the verdict's words on every screen)."
        )
    else:
        st.info(
            f"Decide now: no pilot size tried is worth its cost. Learning this effect exactly would be worth at most "
            f"{money(round(planned.ceiling), cur)}; the smallest pilot ({learners(results[0].learners_per_arm)} per arm) "
            f"costs {money(round(results[0].cost), cur)}. A pilot may still be worth running to learn how well the "
            "training works, but not to choose among the formats and not training."
        )
    draws = min(simulation.draws, VALUE_DRAWS)
    st.caption(
        f"Expected value of sample information, exact over the pilot's possible results, from the {draws:,} "
        f"simulated outcomes ({simulation.distribution}) the verdict rests on: arm A's rate is taken as known, so only "
        f"the count of arm B's learners ({outcome}) tells about the effect; for each possible count, its chance and "
        "the best choice after it come from weighting the simulated effects by how likely they make that count "
        "(Menzies 2016), each option's net present value given the effect from a regression on it (Strong, Oakley & "
        f"Brennan 2014). Costs: the pilot's learners at both formats' cost per learner, and {PILOT_MONTHS} months of "
        "the expected net benefit of deciding now. Choices: the three options and not training. "
        f"Sizes tried: {', '.join(f'{n:,}' for n in sizes)} per arm."
        + (
            f" Teams are randomised: each size's learners carry the information of that number divided by the "
            f"design effect ({plan.design_effect:.2f}); the cost counts every learner."
            if plan.design_effect > 1
            else ""
        )
    )
