"""The dashboard's figures for a period and a team: volume per day and week, by category and
priority, times to resolve, SLA compliance, escalations, repeat callers and repeat incidents,
satisfaction, and incidents per problem.

Every figure is an SQL aggregate over the incidents received in the period (through the
index on ``received_at``), counted as :mod:`app.models.period_stats` counts them; no
incident is loaded into Python. A team's figures count the incidents its members own, and
those nobody owns that its members logged (:func:`app.models.incident_log.team_condition`).

Each figure can be opened in the log: :meth:`DashboardStats.log_filter` is the filter of
the whole period and team, to which a bar adds its own condition (a priority, a category, a
day); the log then shows the very incidents counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

import peewee as pw

from app.models.clock import now_utc
from app.models.day_figures import (
    ALL_TARGETS,
    Period,
    category_counts,
    daily_counts,
    escalation_counts,
    latest_target_name,
    medians,
    priority_rows,
    problem_counts,
    satisfaction_counts,
)
from app.models.dialect import latest_in_group, unindexed
from app.models.entities import Problem
from app.models.incident_log import (
    REPEAT_WINDOW_DAYS,
    CallerIncident,
    LogFilter,
    caller_team_condition,
    repeat_incidents,
)
from app.models.period_stats import (
    PriorityStats,
    SlaCounts,
    VolumeBucket,
    assemble_priorities,
    check_period,
    day_buckets,
    named_categories,
    period_text,
    week_buckets,
)
from app.models.redaction import mask_phone


class Preset(StrEnum):
    """The periods the dashboard offers, counted back from today."""

    LAST_7_DAYS = "last_7_days"
    LAST_30_DAYS = "last_30_days"
    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    THIS_YEAR = "this_year"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return _PRESET_LABELS[self]


_PRESET_LABELS = {
    Preset.LAST_7_DAYS: "Last 7 days", Preset.LAST_30_DAYS: "Last 30 days",
    Preset.THIS_MONTH: "This month", Preset.LAST_MONTH: "Last month",
    Preset.THIS_YEAR: "This year", Preset.CUSTOM: "Custom",
}


def preset_period(preset: Preset, today: date) -> tuple[date, date]:
    """The first and last day of ``preset``, today included where it is in the period.

    Raises:
        ValueError: CUSTOM, which has no fixed days.
    """
    if preset == Preset.LAST_7_DAYS:
        return today - timedelta(days=6), today
    if preset == Preset.LAST_30_DAYS:
        return today - timedelta(days=29), today
    if preset == Preset.THIS_MONTH:
        return today.replace(day=1), today
    if preset == Preset.LAST_MONTH:
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if preset == Preset.THIS_YEAR:
        return today.replace(month=1, day=1), today
    raise ValueError(f"{preset} has no fixed days")


def short_period_text(start: date, end: date) -> str:
    """``2 Nov 2026``, ``1–30 Nov 2026``, ``1 Oct – 30 Nov 2026`` or
    ``1 Dec 2025 – 31 Jan 2026``: as short as the days allow."""
    if start == end:
        return f"{end.day} {end:%b %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return period_text(start, end)


TOP_CALLERS = 10
TOP_PROBLEMS = 10
SCORES = (1, 2, 3, 4, 5)
COUNT = pw.fn.COUNT(pw.SQL("*"))


@dataclass(frozen=True)
class CategoryCount:
    id: int
    name: str
    count: int


@dataclass(frozen=True)
class TargetCount:
    """Escalations of the period's incidents to one level or team."""

    code: str  # L2, IT
    name: str  # as recorded at the latest escalation to it
    kind: str  # hierarchical or functional
    escalations: int
    incidents: int  # incidents escalated to it (the log shows these)


@dataclass(frozen=True)
class EscalationStats:
    """Escalations made for the incidents received in the period (whenever made)."""

    escalations: int = 0
    incidents: int = 0
    targets: tuple[TargetCount, ...] = ()  # most incidents first


@dataclass(frozen=True)
class RepeatCaller:
    """A caller with two or more incidents in the period.

    A team leader needs to know who keeps calling, so the name is shown as recorded on
    their latest incident; the phone number is masked (last three digits), being the key
    rather than something to read out.
    """

    key: str  # app.models.incident_log.CALLER_KEY
    name: str
    phone: str  # masked
    incidents: int


@dataclass(frozen=True)
class RepeatStats:
    callers: int = 0  # callers with two or more incidents in the period
    incidents: int = 0  # the incidents of those callers
    top: tuple[RepeatCaller, ...] = ()  # most incidents first
    repeat_incidents: int = 0  # see app.models.incident_log.repeat_incidents
    window_days: int = REPEAT_WINDOW_DAYS


@dataclass(frozen=True)
class SatisfactionStats:
    """The callers' scores for the period's incidents."""

    scores: tuple[tuple[int, int], ...] = tuple((s, 0) for s in SCORES)  # (score, responses)
    average: float | None = None

    @property
    def responses(self) -> int:
        return sum(n for _, n in self.scores)


@dataclass(frozen=True)
class ProblemCount:
    id: int
    reference: str
    title: str
    status: str  # ProblemStatus
    incidents: int


@dataclass(frozen=True)
class DashboardStats:
    """The dashboard's figures. SLA outcomes are judged at ``now``."""

    start: date
    end: date
    team_id: int | None
    now: datetime
    received: int
    resolved: int
    days: tuple[VolumeBucket, ...]  # every day of the period, zeros included
    weeks: tuple[VolumeBucket, ...]  # every ISO week, the first and last cut to the period
    categories: tuple[CategoryCount, ...]  # most first; only those with incidents
    priorities: tuple[PriorityStats, ...]  # P1 to P5, each one even when none came in
    mean_to_resolve: timedelta | None
    median_to_resolve: timedelta | None
    escalations: EscalationStats
    repeats: RepeatStats
    satisfaction: SatisfactionStats
    problems: tuple[ProblemCount, ...]  # the most incidents first, at most TOP_PROBLEMS
    problem_incidents: int  # incidents linked to any problem

    @property
    def response(self) -> SlaCounts:
        return sum((p.response for p in self.priorities), SlaCounts())

    @property
    def resolution(self) -> SlaCounts:
        return sum((p.resolution for p in self.priorities), SlaCounts())

    @property
    def text(self) -> str:
        return short_period_text(self.start, self.end)

    def log_filter(self) -> LogFilter:
        """The log's filter for every incident counted here (any status); a bar adds its
        own condition to it."""
        return LogFilter(received_from=self.start, received_to=self.end, team_id=self.team_id)


def _escalations(period: Period) -> EscalationStats:
    counts = escalation_counts(period)
    total, incidents = counts.pop(ALL_TARGETS, (0, 0))
    targets = sorted(((code, kind, n, m) for (code, kind), (n, m) in counts.items()),
                     key=lambda row: (-row[3], row[0]))
    return EscalationStats(total, incidents, tuple(
        TargetCount(code, latest_target_name(period, code, kind), kind, n, m)
        for code, kind, n, m in targets))


def _repeat_callers(first: datetime, after: datetime, where: pw.Expression | None,
                    limit: int) -> tuple[int, int, tuple[RepeatCaller, ...]]:
    """How many callers called twice or more, with how many incidents, and the ``limit``
    who called most: counted in caller order from schema 16's index, so that only the
    callers are sorted, not their incidents; then the name and phone of each one's latest
    incident (see :func:`app.models.dialect.latest_in_group`)."""
    c = CallerIncident
    received = unindexed(c.received_at)
    in_period = [received >= c.received_at.db_value(first),
                 received < c.received_at.db_value(after)]
    if where is not None:
        in_period.append(where)
    rows = list(c.select(c.caller_key.alias("caller"), COUNT.alias("n"),
                         pw.fn.COUNT(pw.SQL("*")).over(), pw.fn.SUM(COUNT).over())
                .where(*in_period).group_by(c.caller_key).having(COUNT >= 2)
                .order_by(pw.SQL("n").desc(), pw.SQL("caller")).limit(limit).tuples())
    if not rows:
        return 0, 0, ()
    latest = {key: (name, phone) for key, name, phone, _ in c.select(
        c.caller_key, latest_in_group(c.caller_name, c.received_at),
        latest_in_group(c.caller_phone, c.received_at), pw.fn.MAX(c.received_at))
        .where(c.caller_key.in_([row[0] for row in rows]), *in_period)
        .group_by(c.caller_key).tuples()}
    top = tuple(RepeatCaller(caller, latest[caller][0], mask_phone(latest[caller][1]), n)
                for caller, n, *_ in rows)
    return rows[0][2], rows[0][3], top


def _repeats(first: datetime, after: datetime, team_id: int | None) -> RepeatStats:
    where = caller_team_condition(team_id) if team_id is not None else None
    callers, incidents, top = _repeat_callers(first, after, where, TOP_CALLERS)
    repeated = repeat_incidents(first, after, where=where).count()
    return RepeatStats(callers, incidents, top, repeated or 0)


def _satisfaction(period: Period) -> SatisfactionStats:
    counts = satisfaction_counts(period)
    responses = sum(counts.values())
    total = sum(score * n for score, n in counts.items())
    return SatisfactionStats(tuple((s, counts.get(s, 0)) for s in SCORES),
                             total / responses if responses else None)


def _problems(period: Period, limit: int) -> tuple[tuple[ProblemCount, ...], int]:
    counts = problem_counts(period)
    if not counts:
        return (), 0
    problems = sorted((ProblemCount(id_, reference, title, status, counts[id_])
                       for id_, reference, title, status in Problem.select(
                           Problem.id, Problem.reference, Problem.title, Problem.status)
                       .where(Problem.id.in_(list(counts))).tuples()),
                      key=lambda p: (-p.incidents, p.reference))
    return tuple(problems[:limit]), sum(counts.values())


def dashboard_statistics(start: date, end: date, team_id: int | None = None,
                         now: datetime | None = None) -> DashboardStats:
    """The dashboard's figures for the incidents received from ``start`` 00:00 to ``end``
    24:00 local time (an empty period gives zeros, not an error).

    Args:
        team_id: only the team's incidents (see the module's docstring); None: everyone's.
        now: the moment SLA targets not yet met are judged at (overdue or not yet due);
            the current time unless given.

    Raises:
        PeriodError: the period ends before it starts, or is longer than a year.
    """
    first, after = check_period(start, end)
    now = now or now_utc()
    period = Period(first, after, team_id)
    rows = priority_rows(period, now)
    by_priority, median = medians(period, {p: row[1] for p, row in rows.items()})
    priorities, totals, mean = assemble_priorities(rows, by_priority)
    days = day_buckets(start, end, daily_counts(period, start, end))
    problems, linked = _problems(period, TOP_PROBLEMS)
    return DashboardStats(
        start=start, end=end, team_id=team_id, now=now, received=totals["received"],
        resolved=totals["resolved"], days=days, weeks=week_buckets(days),
        categories=tuple(CategoryCount(*row)
                         for row in named_categories(category_counts(period))),
        priorities=tuple(priorities),
        mean_to_resolve=None if mean is None else timedelta(seconds=round(mean)),
        median_to_resolve=None if median is None else timedelta(seconds=round(median)),
        escalations=_escalations(period), repeats=_repeats(first, after, team_id),
        satisfaction=_satisfaction(period), problems=problems,
        problem_incidents=linked)
