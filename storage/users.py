"""Manage users from the command line, for hosted deployments (no browser needed).

    python -m storage.users create USERNAME --role admin|editor|viewer [--name "Display Name"]
    python -m storage.users reset USERNAME          # a new password; ends the user's sessions
    python -m storage.users disable USERNAME        # no sign-in; ends the user's sessions
    python -m storage.users enable USERNAME
    python -m storage.users role USERNAME ROLE
    python -m storage.users unlock USERNAME         # lift every sign-in pause of the username
    python -m storage.users list                    # status says "sign-in paused" while one is

The database is the app's own (`storage.database.database_url()`: the environment variable
`TRAINING_ROI_DATABASE_URL`, then `database_url` in `.streamlit/secrets.toml`, then
`data/studio.sqlite3`), migrated to the newest schema first. A password is never a
command-line argument (arguments are visible to every user of the machine): it is asked
twice without echo, or read from the first line of standard input with `--password-stdin`
(`printf '%s\\n' "$PASSWORD" | python -m storage.users reset alice --password-stdin`).

Messages are plain text; the exit code is 0 on success, 1 when the change was refused or
the database could not be used (the message says why), 2 for a command used wrongly.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from typing import TextIO

from storage import open_accounts
from storage.accounts import AccountStore, Role, User
from storage.database import ConfigurationError
from storage.errors import StorageError

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class _UsageError(Exception):
    """The command was used wrongly; the message says how to use it."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m storage.users",
        description="Create, reset, disable, enable, unlock and list the users of Training ROI Studio.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    roles = [r.value for r in Role]

    create = commands.add_parser("create", help="add a user (asks for the password)")
    create.add_argument("username")
    create.add_argument("--role", required=True, choices=roles)
    create.add_argument("--name", help="display name (default: the username)")
    create.add_argument("--password-stdin", action="store_true", help="read the password from stdin")

    reset = commands.add_parser("reset", help="set a new password and end the user's sessions")
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true", help="read the password from stdin")

    for name, text in (
        ("disable", "stop a user signing in and end their sessions"),
        ("enable", "let a disabled user sign in again"),
    ):
        commands.add_parser(name, help=text).add_argument("username")

    commands.add_parser(
        "unlock", help="lift every sign-in pause of a user (after failed tries from anywhere)"
    ).add_argument("username")

    role = commands.add_parser("role", help="give a user another role")
    role.add_argument("username")
    role.add_argument("role", choices=roles)

    commands.add_parser("list", help="every user, with role and status")
    return parser


def _password(from_stdin: bool, stdin: TextIO) -> str:
    """The new password: the first line of stdin, or asked twice on the terminal."""
    if from_stdin:
        line = stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        return password[:-1] if password.endswith("\r") else password
    if not stdin.isatty():
        raise _UsageError("No terminal to ask for the password on: pipe it in with --password-stdin instead.")
    first = getpass.getpass("New password: ")
    if getpass.getpass("The same password again: ") != first:
        raise _UsageError("The two passwords differ; nothing was changed.")
    return first


def _sessions_ended(count: int) -> str:
    return f"{count} signed-in session{'s' if count != 1 else ''} ended"


def _status(user: User, paused: bool) -> str:
    status = "disabled" if user.disabled else "active"
    return f"{status}, sign-in paused" if paused else status


def _table(people: Sequence[User], paused: set[str] | None = None) -> str:
    if not people:
        return "No users yet. Create the administrator: python -m storage.users create NAME --role admin"
    paused = paused or set()
    header = ("username", "name", "role", "status", "created (UTC)")
    rows = [
        (
            u.username,
            u.name,
            u.role.value,
            _status(u, u.username in paused),
            u.created_at.strftime("%Y-%m-%d %H:%M"),
        )
        for u in people
    ]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    return "\n".join(lines)


def run(args: argparse.Namespace, accounts: AccountStore, stdin: TextIO) -> str:
    """Carry out one parsed command; returns the message to print."""
    if args.command == "list":
        people = accounts.list_users()
        paused = {u.username for u in people if accounts.sign_in_status(u.username).paused}
        return _table(people, paused)
    if args.command == "unlock":
        before = accounts.sign_in_status(args.username)
        accounts.unlock(args.username)
        key = args.username.strip().lower()
        if not before.paused:
            return f"Sign-in for {key} was not paused ({before.failures_last_hour} failed tries in the last hour, now cleared)."
        return f"Sign-in pauses for {key} lifted: every client may try again now."
    if args.command == "create":
        password = _password(args.password_stdin, stdin)
        user = accounts.create_user(args.username, args.name or args.username.strip(), password, args.role)
        return f"Created user {user.username} ({user.role.value})."
    if args.command == "reset":
        password = _password(args.password_stdin, stdin)
        ended = accounts.reset_password(args.username, password)
        return f"New password set for {args.username.strip().lower()}; {_sessions_ended(ended)}."
    if args.command == "disable":
        ended = accounts.disable_user(args.username)
        return f"Disabled {args.username.strip().lower()}; {_sessions_ended(ended)}."
    if args.command == "enable":
        accounts.enable_user(args.username)
        return f"Enabled {args.username.strip().lower()}: they can sign in again."
    if args.command == "role":
        user = accounts.set_role(args.username, args.role)
        return f"{user.username} is now {user.role.value}."
    raise _UsageError(f"Unknown command {args.command!r}.")  # argparse stops this first


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None) -> int:
    """The command line; returns the exit code."""
    args = _parser().parse_args(argv)  # exits with 2 and the usage on a wrong command
    stdin = sys.stdin if stdin is None else stdin
    try:
        accounts = open_accounts()
        try:
            print(run(args, accounts, stdin))
        finally:
            accounts.engine.dispose()
    except _UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (StorageError, ConfigurationError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print("\nStopped; nothing was changed.", file=sys.stderr)
        return EXIT_REFUSED
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
