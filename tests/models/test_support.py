"""Support records: "I helped a colleague", checked, kept, written to the incident's history
and shown in its timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.models.audit import describe, incident_history
from app.models.entities import History, SupportRecord
from app.models.incidents import create_incident
from app.models.support import (
    SupportDraft,
    SupportError,
    record_support,
    support_between,
    support_for_incident,
    support_given_by,
)
from app.models.timeline import Kind, incident_timeline
from app.models.vocabulary import HandoverMethod, SupportKind
from tests.conftest import NOW, make_draft


@pytest.fixture
def incident(advisor):
    return create_incident(make_draft(received_at=NOW - timedelta(hours=1),
                                      owner_id=advisor.id), advisor, now=NOW)


def test_support_on_an_incident_is_kept_and_shown_in_its_timeline(leader, advisor, incident):
    at = NOW + timedelta(minutes=5)
    record_support(SupportDraft(advisor.id, SupportKind.WELLBEING_CHECK,
                                HandoverMethod.FACE_TO_FACE, " Took a break, back on calls ",
                                at, incident=incident.reference.lower(),
                                notes="Caller was abusive"), leader,
                   now=at + timedelta(minutes=1))
    [entry] = support_for_incident(incident.id)
    assert (entry.supporter, entry.supported, entry.kind, entry.method, entry.outcome,
            entry.notes, entry.reference) == (
        "Tess Leader", "Sam Advisor", "Wellbeing check after a difficult call", "Face to face",
        "Took a break, back on calls", "Caller was abusive", incident.reference)
    assert entry.at == at
    what, _, text = describe(incident_history(incident.id)[-1])
    assert what == "Support given"
    assert text.startswith("Wellbeing check after a difficult call for Sam Advisor "
                           "(face to face). Outcome: Took a break")
    [shown] = [e for e in incident_timeline(incident.id) if e.kind == Kind.SUPPORT]
    assert shown.title == ("Support given to Sam Advisor: wellbeing check after a difficult "
                           "call")
    assert shown.by == "Tess Leader" and shown.at == at
    assert "Notes: Caller was abusive" in shown.detail
    assert [e.kind for e in incident_timeline(incident.id)].count(Kind.SUPPORT) == 1
    assert support_given_by(leader) == [entry]
    assert support_between(at, at + timedelta(seconds=1)) == [entry]
    assert support_between(at + timedelta(seconds=1), at + timedelta(hours=1)) == []


def test_support_about_no_incident(leader, advisor):
    record_support(SupportDraft(advisor.id, SupportKind.GUIDANCE, HandoverMethod.CHAT,
                                "Showed how to log a complaint", NOW), leader, now=NOW)
    [entry] = support_given_by(leader)
    assert entry.incident_id is None and entry.reference == ""
    assert History.select().count() == 0


def test_bad_support_records_name_each_field_and_keep_nothing(leader, advisor, incident):
    cases = [
        (dict(supported_id=None), "supported", "Choose the colleague you helped."),
        (dict(supported_id=leader.id), "supported",
         "Choose the colleague you helped, not yourself."),
        (dict(supported_id=999), "supported", "That colleague is not known here"),
        (dict(kind="hug"), "kind", "Choose what kind of support you gave."),
        (dict(method="pigeon"), "method", "Choose how"),
        (dict(outcome="  "), "outcome", "Say what came of it"),
        (dict(notes="a\x07b"), "notes", "The notes contains a control character"),
        (dict(incident="INC-2026-999999"), "incident", "There is no incident INC-2026-999999."),
        (dict(incident="yesterday's"), "incident", "is not an incident reference"),
        (dict(incident=None, at=NOW - timedelta(hours=2)), "at",
         "is before the incident was received"),
        (dict(at=NOW + timedelta(hours=1)), "at", "is in the future"),
    ]
    for overrides, field, message in cases:
        values = dict(supported_id=advisor.id, kind=SupportKind.SECOND_OPINION,
                      method=HandoverMethod.PHONE, outcome="Agreed the priority", at=NOW,
                      incident="")
        if overrides.get("incident", "") is None:
            overrides = dict(overrides, incident=incident.reference)
        values.update(overrides)
        with pytest.raises(SupportError) as raised:
            record_support(SupportDraft(**values), leader, now=NOW)
        assert message in raised.value.problems[field], (overrides, raised.value.problems)
    assert SupportRecord.select().count() == 0
