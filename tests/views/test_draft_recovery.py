"""Draft recovery: the logging form keeps a draft as the advisor types; after a crash the next
start offers it back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.models.drafts import DraftStore
from app.models.entities import Incident
from app.models.users import current_user
from app.views.incident_form import AUTOSAVE_MS
from tests.conftest import category
from tests.models.test_drafts import typed
from tests.views.helpers import (
    CTRL,
    choose,
    fill_valid_call,
    incident_count,
    open_new_form,
    save,
    select_incident,
    shown_form,
)

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[2]

# A separate process logs half an incident, waits for its draft to be on disk, and is killed.
CRASHING_ADVISOR = textwrap.dedent("""
    import os, signal, sys, time
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from app.models.db import open_database, parse_target
    from app.views.application import make_window
    app = QApplication([])
    target = parse_target(sys.argv[1])  # a file, or a PostgreSQL database's URL
    open_database(target)
    window = make_window(target)
    window.show()
    form = window.open_form(None)
    QTest.keyClicks(form.caller_name, "Grace O'Malley")
    QTest.keyClicks(form.summary, "Lift stuck between floors 3 and 4")
    QTest.keyClicks(form.description, "Two people inside; the alarm works.")
    deadline = time.monotonic() + 10
    while not window.drafts.path.exists() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()
    time.sleep(0.5)  # the last keystrokes' save, after the first
    app.processEvents()
    print("typed", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
""")


def drafts(db_target) -> DraftStore:
    """Where the window keeps the draft: beside a database file, or for a PostgreSQL
    database in the user's data folder (the test's own: tests/views/conftest.py)."""
    return DraftStore(db_target, current_user().username)


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_typing_keeps_a_draft_that_saving_removes(qtbot, open_window, db_target):
    window = open_window()
    form = open_new_form(qtbot, window)
    assert not drafts(db_target).path.exists()  # an untouched form leaves nothing behind
    fill_valid_call(qtbot, form, caller="Priya Raman")
    qtbot.waitUntil(lambda: drafts(db_target).load() is not None)
    qtbot.waitUntil(lambda: drafts(db_target).load().draft.caller_name == "Priya Raman")
    assert form.draft_status.text().startswith("Draft kept at")

    with qtbot.waitSignal(form.accepted):
        save(qtbot, form)
    assert not drafts(db_target).path.exists()
    assert incident_count() == 1


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_discarding_the_form_removes_its_draft(qtbot, open_window, db_target, dialogs):
    window = open_window()
    form = open_new_form(qtbot, window)
    qtbot.keyClicks(form.caller_name, "Priya Raman")
    qtbot.waitUntil(lambda: drafts(db_target).path.exists())
    dialogs.answers.append(True)  # "Discard changes?" yes
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert not form.isVisible()
    assert not drafts(db_target).path.exists()


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_the_draft_follows_the_text_back_to_nothing(qtbot, open_window, db_target):
    window = open_window()
    form = open_new_form(qtbot, window)
    qtbot.keyClicks(form.caller_name, "P")
    qtbot.waitUntil(lambda: drafts(db_target).path.exists())
    qtbot.keyClick(form.caller_name, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: not drafts(db_target).path.exists())


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_after_a_crash_the_next_start_offers_the_draft_back(qtbot, db, db_target, open_window,
                                                           dialogs):
    current_user()  # the same signed-in user as the process that crashes
    crashed = subprocess.run([sys.executable, "-c", CRASHING_ADVISOR, str(db_target)],
                             cwd=ROOT, capture_output=True, text=True, timeout=60,
                             env=os.environ | {"PYTHONPATH": str(ROOT)})
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    assert crashed.stdout.strip() == "typed"
    assert incident_count() == 0

    dialogs.answers.append(True)  # "Recover the unsaved incident?" yes
    window = open_window()
    form = window.offer_recovered_draft()
    kind, title, text = dialogs.calls[-1]
    assert (kind, title) == ("confirm", "Recover the unsaved incident?")
    assert "Grace O'Malley" in text and "Lift stuck between floors 3 and 4" in text

    assert form is shown_form(qtbot, window)
    assert form.caller_name.text() == "Grace O'Malley"
    assert form.summary.text() == "Lift stuck between floors 3 and 4"
    assert form.description.toPlainText() == "Two people inside; the alarm works."
    assert form.is_dirty()
    # finish logging it, as the advisor would
    choose(form.category_id, category("Facilities").id)
    choose(form.impact, "high")
    choose(form.urgency, "high")
    with qtbot.waitSignal(form.accepted):
        save(qtbot, form)
    assert Incident.get(Incident.caller_name == "Grace O'Malley").priority == 1
    assert not drafts(db_target).path.exists()


def test_declining_the_recovered_draft_deletes_it(qtbot, db, db_target, open_window, dialogs):
    drafts(db_target).save(typed())
    dialogs.answers.append(False)
    window = open_window()
    assert window.offer_recovered_draft() is None
    assert window.form is None
    assert not drafts(db_target).path.exists()
    assert window.offer_recovered_draft() is None  # asked once only
    assert dialogs.kinds() == ["confirm"]


def test_an_unreadable_draft_is_reported_and_kept_aside(qtbot, db, db_target, open_window,
                                                        dialogs):
    store = drafts(db_target)
    store.path.parent.mkdir(parents=True)
    store.path.write_text("{half a draft")
    window = open_window()
    assert window.offer_recovered_draft() is None
    kind, _title, text = dialogs.calls[-1]
    assert kind == "error" and "unreadable.json" in text
    assert store.path.with_suffix(".unreadable.json").exists()


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_editing_an_incident_keeps_no_draft(qtbot, log_three, open_window, db_target):
    window = open_window()
    select_incident(qtbot, window, log_three[0])
    qtbot.keyClick(window, Qt.Key.Key_E, CTRL)
    qtbot.waitUntil(lambda: window.form is not None and window.form.isVisible())
    qtbot.keyClicks(window.form.location, " (annex)")
    qtbot.wait(3 * AUTOSAVE_MS)
    assert not drafts(db_target).path.exists()
