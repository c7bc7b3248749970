"""The database chosen for the next start (a small file, written whole), the checks of what
the user typed to choose it, and where a PostgreSQL password is taken from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.models.database_choice import (
    file_choice,
    forget_saved_database,
    save_database,
    saved_database,
    server_choice,
    start_database,
)
from app.models.db import PostgresTarget, default_database_path, parse_target, probe_database
from app.models.db_password import (
    FROM_ENVIRONMENT,
    FROM_KEYRING,
    NONE,
    TYPED,
    find_password,
    password_name,
    store_password,
)
from app.models.secrets import SERVICE
from tests.keyring_memory import no_keyring, use_keyring

URL = "postgresql://advisor@db.example.org:5433/incidents"


@pytest.fixture
def choice(tmp_path):
    return tmp_path / "config" / "database.json"


def test_nothing_saved_means_the_default_file(choice):
    assert saved_database(choice) is None
    assert start_database(None, choice) == (default_database_path(), True)


def test_a_saved_server_is_used_at_the_next_start_and_db_overrides_it(choice, tmp_path):
    save_database(parse_target(URL), choice)
    assert saved_database(choice) == parse_target(URL)
    assert start_database(None, choice) == (parse_target(URL), False)
    other = tmp_path / "other.sqlite"
    assert start_database(str(other), choice) == (other, False)


def test_the_file_holds_the_url_and_never_a_password(choice, memory_keyring):
    target = parse_target(URL)
    store_password(target, "s3cret")
    save_database(target, choice)
    text = choice.read_text(encoding="utf-8")
    assert json.loads(text) == {"format": 1, "database": URL}
    assert "s3cret" not in text
    assert list(choice.parent.iterdir()) == [choice]  # no temporary file left beside it


def test_a_saved_file_and_forgetting_it(choice, tmp_path):
    path = tmp_path / "team.sqlite"
    save_database(path, choice)
    assert saved_database(choice) == path
    forget_saved_database(choice)
    assert saved_database(choice) is None


@pytest.mark.parametrize("text", ["not json", '{"format": 2, "database": "x"}',
                                  '{"format": 1, "database": "mysql://x/y"}', "[1]"])
def test_an_unreadable_choice_is_ignored_and_said_in_the_log(choice, text, caplog):
    choice.parent.mkdir(parents=True)
    choice.write_text(text, encoding="utf-8")
    assert saved_database(choice) is None
    assert str(choice) in caplog.text


def test_saving_replaces_the_choice_whole(choice, tmp_path):
    save_database(tmp_path / "first.sqlite", choice)
    save_database(parse_target(URL), choice)
    assert saved_database(choice) == parse_target(URL)


def test_file_choice_names_each_problem(tmp_path):
    assert file_choice("") == (None, {
        "file": "Database file is required: choose one with Browse… or type its path."})
    assert "is a folder" in file_choice(str(tmp_path))[1]["file"]
    missing = tmp_path / "nowhere" / "db.sqlite"
    assert file_choice(str(missing))[1] == {
        "file": f"The folder {missing.parent} does not exist."}
    assert "whole path" in file_choice("relative.sqlite")[1]["file"]
    assert file_choice(f"  {tmp_path / 'new.sqlite'} ") == (tmp_path / "new.sqlite", {})


def test_server_choice_names_each_problem_beside_its_field():
    target, problems = server_choice("", "port", "", "")
    assert target is None
    assert set(problems) == {"host", "port", "database", "user"}
    assert problems["port"] == "Port must be a whole number from 1 to 65535, not 'port'."
    assert "70000" in server_choice("db", "70000", "x", "u")[1]["port"]
    assert "host name" in server_choice("db server", "", "x", "u")[1]["host"]
    assert "spaces" in server_choice("db", "", "my db", "u")[1]["database"]
    assert server_choice(" db.example.org ", "", "incidents", "advisor") == (
        PostgresTarget(dbname="incidents", user="advisor", host="db.example.org",
                       port=5432), {})
    target, _ = server_choice("db.example.org", "5433", "incidents", "advisor")
    assert str(target) == URL
    assert parse_target(str(target)) == target


# --- where the password comes from ---------------------------------------------------------
def test_the_keyring_is_read_when_pgpassword_is_not_set(memory_keyring, monkeypatch):
    monkeypatch.delenv("PGPASSWORD", raising=False)
    target = parse_target(URL)
    assert find_password(target).source == NONE
    store_password(target, "from-keyring")
    assert memory_keyring.secrets[(SERVICE, f"database password {URL}")] == "from-keyring"
    assert password_name(target) == f"database password {URL}"
    found = find_password(target)
    assert (found.password, found.source) == ("from-keyring", FROM_KEYRING)


def test_pgpassword_wins_over_the_keyring_and_typed_wins_over_both(memory_keyring,
                                                                    monkeypatch):
    target = parse_target(URL)
    store_password(target, "from-keyring")
    monkeypatch.setenv("PGPASSWORD", "from-environment")
    found = find_password(target)
    assert (found.password, found.source) == ("from-environment", FROM_ENVIRONMENT)
    found = find_password(target, "typed")
    assert (found.password, found.source) == ("typed", TYPED)


def test_no_keyring_counts_as_no_stored_password(monkeypatch):
    monkeypatch.delenv("PGPASSWORD", raising=False)
    with use_keyring(no_keyring()):
        assert find_password(parse_target(URL)).source == NONE


def test_probing_a_file_changes_nothing(tmp_path, db, db_path):
    probe = probe_database(db_path)
    assert probe.schema is not None and probe.schema >= 14
    assert probe.pending == 0
    new = tmp_path / "new.sqlite"
    assert probe_database(new).schema is None
    assert not new.exists()


def test_probing_a_file_in_a_missing_folder_says_so(tmp_path):
    from app.models.db import DatabaseOpenError

    with pytest.raises(DatabaseOpenError, match="does not exist"):
        probe_database(tmp_path / "nowhere" / "x.sqlite")


def test_probing_a_foreign_file_refuses_it(tmp_path):
    from app.models.db import DatabaseOpenError

    foreign = tmp_path / "notes.txt"
    foreign.write_text("hello")
    with pytest.raises(DatabaseOpenError, match="not an Incident Desk database"):
        probe_database(Path(foreign))
    assert foreign.read_text() == "hello"


# --- what is keyed by the database, on a PostgreSQL one ------------------------------------
def test_drafts_of_a_server_database_are_kept_per_url_and_user(db, tmp_path):
    from app.models.drafts import DraftStore
    from tests.conftest import make_draft

    first = DraftStore(parse_target(URL), "sam.advisor", server_folder=tmp_path)
    same = DraftStore(parse_target(URL), "sam.advisor", server_folder=tmp_path)
    other_server = DraftStore(parse_target(URL.replace("5433", "5434")), "sam.advisor",
                              server_folder=tmp_path)
    other_user = DraftStore(parse_target(URL), "tess.leader", server_folder=tmp_path)
    assert first.path == same.path
    assert first.path.parent == tmp_path
    assert first.path.name.startswith("db.example.org-incidents-")
    assert len({first.path, other_server.path, other_user.path}) == 3
    first.save(make_draft(caller_name="Kept"))
    assert same.load().draft.caller_name == "Kept"


def test_no_file_backups_of_a_server_database(tmp_path):
    from app.models.backup import automatic_backup, automatic_backups, latest_good_backup

    target = parse_target(URL)
    assert automatic_backup(target, 7) == (None, [])
    assert automatic_backups(target) == []
    assert latest_good_backup(target) is None
    assert not list(tmp_path.iterdir())
