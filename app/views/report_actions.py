"""Reports from the main window: the selected incidents' report (Export PDF…, Print…), the
period report and the assessor's evidence pack, each previewed in the application or saved
to a file, written off the GUI thread behind a progress bar with Cancel.

The records are read on the GUI thread (milliseconds); the PDF is laid out on a worker
thread; the export is written to the audit trail once the file exists.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.models.clock import now_utc
from app.models.db import database
from app.models.entities import User
from app.models.period_stats import period_problem
from app.models.permissions import Permission, RolePermissionError, can
from app.views.dialogs import Dialogs
from app.views.report_runner import ReportJob, run_report
from app.views.theme import set_tone

if TYPE_CHECKING:
    from app.reports.exporting import ExportJob

PDF_FILTER = QT_TRANSLATE_NOOP("ReportActions", "PDF files (*.pdf)")


def _background_database(write: Callable[..., Path]) -> Callable[..., Path]:
    """``write`` run on a worker thread closes the database connection it opened there."""
    def run(*args) -> Path:
        try:
            return write(*args)
        finally:
            database.close()  # this thread's connection only
    return run


def _preview_or_export(dialog: QDialog, layout: QVBoxLayout, problem_name: str,
                       finish: Callable[[bool], None]) -> tuple[QLabel, QPushButton,
                                                                QPushButton]:
    """A red line for what is wrong (hidden until then), then Preview…, Export PDF… and
    Cancel; ``finish(preview)`` decides whether the dialog may close."""
    problem = QLabel()
    problem.setObjectName(problem_name)
    set_tone(problem, "error")
    problem.setWordWrap(True)
    problem.hide()
    layout.addWidget(problem)
    buttons = QDialogButtonBox()
    preview = buttons.addButton(dialog.tr("Preview…"), QDialogButtonBox.ButtonRole.AcceptRole)
    export = buttons.addButton(dialog.tr("Export PDF…"),
                               QDialogButtonBox.ButtonRole.AcceptRole)
    buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
    buttons.rejected.connect(dialog.reject)
    preview.clicked.connect(lambda: finish(True))
    export.clicked.connect(lambda: finish(False))
    layout.addWidget(buttons)
    return problem, preview, export


class ExportOptionsDialog(QDialog):
    """Before an incident report is written: whether to include the caller's personal data
    (team leaders only; an internal print, recorded) and, for a file, whether to open it."""

    def __init__(self, title: str, what: str, user: User, to_file: bool,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("exportOptions")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(what))
        self.personal_data = QCheckBox(self.tr("Include the callers' personal data "
                                               "(internal use only)"))
        self.personal_data.setObjectName("includePersonalData")
        allowed = can(user, Permission.EXPORT_PERSONAL_DATA)
        self.personal_data.setEnabled(allowed)
        self.personal_data.setToolTip(
            self.tr("Names, phone numbers and email addresses in full. The export is "
                    "written to each incident's audit trail.") if allowed else
            self.tr("Only team leaders and administrators may print personal data; "
                    "evidence is masked."))
        self.personal_data.setAccessibleDescription(self.personal_data.toolTip())
        layout.addWidget(self.personal_data)
        note = QLabel(self.tr("Without it, names become initials and phone numbers, email "
                              "addresses and postcodes are hidden."))
        note.setWordWrap(True)
        set_tone(note, "muted")
        layout.addWidget(note)
        self.open_after = QCheckBox(self.tr("Open the file when it is written"))
        self.open_after.setObjectName("openAfter")
        self.open_after.setVisible(to_file)
        layout.addWidget(self.open_after)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class PeriodDialog(QDialog):
    """The days a period report covers, with the usual periods one click away."""

    def __init__(self, today: date, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Period report"))
        self.setObjectName("periodDialog")
        self._today = today
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.start = QDateEdit(calendarPopup=True)
        self.start.setObjectName("periodFrom")
        self.end = QDateEdit(calendarPopup=True)
        self.end.setObjectName("periodTo")
        for edit, name in ((self.start, self.tr("From")), (self.end, self.tr("To"))):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setAccessibleName(name)
            form.addRow(name, edit)
        layout.addLayout(form)
        quick = QHBoxLayout()
        first_of_month = today.replace(day=1)
        last_month_end = first_of_month - timedelta(days=1)
        monday = today - timedelta(days=today.weekday())
        for text, start, end in (
                (self.tr("Last week"), monday - timedelta(days=7), monday - timedelta(days=1)),
                (self.tr("This month"), first_of_month, today),
                (self.tr("Last month"), last_month_end.replace(day=1), last_month_end)):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, s=start, e=end: self.set_period(s, e))
            quick.addWidget(button)
        layout.addLayout(quick)
        self.problem, self.preview_button, self.export_button = _preview_or_export(
            self, layout, "periodProblem", self._finish)
        self.to_file = False
        self.set_period(last_month_end.replace(day=1), last_month_end)

    def set_period(self, start: date, end: date) -> None:
        self.start.setDate(QDate(start.year, start.month, start.day))
        self.end.setDate(QDate(end.year, end.month, end.day))

    def period(self) -> tuple[date, date]:
        return self.start.date().toPython(), self.end.date().toPython()

    def _finish(self, preview: bool) -> None:
        problem = period_problem(*self.period())
        if problem:
            self.problem.setText(problem)
            self.problem.show()
            return
        self.to_file = not preview
        self.accept()


class EvidencePackDialog(QDialog):
    """Which incidents go in the assessor's evidence pack: references, one per line or
    separated by commas, filled with the log's selection."""

    def __init__(self, references: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Evidence pack"))
        self.setObjectName("evidencePackDialog")
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("The incidents for the assessor, in the order they are to be "
                               "read. The callers' personal data is always masked."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.references = QPlainTextEdit("\n".join(references))
        self.references.setObjectName("packReferences")
        self.references.setAccessibleName(self.tr("Incident references"))
        self.references.setPlaceholderText("INC-2026-000123\nINC-2026-000124")
        layout.addWidget(self.references)
        self.problem, self.preview_button, self.export_button = _preview_or_export(
            self, layout, "packProblem", self._finish)
        self.to_file = False
        self.job: ExportJob | None = None
        self.user: User | None = None

    def chosen(self) -> list[str]:
        text = self.references.toPlainText().replace(",", "\n").replace(";", "\n")
        return [line.strip() for line in text.splitlines() if line.strip()]

    def _finish(self, preview: bool) -> None:
        from app.models.incident_record import ExportError
        from app.reports.exporting import prepare_export  # ReportLab: not at start

        try:
            self.job = prepare_export(self.chosen(), self.user, evidence=True)
        except ExportError as exc:
            self.problem.setText(str(exc))
            self.problem.show()
            return
        self.to_file = not preview
        self.accept()


class ReportActions(QObject):
    """What the window's report actions do; ``selection()`` gives the chosen incidents'
    references, in the log's order. ``exported`` is emitted with the changed incidents'
    ids once an export is written to their audit trails."""

    exported = Signal(object)  # list of incident ids
    status = Signal(str)  # a line for the status bar

    def __init__(self, parent: QWidget, user: User, dialogs: Dialogs,
                 selection: Callable[[], list[str]],
                 open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl):
        super().__init__(parent)
        self._window = parent
        self._user = user
        self._dialogs = dialogs
        self._selection = selection
        self.open_url = open_url
        self.job: ReportJob | None = None  # the last report started (tests wait on it)

    # --- seams for tests -----------------------------------------------------------------
    def ask_options(self, dialog: ExportOptionsDialog) -> bool:
        return dialog.exec() == QDialog.DialogCode.Accepted

    def ask_period(self, dialog: PeriodDialog) -> bool:
        return dialog.exec() == QDialog.DialogCode.Accepted

    def ask_pack(self, dialog: EvidencePackDialog) -> bool:
        return dialog.exec() == QDialog.DialogCode.Accepted

    # --- the selected incidents ------------------------------------------------------------
    def _prepare_selection(self, to_file: bool) -> tuple[ExportJob, bool] | None:
        from app.models.incident_record import ExportError

        references = self._selection()
        if not references:
            self._dialogs.inform(self._window, self.tr("No incident chosen"),
                                 self.tr("Select one or more incidents in the log first."))
            return None
        what = (self.tr("Incident report of {reference}").format(reference=references[0])
                if len(references) == 1 else
                self.tr("One PDF of the reports of {count} incidents").format(
                    count=len(references)))
        dialog = ExportOptionsDialog(self.tr("Export PDF") if to_file else self.tr("Print"),
                                     what, self._user, to_file, self._window)
        if not self.ask_options(dialog):
            return None
        from app.reports.exporting import prepare_export  # ReportLab: not at start

        try:
            job = prepare_export(references, self._user,
                                 personal_data=dialog.personal_data.isChecked())
        except (ExportError, RolePermissionError) as exc:
            self._dialogs.error(self._window, self.tr("Not exported"), str(exc))
            return None
        return job, dialog.open_after.isChecked()

    def export_selection(self) -> ReportJob | None:
        """Export PDF…: the selected incidents' report to a file the user chooses."""
        prepared = self._prepare_selection(to_file=True)
        if prepared is None:
            return None
        job, open_after = prepared
        return self._export_to_file(job, open_after)

    def print_selection(self) -> ReportJob | None:
        """Print…: the selected incidents' report in the preview, to print from there."""
        prepared = self._prepare_selection(to_file=False)
        if prepared is None:
            return None
        return self._preview(prepared[0])

    def evidence_pack(self) -> ReportJob | None:
        """Evidence pack…: choose the incidents (the selection to start with)."""
        dialog = EvidencePackDialog(self._selection(), self._window)
        dialog.user = self._user
        if not self.ask_pack(dialog) or dialog.job is None:
            return None
        if dialog.to_file:
            return self._export_to_file(dialog.job, open_after=False)
        return self._preview(dialog.job)

    def _export_to_file(self, job: ExportJob, open_after: bool) -> ReportJob | None:
        from app.reports.progress import Progress

        path = self._dialogs.save_file(self._window, self.tr("Export PDF"),
                                       Path.home() / job.suggested_name(), self.tr(PDF_FILTER))
        if path is None:
            return None
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        runner = run_report(self._window,
                            lambda report, cancelled: job.write(path, Progress(report,
                                                                               cancelled)),
                            job.what.removesuffix(" PDF"),
                            self.tr("Writing {what}…").format(what=path.name), self._dialogs)
        runner.finished.connect(lambda written: self._written(job, Path(written), open_after))
        self.job = runner
        return runner

    def _written(self, job: ExportJob, path: Path, open_after: bool) -> None:
        job.record()
        self.exported.emit([incident.id for incident in job.incidents])
        self.status.emit(self.tr("Wrote {path}").format(path=path))
        if open_after and not self.open_url(QUrl.fromLocalFile(str(path))):
            self._dialogs.error(self._window, self.tr("PDF not opened"),
                                self.tr("No program on this computer opened {path}.").format(
                                    path=path))

    def _preview(self, job: ExportJob) -> ReportJob:
        from app.reports.progress import Progress
        from app.views.pdf_preview import preview_report  # ReportLab: not at start

        runner = preview_report(
            self._window,
            lambda target, report, cancelled: job.write(target, Progress(report, cancelled)),
            job.suggested_name(), job.what.removesuffix(" PDF"), self._dialogs)
        # shown on screen, to be printed: recorded as an export when it is shown
        runner.finished.connect(lambda _path: self._previewed(job))
        self.job = runner
        return runner

    def _previewed(self, job: ExportJob) -> None:
        job.record()
        self.exported.emit([incident.id for incident in job.incidents])

    # --- the period report -------------------------------------------------------------------
    def period_report(self) -> ReportJob | None:
        """Period report…: choose the days, then preview or save."""
        dialog = PeriodDialog(now_utc().astimezone().date(), self._window)
        if not self.ask_period(dialog):
            return None
        start, end = dialog.period()
        name = f"Period report {start:%Y-%m-%d} to {end:%Y-%m-%d}.pdf"
        by, now = self._user.display_name, now_utc()

        @_background_database
        def write(target: Path, report, cancelled) -> Path:
            from app.reports.period_report import write_period_report
            from app.reports.progress import Progress

            return write_period_report(target, start, end, by, now,
                                       progress=Progress(report, cancelled).step)

        if not dialog.to_file:
            from app.views.pdf_preview import preview_report  # ReportLab: not at start

            self.job = preview_report(self._window, write, name, self.tr("Period report"),
                                      self._dialogs)
            return self.job
        path = self._dialogs.save_file(self._window, self.tr("Export PDF"),
                                       Path.home() / name, self.tr(PDF_FILTER))
        if path is None:
            return None
        self.job = run_report(self._window, lambda report, cancelled: write(
            path, report, cancelled), self.tr("Period report"),
            self.tr("Writing {what}…").format(what=path.name), self._dialogs)
        self.job.finished.connect(
            lambda written: self.status.emit(self.tr("Wrote {path}").format(path=written)))
        return self.job
