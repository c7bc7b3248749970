"""The organisation's name and logo, as printed at the head of reports: edited in the
welcome and under Settings › Organisation."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QStandardPaths, Qt, Signal, Slot
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.models.entities import User
from app.models.organisation import MAX_NAME, logo_error, organisation, save_organisation
from app.models.permissions import Permission, RolePermissionError, can
from app.models.text_rules import FieldProblemsError
from app.views.dialogs import Dialogs
from app.views.theme import set_tone
from app.views.widgets import action_button

LOGO_SIZE = 96


class OrganisationEditor(QWidget):
    """Name and logo as edited; :meth:`save` stores them, or says what is wrong."""

    def __init__(self, dialogs: Dialogs, parent: QWidget | None = None):
        super().__init__(parent)
        self.dialogs = dialogs
        current = organisation()
        self.logo: bytes | None = current.logo
        self.name = QLineEdit(current.name)
        self.name.setObjectName("organisation_name")
        self.name.setMaxLength(MAX_NAME)
        self.name.setPlaceholderText(self.tr("e.g. Riverside Housing contact centre"))
        self.name.setAccessibleName(self.tr("Organisation name"))
        self.name.setAccessibleDescription(self.tr("Printed at the head of every report"))
        self.preview = QLabel()
        self.preview.setObjectName("logo_preview")
        self.preview.setFixedSize(LOGO_SIZE * 2, LOGO_SIZE)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("border: 1px solid palette(mid);")
        self.choose = action_button(self.tr("Choose &logo…"), "choose_logo", self.on_choose,
                                    self.tr("A PNG or JPEG file of at most 1 MB"))
        self.remove = action_button(self.tr("Remo&ve logo"), "remove_logo", self.on_remove)
        self.message = QLabel()
        self.message.setObjectName("organisation_message")
        set_tone(self.message, "error", bold=True)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        buttons = QVBoxLayout()
        buttons.addWidget(self.choose)
        buttons.addWidget(self.remove)
        buttons.addStretch()
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignTop)
        logo_row.addLayout(buttons)
        logo_row.addStretch()
        form = QFormLayout()
        form.addRow(self.tr("Organisation &name:"), self.name)
        form.addRow(self.tr("Logo:"), logo_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self._show_logo()

    def _show_logo(self) -> None:
        pixmap = QPixmap()
        if self.logo and pixmap.loadFromData(QByteArray(self.logo)):
            self.preview.setPixmap(pixmap.scaled(
                self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        else:
            self.preview.setPixmap(QPixmap())
            self.preview.setText(self.tr("No logo"))
        self.remove.setEnabled(self.logo is not None)

    @Slot()
    def on_choose(self) -> None:
        pictures = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.PicturesLocation)
        path = self.dialogs.open_file(self, self.tr("Choose the logo"), Path(pictures),
                                      self.tr("Images (*.png *.jpg *.jpeg)"))
        if path is None:
            return
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.message.setText(self.tr("Cannot read %1: %2").replace("%1", str(path))
                                 .replace("%2", exc.strerror or str(exc)))
            return
        if error := logo_error(data):
            self.message.setText(self.tr("%1 cannot be the logo: it %2")
                                 .replace("%1", path.name).replace("%2", error))
            return
        self.message.clear()
        self.logo = data
        self._show_logo()

    @Slot()
    def on_remove(self) -> None:
        self.logo = None
        self._show_logo()

    def save(self, by: User) -> bool:
        """Store name and logo; False (with the reason shown) when they cannot be."""
        try:
            save_organisation(self.name.text(), self.logo, by)
        except (FieldProblemsError, RolePermissionError) as exc:
            self.message.setText(str(exc))
            return False
        self.message.clear()
        return True


class OrganisationDialog(QDialog):
    """Settings › Organisation: the name and logo reports are printed with."""

    saved = Signal()

    def __init__(self, user: User, dialogs: Dialogs, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.setWindowTitle(self.tr("Organisation"))
        self.editor = OrganisationEditor(dialogs)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self.on_save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Printed at the head of incident, period and shift "
                                        "reports and evidence packs.")))
        layout.addWidget(self.editor)
        layout.addWidget(buttons)
        if not can(user, Permission.EDIT_ORGANISATION):
            self.editor.setEnabled(False)
            self.save_button.hide()
            self.editor.message.setText(self.tr("Only a team leader or an administrator can "
                                                "change these."))

    @Slot()
    def on_save(self) -> None:
        if self.editor.save(self.user):
            self.saved.emit()
            self.accept()
