"""The import dialog's two tables as Qt item models: the problems that stop an import (row,
column, the file's column, value, reason) and the preview of the first incidents as they
will be stored; and the words for each column of a file of incidents."""

from __future__ import annotations

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from app.models.incident_transfer import COLUMNS, ColumnMapping, RowProblem
from app.views.text import tr

# What each column of a file of incidents holds, in the words the incident form uses.
COLUMN_LABELS = {
    "reference": QT_TRANSLATE_NOOP("IncidentColumns", "Reference"),
    "received_at": QT_TRANSLATE_NOOP("IncidentColumns", "Received"),
    "channel": QT_TRANSLATE_NOOP("IncidentColumns", "Channel"),
    "caller_name": QT_TRANSLATE_NOOP("IncidentColumns", "Caller name"),
    "caller_phone": QT_TRANSLATE_NOOP("IncidentColumns", "Phone / caller ID"),
    "caller_email": QT_TRANSLATE_NOOP("IncidentColumns", "Email"),
    "caller_type": QT_TRANSLATE_NOOP("IncidentColumns", "Caller type"),
    "account_ref": QT_TRANSLATE_NOOP("IncidentColumns", "Account or asset no."),
    "location": QT_TRANSLATE_NOOP("IncidentColumns", "Location"),
    "category": QT_TRANSLATE_NOOP("IncidentColumns", "Category"),
    "subcategory": QT_TRANSLATE_NOOP("IncidentColumns", "Subcategory"),
    "summary": QT_TRANSLATE_NOOP("IncidentColumns", "Nature of incident"),
    "description": QT_TRANSLATE_NOOP("IncidentColumns", "Caller's description"),
    "impact": QT_TRANSLATE_NOOP("IncidentColumns", "Impact"),
    "urgency": QT_TRANSLATE_NOOP("IncidentColumns", "Urgency"),
    "priority": QT_TRANSLATE_NOOP("IncidentColumns", "Priority"),
    "status": QT_TRANSLATE_NOOP("IncidentColumns", "Status"),
    "owner": QT_TRANSLATE_NOOP("IncidentColumns", "Owner"),
    "response_due": QT_TRANSLATE_NOOP("IncidentColumns", "Response due"),
    "resolution_due": QT_TRANSLATE_NOOP("IncidentColumns", "Resolution due"),
    "responded_at": QT_TRANSLATE_NOOP("IncidentColumns", "Responded"),
    "resolved_at": QT_TRANSLATE_NOOP("IncidentColumns", "Resolved"),
    "closed_at": QT_TRANSLATE_NOOP("IncidentColumns", "Closed"),
}

PROBLEM_HEADERS = (QT_TRANSLATE_NOOP("ImportProblems", "Row"),
                   QT_TRANSLATE_NOOP("ImportProblems", "Column"),
                   QT_TRANSLATE_NOOP("ImportProblems", "File column"),
                   QT_TRANSLATE_NOOP("ImportProblems", "Value"),
                   QT_TRANSLATE_NOOP("ImportProblems", "Reason"))
ROW, COLUMN, FILE_COLUMN, VALUE, REASON = range(len(PROBLEM_HEADERS))
_ANY = QModelIndex()


def column_label(column: str) -> str:
    """``Received``: one of our columns in words (a name we do not know, as it is)."""
    label = COLUMN_LABELS.get(column)
    return tr("IncidentColumns", label) if label else column


def file_column(headers: list[str], mapping: ColumnMapping, column: str) -> str:
    """The heading of the file's column that ``column`` is read from ("" when none)."""
    index = mapping.index(column)
    if index is None or index >= len(headers):
        return ""
    return headers[index] or tr("ImportProblems", "(column {n}, no heading)").format(
        n=index + 1)


class ImportProblemsModel(QAbstractTableModel):
    """Every problem of a checked file, in the order the check found them (by row)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._problems: list[RowProblem] = []
        self._headers: list[str] = []
        self._mapping = ColumnMapping()

    def set_problems(self, problems: list[RowProblem], headers: list[str],
                     mapping: ColumnMapping) -> None:
        self.beginResetModel()
        self._problems, self._headers, self._mapping = problems, headers, mapping
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ANY) -> int:
        return 0 if parent.isValid() else len(self._problems)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ANY) -> int:
        return 0 if parent.isValid() else len(PROBLEM_HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(PROBLEM_HEADERS)):
            return tr("ImportProblems", PROBLEM_HEADERS[section])
        return None

    def cells(self, problem: RowProblem) -> tuple[str, str, str, str, str]:
        """A problem as the table shows it, and as the saved report writes it."""
        return (f"{problem.row:,}", problem.column,
                file_column(self._headers, self._mapping, problem.column), problem.value,
                problem.reason)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._problems):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.cells(self._problems[index.row()])[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == ROW:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ImportPreviewModel(QAbstractTableModel):
    """The first incidents of a checked file as they will be stored, one column for each
    of :data:`~app.models.incident_transfer.COLUMNS`."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[list[str]] = []

    def set_rows(self, rows: list[list[str]]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ANY) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ANY) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(COLUMNS)):
            return column_label(COLUMNS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._rows[index.row()][index.column()]
        return None


def read_only_table(model: QAbstractTableModel, name: str, accessible_name: str,
                    widths: dict[int, int], stretch: int | None = None) -> QTableView:
    """A read-only view of ``model`` with columns of fixed starting widths: sizing them to
    their contents would read every row, and a file may have a hundred thousand."""
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(accessible_name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)  # Tab leaves the table, as in a form
    table.verticalHeader().hide()
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for column, width in widths.items():
        header.resizeSection(column, width)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table
