"""User accounts: who may sign in, with which role, and whether a password is required.

Administrators add users, change their roles, deactivate and reactivate them (never delete:
the history names them) and set their passwords, hashed with argon2. Every change goes to
the settings' trail (``ConfigChange``, area ``users``), never a password or its hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import peewee as pw
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.models.clock import now_utc
from app.models.db import database
from app.models.dialect import exclusive_transaction, put_setting
from app.models.entities import ConfigChange, Setting, Team, User
from app.models.permissions import Permission, Role, check_permission
from app.models.text_rules import FieldProblemsError, text_error, trimmed

USERS_AREA = "users"  # ConfigChange.area of every change made here
PASSWORD_SETTING = "sign_in.require_password"  # "1": everyone signs in with a password
MIN_PASSWORD = 10
MAX_USERNAME = 64
MAX_DISPLAY_NAME = 100
PASSWORD_RULE = f"A password needs at least {MIN_PASSWORD} characters."

hasher = PasswordHasher()


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    role: Role
    team: str  # empty: in no team
    active: bool
    has_password: bool


# --- reading -------------------------------------------------------------------------------
def users() -> list[UserRow]:
    """Every user, active or not, by display name."""
    query = (User.select(User, Team).join(Team, pw.JOIN.LEFT_OUTER)
             .order_by(User.display_name, User.username))
    return [UserRow(u.id, u.username, u.display_name, Role(u.role),
                    u.team.name if u.team_id is not None else "", bool(u.active),
                    bool(u.password_hash)) for u in query]


def passwords_required() -> bool:
    """Whether everyone signs in with a password (otherwise: the operating-system user)."""
    row = Setting.get_or_none(Setting.key == PASSWORD_SETTING)
    return row is not None and row.value == "1"


# --- rules ---------------------------------------------------------------------------------
def password_problems(password: str, repeated: str) -> dict[str, str]:
    """Why ``password`` (typed twice) cannot be used, by field; empty when it can."""
    if len(password) < MIN_PASSWORD:
        return {"password": f"The password is too short ({len(password)} characters). "
                            f"{PASSWORD_RULE}"}
    if password.strip() != password or not password.strip():
        return {"password": "The password cannot begin or end with a space."}
    if text_error(password):
        return {"password": "The password cannot contain control characters or line breaks."}
    if password != repeated:
        return {"repeated": "The passwords do not match: type the same password twice."}
    return {}


def _checked_names(username: str, display_name: str) -> tuple[str, str]:
    username = trimmed(username)
    display_name = " ".join(display_name.split())
    problems = {}
    if not username:
        problems["username"] = "The username is required."
    elif len(username) > MAX_USERNAME:
        problems["username"] = f"The username can have at most {MAX_USERNAME} characters."
    elif text_error(username) or " " in username:
        problems["username"] = "The username cannot contain spaces or control characters."
    elif (taken := User.get_or_none(pw.fn.LOWER(User.username) == username.lower())):
        problems["username"] = (f"The username {username} is taken (by "
                                f"{taken.display_name}).")
    if not display_name:
        problems["display_name"] = "The display name is required."
    elif len(display_name) > MAX_DISPLAY_NAME:
        problems["display_name"] = (f"The display name can have at most {MAX_DISPLAY_NAME} "
                                    "characters.")
    elif error := text_error(display_name):
        problems["display_name"] = f"The display name {error}"
    if problems:
        raise FieldProblemsError(problems)
    return username, display_name


def _check_not_last_administrator(user: User, what: str) -> None:
    if user.role != Role.ADMINISTRATOR or not user.active:
        return
    others = User.select().where((User.role == Role.ADMINISTRATOR) & User.active
                                 & (User.id != user.id))
    if passwords_required():  # an administrator without a password could not sign in
        others = others.where(User.password_hash != "")
    if not others.exists():
        raise FieldProblemsError({"role": (
            f"{user.display_name} is the last active administrator who can sign in and "
            f"cannot be {what}: make someone else an administrator (with a password, while "
            "passwords are required) first.")})


def _accounts_changing():
    """The transaction of a change that must leave an administrator who can sign in: one
    at a time, each checking what the one before it left (on PostgreSQL two administrators
    demoting each other at once would otherwise each see the other still there, and both
    succeed)."""
    return exclusive_transaction(User)


def _log(by: User, at: datetime, summary: str) -> None:
    ConfigChange.create(at=at, user=by, area=USERS_AREA, summary=summary)


# --- changes -------------------------------------------------------------------------------
def add_user(username: str, display_name: str, role: Role | str, by: User,
             team_id: int | None = None, now: datetime | None = None) -> User:
    """A new, active user, without a password.

    Raises:
        RolePermissionError: ``by`` is not an administrator.
        FieldProblemsError: the username is empty or taken, or the display name empty.
    """
    check_permission(by, Permission.MANAGE_USERS)
    role = Role(role)
    now = now or now_utc()
    with database.atomic():
        username, display_name = _checked_names(username, display_name)
        team = Team.get_by_id(team_id) if team_id is not None else None
        user = User.create(username=username, display_name=display_name, role=role,
                           created_at=now, team=team)
        _log(by, now, f"User {username} ({display_name}) added as {role.label.lower()}.")
    return user


def change_role(user_id: int, role: Role | str, by: User, now: datetime | None = None) -> User:
    """Give a user another role; the last active administrator keeps theirs.

    Raises:
        RolePermissionError: ``by`` is not an administrator.
        FieldProblemsError: field ``role``: the last active administrator.
    """
    role = Role(role)
    with _accounts_changing():
        check_permission(by, Permission.MANAGE_USERS)  # as stored once others are done
        user = User.get_by_id(user_id)
        if user.role == role:
            return user
        if role != Role.ADMINISTRATOR:
            _check_not_last_administrator(user, "given another role")
        before = Role(user.role).label.lower()
        user.role = role
        user.save()
        _log(by, now or now_utc(), f"{user.display_name} ({user.username}) changed from "
                                   f"{before} to {role.label.lower()}.")
    return user


def set_active(user_id: int, active: bool, by: User, now: datetime | None = None) -> User:
    """Deactivate (they can no longer sign in or be given incidents) or reactivate a user.
    A deactivated user's remember-me token stops working.

    Raises:
        RolePermissionError: ``by`` is not an administrator.
        FieldProblemsError: field ``role``: the last active administrator.
    """
    with _accounts_changing():
        check_permission(by, Permission.MANAGE_USERS)
        user = User.get_by_id(user_id)
        if bool(user.active) == active:
            return user
        if not active:
            _check_not_last_administrator(user, "deactivated")
            user.remember_hash, user.remember_until = "", None
        user.active = active
        user.save()
        _log(by, now or now_utc(), f"{user.display_name} ({user.username}) "
                                   f"{'reactivated' if active else 'deactivated'}.")
    return user


def set_password(user_id: int, password: str, repeated: str, by: User,
                 now: datetime | None = None) -> None:
    """Set or reset a user's password (an administrator's, or the user's own). Any
    remember-me token of theirs stops working.

    Raises:
        RolePermissionError: ``by`` is neither an administrator nor the user.
        FieldProblemsError: fields ``password`` (the rule) or ``repeated`` (no match).
    """
    if by.id != user_id:
        check_permission(by, Permission.MANAGE_USERS)
    problems = password_problems(password, repeated)
    if problems:
        raise FieldProblemsError(problems)
    hashed = hasher.hash(password)
    with database.atomic():
        user = User.get_by_id(user_id)
        had = bool(user.password_hash)
        user.password_hash = hashed
        user.remember_hash, user.remember_until = "", None
        user.save()
        _log(by, now or now_utc(), f"Password of {user.display_name} ({user.username}) "
                                   f"{'reset' if had else 'set'}.")


def change_own_password(user: User, current: str, password: str, repeated: str,
                        now: datetime | None = None) -> None:
    """``user`` changes their own password; the current one must be given first, when they
    have one (someone at an unlocked workstation cannot change it for them).

    Raises:
        FieldProblemsError: fields ``current`` (not the current password), ``password``
            (the rule) or ``repeated`` (no match); nothing is changed.
    """
    stored = User.get_by_id(user.id).password_hash
    problems = password_problems(password, repeated)
    if stored:
        try:
            hasher.verify(stored, current)
        except (VerificationError, InvalidHashError):
            problems = {"current": "That is not your current password.", **problems}
    if problems:
        raise FieldProblemsError(problems)
    set_password(user.id, password, repeated, user, now)


def set_passwords_required(required: bool, by: User, now: datetime | None = None) -> None:
    """Whether everyone must sign in with a password.

    Raises:
        RolePermissionError: ``by`` is not an administrator.
        FieldProblemsError: field ``require_password``: requiring passwords while ``by``
            has none, which would lock them out at the next start.
    """
    with _accounts_changing():
        check_permission(by, Permission.MANAGE_USERS)
        if required == passwords_required():
            return
        if required and not User.get_by_id(by.id).password_hash:
            raise FieldProblemsError({"require_password": (
                "Set your own password first: with passwords required, you could not sign "
                "in without one.")})
        put_setting(PASSWORD_SETTING, "1" if required else "0")
        _log(by, now or now_utc(), "Passwords required to sign in." if required
             else "Passwords no longer required: the computer's user is signed in.")
