"""Start a Streamlit server on a free loopback port and wait until it answers: the one
starter of the scripts (`ws_load.py`, `benchmark_speed.py`, `topology.py`) and the
browser tests (`tests/e2e/conftest.py`).

    from scripts.server import streamlit_server
    with streamlit_server("serve.py") as server:     # started, healthy
        server.url, server.pid, server.log_text()  # http://127.0.0.1:<port>, its process, its log
                                                    # stopped (terminate, then kill) on exit

The server runs from the project root, so `.streamlit/config.toml` applies; it is headless,
sends no usage statistics and listens on 127.0.0.1 only. `start_streamlit` starts one without
waiting (to start several at once, or again on the same port); `wait_healthy` waits for
anything that answers Streamlit's health check (a server, nginx in front of servers).

Scripts run as `python scripts/x.py` put `scripts/`, not the project root, on `sys.path`:
such a script inserts the root before importing `scripts.server` (see `ws_load.py`).

>>> 1024 <= free_port() <= 65535
True
>>> streamlit_command("serve.py", 8600, "--runner.fastReruns", "false")[4:]
['serve.py', '--server.port', '8600', '--server.address', '127.0.0.1', '--server.headless', 'true', '--browser.gatherUsageStats', 'false', '--runner.fastReruns', 'false']
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEALTH_PATH = "/_stcore/health"  # answers 200 "ok" once Streamlit serves
START_TIMEOUT = 60.0  # s for a server to answer HEALTH_PATH (a busy 2-core machine included)
LOG_TAIL = 3_000  # characters of a server's log shown when it does not start


class ServerError(RuntimeError):
    """A server did not start (exited, or no health answer in time); the message holds its log's tail."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (the kernel's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def healthy(url: str, timeout: float = 2.0) -> bool:
    """Whether `url` answers 200 "ok" (Streamlit's health check)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200 and response.read().decode().strip() == "ok"
    except (urllib.error.URLError, OSError):
        return False


def refused(url: str, timeout: float = 2.0) -> bool:
    """Whether `url` answers 503: a server that runs but refuses its configuration (serve.py)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout):
            return False
    except urllib.error.HTTPError as error:
        return error.code == 503
    except (urllib.error.URLError, OSError):
        return False


def tail(log: Path | None, size: int = LOG_TAIL) -> str:
    """The last `size` characters of a log file, or a word saying there is none."""
    if log is None or not log.exists():
        return "(no log)"
    return log.read_text(encoding="utf-8", errors="replace")[-size:] or "(empty log)"


def wait_healthy(
    base_url: str,
    process: subprocess.Popen[bytes] | None = None,
    *,
    log: Path | None = None,
    timeout: float = START_TIMEOUT,
    what: str = "the server",
    poll: float = 0.1,
    refused_ok: bool = False,
) -> None:
    """Wait until `base_url` answers the health check (or, with `refused_ok`, answers it 503:
    running, but refusing its configuration). Raises ServerError (with the tail of `log`) when
    `process` ends first or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while not (healthy(base_url + HEALTH_PATH) or (refused_ok and refused(base_url + HEALTH_PATH))):
        if process is not None and process.poll() is not None:
            raise ServerError(
                f"{what} exited with code {process.returncode} before answering; log:\n{tail(log)}"
            )
        if time.monotonic() > deadline:
            raise ServerError(f"{what} did not answer {HEALTH_PATH} in {timeout:.0f} s; log:\n{tail(log)}")
        time.sleep(poll)


def streamlit_command(script: str | Path, port: int, *extra: str) -> list[str]:
    """`streamlit run <script>` on 127.0.0.1:`port`, headless, without usage statistics."""
    return [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false", *extra,
    ]  # fmt: skip


def start_streamlit(
    script: str | Path,
    port: int,
    log: Path,
    *extra: str,
    env: Mapping[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """Start `streamlit run <script>` from the project root without waiting for it; its output
    is appended to `log`, `env` is added to this process's environment."""
    with open(log, "ab") as out:
        return subprocess.Popen(
            streamlit_command(script, port, *extra),
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )


def stop_process(process: subprocess.Popen[bytes] | None) -> None:
    """Terminate `process` (kill it when it has not ended 10 s later) and reap it."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@dataclass
class Server:
    """A running `streamlit run` process: its base URL, process id and log file."""

    url: str
    pid: int
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""


@contextmanager
def streamlit_server(
    script: str | Path = "serve.py",
    *extra: str,
    env: Mapping[str, str] | None = None,
    folder: Path | None = None,
    timeout: float = START_TIMEOUT,
    refused_ok: bool = False,
) -> Iterator[Server]:
    """Run `streamlit run <script> <extra…>` on a free loopback port until the block ends.

    Yields once the server answers the health check (ServerError with its log's tail when it
    does not). The log is `streamlit.log` in `folder` (kept: read it after the block, e.g. for
    tracebacks logged while stopping) or in a temporary folder deleted afterwards.
    """
    with tempfile.TemporaryDirectory(prefix="roi-server-") as tmp:
        log = Path(folder or tmp) / "streamlit.log"
        port = free_port()
        process = start_streamlit(script, port, log, *extra, env=env)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_healthy(
                url, process, log=log, timeout=timeout, what=f"streamlit run {script}", refused_ok=refused_ok
            )
            yield Server(url, process.pid, log)
        finally:
            stop_process(process)
