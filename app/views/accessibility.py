"""Names and descriptions screen readers announce for every input.

A label beside a field is linked to it as its buddy; Qt offers that link to assistive
technology as a relation, which not every screen reader follows. So each window names its
inputs outright, from their labels, once it is built: :func:`name_inputs`.
"""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

INPUTS = (QLineEdit, QComboBox, QPlainTextEdit, QTextEdit, QAbstractSpinBox, QAbstractButton,
          QAbstractItemView)


def _label_text(label: QLabel) -> str:
    return " ".join(label.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
                    .rstrip().rstrip(":").split())


def name_inputs(root: QWidget) -> None:
    """Give each input under ``root`` that has none an accessible name from its buddy label,
    and an accessible description from its tooltip or placeholder."""
    for label in root.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is not None and not buddy.accessibleName() and _label_text(label):
            buddy.setAccessibleName(_label_text(label))
    for widget in inputs(root):
        if not widget.accessibleDescription():
            hint = widget.toolTip() or getattr(widget, "placeholderText", lambda: "")()
            if hint:
                widget.setAccessibleDescription(hint)


def inputs(root: QWidget) -> list[QWidget]:
    """The inputs a user can reach under ``root`` (the line edit inside a combo box or a
    spin box is part of it, not an input of its own)."""
    found = []
    for widget in root.findChildren(QWidget):
        if (not isinstance(widget, INPUTS) or isinstance(widget, QHeaderView)
                or widget.objectName().startswith("qt_")  # Qt's own parts of a widget
                or not widget.isVisibleTo(root)):
            continue
        if isinstance(widget, QLineEdit) and isinstance(widget.parent(),
                                                        (QComboBox, QAbstractSpinBox)):
            continue
        found.append(widget)
    return found


def spoken_name(widget: QWidget) -> str:
    """What a screen reader announces as ``widget``'s name."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name).strip() if interface is not None else ""


def unnamed_inputs(root: QWidget) -> list[str]:
    """The inputs under ``root`` a screen reader would announce without a name, described
    by class and object name (for a test's failure message)."""
    return [f"{type(w).__name__} {w.objectName() or '(no object name)'}"
            for w in inputs(root) if not spoken_name(w)]
