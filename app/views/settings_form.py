"""The layout and messages shared by the settings dialogs (database, email): fields in
boxed forms, each with its error line under it, the labels of every box one width, a
message above the buttons and a line for the connection test's outcome.

A dialog using it sets ``self.errors`` ({}), ``self._labels`` ([]), ``self.form_message``
and ``self.test_status`` (labels) and says which input is which in ``field(name)``.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from app.views.form_errors import plain_label, with_error_line
from app.views.theme import set_tone


def named_label(name: str = "", text: str = "") -> QLabel:
    """A wrapping label shown as typed (never HTML), with an object name to find it by."""
    label = plain_label(text)
    if name:
        label.setObjectName(name)
    return label


class SettingsForm:
    """Mixed into a QDialog: building the rows, showing the problems and the messages."""

    errors: dict[str, QLabel]
    _labels: list[QLabel]
    form_message: QLabel
    test_status: QLabel

    def field(self, name: str) -> QWidget:
        return getattr(self, name)

    # --- building --------------------------------------------------------------------------
    @staticmethod
    def _line_edit(name: str, text: str, accessible: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(text)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setPlaceholderText(placeholder)
        return edit

    @staticmethod
    def _left(widget: QWidget) -> QHBoxLayout:
        """A row holding a short field at its natural width, on the left."""
        row = QHBoxLayout()
        row.addWidget(widget)
        row.addStretch(1)
        return row

    @staticmethod
    def _form(box: QGroupBox) -> QFormLayout:
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        return form

    def _add_row(self, form: QFormLayout, name: str, label_text: str,
                 row: QHBoxLayout | None = None) -> None:
        """The field (or a row holding it) with its error line under it."""
        holder, self.errors[name] = with_error_line(
            name, self.field(name) if row is None else row)
        label = QLabel(label_text)
        label.setBuddy(self.field(name))
        self._labels.append(label)
        form.addRow(label, holder)

    def _align_labels(self) -> None:
        """Every box's fields start in one column."""
        widest = max(label.sizeHint().width() for label in self._labels)
        for label in self._labels:
            label.setMinimumWidth(widest)

    # --- showing ---------------------------------------------------------------------------
    def show_errors(self, problems: dict[str, str]) -> None:
        """Each problem beside its field; the others cleared."""
        for name, label in self.errors.items():
            label.setText(problems.get(name, ""))
            label.setVisible(name in problems)
        self._fit_height()

    def _fit_height(self, exactly: bool = False) -> None:
        """Grow to show every line shown. The wrapped labels make the layout's height depend
        on its width, which a window's minimum size does not follow: without this the rows
        are squeezed until the fields are slivers. ``exactly``: shrink too, when a box was
        hidden."""
        layout = self.layout()
        layout.activate()
        needed = (layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth()
                  else layout.totalSizeHint().height())
        if self.height() < needed or exactly:
            self.resize(self.width(), needed)

    def _say(self, text: str, error: bool = False) -> None:
        set_tone(self.form_message, "error" if error else None, bold=error)
        self.form_message.setText(text)
        self.form_message.setVisible(bool(text))
        self._fit_height()

    def _say_test(self, text: str, error: bool = False, success: bool = False) -> None:
        set_tone(self.test_status, "error" if error else "success" if success else None,
                 bold=error)
        self.test_status.setText(text)
        self.test_status.show()
        self._fit_height()
