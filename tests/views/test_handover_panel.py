"""The handover panel driven as two colleagues drive it, each in their own main window on the
same database: one offers three incidents, the other accepts; a query flows back; support is
logged; who is on shift; the shift's summary and its PDF."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QComboBox, QTableWidget

from app.models.audit import describe, incident_history
from app.models.entities import Handover, Incident, SupportRecord
from app.models.handover import HandoverState
from app.models.incidents import change_status, create_incident
from app.models.lifecycle import Status
from app.views.main_window import MainWindow
from app.views.theme import tone_colour
from tests.conftest import make_draft
from tests.views.conftest import RECEIVED_AT
from tests.views.helpers import choose, click, retype

pytestmark = pytest.mark.gui


@pytest.fixture
def window_for(open_window):
    """Opens a main window signed in as a given user (each colleague their own)."""
    return open_window


@pytest.fixture
def mine_three(advisor):
    """Three open incidents Sam owns, and one of Sam's already resolved."""
    incidents = [create_incident(make_draft(received_at=RECEIVED_AT + timedelta(minutes=n),
                                            owner_id=advisor.id, caller_name=name,
                                            summary=summary), advisor)
                 for n, (name, summary) in enumerate((
                     ("Olivia Taylor", "Billing system not loading"),
                     ("Marcus Okonkwo", "Inbound calls dropping"),
                     ("Jack Taylor", "No heating at the depot")))]
    done = create_incident(make_draft(received_at=RECEIVED_AT, owner_id=advisor.id,
                                      summary="Printer jam"), advisor)
    change_status(done.id, Status.RESOLVED, advisor, "Cleared")
    return incidents


def open_panel(qtbot, window: MainWindow):
    """View › Handovers and support (Ctrl+Shift+H), as a user opens it."""
    if not window.handover_dock.isVisible():
        qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)
    assert window.handover_dock.isVisible()
    return window.handover_panel


def show_tab(qtbot, panel, name: str) -> None:
    tabs = panel.tabs
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    index = next(i for i, t in enumerate(titles) if t.startswith(name))
    qtbot.mouseClick(tabs.tabBar(), Qt.MouseButton.LeftButton,
                     pos=tabs.tabBar().tabRect(index).center())
    assert tabs.currentIndex() == index


def column(table: QTableWidget, c: int) -> list[str]:
    return [table.item(r, c).text() for r in range(table.rowCount())]


def click_row(qtbot, table: QTableWidget, row: int) -> None:
    rect = table.visualItemRect(table.item(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert table.currentRow() == row


def click_check(qtbot, table: QTableWidget, row: int) -> None:
    """Click the tick box at the start of a row."""
    rect = table.visualItemRect(table.item(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(rect.left() + 10, rect.center().y()))


def type_into(qtbot, edit, text: str) -> None:
    edit.setFocus()
    qtbot.keyClicks(edit, text)


def pick(combo: QComboBox, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, f"{text!r} is not offered by {combo.objectName()}"
    choose(combo, combo.itemData(index))


def test_one_offers_three_incidents_the_other_accepts(qtbot, window_for, advisor, colleague,
                                                      mine_three):
    sam = window_for(advisor)
    assert not sam.handover_dock.isVisible()  # nothing awaits Sam
    panel = open_panel(qtbot, sam)
    tab = panel.hand_over
    # all of Sam's open incidents, ticked; the resolved one is not listed
    assert sorted(column(tab.incidents, 0)) == sorted(i.reference for i in mine_three)
    assert len(tab.incident_ids()) == 3
    first = tab.incident_ids()[0]
    assert tab.item_box.title() == Incident.get_by_id(first).reference
    assert "Status: Assigned" in tab.facts.text() and "SLA: " in tab.facts.text()
    assert "Logged" in tab.facts.text()
    assert tab.next_action.text()  # suggested

    # Offer without saying anything: each problem named, nothing offered
    click(qtbot, tab.offer_button)
    assert tab.errors.labels["receiver"].text() == "Choose the colleague to hand over to."
    assert tab.errors.labels["method"].text().startswith("Choose how it is handed over")
    assert "Say what is still to be done for" in tab.incidents_error.text()
    assert Handover.select().count() == 0

    pick(tab.receiver, "Alex Colleague")
    pick(tab.method, "Face to face")
    typed = {}
    for row in range(3):
        click_row(qtbot, tab.incidents, row)
        reference = tab.incidents.item(row, 0).text()
        assert tab.item_box.title() == reference
        type_into(qtbot, tab.outstanding_actions, f"Call back about {reference}")
        typed[reference] = f"Call back about {reference}"
    type_into(qtbot, tab.risks, "Caller is upset")
    click_row(qtbot, tab.incidents, 0)  # what was typed is kept when coming back
    assert tab.outstanding_actions.toPlainText() == typed[tab.incidents.item(0, 0).text()]
    click(qtbot, tab.offer_button)
    assert "Offered 3 incident(s) to Alex Colleague" in tab.message.text()
    handover = Handover.get()
    assert HandoverState(handover.state) == HandoverState.OFFERED
    # nothing changes owner until accepted
    assert {Incident.get_by_id(i.id).owner_id for i in mine_three} == {advisor.id}
    show_tab(qtbot, panel, "Offered by me")
    assert column(panel.offered.list, 4) == ["Offered"]

    alex = window_for(colleague)
    assert alex.handover_dock.isVisible()  # a handover awaits Alex: the panel shows
    theirs = alex.handover_panel
    assert theirs.tabs.tabText(1) == "For me (1)"
    show_tab(qtbot, theirs, "For me")
    assert column(theirs.for_me.list, 0) == ["Sam Advisor"]
    shown = theirs.for_me.detail.toPlainText()
    assert "From Sam Advisor to Alex Colleague, face to face" in shown
    for reference, outstanding in typed.items():
        assert f"Outstanding actions: {outstanding}" in shown
        assert reference in shown
    assert "Risks: Caller is upset" in shown
    click(qtbot, theirs.for_me.accept_button)
    assert theirs.for_me.message.text().startswith("Accepted from Sam Advisor:")
    assert theirs.tabs.tabText(1) == "For me"
    assert {Incident.get_by_id(i.id).owner_id for i in mine_three} == {colleague.id}
    for incident in mine_three:
        rows = [describe(h) for h in incident_history(incident.id)]
        assert ("Owner", "Sam Advisor", "Alex Colleague") in rows
        assert [r[0] for r in rows[-3:]] == ["Handover offered", "Owner", "Handover accepted"]
    # Alex's log and detail pane follow: the timeline tells the handover
    alex.select_incident(mine_three[0].id)
    timeline = alex.detail.timeline
    titles = [timeline.item(r, 1).text() for r in range(timeline.rowCount())]
    assert titles[-2:] == ["Handover offered", "Handover accepted"]
    assert alex.detail.values["owner"].text() == "Alex Colleague"
    # Sam sees the outcome once the list is read again
    panel.offered.reload()
    assert column(panel.offered.list, 4) == ["Accepted"]
    panel.hand_over.reload()
    assert panel.hand_over.incidents.rowCount() == 0


def test_a_query_flows_back_to_the_giver(qtbot, window_for, advisor, colleague, mine_three):
    sam = window_for(advisor)
    tab = open_panel(qtbot, sam).hand_over
    pick(tab.receiver, "Alex Colleague")
    pick(tab.method, "Phone")
    click_check(qtbot, tab.incidents, 1)  # untick two: hand over one
    click_check(qtbot, tab.incidents, 2)
    assert len(tab.incident_ids()) == 1
    click_row(qtbot, tab.incidents, 0)
    type_into(qtbot, tab.outstanding_actions, "Ring the engineer")
    click(qtbot, tab.offer_button)
    assert "Offered 1 incident(s)" in tab.message.text()
    # the one offered is not offered again: it waits for an answer
    offered_reference = Incident.get_by_id(
        Handover.get().items.get().incident_id).reference
    assert offered_reference not in column(tab.incidents, 0)
    assert tab.incidents.rowCount() == 2
    assert tab.already_offered.text() == (
        f"Already offered, awaiting an answer: {offered_reference} to Alex Colleague")

    alex = window_for(colleague)
    for_me = alex.handover_panel.for_me
    show_tab(qtbot, alex.handover_panel, "For me")
    click(qtbot, for_me.query_button)  # no reason given
    assert "Say what is unclear or wrong, for Sam Advisor to answer." in for_me.message.text()
    type_into(qtbot, for_me.reason, "Which engineer, and by when?")
    click(qtbot, for_me.query_button)
    assert for_me.message.text() == "Queried: sent back to Sam Advisor with your reason."
    assert for_me.list.rowCount() == 0

    offered = sam.handover_panel.offered
    show_tab(qtbot, sam.handover_panel, "Offered by me")
    assert column(offered.list, 4) == ["Queried"]
    assert column(offered.list, 5)[0].endswith("Alex Colleague: Which engineer, and by when?")
    assert offered.list.item(0, 4).foreground().color() == tone_colour("error")
    owner_before = Incident.get_by_id(mine_three[0].id).owner_id
    assert owner_before == advisor.id
    click_row(qtbot, offered.list, 0)
    click(qtbot, offered.withdraw_button)
    assert offered.message.text() == "Withdrawn: the incidents stay with their owner."
    assert column(offered.list, 4) == ["Withdrawn"]


def test_the_list_follows_incidents_changed_in_the_window_keeping_what_was_unticked(
        qtbot, window_for, advisor, mine_three):
    sam = window_for(advisor)
    tab = open_panel(qtbot, sam).hand_over
    kept_out = tab.incidents.item(0, 0).text()
    click_check(qtbot, tab.incidents, 0)
    resolved = next(i for i in mine_three if i.reference == tab.incidents.item(1, 0).text())
    sam.select_incident(resolved.id)  # resolved in the detail pane, as an advisor does
    choose(sam.detail.next_status, Status.RESOLVED.value)
    type_into(qtbot, sam.detail.status_note, "Fixed on the call")
    click(qtbot, sam.detail.apply_status)
    assert resolved.reference not in column(tab.incidents, 0)
    assert tab.incidents.rowCount() == 2
    ticked = [tab.incidents.item(r, 0).text() for r in range(2)
              if tab.incidents.item(r, 0).checkState() == Qt.CheckState.Checked]
    assert kept_out not in ticked and len(ticked) == 1


def test_accepting_after_an_incident_was_resolved_changes_nobody(qtbot, window_for, advisor,
                                                                 colleague, mine_three):
    sam = window_for(advisor)
    tab = open_panel(qtbot, sam).hand_over
    pick(tab.receiver, "Alex Colleague")
    pick(tab.method, "Chat")
    for row in range(3):
        click_row(qtbot, tab.incidents, row)
        type_into(qtbot, tab.outstanding_actions, "None")
    click(qtbot, tab.offer_button)
    change_status(mine_three[1].id, Status.RESOLVED, advisor, "Fixed after all")
    alex = window_for(colleague)
    for_me = alex.handover_panel.for_me
    click(qtbot, for_me.accept_button)
    assert for_me.message.text() == (
        f"{mine_three[1].reference} was resolved since it was offered: query the handover "
        "so that it can be offered again without it.")
    assert {Incident.get_by_id(i.id).owner_id for i in mine_three} == {advisor.id}


def test_support_on_shift_and_the_shift_summary(qtbot, window_for, advisor, colleague, leader,
                                                mine_three, dialogs, tmp_path):
    tess = window_for(leader)
    panel = open_panel(qtbot, tess)
    # a team leader may hand over anybody's incidents: Sam's are there to choose
    tab = panel.hand_over
    assert tab.owner.isVisible()
    pick(tab.owner, "Sam Advisor")
    assert len(tab.incident_ids()) == 3

    show_tab(qtbot, panel, "On shift")
    loads = {panel.on_shift.list.item(r, 0).text(): panel.on_shift.list.item(r, 2).text()
             for r in range(panel.on_shift.list.rowCount())}
    assert loads == {"Sam Advisor": "3", "Alex Colleague": "0", "Tess Leader": "0"}

    show_tab(qtbot, panel, "Support given")
    support = panel.support
    click(qtbot, support.record_button)
    assert support.errors.labels["supported"].text() == "Choose the colleague you helped."
    assert support.errors.labels["outcome"].text().startswith("Say what came of it")
    pick(support.supported, "Sam Advisor")
    pick(support.kind, "Wellbeing check after a difficult call")
    pick(support.method, "Face to face")
    retype(qtbot, support.incident, "INC-1999-000001")
    type_into(qtbot, support.outcome, "Took ten minutes, back on calls")
    click(qtbot, support.record_button)
    assert support.errors.labels["incident"].text() == "There is no incident INC-1999-000001."
    assert SupportRecord.select().count() == 0
    retype(qtbot, support.incident, mine_three[0].reference)
    click(qtbot, support.record_button)
    assert support.message.text() == "Support to Sam Advisor recorded."
    assert column(support.given, 1) == ["Sam Advisor"]
    tess.select_incident(mine_three[0].id)
    timeline = tess.detail.timeline
    assert timeline.item(timeline.rowCount() - 1, 1).text() == (
        "Support given to Sam Advisor: wellbeing check after a difficult call")

    show_tab(qtbot, panel, "Shift summary")
    shift = panel.shift
    assert shift.counts.text().endswith(": No handover; 1 support record.")
    assert shift.handovers.rowCount() == 0
    assert [shift.support.item(0, c).text() for c in range(5)][1:] == [
        "Tess Leader → Sam Advisor\nFace to face", "Wellbeing check after a difficult call",
        mine_three[0].reference, "Took ten minutes, back on calls"]
    target = tmp_path / "shift.pdf"
    dialogs.save_files.append(target)
    click(qtbot, shift.export_button)
    assert shift.message.text() == f"Exported to {target}"
    text = subprocess.run(["pdftotext", str(target), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "Shift handover report" in text and "Took ten minutes, back on calls" in text
    dialogs.save_files.append(None)  # cancelled: nothing written, nothing said
    click(qtbot, shift.export_button)
    assert [kind for kind in dialogs.kinds() if kind == "error"] == []


def test_the_panel_is_made_when_first_shown(qtbot, window_for, advisor, colleague,
                                            mine_three):
    """Issue 9: a window whose user has no handover waiting starts without the panel's six
    tabs; the first time the dock is shown, the panel is made, read and shown in it."""
    sam = window_for(advisor)
    assert sam.handover_dock.widget() is None
    panel = open_panel(qtbot, sam)
    assert sam.handover_dock.widget() is panel and panel.isVisible()
    assert len(panel.hand_over.incident_ids()) == 3
    assert sam.handover_panel is panel  # made once
