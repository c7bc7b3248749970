"""How a report writer says how far it has got, and learns that it should stop: no Qt here,
so the writers stay testable without a ``QApplication``.

A writer that can take a while accepts a :class:`Progress` and calls :meth:`Progress.step`
between pages (or incidents, or files). The interface gives one wired to its progress bar
and Cancel button (``app/views/report_runner.py``); anything else gets :data:`NO_PROGRESS`::

    def write_period_pdf(path, incidents, progress=NO_PROGRESS):
        def write(part):
            for done, incident in enumerate(incidents, start=1):
                ...
                progress.step(done, len(incidents))  # raises ReportCancelled
        return write_atomically(path, write, "the period report")

Written through ``write_atomically``, a cancelled report leaves no file behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ProgressCallback = Callable[[int, int], None]  # (done, total)
CancelledCheck = Callable[[], bool]
# What the interface runs off its thread: writes the report, returns the path written.
ReportWriter = Callable[[ProgressCallback, CancelledCheck], Path]


class ReportCancelled(Exception):  # noqa: N818 (a cancellation is not an error)
    """The user cancelled the report while it was being written."""


def _ignore(done: int, total: int) -> None:
    """Progress nobody is shown."""


def _never() -> bool:
    return False


@dataclass(frozen=True)
class Progress:
    """Where a writer reports ``done`` of ``total`` and finds out whether to stop."""

    report: ProgressCallback = _ignore
    cancelled: CancelledCheck = _never

    def step(self, done: int, total: int) -> None:
        """Report ``done`` of ``total``, then stop if the user has cancelled.

        Raises:
            ReportCancelled: the user has cancelled.
        """
        self.report(done, total)
        self.check()

    def check(self) -> None:
        """Stop if the user has cancelled.

        Raises:
            ReportCancelled: the user has cancelled.
        """
        if self.cancelled():
            raise ReportCancelled


NO_PROGRESS = Progress()
