"""Importing and exporting incidents from the command line, as a user runs it: one line when
it works, each problem by row and column (capped) when it does not, exit code 1 and the
database unchanged."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from app.models.db import close_database, open_database
from app.models.incident_transfer import COLUMNS
from app.models.permissions import Role
from app.models.users import current_user, ensure_user
from tests.conftest import raw_connection
from tests.test_cli import run


def run_as(username: str, *args):
    """The command run by the operating-system user ``username`` (getpass reads LOGNAME)."""
    return run(*args, env={"LOGNAME": username, "USER": username})

GOOD = {"received_at": "2026-03-27T16:45:00+00:00", "channel": "phone",
        "caller_name": "Olivia Taylor", "category": "IT system failure",
        "summary": "Billing system down", "impact": "high", "urgency": "medium"}


@pytest.fixture
def desk(db_path):
    """A database whose first user (administrator) is whoever runs the tests, with a team
    leader and an advisor: a SQLite file, or a PostgreSQL database's URL."""
    path = db_path
    open_database(path)
    current_user()
    ensure_user("tess.leader", "Tess Leader", Role.TEAM_LEADER)
    ensure_user("sam.advisor", "Sam Advisor")
    close_database()
    return path


def write_csv(path: Path, rows: list[dict]) -> Path:
    header = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, header, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    return path


def counts(path) -> tuple[int, int]:
    conn = raw_connection(path)
    try:
        return tuple(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                     for table in ("incident", "history"))
    finally:
        conn.close()


def test_import_then_export_as_csv_and_xlsx(desk, tmp_path):
    source = write_csv(tmp_path / "old sheet.csv", [
        {**GOOD, "Notes": "x"}, {**GOOD, "caller_name": "Jack Jones", "status": "resolved",
                                 "resolved_at": "27/03/2026 18:00", "owner": "Tess Leader"}])
    result = run_as("tess.leader", "import", "--db", str(desk), str(source))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (f"Imported 2 incidents from old sheet.csv into {desk} "
                                     f"(2 given new references) in "
                                     f"{result.stdout.split(' in ')[-1].strip()}")
    assert result.stderr == ("Not imported (columns Incident Desk does not have): Notes.\n")
    assert counts(desk) == (2, 2)
    for kind in ("csv", "xlsx"):
        out = tmp_path / f"all.{kind}"
        result = run("export", "--db", str(desk), "--out", str(out))
        assert (result.returncode, result.stderr) == (0, "")
        assert result.stdout.strip() == f"Wrote 2 incidents to {out}."
    with (tmp_path / "all.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(COLUMNS)
    assert [r[3] for r in rows[1:]] == ["Olivia Taylor", "Jack Jones"]
    assert rows[2][COLUMNS.index("resolved_at")] == "2026-03-27T18:00:00+00:00"


def test_a_file_with_problems_is_refused_row_by_row_and_nothing_imported(desk, tmp_path):
    rows = [GOOD] * 3 + [{**GOOD, "channel": "fax", "impact": ""}] * 30
    source = write_csv(tmp_path / "bad.csv", rows)
    result = run_as("tess.leader", "import", "--db", str(desk), str(source))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == ("incident-desk: error: 60 problems in 30 of 33 rows of bad.csv: nothing "
                        "is imported until every row is right.")
    assert lines[1] == ('  Row 5, channel "fax": not a known channel; allowed: phone, email, '
                        "chat, social, radio, walk_in.")
    assert lines[2] == "  Row 5, impact: required: this cell is empty."
    assert len(lines) == 1 + 50 + 1
    assert lines[-1] == "  … and 10 more problems."
    assert result.stdout == ""
    assert counts(desk) == (0, 0)


def test_only_team_leaders_and_administrators_import(desk, tmp_path):
    source = write_csv(tmp_path / "in.csv", [GOOD])
    result = run_as("sam.advisor", "import", "--db", str(desk), str(source))
    assert result.returncode == 1
    assert result.stderr.strip() == ("incident-desk: error: Sam Advisor is advisor; only an "
                                     "administrator or a team leader can do this.")
    result = run_as("sam.advisor", "export", "--db", str(desk), "--out",
                    str(tmp_path / "out.csv"))
    assert result.returncode == 1 and not (tmp_path / "out.csv").exists()
    assert counts(desk) == (0, 0)
    result = run("import", "--db", str(desk), str(source))  # whoever runs it: administrator
    assert result.returncode == 0, result.stderr
    assert counts(desk) == (1, 1)


@pytest.mark.parametrize(("content", "message"), [
    (None, "missing.csv does not exist."),
    (b"\xff\xfe\x00", "says it is UTF-16 but byte 3 is not: save it again as CSV UTF-8."),
    (b"received_at,channel\n", "has a header but no incidents below it."),
])
def test_a_file_that_cannot_be_read_is_named_in_one_line(desk, tmp_path, content, message):
    source = tmp_path / "missing.csv"
    if content is not None:
        source.write_bytes(content)
    result = run("import", "--db", str(desk), str(source))
    assert result.returncode == 1
    assert result.stderr.startswith("incident-desk: error: ")
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_export_refuses_what_would_lose_a_file(desk, tmp_path):
    source = write_csv(tmp_path / "in.csv", [GOOD])
    assert run("import", "--db", str(desk), str(source)).returncode == 0
    result = run("export", "--db", str(desk), "--out", str(source))
    assert result.returncode == 1
    assert result.stderr.strip() == (f"incident-desk: error: {source} already exists and has "
                                     "not been replaced: choose another file name.")
    result = run("export", "--db", str(desk), "--out", str(source), "--replace")
    assert result.returncode == 0, result.stderr
    result = run("export", "--db", str(desk), "--out", str(tmp_path / "out.txt"))
    assert result.stderr.strip() == ("incident-desk: error: out.txt: choose a file name ending "
                                     ".csv or .xlsx.")


@pytest.mark.sqlite_only("an export over the database file itself")
def test_export_refuses_to_write_over_the_database_file(desk, tmp_path):
    assert run("import", "--db", str(desk), str(write_csv(tmp_path / "in.csv", [GOOD]))
               ).returncode == 0
    result = run("export", "--db", str(desk), "--out", str(desk), "--replace")
    assert result.returncode == 1
    assert "is the database itself" in result.stderr


def test_export_by_period(desk, tmp_path):
    source = write_csv(tmp_path / "in.csv", [
        GOOD, {**GOOD, "received_at": "2026-04-02T10:00:00+00:00"}])
    assert run("import", "--db", str(desk), str(source)).returncode == 0
    out = tmp_path / "april.xlsx"
    result = run("export", "--db", str(desk), "--out", str(out), "--from", "2026-04-01",
                 "--to", "2026-04-30")
    assert result.stdout.strip() == f"Wrote 1 incident to {out}."
    result = run("export", "--db", str(desk), "--out", str(tmp_path / "x.csv"), "--from",
                 "2026-05-01", "--to", "2026-04-01")
    assert result.returncode == 1
    assert result.stderr.strip() == ("incident-desk: error: The period ends (1 Apr 2026) "
                                     "before it starts (1 May 2026).")
    result = run("export", "--db", str(desk), "--out", str(tmp_path / "x.csv"), "--from",
                 "1/4/2026")
    assert result.returncode == 2
    assert "'1/4/2026' is not a date as YYYY-MM-DD" in result.stderr
    result = run("export", "--db", str(tmp_path / "none.sqlite"), "--out",
                 str(tmp_path / "x.csv"))
    assert result.returncode == 1
    assert "There is no database at" in result.stderr
    assert not (tmp_path / "x.csv").exists()


def test_a_deactivated_user_runs_no_command(desk, tmp_path):
    from app.models.entities import User

    open_database(desk)
    User.update(active=False).where(User.username == "tess.leader").execute()
    close_database()
    out = tmp_path / "out.csv"
    result = run_as("tess.leader", "export", "--db", str(desk), "--out", str(out))
    assert result.returncode == 1 and not out.exists()
    assert result.stderr.strip() == ("incident-desk: error: Tess Leader is no longer an active "
                                     "user of this database: an administrator can reactivate "
                                     "them.")
