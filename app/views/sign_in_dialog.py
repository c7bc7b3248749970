"""The sign-in dialog, shown before the main window when passwords are required."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.models.entities import User
from app.models.secrets import KeyringUnavailableError, keyring_available
from app.models.sign_in import REMEMBER_DAYS, SignInAttempts, SignInError, remember, sign_in
from app.models.users import current_username
from app.views.dialogs import Dialogs
from app.views.theme import set_tone


class SignInDialog(QDialog):
    """Username (the computer's user to start with), password and "remember me"; accepted
    once they sign somebody in, who is then ``user``."""

    def __init__(self, place: str, dialogs: Dialogs, parent: QWidget | None = None):
        super().__init__(parent)
        self.place = place
        self.dialogs = dialogs
        self.user: User | None = None
        self.attempts = SignInAttempts()
        self.setWindowTitle(self.tr("Sign in to %1").replace("%1", APP_NAME))

        self.username = QLineEdit(current_username())
        self.username.setAccessibleName(self.tr("Username"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password"))
        self.remember = QCheckBox(self.tr("&Remember me on this computer"))
        self.remember.setAccessibleName(self.tr("Remember me on this computer"))
        self.remember.setToolTip(self.tr("For %n day(s), kept in this computer's keyring",
                                         "", REMEMBER_DAYS))
        self.keyring_note = QLabel()
        self.keyring_note.setObjectName("keyringNote")
        self.keyring_note.setWordWrap(True)
        set_tone(self.keyring_note, "muted")
        if not keyring_available():
            self.remember.setEnabled(False)
            self.keyring_note.setText(self.tr(
                "Remember me is unavailable on this computer: it has no system keyring "
                "service to keep the sign-in in safely. Your password will be asked for "
                "each time."))
        self.keyring_note.setVisible(bool(self.keyring_note.text()))
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        set_tone(self.message, "error", bold=True)

        form = QFormLayout()
        form.addRow(self.tr("&Username:"), self.username)
        form.addRow(self.tr("&Password:"), self.password)
        form.addRow(self.remember)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.sign_in_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in_button.setText(self.tr("&Sign in"))
        buttons.accepted.connect(self.on_sign_in)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("This database requires a password to sign in.")))
        layout.addLayout(form)
        layout.addWidget(self.keyring_note)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        (self.password if self.username.text() else self.username).setFocus()

    @Slot()
    def on_sign_in(self) -> None:
        try:
            user = sign_in(self.username.text(), self.password.text(), self.attempts)
        except SignInError as exc:
            self.message.setText(self.tr(str(exc)))
            self.password.clear()
            self.password.setFocus()
            return
        if self.remember.isChecked():
            try:
                remember(user, self.place)
            except KeyringUnavailableError as exc:  # signed in all the same
                self.dialogs.error(self, self.windowTitle(), str(exc))
        self.user = user
        self.accept()
