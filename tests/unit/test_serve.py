"""The served app (`serve.py`): Streamlit's page carries where the server's root is.

Opened at a page's own address, Streamlit's page first asked `/<page>/_stcore/health`, was
told "Not Found" and asked the root 100 ms later; `serve.RootHint` writes the root into the
page. The browser check (one health request, at the root) is in `tests/e2e/test_state.py`.
"""

from __future__ import annotations

import asyncio
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
