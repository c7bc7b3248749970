"""The PostgreSQL database class the application connects through (a shared server).

Kept apart from :mod:`app.models.db` so what is particular to a server connection (a
connection lost when the server restarts, notifications for live refresh) has one place.

A connection lost (the server restarted, stopped, or the network dropped) makes the
statement that meets it raise :class:`ConnectionLostError`, once; the next unit of work
(a statement outside a transaction, or a transaction's BEGIN) finds the connection dead
and connects again. Nothing is ever run again on its own: a write that met the loss is
reported, and the user decides whether to save again.
"""

from __future__ import annotations

import contextlib
import select
import time
import uuid

import peewee
import psycopg
from psycopg.pq import ConnStatus, TransactionStatus
from psycopg.types.json import Json, Jsonb

from app.models.db import ConnectionLostError

# SQLSTATEs that mean the session is gone: class 08 (connection exception), and the
# server's own shutdown, crash or start-up (57P01 to 57P03).
_LOST_STATES = ("57P01", "57P02", "57P03")
# How long a reconnection waits for the server (the first connection waits longer).
RECONNECT_TIMEOUT_SECONDS = 3
# How long a statement waits for a lock another session holds (an import's table locks, a
# colleague's row being saved) before failing as busy, as SQLite's busy_timeout: the
# server's default is for ever, which froze the window at Save behind a large import.
LOCK_TIMEOUT_MS = 5000


def _reason(exc: BaseException) -> str:
    """The driver's first line, without libpq's prefixes."""
    cause = getattr(exc, "orig", None) or exc
    text = str(cause).strip()
    line = text.splitlines()[0] if text else type(cause).__name__
    return line.rsplit("failed: ", 1)[-1].removeprefix("FATAL:").strip()


def _sqlstate(exc: BaseException) -> str | None:
    for candidate in (exc, getattr(exc, "orig", None), exc.__cause__, exc.__context__):
        state = getattr(candidate, "sqlstate", None)
        if state:
            return state
    return None


class Psycopg3Adapter(peewee.Psycopg3Adapter):
    """peewee's psycopg 3 adapter, with the driver imported here rather than by peewee.

    peewee is imported without psycopg (:mod:`app.models`, so that a start on a SQLite file
    does not pay for the driver), and its own adapter uses the driver peewee found: this
    one overrides each of its methods that touches the driver, so it works whether peewee
    found it or not."""

    txn_idle = TransactionStatus.IDLE
    txn_inerror = TransactionStatus.INERROR
    txn_unknown = TransactionStatus.UNKNOWN

    def __init__(self):
        super().__init__()
        self.json_type = Json
        self.jsonb_type = Jsonb

    def check_driver(self):
        pass  # imported above

    def get_binary_type(self):
        return psycopg.Binary

    def connect(self, db, **params):
        if db._encoding:
            params.setdefault("client_encoding", db._encoding)
        if db.database.startswith("postgresql://"):
            params.setdefault("conninfo", db.database)
        else:
            params.setdefault("dbname", db.database)
        return psycopg.connect(**params)

    def server_side_cursor(self, conn):
        in_txn = self.txn_status(conn) == TransactionStatus.INTRANS
        return conn.cursor(name=str(uuid.uuid1()), withhold=not in_txn)


class PostgresDatabase(peewee.PostgresqlDatabase):
    """A peewee PostgreSQL database (psycopg 3) that recovers from a lost connection."""

    # whichever driver peewee found on its import (none: see app.models), this adapter
    psycopg3_adapter = Psycopg3Adapter
    psycopg2_adapter = Psycopg3Adapter

    _retry_at = 0.0  # monotonic time before which a reconnection is not tried again
    _last_reason = ""

    def init(self, database, **kwargs):
        # set at the connection's start (no round trip); options of the URL's own win
        ours = f"-c lock_timeout={LOCK_TIMEOUT_MS}"
        given = kwargs.get("options")
        kwargs["options"] = f"{ours} {given}" if given else ours
        super().init(database, **kwargs)

    @property
    def server(self) -> str:
        """``host:port`` as the user can be told it."""
        host = self.connect_params.get("host") or "localhost"
        return f"{host}:{self.connect_params.get('port') or 5432}"

    def backend_pid(self) -> int | None:
        """The server process of this thread's connection (None when none is open); what
        a notification sent by our own statements carries."""
        if self.is_closed():
            return None
        try:
            return self._state.conn.info.backend_pid
        except psycopg.Error:  # a connection closed under us
            return None

    # --- finding a dead connection -------------------------------------------------------
    def _conn_dead(self) -> bool:
        conn = self._state.conn
        return conn is not None and conn.pgconn.status == ConnStatus.BAD

    def _found_dead(self) -> bool:
        """Whether this thread's connection, waiting for no reply, was closed by the
        server: a shutdown sends a last message and closes the socket, readable at once
        (no round trip)."""
        if self._conn_dead():
            return True
        pgconn = self._state.conn.pgconn
        if pgconn.transaction_status not in (TransactionStatus.IDLE,
                                             TransactionStatus.INTRANS,
                                             TransactionStatus.INERROR):
            return False  # a statement under way: its reply is what is readable
        try:
            # the last message and the end of the stream may come in two reads
            for _ in range(3):
                readable, _, _ = select.select([pgconn.socket], [], [], 0)
                if not readable:
                    break
                pgconn.consume_input()
        except (OSError, ValueError, psycopg.Error):
            return True
        return pgconn.status == ConnStatus.BAD

    def _is_loss(self, exc: BaseException) -> bool:
        state = _sqlstate(exc)
        return self._conn_dead() or (state is not None and (
            state.startswith("08") or state in _LOST_STATES))

    def _lost(self, exc: BaseException, committing: bool = False) -> ConnectionLostError:
        if not self.in_transaction() and not self.is_closed():
            self._drop()  # dead: the next statement connects again
        return ConnectionLostError(self.server, _reason(exc), outcome_unknown=committing)

    def _drop(self) -> None:
        with self._lock:
            try:
                with contextlib.suppress(psycopg.Error):
                    self._state.conn.close()
            finally:
                self._state.reset()

    # --- where statements go --------------------------------------------------------------
    def cursor(self, named_cursor=None):
        reconnecting = False
        if not self.is_closed() and not self.in_transaction() and self._found_dead():
            self._drop()
            reconnecting = True
        if self.is_closed() and (reconnecting or self.server_version is not None):
            # connected before: a failure now is the connection lost, not a wrong setting
            self._reconnect()
        return super().cursor(named_cursor)

    def _reconnect(self) -> None:
        """Connect again, waiting at most RECONNECT_TIMEOUT_SECONDS; after an attempt that
        took long (a server that does not answer) the next waits as long again first, so
        that a user typing in a form is not held at every key while it stays away."""
        now = time.monotonic()
        if now < self._retry_at:
            raise ConnectionLostError(self.server, self._last_reason)
        saved = self.connect_params
        timeout = int(saved.get("connect_timeout") or RECONNECT_TIMEOUT_SECONDS)
        self.connect_params = {**saved,
                               "connect_timeout": min(timeout, RECONNECT_TIMEOUT_SECONDS)}
        try:
            self.connect()
        except peewee.DatabaseError as exc:
            failed = time.monotonic()
            self._retry_at, self._last_reason = failed + (failed - now), _reason(exc)
            raise ConnectionLostError(self.server, self._last_reason) from exc
        finally:
            self.connect_params = saved

    def _translated(self, exc: peewee.DatabaseError) -> peewee.DatabaseError:
        """``exc``, or the ConnectionLostError it is or wraps (peewee's exception wrapper
        turns ours, raised by cursor(), into a plain OperationalError around it, as
        ``orig``)."""
        if isinstance(exc, ConnectionLostError):
            return exc
        inner = getattr(exc, "orig", None)
        if isinstance(inner, ConnectionLostError):
            return inner
        return self._lost(exc) if self._is_loss(exc) else exc

    def execute_sql(self, sql, params=None):
        try:
            return super().execute_sql(sql, params)
        except peewee.DatabaseError as exc:
            error = self._translated(exc)
            if error is exc:
                raise
            raise error from exc

    def begin(self, isolation_level=None):
        try:
            super().begin(isolation_level)
        except peewee.DatabaseError as exc:
            error = self._translated(exc)
            if error is exc:
                raise
            raise error from exc

    def commit(self):
        # Never through cursor(): a COMMIT sent on a new connection would commit nothing
        # and say nothing.
        if self.is_closed() or self._found_dead():  # known before: nothing committed
            error = ConnectionLostError(self.server, "the server closed the connection")
            if not self.is_closed() and not self.in_transaction():
                self._drop()
            raise error
        try:
            with peewee.__exception_wrapper__:
                self._state.conn.cursor().execute("COMMIT")
        except peewee.DatabaseError as exc:
            if self._is_loss(exc):
                raise self._lost(exc, committing=True) from exc
            raise

    def rollback(self):
        if self.is_closed() or self._conn_dead():
            return  # the server ended the session, and its transaction with it
        try:
            with peewee.__exception_wrapper__:
                self._state.conn.cursor().execute("ROLLBACK")
        except peewee.DatabaseError as exc:
            if not self._is_loss(exc):
                raise
