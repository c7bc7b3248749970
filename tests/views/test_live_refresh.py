"""Live refresh: another process's saves appear in the open window within a second or so,
the log as the user left it, an open form untouched."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest
from PySide6.QtCore import QObject

from app.models.incidents import create_incident
from app.views.live_refresh import LiveRefresh
from app.views.main_window import MainWindow
from tests.conftest import make_draft
from tests.views.conftest import RECEIVED_AT
from tests.views.helpers import CALLER, log_column, reload, retype, select_incident, shown_form

pytestmark = pytest.mark.gui

WITHIN_MS = 5000  # a poll every 700 ms; generous for a loaded machine


def log_from_another_process(db_path, caller: str, status_of: int | None = None) -> None:
    """Another workstation (a process of its own, through app.models.db) logs an incident
    as Alex Colleague, or moves ``status_of`` on."""
    script = textwrap.dedent(f"""
        from datetime import timedelta
        from app.models.clock import now_utc
        from app.models.db import open_database
        from app.models.incidents import change_status, create_incident
        from app.models.users import ensure_user
        from tests.conftest import make_draft
        open_database({str(db_path)!r})
        alex = ensure_user("alex.colleague", "Alex Colleague")
        if {status_of!r} is not None:
            change_status({status_of!r}, "in_progress", alex)
        else:
            create_incident(make_draft(caller_name={caller!r},
                                       received_at=now_utc() - timedelta(minutes=5)), alex)
    """)
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)


def selected_references(window: MainWindow) -> list[str]:
    return [window.model.reference(index.row())
            for index in window.table.selectionModel().selectedRows()]


def test_another_processs_incident_appears_with_the_selection_kept(qtbot, log_three,
                                                                   open_window, db_path):
    window = open_window()
    chosen = log_three[1]
    select_incident(qtbot, window, chosen)
    # a status move being prepared in the pane, half typed
    on_hold = window.detail.next_status.findData("on_hold_customer")
    assert on_hold > 0
    window.detail.next_status.setCurrentIndex(on_hold)
    retype(qtbot, window.detail.status_note, "Waiting for the caller")
    assert "Marta Nowak" not in log_column(window, CALLER)

    log_from_another_process(db_path, "Marta Nowak")

    qtbot.waitUntil(lambda: "Marta Nowak" in log_column(window, CALLER), timeout=WITHIN_MS)
    assert log_column(window, CALLER)[0] == "Marta Nowak"  # newest first
    assert window.count_label.text() == "4 incidents"
    assert selected_references(window) == [chosen.reference]
    assert window.model.reference(window.table.currentIndex().row()) == chosen.reference
    assert window.detail.title.text() == chosen.reference
    assert window.detail.next_status.currentData() == "on_hold_customer"
    assert window.detail.status_note.text() == "Waiting for the caller"
    assert window.detail.status_note.hasFocus()


def test_the_pane_shows_another_processs_change_and_the_scroll_stays(qtbot, advisor,
                                                                    open_window, db_path):
    incidents = [create_incident(make_draft(received_at=RECEIVED_AT + timedelta(minutes=n),
                                            caller_name=f"Caller {n:02d}"), advisor)
                 for n in range(80)]
    window = open_window()
    bar = window.table.verticalScrollBar()
    assert bar.maximum() > 0
    chosen = incidents[40]
    select_incident(qtbot, window, chosen)
    bar.setValue(bar.maximum())  # reading the oldest: the selected row is out of view
    position = bar.value()
    assert not window.table.viewport().rect().intersects(
        window.table.visualRect(window.table.currentIndex()))

    log_from_another_process(db_path, "", status_of=chosen.id)

    qtbot.waitUntil(lambda: window.detail.status_label.text() == "In progress",
                    timeout=WITHIN_MS)
    assert reload(chosen).status == "in_progress"
    assert bar.value() == position
    assert selected_references(window) == [chosen.reference]
    history = window.detail.history_view.model()
    assert history.data(history.index(history.rowCount() - 1, 1)) == "Alex Colleague"


def test_an_open_form_is_left_alone_and_its_save_is_checked(qtbot, log_three, open_window,
                                                            db_path, dialogs):
    window = open_window()
    chosen = log_three[0]
    select_incident(qtbot, window, chosen)
    window.on_edit()
    form = shown_form(qtbot, window)
    retype(qtbot, form.summary, "Billing down")

    log_from_another_process(db_path, "", status_of=chosen.id)

    qtbot.waitUntil(lambda: window.detail.status_label.text() == "In progress",
                    timeout=WITHIN_MS)
    assert form.isVisible() and form.summary.text() == "Billing down"
    assert form.is_dirty()
    form.on_save()  # refused: the form opened before the other process's move
    assert form.stale_dialog is not None
    assert [row[1:3] for row in form.stale_dialog.rows()] == [("Alex Colleague", "Status")]
    form.stale_dialog.reject()
    dialogs.answers = [True]
    form.reject()


class CountingWatch(QObject):
    """A watch that reports a change on the polls listed (1-based)."""

    def __init__(self, changes_on: set[int]):
        super().__init__()
        self.polls = 0
        self._changes_on = changes_on

    def changed(self) -> bool:
        self.polls += 1
        return self.polls in self._changes_on


def test_live_refresh_emits_only_when_the_watch_reports(qtbot):
    watch = CountingWatch({2})
    live = LiveRefresh(watch, interval_ms=10)
    emitted = []
    live.changed.connect(lambda: emitted.append(watch.polls))
    qtbot.waitUntil(lambda: watch.polls >= 4, timeout=2000)
    assert emitted == [2]
    live.timer.stop()


def test_a_closed_window_stops_watching(qtbot, log_three, open_window):
    window = open_window()
    assert window.live_refresh.timer.isActive()
    window.close()
    assert not window.live_refresh.timer.isActive()


def test_a_refresh_that_could_not_read_is_tried_again_at_the_next_poll(
        qtbot, log_three, open_window, monkeypatch):
    import peewee

    window = open_window()
    window.live_refresh.timer.stop()  # polled by hand below
    window.live_refresh._watch.close()  # the real one (on PostgreSQL, a connection)
    window.live_refresh._watch = CountingWatch(set())  # others saved nothing more
    real_refresh = window.model.refresh

    def busy() -> None:
        raise peewee.OperationalError("database is locked")

    monkeypatch.setattr(window.model, "refresh", busy)
    window.on_live_change()  # another workstation's save, read while an import writes
    assert window.live_refresh.pending
    assert window.statusBar().currentMessage().startswith("Could not read others' changes yet")
    monkeypatch.setattr(window.model, "refresh", real_refresh)
    with qtbot.waitSignal(window.live_refresh.changed):
        window.live_refresh.on_poll()  # the watch says nothing new: tried again anyway
    assert not window.live_refresh.pending


class LosingWatch(CountingWatch):
    """A watch whose server is out of reach on the polls listed (1-based), like
    PostgresChangeWatch's ``lost``; changes on ``changes_on``."""

    def __init__(self, lost_on: set[int], changes_on: set[int]):
        super().__init__(changes_on)
        self._lost_on = lost_on

    @property
    def lost(self) -> str | None:
        return "db.example.org:5432" if self.polls in self._lost_on else None


def test_a_server_out_of_reach_is_told_in_the_status_bar_until_it_is_back(
        qtbot, log_three, open_window):
    window = open_window()
    live = window.live_refresh
    live.timer.stop()  # polled by hand below
    live._watch.close()  # the real one (on PostgreSQL, a connection)
    live._watch = LosingWatch(lost_on={2, 3}, changes_on={4})
    live.on_poll()
    assert window.statusBar().currentMessage() == ""
    live.on_poll()
    lost = window.statusBar().currentMessage()
    assert lost.startswith("Lost the connection to the database server at "
                           "db.example.org:5432; retrying.")
    live.on_poll()  # still out of reach: the message stays
    assert window.statusBar().currentMessage() == lost
    with qtbot.waitSignal(live.changed):  # back: what others saved meanwhile is read
        live.on_poll()
    assert window.statusBar().currentMessage() == (
        "The connection to the database server at db.example.org:5432 is back.")
