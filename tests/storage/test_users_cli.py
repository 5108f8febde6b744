"""`python -m storage.users` in a real subprocess, on a temporary SQLite database given by the
environment, as a hosted deployment runs it (production bcrypt cost)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from storage import AccountStore, Role, create_engine_for
from storage.users import main as users_main

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long admin password"
Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite3'}"


@pytest.fixture
def users_cli(database: str) -> Run:
    """Run the command line with the database in TRAINING_ROI_DATABASE_URL; stdin as given."""

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, "TRAINING_ROI_DATABASE_URL": database}
        return subprocess.run(
            [sys.executable, "-m", "storage.users", *args],
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=environment,
            timeout=120,
        )

    return run


def _accounts(database: str) -> AccountStore:
    return AccountStore(create_engine_for(database))


def test_create_list_disable_reset_enable_and_role(
    users_cli: Run, database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The life of two users through the command line (create, list, disable, reset in a
    subprocess; role and enable in process, through the same `main`), checked against the
    database."""
    created = users_cli(
        "create", "Root", "--role", "admin", "--name", "Site Admin", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert (created.returncode, created.stdout.strip()) == (0, "Created user root (admin).")
    editor = users_cli(
        "create", "ed.smith", "--role", "editor", "--password-stdin", stdin="editor password 1\n"
    )
    assert editor.returncode == 0, editor.stderr

    listed = users_cli("list")
    assert listed.returncode == 0
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["username", "name", "role", "status", "created", "(UTC)"]
    assert lines[1].split()[:4] == ["ed.smith", "ed.smith", "editor", "active"]
    assert lines[2].split()[:5] == ["root", "Site", "Admin", "admin", "active"]
    assert PASSWORD not in listed.stdout

    disabled = users_cli("disable", "ED.SMITH")
    assert (disabled.returncode, disabled.stdout.strip()) == (
        0,
        "Disabled ed.smith; 0 signed-in sessions ended.",
    )
    reset = users_cli("reset", "ed.smith", "--password-stdin", stdin="brand new password\r\n")
    assert reset.returncode == 0, reset.stderr
    monkeypatch.setenv("TRAINING_ROI_DATABASE_URL", database)
    assert users_main(["role", "ed.smith", "viewer"]) == 0
    assert capsys.readouterr().out.strip() == "ed.smith is now viewer."

    accounts = _accounts(database)
    try:
        user = accounts.get_user("ed.smith")
        assert user is not None and user.disabled and user.role is Role.VIEWER
        assert not accounts.check_login("ed.smith", "brand new password").ok  # disabled
        assert users_main(["enable", "ed.smith"]) == 0
        assert accounts.check_login("ed.smith", "brand new password").ok  # the reset password, without the \r
    finally:
        accounts.engine.dispose()


def test_refusals_are_plain_messages_with_a_nonzero_exit(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Duplicate user, short password, last admin, unknown user, no terminal for the password,
    a password given as an argument: a message on stderr, exit 1 or 2, no traceback. (In
    process, through the same `main` the module runs, to keep the suite quick.)"""
    monkeypatch.setenv("TRAINING_ROI_DATABASE_URL", database)

    def run(*args: str, stdin: str = "") -> tuple[int, str]:
        try:
            code = users_main(list(args), stdin=io.StringIO(stdin))
        except SystemExit as stop:  # argparse: a command used wrongly
            code = int(stop.code or 0)
        return code, capsys.readouterr().err

    assert run("create", "root", "--role", "admin", "--password-stdin", stdin=PASSWORD) == (0, "")
    cases = [
        (
            ("create", "ROOT", "--role", "editor", "--password-stdin"),
            PASSWORD,
            1,
            'already a user named "root"',
        ),
        (
            ("create", "shorty", "--role", "editor", "--password-stdin"),
            "too short\n",
            1,
            "at least 12 characters",
        ),
        (("disable", "root"), "", 1, "only active administrator"),
        (("reset", "ghost", "--password-stdin"), PASSWORD, 1, 'no user named "ghost"'),
        (("reset", "root"), "", 2, "--password-stdin"),  # stdin is not a terminal
        (
            ("create", "eve", "--role", "editor", "--password", "hunter2hunter2"),
            "",
            2,
            "unrecognized arguments",
        ),
        (("role", "root", "owner"), "", 2, "invalid choice"),
    ]
    for args, stdin, code, message in cases:
        result_code, error = run(*args, stdin=stdin)
        assert result_code == code, (args, error)
        assert message in error and "Traceback" not in error, (args, error)
    accounts = _accounts(database)
    try:
        assert [u.username for u in accounts.list_users()] == ["root"]
        assert not accounts.get_user("root").disabled  # type: ignore[union-attr]
    finally:
        accounts.engine.dispose()


def test_a_database_url_that_cannot_work_is_a_message(tmp_path: Path) -> None:
    """A configuration error from the environment: exit 1 with the reason."""
    result = subprocess.run(
        [sys.executable, "-m", "storage.users", "list"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "TRAINING_ROI_DATABASE_URL": "mysql://x@y/z"},
        timeout=120,
    )
    assert result.returncode == 1
    assert "only SQLite" in result.stderr and "Traceback" not in result.stderr


def test_unlock_lifts_the_pause_of_the_only_administrator(users_cli: Run, database: str) -> None:
    """Six anonymous failures pause the only administrator's username from that address;
    `list` says so and `unlock` (a subprocess, as an operator runs it) lifts it, so the right
    password works again from there at once. Before issue 26 nothing could lift a lock."""
    created = users_cli("create", "root", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert created.returncode == 0, created.stderr
    accounts = AccountStore(create_engine_for(database), bcrypt_rounds=4)
    try:
        for _ in range(6):
            assert not accounts.check_login("root", "not the password", client="203.0.113.66").ok
        assert not accounts.check_login("root", PASSWORD, client="203.0.113.66").ok

        listed = users_cli("list")
        assert listed.stdout.splitlines()[1].split()[:5] == ["root", "root", "admin", "active,", "sign-in"]
        unlocked = users_cli("unlock", "ROOT")
        assert (unlocked.returncode, unlocked.stdout.strip()) == (
            0,
            "Sign-in pauses for root lifted: every client may try again now.",
        )
        assert "lifted by the command line" in unlocked.stderr  # the log line, at WARNING
        assert accounts.check_login("root", PASSWORD, client="203.0.113.66").ok
        assert users_cli("list").stdout.splitlines()[1].split()[3] == "active"
        missing = users_cli("unlock", "ghost")
        assert missing.returncode == 1 and 'no user named "ghost"' in missing.stderr
    finally:
        accounts.engine.dispose()
