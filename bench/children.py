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


def _window(db_path: Path):
    """The main window over the database, as ``python main.py`` makes it, showing every
    incident (not only the open ones)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from app.models.db import open_database
    from app.views.application import make_window
    from app.views.filter_bar import ANY

    app = QApplication.instance() or QApplication(sys.argv)
    open_database(db_path)
    settings = QSettings(str(Path(os.environ.get("TMPDIR", "/tmp")) / "bench-window.ini"),
                         QSettings.Format.IniFormat)
    window = make_window(db_path, settings=settings)
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


def stalls(db_path: Path, search_text: str, detail_id: int) -> int:
    """The longest stall of the window during each common action, done as a user would
    (through the widgets), each watched for SETTLE_MS."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from app.views.incident_table_model import COLUMNS

    app = QApplication(sys.argv)
    watchdog = Watchdog()
    found: dict[str, float] = {}
    state = {}

    def watch(name: str, action, settle_ms: int = SETTLE_MS) -> None:
        loop = QEventLoop()
        watchdog.reset()
        QTimer.singleShot(0, action)
        QTimer.singleShot(settle_ms, loop.quit)
        loop.exec()
        found[name] = round(watchdog.longest, 1)

    def open_window() -> None:
        state["app"], state["window"] = _window(db_path)

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
    app.processEvents()
    print(json.dumps(found))
    return 0


def main(argv: list[str]) -> int:
    mode = argv[0]
    if mode == "floor-window":
        return floor_window()
    if mode == "memory":
        return memory(Path(argv[1]))
    if mode == "stalls":
        return stalls(Path(argv[1]), argv[2], int(argv[3]))
    raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
