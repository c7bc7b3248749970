"""For the benchmark's cold start: once a widget is first painted, print how long the
start took and quit. Does nothing unless ``INCIDENT_DESK_STARTUP_PROBE`` is set."""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

PROBE_VARIABLE = "INCIDENT_DESK_STARTUP_PROBE"  # the launcher's time.time() at the start
PROBE_PREFIX = "startup_ms="


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, started: float, ready) -> None:
        super().__init__(widget)
        self._started = started
        self._ready = ready
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._ready():
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._report)  # once this paint is done
        return False

    def _report(self) -> None:
        elapsed = (time.time() - self._started) * 1000
        print(f"{PROBE_PREFIX}{elapsed:.1f}", file=sys.stdout, flush=True)
        QCoreApplication.quit()


def install_startup_probe(widget: QWidget, ready=lambda: True) -> bool:
    """When the probe is asked for, report the first paint of ``widget`` after which
    ``ready()`` holds; returns whether it was asked for."""
    started = os.environ.get(PROBE_VARIABLE)
    if not started:
        return False
    _FirstPaint(widget, float(started), ready)
    return True
