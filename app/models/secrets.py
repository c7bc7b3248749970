"""Secrets (the SMTP password) kept in the system keyring, never in a file or the database.

Every secret is stored through the ``keyring`` package under one service name, the
application's, so they are listed together in the desktop's password manager. The keyring
belongs to this computer's user account: a secret stored on one workstation is not known
on another, although the settings it goes with are shared through the database.

``keyring`` is imported when a secret is first asked for, not with this module: it brings
urllib, http and email (a thirtieth of a second), which a start without passwords never
needs (issue 9).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app import APP_NAME

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

SERVICE = APP_NAME


class KeyringUnavailableError(RuntimeError):
    """The system keyring cannot be used; the message says so in the user's words."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"This computer has no system keyring service ({reason}), so the "
                         "password cannot be stored; it will be asked for each time.")


def _no_backend(backend: KeyringBackend) -> bool:
    """True for the backends keyring falls back on when it finds no real one: ``fail``
    (raises on every call), ``null`` (forgets everything) and an empty chain."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring | null.Keyring):
        return True
    if isinstance(backend, chainer.ChainerBackend):
        return not any(not _no_backend(b) for b in backend.backends)
    return False


def _reason(exc: Exception) -> str:
    from keyring.errors import NoKeyringError

    if isinstance(exc, NoKeyringError):
        return "no keyring backend was found"
    text = str(exc).strip().rstrip(".")
    return text or type(exc).__name__


def _backend() -> KeyringBackend:
    import keyring

    backend = keyring.get_keyring()
    if _no_backend(backend):
        raise KeyringUnavailableError("no keyring backend was found")
    return backend


def keyring_available() -> bool:
    """Whether secrets can be kept: a real keyring backend is in use (a locked keyring
    counts as available; using it may ask the user to unlock it)."""
    try:
        _backend()
    except KeyringUnavailableError:
        return False
    return True


def get_secret(name: str) -> str | None:
    """The secret stored as ``name``, or None when there is none.

    Raises:
        KeyringUnavailableError: there is no usable keyring.
    """
    from keyring.errors import KeyringError

    try:
        return _backend().get_password(SERVICE, name)
    except KeyringError as exc:
        raise KeyringUnavailableError(_reason(exc)) from exc


def set_secret(name: str, value: str) -> None:
    """Store ``value`` as ``name``, replacing what was stored.

    Raises:
        KeyringUnavailableError: there is no usable keyring; nothing was stored.
    """
    from keyring.errors import KeyringError

    try:
        _backend().set_password(SERVICE, name, value)
    except KeyringError as exc:
        raise KeyringUnavailableError(_reason(exc)) from exc


def delete_secret(name: str) -> None:
    """Remove the secret ``name``; nothing happens when there is none, or no keyring to
    hold one.

    Raises:
        KeyringUnavailableError: the keyring is there but refused (locked, say).
    """
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        _backend().delete_password(SERVICE, name)
    except KeyringUnavailableError:
        return
    except PasswordDeleteError:  # not stored
        return
    except KeyringError as exc:
        raise KeyringUnavailableError(_reason(exc)) from exc
