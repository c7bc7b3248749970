"""What the user is told when an action fails in a way no window foresaw.

Qt calls our slots from its event loop: an exception raised there is printed to a console
an advisor never sees, and the click seems to do nothing. Installed at start-up, the hook
says what happened in a message instead:

- the database cannot be used for a moment (the PostgreSQL server restarted or is out of
  reach, a SQLite file locked past its busy timeout by a long import): "Not done", with
  the reason and what to do; nothing is lost that the user can see, and the next action
  connects again;
- anything else: "Unexpected error", naming the error and the log file where its details
  (the traceback) were written, so that support can be given them.

Every error goes to the log file (``incident-desk.log`` in the user's log folder, kept to
a few hundred kilobytes).
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType

import peewee
import platformdirs
from PySide6.QtWidgets import QApplication, QWidget

from app import APP_NAME, ORGANISATION
from app.models.db import ConnectionLostError
from app.views.dialogs import Dialogs
from app.views.text import tr

log = logging.getLogger(__name__)
LOG_NAME = "incident-desk.log"
LOG_BYTES = 512 * 1024  # then rolled over to .1, .2
LOG_COPIES = 2
CONTEXT = "ErrorHook"


def log_file() -> Path:
    """Where the application's log is written (``%LOCALAPPDATA%\\...\\Logs`` on Windows)."""
    return platformdirs.user_log_path(APP_NAME, ORGANISATION) / LOG_NAME


def start_logging(path: Path) -> logging.Handler | None:
    """Send warnings and errors to the log file at ``path``: the handler, to be removed
    with ``logging.getLogger().removeHandler`` at the end; None when the file cannot be
    written (the application runs on, its messages to the console only)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=LOG_BYTES, backupCount=LOG_COPIES, encoding="utf-8")
    except OSError as exc:
        log.warning("Cannot write the log file %s: %s", path, exc)
        return None
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    return handler


@contextlib.contextmanager
def reporting_errors(dialogs: Dialogs, path: Path | None = None) -> Iterator[ErrorHook]:
    """While the window runs: errors logged to ``path`` (default :func:`log_file`) and
    told through ``dialogs``; both undone after."""
    path = path or log_file()
    handler = start_logging(path)
    hook = ErrorHook(dialogs, path if handler is not None else None).install()
    try:
        yield hook
    finally:
        hook.uninstall()
        if handler is not None:
            logging.getLogger().removeHandler(handler)
            handler.close()


def is_database_unavailable(error: BaseException) -> bool:
    """The database cannot be used for a moment, through no fault of the action: the
    server's connection lost, or the file locked by another writer past the wait."""
    if isinstance(error, ConnectionLostError):
        return True
    return isinstance(error, peewee.OperationalError) and "locked" in str(error)


def explain(error: BaseException, log_path: Path | None) -> tuple[str, str]:
    """The title and text of the message for ``error``."""
    if is_database_unavailable(error):
        return (tr(CONTEXT, "Not done"), tr(
            CONTEXT, "{reason}\n\nWhat you asked for was not done. Nothing you typed in an "
            "open form is lost; try again in a moment.").format(reason=error))
    where = (tr(CONTEXT, "The details are in {file}.").format(file=log_path)
             if log_path is not None else tr(CONTEXT, "The details could not be logged."))
    return (tr(CONTEXT, "Unexpected error"), tr(
        CONTEXT, "Something went wrong: {kind}: {error}\n\nWhat you were doing may not have "
        "been finished: check it. {where}").format(
            kind=type(error).__name__, error=error, where=where))


class ErrorHook:
    """``sys.excepthook`` while the window runs; :meth:`uninstall` puts the old one back."""

    def __init__(self, dialogs: Dialogs, log_path: Path | None,
                 parent: Callable[[], QWidget | None] = QApplication.activeWindow):
        self._dialogs = dialogs
        self._log_path = log_path
        self._parent = parent
        self._showing = False
        self._previous = sys.excepthook

    def install(self) -> ErrorHook:
        sys.excepthook = self
        return self

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self._previous

    def __call__(self, kind: type[BaseException], error: BaseException,
                 traceback: TracebackType | None) -> None:
        if not isinstance(error, Exception):  # KeyboardInterrupt, SystemExit
            self._previous(kind, error, traceback)
            return
        level = logging.WARNING if is_database_unavailable(error) else logging.ERROR
        log.log(level, "Not handled: %s", error, exc_info=(kind, error, traceback))
        if self._showing:  # one message at a time: another error while it is shown
            return
        self._showing = True
        try:
            title, text = explain(error, self._log_path)
            self._dialogs.error(self._parent(), title, text)
        finally:
            self._showing = False
