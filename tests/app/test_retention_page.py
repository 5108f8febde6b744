"""AppTest: the Retention page shows the skill-retention evidence, the model's own month-by-month
weights, and what each retention assumption does to the answer (issue 23, deliverable 2)."""

from __future__ import annotations

import base64
import json
import math
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from calculators.model import Inputs, Option, effective, evaluate, half_life_days, retention_profile
from calculators.retention import MONTH_DAYS
from calculators.roi import all_returns, kept_by_month
from calculators.scenario import Format, Scenario
from components.charts.theme import unwrap
from tests.app.helpers import open_groups, open_sections

PAGE = "pages/retention.py"
WORD_JOINER = "\u2060"
BAD = re.compile(r"\b(nan|NaN|inf|Infinity|None|null)\b|Traceback")


def _metric(at: AppTest, label_part: str) -> str:
    """The value of the KPI tile whose label (colour markup removed) contains `label_part`."""
    return next(m.value for m in at.metric if label_part in re.sub(r":\w+\[\*\*(.*?)\*\*\]", r"\1", m.label))


def _texts(at: AppTest) -> list[str]:
    """Every text on the page a reader sees: words, tiles, tables and the chart's labels."""
    texts = [
        e.value
        for kind in ("title", "header", "markdown", "caption", "info", "warning")
        for e in at.get(kind)
    ]
    texts += [f"{m.label} {m.value}" for m in at.metric]
    for frame in [*at.dataframe, *at.table]:
        texts += [" ".join(map(str, frame.value.columns)), *frame.value.astype(str).to_numpy().ravel()]
    for chart in at.get("plotly_chart"):
        layout = json.loads(chart.proto.spec)["layout"]
        texts += [layout["title"]["text"], layout["title"]["subtitle"]["text"]]
        texts += [a.get("text", "") for a in layout.get("annotations", [])]
    return texts


def _figure(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def _values(values) -> list:  # type: ignore[no-untyped-def]
    """A trace's x or y as a list (plotly 7 encodes numpy arrays as {"dtype", "bdata"})."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def _curves(at: AppTest) -> dict[str, tuple[list, np.ndarray]]:
    """Each option's step curve on the chart: month numbers and the share kept (0..1)."""
    curves = {}
    for trace in _figure(at)["data"]:
        if trace.get("mode") == "lines":
            curves[trace["name"]] = (_values(trace["x"]), np.asarray(_values(trace["y"])) / 100)
    return curves


def _title(at: AppTest) -> str:
    return unwrap(_figure(at)["layout"]["title"]["text"])


def _table(at: AppTest):  # type: ignore[no-untyped-def]
    """The "How much retention matters" table, word joiners removed."""
    return at.table[0].value.map(lambda v: str(v).replace(WORD_JOINER, ""))


def _profile(scenario: Scenario, fmt: Format) -> np.ndarray:
    return np.asarray(retention_profile(Inputs(effective(scenario)), fmt, 12 * scenario.horizon_years))


def test_evidence_names_tatel_and_ackerman_and_the_vendor_claim(app):
    """The evidence section says where the half-life, the mixed measure and the floor come from,
    and that the 75 % / 35 % recall figures are a vendor's knowledge-check claim."""
    at = app(page=PAGE)
    assert not at.exception
    evidence = next(m.value for m in at.main.markdown if "Tatel & Ackerman" in m.value)
    for words in (
        "Tatel & Ackerman (2025, Psychological Bulletin)",
        "grade A",
        "6.5 months on accuracy measures, 11 months on mixed measures and 13 months on speed",
        "Why the mixed measure",
        "Averell & Heathcote 2011",
        "Bahrick 1984",
        "20 % of the gain for good",
        "grade D",
        "a vendor's knowledge-check claim (grade C)",
        "the pilot's knowledge check",
        "40 months for microlearning and 11 months for instructor-led",
    ):
        assert words in evidence, words


def test_headings_are_in_order(app):
    """h1 the page title, then h2 sections; no heading written as Markdown in the main area."""
    at = app(page=PAGE)
    assert [t.value for t in at.main.title] == ["Retention"]
    assert [h.value for h in at.main.header] == ["What the evidence says", "How much retention matters"]
    assert not at.main.subheader
    assert not [m.value for m in at.main.markdown if m.value.lstrip().startswith("#")]


def test_the_chart_shows_the_models_weights_month_by_month(app):
    """Each format's steps are `retention_profile` of the scenario, month 1 to 36; the blend's
    are the benefit-weighted mix of the two, as the model weights the blend's benefits."""
    at = app(page=PAGE)
    s = Scenario()
    curves = _curves(at)
    assert set(curves) == {"Microlearning", "Instructor-led", "Blended"}
    for name, fmt in (("Microlearning", Format.MICRO), ("Instructor-led", Format.ILT)):
        months, kept = curves[name]
        assert months == list(range(1, 37))
        np.testing.assert_allclose(kept, _profile(s, fmt), rtol=1e-12)
    # The blend, from the pure formats' own model outputs: B_f = a year's benefit of f, nothing forgotten.
    flat = evaluate(s.with_changes(decay_weighting=False))
    b = {
        f: float(flat[o].annual_benefits[0])
        for f, o in ((Format.MICRO, Option.MICRO), (Format.ILT, Option.ILT))
    }
    w = round(0.10 * 1_000) / 1_000
    expected = (
        (1 - w) * b[Format.MICRO] * _profile(s, Format.MICRO) + w * b[Format.ILT] * _profile(s, Format.ILT)
    ) / ((1 - w) * b[Format.MICRO] + w * b[Format.ILT])
    np.testing.assert_allclose(curves["Blended"][1], expected, rtol=1e-9)
    np.testing.assert_allclose(curves["Blended"][1], kept_by_month(s)[Option.BLEND], rtol=1e-12)


def test_the_chart_marks_half_lives_floor_and_the_vendors_recall(app):
    at = app(page=PAGE)
    fig = _figure(at)
    assert _title(at) == "Instructor-led keeps half of its skill gain for 11 months; microlearning for 40"
    shapes = fig["layout"]["shapes"]
    floor = [sh for sh in shapes if sh.get("y0") == 20.0 and sh.get("y1") == 20.0]
    assert floor, "the floor is a line at 20 %"
    texts = [a["text"] for a in fig["layout"]["annotations"]]
    assert "Kept for good: 20 %" in texts
    halves = [sh["x0"] for sh in shapes if sh.get("x0") == sh.get("x1") and sh.get("xref") == "x"]
    assert halves == [pytest.approx(11.0)], (
        "instructor-led's half-life marked; microlearning's is past 36 months"
    )
    assert "Instructor-led: half lost" in texts
    diamonds = [t for t in fig["data"] if t.get("legendgroup") == "check" and _values(t["x"]) != [None]]
    assert sorted(_values(t["y"])[0] for t in diamonds) == [35.0, 75.0]
    assert all(_values(t["x"])[0] == pytest.approx(30 / MONTH_DAYS) for t in diamonds)
    legend = [t["name"] for t in fig["data"] if t.get("showlegend") is not False]
    assert "Vendor's knowledge check, day 30: 75 %, 35 %" in legend


def test_tiles_and_caption_give_the_key_numbers(app):
    at = app(page=PAGE)
    assert _metric(at, "Microlearning skill kept on average") == "73.2 %"
    assert _metric(at, "Instructor-led skill kept on average") == "43.9 %"
    caption = next(c.value for c in at.main.caption if c.value.startswith("In numbers:"))
    assert "microlearning keeps 99 % of its skill gain in month 1" in caption
    assert "(73.2 % on average)" in caption and "(43.9 %)" in caption
    assert "The floor is 20 %." in caption and "microlearning 75 %, instructor-led 35 %" in caption
    open_sections(at).run()
    data = at.main.dataframe[0].value
    assert len(data) == 36
    assert data["Instructor-led (% kept)"].tolist() == [
        round(100 * v, 1) for v in _profile(Scenario(), Format.ILT)
    ]


def test_what_each_assumption_does_to_the_answer(app):
    """The recommended option's NPV and payback under each curve family, Tatel & Ackerman's
    low and high half-lives and no floor, each through the model."""
    at = app(page=PAGE)
    table = _table(at)
    rows = table["Retention assumption"].tolist()
    assert rows == [
        "Yours: exponential curve, half lost after 11 months, 20 % kept for good",
        "Power law curve",
        "FSRS-style curve",
        "Half lost after 6.5 months (accuracy measures)",
        "Half lost after 13 months (speed measures)",
        "Nothing kept for good (no floor)",
        "Skills never fade (benefits not weighted)",
    ]
    s = Scenario()
    base = all_returns(s)[Option.MICRO].npv

    def half_lost_after(months: float, curve: str = "exponential") -> dict:
        # the curve that loses half of the whole gain after `months` with the 20 % floor:
        # R(months) = (0.5 − 0.2) / 0.8 = 0.375, read where R = 1/2 (curves as in calculators.retention)
        days = months * 365 / 12
        if curve == "exponential":
            fading = days * math.log(2) / math.log(1 / 0.375)
        elif curve == "power law":
            fading = 2 ** (math.log1p(days) / math.log(1 / 0.375)) - 1
        else:  # FSRS-style: (1 + k·t/S)^(−1/2): R^(−2) − 1 is proportional to t
            fading = days * (0.5**-2 - 1) / (0.375**-2 - 1)
        return {"retention_curve": curve, "skill_half_life_months": fading / (365 / 12)}

    for row, change in zip(
        table.itertuples(index=False),
        [{}, half_lost_after(11, "power law"), half_lost_after(11, "FSRS-style"),
         half_lost_after(6.5), half_lost_after(13), {"retention_floor_pct": 0.0},
         {"decay_weighting": False}],
        strict=True,
    ):  # fmt: skip
        npv = all_returns(s.with_changes(**change))[Option.MICRO].npv
        shown = row[2]
        assert shown.startswith(f"${npv:,.0f}".replace("$-", "−$")), (row[0], shown)
        if change:
            delta = npv - base
            assert f"({'+' if delta > 0 else '−'}${abs(delta):,.0f})" in shown
    assert table["Leads then"].tolist()[-1] == "Instructor-led", "without forgetting, the answer changes"
    assert any("Figures for microlearning, the option recommended" in m.value for m in at.main.markdown)


def test_moving_the_half_life_changes_the_curve_and_the_table(app):
    at = open_groups(app(page=PAGE), "Retention")
    before_curve, before_table = _curves(at)["Instructor-led"][1], _table(at)
    at.sidebar.slider(key="sb_skill_half_life_months").set_value(6.5).run()
    assert not at.exception
    s = Scenario(skill_half_life_months=6.5)
    after_curve = _curves(at)["Instructor-led"][1]
    np.testing.assert_allclose(after_curve, _profile(s, Format.ILT), rtol=1e-12)
    assert not np.allclose(after_curve, before_curve)
    # half of what fades lost after 6.5 months, 20 % kept for good: half of the whole gain is lost
    # when e^(−t·ln 2 / 6.5) = 0.375, t = 6.5 × ln(1/0.375) / ln 2 = 9.2 months; microlearning's
    # half-life is longer by ln 0.35 / ln 0.75
    ilt = 6.5 * math.log(1 / 0.375) / math.log(2)
    micro = ilt * math.log(0.35) / math.log(0.75)
    assert half_life_days(Inputs(s), Format.ILT) / MONTH_DAYS == pytest.approx(6.5)
    assert _title(at) == (
        f"Instructor-led keeps half of its skill gain for {ilt:.1f} months; microlearning for {round(micro)}"
    )
    table = _table(at)
    assert (
        table.iloc[0, 0] == f"Yours: exponential curve, half lost after {ilt:.1f} months, 20 % kept for good"
    )
    assert table.iloc[0, 2] != before_table.iloc[0, 2], "your row's NPV moves"
    assert at.query_params["skill_half_life_months"] == "6.5"


def test_moving_the_floor_changes_the_curve_and_the_table(app):
    at = open_groups(app(page=PAGE), "Retention")
    before = _table(at)
    at.sidebar.slider(key="sb_retention_floor_pct").set_value(0.0).run()
    assert not at.exception
    np.testing.assert_allclose(
        _curves(at)["Microlearning"][1], _profile(Scenario(retention_floor_pct=0.0), Format.MICRO), rtol=1e-12
    )
    fig = _figure(at)
    assert "Kept for good" not in " ".join(a["text"] for a in fig["layout"]["annotations"])
    assert "nothing kept for good" in unwrap(fig["layout"]["title"]["subtitle"]["text"])
    table = _table(at)
    assert table.iloc[0, 0].endswith("0 % kept for good") and table.iloc[0, 2] != before.iloc[0, 2]
    assert "Nothing kept for good (no floor)" not in table["Retention assumption"].tolist()
    at.sidebar.slider(key="sb_retention_floor_pct").set_value(45.0).run()
    assert min(_curves(at)["Instructor-led"][1]) >= 0.45, "nothing falls below the floor"


def test_the_curve_family_changes_the_curves(app):
    at = open_groups(app(page=PAGE), "Retention")
    at.sidebar.selectbox(key="sb_retention_curve").set_value("power law").run()
    assert not at.exception
    np.testing.assert_allclose(
        _curves(at)["Instructor-led"][1],
        _profile(Scenario(retention_curve="power law"), Format.ILT),
        rtol=1e-12,
    )
    assert "(power law curve)" in unwrap(_figure(at)["layout"]["title"]["subtitle"]["text"])
    rows = _table(at)["Retention assumption"].tolist()
    assert "Exponential curve" in rows and "Power law curve" not in rows


def test_weighting_off_says_so_and_still_shows_the_evidence(app):
    at = app(query={"decay_weighting": "0"}, page=PAGE)
    assert not at.exception
    assert any("Benefits are not weighted by retention" in m.value for m in at.main.markdown)
    np.testing.assert_allclose(_curves(at)["Instructor-led"][1], _profile(Scenario(), Format.ILT), rtol=1e-12)
    rows = _table(at)["Retention assumption"].tolist()
    assert rows[0] == "Yours: benefits not weighted by retention"
    assert "Exponential curve" in rows and "Skills never fade (benefits not weighted)" not in rows


def test_skeptic_makes_both_formats_fade_alike(app):
    at = app(query={"skeptic": "1"}, page=PAGE)
    assert not at.exception
    assert _title(at) == "Both formats keep half of their skill gain for 11 months"
    evidence = next(m.value for m in at.main.markdown if "Tatel & Ackerman" in m.value)
    assert "Skeptic is on" in evidence and "Sitzmann et al. 2006" in evidence


def test_conservative_counts_the_first_year(app):
    at = app(query={"conservative": "1"}, page=PAGE)
    s = effective(Scenario(conservative=True))
    expected = float(np.mean(_profile(s, Format.MICRO)[:12]))
    assert _metric(at, "Microlearning skill kept on average") == f"{100 * expected:.1f} %"
    assert any("over the first year (conservative)" in m.value for m in at.main.markdown)
    assert len(_curves(at)["Microlearning"][0]) == 36, "the chart still shows the whole horizon"


def test_the_pilot_fit_is_the_knowledge_check_curve(app):
    at = app(page=PAGE)
    text = next(m.value for m in at.main.markdown if "stability S =" in m.value)
    assert text.startswith("Your knowledge check fades with stability S = 148 days")
    assert "microlearning would keep half of its skill gain for 23 months (now 40)" in text
    assert any(
        "fits how recall of the content fades, not the skill on the job" in m.value for m in at.main.markdown
    )


EXTREMES = [
    {"skill_half_life_months": h, "retention_floor_pct": f, "retention_curve": c}
    for h in ("1", "120")
    for f in ("0", "45")
    for c in ("exponential", "power law", "FSRS-style")
]


@pytest.mark.parametrize("extreme", EXTREMES, ids=lambda e: "-".join(e.values()))
def test_no_nan_inf_or_traceback_at_the_extremes(app, extreme):
    """Half-life 1 and 120 months, floor 0 and 45 %, each family, nudges on: finite numbers only."""
    query = {**extreme, "micro_nudge_days": "7", "ilt_nudge_days": "30", "horizon_years": "10"}
    at = open_sections(app(query=query, page=PAGE)).run()
    assert not at.exception and not at.error
    assert not at.warning, [w.value for w in at.warning]  # the link was valid
    shown = [t for t in _texts(at) if BAD.search(t)]
    assert not shown, shown[:3]
    for months, kept in _curves(at).values():
        assert len(months) == 120 and np.isfinite(kept).all() and (kept >= 0).all() and (kept <= 1).all()
    assert all(not re.search(r"\b(nan|inf)\b", str(v)) for v in _table(at).to_numpy().ravel())
    assert math.isfinite(float(_curves(at)["Blended"][1].mean()))
