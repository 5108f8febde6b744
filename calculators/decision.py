"""Decision matrix: seed 002's qualitative ratings, the model's cost answer, your weights.

Ratings are words on a 1-5 scale, scored as numbers:

    Very Low 1 · Lower 2 · Moderate 3 · High 4 · Very High 5

Seed 002's matrix gives four criteria (speed to market, retention of micro-skills,
behavioural-change depth, scalability). Two more complete it (PRODUCT.md):

- cost at your scale, computed from the model's total cost of each option over the
  horizon at the scenario's learner count:
      score_o = 3 + 2·log2(C̄ / C_o),  C̄ = √(C_micro · C_ILT)  (geometric mean),
  rounded half up and kept within 1..5. For the two pure formats this is
  3 ± log2(cost ratio): the format half the price of the other scores 4 (High), the other
  2 (Lower); equal costs score 3 each; each further halving moves one more step.
- cultural fit, your own rating (default Moderate for every option).

The blend has no ratings in seed 002, which only claims that blended approaches
"typically produce the best outcomes" (a vendor claim). The matrix does not assume it:
the blend's default rating on each seed criterion is the share-weighted mix of the two
formats' scores, (1 − s)·micro + s·ILT with s the share of learners on the
instructor-led track, rounded half up. Its cost rating comes from the model like the others.

Weighted total of an option = Σ w_c·score_c / Σ w_c, on the same 1-5 scale.

>>> totals = weighted_totals(
...     {c.key: {o: c.seed.get(o, "Moderate") for o in Option} for c in CRITERIA}, {c.key: 1 for c in CRITERIA}
... )
>>> round(totals[Option.MICRO], 2), round(totals[Option.ILT], 2)
(3.67, 3.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from calculators.roi import Option, all_returns
from calculators.scenario import ARTICLE_002, Scenario

RATINGS: tuple[str, ...] = ("Very Low", "Lower", "Moderate", "High", "Very High")
RATING_SCORE: dict[str, int] = {label: i + 1 for i, label in enumerate(RATINGS)}
NEUTRAL = "Moderate"
SEED_002_MATRIX = ARTICLE_002.citation + ", decision matrix (simplified)"


@dataclass(frozen=True)
class Criterion:
    """One row of the matrix: its seed ratings (if any), the seed's own words, and its source."""

    key: str
    label: str
    source: str
    seed: dict[Option, str] = field(default_factory=dict)
    seed_words: dict[Option, str] = field(default_factory=dict)


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "speed",
        "Speed to market",
        SEED_002_MATRIX,
        {Option.MICRO: "High", Option.ILT: "Moderate"},
        {Option.MICRO: "High", Option.ILT: "Moderate"},
    ),
    Criterion(
        "retention",
        "Retention of micro-skills",
        SEED_002_MATRIX,
        {Option.MICRO: "High", Option.ILT: "Moderate"},
        {Option.MICRO: "High with spacing", Option.ILT: "Moderate"},
    ),
    Criterion(
        "depth",
        "Behavioural-change depth",
        SEED_002_MATRIX,
        {Option.MICRO: "Moderate", Option.ILT: "High"},
        {Option.MICRO: "Moderate", Option.ILT: "High"},
    ),
    Criterion(
        "scalability",
        "Scalability",
        SEED_002_MATRIX,
        {Option.MICRO: "Very High", Option.ILT: "Lower"},
        {Option.MICRO: "Very High", Option.ILT: "Lower without investment"},
    ),
    Criterion(
        "cost", "Cost advantage at your scale", "The model: total cost over the horizon at your learner count"
    ),
    Criterion(
        "culture", "Cultural fit", "Your rating: " + ARTICLE_002.short + " says it decides adoption speed"
    ),
)
CRITERION_KEYS = tuple(c.key for c in CRITERIA)


def _round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


def rating_for(score: float) -> str:
    """The rating word nearest to a score (half up), kept within the scale.

    >>> rating_for(3.5), rating_for(0.2), rating_for(9)
    ('High', 'Very Low', 'Very High')
    """
    return RATINGS[min(max(_round_half_up(score), 1), 5) - 1]


def cost_scores(costs: dict[Option, float]) -> dict[Option, float]:
    """Unrounded cost scores: 3 + 2·log2(C̄ / C_o), C̄ the geometric mean of the two pure formats.

    A free option (cost 0) scores the top of the scale; when a pure format is free C̄ is 0
    and every option that costs something scores the bottom.

    >>> s = cost_scores({Option.MICRO: 33_000, Option.ILT: 55_000, Option.BLEND: 47_200})
    >>> {o.value: round(v, 2) for o, v in s.items()}
    {'micro': 3.74, 'ilt': 2.26, 'blend': 2.7}
    >>> cost_scores({Option.MICRO: 10.0, Option.ILT: 20.0})
    {<Option.MICRO: 'micro'>: 4.0, <Option.ILT: 'ilt'>: 2.0}
    """
    reference = math.sqrt(costs[Option.MICRO] * costs[Option.ILT])
    out: dict[Option, float] = {}
    for option, cost in costs.items():
        if cost <= 0:
            out[option] = 5.0
        elif reference <= 0:
            out[option] = 1.0
        else:
            out[option] = min(max(3.0 + 2.0 * math.log2(reference / cost), 1.0), 5.0)
    return out


def option_costs(scenario: Scenario) -> dict[Option, float]:
    """Each option's total cost over the horizon at the scenario's learner count (the model)."""
    return {o: r.costs for o, r in all_returns(scenario).items()}


def blend_rating(micro: str, ilt: str, ilt_share: float) -> str:
    """The blend's default rating: (1 − s)·micro + s·ILT on the 1-5 scale, rounded half up.

    >>> blend_rating("Very High", "Lower", 0.10), blend_rating("Very High", "Lower", 0.5)
    ('Very High', 'High')
    """
    s = min(max(ilt_share, 0.0), 1.0)
    return rating_for((1 - s) * RATING_SCORE[micro] + s * RATING_SCORE[ilt])


def default_ratings(scenario: Scenario) -> dict[str, dict[Option, str]]:
    """Starting ratings per criterion and option: the seed's, the model's cost, a neutral fit.

    >>> r = default_ratings(Scenario())
    >>> r["scalability"][Option.ILT], r["cost"][Option.MICRO], r["cost"][Option.ILT], r["culture"][Option.BLEND]
    ('Lower', 'High', 'Lower', 'Moderate')
    """
    share = scenario.blend_ilt_share_pct / 100
    cost = {o: rating_for(v) for o, v in cost_scores(option_costs(scenario)).items()}
    out: dict[str, dict[Option, str]] = {}
    for c in CRITERIA:
        if c.key == "cost":
            out[c.key] = cost
        elif c.seed:
            micro, ilt = c.seed[Option.MICRO], c.seed[Option.ILT]
            out[c.key] = {Option.MICRO: micro, Option.ILT: ilt, Option.BLEND: blend_rating(micro, ilt, share)}
        else:
            out[c.key] = dict.fromkeys(Option, NEUTRAL)
    return out


def normalised_weights(weights: dict[str, float]) -> dict[str, float] | None:
    """Weights scaled to sum to 1; None when none is positive (nothing to weigh).

    >>> normalised_weights({"speed": 2, "cost": 2, "depth": 0})
    {'speed': 0.5, 'cost': 0.5, 'depth': 0.0}
    >>> normalised_weights({"speed": 0}) is None
    True
    """
    if any(w < 0 or not math.isfinite(w) for w in weights.values()):
        raise ValueError("weights must be finite and not negative")
    total = sum(weights.values())
    if total <= 0:
        return None
    return {k: w / total for k, w in weights.items()}


def weighted_totals(
    ratings: dict[str, dict[Option, str]], weights: dict[str, float]
) -> dict[Option, float] | None:
    """Σ w_c·score_c / Σ w_c for each option rated on every weighted criterion; None if no weight.

    >>> r = {"speed": {Option.MICRO: "High", Option.ILT: "Moderate"},
    ...      "depth": {Option.MICRO: "Moderate", Option.ILT: "High"}}
    >>> weighted_totals(r, {"speed": 3, "depth": 1})
    {<Option.MICRO: 'micro'>: 3.75, <Option.ILT: 'ilt'>: 3.25}
    """
    w = normalised_weights(weights)
    if w is None:
        return None
    options = [o for o in Option if all(o in ratings[k] for k in w)]
    return {o: sum(w[k] * RATING_SCORE[ratings[k][o]] for k in w) for o in options}


def ranking(totals: dict[Option, float]) -> list[Option]:
    """Options from the highest weighted total to the lowest (ties keep Option order)."""
    return sorted(totals, key=lambda o: -round(totals[o], 9))
