"""The Retention page's words and tables: the evidence behind the curves, what each retention
assumption does to the answer, and the chart's numbers as text (pure, no Streamlit).

Every figure comes from the model (`calculators.roi.retention_view`,
`calculators.roi.all_returns`); nothing here recomputes a curve.

>>> from calculators.scenario import Scenario
>>> table = what_if_table(Scenario())
>>> table.columns.tolist()
['Retention assumption', 'Skill kept on average', 'Net present value (change)', 'Payback (discounted)', 'Leads then']
>>> table.iloc[0, 0]
'Yours: exponential curve, half lost after 11 months, 20 % kept for good'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from calculators.model import REFERENCE_RECALL
from calculators.roi import (
    Option,
    RetentionView,
    all_returns,
    benefit_years,
    effective,
    half_lost_months,
    mean_kept,
    returns_together,
    two_point_fit,
    with_half_lost_after,
)
from calculators.scenario import ARTICLE_000, INPUTS, Format, Scenario
from calculators.skeptic import replaced_fields
from calculators.verdict import Decision, decide_on_returns
from components.words.formatting import half_life_text, money, months, percent, plural

WORD_JOINER = "\u2060"  # no line break here
# Tatel & Ackerman (2025): months until half of a trained procedural skill is lost without use
ACCURACY_MONTHS, MIXED_MONTHS, SPEED_MONTHS = 6.5, 11.0, 13.0


def _grade(field: str) -> str:
    """'grade A' for a field's default."""
    return f"grade {INPUTS[field].grade.value}"


def _curve_name(family: str) -> str:
    """'Exponential curve', 'Power law curve', 'FSRS-style curve'."""
    return f"{family[0].upper()}{family[1:]} curve"


def evidence_markdown(view: RetentionView, own: Scenario) -> str:
    """The evidence behind the curves, in plain words, with sources, grades and the values in use
    (`own`: the user's scenario, before the switches replace any value).

    >>> from calculators.roi import retention_view
    >>> text = evidence_markdown(retention_view(Scenario()), Scenario())
    >>> "Tatel & Ackerman" in text and "vendor's knowledge-check claim (grade C" in text
    True
    """
    s = view.scenario
    defaults = Scenario()
    micro, ilt = s.micro_retention_pct, s.ilt_retention_pct
    day = s.retention_reference_day
    half = view.half_life_months
    yours = half_life_text(s.skill_half_life_months)
    floor = percent(s.retention_floor_pct, 0)
    whole = half_life_text(half[Format.ILT])
    article = (
        f"{ARTICLE_000.short[0].upper()}{ARTICLE_000.short[1:]} says learners recall "
        f"{percent(defaults.micro_retention_pct, 0)} of microlearning and {percent(defaults.ilt_retention_pct, 0)} "
        f"of an eight-hour workshop at day 30"
    )
    in_use = (
        ""
        if (micro, ilt, day) == (defaults.micro_retention_pct, defaults.ilt_retention_pct, 30)
        else f" (this scenario: {percent(micro, 0)} and {percent(ilt, 0)} at day {day})"
    )
    skeptic = ""
    if own.skeptic and any(v.field == "micro_retention_pct" for v in replaced_fields(own)):
        skeptic = (
            " Skeptic is on: microlearning's figure is set to the workshop's, as independent research finds "
            "web-based and classroom training about equal (Sitzmann et al. 2006), so both formats fade alike."
        )
    return "\n".join(
        [
            f"- **How fast a trained skill fades.** Tatel & Ackerman (2025, Psychological Bulletin) pooled 457 "
            f"reports on procedural skills ({_grade('skill_half_life_months')}: a meta-analysis). With no use at all, half of "
            f"the gain from training was lost after about {half_life_text(ACCURACY_MONTHS)} on accuracy "
            f"measures, {half_life_text(MIXED_MONTHS)} on mixed measures and {half_life_text(SPEED_MONTHS)} "
            f"on speed. In this scenario instructor-led training loses half of its gain after {whole}: half of "
            f"the part that fades is lost after {yours}, and {floor} is kept for good. Skills people use on the "
            "job fade less (Arthur et al. 1998), so this is a cautious figure.",
            f"- **Why the mixed measure.** Benefits on the job come from doing a task both right (accuracy) and "
            f"fast (speed), so the default is the mixed figure, {half_life_text(MIXED_MONTHS)}; the table below "
            "shows the accuracy and speed ends.",
            "- **The floor.** Forgetting levels off above zero: curves with a floor fit memory data better "
            "(Averell & Heathcote 2011), and part of what was learned lasts for decades (Bahrick 1984). "
            f"This scenario keeps {floor} of the gain for good, an illustrative figure "
            f"({_grade('retention_floor_pct')}: no study gives one for workplace skills). What is kept for good "
            "comes on top of what fades, so a higher floor keeps more of the gain in every month.",
            f"- **The {percent(defaults.micro_retention_pct, 0)} and {percent(defaults.ilt_retention_pct, 0)} "
            f"at day 30.** {article}: a vendor's knowledge-check claim ({_grade('micro_retention_pct')}){in_use}. "
            "The model uses each format's figure only for how long its skills last against the research's "
            f"half-life, which it takes for a training that keeps {percent(100 * REFERENCE_RECALL, 0)} (the "
            f"workshop's figure): here half of the gain is lost after {half_life_text(half[Format.MICRO])} for "
            f"microlearning and {whole} for instructor-led (the half-life of what fades × ln 0.35 / ln of the "
            "format's figure: a format's own figure moves its own half-life only), and for the pilot's knowledge check; "
            f"how fast skills fade comes from the research above.{skeptic}",
        ]
    )


@dataclass(frozen=True)
class WhatIf:
    """One retention assumption to try: its name, and the user's scenario with it."""

    assumption: str
    scenario: Scenario
    yours: bool = False


def _same_half_loss(scenario: Scenario, family: str) -> Scenario:
    """`scenario` on another curve family that loses half of the whole gain in the same month
    (the research's anchor), its half-life of what fades converted for that family."""
    if family == scenario.retention_curve:
        return scenario
    other = scenario.with_changes(retention_curve=family)
    return with_half_lost_after(other, half_lost_months(scenario))


def what_ifs(scenario: Scenario) -> list[WhatIf]:
    """The user's retention assumptions, then each alternative that differs from them: the
    other curve families (half of the gain lost in the same month), Tatel & Ackerman's accuracy
    and speed figures (half of the whole gain lost after 6.5 and 13 months, with the user's floor
    and curve), no floor (the part that fades as before), and no forgetting at all (benefits not
    weighted by retention). Alternatives weight benefits.

    >>> [w.assumption for w in what_ifs(Scenario())][1:]  # doctest: +NORMALIZE_WHITESPACE
    ['Power law curve', 'FSRS-style curve', 'Half lost after 6.5 months (accuracy measures)',
     'Half lost after 13 months (speed measures)', 'Nothing kept for good (no floor)',
     'Skills never fade (benefits not weighted)']
    """
    s = scenario
    if s.decay_weighting:
        yours = (
            f"Yours: {s.retention_curve} curve, half lost after "
            f"{half_life_text(half_lost_months(s))}, "
            f"{percent(s.retention_floor_pct, 0)} kept for good"
        )
    else:
        yours = "Yours: benefits not weighted by retention"
    weighted = s.with_changes(decay_weighting=True)
    others = [f for f in ("exponential", "power law", "FSRS-style") if f != s.retention_curve]
    families = others if s.decay_weighting else [s.retention_curve, *others]
    alternatives = [
        *((_curve_name(f), _same_half_loss(weighted, f)) for f in families),
        (
            f"Half lost after {half_life_text(ACCURACY_MONTHS)} (accuracy measures)",
            with_half_lost_after(weighted, ACCURACY_MONTHS),
        ),
        (
            f"Half lost after {half_life_text(SPEED_MONTHS)} (speed measures)",
            with_half_lost_after(weighted, SPEED_MONTHS),
        ),
        ("Nothing kept for good (no floor)", weighted.with_changes(retention_floor_pct=0.0)),
        ("Skills never fade (benefits not weighted)", s.with_changes(decay_weighting=False)),
    ]
    return [WhatIf(yours, s, yours=True)] + [WhatIf(a, v) for a, v in alternatives if v != s]


def leader_text(d: Decision) -> str:
    """Who leads under a verdict (not training included), in a table cell."""
    if d.advice == "too close":
        return "Too close to call"
    return "Not training" if d.best is None else d.best.label


def what_if_table(scenario: Scenario) -> pd.DataFrame:
    """The recommended option's figures under each retention assumption (`what_ifs`), through
    the model on the screen's basis: the skill it keeps on average, its net present value with
    the change from yours, its discounted payback, and which option leads then (kept for the
    last 64 scenarios: seven model calls a scenario)."""
    return pd.DataFrame(list(_what_if_rows(scenario)))


@lru_cache(maxsize=64)
def _what_if_rows(scenario: Scenario) -> tuple[dict[str, str], ...]:
    option = recommended(scenario)
    base = all_returns(scenario)[option].npv
    currency = scenario.currency
    rows = []
    assumptions = what_ifs(scenario)
    for w, returns in zip(assumptions, returns_together([w.scenario for w in assumptions]), strict=True):
        r = returns[option]
        paid = 12 * benefit_years(effective(w.scenario))
        npv = money(r.npv, currency) + (
            "" if w.yours else f" ({WORD_JOINER}{change_text(r.npv - base, currency)})"
        )
        rows.append(
            {
                "Retention assumption": w.assumption,
                "Skill kept on average": percent(100 * mean_kept(w.scenario, option, paid)),
                "Net present value (change)": npv,
                "Payback (discounted)": months(r.discounted_payback_month),
                "Leads then": leader_text(decide_on_returns(returns, w.scenario.close_call_pct)),
            }
        )
    return tuple(rows)


def change_text(delta: float, currency: str) -> str:
    """A change of money with its sign, or 'no change' below one unit.

    >>> [t.replace(WORD_JOINER, "") for t in (change_text(12_403.2, "USD"), change_text(-73_579.0, "EUR"))]
    ['+$12,403', '−€73,579']
    >>> change_text(0.4, "USD")
    'no change'
    """
    if abs(delta) < 0.5:
        return "no change"
    text = ("+" if delta > 0 else "") + money(delta, currency)
    return text[0] + WORD_JOINER + text[1:]  # the sign stays with the amount when a cell wraps


def recommended(scenario: Scenario) -> Option:
    """The training option that leads at the most likely values on the screen's basis (the one
    the table is about, even when not training would lead)."""
    return decide_on_returns(all_returns(scenario), scenario.close_call_pct).leading


def benefit_period(view: RetentionView) -> str:
    """The months benefits are counted, in words: 'over 3 years', 'over the first year (conservative)'."""
    if view.scenario.conservative:
        return "over the first year (conservative)"
    return f"over {plural(view.benefit_months // 12, 'year')}"


def retention_headline(view: RetentionView) -> str:
    """The page's message: how much of each option's benefit the fading of skills leaves.

    >>> from calculators.roi import retention_view
    >>> retention_headline(retention_view(Scenario()))
    "Skills fade, and each month's benefit counts the share still kept: over 3 years, microlearning's benefits count at 73 % of their full value, instructor-led's at 44 % and the blend's at 70 %."
    """
    period = benefit_period(view)
    kept = {o: percent(100 * view.mean_kept(o), 0) for o in Option}
    if not view.weighted:
        return (
            "Benefits are not weighted by retention (switched off under Adjustments): every month counts in "
            f"full. With the weighting on, {period}, microlearning's benefits would count at "
            f"{kept[Option.MICRO]} of their full value, instructor-led's at {kept[Option.ILT]} and the blend's "
            f"at {kept[Option.BLEND]}."
        )
    return (
        f"Skills fade, and each month's benefit counts the share still kept: {period}, microlearning's "
        f"benefits count at {kept[Option.MICRO]} of their full value, instructor-led's at {kept[Option.ILT]} "
        f"and the blend's at {kept[Option.BLEND]}."
    )


def retention_caption(view: RetentionView) -> str:
    """The chart in words (its text alternative): the share kept at three months of the horizon
    for each option, the average, the floor and the vendor's recall figures.

    >>> from calculators.roi import retention_view
    >>> print(retention_caption(retention_view(Scenario())))
    In numbers: microlearning keeps 99 % of its skill gain in month 1, 80 % in month 12 and 54 % in month 36 (73.2 % on average); instructor-led 97 %, 49 % and 23 % (43.9 %); the blend 99 %, 77 % and 50 % (70.0 %). The floor is 20 %. The vendor's knowledge-check figures at day 30: microlearning 75 %, instructor-led 35 %.
    """
    s = view.scenario
    n = view.months
    marks = (1, 6, 12) if n <= 12 else (1, 12, n)
    names = {Option.MICRO: "microlearning", Option.ILT: "instructor-led", Option.BLEND: "the blend"}
    parts = []
    for i, option in enumerate(Option):
        values = [percent(100 * float(view.kept[option][m - 1]), 0) for m in marks]
        mean = percent(100 * view.mean_kept(option))
        if i == 0:
            parts.append(
                f"{names[option]} keeps {values[0]} of its skill gain in month {marks[0]}, {values[1]} in month "
                f"{marks[1]} and {values[2]} in month {marks[2]} ({mean} on average)"
            )
        else:
            parts.append(f"{names[option]} {values[0]}, {values[1]} and {values[2]} ({mean})")
    floor = s.retention_floor_pct
    floor_text = (
        f"The floor is {percent(floor, 0)}." if floor > 0 else "There is no floor: all of it can fade."
    )
    return (
        f"In numbers: {parts[0]}; {parts[1]}; {parts[2]}. {floor_text} The vendor's knowledge-check figures at "
        f"day {s.retention_reference_day}: microlearning {percent(s.micro_retention_pct, 0)}, instructor-led "
        f"{percent(s.ilt_retention_pct, 0)}."
    )


def retention_data(view: RetentionView) -> pd.DataFrame:
    """The chart's data: each option's share of the skill gain kept, month by month (%)."""
    table = {"Month": list(range(1, view.months + 1))}
    for option, kept in view.kept.items():
        table[f"{option.label} (% kept)"] = [round(100 * float(k), 1) for k in kept]
    return pd.DataFrame(table)


def two_point_message(t1: float, r1_pct: float, t2: float, r2_pct: float, scenario: Scenario) -> str:
    """What a two-point knowledge check says (`calculators.roi.two_point_fit`): its stability,
    the recall it gives at the reference day, and what that recall, entered as microlearning's
    "Knowledge retained", would make of microlearning's skill half-life.

    A figure at a limit is said to be one, never given as a measurement: a recall beyond the
    range "Knowledge retained" takes is entered at its end, and a half-life at the longest (or
    shortest) the model allows is named so (`calculators.roi.half_life_cap`).

    >>> print(two_point_message(30, 60, 90, 40, Scenario()))
    Your knowledge check fades with stability S = 148 days between the tests; recall at day 30 = 60.0 %. Entered as microlearning's “Knowledge retained”, microlearning would keep half of its skill gain for 23 months (now 40).
    >>> print(two_point_message(30, 99, 90, 98.9, Scenario()))
    Your knowledge check fades with stability S = 59,370 days between the tests; recall at day 30 = 99.0 %. Entered as microlearning's “Knowledge retained”, microlearning would keep half of its skill gain for 1,100 months, the longest the model allows (your tests point to longer; now 40).
    >>> two_point_message(30, 40, 90, 60, Scenario())
    'No decay to fit: the second measurement must be lower than the first, and later.'
    """
    fit = two_point_fit(t1, r1_pct, t2, r2_pct, scenario)
    if fit is None:
        return "No decay to fit: the second measurement must be lower than the first, and later."
    spec = INPUTS["micro_retention_pct"]
    day = fit.reference_day
    if fit.entered_limit:  # the fitted recall lies beyond the input's range: entered at its end
        end = "lowest" if fit.entered_limit < 0 else "highest"
        beyond = "below" if fit.entered_limit < 0 else "above"
        limit = float(spec.minimum or 0) if fit.entered_limit < 0 else float(spec.maximum or 100)
        recall = (
            f"recall at day {day} {beyond} {percent(limit, 0)}, the {end} “Knowledge retained” takes. "
            f"Entered as {percent(fit.entered_pct, 0)}"
        )
    else:
        recall = f"recall at day {day} = {percent(100 * fit.recall_at_reference)}. Entered as microlearning's “Knowledge retained”"
    then = half_life_text(fit.half_life_then_months)
    notes = []
    if fit.then_at_cap:
        then += f", the {'longest' if fit.then_at_cap > 0 else 'shortest'} the model allows"
    if fit.then_at_cap > 0 or fit.entered_limit > 0:
        notes.append("your tests point to longer")
    elif fit.then_at_cap < 0 or fit.entered_limit < 0:
        notes.append("your tests point to shorter")
    now = half_life_text(fit.half_life_now_months).split()[0]
    if fit.now_at_cap:
        now += f", the {'longest' if fit.now_at_cap > 0 else 'shortest'} the model allows"
    notes.append(f"now {now}")
    stability = f"{fit.stability:,.0f}" if fit.stability >= 9.5 else f"{fit.stability:.2g}"  # never "S = 0"
    return (
        f"Your knowledge check fades with stability S = {stability} days between the tests; {recall}, "
        f"microlearning would keep half of its skill gain for {then} ({'; '.join(notes)})."
    )
