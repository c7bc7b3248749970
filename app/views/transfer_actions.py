"""The window's File › Import incidents… and Export incidents… actions: who may, and the
dialogs that do them. ``incidents_changed`` follows an import (the log is read again)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QWidget

from app.models.clock import now_utc
from app.models.entities import User
from app.models.permissions import Permission, RolePermissionError, check_permission
from app.views.dialogs import Dialogs
from app.views.widgets import make_action

if TYPE_CHECKING:
    from app.views.export_dialog import ExportDialog
    from app.views.import_dialog import ImportDialog


class TransferActions(QObject):
    """Import incidents… (team leaders and administrators) and Export incidents… (who may
    export the callers' personal data); anyone else is told why."""

    incidents_changed = Signal()
    status = Signal(str)  # a line for the status bar

    def __init__(self, window: QWidget, user: User, dialogs: Dialogs):
        super().__init__(window)
        self._window = window
        self._user = user
        self._dialogs = dialogs
        self.shown: QWidget | None = None  # the last dialog opened (tests read it)
        self.import_action = make_action(
            window, self.tr("&Import incidents…"), "Ctrl+Shift+T", self.open_import,
            self.tr("Bring incidents in from a CSV file or an Excel workbook"))
        self.export_action = make_action(
            window, self.tr("E&xport incidents…"), "Ctrl+Shift+X", self.open_export,
            self.tr("Write incidents to a CSV file or an Excel workbook"))

    def _allowed(self, permission: Permission, title: str) -> bool:
        try:
            check_permission(self._user, permission)
        except RolePermissionError as exc:
            self._dialogs.inform(self._window, title, str(exc))
            return False
        return True

    def _open(self, dialog: QWidget) -> QWidget:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.shown = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    @Slot()
    def open_import(self) -> ImportDialog | None:
        """The import dialog, with the file picker open at once; None when not allowed."""
        from app.views.import_dialog import ImportDialog

        if not self._allowed(Permission.IMPORT_INCIDENTS, self.tr("Import incidents")):
            return None
        dialog = ImportDialog(self._user, self._dialogs, self._window)
        dialog.imported.connect(self.on_imported)
        self._open(dialog)
        dialog.choose_file()
        return dialog

    @Slot(object)
    def on_imported(self, result) -> None:
        self.incidents_changed.emit()
        self.status.emit(result.text())

    @Slot()
    def open_export(self) -> ExportDialog | None:
        """The export dialog; None when not allowed."""
        from app.views.export_dialog import ExportDialog

        if not self._allowed(Permission.EXPORT_PERSONAL_DATA, self.tr("Export incidents")):
            return None
        dialog = ExportDialog(self._user, self._dialogs, now_utc().astimezone().date(),
                              self._window)
        dialog.exported.connect(lambda count, path: self.status.emit(
            self.tr("Wrote {count:,} incidents to {path}").format(count=count, path=path)))
        return self._open(dialog)
