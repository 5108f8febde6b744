"""The dashboard as served: `app.py` behind one small piece of middleware (`streamlit run serve.py`).

Streamlit's page, opened at a page's own address (`/costs`, a shared `/sensitivity?…` link, a
reload), does not know where the server's root is: it first asks `/costs/_stcore/health`,
gets "Not Found", waits 100 ms and asks `/_stcore/health` (measured: the connection opened
~150 ms later than on `/`, on loopback; over the internet one round trip more). The middleware
writes into the page, before Streamlit's own script, where the root is (`window.__streamlit`'s
`BACKEND_BASE_URL`: the address without its last part when that part is one of the
dashboard's pages), so the first question goes to the right place.

Everything else is `app.py` as `streamlit run app.py` serves it; tests of the script itself
(AppTest) open `app.py` directly.
"""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


app = st.App(ROOT / "app.py", middleware=[Middleware(RootHint)])
