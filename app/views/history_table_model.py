"""An incident's audit trail as a small Qt table model."""

from __future__ import annotations

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from app.models.audit import HistoryEntry, describe
from app.models.clock import format_local
from app.views.text import tr

HEADERS = (QT_TRANSLATE_NOOP("HistoryTableModel", "When"),
           QT_TRANSLATE_NOOP("HistoryTableModel", "Who"),
           QT_TRANSLATE_NOOP("HistoryTableModel", "What"),
           QT_TRANSLATE_NOOP("HistoryTableModel", "From"),
           QT_TRANSLATE_NOOP("HistoryTableModel", "To"))


class HistoryTableModel(QAbstractTableModel):
    """Oldest first, as an assessor reads a timeline."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[tuple[str, str, str, str, str]] = []

    def set_entries(self, entries: list[HistoryEntry]) -> None:
        self.beginResetModel()
        self._rows = [(format_local(e.at, with_seconds=True), e.user, *describe(e))
                      for e in entries]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(HEADERS)):
            return tr("HistoryTableModel", HEADERS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._rows[index.row()][index.column()]
        return None
