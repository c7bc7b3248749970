"""Start the window: the Qt application, the database, the signed-in user."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app import APP_NAME, ORGANISATION, __version__
from app.models.db import DatabaseOpenError, close_database, open_database
from app.models.entities import User
from app.models.users import current_user
from app.views.dialogs import Dialogs
from app.views.main_window import MainWindow
from app.views.operations import IncidentOperations


def application_icon() -> QIcon:
    icon = resources.files("app.resources").joinpath("icon.svg")
    with resources.as_file(icon) as path:
        return QIcon(str(path))


def make_window(database_path: Path, dialogs: Dialogs | None = None,
                settings: QSettings | None = None, user: User | None = None) -> MainWindow:
    """The main window over the database already opened at ``database_path``."""
    operations = IncidentOperations(user or current_user())
    window = MainWindow(operations, dialogs or Dialogs(), settings or QSettings(),
                        database_path)
    operations.setParent(window)
    return window


def run_gui(database_path: Path, create_folder: bool = False,
            dialogs: Dialogs | None = None) -> int:
    """Open the window on ``database_path``; returns the exit code.

    Raises:
        DatabaseOpenError: after telling the user, in a message box, why it cannot open.
    """
    app = QApplication.instance() or QApplication(sys.argv)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(application_icon())
    dialogs = dialogs or Dialogs()
    try:
        open_database(database_path, create_folder=create_folder)
    except DatabaseOpenError as exc:
        dialogs.error(None, APP_NAME, str(exc))
        raise
    try:
        window = make_window(database_path.expanduser().absolute(), dialogs)
        window.show()
        window.start_automatic_backups()
        return app.exec()
    finally:
        close_database()
