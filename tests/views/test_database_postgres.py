"""The windows on a PostgreSQL database: File › Database… testing a real server, the
password asked when opening needs it (stored in the keyring only once accepted), and the
main window opened on a URL, with what is keyed by the database made sensible there.

Runs when ``INCIDENT_DESK_PG=1``, against ``scripts/pg_server.py`` (as
tests/models/test_postgres.py).
"""

from __future__ import annotations

import os

import pytest

if os.environ.get("INCIDENT_DESK_PG") != "1":
    pytest.skip("PostgreSQL tests not run: set INCIDENT_DESK_PG=1 to run them against "
                "scripts/pg_server.py", allow_module_level=True)

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel

from app.models.database_choice import saved_database
from app.models.db import DatabaseOpenError, close_database, open_database, parse_target
from app.models.db_password import password_name
from app.models.drafts import server_drafts_folder
from app.models.secrets import SERVICE
from app.models.users import current_user
from app.views.application import make_window, open_or_recover
from app.views.database_dialog import DatabaseDialog
from app.views.database_password_dialog import DatabasePasswordDialog
from tests.models.test_postgres import pg_server, pg_url  # noqa: F401  (fixtures)
from tests.views.conftest import ScriptedDialogs
from tests.views.test_database_dialog import retype

pytestmark = [pytest.mark.postgres, pytest.mark.gui]


@pytest.fixture
def url(pg_url, monkeypatch):  # noqa: F811
    """The test database's URL, PGPASSWORD unset: the password is typed or stored."""
    monkeypatch.delenv("PGPASSWORD")
    return pg_url


def fill_in_server(qtbot, dialog: DatabaseDialog, url: str, password: str) -> None:
    target = parse_target(url)
    qtbot.mouseClick(dialog.use_server, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.host, target.host)
    retype(qtbot, dialog.port, str(target.port))
    qtbot.keyClicks(dialog.database, target.dbname)
    qtbot.keyClicks(dialog.user, target.user)
    qtbot.keyClicks(dialog.password, password)


def test_connection(qtbot, dialog: DatabaseDialog) -> str:
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.job.done, timeout=15_000)
    return dialog.test_status.text()


test_connection.__test__ = False  # a helper, not a test


@pytest.fixture
def dialog(qtbot, tmp_path, dialogs, memory_keyring):
    made = DatabaseDialog(tmp_path / "now.sqlite", dialogs,
                          choice_file=tmp_path / "config" / "database.json")
    qtbot.addWidget(made)
    made.show()
    return made


def test_the_test_server_reached_empty_then_ours_then_saved_with_its_password(
        qtbot, dialog, url, pg_server, dialogs, memory_keyring, tmp_path):  # noqa: F811
    fill_in_server(qtbot, dialog, url, pg_server.PASSWORD)
    assert test_connection(qtbot, dialog) == (
        f"Reached {url}: it is empty, and Incident Desk will make its tables at the next "
        "start.")
    open_database(url, password=pg_server.PASSWORD)
    close_database()
    assert test_connection(qtbot, dialog).startswith(
        f"Reached {url}: an Incident Desk database, schema version ")
    assert memory_keyring.secrets == {}  # tested, not yet saved
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert saved_database(tmp_path / "config" / "database.json") == parse_target(url)
    assert memory_keyring.secrets == {(SERVICE, password_name(parse_target(url))):
                                      pg_server.PASSWORD}
    assert pg_server.PASSWORD not in (tmp_path / "config" / "database.json").read_text()
    assert dialogs.calls[-1][2].endswith("The password is stored in this computer's keyring.")


def test_a_wrong_or_missing_password_is_said_and_never_stored(qtbot, dialog, url,
                                                             memory_keyring, tmp_path):
    fill_in_server(qtbot, dialog, url, "wrong")
    assert test_connection(qtbot, dialog) == (
        "The PostgreSQL server at 127.0.0.1:54329 refused the password of the user "
        "incident_desk (the one typed): it is wrong, or has been changed.")
    retype(qtbot, dialog.password, "")
    assert "asks for a password for the user incident_desk and none was given" in \
        test_connection(qtbot, dialog)
    qtbot.keyClicks(dialog.password, "wrong")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert memory_keyring.secrets == {}


def answering_with_the_dialog(qtbot, typed: list[tuple[str, bool]]) -> ScriptedDialogs:
    """Dialogs whose database password prompt is the real dialog, typed into as a user
    would, one answer per prompt; the problems it showed are kept."""
    class Answering(ScriptedDialogs):
        def __init__(self) -> None:
            super().__init__()
            self.shown: list[str] = []

        def ask_database_password(self, parent, target, problem):
            dialog = DatabasePasswordDialog(target, problem, parent)
            qtbot.addWidget(dialog)
            dialog.show()
            self.shown.append(dialog.problem.text())
            password, remember = typed.pop(0)
            qtbot.keyClicks(dialog.password, password)
            if dialog.remember.isChecked() != remember:
                qtbot.mouseClick(dialog.remember, Qt.MouseButton.LeftButton)
            ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
            qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
            assert dialog.result() == dialog.DialogCode.Accepted
            return dialog.answer()
    return Answering()


def test_the_password_is_asked_again_while_refused_and_stored_once_accepted(
        qtbot, url, pg_server, memory_keyring):  # noqa: F811
    target = parse_target(url)
    dialogs = answering_with_the_dialog(qtbot, [("wrong", True), (pg_server.PASSWORD, True)])
    open_or_recover(target, False, dialogs)
    close_database()
    assert "asks for a password for the user incident_desk" in dialogs.shown[0]
    assert "refused the password of the user incident_desk (the one typed)" in \
        dialogs.shown[1]
    assert memory_keyring.secrets == {(SERVICE, password_name(target)): pg_server.PASSWORD}
    # the next start takes it from the keyring, asking nothing
    open_or_recover(target, False, answering_with_the_dialog(qtbot, []))
    close_database()


def test_a_stored_password_refused_is_asked_again(qtbot, url, pg_server,  # noqa: F811
                                                 memory_keyring):
    target = parse_target(url)
    memory_keyring.secrets[(SERVICE, password_name(target))] = "changed on the server"
    dialogs = answering_with_the_dialog(qtbot, [(pg_server.PASSWORD, False)])
    open_or_recover(target, False, dialogs)
    close_database()
    assert "(the one stored in this computer's keyring)" in dialogs.shown[0]
    # not to be remembered: the stale one is left for the user to replace
    assert memory_keyring.secrets == {(SERVICE, password_name(target)):
                                      "changed on the server"}


def test_cancelling_the_password_opens_nothing(url, memory_keyring):
    dialogs = ScriptedDialogs()
    dialogs.passwords.append(None)
    with pytest.raises(DatabaseOpenError, match="No password was given"):
        open_or_recover(parse_target(url), False, dialogs)
    assert [kind for kind, *_ in dialogs.calls] == ["ask_database_password"]


def test_the_main_window_opens_on_a_postgresql_url(qtbot, pg_url, tmp_path):  # noqa: F811
    target = parse_target(pg_url)
    dialogs = ScriptedDialogs()
    open_or_recover(target, False, dialogs)
    try:
        window = make_window(target, dialogs, QSettings(str(tmp_path / "s.ini"),
                                                        QSettings.Format.IniFormat),
                             user=current_user())
        qtbot.addWidget(window)
        window.show()
        assert window.windowTitle() == f"Incident Desk — {target.dbname} on 127.0.0.1"
        assert pg_url in [label.text() for label in window.statusBar().findChildren(QLabel)]
        assert window.drafts.path.parent == server_drafts_folder()
        about = window.data.open_about()
        assert about.database.text() == pg_url
        assert "administrator backs it up" in about.findChild(QLabel, "about_backups").text()
        about.close()
        backups = window.open_backups()
        assert "pg_dump" in backups.findChild(QLabel, "backupsWhere").text()
        assert not backups.back_up_button.isVisible()
        backups.close()
        assert window.on_backup_due() is not None  # the hourly check: nothing written
        qtbot.waitUntil(lambda: window.backup_job is None, timeout=10_000)
        window.close()
    finally:
        close_database()
    assert dialogs.calls == []


def test_run_gui_starts_on_a_url_asking_the_password_once(qtbot, url, pg_server,  # noqa: F811
                                                         memory_keyring):
    """The whole start: the URL as --db gives it, the password asked and remembered, the
    window shown; closed as soon as it is up."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.views.application import run_gui
    from app.views.main_window import MainWindow

    shown: list[str] = []

    def close_when_shown() -> None:
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            QTimer.singleShot(50, close_when_shown)
            return
        shown.append(windows[0].windowTitle())
        for widget in QApplication.topLevelWidgets():
            widget.close()

    dialogs = answering_with_the_dialog(qtbot, [(pg_server.PASSWORD, True)])
    QTimer.singleShot(0, close_when_shown)
    assert run_gui(url, dialogs=dialogs) == 0
    assert shown == [f"Incident Desk — {parse_target(url).dbname} on 127.0.0.1"]
    assert memory_keyring.secrets == {(SERVICE, password_name(parse_target(url))):
                                      pg_server.PASSWORD}
