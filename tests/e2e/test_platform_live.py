"""The platform on a live server (SECURITY.md, "Platform"): the websocket that carries every
session refuses a foreign Origin (cross-site) and a foreign Host (DNS rebinding), and the
server listens on loopback only by default."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest

from tests.e2e.helpers import websocket_handshake


def test_the_websocket_opens_for_the_app_s_own_address(live_server: str) -> None:
    here = urlsplit(live_server).netloc
    assert " 101 " in websocket_handshake(live_server, here, live_server)
    assert " 101 " in websocket_handshake(live_server, here.replace("127.0.0.1", "localhost"))


@pytest.mark.parametrize(
    ("host", "origin"),
    [
        ("{here}", "https://evil.example"),  # a cross-site page talking to the app
        ("evil.example", None),  # a foreign Host
        ("evil.example:{port}", "http://evil.example:{port}"),  # DNS rebinding: same-origin to the browser
    ],
    ids=["foreign-origin", "foreign-host", "dns-rebinding"],
)
def test_the_websocket_refuses_a_foreign_origin_or_host(
    live_server: str, host: str, origin: str | None
) -> None:
    parts = urlsplit(live_server)
    fill = {"here": parts.netloc, "port": parts.port}
    status = websocket_handshake(live_server, host.format(**fill), origin.format(**fill) if origin else None)
    assert " 403 " in status, status


def test_the_server_listens_on_loopback_only(live_server: str) -> None:
    """Another interface of this machine gets no answer (when it has one)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # no traffic: only picks the outward interface
        outward = probe.getsockname()[0]
    except OSError:
        pytest.skip("this machine has no interface besides loopback")
    finally:
        probe.close()
    if outward.startswith("127."):
        pytest.skip("this machine has no interface besides loopback")
    port = urlsplit(live_server).port
    with pytest.raises(OSError):
        socket.create_connection((outward, port), timeout=3).close()
