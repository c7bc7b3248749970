"""The dashboard's additive figures (per priority, category and problem) read from
``incident_day`` (schema 16) for the whole UTC days of a period, and from the incidents
themselves for the hours at either end and for the targets not yet decided.

A year at a million incidents is a few tens of thousands of day rows instead of a million
incidents; the period's ends are counted from the incidents because a local day need not
start at midnight UTC. What depends on the moment of asking (a target not met yet is
breached once due) is judged at ``now`` from the few incidents still undecided, through
the partial indexes of schema 16.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import peewee as pw

from app.models.clock import local_day_bounds_utc
from app.models.db import BaseModel, UtcDateTimeField
from app.models.dialect import unindexed
from app.models.entities import Escalation, Incident, Satisfaction, User
from app.models.incident_log import team_condition
from app.models.period_stats import daily_counts as period_daily_counts
from app.models.period_stats import in_period, resolve_medians, seconds_to_resolve

COUNT = pw.fn.COUNT(pw.SQL("*"))


EVERYONE = 0  # incident_day's holder for the sums of every holder's incidents


class IncidentDay(BaseModel):
    """The incidents received on one UTC day held by one user (the owner, or who logged it
    when nobody owns it; EVERYONE: by anyone), of one priority, category and problem (0:
    none), summed. On SQLite a table the database keeps current through triggers on
    ``incident``; on PostgreSQL a view. Never written here."""

    day = pw.TextField()  # YYYY-MM-DD, UTC
    holder = pw.IntegerField(column_name="holder_id")
    priority = pw.IntegerField()
    category = pw.IntegerField(column_name="category_id")
    problem = pw.IntegerField(column_name="problem_id")
    incidents = pw.IntegerField()
    resolved = pw.IntegerField()
    seconds = pw.FloatField()  # to resolve, of the resolved ones
    response_met = pw.IntegerField()
    response_missed = pw.IntegerField()
    resolution_met = pw.IntegerField()
    resolution_missed = pw.IntegerField()

    class Meta:
        table_name = "incident_day"
        primary_key = False


class ResolvedIncident(BaseModel):
    """A resolved incident's seconds to resolve (``incident_resolved``, schema 16: on
    SQLite a table kept by the same triggers, on PostgreSQL a view). Never written here."""

    incident = pw.IntegerField(column_name="incident_id", primary_key=True)
    priority = pw.IntegerField()
    seconds = pw.FloatField()
    received_at = UtcDateTimeField()
    holder = pw.IntegerField(column_name="holder_id")

    class Meta:
        table_name = "incident_resolved"


class Period:
    """[first, after) cut into whole UTC days (read from ``incident_day``) and the hours
    before and after them (read from the incidents); ``team_id``'s incidents only, when
    given (see app.models.incident_log.team_condition)."""

    def __init__(self, first: datetime, after: datetime, team_id: int | None = None):
        self.first, self.after = first, after
        start = first.astimezone(UTC)
        start_day = start.date() if start.time() == time.min else start.date() + timedelta(1)
        end_day = after.astimezone(UTC).date()
        self.days: tuple[str, str] | None = None
        self.ends = [(first, after)]
        if start_day < end_day:
            self.days = (start_day.isoformat(), end_day.isoformat())
            self.ends = [(a, b) for a, b in ((first, _midnight(start_day)),
                                             (_midnight(end_day), after)) if a < b]
        self.days_long = (after - first).days + 1
        self.sums: dict | None = None  # see _sums
        self.members = User.select(User.id).where(User.team == team_id)
        self.team_id = team_id
        self.holders = None if team_id is None else IncidentDay.holder.in_(self.members)
        self.where = None if team_id is None else team_condition(team_id)

    def summed(self, *columns: pw.Node) -> pw.ModelSelect | None:
        """``columns`` over the period's whole days, or None when it has none."""
        if self.days is None:
            return None
        query = IncidentDay.select(*columns).where(IncidentDay.day >= self.days[0],
                                                   IncidentDay.day < self.days[1])
        return query.where(IncidentDay.holder == EVERYONE if self.holders is None
                           else self.holders)

    def counted(self, query: pw.ModelSelect) -> list[pw.ModelSelect]:
        """``query`` (over incidents) for each end of the period not in whole days."""
        return [in_period(query, a, b, self.where) for a, b in self.ends]

    def whole(self, query: pw.ModelSelect) -> pw.ModelSelect:
        """``query`` (over incidents) for the whole period."""
        return in_period(query, self.first, self.after, self.where)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, UTC)


def _count_if(condition: pw.Expression) -> pw.Function:
    return pw.fn.SUM(pw.Case(None, ((condition, 1),), 0))


def _add(into: dict, rows) -> None:
    for key, *values in rows:
        found = into.setdefault(key, [0] * len(values))
        for n, value in enumerate(values):
            found[n] += value or 0


def _sums(period: Period) -> dict[tuple[int, int, int], list]:
    """Per (priority, category, problem; 0: none), in one pass over the period's days and
    one over each of its ends: received, resolved, seconds to resolve in all, response met
    and missed, resolution met and missed. Kept on ``period``: three figures read them."""
    if period.sums is not None:
        return period.sums
    sums: dict[tuple[int, int, int], list] = {}
    d = IncidentDay
    summed = period.summed(d.priority, d.category, d.problem, pw.fn.SUM(d.incidents),
                           pw.fn.SUM(d.resolved), pw.fn.SUM(d.seconds),
                           pw.fn.SUM(d.response_met), pw.fn.SUM(d.response_missed),
                           pw.fn.SUM(d.resolution_met), pw.fn.SUM(d.resolution_missed))
    if summed is not None:
        _add_keyed(sums, summed.group_by(d.priority, d.category, d.problem).tuples())
    problem = pw.fn.COALESCE(Incident.problem, pw.SQL("0"))  # a literal: PostgreSQL groups by it
    for query in period.counted(Incident.select(
            Incident.priority, Incident.category, problem, COUNT,
            _count_if(Incident.resolved_at.is_null(False)), pw.fn.SUM(seconds_to_resolve()),
            _count_if(Incident.response_met == True),  # noqa: E712 (SQL, not Python)
            _count_if(Incident.response_met == False),  # noqa: E712
            _count_if(Incident.resolution_met == True),  # noqa: E712
            _count_if(Incident.resolution_met == False))):  # noqa: E712
        _add_keyed(sums, query.group_by(Incident.priority, Incident.category, problem)
                   .tuples())
    period.sums = sums
    return sums


def _add_keyed(into: dict, rows) -> None:
    _add(into, [((priority, category, problem), *values)
                for priority, category, problem, *values in rows])


def _folded(period: Period, part: int) -> dict[int, list]:
    """The sums folded by one part of their key (0 priority, 1 category, 2 problem)."""
    folded: dict[int, list] = {}
    _add(folded, [(key[part], *values) for key, values in _sums(period).items()])
    return folded


def priority_rows(period: Period, now: datetime) -> dict[int, tuple]:
    """Per priority, as app.models.period_stats.assemble_priorities takes them (closed and
    open at the end left at 0: the dashboard shows neither)."""
    # undecided targets, breached once due (app.models.period_stats.response_outcome)
    late_responses = dict(period.whole(Incident.select(
        Incident.priority, _count_if(Incident.response_due < now)))
        .where(Incident.response_met.is_null()).group_by(Incident.priority).tuples())
    late_resolutions = dict(period.whole(Incident.select(
        Incident.priority, _count_if(Incident.resolution_due < now)))
        .where(Incident.resolution_met.is_null(), Incident.resolved_at.is_null())
        .group_by(Incident.priority).tuples())
    rows = {}
    for priority, (received, resolved, seconds, response_met, response_missed,
                   resolution_met, resolution_missed) in _folded(period, 0).items():
        if not received:
            continue
        rows[priority] = (received, resolved, 0, 0, seconds if resolved else None,
                          response_met,
                          response_missed + (late_responses.get(priority) or 0),
                          resolution_met,
                          resolution_missed + (late_resolutions.get(priority) or 0))
    return rows


def category_counts(period: Period) -> dict[int, int]:
    """Incidents per category id (only those with incidents)."""
    return {key: values[0] for key, values in _folded(period, 1).items() if values[0]}


def problem_counts(period: Period) -> dict[int, int]:
    """Incidents per problem id (only problems with incidents)."""
    return {key: values[0] for key, values in _folded(period, 2).items()
            if key and values[0]}


# From this many days on, a period's medians are read in order from incident_resolved's
# indexes (a walk to the middle of every resolved incident of the priority, whatever the
# period); shorter periods sort their own incidents (app.models.period_stats). Both give
# the same medians; at a million incidents the walks take about 0.1 s for any period, the
# sorts 0.5 s for a month and 2 s or more for a year.
WALK_FROM_DAYS = 28


def medians(period: Period, resolved: dict[int, int]) -> tuple[dict[int, float], float | None]:
    """The median seconds to resolve per priority, and of all, of the period's incidents
    resolved (``resolved``: how many per priority)."""
    if period.days_long < WALK_FROM_DAYS:
        return resolve_medians(period.first, period.after, period.where, True, resolved)
    found = {}
    for priority, count in resolved.items():
        median = _walked(period, ResolvedIncident.priority == priority, count)
        if median is not None:
            found[priority] = median
    return found, _walked(period, None, sum(resolved.values()))


def _walked(period: Period, where: pw.Expression | None, count: int) -> float | None:
    """The middle one (or the mean of the middle two) of ``count`` seconds to resolve."""
    if not count:
        return None
    r = ResolvedIncident
    received = unindexed(r.received_at)
    query = r.select(r.seconds).where(received >= r.received_at.db_value(period.first),
                                      received < r.received_at.db_value(period.after))
    if where is not None:
        query = query.where(where)
    if period.team_id is not None:
        query = query.where(r.holder.in_(period.members))
    values = [s for (s,) in query.order_by(r.seconds).limit(2 - count % 2)
              .offset((count - 1) // 2).tuples()]
    return sum(values) / len(values) if values else None


class EscalationDay(BaseModel):
    """The escalations of one UTC day's incidents held by one user, to one target (``''``:
    to any), and how many incidents they concern (``escalation_day``, schema 16)."""

    day = pw.TextField()
    holder = pw.IntegerField(column_name="holder_id")
    target_code = pw.TextField()
    kind = pw.TextField()
    escalations = pw.IntegerField()
    incidents = pw.IntegerField()

    class Meta:
        table_name = "escalation_day"
        primary_key = False


class SatisfactionDay(BaseModel):
    """The callers' scores for one UTC day's incidents held by one user
    (``satisfaction_day``, schema 16)."""

    day = pw.TextField()
    holder = pw.IntegerField(column_name="holder_id")
    score = pw.IntegerField()
    responses = pw.IntegerField()

    class Meta:
        table_name = "satisfaction_day"
        primary_key = False


def _summed(period: Period, model: type[BaseModel], *columns: pw.Node) -> pw.ModelSelect | None:
    if period.days is None:
        return None
    query = model.select(*columns).where(model.day >= period.days[0],
                                         model.day < period.days[1])
    return query if period.team_id is None else query.where(model.holder.in_(period.members))


ALL_TARGETS = ("", "")  # escalation_day's row for escalations to any target


def escalation_counts(period: Period) -> dict[tuple[str, str], tuple[int, int]]:
    """(escalations, incidents escalated) per (target code, kind) of the escalations of
    the period's incidents, and of all of them under ALL_TARGETS."""
    counts: dict[tuple[str, str], list] = {}
    e = EscalationDay
    summed = _summed(period, e, e.target_code, e.kind, pw.fn.SUM(e.escalations),
                     pw.fn.SUM(e.incidents))
    if summed is not None:
        _add_pairs(counts, summed.group_by(e.target_code, e.kind).tuples())
    distinct = pw.fn.COUNT(Escalation.incident.distinct())
    made = Escalation.select().join(Incident, on=(Escalation.incident == Incident.id))
    for query in period.counted(made):
        _add_pairs(counts, query.select(Escalation.target_code, Escalation.kind, COUNT, distinct)
                   .group_by(Escalation.target_code, Escalation.kind).tuples())
        _add(counts, [(ALL_TARGETS, *query.select(COUNT, distinct).tuples().get())])
    return {key: (n, m) for key, (n, m) in counts.items() if n}


def _add_pairs(into: dict, rows) -> None:
    _add(into, [((code, kind), *values) for code, kind, *values in rows])


class IncidentGroup(BaseModel):
    """An incident's time of receipt and holder (``incident_group``, schema 16): a narrow
    copy to join escalations to, instead of the incidents' wide rows."""

    incident = pw.IntegerField(column_name="incident_id", primary_key=True)
    received_at = UtcDateTimeField()
    holder = pw.IntegerField(column_name="holder_id")

    class Meta:
        table_name = "incident_group"


def latest_target_name(period: Period, code: str, kind: str) -> str:
    """The name recorded at the latest escalation to ``code`` of the period's incidents,
    read backwards from the latest escalation to it (escalation_by_target)."""
    g = IncidentGroup
    received = unindexed(g.received_at)
    query = (Escalation.select(Escalation.target_name)
             .join(g, on=(Escalation.incident == g.incident))
             .where(Escalation.target_code == code, Escalation.kind == kind,
                    received >= g.received_at.db_value(period.first),
                    received < g.received_at.db_value(period.after)))
    if period.team_id is not None:
        query = query.where(g.holder.in_(period.members))
    return query.order_by(Escalation.id.desc()).limit(1).scalar() or ""


def satisfaction_counts(period: Period) -> dict[int, int]:
    """Responses per score for the period's incidents."""
    counts: dict[int, list] = {}
    s = SatisfactionDay
    summed = _summed(period, s, s.score, pw.fn.SUM(s.responses))
    if summed is not None:
        _add(counts, summed.group_by(s.score).tuples())
    for query in period.counted(Satisfaction.select(Satisfaction.score, COUNT).join(
            Incident, on=(Satisfaction.incident == Incident.id))):
        _add(counts, query.group_by(Satisfaction.score).tuples())
    return {score: n for score, (n,) in counts.items() if n}


def daily_counts(period: Period, start: date, end: date) -> dict[date, int]:
    """Incidents received on each local day from ``start`` to ``end`` (the period's days):
    summed from incident_day for the days that are whole UTC days (the zone's offset 0
    that day), counted from the incidents for the others (see
    app.models.period_stats.daily_counts)."""
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    whole = [d for d in days if _is_utc_day(d)]
    counts: dict[date, int] = {}
    if whole:
        d = IncidentDay
        query = d.select(d.day, pw.fn.SUM(d.incidents)).where(
            d.day >= whole[0].isoformat(), d.day <= whole[-1].isoformat(),
            d.holder == EVERYONE if period.holders is None else period.holders)
        wanted = {day.isoformat() for day in whole}
        counts.update((date.fromisoformat(day), n)
                      for day, n in query.group_by(d.day).tuples() if day in wanted)
    run: list[date] = []
    for day in [*days, None]:  # the other days, a run of consecutive ones at a time
        if day is not None and day not in whole:
            if run and day != run[-1] + timedelta(days=1):
                counts.update(period_daily_counts(run[0], run[-1], period.where))
                run = []
            run.append(day)
        elif run:
            counts.update(period_daily_counts(run[0], run[-1], period.where))
            run = []
    return counts


def _is_utc_day(day: date) -> bool:
    first, after = local_day_bounds_utc(day, day)
    return first == _midnight(day) and after == _midnight(day + timedelta(days=1))
