"""The selected incident: its details, the problem behind it (with the workaround to apply
while the caller is on the line), the caller's satisfaction, a status change, and its
history."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
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
from app.models.vocabulary import CallerType, Channel, Level
from app.views.form_errors import plain_label
from app.views.history_table_model import HistoryTableModel
from app.views.operations import IncidentOperations
from app.views.text import priority_badge_style, priority_text, status_text, vocabulary
from app.views.theme import set_tone, tone_colour

DETAIL_FIELDS = (  # (key, label) of the incident's fields, in order
    ("received", QT_TRANSLATE_NOOP("DetailPane", "Received")),
    ("logged", QT_TRANSLATE_NOOP("DetailPane", "Logged")),
    ("channel", QT_TRANSLATE_NOOP("DetailPane", "Channel")),
    ("caller", QT_TRANSLATE_NOOP("DetailPane", "Caller")),
    ("phone", QT_TRANSLATE_NOOP("DetailPane", "Phone / caller ID")),
    ("email", QT_TRANSLATE_NOOP("DetailPane", "Email")),
    ("account", QT_TRANSLATE_NOOP("DetailPane", "Account or asset no.")),
    ("location", QT_TRANSLATE_NOOP("DetailPane", "Location")),
    ("category", QT_TRANSLATE_NOOP("DetailPane", "Category")),
    ("impact", QT_TRANSLATE_NOOP("DetailPane", "Impact / urgency")),
    ("why", QT_TRANSLATE_NOOP("DetailPane", "Why this priority")),
    ("escalation", QT_TRANSLATE_NOOP("DetailPane", "Escalation")),
    ("regulator", QT_TRANSLATE_NOOP("DetailPane", "Report breach to regulator")),
    ("owner", QT_TRANSLATE_NOOP("DetailPane", "Owner")),
    ("confirmed", QT_TRANSLATE_NOOP("DetailPane", "Confirmed back")),
    ("respond_by", QT_TRANSLATE_NOOP("DetailPane", "Respond by")),
    ("resolve_by", QT_TRANSLATE_NOOP("DetailPane", "Resolve by")),
    ("responded", QT_TRANSLATE_NOOP("DetailPane", "Responded")),
    ("resolved", QT_TRANSLATE_NOOP("DetailPane", "Resolved")),
    ("closed", QT_TRANSLATE_NOOP("DetailPane", "Closed")),
    ("resolution", QT_TRANSLATE_NOOP("DetailPane", "Resolution")),
)


TIMELINE_WHAT_WIDTH = 170  # what happened, wrapped; the details get the rest
# the workaround of a known error, which the advisor applies while the caller is on the line
WORKAROUND_STYLE = ("QFrame#workaroundBox { background: #fff8e1; border: 1px solid #ffb300; "
                    "border-radius: 3px; }")
REGULATOR_WARNING = timedelta(hours=12)  # the breach clock turns red with this much left


def import_what_showing_needs() -> None:
    """Import what showing an incident needs beyond building the pane (the timeline, the
    problem, the caller's score): not before the window's first paint, which does not need
    them, and before the first incident is chosen, which would wait for them (issue 9)."""
    import app.models.problems
    import app.models.satisfaction
    import app.models.timeline
    import app.views.problem_table_model
    import app.views.satisfaction_dialog  # noqa: F401


class DetailPane(QWidget):
    """Shows one incident; lets the user move it along its lifecycle."""

    edit_requested = Signal(int)
    prioritise_requested = Signal(int)
    escalate_requested = Signal(int)
    update_requested = Signal(int)
    print_requested = Signal(int)
    export_requested = Signal(int)
    problem_requested = Signal(int)  # link the incident to a problem (its id)
    open_problem_requested = Signal(int)  # show the problem (its id)
    satisfaction_requested = Signal(int)  # record the caller's score (the incident's id)

    def __init__(self, operations: IncidentOperations, parent: QWidget | None = None):
        super().__init__(parent)
        self._operations = operations
        self._incident_id: int | None = None
        self._problem_id: int | None = None  # the shown incident's problem

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
        set_tone(self.description, "muted", extra="font-style: italic;")

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
        problem_box = self._problem_box()
        self.satisfaction_row = self._satisfaction_row()
        form.addRow(self.tr("Caller satisfaction:"), self.satisfaction_row)

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
        set_tone(self.status_message, "error")
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
        details_layout.addWidget(problem_box)
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
        self._history_at_end = True  # nothing shown yet
        history.currentChanged.connect(self.on_history_tab_changed)

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

    def _problem_box(self) -> QWidget:
        """The problem behind the incident, and a known error's workaround, prominently."""
        self.problem_label = plain_label()
        self.problem_label.setObjectName("detailProblem")
        self.problem_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_problem_button = QPushButton(self.tr("&Open problem"))
        self.open_problem_button.setObjectName("detailOpenProblem")
        self.open_problem_button.clicked.connect(self.on_open_problem_clicked)
        self.link_problem_button = QPushButton(self.tr("&Link to problem…"))
        self.link_problem_button.setObjectName("detailLinkProblem")
        self.link_problem_button.setToolTip(self.tr(
            "Link this incident to the problem behind it (the cause), or raise one"))
        self.link_problem_button.clicked.connect(self.on_link_problem_clicked)
        heading = QLabel(self.tr("Problem:"))
        heading.setStyleSheet("font-weight: 600;")
        row = QHBoxLayout()
        row.addWidget(heading)
        row.addWidget(self.problem_label, 1)
        row.addWidget(self.open_problem_button)
        row.addWidget(self.link_problem_button)

        self.workaround_box = QFrame()
        self.workaround_box.setObjectName("workaroundBox")
        self.workaround_box.setStyleSheet(WORKAROUND_STYLE)
        self.workaround_heading = plain_label()
        self.workaround_heading.setObjectName("workaroundHeading")
        self.workaround_heading.setStyleSheet("font-weight: 600; color: #6d4c00;")
        self.workaround_text = plain_label()
        self.workaround_text.setObjectName("workaroundText")
        self.workaround_text.setStyleSheet("font-size: 11pt; color: #1a1a1a;")
        self.workaround_text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.workaround_text.setAccessibleName(self.tr("Workaround"))
        box_layout = QVBoxLayout(self.workaround_box)
        box_layout.setContentsMargins(8, 6, 8, 6)
        box_layout.addWidget(self.workaround_heading)
        box_layout.addWidget(self.workaround_text)

        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.workaround_box)
        return holder

    def _satisfaction_row(self) -> QWidget:
        self.satisfaction_label = plain_label()
        self.satisfaction_label.setObjectName("detailSatisfaction")
        self.satisfaction_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.satisfaction_button = QPushButton(self.tr("Record &satisfaction…"))
        self.satisfaction_button.setObjectName("detailSatisfactionButton")
        self.satisfaction_button.setToolTip(self.tr(
            "Record the caller's score (1 to 5) and comment after the incident"))
        self.satisfaction_button.clicked.connect(self.on_satisfaction_clicked)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.satisfaction_label, 1)
        row.addWidget(self.satisfaction_button, 0, Qt.AlignmentFlag.AlignTop)
        return holder

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
        self._history_at_end = False
        self.on_history_tab_changed()
        self._fill_timeline(incident_id)

    @Slot()
    def on_history_tab_changed(self) -> None:
        """The audit trail scrolled to its end once its tab is the one shown: scrolled
        behind the timeline's tab, the view laid out every row for nothing (8 to 14 ms of
        opening an incident with fifty changes, issue 9)."""
        if not self._history_at_end and self.history_tabs.currentWidget() is self.history_view:
            self.history_view.scrollToBottom()
            self._history_at_end = True

    def _fill_timeline(self, incident_id: int) -> None:
        from app.models.timeline import incident_timeline

        entries = incident_timeline(incident_id)
        # The first column fits its contents once the rows are in, not at every item set
        # (which measured every row again: 75 ms for 51 entries, most of opening one).
        header = self.timeline.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.timeline.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            when = format_local(entry.at) + (f"\n{entry.by}" if entry.by else "")
            for column, text in enumerate((when, entry.title, entry.detail)):
                item = QTableWidgetItem(text)
                if entry.alert:
                    item.setForeground(tone_colour("error"))
                self.timeline.setItem(row, column, item)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
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
        caller_type = vocabulary(CallerType(inc.caller_type).label)
        texts = {
            "received": format_local(inc.received_at),
            "logged": self.tr("{when} by {who}").format(when=format_local(inc.logged_at),
                                                         who=logged_by),
            "channel": vocabulary(Channel(inc.channel).label),
            "caller": f"{inc.caller_name} ({caller_type.lower()})",
            "phone": inc.caller_phone, "email": inc.caller_email,
            "account": inc.account_ref, "location": inc.location, "category": category,
            "impact": (f"{vocabulary(Level(inc.impact).label)} / "
                       f"{vocabulary(Level(inc.urgency).label)}"),
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
        self._show_problem(inc)
        self._show_satisfaction(inc)
        self.escalate_button.setEnabled(Status(inc.status).is_open)
        self.next_status.blockSignals(True)
        self.next_status.clear()
        for status in allowed_next(inc.status):
            self.next_status.addItem(status_text(status), status.value)
        self.next_status.blockSignals(False)
        self.status_note.clear()
        self.status_message.clear()
        self.on_next_status_changed()

    def _show_problem(self, inc: Incident) -> None:
        """The problem the incident is one of; a known error's workaround in its own box."""
        from app.models.problems import may_change, problem_of
        from app.views.problem_table_model import status_text as problem_status_text

        problem = problem_of(inc.id)
        user = self._operations.user
        self.open_problem_button.setVisible(problem is not None)
        self.link_problem_button.setEnabled(may_change(user))
        self.link_problem_button.setText(self.tr("&Link to problem…") if problem is None
                                         else self.tr("Change &link…"))
        self._problem_id = problem.id if problem is not None else None
        if problem is None:
            self.problem_label.setText(self.tr("Not linked to a problem."))
            self.workaround_box.hide()
            return
        self.problem_label.setText(f"{problem.reference} · {problem.title} "
                                   f"({problem_status_text(problem.status)})")
        self.workaround_box.setVisible(problem.workaround_applies)
        if problem.workaround_applies:
            self.workaround_heading.setText(self.tr(
                "Known error: apply this workaround while the caller is on the line"))
            self.workaround_text.setText(problem.workaround)

    def _show_satisfaction(self, inc: Incident) -> None:
        """The caller's score once resolved: asked for, or shown with its comment."""
        from app.models.problems import may_change
        from app.models.satisfaction import satisfaction_of
        from app.views.satisfaction_dialog import score_text

        resolved = Status(inc.status) in (Status.RESOLVED, Status.CLOSED)
        score = satisfaction_of(inc.id)
        self.fields_form.setRowVisible(self.satisfaction_row, resolved or score is not None)
        self.satisfaction_button.setVisible(resolved and may_change(self._operations.user))
        self.satisfaction_button.setText(self.tr("Record &satisfaction…") if score is None
                                         else self.tr("Change &satisfaction…"))
        if score is None:
            self.satisfaction_label.setText(self.tr("Not recorded yet."))
            return
        text = self.tr("{score} (by {method}, {when})").format(
            score=score_text(score.score),
            method=vocabulary(score.method.label).lower(),
            when=format_local(score.given_at))
        if score.comment:
            text += f"\n“{score.comment}”"
        self.satisfaction_label.setText(text)

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
        set_tone(label, "error" if urgent else None, bold=urgent)

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
        set_tone(label, "error" if overdue else None, bold=overdue)

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
            self.tr("Required: ") + vocabulary(needed) if needed else self.tr("Optional note"))

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
    def on_link_problem_clicked(self) -> None:
        if self._incident_id is not None:
            self.problem_requested.emit(self._incident_id)

    @Slot()
    def on_open_problem_clicked(self) -> None:
        if self._problem_id is not None:
            self.open_problem_requested.emit(self._problem_id)

    @Slot()
    def on_satisfaction_clicked(self) -> None:
        if self._incident_id is not None:
            self.satisfaction_requested.emit(self._incident_id)

    @Slot()
    def on_prioritise_clicked(self) -> None:
        if self._incident_id is not None:
            self.prioritise_requested.emit(self._incident_id)
