"""What the benchmark measures in processes of their own: a bare window's start (the
cold start's floor), the application's peak memory, and the window's stalls.

Run as ``python bench/children.py MODE [DB]``; each prints one line of JSON (or, for
``floor-window``, the startup probe's line)."""

from __future__ import annotations

import importlib
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

WATCHDOG_MS = 10  # the watchdog's beat: a longer gap between beats is a stall
SETTLE_MS = 700  # how long each action is watched (the search waits 300 ms for typing)
JOB_LIMIT_S = 900  # a long job (an export, a report) not done by then fails the run


def floor_window() -> int:
    """A bare QMainWindow with a table, started as the application starts: the probe
    reports its first paint."""
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableWidget

    from app.views.startup_probe import install_startup_probe

    app = QApplication(sys.argv)
    window = QMainWindow()
    table = QTableWidget(100, 9)
    window.setCentralWidget(table)
    window.resize(1500, 860)
    install_startup_probe(table.viewport())
    window.show()
    return app.exec()


def _window(db_path: Path, dialogs=None, as_leader: bool = False):
    """The main window over the database, as ``python main.py`` makes it, showing every
    incident (not only the open ones); signed in as the computer's user, or as the bench's
    team leader (who may export)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from app.models.db import open_database
    from app.views.application import make_window
    from app.views.filter_bar import ANY

    app = QApplication.instance() or QApplication(sys.argv)
    open_database(db_path)
    settings = QSettings(str(Path(os.environ.get("TMPDIR", "/tmp")) / "bench-window.ini"),
                         QSettings.Format.IniFormat)
    user = None
    if as_leader:
        from bench.databases import bench_user

        user = bench_user()
    window = make_window(db_path, dialogs, settings=settings, user=user)
    window.show()
    status = window.filter_bar.status
    status.setCurrentIndex(status.findData(ANY))
    app.processEvents()
    return app, window


def memory(db_path: Path) -> int:
    """Peak resident memory with the database open and the log scrolled end to end, a
    model page at a time, each painted."""
    app, window = _window(db_path)
    table = window.table
    bar = table.verticalScrollBar()
    rows = window.model.rowCount()
    step = window.model.PAGE_SIZE
    started = time.perf_counter()
    for value in range(0, bar.maximum() + step, step):
        bar.setValue(min(value, bar.maximum()))
        table.viewport().repaint()
        if value % (step * 50) == 0:
            app.processEvents()
    print(json.dumps({"peak_mb": peak_kb() / 1024, "rows": rows,
                      "seconds": time.perf_counter() - started}))
    return 0


def peak_kb() -> int:
    """This process's peak resident memory in KiB: VmHWM, its own memory's high-water mark.

    Not getrusage's ru_maxrss: on Linux that carries over the peak of the process that
    started this one (execve keeps it), so a child of the benchmark, which has had a
    million incidents' figures in memory, would report the benchmark's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, BSD


class Watchdog:
    """A timer that should beat every WATCHDOG_MS: the longest gap between two beats is
    the longest the event loop was kept from running (the window frozen)."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(WATCHDOG_MS)
        self.timer.timeout.connect(self.beat)
        self.reset()
        self.timer.start()

    def reset(self) -> None:
        self.last = time.perf_counter()
        self.longest = 0.0

    def beat(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, (now - self.last) * 1000)
        self.last = now


def _bench_dialogs(folder: Path):
    """The window's messages and file pickers without anyone to answer them: a file to be
    saved goes into ``folder`` under the name suggested; a message shown fails the run."""
    from app.views.dialogs import Dialogs

    class BenchDialogs(Dialogs):
        def save_file(self, parent, title, suggested, filters):
            return folder / suggested.name

        def open_file(self, parent, title, start, filters):  # the file exported before
            return next(folder.glob("*.csv"))

        def error(self, parent, title, text):
            raise RuntimeError(f"{title}: {text}")

        inform = error

    return BenchDialogs()


def stalls(db_path: Path, search_text: str, detail_id: int, period: tuple[str, str],
           latest_day: str) -> int:
    """The longest stall of the window during each common action, done as a user would
    (through the widgets), each watched for SETTLE_MS; the long ones (an export, a period
    report, reading and checking a file to import: work on a worker thread behind a
    progress bar) until they are done."""
    import shutil
    import tempfile
    from datetime import date, timedelta

    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from app.views.incident_table_model import COLUMNS

    app = QApplication(sys.argv)
    watchdog = Watchdog()
    found: dict[str, float] = {}
    state = {}
    folder = Path(tempfile.mkdtemp(prefix="stalls-"))

    def watch(name: str, action, settle_ms: int = SETTLE_MS) -> None:
        loop = QEventLoop()
        watchdog.reset()
        QTimer.singleShot(0, action)
        QTimer.singleShot(settle_ms, loop.quit)
        loop.exec()
        found[name] = round(watchdog.longest, 1)

    def watch_job(name: str, start) -> None:
        """``start()`` gives a ReportJob: watched until it is over, then SETTLE_MS more."""
        loop = QEventLoop()
        outcome = {}

        def begin() -> None:
            try:
                job = start()
            except Exception as exc:  # an exception in a slot would not end the loop
                outcome["failed"] = repr(exc)
                loop.quit()
                return
            if job is None:
                outcome["failed"] = "nothing was started"
                loop.quit()
                return
            job.finished.connect(lambda result: outcome.setdefault("result", result))
            job.failed.connect(lambda message: outcome.setdefault("failed", message))
            job.cancelled.connect(lambda: outcome.setdefault("failed", "cancelled"))
            for signal in (job.finished, job.failed, job.cancelled):
                signal.connect(lambda *_: QTimer.singleShot(SETTLE_MS, loop.quit))

        def too_long() -> None:
            outcome.setdefault("failed", f"not done in {JOB_LIMIT_S} s")
            loop.quit()

        watchdog.reset()
        started = time.perf_counter()
        QTimer.singleShot(0, begin)
        QTimer.singleShot(JOB_LIMIT_S * 1000, too_long)
        loop.exec()
        if "failed" in outcome:
            raise RuntimeError(f"{name}: {outcome['failed']}")
        found[name] = round(watchdog.longest, 1)
        found[f"{name}_seconds"] = round(
            max(0.0, time.perf_counter() - started - SETTLE_MS / 1000), 2)

    def open_window() -> None:
        state["app"], state["window"] = _window(db_path, _bench_dialogs(folder), as_leader=True)

    # ``python main.py`` has imported the window's modules before any window of it is on
    # screen (the sign-in dialog included): they are the cold start's, not a stall's
    importlib.import_module("app.views.application")

    watch("stall_open", open_window, 1500)
    window = state["window"]
    bar = window.filter_bar
    table = window.table
    watch("stall_filter_priority",
          lambda: bar.priority.setCurrentIndex(bar.priority.findData(2)))
    watch("stall_filter_status",
          lambda: bar.status.setCurrentIndex(bar.status.findData("closed")))
    watch("stall_filter_dates", lambda: bar.use_dates.setChecked(True))
    watch("stall_filter_clear", lambda: (bar.use_dates.setChecked(False),
                                         bar.priority.setCurrentIndex(0),
                                         bar.status.setCurrentIndex(bar.status.findData(None))))
    for column, (key, _title) in enumerate(COLUMNS):
        watch(f"stall_sort_{key.value}",
              lambda c=column: table.sortByColumn(c, Qt.SortOrder.AscendingOrder))
    table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    watch("stall_search", lambda: bar.search.setText(search_text), 1200)
    watch("stall_search_clear", lambda: bar.search.setText(""), 1200)
    watch("stall_jump_to_end", table.scrollToBottom)
    watch("stall_open_incident", lambda: window.select_incident(detail_id))

    def open_export() -> None:
        state["export"] = window.transfer.open_export()

    def export_last_30_days():
        dialog = state["export"]
        dialog.period.setChecked(True)
        last = date.fromisoformat(latest_day)
        dialog.start.setDate(last - timedelta(days=29))
        dialog.end.setDate(last)
        return dialog.export()

    def period_report():
        def chosen(dialog) -> bool:
            dialog.set_period(*(date.fromisoformat(day) for day in period))
            dialog.to_file = True
            return True

        window.reports.ask_period = chosen
        return window.reports.period_report()

    watch("stall_export_dialog", open_export)
    watch_job("stall_export_30_days", export_last_30_days)
    watch_job("stall_period_report", period_report)

    # The import's reading and checking of the file just exported (every row checked as if
    # to be imported); the import itself is left out: it would add the file's incidents to
    # the benchmark's database at every run.
    def read_for_import():
        state["import"] = window.transfer.open_import()
        return state["import"].job

    watch_job("stall_import_read", read_for_import)
    watch_job("stall_import_check", lambda: state["import"].check())
    app.processEvents()
    shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(found))
    return 0


def main(argv: list[str]) -> int:
    mode = argv[0]
    if mode == "floor-window":
        return floor_window()
    if mode == "memory":
        return memory(Path(argv[1]))
    if mode == "stalls":
        return stalls(Path(argv[1]), argv[2], int(argv[3]), (argv[4], argv[5]), argv[6])
    raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
