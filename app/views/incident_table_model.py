"""The incident log as a Qt table model, read from the database one page at a time."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QPolygon

from app.models.clock import now_utc
from app.models.incident_log import IncidentLog, LogFilter, LogRow, SortKey
from app.models.sla import ClockReading, ClockState
from app.views.text import PRIORITY_COLOURS, clock_text, priority_text, status_text, tr

IncidentIdRole = Qt.ItemDataRole.UserRole + 1
PriorityRole = Qt.ItemDataRole.UserRole + 2

COLUMNS: tuple[tuple[SortKey, str], ...] = (
    (SortKey.REFERENCE, QT_TRANSLATE_NOOP("IncidentTableModel", "Reference")),
    (SortKey.RECEIVED, QT_TRANSLATE_NOOP("IncidentTableModel", "Received")),
    (SortKey.CALLER, QT_TRANSLATE_NOOP("IncidentTableModel", "Caller")),
    (SortKey.NATURE, QT_TRANSLATE_NOOP("IncidentTableModel", "Nature")),
    (SortKey.CATEGORY, QT_TRANSLATE_NOOP("IncidentTableModel", "Category")),
    (SortKey.PRIORITY, QT_TRANSLATE_NOOP("IncidentTableModel", "Priority")),
    (SortKey.SLA, QT_TRANSLATE_NOOP("IncidentTableModel", "SLA")),
    (SortKey.STATUS, QT_TRANSLATE_NOOP("IncidentTableModel", "Status")),
    (SortKey.OWNER, QT_TRANSLATE_NOOP("IncidentTableModel", "Owner")),
)
COLUMN_COUNT = len(COLUMNS)
PRIORITY_COLUMN = 5
SLA_COLUMN = 6

# At risk: amber; breached or missed: red. Text always says which.
CLOCK_COLOURS = {
    ClockState.AT_RISK: (QColor("#ffe082"), QColor("#1a1a1a")),
    ClockState.BREACHED: (QColor("#c62828"), QColor("#ffffff")),
    ClockState.MISSED: (QColor("#ffcdd2"), QColor("#1a1a1a")),
}
STOPPED_CLOCKS = frozenset({ClockState.PAUSED, ClockState.MET, ClockState.MISSED})

DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
DECORATION = int(Qt.ItemDataRole.DecorationRole.value)
BACKGROUND = int(Qt.ItemDataRole.BackgroundRole.value)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
ANSWERED_ROLES = frozenset({DISPLAY, TOOLTIP, DECORATION, BACKGROUND, FOREGROUND,
                            int(IncidentIdRole), int(PriorityRole)})

AnyIndex = QModelIndex | QPersistentModelIndex
ESCALATE_TIP = "Escalation overdue: the escalation matrix asks for one that has not been made"
_flag: QIcon | None = None


def escalation_flag() -> QIcon:
    """A red flag drawn once: the log's mark of an incident waiting for an escalation."""
    global _flag
    if _flag is None:
        pixmap = QPixmap(16, 16)
        pixmap.fill(QColor(0, 0, 0, 0))
        painter = QPainter(pixmap)
        painter.setPen(QColor("#1a1a1a"))
        painter.drawLine(3, 1, 3, 15)
        painter.setBrush(QColor("#c62828"))
        painter.setPen(QColor("#c62828"))
        painter.drawPolygon(QPolygon([QPoint(4, 2), QPoint(14, 5), QPoint(4, 9)]))
        painter.end()
        _flag = QIcon(pixmap)
    return _flag


class _Page:
    """A page of the log's rows (their texts are kept by the model, by row)."""

    __slots__ = ("rows",)

    def __init__(self, rows: list[LogRow]):
        self.rows = rows


def local_text(value: datetime) -> str:
    """:func:`~app.models.clock.format_local`'s text (``24/11/2026 14:05``), without
    ``strftime``: that imports ``time`` at every call, through PySide6's import hook once
    PySide6 is loaded (4.2 us a call against 1 us so, a third of a millisecond a page)."""
    local = value.astimezone()  # as to_local: the offset in force at that instant
    return (f"{local.day:02d}/{local.month:02d}/{local.year} "
            f"{local.hour:02d}:{local.minute:02d}")


class _Words:
    """The log's words that depend on a value alone (a priority's, a status's, a stopped
    clock's), translated once each and kept while the model lasts (the language is chosen
    at start), so that a row's texts are a few lookups."""

    def __init__(self) -> None:
        self.priorities: dict[int, str] = {}
        self.statuses: dict[str, str] = {}
        self.clocks: dict[ClockState, str] = {}

    def priority(self, priority: int) -> str:
        text = self.priorities.get(priority)
        if text is None:
            text = self.priorities[priority] = priority_text(priority)
        return text

    def status(self, status: str) -> str:
        text = self.statuses.get(status)
        if text is None:
            text = self.statuses[status] = status_text(status)
        return text

    def clock(self, reading: ClockReading, now: datetime) -> str:
        if reading.state not in STOPPED_CLOCKS:  # counting: says how long is left
            return clock_text(reading, now)
        text = self.clocks.get(reading.state)
        if text is None:
            text = self.clocks[reading.state] = clock_text(reading, now)
        return text


class IncidentTableModel(QAbstractTableModel):
    """Rows come from :class:`IncidentLog` in pages of ``PAGE_SIZE``; a few pages are kept."""

    PAGE_SIZE = 100
    PAGES_KEPT = 40

    def __init__(self, parent=None):
        super().__init__(parent)
        self._log = IncidentLog()
        self._pages: OrderedDict[int, _Page] = OrderedDict()
        self._last_page: int | None = None  # the page asked for last: most cells are on it
        self._last: _Page | None = None
        self._shown: dict[int, tuple[str, ...]] = {}  # the texts of the kept pages' rows
        self._words = _Words()

    # --- what is shown ---------------------------------------------------------------
    @property
    def log_filter(self) -> LogFilter:
        return self._log.filter

    def set_filter(self, log_filter: LogFilter) -> None:
        self._remake(log_filter, self._log.sort, self._log.descending)

    def refresh(self) -> None:
        """Read again from the database (after a change, or on request)."""
        self._remake(self._log.filter, self._log.sort, self._log.descending)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._remake(self._log.filter, COLUMNS[column][0],
                     order == Qt.SortOrder.DescendingOrder)

    def _remake(self, log_filter: LogFilter, sort: SortKey, descending: bool) -> None:
        self.beginResetModel()
        self._log = IncidentLog(log_filter, sort, descending)
        self._forget_pages()
        self.endResetModel()

    def _forget_pages(self) -> None:
        self._pages.clear()
        self._shown.clear()
        self._last_page = self._last = None

    def tick(self) -> None:
        """Move the SLA clocks on to now: re-read the rows shown, same rows, same order.

        Where the filter or sort depends on the clocks, the set of rows itself moves on,
        so the log is read afresh.
        """
        if self._log.filter.sla is not None or self._log.sort == SortKey.SLA:
            self.refresh()
            return
        self._log.now = now_utc()
        self._forget_pages()
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0),  # the flag and the clock
                                  self.index(self.rowCount() - 1, SLA_COLUMN))

    def _page(self, row: int) -> _Page:
        """The page holding ``row``, read from the database when it is not kept."""
        page_no = row // self.PAGE_SIZE
        if page_no == self._last_page:
            return self._last
        page = self._pages.get(page_no)
        if page is None:
            page = _Page(self._log.rows(page_no * self.PAGE_SIZE, self.PAGE_SIZE))
            self._pages[page_no] = page
            if len(self._pages) > self.PAGES_KEPT:
                gone, _ = self._pages.popitem(last=False)
                for row_gone in range(gone * self.PAGE_SIZE, (gone + 1) * self.PAGE_SIZE):
                    self._shown.pop(row_gone, None)
        else:
            self._pages.move_to_end(page_no)
        self._last_page, self._last = page_no, page
        return page

    def _row(self, row: int) -> LogRow | None:
        page = self._page(row)
        offset = row % self.PAGE_SIZE
        return page.rows[offset] if offset < len(page.rows) else None

    def incident_id(self, row: int) -> int | None:
        if not 0 <= row < self.rowCount():
            return None
        log_row = self._row(row)
        return log_row.id if log_row else None

    def reference(self, row: int) -> str | None:
        if not 0 <= row < self.rowCount():
            return None
        log_row = self._row(row)
        return log_row.reference if log_row else None

    def row_of(self, incident_id: int) -> int | None:
        """The row showing ``incident_id``, if the filter lets it through."""
        for page_no, page in self._pages.items():
            for offset, log_row in enumerate(page.rows):
                if log_row.id == incident_id:
                    return page_no * self.PAGE_SIZE + offset
        return self._log.position_of(incident_id)

    # --- QAbstractTableModel -----------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._log.count()

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def index(self, row: int, column: int,
              parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        # What QAbstractTableModel.index does, without its calls back into rowCount and
        # columnCount: a view asks for an index of every cell it paints, and each call from
        # C++ into Python costs about a microsecond.
        if 0 <= column < COLUMN_COUNT and 0 <= row < self._log.count() and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(COLUMNS)):
            return tr("IncidentTableModel", COLUMNS[section][1])
        return None

    def data(self, index: AnyIndex, role: int = DISPLAY):
        # A view asks for a dozen roles of every cell it paints, the display text most:
        # that is one lookup once the row's texts are made; the roles never answered are
        # turned away before any other work.
        if role == DISPLAY:
            texts = self._shown.get(index.row())
            if texts is not None:
                return texts[index.column()]
        elif role not in ANSWERED_ROLES:
            return None
        if not index.isValid():
            return None
        row = index.row()
        if row >= self._log.count():
            return None
        page = self._page(row)
        offset = row % self.PAGE_SIZE
        if offset >= len(page.rows):
            return None
        log_row = page.rows[offset]
        column = index.column()
        if role in (DISPLAY, TOOLTIP):
            if column == 0 and role == TOOLTIP and log_row.escalation_overdue(self._log.now):
                return f"{log_row.reference} — {tr('IncidentTableModel', ESCALATE_TIP)}"
            texts = self._shown.get(row)
            if texts is None:
                texts = self._shown[row] = self._texts(log_row)
            return texts[column]
        if role == DECORATION:
            return (escalation_flag() if column == 0
                    and log_row.escalation_overdue(self._log.now) else None)
        if role == IncidentIdRole:
            return log_row.id
        if role == PriorityRole:
            return log_row.priority
        if column == PRIORITY_COLUMN:
            return PRIORITY_COLOURS[log_row.priority][0 if role == BACKGROUND else 1]
        if column == SLA_COLUMN and log_row.clock.state in CLOCK_COLOURS:
            return CLOCK_COLOURS[log_row.clock.state][0 if role == BACKGROUND else 1]
        return None

    def _texts(self, log_row: LogRow) -> tuple[str, ...]:
        """The row's texts in the order of :data:`COLUMNS` (kept in step with it)."""
        words = self._words
        return (log_row.reference, local_text(log_row.received_at), log_row.caller_name,
                log_row.summary, log_row.category, words.priority(log_row.priority),
                words.clock(log_row.clock, self._log.now), words.status(log_row.status),
                log_row.owner)
