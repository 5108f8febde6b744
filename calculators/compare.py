"""Compare scenarios: the headline figures side by side, and why one plan's ROI differs from another's.

**Attribution.** The difference in a measure m (ROI in percent, or net present value in
money) of one option between a base plan B and another plan P is split over the groups of
inputs that differ (below), N = {1, …, k}, by their Shapley values. For a set S of groups,
v(S) is the measure of the mix that takes the groups in S from P and every other input from
B, so v(∅) = m(B) and v(N) = m(P). Group i's contribution is what replacing it adds,
averaged over all k! orders in which the groups could be replaced one after another:

    φ_i = Σ_{S ⊆ N∖{i}}  |S|! (k − |S| − 1)! / k!  × [v(S ∪ {i}) − v(S)]

    share_i = |φ_i| / Σ_j |φ_j|      (its part of all the movement, up and down)

The contributions add up to the whole difference, Σ_i φ_i = m(P) − m(B) (in every order the
steps telescope); they do not depend on the order the groups are listed in; two groups that
move the measure alike in every mix get the same; a group that moves nothing gets 0. The
model is not additive (learners multiply benefits, Conservative forces fully loaded costs),
so a fixed order would hand what two changes do together to whichever came first; the
average over orders splits it evenly. When contributions pull both ways, shares of the net
difference can exceed 100 %; shares of the movement cannot, and they add up to 100 %.

Every mix is a real, validated `Scenario`: the model reads it exactly as it reads a plan of
its own, switches included (`calculators.model.effective`). All 2^k of them are evaluated
once, through the one model core, `calculators.model.evaluate`, in one array call per
distinct combination of the on/off switches and choices they hold (numbers go in as arrays;
mixes the model reads alike are evaluated once, so they get the very same value).

**Groups.** Each changed input is its own group, except that a switch that changes takes the
inputs it governs with it: turning a benefit stream on *with* its figures is one group, as
are Fully loaded costs with learner time, classes and refresh, Weight benefits by retention
with the retention inputs, and Conservative with the confidence figure. When a switch is the
same in both plans, its inputs are groups of their own. Groups are listed by model stage
(`STAGES`: scale, costs, benefits, adjustments, the blended mix, time, the basis switches,
then what moves no figure), which changes no value.

**Where ROI does not exist** in some mix (nothing costs anything, so there is no ratio), the
average runs over the orders that never pass through such a mix: the weight of the step
S → S ∪ {i} is the number of those orders that take it over the number of those orders
(with every mix defined, that is the weight above), and the properties above still hold. If
no order avoids such a mix, the groups are reported together as one contribution. If the
measure does not exist for either plan itself, nothing is split.

**Many groups.** Exact values take 2^k mixes. Above `MAX_GROUPS` (10 groups, 1,024 mixes),
the `MAX_GROUPS` − 1 groups that move the measure most on their own, by
|v({i}) − v(∅)| + |v(N) − v(N∖{i})| (a mix without a value counting as most; ties by stage),
keep a contribution of their own, and the rest are taken together as one group
(`Contribution.merged`), with exact Shapley values over that coarser split. The explanation
on screen names at most three contributions anyway.

**Which option is explained.** By default, the option the base plan recommends (its verdict
on its own basis, as the Executive summary states it); the `Attribution` also records the
other plan's recommendation, so the explanation can say when it changes.

**Side by side.** `compare` gives, per plan, claimed and defensible ROI, net present value,
discounted payback month, the cost of each format and the chance of loss (seeded Monte Carlo
within the default uncertainty ranges), each with its difference from the first plan.

Worked example: seed 002's defaults (1,000 learners; microlearning costs $33,000 and keeps
$42,497 of benefits, ROI 28.8 %) against the same plan with 800 learners. One group changed,
so it carries the whole difference:

>>> from calculators.scenario import Scenario
>>> a = attribute(Scenario(), Scenario(learners=800))
>>> [(c.fields, c.before, c.after, c.change == a.total, c.share) for c in a.contributions]
[(('learners',), (1000,), (800,), True, 1.0)]

Two changes: 2,000 learners and delivery at $6 instead of $3. At the defaults, learners alone
take ROI to 136.1 % (+107.3 points: twice the benefits for $36,000), delivery alone to
18.0 % (−10.8: $36,000 for the same benefits), both to 102.4 %, 73.6 points above the base.
Learners' contribution is the average of what they add first and what they add last,
½ (107.3 + 84.4) = 95.8 points; delivery's is ½ (−10.8 − 33.7) = −22.2 points; together
73.6 points. Of the 118.0 points of movement, learners make 81 % and delivery 19 %:

>>> base, other = Scenario(), Scenario(learners=2_000, micro_cost_per_learner=6.0)
>>> a = attribute(base, other)
>>> [c.fields for c in a.contributions]
[('learners',), ('micro_cost_per_learner',)]
>>> v = measure_of([base, base.with_changes(learners=2_000),
...                 base.with_changes(micro_cost_per_learner=6.0), other], a.option, "ROI")
>>> learners, delivery = (c.change for c in a.contributions)
>>> math.isclose(learners, ((v[1] - v[0]) + (v[3] - v[2])) / 2)
True
>>> math.isclose(learners + delivery, a.total), math.isclose(sum(c.share for c in a.contributions), 1.0)
(True, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from calculators.model import NO_PAYBACK, Option, effective, evaluate
from calculators.roi import Returns, all_returns
from calculators.scenario import INPUTS, Format, Scenario
from calculators.simulation import MonteCarlo, monte_carlo
from calculators.verdict import Decision, decide, decide_on_returns

Measure = Literal["ROI", "NPV"]
# The basis the measure is taken on: each plan as it is set (Conservative on or off), or
# both plans as claimed (Conservative off), or both defensible (Conservative on).
Basis = Literal["as set", "claimed", "defensible"]
MAX_SCENARIOS = 4
MAX_GROUPS = 10  # exact Shapley values over at most this many groups (2^10 = 1,024 mixes)
KPI_DRAWS = 10_000
KPI_SEED = 2026

# A tuple is a switch followed by the inputs it governs (one group when the switch changes).
Slot = str | tuple[str, ...]
STAGES: tuple[tuple[str, tuple[Slot, ...]], ...] = (
    ("Scale", ("learners",)),
    (
        "Costs",
        (
            "micro_fixed_cost",
            "micro_cost_per_learner",
            "ilt_fixed_cost",
            "ilt_cost_per_learner",
            (
                "fully_loaded",
                "micro_seat_hours",
                "ilt_seat_hours",
                "ilt_class_size",
                "ilt_cost_per_class",
                "micro_refresh_per_year",
                "ilt_refresh_per_year",
            ),
            "loaded_hourly_cost",
            "cost_per_nudge",
            "nudge_minutes",
        ),
    ),
    (
        "Benefits",
        (
            ("revenue_on", "revenue_per_training_dollar"),
            (
                "turnover_on",
                "turnover_saving_5y",
                "turnover_bottom_up",
                "turnover_rate_pct",
                "turnover_reduction_pct",
                "replacement_cost",
            ),
            (
                "productivity_on",
                "micro_productivity_gain_pct",
                "ilt_productivity_gain_pct",
                "output_value_per_employee",
            ),
            ("onboarding_on", "new_hire_pct", "onboarding_weeks_saved"),
            (
                "risk_on",
                "incidents_per_100_learners",
                "cost_per_incident",
                "micro_risk_reduction_pct",
                "ilt_risk_reduction_pct",
            ),
        ),
    ),
    (
        "Adjustments",
        (
            "micro_completion_pct",
            "ilt_completion_pct",
            "attribution_pct",
            "application_pct",
            (
                "decay_weighting",
                "retention_curve",
                "skill_half_life_months",
                "retention_floor_pct",
                "micro_retention_pct",
                "ilt_retention_pct",
                "retention_reference_day",
                "micro_nudge_days",
                "ilt_nudge_days",
                "spacing_gain",
            ),
        ),
    ),
    ("Blended mix", ("blend_ilt_share_pct",)),
    ("Time", ("horizon_years", "discount_rate_pct")),
    ("Basis", (("conservative", "confidence_pct"), "skeptic")),
    ("Labels and decision rules", ("currency", "blend_objective", "close_call_pct")),
)


def _slot_fields(slot: Slot) -> tuple[str, ...]:
    return (slot,) if isinstance(slot, str) else slot


ATTRIBUTION_ORDER: tuple[str, ...] = tuple(
    f for _, slots in STAGES for slot in slots for f in _slot_fields(slot)
)
"""Every scenario input once, by model stage: the order contributions are listed in (and ties
broken); no contribution depends on it."""

_UNPLACED = tuple(n for n in INPUTS if n not in ATTRIBUTION_ORDER)  # empty: a test keeps STAGES whole
# Numbers go into the model as arrays; switches and choices select a separate evaluation.
_NUMERIC = tuple(n for n in INPUTS if Scenario.model_fields[n].annotation in (int, float))
_CHOICES = tuple(n for n in INPUTS if n not in _NUMERIC)


@dataclass(frozen=True)
class Contribution:
    """One group's part of the difference (module docstring): `fields` take the other plan's values.

    `before` and `after` are the values the model reads for those fields in the base plan and in
    the other plan (the Skeptic switch may have replaced a vendor figure; Conservative forces
    fully loaded costs); `change` is the group's Shapley value with its sign (ROI points, or
    money); `share` its part of all the movement, |change| / Σ |change| (0 to 1, the shares
    add up to 1; None when nothing moves). `merged` marks groups taken together (more than
    `MAX_GROUPS` groups, or no order that keeps the measure defined).
    """

    fields: tuple[str, ...]
    before: tuple[Any, ...]
    after: tuple[Any, ...]
    change: float
    share: float | None
    merged: bool = False


@dataclass(frozen=True)
class Attribution:
    """Why `option`'s `measure` differs between two plans, group by group (module docstring).

    `base_value` and `other_value` are None when the measure does not exist for that plan
    (ROI of an option that costs nothing); `contributions` is then empty and `total` None.
    `scale` is the largest size of the measure over the mixes evaluated, at least 1: float
    rounding in the contributions is relative to it.
    """

    option: Option
    measure: Measure
    basis: Basis
    base_value: float | None
    other_value: float | None
    contributions: tuple[Contribution, ...]
    scale: float
    base_recommends: Option
    other_recommends: Option
    currencies: tuple[str, str]

    @property
    def total(self) -> float | None:
        """The other plan's value minus the base plan's (None when either does not exist)."""
        if self.base_value is None or self.other_value is None:
            return None
        return self.other_value - self.base_value

    @property
    def recommendation_changes(self) -> bool:
        return self.base_recommends is not self.other_recommends


def recommendation(scenario: Scenario, run: MonteCarlo | None = None) -> Decision:
    """The plan's verdict on its own basis (defensible when Conservative is on, else as
    claimed), by the rule of every screen's headline (`calculators.verdict.decide`: not training
    is an option): on the expected net present values of `run` (the plan's simulated outcomes)
    when given, else on its returns at the most likely values.

    >>> recommendation(Scenario()).best.label, recommendation(Scenario(turnover_on=False)).advice
    ('Microlearning', "don't train")
    """
    returns = all_returns(scenario)
    if run is None:
        return decide_on_returns(returns, scenario.close_call_pct)
    costs = {o: r.costs for o, r in returns.items()}
    loss = {o: run.probability_loss(o) for o in returns}
    return decide({o: run.expected_npv(o) for o in returns}, costs, scenario.close_call_pct, loss)


def _on_basis(scenario: Scenario, basis: Basis) -> Scenario:
    if basis == "as set":
        return scenario
    return scenario.with_changes(conservative=basis == "defensible")


def changed_groups(base: Scenario, other: Scenario) -> list[tuple[str, ...]]:
    """The inputs that differ, in groups (module docstring), listed in `ATTRIBUTION_ORDER`.

    >>> changed_groups(Scenario(), Scenario(learners=800, revenue_on=True, revenue_per_training_dollar=2.5))
    [('learners',), ('revenue_on', 'revenue_per_training_dollar')]
    """
    groups: list[tuple[str, ...]] = []
    for _, slots in STAGES:
        for slot in slots:
            changed = tuple(f for f in _slot_fields(slot) if getattr(base, f) != getattr(other, f))
            if not changed:
                continue
            if isinstance(slot, tuple) and changed[0] == slot[0]:  # the switch changes: one group
                groups.append(changed)
            else:
                groups.extend((f,) for f in changed)
    # an input not (yet) placed in a stage still takes part, so the whole difference is split
    groups.extend((f,) for f in _UNPLACED if getattr(base, f) != getattr(other, f))
    return groups


def _read(scenario: Scenario) -> Scenario:
    """The scenario with its switches applied, as the model reads it, and the Skeptic switch
    spent (its values are in place), so numbers passed as arrays are not replaced again."""
    s = effective(scenario)
    return s.with_changes(skeptic=False) if s.skeptic else s


def measure_of(states: Sequence[Scenario], option: Option, measure: Measure) -> np.ndarray:
    """`measure` of `option` for each scenario (ROI in percent, NaN where it does not exist;
    NPV in money): one model call per distinct combination of switches and choices, and
    scenarios the model reads alike evaluated once (so they get the very same value).

    >>> from calculators.roi import option_returns
    >>> plans = [Scenario(), Scenario(learners=800), Scenario(learners=800, conservative=True)]
    >>> roi = measure_of(plans, Option.MICRO, "ROI")
    >>> np.allclose(roi, [option_returns(s, Option.MICRO).roi_pct for s in plans], rtol=1e-12)
    True
    """
    index: dict[Scenario, int] = {}
    which = np.array([index.setdefault(_read(s), len(index)) for s in states], dtype=np.intp)
    return _measures(tuple(index), option, measure)[which]


@lru_cache(maxsize=64)
def _measures(read: tuple[Scenario, ...], option: Option, measure: Measure) -> np.ndarray:
    """`measure_of` of distinct scenarios as the model reads them (kept: an explanation asks
    for its two plans' values, then for every mix of them, which include the two plans)."""
    out = np.full(len(read), np.nan)
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, r in enumerate(read):
        groups.setdefault(tuple(getattr(r, f) for f in _CHOICES), []).append(i)
    for members in groups.values():
        values: dict[str, np.ndarray] = {}
        for f in _NUMERIC if len(members) > 1 else ():
            column = np.array([float(getattr(read[i], f)) for i in members])
            if np.any(column != column[0]):
                values[f] = column
        outcome = evaluate(read[members[0]], values, (option,), paybacks=NO_PAYBACK)[option]
        result = outcome.roi_pct if measure == "ROI" else outcome.npv
        out[members] = np.broadcast_to(result, (len(members),))
    out.setflags(write=False)
    return out


def shapley(values: ArrayLike) -> np.ndarray:
    """Shapley values of k players, from the value of every coalition.

    `values[S]` is v of the coalition whose members are the set bits of S (bit i: player i):
    2^k values, `values[0]` = v(∅), `values[-1]` = v(N). Player i gets its marginal
    contribution averaged over the k! orders in which the players can join:

        φ_i = Σ_{S ⊆ N∖{i}}  w(S) × [v(S ∪ {i}) − v(S)],     w(S) = |S|! (k − |S| − 1)! / k!

    so Σ_i φ_i = v(N) − v(∅), relabelling the players relabels the values, players that are
    alike in every coalition get the same, and a player that changes no value gets 0.

    Where v is not finite (the measure does not exist), only the orders that never pass
    through such a coalition are averaged: the step S → S ∪ {i} weighs
    before(S) × after(S ∪ {i}) / before(N), where before(S) counts the orders in which S's
    members can join through defined coalitions only, and after(T) those in which the
    others can join T; with every value defined, before(S) = |S|! and after(T) = (k − |T|)!,
    the weight above. Raises `ValueError` when no order avoids them (or v(∅) or v(N) is not
    defined).

    Worked example, a product: v = x × y, where player 0 moves x from 2 to 5 and player 1
    moves y from 3 to 4, so v(∅) = 6, v({0}) = 15, v({1}) = 8 and v(N) = 20. Player 0 adds
    9 when it joins first and 12 when it joins last, φ_0 = 10.5; player 1 adds 2 or 5,
    φ_1 = 3.5. In closed form each factor's change times the mean of the other factor's two
    values: Δx × (y₀ + y₁) / 2 = 3 × 3.5 and Δy × (x₀ + x₁) / 2 = 1 × 3.5. They add up to
    v(N) − v(∅) = 14; a fixed order would have said 9 + 5, or 12 + 2.

    >>> shapley([2 * 3, 5 * 3, 2 * 4, 5 * 4]).tolist()
    [10.5, 3.5]

    Without a value for {0}, the one order left lets player 1 join first:

    >>> shapley([6.0, math.nan, 8.0, 20.0]).tolist()
    [12.0, 2.0]
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    k = v.size.bit_length() - 1
    if v.size != 1 << k:
        raise ValueError(f"Shapley values take one value per coalition, 2^k of them, not {v.size}.")
    masks = np.arange(v.size)
    bits = 1 << np.arange(k)
    member = (masks[:, None] & bits) != 0
    size = member.sum(axis=1)
    defined = np.isfinite(v)
    before, after = np.zeros(v.size), np.zeros(v.size)  # orders through defined coalitions
    before[0], after[-1] = defined[0], defined[-1]
    for p in range(1, k + 1):  # before(S) = Σ_{i ∈ S} before(S ∖ {i}), smallest S first
        layer = masks[size == p]
        ways = np.zeros(len(layer))
        for i in range(k):
            ways += np.where(member[layer, i], before[layer ^ bits[i]], 0.0)
        before[layer] = np.where(defined[layer], ways, 0.0)
    for p in range(k - 1, -1, -1):  # after(T) = Σ_{i ∉ T} after(T ∪ {i}), largest T first
        layer = masks[size == p]
        ways = np.zeros(len(layer))
        for i in range(k):
            ways += np.where(member[layer, i], 0.0, after[layer | bits[i]])
        after[layer] = np.where(defined[layer], ways, 0.0)
    orders = before[-1]
    if orders == 0:
        raise ValueError("No order of the players keeps the value defined at every step.")
    contributions = np.zeros(k)
    for i in range(k):
        without = masks[~member[:, i]]
        with_i = without | bits[i]
        weight = before[without] * after[with_i]
        used = weight > 0
        steps = weight[used] * (v[with_i[used]] - v[without[used]])
        contributions[i] = math.fsum(steps.tolist()) / orders
    return contributions


def _mixes(
    base: Scenario, other: Scenario, groups: Sequence[tuple[str, ...]], masks: Sequence[int]
) -> list[Scenario]:
    """For each mask, the plan that takes the groups whose bits are set from `other`."""
    start, target = base.model_dump(), other.model_dump()
    mixes = []
    for mask in masks:
        state = dict(start)
        for i, fields in enumerate(groups):
            if mask >> i & 1:
                state.update({f: target[f] for f in fields})
        mixes.append(Scenario.model_validate(state))
    return mixes


def coalition_values(
    base: Scenario,
    other: Scenario,
    groups: Sequence[tuple[str, ...]],
    option: Option,
    measure: Measure,
) -> np.ndarray:
    """v(S) for every set S of `groups`, as `shapley` takes it (bit i of S: `groups[i]` from
    `other`, the rest from `base`): the measure of each of the 2^k mixes, NaN where it does
    not exist, evaluated together through `measure_of`.

    >>> v = coalition_values(Scenario(), Scenario(learners=800), [("learners",)], Option.MICRO, "ROI")
    >>> v.tolist() == measure_of([Scenario(), Scenario(learners=800)], Option.MICRO, "ROI").tolist()
    True
    """
    return measure_of(_mixes(base, other, groups, range(1 << len(groups))), option, measure)


def _coarsen(
    base: Scenario, other: Scenario, groups: list[tuple[str, ...]], option: Option, measure: Measure
) -> list[tuple[str, ...]]:
    """`MAX_GROUPS` − 1 groups that move the measure most on their own, in their order, then
    the rest as one (module docstring: many groups)."""
    k, full = len(groups), (1 << len(groups)) - 1
    masks = [0, full, *(1 << i for i in range(k)), *(full ^ (1 << i) for i in range(k))]
    v = measure_of(_mixes(base, other, groups, masks), option, measure)
    alone = np.abs(v[2 : 2 + k] - v[0]) + np.abs(v[1] - v[2 + k :])
    alone = np.where(np.isnan(alone), np.inf, alone)
    keep = sorted(sorted(range(k), key=lambda i: -alone[i])[: MAX_GROUPS - 1])  # stable: ties by stage
    rest = tuple(f for i in range(k) if i not in keep for f in groups[i])
    return [*(groups[i] for i in keep), rest]


def attribute(
    base: Scenario,
    other: Scenario,
    option: Option | None = None,
    measure: Measure = "ROI",
    basis: Basis = "as set",
) -> Attribution:
    """Split the difference in `option`'s `measure` between `base` and `other` over the groups
    of inputs that differ, by their Shapley values (module docstring: the formula, the groups,
    mixes without a value, many groups).

    `option` defaults to the option the base plan recommends.

    >>> a = attribute(Scenario(), Scenario())
    >>> a.total, a.contributions
    (0.0, ())

    Conservative on forces fully loaded costs, so against a plan with both switches on,
    Fully loaded moves nothing when Conservative is already on, and everything it moves
    alone is shared between the two:

    >>> a = attribute(Scenario(), Scenario(fully_loaded=True, conservative=True), Option.MICRO)
    >>> [c.fields for c in a.contributions]
    [('fully_loaded',), ('conservative',)]
    >>> loaded, conservative = (c.change for c in a.contributions)
    >>> v = coalition_values(Scenario(), Scenario(fully_loaded=True, conservative=True),
    ...                      [("fully_loaded",), ("conservative",)], Option.MICRO, "ROI")
    >>> bool(v[3] == v[2]), math.isclose(loaded, (v[1] - v[0]) / 2), math.isclose(loaded + conservative, a.total)
    (True, True, True)
    """
    base_rec, other_rec = recommendation(base).leading, recommendation(other).leading
    chosen = base_rec if option is None else option
    b, o = _on_basis(base, basis), _on_basis(other, basis)
    common = dict(
        option=chosen, measure=measure, basis=basis,
        base_recommends=base_rec, other_recommends=other_rec, currencies=(base.currency, other.currency),
    )  # fmt: skip
    ends = measure_of([b, o], chosen, measure)
    if not np.all(np.isfinite(ends)):
        return Attribution(
            base_value=float(ends[0]) if math.isfinite(ends[0]) else None,
            other_value=float(ends[1]) if math.isfinite(ends[1]) else None,
            contributions=(),
            scale=max(1.0, float(np.max(np.abs(ends), initial=0.0, where=np.isfinite(ends)))),
            **common,  # type: ignore[arg-type]
        )
    groups = changed_groups(b, o)
    merged = [False] * len(groups)
    if len(groups) > MAX_GROUPS:
        groups = _coarsen(b, o, groups, chosen, measure)
        merged = [False] * (len(groups) - 1) + [True]
    v = coalition_values(b, o, groups, chosen, measure)
    first, last = float(v[0]), float(v[-1])
    try:
        changes = shapley(v).tolist()
    except ValueError:  # no order keeps the measure defined: the groups go together
        groups, merged, changes = [tuple(f for g in groups for f in g)], [True], [last - first]
    read_base, read_other = effective(b), effective(o)
    gross = math.fsum(abs(c) for c in changes)
    contributions = tuple(
        Contribution(
            fields=fields,
            before=tuple(getattr(read_base, f) for f in fields),
            after=tuple(getattr(read_other, f) for f in fields),
            change=change,
            share=abs(change) / gross if gross > 0 else None,
            merged=together,
        )
        for fields, change, together in zip(groups, changes, merged, strict=True)
    )
    scale = max(1.0, float(np.max(np.abs(v), initial=0.0, where=np.isfinite(v))))
    return Attribution(
        base_value=first,
        other_value=last,
        contributions=contributions,
        scale=scale,
        **common,  # type: ignore[arg-type]
    )


# --- side by side -----------------------------------------------------------------------------

KpiUnit = Literal["ROI", "money", "months", "chance"]


@dataclass(frozen=True)
class KpiRow:
    """One figure for every plan, and its difference from the first plan's.

    `values` are None where the figure does not exist (no ROI without cost, no payback within
    the horizon); `differences` are value − first plan's value (ROI and chance in percentage
    points, money, months), None where either value is missing or, for money, where the
    plans use different currencies (amounts are not converted). The first difference is 0.
    """

    key: str
    label: str
    unit: KpiUnit
    values: tuple[float | None, ...]
    differences: tuple[float | None, ...]


@dataclass(frozen=True)
class Comparison:
    """Plans side by side: each plan's verdict, the option its figures are about, its returns
    on its own basis (every option), and the KPI rows."""

    scenarios: tuple[Scenario, ...]
    verdicts: tuple[Decision, ...]
    options: tuple[Option, ...]
    returns: tuple[dict[Option, Returns], ...]
    rows: tuple[KpiRow, ...]

    def row(self, key: str) -> KpiRow:
        return next(r for r in self.rows if r.key == key)


def _finite(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def _row(key: str, label: str, unit: KpiUnit, values: list[float | None], currencies: list[str]) -> KpiRow:
    first = values[0]
    differences: list[float | None] = []
    for value, currency in zip(values, currencies, strict=True):
        comparable = unit != "money" or currency == currencies[0]
        differences.append(value - first if value is not None and first is not None and comparable else None)
    return KpiRow(key, label, unit, tuple(values), tuple(differences))


def compare(
    scenarios: Sequence[Scenario],
    option: Option | None = None,
    draws: int = KPI_DRAWS,
    seed: int = KPI_SEED,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    simulate: Callable[..., MonteCarlo] = monte_carlo,
) -> Comparison:
    """Each plan's headline figures, on its own basis, for the option it recommends (or
    `option` for all), with differences from the first plan (the base).

    The chance of loss is P(ROI < 0) over `draws` seeded Monte Carlo draws within the default
    uncertainty ranges (or `ranges`), as on the Executive summary; `simulate` runs them
    (`monte_carlo`'s signature: the app passes its cached runs, shared with the summary).

    >>> c = compare([Scenario(), Scenario(learners=800)], draws=2_000)
    >>> [o.label for o in c.options], c.row("cost_micro").differences
    (['Microlearning', 'Microlearning'], (0.0, -600.0))
    >>> roi = c.row("roi_claimed")
    >>> roi.differences[0], math.isclose(roi.differences[1], roi.values[1] - roi.values[0])
    (0.0, True)
    """
    scenarios = tuple(scenarios)
    if not scenarios:
        raise ValueError("Choose at least one scenario to compare.")
    if len(scenarios) > MAX_SCENARIOS:
        raise ValueError(
            f"Compare at most {MAX_SCENARIOS} scenarios at a time; {len(scenarios)} were chosen."
        )
    # each plan on its own basis (all_returns keeps them: the verdicts read the same returns)
    screen = tuple(all_returns(s) for s in scenarios)
    runs = [simulate(s, draws, seed, "triangular", dict(ranges or {})) for s in scenarios]
    verdicts = tuple(recommendation(s, run) for s, run in zip(scenarios, runs, strict=True))
    options = tuple(v.leading if option is None else option for v in verdicts)
    # the other basis of each plan (its own basis is `screen`: not evaluated twice)
    other = [all_returns(s.with_changes(conservative=not s.conservative)) for s in scenarios]
    claimed = [o if s.conservative else r for s, r, o in zip(scenarios, screen, other, strict=True)]
    defensible = [r if s.conservative else o for s, r, o in zip(scenarios, screen, other, strict=True)]
    loss = [run.probability_loss(o) for run, o in zip(runs, options, strict=True)]
    cur = [s.currency for s in scenarios]
    pick = list(zip(options, range(len(scenarios)), strict=True))
    rows = (
        _row("roi_claimed", "ROI as claimed", "ROI", [_finite(claimed[i][o].roi_pct) for o, i in pick], cur),
        _row("roi_defensible", "ROI, defensible", "ROI", [_finite(defensible[i][o].roi_pct) for o, i in pick], cur),
        _row("npv", "Net present value", "money", [_finite(screen[i][o].npv) for o, i in pick], cur),
        _row(
            "payback", "Payback (discounted)", "months",
            [_finite(screen[i][o].discounted_payback_month) for o, i in pick], cur,
        ),
        _row("cost_micro", f"Cost, {Format.MICRO.label.lower()}", "money",
             [_finite(r[Option.MICRO].costs) for r in screen], cur),
        _row("cost_ilt", f"Cost, {Format.ILT.label.lower()}", "money",
             [_finite(r[Option.ILT].costs) for r in screen], cur),
        _row("chance_of_loss", "Chance of loss", "chance", [100.0 * p for p in loss], cur),
    )  # fmt: skip
    return Comparison(scenarios, verdicts, options, screen, rows)


def kpi_rows(scenarios: Sequence[Scenario], option: Option | None = None) -> tuple[KpiRow, ...]:
    """The KPI rows of `compare` (10,000 seeded draws for the chance of loss)."""
    return compare(scenarios, option).rows
