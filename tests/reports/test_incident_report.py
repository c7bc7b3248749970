"""The incident report PDF: every section in order, masked for evidence unless a team
leader asks for the personal data, fingerprinted, and checkable against the database."""

from __future__ import annotations

import re
import struct
import subprocess
import zlib
from dataclasses import replace

import pytest
from pypdf import PdfReader

from app.models.entities import History, Incident
from app.models.incident_record import (
    ExportError,
    fingerprint,
    incident_record,
)
from app.models.incidents import change_status, create_incident, update_incident
from app.models.lifecycle import Status
from app.models.organisation import organisation, save_organisation
from app.models.permissions import RolePermissionError
from app.reports import files
from app.reports.exporting import export_incident, read_fingerprints, verify_export
from app.reports.incident_report import IncidentReportError
from tests.conftest import make_draft
from tests.reports.conftest import RECEIVED, at, pdf_text, squeezed

HEADINGS = ["Logging details", "Categorisation and prioritisation", "Service levels",
            "Escalations", "Updates to stakeholders", "Handovers and support to colleagues",
            "Resolution and closure", "Post-incident review", "Audit trail", "Sign-off"]
PERSONAL = ["Olivia Taylor", "Olivia", "0161 496 0123", "07700 900456",
            "olivia.taylor@example.org", "AC-001234", "M1 1AE"]


def test_the_report_has_every_section_in_order_with_the_values(full_story, leader, tmp_path):
    save_organisation("Northwind Contact Centre", None, leader)
    out = tmp_path / "report.pdf"
    export = export_incident(full_story.reference, out, leader, now=at(12))
    text = squeezed(pdf_text(out))
    positions = [text.index(heading) for heading in HEADINGS]
    assert positions == sorted(positions)
    for expected in [
            "Northwind Contact Centre", "Incident report INC-2026-000001",
            "Generated 24/11/2026 12:00 by Tess Leader",
            # the summary box, read row by row: labels, then values
            "Priority Status Response P2 High Closed Met",
            "Resolution Escalation level Owner Met L2 Alex Colleague",
            "Received 24/11/2026 09:00", "Logged 24/11/2026 09:05", "Logged by Sam Advisor",
            "Channel Phone", "Caller O. T.", "Caller's phone •••• ••• •123",
            "Caller's email o•••@e•••.org", "Account or asset no. ••••••234",
            "Nature of incident Billing system not loading for the whole team",
            "Details confirmed back to the caller Yes",
            "Impact Medium", "Urgency High", "Priority by the matrix P2 High",
            "L2 team leader", "Needs a server restart approved",
            "Tried: Cleared the cache; O. T. tried another browser",
            "Dear O. T., we are on it.", "Finance manager",
            "Confirm the restart worked", "Month-end billing run tonight",
            "A call back by 11:00", "Second opinion", "Agreed the restart was safe",
            "Server restarted; O. T. confirmed billing works",
            "Closed 24/11/2026 11:00",
            "Status Completed Started 24/11/2026 10:50 Started by Tess Leader "
            "Completed 24/11/2026 10:50 Completed by Tess Leader",
            "Five whys", "Why? 1 The billing server stopped answering",
            "Why? 4 Nobody owned the clean-up job after the migration",
            "Root cause The export clean-up job lost its owner in the migration",
            "Lessons learned Scheduled jobs need a named owner",
            "Give the clean-up job an owner and a disk-space alert Alex Colleague "
            "08/12/2026 Open",
            "Tess Leader Post-incident review — Completed, with 1 improvement action",
            "Team leader", "Assessor",
            f"Fingerprint (SHA-256): {export.fingerprint}"]:
        assert expected in text, expected
    for personal in PERSONAL:
        assert personal not in text, personal


def test_every_page_carries_the_reference_page_count_and_fingerprint(full_story, leader,
                                                                       tmp_path):
    out = tmp_path / "report.pdf"
    export = export_incident(full_story.reference, out, leader, now=at(12))
    reader = PdfReader(out)
    assert len(reader.pages) >= 2
    for number, page in enumerate(reader.pages, start=1):
        text = squeezed(page.extract_text())
        assert "INC-2026-000001 · generated 24/11/2026 12:00 by Tess Leader" in text
        assert f"Page {number} of {len(reader.pages)}" in text
        assert f"Fingerprint (SHA-256): {export.fingerprint}" in text


def test_the_pdf_properties_say_what_it_is(full_story, leader, tmp_path):
    out = tmp_path / "report.pdf"
    export = export_incident(full_story.reference, out, leader, now=at(12))
    info = PdfReader(out).metadata
    assert info.title == "Incident report INC-2026-000001"
    assert info.author == "Tess Leader"
    assert info.subject == ("Incident report INC-2026-000001: Billing system not loading "
                            "for the whole team")
    assert info.creation_date is not None
    assert read_fingerprints(out) == [("INC-2026-000001", export.fingerprint, False)]


def test_the_fingerprint_is_the_sha256_of_the_canonical_record(full_story):
    export = incident_record(full_story)
    assert re.fullmatch("[0-9a-f]{64}", export.fingerprint)
    assert export.fingerprint == fingerprint(incident_record(full_story).record)
    changed = dict(export.record, title="Something else")
    assert fingerprint(changed) != export.fingerprint


def test_a_team_leader_may_print_the_personal_data_and_it_is_recorded(full_story, leader,
                                                                        tmp_path):
    out = tmp_path / "internal.pdf"
    export_incident(full_story.reference, out, leader, personal_data=True, now=at(12))
    text = squeezed(pdf_text(out))
    for personal in PERSONAL:
        assert personal in text, personal
    assert "Contains the caller's personal data" in text
    row = History.select().where(History.action == "exported").get()
    assert (row.user_id, row.at, row.new_value) == (
        leader.id, at(12), "Incident report PDF, with the caller's personal data")
    assert read_fingerprints(out)[0][2] is True


def test_an_advisor_may_not_print_the_personal_data(full_story, advisor, tmp_path):
    out = tmp_path / "internal.pdf"
    with pytest.raises(RolePermissionError):
        export_incident(full_story.reference, out, advisor, personal_data=True)
    assert not out.exists()
    assert not History.select().where(History.action == "exported").exists()


def test_an_evidence_export_is_recorded_and_listed_in_the_next_one(full_story, advisor,
                                                                    tmp_path):
    first = export_incident(full_story.reference, tmp_path / "1.pdf", advisor, now=at(12))
    second = export_incident(full_story.reference, tmp_path / "2.pdf", advisor, now=at(13))
    assert first.fingerprint == second.fingerprint  # exporting does not change the record
    text = squeezed(pdf_text(tmp_path / "2.pdf"))
    assert ("Earlier exports of this record" in text
            and "24/11/2026 12:00 Sam Advisor Incident report PDF, personal data masked"
            in text)


def test_verify_says_whether_the_record_still_matches(full_story, advisor, tmp_path):
    out = tmp_path / "report.pdf"
    export_incident(full_story.reference, out, advisor, now=at(12))
    [verdict] = verify_export(out)
    assert verdict.matches and "matches the database" in verdict.text()
    change_status(full_story.id, Status.REOPENED, advisor, "Billing failed again",
                  now=at(13))
    [verdict] = verify_export(out)
    assert not verdict.matches
    assert verdict.text().startswith("INC-2026-000001: has changed since it was exported")


@pytest.mark.parametrize("content", [b"", b"not a pdf at all", b"%PDF-1.4 broken"])
def test_verify_refuses_a_file_that_is_not_a_pdf(tmp_path, content):
    path = tmp_path / "x.pdf"
    path.write_bytes(content)
    with pytest.raises(ExportError, match=re.escape(str(path))):
        verify_export(path)


def test_verify_refuses_a_pdf_that_is_not_one_of_ours(tmp_path, db):
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "other.pdf"
    canvas = Canvas(str(path))
    canvas.drawString(100, 100, "Someone else's PDF")
    canvas.save()
    with pytest.raises(ExportError, match="is not an Incident Desk export"):
        verify_export(path)


def test_an_unknown_reference_is_named(db, advisor, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ExportError, match="There is no incident INC-2026-999999 in"):
        export_incident("INC-2026-999999", out / "x.pdf", advisor)
    assert list(out.iterdir()) == []


def test_an_unwritable_folder_leaves_nothing_and_records_nothing(full_story, advisor,
                                                                  tmp_path, monkeypatch):
    def refuse(path):
        raise PermissionError(13, "Permission denied", str(path))
    monkeypatch.setattr(files, "_new_part", refuse)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "report.pdf"
    with pytest.raises(IncidentReportError,
                       match=re.escape(f"Cannot write the incident report to {target}: "
                                       "Permission denied.")):
        export_incident(full_story.reference, target, advisor)
    assert list(out.iterdir()) == []
    assert not History.select().where(History.action == "exported").exists()


def test_a_long_description_splits_across_pages_without_losing_a_line(advisor, tmp_path):
    # 2,000 lines within the 10,000 characters a description may have
    lines = [f"{n:04d}" for n in range(1, 2001)]
    incident = create_incident(make_draft(received_at=RECEIVED,
                                          description="\n".join(lines)), advisor,
                               now=at(9, 5))
    out = tmp_path / "long.pdf"
    export_incident(incident.reference, out, advisor)
    found = re.findall(r"^\f?(\d{4})$", pdf_text(out), re.MULTILINE)  # \f: a new page
    assert found == lines
    assert len(PdfReader(out).pages) > 20


def test_an_edit_shows_in_the_audit_trail_masked(full_story, leader, tmp_path):
    draft = replace(make_draft(received_at=RECEIVED), caller_phone="0161 496 0999")
    update_incident(full_story.id, draft, leader,
                    expected_version=Incident.get_by_id(full_story.id).version, now=at(12))
    out = tmp_path / "report.pdf"
    export_incident(full_story.reference, out, leader, now=at(13))
    text = squeezed(pdf_text(out))
    assert "Phone / caller ID •••• ••• •123 •••• ••• •999" in text
    assert "0161 496 0999" not in text


def _png(width: int, height: int) -> bytes:
    """A small grey PNG, written by hand (no imaging library is needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    rows = b"".join(b"\0" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_the_organisation_logo_is_printed_in_the_header(full_story, leader, tmp_path):
    save_organisation("Northwind", _png(120, 40), leader)
    assert organisation().logo
    out = tmp_path / "report.pdf"
    export_incident(full_story.reference, out, leader)
    assert "Northwind" in pdf_text(out)
    listing = subprocess.run(["pdfimages", "-list", str(out)], check=True,
                             capture_output=True, text=True).stdout.splitlines()
    assert [line.split()[3:5] for line in listing[2:]] == [["120", "40"]]
