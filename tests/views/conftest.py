"""Fixtures for driving the windows: scripted dialogs, the main window on a test database."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from app.models.clock import now_utc
from app.models.entities import User
from app.models.incidents import create_incident
from app.views.application import make_window
from app.views.dialogs import Dialogs
from app.views.main_window import MainWindow
from tests.conftest import category, make_draft

# Received a few days before the test runs, so never "in the future".
RECEIVED_AT = (now_utc() - timedelta(days=3)).replace(hour=9, minute=30, second=0)


# --- the dialogs seam -----------------------------------------------------------------------
class ScriptedDialogs(Dialogs):
    """Records every message and question; answers questions from a script, never blocks."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []
        self.answers: list[bool] = []
        self.passwords: list[str | None] = []  # what ask_password returns, in turn
        self.save_files: list[Path | None] = []  # what save_file returns, in turn
        self.open_files: list[Path | None] = []  # what open_file returns, in turn

    def error(self, parent, title: str, text: str) -> None:
        self.calls.append(("error", title, text))

    def inform(self, parent, title: str, text: str) -> None:
        self.calls.append(("inform", title, text))

    def confirm(self, parent, title: str, text: str) -> bool:
        self.calls.append(("confirm", title, text))
        assert self.answers, f"unexpected question: {title!r} {text!r}"
        return self.answers.pop(0)

    def ask_password(self, parent, title: str, text: str) -> str | None:
        self.calls.append(("ask_password", title, text))
        assert self.passwords, f"unexpected password prompt: {title!r} {text!r}"
        return self.passwords.pop(0)

    def ask_database_password(self, parent, target, problem: str) -> tuple[str, bool] | None:
        self.calls.append(("ask_database_password", str(target), problem))
        assert self.passwords, f"unexpected database password prompt: {problem!r}"
        answer = self.passwords.pop(0)
        return answer if answer is None or isinstance(answer, tuple) else (answer, False)

    def save_file(self, parent, title: str, suggested: Path, filters: str) -> Path | None:
        self.calls.append(("save_file", title, str(suggested)))
        assert self.save_files, f"unexpected file picker: {title!r} {suggested}"
        return self.save_files.pop(0)

    def open_file(self, parent, title: str, folder: Path, filters: str) -> Path | None:
        self.calls.append(("open_file", title, str(folder)))
        assert self.open_files, f"unexpected file picker: {title!r} {folder}"
        return self.open_files.pop(0)

    def notify(self, title: str, text: str) -> None:
        self.calls.append(("notify", title, text))

    def kinds(self) -> list[str]:
        return [kind for kind, _, _ in self.calls]


@pytest.fixture
def dialogs() -> ScriptedDialogs:
    return ScriptedDialogs()


@pytest.fixture(autouse=True)
def own_data_folder(tmp_path, monkeypatch):
    """The user's data folder (platformdirs: drafts of a PostgreSQL database, the default
    database file) in the test's own folder, never the real one of whoever runs them."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "user-data"))


@pytest.fixture(autouse=True)
def no_real_message_box(monkeypatch):
    """A real message box would wait for a click that never comes: a test that reaches one
    (a Dialogs method ScriptedDialogs does not script) fails at once, naming the message."""
    def refuse(_icon, _parent, title: str, text: str, *_args, **_kwargs):
        raise AssertionError(f"a real message box would block the test: {title!r} {text!r}")
    monkeypatch.setattr("app.views.dialogs._ask", refuse)


@pytest.fixture
def open_window(qtbot, db, db_target, tmp_path, dialogs):
    """Opens the main window over the test database (call it once the data is there)."""

    windows = []  # qtbot only holds weak references; the window lives until teardown

    def opener(user: User | None = None) -> MainWindow:
        """The window as ``user`` (default: whoever runs the tests), with settings of its
        own, so that two colleagues' windows can be open side by side."""
        name = user.username if user is not None else "s"
        settings = QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)
        window = make_window(db_target, dialogs=dialogs, settings=settings, user=user)
        windows.append(window)
        # A form left open with changes asks before the window closes: let it go.
        qtbot.addWidget(window, before_close_func=lambda _: dialogs.answers.append(True))
        window.show()
        with qtbot.waitActive(window):
            window.activateWindow()
        return window

    yield opener
    windows.clear()


@pytest.fixture
def log_three(advisor):
    """Three open incidents from three callers, newest last."""
    return [
        create_incident(make_draft(received_at=RECEIVED_AT, caller_name="Olivia Taylor",
                                   summary="Billing system not loading for the whole team"),
                        advisor),
        create_incident(make_draft(received_at=RECEIVED_AT + timedelta(hours=1),
                                   caller_name="Marcus Okonkwo", caller_phone="0113 496 0777",
                                   summary="Inbound calls dropping after the IVR menu",
                                   category_id=category("Telephony outage").id,
                                   subcategory_id=category("Inbound lines").id,
                                   impact="high", urgency="high"), advisor),
        create_incident(make_draft(received_at=RECEIVED_AT + timedelta(hours=2),
                                   caller_name="Jack Taylor", summary="No heating at the depot",
                                   category_id=category("Facilities").id, subcategory_id=None,
                                   impact="low", urgency="low"), advisor),
    ]


