"""Escalate an incident: up the management chain or to the team with the skill, saying why,
what was already tried, how and when."""

from __future__ import annotations

from PySide6.QtCore import QDateTime, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.models.clock import now_utc
from app.models.entities import User
from app.models.escalating import EscalationError, EscalationRequest, escalate
from app.models.escalation import EscalationKind, PlannedStep, escalation_state
from app.models.escalation_matrix import load_escalation_matrix
from app.models.incidents import Change, get_incident
from app.models.vocabulary import ContactMethod
from app.views.form_errors import FieldErrors, plain_label
from app.views.text import vocabulary


class EscalateDialog(QDialog):
    """Records one escalation; ``change`` is set once it is saved."""

    def __init__(self, incident_id: int, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self._incident_id = incident_id
        self._user = user
        self.change: Change | None = None
        self.matrix = load_escalation_matrix()
        incident = get_incident(incident_id)
        self.state = escalation_state(incident, now_utc(), matrix=self.matrix)
        self.setWindowTitle(self.tr("Escalate {reference}").format(
            reference=incident.reference))
        self.setObjectName("escalateDialog")

        self.due_label = plain_label(self._due_text())
        self.due_label.setObjectName("escalationDue")
        self.hierarchical = QRadioButton(self.tr("&Hierarchical (up the management chain)"))
        self.functional = QRadioButton(self.tr("&Functional (to the team with the skill)"))
        self.hierarchical.setObjectName("kindHierarchical")
        self.functional.setObjectName("kindFunctional")
        kinds = QButtonGroup(self)
        kinds.addButton(self.hierarchical)
        kinds.addButton(self.functional)
        self.target = QComboBox()
        self.target.setObjectName("escalateTarget")
        self.contact = QComboBox()
        self.contact.setObjectName("escalateContact")
        self.method = QComboBox()
        self.method.setObjectName("escalateMethod")
        for method in ContactMethod:
            self.method.addItem(vocabulary(method.label), method.value)
        self.when = QDateTimeEdit(QDateTime.currentDateTime())
        self.when.setObjectName("escalateWhen")
        self.when.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.when.setCalendarPopup(True)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("escalateReason")
        self.reason.setPlaceholderText(self.tr("Why it goes up: what is needed that you "
                                               "cannot give"))
        self.tried = QPlainTextEdit()
        self.tried.setObjectName("escalateTried")
        self.tried.setPlaceholderText(self.tr("What was already tried, and what happened"))
        for box in (self.reason, self.tried):
            box.setTabChangesFocus(True)
            box.setFixedHeight(80)
        for widget, name in ((self.target, self.tr("To")), (self.contact, self.tr("Contact")),
                             (self.method, self.tr("Contact method")),
                             (self.when, self.tr("When")), (self.reason, self.tr("Why")),
                             (self.tried, self.tr("Already tried"))):
            widget.setAccessibleName(name)

        kind_row = QHBoxLayout()
        kind_row.addWidget(self.hierarchical)
        kind_row.addWidget(self.functional)
        kind_row.addStretch(1)
        form = QFormLayout()
        self.errors = FieldErrors(form)
        form.addRow(self.tr("Kind:"), kind_row)
        self.errors.add_row(self.tr("&To:"), self.target, "target")
        self.errors.add_row(self.tr("&Contact:"), self.contact, "contact")
        self.errors.add_row(self.tr("&Method:"), self.method, "method")
        self.errors.add_row(self.tr("W&hen:"), self.when, "at")
        self.errors.add_row(self.tr("&Why:"), self.reason, "reason")
        self.errors.add_row(self.tr("Already t&ried:"), self.tried, "tried")
        self.general_error = plain_label("", error=True)
        self.general_error.setObjectName("escalateError")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.addButton(self.tr("&Escalate"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("escalateSave")
        buttons.accepted.connect(self.on_save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.due_label)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)

        self.hierarchical.toggled.connect(self.on_kind_changed)
        self.target.currentIndexChanged.connect(self.on_target_changed)
        self.contact.currentIndexChanged.connect(self.on_contact_changed)
        self._preselect()
        self.resize(560, self.sizeHint().height())

    def _due_text(self) -> str:
        level = self.tr("Now at {level}.").format(level=self.state.level_name)
        overdue = self.state.overdue
        if overdue:
            names = ", ".join(step.to_text() for step in overdue)
            return level + " " + self.tr("Due now: {names}.").format(names=names)
        if self.state.next is not None:
            return level + " " + self.tr("Next: {next}.").format(next=self.state.next_text())
        return level

    def _suggested(self) -> PlannedStep | None:
        overdue = self.state.overdue
        return overdue[0] if overdue else self.state.next

    def _preselect(self) -> None:
        step = self._suggested()
        functional = step is not None and not step.target.is_level
        (self.functional if functional else self.hierarchical).setChecked(True)
        self.on_kind_changed()
        if step is not None:
            self._select(self.target, step.target.code)
            self._select(self.method, step.rule.method)
            if step.rule.contact:
                self._select(self.contact, step.rule.contact)

    @staticmethod
    def _select(combo: QComboBox, value) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)

    @Slot()
    def on_kind_changed(self) -> None:
        self.target.blockSignals(True)
        self.target.clear()
        if self.hierarchical.isChecked():
            for level in self.matrix.levels():
                if (level.rank or 0) > self.state.level:
                    self.target.addItem(level.name, level.code)
        else:
            for team in self.matrix.teams():
                self.target.addItem(team.name, team.code)
        self.target.blockSignals(False)
        self.on_target_changed()

    @Slot()
    def on_target_changed(self) -> None:
        target = self.matrix.target(self.target.currentData() or "")
        self.contact.clear()
        self.contact.addItem(self.tr("Whoever answers"), "")
        for c in target.contacts if target else ():
            details = ", ".join(p for p in (c.role, c.phone, c.email, c.hours) if p)
            self.contact.addItem(f"{c.name} ({details})" if details else c.name, c.name)

    @Slot()
    def on_contact_changed(self) -> None:
        """A contact with no phone is reached by email, and the other way round."""
        target = self.matrix.target(self.target.currentData() or "")
        contact = target.contact(self.contact.currentData() or "") if target else None
        if contact is None or contact.detail(self.method.currentData()):
            return
        self._select(self.method, ContactMethod.EMAIL if contact.email else ContactMethod.PHONE)

    def request(self) -> EscalationRequest:
        kind = (EscalationKind.HIERARCHICAL if self.hierarchical.isChecked()
                else EscalationKind.FUNCTIONAL)
        return EscalationRequest(
            kind=kind, target=self.target.currentData() or "",
            method=self.method.currentData(), reason=self.reason.toPlainText(),
            tried=self.tried.toPlainText(),
            at=self.when.dateTime().toPython().astimezone(),
            contact=self.contact.currentData() or "")

    @Slot()
    def on_save(self) -> None:
        try:
            self.change = escalate(self._incident_id, self.request(), self._user)
        except EscalationError as exc:
            self.general_error.setText(exc.problems.get("incident", "")
                                       or exc.problems.get("kind", ""))
            self.errors.show(exc.problems)
            return
        self.accept()
