"""Where SQLite and PostgreSQL want different SQL: one small helper per difference, so
model code is written once and the SQLite text stays what it always was."""

from __future__ import annotations

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
