"""The satisfaction dialog driven as an advisor drives it after a resolved call: a score by
its radio button, a comment, how and when; refusals beside their fields; changing a score
keeps the old one in the audit trail; a change made meanwhile is not overwritten."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import QDialog

from app.models.audit import describe, incident_history
from app.models.clock import now_utc
from app.models.incidents import change_status, create_incident
from app.models.lifecycle import Status
from app.models.satisfaction import record_satisfaction, satisfaction_of
from app.views.satisfaction_dialog import SatisfactionDialog
from tests.conftest import make_draft
from tests.views.conftest import RECEIVED_AT
from tests.views.helpers import choose, click

pytestmark = pytest.mark.gui


@pytest.fixture
def resolved(advisor):
    incident = create_incident(make_draft(received_at=RECEIVED_AT), advisor)
    change_status(incident.id, Status.RESOLVED, advisor, "Billing cache cleared.",
                  now=now_utc() - timedelta(hours=2))
    return incident


def open_dialog(qtbot, incident, user, dialogs) -> SatisfactionDialog:
    dialog = SatisfactionDialog(incident.id, user, dialogs)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    return dialog


def test_every_input_has_an_accessible_name(qtbot, advisor, dialogs, resolved):
    dialog = open_dialog(qtbot, resolved, advisor, dialogs)
    names = [dialog.score_buttons[s].accessibleName() for s in range(1, 6)]
    assert names == ["Score 1 of 5: Very dissatisfied", "Score 2 of 5: Dissatisfied",
                     "Score 3 of 5: Neither satisfied nor dissatisfied",
                     "Score 4 of 5: Satisfied", "Score 5 of 5: Very satisfied"]
    for widget in (dialog.comment, dialog.method, dialog.when):
        assert widget.accessibleName()
    assert [dialog.method.itemText(i) for i in range(dialog.method.count())] == [
        "Phone", "Email", "SMS", "Survey"]


def test_recording_a_score(qtbot, advisor, dialogs, resolved):
    dialog = open_dialog(qtbot, resolved, advisor, dialogs)
    assert dialog.save_button.text() == "&Record"
    assert not dialog.amend_note.isVisible()
    click(qtbot, dialog.score_buttons[4])
    assert dialog.score() == 4
    dialog.comment.setFocus()
    qtbot.keyClicks(dialog.comment, "Sorted while I was on the phone.")
    choose(dialog.method, "survey")
    with qtbot.waitSignal(dialog.recorded) as recorded:
        click(qtbot, dialog.save_button)
    assert recorded.args[0].incident_id == resolved.id
    assert dialog.result() == QDialog.DialogCode.Accepted
    score = satisfaction_of(resolved.id)
    assert (score.score, score.comment, score.method.value, score.recorded_by) == (
        4, "Sorted while I was on the phone.", "survey", "Sam Advisor")


def test_a_score_by_keyboard(qtbot, advisor, dialogs, resolved):
    dialog = open_dialog(qtbot, resolved, advisor, dialogs)
    qtbot.keyClick(dialog, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.score() == 5)  # a mnemonic clicks after a short flash
    assert dialog.score_buttons[5].hasFocus()


def test_no_score_chosen_is_said_beside_the_score(qtbot, advisor, dialogs, resolved):
    dialog = open_dialog(qtbot, resolved, advisor, dialogs)
    click(qtbot, dialog.save_button)
    message = dialog.errors.labels["score"]
    assert message.isVisible() and message.text().startswith("Score: choose from 1")
    assert dialog.isVisible() and satisfaction_of(resolved.id) is None


def test_a_time_before_the_resolution_is_refused(qtbot, advisor, dialogs, resolved):
    dialog = open_dialog(qtbot, resolved, advisor, dialogs)
    click(qtbot, dialog.score_buttons[3])
    dialog.when.setDateTime(QDateTime.currentDateTime().addDays(-1))
    click(qtbot, dialog.save_button)
    message = dialog.errors.labels["given_at"]
    assert message.isVisible() and "before the incident was resolved" in message.text()
    assert satisfaction_of(resolved.id) is None


def test_an_incident_not_resolved_is_refused_with_a_message(qtbot, advisor, dialogs):
    open_incident = create_incident(make_draft(received_at=RECEIVED_AT), advisor)
    dialog = open_dialog(qtbot, open_incident, advisor, dialogs)
    assert "Resolved: not yet" in dialog.intro.text()
    click(qtbot, dialog.score_buttons[3])
    click(qtbot, dialog.save_button)
    assert "satisfaction is asked once the incident is resolved" in dialog.message.text()
    assert satisfaction_of(open_incident.id) is None


def test_changing_a_score_starts_from_it_and_history_keeps_the_old(qtbot, advisor,
                                                                    colleague, dialogs,
                                                                    resolved):
    record_satisfaction(resolved.id, 2, "Took two calls.", "sms",
                        now_utc() - timedelta(minutes=30), advisor)
    dialog = open_dialog(qtbot, resolved, colleague, dialogs)
    assert dialog.amend_note.isVisible()
    assert dialog.amend_note.text().startswith("Sam Advisor recorded 2 of 5: Dissatisfied")
    assert "keeps the previous score" in dialog.amend_note.text()
    assert dialog.score_buttons[2].isChecked()
    assert dialog.comment.toPlainText() == "Took two calls."
    assert dialog.method.currentData() == "sms"
    assert dialog.save_button.text() == "&Change score"
    click(qtbot, dialog.score_buttons[3])
    with qtbot.waitSignal(dialog.recorded):
        click(qtbot, dialog.save_button)
    assert satisfaction_of(resolved.id).score == 3
    rows = [describe(h) for h in incident_history(resolved.id) if h.field == "satisfaction"]
    assert rows[-1][1].startswith("2 of 5: Dissatisfied (by sms")
    assert rows[-1][2].startswith("3 of 5: Neither satisfied nor dissatisfied (by sms")


def test_a_score_changed_meanwhile_is_not_overwritten(qtbot, advisor, colleague, dialogs,
                                                      resolved):
    dialog = open_dialog(qtbot, resolved, advisor, dialogs)
    record_satisfaction(resolved.id, 5, "Great.", "phone", now_utc(), colleague)
    click(qtbot, dialog.score_buttons[1])
    click(qtbot, dialog.save_button)
    kind, title, text = dialogs.calls[-1]
    assert (kind, title) == ("error", "Score not recorded")
    assert text.startswith("Alex Colleague recorded a score")
    assert dialog.isVisible() and dialog.score() == 1  # what was chosen is still there
    assert satisfaction_of(resolved.id).score == 5
