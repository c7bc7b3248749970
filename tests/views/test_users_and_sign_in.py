"""The users screen and the sign-in dialog, driven as an administrator and at start-up."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.models.accounts import set_password, set_passwords_required
from app.models.entities import User
from app.models.permissions import Role
from app.models.sign_in import remember_name
from app.models.users import ensure_user
from app.views.application import signed_in_user
from app.views.sign_in_dialog import SignInDialog
from app.views.users_dialog import UsersDialog
from tests.keyring_memory import no_keyring, use_keyring

pytestmark = pytest.mark.gui

GOOD = "correct horse battery"
DOCS = Path(__file__).resolve().parents[2] / "docs"
SCREENSHOTS = os.environ.get("INCIDENT_DESK_SCREENSHOTS") == "1"


def screenshot(widget, name: str) -> None:
    if SCREENSHOTS:
        assert widget.grab().save(str(DOCS / name))


@pytest.fixture
def admin(db):
    return ensure_user("ada.admin", "Ada Admin", Role.ADMINISTRATOR)


def shown_rows(dialog: UsersDialog) -> list[list[str]]:
    return [[dialog.table.item(r, c).text() for c in range(dialog.table.columnCount())]
            for r in range(dialog.table.rowCount())]


def choose_user(dialog: UsersDialog, username: str) -> None:
    row = next(r for r in range(dialog.table.rowCount())
               if dialog.table.item(r, 0).text() == username)
    dialog.table.selectRow(row)


def test_an_administrator_adds_a_user_gives_a_role_and_a_password(qtbot, admin, dialogs):
    dialog = UsersDialog(admin, dialogs)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "bo.leader")
    qtbot.keyClicks(dialog.display_name, "Bo Leader")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == ""
    assert ["bo.leader", "Bo Leader", "Advisor", "", "Yes", "None"] in shown_rows(dialog)

    dialog.role.setCurrentIndex(dialog.role.findData(Role.TEAM_LEADER.value))
    qtbot.mouseClick(dialog.role_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.password, GOOD)
    qtbot.keyClicks(dialog.repeated, GOOD)
    qtbot.mouseClick(dialog.password_button, Qt.MouseButton.LeftButton)
    assert ["bo.leader", "Bo Leader", "Team leader", "", "Yes", "Set"] in shown_rows(dialog)
    assert dialogs.calls[-1] == ("inform", "Users", "The password is set.")
    assert dialog.password.text() == "" and dialog.repeated.text() == ""

    qtbot.mouseClick(dialog.active_button, Qt.MouseButton.LeftButton)
    assert ["bo.leader", "Bo Leader", "Team leader", "", "No", "Set"] in shown_rows(dialog)
    assert dialog.active_button.text() == "Re&activate"
    screenshot(dialog, "users-dialog.png")


def test_refusals_are_shown_naming_what_is_wrong(qtbot, admin, dialogs):
    dialog = UsersDialog(admin, dialogs)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "ADA.ADMIN")
    qtbot.keyClicks(dialog.display_name, "Other Ada")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert "The username ADA.ADMIN is taken" in dialog.message.text()
    assert dialog.username.text() == "ADA.ADMIN"  # kept to correct

    choose_user(dialog, "ada.admin")
    qtbot.mouseClick(dialog.active_button, Qt.MouseButton.LeftButton)
    assert "last active administrator" in dialog.message.text()
    qtbot.keyClicks(dialog.password, "short")
    qtbot.keyClicks(dialog.repeated, "short")
    qtbot.mouseClick(dialog.password_button, Qt.MouseButton.LeftButton)
    assert "at least 10 characters" in dialog.message.text()

    dialog.require.click()  # the administrator has no password yet
    assert "Set your own password first" in dialog.message.text()
    assert not dialog.require.isChecked()


def test_only_administrators_see_the_menu_item(open_window, admin, advisor):
    assert open_window(admin).users_action.isVisible()
    assert not open_window(advisor).users_action.isVisible()


def make_required(admin) -> None:
    set_password(admin.id, GOOD, GOOD, admin)
    set_passwords_required(True, admin)


def test_a_wrong_password_is_told_without_saying_which_part(qtbot, admin, dialogs,
                                                           memory_keyring):
    make_required(admin)
    dialog = SignInDialog("/tmp/db.sqlite", dialogs)
    qtbot.addWidget(dialog)
    dialog.username.setText("ada.admin")
    qtbot.keyClicks(dialog.password, "not the password")
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "The username or password is wrong."
    assert dialog.username.text() == "ada.admin" and dialog.password.text() == ""
    assert dialog.user is None
    screenshot(dialog, "sign-in.png")
    for _ in range(4):
        qtbot.keyClicks(dialog.password, "still wrong")
        qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert "Wait 30 seconds before trying again" in dialog.message.text()


def test_remember_me_signs_in_at_the_next_start_until_signed_out(
        qtbot, admin, db_target, dialogs, memory_keyring, open_window):
    make_required(admin)
    place = str(db_target)  # the file's whole path, or the database's URL
    dialog = SignInDialog(place, dialogs)
    qtbot.addWidget(dialog)
    dialog.username.setText("ada.admin")
    qtbot.keyClicks(dialog.password, GOOD)
    dialog.remember.setChecked(True)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert dialog.user == admin and dialog.result() == dialog.DialogCode.Accepted
    assert ("Incident Desk", remember_name(place)) in memory_keyring.secrets

    assert signed_in_user(db_target, dialogs) == admin  # no dialog this time

    window = open_window(admin)
    dialogs.answers.append(True)
    window.sign_out_action.trigger()
    assert memory_keyring.secrets == {}
    assert User.get_by_id(admin.id).remember_hash == ""
    assert not window.isVisible()


def test_without_a_keyring_remember_me_is_off_and_says_why(qtbot, admin, dialogs):
    make_required(admin)
    with use_keyring(no_keyring()):
        dialog = SignInDialog("/tmp/db.sqlite", dialogs)
        qtbot.addWidget(dialog)
        assert not dialog.remember.isEnabled()
        assert "no system keyring service" in dialog.keyring_note.text()
        assert "asked for each time" in dialog.keyring_note.text()
        dialog.username.setText("ada.admin")
        qtbot.keyClicks(dialog.password, GOOD)
        qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
        assert dialog.user == admin


def test_a_user_changes_their_own_password_giving_the_current_one_first(
        qtbot, open_window, advisor, dialogs):
    from app.models.sign_in import SignInError, sign_in
    from app.views.password_dialog import ChangePasswordDialog
    from tests.views.helpers import click
    from tests.views.test_data_actions import menu_action

    window = open_window(advisor)
    menu_action(window, "File", "Change my password…").trigger()
    dialog = window.password_dialog
    assert isinstance(dialog, ChangePasswordDialog) and dialog.isVisible()
    assert not dialog.has_password  # none yet: no current password asked
    qtbot.keyClicks(dialog.password, "short")
    qtbot.keyClicks(dialog.repeated, "short")
    click(qtbot, dialog.ok_button)
    assert dialog.errors.labels["password"].text().startswith("The password is too short")
    assert dialog.isVisible() and not User.get_by_id(advisor.id).password_hash
    qtbot.keyClicks(dialog.password, "first long secret")
    qtbot.keyClicks(dialog.repeated, "first long secret")
    click(qtbot, dialog.ok_button)
    assert dialogs.calls[-1] == ("inform", "Change my password", "Your password is changed.")
    assert sign_in("sam.advisor", "first long secret").id == advisor.id

    dialog = window.open_password()  # now the current one comes first
    assert dialog.has_password and dialog.current.isVisibleTo(dialog)
    qtbot.keyClicks(dialog.current, "not it at all")
    qtbot.keyClicks(dialog.password, "second long secret")
    qtbot.keyClicks(dialog.repeated, "second long secret")
    click(qtbot, dialog.ok_button)
    assert dialog.errors.labels["current"].text() == "That is not your current password."
    with pytest.raises(SignInError):
        sign_in("sam.advisor", "second long secret")
    qtbot.keyClicks(dialog.current, "first long secret")
    qtbot.keyClicks(dialog.password, "second long secret")
    qtbot.keyClicks(dialog.repeated, "second long secret")
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    assert sign_in("sam.advisor", "second long secret").id == advisor.id


def test_signing_out_hands_the_workstation_to_the_next_person(qtbot, admin, advisor, db_path,
                                                             dialogs, memory_keyring):
    """The whole start (run_gui): where passwords are required, Sign out closes the window
    and asks who signs in next; that person's window opens, and cancelling then ends."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.models.db import close_database
    from app.views.application import run_gui
    from app.views.main_window import MainWindow

    make_required(admin)
    set_password(advisor.id, GOOD, GOOD, admin)
    close_database()  # run_gui opens it as a start does
    seen: list[str] = []
    people = iter(["ada.admin", "sam.advisor"])
    done = False

    def act() -> None:
        if done:
            return
        shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        signing_in = [w for w in shown if isinstance(w, SignInDialog)]
        windows = [w for w in shown if isinstance(w, MainWindow)]
        if signing_in:
            dialog = signing_in[0]
            dialog.username.setText(next(people, "nobody"))
            if dialog.username.text() == "nobody":
                dialog.reject()  # a third sign-in: nobody else comes, the start ends
                return
            dialog.password.setText(GOOD)
            dialog.sign_in_button.click()
        elif windows:
            window = windows[0]
            seen.append(window._operations.user.username)
            dialogs.answers.append(True)
            window.sign_out_action.trigger()
        QTimer.singleShot(50, act)

    QTimer.singleShot(0, act)
    try:
        assert run_gui(db_path, dialogs=dialogs) == 0
    finally:
        done = True
    assert seen == ["ada.admin", "sam.advisor"]
    confirms = [text for kind, _, text in dialogs.calls if kind == "confirm"]
    assert len(confirms) == 2 and all("the next person signs in" in t for t in confirms)
