"""Starting the window: a database that cannot be opened is explained, not crashed on."""

import shutil

import pytest

from app.models.backup import automatic_backup
from app.models.db import DatabaseOpenError, close_database, database, open_database
from app.models.entities import Incident
from app.models.incidents import create_incident
from app.models.users import ensure_user
from app.views.application import open_or_recover, run_gui, upgrade_notice
from app.views.dialogs import Dialogs
from tests.conftest import NOW, make_draft
from tests.models.test_db import V1_DATABASE

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


class AnsweringDialogs(RecordingDialogs):
    def __init__(self, answer: bool):
        super().__init__()
        self.answer = answer
        self.questions = []
        self.information = []

    def confirm(self, parent, title, text):
        self.questions.append((title, text))
        return self.answer

    def inform(self, parent, title, text):
        self.information.append(text)


def damaged_database_with_a_backup(path):
    open_database(path)
    user = ensure_user("sam.advisor")
    for _ in range(40):
        create_incident(make_draft(), user, now=NOW)
    automatic_backup(path, days=14, now=NOW)
    create_incident(make_draft(caller_name="After The Backup"), user, now=NOW)
    close_database()
    with path.open("r+b") as handle:  # the schema's page, after the 100-byte file header
        handle.seek(100)
        handle.write(b"\xff" * 3000)
    return path.read_bytes()


def test_a_damaged_database_offers_the_latest_good_backup(qapp, tmp_path):
    path = tmp_path / "desk.sqlite"
    damaged = damaged_database_with_a_backup(path)
    dialogs = AnsweringDialogs(answer=True)
    try:
        open_or_recover(path, False, dialogs)
        [(title, question)] = dialogs.questions
        assert title == "Restore the latest backup?"
        assert "The latest good backup was taken on 24/11/2026 at 12:00" in question
        assert Incident.select().count() == 40
        [aside] = tmp_path.glob("desk.replaced-*.sqlite")
        assert aside.read_bytes() == damaged
        assert str(aside) in dialogs.information[0]
        assert dialogs.errors == []
    finally:
        close_database()


def test_declining_the_backup_leaves_everything_as_it_was(qapp, tmp_path):
    path = tmp_path / "desk.sqlite"
    damaged = damaged_database_with_a_backup(path)
    dialogs = AnsweringDialogs(answer=False)
    with pytest.raises(DatabaseOpenError):
        open_or_recover(path, False, dialogs)
    assert path.read_bytes() == damaged
    assert not list(tmp_path.glob("desk.replaced-*"))
    assert "may be damaged" in dialogs.errors[0][1] or "Cannot open" in dialogs.errors[0][1]


def test_a_newer_versions_database_is_not_offered_a_backup(qapp, tmp_path):
    path = tmp_path / "desk.sqlite"
    open_database(path)
    automatic_backup(path, days=14, now=NOW)
    database.execute_sql("INSERT INTO schema_migration (name, applied) "
                         "VALUES ('9999_future', '2030-01-01')")
    close_database()
    dialogs = AnsweringDialogs(answer=True)
    with pytest.raises(DatabaseOpenError, match="newer version"):
        open_or_recover(path, False, dialogs)
    assert dialogs.questions == []


def test_an_upgrade_is_announced_while_it_runs(qapp, tmp_path):
    path = tmp_path / "old.sqlite"
    shutil.copy(V1_DATABASE, path)
    notice = upgrade_notice(path)
    assert notice is not None and notice.isVisible()
    assert notice.text().startswith("Upgrading the database old.sqlite")
    notice.close()
    open_database(path)
    close_database()
    assert upgrade_notice(path) is None  # up to date: nothing to say
