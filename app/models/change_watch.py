"""Whether another workstation or process has saved to the database since we last looked.

One small interface, ``ChangeWatch.changed()``, answered per engine: on SQLite by polling
``PRAGMA data_version``; a PostgreSQL watcher (LISTEN/NOTIFY) answers the same question
from the notifications it has received.
"""

from __future__ import annotations

from typing import Protocol

import peewee

from app.models.db import database


class ChangeWatch(Protocol):
    """Told whether others changed the database; cheap enough to ask several times a
    second from the GUI thread."""

    def changed(self) -> bool:
        """True once for each batch of changes committed by others since the last call."""
        ...


class SqliteChangeWatch:
    """Polls ``PRAGMA data_version`` on the application's connection.

    SQLite bumps that number when another connection (another process, or another
    connection of ours) commits; our own connection's commits leave it alone, so our own
    saves, already shown, do not count. It reads no page of the database.
    """

    def __init__(self, db: peewee.Database | peewee.DatabaseProxy = database):
        self._db = db
        self._last = self._version()

    def _version(self) -> int | None:
        if getattr(self._db, "obj", self._db) is None or self._db.is_closed():
            # never reopen a database someone closed (autoconnect would)
            return None
        return self._db.execute_sql("PRAGMA data_version").fetchone()[0]

    def changed(self) -> bool:
        version = self._version()
        if version is None or version == self._last:
            return False
        # a first look after the database was closed and opened again (a restore) counts
        self._last = version
        return True


def watch_database(db: peewee.DatabaseProxy = database) -> ChangeWatch:
    """The watch for the open database's engine.

    Raises:
        NotImplementedError: the engine has no watch yet (PostgreSQL, until LISTEN/NOTIFY).
    """
    engine = db.obj if isinstance(db, peewee.DatabaseProxy) else db
    if isinstance(engine, peewee.SqliteDatabase):
        return SqliteChangeWatch(db)
    raise NotImplementedError(f"No change watch for a {type(engine).__name__} database yet.")
