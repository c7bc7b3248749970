"""The incident log as a query: filter, sort and read one page at a time, never the table."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

import peewee as pw

from app.models.clock import local_day_bounds_utc, now_utc
from app.models.entities import Category, Incident, User
from app.models.lifecycle import Status
from app.models.sla import ClockReading, ClockState, clock_reading

REFERENCE_PATTERN = re.compile(r"INC-\d{4}-\d{6}", re.IGNORECASE)
OPEN_STATUSES = frozenset(s.value for s in Status if s.is_open)
UNASSIGNED = 0  # owner filter value meaning "nobody owns it"


class SortKey(StrEnum):
    """The columns the log can be sorted by."""

    REFERENCE = "reference"
    RECEIVED = "received"
    CALLER = "caller"
    NATURE = "nature"
    CATEGORY = "category"
    PRIORITY = "priority"
    STATUS = "status"
    OWNER = "owner"
    SLA = "sla"


@dataclass(frozen=True)
class LogFilter:
    """What the log shows; an empty field does not filter."""

    statuses: frozenset[str] = frozenset()
    priorities: frozenset[int] = frozenset()
    category_id: int | None = None
    owner_id: int | None = None
    received_from: date | None = None
    received_to: date | None = None
    text: str = ""
    sla: ClockState | None = None  # AT_RISK or BREACHED: open incidents in that state
    escalation_overdue: bool = False  # open incidents with an escalation due and not made


@dataclass(frozen=True)
class LogRow:
    """One row of the log, as shown."""

    id: int
    reference: str
    received_at: datetime
    caller_name: str
    summary: str
    category: str
    priority: int
    status: str
    owner: str
    clock: ClockReading
    escalation_due_at: datetime | None = None  # only while open

    def escalation_overdue(self, now: datetime) -> bool:
        return self.escalation_due_at is not None and self.escalation_due_at <= now


def fts_query(text: str) -> str:
    """A safe FTS5 query from what the user typed: every word must match, as a prefix.

    Words are quoted, so FTS5 syntax in the input (``AND``, ``*``, ``"``) is taken as text.
    """
    words = re.findall(r"\w+", text)
    return " ".join(f'"{w}"*' for w in words)


def _next(response_field, resolution_field):
    """The response deadline until someone responds, then the resolution one."""
    return pw.Case(None, ((Incident.responded_at.is_null(), response_field),),
                   resolution_field)


NEXT_DUE = _next(Incident.response_due, Incident.resolution_due)
NEXT_WARN = _next(Incident.response_warn_at, Incident.resolution_warn_at)
IS_OPEN = Incident.status.in_(sorted(OPEN_STATUSES))
# Most pressing first when ascending: open incidents by their next deadline, then those on
# hold (no deadline), then the resolved and closed.
SLA_ORDER = pw.Case(None, ((IS_OPEN, pw.fn.COALESCE(NEXT_DUE, "9999-12-30")),),
                    "9999-12-31")


def _sort_expression(key: SortKey):
    return {
        SortKey.REFERENCE: Incident.id,  # references increase with ids
        SortKey.RECEIVED: Incident.received_at,
        SortKey.CALLER: Incident.caller_name,
        SortKey.NATURE: Incident.summary,
        SortKey.CATEGORY: Category.name,
        SortKey.PRIORITY: Incident.priority,
        SortKey.STATUS: Incident.status,
        # No NULLs in a sort key, so "comes before" is a plain comparison (see position_of).
        SortKey.OWNER: pw.fn.COALESCE(User.display_name, ""),
        SortKey.SLA: SLA_ORDER,
    }[key]


class IncidentLog:
    """A filtered, sorted view of the incidents, read a page at a time."""

    def __init__(self, log_filter: LogFilter | None = None, sort: SortKey = SortKey.RECEIVED,
                 descending: bool = True, now: datetime | None = None):
        self.filter = log_filter or LogFilter()
        self.sort = sort
        self.descending = descending
        self.now = now or now_utc()
        self._count: int | None = None

    def _where(self, query: pw.ModelSelect) -> pw.ModelSelect:
        f = self.filter
        if f.statuses:
            query = query.where(Incident.status.in_(sorted(f.statuses)))
        if f.priorities:
            query = query.where(Incident.priority.in_(sorted(f.priorities)))
        if f.category_id is not None:
            query = query.where(Incident.category == f.category_id)
        if f.owner_id == UNASSIGNED:
            query = query.where(Incident.owner.is_null())
        elif f.owner_id is not None:
            query = query.where(Incident.owner == f.owner_id)
        if f.received_from or f.received_to:
            first = f.received_from or date(2000, 1, 1)
            last = f.received_to or date(9998, 12, 30)
            start, end = local_day_bounds_utc(first, last)
            query = query.where((Incident.received_at >= start) & (Incident.received_at < end))
        if f.sla is not None:
            # compared as stored text; the expressions must stay on the left for peewee
            now = Incident.response_due.db_value(self.now)
            if f.sla == ClockState.BREACHED:
                query = query.where(IS_OPEN & (NEXT_DUE < now))  # noqa: SIM300
            elif f.sla == ClockState.AT_RISK:
                query = query.where(IS_OPEN & (NEXT_WARN <= now)  # noqa: SIM300
                                    & (NEXT_DUE >= now))  # noqa: SIM300
            else:
                raise ValueError(f"the log filters on at-risk or breached, not {f.sla}")
        if f.escalation_overdue:
            now = Incident.escalation_due_at.db_value(self.now)
            query = query.where(IS_OPEN & (Incident.escalation_due_at <= now))
        reference = REFERENCE_PATTERN.fullmatch(f.text.strip())
        match = fts_query(f.text)
        if reference:  # a whole reference: the unique index answers at once
            query = query.where(Incident.reference == reference.group(0).upper())
        elif match:
            matching = pw.SQL("(SELECT rowid FROM incident_fts WHERE incident_fts MATCH ?)",
                              (match,))
            query = query.where(Incident.id.in_(matching))
        return query

    def count(self) -> int:
        """How many incidents the filter lets through (cached until the log is re-made)."""
        if self._count is None:
            self._count = self._where(Incident.select(pw.fn.COUNT(pw.SQL("*")))).scalar()
        return self._count

    def _ordered(self, query: pw.ModelSelect) -> pw.ModelSelect:
        """``query`` joined to what the sort key needs."""
        if self.sort == SortKey.CATEGORY:
            query = query.join(Category, on=(Incident.category == Category.id))
        elif self.sort == SortKey.OWNER:
            query = query.join(User, pw.JOIN.LEFT_OUTER, on=(Incident.owner == User.id))
        return self._where(query)

    def _page_ids(self, offset: int, limit: int, descending: bool) -> list[int]:
        expr = _sort_expression(self.sort)
        order = [expr.desc(), Incident.id.desc()] if descending else [expr.asc(),
                                                                       Incident.id.asc()]
        query = self._ordered(Incident.select(Incident.id)).order_by(*order)
        return [row[0] for row in query.limit(limit).offset(offset).tuples()]

    def rows(self, offset: int, limit: int) -> list[LogRow]:
        """Rows ``offset`` to ``offset + limit`` in the current order.

        SQLite walks past every skipped row of an OFFSET, so a page in the second half is
        read from the other end in reverse order: the walk is never more than half the log.
        """
        total = self.count()
        offset = max(0, min(offset, total))
        limit = max(0, min(limit, total - offset))
        if limit == 0:
            return []
        if offset > total // 2:
            back = total - offset - limit
            ids = list(reversed(self._page_ids(back, limit, not self.descending)))
        else:
            ids = self._page_ids(offset, limit, self.descending)
        return self._rows_for(ids)

    def _rows_for(self, ids: list[int]) -> list[LogRow]:
        owner = User.alias()
        query = (Incident
                 .select(Incident.id, Incident.reference, Incident.received_at,
                         Incident.caller_name, Incident.summary, Category.name,
                         Incident.priority, Incident.status, owner.display_name,
                         Incident.responded_at, Incident.response_due,
                         Incident.response_warn_at, Incident.resolution_due,
                         Incident.resolution_warn_at, Incident.resolution_met,
                         Incident.escalation_due_at)
                 .join(Category, on=(Incident.category == Category.id))
                 .join_from(Incident, owner, pw.JOIN.LEFT_OUTER,
                            on=(Incident.owner == owner.id))
                 .where(Incident.id.in_(ids)))
        by_id = {}
        for row in query.tuples():
            clock = clock_reading(row[7] in OPEN_STATUSES, row[9] is not None, *row[10:15],
                                  now=self.now)
            is_open = row[7] in OPEN_STATUSES
            by_id[row[0]] = LogRow(*row[:8], owner=row[8] or "", clock=clock,
                                   escalation_due_at=row[15] if is_open else None)
        return [by_id[i] for i in ids if i in by_id]

    def position_of(self, incident_id: int) -> int | None:
        """The row at which ``incident_id`` stands in the current order, if it passes.

        Counted in SQL as the rows that sort before it, so it costs one indexed count
        wherever the incident stands.
        """
        expr = _sort_expression(self.sort)
        found = (self._ordered(Incident.select(expr)).where(Incident.id == incident_id)
                 .tuples().first())
        if found is None:
            return None
        value = found[0]
        if self.descending:
            before = (expr > value) | ((expr == value) & (Incident.id > incident_id))
        else:
            before = (expr < value) | ((expr == value) & (Incident.id < incident_id))
        return self._ordered(Incident.select(pw.fn.COUNT(pw.SQL("*")))).where(before).scalar()
