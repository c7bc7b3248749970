"""The teams screen: the organisation's teams, and which team each colleague works in."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.models.entities import User
from app.models.permissions import Permission, Role, RolePermissionError, can
from app.models.teams import create_team, remove_team, rename_team, set_user_team, teams
from app.models.text_rules import FieldProblemsError
from app.views.dialogs import Dialogs
from app.views.text import vocabulary
from app.views.theme import set_tone
from app.views.widgets import action_button


class TeamsDialog(QDialog):
    """Teams added, renamed and removed, and colleagues put in them (team leaders and
    administrators); everyone else sees them read-only."""

    changed = Signal()

    def __init__(self, user: User, dialogs: Dialogs, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.dialogs = dialogs
        self.editable = can(user, Permission.MANAGE_TEAMS)
        self.setWindowTitle(self.tr("Teams"))
        self.resize(720, 460)

        self.team_list = QListWidget()
        self.team_list.setAccessibleName(self.tr("Teams"))
        self.team_list.currentItemChanged.connect(self.on_team_chosen)
        self.name = QLineEdit()
        self.name.setAccessibleName(self.tr("Team name"))
        self.name.setPlaceholderText(self.tr("Team name"))
        self.name.setMaxLength(80)
        self.add_button = action_button(self.tr("&Add"), "add_team", self.on_add)
        self.rename_button = action_button(self.tr("Re&name"), "rename_team", self.on_rename)
        self.remove_button = action_button(self.tr("&Remove"), "remove_team", self.on_remove)
        self.message = QLabel()
        set_tone(self.message, "error", bold=True)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        team_box = QGroupBox(self.tr("Teams"))
        team_layout = QVBoxLayout(team_box)
        team_layout.addWidget(self.team_list)
        team_layout.addWidget(self.name)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.rename_button, self.remove_button):
            buttons.addWidget(button)
        team_layout.addLayout(buttons)

        self.members = QTableWidget(0, 3)
        self.members.setObjectName("members")
        self.members.setAccessibleName(self.tr("Colleagues and their teams"))
        self.members.setHorizontalHeaderLabels(
            [self.tr("Colleague"), self.tr("Role"), self.tr("Team")])
        self.members.verticalHeader().hide()
        self.members.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.members.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.members.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(2, 180)
        member_box = QGroupBox(self.tr("Who works in which team"))
        QVBoxLayout(member_box).addWidget(self.members)

        columns = QHBoxLayout()
        columns.addWidget(team_box, 2)
        columns.addWidget(member_box, 3)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if not self.editable:
            note = QLabel(self.tr("Only team leaders and administrators can change teams."))
            note.setObjectName("read_only_note")
            layout.addWidget(note)
        layout.addLayout(columns)
        layout.addWidget(self.message)
        layout.addWidget(close)
        for widget in (self.name, self.add_button, self.rename_button, self.remove_button):
            widget.setEnabled(self.editable)
        self.reload()

    def reload(self, select: int | None = None) -> None:
        rows = self._fill_teams(select)
        users = list(User.select().where(User.active).order_by(User.display_name))
        self.members.setRowCount(len(users))
        for row, colleague in enumerate(users):
            self.members.setItem(row, 0, QTableWidgetItem(colleague.display_name))
            self.members.setItem(row, 1, QTableWidgetItem(vocabulary(Role(colleague.role).label)))
            combo = QComboBox()
            combo.setAccessibleName(self.tr("Team of %1").replace("%1", colleague.display_name))
            combo.addItem(self.tr("No team"), None)
            for team in rows:
                combo.addItem(team.name, team.id)
            combo.setCurrentIndex(max(0, combo.findData(colleague.team_id)))
            combo.setEnabled(self.editable)
            combo.currentIndexChanged.connect(
                lambda _i, c=combo, uid=colleague.id: self.on_member_team(uid, c.currentData()))
            self.members.setCellWidget(row, 2, combo)

    def _fill_teams(self, select: int | None) -> list:
        rows = teams()
        self.team_list.clear()
        for row in rows:
            item = QListWidgetItem(self.tr("%1 (%2)").replace("%1", row.name)
                                   .replace("%2", str(row.members)))
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.team_list.addItem(item)
            if row.id == select:
                self.team_list.setCurrentItem(item)
        return rows

    def _chosen_team(self) -> int | None:
        item = self.team_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _attempt(self, work) -> bool:
        try:
            work()
        except (FieldProblemsError, RolePermissionError) as exc:
            self.message.setText(str(exc))
            return False
        self.message.clear()
        self.changed.emit()
        return True

    @Slot()
    def on_team_chosen(self, current: QListWidgetItem | None, _previous=None) -> None:
        if current is not None:
            self.name.setText(current.text().rsplit(" (", 1)[0])

    @Slot()
    def on_add(self) -> None:
        created: list = []
        if self._attempt(lambda: created.append(create_team(self.name.text(), self.user))):
            self.reload(select=created[0].id)

    @Slot()
    def on_rename(self) -> None:
        team_id = self._chosen_team()
        if team_id is None:
            self.message.setText(self.tr("Choose the team to rename in the list."))
            return
        if self._attempt(lambda: rename_team(team_id, self.name.text(), self.user)):
            self.reload(select=team_id)

    @Slot()
    def on_remove(self) -> None:
        item = self.team_list.currentItem()
        if item is None:
            self.message.setText(self.tr("Choose the team to remove in the list."))
            return
        name = item.text().rsplit(" (", 1)[0]
        if not self.dialogs.confirm(self, self.tr("Remove team"),
                                    self.tr("Remove the team %1? Its members are left in no "
                                            "team; their incidents are not changed.")
                                    .replace("%1", name)):
            return
        if self._attempt(lambda: remove_team(item.data(Qt.ItemDataRole.UserRole), self.user)):
            self.name.clear()
            self.reload()

    def on_member_team(self, user_id: int, team_id: int | None) -> None:
        # the member table stays as it is (this combo is in it); the counts change
        if self._attempt(lambda: set_user_team(user_id, team_id, self.user)):
            self._fill_teams(select=self._chosen_team())
