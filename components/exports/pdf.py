"""The PDF executive brief: the recommendation, its figures on both bases, the charts behind
it, the assumptions that matter with their sources and grades, the date and the link.

Pure Python (fpdf2; no Streamlit). Every figure is computed the way the screens compute it,
and written with the screens' formatters (`components.words.formatting`), so the brief and the
Executive summary say the same numbers:

- the recommendation is the app's own `components.work.answer.answer_of` (the verdict, and the
  chance of loss from 10,000 seeded draws within the user's ranges), the Executive
  summary's answer without its cache;
- the key figures are each option's returns as claimed (Conservative off) and defensible
  (Phillips conservative rules: first-year benefits × confidence, fully loaded costs):
  ROI = (benefits − costs) ÷ costs, net present value of the monthly flows at the
  scenario's discount rate, the discounted payback month; chance of loss and costs on the
  scenario's own basis;
- the assumptions that matter are the top bars of the tornado of the recommended option's
  net present value (`calculators.sensitivity.tornado`), each with the value the model
  reads, the range tried, its source and its evidence grade;
- the budget plan, once the Budget planner has one (`components.work.budget_plan.SharedPlan`):
  the planner's headline, one row per program with its choice, cost and expected NPV and the
  totals, and the plan's P10/P50/P90 and chance of loss from the per-draw sums.

Charts are drawn by `components.exports.images` (kaleido and Chromium), one after another on
its one small browser, which is closed as soon as the brief's charts are drawn (unless another
session is drawing). Where no browser can draw them, each chart's place says so
(`export_images.NO_BROWSER`), under the chart's own message, and the brief is otherwise complete.

Text uses DejaVu Sans when it is installed (every currency symbol, "−", "≈"); without it,
the core Helvetica font and a Latin-1 spelling of each character (`latin1_text`).

>>> from calculators.scenario import Scenario
>>> pdf = brief_pdf(Scenario(), link="https://roi.example/?learners=1000", charts=False)
>>> pdf[:5], len(pdf) > 10_000
(b'%PDF-', True)
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from calculators.evidence import skeptic_values
from calculators.model import Option, effective
from calculators.ranges import all_triangles
from calculators.scenario import GRADE_MEANING, INPUTS, Grade, Scenario
from calculators.sensitivity import TornadoBar, tornado
from calculators.summary import cost_summary
from components.charts.cost_charts import cost_curves_figure
from components.charts.model_charts import cumulative_net_figure
from components.charts.risk_charts import tornado_figure
from components.charts.spec import Chart, spec
from components.charts.theme import PRESENT_SIZES, unwrap
from components.exports import images as export_images
from components.words.budget_words import PLAN_COLUMNS, cap_words, headline, plan_rows
from components.words.formatting import input_value, learners, money, months, percent, plural
from components.words.messages import basis_line, cost_basis, driver_sentence
from components.work.answer import SUMMARY_DRAWS, SUMMARY_SEED, Answer, answer_of
from components.work.budget_plan import SharedPlan

LOSS_DRAWS = SUMMARY_DRAWS  # the brief's chance of loss is the screen's (`components.work.answer.answer_of`)
LOSS_SEED = SUMMARY_SEED
TOP_ASSUMPTIONS = 6  # rows of "the assumptions that matter"
TORNADO_BARS = 8  # bars in the brief's tornado chart
# width, height, scale: 16:9 across the A4 text width (180 mm), so presentation-sized type
# (axis 18 px, title 28 px) prints at ~9 pt and ~14 pt (`chart_type_points`)
CHART_PIXELS = (960, 540, 2)
A4_WIDTH_MM = 210.0


def chart_type_points(pixels: float) -> float:
    """The printed size (pt) of `pixels` of type in a brief's chart, which spans the A4 page
    between its margins: pixels × text width (mm) / chart width (px) × 72 / 25.4.

    >>> round(chart_type_points(18), 1), round(chart_type_points(28), 1)
    (9.2, 14.4)
    """
    return pixels * (A4_WIDTH_MM - 2 * MARGIN_MM) / CHART_PIXELS[0] * 72 / 25.4


FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
UNICODE_FONT, CORE_FONT = "DejaVu", "helvetica"

INK = (31, 41, 51)  # theme.INK
MUTED = (75, 85, 99)  # theme.AXIS_TEXT: 7.6:1 on white
PANEL = (243, 244, 246)
LINK_BLUE = (29, 78, 216)
MARGIN_MM = 18

_LATIN1 = {
    "−": "-", "–": "-", "—": "-", "‑": "-", "€": "EUR ", "₹": "INR ", "≈": "~", "×": "x", "÷": "/",
    "≤": "<=", "≥": ">=", "→": "->", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "•": "-",
    "\u202f": " ", "\u2009": " ",
}  # fmt: skip


def latin1_text(text: str) -> str:
    """`text` in the Latin-1 characters of fpdf2's core fonts (used when no DejaVu is installed).

    >>> latin1_text("−€2,500 ≈ ₹220,000 · £1 · ¥5 🚀")
    '-EUR 2,500 ~ INR 220,000 · £1 · ¥5 ?'
    """
    spelled = "".join(_LATIN1.get(ch, ch) for ch in text)
    return spelled.encode("latin-1", "replace").decode("latin-1")


def unicode_fonts() -> dict[str, Path] | None:
    """DejaVu Sans regular and bold, where installed (None when either is missing)."""
    for folder in FONT_DIRS:
        paths = {style: folder / name for style, name in FONT_FILES.items()}
        if all(p.is_file() for p in paths.values()):
            return paths
    return None


def long_date(day: datetime.date) -> str:
    """A date as a reader writes it.

    >>> long_date(datetime.date(2026, 2, 10))
    '10 February 2026'
    """
    return f"{day.day} {day:%B %Y}"


def _clickable(link: str) -> bool:
    """Only web addresses become live links (never `javascript:` or `file:`)."""
    return bool(re.match(r"https?://[^\s]+$", link, flags=re.IGNORECASE))


@dataclass(frozen=True)
class BriefFigures(Answer):
    """Everything the brief states, computed once (pure; no drawing): the app's `Answer`
    (returns on both bases, verdict, chance of loss, headline) and the tornado behind it."""

    base_npv: float = 0.0
    bars: list[TornadoBar] = field(default_factory=list)


def brief_figures(
    scenario: Scenario, ranges: Mapping[str, tuple[float, float]] | None = None, answer: Answer | None = None
) -> BriefFigures:
    """The figures of the brief, as `components.work.answer.the_answer` and the Executive summary compute
    them: `answer` is the screen's own (its verdict, simulation settings and pilot), else the
    answer with the default simulation settings and no pilot.

    >>> f = brief_figures(Scenario())
    >>> f.option.label, f.decision.advice, f.claimed[f.option].npv > f.defensible[f.option].npv
    ('Microlearning', 'go', True)
    """
    overrides = dict(ranges or {})
    answer = answer or answer_of(scenario, overrides)  # the app's own answer: one computation, not a copy
    base, bars = tornado(scenario, answer.option, "NPV", overrides)
    return BriefFigures(
        scenario,
        answer.decision,
        answer.chance_of_loss,
        answer.simulation,
        answer.pilot_plan,
        base,
        bars,
    )


def key_figures(f: BriefFigures) -> list[tuple[str, dict[Option, str]]]:
    """The KPI table's rows: a label and each option's figure, formatted as on screen.

    >>> rows = dict(key_figures(brief_figures(Scenario())))
    >>> rows["ROI as claimed"][Option.MICRO], rows["Payback (discounted), as claimed"][Option.MICRO]
    ('890.0 %', '3 months')
    """
    cur = f.scenario.currency
    basis = "defensible" if f.scenario.conservative else "as claimed"
    n = f.scenario.learners

    def each(value: Callable[[Option], str]) -> dict[Option, str]:
        return {o: value(o) for o in Option}

    return [
        ("ROI as claimed", each(lambda o: percent(f.claimed[o].roi_pct))),
        ("ROI, defensible", each(lambda o: percent(f.defensible[o].roi_pct))),
        ("Net present value, as claimed", each(lambda o: money(f.claimed[o].npv, cur))),
        ("Net present value, defensible", each(lambda o: money(f.defensible[o].npv, cur))),
        ("Payback (discounted), as claimed", each(lambda o: months(f.claimed[o].discounted_payback_month))),
        (
            "Payback (discounted), defensible",
            each(lambda o: months(f.defensible[o].discounted_payback_month)),
        ),
        (f"Chance of loss ({basis})", each(lambda o: percent(100 * f.chance_of_loss[o]))),
        (f"Total cost at {learners(n)} learners", each(lambda o: money(f.screen[o].costs, cur))),
        ("Cost per learner", each(lambda o: money(f.screen[o].costs / n, cur))),
    ]


@dataclass(frozen=True)
class Assumption:
    """One input that moves the answer: as the brief's table shows it."""

    label: str
    value: str
    range_tried: str
    npv_range: str
    source: str
    grade: str


def assumptions_that_matter(f: BriefFigures, top: int = TOP_ASSUMPTIONS) -> list[Assumption]:
    """The inputs that move the recommended option's net present value most, largest first.

    The value is the one the model reads (a default the Skeptic switch replaced reads as the
    published value, with that value's source and grade; a value the user changed is the
    user's own figure).

    >>> first = assumptions_that_matter(brief_figures(Scenario()))[0]
    >>> first.label, first.value, first.range_tried, first.grade
    ('Share of the gain due to training', '50.0 %', '25.0 % to 75.0 %', 'D: untraceable or illustrative placeholder')
    """
    cur = f.scenario.currency
    replaced = skeptic_values(f.scenario)
    triangles = all_triangles(effective(f.scenario), None)
    rows = []
    for bar in f.bars[:top]:
        spec = INPUTS[bar.field]
        if getattr(f.scenario, bar.field) != spec.default:
            source, grade = f"Your figure (the default came from: {spec.source})", Grade.YOURS
        elif bar.field in replaced:
            source, grade = replaced[bar.field].source, replaced[bar.field].grade
        else:
            source, grade = spec.source, spec.grade
        rows.append(
            Assumption(
                bar.label,
                input_value(bar.field, triangles[bar.field][1], cur),
                f"{input_value(bar.field, bar.low_input, cur)} to {input_value(bar.field, bar.high_input, cur)}",
                f"{money(bar.low_result, cur)} to {money(bar.high_result, cur)}",
                source,
                f"{grade.value}: {GRADE_MEANING[grade]}",
            )
        )
    return rows


def brief_charts(f: BriefFigures) -> list[Any]:
    """The brief's charts: the Executive summary's two (total cost with the crossover, cumulative
    discounted net benefit with payback) and the tornado of the recommended option's NPV."""
    cur = f.scenario.currency
    return [
        cost_curves_figure(cost_summary(f.scenario)),
        cumulative_net_figure(f.screen, cur),
        tornado_figure(f.base_npv, f.bars, "NPV", f.option, cur, top=TORNADO_BARS),
    ]


def _chart_message(fig: Any) -> str:
    """A chart's title (its message) as plain text."""
    layout = fig.layout if hasattr(fig, "layout") else fig.get("layout", {})
    title = layout.get("title", {}) if isinstance(layout, dict) else layout.title.to_plotly_json()
    text = title.get("text") if isinstance(title, dict) else None
    return re.sub(r"<[^>]*>", "", unwrap(text or "")).strip()


class _Brief(FPDF):
    """An A4 page with the brief's footer; text passes through `text_of` for the fallback font."""

    def __init__(self, when: datetime.date):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.when = when
        fonts = unicode_fonts()
        self.family = CORE_FONT
        if fonts:
            try:
                for style, path in fonts.items():
                    self.add_font(UNICODE_FONT, style, str(path))
                self.family = UNICODE_FONT
            except Exception:  # noqa: BLE001 - a damaged font file: fall back to the core font
                self.family = CORE_FONT
        self.set_margins(MARGIN_MM, 16, MARGIN_MM)
        self.set_auto_page_break(True, margin=18)
        self.set_text_color(*INK)

    def text_of(self, text: str) -> str:
        return text if self.family == UNICODE_FONT else latin1_text(text)

    def font(self, size: float, bold: bool = False, colour: tuple[int, int, int] = INK) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.set_text_color(*colour)

    def paragraph(
        self, text: str, size: float = 10, *, bold: bool = False, colour=INK, gap: float = 2
    ) -> None:
        self.font(size, bold, colour)
        self.multi_cell(0, size * 0.5, self.text_of(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        self.ln(gap)

    def heading(self, text: str, keep: float = 30) -> None:
        """A section heading, moved to the next page unless `keep` mm fit under it."""
        if self.will_page_break(keep + 10):  # never a heading alone at a page's foot
            self.add_page()
        self.ln(2)
        self.paragraph(text, 13, bold=True, gap=1.5)

    def footer(self) -> None:
        self.set_y(-12)
        self.font(8, colour=MUTED)
        self.cell(
            0, 5, self.text_of(f"Training ROI Studio · executive brief · {long_date(self.when)}"), align="L"
        )
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")


def _table(pdf: _Brief, widths: tuple[float, ...], align: tuple[str, ...], *, line_height: float,
           padding: tuple[float, float]) -> Any:  # fmt: skip
    """The brief's one table style: a bold heading row on the panel colour, horizontal rules,
    left-aligned on the page, as wide as its columns."""
    return pdf.table(
        col_widths=widths,
        text_align=align,
        first_row_as_headings=True,
        headings_style=FontFace(emphasis="BOLD", color=INK, fill_color=PANEL),
        borders_layout="HORIZONTAL_LINES",
        line_height=line_height,
        padding=padding,
        width=sum(widths),
        align="LEFT",
    )


def _kpi_table(pdf: _Brief, f: BriefFigures) -> None:
    options = list(Option)
    widths = (64, 36, 36, 36)
    bold = FontFace(emphasis="BOLD")
    pdf.font(9.5)
    with _table(
        pdf, widths, ("LEFT", "RIGHT", "RIGHT", "RIGHT"), line_height=5.6, padding=(0.8, 1.5)
    ) as table:
        head = table.row()
        head.cell("")
        for o in options:
            head.cell(pdf.text_of(o.label + ("\n(the answer)" if o is f.option else "")))
        for label, values in key_figures(f):
            row = table.row()
            row.cell(pdf.text_of(label))
            for o in options:
                row.cell(pdf.text_of(values[o]), style=bold if o is f.option else None)
    pdf.ln(1.5)
    basis = "defensible figures" if f.scenario.conservative else "figures as claimed"
    pdf.paragraph(
        f"In bold: {f.option.label.lower()}, the option the recommendation is about. ROI = (benefits − costs) "
        "÷ costs over the horizon. Defensible: the Phillips ROI Methodology's conservative rules (first-year "
        "benefits × confidence, fully loaded costs). Payback: the month in which discounted benefits so far "
        "repay every cost of the programme, rounded up to whole months ('—': not within the horizon). Chance "
        f"of loss and costs on this scenario's basis ({basis}): the share of {f.simulation.words}, every "
        "uncertain input drawn within its range, in which ROI is below 0.",
        8,
        colour=MUTED,
    )


def _assumptions_table(pdf: _Brief, f: BriefFigures) -> None:
    rows = assumptions_that_matter(f)
    if not rows:
        pdf.paragraph("No uncertain input moves the net present value within its range.", 10)
        return
    cur = f.scenario.currency
    pdf.paragraph(
        f"The inputs that move the net present value of {f.option.label.lower()} most (base "
        f"{money(f.base_npv, cur)}), each across its range with every other input at its value.",
        9,
        colour=MUTED,
    )
    widths = (32, 18, 27, 29, 44, 24)
    pdf.font(8)
    with _table(
        pdf, widths, ("LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT", "LEFT"), line_height=4, padding=(0.8, 1.2)
    ) as table:
        head = table.row()
        for title in (
            "Input",
            "Value used",
            "Range tried",
            "Net present value across it",
            "Source",
            "Evidence",
        ):
            head.cell(pdf.text_of(title))
        for a in rows:
            row = table.row()
            for text in (a.label, a.value, a.range_tried, a.npv_range, a.source, a.grade):
                row.cell(pdf.text_of(text))


def _budget_plan(pdf: _Brief, shared: SharedPlan, scenario: Scenario) -> None:
    """The "Budget plan" section: the planner's headline, the plan's table and its risk."""
    cur, answer = scenario.currency, shared.answer
    pdf.heading("Budget plan")
    pdf.paragraph(headline(answer.plan, answer.risk, shared.budget, cur), 11, bold=True, gap=2)
    if shared.cap is not None:
        words = cap_words(answer.plan, answer.uncapped, 100 * shared.cap, cur)
        if words:
            pdf.paragraph(words, 10, gap=2)
    rows = plan_rows(answer.plan, cur)
    if not rows:
        return
    widths = (62, 50, 32, 30)
    pdf.font(9)
    with _table(pdf, widths, ("LEFT", "LEFT", "RIGHT", "RIGHT"), line_height=5, padding=(0.8, 1.5)) as table:
        head = table.row()
        for title in PLAN_COLUMNS:
            head.cell(pdf.text_of(title))
        for k, cells in enumerate(rows):
            row = table.row()
            for text in cells:
                row.cell(pdf.text_of(text), style=FontFace(emphasis="BOLD") if k == len(rows) - 1 else None)
    pdf.ln(1.5)
    risk = answer.risk
    if risk is not None and risk.draws:
        pdf.paragraph(
            f"The plan's net present value over {risk.draws:,} simulated outcomes, each program's outcomes "
            f"added up draw by draw: P10 {money(risk.p10, cur)}, median (P50) {money(risk.p50, cur)}, P90 "
            f"{money(risk.p90, cur)}; chance of loss {percent(100 * risk.chance_of_loss)}.",
            10,
            gap=2,
        )
    pdf.paragraph(
        f"Budget {money(shared.budget, cur)}, for the programs' whole horizons. Costs: {cost_basis(scenario)}, at "
        "the most likely values, undiscounted. Expected NPV: the mean of each program's simulated outcomes "
        f"({answer.simulation.distribution}, draw set {answer.simulation.seed}).",
        8,
        colour=MUTED,
    )


def chart_pixels(fig: Any) -> tuple[int, int, float]:
    """Width, height and scale of `fig`'s picture in the brief: `CHART_PIXELS`, taller for a
    figure whose own height, grown with its type to presentation size (13 → 18 px), needs
    more (the tornado: a row per bar), at most 4:5.

    >>> from components.charts.theme import frame
    >>> chart_pixels(frame(Chart(), "T", x_title="x", y_title="y", height=420))
    (960, 540, 2)
    >>> chart_pixels(frame(Chart(), "T", x_title="x", y_title="y", height=520))
    (960, 665, 2)
    """
    width, height, scale = CHART_PIXELS
    own = _layout_height(fig)
    grown = round(own * PRESENT_SIZES["axis"] / 13) if own else 0
    return width, min(max(height, grown), round(0.8 * width)), scale


def _layout_height(fig: Any) -> int:
    layout = fig.layout if isinstance(fig, Chart) else spec(fig)["layout"]
    value = layout.get("height")
    return int(value) if isinstance(value, int | float) else 0


def _chart(pdf: _Brief, fig: Any, draw: Callable[..., bytes | None]) -> None:
    width, height, scale = chart_pixels(fig)
    w = pdf.epw
    h = w * height / width
    if pdf.will_page_break(h + 2):
        pdf.add_page()
    png = draw(fig, width=width, height=height, scale=scale)
    message = _chart_message(fig)
    if png:
        pdf.image(io.BytesIO(png), x=pdf.l_margin, w=w, h=h, alt_text=message or "Chart")
        pdf.ln(4)
        return
    reason = export_images.last_problem() or export_images.NO_BROWSER
    pdf.set_fill_color(*PANEL)
    pdf.font(10, bold=True)
    pdf.multi_cell(
        0, 5.5, pdf.text_of(message or "Chart"), fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT,
        align="L", padding=(3, 3, 1, 3),
    )  # fmt: skip
    pdf.font(9, colour=MUTED)
    pdf.multi_cell(
        0, 5, pdf.text_of(reason), fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L",
        padding=(0, 3, 3, 3),
    )  # fmt: skip
    pdf.ln(4)


def _link(pdf: _Brief, link: str) -> None:
    """The scenario's link, in full (a printed copy keeps it) and clickable when it is a web address."""
    live = _clickable(link)
    pdf.font(9, colour=MUTED)
    pdf.cell(
        0, 5, pdf.text_of("Scenario link (opens these inputs in Training ROI Studio):"),
        new_x=XPos.LMARGIN, new_y=YPos.NEXT,
    )  # fmt: skip
    pdf.font(8, colour=LINK_BLUE if live else MUTED)
    pdf.multi_cell(
        0, 4, pdf.text_of(link or "(no link given)"), link=link if live else None, align="L",
        new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.CHAR,
    )  # fmt: skip
    pdf.ln(2)


def brief_pdf(
    scenario: Scenario,
    *,
    link: str,
    when: datetime.date | None = None,
    charts: bool = True,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    draw: Callable[..., bytes | None] | None = None,
    answer: Answer | None = None,
    plan: SharedPlan | None = None,
) -> bytes:
    """The executive brief of `scenario` as PDF bytes (A4; three pages with charts).

    `answer`: the screen's answer (`components.work.answer.the_answer`), so the brief states the
    screen's verdict in its words, from the same simulation settings and pilot.

    `link` is the scenario's share link (printed in full under the title, and clickable when
    it is a web address), `when` the date printed (today by default), `ranges` the user's uncertainty
    ranges (as on screen; the defaults otherwise). With `charts=False` the brief leaves the
    charts out; otherwise each is drawn by `draw` (`export_images.chart_png` by default),
    and a chart that cannot be drawn is replaced by its message and the reason. `plan`: the
    Budget planner's plan, in a "Budget plan" section at the end (none without it).
    """
    when = when or datetime.date.today()
    draw = draw or export_images.chart_png
    f = brief_figures(scenario, ranges, answer)
    cur = scenario.currency

    pdf = _Brief(when)
    pdf.set_title("Training budget: executive brief")
    pdf.set_author("Training ROI Studio")
    pdf.set_creation_date(datetime.datetime.combine(when, datetime.time(12), tzinfo=datetime.UTC))
    pdf.add_page()

    pdf.paragraph("Training budget: executive brief", 20, bold=True, gap=1)
    pdf.paragraph(
        f"{long_date(when)} · {plural(scenario.learners, 'learner')} · over "
        f"{plural(scenario.horizon_years, 'year')} · amounts in {cur}",
        10,
        colour=MUTED,
        gap=1,
    )
    pdf.paragraph(basis_line(scenario), 9, colour=MUTED, gap=1.5)
    _link(pdf, link)

    pdf.heading("Recommendation")
    pdf.paragraph(f.headline, 12, bold=True, gap=2)
    driver = driver_sentence(f.bars, f.option, cur)
    if driver:
        pdf.paragraph(driver, 10, gap=2)

    pdf.heading("Key figures")
    _kpi_table(pdf, f)

    if charts:
        drawn = draw is not export_images.chart_png or export_images.charts_available()
        pdf.heading("Charts", keep=pdf.epw * CHART_PIXELS[1] / CHART_PIXELS[0] if drawn else 25)
        try:
            for fig in brief_charts(f):  # one at a time, on the one browser (`export_images.chart_png`)
                _chart(pdf, fig, draw)
        finally:
            if draw is export_images.chart_png:
                export_images.release()  # the brief's burst is over: no Chromium left beside the server

    pdf.heading("The assumptions that matter")
    _assumptions_table(pdf, f)

    if plan is not None:
        _budget_plan(pdf, plan, scenario)
    return bytes(pdf.output())
