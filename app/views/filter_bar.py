"""The bar above the log: free-text search and the status, priority, category, owner and
date filters."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.models.categories import top_categories
from app.models.incident_log import OPEN_STATUSES, UNASSIGNED, LogFilter
from app.models.lifecycle import Status
from app.models.sla import ClockState
from app.models.users import active_users
from app.views.text import priority_text, status_text

ANY = None
OPEN = "open"
MINE = -1
ESCALATION_OVERDUE = "escalation"  # the SLA filter item for incidents to escalate


class FilterBar(QWidget):
    """Emits ``filter_changed`` with a :class:`LogFilter` whenever a control changes."""

    filter_changed = Signal(object)
    SEARCH_DELAY_MS = 300

    def __init__(self, current_user_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self._current_user_id = current_user_id
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(
            self.tr("Search reference, caller, phone or nature (Ctrl+F)"))
        self.search.setMinimumWidth(260)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(self.SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.on_changed)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self.on_changed)

        self.status = QComboBox()
        self.status.setObjectName("statusFilter")
        self.status.addItem(self.tr("Open"), OPEN)
        self.status.addItem(self.tr("All statuses"), ANY)
        for status in Status:
            self.status.addItem(status_text(status), status.value)

        self.priority = QComboBox()
        self.priority.setObjectName("priorityFilter")
        self.priority.addItem(self.tr("All priorities"), ANY)
        for priority in range(1, 6):
            self.priority.addItem(priority_text(priority), priority)

        self.category = QComboBox()
        self.category.setObjectName("categoryFilter")
        self.category.addItem(self.tr("All categories"), ANY)
        for category in top_categories(active_only=False):
            self.category.addItem(category.name, category.id)

        self.sla = QComboBox()
        self.sla.setObjectName("slaFilter")
        self.sla.addItem(self.tr("Any SLA"), ANY)
        self.sla.addItem(self.tr("At risk"), ClockState.AT_RISK)
        self.sla.addItem(self.tr("Breached"), ClockState.BREACHED)
        self.sla.addItem(self.tr("Escalation overdue"), ESCALATION_OVERDUE)

        self.owner = QComboBox()
        self.owner.setObjectName("ownerFilter")
        self.reload_owners()

        self.use_dates = QCheckBox(self.tr("Received"))
        self.use_dates.setObjectName("useDates")
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addDays(-30))
        self.date_to = QDateEdit(today)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setEnabled(False)
            edit.dateChanged.connect(self.on_changed)
        self.use_dates.toggled.connect(self.date_from.setEnabled)
        self.use_dates.toggled.connect(self.date_to.setEnabled)
        self.use_dates.toggled.connect(self.on_changed)

        for combo in (self.status, self.priority, self.category, self.owner, self.sla):
            combo.currentIndexChanged.connect(self.on_changed)

        filters = QHBoxLayout()
        filters.addWidget(self.status)
        filters.addWidget(self.priority)
        filters.addWidget(self.category)
        filters.addWidget(self.owner)
        filters.addWidget(self.sla)
        filters.addStretch(1)
        filters.addWidget(self.use_dates)
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel(self.tr("to")), 0, Qt.AlignmentFlag.AlignCenter)
        filters.addWidget(self.date_to)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addLayout(filters)

    def show_mine_at_risk(self) -> None:
        """Filter to my open incidents that are at risk (the banner's link)."""
        self._show_mine(ClockState.AT_RISK)

    def show_mine_to_escalate(self) -> None:
        """Filter to my open incidents waiting for an escalation (the banner's link)."""
        self._show_mine(ESCALATION_OVERDUE)

    def _show_mine(self, sla) -> None:
        for combo, value in ((self.owner, MINE), (self.sla, sla), (self.status, OPEN)):
            combo.blockSignals(True)
            combo.setCurrentIndex(combo.findData(value))
            combo.blockSignals(False)
        self.on_changed()

    def reload_owners(self) -> None:
        """Fill the owner list afresh (users appear as they first log in)."""
        selected = self.owner.currentData() if self.owner.count() else ANY
        self.owner.blockSignals(True)
        self.owner.clear()
        self.owner.addItem(self.tr("Anyone"), ANY)
        self.owner.addItem(self.tr("Mine"), MINE)
        self.owner.addItem(self.tr("Unassigned"), UNASSIGNED)
        for user in active_users():
            self.owner.addItem(user.display_name, user.id)
        index = self.owner.findData(selected)
        self.owner.setCurrentIndex(max(index, 0))
        self.owner.blockSignals(False)

    def current_filter(self) -> LogFilter:
        status = self.status.currentData()
        owner = self.owner.currentData()
        return LogFilter(
            statuses=OPEN_STATUSES if status == OPEN else
            frozenset() if status is ANY else frozenset({status}),
            priorities=frozenset() if self.priority.currentData() is ANY
            else frozenset({self.priority.currentData()}),
            category_id=self.category.currentData(),
            owner_id=self._current_user_id if owner == MINE else owner,
            received_from=self.date_from.date().toPython() if self.use_dates.isChecked()
            else None,
            received_to=self.date_to.date().toPython() if self.use_dates.isChecked() else None,
            text=self.search.text().strip(),
            sla=None if self.sla.currentData() == ESCALATION_OVERDUE else self.sla.currentData(),
            escalation_overdue=self.sla.currentData() == ESCALATION_OVERDUE,
        )

    @Slot()
    def on_changed(self) -> None:
        self._search_timer.stop()
        self.filter_changed.emit(self.current_filter())
