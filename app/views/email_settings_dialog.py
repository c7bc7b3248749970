"""Settings › Email: the SMTP server stakeholder updates are sent through, its password in
this computer's keyring, and a test email sent in the background.

Opened from a menu action (the main window owns the instance, as it does the other
settings screens)::

    dialog = EmailSettingsDialog(self.user, self.dialogs, self)
    dialog.saved.connect(self.on_email_settings_saved)  # optional: list of changes
    dialog.open()
"""

from __future__ import annotations

import re

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.models.clock import now_utc, to_local
from app.models.entities import User
from app.models.mail import (
    DEFAULT_PORTS,
    DEFAULTS,
    FIELD_LABELS,
    MAX_TIMEOUT,
    MIN_TIMEOUT,
    SECURITY_CHOICES,
    SECURITY_LABELS,
    MailSettings,
    MailSettingsError,
    address_problem,
    forget_smtp_password,
    load_mail_settings,
    mail_settings_problems,
    password_problem,
    save_mail_settings,
    smtp_password,
)
from app.models.permissions import Permission, RolePermissionError, can
from app.models.secrets import KeyringUnavailableError, keyring_available
from app.models.text_rules import trimmed
from app.views.dialogs import Dialogs
from app.views.mail_worker import MailJob, ask_smtp_password, start_send
from app.views.settings_form import SettingsForm, named_label
from app.views.text import vocabulary
from app.views.theme import note_style
from app.views.widgets import action_button

NOTE_STYLE = note_style("amber", "border: 1px solid #ffe082; padding: 6px;")
SECURITY_TEXTS = {
    "starttls": QT_TRANSLATE_NOOP("EmailSettingsDialog", "STARTTLS (usually port 587)"),
    "ssl": QT_TRANSLATE_NOOP("EmailSettingsDialog", "SSL/TLS (usually port 465)"),
    "none": QT_TRANSLATE_NOOP("EmailSettingsDialog", "None, unencrypted (usually port 25)"),
}
ORDER = ("host", "port", "security", "username", "password", "sender", "sender_name",
         "timeout_seconds")
_PORT = re.compile(r"\d{1,5}", re.ASCII)


class EmailSettingsDialog(SettingsForm, QDialog):
    """Edit the mail settings (with MANAGE_EMAIL; read-only otherwise) and send a test."""

    saved = Signal(list)  # the changes recorded in the settings' history

    def __init__(self, user: User, dialogs: Dialogs, parent: QWidget | None = None):
        super().__init__(parent)
        self._user = user
        self._dialogs = dialogs
        self._loaded = load_mail_settings()
        self.job: MailJob | None = None
        self.may_manage = can(user, Permission.MANAGE_EMAIL)
        self.keyring_works = keyring_available()
        self.setObjectName("emailSettingsDialog")
        self.setWindowTitle(self.tr("Email settings"))
        current = self._loaded or DEFAULTS

        intro = named_label(text=self.tr(
            "Stakeholder updates are sent through this mail server. The settings are shared "
            "by every workstation; the password never goes into the database: it is kept in "
            "this computer's keyring."))
        self.keyring_note = named_label("keyringNote", self.tr(
            "This computer has no system keyring service, so the password cannot be stored: "
            "it will be asked for each time an email is sent."))
        self.keyring_note.setStyleSheet(NOTE_STYLE)
        self.keyring_note.setVisible(not self.keyring_works)
        self.read_only_note = named_label("readOnlyNote", self.tr(
            "Only a team leader or an administrator can change the email settings. You can "
            "send a test email with them."))
        self.read_only_note.setStyleSheet(NOTE_STYLE)
        self.read_only_note.setVisible(not self.may_manage)

        self.host = self._line_edit("host", current.host, self.tr("Mail server"),
                                    "smtp.example.org")
        self.port = self._line_edit("port", str(current.port), self.tr("Port"))
        self.port.setMaxLength(5)
        self.port.setFixedWidth(self.port.fontMetrics().horizontalAdvance("0" * 9))
        self.security = QComboBox()
        self.security.setObjectName("security")
        self.security.setAccessibleName(self.tr("Security"))
        for value in SECURITY_CHOICES:
            self.security.addItem(self.tr(SECURITY_TEXTS[value]), value)
        self.security.setCurrentIndex(max(0, self.security.findData(current.security)))
        self._security_before = self.security.currentData()
        self.security.activated.connect(self.on_security_chosen)
        self.username = self._line_edit("username", current.username, self.tr("User name"),
                                        self.tr("none: the server takes mail without a login"))
        self.password = self._line_edit("password", "", self.tr("Password"))
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.forget_button = action_button(
            self.tr("&Forget stored password"), "forgetPassword", self.on_forget_password,
            self.tr("Remove the password from this computer's keyring"))
        # not ``self.sender``: that is QObject.sender()
        self.sender_address = self._line_edit("sender", current.sender,
                                              self.tr("From address"), "incidents@example.org")
        self.sender_name = self._line_edit("sender_name", current.sender_name,
                                           self.tr("From name"))
        self.timeout_seconds = QSpinBox()
        self.timeout_seconds.setObjectName("timeout_seconds")
        self.timeout_seconds.setAccessibleName(self.tr("Timeout, in seconds"))
        self.timeout_seconds.setRange(MIN_TIMEOUT, MAX_TIMEOUT)
        self.timeout_seconds.setSuffix(self.tr(" s"))
        self.timeout_seconds.setValue(current.timeout_seconds)
        self.timeout_seconds.setToolTip(self.tr("How long to wait for the server at each step"))

        self.errors: dict[str, QLabel] = {}
        self._labels: list[QLabel] = []
        server = QGroupBox(self.tr("Mail server"))
        server_form = self._form(server)
        self._add_row(server_form, "host", self.tr("&Server:"))
        self._add_row(server_form, "port", self.tr("&Port:"), self._left(self.port))
        self._add_row(server_form, "security", self.tr("Securit&y:"))
        self._add_row(server_form, "username", self.tr("&User name:"))
        password_row = QHBoxLayout()
        password_row.addWidget(self.password, 1)
        password_row.addWidget(self.forget_button)
        self._add_row(server_form, "password", self.tr("Pass&word:"), password_row)
        self._add_row(server_form, "timeout_seconds", self.tr("&Timeout:"),
                      self._left(self.timeout_seconds))
        sender = QGroupBox(self.tr("Updates come from"))
        sender_form = self._form(sender)
        self._add_row(sender_form, "sender", self.tr("From &address:"))
        self._add_row(sender_form, "sender_name", self.tr("From &name:"))

        self.test_recipient = self._line_edit("testRecipient", "",
                                              self.tr("Send a test email to"),
                                              self.tr("your address, to see it arrive"))
        self.test_button = action_button(
            self.tr("Send test &email…"), "sendTestEmail", self.on_send_test,
            self.tr("Send a test email with the settings as they are on this screen"))
        self.test_status = named_label("testStatus")
        self.test_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test_status.hide()
        test = QGroupBox(self.tr("Test"))
        test_layout = QVBoxLayout(test)
        test_row = QHBoxLayout()
        test_label = QLabel(self.tr("Send t&o:"))
        test_label.setBuddy(self.test_recipient)
        self._labels.append(test_label)
        test_row.addWidget(test_label)
        test_row.addWidget(self.test_recipient, 1)
        test_row.addWidget(self.test_button)
        test_layout.addLayout(test_row)
        test_layout.addWidget(self.test_status)

        self.form_message = named_label("formMessage")
        self.form_message.hide()
        if self.may_manage:
            self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                            | QDialogButtonBox.StandardButton.Cancel)
            self.buttons.accepted.connect(self.on_save)
        else:
            self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.read_only_note)
        layout.addWidget(self.keyring_note)
        layout.addWidget(server)
        layout.addWidget(sender)
        layout.addWidget(test)
        layout.addWidget(self.form_message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self._align_labels()
        if not self.may_manage:
            for name in ORDER:
                self.field(name).setEnabled(False)
        self._show_password_state()
        self.resize(600, 0)
        (self.host if self.may_manage else self.test_recipient).setFocus()

    # --- building --------------------------------------------------------------------------
    def field(self, name: str) -> QWidget:
        """The input of the setting ``name`` (a field of MailSettings, or "password")."""
        return self.sender_address if name == "sender" else getattr(self, name)

    # --- showing ---------------------------------------------------------------------------
    def _stored_password(self) -> bool:
        if self._loaded is None or not self.keyring_works:
            return False
        try:
            return bool(smtp_password(self._loaded))
        except KeyringUnavailableError:
            return False

    def _show_password_state(self) -> None:
        stored = self._stored_password()
        if not self.keyring_works:
            text = self.tr("Asked for each time (no keyring)")
            tip = self.tr("This computer has no keyring: the password is asked for each time "
                          "an email is sent.")
        elif stored:
            text = self.tr("Stored in the keyring; leave empty to keep it")
            tip = self.tr("A password is stored in this computer's keyring; type another "
                          "to replace it, or leave this empty to keep it.")
        else:
            text = self.tr("Not stored; type it to keep it in the keyring")
            tip = self.tr("No password is stored in this computer's keyring; type it here "
                          "to store it when you save.")
        self.password.setPlaceholderText(text)
        self.password.setToolTip(tip)
        self.password.setEnabled(self.may_manage and self.keyring_works)
        self.forget_button.setEnabled(self.may_manage and stored)
        self.forget_button.setVisible(self.keyring_works)

    def _refuse(self, problems: dict[str, str], what: str) -> None:
        self.show_errors(problems)
        names = ", ".join(vocabulary(FIELD_LABELS[n]) for n in ORDER if n in problems)
        self._say(self.tr("{what}: correct the fields marked ({names}).").format(
            what=what, names=names), error=True)
        first = next(n for n in ORDER if n in problems)
        if self.field(first).isEnabled():
            self.field(first).setFocus()

    # --- reading ---------------------------------------------------------------------------
    def read_settings(self) -> tuple[MailSettings, dict[str, str]]:
        """The settings as the fields hold them, and what is wrong with them."""
        port_text = trimmed(self.port.text())
        port = int(port_text) if _PORT.fullmatch(port_text) else -1
        settings = MailSettings(
            host=trimmed(self.host.text()), port=port,
            security=self.security.currentData(), username=trimmed(self.username.text()),
            sender=trimmed(self.sender_address.text()),
            sender_name=trimmed(self.sender_name.text()),
            timeout_seconds=self.timeout_seconds.value())
        problems = mail_settings_problems(settings)
        if port == -1:
            problems["port"] = (self.tr("Port is required: a number from 1 to 65535.")
                                if not port_text else
                                self.tr("Port must be a whole number from 1 to 65535, not "
                                        "'{text}'.").format(text=port_text))
        password = self.password.text()
        if password and (problem := password_problem(password)):
            problems["password"] = problem
        return settings, problems

    # --- actions ---------------------------------------------------------------------------
    @Slot(int)
    def on_security_chosen(self, _index: int) -> None:
        """The port follows the security when it was the usual one for the previous choice."""
        chosen = self.security.currentData()
        if trimmed(self.port.text()) == str(DEFAULT_PORTS[self._security_before]):
            self.port.setText(str(DEFAULT_PORTS[chosen]))
        self._security_before = chosen

    @Slot()
    def on_save(self) -> None:
        settings, problems = self.read_settings()
        if problems:
            self._refuse(problems, self.tr("Not saved"))
            return
        self.show_errors({})
        try:
            changes = save_mail_settings(settings, self._user, self.password.text() or None)
        except MailSettingsError as exc:
            self._refuse(exc.problems, self.tr("Not saved"))
            return
        except RolePermissionError as exc:
            self._say(self.tr("Not saved: ") + str(exc), error=True)
            return
        except KeyringUnavailableError as exc:
            if load_mail_settings() != settings:
                self._say(self.tr("Not saved: ") + str(exc), error=True)
                return
            self._dialogs.error(self, self.tr("Password not stored"), self.tr(
                "The settings were saved, but the password was not stored: ") + str(exc))
            changes = []
        self._loaded = settings
        self.saved.emit(changes)
        self.accept()

    @Slot()
    def on_forget_password(self) -> None:
        if self._loaded is None:
            return
        try:
            forgotten = forget_smtp_password(self._loaded, self._user)
        except (KeyringUnavailableError, RolePermissionError) as exc:
            self._say(self.tr("Not removed: ") + str(exc), error=True)
            return
        self._show_password_state()
        self._say(self.tr("The stored password was removed from this computer's keyring.")
                  if forgotten else self.tr("No password was stored."))

    def _test_body(self, settings: MailSettings) -> str:
        return self.tr(
            "This is a test email from Incident Desk, sent by {user} to check the email "
            "settings: server {host} port {port}, security {security}, from {sender}.\n\n"
            "If you can read it, stakeholder updates can be sent.").format(
            user=self._user.display_name, host=settings.host, port=settings.port,
            security=vocabulary(SECURITY_LABELS[settings.security]), sender=settings.sender)

    @Slot()
    def on_send_test(self) -> None:
        if self.job is not None and not self.job.done:
            return
        settings, problems = self.read_settings()
        if problems:
            self._refuse(problems, self.tr("Not sent"))
            self._say_test(self.tr("Not sent: correct the settings marked first."),
                           error=True)
            return
        self.show_errors({})
        self._say("")
        to = trimmed(self.test_recipient.text())
        problem = address_problem(self.tr("Send to"), to)
        if problem:
            self._say_test(self.tr("Not sent: ") + problem, error=True)
            self.test_recipient.setFocus()
            return
        password = self.password.text() if self.password.isEnabled() else ""
        if not password:
            password = ask_smtp_password(self, settings, self._dialogs)
            if password is None:
                self._say_test(self.tr("Not sent: no password was given."), error=True)
                return
        self.test_button.setEnabled(False)
        self._say_test(self.tr("Sending to {to} through {host}…").format(
            to=to, host=settings.host))
        self.job = start_send(settings, password or None, to,
                              self.tr("Incident Desk test email"), self._test_body(settings),
                              self)
        self.job.sent.connect(self.on_test_sent)
        self.job.failed.connect(self.on_test_failed)

    @Slot(str)
    def on_test_sent(self, _message_id: str) -> None:
        self.test_button.setEnabled(True)
        self._say_test(self.tr("Sent to {to} at {time}.").format(
            to=self.job.to, time=to_local(now_utc()).strftime("%H:%M:%S")))

    @Slot(str)
    def on_test_failed(self, message: str) -> None:
        self.test_button.setEnabled(True)
        self._say_test(message, error=True)
