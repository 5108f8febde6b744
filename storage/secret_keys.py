"""Is a secret key random enough to sign sign-in cookies and client links? (issue 26)

The deployment's cookie key (`TRAINING_ROI_COOKIE_KEY`, or `cookie_key` in secrets) signs
every sign-in cookie and client link (HS256): whoever can guess it can mint either. The app
already refuses a missing key, one under 32 bytes, a published default (`some_key`) and one
character repeated (components/hosting/deployment.py). A key can pass all of that and still
be guessable: the examples in this project's own doctests (`"k" * 20 + "0123…xyz"`,
`"0123456789abcdef0123456789abcdef"`), a pattern typed twice, a run of one letter followed by
the alphabet. `key_weakness(key)` names such keys:

- a key published in this project's examples and tests (`KNOWN_TEST_KEYS`), whatever its
  length;
- fewer than `MIN_DISTINCT` different characters;
- an estimated strength under `MIN_BITS` bits (`estimated_bits`): each character that does
  not continue a run (`aaa`, `abc`, `cba`) or a repetition of the last 2 to 16 characters
  counts log2(size of the alphabet the key draws from: 16 for hexadecimal, else the sum of
  10 digits, 26 lower-case, 26 upper-case and 33 other ASCII characters it uses, 64 more for
  anything beyond ASCII). A random key of the documented kind
  (`secrets.token_urlsafe(48)`: ~400 bits, or `token_hex(32)`: ~250) passes by far; so does
  16 random bytes in hex (~120).

This estimate cannot see dictionary words: it refuses patterns, not every human-chosen key;
the documentation says to generate the key. Plain Python, no Streamlit: `serve.py` (health)
uses it, and the app's own configuration check should too.

>>> key_weakness("k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz")
"it is a key published in this project's examples"
>>> key_weakness("0123456789ABCDEF" * 4)
'it is not random enough (about 20 bits; at least 80): it runs in sequence or repeats itself'
>>> key_weakness("Aa1" * 16)
'it has only 3 different characters (at least 8)'
>>> import secrets
>>> key_weakness(secrets.token_urlsafe(48)) is None, key_weakness(secrets.token_hex(32)) is None
(True, True)
"""

from __future__ import annotations

import math
import string

MIN_BITS = 80
MIN_DISTINCT = 8
_LONGEST_PERIOD = 16
_HEX = frozenset(string.digits + "abcdef")
_HEX_UPPER = frozenset(string.digits + "ABCDEF")
_OTHER_ASCII = frozenset(string.punctuation + " ")
# Keys that appear in this project's doctests, tests and documentation examples: public.
KNOWN_TEST_KEYS = frozenset(
    {
        "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz",
        "0123456789abcdef0123456789abcdef",
        "0123456789abcdef0123456789abcdef-key",
        "a-cookie-key-of-the-server",
        "correct horse battery staple",
    }
)


def _alphabet(key: str) -> int:
    """How many characters the key seems to be drawn from.

    >>> _alphabet("deadbeef00"), _alphabet("Hello-World_42"), _alphabet("hello")
    (16, 95, 26)
    """
    present = set(key)
    if present <= _HEX or present <= _HEX_UPPER:
        return 16
    size = 0
    for group, count in (
        (string.digits, 10),
        (string.ascii_lowercase, 26),
        (string.ascii_uppercase, 26),
        (_OTHER_ASCII, 33),
    ):
        if present & set(group):
            size += count
    if any(ord(ch) > 127 for ch in present):
        size += 64
    return max(size, 2)


def _predictable(key: str, index: int) -> bool:
    """Whether `key[index]` continues a run (same step of −1, 0 or +1 twice) or a repetition
    of the characters 2 to 16 places back."""
    if index >= 2:
        step = ord(key[index]) - ord(key[index - 1])
        if abs(step) <= 1 and step == ord(key[index - 1]) - ord(key[index - 2]):
            return True
    for period in range(2, min(_LONGEST_PERIOD, index - 1) + 1):
        if key[index] == key[index - period] and key[index - 1] == key[index - 1 - period]:
            return True
    return False


def estimated_bits(key: str) -> float:
    """A rough strength of `key` in bits (see the module docstring).

    >>> round(estimated_bits("abcdefghijklmnopqrstuvwxyz"))   # a run: 2 characters count
    9
    >>> round(estimated_bits("xK9#xK9#xK9#xK9#xK9#xK9#xK9#xK9#"))  # a repetition: 5 count
    33
    """
    surprising = sum(1 for index in range(len(key)) if not _predictable(key, index))
    return surprising * math.log2(_alphabet(key))


def key_weakness(key: str) -> str | None:
    """Why `key` is too weak to sign cookies (a phrase to follow "The key is refused:"), or
    None. Length and published library defaults are the app's own checks; this adds the
    patterns above."""
    cleaned = key.strip()
    if cleaned in KNOWN_TEST_KEYS or cleaned.lower() in KNOWN_TEST_KEYS:
        return "it is a key published in this project's examples"
    distinct = len(set(cleaned))
    if distinct < MIN_DISTINCT:
        return f"it has only {distinct} different characters (at least {MIN_DISTINCT})"
    bits = estimated_bits(cleaned)
    if bits < MIN_BITS:
        return (
            f"it is not random enough (about {bits:.0f} bits; at least {MIN_BITS}): it runs in "
            "sequence or repeats itself"
        )
    return None
