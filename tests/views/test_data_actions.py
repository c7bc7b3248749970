"""The Settings and Help menus' windows, opened from the main window's menus."""

import pytest
from PySide6.QtWidgets import QMenu

from app.views.about_dialog import AboutDialog
from app.views.organisation_editor import OrganisationDialog
from app.views.teams_dialog import TeamsDialog
from app.views.welcome_dialog import WelcomeDialog

pytestmark = pytest.mark.gui


def menu_action(window, menu_title: str, text: str):
    """The action a user finds in the menu bar, by the words shown."""
    for top in window.menuBar().actions():
        if top.text().replace("&", "") == menu_title:
            menu: QMenu = top.menu()
            for act in menu.actions():
                if act.text().replace("&", "") == text:
                    return act
    raise AssertionError(f"{menu_title} › {text} is not in the menus")


def test_help_about_shows_the_database_in_use(qtbot, open_window, db_path):
    window = open_window()
    menu_action(window, "Help", "About Incident Desk").trigger()
    about = window.data.shown
    assert isinstance(about, AboutDialog) and about.isVisible()
    assert about.database.text() == str(db_path)


def test_settings_offers_the_teams_and_the_organisation(qtbot, open_window, leader):
    window = open_window(leader)
    menu_action(window, "Settings", "Teams…").trigger()
    assert isinstance(window.data.shown, TeamsDialog)
    assert window.data.shown.add_button.isEnabled()
    menu_action(window, "Settings", "Organisation…").trigger()
    assert isinstance(window.data.shown, OrganisationDialog)


def test_the_welcome_is_offered_once_and_only_to_who_may_set_up(qtbot, open_window, leader,
                                                               advisor):
    assert open_window(advisor).data.offer_welcome() is None
    window = open_window(leader)
    wizard = window.data.offer_welcome()
    assert isinstance(wizard, WelcomeDialog) and wizard.isVisible()
    wizard.reject()
    assert window.data.offer_welcome() is None
