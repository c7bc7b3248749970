"""What waits for the window's first paint: work that would only slow it down (importing
the bank holidays), and, for the benchmark's cold start, a report of how long the start
took (only when ``INCIDENT_DESK_STARTUP_PROBE`` is set)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

PROBE_VARIABLE = "INCIDENT_DESK_STARTUP_PROBE"  # the launcher's time.time() at the start
PROBE_PREFIX = "startup_ms="


class _FirstPaint(QObject):
    """Calls ``then`` once, when the event loop next turns after the first paint of the
    widget after which ``ready()`` holds (so the paint itself is not delayed)."""

    def __init__(self, widget: QWidget, then: Callable[[], object],
                 ready: Callable[[], object]) -> None:
        super().__init__(widget)
        self._then = then
        self._ready = ready
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._ready():
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._then)  # once this paint is done
        return False


def after_first_paint(widget: QWidget, then: Callable[[], object],
                      ready: Callable[[], object] = lambda: True) -> None:
    """Call ``then`` once ``widget`` has been painted (with ``ready()`` true) for the first
    time, when that paint is over."""
    _FirstPaint(widget, then, ready)


def _report(started: float) -> None:
    elapsed = (time.time() - started) * 1000
    print(f"{PROBE_PREFIX}{elapsed:.1f}", file=sys.stdout, flush=True)
    QCoreApplication.quit()


def install_startup_probe(widget: QWidget, ready=lambda: True) -> bool:
    """When the probe is asked for, report the first paint of ``widget`` after which
    ``ready()`` holds; returns whether it was asked for."""
    started = os.environ.get(PROBE_VARIABLE)
    if not started:
        return False
    after_first_paint(widget, lambda: _report(float(started)), ready)
    return True
