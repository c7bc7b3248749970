"""The password of a PostgreSQL database, asked for when opening it needs one: which server
and user it is for, why it is asked (none stored, or the one tried was refused), and
whether to remember it in the system keyring (stored only once the server accepted it)."""

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
from app.models.db import PostgresTarget
from app.models.secrets import keyring_available
from app.views.theme import note_style, set_tone

NOTE_STYLE = note_style("amber", "border: 1px solid #ffe082; padding: 6px;")


def _plain(name: str, text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)  # a URL or a server's message, as it is
    label.setWordWrap(True)
    return label


class DatabasePasswordDialog(QDialog):
    """Asks the password of ``target``'s user; ``answer()`` once accepted."""

    def __init__(self, target: PostgresTarget, problem: str, parent: QWidget | None = None,
                 keyring_works: bool | None = None):
        super().__init__(parent)
        self.target = target
        self.keyring_works = keyring_available() if keyring_works is None else keyring_works
        self.setObjectName("databasePasswordDialog")
        self.setWindowTitle(self.tr("Database password — {app}").format(app=APP_NAME))
        intro = _plain("passwordIntro", self.tr(
            "Incident Desk needs the password of the user {user} to open this PostgreSQL "
            "database.").format(user=target.user or self.tr("(default)")))
        self.problem = _plain("passwordProblem", problem)
        set_tone(self.problem, "error")
        self.problem.setVisible(bool(problem))

        self.password = QLineEdit()
        self.password.setObjectName("databasePassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password of {user} on {server}").format(
            user=target.user or self.tr("(default)"), server=target.server))
        self.password_error = _plain("databasePasswordError")
        set_tone(self.password_error, "error")
        self.password_error.hide()
        self.remember = QCheckBox(self.tr("&Remember in the system keyring"))
        self.remember.setObjectName("rememberDatabasePassword")
        self.remember.setAccessibleName(self.tr("Remember in the system keyring"))
        self.keyring_note = _plain("keyringNote", self.tr(
            "This computer has no system keyring service, so the password cannot be stored: "
            "Incident Desk asks for it at each start."))
        self.keyring_note.setStyleSheet(NOTE_STYLE)
        if self.keyring_works:
            self.remember.setChecked(True)
            self.remember.setToolTip(self.tr(
                "Kept in this computer's keyring once the server accepts it, for this "
                "database and user only"))
            self.keyring_note.hide()
        else:
            self.remember.setEnabled(False)
            self.remember.setToolTip(self.keyring_note.text())

        form = QFormLayout()
        label = QLabel(self.tr("&Password:"))
        label.setBuddy(self.password)
        form.addRow(self.tr("Server:"), _plain("passwordServer", target.server))
        form.addRow(self.tr("User:"), _plain("passwordUser", target.user or ""))
        form.addRow(self.tr("Database:"), _plain("passwordDatabase", target.dbname))
        form.addRow(label, self.password)
        form.addRow("", self.password_error)
        form.addRow("", self.remember)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Connect"))
        self.buttons.accepted.connect(self.on_connect)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.problem)
        layout.addLayout(form)
        layout.addWidget(self.keyring_note)
        layout.addWidget(self.buttons)
        self.resize(480, 0)
        self._fit_height()
        self.password.setFocus()

    def _fit_height(self) -> None:
        """Tall enough for every line shown: wrapped labels make the height depend on the
        width, which the window's minimum size does not follow."""
        layout = self.layout()
        layout.activate()
        needed = (layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth()
                  else layout.totalSizeHint().height())
        if self.height() < needed:
            self.resize(self.width(), needed)

    @Slot()
    def on_connect(self) -> None:
        if not self.password.text():
            self.password_error.setText(self.tr("Password is required: type the password of "
                                                "the user {user}.").format(
                user=self.target.user or self.tr("(default)")))
            self.password_error.show()
            self._fit_height()
            self.password.setFocus()
            return
        self.accept()

    def answer(self) -> tuple[str, bool]:
        """The password typed, and whether to remember it once the server accepts it."""
        return self.password.text(), self.remember.isEnabled() and self.remember.isChecked()
