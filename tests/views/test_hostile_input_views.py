"""Hostile text pasted into the form: stored and shown exactly as typed, or refused clearly."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from app.models.entities import Incident
from tests.views.helpers import (
    CALLER,
    CTRL,
    click_save,
    fill_valid_call,
    incident_count,
    log_row_of_reference,
    open_new_form,
    save,
)

pytestmark = pytest.mark.gui

HTML_NAME = "<b>Eve</b><script>alert(1)</script>"
RTL_SUMMARY = "انقطاع الخدمة 🔥 outage at סניף"
SQL_LOCATION = "Floor 2'); DROP TABLE incident;--"


def paste(qtbot, widget, text: str) -> None:
    """Replace what the field holds with ``text`` through the clipboard, as a paste does."""
    QApplication.clipboard().setText(text)
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(widget, Qt.Key.Key_V, CTRL)


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_pasted_html_rtl_emoji_and_sql_are_stored_and_shown_verbatim(qtbot, open_window):
    window = open_window()
    form = open_new_form(qtbot, window)
    fill_valid_call(qtbot, form)
    paste(qtbot, form.caller_name, HTML_NAME)
    paste(qtbot, form.summary, RTL_SUMMARY)
    paste(qtbot, form.location, SQL_LOCATION)
    paste(qtbot, form.description, f"{HTML_NAME}\n{RTL_SUMMARY}")
    with qtbot.waitSignal(form.accepted):
        save(qtbot, form)

    incident = Incident.get_by_id(form.saved_incident_id)
    assert (incident.caller_name, incident.summary, incident.location) == (
        HTML_NAME, RTL_SUMMARY, SQL_LOCATION)
    assert incident.description == f"{HTML_NAME}\n{RTL_SUMMARY}"
    row = log_row_of_reference(window, incident.reference)
    assert window.model.data(window.model.index(row, CALLER)) == HTML_NAME
    assert window.detail.summary.text() == RTL_SUMMARY
    # Every label that shows the caller's text shows it as text, never rendering it as HTML.
    showing = [label for label in window.detail.findChildren(QLabel)
               if "<script>" in label.text()]
    assert showing, "the caller's name is shown in the detail pane"
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in showing)


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_a_pasted_control_character_is_refused_naming_the_field_and_keeping_the_text(
        qtbot, open_window):
    window = open_window()
    form = open_new_form(qtbot, window)
    fill_valid_call(qtbot, form)
    paste(qtbot, form.description, "Caller read the code: 4F\x07 then hung up")
    before = incident_count()

    click_save(qtbot, form)

    assert form.isVisible() and incident_count() == before
    error = form.errors["description"]
    assert error.isVisible()
    assert "control character (U+0007)" in error.text()
    assert "Caller's description" in form.form_message.text()
    assert form.description.toPlainText() == "Caller read the code: 4F\x07 then hung up"
