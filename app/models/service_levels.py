"""The organisation's service levels as stored data: priority matrix, SLA targets, calendar.

Each ``load_*`` reads the data into the plain objects the rules use; each ``save_*``
checks everything first and writes in one transaction, or writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.models.db import database
from app.models.entities import ClosedDay, PriorityRule, ServiceHours, Setting, SlaTarget
from app.models.sla import ServiceCalendar, calendar_problems, due_time
from app.models.vocabulary import PRIORITY_NAMES, Level

Matrix = dict[tuple[Level, Level], int]


class ServiceLevelError(ValueError):
    """Service-level data that cannot be saved; the message lists every problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


# --- priority matrix -----------------------------------------------------------------------
def load_matrix() -> Matrix:
    return {(Level(r.impact), Level(r.urgency)): r.priority for r in PriorityRule.select()}


def save_matrix(matrix: dict[tuple[str, str], int | None]) -> None:
    """Replace the matrix; every impact x urgency cell must hold a priority 1-5."""
    problems = []
    for impact in Level:
        for urgency in Level:
            value = matrix.get((impact, urgency))
            if value not in PRIORITY_NAMES:
                problems.append(f"Impact {impact.label.lower()} x urgency "
                                f"{urgency.label.lower()} needs a priority from P1 to P5.")
    if problems:
        raise ServiceLevelError(problems)
    with database.atomic():
        for impact in Level:
            for urgency in Level:
                (PriorityRule.update(priority=matrix[(impact, urgency)])
                 .where(PriorityRule.impact == impact, PriorityRule.urgency == urgency)
                 .execute())


# --- SLA targets ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    priority: int
    respond: timedelta
    resolve: timedelta
    around_the_clock: bool


def load_targets() -> dict[int, Target]:
    return {t.priority: Target(t.priority, timedelta(minutes=t.respond_minutes),
                               timedelta(minutes=t.resolve_minutes), t.around_the_clock)
            for t in SlaTarget.select()}


def save_targets(targets: list[Target]) -> None:
    """Replace the targets: one per priority, each positive, respond within resolve."""
    problems = []
    by_priority = {t.priority: t for t in targets}
    for priority in PRIORITY_NAMES:
        target = by_priority.get(priority)
        if target is None:
            problems.append(f"P{priority} needs targets.")
            continue
        if target.respond <= timedelta(0) or target.resolve <= timedelta(0):
            problems.append(f"P{priority}: targets must be longer than zero.")
        elif target.respond > target.resolve:
            problems.append(f"P{priority}: the response target cannot be longer than the "
                            "resolution target.")
    if problems:
        raise ServiceLevelError(problems)
    with database.atomic():
        for t in by_priority.values():
            (SlaTarget.update(respond_minutes=int(t.respond.total_seconds() // 60),
                              resolve_minutes=int(t.resolve.total_seconds() // 60),
                              around_the_clock=t.around_the_clock)
             .where(SlaTarget.priority == t.priority).execute())


# --- service calendar -----------------------------------------------------------------------
def _time(text: str | None) -> time | None:
    return time.fromisoformat(text) if text else None


def load_calendar() -> ServiceCalendar:
    settings = {s.key: s.value for s in Setting.select()}
    hours = tuple(
        (_time(h.opens), _time(h.closes)) if h.opens and h.closes else None
        for h in ServiceHours.select().order_by(ServiceHours.weekday))
    return ServiceCalendar(
        hours=hours,
        zone=settings.get("calendar.zone", "Europe/London"),
        holiday_region=settings.get("calendar.holidays") or None,
        closed_days=frozenset(d.day for d in ClosedDay.select()),
    )


def save_calendar(hours: tuple[tuple[time, time] | None, ...], zone: str,
                  holiday_region: str | None, closed_days: dict[date, str]) -> None:
    """Replace the calendar, refusing one with no opening hours or a closing before opening."""
    problems = calendar_problems(hours, zone)
    if problems:
        raise ServiceLevelError(problems)
    with database.atomic():
        for weekday, span in enumerate(hours):
            (ServiceHours.update(opens=span and span[0].strftime("%H:%M"),
                                 closes=span and span[1].strftime("%H:%M"))
             .where(ServiceHours.weekday == weekday).execute())
        for key, value in (("calendar.zone", zone), ("calendar.holidays", holiday_region or "")):
            Setting.insert(key=key, value=value).on_conflict_replace().execute()
        ClosedDay.delete().execute()
        for day, reason in sorted(closed_days.items()):
            ClosedDay.create(day=day, reason=reason)


# --- due times for an incident --------------------------------------------------------------
AT_RISK_SHARE = 0.75  # past this share of a target, an incident is at risk


@dataclass(frozen=True)
class DueTimes:
    response_due: datetime
    resolution_due: datetime | None  # None while an open pause stops the clock
    response_warn_at: datetime
    resolution_warn_at: datetime | None


def due_times(priority: int, start: datetime,
              pauses: list[tuple[datetime, datetime | None]],
              targets: dict[int, Target] | None = None,
              calendar: ServiceCalendar | None = None) -> DueTimes:
    """Response and resolution due times for ``priority`` counted from ``start``.

    On-hold pauses stop the resolution clock; the response clock is not paused. The
    targets and calendar are read from the database unless given (when many incidents
    are computed at once).
    """
    target = (targets or load_targets())[priority]
    if target.around_the_clock:
        calendar = None
    elif calendar is None:
        calendar = load_calendar()
    return DueTimes(due_time(start, target.respond, calendar),
                    due_time(start, target.resolve, calendar, pauses),
                    due_time(start, target.respond * AT_RISK_SHARE, calendar),
                    due_time(start, target.resolve * AT_RISK_SHARE, calendar, pauses))
