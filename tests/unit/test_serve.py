"""The served app (`serve.py`): Streamlit's page carries where the server's root is.

Opened at a page's own address, Streamlit's page first asked `/<page>/_stcore/health`, was
told "Not Found" and asked the root 100 ms later; `serve.RootHint` writes the root into the
page. The browser check (one health request, at the root) is in `tests/e2e/test_state.py`.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

import serve

PAGE = b"<!DOCTYPE html><html><head><meta charset='UTF-8'></head><body></body></html>"


def _call(path: str, body: bytes = PAGE, content_type: bytes = b"text/html", method: str = "GET"):
    """Run the middleware over a stand-in for Streamlit; return (request headers seen, response)."""
    seen: dict = {}

    async def streamlit(scope, receive, send):
        seen["headers"] = dict(scope["headers"])
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body[:10], "more_body": True})
        await send({"type": "http.response.body", "body": body[10:]})  # fmt: skip

    sent: list = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    scope = {"type": "http", "method": method, "path": path,
             "headers": [(b"accept-encoding", b"gzip"), (b"host", b"x")]}  # fmt: skip
    # its own thread: a browser test earlier in the session may leave an event loop running here
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, serve.RootHint(streamlit)(scope, receive, send)).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return seen["headers"], dict(start["headers"]), body


@pytest.mark.parametrize("path", ["/", "/costs", "/sensitivity/"])
def test_the_page_says_where_the_root_is(path):
    """The hint comes first in <head>, the length is the new one, and the page is asked for
    uncompressed (so it can be read)."""
    asked, headers, body = _call(path)
    assert body.startswith(PAGE[: PAGE.index(b"<head>") + 6] + serve.ROOT_HINT)
    assert body.replace(serve.ROOT_HINT, b"") == PAGE
    assert int(headers[b"content-length"]) == len(body)
    assert b"accept-encoding" not in asked


@pytest.mark.parametrize("path", ["/_stcore/health", "/static/js/index.js", "/media/a.png", "/favicon.png"])
def test_everything_else_passes_untouched(path):
    asked, headers, body = _call(path, body=b"<head>not a page", content_type=b"text/html")
    assert body == b"<head>not a page" and asked[b"accept-encoding"] == b"gzip"


def test_a_post_or_a_non_html_answer_passes_untouched():
    assert _call("/costs", method="POST")[2] == PAGE
    assert _call("/costs", body=b"<head>{}", content_type=b"application/json")[2] == b"<head>{}"


def test_the_hint_names_every_page_of_the_app():
    """The root is the address without its last part when that part is a page of `app.py`."""
    pages = sorted(p.stem for p in (serve.ROOT / "pages").glob("*.py"))
    assert serve.PAGES == pages and b'"costs"' in serve.ROOT_HINT


# --- the health check of a refused configuration (issue 26) ---------------------------------------


def _health(check) -> tuple[int, bytes, bool]:
    """Run `HealthGate` over a stand-in for Streamlit's health answer; (status, body, whether
    Streamlit was asked)."""
    asked: list[bool] = []

    async def streamlit(scope, receive, send):
        asked.append(True)
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}
        )
        await send({"type": "http.response.body", "body": b"ok"})

    sent: list = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    scope = {"type": "http", "method": "GET", "path": "/_stcore/health", "headers": []}
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, serve.HealthGate(streamlit, check=check)(scope, receive, send)).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], body, bool(asked)


def test_a_refused_configuration_is_unhealthy_and_the_reason_stays_in_the_log(caplog):
    """While the configuration is refused the health check answers 503 (a load balancer
    stops sending users there) without asking Streamlit, and without the reason, which is
    logged once; once the problem is gone Streamlit answers "ok" again."""
    problem = {"now": "The sign-in cookie key is too short (10 bytes; at least 32)."}
    caplog.set_level("ERROR", logger="serve")
    for _ in range(3):
        status, body, asked = _health(lambda: problem["now"])
        assert (status, body, asked) == (503, serve.UNHEALTHY, False)
        assert b"cookie" not in body
    problem["now"] = None
    assert _health(lambda: problem["now"]) == (200, b"ok", True)


@pytest.mark.parametrize(
    ("environ", "address", "says"),
    [
        ({"TRAINING_ROI_COOKIE_KEY": "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz"}, None, "published in"),
        ({"TRAINING_ROI_COOKIE_KEY": "0123456789ABCDEF" * 4}, None, "not random enough"),
        ({"TRAINING_ROI_COOKIE_KEY": "Aa1-" * 12}, None, "only 4 different characters"),
        ({"TRAINING_ROI_COOKIE_KEY": "some_key"}, None, "published default"),
        ({"TRAINING_ROI_COOKIE_KEY": "0123456789"}, None, "too short"),
        ({}, None, "no sign-in cookie key"),
        ({"TRAINING_ROI_SINGLE_USER": "1"}, "0.0.0.0", "only on this computer"),
        (
            {"TRAINING_ROI_COOKIE_KEY": secrets.token_urlsafe(48), "TRAINING_ROI_REPLICAS": "2",
             "TRAINING_ROI_DATABASE_URL": "sqlite:////tmp/x.sqlite3"},
            None,
            "serves one host only",
        ),
    ],
)  # fmt: skip
def test_every_refused_configuration_is_a_problem(environ, address, says):
    """What the app refuses, and a full-length key that is not random (the project's own
    doctest key among them: issue 26), make the health check fail."""
    problem = serve.configuration_problem(environ, secrets={}, address=address or "127.0.0.1")
    assert problem is not None and says in problem


@pytest.mark.parametrize(
    ("environ", "address"),
    [
        ({"TRAINING_ROI_COOKIE_KEY": secrets.token_urlsafe(48)}, "0.0.0.0"),
        ({"TRAINING_ROI_COOKIE_KEY": secrets.token_hex(32)}, "0.0.0.0"),
        ({"TRAINING_ROI_SINGLE_USER": "1"}, "127.0.0.1"),
    ],
)
def test_a_configuration_that_runs_is_healthy(environ, address):
    assert serve.configuration_problem(environ, secrets={}, address=address) is None


def test_the_served_app_reports_a_refused_configuration_as_unhealthy(tmp_path):
    """A live `streamlit run serve.py` with a weak cookie key of full length (the project's
    own doctest key): the health check answers 503, not "ok"."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "TRAINING_ROI_SINGLE_USER": "0",
        "TRAINING_ROI_COOKIE_KEY": "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz",
        "TRAINING_ROI_DATABASE_URL": f"sqlite:///{tmp_path / 'studio.sqlite3'}",
    }
    command = [
        sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with open(tmp_path / "streamlit.log", "wb") as log:
        process = subprocess.Popen(command, cwd=serve.ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                    status, body = answer.status, answer.read()
            except urllib.error.HTTPError as error:
                status, body = error.code, error.read()
            except (urllib.error.URLError, OSError):
                assert process.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
                continue
            break
        assert (status, body) == (503, serve.UNHEALTHY)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)
    assert (
        "health check answers 503: The sign-in cookie key is refused"
        in (tmp_path / "streamlit.log").read_text()
    )


def test_a_foreign_origin_makes_no_outside_lookup(monkeypatch):
    """Issue 26, finding 7: Streamlit's origin check asked an outside IP service for a foreign
    Origin (up to 2 s in the event loop). Served through serve.py, it never does."""
    from streamlit import net_util
    from streamlit.web.server import server_util

    import serve

    asked: list[str] = []
    monkeypatch.setattr(net_util, "_make_blocking_http_get", lambda url, timeout: asked.append(url))
    monkeypatch.setattr(net_util, "_external_ip", None)
    monkeypatch.setattr(net_util, "get_external_ip", net_util.get_external_ip)  # restored after the test
    serve.no_outside_lookups()
    assert not server_util.is_url_from_allowed_origins("https://evil.example")
    assert asked == []
