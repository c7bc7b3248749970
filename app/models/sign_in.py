"""Signing in: the operating-system user, or a username and password, or a remembered token.

When passwords are not required, whoever runs the application is signed in as the
operating-system user (see :func:`app.models.users.current_user`). When they are, a
username and password are checked against the argon2 hash; "remember me" keeps a random
token in this computer's keyring (one entry per database) and only its SHA-256, with an
expiry, in the database.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from argon2.exceptions import InvalidHashError, VerificationError

from app.models.accounts import hasher, passwords_required
from app.models.clock import now_utc
from app.models.entities import User
from app.models.secrets import KeyringUnavailableError, delete_secret, get_secret, set_secret
from app.models.users import current_user, current_username

REMEMBER_DAYS = 30
MAX_FAILURES = 5  # in a row, before a wait
WAIT_SECONDS = 30
WRONG = "The username or password is wrong."  # never says which of the two


class SignInError(ValueError):
    """Signing in failed; the message is for the user and never says which part was wrong."""


@dataclass
class SignInAttempts:
    """Failures in a row at one sign-in prompt; after ``MAX_FAILURES``, a wait."""

    failures: int = 0
    wait_until: datetime | None = field(default=None)

    def seconds_to_wait(self, now: datetime) -> int:
        if self.wait_until is None or now >= self.wait_until:
            return 0
        return int((self.wait_until - now).total_seconds() + 0.999)

    def failed(self, now: datetime) -> None:
        self.failures += 1
        if self.failures >= MAX_FAILURES:
            self.failures = 0
            self.wait_until = now + timedelta(seconds=WAIT_SECONDS)

    def succeeded(self) -> None:
        self.failures, self.wait_until = 0, None


def wait_message(seconds: int) -> str:
    return (f"{MAX_FAILURES} sign-in attempts in a row failed. Wait {seconds} seconds "
            "before trying again.")


def sign_in(username: str, password: str, attempts: SignInAttempts | None = None,
            now: datetime | None = None) -> User:
    """The active user ``username`` whose password is ``password``.

    A hash made with older argon2 parameters is replaced by one made with today's.

    Raises:
        SignInError: wrong username or password, a user without a password, an inactive
            user (one message for all of these), or a wait after too many failures.
    """
    now = now or now_utc()
    if attempts is not None and (wait := attempts.seconds_to_wait(now)):
        raise SignInError(wait_message(wait))
    user = User.get_or_none(User.username == username.strip())
    stored = user.password_hash if user is not None else ""
    try:
        if not stored:
            # as slow as a real check, so the time taken does not tell the user is unknown
            hasher.verify(_dummy_hash(), password + "\x00")
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        user = None
    if user is None or not user.active:
        if attempts is not None:
            attempts.failed(now)
            if wait := attempts.seconds_to_wait(now):
                raise SignInError(f"{WRONG} {wait_message(wait)}")
        raise SignInError(WRONG)
    if hasher.check_needs_rehash(stored):
        User.update(password_hash=hasher.hash(password)).where(User.id == user.id).execute()
    if attempts is not None:
        attempts.succeeded()
    return user


@functools.cache
def _dummy_hash() -> str:
    # made at the first sign-in, not at import: an argon2 hash takes some 130 ms, which
    # every start (and every window opened without passwords) would otherwise wait for
    return hasher.hash("not anybody's password")


# --- remember me ---------------------------------------------------------------------------
def remember_name(place: str) -> str:
    """The keyring entry of the remember-me token for the database at ``place``."""
    return f"remember-me {place}"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def remember(user: User, place: str, now: datetime | None = None) -> None:
    """Keep a new token for ``user`` in the keyring, and its hash and expiry in the
    database, so that the next start at this computer signs them in without asking.

    Raises:
        KeyringUnavailableError: there is no keyring; nothing was stored.
    """
    token = secrets.token_urlsafe(32)
    set_secret(remember_name(place), f"{user.username}\n{token}")
    until = (now or now_utc()) + timedelta(days=REMEMBER_DAYS)
    User.update(remember_hash=_digest(token), remember_until=until).where(
        User.id == user.id).execute()


def remembered_user(place: str, now: datetime | None = None) -> User | None:
    """The active user whose valid, unexpired token this computer's keyring holds for
    the database at ``place``; None otherwise (no keyring counts as none)."""
    try:
        stored = get_secret(remember_name(place))
    except KeyringUnavailableError:  # asked each time instead
        return None
    if not stored or "\n" not in stored:
        return None
    username, _, token = stored.rpartition("\n")
    user = User.get_or_none(User.username == username)
    if (user is None or not user.active or not user.remember_hash
            or user.remember_until is None or user.remember_until <= (now or now_utc())
            or not hmac.compare_digest(user.remember_hash, _digest(token))):
        return None
    return user


def forget(place: str, user: User | None = None) -> None:
    """Sign out: the token is removed from the keyring and, with ``user``, from the
    database (so a copy of it signs nobody in)."""
    # a locked keyring: clearing the database's side is enough to void the token
    with contextlib.suppress(KeyringUnavailableError):
        delete_secret(remember_name(place))
    if user is not None:
        User.update(remember_hash="", remember_until=None).where(User.id == user.id).execute()


def start_user(place: str, now: datetime | None = None) -> User | None:
    """Who is signed in at start, without asking: the operating-system user when
    passwords are not required (and that user is not deactivated), else the remembered
    user; None when the sign-in dialog must ask."""
    if not passwords_required():
        known = User.get_or_none(User.username == current_username())
        if known is None or known.active:
            return current_user()
    return remembered_user(place, now)
