"""Seeing other processes' saves: PRAGMA data_version polled on the application's
connection moves for their commits, once, and never for ours."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import peewee
import pytest

from app.models.change_watch import SqliteChangeWatch, watch_database
from app.models.db import close_database, database
from app.models.incidents import create_incident
from tests.conftest import NOW, make_draft

pytestmark = pytest.mark.sqlite_only("the watch through PRAGMA data_version (PostgreSQL's "
                                     "through LISTEN/NOTIFY has tests of its own)")


def commit_elsewhere(db_path, name: str = "Sam A.") -> None:
    """A commit on a connection of its own, as another workstation's would be."""
    other = sqlite3.connect(db_path)
    try:
        with other:
            other.execute("UPDATE user SET display_name = ?", (name,))
    finally:
        other.close()


def test_another_connections_commit_is_seen_once(db, db_path, advisor):
    watch = watch_database()
    assert isinstance(watch, SqliteChangeWatch)
    assert watch.changed() is False
    commit_elsewhere(db_path)
    assert watch.changed() is True
    assert watch.changed() is False  # once per batch of changes
    commit_elsewhere(db_path, "Sam B.")
    commit_elsewhere(db_path, "Sam C.")
    assert watch.changed() is True
    assert watch.changed() is False


def test_our_own_saves_are_not_news(db, advisor):
    watch = watch_database()
    create_incident(make_draft(), advisor, now=NOW)
    assert watch.changed() is False


def test_another_process_logging_an_incident_is_seen(db, db_path, advisor):
    watch = watch_database()
    script = textwrap.dedent(f"""
        from app.models.db import open_database
        from app.models.incidents import create_incident
        from app.models.users import ensure_user
        from tests.conftest import NOW, make_draft
        open_database({str(db_path)!r})
        create_incident(make_draft(), ensure_user("alex.colleague", "Alex Colleague"), NOW)
    """)
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    assert watch.changed() is True
    assert watch.changed() is False


def test_a_closed_database_is_not_reopened_by_looking(db, db_path):
    watch = watch_database()
    close_database()
    commit_elsewhere(db_path)
    assert watch.changed() is False
    assert database.is_closed()


def test_an_engine_without_a_watch_says_so():
    other = peewee.PostgresqlDatabase(None)
    with pytest.raises(NotImplementedError, match="PostgresqlDatabase"):
        watch_database(other)
