"""The list of problems as a small Qt table model (reference, title, status, incidents, known
error, owner), and the view and search box that show it in the problems window and the link
dialog."""

from __future__ import annotations

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLineEdit, QTableView

from app.models.problems import ProblemRow, ProblemStatus
from app.views.text import tr, vocabulary

HEADERS = (QT_TRANSLATE_NOOP("ProblemTableModel", "Reference"),
           QT_TRANSLATE_NOOP("ProblemTableModel", "Title"),
           QT_TRANSLATE_NOOP("ProblemTableModel", "Status"),
           QT_TRANSLATE_NOOP("ProblemTableModel", "Incidents"),
           QT_TRANSLATE_NOOP("ProblemTableModel", "Known error"),
           QT_TRANSLATE_NOOP("ProblemTableModel", "Owner"))
REFERENCE, TITLE, STATUS, INCIDENTS, KNOWN_ERROR, OWNER = range(len(HEADERS))
PROBLEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1
TICK = "✓"


def status_text(status: ProblemStatus | str) -> str:
    return vocabulary(ProblemStatus(status).label)


class ProblemTableModel(QAbstractTableModel):
    """Rows of ``app.models.problems.problems()``, in the order given."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[ProblemRow] = []

    def set_rows(self, rows: list[ProblemRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def problem_id(self, row: int) -> int | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of(self, problem_id: int) -> int | None:
        return next((n for n, r in enumerate(self._rows) if r.id == problem_id), None)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(HEADERS)):
            return tr("ProblemTableModel", HEADERS[section])
        return None

    def _text(self, row: ProblemRow, column: int) -> str:
        if column == REFERENCE:
            return row.reference
        if column == TITLE:
            return row.title
        if column == STATUS:
            return status_text(row.status)
        if column == INCIDENTS:
            if row.open_incidents:
                return tr("ProblemTableModel", "{n} ({open} open)").format(
                    n=row.incidents, open=row.open_incidents)
            return str(row.incidents)
        if column == KNOWN_ERROR:
            return TICK if row.known_error else ""
        return row.owner

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == KNOWN_ERROR:  # the tick said in words
                return (tr("ProblemTableModel", "Known error: root cause and workaround "
                                                "recorded") if row.known_error
                        else tr("ProblemTableModel", "Not a known error"))
            return self._text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (INCIDENTS, KNOWN_ERROR):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == PROBLEM_ID_ROLE:
            return row.id
        return None


def problem_table(model: ProblemTableModel, name: str, accessible_name: str) -> QTableView:
    """A read-only view of ``model`` where one problem is chosen at a time."""
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(accessible_name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
    return table


def problem_search(name: str) -> QLineEdit:
    """The box that searches problems (see ``app.models.problems.problems``)."""
    search = QLineEdit()
    search.setObjectName(name)
    search.setAccessibleName(tr("ProblemSearch", "Search problems"))
    search.setPlaceholderText(tr("ProblemSearch", "Search reference, title, cause, workaround"))
    search.setClearButtonEnabled(True)
    return search
