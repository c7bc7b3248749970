"""Help › About: the version, where the database is, and the notices of what the
application is built from (the bundled fonts' licences in full)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot, qVersion
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME, __version__
from app.models.components import COMPONENTS, licence_text
from app.models.db import PostgresTarget


class AboutDialog(QDialog):
    def __init__(self, database_path: Path | PostgresTarget, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("About %1").replace("%1", APP_NAME))
        title = QLabel(f"<h2>{APP_NAME} {__version__}</h2>")
        title.setObjectName("about_title")
        summary = QLabel(self.tr("Log, prioritise, escalate and report the incidents callers "
                                 "report to the contact centre."))
        summary.setWordWrap(True)
        facts = QFormLayout()
        self.database = QLabel(str(database_path))
        self.database.setObjectName("about_database")
        self.database.setTextFormat(Qt.TextFormat.PlainText)
        self.database.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.database.setWordWrap(True)
        facts.addRow(self.tr("Database:"), self.database)
        if isinstance(database_path, PostgresTarget):  # the URL: it never holds a password
            backups = QLabel(self.tr("Kept on a PostgreSQL server, whose administrator backs "
                                     "it up (Incident Desk takes no file backups of it)."))
            backups.setObjectName("about_backups")
            backups.setWordWrap(True)
            facts.addRow(self.tr("Backups:"), backups)
        facts.addRow(self.tr("Qt:"), QLabel(qVersion()))

        self.components = QTableWidget(len(COMPONENTS), 4)
        self.components.setObjectName("about_components")
        self.components.setAccessibleName(self.tr("Components and their licences"))
        self.components.setHorizontalHeaderLabels(
            [self.tr("Component"), self.tr("Version"), self.tr("Licence"), self.tr("Used for")])
        self.components.verticalHeader().hide()
        self.components.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.components.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.components.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for row, component in enumerate(COMPONENTS):
            for column, text in enumerate((component.name, component.version,
                                           component.licence, component.purpose)):
                self.components.setItem(row, column, QTableWidgetItem(text))
        header = self.components.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.components.resizeRowsToContents()
        self.components.itemSelectionChanged.connect(self.on_component_chosen)

        self.licence = QPlainTextEdit()
        self.licence.setObjectName("about_licence")
        self.licence.setReadOnly(True)
        self.licence.setAccessibleName(self.tr("Licence text"))
        self.licence.setPlaceholderText(self.tr("Choose a font above to read its licence in "
                                                "full."))
        self.licence.setMaximumHeight(160)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(summary)
        layout.addLayout(facts)
        layout.addWidget(QLabel(self.tr("<b>Built with</b>")))
        layout.addWidget(self.components, 1)
        layout.addWidget(self.licence)
        layout.addWidget(buttons)
        self.resize(760, 620)

    @Slot()
    def on_component_chosen(self) -> None:
        row = self.components.currentRow()
        if row < 0:
            return
        component = COMPONENTS[row]
        text = licence_text(component)
        self.licence.setPlainText(text or self.tr(
            "%1 is used under the %2 licence; its notices are installed with it.")
            .replace("%1", component.name).replace("%2", component.licence))
