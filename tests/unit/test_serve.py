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


# --- a replica reached without nginx: metrics by Host, websocket by exact Origin (issue 26) ------


def _asgi(middleware, scope: dict) -> tuple[list[dict], bool]:
    """Run `middleware` over a stand-in for Streamlit; (messages sent, whether Streamlit was asked)."""
    asked: list[bool] = []

    async def streamlit(scope, receive, send):
        asked.append(True)
        if scope["type"] == "websocket":
            await send({"type": "websocket.accept"})
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"# metrics"})

    sent: list = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "websocket.connect" if scope["type"] == "websocket" else "http.request"}

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, middleware(streamlit)(scope, receive, send)).result()
    return sent, bool(asked)


def _metrics(host: str | None, allowed_hosts: list[str], path: str = "/_stcore/metrics") -> tuple[int, bool]:
    headers = [(b"host", host.encode())] if host is not None else []
    scope = {"type": "http", "method": "GET", "path": path, "headers": headers}
    sent, asked = _asgi(lambda app: serve.MetricsGate(app, allowed_hosts=lambda: allowed_hosts), scope)
    return next(m for m in sent if m["type"] == "http.response.start")["status"], asked


LOCAL = ["localhost", "127.0.0.1", "::1"]  # .streamlit/config.toml


@pytest.mark.parametrize(
    ("host", "allowed_hosts"),
    [
        ("evil.example:8501", LOCAL),  # DNS rebinding, or anyone who reaches the replica
        ("roi.example.com.evil.example", ["roi.example.com"]),
        ("localhost:8501", ["roi.example.com"]),  # hosted: only the public name
        (None, LOCAL),
        ("a@localhost", LOCAL),
        ("evil.example", []),  # no list: loopback names only, never "any Host"
        ("evil.example", ["*"]),
    ],
)
def test_metrics_answer_no_host_the_deployment_does_not_serve(host, allowed_hosts):
    """Issue 26: Streamlit answered /_stcore/metrics to any Host; only nginx hid it."""
    assert _metrics(host, allowed_hosts) == (404, False)
    assert _metrics(host, allowed_hosts, path="/base/_stcore/metrics/") == (404, False)


@pytest.mark.parametrize(
    ("host", "allowed_hosts"),
    [
        ("127.0.0.1:8501", LOCAL),
        ("LOCALHOST:8501", LOCAL),
        ("[::1]:8501", LOCAL),
        ("roi.example.com", ["roi.example.com"]),
        ("eu.roi.example.com", ["*.roi.example.com"]),
        ("localhost", []),
    ],
)
def test_metrics_answer_a_host_the_deployment_serves(host, allowed_hosts):
    assert _metrics(host, allowed_hosts) == (200, True)


def test_the_metrics_gate_leaves_every_other_address_alone():
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/_stcore/health",
        "headers": [(b"host", b"evil.example")],
    }
    assert _asgi(lambda app: serve.MetricsGate(app, allowed_hosts=lambda: LOCAL), scope)[1]


def _websocket(origin: str | None, host: str, allowed_origins: list[str] = ()) -> tuple[str, bool]:
    headers = [(b"host", host.encode())] + ([(b"origin", origin.encode())] if origin else [])
    scope = {"type": "websocket", "path": "/_stcore/stream", "headers": headers}
    gate = lambda app: serve.OriginGate(app, allowed_origins=lambda: list(allowed_origins))  # noqa: E731
    sent, asked = _asgi(gate, scope)
    return sent[0]["type"], asked


@pytest.mark.parametrize(
    ("origin", "host", "allowed_origins"),
    [
        ("http://localhost:3000", "localhost:8501", []),  # another localhost port: another site
        ("http://127.0.0.1:3000", "127.0.0.1:8501", []),
        ("http://localhost:8501", "127.0.0.1:8501", []),  # another name for this machine
        ("http://0.0.0.0:8501", "127.0.0.1:8501", []),
        ("null", "127.0.0.1:8501", []),  # a sandboxed frame, a file
        ("http://127.0.0.1:3000", "127.0.0.1:8080", []),  # through nginx: it passes the port too
        ("http://127.0.0.1:8080", "127.0.0.1", []),  # no port in the Host: 80 (http) or 443 (https)
        ("https://roi.example.com:8443", "roi.example.com", []),
        ("http://app.example.com", "roi.example.com", ["https://app.example.com"]),  # scheme
        ("https://app.example.com:8443", "roi.example.com", ["https://app.example.com"]),  # port
        ("https://evil.example", "roi.example.com", ["https://app.example.com"]),
    ],
)
def test_the_websocket_opens_for_no_origin_but_the_exact_configured_ones(origin, host, allowed_origins):
    """Issue 26: Streamlit opened the websocket for an Origin on any port of localhost (or of this
    machine's addresses), comparing host names only; a page on another local port could drive
    a signed-in session."""
    assert _websocket(origin, host, allowed_origins) == ("websocket.close", False)


@pytest.mark.parametrize(
    ("origin", "host", "allowed_origins"),
    [
        ("http://127.0.0.1:8501", "127.0.0.1:8501", []),  # the page's own origin
        ("http://LocalHost:8501", "localhost:8501", []),
        ("https://roi.example.com", "roi.example.com", []),  # the default port: no port in the Host
        ("http://roi.example.com", "roi.example.com", []),
        ("http://127.0.0.1:8080", "127.0.0.1:8080", []),  # through nginx: it passes the port too
        ("https://roi.example.com:8443", "ROI.example.com:8443", []),
        ("https://app.example.com", "roi.example.com", ["https://app.example.com"]),
        ("https://app.example.com", "roi.example.com", ["https://APP.example.com:443"]),
        (None, "127.0.0.1:8501", []),  # not a browser (scripts/ws_load.py may send none)
    ],
)
def test_the_websocket_opens_for_the_page_s_own_origin_and_the_configured_ones(origin, host, allowed_origins):
    assert _websocket(origin, host, allowed_origins) == ("websocket.accept", True)


def _handshake(port: int, host: str, origin: str | None) -> str:
    """The status line of a websocket handshake to /_stcore/stream with these headers."""
    import base64

    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        lines = [
            "GET /_stcore/stream HTTP/1.1", f"Host: {host}", "Upgrade: websocket", "Connection: Upgrade",
            f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}", "Sec-WebSocket-Version: 13",
            "Sec-WebSocket-Protocol: streamlit", *([f"Origin: {origin}"] if origin else []),
        ]  # fmt: skip
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return sock.recv(4096).split(b"\r\n")[0].decode()


def _metrics_status(port: int, host: str) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/_stcore/metrics", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_served_app_keeps_metrics_and_its_websocket_to_its_own_names(tmp_path):
    """A live `streamlit run serve.py` reached directly (no nginx), as issue 26 found it."""
    from scripts.server import streamlit_server

    env = {
        "TRAINING_ROI_SINGLE_USER": "1",
        "TRAINING_ROI_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    with streamlit_server("serve.py", env=env, folder=tmp_path) as server:
        port = int(server.url.rsplit(":", 1)[1])
        here = f"127.0.0.1:{port}"
        assert _metrics_status(port, "evil.example") == 404
        assert _metrics_status(port, here) == 200
        assert " 403 " in _handshake(port, here, f"http://localhost:{port + 1}")  # another local port
        assert " 403 " in _handshake(port, here, f"http://127.0.0.1:{port + 1}")
        assert " 101 " in _handshake(port, here, f"http://{here}")
