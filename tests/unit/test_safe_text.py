"""`plain`: user-supplied text goes into Streamlit Markdown as text (SECURITY.md, share links).

What Streamlit 1.67 actually renders is checked in Chromium (tests/e2e/test_hostile_links.py);
here the escaping rules are pinned down on hostile strings and on generated text.
"""

from __future__ import annotations

import re
import string
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.words.safe_text import MAX_PROBLEM_LINES, WORD_JOINER, plain, problem_list

# A backslash before ASCII punctuation is a CommonMark escape: it shows the character itself.
ESCAPE = re.compile(r"\\([" + re.escape(string.punctuation) + r"])")
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
SYNTAX = set('!"#$&*+<=>?[\\]^_`{|}~')  # characters that must never be left unescaped


def unescaped(shown: str) -> str:
    """What a reader sees: escapes resolved, invisible word joiners gone."""
    return ESCAPE.sub(r"\1", shown).replace(WORD_JOINER, "")


def reads_as(text: str) -> str:
    """The text a reader should see: no control or direction-override characters, one line."""
    kept = (c for c in text if c.isspace() or (unicodedata.category(c) != "Cc" and c not in BIDI))
    return " ".join("".join(kept).split())


def bare(shown: str) -> str:
    """`shown` with every escape pair removed: what Markdown could still read as syntax."""
    return ESCAPE.sub("", shown)


HOSTILE = {
    "link": "[Log in again](https://evil.example)",
    "image": "![x](https://evil.example/p.png)",
    "reference link": "[x][r]\n\n[r]: https://evil.example/r",
    "autolink": "<https://evil.example/b>",
    "bare address": "see https://evil.example/a now",
    "www address": "www.evil.example",
    "e-mail": "boss@evil.example",
    "mailto": "mailto:boss@evil.example",
    "katex inline": "$\\frac{1}{2}$",
    "katex block": "$$x^2$$",
    "colour directive": ":red[Approved by finance]",
    "badge directive": ":green-badge[OK]",
    "help directive": ":help[click]",
    "leaf directive": "::red[x]",
    "material icon": ":material/lock: Secure",
    "streamlit logo": ":streamlit:",
    "emoji shortcode": ":rotating_light: urgent",
    "html image": '<img src="https://evil.example/h.png" onerror=alert(1)>',
    "html bold": "<b>bold</b>",
    "html comment": "<!-- hidden -->",
    "entities": "&lt;script&gt; &#106;",
    "backticks": "`rm -rf /`",
    "fenced mermaid": "```mermaid\ngraph TD; A-->B\n```",
    "emphasis": "**bold** _it_ ~~gone~~",
    "heading": "# Title",
    "quote": "> quoted",
    "bullet": "- item",
    "ordered": "1. first",
    "rule": "---",
    "setext": "===",
    "table": "| a | b |\n|---|---|",
    "indented code": "    code",
    "backslash": "\\",
    "bidi override": "invoice\u202egpj.exe",
    "control characters": "\x00\x1b[31mred\x07",
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_is_escaped_and_reads_the_same(text: str) -> None:
    shown = plain(text)
    assert "\n" not in shown and "\r" not in shown
    assert not SYNTAX & set(bare(shown)), shown
    assert not re.search(r":(?![\s\u2060]|$)", shown), "a colon could start a directive or icon"
    assert not re.search(r"@(?!\u2060)", shown), "an e-mail address could become a link"
    assert not re.search(r"(?i)(https?://|www\.)", bare(shown)), "an address could become a link"
    assert not re.match(r"\s|[-+]|\d+[.)]", shown), "the start could open a block"
    assert unescaped(shown) == reads_as(text)


def test_link_and_image_keep_their_wording() -> None:
    assert plain("[Log in again](https://evil.example)") == (
        "\\[Log in again\\](https:" + WORD_JOINER + "//evil.example)"
    )
    assert plain("![x](https://evil.example/p.png)").startswith("\\!\\[x\\]")
    assert plain("$x$") == "\\$x\\$"
    assert plain("<b>") == "\\<b\\>"
    assert plain("`c`") == "\\`c\\`"
    assert plain(":red[x]") == ":" + WORD_JOINER + "red\\[x\\]"


def test_ordinary_messages_are_unchanged() -> None:
    """The codec's own wording (colons before spaces, quotes, commas, brackets) passes as is."""
    for message in [
        "Learners: 'abc' is not a whole number; allowed 1 to 100,000. Kept 1,000.",
        "Development cost (microlearning series): '1e309' is not a finite number; allowed 0 to 1,000,000.",
        "Link version 'x' unreadable; read as 1.",
        "Knowledge retained (Microlearning): the low value 80 is above the high value 70.",
    ]:
        assert plain(message) == message


def test_limit_cuts_before_escaping() -> None:
    assert plain("[" * 50, limit=5) == "\\[" * 4 + "…"
    assert plain("short", limit=5) == "short"


def test_problem_list_caps_the_lines() -> None:
    hostile = [f"Ignored '[x{i}](https://evil.example)'." for i in range(30)]
    lines = problem_list(hostile).splitlines()
    assert len(lines) == MAX_PROBLEM_LINES == 8
    assert lines[-1] == "- …and 23 more values could not be used."
    assert all(line.startswith("- Ignored '\\[x") for line in lines[:-1])
    assert problem_list(hostile[:8]).splitlines()[-1].startswith("- Ignored '\\[x7\\]")
    assert problem_list([]) == ""


@given(st.text(max_size=80))
def test_any_text_is_inert_and_reads_the_same(text: str) -> None:
    shown = plain(text)
    assert "\n" not in shown
    assert not SYNTAX & set(bare(shown))
    assert not re.search(r":(?![\s\u2060]|$)", shown)
    assert not re.search(r"@(?!\u2060)", shown)
    assert not re.search(r"(?i)www\.", bare(shown))
    assert not re.match(r"\s|[-+]|\d{1,9}[.)](\s|$)", shown)
    assert unescaped(shown) == reads_as(text).replace(WORD_JOINER, "")
