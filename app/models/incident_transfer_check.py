"""Checking a file of incidents before anything is imported: which file column holds which
of ours, every cell read by the record's own rules, every problem named by row, column, value
and reason, and the incidents as they will be stored (priority from the matrix and due times
from the SLA engine where the file leaves them out).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import NamedTuple

from app.models.clock import format_local, now_utc, to_utc
from app.models.entities import Category, Incident, User
from app.models.escalation import planned_steps
from app.models.escalation_matrix import EscalationMatrix, load_escalation_matrix
from app.models.incident_transfer_read import (
    COLUMNS,
    REQUIRED,
    Cell,
    ProgressCallback,
    Table,
    restored,
)
from app.models.lifecycle import Status
from app.models.prioritisation import Harm
from app.models.priority import compute_priority
from app.models.service_levels import due_times, load_calendar, load_matrix, load_targets
from app.models.text_rules import text_error, trimmed
from app.models.validation import (
    FUTURE_TOLERANCE,
    MAX_LENGTHS,
    MULTILINE_FIELDS,
    email_error,
    phone_error,
    received_error,
)
from app.models.vocabulary import PRIORITY_NAMES, CallerType, Channel, Level

HEADER_ROW = 1
PREVIEW_ROWS = 50
SHOWN_CHOICES = 10  # allowed values named in a problem; more are counted
SHOWN_VALUE = 80  # characters of a cell quoted in a problem
REFERENCE_LENGTH = 20
REFERENCE = re.compile(r"^INC-(\d{4})-(\d{6,})$", re.IGNORECASE)
PRIORITY = re.compile(r"^P?([1-5])(?:\s+([A-Za-z]+))?$", re.IGNORECASE)
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
UK_TIME = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T,]+(\d{1,2})[:.](\d{2})"
                     r"(?:[:.](\d{2}))?)?$")
TIME_FORMATS = ("write it as 2026-03-27T16:45:00+00:00 (ISO 8601 with its UTC offset) or as "
                "27/03/2026 16:45 (UK local time)")
CHECK_PROGRESS_EVERY = 1_000


class RowProblem(NamedTuple):
    """Why a cell cannot be imported: its row (as a spreadsheet numbers it; the header is
    row 1), our column, the value as read, and the reason."""

    row: int
    column: str
    value: str
    reason: str

    def text(self) -> str:
        """``Row 7, caller_phone "abc": use digits, spaces…``."""
        value = f' "{self.value}"' if self.value else ""
        return f"Row {self.row:,}, {self.column}{value}: {self.reason}"


@dataclass(frozen=True)
class ColumnMapping:
    """Which file column (by its position in the header) holds each of our columns."""

    columns: dict[str, int] = field(default_factory=dict)

    @classmethod
    def guess(cls, headers: list[str]) -> ColumnMapping:
        """Each of our columns whose name a header has, case and surrounding spaces aside;
        the first such header when two have it."""
        columns: dict[str, int] = {}
        for index, header in enumerate(headers):
            name = header.strip().lower()
            if name in COLUMNS and name not in columns:
                columns[name] = index
        return cls(columns)

    def index(self, column: str) -> int | None:
        return self.columns.get(column)

    def unused(self, headers: list[str]) -> list[str]:
        """The file's columns none of ours is read from: reported, not imported."""
        used = set(self.columns.values())
        return [header or f"(column {index + 1}, no heading)"
                for index, header in enumerate(headers) if index not in used]


@dataclass(slots=True)
class PlannedIncident:
    """One row as it will be stored."""

    row: int
    reference: str | None  # None: a new reference is given on import
    received_at: datetime
    channel: str
    caller_name: str
    caller_phone: str
    caller_email: str
    caller_type: str
    account_ref: str
    location: str
    category_id: int
    subcategory_id: int | None
    summary: str
    description: str
    impact: str
    urgency: str
    priority: int
    priority_override: int | None  # the file's priority, when the matrix gives another
    priority_override_reason: str
    status: str
    owner_id: int | None
    responded_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    response_due: datetime | None = None
    resolution_due: datetime | None = None
    response_warn_at: datetime | None = None
    resolution_warn_at: datetime | None = None
    response_met: bool | None = None
    resolution_met: bool | None = None
    escalation_due_at: datetime | None = None
    given_response_due: datetime | None = None
    given_resolution_due: datetime | None = None


@dataclass
class ImportPlan:
    """What checking a file found: the incidents ready to import, or the problems that
    stop the import (nothing is imported while there is one)."""

    table: Table
    mapping: ColumnMapping
    checked_at: datetime
    incidents: list[PlannedIncident] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    unused_columns: list[str] = field(default_factory=list)
    names: dict[str, dict[int, str]] = field(default_factory=dict)  # for the preview

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.incidents)

    @property
    def problem_rows(self) -> int:
        return len({p.row for p in self.problems})

    def summary(self) -> str:
        """One sentence: ready, or how many problems stop the import."""
        rows = len(self.table)
        if self.ok:
            return (f"{rows:,} incident{'s' if rows != 1 else ''} ready to import from "
                    f"{self.table.name}.")
        count = len(self.problems)
        where = (f"in {self.problem_rows:,} of {rows:,} row{'s' if rows != 1 else ''}"
                 if any(p.row != HEADER_ROW for p in self.problems) else "in the header")
        return (f"{count:,} problem{'s' if count != 1 else ''} {where} of {self.table.name}: "
                "nothing is imported until every row is right.")

    def preview(self, limit: int = PREVIEW_ROWS) -> list[list[str]]:
        """The first incidents as they will be stored, as text under :data:`COLUMNS`
        (times in local time, as the application shows them)."""
        categories, owners = self.names.get("category", {}), self.names.get("owner", {})
        rows = []
        for p in self.incidents[:limit]:
            values = {
                "reference": p.reference or "(new)",
                "category": categories.get(p.category_id, ""),
                "subcategory": categories.get(p.subcategory_id or 0, ""),
                "priority": f"P{p.priority}",
                "owner": owners.get(p.owner_id or 0, ""),
            }
            rows.append([values[c] if c in values else _shown(getattr(p, c)) for c in COLUMNS])
        return rows


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_local(value)
    return str(value)


# --- reading cells ---------------------------------------------------------------------------
def _key(text: str) -> str:
    """A value as matched against a vocabulary: case, spaces and punctuation aside."""
    return re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")


def _vocabulary(choices: Iterable[StrEnum]) -> dict[str, str]:
    """Stored value by the key of each value and each label."""
    found = {}
    for choice in choices:
        found[_key(choice.value)] = choice.value
        found[_key(getattr(choice, "label", choice.value))] = choice.value
    return found


def allowed(names: list[str]) -> str:
    """``allowed: a, b, c`` (the first few, and how many more)."""
    shown = ", ".join(names[:SHOWN_CHOICES])
    more = len(names) - SHOWN_CHOICES
    return f"allowed: {shown}" + (f" and {more:,} more" if more > 0 else "") + "."


def cell_text(cell: Cell) -> str:
    """A cell as text, as a problem quotes it."""
    return cell.isoformat(sep=" ") if isinstance(cell, datetime) else cell


def _local(value: datetime) -> tuple[datetime | None, str | None]:
    """A naive local wall-clock time made aware; refused when the clocks going back make
    it happen twice, or going forward make it never happen."""
    first, second = value.replace(fold=0).astimezone(), value.replace(fold=1).astimezone()
    if first.utcoffset() != second.utcoffset():
        return None, ("falls in the hour the clocks change, so it is ambiguous in local "
                      "time: give it with its UTC offset, as 2026-10-25T01:30:00+01:00.")
    return first.astimezone(UTC), None


def parse_time(cell: Cell) -> tuple[datetime | None, str | None]:
    """(the instant in UTC, None) or (None, why not) for a time cell; (None, None) when
    empty. ISO 8601 must carry its UTC offset; ``dd/mm/yyyy hh:mm`` and a workbook's own
    date-time cells are local time."""
    if isinstance(cell, datetime):
        if cell.tzinfo is not None:
            return to_utc(cell).replace(microsecond=0), None
        return _local(cell.replace(microsecond=0))
    text = trimmed(cell)
    if not text:
        return None, None
    if ISO_TIME.match(text):
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            return None, f"not a date and time: {TIME_FORMATS}."
        if value.tzinfo is None:
            return None, ("has no UTC offset, so the time is ambiguous: add it, as "
                          f"{text[:16].replace(' ', 'T')}:00+00:00 (or +01:00 in British "
                          "Summer Time), or write it as UK local time, dd/mm/yyyy hh:mm.")
        return to_utc(value).replace(microsecond=0), None
    if ISO_DAY.match(text):
        return None, f"a date without a time of day: {TIME_FORMATS}."
    found = UK_TIME.match(text)
    if found is None:
        return None, f"not a date and time: {TIME_FORMATS}."
    day, month, year, hour, minute, second = found.groups()
    if hour is None:
        return None, f"a date without a time of day: {TIME_FORMATS}."
    try:
        value = datetime(int(year), int(month), int(day), int(hour), int(minute),
                         int(second or 0))
    except ValueError:
        return None, (f"not a real date and time (read as day/month/year): "
                      f"{TIME_FORMATS}.")
    return _local(value)


# --- the organisation's lists, read once -----------------------------------------------------
class _Lists:
    """Categories, users, matrix, targets and calendar, read once for the whole file."""

    def __init__(self) -> None:
        self.channels = _vocabulary(Channel)
        self.caller_types = _vocabulary(CallerType)
        self.levels = _vocabulary(Level)
        self.statuses = _vocabulary(Status)
        self.categories: dict[str, Category] = {}
        self.subcategories: dict[tuple[int, str], Category] = {}
        self.children: dict[int, list[str]] = {}
        self.category_names: dict[int, str] = {}
        self.breach: set[int] = set()
        for c in Category.select().order_by(Category.position, Category.name):
            self.category_names[c.id] = c.name
            if c.implied_harm == Harm.PERSONAL_DATA.value:
                self.breach.add(c.id)
            if c.parent_id is None:
                self.categories[c.name.strip().lower()] = c
            else:
                self.subcategories[(c.parent_id, c.name.strip().lower())] = c
                if c.active:
                    self.children.setdefault(c.parent_id, []).append(c.name)
        self.active_categories = [c.name for c in self.categories.values() if c.active]
        self.usernames: dict[str, User] = {}
        self.display_names: dict[str, list[User]] = {}
        for user in User.select().order_by(User.username):
            self.usernames[user.username.lower()] = user
            self.display_names.setdefault(user.display_name.strip().lower(), []).append(user)
        self.owner_names = {u.id: u.display_name for u in self.usernames.values()}
        self.matrix = load_matrix()
        self.targets = load_targets()
        self.calendar = load_calendar()
        self.escalation_matrix: EscalationMatrix = load_escalation_matrix()


# --- one row ---------------------------------------------------------------------------------
class _Row:
    """Reads one row's cells, noting each problem."""

    def __init__(self, cells: list[Cell], number: int, mapping: ColumnMapping,
                 problems: list[RowProblem]):
        self.cells = cells
        self.number = number
        self.mapping = mapping
        self.problems = problems
        self.count = len(problems)

    @property
    def failed(self) -> bool:
        return len(self.problems) > self.count

    def cell(self, column: str) -> Cell:
        index = self.mapping.index(column)
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index]

    def problem(self, column: str, reason: str, value: Cell | None = None) -> None:
        shown = cell_text(self.cell(column) if value is None else value)
        if len(shown) > SHOWN_VALUE:
            shown = shown[:SHOWN_VALUE - 1] + "…"
        self.problems.append(RowProblem(self.number, column, shown, reason))

    def text(self, column: str) -> str:
        """The cell as stored text: trimmed, the spreadsheet's guard apostrophe taken off,
        checked for length and for characters a record refuses."""
        value = self.cell(column)
        if isinstance(value, datetime):
            value = value.isoformat(sep=" ")
        value = trimmed(restored(trimmed(value)))
        if not value and column in REQUIRED:
            self.problem(column, "required: this cell is empty.")
            return value
        limit = MAX_LENGTHS.get(column)
        if limit is not None and len(value) > limit:
            self.problem(column, f"at most {limit:,} characters (this has {len(value):,}).")
            return value
        problem = text_error(value, column in MULTILINE_FIELDS)
        if problem:
            self.problem(column, problem)
        return value

    def choice(self, column: str, vocabulary: dict[str, str], default: str = "") -> str:
        value = self.text(column)
        if not value:
            return default
        found = vocabulary.get(_key(value))
        if found is None:
            names = list(dict.fromkeys(vocabulary.values()))
            self.problem(column, f"not a known {column.replace('_', ' ')}; {allowed(names)}")
        return found or default

    def time(self, column: str) -> datetime | None:
        value, problem = parse_time(self.cell(column))
        if problem:
            self.problem(column, problem)
        return value


def _check_row(row: _Row, lists: _Lists, now: datetime) -> PlannedIncident | None:
    """The incident a row holds, or None when it has a problem (noted in ``row``)."""
    received_at = row.time("received_at")
    if received_at is None and not row.failed:
        row.problem("received_at", "required: this cell is empty.")
    elif received_at is not None:
        problem = received_error(received_at, now)
        if problem:
            row.problem("received_at", problem)
            received_at = None
    reference = _reference(row)
    channel = row.choice("channel", lists.channels)
    caller_type = row.choice("caller_type", lists.caller_types, CallerType.CUSTOMER.value)
    texts = {name: row.text(name) for name in (
        "caller_name", "caller_phone", "caller_email", "account_ref", "location", "summary",
        "description")}
    if not row.failed:
        for name, rule in (("caller_phone", phone_error), ("caller_email", email_error)):
            problem = rule(texts[name])
            if problem:
                row.problem(name, problem)
    category_id, subcategory_id = _category(row, lists)
    impact = row.choice("impact", lists.levels)
    urgency = row.choice("urgency", lists.levels)
    priority, override, override_reason = _priority(row, lists, impact, urgency)
    owner_id = _owner(row, lists)
    status = row.choice("status", lists.statuses,
                        (Status.ASSIGNED if owner_id else Status.NEW).value)
    times = {name: row.time(name) for name in ("responded_at", "resolved_at", "closed_at",
                                                "response_due", "resolution_due")}
    if row.failed or received_at is None or category_id is None or priority is None:
        return None
    _check_times(row, Status(status), received_at, times, now)
    if row.failed:
        return None
    responded_at = times["responded_at"]
    if responded_at is None and not Status(status).is_open:
        responded_at = times["resolved_at"]  # resolving responds, as in the application
    return PlannedIncident(
        row=row.number, reference=reference, received_at=received_at, channel=channel,
        caller_type=caller_type, category_id=category_id, subcategory_id=subcategory_id,
        impact=impact, urgency=urgency, priority=priority, priority_override=override,
        priority_override_reason=override_reason, status=status, owner_id=owner_id,
        responded_at=responded_at,
        resolved_at=times["resolved_at"], closed_at=times["closed_at"],
        given_response_due=times["response_due"],
        given_resolution_due=times["resolution_due"], **texts)


def _reference(row: _Row) -> str | None:
    value = row.text("reference")
    if not value:
        return None
    if REFERENCE.match(value):
        return value.upper()
    if len(value) > REFERENCE_LENGTH or any(ch.isspace() for ch in value):
        row.problem("reference", f"a reference is one word of at most {REFERENCE_LENGTH} "
                                 "characters, as INC-2026-000123; leave it empty for a new "
                                 "one.")
    return value


def _category(row: _Row, lists: _Lists) -> tuple[int | None, int | None]:
    name = row.text("category")
    if not name:
        return None, None
    category = lists.categories.get(name.lower())
    if category is None:
        row.problem("category", f"not a category of the list; {allowed(lists.active_categories)}")
        return None, None
    sub_name = row.text("subcategory")
    if not sub_name:
        return category.id, None
    sub = lists.subcategories.get((category.id, sub_name.lower()))
    if sub is None:
        choices = lists.children.get(category.id, [])
        row.problem("subcategory", f"not a subcategory of {category.name}; "
                    + (allowed(choices) if choices else "it has none."))
        return category.id, None
    return category.id, sub.id


def _priority(row: _Row, lists: _Lists, impact: str, urgency: str
              ) -> tuple[int | None, int | None, str]:
    """(priority, the override when the file's differs from the matrix's, and why)."""
    text = row.text("priority")
    given = None
    if text:
        found = PRIORITY.match(text)
        if found and (found.group(2) is None or found.group(2).lower()
                      == PRIORITY_NAMES[int(found.group(1))].lower()):
            given = int(found.group(1))
        else:
            row.problem("priority", "not a priority; allowed: P1, P2, P3, P4, P5 (or empty, "
                                    "for the matrix's).")
            return None, None, ""
    if not impact or not urgency:
        return None, None, ""
    matrix = compute_priority(impact, urgency, lists.matrix)
    if given is None or given == matrix:
        return matrix, None, ""
    return given, given, (f"Given as P{given} in the imported file (row {row.number:,}); the "
                          f"matrix gives P{matrix} for impact {impact} and urgency {urgency}.")


def _owner(row: _Row, lists: _Lists) -> int | None:
    name = row.text("owner")
    if not name:
        return None
    user = lists.usernames.get(name.lower())
    if user is not None:
        return user.id
    users = lists.display_names.get(name.lower(), [])
    if len(users) == 1:
        return users[0].id
    if users:
        row.problem("owner", "more than one user has this name; give the username: "
                             + ", ".join(u.username for u in users) + ".")
    else:
        row.problem("owner", "not a user of Incident Desk (by username or name); "
                    + allowed(sorted(lists.usernames)))
    return None


def _check_times(row: _Row, status: Status, received_at: datetime,
                 times: dict[str, datetime | None], now: datetime) -> None:
    """The lifecycle's times agree with the status and come in order."""
    shown = f"{format_local(received_at)} (received_at)"
    for name in ("responded_at", "resolved_at", "closed_at"):
        value = times[name]
        if value is not None and value > now + FUTURE_TOLERANCE:
            row.problem(name, "cannot be in the future.")
        elif value is not None and value < received_at:
            row.problem(name, f"before the incident was received, {shown}.")
    for name in ("response_due", "resolution_due"):
        value = times[name]
        if value is not None and value < received_at:
            row.problem(name, f"before the incident was received, {shown}.")
    label = status.label.lower()
    if not status.is_open and times["resolved_at"] is None:
        row.problem("resolved_at", f"required when the status is {label}.")
    if status == Status.CLOSED and times["closed_at"] is None:
        row.problem("closed_at", "required when the status is closed.")
    if status.is_open:
        for name in ("resolved_at", "closed_at"):
            if times[name] is not None:
                row.problem(name, f"must be empty while the incident is open (status "
                                  f"{label}).")
    elif status == Status.RESOLVED and times["closed_at"] is not None:
        row.problem("closed_at", "must be empty while the status is resolved (not closed).")
    for earlier, later in (("responded_at", "resolved_at"), ("resolved_at", "closed_at")):
        first, second = times[earlier], times[later]
        if first is not None and second is not None and second < first:
            row.problem(later, f"before {earlier} ({format_local(first)}).")


# --- service levels --------------------------------------------------------------------------
def apply_service_levels(incident: PlannedIncident, lists: _Lists, on_hold_from: datetime
                         ) -> None:
    """Due times from the SLA engine where the file has none, whether each was met, and
    the next escalation of an open incident. An incident on hold is taken to be so from
    ``on_hold_from`` (its import): its resolution clock stops there."""
    status = Status(incident.status)
    pauses: list[tuple[datetime, datetime | None]] = (
        [(max(on_hold_from, incident.received_at), None)] if status.is_on_hold else [])
    due = due_times(incident.priority, incident.received_at, pauses, lists.targets,
                    lists.calendar)
    incident.response_due = incident.given_response_due or due.response_due
    incident.resolution_due = incident.given_resolution_due or due.resolution_due
    # the warning falls at 75% of the engine's target: not of a due time the file moved
    incident.response_warn_at = (due.response_warn_at if incident.response_due
                                 == due.response_due else None)
    incident.resolution_warn_at = (due.resolution_warn_at if incident.resolution_due
                                   == due.resolution_due else None)
    incident.response_met = (None if incident.responded_at is None
                             else incident.responded_at <= incident.response_due)
    incident.resolution_met = (None if incident.resolved_at is None
                               or incident.resolution_due is None
                               else incident.resolved_at <= incident.resolution_due)
    incident.escalation_due_at = None
    if status.is_open:
        category_ids = tuple(i for i in (incident.category_id, incident.subcategory_id) if i)
        breach = bool(set(category_ids) & lists.breach)
        waiting = [s.due_at for s in planned_steps(
            incident.priority, incident.received_at, category_ids, breach, pauses,
            lists.escalation_matrix, lists.targets, lists.calendar) if s.due_at]
        incident.escalation_due_at = min(waiting) if waiting else None


# --- the whole file --------------------------------------------------------------------------
def _header_problems(table: Table, mapping: ColumnMapping) -> list[RowProblem]:
    problems = []
    for column in REQUIRED:
        if mapping.index(column) is None:
            problems.append(RowProblem(HEADER_ROW, column, "", "required column missing: "
                                       "add it to the file, or choose the file column that "
                                       "holds it."))
    lowered: dict[str, list[int]] = {}
    for index, header in enumerate(table.headers):
        lowered.setdefault(header.lower(), []).append(index)
    for column, index in mapping.columns.items():
        if index >= len(table.headers):
            problems.append(RowProblem(HEADER_ROW, column, "", f"the file has no column "
                                       f"{index + 1}."))
            continue
        twins = lowered[table.headers[index].lower()]
        if len(twins) > 1:
            problems.append(RowProblem(
                HEADER_ROW, column, table.headers[index],
                f"the header has this name {len(twins)} times (columns "
                f"{', '.join(str(i + 1) for i in twins)}): keep one, or rename the others."))
    return problems


def _reference_problems(incidents: list[PlannedIncident]) -> list[RowProblem]:
    """References the file gives twice, or that the database already has."""
    problems = []
    first_row: dict[str, int] = {}
    for p in incidents:
        if p.reference is None:
            continue
        if p.reference in first_row:
            problems.append(RowProblem(p.row, "reference", p.reference,
                                       f"the file gives this reference to row "
                                       f"{first_row[p.reference]:,} too."))
        else:
            first_row[p.reference] = p.row
    for reference in existing_references(first_row):
        problems.append(RowProblem(first_row[reference], "reference", reference,
                                   "an incident with this reference is already in the "
                                   "database: leave the cell empty to import it as a new "
                                   "incident, or leave the row out."))
    return problems


def existing_references(references: Iterable[str], chunk: int = 500) -> list[str]:
    """Which of ``references`` the database already has."""
    wanted, found = list(references), []
    for start in range(0, len(wanted), chunk):
        found.extend(r for (r,) in Incident.select(Incident.reference).where(
            Incident.reference.in_(wanted[start:start + chunk])).tuples())
    return found


def check_rows(table: Table, mapping: ColumnMapping | None = None,
               now: datetime | None = None,
               progress: ProgressCallback | None = None) -> ImportPlan:
    """Check every row of ``table`` and plan its import; nothing is written.

    Args:
        mapping: which file column holds each of ours (default: by header name).
        progress: called with (rows checked, rows) now and then; may raise
            :class:`~app.reports.progress.ReportCancelled` to stop.

    Returns:
        The plan: ``problems`` lists every problem, by row and column, in order; the
        incidents are ready to import when there are none.
    """
    now = now or now_utc()
    mapping = mapping or ColumnMapping.guess(table.headers)
    plan = ImportPlan(table, mapping, now, unused_columns=mapping.unused(table.headers))
    plan.problems = _header_problems(table, mapping)
    if plan.problems:
        return plan
    lists = _Lists()
    plan.names = {"category": lists.category_names, "owner": lists.owner_names}
    total = len(table)
    width = len(table.headers)
    for done, (cells, number) in enumerate(zip(table.rows, table.row_numbers, strict=True),
                                           start=1):
        row = _Row(cells, number, mapping, plan.problems)
        extra = [c for c in cells[width:] if cell_text(c).strip()]
        if extra:
            row.problem(f"(column {width + 1})", f"this row has {len(cells)} cells; the "
                        f"header names {width} columns.", extra[0])
        incident = _check_row(row, lists, now)
        if incident is not None and not row.failed:
            apply_service_levels(incident, lists, now)
            plan.incidents.append(incident)
        if progress is not None and (done % CHECK_PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
    plan.problems.extend(_reference_problems(plan.incidents))
    order = {name: i for i, name in enumerate(COLUMNS)}
    plan.problems.sort(key=lambda p: (p.row, order.get(p.column, len(order))))
    return plan
