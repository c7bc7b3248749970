"""The selected incident: its details, a status change, and its history."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.models.audit import incident_history
from app.models.clock import format_local, now_utc
from app.models.entities import Category, Incident, User
from app.models.escalation import (
    escalation_state,
    regulator_clock_text,
    regulator_deadline,
    regulator_reported_at,
)
from app.models.incidents import get_incident
from app.models.lifecycle import NOTE_REQUIRED, Status, TransitionError, allowed_next
from app.models.sla import span_text
from app.models.timeline import incident_timeline
from app.models.vocabulary import CallerType, Channel, Level
from app.views.history_table_model import HistoryTableModel
from app.views.operations import IncidentOperations
from app.views.text import priority_badge_style, priority_text, status_text

DETAIL_FIELDS = (
    ("received", "Received"), ("logged", "Logged"), ("channel", "Channel"),
    ("caller", "Caller"), ("phone", "Phone / caller ID"), ("email", "Email"),
    ("account", "Account or asset no."), ("location", "Location"),
    ("category", "Category"), ("impact", "Impact / urgency"), ("why", "Why this priority"),
    ("escalation", "Escalation"), ("regulator", "Report breach to regulator"),
    ("owner", "Owner"),
    ("confirmed", "Confirmed back"), ("respond_by", "Respond by"),
    ("resolve_by", "Resolve by"), ("responded", "Responded"), ("resolved", "Resolved"),
    ("closed", "Closed"), ("resolution", "Resolution"),
)


TIMELINE_WHAT_WIDTH = 170  # what happened, wrapped; the details get the rest
REGULATOR_WARNING = timedelta(hours=12)  # the breach clock turns red with this much left


class DetailPane(QWidget):
    """Shows one incident; lets the user move it along its lifecycle."""

    edit_requested = Signal(int)
    prioritise_requested = Signal(int)
    escalate_requested = Signal(int)
    update_requested = Signal(int)
    print_requested = Signal(int)
    export_requested = Signal(int)

    def __init__(self, operations: IncidentOperations, parent: QWidget | None = None):
        super().__init__(parent)
        self._operations = operations
        self._incident_id: int | None = None

        self.title = QLabel()
        self.title.setObjectName("detailTitle")
        self.title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.priority_badge = QLabel()
        self.priority_badge.setMargin(4)
        self.status_label = QLabel()
        self.status_label.setObjectName("statusLabel")
        self.status_label.setStyleSheet("font-weight: 600;")
        self.edit_button = QPushButton(self.tr("&Edit…"))
        self.edit_button.clicked.connect(self.on_edit_clicked)
        self.prioritise_button = QPushButton(self.tr("&Prioritise…"))
        self.prioritise_button.setObjectName("detailPrioritise")
        self.prioritise_button.clicked.connect(self.on_prioritise_clicked)
        self.escalate_button = QPushButton(self.tr("Esc&alate…"))
        self.escalate_button.setObjectName("detailEscalate")
        self.escalate_button.clicked.connect(self.on_escalate_clicked)
        self.update_button = QPushButton(self.tr("&Update…"))
        self.update_button.setObjectName("detailUpdate")
        self.update_button.setToolTip(self.tr("Record an update given to a stakeholder, or "
                                              "send one by email"))
        self.update_button.clicked.connect(self.on_update_clicked)
        self.report_button = QToolButton()
        self.report_button.setObjectName("detailReport")
        self.report_button.setText(self.tr("&Report"))
        self.report_button.setToolTip(self.tr("Print this incident's report, or export it as "
                                              "a PDF"))
        self.report_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        report_menu = QMenu(self.report_button)
        self.print_report_action = report_menu.addAction(self.tr("&Print…"))
        self.print_report_action.triggered.connect(
            lambda: self._incident_id is not None and self.print_requested.emit(
                self._incident_id))
        self.export_report_action = report_menu.addAction(self.tr("&Export PDF…"))
        self.export_report_action.triggered.connect(
            lambda: self._incident_id is not None and self.export_requested.emit(
                self._incident_id))
        self.report_button.setMenu(report_menu)
        badges = QHBoxLayout()
        badges.addWidget(self.priority_badge)
        badges.addWidget(self.status_label)
        badges.addStretch(1)
        badges.addWidget(self.prioritise_button)
        badges.addWidget(self.escalate_button)
        badges.addWidget(self.update_button)
        badges.addWidget(self.edit_button)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 11pt;")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setTextFormat(Qt.TextFormat.PlainText)
        self.description.setStyleSheet("color: palette(dark); font-style: italic;")

        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        self.fields_form = form
        for key, label in DETAIL_FIELDS:
            value = QLabel()
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[key] = value
            form.addRow(self.tr(label) + ":", value)

        self.next_status = QComboBox()
        self.next_status.setObjectName("nextStatus")
        self.next_status.currentIndexChanged.connect(self.on_next_status_changed)
        self.status_note = QLineEdit()
        self.status_note.setObjectName("statusNote")
        self.status_note.returnPressed.connect(self.on_apply_status)
        self.apply_status = QPushButton(self.tr("Apply"))
        self.apply_status.setObjectName("applyStatus")
        self.apply_status.clicked.connect(self.on_apply_status)
        self.status_message = QLabel()
        self.status_message.setObjectName("statusMessage")
        self.status_message.setWordWrap(True)
        self.status_message.setTextFormat(Qt.TextFormat.PlainText)
        self.status_message.setStyleSheet("color: #b71c1c;")
        move = QGroupBox(self.tr("Change status"))
        move_layout = QFormLayout(move)
        move_layout.addRow(self.tr("Move to:"), self.next_status)
        move_layout.addRow(self.tr("Note:"), self.status_note)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_message, 1)
        buttons.addWidget(self.apply_status)
        move_layout.addRow(buttons)

        details = QWidget()
        details_layout = QVBoxLayout(details)
        heading = QHBoxLayout()
        heading.addWidget(self.title, 1)
        heading.addWidget(self.report_button)  # beside the reference: the whole record
        details_layout.addLayout(heading)
        details_layout.addLayout(badges)
        details_layout.addWidget(self.summary)
        details_layout.addWidget(self.description)
        details_layout.addLayout(form)
        details_layout.addWidget(move)
        details_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(details)

        self.history_model = HistoryTableModel(self)
        self.history_view = QTableView()
        self.history_view.setObjectName("historyView")
        self.history_view.setModel(self.history_model)
        self.history_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_view.verticalHeader().hide()
        self.history_view.setWordWrap(False)
        self.history_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.history_view.horizontalHeader().setStretchLastSection(True)
        self.timeline = QTableWidget(0, 3)
        self.timeline.setObjectName("timeline")
        self.timeline.setHorizontalHeaderLabels(
            [self.tr("When, by"), self.tr("What"), self.tr("Details")])
        self.timeline.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.timeline.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.timeline.verticalHeader().hide()
        self.timeline.setWordWrap(True)
        timeline_header = self.timeline.horizontalHeader()
        timeline_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        timeline_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        timeline_header.resizeSection(1, TIMELINE_WHAT_WIDTH)
        timeline_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        history = QTabWidget()
        history.setObjectName("historyTabs")
        history.addTab(self.timeline, self.tr("&Timeline"))
        history.addTab(self.history_view, self.tr("Audit &trail"))
        self.history_tabs = history

        self.placeholder = QLabel(self.tr("Select an incident in the log to see it here."))
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(history)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.splitter)
        self.show_incident(None)

    @property
    def incident_id(self) -> int | None:
        return self._incident_id

    def show_incident(self, incident_id: int | None) -> None:
        """Show ``incident_id`` (None: nothing selected), read afresh from the database."""
        self._incident_id = incident_id
        self.placeholder.setVisible(incident_id is None)
        self.splitter.setVisible(incident_id is not None)
        if incident_id is None:
            return
        incident = get_incident(incident_id)
        self._fill(incident)
        self.history_model.set_entries(incident_history(incident_id))
        self.history_view.scrollToBottom()
        self._fill_timeline(incident_id)

    def _fill_timeline(self, incident_id: int) -> None:
        entries = incident_timeline(incident_id)
        self.timeline.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            when = format_local(entry.at) + (f"\n{entry.by}" if entry.by else "")
            for column, text in enumerate((when, entry.title, entry.detail)):
                item = QTableWidgetItem(text)
                if entry.alert:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.timeline.setItem(row, column, item)
        self.timeline.resizeRowsToContents()
        self.timeline.scrollToBottom()

    def _fill(self, inc: Incident) -> None:
        self.title.setText(inc.reference)
        self.priority_badge.setText(priority_text(inc.priority) + (
            self.tr(" (override)") if inc.priority_override else ""))
        self.priority_badge.setStyleSheet(priority_badge_style(inc.priority))
        self.status_label.setText(status_text(inc.status))
        self.summary.setText(inc.summary)
        self.description.setText(inc.description)
        self.description.setVisible(bool(inc.description))
        owner = User.get_or_none(User.id == inc.owner_id) if inc.owner_id else None
        category = Category.get_by_id(inc.category_id).name
        if inc.subcategory_id:
            category += " › " + Category.get_by_id(inc.subcategory_id).name
        logged_by = User.get_by_id(inc.logged_by_id).display_name
        texts = {
            "received": format_local(inc.received_at),
            "logged": f"{format_local(inc.logged_at)} by {logged_by}",
            "channel": Channel(inc.channel).label,
            "caller": f"{inc.caller_name} ({CallerType(inc.caller_type).label.lower()})",
            "phone": inc.caller_phone, "email": inc.caller_email,
            "account": inc.account_ref, "location": inc.location, "category": category,
            "impact": f"{Level(inc.impact).label} / {Level(inc.urgency).label}",
            "why": inc.priority_rationale,
            "owner": owner.display_name if owner else self.tr("(unassigned)"),
            "confirmed": self.tr("Yes") if inc.details_confirmed else self.tr("No"),
            "respond_by": self._due_text(inc.response_due, inc.response_met),
            "resolve_by": self._due_text(inc.resolution_due, inc.resolution_met)
            if inc.resolution_due or not Status(inc.status).is_on_hold
            else self.tr("clock stopped while on hold"),
            "responded": format_local(inc.responded_at),
            "resolved": format_local(inc.resolved_at),
            "closed": format_local(inc.closed_at), "resolution": inc.resolution,
            "regulator": "", "escalation": "",
        }
        for key, label in self.values.items():
            label.setText(texts[key] or "—")
        self._show_regulator_clock(inc)
        self._show_escalation(inc)
        self.escalate_button.setEnabled(Status(inc.status).is_open)
        self.next_status.blockSignals(True)
        self.next_status.clear()
        for status in allowed_next(inc.status):
            self.next_status.addItem(status_text(status), status.value)
        self.next_status.blockSignals(False)
        self.status_note.clear()
        self.status_message.clear()
        self.on_next_status_changed()

    def _show_regulator_clock(self, inc: Incident) -> None:
        """A personal data breach: the 72 hours to report it to the regulator, counting down
        while the incident is open."""
        deadline = regulator_deadline(inc)
        label = self.values["regulator"]
        self.fields_form.setRowVisible(label, deadline is not None)
        if deadline is None:
            return
        now = now_utc()
        reported = regulator_reported_at(inc.id)
        running = Status(inc.status).is_open and reported is None
        label.setText(regulator_clock_text(deadline, now, running, reported))
        urgent = running and deadline - now < REGULATOR_WARNING
        label.setStyleSheet("color: #b71c1c; font-weight: 600;" if urgent else "")

    def _show_escalation(self, inc: Incident) -> None:
        """The level reached, an escalation due and not made (in red), or the next one."""
        now = now_utc()
        state = escalation_state(inc, now)
        label = self.values["escalation"]
        text = state.level_name
        overdue = state.overdue
        if overdue:
            late = ", ".join(f"{s.to_text()} (due {span_text(now - s.due_at)} ago)"
                             for s in overdue)
            text += "\n" + self.tr("Escalate now: {steps}").format(steps=late)
        elif state.next is not None:
            text += "\n" + self.tr("Next: {next}").format(next=state.next_text())
        label.setText(text)
        label.setStyleSheet("color: #b71c1c; font-weight: 600;" if overdue else "")

    def _due_text(self, due, met: bool | None) -> str:
        if due is None:
            return ""
        outcome = {True: self.tr(" (met)"), False: self.tr(" (missed)")}.get(met, "")
        return format_local(due) + outcome

    @Slot()
    def on_next_status_changed(self) -> None:
        value = self.next_status.currentData()
        needed = NOTE_REQUIRED.get(Status(value)) if value else None
        self.status_note.setPlaceholderText(
            self.tr("Required: ") + needed if needed else self.tr("Optional note"))

    @Slot()
    def on_apply_status(self) -> None:
        if self._incident_id is None or self.next_status.currentData() is None:
            return
        target = Status(self.next_status.currentData())
        try:
            self._operations.change_status(self._incident_id, target, self.status_note.text())
        except TransitionError as exc:
            self.status_message.setText(str(exc))
            self.status_note.setFocus()

    @Slot()
    def on_edit_clicked(self) -> None:
        if self._incident_id is not None:
            self.edit_requested.emit(self._incident_id)

    @Slot()
    def on_escalate_clicked(self) -> None:
        if self._incident_id is not None:
            self.escalate_requested.emit(self._incident_id)

    @Slot()
    def on_update_clicked(self) -> None:
        if self._incident_id is not None:
            self.update_requested.emit(self._incident_id)

    @Slot()
    def on_prioritise_clicked(self) -> None:
        if self._incident_id is not None:
            self.prioritise_requested.emit(self._incident_id)
