"""The sentences the screens say: chart titles that state their message, the recommendation.

Pure functions of calculator results (no Streamlit), so every message is tested.

>>> from calculators.scenario import Scenario
>>> from calculators.summary import cost_summary
>>> crossover_headline(cost_summary(Scenario()))
'Microlearning is cheaper from 477 learners'
>>> basis_line(Scenario())
'Basis: vendor cost table (development and delivery costs) · benefits as claimed, after completion, attribution, application and retention'
"""

from __future__ import annotations

from collections.abc import Mapping

from calculators.costs import cost_line, total_cost
from calculators.model import Option
from calculators.ranges import RANGED_FIELDS
from calculators.roi import Returns
from calculators.scenario import Format, Scenario
from calculators.sensitivity import TornadoBar
from calculators.simulation import inputs_used
from calculators.summary import MAX_LEARNERS, CostSummary, Verdict
from components.formatting import input_value, learners, money, percent, plural


def _other(fmt: Format) -> Format:
    return Format.ILT if fmt is Format.MICRO else Format.MICRO


def format_name(fmt: Format) -> str:
    """The format's name inside a sentence (lower case)."""
    return "microlearning" if fmt is Format.MICRO else "instructor-led"


def cheaper_everywhere(summary: CostSummary) -> Format | None:
    """With no crossover in range: the format cheaper at the top of the range, or None if equal."""
    top = {f: float(total_cost(cost_line(summary.scenario, f), MAX_LEARNERS)) for f in Format}
    if top[Format.MICRO] == top[Format.ILT]:
        return None
    return Format.MICRO if top[Format.MICRO] < top[Format.ILT] else Format.ILT


def crossover_headline(summary: CostSummary) -> str:
    """Title of the total-cost chart: where the cheaper format changes."""
    x = summary.crossover
    if x is not None:
        return f"{x.cheaper_above.label} is cheaper from {learners(x.cheaper_from)} learners"
    fmt = cheaper_everywhere(summary)
    if fmt is None:
        return "Both formats cost the same at every scale"
    return f"{fmt.label} is cheaper at every scale up to {learners(MAX_LEARNERS)} learners"


def crossover_tile(summary: CostSummary) -> tuple[str, str]:
    """Value and caption of the crossover KPI tile ('—' with a reason when there is none)."""
    x = summary.crossover
    if x is not None:
        return learners(x.cheaper_from), f"Learners from which {format_name(x.cheaper_above)} is cheaper"
    fmt = cheaper_everywhere(summary)
    if fmt is None:
        return "—", "The cost lines coincide: no crossover"
    return "—", f"No crossover: {format_name(fmt)} is cheaper at every scale"


def cost_basis(scenario: Scenario) -> str:
    """The cost basis in plain words (the conservative switch counts costs fully loaded)."""
    if scenario.fully_loaded or scenario.conservative:
        return "fully loaded costs (learner time, classes, content refresh)"
    return "vendor cost table (development and delivery costs)"


def basis_line(scenario: Scenario) -> str:
    """The one line at the top of a screen that names the basis of every figure on it."""
    benefits = (
        "defensible benefits (Phillips conservative rules: first year only, × confidence)"
        if scenario.conservative
        else "benefits as claimed, after completion, attribution, application and retention"
    )
    cost = cost_basis(scenario)
    line = f"Basis: {cost} · {benefits}"
    if scenario.skeptic:
        line += " · published research replaces vendor claims (Skeptic)"
    return line


def basis_flip_warning(summary: CostSummary) -> str | None:
    """A sentence when counting costs the other way would change the cheaper format (no figures)."""
    other, now = summary.other_basis_cheapest, summary.cheapest
    if other is None or other is now:
        return None
    if summary.fully_loaded:
        return (
            f"On the vendor cost table alone {format_name(other)} would be cheaper: learner time and "
            "class costs change the answer."
        )
    return (
        f"Counting learners' time, classes and content refresh (Fully loaded costs) would make "
        f"{format_name(other)} the cheaper format."
    )


def _loss_clause(chance: float | None) -> str:
    if chance is None:
        return ""
    p = percent(100 * chance)
    if chance >= 0.2:
        return f" It still loses money in {p} of simulated outcomes."
    if chance > 0:
        return f" It loses money in only {p} of simulated outcomes."
    return " It makes money in every simulated outcome."


def headline(
    verdict: Verdict,
    screen: dict[Option, Returns],
    defensible: dict[Option, Returns],
    scenario: Scenario,
    chance_of_loss: float | None = None,
) -> str:
    """The sentence a CFO reads aloud: the recommendation, the basis it rests on, the risk.

    `screen` are the returns on the screen's basis (defensible when the Conservative switch
    is on, as claimed otherwise), `defensible` those under the Phillips conservative rules.
    """
    cur = scenario.currency
    years = plural(scenario.horizon_years, "year")
    basis = "defensible figures" if scenario.conservative else "the figures as claimed"
    best, other = verdict.best, verdict.runner_up
    r = screen[best]
    band = percent(scenario.close_call_pct)
    if verdict.call == "none pays back":
        top = max(screen, key=lambda o: screen[o].npv)
        text = (
            f"No option pays back on {basis}: the best net present value is {money(screen[top].npv, cur)} "
            f"over {years} ({top.in_sentence})."
        )
        if verdict.difference <= verdict.band:
            return text + (
                f" On cost, {best.in_sentence} and {other.in_sentence} are too close to call "
                f"({money(verdict.difference, cur)} apart, under {band} of cost)."
            )
        return text + (
            f" If you train anyway, {best.in_sentence} costs least: {money(r.costs, cur)} against "
            f"{money(screen[other].costs, cur)} for {other.in_sentence}."
        )
    if verdict.call == "too close":
        return (
            f"Too close to call on {basis}: {best.in_sentence} and {other.in_sentence} differ by "
            f"{money(verdict.difference, cur)} in net present value, under {band} of their cost. "
            "Decide on other grounds (Decision matrix) or test both first (Pilot planner)."
        )
    lead = f"net present value {money(r.npv, cur)} over {years}, {money(verdict.difference, cur)} more than {other.in_sentence}"
    if chance_of_loss is not None and chance_of_loss >= 0.5:
        text = (
            f"On {basis}, {best.in_sentence} leads ({lead}), but it loses money in "
            f"{percent(100 * chance_of_loss)} of simulated outcomes: a loss is more likely than a gain, so "
            "test it before committing (Pilot planner)."
        )
    else:
        text = f"On {basis}, choose {best.in_sentence}: {lead}." + _loss_clause(chance_of_loss)
    if not scenario.conservative:
        d = defensible[best]
        if d.npv <= 0:
            text += f" On defensible figures it does not pay back (ROI {percent(d.roi_pct)})."
        else:
            text += f" It pays back on defensible figures too (ROI {percent(d.roi_pct)})."
    return text


def driver_sentence(bars: list[TornadoBar], option: Option, currency: str) -> str | None:
    """The input that moves the recommended option's net present value most (the tornado's top bar).

    >>> bar = TornadoBar("micro_retention_pct", "Knowledge retained (Microlearning)", 48.75, 95.0,
    ...                  -20_000.0, 40_000.0, -20_000.0, 40_000.0)
    >>> print(driver_sentence([bar], Option.MICRO, "USD"))
    What moves the answer most: Knowledge retained (Microlearning). Across 48.8 % to 95.0 %, the net present value of microlearning runs from −$20,000 to $40,000.
    """
    if not bars:
        return None
    b = bars[0]
    return (
        f"What moves the answer most: {b.label}. Across {input_value(b.field, b.low_input, currency)} to "
        f"{input_value(b.field, b.high_input, currency)}, the net present value of {option.in_sentence} "
        f"runs from {money(b.low_result, currency)} to {money(b.high_result, currency)}."
    )


def draws_note(
    scenario: Scenario, draws: int, distribution: str, seed: int, ranges: Mapping[str, tuple[float, float]]
) -> str:
    """What a Monte Carlo run drew: how many draws of how many uncertain inputs, and why the
    others (switched off for this scenario) are left at their values.

    >>> draws_note(Scenario(), 10_000, "triangular", 7, {})[:71]
    '10,000 draws of the 15 uncertain inputs this scenario uses (triangular,'
    """
    used, ranged = len(inputs_used(scenario, ranges)), len(RANGED_FIELDS)
    unused = (
        f"; the other {ranged - used} (switched-off benefits or adjustments) cannot change the result"
        if used < ranged
        else ""
    )
    return (
        f"{draws:,} draws of the {used} uncertain inputs this scenario uses ({distribution}, random seed "
        f"{seed}) between the low and high values on the Sensitivity page{unused}. Decisions (horizon, "
        "nudge cadence, mix) stay fixed."
    )
