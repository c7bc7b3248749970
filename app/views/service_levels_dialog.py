"""The service-levels screen: priority matrix, SLA targets and service calendar, edited by a
team leader, checked whole before anything is saved, with the history of changes."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.models.clock import format_local
from app.models.entities import User
from app.models.permissions import Permission, RolePermissionError, can
from app.models.service_levels import (
    ServiceLevelError,
    ServiceLevels,
    Target,
    config_history,
    load_service_levels,
    matrix_problems,
    save_service_levels,
    target_problems,
)
from app.models.vocabulary import PRIORITY_NAMES, Level
from app.views.calendar_editor import CalendarEditor
from app.views.choices import select_data
from app.views.text import priority_text, vocabulary
from app.views.theme import set_tone

MAX_HOURS = 9999


class DurationEdit(QWidget):
    """Hours and minutes, as two spin boxes."""

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.hours = QSpinBox()
        self.hours.setObjectName(f"{name}_hours")
        self.hours.setRange(0, MAX_HOURS)
        self.hours.setSuffix(self.tr(" h"))
        self.minutes = QSpinBox()
        self.minutes.setObjectName(f"{name}_minutes")
        self.minutes.setRange(0, 59)
        self.minutes.setSuffix(self.tr(" min"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hours)
        layout.addWidget(self.minutes)

    def value(self) -> timedelta:
        return timedelta(hours=self.hours.value(), minutes=self.minutes.value())

    def set_value(self, value: timedelta) -> None:
        hours, minutes = divmod(int(value.total_seconds() // 60), 60)
        self.hours.setValue(hours)
        self.minutes.setValue(minutes)


class ServiceLevelsDialog(QDialog):
    """Edit (or, without the permission, read) the organisation's service levels."""

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self._user = user
        self.changes: list[str] = []
        self.setObjectName("serviceLevelsDialog")
        self.setWindowTitle(self.tr("Service levels"))
        self.tabs = QTabWidget()
        self.tabs.addTab(self._matrix_tab(), self.tr("&Priority matrix"))
        self.tabs.addTab(self._targets_tab(), self.tr("SLA &targets"))
        self.calendar = CalendarEditor()
        self.tabs.addTab(self.calendar, self.tr("Service &calendar"))
        self.tabs.addTab(self._history_tab(), self.tr("C&hanges"))

        self.note = QLabel()
        self.note.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("serviceLevelsMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        set_tone(self.message, "error", bold=True)
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.on_save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.note)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self._show(load_service_levels())
        self.editable = can(user, Permission.EDIT_SERVICE_LEVELS)
        if self.editable:
            self.note.setText(self.tr("Changes apply to incidents logged or prioritised from "
                                      "now on; incidents already logged keep their due "
                                      "times."))
        else:
            self.note.setText(self.tr("Only a team leader or an administrator can change the "
                                      "service levels; you can read them here."))
            for index in range(3):
                self.tabs.widget(index).setEnabled(False)
            self.save_button.hide()
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
                self.tr("Close"))
        self.resize(760, 560)

    # --- building --------------------------------------------------------------------------
    def _matrix_tab(self) -> QWidget:
        tab = QWidget()
        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("<b>Impact</b> \\ <b>urgency</b>")), 0, 0)
        self.matrix: dict[tuple[Level, Level], QComboBox] = {}
        for column, urgency in enumerate(Level, start=1):
            grid.addWidget(QLabel(f"<b>{vocabulary(urgency.label)}</b>"), 0, column,
                           Qt.AlignmentFlag.AlignCenter)
        for row, impact in enumerate(Level, start=1):
            grid.addWidget(QLabel(f"<b>{vocabulary(impact.label)}</b>"), row, 0)
            for column, urgency in enumerate(Level, start=1):
                combo = QComboBox()
                combo.setObjectName(f"matrix_{impact}_{urgency}")
                combo.setAccessibleName(self.tr("Impact {impact}, urgency {urgency}").format(
                    impact=vocabulary(impact.label).lower(),
                    urgency=vocabulary(urgency.label).lower()))
                combo.addItem(self.tr("(choose)"), None)
                for priority in PRIORITY_NAMES:
                    combo.addItem(priority_text(priority), priority)
                self.matrix[(impact, urgency)] = combo
                grid.addWidget(combo, row, column)
        layout = QVBoxLayout(tab)
        layout.addWidget(QLabel(self.tr("Impact (down) and urgency (across) give the "
                                        "priority.")))
        layout.addLayout(grid)
        layout.addStretch(1)
        return tab

    def _targets_tab(self) -> QWidget:
        tab = QWidget()
        grid = QGridLayout(tab)
        for column, title in enumerate((self.tr("Priority"), self.tr("Respond within"),
                                        self.tr("Resolve within"), self.tr("Clock")), ):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, column)
        self.respond: dict[int, DurationEdit] = {}
        self.resolve: dict[int, DurationEdit] = {}
        self.clock: dict[int, QComboBox] = {}
        for row, priority in enumerate(PRIORITY_NAMES, start=1):
            grid.addWidget(QLabel(priority_text(priority)), row, 0)
            self.respond[priority] = DurationEdit(f"respond_{priority}")
            self.resolve[priority] = DurationEdit(f"resolve_{priority}")
            clock = QComboBox()
            clock.setObjectName(f"clock_{priority}")
            clock.addItem(self.tr("24x7"), True)
            clock.addItem(self.tr("Service calendar"), False)
            self.clock[priority] = clock
            grid.addWidget(self.respond[priority], row, 1)
            grid.addWidget(self.resolve[priority], row, 2)
            grid.addWidget(clock, row, 3)
        grid.setRowStretch(len(PRIORITY_NAMES) + 1, 1)
        return tab

    def _history_tab(self) -> QWidget:
        self.history = QTableWidget(0, 3)
        self.history.setObjectName("serviceLevelsHistory")
        self.history.setHorizontalHeaderLabels([self.tr("When"), self.tr("Who"),
                                                self.tr("Change")])
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.history.verticalHeader().hide()
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for entry in config_history():
            row = self.history.rowCount()
            self.history.insertRow(row)
            for column, text in enumerate((format_local(entry.at), entry.user, entry.summary)):
                self.history.setItem(row, column, QTableWidgetItem(text))
        return self.history

    # --- showing and reading ---------------------------------------------------------------
    def _show(self, levels: ServiceLevels) -> None:
        for cell, combo in self.matrix.items():
            select_data(combo, levels.matrix.get(cell))
        for target in levels.targets:
            self.respond[target.priority].set_value(target.respond)
            self.resolve[target.priority].set_value(target.resolve)
            select_data(self.clock[target.priority], target.around_the_clock)
        self.calendar.show_calendar(levels.calendar)

    def levels(self) -> ServiceLevels:
        """The service levels as shown, valid or not."""
        matrix = {cell: combo.currentData() for cell, combo in self.matrix.items()}
        targets = [Target(p, self.respond[p].value(), self.resolve[p].value(),
                          self.clock[p].currentData()) for p in PRIORITY_NAMES]
        return ServiceLevels(matrix, targets, self.calendar.settings())

    # --- actions ---------------------------------------------------------------------------
    @Slot()
    def on_save(self) -> None:
        try:
            self.changes = save_service_levels(self.levels(), self._user)
        except ServiceLevelError as error:
            levels = self.levels()  # show the tab of the first problem
            self.tabs.setCurrentIndex(0 if matrix_problems(levels.matrix) else
                                      1 if target_problems(levels.targets) else 2)
            self.message.setText(self.tr("Not saved:") + "\n" + "\n".join(
                f"• {problem}" for problem in error.problems))
            self.message.show()
            return
        except RolePermissionError as error:
            self.message.setText(self.tr("Not saved: ") + str(error))
            self.message.show()
            return
        self.accept()

