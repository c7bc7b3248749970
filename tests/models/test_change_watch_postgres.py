"""PostgreSQL: others' commits reach the watch through LISTEN/NOTIFY, ours do not; a lost
server connection is reported (never raised), made again, and a statement that meets the
loss raises one ConnectionLostError, the next one connecting again.

Runs when ``INCIDENT_DESK_PG=1`` (see tests/models/test_postgres.py).
"""

from __future__ import annotations

import os
import socket
import time

import pytest

if os.environ.get("INCIDENT_DESK_PG") != "1":
    pytest.skip("PostgreSQL tests not run: set INCIDENT_DESK_PG=1 to run them against "
                "scripts/pg_server.py", allow_module_level=True)

import peewee
import psycopg

from app.models.change_watch import PostgresChangeWatch, watch_database
from app.models.db import database, open_database
from app.models.entities import History, Incident
from app.models.incidents import create_incident
from app.models.pg_database import (
    RECONNECT_TIMEOUT_SECONDS,
    ConnectionLostError,
    PostgresDatabase,
)
from app.models.users import ensure_user
from tests.conftest import NOW, make_draft
from tests.models import pg_restartable, test_postgres

# the fixtures this module borrows
pg_server, pg_url, pg_db = test_postgres.pg_server, test_postgres.pg_url, test_postgres.pg_db
restartable_server = pg_restartable.restartable_server
restartable = pg_restartable.restartable

pytestmark = pytest.mark.postgres

NOTICE_WAIT = 2.0  # seconds a notification may take to arrive (it takes a few ms)


def other_connection(db: PostgresDatabase) -> psycopg.Connection:
    """A plain connection of its own, as another workstation's would be."""
    params = {k: v for k, v in db.connect_params.items() if k != "prefer_psycopg3"}
    return psycopg.connect(dbname=db.database, autocommit=True, **params)


def rename_elsewhere(db: PostgresDatabase, name: str) -> None:
    with other_connection(db) as conn:
        conn.execute('UPDATE "user" SET display_name = %s', (name,))


def wait_until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.05)


def test_others_commits_are_seen_once_and_ours_not(pg_db):
    advisor = ensure_user("sam.advisor", "Sam Advisor")
    watch = watch_database()
    try:
        assert isinstance(watch, PostgresChangeWatch)
        assert watch.lost is None
        assert watch.changed() is False
        create_incident(make_draft(), advisor, NOW)  # ours: already shown by the window
        assert watch.changed(timeout=NOTICE_WAIT) is False
        rename_elsewhere(pg_db, "Sam A.")
        assert watch.changed(timeout=NOTICE_WAIT) is True
        assert watch.changed() is False  # once per batch
        with other_connection(pg_db) as conn, conn.transaction():  # two tables, one commit
            conn.execute('UPDATE "user" SET display_name = %s', ("Sam C.",))
            conn.execute("UPDATE incident SET summary = 'Changed elsewhere'")
        assert watch.changed(timeout=NOTICE_WAIT) is True
        assert watch.changed(timeout=0.3) is False
    finally:
        watch.close()


def test_a_rolled_back_change_is_not_news(pg_db):
    ensure_user("sam.advisor", "Sam Advisor")
    watch = watch_database()
    try:
        with other_connection(pg_db) as conn, pytest.raises(RuntimeError), conn.transaction():
            conn.execute('UPDATE "user" SET display_name = %s', ("Never",))
            raise RuntimeError("changed their mind")
        assert watch.changed(timeout=0.5) is False
    finally:
        watch.close()


def test_the_triggers_are_on_postgresql_only(pg_db, tmp_path):
    triggers = {row[0] for row in pg_db.execute_sql(
        "SELECT tgname FROM pg_trigger WHERE tgname LIKE '%%_notify'")}
    assert {"incident_notify", "history_notify", "escalation_notify",
            "communication_notify", "handover_notify"} <= triggers
    database.obj.close()
    sqlite = open_database(tmp_path / "same.sqlite")
    try:
        assert not sqlite.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%notify'"
        ).fetchall()
    finally:
        sqlite.close()


def test_a_stopped_server_is_reported_not_raised_and_watched_again(restartable):
    db = open_database(restartable.url())
    other = ensure_user("alex.colleague", "Alex Colleague")
    watch = PostgresChangeWatch(db, retry_seconds=0.2, in_background=False)
    try:
        assert watch.changed() is False and watch.lost is None
        restartable.stop("fast")
        wait_until(lambda: watch.changed() is False and watch.lost is not None)
        assert watch.lost == f"127.0.0.1:{restartable.PORT}"
        assert watch.changed() is False  # asked again while down: still no exception
        restartable.start()
        # back: once, for what others may have saved meanwhile
        wait_until(lambda: watch.changed())
        assert watch.lost is None
        assert watch.changed() is False
        with other_connection(db) as conn:
            conn.execute('UPDATE "user" SET display_name = %s WHERE id = %s',
                         ("Alex C.", other.id))
        assert watch.changed(timeout=NOTICE_WAIT) is True
    finally:
        watch.close()


def test_a_crashed_server_is_reported_too(restartable):
    db = open_database(restartable.url())
    watch = PostgresChangeWatch(db, retry_seconds=0.2, in_background=True)
    try:
        restartable.stop("immediate")
        wait_until(lambda: watch.changed() is False and watch.lost is not None)
        restartable.start()
        wait_until(lambda: watch.changed())  # made again on a thread of its own
        assert watch.lost is None
    finally:
        watch.close()


def test_a_statement_after_a_restart_raises_once_then_connects_again(restartable):
    db = open_database(restartable.url())
    advisor = ensure_user("sam.advisor", "Sam Advisor")
    draft = make_draft()
    restartable.stop("fast")
    with pytest.raises(ConnectionLostError,
                       match=rf"Lost the connection to the PostgreSQL server at "
                             rf"127\.0\.0\.1:{restartable.PORT} ") as lost:
        create_incident(draft, advisor, NOW)
    assert lost.value.outcome_unknown is False
    assert isinstance(lost.value, peewee.OperationalError)  # handled where busy is handled
    with pytest.raises(ConnectionLostError):  # still down: said again, nothing hangs
        create_incident(draft, advisor, NOW)
    restartable.start()
    incident = create_incident(draft, advisor, NOW)  # connects again by itself
    assert db.backend_pid() is not None
    assert [i.id for i in Incident.select()] == [incident.id]
    assert [h.action for h in History.select().where(History.incident == incident.id)][:1] == [
        "created"]


def terminate(db: PostgresDatabase, pid: int) -> None:
    """End the server process of ``pid``'s session, as a restart would, and wait until it
    is gone."""
    with other_connection(db) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
        wait_until(lambda: conn.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s",
                                         (pid,)).fetchone()[0] == 0)


def test_a_connection_lost_inside_a_transaction_is_not_reconnected_there(pg_db):
    advisor = ensure_user("sam.advisor", "Sam Advisor")
    pid = pg_db.backend_pid()
    with pytest.raises(ConnectionLostError), database.atomic():
        Incident.update(summary="half done").execute()  # nothing there: a statement all the same
        create_incident(make_draft(), advisor, NOW)
        terminate(pg_db, pid)
        History.select().count()  # meets the loss: not run again on a new connection
    assert Incident.select().count() == 0  # the transaction went with the session
    assert pg_db.backend_pid() != pid  # on a new connection
    create_incident(make_draft(), advisor, NOW)
    assert Incident.select().count() == 1


def test_a_commit_on_a_lost_connection_says_whether_it_may_have_saved(pg_db):
    advisor = ensure_user("sam.advisor", "Sam Advisor")
    with pytest.raises(ConnectionLostError) as lost, database.atomic():
        create_incident(make_draft(), advisor, NOW)
        terminate(pg_db, pg_db.backend_pid())
        # pg_stat_activity drops the session a moment before its process has closed the
        # socket (under load, long enough for COMMIT to go out first: then "perhaps
        # saved", as in the relay test): wait for the end of the stream to arrive
        wait_until(pg_db._found_dead)
    # the loss was there to see before COMMIT went: known not saved
    assert lost.value.outcome_unknown is False
    assert Incident.select().count() == 0


def test_a_server_that_does_not_answer_is_not_waited_for_at_every_statement(restartable):
    """The server's machine is up but PostgreSQL hangs (here: a socket on its port that
    never answers): a reconnection waits RECONNECT_TIMEOUT_SECONDS, and the statements
    right after it are refused at once instead of each waiting as long again."""
    db = open_database(restartable.url())
    advisor = ensure_user("sam.advisor", "Sam Advisor")
    restartable.stop("fast")
    with socket.socket() as silent:
        silent.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        silent.bind(("127.0.0.1", restartable.PORT))
        silent.listen(8)
        started = time.monotonic()
        with pytest.raises(ConnectionLostError, match="timeout"):
            Incident.select().count()
        waited = time.monotonic() - started
        assert RECONNECT_TIMEOUT_SECONDS - 0.5 < waited < db.connect_params["connect_timeout"]
        started = time.monotonic()
        with pytest.raises(ConnectionLostError):
            create_incident(make_draft(), advisor, NOW)
        assert time.monotonic() - started < 0.5
    restartable.start()
    wait_until(lambda: _connects(db), seconds=2 * RECONNECT_TIMEOUT_SECONDS + 5)
    create_incident(make_draft(), advisor, NOW)
    assert Incident.select().count() == 1


def _connects(db: PostgresDatabase) -> bool:
    try:
        db.execute_sql("SELECT 1")
    except ConnectionLostError:
        return False
    return True
