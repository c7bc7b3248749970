"""The handover panel (a dock of the main window): hand incidents or a shift over, answer
the handovers offered to me, follow those I offered, log support given to a colleague, see
who is on shift, and a shift's summary with its PDF."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.models import handover
from app.models.clock import format_local, now_utc
from app.models.entities import Incident, User
from app.models.handover import (
    ITEM_FIELDS,
    HandoverDraft,
    HandoverError,
    HandoverView,
    ItemDraft,
    item_key,
)
from app.models.incident_log import OPEN_STATUSES, IncidentLog, LogFilter
from app.models.permissions import Permission, can
from app.models.users import active_users
from app.views.colleague_tabs import (
    RECENT,
    OnShiftTab,
    ShiftSummaryTab,
    SupportTab,
    fill_colleagues,
    fill_table,
    make_table,
    method_combo,
    note_edit,
    selected_data,
)
from app.views.dialogs import Dialogs
from app.views.form_errors import FieldErrors, plain_label
from app.views.operations import IncidentOperations
from app.views.text import clock_text, status_text, vocabulary
from app.views.theme import set_tone, tone_colour
from app.views.widgets import action_button

REFRESH_MS = 60_000  # handovers offered to me from another workstation show within a minute
MAX_LISTED = 500  # open incidents listed to hand over


def handover_text(view: HandoverView) -> str:
    """A handover in full, as the receiver reads it before accepting."""
    lines = [f"From {view.giver} to {view.receiver}, {view.method.lower()}, offered "
             f"{format_local(view.offered_at)}."]
    if view.shift_note:
        lines.append(f"Shift note: {view.shift_note}")
    for item in view.items:
        lines += ["", f"{item.reference}: {item.summary}",
                  f"  Status: {item.status}; SLA: {item.sla_left}"]
        if item.last_update:
            lines.append(f"  Last update: {item.last_update}")
        for field in ITEM_FIELDS:
            if value := getattr(item, field):
                lines.append(f"  {handover.ITEM_LABELS[field]}: {value}")
    return "\n".join(lines)


# --- hand over ------------------------------------------------------------------------------
class HandOverTab(QWidget):
    """Pick incidents (all my open ones to begin with), add what the receiver must know of
    each, choose the colleague and how, and offer."""

    offered = Signal(object)  # a HandoverChange

    def __init__(self, panel: HandoverPanel):
        super().__init__(panel)
        self._panel = panel
        self._typed: dict[int, dict[str, str]] = {}  # what was typed for each incident
        self._problems: dict[str, str] = {}
        self._current: int | None = None

        self.owner = QComboBox()
        self.owner.setObjectName("handoverOwner")
        self.owner.setToolTip(self.tr("A team leader may hand over anybody's incidents"))
        self.owner.activated.connect(self.on_owner_changed)
        self.incidents = make_table("handoverIncidents", [self.tr("Incident"), self.tr("Nature"),
                                                      self.tr("Status"), self.tr("SLA")])
        self.incidents.currentCellChanged.connect(self.on_current_changed)
        self.receiver = QComboBox()
        self.receiver.setObjectName("handoverReceiver")
        self.method = method_combo("handoverMethod")
        self.shift_note = QLineEdit()
        self.shift_note.setObjectName("handoverShiftNote")
        self.shift_note.setPlaceholderText(self.tr("Optional: anything about the shift as a "
                                                   "whole"))
        self.already_offered = plain_label()
        self.already_offered.setObjectName("alreadyOffered")
        self.already_offered.hide()
        self.incidents_error = plain_label(error=True)
        self.incidents_error.setObjectName("incidentsError")
        self.incidents_error.hide()

        self.item_box = QGroupBox()
        self.facts = plain_label()
        self.facts.setObjectName("handoverFacts")
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.next_action = QLineEdit()
        self.next_action.setObjectName("handoverNextAction")
        self.outstanding_actions = note_edit("handoverOutstanding",
                                         self.tr("Required: what is still to be done"))
        self.risks = note_edit("handoverRisks", self.tr("What could go wrong, who is upset…"))
        self.promised_to_caller = note_edit("handoverPromised",
                                        self.tr("Call backs, times, anything said"))
        item_form = QFormLayout()
        self.item_errors = FieldErrors(item_form)
        self.item_errors.add_row(self.tr("Next action:"), self.next_action, "next_action")
        self.item_errors.add_row(self.tr("Outstanding actions:"), self.outstanding_actions,
                                 "outstanding_actions")
        self.item_errors.add_row(self.tr("Risks:"), self.risks, "risks")
        self.item_errors.add_row(self.tr("Promised to the caller:"), self.promised_to_caller,
                                 "promised_to_caller")
        self.incident_error = plain_label(error=True)
        self.incident_error.setObjectName("handoverIncidentError")
        box_layout = QVBoxLayout(self.item_box)
        box_layout.addWidget(self.facts)
        box_layout.addWidget(self.incident_error)
        box_layout.addLayout(item_form)
        box_layout.addStretch(1)

        form = QFormLayout()
        self.errors = FieldErrors(form)
        self.errors.add_row(self.tr("Hand over to:"), self.receiver, "receiver")
        self.errors.add_row(self.tr("How:"), self.method, "method")
        self.errors.add_row(self.tr("Shift note:"), self.shift_note, "shift_note")
        self.message = plain_label()
        self.message.setObjectName("handoverMessage")
        self.offer_button = action_button(self.tr("&Offer handover"), "handoverOffer",
                                          self.on_offer)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.offer_button)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        whose = QHBoxLayout()
        self.owner_label = QLabel(self.tr("Open incidents of:"))
        whose.addWidget(self.owner_label)
        whose.addWidget(self.owner, 1)
        left_layout.addLayout(whose)
        left_layout.addWidget(self.incidents, 1)
        left_layout.addWidget(self.already_offered)
        left_layout.addWidget(self.incidents_error)
        left_layout.addLayout(form)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.item_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

    def reload(self) -> None:
        """Read the colleagues and the incidents again (what was typed is kept)."""
        me = self._panel.user
        fill_colleagues(self.receiver, me, self.tr("Choose a colleague…"))
        anybody = can(me, Permission.HAND_OVER_ANY)
        self.owner_label.setVisible(anybody)
        self.owner.setVisible(anybody)
        chosen = self.owner.currentData() or me.id
        self.owner.clear()
        for user in active_users() if anybody else [me]:
            self.owner.addItem(user.display_name, user.id)
        self.owner.setCurrentIndex(max(self.owner.findData(chosen), 0))
        self._list_incidents()

    def _list_incidents(self) -> None:
        self._remember_current()
        listed = set(self.incident_ids(checked_only=False))
        unticked = listed - set(self.incident_ids())  # stay unticked; new ones come ticked
        owner_id = self.owner.currentData() or self._panel.user.id
        now = now_utc()
        rows = IncidentLog(LogFilter(owner_id=owner_id, statuses=OPEN_STATUSES),
                           now=now).rows(0, MAX_LISTED)
        offered = handover.pending_offers([r.id for r in rows])
        rows = [r for r in rows if r.id not in offered]  # withdraw that offer first
        self.already_offered.setText(self.tr(
            "Already offered, awaiting an answer: {list}").format(list="; ".join(
                f"{Incident.get_by_id(i).reference} to {name}" for i, name in offered.items()))
            if offered else "")
        self.already_offered.setVisible(bool(offered))
        self.incidents.blockSignals(True)
        fill_table(self.incidents, [(r.reference, r.summary, status_text(r.status),
                                clock_text(r.clock, now)) for r in rows], [r.id for r in rows])
        for row, r in enumerate(rows):  # all of them, to begin with
            self.incidents.item(row, 0).setCheckState(
                Qt.CheckState.Unchecked if r.id in unticked else Qt.CheckState.Checked)
        self.incidents.setCurrentCell(0 if rows else -1, 0)
        self.incidents.blockSignals(False)
        self._show_item(rows[0].id if rows else None)

    def incident_ids(self, checked_only: bool = True) -> list[int]:
        """The incidents listed (ticked ones only, unless told), in the list's order."""
        ids = []
        for row in range(self.incidents.rowCount()):
            item = self.incidents.item(row, 0)
            if not checked_only or item.checkState() == Qt.CheckState.Checked:
                ids.append(item.data(Qt.ItemDataRole.UserRole))
        return ids

    def select(self, incident_id: int) -> None:
        """Make ``incident_id`` the one whose details are edited."""
        row = self.incident_ids(checked_only=False).index(incident_id)
        self.incidents.setCurrentCell(row, 0)

    def _edits(self) -> dict[str, QLineEdit | QPlainTextEdit]:
        return {"next_action": self.next_action,
                "outstanding_actions": self.outstanding_actions, "risks": self.risks,
                "promised_to_caller": self.promised_to_caller}

    def _remember_current(self) -> None:
        if self._current is None:
            return
        self._typed[self._current] = {
            name: edit.text() if isinstance(edit, QLineEdit) else edit.toPlainText()
            for name, edit in self._edits().items()}

    def _show_item(self, incident_id: int | None) -> None:
        self._current = incident_id
        self.item_box.setEnabled(incident_id is not None)
        if incident_id is None:
            self.item_box.setTitle(self.tr("No open incident to hand over"))
            self.facts.clear()
            for edit in self._edits().values():
                edit.clear()
            return
        incident = Incident.get_by_id(incident_id)
        facts = handover.handover_facts(incident)
        self.item_box.setTitle(incident.reference)
        self.facts.setText(self.tr("Status: {status}\nSLA: {sla}\nLast update: {last}").format(
            status=facts.status, sla=facts.sla_left, last=facts.last_update or "—"))
        typed = self._typed.get(incident_id, {"next_action": facts.next_action})
        for name, edit in self._edits().items():
            if isinstance(edit, QLineEdit):
                edit.setText(typed.get(name, ""))
                edit.setCursorPosition(0)
            else:
                edit.setPlainText(typed.get(name, ""))
        self._show_item_problems()

    def _show_item_problems(self) -> None:
        if self._current is None:
            return
        prefix = item_key(self._current, "")
        mine = {k[len(prefix):]: v for k, v in self._problems.items() if k.startswith(prefix)}
        self.item_errors.show(mine)
        self.incident_error.setText(mine.get("incident", ""))
        self.incident_error.setVisible("incident" in mine)

    @Slot()
    def on_owner_changed(self) -> None:
        self._typed.clear()
        self._current = None
        self.incidents.setRowCount(0)
        self._list_incidents()

    @Slot(int, int, int, int)
    def on_current_changed(self, row: int, _column: int, previous: int, _pc: int) -> None:
        if row == previous:
            return
        self._remember_current()
        self._show_item(selected_data(self.incidents))

    def draft(self) -> HandoverDraft:
        self._remember_current()
        items = []
        for incident_id in self.incident_ids():
            typed = self._typed.get(incident_id, {})
            items.append(ItemDraft(incident_id, **{f: typed.get(f, "") for f in ITEM_FIELDS}))
        return HandoverDraft(self.receiver.currentData(), self.method.currentData(),
                             tuple(items), self.shift_note.text())

    @Slot()
    def on_offer(self) -> None:
        draft = self.draft()
        try:
            change = handover.offer(draft, self._panel.user)
        except HandoverError as exc:
            self._show_problems(exc.problems)
            return
        receiver = self.receiver.currentText()
        self._problems = {}
        self.errors.clear()
        self.incidents_error.hide()
        self._typed.clear()
        self._current = None
        self.incidents.setRowCount(0)
        self.shift_note.clear()
        set_tone(self.message, "success")
        self.message.setText(self.tr("Offered %n incident(s) to {name}: they stay yours until "
                                     "{name} accepts.", "", len(change.incident_ids))
                             .format(name=receiver))
        self.offered.emit(change)

    def _show_problems(self, problems: dict[str, str]) -> None:
        self._problems = problems
        self.message.clear()
        self.errors.show(problems)
        items = [(key, text) for key, text in problems.items() if ":" in key]
        general = problems.get("incidents", "")
        listed = "\n".join(text for _key, text in items)
        self.incidents_error.setText("\n".join(filter(None, [general, listed])))
        self.incidents_error.setVisible(bool(general or listed))
        if items and not any(k in problems for k in ("receiver", "method", "shift_note")):
            first = int(items[0][0].split(":")[0])
            if first in self.incident_ids(checked_only=False) and first != self._current:
                self.select(first)
        self._show_item_problems()


# --- handovers for me, and those I offered ----------------------------------------------------
class ForMeTab(QWidget):
    """Handovers offered to me: read, then accept or query (with a reason)."""

    decided = Signal(object)  # a HandoverChange

    def __init__(self, panel: HandoverPanel):
        super().__init__(panel)
        self._panel = panel
        self.list = make_table("pendingHandovers", [self.tr("From"), self.tr("Offered"),
                                                self.tr("How"), self.tr("Incidents")])
        self.list.currentCellChanged.connect(self.on_current_changed)
        self.detail = QPlainTextEdit()
        self.detail.setObjectName("pendingDetail")
        self.detail.setReadOnly(True)
        self.reason = QLineEdit()
        self.reason.setObjectName("queryReason")
        self.reason.setPlaceholderText(self.tr("Why you query it: what is unclear or wrong"))
        self.message = plain_label()
        self.message.setObjectName("forMeMessage")
        self.accept_button = action_button(self.tr("&Accept"), "acceptHandover",
                                           self.on_accept,
                                           self.tr("The incidents become yours now"))
        self.query_button = action_button(self.tr("&Query"), "queryHandover", self.on_query,
                                          self.tr("Send it back to the giver with your "
                                                  "reason"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.reason, 1)
        buttons.addWidget(self.query_button)
        buttons.addWidget(self.accept_button)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.list)
        splitter.addWidget(self.detail)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.views: list[HandoverView] = []

    def reload(self) -> None:
        chosen = selected_data(self.list)
        self.views = handover.pending_for(self._panel.user)
        fill_table(self.list, [(v.giver, format_local(v.offered_at), vocabulary(v.method),
                                 v.references()) for v in self.views], [v.id for v in self.views])
        ids = [v.id for v in self.views]
        self.list.setCurrentCell(ids.index(chosen) if chosen in ids else
                                 (0 if ids else -1), 0)
        self._show_current()
        for button in (self.accept_button, self.query_button):
            button.setEnabled(bool(ids))

    @Slot(int, int, int, int)
    def on_current_changed(self, _row: int, _column: int, _previous: int, _pc: int) -> None:
        self._show_current()

    def _show_current(self) -> None:
        chosen = selected_data(self.list)
        view = next((v for v in self.views if v.id == chosen), None)
        self.detail.setPlainText(handover_text(view) if view else
                                 self.tr("No handover is waiting for you."))

    def _decide(self, step) -> None:
        chosen = selected_data(self.list)
        if chosen is None:
            return
        try:
            change = step(chosen)
        except HandoverError as exc:
            set_tone(self.message, "error")
            self.message.setText("\n".join(exc.problems.values()))
            if "reason" in exc.problems:
                self.reason.setFocus()
            return
        self.reason.clear()
        self.decided.emit(change)
        return change

    @Slot()
    def on_accept(self) -> None:
        view = next(v for v in self.views if v.id == selected_data(self.list))
        if self._decide(lambda h: handover.accept(h, self._panel.user)) is not None:
            set_tone(self.message, "success")
            self.message.setText(self.tr("Accepted from {giver}: {references} now yours.")
                                 .format(giver=view.giver, references=view.references()))

    @Slot()
    def on_query(self) -> None:
        view = next(v for v in self.views if v.id == selected_data(self.list))
        reason = self.reason.text()
        if self._decide(lambda h: handover.query(h, reason, self._panel.user)) is not None:
            set_tone(self.message, "success")
            self.message.setText(self.tr("Queried: sent back to {giver} with your reason.")
                                 .format(giver=view.giver))


class OfferedTab(QWidget):
    """Handovers I offered: where each stands, a query's reason, and Withdraw."""

    withdrawn = Signal(object)  # a HandoverChange

    def __init__(self, panel: HandoverPanel):
        super().__init__(panel)
        self._panel = panel
        self.list = make_table("offeredHandovers", [
            self.tr("To"), self.tr("Offered"), self.tr("How"), self.tr("Incidents"),
            self.tr("State"), self.tr("Answer")])
        self.message = plain_label()
        self.message.setObjectName("offeredMessage")
        self.withdraw_button = action_button(
            self.tr("&Withdraw"), "withdrawHandover", self.on_withdraw,
            self.tr("Take the offer back; the incidents stay with their owner"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.withdraw_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)

    def reload(self) -> None:
        views = handover.offered_by(self._panel.user, since=now_utc() - RECENT)
        rows = []
        for v in views:
            answer = ""
            if v.decided_at is not None:
                answer = f"{format_local(v.decided_at)} {v.decided_by}"
                if v.query_reason:
                    answer += f": {v.query_reason}"
            rows.append((v.receiver, format_local(v.offered_at), vocabulary(v.method),
                         v.references(), vocabulary(v.state.label), answer))
        fill_table(self.list, rows, [v.id for v in views])
        for r, v in enumerate(views):
            if v.state == handover.HandoverState.QUERIED:  # back with me: stands out
                for c in range(self.list.columnCount()):
                    self.list.item(r, c).setForeground(tone_colour("error"))

    @Slot()
    def on_withdraw(self) -> None:
        chosen = selected_data(self.list)
        if chosen is None:
            self.message.setText(self.tr("Choose the handover to withdraw."))
            return
        try:
            change = handover.withdraw(chosen, self._panel.user)
        except HandoverError as exc:
            set_tone(self.message, "error")
            self.message.setText("\n".join(exc.problems.values()))
            return
        set_tone(self.message, "success")
        self.message.setText(self.tr("Withdrawn: the incidents stay with their owner."))
        self.withdrawn.emit(change)


# --- the panel --------------------------------------------------------------------------------
class HandoverPanel(QWidget):
    """Every tab of the panel, acting as the operations' user."""

    incidents_changed = Signal(object)  # the ids of incidents whose record changed

    def __init__(self, operations: IncidentOperations, dialogs: Dialogs,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._operations = operations
        self.dialogs = dialogs
        self.hand_over = HandOverTab(self)
        self.for_me = ForMeTab(self)
        self.offered = OfferedTab(self)
        self.support = SupportTab(self)
        self.on_shift = OnShiftTab(self)
        self.shift = ShiftSummaryTab(self)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("handoverTabs")
        for tab, title in ((self.hand_over, self.tr("Hand over")),
                           (self.for_me, self.tr("For me")),
                           (self.offered, self.tr("Offered by me")),
                           (self.support, self.tr("Support given")),
                           (self.on_shift, self.tr("On shift")),
                           (self.shift, self.tr("Shift summary"))):
            self.tabs.addTab(tab, title)
        self.tabs.currentChanged.connect(lambda _index: self.refresh())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs)
        # an incident logged, resolved or reassigned here: the list to hand over follows
        operations.changed.connect(lambda _change: self.hand_over.reload())
        self.hand_over.offered.connect(self.on_step)
        self.for_me.decided.connect(self.on_step)
        self.offered.withdrawn.connect(self.on_step)
        self.support.recorded.connect(
            lambda incident_id: incident_id and self.incidents_changed.emit((incident_id,)))
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh_pending)
        self.timer.start()
        self.hand_over.reload()
        self.refresh()

    @property
    def user(self) -> User:
        return self._operations.user

    @Slot()
    def refresh(self) -> None:
        """Read the lists again (the tab shown, and the count of handovers for me)."""
        self.refresh_pending()
        current = self.tabs.currentWidget()
        if current is not self.hand_over and current is not self.for_me:
            current.reload()

    @Slot()
    def refresh_pending(self) -> None:
        self.for_me.reload()
        count = len(self.for_me.views)
        self.tabs.setTabText(1, self.tr("For me ({count})").format(count=count) if count
                             else self.tr("For me"))

    def pending_count(self) -> int:
        return len(self.for_me.views)

    @Slot(object)
    def on_step(self, change: handover.HandoverChange) -> None:
        self.hand_over.reload()
        self.offered.reload()
        self.refresh()
        self.incidents_changed.emit(change.incident_ids)
