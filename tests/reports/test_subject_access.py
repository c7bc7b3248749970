"""The subject access export: a PDF and a JSON file, read back."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from app.models.audit import describe, incident_history
from app.models.entities import History
from app.models.incidents import change_status, create_incident
from app.models.lifecycle import Status
from app.models.permissions import RolePermissionError
from app.models.personal_data import PersonalDataError
from app.models.users import ensure_user
from app.reports import fonts
from app.reports.subject_access import SubjectAccessError, export_subject_access
from tests.conftest import make_draft

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
HOSTILE = "<b>not bold</b> انقطاع الخدمة 🔥 & \"quotes\""


@pytest.fixture
def leader(db):
    return ensure_user("tara.leader", "Tara Leader", role="team_leader")


@pytest.fixture
def olivia(db, advisor):
    """Two incidents of Olivia's (one with hostile-looking text) and one of someone else."""
    first = create_incident(make_draft(received_at=NOW - timedelta(days=40)), advisor,
                            now=NOW - timedelta(days=40))
    change_status(first.id, Status.RESOLVED, advisor, note="Billing restarted.",
                  now=NOW - timedelta(days=39))
    second = create_incident(make_draft(received_at=NOW - timedelta(days=2),
                                        caller_phone="+44 161 496 0123", caller_email="",
                                        description=HOSTILE), advisor, now=NOW)
    create_incident(make_draft(caller_name="Marcus Okonkwo", caller_phone="0113 496 0777",
                               caller_email="marcus@example.org"), advisor, now=NOW)
    return first, second


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def test_the_export_holds_every_record_about_the_person_and_no_one_else(
        out, leader, olivia):
    pdf, data = export_subject_access("0161 496 0123", "", out, leader,
                                      request_note="DSR-2026-015", now=NOW)
    assert (pdf.name, data.name) == ("subject-access-20261124-120000.pdf",
                                     "subject-access-20261124-120000.json")
    exported = json.loads(data.read_text(encoding="utf-8"))
    assert [i["reference"] for i in exported["incidents"]] == [o.reference for o in olivia]
    assert exported["subject"] == {"phone": "0161 496 0123", "email": ""}
    assert exported["request"] == "DSR-2026-015"
    first, second = exported["incidents"]
    assert first["caller_name"] == "Olivia Taylor" and first["status"] == "Resolved"
    assert [h["what"] for h in first["history"]] == ["Logged", "Status", "Note"]
    assert first["history"][2]["to"] == "Billing restarted."
    assert second["description"] == HOSTILE  # exactly as stored
    assert "Marcus" not in data.read_text(encoding="utf-8")

    text = pdf_text(pdf)
    for expected in ("Subject access export", olivia[0].reference, olivia[1].reference,
                     "Olivia Taylor", "Billing restarted.", "<b>not bold</b>", "Page 1 of",
                     "DSR-2026-015"):
        assert expected in text
    assert "Marcus" not in text
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    assert "Title:           Subject access export" in info
    assert "Author:          Tara Leader" in info


def test_each_disclosed_incident_records_the_export_without_the_data(out, leader, olivia):
    export_subject_access("", "olivia.taylor@example.org", out, leader,
                          request_note="DSR-2026-015", now=NOW)
    last = incident_history(olivia[0].id)[-1]
    assert describe(last) == ("Exported", "", "Disclosed in a subject access export: "
                                              "DSR-2026-015")
    assert last.user == "Tara Leader"
    assert incident_history(olivia[1].id)[-1].action == "created"  # no email on it


def test_an_existing_file_is_never_replaced_and_nothing_is_recorded(out, leader, olivia):
    existing = out / "subject-access-20261124-120000.json"
    existing.write_text("someone's earlier export")
    before = History.select().count()
    with pytest.raises(SubjectAccessError, match="already exists"):
        export_subject_access("0161 496 0123", "", out, leader, now=NOW)
    assert existing.read_text() == "someone's earlier export"
    assert sorted(p.name for p in out.iterdir()) == [existing.name]
    assert History.select().count() == before


def test_a_person_with_no_records_gets_an_export_saying_so(out, leader, olivia):
    pdf, data = export_subject_access("", "nobody@example.org", out, leader, now=NOW)
    assert json.loads(data.read_text())["incidents"] == []
    assert "No incident is held about this person." in pdf_text(pdf)


def test_bad_requests_are_refused(out, db, advisor, leader, olivia):
    with pytest.raises(RolePermissionError):
        export_subject_access("0161 496 0123", "", out, advisor, now=NOW)
    with pytest.raises(PersonalDataError) as excinfo:
        export_subject_access("phone", "", out, leader, now=NOW)
    assert set(excinfo.value.problems) == {"phone"}
    with pytest.raises(SubjectAccessError, match="is not a folder"):
        export_subject_access("0161 496 0123", "", out / "missing", leader, now=NOW)
    assert list(out.iterdir()) == []


def test_the_longest_texts_allowed_split_across_pages(out, db, advisor, leader):
    long = ("The caller read the whole error log out, line by line. " * 200)[:10_000]
    incident = create_incident(make_draft(description=long), advisor, now=NOW)
    change_status(incident.id, Status.RESOLVED, advisor, note=long, now=NOW)
    pdf, data = export_subject_access("0161 496 0123", "", out, leader, now=NOW)
    assert json.loads(data.read_text())["incidents"][0]["description"] == long
    text = pdf_text(pdf)
    assert "Page 3 of" in text or "Page 4 of" in text
    assert text.count("line by line") > 300  # the description and the note, whole


def test_names_outside_latin_1_print_in_the_shipped_font(out, db, leader):
    writer = ensure_user("lukasz.wojcik", "Łukasz Wójcik")
    create_incident(make_draft(caller_name="Zoë Ørsted"), writer, now=NOW)
    pdf, _ = export_subject_access("0161 496 0123", "", out, leader, now=NOW)
    text = pdf_text(pdf)
    assert "Zoë Ørsted" in text
    assert "Łukasz Wójcik" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                           text=True).stdout
    assert "DejaVuSans" in fonts and "DejaVuSans-Bold" in fonts
    assert "Helvetica" not in fonts


def test_a_missing_font_is_named_and_nothing_is_written(out, db, leader, olivia,
                                                        monkeypatch):
    monkeypatch.setattr(fonts, "_registered", False)
    monkeypatch.setattr(fonts, "FONT_FOLDER", ("app.resources", "no-fonts-here"))
    before = History.select().count()
    with pytest.raises(SubjectAccessError, match=r"no-fonts-here.DejaVuSans\.ttf"):
        export_subject_access("0161 496 0123", "", out, leader, now=NOW)
    assert list(out.iterdir()) == []
    assert History.select().count() == before
