"""What finding out is worth, on screen: the Monte Carlo page's section and the summary's sentence.

The numbers come from `calculators.information_value` over the same seeded draws as the
Monte Carlo run beside them, cached on exactly their inputs (shared by all users: inputs
only). Above 10^5 draws the estimate uses the first 10^5 (sorting a million draws per
input would cost seconds for little precision); the page says so.
"""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go
import streamlit as st

from calculators.information_value import (
    PILOT_MONTHS,
    PILOT_SIZES,
    InformationValue,
    PilotValue,
    best_on_average,
    evpi,
    pilot_cost,
    pilot_values,
    value_of_information,
)
from calculators.pilot import EFFECTS
from calculators.ranges import ranges_key
from calculators.scenario import Scenario, input_title
from calculators.settings import default_value
from calculators.simulation import Distribution
from components.chart_spec import Chart, bar
from components.formatting import currency_symbol, learners, money
from components.kpi import Tile, kpi_row
from components.presentation import show_chart
from components.simulation_cache import HEAVY_DRAWS, cached_monte_carlo, heavy_value
from components.theme import GRID, INK, MARK_SIZE, frame, money_ticks, wrap

MAX_DRAWS = HEAVY_DRAWS  # the largest run the Monte Carlo page keeps in its cache: its NPVs are reused
ROW = 34  # px per input in the chart


@st.cache_data(max_entries=16, show_spinner="Working out what finding out is worth…")
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
    return _cached(scenario.model_dump_json(), draws, seed, distribution, ranges_key(ranges))


def summary_sentence(scenario: Scenario, ranges: Mapping[str, tuple[float, float]]) -> str:
    """One plain sentence for the Executive summary, from the summary's own cached Monte Carlo
    run (the answer's: no draw is made twice; which input is worth most is on the Risk pages)."""
    from components.answer import SUMMARY_DRAWS, SUMMARY_SEED

    mc = cached_monte_carlo(scenario, SUMMARY_DRAWS, SUMMARY_SEED, "triangular", dict(ranges))
    value, _ = evpi(mc.npv)
    if value <= 0:
        best, _ = best_on_average(mc.npv)
        return (
            f"{best.label} is the best of the options in every simulated outcome, so finding out more cannot "
            "change which one to choose: a pilot could only be worth running to learn whether the training pays "
            "at all."
        )
    per_arm = planned_pilot_size()
    cost = (
        f"; the pilot planned on the Pilot page ({learners(per_arm)} learners per arm) costs about "
        f"{money(round(pilot_cost(scenario, per_arm, best_on_average(mc.npv)[1])), scenario.currency)}"
        if per_arm
        else ""
    )
    return (
        f"Resolving every uncertainty before choosing could be worth at most {money(round(value), scenario.currency)}"
        f"{cost}: a pilot or study that costs more cannot pay for itself (the Sensitivity page shows which input "
        "is most worth finding out)."
    )


def planned_pilot_size() -> int | None:
    """Learners per arm of the pilot on the Pilot page: what can be enrolled, else its sample size."""
    from calculators.pilot import noninferiority_sample_size, sample_size
    from components.page_state import setting

    enrol = int(setting("pilot_enrol"))
    if enrol > 0:
        return enrol
    baseline, target = setting("pilot_baseline_pct") / 100, setting("pilot_target_pct") / 100
    alpha, power = float(setting("pilot_alpha")), float(setting("pilot_power"))
    try:
        if setting("pilot_design") == "no worse":
            one_sided = float(setting("pilot_alpha_noninferiority"))
            margin = setting("pilot_margin_pct") / 100
            return noninferiority_sample_size(baseline, target, margin, one_sided, power)
        return sample_size(baseline, target, alpha, power)
    except ValueError:
        return None


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
    return fig.figure()


def worth_finding_out(scenario: Scenario, ranges: Mapping[str, tuple[float, float]]) -> None:
    """Beside the tornado: the inputs worth finding out before choosing (the summary's run)."""
    info = information_value(
        scenario, int(default_value("mc_draws")), int(default_value("mc_seed")), "triangular", ranges
    )
    if info.evpi <= 0:
        st.caption(
            f"Worth finding out: nothing. In every one of {info.draws:,} simulated outcomes "
            f"{info.best_on_average.label.lower()} is the best choice, whatever the inputs turn out to be."
        )
        return
    show_chart(information_figure(info, scenario.currency), key="sens_information_chart")
    st.caption(
        "The tornado says what moves the answer; this says what is worth finding out before choosing: the "
        "expected gain from learning each input alone (Monte Carlo page: the method and the total)."
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
            f"No. In every one of the {info.draws:,} simulated outcomes **{info.best_on_average.label.lower()}** is "
            "the best choice, so knowing the uncertain inputs first would not change the decision: a pilot, "
            "survey or study could not pay for itself here (it may still be worth running to learn how well "
            "the training works)."
        )
        return
    st.markdown(
        f"Choosing now, the best bet is **{info.best_on_average.label.lower()}** (highest average net present "
        f"value). If every uncertain input were known first, the choice could follow each outcome; on average "
        f"that is worth **{money(round(info.evpi), cur)}** more (± {money(round(info.standard_error), cur)}, one "
        "standard error). "
        "That is the most any pilot, survey or study could be worth: one that costs more cannot pay for itself."
    )
    show_chart(information_figure(info, cur), key="mc_information_chart")
    used = (
        f"the first {info.draws:,} of the {draws:,} draws"
        if draws > info.draws
        else f"the same {info.draws:,} draws"
    )
    st.caption(
        f"Expected value of perfect information, in total and per input (learning that input alone), from {used}; "
        "per input by sorting the draws by it into equal bins (Sadatsafavi et al. 2013; Strong & Oakley 2013), "
        "less the noise such bins show for an input that explains nothing. The Sensitivity page's tornado says "
        "what moves the answer; this says what is worth finding out."
    )


@st.cache_data(max_entries=16, show_spinner="Simulating what the pilot could learn…")
def _cached_pilot(
    scenario_json: str, field: str, direction: int, baseline: float, sizes: tuple[int, ...], ranges: tuple,
    design_effect: float,
) -> list[PilotValue]:  # fmt: skip
    scenario = Scenario.model_validate_json(scenario_json)
    seed = int(default_value("mc_seed"))
    return pilot_values(scenario, field, direction, baseline, sizes, int(default_value("mc_draws")), seed,
                        "triangular", dict(ranges), design_effect)  # fmt: skip


def pilot_value_section(
    scenario: Scenario, field: str, direction: int, baseline: float, per_arm: int,
    ranges: Mapping[str, tuple[float, float]], outcome: str, design_effect: float = 1.0,
) -> None:  # fmt: skip
    """The Pilot page's "Is the pilot worth it?": EVSI against cost, a verdict, the best size.
    With teams randomised (`design_effect` > 1) each size's learners count for fewer."""
    counted = scenario.model_copy(update={EFFECTS[field].stream: True})
    sizes = tuple(sorted({*PILOT_SIZES, int(per_arm)} - {0}))
    results = _cached_pilot(
        counted.model_dump_json(), field, direction, baseline, sizes, ranges_key(ranges), float(design_effect)
    )
    cur = scenario.currency
    planned = next(r for r in results if r.learners_per_arm == int(per_arm))
    best = max(results, key=lambda r: r.net)
    kpi_row(
        [
            Tile("What the pilot's answer is worth", money(round(planned.evsi), cur),
                 f"expected gain from choosing after it; at most {money(round(planned.ceiling), cur)} for this effect"),
            Tile("What the pilot costs", money(round(planned.cost), cur),
                 f"{learners(planned.learners_per_arm)} per arm, both formats, and {PILOT_MONTHS} months of waiting"),
            Tile("Net value of the pilot", money(round(planned.net), cur), "worth minus cost"),
        ]
    )  # fmt: skip
    if best.net > 0:
        st.success(
            f"Pilot first: a pilot of {learners(best.learners_per_arm)} per arm is expected to be worth "
            f"{money(round(best.evsi), cur)} against its cost of {money(round(best.cost), cur)} "
            f"(net {money(round(best.net), cur)}), the best of the sizes tried."
        )
    else:
        st.info(
            f"Decide now: no pilot size tried is worth its cost. Learning this effect exactly would be worth at most "
            f"{money(round(planned.ceiling), cur)}; the smallest pilot ({learners(results[0].learners_per_arm)} per arm) "
            f"costs {money(round(results[0].cost), cur)}. A pilot may still be worth running to learn how well the "
            "training works, but not to choose the format."
        )
    st.caption(
        f"Expected value of sample information by preposterior simulation over {int(default_value('mc_draws')):,} "
        f"draws: each draw's true effect gives arm B's rate; the pilot's {outcome} counts are binomial; each arm's "
        "rate is updated from a uniform prior (beta-binomial) and the decision follows the pilot's estimate "
        f"(Strong et al. 2015). Costs: the pilot's learners at both formats' cost per learner, and {PILOT_MONTHS} "
        "months of the expected net benefit of deciding now. The benefit stream is counted, as in section 4. "
        f"Sizes tried: {', '.join(f'{n:,}' for n in sizes)} per arm."
        + (
            f" Teams are randomised: each size's learners carry the information of that number divided by the "
            f"design effect ({design_effect:.2f}); the cost counts every learner."
            if design_effect > 1
            else ""
        )
    )
