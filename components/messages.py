"""The sentences the screens say: chart titles that state their message, the recommendation.

Pure functions of calculator results (no Streamlit), so every message is tested.

>>> from calculators.scenario import Scenario
>>> from calculators.summary import cost_summary
>>> crossover_headline(cost_summary(Scenario()))
'Microlearning is cheaper from 477 learners'
>>> print(recommendation(cost_summary(Scenario())))
On cost alone, choose microlearning: for 1,000 learners it costs $33,000 against $55,000 for instructor-led, saving $22,000 (40.0 %). It is the cheaper format from 477 learners.
"""

from __future__ import annotations

from calculators.costs import cost_line, total_cost
from calculators.scenario import Format
from calculators.summary import MAX_LEARNERS, CostSummary
from components.formatting import learners, money, percent, plural


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
        return f"{learners(x.cheaper_from)} learners", f"{x.cheaper_above.label} cheaper from here"
    fmt = cheaper_everywhere(summary)
    if fmt is None:
        return "—", "The cost lines coincide: no crossover"
    return "—", f"No crossover: {format_name(fmt)} is cheaper at every scale"


def recommendation(summary: CostSummary) -> str:
    """One sentence a CFO can read aloud: the cheaper format at this scale, and by how much."""
    cur = summary.scenario.currency
    n = plural(summary.learners, "learner")
    if summary.cheapest is None:
        return f"On cost alone the formats tie: for {n} each costs {money(summary.total[Format.MICRO], cur)}."
    best, other = summary.cheapest, _other(summary.cheapest)
    share = 100 * summary.saving_vs_other / summary.total[other] if summary.total[other] else 0.0
    sentence = (
        f"On cost alone, choose {format_name(best)}: for {n} it costs "
        f"{money(summary.total[best], cur)} against {money(summary.total[other], cur)} for "
        f"{format_name(other)}, saving {money(summary.saving_vs_other, cur)} ({percent(share)})."
    )
    x = summary.crossover
    if x is not None and x.cheaper_above is best:
        sentence += f" It is the cheaper format from {learners(x.cheaper_from)} learners."
    elif x is not None:
        sentence += (
            f" From {learners(x.cheaper_from)} learners {format_name(x.cheaper_above)} becomes cheaper."
        )
    else:
        sentence += f" It stays cheaper at every scale up to {learners(MAX_LEARNERS)} learners."
    return sentence


def basis_note(summary: CostSummary) -> str:
    """How much the fully-loaded switch moves the answer, in one sentence."""
    cur = summary.scenario.currency
    loaded = summary.scenario.fully_loaded
    now, alt = summary.total, summary.other_basis_total
    label_now = "Fully loaded" if loaded else "Seed-table"
    label_alt = "seed-table" if loaded else "fully loaded"
    parts = [f"{f.label} {money(now[f], cur)} vs {money(alt[f], cur)}" for f in Format]
    flip = ""
    if summary.other_basis_cheapest is not summary.cheapest and summary.other_basis_cheapest is not None:
        flip = f" The {label_alt} basis changes the cheaper format to {format_name(summary.other_basis_cheapest)}."
    return f"{label_now} costs against {label_alt}: " + "; ".join(parts) + "." + flip
