"""The detail pane's problem and satisfaction parts, read as an advisor reads them: the
incident's problem, a known error's workaround to apply while the caller is on the line,
the caller's score; and the buttons that ask the main window for the dialogs."""

from __future__ import annotations

import pytest

from app.models.clock import now_utc
from app.models.incidents import change_status, create_incident
from app.models.lifecycle import Status
from app.models.permissions import Role
from app.models.problems import (
    ProblemDraft,
    ProblemStatus,
    create_problem,
    link_incident,
    update_problem,
)
from app.models.satisfaction import record_satisfaction
from app.models.users import ensure_user
from app.views.detail_pane import DetailPane
from app.views.operations import IncidentOperations
from tests.conftest import make_draft
from tests.views.conftest import RECEIVED_AT
from tests.views.helpers import click

pytestmark = pytest.mark.gui

WORKAROUND = "Ask the caller to sign out, then clear the cache under Billing › Tools."


@pytest.fixture
def incident(advisor):
    # P5: a resolved one may be closed without a post-incident review
    return create_incident(make_draft(received_at=RECEIVED_AT, impact="low", urgency="low"),
                           advisor)


@pytest.fixture
def known_error(leader, incident):
    problem = create_problem(ProblemDraft(
        title="Billing fails after the nightly batch", status=ProblemStatus.KNOWN_ERROR,
        root_cause="The batch leaves the cache locked.", workaround=WORKAROUND), leader,
        incident_id=incident.id)
    return problem


def show(qtbot, user, incident_id) -> DetailPane:
    pane = DetailPane(IncidentOperations(user))
    qtbot.addWidget(pane)
    pane.resize(760, 1000)
    pane.show()
    qtbot.waitExposed(pane)
    pane.show_incident(incident_id)
    return pane


def test_an_incident_with_no_problem_offers_to_link_one(qtbot, advisor, incident):
    pane = show(qtbot, advisor, incident.id)
    assert pane.problem_label.text() == "Not linked to a problem."
    assert not pane.open_problem_button.isVisible()
    assert not pane.workaround_box.isVisible()
    assert pane.link_problem_button.text() == "&Link to problem…"
    with qtbot.waitSignal(pane.problem_requested) as asked:
        click(qtbot, pane.link_problem_button)
    assert asked.args == [incident.id]


def test_a_known_error_shows_its_workaround_prominently(qtbot, advisor, incident,
                                                       known_error):
    pane = show(qtbot, advisor, incident.id)
    assert pane.problem_label.text() == (f"{known_error.reference} · Billing fails after the "
                                         "nightly batch (Known error)")
    assert pane.workaround_box.isVisible()
    assert pane.workaround_heading.text() == ("Known error: apply this workaround while the "
                                              "caller is on the line")
    assert pane.workaround_text.text() == WORKAROUND
    # above the incident's details, where it is seen first
    assert (pane.workaround_box.mapTo(pane, pane.workaround_box.rect().topLeft()).y()
            < pane.values["received"].mapTo(pane, pane.values["received"].rect().topLeft()).y())
    assert pane.link_problem_button.text() == "Change &link…"
    with qtbot.waitSignal(pane.open_problem_requested) as asked:
        click(qtbot, pane.open_problem_button)
    assert asked.args == [known_error.id]


def test_a_problem_typed_as_html_is_shown_as_typed(qtbot, advisor, incident):
    create_problem(ProblemDraft(title="<b>Bold</b> & <i>sure</i>"), advisor,
                   incident_id=incident.id)
    pane = show(qtbot, advisor, incident.id)
    assert "<b>Bold</b> & <i>sure</i>" in pane.problem_label.text()
    assert pane.problem_label.textFormat().name == "PlainText"


def test_no_workaround_once_the_problem_is_fixed(qtbot, advisor, leader, incident,
                                                 known_error):
    update_problem(known_error.id, ProblemDraft(
        title=known_error.title, status=ProblemStatus.RESOLVED, root_cause="Locked cache.",
        workaround=WORKAROUND, note="The batch releases the lock now."), leader, 1)
    pane = show(qtbot, advisor, incident.id)
    assert pane.problem_label.text().endswith("(Resolved)")
    assert not pane.workaround_box.isVisible()


def test_the_pane_follows_the_incident_shown(qtbot, advisor, incident, known_error):
    other = create_incident(make_draft(received_at=RECEIVED_AT), advisor)
    pane = show(qtbot, advisor, incident.id)
    assert pane.workaround_box.isVisible()
    pane.show_incident(other.id)
    assert not pane.workaround_box.isVisible()
    assert pane.problem_label.text() == "Not linked to a problem."
    link_incident(other.id, known_error.id, advisor)
    pane.show_incident(other.id)  # as the main window does on the change
    assert pane.workaround_box.isVisible()


def test_satisfaction_is_asked_once_resolved(qtbot, advisor, incident):
    pane = show(qtbot, advisor, incident.id)
    assert not pane.satisfaction_row.isVisible()  # open: nothing to ask yet
    change_status(incident.id, Status.RESOLVED, advisor, "Cache cleared.")
    pane.show_incident(incident.id)
    assert pane.satisfaction_row.isVisible()
    assert pane.satisfaction_label.text() == "Not recorded yet."
    assert pane.satisfaction_button.text() == "Record &satisfaction…"
    with qtbot.waitSignal(pane.satisfaction_requested) as asked:
        click(qtbot, pane.satisfaction_button)
    assert asked.args == [incident.id]


def test_a_recorded_score_and_comment_are_shown(qtbot, advisor, incident):
    change_status(incident.id, Status.RESOLVED, advisor, "Cache cleared.")
    change_status(incident.id, Status.CLOSED, advisor)
    record_satisfaction(incident.id, 4, "Sorted while I was on the phone.", "phone",
                        now_utc(), advisor)
    pane = show(qtbot, advisor, incident.id)
    text = pane.satisfaction_label.text()
    assert text.startswith("4 of 5: Satisfied (by phone, ")
    assert text.endswith("\n“Sorted while I was on the phone.”")
    assert pane.satisfaction_button.text() == "Change &satisfaction…"


def test_an_assessor_reads_but_is_offered_no_change(qtbot, advisor, incident, known_error):
    change_status(incident.id, Status.RESOLVED, advisor, "Cache cleared.")
    assessor = ensure_user("ada.assessor", "Ada Assessor", Role.ASSESSOR)
    pane = show(qtbot, assessor, incident.id)
    assert pane.workaround_box.isVisible() and pane.open_problem_button.isEnabled()
    assert not pane.link_problem_button.isEnabled()
    assert pane.satisfaction_row.isVisible() and not pane.satisfaction_button.isVisible()


def test_the_status_change_box_still_works_beside_them(qtbot, advisor, incident,
                                                       known_error):
    pane = show(qtbot, advisor, incident.id)
    assert pane.next_status.count() > 0
    pane.next_status.setCurrentIndex(pane.next_status.findData(Status.IN_PROGRESS.value))
    click(qtbot, pane.apply_status)
    pane.show_incident(incident.id)
    assert pane.status_label.text() == "In progress"
    assert pane.workaround_box.isVisible()


def test_the_audit_trail_is_at_its_end_when_its_tab_is_shown(qtbot, advisor, incident):
    """Issue 9: behind the timeline's tab the audit trail is not scrolled (that laid out
    every row for nothing); shown, it is at its latest change, as it was before."""
    for n in range(40):
        step = Status.IN_PROGRESS if n % 2 == 0 else Status.ON_HOLD_CUSTOMER
        change_status(incident.id, step, advisor, f"step {n}")
    pane = show(qtbot, advisor, incident.id)
    view = pane.history_view
    assert pane.history_tabs.currentWidget() is pane.timeline
    pane.history_tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.verticalScrollBar().maximum() > 0)
    bar = view.verticalScrollBar()
    assert bar.value() == bar.maximum()
    last = view.model().index(view.model().rowCount() - 1, 0)
    assert view.viewport().rect().intersects(view.visualRect(last))
    pane.show_incident(incident.id)  # shown again while its tab is the current one
    assert bar.value() == bar.maximum()
