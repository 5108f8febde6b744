"""Compare scenarios: the headline figures side by side, and why one plan's ROI differs from another's.

**Attribution.** The difference in a measure m (ROI in percent, or net present value in
money) of one option between a base plan B and another plan P is split over the inputs that
differ, by replacing them one at a time, in a fixed order, and recording each step:

    S_0 = B,   S_k = S_(k−1) with step k's inputs taken from P,   S_K = P

    change_k = m(S_k) − m(S_(k−1)),      Σ_k change_k = m(P) − m(B)      (a telescoping sum)

    share_k = change_k / (m(P) − m(B))   (none when the plans' values are equal)

Each intermediate S_k is a real, validated `Scenario`: the model reads it exactly as it
reads a plan of its own, switches included (`calculators.model.effective`). All of them are
evaluated through the one model core, `calculators.model.evaluate`, in one array call per
distinct combination of the on/off switches and choices they hold (numbers go in as arrays).

**The order** is fixed, by model stage (`STAGES`): scale (learners), costs, benefits,
adjustments (completion, attribution, application, retention), the blended mix, time
(horizon, discount rate), then the basis switches (Conservative, Skeptic), then what moves
no figure (currency, the best-mix rule, the close-call band). So every input's effect is
measured on the base plan's basis, and a change of basis is measured last, with all of the
other plan's inputs in place. With a different order, each step's share can differ (the
model is not additive: learners multiply benefits); the sum never does.

**Groups.** Each changed input is its own step, except that a switch that changes takes the
inputs it governs with it: turning a benefit stream on *with* its figures is one step, as
are Fully loaded costs with learner time, classes and refresh, Weight benefits by retention
with the retention inputs, and Conservative with the confidence figure. When a switch is the
same in both plans, its inputs are steps of their own. When ROI does not exist at an
intermediate point (nothing costs anything, so there is no ratio), that step is merged with
the next, so the sum still holds.

**Which option is explained.** By default, the option the base plan recommends (its verdict
on its own basis, as the Executive summary states it); the `Attribution` also records the
other plan's recommendation, so the explanation can say when it changes.

**Side by side.** `compare` gives, per plan, claimed and defensible ROI, net present value,
discounted payback month, the cost of each format and the chance of loss (seeded Monte Carlo
within the default uncertainty ranges), each with its difference from the first plan.

Worked example: seed 002's defaults (1,000 learners; microlearning costs $33,000 and
keeps $42,497 of benefits, ROI 28.8 %) against the same plan with 800 learners: costs
$30,000 + 800 × $3 = $32,400, benefits 0.8 × $42,497 = $33,998, ROI 4.9 %. One input
changed, so it carries the whole difference:

>>> from calculators.scenario import Scenario
>>> a = attribute(Scenario(), Scenario(learners=800))
>>> a.option.label, round(a.base_value, 1), round(a.other_value, 1), round(a.total, 1)
('Microlearning', 28.8, 4.9, -23.8)
>>> [(s.fields, s.before, s.after, round(s.change, 1), s.share) for s in a.steps]
[(('learners',), (1000,), (800,), -23.8, 1.0)]

Two changes: 2,000 learners and delivery at $6 instead of $3. Learners first: $36,000 of
costs against $84,994 of benefits, ROI 136.1 % (+107.3 points); then delivery: $42,000 of
costs, ROI 102.4 % (−33.7 points). The steps sum to the total, 73.6 points; a step that
works against the total has a negative share, so others can exceed 100 %:

>>> a = attribute(Scenario(), Scenario(learners=2_000, micro_cost_per_learner=6.0))
>>> [(s.fields[0], round(s.change, 1), round(100 * s.share)) for s in a.steps]
[('learners', 107.3, 146), ('micro_cost_per_learner', -33.7, -46)]
>>> round(a.total, 1), math.isclose(sum(s.change for s in a.steps), a.total)
(73.6, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from calculators.model import Option, effective, evaluate
from calculators.roi import Returns, all_returns
from calculators.scenario import INPUTS, Format, Scenario
from calculators.simulation import MonteCarlo, monte_carlo
from calculators.summary import Verdict, verdict_of

Measure = Literal["ROI", "NPV"]
# The basis the measure is taken on: each plan as it is set (Conservative on or off), or
# both plans as claimed (Conservative off), or both defensible (Conservative on).
Basis = Literal["as set", "claimed", "defensible"]
MAX_SCENARIOS = 4
KPI_DRAWS = 10_000
KPI_SEED = 2026

# A tuple is a switch followed by the inputs it governs (one step when the switch changes).
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
"""Every scenario input once, in the order the attribution replaces them."""

# Numbers go into the model as arrays; switches and choices select a separate evaluation.
_NUMERIC = tuple(n for n in INPUTS if Scenario.model_fields[n].annotation in (int, float))
_CHOICES = tuple(n for n in INPUTS if n not in _NUMERIC)


@dataclass(frozen=True)
class Step:
    """One step of the attribution: `fields` take the other plan's values.

    `before` and `after` are the values the model reads for those fields just before and
    after the step (the Skeptic switch may have replaced a vendor figure); `change` is the
    measure after the step minus before it (ROI points, or money); `share` its part of the
    total difference (None when the plans' values are equal, so there is nothing to share).
    """

    fields: tuple[str, ...]
    before: tuple[Any, ...]
    after: tuple[Any, ...]
    change: float
    share: float | None


@dataclass(frozen=True)
class Attribution:
    """Why `option`'s `measure` differs between two plans, step by step (module docstring).

    `base_value` and `other_value` are None when the measure does not exist for that plan
    (ROI of an option that costs nothing); `steps` is then empty and `total` None.
    `path` is the measure after each step, starting at the base (NaN where it does not exist).
    """

    option: Option
    measure: Measure
    basis: Basis
    base_value: float | None
    other_value: float | None
    steps: tuple[Step, ...]
    path: tuple[float, ...]
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


def recommendation(scenario: Scenario) -> Verdict:
    """The plan's verdict on its own basis (defensible when Conservative is on, else as
    claimed), from the same returns and rule as the Executive summary's headline.

    >>> recommendation(Scenario()).best.label
    'Microlearning'
    """
    return verdict_of(all_returns(scenario), scenario.close_call_pct)


def _on_basis(scenario: Scenario, basis: Basis) -> Scenario:
    if basis == "as set":
        return scenario
    return scenario.with_changes(conservative=basis == "defensible")


def _steps(base: Scenario, other: Scenario) -> list[tuple[str, ...]]:
    """The changed inputs, grouped into steps, in `ATTRIBUTION_ORDER`."""
    steps: list[tuple[str, ...]] = []
    for _, slots in STAGES:
        for slot in slots:
            changed = tuple(f for f in _slot_fields(slot) if getattr(base, f) != getattr(other, f))
            if not changed:
                continue
            if isinstance(slot, tuple) and changed[0] == slot[0]:  # the switch changes: one step
                steps.append(changed)
            else:
                steps.extend((f,) for f in changed)
    return steps


def _read(scenario: Scenario) -> Scenario:
    """The scenario with its switches applied, as the model reads it, and the Skeptic switch
    spent (its values are in place), so numbers passed as arrays are not replaced again."""
    s = effective(scenario)
    return s.with_changes(skeptic=False) if s.skeptic else s


def measure_of(states: Sequence[Scenario], option: Option, measure: Measure) -> np.ndarray:
    """`measure` of `option` for each scenario (ROI in percent, NaN where it does not exist;
    NPV in money): one model call per distinct combination of switches and choices.

    >>> measure_of([Scenario(), Scenario(learners=800)], Option.MICRO, "ROI").round(1).tolist()
    [28.8, 4.9]
    """
    read = [_read(s) for s in states]
    out = np.full(len(read), np.nan)
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, r in enumerate(read):
        groups.setdefault(tuple(getattr(r, f) for f in _CHOICES), []).append(i)
    for index in groups.values():
        values: dict[str, np.ndarray] = {}
        for f in _NUMERIC:
            column = np.array([float(getattr(read[i], f)) for i in index])
            if np.any(column != column[0]):
                values[f] = column
        outcome = evaluate(read[index[0]], values, (option,))[option]
        result = outcome.roi_pct if measure == "ROI" else outcome.npv
        out[index] = np.broadcast_to(result, (len(index),))
    return out


def attribute(
    base: Scenario,
    other: Scenario,
    option: Option | None = None,
    measure: Measure = "ROI",
    basis: Basis = "as set",
) -> Attribution:
    """Split the difference in `option`'s `measure` between `base` and `other` over the
    inputs that differ (module docstring: the order, the groups, the telescoping sum).

    `option` defaults to the option the base plan recommends.

    >>> a = attribute(Scenario(), Scenario())
    >>> a.total, a.steps
    (0.0, ())
    >>> a = attribute(Scenario(), Scenario(conservative=True), measure="NPV")
    >>> [s.fields for s in a.steps], round(a.total)
    ([('conservative',)], -21122)
    """
    base_rec, other_rec = recommendation(base).best, recommendation(other).best
    chosen = base_rec if option is None else option
    b, o = _on_basis(base, basis), _on_basis(other, basis)
    groups = _steps(b, o)
    states = [b]
    current = b.model_dump()
    target = o.model_dump()
    for fields in groups:
        current.update({f: target[f] for f in fields})
        states.append(Scenario.model_validate(current))
    path = measure_of(states, chosen, measure)
    shown = [effective(s) for s in states]  # what the model reads, switches as set
    first, last = float(path[0]), float(path[-1])
    common = dict(
        option=chosen, measure=measure, basis=basis, path=tuple(float(v) for v in path),
        base_recommends=base_rec, other_recommends=other_rec, currencies=(base.currency, other.currency),
    )  # fmt: skip
    if not (math.isfinite(first) and math.isfinite(last)):
        return Attribution(
            base_value=first if math.isfinite(first) else None,
            other_value=last if math.isfinite(last) else None,
            steps=(),
            **common,  # type: ignore[arg-type]
        )
    total = last - first
    steps: list[Step] = []
    since, pending = 0, ()  # the last state where the measure exists, and the steps since
    for k, fields in enumerate(groups, start=1):
        pending += fields
        if not math.isfinite(path[k]):
            continue  # no value here (ROI without cost): merged with the next step
        change = float(path[k] - path[since])
        steps.append(
            Step(
                fields=pending,
                before=tuple(getattr(shown[since], f) for f in pending),
                after=tuple(getattr(shown[k], f) for f in pending),
                change=change,
                share=change / total if total != 0 else None,
            )
        )
        since, pending = k, ()
    return Attribution(base_value=first, other_value=last, steps=tuple(steps), **common)  # type: ignore[arg-type]


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
    verdicts: tuple[Verdict, ...]
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
    >>> [o.label for o in c.options], [round(v, 1) for v in c.row("roi_claimed").values]
    (['Microlearning', 'Microlearning'], [28.8, 4.9])
    >>> round(c.row("roi_claimed").differences[1], 1), c.row("cost_micro").differences
    (-23.8, (0.0, -600.0))
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
    verdicts = tuple(recommendation(s) for s in scenarios)
    options = tuple(v.best if option is None else option for v in verdicts)
    # the other basis of each plan (its own basis is `screen`: not evaluated twice)
    other = [all_returns(s.with_changes(conservative=not s.conservative)) for s in scenarios]
    claimed = [o if s.conservative else r for s, r, o in zip(scenarios, screen, other, strict=True)]
    defensible = [r if s.conservative else o for s, r, o in zip(scenarios, screen, other, strict=True)]
    loss = [
        simulate(s, draws, seed, "triangular", dict(ranges or {})).probability_loss(o)
        for s, o in zip(scenarios, options, strict=True)
    ]
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
