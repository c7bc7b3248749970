"""The seam for message boxes, file pickers and desktop notifications: windows ask this
service, tests give them a scripted one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSystemTrayIcon,
    QWidget,
)

Button = QMessageBox.StandardButton


def _ask(icon: QMessageBox.Icon, parent: QWidget | None, title: str, text: str,
         buttons: Button = Button.Ok, default: Button = Button.NoButton) -> Button:
    """A message box whose text is shown as typed: a caller's name that looks like HTML
    is not rendered as HTML."""
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if default != Button.NoButton:
        box.setDefaultButton(default)
    return Button(box.exec())


class Dialogs:
    """Modal questions and messages (``QMessageBox``), and notifications from the tray."""

    _tray: QSystemTrayIcon | None = None

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        _ask(QMessageBox.Icon.Critical, parent, title, text)

    def inform(self, parent: QWidget | None, title: str, text: str) -> None:
        _ask(QMessageBox.Icon.Information, parent, title, text)

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        answer = _ask(QMessageBox.Icon.Question, parent, title, text,
                      Button.Yes | Button.No, Button.No)
        return answer == Button.Yes

    def ask_password(self, parent: QWidget | None, title: str, text: str) -> str | None:
        """A password typed into a masked field; None when cancelled."""
        box = QInputDialog(parent)
        box.setWindowTitle(title)
        box.setLabelText(text)
        box.setTextEchoMode(QLineEdit.EchoMode.Password)
        for label in box.findChildren(QLabel):  # the text names a user: shown as typed
            label.setTextFormat(Qt.TextFormat.PlainText)
        return box.textValue() if box.exec() == QDialog.DialogCode.Accepted else None

    def ask_database_password(self, parent: QWidget | None, target,
                              problem: str) -> tuple[str, bool] | None:
        """The password of a PostgreSQL database ``target`` (a PostgresTarget) and whether
        to remember it, asked because of ``problem``; None when cancelled."""
        from app.views.database_password_dialog import DatabasePasswordDialog

        dialog = DatabasePasswordDialog(target, problem, parent)
        return dialog.answer() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def save_file(self, parent: QWidget | None, title: str, suggested: Path,
                  filters: str) -> Path | None:
        """Where to save a file, chosen by the user (the picker asks before replacing a file
        that is there); None when cancelled.

        Args:
            suggested: the folder and name the picker starts with.
            filters: the picker's file types, as ``"PDF files (*.pdf)"``.
        """
        name, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), filters)
        return Path(name) if name else None

    def open_file(self, parent: QWidget | None, title: str, folder: Path,
                  filters: str) -> Path | None:
        """A file to read, chosen by the user; None when cancelled.

        Args:
            folder: where the picker starts.
            filters: the picker's file types, as ``"Images (*.png *.jpg)"``.
        """
        name, _ = QFileDialog.getOpenFileName(parent, title, str(folder), filters)
        return Path(name) if name else None

    def notify(self, title: str, text: str) -> None:
        """A desktop notification from the tray, where the desktop has one (the window's
        banner says the same, so without a tray nothing is lost)."""
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        if self._tray is None:
            self._tray = QSystemTrayIcon(QApplication.windowIcon())
            self._tray.show()
        self._tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Warning, 15_000)
