"""Uncertainty ranges: low / most likely / high for every uncertain numeric input.

The most likely value is the scenario's own value. Default ranges follow the evidence
grade of the input: the weaker the evidence, the wider the range (relative half-width
A 10 %, B 20 %, C 35 %, D 50 %, your own figure 20 %), clipped to the input's bounds.

Shares stay plausible. A share (an input in % that may go up to 100 %: knowledge
retained, completion, application on the job, share due to training, confidence, ...)
moves down by the same relative step, but up by at most that step of the gap to 100 %:

    low  = p − h·p
    high = p + h·min(p, 100 − p)

so what is lost (forgotten, not completed, not applied) shrinks by at most the same
proportion h that what is kept may shrink. With h < 1 a default range of a share that
lies strictly between 0 % and 100 % never reaches 0 % (nobody remembers anything) or
100 % (nobody forgets anything after a month), neither of which is plausible. Shares at
or below 50 % keep the plain relative range. Example: knowledge retained 75 %, grade C
(h = 35 %): 48.75 % to 83.75 %, not 48.75 % to 100 %.

The user can override any range, up to the input's allowed bounds; overrides are
validated like every other input and travel in the share link as `rng=field:low:high;...`.

>>> from calculators.scenario import Scenario
>>> triangle(Scenario(), "micro_cost_per_learner")  # grade C: ±35 % around $3
(1.95, 3.0, 4.05)
>>> triangle(Scenario(), "micro_retention_pct")  # a share: the high end stays short of 100 %
(48.75, 75.0, 83.75)
>>> encode_ranges({"learners": (800.0, 1500.0)})
'learners:800:1500'
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np

from calculators.codec import InputProblem, _plain_number, allowed_range
from calculators.scenario import INPUTS, Grade, Scenario

HALF_WIDTH: dict[Grade, float] = {
    Grade.A: 0.10,
    Grade.B: 0.20,
    Grade.C: 0.35,
    Grade.D: 0.50,
    Grade.YOURS: 0.20,
}
# Structural choices and decisions are not uncertain quantities: they are not ranged.
NOT_RANGED = frozenset(
    {
        "horizon_years",
        "micro_nudge_days",
        "ilt_nudge_days",
        "retention_reference_day",
        "blend_ilt_share_pct",
        "close_call_pct",  # a decision rule, not an uncertain quantity
    }
)
RANGED_FIELDS: tuple[str, ...] = tuple(
    name
    for name, spec in INPUTS.items()
    if spec.widget in {"slider", "number"} and spec.minimum is not None and name not in NOT_RANGED
)

# Shares: percentages whose allowed range ends at 100 % (the discount rate, 0 to 30 %, is not one).
SHARE_FIELDS: frozenset[str] = frozenset(
    name for name in RANGED_FIELDS if INPUTS[name].unit == "%" and INPUTS[name].maximum == 100
)

Triangle = tuple[float, float, float]


def input_axis(field: str, points: int, span: tuple[float, float] | None = None) -> np.ndarray:
    """Evenly spaced values of an input over `span` (default: its allowed range), whole numbers
    for whole-number inputs.

    >>> input_axis("learners", 5, (1, 9)).tolist()
    [1.0, 3.0, 5.0, 7.0, 9.0]
    """
    spec = INPUTS[field]
    assert spec.minimum is not None and spec.maximum is not None
    lo, hi = span or (float(spec.minimum), float(spec.maximum))
    axis = np.linspace(lo, hi, points)
    return np.unique(np.round(axis)) if isinstance(spec.default, int) else axis


def default_range(scenario: Scenario, field: str) -> tuple[float, float]:
    """(low, high) around the scenario's value, its width set by the evidence grade.

    Low = value × (1 − h), high = value × (1 + h), with h the grade's relative half-width;
    for a share the high end moves at most h of the gap to 100 % (module docstring).
    Both ends are clipped to the input's allowed bounds; whole-number inputs are rounded
    outwards.

    >>> default_range(Scenario(), "micro_retention_pct")  # grade C share: 75 − 26.25, 75 + 0.35 × 25
    (48.75, 83.75)
    >>> default_range(Scenario(), "application_pct")  # grade B share below 50 %: plain ±20 %
    (28.0, 42.0)
    >>> default_range(Scenario(), "learners")  # your figure: ±20 %
    (800.0, 1200.0)
    """
    spec = INPUTS[field]
    assert spec.minimum is not None and spec.maximum is not None
    value = float(getattr(scenario, field))
    half_width = HALF_WIDTH[spec.grade]
    down = up = half_width * abs(value)
    if field in SHARE_FIELDS:
        up = half_width * min(value, 100.0 - value)
    low, high = max(value - down, float(spec.minimum)), min(value + up, float(spec.maximum))
    if isinstance(spec.default, int):
        low, high = float(math.floor(low)), float(math.ceil(high))
    return round(low, 10), round(high, 10)


def triangle(
    scenario: Scenario, field: str, overrides: Mapping[str, tuple[float, float]] | None = None
) -> Triangle:
    """(low, most likely, high) of `field`: an override if given, else the default range.

    The most likely value is always the scenario's; a range that does not contain it is
    widened to do so.
    """
    value = float(getattr(scenario, field))
    low, high = (overrides or {}).get(field) or default_range(scenario, field)
    return min(low, value), value, max(high, value)


def all_triangles(
    scenario: Scenario, overrides: Mapping[str, tuple[float, float]] | None = None
) -> dict[str, Triangle]:
    """Every ranged input's (low, most likely, high); kept for the last 256 scenarios and
    ranges (a simulation, its value of information and its pilots ask several times).

    >>> all_triangles(Scenario())["learners"], all_triangles(Scenario(), {"learners": (10, 20)})["learners"]
    ((800.0, 1000.0, 1200.0), (10, 1000.0, 1000.0))
    """
    return dict(_all_triangles(scenario, ranges_key(overrides)))


def ranges_key(overrides: Mapping[str, Sequence[float]] | None) -> tuple[tuple[str, tuple[float, ...]], ...]:
    """Uncertainty ranges as a hashable, ordered key for the caches (a file or a link may give
    a range as a list).

    >>> ranges_key({"learners": [500, 2_000], "attribution_pct": (40.0, 60.0)})
    (('attribution_pct', (40.0, 60.0)), ('learners', (500, 2000)))
    >>> ranges_key(None)
    ()
    """
    return tuple((f, tuple(r)) for f, r in sorted((overrides or {}).items()))


@lru_cache(maxsize=256)
def _all_triangles(
    scenario: Scenario, overrides: tuple[tuple[str, tuple[float, float]], ...]
) -> tuple[tuple[str, Triangle], ...]:
    ranges = dict(overrides)
    return tuple((f, triangle(scenario, f, ranges)) for f in RANGED_FIELDS)


def validate_range(field: str, low: object, high: object) -> tuple[tuple[float, float] | None, str | None]:
    """Check one range: known field, finite numbers within the field's bounds, low ≤ high.

    >>> validate_range("learners", 10, 5)[1]
    'Learners: the low value 10 is above the high value 5.'
    >>> validate_range("learners", "nan", 5)[1]
    "Learners: range values must be finite numbers; allowed 1 to 100,000 (got 'nan', 5)."
    """
    spec = INPUTS.get(field)
    if spec is None or field not in RANGED_FIELDS:
        return None, f"Ignored range for {str(field)[:40]!r}: not an uncertain input."
    try:
        lo, hi = float(low), float(high)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        lo = hi = math.nan
    if isinstance(low, bool) or isinstance(high, bool) or not (math.isfinite(lo) and math.isfinite(hi)):
        return None, (
            f"{spec.label}: range values must be finite numbers; allowed {allowed_range(spec)} "
            f"(got {_shown(low)}, {_shown(high)})."
        )
    assert spec.minimum is not None and spec.maximum is not None
    if lo < spec.minimum or hi > spec.maximum:
        return None, f"{spec.label}: range {lo:g} to {hi:g} is outside the allowed {allowed_range(spec)}."
    if lo > hi:
        return None, f"{spec.label}: the low value {lo:g} is above the high value {hi:g}."
    return (lo, hi), None


def _shown(x: object) -> str:
    return repr(x[:20]) if isinstance(x, str) else str(x)[:20]


def encode_ranges(overrides: Mapping[str, tuple[float, float]]) -> str:
    """The share-link form of range overrides: `field:low:high` joined by ';' (sorted)."""
    return ";".join(
        f"{f}:{_plain_number(lo)}:{_plain_number(hi)}" for f, (lo, hi) in sorted(overrides.items())
    )


def decode_ranges(text: str) -> tuple[dict[str, tuple[float, float]], list[InputProblem]]:
    """Read `rng=` from a link; every bad part is reported and dropped, never raised.

    >>> decode_ranges("learners:800:1500;bogus:1:2;micro_fixed_cost:5:inf")[0]
    {'learners': (800.0, 1500.0)}
    """
    ranges: dict[str, tuple[float, float]] = {}
    problems: list[InputProblem] = []
    for part in str(text)[:4_000].split(";"):
        if not part.strip():
            continue
        pieces = part.split(":")
        if len(pieces) != 3:
            problems.append(InputProblem("rng", f"Ignored range {part[:40]!r}: expected field:low:high."))
            continue
        checked, message = validate_range(pieces[0], pieces[1], pieces[2])
        if checked is None:
            problems.append(InputProblem("rng", message or "Ignored a range."))
        else:
            ranges[pieces[0]] = checked
    return ranges, problems
