"""The teams screen, used as a team leader and as an advisor."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel

from app.models.entities import User
from app.models.teams import create_team
from app.views.teams_dialog import TeamsDialog

pytestmark = pytest.mark.gui


def team_names(dialog: TeamsDialog) -> list[str]:
    return [dialog.team_list.item(i).text() for i in range(dialog.team_list.count())]


def team_combo(dialog: TeamsDialog, display_name: str) -> QComboBox:
    for row in range(dialog.members.rowCount()):
        if dialog.members.item(row, 0).text() == display_name:
            return dialog.members.cellWidget(row, 2)
    raise AssertionError(f"{display_name} is not listed")


def test_a_team_leader_adds_a_team_and_puts_a_colleague_in_it(qtbot, leader, advisor, dialogs):
    dialog = TeamsDialog(leader, dialogs)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "Night shift")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert team_names(dialog) == ["Night shift (0)"]
    assert dialog.team_list.currentItem().text() == "Night shift (0)"  # chosen, to rename

    combo = team_combo(dialog, "Sam Advisor")
    combo.setCurrentIndex(combo.findText("Night shift"))
    assert team_names(dialog) == ["Night shift (1)"]
    assert User.get_by_id(advisor.id).team.name == "Night shift"


def test_a_taken_name_is_refused_with_the_reason_shown(qtbot, leader, dialogs):
    create_team("North", leader)
    dialog = TeamsDialog(leader, dialogs)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "north")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert "already a team called North" in dialog.message.text()
    assert dialog.name.text() == "north"  # what was typed is kept
    assert team_names(dialog) == ["North (0)"]


def test_renaming_and_removing_a_team(qtbot, leader, advisor, dialogs):
    from app.models.teams import set_user_team
    north = create_team("North", leader)
    set_user_team(advisor.id, north.id, leader)
    dialog = TeamsDialog(leader, dialogs)
    qtbot.addWidget(dialog)
    dialog.team_list.setCurrentRow(0)
    assert dialog.name.text() == "North"
    dialog.name.setText("North-east")
    qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)
    assert team_names(dialog) == ["North-east (1)"]

    dialogs.answers.append(True)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert "Remove the team North-east?" in dialogs.calls[-1][2]
    assert team_names(dialog) == []
    assert team_combo(dialog, "Sam Advisor").currentText() == "No team"


def test_an_advisor_sees_the_teams_but_cannot_change_them(qtbot, leader, advisor, dialogs):
    create_team("North", leader)
    dialog = TeamsDialog(advisor, dialogs)
    qtbot.addWidget(dialog)
    assert team_names(dialog) == ["North (0)"]
    note = dialog.findChild(QLabel, "read_only_note")
    assert "Only team leaders and administrators" in note.text()
    assert not dialog.add_button.isEnabled()
    assert not dialog.name.isEnabled()
    assert not team_combo(dialog, "Sam Advisor").isEnabled()
