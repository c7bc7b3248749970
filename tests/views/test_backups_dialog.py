"""The backups screen driven as a team leader uses it, and as an advisor sees it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.models.backup import (
    automatic_backups,
    backup_database,
    backup_folder,
    keep_days,
)
from app.models.entities import ConfigChange
from app.models.incidents import draft_from_incident
from app.models.permissions import Role
from app.models.users import current_username, ensure_user
from app.views.backups_dialog import BackupsDialog, size_text
from tests.views.helpers import (
    CTRL,
    click,
    fill_valid_call,
    incident_count,
    log_column,
    open_new_form,
    reload,
    save,
    select_incident,
)

pytestmark = pytest.mark.gui
SHIFT = Qt.KeyboardModifier.ShiftModifier
# On PostgreSQL the screen only says the server's administrator backs the database up
# (pg_dump), with no button: tests/views/test_database_postgres.py.
FILE_BACKUPS = pytest.mark.sqlite_only(
    "backs up and restores the SQLite file (on PostgreSQL backups are the server "
    "administrator's: the screen says so, test_database_postgres.py)")


@pytest.fixture
def leader(db):
    """Whoever runs the tests, at the desk as a team leader (the window's user)."""
    return ensure_user(current_username(), "Tess Leader", Role.TEAM_LEADER)


def activate(qtbot, window) -> None:
    window.activateWindow()  # offscreen, closing a dialog does not give activation back
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def open_dialog(qtbot, window) -> BackupsDialog:
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_B, CTRL | SHIFT)
    dialog = window.backups
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def shown_backups(dialog: BackupsDialog) -> list[str]:
    return [dialog.table.item(row, 0).text() for row in range(dialog.table.rowCount())]


def damage(path) -> None:
    """Overwrite bytes in the middle of the file, as a failing disk would."""
    with path.open("r+b") as handle:
        handle.seek(path.stat().st_size // 2)
        handle.write(b"\xde\xad\xbe\xef" * 1024)


def test_the_menu_offers_backups_with_its_shortcut(qtbot, open_window):
    window = open_window()
    file_menu = window.menuBar().actions()[0]
    assert file_menu.text() == "&File"
    assert window.backups_action in file_menu.menu().actions()
    assert window.backups_action.text() == "&Backups…"
    assert window.backups_action.shortcut().toString() == "Ctrl+Shift+B"


@FILE_BACKUPS
def test_back_up_then_restore_brings_the_log_back_to_the_backup(qtbot, leader, open_window,
                                                                 dialogs, db_path, log_three):
    window = open_window()
    assert window._operations.user == leader
    dialog = open_dialog(qtbot, window)
    assert dialog.table.rowCount() == 0
    click(qtbot, dialog.back_up_button)
    ((_, backup),) = automatic_backups(db_path)
    assert len(shown_backups(dialog)) == 1
    assert dialog.table.item(0, 1).text() == size_text(backup.stat().st_size)
    assert dialog.message.text() == f"Backed up and checked: {backup}"
    dialog.reject()

    # after the backup: one incident changed, one logged
    first = reload(log_three[0])
    window._operations.update(first.id, replace(draft_from_incident(first),
                                                summary="Changed after the backup"),
                              first.version)
    activate(qtbot, window)
    form = open_new_form(qtbot, window)
    fill_valid_call(qtbot, form, caller="After The Backup")
    save(qtbot, form)
    assert "After The Backup" in log_column(window, 2)
    select_incident(qtbot, window, first)
    assert window.detail.summary.text() == "Changed after the backup"

    dialog = open_dialog(qtbot, window)
    assert dialog.selected_backup() == backup  # the newest, selected
    dialogs.answers.append(True)
    click(qtbot, dialog.restore_button)

    ((kind, title, question),) = dialogs.calls
    assert (kind, title) == ("confirm", "Restore this backup?")
    assert f"will be replaced by the backup of {shown_backups(dialog)[0].replace(' ', ' at ')}" \
        in question
    assert "Anything recorded after that backup was taken will no longer be in the live " \
           "database" in question
    asides = list(db_path.parent.glob("incidents.replaced-*.sqlite"))
    assert len(asides) == 1 and str(asides[0]) in question  # the path it said
    assert dialog.message.text().endswith(f"The database replaced is kept at {asides[0]}.")
    assert window.statusBar().currentMessage() == (
        f"Backup restored; the database replaced is kept at {asides[0]}")

    # the log and the selected incident show what the backup holds
    assert incident_count() == 3
    assert "After The Backup" not in log_column(window, 2)
    assert window.model.rowCount() == 3
    assert window.detail.title.text() == first.reference
    assert window.detail.summary.text() == log_three[0].summary
    dialog.reject()

    # and the application goes on working on the restored database
    activate(qtbot, window)
    form = open_new_form(qtbot, window)
    fill_valid_call(qtbot, form, caller="After The Restore")
    save(qtbot, form)
    assert incident_count() == 4 and "After The Restore" in log_column(window, 2)


@FILE_BACKUPS
def test_a_file_chosen_is_restored_only_once_confirmed(qtbot, leader, open_window, dialogs,
                                                       db_path, tmp_path, log_three):
    window = open_window()
    monday = backup_database(db_path, tmp_path / "monday.sqlite")
    form = open_new_form(qtbot, window)
    fill_valid_call(qtbot, form)
    save(qtbot, form)
    logged = window.detail.title.text()
    assert incident_count() == 4

    dialog = open_dialog(qtbot, window)
    dialog.choose_file = lambda parent, folder: monday  # instead of the file picker
    dialogs.answers.append(False)
    click(qtbot, dialog.restore_file_button)
    assert f"will be replaced by the backup {monday} (last changed " in dialogs.calls[0][2]
    assert incident_count() == 4 and not dialog.message.isVisible()
    assert not list(db_path.parent.glob("incidents.replaced-*"))

    dialogs.answers.append(True)
    click(qtbot, dialog.restore_file_button)
    assert incident_count() == 3
    assert logged not in log_column(window, 0)
    assert window.detail.incident_id is None  # the incident shown is not in the backup
    assert len(list(db_path.parent.glob("incidents.replaced-*.sqlite"))) == 1


@FILE_BACKUPS
def test_a_damaged_backup_is_refused_and_nothing_changes(qtbot, leader, open_window, dialogs,
                                                         db_path, log_three):
    window = open_window()
    dialog = open_dialog(qtbot, window)
    click(qtbot, dialog.back_up_button)
    backup = dialog.selected_backup()
    damage(backup)
    click(qtbot, dialog.restore_button)
    assert dialogs.calls == []  # not even asked
    # which words depends on the page the damage falls on: the schema's or a table's
    message = dialog.message.text()
    assert message.startswith("Not restored: ") and str(backup) in message
    assert "damaged" in message
    assert incident_count() == 3 and window.model.rowCount() == 3
    assert not list(db_path.parent.glob("incidents.replaced-*"))


@FILE_BACKUPS
def test_an_advisor_can_back_up_but_not_restore_or_change_the_days(qtbot, advisor, open_window,
                                                                    dialogs, db_path):
    window = open_window()  # sam.advisor came first: this user is an advisor
    dialog = open_dialog(qtbot, window)
    assert dialog.note.text().startswith("Only a team leader or an administrator can "
                                         "restore a backup")
    for widget in (dialog.restore_button, dialog.restore_file_button, dialog.keep_days,
                   dialog.save_keep_button):
        assert not widget.isEnabled()
        assert widget.toolTip().startswith("Only a team leader or an administrator")
    click(qtbot, dialog.back_up_button)
    assert len(automatic_backups(db_path)) == 1
    assert not dialog.restore_button.isEnabled()  # a backup selected, still not for them

    # nor behind the buttons' back: refused before anything is asked or closed
    assert not dialog.restore(dialog.selected_backup())
    assert dialogs.calls == []
    assert "is advisor; only an administrator or a team leader can do this" in \
        dialog.message.text()
    assert not list(db_path.parent.glob("incidents.replaced-*"))


@FILE_BACKUPS
def test_a_team_leader_changes_how_long_backups_are_kept(qtbot, leader, open_window):
    window = open_window()
    dialog = open_dialog(qtbot, window)
    assert dialog.keep_days.value() == 14 and not dialog.keep_history.isVisible()
    dialog.keep_days.setFocus()
    qtbot.keyClick(dialog.keep_days, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(dialog.keep_days, "30")
    click(qtbot, dialog.save_keep_button)

    assert keep_days() == 30
    assert dialog.message.text() == "Saved: automatic backups are kept for 30 days."
    (change,) = ConfigChange.select()
    assert (change.area, change.summary) == ("backups", "Keep backups: 14 days -> 30 days")
    assert dialog.keep_history.text().startswith(
        "Last change: Keep backups: 14 days -> 30 days, by Tess Leader on ")
    dialog.reject()

    again = open_dialog(qtbot, window)
    assert again.keep_days.value() == 30 and again.keep_history.isVisible()
    click(qtbot, again.save_keep_button)
    assert again.message.text() == "Unchanged: backups were kept for 30 days already."
    assert ConfigChange.select().count() == 1
    assert backup_folder(window._database_path).name == "backups"
