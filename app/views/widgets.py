"""Small widget builders shared by the windows."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QPushButton


def make_action(parent: QObject, text: str, shortcut, slot: Callable[[], object],
                tip: str = "") -> QAction:
    """A menu action with its shortcut (``None``: none), whose tooltip names the shortcut."""
    act = QAction(text, parent)
    tip = tip or text.replace("&", "").rstrip("…")
    if shortcut is not None:
        act.setShortcut(QKeySequence(shortcut))
        tip += f" ({act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
    act.setToolTip(tip)
    act.triggered.connect(slot)
    return act


def action_button(text: str, name: str, slot: Callable[[], None], tip: str = "") -> QPushButton:
    """A button that does ``slot`` when clicked, and only then: it is never the dialog's
    default button, so Enter in a field beside it does not press it."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAutoDefault(False)
    if tip:
        button.setToolTip(tip)
    button.clicked.connect(slot)
    return button
