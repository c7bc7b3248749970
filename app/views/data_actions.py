"""The window's actions beyond logging and working single incidents: problems, post-incident
reviews and their improvement actions, the caller's satisfaction, teams, the organisation's
name and logo, the first-run welcome and the About box."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QWidget

from app.models.entities import User
from app.models.first_run import needs_welcome
from app.models.incidents import Change
from app.views.dialogs import Dialogs
from app.views.widgets import make_action

if TYPE_CHECKING:
    from app.views.about_dialog import AboutDialog
    from app.views.dashboard import DashboardWindow
    from app.views.improvement_actions import ImprovementActionsWindow
    from app.views.organisation_editor import OrganisationDialog
    from app.views.problem_link_dialog import ProblemLinkDialog
    from app.views.problems_window import ProblemsWindow
    from app.views.review_dialog import ReviewDialog
    from app.views.satisfaction_dialog import SatisfactionDialog
    from app.views.teams_dialog import TeamsDialog
    from app.views.welcome_dialog import WelcomeDialog


class DataActions(QObject):
    """Opens the windows. ``incidents_changed`` says incidents were added (the sample
    loaded): the log is read again; ``incident_changed`` carries the Change of one incident
    changed in a window here; ``show_incident`` asks the log to show one."""

    incidents_changed = Signal()
    incident_changed = Signal(object)  # a Change
    show_incident = Signal(int)
    show_incidents = Signal(object, str)  # a LogFilter and what it shows, from the dashboard

    def __init__(self, window: QWidget, user: User, dialogs: Dialogs, database_path: Path,
                 current_incident: Callable[[], int | None] = lambda: None):
        super().__init__(window)
        self._window = window
        self._user = user
        self._dialogs = dialogs
        self._database_path = database_path
        self._current_incident = current_incident
        self.shown: QWidget | None = None  # the last window opened (tests read it)
        self.problems: ProblemsWindow | None = None  # one of each, kept while open
        self.actions: ImprovementActionsWindow | None = None
        self.dashboard: DashboardWindow | None = None

        def action(text, shortcut, slot, tip=""):
            return make_action(window, text, shortcut, slot, tip)

        self.link_problem_action = action(
            self.tr("Link to &problem…"), "Ctrl+Shift+J", self.on_link_problem,
            self.tr("Link the selected incident to the problem behind it, or raise one"))
        self.review_action = action(
            self.tr("Post-incident re&view…"), "Ctrl+Shift+V", self.on_review,
            self.tr("Timeline, root cause, lessons and improvement actions of the selected "
                    "incident"))
        self.satisfaction_action = action(
            self.tr("Record &satisfaction…"), "Ctrl+Shift+F", self.on_satisfaction,
            self.tr("The caller's score and comment after the incident"))
        self.problems_action = action(self.tr("Pro&blems"), "Ctrl+Shift+O", self.open_problems,
                                      self.tr("Problems: the causes behind recurring "
                                              "incidents"))
        self.actions_action = action(self.tr("&Improvement actions"), "Ctrl+Shift+I",
                                     self.open_actions,
                                     self.tr("Open and overdue actions from post-incident "
                                             "reviews"))
        self.dashboard_action = action(
            self.tr("&Dashboard"), "Ctrl+D", self.open_dashboard,
            self.tr("Volume, priorities, service levels, escalations, repeat callers, "
                    "satisfaction and problems for a period and a team; a bar opens its "
                    "incidents in the log"))

        self.teams_action = action(self.tr("&Teams…"), None, self.open_teams,
                                   self.tr("The teams colleagues work in"))
        self.organisation_action = action(self.tr("&Organisation…"), None,
                                          self.open_organisation,
                                          self.tr("The name and logo reports are printed "
                                                  "with"))
        self.about_action = action(self.tr("&About Incident Desk"), None, self.open_about)
        self.database_action = action(
            self.tr("&Database…"), "Ctrl+Shift+G", self.open_database_settings,
            self.tr("The database file or PostgreSQL server Incident Desk opens at its next "
                    "start, with a test connection"))

    def _open(self, dialog: QWidget) -> QWidget:
        self.shown = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _chosen_incident(self) -> int | None:
        incident_id = self._current_incident()
        if incident_id is None:
            self._dialogs.inform(self._window, self.tr("No incident chosen"),
                                 self.tr("Select an incident in the log first."))
        return incident_id

    # --- one incident ------------------------------------------------------------------------
    @Slot()
    def on_link_problem(self) -> None:
        if (incident_id := self._chosen_incident()) is not None:
            self.open_link_problem(incident_id)

    def open_link_problem(self, incident_id: int) -> ProblemLinkDialog:
        from app.views.problem_link_dialog import ProblemLinkDialog

        dialog = ProblemLinkDialog(incident_id, self._user, self._dialogs, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self.incident_changed)
        dialog.open_problem_requested.connect(self.open_problem)
        return self._open(dialog)

    @Slot()
    def on_review(self) -> None:
        if (incident_id := self._chosen_incident()) is not None:
            self.open_review(incident_id)

    @Slot(int)
    def open_review(self, incident_id: int) -> ReviewDialog:
        from app.views.review_dialog import ReviewDialog

        dialog = ReviewDialog(incident_id, self._user, self._dialogs, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self.on_review_saved)
        return self._open(dialog)

    @Slot(int)
    def on_review_saved(self, incident_id: int) -> None:
        self.incident_changed.emit(Change(incident_id, fields=("review",)))
        if self.actions is not None:
            self.actions.refresh()

    @Slot()
    def on_satisfaction(self) -> None:
        if (incident_id := self._chosen_incident()) is not None:
            self.open_satisfaction(incident_id)

    def open_satisfaction(self, incident_id: int) -> SatisfactionDialog:
        from app.views.satisfaction_dialog import SatisfactionDialog

        dialog = SatisfactionDialog(incident_id, self._user, self._dialogs, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.recorded.connect(self.incident_changed)
        return self._open(dialog)

    # --- windows of their own --------------------------------------------------------------
    @Slot()
    def open_problems(self) -> ProblemsWindow:
        from app.views.problems_window import ProblemsWindow

        if self.problems is None:
            self.problems = ProblemsWindow(self._user, self._dialogs, self._window)
            self.problems.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.problems.destroyed.connect(lambda: setattr(self, "problems", None))
            self.problems.incident_changed.connect(self.incident_changed)
            self.problems.open_incident_requested.connect(self.show_incident)
        else:
            self.problems.refresh()
        return self._open(self.problems)

    @Slot(int)
    def open_problem(self, problem_id: int) -> ProblemsWindow:
        window = self.open_problems()
        window.show_problem(problem_id)
        return window

    @Slot()
    def open_actions(self) -> ImprovementActionsWindow:
        from app.views.improvement_actions import ImprovementActionsWindow

        if self.actions is None:
            self.actions = ImprovementActionsWindow(self._user, self._dialogs, self._window)
            self.actions.setWindowFlag(Qt.WindowType.Window)
            self.actions.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.actions.destroyed.connect(lambda: setattr(self, "actions", None))
            self.actions.open_incident.connect(self.show_incident)
            self.actions.open_review.connect(self.open_review)
        else:
            self.actions.refresh()
        return self._open(self.actions)

    @Slot()
    def open_dashboard(self) -> DashboardWindow:
        if self.dashboard is None:
            # imported when first opened: the dashboard brings QtCharts and ReportLab,
            # which the window's start does not need (issue 9, cold start)
            from app.views.dashboard import DashboardWindow

            self.dashboard = DashboardWindow(self._window)
            self.dashboard.setWindowFlag(Qt.WindowType.Window)
            self.dashboard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.dashboard.destroyed.connect(lambda: setattr(self, "dashboard", None))
            self.dashboard.show_incidents.connect(self.show_incidents)
            self.dashboard.resize(1200, 860)
        else:
            self.dashboard.refresh()
        return self._open(self.dashboard)

    @Slot()
    def open_teams(self) -> TeamsDialog:
        from app.views.teams_dialog import TeamsDialog

        return self._open(TeamsDialog(self._user, self._dialogs, self._window))

    @Slot()
    def open_organisation(self) -> OrganisationDialog:
        from app.views.organisation_editor import OrganisationDialog

        return self._open(OrganisationDialog(self._user, self._dialogs, self._window))

    @Slot()
    def open_database_settings(self) -> QWidget:
        """File › Database…: the database of the next start (imported when first asked
        for: the window's start does not wait for it)."""
        from app.views.database_dialog import DatabaseDialog

        return self._open(DatabaseDialog(self._database_path, self._dialogs, self._window))

    def open_about(self) -> AboutDialog:
        from app.views.about_dialog import AboutDialog

        return self._open(AboutDialog(self._database_path, self._window))

    def offer_welcome(self) -> WelcomeDialog | None:
        """The welcome, the first time a new database is opened by someone who may set it
        up; None otherwise."""
        if not needs_welcome(self._user):
            return None
        from app.views.welcome_dialog import WelcomeDialog  # a new database's only

        wizard = WelcomeDialog(self._user, self._dialogs, self._window)
        wizard.sample_loaded.connect(lambda _count: self.incidents_changed.emit())
        return self._open(wizard)
