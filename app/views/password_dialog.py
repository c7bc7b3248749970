"""Change my password: the signed-in user's own, the current one asked first."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.models.accounts import PASSWORD_RULE, change_own_password
from app.models.entities import User
from app.models.text_rules import FieldProblemsError
from app.views.dialogs import Dialogs
from app.views.form_errors import FieldErrors, plain_label
from app.views.text import vocabulary


def _password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    return field


class ChangePasswordDialog(QDialog):
    """The current password (when there is one), the new one twice; each problem beside
    its field, nothing changed until all is right."""

    def __init__(self, user: User, dialogs: Dialogs, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.dialogs = dialogs
        self.setWindowTitle(self.tr("Change my password"))
        self.has_password = bool(User.get_by_id(user.id).password_hash)
        self.current = _password_field(self.tr("Current password"))
        self.password = _password_field(self.tr("New password"))
        self.repeated = _password_field(self.tr("New password again"))
        # the model's rule, as its refusal says it
        self.rule = plain_label(vocabulary(PASSWORD_RULE))
        form = QFormLayout()
        self.errors = FieldErrors(form)
        if self.has_password:
            self.errors.add_row(self.tr("&Current password:"), self.current, "current")
        self.errors.add_row(self.tr("&New password:"), self.password, "password")
        self.errors.add_row(self.tr("New password &again:"), self.repeated, "repeated")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("&Change password"))
        buttons.accepted.connect(self.on_change)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(self.tr("{0} ({1})").format(user.display_name,
                                                                  user.username)))
        layout.addLayout(form)
        layout.addWidget(self.rule)
        layout.addWidget(buttons)

    @Slot()
    def on_change(self) -> None:
        try:
            change_own_password(self.user, self.current.text(), self.password.text(),
                                self.repeated.text())
        except FieldProblemsError as exc:
            self.errors.show(exc.problems)
            for field in (self.current, self.password, self.repeated):
                field.clear()
            return
        self.errors.clear()
        self.dialogs.inform(self, self.tr("Change my password"),
                            self.tr("Your password is changed."))
        self.accept()
