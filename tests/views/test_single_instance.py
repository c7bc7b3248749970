"""A second start on the same database brings the first window forward instead."""

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from app.views.single_instance import InstanceGuard, instance_key

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[2]

SECOND_START = """
import sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from app.views.single_instance import InstanceGuard
app = QCoreApplication([])
guard = InstanceGuard(Path(sys.argv[1]))
print("first" if guard.acquire() else "second")
"""


def start_again(path: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", SECOND_START, str(path)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)


def test_a_second_start_on_the_same_database_asks_the_first_to_bring_to_front(qtbot, tmp_path):
    path = tmp_path / "incidents.sqlite"
    guard = InstanceGuard(path)
    assert guard.acquire()
    try:
        with qtbot.waitSignal(guard.raise_requested, timeout=20_000):
            second = start_again(path)
            while second.poll() is None:
                QCoreApplication.processEvents()
        with second.stdout:
            assert second.stdout.read().strip() == "second"
    finally:
        guard.release()


def test_another_database_or_a_closed_first_window_starts_normally(qtbot, tmp_path):
    guard = InstanceGuard(tmp_path / "incidents.sqlite")
    assert guard.acquire()
    try:
        other = start_again(tmp_path / "other.sqlite")
        assert other.communicate(timeout=20)[0].strip() == "first"
    finally:
        guard.release()
    again = start_again(tmp_path / "incidents.sqlite")
    assert again.communicate(timeout=20)[0].strip() == "first"


def test_the_key_is_the_same_however_the_path_is_written(tmp_path):
    path = tmp_path / "incidents.sqlite"
    assert instance_key(path) == instance_key(tmp_path / "." / "incidents.sqlite")
    assert instance_key(path) != instance_key(tmp_path / "other.sqlite")


def test_a_postgresql_database_is_keyed_by_its_url():
    from app.models.db import parse_target

    url = "postgresql://advisor@db.example.org:5432/incidents"
    assert instance_key(parse_target(url)) == instance_key(parse_target(url))
    assert instance_key(parse_target(url)) != instance_key(parse_target(url + "2"))
    assert instance_key(parse_target(url)).startswith("incident-desk-")


FIRST_START = """
import sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication, QTimer
from app.views.single_instance import InstanceGuard
app = QCoreApplication([])
guard = InstanceGuard(Path(sys.argv[1]))
print("first" if guard.acquire() else "second", flush=True)
guard.raise_requested.connect(lambda: (print("asked to come forward", flush=True), app.quit()))
QTimer.singleShot(30_000, app.quit)
app.exec()
guard.release()
"""


def test_starting_the_application_again_on_an_open_database_opens_nothing(qapp, tmp_path,
                                                                          dialogs):
    """run_gui, as main.py calls it, finds the lock of a first instance (another process):
    it asks that one to come forward and stops, before it opens (or creates) the database,
    with nothing to say."""
    from app.views.application import run_gui

    path = tmp_path / "incidents.sqlite"
    first = subprocess.Popen([sys.executable, "-c", FIRST_START, str(path)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert first.stdout.readline().strip() == "first"
        assert run_gui(path, create_folder=True, dialogs=dialogs) == 0
        assert first.communicate(timeout=20)[0].strip() == "asked to come forward"
        assert not path.exists()
        assert dialogs.calls == []
    finally:
        first.kill()
        first.wait()


def test_a_first_start_that_does_not_answer_yet_is_explained(qtbot, tmp_path, dialogs,
                                                             monkeypatch):
    """The first instance holds the lock but does not answer yet (still at its sign-in):
    the second says so instead of vanishing without a word."""
    from app.views import single_instance
    from app.views.application import run_gui

    path = tmp_path / "incidents.sqlite"
    first = InstanceGuard(path)
    assert first.acquire()
    monkeypatch.setattr(single_instance, "_ask_to_raise", lambda key: False)
    try:
        assert run_gui(path, create_folder=True, dialogs=dialogs) == 0
        ((kind, title, text),) = dialogs.calls
        assert title == "Incident Desk"
        assert kind == "inform" and "already starting on incidents.sqlite" in text
        assert not path.exists()
    finally:
        first.release()


def test_the_window_asked_to_bring_to_front_is_restored_and_raised(qtbot, open_window):
    window = open_window()
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)
    window.bring_to_front()
    qtbot.waitUntil(lambda: not window.isMinimized())
    assert window.isVisible()
