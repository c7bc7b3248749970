"""An incident logged with the keyboard alone: every key goes to whatever has the focus, as
it does for an advisor who does not use the mouse."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from app.models.entities import Incident
from tests.conftest import category
from tests.views.helpers import CTRL, shown_form

pytestmark = pytest.mark.gui


def focused():
    return QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(), key, modifier)


def type_text(qtbot, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def tab_to(qtbot, widget, limit: int = 30) -> None:
    """Press Tab until ``widget`` has the focus (failing if it never does)."""
    for _ in range(limit):
        if focused() is widget:
            return
        press(qtbot, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {widget.objectName()}")


def test_an_incident_is_logged_with_the_keyboard_alone(qtbot, open_window):
    window = open_window()
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    form = shown_form(qtbot, window)
    assert focused() is form.caller_name  # ready to type the caller's name at once

    type_text(qtbot, "Priya Raman")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "0113 496 0456")
    tab_to(qtbot, form.summary)
    type_text(qtbot, "Door access cards not working")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is form.description
    type_text(qtbot, "Nobody on floor 2 can get through the doors.")
    press(qtbot, Qt.Key.Key_Tab)  # leaves the description: Tab moves on, it is not typed
    assert focused() is form.category_id
    type_text(qtbot, "Facilities")  # a closed list picks the item typed
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "Building")
    tab_to(qtbot, form.impact)
    type_text(qtbot, "High")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "Medium")
    assert form.priority.text() == "P2 High"
    tab_to(qtbot, form.details_confirmed)
    press(qtbot, Qt.Key.Key_Space)
    with qtbot.waitSignal(form.accepted):
        press(qtbot, Qt.Key.Key_S, CTRL)
    assert form.result() == QDialog.DialogCode.Accepted

    incident = Incident.get(Incident.caller_name == "Priya Raman")
    assert incident.description == "Nobody on floor 2 can get through the doors."
    assert incident.category_id == category("Facilities").id
    assert incident.subcategory_id == category("Building access").id
    assert (incident.impact, incident.urgency, incident.priority) == ("high", "medium", 2)
    assert incident.details_confirmed
    assert window.detail.title.text() == incident.reference
