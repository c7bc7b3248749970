"""Whether another workstation or process has saved to the database since we last looked.

One small interface, ``ChangeWatch.changed()``, answered per engine: on SQLite by polling
``PRAGMA data_version``; on PostgreSQL from the notifications a listening connection of its
own has received (``LISTEN incident_desk_changes``, sent by migration 0015's triggers).
``lost`` says when the watch cannot tell (the server is out of reach).
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import TYPE_CHECKING, Protocol

import peewee

from app.models.db import database

if TYPE_CHECKING:  # psycopg is imported when a PostgreSQL watch is made, not at start
    import psycopg

    from app.models.pg_database import PostgresDatabase

CHANNEL = "incident_desk_changes"


class ChangeWatch(Protocol):
    """Told whether others changed the database; cheap enough to ask several times a
    second from the GUI thread."""

    def changed(self) -> bool:
        """True once for each batch of changes committed by others since the last call;
        never raises for a server out of reach (``lost`` says so)."""
        ...

    @property
    def lost(self) -> str | None:
        """None while watching; the server (``host:port``) while it cannot be reached."""
        ...

    def close(self) -> None:
        """Stop watching (a window closed); frees what the watch holds."""
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

    lost = None  # the file is local: a busy database raises, and the poll asks again

    def close(self) -> None:
        pass


class PostgresChangeWatch:
    """Listens on a connection of its own (autocommit, the application's connection
    parameters) for the notifications migration 0015's triggers send at each commit.

    ``changed()`` reads what has arrived without waiting. Notifications sent by the
    statements of the application's own connection (in this thread) are not news: the
    window already shows its own saves. A listening connection that is lost makes
    ``lost`` name the server; it is made again, on a thread of its own so that the window
    never waits on an unreachable server, at most every ``retry_seconds``; once it is back,
    ``changed()`` says True once, for what was missed meanwhile.
    """

    CONNECT_TIMEOUT_SECONDS = 5

    def __init__(self, db: PostgresDatabase, retry_seconds: float = 2.0,
                 in_background: bool = True):
        import psycopg

        self._pg = psycopg
        self._db = db
        self._retry_seconds = retry_seconds
        self._in_background = in_background
        self._conn: psycopg.Connection | None = None
        self._own: list[int] = []  # our connection's server processes, the latest last
        self._lock = threading.Lock()
        self._connecting: threading.Thread | None = None
        self._made: psycopg.Connection | None = None  # made by the thread, not yet taken
        self._next_try = 0.0
        self._closed = False
        self._missed = False  # the connection was lost: what happened meanwhile is unknown
        try:
            self._conn = self._listen()
        except self._pg.Error:
            self._next_try = time.monotonic() + retry_seconds

    @property
    def lost(self) -> str | None:
        return None if self._conn is not None else self._db.server

    def _listen(self) -> psycopg.Connection:
        params = {key: value for key, value in self._db.connect_params.items()
                  if key != "prefer_psycopg3"}
        params["connect_timeout"] = min(int(params.get("connect_timeout") or
                                            self.CONNECT_TIMEOUT_SECONDS),
                                        self.CONNECT_TIMEOUT_SECONDS)
        conn = self._pg.connect(dbname=self._db.database, autocommit=True, **params)
        try:
            conn.execute(f"LISTEN {CHANNEL}")
        except self._pg.Error:
            conn.close()
            raise
        return conn

    def _note_own(self) -> None:
        pid = self._db.backend_pid()
        if pid is not None and (not self._own or self._own[-1] != pid):
            # the one before is kept: its notifications may still be on their way
            self._own = [*self._own[-1:], pid]

    def changed(self, timeout: float = 0.0) -> bool:
        """True once per batch of others' changes; ``timeout``: how long to wait for one
        (never, by default: the GUI's timer asks again)."""
        if self._closed:
            return False
        self._note_own()
        if self._conn is None and not self._reconnect():
            return False
        try:
            news = False
            if timeout:  # wait for the first of others' notifications
                for note in self._conn.notifies(timeout=timeout):
                    if note.pid not in self._own:
                        news = True
                        break
            for note in self._conn.notifies(timeout=0):  # what has come, without waiting
                news = news or note.pid not in self._own
        except self._pg.Error:  # the server restarted or the network dropped
            self._close_listener()
            self._missed = True
            self._next_try = time.monotonic()  # tried again at once (it may be back)
            self._reconnect()
            return False
        self._note_own()  # a reconnection of ours during the wait counts as ours too
        missed, self._missed = self._missed, False
        return news or missed

    def _reconnect(self) -> bool:
        """Take a connection made meanwhile, or start making one when it is time."""
        with self._lock:
            if self._made is not None:
                self._conn, self._made = self._made, None
                self._missed = True
                return True
        if self._connecting is not None and self._connecting.is_alive():
            return False
        if time.monotonic() < self._next_try:
            return False
        self._next_try = time.monotonic() + self._retry_seconds
        if not self._in_background:
            self._try_connect()
            return self._reconnect() if self._made is not None else False
        self._connecting = threading.Thread(target=self._try_connect, daemon=True,
                                            name="change-watch-connect")
        self._connecting.start()
        return False

    def _try_connect(self) -> None:
        try:
            conn = self._listen()
        except self._pg.Error:
            return  # still out of reach: the next poll past ``retry_seconds`` tries again
        with self._lock:
            if self._closed:
                conn.close()
            else:
                self._made = conn

    def _close_listener(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(self._pg.Error):
                conn.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            made, self._made = self._made, None
        if made is not None:
            made.close()
        self._close_listener()


def watch_database(db: peewee.DatabaseProxy = database) -> ChangeWatch:
    """The watch for the open database's engine.

    Raises:
        NotImplementedError: the engine has no watch (neither SQLite nor our PostgreSQL
            class).
    """
    engine = db.obj if isinstance(db, peewee.DatabaseProxy) else db
    if isinstance(engine, peewee.SqliteDatabase):
        return SqliteChangeWatch(db)
    from app.models.pg_database import PostgresDatabase

    if isinstance(engine, PostgresDatabase):
        return PostgresChangeWatch(engine)
    raise NotImplementedError(f"No change watch for a {type(engine).__name__} database.")
