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


def _out(x: FloatArray) -> FloatArray | float:
    """A plain float for scalar input, the array otherwise (numpy-financial's convention)."""
    return float(x) if np.ndim(x) == 0 else x


def calibrate(
    family: CurveFamily, retained: FloatArray | float, day: FloatArray | float
) -> FloatArray | float:
    """The family's parameter that makes R(day) = retained (0 < retained ≤ 1, day > 0).

    exponential: S = −day / ln(R);  power law: a = −ln(R) / ln(1 + day);
    FSRS-style: S = (19/81)·day / (R^(−2) − 1). A retention of 1 (nothing forgotten)
    is capped at the longest stability the model allows. Broadcasts over arrays of
    retention assumptions and days; a scalar in gives a float out.

    >>> round(calibrate(CurveFamily.POWER, 0.35, 30), 4)
    0.3057
    >>> round(calibrate(CurveFamily.FSRS, 0.35, 30), 3)
    0.982
    >>> np.round(calibrate(CurveFamily.EXPONENTIAL, np.array([0.75, 1.0]), 30), 2).tolist()
    [104.28, 10000000.0]
    """
    r = np.minimum(np.asarray(retained, dtype=np.float64), 1.0)
    d = np.asarray(day, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        if family is CurveFamily.EXPONENTIAL:
            p = np.where(r >= 1, MAX_STABILITY_DAYS, np.minimum(-d / np.log(r), MAX_STABILITY_DAYS))
        elif family is CurveFamily.POWER:
            p = np.where(r >= 1, MIN_POWER_EXPONENT, np.maximum(-np.log(r) / np.log1p(d), MIN_POWER_EXPONENT))
        else:
            p = np.where(
                r >= 1, MAX_STABILITY_DAYS, np.minimum(FSRS_FACTOR * d / (r**-2.0 - 1.0), MAX_STABILITY_DAYS)
            )
    return _out(p)


def _segment_parameters(
    family: CurveFamily, parameter: FloatArray | float, gain: FloatArray | float, n: FloatArray
) -> FloatArray:
    """Parameter of the n-th segment between nudges: S·g^n (or a / g^n), kept within limits.

    Broadcasts `parameter` and `gain` against the segment numbers `n`."""
    log_p, log_g = np.log(parameter), np.log(gain)
    if family is CurveFamily.POWER:
        return np.exp(np.maximum(log_p - n * log_g, math.log(MIN_POWER_EXPONENT)))
    return np.exp(np.minimum(log_p + n * log_g, math.log(MAX_STABILITY_DAYS)))


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


MAX_BLOCK = 2_000_000  # draws × segments evaluated at once: bounds memory for 10^6 draws


def mean_retention(
    family: CurveFamily,
    parameter: FloatArray | float,
    horizon_days: float,
    every_days: float | None = None,
    gain: FloatArray | float = 1.0,
) -> FloatArray | float:
    """Average retention over `horizon_days` (area under the curve / horizon), in 0..1.

    With `every_days` set, a nudge at each multiple of it resets retention to 1 and
    multiplies stability by `gain`. `parameter` and `gain` broadcast (one value per
    Monte Carlo draw); the horizon and the nudge interval are one layout for all.

    >>> s = calibrate(CurveFamily.EXPONENTIAL, 0.75, 30)
    >>> round(mean_retention(CurveFamily.EXPONENTIAL, s, 365), 4)  # S(1 − e^(−365/S)) / 365
    0.2771
    >>> round(mean_retention(CurveFamily.EXPONENTIAL, s, 365, every_days=7, gain=1.2), 4)
    0.9962
    """
    p = np.asarray(parameter, dtype=np.float64)
    g = np.asarray(gain, dtype=np.float64)
    shape = np.broadcast_shapes(p.shape, g.shape)
    if horizon_days <= 0:
        return _out(np.ones(shape))
    count, lengths = _nudge_layout(horizon_days, every_days)
    if count == 1:
        area = segment_area(family, np.broadcast_to(p, shape), horizon_days)
    else:
        flat_p = np.broadcast_to(p, shape).reshape(-1, 1)
        flat_g = np.broadcast_to(g, shape).reshape(-1, 1)
        n = np.arange(count, dtype=np.float64)[None, :]
        rows = max(1, MAX_BLOCK // count)
        area = np.empty(flat_p.shape[0])
        for start in range(0, flat_p.shape[0], rows):
            block = slice(start, start + rows)
            params = _segment_parameters(family, flat_p[block], flat_g[block], n)
            area[block] = segment_area(family, params, lengths[None, :]).sum(axis=1)
        area = area.reshape(shape)
    return _out(np.clip(area / horizon_days, 0.0, 1.0))


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
    params = _segment_parameters(family, parameter, gain, segment)
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


# --- skills on the job: a floor, a half-life, month by month ------------------------------------

MONTH_DAYS = 365.0 / 12.0


def _flattened(*values: FloatArray | float) -> tuple[tuple[int, ...], list[FloatArray]]:
    """The broadcast shape of per-draw values (parameter, gain, floor, …) and each of them
    broadcast to it and flattened to one row per point."""
    arrays = [np.asarray(v, dtype=np.float64) for v in values]
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    return shape, [np.broadcast_to(a, shape).reshape(-1) for a in arrays]


def skill_parameter(family: CurveFamily, half_life_days: FloatArray | float) -> FloatArray | float:
    """The family's parameter for a skill whose retained share of the trained gain is

        ρ(t) = floor + (1 − floor)·R(t),    R(half-life) = 1/2:

    the floor is kept for good (where the curve levels off: Averell & Heathcote 2011; Bahrick
    1984's "permastore") and half of the part that fades is lost at the half-life. The curve R
    does not read the floor, so a higher floor keeps more of the gain in every month.

    11 months (335 days), exponential: S = 335 / ln 2:

    >>> s = skill_parameter(CurveFamily.EXPONENTIAL, 335.0)
    >>> round(s, 1), round(float(retention(CurveFamily.EXPONENTIAL, s, 335.0)), 6)
    (483.3, 0.5)
    """
    return calibrate(family, 0.5, half_life_days)


def days_until(
    family: CurveFamily, parameter: FloatArray | float, retained: FloatArray | float
) -> FloatArray | float:
    """The day on which R falls to `retained` (0 < retained ≤ 1): `retention`'s inverse.

    exponential: t = −S·ln r;  power law: t = r^(−1/a) − 1;  FSRS-style: t = (r^(−2) − 1)·S·81/19.

    >>> [round(days_until(f, calibrate(f, 0.35, 30.0), 0.35), 9) for f in CurveFamily]
    [30.0, 30.0, 30.0]
    """
    p = np.asarray(parameter, dtype=np.float64)
    r = np.asarray(retained, dtype=np.float64)
    if family is CurveFamily.EXPONENTIAL:
        return _out(-p * np.log(r))
    if family is CurveFamily.POWER:
        return _out(np.expm1(-np.log(r) / p))
    return _out((r**-2.0 - 1.0) * p / FSRS_FACTOR)


def fading_half_life(
    family: CurveFamily, half_lost_days: FloatArray | float, floor: FloatArray | float
) -> FloatArray | float:
    """The half-life of the fading part (`skill_parameter`'s) of a curve that has lost half of
    the whole gain after `half_lost_days`, `floor` (0 ≤ floor < 1/2) being kept for good: the
    curve through R(half_lost_days) = (1/2 − floor) / (1 − floor), read where R = 1/2. A study's
    "half of the gain lost after 11 months" with 20 % kept for good, exponential:
    11 × ln 2 / ln(0.8 / 0.3) = 7.77 months. Days in, days out (the power law's (1 + t) reads
    days; the exponential's answer is the same in any unit).

    >>> round(fading_half_life(CurveFamily.EXPONENTIAL, 11.0, 0.2), 2), fading_half_life(CurveFamily.POWER, 11.0, 0.0)
    (7.77, 11.0)
    """
    f = np.minimum(np.asarray(floor, dtype=np.float64), 0.49)
    parameter = calibrate(family, (0.5 - f) / (1.0 - f), half_lost_days)
    return days_until(family, parameter, 0.5)


def half_lost_after(
    family: CurveFamily, half_life_days: FloatArray | float, floor: FloatArray | float
) -> FloatArray | float:
    """Days until half of the whole gain is lost, ρ = 1/2 (`fading_half_life`'s inverse): the
    fading part's half-life when nothing is kept for good, longer with a floor, +inf from a
    floor of one half.

    >>> round(half_lost_after(CurveFamily.EXPONENTIAL, 7.7735, 0.2), 2), half_lost_after(CurveFamily.FSRS, 5.0, 0.5)
    (11.0, inf)
    """
    f = np.asarray(floor, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        target = np.where(f < 0.5, (0.5 - f) / (1.0 - f), np.nan)
        days = days_until(family, skill_parameter(family, half_life_days), target)
    return _out(np.where(f < 0.5, days, np.inf))


def cumulative_area(
    family: CurveFamily,
    parameter: FloatArray | float,
    boundaries: FloatArray,
    every_days: float | None = None,
    gain: FloatArray | float = 1.0,
    floor: FloatArray | float = 0.0,
) -> FloatArray:
    """∫_0^t ρ(u) du at each of the days `boundaries` (ascending, ≥ 0), ρ = floor + (1 − floor)·R,
    with a nudge at each multiple of `every_days` (reset to 1, stability × gain, as
    `mean_retention`). `parameter`, `gain` and `floor` broadcast (one value per draw): the
    result has their shape followed by one column per boundary.

    >>> area = cumulative_area(CurveFamily.EXPONENTIAL, 10.0, np.array([0.0, 10.0, 20.0]), every_days=10)
    >>> np.round(area, 4).tolist()  # two equal segments of 10·(1 − e^(−1)) = 6.3212
    [0.0, 6.3212, 12.6424]
    >>> round(float(cumulative_area(CurveFamily.EXPONENTIAL, 10.0, np.array([1e6]), floor=0.2)[0]), 1)
    200008.0
    """
    t = np.asarray(boundaries, dtype=np.float64)
    shape, (flat_p, flat_g, flat_f) = _flattened(parameter, gain, floor)
    flat_p, flat_g, flat_f = flat_p[:, None], flat_g[:, None], flat_f[:, None]
    horizon = float(t.max()) if t.size else 0.0
    if not every_days or every_days <= 0 or every_days >= horizon:
        area = segment_area(family, flat_p, t[None, :])
    else:
        count = int(horizon // every_days) + 1
        n = np.arange(count, dtype=np.float64)[None, :]
        segment = np.minimum(np.floor(t / every_days), count - 1).astype(int)
        offset = t - segment * every_days
        rows = max(1, MAX_BLOCK // max(count, t.size))
        area = np.empty((flat_p.shape[0], t.size))
        for start in range(0, flat_p.shape[0], rows):
            block = slice(start, start + rows)
            params = _segment_parameters(family, flat_p[block], flat_g[block], n)
            full = segment_area(family, params, float(every_days))
            before = np.concatenate([np.zeros((full.shape[0], 1)), np.cumsum(full, axis=1)], axis=1)
            area[block] = before[:, segment] + segment_area(family, params[:, segment], offset[None, :])
    area = flat_f * t[None, :] + (1.0 - flat_f) * area
    return area.reshape(*shape, t.size)


def monthly_retention(
    family: CurveFamily,
    parameter: FloatArray | float,
    months: int,
    every_days: float | None = None,
    gain: FloatArray | float = 1.0,
    floor: FloatArray | float = 0.0,
) -> FloatArray:
    """The share of the trained gain retained in each month 1..`months` (its mean over the
    month: the area under ρ over the month / the month's 365/12 days), in 0..1.

    A month's benefit is the annual benefit / 12 × this share, so benefits decline month by
    month and a shorter benefit period is the first months of the same stream.

    >>> np.round(monthly_retention(CurveFamily.EXPONENTIAL, 365.0 / 12, 3), 4).tolist()  # S = 1 month
    [0.6321, 0.2325, 0.0855]
    >>> np.round(monthly_retention(CurveFamily.EXPONENTIAL, 365.0 / 12, 2, floor=0.5), 4).tolist()
    [0.8161, 0.6163]
    """
    shape, _ = _flattened(parameter, gain, floor)
    by_month = monthly_retention_by_month(family, parameter, months, every_days, gain, floor)
    return np.moveaxis(by_month.reshape(months, *shape), 0, -1)


def monthly_retention_by_month(
    family: CurveFamily,
    parameter: FloatArray | float,
    months: int,
    every_days: float | None = None,
    gain: FloatArray | float = 1.0,
    floor: FloatArray | float = 0.0,
) -> FloatArray:
    """`monthly_retention` with the months down the rows and the points (flattened) across:
    the layout the model's running totals read. The exponential curve without nudges is a
    geometric series month by month (each month's mean is the last one's × e^(−Δ/S), Δ the
    month's days), so it takes one multiplication a month instead of an exponential a point.

    >>> np.round(monthly_retention_by_month(CurveFamily.EXPONENTIAL, np.array([365.0 / 12]), 3), 4).tolist()
    [[0.6321], [0.2325], [0.0855]]
    """
    shape, (flat_p, flat_g, floors) = _flattened(parameter, gain, floor)
    size = flat_p.size
    flat_f = floors[None, :]
    nudged = every_days and 0 < every_days < months * MONTH_DAYS
    if not nudged and family is CurveFamily.EXPONENTIAL:
        q = np.exp(-MONTH_DAYS / flat_p)
        out = np.empty((months, size))
        if months:
            out[0] = flat_p / MONTH_DAYS * -np.expm1(-MONTH_DAYS / flat_p)  # the first month's mean
            for m in range(1, months):
                np.multiply(out[m - 1], q, out=out[m])
    elif not nudged:
        edges = np.arange(months + 1, dtype=np.float64)[:, None] * MONTH_DAYS
        out = np.diff(segment_area(family, flat_p[None, :], edges), axis=0) / MONTH_DAYS
    else:
        edges = np.arange(months + 1, dtype=np.float64) * MONTH_DAYS
        area = cumulative_area(family, flat_p, edges, every_days, flat_g, 0.0)
        out = np.ascontiguousarray(np.diff(area, axis=-1).T) / MONTH_DAYS
    out = flat_f + (1.0 - flat_f) * out
    return np.clip(out, 0.0, 1.0, out=out)
