"""Improvement actions from post-incident reviews: the open ones with what is overdue, their
statuses moved on, and the priorities whose review is required before closing.

:class:`ImprovementActionsModel` is the table both this window and the review dialog show.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.models.clock import format_day, format_local
from app.models.entities import User
from app.models.permissions import Permission, RolePermissionError, can
from app.models.review_gate import PRIORITIES
from app.models.reviews import (
    ActionRow,
    ActionStatus,
    ReviewError,
    ReviewStateError,
    action_counts,
    local_today,
    open_actions,
    required_priorities,
    set_required_priorities,
    update_action,
)
from app.views.dialogs import Dialogs
from app.views.form_errors import plain_label
from app.views.text import tr, vocabulary
from app.views.theme import tone_colour
from app.views.widgets import action_button

ACTION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
INCIDENT_ID_ROLE = Qt.ItemDataRole.UserRole + 2
OVERDUE_ROLE = Qt.ItemDataRole.UserRole + 3
INCIDENT, NUMBER, ACTION, OWNER, DUE, STATUS = "incident", "number", "action", "owner", "due", \
    "status"
CONTEXT = "ImprovementActions"
HEADERS = {INCIDENT: QT_TRANSLATE_NOOP(CONTEXT, "Incident"), NUMBER: "#",
           ACTION: QT_TRANSLATE_NOOP(CONTEXT, "Action"),
           OWNER: QT_TRANSLATE_NOOP(CONTEXT, "Owner"), DUE: QT_TRANSLATE_NOOP(CONTEXT, "Due"),
           STATUS: QT_TRANSLATE_NOOP(CONTEXT, "Status")}


def status_text(status: ActionStatus) -> str:
    return vocabulary(status.label)


def due_text(row: ActionRow, today: date) -> str:
    """``08/12/2026``, or ``08/12/2026 (overdue by 3 days)``: overdue is said in words,
    never by colour alone."""
    text = format_day(row.due_on)
    if row.overdue:
        days = (today - row.due_on).days
        late = (tr(CONTEXT, "overdue by 1 day") if days == 1
                else tr(CONTEXT, "overdue by {days} days").format(days=days))
        text += f" ({late})"
    return text


def may_set_status(user: User, row: ActionRow) -> bool:
    """Whether ``user`` may move ``row`` on (the model layer checks it again)."""
    return can(user, Permission.RUN_REVIEWS) or row.owner_id == user.id


class ImprovementActionsModel(QAbstractTableModel):
    """Improvement actions, one a row: with their incident (the list of open actions) or
    numbered (one review's actions)."""

    def __init__(self, with_incident: bool = True, parent=None):
        super().__init__(parent)
        self._columns = (INCIDENT if with_incident else NUMBER, ACTION, OWNER, DUE, STATUS)
        self._rows: list[ActionRow] = []
        self._today = local_today()

    def set_rows(self, rows: list[ActionRow], today: date | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._today = today or local_today()
        self.endResetModel()

    def rows(self) -> list[ActionRow]:
        return list(self._rows)

    def row_at(self, row: int) -> ActionRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of_action(self, action_id: int) -> int | None:
        return next((n for n, r in enumerate(self._rows) if r.action_id == action_id), None)

    def column_of(self, name: str) -> int:
        return self._columns.index(name)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self._columns)):
            return tr(CONTEXT, HEADERS[self._columns[section]])
        return None

    def _text(self, row: ActionRow, column: str) -> str:
        if column == INCIDENT:
            return row.reference
        if column == NUMBER:
            return str(row.position)
        if column == ACTION:
            return row.description
        if column == OWNER:
            return row.owner
        if column == DUE:
            return due_text(row, self._today)
        text = status_text(row.status)
        return text + (f" {format_local(row.done_at)}" if row.done_at else "")

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            text = self._text(row, column)
            return text.splitlines()[0] if column == ACTION and text else text
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == INCIDENT:
                return f"{row.reference}: {row.incident_summary}"
            return self._text(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and row.overdue and column == DUE:
            return tone_colour("error")
        if role == Qt.ItemDataRole.FontRole and row.overdue and column == DUE:
            font = QFont()
            font.setBold(True)
            return font
        if role == ACTION_ID_ROLE:
            return row.action_id
        if role == INCIDENT_ID_ROLE:
            return row.incident_id
        if role == OVERDUE_ROLE:
            return row.overdue
        return None


def actions_table(model: ImprovementActionsModel, name: str) -> QTableView:
    """A read-only table of actions, one row selected at a time, the action column
    stretched."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(model.column_of(ACTION), QHeaderView.ResizeMode.Stretch)
    return view


def status_combo(name: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    for status in ActionStatus:
        combo.addItem(status_text(status), status.value)
    return combo


class ImprovementActionsWindow(QWidget):
    """The open improvement actions, soonest due first, for ``user``.

    Signals:
        open_incident: an action's incident was asked for (double-click, Open incident).
        open_review: its review was asked for.
        changed: an action's status, or the required priorities, changed here.
    """

    open_incident = Signal(int)
    open_review = Signal(int)
    changed = Signal()

    def __init__(self, user: User, dialogs: Dialogs, parent: QWidget | None = None):
        super().__init__(parent)
        self._user = user
        self._dialogs = dialogs
        self.setObjectName("improvementActions")
        self.setWindowTitle(self.tr("Improvement actions"))

        self.counts = QLabel()
        self.counts.setObjectName("actionCounts")
        self.counts.setStyleSheet("font-weight: 600;")
        self.overdue_only = QCheckBox(self.tr("&Overdue only"))
        self.overdue_only.setObjectName("overdueOnly")
        self.mine_only = QCheckBox(self.tr("&Mine only"))
        self.mine_only.setObjectName("mineOnly")
        for box in (self.overdue_only, self.mine_only):
            box.toggled.connect(self.refresh)
        filters = QHBoxLayout()
        filters.addWidget(self.counts, 1)
        filters.addWidget(self.overdue_only)
        filters.addWidget(self.mine_only)

        self.model = ImprovementActionsModel(with_incident=True, parent=self)
        self.table = actions_table(self.model, "actionsTable")
        self.table.doubleClicked.connect(self.on_double_clicked)
        self.table.selectionModel().currentRowChanged.connect(self.on_selection_changed)
        self.empty = plain_label()
        self.empty.setObjectName("actionsEmpty")

        self.status = status_combo("newActionStatus")
        self.status.setAccessibleName(self.tr("New status"))
        self.set_status = action_button(self.tr("&Set status"), "setActionStatus",
                                        self.on_set_status)
        self.open_incident_button = action_button(
            self.tr("Open &incident"), "openActionIncident", self.on_open_incident)
        self.open_review_button = action_button(
            self.tr("Open &review…"), "openActionReview", self.on_open_review)
        actions = QHBoxLayout()
        actions.addWidget(QLabel(self.tr("Status:")))
        actions.addWidget(self.status)
        actions.addWidget(self.set_status)
        actions.addStretch(1)
        actions.addWidget(self.open_incident_button)
        actions.addWidget(self.open_review_button)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(actions)
        layout.addWidget(self._priorities_box())
        self.refresh()
        self.resize(860, 480)

    def _priorities_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Post-incident review required before closing"))
        box.setObjectName("requiredPriorities")
        row = QHBoxLayout(box)
        self.priority_boxes: dict[int, QCheckBox] = {}
        chosen = required_priorities()
        for priority in PRIORITIES:
            check = QCheckBox(f"P{priority}")
            check.setObjectName(f"requireP{priority}")
            check.setChecked(priority in chosen)
            self.priority_boxes[priority] = check
            row.addWidget(check)
        self.apply_priorities = action_button(self.tr("Apply"), "applyPriorities",
                                              self.on_apply_priorities)
        self.priorities_message = plain_label()
        self.priorities_message.setObjectName("prioritiesMessage")
        row.addWidget(self.apply_priorities)
        row.addWidget(self.priorities_message, 1)
        allowed = can(self._user, Permission.RUN_REVIEWS)
        for widget in (*self.priority_boxes.values(), self.apply_priorities):
            widget.setEnabled(allowed)
        if not allowed:
            box.setToolTip(self.tr("Team leaders and administrators set these."))
        return box

    def selected(self) -> ActionRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    @Slot()
    def refresh(self) -> None:
        """Read the actions again, keeping the selected one selected if it is still listed."""
        selected = self.selected()
        today = local_today()
        owner = self._user.id if self.mine_only.isChecked() else None
        self.model.set_rows(open_actions(self.overdue_only.isChecked(), owner, today), today)
        counts = action_counts(owner, today)
        self.counts.setText(self.tr("{open} open, {overdue} overdue").format(
            open=counts.open, overdue=counts.overdue))
        self.empty.setText("" if self.model.rowCount() else
                           self.tr("No overdue action.") if self.overdue_only.isChecked()
                           else self.tr("No open action."))
        self.empty.setVisible(not self.model.rowCount())
        row = self.model.row_of_action(selected.action_id) if selected else None
        if row is not None:
            self.table.selectRow(row)
        self.on_selection_changed()

    @Slot()
    def on_selection_changed(self) -> None:
        row = self.selected()
        if row is not None:
            self.status.setCurrentIndex(self.status.findData(row.status.value))
        self.set_status.setEnabled(row is not None and may_set_status(self._user, row))
        self.open_incident_button.setEnabled(row is not None)
        self.open_review_button.setEnabled(row is not None)

    @Slot()
    def on_set_status(self) -> None:
        row = self.selected()
        if row is None:
            return
        try:
            update_action(row.action_id, self._user, status=self.status.currentData())
        except (RolePermissionError, ReviewError, ReviewStateError) as exc:
            self._dialogs.error(self, self.tr("Status not changed"), str(exc))
            self.refresh()
            return
        self.refresh()
        self.changed.emit()

    @Slot(QModelIndex)
    def on_double_clicked(self, index: QModelIndex) -> None:
        self.open_incident.emit(index.data(INCIDENT_ID_ROLE))

    @Slot()
    def on_open_incident(self) -> None:
        if (row := self.selected()) is not None:
            self.open_incident.emit(row.incident_id)

    @Slot()
    def on_open_review(self) -> None:
        if (row := self.selected()) is not None:
            self.open_review.emit(row.incident_id)

    @Slot()
    def on_apply_priorities(self) -> None:
        chosen = [p for p, box in self.priority_boxes.items() if box.isChecked()]
        try:
            saved = set_required_priorities(chosen, self._user)
        except (RolePermissionError, ReviewError) as exc:
            self.priorities_message.setText(str(exc))
            return
        names = ", ".join(f"P{p}" for p in sorted(saved)) or self.tr("none")
        self.priorities_message.setText(self.tr("Saved: {names}.").format(names=names))
        self.changed.emit()
