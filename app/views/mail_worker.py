"""Email sent off the GUI thread, its outcome delivered back on it; the SMTP password found
in the keyring or asked for.

A send can wait on the network for as long as the mail settings' timeout, several times
over (connect, TLS, login, each command), so it never runs on the GUI thread::

    password = ask_smtp_password(window, settings, dialogs)
    if password is not None:
        job = start_send(settings, password, "zoe@example.org", subject, body, window)
        job.sent.connect(window.on_update_sent)      # (message id)
        job.failed.connect(window.on_update_failed)  # (one sentence saying why)
"""

from __future__ import annotations

import contextlib
import logging

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QWidget

from app.models.mail import (
    MailError,
    MailSettings,
    MailSettingsError,
    send_mail,
    smtp_password,
    store_smtp_password,
)
from app.models.secrets import KeyringUnavailableError
from app.views.dialogs import Dialogs
from app.views.text import tr

log = logging.getLogger(__name__)

# Jobs without a parent, kept alive until their outcome has been delivered on the GUI thread
# (a job with a parent lives as long as the parent).
_RUNNING: set[MailJob] = set()


class MailJob(QObject):
    """One email being sent; says on the GUI thread whether it went."""

    sent = Signal(str)  # the Message-ID
    failed = Signal(str)  # why not, in one sentence
    _outcome = Signal(str, str)  # (message id, error), emitted on the worker thread

    def __init__(self, to: str, parent: QObject | None = None):
        super().__init__(parent)
        self.to = to
        self.message_id: str | None = None
        self.error: str | None = None
        self._outcome.connect(self.on_outcome, Qt.ConnectionType.QueuedConnection)

    @property
    def done(self) -> bool:
        return self.message_id is not None or self.error is not None

    @Slot(str, str)
    def on_outcome(self, message_id: str, error: str) -> None:
        _RUNNING.discard(self)
        if error:
            self.error = error
            self.failed.emit(error)
        else:
            self.message_id = message_id
            self.sent.emit(message_id)


def start_send(settings: MailSettings, password: str | None, to: str, subject: str,
               body: str, parent: QObject | None = None) -> MailJob:
    """Send an email on a worker thread; the job returned says how it went.

    ``password`` is the SMTP password (``ask_smtp_password`` finds it): the worker
    touches neither the keyring nor the database.
    """
    job = MailJob(to, parent)
    if parent is None:
        _RUNNING.add(job)

    def send() -> None:  # on a worker thread
        try:
            outcome = send_mail(settings, password, to, subject, body), ""
        except MailError as exc:
            outcome = "", str(exc)
        except Exception as exc:  # a bug must not leave the window waiting for ever
            log.exception("sending an email to %s failed", to)
            outcome = "", f"The email was not sent: an unexpected error ({exc})."
        # RuntimeError: the window that asked has been closed and deleted meanwhile
        with contextlib.suppress(RuntimeError):
            job._outcome.emit(*outcome)

    QThreadPool.globalInstance().start(send)
    return job


def ask_smtp_password(parent: QWidget | None, settings: MailSettings,
                      dialogs: Dialogs) -> str | None:
    """The SMTP password for ``settings``: the one in this computer's keyring, else asked
    for (and, where there is a keyring, kept there if the user agrees).

    Returns:
        The password; ``""`` when the server takes mail without a login (no user name is
        set); None when the user cancelled the prompt.
    """
    if not settings.username:
        return ""
    try:
        stored = smtp_password(settings)
        keyring_works = True
    except KeyringUnavailableError:
        stored, keyring_works = None, False
    if stored:
        return stored
    password = dialogs.ask_password(
        parent, tr("MailWorker", "Mail server password"),
        tr("MailWorker", "The password of {user} on the mail server {host}:").format(
            user=settings.username, host=settings.host))
    if not password:
        return None
    if keyring_works and dialogs.confirm(
            parent, tr("MailWorker", "Remember the password?"),
            tr("MailWorker", "Keep this password in this computer's keyring, so that it is "
                             "not asked for again?")):
        try:
            store_smtp_password(settings, password)
        except (KeyringUnavailableError, MailSettingsError) as exc:
            dialogs.error(parent, tr("MailWorker", "Password not remembered"), str(exc))
    return password
