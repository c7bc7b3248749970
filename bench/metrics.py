"""The metrics measured in the benchmark's own process: each a timed part through the
application's code and a floor, the same work done as plainly as it can be."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from bench.databases import BenchDatabase, bench_user
from bench.timing import Timing, captured_sql, plain_connection, replay, timed

SEARCH_TEXT = "Okafor"  # a caller's surname: one incident in thirty
FILTER_PRIORITY = 3
FILTER_STATUS = "closed"
FILTER_DAYS = 90
PAGE = 100


@dataclass(frozen=True)
class Target:
    """At most ``ms`` (or ``mb``) and at most ``ratio`` times the floor, where given."""

    ms: float | None = None
    ratio: float | None = None
    mb: float | None = None

    def text(self) -> str:
        parts = []
        if self.ms is not None:
            parts.append(f"≤ {self.ms:,.0f} ms")
        if self.mb is not None:
            parts.append(f"≤ {self.mb:,.0f} MB")
        if self.ratio is not None:
            parts.append(f"≤ {self.ratio:g}x floor")
        return ", ".join(parts)


TARGETS = {
    "log_first_page": Target(ms=50, ratio=2),
    "log_jump_to_end": Target(ms=50),
    "log_filter": Target(ms=100, ratio=2),
    "search": Target(ms=50, ratio=2),
    "open_incident": Target(ms=30),
    "save_incident": Target(ms=15),
    "pdf_incident": Target(ms=300),
    "pdf_period_1000": Target(ms=15_000),
    "dashboard": Target(ms=500),
    "cold_start": Target(ratio=1.5),
    "memory": Target(mb=250),
}
STALL_TARGET = Target(ms=100)


@dataclass
class Result:
    """One metric's outcome."""

    name: str
    target: Target
    median: float | None = None  # ms, or MB for memory
    floor: float | None = None
    runs: list[float] = field(default_factory=list)
    floor_runs: list[float] = field(default_factory=list)
    unit: str = "ms"
    note: str = ""
    error: str = ""

    @property
    def ratio(self) -> float | None:
        if self.median is None or not self.floor:
            return None
        return self.median / self.floor

    @property
    def passed(self) -> bool | None:
        if self.median is None:
            return None
        limit = self.target.mb if self.unit == "MB" else self.target.ms
        if limit is not None and self.median > limit:
            return False
        return not (self.target.ratio is not None and self.ratio is not None
                    and self.ratio > self.target.ratio)

    def as_json(self) -> dict:
        value = round(self.median, 2) if self.median is not None else None
        out = {"median_mb" if self.unit == "MB" else "median_ms": value}
        if self.unit != "MB":
            out["floor_ms"] = round(self.floor, 2) if self.floor is not None else None
            out["ratio"] = round(self.ratio, 2) if self.ratio is not None else None
        out.update(target=self.target.text(), passed=self.passed,
                   runs=[round(r, 2) for r in self.runs],
                   floor_runs=[round(r, 2) for r in self.floor_runs])
        if self.note:
            out["note"] = self.note
        if self.error:
            out["error"] = self.error
        return out


@dataclass
class Context:
    """What every metric is given: the database (open in this process) and how often to
    repeat."""

    bench_db: BenchDatabase
    repeat: int
    workdir: Path


def result(name: str, timing: Timing, floor: Timing | None = None, note: str = "") -> Result:
    return Result(name, TARGETS.get(name, STALL_TARGET), timing.median,
                  floor.median if floor else None, timing.runs,
                  floor.runs if floor else [], note=note)


def with_sql_floor(name: str, ctx: Context, run: Callable[[], object],
                   setup: Callable[[], object] | None = None, note: str = "") -> Result:
    """Time ``run``; its floor replays the SQL one run of it executed, through sqlite3."""
    if setup is not None:
        setup()
    statements = captured_sql(run)  # the first run is the warm-up
    if not statements:
        raise RuntimeError(f"{name}: the timed part ran no SQL, so there is no floor")
    timing = timed(run, ctx.repeat, setup, warmup=0)
    connection = plain_connection(ctx.bench_db.db_path)
    try:
        floor = timed(lambda: replay(connection, statements), ctx.repeat)
    finally:
        connection.close()
    return result(name, timing, floor, note)


# --- the log -------------------------------------------------------------------------------
def read_rows(model, first: int, count: int = PAGE) -> None:
    """Each cell's text of ``count`` rows from ``first``: the rows ready to be shown."""
    last = min(first + count, model.rowCount())
    columns = range(model.columnCount())
    for row in range(first, last):
        for column in columns:
            model.data(model.index(row, column))


def open_log(log_filter) -> object:
    """The log's Qt model as the main window makes it, with its first page read."""
    from app.views.incident_table_model import IncidentTableModel

    model = IncidentTableModel()
    model.set_filter(log_filter)
    read_rows(model, 0)
    return model


def log_first_page(ctx: Context) -> Result:
    from app.models.incident_log import LogFilter

    return with_sql_floor("log_first_page", ctx, lambda: open_log(LogFilter()),
                          note="all incidents, newest first")


def log_jump_to_end(ctx: Context) -> Result:
    """The real view over the real model: Ctrl+End's scroll, then the paint that reads the
    rows shown."""
    from PySide6.QtWidgets import QTableView

    from app.models.incident_log import LogFilter

    state = {}

    def setup() -> None:
        view = QTableView()
        view.resize(1100, 800)
        view.setModel(open_log(LogFilter()))
        view.show()
        view.grab()
        state["view"] = view

    def run() -> None:
        view = state["view"]
        view.scrollToBottom()
        view.viewport().grab()  # paints it, reading the rows shown

    return with_sql_floor("log_jump_to_end", ctx, run, setup,
                          note="all incidents: scroll to the last row and paint")


def log_filter(ctx: Context) -> Result:
    from app.models.incident_log import LogFilter

    last = ctx.bench_db.latest
    chosen = LogFilter(priorities=frozenset({FILTER_PRIORITY}),
                       statuses=frozenset({FILTER_STATUS}),
                       received_from=last - timedelta(days=FILTER_DAYS), received_to=last)
    return with_sql_floor("log_filter", ctx, lambda: open_log(chosen),
                          note=f"P{FILTER_PRIORITY}, {FILTER_STATUS}, last {FILTER_DAYS} days")


def search(ctx: Context) -> Result:
    from app.models.incident_log import LogFilter

    return with_sql_floor("search", ctx, lambda: open_log(LogFilter(text=SEARCH_TEXT)),
                          note=f"'{SEARCH_TEXT}', newest first")


# --- one incident --------------------------------------------------------------------------
def incident_views_data(incident_id: int) -> None:
    """What the detail pane reads to show an incident, through the same functions: the
    incident and its names, the audit trail, the timeline (with the updates), the
    escalation and regulator clocks, the next statuses."""
    from app.models.audit import incident_history
    from app.models.clock import now_utc
    from app.models.entities import Category, User
    from app.models.escalation import (
        escalation_state,
        regulator_deadline,
        regulator_reported_at,
    )
    from app.models.incidents import get_incident
    from app.models.lifecycle import allowed_next
    from app.models.timeline import incident_timeline

    incident = get_incident(incident_id)
    if incident.owner_id:
        User.get_or_none(User.id == incident.owner_id)
    Category.get_by_id(incident.category_id)
    if incident.subcategory_id:
        Category.get_by_id(incident.subcategory_id)
    User.get_by_id(incident.logged_by_id)
    incident_history(incident_id)
    incident_timeline(incident_id)
    escalation_state(incident, now_utc())
    if regulator_deadline(incident) is not None:
        regulator_reported_at(incident_id)
    allowed_next(incident.status)


def open_incident(ctx: Context) -> Result:
    incident_id = ctx.bench_db.detail_incident
    return with_sql_floor("open_incident", ctx, lambda: incident_views_data(incident_id),
                          note="the detail pane's data: 50 history rows, 20 updates")


def save_incident(ctx: Context) -> Result:
    """An edit saved as the form saves it (its history row, committed); the floor is one
    INSERT and one UPDATE committed by sqlite3 with the same pragmas."""
    from dataclasses import replace

    from app.models.incidents import draft_from_incident, get_incident, update_incident

    user = bench_user()
    incident_id = ctx.bench_db.save_incident
    state = {"edit": 0}

    def setup() -> None:
        state["edit"] += 1
        current = get_incident(incident_id)
        state["draft"] = replace(draft_from_incident(current),
                                 location=f"Leeds, floor {state['edit'] % 7 + 1}")
        state["version"] = current.version

    def run() -> None:
        update_incident(incident_id, state["draft"], user, state["version"])

    timing = timed(run, ctx.repeat, setup)
    connection = plain_connection(ctx.bench_db.db_path)
    connection.execute("CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, "
                       "at TEXT, old_value TEXT, new_value TEXT)")
    connection.execute("INSERT OR IGNORE INTO bench_floor (id, at) VALUES (1, '')")

    def floor_run() -> None:
        now = datetime.now().isoformat()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO bench_floor (at, old_value, new_value) "
                           "VALUES (?, ?, ?)", (now, "Leeds, floor 1", "Leeds, floor 2"))
        connection.execute("UPDATE bench_floor SET at = ? WHERE id = 1", (now,))
        connection.execute("COMMIT")

    try:
        floor = timed(floor_run, ctx.repeat)
        connection.execute("DROP TABLE bench_floor")
    finally:
        connection.close()
    return result("save_incident", timing, floor, note="one field changed, synchronous=full")


# --- reports -------------------------------------------------------------------------------
def _plain_table_pdf(path: Path, tables: list[list[list[str]]], landscape_page: bool) -> None:
    """The floor of a report: the same rows as plain tables in the same font, long texts
    wrapped as paragraphs, the columns shared out evenly."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    from app.reports.pages import stylesheet

    style = stylesheet()["BodyText"]
    document = SimpleDocTemplate(str(path), pagesize=landscape(A4) if landscape_page else A4)
    story = []
    for rows in tables:
        width = document.width / max(len(row) for row in rows)
        cells = [[Paragraph(escape(text), style) if len(text) > 20 else text for text in row]
                 for row in rows]
        story.append(Table(cells, colWidths=width, repeatRows=1, style=TableStyle(
            [("FONTNAME", (0, 0), (-1, -1), style.fontName), ("FONTSIZE", (0, 0), (-1, -1), 8),
             ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2)])))
    document.build(story)


def pdf_incident(ctx: Context) -> Result:
    """The incident's report as Export PDF makes it: the record read, the PDF written."""
    from app.models.incidents import get_incident
    from app.reports.exporting import prepare_export

    reference = get_incident(ctx.bench_db.detail_incident).reference
    user = bench_user()
    target = ctx.workdir / "incident.pdf"

    def run() -> None:
        prepare_export([reference], user).write(target)

    timing = timed(run, ctx.repeat)
    record = prepare_export([reference], user).items[0][0].record
    tables = [[list(entries[0]), *([str(v) for v in entry.values()] for entry in entries)]
              for entries in (record["history"], record["communications"])]
    floor = timed(lambda: _plain_table_pdf(ctx.workdir / "floor.pdf", tables, False),
                  ctx.repeat)
    return result("pdf_incident", timing, floor,
                  note=f"{len(record['history'])} history rows, "
                       f"{len(record['communications'])} updates")


def pdf_period_1000(ctx: Context) -> Result:
    from dataclasses import astuple, fields

    from app.models.clock import now_utc
    from app.models.period_stats import PeriodRow, period_incidents
    from app.reports.period_report import write_period_report

    start, end = ctx.bench_db.period
    target = ctx.workdir / "period.pdf"
    repeat = max(1, min(ctx.repeat, 3))  # seconds each: three runs say enough
    timing = timed(lambda: write_period_report(target, start, end, "Bench Leader", now_utc()),
                   repeat)
    rows = [[str(value) for value in astuple(row)] for row in period_incidents(start, end)]
    header = [field.name for field in fields(PeriodRow)]
    floor = timed(lambda: _plain_table_pdf(ctx.workdir / "floor.pdf", [[header, *rows]], True),
                  repeat)
    return result("pdf_period_1000", timing, floor,
                  note=f"{len(rows):,} incidents, {start} to {end}")


# --- the dashboard -------------------------------------------------------------------------
def dashboard(ctx: Context) -> Result:
    try:
        from app.models.dashboard_stats import dashboard_statistics
    except ImportError:  # the dashboard is being written: measured once it is there
        return Result("dashboard", TARGETS["dashboard"],
                      note="not measured: app.models.dashboard_stats is not there yet")

    last = ctx.bench_db.latest
    first = last - timedelta(days=364)
    return with_sql_floor("dashboard", ctx, lambda: dashboard_statistics(first, last),
                          note=f"{first} to {last}")


IN_PROCESS = {
    "log_first_page": log_first_page,
    "log_jump_to_end": log_jump_to_end,
    "log_filter": log_filter,
    "search": search,
    "open_incident": open_incident,
    "save_incident": save_incident,
    "pdf_incident": pdf_incident,
    "pdf_period_1000": pdf_period_1000,
    "dashboard": dashboard,
}


def workdir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="incident-desk-bench-")
