"""Importing and exporting incidents from the window, as a user does: the file chosen, its
columns matched to ours, every row checked (problems by row and column, or a preview), then
all imported or none; and a period exported to CSV or XLSX and read back. The reading,
checking and writing run on worker threads: the tests wait on their signals."""

from __future__ import annotations

import csv
import time
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtWidgets import QPushButton, QWidget

from app.models.clock import format_local, now_utc
from app.models.entities import Incident, User
from app.models.incident_transfer import COLUMNS, read_table
from app.models.incidents import create_incident
from app.views import import_dialog as import_module
from app.views.accessibility import spoken_name, unnamed_inputs
from app.views.export_dialog import ExportDialog
from app.views.import_dialog import CHECK_PAGE, DONE_PAGE, FILE_PAGE, MAPPING_PAGE, ImportDialog
from app.views.transfer_actions import TransferActions
from app.views.transfer_table_models import (
    COLUMN_LABELS,
    ImportPreviewModel,
    ImportProblemsModel,
)
from tests.conftest import make_draft, raw_connection
from tests.views.helpers import choose

pytestmark = pytest.mark.gui

WAIT = 20_000  # ms: a worker thread on a loaded test machine
# Received two days before the test runs: never "in the future", always after 2000.
RECEIVED = (now_utc() - timedelta(days=2)).replace(hour=10, minute=15, second=0,
                                                   microsecond=0)
GOOD = {"received_at": RECEIVED.isoformat(), "channel": "phone",
        "caller_name": "Olivia Taylor", "category": "IT system failure",
        "summary": "Billing system down", "impact": "high", "urgency": "medium"}


def write_csv(path: Path, rows: list[dict]) -> Path:
    header = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, header, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    return path


def counts(db_path) -> tuple[int, int, int]:
    """Incidents, history rows and configuration changes, read by a connection of its own
    (sqlite3, or psycopg on PostgreSQL)."""
    conn = raw_connection(db_path)
    try:
        return tuple(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                     for table in ("incident", "history", "config_change"))
    finally:
        conn.close()


def click(qtbot, button: QPushButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def shown_rows(model) -> list[list[str]]:
    return [[model.data(model.index(r, c)) for c in range(model.columnCount())]
            for r in range(model.rowCount())]


@pytest.fixture
def window(qtbot) -> QWidget:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    return window


def actions_of(window: QWidget, user: User, dialogs) -> TransferActions:
    return TransferActions(window, user, dialogs)


def open_import(qtbot, window, user, dialogs, path: Path) -> ImportDialog:
    """File › Import incidents…, the file chosen in the picker and read."""
    actions = actions_of(window, user, dialogs)
    dialogs.open_files.append(path)
    actions.import_action.trigger()  # the dialog opens, and its picker at once
    dialog = actions.shown
    assert isinstance(dialog, ImportDialog)
    qtbot.waitUntil(lambda: dialog.job is not None and dialog.job.done, timeout=WAIT)
    assert dialog.table is not None, dialogs.calls
    return dialog


def check(qtbot, dialog: ImportDialog) -> None:
    assert dialog.pages.currentIndex() == MAPPING_PAGE
    with qtbot.waitSignal(dialog.checked, timeout=WAIT):
        click(qtbot, dialog.next_button)
    assert dialog.pages.currentIndex() == CHECK_PAGE


# --- import -----------------------------------------------------------------------------------
def test_a_clean_csv_is_checked_previewed_and_imported_by_keyboard(qtbot, window, leader,
                                                                    dialogs, db_path, tmp_path):
    source = write_csv(tmp_path / "clean.csv", [
        GOOD, {**GOOD, "caller_name": "Jack Jones", "impact": "low", "urgency": "low",
               "reference": "INC-2025-000042"},
        {**GOOD, "caller_name": "Priya Raman", "priority": "P1"}])
    before = counts(db_path)
    actions = actions_of(window, leader, dialogs)
    dialogs.open_files.append(source)
    changed = []
    actions.incidents_changed.connect(lambda: changed.append(True))
    actions.import_action.trigger()
    dialog = actions.shown
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == MAPPING_PAGE, timeout=WAIT)
    assert dialogs.calls[0][:2] == ("open_file", "Import incidents")
    assert dialog.file_state.text() == ("3 rows in clean.csv (CSV, UTF-8, separated by "
                                        "semicolons).")
    assert dialog.missing.isHidden()
    assert dialog.unused.text() == "Every column of the file is read."
    assert dialog.combos["caller_name"].currentText() == "caller_name"
    assert dialog.combos["owner"].currentText() == "(none)"

    with qtbot.waitSignal(dialog.checked, timeout=WAIT):  # Enter: the default button
        qtbot.keyClick(dialog.combos["received_at"], Qt.Key.Key_Return)
    assert dialog.summary.text() == "3 incidents ready to import from clean.csv."
    assert not dialog.tabs.isTabVisible(dialog.problems_tab)
    assert dialog.tabs.currentIndex() == dialog.preview_tab
    preview = shown_rows(dialog.preview_model)
    column = {name: COLUMNS.index(name) for name in COLUMNS}
    assert [r[column["caller_name"]] for r in preview] == ["Olivia Taylor", "Jack Jones",
                                                           "Priya Raman"]
    assert [r[column["reference"]] for r in preview] == ["(new)", "INC-2025-000042", "(new)"]
    assert preview[2][column["priority"]] == "P1"  # as the file gives it
    assert dialog.next_button.text() == "&Import 3 incidents"

    with qtbot.waitSignal(dialog.imported, timeout=WAIT):
        qtbot.keyClick(dialog.tabs, Qt.Key.Key_Return)
    assert dialog.pages.currentIndex() == DONE_PAGE
    assert dialog.done_text.text() == "3 incidents imported from clean.csv."
    assert dialog.done_detail.text() == (
        "2 were given new references; the others kept the file's. Each incident's history "
        "says which file and row it came from.")
    assert changed == [True]
    assert counts(db_path)[0] == before[0] + 3
    # the preview showed what was stored: priority from the matrix, due times, references
    for row, incident in zip(preview, Incident.select().order_by(Incident.id), strict=True):
        assert row[column["priority"]] == f"P{incident.priority}"
        assert row[column["response_due"]] == format_local(incident.response_due)
        assert row[column["resolution_due"]] == format_local(incident.resolution_due)
        if row[column["reference"]] != "(new)":
            assert row[column["reference"]] == incident.reference
    assert Incident.get(Incident.caller_name == "Priya Raman").priority_override == 1
    click(qtbot, dialog.close_button)
    assert not dialog.isVisible()


def test_file_import_opens_from_the_menu_and_the_log_shows_what_it_imported(
        qtbot, open_window, leader, dialogs, tmp_path):
    """The main window's File menu: the shortcut opens the dialog and an import refreshes
    the log."""
    from tests.views.helpers import CALLER, log_column
    from tests.views.test_data_actions import menu_action

    window = open_window(leader)
    transfer = window.transfer
    assert menu_action(window, "File", "Import incidents…") is transfer.import_action
    assert menu_action(window, "File", "Export incidents…") is transfer.export_action
    assert log_column(window, CALLER) == []
    dialogs.open_files.append(write_csv(tmp_path / "in.csv", [
        {**GOOD, "caller_name": "Ana Silva"}]))
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    dialog = transfer.shown
    assert isinstance(dialog, ImportDialog)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == MAPPING_PAGE, timeout=WAIT)
    check(qtbot, dialog)
    with qtbot.waitSignal(transfer.incidents_changed, timeout=WAIT):
        click(qtbot, dialog.next_button)
    assert log_column(window, CALLER) == ["Ana Silva"]
    click(qtbot, dialog.close_button)


def test_a_workbook_with_other_headings_is_mapped_by_the_user_then_imported(
        qtbot, window, leader, dialogs, db_path, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Date received", "How", "Caller", "Issue type", "What happened", "Impact",
                  "Urgency", "Notes"])
    local = RECEIVED.astimezone().replace(tzinfo=None)  # a workbook's own date-time cell
    sheet.append([local, "Phone", "Ana Silva", "Facilities", "No heating", "low", "low",
                  "ring first"])
    sheet.append([local + timedelta(hours=1), "email", "Kwame Mensah", "Facilities",
                  "Lift stuck", "medium", "high", ""])
    source = tmp_path / "old log.xlsx"
    workbook.save(source)
    dialog = open_import(qtbot, window, leader, dialogs, source)
    assert dialog.pages.currentIndex() == MAPPING_PAGE
    assert dialog.combos["impact"].currentText() == "Impact"  # found whatever the case
    assert dialog.missing.text() == (
        "Choose the file's column for Received, Channel, Caller name, Category, Nature of "
        "incident: required, so the check cannot start without it.")
    assert not dialog.next_button.isEnabled()
    assert dialog.unused.text() == ("Not imported (no Incident Desk column is read from "
                                    "them): Date received, How, Caller, Issue type, What "
                                    "happened, Notes.")

    for column, heading in (("received_at", 0), ("channel", 1), ("caller_name", 2),
                            ("category", 3)):
        choose(dialog.combos[column], heading)
        assert not dialog.next_button.isEnabled()
    assert dialog.missing.text().startswith("Choose the file's column for Nature of incident:")
    choose(dialog.combos["summary"], 4)
    assert dialog.missing.isHidden()
    assert dialog.next_button.isEnabled()
    assert dialog.unused.text() == ("Not imported (no Incident Desk column is read from "
                                    "them): Notes.")

    check(qtbot, dialog)
    assert dialog.plan.ok, dialog.plan.problems
    assert dialog.unused_after_check.text() == "Not imported: Notes."
    with qtbot.waitSignal(dialog.imported, timeout=WAIT):
        click(qtbot, dialog.next_button)
    assert dialog.done_text.text() == "2 incidents imported from old log.xlsx."
    stored = {i.caller_name: i for i in Incident.select()}
    assert set(stored) == {"Ana Silva", "Kwame Mensah"}
    assert stored["Ana Silva"].received_at == RECEIVED
    assert (stored["Kwame Mensah"].channel, stored["Kwame Mensah"].summary) == ("email",
                                                                                "Lift stuck")


def test_a_file_with_bad_rows_shows_every_problem_and_imports_nothing(
        qtbot, window, leader, dialogs, db_path, tmp_path):
    source = write_csv(tmp_path / "bad.csv", [
        GOOD, {**GOOD, "channel": "fax", "impact": ""}, GOOD,
        {**GOOD, "caller_phone": "call me"}, {**GOOD, "received_at": "27/03/2026"}])
    before = counts(db_path)
    dialog = open_import(qtbot, window, leader, dialogs, source)
    check(qtbot, dialog)
    assert dialog.summary.text() == ("4 problems in 3 of 5 rows of bad.csv: nothing is "
                                     "imported until every row is right.")
    assert dialog.tabs.isTabVisible(dialog.problems_tab)
    assert dialog.tabs.currentIndex() == dialog.problems_tab
    assert dialog.tabs.tabText(dialog.problems_tab) == "&Problems (4)"
    rows = shown_rows(dialog.problems_model)
    assert [r[:4] for r in rows] == [
        ["3", "channel", "channel", "fax"],
        ["3", "impact", "impact", ""],
        ["5", "caller_phone", "caller_phone", "call me"],
        ["6", "received_at", "received_at", "27/03/2026"],
    ]
    assert rows[0][4].startswith("not a known channel; allowed: phone, email")
    assert rows[1][4] == "required: this cell is empty."
    assert rows[3][4].startswith("a date without a time of day")
    assert not dialog.next_button.isEnabled()  # Import
    # the chosen problem in full below the table (a reason may be too long for its cell)
    assert dialog.problem_detail.text() == dialog.plan.problems[0].text()
    qtbot.keyClick(dialog.problems_view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert dialog.problem_detail.text() == (
        'Row 6, received_at "27/03/2026": a date without a time of day: write it as '
        "2026-03-27T16:45:00+00:00 (ISO 8601 with its UTC offset) or as 27/03/2026 16:45 "
        "(UK local time).")
    assert dialog.preview_note.text().startswith("The first 2 of the 2 rows without a problem")

    report = tmp_path / "bad problems.csv"
    dialogs.save_files.append(report)
    click(qtbot, dialog.save_report_button)
    with qtbot.waitSignal(dialog.job.finished, timeout=WAIT):
        pass
    assert dialogs.calls[-1] == ("save_file", "Save the problems",
                                 str(tmp_path / "bad problems.csv"))
    with report.open(encoding="utf-8-sig", newline="") as handle:
        saved = list(csv.reader(handle))
    assert saved[0] == ["row", "column", "file_column", "value", "reason"]
    assert [r[:2] for r in saved[1:]] == [["3", "channel"], ["3", "impact"],
                                         ["5", "caller_phone"], ["6", "received_at"]]
    assert saved[1][4] == rows[0][4]
    assert counts(db_path) == before
    assert [kind for kind in dialogs.kinds() if kind in ("error", "inform")] == []


def test_cancelling_the_import_leaves_the_database_as_it_was(qtbot, window, leader, dialogs,
                                                            db_path, tmp_path, monkeypatch):
    """The import is stopped after writing its first batch, inside its transaction: the
    Cancel button rolls it all back."""
    source = write_csv(tmp_path / "in.csv", [GOOD, {**GOOD, "caller_name": "Jack Jones"}])
    real_import = import_module.import_incidents
    dialog = open_import(qtbot, window, leader, dialogs, source)

    def import_until_cancelled(plan, by, name, progress):
        def wait_for_cancel(done: int, total: int) -> None:
            deadline = time.monotonic() + 10
            while not dialog.job.is_cancelled() and time.monotonic() < deadline:
                time.sleep(0.01)
            progress(done, total)  # raises ReportCancelled

        return real_import(plan, by, name, wait_for_cancel)

    monkeypatch.setattr(import_module, "import_incidents", import_until_cancelled)
    before = counts(db_path)
    check(qtbot, dialog)
    click(qtbot, dialog.next_button)
    job = dialog.job
    qtbot.waitUntil(lambda: job.progress_dialog is not None
                    and job.progress_dialog.isVisible(), timeout=WAIT)
    cancel = job.progress_dialog.findChild(QPushButton, "cancelWork")
    with qtbot.waitSignal(job.cancelled, timeout=WAIT):
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert counts(db_path) == before
    assert dialog.pages.currentIndex() == CHECK_PAGE
    assert dialog.summary.text() == "The import was cancelled: nothing was imported."
    assert dialog.next_button.isEnabled()  # the same checked file may still be imported
    assert dialogs.kinds() == ["open_file"]


def test_the_window_answers_while_a_large_file_is_read_and_checked(qtbot, leader, dialogs,
                                                                   tmp_path):
    """A timer every 10 ms keeps firing while 20,000 rows are read and checked on the
    worker thread (done on the GUI thread, it would not fire until the end). How long it
    is held up is measured, not asserted: on a quiet machine the longest wait was about 60
    ms at 100,000 rows; on a busy one, over a second now and then."""
    source = write_csv(tmp_path / "large.csv", [
        {**GOOD, "caller_name": f"Caller {n}"} for n in range(20_000)])
    dialog = ImportDialog(leader, dialogs)
    qtbot.addWidget(dialog)
    dialog.show()
    gaps: list[int] = []
    clock = QElapsedTimer()
    clock.start()
    timer = QTimer(dialog)
    timer.timeout.connect(lambda: gaps.append(clock.restart()))
    timer.start(10)
    with qtbot.waitSignal(dialog.table_read, timeout=60_000):
        dialog.read_file(source)
    with qtbot.waitSignal(dialog.checked, timeout=120_000):
        dialog.check()
    timer.stop()
    assert dialog.summary.text() == "20,000 incidents ready to import from large.csv."
    assert len(gaps) > 20


def test_an_advisor_is_told_why_they_cannot_import_or_export(qtbot, window, advisor, dialogs):
    actions = actions_of(window, advisor, dialogs)
    actions.import_action.trigger()
    actions.export_action.trigger()
    reason = "Sam Advisor is advisor; only an administrator or a team leader can do this."
    assert dialogs.calls == [("inform", "Import incidents", reason),
                             ("inform", "Export incidents", reason)]
    assert actions.shown is None


def test_a_file_that_cannot_be_read_is_named_and_the_dialog_stays_on_the_file(
        qtbot, window, leader, dialogs, tmp_path):
    source = tmp_path / "empty.csv"
    source.write_text("received_at;channel\n", encoding="utf-8")
    actions = actions_of(window, leader, dialogs)
    dialogs.open_files.append(source)
    actions.import_action.trigger()
    dialog = actions.shown
    qtbot.waitUntil(lambda: dialog.job.done, timeout=WAIT)
    message = "empty.csv has a header but no incidents below it."
    assert dialogs.calls[-1] == ("error", "Import incidents", message)
    assert dialog.pages.currentIndex() == FILE_PAGE
    assert dialog.file_problem.text() == message and dialog.file_problem.isVisible()
    assert not dialog.next_button.isEnabled()


# --- export -----------------------------------------------------------------------------------
@pytest.fixture
def logged(leader):
    return [create_incident(make_draft(received_at=RECEIVED - timedelta(days=days),
                                       caller_name=name), leader)
            for days, name in ((40, "Early Caller"), (1, "Olivia Taylor"), (0, "Jack Jones"))]


def export_dialog(qtbot, window, user, dialogs) -> ExportDialog:
    actions = actions_of(window, user, dialogs)
    actions.export_action.trigger()
    dialog = actions.shown
    assert isinstance(dialog, ExportDialog)
    return dialog


def test_export_writes_every_incident_or_a_period_and_it_reads_back(
        qtbot, window, leader, logged, dialogs, tmp_path):
    dialog = export_dialog(qtbot, window, leader, dialogs)
    assert dialog.everything.isChecked() and not dialog.start.isEnabled()
    workbook = tmp_path / "all.xlsx"
    dialogs.save_files.append(workbook)
    with qtbot.waitSignal(dialog.exported, timeout=WAIT):
        click(qtbot, dialog.export_button)
    assert dialog.outcome.text() == f"Wrote 3 incidents to {workbook}."
    table = read_table(workbook)
    assert table.headers == list(COLUMNS)
    assert [r[COLUMNS.index("caller_name")] for r in table.rows] == [
        "Early Caller", "Olivia Taylor", "Jack Jones"]

    dialog.period.setChecked(True)
    assert dialog.start.isEnabled()
    local_day = (RECEIVED - timedelta(days=1)).astimezone().date()
    dialog.start.setDate(local_day)
    dialog.end.setDate(RECEIVED.astimezone().date())
    chosen = tmp_path / "recent"  # typed without an ending: CSV
    dialogs.save_files.append(chosen)
    with qtbot.waitSignal(dialog.exported, timeout=WAIT):
        click(qtbot, dialog.export_button)
    assert dialogs.calls[-1][2].endswith(f"Incidents {local_day:%Y-%m-%d} to "
                                         f"{RECEIVED.astimezone().date():%Y-%m-%d}.csv")
    assert read_table(tmp_path / "recent.csv").row_numbers == [2, 3]
    assert dialog.outcome.text() == f"Wrote 2 incidents to {tmp_path / 'recent.csv'}."


def test_export_never_overwrites_a_file_the_picker_did_not_ask_about(
        qtbot, window, leader, logged, dialogs, tmp_path):
    kept = tmp_path / "notes.csv"
    kept.write_text("mine", encoding="utf-8")
    dialog = export_dialog(qtbot, window, leader, dialogs)
    dialogs.save_files.append(tmp_path / "notes")  # the picker asked about "notes" only
    click(qtbot, dialog.export_button)
    with qtbot.waitSignal(dialog.job.failed, timeout=WAIT):
        pass
    assert kept.read_text(encoding="utf-8") == "mine"
    message = f"{kept} already exists and has not been replaced: choose another file name."
    assert dialogs.calls[-1] == ("error", "Export incidents", message)
    assert dialog.problem.text() == message

    dialogs.save_files.append(tmp_path / "notes.txt")
    click(qtbot, dialog.export_button)
    assert dialog.problem.text() == "notes.txt: choose a file name ending .csv or .xlsx."

    dialog.period.setChecked(True)
    dialog.start.setDate(datetime(2026, 5, 2).date())
    dialog.end.setDate(datetime(2026, 5, 1).date())
    click(qtbot, dialog.export_button)
    assert dialog.problem.text() == ("The period ends (1 May 2026) before it starts "
                                     "(2 May 2026).")


def test_cancelling_an_export_leaves_no_file_and_says_so(qtbot, window, leader, logged,
                                                          dialogs, tmp_path, monkeypatch):
    """The export is held after its last row is written, before the file is put in place:
    the progress window's Cancel button stops it, and nothing is left at the name chosen
    (nor a partial file beside it)."""
    from app.views import export_dialog as export_module

    real_export = export_module.export_incidents

    def export_until_cancelled(path, start, end, *, by, progress, replace):
        def wait_for_cancel(done: int, total: int) -> None:
            deadline = time.monotonic() + 10
            while not dialog.job.is_cancelled() and time.monotonic() < deadline:
                time.sleep(0.01)
            progress(done, total)  # raises ReportCancelled

        return real_export(path, start, end, by=by, progress=wait_for_cancel,
                           replace=replace)

    monkeypatch.setattr(export_module, "export_incidents", export_until_cancelled)
    dialog = export_dialog(qtbot, window, leader, dialogs)
    folder = tmp_path / "exports"
    folder.mkdir()
    chosen = folder / "all.csv"
    dialogs.save_files.append(chosen)
    click(qtbot, dialog.export_button)
    job = dialog.job
    assert not dialog.export_button.isEnabled()
    qtbot.waitUntil(lambda: job.progress_dialog is not None
                    and job.progress_dialog.isVisible(), timeout=WAIT)
    cancel = job.progress_dialog.findChild(QPushButton, "cancelWork")
    with qtbot.waitSignal(job.cancelled, timeout=WAIT):
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert list(folder.iterdir()) == []
    assert dialog.problem.text() == "The export was cancelled: all.csv was not written."
    assert dialog.problem.isVisible() and not dialog.outcome.isVisible()
    assert dialog.export_button.isEnabled()  # and it may be tried again
    dialogs.save_files.append(chosen)
    monkeypatch.setattr(export_module, "export_incidents", real_export)
    with qtbot.waitSignal(dialog.exported, timeout=WAIT):
        click(qtbot, dialog.export_button)
    assert read_table(chosen).row_numbers == [2, 3, 4]


# --- the parts ----------------------------------------------------------------------------------
def test_every_input_has_a_spoken_name_on_every_step(qtbot, leader, dialogs, tmp_path):
    source = write_csv(tmp_path / "bad.csv", [GOOD, {**GOOD, "channel": "fax"}])
    dialog = ImportDialog(leader, dialogs)
    qtbot.addWidget(dialog)
    dialog.show()
    assert unnamed_inputs(dialog) == []
    with qtbot.waitSignal(dialog.table_read, timeout=WAIT):
        dialog.read_file(source)
    assert unnamed_inputs(dialog) == []
    # (on Linux a screen reader is told a combo's current text as its name, and the
    # accessible name through the label's relation: so the name is read as set)
    assert dialog.combos["received_at"].accessibleName() == "Received (required)"
    assert dialog.combos["owner"].accessibleName() == "Owner"
    with qtbot.waitSignal(dialog.checked, timeout=WAIT):
        dialog.check()
    for tab in (dialog.problems_tab, dialog.preview_tab):
        dialog.tabs.setCurrentIndex(tab)
        assert unnamed_inputs(dialog) == []
    export = ExportDialog(leader, dialogs, RECEIVED.date())
    qtbot.addWidget(export)
    export.show()
    export.period.setChecked(True)
    assert unnamed_inputs(export) == []
    assert spoken_name(export.start) == "Received from"


def test_the_tables_pass_the_model_tester(qtmodeltester, leader, tmp_path):
    from app.models.incident_transfer import check_rows

    plan = check_rows(read_table(write_csv(tmp_path / "in.csv", [
        GOOD, {**GOOD, "channel": "fax"}])))
    problems = ImportProblemsModel()
    problems.set_problems(plan.problems, plan.table.headers, plan.mapping)
    qtmodeltester.check(problems)
    preview = ImportPreviewModel()
    preview.set_rows(plan.preview())
    qtmodeltester.check(preview)
    assert tuple(COLUMN_LABELS) == COLUMNS  # every column of a file has its words


def test_work_finishing_after_the_dialog_closed_leaves_the_collector_as_it_was(
        qtbot, leader, dialogs):
    import gc

    from app.views.import_dialog import out_of_the_collectors_sight

    dialog = ImportDialog(leader, dialogs)
    qtbot.addWidget(dialog)
    kept = [object() for _ in range(100)]
    read = out_of_the_collectors_sight(lambda _progress: kept, dialog.is_open)
    assert read(lambda _done, _total: None) is kept and gc.isenabled()
    assert gc.get_freeze_count() > 0  # open: what was read is out of the collector's sight
    dialog.reject()
    assert gc.get_freeze_count() == 0  # closed: back in sight
    assert read(lambda _done, _total: None) is kept  # a read that finishes after closing
    assert gc.get_freeze_count() == 0 and gc.isenabled()
