"""The users screen: who may sign in, with which role, and whether passwords are required."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.models.accounts import (
    PASSWORD_RULE,
    add_user,
    change_role,
    passwords_required,
    set_active,
    set_password,
    set_passwords_required,
    users,
)
from app.models.entities import User
from app.models.permissions import Permission, Role, RolePermissionError, can
from app.models.text_rules import FieldProblemsError
from app.views.dialogs import Dialogs
from app.views.text import vocabulary
from app.views.theme import set_tone
from app.views.widgets import action_button


class UsersDialog(QDialog):
    """Users added, given roles, deactivated and reactivated, given passwords
    (administrators only; the menu hides it from everyone else)."""

    changed = Signal()

    def __init__(self, user: User, dialogs: Dialogs, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.dialogs = dialogs
        self.editable = can(user, Permission.MANAGE_USERS)
        self.setWindowTitle(self.tr("Users"))
        self.resize(820, 520)

        self.table = QTableWidget(0, 6)
        self.table.setObjectName("users")
        self.table.setAccessibleName(self.tr("Users"))
        self.table.setHorizontalHeaderLabels([
            self.tr("Username"), self.tr("Name"), self.tr("Role"), self.tr("Team"),
            self.tr("Active"), self.tr("Password")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self.on_selection)

        self.require = QCheckBox(self.tr("Require a password to sign in"))
        self.require.setAccessibleName(self.tr("Require a password to sign in"))
        self.require.setChecked(passwords_required())
        self.require.toggled.connect(self.on_require)

        self.username = QLineEdit()
        self.username.setAccessibleName(self.tr("New user's username"))
        self.username.setMaxLength(64)
        self.display_name = QLineEdit()
        self.display_name.setAccessibleName(self.tr("New user's display name"))
        self.display_name.setMaxLength(100)
        self.new_role = self._role_box(self.tr("New user's role"))
        self.add_button = action_button(self.tr("&Add user"), "add_user", self.on_add)
        add_box = QGroupBox(self.tr("Add a user"))
        add_form = QFormLayout(add_box)
        add_form.addRow(self.tr("&Username:"), self.username)
        add_form.addRow(self.tr("&Display name:"), self.display_name)
        add_form.addRow(self.tr("R&ole:"), self.new_role)
        add_form.addRow(self.add_button)

        self.role = self._role_box(self.tr("Role of the chosen user"))
        self.role_button = action_button(self.tr("&Change role"), "change_role",
                                         self.on_change_role)
        self.active_button = action_button(self.tr("&Deactivate"), "toggle_active",
                                           self.on_toggle_active)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("New password"))
        self.repeated = QLineEdit()
        self.repeated.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeated.setAccessibleName(self.tr("New password again"))
        self.password_button = action_button(self.tr("Set &password"), "set_password",
                                             self.on_set_password)
        chosen_box = QGroupBox(self.tr("The chosen user"))
        chosen_form = QFormLayout(chosen_box)
        role_row = QHBoxLayout()
        role_row.addWidget(self.role)
        role_row.addWidget(self.role_button)
        chosen_form.addRow(self.tr("Role:"), role_row)
        chosen_form.addRow(self.active_button)
        chosen_form.addRow(self.tr("New pass&word:"), self.password)
        chosen_form.addRow(self.tr("&Again:"), self.repeated)
        rule = QLabel(vocabulary(PASSWORD_RULE))
        rule.setWordWrap(True)
        chosen_form.addRow(rule)
        chosen_form.addRow(self.password_button)

        self.message = QLabel()
        self.message.setObjectName("message")
        set_tone(self.message, "error", bold=True)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        forms = QHBoxLayout()
        forms.addWidget(add_box)
        forms.addWidget(chosen_box)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.require)
        layout.addWidget(self.table)
        layout.addLayout(forms)
        layout.addWidget(self.message)
        layout.addWidget(close)
        for widget in (self.require, add_box, chosen_box):
            widget.setEnabled(self.editable)
        self.reload()

    def _role_box(self, name: str) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(name)
        for role in Role:
            box.addItem(vocabulary(role.label), role.value)
        return box

    def reload(self, select: int | None = None) -> None:
        select = select if select is not None else self.chosen_id()
        rows = users()
        self.table.setRowCount(len(rows))
        for n, row in enumerate(rows):
            cells = [row.username, row.display_name, vocabulary(row.role.label), row.team,
                     self.tr("Yes") if row.active else self.tr("No"),
                     self.tr("Set") if row.has_password else self.tr("None")]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.id)
                self.table.setItem(n, column, item)
            if row.id == select:
                self.table.selectRow(n)
        self.on_selection()

    def chosen_id(self) -> int | None:
        items = self.table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def _attempt(self, work, clear: tuple[QLineEdit, ...] = ()) -> bool:
        try:
            work()
        except (FieldProblemsError, RolePermissionError) as exc:
            self.message.setText(str(exc))
            return False
        self.message.clear()
        for field in clear:
            field.clear()
        self.changed.emit()
        return True

    @Slot()
    def on_selection(self) -> None:
        chosen = self.chosen_id()
        for widget in (self.role, self.role_button, self.active_button, self.password,
                       self.repeated, self.password_button):
            widget.setEnabled(chosen is not None)
        if chosen is None:
            return
        user = User.get_by_id(chosen)
        self.role.setCurrentIndex(max(0, self.role.findData(user.role)))
        self.active_button.setText(self.tr("&Deactivate") if user.active
                                   else self.tr("Re&activate"))

    @Slot()
    def on_add(self) -> None:
        def work():
            added = add_user(self.username.text(), self.display_name.text(),
                             self.new_role.currentData(), self.user)
            self.reload(added.id)
        self._attempt(work, (self.username, self.display_name))

    @Slot()
    def on_change_role(self) -> None:
        chosen = self.chosen_id()
        if chosen is not None and self._attempt(
                lambda: change_role(chosen, self.role.currentData(), self.user)):
            self.reload(chosen)

    @Slot()
    def on_toggle_active(self) -> None:
        chosen = self.chosen_id()
        if chosen is None:
            return
        active = not User.get_by_id(chosen).active
        if self._attempt(lambda: set_active(chosen, active, self.user)):
            self.reload(chosen)

    @Slot()
    def on_set_password(self) -> None:
        chosen = self.chosen_id()
        if chosen is not None and self._attempt(
                lambda: set_password(chosen, self.password.text(), self.repeated.text(),
                                     self.user), (self.password, self.repeated)):
            self.reload(chosen)
            self.dialogs.inform(self, self.tr("Users"), self.tr("The password is set."))

    @Slot(bool)
    def on_require(self, required: bool) -> None:
        if not self._attempt(lambda: set_passwords_required(required, self.user)):
            self.require.blockSignals(True)
            self.require.setChecked(passwords_required())
            self.require.blockSignals(False)
