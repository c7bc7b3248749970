"""The dashboard's tables: the callers who called most in the period."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.models.dashboard_stats import RepeatCaller

Index = QModelIndex | QPersistentModelIndex
KEY_ROLE = Qt.ItemDataRole.UserRole + 1  # the caller's key, for the log's filter


class RepeatCallersModel(QAbstractTableModel):
    """Caller, phone (masked) and incidents of each repeat caller, most first."""

    CALLER, PHONE, INCIDENTS = range(3)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._callers: tuple[RepeatCaller, ...] = ()
        self._headers = (self.tr("Caller"), self.tr("Phone"), self.tr("Incidents"))

    def set_callers(self, callers: tuple[RepeatCaller, ...]) -> None:
        self.beginResetModel()
        self._callers = callers
        self.endResetModel()

    def caller(self, row: int) -> RepeatCaller:
        return self._callers[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._callers)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        caller = self._callers[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (caller.name, caller.phone or "—", f"{caller.incidents:,}")[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.INCIDENTS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("Show {0}'s incidents in the log").format(caller.name)
        if role == KEY_ROLE:
            return caller.key
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self._headers)):
            return self._headers[section]
        return None
