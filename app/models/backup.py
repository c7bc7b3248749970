"""Backups of the SQLite database through SQLite's online backup API, checked after writing.

A live database is never copied as a file: the backup API copies a consistent snapshot
even while the application is writing. Each backup is written beside its final name,
checked with ``PRAGMA integrity_check``, and only then given that name, so a file called
a backup is always a whole, good one. Nothing here overwrites an existing file.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from app.models.clock import now_utc, to_local
from app.models.db import (
    DatabaseOpenError,
    _inspect,
    check_database_file,
    close_database,
    database,
    is_server,
    open_database,
)
from app.models.dialect import put_setting
from app.models.entities import ConfigChange, Setting, User
from app.models.permissions import Permission, Role, check_permission
from app.models.service_levels import ConfigEntry, config_history
from app.models.users import ensure_user

BACKUP_SUFFIX = ".sqlite"
STAMP = "%Y%m%d-%H%M%S"
STAMP_LENGTH = len("20261124-101500")


class BackupError(Exception):
    """A backup or restore that could not be done; the message names the file and why."""


def _connect_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)


def integrity_problems(path: Path) -> list[str]:
    """What ``PRAGMA integrity_check`` finds wrong with the file (empty when it is sound)."""
    try:
        conn = _connect_read_only(path)
        try:
            rows = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def _check_ours(path: Path, what: str) -> None:
    if not path.is_file():
        raise BackupError(f"{what} {path} does not exist.")
    try:
        check_database_file(path)
        _inspect(path)
    except DatabaseOpenError as exc:
        raise BackupError(str(exc)) from exc


def _sync(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _copy(source: Path, target: Path) -> None:
    """Copy ``source`` into the new file ``target`` with the backup API, then check it."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        src = _connect_read_only(source)
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            # a backup is one self-contained file: no write-ahead log beside it
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
            src.close()
        problems = integrity_problems(partial)
        if problems:
            raise BackupError(f"The backup of {source} failed its integrity check: "
                              f"{problems[0]}. No backup was kept.")
        _sync(partial)
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise BackupError(f"Cannot back up {source} to {target}: {exc}.") from exc
    finally:
        partial.unlink(missing_ok=True)


def backup_database(source: Path, out: Path) -> Path:
    """Write a checked backup of the database ``source`` to the new file ``out``.

    Raises:
        BackupError: ``source`` is not a sound Incident Desk database, or ``out`` exists
            or cannot be written. Nothing is left at ``out`` then.
    """
    source, out = Path(source).absolute(), Path(out).absolute()
    _check_ours(source, "The database")
    if out.exists():
        raise BackupError(f"{out} already exists: a backup never overwrites a file. "
                          "Choose another name.")
    if not out.parent.is_dir():
        raise BackupError(f"Cannot write {out}: the folder {out.parent} does not exist.")
    _copy(source, out)
    return out


def aside_path(path: Path, now: datetime | None = None) -> Path:
    """Where a database replaced by a restore is kept: ``name.replaced-20261124-101500.sqlite``."""
    stamp = to_local(now or now_utc()).strftime(STAMP)
    candidate = path.with_name(f"{path.stem}.replaced-{stamp}{path.suffix}")
    number = 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}.replaced-{stamp}-{number}{path.suffix}")
    return candidate


def check_backup(source: Path) -> None:
    """Refuse a backup that cannot be restored: missing, not ours, too new, or damaged.

    Raises:
        BackupError: naming the file and why.
    """
    source = Path(source).absolute()
    _check_ours(source, "The backup")
    problems = integrity_problems(source)
    if problems:
        raise BackupError(f"The backup {source} is damaged ({problems[0]}); it cannot be "
                          "restored.")


JOURNALS = ("-wal", "-shm")


def _move_with_journals(source: Path, target: Path) -> None:
    """Rename a database file and its journal files together (the log may hold commits)."""
    for suffix in JOURNALS:
        journal = source.with_name(source.name + suffix)
        if journal.exists():
            os.replace(journal, target.with_name(target.name + suffix))
    os.replace(source, target)


def _set_aside(db_path: Path, now: datetime | None) -> Path | None:
    """Move the database about to be replaced aside, whole, with its journal files: it is
    renamed, never written to, whether it is sound, damaged or another application's."""
    if not db_path.exists():
        return None
    aside = aside_path(db_path, now)
    try:
        _move_with_journals(db_path, aside)
    except OSError as exc:
        raise BackupError(f"Cannot move {db_path} aside: {exc.strerror}. Nothing was "
                          "restored.") from exc
    return aside


def _prepare(source: Path, db_path: Path) -> Path:
    """The backup copied, checked, beside the database, ready to be renamed into place."""
    temporary = db_path.with_name(db_path.name + ".restoring")
    _copy(source, temporary)
    return temporary


def _swap_in(temporary: Path, db_path: Path, aside: Path | None) -> None:
    """Rename the prepared copy into place; if that fails, the original goes back."""
    try:
        os.replace(temporary, db_path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        if aside is not None:
            _move_with_journals(aside, db_path)
        raise BackupError(f"Cannot put the restored database in place: {exc.strerror}. "
                          "The database is as it was.") from exc


def restore_database(db_path: Path, source: Path, now: datetime | None = None) -> Path | None:
    """Replace the database at ``db_path`` with the backup ``source``.

    The backup is copied and checked beside the database first; only then is the database
    moved aside, whole (its path is returned; None when there was none), and the copy
    renamed into its place. The database replaced is never written to. The backup must be
    a sound Incident Desk database no newer than this version; it is upgraded when the
    application next opens it.

    Raises:
        BackupError: the backup is not usable, or the database cannot be replaced; the
            database is then as it was.
    """
    db_path, source = Path(db_path).absolute(), Path(source).absolute()
    check_backup(source)
    if db_path == source:
        raise BackupError("The backup and the database are the same file.")
    temporary = _prepare(source, db_path)
    try:
        aside = _set_aside(db_path, now)
    except BackupError:
        temporary.unlink(missing_ok=True)
        raise
    _swap_in(temporary, db_path, aside)
    return aside


# --- restoring over the database the application has open ----------------------------------
@dataclass(frozen=True)
class Restored:
    """What a restore from within the application did."""

    aside: Path | None  # where the database replaced is kept
    user: User  # who restored it, as the restored database knows them


def restore_open_database(db_path: Path, source: Path, by: User,
                          now: datetime | None = None) -> Restored:
    """Replace the database the application has open with the backup ``source``, and
    open the restored one in its place.

    The backup is checked before anything is closed. The connection is then closed, which
    checkpoints the write-ahead log into the file, so the copy kept aside is whole and no
    log is left beside the file to be replayed over the restored one. If the restore or
    the opening of the restored database fails, the database is put back as it was and
    opened again (the copy kept aside stays).

    Raises:
        RolePermissionError: ``by`` may not restore backups; nothing was done.
        BackupError: the backup was refused (nothing was closed or changed), or the
            restore failed and the database is back as it was, open.
    """
    check_permission(by, Permission.MANAGE_BACKUPS)
    db_path, source = Path(db_path).absolute(), Path(source).absolute()
    check_backup(source)
    if db_path == source:
        raise BackupError("The backup and the database are the same file.")
    username, display_name, role = by.username, by.display_name, Role(by.role)
    temporary = _prepare(source, db_path)  # before anything is closed
    close_database()
    try:
        aside = _set_aside(db_path, now)
    except BackupError as exc:
        temporary.unlink(missing_ok=True)
        _reopen(db_path, f"{exc} Nothing was restored")
        raise
    try:
        _swap_in(temporary, db_path, aside)
        open_database(db_path)
    except (BackupError, DatabaseOpenError) as exc:
        _put_back(db_path, aside, exc)
        raise BackupError(f"The backup {source} could not be restored: {exc} The database "
                          "is back as it was before, and open.") from exc
    # A backup from before this user's first day does not know them: they are added with
    # the role they restored it with, so that they can undo the restore.
    return Restored(aside, ensure_user(username, display_name, role))


def _reopen(db_path: Path, why: str) -> None:
    try:
        open_database(db_path)
    except DatabaseOpenError as exc:
        raise BackupError(f"{why}, and the database could not be opened again ({exc}). "
                          "Start Incident Desk again.") from exc


def _put_back(db_path: Path, aside: Path | None, why: Exception) -> None:
    """After a failed restore: the database moved aside back in its place, and open."""
    close_database()
    if aside is not None and aside.exists():
        try:
            for suffix in ("", *JOURNALS):  # the failed restore, and any log it made
                db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
            _move_with_journals(aside, db_path)
        except OSError as exc:
            raise BackupError(f"The restore failed ({why}), and the database could not be "
                              f"put back ({exc.strerror}). It is kept at {aside}; restore "
                              "it from there.") from exc
    _reopen(db_path, f"The restore failed ({why})")


# --- automatic, rotating backups ------------------------------------------------------------
DEFAULT_KEEP_DAYS = 14
MIN_KEEP_DAYS, MAX_KEEP_DAYS = 1, 365
KEEP_DAYS_SETTING = "backup.keep_days"
BACKUPS_AREA = "backups"  # the area of their changes in the settings' history


def backup_folder(db_path: Path) -> Path:
    """Automatic backups live in ``backups`` beside the database."""
    return Path(db_path).absolute().parent / "backups"


def taken_at(backup: Path) -> datetime | None:
    """The local time an automatic backup was taken, from the end of its name."""
    try:
        return datetime.strptime(backup.stem[-STAMP_LENGTH:], STAMP)
    except ValueError:
        return None


def automatic_backups(db_path: Path) -> list[tuple[datetime, Path]]:
    """The automatic backups of ``db_path`` with their local times, newest first (none
    for a PostgreSQL database: the server's administrator backs it up)."""
    if is_server(db_path):
        return []
    db_path = Path(db_path).absolute()
    folder = backup_folder(db_path)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"{db_path.stem}-*{BACKUP_SUFFIX}"):
        stamp = taken_at(path)
        # only this database's: "incidents-2" has backups of its own
        if stamp is not None and len(path.stem) == len(db_path.stem) + 1 + STAMP_LENGTH:
            found.append((stamp, path))
    return sorted(found, reverse=True)


def latest_good_backup(db_path: Path) -> Path | None:
    """The newest automatic backup that passes its integrity check."""
    for _, path in automatic_backups(db_path):
        if not integrity_problems(path):
            return path
    return None


def keep_days() -> int:
    """How many days automatic backups are kept (an organisation setting)."""
    setting = Setting.get_or_none(Setting.key == KEEP_DAYS_SETTING)
    try:
        return max(1, int(setting.value)) if setting else DEFAULT_KEEP_DAYS
    except ValueError:
        return DEFAULT_KEEP_DAYS


class KeepDaysError(ValueError):
    """A number of days to keep backups that cannot be saved; the message says why."""


def set_keep_days(days: int, by: User, now: datetime | None = None) -> str | None:
    """Keep automatic backups for ``days`` days from now on; return the change recorded
    in the settings' history (None when ``days`` is what it was already).

    Raises:
        RolePermissionError: ``by`` may not manage backups.
        KeepDaysError: ``days`` is not a whole number from 1 to 365; nothing was written.
    """
    check_permission(by, Permission.MANAGE_BACKUPS)
    if isinstance(days, bool) or not isinstance(days, int) or not (
            MIN_KEEP_DAYS <= days <= MAX_KEEP_DAYS):
        raise KeepDaysError(f"Backups are kept for a whole number of days from "
                            f"{MIN_KEEP_DAYS} to {MAX_KEEP_DAYS}, not {days}.")
    with database.atomic():
        before = keep_days()
        if before == days:
            return None
        put_setting(KEEP_DAYS_SETTING, str(days))
        summary = f"Keep backups: {before} days -> {days} days"
        ConfigChange.create(at=now or now_utc(), user=by, area=BACKUPS_AREA, summary=summary)
    return summary


def keep_days_changes(limit: int = 50) -> list[ConfigEntry]:
    """The latest changes to how long backups are kept, newest first."""
    return config_history((BACKUPS_AREA,), limit)


def backup_now(db_path: Path, now: datetime | None = None) -> Path:
    """Write a checked backup to the backups folder, named as the automatic ones are, so it
    is listed with them and removed with them once older than the days kept.

    Raises:
        BackupError: the folder or the backup could not be written.
    """
    db_path = Path(db_path).absolute()
    local_now = to_local(now or now_utc()).replace(tzinfo=None)
    folder = backup_folder(db_path)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise BackupError(f"Cannot create the backup folder {folder}: "
                          f"{exc.strerror}.") from exc
    out = folder / f"{db_path.stem}-{local_now.strftime(STAMP)}{BACKUP_SUFFIX}"
    if out.exists():
        raise BackupError(f"A backup was taken at {local_now:%H:%M:%S} already ({out}); "
                          "try again in a second.")
    return backup_database(db_path, out)


def automatic_backup(db_path: Path, days: int, now: datetime | None = None
                     ) -> tuple[Path | None, list[Path]]:
    """Take today's backup if there is none yet, and remove those older than ``days``.

    The newest good backup is never removed, however old. Returns the backup written (or
    None) and the backups removed.

    Raises:
        BackupError: the backup could not be written (older ones are then all kept).
    """
    if is_server(db_path):  # its administrator backs a server's database up (pg_dump)
        return None, []
    db_path = Path(db_path).absolute()
    now = now or now_utc()
    local_now = to_local(now).replace(tzinfo=None)
    existing = automatic_backups(db_path)
    written = None
    if not existing or existing[0][0].date() < local_now.date():
        written = backup_now(db_path, now)
        existing = automatic_backups(db_path)
    removed = []
    cutoff = local_now - timedelta(days=days)
    for stamp, path in existing[1:]:
        if stamp < cutoff:
            path.unlink()
            removed.append(path)
    return written, removed
