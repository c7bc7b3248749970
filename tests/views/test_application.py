"""Starting the window: a database that cannot be opened is explained, not crashed on."""

import pytest

from app.models.db import DatabaseOpenError
from app.views.application import run_gui
from app.views.dialogs import Dialogs

pytestmark = pytest.mark.gui


class RecordingDialogs(Dialogs):
    def __init__(self):
        self.errors = []

    def error(self, parent, title, text):
        self.errors.append((title, text))


def test_a_foreign_file_is_explained_and_left_alone(qapp, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("keep me")
    dialogs = RecordingDialogs()
    with pytest.raises(DatabaseOpenError):
        run_gui(path, dialogs=dialogs)
    ((title, text),) = dialogs.errors
    assert title == "Incident Desk"
    assert str(path) in text and "not an Incident Desk database" in text
    assert path.read_text() == "keep me"
