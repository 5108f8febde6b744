"""The deployment's nginx (deploy/nginx.conf) in front of two live replicas on loopback:
sticky websocket upgrade, the security headers, no public metrics, the Host passed through.

Debian's nginx is required in CI (`.ci/run` installs it) and skipped with a reason elsewhere."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import streamlit_server
from tests.e2e.test_platform_live import _handshake

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
pytestmark = pytest.mark.skipif(
    NGINX is None and not os.environ.get("CI"), reason="needs Debian's nginx (apt-get install nginx)"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def proxy() -> Iterator[str]:
    assert NGINX, "nginx is required in CI"
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="roi-nginx-") as folder:
        replicas = [stack.enter_context(streamlit_server()) for _ in range(2)]
        port = _free_port()
        conf = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
        for name, url in zip(("app1:8501", "app2:8501"), replicas, strict=True):
            conf = conf.replace(name, url.removeprefix("http://"))
        conf = conf.replace("listen 8080;", f"listen 127.0.0.1:{port};").replace(
            "worker_processes auto;", "worker_processes 1;"
        )
        conf = conf.replace(
            "http {",
            f"http {{\n  access_log off;\n  client_body_temp_path {folder}/body;\n  proxy_temp_path {folder}/proxy;\n  fastcgi_temp_path {folder}/fcgi;\n  uwsgi_temp_path {folder}/uwsgi;\n  scgi_temp_path {folder}/scgi;",
            1,
        )
        Path(folder, "nginx.conf").write_text(conf, encoding="utf-8")
        directives = f"daemon off; pid {folder}/nginx.pid; error_log {folder}/error.log;"
        process = subprocess.Popen([NGINX, "-c", f"{folder}/nginx.conf", "-p", folder, "-g", directives])
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 15
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                        if response.read().strip() == b"ok":
                            break
                except (urllib.error.URLError, OSError):
                    pass
                assert process.poll() is None and time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_the_proxy_sets_the_security_headers(proxy: str) -> None:
    with urllib.request.urlopen(proxy + "/", timeout=10) as response:
        headers = response.headers
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_metrics_are_not_public_through_the_proxy(proxy: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(proxy + "/_stcore/metrics", timeout=10)
    assert refused.value.code == 404


def test_the_websocket_upgrades_through_the_proxy_and_a_foreign_host_is_still_refused(proxy: str) -> None:
    here = proxy.removeprefix("http://")
    assert " 101 " in _handshake(proxy, here, proxy)
    assert " 403 " in _handshake(proxy, "evil.example", "http://evil.example")
