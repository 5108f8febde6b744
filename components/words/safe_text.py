"""User-supplied text on screen as text: never as Markdown, HTML, KaTeX or a Streamlit directive.

Every Streamlit call that takes a `body` (`st.warning`, `st.error`, `st.info`, `st.success`,
`st.markdown`, `st.caption`, labels) renders it as Markdown. A value copied from a share
link (`?learners=[Log in again](https://evil.example)`), a scenario name or an uploaded
file would then draw a link or an image inside the app's own message, load a picture from
another site, or typeset KaTeX. `plain(text)` makes any text safe to put into such a body:
what the reader sees is exactly the text (minus control characters and runs of spaces).

How, checked in Chromium against Streamlit 1.67's renderer (tests/e2e/test_hostile_links.py):

- A backslash before an ASCII punctuation character is honoured (CommonMark): it stops
  links and images ``[ ]( )``, ``!``, code spans, emphasis ``* _ ~``, HTML and autolinks
  ``< >``, entities ``&``, KaTeX ``$``, directives such as ``:red[...]`` and ``:help[...]``.
  Only punctuation that Streamlit never reads as syntax in the middle of a line is left as
  it is (``' , . ( ) ; - % / :``), so ordinary messages keep their exact wording.
- A backslash is *not* honoured by the rules that work on the rendered text: web
  addresses (``https\\://x`` and ``www\\.x`` still became links), e-mail addresses (``a\\@x``),
  ``:material/icon:`` and ``:streamlit:`` (still drawn). There an invisible WORD JOINER
  (U+2060) goes after every ``:`` that is not followed by a space, after every ``@`` and
  after ``www`` before a dot, so that none of those patterns matches any more.
- Newlines and other whitespace runs become one space and control characters go, so the
  text stays on its line and cannot open a heading, quote, list, table or code block; a
  leading ``-`` or ``1.`` is escaped as well. Bidirectional-override characters go,
  so the text cannot display in a misleading order.

>>> plain("[Log in again](https://evil.example)")
'\\\\[Log in again\\\\](https:\\u2060//evil.example)'
>>> plain("Learners: 'abc' is not a whole number; allowed 1 to 100,000. Kept 1,000.")
"Learners: 'abc' is not a whole number; allowed 1 to 100,000. Kept 1,000."
>>> plain("$x$ *b* `c` <img> &amp;")
'\\\\$x\\\\$ \\\\*b\\\\* \\\\`c\\\\` \\\\<img\\\\> \\\\&amp;'
>>> plain(":red[x] :material/home: mail@evil.example www.evil.example").replace(WORD_JOINER, "|")
':|red\\\\[x\\\\] :|material/home: mail@|evil.example www|.evil.example'
>>> plain("# Title\\n\\n- item")
'\\\\# Title - item'
>>> plain("- 1") + " / " + plain("1. First")
'\\\\- 1 / 1\\\\. First'
>>> plain("a very long name", limit=8)
'a very …'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

WORD_JOINER = "\u2060"  # zero width, no line break: invisible where it is inserted
MAX_PROBLEM_LINES = 8  # a warning lists at most this many problems, then says how many more

# ASCII punctuation that Streamlit's Markdown never treats as syntax inside a line; the
# rest is escaped with a backslash. ':' is handled by the word joiner instead.
# '@' gets the word joiner too; with it the two sets cover all ASCII punctuation (doctest
# of `plain`).
_INERT = frozenset("',.()-;%/:")
_ESCAPED = frozenset('!"#$&*+<=>?[\\]^_`{|}~')
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_ORDERED_MARKER = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_WWW = re.compile(r"(?i)(www)(?=\.)")
_COLON_BEFORE_TEXT = re.compile(r":(?=\S)")


# control characters (Unicode category Cc: U+0000–U+001F and U+007F–U+009F, a set Unicode
# keeps stable) that are not whitespace, and the bidirectional marks
_DROPPED = re.compile(
    "["
    + "".join(
        re.escape(chr(c))
        for c in range(0xA0)
        if unicodedata.category(chr(c)) == "Cc" and not chr(c).isspace()
    )
    + "".join(re.escape(ch) for ch in sorted(_BIDI))
    + "]"
)
_ESCAPE = re.compile("[" + re.escape("".join(sorted(_ESCAPED))) + "]")


def _visible(text: str) -> str:
    """Drop control and bidirectional-override characters; one space for each whitespace run.

    >>> _visible("a\\u0000b\\u202ec  \\t d\\u2028e")
    'abc d e'
    """
    return " ".join(_DROPPED.sub("", text).split())


def plain(text: object, *, limit: int | None = None) -> str:
    """`text` (anything; shown as `str(text)`) escaped so that Streamlit shows it as written.

    The result goes into any Markdown body: `st.warning(f"Not saved: {plain(name)}")`.
    With `limit`, text longer than `limit` characters is cut and ends in "…".

    >>> plain("![x](https://evil.example/p.png)").startswith("\\\\!\\\\[x\\\\]")
    True
    >>> import string
    >>> sorted(_INERT | _ESCAPED | {"@"}) == sorted(string.punctuation)
    True
    >>> plain(None), plain(12.5), plain("  two\\tspaces \\r\\n "), plain("\\u202egpj.exe")
    ('None', '12.5', 'two spaces', 'gpj.exe')
    """
    shown = _visible(str(text))
    if limit is not None and len(shown) > limit:
        shown = shown[: max(limit - 1, 0)] + "…"
    shown = _WWW.sub(r"\1" + WORD_JOINER, shown)
    escaped = _ESCAPE.sub(r"\\\g<0>", shown)
    escaped = _COLON_BEFORE_TEXT.sub(":" + WORD_JOINER, escaped.replace("@", "@" + WORD_JOINER))
    if escaped.startswith("-"):  # a bullet ('+' is escaped everywhere)
        return "\\" + escaped
    return _ORDERED_MARKER.sub(r"\1\\\2", escaped)


def problem_list(messages: Sequence[object], *, limit: int = MAX_PROBLEM_LINES) -> str:
    """A Markdown bullet list of `messages` shown as text, in at most `limit` lines.

    When there are more messages than that, the last line counts the ones left out, so a
    link with hundreds of bad values cannot fill the screen.

    >>> print(problem_list(["Learners: 'x' is not a number.", "Ignored '[a](b)'."]))
    - Learners: 'x' is not a number.
    - Ignored '\\[a\\](b)'.
    >>> print(problem_list([f"bad {i}" for i in range(5)], limit=3))
    - bad 0
    - bad 1
    - …and 3 more values could not be used.
    >>> problem_list([f"bad {i}" for i in range(3)], limit=3).splitlines()[-1]
    '- bad 2'
    """
    if len(messages) > limit:
        shown = [f"- {plain(m)}" for m in messages[: max(limit - 1, 0)]]
        return "\n".join([*shown, f"- …and {len(messages) - len(shown):,} more values could not be used."])
    return "\n".join(f"- {plain(m)}" for m in messages)
