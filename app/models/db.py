"""The one place that opens the database: a deferred peewee database and the base model."""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import peewee
import platformdirs

from app import APP_NAME, ORGANISATION
from app.models.clock import to_utc

database = peewee.DatabaseProxy()
log = logging.getLogger(__name__)

# "INCD": stamped in the SQLite header so a file can be told apart from other SQLite files.
APPLICATION_ID = 0x494E4344
SQLITE_MAGIC = b"SQLite format 3\x00"

# Chosen for records that are evidence:
# - journal_mode=wal: a commit is one append to the write-ahead log, readers never block
#   the advisor who is saving, and a crash mid-write leaves the last commit intact.
# - synchronous=full: in WAL mode "normal" may lose the last commits on a power cut (the
#   log is not synced at each commit); "full" syncs it, so a committed incident survives.
# - foreign_keys=on: SQLite leaves them off unless asked, per connection.
# - busy_timeout: wait for another writer (a second window, a backup) instead of failing.
# - secure_delete: freed space is overwritten, so personal data erased or anonymised does
#   not linger in free pages of the file (off by default in most SQLite builds).
PRAGMAS = (
    ("journal_mode", "wal"),
    ("synchronous", "full"),
    ("foreign_keys", 1),
    ("secure_delete", 1),
    ("busy_timeout", 5000),
    ("cache_size", -65536),
    ("temp_store", "memory"),
)


class DatabaseOpenError(Exception):
    """The database cannot be opened; the message names the file and says why.

    ``replaceable`` is true when the file is damaged or not ours, so restoring a backup in
    its place (keeping it aside) is the way out; false when the file is sound but cannot be
    used here (a newer version's, a read-only one) or the path is wrong.

    ``needs_password`` is true when a PostgreSQL server asked for a password and none was
    had (no ``PGPASSWORD``, none in the keyring) or it refused the one given: asking the
    user for it and trying again is the way out.
    """

    def __init__(self, message: str, replaceable: bool = False, needs_password: bool = False):
        super().__init__(message)
        self.replaceable = replaceable
        self.needs_password = needs_password


class ConnectionLostError(peewee.OperationalError):
    """The connection to the PostgreSQL server was lost (or cannot be made again).

    A :class:`peewee.OperationalError`, so code that already copes with a database it
    cannot use for a moment (busy, locked) copes with this too.

    Attributes:
        server: ``host:port`` of the server.
        outcome_unknown: the loss came while a COMMIT was on its way: the server may have
            saved the transaction or not (look before saving again).
    """

    def __init__(self, server: str, reason: str, outcome_unknown: bool = False):
        self.server = server
        self.reason = reason
        self.outcome_unknown = outcome_unknown
        what = ("while a transaction was being committed: it may or may not have been "
                "saved" if outcome_unknown else "what was being written was not saved")
        super().__init__(
            f"Lost the connection to the PostgreSQL server at {server} ({reason}); {what}. "
            "Incident Desk connects again at the next action once the server is back.")


# How long to wait for a PostgreSQL server before saying it cannot be reached.
CONNECT_TIMEOUT_SECONDS = 10
# A connection the network drops without a word (a firewall's idle timeout, a cable, a VPN)
# is found within about a minute (30 s idle, then 3 probes 10 s apart) by TCP keepalives,
# instead of a statement hanging until the system's TCP timeout (hours); the URL's own
# options (?keepalives_idle=...) win.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10,
              "keepalives_count": 3}
_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+)://")
POSTGRES_SCHEMES = ("postgresql", "postgres")


@dataclass(frozen=True)
class PostgresTarget:
    """A PostgreSQL database named by a ``postgresql://user@host:port/dbname`` URL."""

    dbname: str
    user: str | None = None
    host: str | None = None
    port: int | None = None
    options: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        """The URL as the user can be shown it (it never holds a password)."""
        user = f"{self.user}@" if self.user else ""
        port = f":{self.port}" if self.port else ""
        return f"postgresql://{user}{self.host or ''}{port}/{self.dbname}"

    @property
    def server(self) -> str:
        return f"{self.host or 'localhost'}:{self.port or 5432}"

    @property
    def name(self) -> str:
        """A short name for window titles, as a file's name is: ``incidents on db1``."""
        return f"{self.dbname} on {self.host or 'localhost'}"


def parse_target(target: Path | str | PostgresTarget) -> Path | PostgresTarget:
    """What ``--db`` names: a SQLite file (a path or ``sqlite:///path``) or a PostgreSQL
    database (``postgresql://user@host:port/dbname``).

    Raises:
        DatabaseOpenError: a URL of another scheme, a PostgreSQL URL without a database
            name or with a password in it.
    """
    if isinstance(target, PostgresTarget):
        return target
    if isinstance(target, Path):
        return target.expanduser().absolute()
    match = _URL_SCHEME.match(target)
    if match is None:
        return Path(target).expanduser().absolute()
    scheme = match.group(1).lower()
    if scheme == "sqlite":
        path = unquote(target[len(match.group(0)):])
        if re.match(r"^/[A-Za-z]:[/\\]", path):  # sqlite:///C:/... on Windows
            path = path[1:]
        if not path:
            raise DatabaseOpenError(f"{target} names no file: write sqlite:///path/to/file.")
        return Path(path).expanduser().absolute()
    if scheme not in POSTGRES_SCHEMES:
        raise DatabaseOpenError(
            f"{target} is not a database Incident Desk can open: give a file path, "
            "sqlite:///path or postgresql://user@host:port/dbname.")
    parts = urlsplit(target)
    if parts.password is not None:
        raise DatabaseOpenError(
            "The database URL holds a password: leave it out and set PGPASSWORD instead "
            "(a URL is seen in process lists and shell history).")
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname:
        raise DatabaseOpenError(
            f"{target} names no database: write postgresql://user@host:port/dbname.")
    try:
        port = parts.port
    except ValueError as exc:
        raise DatabaseOpenError(f"{target} has a port that is not a number.") from exc
    options = dict(parse_qsl(parts.query))
    if "password" in options:
        raise DatabaseOpenError(
            "The database URL holds a password: leave it out and set PGPASSWORD instead.")
    return PostgresTarget(dbname=dbname, user=unquote(parts.username) if parts.username
                          else None, host=parts.hostname, port=port, options=options)


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False


class UtcDateTimeField(peewee.DateTimeField):
    """An aware datetime stored as UTC text (``2026-11-24 14:05:00``), sortable as text.

    Naive datetimes are refused: a time whose zone is unknown is a bug, not a guess.
    """

    def db_value(self, value):
        if value is None or not isinstance(value, datetime):
            return value
        return to_utc(value).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")

    def python_value(self, value):
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return datetime.fromisoformat(value).replace(tzinfo=UTC)


def default_database_path() -> Path:
    """The database in the user's data folder (``%LOCALAPPDATA%`` on Windows)."""
    folder = platformdirs.user_data_path(APP_NAME, ORGANISATION, roaming=False)
    return folder / "incident-desk.sqlite"


def check_database_file(path: Path, create_folder: bool = False) -> None:
    """Refuse, with a message, a path that is not (and cannot become) our database.

    Checked before SQLite touches the file, so a foreign file is never written to.
    """
    if path.is_dir():
        raise DatabaseOpenError(f"{path} is a folder, not a database file.")
    folder = path.parent
    if not folder.exists():
        if not create_folder:
            raise DatabaseOpenError(f"Cannot create {path}: the folder {folder} does not exist.")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseOpenError(f"Cannot create the folder {folder}: {exc.strerror}.") from exc
    if path.exists() and path.stat().st_size > 0:
        try:
            with path.open("rb") as handle:
                header = handle.read(len(SQLITE_MAGIC))
        except OSError as exc:
            raise DatabaseOpenError(f"Cannot read {path}: {exc.strerror}.") from exc
        if header != SQLITE_MAGIC:
            raise DatabaseOpenError(
                f"{path} is not an Incident Desk database (it is not a SQLite file). "
                "It has not been changed.", replaceable=True)
        if not os.access(path, os.W_OK):
            raise DatabaseOpenError(f"{path} is read-only: Incident Desk needs to write to it.")
    if not os.access(folder, os.W_OK):
        raise DatabaseOpenError(
            f"The folder {folder} is read-only: Incident Desk keeps its journal beside the "
            "database and needs to write there."
        )


def _inspect(path: Path) -> set[str] | None:
    """Look at an existing file read-only; refuse it if it is not ours or is too new;
    return the migrations applied to it (None for a new or empty file).

    Done through a read-only connection, before any pragma is set, because setting the
    journal mode writes to the file: a foreign file must be left exactly as it was.
    """
    from app.models.schema import MIGRATION_TABLE

    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            applied = set()
            if MIGRATION_TABLE in tables:
                applied = {row[0] for row in conn.execute(
                    f"SELECT name FROM {MIGRATION_TABLE}")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseOpenError(
            f"{path} cannot be read as a database ({exc}): it may be damaged. "
            "It has not been changed.", replaceable=True) from exc
    if app_id != APPLICATION_ID and (app_id != 0 or tables):
        raise DatabaseOpenError(
            f"{path} is a SQLite database of another application, not of Incident Desk. "
            "It has not been changed.", replaceable=True)
    _refuse_newer(str(path), "file", applied)
    return applied


def _refuse_newer(name: str, what: str, applied: set[str]) -> None:
    """Refuse a database with migrations this version does not know (a newer version's)."""
    from app.models.schema import known_migrations

    unknown = sorted(applied - set(known_migrations()))
    if unknown:
        raise DatabaseOpenError(
            f"{name} was made by a newer version of Incident Desk (it has schema changes "
            f"this version does not know: {', '.join(unknown)}). Install the newer version "
            f"to open it; the {what} has not been changed."
        )


def pending_upgrades(path: Path | str) -> list[str]:
    """The migrations an existing database at ``path`` still lacks (read-only; empty for a
    new, damaged or foreign file, or without the migration scripts: opening deals with
    those)."""
    from app.models.schema import MIGRATION_TABLE, known_migrations

    try:
        path = parse_target(path)
    except DatabaseOpenError:  # opening says why
        return []
    if isinstance(path, PostgresTarget) or not path.is_file() or path.stat().st_size == 0:
        return []  # PostgreSQL: upgraded on opening, no backup is offered first
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            applied = {row[0] for row in conn.execute(f"SELECT name FROM {MIGRATION_TABLE}")}
        finally:
            conn.close()
        known = known_migrations()
    except (sqlite3.Error, DatabaseOpenError):  # opening says why
        return []
    return [name for name in known if name not in applied]


def open_database(target: Path | str | PostgresTarget, create_folder: bool = False,
                  password: str | None = None,
                  remember_password: bool = False) -> peewee.Database:
    """Open (creating or upgrading as needed) the database ``target`` names and bind the
    models: a SQLite file (a path or ``sqlite:///path``) or a PostgreSQL database
    (``postgresql://user@host:port/dbname``).

    Args:
        password: a PostgreSQL password the user typed; without it, ``PGPASSWORD`` or the
            one stored in the keyring for the URL (:mod:`app.models.db_password`).
        remember_password: store ``password`` in the keyring once the server accepted it
            (a keyring that refuses is logged, and the database opens all the same).

    Raises:
        DatabaseOpenError: the file is not ours, is damaged, is from a newer version, or
            cannot be written; the URL is of another kind; the server cannot be reached or
            asks for a password it was not given or refuses it (``needs_password``); or
            the installation lacks its migration scripts. A refused file or database is
            left as it was.
    """
    from app.models.schema import migrations_folder, upgrade

    parsed = target if isinstance(target, PostgresTarget) else parse_target(target)
    migrations_folder()  # an incomplete installation says so before a file or folder is made
    if isinstance(parsed, PostgresTarget):
        db = _open_postgres(parsed, password, remember_password)
    else:
        db = _open_sqlite(parsed, create_folder, upgrade)
    database.initialize(db)
    from app.models.escalation import backfill_escalation_due

    backfill_escalation_due()  # once, after the upgrade to schema 8
    return db


def _open_sqlite(path: Path, create_folder: bool, upgrade) -> peewee.SqliteDatabase:
    from app.models.schema import known_migrations

    check_database_file(path, create_folder=create_folder)
    applied = _inspect(path)
    db = peewee.SqliteDatabase(str(path), pragmas=PRAGMAS)
    try:
        db.connect()
        # the runner only when there is something to run: up to date, it would find
        # nothing to do, and importing it imports psycopg (app.models.schema)
        if applied is None or set(known_migrations()) - applied:
            upgrade(db)
        if db.pragma("application_id") != APPLICATION_ID:
            db.pragma("application_id", APPLICATION_ID)
    except (peewee.DatabaseError, sqlite3.DatabaseError) as exc:
        db.close()
        raise DatabaseOpenError(f"Cannot open {path}: {exc}.", replaceable=True) from exc
    return db


def _connect_postgres(target: PostgresTarget, password: str | None = None
                      ) -> peewee.PostgresqlDatabase:
    """A connection to ``target`` (not bound to the models), with the password typed, from
    ``PGPASSWORD`` or from the keyring.

    Raises:
        DatabaseOpenError: the server cannot be reached, or asks for a password it was not
            given or refuses the one given (``needs_password``).
    """
    from app.models.db_password import find_password
    from app.models.pg_database import PostgresDatabase

    found = find_password(target, password)
    params: dict[str, object] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS,
                                 "application_name": APP_NAME, **KEEPALIVES,
                                 **target.options}
    params.update(user=target.user, host=target.host, port=target.port,
                  password=found.password)
    params = {key: value for key, value in params.items() if value is not None}
    db = PostgresDatabase(target.dbname, prefer_psycopg3=True, **params)
    try:
        db.connect()
    except peewee.DatabaseError as exc:
        message, needs_password = _connection_problem(target, exc, found.described())
        raise DatabaseOpenError(message, needs_password=needs_password) from exc
    return db


def _open_postgres(target: PostgresTarget, password: str | None,
                   remember_password: bool) -> peewee.PostgresqlDatabase:
    """Connect, keep a typed password that worked when asked to, refuse a database that
    is not ours or is newer, and upgrade it."""
    from app.models.schema import upgrade

    db = _connect_postgres(target, password)
    if password and remember_password:
        _remember(target, password)
    try:
        _inspect_postgres(db, target)
        upgrade(db)
    except DatabaseOpenError:
        db.close()
        raise
    except peewee.DatabaseError as exc:
        db.close()
        raise DatabaseOpenError(f"Cannot open {target}: {exc}.") from exc
    return db


def _remember(target: PostgresTarget, password: str) -> None:
    from app.models.db_password import store_password
    from app.models.secrets import KeyringUnavailableError

    try:
        store_password(target, password)
    except KeyringUnavailableError as exc:  # it is asked for again at the next start
        log.warning("The password for %s was not stored: %s", target, exc)


def _connection_problem(target: PostgresTarget, exc: Exception,
                        source: str = "") -> tuple[str, bool]:
    """Why a connection to ``target`` failed, in words a user can act on, and whether a
    (new) password is what it needs.

    Args:
        source: where the password tried came from ("from PGPASSWORD"), empty for none.
    """
    cause = exc.__cause__ or exc.__context__ or exc
    text = str(cause).strip()
    first_line = text.splitlines()[0] if text else type(cause).__name__
    reason = first_line.rsplit("failed: ", 1)[-1].removeprefix("FATAL:").strip()
    user = target.user or "(default)"
    if getattr(cause, "sqlstate", None) == "28P01" or "password authentication failed" in text:
        which = f" (the one {source})" if source else ""
        return (f"The PostgreSQL server at {target.server} refused the password of the user "
                f"{user}{which}: it is wrong, or has been changed.", True)
    if "no password supplied" in text:
        return (f"The PostgreSQL server at {target.server} asks for a password for the user "
                f"{user} and none was given (PGPASSWORD is not set and this computer's "
                "keyring holds none for this database).", True)
    if f'database "{target.dbname}" does not exist' in text:
        return (f"There is no database {target.dbname} on the PostgreSQL server at "
                f"{target.server}: its administrator creates it (Incident Desk then makes "
                "its tables).", False)
    if f'role "{user}" does not exist' in text:
        return f"The PostgreSQL server at {target.server} has no user {user}.", False
    return (f"Cannot reach the PostgreSQL server at {target.server} ({reason}). Check that "
            "it is running and that this workstation may connect to it.", False)


def _inspect_postgres(db: peewee.PostgresqlDatabase, target: PostgresTarget) -> None:
    """Refuse, before any change, a database of another application or a newer version."""
    from app.models.schema import MIGRATION_TABLE

    tables = set(db.get_tables())
    if MIGRATION_TABLE not in tables:
        if tables:
            names = ", ".join(sorted(tables)[:3]) + (", ..." if len(tables) > 3 else "")
            raise DatabaseOpenError(
                f"{target} holds tables of another application ({names}), not of Incident "
                "Desk. It has not been changed.")
        return
    applied = {row[0] for row in db.execute_sql(f"SELECT name FROM {MIGRATION_TABLE}")}
    _refuse_newer(str(target), "database", applied)


def close_database() -> None:
    """Close the open database, if any (checkpointing its write-ahead log)."""
    if database.obj is not None and not database.obj.is_closed():
        database.obj.close()


@dataclass(frozen=True)
class DatabaseProbe:
    """What a test connection found at a database, without opening it for the application.

    ``schema`` is the number of the latest schema change applied (``14`` for
    ``0014_sla_order_index``), None when there is no Incident Desk database there yet (a
    file to be created, an empty PostgreSQL database): Incident Desk makes its tables when
    it opens it. ``pending`` counts the changes this version will apply on opening.
    """

    target: Path | PostgresTarget
    schema: int | None
    pending: int = 0


def schema_number(names: list[str] | set[str]) -> int | None:
    """The number of the latest migration among ``names`` (``0014_x`` is 14)."""
    numbers = [int(name.split("_", 1)[0]) for name in names if name[:4].isdigit()]
    return max(numbers) if numbers else None


def probe_database(target: Path | str | PostgresTarget,
                   password: str | None = None) -> DatabaseProbe:
    """Reach the database ``target`` names and say what is there, changing nothing and
    leaving the application's own database as it is (a PostgreSQL server may take up to
    CONNECT_TIMEOUT_SECONDS to answer: call it off the GUI thread).

    Raises:
        DatabaseOpenError: as opening would (``needs_password`` included), and for a file
            that does not exist in a folder that does not.
    """
    from app.models.schema import MIGRATION_TABLE, known_migrations

    parsed = target if isinstance(target, PostgresTarget) else parse_target(target)
    known = known_migrations()
    if isinstance(parsed, PostgresTarget):
        db = _connect_postgres(parsed, password)
        try:
            _inspect_postgres(db, parsed)
            applied = (set() if MIGRATION_TABLE not in db.get_tables() else
                       {row[0] for row in db.execute_sql(f"SELECT name FROM {MIGRATION_TABLE}")})
        except peewee.DatabaseError as exc:
            raise DatabaseOpenError(f"Cannot read {parsed}: {exc}.") from exc
        finally:
            db.close()
    else:
        check_database_file(parsed)
        _inspect(parsed)
        applied = set()
        if parsed.is_file() and parsed.stat().st_size > 0:
            try:
                conn = sqlite3.connect(f"{parsed.as_uri()}?mode=ro", uri=True)
                try:
                    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?",
                                    (MIGRATION_TABLE,)).fetchone():
                        applied = {row[0] for row in conn.execute(
                            f"SELECT name FROM {MIGRATION_TABLE}")}
                finally:
                    conn.close()
            except sqlite3.DatabaseError as exc:
                raise DatabaseOpenError(f"{parsed} cannot be read as a database ({exc}).",
                                        replaceable=True) from exc
    return DatabaseProbe(parsed, schema_number(applied),
                         len([name for name in known if name not in applied]))


def is_server(target: Path | PostgresTarget | str) -> bool:
    """Whether ``target`` is a PostgreSQL database (shared on a server) rather than a file."""
    return isinstance(target, PostgresTarget) or (
        isinstance(target, str) and isinstance(parse_target(target), PostgresTarget))
