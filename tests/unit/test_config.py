"""Production-safe Streamlit settings and secrets handling (SECURITY.md, Platform)."""

from __future__ import annotations

import shutil
import subprocess
import tomllib

import pytest

from tests.conftest import ROOT

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
