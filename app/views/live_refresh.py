"""Live refresh: another workstation's or process's saves appear in the open window, the log
as the user left it (selection, scroll, a status note being typed)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import peewee
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QTableView

from app.models.change_watch import ChangeWatch, watch_database
from app.views.detail_pane import DetailPane
from app.views.incident_table_model import IncidentTableModel

POLL_MS = 700  # well under a second from another's save to this window, at ~0.01 ms a poll


class LiveRefresh(QObject):
    """Asks ``watch`` (the open database's, by default) every ``interval_ms`` whether
    others saved, and emits ``changed`` when they did.

    While the watch cannot tell (the database server out of reach) ``status`` carries a
    message for the status bar, shown until the server is back; then a short one says so
    and ``changed`` follows, for what others saved meanwhile.
    """

    changed = Signal()
    status = Signal(str, int)  # for the status bar, and for how long (ms; 0: until replaced)

    def __init__(self, watch: ChangeWatch | None = None, interval_ms: int = POLL_MS,
                 parent: QObject | None = None):
        super().__init__(parent)
        self._watch = watch if watch is not None else watch_database()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.on_poll)
        self.timer.start()
        self.pending = False  # a refresh that failed: the next poll tries it again
        self.lost: str | None = None  # the server out of reach, as last told

    @Slot()
    def on_poll(self) -> None:
        try:
            changed = self._watch.changed()
        except peewee.DatabaseError:  # busy or gone for a moment: the next poll asks again
            return
        lost = getattr(self._watch, "lost", None)
        if lost != self.lost:
            if lost is not None:
                self.status.emit(self.lost_message(lost), 0)
            else:
                self.status.emit(self.tr("The connection to the database server at {server} "
                                         "is back.").format(server=self.lost), 5_000)
            self.lost = lost
        if changed or self.pending:
            self.pending = False
            self.changed.emit()

    def lost_message(self, server: str) -> str:
        return self.tr("Lost the connection to the database server at {server}; retrying. "
                       "Others' changes show once it is back; an open form keeps what is "
                       "typed.").format(server=server)

    def stop(self) -> None:
        """No more watching (the window closed): the timer stops, the watch lets go."""
        self.timer.stop()
        close = getattr(self._watch, "close", None)
        if close is not None:
            close()


@contextmanager
def kept_as_left(table: QTableView, model: IncidentTableModel,
                 detail: DetailPane) -> Iterator[None]:
    """Around reading the log and the pane again: the same incidents stay selected (those
    still shown), the current one current, the scroll where it was, and a status move being
    prepared in the pane (the status chosen, the note typed) kept."""
    selection = table.selectionModel()
    current = model.incident_id(selection.currentIndex().row())
    selected = [model.incident_id(index.row()) for index in selection.selectedRows()]
    vertical, horizontal = table.verticalScrollBar().value(), table.horizontalScrollBar().value()
    shown = detail.incident_id
    move, note = detail.next_status.currentData(), detail.status_note.text()
    typing, cursor = detail.status_note.hasFocus(), detail.status_note.cursorPosition()
    yield
    rows = QItemSelection()
    for incident_id in selected:
        row = model.row_of(incident_id) if incident_id is not None else None
        if row is not None:
            rows.select(model.index(row, 0), model.index(row, model.columnCount() - 1))
    current_row = model.row_of(current) if current is not None else None
    if current_row is not None:
        selection.setCurrentIndex(model.index(current_row, 0),
                                  QItemSelectionModel.SelectionFlag.NoUpdate)
    selection.select(rows, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    table.verticalScrollBar().setValue(vertical)
    table.horizontalScrollBar().setValue(horizontal)
    if detail.incident_id == shown and shown is not None:
        index = detail.next_status.findData(move)
        if index >= 0:  # the move is still allowed from where the incident is now
            detail.next_status.setCurrentIndex(index)
        detail.status_note.setText(note)
        detail.status_note.setCursorPosition(cursor)
        if typing:
            detail.status_note.setFocus()
