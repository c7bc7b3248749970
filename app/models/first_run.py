"""The first run of a new database: whether to welcome whoever opens it, and what the
welcome may offer (sample incidents only into an empty database)."""

from __future__ import annotations

from datetime import datetime

from app.models.clock import now_utc
from app.models.dialect import put_setting
from app.models.entities import ConfigChange, Incident, Setting, User
from app.models.permissions import Permission, can

WELCOME_SETTING = "welcome.done"
WELCOME_AREA = "organisation"  # the welcome's outcome, in the settings' history
SAMPLE_COUNT = 300  # sample incidents, received over the last SAMPLE_MONTHS months
SAMPLE_MONTHS = 3


def needs_welcome(user: User) -> bool:
    """True the first time someone who may set the organisation up opens a new database:
    nobody has been welcomed to it yet and it holds no incidents."""
    return (can(user, Permission.EDIT_ORGANISATION)
            and Setting.get_or_none(Setting.key == WELCOME_SETTING) is None
            and not Incident.select().exists())


def can_load_sample() -> bool:
    """Sample incidents only go into a database with no incidents of its own."""
    return not Incident.select().exists()


def mark_welcomed(by: User, skipped: bool, now: datetime | None = None) -> None:
    """Remember that the welcome was seen (finished or skipped), so it is not shown again."""
    now = now or now_utc()
    put_setting(WELCOME_SETTING, f"{now.isoformat()} {by.username}")
    ConfigChange.create(at=now, user=by, area=WELCOME_AREA,
                        summary="First-run welcome skipped." if skipped
                        else "First-run welcome completed.")
