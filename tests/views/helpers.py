"""Helpers that drive the windows as a user does: keys, clicks, reading what is shown."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLineEdit, QRadioButton

from app.models.entities import Incident
from app.views.incident_form import IncidentForm
from app.views.main_window import MainWindow
from tests.conftest import category

CTRL = Qt.KeyboardModifier.ControlModifier
NO_MODIFIER = Qt.KeyboardModifier.NoModifier
REFERENCE, RECEIVED, CALLER, NATURE, CATEGORY, PRIORITY, SLA, STATUS, OWNER = range(9)


# --- reading and driving ------------------------------------------------------------------
def incident_count() -> int:
    return Incident.select().count()


def log_column(window: MainWindow, column: int) -> list[str]:
    model = window.model
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def log_row_of_reference(window: MainWindow, reference: str) -> int | None:
    """The row of the log showing ``reference``, found as a user would: by reading it."""
    references = log_column(window, REFERENCE)
    return references.index(reference) if reference in references else None


def history_rows(window: MainWindow) -> list[tuple[str, str, str]]:
    """(what, from, to) of each row the detail pane's history view shows."""
    model = window.detail.history_view.model()
    return [tuple(model.data(model.index(r, c)) for c in (2, 3, 4))
            for r in range(model.rowCount())]


def shown_form(qtbot, window: MainWindow) -> IncidentForm:
    """The form the window has just opened, once it has the keyboard."""
    form = window.form
    assert form is not None
    assert form.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
    return form


def open_new_form(qtbot, window: MainWindow) -> IncidentForm:
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    return shown_form(qtbot, window)


def choose(combo: QComboBox, value) -> None:
    """Pick the item holding ``value``, as a click in the drop-down list does."""
    index = combo.findData(value)
    assert index >= 0, f"{value!r} is not offered by {combo.objectName()}"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def retype(qtbot, edit: QLineEdit, text: str) -> None:
    """Select what the field holds and type over it."""
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, CTRL)
    if text:
        qtbot.keyClicks(edit, text)
    else:
        qtbot.keyClick(edit, Qt.Key.Key_Delete)


def fill_valid_call(qtbot, form: IncidentForm, caller: str = "Priya Raman") -> None:
    qtbot.keyClicks(form.caller_name, caller)
    qtbot.keyClicks(form.caller_phone, "0113 496 0456")
    qtbot.keyClicks(form.caller_email, "priya.raman@example.org")
    qtbot.keyClicks(form.summary, "Door access cards not working")
    qtbot.keyClicks(form.description, "Nobody on floor 2 can get through the doors.")
    choose(form.category_id, category("Facilities").id)
    choose(form.subcategory_id, category("Building access").id)
    choose(form.impact, "high")
    choose(form.urgency, "medium")
    form.details_confirmed.setFocus()
    qtbot.keyClick(form.details_confirmed, Qt.Key.Key_Space)
    assert form.details_confirmed.isChecked()


def save(qtbot, form: IncidentForm) -> None:
    qtbot.keyClick(form, Qt.Key.Key_S, CTRL)


def click_save(qtbot, form: IncidentForm) -> None:
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)


def select_row(qtbot, window: MainWindow, row: int) -> None:
    """Click a row of the log."""
    index = window.model.index(row, CALLER)
    window.table.scrollTo(index)
    rect = window.table.visualRect(index)
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, NO_MODIFIER,
                     rect.center())
    assert window.table.currentIndex().row() == row


def select_incident(qtbot, window: MainWindow, incident: Incident) -> int:
    row = log_row_of_reference(window, incident.reference)
    assert row is not None, f"{incident.reference} is not in the log"
    select_row(qtbot, window, row)
    assert window.detail.title.text() == incident.reference
    return row


def search(qtbot, window: MainWindow, text: str) -> None:
    """Type into the search box and wait for the log to follow (it waits for a pause)."""
    box = window.filter_bar.search
    with qtbot.waitSignal(window.model.modelReset, timeout=3000):
        retype(qtbot, box, text)


def set_filter(qtbot, window: MainWindow, combo: QComboBox, value) -> None:
    with qtbot.waitSignal(window.model.modelReset):
        choose(combo, value)


def reload(incident: Incident) -> Incident:
    return Incident.get_by_id(incident.id)




def click(qtbot, widget) -> None:
    """Click a button; a radio button or check box on its indicator, as its text may be
    shorter than the row it stands in."""
    if isinstance(widget, QRadioButton | QCheckBox):
        pos = QPoint(8, widget.height() // 2)
    else:
        pos = widget.rect().center()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)
