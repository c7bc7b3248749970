"""Incidents in and out of the database as CSV or XLSX files: for teams moving off a
spreadsheet, and for analysis.

An import is read (:func:`read_table`), checked row by row (:func:`check_rows`) and then
written all at once or not at all (:func:`import_incidents`), in bulk inside one
transaction, each incident with a history row saying where it came from. An export
(:func:`export_incidents`) streams the incidents of a period into a file written beside its
target and renamed into place, with every cell a spreadsheet would run as a formula
neutralised.
"""

from __future__ import annotations

import contextlib
import csv
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from peewee import fn

from app.models.clock import local_day_bounds_utc, now_utc, to_local
from app.models.db import database
from app.models.demo_data import HISTORY_COLUMNS, _chained
from app.models.dialect import advance_id_sequences, exclusive_transaction, insert_rows
from app.models.entities import (
    Category,
    ConfigChange,
    History,
    Incident,
    ReferenceCounter,
    User,
)
from app.models.incident_transfer_check import (
    REFERENCE,
    ColumnMapping,
    ImportPlan,
    PlannedIncident,
    RowProblem,
    check_rows,
    existing_references,
    parse_time,
)
from app.models.incident_transfer_read import (
    COLUMNS,
    REQUIRED,
    TIME_COLUMNS,
    Table,
    TransferError,
    neutralised,
    read_table,
    restored,
    xlsx_escaped,
)
from app.models.incidents import format_reference
from app.models.lifecycle import Status
from app.models.period_stats import day_text
from app.models.permissions import Permission, check_permission
from app.reports.files import write_atomically

__all__ = [
    "COLUMNS", "EXPORT_AREA", "IMPORTED", "IMPORT_AREA", "REQUIRED", "ColumnMapping",
    "ImportPlan", "ImportRefused", "ImportResult", "RowProblem", "Table", "TransferError",
    "check_rows", "export_incidents", "export_kind", "import_incidents", "neutralised",
    "parse_time", "read_table", "restored",
]

IMPORTED = "imported"  # the history action of an incident brought in from a file
IMPORT_AREA = "import"  # ConfigChange.area of an import
EXPORT_AREA = "export"  # and of an export
BATCH = 5_000  # incidents written per executemany
EXPORT_PROGRESS_EVERY = 1_000
KINDS = {".csv": "CSV", ".xlsx": "XLSX"}
ProgressCallback = Callable[[int, int], None]

INSERTED = (
    "id", "reference", "received_at", "logged_at", "logged_by_id", "channel", "caller_name",
    "caller_phone", "caller_email", "caller_type", "account_ref", "location", "summary",
    "description", "category_id", "subcategory_id", "impact", "urgency", "priority", "status",
    "owner_id", "details_confirmed", "responded_at", "resolved_at", "closed_at", "resolution",
    "updated_at", "version", "prioritisation", "priority_rationale", "priority_override",
    "priority_override_reason", "response_due", "resolution_due", "response_warn_at",
    "resolution_warn_at", "response_met", "resolution_met", "escalation_level",
    "escalation_due_at",
)


class ImportRefused(TransferError):  # noqa: N818 (a refusal, with its reasons)
    """A file with problems: nothing was imported; ``problems`` says why, row by row."""

    def __init__(self, problems: list[RowProblem], name: str):
        self.problems = problems
        rows = len({p.row for p in problems})
        super().__init__(f"{name}: {len(problems):,} problem{'s' if len(problems) != 1 else ''} "
                         f"in {rows:,} row{'s' if rows != 1 else ''}; nothing was imported.")


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote."""

    count: int
    new_references: int  # given by the import, for rows without one
    source_name: str
    seconds: float

    def text(self) -> str:
        """``1,234 incidents imported from incidents.csv.``"""
        return (f"{self.count:,} incident{'s' if self.count != 1 else ''} imported from "
                f"{self.source_name}.")


# --- import ----------------------------------------------------------------------------------
def _utc_text(value: datetime | None) -> str | None:
    return Incident.received_at.db_value(value)


class _References:
    """References for rows without one: next after the year's counter and after every
    reference of that year the file gives, so none collides; the counters end past all."""

    def __init__(self, incidents: list[PlannedIncident]):
        self.last = {c.year: c.last for c in ReferenceCounter.select()}
        for p in incidents:
            found = REFERENCE.match(p.reference or "")
            if found:
                year, number = int(found.group(1)), int(found.group(2))
                self.last[year] = max(self.last.get(year, 0), number)
        self.given = 0

    def new(self, received_at: datetime) -> str:
        year = to_local(received_at).year
        self.last[year] = self.last.get(year, 0) + 1
        self.given += 1
        return format_reference(year, self.last[year])

    def save(self) -> None:
        for year, last in self.last.items():
            ReferenceCounter.insert(year=year, last=last).on_conflict(
                conflict_target=[ReferenceCounter.year],
                update={ReferenceCounter.last: last}).execute()


def _incident_row(p: PlannedIncident, incident_id: int, reference: str, by: User,
                  now_text: str | None) -> tuple:
    return (
        incident_id, reference, _utc_text(p.received_at), now_text, by.id, p.channel,
        p.caller_name, p.caller_phone, p.caller_email, p.caller_type, p.account_ref,
        p.location, p.summary, p.description, p.category_id, p.subcategory_id, p.impact,
        p.urgency, p.priority, p.status, p.owner_id, False, _utc_text(p.responded_at),
        _utc_text(p.resolved_at), _utc_text(p.closed_at), "", now_text, 1, "", "",
        p.priority_override, p.priority_override_reason, _utc_text(p.response_due),
        _utc_text(p.resolution_due), _utc_text(p.response_warn_at),
        _utc_text(p.resolution_warn_at), p.response_met, p.resolution_met, 1,
        _utc_text(p.escalation_due_at),
    )


def _history_rows(p: PlannedIncident, incident_id: int, by: User, now_text: str | None,
                  source_name: str) -> list[tuple]:
    rows = [(incident_id, now_text, by.id, IMPORTED, None, None,
             f"From {source_name}, row {p.row:,}")]
    if p.priority_override is not None:  # recorded as the application records an override
        rows.append((incident_id, now_text, by.id, "changed", "priority_override", None,
                     str(p.priority_override)))
        rows.append((incident_id, now_text, by.id, "changed", "priority_override_reason",
                     None, p.priority_override_reason))
    return rows


def import_incidents(plan: ImportPlan, by: User, source_name: str,
                     progress: ProgressCallback | None = None,
                     now: datetime | None = None) -> ImportResult:
    """Write every incident of ``plan`` in one transaction, or none.

    Each incident is logged by ``by`` at ``now``, keeps the status and times it arrives
    with, and gets a history row saying it was imported from ``source_name``. References
    the file gives are kept; the others are new, as the application gives them (a counter
    per local year of receipt), after every reference the file gives.

    Args:
        progress: called with (incidents written, incidents) after each batch; it may
            raise :class:`~app.reports.progress.ReportCancelled`, and then nothing is kept.

    Raises:
        RolePermissionError: ``by`` may not import incidents.
        ImportRefused: the plan has problems, or a reference it gives has been taken since
            it was checked; nothing was written.
    """
    check_permission(by, Permission.IMPORT_INCIDENTS)
    if not plan.ok:
        raise ImportRefused(plan.problems, source_name)
    started = time.perf_counter()
    now_text = _utc_text(now or now_utc())
    incidents = plan.incidents
    total = len(incidents)
    insert_incident = (f"INSERT INTO incident ({', '.join(INSERTED)}) "
                       f"VALUES ({', '.join('?' * len(INSERTED))})")
    insert_history = (f"INSERT INTO history ({', '.join(HISTORY_COLUMNS)}) "
                      f"VALUES ({', '.join('?' * len(HISTORY_COLUMNS))})")
    # No other writer takes an id or a reference meanwhile (the tables in the order
    # create_incident writes them)
    with exclusive_transaction(ReferenceCounter, Incident):
        taken = existing_references(p.reference for p in incidents if p.reference)
        if taken:
            rows = {p.reference: p.row for p in incidents}
            raise ImportRefused([RowProblem(rows[r], "reference", r, "an incident with this "
                                            "reference has been added since the file was "
                                            "checked.") for r in sorted(taken)], source_name)
        references = _References(incidents)
        next_id = (Incident.select(fn.COALESCE(fn.MAX(Incident.id), 0)).scalar()) + 1
        for start in range(0, total, BATCH):
            rows, history, pauses = [], [], []
            for offset, p in enumerate(incidents[start:start + BATCH]):
                incident_id = next_id + start + offset
                reference = p.reference or references.new(p.received_at)
                rows.append(_incident_row(p, incident_id, reference, by, now_text))
                history.extend(_history_rows(p, incident_id, by, now_text, source_name))
                if Status(p.status).is_on_hold:  # its clock stopped from the check on
                    pauses.append((incident_id, p.status,
                                   _utc_text(max(plan.checked_at, p.received_at))))
            insert_rows(insert_incident, rows)
            insert_rows(insert_history, _chained(history))
            insert_rows("INSERT INTO sla_pause (incident_id, reason, started_at) "
                        "VALUES (?, ?, ?)", pauses)
            if progress is not None:
                progress(min(start + BATCH, total), total)
        advance_id_sequences(Incident, History)
        references.save()
        ConfigChange.create(at=now or now_utc(), user=by, area=IMPORT_AREA,
                            summary=f"Imported {total:,} incidents from {source_name} "
                                    f"({references.given:,} given new references)")
    return ImportResult(total, references.given, source_name, time.perf_counter() - started)


# --- export ----------------------------------------------------------------------------------
def export_kind(path: Path | str) -> str:
    """``CSV`` or ``XLSX``, from the file name's ending.

    Raises:
        TransferError: the name ends otherwise.
    """
    kind = KINDS.get(Path(path).suffix.lower())
    if kind is None:
        raise TransferError(f"{Path(path).name}: choose a file name ending .csv or .xlsx.")
    return kind


def _iso(value: datetime | None) -> str:
    """``2026-03-27T16:45:00+00:00``."""
    return "" if value is None else value.astimezone(UTC).isoformat(timespec="seconds")


def _export_rows(first: datetime | None, after: datetime | None) -> tuple[int, Iterator[list]]:
    """How many incidents, and each as the text of :data:`COLUMNS`, oldest first."""
    names = {c.id: c.name for c in Category.select(Category.id, Category.name)}
    usernames = {u.id: u.username for u in User.select(User.id, User.username)}
    fields = [getattr(Incident, "owner_id" if c == "owner" else f"{c}_id"
                      if c in ("category", "subcategory") else c) for c in COLUMNS]
    query = Incident.select(*fields)
    if first is not None:
        query = query.where(Incident.received_at >= first)
    if after is not None:
        query = query.where(Incident.received_at < after)
    total = query.count()

    def rows() -> Iterator[list]:
        for values in query.order_by(Incident.received_at, Incident.id).tuples().iterator():
            row = []
            for column, value in zip(COLUMNS, values, strict=True):
                if column in TIME_COLUMNS:
                    row.append(_iso(value))
                elif column in ("category", "subcategory"):
                    row.append(names.get(value, ""))
                elif column == "owner":
                    row.append(usernames.get(value, ""))
                elif column == "priority":
                    row.append(f"P{value}")
                else:
                    row.append(neutralised(value or ""))
            yield row

    return total, rows()


def _write_csv(part: Path, rows: Iterator[list], total: int) -> None:
    # UTF-8 with a byte order mark: what Excel needs to read accents rightly
    with part.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)


def _write_xlsx(part: Path, rows: Iterator[list], total: int) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Incidents")
    # The size, stated at the top as a spreadsheet states it: without it a reader (openpyxl
    # among them) reads the whole sheet once just to find out how big it is.
    last_cell = f"{get_column_letter(len(COLUMNS))}{total + 1}"
    sheet.calculate_dimension = lambda: f"A1:{last_cell}"
    for index, column in enumerate(COLUMNS, start=1):
        width = 27 if column in TIME_COLUMNS else 40 if column in ("summary",
                                                                    "description") else 18
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    try:
        for row in rows:
            # an empty cell is left out, not written empty
            sheet.append([xlsx_escaped(v) if v else None for v in row])
    except BaseException:  # cancelled: finish the sheet's temporary file and remove it
        with contextlib.suppress(Exception):
            sheet.close()
            sheet._writer.cleanup()
        raise
    workbook.save(part)


def _period_bounds(start: date | None, end: date | None
                   ) -> tuple[datetime | None, datetime | None, str]:
    """UTC bounds of local days from ``start`` to ``end`` (either may be open), and the
    period in words."""
    if start and end and end < start:
        raise TransferError(f"The period ends ({day_text(end)}) before it starts "
                            f"({day_text(start)}).")
    first = local_day_bounds_utc(start, start)[0] if start else None
    after = local_day_bounds_utc(end, end)[1] if end else None
    if start and end:
        words = f"received {day_text(start)} – {day_text(end)}"
    elif start:
        words = f"received from {day_text(start)}"
    elif end:
        words = f"received up to {day_text(end)}"
    else:
        words = "all"
    return first, after, words


def _check_target(path: Path, replace: bool) -> None:
    """Refuse to write over the database (or its journal), or over a file unasked."""
    db_file = getattr(database.obj, "database", None)
    if db_file and db_file != ":memory:":
        target = os.path.realpath(path)
        for suffix in ("", "-wal", "-shm", "-journal"):
            if target == os.path.realpath(db_file + suffix):
                raise TransferError(f"{path} is the database itself: choose another file.")
    if path.is_dir():
        raise TransferError(f"{path} is a folder: choose a file name.")
    if path.exists() and not replace:
        raise TransferError(f"{path} already exists and has not been replaced: choose "
                            "another file name.")


def export_incidents(path: Path | str, start: date | None = None, end: date | None = None,
                     *, by: User, progress: ProgressCallback | None = None,
                     replace: bool = False, now: datetime | None = None) -> int:
    """Write the incidents received from local day ``start`` to ``end`` (inclusive; either
    may be left open) to a CSV or XLSX file, every column of :data:`COLUMNS`, times in UTC.

    The file holds the callers' personal data: only those who may export it can, and the
    export is recorded (a ``ConfigChange`` row of area ``export``). The rows are streamed
    from the database; the file is written beside ``path`` and renamed into place.

    Args:
        progress: called with (incidents written, incidents) now and then; it may raise
            :class:`~app.reports.progress.ReportCancelled`, and then no file is left.
        replace: whether a file already at ``path`` may be replaced (the file picker asks).

    Returns:
        How many incidents were written.

    Raises:
        RolePermissionError: ``by`` may not export personal data.
        TransferError: the name does not end .csv or .xlsx, is the database, exists (and
            ``replace`` is false), the period ends before it starts or has no incidents, or
            the file cannot be written; no file is left.
    """
    check_permission(by, Permission.EXPORT_PERSONAL_DATA)
    path = Path(path)
    _check_target(path, replace)
    kind = export_kind(path)
    first, after, period = _period_bounds(start, end)
    if _export_rows(first, after)[0] == 0:
        raise TransferError(f"No incidents to export ({period}): {path.name} was not "
                            "written.")
    written = 0

    def write(part: Path) -> None:
        nonlocal written
        with database.atomic():  # one snapshot: the count and the rows agree
            total, rows = _export_rows(first, after)

            def counted() -> Iterator[list]:
                nonlocal written
                for row in rows:
                    yield row
                    written += 1
                    if progress is not None and (written % EXPORT_PROGRESS_EVERY == 0
                                                 or written == total):
                        progress(written, total)

            (_write_xlsx if kind == "XLSX" else _write_csv)(part, counted(), total)

    write_atomically(path, write, "the incidents", TransferError)
    ConfigChange.create(at=now or now_utc(), user=by, area=EXPORT_AREA,
                        summary=f"Exported {written:,} incidents ({period}) to {path.name} "
                                f"as {kind}, with the callers' personal data")
    return written
