"""An action that fails where no window foresaw it says so in a message, and is logged."""

import sys

import peewee
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.models.db import ConnectionLostError
from app.views.error_hook import reporting_errors

pytestmark = pytest.mark.gui


def failing_button(qtbot, error: Exception) -> QPushButton:
    def fail() -> None:
        raise error

    button = QPushButton("Do it")
    qtbot.addWidget(button)
    button.clicked.connect(fail)
    return button


def test_a_lost_server_connection_in_any_action_is_told_as_not_done(qtbot, dialogs,
                                                                   tmp_path):
    log = tmp_path / "logs" / "incident-desk.log"
    button = failing_button(qtbot, ConnectionLostError("db.example.org:5432",
                                                       "server closed the connection"))
    with reporting_errors(dialogs, log):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    ((kind, title, text),) = dialogs.calls
    assert (kind, title) == ("error", "Not done")
    assert "Lost the connection to the PostgreSQL server at db.example.org:5432" in text
    assert "Nothing you typed in an open form is lost" in text
    assert "Not handled: Lost the connection" in log.read_text(encoding="utf-8")


def test_a_database_locked_past_its_wait_is_told_the_same_way(qtbot, dialogs, tmp_path):
    button = failing_button(qtbot, peewee.OperationalError("database is locked"))
    with reporting_errors(dialogs, tmp_path / "incident-desk.log"):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert [(kind, title) for kind, title, _ in dialogs.calls] == [("error", "Not done")]


def test_an_unexpected_error_names_itself_and_the_log_holding_its_details(qtbot, dialogs,
                                                                         tmp_path):
    log = tmp_path / "incident-desk.log"
    button = failing_button(qtbot, ValueError("no such priority: 9"))
    previous = sys.excepthook
    with reporting_errors(dialogs, log):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert sys.excepthook is previous  # put back when the window is done
    ((kind, title, text),) = dialogs.calls
    assert (kind, title) == ("error", "Unexpected error")
    assert "ValueError: no such priority: 9" in text and str(log) in text
    written = log.read_text(encoding="utf-8")
    assert "Traceback" in written and 'raise error' in written


def test_an_unwritable_log_folder_still_shows_the_message(qtbot, dialogs, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log folder should be")
    button = failing_button(qtbot, ValueError("boom"))
    with reporting_errors(dialogs, blocker / "incident-desk.log"):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    ((_, title, text),) = dialogs.calls
    assert title == "Unexpected error" and "The details could not be logged." in text
