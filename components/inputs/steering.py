"""Inputs people can steer: stepped scales for inputs that span orders of magnitude, and
typed amounts read the way people write them ("$25,000", "25k", "1.5M").

A linear slider over 1..100,000 learners moves ~440 learners per pixel and one learner
per arrow key; the interesting 100..2,000 range is its first few pixels. A stepped scale
(1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5 × 10^k) gives every decade the same room, so 250 and
25,000 are a few arrow presses from 1,000, and any exact value can be typed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

MANTISSAS = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.5)


def stepped_scale(low: float, high: float, whole: bool = True) -> list[float]:
    """Nice values from `low` to `high` (both included), ten a decade.

    >>> stepped_scale(1, 1_000)[:12], stepped_scale(1, 1_000)[-3:]
    ([1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25], [600, 750, 1000])
    >>> stepped_scale(0, 1_000_000)[:3], 30_000 in stepped_scale(0, 1_000_000)
    ([0, 1, 2], True)
    """
    values: set[float] = {low, high}
    start = max(low, 1.0)
    for power in range(math.floor(math.log10(start)), math.ceil(math.log10(max(high, 1.0))) + 1):
        for m in MANTISSAS:
            v = m * 10**power
            if whole:
                v = round(v)
            if low <= v <= high:
                values.add(v)
    out = sorted(values)
    return [int(v) for v in out] if whole else out


def hours_scale(low: float, high: float, step: float) -> list[float]:
    """Learner-time steps a person tells apart: the input's own step up to an hour, quarter
    hours up to a working day (8 h), whole hours beyond.

    A slider's options are sent to the browser and formatted on every rerun; 0–40 h in
    1.5-minute steps was 1,601 of them, this is 101 (any exact value can still be typed
    in a link, and `with_value` keeps it on the scale).

    >>> grid = hours_scale(0, 40, 0.025)
    >>> len(grid), grid[:3], grid[39:42], grid[-2:]
    (101, [0.0, 0.025, 0.05], [0.975, 1.0, 1.25], [39.0, 40.0])
    >>> hours_scale(0, 80, 0.5)[:4], len(hours_scale(0, 80, 0.5))
    ([0.0, 0.5, 1.0, 1.5], 89)
    """
    grid: set[float] = set()
    for start, stop, increment in (
        (low, 1.0, step),
        (1.0, 8.0, max(step, 0.25)),
        (8.0, high, max(step, 1.0)),
    ):
        start, stop = max(start, low), min(stop, high)
        if stop >= start:
            count = round((stop - start) / increment)
            grid.update(round(start + i * increment, 10) for i in range(count + 1))
    return sorted(x for x in grid if low <= x <= high)


def with_value(scale: Sequence[float], value: float) -> list[float]:
    """The (sorted) scale with `value` in it (a link or a typed value may fall between steps).

    >>> with_value([1, 10, 100], 42), with_value((1, 10, 100), 10)
    ([1, 10, 42, 100], [1, 10, 100])
    """
    if value in scale:
        return list(scale)
    return sorted([*scale, value])


_SUFFIX = {"k": 1e3, "m": 1e6, "": 1.0}
_AMOUNT = re.compile(r"^([+\-−]?)(\d+(?:\.\d*)?|\.\d+)(?:e([+\-−]?\d{1,3}))?([km]?)$")
_GROUPED = re.compile(r"\d{1,3}([,'_ \u2009\u202f]\d{3})+(\.\d+)?")  # 1,234,567.89


def parse_amount(text: str) -> float | None:
    """A typed number as people write it, or None when it is not one.

    Currency signs and codes, spaces, thousands separators (",", "_", thin spaces) are
    ignored; "k" means thousands and "M" millions; "1e3" is 1,000 (as a spreadsheet writes it).

    >>> parse_amount("$25,000"), parse_amount("25k"), parse_amount("1.5M"), parse_amount(" 250 ")
    (25000.0, 25000.0, 1500000.0, 250.0)
    >>> parse_amount("CHF 1'000"), parse_amount("€30.000,50") is None, parse_amount("nan") is None
    (1000.0, True, True)
    >>> parse_amount("1e3"), parse_amount("2.5E4"), parse_amount("1e-2"), parse_amount("1e999") is None
    (1000.0, 25000.0, 0.01, True)
    """
    text = str(text)[:40]
    for number in re.findall(r"[\d.,'_\u2009\u202f ]*\d", text):
        grouped = number.strip()
        if re.search(r"[,'_\u2009\u202f]", grouped) and not _GROUPED.fullmatch(grouped):
            return None  # "30.000,50" or "1,23": not a thousands separator, so not guessed at
    cleaned = re.sub(r"[A-Za-z]{3}(?=[\d\s.])|[$€£¥₹\s,_'\u2009\u202f]", "", text)
    cleaned = cleaned.replace("CA", "").replace("A", "").lower()
    match = _AMOUNT.match(cleaned)
    if not match:
        return None
    sign, number, exponent, suffix = match.groups()
    power = (exponent or "0").replace("−", "-")
    value = float(f"{number}e{power}") * _SUFFIX[suffix]  # 1e999 is inf: refused below
    value = -value if sign in {"-", "−"} else value
    return value if math.isfinite(value) else None
