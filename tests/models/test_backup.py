"""Backups through the online backup API, checked; restores that keep the replaced file."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from app.models.backup import (
    KEEP_DAYS_SETTING,
    BackupError,
    automatic_backup,
    automatic_backups,
    backup_database,
    backup_folder,
    backup_now,
    integrity_problems,
    keep_days,
    latest_good_backup,
    restore_database,
    restore_open_database,
)
from app.models.db import close_database, database, open_database
from app.models.entities import Incident, Setting, User
from app.models.incidents import create_incident
from app.models.permissions import Role, RolePermissionError
from app.models.users import ensure_user
from tests.conftest import NOW, make_draft

pytestmark = pytest.mark.sqlite_only("backups of the file through SQLite's backup API "
                                     "(a PostgreSQL server is backed up by its own tools)")


def count_incidents(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT COUNT(*) FROM incident").fetchone()[0]
    finally:
        conn.close()


def log(count: int) -> None:
    user = ensure_user("sam.advisor")
    for _ in range(count):
        create_incident(make_draft(), user, now=NOW)


def damage(path) -> None:
    """Overwrite bytes in the middle of the file, as a failing disk would."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(size // 2)
        handle.write(b"\xde\xad\xbe\xef" * 1024)


def test_a_backup_of_a_database_in_use_is_whole_and_checked(db, db_path, tmp_path):
    log(3)  # the database stays open, its last commits still in the write-ahead log
    out = backup_database(db_path, tmp_path / "backup.sqlite")
    assert integrity_problems(out) == []
    assert count_incidents(out) == 3
    assert not (tmp_path / "backup.sqlite-wal").exists()  # one self-contained file
    assert not list(tmp_path.glob("*.partial"))


def test_a_backup_never_overwrites_a_file(db, db_path, tmp_path):
    out = tmp_path / "precious.txt"
    out.write_text("do not touch")
    with pytest.raises(BackupError, match="already exists"):
        backup_database(db_path, out)
    assert out.read_text() == "do not touch"


def test_a_foreign_or_missing_file_is_not_backed_up(tmp_path):
    foreign = tmp_path / "notes.sqlite"
    foreign.write_text("just some notes")
    with pytest.raises(BackupError, match="not an Incident Desk database"):
        backup_database(foreign, tmp_path / "out.sqlite")
    with pytest.raises(BackupError, match="does not exist"):
        backup_database(tmp_path / "nothing.sqlite", tmp_path / "out.sqlite")
    assert not (tmp_path / "out.sqlite").exists()


def test_restore_brings_the_backup_back_and_keeps_the_replaced_database(db, db_path,
                                                                       tmp_path):
    log(2)
    backup = backup_database(db_path, tmp_path / "monday.sqlite")
    log(5)
    close_database()

    aside = restore_database(db_path, backup, now=NOW)
    assert count_incidents(db_path) == 2
    assert aside.name == "incidents.replaced-20261124-120000.sqlite"
    assert count_incidents(aside) == 7
    open_database(db_path)  # the application opens the restored database as usual
    assert Incident.select().count() == 2


def test_a_damaged_database_is_moved_aside_untouched_and_replaced(db, db_path, tmp_path):
    log(50)
    backup = backup_database(db_path, tmp_path / "good.sqlite")
    close_database()
    damage(db_path)
    damaged_bytes = db_path.read_bytes()
    assert integrity_problems(db_path)

    aside = restore_database(db_path, backup, now=NOW)
    assert aside.read_bytes() == damaged_bytes
    assert count_incidents(db_path) == 50 and integrity_problems(db_path) == []


def test_a_damaged_or_foreign_backup_is_refused_and_the_database_kept(db, db_path, tmp_path):
    log(50)
    backup = backup_database(db_path, tmp_path / "bad.sqlite")
    damage(backup)
    log(1)
    close_database()
    before = count_incidents(db_path)
    with pytest.raises(BackupError, match="damaged"):
        restore_database(db_path, backup)
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(BackupError, match="another application"):
        restore_database(db_path, other)
    assert count_incidents(db_path) == before
    assert not list(tmp_path.glob("*.replaced-*"))


# --- automatic backups ----------------------------------------------------------------------
def test_one_automatic_backup_a_day_kept_for_the_days_set(db, db_path):
    log(1)
    day = NOW  # Tuesday 24 November 2026, 12:00 in London
    written, removed = automatic_backup(db_path, days=3, now=day)
    assert written == backup_folder(db_path) / "incidents-20261124-120000.sqlite"
    assert removed == []
    assert automatic_backup(db_path, days=3, now=day + timedelta(hours=5)) == (None, [])

    for days_later in range(1, 6):
        automatic_backup(db_path, days=3, now=day + timedelta(days=days_later))
    names = [path.name for _, path in automatic_backups(db_path)]
    # five days on, the backups of the last three days (and today's) are kept
    assert names == ["incidents-20261129-120000.sqlite", "incidents-20261128-120000.sqlite",
                     "incidents-20261127-120000.sqlite", "incidents-20261126-120000.sqlite"]
    assert latest_good_backup(db_path).name == names[0]


def test_old_backups_go_only_once_todays_is_written(db, db_path):
    automatic_backup(db_path, days=3, now=NOW)
    damage_target = backup_folder(db_path) / "incidents-20261124-120000.sqlite"
    assert damage_target.exists()
    # a year without starting the application: today's backup is written first, and the
    # old one then goes
    written, removed = automatic_backup(db_path, days=3, now=NOW + timedelta(days=365))
    assert written is not None and removed == [damage_target]


def test_latest_good_backup_skips_a_damaged_one(db, db_path):
    log(50)
    automatic_backup(db_path, days=30, now=NOW)
    newest, _ = automatic_backup(db_path, days=30, now=NOW + timedelta(days=1))
    damage(newest)
    assert latest_good_backup(db_path).name == "incidents-20261124-120000.sqlite"


def test_keep_days_comes_from_the_settings(db):
    assert keep_days() == 14
    Setting.insert(key=KEEP_DAYS_SETTING, value="30").on_conflict_replace().execute()
    assert keep_days() == 30


# --- restoring over the database the application has open -----------------------------------
def test_a_backup_is_restored_over_the_open_database_and_opened(db, db_path, leader):
    log(2)
    backup = backup_now(db_path, now=NOW)
    log(5)  # still in the write-ahead log: the database is open

    restored = restore_open_database(db_path, backup, leader, now=NOW + timedelta(hours=1))
    assert database.obj is not db and not database.obj.is_closed()
    assert Incident.select().count() == 2  # read through the database opened again
    assert restored.aside.name == "incidents.replaced-20261124-130000.sqlite"
    assert count_incidents(restored.aside) == 7 and integrity_problems(restored.aside) == []
    assert restored.user.username == "tess.leader"
    assert integrity_problems(db_path) == []


def test_a_damaged_backup_is_refused_and_the_open_database_left_alone(db, db_path, leader,
                                                                      tmp_path):
    log(50)
    backup = backup_database(db_path, tmp_path / "bad.sqlite")
    damage(backup)
    log(1)
    with pytest.raises(BackupError, match="damaged"):
        restore_open_database(db_path, backup, leader)
    assert database.obj is db and not db.is_closed()  # never closed
    assert Incident.select().count() == 51
    assert not list(tmp_path.glob("*.replaced-*"))


def test_a_restore_that_cannot_be_opened_puts_the_database_back(db, db_path, leader,
                                                                tmp_path):
    log(3)
    backup = backup_database(db_path, tmp_path / "half-upgraded.sqlite")
    # sound, and ours, but its record of schema changes is wrong: opening it tries to make
    # a change it already has, and fails
    conn = sqlite3.connect(backup)
    conn.execute("DELETE FROM schema_migration WHERE name = '0002_service_levels'")
    conn.commit()
    conn.close()
    log(4)

    with pytest.raises(BackupError, match="could not be restored") as refused:
        restore_open_database(db_path, backup, leader, now=NOW)
    assert "back as it was before, and open" in str(refused.value)
    assert not database.obj.is_closed()
    assert Incident.select().count() == 7  # what was there before, open again
    assert ensure_user("tess.leader").role == Role.TEAM_LEADER
    # the database moved aside was moved back: nothing is left beside it
    assert not (tmp_path / "incidents.replaced-20261124-120000.sqlite").exists()
    assert integrity_problems(db_path) == []


def test_restoring_over_another_applications_database_never_writes_to_it(db, db_path,
                                                                         tmp_path):
    backup = backup_database(db_path, tmp_path / "ours.sqlite")
    foreign = tmp_path / "theirs.sqlite"
    conn = sqlite3.connect(foreign)
    conn.execute("PRAGMA page_size = 1024")
    conn.execute("CREATE TABLE notes (text)")
    conn.execute("INSERT INTO notes VALUES ('keep me')")
    conn.commit()
    conn.close()
    before = foreign.read_bytes()

    aside = restore_database(foreign, backup, now=NOW)

    assert aside.read_bytes() == before  # moved aside, byte for byte
    assert integrity_problems(foreign) == []
    assert count_incidents(foreign) == 0


def test_an_advisor_cannot_restore(db, db_path, advisor):
    log(1)
    backup = backup_now(db_path, now=NOW)
    log(1)
    with pytest.raises(RolePermissionError, match="only an administrator or a team leader"):
        restore_open_database(db_path, backup, advisor)
    assert database.obj is db and Incident.select().count() == 2


def test_whoever_restores_a_backup_that_does_not_know_them_keeps_their_role(db, db_path):
    log(1)  # by sam.advisor: the only user in the backup
    backup = backup_now(db_path, now=NOW)
    admin = ensure_user("ada.admin", "Ada Admin", Role.ADMINISTRATOR)
    restored = restore_open_database(db_path, backup, admin)
    assert restored.user.username == "ada.admin"
    assert restored.user.role == Role.ADMINISTRATOR  # so they can undo it
    assert User.select().count() == 2
