"""Plans side by side, for the compare page (pure, no Streamlit): the KPI table, two overlaid
charts, and a paragraph that explains in words what drives the difference.

Plan names are the user's text. Every function here returns plain strings (the page shows
them as text); in charts, where Plotly reads a few HTML tags, names are escaped first
(`chart_text`).

Series here are plans, not formats, so no plan takes a format's colour (components/charts/theme.py:
a blue line would read as microlearning). Plans are drawn in ink and greys with one dash
each, the base solid and the others dashed (IBCS: the current scenario solid, comparisons
outlined); the legend says so.

>>> from calculators.compare import attribute
>>> from calculators.scenario import Scenario
>>> print(explain(attribute(Scenario(), Scenario(learners=800)), ["Our plan", "Smaller cohort"]))  # doctest: +ELLIPSIS
The ROI of Smaller cohort is ... points lower than that of Our plan: ... % against ... % for microlearning, the option Our plan recommends. All of the difference comes from learners (1,000 → 800).

When changes pull both ways, each comes with its sign and its share of all the movement:

>>> bigger = Scenario(learners=2_000, micro_cost_per_learner=6.0)
>>> print(explain(attribute(Scenario(), bigger), ["Our plan", "Bigger rollout"]))  # doctest: +ELLIPSIS
The ROI of Bigger rollout is ... points higher than that of Our plan: ... Its changes pull both ways, ... points of movement in all, of which: learners (1,000 → 2,000) +... points (... %); cost per learner (delivery and hosting) ($3 → $6) −... points (... %).
"""

from __future__ import annotations

import html
import math
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from calculators.compare import Attribution, Comparison, Contribution, KpiRow
from calculators.model import option_costs
from calculators.scenario import INPUTS, Scenario, input_title
from calculators.summary import MAX_LEARNERS
from calculators.verdict import Decision
from components.charts.spec import Chart, scatter, visible_points
from components.charts.theme import AXIS_TEXT, INK, MUTED, frame, money_ticks
from components.words.formatting import (
    MINUS,
    MISSING,
    currency_symbol,
    input_value,
    learners,
    money,
    months,
    percent,
)
from components.words.messages import option_name

NONE = "none"  # a figure that exists but is absent: no payback within the horizon
SAME = "no change"
NAME_LIMIT = 40  # characters of a plan's name shown in tables, legends and sentences
TITLE_NAME_LIMIT = 24  # ... and in a chart title, which must still wrap to a phone
TOP_PARTS = 3  # an explanation names at most this many contributions, then "other changes"
# (colour, dash) of the 1st (base), 2nd, 3rd and 4th plan: no format or option colour.
PLAN_STYLES: tuple[tuple[str, str], ...] = (
    (INK, "solid"),
    (INK, "dash"),
    (AXIS_TEXT, "dot"),
    (MUTED, "dashdot"),
)
LEGEND_TITLE = "Solid: the base plan · dashed: compared"
METHOD_NOTE = (
    "How the difference is split: each changed input (a switch with the figures it governs counts "
    "as one) is credited with its average effect over every order in which the other plan's inputs "
    "could replace the base's, one at a time (its Shapley value), so what changes do together is "
    "shared evenly and no order is favoured. The parts add up to the whole difference; each "
    "percentage is a part's share of all the movement, up and down, so they add up to 100 %."
)


# --- names -----------------------------------------------------------------------------------


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plan_names(names: Sequence[object], count: int | None = None) -> list[str]:
    """Names fit to show: control characters and runs of spaces removed, long names shortened,
    blank ones replaced by "Plan 1", "Plan 2", … and repeated ones numbered.

    >>> plan_names(["  Our\\nplan ", "", "Our plan", "x" * 60], 4)
    ['Our plan', 'Plan 2', 'Our plan (3)', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…']
    """
    count = len(names) if count is None else count
    shown: list[str] = []
    for i in range(count):
        raw = str(names[i]) if i < len(names) and names[i] is not None else ""
        visible = "".join(
            " " if ch.isspace() else ch for ch in raw if ch.isspace() or unicodedata.category(ch)[0] != "C"
        )
        name = _shorten(" ".join(visible.split()), NAME_LIMIT) or f"Plan {i + 1}"
        stem, n = name, i + 1
        while name in shown:  # numbered after its position; further if that is taken too
            name, n = f"{_shorten(stem, NAME_LIMIT - 6)} ({n})", n + 1
        shown.append(name)
    return shown


def chart_text(text: str) -> str:
    """User text for a Plotly title, legend or hover: HTML tags and entities escaped, so
    Plotly shows them as written instead of drawing bold text or a link.

    >>> chart_text('<a href="https://x">Plan</a> & co')
    '&lt;a href="https://x"&gt;Plan&lt;/a&gt; &amp; co'
    """
    return html.escape(text, quote=False)


DEFAULTS_NAME = "Defaults"
YOURS_NAME = "Your scenario"


def with_defaults(scenario: Scenario) -> tuple[list[Scenario], list[str]]:
    """ "Compare with defaults": the defaults as the base plan, then `scenario`, with names.

    The defaults take the scenario's currency: amounts are never converted, so a currency
    of its own would only stop money from being compared.

    >>> plans, names = with_defaults(Scenario(currency="EUR", learners=800))
    >>> [p.learners for p in plans], [p.currency for p in plans], names
    ([1000, 800], ['EUR', 'EUR'], ['Defaults', 'Your scenario'])
    """
    return [Scenario(currency=scenario.currency), scenario], [DEFAULTS_NAME, YOURS_NAME]


# --- the KPI table ---------------------------------------------------------------------------


def signed_points(x: float | None) -> str:
    """A difference in percentage points, with its sign.

    >>> signed_points(3.24), signed_points(-41), signed_points(0.0), signed_points(0.01), signed_points(None)
    ('+3.2 points', '−41.0 points', 'no change', '+0.0 points', '—')
    """
    if x is None or not math.isfinite(x):
        return MISSING
    if x == 0:
        return SAME
    return f"{'+' if x > 0 else MINUS}{abs(x):,.1f} points"


def signed_money(x: float | None, currency: str) -> str:
    """A difference in money, with its sign.

    >>> signed_money(12_400, "USD"), signed_money(-12_400, "EUR"), signed_money(0, "USD"), signed_money(None, "USD")
    ('+$12,400', '−€12,400', 'no change', '—')
    """
    if x is None or not math.isfinite(x):
        return MISSING
    if x == 0:
        return SAME
    return ("+" if x > 0 else "") + money(x, currency)


def signed_months(x: float | None) -> str:
    """A difference in whole months, with its sign.

    >>> signed_months(3), signed_months(-1), signed_months(0), signed_months(None)
    ('+3 months', '−1 month', 'no change', '—')
    """
    if x is None or not math.isfinite(x):
        return MISSING
    if x == 0:
        return SAME
    n = abs(round(x))
    return f"{'+' if x > 0 else MINUS}{n:,} month{'' if n == 1 else 's'}"


def _payback_month(month: float | None) -> int | None:
    """The month shown for a payback: the month in which it happens (rounded up, at least 1)."""
    return None if month is None else max(math.ceil(month - 1e-9), 1)


def _value(row: KpiRow, value: float | None, currency: str) -> str:
    if row.unit == "ROI":
        return percent(value)
    if row.unit == "money":
        return money(value, currency)
    if row.unit == "months":
        return NONE if value is None else months(_payback_month(value))
    return percent(value)


def _difference(row: KpiRow, i: int, currency: str) -> str:
    if row.unit == "months":
        a, b = _payback_month(row.values[0]), _payback_month(row.values[i])
        return signed_months(None if a is None or b is None else b - a)
    if row.unit == "money":
        return signed_money(row.differences[i], currency)
    return signed_points(row.differences[i])


ROW_LABELS = {
    "roi_claimed": "ROI as claimed",
    "roi_defensible": "ROI, defensible (Phillips conservative rules)",
    "npv": "Net present value",
    "payback": "Payback (discounted)",
    "cost_micro": "Cost of microlearning",
    "cost_ilt": "Cost of instructor-led training",
    "chance_of_loss": "Chance of losing money",
}


def recommendation_text(v: Decision) -> str:
    """The recommendation in a table cell, by every screen's rule (not training is an option).

    >>> from calculators.model import Option
    >>> from calculators.verdict import decide
    >>> o = Option
    >>> recommendation_text(decide({o.MICRO: 900.0, o.BLEND: 800.0}, {o.MICRO: 30_000.0, o.BLEND: 31_000.0}, 5))
    'Too close to call (microlearning and the blend)'
    >>> recommendation_text(decide({o.MICRO: -900.0}, {o.MICRO: 30_000.0}, 0))
    "Don't train (no option pays back)"
    """
    if v.advice == "too close":
        return f"Too close to call ({option_name(v.best)} and {option_name(v.runner_up)})"
    if v.best is None:
        return "Don't train (no option pays back)"
    return v.best.label


def basis_text(s: Scenario) -> str:
    """A plan's basis in a few words.

    >>> basis_text(Scenario()), basis_text(Scenario(conservative=True, skeptic=True))
    ('as claimed', 'defensible (Conservative), Skeptic')
    """
    parts = ["defensible (Conservative)" if s.conservative else "as claimed"]
    if s.fully_loaded and not s.conservative:
        parts.append("fully loaded costs")
    if s.skeptic:
        parts.append("Skeptic")
    return ", ".join(parts)


def _unique(columns: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for c in columns:
        name, n = c, 2
        while name in seen:
            name, n = f"{c} ({n})", n + 1
        seen.add(name)
        out.append(name)
    return out


def kpi_table(comparison: Comparison, names: Sequence[object]) -> pd.DataFrame:
    """The KPI table: one row per figure, a column per plan and, after each plan but the
    first, its difference from the first. Every cell is text: money in the plan's currency,
    differences signed ("+3.2 points", "−$12,400"), "none" where there is no payback, "—"
    where a figure does not exist or cannot be compared (amounts in different currencies).

    >>> from calculators.compare import compare
    >>> table = kpi_table(compare([Scenario(), Scenario(learners=800)], draws=1_000), ["A", "B"])
    >>> table.columns.tolist()
    ['Figure', 'A', 'B', 'B: difference']
    >>> table.set_index("Figure").loc["Cost of microlearning"].tolist()
    ['$33,000', '$32,400', '−$600']
    """
    shown = plan_names(names, len(comparison.scenarios))
    cur = [s.currency for s in comparison.scenarios]
    labels = ["Recommended option", "Basis"]
    cells: list[list[str]] = [
        [recommendation_text(v) for v in comparison.verdicts],
        [basis_text(s) for s in comparison.scenarios],
    ]
    same = [
        [SAME if v.best is comparison.verdicts[0].best else "changed" for v in comparison.verdicts],
        [SAME if basis_text(s) == cells[1][0] else "changed" for s in comparison.scenarios],
    ]
    if any(o is not v.leading for o, v in zip(comparison.options, comparison.verdicts, strict=True)):
        labels.append("Figures below are for")
        cells.append([o.label for o in comparison.options])
        same.append([SAME if o is comparison.options[0] else "changed" for o in comparison.options])
    for row in comparison.rows:
        labels.append(ROW_LABELS.get(row.key, row.label))
        cells.append([_value(row, v, c) for v, c in zip(row.values, cur, strict=True)])
        same.append([_difference(row, i, cur[0]) for i in range(len(row.values))])
    columns: dict[str, list[str]] = {"Figure": labels}
    headers = _unique(["Figure", *shown, *(f"{n}: difference" for n in shown[1:])])
    for i in range(len(shown)):
        columns[headers[1 + i]] = [c[i] for c in cells]
        if i > 0:
            columns[headers[len(shown) + i]] = [d[i] for d in same]
    order = ["Figure", headers[1]] + [
        h for i in range(1, len(shown)) for h in (headers[1 + i], headers[len(shown) + i])
    ]
    # every cell is text: plain objects (pandas' default string arrays cost ~2 ms to build here)
    return pd.DataFrame({h: columns[h] for h in order}, dtype=object)


# --- charts ----------------------------------------------------------------------------------


def plan_style(i: int) -> tuple[str, str]:
    """(colour, dash) of the i-th plan (0: the base)."""
    return PLAN_STYLES[i % len(PLAN_STYLES)]


def _title_names(names: list[str]) -> list[str]:
    return [chart_text(_shorten(n, TITLE_NAME_LIMIT)) for n in names]


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _currency_axis(comparison: Comparison) -> tuple[str, str]:
    """(axis unit, tick symbol): the currency when all plans share it, else a warning."""
    currencies = {s.currency for s in comparison.scenarios}
    if len(currencies) == 1:
        currency = currencies.pop()
        return currency, currency_symbol(currency)
    return "each plan's own currency, not converted", ""


def payback_race_title(comparison: Comparison, names: list[str]) -> str:
    """Which plan's recommended option pays back first (discounted), and when."""
    paid = [
        _payback_month(r[o].discounted_payback_month)
        for r, o in zip(comparison.returns, comparison.options, strict=True)
    ]
    shown = _title_names(names)
    months_paid = [m for m in paid if m is not None]
    if not months_paid:
        return "No plan pays back within its horizon (discounted)"
    first = min(months_paid)
    leaders = [shown[i] for i, m in enumerate(paid) if m == first]
    if len(paid) == 1:
        return f"{leaders[0]} pays back in month {first} (discounted)"
    if len(months_paid) == 1:
        return f"Only {leaders[0]} pays back, in month {first} (discounted)"
    if len(leaders) == len(paid):
        return f"All plans pay back in month {first} (discounted)"
    verb = "pays" if len(leaders) == 1 else "pay"
    return f"{_join(leaders)} {verb} back first, in month {first} (discounted)"


def _legend(fig: Chart) -> None:
    fig.update_layout(legend_title={"text": LEGEND_TITLE, "side": "top"})


def cumulative_figure(comparison: Comparison, names: Sequence[object]) -> go.Figure:
    """Cumulative discounted net benefit by month of each plan's recommended option, one
    line per plan (the same flows as the ROI & payback page)."""
    shown = plan_names(names, len(comparison.scenarios))
    unit, symbol = _currency_axis(comparison)
    fig = Chart()
    fig.add_hline(y=0, line={"color": MUTED, "width": 1})
    for i, (r, option) in enumerate(zip(comparison.returns, comparison.options, strict=True)):
        colour, dash = plan_style(i)
        currency = comparison.scenarios[i].currency
        fig.add_trace(
            scatter(
                x=r[option].flows.months, y=r[option].cumulative(discounted=True), name=chart_text(shown[i]),
                mode="lines", line={"color": colour, "width": 3, "dash": dash},
                hovertemplate=f"Month %{{x}}: %{{y:,.0f}} {currency} ({option.label})<extra>%{{fullData.name}}</extra>",
            )
        )  # fmt: skip
    fixed = len(set(comparison.options)) == 1 and any(
        o is not v.leading for o, v in zip(comparison.options, comparison.verdicts, strict=True)
    )
    which = comparison.options[0].label.lower() if fixed else "each plan's recommended option"
    frame(
        fig, payback_race_title(comparison, shown), x_title="Months from launch",
        y_title=f"Cumulative net benefit ({unit})",
        subtitle=f"Discounted benefits minus costs, month by month, for {which}", legend=True,
    )  # fmt: skip
    _legend(fig)
    money_ticks(fig, symbol)
    return fig.figure()


def _learner_axis(comparison: Comparison) -> np.ndarray:
    top = max(s.learners for s in comparison.scenarios)
    power = 10 ** math.floor(math.log10(max(2 * top, 10)))
    x_max = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= 2 * top)
    x_max = min(int(x_max), MAX_LEARNERS)
    return np.unique(np.round(np.linspace(1, x_max, 401)))


def cost_title(comparison: Comparison, names: list[str], costs: Sequence[float] | None = None) -> str:
    """Which plan's recommended option costs least at the base plan's learner count (`costs`:
    each plan's cost there, if known already)."""
    shown = _title_names(names)
    n = comparison.scenarios[0].learners
    at = f"At {learners(n)} learners"
    if costs is None:
        costs = [
            float(option_costs(s, o, np.array([float(n)]))[0])
            for s, o in zip(comparison.scenarios, comparison.options, strict=True)
        ]
    if len(costs) == 1:
        return (
            f"{shown[0]} costs {money(costs[0], comparison.scenarios[0].currency)} for {learners(n)} learners"
        )
    if len({s.currency for s in comparison.scenarios}) > 1:
        return "Each plan's cost in its own currency (amounts are not converted)"
    currency = comparison.scenarios[0].currency
    low = min(costs)
    if max(costs) - low < 0.5:
        return f"{at}, the plans cost the same: {money(low, currency)}"
    cheapest = [shown[i] for i, c in enumerate(costs) if c - low < 0.5]
    verb = "costs" if len(cheapest) == 1 else "cost"
    return f"{at}, {_join(cheapest)} {verb} least: {money(low, currency)}"


def cost_figure(comparison: Comparison, names: Sequence[object]) -> go.Figure:
    """Total cost against learners of each plan's recommended option, one line per plan, with
    a dot at the plan's own learner count."""
    shown = plan_names(names, len(comparison.scenarios))
    unit, symbol = _currency_axis(comparison)
    grid = _learner_axis(comparison)
    fig = Chart()
    base = float(comparison.scenarios[0].learners)
    at_base: list[float] = []  # each plan's cost at the base plan's learners: the title's
    for i, (s, option) in enumerate(zip(comparison.scenarios, comparison.options, strict=True)):
        n = np.union1d(grid, [float(s.learners), base])
        costs = option_costs(s, option, n)
        at_base.append(float(costs[int(np.searchsorted(n, base))]))
        if base not in grid and base != float(s.learners):  # drawn where the plan's line is drawn
            keep = n != base
            n, costs = n[keep], costs[keep]
        colour, dash = plan_style(i)
        hover = (
            f"%{{x:,}} learners: %{{y:,.0f}} {s.currency} ({option.label})<extra>%{{fullData.name}}</extra>"
        )
        xs, ys = visible_points(n, costs)  # a line of corners and hover points, not 400 markers
        fig.add_trace(
            scatter(
                x=xs, y=ys, name=chart_text(shown[i]), mode="lines", legendgroup=f"plan{i}",
                line={"color": colour, "width": 3, "dash": dash}, hovertemplate=hover,
            )
        )  # fmt: skip
        own = float(costs[int(np.searchsorted(n, s.learners))])
        fig.add_trace(
            scatter(
                x=[float(s.learners)], y=[own], name=chart_text(shown[i]), mode="markers", legendgroup=f"plan{i}",
                showlegend=False, marker={"size": 11, "color": colour}, hovertemplate=hover,
            )
        )  # fmt: skip
    frame(
        fig, cost_title(comparison, shown, at_base), x_title="Learners", y_title=f"Total cost ({unit})",
        subtitle="Each plan's recommended option on its own basis; a dot marks the plan's own learner count",
        legend=True,
    )  # fmt: skip
    _legend(fig)
    money_ticks(fig, symbol)
    fig.update_xaxes(range=[0, float(grid[-1])], tickformat=",")
    return fig.figure()


# --- the explanation -------------------------------------------------------------------------


def _lower_first(label: str) -> str:
    """A label inside a sentence: 'Learners' → 'learners', but 'ROI …' stays."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def value_text(field: str, value: Any, currency: str) -> str:
    """An input's value in words: switches on/off, choices as named, numbers with their unit.

    >>> value_text("revenue_on", True, "USD"), value_text("horizon_years", 1, "USD"), value_text("spacing_gain", 1.5, "USD")
    ('on', '1 year', '1.5×')
    >>> value_text("ilt_cost_per_learner", 60.0, "EUR"), value_text("retention_curve", "power law", "USD")
    ('€60', 'power law')
    """
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, str):
        return value
    text = input_value(field, float(value), currency)
    unit = INPUTS[field].unit
    if unit in {"years", "days", "weeks", "minutes"}:
        return f"{text} {unit[:-1] if float(value) == 1 else unit}"
    if unit == "×":
        return f"{text}×"
    return text


def _field_change(field: str, before: Any, after: Any, currencies: tuple[str, str]) -> str:
    if isinstance(before, bool) and isinstance(after, bool) and before != after:
        return f"switching {input_title(field)} {value_text(field, after, currencies[1])}"
    b, a = value_text(field, before, currencies[0]), value_text(field, after, currencies[1])
    return f"{_lower_first(input_title(field))} ({b} → {a})"


def part_text(part: Contribution, currencies: tuple[str, str], alone: bool = False) -> str:
    """The inputs of a contribution with their values in the base plan and in the other (the
    base plan's currency before the arrow, the other plan's after). Groups taken together
    (`Contribution.merged`) are counted, not listed; `alone` when there is no other part.

    >>> from calculators.compare import Contribution
    >>> part_text(Contribution(("revenue_on", "revenue_per_training_dollar"), (False, 1.8), (True, 2.5), 9.0, 1.0), ("USD", "USD"))
    'switching Revenue multiplier on with revenue per training dollar (1.8× → 2.5×)'
    >>> part_text(Contribution(("ilt_cost_per_learner",), (45.0,), (60.0,), -9.0, 1.0), ("USD", "EUR"))
    'cost per learner (ILT seat) ($45 → €60)'
    >>> part_text(Contribution(("learners", "horizon_years"), (1, 1), (2, 2), 1.0, 0.1, merged=True), ("USD", "USD"))
    'a group of 2 other changed inputs'
    """
    if part.merged:
        return f"a group of {len(part.fields)} {'' if alone else 'other '}changed inputs"
    parts = [
        _field_change(f, b, a, currencies)
        for f, b, a in zip(part.fields, part.before, part.after, strict=True)
    ]
    if len(parts) > 3:
        parts = [*parts[:2], f"{len(parts) - 2} more inputs"]
    return " with ".join(parts)


def _amount(a: Attribution, x: float) -> str:
    """The size of a change, unsigned: ROI points or money in the base plan's currency."""
    return f"{abs(x):,.1f} points" if a.measure == "ROI" else money(abs(x), a.currencies[0])


def _signed(a: Attribution, x: float) -> str:
    """A change with its sign: +95.8 points, −$2,400."""
    return f"{'+' if x >= 0 else MINUS}{_amount(a, x)}"


def _level(a: Attribution, x: float, currency: str) -> str:
    return percent(x) if a.measure == "ROI" else money(x, currency)


def _share(x: float) -> str:
    return f"{round(100 * x):,} %"


def _moving(a: Attribution) -> list[Contribution]:
    """The parts that move the measure (beyond float rounding), largest first."""
    return sorted(
        (c for c in a.contributions if abs(c.change) > 1e-9 * a.scale), key=lambda c: -abs(c.change)
    )


def splits_a_difference(attributions: Sequence[Attribution]) -> bool:
    """Whether any explanation splits a difference into parts (then `METHOD_NOTE` says how):
    not when the plans are the same, nor when the inputs that differ move nothing.

    >>> from calculators.compare import attribute
    >>> from calculators.scenario import Scenario
    >>> splits_a_difference([attribute(Scenario(), Scenario())])
    False
    >>> splits_a_difference([attribute(Scenario(), Scenario()), attribute(Scenario(), Scenario(learners=800))])
    True
    """
    return any(a.total is not None and _moving(a) for a in attributions)


def explain(attribution: Attribution, names: Sequence[object]) -> str:
    """A short paragraph that says how the plans differ in the measure and which changed
    inputs drive the difference, by their labels, with their values and their share.

    `names` are the base plan's and the other plan's names (the user's text; the result is
    plain text for the page to show as text). Contributions are Shapley values
    (`calculators.compare`), largest first; at most `TOP_PARTS` are named, the rest summed as
    "other changes". Percentages are shares of all the movement, up and down (never above
    100 %): when every part pulls the same way they are the parts of the difference itself;
    when parts pull both ways each is given with its sign. "All of the difference comes
    from" only one part that moves the measure at all. It says when the recommended option
    changes and when the plans' currencies differ (amounts are never converted). Plans whose
    inputs are all the same get one sentence that says so, and no split.

    >>> from calculators.compare import attribute
    >>> from calculators.scenario import Scenario
    >>> explain(attribute(Scenario(), Scenario()), ["Our plan", "Copy"])
    'Copy gives the same figures as Our plan: none of their inputs differ.'
    """
    a = attribution
    base, other = plan_names(names, 2)
    if not a.contributions and a.total == 0 and a.currencies[0] == a.currencies[1]:
        return f"{other} gives the same figures as {base}: none of their inputs differ."
    measure = "ROI" if a.measure == "ROI" else "net present value"
    if a.basis != "as set":  # both plans put on one basis: say which
        measure = f"{measure} {'as claimed' if a.basis == 'claimed' else 'on defensible figures'}"
    option = a.option.in_sentence
    whose = (
        f"for {option}, the option {base} recommends" if a.option is a.base_recommends else f"for {option}"
    )
    notes: list[str] = []
    if a.recommendation_changes:
        notes.append(
            f"The recommendation changes: {other} recommends {a.other_recommends.in_sentence}, "
            f"{base} {a.base_recommends.in_sentence}."
        )
    if a.currencies[0] != a.currencies[1]:
        if a.measure == "NPV":
            return " ".join(
                [
                    f"{base} counts in {a.currencies[0]} and {other} in {a.currencies[1]}; amounts are not "
                    "converted, so their net present values cannot be compared.",
                    *notes,
                ]
            )
        notes.append(
            f"The plans count in different currencies ({a.currencies[0]} and {a.currencies[1]}); amounts are not converted."
        )
    total = a.total
    if total is None or a.base_value is None or a.other_value is None:
        missing = [n for n, v in ((base, a.base_value), (other, a.other_value)) if v is None]
        who = " and ".join(missing)
        return " ".join(
            [
                f"{who} {'has' if len(missing) == 1 else 'have'} no ROI {whose} (nothing is spent, so there "
                "is no ratio), so the difference in ROI cannot be split; compare net present value instead.",
                *notes,
            ]
        )
    base_level = _level(a, a.base_value, a.currencies[0])
    other_level = _level(a, a.other_value, a.currencies[1])
    alone = len(a.contributions) == 1
    moving = _moving(a)
    shown = moving if len(moving) <= TOP_PARTS + 1 else moving[:TOP_PARTS]
    rest = moving[len(shown) :]
    remainder = math.fsum(c.change for c in rest)
    rest_share = math.fsum(c.share or 0.0 for c in rest)
    if abs(total) <= 1e-9 * a.scale:
        sentences = [f"The {measure} of {other} is the same as that of {base}: {other_level} {whose}."]
        if moving:
            sentences.append(
                "Its changes offset each other: "
                + "; ".join(f"{part_text(c, a.currencies, alone)} {_signed(a, c.change)}" for c in shown)
                + (f"; other changes {_signed(a, remainder)}." if rest else ".")
            )
        elif a.contributions:
            sentences.append("The inputs that differ do not move it.")
        return " ".join([*sentences, *notes])
    direction = "higher" if total > 0 else "lower"
    sentences = [
        f"The {measure} of {other} is {_amount(a, total)} {direction} than that of {base}: "
        f"{other_level} against {base_level} {whose}."
    ]
    if any(c.change * total < 0 for c in moving):  # parts pull both ways: each with its sign
        gross = math.fsum(abs(c.change) for c in moving)
        clauses = [
            f"{part_text(c, a.currencies, alone)} {_signed(a, c.change)} ({_share(c.share or 0.0)})"
            for c in shown
        ]
        if rest:
            clauses.append(f"other changes {_signed(a, remainder)} ({_share(rest_share)})")
        sentences.append(
            f"Its changes pull both ways, {_amount(a, gross)} of movement in all, of which: {'; '.join(clauses)}."
        )
        return " ".join([*sentences, *notes])
    clauses: list[str] = []
    for i, c in enumerate(shown):
        what = part_text(c, a.currencies, alone)
        if len(moving) == 1:  # every other part moves nothing, in any order
            clauses.append(f"All of the difference comes from {what}")
        elif i == 0:
            lead = "Most of the difference" if (c.share or 0.0) > 0.5 else "The largest part"
            clauses.append(f"{lead} ({_amount(a, c.change)}, {_share(c.share or 0.0)}) comes from {what}")
        else:
            clauses.append(f"{what} accounts for {_amount(a, c.change)} ({_share(c.share or 0.0)})")
    if rest:
        clauses.append(f"other changes account for {_amount(a, remainder)} ({_share(rest_share)})")
    if clauses:
        text = "; ".join(clauses) + "."
        sentences.append(text[0].upper() + text[1:])
    return " ".join([*sentences, *notes])
