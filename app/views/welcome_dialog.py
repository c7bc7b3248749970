"""The first-run welcome: the organisation's name and logo, the service calendar, and
whether to load sample incidents to try the application with."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app import APP_NAME
from app.models import demo_data
from app.models.entities import User
from app.models.first_run import (
    SAMPLE_COUNT,
    SAMPLE_MONTHS,
    can_load_sample,
    mark_welcomed,
)
from app.models.permissions import RolePermissionError
from app.models.service_levels import (
    ServiceLevelError,
    load_calendar_settings,
    load_service_levels,
    save_service_levels,
)
from app.views.calendar_editor import CalendarEditor
from app.views.dialogs import Dialogs
from app.views.organisation_editor import OrganisationEditor
from app.views.report_runner import run_in_background
from app.views.theme import set_tone


class _OrganisationPage(QWizardPage):
    def __init__(self, wizard: WelcomeDialog):
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("Your organisation"))
        self.setSubTitle(self.tr("Printed at the head of every report and evidence pack. "
                                 "You can change it later under Settings › Organisation."))
        self.editor = OrganisationEditor(wizard.dialogs)
        QVBoxLayout(self).addWidget(self.editor)

    def validatePage(self) -> bool:
        return self.editor.save(self._wizard.user)


class _CalendarPage(QWizardPage):
    def __init__(self, wizard: WelcomeDialog):
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("Service calendar"))
        self.setSubTitle(self.tr("When the contact centre is open. Response and resolution "
                                 "targets count these hours (P1 counts around the clock). "
                                 "Settings › Service levels has the rest."))
        self.calendar = CalendarEditor()
        self.calendar.show_calendar(load_calendar_settings())
        self.message = QLabel()
        self.message.setObjectName("calendar_message")
        set_tone(self.message, "error", bold=True)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.calendar)
        layout.addWidget(self.message)

    def validatePage(self) -> bool:
        levels = load_service_levels()
        levels = type(levels)(levels.matrix, levels.targets, self.calendar.settings())
        try:
            save_service_levels(levels, self._wizard.user)
        except ServiceLevelError as exc:
            self.message.setText("\n".join(f"• {p}" for p in exc.problems))
            return False
        except RolePermissionError as exc:
            self.message.setText(str(exc))
            return False
        self.message.clear()
        return True


class _SamplePage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle(self.tr("Sample incidents"))
        self.setSubTitle(self.tr("To try %1 before the first real call.").replace(
            "%1", APP_NAME))
        self.load = QCheckBox(self.tr("&Load %1 sample incidents from the last %2 months")
                              .replace("%1", str(SAMPLE_COUNT))
                              .replace("%2", str(SAMPLE_MONTHS)))
        self.load.setObjectName("load_sample")
        self.load.setAccessibleDescription(self.tr(
            "Invented callers and incidents, logged by invented colleagues"))
        note = QLabel(self.tr("The sample incidents are invented, with invented callers and "
                              "colleagues. Leave this unticked for a database that will hold "
                              "real incidents: sample incidents cannot be told apart from "
                              "real ones in reports."))
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.load)
        layout.addWidget(note)
        layout.addStretch()
        if not can_load_sample():
            self.load.setEnabled(False)
            note.setText(self.tr("This database already holds incidents, so no sample is "
                                 "offered."))


class WelcomeDialog(QWizard):
    """Shown once, on a new database, to the person setting it up. Finishing or skipping
    both mark the welcome as seen."""

    sample_loaded = Signal(int)  # how many sample incidents were added

    def __init__(self, user: User, dialogs: Dialogs, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.dialogs = dialogs
        self.setWindowTitle(self.tr("Welcome to %1").replace("%1", APP_NAME))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("&Skip for now"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("&Start"))
        self.organisation_page = _OrganisationPage(self)
        self.calendar_page = _CalendarPage(self)
        self.sample_page = _SamplePage()
        for page in (self.organisation_page, self.calendar_page, self.sample_page):
            self.addPage(page)
        self.resize(720, 600)

    def accept(self) -> None:
        mark_welcomed(self.user, skipped=False)
        if self.sample_page.load.isChecked() and can_load_sample():
            self._load_sample()
        super().accept()

    def reject(self) -> None:
        mark_welcomed(self.user, skipped=True)
        super().reject()

    def _load_sample(self) -> None:
        def work(progress, _cancelled):  # one batch, committed at once: nothing to cancel
            return demo_data.generate(SAMPLE_COUNT, months=SAMPLE_MONTHS,
                                      progress=lambda done: progress(done, SAMPLE_COUNT))

        self.sample_job = run_in_background(self.parentWidget(), work, self.tr("Sample incidents"),
                                self.tr("Adding sample incidents…"), self.dialogs)
        self.sample_job.finished.connect(lambda result: self.sample_loaded.emit(result.incidents))
