"""Reports written off the GUI thread behind a progress dialog: finished, failed, cancelled
(nothing left behind), and the window kept responsive meanwhile."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtWidgets import QPushButton, QWidget

from app.models.entities import Incident
from app.models.incidents import create_incident
from app.reports.files import ReportError, write_atomically
from app.reports.progress import Progress
from app.views.report_runner import GUI_SWITCH_INTERVAL_S, ReportJob, run_report
from tests.conftest import make_draft
from tests.views.sample_pdf import pdf_text, write_sample_pdf

pytestmark = pytest.mark.gui

TITLE = "Sample report"


@pytest.fixture
def window(qtbot) -> QWidget:
    window = QWidget()
    window.resize(400, 300)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def sample_writer(target: Path, pause_at: int | None = None, seconds: float = 0.0):
    """A writer as the reports are written: five pages, progress after each, the file
    written beside ``target`` and renamed. ``pause_at``: after that page it waits for the
    user to cancel; ``seconds``: it takes that long per page."""

    def writer(progress, cancelled) -> Path:
        def report(done: int, total: int) -> None:
            progress(done, total)
            time.sleep(seconds)
            if done == pause_at:
                deadline = time.monotonic() + 10
                while not cancelled() and time.monotonic() < deadline:
                    time.sleep(0.01)

        return write_atomically(target, lambda part: write_sample_pdf(
            part, progress=Progress(report, cancelled)), "the sample report")

    return writer


def test_a_report_is_written_with_its_progress_shown(qtbot, window, dialogs, tmp_path):
    target = tmp_path / "sample.pdf"
    job = run_report(window, sample_writer(target), TITLE, "Writing the sample report…",
                     dialogs)
    progress_dialog = job.progress_dialog
    assert progress_dialog.maximum() == 0  # a busy indicator until the first progress
    assert progress_dialog.labelText() == "Writing the sample report…"
    shown: list[tuple[int, int]] = []
    job.progressed.connect(lambda *_: shown.append((progress_dialog.value(),
                                                    progress_dialog.maximum())))

    with qtbot.waitSignal(job.finished, timeout=20_000) as finished:
        pass

    assert finished.args == [target]
    assert job.state == "finished" and job.result == target
    assert shown[-1] == (5, 5)  # then a percentage, up to all five pages
    assert "Sample incident report — page 5" in pdf_text(target)
    assert os.listdir(tmp_path) == ["sample.pdf"]
    assert dialogs.calls == []
    qtbot.waitUntil(lambda: not progress_dialog.isVisible())


def test_a_report_that_cannot_be_written_says_why(qtbot, window, dialogs, tmp_path):
    message = f"Cannot write the sample report to {tmp_path / 'x.pdf'}: No space left."

    def writer(progress, cancelled) -> Path:
        progress(1, 3)
        raise ReportError(message)

    job = run_report(window, writer, TITLE, "Writing…", dialogs)
    with qtbot.waitSignal(job.failed, timeout=10_000) as failed:
        pass

    assert failed.args == [message]
    assert dialogs.calls == [("error", TITLE, message)]
    assert job.state == "failed"


def test_an_unexpected_error_is_said_too(qtbot, window, dialogs, caplog):
    def writer(progress, cancelled) -> Path:
        return Path("/") / str(1 / 0)

    job = run_report(window, writer, TITLE, "Writing…", dialogs)
    with qtbot.waitSignal(job.failed, timeout=10_000):
        pass

    assert dialogs.calls == [("error", TITLE, "Sample report failed: an unexpected error "
                                              "(division by zero).")]
    assert "Sample report failed" in caplog.text  # logged, with the traceback


def test_cancel_stops_the_report_and_leaves_no_file(qtbot, window, dialogs, tmp_path):
    target = tmp_path / "sample.pdf"
    job = run_report(window, sample_writer(target, pause_at=2), TITLE, "Writing…", dialogs)
    progress_dialog = job.progress_dialog
    qtbot.waitUntil(lambda: progress_dialog.isVisible() and progress_dialog.value() == 2,
                    timeout=10_000)
    assert progress_dialog.maximum() == 5
    cancel = progress_dialog.findChild(QPushButton, "cancelWork")

    with qtbot.waitSignal(job.cancelled, timeout=10_000):
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
        assert progress_dialog.labelText() == "Cancelling…"
        assert not cancel.isEnabled()

    assert job.state == "cancelled"
    assert not target.exists()
    assert os.listdir(tmp_path) == []  # no partial file either
    assert dialogs.calls == []
    qtbot.waitUntil(lambda: not progress_dialog.isVisible())


def test_the_window_answers_while_a_report_is_written(qtbot, window, dialogs, tmp_path):
    """The GUI thread goes on handling events: a timer every 10 ms is never held up long
    (100 ms is the aim; the bound leaves room for a loaded test machine)."""
    gaps: list[int] = []
    clock = QElapsedTimer()
    clock.start()

    def tick() -> None:
        gaps.append(clock.restart())

    timer = QTimer(window)
    timer.timeout.connect(tick)
    timer.start(10)
    job = run_report(window, sample_writer(tmp_path / "sample.pdf", seconds=0.2), TITLE,
                     "Writing…", dialogs)
    with qtbot.waitSignal(job.finished, timeout=20_000):
        pass
    timer.stop()

    assert len(gaps) > 50  # about a second of writing
    assert max(gaps[1:]) < 250


def test_work_that_read_the_database_closes_its_thread_s_connection(qtbot, dialogs, db,
                                                                    advisor):
    """peewee keeps a connection per thread: a worker's, left open, held a PostgreSQL
    server process until the pool's thread ended, then was dropped unclosed (psycopg's
    ResourceWarning). Once the work is done it is closed; the GUI thread's stays open."""
    create_incident(make_draft(), advisor)
    seen: list[tuple[str, bool]] = []

    def count(_progress, _cancelled) -> int:
        seen.append(("working", db.is_closed()))  # this thread's own connection
        return Incident.select().count()

    def worker() -> None:  # a pool thread, as run_in_background's, but one we can ask
        job.run(count, ())
        seen.append(("done", db.is_closed()))

    job = ReportJob(TITLE)
    with qtbot.waitSignal(job.finished, timeout=20_000) as finished:
        thread = threading.Thread(target=worker)
        thread.start()
    thread.join()
    assert finished.args == [1]
    assert seen == [("working", True), ("done", True)]
    assert not db.is_closed()  # the GUI thread's
    assert Incident.select().count() == 1


def test_a_window_or_a_job_lets_the_gui_thread_have_the_gil_back_at_once(qtbot, window,
                                                                          dialogs, tmp_path):
    """Qt takes the GIL again for every Python call it makes while painting: behind a
    worker busy in Python, at the interpreter's default 5 ms switch interval each call
    waited up to 5 ms (the bench: the window still for 0.3 to 2.2 s while an import was
    checked). A background job sets the interval the GUI needs (and the main window does:
    test_main_window)."""
    sys.setswitchinterval(0.005)
    job = run_report(window, sample_writer(tmp_path / "sample.pdf"), TITLE,
                     "Writing the sample report…", dialogs)
    assert sys.getswitchinterval() == pytest.approx(GUI_SWITCH_INTERVAL_S)
    with qtbot.waitSignal(job.finished, timeout=20_000):
        pass
