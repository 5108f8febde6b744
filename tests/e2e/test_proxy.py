"""The deployment's nginx (deploy/nginx.conf) in front of two live replicas on loopback:
sticky websocket upgrade, the security headers, no public metrics, the Host passed through
with its port.

Debian's nginx is required in CI (`.ci/run` installs it) and skipped with a reason elsewhere."""

from __future__ import annotations

import gzip
import os
import re
import socket
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from scripts.topology import Nginx, nginx_binary
from tests.e2e.helpers import streamlit_server, websocket_handshake

pytestmark = pytest.mark.skipif(
    nginx_binary() is None and not os.environ.get("CI"), reason="needs Debian's nginx (apt-get install nginx)"
)


@pytest.fixture(scope="module")
def proxy() -> Iterator[str]:
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="roi-nginx-") as folder:
        replicas = [stack.enter_context(streamlit_server()) for _ in range(2)]
        nginx = Nginx(Path(folder), [url.removeprefix("http://") for url in replicas])
        stack.callback(nginx.stop)
        nginx.start()
        yield nginx.url


def test_the_proxy_sets_the_security_headers(proxy: str) -> None:
    with urllib.request.urlopen(proxy + "/", timeout=10) as response:
        headers = response.headers
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["Server"] == "nginx"  # server_tokens off: no version (issue 26)


def test_metrics_are_not_public_through_the_proxy(proxy: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(proxy + "/_stcore/metrics", timeout=10)
    assert refused.value.code == 404


def test_the_websocket_upgrades_through_the_proxy_and_a_foreign_host_is_still_refused(proxy: str) -> None:
    here = proxy.removeprefix("http://")
    assert " 101 " in websocket_handshake(proxy, here, proxy)
    assert " 403 " in websocket_handshake(proxy, "evil.example", "http://evil.example")


def test_a_page_on_another_port_of_the_proxy_s_host_gets_no_websocket(proxy: str) -> None:
    """nginx passes the Host with its port (`$http_host`), so the replica compares the Origin's
    port too: a page served on another port of the same host is another site. With `$host`
    the replica saw the name only and had to let any port through."""
    here = proxy.removeprefix("http://")
    name, port = here.rsplit(":", 1)
    assert " 101 " in websocket_handshake(proxy, here, f"http://{here}")
    assert " 403 " in websocket_handshake(proxy, here, f"http://{name}:{int(port) + 1}")
    assert " 403 " in websocket_handshake(proxy, here, f"http://{name}")  # port 80: not this one


def test_a_request_without_a_host_still_reaches_a_replica(proxy: str) -> None:
    """HTTP/1.0 needs no Host (an old load balancer's health check): nginx sends its server_name
    instead of an empty Host, which the replica (HTTP/1.1) would refuse with 400."""
    port = int(proxy.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET /_stcore/health HTTP/1.0\r\n\r\n")
        assert sock.recv(4096).split(b"\r\n")[0].decode().split()[1] == "200"


def test_each_browser_gets_a_routing_cookie_once(proxy: str) -> None:
    """Sticky sessions by a cookie, not by address: people behind one NAT spread out."""
    with urllib.request.urlopen(proxy + "/", timeout=10) as response:
        first = response.headers.get_all("Set-Cookie") or []
    (route,) = [c for c in first if c.startswith("roi_route=")]
    assert "HttpOnly" in route and "SameSite=Lax" in route and len(route.split(";")[0]) > 30
    again = urllib.request.Request(proxy + "/", headers={"Cookie": route.split(";")[0]})
    with urllib.request.urlopen(again, timeout=10) as response:
        assert not [c for c in response.headers.get_all("Set-Cookie") or [] if c.startswith("roi_route=")]


def test_scripts_reach_the_browser_compressed(proxy: str) -> None:
    """Streamlit sends its bundle uncompressed; through the proxy a browser that accepts gzip
    gets it at a fraction of the size, unchanged once unpacked."""
    with urllib.request.urlopen(proxy + "/", timeout=10) as response:
        script = re.search(r'src="\.?/?(static/js/[^"]+\.js)"', response.read().decode()).group(1)  # type: ignore[union-attr]
    with urllib.request.urlopen(f"{proxy}/{script}", timeout=10) as response:
        plain = response.read()
        assert response.headers.get("Content-Encoding") is None  # asked for nothing: sent plain
    asked = urllib.request.Request(f"{proxy}/{script}", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(asked, timeout=10) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        packed = response.read()
    assert gzip.decompress(packed) == plain
    assert len(packed) < 0.4 * len(plain)
