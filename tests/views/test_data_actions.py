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


def test_an_incident_is_linked_to_a_new_problem_from_the_incident_menu(qtbot, open_window,
                                                                       advisor, dialogs):
    from app.models.incidents import create_incident
    from app.models.problems import problem_of
    from app.views.problem_link_dialog import ProblemLinkDialog
    from tests.conftest import make_draft
    from tests.views.helpers import click

    window = open_window(advisor)
    menu_action(window, "Incident", "Link to problem…").trigger()  # nothing chosen yet
    assert dialogs.calls[-1][1:] == ("No incident chosen", "Select an incident in the log "
                                                           "first.")
    incident = create_incident(make_draft(), advisor)
    window.on_refresh()
    window.select_incident(incident.id)
    menu_action(window, "Incident", "Link to problem…").trigger()
    dialog = window.data.shown
    assert isinstance(dialog, ProblemLinkDialog)
    with qtbot.waitSignal(dialog.changed):
        click(qtbot, dialog.raise_button)
    problem = problem_of(incident.id)
    assert problem.reference in window.detail.problem_label.text()


def test_the_problems_and_actions_windows_open_once_and_show_an_incident(qtbot, open_window,
                                                                         leader):
    window = open_window(leader)
    menu_action(window, "View", "Problems").trigger()
    problems = window.data.problems
    assert problems is not None and problems.isVisible()
    menu_action(window, "View", "Problems").trigger()
    assert window.data.problems is problems  # brought forward, not opened twice
    menu_action(window, "View", "Improvement actions").trigger()
    assert window.data.actions is not None and window.data.actions.isVisible()


def test_a_dashboard_bar_opens_its_incidents_in_the_log(qtbot, open_window, advisor,
                                                         colleague, leader):
    from app.models.dashboard_stats import Preset
    from app.views.incident_table_model import PriorityRole
    from tests.models.dashboard_data import NOVEMBER, log_dashboard_month
    from tests.views.test_dashboard import click_bar

    log_dashboard_month(advisor, colleague, leader)
    window = open_window(leader)
    assert window.model.rowCount() != 2  # the open ones, not November's P1s
    action = menu_action(window, "Reports", "Dashboard")
    assert action.shortcut().toString() == "Ctrl+D"
    with qtbot.waitSignal(window.data.dashboard_action.triggered):
        action.trigger()
    dashboard = window.data.dashboard
    assert dashboard is not None and dashboard.isVisible()
    dashboard.resize(1200, 900)
    qtbot.waitUntil(lambda: dashboard.stats is not None, timeout=10_000)
    with qtbot.waitSignal(dashboard.updated, timeout=10_000):
        dashboard.choose_preset(Preset.LAST_MONTH)
    assert dashboard.period() == NOVEMBER
    click_bar(qtbot, dashboard.priority_chart, 0, 0, 2)  # P1: two in November
    assert window.model.rowCount() == 2
    assert [window.model.data(window.model.index(r, 0), PriorityRole) for r in range(2)] == [1, 1]
    bar = window.filter_bar  # the filter shown where the user sets it, nothing left over
    assert bar.priority.currentText().startswith("P1")
    assert bar.use_dates.isChecked()
    assert (bar.date_from.date().toPython(), bar.date_to.date().toPython()) == NOVEMBER
    assert bar.chip.isHidden()
    menu_action(window, "Reports", "Dashboard").trigger()
    assert window.data.dashboard is dashboard  # brought forward, not opened twice


def test_an_assessor_is_offered_no_change_in_the_menus(qtbot, open_window, log_three, advisor):
    from PySide6.QtCore import Qt

    from app.models.permissions import Role
    from app.models.users import ensure_user
    from app.views.incident_form import IncidentForm

    assessor = ensure_user("ada.assessor", "Ada Assessor", Role.ASSESSOR)
    window = open_window(assessor)
    menus = {top.text().replace("&", ""): [a.text().replace("&", "") for a in
                                            top.menu().actions() if a.isVisible()]
             for top in window.menuBar().actions()}
    for hidden in ("New incident…", "Edit incident…", "Prioritise…", "Escalate…",
                   "Record update…", "Link to problem…", "Record satisfaction…"):
        assert hidden not in menus["Incident"]
    assert "Import incidents…" not in menus["File"]
    assert "Export incidents…" not in menus["File"]
    assert {"Print…", "Export PDF…"} <= set(menus["File"])  # masked reports stay
    assert "Post-incident review…" in menus["Incident"]  # read, not written
    window.select_incident(log_three[0].id)
    qtbot.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    index = window.model.index(window.model.row_of(log_three[0].id), 0)
    qtbot.mouseDClick(window.table.viewport(), Qt.MouseButton.LeftButton,
                      pos=window.table.visualRect(index).center())
    assert not [w for w in window.findChildren(IncidentForm) if w.isVisible()]

    window = open_window(advisor)  # the same menus offer an advisor their work
    incident_menu = next(top.menu() for top in window.menuBar().actions()
                         if top.text().replace("&", "") == "Incident")
    assert "New incident…" in [a.text().replace("&", "") for a in incident_menu.actions()
                               if a.isVisible()]
