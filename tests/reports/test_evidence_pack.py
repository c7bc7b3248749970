"""The assessor's evidence pack: cover, contents, a checklist per incident pointing at the
pages where the record shows each item, the records masked, every fingerprint kept."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from app.models.entities import History
from app.models.evidence import evidence_checklist
from app.models.incident_record import ExportError, incident_record
from app.models.incidents import create_incident
from app.reports.exporting import export_evidence_pack, read_fingerprints, verify_export
from app.reports.progress import Progress, ReportCancelled
from tests.conftest import make_draft
from tests.reports.conftest import at, pdf_text, squeezed


@pytest.fixture
def bare(advisor):
    """INC-2026-000002: logged and nothing else (no caller details but a name)."""
    return create_incident(make_draft(received_at=at(9, 30), caller_phone="",
                                      caller_email="", account_ref="",
                                      caller_name="Zoë Ørsted"), advisor, now=at(9, 35))


def page_of(reader: PdfReader, needle: str, after: int = 0) -> int:
    for number, page in enumerate(reader.pages, start=1):
        if number > after and needle in squeezed(page.extract_text()):
            return number
    raise AssertionError(f"{needle!r} is on no page")


def test_the_checklist_says_what_the_record_shows(full_story, bare):
    full = {i.key: i for i in evidence_checklist(incident_record(full_story).record)}
    assert {k: i.evidenced for k, i in full.items()} == {
        "logging": True, "prioritisation": True, "escalation": True, "updates": True,
        "resolution": True, "review": True, "support": True}
    assert full["escalation"].detail == "1 escalation: L2 team leader."
    assert full["updates"].detail == "2 updates, to: caller, manager."
    assert full["support"].detail == "1 handover and 1 support record."
    assert full["review"].detail == ("Completed by Tess Leader: root cause, lessons learned "
                                     "and 1 improvement action (1 still open).")
    empty = {i.key: i for i in evidence_checklist(incident_record(bare).record)}
    assert {k: i.evidenced for k, i in empty.items()} == {
        "logging": False, "prioritisation": True, "escalation": False, "updates": False,
        "resolution": False, "review": False, "support": False}
    assert empty["logging"].detail == (
        "Missing the caller's identification (phone, email or account).")
    assert empty["review"].detail == "No post-incident review is recorded."


def test_the_pack_has_a_cover_contents_and_each_incident_with_its_checklist(
        full_story, bare, advisor, tmp_path):
    out = tmp_path / "pack.pdf"
    exports = export_evidence_pack([full_story.reference, bare.reference.lower()], out,
                                   advisor, now=at(12))
    reader = PdfReader(out)
    cover = squeezed(reader.pages[0].extract_text())
    assert "Evidence pack" in cover and "2 incidents, received 24/11/2026." in cover
    for export in exports:
        assert export.fingerprint in cover
    contents = squeezed(reader.pages[1].extract_text())
    first = page_of(reader, "INC-2026-000001 — Billing system", after=2)
    second = page_of(reader, "INC-2026-000002 — Billing system", after=first)
    assert f"INC-2026-000001 Billing system not loading for the whole team 7 of 7 {first}" \
        in contents
    assert f"INC-2026-000002 Billing system not loading for the whole team 1 of 7 {second}" \
        in contents
    # each checklist row points at the page where its section is
    checklist = squeezed(reader.pages[first - 1].extract_text())
    escalations = page_of(reader, "Escalations", after=first)
    assert re.search(rf"Escalation Evidenced 1 escalation: L2 team leader\. {escalations}\b",
                     checklist)
    review = page_of(reader, "Five whys", after=first)
    assert re.search(r"Post-incident review with root cause and improvements Evidenced "
                     r"Completed by Tess Leader: root cause, lessons learned and 1 "
                     rf"improvement action \(1 still open\)\. {review}\b", checklist)
    assert ("Post-incident review with root cause and improvements Not evidenced No "
            "post-incident review is recorded. —") in squeezed(
                reader.pages[second - 1].extract_text())
    text = squeezed(pdf_text(out))
    assert "Caller Z. Ø." in text
    for personal in ("Olivia Taylor", "0161 496 0123", "olivia.taylor@example.org",
                     "Zoë Ørsted"):
        assert personal not in text


def test_each_incident_s_pages_carry_its_own_fingerprint(full_story, bare, advisor,
                                                        tmp_path):
    out = tmp_path / "pack.pdf"
    exports = export_evidence_pack([full_story.reference, bare.reference], out, advisor)
    reader = PdfReader(out)
    second = page_of(reader, "INC-2026-000002 — Billing system", after=3)
    for number, page in enumerate(reader.pages, start=1):
        text = squeezed(page.extract_text())
        if number <= 2:
            assert "Fingerprint (SHA-256)" not in text
        expected = exports[0] if 2 < number < second else exports[1]
        if number > 2:
            assert f"Fingerprint (SHA-256): {expected.fingerprint}" in text
    assert read_fingerprints(out) == [(e.reference, e.fingerprint, False) for e in exports]
    assert [v.matches for v in verify_export(out)] == [True, True]


def test_the_pack_is_recorded_in_each_audit_trail(full_story, bare, advisor, tmp_path):
    export_evidence_pack([full_story.reference, bare.reference], tmp_path / "pack.pdf",
                         advisor, now=at(12))
    rows = History.select().where(History.action == "exported").order_by(History.id)
    assert [(r.incident_id, r.new_value) for r in rows] == [
        (full_story.id, "Evidence pack PDF, personal data masked"),
        (bare.id, "Evidence pack PDF, personal data masked")]


def test_unknown_references_are_all_named_and_nothing_is_written(full_story, advisor,
                                                                  tmp_path):
    out = tmp_path / "pack.pdf"
    with pytest.raises(ExportError, match=re.escape(
            "There is no incident INC-2026-000404, INC-2026-000405 in this database.")):
        export_evidence_pack([full_story.reference, "INC-2026-000404", "inc-2026-000405"],
                             out, advisor)
    assert not out.exists()
    with pytest.raises(ExportError, match="Choose at least one incident"):
        export_evidence_pack([" ", ""], out, advisor)


def test_a_cancelled_pack_leaves_no_file_and_records_nothing(full_story, bare, advisor,
                                                              tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    steps = []

    def cancel_after_first(done, total):
        steps.append((done, total))

    progress = Progress(cancel_after_first, lambda: len(steps) >= 1)
    with pytest.raises(ReportCancelled):
        export_evidence_pack([full_story.reference, bare.reference], out / "pack.pdf",
                             advisor, progress=progress)
    assert list(out.iterdir()) == []
    assert not History.select().where(History.action == "exported").exists()
