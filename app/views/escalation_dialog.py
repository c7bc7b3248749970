"""The escalation matrix: a grid of who is told about which incidents, when and how, with
the cell that applies to the selected incident now and the next one due; the rules and
contacts behind it, editable by team leaders; printed and exported to PDF."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Slot
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.models.clock import format_local, now_utc
from app.models.entities import Category, Incident, User
from app.models.escalation import EscalationState, PlannedStep, escalation_state
from app.models.escalation_matrix import (
    ESCALATION_AREA,
    MAX_SHARE,
    Contact,
    EscalationMatrix,
    EscalationMatrixError,
    Grid,
    Rule,
    Target,
    TargetKind,
    cell_lines,
    load_escalation_matrix,
    matrix_grid,
    save_escalation_matrix,
    share_heading,
)
from app.models.incident_log import REFERENCE_PATTERN
from app.models.permissions import Permission, can
from app.models.service_levels import config_history
from app.models.sla import span_text
from app.models.vocabulary import PRIORITY_NAMES, ContactMethod
from app.views.dialogs import Dialogs
from app.views.form_errors import plain_label
from app.views.text import priority_text, vocabulary
from app.views.widgets import action_button

CURRENT_OVERDUE = QColor("#ffcdd2")  # due, not made
CURRENT_DONE = QColor("#c8e6c9")  # due, made
NEXT = QColor("#bbdefb")
MARK_TEXT = QColor("#1a1a1a")
CONTACT_COLUMNS = (QT_TRANSLATE_NOOP("EscalationMatrixDialog", "Name"),
                   QT_TRANSLATE_NOOP("EscalationMatrixDialog", "Role"),
                   QT_TRANSLATE_NOOP("EscalationMatrixDialog", "Phone"),
                   QT_TRANSLATE_NOOP("EscalationMatrixDialog", "Email"),
                   QT_TRANSLATE_NOOP("EscalationMatrixDialog", "Hours available"))
RULE_COLUMNS = (QT_TRANSLATE_NOOP("EscalationMatrixDialog", "Priority"),
                QT_TRANSLATE_NOOP("EscalationMatrixDialog", "Category"),
                QT_TRANSLATE_NOOP("EscalationMatrixDialog", "Breach only"),
                QT_TRANSLATE_NOOP("EscalationMatrixDialog", "When"),
                QT_TRANSLATE_NOOP("EscalationMatrixDialog", "To"),
                QT_TRANSLATE_NOOP("EscalationMatrixDialog", "Method"),
                QT_TRANSLATE_NOOP("EscalationMatrixDialog", "Named contact"))


def _step_state(step: PlannedStep) -> str:
    return "done" if step.done is not None else "overdue"


class EscalationMatrixDialog(QDialog):
    """Read-only for advisors; team leaders and administrators edit and save it."""

    def __init__(self, user: User, dialogs: Dialogs, parent: QWidget | None = None):
        super().__init__(parent)
        self._user = user
        self._dialogs = dialogs
        self.editable = can(user, Permission.EDIT_ESCALATION_MATRIX)
        self.saved = load_escalation_matrix()
        self.incident_id: int | None = None
        self.state: EscalationState | None = None
        self.highlighted: dict[tuple[int, int], str] = {}  # cell -> "current" or "next"
        self.setObjectName("escalationMatrixDialog")
        self.setWindowTitle(self.tr("Escalation matrix"))

        self.reference = QLineEdit()
        self.reference.setObjectName("matrixReference")
        self.reference.setAccessibleName(self.tr("Incident reference"))
        self.reference.setPlaceholderText("INC-2026-000123")
        self.reference.returnPressed.connect(self.on_show_reference)
        self.incident_label = plain_label()
        self.incident_label.setObjectName("matrixIncident")
        top = QHBoxLayout()
        top.addWidget(plain_label(self.tr("Incident:")))
        top.addWidget(self.reference)
        top.addWidget(action_button(self.tr("S&how"), "matrixShow", self.on_show_reference))
        top.addWidget(self.incident_label, 1)

        self.grid = QTableWidget()
        self.grid.setObjectName("matrixGrid")
        self.grid.setAccessibleName(self.tr("Escalation matrix"))
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setWordWrap(True)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.warnings = plain_label()
        self.warnings.setObjectName("matrixWarnings")
        grid_page = QWidget()
        grid_layout = QVBoxLayout(grid_page)
        grid_layout.addWidget(self.grid)
        grid_layout.addWidget(self.warnings)

        self.rules = QTableWidget(0, len(RULE_COLUMNS))
        self.rules.setObjectName("matrixRules")
        self.rules.setHorizontalHeaderLabels([self.tr(c) for c in RULE_COLUMNS])
        self.rules.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.rules.verticalHeader().setVisible(True)
        rule_buttons = QHBoxLayout()
        self.add_rule_button = action_button(self.tr("Add rule"), "addRule", self.on_add_rule)
        self.remove_rule_button = action_button(self.tr("Remove rule"), "removeRule",
                                                self.on_remove_rule)
        rule_buttons.addWidget(self.add_rule_button)
        rule_buttons.addWidget(self.remove_rule_button)
        rule_buttons.addStretch(1)
        rules_page = QWidget()
        rules_layout = QVBoxLayout(rules_page)
        rules_layout.addWidget(self.rules)
        rules_layout.addLayout(rule_buttons)

        self.targets = QListWidget()
        self.targets.setObjectName("matrixTargets")
        self.targets.setAccessibleName(self.tr("Levels and teams"))
        self.target_name = QLineEdit()
        self.target_name.setObjectName("targetName")
        self.target_name.setAccessibleName(self.tr("Name of the level or team"))
        self.target_name.textEdited.connect(self.on_target_renamed)
        self.contacts = QTableWidget(0, len(CONTACT_COLUMNS))
        self.contacts.setObjectName("matrixContacts")
        self.contacts.setHorizontalHeaderLabels([self.tr(c) for c in CONTACT_COLUMNS])
        self.contacts.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.add_contact_button = action_button(self.tr("Add contact"), "addContact",
                                                self.on_add_contact)
        self.remove_contact_button = action_button(self.tr("Remove contact"),
                                                   "removeContact", self.on_remove_contact)
        self.add_team_button = action_button(self.tr("Add team…"), "addTeam", self.on_add_team)
        contact_buttons = QHBoxLayout()
        for button in (self.add_contact_button, self.remove_contact_button,
                       self.add_team_button):
            contact_buttons.addWidget(button)
        contact_buttons.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(plain_label(self.tr("Name:")))
        right_layout.addWidget(self.target_name)
        right_layout.addWidget(self.contacts)
        right_layout.addLayout(contact_buttons)
        contacts_page = QSplitter()
        contacts_page.addWidget(self.targets)
        contacts_page.addWidget(right)
        contacts_page.setSizes([260, 640])

        self.history = QTableWidget(0, 3)
        self.history.setObjectName("matrixHistory")
        self.history.setHorizontalHeaderLabels([self.tr("When"), self.tr("Who"),
                                                self.tr("Change")])
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.horizontalHeader().setStretchLastSection(True)

        self.tabs = QTabWidget()
        self.tabs.addTab(grid_page, self.tr("&Matrix"))
        self.tabs.addTab(rules_page, self.tr("&Rules"))
        self.tabs.addTab(contacts_page, self.tr("Levels, teams and &contacts"))
        self.tabs.addTab(self.history, self.tr("Chan&ges"))

        self.problems = plain_label(error=True)
        self.problems.setObjectName("matrixProblems")
        self.read_only_note = plain_label(self.tr(
            "Only a team leader or an administrator can change the matrix."))
        self.read_only_note.setVisible(not self.editable)
        buttons = QHBoxLayout()
        buttons.addWidget(action_button(self.tr("&Print…"), "matrixPrint", self.on_print))
        buttons.addWidget(action_button(self.tr("&Export PDF…"), "matrixExport",
                                        self.on_export))
        buttons.addStretch(1)
        self.save_button = action_button(self.tr("&Save"), "matrixSave", self.on_save)
        self.save_button.setVisible(self.editable)
        buttons.addWidget(self.save_button)
        buttons.addWidget(action_button(self.tr("Close"), "matrixClose", self.close))

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.read_only_note)
        layout.addWidget(self.problems)
        layout.addLayout(buttons)

        self._categories = [(c.id, c.name) for c in Category.select().where(
            Category.parent.is_null()).order_by(Category.position, Category.name)]
        self._working: dict[str, Target] = {}
        self._current_target: str | None = None
        self.targets.currentRowChanged.connect(self.on_target_selected)
        for widget in (self.add_rule_button, self.remove_rule_button, self.add_contact_button,
                       self.remove_contact_button, self.add_team_button):
            widget.setVisible(self.editable)
        if not self.editable:
            self.contacts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            self.target_name.setReadOnly(True)
        self._load(self.saved)
        self.resize(1100, 620)

    # --- filling -------------------------------------------------------------------------
    def _load(self, matrix: EscalationMatrix) -> None:
        self.saved = matrix
        self._fill_grid()
        self._working = {t.code: t for t in matrix.targets}
        self._current_target = None
        self.targets.blockSignals(True)
        self.targets.clear()
        for t in matrix.targets:
            item = QListWidgetItem(self._target_text(t))
            item.setData(Qt.ItemDataRole.UserRole, t.code)
            self.targets.addItem(item)
        self.targets.blockSignals(False)
        self.targets.setCurrentRow(0)
        self.rules.setRowCount(0)
        for rule in matrix.rules:
            self._add_rule_row(rule)
        self.history.setRowCount(0)
        for entry in config_history((ESCALATION_AREA,)):
            row = self.history.rowCount()
            self.history.insertRow(row)
            for column, text in enumerate((format_local(entry.at), entry.user, entry.summary)):
                self.history.setItem(row, column, QTableWidgetItem(text))

    @staticmethod
    def _target_text(t: Target) -> str:
        kind = "level" if t.kind == TargetKind.LEVEL else "team"
        return f"{t.name} ({t.code}, {kind})"

    def _fill_grid(self) -> None:
        grid = matrix_grid(self.saved)
        self._grid: Grid = grid
        self.grid.clear()
        self.grid.setRowCount(len(grid.rows))
        self.grid.setColumnCount(len(grid.columns))
        self.grid.setHorizontalHeaderLabels(
            [self.tr("At once") if s is None else self.tr("{share} of resolution target")
             .format(share=share_heading(s)) for s in grid.columns])
        self.grid.setVerticalHeaderLabels(list(grid.row_labels))
        for (row, column), rules in grid.cells.items():
            item = QTableWidgetItem("\n".join(cell_lines(self.saved, rules)))
            self.grid.setItem(row, column, item)
        for row in range(self.grid.rowCount()):
            for column in range(self.grid.columnCount()):
                if self.grid.item(row, column) is None:
                    self.grid.setItem(row, column, QTableWidgetItem(""))
        self.grid.resizeRowsToContents()
        warnings = self.saved.warnings()
        self.warnings.setText("\n".join(warnings))
        self.warnings.setVisible(bool(warnings))
        self._highlight()

    # --- the incident's cells ----------------------------------------------------------------
    def show_incident(self, incident_id: int | None) -> None:
        """Highlight the cell that applies to ``incident_id`` now, and the next one due."""
        self.incident_id = incident_id
        incident = Incident.get_or_none(Incident.id == incident_id) if incident_id else None
        self.state = escalation_state(incident, now_utc(), matrix=self.saved) \
            if incident else None
        if incident is not None:
            self.reference.setText(incident.reference)
        self._highlight(incident)

    @Slot()
    def on_show_reference(self) -> None:
        text = self.reference.text().strip().upper()
        incident = Incident.get_or_none(Incident.reference == text) \
            if REFERENCE_PATTERN.fullmatch(text) else None
        if incident is None:
            self.show_incident(None)
            self.incident_label.setText(self.tr("No incident has the reference '{text}'.")
                                        .format(text=self.reference.text().strip()))
            return
        self.show_incident(incident.id)

    def _highlight(self, incident: Incident | None = None) -> None:
        for row in range(self.grid.rowCount()):
            for column in range(self.grid.columnCount()):
                item = self.grid.item(row, column)
                item.setBackground(QBrush())
                item.setFont(QFont())
                item.setToolTip("")
        self.highlighted = {}
        state = self.state
        if state is None:
            if incident is None and self.incident_id is None:
                self.incident_label.setText(self.tr("Select an incident in the log, or type "
                                                    "its reference, to see where it stands."))
            return
        priority = incident.priority if incident else None
        if priority is None:
            priority = Incident.get_by_id(self.incident_id).priority
        texts = [self.tr("{priority}, at {level}.").format(priority=priority_text(priority),
                                                        level=state.level_name)]
        current = state.current
        if current is not None:
            kind = _step_state(current)
            self._mark(priority, current, CURRENT_DONE if kind == "done" else CURRENT_OVERDUE,
                       "current")
            when = span_text(state.now - current.due_at)
            texts.append(self.tr("Now: {step} — made {at}").format(
                step=current.to_text(), at=format_local(current.done.at))
                if kind == "done" else self.tr("Now: {step} — due {ago} ago, not made").format(
                step=current.to_text(), ago=when))
        nxt = state.next
        if nxt is not None:
            self._mark(priority, nxt, NEXT, "next")
            texts.append(self.tr("Next: {next}").format(next=state.next_text()))
        elif state.is_open and any(s.due_at is None for s in state.steps):
            texts.append(self.tr("Clock stopped while on hold."))
        self.incident_label.setText("  ".join(texts))

    def _mark(self, priority: int, step: PlannedStep, colour: QColor, what: str) -> None:
        try:
            cell = self._grid.cell_of(priority, step.rule)
        except ValueError:  # the rule changed since: nothing to point at
            return
        item = self.grid.item(*cell)
        item.setBackground(colour)
        item.setForeground(MARK_TEXT)  # dark on the pale mark, light or dark scheme
        font = QFont()
        font.setBold(True)
        item.setFont(font)
        item.setToolTip(self.tr("Applies now") if what == "current" else self.tr("Next due"))
        self.highlighted[cell] = what
        self.grid.scrollToItem(item)

    # --- rules ---------------------------------------------------------------------------
    def _add_rule_row(self, rule: Rule) -> None:
        row = self.rules.rowCount()
        self.rules.insertRow(row)
        priority = QComboBox()
        priority.addItem(self.tr("Any"), None)
        for p in PRIORITY_NAMES:
            priority.addItem(priority_text(p), p)
        priority.setCurrentIndex(max(priority.findData(rule.priority), 0))
        category = QComboBox()
        category.addItem(self.tr("Any"), None)
        for category_id, name in self._categories:
            category.addItem(name, category_id)
        category.setCurrentIndex(max(category.findData(rule.category_id), 0))
        breach = QCheckBox()
        breach.setChecked(rule.breach)
        when = QSpinBox()
        when.setRange(0, MAX_SHARE)
        when.setSuffix("%")
        when.setSpecialValueText(self.tr("At once"))
        when.setValue(rule.share or 0)
        target = QComboBox()
        for t in self._working.values():
            target.addItem(t.name, t.code)
        index = target.findData(rule.target)
        if index < 0:
            target.addItem(rule.target, rule.target)
            index = target.count() - 1
        target.setCurrentIndex(index)
        method = QComboBox()
        for m in ContactMethod:
            method.addItem(vocabulary(m.label), m.value)
        method.setCurrentIndex(max(method.findData(rule.method), 0))
        contact = QLineEdit(rule.contact)
        contact.setPlaceholderText(self.tr("whoever is available"))
        widgets = (priority, category, breach, when, target, method, contact)
        for column, widget in enumerate(widgets):
            widget.setAccessibleName(self.tr(RULE_COLUMNS[column]) + f" ({row + 1})")
            widget.setEnabled(self.editable)
            self.rules.setCellWidget(row, column, widget)
        self.rules.resizeRowToContents(row)

    def _rules_from_table(self) -> tuple[Rule, ...]:
        rules = []
        for row in range(self.rules.rowCount()):
            w = [self.rules.cellWidget(row, c) for c in range(len(RULE_COLUMNS))]
            rules.append(Rule(target=w[4].currentData(), method=ContactMethod(w[5].currentData()),
                              share=w[3].value() or None, priority=w[0].currentData(),
                              category_id=w[1].currentData(), breach=w[2].isChecked(),
                              contact=w[6].text()))
        return tuple(rules)

    @Slot()
    def on_add_rule(self) -> None:
        first = next(iter(self._working.values()))
        self._add_rule_row(Rule(first.code, ContactMethod.PHONE, 50))
        self.rules.setCurrentCell(self.rules.rowCount() - 1, 0)

    @Slot()
    def on_remove_rule(self) -> None:
        row = self.rules.currentRow()
        if row >= 0:
            self.rules.removeRow(row)

    # --- levels, teams, contacts ------------------------------------------------------------
    def _store_contacts(self) -> None:
        """Keep what the contacts table shows in the working copy of its target."""
        code = self._current_target
        if code is None or code not in self._working:
            return
        contacts = []
        for row in range(self.contacts.rowCount()):
            values = [(self.contacts.item(row, c).text() if self.contacts.item(row, c)
                       else "") for c in range(len(CONTACT_COLUMNS))]
            if any(v.strip() for v in values):
                contacts.append(Contact(*values))
        self._working[code] = replace(self._working[code], contacts=tuple(contacts),
                                      name=self.target_name.text())

    @Slot(int)
    def on_target_selected(self, row: int) -> None:
        self._store_contacts()
        item = self.targets.item(row)
        self._current_target = item.data(Qt.ItemDataRole.UserRole) if item else None
        target = self._working.get(self._current_target or "")
        self.target_name.setText(target.name if target else "")
        self.contacts.setRowCount(0)
        for contact in target.contacts if target else ():
            r = self.contacts.rowCount()
            self.contacts.insertRow(r)
            for column, value in enumerate((contact.name, contact.role, contact.phone,
                                            contact.email, contact.hours)):
                self.contacts.setItem(r, column, QTableWidgetItem(value))

    @Slot(str)
    def on_target_renamed(self, text: str) -> None:
        item = self.targets.currentItem()
        code = self._current_target
        if item is None or code not in self._working:
            return
        self._working[code] = replace(self._working[code], name=text)
        item.setText(self._target_text(self._working[code]))

    @Slot()
    def on_add_contact(self) -> None:
        row = self.contacts.rowCount()
        self.contacts.insertRow(row)
        for column in range(len(CONTACT_COLUMNS)):
            self.contacts.setItem(row, column, QTableWidgetItem(""))
        self.contacts.setCurrentCell(row, 0)
        self.contacts.editItem(self.contacts.item(row, 0))

    @Slot()
    def on_remove_contact(self) -> None:
        row = self.contacts.currentRow()
        if row >= 0:
            self.contacts.removeRow(row)

    @Slot()
    def on_add_team(self) -> None:
        code = f"TEAM{len(self._working) + 1}"
        self._store_contacts()
        self._working[code] = Target(code, TargetKind.TEAM, self.tr("New team"))
        item = QListWidgetItem(self._target_text(self._working[code]))
        item.setData(Qt.ItemDataRole.UserRole, code)
        self.targets.addItem(item)
        self.targets.setCurrentItem(item)
        self.target_name.setFocus()
        self.target_name.selectAll()

    def working_matrix(self) -> EscalationMatrix:
        """The matrix as edited on screen."""
        self._store_contacts()
        return EscalationMatrix(tuple(self._working.values()), self._rules_from_table(),
                                self.saved.category_names)

    # --- saving, printing --------------------------------------------------------------------
    @Slot()
    def on_save(self) -> None:
        # open incidents are measured again: a few seconds with thousands open
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            changes = save_escalation_matrix(self.working_matrix(), self._user)
        except EscalationMatrixError as exc:
            self.problems.setText("\n".join(exc.problems))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.problems.clear()
        self._load(load_escalation_matrix())
        self.show_incident(self.incident_id)
        self.incident_label.setText(
            self.incident_label.text() if self.incident_id else
            self.tr("Saved: %n change(s).", "", len(changes)))

    @Slot()
    def on_print(self) -> None:
        from app.views.matrix_print import print_matrix

        print_matrix(self, self.saved, self._user.display_name, now_utc())

    @Slot()
    def on_export(self) -> Path | None:
        from app.reports.escalation_matrix import write_matrix_pdf
        from app.reports.files import ReportError

        path = self.choose_pdf_path()
        if not path:
            return None
        try:
            written = write_matrix_pdf(self.saved, Path(path), self._user.display_name,
                                       now_utc())
        except ReportError as exc:
            self._dialogs.error(self, self.tr("PDF not written"), str(exc))
            return None
        self.incident_label.setText(self.tr("Exported to {path}").format(path=written))
        return written

    def choose_pdf_path(self) -> str:
        """Where to write the PDF (a seam for tests)."""
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the escalation matrix"),
                                              "escalation-matrix.pdf",
                                              self.tr("PDF files (*.pdf)"))
        return path
