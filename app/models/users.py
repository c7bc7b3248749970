"""Who is using the application: the operating-system user until sign-in exists."""

from __future__ import annotations

import getpass
import os

from app.models.clock import now_utc
from app.models.entities import User
from app.models.permissions import Role


def current_username() -> str:
    """The operating-system account name of whoever runs the application."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name: a service account or a container
        return os.environ.get("USERNAME") or os.environ.get("USER") or "unknown"


def ensure_user(username: str, display_name: str | None = None,
                role: Role = Role.ADVISOR) -> User:
    """The user called ``username``, created on first use with ``role``."""
    user = User.get_or_none(User.username == username)
    if user is None:
        user = User.create(username=username, display_name=display_name or username,
                           role=role, created_at=now_utc())
    return user


def current_user() -> User:
    """The signed-in user (for now, the operating-system user).

    Whoever opens a new database first administers it: on a personal workstation that is
    the advisor who installed the application, who can then set the service levels.
    """
    first = not User.select().exists()
    return ensure_user(current_username(), role=Role.ADMINISTRATOR if first else Role.ADVISOR)


def active_users() -> list[User]:
    """Users who can own incidents, by name."""
    return list(User.select().where(User.active).order_by(User.display_name))
