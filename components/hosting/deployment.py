"""How this copy of the dashboard runs: with accounts (the default) or single-user, and its cookie key.

Plain Python (no Streamlit), read from the environment and `.streamlit/secrets.toml`, so
the rules are unit-tested and `tasks.py` can tell the same story. First match wins:

- **Mode.** `TRAINING_ROI_SINGLE_USER=1` (or `single_user = true` in secrets) runs without
  sign-in, for one person on this computer: allowed only while the server listens on the
  loopback address (`server.address` 127.0.0.1, ::1 or localhost; `python3 tasks.py run`
  sets both). Anything else, including no setting at all, means **accounts**: sign-in,
  roles, private scenarios (SECURITY.md, "Accounts").
- **Cookie key** (accounts only). `TRAINING_ROI_COOKIE_KEY` or `cookie_key` in secrets: at
  least `COOKIE_KEY_MIN_BYTES` = 32 bytes, not a published default (`some_key`, the
  library's), not one repeated character. The sign-in cookie is signed with it; a key
  anyone knows would let anyone mint one (Apache Superset, CVE-2023-27524). Without a good
  key the app shows `ConfigurationError`'s message (how to make one) and nothing else.
- **Trusted proxies.** `TRAINING_ROI_TRUSTED_PROXIES`: comma-separated addresses or CIDR
  networks (`127.0.0.1,172.16.0.0/12`) whose `X-Forwarded-For` names the client for the
  sign-in limits (components/hosting/limits.py). None by default: every connection is its
  own client, whatever its headers say. Read once per process (`trusted_proxies`); an entry
  that is not an address or network is a `ConfigurationError`.
- **Who may ask** (`serve.py`'s gates, issue 26). Streamlit's metrics answer only a Host that
  `server.allowedHosts` names (`metrics_host_allowed`); its websocket opens only for the page's
  own origin or one of `server.corsAllowedOrigins`, scheme, host and port exactly
  (`origin_allowed`), not for any port of localhost.

>>> settings = read_settings({"TRAINING_ROI_SINGLE_USER": "1"}, secrets={})
>>> settings.single_user, settings.cookie_key
(True, None)
>>> read_settings({}, secrets={"cookie_key": "some_key"})
Traceback (most recent call last):
...
components.hosting.deployment.ConfigurationError: The sign-in cookie key is a published default ...
>>> import secrets
>>> key = secrets.token_urlsafe(48)
>>> read_settings({"TRAINING_ROI_COOKIE_KEY": key}, secrets={}).cookie_key == key
True
"""

from __future__ import annotations

import functools
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from components.hosting.limits import Network, parse_proxies
from storage.secret_keys import key_weakness

ROOT = Path(__file__).resolve().parents[2]
SECRETS_FILE = ROOT / ".streamlit" / "secrets.toml"
SINGLE_USER_ENV = "TRAINING_ROI_SINGLE_USER"
COOKIE_KEY_ENV = "TRAINING_ROI_COOKIE_KEY"
TRUSTED_PROXIES_ENV = "TRAINING_ROI_TRUSTED_PROXIES"
COOKIE_KEY_MIN_BYTES = 32
LOOPBACK = frozenset({"127.0.0.1", "::1", "[::1]", "localhost"})
DEFAULT_PORTS = {"http": 80, "https": 443}  # the port of an origin that names none
# Keys published in documentation and examples (streamlit-authenticator's default and its
# README's examples, and the usual placeholders): refused whatever their length.
KNOWN_KEYS = frozenset(
    {
        "some_key",
        "some_signature_key",
        "random_signature_key",
        "abcdef",
        "changeme",
        "change_me",
        "secret",
        "your_secret_key",
        "replace-me",
    }
)
HOW_TO_SET_KEY = (
    f"Set the environment variable {COOKIE_KEY_ENV}, or `cookie_key` in .streamlit/secrets.toml, "
    "to at least 32 random bytes, for example the output of "
    '`python3 -c "import secrets; print(secrets.token_urlsafe(48))"`. '
    "`python3 tasks.py run` writes one on first use."
)


class ConfigurationError(RuntimeError):
    """This copy cannot run safely as configured; the message says what to change."""


@dataclass(frozen=True)
class Settings:
    """`single_user`: no sign-in (loopback only); `cookie_key`: the key that signs sign-in
    cookies (None in single-user mode); `trusted_proxies`: whose forwarded address counts."""

    single_user: bool
    cookie_key: str | None
    trusted_proxies: tuple[Network, ...] = ()


def _secrets(path: Path) -> Mapping[str, Any]:
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigurationError(f"{path.name} is not valid TOML: {error}") from None


def _yes(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def check_cookie_key(key: Any) -> str:
    """The key, if it can sign sign-in cookies safely; otherwise `ConfigurationError`.

    >>> def refusal(key):
    ...     try:
    ...         check_cookie_key(key)
    ...     except ConfigurationError as error:
    ...         return str(error).split(". ")[0]
    >>> refusal("0123456789")
    'The sign-in cookie key is too short (10 bytes; at least 32)'
    >>> refusal("x" * 40)
    'The sign-in cookie key is one character repeated, not random'
    >>> refusal("0123456789abcdef0123456789abcdef")  # long enough, but a pattern (storage.secret_keys)
    "The sign-in cookie key is refused: it is a key published in this project's examples"
    >>> check_cookie_key("  q8Jz-3LmV0pR7tYx2NwK9bHc4FsD1gEaU6 ")
    'q8Jz-3LmV0pR7tYx2NwK9bHc4FsD1gEaU6'
    """
    if not isinstance(key, str) or not key.strip():
        raise ConfigurationError(f"There is no sign-in cookie key. {HOW_TO_SET_KEY}")
    key = key.strip()
    if key.lower() in KNOWN_KEYS:
        raise ConfigurationError(
            f"The sign-in cookie key is a published default and is refused. {HOW_TO_SET_KEY}"
        )
    size = len(key.encode("utf-8"))
    if size < COOKIE_KEY_MIN_BYTES:
        raise ConfigurationError(
            f"The sign-in cookie key is too short ({size} bytes; at least {COOKIE_KEY_MIN_BYTES}). {HOW_TO_SET_KEY}"
        )
    if len(set(key)) == 1:
        raise ConfigurationError(
            f"The sign-in cookie key is one character repeated, not random. {HOW_TO_SET_KEY}"
        )
    weakness = key_weakness(key)
    if weakness is not None:
        raise ConfigurationError(f"The sign-in cookie key is refused: {weakness}. {HOW_TO_SET_KEY}")
    return key


def read_settings(
    environ: Mapping[str, str] | None = None,
    *,
    secrets: Mapping[str, Any] | None = None,
    secrets_file: Path = SECRETS_FILE,
) -> Settings:
    """The mode and cookie key of this copy (see the module docstring); `ConfigurationError`
    when accounts are on and the key is missing or unsafe."""
    environ = os.environ if environ is None else environ
    secrets = _secrets(secrets_file) if secrets is None else secrets
    wanted = environ.get(SINGLE_USER_ENV)
    single = (
        _yes(wanted) if wanted is not None and wanted.strip() else _yes(secrets.get("single_user", False))
    )
    proxies = read_trusted_proxies(environ)
    if single:
        return Settings(True, None, proxies)
    key = environ.get(COOKIE_KEY_ENV) or secrets.get("cookie_key")
    return Settings(False, check_cookie_key(key), proxies)


def read_trusted_proxies(environ: Mapping[str, str]) -> tuple[Network, ...]:
    """The proxies `TRAINING_ROI_TRUSTED_PROXIES` names (none when unset).

    >>> read_trusted_proxies({}), read_trusted_proxies({TRUSTED_PROXIES_ENV: "172.28.0.10"})
    ((), (IPv4Network('172.28.0.10/32'),))
    >>> read_trusted_proxies({TRUSTED_PROXIES_ENV: "nginx"})
    Traceback (most recent call last):
    ...
    components.hosting.deployment.ConfigurationError: TRAINING_ROI_TRUSTED_PROXIES: 'nginx' is not ...
    """
    try:
        return parse_proxies(environ.get(TRUSTED_PROXIES_ENV))
    except ValueError as error:
        raise ConfigurationError(
            f"{TRUSTED_PROXIES_ENV}: {error}. List the proxy's addresses or networks, comma-separated "
            "(for example 127.0.0.1,172.16.0.0/12), or leave it unset to trust no proxy."
        ) from None


@functools.cache
def trusted_proxies() -> tuple[Network, ...]:
    """This process's trusted proxies, read from its environment once (tests clear the cache)."""
    return read_trusted_proxies(os.environ)


def check_single_user_address(address: Any) -> None:
    """Single-user mode only while the server listens on loopback; `ConfigurationError` otherwise.

    >>> check_single_user_address("127.0.0.1")
    >>> check_single_user_address("0.0.0.0")
    Traceback (most recent call last):
    ...
    components.hosting.deployment.ConfigurationError: Single-user mode (no sign-in) ...
    """
    if str(address or "").strip().lower() not in LOOPBACK:
        raise ConfigurationError(
            "Single-user mode (no sign-in) runs only on this computer, but the server listens on "
            f"{str(address or '').strip() or 'every network interface'}. Start it with "
            "`python3 tasks.py run` (loopback), or set `--server.address 127.0.0.1`, or turn "
            f"single-user mode off ({SINGLE_USER_ENV}=0) to use accounts."
        )


def _host_name(host: Any) -> str:
    """The host part of a Host header or an allowedHosts entry, lower case, no port.

    >>> _host_name("LocalHost:8501"), _host_name("[::1]:8501"), _host_name("roi.example.com")
    ('localhost', '::1', 'roi.example.com')
    """
    text = str(host or "").strip().lower()
    if text.startswith("["):
        return text[1 : text.find("]")] if "]" in text else text
    return text.rsplit(":", 1)[0] if text.count(":") == 1 else text


def check_single_user_hosts(hosts: Any) -> None:
    """Single-user mode answers only to this computer's own names: `server.allowedHosts` naming
    another host (what a proxy on this host would need) is refused, as a bind address would be.

    >>> check_single_user_hosts([]), check_single_user_hosts(["localhost", "127.0.0.1:8501"])
    (None, None)
    >>> check_single_user_hosts(["roi.example.com"])
    Traceback (most recent call last):
    ...
    components.hosting.deployment.ConfigurationError: Single-user mode (no sign-in) answers only ...
    """
    others = [str(h) for h in (hosts or []) if _host_name(h) not in LOOPBACK]
    if others:
        raise ConfigurationError(
            "Single-user mode (no sign-in) answers only on this computer, but server.allowedHosts "
            f"names {', '.join(others)}. Remove it, or turn single-user mode off ({SINGLE_USER_ENV}=0) "
            "to use accounts."
        )


def single_user_host_allowed(host_header: Any) -> bool:
    """Whether a request's Host header names this computer (single-user mode serves only those).

    >>> single_user_host_allowed("localhost:8501"), single_user_host_allowed("127.0.0.1")
    (True, True)
    >>> single_user_host_allowed("roi.example.com"), single_user_host_allowed(None)
    (False, True)
    """
    return host_header is None or _host_name(host_header) in LOOPBACK


# --- who may ask: the Host of a metrics request, the Origin of a websocket (issue 26) ---------


def _authority(text: Any) -> tuple[str, int | None] | None:
    """(host name, port or None) of a Host header, lower case, no brackets or trailing dot;
    None when it is not a bare host[:port] (user info, a path, a bad port).

    >>> _authority("LocalHost:8501"), _authority("[::1]"), _authority("roi.example.com.")
    (('localhost', 8501), ('::1', None), ('roi.example.com', None))
    >>> _authority("a@evil.example"), _authority("x:99999"), _authority(""), _authority("x/y")
    (None, None, None, None)
    """
    value = str(text or "").strip()
    try:
        parts = urlsplit(f"//{value}")
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname or "@" in parts.netloc or parts.path or parts.query or parts.fragment:
        return None
    return parts.hostname.rstrip("."), port


def _origin(text: Any) -> tuple[str, str, int] | None:
    """(scheme, host name, port) of a web origin, the port filled in for http/https; None for
    anything else (`null`, a path, another scheme).

    >>> _origin("HTTP://LocalHost:8501"), _origin("https://roi.example.com")
    (('http', 'localhost', 8501), ('https', 'roi.example.com', 443))
    >>> _origin("null"), _origin("http://a.example/x"), _origin("file://x")
    (None, None, None)
    """
    try:
        parts = urlsplit(str(text or "").strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname or "@" in parts.netloc:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    return scheme, parts.hostname.rstrip("."), DEFAULT_PORTS[scheme] if port is None else port


def metrics_host_allowed(host_header: Any, allowed_hosts: Any) -> bool:
    """Whether Streamlit's metrics may answer a request with this Host header: only a name the
    deployment serves (`server.allowedHosts`, as Streamlit matches it: the name, or `*.domain`;
    ports ignored). A list naming no host (empty, or only `*`) allows loopback names only.
    Metrics are never public (nginx answers 404); this keeps a replica reached directly, or a
    page on another site rebinding its name to this server, from reading them.

    >>> metrics_host_allowed("localhost:8501", ["localhost", "127.0.0.1", "::1"])
    True
    >>> metrics_host_allowed("evil.example:8501", ["localhost"]), metrics_host_allowed(None, ["localhost"])
    (False, False)
    >>> metrics_host_allowed("roi.example.com", ["roi.example.com"]), metrics_host_allowed("localhost", ["roi.example.com"])
    (True, False)
    >>> metrics_host_allowed("a.example.com", ["*.example.com"]), metrics_host_allowed("[::1]:8501", ["*"])
    (True, True)
    """
    parsed = _authority(host_header) if host_header is not None else None
    if parsed is None:
        return False
    name = parsed[0]
    patterns = [_host_name(h).rstrip(".") for h in (allowed_hosts or []) if str(h).strip() not in ("", "*")]
    for pattern in patterns or sorted(LOOPBACK):
        if pattern.startswith("*.") and name.endswith(pattern[1:]):
            return True
        if name == pattern.strip("[]"):
            return True
    return False


def origin_allowed(origin: Any, host_header: Any, allowed_origins: Any = ()) -> bool:
    """Whether a websocket with this Origin may open: the page's own origin (the Origin's host
    and port are the request's Host), or one of `server.corsAllowedOrigins` exactly (scheme,
    host and port). Not "any port of localhost" or of this machine's addresses, as Streamlit
    allows: a page served on another port of the same computer is another site. No Origin
    (not a browser) passes, as in Streamlit.

    The page's own origin is compared without its scheme (TLS may end before this server, so
    the scheme it sees is not the browser's): host and port exactly. A Host without a port is
    the scheme's default, as a browser sends it (it names the port unless it is 80 or 443), so
    only an Origin on its scheme's default port matches it. nginx passes the Host with its port
    (`deploy/nginx.conf`: `$http_host`); a proxy that passes the name alone (nginx's `$host`)
    while browsers reach it on another port has its websockets refused: pass the port too.

    >>> origin_allowed("http://127.0.0.1:8501", "127.0.0.1:8501"), origin_allowed(None, "x")
    (True, True)
    >>> origin_allowed("http://127.0.0.1:9999", "127.0.0.1:8501"), origin_allowed("http://localhost:8501", "127.0.0.1:8501")
    (False, False)
    >>> origin_allowed("https://roi.example.com", "roi.example.com"), origin_allowed("null", "roi.example.com")
    (True, False)
    >>> origin_allowed("https://roi.example.com:8443", "roi.example.com"), origin_allowed("http://roi.example.com:8080", "roi.example.com:8080")
    (False, True)
    >>> origin_allowed("https://app.example.com", "roi.example.com", ["https://app.example.com"])
    True
    >>> origin_allowed("http://app.example.com", "roi.example.com", ["https://app.example.com"])
    False
    """
    if origin is None:
        return True
    wanted = _origin(origin)
    if wanted is None:
        return False
    if any(_origin(allowed) == wanted for allowed in (allowed_origins or [])):
        return True
    host = _authority(host_header) if host_header is not None else None
    if host is None or host[0] != wanted[1]:
        return False
    scheme, _, port = wanted
    return port == (DEFAULT_PORTS[scheme] if host[1] is None else host[1])
