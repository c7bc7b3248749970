"""File › Database…, driven as a user drives it: choosing a file or a server, each problem
beside its field and nothing saved, a test connection in words, the choice saved for the
next start. (The same against a real PostgreSQL server: test_database_postgres.py.)"""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from app.models.database_choice import saved_database
from app.models.db import close_database, open_database, parse_target
from app.views.accessibility import unnamed_inputs
from app.views.database_dialog import DatabaseDialog
from app.views.database_password_dialog import DatabasePasswordDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def choice(tmp_path):
    return tmp_path / "config" / "database.json"


@pytest.fixture
def current_file(tmp_path):
    """The file the dialog is told is open now, whichever engine the suite runs on: these
    tests are about the dialog over a file (over a server: test_database_postgres.py)."""
    return tmp_path / "incidents.sqlite"


@pytest.fixture
def make_dialog(qtbot, current_file, dialogs, choice):
    def make(**kwargs) -> DatabaseDialog:
        dialog = DatabaseDialog(current_file, dialogs, choice_file=choice, **kwargs)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog
    return make


def retype(qtbot, edit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def test_every_input_has_a_spoken_name(make_dialog, qtbot):
    dialog = make_dialog()
    assert unnamed_inputs(dialog) == []
    qtbot.mouseClick(dialog.use_server, Qt.MouseButton.LeftButton)
    assert dialog.server_box.isVisible() and not dialog.file_box.isVisible()
    assert unnamed_inputs(dialog) == []
    password = DatabasePasswordDialog(parse_target("postgresql://u@h/d"), "", None, True)
    qtbot.addWidget(password)
    password.show()
    assert unnamed_inputs(password) == []


def test_the_menu_item_opens_it_with_its_shortcut(open_window, qtbot):
    window = open_window()
    action = window.data.database_action
    assert action.shortcut().toString() == "Ctrl+Shift+G"
    assert action in window.menuBar().actions()[0].menu().actions()
    action.trigger()
    assert isinstance(window.data.shown, DatabaseDialog)
    window.data.shown.close()


def test_it_starts_on_the_open_file(make_dialog, current_file):
    dialog = make_dialog()
    assert dialog.use_file.isChecked()
    assert dialog.file.text() == str(current_file)
    assert str(current_file) in dialog.findChild(type(dialog.test_status), "databaseIntro").text()


def test_a_file_in_a_missing_folder_is_refused_beside_its_field(make_dialog, qtbot, tmp_path,
                                                                 choice, dialogs):
    dialog = make_dialog()
    missing = tmp_path / "nowhere" / "incidents.sqlite"
    retype(qtbot, dialog.file, str(missing))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.errors["file"].isVisible()
    assert dialog.errors["file"].text() == f"The folder {missing.parent} does not exist."
    assert dialog.form_message.text() == "Not saved: correct the fields marked."
    assert dialog.isVisible() and not choice.exists() and dialogs.calls == []


def test_bad_server_fields_are_each_named_and_nothing_saved(make_dialog, qtbot, choice):
    dialog = make_dialog()
    qtbot.mouseClick(dialog.use_server, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.host, "db.example.org")
    retype(qtbot, dialog.port, "54x")
    qtbot.keyClicks(dialog.user, "advisor")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    shown = {name: label.text() for name, label in dialog.errors.items()
             if label.isVisible()}
    assert shown == {"port": "Port must be a whole number from 1 to 65535, not '54x'.",
                     "database": "Database is required: the name its administrator gave "
                                 "it on the server."}
    assert dialog.focusWidget() is dialog.port
    assert not choice.exists()
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert dialog.test_status.text() == "Not tested: correct the fields marked first."
    assert dialog.job is None


def test_testing_a_file_says_what_is_there(make_dialog, qtbot, current_file, tmp_path):
    open_database(current_file)  # an Incident Desk file
    close_database()
    dialog = make_dialog()
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.job.done, timeout=10_000)
    assert dialog.test_status.text().startswith(
        f"Reached {current_file}: an Incident Desk database, schema version ")
    retype(qtbot, dialog.file, str(tmp_path / "new.sqlite"))
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.job.done, timeout=10_000)
    assert dialog.test_status.text() == (f"There is no file {tmp_path / 'new.sqlite'} yet: "
                                         "Incident Desk creates it at the next start.")
    assert not (tmp_path / "new.sqlite").exists()


def test_a_port_nobody_listens_on_is_reported_in_words(make_dialog, qtbot):
    dialog = make_dialog()
    qtbot.mouseClick(dialog.use_server, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.host, "127.0.0.1")
    retype(qtbot, dialog.port, "9")
    qtbot.keyClicks(dialog.database, "incident_desk")
    qtbot.keyClicks(dialog.user, "incident_desk")
    qtbot.keyClicks(dialog.password, "anything")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert not dialog.test_button.isEnabled()  # while it connects, off the window's thread
    assert dialog.test_status.text() == (
        "Connecting to postgresql://incident_desk@127.0.0.1:9/incident_desk…")
    qtbot.waitUntil(lambda: dialog.job.done, timeout=15_000)
    assert dialog.test_status.text().startswith(
        "Cannot reach the PostgreSQL server at 127.0.0.1:9 (")
    assert dialog.test_button.isEnabled()


def test_saving_a_server_keeps_the_url_for_the_next_start(make_dialog, qtbot, choice, dialogs,
                                                           memory_keyring):
    dialog = make_dialog()
    qtbot.mouseClick(dialog.use_server, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.host, "db.example.org")
    qtbot.keyClicks(dialog.database, "incidents")
    qtbot.keyClicks(dialog.user, "advisor")
    qtbot.keyClicks(dialog.password, "not tested")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    url = "postgresql://advisor@db.example.org:5432/incidents"
    assert saved_database(choice) == parse_target(url)
    assert json.loads(choice.read_text())["database"] == url
    assert "not tested" not in choice.read_text()
    assert memory_keyring.secrets == {}  # never checked, so never stored
    ((kind, _title, text),) = dialogs.calls
    assert kind == "inform"
    assert text.startswith(f"Saved: Incident Desk opens {url} at its next start. The "
                           "password was not stored")
    assert not dialog.isVisible()


def test_browse_fills_the_file(make_dialog, qtbot, tmp_path, choice):
    chosen = tmp_path / "team.sqlite"
    dialog = make_dialog(choose_file=lambda _parent, _start: chosen)
    qtbot.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)
    assert dialog.file.text() == str(chosen)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert saved_database(choice) == chosen


def test_without_a_keyring_remember_is_off_and_says_why(make_dialog, qtbot):
    dialog = make_dialog(keyring_works=False)
    qtbot.mouseClick(dialog.use_server, Qt.MouseButton.LeftButton)
    assert not dialog.remember.isEnabled()
    assert dialog.keyring_note.isVisible()
    assert "asks for it at each start" in dialog.keyring_note.text()
    password = DatabasePasswordDialog(parse_target("postgresql://u@h/d"), "", None, False)
    qtbot.addWidget(password)
    password.show()
    assert not password.remember.isEnabled() and password.keyring_note.isVisible()
    assert password.answer() == ("", False)


def test_no_upgrade_notice_nor_backup_offer_for_a_server(qapp):
    from app.models.backup import latest_good_backup
    from app.views.application import upgrade_notice

    target = parse_target("postgresql://sam@db.example.org/incidents")
    assert upgrade_notice(target) is None  # upgraded on opening, asking nothing first
    assert latest_good_backup(target) is None
