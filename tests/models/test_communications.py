"""The stakeholder communications log, its templates, the breach clock it stops, and the
incident's timeline."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.models.communications import (
    CommunicationDraft,
    CommunicationError,
    Delivery,
    fill_template,
    mark_reply_received,
    record_communication,
)
from app.models.entities import Communication, History
from app.models.escalating import EscalationRequest, escalate
from app.models.escalation import regulator_clock_text, regulator_deadline, regulator_reported_at
from app.models.incidents import change_status, create_incident, update_incident
from app.models.lifecycle import Status
from app.models.permissions import Role
from app.models.personal_data import ERASED, erase_subject
from app.models.timeline import Kind, incident_timeline
from app.models.users import ensure_user
from tests.conftest import category, make_draft

RECEIVED = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def at(hour: int, minute: int = 0, day: int = 24) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def incident(advisor):
    return create_incident(make_draft(received_at=RECEIVED), advisor, now=at(9, 5))


def update(**changes) -> CommunicationDraft:
    values = dict(audience="caller", channel="phone", at=at(10),
                  message="Told Olivia the billing team is on it; next update by noon.")
    values.update(changes)
    return CommunicationDraft(**values)


def test_an_update_is_recorded_with_its_history_row(incident, advisor):
    record_communication(incident.id, update(reply_awaited=True, recipient="Olivia Taylor"),
                         advisor, now=at(10, 2))
    c = Communication.get()
    assert (c.audience, c.channel, c.at, c.user_id, c.delivery) == (
        "caller", "phone", at(10), advisor.id, "recorded")
    row = History.select().where(History.action == "communicated").get()
    assert row.new_value.startswith("To Caller (Olivia Taylor) by phone: Told Olivia")
    assert row.new_value.endswith("Reply awaited.")
    assert c.reply_received_at is None
    mark_reply_received(c.id, advisor, now=at(11))
    assert Communication.get_by_id(c.id).reply_received_at == at(11)
    with pytest.raises(CommunicationError):
        mark_reply_received(c.id, advisor, now=at(11, 5))


@pytest.mark.parametrize(("changes", "sending", "field", "words"), [
    (dict(message="   "), False, "message", "Write what was said"),
    (dict(message="x" * 10_001), False, "message", "At most 10,000"),
    (dict(message="bell \x07"), False, "message", "control character"),
    (dict(audience="everyone"), False, "audience", "Choose who"),
    (dict(channel="telepathy"), False, "channel", "Choose how"),
    (dict(at=at(18)), False, "at", "in the future"),
    (dict(at=at(8)), False, "at", "before the incident was received"),
    (dict(channel="email", recipient="not an address", subject="x"), True, "recipient",
     "is not an email address"),
    (dict(channel="email", recipient="olivia@example.org"), True, "subject", "needs a subject"),
    (dict(channel="phone", recipient="olivia@example.org", subject="x"), True, "channel",
     "Only an update by email"),
])
def test_a_bad_update_says_which_field_and_writes_nothing(incident, advisor, changes, sending,
                                                         field, words):
    delivery = Delivery.SENT if sending else Delivery.RECORDED
    with pytest.raises(CommunicationError) as raised:
        record_communication(incident.id, update(**changes), advisor, delivery,
                             now=at(10, 5))
    assert words in raised.value.problems[field]
    assert Communication.select().count() == 0
    assert not History.select().where(History.action == "communicated").exists()


def test_a_failed_send_is_logged_as_failed_with_the_message_kept(incident, advisor):
    draft = update(channel="email", recipient="olivia@example.org", subject="Update")
    record_communication(incident.id, draft, advisor, Delivery.FAILED,
                         "The mail server did not answer within 15 s.", now=at(10, 1))
    c = Communication.get()
    assert c.delivery == "failed" and c.message == draft.message
    [entry] = [e for e in incident_timeline(incident.id) if e.kind == Kind.COMMUNICATION]
    assert entry.alert and "NOT SENT" in entry.title
    assert "did not answer within 15 s" in entry.detail


def test_templates_are_filled_from_the_incident(incident, advisor):
    subject, message = fill_template("acknowledgement", incident, advisor, "Northwind Energy")
    assert subject == f"{incident.reference}: we have your report"
    assert message.startswith("Dear Olivia,")
    assert "P2 High" in message and "24/11/2026 17:00" in message  # 8 business hours
    assert message.endswith("Sam Advisor\nNorthwind Energy")
    change_status(incident.id, Status.RESOLVED, advisor, "Cache cleared on the server",
                  now=at(12))
    resolved = type(incident).get_by_id(incident.id)
    _, message = fill_template("resolution", resolved, advisor)
    assert "has been resolved: Cache cleared on the server" in message


def test_reporting_a_breach_to_the_regulator_stops_its_clock(advisor):
    breach = create_incident(make_draft(
        received_at=RECEIVED, category_id=category("Security or data breach").id,
        subcategory_id=category("Personal data breach").id), advisor, now=at(9, 5))
    deadline = regulator_deadline(breach)
    assert deadline == RECEIVED + timedelta(hours=72)
    assert regulator_reported_at(breach.id) is None
    failed = update(audience="regulator", channel="email", recipient="casework@ico.org.uk",
                    subject="Breach report", at=at(11))
    record_communication(breach.id, failed, advisor, Delivery.FAILED, "refused",
                         now=at(11))
    assert regulator_reported_at(breach.id) is None  # a failed send reports nothing
    record_communication(breach.id, replace(failed, channel="phone"), advisor, now=at(11, 30))
    assert regulator_reported_at(breach.id) == at(11)
    assert regulator_clock_text(deadline, at(12), reported_at=at(11)) == (
        "Reported 24/11/2026 11:00, within the 72 hours")


def test_the_timeline_tells_the_story_in_order(incident, advisor):
    leader = ensure_user("tina.leader", "Tina Leader", role=Role.TEAM_LEADER)
    change_status(incident.id, Status.IN_PROGRESS, advisor, "Checking the billing server",
                  now=at(9, 20))
    record_communication(incident.id, update(at=at(9, 30)), advisor, now=at(9, 31))
    escalate(incident.id, EscalationRequest("hierarchical", "L2", "in_person",
                                            "Needs a server restart approved",
                                            "Cleared the cache", at(13, 10)),
             advisor, now=at(13, 12))
    draft = replace(make_draft(received_at=RECEIVED), location="Leeds, second floor")
    update_incident(incident.id, draft, leader, expected_version=3, now=at(14))
    change_status(incident.id, Status.RESOLVED, advisor, "Server restarted", now=at(15))
    entries = incident_timeline(incident.id)
    assert [(e.kind, e.at) for e in entries] == [
        (Kind.RECEIVED, RECEIVED), (Kind.LOGGED, at(9, 5)), (Kind.STATUS, at(9, 20)),
        (Kind.COMMUNICATION, at(9, 30)), (Kind.ESCALATION, at(13, 10)), (Kind.EDIT, at(14)),
        (Kind.STATUS, at(15))]
    assert entries[2].detail == "Checking the billing server"
    assert entries[4].title == "Escalated to L2 team leader"
    assert "Tried: Cleared the cache" in entries[4].detail
    assert (entries[5].detail, entries[5].by) == ("Location", "Tina Leader")
    assert entries[6].title == "Status: Resolved"


def test_the_timeline_shows_prioritisation_with_its_rationale(advisor):
    incident = create_incident(make_draft(
        received_at=RECEIVED, priority_rationale="Whole team cannot bill: high urgency"),
        advisor, now=at(9, 5))
    entries = incident_timeline(incident.id)
    prioritised = [e for e in entries if e.kind == Kind.PRIORITISED]
    assert prioritised and prioritised[0].detail == "Whole team cannot bill: high urgency"


def test_erasing_a_person_erases_them_from_updates_and_escalations(incident, advisor):
    leader = ensure_user("tina.leader", "Tina Leader", role=Role.TEAM_LEADER)
    record_communication(incident.id, update(
        channel="email", recipient="olivia.taylor@example.org", subject="Update",
        message="Dear Olivia Taylor, we call you on 0161 496 0123."), advisor,
        Delivery.SENT, "<id@example.org>", now=at(10, 1))
    escalate(incident.id, EscalationRequest(
        "hierarchical", "L2", "phone", "Olivia Taylor is very upset", "Called back",
        at(13, 10)), advisor, now=at(13, 12))
    erase_subject("0161 496 0123", "", "Request by letter of 20/11/2026", leader,
                  now=at(16))
    c = Communication.get()
    assert "Olivia Taylor" not in c.message and "496 0123" not in c.message
    assert ERASED in c.message and c.recipient == ""
    for e in incident_timeline(incident.id):
        assert "Olivia Taylor" not in e.detail + e.title, e
