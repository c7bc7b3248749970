"""Small widget builders shared by the windows."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QPushButton


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
