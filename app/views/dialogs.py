"""The seam for message boxes: windows ask this service, tests give them a scripted one."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


class Dialogs:
    """Modal questions and messages, shown with ``QMessageBox``."""

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.critical(parent, title, text)

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            parent, title, text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes
