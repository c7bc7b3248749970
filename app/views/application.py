"""Start the window: the Qt application, the database, the signed-in user."""

from __future__ import annotations

import importlib
import logging
import sys
import threading
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget

from app import APP_NAME, ORGANISATION, __version__
from app.models.accounts import passwords_required
from app.models.db import (
    DatabaseOpenError,
    PostgresTarget,
    close_database,
    open_database,
    parse_target,
    pending_upgrades,
)
from app.models.entities import User
from app.models.sign_in import start_user
from app.models.users import current_user
from app.resources import incomplete, resource_name, resource_path
from app.views.detail_pane import import_what_showing_needs
from app.views.dialogs import Dialogs
from app.views.main_window import MainWindow
from app.views.operations import IncidentOperations
from app.views.report_runner import favour_the_gui_thread
from app.views.startup_probe import after_first_paint, install_startup_probe
from app.views.text import tr
from app.views.theme import follow_system_scheme
from app.views.translations import install_translators

if TYPE_CHECKING:
    from app.views.single_instance import InstanceGuard

ICON_FILE = "icon.svg"  # in app/resources
log = logging.getLogger(__name__)


def application_icon() -> QIcon:
    """The window's icon; an empty one, said on stderr, when its file or Qt's SVG support
    is missing from the installation (the window opens without it)."""
    with resources.as_file(resource_path(ICON_FILE)) as path:
        icon = QIcon(str(path)) if path.is_file() else QIcon()
        if icon.isNull():
            problem = incomplete(resource_name(ICON_FILE), f"is missing ({path})",
                                 "The windows have no icon.")
        elif icon.pixmap(32, 32).isNull():
            problem = incomplete("Qt's SVG support (the imageformats/qsvg plugin)",
                                 "is missing", "The windows have no icon.")
        else:
            return icon
    log.warning(problem)
    return icon


Target = Path | PostgresTarget


def make_window(database_path: Target, dialogs: Dialogs | None = None,
                settings: QSettings | None = None, user: User | None = None) -> MainWindow:
    """The main window over the database already opened at ``database_path`` (a file, or a
    PostgreSQL database)."""
    favour_the_gui_thread()  # before any worker thread: the holidays' import, a report
    operations = IncidentOperations(user or current_user())
    window = MainWindow(operations, dialogs or Dialogs(), settings or QSettings(),
                        database_path)
    operations.setParent(window)
    # not before the log is on screen: the import would hold the interpreter meanwhile
    after_first_paint(window.table.viewport(), _import_holidays_in_background)
    after_first_paint(window.table.viewport(), import_what_showing_needs)
    return window


def signed_in_user(database_path: Target, dialogs: Dialogs) -> User | None:
    """Who uses the window: the computer's user, or the remembered one, or whoever the
    sign-in dialog signs in when passwords are required; None when it is cancelled. The
    remembered sign-in is keyed by the file's path or the database's URL."""
    user = start_user(str(database_path))
    if user is not None:
        return user
    return ask_sign_in(database_path, dialogs)


def ask_sign_in(database_path: Target, dialogs: Dialogs) -> User | None:
    """The sign-in dialog's user; None when it is cancelled."""
    from app.views.sign_in_dialog import SignInDialog

    dialog = SignInDialog(str(database_path), dialogs)
    return dialog.user if dialog.exec() == QDialog.DialogCode.Accepted else None


def _import_holidays_in_background() -> None:
    """The first incident shown works its SLA clocks out over bank holidays, and the
    holidays package imports every country's calendar on first use (some 280 modules, half
    a second): imported on a thread of its own once the window has first painted, so that
    the window does not freeze then (issue 9). Started before that paint, the import held
    the interpreter while the log asked for its rows and delayed the window by 60 to 90 ms.
    """
    if "holidays.countries" in sys.modules:
        return
    threading.Thread(target=importlib.import_module, args=("holidays.countries",),
                     name="import-holidays", daemon=True).start()


def open_or_recover(database_path: Target, create_folder: bool, dialogs: Dialogs) -> None:
    """Open the database; when it is a file that is damaged or not ours, offer the latest
    good backup; when it is a PostgreSQL database whose password is missing or refused,
    ask for it (again, until it is accepted or the user cancels).

    Raises:
        DatabaseOpenError: after telling the user why it cannot open (no backup, the offer
            declined, or the restore failed), or when the password was not given. The file
            that failed is never written to.
    """
    try:
        open_database(database_path, create_folder=create_folder)
        return
    except DatabaseOpenError as exc:
        # imported only now: a start that opens its database has no use for it
        from app.models.backup import BackupError, latest_good_backup, restore_database

        if exc.needs_password and isinstance(database_path, PostgresTarget):
            _open_with_password(database_path, str(exc), dialogs)
            return
        backup = (latest_good_backup(database_path)
                  if exc.replaceable and isinstance(database_path, Path) else None)
        question = tr("Recovery", "{problem}\n\nThe latest good backup was taken on {when}. "
                                  "Restore it? The file that could not be opened is kept "
                                  "aside, unchanged, beside it.")
        if backup is None or not dialogs.confirm(
                None, tr("Recovery", "Restore the latest backup?"),
                question.format(problem=exc, when=_backup_time(backup))):
            dialogs.error(None, APP_NAME, str(exc))
            raise
    try:
        aside = restore_database(database_path, backup)
        open_database(database_path)
    except (BackupError, DatabaseOpenError) as exc:
        dialogs.error(None, APP_NAME, str(exc))
        raise DatabaseOpenError(str(exc)) from exc
    dialogs.inform(None, APP_NAME, tr("Recovery", "Restored the backup of {when}. Anything "
                                                  "recorded after it is not in the database; "
                                                  "the file that could not be opened is kept "
                                                  "at {aside}.").format(
        when=_backup_time(backup), aside=aside))


def _open_with_password(target: PostgresTarget, problem: str, dialogs: Dialogs) -> None:
    """Ask the password of ``target`` and open it, asking again while the server refuses
    it; a password is remembered (if the user asked) only once the server accepted it.

    Raises:
        DatabaseOpenError: the user cancelled (nothing said: they chose to), or opening
            failed for another reason (said in a message box).
    """
    while True:
        answer = dialogs.ask_database_password(None, target, problem)
        if answer is None:
            raise DatabaseOpenError(tr("Recovery", "No password was given for {target}: "
                                                   "Incident Desk did not open it.").format(
                target=target), needs_password=True)
        password, remember = answer
        try:
            open_database(target, password=password, remember_password=remember)
            return
        except DatabaseOpenError as exc:
            if not exc.needs_password:
                dialogs.error(None, APP_NAME, str(exc))
                raise
            problem = str(exc)


def _backup_time(backup: Path) -> str:
    from app.models.backup import taken_at

    taken = taken_at(backup)
    return taken.strftime("%d/%m/%Y at %H:%M") if taken else backup.name


def upgrade_notice(database_path: Target) -> QWidget | None:
    """A window saying the database is being upgraded, shown while it is, when it is: with
    millions of history rows an upgrade can take a minute, and a start that shows nothing
    for that long looks like a hang."""
    pending = pending_upgrades(database_path)
    if not pending:
        return None
    notice = QLabel(tr("Upgrade", "Upgrading the database {name} for this version of "
                                  "Incident Desk ({count} change(s)).\nWith many incidents "
                                  "this can take a minute: please wait.").format(
        name=Path(database_path).name, count=len(pending)))
    notice.setObjectName("upgradeNotice")
    notice.setWindowTitle(APP_NAME)
    notice.setMargin(24)
    notice.show()
    QApplication.processEvents()
    return notice


def run_gui(database_path: Target | str, create_folder: bool = False,
            dialogs: Dialogs | None = None) -> int:
    """Open the window on ``database_path`` (a file's path, or a PostgreSQL database as a
    PostgresTarget or its URL); returns the exit code.

    Raises:
        DatabaseOpenError: after telling the user, in a message box, why it cannot open.
    """
    from app.views.error_hook import reporting_errors
    from app.views.single_instance import InstanceGuard

    app = QApplication.instance() or QApplication(sys.argv)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(application_icon())
    follow_system_scheme(app)  # light or dark as the system is, and when it changes
    # kept until the window closes: a translator reads its file's bytes in place
    translators = install_translators(app)  # noqa: F841
    dialogs = dialogs or Dialogs()
    if not isinstance(database_path, PostgresTarget):
        try:  # a file's path made absolute, a URL read
            database_path = parse_target(database_path)
        except DatabaseOpenError as exc:
            dialogs.error(None, APP_NAME, str(exc))
            raise
    guard = InstanceGuard(database_path)
    if not guard.acquire():  # already open here: that window comes forward instead
        if not guard.raised_other:
            dialogs.inform(None, APP_NAME, tr(
                "SingleInstance", "Incident Desk is already starting on {name} on this "
                "computer: carry on in that window.").format(name=_shown_name(database_path)))
        return 0
    try:
        with reporting_errors(dialogs):
            return _run_window(app, database_path, create_folder, dialogs, guard)
    finally:
        guard.release()


def _shown_name(database_path: Target) -> str:
    return database_path.name if isinstance(database_path, Path) else str(database_path)


def _once_shown(window: MainWindow) -> None:
    """The start's tasks, once the window has been painted: the first-run welcome, the
    retention policy, an unsaved incident offered back, and today's backup."""
    window.data.offer_welcome()
    window.apply_retention_policy()
    window.offer_recovered_draft()
    window.start_automatic_backups()


def _run_window(app: QApplication, database_path: Target, create_folder: bool,
                dialogs: Dialogs, guard: InstanceGuard) -> int:
    notice = upgrade_notice(database_path)
    try:
        open_or_recover(database_path, create_folder, dialogs)
    finally:
        if notice is not None:
            notice.close()
    try:
        user = signed_in_user(database_path, dialogs)
        code = 0
        while user is not None:  # None: the sign-in dialog was cancelled
            window = make_window(database_path, dialogs, user=user)
            guard.raise_requested.connect(window.bring_to_front)
            # what may ask something, or read and write much, once the window is on screen
            # (issue 9: they kept it from showing by 20 to 40 ms at a million incidents)
            after_first_paint(window.table.viewport(), lambda w=window: _once_shown(w))
            # the benchmark's cold start ends when the log's first rows are painted
            install_startup_probe(window.table.viewport(), window.model.rowCount)
            window.show()
            code = app.exec()
            guard.raise_requested.disconnect(window.bring_to_front)
            window.deleteLater()
            # signed out where passwords are required: the next person signs in (without
            # them, the computer's user would be signed in again at once: closed instead)
            user = (ask_sign_in(database_path, dialogs)
                    if window.signed_out and passwords_required() else None)
        return code
    finally:
        close_database()
