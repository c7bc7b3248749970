"""The prioritisation wizard: categorise, answer the impact and urgency questions, see the
priority with its due times and escalations, and override it only with a reason."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from enum import StrEnum

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.models.clock import format_local
from app.models.entities import Category
from app.models.escalation import escalation_plan
from app.models.prioritisation import (
    DEADLINE_ANSWERS,
    HARM_ANSWERS,
    SCOPE_ANSWERS,
    TREND_ANSWERS,
    WORKAROUND_ANSWERS,
    Answers,
    Harm,
    Outcome,
    PrioritisationError,
    answers_from_json,
    assess_impact,
    assess_urgency,
    prioritise,
)
from app.models.service_levels import due_times
from app.models.validation import IncidentDraft
from app.models.vocabulary import PRIORITY_NAMES
from app.views.choices import fill_categories, fill_subcategories, select_data
from app.views.text import priority_badge_style, priority_text, vocabulary
from app.views.theme import set_tone

Pauses = list[tuple[datetime, datetime | None]]


def _hint_style(label: QLabel) -> QLabel:
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class ChoiceGroup(QGroupBox):
    """A question answered by one of its radio buttons; ``value()`` is the chosen enum."""

    def __init__(self, title: str, name: str, answers: dict[StrEnum, tuple], parent=None):
        super().__init__(title, parent)
        self.setObjectName(name)
        self.group = QButtonGroup(self)
        self._values: list[StrEnum] = []
        self.buttons: dict[StrEnum, QRadioButton] = {}
        layout = QVBoxLayout(self)
        for value, (text, *_rest) in answers.items():
            button = QRadioButton(vocabulary(text))
            button.setObjectName(f"{name}_{value}")
            self.group.addButton(button, len(self._values))
            self._values.append(value)
            self.buttons[value] = button
            layout.addWidget(button)

    def value(self):
        checked = self.group.checkedId()
        return self._values[checked] if checked >= 0 else None

    def set_value(self, value) -> None:
        if value is not None:
            self.buttons[value].setChecked(True)


class CategoryPage(QWizardPage):
    """Step 1: category and subcategory, with a hint when they usually imply a priority."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("Categorise"))
        self.setSubTitle(self.tr("The right category is the first step to the right "
                                 "priority."))
        self.category = QComboBox()
        self.category.setObjectName("wizardCategory")
        fill_categories(self.category, self.tr("Choose a category…"))
        self.subcategory = QComboBox()
        self.subcategory.setObjectName("wizardSubcategory")
        self.hint = _hint_style(QLabel())
        self.hint.setObjectName("categoryHint")
        self.hint.setStyleSheet("background: #fff8e1; color: #1a1a1a; padding: 6px;")
        self.hint.hide()
        form = QFormLayout(self)
        form.addRow(self.tr("&Category:"), self.category)
        form.addRow(self.tr("&Subcategory:"), self.subcategory)
        form.addRow(self.hint)
        self.category.currentIndexChanged.connect(self.on_category_changed)
        self.subcategory.currentIndexChanged.connect(self.on_subcategory_changed)
        self.on_category_changed()

    def chosen(self) -> list[Category]:
        ids = [self.category.currentData(), self.subcategory.currentData()]
        return [Category.get_by_id(i) for i in ids if i is not None]

    @Slot()
    def on_category_changed(self) -> None:
        fill_subcategories(self.subcategory, self.category.currentData())
        self.on_subcategory_changed()
        self.completeChanged.emit()

    @Slot()
    def on_subcategory_changed(self) -> None:
        hints = [c.priority_hint for c in self.chosen() if c.priority_hint]
        self.hint.setText("ⓘ " + "\n".join(hints) if hints else "")
        self.hint.setVisible(bool(hints))

    def isComplete(self) -> bool:
        return self.category.currentData() is not None


class ImpactPage(QWizardPage):
    """Step 2: how many are affected and what else is at stake."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("Impact"))
        self.setSubTitle(self.tr("How much is affected, and what is at stake?"))
        self.scope = ChoiceGroup(self.tr("Who or what is affected?"), "scope", SCOPE_ANSWERS)
        self.service = QLineEdit()
        self.service.setObjectName("service")
        self.service.setPlaceholderText(self.tr("e.g. the billing line, the Leeds site"))
        self.harms: dict[Harm, QCheckBox] = {}
        harms = QGroupBox(self.tr("Is anything else at stake? (tick all that apply)"))
        harms_layout = QVBoxLayout(harms)
        for harm, (text, *_rest) in HARM_ANSWERS.items():
            box = QCheckBox(vocabulary(text))
            box.setObjectName(f"harm_{harm}")
            box.toggled.connect(self.on_changed)
            self.harms[harm] = box
            harms_layout.addWidget(box)
        self.result = _hint_style(QLabel())
        self.result.setObjectName("impactResult")
        self.result.setStyleSheet("font-weight: 600;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.scope)
        service = QFormLayout()
        service.addRow(self.tr("Which &service or what is affected?"), self.service)
        layout.addLayout(service)
        layout.addWidget(harms)
        layout.addWidget(self.result)
        self.scope.group.idToggled.connect(self.on_changed)
        self.service.textChanged.connect(self.on_changed)
        self.on_changed()

    def answers(self, answers: Answers) -> Answers:
        return replace(answers, scope=self.scope.value(), service=self.service.text(),
                       harms=frozenset(h for h, box in self.harms.items() if box.isChecked()))

    def show_answers(self, answers: Answers) -> None:
        self.scope.set_value(answers.scope)
        self.service.setText(answers.service)
        for harm, box in self.harms.items():
            box.setChecked(harm in answers.harms)

    @Slot()
    def on_changed(self) -> None:
        answers = self.answers(Answers())
        if answers.scope is None:
            self.result.setText(self.tr("Choose who or what is affected."))
        else:
            impact = assess_impact(answers)
            self.result.setText(self.tr("Impact {level}: {reasons}.").format(
                level=vocabulary(impact.level.label).lower(), reasons=impact.clause()))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.scope.value() is not None


class UrgencyPage(QWizardPage):
    """Step 3: how fast it gets worse, whether people can carry on, any deadline."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("Urgency"))
        self.setSubTitle(self.tr("How fast must it be fixed?"))
        self.trend = ChoiceGroup(self.tr("Is it getting worse?"), "trend", TREND_ANSWERS)
        self.workaround = ChoiceGroup(self.tr("Can people carry on some other way?"),
                                      "workaround", WORKAROUND_ANSWERS)
        self.workaround_text = QLineEdit()
        self.workaround_text.setObjectName("workaroundText")
        self.workaround_text.setPlaceholderText(self.tr("e.g. calls can be taken manually"))
        self.workaround.layout().addWidget(self.workaround_text)
        self.deadline = ChoiceGroup(self.tr("Is there a deadline?"), "deadline",
                                    DEADLINE_ANSWERS)
        self.deadline_text = QLineEdit()
        self.deadline_text.setObjectName("deadlineText")
        self.deadline_text.setPlaceholderText(self.tr("e.g. payroll runs at 16:00"))
        self.deadline.layout().addWidget(self.deadline_text)
        self.result = _hint_style(QLabel())
        self.result.setObjectName("urgencyResult")
        self.result.setStyleSheet("font-weight: 600;")
        layout = QVBoxLayout(self)
        for widget in (self.trend, self.workaround, self.deadline, self.result):
            layout.addWidget(widget)
        for group in (self.trend, self.workaround, self.deadline):
            group.group.idToggled.connect(self.on_changed)
        for edit in (self.workaround_text, self.deadline_text):
            edit.textChanged.connect(self.on_changed)
        self.on_changed()

    def answers(self, answers: Answers) -> Answers:
        return replace(answers, trend=self.trend.value(), workaround=self.workaround.value(),
                       workaround_text=self.workaround_text.text(),
                       deadline=self.deadline.value(), deadline_text=self.deadline_text.text())

    def show_answers(self, answers: Answers) -> None:
        self.trend.set_value(answers.trend)
        self.workaround.set_value(answers.workaround)
        self.workaround_text.setText(answers.workaround_text)
        self.deadline.set_value(answers.deadline)
        self.deadline_text.setText(answers.deadline_text)

    @Slot()
    def on_changed(self) -> None:
        try:
            urgency = assess_urgency(self.answers(Answers()))
        except PrioritisationError:
            self.result.setText(self.tr("Answer the three questions."))
        else:
            self.result.setText(self.tr("Urgency {level}: {reasons}.").format(
                level=vocabulary(urgency.level.label).lower(), reasons=urgency.clause()))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return None not in (self.trend.value(), self.workaround.value(), self.deadline.value())


class ResultPage(QWizardPage):
    """Step 4: the priority, its due times and escalations, the rationale, any override."""

    def __init__(self, wizard: PrioritisationWizard):
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle(self.tr("Priority"))
        self.setSubTitle(self.tr("From the organisation's matrix. Read the rationale back "
                                 "if the caller needs to know."))
        self.priority = QLabel()
        self.priority.setObjectName("resultPriority")
        self.priority.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.rationale = _hint_style(QLabel())
        self.rationale.setObjectName("resultRationale")
        self.due = _hint_style(QLabel())
        self.due.setObjectName("resultDue")
        self.escalations = _hint_style(QLabel())
        self.escalations.setObjectName("resultEscalations")
        self.override = QCheckBox(self.tr("&Choose a different priority (a reason is "
                                          "required)"))
        self.override.setObjectName("override")
        self.override_priority = QComboBox()
        self.override_priority.setObjectName("overridePriority")
        for priority in PRIORITY_NAMES:
            self.override_priority.addItem(priority_text(priority), priority)
        self.override_reason = QPlainTextEdit()
        self.override_reason.setObjectName("overrideReason")
        self.override_reason.setTabChangesFocus(True)
        self.override_reason.setPlaceholderText(self.tr("Why the matrix's priority is wrong "
                                                        "for this incident"))
        self.override_reason.setMaximumHeight(60)
        self.message = _hint_style(QLabel())
        self.message.setObjectName("overrideMessage")
        set_tone(self.message, "error")
        override = QGroupBox(self.tr("Override"))
        override_form = QFormLayout(override)
        override_form.addRow(self.override)
        override_form.addRow(self.tr("&Priority:"), self.override_priority)
        override_form.addRow(self.tr("&Reason:"), self.override_reason)
        override_form.addRow(self.message)
        details = QFormLayout()
        details.addRow(self.tr("Why:"), self.rationale)
        details.addRow(self.tr("Due:"), self.due)
        details.addRow(self.tr("Escalation:"), self.escalations)
        layout = QVBoxLayout(self)
        layout.addWidget(self.priority)
        layout.addLayout(details)
        layout.addWidget(override)
        layout.addStretch(1)
        self.override.toggled.connect(self.on_changed)
        self.override_priority.currentIndexChanged.connect(self.on_changed)
        self.override_reason.textChanged.connect(self.on_changed)

    def initializePage(self) -> None:
        if not self.override.isChecked():
            select_data(self.override_priority, prioritise(self._wizard.answers()).priority)
        self.on_changed()

    def outcome(self) -> Outcome:
        """The outcome as shown; raises PrioritisationError while an override lacks a reason."""
        override = self.override_priority.currentData() if self.override.isChecked() else None
        return prioritise(self._wizard.answers(), override, self.override_reason.toPlainText())

    @Slot()
    def on_changed(self) -> None:
        overriding = self.override.isChecked()
        self.override_priority.setEnabled(overriding)
        self.override_reason.setEnabled(overriding)
        try:
            outcome = self.outcome()
        except PrioritisationError as error:
            outcome = prioritise(self._wizard.answers())
            self.message.setText(self.tr("Give the reason for the override: ") + next(
                iter(error.problems.values())))
        else:
            self.message.clear()
        self.priority.setText(priority_text(outcome.priority)
                              + (self.tr(" (override)") if outcome.override else ""))
        self.priority.setStyleSheet(priority_badge_style(outcome.priority)
                                    + "font-size: 16pt; padding: 8px;")
        self.rationale.setText(outcome.rationale)
        start, pauses = self._wizard.start, self._wizard.pauses
        due = due_times(outcome.priority, start, pauses)
        self.due.setText(self.tr("Respond by {respond}\nResolve by {resolve}").format(
            respond=format_local(due.response_due),
            resolve=format_local(due.resolution_due) if due.resolution_due else
            self.tr("(clock stopped while on hold)")))
        lines = []
        categories = tuple(i for i in (self._wizard.category_id(),
                                       self._wizard.subcategory_id()) if i is not None)
        for step in escalation_plan(outcome.priority, start, self._wizard.personal_data(),
                                    pauses, categories):
            when = self.tr("At once") if step.at is None else format_local(step.at)
            lines.append(f"{when}: {step.to} ({step.why})")
        self.escalations.setText("\n".join(lines))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        try:
            self.outcome()
        except PrioritisationError:
            return False
        return True


class PrioritisationWizard(QWizard):
    """Walks an advisor from category to priority; read the result with ``outcome()``.

    Args:
        start: when the SLA clock starts (the time the incident was received).
        pauses: on-hold periods so far, for an incident already logged.
        answers, override, override_reason: a previous prioritisation to start from.
    """

    def __init__(self, category_id: int | None, subcategory_id: int | None, start: datetime,
                 answers: Answers | None = None, override: int | None = None,
                 override_reason: str = "", pauses: Pauses | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("prioritisationWizard")
        self.setWindowTitle(self.tr("Prioritise"))
        self.start = start
        self.pauses = pauses or []
        self.category_page = CategoryPage()
        self.impact_page = ImpactPage()
        self.urgency_page = UrgencyPage()
        self.result_page = ResultPage(self)
        for page in (self.category_page, self.impact_page, self.urgency_page,
                     self.result_page):
            self.addPage(page)
        select_data(self.category_page.category, category_id)
        select_data(self.category_page.subcategory, subcategory_id)
        if answers is not None:
            self.impact_page.show_answers(answers)
            self.urgency_page.show_answers(answers)
        if override is not None:
            self.result_page.override.setChecked(True)
            select_data(self.result_page.override_priority, override)
            self.result_page.override_reason.setPlainText(override_reason)
        self._preset_harms = answers is None
        self.currentIdChanged.connect(self.on_page_changed)
        self.resize(640, 600)

    @classmethod
    def for_draft(cls, draft: IncidentDraft, pauses: Pauses,
                  parent: QWidget | None = None) -> PrioritisationWizard:
        """The wizard on a draft's category, start time and stored prioritisation."""
        return cls(draft.category_id, draft.subcategory_id, draft.received_at,
                   answers_from_json(draft.prioritisation), draft.priority_override,
                   draft.priority_override_reason, pauses, parent)

    @Slot(int)
    def on_page_changed(self, page_id: int) -> None:
        # A category that implies a harm (a personal data breach, a safety risk) ticks it
        # the first time the impact questions are shown; the advisor can untick it.
        if self.page(page_id) is self.impact_page and self._preset_harms:
            self._preset_harms = False
            for category in self.category_page.chosen():
                if category.implied_harm:
                    self.impact_page.harms[Harm(category.implied_harm)].setChecked(True)

    def answers(self) -> Answers:
        return self.urgency_page.answers(self.impact_page.answers(Answers()))

    def personal_data(self) -> bool:
        return Harm.PERSONAL_DATA in self.answers().harms

    def category_id(self) -> int | None:
        return self.category_page.category.currentData()

    def subcategory_id(self) -> int | None:
        return self.category_page.subcategory.currentData()

    def outcome(self) -> Outcome:
        return self.result_page.outcome()

