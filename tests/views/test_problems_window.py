"""The problems window driven as a team leader, an advisor and an assessor drive it: the list,
its filter and search, raising and editing a problem, the known error, linking the likely
recurrences, unlinking, the trail; unsaved typing never lost; a stale save refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit, QTableView, QTableWidget

from app.models.audit import describe, incident_history
from app.models.entities import Incident, Problem
from app.models.incidents import create_incident
from app.models.permissions import Role
from app.models.problems import (
    ProblemDraft,
    ProblemStatus,
    create_problem,
    get_problem,
    link_incident,
    problem_of,
    problems,
    update_problem,
)
from app.models.users import ensure_user
from app.views.problem_table_model import PROBLEM_ID_ROLE, TICK, ProblemTableModel
from app.views.problems_window import ProblemsWindow
from tests.conftest import category, make_draft
from tests.views.conftest import RECEIVED_AT
from tests.views.helpers import CTRL, choose, click, retype

pytestmark = pytest.mark.gui

ROOT_CAUSE = "The nightly batch leaves the billing cache locked until it times out at 10:00."
WORKAROUND = ("Ask the caller to sign out, then clear the cache under Billing › Tools › Reset "
              "cache; billing comes back within a minute.")


@pytest.fixture
def billing(advisor, leader):
    """Five billing incidents, three linked to a known error; a telephony problem; a closed
    one."""
    summaries = ("Billing system not loading for the whole team",
                 "Billing screen frozen after sign-in", "Cannot open invoices in billing",
                 "Billing times out at 9am", "Billing slow since this morning")
    incidents = [create_incident(make_draft(received_at=RECEIVED_AT - timedelta(days=n),
                                            summary=summary), advisor)
                 for n, summary in enumerate(summaries)]
    known = create_problem(ProblemDraft(
        title="Billing system fails after the nightly batch",
        description="Every morning since 3 November, billing will not load for an hour.",
        owner_id=leader.id, status=ProblemStatus.KNOWN_ERROR, root_cause=ROOT_CAUSE,
        workaround=WORKAROUND), leader, incident_id=incidents[0].id)
    for incident in incidents[1:3]:
        link_incident(incident.id, known.id, advisor)
    phones = create_problem(ProblemDraft(title="Inbound calls drop after the IVR menu"),
                            advisor)
    closed = create_problem(ProblemDraft(title="Door cards rejected on floor 2"), advisor)
    update_problem(closed.id, ProblemDraft(title=closed.title, status=ProblemStatus.CLOSED,
                                           note="Duplicate of a facilities ticket."), leader, 1)
    return incidents, known, phones, closed


def open_window(qtbot, user, dialogs) -> ProblemsWindow:
    window = ProblemsWindow(user, dialogs)
    # typing left unsaved asks before the window closes: let it go
    qtbot.addWidget(window, before_close_func=lambda _: dialogs.answers.append(True))
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    return window


def listed(window: ProblemsWindow, column: int = 0) -> list[str]:
    model = window.model
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def click_problem(qtbot, window: ProblemsWindow, reference: str) -> None:
    row = listed(window).index(reference)
    rect = window.table.visualRect(window.model.index(row, 1))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def click_table_row(qtbot, table: QTableWidget | QTableView, row: int,
                    modifier=Qt.KeyboardModifier.NoModifier) -> None:
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def column_of(table: QTableWidget, column: int) -> list[str]:
    return [table.item(r, column).text() for r in range(table.rowCount())]


def type_over(qtbot, box: QPlainTextEdit, text: str) -> None:
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(box, Qt.Key.Key_Delete)
    if text:
        qtbot.keyClicks(box, text)


def show_tab(qtbot, window: ProblemsWindow, index: int) -> None:
    bar = window.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert window.tabs.currentIndex() == index


# --- the item model -------------------------------------------------------------------------
@pytest.mark.parametrize("force_py", [False, True], ids=["qt-tester", "py-tester"])
def test_the_problem_model_passes_the_model_tester(qtmodeltester, billing, force_py):
    model = ProblemTableModel()
    model.set_rows(problems())
    assert model.rowCount() == 3
    qtmodeltester.check(model, force_py=force_py)
    model.set_rows(problems(ProblemStatus.KNOWN_ERROR))
    assert model.rowCount() == 1
    assert model.data(model.index(0, 0), PROBLEM_ID_ROLE) == billing[1].id
    model.set_rows([])
    assert model.rowCount() == 0


# --- the list ---------------------------------------------------------------------------------
def test_the_list_shows_counts_known_errors_and_owners_and_says_what_a_problem_is(
        qtbot, leader, dialogs, billing):
    _incidents, known, phones, _closed = billing
    window = open_window(qtbot, leader, dialogs)
    assert "A problem removes the cause; its incidents restore the service" in (
        window.banner.text())
    assert listed(window) == [phones.reference, known.reference]  # closed ones not shown
    assert listed(window, 2) == ["Open", "Known error"]
    assert listed(window, 3) == ["0", "3 (3 open)"]
    assert listed(window, 4) == ["", TICK]
    assert listed(window, 5) == ["", "Tess Leader"]
    model = window.model
    assert model.data(model.index(1, 4), Qt.ItemDataRole.AccessibleTextRole).startswith(
        "Known error")


def test_the_status_filter_and_the_search(qtbot, leader, dialogs, billing):
    _incidents, known, phones, closed = billing
    window = open_window(qtbot, leader, dialogs)
    choose(window.status_filter, "")
    assert listed(window) == [closed.reference, phones.reference, known.reference]
    choose(window.status_filter, ProblemStatus.CLOSED.value)
    assert listed(window) == [closed.reference]
    choose(window.status_filter, "active")
    qtbot.keyClicks(window.search, "CACHE")  # found in the root cause
    assert listed(window) == [known.reference]
    retype(qtbot, window.search, "ivr")
    assert listed(window) == [phones.reference]
    retype(qtbot, window.search, "")
    assert len(listed(window)) == 2


# --- editing ----------------------------------------------------------------------------------
def test_a_leader_makes_a_problem_a_known_error(qtbot, leader, dialogs, billing):
    _incidents, _known, phones, _closed = billing
    window = open_window(qtbot, leader, dialogs)
    click_problem(qtbot, window, phones.reference)
    editor = window.editor
    assert editor.reference.text() == phones.reference
    choose(editor.status, ProblemStatus.KNOWN_ERROR.value)
    click(qtbot, editor.save_button)
    # refused beside each field, nothing saved
    assert editor.errors.labels["root_cause"].isVisible()
    assert "required for a known error" in editor.errors.labels["workaround"].text()
    assert get_problem(phones.id).status == "open"
    type_over(qtbot, editor.root_cause, "The IVR's new menu drops calls on option 4.")
    type_over(qtbot, editor.workaround, "Tell callers to press 0 for an advisor.")
    click(qtbot, editor.save_button)
    stored = get_problem(phones.id)
    assert (stored.status, stored.workaround) == ("known_error",
                                                   "Tell callers to press 0 for an advisor.")
    assert editor.status_label.text() == "Known error"
    assert not editor.errors.labels["root_cause"].isVisible()
    row = listed(window).index(phones.reference)
    assert listed(window, 4)[row] == TICK
    show_tab(qtbot, window, 2)
    assert ("Status", "Open", "Known error") in [
        tuple(window.trail.item(r, c).text() for c in (2, 3, 4))
        for r in range(window.trail.rowCount())]


def test_resolving_asks_for_the_fix_in_the_note(qtbot, leader, dialogs, billing):
    known = billing[1]
    window = open_window(qtbot, leader, dialogs)
    click_problem(qtbot, window, known.reference)
    editor = window.editor
    choose(editor.status, ProblemStatus.RESOLVED.value)
    assert editor.note.placeholderText() == "Required: the fix: how the cause was removed"
    click(qtbot, editor.save_button)
    assert "needs the fix" in editor.errors.labels["note"].text()
    qtbot.keyClicks(editor.note, "Batch now releases the cache lock.")
    click(qtbot, editor.save_button)
    assert get_problem(known.id).status == "resolved"


def test_raising_a_new_problem_from_the_window(qtbot, advisor, dialogs, billing):
    window = open_window(qtbot, advisor, dialogs)
    click(qtbot, window.new_button)
    editor = window.editor
    assert editor.reference.text() == "New problem"
    assert editor.title.hasFocus()
    qtbot.keyClicks(editor.title, "Printers offline on Mondays")
    click(qtbot, editor.save_button)
    created = Problem.get(Problem.title == "Printers offline on Mondays")
    assert editor.reference.text() == created.reference == "PRB-2026-0004"
    assert window.table.currentIndex().row() == listed(window).index(created.reference)


def test_an_advisor_edits_the_title_but_not_the_cause(qtbot, advisor, dialogs, billing):
    known = billing[1]
    window = open_window(qtbot, advisor, dialogs)
    click_problem(qtbot, window, known.reference)
    editor = window.editor
    assert editor.root_cause.isReadOnly() and editor.workaround.isReadOnly()
    assert not editor.status.isEnabled()
    assert "team leader" in editor.rights_note.text()
    retype(qtbot, editor.title, "Billing fails every morning")
    click(qtbot, editor.save_button)
    assert get_problem(known.id).title == "Billing fails every morning"
    assert get_problem(known.id).workaround == WORKAROUND


def test_an_assessor_only_reads(qtbot, dialogs, billing):
    assessor = ensure_user("ada.assessor", "Ada Assessor", Role.ASSESSOR)
    window = open_window(qtbot, assessor, dialogs)
    assert not window.new_button.isVisible()
    click_problem(qtbot, window, billing[1].reference)
    editor = window.editor
    assert editor.title.isReadOnly() and not editor.save_button.isVisible()
    assert "Assessors read problems" in editor.rights_note.text()
    assert not window.unlink_button.isEnabled() and not window.link_button.isEnabled()


def test_a_closed_problem_is_shown_as_it_stays(qtbot, leader, dialogs, billing):
    closed = billing[3]
    window = open_window(qtbot, leader, dialogs)
    window.show_problem(closed.id)
    assert window.editor.reference.text() == closed.reference
    assert window.editor.title.isReadOnly()
    assert "closed" in window.editor.rights_note.text()
    assert not window.link_button.isEnabled()


def test_unsaved_typing_is_not_lost_by_choosing_another_problem(qtbot, leader, dialogs,
                                                                billing):
    _incidents, known, phones, _closed = billing
    window = open_window(qtbot, leader, dialogs)
    click_problem(qtbot, window, known.reference)
    retype(qtbot, window.editor.title, "Typed, not saved")
    dialogs.answers.append(False)  # keep editing
    click_problem(qtbot, window, phones.reference)
    assert dialogs.calls[-1][1] == "Discard changes?"
    assert known.reference in dialogs.calls[-1][2]
    assert window.editor.reference.text() == known.reference
    assert window.editor.title.text() == "Typed, not saved"
    assert window.table.currentIndex().row() == listed(window).index(known.reference)
    dialogs.answers.append(True)  # discard
    click_problem(qtbot, window, phones.reference)
    assert window.editor.reference.text() == phones.reference
    assert get_problem(known.id).title == "Billing system fails after the nightly batch"


def test_a_stale_save_is_refused_naming_who_and_keeps_the_typing(qtbot, advisor, leader,
                                                                 dialogs, billing):
    phones = billing[2]
    window = open_window(qtbot, advisor, dialogs)
    click_problem(qtbot, window, phones.reference)
    update_problem(phones.id, ProblemDraft(title="Leader's title"), leader, 1)
    retype(qtbot, window.editor.title, "Advisor's title")
    click(qtbot, window.editor.save_button)
    kind, title, text = dialogs.calls[-1]
    assert (kind, title) == ("error", "Problem not saved")
    assert "changed by Tess Leader" in text
    assert window.editor.title.text() == "Advisor's title"
    assert get_problem(phones.id).title == "Leader's title"


# --- incidents ----------------------------------------------------------------------------------
def test_linking_the_likely_recurrences(qtbot, advisor, dialogs, billing):
    incidents, known, _phones, _closed = billing
    elsewhere = create_incident(make_draft(received_at=RECEIVED_AT, summary="No heating",
                                           category_id=category("Facilities").id,
                                           subcategory_id=None), advisor)
    window = open_window(qtbot, advisor, dialogs)
    click_problem(qtbot, window, known.reference)
    assert window.tabs.tabText(0) == "&Incidents (3)"
    show_tab(qtbot, window, 1)
    candidates = column_of(window.candidates, 0)
    assert candidates == [incidents[3].reference, incidents[4].reference]
    assert elsewhere.reference not in candidates
    click_table_row(qtbot, window.candidates, 0)
    click_table_row(qtbot, window.candidates, 1, CTRL)
    changes = []
    window.incident_changed.connect(changes.append)
    click(qtbot, window.link_button)
    assert [(c.incident_id, c.fields) for c in changes] == [
        (incidents[3].id, ("problem",)), (incidents[4].id, ("problem",))]
    assert window.candidates.rowCount() == 0
    assert window.tabs.tabText(0) == "&Incidents (5)"
    assert problem_of(incidents[4].id).id == known.id
    assert listed(window, 3)[listed(window).index(known.reference)] == "5 (5 open)"
    assert describe(incident_history(incidents[3].id)[-1])[0] == "Problem"


def test_unlinking_asks_first_and_both_records_say_so(qtbot, advisor, dialogs, billing):
    incidents, known, _phones, _closed = billing
    window = open_window(qtbot, advisor, dialogs)
    click_problem(qtbot, window, known.reference)
    row = column_of(window.incidents, 0).index(incidents[1].reference)
    click_table_row(qtbot, window.incidents, row)
    dialogs.answers.append(False)
    click(qtbot, window.unlink_button)
    assert problem_of(incidents[1].id) is not None
    dialogs.answers.append(True)
    with qtbot.waitSignal(window.incident_changed):
        click(qtbot, window.unlink_button)
    assert incidents[1].reference in dialogs.calls[-1][2]
    assert problem_of(incidents[1].id) is None
    assert incidents[1].reference not in column_of(window.incidents, 0)
    assert describe(incident_history(incidents[1].id)[-1])[1].startswith(known.reference)


def test_open_incident_asks_the_main_window(qtbot, advisor, dialogs, billing):
    incidents, known = billing[0], billing[1]
    window = open_window(qtbot, advisor, dialogs)
    click_problem(qtbot, window, known.reference)
    click_table_row(qtbot, window.incidents, 0)
    with qtbot.waitSignal(window.open_incident_requested) as asked:
        click(qtbot, window.open_incident_button)
    assert asked.args == [Incident.get(Incident.reference == column_of(
        window.incidents, 0)[0]).id]
    assert asked.args[0] in {i.id for i in incidents}

