"""What happened in a period, for team leaders: the incidents received from one local day to
another, counted, timed and checked against their SLA targets, with the escalations and
updates made meanwhile.

Every figure is aggregated by the database (GROUP BY over the indexed ``received_at``), so
the same statistics can feed a dashboard; only :func:`period_incidents` reads incident rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import peewee as pw

from app.models.clock import local_day_bounds_utc, now_utc
from app.models.dialect import seconds_between, stored_time
from app.models.entities import Category, Communication, Escalation, Incident, User
from app.models.lifecycle import Status
from app.models.vocabulary import PRIORITY_NAMES, priority_label

PRIORITIES = tuple(sorted(PRIORITY_NAMES))
MAX_DAYS = 366  # the longest period: a year, leap day included
DAILY_UP_TO = 31  # days; longer periods are counted per ISO week
CATEGORY_LIMIT = 8  # categories shown by name; beyond that the smallest share "Other"
OTHER = "Other"
DAY, WEEK = "day", "week"  # what a volume bucket counts


def seconds_to_resolve() -> pw.Node:
    """Elapsed seconds from received to resolved, to a few microseconds (rounded to the
    second once averaged); see :func:`app.models.dialect.seconds_between`. On SQLite
    julianday() is the fastest portable way: strftime("%s") takes twice as long, and
    unixepoch() needs SQLite 3.38."""
    return seconds_between(Incident.received_at, Incident.resolved_at)


# The local day of receipt: SQLite's "localtime" asks the operating system, as
# app.models.clock does, so a day here is the day the advisor saw on screen.
LOCAL_DAY = pw.fn.date(Incident.received_at, "localtime").coerce(False)


class PeriodError(ValueError):
    """A period that cannot be reported on; the message says why, in one line."""


def period_problem(start: date, end: date) -> str | None:
    """Why ``start`` to ``end`` is not a period to report on, or None."""
    if end < start:
        return (f"The period ends ({day_text(end)}) before it starts ({day_text(start)}).")
    days = (end - start).days + 1
    if days > MAX_DAYS:
        return f"The period is {days} days long; a report covers at most {MAX_DAYS} days."
    return None


def check_period(start: date, end: date) -> tuple[datetime, datetime]:
    """The UTC instants [start of ``start``, end of ``end``) in local time.

    Raises:
        PeriodError: the period ends before it starts, or is longer than a year.
    """
    problem = period_problem(start, end)
    if problem:
        raise PeriodError(problem)
    return local_day_bounds_utc(start, end)


def period_text(start: date, end: date) -> str:
    """``1 Nov 2026 – 30 Nov 2026``."""
    return f"{day_text(start)} – {day_text(end)}"


def day_text(day: date) -> str:
    """``1 Nov 2026`` (no leading zero, on every platform)."""
    return f"{day.day} {day:%b %Y}"


# --- the statistics -------------------------------------------------------------------------
@dataclass(frozen=True)
class SlaCounts:
    """How a set of incidents stands against one target (response or resolution).

    ``pending`` is the rest: not yet due (response), or open within its target (resolution).
    """

    met: int = 0
    breached: int = 0
    pending: int = 0

    @property
    def total(self) -> int:
        return self.met + self.breached + self.pending

    def percent(self, count: int) -> float | None:
        """``count`` as a percentage of all the incidents; None when there are none."""
        return 100 * count / self.total if self.total else None

    @property
    def met_percent(self) -> float | None:
        """Compliance: met as a percentage of the targets decided (met or breached)."""
        decided = self.met + self.breached
        return 100 * self.met / decided if decided else None

    def __add__(self, other: SlaCounts) -> SlaCounts:
        return SlaCounts(self.met + other.met, self.breached + other.breached,
                         self.pending + other.pending)


@dataclass(frozen=True)
class PriorityStats:
    """One priority's incidents: how many, how fast they were resolved, how they did.

    The times to resolve are elapsed (received to resolved, nights, weekends and time on
    hold included), over the incidents resolved so far; None when none is.
    """

    priority: int
    received: int
    resolved: int
    mean_to_resolve: timedelta | None
    median_to_resolve: timedelta | None
    response: SlaCounts
    resolution: SlaCounts

    @property
    def label(self) -> str:
        return priority_label(self.priority)


@dataclass(frozen=True)
class VolumeBucket:
    """Incidents received on a day, or in an ISO week (``first`` its Monday, or the
    period's first day when the period starts mid-week)."""

    first: date
    last: date
    count: int
    unit: str = DAY  # DAY or WEEK

    @property
    def label(self) -> str:
        """``2 Nov``: the day, or the week's first day (a week number would not say which
        year's week it is in a period across the new year)."""
        return f"{self.first.day} {self.first:%b}"


@dataclass(frozen=True)
class EscalationCount:
    """Escalations made to one level or team."""

    code: str
    name: str
    kind: str  # EscalationKind
    count: int


@dataclass(frozen=True)
class PeriodStats:
    """The figures of a period's report. Counts by status and SLA are as things stand at
    ``now``; ``open_at_end`` is what was still unresolved when the period ended."""

    start: date
    end: date
    now: datetime
    received: int
    resolved: int  # resolved by now (closed since or not)
    closed: int
    open_at_end: int
    by_status: tuple[tuple[Status, int], ...]  # in lifecycle order, statuses with incidents
    priorities: tuple[PriorityStats, ...]  # P1 to P5, each one even when none came in
    mean_to_resolve: timedelta | None
    median_to_resolve: timedelta | None
    escalations: int  # made in the period, for any incident
    escalated_incidents: int
    escalations_by_target: tuple[EscalationCount, ...]  # most first
    communications: int  # updates given to stakeholders in the period
    volume_unit: str  # DAY or WEEK
    volume: tuple[VolumeBucket, ...]  # every day (or week) of the period, zeros included
    categories: tuple[tuple[str, int], ...]  # most first, the smallest as "Other"

    @property
    def response(self) -> SlaCounts:
        return sum((p.response for p in self.priorities), SlaCounts())

    @property
    def resolution(self) -> SlaCounts:
        return sum((p.resolution for p in self.priorities), SlaCounts())

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def text(self) -> str:
        return period_text(self.start, self.end)


# How an incident stands against a target, as judged at ``now``.
MET, BREACHED, PENDING = "met", "breached", "pending"


def response_outcome(now: datetime) -> pw.Case:
    """MET or BREACHED once responded to; BREACHED also when unanswered past its due
    time; PENDING (not yet due) otherwise."""
    return pw.Case(None, (
        (Incident.response_met == True, MET),  # noqa: E712 (SQL, not Python)
        ((Incident.response_met == False) | (Incident.response_due < now), BREACHED),  # noqa: E712
    ), PENDING)


def resolution_outcome(now: datetime) -> pw.Case:
    """MET or BREACHED once resolved; BREACHED also when open past its due time; PENDING
    (open within its target, or on hold) otherwise."""
    return pw.Case(None, (
        (Incident.resolution_met == True, MET),  # noqa: E712
        ((Incident.resolution_met == False)  # noqa: E712
         | (Incident.resolved_at.is_null() & (Incident.resolution_due < now)), BREACHED),
    ), PENDING)


def _count_if(condition: pw.Expression) -> pw.Function:
    return pw.fn.SUM(pw.Case(None, ((condition, 1),), 0))


def in_period(query: pw.ModelSelect, first: datetime, after: datetime,
              where: pw.Expression | None = None) -> pw.ModelSelect:
    """``query`` limited to the incidents received in [first, after) and, when given, to
    those ``where`` lets through (a team's, for the dashboard)."""
    query = query.where(Incident.received_at >= first, Incident.received_at < after)
    return query if where is None else query.where(where)


def _seconds(value: float | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=round(value))


def _middle_seconds(first: datetime, after: datetime, where: pw.Expression | None,
                    resolved: int) -> float | None:
    """The median seconds to resolve of the ``resolved`` incidents received in the period
    that ``where`` lets through: the middle one (or the mean of the middle two) of their
    times, sorted. ORDER BY with LIMIT and OFFSET keeps only the rows up to the middle in
    SQLite's sorter, several times cheaper than ranking every row with a window."""
    if not resolved:
        return None
    seconds_taken = seconds_to_resolve()
    query = in_period(Incident.select(seconds_taken), first, after, where).where(
        Incident.resolved_at.is_null(False))
    values = [seconds for (seconds,) in query.order_by(seconds_taken)
              .limit(2 - resolved % 2).offset((resolved - 1) // 2).tuples()]
    return sum(values) / len(values) if values else None


def resolve_medians(first: datetime, after: datetime, where: pw.Expression | None = None,
                    overall: bool = True, resolved: dict[int, int] | None = None
                    ) -> tuple[dict[int, float], float | None]:
    """The median seconds to resolve per priority, and of all (unless ``overall`` is false:
    None for the median of all), of the incidents received in the period and resolved.

    Args:
        resolved: how many are resolved per priority, when already counted (one query
            fewer); counted here otherwise.
    """
    if resolved is None:
        resolved = dict(in_period(Incident.select(Incident.priority, pw.fn.COUNT(pw.SQL("*"))),
                                  first, after, where)
                        .where(Incident.resolved_at.is_null(False))
                        .group_by(Incident.priority).tuples())
    medians = {}
    for priority, count in resolved.items():
        # "priority + 0" keeps SQLite on the period's index (the priority's own index
        # would visit that priority's incidents of every year)
        of_priority = (Incident.priority + 0) == priority
        median = _middle_seconds(first, after, of_priority if where is None
                                 else (of_priority & where), count)
        if median is not None:
            medians[priority] = median
    total = sum(resolved.values())
    return medians, (_middle_seconds(first, after, where, total) if overall else None)


def priority_stats(first: datetime, after: datetime, now: datetime,
                   where: pw.Expression | None = None, overall_median: bool = True
                   ) -> tuple[list[PriorityStats], dict, float | None, float | None]:
    """Per priority (P1 to P5, each one even when none came in); also the counts of all
    together, and the mean and median seconds to resolve of all (the median None unless
    ``overall_median``)."""
    resolved = Incident.resolved_at.is_null(False)
    query = in_period(Incident.select(
        Incident.priority,
        pw.fn.COUNT(pw.SQL("*")),
        _count_if(resolved),
        _count_if(Incident.status == Status.CLOSED),
        _count_if(Incident.resolved_at.is_null() | (Incident.resolved_at >= after)),
        pw.fn.SUM(seconds_to_resolve()),
        _count_if(response_outcome(now) == MET),
        _count_if(response_outcome(now) == BREACHED),
        _count_if(resolution_outcome(now) == MET),
        _count_if(resolution_outcome(now) == BREACHED),
    ), first, after, where).group_by(Incident.priority).tuples()
    rows = {row[0]: row[1:] for row in query}
    medians, median = resolve_medians(first, after, where, overall_median,
                                      {p: row[1] for p, row in rows.items()})
    stats, totals, mean = assemble_priorities(rows, medians)
    return stats, totals, mean, median


def assemble_priorities(rows: dict[int, tuple], medians: dict[int, float]
                        ) -> tuple[list[PriorityStats], dict, float | None]:
    """P1 to P5 (each one even when none came in) from ``rows``, per priority: received,
    resolved, closed, open at the end, seconds to resolve in all, response met and
    breached, resolution met and breached; with their totals and the mean seconds to
    resolve of all."""
    stats = []
    totals = {"received": 0, "resolved": 0, "closed": 0, "open_at_end": 0, "seconds": 0}
    for priority in PRIORITIES:
        (received, n_resolved, closed, open_at_end, seconds, response_met, response_breached,
         resolution_met, resolution_breached) = rows.get(priority, (0,) * 9)
        seconds = seconds or 0
        stats.append(PriorityStats(
            priority, received, n_resolved,
            _seconds(seconds / n_resolved if n_resolved else None),
            _seconds(medians.get(priority)),
            SlaCounts(response_met, response_breached,
                      received - response_met - response_breached),
            SlaCounts(resolution_met, resolution_breached,
                      received - resolution_met - resolution_breached)))
        for key, value in zip(totals, (received, n_resolved, closed, open_at_end, seconds),
                              strict=True):
            totals[key] += value
    mean = totals["seconds"] / totals["resolved"] if totals["resolved"] else None
    return stats, totals, mean


def _by_status(first: datetime, after: datetime) -> tuple[tuple[Status, int], ...]:
    counts = dict(in_period(Incident.select(Incident.status, pw.fn.COUNT(pw.SQL("*"))),
                            first, after).group_by(Incident.status).tuples())
    return tuple((status, counts[status.value]) for status in Status if counts.get(status.value))


def daily_counts(start: date, end: date, where: pw.Expression | None = None
                 ) -> dict[date, int]:
    """Incidents received on each local day from ``start`` to ``end``: one count per day
    over the index on ``received_at`` (an index range each, no sorting), the days' bounds
    worked out here, so that a day is the one the advisor saw on screen."""
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    bounds = pw.ValuesList([(d.isoformat(), *(Incident.received_at.db_value(b) for b in
                                              local_day_bounds_utc(d, d))) for d in days]
                           ).cte("days", columns=("day", "first", "after"))
    count = Incident.select(pw.fn.COUNT(pw.SQL("*"))).where(
        Incident.received_at >= stored_time(bounds.c.first),
        Incident.received_at < stored_time(bounds.c.after))
    if where is not None:
        count = count.where(where)
    query = (pw.Select([bounds], [bounds.c.day, count]).with_cte(bounds)
             .bind(Incident._meta.database))
    return {date.fromisoformat(d): n for d, n in query.tuples()}


def day_buckets(start: date, end: date, counts: dict[date, int]) -> tuple[VolumeBucket, ...]:
    """Every day from ``start`` to ``end``, with its count (zero when it has none)."""
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return tuple(VolumeBucket(d, d, counts.get(d, 0)) for d in days)


def week_buckets(days: Iterable[VolumeBucket]) -> tuple[VolumeBucket, ...]:
    """Day buckets folded into ISO weeks (the first and last cut to the period)."""
    weeks: list[VolumeBucket] = []
    for day in days:
        if weeks and day.first.isocalendar()[:2] == weeks[-1].first.isocalendar()[:2]:
            last = weeks.pop()
            weeks.append(VolumeBucket(last.first, day.last, last.count + day.count, WEEK))
        else:
            weeks.append(VolumeBucket(day.first, day.last, day.count, WEEK))
    return tuple(weeks)


def _volume(start: date, end: date, first: datetime, after: datetime
            ) -> tuple[str, tuple[VolumeBucket, ...]]:
    """Per local day, zeros included; folded into ISO weeks when the period is long."""
    days = day_buckets(start, end, daily_counts(start, end))
    if len(days) <= DAILY_UP_TO:
        return DAY, days
    return WEEK, week_buckets(days)


def category_counts(first: datetime, after: datetime, where: pw.Expression | None = None
                    ) -> list[tuple[int, str, int]]:
    """(id, name, count) of each category with incidents in the period, most first.

    Counted by ``category_id`` on the period's index, then named: joining each incident to
    its category before grouping would look the category up once per incident."""
    counts = dict(in_period(Incident.select(Incident.category, pw.fn.COUNT(pw.SQL("*"))),
                            first, after, where).group_by(Incident.category).tuples())
    return named_categories(counts)


def named_categories(counts: dict[int, int]) -> list[tuple[int, str, int]]:
    """(id, name, count) of each category of ``counts`` (by id), most first."""
    names = dict(Category.select(Category.id, Category.name)
                 .where(Category.id.in_(list(counts))).tuples()) if counts else {}
    return sorted(((id_, names[id_], n) for id_, n in counts.items()),
                  key=lambda row: (-row[2], row[1]))


def _categories(first: datetime, after: datetime, limit: int) -> tuple[tuple[str, int], ...]:
    rows = [(name, n) for _, name, n in category_counts(first, after)]
    if len(rows) <= limit:
        return tuple(rows)
    kept = rows[:limit - 1]
    return (*kept, (OTHER, sum(n for _, n in rows[limit - 1:])))


def _escalations(first: datetime, after: datetime
                 ) -> tuple[int, int, tuple[EscalationCount, ...]]:
    made = Escalation.select().where(Escalation.at >= first, Escalation.at < after)
    total, incidents = (made.select(pw.fn.COUNT(pw.SQL("*")),
                                    pw.fn.COUNT(Escalation.incident.distinct()))
                        .tuples().get())
    count = pw.fn.COUNT(pw.SQL("*"))
    by_target = (made.select(Escalation.target_code, Escalation.target_name, Escalation.kind,
                             count)
                 .group_by(Escalation.target_code, Escalation.target_name, Escalation.kind)
                 .order_by(count.desc(), Escalation.target_code).tuples())
    return total, incidents, tuple(EscalationCount(*row) for row in by_target)


def _communications(first: datetime, after: datetime) -> int:
    return (Communication.select()
            .where(Communication.at >= first, Communication.at < after).count())


def period_statistics(start: date, end: date, now: datetime | None = None,
                      category_limit: int = CATEGORY_LIMIT) -> PeriodStats:
    """The statistics of the incidents received from ``start`` 00:00 to ``end`` 24:00
    local time (an empty period gives zeros, not an error).

    Args:
        now: the moment SLA targets not yet met are judged at (overdue or not yet due);
            the current time unless given.
        category_limit: at most this many categories by name, the rest summed as "Other".

    Raises:
        PeriodError: the period ends before it starts, or is longer than a year.
    """
    first, after = check_period(start, end)
    now = now or now_utc()
    priorities, totals, mean, median = priority_stats(first, after, now)
    escalations, escalated, by_target = _escalations(first, after)
    unit, volume = _volume(start, end, first, after)
    return PeriodStats(
        start=start, end=end, now=now, received=totals["received"],
        resolved=totals["resolved"], closed=totals["closed"],
        open_at_end=totals["open_at_end"], by_status=_by_status(first, after),
        priorities=tuple(priorities), mean_to_resolve=_seconds(mean),
        median_to_resolve=_seconds(median), escalations=escalations,
        escalated_incidents=escalated, escalations_by_target=by_target,
        communications=_communications(first, after), volume_unit=unit, volume=volume,
        categories=_categories(first, after, category_limit))


# --- the incidents --------------------------------------------------------------------------
@dataclass(frozen=True)
class PeriodRow:
    """One incident of the period, as the report's table lists it: no caller's details."""

    reference: str
    received_at: datetime
    category: str
    priority: int
    status: Status
    owner: str  # "" when nobody owns it
    responded_at: datetime | None
    resolved_at: datetime | None
    response: str  # MET, BREACHED or PENDING (not yet due)
    resolution: str  # MET, BREACHED or PENDING (open within its target)

    @property
    def priority_label(self) -> str:
        return priority_label(self.priority)

    @property
    def time_to_resolve(self) -> timedelta | None:
        """Elapsed, received to resolved; None while unresolved."""
        return None if self.resolved_at is None else self.resolved_at - self.received_at


def period_incidents(start: date, end: date, now: datetime | None = None) -> list[PeriodRow]:
    """The incidents received in the period, oldest first, their targets judged at ``now``
    (the current time unless given) as :func:`period_statistics` judges them.

    Raises:
        PeriodError: the period ends before it starts, or is longer than a year.
    """
    first, after = check_period(start, end)
    now = now or now_utc()
    query = in_period(Incident.select(
        Incident.reference, Incident.received_at, Category.name, Incident.priority,
        Incident.status, User.display_name, Incident.responded_at, Incident.resolved_at,
        response_outcome(now), resolution_outcome(now),
    ).join(Category, on=Incident.category)
     .switch(Incident).join(User, pw.JOIN.LEFT_OUTER, on=Incident.owner),
        first, after).order_by(Incident.received_at, Incident.id).tuples()
    return _rows(query)


def _rows(rows: Iterable[tuple]) -> list[PeriodRow]:
    return [PeriodRow(reference, received, category, priority, Status(status), owner or "",
                      responded, resolved, response, resolution)
            for (reference, received, category, priority, status, owner, responded, resolved,
                 response, resolution) in rows]
