"""The seam for message boxes and desktop notifications: windows ask this service, tests
give them a scripted one."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMessageBox, QSystemTrayIcon, QWidget


class Dialogs:
    """Modal questions and messages (``QMessageBox``), and notifications from the tray."""

    _tray: QSystemTrayIcon | None = None

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.critical(parent, title, text)

    def inform(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.information(parent, title, text)

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            parent, title, text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def notify(self, title: str, text: str) -> None:
        """A desktop notification from the tray, where the desktop has one (the window's
        banner says the same, so without a tray nothing is lost)."""
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        if self._tray is None:
            self._tray = QSystemTrayIcon(QApplication.windowIcon())
            self._tray.show()
        self._tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Warning, 15_000)
