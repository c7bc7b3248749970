"""Shared fixtures: a fresh database per test (a SQLite file, or a PostgreSQL database when
``INCIDENT_DESK_ENGINE=postgresql``), a fixed time zone, offscreen Qt."""

from __future__ import annotations

import importlib.util
import os
import sqlite3
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Times are shown in the workstation's zone; the tests pin it to the service's own.
os.environ["TZ"] = "Europe/London"
time.tzset()

from app.models.db import close_database, open_database, parse_target  # noqa: E402
from app.models.entities import Category  # noqa: E402
from app.models.permissions import Role  # noqa: E402
from app.models.users import ensure_user  # noqa: E402
from app.models.validation import IncidentDraft  # noqa: E402
from tests.keyring_memory import MemoryKeyring, use_keyring  # noqa: E402

# The engine the database fixtures give: "sqlite" (a new file per test, the default) or
# "postgresql" (a new database per test on scripts/pg_server.py's server, which is started
# if need be; a server that cannot start fails the tests rather than skipping them).
ENGINE = os.environ.get("INCIDENT_DESK_ENGINE", "sqlite").lower()
if ENGINE not in ("sqlite", "postgresql"):
    raise pytest.UsageError(f"INCIDENT_DESK_ENGINE={ENGINE!r}: give sqlite or postgresql")
PG_SERVER_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "pg_server.py"


def pytest_runtest_setup(item):
    """On PostgreSQL, skip (with its reason, shown by ``-ra``) a test about SQLite itself."""
    if ENGINE != "postgresql":
        return
    for marker in item.iter_markers("sqlite_only"):
        reason = marker.args[0] if marker.args else marker.kwargs.get("reason", "")
        pytest.skip(f"SQLite only: {reason}" if reason else "SQLite only")


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL, leave out the tests that never ask for a test database (``db_path``,
    through ``db`` and the fixtures built on it, or a module's ``module_db_path``): they
    would run exactly as in the SQLite pass (a file of their own, no database, or a server
    of their own); said in the summary.
    The ``postgres``-marked tests, which bring their own server, are kept."""
    if ENGINE != "postgresql":
        return
    kept, left = [], []
    for item in items:
        uses_engine = any(name.endswith("db_path")  # db_path, a module's module_db_path
                          for name in getattr(item, "fixturenames", ()))
        (kept if uses_engine or item.get_closest_marker("postgres") else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept
        config._engine_left_out = len(left)


def pytest_terminal_summary(terminalreporter, config):
    left = getattr(config, "_engine_left_out", 0)
    if left:
        terminalreporter.write_line(
            f"INCIDENT_DESK_ENGINE=postgresql: {left} deselected that use no test database "
            "(they run the same in the SQLite pass)")


def load_pg_server():
    """scripts/pg_server.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("pg_server", PG_SERVER_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def pg_server():
    """The throwaway PostgreSQL server, started (or found running, and then left running),
    with ``PGPASSWORD`` set for the session; a failure to start fails the test."""
    server = load_pg_server()
    try:
        was_running = server.running()
        server.start()
    except server.ServerError as exc:
        pytest.fail(f"the PostgreSQL test server did not start: {exc}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PGPASSWORD", server.PASSWORD)
        yield server
    if not was_running:
        server.stop()


def pg_admin(server):
    """An autocommit connection to the server's own database (to create and drop others)."""
    import psycopg

    return psycopg.connect(host=server.HOST, port=server.PORT, user=server.ROLE,
                           password=server.PASSWORD, dbname=server.DATABASE, autocommit=True)


def drop_pg_database(server, name: str) -> None:
    """Drop a test database, ending connections a test left open (threads, processes)."""
    import psycopg

    with pg_admin(server) as conn:
        try:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        except psycopg.errors.InsufficientPrivilege:
            # FORCE may not end the server's own autovacuum worker on the database; a
            # plain DROP asks it to stop and waits for it
            conn.execute(f"DROP DATABASE IF EXISTS {name}")


def pg_database_url(server, name: str) -> str:
    return f"postgresql://{server.ROLE}@{server.HOST}:{server.PORT}/{name}"


@pytest.fixture(scope="session")
def pg_template(pg_server):
    """A database migrated once per session (as opening a new one migrates it), the
    template each test's database is copied from; its name. Unique per session, so that
    several test runs can share the server."""
    name = f"incident_desk_template_{uuid.uuid4().hex[:12]}"
    with pg_admin(pg_server) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        open_database(pg_database_url(pg_server, name))
        close_database()  # a template must have no connection when it is copied
        yield name
    finally:
        drop_pg_database(pg_server, name)


class PgTestDatabases:
    """Each test's database, copied from the template on a thread of its own one test
    ahead (so that the copy overlaps the test before), and dropped there after the test."""

    def __init__(self, server, template: str):
        self.server, self.template = server, template
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-databases")
        self._next = self._worker.submit(self._create)
        self._drops: list[Future] = []

    def _create(self) -> str:
        name = f"test_{uuid.uuid4().hex[:12]}"
        with pg_admin(self.server) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {self.template}")
        return name

    def take(self) -> str:
        """A new database's name (the test's own)."""
        name = self._next.result()
        self._next = self._worker.submit(self._create)
        return name

    def drop(self, name: str) -> None:
        """Drop the database once the test is done with it (its connection closed)."""
        self._drops.append(self._worker.submit(drop_pg_database, self.server, name))

    def close(self) -> None:
        """Drop the spare, wait for the drops; a drop that failed fails here."""
        try:
            self.drop(self._next.result())
        finally:
            self._worker.shutdown(wait=True)
        for dropped in self._drops:
            dropped.result()


@pytest.fixture(scope="session")
def pg_databases(pg_server, pg_template):
    databases = PgTestDatabases(pg_server, pg_template)
    yield databases
    databases.close()


@pytest.fixture
def db_path(request, tmp_path):
    """Where the test's database is: a new SQLite file's path, or on PostgreSQL the URL of
    a new database copied from the session's migrated template (dropped afterwards)."""
    if ENGINE == "sqlite":
        return tmp_path / "incidents.sqlite"
    databases = request.getfixturevalue("pg_databases")
    name = databases.take()

    def drop():
        close_database()
        databases.drop(name)

    request.addfinalizer(drop)
    return pg_database_url(databases.server, name)


@pytest.fixture
def db_target(db_path):
    """The test's database as the application names it (what ``parse_target`` gives for
    ``--db``): a ``Path``, or a ``PostgresTarget`` on PostgreSQL; what the windows take."""
    return parse_target(db_path)


def on_postgres_url(target) -> bool:
    return isinstance(target, str) and target.startswith("postgresql://")


def raw_connection(target):
    """A connection to the test's database from outside the application, as someone with
    the sqlite3 shell or psql would make: sqlite3 for a file, psycopg (autocommit, the
    password from ``PGPASSWORD``) for a URL. Both have ``execute``, ``commit``, ``close``."""
    if on_postgres_url(target):
        import psycopg

        return psycopg.connect(target, autocommit=True)
    return sqlite3.connect(target)


def raw_integrity_errors() -> tuple[type[Exception], ...]:
    """What the drivers raise when the database refuses a change (a trigger, a constraint)."""
    import psycopg

    return (sqlite3.IntegrityError, psycopg.IntegrityError)


@pytest.fixture
def db(db_path):
    """A new, real database (a SQLite file, or a PostgreSQL database under
    ``INCIDENT_DESK_ENGINE=postgresql``), opened as the application opens it."""
    database = open_database(db_path)
    yield database
    close_database()


@pytest.fixture
def advisor(db):
    return ensure_user("sam.advisor", "Sam Advisor")


@pytest.fixture
def leader(db):
    """A team leader: service levels, backups, the escalation matrix, mail settings."""
    return ensure_user("tess.leader", "Tess Leader", Role.TEAM_LEADER)


@pytest.fixture
def memory_keyring():
    """Secrets kept in memory for the test (headless Linux has no keyring service)."""
    with use_keyring(MemoryKeyring()) as backend:
        yield backend


@pytest.fixture
def colleague(db):
    return ensure_user("alex.colleague", "Alex Colleague")


def category(name: str, parent: str | None = None) -> Category:
    query = Category.select().where(Category.name == name)
    if parent:
        query = query.where(Category.parent == Category.get(Category.name == parent))
    return query.get()


def make_draft(**overrides) -> IncidentDraft:
    """A valid draft: a caller whose broadband is down, with any field overridden."""
    values = dict(
        received_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
        channel="phone",
        caller_type="customer",
        caller_name="Olivia Taylor",
        caller_phone="0161 496 0123",
        caller_email="olivia.taylor@example.org",
        account_ref="AC-001234",
        location="Manchester, head office",
        summary="Billing system not loading for the whole team",
        description="Caller says nobody on the team can open the billing system.",
        category_id=category("IT system failure").id,
        subcategory_id=category("Application error").id,
        impact="medium",
        urgency="high",
        owner_id=None,
        details_confirmed=True,
    )
    values.update(overrides)
    return IncidentDraft(**values)


NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
