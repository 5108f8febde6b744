"""Production-safe Streamlit settings and secrets handling (SECURITY.md, Platform)."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def test_errors_and_usage_statistics_stay_private():
    assert CONFIG["client"]["showErrorDetails"] == "none"
    assert CONFIG["browser"]["gatherUsageStats"] is False


def test_cross_site_protections_stay_on():
    assert CONFIG["server"]["enableXsrfProtection"] is True
    assert CONFIG["server"]["enableCORS"] is True


def test_fast_reruns_outside_development():
    # STACK.md: without these, each rerun costs ~80 ms of server CPU
    assert CONFIG["runner"]["postScriptGC"] is False
    assert CONFIG["server"]["fileWatcherType"] == "none"


@pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout"
)
def test_local_secrets_are_never_committed():
    result = subprocess.run(
        ["git", "check-ignore", ".streamlit/secrets.toml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, "`.streamlit/secrets.toml` must be git-ignored"


def test_the_local_secret_is_private_from_its_first_byte(tmp_path, monkeypatch):
    """tasks.py creates the cookie key with mode 0600 at creation (O_EXCL), even under a lax umask."""
    import importlib.util
    import os
    import stat

    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    created_modes: list[int] = []
    real_open = os.open

    def watching_open(path, flags, mode=0o777, *args, **kwargs):  # type: ignore[no-untyped-def]
        if flags & os.O_CREAT:
            created_modes.append(mode)
        return real_open(path, flags, mode, *args, **kwargs)

    monkeypatch.setattr(os, "open", watching_open)
    old_umask = os.umask(0)
    try:
        path = tmp_path / ".streamlit" / "secrets.toml"
        assert tasks.ensure_local_secret(path) is True
    finally:
        os.umask(old_umask)
    assert created_modes == [0o600], "created private, not chmod-ed afterwards"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = tomllib.loads(path.read_text())["cookie_key"]
    assert len(key) >= 43, "at least 32 random bytes"
    assert tasks.ensure_local_secret(path) is False and tomllib.loads(path.read_text())["cookie_key"] == key


def _tasks():  # type: ignore[no-untyped-def]
    import importlib.util

    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    return tasks


def test_the_run_command_is_single_user_on_loopback_unless_asked_for_accounts():
    tasks = _tasks()
    args, env = tasks.run_environment(["--server.port", "8600"], {"PATH": "/bin"})
    assert env["TRAINING_ROI_SINGLE_USER"] == "1" and env["PATH"] == "/bin"
    assert args[-2:] == ["--server.address", "127.0.0.1"]
    args, env = tasks.run_environment(["--accounts", "--server.address=0.0.0.0"], {})
    assert env["TRAINING_ROI_SINGLE_USER"] == "0" and args == ["--server.address=0.0.0.0"]


def test_the_generated_local_secret_is_a_cookie_key_the_app_accepts(tmp_path):
    from components.hosting.deployment import read_settings

    path = tmp_path / "secrets.toml"
    _tasks().ensure_local_secret(path)
    settings = read_settings({}, secrets_file=path)
    assert (
        settings.single_user is False and settings.cookie_key == tomllib.loads(path.read_text())["cookie_key"]
    )


def test_the_server_listens_on_loopback_and_checks_the_host_by_default():
    """SECURITY.md, Platform: DNS rebinding and exposure on every interface."""
    assert CONFIG["server"]["address"] == "127.0.0.1"
    assert set(CONFIG["server"]["allowedHosts"]) == {"localhost", "127.0.0.1", "::1"}


def test_the_audit_step_fails_on_a_vulnerable_pin_and_never_calls_a_skipped_audit_clean():
    import importlib.util

    spec = importlib.util.spec_from_file_location("audit", ROOT / "scripts" / "audit.py")
    audit = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(audit)
    vulnerable = {
        "dependencies": [
            {
                "name": "streamlit",
                "version": "1.53.0",
                "vulns": [{"id": "GHSA-demo", "fix_versions": ["1.54.0"]}],
            },
            {"name": "plotly", "version": "6.0.0", "vulns": []},
        ]
    }
    code, message = audit.verdict(vulnerable)
    assert code == 1 and "streamlit 1.53.0: GHSA-demo (fixed in 1.54.0)" in message
    code, message = audit.verdict({"dependencies": [{"name": "plotly", "skip_reason": "not found"}]})
    assert code == 0 and message.startswith("Dependency audit NOT done")
