"""The prioritisation wizard walked as an advisor walks it, from the form and from the log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtWidgets import QApplication, QWizard

from app.models.entities import Incident
from app.models.incidents import create_incident
from app.models.prioritisation import Harm, answers_from_json
from app.views.prioritisation_wizard import PrioritisationWizard
from tests.conftest import category, make_draft
from tests.views.conftest import RECEIVED_AT
from tests.views.helpers import (
    PRIORITY,
    choose,
    click,
    click_save,
    fill_valid_call,
    history_rows,
    log_column,
    open_new_form,
    select_incident,
)

pytestmark = pytest.mark.gui

def button(wizard: QWizard, which: QWizard.WizardButton):
    return wizard.button(which)


def next_page(qtbot, wizard: QWizard) -> None:
    before = wizard.currentId()
    next_button = button(wizard, QWizard.WizardButton.NextButton)
    assert next_button.isEnabled(), f"Next is disabled on page {before}"
    click(qtbot, next_button)
    assert wizard.currentId() == before + 1


def shown_wizard(qtbot, owner) -> PrioritisationWizard:
    wizard = owner.wizard
    assert wizard is not None and wizard.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is wizard)
    return wizard


def answer_billing_outage(qtbot, wizard: PrioritisationWizard) -> None:
    """Pages 2 and 3: the whole billing line is down; calls can be taken manually."""
    impact = wizard.impact_page
    assert not button(wizard, QWizard.WizardButton.NextButton).isEnabled()  # scope needed
    click(qtbot, impact.scope.buttons["many"])
    qtbot.keyClicks(impact.service, "billing line")
    assert impact.result.text() == ("Impact high: many customers or a whole service are "
                                    "affected (billing line).")
    next_page(qtbot, wizard)
    urgency = wizard.urgency_page
    click(qtbot, urgency.trend.buttons["steady"])
    click(qtbot, urgency.workaround.buttons["partial"])
    assert not button(wizard, QWizard.WizardButton.NextButton).isEnabled()  # deadline left
    qtbot.keyClicks(urgency.workaround_text, "calls can be taken manually")
    click(qtbot, urgency.deadline.buttons["none"])
    assert urgency.result.text().startswith("Urgency medium: there is only a partial "
                                            "workaround (calls can be taken manually)")
    next_page(qtbot, wizard)


def test_wizard_from_the_form_sets_priority_override_and_history(qtbot, open_window):
    window = open_window()
    form = open_new_form(qtbot, window)
    fill_valid_call(qtbot, form)  # facilities, impact high, urgency medium by hand
    click(qtbot, form.prioritise_button)
    wizard = shown_wizard(qtbot, form)

    # step 1: the form's category is offered; the advisor picks a better one
    page = wizard.category_page
    assert page.category.currentText() == "Facilities"
    choose(page.category, category("Service failure").id)
    choose(page.subcategory, category("Billing error").id)
    next_page(qtbot, wizard)
    answer_billing_outage(qtbot, wizard)

    # step 4: the matrix's priority, its due times, its escalations and why
    result = wizard.result_page
    assert result.priority.text() == "P2 High"
    assert result.rationale.text() == (
        "P2 High: impact high because many customers or a whole service are affected "
        "(billing line); urgency medium because there is only a partial workaround "
        "(calls can be taken manually).")
    assert result.due.text().startswith("Respond by ")
    assert "L2 team leader (50% of the resolution target)" in result.escalations.text()
    finish = button(wizard, QWizard.WizardButton.FinishButton)
    assert finish.isEnabled()

    # an override is refused until it has a reason
    click(qtbot, result.override)
    choose(result.override_priority, 1)
    assert not finish.isEnabled()
    assert result.message.text().startswith("Give the reason for the override")
    assert result.priority.text() == "P2 High"
    qtbot.keyClicks(result.override_reason, "Month-end billing run is today")
    assert finish.isEnabled() and result.message.text() == ""
    assert result.priority.text() == "P1 Critical (override)"
    assert "At once: L4 head of operations (P1: major incident)" in result.escalations.text()
    click(qtbot, finish)

    # back on the form: category, levels and the record taken over
    assert not wizard.isVisible()
    assert form.category_id.currentText() == "Service failure"
    assert form.subcategory_id.currentText() == "Billing error"
    assert (form.impact.currentData(), form.urgency.currentData()) == ("high", "medium")
    assert form.priority.text() == "P1 Critical (override)"
    assert form.rationale.text().endswith("Overridden to P1 Critical: Month-end billing run "
                                          "is today")
    click_save(qtbot, form)
    assert not form.isVisible()

    incident = Incident.get()
    assert incident.priority == 1 and incident.priority_override == 1
    assert incident.priority_override_reason == "Month-end billing run is today"
    assert answers_from_json(incident.prioritisation).workaround_text == (
        "calls can be taken manually")
    assert log_column(window, PRIORITY) == ["P1 Critical"]
    assert window.detail.values["why"].text() == incident.priority_rationale
    what = [row[0] for row in history_rows(window)]
    assert what[:1] == ["Logged"]
    assert {"Prioritisation answers", "Priority rationale", "Priority override",
            "Reason for override"} <= set(what)


def test_setting_impact_by_hand_after_the_wizard_drops_its_record(qtbot, open_window):
    window = open_window()
    form = open_new_form(qtbot, window)
    fill_valid_call(qtbot, form)
    choose(form.impact, "low")
    choose(form.urgency, "high")  # the wizard will set impact high, urgency medium
    click(qtbot, form.prioritise_button)
    wizard = shown_wizard(qtbot, form)
    next_page(qtbot, wizard)
    answer_billing_outage(qtbot, wizard)
    click(qtbot, button(wizard, QWizard.WizardButton.FinishButton))
    assert (form.impact.currentData(), form.urgency.currentData()) == ("high", "medium")
    assert form.rationale.text().startswith("P2 High: impact high")

    choose(form.impact, "low")
    assert form.priority.text() == "P4 Low"
    assert form.rationale.text().startswith("Not prioritised with the guided questions")
    click_save(qtbot, form)
    incident = Incident.get()
    assert (incident.priority, incident.prioritisation, incident.priority_rationale) == (
        4, "", "")


def test_a_breach_category_hints_ticks_personal_data_and_tells_the_dpo(qtbot, open_window,
                                                                       advisor):
    incident = create_incident(make_draft(received_at=RECEIVED_AT), advisor)
    window = open_window()
    select_incident(qtbot, window, incident)
    click(qtbot, window.detail.prioritise_button)
    wizard = shown_wizard(qtbot, window)
    assert wizard.windowTitle() == f"Prioritise {incident.reference}"

    page = wizard.category_page
    assert page.hint.isHidden()
    choose(page.category, category("Security or data breach").id)
    assert page.hint.isVisible()
    choose(page.subcategory, category("Personal data breach").id)
    assert "72 hours" in page.hint.text()
    next_page(qtbot, wizard)
    assert wizard.impact_page.harms[Harm.PERSONAL_DATA].isChecked()
    click(qtbot, wizard.impact_page.scope.buttons["one"])
    assert wizard.impact_page.result.text() == (
        "Impact high: personal data may have been lost or exposed.")
    next_page(qtbot, wizard)
    urgency = wizard.urgency_page
    for group, value in ((urgency.trend, "contained"), (urgency.workaround, "good"),
                         (urgency.deadline, "days")):
        click(qtbot, group.buttons[value])
    next_page(qtbot, wizard)
    result = wizard.result_page
    assert result.priority.text() == "P2 High"  # impact high, urgency medium
    regulator = (incident.received_at + timedelta(hours=72))
    assert ("At once: Information security / data protection officer (personal data "
            "breach)") in (
        result.escalations.text())
    assert "Regulator (ICO) report" in result.escalations.text()
    assert regulator.astimezone().strftime("%d/%m/%Y %H:%M") in result.escalations.text()

    with qtbot.waitSignal(window.model.modelReset):
        click(qtbot, button(wizard, QWizard.WizardButton.FinishButton))
    stored = Incident.get_by_id(incident.id)
    assert stored.subcategory_id == category("Personal data breach").id
    assert (stored.impact, stored.urgency, stored.priority) == ("high", "medium", 2)
    assert Harm.PERSONAL_DATA in answers_from_json(stored.prioritisation).harms
    assert ("Subcategory", "Application error", "Personal data breach") in (
        history_rows(window))
    assert window.detail.values["why"].text().startswith("P2 High: impact high because "
                                                         "personal data")


def test_reopening_the_wizard_starts_from_the_stored_answers(qtbot, open_window):
    window = open_window()
    form = open_new_form(qtbot, window)
    fill_valid_call(qtbot, form)
    click(qtbot, form.prioritise_button)
    wizard = shown_wizard(qtbot, form)
    next_page(qtbot, wizard)
    answer_billing_outage(qtbot, wizard)
    click(qtbot, button(wizard, QWizard.WizardButton.FinishButton))
    click_save(qtbot, form)

    click(qtbot, window.detail.prioritise_button)
    again = shown_wizard(qtbot, window)
    assert again.impact_page.scope.value() == "many"
    assert again.impact_page.service.text() == "billing line"
    assert again.urgency_page.workaround_text.text() == "calls can be taken manually"
    # cancelling changes nothing
    version = Incident.get().version
    click(qtbot, button(again, QWizard.WizardButton.CancelButton))
    assert Incident.get().version == version
