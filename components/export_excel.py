"""The Excel workbook export: the scenario's inputs, the model as live formulas, the series
behind the charts, and every input's source and evidence grade (xlsxwriter; pure, no Streamlit).

Sheets, in order:

- **Inputs**: every scenario input with its value, unit, group, evidence grade and the
  name formulas use for it (`Learners`, `Micro_fixed_cost`, `ILT_class_size`, …). Change a
  yellow cell and every other sheet follows. Switches are TRUE/FALSE; data validation
  keeps each number inside the range the dashboard accepts.
- **Model**: `calculators.model` rewritten as formulas, for each option (microlearning,
  instructor-led, the blend) on both bases the dashboard shows: *as claimed* (Conservative
  off) and *defensible* (the Phillips rules: first-year benefits, fully loaded costs,
  estimates × confidence), plus the scenario's own basis (chosen by the `Conservative`
  cell). The returns come first and are named: `ROI_micro`, `NPV_ILT`, `Payback_blend`
  (discounted, in months), `Payback_undiscounted_micro`, `Costs_…`, `Benefits_…`, `BCR_…`,
  each also as `…_claimed` and `…_defensible`. The workings follow: the Skeptic switch's
  replacements, each format's cost line (fixed + per learner + classes of k seats with
  CEILING, nudges, seat time and refresh when fully loaded), mean retention over the benefit
  years, the five benefit streams and the Phillips adjustments, then each option's tracks,
  costs and benefits.
- **Retention** is `calculators.retention.mean_retention` written out: the curve is
  calibrated at the reference day, each nudge resets it and multiplies its parameter by the
  gain g (up to a cap), and the mean is the area under the curve over the benefit days. All
  whole intervals between nudges have the same length, so their areas are one array formula
  per format over the *Segments* sheet's numbers (both bases at once); the partial interval at
  the end is one more term. Intervals beyond the sheet's rows are counted in closed form,
  which is exact once the parameter has reached its cap (or g = 1); if the inputs are changed
  so that it has not, the cell says to export again rather than show a wrong number.
- **Cash flows**: month 0 to 120, the monthly discount factor (1 + m)^−k with
  m = (1 + r)^(1/12) − 1, each option's net cash flow (costs at month 0 and at the start of
  each later year, benefits monthly from month 1) and its cumulative discounted net (one
  array formula per column, from running sums of the discount factors computed once with
  MMULT). NPV is the sum of the discounted flows; the discounted
  payback month is the last month the cumulative is negative, plus the linear
  interpolation to zero: k + (−C_k) / (C_{k+1} − C_k). Months after the horizon are blank.
- **Series**: total cost of each format against the dashboard chart's learner counts
  (counts fixed at export; costs are live formulas on the Model's cost lines), and the
  cumulative discounted net per month of each option (live formulas), both on the
  scenario's basis.
- **Sources**: each input's default, source and evidence grade (with what the grade
  means), the published values the Skeptic switch uses, the source documents, and the
  scenario link.
- **Segments**: the segment numbers 0, 1, … the retention formulas read (at least 366, more
  when the scenario's nudges need them), and the per-format sums over whole intervals.

Formulas use only functions Excel, LibreOffice and the `formulas` package all evaluate
(IF, AND, OR, MIN, MAX, INT, MOD, ROUND, CEILING, EXP, LN, SQRT, ABS, SUM, MMULT,
TRANSPOSE, INDEX); array formulas are entered as legacy {=…} arrays so older Excel
evaluates them too. Every formula cell also stores its value, computed here alongside the
formula text by the same expression (`_X`), so viewers that do not recalculate (Excel's
Protected View, LibreOffice's default for .xlsx files, file previews) show the right
numbers. A figure that does not exist (ROI without costs, a payback after the benefits
stop) is the text "none", never an error.

With the defaults, microlearning costs $33,000 and returns 28.8 % as claimed:

>>> from calculators.scenario import Scenario
>>> data = workbook_bytes(Scenario())
>>> data[:2]  # an .xlsx file is a zip archive
b'PK'
>>> round(_cached_results(Scenario())["ROI_micro"], 1)
28.8
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import numpy as np
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from calculators.model import HOURS_PER_WEEK, Option
from calculators.retention import FSRS_FACTOR, MAX_STABILITY_DAYS, MIN_POWER_EXPONENT
from calculators.scenario import (
    CURRENCY_SYMBOLS,
    GRADE_MEANING,
    INPUTS,
    SOURCE_DOCUMENTS,
    Format,
    Grade,
    InputSpec,
    Scenario,
    format_field,
    input_title,
)
from calculators.skeptic import SKEPTIC_VALUES
from calculators.summary import cost_summary
from components.charts import chart_range, learner_grid

__all__ = [
    "MIN_SEGMENT_ROWS", "OPTION_TAGS", "SHEETS", "TOO_MANY_NUDGES", "input_name", "money_format", "segment_rows",
    "series_learners", "workbook_bytes",
]  # fmt: skip

SHEETS = ("Inputs", "Model", "Cash flows", "Series", "Sources", "Segments")
NONE = "none"  # what a cell shows when the figure does not exist
MONTHS = 121  # months 0..120: the longest horizon is ten years
HUGE = 1e306  # a quotient above this would overflow once scaled: the model calls it "none"
SERIES_POINTS = 201  # learner counts on the Series sheet
MIN_SEGMENT_ROWS = 366  # segments the retention formulas read at least (a year of daily nudges)
TOO_MANY_NUDGES = "Export again: more nudges than rows on the Segments sheet"
MAX_LINK_CHARS = 32_767  # the most text an Excel cell holds
UNUSED = {
    "currency": "Not used by the formulas: number formats were set for {currency} at export, and amounts are "
    "never converted.",
    "blend_objective": "Not used by the formulas: the dashboard uses it to find the best mix.",
    "close_call_pct": "Not used by the formulas: the dashboard uses it to call a result too close to call.",
}
OPTION_TAGS = {Option.MICRO: "micro", Option.ILT: "ILT", Option.BLEND: "blend"}
FORMAT_COLUMN = {Format.MICRO: Option.MICRO, Format.ILT: Option.ILT}


def input_name(field_name: str) -> str:
    """The workbook's name for an input cell: the field name, capitalised, 'ilt' as 'ILT'.

    >>> input_name("micro_fixed_cost"), input_name("ilt_class_size"), input_name("learners")
    ('Micro_fixed_cost', 'ILT_class_size', 'Learners')
    """
    if field_name.startswith("ilt_"):
        return "ILT_" + field_name[4:]
    return field_name[:1].upper() + field_name[1:]


def money_format(currency: str, decimals: int = 0) -> str:
    """Excel number format for money in `currency`: its symbol as literal text, thousands
    separators, a leading minus; no decimals for the yen.

    >>> money_format("USD"), money_format("EUR", 2), money_format("JPY", 2)
    ('"$"#,##0;-"$"#,##0', '"€"#,##0.00;-"€"#,##0.00', '"¥"#,##0;-"¥"#,##0')
    >>> money_format("CHF")
    '"CHF "#,##0;-"CHF "#,##0'
    """
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ").replace('"', "")
    digits = "#,##0" + ("." + "0" * decimals if decimals and currency != "JPY" else "")
    return f'"{symbol}"{digits};-"{symbol}"{digits}'


# --- Expressions: Excel formula text and its value, built together -------------------------
#
# Each `_X` carries the Excel text of an expression and its value for this scenario,
# computed with the same operations in the same order (Excel evaluates left to right), so
# the workbook stores the value Excel will compute. Arrays are numpy column vectors, like
# Excel's; a blank ("") inside an array is NaN here.

_CMP, _ADD, _MUL, _POW, _ATOM = 1, 2, 3, 4, 9


@dataclass(frozen=True)
class _X:
    xl: str
    v: Any
    prec: int = _ATOM
    arr: bool = False  # involves a range: entered as an array formula
    literal: bool = False

    def __add__(self, o: Any) -> _X:
        return _binary(self, o, "+", _ADD, lambda a, b: a + b)

    def __radd__(self, o: Any) -> _X:
        return _binary(o, self, "+", _ADD, lambda a, b: a + b)

    def __sub__(self, o: Any) -> _X:
        return _binary(self, o, "-", _ADD, lambda a, b: a - b)

    def __rsub__(self, o: Any) -> _X:
        return _binary(o, self, "-", _ADD, lambda a, b: a - b)

    def __mul__(self, o: Any) -> _X:
        return _binary(self, o, "*", _MUL, lambda a, b: a * b)

    def __rmul__(self, o: Any) -> _X:
        return _binary(o, self, "*", _MUL, lambda a, b: a * b)

    def __truediv__(self, o: Any) -> _X:
        return _binary(self, o, "/", _MUL, lambda a, b: a / b)

    def __rtruediv__(self, o: Any) -> _X:
        return _binary(o, self, "/", _MUL, lambda a, b: a / b)

    def __pow__(self, o: Any) -> _X:
        return _binary(self, o, "^", _POW, lambda a, b: np.power(a, b))

    def __neg__(self) -> _X:
        return _X("-" + _wrap(self, _POW, True), -_num(self.v), _ADD, self.arr)

    def lt(self, o: Any) -> _X:
        return _binary(self, o, "<", _CMP, lambda a, b: a < b)

    def le(self, o: Any) -> _X:
        return _binary(self, o, "<=", _CMP, lambda a, b: a <= b)

    def gt(self, o: Any) -> _X:
        return _binary(self, o, ">", _CMP, lambda a, b: a > b)

    def ge(self, o: Any) -> _X:
        return _binary(self, o, ">=", _CMP, lambda a, b: a >= b)

    def eq(self, o: Any) -> _X:
        return _binary(self, o, "=", _CMP, lambda a, b: a == b)

    def ne(self, o: Any) -> _X:
        return _binary(self, o, "<>", _CMP, lambda a, b: a != b)


def _num(v: Any) -> Any:
    """A number as numpy float64 (division by zero gives inf, not an exception)."""
    if isinstance(v, np.ndarray):
        return v.astype(np.float64)
    return np.float64(v)


def _number_text(x: float) -> str:
    """A number as Excel formula text (exponent notation only for huge numbers).

    >>> _number_text(1e7), _number_text(1e-9), _number_text(1.7), _number_text(-5.0), _number_text(1e306)
    ('10000000', '0.000000001', '1.7', '-5', '1E+306')
    """
    if abs(x) >= 1e15:
        mantissa, exponent = f"{x:.15E}".split("E")
        return (
            mantissa.rstrip("0").rstrip(".")
            + "E"
            + ("+" if int(exponent) >= 0 else "-")
            + str(abs(int(exponent)))
        )
    if float(x).is_integer():
        return str(int(x))
    return np.format_float_positional(float(x), trim="-")


def _x(value: Any) -> _X:
    """A literal (number, TRUE/FALSE or text) as an expression."""
    if isinstance(value, _X):
        return value
    if isinstance(value, bool | np.bool_):
        return _X("TRUE" if value else "FALSE", bool(value), literal=True)
    if isinstance(value, str):
        return _X('"' + value.replace('"', '""') + '"', value, literal=True)
    text = _number_text(float(value))
    return _X(text, np.float64(value), _ADD if text.startswith("-") else _ATOM, literal=True)


BLANK = _X('""', np.nan, literal=True)  # an empty text inside an array formula


def _wrap(e: _X, prec: int, strict: bool) -> str:
    return f"({e.xl})" if e.prec < prec or (strict and e.prec == prec) else e.xl


def _binary(a: Any, b: Any, op: str, prec: int, fn: Callable[[Any, Any], Any]) -> _X:
    a, b = _x(a), _x(b)
    values = [
        v if isinstance(v, str) else _num(v) if not isinstance(v, bool | np.bool_) else v for v in (a.v, b.v)
    ]
    return _X(f"{_wrap(a, prec, False)}{op}{_wrap(b, prec, True)}", fn(*values), prec, a.arr or b.arr)


def _call(name: str, args: Iterable[Any], value: Any) -> _X:
    xs = [_x(a) for a in args]
    return _X(f"{name}({','.join(a.xl for a in xs)})", value, _ATOM, any(a.arr for a in xs))


def IF(
    condition: Any, then: Any, otherwise: Any
) -> _X:  # Excel's names, so the builders read like the formulas
    c, a, b = _x(condition), _x(then), _x(otherwise)
    if any(np.ndim(e.v) for e in (c, a, b)):
        value = np.where(c.v, a.v, b.v) if np.ndim(c.v) else (a.v if c.v else b.v)
    else:
        value = a.v if bool(c.v) else b.v
    return _call("IF", (c, a, b), value)


def AND(*args: Any) -> _X:
    return _call("AND", args, all(bool(_x(a).v) for a in args))


def OR(*args: Any) -> _X:
    return _call("OR", args, any(bool(_x(a).v) for a in args))


def MIN(*args: Any) -> _X:
    return _call("MIN", args, np.float64(min(np.min(_x(a).v) for a in args)))


def MAX(*args: Any) -> _X:
    return _call("MAX", args, np.float64(max(np.max(_x(a).v) for a in args)))


def SUM(arg: _X) -> _X:
    return _call("SUM", (arg,), np.float64(np.sum(arg.v)))


def _unary(name: str, fn: Callable[[Any], Any]) -> Callable[[Any], _X]:
    def apply(arg: Any) -> _X:
        a = _x(arg)
        return _call(name, (a,), fn(_num(a.v)))

    return apply


INT = _unary("INT", np.floor)
EXP = _unary("EXP", np.exp)
LN = _unary("LN", np.log)
SQRT = _unary("SQRT", np.sqrt)
ABS = _unary("ABS", np.abs)
TRANSPOSE = _unary("TRANSPOSE", np.transpose)


def MOD(a: Any, b: Any) -> _X:
    return _call("MOD", (a, b), np.mod(_num(_x(a).v), _num(_x(b).v)))


def ROUND(a: Any) -> _X:  # (to whole numbers, halves away from zero as Excel does)
    v = _num(_x(a).v)
    return _call("ROUND", (a, 0), np.sign(v) * np.floor(np.abs(v) + 0.5))


def CEILING(a: Any) -> _X:  # (to the next whole number)
    return _call("CEILING", (a, 1), np.ceil(_num(_x(a).v)))


def MMULT(a: _X, b: _X) -> _X:
    return _call("MMULT", (a, b), np.matmul(_num(a.v), _num(b.v)))


def INDEX(area: _X, position: Any) -> _X:  # (1-based, in a column)
    k = int(_x(position).v)
    values = np.asarray(area.v).ravel()
    return _X(f"INDEX({area.xl},{_x(position).xl})", values[k - 1] if 1 <= k <= values.size else np.nan)


def _whole(x: _X) -> _X:
    """x rounded to a whole number, halves to even (numpy's rule, which the model uses).

    >>> [float(_whole(_x(v)).v) for v in (2.5, 3.5, 420.00000000000006, 7.4)]
    [2.0, 4.0, 420.0, 7.0]
    """
    return IF((x - INT(x)).eq(0.5), INT(x) + MOD(INT(x), 2), ROUND(x))


# --- Layout and formats -----------------------------------------------------------------


class Basis(Enum):
    CLAIMED = "As claimed (Conservative off)"
    DEFENSIBLE = "Defensible (Phillips conservative rules)"
    YOURS = "On this scenario's basis (the Conservative input)"


@dataclass(frozen=True)
class _Col:
    basis: Basis
    option: Option

    @property
    def fmt(self) -> Format:
        return Format.MICRO if self.option is Option.MICRO else Format.ILT

    @property
    def index(self) -> int:
        return 2 + list(Basis).index(self.basis) * 3 + list(Option).index(self.option)


WORKING = tuple(_Col(b, o) for b in (Basis.CLAIMED, Basis.DEFENSIBLE) for o in Option)
YOURS = tuple(_Col(Basis.YOURS, o) for o in Option)
PURE = tuple(c for c in WORKING if c.option is not Option.BLEND)


class _Formats:
    """The workbook's cell formats, money in the scenario's currency."""

    def __init__(self, book: Workbook, currency: str):
        add = book.add_format
        self.currency = currency
        self.title = add({"bold": True, "font_size": 13})
        self.header = add(
            {"bold": True, "bg_color": "#DCE6F1", "bottom": 1, "text_wrap": True, "valign": "top"}
        )
        self.group = add({"bold": True, "bg_color": "#DCE6F1", "align": "center", "border": 1})
        self.section = add({"bold": True, "bg_color": "#F2F2F2", "top": 1})
        self.text = add({"text_wrap": True, "valign": "top"})
        self.note = add({"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"})
        self.money = add({"num_format": money_format(currency)})
        self.money_cents = add({"num_format": money_format(currency, 2)})
        self.number = add({"num_format": "#,##0.0###"})
        self.whole = add({"num_format": "#,##0"})
        self.one_decimal = add({"num_format": "#,##0.0"})
        self.factor = add({"num_format": "0.0000"})
        self.general = add({})
        input_look = {"bg_color": "#FFF2CC", "border": 1, "border_color": "#BFBFBF"}
        self.input = add(input_look)
        self.input_money = add({**input_look, "num_format": money_format(currency)})
        self.input_money_cents = add({**input_look, "num_format": money_format(currency, 2)})
        self.input_whole = add({**input_look, "num_format": "#,##0"})

    def named(self, kind: str) -> Any:
        return getattr(self, kind)


def _cached(value: Any) -> Any:
    """A value as a cell stores it: float, bool or text; a non-finite number as the error
    Excel would show (#NUM!), which the tests look for."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return bool(value)
    x = float(value)
    return x if math.isfinite(x) else "#NUM!"


def _write(ws: Worksheet, row: int, col: int, e: _X, cell_format: Any) -> None:
    """One cell: a literal as a value, else a formula (an array formula if it reads a range)."""
    if e.literal:
        ws.write(row, col, _cached(e.v), cell_format)
    elif e.arr:
        ws.write_array_formula(row, col, row, col, "{=" + e.xl + "}", cell_format, _cached(e.v))
    else:
        ws.write_formula(row, col, "=" + e.xl, cell_format, _cached(e.v))


def _write_column(ws: Worksheet, first_row: int, col: int, e: _X, cell_format: Any) -> None:
    """An array formula filling len(e.v) rows of one column, each cell with its value."""
    _write_array(ws, first_row, col, _X(e.xl, np.asarray(e.v).reshape(-1, 1), e.prec, True), cell_format)


def _write_array(ws: Worksheet, first_row: int, first_col: int, e: _X, cell_format: Any) -> None:
    """An array formula over the range its value's shape covers, each cell with its value
    (a blank where the formula gives the empty text)."""
    values = np.atleast_2d(np.asarray(e.v, dtype=np.float64))
    rows, cols = values.shape
    ws.write_array_formula(
        first_row, first_col, first_row + rows - 1, first_col + cols - 1, "{=" + e.xl + "}", cell_format,
        _cached_cell(values[0, 0]),
    )  # fmt: skip
    for (r, c), v in np.ndenumerate(values):
        if (r, c) == (0, 0):
            continue
        if math.isnan(v):
            ws.write_blank(first_row + r, first_col + c, None, cell_format)
        else:
            ws.write_number(first_row + r, first_col + c, float(v), cell_format)


def _cached_cell(v: Any) -> Any:
    return "" if isinstance(v, float) and math.isnan(v) else _cached(v)


# --- The Inputs sheet -------------------------------------------------------------------


def _unit_text(spec: InputSpec, currency: str) -> str:
    if spec.widget == "toggle":
        return "TRUE/FALSE"
    if spec.unit == "money":
        return currency
    if spec.unit == "money/hour":
        return f"{currency} per hour"
    return spec.unit


def _choices(name: str) -> tuple[str, ...]:
    import typing

    return tuple(typing.get_args(Scenario.model_fields[name].annotation))


def _write_inputs(book: Workbook, ws: Worksheet, f: _Formats, scenario: Scenario) -> dict[str, _X]:
    """The Inputs sheet; returns each field's named cell as an expression."""
    headers = (
        "Input",
        "Value",
        "Unit",
        "Group",
        "Name in formulas",
        "Evidence grade",
        "Allowed values and notes",
    )
    widths = (50, 14, 14, 16, 30, 14, 70)
    for col, (text, width) in enumerate(zip(headers, widths, strict=True)):
        ws.write_string(0, col, text, f.header)
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 1)
    cells: dict[str, _X] = {}
    for row, spec in enumerate(INPUTS.values(), start=1):
        value = getattr(scenario, spec.name)
        name = input_name(spec.name)
        ws.write_string(row, 0, input_title(spec.name), f.text)
        ws.write_string(row, 2, _unit_text(spec, scenario.currency), f.text)
        ws.write_string(row, 3, spec.group, f.text)
        ws.write_string(row, 4, name, f.text)
        ws.write_string(row, 5, spec.grade.value, f.text)
        note = UNUSED.get(spec.name, "").format(currency=scenario.currency)
        if isinstance(value, bool):
            ws.write_boolean(row, 1, value, f.input)
            allowed = "TRUE (on) or FALSE (off)."
        elif isinstance(value, str):
            ws.write_string(row, 1, value, f.input)
            choices = _choices(spec.name)
            allowed = "One of: " + ", ".join(choices) + "."
            ws.data_validation(
                row, 1, row, 1,
                {"validate": "list", "source": list(choices), "error_title": "Not a choice",
                 "error_message": allowed[:255]},
            )  # fmt: skip
        else:
            lo, hi = spec.minimum, spec.maximum
            whole = isinstance(spec.default, int)
            if spec.unit in ("money", "money/hour"):
                cell_format = f.input_money_cents if (spec.step or 1) < 1 else f.input_money
            else:
                cell_format = f.input_whole if whole else f.input
            ws.write_number(row, 1, float(value), cell_format)
            allowed = f"{'A whole number' if whole else 'A number'} from {lo:,} to {hi:,}."
            ws.data_validation(
                row, 1, row, 1,
                {"validate": "integer" if whole else "decimal", "criteria": "between", "minimum": lo,
                 "maximum": hi, "error_title": "Out of range", "error_message": allowed,
                 "input_title": input_title(spec.name)[:32], "input_message": (spec.help or spec.label)[:255]},
            )  # fmt: skip
        ws.write_string(
            row,
            6,
            " ".join(t for t in (allowed, note, spec.help if spec.help != spec.label else "") if t),
            f.note,
        )
        book.define_name(name, f"=Inputs!$B${row + 1}")
        cells[spec.name] = _X(name, value if isinstance(value, bool | str) else np.float64(value))
    return cells


# --- The Model sheet --------------------------------------------------------------------


@dataclass
class _Model:
    """Rows of the Model sheet: each key's cell in each column, as expressions."""

    ws: Worksheet
    f: _Formats
    i: dict[str, _X]  # named input cells
    currency: str
    segments: Worksheet
    segment_rows: int
    row: int = 2
    external: bool = False
    cells: dict[tuple[str, _Col], _X] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)

    def section(self, title: str) -> None:
        self.row += 1
        for col in range(0, 11):
            self.ws.write_blank(self.row, col, None, self.f.section)
        self.ws.write_string(self.row, 0, title, self.f.section)
        self.row += 1

    def add(
        self,
        key: str,
        label: str,
        unit: str,
        kind: str,
        build: Callable[[_Col], _X],
        columns: tuple[_Col, ...] = WORKING,
        at: int | None = None,
    ) -> None:
        row = self.row if at is None else at
        self.ws.write_string(row, 0, label, self.f.text)
        self.ws.write_string(row, 1, unit.replace("money", self.currency), self.f.text)
        for col in columns:
            e = build(col)
            _write(self.ws, row, col.index, e, self.f.named(kind))
            self.cells[key, col] = _X(xl_rowcol_to_cell(row, col.index), e.v)
        self.rows[key] = row
        if at is None:
            self.row += 1

    def __call__(self, key: str, col: _Col) -> _X:
        if self.external:
            return self.absolute(key, col)
        return self.cells[key, col]

    @contextmanager
    def from_other_sheet(self) -> Iterator[None]:
        """Within this block, cells are named with their sheet (for formulas on other sheets)."""
        self.external = True
        try:
            yield
        finally:
            self.external = False

    def of(self, key: str, col: _Col, fmt: Format) -> _X:
        """The per-format row `key` of `fmt` on `col`'s basis."""
        return self.cells[key, _Col(col.basis, Option.MICRO if fmt is Format.MICRO else Option.ILT)]

    def absolute(self, key: str, col: _Col) -> _X:
        e = self.cells[key, col]
        return _X("Model!" + xl_rowcol_to_cell(self.rows[key], col.index, True, True), e.v)


def _skeptic_rules(i: dict[str, _X]) -> dict[str, _X]:
    """Inputs as the model reads them with the Skeptic switch: a vendor-claim default the user
    has not changed is replaced by the published value (`calculators.skeptic`)."""
    out: dict[str, _X] = {}
    for sv in SKEPTIC_VALUES:
        if INPUTS[sv.field].grade in {Grade.C, Grade.D}:
            out[sv.field] = IF(
                AND(i["skeptic"], i[sv.field].eq(INPUTS[sv.field].default)), sv.value, i[sv.field]
            )
    return out


def _input_of(i: dict[str, _X], fmt: Format, name: str, fallback: float) -> _X:
    source = format_field(fmt, name)
    return _x(fallback) if source is None else i[source]


def _track_total(m: _Model, col: _Col, fmt: Format, n: _X) -> _X:
    """C(n) = fixed + per learner·n + CEILING(n / seats)·per class; 0 for no learners."""
    steps = IF(
        m.of("per_class", col, fmt).gt(0),
        CEILING(n / m.of("class_size", col, fmt)) * m.of("per_class", col, fmt),
        0,
    )
    return IF(n.gt(0), m.of("fixed", col, fmt) + m.of("per_learner", col, fmt) * n + steps, 0)


def _track_yearly(m: _Model, col: _Col, fmt: Format, n: _X) -> _X:
    """Paid at the start of each later year: refresh + n · nudges · cost per nudge / horizon."""
    per_year = (
        m.of("refresh", col, fmt)
        + n * m.of("nudges", col, fmt) * m.of("per_nudge", col, fmt) / m.i["horizon_years"]
    )
    return IF(n.gt(0), per_year, 0)


def _segment_parameter(m: _Model, col: _Col, n: _X, family: str) -> _X:
    """Curve parameter of segment n (0-based): p·g^n, at most 10^7 days, or for the power law
    a / g^n, at least 10^−9 (`retention._segment_parameters`); n may be an array. Written
    as p·g^min(n, n*), with n* the segment from which the limit holds, so an array formula
    names each segment once."""
    p, g = m("parameter", col), m.i["spacing_gain"]
    limit = m("limit_segment", col)
    capped = IF(n.gt(limit), limit, n)
    if family == "power law":
        return EXP(LN(p) - capped * LN(g))
    return EXP(LN(p) + capped * LN(g))


def _curve_segment_parameter(m: _Model, col: _Col, n: _X) -> _X:
    """Segment n's parameter for the scenario's curve."""
    return IF(
        m.i["retention_curve"].eq("power law"),
        _segment_parameter(m, col, n, "power law"),
        _segment_parameter(m, col, n, "exponential"),
    )


def _segment_area(m: _Model, col: _Col, n: _X, days: _X) -> _X:
    """∫ R(t) dt over a segment of `days` days with segment n's parameter, per family:

    exponential S(1 − e^(−L/S)); power law ((1 + L)^(1−a) − 1) / (1 − a), or ln(1 + L) when
    a is within 10^−9 of 1; FSRS-style (2·81/19)·S·(√(1 + (19/81)·L/S) − 1)."""
    stable = _segment_parameter(m, col, n, "exponential")
    exponent = _segment_parameter(m, col, n, "power law")
    exponential = stable * (1 - EXP(-days / stable))
    power = IF(
        ABS(1 - exponent).lt(1e-9), LN(1 + days), (EXP((1 - exponent) * LN(1 + days)) - 1) / (1 - exponent)
    )
    fsrs = stable * (_x(2) * 81 / 19) * (SQRT(1 + _x(19) / 81 * days / stable) - 1)
    curve = m.i["retention_curve"]
    return IF(curve.eq("exponential"), exponential, IF(curve.eq("power law"), power, fsrs))


def _curve_parameter(m: _Model, col: _Col) -> _X:
    """The family's parameter with R(reference day) = retained share r (`retention.calibrate`)."""
    r, d = m("retained_share", col), m.i["retention_reference_day"]
    exponential = IF(r.ge(1), MAX_STABILITY_DAYS, MIN(-d / LN(r), MAX_STABILITY_DAYS))
    power = IF(r.ge(1), MIN_POWER_EXPONENT, MAX(-LN(r) / LN(1 + d), MIN_POWER_EXPONENT))
    fsrs = IF(r.ge(1), MAX_STABILITY_DAYS, MIN(_x(19) / 81 * d / (r**-2 - 1), MAX_STABILITY_DAYS))
    assert math.isclose(19 / 81, FSRS_FACTOR)
    curve = m.i["retention_curve"]
    return IF(curve.eq("exponential"), exponential, IF(curve.eq("power law"), power, fsrs))


def _model_workings(m: _Model) -> None:
    """Every row from the basis to each option's costs and benefits (the Model's workings)."""
    i = m.i
    sk = _skeptic_rules(i)
    H = i["horizon_years"]  # noqa: N806

    def eff(fmt: Format, name: str) -> _X:
        source = format_field(fmt, name)
        assert source is not None
        return sk.get(source, i[source])

    m.section("Basis")
    m.add("conservative", "Conservative rules applied (first-year benefits, fully loaded costs, × confidence)",
          "TRUE/FALSE", "general", lambda c: _x(c.basis is Basis.DEFENSIBLE))  # fmt: skip
    m.add("loaded", "Fully loaded costs (seat time, classes, refresh)", "TRUE/FALSE", "general",
          lambda c: OR(i["fully_loaded"], m("conservative", c)))  # fmt: skip
    m.add("benefit_years", "Years of benefits counted", "years", "whole",
          lambda c: IF(m("conservative", c), 1, H))  # fmt: skip
    m.add("learners", "Learners (whole people)", "learners", "whole", lambda c: _whole(i["learners"]))
    m.add("monthly_rate", "Monthly discount rate: (1 + yearly rate)^(1/12) − 1", "share", "factor",
          lambda c: (1 + i["discount_rate_pct"] / 100) ** (_x(1) / 12) - 1)  # fmt: skip

    m.section("Inputs as the model reads them (the Skeptic switch replaces unchanged vendor claims)")
    m.add("retained_pct", "Knowledge retained at the reference day", "%", "number",
          lambda c: eff(c.fmt, "retention_pct"), PURE)  # fmt: skip
    m.add("gain_pct", "Productivity gain", "%", "number", lambda c: eff(c.fmt, "productivity_gain_pct"), PURE)
    m.add("avoided_pct", "Incidents avoided", "%", "number", lambda c: eff(c.fmt, "risk_reduction_pct"), PURE)
    m.add("revenue_multiplier", "Revenue per training dollar", "×", "number",
          lambda c: sk.get("revenue_per_training_dollar", i["revenue_per_training_dollar"]), PURE)  # fmt: skip

    m.section("Cost line of each format: C(N) = fixed + per learner × N + CEILING(N / seats) × per class")
    m.add("nudges", "Nudges per learner over the horizon: CEILING(horizon days / interval) − 1", "nudges", "whole",
          lambda c: IF(_input_of(i, c.fmt, "nudge_days", 0).gt(0),
                       MAX(CEILING(H * 365 / _input_of(i, c.fmt, "nudge_days", 0)) - 1, 0), 0), PURE)  # fmt: skip
    m.add("per_nudge", "Cost of one nudge per learner (learner time included when fully loaded)", "money per nudge",
          "money_cents", lambda c: i["cost_per_nudge"] + IF(m("loaded", c), i["nudge_minutes"] / 60 * i["loaded_hourly_cost"], 0),
          PURE)  # fmt: skip
    m.add("fixed", "Fixed cost (development; refresh for the later years when fully loaded)", "money", "money",
          lambda c: IF(m("loaded", c), _input_of(i, c.fmt, "fixed_cost", 0) + _input_of(i, c.fmt, "refresh_per_year", 0) * (H - 1),
                       _input_of(i, c.fmt, "fixed_cost", 0)), PURE)  # fmt: skip

    def per_learner(c: _Col) -> _X:
        base = _input_of(i, c.fmt, "cost_per_learner", 0) + m("nudges", c) * m("per_nudge", c)
        return IF(m("loaded", c), base + _input_of(i, c.fmt, "seat_hours", 0) * i["loaded_hourly_cost"], base)

    m.add("per_learner", "Cost per learner (nudges; seat time when fully loaded)", "money per learner",
          "money_cents", per_learner, PURE)  # fmt: skip
    m.add("class_size", "Seats per class", "learners", "whole",
          lambda c: _x(1) if c.fmt is Format.MICRO else IF(m("loaded", c), i["ilt_class_size"], 1), PURE)  # fmt: skip
    m.add("per_class", "Cost per class (counted when fully loaded)", "money", "money",
          lambda c: _x(0) if c.fmt is Format.MICRO else IF(m("loaded", c), i["ilt_cost_per_class"], 0), PURE)  # fmt: skip
    m.add("refresh", "Content refresh paid each later year (when fully loaded)", "money per year", "money",
          lambda c: IF(m("loaded", c), _input_of(i, c.fmt, "refresh_per_year", 0), 0), PURE)  # fmt: skip
    m.add("full_scale_cost", "Cost with every learner on this format", "money", "money",
          lambda c: _track_total(m, c, c.fmt, m("learners", c)), PURE)  # fmt: skip
    m.add("full_scale_per_learner", "Cost per learner with every learner on this format", "money per learner",
          "money_cents", lambda c: m("full_scale_cost", c) / m("learners", c), PURE)  # fmt: skip

    m.section("Retention: the forgetting curve calibrated at the reference day, nudges reset it")
    m.add("retained_share", "Retained at the reference day, as a share (at most 1)", "share", "factor",
          lambda c: MIN(m("retained_pct", c) / 100, 1), PURE)  # fmt: skip
    m.add("parameter", "Curve parameter (stability in days; the power law's decay exponent)", "days or exponent",
          "number", lambda c: _curve_parameter(m, c), PURE)  # fmt: skip

    def limit_segment(c: _Col) -> _X:
        p, log_g = m("parameter", c), LN(i["spacing_gain"])
        power = (LN(p) - LN(MIN_POWER_EXPONENT)) / log_g
        stable = (LN(MAX_STABILITY_DAYS) - LN(p)) / log_g
        limit = IF(i["retention_curve"].eq("power law"), power, stable)
        return IF(log_g.gt(0), limit, 0)

    m.add("limit_segment", "Segment from which nudges no longer change the parameter (its limit; 0 without gain)",
          "segments", "number", limit_segment, PURE)  # fmt: skip
    m.add("retention_days", "Days over which benefits are counted", "days", "whole",
          lambda c: m("benefit_years", c) * 365, PURE)  # fmt: skip
    m.add("nudge_days", "Nudge every", "days", "whole", lambda c: _input_of(i, c.fmt, "nudge_days", 0), PURE)
    m.add("nudged", "Nudges fall inside those days", "TRUE/FALSE", "general",
          lambda c: AND(m("nudge_days", c).gt(0), m("nudge_days", c).lt(m("retention_days", c))), PURE)  # fmt: skip
    m.add("whole_intervals", "Whole intervals between nudges (0 without nudges)", "intervals", "whole",
          lambda c: IF(m("nudged", c), INT(m("retention_days", c) / m("nudge_days", c)), 0), PURE)  # fmt: skip
    m.add("rest_days", "Days after the last whole interval (every day when there are no nudges)", "days", "whole",
          lambda c: m("retention_days", c) - m("whole_intervals", c) * m("nudge_days", c), PURE)  # fmt: skip
    sums = _segment_sums(m)
    rows = m.segment_rows
    row_count = _X("Segment_rows", np.float64(rows))
    m.add("whole_area", f"Area under the curve over the whole intervals (the first {rows:,}, on the Segments sheet)",
          "days", "number", lambda c: sums[c], PURE)  # fmt: skip
    m.add("beyond", "Whole intervals beyond the Segments sheet", "intervals", "whole",
          lambda c: MAX(0, m("whole_intervals", c) - row_count), PURE)  # fmt: skip
    m.add("parameter_beyond", f"Curve parameter of interval {rows:,} (numbered from 0)", "days or exponent", "number",
          lambda c: _curve_segment_parameter(m, c, row_count), PURE)  # fmt: skip
    m.add("parameter_last", "Curve parameter of the last whole interval (equal when the cap is reached)",
          "days or exponent", "number",
          lambda c: _curve_segment_parameter(m, c, m("whole_intervals", c) - 1), PURE)  # fmt: skip
    m.add("beyond_area", "Area of each interval beyond the sheet (the parameter no longer changes there)", "days",
          "number", lambda c: _segment_area(m, c, row_count, m("nudge_days", c)), PURE)  # fmt: skip
    m.add("rest_area", "Area of the last, partial interval", "days", "number",
          lambda c: IF(m("rest_days", c).gt(0.000000000001),
                       _segment_area(m, c, m("whole_intervals", c), m("rest_days", c)), 0), PURE)  # fmt: skip

    def mean(c: _Col) -> _X:
        area = m("whole_area", c) + m("beyond", c) * m("beyond_area", c) + m("rest_area", c)
        too_many = AND(m("beyond", c).gt(0), m("parameter_beyond", c).ne(m("parameter_last", c)))
        return IF(too_many, TOO_MANY_NUDGES, MIN(1, MAX(0, area / m("retention_days", c))))

    m.add("mean_retention", "Mean retention over the benefit days (area under the curve / days)", "share",
          "factor", mean, PURE)  # fmt: skip

    m.section("Benefits per learner per year, before and after the Phillips adjustments")
    m.add("revenue", "Revenue multiplier: × cost per learner / horizon (0 when off)", "money per learner per year",
          "money_cents", lambda c: IF(i["revenue_on"], m("revenue_multiplier", c) * m("full_scale_per_learner", c) / H, 0), PURE)  # fmt: skip
    turnover = IF(i["turnover_bottom_up"],
                  i["turnover_rate_pct"] / 100 * i["turnover_reduction_pct"] / 100 * i["replacement_cost"],
                  i["turnover_saving_5y"] / 5)  # fmt: skip
    m.add("turnover", "Turnover savings (0 when off)", "money per learner per year", "money_cents",
          lambda c: IF(i["turnover_on"], turnover, 0), PURE)  # fmt: skip
    m.add("productivity", "Productivity gain × yearly output value (0 when off)", "money per learner per year",
          "money_cents", lambda c: IF(i["productivity_on"], m("gain_pct", c) / 100 * i["output_value_per_employee"], 0), PURE)  # fmt: skip
    onboarding = (
        i["new_hire_pct"] / 100 * i["onboarding_weeks_saved"] * HOURS_PER_WEEK * i["loaded_hourly_cost"]
    )
    m.add("onboarding", "Faster onboarding: new-hire share × weeks saved × 40 h × hourly cost (0 when off)",
          "money per learner per year", "money_cents", lambda c: IF(i["onboarding_on"], onboarding, 0), PURE)  # fmt: skip
    m.add("risk", "Risk reduction: incidents × share avoided × cost per incident (0 when off)",
          "money per learner per year", "money_cents",
          lambda c: IF(i["risk_on"], i["incidents_per_100_learners"] / 100 * m("avoided_pct", c) / 100 * i["cost_per_incident"], 0),
          PURE)  # fmt: skip
    m.add("gross", "Gross benefit", "money per learner per year", "money_cents",
          lambda c: m("revenue", c) + m("turnover", c) + m("productivity", c) + m("onboarding", c) + m("risk", c), PURE)  # fmt: skip
    m.add("completion", "× completion", "share", "factor",
          lambda c: _input_of(i, c.fmt, "completion_pct", 0) / 100, PURE)  # fmt: skip
    m.add("attribution", "× share due to training", "share", "factor", lambda c: i["attribution_pct"] / 100, PURE)  # fmt: skip
    m.add("confidence", "× confidence (conservative rules only)", "share", "factor",
          lambda c: IF(m("conservative", c), i["confidence_pct"] / 100, 1), PURE)  # fmt: skip
    m.add("application", "× share applied on the job", "share", "factor", lambda c: i["application_pct"] / 100, PURE)  # fmt: skip
    m.add("retention", "× mean retention (when benefits are weighted by retention)", "share", "factor",
          lambda c: IF(i["decay_weighting"], m("mean_retention", c), 1), PURE)  # fmt: skip
    m.add("adjusted", "Benefit after the adjustments", "money per learner per year", "money_cents",
          lambda c: m("gross", c) * (m("completion", c) * m("attribution", c) * m("confidence", c)
                                     * m("application", c) * m("retention", c)), PURE)  # fmt: skip

    m.section(
        "Each option: learners on each track, costs and benefits (pure formats are the blend's corners)"
    )

    def on_ilt(c: _Col) -> _X:
        if c.option is Option.MICRO:
            return _x(0)
        if c.option is Option.ILT:
            return m("learners", c)
        return _whole(MIN(MAX(i["blend_ilt_share_pct"] / 100, 0), 1) * m("learners", c))

    m.add("on_ilt", "Learners on the instructor-led track (a share rounded to whole people, halves to even)",
          "learners", "whole", on_ilt)  # fmt: skip
    m.add("on_micro", "Learners on the microlearning track", "learners", "whole",
          lambda c: m("learners", c) - m("on_ilt", c))  # fmt: skip
    m.add(
        "ilt_share",
        "Share on the instructor-led track",
        "share",
        "factor",
        lambda c: m("on_ilt", c) / m("learners", c),
    )
    m.add("micro_total", "Microlearning track: cost over the horizon", "money", "money",
          lambda c: _track_total(m, c, Format.MICRO, m("on_micro", c)))  # fmt: skip
    m.add("micro_yearly", "Microlearning track: paid at the start of each later year", "money per year", "money",
          lambda c: _track_yearly(m, c, Format.MICRO, m("on_micro", c)))  # fmt: skip
    m.add("ilt_total", "Instructor-led track: cost over the horizon", "money", "money",
          lambda c: _track_total(m, c, Format.ILT, m("on_ilt", c)))  # fmt: skip
    m.add("ilt_yearly", "Instructor-led track: paid at the start of each later year", "money per year", "money",
          lambda c: _track_yearly(m, c, Format.ILT, m("on_ilt", c)))  # fmt: skip
    m.add(
        "costs", "Costs over the horizon", "money", "money", lambda c: m("micro_total", c) + m("ilt_total", c)
    )
    m.add("yearly", "Paid at the start of each later year", "money per year", "money",
          lambda c: m("micro_yearly", c) + m("ilt_yearly", c))  # fmt: skip
    m.add("upfront", "Paid up front (month 0)", "money", "money",
          lambda c: (m("micro_total", c) - m("micro_yearly", c) * (H - 1)) + (m("ilt_total", c) - m("ilt_yearly", c) * (H - 1)))  # fmt: skip

    def mixed(key: str) -> Callable[[_Col], _X]:
        return lambda c: (
            (1 - m("ilt_share", c)) * m.of(key, c, Format.MICRO)
            + m("ilt_share", c) * m.of(key, c, Format.ILT)
        )

    m.add(
        "gross_mix", "Gross benefit per learner", "money per learner per year", "money_cents", mixed("gross")
    )
    m.add("adjusted_mix", "Benefit per learner after the adjustments", "money per learner per year", "money_cents",
          mixed("adjusted"))  # fmt: skip
    m.add(
        "annual",
        "Benefits per year",
        "money per year",
        "money",
        lambda c: m("adjusted_mix", c) * m("learners", c),
    )
    m.add("benefits", "Benefits over the years counted", "money", "money",
          lambda c: m("annual", c) * m("benefit_years", c))  # fmt: skip
    m.add(
        "net", "Net benefit (benefits − costs)", "money", "money", lambda c: m("benefits", c) - m("costs", c)
    )


def _cash_flows(book: Workbook, ws: Worksheet, f: _Formats, m: _Model) -> dict[_Col, tuple[_X, _X]]:
    """The Cash flows sheet; returns each column's (net, cumulative discounted net) ranges.

    The cumulative discounted net of month k is C_k = −upfront − yearly · Y_k + (A/12) · B_min(k, 12·years
    counted), with B_k = Σ_{1≤i≤k} d_i (discount factors of the benefit months) and Y_k = Σ d_12j over
    the later years' payments up to month k: the running sum of the net flows × d, computed once
    for all options (one MMULT with the lower-triangular matrix of months)."""
    first, last = 2, 2 + MONTHS - 1
    headers = (("Month", ""), ("Discount factor", "d = (1 + m)^−month"),
               ("Σ d, benefit months", "months 1 … k"), ("Σ d, later years' payments", "months 12, 24, … ≤ k"))  # fmt: skip
    for col, (top, below) in enumerate(headers):
        ws.write_string(0, col, top, f.header)
        ws.write_string(1, col, below, f.header)
    ws.set_column(0, 0, 8)
    ws.set_column(1, 3, 15)
    months = np.arange(MONTHS, dtype=np.float64).reshape(-1, 1)
    for k in range(MONTHS):
        ws.write_number(first + k, 0, k, f.whole)
    book.define_name("Month_numbers", f"='Cash flows'!$A${first + 1}:$A${last + 1}")
    month = _X("Month_numbers", months, arr=True)
    factor_expr = (1 + m.absolute("monthly_rate", WORKING[0])) ** -month
    _write_column(ws, first, 1, factor_expr, f.factor)
    book.define_name("Discount_factor", f"='Cash flows'!$B${first + 1}:$B${last + 1}")
    factor = _X("Discount_factor", factor_expr.v, arr=True)
    horizon = m.i["horizon_years"]
    in_horizon = month.le(12 * horizon)
    payment = MOD(month, 12).eq(0) * month.gt(0) * month.lt(12 * horizon)
    first_column, second_column = (
        _X("{1,0}", np.array([[1.0, 0.0]]), arr=True),
        _X("{0,1}", np.array([[0.0, 1.0]]), arr=True),
    )
    which = month.ge(1) * first_column + payment * second_column
    running = MMULT(month.ge(TRANSPOSE(month)) * 1, factor * which)
    _write_array(ws, first, 2, running, f.factor)
    benefit_sums = _X(f"'Cash flows'!$C${first + 1}:$C${last + 1}", running.v[:, :1], arr=True)
    payment_sums = _X(f"'Cash flows'!$D${first + 1}:$D${last + 1}", running.v[:, 1:], arr=True)
    out: dict[_Col, tuple[_X, _X]] = {}
    for n, c in enumerate(WORKING):
        net_col, cum_col = 4 + 2 * n, 5 + 2 * n
        ws.merge_range(0, net_col, 0, cum_col, f"{c.basis.value.split(' (')[0]}: {c.option.label}", f.group)
        ws.write_string(1, net_col, f"Net cash flow ({m.currency})", f.header)
        ws.write_string(1, cum_col, f"Cumulative discounted net ({m.currency})", f.header)
        ws.set_column(net_col, cum_col, 16)

        def a(key: str, c: _Col = c) -> _X:
            return m.absolute(key, c)

        benefit_months = 12 * a("benefit_years")
        benefit = (month.ge(1) * month.le(benefit_months)) * (a("annual") / 12)
        net_expr = IF(in_horizon, benefit - (month.eq(0) * a("upfront") + payment * a("yearly")), BLANK)
        _write_column(ws, first, net_col, net_expr, f.money)
        net = _X(f"'Cash flows'!{_span(net_col, first, last)}", net_expr.v, arr=True)
        benefit_sum = IF(month.le(benefit_months), benefit_sums, INDEX(benefit_sums, benefit_months + 1))
        cumulative = -a("upfront") - a("yearly") * payment_sums + a("annual") / 12 * benefit_sum
        cum_expr = IF(in_horizon, cumulative, BLANK)
        _write_column(ws, first, cum_col, cum_expr, f.money)
        out[c] = (net, _X(f"'Cash flows'!{_span(cum_col, first, last)}", cum_expr.v, arr=True))
    ws.freeze_panes(2, 1)
    return out


def _span(col: int, first: int, last: int) -> str:
    """An absolute range of one column, rows first..last (0-based)."""
    name = xl_col_to_name(col)
    return f"${name}${first + 1}:${name}${last + 1}"


def _returns_over_time(m: _Model, flows: dict[_Col, tuple[_X, _X]]) -> None:
    """NPV and the discounted payback month from the Cash flows sheet."""
    i = m.i
    month = _X("Month_numbers", np.arange(MONTHS, dtype=np.float64).reshape(-1, 1), arr=True)
    factor = _X("Discount_factor", ((1 + m("monthly_rate", WORKING[0])) ** -month).v, arr=True)
    in_horizon = month.le(12 * i["horizon_years"])
    m.section("Net present value and discounted payback (from the Cash flows sheet)")
    m.add("npv", "Net present value: Σ net cash flow × discount factor", "money", "money",
          lambda c: SUM(IF(in_horizon, flows[c][0], 0) * factor))  # fmt: skip
    m.add("last_negative", "Last month the cumulative discounted net is below zero (−1: never)", "month", "whole",
          lambda c: MAX(IF(in_horizon, flows[c][1].lt(0) * (month + 1), 0)) - 1)  # fmt: skip
    m.add("before", "Cumulative discounted net in that month", "money", "money",
          lambda c: IF(m("last_negative", c).ge(0), INDEX(flows[c][1], m("last_negative", c) + 1), 0))  # fmt: skip
    m.add("after", "… and in the next month", "money", "money",
          lambda c: IF(AND(m("last_negative", c).ge(0), m("last_negative", c).lt(12 * i["horizon_years"])),
                       INDEX(flows[c][1], m("last_negative", c) + 2), 0))  # fmt: skip


RESULTS = (
    ("roi", "ROI", "ROI: (benefits − costs) / costs × 100", "%", "one_decimal"),
    ("npv_result", "NPV", "Net present value", "money", "money"),
    ("payback", "Payback", "Payback, discounted (the month the cumulative discounted net turns positive)", "months", "one_decimal"),
    ("payback_undiscounted", "Payback_undiscounted", "Payback, undiscounted: costs / (benefits per year / 12)", "months",
     "one_decimal"),
    ("bcr", "BCR", "Benefit-cost ratio: benefits / costs", "×", "number"),
    ("costs_result", "Costs", "Costs over the horizon", "money", "money"),
    ("benefits_result", "Benefits", "Benefits over the years counted (after the adjustments, undiscounted)", "money",
     "money"),
)  # fmt: skip


def _results(book: Workbook, m: _Model, top: int) -> None:
    """The returns at the top of the Model sheet, named, on both bases and the scenario's own."""
    y = m.i["horizon_years"]
    build: dict[str, Callable[[_Col], _X]] = {
        "roi": lambda c: _ratio(m("benefits", c) - m("costs", c), m("costs", c), 100),
        "npv_result": lambda c: m("npv", c),
        "payback": lambda c: IF(
            m("last_negative", c).lt(0),
            0,
            IF(
                m("last_negative", c).ge(12 * y),
                NONE,
                m("last_negative", c) + -m("before", c) / (m("after", c) - m("before", c)),
            ),
        ),  # fmt: skip
        "payback_undiscounted": lambda c: _undiscounted_payback(m, c),
        "bcr": lambda c: _ratio(m("benefits", c), m("costs", c), 1),
        "costs_result": lambda c: m("costs", c),
        "benefits_result": lambda c: m("benefits", c),
    }
    conservative = m.i["conservative"]
    m.ws.write_string(top - 1, 0, "Returns", m.f.section)
    for col in range(1, 11):
        m.ws.write_blank(top - 1, col, None, m.f.section)
    for offset, (key, prefix, label, unit, kind) in enumerate(RESULTS):
        row = top + offset
        m.add(key, label, unit, kind, build[key], at=row)
        m.add(key, label, unit, kind,
              lambda c, key=key: IF(conservative, m(key, _Col(Basis.DEFENSIBLE, c.option)),
                                    m(key, _Col(Basis.CLAIMED, c.option))), YOURS, at=row)  # fmt: skip
        for c in (*WORKING, *YOURS):
            suffix = {Basis.CLAIMED: "_claimed", Basis.DEFENSIBLE: "_defensible", Basis.YOURS: ""}[c.basis]
            book.define_name(f"{prefix}_{OPTION_TAGS[c.option]}{suffix}",
                             "=Model!" + xl_rowcol_to_cell(row, c.index, True, True))  # fmt: skip


def _ratio(numerator: _X, costs: _X, times: float) -> _X:
    """numerator / costs × times; none without costs, or where the quotient would overflow
    (the model's 'not finite': costs of a few 10^−300, say)."""
    too_big = (ABS(numerator) / HUGE).gt(costs)
    return IF(costs.gt(0), IF(too_big, NONE, numerator / costs * times), NONE)


def _undiscounted_payback(m: _Model, c: _Col) -> _X:
    """costs / (annual / 12) months; 0 without costs; none without benefits or after they stop
    (tested first as costs / months counted > 2 × monthly benefits, so the quotient never overflows)."""
    monthly = m("annual", c) / 12
    counted = 12 * m("benefit_years", c)
    months = m("costs", c) / monthly
    late = (m("costs", c) / counted).gt(2 * monthly)
    within = IF(late, NONE, IF(months.le(counted), months, NONE))
    return IF(monthly.gt(0), IF(m("costs", c).gt(0), within, 0), NONE)


def _write_model(
    ws: Worksheet, f: _Formats, i: dict[str, _X], currency: str, segments: Worksheet, rows: int
) -> _Model:
    ws.write_string(
        0, 0, "Model: every figure is a formula on the Inputs sheet ('none': no such figure)", f.title
    )
    ws.write_string(1, 0, "Figure", f.header)
    ws.write_string(1, 1, "Unit", f.header)
    ws.write_string(0, 1, "", f.header)
    for basis in Basis:
        c0 = _Col(basis, Option.MICRO).index
        ws.merge_range(0, c0, 0, c0 + 2, basis.value, f.group)
        for option in Option:
            ws.write_string(1, _Col(basis, option).index, option.label, f.header)
    ws.set_column(0, 0, 70)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 10, 15)
    ws.freeze_panes(2, 2)
    top = 3
    m = _Model(ws, f, i, currency, segments, rows, row=top + len(RESULTS))
    _model_workings(m)
    return m


# --- Series, Sources, Segments ------------------------------------------------------------


def series_learners(scenario: Scenario) -> np.ndarray:
    """Learner counts of the Series sheet: the dashboard chart's range (`charts.chart_range`),
    every whole count when there are at most `SERIES_POINTS`, else that many evenly spaced
    (`charts.learner_grid`'s rule with fewer points: a sheet to read and re-plot, not a
    screen's worth of pixels).

    >>> n = series_learners(Scenario())
    >>> int(n[0]), int(n[-1]), n.size
    (0, 2000, 201)
    """
    top = chart_range(cost_summary(scenario))
    if top + 1 <= SERIES_POINTS:
        return learner_grid(top)
    return np.unique(np.round(np.linspace(0, top, SERIES_POINTS)))


def _write_series(
    ws: Worksheet, f: _Formats, m: _Model, flows: dict[_Col, tuple[_X, _X]], scenario: Scenario
) -> None:
    """Total cost against learners and the cumulative discounted net by month, on the scenario's basis."""
    conservative = m.i["conservative"]
    grid = series_learners(scenario)
    ws.merge_range(0, 0, 0, 2, "Total cost against learners (learner counts fixed at export; costs are live formulas)",
                   f.group)  # fmt: skip
    ws.write_string(1, 0, "Learners", f.header)
    first = 2
    learners = _X(f"$A${first + 1}:$A${first + grid.size}", grid.reshape(-1, 1), arr=True)
    for k, n in enumerate(grid):
        ws.write_number(first + k, 0, float(n), f.whole)
    for col, fmt in ((1, Format.MICRO), (2, Format.ILT)):
        ws.write_string(1, col, f"{fmt.label} ({scenario.currency})", f.header)

        def line(basis: Basis, fmt: Format = fmt) -> _X:
            c = _Col(basis, Option.MICRO if fmt is Format.MICRO else Option.ILT)
            a = lambda key: m.absolute(key, c)  # noqa: E731
            steps = IF(a("per_class").gt(0), CEILING(learners / a("class_size")) * a("per_class"), 0)
            return a("fixed") + a("per_learner") * learners + steps

        _write_column(ws, first, col, IF(conservative, line(Basis.DEFENSIBLE), line(Basis.CLAIMED)), f.money)
    ws.merge_range(
        0, 4, 0, 7, "Cumulative discounted net benefit by month (live formulas from Cash flows)", f.group
    )
    ws.write_string(1, 4, "Month", f.header)
    for k in range(MONTHS):
        ws.write_number(first + k, 4, k, f.whole)
    for n, option in enumerate(Option):
        ws.write_string(1, 5 + n, f"{option.label} ({scenario.currency})", f.header)
        claimed, defensible = flows[_Col(Basis.CLAIMED, option)][1], flows[_Col(Basis.DEFENSIBLE, option)][1]
        _write_column(ws, first, 5 + n, IF(conservative, defensible, claimed), f.money)
    ws.set_column(0, 0, 10)
    ws.set_column(1, 2, 22)
    ws.set_column(3, 3, 3)
    ws.set_column(4, 4, 8)
    ws.set_column(5, 7, 22)
    ws.freeze_panes(2, 0)


def _write_sources(ws: Worksheet, f: _Formats, scenario: Scenario, link: str | None) -> None:
    ws.write_string(0, 0, "Sources and evidence grades", f.title)
    ws.write_string(1, 0, "Scenario link (opens these inputs in the dashboard)", f.text)
    link = "".join(ch for ch in (link or "") if unicodedata.category(ch) != "Cc")  # no control characters
    if link:
        cut = link[: MAX_LINK_CHARS - 40] + " … (cut: too long for a cell)"
        ws.write_string(1, 1, link if len(link) <= MAX_LINK_CHARS else cut, f.text)
    else:
        ws.write_string(1, 1, "No link was given at export.", f.note)
    headers = (
        "Input",
        "Group",
        "Default",
        "Unit",
        "Source of the default",
        "Evidence grade",
        "What the grade means",
    )
    widths = (48, 16, 14, 14, 90, 14, 44)
    row = 3
    for col, (text, width) in enumerate(zip(headers, widths, strict=True)):
        ws.write_string(row, col, text, f.header)
        ws.set_column(col, col, width)
    ws.freeze_panes(row + 1, 1)
    for spec in INPUTS.values():
        row += 1
        ws.write_string(row, 0, input_title(spec.name), f.text)
        ws.write_string(row, 1, spec.group, f.text)
        default = spec.default
        if isinstance(default, bool):
            ws.write_boolean(row, 2, default, f.general)
        elif isinstance(default, str):
            ws.write_string(row, 2, default, f.text)
        else:
            ws.write_number(row, 2, float(default), f.money if spec.unit == "money" else f.general)
        ws.write_string(row, 3, _unit_text(spec, scenario.currency), f.text)
        ws.write_string(row, 4, spec.source, f.text)
        ws.write_string(row, 5, spec.grade.value, f.text)
        ws.write_string(row, 6, GRADE_MEANING[spec.grade], f.text)
    row += 2
    ws.write_string(
        row, 0, "Published values the Skeptic switch uses (when the default is unchanged)", f.section
    )
    row += 1
    for col, text in enumerate(
        ("Input", "", "Published value", "", "Source", "Evidence grade", "What the grade means")
    ):
        ws.write_string(row, col, text, f.header)
    for sv in SKEPTIC_VALUES:
        row += 1
        ws.write_string(row, 0, input_title(sv.field), f.text)
        ws.write_number(row, 2, sv.value, f.general)
        ws.write_string(row, 4, sv.source, f.text)
        ws.write_string(row, 5, sv.grade.value, f.text)
        ws.write_string(row, 6, GRADE_MEANING[sv.grade], f.text)
    row += 2
    ws.write_string(row, 0, "Source documents", f.section)
    for doc in SOURCE_DOCUMENTS:
        row += 1
        ws.write_string(row, 0, doc.citation, f.text)
        ws.write_string(row, 4, doc.used_for, f.text)
    row += 2
    ws.write_string(row, 0, "Evidence grades", f.section)
    for grade, meaning in GRADE_MEANING.items():
        row += 1
        ws.write_string(row, 0, grade.value, f.text)
        ws.write_string(row, 4, meaning, f.text)


def segment_rows(scenario: Scenario) -> int:
    """Rows the Segments sheet needs: the whole intervals between nudges of either format
    on either basis, and at least `MIN_SEGMENT_ROWS`.

    >>> segment_rows(Scenario()), segment_rows(Scenario(horizon_years=10, micro_nudge_days=2))
    (366, 1825)
    """
    need = 0
    for fmt in Format:
        every = scenario.format(fmt).nudge_days
        for years in (scenario.horizon_years, 1):
            days = 365 * years
            if 0 < every < days:
                need = max(need, days // every)
    return max(need, MIN_SEGMENT_ROWS)


def _write_segments(book: Workbook, ws: Worksheet, f: _Formats, rows: int) -> None:
    """Segment numbers 0, 1, … read by the retention formulas."""
    ws.write_string(0, 0, "Segment", f.header)
    ws.set_column(0, 0, 10)
    for k in range(rows):
        ws.write_number(k + 1, 0, k, f.whole)
    book.define_name("Segment_numbers", f"=Segments!$A$2:$A${rows + 1}")
    ws.write_string(4, 2, "Rows of segment numbers", f.text)
    ws.write_number(4, 3, rows, f.whole)
    book.define_name("Segment_rows", "=Segments!$D$5")
    ws.freeze_panes(1, 0)


def _segment_sums(m: _Model) -> dict[_Col, _X]:
    """Area under the forgetting curve over each format's whole intervals between nudges,
    on both bases at once: one array formula per format on the Segments sheet,
    Σ_{n < whole intervals} area(segment n, interval length), over the sheet's rows."""
    ws, f = m.segments, m.f
    headers = ("Format", "Whole intervals, as claimed", "Whole intervals, defensible",
               "Area over them (days), as claimed", "Area over them (days), defensible")  # fmt: skip
    for k, text in enumerate(headers):
        ws.write_string(0, 2 + k, text, f.header)
    ws.set_column(2, 2, 16)
    ws.set_column(3, 6, 18)
    n = _X("Segment_numbers", np.arange(m.segment_rows, dtype=np.float64).reshape(-1, 1), arr=True)
    out: dict[_Col, _X] = {}
    for row, fmt in enumerate(Format, start=1):
        claimed, defensible = (_Col(b, FORMAT_COLUMN[fmt]) for b in (Basis.CLAIMED, Basis.DEFENSIBLE))
        ws.write_string(row, 2, fmt.label, f.text)
        for k, c in enumerate((claimed, defensible)):
            _write(ws, row, 3 + k, m.absolute("whole_intervals", c), f.whole)
        whole = _X(
            f"$D${row + 1}:$E${row + 1}",
            np.array(
                [[m("whole_intervals", claimed).v, m("whole_intervals", defensible).v]], dtype=np.float64
            ),
            arr=True,
        )
        with m.from_other_sheet():
            area = _segment_area(m, claimed, n, m("nudge_days", claimed))
        _write_array(ws, row, 5, MMULT(TRANSPOSE(area), n.lt(whole) * 1), f.number)
        sums = np.atleast_2d(MMULT(TRANSPOSE(area), n.lt(whole) * 1).v)
        for k, c in enumerate((claimed, defensible)):
            out[c] = _X(f"Segments!{xl_rowcol_to_cell(row, 5 + k, True, True)}", sums[0, k])
    return out


# --- The workbook -----------------------------------------------------------------------


def _build(scenario: Scenario, link: str | None, target: io.BytesIO) -> _Model:
    book = xlsxwriter.Workbook(
        target, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    book.set_properties(
        {"title": "Training ROI Studio: scenario workbook", "comments": "Live formulas; see Model."}
    )
    sheets = {name: book.add_worksheet(name) for name in SHEETS}
    f = _Formats(book, scenario.currency)
    with np.errstate(all="ignore"):
        i = _write_inputs(book, sheets["Inputs"], f, scenario)
        rows = segment_rows(scenario)
        _write_segments(book, sheets["Segments"], f, rows)
        m = _write_model(sheets["Model"], f, i, scenario.currency, sheets["Segments"], rows)
        flows = _cash_flows(book, sheets["Cash flows"], f, m)
        _returns_over_time(m, flows)
        _results(book, m, top=3)
        _write_series(sheets["Series"], f, m, flows, scenario)
    _write_sources(sheets["Sources"], f, scenario, link)
    sheets["Inputs"].activate()
    book.close()
    return m


def workbook_bytes(scenario: Scenario, *, link: str | None = None) -> bytes:
    """The scenario as an .xlsx workbook whose Model sheet recomputes every return from the
    Inputs sheet (see the module docstring for the sheets); `link` is written on Sources.

    The ROI, NPV and payback cells equal `calculators.roi.all_returns(scenario)` (to
    floating-point rounding), on the scenario's basis and on both bases the dashboard shows.
    """
    target = io.BytesIO()
    _build(scenario, link, target)
    return target.getvalue()


def _cached_results(scenario: Scenario) -> dict[str, Any]:
    """The values the workbook stores in its named result cells (for tests and doctests)."""
    m = _build(scenario, None, io.BytesIO())
    out: dict[str, Any] = {}
    for key, prefix, *_ in RESULTS:
        for c in (*WORKING, *YOURS):
            suffix = {Basis.CLAIMED: "_claimed", Basis.DEFENSIBLE: "_defensible", Basis.YOURS: ""}[c.basis]
            out[f"{prefix}_{OPTION_TAGS[c.option]}{suffix}"] = _cached(m(key, c).v)
    return out
