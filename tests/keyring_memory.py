"""A keyring that keeps secrets in memory, for tests: headless Linux has no keyring service.

Tests choose the keyring themselves with ``keyring.set_keyring``; ``use_keyring`` does it
and puts back the one that was in use when the test is over, so nothing leaks into the
next test (or into the developer's real keyring).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import PasswordDeleteError

# Every backend class defined is a candidate when keyring first picks one, and this one's
# priority would win: pick now, before it exists, so a test that chooses no keyring gets
# this computer's (on a headless machine, none), never a memory keyring left by another.
keyring.get_keyring()


class MemoryKeyring(KeyringBackend):
    """Secrets in a dict: (service, name) -> secret."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.secrets[(service, username)]
        except KeyError:
            raise PasswordDeleteError("not stored") from None


@contextmanager
def use_keyring(backend: KeyringBackend) -> Iterator[KeyringBackend]:
    """``backend`` as the keyring for the duration, then the previous one again."""
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def no_keyring() -> KeyringBackend:
    """What keyring falls back on when the computer has no keyring service."""
    return fail.Keyring()
