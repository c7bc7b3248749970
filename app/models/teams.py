"""Teams of advisors: which exist, who is in which. The dashboard can be limited to one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import peewee as pw

from app.models.clock import now_utc
from app.models.db import database
from app.models.entities import ConfigChange, Team, User
from app.models.permissions import Permission, check_permission
from app.models.text_rules import FieldProblemsError, text_error

TEAMS_AREA = "teams"  # ConfigChange.area of every change made here
MAX_NAME = 80


@dataclass(frozen=True)
class TeamRow:
    id: int
    name: str
    members: int


def teams() -> list[TeamRow]:
    """Every team in the organisation's order, with how many active users are in it."""
    members = pw.fn.COUNT(User.id)
    query = (Team.select(Team.id, Team.name, members.alias("members"))
             .join(User, pw.JOIN.LEFT_OUTER, on=(User.team == Team.id) & User.active)
             .group_by(Team.id).order_by(Team.position, Team.name))
    return [TeamRow(t.id, t.name, t.members) for t in query]


def _checked_name(name: str, ignore_id: int | None = None) -> str:
    name = " ".join(name.split())
    problem = None
    if not name:
        problem = "is required."
    elif len(name) > MAX_NAME:
        problem = f"can have at most {MAX_NAME} characters (this one has {len(name)})."
    elif error := text_error(name, multiline=False):
        problem = error
    else:
        clash = Team.select().where(pw.fn.LOWER(Team.name) == name.lower())
        if ignore_id is not None:
            clash = clash.where(Team.id != ignore_id)
        taken = clash.first()
        if taken is not None:
            problem = f"is taken: there is already a team called {taken.name}."
    if problem:
        raise FieldProblemsError({"name": f"The team's name {problem}"})
    return name


def _log(by: User, at: datetime, summary: str) -> None:
    ConfigChange.create(at=at, user=by, area=TEAMS_AREA, summary=summary)


def create_team(name: str, by: User, now: datetime | None = None) -> Team:
    """A new team, last in the list."""
    check_permission(by, Permission.MANAGE_TEAMS)
    with database.atomic():
        name = _checked_name(name)
        last = Team.select(pw.fn.MAX(Team.position)).scalar() or 0
        team = Team.create(name=name, position=last + 1)
        _log(by, now or now_utc(), f"Team {name} created.")
    return team


def rename_team(team_id: int, name: str, by: User, now: datetime | None = None) -> Team:
    check_permission(by, Permission.MANAGE_TEAMS)
    with database.atomic():
        team = Team.get_by_id(team_id)
        name = _checked_name(name, ignore_id=team_id)
        if name != team.name:
            _log(by, now or now_utc(), f"Team {team.name} renamed {name}.")
            team.name = name
            team.save()
    return team


def remove_team(team_id: int, by: User, now: datetime | None = None) -> None:
    """Remove a team; its members are left in no team."""
    check_permission(by, Permission.MANAGE_TEAMS)
    with database.atomic():
        team = Team.get_by_id(team_id)
        User.update(team=None).where(User.team == team_id).execute()
        _log(by, now or now_utc(), f"Team {team.name} removed.")
        team.delete_instance()


def set_user_team(user_id: int, team_id: int | None, by: User,
                  now: datetime | None = None) -> None:
    """Put a user in a team (``None``: in none)."""
    check_permission(by, Permission.MANAGE_TEAMS)
    with database.atomic():
        user = User.get_by_id(user_id)
        team = Team.get_by_id(team_id) if team_id is not None else None
        if user.team_id == team_id:
            return
        before = user.team.name if user.team_id is not None else "no team"
        user.team = team
        user.save()
        after = team.name if team is not None else "no team"
        _log(by, now or now_utc(), f"{user.display_name} moved from {before} to {after}.")


def team_members(team_id: int | None) -> list[User]:
    """Active users in a team (``None``: in no team), by name."""
    query = User.select().where(User.active)
    query = query.where(User.team.is_null() if team_id is None else User.team == team_id)
    return list(query.order_by(User.display_name))
