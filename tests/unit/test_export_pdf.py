"""The PDF executive brief and chart PNGs (components/exports/pdf.py, components/exports/images.py).

The brief is read back with pypdf and compared with what the app itself computes and
formats (`components.work.answer.the_answer`, `components.work.answer.claimed_and_defensible`,
`components.words.formatting`), not with numbers copied into the test. Tests marked `browser`
draw real charts with kaleido and Chromium: skipped without Chromium, required in CI.
"""

from __future__ import annotations

import datetime
import io
import os
import re
import struct
import threading
import time
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from pypdf import PdfReader

from calculators.model import Option
from calculators.portfolio import Plan
from calculators.presets import load_presets
from calculators.scenario import INPUTS, Scenario
from calculators.sensitivity import tornado
from calculators.summary import cost_summary
from calculators.verdict import Simulation
from components.charts.cost_charts import cost_curves_figure
from components.exports import images as export_images
from components.exports import pdf as export_pdf
from components.words.budget_words import headline
from components.words.formatting import money, months, percent
from components.words.messages import crossover_headline
from components.work.answer import SUMMARY_DRAWS, SUMMARY_SEED, claimed_and_defensible, the_answer
from components.work.budget_plan import SCREEN_ID, SCREEN_NAME, ProgramSource, SharedPlan, shared_plan
from tests.strategies import valid_scenarios

WHEN = datetime.date(2026, 11, 23)
LINK = "https://roi.example/?v=1&learners=1000&currency=EUR"
CHROMIUM = Path("/usr/bin/chromium")
SCENARIOS = [
    Scenario(),
    Scenario(conservative=True, currency="EUR"),
    Scenario(learners=40, currency="INR"),
    Scenario(skeptic=True, fully_loaded=True, currency="JPY", learners=5_000),
]


def pdf_text(data: bytes) -> str:
    """All text of a PDF, runs of white space made one space."""
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def link_targets(data: bytes) -> list[str]:
    """The URI of every link annotation in a PDF."""
    uris = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


def image_count(data: bytes) -> int:
    """How many raster images the PDF's pages draw."""
    count = 0
    for page in PdfReader(io.BytesIO(data)).pages:
        xobjects = (page.get("/Resources") or {}).get("/XObject") or {}
        count += sum(1 for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image")
    return count


def white_png(width: int, height: int) -> bytes:
    """A valid all-white RGB PNG, built by hand (for a stand-in chart renderer)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\xff" * (3 * width) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR header."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


@pytest.fixture(autouse=True)
def _fresh_export_state():
    """No test inherits another's recent browser failure."""
    export_images._state["failure"], export_images._state["retry_at"] = None, 0.0
    yield
    export_images._state["failure"], export_images._state["retry_at"] = None, 0.0


@pytest.fixture
def no_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")


# --- the brief's content ------------------------------------------------------------------


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: f"{s.currency}-{s.learners}")
def test_brief_states_the_screen_answer_both_bases_link_and_date(scenario: Scenario):
    """The PDF carries the Executive summary's headline, every option's ROI, NPV and payback on
    both bases, the chance of loss and costs as the app formats them, the link and the date."""
    data = export_pdf.brief_pdf(scenario, link=LINK, when=WHEN, charts=False)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    answer = the_answer(scenario)
    assert answer.headline in text
    claimed, defensible = claimed_and_defensible(scenario)
    cur = scenario.currency
    rows = {
        "ROI as claimed": [percent(claimed[o].roi_pct) for o in Option],
        "ROI, defensible": [percent(defensible[o].roi_pct) for o in Option],
        "Net present value, as claimed": [money(claimed[o].npv, cur) for o in Option],
        "Net present value, defensible": [money(defensible[o].npv, cur) for o in Option],
        "Payback (discounted), as claimed": [months(claimed[o].discounted_payback_month) for o in Option],
        "Payback (discounted), defensible": [months(defensible[o].discounted_payback_month) for o in Option],
        "Chance of loss": [percent(100 * answer.chance_of_loss[o]) for o in Option],
        "learners": [money(answer.screen[o].costs, cur) for o in Option],
    }
    for label, values in rows.items():
        assert re.search(re.escape(label) + r"[^0-9−—-]*" + re.escape(" ".join(values)), text), label
    assert LINK in re.sub(r"\s", "", text)
    assert LINK in link_targets(data)
    assert "23 November 2026" in text


def _shared_plan(budget: float | None = None, cap: float | None = None) -> SharedPlan | None:
    """The scenario on screen and two case studies, as the Budget planner would plan them."""
    cases = [p for p in load_presets()[0] if p.name in ("Retail POS rollout", "Security champions")]
    sources = [ProgramSource(SCREEN_ID, SCREEN_NAME, Scenario())]
    sources += [ProgramSource(f"preset-{k}", p.name, p.scenario) for k, p in enumerate(cases)]
    return shared_plan(sources, Scenario(), Simulation(2_000, "triangular", 7), budget, (), cap)


def test_brief_with_a_budget_plan_states_its_headline_table_and_risk():
    """A "Budget plan" section: the planner's headline, each program's choice, cost and expected
    NPV, the plan's totals, its P10/P50/P90 and chance of loss, as the planner formats them."""
    shared = _shared_plan()
    assert shared is not None
    plan, risk = shared.answer.plan, shared.answer.risk
    assert isinstance(plan, Plan) and plan.funded and risk is not None
    text = pdf_text(export_pdf.brief_pdf(Scenario(), link=LINK, when=WHEN, charts=False, plan=shared))
    assert "Budget plan" in text
    assert headline(plan, risk, shared.budget, "USD") in text
    for name, choice in zip(plan.programs, plan.choices, strict=True):
        assert re.search(re.escape(f"{name} {choice.label} {money(choice.cost, 'USD')}"), text), name
        assert money(choice.expected_npv, "USD") in text
    assert f"{money(plan.cost, 'USD')} {money(plan.expected_npv, 'USD')}" in text
    for figure in (risk.p10, risk.p50, risk.p90):
        assert money(figure, "USD") in text
    assert f"chance of loss {percent(100 * risk.chance_of_loss)}" in text
    assert f"{risk.draws:,} simulated outcomes" in text


def test_brief_without_a_plan_has_no_budget_plan_and_no_plan_within_the_budget_says_why():
    assert "Budget plan" not in pdf_text(export_pdf.brief_pdf(Scenario(), link=LINK, when=WHEN, charts=False))
    cheap = _shared_plan(budget=1_000.0, cap=0.0)
    text = pdf_text(export_pdf.brief_pdf(Scenario(), link=LINK, when=WHEN, charts=False, plan=cheap))
    assert "Budget plan" in text and "With $1,000" in text


def test_brief_uses_the_summary_simulation():
    """Same draws and seed as the Executive summary's chance of loss."""
    assert (export_pdf.LOSS_DRAWS, export_pdf.LOSS_SEED) == (SUMMARY_DRAWS, SUMMARY_SEED)


def test_brief_names_the_assumptions_that_matter_with_source_and_grade():
    scenario = Scenario(currency="GBP")
    text = pdf_text(export_pdf.brief_pdf(scenario, link=LINK, when=WHEN, charts=False))
    _, bars = tornado(scenario, the_answer(scenario).option, "NPV")
    for bar in bars[: export_pdf.TOP_ASSUMPTIONS]:
        spec = INPUTS[bar.field]
        assert re.sub(r"\s+", " ", spec.source) in text, bar.field
        assert f"{spec.grade.value}: " in text
    assert bars[export_pdf.TOP_ASSUMPTIONS].label not in text.split("The assumptions that matter")[1]


def test_changed_input_is_shown_as_your_figure():
    """A value the user typed is theirs: the table no longer cites the default's grade for it."""
    base = Scenario()
    top = tornado(base, the_answer(base).option, "NPV")[1][0].field
    changed = base.with_changes(**{top: INPUTS[top].default * 0.9})
    rows = export_pdf.assumptions_that_matter(export_pdf.brief_figures(changed))
    row = next(r for r in rows if r.label == INPUTS[top].label or INPUTS[top].label in r.label)
    assert row.grade.startswith("Your figure") and row.source.startswith("Your figure")


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_scenarios())
def test_any_scenario_gives_a_brief_without_nan_or_inf(scenario: Scenario):
    text = pdf_text(export_pdf.brief_pdf(scenario, link=LINK, when=WHEN, charts=False))
    assert not re.search(r"\b(nan|inf|infinity)\b", text, flags=re.IGNORECASE)


# --- fonts and links ----------------------------------------------------------------------


def test_unicode_font_writes_currency_symbols_and_minus():
    assert export_pdf.unicode_fonts() is not None, "DejaVu Sans is expected on this machine"
    text = pdf_text(export_pdf.brief_pdf(Scenario(currency="EUR"), link=LINK, when=WHEN, charts=False))
    assert "€" in text and "−" in text


def test_without_a_unicode_font_symbols_are_spelled_not_crashed(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(export_pdf, "FONT_DIRS", ())
    scenario = Scenario(currency="INR")
    data = export_pdf.brief_pdf(scenario, link=LINK, when=WHEN, charts=False)
    text = pdf_text(data)
    claimed, _ = claimed_and_defensible(scenario)
    assert export_pdf.latin1_text(money(claimed[Option.ILT].npv, "INR")) in text  # "-INR 43,415"
    assert "₹" not in text and "−" not in text


def test_a_link_that_is_not_a_web_address_is_printed_but_not_live():
    hostile = "javascript:alert(document.cookie)"
    data = export_pdf.brief_pdf(Scenario(), link=hostile, when=WHEN, charts=False)
    assert hostile in re.sub(r"\s", "", pdf_text(data))
    assert link_targets(data) == []


def test_a_long_link_is_printed_whole_and_live():
    link = "https://roi.example/?" + "&".join(f"k{i}=v{i}" for i in range(300))[:1_950]
    data = export_pdf.brief_pdf(Scenario(), link=link, when=WHEN, charts=False)
    assert link in re.sub(r"\s", "", pdf_text(data))
    assert link in link_targets(data)


# --- charts in the brief, without a browser ------------------------------------------------


def test_without_a_browser_the_brief_says_so_and_keeps_everything_else(no_browser):
    scenario = Scenario()
    data = export_pdf.brief_pdf(scenario, link=LINK, when=WHEN)
    text = pdf_text(data)
    assert text.count(export_images.NO_BROWSER) == 3
    assert image_count(data) == 0
    assert crossover_headline(cost_summary(scenario)) in text  # each chart's message stays
    claimed, defensible = claimed_and_defensible(scenario)
    assert f"ROI as claimed {' '.join(percent(claimed[o].roi_pct) for o in Option)}" in text
    assert the_answer(scenario).headline in text


def test_charts_are_drawn_by_the_renderer_and_placed(monkeypatch: pytest.MonkeyPatch):
    """With a stand-in renderer: three charts asked at CHART_PIXELS and three images placed."""
    calls = []

    def draw(fig, *, width, height, scale):
        calls.append((width, height, scale))
        return white_png(width // 8 + len(calls), height // 8)  # three different images

    data = export_pdf.brief_pdf(Scenario(), link=LINK, when=WHEN, draw=draw)
    width, height, scale = export_pdf.CHART_PIXELS
    assert len(calls) == 3 and all(c[0] == width and c[2] == scale for c in calls)
    assert all(height <= c[1] <= 0.8 * width for c in calls)
    assert calls[2][1] > height, "the tornado's picture is taller: a row per bar"
    assert image_count(data) == 3
    assert "could not be drawn" not in pdf_text(data)


# --- chart PNGs without a browser ----------------------------------------------------------


def test_chart_png_without_a_browser_returns_none_at_once(no_browser):
    start = time.monotonic()
    assert export_images.chart_png(cost_curves_figure(cost_summary(Scenario()))) is None
    assert time.monotonic() - start < 2
    assert export_images.last_problem() == export_images.NO_BROWSER
    assert not export_images.charts_available()


def test_no_browser_on_the_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert export_images.browser_path() is None
    assert export_images.unavailable_reason() == export_images.NO_BROWSER


def test_a_browser_that_fails_to_start_is_reported_and_not_retried_at_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setenv("BROWSER_PATH", str(broken))
    monkeypatch.setattr(export_images, "START_TIMEOUT_S", 10.0)
    fig = cost_curves_figure(cost_summary(Scenario()))
    assert export_images.chart_png(fig) is None
    problem = export_images.last_problem()
    assert problem and problem.startswith("Charts could not be drawn on this server (image export failed")
    start = time.monotonic()
    assert export_images.chart_png(fig) is None  # within RETRY_AFTER_S: no second attempt
    assert time.monotonic() - start < 0.5 and export_images.last_problem() == problem
    assert export_images._state["browser"] is None


def test_a_stuck_browser_times_out(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    stuck = tmp_path / "chromium"
    stuck.write_text("#!/bin/sh\nsleep 5\n")
    stuck.chmod(0o755)
    monkeypatch.setenv("BROWSER_PATH", str(stuck))
    monkeypatch.setattr(export_images, "START_TIMEOUT_S", 1.0)
    start = time.monotonic()
    assert export_images.chart_png(cost_curves_figure(cost_summary(Scenario()))) is None
    assert time.monotonic() - start < 10
    assert "did not start within 1 s" in (export_images.last_problem() or "")


@pytest.mark.parametrize(
    "size", [{"width": 0}, {"height": 5_000}, {"width": True}, {"scale": 0}, {"scale": 9}]
)
def test_impossible_sizes_are_refused(size):
    with pytest.raises(ValueError):
        export_images.chart_png(cost_curves_figure(cost_summary(Scenario())), **size)


def test_slide_figure_is_white_slide_sized_with_room_sized_type():
    figures = export_pdf.brief_charts(export_pdf.brief_figures(Scenario(currency="EUR")))
    for fig in figures:
        before = fig.to_json()
        layout = export_images.slide_figure(fig)["layout"]
        assert (layout["width"], layout["height"]) == (1600, 900)
        assert layout["paper_bgcolor"] == layout["plot_bgcolor"] == "white"
        for name in ("xaxis", "yaxis"):
            assert layout[name]["tickfont"]["size"] >= 16 and layout[name]["automargin"] is True
        assert layout["title"]["font"]["size"] >= 24
        assert fig.to_json() == before  # the caller's figure is left alone


# --- real charts (Chromium) ----------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium():
    """Skip where Chromium is missing; in CI (CI set) it is required."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Chart export needs Debian's chromium in CI: apt-get install -y chromium")
        pytest.skip("Chart export needs Debian's chromium at /usr/bin/chromium")
    yield
    export_images._close_browser()


@pytest.mark.browser
def test_chart_png_is_a_slide_sized_png_on_white(chromium, monkeypatch: pytest.MonkeyPatch):
    from PIL import Image

    monkeypatch.setenv("BROWSER_PATH", str(CHROMIUM))
    png = export_images.chart_png(cost_curves_figure(cost_summary(Scenario())))
    assert png is not None, export_images.last_problem()
    assert png_size(png) == (1600, 900)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    for corner in [(1, 1), (1598, 1), (1, 898), (1598, 898)]:
        assert image.getpixel(corner) == (255, 255, 255)
    assert len(image.resize((160, 90)).getcolors(maxcolors=160 * 90)) > 10  # something is drawn


@pytest.mark.browser
def test_chart_png_scale_multiplies_pixels(chromium, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BROWSER_PATH", str(CHROMIUM))
    png = export_images.chart_png(cost_curves_figure(cost_summary(Scenario())), 800, 450, scale=2)
    assert png is not None, export_images.last_problem()
    assert png_size(png) == (1600, 900)


@pytest.mark.browser
def test_sessions_take_turns_on_one_browser(chromium, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BROWSER_PATH", str(CHROMIUM))
    fig = cost_curves_figure(cost_summary(Scenario()))
    results: list[tuple[int, int] | str | None] = []

    def session() -> None:
        png = export_images.chart_png(fig, 640, 360)
        results.append(png_size(png) if png else export_images.last_problem())

    threads = [threading.Thread(target=session) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert results == [(640, 360)] * 3


@pytest.mark.browser
def test_brief_with_real_charts(chromium, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BROWSER_PATH", str(CHROMIUM))
    data = export_pdf.brief_pdf(Scenario(currency="EUR"), link=LINK, when=WHEN)
    assert image_count(data) == 3
    assert "could not be drawn" not in pdf_text(data)


def test_the_brief_renders_page_by_page_as_a_pdf_reader_draws_it(tmp_path):
    """Rendered with PDFium (Chromium's PDF engine): every page has ink, the first the title and table."""
    import pypdfium2 as pdfium

    data = export_pdf.brief_pdf(
        Scenario(learners=2500), link="https://roi.example/?learners=2500", charts=False
    )
    document = pdfium.PdfDocument(data)
    try:
        assert len(document) >= 2
        for index in range(len(document)):
            image = document[index].render(scale=1).to_pil().convert("L")
            image.save(tmp_path / f"page-{index}.png")
            dark = sum(1 for value in image.tobytes() if value < 128)  # "L": one byte a pixel
            assert dark > 2_000, f"page {index + 1} is (almost) blank"
        first = document[0].get_textpage().get_text_range()
        from calculators.roi import Option, option_returns
        from components.words.formatting import percent

        roi = percent(option_returns(Scenario(learners=2500), Option.MICRO).roi_pct)  # as the table prints it
        assert "executive brief" in first and "Key figures" in first and roi in first
    finally:
        document.close()


def test_chart_lettering_reads_on_a4_and_titles_fit_the_picture():
    """Axis text prints at 9 pt or more, titles at 14; every title line of every brief chart fits
    the picture's width (a bold 28 px character is ~0.6 × 28 px wide on average)."""
    from components.charts.theme import PRESENT_SIZES
    from components.exports.images import slide_figure

    assert export_pdf.chart_type_points(PRESENT_SIZES["axis"]) >= 9
    assert export_pdf.chart_type_points(PRESENT_SIZES["title"]) >= 14
    for fig in export_pdf.brief_charts(export_pdf.brief_figures(Scenario(learners=2_500))):
        width, height, _ = export_pdf.chart_pixels(fig)
        title = slide_figure(fig, width, height)["layout"]["title"]["text"]
        for line in title.split("<br>"):
            assert len(line) * 0.6 * PRESENT_SIZES["title"] <= 0.92 * width, line


@pytest.mark.browser
def test_the_image_browser_holds_no_secret_and_closes_when_idle(chromium, monkeypatch: pytest.MonkeyPatch):
    """Issue 26: the PDF brief's Chromium neither keeps running after its images (a replica held
    1.3 GB at idle) nor inherits the cookie key and the database address."""
    monkeypatch.setenv("BROWSER_PATH", str(CHROMIUM))
    monkeypatch.setenv("TRAINING_ROI_COOKIE_KEY", "a-secret-the-browser-must-not-see-0123456789")
    monkeypatch.setenv("TRAINING_ROI_DATABASE_URL", "postgresql://user:pw@db/roi")
    monkeypatch.setattr(export_images, "IDLE_CLOSE_S", 1.0)
    export_images._close_browser()  # a browser started by an earlier test had the old environment
    assert export_images.chart_png(cost_curves_figure(cost_summary(Scenario())), 640, 360) is not None
    process = export_images._state["browser"].kaleido.subprocess
    environ = Path(f"/proc/{process.pid}/environ").read_bytes().decode(errors="replace")
    assert "TRAINING_ROI" not in environ and "a-secret-the-browser" not in environ
    assert export_images.browser_running()
    deadline = time.monotonic() + 20
    while export_images.browser_running() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not export_images.browser_running()
    assert process.wait(timeout=10) is not None, "the browser's process has ended"


def _process_tree(pid: int) -> list[int]:
    """`pid` and every process it started (from /proc/<pid>/stat's parent field)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # ended while being read
    tree, grew = [pid], True
    while grew:
        found = [child for child, parent in parents.items() if parent in tree and child not in tree]
        tree += found
        grew = bool(found)
    return tree


def _rss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            lines = Path(f"/proc/{pid}/status").read_text().splitlines()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in lines if line.startswith("VmRSS:")), 0)
    return total / 1024


def _brief_pngs() -> tuple[list[bytes], int, float]:
    """The brief's three chart PNGs, the browser's process count and its largest summed RSS (MiB)."""
    pngs, processes, rss = [], 0, 0.0
    for fig in export_pdf.brief_charts(export_pdf.brief_figures(Scenario())):
        width, height, scale = export_pdf.chart_pixels(fig)
        png = export_images.chart_png(fig, width, height, scale)
        assert png is not None, export_images.last_problem()
        pngs.append(png)
        wrapper = export_images._state["browser"].kaleido.subprocess  # choreographer's Python wrapper
        tree = _process_tree(wrapper.pid)[1:]
        processes, rss = max(processes, len(tree)), max(rss, _rss_mib(tree))
    export_images._close_browser()
    return pngs, processes, rss


@pytest.mark.browser
def test_the_lean_browser_is_one_process_and_draws_the_same_pngs(chromium, monkeypatch: pytest.MonkeyPatch):
    """Issue 26: with `BROWSER_FLAGS` the image browser is one Chromium process (9 with Chromium's
    defaults: ~850–1,100 MiB summed RSS, measured ~345 MiB lean), and the brief's charts are the
    same PNGs, byte for byte, as Chromium draws them by default."""
    monkeypatch.setenv("BROWSER_PATH", str(CHROMIUM))
    export_images._close_browser()
    lean, processes, rss = _brief_pngs()
    assert processes == 1, f"{processes} Chromium processes"
    assert rss < 600, f"the image browser used {rss:,.0f} MiB"
    monkeypatch.setattr(export_images, "BROWSER_FLAGS", ())
    default, processes_default, _ = _brief_pngs()
    assert processes_default > 1
    assert lean == default


@pytest.mark.browser
def test_the_brief_closes_its_browser_once_its_charts_are_drawn(chromium, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BROWSER_PATH", str(CHROMIUM))
    data = export_pdf.brief_pdf(Scenario(), link=LINK, when=WHEN)
    assert image_count(data) == 3
    assert not export_images.browser_running()


def test_release_keeps_the_browser_for_a_caller_waiting_to_draw(monkeypatch: pytest.MonkeyPatch):
    stopped: list[bool] = []

    class Browser:
        def stop(self) -> None:
            stopped.append(True)

    monkeypatch.setitem(export_images._state, "browser", Browser())
    monkeypatch.setitem(export_images._state, "waiting", 1)
    export_images.release()
    assert not stopped and export_images._state["browser"] is not None
    with export_images._LOCK:  # another caller drawing now
        monkeypatch.setitem(export_images._state, "waiting", 0)
        export_images.release()
        assert not stopped
    export_images.release()
    assert stopped and export_images._state["browser"] is None
