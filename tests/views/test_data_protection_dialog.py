"""The data protection screen driven as a team leader drives it, and as an advisor sees it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from app.models.clock import now_utc
from app.models.entities import Incident
from app.models.incidents import change_status, create_incident
from app.models.lifecycle import Status
from app.models.personal_data import ERASED, retention_months
from app.models.users import current_user, ensure_user
from app.views.data_protection_dialog import DataProtectionDialog
from tests.conftest import make_draft
from tests.views.helpers import (
    CALLER,
    CTRL,
    click,
    history_rows,
    log_row_of_reference,
    select_incident,
)
from tests.views.test_service_levels_dialog import retype_number

pytestmark = pytest.mark.gui


@pytest.fixture
def leader(db):
    return ensure_user("tara.leader", "Tara Leader", role="team_leader")


@pytest.fixture
def callers(db, advisor):
    """Olivia called twice (once long ago, closed 30 months back); Marcus once."""
    now = now_utc()
    old = now - timedelta(days=30 * 31)
    first = create_incident(make_draft(received_at=old, urgency="medium"), advisor,
                            now=old)  # a P3: closed without a review
    change_status(first.id, Status.RESOLVED, advisor, note="Fixed.", now=old)
    change_status(first.id, Status.CLOSED, advisor, now=old + timedelta(days=30))
    second = create_incident(make_draft(received_at=now - timedelta(hours=3),
                                        caller_phone="+44 161 496 0123"), advisor, now=now)
    marcus = create_incident(make_draft(received_at=now - timedelta(hours=2),
                                        caller_name="Marcus Okonkwo",
                                        caller_phone="0113 496 0777",
                                        caller_email="marcus@example.org"), advisor, now=now)
    return first, second, marcus


def open_dialog(qtbot, user, dialogs) -> DataProtectionDialog:
    dialog = DataProtectionDialog(user, dialogs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def shown_references(dialog) -> list[str]:
    return [dialog.results.item(row, 0).text() for row in range(dialog.results.rowCount())]


def find(qtbot, dialog, phone: str = "", email: str = "") -> None:
    for edit, text in ((dialog.phone, phone), (dialog.email, email)):
        edit.clear()
        qtbot.keyClicks(edit, text)
    click(qtbot, dialog.find_button)


def test_find_a_person_and_erase_their_data_on_request(qtbot, leader, callers, dialogs):
    first, second, marcus = callers
    dialog = open_dialog(qtbot, leader, dialogs)
    assert not dialog.erase_button.isEnabled()

    find(qtbot, dialog, phone="0161 496 0123")
    assert shown_references(dialog) == [first.reference, second.reference]
    assert dialog.message.text() == "2 incident(s) found."
    qtbot.keyClicks(dialog.request, "DSR-2026-014, by letter")
    dialogs.answers.append(True)
    click(qtbot, dialog.erase_button)

    kind, title, text = dialogs.calls[-1]
    assert (kind, title) == ("confirm", "Erase personal data?")
    assert first.reference in text and "cannot be undone" in text
    assert dialog.message.text() == (f"Personal data erased from 2 incident(s): "
                                     f"{first.reference}, {second.reference}.")
    assert shown_references(dialog) == []
    assert dialog.changed
    for incident in (first, second):
        assert Incident.get_by_id(incident.id).caller_name == ERASED
    assert Incident.get_by_id(marcus.id).caller_name == "Marcus Okonkwo"


def test_a_request_note_naming_the_person_is_refused_and_nothing_is_erased(
        qtbot, leader, callers, dialogs):
    dialog = open_dialog(qtbot, leader, dialogs)
    find(qtbot, dialog, email="olivia.taylor@example.org")
    qtbot.keyClicks(dialog.request, "Olivia Taylor wrote in")
    dialogs.answers.append(True)
    click(qtbot, dialog.erase_button)
    assert dialog.message.text().startswith("Request: must not contain the personal data")
    assert dialog.focusWidget() is dialog.request
    assert Incident.get_by_id(callers[0].id).caller_name == "Olivia Taylor"


def test_a_bad_phone_number_is_named_and_the_cursor_put_back(qtbot, leader, callers, dialogs):
    dialog = open_dialog(qtbot, leader, dialogs)
    find(qtbot, dialog, phone="ring me")
    assert dialog.message.text().startswith("Phone: use digits")
    assert dialog.focusWidget() is dialog.phone
    assert shown_references(dialog) == []


def test_export_a_subject_access_request(qtbot, leader, callers, dialogs, tmp_path):
    out = tmp_path / "exports"
    out.mkdir()
    dialog = open_dialog(qtbot, leader, dialogs)
    dialog.choose_folder = lambda: out  # the folder the user picks
    find(qtbot, dialog, email="marcus@example.org")
    click(qtbot, dialog.export_button)
    data, pdf = sorted(out.iterdir())
    assert (data.suffix, pdf.suffix, data.stem) == (".json", ".pdf", pdf.stem)
    assert [i["reference"] for i in json.loads(data.read_text())["incidents"]] == [
        callers[2].reference]
    assert dialog.message.text().startswith(f"Exported to {out}")


def test_retention_period_and_an_on_demand_run(qtbot, leader, callers, dialogs):
    dialog = open_dialog(qtbot, leader, dialogs)
    assert dialog.months.value() == 24
    assert dialog.due_label.text().startswith("1 closed incident(s) still hold personal data")
    retype_number(qtbot, dialog.months, 36)
    click(qtbot, dialog.save_months)
    assert retention_months() == 36
    assert dialog.message.text() == "Personal data kept 36 months after closure (was 24)."
    assert dialog.retention_history.text().startswith(
        "Last change: Personal data kept 36 months after closure (was 24). By Tara Leader on")
    assert dialog.due_label.text().startswith("0 closed incident(s)")
    retype_number(qtbot, dialog.months, 24)
    click(qtbot, dialog.save_months)
    click(qtbot, dialog.run_button)
    assert dialog.message.text() == "Retention: personal data erased from 1 incident(s)."
    assert Incident.get_by_id(callers[0].id).anonymised_at is not None
    assert dialog.due_label.text().startswith("0 closed incident(s)")


def test_an_advisor_sees_the_policy_but_cannot_act(qtbot, advisor, callers, dialogs):
    dialog = open_dialog(qtbot, advisor, dialogs)
    for widget in (dialog.months, dialog.save_months, dialog.run_button, dialog.phone,
                   dialog.find_button, dialog.export_button, dialog.erase_button):
        assert not widget.isEnabled()
    assert dialog.message.text() == "Only a team leader or an administrator can do this."
    assert "1 closed incident(s)" in dialog.due_label.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_from_the_settings_menu_an_erasure_shows_in_the_log(qtbot, callers, open_window,
                                                            dialogs):
    me = current_user()
    me.role = "team_leader"
    me.save()
    window = open_window()
    second = callers[1]
    select_incident(qtbot, window, second)
    qtbot.keyClick(window, Qt.Key.Key_D, CTRL | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.data_protection
    assert dialog is not None and dialog.isVisible()
    find(qtbot, dialog, phone="0161 496 0123")
    qtbot.keyClicks(dialog.request, "DSR-2026-020")
    dialogs.answers.append(True)
    click(qtbot, dialog.erase_button)
    dialog.reject()

    row = log_row_of_reference(window, second.reference)
    assert window.model.data(window.model.index(row, CALLER)) == ERASED
    assert window.detail.values["caller"].text().startswith(ERASED)
    assert history_rows(window)[-1] == ("Personal data erased", "",
                                        "Personal data erased on request: DSR-2026-020")


def test_the_retention_policy_runs_at_start_up_and_says_what_it_did(qtbot, callers,
                                                                    open_window):
    window = open_window()
    assert window.apply_retention_policy() == 1
    assert window.statusBar().currentMessage() == (
        "Retention policy: personal data erased from 1 incident(s) closed more than 24 "
        "months ago.")
    assert Incident.get_by_id(callers[0].id).caller_name == ERASED
    assert window.apply_retention_policy() == 0


def test_enter_in_the_phone_field_finds_and_presses_no_other_button(qtbot, leader, callers,
                                                                     dialogs):
    dialog = open_dialog(qtbot, leader, dialogs)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.isActiveWindow())
    dialog.phone.setFocus()
    qtbot.keyClicks(dialog.phone, "0161 496 0123")
    qtbot.keyClick(dialog.phone, Qt.Key.Key_Return)
    assert shown_references(dialog) == [callers[0].reference, callers[1].reference]
    assert dialog.isVisible()
    assert Incident.get_by_id(callers[0].id).anonymised_at is None  # retention not run
    assert retention_months() == 24
