"""Time: everything is stored in UTC and shown in the workstation's local time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta


def now_utc() -> datetime:
    """The current time, aware, in UTC, to the second (what the database keeps)."""
    return datetime.now(UTC).replace(microsecond=0)


def to_utc(value: datetime) -> datetime:
    """An aware datetime converted to UTC; a naive one is refused, never guessed."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: give a time zone")
    return value.astimezone(UTC)


def to_local(value: datetime) -> datetime:
    """An aware datetime in the workstation's zone, with the offset in force at that instant.

    ``astimezone()`` with no argument asks the operating system for the rules at that
    instant, so a summer time stamp read in winter still shows summer time.
    """
    return to_utc(value).astimezone()


def local_from_naive(value: datetime) -> datetime:
    """A naive wall-clock time on this workstation made aware (for form and filter input)."""
    if value.tzinfo is not None:
        return value
    return value.astimezone()


def local_day_bounds_utc(first: date, last: date) -> tuple[datetime, datetime]:
    """UTC instants [start of ``first``, start of the day after ``last``) in local time."""
    start = local_from_naive(datetime.combine(first, time.min))
    end = local_from_naive(datetime.combine(last + timedelta(days=1), time.min))
    return to_utc(start), to_utc(end)


def format_local(value: datetime | None, with_seconds: bool = False) -> str:
    """A stored time as the advisor reads it: ``24/11/2026 14:05`` (local time)."""
    if value is None:
        return ""
    fmt = "%d/%m/%Y %H:%M:%S" if with_seconds else "%d/%m/%Y %H:%M"
    return to_local(value).strftime(fmt)


def format_day(value: date | None) -> str:
    """A calendar day (a due date) as the advisor reads it: ``24/11/2026``."""
    return "" if value is None else value.strftime("%d/%m/%Y")
