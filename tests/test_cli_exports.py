"""The headless exports, run as a user runs them: export-pdf, evidence-pack, verify-export
and report-pdf, each with a one-line message and a non-zero exit on bad input."""

import subprocess

import pytest

from tests.conftest import ENGINE, on_postgres_url, pg_database_url, raw_connection
from tests.test_cli import run


@pytest.fixture(scope="module")
def module_db_path(request, tmp_path_factory):
    """The module's database, shared by its tests: a SQLite file, or under
    ``INCIDENT_DESK_ENGINE=postgresql`` a database of its own on the test server."""
    if ENGINE != "postgresql":
        yield tmp_path_factory.mktemp("demo") / "demo.sqlite"
        return
    databases = request.getfixturevalue("pg_databases")
    name = databases.take()
    yield pg_database_url(databases.server, name)
    databases.drop(name)


@pytest.fixture(scope="module")
def demo(module_db_path):
    result = run("demo-data", "--db", str(module_db_path), "--count", "60", "--seed", "11",
                 "--months", "2")
    assert result.returncode == 0, result.stderr
    conn = raw_connection(module_db_path)
    references = [r for (r,) in conn.execute(
        "SELECT reference FROM incident ORDER BY id LIMIT 3")]
    conn.close()
    return module_db_path, references


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_export_then_verify_then_change_then_verify(demo, tmp_path):
    db, (reference, *_) = demo
    out = tmp_path / "incident.pdf"
    result = run("export-pdf", "--db", str(db), "--incident", reference.lower(),
                 "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Wrote {reference} to {out} (without the caller's "
                                    "personal data; fingerprint ")
    assert f"Incident report {reference}" in pdf_text(out)
    result = run("verify-export", str(out), "--db", str(db))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith(f"{reference}: matches the database")
    conn = raw_connection(db)  # someone with the sqlite3 shell or psql
    mark = "%s" if on_postgres_url(db) else "?"
    conn.execute("UPDATE incident SET summary = 'Changed behind the report' "
                 f"WHERE reference = {mark}", (reference,))
    conn.commit()
    conn.close()
    result = run("verify-export", str(out), "--db", str(db))
    assert result.returncode == 2
    assert result.stderr.startswith(f"{reference}: has changed since it was exported")


def test_an_evidence_pack_of_three(demo, tmp_path):
    db, references = demo
    out = tmp_path / "pack.pdf"
    result = run("evidence-pack", "--db", str(db), "--incidents", ",".join(references),
                 "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Wrote an evidence pack of 3 incidents to {out}."
    assert "Evidence checklist" in pdf_text(out)


@pytest.mark.parametrize(("args", "message"), [
    (["export-pdf", "--incident", "INC-1999-000001", "--out", "{out}"],
     "incident-desk: error: There is no incident INC-1999-000001 in this database."),
    (["evidence-pack", "--incidents", "INC-1999-000001,INC-1999-000002", "--out", "{out}"],
     "incident-desk: error: There is no incident INC-1999-000001, INC-1999-000002 in this "
     "database."),
    (["export-pdf", "--incident", "{ref}", "--out", "{missing}"],
     "incident-desk: error: Cannot write the incident report to {missing}: No such file "
     "or directory."),
    (["export-pdf", "--incident", "{ref}", "--out", "{out}", "--include-personal-data"],
     "incident-desk: error: "),
])
def test_bad_exports_say_why_in_one_line_and_leave_nothing(demo, tmp_path, args, message):
    db, (reference, *_) = demo
    values = {"out": str(tmp_path / "x.pdf"), "ref": reference,
              "missing": str(tmp_path / "nowhere" / "x.pdf")}
    result = run(*[a.format(**values) for a in args], "--db", str(db))
    assert result.returncode == 1
    assert result.stderr.startswith(message.format(**values))
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_only_a_team_leader_may_include_personal_data(demo, tmp_path):
    db, (reference, *_) = demo
    result = run("export-pdf", "--db", str(db), "--incident", reference, "--out",
                 str(tmp_path / "x.pdf"), "--include-personal-data")
    assert result.returncode == 1
    assert "team leader" in result.stderr.lower()


def test_verify_refuses_what_is_not_our_export(demo, tmp_path):
    db, _ = demo
    text = tmp_path / "notes.pdf"
    text.write_text("not a PDF")
    result = run("verify-export", str(text), "--db", str(db))
    assert result.returncode == 1
    assert result.stderr.startswith(f"incident-desk: error: {text} is not a PDF file")
    result = run("verify-export", str(tmp_path / "gone.pdf"), "--db", str(db))
    assert result.returncode == 1
    assert "Cannot read" in result.stderr and "No such file" in result.stderr


def test_an_export_from_a_database_that_does_not_exist_creates_none(tmp_path):
    missing = tmp_path / "none.sqlite"
    result = run("export-pdf", "--db", str(missing), "--incident", "INC-2026-000001",
                 "--out", str(tmp_path / "x.pdf"))
    assert result.returncode == 1
    assert result.stderr.strip() == f"incident-desk: error: There is no database at {missing}."
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("start", "end", "message"), [
    ("2026-13-01", "2026-12-31", "argument --from: '2026-13-01' is not a date as YYYY-MM-DD"),
])
def test_a_bad_report_date_is_named(demo, tmp_path, start, end, message):
    db, _ = demo
    result = run("report-pdf", "--db", str(db), "--from", start, "--to", end, "--out",
                 str(tmp_path / "r.pdf"))
    assert result.returncode == 2
    assert message in result.stderr


def test_a_period_report_and_an_empty_period(demo, tmp_path):
    db, _ = demo
    conn = raw_connection(db)
    first, last = (str(when) for when in conn.execute(
        "SELECT MIN(received_at), MAX(received_at) FROM incident").fetchone())
    conn.close()
    out = tmp_path / "period.pdf"
    result = run("report-pdf", "--db", str(db), "--from", first[:10], "--to", last[:10],
                 "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Period report" in pdf_text(out) and "SLA compliance" in pdf_text(out)
    empty = tmp_path / "empty.pdf"
    result = run("report-pdf", "--db", str(db), "--from", "2001-01-01", "--to", "2001-01-31",
                 "--out", str(empty))
    assert result.returncode == 1
    assert result.stderr.startswith("incident-desk: error: No incidents were received")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not empty.exists()
