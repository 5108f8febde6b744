"""AppTest: Sensitivity, Monte Carlo and Goal seek pages, driven by widget keys and links."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from calculators.model import Option, breakeven_learners
from calculators.ranges import RANGED_FIELDS
from calculators.scenario import Scenario, input_title
from calculators.sensitivity import tornado
from calculators.simulation import monte_carlo
from components.charts.theme import unwrap
from components.words.formatting import percent
from components.work.answer import SUMMARY_DRAWS, SUMMARY_SEED
from tests.app.helpers import chart_titles, metric
from tests.heavy_work import HeldWorker, fresh_heavy_work, record_started


def chart(at: AppTest, key: str) -> dict:
    """The plotly spec of the chart drawn with `key` (the page's other charts come and go)."""
    found = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    assert len(found) == 1, f"no chart {key!r}"
    return found[0]


def test_tornado_names_the_input_that_moves_roi_most(app):
    _, bars = tornado(Scenario(), Option.MICRO, "ROI")
    top = bars[0]  # Share of the gain due to training (attribution_pct), 25 % to 75 %
    at = app(page="pages/sensitivity.py")
    assert chart_titles(at)[0] == (
        f"{top.label} moves microlearning ROI the most: {percent(top.low_result)} to {percent(top.high_result)}"
    )
    at.segmented_control(key="sens_option").set_value("Instructor-led").run()
    assert "instructor-led ROI" in chart_titles(at)[0]
    at.segmented_control(key="sens_metric").set_value("NPV").run()
    assert "instructor-led NPV" in chart_titles(at)[0]
    assert not at.exception


def test_ranges_travel_in_the_link(app):
    """A narrow range for the input that moves ROI most, in the link, takes it off the top."""
    _, bars = tornado(Scenario(), Option.MICRO, "ROI")
    top = bars[0].field  # attribution_pct at its default 50 %
    link = f"{top}:49:51"
    wide = app(page="pages/sensitivity.py")
    assert chart_titles(wide)[0].startswith(input_title(top))
    narrow = app(query={"rng": link}, page="pages/sensitivity.py")
    assert not chart_titles(narrow)[0].startswith(input_title(top))
    assert narrow.query_params["rng"] == link


def test_bad_range_in_the_link_is_reported(app):
    at = app(query={"rng": "learners:5000:10"})  # reported on arrival, whichever page
    assert not at.exception
    assert any("the low value 5000 is above the high value 10" in w.value for w in at.warning)


def test_frontier_axes_can_be_changed(app):
    at = app(page="pages/sensitivity.py")
    axis = chart(at, "sens_frontier_chart")["layout"]["yaxis"]["title"]["text"]
    assert axis == input_title("micro_retention_pct")  # the default "And" input
    at.selectbox(key="sens_y").set_value("attribution_pct").run()  # "Share of the gain due to training"
    assert not at.exception
    frontier = chart(at, "sens_frontier_chart")["layout"]
    assert frontier["yaxis"]["title"]["text"] == input_title("attribution_pct")
    assert "the black line is break-even" in unwrap(frontier["title"]["text"])


def test_monte_carlo_shows_chance_of_loss_per_option(app):
    run = monte_carlo(Scenario(), SUMMARY_DRAWS, SUMMARY_SEED, "triangular", {})  # the page's default run
    at = app(page="pages/monte_carlo.py")
    assert not at.exception
    for option in Option:  # instructor-led 0.1 %: the only option that lost money in a draw
        assert metric(at, f"{option.label} chance of loss") == percent(100 * run.probability_loss(option))
    assert run.probability_loss(Option.ILT) > 0  # not every tile is 0.0 %: each tile reads its own option
    at.number_input(key="mc_seed").set_value(7).run()
    assert not at.exception and metric(at, "Microlearning chance of loss").endswith(" %")
    at.radio(key="mc_distribution").set_value("PERT").run()
    assert not at.exception
    assert "chance of losing money" in chart_titles(at)[0]


def test_monte_carlo_same_seed_same_answer(app):
    first = metric(app(page="pages/monte_carlo.py"), "Microlearning chance of loss")
    second = metric(app(page="pages/monte_carlo.py"), "Microlearning chance of loss")
    assert first == second


def test_goal_seek_finds_break_even_learners_and_applies_it(app):
    learners = breakeven_learners(Scenario(), Option.MICRO)  # 93: the break-even of Costs & break-even
    assert learners is not None
    at = app(page="pages/goal_seek.py")
    assert any(f"reaches ROI 0.0 % when Learners is {learners:,} (now 1,000)" in m.value for m in at.markdown)
    at.button(key="gs_apply").click().run()
    assert at.sidebar.select_slider(key="sb_learners").value == learners


def test_goal_seek_says_when_no_solution_exists(app):
    at = app(page="pages/goal_seek.py")
    at.selectbox(key="gs_field").set_value("Development cost (microlearning series)").run()
    at.number_input(key="gs_target").set_value(100_000.0).run()
    assert any("No solution in range" in m.value for m in at.markdown)
    assert not at.exception


def test_a_million_draws_run_once_in_the_worker_and_a_payback_target_reuses_them(app, monkeypatch):
    from components.work import simulation_cache

    fresh_heavy_work(monkeypatch)
    # each job handed to the worker process: (function, draws)
    jobs = record_started(monkeypatch, simulation_cache.WORKER, lambda fn, args: (fn.__name__, args[1]))
    at = app(page="pages/monte_carlo.py")
    at.select_slider(key="mc_draws").set_value(1_000_000).run()
    # one job: the run's summary and what finding out is worth (over its first 10^5 draws)
    assert not at.exception and jobs == [("summary_and_value", 1_000_000)]
    assert any("Is it worth finding out more" in h.value for h in at.subheader)
    headline = next(m.value for m in at.markdown if "in 80 % of the draws" in m.value)
    late = [c.value for c in at.caption if "chance payback" in c.value]
    at.number_input(key="mc_target").set_value(36).run()
    assert not at.exception and len(jobs) == 1  # the same run's summary, re-read
    assert any(m.value == headline for m in at.markdown)
    now = [c.value for c in at.caption if "chance payback" in c.value]
    assert len(now) == 3 and all("over 36 months" in c for c in now) and now != late  # follows the target


def test_a_million_draws_wait_their_turn_with_a_note_that_leaves_when_the_answer_comes(app, monkeypatch):
    """Another user's heavy run holds the server's one turn: the first page of the link that
    states the verdict (the Executive summary, which draws the link's million) waits, told so,
    then draws; no waiting note or progress bar is left beside its answer, and Monte Carlo then
    shows the same run without drawing or waiting again."""
    from calculators.information_value import summary_and_value
    from components.work import simulation_cache

    queue = fresh_heavy_work(monkeypatch)
    told: list[str] = []
    wait = queue.wait

    def watched(ticket, progress=None, on_wait=None):  # type: ignore[no-untyped-def]
        note = None if on_wait is None else lambda: (told.append("waiting"), on_wait())
        return wait(ticket, progress, note)

    monkeypatch.setattr(queue, "wait", watched)
    other = queue.request(
        "another user's run", summary_and_value, Scenario(), 1_000_000, 77, session="bob-tab", owner="bob"
    )
    assert other.job.state == "running"
    at = app(query={"mc_draws": "1000000", "mc_seed": "4242"})
    assert not at.exception and told and set(told) == {"waiting"}
    assert at.markdown[0].value.startswith("## ")  # the verdict, from the million draws
    assert any("(triangular, draw set 4242)" in c.value for c in at.caption)
    assert not any("Another large simulation" in i.value for i in at.info)
    assert not at.get("progress")
    waited = len(told)
    at.switch_page("pages/monte_carlo.py").run()
    assert not at.exception and len(told) == waited  # the same run: no second wait
    assert any("in 80 % of the draws" in m.value for m in at.markdown)
    assert not any("Another large simulation" in i.value for i in at.info)
    assert not at.get("progress") and queue.started == 2
    other.job.future.result(timeout=300)  # the two runs share the worker chunk by chunk: either may end first
    assert simulation_cache.RESULTS.get("another user's run") is not None  # it ran to its end, kept


def test_a_heavy_run_beyond_the_users_two_is_refused_on_screen_not_queued(app, monkeypatch):
    """This user (single-user mode: the local owner) already has two heavy runs queued or
    running, in other tabs: a third tab asking for a million draws is told so in plain words,
    on Monte Carlo and on the Executive summary, and nothing is queued for it."""
    from storage import LOCAL_OWNER

    worker = HeldWorker()
    queue = fresh_heavy_work(monkeypatch, worker=worker)
    for tab in ("tab-1", "tab-2"):
        queue.request(f"run of {tab}", str.upper, tab, session=tab, owner=LOCAL_OWNER)
    at = app(query={"mc_draws": "1000000", "mc_seed": "99"}, page="pages/monte_carlo.py")
    assert not at.exception
    assert any("You already have 2 large simulations running on this server" in w.value for w in at.warning)
    assert not at.get("progress") and not any("in 80 % of the draws" in m.value for m in at.markdown)
    assert queue.refused == 1 and queue.owned(LOCAL_OWNER) == 2 and worker.started == ["tab-1"]
    at.switch_page("pages/executive_summary.py").run()
    assert not at.exception
    assert any("You already have 2 large simulations running" in w.value for w in at.warning)
    assert queue.refused == 2 and worker.started == ["tab-1"]


def test_monte_carlo_says_how_many_uncertain_inputs_are_drawn(app):
    from calculators.simulation import inputs_used

    for query, scenario in (({}, Scenario()), ({"risk_on": "true"}, Scenario(risk_on=True))):
        at = app(query=query, page="pages/monte_carlo.py")
        used = len(inputs_used(scenario))
        captions = " ".join(c.value for c in at.caption)
        assert f"draws of the {used} uncertain inputs this scenario uses" in captions
        assert f"the other {len(RANGED_FIELDS) - used} (switched-off benefits or adjustments)" in captions


def test_a_version_1_link_with_a_half_life_range_is_read_as_the_same_curves(app):
    """An old link's range of the half-life (version 1: when half of the whole gain is lost)
    is read and written back as the fading part's half-lives of the same curves."""
    from calculators.codec import upgrade_ranges
    from calculators.ranges import decode_ranges

    at = app(
        query={"v": "1", "learners": "2500", "rng": "skill_half_life_months:6.5:13"},
        page="pages/monte_carlo.py",
    )
    assert not at.exception and not at.warning
    expected = upgrade_ranges({"v": "1"}, {"skill_half_life_months": (6.5, 13.0)}, link=True)
    written, problems = decode_ranges(at.query_params["rng"])
    assert problems == [] and written["skill_half_life_months"] == pytest.approx(
        expected["skill_half_life_months"]
    )
    assert at.query_params["v"] == "2"
