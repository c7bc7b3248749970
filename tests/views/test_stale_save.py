"""Saving an incident someone else changed since the form opened: refused with who changed
what; reload, re-apply my changes on top, or go back; nothing typed is lost silently."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWizard

from app.models.incidents import (
    change_status,
    create_incident,
    draft_from_incident,
    update_incident,
)
from app.models.lifecycle import Status
from app.models.prioritisation import apply_outcome, prioritise
from app.views.incident_form import IncidentForm
from app.views.main_window import MainWindow
from app.views.stale_save_dialog import StaleSaveDialog
from tests.conftest import make_draft, on_postgres_url, raw_connection
from tests.models.test_prioritisation import BILLING
from tests.views.conftest import RECEIVED_AT
from tests.views.helpers import (
    CTRL,
    click,
    click_save,
    history_rows,
    reload,
    retype,
    select_incident,
    shown_form,
)
from tests.views.test_prioritisation_wizard import (
    answer_billing_outage,
    button,
    next_page,
    shown_wizard,
)

pytestmark = pytest.mark.gui

# Set to take the screenshots in docs/ again (they name today's times, so not every run).
SCREENSHOTS = os.environ.get("INCIDENT_DESK_SCREENSHOTS") == "1"
DOCS = Path(__file__).resolve().parents[2] / "docs"


def screenshot(widget, name: str) -> None:
    if SCREENSHOTS:
        assert widget.grab().save(str(DOCS / name))


def edit_form(qtbot, window: MainWindow, incident) -> IncidentForm:
    if QApplication.activeWindow() is not window:  # two windows side by side
        with qtbot.waitActive(window):
            window.activateWindow()
    select_incident(qtbot, window, incident)
    qtbot.keyClick(window, Qt.Key.Key_E, CTRL)
    return shown_form(qtbot, window)


def refused(qtbot, form: IncidentForm) -> StaleSaveDialog:
    """Press Save and wait for the dialog that says who changed what."""
    click_save(qtbot, form)
    dialog = form.stale_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


@pytest.fixture
def incident(advisor):
    return create_incident(make_draft(received_at=RECEIVED_AT), advisor)


def colleague_changes(incident, colleague, **values) -> None:
    """A colleague, at another desk, saves the incident."""
    current = reload(incident)
    update_incident(incident.id, replace(draft_from_incident(current), **values), colleague,
                    current.version)


def test_a_stale_save_is_refused_naming_who_changed_what_and_cancel_keeps_the_typing(
        qtbot, incident, open_window, colleague, leader, dialogs):
    window = open_window()
    form = edit_form(qtbot, window, incident)
    retype(qtbot, form.summary, "Billing down")
    colleague_changes(incident, colleague, location="Leeds, depot")
    change_status(incident.id, Status.IN_PROGRESS, leader)

    dialog = refused(qtbot, form)

    assert dialog.windowTitle() == f"{incident.reference} was changed by someone else"
    assert dialog.intro.text() == (f"Your changes are not saved yet: Alex Colleague and Tess "
                                   f"Leader changed {incident.reference} since you opened it.")
    rows = dialog.rows()
    assert [row[1:] for row in rows] == [
        ("Alex Colleague", "Location", "Manchester, head office", "Leeds, depot"),
        ("Tess Leader", "Status", "New", "In progress")]
    assert reload(incident).summary == "Billing system not loading for the whole team"
    assert dialogs.calls == []  # no message box: the dialog says it all
    screenshot(dialog, "stale-save.png")

    click(qtbot, dialog.cancel_button)
    assert not dialog.isVisible() and form.isVisible()
    assert form.summary.text() == "Billing down"
    assert form.location.text() == "Manchester, head office"
    assert form.form_message.text() == "Not saved: someone else changed the incident."
    # saving again is refused again: the form still holds the version it opened
    dialog = refused(qtbot, form)
    click(qtbot, dialog.cancel_button)
    dialogs.answers = [True]
    form.reject()


def test_reload_asks_first_then_shows_the_incident_as_it_is_now(qtbot, incident, open_window,
                                                                colleague, dialogs):
    window = open_window()
    form = edit_form(qtbot, window, incident)
    retype(qtbot, form.location, "York")
    colleague_changes(incident, colleague, location="Leeds", caller_phone="0113 496 0000")

    # declining the question loses nothing
    dialogs.answers = [False]
    click(qtbot, refused(qtbot, form).reload_button)
    _, title, text = dialogs.calls[-1]
    assert title == "Drop your changes?"
    assert text == ("Reload the incident as it is now? Your changes to Location are "
                    "dropped.")
    assert form.location.text() == "York"

    dialogs.answers = [True]
    click(qtbot, refused(qtbot, form).reload_button)
    assert (form.location.text(), form.caller_phone.text()) == ("Leeds", "0113 496 0000")
    assert form.merge_note.isVisible()
    assert form.merge_note.text() == (f"Reloaded: the form shows {incident.reference} as it "
                                      "is now.")
    assert not form.is_dirty()
    # an edit on the reloaded incident saves
    retype(qtbot, form.summary, "Billing down since 9")
    with qtbot.waitSignal(form.accepted):
        click_save(qtbot, form)
    stored = reload(incident)
    assert (stored.location, stored.summary) == ("Leeds", "Billing down since 9")


def test_reapply_puts_mine_on_top_names_the_conflicts_and_saves_when_asked(
        qtbot, incident, open_window, colleague, dialogs):
    window = open_window()
    form = edit_form(qtbot, window, incident)
    retype(qtbot, form.location, "York")
    retype(qtbot, form.summary, "Billing down")
    colleague_changes(incident, colleague, location="Leeds", caller_phone="0113 496 0000")
    version = reload(incident).version

    click(qtbot, refused(qtbot, form).reapply_button)

    # theirs where I did not touch, mine where I did; nothing saved yet
    assert form.isVisible()
    assert (form.location.text(), form.summary.text(), form.caller_phone.text()) == (
        "York", "Billing down", "0113 496 0000")
    assert reload(incident).version == version
    assert form.merge_note.text().splitlines() == [
        f"Your changes are re-applied on top of {incident.reference} as it is now. Check "
        "them, then press Save: nothing is saved yet.",
        "You both changed these; yours replaces theirs:",
        "• Location: theirs “Leeds” is replaced by yours “York”"]
    assert form.is_dirty()
    screenshot(form, "stale-reapplied.png")

    with qtbot.waitSignal(form.accepted):
        click_save(qtbot, form)
    stored = reload(incident)
    assert (stored.location, stored.summary, stored.caller_phone) == (
        "York", "Billing down", "0113 496 0000")
    assert stored.version == version + 1
    shown = history_rows(window)
    assert ("Location", "Manchester, head office", "Leeds") in shown  # theirs
    assert ("Location", "Leeds", "York") in shown  # mine, on top
    assert ("Nature of incident", "Billing system not loading for the whole team",
            "Billing down") in shown
    assert ("Phone / caller ID", "0161 496 0123", "0113 496 0000") in shown
    assert dialogs.calls == []


def test_two_windows_the_second_save_is_told_and_both_changes_are_in_the_trail(
        qtbot, incident, open_window, advisor, colleague, dialogs):
    mine = open_window(advisor)
    theirs = open_window(colleague)
    my_form = edit_form(qtbot, mine, incident)
    retype(qtbot, my_form.account_ref, "AC-999999")
    their_form = edit_form(qtbot, theirs, incident)
    retype(qtbot, their_form.location, "Leeds")
    with qtbot.waitSignal(their_form.accepted):
        click_save(qtbot, their_form)

    dialog = refused(qtbot, my_form)
    assert [row[1:] for row in dialog.rows()] == [
        ("Alex Colleague", "Location", "Manchester, head office", "Leeds")]
    click(qtbot, dialog.reapply_button)
    assert my_form.merge_note.text().splitlines()[1:] == []  # no field changed by both
    with qtbot.waitSignal(my_form.accepted):
        click_save(qtbot, my_form)
    stored = reload(incident)
    assert (stored.location, stored.account_ref) == ("Leeds", "AC-999999")
    trail = {(row.user.display_name, row.field) for row in stored.history}
    assert {("Alex Colleague", "location"), ("Sam Advisor", "account_ref")} <= trail


def test_a_prioritised_incident_keeps_its_record_through_the_form_and_reapply(
        qtbot, open_window, advisor, colleague):
    """The wizard's record survives the form showing it (the levels are set one at a time
    and must not drop it on the way); re-applying my edit keeps their new levels."""
    outcome = prioritise(BILLING)
    incident = create_incident(apply_outcome(make_draft(received_at=RECEIVED_AT), outcome),
                               advisor)
    window = open_window()
    form = edit_form(qtbot, window, incident)
    assert form.draft() == draft_from_incident(reload(incident))
    assert form.rationale.text() == outcome.rationale
    retype(qtbot, form.location, "York")
    stored = reload(incident)  # the colleague sets the levels by hand: the record goes
    update_incident(incident.id, replace(draft_from_incident(stored), impact="low",
                                         urgency="low", prioritisation="",
                                         priority_rationale=""), colleague, stored.version)
    click(qtbot, refused(qtbot, form).reapply_button)
    assert (form.impact.currentData(), form.urgency.currentData()) == ("low", "low")
    assert form.location.text() == "York"
    with qtbot.waitSignal(form.accepted):
        click_save(qtbot, form)
    stored = reload(incident)
    assert (stored.impact, stored.prioritisation, stored.location) == ("low", "", "York")


def test_the_wizard_from_the_log_names_who_changed_what_when_refused(qtbot, incident,
                                                                     open_window, colleague,
                                                                     dialogs):
    window = open_window()
    select_incident(qtbot, window, incident)
    click(qtbot, window.detail.prioritise_button)
    wizard = shown_wizard(qtbot, window)
    colleague_changes(incident, colleague, location="Leeds")
    next_page(qtbot, wizard)
    answer_billing_outage(qtbot, wizard)
    click(qtbot, button(wizard, QWizard.WizardButton.FinishButton))

    _, title, text = dialogs.calls[-1]
    assert title == "Priority not saved"
    assert text.splitlines()[0] == (f"{incident.reference} was changed by Alex Colleague "
                                    "since you opened it:")
    assert "Alex Colleague: Location “Manchester, head office” → “Leeds”" in text
    assert reload(incident).prioritisation == ""


def test_reload_asks_first_when_only_the_prioritisation_was_changed(
        qtbot, open_window, advisor, colleague, dialogs):
    """An override set in the wizard, no field of the form touched: Reload still asks
    before dropping it, and names it."""
    from tests.views.helpers import choose

    outcome = prioritise(BILLING)
    incident = create_incident(apply_outcome(make_draft(received_at=RECEIVED_AT), outcome),
                               advisor)
    window = open_window()
    form = edit_form(qtbot, window, incident)
    click(qtbot, form.prioritise_button)
    wizard = shown_wizard(qtbot, form)
    while wizard.currentPage() is not wizard.result_page:  # the answers as stored
        next_page(qtbot, wizard)
    result = wizard.result_page
    click(qtbot, result.override)
    choose(result.override_priority, 1)
    qtbot.keyClicks(result.override_reason, "Month-end billing run is today")
    click(qtbot, button(wizard, QWizard.WizardButton.FinishButton))
    assert form.priority.text() == "P1 Critical (override)"
    colleague_changes(incident, colleague, location="Leeds")

    dialogs.answers = [False]
    click(qtbot, refused(qtbot, form).reload_button)
    _, title, text = dialogs.calls[-1]
    assert title == "Drop your changes?"
    assert "Priority override" in text and "Reason for override" in text
    assert form.priority.text() == "P1 Critical (override)"  # kept


def test_a_save_while_another_program_holds_the_database_keeps_the_form(
        qtbot, incident, open_window, dialogs, db_path):
    """Another program writing (a large import, say) holds the database for longer than
    a save waits: SQLite's write lock, or on PostgreSQL the table locks an import takes
    (``dialect.exclusive_transaction``). The save says so, in time, and keeps the form."""
    from app.models.db import database

    window = open_window()
    form = edit_form(qtbot, window, incident)
    retype(qtbot, form.summary, "Billing down since 9")
    other = raw_connection(db_path)
    if on_postgres_url(db_path):
        # a wait as SQLite's: without one, the server's default is for ever (Save froze)
        assert database.execute_sql("SHOW lock_timeout").fetchone() == ("5s",)
        database.execute_sql("SET lock_timeout = 100")  # this test's wait, not 5 s
        other.execute("BEGIN")
        other.execute("LOCK TABLE incident IN EXCLUSIVE MODE")
        reason = "canceling statement due to lock timeout"
    else:
        assert database.execute_sql("PRAGMA busy_timeout").fetchone() == (5000,)
        database.execute_sql("PRAGMA busy_timeout = 100")  # this test's wait, not 5 s
        other.execute("BEGIN IMMEDIATE")
        reason = "database is locked"
    try:
        click_save(qtbot, form)
        kind, title, text = dialogs.calls[-1]
        assert (kind, title) == ("error", "Not saved yet")
        assert text.startswith(f"The database is busy ({reason}")
        assert form.isVisible() and form.summary.text() == "Billing down since 9"
    finally:
        other.rollback()
        other.close()
    with qtbot.waitSignal(form.accepted):
        click_save(qtbot, form)
    assert reload(incident).summary == "Billing down since 9"


def test_an_owner_missing_from_the_list_is_kept_on_edit_and_on_re_apply(
        qtbot, incident, open_window, colleague, leader, dialogs):
    """The owner list holds active users as the form opened: an incident owned by someone
    deactivated since, or given by a colleague meanwhile to someone added since, showed
    as unassigned, and saving took it from them without a word."""
    from app.models.accounts import set_active
    from app.models.permissions import Role
    from app.models.users import ensure_user

    admin = ensure_user("ada.admin", "Ada Admin", Role.ADMINISTRATOR)
    colleague_changes(incident, colleague, owner_id=colleague.id)
    set_active(colleague.id, False, admin)
    window = open_window()
    form = edit_form(qtbot, window, incident)
    assert form.owner_id.currentText() == "Alex Colleague (deactivated)"
    retype(qtbot, form.summary, "Billing down since nine")
    click_save(qtbot, form)
    assert not form.isVisible()
    stored = reload(incident)
    assert stored.summary == "Billing down since nine" and stored.owner_id == colleague.id

    form = edit_form(qtbot, window, incident)
    retype(qtbot, form.location, "Leeds, depot")
    newcomer = ensure_user("nia.new", "Nia Newcomer")  # added after the form opened
    colleague_changes(incident, leader, owner_id=newcomer.id)
    dialog = refused(qtbot, form)
    click(qtbot, dialog.reapply_button)
    assert form.owner_id.currentText() == "Nia Newcomer"
    click_save(qtbot, form)
    stored = reload(incident)
    assert stored.location == "Leeds, depot" and stored.owner_id == newcomer.id
