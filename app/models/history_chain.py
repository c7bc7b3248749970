"""The history's hash chain: each row's hash covers its content and the previous row's hash,
so a row altered, removed or moved outside the application breaks the chain from there on.

The hash is computed over the values as stored (times as UTC text; on PostgreSQL the same
text of its ``TIMESTAMP``), so the check can be made from any SQLite or PostgreSQL client,
without the application's models.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

GENESIS = "0" * 64  # the "previous hash" of the first row
ANONYMISED = "anonymised"  # the action of the row recording an erasure or retention
# The field of such a row; its old value lists the rows it erased values of, with the
# digests of what they hold after it: {"row id": [old value digest, new value digest]}.
ERASED_ROWS = "erased_rows"


def value_digest(value: str | None) -> str | None:
    """SHA-256 of a stored value: what the chain covers in its place."""
    return None if value is None else hashlib.sha256(value.encode("utf-8")).hexdigest()


def row_hash(previous: str, row_id: int, incident_id: int, at: str, user_id: int,
             action: str, field: str | None, old_value: str | None, new_value: str | None,
             old_digest: str | None = None, new_digest: str | None = None) -> str:
    """SHA-256 over the previous row's hash and this row's canonical JSON.

    The values enter by their digests, so that a value erased for data protection (replaced
    in the row, its original digest kept in ``old_digest`` or ``new_digest``) still links
    the chain without the erased text.
    """
    canonical = json.dumps([row_id, incident_id, str(at), user_id, action, field,
                            old_digest or value_digest(old_value),
                            new_digest or value_digest(new_value)],
                           ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((previous + canonical).encode("utf-8")).hexdigest()


def rechain(db, batch: int = 20_000) -> tuple[int, str]:
    """Compute every history row's hash again, in id order, through the peewee database
    ``db`` (for migrations that change what the chain covers); returns the last row's id
    and hash. The caller moves the append-only trigger out of the way and back."""
    last_id, last_hash = 0, GENESIS
    while True:
        rows = db.execute_sql(
            "SELECT id, incident_id, at, user_id, action, field, old_value, new_value, "
            f"old_digest, new_digest FROM history WHERE id > {int(last_id)} ORDER BY id "
            f"LIMIT {int(batch)}").fetchall()
        if not rows:
            return last_id, last_hash
        updates = []
        for row in rows:
            last_hash = row_hash(last_hash, *row)
            last_id = row[0]
            updates.append((last_hash, last_id))
        db.cursor().executemany(
            f"UPDATE history SET hash = {db.param} WHERE id = {db.param}", updates)


@dataclass(frozen=True)
class VerifyResult:
    """What ``verify`` found: problems in words (empty when all is well) and the rows read."""

    problems: list[str]
    rows: int

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_file(target: Path | str) -> VerifyResult:
    """Check the database's integrity and its history chain, reading it only: a SQLite file
    (a path or ``sqlite:///path``) or a PostgreSQL database (its URL; the server keeps its
    own files whole, so only the chain is checked there).

    Names the first history row that was altered, and rows removed in the middle or at the
    end of the chain.
    """
    from app.models.db import DatabaseOpenError, PostgresTarget, parse_target

    try:
        parsed = parse_target(target)
    except DatabaseOpenError as exc:
        return VerifyResult([str(exc)], 0)
    if isinstance(parsed, PostgresTarget):
        return _verify_postgres(parsed)
    path = parsed
    if not path.is_file():
        return VerifyResult([f"{path} does not exist."], 0)
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return VerifyResult([f"{path} cannot be opened: {exc}."], 0)
    try:
        return _verify(_Source(
            lambda sql, params: conn.execute(sql, params).fetchone(),
            lambda: conn.execute(HISTORY_ROWS),
            [row[0] for row in conn.execute("PRAGMA integrity_check")],
            {row[0] for row in conn.execute("SELECT name FROM sqlite_master")},
            {row[1] for row in conn.execute("PRAGMA table_info(history)")}))
    except sqlite3.DatabaseError as exc:
        return VerifyResult([f"{path} cannot be read as a database: {exc}."], 0)
    finally:
        conn.close()


HISTORY_ROWS = ("SELECT id, incident_id, at, user_id, action, field, old_value, new_value, "
                "old_digest, new_digest, hash FROM history ORDER BY id")


@dataclass(frozen=True)
class _Source:
    """What the check reads, from either engine."""

    one: Callable[[str, tuple], tuple | None]  # a query's first row (``?`` placeholders)
    history: Callable[[], Iterable[tuple]]  # HISTORY_ROWS, times as the hash covers them
    integrity: list[str]  # ["ok"] when the engine finds its storage whole
    tables: set[str]
    history_columns: set[str]


def _verify_postgres(target) -> VerifyResult:
    """The chain of a PostgreSQL database, read in one read-only snapshot (rows appended
    meanwhile by others are not seen, the head read with the rows)."""
    import psycopg

    from app.models.db import DatabaseOpenError, _connect_postgres

    try:
        db = _connect_postgres(target)
    except DatabaseOpenError as exc:
        return VerifyResult([str(exc)], 0)
    try:
        conn = db.connection()
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

        def history() -> Iterator[tuple]:
            with conn.cursor(name="history_chain_verify") as cursor:
                cursor.execute(HISTORY_ROWS)
                for row in cursor:  # fetched in batches, not all at once
                    yield (*row[:2], _stored_time(row[2]), *row[3:])

        def one(sql: str, params: tuple) -> tuple | None:
            return conn.execute(sql.replace("?", "%s"), params).fetchone()

        tables = {row[0] for row in conn.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema()")}
        columns = {row[0] for row in conn.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = 'history'")}
        return _verify(_Source(one, history, ["ok"], tables, columns))
    except psycopg.Error as exc:
        return VerifyResult([f"{target} cannot be read: {exc}."], 0)
    finally:
        db.close()


def _stored_time(value) -> str:
    """A ``TIMESTAMP`` as the UTC text the hash covers (``2026-11-24 14:05:00``), the text
    SQLite stores."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
    return value


def _where(source: _Source, row: tuple) -> str:
    """``history row 5 (incident INC-2026-000002, 2026-11-24 12:00:00 UTC)``; the reference
    is looked up only for the row a problem names."""
    found = source.one("SELECT reference FROM incident WHERE id = ?", (row[1],))
    return f"history row {row[0]} (incident {found[0] if found else row[1]}, {row[2]} UTC)"


def _check_erasure(source: _Source, record: tuple, erased: dict[int, tuple]
                   ) -> str | None:
    """An erasure record: each row it lists must hold what it held just after the erasure
    (the record is in the chain; the erased rows' own hashes cover what was erased). The
    rows it accounts for are taken out of ``erased``."""
    try:
        listed = json.loads(record[6] or "{}")
        listed = {int(row_id): digests for row_id, digests in listed.items()}
    except (ValueError, TypeError, AttributeError):
        return f"The erasure record {_where(source, record)} cannot be read."
    for row_id, digests in listed.items():
        row = erased.pop(row_id, None)
        if row is None or row[1] != record[1] or [value_digest(row[6]),
                                                   value_digest(row[7])] != digests:
            target = row or (row_id, record[1], record[2])
            return (f"The {_where(source, target)} was changed after its personal data was "
                    "erased (outside Incident Desk).")
    return None


def _verify(source: _Source) -> VerifyResult:
    integrity = source.integrity
    problems = [] if integrity == ["ok"] else [f"Integrity check: {p}" for p in integrity[:5]]
    if "history_chain" not in source.tables or "old_digest" not in source.history_columns:
        return VerifyResult([*problems, "This database's history chain is of an older "
                                        "version: open it once with this version of "
                                        "Incident Desk."], 0)
    expected_id, previous, count = 1, GENESIS, 0
    erased: dict[int, tuple] = {}  # row id -> the row, for rows with erased values
    for row in source.history():
        count += 1
        row_id, stored = row[0], row[10]
        if row_id != expected_id:
            gap = (f"row {expected_id}" if row_id == expected_id + 1
                   else f"rows {expected_id} to {row_id - 1}")
            problems.append(f"History {gap} removed: the chain jumps to "
                            f"{_where(source, row)}.")
            break
        if row_hash(previous, *row[:10]) != stored:
            problems.append(f"The {_where(source, row)} was altered outside Incident Desk "
                            "(or a row before it was).")
            break
        if row[8] is not None or row[9] is not None:
            erased[row_id] = row
        if row[4] == ANONYMISED and row[5] == ERASED_ROWS:
            problem = _check_erasure(source, row, erased)
            if problem:
                problems.append(problem)
                break
        previous, expected_id = stored, row_id + 1
    else:
        head = source.one("SELECT last_id, last_hash FROM history_chain WHERE id = ?", (1,))
        if head is None:
            problems.append("The history chain's head is missing.")
        elif (head[0], head[1]) != (expected_id - 1, previous):
            problems.append(f"The last history rows were removed: the chain ends at row "
                            f"{expected_id - 1} but was last extended with row {head[0]}.")
        if erased:
            row = erased[min(erased)]
            problems.append(f"Values of the {_where(source, row)} were erased without an "
                            "erasure being recorded after them.")
    return VerifyResult(problems, count)
