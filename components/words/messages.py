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

from collections.abc import Mapping, Sequence

from calculators.costs import cost_line, total_cost
from calculators.model import Option
from calculators.ranges import RANGED_FIELDS
from calculators.roi import Returns
from calculators.scenario import Format, Scenario
from calculators.sensitivity import TornadoBar
from calculators.simulation import inputs_used
from calculators.summary import MAX_LEARNERS, CostSummary
from calculators.verdict import Decision
from components.words.formatting import input_value, learners, money, percent, plural


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


def basis_line(scenario: Scenario, simulation: str | None = None) -> str:
    """The one line at the top of a screen that names the basis of every figure on it
    (`simulation`: the simulated outcomes its verdict and chances of loss come from, in words)."""
    benefits = (
        "defensible benefits (Phillips conservative rules: first year only, × confidence)"
        if scenario.conservative
        else "benefits as claimed, after completion, attribution, application and retention"
    )
    cost = cost_basis(scenario)
    line = f"Basis: {cost} · {benefits}"
    if scenario.skeptic:
        line += " · published research replaces vendor claims (Skeptic)"
    if simulation:
        line += f" · verdict and chance of loss from {simulation}"
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


def option_name(option: Option | None) -> str:
    """An option inside a sentence, not training included.

    >>> option_name(Option.BLEND), option_name(None)
    ('the blend', 'not training')
    """
    return "not training" if option is None else option.in_sentence


def _risk(chance: float | None) -> str:
    if chance is None:
        return ""
    if chance <= 0:
        return "it made money in every simulated outcome"
    return f"{percent(100 * chance)} chance of losing money"


def decision_headline(decision: Decision, scenario: Scenario) -> str:
    """The verdict in at most about 25 words: what to do, the one figure it rests on, the risk.
    The same words on the Executive summary, ROI & payback, Monte Carlo and the Pilot planner.

    >>> from calculators.verdict import decide
    >>> o = Option
    >>> d = decide({o.MICRO: 250_000.0, o.ILT: 140_000.0}, {o.MICRO: 33_000.0, o.ILT: 55_000.0}, 5.0,
    ...            {o.MICRO: 0.03, o.ILT: 0.2})
    >>> decision_headline(d, Scenario())
    'Choose microlearning: expected net present value $250,000 over 3 years; 3.0 % chance of losing money.'
    >>> d = decide({o.MICRO: -12_000.0, o.ILT: -40_000.0}, {o.MICRO: 33_000.0, o.ILT: 55_000.0}, 5.0,
    ...            {o.MICRO: 0.7, o.ILT: 0.9})
    >>> decision_headline(d, Scenario())
    "Don't train: no option is expected to pay back. The best, microlearning, has expected net present value −$12,000."
    """
    cur = scenario.currency
    years = plural(scenario.horizon_years, "year")
    lead = decision.leading
    value = money(decision.expected_npv[lead], cur)
    risk = _risk(decision.chance_of_loss)
    if decision.advice == "pilot first":
        p = decision.pilot
        assert p is not None
        now = "not training" if decision.best is None else decision.best.in_sentence
        return (
            f"Pilot first: a pilot of {learners(p.learners_per_arm)} learners per arm is worth "
            f"{money(p.evsi, cur)} and costs {money(p.cost, cur)}. Until then, {now} leads."
        )
    if decision.advice == "too close":
        return (
            f"Too close to call: {option_name(decision.best)} and {option_name(decision.runner_up)} differ by "
            f"{money(decision.difference, cur)} in expected net present value, within {percent(scenario.close_call_pct)} "
            "of cost."
        )
    if decision.advice == "don't train":
        return (
            f"Don't train: no option is expected to pay back. The best, {lead.in_sentence}, has expected net "
            f"present value {value}."
        )
    text = f"Choose {lead.in_sentence}: expected net present value {value} over {years}"
    if decision.chance_of_loss is None:
        return text + "."
    return text + f"; {risk}."


def decision_details(decision: Decision, screen: Mapping[Option, Returns], defensible: Mapping[Option, Returns],
                     scenario: Scenario) -> str:  # fmt: skip
    """The line under the headline: the option's ROI as claimed and defensible, and the runner-up.

    >>> from calculators.roi import all_returns
    >>> from calculators.verdict import decide
    >>> r = all_returns(Scenario())
    >>> d = decide({o: x.npv for o, x in r.items()}, {o: x.costs for o, x in r.items()}, 5.0)
    >>> decision_details(d, r, all_returns(Scenario(conservative=True)), Scenario())[:37]
    'Microlearning: ROI 890.0 % as claimed'
    """
    lead = decision.leading
    claimed_or_screen = "defensible" if scenario.conservative else "as claimed"
    text = f"{lead.label}: ROI {percent(screen[lead].roi_pct)} {claimed_or_screen}"
    if not scenario.conservative:
        text += f", {percent(defensible[lead].roi_pct)} defensible"
    second = decision.runner_up if decision.best is lead else decision.best
    if second is not lead:
        gap = decision.expected_npv[lead] - (0.0 if second is None else decision.expected_npv[second])
        text += f"; {money(abs(gap), scenario.currency)} {'more' if gap >= 0 else 'less'} than {option_name(second)}"
    return text + "."


def driver_sentence(bars: Sequence[TornadoBar], option: Option, currency: str) -> str | None:
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
    '10,000 draws of the 17 uncertain inputs this scenario uses (triangular,'
    """
    used, ranged = len(inputs_used(scenario, ranges)), len(RANGED_FIELDS)
    unused = (
        f"; the other {ranged - used} (switched-off benefits or adjustments) cannot change the result"
        if used < ranged
        else ""
    )
    return (
        f"{draws:,} draws of the {used} uncertain inputs this scenario uses ({distribution}, draw set "
        f"{seed}) between the low and high values on the Sensitivity page{unused}. Decisions (horizon, "
        "nudge cadence, mix) stay fixed."
    )
