"""Export incidents to a CSV file or an Excel workbook: every incident, or those received in a
period; the kind of file chosen by the name's ending; written off the GUI thread behind a
progress bar with Cancel (a cancelled export leaves no file)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.models.entities import User
from app.models.incident_transfer import KINDS, export_incidents
from app.models.period_stats import day_text
from app.models.permissions import Permission, RolePermissionError, check_permission
from app.views.accessibility import name_inputs
from app.views.dialogs import Dialogs
from app.views.import_dialog import (
    ERROR_STYLE,
    MESSAGES,
    OK_STYLE,
    message_label,
    off_the_gui_thread,
)
from app.views.report_runner import ReportJob, run_in_background
from app.views.widgets import action_button

SAVE_FILTER = "CSV files (*.csv);;Excel workbooks (*.xlsx)"
DEFAULT_SUFFIX = ".csv"  # a name typed without an ending


class ExportDialog(QDialog):
    """The period to export, then the file (through the file picker, which asks before
    replacing one); ``exported`` says how many incidents were written."""

    exported = Signal(int, object)  # (incidents written, the Path)

    def __init__(self, user: User, dialogs: Dialogs, today: date,
                 parent: QWidget | None = None, folder: Path | None = None):
        super().__init__(parent)
        self.user = user
        self.dialogs = dialogs
        self.folder = folder or Path.home()
        self.job: ReportJob | None = None  # the export running, or the last
        self.setObjectName("exportDialog")
        self.setWindowTitle(self.tr("Export incidents"))
        layout = QVBoxLayout(self)
        layout.addWidget(message_label(self.tr(
            "Every column of each incident, times in UTC, as a CSV file (for any program) or "
            "an Excel workbook (.xlsx): the file name's ending decides. The file holds the "
            "callers' personal data: keep it safe, and delete it when it has served."),
            "", "exportIntro"))
        self.everything = QRadioButton(self.tr("&Every incident"))
        self.everything.setObjectName("exportEverything")
        self.period = QRadioButton(self.tr("Received in a &period:"))
        self.period.setObjectName("exportPeriod")
        group = QButtonGroup(self)
        group.addButton(self.everything)
        group.addButton(self.period)
        self.start = QDateEdit()
        self.start.setObjectName("exportFrom")
        self.end = QDateEdit()
        self.end.setObjectName("exportTo")
        grid = QGridLayout()
        grid.addWidget(self.everything, 0, 0, 1, 5)
        grid.addWidget(self.period, 1, 0)
        for column, (edit, text, name) in enumerate(
                ((self.start, self.tr("&From"), self.tr("From")),
                 (self.end, self.tr("&To"), self.tr("To")))):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setAccessibleName(self.tr("Received {edge}").format(edge=name.lower()))
            label = QLabel(text)
            label.setBuddy(edit)
            grid.addWidget(label, 1, 1 + 2 * column)
            grid.addWidget(edit, 1, 2 + 2 * column)
        grid.setColumnStretch(5, 1)
        layout.addLayout(grid)
        first = today.replace(day=1)
        self.start.setDate(QDate(first.year, first.month, first.day))
        self.end.setDate(QDate(today.year, today.month, today.day))
        self.everything.toggled.connect(self.on_scope_changed)
        self.everything.setChecked(True)
        self.problem = message_label("", ERROR_STYLE, "exportProblem")
        self.problem.hide()
        self.outcome = message_label("", OK_STYLE, "exportOutcome")
        self.outcome.hide()
        layout.addWidget(self.problem)
        layout.addWidget(self.outcome)
        layout.addStretch()
        buttons = QHBoxLayout()
        buttons.addStretch()
        self.export_button = action_button(self.tr("E&xport…"), "exportButton",
                                           self.export)
        self.export_button.setDefault(True)
        self.close_button = action_button(self.tr("Close"), "exportClose", self.reject)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self.resize(560, 260)
        name_inputs(self)

    @Slot(bool)
    def on_scope_changed(self, everything: bool) -> None:
        self.start.setEnabled(not everything)
        self.end.setEnabled(not everything)

    def chosen_period(self) -> tuple[date | None, date | None]:
        """(from, to) as chosen; (None, None) for every incident."""
        if self.everything.isChecked():
            return None, None
        return self.start.date().toPython(), self.end.date().toPython()

    def _suggested_name(self, start: date | None, end: date | None) -> str:
        if start and end:
            return f"Incidents {start:%Y-%m-%d} to {end:%Y-%m-%d}.csv"
        return "Incidents.csv"

    def _refuse(self, message: str) -> None:
        self.outcome.hide()
        self.problem.setText(message)
        self.problem.show()

    @Slot()
    def export(self) -> ReportJob | None:
        """Ask where, then write the file off the GUI thread; ``exported`` follows."""
        start, end = self.chosen_period()
        try:
            check_permission(self.user, Permission.EXPORT_PERSONAL_DATA)
        except RolePermissionError as exc:
            self._refuse(str(exc))
            return None
        if start and end and end < start:
            self._refuse(self.tr("The period ends ({end}) before it starts ({start}).").format(
                end=day_text(end), start=day_text(start)))
            return None
        chosen = self.dialogs.save_file(self, self.tr("Export incidents"),
                                        self.folder / self._suggested_name(start, end),
                                        SAVE_FILTER)
        if chosen is None:
            return None
        # The picker asked before replacing the file chosen; a name given its ending here
        # was not asked about, so it is never replaced.
        replace = chosen.exists()
        path = chosen
        if not chosen.suffix:
            path, replace = chosen.with_name(chosen.name + DEFAULT_SUFFIX), False
        if path.suffix.lower() not in KINDS:
            self._refuse(self.tr("{name}: choose a file name ending .csv or .xlsx.").format(
                name=path.name))
            return None
        self.problem.hide()
        self.outcome.hide()
        self.folder = path.parent
        user = self.user
        job = run_in_background(
            self, off_the_gui_thread(lambda progress: export_incidents(
                path, start, end, by=user, progress=progress, replace=replace)),
            self.tr("Export incidents"), self.tr("Writing {name}…").format(name=path.name),
            self.dialogs, MESSAGES)
        self.job = job
        self.export_button.setEnabled(False)
        job.finished.connect(lambda count: self.on_exported(count, path))
        job.failed.connect(self._refuse)
        job.cancelled.connect(lambda: self._refuse(self.tr(
            "The export was cancelled: {name} was not written.").format(name=path.name)))
        for signal in (job.finished, job.failed, job.cancelled):
            signal.connect(lambda *_: self.export_button.setEnabled(True))
        return job

    def on_exported(self, count: int, path: Path) -> None:
        self.outcome.setText(
            self.tr("Wrote {count:,} incidents to {path}.").format(count=count, path=path)
            if count != 1 else self.tr("Wrote 1 incident to {path}.").format(path=path))
        self.outcome.show()
        self.exported.emit(count, path)

    def reject(self) -> None:
        """Closing stops an export under way (no file is left)."""
        if self.job is not None and not self.job.done:
            self.job.cancel()
        super().reject()
