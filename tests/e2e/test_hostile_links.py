"""A hostile share link in a real browser: its values are shown as text, nothing is fetched.

SECURITY.md (share links, Markdown injection). Rejected link values are quoted in a warning
whose body Streamlit renders as Markdown. Without escaping, Streamlit 1.67 in Chromium drew
`[t](https://…)` as a link, fetched `![x](https://…/p.png)` from the other site on open,
typeset `$…$` with KaTeX, coloured `:red[…]`, drew `:material/…:` icons, and turned bare
addresses (`https://…`, `www.…`, `a@b.c`) into links even when their punctuation was
backslash-escaped. One page load carries every kind of payload in every kind of parameter.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode, urlsplit

try:
    from playwright.sync_api import Page, expect
except ImportError:  # conftest's `_browser_available` skips (or, in CI, fails) these tests
    Page = Any  # type: ignore[assignment,misc]
    expect = None  # type: ignore[assignment]

TIMEOUT = 15_000  # ms
WORD_JOINER = "\u2060"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# The app itself fetches nothing from another host (its favicon is a local file: a
# ":material/...:" page icon would be fetched from fonts.gstatic.com), and no link may add a fetch.

# parameter → value; each short enough to be quoted whole (the codec quotes 40 characters),
# and eight problems in all (a warning lists eight at most)
HOSTILE = {
    "learners": "[Log in again](https://evil.example)",  # a link
    "micro_fixed_cost": "![x](https://evil.example/money.png)",  # an image: fetched on open
    "currency": ":red[$x^2$] :material/lock: &lt;",  # directive, KaTeX, icon, entity
    "<img src=https://evil.example/key.png>": "1",  # HTML in a parameter's name
    "rng": ";".join(  # `field:low:high` parts
        [
            "<img src=https://evil.example/h.png>",  # HTML
            "`c` *b* www.evil.example a@evil.example",  # code, emphasis, www and e-mail addresses
            ":smile: :streamlit:",  # emoji shortcode, Streamlit logo
            "learners:$1$:2",  # KaTeX in a range value
        ]
    ),
}
SHOWN = [  # what the warning must read, as written (word joiners are invisible)
    "Learners: '[Log in again](https://evil.example)'",
    "Development cost (microlearning series): '![x](https://evil.example/money.png)'",
    "Currency: ':red[$x^2$] :material/lock: &lt;'",
    "Ignored '<img src=https://evil.example/key.png>'",
    "Ignored range '<img src=https://evil.example/h.png>'",
    "Ignored range '`c` *b* www.evil.example a@evil.example'",
    "Ignored range ':smile: :streamlit:'",
    "(got '$1$', '2')",
]
RENDERED_MARKUP = ", ".join(
    [
        "a", "img", "svg", "picture", "video", "audio", "iframe", "object", "embed",  # links, media
        ".katex", "math",  # KaTeX
        "code", "pre", "strong", "em", "del", "mark", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "table", "hr", "ol", "ul ul",  # Markdown blocks
        "[style]", "[role=img]", "button", "label", "[data-testid=stTooltipIcon]",  # directives
    ]
)  # fmt: skip


def test_hostile_link_is_shown_as_text_and_fetches_nothing_off_host(page: Page, live_server: str) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server}/?{urlencode(HOSTILE)}")

    warning = page.locator('[data-testid="stAlert"]').filter(has_text="Some values could not be used")
    expect(warning).to_have_count(1, timeout=TIMEOUT)
    body = warning.locator('[data-testid="stMarkdownContainer"]')
    expect(body.locator("li")).to_have_count(len(SHOWN), timeout=TIMEOUT)
    expect(page.locator('[data-testid="stPlotlyChart"]').first).to_be_visible(timeout=TIMEOUT)
    page.wait_for_timeout(500)  # let any image, font or stylesheet the page asked for go out

    # Nothing was fetched from another site (a Markdown image would be, on open).
    assert not [url for url in requests if "evil" in (urlsplit(url).hostname or "")]
    off_host = [url for url in requests if urlsplit(url).hostname not in LOCAL_HOSTS | {None}]
    assert off_host == [], f"the page fetched from another host: {off_host}"
    assert any(urlsplit(url).hostname in LOCAL_HOSTS for url in requests)  # the listener did listen

    # Nothing from the link became markup: no link, image, KaTeX, code, colour or icon.
    found = body.locator(RENDERED_MARKUP)
    assert found.count() == 0, (
        f"markup rendered from link values: {[found.nth(i).evaluate('e => e.outerHTML') for i in range(found.count())]}"
    )
    # ...and the values read exactly as the link wrote them.
    text = (body.text_content() or "").replace(WORD_JOINER, "")
    for quoted in SHOWN:
        assert quoted in text, f"{quoted} not shown as written in: {text}"
    assert "\\" not in text, "a Markdown escape is visible"

    # The hostile values fell back to the defaults; the app keeps working.
    tile = page.locator('[data-testid="stMetric"]').filter(has_text="Microlearning is cheaper by")
    expect(tile.locator('[data-testid="stMetricValue"]')).to_have_text("$22,000", timeout=TIMEOUT)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(page).not_to_have_url(re.compile(r"evil"), timeout=TIMEOUT)
