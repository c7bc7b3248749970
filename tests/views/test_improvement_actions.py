"""The improvement actions window: open actions soonest due first, overdue said in words,
filtered to overdue or mine, moved on by their owner or a team leader, opened by a
double-click; the priorities whose review is required; its table model checked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from app.models.entities import ImprovementAction, Incident
from app.models.incidents import change_status, create_incident
from app.models.lifecycle import Status
from app.models.reviews import (
    ActionDraft,
    ActionStatus,
    add_action,
    local_today,
    open_actions,
    required_priorities,
    review_actions,
    update_action,
)
from app.views.improvement_actions import (
    INCIDENT_ID_ROLE,
    OVERDUE_ROLE,
    ImprovementActionsModel,
    ImprovementActionsWindow,
)
from app.views.theme import tone_colour
from tests.conftest import make_draft
from tests.views.helpers import choose, click

pytestmark = pytest.mark.gui

INCIDENT, ACTION, OWNER, DUE, STATUS = range(5)


def resolved_p1(by, summary: str, days_ago: int) -> Incident:
    received = datetime.now(UTC).replace(microsecond=0) - timedelta(days=days_ago)
    incident = create_incident(make_draft(received_at=received, impact="high", urgency="high",
                                          summary=summary), by, now=received)
    change_status(incident.id, Status.RESOLVED, by, "Fixed", now=received + timedelta(hours=1))
    return incident


@pytest.fixture
def actions(advisor, colleague, leader):
    """Three open actions on two incidents: Sam's overdue by 5 days, Alex's due in 3 days,
    Sam's due in 10; and one done, which is not listed."""
    today = local_today()
    billing = resolved_p1(advisor, "Billing system down", 20)
    phones = resolved_p1(advisor, "Calls dropping", 2)
    made = datetime.now(UTC) - timedelta(days=15)
    late = add_action(billing.id, ActionDraft("Owner for the clean-up job", advisor.id,
                                              today - timedelta(days=5)), leader, now=made)
    soon = add_action(phones.id, ActionDraft("Test-call checklist", colleague.id,
                                             today + timedelta(days=3)), leader)
    later = add_action(billing.id, ActionDraft("Disk alert", advisor.id,
                                               today + timedelta(days=10)), leader)
    done = add_action(phones.id, ActionDraft("Tell the provider", colleague.id,
                                             today + timedelta(days=1)), leader)
    update_action(done.id, colleague, status="done")
    return {"billing": billing, "phones": phones, "late": late, "soon": soon,
            "later": later}


@pytest.fixture
def open_actions_window(qtbot, dialogs):
    def opener(user) -> ImprovementActionsWindow:
        window = ImprovementActionsWindow(user, dialogs)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window
    return opener


def shown(window, column: int) -> list[str]:
    model = window.model
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def test_open_actions_soonest_first_with_overdue_said_in_words(open_actions_window, actions,
                                                               leader):
    window = open_actions_window(leader)
    today = local_today()
    assert window.counts.text() == "3 open, 1 overdue"
    assert shown(window, ACTION) == ["Owner for the clean-up job", "Test-call checklist",
                                     "Disk alert"]
    assert shown(window, INCIDENT) == [actions["billing"].reference,
                                       actions["phones"].reference,
                                       actions["billing"].reference]
    assert shown(window, OWNER) == ["Sam Advisor", "Alex Colleague", "Sam Advisor"]
    assert shown(window, DUE) == [
        f"{today - timedelta(days=5):%d/%m/%Y} (overdue by 5 days)",
        f"{today + timedelta(days=3):%d/%m/%Y}", f"{today + timedelta(days=10):%d/%m/%Y}"]
    model = window.model
    assert model.data(model.index(0, DUE), Qt.ItemDataRole.ForegroundRole) == tone_colour("error")
    assert model.data(model.index(0, DUE), OVERDUE_ROLE) is True
    assert model.data(model.index(1, DUE), Qt.ItemDataRole.ForegroundRole) is None
    assert model.data(model.index(0, INCIDENT), Qt.ItemDataRole.ToolTipRole) == \
        f"{actions['billing'].reference}: Billing system down"


def test_filters_overdue_only_and_mine(qtbot, open_actions_window, actions, colleague):
    window = open_actions_window(colleague)
    click(qtbot, window.overdue_only)
    assert shown(window, ACTION) == ["Owner for the clean-up job"]
    click(qtbot, window.mine_only)
    assert shown(window, ACTION) == []
    assert window.empty.isVisible() and window.empty.text() == "No overdue action."
    assert window.counts.text() == "1 open, 0 overdue"  # the counts follow "mine"
    click(qtbot, window.overdue_only)
    assert shown(window, ACTION) == ["Test-call checklist"]
    assert not window.empty.isVisible()


def test_an_owner_moves_their_action_on_and_it_leaves_the_list_once_done(
        qtbot, open_actions_window, dialogs, actions, advisor):
    window = open_actions_window(advisor)
    window.table.selectRow(1)  # Alex's: not Sam's to move on
    assert not window.set_status.isEnabled()
    window.table.selectRow(0)
    assert window.set_status.isEnabled()
    assert window.status.currentData() == ActionStatus.OPEN
    choose(window.status, ActionStatus.DONE.value)
    with qtbot.waitSignal(window.changed):
        click(qtbot, window.set_status)
    assert ImprovementAction.get_by_id(actions["late"].id).status == ActionStatus.DONE
    assert shown(window, ACTION) == ["Test-call checklist", "Disk alert"]
    assert window.counts.text() == "2 open, 0 overdue"
    # cancelling is a team leader's: refused, said, nothing changed
    window.table.selectRow(1)
    choose(window.status, ActionStatus.CANCELLED.value)
    click(qtbot, window.set_status)
    assert dialogs.calls[-1] == ("error", "Status not changed",
                                 "Only a team leader or an administrator can cancel an "
                                 "action.")
    assert ImprovementAction.get_by_id(actions["later"].id).status == ActionStatus.OPEN


def test_double_click_opens_the_incident_and_the_buttons_its_review(qtbot, open_actions_window,
                                                                    actions, leader):
    window = open_actions_window(leader)
    index = window.model.index(1, ACTION)
    rect = window.table.visualRect(index)
    viewport, left = window.table.viewport(), Qt.MouseButton.LeftButton
    with qtbot.waitSignal(window.open_incident) as opened:
        # the press a real double-click starts with, which the view needs to see
        qtbot.mouseClick(viewport, left, pos=rect.center())
        qtbot.mouseDClick(viewport, left, pos=rect.center())
    assert opened.args == [actions["phones"].id]
    window.table.selectRow(0)
    with qtbot.waitSignal(window.open_review) as review:
        click(qtbot, window.open_review_button)
    assert review.args == [actions["billing"].id]
    with qtbot.waitSignal(window.open_incident) as opened:
        click(qtbot, window.open_incident_button)
    assert opened.args == [actions["billing"].id]


def test_a_team_leader_sets_the_priorities_that_need_a_review(qtbot, open_actions_window,
                                                             db, leader, advisor):
    window = open_actions_window(leader)
    boxes = window.priority_boxes
    assert [p for p, box in boxes.items() if box.isChecked()] == [1, 2]
    click(qtbot, boxes[2])
    click(qtbot, boxes[3])
    with qtbot.waitSignal(window.changed):
        click(qtbot, window.apply_priorities)
    assert required_priorities() == frozenset({1, 3})
    assert window.priorities_message.text() == "Saved: P1, P3."

    advisor_window = open_actions_window(advisor)
    assert [p for p, box in advisor_window.priority_boxes.items() if box.isChecked()] == [1, 3]
    assert not any(box.isEnabled() for box in advisor_window.priority_boxes.values())
    assert not advisor_window.apply_priorities.isEnabled()


@pytest.mark.parametrize("with_incident", [True, False])
def test_the_actions_model_passes_the_model_tester(qtmodeltester, actions, with_incident):
    model = ImprovementActionsModel(with_incident=with_incident)
    rows = (open_actions() if with_incident
            else review_actions(actions["billing"].id))
    model.set_rows(rows)
    assert model.rowCount() == (3 if with_incident else 2)
    assert model.data(model.index(0, 0), INCIDENT_ID_ROLE) == actions["billing"].id
    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(model)
