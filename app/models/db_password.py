"""The password of a PostgreSQL database: typed by the user, ``PGPASSWORD``, or this
computer's keyring.

A URL never holds a password (it shows in process lists and shell history). When opening a
database the password is, in order: the one the user just typed; ``PGPASSWORD`` when it is
set (a deliberate choice for this run wins over what is stored); the one stored in the
keyring for that URL. A password is stored only after the server accepted it, so a refused
one never is; a stored one the server refuses is asked for again, and the new one replaces
it once accepted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from app.models.secrets import (
    KeyringUnavailableError,
    delete_secret,
    get_secret,
    set_secret,
)

ENVIRONMENT = "PGPASSWORD"

# where a password came from, for messages ("the password from PGPASSWORD")
TYPED, FROM_ENVIRONMENT, FROM_KEYRING, NONE = "typed", "PGPASSWORD", "keyring", ""


@dataclass(frozen=True)
class FoundPassword:
    """A password to try and where it came from (``NONE`` and None when there is none)."""

    password: str | None
    source: str

    def described(self) -> str:
        """Where it came from, in words ("from PGPASSWORD"), empty when there is none."""
        return {TYPED: "typed", FROM_ENVIRONMENT: "from PGPASSWORD",
                FROM_KEYRING: "stored in this computer's keyring"}.get(self.source, "")


def password_name(target: object) -> str:
    """The keyring entry of the password for the database at ``target`` (its URL)."""
    return f"database password {target}"


def stored_password(target: object) -> str | None:
    """The password the keyring holds for ``target``; None when none is, or there is no
    keyring."""
    try:
        return get_secret(password_name(target))
    except KeyringUnavailableError:
        return None


def store_password(target: object, password: str) -> None:
    """Keep ``password`` for ``target`` in the keyring (call only once the server has
    accepted it).

    Raises:
        KeyringUnavailableError: there is no usable keyring; nothing was stored.
    """
    set_secret(password_name(target), password)


def forget_password(target: object) -> None:
    """Remove the stored password of ``target``, if any.

    Raises:
        KeyringUnavailableError: the keyring is there but refused (locked, say).
    """
    delete_secret(password_name(target))


def find_password(target: object, typed: str | None = None) -> FoundPassword:
    """The password to connect to ``target`` with: ``typed``, else ``PGPASSWORD``, else
    the keyring's."""
    if typed:
        return FoundPassword(typed, TYPED)
    environment = os.environ.get(ENVIRONMENT)
    if environment:
        return FoundPassword(environment, FROM_ENVIRONMENT)
    stored = stored_password(target)
    if stored:
        return FoundPassword(stored, FROM_KEYRING)
    return FoundPassword(None, NONE)
