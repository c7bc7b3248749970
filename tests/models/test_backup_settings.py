"""How long automatic backups are kept, set by a team leader and recorded; backups taken
on request."""

from __future__ import annotations

import pytest

from app.models.backup import (
    BackupError,
    KeepDaysError,
    automatic_backup,
    automatic_backups,
    backup_folder,
    backup_now,
    integrity_problems,
    keep_days,
    keep_days_changes,
    set_keep_days,
)
from app.models.entities import ConfigChange
from app.models.permissions import RolePermissionError
from tests.conftest import NOW


def test_a_team_leader_sets_the_days_and_the_change_is_recorded(leader):
    assert keep_days() == 14
    assert set_keep_days(30, leader, now=NOW) == "Keep backups: 14 days -> 30 days"
    assert keep_days() == 30
    (change,) = keep_days_changes()
    assert (change.at, change.user, change.area, change.summary) == (
        NOW, "Tess Leader", "backups", "Keep backups: 14 days -> 30 days")

    assert set_keep_days(30, leader) is None  # the same again: nothing to record
    set_keep_days(7, leader)
    assert [c.summary for c in keep_days_changes()] == ["Keep backups: 30 days -> 7 days",
                                                        "Keep backups: 14 days -> 30 days"]


@pytest.mark.parametrize("days", [0, -3, 366, 2.5, "30", True, None])
def test_anything_but_a_whole_number_from_1_to_365_is_refused(leader, days):
    with pytest.raises(KeepDaysError, match="whole number of days from 1 to 365"):
        set_keep_days(days, leader)
    assert keep_days() == 14
    assert ConfigChange.select().count() == 0


def test_the_limits_are_allowed(leader):
    set_keep_days(1, leader)
    assert keep_days() == 1
    set_keep_days(365, leader)
    assert keep_days() == 365


def test_an_advisor_cannot_change_the_days(advisor):
    with pytest.raises(RolePermissionError, match="Sam Advisor is advisor"):
        set_keep_days(30, advisor)
    assert keep_days() == 14 and ConfigChange.select().count() == 0


@pytest.mark.sqlite_only("backups of the file through SQLite's backup API")
def test_a_backup_now_is_checked_and_listed_with_the_automatic_ones(db, db_path):
    written = backup_now(db_path, now=NOW)
    assert written == backup_folder(db_path) / "incidents-20261124-120000.sqlite"
    assert integrity_problems(written) == []
    assert automatic_backups(db_path) == [(NOW.replace(tzinfo=None), written)]
    with pytest.raises(BackupError, match="already"):
        backup_now(db_path, now=NOW)  # the same second
    # today's is there already: the automatic one is not taken again
    assert automatic_backup(db_path, days=14, now=NOW) == (None, [])
