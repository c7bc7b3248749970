"""The service-levels screen driven as a team leader drives it, and as an advisor reads it."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QPushButton, QSpinBox

from app.models.entities import ConfigChange
from app.models.permissions import Role
from app.models.priority import compute_priority
from app.models.service_levels import load_calendar, load_closed_days, load_targets
from app.models.users import ensure_user
from app.views.service_levels_dialog import ServiceLevelsDialog
from tests.views.helpers import CTRL, choose, click, open_new_form

pytestmark = pytest.mark.gui


def retype_number(qtbot, spin: QSpinBox, value: int) -> None:
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(spin, str(value))
    qtbot.keyClick(spin, Qt.Key.Key_Tab)
    assert spin.value() == value


def open_dialog(qtbot, window) -> ServiceLevelsDialog:
    window.activateWindow()  # offscreen, closing a dialog does not give activation back
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_L, CTRL | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.service_levels
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def click_save(qtbot, dialog: ServiceLevelsDialog) -> None:
    click(qtbot, dialog.save_button)


def test_a_team_leader_edits_matrix_targets_and_calendar(qtbot, open_window):
    window = open_window()  # the first user of a new database administers it
    dialog = open_dialog(qtbot, window)
    assert dialog.matrix[("low", "high")].currentText() == "P3 Moderate"
    assert dialog.respond[1].minutes.value() == 15
    assert dialog.calendar.open_day[0].isChecked() and not dialog.calendar.open_day[5].isChecked()
    assert dialog.calendar.holidays.currentText() == "England and Wales"

    choose(dialog.matrix[("low", "high")], 2)
    retype_number(qtbot, dialog.resolve[3].hours, 20)
    dialog.tabs.setCurrentIndex(2)
    click(qtbot, dialog.calendar.open_day[5])
    assert dialog.calendar.opens[5].isEnabled()
    dialog.calendar.opens[5].setTime(QTime(9, 0))
    dialog.calendar.closes[5].setTime(QTime(13, 0))
    dialog.calendar.closed_day.setDate(QDate(2026, 12, 24))
    qtbot.keyClicks(dialog.calendar.closed_reason, "Christmas Eve")
    click(qtbot, dialog.findChild(QPushButton, "addClosedDay"))
    assert dialog.calendar.closed_days.item(0, 0).text() == "24/12/2026"
    assert dialog.calendar.closed_days.item(0, 1).text() == "Christmas Eve"
    click_save(qtbot, dialog)

    assert not dialog.isVisible()
    assert window.statusBar().currentMessage() == "Service levels saved: 4 change(s)."
    assert compute_priority("low", "high") == 2
    assert load_targets()[3].resolve == timedelta(hours=20)
    assert load_calendar().hours[5] == (time(9), time(13))
    assert load_closed_days() == {date(2026, 12, 24): "Christmas Eve"}
    assert ConfigChange.select().count() == 4

    # the logging form follows the new matrix at once
    window.activateWindow()  # offscreen, closing a dialog does not give activation back
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    form = open_new_form(qtbot, window)
    choose(form.impact, "low")
    choose(form.urgency, "high")
    assert form.priority.text() == "P2 High"
    form.done(0)

    # and the changes are listed, newest first, with who made them
    again = open_dialog(qtbot, window)
    history = again.history
    assert history.rowCount() == 4
    changes = {history.item(r, 2).text() for r in range(history.rowCount())}
    assert "Impact low x urgency high: P3 -> P2" in changes
    assert "Closed day added: 24/12/2026 Christmas Eve" in changes
    assert history.item(0, 1).text() == window._operations.user.display_name
    again.reject()


def test_bad_service_levels_are_named_and_nothing_is_saved(qtbot, open_window):
    window = open_window()
    dialog = open_dialog(qtbot, window)
    dialog.tabs.setCurrentIndex(2)
    dialog.calendar.opens[0].setTime(QTime(18, 0))
    dialog.calendar.closes[0].setTime(QTime(8, 0))
    retype_number(qtbot, dialog.resolve[4].hours, 0)
    choose(dialog.matrix[("high", "high")], None)
    click_save(qtbot, dialog)

    assert dialog.isVisible()
    assert dialog.message.text() == (
        "Not saved:\n"
        "• Impact high x urgency high needs a priority from P1 to P5.\n"
        "• P4: targets must be longer than zero.\n"
        "• Monday: opening (18:00) must come before closing (08:00).")
    assert dialog.tabs.currentIndex() == 0  # where the first problem is
    assert compute_priority("high", "high") == 1
    assert load_targets()[4].resolve == timedelta(hours=50)
    assert load_calendar().hours[0] == (time(8), time(18))
    assert ConfigChange.select().count() == 0

    # putting it right saves it
    choose(dialog.matrix[("high", "high")], 1)
    retype_number(qtbot, dialog.resolve[4].hours, 48)
    dialog.calendar.opens[0].setTime(QTime(8, 0))
    dialog.calendar.closes[0].setTime(QTime(17, 30))
    click_save(qtbot, dialog)
    assert not dialog.isVisible()
    assert load_calendar().hours[0] == (time(8), time(17, 30))


def test_removing_a_closed_day(qtbot, db):
    leader = ensure_user("tess.leader", "Tess Leader", Role.TEAM_LEADER)
    dialog = ServiceLevelsDialog(leader)
    qtbot.addWidget(dialog)
    for day, reason in ((QDate(2026, 12, 24), "Christmas Eve"), (QDate(2026, 8, 7), "")):
        dialog.calendar.closed_day.setDate(day)
        dialog.calendar.closed_reason.setText(reason)
        dialog.calendar.on_add_closed_day()
    assert [dialog.calendar.closed_days.item(r, 0).text() for r in range(2)] == ["07/08/2026",
                                                                        "24/12/2026"]
    dialog.calendar.closed_days.selectRow(1)
    click(qtbot, dialog.findChild(QPushButton, "removeClosedDay"))
    assert dialog.calendar.closed_days.rowCount() == 1
    dialog.on_save()
    assert load_closed_days() == {date(2026, 8, 7): ""}


def test_an_advisor_can_read_but_not_change_them(qtbot, db, advisor):
    dialog = ServiceLevelsDialog(advisor)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.note.text().startswith("Only a team leader or an administrator")
    assert not dialog.save_button.isVisible()
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "Close"
    assert not dialog.matrix[("high", "high")].isEnabled()
    assert dialog.matrix[("high", "high")].currentText() == "P1 Critical"
    assert dialog.tabs.widget(3).isEnabled()  # the changes can still be read
