"""The command line on a PostgreSQL database named by its URL: commands that work on any
database run there, the password from PGPASSWORD, the keyring or the terminal; commands
that only make sense for a database file refuse it, saying why.

Runs when ``INCIDENT_DESK_PG=1``, against ``scripts/pg_server.py`` (as
tests/models/test_postgres.py).
"""

from __future__ import annotations

import io
import os

import pytest

if os.environ.get("INCIDENT_DESK_PG") != "1":
    pytest.skip("PostgreSQL tests not run: set INCIDENT_DESK_PG=1 to run them against "
                "scripts/pg_server.py", allow_module_level=True)

from app import cli
from app.models.database_choice import save_database
from app.models.db import close_database, open_database, parse_target
from app.models.db_password import store_password
from app.models.incidents import create_incident
from app.models.users import current_user
from tests.conftest import NOW, make_draft
from tests.models.test_postgres import pg_server, pg_url  # noqa: F401  (fixtures)
from tests.test_cli import run

pytestmark = pytest.mark.postgres


@pytest.fixture
def filled(pg_url):  # noqa: F811
    """The test database with 3 incidents, logged by its first user (an administrator,
    who may export callers' data): whoever runs the tests."""
    open_database(pg_url)
    try:
        user = current_user()
        for n in range(3):
            create_incident(make_draft(caller_name=f"Caller {n}"), user, NOW)
    finally:
        close_database()
    return pg_url


def test_export_from_a_postgresql_url(filled, pg_server, tmp_path):  # noqa: F811
    out = tmp_path / "incidents.csv"
    result = run("export", "--db", filled, "--out", str(out),
                 env={"PGPASSWORD": pg_server.PASSWORD})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Wrote 3 incidents to {out}."
    assert len(out.read_text(encoding="utf-8").splitlines()) == 4


def test_without_db_the_saved_choice_is_used(filled, pg_server, tmp_path):  # noqa: F811
    config = tmp_path / "config"
    # platformdirs on Linux: $XDG_CONFIG_HOME/Incident Desk/database.json
    save_database(parse_target(filled), config / "Incident Desk" / "database.json")
    out = tmp_path / "incidents.csv"
    result = run("export", "--out", str(out),
                 env={"PGPASSWORD": pg_server.PASSWORD, "XDG_CONFIG_HOME": str(config)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Wrote 3 incidents to {out}."


@pytest.mark.parametrize("command", [["backup", "--out", "x.sqlite"],
                                     ["restore", "--from", "x.sqlite"]])
def test_file_only_commands_refuse_a_postgresql_database(command, tmp_path):
    url = "postgresql://incident_desk@127.0.0.1:54329/incident_desk"
    result = run(*command, "--db", url, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith(f"incident-desk: error: {command[0]} works on a database "
                                    f"file, and {url} is a PostgreSQL database: ")
    assert not list(tmp_path.iterdir())  # nothing written
    if command[0] == "backup":
        assert "pg_dump" in result.stderr


def test_demo_data_then_verify_on_a_postgresql_database(pg_url, pg_server):  # noqa: F811
    """The demo incidents made on the server, then its history chain checked whole."""
    env = {"PGPASSWORD": pg_server.PASSWORD}
    made = run("demo-data", "--db", pg_url, "--count", "40", "--seed", "7", env=env)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("Added 40 incidents and ")
    checked = run("verify", "--db", pg_url, env=env)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith(f"{parse_target(pg_url)}: integrity check passed; ")
    assert "chain intact" in checked.stdout
    open_database(pg_url)
    try:
        from app.models.entities import History, Incident

        assert Incident.select().count() == 40
        # an altered row is found (the trigger that refuses it set aside for the test)
        database_ = History._meta.database
        database_.execute_sql("ALTER TABLE history DISABLE TRIGGER USER")
        database_.execute_sql("UPDATE history SET new_value = 'altered' WHERE id = 5")
        database_.execute_sql("ALTER TABLE history ENABLE TRIGGER USER")
    finally:
        close_database()
    altered = run("verify", "--db", pg_url, env=env)
    assert altered.returncode == 2
    assert "history row 5" in altered.stderr.lower() or "row 5" in altered.stderr


def test_no_password_and_no_terminal_says_to_set_pgpassword(pg_url, tmp_path):  # noqa: F811
    environment = {k: v for k, v in os.environ.items() if k != "PGPASSWORD"}
    environment["QT_QPA_PLATFORM"] = "offscreen"
    import subprocess
    import sys

    from tests.test_cli import ROOT

    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "export", "--db", pg_url, "--out",
         str(tmp_path / "x.csv")], env=environment, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "asks for a password for the user incident_desk" in result.stderr
    assert "Set PGPASSWORD to the password of the user incident_desk" in result.stderr
    assert not (tmp_path / "x.csv").exists()


def test_the_keyring_password_is_used(filled, pg_server, memory_keyring, monkeypatch,  # noqa: F811
                                      tmp_path, capsys):
    monkeypatch.delenv("PGPASSWORD", raising=False)
    store_password(parse_target(filled), pg_server.PASSWORD)
    out = tmp_path / "incidents.csv"
    try:
        assert cli.main(["export", "--db", filled, "--out", str(out)]) == 0
    finally:
        close_database()
    assert capsys.readouterr().out.strip() == f"Wrote 3 incidents to {out}."


def test_at_a_terminal_the_password_is_asked_again_until_right(filled, pg_server,  # noqa: F811
                                                              monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("PGPASSWORD", raising=False)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    answers = iter(["wrong", pg_server.PASSWORD])
    prompts = []
    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("getpass.getpass", lambda prompt: prompts.append(prompt)
                        or next(answers))
    out = tmp_path / "incidents.csv"
    try:
        assert cli.main(["export", "--db", filled, "--out", str(out)]) == 0
    finally:
        close_database()
    assert prompts == [f"Password of incident_desk for {filled}: "] * 2
    err = capsys.readouterr().err
    assert "asks for a password" in err
    assert "refused the password of the user incident_desk (the one typed)" in err
