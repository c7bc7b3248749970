"""The data protection screen: the retention policy, and a person's records found by phone or
email to export (subject access) or erase (on request)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.models.clock import format_local, now_utc
from app.models.entities import Incident, User
from app.models.permissions import Permission, RolePermissionError, can
from app.models.personal_data import (
    RETENTION_AREA,
    RETENTION_LIMITS,
    PersonalDataError,
    apply_retention,
    erase_subject,
    find_subject,
    months_before,
    retention_due,
    retention_months,
    set_retention_months,
)
from app.models.service_levels import config_history
from app.views.dialogs import Dialogs
from app.views.text import status_text
from app.views.theme import set_tone
from app.views.widgets import action_button

COLUMNS = (QT_TRANSLATE_NOOP("DataProtectionDialog", "Reference"),
           QT_TRANSLATE_NOOP("DataProtectionDialog", "Received"),
           QT_TRANSLATE_NOOP("DataProtectionDialog", "Caller"),
           QT_TRANSLATE_NOOP("DataProtectionDialog", "Nature"),
           QT_TRANSLATE_NOOP("DataProtectionDialog", "Status"))


def run_retention(user: User, on_demand: bool) -> int:
    """Anonymise every incident past retention, batch by batch (the window stays
    responsive between batches); returns how many."""
    total = 0
    while True:
        run = apply_retention(user, on_demand=on_demand)
        total += run.anonymised
        if not run.remaining:
            return total
        QCoreApplication.processEvents()


class DataProtectionDialog(QDialog):
    """Retention, subject access and erasure, for those who may manage personal data."""

    def __init__(self, user: User, dialogs: Dialogs, parent: QWidget | None = None):
        super().__init__(parent)
        self._user = user
        self._dialogs = dialogs
        self.found: list[Incident] = []
        self.changed = False  # incidents were anonymised: the log must be reloaded
        self.setObjectName("dataProtectionDialog")
        self.setWindowTitle(self.tr("Data protection"))
        allowed = can(user, Permission.MANAGE_PERSONAL_DATA)

        # retention
        self.months = QSpinBox()
        self.months.setObjectName("retentionMonths")
        self.months.setRange(*RETENTION_LIMITS)
        self.months.setSuffix(self.tr(" months after closure"))
        self.months.setAccessibleName(self.tr("Keep personal data for"))
        self.save_months = action_button(self.tr("Sa&ve"), "saveRetention", self.on_save_months)
        self.due_label = QLabel()
        self.due_label.setObjectName("retentionDue")
        self.run_button = action_button(
            self.tr("&Run retention now"), "runRetention", self.on_run_retention)
        months_row = QHBoxLayout()
        months_row.addWidget(self.months)
        months_row.addWidget(self.save_months)
        months_row.addStretch(1)
        due_row = QHBoxLayout()
        due_row.addWidget(self.due_label, 1)
        due_row.addWidget(self.run_button)
        retention = QGroupBox(self.tr("Retention"))
        retention_form = QFormLayout(retention)
        retention_form.addRow(QLabel(self.tr(
            "The caller's personal data is erased from closed incidents after this period; "
            "the incidents' operational facts are kept. The policy runs at every start.")))
        retention_form.addRow(self.tr("&Keep personal data for:"), months_row)
        retention_form.labelForField(months_row).setBuddy(self.months)
        self.retention_history = QLabel()
        self.retention_history.setObjectName("retentionHistory")
        self.retention_history.setTextFormat(Qt.TextFormat.PlainText)
        set_tone(self.retention_history, "muted")
        retention_form.addRow(self.retention_history)
        retention_form.addRow(due_row)

        # a person's records
        self.phone = QLineEdit()
        self.phone.setObjectName("subjectPhone")
        self.phone.setPlaceholderText(self.tr("e.g. 0161 496 0000, in any format"))
        self.email = QLineEdit()
        self.email.setObjectName("subjectEmail")
        self.email.setPlaceholderText(self.tr("name@example.org"))
        self.find_button = action_button(self.tr("&Find"), "findSubject", self.on_find)
        for edit in (self.phone, self.email):
            edit.returnPressed.connect(self.on_find)
        self.results = QTableWidget(0, len(COLUMNS))
        self.results.setObjectName("subjectResults")
        self.results.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.results.verticalHeader().hide()
        header = self.results.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.request = QLineEdit()
        self.request.setObjectName("requestNote")
        self.request.setPlaceholderText(self.tr(
            "e.g. DSR-2026-014, received by letter on 20/11/2026 (no personal data)"))
        self.export_button = action_button(
            self.tr("E&xport PDF and JSON…"), "exportSubject", self.on_export)
        self.erase_button = action_button(
            self.tr("&Erase personal data…"), "eraseSubject", self.on_erase)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.export_button)
        actions.addWidget(self.erase_button)
        person = QGroupBox(self.tr("A person's records (subject access and erasure)"))
        person_form = QFormLayout(person)
        search = QHBoxLayout()
        search.addWidget(self.phone)
        search.addWidget(QLabel(self.tr("or email:")))
        search.addWidget(self.email)
        search.addWidget(self.find_button)
        person_form.addRow(self.tr("&Phone:"), search)
        person_form.labelForField(search).setBuddy(self.phone)
        person_form.addRow(self.results)
        person_form.addRow(self.tr("Re&quest:"), self.request)
        person_form.addRow(actions)

        self.message = QLabel()
        self.message.setObjectName("dataProtectionMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        # Enter in a field does what the field is for (Find), never closes the screen
        buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(retention)
        layout.addWidget(person)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

        self.months.setValue(retention_months())
        self._show_due()
        if not allowed:
            who = self.tr("Only a team leader or an administrator can do this.")
            for widget in (self.months, self.save_months, self.run_button, self.phone,
                           self.email, self.find_button, self.request, self.export_button,
                           self.erase_button):
                widget.setEnabled(False)
                widget.setToolTip(who)
            self._say(who, error=False)
        self._update_actions()
        self.resize(760, 620)

    # --- showing ---------------------------------------------------------------------------
    def _say(self, text: str, error: bool = True) -> None:
        set_tone(self.message, "error" if error else None, bold=error)
        self.message.setText(text)

    def _show_due(self) -> None:
        last = config_history((RETENTION_AREA,), limit=1)
        self.retention_history.setText(self.tr("Last change: {summary} By {who} on {when}.")
                                       .format(summary=last[0].summary, who=last[0].user,
                                               when=format_local(last[0].at))
                                       if last else "")
        self.retention_history.setVisible(bool(last))
        months = retention_months()
        count = retention_due(months=months).count()
        self.due_label.setText(self.tr(
            "{count} closed incident(s) still hold personal data past {months} months "
            "(closed before {cutoff}).").format(
            count=f"{count:,}", months=months,
            cutoff=format_local(months_before(now_utc(), months))[:10]))

    def _show_found(self) -> None:
        self.results.setRowCount(len(self.found))
        for row, incident in enumerate(self.found):
            values = (incident.reference, format_local(incident.received_at),
                      incident.caller_name, incident.summary, status_text(incident.status))
            for column, value in enumerate(values):
                self.results.setItem(row, column, QTableWidgetItem(value))
        self._update_actions()

    def _update_actions(self) -> None:
        allowed = can(self._user, Permission.MANAGE_PERSONAL_DATA)
        self.export_button.setEnabled(allowed and self._searched())
        self.erase_button.setEnabled(allowed and bool(self.found))

    def _searched(self) -> bool:
        return bool(self.phone.text().strip() or self.email.text().strip())

    def _refuse(self, error: Exception) -> None:
        """Say what is wrong, and put the cursor where it can be put right."""
        self._say(str(error))
        if isinstance(error, PersonalDataError):
            widget = {"phone": self.phone, "email": self.email, "request_note": self.request,
                      "months": self.months}.get(next(iter(error.problems)))
            if widget is not None:
                widget.setFocus()

    # --- actions ---------------------------------------------------------------------------
    @Slot()
    def on_save_months(self) -> None:
        try:
            summary = set_retention_months(self.months.value(), self._user)
        except (PersonalDataError, RolePermissionError) as error:
            self._refuse(error)
            return
        self._say(summary or self.tr("The retention period is unchanged."), error=False)
        self._show_due()

    @Slot()
    def on_run_retention(self) -> None:
        try:
            count = run_retention(self._user, on_demand=True)
        except RolePermissionError as error:
            self._refuse(error)
            return
        self.changed = self.changed or count > 0
        self._say(self.tr("Retention: personal data erased from {count} incident(s).").format(
            count=f"{count:,}"), error=False)
        self._show_due()

    @Slot()
    def on_find(self) -> None:
        try:
            self.found = find_subject(self.phone.text(), self.email.text())
        except PersonalDataError as error:
            self.found = []
            self._show_found()
            self._refuse(error)
            return
        self._show_found()
        self._say(self.tr("{count} incident(s) found.").format(count=len(self.found)),
                  error=False)

    def choose_folder(self) -> Path | None:
        """Where to write the export (tests replace this; a user picks in a dialog)."""
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export to folder"))
        return Path(folder) if folder else None

    @Slot()
    def on_export(self) -> None:
        folder = self.choose_folder()
        if folder is None:
            return
        # imported here: the export writes a PDF with ReportLab, which the main window
        # (importing this dialog) should not wait for at its start (issue 9, cold start)
        from app.reports.subject_access import SubjectAccessError, export_subject_access

        try:
            pdf, data = export_subject_access(self.phone.text(), self.email.text(), folder,
                                              self._user, self.request.text())
        except (PersonalDataError, RolePermissionError, SubjectAccessError) as error:
            self._refuse(error)
            return
        self._say(self.tr("Exported to {pdf} and {json}.").format(pdf=pdf, json=data.name),
                  error=False)

    @Slot()
    def on_erase(self) -> None:
        self.on_find()
        if not self.found:
            return
        references = ", ".join(i.reference for i in self.found[:10]) + (
            "…" if len(self.found) > 10 else "")
        if not self._dialogs.confirm(self, self.tr("Erase personal data?"), self.tr(
                "Erase the caller's personal data from {count} incident(s) ({references}) "
                "and from their history? The incidents' operational facts are kept. This "
                "cannot be undone.").format(count=len(self.found), references=references)):
            return
        try:
            result = erase_subject(self.phone.text(), self.email.text(), self.request.text(),
                                   self._user)
        except (PersonalDataError, RolePermissionError) as error:
            self._refuse(error)
            return
        self.changed = True
        self.found = []
        self._show_found()
        self._say(self.tr("Personal data erased from {count} incident(s): {references}.")
                  .format(count=len(result.references),
                          references=", ".join(result.references)), error=False)
