"""SLA clocks: due times on a 24x7 clock or a service calendar, with on-hold pauses.

Plain Python, no database: the stored targets and calendar are turned into these objects
by the caller. All instants are aware datetimes; the calendar works in its own time zone
(opening hours are wall-clock times there), so daylight-saving changes never move a due
time by an hour.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cache, cached_property
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from app.models.clock import to_utc

if TYPE_CHECKING:  # imported when a calendar is first asked (some 150 ms), not at start
    import holidays

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# How far ahead a due time is looked for before the calendar is called unworkable.
SEARCH_LIMIT = timedelta(days=3 * 366)

Interval = tuple[datetime, datetime]


class CalendarError(ValueError):
    """A calendar that cannot be used (no opening hours, closing before opening...)."""


@cache
def region_holidays(region: str) -> holidays.HolidayBase:
    """The bank holidays of a UK region, made once: making them costs milliseconds, and a
    calendar is read afresh at every save (each year asked about is worked out once)."""
    import holidays

    return holidays.country_holidays("GB", subdiv=region)


@dataclass(frozen=True)
class ServiceCalendar:
    """Opening hours per weekday in a time zone, closed on bank holidays and chosen days.

    Args:
        hours: for each weekday (0 = Monday) its (opening, closing) wall-clock times, or
            None when closed all day.
        zone: the IANA time zone the hours are in.
        holiday_region: ``holidays`` subdivision of the United Kingdom whose bank holidays
            close the service (``ENG`` for England and Wales), or None for none.
        closed_days: the organisation's own closed days.
    """

    hours: tuple[tuple[time, time] | None, ...]
    zone: str = "Europe/London"
    holiday_region: str | None = "ENG"
    closed_days: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        problems = calendar_problems(self.hours, self.zone)
        if problems:
            raise CalendarError(" ".join(problems))

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    @cached_property
    def _holidays(self) -> holidays.HolidayBase | dict:
        if self.holiday_region is None:
            return {}
        return region_holidays(self.holiday_region)

    def is_closed_day(self, day: date) -> bool:
        return (self.hours[day.weekday()] is None or day in self.closed_days
                or day in self._holidays)

    def windows(self, start: datetime) -> Iterator[Interval]:
        """The opening windows, in UTC, from ``start`` on (the first may be cut short)."""
        start = to_utc(start)
        day = start.astimezone(self.tz).date() - timedelta(days=1)
        end_of_search = start + SEARCH_LIMIT
        while True:
            day += timedelta(days=1)
            opening = datetime.combine(day, time.min, self.tz)
            if opening.astimezone(UTC) > end_of_search:
                raise CalendarError("The service calendar has no opening hours in the "
                                    "next three years.")
            if self.is_closed_day(day):
                continue
            open_at, close_at = self.hours[day.weekday()]
            # Wall-clock times in the zone, converted per day: 08:00 is 08:00 in summer
            # and in winter alike.
            begin = datetime.combine(day, open_at, self.tz).astimezone(UTC)
            end = datetime.combine(day, close_at, self.tz).astimezone(UTC)
            if end <= start:
                continue
            yield max(begin, start), end


def calendar_problems(hours: tuple[tuple[time, time] | None, ...], zone: str) -> list[str]:
    """What is wrong with a calendar's hours and zone, in sentences (empty when usable)."""
    problems = []
    if len(hours) != 7:
        problems.append("Opening hours are needed for each of the seven weekdays.")
        return problems
    for name, span in zip(WEEKDAYS, hours, strict=True):
        if span is not None and span[0] >= span[1]:
            problems.append(f"{name}: opening ({span[0]:%H:%M}) must come before closing "
                            f"({span[1]:%H:%M}).")
    if all(span is None for span in hours):
        problems.append("The service must be open on at least one weekday.")
    try:
        ZoneInfo(zone)
    except (KeyError, ValueError):
        problems.append(f"'{zone}' is not a known time zone.")
    return problems


FOREVER = datetime.max.replace(tzinfo=UTC)


def _always_windows(start: datetime) -> Iterator[Interval]:
    """The 24x7 clock: one window from ``start`` for ever."""
    yield to_utc(start), FOREVER


def _minus_pauses(window: Interval, pauses: list[Interval]) -> Iterator[Interval]:
    """The parts of ``window`` outside every pause (pauses sorted, not overlapping)."""
    begin, end = window
    for pause_start, pause_end in pauses:
        if pause_end <= begin or pause_start >= end:
            continue
        if pause_start > begin:
            yield begin, pause_start
        begin = max(begin, pause_end)
        if begin >= end:
            return
    if begin < end:
        yield begin, end


def normalise_pauses(pauses: Iterable[tuple[datetime, datetime | None]],
                     now: datetime | None = None) -> list[Interval]:
    """Pauses as sorted, merged UTC intervals; an open pause (no end) runs until ``now``,
    or for ever when ``now`` is None."""
    spans = sorted((to_utc(a), to_utc(b) if b else (to_utc(now) if now else FOREVER))
                   for a, b in pauses)
    merged: list[Interval] = []
    for begin, end in spans:
        if end <= begin:
            continue
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged


def due_time(start: datetime, target: timedelta, calendar: ServiceCalendar | None,
             pauses: Iterable[tuple[datetime, datetime | None]] = ()) -> datetime | None:
    """When ``target`` of counted time has passed since ``start``.

    Time counts only inside the calendar's opening windows (always, for the 24x7 clock
    ``calendar=None``) and outside pauses. A clock that starts while the service is closed
    starts counting at the next opening. Returns None while an open-ended pause stops the
    clock before the target is reached.

    Raises:
        ValueError: the target is not positive.
    """
    if target <= timedelta(0):
        raise ValueError("An SLA target must be longer than zero.")
    closed = normalise_pauses(pauses)
    open_from = None
    if closed and closed[-1][1] == FOREVER:
        open_from = closed.pop()[0]
    windows = _always_windows(start) if calendar is None else calendar.windows(start)
    remaining = target
    for window in windows:
        for begin, end in _minus_pauses(window, closed):
            if open_from is not None:
                if begin >= open_from:
                    return None
                end = min(end, open_from)
            if end - begin >= remaining:
                return begin + remaining
            remaining -= end - begin
    return None  # pragma: no cover - windows() raises before running out


def counted_time(start: datetime, until: datetime, calendar: ServiceCalendar | None,
                 pauses: Iterable[tuple[datetime, datetime | None]] = ()) -> timedelta:
    """How much SLA time counted between ``start`` and ``until``."""
    until = to_utc(until)
    if until <= to_utc(start):
        return timedelta(0)
    pause_list = normalise_pauses(pauses, now=until)
    windows = _always_windows(start) if calendar is None else calendar.windows(start)
    total = timedelta(0)
    for window in windows:
        if window[0] >= until:
            break
        clipped = (window[0], min(window[1], until))
        for begin, end in _minus_pauses(clipped, pause_list):
            total += end - begin
        if window[1] >= until:
            break
    return total


# --- where an incident's clock stands -------------------------------------------------------
class ClockState(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"  # past 75% of the target
    BREACHED = "breached"
    PAUSED = "paused"  # on hold: the resolution clock is stopped
    MET = "met"
    MISSED = "missed"


@dataclass(frozen=True)
class ClockReading:
    """An incident's next SLA deadline as of ``now``: its state and when it falls due."""

    state: ClockState
    due: datetime | None
    target: str  # "response" or "resolution"

    def text(self, now: datetime) -> str:
        """``2h 15m left``, ``Breached 35m ago``, ``On hold``, ``Met``, ``Missed``."""
        if self.state == ClockState.PAUSED:
            return "On hold"
        if self.state in (ClockState.MET, ClockState.MISSED):
            return "Met" if self.state == ClockState.MET else "Missed"
        assert self.due is not None
        left = self.due - to_utc(now)
        prefix = "Respond" if self.target == "response" else "Resolve"
        if left < timedelta(0):
            return f"{prefix}: breached {span_text(-left)} ago"
        return f"{prefix}: {span_text(left)} left"


def span_text(span: timedelta) -> str:
    """A duration as an advisor reads it: ``3d 4h``, ``2h 15m``, ``12m``."""
    minutes = int(span.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m"


def clock_reading(is_open: bool, responded: bool, response_due: datetime | None,
                  response_warn_at: datetime | None, resolution_due: datetime | None,
                  resolution_warn_at: datetime | None, resolution_met: bool | None,
                  now: datetime) -> ClockReading:
    """Where the incident's next deadline stands: the response until someone responds,
    then the resolution. The log's SLA filters select by the same rule in SQL."""
    now = to_utc(now)
    if not is_open:
        return ClockReading(ClockState.MISSED if resolution_met is False else ClockState.MET,
                            resolution_due, "resolution")
    if responded:
        target, due, warn = "resolution", resolution_due, resolution_warn_at
    else:
        target, due, warn = "response", response_due, response_warn_at
    if due is None:
        return ClockReading(ClockState.PAUSED, None, target)
    if now > due:
        return ClockReading(ClockState.BREACHED, due, target)
    if warn is not None and now >= warn:
        return ClockReading(ClockState.AT_RISK, due, target)
    return ClockReading(ClockState.ON_TRACK, due, target)
