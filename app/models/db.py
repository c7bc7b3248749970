"""The one place that opens the database: a deferred peewee database and the base model."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import peewee
import platformdirs

from app import APP_NAME, ORGANISATION
from app.models.clock import to_utc

database = peewee.DatabaseProxy()

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
    """

    def __init__(self, message: str, replaceable: bool = False):
        super().__init__(message)
        self.replaceable = replaceable


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


def _inspect(path: Path) -> None:
    """Look at an existing file read-only; refuse it if it is not ours or is too new.

    Done through a read-only connection, before any pragma is set, because setting the
    journal mode writes to the file: a foreign file must be left exactly as it was.
    """
    from app.models.schema import MIGRATION_TABLE, known_migrations

    if not path.exists() or path.stat().st_size == 0:
        return
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
    unknown = sorted(applied - set(known_migrations()))
    if unknown:
        raise DatabaseOpenError(
            f"{path} was made by a newer version of Incident Desk (it has schema changes "
            f"this version does not know: {', '.join(unknown)}). Install the newer version "
            "to open it; the file has not been changed."
        )


def pending_upgrades(path: Path | str) -> list[str]:
    """The migrations an existing database at ``path`` still lacks (read-only; empty for a
    new, damaged or foreign file, or without the migration scripts: opening deals with
    those)."""
    from app.models.schema import MIGRATION_TABLE, known_migrations

    path = Path(path).expanduser().absolute()
    if not path.is_file() or path.stat().st_size == 0:
        return []
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


def open_database(path: Path | str, create_folder: bool = False) -> peewee.SqliteDatabase:
    """Open (creating or upgrading as needed) the database at ``path`` and bind the models.

    Raises:
        DatabaseOpenError: the file is not ours, is damaged, is from a newer version, or
            cannot be written, or the installation lacks its migration scripts; a refused
            file is left as it was.
    """
    from app.models.schema import migrations_folder, upgrade

    path = Path(path).expanduser().absolute()
    migrations_folder()  # an incomplete installation says so before a file or folder is made
    check_database_file(path, create_folder=create_folder)
    _inspect(path)
    db = peewee.SqliteDatabase(str(path), pragmas=PRAGMAS)
    try:
        db.connect()
        upgrade(db)
        if db.pragma("application_id") != APPLICATION_ID:
            db.pragma("application_id", APPLICATION_ID)
    except (peewee.DatabaseError, sqlite3.DatabaseError) as exc:
        db.close()
        raise DatabaseOpenError(f"Cannot open {path}: {exc}.", replaceable=True) from exc
    database.initialize(db)
    from app.models.escalation import backfill_escalation_due

    backfill_escalation_due()  # once, after the upgrade to schema 8
    return db


def close_database() -> None:
    """Close the open database, if any (checkpointing its write-ahead log)."""
    if database.obj is not None and not database.obj.is_closed():
        database.obj.close()
