"""The organisation's service levels as stored data: priority matrix, SLA targets, calendar.

Each ``load_*`` reads the data into the plain objects the rules use; each ``save_*``
checks everything first and writes in one transaction, or writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.models.clock import now_utc
from app.models.db import database
from app.models.dialect import put_setting
from app.models.entities import (
    ClosedDay,
    ConfigChange,
    PriorityRule,
    ServiceHours,
    Setting,
    SlaTarget,
    User,
)
from app.models.permissions import Permission, check_permission
from app.models.sla import WEEKDAYS, ServiceCalendar, calendar_problems, due_time
from app.models.vocabulary import PRIORITY_NAMES, Level

Matrix = dict[tuple[Level, Level], int]
# the bank holidays a calendar can close on: ``holidays`` subdivisions of the UK
HOLIDAY_REGIONS = {"ENG": "England and Wales", "SCT": "Scotland", "NIR": "Northern Ireland",
                   None: "None"}


class ServiceLevelError(ValueError):
    """Service-level data that cannot be saved; the message lists every problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


# --- priority matrix -----------------------------------------------------------------------
def load_matrix() -> Matrix:
    return {(Level(r.impact), Level(r.urgency)): r.priority for r in PriorityRule.select()}


def matrix_problems(matrix: dict[tuple[str, str], int | None]) -> list[str]:
    """Every cell of the impact x urgency grid must hold a priority 1-5."""
    problems = []
    for impact in Level:
        for urgency in Level:
            value = matrix.get((impact, urgency))
            if value not in PRIORITY_NAMES:
                problems.append(f"Impact {impact.label.lower()} x urgency "
                                f"{urgency.label.lower()} needs a priority from P1 to P5.")
    return problems


def _write_matrix(matrix: dict[tuple[str, str], int | None]) -> None:
    for impact in Level:
        for urgency in Level:
            (PriorityRule.update(priority=matrix[(impact, urgency)])
             .where(PriorityRule.impact == impact, PriorityRule.urgency == urgency)
             .execute())


def save_matrix(matrix: dict[tuple[str, str], int | None]) -> None:
    """Replace the matrix; every impact x urgency cell must hold a priority 1-5."""
    _save(matrix_problems(matrix), _write_matrix, matrix)


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


def target_problems(targets: list[Target]) -> list[str]:
    """One target per priority, each longer than zero, responding within resolving."""
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
    return problems


def _write_targets(targets: list[Target]) -> None:
    for t in targets:
        (SlaTarget.update(respond_minutes=int(t.respond.total_seconds() // 60),
                          resolve_minutes=int(t.resolve.total_seconds() // 60),
                          around_the_clock=t.around_the_clock)
         .where(SlaTarget.priority == t.priority).execute())


def save_targets(targets: list[Target]) -> None:
    """Replace the targets: one per priority, each positive, respond within resolve."""
    _save(target_problems(targets), _write_targets, targets)


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


def load_closed_days() -> dict[date, str]:
    """The organisation's own closed days, with why."""
    return {d.day: d.reason for d in ClosedDay.select().order_by(ClosedDay.day)}


@dataclass(frozen=True)
class CalendarSettings:
    """The service calendar as edited: hours per weekday, zone, bank holidays, closed days."""

    hours: tuple[tuple[time, time] | None, ...]
    zone: str
    holiday_region: str | None
    closed_days: dict[date, str]


def load_calendar_settings() -> CalendarSettings:
    calendar = load_calendar()
    return CalendarSettings(calendar.hours, calendar.zone, calendar.holiday_region,
                            load_closed_days())


def _calendar_problems(settings: CalendarSettings) -> list[str]:
    problems = calendar_problems(settings.hours, settings.zone)
    if settings.holiday_region not in HOLIDAY_REGIONS:
        problems.append(f"'{settings.holiday_region}' is not a region of bank holidays.")
    for day, reason in settings.closed_days.items():
        if len(reason) > 100:
            problems.append(f"Closed day {day:%d/%m/%Y}: the reason is longer than 100 "
                            "characters.")
    return problems


def _write_calendar(settings: CalendarSettings) -> None:
    for weekday, span in enumerate(settings.hours):
        (ServiceHours.update(opens=span and span[0].strftime("%H:%M"),
                             closes=span and span[1].strftime("%H:%M"))
         .where(ServiceHours.weekday == weekday).execute())
    for key, value in (("calendar.zone", settings.zone),
                       ("calendar.holidays", settings.holiday_region or "")):
        put_setting(key, value)
    ClosedDay.delete().execute()
    for day, reason in sorted(settings.closed_days.items()):
        ClosedDay.create(day=day, reason=reason)


def save_calendar(hours: tuple[tuple[time, time] | None, ...], zone: str,
                  holiday_region: str | None, closed_days: dict[date, str]) -> None:
    """Replace the calendar, refusing one with no opening hours or a closing before opening."""
    settings = CalendarSettings(hours, zone, holiday_region, closed_days)
    _save(_calendar_problems(settings), _write_calendar, settings)


def _save(problems: list[str], write, value) -> None:
    if problems:
        raise ServiceLevelError(problems)
    with database.atomic():
        write(value)


# --- all of them together, as a team leader edits them --------------------------------------
@dataclass(frozen=True)
class ServiceLevels:
    matrix: dict[tuple[Level, Level], int | None]
    targets: list[Target]
    calendar: CalendarSettings


def load_service_levels() -> ServiceLevels:
    return ServiceLevels(load_matrix(), sorted(load_targets().values(),
                                               key=lambda t: t.priority),
                         load_calendar_settings())


def service_level_problems(levels: ServiceLevels) -> list[str]:
    """Everything wrong with ``levels``, matrix first, then targets, then calendar."""
    return (matrix_problems(levels.matrix) + target_problems(levels.targets)
            + _calendar_problems(levels.calendar))


def save_service_levels(levels: ServiceLevels, by: User, now: datetime | None = None
                        ) -> list[str]:
    """Replace matrix, targets and calendar together, or nothing; return what changed.

    Each change is written to the settings' own history with who made it and when.
    Incidents already logged keep their due times; the new rules apply to incidents logged
    or re-prioritised from now on.

    Raises:
        RolePermissionError: ``by`` may not change service levels.
        ServiceLevelError: ``levels`` has problems; nothing was written.
    """
    check_permission(by, Permission.EDIT_SERVICE_LEVELS)
    problems = service_level_problems(levels)
    if problems:
        raise ServiceLevelError(problems)
    now = now or now_utc()
    with database.atomic():
        changes = describe_changes(load_service_levels(), levels)
        _write_matrix(levels.matrix)
        _write_targets(levels.targets)
        _write_calendar(levels.calendar)
        for area, summary in changes:
            ConfigChange.create(at=now, user=by, area=area, summary=summary)
    return [summary for _, summary in changes]


@dataclass(frozen=True)
class ConfigEntry:
    at: datetime
    user: str
    area: str
    summary: str


SERVICE_LEVEL_AREAS = ("matrix", "targets", "calendar")


def config_history(areas: tuple[str, ...] = SERVICE_LEVEL_AREAS,
                   limit: int = 500) -> list[ConfigEntry]:
    """The latest changes to the settings of ``areas`` (by default the service levels),
    newest first."""
    query = (ConfigChange.select(ConfigChange, User).join(User)
             .where(ConfigChange.area.in_(areas))
             .order_by(ConfigChange.id.desc()).limit(limit))
    return [ConfigEntry(c.at, c.user.display_name, c.area, c.summary) for c in query]


def _span_text(span: tuple[time, time] | None) -> str:
    return f"{span[0]:%H:%M}–{span[1]:%H:%M}" if span else "closed"


def _duration_text(value: timedelta) -> str:
    hours, minutes = divmod(int(value.total_seconds() // 60), 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"


def describe_changes(old: ServiceLevels, new: ServiceLevels) -> list[tuple[str, str]]:
    """(area, sentence) for each difference between two sets of service levels."""
    changes = []
    for (impact, urgency), priority in new.matrix.items():
        before = old.matrix.get((impact, urgency))
        if before != priority:
            changes.append(("matrix", f"Impact {impact} x urgency {urgency}: P{before} -> "
                                      f"P{priority}"))
    before_targets = {t.priority: t for t in old.targets}
    for target in new.targets:
        before = before_targets.get(target.priority)
        for what, old_value, new_value in (
                ("respond within", before and before.respond, target.respond),
                ("resolve within", before and before.resolve, target.resolve)):
            if old_value != new_value:
                changes.append(("targets", f"P{target.priority} {what}: "
                                f"{_duration_text(old_value) if old_value else '-'} -> "
                                f"{_duration_text(new_value)}"))
        if before is None or before.around_the_clock != target.around_the_clock:
            clock = "24x7" if target.around_the_clock else "service calendar"
            changes.append(("targets", f"P{target.priority} clock: {clock}"))
    old_cal, new_cal = old.calendar, new.calendar
    for name, before, after in zip(WEEKDAYS, old_cal.hours, new_cal.hours, strict=True):
        if before != after:
            changes.append(("calendar", f"{name}: {_span_text(before)} -> "
                                        f"{_span_text(after)}"))
    if old_cal.zone != new_cal.zone:
        changes.append(("calendar", f"Time zone: {old_cal.zone} -> {new_cal.zone}"))
    if old_cal.holiday_region != new_cal.holiday_region:
        changes.append(("calendar", "Bank holidays: "
                        f"{HOLIDAY_REGIONS[old_cal.holiday_region]} -> "
                        f"{HOLIDAY_REGIONS[new_cal.holiday_region]}"))
    for day in sorted(old_cal.closed_days.keys() - new_cal.closed_days.keys()):
        changes.append(("calendar", f"Closed day removed: {day:%d/%m/%Y}"))
    for day in sorted(new_cal.closed_days.keys() - old_cal.closed_days.keys()):
        changes.append(("calendar", f"Closed day added: {day:%d/%m/%Y} "
                                    f"{new_cal.closed_days[day]}".rstrip()))
    return changes


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
