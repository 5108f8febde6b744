#!/usr/bin/env python3
"""Set up and run Training ROI Studio with nothing but Python 3.11+.

    python3 tasks.py run              # create .venv if needed, install, start the dashboard
    python3 tasks.py run --accounts   # the same with sign-in and accounts (as hosted)
    python3 tasks.py test             # create .venv if needed, install, lint, run every test
    python3 tasks.py test tests/unit  # the same, but pytest runs only what the arguments say

`run` listens on this computer only (127.0.0.1). Without `--accounts` it is single-user: no
sign-in, every saved scenario is yours. With `--accounts` the first visit creates the
administrator; further users come from the Users page or `python -m storage.users`.

The virtual environment is reinstalled only when pyproject.toml changes.

`test` without arguments runs pytest three times: every test except the browser and timing
ones on two cores (pytest-xdist), then the browser tests on two cores (each file on one
worker, beside its own live server), then the timing tests alone (a timed test must not share
its core). Each prints its slowest tests.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
SECRETS = ROOT / ".streamlit" / "secrets.toml"


def _say(message: str) -> None:
    print(f"[tasks] {message}", flush=True)


def ensure_venv(extras: str) -> None:
    """Create `.venv` and install the project (with `extras`) unless already current."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this script runs before the venv exists
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        _say("creating .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
        _say("upgrading pip and setuptools in .venv (the bundled ones have known advisories)")
        subprocess.run(
            [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--upgrade",
             "pip", "setuptools"],
            cwd=ROOT,
            check=True,
        )  # fmt: skip
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()[:16]
    stamp = VENV / f".installed-{digest}"
    if stamp.exists():
        return
    _say(f"installing dependencies ({extras or 'runtime'}) into .venv")
    target = f".[{extras}]" if extras else "."
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target],
        cwd=ROOT,
        check=True,
    )
    for old in VENV.glob(".installed-*"):
        old.unlink()
    stamp.touch()


def ensure_local_secret(path: Path = SECRETS) -> bool:
    """Write a random cookie key for this machine on first run (never committed).

    The file is created readable by its owner only (mode 0600) from its first byte: never
    world-readable, not even between writing and a later `chmod`. An existing file is kept.
    Returns True when it wrote one.
    """
    path.parent.mkdir(exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(f'cookie_key = "{secrets.token_urlsafe(48)}"\n')
    os.chmod(path, 0o600)  # whatever the umask said
    _say(f"generated a local secret in {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return True


def run_environment(
    args: list[str], environ: dict[str, str] | None = None
) -> tuple[list[str], dict[str, str]]:
    """The Streamlit arguments and environment of `run`: loopback unless the caller gives an
    address; single-user unless `--accounts` (which is removed from the arguments).

    >>> args, env = run_environment(["--accounts", "--server.port", "8600"], {})
    >>> args, env["TRAINING_ROI_SINGLE_USER"]
    (['--server.port', '8600', '--server.address', '127.0.0.1'], '0')
    >>> run_environment([], {})[1]["TRAINING_ROI_SINGLE_USER"]
    '1'
    """
    env = dict(os.environ if environ is None else environ)
    accounts = "--accounts" in args
    args = [a for a in args if a != "--accounts"]
    env["TRAINING_ROI_SINGLE_USER"] = "0" if accounts else "1"
    if not any(a == "--server.address" or a.startswith("--server.address=") for a in args):
        args += ["--server.address", "127.0.0.1"]
    return args, env


def run(args: list[str]) -> int:
    ensure_venv("")
    ensure_local_secret()
    args, env = run_environment(args)
    mode = "single-user (no sign-in)" if env["TRAINING_ROI_SINGLE_USER"] == "1" else "with accounts (sign-in)"
    _say(f"starting the dashboard {mode}: open the URL below in a browser (Ctrl+C stops it)")
    return subprocess.call([str(PYTHON), "-m", "streamlit", "run", "serve.py", *args], cwd=ROOT, env=env)


DURATIONS = "--durations=15"  # the slowest tests of each run, printed at its end
SUITE = [  # the pytest runs of `test` without arguments (markers in pyproject.toml)
    ("unit, app and storage tests on two cores", ["-n", "2", "-m", "not browser and not timing"]),
    # a file's browser tests stay on one worker (they share its live server)
    ("browser tests on two cores", ["-n", "2", "--dist", "loadfile", "-m", "browser and not timing"]),
    ("timing tests, one at a time", ["-m", "timing and not browser"]),
]


def test(args: list[str]) -> int:
    ensure_venv("dev")
    lint = subprocess.call([str(PYTHON), "-m", "ruff", "check", "."], cwd=ROOT)
    if lint != 0:
        _say("ruff found problems (above)")
        return lint
    if args:
        return subprocess.call([str(PYTHON), "-m", "pytest", DURATIONS, *args], cwd=ROOT)
    failed = 0
    for what, selection in SUITE:
        _say(f"pytest: {what}")
        failed = subprocess.call([str(PYTHON), "-m", "pytest", DURATIONS, *selection], cwd=ROOT) or failed
    return failed


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test"}:
        print(__doc__)
        return 2
    command, rest = sys.argv[1], sys.argv[2:]
    return run(rest) if command == "run" else test(rest)


if __name__ == "__main__":
    sys.exit(main())
