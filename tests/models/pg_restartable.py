"""A second throwaway PostgreSQL server, of the test's own, to stop and start mid-test
without disturbing the tests that share scripts/pg_server.py's server (port 54329).

Made by scripts/pg_server.py with its overrides (``INCIDENT_DESK_PG_DIR``,
``INCIDENT_DESK_PG_PORT``) read by a copy of the script loaded for it alone.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "pg_server.py"
PORT = 54339


def load_server(base: Path, port: int):
    """scripts/pg_server.py as a module of its own, for the server in ``base`` on ``port``."""
    saved = {key: os.environ.get(key) for key in ("INCIDENT_DESK_PG_DIR",
                                                  "INCIDENT_DESK_PG_PORT")}
    os.environ["INCIDENT_DESK_PG_DIR"], os.environ["INCIDENT_DESK_PG_PORT"] = str(base), str(port)
    try:
        spec = importlib.util.spec_from_file_location(f"pg_server_{port}", SCRIPT)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return module


@pytest.fixture(scope="module")
def restartable_server():
    """A server of the module's own (a new cluster, removed afterwards); the test may
    ``stop()`` and ``start()`` it. Under /tmp: as root the server runs as ``postgres``,
    which cannot enter pytest's own temporary folders."""
    base = Path(tempfile.mkdtemp(prefix="incident-desk-pg-restart-"))
    server = load_server(base, PORT)
    try:
        server.start()
    except server.ServerError as exc:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"INCIDENT_DESK_PG=1 but the second PostgreSQL server did not start: {exc}")
    yield server
    try:
        server.stop("immediate")
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def restartable(restartable_server, monkeypatch):
    """The second server, running (started again if a test left it stopped), with
    ``PGPASSWORD`` set for it; the database is ``restartable.url()``, emptied for each test."""
    restartable_server.start()
    monkeypatch.setenv("PGPASSWORD", restartable_server.PASSWORD)
    from app.models.db import close_database

    yield restartable_server
    close_database_quietly(close_database)
    restartable_server.start()
    restartable_server._psql(f"DROP DATABASE IF EXISTS {restartable_server.DATABASE} WITH (FORCE)")
    restartable_server.start()  # made again, empty


def close_database_quietly(close_database) -> None:
    """Close the application's database, whatever state a test left its connection in."""
    try:
        close_database()
    except Exception:  # a dead connection: nothing to close
        from app.models.db import database

        if database.obj is not None:
            database.obj.dispose()
