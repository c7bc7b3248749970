"""The Qt table models of the log and of an incident's history, over a real database."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor

from app.models import demo_data
from app.models.audit import incident_history
from app.models.clock import format_local, now_utc, to_local
from app.models.entities import Category, Incident, User
from app.models.incident_log import OPEN_STATUSES, UNASSIGNED, LogFilter
from app.models.incidents import change_status, create_incident, update_incident
from app.models.lifecycle import Status
from app.models.sla import ClockState
from app.views.history_table_model import HistoryTableModel
from app.views.incident_table_model import (
    COLUMNS,
    PRIORITY_COLUMN,
    IncidentIdRole,
    IncidentTableModel,
    PriorityRole,
    local_text,
)
from app.views.text import priority_text, status_text
from tests.conftest import NOW, category, make_draft

pytestmark = pytest.mark.gui

DISPLAY = Qt.ItemDataRole.DisplayRole
BACKGROUND = Qt.ItemDataRole.BackgroundRole
REFERENCE, RECEIVED, CALLER, NATURE, CATEGORY, PRIORITY, SLA, STATUS, OWNER = range(len(COLUMNS))
HEADERS = ["Reference", "Received", "Caller", "Nature", "Category", "Priority", "SLA",
           "Status", "Owner"]
# Columns whose text depends only on the record (the SLA column also on the time now).
RECORD_COLUMNS = [c for c in range(len(COLUMNS)) if c != SLA]
RECEIVED_AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


# --- helpers ---------------------------------------------------------------------------------
def text(model, row: int, column: int) -> str:
    return model.data(model.index(row, column), DISPLAY)


def row_texts(model, row: int) -> list[str]:
    """The texts of the columns that depend on the record alone (not the SLA clock)."""
    return [text(model, row, column) for column in RECORD_COLUMNS]


def model_ids(model: IncidentTableModel) -> list[int]:
    return [model.data(model.index(row, 0), IncidentIdRole) for row in range(model.rowCount())]


def log_model(log_filter: LogFilter | None = None) -> IncidentTableModel:
    model = IncidentTableModel()
    model.set_filter(log_filter or LogFilter())
    return model


def shown_texts(incident: Incident) -> list[str]:
    """What the log should show for ``incident`` in the ``RECORD_COLUMNS``, read straight
    from the database."""
    owner = User.get_or_none(User.id == incident.owner_id) if incident.owner_id else None
    return [
        incident.reference,
        format_local(incident.received_at),
        incident.caller_name,
        incident.summary,
        Category.get_by_id(incident.category_id).name,
        priority_text(incident.priority),
        status_text(incident.status),
        owner.display_name if owner else "",
    ]


def all_incidents() -> list[Incident]:
    return list(Incident.select())


def words(incident: Incident) -> list[str]:
    """The words the search index holds for ``incident``."""
    indexed = " ".join([incident.reference, incident.caller_name, incident.caller_phone,
                        incident.summary])
    return [w.lower() for w in re.findall(r"\w+", indexed)]


LEVELS = ("high", "medium", "low")
CALLERS = ("Ada Smith", "Ben Kowal", "Cara Nwosu", "Dev Smithson", "Elin Price", "Femi Ade")


@pytest.fixture
def demo(db, advisor):
    """Sixty varied incidents: mostly closed demo ones over a year, and a dozen recent ones
    logged through the model layer (unowned, open and resolved, every priority)."""
    demo_data.generate(48, seed=11, now=NOW)
    parents = list(Category.select().where(Category.parent.is_null()).order_by(Category.id))
    for n in range(12):
        incident = create_incident(make_draft(
            received_at=NOW - timedelta(hours=5 * n + 1), caller_name=CALLERS[n % 6],
            category_id=parents[n % len(parents)].id, subcategory_id=None,
            impact=LEVELS[n % 3], urgency=LEVELS[n // 3 % 3], owner_id=None), advisor, now=NOW)
        if n % 4 == 1:
            change_status(incident.id, Status.IN_PROGRESS, advisor, now=NOW)
        elif n % 4 == 2:
            change_status(incident.id, Status.RESOLVED, advisor, "Fixed", now=NOW)
    return all_incidents()


@pytest.fixture
def big_log(db):
    """More than two and a half pages of incidents, so the last pages are read backwards."""
    demo_data.generate(257, seed=5, now=NOW)
    return all_incidents()


@pytest.fixture
def known(advisor, colleague):
    """Two incidents whose every shown value is known: a P2 owned one and a P5 unowned one."""
    p2 = create_incident(make_draft(
        received_at=RECEIVED_AT, caller_name="Olivia Taylor",
        summary="Billing system not loading for the whole team", impact="medium",
        urgency="high", owner_id=colleague.id), advisor)
    p5 = create_incident(make_draft(
        received_at=RECEIVED_AT + timedelta(hours=1), caller_name="Bartholomew Quince",
        summary="Lights out in the car park", category_id=category("Facilities").id,
        subcategory_id=None, impact="low", urgency="low"), advisor)
    p1 = create_incident(make_draft(
        received_at=RECEIVED_AT + timedelta(hours=2), caller_name="Zainab Adeyemi",
        summary="Smell of gas reported in Leeds", category_id=category("Safety").id,
        subcategory_id=None, impact="high", urgency="high"), advisor)
    return p2, p5, p1


# --- Qt's own model checks ----------------------------------------------------------------
@pytest.mark.parametrize("force_py", [False, True], ids=["qt-tester", "py-tester"])
def test_incident_model_passes_the_model_tester(qapp, qtmodeltester, demo, force_py):
    model = log_model()
    assert model.rowCount() == len(demo)
    qtmodeltester.check(model, force_py=force_py)
    # The tester keeps watching: resets from filtering and sorting must stay consistent.
    model.set_filter(LogFilter(statuses=OPEN_STATUSES))
    model.sort(CALLER, Qt.SortOrder.AscendingOrder)
    model.set_filter(LogFilter(text="no-such-words-anywhere"))
    assert model.rowCount() == 0
    model.refresh()


@pytest.mark.parametrize("force_py", [False, True], ids=["qt-tester", "py-tester"])
def test_history_model_passes_the_model_tester(qtmodeltester, known, advisor, force_py):
    incident = known[0]
    change_status(incident.id, Status.IN_PROGRESS, advisor, "Looking into it")
    model = HistoryTableModel()
    model.set_entries(incident_history(incident.id))
    assert model.rowCount() == 3
    qtmodeltester.check(model, force_py=force_py)
    model.set_entries([])
    assert model.rowCount() == 0


def test_headers_name_the_columns(db):
    model = log_model()
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(9)] == HEADERS
    assert model.headerData(9, Qt.Orientation.Horizontal) is None
    assert model.headerData(0, Qt.Orientation.Vertical) is None


# --- what a row shows -----------------------------------------------------------------------
def test_rows_show_the_incident_in_words(known, colleague):
    p2, p5, p1 = known
    model = log_model()  # newest received first: P1, P5, P2
    assert model.rowCount() == 3
    assert row_texts(model, model.row_of(p2.id)) == [
        p2.reference, "20/11/2026 09:30", "Olivia Taylor",
        "Billing system not loading for the whole team", "IT system failure", "P2 High",
        "Assigned", "Alex Colleague"]
    assert row_texts(model, model.row_of(p5.id)) == [
        p5.reference, "20/11/2026 10:30", "Bartholomew Quince", "Lights out in the car park",
        "Facilities", "P5 Planning", "New", ""]
    assert text(model, model.row_of(p1.id), PRIORITY) == "P1 Critical"


def test_id_and_priority_roles(known):
    p2, p5, p1 = known
    model = log_model()
    assert model_ids(model) == [p1.id, p5.id, p2.id]
    for column in range(model.columnCount()):
        assert model.data(model.index(2, column), IncidentIdRole) == p2.id
    assert [model.data(model.index(r, 0), PriorityRole) for r in range(3)] == [1, 5, 2]
    assert [model.incident_id(r) for r in range(3)] == [p1.id, p5.id, p2.id]
    assert model.incident_id(3) is None
    assert model.incident_id(-1) is None


def test_priority_colour_differs_between_p1_and_p5(known):
    _, p5, p1 = known
    model = log_model()
    p1_colour = model.data(model.index(model.row_of(p1.id), PRIORITY_COLUMN), BACKGROUND)
    p5_colour = model.data(model.index(model.row_of(p5.id), PRIORITY_COLUMN), BACKGROUND)
    assert isinstance(p1_colour, QColor)
    assert isinstance(p5_colour, QColor)
    assert p1_colour != p5_colour
    # Text colours keep each readable on its background.
    p1_text = model.data(model.index(model.row_of(p1.id), PRIORITY_COLUMN),
                         Qt.ItemDataRole.ForegroundRole)
    assert p1_text.lightness() > p1_colour.lightness()
    # Only the priority column is coloured.
    assert model.data(model.index(model.row_of(p1.id), CALLER), BACKGROUND) is None


def test_invalid_index_and_child_rows_give_nothing(known):
    model = log_model()
    assert model.data(QModelIndex(), DISPLAY) is None
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.columnCount(model.index(0, 0)) == 0
    assert not model.index(3, 0).isValid()


# --- filtering ------------------------------------------------------------------------------
def _local_date(incident: Incident) -> date:
    return to_local(incident.received_at).date()


FILTERS = {
    "everything": (LogFilter(), lambda i: True),
    "open": (LogFilter(statuses=OPEN_STATUSES), lambda i: i.status in OPEN_STATUSES),
    "closed": (LogFilter(statuses=frozenset({"closed"})), lambda i: i.status == "closed"),
    "p1-or-p2": (LogFilter(priorities=frozenset({1, 2})), lambda i: i.priority in (1, 2)),
    "unassigned": (LogFilter(owner_id=UNASSIGNED), lambda i: i.owner_id is None),
    "november": (LogFilter(received_from=date(2026, 11, 1), received_to=date(2026, 11, 23)),
                 lambda i: date(2026, 11, 1) <= _local_date(i) <= date(2026, 11, 23)),
    # Every word typed must begin a word of the reference, caller, phone or nature.
    "search-smith": (LogFilter(text="smith"),
                     lambda i: any(w.startswith("smith") for w in words(i))),
    "search-two-words": (LogFilter(text="ada smi"),
                         lambda i: {"ada", "smith"} <= set(words(i))),
    "search-prefix": (LogFilter(text="Kow"),
                      lambda i: any(w.startswith("kow") for w in words(i))),
}


@pytest.mark.parametrize("name", FILTERS)
def test_row_count_is_the_number_of_incidents_the_filter_lets_through(demo, name):
    log_filter, passes = FILTERS[name]
    expected = {i.id for i in demo if passes(i)}
    model = log_model(log_filter)
    assert model.rowCount() == len(expected)
    assert set(model_ids(model)) == expected


def test_category_and_open_filters_combine(demo):
    it = category("IT system failure")
    expected = {i.id for i in demo if i.category_id == it.id and i.status in OPEN_STATUSES}
    assert expected, "the demo data should hold open IT incidents"
    model = log_model(LogFilter(statuses=OPEN_STATUSES, category_id=it.id))
    assert set(model_ids(model)) == expected
    assert {text(model, r, CATEGORY) for r in range(model.rowCount())} == {"IT system failure"}


def test_filters_used_by_the_demo_are_not_empty(demo):
    """The filter cases above would prove little if they matched nothing (or everything)."""
    for name in ("open", "closed", "p1-or-p2", "unassigned", "november", "search-smith",
                 "search-two-words", "search-prefix"):
        _, passes = FILTERS[name]
        assert 0 < sum(map(passes, demo)) < len(demo), name


# --- sorting --------------------------------------------------------------------------------
def _sort_value(column: int, incident: Incident, shown: list[str]):
    if column == REFERENCE:
        return incident.reference
    if column == RECEIVED:
        return incident.received_at  # the shown text has no seconds and sorts by day first
    if column == PRIORITY:
        return incident.priority
    return shown[RECORD_COLUMNS.index(column)]


@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder],
                         ids=["ascending", "descending"])
@pytest.mark.parametrize("column", RECORD_COLUMNS,
                         ids=[h for c, h in enumerate(HEADERS) if c != SLA])
def test_sort_orders_rows_like_python_sorts_the_data(demo, column, order):
    descending = order == Qt.SortOrder.DescendingOrder
    shown = {i.id: shown_texts(i) for i in demo}
    expected = sorted(demo, key=lambda i: (_sort_value(column, i, shown[i.id]), i.id),
                      reverse=descending)
    model = log_model()
    model.sort(column, order)
    assert model_ids(model) == [i.id for i in expected]
    assert [text(model, r, column) for r in range(model.rowCount())] == [
        shown[i.id][RECORD_COLUMNS.index(column)] for i in expected]


def test_sort_resets_the_model_and_ignores_unknown_columns(qtbot, demo):
    model = log_model()
    before = model_ids(model)
    with qtbot.waitSignal(model.modelReset):
        model.sort(CALLER, Qt.SortOrder.AscendingOrder)
    assert model_ids(model) != before
    with qtbot.assertNotEmitted(model.modelReset):
        model.sort(len(COLUMNS), Qt.SortOrder.AscendingOrder)
        model.sort(-1, Qt.SortOrder.AscendingOrder)


# --- paging: rows far down the log ------------------------------------------------------------
def direct_order(sort_field, descending: bool) -> list[Incident]:
    order = ([sort_field.desc(), Incident.id.desc()] if descending
             else [sort_field.asc(), Incident.id.asc()])
    return list(Incident.select().order_by(*order))


def test_last_row_of_a_long_log_matches_a_direct_query(big_log):
    assert len(big_log) > 2.5 * IncidentTableModel.PAGE_SIZE
    expected = direct_order(Incident.received_at, descending=True)
    model = log_model()
    last = model.rowCount() - 1
    assert last == len(big_log) - 1
    # Read the far end first, before any other page is cached.
    assert model.incident_id(last) == expected[-1].id
    assert row_texts(model, last) == shown_texts(expected[-1])
    assert row_texts(model, last - 1) == shown_texts(expected[-2])
    assert model.data(model.index(last + 1, 0), DISPLAY) is None


@pytest.mark.parametrize(("column", "field", "descending"), [
    (RECEIVED, Incident.received_at, True),
    (RECEIVED, Incident.received_at, False),
    (PRIORITY, Incident.priority, True),   # many ties: order within a tie must hold too
    (PRIORITY, Incident.priority, False),
    (STATUS, Incident.status, True),
    (CALLER, Incident.caller_name, False),
], ids=["received-desc", "received-asc", "priority-desc", "priority-asc", "status-desc",
        "caller-asc"])
def test_every_page_matches_a_direct_query(big_log, column, field, descending):
    model = log_model()
    model.sort(column, Qt.SortOrder.DescendingOrder if descending
               else Qt.SortOrder.AscendingOrder)
    expected = direct_order(field, descending)
    # Read backwards, from the last page to the first, then forwards: same rows either way.
    backwards = [model.incident_id(r) for r in reversed(range(model.rowCount()))]
    assert backwards[::-1] == [i.id for i in expected]
    model.refresh()
    assert model_ids(model) == [i.id for i in expected]
    for row in (0, 99, 100, 128, 129, 199, 200, 256):
        assert row_texts(model, row) == shown_texts(expected[row]), row


def test_page_cache_is_bounded(big_log, monkeypatch):
    monkeypatch.setattr(IncidentTableModel, "PAGES_KEPT", 2)
    model = log_model()
    expected = [i.id for i in direct_order(Incident.received_at, descending=True)]
    for row in (0, 150, 256, 0, 256):
        assert model.incident_id(row) == expected[row]
    assert len(model._pages) <= 2


# --- row_of ---------------------------------------------------------------------------------
def test_row_of_finds_incidents_on_any_page(big_log):
    expected = [i.id for i in direct_order(Incident.received_at, descending=True)]
    for row in (0, 57, 100, 201, 256):
        fresh = log_model()  # nothing read yet: found by query
        assert fresh.row_of(expected[row]) == row
    model = log_model()
    model_ids(model)  # every page read: found in the pages kept
    for row in (0, 57, 100, 201, 256):
        assert model.row_of(expected[row]) == row
        assert model.incident_id(model.row_of(expected[row])) == expected[row]


@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder],
                         ids=["ascending", "descending"])
@pytest.mark.parametrize("column", RECORD_COLUMNS,
                         ids=[h for c, h in enumerate(HEADERS) if c != SLA])
def test_row_of_agrees_with_the_rows_in_every_sort(big_log, column, order):
    reader = log_model()
    reader.sort(column, order)
    shown = model_ids(reader)
    for row in (0, 1, 57, 99, 100, 128, 129, 200, 255, 256):
        fresh = log_model()  # no page read yet: the row is worked out by the database
        fresh.sort(column, order)
        assert fresh.row_of(shown[row]) == row


def test_row_of_follows_the_sort_and_the_filter(big_log):
    # Resolved ones: the demo's months leave most incidents closed, a few resolved.
    resolved = frozenset({Status.RESOLVED})
    model = log_model(LogFilter(statuses=resolved))
    model.sort(CALLER, Qt.SortOrder.AscendingOrder)
    shown = model_ids(model)
    assert 3 <= len(shown) < len(big_log)
    for row in (0, len(shown) // 2, len(shown) - 1):
        assert model.row_of(shown[row]) == row
    filtered_out = next(i for i in big_log if i.status not in resolved)
    assert model.row_of(filtered_out.id) is None
    assert model.row_of(10**9) is None


@pytest.mark.slow
def test_row_of_finds_an_incident_beyond_twenty_thousand_rows(db):
    """Regression: position_of used to stop looking after 20,000 rows."""
    demo_data.generate(20_050, seed=3, now=NOW)
    oldest = direct_order(Incident.received_at, descending=True)[-1]
    model = log_model()
    assert model.row_of(oldest.id) == model.rowCount() - 1


# --- the history model ------------------------------------------------------------------------
def history_rows(model: HistoryTableModel) -> list[list[str]]:
    return [[model.data(model.index(r, c), DISPLAY) for c in range(1, 5)]
            for r in range(model.rowCount())]


def test_history_model_reads_the_audit_trail_in_words(known, advisor, colleague):
    incident = known[1]  # P5, unowned, New
    change_status(incident.id, Status.IN_PROGRESS, colleague, "Rang the caller back")
    draft = make_draft(received_at=incident.received_at, caller_name="Bartholomew Quince",
                       summary="Car park lights out", category_id=category("Facilities").id,
                       subcategory_id=None, impact="high", urgency="low")
    before = Incident.get_by_id(incident.id)
    update_incident(incident.id, draft, advisor, expected_version=2)
    after = Incident.get_by_id(incident.id)
    model = HistoryTableModel()
    model.set_entries(incident_history(incident.id))
    assert model.columnCount() == 5
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "When", "Who", "What", "From", "To"]
    assert history_rows(model) == [
        ["Sam Advisor", "Logged", "", incident.reference],
        ["Alex Colleague", "Status", "New", "In progress"],
        ["Alex Colleague", "Note", "", "Rang the caller back"],
        ["Sam Advisor", "Nature of incident", "Lights out in the car park",
         "Car park lights out"],
        ["Sam Advisor", "Impact", "Low", "High"],
        ["Sam Advisor", "Priority", "P5 Planning", "P3 Moderate"],
        ["Sam Advisor", "Response due", format_local(before.response_due),
         format_local(after.response_due)],
        ["Sam Advisor", "Resolution due", format_local(before.resolution_due),
         format_local(after.resolution_due)],
    ]
    when = model.data(model.index(0, 0), DISPLAY)
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d", when)
    assert model.data(model.index(0, 2), Qt.ItemDataRole.ToolTipRole) == "Logged"
    assert model.data(model.index(8, 0), DISPLAY) is None


def test_sla_column_reads_the_clock_and_colours_breaches(qtbot, db, advisor):
    now = now_utc()
    breached = create_incident(make_draft(received_at=now - timedelta(days=3)), advisor,
                               now=now)
    fresh = create_incident(make_draft(received_at=now, impact="low", urgency="low"),
                            advisor, now=now)
    model = log_model()
    old_row, new_row = model.row_of(breached.id), model.row_of(fresh.id)
    assert text(model, old_row, SLA).startswith("Respond: breached ")
    assert model.data(model.index(old_row, SLA), BACKGROUND) == QColor("#c62828")
    assert text(model, new_row, SLA).startswith("Respond: ")
    assert text(model, new_row, SLA).endswith(" left")
    assert model.data(model.index(new_row, SLA), BACKGROUND) is None
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.tick()
    # the reference (its escalation flag) to the SLA clock move on
    assert (blocker.args[0].column(), blocker.args[1].column()) == (0, SLA)
    assert blocker.args[1].row() == model.rowCount() - 1


def test_sla_filter_and_tick_reread_the_log(qtbot, db, advisor):
    now = now_utc()
    create_incident(make_draft(received_at=now - timedelta(days=3)), advisor, now=now)
    create_incident(make_draft(received_at=now), advisor, now=now)
    model = log_model()
    model.set_filter(LogFilter(sla=ClockState.BREACHED))
    assert model.rowCount() == 1
    with qtbot.waitSignal(model.modelReset):
        model.tick()
    assert model.rowCount() == 1


# --- the texts kept -----------------------------------------------------------------------------
@pytest.fixture
def london(monkeypatch):
    """The workstation's zone set to Europe/London (summer time) for the test."""
    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_received_text_is_format_local_through_summer_time(london):
    """local_text, the log's quicker format_local, says the same at every quarter hour of
    the days the clocks change and on either side."""
    for start in (datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 10, 24, tzinfo=UTC)):
        for quarter in range(3 * 24 * 4):
            when = start + timedelta(minutes=15 * quarter, seconds=quarter % 60)
            assert local_text(when) == format_local(when), when
    assert local_text(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)) == "01/07/2026 13:00"


def test_texts_kept_are_read_again_on_refresh_and_tick(qtbot, db, advisor, monkeypatch):
    now = now_utc()
    incident = create_incident(make_draft(received_at=now - timedelta(minutes=5)), advisor,
                               now=now)
    model = log_model()
    assert text(model, 0, CALLER) == "Olivia Taylor"
    clock = text(model, 0, SLA)
    assert clock.startswith("Respond: ") and clock.endswith(" left")
    Incident.update(caller_name="Olivia Taylor-Brown").where(
        Incident.id == incident.id).execute()
    assert text(model, 0, CALLER) == "Olivia Taylor"  # kept until read again
    model.refresh()
    assert text(model, 0, CALLER) == "Olivia Taylor-Brown"
    later = now + timedelta(days=2)
    monkeypatch.setattr("app.views.incident_table_model.now_utc", lambda: later)
    model.tick()
    assert text(model, 0, SLA).startswith("Respond: breached ")
    assert model.data(model.index(0, SLA), BACKGROUND) == QColor("#c62828")
