"""How numbers read on screen: money with currency, whole learners, short percentages.

Pure functions (no Streamlit), shared by tiles, chart titles, tables and exports.
A figure that does not exist is shown as an em dash, never as NaN or infinity.

>>> money(33000, "USD"), money(1234567.8, "EUR"), money(-2500, "GBP")
('$33,000', '€1,234,568', '−£2,500')
>>> money(12.5, "USD"), money(None, "USD"), money(float("nan"), "USD")
('$12.50', '—', '—')
>>> learners(476.19), learners(None), percent(12.345)
('476', '—', '12.3 %')
"""

from __future__ import annotations

import math

from calculators.scenario import CURRENCY_SYMBOLS, INPUTS

MISSING = "—"
MINUS = "−"


def _finite(x: float | None) -> bool:
    return x is not None and math.isfinite(x)


def money(x: float | None, currency: str, *, compact: bool = False) -> str:
    """`x` in `currency`: thousands separators, cents only below 100, minus sign in front.

    `compact=True` shortens large amounts for tight tiles and axis ticks.

    >>> money(2_450_000, "USD", compact=True), money(31_430, "USD", compact=True)
    ('$2.45M', '$31.4k')
    """
    if not _finite(x):
        return MISSING
    assert x is not None
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    sign = MINUS if x < 0 else ""
    a = abs(x)
    if compact and a >= 1_000_000:
        body = f"{a / 1_000_000:,.2f}M"
    elif compact and a >= 10_000:
        body = f"{a / 1_000:,.1f}k"
    elif a < 100 and not float(a).is_integer() and currency != "JPY":
        body = f"{a:,.2f}"
    else:
        body = f"{a:,.0f}"
    return f"{sign}{symbol}{body}"


def short_money(x: float | None, currency: str) -> str:
    """`x` in at most three figures for a tight tile: '$81k', '$1.3M', '−$950'.

    >>> short_money(80_812, "USD"), short_money(1_334_000, "USD"), short_money(-950, "EUR")
    ('$81k', '$1.3M', '−€950')
    """
    if not _finite(x):
        return MISSING
    assert x is not None
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    sign, a = (MINUS if x < 0 else ""), abs(x)
    if a >= 999_500:
        body = f"{a / 1_000_000:,.1f}M"
    elif a >= 1_000:
        body = f"{a / 1_000:,.0f}k"
    else:
        body = f"{a:,.0f}"
    return f"{sign}{symbol}{body}"


def learners(x: float | None) -> str:
    """A learner count as a whole number with separators.

    >>> learners(100000)
    '100,000'
    """
    if not _finite(x):
        return MISSING
    assert x is not None
    return f"{round(x):,}"


def percent(x: float | None, decimals: int = 1) -> str:
    """A percentage (75 means 75 %) with at most one decimal.

    >>> percent(75.0), percent(8, decimals=0), percent(-76.34), percent(-0.01)
    ('75.0 %', '8 %', '−76.3 %', '0.0 %')
    """
    if not _finite(x):
        return MISSING
    assert x is not None
    text = f"{abs(x):,.{decimals}f} %"
    return MINUS + text if x < 0 and text.strip("0., %") else text


def currency_symbol(currency: str) -> str:
    """The prefix written before amounts, for axis ticks and labels.

    >>> currency_symbol("USD"), currency_symbol("CHF")
    ('$', 'CHF ')
    """
    return CURRENCY_SYMBOLS.get(currency, currency + " ")


def mix(share_pct: float) -> str:
    """An instructor-led share as words at the corners, a percentage between.

    >>> mix(0), mix(100), mix(12.5)
    ('pure microlearning', 'pure instructor-led', '12 % instructor-led')
    """
    if share_pct <= 0:
        return "pure microlearning"
    if share_pct >= 100:
        return "pure instructor-led"
    return f"{share_pct:.0f} % instructor-led"


def plural(count: float, word: str) -> str:
    """A whole count with its noun, singular for one.

    >>> plural(1, "learner"), plural(1000, "learner"), plural(3, "year")
    ('1 learner', '1,000 learners', '3 years')
    """
    n = round(count)
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def months(x: float | None) -> str:
    """A payback in whole months (rounded up), or '—' when there is none.

    >>> months(27.2), months(1_234.5), months(0.4), months(None)
    ('28 months', '1,235 months', '1 month', '—')
    """
    if x is None or not math.isfinite(x):
        return MISSING
    return plural(max(math.ceil(x - 1e-9), 1), "month")


def hours(x: float | None) -> str:
    """A duration kept in hours, as people say it: minutes under an hour, hours from one.

    The one formatter for the "hours" unit (tables, labels, sentences, chart ends).

    >>> hours(0.125), hours(0.08125), hours(8), hours(1.5), hours(1234.5), hours(0), hours(None)
    ('7.5 min', '4.88 min', '8 h', '1.5 h', '1,234 h', '0 h', '—')
    """
    if not _finite(x):
        return MISSING
    assert x is not None
    return f"{x * 60:,.3g} min" if 0 < x < 1 else f"{x:,.4g} h"


def unit_name(field: str, currency: str) -> str:
    """The unit an input's number is entered in, for column headers and labels.

    >>> unit_name("micro_fixed_cost", "EUR"), unit_name("loaded_hourly_cost", "USD"), unit_name("micro_seat_hours", "USD")
    ('EUR', 'USD per hour', 'hours')
    >>> unit_name("spacing_gain", "USD"), unit_name("attribution_pct", "USD")
    ('times', '%')
    """
    unit = INPUTS[field].unit
    return {"money": currency, "money/hour": f"{currency} per hour", "×": "times"}.get(unit, unit)


def input_value(field: str, value: float, currency: str) -> str:
    """An input's value in its unit, for labels and sentences.

    >>> input_value("micro_fixed_cost", 19500, "USD"), input_value("micro_retention_pct", 48.75, "USD")
    ('$19,500', '48.8 %')
    >>> input_value("micro_seat_hours", 0.125, "USD"), input_value("learners", 19500, "USD")
    ('7.5 min', '19,500')
    >>> input_value("skill_half_life_months", 9.9, "USD"), input_value("skill_half_life_months", 12.1, "USD")
    ('9.9 months', '12 months')
    """
    spec = INPUTS[field]
    if spec.unit in {"money", "money/hour"}:
        return money(value, currency)
    if spec.unit == "%":
        return percent(value)
    if spec.unit == "hours":
        return hours(value)
    if spec.unit == "months":
        return half_life_text(value)
    if isinstance(spec.default, int) or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.3g}"


def half_life_text(months: float) -> str:
    """A half-life in months as people say it: one decimal below 10 months, whole from there.

    >>> half_life_text(6.5), half_life_text(11.0), half_life_text(40.14), half_life_text(1.0)
    ('6.5 months', '11 months', '40 months', '1 month')
    >>> half_life_text(4_383.2), half_life_text(9.96)
    ('4,383 months', '10 months')
    """
    number = f"{months:.1f}".removesuffix(".0") if months < 9.95 else f"{round(months):,}"
    return f"{number} month{'' if number == '1' else 's'}"
