"""Saving an incident someone else changed: who changed what, and what to do about it
(reload, re-apply my changes on top, or go back to the form)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.models.clock import format_local
from app.models.edit_conflicts import OtherChange
from app.views.form_errors import plain_label

HEADERS = (QT_TRANSLATE_NOOP("StaleSaveDialog", "When"),
           QT_TRANSLATE_NOOP("StaleSaveDialog", "Who"),
           QT_TRANSLATE_NOOP("StaleSaveDialog", "What"),
           QT_TRANSLATE_NOOP("StaleSaveDialog", "From"),
           QT_TRANSLATE_NOOP("StaleSaveDialog", "To"))


class StaleSaveDialog(QDialog):
    """Lists ``changes`` made to ``reference`` since the form opened and asks what to do.

    When it closes, ``choice`` is ``REAPPLY``, ``RELOAD`` or None (back to the form).
    """

    REAPPLY = "reapply"
    RELOAD = "reload"

    def __init__(self, reference: str, changes: tuple[OtherChange, ...], message: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.choice: str | None = None
        self.setObjectName("staleSaveDialog")
        self.setWindowTitle(self.tr("{reference} was changed by someone else").format(
            reference=reference))
        names = list(dict.fromkeys(change.user for change in changes))
        if names:
            who = names[0] if len(names) == 1 else self.tr("{names} and {last}").format(
                names=", ".join(names[:-1]), last=names[-1])
            intro = self.tr("Your changes are not saved yet: {who} changed {reference} "
                            "since you opened it.").format(who=who, reference=reference)
        else:  # who changed what is not known: the model's message says what it knows
            intro = message
        self.intro = plain_label(intro)
        self.intro.setObjectName("staleIntro")
        self.table = QTableWidget(len(changes), len(HEADERS))
        self.table.setObjectName("staleChanges")
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in HEADERS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # to read: the keys go to buttons
        for row, change in enumerate(changes):
            for column, text in enumerate((format_local(change.at), change.user, change.what,
                                           change.old, change.new)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setVisible(bool(changes))
        self.help = plain_label(self.tr(
            "Re-apply my changes: the form shows the incident as it is now with your changes "
            "on top; where you both changed a field, yours is kept and you are told whose "
            "value it replaces. Nothing is saved until you press Save.\n"
            "Reload: the form shows the incident as it is now; your changes are dropped.\n"
            "Cancel: back to the form as you left it."))
        self.help.setObjectName("staleHelp")

        self.buttons = QDialogButtonBox()
        self.reapply_button = self.buttons.addButton(
            self.tr("Re-apply &my changes"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.reapply_button.setObjectName("reapplyButton")
        self.reload_button = self.buttons.addButton(
            self.tr("&Reload"), QDialogButtonBox.ButtonRole.ResetRole)
        self.reload_button.setObjectName("reloadButton")
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.reapply_button.setDefault(True)
        self.reapply_button.clicked.connect(self.on_reapply)
        self.reload_button.clicked.connect(self.on_reload)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.help)
        layout.addWidget(self.buttons)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(760, 200 + 26 * min(len(changes), 10))

    @Slot()
    def on_reapply(self) -> None:
        self.choice = self.REAPPLY
        self.accept()

    @Slot()
    def on_reload(self) -> None:
        self.choice = self.RELOAD
        self.accept()

    def rows(self) -> list[tuple[str, ...]]:
        """What the list shows, row by row (when, who, what, from, to)."""
        return [tuple(self.table.item(r, c).text() for c in range(len(HEADERS)))
                for r in range(self.table.rowCount())]
