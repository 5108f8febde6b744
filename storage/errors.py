"""What can go wrong with saved scenarios and accounts, as exceptions whose text is a message
for the screen.

Every one is a `StorageError`, so a page can catch them all in one place. Messages may quote
a scenario's name or a username, which are user text: show them as text, never as Markdown
or HTML.
"""

from __future__ import annotations

import unicodedata
from typing import Any


class StorageError(Exception):
    """Base of every storage error; its text is a message fit for the screen (as text)."""


class NotFound(StorageError):
    """No scenario with that id for this user (missing, deleted, or someone else's and not
    shared with them): one message for all, so an id tells nobody whether it exists."""

    def __init__(self, scenario_id: str) -> None:
        self.scenario_id = scenario_id
        super().__init__("That saved scenario does not exist (it may have been deleted).")


class NameTaken(StorageError):
    """The owner already has a scenario of that name (compared ignoring case)."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f'You already have a scenario named "{name}"; choose another name.')


class VersionConflict(StorageError):
    """The scenario was saved by someone else since this copy was opened."""

    def __init__(self, name: str, expected: int, current: int) -> None:
        self.name, self.expected_version, self.current_version = name, expected, current
        super().__init__(
            f'"{name}" was changed elsewhere (it is now at version {current}; you started from '
            f"version {expected}): reload it, or save yours as a copy."
        )


class InvalidName(StorageError, ValueError):
    """A name that cannot be used; the message says why."""


class StorageUnavailable(StorageError):
    """The database could not do it (busy beyond the wait, unreachable); nothing changed."""


class InvalidState(StorageError, ValueError):
    """A state that cannot be stored as it is; `problems` says why, value by value."""

    def __init__(self, problems: list[Any]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems[:5]))


class NotAllowed(StorageError):
    """The user may not do this (a viewer saving, a shared scenario written by its reader, a
    non-administrator managing users, the last administrator demoted); the message says why."""


class InvalidAccount(StorageError, ValueError):
    """A username, display name or role that cannot be used; the message says why."""


class InvalidPassword(InvalidAccount):
    """A new password that cannot be used (too short, over 72 bytes, control characters)."""


class UserExists(StorageError):
    """There is already a user with that username (compared ignoring case)."""

    def __init__(self, username: str) -> None:
        self.username = username
        super().__init__(f'There is already a user named "{username}"; choose another username.')


class UnknownUser(StorageError):
    """No user with that username. Only for administrators' and the command line's operations:
    signing in never says whether a username exists."""

    def __init__(self, username: str) -> None:
        self.username = username
        super().__init__(f'There is no user named "{username}".')


class UnknownLink(StorageError):
    """No client link with that id that this user may manage (missing, deleted with its
    scenario, or someone else's): one message for all."""

    def __init__(self, link_id: str) -> None:
        self.link_id = link_id
        super().__init__("That client link does not exist (its scenario may have been deleted).")


def checked_text(text: object, *, what: str, missing: str, limit: int, error: type[Exception]) -> str:
    """A user-chosen name as stored: trimmed, 1 to `limit` characters, no control characters.

    `what` names it in messages ("A scenario name"), `missing` is the message for an empty
    one, and `error` the exception raised (its text is a message for the screen).

    >>> checked_text("  Plan A ", what="A scenario name", missing="A scenario needs a name.", limit=80, error=ValueError)
    'Plan A'
    """
    if not isinstance(text, str):
        raise error(f"{what} must be text.")
    name = text.strip()
    if not name:
        raise error(missing)
    if len(name) > limit:
        raise error(f"{what} can have at most {limit} characters (this one has {len(name):,}).")
    if any(unicodedata.category(ch) in {"Cc", "Cs", "Zl", "Zp"} for ch in name):
        raise error(f"{what} cannot contain line breaks, tabs or other control characters.")
    return name
