"""Where SQLite and PostgreSQL want different SQL: one small helper per difference, so
model code is written once and the SQLite text stays what it always was."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

import peewee as pw

from app.models.db import database
from app.models.entities import Setting


def on_postgres() -> bool:
    """True when the open database is a PostgreSQL server."""
    return isinstance(database.obj, pw.PostgresqlDatabase)


def seconds_between(start: pw.Node, end: pw.Node) -> pw.Node:
    """The SQL for ``end - start`` in seconds (a float; NULL if either is NULL).

    On SQLite the times are UTC text and ``julianday()`` is the fastest way to subtract
    them; on PostgreSQL they are ``TIMESTAMP`` columns.
    """
    if on_postgres():
        # date_part, not EXTRACT: EXTRACT gives a numeric (a Decimal in Python) since 14
        return pw.fn.date_part("epoch", end - start)
    return (pw.fn.julianday(end) - pw.fn.julianday(start)) * 86400


def days_between(start: pw.Node, end: pw.Node) -> pw.Node:
    """The SQL for ``end - start`` in days (a float), as ``julianday(end) -
    julianday(start)`` is on SQLite."""
    if on_postgres():
        return seconds_between(start, end) / 86400
    return pw.fn.julianday(end) - pw.fn.julianday(start)


def stored_time(node: pw.Node) -> pw.Node:
    """A time given as UTC text (a bound value or a ``VALUES`` column, which PostgreSQL
    types as text), comparable with a time column on either engine."""
    return node.cast("timestamp") if on_postgres() else node


def latest_in_group(column: pw.Field, by: pw.Field) -> pw.Node:
    """In a grouped select, ``column`` of the group's row with the greatest ``by``.

    On SQLite the bare column, which takes that row's value when the select also holds
    ``MAX(by)``; PostgreSQL refuses a bare column, so the value is aggregated.
    """
    if on_postgres():
        return pw.NodeList((pw.SQL("(array_agg("), column, pw.SQL("ORDER BY"), by.desc(),
                            pw.SQL("))[1]")))
    return column


def like_any_case() -> pw.SQL:
    """The operator for a LIKE that ignores case: SQLite's LIKE does for ASCII letters,
    PostgreSQL's does not (its ILIKE does, for every letter)."""
    return pw.SQL("ILIKE" if on_postgres() else "LIKE")


def locked(query: pw.Select) -> pw.Select:
    """``query`` taking a row lock until the transaction ends (``FOR UPDATE``).

    On SQLite a write transaction holds the one write lock already; on PostgreSQL two
    transactions would otherwise read the same row and both write from it.
    """
    return query.for_update() if on_postgres() else query


def raw_sql(sql: str) -> str:
    """Raw SQL written with SQLite's ``?`` placeholders, in the open database's style
    (``%s`` on PostgreSQL). The SQL must hold no other ``?`` nor ``%``."""
    param = database.param
    return sql if param == "?" else sql.replace("?", param)


def put_setting(key: str, value: str) -> None:
    """Store one organisation-wide setting, replacing its value (an upsert)."""
    (Setting.insert(key=key, value=value)
     .on_conflict(conflict_target=[Setting.key], update={Setting.value: pw.EXCLUDED.value})
     .execute())


def unindexed(column: pw.Field) -> pw.Node:
    """``column`` written so SQLite's planner takes no index for a condition on it (a
    unary plus, a no-op on a value of any type), to keep it on a better one. PostgreSQL's
    planner chooses by its statistics, and an expression would make a grouped column differ
    from its GROUP BY, so there the column as it is."""
    if on_postgres():
        return column
    return pw.NodeList((pw.SQL("+"), column), glue="")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def exclusive_transaction(*models: type[pw.Model]) -> Iterator[None]:
    """A transaction in which no other connection writes to ``models``' tables (readers
    carry on), for work that reads what it is about to extend (the next id, a counter).

    On SQLite a ``BEGIN IMMEDIATE`` (the one write lock, for every table); on PostgreSQL
    ``LOCK TABLE ... IN EXCLUSIVE MODE``, taken in the order given: give the tables in the
    order the application's other writers take them, so that none waits on the other.
    """
    if not on_postgres():
        with database.atomic("IMMEDIATE"):
            yield
        return
    with database.atomic():
        names = ", ".join(_quoted(m._meta.table_name) for m in models)
        database.execute_sql(f"LOCK TABLE {names} IN EXCLUSIVE MODE")
        yield


def insert_rows(sql: str, rows: Iterable[Sequence]) -> None:
    """Run one ``INSERT`` written with ``?`` placeholders for each of ``rows``, through the
    driver's ``executemany`` (the fastest path for many rows on either engine)."""
    rows = list(rows)
    if rows:
        database.cursor().executemany(raw_sql(sql), rows)


def advance_id_sequences(*models: type[pw.Model]) -> None:
    """After rows were inserted with their ids given, move each table's id sequence past
    its greatest id, so the next row inserted without one gets a new id (PostgreSQL's
    ``serial`` does not see given ids; SQLite takes the greatest id itself)."""
    if not on_postgres():
        return
    for model in models:
        table = _quoted(model._meta.table_name)
        database.execute_sql(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(MAX(id), 1), "
            f"MAX(id) IS NOT NULL) FROM {table}", (table,))
