"""Which mode a copy runs in, and the cookie key it refuses (SECURITY.md, Accounts, first row)."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest

from components.accounts.sign_in import cookie_for, token_from_cookie
from components.hosting.deployment import (
    COOKIE_KEY_ENV,
    KNOWN_KEYS,
    SINGLE_USER_ENV,
    ConfigurationError,
    check_single_user_address,
    origin_allowed,
    read_settings,
)

GOOD_KEY = secrets.token_urlsafe(48)


def test_accounts_are_the_default_and_need_a_key():
    with pytest.raises(ConfigurationError, match="no sign-in cookie key.*TRAINING_ROI_COOKIE_KEY"):
        read_settings({}, secrets={})
    assert read_settings({COOKIE_KEY_ENV: GOOD_KEY}, secrets={}).cookie_key == GOOD_KEY


@pytest.mark.parametrize("key", ["some_key", "SOME_KEY", *sorted(KNOWN_KEYS)])
def test_published_default_keys_are_refused(key):
    with pytest.raises(ConfigurationError, match="published default"):
        read_settings({COOKIE_KEY_ENV: key}, secrets={})


@pytest.mark.parametrize(
    "key", ["0123456789", secrets.token_hex(15), "é" * 15], ids=["digits", "random-hex", "accents"]
)  # ids: a random value must not name a test (pytest-xdist collects in each worker)
def test_short_keys_are_refused_with_their_size(key):
    with pytest.raises(ConfigurationError, match=r"too short \(\d+ bytes; at least 32\)"):
        read_settings({}, secrets={"cookie_key": key})


def test_a_repeated_character_is_not_a_key():
    with pytest.raises(ConfigurationError, match="repeated"):
        read_settings({}, secrets={"cookie_key": "a" * 64})


def test_the_environment_wins_over_secrets_and_single_user_needs_no_key():
    assert read_settings({SINGLE_USER_ENV: "1"}, secrets={"cookie_key": "some_key"}).single_user
    assert read_settings({}, secrets={"single_user": True}).single_user
    settings = read_settings({SINGLE_USER_ENV: "0", COOKIE_KEY_ENV: GOOD_KEY}, secrets={"single_user": True})
    assert not settings.single_user


def test_a_broken_secrets_file_is_a_message(tmp_path):
    path = tmp_path / "secrets.toml"
    path.write_text('cookie_key = "unterminated\n')
    with pytest.raises(ConfigurationError, match="not valid TOML"):
        read_settings({}, secrets_file=path)


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "localhost", "LOCALHOST"])
def test_single_user_runs_on_loopback(address):
    check_single_user_address(address)


@pytest.mark.parametrize("address", [None, "", "0.0.0.0", "192.168.1.20", "::"])
def test_single_user_refuses_every_other_interface(address):
    with pytest.raises(ConfigurationError, match="only on this computer"):
        check_single_user_address(address)


# --- the cookie ------------------------------------------------------------------------------


def test_a_cookie_carries_only_a_session_token_signed_with_the_deployment_key():
    value = cookie_for("the-token", GOOD_KEY)
    claims = jwt.decode(value, GOOD_KEY, algorithms=["HS256"])
    assert set(claims) == {"session", "exp_date"} and "username" not in claims
    assert token_from_cookie(value, GOOD_KEY) == "the-token"


def test_a_cookie_signed_with_the_library_default_key_is_ignored():
    forged = jwt.encode({"session": "the-token", "exp_date": 4e9}, "some_key", algorithm="HS256")
    assert token_from_cookie(forged, GOOD_KEY) is None


def test_the_library_s_own_username_cookie_is_ignored_even_with_the_right_key():
    library_style = jwt.encode({"username": "admin", "exp_date": 4e9}, GOOD_KEY, algorithm="HS256")
    assert token_from_cookie(library_style, GOOD_KEY) is None


@pytest.mark.parametrize("value", [None, "", "not a jwt", "a.b.c", "x" * 5000, 42])
def test_garbage_cookies_are_ignored(value):
    assert token_from_cookie(value, GOOD_KEY) is None


def test_an_unsigned_or_expired_cookie_is_ignored():
    unsigned = jwt.encode({"session": "t", "exp_date": 4e9}, None, algorithm="none")
    assert token_from_cookie(unsigned, GOOD_KEY) is None
    then = datetime(2026, 1, 1, tzinfo=UTC)
    old = cookie_for("t", GOOD_KEY, now=then)
    assert token_from_cookie(old, GOOD_KEY, now=then + timedelta(hours=11)) == "t"
    assert token_from_cookie(old, GOOD_KEY, now=then + timedelta(hours=12, minutes=1)) is None


# --- issue 26: weak keys of full length, the proxy's version and HSTS -------------------------------

WEAK_FULL_LENGTH_KEYS = [
    "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz",  # this module's own doctest key
    "0123456789abcdef0123456789abcdef",  # sign_in.py's doctest key
    "0123456789abcdef0123456789abcdef-key",  # client_links.py's doctest key
    "0123456789ABCDEF" * 4,
    "Aa1-" * 12,
    "passwordpasswordpasswordpassword",
]


@pytest.mark.parametrize("key", WEAK_FULL_LENGTH_KEYS)
def test_weak_keys_of_full_length_have_a_weakness(key):
    """32 bytes and more, but a published example, few characters or a pattern: named by
    `storage.secret_keys.key_weakness`, which the health check uses (tests/unit/test_serve.py)."""
    from storage.secret_keys import key_weakness

    assert key_weakness(key) is not None


@pytest.mark.parametrize(
    "key",
    [secrets.token_urlsafe(48), secrets.token_urlsafe(32), secrets.token_hex(32)],
    ids=["urlsafe-48", "urlsafe-32", "hex-32"],
)
def test_generated_keys_have_no_weakness(key):
    from storage.secret_keys import key_weakness

    assert key_weakness(key) is None


@pytest.mark.parametrize("key", WEAK_FULL_LENGTH_KEYS[:3])
def test_the_app_refuses_a_weak_key_of_full_length(key):
    with pytest.raises(ConfigurationError):
        read_settings({COOKIE_KEY_ENV: key}, secrets={})


NGINX_CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"


def _directives(conf: str) -> list[str]:
    return [line.split("#", 1)[0].strip() for line in conf.splitlines() if line.split("#", 1)[0].strip()]


def test_nginx_hides_its_version():
    """`server_tokens off` in the http block: "Server: nginx" and error pages without the version."""
    assert "server_tokens off;" in _directives(NGINX_CONF.read_text())


def test_nginx_sends_hsts_on_every_answer():
    """Strict-Transport-Security for at least 180 days, on errors too (`always`), in the
    server block beside the other security headers (a location with its own add_header would
    drop them: there is none)."""
    directives = _directives(NGINX_CONF.read_text())
    hsts = [d for d in directives if d.startswith("add_header Strict-Transport-Security")]
    assert len(hsts) == 1 and hsts[0].endswith(" always;")
    max_age = int(re.search(r"max-age=(\d+)", hsts[0]).group(1))
    assert max_age >= 180 * 24 * 3600
    locations = NGINX_CONF.read_text().split("location")[1:]
    assert not any("add_header" in block.split("}")[0] for block in locations)


def test_nginx_passes_the_host_with_its_port():
    """The replica compares a websocket's Origin with the Host, port included (`origin_allowed`):
    every proxied location passes the browser's Host as sent (`$http_host`), not `$host`, which
    drops the port and would let a page on another port of the public host through."""
    directives = [" ".join(d.split()) for d in _directives(NGINX_CONF.read_text())]
    hosts = [d for d in directives if d.startswith("proxy_set_header Host ")]
    passes = [d for d in directives if d.startswith("proxy_pass ")]
    assert passes and hosts == ["proxy_set_header Host $roi_host;"] * len(passes)
    start = directives.index("map $http_host $roi_host {")
    assert directives[start + 1 : start + 4] == ['"" $host;', "default $http_host;", "}"]


@pytest.mark.parametrize(
    ("origin", "host", "opens"),
    [
        ("http://roi.example.com:8080", "roi.example.com:8080", True),  # through nginx, port kept
        ("https://roi.example.com:8080", "roi.example.com:8080", True),  # scheme not compared
        ("http://roi.example.com:9999", "roi.example.com:8080", False),  # another port: another site
        ("https://roi.example.com", "roi.example.com", True),  # default ports: no port in the Host
        ("http://roi.example.com", "roi.example.com", True),
        ("https://roi.example.com:8443", "roi.example.com", False),  # not the default: refused
        ("http://roi.example.com:443", "roi.example.com", False),
        ("http://evil.example:8080", "roi.example.com:8080", False),
        ("http://roi.example.com:8080", None, False),
    ],
)
def test_a_websocket_opens_only_for_the_page_s_own_host_and_port(origin, host, opens):
    assert origin_allowed(origin, host) is opens
