"""Who may do what: one place for the rules, checked by the operations themselves."""

from __future__ import annotations

from enum import StrEnum

from app.models.entities import User


class Role(StrEnum):
    ADVISOR = "advisor"
    TEAM_LEADER = "team_leader"
    ASSESSOR = "assessor"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Permission(StrEnum):
    EDIT_SERVICE_LEVELS = "edit_service_levels"
    MANAGE_BACKUPS = "manage_backups"  # restore a backup, set how long backups are kept
    MANAGE_PERSONAL_DATA = "manage_personal_data"  # retention, subject access, erasure
    EDIT_ESCALATION_MATRIX = "edit_escalation_matrix"  # levels, teams, contacts, rules
    MANAGE_EMAIL = "manage_email"  # the SMTP server updates are sent through
    # hand over (or withdraw the handover of) incidents somebody else owns; anybody may hand
    # over their own
    HAND_OVER_ANY = "hand_over_any"
    EDIT_ORGANISATION = "edit_organisation"  # the name and logo reports are printed with
    # print or export an incident with the caller's personal data (evidence is redacted)
    EXPORT_PERSONAL_DATA = "export_personal_data"
    # start, write and complete post-incident reviews; set which priorities need one
    RUN_REVIEWS = "run_reviews"
    # a problem's root cause, known error and workaround, its status, and closing it; anyone
    # who works incidents may raise a problem and link incidents to it
    MANAGE_PROBLEMS = "manage_problems"
    # bring incidents in from a CSV or XLSX file (all or nothing)
    IMPORT_INCIDENTS = "import_incidents"
    # the teams advisors belong to
    MANAGE_TEAMS = "manage_teams"
    # log, change, prioritise, escalate and hand over incidents, record updates, support and
    # satisfaction, raise problems: everything but reading (assessors only read)
    WORK_INCIDENTS = "work_incidents"
    # add users, change their roles, deactivate them, set passwords, require passwords
    MANAGE_USERS = "manage_users"


GRANTS = {
    Permission.EDIT_SERVICE_LEVELS: {Role.TEAM_LEADER, Role.ADMINISTRATOR},
    Permission.MANAGE_BACKUPS: {Role.TEAM_LEADER, Role.ADMINISTRATOR},
    Permission.MANAGE_PERSONAL_DATA: {Role.TEAM_LEADER, Role.ADMINISTRATOR},
    Permission.EDIT_ESCALATION_MATRIX: {Role.TEAM_LEADER, Role.ADMINISTRATOR},
    Permission.MANAGE_EMAIL: {Role.TEAM_LEADER, Role.ADMINISTRATOR},
    Permission.EDIT_ORGANISATION: {Role.TEAM_LEADER, Role.ADMINISTRATOR},
    Permission.EXPORT_PERSONAL_DATA: {Role.TEAM_LEADER, Role.ADMINISTRATOR},
    Permission.HAND_OVER_ANY: {Role.TEAM_LEADER, Role.ADMINISTRATOR},
    Permission.RUN_REVIEWS: {Role.TEAM_LEADER, Role.ADMINISTRATOR},
    Permission.MANAGE_PROBLEMS: {Role.TEAM_LEADER, Role.ADMINISTRATOR},
    Permission.IMPORT_INCIDENTS: {Role.TEAM_LEADER, Role.ADMINISTRATOR},
    Permission.MANAGE_TEAMS: {Role.TEAM_LEADER, Role.ADMINISTRATOR},
    Permission.WORK_INCIDENTS: {Role.ADVISOR, Role.TEAM_LEADER, Role.ADMINISTRATOR},
    Permission.MANAGE_USERS: {Role.ADMINISTRATOR},
}


class RolePermissionError(PermissionError):
    """The user's role does not allow the action."""


def can(user: User, permission: Permission) -> bool:
    return user.role in GRANTS[permission]


def check_permission(user: User, permission: Permission) -> None:
    """Raises RolePermissionError unless ``user`` may do ``permission`` as the database says
    now: a session opened before an administrator deactivated the user or changed their
    role holds a stale copy, which must not keep the rights it had."""
    stored = User.get_or_none(User.id == user.id) if user.id is not None else user
    if stored is None or not stored.active:
        raise RolePermissionError(f"{user.display_name} is no longer an active user: an "
                                  "administrator can reactivate them.")
    if not can(stored, permission):
        wanted = " or ".join(_with_article(r.label.lower()) for r in sorted(GRANTS[permission]))
        raise RolePermissionError(f"{stored.display_name} is "
                                  f"{Role(stored.role).label.lower()}; only {wanted} can do "
                                  "this.")


def _with_article(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"
