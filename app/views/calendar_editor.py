"""The service calendar as edited: opening hours per weekday, time zone, the bank holidays
observed and the organisation's other closed days (the service-levels screen and the welcome
both use it)."""

from __future__ import annotations

from datetime import date, time
from zoneinfo import available_timezones

from PySide6.QtCore import QDate, Qt, QTime, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.models.service_levels import HOLIDAY_REGIONS, CalendarSettings
from app.models.sla import WEEKDAYS
from app.views.choices import select_data
from app.views.text import vocabulary


class CalendarEditor(QWidget):
    """Edits a :class:`CalendarSettings`; nothing is saved here."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._closed: dict[date, str] = {}
        hours = QGridLayout()
        self.open_day: list[QCheckBox] = []
        self.opens: list[QTimeEdit] = []
        self.closes: list[QTimeEdit] = []
        for weekday, name in enumerate(WEEKDAYS):
            day = vocabulary(name)
            box = QCheckBox(day)
            box.setObjectName(f"open_{weekday}")
            opens, closes = QTimeEdit(), QTimeEdit()
            for edit, what, said in ((opens, "opens", self.tr("{day} opens")),
                                     (closes, "closes", self.tr("{day} closes"))):
                edit.setDisplayFormat("HH:mm")
                edit.setObjectName(f"{what}_{weekday}")
                edit.setAccessibleName(said.format(day=day))
            box.toggled.connect(opens.setEnabled)
            box.toggled.connect(closes.setEnabled)
            self.open_day.append(box)
            self.opens.append(opens)
            self.closes.append(closes)
            hours.addWidget(box, weekday, 0)
            hours.addWidget(QLabel(self.tr("from")), weekday, 1)
            hours.addWidget(opens, weekday, 2)
            hours.addWidget(QLabel(self.tr("to")), weekday, 3)
            hours.addWidget(closes, weekday, 4)
        hours.setColumnStretch(5, 1)

        self.zone = QComboBox()
        self.zone.setObjectName("zone")
        self.zone.setEditable(True)
        self.zone.addItems(sorted(available_timezones()))
        self.holidays = QComboBox()
        self.holidays.setObjectName("holidays")
        for code, name in HOLIDAY_REGIONS.items():
            self.holidays.addItem(vocabulary(name), code)
        settings = QFormLayout()
        settings.addRow(self.tr("Time &zone:"), self.zone)
        settings.addRow(self.tr("&Bank holidays of:"), self.holidays)

        self.closed_days = QTableWidget(0, 2)
        self.closed_days.setObjectName("closedDays")
        self.closed_days.setAccessibleName(self.tr("Other closed days"))
        self.closed_days.setHorizontalHeaderLabels([self.tr("Closed on"), self.tr("Reason")])
        self.closed_days.horizontalHeader().setStretchLastSection(True)
        self.closed_days.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)
        self.closed_days.verticalHeader().hide()
        self.closed_days.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.closed_days.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.closed_day = QDateEdit(QDate.currentDate())
        self.closed_day.setObjectName("closedDay")
        self.closed_day.setAccessibleName(self.tr("Closed day to add"))
        self.closed_day.setCalendarPopup(True)
        self.closed_day.setDisplayFormat("dd/MM/yyyy")
        self.closed_reason = QLineEdit()
        self.closed_reason.setObjectName("closedReason")
        self.closed_reason.setAccessibleName(self.tr("Why it is closed"))
        self.closed_reason.setMaxLength(100)
        self.closed_reason.setPlaceholderText(self.tr("Why, e.g. staff training day"))
        add = QPushButton(self.tr("&Add"))
        add.setObjectName("addClosedDay")
        add.clicked.connect(self.on_add_closed_day)
        remove = QPushButton(self.tr("&Remove"))
        remove.setObjectName("removeClosedDay")
        remove.clicked.connect(self.on_remove_closed_day)
        adding = QHBoxLayout()
        adding.addWidget(self.closed_day)
        adding.addWidget(self.closed_reason, 1)
        adding.addWidget(add)
        adding.addWidget(remove)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("<b>Opening hours</b> (in the calendar's time "
                                        "zone)")))
        layout.addLayout(hours)
        layout.addLayout(settings)
        layout.addWidget(QLabel(self.tr("<b>Other closed days</b> (besides weekends and bank "
                                        "holidays)")))
        layout.addWidget(self.closed_days)
        layout.addLayout(adding)

    def show_calendar(self, calendar: CalendarSettings) -> None:
        for weekday, span in enumerate(calendar.hours):
            opens, closes = span or (time(8), time(18))
            self.opens[weekday].setTime(QTime(opens.hour, opens.minute))
            self.closes[weekday].setTime(QTime(closes.hour, closes.minute))
            self.open_day[weekday].setChecked(span is not None)
            self.opens[weekday].setEnabled(span is not None)
            self.closes[weekday].setEnabled(span is not None)
        self.zone.setCurrentText(calendar.zone)
        select_data(self.holidays, calendar.holiday_region)
        self._closed: dict[date, str] = dict(calendar.closed_days)
        self._show_closed_days()

    def _show_closed_days(self) -> None:
        self.closed_days.setRowCount(0)
        for day, reason in sorted(self._closed.items()):
            row = self.closed_days.rowCount()
            self.closed_days.insertRow(row)
            item = QTableWidgetItem(day.strftime("%d/%m/%Y"))
            item.setData(Qt.ItemDataRole.UserRole, day)
            self.closed_days.setItem(row, 0, item)
            self.closed_days.setItem(row, 1, QTableWidgetItem(reason))

    def settings(self) -> CalendarSettings:
        """The calendar as shown, valid or not."""
        hours = tuple(
            (self.opens[d].time().toPython(), self.closes[d].time().toPython())
            if self.open_day[d].isChecked() else None for d in range(len(WEEKDAYS)))
        return CalendarSettings(hours, self.zone.currentText().strip(),
                                self.holidays.currentData(), dict(self._closed))

    @Slot()
    def on_add_closed_day(self) -> None:
        day = self.closed_day.date().toPython()
        self._closed[day] = self.closed_reason.text().strip()
        self.closed_reason.clear()
        self._show_closed_days()

    @Slot()
    def on_remove_closed_day(self) -> None:
        rows = {index.row() for index in self.closed_days.selectedIndexes()}
        for row in rows:
            self._closed.pop(self.closed_days.item(row, 0).data(Qt.ItemDataRole.UserRole),
                             None)
        self._show_closed_days()
