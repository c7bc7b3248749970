"""The shift handover report as a PDF, read back with pdftotext and pdfinfo."""

from __future__ import annotations

import errno
import re
import subprocess
from datetime import timedelta

import pytest

from app.models.handover import (
    HandoverDraft,
    ItemDraft,
    accept,
    offer,
    query,
    shift_summary,
)
from app.models.incidents import create_incident
from app.models.organisation import Organisation
from app.models.support import SupportDraft, record_support
from app.models.vocabulary import HandoverMethod, SupportKind
from app.reports import files
from app.reports.shift_report import ShiftReportError, write_shift_pdf
from tests.conftest import NOW, make_draft

ORGANISATION = Organisation("Northfield Contact Centre", None)


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def pages_of(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


@pytest.fixture
def shift(advisor, colleague, leader):
    """A shift with two handovers (one accepted, one queried) and one support record."""
    received = NOW - timedelta(hours=3)
    incidents = [create_incident(make_draft(received_at=received, owner_id=advisor.id,
                                            summary=f"Problem <b>{n}</b> & more"),
                                 advisor, now=received + timedelta(minutes=1))
                 for n in range(3)]
    first = offer(HandoverDraft(colleague.id, HandoverMethod.FACE_TO_FACE, (
        ItemDraft(incidents[0].id, "Ring the caller at 4pm", risks="Caller may complain",
                  promised_to_caller="A call back today"),
        ItemDraft(incidents[1].id, "None"))), advisor, now=NOW)
    accept(first.handover_id, colleague, now=NOW + timedelta(minutes=5))
    second = offer(HandoverDraft(leader.id, HandoverMethod.CHAT, (
        ItemDraft(incidents[2].id, "Chase the supplier"),), shift_note="Quiet afternoon"),
        advisor, now=NOW + timedelta(minutes=10))
    query(second.handover_id, "Which supplier?", leader, now=NOW + timedelta(minutes=12))
    record_support(SupportDraft(advisor.id, SupportKind.SECOND_OPINION, HandoverMethod.PHONE,
                                "Agreed it is a P2", NOW + timedelta(minutes=20),
                                incident=incidents[0].reference), leader,
                   now=NOW + timedelta(minutes=21))
    return shift_summary(NOW - timedelta(hours=1), NOW + timedelta(hours=1)), incidents


def test_the_report_shows_each_handover_and_the_support_on_one_page(shift, tmp_path):
    summary, incidents = shift
    target = tmp_path / "shift.pdf"
    assert write_shift_pdf(summary, target, ORGANISATION, "Tess Leader",
                           NOW + timedelta(hours=2)) == target
    text = flat(pdf_text(target))
    assert pages_of(target) == 1
    for expected in (
            "Northfield Contact Centre", "Shift handover report",
            "Generated 24/11/2026 14:00 by Tess Leader",
            "Shift from 24/11/2026 11:00 to 24/11/2026 13:00",
            "2 handovers of 3 incidents: 1 accepted, 1 queried; 1 support record.",
            "Sam Advisor → Alex Colleague", "Face to face", incidents[0].reference,
            "Problem <b>0</b> &",  # typed text printed as typed
            "Outstanding: Ring the caller at 4pm", "Risks: Caller may complain",
            "Promised: A call back today", "Accepted 24/11/2026 12:05 by Alex Colleague",
            "Queried 24/11/2026 12:12 by Tess Leader", "Query: Which supplier?",
            "Shift note: Quiet afternoon", "Support given", "Second opinion",
            "Tess Leader → Sam Advisor", "Agreed it is a P2", "Page 1 of 1"):
        assert expected in text, expected


def test_an_empty_shift_says_so(db, tmp_path):
    target = tmp_path / "empty.pdf"
    write_shift_pdf(shift_summary(NOW, NOW + timedelta(hours=8)), target, ORGANISATION,
                    "Tess Leader", NOW)
    assert "No handover and no support recorded in this shift." in flat(pdf_text(target))


def test_a_missing_folder_is_named_and_nothing_is_written(db, tmp_path):
    target = tmp_path / "nowhere" / "shift.pdf"
    with pytest.raises(ShiftReportError, match=re.escape(
            f"Cannot write the shift handover report to {target}")):
        write_shift_pdf(shift_summary(NOW, NOW), target, ORGANISATION, "Tess Leader", NOW)
    assert not target.parent.exists()


def test_a_failure_keeps_the_earlier_file_and_leaves_no_part(db, tmp_path, monkeypatch):
    target = tmp_path / "shift.pdf"
    target.write_bytes(b"yesterday's report")

    def disk_full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(files.os, "replace", disk_full)
    with pytest.raises(ShiftReportError, match="No space left on device"):
        write_shift_pdf(shift_summary(NOW, NOW), target, ORGANISATION, "Tess Leader", NOW)
    assert target.read_bytes() == b"yesterday's report"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".shift")] == []
