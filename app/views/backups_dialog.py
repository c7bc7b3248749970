"""The backups screen: the automatic backups listed, a backup taken now, a backup restored
over the open database, and how many days backups are kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.models.backup import (
    MAX_KEEP_DAYS,
    MIN_KEEP_DAYS,
    BackupError,
    KeepDaysError,
    aside_path,
    automatic_backups,
    backup_folder,
    backup_now,
    check_backup,
    keep_days,
    keep_days_changes,
    restore_open_database,
    set_keep_days,
    taken_at,
)
from app.models.clock import format_local, now_utc
from app.models.db import PostgresTarget
from app.models.entities import User
from app.models.permissions import Permission, RolePermissionError, can, check_permission
from app.views.dialogs import Dialogs
from app.views.text import tr
from app.views.theme import set_tone
from app.views.widgets import action_button

# (parent, folder to start in) -> the file chosen, or None
FileChooser = Callable[[QWidget, Path], Path | None]


def ask_backup_file(parent: QWidget, folder: Path) -> Path | None:
    """The file picker for "Restore from file…" (tests give the dialog their own chooser)."""
    name, _ = QFileDialog.getOpenFileName(
        parent, tr("BackupsDialog", "Restore from file"), str(folder),
        tr("BackupsDialog", "Incident Desk backups (*.sqlite *.db);;All files (*)"))
    return Path(name) if name else None


def size_text(size: int) -> str:
    """A file size as people read it: ``812 KB``, ``1.4 MB``."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    if size < 1024 ** 3:
        return f"{size / 1024 ** 2:.1f} MB"
    return f"{size / 1024 ** 3:.2f} GB"


def _stamp_text(when: datetime) -> str:
    return when.strftime("%d/%m/%Y %H:%M:%S")


class BackupsDialog(QDialog):
    """Back up, restore (with the permission) and set how long backups are kept."""

    restored = Signal(object)  # a Restored: the open database was replaced by a backup

    def __init__(self, database_path: Path | PostgresTarget, user: User, dialogs: Dialogs,
                 parent: QWidget | None = None, choose_file: FileChooser = ask_backup_file):
        super().__init__(parent)
        self._database_path = database_path
        self._user = user
        self._dialogs = dialogs
        self.choose_file = choose_file
        self.setObjectName("backupsDialog")
        self.setWindowTitle(self.tr("Backups"))

        self.on_server = isinstance(database_path, PostgresTarget)
        folder = QLabel(self.tr(
            "This database is kept on the PostgreSQL server {server}: the server's "
            "administrator backs it up and restores it (with pg_dump and pg_restore). "
            "Incident Desk takes no file backups of it.").format(server=database_path.server)
            if self.on_server else self.tr(
            "Backups are written to {folder}, checked after writing, one a day at "
            "least.").format(folder=backup_folder(database_path)))
        folder.setObjectName("backupsWhere")
        folder.setTextFormat(Qt.TextFormat.PlainText)
        folder.setWordWrap(True)
        folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("backupList")
        self.table.setAccessibleName(self.tr("Automatic backups"))
        self.table.setHorizontalHeaderLabels([self.tr("Taken at"), self.tr("Size")])
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.itemSelectionChanged.connect(self.on_selection_changed)
        self.table.doubleClicked.connect(self.on_restore)

        self.back_up_button = action_button(
            self.tr("Back &up now"), "backUpNow", self.on_back_up_now,
            self.tr("Write a checked backup of the database now"))
        self.restore_button = action_button(self.tr("&Restore…"), "restoreBackup", self.on_restore)
        self.restore_file_button = action_button(
            self.tr("Restore from &file…"), "restoreFromFile", self.on_restore_from_file)
        actions = QHBoxLayout()
        actions.addWidget(self.back_up_button)
        actions.addStretch(1)
        actions.addWidget(self.restore_button)
        actions.addWidget(self.restore_file_button)

        self.keep_days = QSpinBox()
        self.keep_days.setObjectName("keepDays")
        self.keep_days.setRange(MIN_KEEP_DAYS, MAX_KEEP_DAYS)
        self.keep_days.setSuffix(self.tr(" days"))
        self.keep_days.setAccessibleName(self.tr("Keep backups for, in days"))
        self.keep_days.setValue(keep_days())
        self.save_keep_button = action_button(
            self.tr("&Save"), "saveKeepDays", self.on_save_keep_days)
        keep_label = QLabel(self.tr("&Keep backups for"))
        keep_label.setBuddy(self.keep_days)
        keeping = QHBoxLayout()
        keeping.addWidget(keep_label)
        keeping.addWidget(self.keep_days)
        keeping.addWidget(self.save_keep_button)
        keeping.addStretch(1)
        self.keep_history = QLabel()
        self.keep_history.setObjectName("keepDaysHistory")
        self.keep_history.setTextFormat(Qt.TextFormat.PlainText)
        self.keep_history.setWordWrap(True)
        keep_box = QGroupBox(self.tr("Automatic backups"))
        keep_layout = QVBoxLayout(keep_box)
        keep_layout.addLayout(keeping)
        keep_layout.addWidget(QLabel(self.tr("Older ones are removed at the next hourly "
                                             "check; the newest is always kept.")))
        keep_layout.addWidget(self.keep_history)

        self.note = QLabel()
        self.note.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("backupsMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        # Enter in the days box must not close the screen with the days unsaved
        buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)

        layout = QVBoxLayout(self)
        layout.addWidget(folder)
        layout.addWidget(self.table)
        layout.addLayout(actions)
        layout.addWidget(keep_box)
        layout.addWidget(self.note)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

        self.may_manage = can(user, Permission.MANAGE_BACKUPS)
        if self.may_manage:
            self.restore_button.setToolTip(self.tr("Replace the database with the selected "
                                                   "backup"))
            self.restore_file_button.setToolTip(self.tr("Replace the database with a backup "
                                                        "file chosen from a folder"))
        else:
            who = self.tr("Only a team leader or an administrator can restore a backup or "
                          "change how long backups are kept.")
            self.note.setText(who + " " + self.tr("You can back up now."))
            for widget in (self.restore_button, self.restore_file_button, self.keep_days,
                           self.save_keep_button):
                widget.setEnabled(False)
                widget.setToolTip(who)
        self.note.setVisible(not self.may_manage)
        if self.on_server:  # nothing here applies to a server's database
            for widget in (self.table, self.back_up_button, self.restore_button,
                           self.restore_file_button, keep_box, self.note):
                widget.hide()
        self.list_backups()
        self._show_keep_history()
        self.resize(620, 180 if self.on_server else 520)

    # --- showing ---------------------------------------------------------------------------
    def list_backups(self, select: Path | None = None) -> None:
        """The automatic backups, newest first; ``select`` (or the newest) selected."""
        self.table.setRowCount(0)
        for taken, path in automatic_backups(self._database_path):
            row = self.table.rowCount()
            self.table.insertRow(row)
            when = QTableWidgetItem(_stamp_text(taken))
            when.setData(Qt.ItemDataRole.UserRole, str(path))
            when.setToolTip(str(path))
            try:
                size = size_text(path.stat().st_size)
            except OSError:  # removed since it was listed
                size = ""
            size_item = QTableWidgetItem(size)
            size_item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                       | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 0, when)
            self.table.setItem(row, 1, size_item)
            if select is not None and path == select:
                self.table.selectRow(row)
        if select is None and self.table.rowCount():
            self.table.selectRow(0)
        self.on_selection_changed()

    def _show_keep_history(self) -> None:
        changes = keep_days_changes(limit=1)
        if changes:
            last = changes[0]
            self.keep_history.setText(self.tr("Last change: {summary}, by {who} on {when}.")
                                      .format(summary=last.summary,
                                              who=last.user,
                                              when=format_local(last.at)))
        self.keep_history.setVisible(bool(changes))

    def _say(self, text: str, error: bool = False) -> None:
        set_tone(self.message, "error" if error else None, bold=error)
        self.message.setText(text)
        self.message.show()

    def selected_backup(self) -> Path | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return Path(self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole))

    def _describe(self, backup: Path) -> str:
        """"the backup of 24/11/2026 at 12:00:00", or the file's name when it has no time."""
        taken = taken_at(backup)
        if taken is not None:
            return self.tr("the backup of {when}").format(
                when=taken.strftime("%d/%m/%Y at %H:%M:%S"))
        try:
            changed = datetime.fromtimestamp(backup.stat().st_mtime).astimezone()
        except OSError:
            return self.tr("the backup {name}").format(name=backup)
        return self.tr("the backup {name} (last changed {when})").format(
            name=backup, when=format_local(changed, with_seconds=True))

    # --- actions ---------------------------------------------------------------------------
    @Slot()
    def on_selection_changed(self) -> None:
        self.restore_button.setEnabled(self.may_manage and self.selected_backup() is not None)

    @Slot()
    def on_back_up_now(self) -> None:
        try:
            written = backup_now(self._database_path)
        except BackupError as error:
            self._say(str(error), error=True)
            return
        self.list_backups(select=written)
        self._say(self.tr("Backed up and checked: {path}").format(path=written))

    @Slot()
    def on_restore(self) -> None:
        backup = self.selected_backup()
        if backup is not None and self.may_manage:
            self.restore(backup)

    @Slot()
    def on_restore_from_file(self) -> None:
        backup = self.choose_file(self, backup_folder(self._database_path))
        if backup is not None:
            self.restore(backup)

    def restore(self, backup: Path) -> bool:
        """Check ``backup``, ask, and restore it over the open database; True if done."""
        try:  # refused before asking
            check_permission(self._user, Permission.MANAGE_BACKUPS)
            check_backup(backup)
        except (BackupError, RolePermissionError) as error:
            self._say(self.tr("Not restored: ") + str(error), error=True)
            return False
        now = now_utc()
        described = self._describe(backup)
        question = self.tr(
            "The database {database} will be replaced by {backup}.\n\n"
            "Anything recorded after that backup was taken will no longer be in the live "
            "database. The current database is kept aside, whole, at {aside}.\n\n"
            "Restore it?").format(database=self._database_path, backup=described,
                                  aside=aside_path(self._database_path, now))
        if not self._dialogs.confirm(self, self.tr("Restore this backup?"), question):
            return False
        try:
            restored = restore_open_database(self._database_path, backup, self._user, now)
        except (BackupError, RolePermissionError) as error:
            self._say(self.tr("Not restored: ") + str(error), error=True)
            return False
        self._user = restored.user
        self.list_backups()
        self._say(self.tr("Restored {backup}. The database replaced is kept at {aside}.")
                  .format(backup=described, aside=restored.aside))
        self.restored.emit(restored)
        return True

    @Slot()
    def on_save_keep_days(self) -> None:
        days = self.keep_days.value()
        try:
            change = set_keep_days(days, self._user)
        except (KeepDaysError, RolePermissionError) as error:
            self._say(self.tr("Not saved: ") + str(error), error=True)
            return
        self._show_keep_history()
        self._say(self.tr("Saved: automatic backups are kept for {days} days.").format(
            days=days) if change else self.tr("Unchanged: backups were kept for {days} "
                                              "days already.").format(days=days))
