"""User-visible words from the model layer, passed through Qt's translation."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from app.models.clock import to_utc
from app.models.lifecycle import Status
from app.models.sla import ClockReading, ClockState, span_text
from app.models.vocabulary import PRIORITY_NAMES

VOCABULARY = "Vocabulary"  # the context of the words from app/models: vocabulary_strings.py


def tr(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def vocabulary(text: str) -> str:
    """``text``, a word of the model layer (an enumeration's ``label``, a label table's
    entry), in the user's language. ``scripts/update_translations.py`` lists every such word
    in ``vocabulary_strings.py`` for the translators."""
    return QCoreApplication.translate(VOCABULARY, text)


def status_text(status: str) -> str:
    return vocabulary(Status(status).label)


def priority_text(priority: int) -> str:
    return f"P{priority} {vocabulary(PRIORITY_NAMES[priority])}"


# Background, foreground per priority; the text ("P1 Critical") always goes with the colour,
# so the priority never rests on colour alone.
PRIORITY_COLOURS = {
    1: (QColor("#c62828"), QColor("#ffffff")),
    2: (QColor("#ef6c00"), QColor("#1a1a1a")),  # white on orange is 3:1 only
    3: (QColor("#fbc02d"), QColor("#1a1a1a")),
    4: (QColor("#90caf9"), QColor("#1a1a1a")),
    5: (QColor("#e0e0e0"), QColor("#1a1a1a")),
}


def priority_badge_style(priority: int) -> str:
    """The style sheet of a label showing a priority as a coloured badge."""
    background, foreground = PRIORITY_COLOURS[priority]
    return (f"background: {background.name()}; color: {foreground.name()}; "
            "border-radius: 3px; font-weight: 600; padding: 2px 6px;")


def clock_text(reading: ClockReading, now: datetime) -> str:
    """An SLA clock in the user's language, as :meth:`ClockReading.text` says it in English:
    ``Respond: 2h 15m left``, ``Resolve: breached 35m ago``, ``On hold``, ``Met``, ``Missed``."""
    if reading.state == ClockState.PAUSED:
        return tr("Clock", "On hold")
    if reading.state == ClockState.MET:
        return tr("Clock", "Met")
    if reading.state == ClockState.MISSED:
        return tr("Clock", "Missed")
    assert reading.due is not None
    left = reading.due - to_utc(now)
    if left < timedelta(0):
        text = (tr("Clock", "Respond: breached {span} ago") if reading.target == "response"
                else tr("Clock", "Resolve: breached {span} ago"))
        return text.format(span=span_text(-left))
    text = (tr("Clock", "Respond: {span} left") if reading.target == "response"
            else tr("Clock", "Resolve: {span} left"))
    return text.format(span=span_text(left))
