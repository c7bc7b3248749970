"""Messages beside the fields of a form: which field is wrong, and why."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLayout, QVBoxLayout, QWidget

from app.views.theme import set_tone


def plain_label(text: str = "", error: bool = False) -> QLabel:
    """A label that wraps and shows its text as typed (never as HTML)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if error:
        set_tone(label, "error")
    return label


def with_error_line(name: str, content: QWidget | QLayout) -> tuple[QWidget, QLabel]:
    """The field ``name`` (or a row holding it) with its error line, hidden, under it: the
    holder to put in the form and the error label (object name ``<name>Error``)."""
    error = plain_label(error=True)
    error.setObjectName(f"{name}Error")
    error.hide()
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(1)
    if isinstance(content, QLayout):
        column.addLayout(content)
    else:
        column.addWidget(content)
    column.addWidget(error)
    return holder, error


class FieldErrors:
    """Rows of a form, each with a message line under its field, shown only when wrong."""

    def __init__(self, form: QFormLayout):
        self._form = form
        self.labels: dict[str, QLabel] = {}
        self._fields: dict[str, QWidget] = {}

    def add_row(self, label: str, field: QWidget, key: str) -> QLabel:
        self._form.addRow(label, field)
        message = plain_label(error=True)
        message.setObjectName(f"{key}Error")
        self._form.addRow("", message)
        self._form.setRowVisible(message, False)
        self.labels[key] = message
        self._fields[key] = field
        return message

    def show(self, problems: dict[str, str]) -> None:
        """Show each problem beside its field, clear the others, focus the first wrong one."""
        first = None
        for key, label in self.labels.items():
            text = problems.get(key, "")
            label.setText(text)
            self._form.setRowVisible(label, bool(text))
            if text and first is None:
                first = self._fields[key]
        if first is not None:
            first.setFocus()

    def clear(self) -> None:
        self.show({})
