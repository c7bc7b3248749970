"""The handover panel's tabs for supporting colleagues: support given, who is on shift, a
shift's summary with its PDF; and the small builders every tab of the panel uses."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, Qt, Signal, Slot
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.models import handover
from app.models.clock import format_local, now_utc
from app.models.entities import User
from app.models.support import SupportDraft, SupportError, record_support, support_given_by
from app.models.users import active_users
from app.models.vocabulary import HandoverMethod, SupportKind
from app.views.form_errors import FieldErrors, plain_label
from app.views.text import tr, vocabulary
from app.views.theme import set_tone, tone_colour
from app.views.widgets import action_button

if TYPE_CHECKING:
    from app.views.handover_panel import HandoverPanel

RECENT = timedelta(days=7)  # decided handovers and support shown


def make_table(name: str, headings: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headings))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headings)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.setWordWrap(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def fill_table(table: QTableWidget, rows: list[tuple[str, ...]], data: list | None = None) -> None:
    """Put ``rows`` in ``table``, keeping ``data`` (one per row) on the first column."""
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            if c == 0 and data is not None:
                item.setData(Qt.ItemDataRole.UserRole, data[r])
            table.setItem(r, c, item)
    table.resizeRowsToContents()


def selected_data(table: QTableWidget):
    row = table.currentRow()
    item = table.item(row, 0) if row >= 0 else None
    return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


def method_combo(name: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.addItem(tr("HandoverPanel", "Choose how…"), "")
    for method in HandoverMethod:
        combo.addItem(vocabulary(method.label), method.value)
    return combo


def fill_colleagues(combo: QComboBox, me: User, placeholder: str) -> None:
    chosen = combo.currentData()
    combo.clear()
    combo.addItem(placeholder, None)
    for user in active_users():
        if user.id != me.id:
            combo.addItem(user.display_name, user.id)
    combo.setCurrentIndex(max(combo.findData(chosen), 0))


def note_edit(name: str, placeholder: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(54)
    return edit



# --- support, who is on shift, the shift's summary --------------------------------------------
class SupportTab(QWidget):
    """Log "I helped a colleague"; what I logged lately below."""

    recorded = Signal(object)  # the incident id, or None

    def __init__(self, panel: HandoverPanel):
        super().__init__(panel)
        self._panel = panel
        self.supported = QComboBox()
        self.supported.setObjectName("supportColleague")
        self.incident = QLineEdit()
        self.incident.setObjectName("supportIncident")
        self.incident.setPlaceholderText(self.tr("INC-2026-000123, or empty"))
        self.kind = QComboBox()
        self.kind.setObjectName("supportKind")
        self.kind.addItem(self.tr("Choose what kind…"), "")
        for kind in SupportKind:
            self.kind.addItem(vocabulary(kind.label), kind.value)
        self.method = method_combo("supportMethod")
        self.when = QDateTimeEdit(QDateTime.currentDateTime())
        self.when.setObjectName("supportWhen")
        self.when.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.when.setCalendarPopup(True)
        self.outcome = note_edit("supportOutcome", self.tr("Required: what came of it"))
        self.notes = note_edit("supportNotes", self.tr("Optional"))
        form = QFormLayout()
        self.errors = FieldErrors(form)
        for label, widget, key in (
                (self.tr("Colleague helped:"), self.supported, "supported"),
                (self.tr("Incident:"), self.incident, "incident"),
                (self.tr("Support:"), self.kind, "kind"), (self.tr("How:"), self.method, "method"),
                (self.tr("When:"), self.when, "at"), (self.tr("Outcome:"), self.outcome, "outcome"),
                (self.tr("Notes:"), self.notes, "notes")):
            self.errors.add_row(label, widget, key)
        self.message = plain_label()
        self.message.setObjectName("supportMessage")
        self.record_button = action_button(self.tr("&Record support"), "recordSupport",
                                           self.on_record)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.record_button)
        self.given = make_table("supportGiven", [self.tr("When"), self.tr("Colleague"),
                                             self.tr("Support"), self.tr("Incident"),
                                             self.tr("Outcome")])
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(form)
        left_layout.addLayout(buttons)
        left_layout.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.given)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def reload(self) -> None:
        fill_colleagues(self.supported, self._panel.user, self.tr("Choose a colleague…"))
        entries = support_given_by(self._panel.user, since=now_utc() - RECENT)
        fill_table(self.given, [(format_local(e.at), e.supported, e.kind, e.reference, e.outcome)
                           for e in entries])

    @Slot()
    def on_record(self) -> None:
        draft = SupportDraft(self.supported.currentData(), self.kind.currentData(),
                             self.method.currentData(), self.outcome.toPlainText(),
                             self.when.dateTime().toPython().astimezone(),
                             incident=self.incident.text(), notes=self.notes.toPlainText())
        try:
            row = record_support(draft, self._panel.user)
        except SupportError as exc:
            self.message.clear()
            self.errors.show(exc.problems)
            return
        self.errors.clear()
        for edit in (self.outcome, self.notes):
            edit.clear()
        self.incident.clear()
        set_tone(self.message, "success")
        self.message.setText(self.tr("Support to {name} recorded.").format(
            name=self.supported.currentText()))
        self.when.setDateTime(QDateTime.currentDateTime())
        self.reload()
        self.recorded.emit(row.incident_id)


class OnShiftTab(QWidget):
    """Colleagues and their open incidents, so a team leader sees who needs support."""

    def __init__(self, panel: HandoverPanel):
        super().__init__(panel)
        self.list = make_table("onShift", [self.tr("Colleague"), self.tr("Role"),
                                       self.tr("Open incidents"), self.tr("At risk"),
                                       self.tr("Breached"), self.tr("Handovers to answer")])
        self.list.horizontalHeader().setStretchLastSection(False)  # counts stay by the names
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)

    def reload(self) -> None:
        loads = handover.who_is_on_shift()
        fill_table(self.list, [(c.name, c.role, str(c.open_incidents), str(c.at_risk),
                           str(c.breached), str(c.pending_handovers)) for c in loads],
              [c.user_id for c in loads])
        for r, c in enumerate(loads):
            for column in range(2, 6):
                self.list.item(r, column).setTextAlignment(
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if c.breached:
                self.list.item(r, 4).setForeground(tone_colour("error"))


class ShiftSummaryTab(QWidget):
    """A shift's handovers and support on screen, and as a PDF."""

    def __init__(self, panel: HandoverPanel):
        super().__init__(panel)
        self._panel = panel
        from app.reports.shift_rows import HANDOVER_HEADINGS, SUPPORT_HEADINGS

        today = datetime.combine(datetime.now().date(), time.min)
        self.start = QDateTimeEdit(QDateTime(today))
        self.start.setObjectName("shiftStart")
        self.end = QDateTimeEdit(QDateTime(today + timedelta(days=1)))
        self.end.setObjectName("shiftEnd")
        for edit in (self.start, self.end):
            edit.setDisplayFormat("dd/MM/yyyy HH:mm")
            edit.setCalendarPopup(True)
            edit.dateTimeChanged.connect(lambda _value: self.reload())
        self.counts = plain_label()
        self.counts.setObjectName("shiftCounts")
        self.counts.setStyleSheet("font-weight: 600;")
        self.handovers = make_table("shiftHandovers", [vocabulary(h) for h in HANDOVER_HEADINGS])
        self.support = make_table("shiftSupport", [vocabulary(h) for h in SUPPORT_HEADINGS])
        tables = QSplitter(Qt.Orientation.Vertical)
        tables.addWidget(self.handovers)
        tables.addWidget(self.support)
        tables.setStretchFactor(0, 3)
        tables.setStretchFactor(1, 1)
        self.export_button = action_button(self.tr("&Export PDF…"), "shiftExport",
                                           self.on_export)
        self.message = plain_label()
        self.message.setObjectName("shiftMessage")
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Shift from:")))
        top.addWidget(self.start)
        top.addWidget(QLabel(self.tr("to:")))
        top.addWidget(self.end)
        top.addStretch(1)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.counts)
        layout.addWidget(tables, 1)
        layout.addWidget(self.message)

    def summary(self) -> handover.ShiftSummary:
        return handover.shift_summary(self.start.dateTime().toPython().astimezone(),
                                      self.end.dateTime().toPython().astimezone())

    @Slot()
    def reload(self) -> None:
        from app.reports.shift_rows import handover_rows, shift_text, support_rows

        summary = self.summary()
        self.counts.setText(f"{shift_text(summary)}: {summary.counts_text()}")
        fill_table(self.handovers, handover_rows(summary))
        fill_table(self.support, support_rows(summary))

    @Slot()
    def on_export(self) -> Path | None:
        from app.models.organisation import organisation
        from app.reports.files import ReportError
        from app.reports.shift_report import write_shift_pdf

        suggested = Path.home() / f"shift-handovers-{self.start.date().toString('yyyy-MM-dd')}.pdf"
        path = self._panel.dialogs.save_file(self, self.tr("Export the shift handover report"),
                                             suggested, self.tr("PDF files (*.pdf)"))
        if path is None:
            return None
        QApplication.setOverrideCursor(QCursor(Qt.CursorShape.WaitCursor))
        try:
            written = write_shift_pdf(self.summary(), path, organisation(),
                                      self._panel.user.display_name, now_utc())
        except ReportError as exc:
            self._panel.dialogs.error(self, self.tr("PDF not written"), str(exc))
            return None
        finally:
            QApplication.restoreOverrideCursor()
        self.message.setText(self.tr("Exported to {path}").format(path=written))
        return written
