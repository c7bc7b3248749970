"""A PostgreSQL password from the keyring or PGPASSWORD, asked for when missing or refused,
stored only once the server accepted it; and the test connection, which opens nothing.

Runs when ``INCIDENT_DESK_PG=1``, against ``scripts/pg_server.py`` (as test_postgres.py).
"""

from __future__ import annotations

import os

import pytest

if os.environ.get("INCIDENT_DESK_PG") != "1":
    pytest.skip("PostgreSQL tests not run: set INCIDENT_DESK_PG=1 to run them against "
                "scripts/pg_server.py", allow_module_level=True)

from app.models.db import (
    DatabaseOpenError,
    close_database,
    database,
    open_database,
    parse_target,
    probe_database,
)
from app.models.db_password import password_name, store_password, stored_password
from app.models.schema import known_migrations
from app.models.secrets import SERVICE
from tests.models.test_postgres import pg_server, pg_url  # noqa: F401  (fixtures)

pytestmark = pytest.mark.postgres


@pytest.fixture
def no_pgpassword(pg_url, monkeypatch):  # noqa: F811
    """The test database's URL, with PGPASSWORD unset (pg_url sets it to create it)."""
    monkeypatch.delenv("PGPASSWORD")
    return pg_url


def test_no_password_anywhere_says_a_password_is_needed(no_pgpassword, memory_keyring):
    with pytest.raises(DatabaseOpenError, match="asks for a password") as raised:
        open_database(no_pgpassword)
    assert raised.value.needs_password
    assert database.obj is None or database.obj.is_closed()


def test_the_keyring_password_opens_the_database(no_pgpassword, memory_keyring,
                                                 pg_server):  # noqa: F811
    target = parse_target(no_pgpassword)
    store_password(target, pg_server.PASSWORD)
    db = open_database(no_pgpassword)
    assert not db.is_closed()
    close_database()


def test_pgpassword_wins_over_a_wrong_stored_one(pg_url, memory_keyring):  # noqa: F811
    store_password(parse_target(pg_url), "stale")
    open_database(pg_url)  # PGPASSWORD is the test server's
    close_database()
    assert stored_password(parse_target(pg_url)) == "stale"  # left alone


def test_a_refused_password_is_never_stored(no_pgpassword, memory_keyring):
    with pytest.raises(DatabaseOpenError, match="refused the password of the user "
                                                r"incident_desk \(the one typed\)") as raised:
        open_database(no_pgpassword, password="wrong", remember_password=True)
    assert raised.value.needs_password
    assert memory_keyring.secrets == {}


def test_a_stored_password_refused_is_asked_again_and_the_right_one_replaces_it(
        no_pgpassword, memory_keyring, pg_server):  # noqa: F811
    target = parse_target(no_pgpassword)
    store_password(target, "changed since")
    with pytest.raises(DatabaseOpenError, match="stored in this computer's keyring") as raised:
        open_database(no_pgpassword)
    assert raised.value.needs_password
    open_database(no_pgpassword, password=pg_server.PASSWORD, remember_password=True)
    close_database()
    assert memory_keyring.secrets == {(SERVICE, password_name(target)): pg_server.PASSWORD}


def test_a_typed_password_not_to_be_remembered_is_not_stored(no_pgpassword, memory_keyring,
                                                            pg_server):  # noqa: F811
    open_database(no_pgpassword, password=pg_server.PASSWORD)
    close_database()
    assert memory_keyring.secrets == {}


def test_probing_says_empty_then_ours_and_opens_nothing(pg_url):  # noqa: F811
    probe = probe_database(pg_url)
    assert (probe.schema, probe.pending) == (None, len(known_migrations()))
    assert database.obj is None or database.obj.is_closed()
    open_database(pg_url)
    close_database()
    probe = probe_database(pg_url)
    assert (probe.pending, probe.schema) == (0, int(known_migrations()[-1][:4]))


def test_probing_a_port_nobody_listens_on_says_it_cannot_reach(monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "x")
    with pytest.raises(DatabaseOpenError, match=r"Cannot reach the PostgreSQL server at "
                                                r"127\.0\.0\.1:9") as raised:
        probe_database("postgresql://incident_desk@127.0.0.1:9/incident_desk")
    assert not raised.value.needs_password
