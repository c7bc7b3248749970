"""File › Database…: the database Incident Desk opens at its next start, a database file or
a PostgreSQL server, with a test connection made in the background.

The choice is kept in a small file in the user's config folder
(:mod:`app.models.database_choice`); the password never goes there: it is kept in this
computer's keyring, and only once a test connection showed the server accepts it.
``--db`` overrides the choice. Opened from the main window::

    dialog = DatabaseDialog(current_target, dialogs, parent)
    dialog.open()
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.models.database_choice import (
    DEFAULT_PORT,
    Target,
    file_choice,
    save_database,
    saved_database,
    server_choice,
)
from app.models.db import (
    CONNECT_TIMEOUT_SECONDS,
    DatabaseOpenError,
    DatabaseProbe,
    PostgresTarget,
    default_database_path,
    probe_database,
)
from app.models.db_password import store_password
from app.models.secrets import KeyringUnavailableError, keyring_available
from app.views.dialogs import Dialogs
from app.views.report_runner import ReportJob
from app.views.settings_form import SettingsForm, named_label
from app.views.theme import note_style
from app.views.widgets import action_button

NOTE_STYLE = note_style("amber", "border: 1px solid #ffe082; padding: 6px;")
FILE_FIELDS = ("file",)
SERVER_FIELDS = ("host", "port", "database", "user", "password")

# (parent, the file to start at) -> the file chosen, or None
FileChooser = Callable[[QWidget, Path], Path | None]


def ask_database_file(parent: QWidget, start: Path) -> Path | None:
    """The picker for Browse…: an existing database, or the name of a new one."""
    name, _ = QFileDialog.getSaveFileName(
        parent, parent.tr("Database file"), str(start),
        parent.tr("Incident Desk databases (*.sqlite *.db);;All files (*)"),
        options=QFileDialog.Option.DontConfirmOverwrite)
    return Path(name) if name else None


class DatabaseDialog(SettingsForm, QDialog):
    """Choose the database of the next start, test it, save the choice."""

    saved = Signal(str)  # the database chosen, as a path or a URL

    def __init__(self, current: Target, dialogs: Dialogs, parent: QWidget | None = None,
                 choice_file: Path | None = None,
                 choose_file: FileChooser = ask_database_file,
                 keyring_works: bool | None = None):
        super().__init__(parent)
        self._current = current
        self._dialogs = dialogs
        self._choice_file = choice_file
        self.choose_file = choose_file
        self.keyring_works = keyring_available() if keyring_works is None else keyring_works
        self.job: ReportJob | None = None
        self._verified: tuple[str, str] | None = None  # (URL, password) a test accepted
        self.setObjectName("databaseDialog")
        self.setWindowTitle(self.tr("Database"))
        chosen = saved_database(choice_file) or current

        intro = named_label("databaseIntro", self.tr(
            "The database Incident Desk opens: a file on this computer or a shared folder, "
            "or a PostgreSQL server shared by the whole team. Now open: {current}.").format(
            current=current))
        self.use_file = QRadioButton(self.tr("A database &file"))
        self.use_file.setObjectName("useFile")
        self.use_file.setAccessibleName(self.tr("Use a database file"))
        self.use_server = QRadioButton(self.tr("A Postgre&SQL server"))
        self.use_server.setObjectName("useServer")
        self.use_server.setAccessibleName(self.tr("Use a PostgreSQL server"))
        kinds = QButtonGroup(self)
        kinds.addButton(self.use_file)
        kinds.addButton(self.use_server)
        choices = QHBoxLayout()
        choices.addWidget(self.use_file)
        choices.addWidget(self.use_server)
        choices.addStretch(1)

        self.errors: dict[str, QLabel] = {}
        self._labels: list[QLabel] = []
        file_path = chosen if isinstance(chosen, Path) else default_database_path()
        self.file = self._line_edit("file", str(file_path), self.tr("Database file"),
                                    self.tr("the whole path of the .sqlite file"))
        self.browse_button = action_button(
            self.tr("&Browse…"), "browseDatabase", self.on_browse,
            self.tr("Choose an existing database file, or name a new one"))
        self.file_box = QGroupBox(self.tr("Database file"))
        file_form = self._form(self.file_box)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(self.browse_button)
        self._add_row(file_form, "file", self.tr("F&ile:"), file_row)
        file_form.addRow("", named_label("fileNote", self.tr(
            "A file that does not exist yet is created at the next start.")))

        server = chosen if isinstance(chosen, PostgresTarget) else None
        self.host = self._line_edit("host", (server.host or "") if server else "",
                                    self.tr("PostgreSQL server"), "db.example.org")
        self.port = self._line_edit("port", str(server.port or DEFAULT_PORT) if server
                                    else str(DEFAULT_PORT), self.tr("Port"))
        self.port.setMaxLength(5)
        self.port.setFixedWidth(self.port.fontMetrics().horizontalAdvance("0" * 9))
        self.database = self._line_edit("database", server.dbname if server else "",
                                        self.tr("Database name"), "incident_desk")
        self.user = self._line_edit("user", (server.user or "") if server else "",
                                    self.tr("User name on the server"))
        self.password = self._line_edit("password", "", self.tr("Password"))
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr(
            "for Test connection; asked at the start when not stored"))
        self.remember = QCheckBox(self.tr("&Remember password in the system keyring"))
        self.remember.setObjectName("rememberPassword")
        self.remember.setAccessibleName(self.tr("Remember password in the system keyring"))
        self.keyring_note = named_label("keyringNote", self.tr(
            "This computer has no system keyring service, so the password cannot be stored: "
            "Incident Desk asks for it at each start."))
        self.keyring_note.setStyleSheet(NOTE_STYLE)
        self.keyring_note.setVisible(not self.keyring_works)
        if self.keyring_works:
            self.remember.setChecked(True)
            self.remember.setToolTip(self.tr(
                "Stored once Test connection shows the server accepts it"))
        else:
            self.remember.setEnabled(False)
            self.remember.setToolTip(self.keyring_note.text())
        self.server_box = QGroupBox(self.tr("PostgreSQL server"))
        server_column = QVBoxLayout(self.server_box)
        server_form = QFormLayout()
        server_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        server_column.addLayout(server_form)
        self._add_row(server_form, "host", self.tr("Ser&ver:"))
        self._add_row(server_form, "port", self.tr("P&ort:"), self._left(self.port))
        self._add_row(server_form, "database", self.tr("&Database:"))
        self._add_row(server_form, "user", self.tr("&User:"))
        self._add_row(server_form, "password", self.tr("Pass&word:"))
        server_form.addRow("", self.remember)
        server_column.addWidget(self.keyring_note)

        self.test_button = action_button(
            self.tr("&Test connection"), "testConnection", self.on_test,
            self.tr("Connect with the settings on this screen, without opening the "
                    "database (up to {seconds} seconds)").format(
                seconds=CONNECT_TIMEOUT_SECONDS))
        self.test_status = named_label("testStatus")
        self.test_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test_status.hide()
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)

        self.next_start = named_label("nextStartNote", self.tr(
            "The choice takes effect at the next start of Incident Desk. A --db given on the "
            "command line overrides it."))
        self.form_message = named_label("formMessage")
        self.form_message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.on_save)
        self.buttons.rejected.connect(self.reject)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(choices)
        layout.addWidget(self.file_box)
        layout.addWidget(self.server_box)
        layout.addLayout(test_row)
        layout.addWidget(self.test_status)
        layout.addWidget(self.next_start)
        layout.addWidget(self.form_message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self._align_labels()
        (self.use_server if server else self.use_file).setChecked(True)
        self.use_file.toggled.connect(self.on_kind_chosen)
        self.resize(620, 0)
        self.on_kind_chosen()

    # --- reading ---------------------------------------------------------------------------
    def read_choice(self) -> tuple[Target | None, dict[str, str]]:
        """The database the fields describe, or each problem keyed by its field."""
        if self.use_file.isChecked():
            return file_choice(self.file.text())
        return server_choice(self.host.text(), self.port.text(), self.database.text(),
                             self.user.text())

    def _refuse(self, problems: dict[str, str], what: str) -> None:
        self.show_errors(problems)
        order = FILE_FIELDS if self.use_file.isChecked() else SERVER_FIELDS
        first = next(name for name in order if name in problems)
        self._say(self.tr("{what}: correct the fields marked.").format(what=what), error=True)
        self.field(first).setFocus()

    # --- actions ---------------------------------------------------------------------------
    @Slot()
    def on_kind_chosen(self) -> None:
        on_file = self.use_file.isChecked()
        self.file_box.setVisible(on_file)
        self.server_box.setVisible(not on_file)
        self.show_errors({})
        self._say("")
        self.test_status.hide()
        self._fit_height(exactly=True)

    @Slot()
    def on_browse(self) -> None:
        start = Path(self.file.text().strip() or default_database_path()).expanduser()
        chosen = self.choose_file(self, start)
        if chosen is not None:
            self.file.setText(str(chosen))
            self.errors["file"].hide()

    @Slot()
    def on_test(self) -> None:
        if self.job is not None and not self.job.done:
            return
        target, problems = self.read_choice()
        if problems:
            self._refuse(problems, self.tr("Not tested"))
            self._say_test(self.tr("Not tested: correct the fields marked first."),
                           error=True)
            return
        self.show_errors({})
        self._say("")
        password = self.password.text() if isinstance(target, PostgresTarget) else ""
        self.test_button.setEnabled(False)
        self._say_test(self.tr("Connecting to {target}…").format(target=target))
        job = self.job = ReportJob(self.tr("Test connection"), self)
        job.finished.connect(lambda probe: self.on_tested(probe, password))
        job.failed.connect(self.on_test_failed)
        QThreadPool.globalInstance().start(lambda: job.run(
            lambda _progress, _cancelled: probe_database(target, password or None),
            (DatabaseOpenError,)))

    def on_tested(self, probe: DatabaseProbe, password: str) -> None:
        self.test_button.setEnabled(True)
        if isinstance(probe.target, PostgresTarget) and password:
            self._verified = (str(probe.target), password)
        self._say_test(self.describe(probe), success=True)

    def describe(self, probe: DatabaseProbe) -> str:
        """What a test connection found, in words."""
        target = probe.target
        if probe.schema is None:
            if isinstance(target, Path) and not target.exists():
                return self.tr("There is no file {file} yet: Incident Desk creates it at the "
                               "next start.").format(file=target)
            return self.tr("Reached {target}: it is empty, and Incident Desk will make its "
                           "tables at the next start.").format(target=target)
        text = self.tr("Reached {target}: an Incident Desk database, schema version "
                       "{schema}.").format(target=target, schema=probe.schema)
        if probe.pending:
            text += " " + self.tr("This version upgrades it at the next start (%n "
                                  "change(s)).", "", probe.pending)
        return text

    @Slot(str)
    def on_test_failed(self, message: str) -> None:
        self.test_button.setEnabled(True)
        self._say_test(message, error=True)

    @Slot()
    def on_save(self) -> None:
        target, problems = self.read_choice()
        if problems:
            self._refuse(problems, self.tr("Not saved"))
            return
        self.show_errors({})
        try:
            save_database(target, self._choice_file)
        except OSError as exc:
            self._say(self.tr("Not saved: the choice could not be written ({reason}).")
                      .format(reason=exc.strerror or exc), error=True)
            return
        text = self.tr("Saved: Incident Desk opens {target} at its next start.").format(
            target=target)
        password = self.password.text()
        if isinstance(target, PostgresTarget) and password and self.remember.isChecked() \
                and self.remember.isEnabled():
            if self._verified == (str(target), password):
                try:
                    store_password(target, password)
                    text += " " + self.tr("The password is stored in this computer's "
                                          "keyring.")
                except KeyringUnavailableError as exc:
                    text += " " + str(exc)
            else:
                text += " " + self.tr("The password was not stored: Test connection did not "
                                      "show the server accepts it. It is asked for at the "
                                      "next start.")
        self._dialogs.inform(self, APP_NAME, text)
        self.saved.emit(str(target))
        self.accept()
