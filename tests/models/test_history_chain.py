"""The history's hash chain: intact after normal use, broken by edits made outside the app."""

from __future__ import annotations

import shutil

import pytest

from app.models.db import close_database, open_database
from app.models.demo_data import generate
from app.models.entities import History, HistoryChain
from app.models.history_chain import GENESIS, row_hash, verify_file
from app.models.incidents import change_status, create_incident
from app.models.lifecycle import Status
from tests.conftest import NOW, make_draft, on_postgres_url, raw_connection

V1 = "tests/data/schema_v1.sqlite"


@pytest.fixture
def used(db, db_path, advisor):
    """A database with a few incidents and their history, closed again."""
    for caller in ("Olivia Taylor", "Marcus Okonkwo", "Jack Taylor"):
        incident = create_incident(make_draft(caller_name=caller), advisor, now=NOW)
        change_status(incident.id, Status.ASSIGNED, advisor, now=NOW)
        change_status(incident.id, Status.IN_PROGRESS, advisor, now=NOW)
    close_database()
    return db_path


def tamper(target, *statements):
    """Edit the database as someone with the sqlite3 shell or psql would: the append-only
    triggers out of the way."""
    conn = raw_connection(target)
    if on_postgres_url(target):
        conn.execute("ALTER TABLE history DISABLE TRIGGER USER")
    else:
        conn.execute("DROP TRIGGER history_no_update")
        conn.execute("DROP TRIGGER history_no_delete")
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


def test_every_row_links_to_the_one_before(db, advisor):
    create_incident(make_draft(), advisor, now=NOW)
    create_incident(make_draft(), advisor, now=NOW)
    previous = GENESIS
    rows = list(History.select().order_by(History.id))
    for row in rows:
        expected = row_hash(previous, row.id, row.incident_id, History.at.db_value(row.at),
                            row.user_id, row.action, row.field, row.old_value, row.new_value)
        assert row.hash == expected
        previous = row.hash
    head = HistoryChain.get_by_id(1)
    assert (head.last_id, head.last_hash) == (rows[-1].id, rows[-1].hash)


def test_an_untouched_database_verifies(used):
    result = verify_file(used)
    assert result.ok and result.rows == 9


def test_an_edited_row_is_named(used):
    tamper(used, "UPDATE history SET user_id = user_id WHERE id = 2",  # no change: fine
           "UPDATE history SET new_value = 'closed' WHERE id = 5")
    result = verify_file(used)
    assert not result.ok
    assert result.problems == ["The history row 5 (incident INC-2026-000002, "
                               "2026-11-24 12:00:00 UTC) was altered outside Incident Desk "
                               "(or a row before it was)."]


def test_a_deleted_row_is_named(used):
    tamper(used, "DELETE FROM history WHERE id = 4")
    assert verify_file(used).problems == [
        "History row 4 removed: the chain jumps to history row 5 (incident INC-2026-000002, "
        "2026-11-24 12:00:00 UTC)."]


def test_reordered_rows_are_caught(used):
    tamper(used, "UPDATE history SET id = 100 WHERE id = 2",
           "UPDATE history SET id = 2 WHERE id = 3", "UPDATE history SET id = 3 WHERE id = 100")
    assert verify_file(used).problems[0].startswith("The history row 2 ")


def test_removing_the_last_rows_is_caught(used):
    tamper(used, "DELETE FROM history WHERE id >= 8")
    assert verify_file(used).problems == [
        "The last history rows were removed: the chain ends at row 7 but was last extended "
        "with row 9."]


@pytest.mark.sqlite_only("damage to the file's bytes")
def test_damage_is_reported(used):
    with used.open("r+b") as handle:
        handle.seek(100)
        handle.write(b"\xff" * 3000)
    result = verify_file(used)
    assert not result.ok


def test_demo_data_and_a_release_1_database_verify(tmp_path):
    path = tmp_path / "demo.sqlite"
    open_database(path)
    generate(300, seed=2, now=NOW)
    close_database()
    assert verify_file(path).ok
    old = tmp_path / "v1.sqlite"
    shutil.copy(V1, old)
    open_database(old)  # upgraded: its history rows are chained in id order
    rows = History.select().count()
    close_database()
    result = verify_file(old)
    assert result.ok and result.rows == rows
