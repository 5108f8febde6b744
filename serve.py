"""The dashboard as served: `app.py` behind one small piece of middleware (`streamlit run serve.py`).

Streamlit's page, opened at a page's own address (`/costs`, a shared `/sensitivity?…` link, a
reload), does not know where the server's root is: it first asks `/costs/_stcore/health`,
gets "Not Found", waits 100 ms and asks `/_stcore/health` (measured: the connection opened
~150 ms later than on `/`, on loopback; over the internet one round trip more). The middleware
writes into the page, before Streamlit's own script, where the root is (`window.__streamlit`'s
`BACKEND_BASE_URL`: the address without its last part when that part is one of the
dashboard's pages), so the first question goes to the right place.

A second piece, `HealthGate`, answers the health check (`/_stcore/health`, what the
Dockerfile's HEALTHCHECK, compose and a load balancer ask) with 503 while this copy refuses
to run as configured (`configuration_problem`: the checks the app's own gate makes, a
cookie key that is long enough but not random, several replicas on one SQLite file). Before
issue 26 such a copy answered "ok" while showing every visitor only its set-up message, so a
load balancer kept sending users to it. The reason goes to the server's log (once per
reason), not to the public answer.

Third, `no_outside_lookups`: Streamlit checks a request's Origin against this machine's
addresses and, for a foreign Origin, asks an outside service for the server's public address
(in the event loop, up to 2 s, not kept when it fails): any anonymous request with a made-up
Origin could hold the server that long. The dashboard's allowed origins are its own host and
what `server.corsAllowedOrigins` names, so that lookup is switched off.

Fourth, `MetricsGate` and `OriginGate` (issue 26): Streamlit serves `/_stcore/metrics` to any
Host and opens its websocket for an Origin on any port of localhost or of this machine's
addresses. A replica reached without nginx (which hides the metrics) now answers the metrics
only to a Host the deployment serves (`server.allowedHosts`), and opens the websocket only for
the page's own origin or one of `server.corsAllowedOrigins`, scheme, host and port exactly
(`components/hosting/deployment.py`: `metrics_host_allowed`, `origin_allowed`).

Everything else is `app.py` as `streamlit run app.py` serves it; tests of the script itself
(AppTest) open `app.py` directly.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import streamlit as st
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from components.hosting.deployment import (
    ConfigurationError,
    check_single_user_address,
    check_single_user_hosts,
    metrics_host_allowed,
    origin_allowed,
    read_settings,
)
from components.hosting.limits import bound_server_memory
from components.session.hardening import mark_cut_links
from storage import ConfigurationError as DatabaseConfigurationError
from storage import check_deployment
from storage.secret_keys import key_weakness

ROOT = Path(__file__).resolve().parent
PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))  # app.py: url_path = the file's name
# Paths Streamlit answers with something other than its page (scripts, styles, the websocket, media).
_NOT_THE_PAGE = ("/_stcore/", "/static/", "/media/", "/component/", "/app/static/", "/favicon")

ROOT_HINT = (
    "<script>(function(){var pages=" + json.dumps(PAGES) + ";"
    "var path=location.pathname.replace(/\\/+$/,'');var last=path.slice(path.lastIndexOf('/')+1);"
    "if(pages.indexOf(last)>=0){path=path.slice(0,path.length-last.length);}"
    "window.__streamlit={BACKEND_BASE_URL:location.origin+path.replace(/\\/*$/,'/')};})();</script>"
).encode()


logger = logging.getLogger(__name__)
HEALTH_PATH = "/_stcore/health"
UNHEALTHY = b"unhealthy: this copy refuses to run as configured; its log says why\n"
_HOW_TO_MAKE_A_KEY = 'Make one with `python3 -c "import secrets; print(secrets.token_urlsafe(48))"`.'


def configuration_problem(
    environ: Mapping[str, str] | None = None,
    *,
    secrets: Mapping[str, Any] | None = None,
    address: str | None = None,
    allowed_hosts: list[str] | None = None,
) -> str | None:
    """Why this copy refuses to run as configured, or None when it runs.

    The app's own gate (components/hosting/deployment.py: the mode, a missing, short or
    published cookie key, single-user mode off loopback; `storage.check_deployment`: several
    replicas on one SQLite file), plus a cookie key of full length that is not random
    (`storage.secret_keys`). `environ` and `secrets` default to the process's; `address` to
    Streamlit's `server.address`. Never raises: a check that fails unexpectedly is a problem
    too (fail closed).

    >>> import secrets as random
    >>> key = random.token_urlsafe(48)
    >>> configuration_problem({"TRAINING_ROI_COOKIE_KEY": key}, secrets={}) is None
    True
    >>> configuration_problem({"TRAINING_ROI_COOKIE_KEY": "0123456789abcdef" * 2}, secrets={})[:60]
    'The sign-in cookie key is refused: it is a key published in '
    >>> configuration_problem({"TRAINING_ROI_SINGLE_USER": "1"}, secrets={}, address="0.0.0.0")[:40]
    'Single-user mode (no sign-in) runs only '
    >>> configuration_problem(
    ...     {"TRAINING_ROI_SINGLE_USER": "1"}, secrets={}, address="127.0.0.1", allowed_hosts=["roi.example.com"]
    ... )[:45]
    'Single-user mode (no sign-in) answers only on'
    """
    try:
        settings = read_settings(environ, secrets=secrets)
        if settings.single_user:
            check_single_user_address(st.get_option("server.address") if address is None else address)
            check_single_user_hosts(
                st.get_option("server.allowedHosts") if allowed_hosts is None else allowed_hosts
            )
        elif settings.cookie_key is not None:
            weakness = key_weakness(settings.cookie_key)
            if weakness is not None:
                return f"The sign-in cookie key is refused: {weakness}. {_HOW_TO_MAKE_A_KEY}"
        check_deployment(environ=environ)
    except (ConfigurationError, DatabaseConfigurationError) as error:
        return str(error)
    except Exception as error:  # fail closed: an unexpected error is no proof of a safe set-up
        return f"The configuration could not be checked ({type(error).__name__}: {error})."
    return None


class HealthGate:
    """ASGI middleware: the health check answers 503 (plain text, not cached) while
    `check()` names a problem; otherwise Streamlit answers it ("ok"). The problem is logged
    at ERROR when it first appears or changes.

    The dashboard's own page asks the same address before it connects (a browser's fetch,
    `Sec-Fetch-Site: same-origin`): it gets Streamlit's answer, so the visitor of a refused
    copy sees the set-up message that says what to fix instead of a page that never loads.
    Load balancers, Docker's HEALTHCHECK and scripts send no such header and get 503."""

    def __init__(self, app: ASGIApp, check: Callable[[], str | None] = configuration_problem) -> None:
        self.app = app
        self.check = check
        self._logged: str | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and str(scope.get("path", "")).endswith(HEALTH_PATH)
            and not _from_the_dashboards_page(scope)
        ):
            problem = self.check()
            if problem is not None:
                if problem != self._logged:
                    logger.error("health check answers 503: %s", problem)
                    self._logged = problem
                await _send_plain(send, 503, UNHEALTHY)
                return
            self._logged = None
        await self.app(scope, receive, send)


def _from_the_dashboards_page(scope: Scope) -> bool:
    """Whether a request is the dashboard page's own fetch (a browser, same origin).

    >>> _from_the_dashboards_page({"headers": [(b"sec-fetch-site", b"same-origin")]})
    True
    >>> _from_the_dashboards_page({"headers": [(b"user-agent", b"curl/8")]})
    False
    """
    return _header(scope, b"sec-fetch-site") == "same-origin"


async def _send_plain(send: Send, status: int, body: bytes) -> None:
    """A short plain-text answer that no cache keeps (the refused health check, hidden metrics)."""
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"cache-control", b"no-store"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def is_page_request(scope: Scope) -> bool:
    """A GET for the dashboard's page (its root or a page's address), not for a file or an API.

    >>> is_page_request({"type": "http", "method": "GET", "path": "/costs"})
    True
    >>> [is_page_request({"type": "http", "method": "GET", "path": p}) for p in ("/_stcore/health", "/static/js/a.js")]
    [False, False]
    """
    if scope["type"] != "http" or scope.get("method") != "GET":
        return False
    path = scope.get("path", "/")
    return not any(part in path for part in _NOT_THE_PAGE) and "." not in path.rsplit("/", 1)[-1]


class RootHint:
    """ASGI middleware: the page Streamlit serves, with `ROOT_HINT` first in its `<head>`.

    The page is asked for uncompressed (it is ~2 kB) so it can be read; every other response
    passes through untouched.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_page_request(scope):
            await self.app(scope, receive, send)
            return
        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"accept-encoding"]
        start: Message | None = None
        chunks: list[bytes] = []

        async def rewrite(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            response_headers = list(start.get("headers", []))
            content_type = dict((k.lower(), v) for k, v in response_headers).get(b"content-type", b"")
            if content_type.startswith(b"text/html") and b"<head>" in body:
                body = body.replace(b"<head>", b"<head>" + ROOT_HINT, 1)
                response_headers = [(k, v) for k, v in response_headers if k.lower() != b"content-length"]
                response_headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": response_headers})
            await send({"type": "http.response.body", "body": body})

        await self.app({**scope, "headers": headers}, receive, rewrite)


METRICS_PATH = "/_stcore/metrics"
NOT_FOUND = b"Not Found"


def _header(scope: Scope, name: bytes) -> str | None:
    """A request header's value (latin-1, as HTTP has it), or None when it is absent.

    >>> _header({"headers": [(b"Host", b"localhost:8501")]}, b"host"), _header({"headers": []}, b"origin")
    ('localhost:8501', None)
    """
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


class MetricsGate:
    """ASGI middleware: Streamlit's metrics (`/_stcore/metrics`, any method) answer only a
    request whose Host the deployment serves (`metrics_host_allowed` over `allowed_hosts()`,
    `server.allowedHosts` by default); any other gets 404, as through nginx."""

    def __init__(self, app: ASGIApp, allowed_hosts: Callable[[], Any] | None = None) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts or (lambda: st.get_option("server.allowedHosts"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and str(scope.get("path", "")).rstrip("/").endswith(METRICS_PATH)
            and not metrics_host_allowed(_header(scope, b"host"), self.allowed_hosts())
        ):
            await _send_plain(send, 404, NOT_FOUND)
            return
        await self.app(scope, receive, send)


class OriginGate:
    """ASGI middleware: a websocket whose Origin is neither the page's own (its Host) nor one of
    `allowed_origins()` (`server.corsAllowedOrigins` by default), compared by scheme, host and
    port, is closed before it opens (the client sees 403), as Streamlit closes a foreign one.
    Streamlit's own check (Host in `server.allowedHosts`) still follows."""

    def __init__(self, app: ASGIApp, allowed_origins: Callable[[], Any] | None = None) -> None:
        self.app = app
        self.allowed_origins = allowed_origins or (lambda: st.get_option("server.corsAllowedOrigins"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            origin, host = _header(scope, b"origin"), _header(scope, b"host")
            if not origin_allowed(origin, host, self.allowed_origins()):
                logger.warning("websocket refused: Origin %r is not this page's (Host %r)", origin, host)
                await send({"type": "websocket.close", "code": 1008})  # policy violation
                return
        await self.app(scope, receive, send)


def no_outside_lookups() -> None:
    """Streamlit never asks an outside service for this server's public address (see above).

    >>> from streamlit import net_util
    >>> no_outside_lookups(); net_util.get_external_ip() is None
    True
    """
    from streamlit import net_util

    net_util.get_external_ip = lambda: None  # type: ignore[assignment]


bound_server_memory()  # two allocator arenas for every session's thread, their arrays' memory reused
no_outside_lookups()
mark_cut_links()  # a link Streamlit drops whole (over 1,000 parameters) is said to be cut, from the first visit
app = st.App(
    ROOT / "app.py",
    middleware=[
        Middleware(HealthGate),
        Middleware(MetricsGate),
        Middleware(OriginGate),
        Middleware(RootHint),
    ],
)
