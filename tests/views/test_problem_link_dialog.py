"""Linking an incident to a problem from the incident, driven as an advisor drives it: choose
an existing problem, raise a new one from the incident, unlink, and what is refused."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app.models.entities import Problem
from app.models.incidents import create_incident
from app.models.permissions import Role
from app.models.problems import (
    ProblemDraft,
    ProblemStatus,
    create_problem,
    link_incident,
    problem_events,
    problem_of,
    update_problem,
)
from app.models.users import ensure_user
from app.views.problem_link_dialog import ProblemLinkDialog
from tests.conftest import make_draft
from tests.views.conftest import RECEIVED_AT
from tests.views.helpers import click, retype

pytestmark = pytest.mark.gui


@pytest.fixture
def incident(advisor):
    return create_incident(make_draft(received_at=RECEIVED_AT), advisor)


@pytest.fixture
def open_problems(advisor, leader):
    billing = create_problem(ProblemDraft(title="Billing fails after the nightly batch"),
                             advisor)
    phones = create_problem(ProblemDraft(title="Inbound calls drop after the IVR menu"),
                            advisor)
    closed = create_problem(ProblemDraft(title="Old billing fault"), advisor)
    update_problem(closed.id, ProblemDraft(title=closed.title, status=ProblemStatus.CLOSED,
                                           note="Raised in error."), leader, 1)
    return billing, phones, closed


def open_dialog(qtbot, incident, user, dialogs) -> ProblemLinkDialog:
    dialog = ProblemLinkDialog(incident.id, user, dialogs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def listed(dialog: ProblemLinkDialog) -> list[str]:
    model = dialog.model
    return [model.data(model.index(r, 0)) for r in range(model.rowCount())]


def click_listed(qtbot, dialog: ProblemLinkDialog, reference: str) -> None:
    row = listed(dialog).index(reference)
    rect = dialog.table.visualRect(dialog.model.index(row, 1))
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_linking_to_an_existing_problem(qtbot, advisor, dialogs, incident, open_problems):
    billing, phones, closed = open_problems
    dialog = open_dialog(qtbot, incident, advisor, dialogs)
    assert incident.reference in dialog.intro.text()
    assert "the problem removes the cause" in dialog.intro.text()
    assert not dialog.current.isVisible()
    assert listed(dialog) == [phones.reference, billing.reference]
    assert closed.reference not in listed(dialog)  # a closed problem takes no incidents
    qtbot.keyClicks(dialog.search, "nightly")
    assert listed(dialog) == [billing.reference]
    click_listed(qtbot, dialog, billing.reference)
    with qtbot.waitSignal(dialog.changed) as changed:
        click(qtbot, dialog.link_button)
    assert changed.args[0].incident_id == incident.id
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert problem_of(incident.id).id == billing.id


def test_raising_a_problem_from_the_incident(qtbot, advisor, dialogs, incident):
    dialog = open_dialog(qtbot, incident, advisor, dialogs)
    assert dialog.new_title.text() == incident.summary
    assert dialog.new_description.toPlainText() == (
        f"Raised from {incident.reference} (IT system failure).")
    retype(qtbot, dialog.new_title, "Billing fails for whole teams")
    with qtbot.waitSignal(dialog.changed):
        click(qtbot, dialog.raise_button)
    problem = Problem.get(Problem.title == "Billing fails for whole teams")
    assert dialog.raised == problem.reference
    assert problem_of(incident.id).id == problem.id
    assert [e.action for e in problem_events(problem.id)] == ["created", "changed", "linked"]


def test_a_title_is_needed_to_raise_one(qtbot, advisor, dialogs, incident):
    dialog = open_dialog(qtbot, incident, advisor, dialogs)
    retype(qtbot, dialog.new_title, "")
    click(qtbot, dialog.raise_button)
    message = dialog.errors.labels["title"]
    assert message.isVisible() and "required" in message.text()
    assert Problem.select().count() == 0
    assert dialog.isVisible()


def test_an_incident_linked_already_is_shown_and_can_be_unlinked(qtbot, advisor, dialogs,
                                                                 incident, open_problems):
    billing = open_problems[0]
    link_incident(incident.id, billing.id, advisor)
    dialog = open_dialog(qtbot, incident, advisor, dialogs)
    assert dialog.current.isVisible()
    assert dialog.current_text.text() == (f"{billing.reference}: Billing fails after the "
                                          "nightly batch (Open)")
    assert not dialog.existing.isEnabled() and not dialog.new.isEnabled()
    assert "unlink it first" in dialog.existing.title()
    with qtbot.waitSignal(dialog.open_problem_requested) as asked:
        click(qtbot, dialog.open_button)
    assert asked.args == [billing.id]
    dialogs.answers.append(True)
    with qtbot.waitSignal(dialog.changed):
        click(qtbot, dialog.unlink_button)
    assert dialogs.calls[-1][0] == "confirm"
    assert problem_of(incident.id) is None
    assert not dialog.current.isVisible()
    assert dialog.existing.isEnabled() and dialog.new.isEnabled()


def test_a_link_made_elsewhere_meanwhile_is_refused_with_a_message(qtbot, advisor, dialogs,
                                                                   incident, open_problems):
    billing, phones, _closed = open_problems
    dialog = open_dialog(qtbot, incident, advisor, dialogs)
    link_incident(incident.id, phones.id, advisor)  # a colleague, meanwhile
    click_listed(qtbot, dialog, billing.reference)
    click(qtbot, dialog.link_button)
    kind, title, text = dialogs.calls[-1]
    assert (kind, title) == ("error", "Not linked")
    assert f"already linked to {phones.reference}" in text
    assert dialog.current.isVisible()  # the dialog shows the link as it is now
    assert problem_of(incident.id).id == phones.id


def test_an_assessor_sees_the_link_but_changes_nothing(qtbot, dialogs, advisor, incident,
                                                       open_problems):
    assessor = ensure_user("ada.assessor", "Ada Assessor", Role.ASSESSOR)
    link_incident(incident.id, open_problems[0].id, advisor)
    dialog = open_dialog(qtbot, incident, assessor, dialogs)
    assert dialog.current.isVisible() and not dialog.unlink_button.isVisible()
    assert not dialog.existing.isEnabled() and not dialog.new.isEnabled()
