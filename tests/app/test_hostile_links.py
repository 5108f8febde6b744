"""AppTest: a hostile share link's values reach the warning as text, never as Markdown.

SECURITY.md (share links): a rejected value is echoed into `st.warning`, whose body is
Markdown. The warning must carry the escaped text (components/words/safe_text.py) and at most
eight problem lines. The real browser's rendering is checked in tests/e2e/test_hostile_links.py.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from streamlit.runtime.state.query_params import (
    CLIENT_STATE_QUERY_STRING_MAX_FIELDS,
    CLIENT_STATE_QUERY_STRING_MAX_LENGTH,
    sanitize_query_string,
)

from calculators.codec import scenario_from_query, scenario_to_query
from calculators.ranges import RANGED_FIELDS, decode_ranges, encode_ranges
from calculators.scenario import INPUTS, Scenario
from components.session.hardening import CUT_LINK, mark_cut_links
from components.session.scenario import APP_PARAMS
from components.words.safe_text import MAX_PROBLEM_LINES, plain
from tests.app.helpers import open_sections

HOSTILE = {
    "learners": "[Log in again](https://evil.example)",
    "micro_fixed_cost": "![x](https://evil.example/p.png)",
    "currency": ":red[$\\frac{1}{2}$] :material/lock:",
    "<img src=https://evil.example/k.png>": "`1`",
    "rng": "![y](https://evil.example/r.png);<b>x</b>:1:2;learners:$1$:2",
}
# Markdown that would draw a link, an image, KaTeX, a directive, an icon or HTML
UNESCAPED = re.compile(r"(?<!\\)[\[!$<`]|:(?!\s|\u2060|$)|https?://")


def expected_messages(query: dict[str, str]) -> list[str]:
    """The codec's own messages for `query` (the app shows each of them, escaped)."""
    problems = scenario_from_query(query, ignore=APP_PARAMS)[1] + decode_ranges(query.get("rng", ""))[1]
    return [p.message for p in problems]


def test_hostile_link_values_are_escaped_in_the_warning(app):
    at = app(query=HOSTILE)
    assert not at.exception
    assert len(at.warning) == 1
    text = at.warning[0].value
    messages = expected_messages(HOSTILE)
    assert len(messages) == 7
    lines = text.split("\n\n", 1)[1].splitlines()
    assert lines == [f"- {plain(m)}" for m in messages]
    for line in lines:
        assert not UNESCAPED.search(line), line
    assert "\\[Log in again\\](https:\u2060//evil.example)" in text
    assert "\\!\\[x\\](https:\u2060//evil.example/p.png)" in text
    assert ":\u2060red\\[\\$" in text and ":\u2060material/lock:" in text
    # every hostile value fell back to the default
    assert at.sidebar.select_slider(key="sb_learners").value == 1000
    assert at.sidebar.selectbox(key="sb_currency").value == "USD"
    assert "learners" not in at.query_params and "rng" not in at.query_params


def test_a_link_with_many_bad_values_lists_at_most_eight(app):
    query = {f"[bad{i}](https://evil.example/{i})": "1" for i in range(20)}
    at = app(query=query)
    assert not at.exception
    text = at.warning[0].value
    lines = text.split("\n\n", 1)[1].splitlines()
    assert len(lines) == MAX_PROBLEM_LINES == 8
    assert lines[-1] == "- …and 13 more values could not be used."
    assert lines[0] == "- Ignored '\\[bad0\\](https:\u2060//evil.example/0)': not an input of this model."


def test_range_editor_problems_are_escaped_and_capped(app):
    at = open_sections(app(page="pages/sensitivity.py"))  # the ranges table's section open
    one = "Ignored range for '![z](https://evil.example/z.png)': not an uncertain input."
    at.session_state["ranges_problems"] = [one]
    at.run()
    assert not at.exception
    assert [w.value for w in at.warning] == [plain(one)]

    at.session_state["ranges_problems"] = [
        f"Ignored range for '[r{i}](https://evil.example)'." for i in range(12)
    ]
    at.run()
    assert not at.exception
    assert len(at.warning) == 1
    lines = at.warning[0].value.splitlines()
    assert len(lines) == 8 and lines[-1] == "- …and 5 more values could not be used."
    assert not any(UNESCAPED.search(line) for line in lines)


def test_our_longest_link_is_far_below_the_limits_at_which_streamlit_drops_a_link():
    """Streamlit 1.67 drops a whole query string over 1,000 parameters or 512 Ki characters
    (`sanitize_query_string`; the app then says the link was cut, next test). Our links carry
    only non-default values: keep them far below."""
    longest = {
        name: (
            max(INPUTS[name].maximum - 1e-9, INPUTS[name].minimum)
            if isinstance(INPUTS[name].default, float)
            else INPUTS[name].maximum
        )
        for name in INPUTS
        if INPUTS[name].widget not in {"toggle", "select"}
    }
    scenario = Scenario(**longest, currency="CHF", fully_loaded=True)
    ranges = {f: (INPUTS[f].minimum + 1e-9, INPUTS[f].maximum - 1e-9) for f in RANGED_FIELDS}
    query = {
        **scenario_to_query(scenario),
        "rng": encode_ranges(ranges),
        "page": "monte_carlo",
        "present": "1",
    }
    text = urlencode(query)
    assert sanitize_query_string(text) == text
    assert text.count("&") + 1 <= CLIENT_STATE_QUERY_STRING_MAX_FIELDS // 10
    assert len(text) <= CLIENT_STATE_QUERY_STRING_MAX_LENGTH // 100


def test_a_link_over_streamlit_s_limits_is_said_to_be_cut(app):
    """Issue 26: such a link used to open the defaults with no word; now one warning says so
    (serve.py marks cut links from the server's start; here, as there, before the first run)."""
    mark_cut_links()
    at = app(query={"learners": "300", **{f"x{i}": "1" for i in range(CLIENT_STATE_QUERY_STRING_MAX_FIELDS)}})
    assert not at.exception
    assert [w.value for w in at.warning] == [plain(CUT_LINK)]
    assert at.sidebar.select_slider(key="sb_learners").value == 1000, "every value was dropped"
    assert "cut" not in at.query_params, "the address bar is the page's own link again"
    assert not at.run().warning, "said once"
    quiet = app(query={"learners": "300"})
    assert not quiet.warning and quiet.sidebar.select_slider(key="sb_learners").value == 300
