"""The post-incident review dialog, driven as a team leader and an advisor drive it: a P1
refused closure, its review written with the five whys and completed, then closed; read-only
for others, who may still move their own actions on."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app.models.clock import format_local
from app.models.entities import ImprovementAction, Incident
from app.models.incidents import change_status, create_incident
from app.models.lifecycle import Status
from app.models.permissions import Role
from app.models.reviews import (
    ActionStatus,
    ReviewDraft,
    ReviewStatus,
    review_actions,
    review_for,
    save_review,
)
from app.models.users import ensure_user
from app.views.review_dialog import ReviewDialog
from tests.conftest import make_draft
from tests.review_steps import complete_a_review
from tests.views.conftest import RECEIVED_AT
from tests.views.helpers import choose, click

pytestmark = pytest.mark.gui

WHYS = ("Card payments stopped", "The provider's router failed",
        "Our numbers had no second route")


@pytest.fixture
def p1(advisor):
    """A P1 logged three days ago and resolved: its review not started."""
    incident = create_incident(make_draft(received_at=RECEIVED_AT, impact="high",
                                          urgency="high", owner_id=advisor.id), advisor)
    change_status(incident.id, Status.RESOLVED, advisor, "Rerouted the payment line")
    return Incident.get_by_id(incident.id)


@pytest.fixture
def open_review(qtbot, dialogs):
    def opener(incident: Incident, user, parent=None) -> ReviewDialog:
        dialog = ReviewDialog(incident.id, user, dialogs, parent)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog
    return opener


def try_to_close(qtbot, window) -> str:
    """Move the selected incident to Closed in the detail pane; what the pane says."""
    choose(window.detail.next_status, Status.CLOSED.value)
    click(qtbot, window.detail.apply_status)
    return window.detail.status_message.text()


def type_into(qtbot, widget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def error_shown(dialog, name: str) -> str:
    """The message under a field, if it is shown."""
    label = dialog.findChild(QLabel, f"{name}Error")
    return label.text() if label is not None and label.isVisibleTo(dialog) else ""


def test_a_team_leader_completes_the_review_and_then_the_p1_closes(
        qtbot, open_window, open_review, dialogs, p1, leader, advisor):
    window = open_window(leader)
    window.select_incident(p1.id)  # resolved, so not in the log's default (open) view
    assert window.detail.title.text() == p1.reference
    refusal = try_to_close(qtbot, window)
    assert refusal.startswith(f"{p1.reference} is P1 Critical: its post-incident review must "
                              "be completed before it is closed (it has not been started).")
    assert Incident.get_by_id(p1.id).status == Status.RESOLVED

    dialog = open_review(p1, leader, window)
    assert "Review not started yet" in dialog.state.text()
    assert "Status: Resolved" in dialog.timeline.toPlainText()
    for why, answer in zip(dialog.whys, WHYS, strict=False):
        type_into(qtbot, why, answer)
    click(qtbot, dialog.use_whys)
    assert dialog.root_cause.toPlainText() == "Our numbers had no second route"
    type_into(qtbot, dialog.lessons, "Every line we sell on needs two routes.")

    # not ready: the draft is saved, and what is missing is named
    click(qtbot, dialog.complete_button)
    assert dialog.message.text() == "Not ready to complete; missing: improvement actions."
    assert error_shown(dialog, "actions").startswith("Add at least one improvement action")
    assert "confirm" not in dialogs.kinds()
    assert review_for(p1.id).root_cause == "Our numbers had no second route"

    type_into(qtbot, dialog.action_text, "Put the payment line back on two routes")
    choose(dialog.action_owner, advisor.id)
    with qtbot.waitSignal(dialog.saved) as saved:
        click(qtbot, dialog.add_button)
    assert saved.args == [p1.id]
    model = dialog.actions_model
    assert [model.data(model.index(0, c)) for c in range(5)] == [
        "1", "Put the payment line back on two routes", "Sam Advisor",
        (review_actions(p1.id)[0].due_on).strftime("%d/%m/%Y"), "Open"]

    dialogs.answers = [True]
    click(qtbot, dialog.complete_button)
    assert dialogs.calls[-1][:2] == ("confirm", "Complete the review")
    assert dialog.notice.text() == f"Review completed: {p1.reference} may now be closed."
    assert review_for(p1.id).status == ReviewStatus.COMPLETED
    assert dialog.state.text().startswith("Review completed by Tess Leader on")
    assert dialog.root_cause.isReadOnly() and dialog.whys[0].isReadOnly()
    assert not dialog.save_button.isVisible() and not dialog.complete_button.isVisible()
    assert not dialog.add_button.isVisible()
    dialog.close()

    assert try_to_close(qtbot, window) == ""
    assert Incident.get_by_id(p1.id).status == Status.CLOSED


def test_an_advisor_reads_the_review_and_moves_their_own_action_on(qtbot, open_review, p1,
                                                                   leader, advisor, colleague):
    complete_a_review(p1.id, leader, owner=advisor)
    dialog = open_review(p1, advisor)
    assert dialog.root_cause.toPlainText() == \
        "The export clean-up job lost its owner in the migration"
    assert all(box.isReadOnly() for box in (*dialog.whys, *dialog.texts.values()))
    for button in (dialog.save_button, dialog.complete_button, dialog.use_whys,
                   dialog.add_button, dialog.remove_button):
        assert not button.isVisible()
    assert not dialog.action_text.isEnabled()

    dialog.actions.selectRow(0)
    assert dialog.action_status.isEnabled() and dialog.update_button.isVisible()
    choose(dialog.action_status, ActionStatus.DONE.value)
    with qtbot.waitSignal(dialog.saved):
        click(qtbot, dialog.update_button)
    assert ImprovementAction.get().status == ActionStatus.DONE
    assert dialog.actions_model.data(dialog.actions_model.index(0, 4)).startswith("Done ")

    other = open_review(p1, colleague)  # not the owner: reads only
    other.actions.selectRow(0)
    assert not other.action_status.isEnabled() and not other.update_button.isVisible()


def test_an_advisor_is_told_when_no_review_is_started(open_review, p1, advisor):
    dialog = open_review(p1, advisor)
    assert dialog.state.text() == ("No review has been started yet; a team leader writes "
                                   "it. It must be completed before the incident is closed.")
    assert dialog.whys[0].isReadOnly() and not dialog.save_button.isVisible()


def test_an_open_incident_s_review_waits_for_its_resolution(open_review, leader, advisor):
    incident = create_incident(make_draft(received_at=RECEIVED_AT, impact="high",
                                          urgency="high"), advisor)
    dialog = open_review(incident, leader)
    assert dialog.state.text().startswith("The review starts once the incident is resolved.")
    assert dialog.root_cause.isReadOnly() and not dialog.add_button.isVisible()


def test_a_gap_in_the_whys_is_shown_beside_the_why_and_nothing_is_saved(qtbot, open_review,
                                                                       p1, leader):
    dialog = open_review(p1, leader)
    type_into(qtbot, dialog.whys[1], "The router failed")
    click(qtbot, dialog.save_button)
    assert error_shown(dialog, "why_1").startswith("Answer why? 1 before the ones after it")
    assert dialog.message.text() == "Not saved: see the fields marked."
    assert review_for(p1.id) is None
    assert dialog.whys[1].text() == "The router failed"
    type_into(qtbot, dialog.whys[0], "Card payments stopped")
    click(qtbot, dialog.save_button)
    assert error_shown(dialog, "why_1") == ""
    assert dialog.notice.text() == "Draft saved."
    assert review_for(p1.id).five_whys == '["Card payments stopped", "The router failed"]'


def test_a_stale_draft_is_refused_naming_who_saved_and_the_text_is_kept(qtbot, open_review,
                                                                        p1, leader):
    dialog = open_review(p1, leader)
    other = ensure_user("tom.leader", "Tom Leader", Role.TEAM_LEADER)
    save_review(p1.id, ReviewDraft(root_cause="Tom's view"), other, 0)
    type_into(qtbot, dialog.root_cause, "My view")
    click(qtbot, dialog.save_button)
    assert dialog.message.text().startswith(
        f"The review of {p1.reference} was started by Tom Leader at")
    assert dialog.root_cause.toPlainText() == "My view"
    assert review_for(p1.id).root_cause == "Tom's view"


def test_replacing_a_root_cause_with_the_last_why_asks_first(qtbot, open_review, dialogs, p1,
                                                            leader):
    dialog = open_review(p1, leader)
    type_into(qtbot, dialog.root_cause, "Written by hand")
    type_into(qtbot, dialog.whys[0], "Card payments stopped")
    dialogs.answers = [False]
    click(qtbot, dialog.use_whys)
    assert dialog.root_cause.toPlainText() == "Written by hand"
    dialogs.answers = [True]
    click(qtbot, dialog.use_whys)
    assert dialog.root_cause.toPlainText() == "Card payments stopped"


def test_closing_with_unsaved_changes_asks_first(qtbot, open_review, dialogs, p1, leader):
    dialog = open_review(p1, leader)
    type_into(qtbot, dialog.went_well, "Customers told by text")
    dialogs.answers = [False]
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    assert dialogs.calls[-1][1] == "Close the review"
    dialogs.answers = [True]
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert review_for(p1.id) is None


def test_actions_are_edited_and_removed_while_the_review_is_a_draft(qtbot, open_review,
                                                                   dialogs, p1, leader,
                                                                   colleague):
    dialog = open_review(p1, leader)
    type_into(qtbot, dialog.action_text, "Runbook")
    click(qtbot, dialog.add_button)
    assert review_for(p1.id) is not None  # adding the first action started the review
    assert "Review: draft, started by Tess Leader" in dialog.state.text()
    click(qtbot, dialog.add_button)  # nothing typed: said beside the field
    assert error_shown(dialog, "description") == "Say what will be done."

    dialog.actions.selectRow(0)
    assert dialog.action_text.text() == "Runbook"
    dialog.action_text.clear()
    type_into(qtbot, dialog.action_text, "Runbook for the payment line")
    choose(dialog.action_owner, colleague.id)
    dialog.action_due.setDate(dialog.action_due.date().addDays(7))
    click(qtbot, dialog.update_button)
    [row] = review_actions(p1.id)
    assert (row.description, row.owner) == ("Runbook for the payment line", "Alex Colleague")

    dialog.actions.selectRow(0)
    dialogs.answers = [True]
    click(qtbot, dialog.remove_button)
    assert review_actions(p1.id) == [] and dialog.actions_model.rowCount() == 0


def test_the_review_dialog_lists_the_timeline_oldest_first(open_review, p1, leader):
    dialog = open_review(p1, leader)
    text = dialog.timeline.toPlainText()
    assert text.index("Received") < text.index("Logged") < text.index("Status: Resolved")
    assert "Rerouted the payment line" in text
    assert f"{format_local(RECEIVED_AT)} · Received" in text
