"""The bar above the log: free-text search and the status, priority, category, owner and
date filters; and a filter applied from elsewhere (a dashboard's bar), shown in the combos
where they can show it and as a "Showing: …" chip, which clears it, for the rest."""

from __future__ import annotations

from dataclasses import fields, replace
from functools import partial

from PySide6.QtCore import QDate, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.models.categories import top_categories
from app.models.entities import User
from app.models.incident_log import OPEN_STATUSES, UNASSIGNED, LogFilter
from app.models.lifecycle import Status
from app.models.sla import ClockState
from app.models.users import active_users
from app.views.text import priority_text, status_text

ANY = None
OPEN = "open"
MINE = -1
ESCALATION_OVERDUE = "escalation"  # the SLA filter item for incidents to escalate
# The fields the combos, dates and search box show; an applied filter's others go to the chip.
SHOWN_FIELDS = frozenset({"priorities", "category_id", "owner_id", "received_from",
                          "received_to", "text", "sla", "escalation_overdue", "statuses"})
NO_FILTER = LogFilter()


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

        # A choice made in a combo replaces what an applied filter kept for the same field
        # (connected first: dropped before the filter is emitted).
        for combo, name in ((self.status, "statuses"), (self.priority, "priorities"),
                            (self.category, "category_id"), (self.owner, "owner_id")):
            combo.currentIndexChanged.connect(partial(self._drop_applied, name))
        for combo in (self.status, self.priority, self.category, self.owner, self.sla):
            combo.currentIndexChanged.connect(self.on_changed)

        # What an applied filter asks for that the controls cannot show, and its chip.
        self._extra = NO_FILTER
        self.chip = QFrame()
        self.chip.setObjectName("appliedFilter")
        self.chip.setFrameShape(QFrame.Shape.StyledPanel)
        self.chip.setStyleSheet("#appliedFilter { border-radius: 10px; }")
        self.chip_label = QLabel()
        self.chip_label.setObjectName("appliedFilterText")
        self.chip_label.setTextFormat(Qt.TextFormat.PlainText)
        self.chip_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.chip_clear = QToolButton()
        self.chip_clear.setObjectName("clearAppliedFilter")
        self.chip_clear.setText("✕")
        self.chip_clear.setAutoRaise(True)
        self.chip_clear.setToolTip(self.tr("Show all incidents again (clear this filter)"))
        self.chip_clear.setAccessibleName(self.tr("Clear the filter shown"))
        self.chip_clear.clicked.connect(self.clear_applied_filter)
        chip_layout = QHBoxLayout(self.chip)
        chip_layout.setContentsMargins(8, 0, 2, 0)
        chip_layout.addWidget(self.chip_label, 1)
        chip_layout.addWidget(self.chip_clear)
        self.chip.hide()

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
        layout.addWidget(self.chip)

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
        if self.owner.findData(selected) < 0:  # deactivated meanwhile: the log still shows
            gone = User.get_or_none(User.id == selected)  # theirs, so the filter says so
            if gone is not None:
                self.owner.addItem(self.tr("{name} (deactivated)").format(
                    name=gone.display_name), gone.id)
        index = self.owner.findData(selected)
        self.owner.setCurrentIndex(max(index, 0))
        self.owner.blockSignals(False)

    def apply_filter(self, log_filter: LogFilter, description: str) -> None:
        """Show ``log_filter`` (from a dashboard's bar): the combos, dates and search box
        are set to what they can show, and the rest is kept and named by a "Showing:
        ``description``" chip, whose ✕ clears it. Emits ``filter_changed`` once."""
        f = log_filter
        extra = {field.name: getattr(f, field.name) for field in fields(LogFilter)
                 if field.name not in SHOWN_FIELDS}
        if f.statuses == OPEN_STATUSES:
            status = OPEN
        elif len(f.statuses) <= 1:
            status = next(iter(f.statuses), ANY)
        else:  # several, but not the open ones: the combo cannot say so
            status, extra["statuses"] = ANY, f.statuses
        priority = ANY
        if len(f.priorities) == 1:
            priority = next(iter(f.priorities))
        elif f.priorities:
            extra["priorities"] = f.priorities
        owner = MINE if f.owner_id == self._current_user_id else f.owner_id
        sla = ESCALATION_OVERDUE if f.escalation_overdue else f.sla
        controls = ((self.status, status), (self.priority, priority),
                    (self.category, f.category_id), (self.owner, owner), (self.sla, sla))
        widgets = [combo for combo, _ in controls]
        widgets += [self.search, self.use_dates, self.date_from, self.date_to]
        for widget in widgets:
            widget.blockSignals(True)
        try:
            for combo, value in controls:
                index = combo.findData(value)
                if index < 0 and combo is self.owner:  # a user no longer active: kept aside
                    extra["owner_id"] = f.owner_id
                combo.setCurrentIndex(max(index, 0))
            dated = f.received_from is not None or f.received_to is not None
            self.use_dates.setChecked(dated)
            self.date_from.setEnabled(dated)
            self.date_to.setEnabled(dated)
            if dated:
                self.date_from.setDate(QDate(f.received_from or f.received_to))
                self.date_to.setDate(QDate(f.received_to or f.received_from))
            self.search.setText(f.text)
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self._search_timer.stop()
        self._extra = replace(NO_FILTER, **extra)
        self.chip_label.setText(self.tr("Showing: {0}").format(description))
        self.chip_label.setToolTip(description)
        self.chip.setVisible(self._extra != NO_FILTER)
        self.on_changed()

    @Slot()
    def clear_applied_filter(self) -> None:
        """Drop what the chip stands for (the combos stay as they are)."""
        self._extra = NO_FILTER
        self.chip.hide()
        self.on_changed()

    def _drop_applied(self, name: str, _index: int = -1) -> None:
        if getattr(self._extra, name) != getattr(NO_FILTER, name):
            self._extra = replace(self._extra, **{name: getattr(NO_FILTER, name)})
            self.chip.setVisible(self._extra != NO_FILTER)

    def current_filter(self) -> LogFilter:
        status = self.status.currentData()
        owner = self.owner.currentData()
        shown = LogFilter(
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
        kept = {field.name: getattr(self._extra, field.name) for field in fields(LogFilter)
                if getattr(self._extra, field.name) != getattr(NO_FILTER, field.name)}
        return replace(shown, **kept)

    @Slot()
    def on_changed(self) -> None:
        self._search_timer.stop()
        self.filter_changed.emit(self.current_filter())
