"""Slow work (writing a report, printing one) run off the GUI thread, with a progress dialog
and a Cancel button; its outcome delivered back on the GUI thread.

The work is a callable that takes ``progress(done, total)`` and ``cancelled()`` and returns
what it made (the path of the report written); it stops by raising
:class:`~app.reports.progress.ReportCancelled` when ``cancelled()`` turns true, which a
report written through ``write_atomically`` does without leaving a file behind::

    job = run_report(window, lambda progress, cancelled: write_period_pdf(
                         path, incidents, Progress(progress, cancelled)),
                     window.tr("Period report"), window.tr("Writing the period report…"),
                     dialogs)
    job.finished.connect(window.on_report_written)  # (the path written)

A failure is shown through the ``Dialogs`` seam and announced by ``failed``; a cancelled
job announces ``cancelled`` and shows nothing.

Work that must stay on the GUI thread (drawing with QtPdf, whose documents cannot be used
from two threads at once) goes to :func:`run_steps` instead: a generator done a short
slice at a time between events, behind the same progress dialog.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
from collections.abc import Callable, Generator
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from app.models.db import database
from app.reports.files import ReportError
from app.reports.progress import CancelledCheck, ProgressCallback, ReportCancelled
from app.views.dialogs import Dialogs
from app.views.text import tr

log = logging.getLogger(__name__)

# (progress, cancelled) -> what the work made: the path written, for a report
Work = Callable[[ProgressCallback, CancelledCheck], Any]
# yields (done, total) after each short slice of work; returns what the work made
Steps = Generator[tuple[int, int], None, Any]
SHOW_AFTER_MS = 300  # the progress dialog is not shown for work done sooner

# Jobs without a parent, kept alive until their outcome has been delivered on the GUI thread.
_RUNNING: set[ReportJob] = set()

# How long a thread waiting for the GIL lets the thread holding it run on before asking it
# to let go (the interpreter's default is 5 ms). Qt calls the models' data() and the other
# Python overrides hundreds of times a paint, and each call takes the GIL again: behind a
# worker busy in Python (an import checking 81,000 rows at a million incidents), each waited
# up to 5 ms, and the window stood still 0.3 to 2.2 s while the log repainted. At 20 µs the
# longest stall was 60 to 69 ms, and the worker took as long (10 s) as before.
GUI_SWITCH_INTERVAL_S = 20e-6


def favour_the_gui_thread() -> None:
    """Let the GUI thread have the GIL back at once from a worker thread busy in Python
    (see :data:`GUI_SWITCH_INTERVAL_S`); for the processes that show windows, not the
    command line's."""
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)


class ReportJob(QObject):
    """One piece of slow work, on a worker thread (:func:`run_in_background`) or a slice at
    a time on the GUI thread (:func:`run_steps`); says on the GUI thread how it went."""

    progressed = Signal(int, int)  # (done, total)
    finished = Signal(object)  # what the work returned: the path written, for a report
    failed = Signal(str)  # why not, in one sentence or two
    cancelled = Signal()
    # emitted on the worker thread, delivered on the GUI thread
    _progress = Signal()  # the latest progress is waiting in _latest
    _outcome = Signal(str, object)  # ("finished", result), ("failed", message), ("cancelled", None)

    def __init__(self, title: str, parent: QObject | None = None):
        super().__init__(parent)
        self.title = title
        self.state = "running"  # then "finished", "failed" or "cancelled"
        self.result: Any = None
        self.error: str | None = None
        self.progress_dialog: QProgressDialog | None = None
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._latest: tuple[int, int] | None = None  # (done, total) not yet shown
        self._shown: tuple[int, int] | None = None  # the last (done, total) shown
        self._progress.connect(self.on_progress, Qt.ConnectionType.QueuedConnection)
        self._outcome.connect(self.on_outcome, Qt.ConnectionType.QueuedConnection)

    @property
    def done(self) -> bool:
        return self.state != "running"

    def cancel(self) -> None:
        """Ask the work to stop; it does at its next check, then ``cancelled`` is emitted
        (or ``finished``, if it had already finished)."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        """Whether the user has cancelled (the work's ``cancelled()``: any thread)."""
        return self._cancel.is_set()

    def report_progress(self, done: int, total: int) -> None:
        """The work's ``progress(done, total)`` (on the worker thread). At most one report
        waits for the GUI thread at a time, holding the latest figures: a worker reporting
        each of a million rows does not flood the GUI thread, nor is its last report lost;
        figures already shown are not sent again."""
        with self._lock:
            if (done, total) in (self._latest, self._shown):
                return  # nothing new to show
            waiting = self._latest is not None
            self._latest = done, total
        if not waiting:
            with contextlib.suppress(RuntimeError):  # the job was deleted meanwhile
                self._progress.emit()

    @Slot()
    def on_progress(self) -> None:
        with self._lock:
            latest, self._latest = self._latest, None
            if latest is not None:
                self._shown = latest
        if latest is not None and not self.done:
            self.progressed.emit(*latest)

    @Slot(str, object)
    def on_outcome(self, state: str, value: object) -> None:
        _RUNNING.discard(self)
        self.state = state
        if state == "finished":
            self.result = value
            self.finished.emit(value)
        elif state == "failed":
            self.error = str(value)
            self.failed.emit(self.error)
        else:
            self.cancelled.emit()

    def step(self, steps: Steps, messages: tuple[type[Exception], ...]) -> bool:
        """Do the next slice of ``steps`` (on the GUI thread); False once it is over."""
        if self.is_cancelled():
            steps.close()
            self.on_outcome("cancelled", None)
            return False
        try:
            done, total = next(steps)
        except StopIteration as stop:
            self.on_outcome("finished", stop.value)
        except ReportCancelled:
            self.on_outcome("cancelled", None)
        except messages as exc:
            self.on_outcome("failed", str(exc))
        except Exception as exc:
            log.exception("%s failed", self.title)
            self.on_outcome("failed", _unexpected(self.title, exc))
        else:
            self.report_progress(done, total)
            return True
        return False

    def run(self, work: Work, messages: tuple[type[Exception], ...]) -> None:
        """Do ``work`` (on a worker thread) and send its outcome to the GUI thread."""
        try:
            result = work(self.report_progress, self.is_cancelled)
            outcome: tuple[str, object] = "finished", result
        except ReportCancelled:
            outcome = "cancelled", None
        except messages as exc:  # a message written for the user
            outcome = "failed", str(exc)
        except Exception as exc:  # a bug must not leave the progress dialog up for ever
            log.exception("%s failed", self.title)
            outcome = "failed", _unexpected(self.title, exc)
        finally:
            close_thread_connection()
        # RuntimeError: the window that asked has been closed and deleted meanwhile
        with contextlib.suppress(RuntimeError):
            self._outcome.emit(*outcome)


def close_thread_connection() -> None:
    """Close the connection this worker thread opened to the database, if the work read
    it: peewee keeps one per thread, and a pool thread would otherwise hold it (on
    PostgreSQL, a server process) until the thread ends and the garbage collector drops
    it unclosed. The next work on the thread connects again."""
    db = database.obj
    if db is None or db.is_closed():
        return
    try:
        db.close()
    except Exception:  # a transaction left open, a driver's error: the outcome still goes
        log.exception("closing a worker thread's database connection failed")


def _unexpected(what: str, error: Exception) -> str:
    return tr("ReportRunner", "{what} failed: an unexpected error ({error}).").format(
        what=what, error=error)


def _progress_dialog(job: ReportJob, parent: QWidget | None, label: str) -> QProgressDialog:
    """A busy indicator until the work first reports progress, then a percentage; Cancel
    asks the work to stop and says so until it has."""
    dialog = QProgressDialog(label, "", 0, 0, parent)
    dialog.setObjectName("reportProgress")
    dialog.setWindowTitle(job.title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setMinimumWidth(360)
    cancel = QPushButton(tr("ReportRunner", "Cancel"))
    cancel.setObjectName("cancelWork")
    dialog.setCancelButton(cancel)
    # Cancel would hide the dialog at once (QProgressDialog.cancel): keep it up, saying
    # "Cancelling…", until the work has stopped.
    dialog.canceled.disconnect(dialog.cancel)

    def on_cancel() -> None:
        if not job.done and not job.is_cancelled():
            job.cancel()
            dialog.setLabelText(tr("ReportRunner", "Cancelling…"))
            cancel.setEnabled(False)

    def on_progress(done: int, total: int) -> None:
        if total > 0:
            if dialog.maximum() != total:
                dialog.setRange(0, total)
            dialog.setValue(min(done, total))

    def on_done(*_) -> None:
        dialog.hide()
        dialog.deleteLater()
        job.progress_dialog = None

    dialog.canceled.connect(on_cancel)
    job.progressed.connect(on_progress)
    for signal in (job.finished, job.failed, job.cancelled):
        signal.connect(on_done)
    dialog.setValue(0)  # starts the clock: shown after SHOW_AFTER_MS if not done by then
    return dialog


def run_in_background(parent: QWidget | None, work: Work, title: str, label: str,
                      dialogs: Dialogs,
                      messages: tuple[type[Exception], ...] = (ReportError,)) -> ReportJob:
    """Run ``work(progress, cancelled)`` on a worker thread behind a progress dialog.

    Args:
        parent: the window the progress dialog and any error message belong to.
        title: what is being done, as the progress dialog's title ("Period report").
        label: the progress dialog's text ("Writing the period report…").
        messages: exceptions whose text is written for the user: shown as they are. Any
            other exception is logged and shown as an unexpected error.

    Returns:
        The job: ``finished(result)``, ``failed(message)`` (the message has already been
        shown through ``dialogs``) or ``cancelled()`` follows, on the GUI thread.
    """
    job = _new_job(parent, title, label, dialogs)
    QThreadPool.globalInstance().start(lambda: job.run(work, messages))
    return job


def run_steps(parent: QWidget | None, steps: Steps, title: str, label: str,
              dialogs: Dialogs,
              messages: tuple[type[Exception], ...] = (ReportError,)) -> ReportJob:
    """Like :func:`run_in_background`, for work that must stay on the GUI thread: the
    generator ``steps`` is advanced one slice at a time between events (so each slice must
    be short: 100 ms at the most), and closed if the user cancels."""
    job = _new_job(parent, title, label, dialogs)
    timer = QTimer(job)
    timer.setInterval(0)  # the next slice as soon as the events waiting have been handled
    timer.timeout.connect(lambda: job.step(steps, messages) or timer.stop())
    timer.start()
    return job


def _new_job(parent: QWidget | None, title: str, label: str, dialogs: Dialogs) -> ReportJob:
    favour_the_gui_thread()
    job = ReportJob(title, parent)
    if parent is None:
        _RUNNING.add(job)
    job.progress_dialog = _progress_dialog(job, parent, label)
    job.failed.connect(lambda message: dialogs.error(parent, title, message))
    return job


def run_report(parent: QWidget | None, writer: Work, title: str, label: str,
               dialogs: Dialogs) -> ReportJob:
    """Write a report on a worker thread behind a progress dialog: ``writer(progress,
    cancelled)`` returns the path written (see :func:`run_in_background`); a
    :class:`~app.reports.files.ReportError`'s message is shown as it is."""
    return run_in_background(parent, writer, title, label, dialogs)
