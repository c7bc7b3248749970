"""The incident log as a query: filter, sort and read one page at a time, never the table.

Also the rules the dashboard counts by, so that a bar clicked shows the very incidents it
counted: a team's incidents, a caller's, the repeat incidents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple

import peewee as pw

from app.models.clock import local_day_bounds_utc, now_utc
from app.models.db import BaseModel, UtcDateTimeField
from app.models.dialect import on_postgres, raw_sql
from app.models.entities import Category, Escalation, Incident, Satisfaction, User
from app.models.lifecycle import Status
from app.models.period_stats import resolution_outcome, response_outcome
from app.models.personal_data import ERASED, PHONE_DIGITS_SQL
from app.models.sla import ClockReading, ClockState, clock_reading

REFERENCE_PATTERN = re.compile(r"INC-\d{4}-\d{6}", re.IGNORECASE)
OPEN_STATUSES = frozenset(s.value for s in Status if s.is_open)
UNASSIGNED = 0  # owner filter value meaning "nobody owns it"
REPEAT_WINDOW_DAYS = 7  # a repeat incident follows the caller's last one within this many days
# Words matching at least one incident in this many are paged down the received_at index
# (see IncidentLog._dense_page_ids); rarer ones are looked up and sorted.
DENSE_MATCHES = 100


# --- the dashboard's rules ------------------------------------------------------------------
def team_condition(team_id: int) -> pw.Expression:
    """The team's incidents: those owned by one of its members, and those nobody owns that
    one of its members logged (so a team's new, unassigned calls count for it)."""
    members = User.select(User.id).where(User.team == team_id)
    return pw.fn.COALESCE(Incident.owner, Incident.logged_by).in_(members)


# A caller is known by their phone number's digits (``phone:01614960123``), or, when none
# was taken, by their name in lower case (``name:olivia taylor``); callers whose details
# were erased, and anonymous ones, are nobody's.
PHONE_PREFIX, NAME_PREFIX = "phone:", "name:"
PHONE_DIGITS = pw.SQL(PHONE_DIGITS_SQL)  # answered by the index of migration 0007
NAME_KEY = pw.fn.lower(pw.fn.trim(Incident.caller_name))
NOT_NAMES = ("", "anonymous", ERASED.lower())
CALLER_KEY = pw.Case(None, (
    (Incident.anonymised_at.is_null(False), None),
    (Incident.caller_phone != "", pw.Value(PHONE_PREFIX).concat(PHONE_DIGITS)),
    (NAME_KEY.not_in(NOT_NAMES), pw.Value(NAME_PREFIX).concat(NAME_KEY)),
), None)
# CALLER_KEY IS NOT NULL, without working the key out: the phone's digits take seven
# replace() calls a row, a second or more at a million incidents
CALLER_KNOWN = Incident.anonymised_at.is_null() & (
    (Incident.caller_phone != "") | NAME_KEY.not_in(NOT_NAMES))


class CallerIncident(BaseModel):
    """An incident of a known caller, as the repeat figures read it (``incident_caller``,
    schema 16): its caller's key (:data:`CALLER_KEY`), who holds it (the owner, or who
    logged it when nobody owns it), and when the caller's previous incident in the same
    category was received, with the days between (``gap``). On SQLite a table the
    database keeps current through triggers on ``incident``; on PostgreSQL a view. Never
    written here."""

    incident = pw.IntegerField(column_name="incident_id", primary_key=True)
    caller_key = pw.TextField()
    category = pw.IntegerField(column_name="category_id")
    received_at = UtcDateTimeField()
    caller_name = pw.TextField()
    caller_phone = pw.TextField()
    holder = pw.IntegerField(column_name="holder_id")
    previous = UtcDateTimeField(null=True)
    gap = pw.FloatField(null=True)

    class Meta:
        table_name = "incident_caller"


def caller_team_condition(team_id: int) -> pw.Expression:
    """:func:`team_condition` for :class:`CallerIncident` rows."""
    return CallerIncident.holder.in_(User.select(User.id).where(User.team == team_id))


def caller_condition(key: str) -> pw.Expression:
    """The incidents of the caller ``key`` (a value of :data:`CALLER_KEY`), written so that
    a phone number is found through its index."""
    live = Incident.anonymised_at.is_null()
    kind, _, value = key.partition(":")
    # the SQL expressions must stay on the left for peewee
    if f"{kind}:" == PHONE_PREFIX:
        return live & (Incident.caller_phone != "") & (PHONE_DIGITS == value)  # noqa: SIM300
    if f"{kind}:" == NAME_PREFIX and value not in NOT_NAMES:
        return live & (Incident.caller_phone == "") & (NAME_KEY == value)  # noqa: SIM300
    raise ValueError(f"not a caller: {key!r}")


def repeat_incidents(first: datetime | None, after: datetime | None,
                     days: int = REPEAT_WINDOW_DAYS, where: pw.Expression | None = None
                     ) -> pw.SelectQuery:
    """The ids of the incidents received in [first, after) (either end open when None)
    that repeat one of the same caller's in the same category received at most ``days``
    days before (that one may be from before ``first``): a caller back with the same kind
    of trouble, which the first fix did not end. ``where`` (on :class:`CallerIncident`),
    when given, limits them further (to a team's, say).

    Each incident is compared with the caller's previous one in the category, which
    schema 16 keeps beside it with the days between (:class:`CallerIncident`, as
    :func:`app.models.dialect.days_between` counts them): one range of its index."""
    query = CallerIncident.select(CallerIncident.incident).where(CallerIncident.gap <= days)
    if first is not None:
        query = query.where(CallerIncident.received_at >= first)
    if after is not None:
        query = query.where(CallerIncident.received_at < after)
    if where is not None:
        query = query.where(where)
    return query


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
    # the dashboard's (see team_condition, caller_condition and repeat_incidents)
    team_id: int | None = None
    problem_id: int | None = None
    response: str | None = None  # MET, BREACHED or PENDING, as app.models.period_stats judges
    resolution: str | None = None
    escalated: bool = False  # escalated at least once (to escalation_target, if one is named)
    escalation_target: str = ""  # the code of a level or team (``L3``, ``IT``)
    satisfaction: int | None = None  # the caller's score, 1 to 5
    caller: str = ""  # a caller's key (app.models.incident_log.CALLER_KEY)
    repeats: bool = False  # repeat incidents only (see repeat_incidents)


class LogRow(NamedTuple):
    """One row of the log, as shown (a named tuple: made a hundred at a time, a page, and
    quicker to make than a frozen dataclass)."""

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


def tsquery(text: str) -> str:
    """The same for PostgreSQL's ``to_tsquery('simple', ...)`` over ``search_vector``:
    every word a quoted prefix (``'olivi':* & 'billing':*``). PostgreSQL's parser reads
    the ``-000002`` of ``INC-2026-000002`` as a signed number, so a number is also looked
    for with a minus before it (``('000002':* | '-000002':*)``)."""
    def term(word: str) -> str:
        return f"('{word}':* | '-{word}':*)" if word.isdigit() else f"'{word}':*"

    return " & ".join(term(w) for w in re.findall(r"\w+", text))


def _next(response_field, resolution_field):
    """The response deadline until someone responds, then the resolution one."""
    return pw.Case(None, ((Incident.responded_at.is_null(), response_field),),
                   resolution_field)


NEXT_DUE = _next(Incident.response_due, Incident.resolution_due)
NEXT_WARN = _next(Incident.response_warn_at, Incident.resolution_warn_at)
IS_OPEN = Incident.status.in_(sorted(OPEN_STATUSES))
# Most pressing first when ascending: open incidents by their next deadline, then those on
# hold (no deadline), then the resolved and closed. Written with literals, not bound
# values, so that SQLite matches it to the expression schema 14 indexes (incident_sla_order)
# and reads a page in order instead of sorting every incident.
_OPEN_LITERALS = ", ".join(f"'{status}'" for status in sorted(OPEN_STATUSES))
SLA_ORDER = pw.Case(None, (
    (pw.NodeList((Incident.status, pw.SQL(f"IN ({_OPEN_LITERALS})"))),
     pw.fn.COALESCE(NEXT_DUE, pw.SQL("'9999-12-30'"))),), pw.SQL("'9999-12-31'"))


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


# Filters on these fields only are checked within incident_period's entries (schema 11's
# index: received_at, priority, status, category_id, problem_id, owner_id and more), or,
# for words, by the row id (see IncidentLog._walks_period_index).
PERIOD_FREE = {"statuses": frozenset(), "priorities": frozenset(), "category_id": None,
               "owner_id": None, "received_from": None, "received_to": None,
               "problem_id": None, "text": ""}
GROUPED_SORTS = frozenset({SortKey.CATEGORY, SortKey.OWNER})
WALK_FACTOR = 4  # see IncidentLog._dense
_field_time = UtcDateTimeField().python_value
_ROWS_SQL: dict[tuple[bool, int], str] = {}
_QUERY_SQL: dict[tuple, tuple[str, list]] = {}  # see IncidentLog._sql
QUERIES_KEPT = 256


def _time(value: str | datetime | None) -> datetime | None:
    """A stored time as UtcDateTimeField reads it, SQLite's text parsed with its zone
    written in (six times quicker than peewee's parse then ``replace(tzinfo=UTC)``)."""
    if value.__class__ is str:
        try:
            return datetime.fromisoformat(value + "+00:00")
        except ValueError:  # not the stored form: left to the field
            pass
    return _field_time(value)


def _indexed_by(model: type[pw.Model], index: str) -> pw.Node:
    """``model``'s table read through ``index`` (SQLite's INDEXED BY)."""
    return pw.NodeList((model, pw.SQL(f"INDEXED BY {index}")))


def _rows_query(ids: list[int]) -> pw.ModelSelect:
    owner = User.alias()
    return (Incident
            .select(Incident.id, Incident.reference, Incident.received_at,
                    Incident.caller_name, Incident.summary, Category.name,
                    Incident.priority, Incident.status, owner.display_name,
                    Incident.responded_at, Incident.response_due,
                    Incident.response_warn_at, Incident.resolution_due,
                    Incident.resolution_warn_at, Incident.resolution_met,
                    Incident.escalation_due_at)
            .join(Category, on=(Incident.category == Category.id))
            .join_from(Incident, owner, pw.JOIN.LEFT_OUTER, on=(Incident.owner == owner.id))
            .where(Incident.id.in_(ids)))


def _rows_sql(count: int) -> str:
    """The SQL of :func:`_rows_query` for ``count`` ids, its only parameters."""
    key = (on_postgres(), count)
    sql = _ROWS_SQL.get(key)
    if sql is None:
        sql, params = _rows_query(list(range(count))).sql()
        assert params == list(range(count)), params  # the ids alone are bound
        sql = _ROWS_SQL[key] = sql
    return sql


def _status_count(statuses: frozenset[str]) -> int:
    """How many incidents are in ``statuses`` (every incident, when empty), read from the
    per-status counts schema 17 keeps (a view on PostgreSQL)."""
    sql = "SELECT COALESCE(SUM(incidents), 0) FROM incident_status_count"
    if statuses:
        sql += f" WHERE status IN ({', '.join('?' * len(statuses))})"
    return Incident._meta.database.execute_sql(raw_sql(sql), sorted(statuses)).fetchone()[0]


class IncidentLog:
    """A filtered, sorted view of the incidents, read a page at a time."""

    def __init__(self, log_filter: LogFilter | None = None, sort: SortKey = SortKey.RECEIVED,
                 descending: bool = True, now: datetime | None = None):
        self.filter = log_filter or LogFilter()
        self.sort = sort
        self.descending = descending
        self.now = now or now_utc()
        self._count: int | None = None
        self._highest: int | None = None
        self._group_list: list[list[int | None]] | None = None
        self._group_counts: dict[int, int] = {}

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
        start = end = None
        if f.received_from or f.received_to:
            first = f.received_from or date(2000, 1, 1)
            last = f.received_to or date(9998, 12, 30)
            start, end = local_day_bounds_utc(first, last)
            query = query.where((Incident.received_at >= start) & (Incident.received_at < end))
        query = self._where_dashboard(query, start, end)
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
            if on_postgres():  # the generated column search_vector, on its GIN index
                matching = pw.SQL(raw_sql("(SELECT id FROM incident WHERE search_vector @@ "
                                          "to_tsquery('simple', ?))"), (tsquery(f.text),))
            else:
                matching = pw.SQL("(SELECT rowid FROM incident_fts WHERE incident_fts MATCH ?)",
                                  (match,))
            query = query.where(Incident.id.in_(matching))
        return query

    def _where_dashboard(self, query: pw.ModelSelect, start: datetime | None,
                         end: datetime | None) -> pw.ModelSelect:
        """The filters a dashboard's bar sets; the received period is [start, end)."""
        f = self.filter
        if f.team_id is not None:
            query = query.where(team_condition(f.team_id))
        if f.problem_id is not None:
            query = query.where(Incident.problem == f.problem_id)
        if f.response is not None:
            query = query.where(response_outcome(self.now) == f.response)
        if f.resolution is not None:
            query = query.where(resolution_outcome(self.now) == f.resolution)
        if f.escalated or f.escalation_target:
            escalations = Escalation.select(Escalation.incident)
            if f.escalation_target:
                escalations = escalations.where(Escalation.target_code == f.escalation_target)
            query = query.where(Incident.id.in_(escalations))
        if f.satisfaction is not None:
            query = query.where(Incident.id.in_(
                Satisfaction.select(Satisfaction.incident)
                .where(Satisfaction.score == f.satisfaction)))
        if f.caller:
            query = query.where(caller_condition(f.caller))
        if f.repeats:
            query = query.where(Incident.id.in_(repeat_incidents(start, end)))
        return query

    def count(self) -> int:
        """How many incidents the filter lets through (cached until the log is re-made)."""
        if self._count is None:
            match = self._words_only()
            if match:  # FTS5 counts its own rows, one per incident, without reading them
                self._count = Incident._meta.database.execute_sql(
                    "SELECT COUNT(*) FROM incident_fts WHERE incident_fts MATCH ?",
                    (match,)).fetchone()[0]
            elif replace(self.filter, statuses=frozenset()) == LogFilter():
                self._count = _status_count(self.filter.statuses)
            else:
                sql, params = self._sql("count", lambda: self._where(
                    Incident.select(pw.fn.COUNT(pw.SQL("*")))))
                self._count = Incident._meta.database.execute_sql(sql, params).fetchone()[0]
        return self._count

    def _sql(self, kind: str, build) -> tuple[str, list]:
        """The SQL and parameters of the query ``build()`` makes for this log, made by
        peewee once for each filter, sort and ``kind`` (0.4 ms a query at each page or
        count) and kept, unless the filter reads the time now (the SLA, escalation and
        outcome filters), which changes the SQL. A page's query is built with LIMIT 1
        OFFSET 1 (its last two parameters), set again by the caller."""
        f = self.filter
        if (f.sla is not None or f.escalation_overdue or f.response is not None
                or f.resolution is not None):
            return build().sql()
        key = (on_postgres(), kind, f, self.sort)
        found = _QUERY_SQL.get(key)
        if found is None:
            if len(_QUERY_SQL) >= QUERIES_KEPT:
                _QUERY_SQL.clear()
            found = _QUERY_SQL[key] = build().sql()
        return found

    def _page_query(self, kind: str, build, offset: int, limit: int) -> list[int]:
        """The ids a page query (:meth:`_sql`) reads at ``offset``, at most ``limit``."""
        sql, params = self._sql(kind, lambda: build().limit(1).offset(1))
        assert params[-2:] == [1, 1], params  # LIMIT and OFFSET, the last two
        cursor = Incident._meta.database.execute_sql(sql, [*params[:-2], limit, offset])
        return [row[0] for row in cursor.fetchall()]

    def _words_only(self) -> str:
        """The FTS5 query when the log is filtered by words typed and nothing else (on
        SQLite); "" otherwise."""
        text = self.filter.text
        if (on_postgres() or REFERENCE_PATTERN.fullmatch(text.strip())
                or replace(self.filter, text="") != LogFilter()):
            return ""
        return fts_query(text)

    def _ordered(self, query: pw.ModelSelect) -> pw.ModelSelect:
        """``query`` joined to what the sort key needs."""
        if self.sort == SortKey.CATEGORY:
            query = query.join(Category, on=(Incident.category == Category.id))
        elif self.sort == SortKey.OWNER:
            query = query.join(User, pw.JOIN.LEFT_OUTER, on=(Incident.owner == User.id))
        return self._where(query)

    def _highest_id(self) -> int:
        """The highest incident id: the table's size, near enough, for the density tests."""
        if self._highest is None:
            self._highest = Incident.select(pw.fn.MAX(Incident.id)).scalar() or 0
        return self._highest

    def _dense(self, rows: int) -> bool:
        """Whether reading ``rows`` matches down an index (checking the filter there) costs
        less than sorting every match: about ``rows * size / count`` index entries walked,
        at some thirteen thousand a millisecond, against ``count`` matches sorted, at some
        two thousand a millisecond (SQLite, a million incidents); WALK_FACTOR keeps it on
        the safe side of that."""
        count = self.count()
        return count > 0 and rows * self._highest_id() <= WALK_FACTOR * count * count

    def _page_ids(self, offset: int, limit: int, descending: bool) -> list[int]:
        if self.sort == SortKey.RECEIVED:
            match = self._words_only()
            if match and self.count() * DENSE_MATCHES >= self._highest_id():
                return self._dense_page_ids(match, offset, limit, descending)
            if self._walks_period_index() and self._dense(offset + limit):
                return self._period_page_ids(offset, limit, descending)
        elif self.sort in GROUPED_SORTS and self._dense(offset + limit):
            groups = self._groups()
            if groups is not None:
                return self._grouped_page_ids(groups, offset, limit, descending)
        expr = _sort_expression(self.sort)
        order = [expr.desc(), Incident.id.desc()] if descending else [expr.asc(),
                                                                       Incident.id.asc()]
        return self._page_query(
            f"sorted {descending}",
            lambda: self._ordered(Incident.select(Incident.id)).order_by(*order),
            offset, limit)

    @staticmethod
    def _dense_page_ids(match: str, offset: int, limit: int, descending: bool) -> list[int]:
        """A page of the incidents FTS5 matches, in received order, read down the index on
        ``received_at`` and kept when they match: the page's rows and those between them
        are read from the index, where sorting every match would read each one's row from
        the table (33,000 of a million incidents: 50 ms, against 5)."""
        direction = "DESC" if descending else "ASC"
        cursor = Incident._meta.database.execute_sql(
            "SELECT id FROM incident INDEXED BY incident_received_at WHERE id IN "
            "(SELECT rowid FROM incident_fts WHERE incident_fts MATCH ?) "
            f"ORDER BY received_at {direction}, id {direction} LIMIT ? OFFSET ?",
            (match, limit, offset))
        return [row[0] for row in cursor.fetchall()]

    # --- many matches, received order: down incident_period ------------------------------
    def _walks_period_index(self) -> bool:
        """Whether a page in received order is better read down ``incident_period`` (SQLite):
        the filter asks only for what that index holds (status, priority, category, owner,
        problem, the received period, words), and no other index gives its matches in
        received order already (one priority and one status: that index does)."""
        f = self.filter
        if on_postgres() or replace(f, **PERIOD_FREE) != LogFilter():
            return False
        if len(f.priorities) == 1 and len(f.statuses) == 1:
            return False
        return bool(f.statuses or f.priorities or f.category_id is not None
                    or f.owner_id is not None or f.problem_id is not None)

    def _period_page_ids(self, offset: int, limit: int, descending: bool) -> list[int]:
        """A page in received order read down ``incident_period``, whose entries hold the
        columns filtered on, so a match is known without reading its row: the priority
        filter alone (a tenth of a million incidents) took 53 ms to sort, 0.1 ms so."""
        order = ([Incident.received_at.desc(), Incident.id.desc()] if descending
                 else [Incident.received_at.asc(), Incident.id.asc()])
        return self._page_query(
            f"period {descending}",
            lambda: self._where(Incident.select(Incident.id).from_(
                _indexed_by(Incident, "incident_period"))).order_by(*order),
            offset, limit)

    # --- many matches, by category or owner: one group of the names at a time -------------
    def _groups(self) -> list[list[int | None]] | None:
        """The categories (by category) or owners (by owner) in the order of their names,
        those of one name together, on SQLite; None on PostgreSQL, whose planner and
        collation are left the join and sort. Nobody (no owner) sorts first, as the name "".
        """
        if on_postgres():
            return None
        if self._group_list is None:
            if self.sort == SortKey.CATEGORY:
                named = list(Category.select(Category.id, Category.name)
                             .order_by(Category.name, Category.id).tuples())
            else:
                named = [(None, ""), *User.select(User.id, User.display_name)
                         .order_by(User.display_name, User.id).tuples()]
            groups: list[list[int | None]] = []
            last: str | None = None
            for key, name in named:
                if groups and name == last:
                    groups[-1].append(key)
                else:
                    groups.append([key])
                last = name
            self._group_list = groups
        return self._group_list

    def _in_group(self, keys: list[int | None]) -> pw.Expression:
        field = Incident.category if self.sort == SortKey.CATEGORY else Incident.owner
        known = [key for key in keys if key is not None]
        condition = field.in_(known)
        if None in keys:
            condition = field.is_null() | condition if known else field.is_null()
        return condition

    def _group_count(self, number: int, groups: list[list[int | None]]) -> int:
        """How many incidents of group ``number`` the filter lets through (kept)."""
        if number not in self._group_counts:
            self._group_counts[number] = self._where(
                Incident.select(pw.fn.COUNT(pw.SQL("*")))).where(
                self._in_group(groups[number])).scalar()
        return self._group_counts[number]

    def _grouped_page_ids(self, groups: list[list[int | None]], offset: int, limit: int,
                          descending: bool) -> list[int]:
        """A page by category or owner name, read group by group down the index on
        ``category_id`` (``owner_id``), in id order within a group, as the sort by name and
        id has them: a group's count is asked for only when the page starts past it. The
        join sorted every incident (a million: 140 ms for any page)."""
        index = ("incident_category_id" if self.sort == SortKey.CATEGORY
                 else "incident_owner_id")
        order = Incident.id.desc() if descending else Incident.id.asc()
        numbers = range(len(groups) - 1, -1, -1) if descending else range(len(groups))
        ids: list[int] = []
        skip = offset
        for number in numbers:
            if skip:
                count = self._group_count(number, groups)
                if count <= skip:
                    skip -= count
                    continue
            query = (self._where(Incident.select(Incident.id)
                                 .from_(_indexed_by(Incident, index)))
                     .where(self._in_group(groups[number])).order_by(order)
                     .limit(limit - len(ids)).offset(skip))
            ids.extend(row[0] for row in query.tuples())
            skip = 0
            if len(ids) >= limit:
                break
        return ids

    def _grouped_position(self, incident_id: int, groups: list[list[int | None]]
                          ) -> int | None:
        """:meth:`position_of` by category or owner: the incidents of the groups before
        its own, and of its own group those with an id before it."""
        field = Incident.category if self.sort == SortKey.CATEGORY else Incident.owner
        found = self._where(Incident.select(field)).where(Incident.id == incident_id).tuples()
        found = found.first()
        if found is None:
            return None
        number = next(n for n, keys in enumerate(groups) if found[0] in keys)
        before = range(number + 1, len(groups)) if self.descending else range(number)
        earlier = sum(self._group_count(n, groups) for n in before)
        beside = (Incident.id > incident_id) if self.descending else (Incident.id < incident_id)
        return earlier + self._where(Incident.select(pw.fn.COUNT(pw.SQL("*")))).where(
            self._in_group(groups[number]) & beside).scalar()

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
        """The rows of ``ids``, in that order, read in one statement whose SQL is made
        once for each number of ids (peewee took 0.5 ms to write it for every page) and
        whose values are converted only where the row needs them."""
        if not ids:
            return []
        cursor = Incident._meta.database.execute_sql(_rows_sql(len(ids)), ids)
        now = self.now
        by_id = {}
        for (incident_id, reference, received_at, caller_name, summary, category, priority,
             status, owner, responded_at, response_due, response_warn_at, resolution_due,
             resolution_warn_at, resolution_met, escalation_due_at) in cursor.fetchall():
            met = None if resolution_met is None else bool(resolution_met)
            if status in OPEN_STATUSES:
                clock = clock_reading(True, responded_at is not None, _time(response_due),
                                      _time(response_warn_at), _time(resolution_due),
                                      _time(resolution_warn_at), met, now=now)
                escalation = _time(escalation_due_at)
            else:  # a closed clock reads only the resolution's due time and outcome
                clock = clock_reading(False, False, None, None, _time(resolution_due), None,
                                      met, now=now)
                escalation = None
            by_id[incident_id] = LogRow(incident_id, reference, _time(received_at),
                                        caller_name, summary, category, priority, status,
                                        owner or "", clock, escalation)
        return [by_id[i] for i in ids if i in by_id]

    def position_of(self, incident_id: int) -> int | None:
        """The row at which ``incident_id`` stands in the current order, if it passes.

        Counted in SQL as the rows that sort before it, so it costs one indexed count
        wherever the incident stands.
        """
        if self.sort in GROUPED_SORTS:
            groups = self._groups()
            if groups is not None:
                return self._grouped_position(incident_id, groups)
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
