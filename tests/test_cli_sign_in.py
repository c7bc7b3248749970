"""Headless commands on a database that requires passwords: signed in from the environment,
refused in one line without a password."""

from __future__ import annotations

import pytest

from app.models.accounts import set_password, set_passwords_required
from app.models.db import close_database, open_database
from app.models.incidents import create_incident
from app.models.permissions import Role
from app.models.users import ensure_user
from tests.conftest import make_draft
from tests.test_cli import run

GOOD = "correct horse battery"


@pytest.fixture
def locked_desk(db_path):
    """A database (a SQLite file, or a PostgreSQL database's URL) with one incident whose
    administrator Ada requires passwords."""
    path = db_path
    open_database(path)
    try:
        ada = ensure_user("ada.admin", "Ada Admin", Role.ADMINISTRATOR)
        create_incident(make_draft(), ada)
        set_password(ada.id, GOOD, GOOD, ada)
        set_passwords_required(True, ada)
    finally:
        close_database()
    return path


def run_as_ada(*args, password: str | None = None):
    env = {"LOGNAME": "ada.admin", "USER": "ada.admin"}
    if password is not None:
        env["INCIDENT_DESK_PASSWORD"] = password
    return run(*args, env=env)


def test_an_export_signs_in_with_the_password_from_the_environment(locked_desk, tmp_path):
    out = tmp_path / "all.csv"
    result = run_as_ada("export", "--db", str(locked_desk), "--out", str(out), password=GOOD)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.strip() == f"Wrote 1 incident to {out}."


def test_a_wrong_password_is_refused_in_one_line(locked_desk, tmp_path):
    out = tmp_path / "all.csv"
    result = run_as_ada("export", "--db", str(locked_desk), "--out", str(out),
                        password="not the password")
    assert result.returncode == 1
    assert result.stderr == "incident-desk: error: The username or password is wrong.\n"
    assert not out.exists()


def test_without_a_terminal_or_a_password_the_command_says_how(locked_desk, tmp_path):
    result = run_as_ada("export", "--db", str(locked_desk), "--out", str(tmp_path / "a.csv"))
    assert result.returncode == 1
    assert result.stderr == ("incident-desk: error: this database requires a password to "
                             "sign in: set INCIDENT_DESK_PASSWORD or run the command in a "
                             "terminal.\n")
