"""Opening databases: the pragmas, and refusing (untouched) what is not ours to open."""

import shutil
import sqlite3
from pathlib import Path

import pytest

from app.models import schema
from app.models.db import (
    APPLICATION_ID,
    DatabaseOpenError,
    close_database,
    open_database,
    pending_upgrades,
)
from app.models.entities import Category, Incident
from app.models.incidents import create_incident
from app.models.users import ensure_user
from tests.conftest import NOW, make_draft

V1_DATABASE = Path(__file__).parent.parent / "data" / "schema_v1.sqlite"


@pytest.mark.sqlite_only("PRAGMAs, the file header and WAL")
def test_new_database_is_created_with_durable_settings(db, db_path):
    assert db.pragma("journal_mode") == "wal"
    assert db.pragma("synchronous") == 2  # FULL
    assert db.pragma("foreign_keys") == 1
    assert db.pragma("application_id") == APPLICATION_ID
    assert {"incident", "history", "category", "user", "incident_fts"} <= set(db.get_tables())
    assert schema.applied_migrations(db) == schema.known_migrations()
    assert Category.select().where(Category.parent.is_null()).count() == 7


@pytest.mark.sqlite_only("SQLite's triggers in sqlite_master (PostgreSQL's: test_postgres.py)")
def test_every_migration_keeps_the_triggers(db):
    """A migration that rebuilds a table on SQLite silently drops its triggers."""
    triggers = {row[0] for row in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert triggers == {"incident_fts_insert", "incident_fts_delete", "incident_fts_update",
                        "history_no_update", "history_no_delete", "incident_caller_insert",
                        "incident_caller_delete", "incident_caller_update",
                        "incident_day_insert", "incident_day_delete", "incident_day_update",
                        "escalation_day_insert", "escalation_day_delete",
                        "escalation_day_update", "satisfaction_day_insert",
                        "satisfaction_day_delete", "satisfaction_day_update",
                        "incident_status_count_insert", "incident_status_count_delete",
                        "incident_status_count_update"}


def test_reopening_keeps_the_data(db_path):
    open_database(db_path)
    create_incident(make_draft(), ensure_user("sam"), now=NOW)
    close_database()
    open_database(db_path)
    try:
        assert Incident.get().reference == "INC-2026-000001"
    finally:
        close_database()


def _refused(path: Path, message: str, foreign: bool = True) -> None:
    before = path.read_bytes()
    with pytest.raises(DatabaseOpenError, match=message) as excinfo:
        open_database(path)
    assert str(path) in str(excinfo.value)
    assert path.read_bytes() == before, "a refused file must be left exactly as it was"
    if foreign:  # not ours, so not in WAL mode: nothing may appear beside it either
        assert not Path(f"{path}-wal").exists()


def test_a_text_file_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Shift notes: call Sam back.\n")
    _refused(path, "not a SQLite file")


def test_another_applications_database_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('Olivia')")
    conn.commit()
    conn.close()
    _refused(path, "another application")


@pytest.mark.sqlite_only("a damaged file")
def test_a_damaged_database_is_refused_and_left_alone(db_path):
    open_database(db_path)
    close_database()
    data = bytearray(db_path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page, keep the header
    db_path.write_bytes(bytes(data))
    _refused(db_path, "damaged|malformed", foreign=False)


@pytest.mark.sqlite_only("written through sqlite3 (PostgreSQL's: test_postgres.py)")
def test_a_database_from_a_newer_version_is_refused(db_path):
    open_database(db_path)
    close_database()
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO schema_migration (name, applied) VALUES ('0099_future', '2030')")
    conn.commit()
    conn.close()
    _refused(db_path, "newer version of Incident Desk.*0099_future", foreign=False)


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(DatabaseOpenError, match=r"folder .*nowhere does not exist"):
        open_database(tmp_path / "nowhere" / "db.sqlite")


def test_the_default_folder_is_created(tmp_path):
    path = tmp_path / "data" / "IncidentDesk" / "db.sqlite"
    open_database(path, create_folder=True)
    close_database()
    assert path.exists()


def test_a_folder_is_not_a_database(tmp_path):
    with pytest.raises(DatabaseOpenError, match="is a folder"):
        open_database(tmp_path)


def test_a_read_only_location_is_refused(tmp_path, monkeypatch):
    # Tests run as root in CI, where permissions do not bind; stand in for a read-only
    # mount by answering os.access as the operating system would there.
    monkeypatch.setattr("app.models.db.os.access", lambda path, mode: False)
    with pytest.raises(DatabaseOpenError, match="read-only"):
        open_database(tmp_path / "db.sqlite")
    assert not (tmp_path / "db.sqlite").exists()


@pytest.mark.sqlite_only("a read-only file")
def test_a_read_only_file_is_refused(db_path, monkeypatch):
    open_database(db_path)
    close_database()
    monkeypatch.setattr("app.models.db.os.access",
                        lambda path, mode: Path(path) != db_path)
    _refused(db_path, "is read-only", foreign=False)


def test_a_version_1_database_opens_and_upgrades(tmp_path, monkeypatch):
    """A database made by release 1 opens in a later release that adds a migration."""
    migrations = tmp_path / "migrations"
    shutil.copytree(schema.MIGRATIONS_DIR, migrations)
    (migrations / "0099_incident_tags.py").write_text(
        "import peewee as pw\n\n"
        "def up(migrator, db):\n"
        "    migrator.migrate(migrator.add_column('incident', 'tags', "
        "pw.TextField(default='')))\n")
    monkeypatch.setattr(schema, "MIGRATIONS_DIR", migrations)
    path = tmp_path / "old.sqlite"
    shutil.copy(V1_DATABASE, path)

    db = open_database(path)
    try:
        columns = {c.name for c in db.get_columns("incident")}
        assert "tags" in columns
        applied = schema.applied_migrations(db)
        assert applied == schema.known_migrations()  # read from the patched folder
        assert applied[0] == "0001_initial" and applied[-1] == "0099_incident_tags"
        assert db.execute_sql("SELECT COUNT(*) FROM incident").fetchone()[0] == 3
        assert db.execute_sql("SELECT tags FROM incident").fetchone()[0] == ""
    finally:
        close_database()


def test_the_version_1_fixture_is_current(tmp_path):
    """The committed release-1 file opens as it is with this version's schema."""
    path = tmp_path / "old.sqlite"
    shutil.copy(V1_DATABASE, path)
    db = open_database(path)
    try:
        assert schema.applied_migrations(db) == schema.known_migrations()
        assert Incident.select().count() == 3
        test_every_migration_keeps_the_triggers(db)
        assert {c.name for c in db.get_columns("incident")} >= {"response_due",
                                                                 "priority_rationale"}
    finally:
        close_database()


def test_pending_upgrades_are_listed_without_touching_the_file(tmp_path, db_path):
    path = tmp_path / "old.sqlite"
    shutil.copy(V1_DATABASE, path)
    before = path.read_bytes()
    assert pending_upgrades(path) == schema.known_migrations()[1:]
    assert path.read_bytes() == before
    open_database(path)
    close_database()
    assert pending_upgrades(path) == []
    assert pending_upgrades(tmp_path / "new.sqlite") == []  # a new file: nothing to upgrade
    (tmp_path / "notes.txt").write_text("not a database")
    assert pending_upgrades(tmp_path / "notes.txt") == []  # refused when opened instead
