"""An incident with a full story for the report tests: logged, prioritised, escalated,
updates given, handed over, supported, resolved, reviewed and closed."""

from __future__ import annotations

import errno
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.models.communications import CommunicationDraft, record_communication
from app.models.entities import Incident
from app.models.escalating import EscalationRequest, escalate
from app.models.handover import HandoverDraft, ItemDraft, accept, offer
from app.models.incidents import change_status, create_incident
from app.models.lifecycle import Status
from app.models.support import SupportDraft, record_support
from app.reports import files
from tests.conftest import make_draft
from tests.review_steps import complete_a_review


def at(hour: int, minute: int = 0, day: int = 24) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


RECEIVED = at(9)


@pytest.fixture
def full_story(advisor, colleague, leader):
    """INC-2026-000001, by Sam Advisor: Olivia Taylor (0161 496 0123,
    olivia.taylor@example.org) cannot bill; escalated to L2, two updates, handed to Alex
    Colleague, who was supported by Tess Leader; resolved, reviewed by Tess Leader (one
    improvement action, owned by Alex Colleague, due 08/12/2026) and closed."""
    incident = create_incident(make_draft(
        received_at=RECEIVED, owner_id=advisor.id,
        description="Olivia Taylor says the billing system fails for everyone. Call her "
                    "back on 0161 496 0123 or her mobile 07700 900456; she is at M1 1AE."),
        advisor, now=at(9, 5))
    change_status(incident.id, Status.IN_PROGRESS, advisor, "Checking the billing server",
                  now=at(9, 20))
    escalate(incident.id, EscalationRequest(
        "hierarchical", "L2", "in_person", "Needs a server restart approved",
        "Cleared the cache; Olivia Taylor tried another browser", at(9, 40)),
        advisor, now=at(9, 41))
    record_communication(incident.id, CommunicationDraft(
        audience="caller", channel="email", at=at(9, 50),
        recipient="olivia.taylor@example.org", subject="Your billing problem",
        message="Dear Olivia Taylor, we are on it."), advisor, now=at(9, 51))
    record_communication(incident.id, CommunicationDraft(
        audience="manager", channel="phone", at=at(10, 0), recipient="Finance manager",
        message="Billing down for the Manchester team; restart approved."),
        advisor, now=at(10, 1))
    handover = offer(HandoverDraft(colleague.id, "face_to_face", (ItemDraft(
        incident.id, outstanding_actions="Confirm the restart worked",
        risks="Month-end billing run tonight",
        promised_to_caller="A call back by 11:00"),)), advisor, now=at(10, 10))
    accept(handover.handover_id, colleague, now=at(10, 15))
    record_support(SupportDraft(colleague.id, "second_opinion", "phone",
                                "Agreed the restart was safe", at(10, 20),
                                incident=incident.reference), leader, now=at(10, 21))
    change_status(incident.id, Status.RESOLVED, colleague,
                  "Server restarted; Olivia Taylor confirmed billing works", now=at(10, 40))
    complete_a_review(incident.id, leader, now=at(10, 50), owner=colleague)
    change_status(incident.id, Status.CLOSED, colleague, "", now=at(11, 0))
    return Incident.get_by_id(incident.id)  # as stored now


@pytest.fixture
def read_only(tmp_path, monkeypatch):
    """A folder nobody may write in; as root, which may, the system's refusal is played."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    if os.access(folder, os.W_OK):
        def refuse(*args, **kwargs):
            raise PermissionError(errno.EACCES, "Permission denied", str(folder))
        monkeypatch.setattr(files, "_new_part", refuse)
    yield folder
    folder.chmod(0o755)


def pdf_text(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def squeezed(text: str) -> str:
    """The text with its runs of white space as single spaces (lines rewrapped)."""
    return " ".join(text.split())
