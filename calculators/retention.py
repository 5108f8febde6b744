"""Knowledge retention: forgetting curves, calibration, spaced nudges, mean retention.

Three curve families (t in days since the last learning event):

    exponential   R(t) = e^(−t/S)                     S: stability in days
    power law     R(t) = (1 + t)^(−a)                 a: decay exponent
    FSRS-style    R(t) = (1 + (19/81)·t/S)^(−0.5)     S: stability in days

Each family's parameter is calibrated so that R(day_ref) equals the retention assumption
(seed 000: 75 % for microlearning, 35 % for an eight-hour workshop, at day 30 by default).

Spaced reinforcement: a nudge every k days resets retention to 1 and multiplies stability
by a spacing gain g (for the power law the exponent is divided by g). Mean retention over
a horizon is the area under the curve divided by the horizon, computed in closed form
segment by segment, so any number of nudges is one vectorised call.

>>> s = calibrate(CurveFamily.EXPONENTIAL, retained=0.75, day=30)
>>> round(s, 2), round(float(retention(CurveFamily.EXPONENTIAL, s, 30)), 6)
(104.28, 0.75)
>>> round(two_point_stability(30, 0.75, 90, 0.5), 2)  # S = (90 − 30) / ln(0.75 / 0.5)
147.98
"""

from __future__ import annotations

import math
from enum import StrEnum

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
FSRS_FACTOR = 19 / 81
MAX_STABILITY_DAYS = 1e7  # nudges cannot make memory last longer than this
MIN_POWER_EXPONENT = 1e-9


class CurveFamily(StrEnum):
    """Forgetting-curve family; the choice changes the 90-day value a lot, so it is an input."""

    EXPONENTIAL = "exponential"
    POWER = "power law"
    FSRS = "FSRS-style"


def retention(family: CurveFamily, parameter: float, days: FloatArray | float) -> FloatArray:
    """Share of knowledge retained `days` after learning (1 at day 0, never increasing).

    >>> retention(CurveFamily.POWER, 0.5, np.array([0, 3])).tolist()
    [1.0, 0.5]
    >>> retention(CurveFamily.FSRS, 9.0, 81 / 19 * 9 * 3).item()  # (1 + 3)^(−1/2)
    0.5
    """
    t = np.maximum(np.asarray(days, dtype=np.float64), 0.0)
    if family is CurveFamily.EXPONENTIAL:
        return np.exp(-t / parameter)
    if family is CurveFamily.POWER:
        return (1.0 + t) ** (-parameter)
    return (1.0 + FSRS_FACTOR * t / parameter) ** -0.5


def calibrate(family: CurveFamily, retained: float, day: float) -> float:
    """The family's parameter that makes R(day) = retained (0 < retained < 1, day > 0).

    exponential: S = −day / ln(R);  power law: a = −ln(R) / ln(1 + day);
    FSRS-style: S = (19/81)·day / (R^(−2) − 1). A retention of 1 (nothing forgotten)
    is capped at the longest stability the model allows.

    >>> round(calibrate(CurveFamily.POWER, 0.35, 30), 4)
    0.3057
    >>> round(calibrate(CurveFamily.FSRS, 0.35, 30), 3)
    0.982
    """
    if retained >= 1:
        return MIN_POWER_EXPONENT if family is CurveFamily.POWER else MAX_STABILITY_DAYS
    if family is CurveFamily.EXPONENTIAL:
        return min(-day / math.log(retained), MAX_STABILITY_DAYS)
    if family is CurveFamily.POWER:
        return max(-math.log(retained) / math.log1p(day), MIN_POWER_EXPONENT)
    return min(FSRS_FACTOR * day / (retained**-2 - 1.0), MAX_STABILITY_DAYS)


def _segment_parameters(family: CurveFamily, parameter: float, gain: float, count: int) -> FloatArray:
    """Parameter of each segment between nudges: S·g^n (or a / g^n), kept within limits."""
    n = np.arange(count, dtype=np.float64)
    if family is CurveFamily.POWER:
        log_a = math.log(parameter) - n * math.log(gain)
        return np.exp(np.maximum(log_a, math.log(MIN_POWER_EXPONENT)))
    log_s = math.log(parameter) + n * math.log(gain)
    return np.exp(np.minimum(log_s, math.log(MAX_STABILITY_DAYS)))


def segment_area(family: CurveFamily, parameter: FloatArray, length: FloatArray | float) -> FloatArray:
    """∫_0^length R(t) dt for each segment, in closed form (days)."""
    if family is CurveFamily.EXPONENTIAL:
        return parameter * -np.expm1(-length / parameter)
    if family is CurveFamily.POWER:
        a = parameter
        log_end = np.log1p(length)
        near_one = np.abs(1.0 - a) < 1e-9
        safe = np.where(near_one, 0.5, 1.0 - a)
        general = np.expm1(safe * log_end) / safe
        return np.where(near_one, log_end, general)
    c = FSRS_FACTOR / parameter
    return 2.0 / c * (np.sqrt(1.0 + c * length) - 1.0)


def _nudge_layout(horizon_days: float, every_days: float | None) -> tuple[int, FloatArray]:
    if not every_days or every_days <= 0 or every_days >= horizon_days:
        return 1, np.array([horizon_days], dtype=np.float64)
    full = int(horizon_days // every_days)
    rest = horizon_days - full * every_days
    lengths = np.full(full, float(every_days))
    if rest > 1e-12:
        lengths = np.append(lengths, rest)
    return lengths.size, lengths


def mean_retention(
    family: CurveFamily,
    parameter: float,
    horizon_days: float,
    every_days: float | None = None,
    gain: float = 1.0,
) -> float:
    """Average retention over `horizon_days` (area under the curve / horizon), in 0..1.

    With `every_days` set, a nudge at each multiple of it resets retention to 1 and
    multiplies stability by `gain`.

    >>> s = calibrate(CurveFamily.EXPONENTIAL, 0.75, 30)
    >>> round(mean_retention(CurveFamily.EXPONENTIAL, s, 365), 4)  # S(1 − e^(−365/S)) / 365
    0.2771
    >>> round(mean_retention(CurveFamily.EXPONENTIAL, s, 365, every_days=7, gain=1.2), 4)
    0.9962
    """
    if horizon_days <= 0:
        return 1.0
    count, lengths = _nudge_layout(horizon_days, every_days)
    params = _segment_parameters(family, parameter, gain, count)
    value = float(np.sum(segment_area(family, params, lengths)) / horizon_days)
    return min(max(value, 0.0), 1.0)


def retention_curve(
    family: CurveFamily,
    parameter: float,
    days: FloatArray,
    every_days: float | None = None,
    gain: float = 1.0,
) -> FloatArray:
    """Retention at each day in `days` with nudges (a sawtooth), for charts.

    >>> curve = retention_curve(CurveFamily.EXPONENTIAL, 10.0, np.array([0, 5, 10, 15]), every_days=10)
    >>> [round(x, 3) for x in curve.tolist()]
    [1.0, 0.607, 1.0, 0.607]
    """
    t = np.asarray(days, dtype=np.float64)
    if not every_days or every_days <= 0:
        return retention(family, parameter, t)
    segment = np.floor(t / every_days)
    count = int(segment.max()) + 1 if t.size else 1
    params = _segment_parameters(family, parameter, gain, count)[segment.astype(np.int64)]
    since = t - segment * every_days
    return retention(family, params, since)


def nudges_in(horizon_days: float, every_days: float | None) -> int:
    """How many nudges fall inside the horizon (at k, 2k, … strictly before its end).

    >>> nudges_in(365, 7), nudges_in(365, None), nudges_in(14, 7)
    (52, 0, 1)
    """
    if not every_days or every_days <= 0:
        return 0
    return max(math.ceil(horizon_days / every_days) - 1, 0)


def two_point_stability(t1: float, r1: float, t2: float, r2: float) -> float | None:
    """Exponential stability from two measurements: S = (t2 − t1) / ln(R1 / R2).

    None when the data show no forgetting (R2 ≥ R1), or the days are not in order, or a
    retention is not in (0, 1].

    >>> two_point_stability(30, 0.5, 90, 0.6) is None
    True
    """
    if not (0 < r2 < r1 <= 1) or t2 <= t1:
        return None
    value = (t2 - t1) / math.log(r1 / r2)
    return value if math.isfinite(value) else None
