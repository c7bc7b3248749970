"""The window's actions on the organisation and its data beyond single incidents: teams,
the organisation's name and logo, the first-run welcome and the About box."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from app.models.entities import User
from app.models.first_run import needs_welcome
from app.views.about_dialog import AboutDialog
from app.views.dialogs import Dialogs
from app.views.organisation_editor import OrganisationDialog
from app.views.teams_dialog import TeamsDialog
from app.views.welcome_dialog import WelcomeDialog
from app.views.widgets import make_action


class DataActions(QObject):
    """Opens the windows; ``incidents_changed`` says when incidents were added or changed
    (the sample loaded), so the log can be read again."""

    incidents_changed = Signal()

    def __init__(self, window: QWidget, user: User, dialogs: Dialogs, database_path: Path):
        super().__init__(window)
        self._window = window
        self._user = user
        self._dialogs = dialogs
        self._database_path = database_path
        self.shown: QWidget | None = None  # the last window opened (tests read it)

        def action(text, shortcut, slot, tip=""):
            return make_action(window, text, shortcut, slot, tip)

        self.teams_action = action(self.tr("&Teams…"), None, self.open_teams,
                                   self.tr("The teams colleagues work in"))
        self.organisation_action = action(self.tr("&Organisation…"), None,
                                          self.open_organisation,
                                          self.tr("The name and logo reports are printed "
                                                  "with"))
        self.about_action = action(self.tr("&About Incident Desk"), None, self.open_about)

    def _open(self, dialog: QWidget) -> QWidget:
        self.shown = dialog
        dialog.show()
        return dialog

    @Slot()
    def open_teams(self) -> TeamsDialog:
        return self._open(TeamsDialog(self._user, self._dialogs, self._window))

    @Slot()
    def open_organisation(self) -> OrganisationDialog:
        return self._open(OrganisationDialog(self._user, self._dialogs, self._window))

    @Slot()
    def open_about(self) -> AboutDialog:
        return self._open(AboutDialog(self._database_path, self._window))

    def offer_welcome(self) -> WelcomeDialog | None:
        """The welcome, the first time a new database is opened by someone who may set it
        up; None otherwise."""
        if not needs_welcome(self._user):
            return None
        wizard = WelcomeDialog(self._user, self._dialogs, self._window)
        wizard.sample_loaded.connect(lambda _count: self.incidents_changed.emit())
        return self._open(wizard)
