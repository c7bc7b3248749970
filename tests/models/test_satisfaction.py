"""Caller satisfaction: one score per resolved incident, its rules and refusals, an amendment
that keeps the old score in the incident's history, and two people amending at once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.models.audit import describe, incident_history
from app.models.entities import Satisfaction
from app.models.history_chain import verify_file
from app.models.incidents import change_status, create_incident
from app.models.lifecycle import Status
from app.models.permissions import Role, RolePermissionError
from app.models.satisfaction import (
    SCORE_LABELS,
    SatisfactionEntry,
    SatisfactionError,
    SatisfactionMethod,
    StaleSatisfactionError,
    record_satisfaction,
    satisfaction_of,
    score_text,
)
from app.models.timeline import incident_timeline
from app.models.users import ensure_user
from tests.conftest import NOW, make_draft

RESOLVED_AT = NOW - timedelta(hours=3)
GIVEN_AT = NOW - timedelta(hours=1)


@pytest.fixture
def resolved(advisor):
    # P5: closed without a post-incident review
    incident = create_incident(make_draft(impact="low", urgency="low"), advisor,
                               now=NOW - timedelta(days=3))
    change_status(incident.id, Status.RESOLVED, advisor, "Billing server restarted.",
                  now=RESOLVED_AT)
    return incident


def give(incident, by, score=4, comment="Quick and polite.", method="phone",
         given_at=GIVEN_AT, **kwargs):
    return record_satisfaction(incident.id, score, comment, method, given_at, by, now=NOW,
                               **kwargs)


def refusal(incident, by, **values) -> dict[str, str]:
    with pytest.raises(SatisfactionError) as refused:
        give(incident, by, **values)
    assert Satisfaction.select().count() == 0
    return refused.value.problems


def test_a_score_is_recorded_with_a_history_row(db, advisor, resolved):
    change = give(resolved, advisor)
    assert change.incident_id == resolved.id and change.fields == ("satisfaction",)
    shown = satisfaction_of(resolved.id)
    assert (shown.score, shown.comment, shown.method, shown.given_at) == (
        4, "Quick and polite.", SatisfactionMethod.PHONE, GIVEN_AT)
    assert (shown.recorded_at, shown.recorded_by) == (NOW, "Sam Advisor")
    assert shown.score_text == "4 of 5: Satisfied"
    last = incident_history(resolved.id)[-1]
    assert (last.action, last.field, last.user) == ("satisfaction", "satisfaction",
                                                    "Sam Advisor")
    assert describe(last) == ("Caller satisfaction", "",
                              "4 of 5: Satisfied (by phone, 24/11/2026 11:00). "
                              "Comment: Quick and polite.")


def test_the_timeline_shows_it(db, advisor, resolved):
    give(resolved, advisor, score=2, comment="", method="survey")
    entry = incident_timeline(resolved.id)[-1]
    assert (entry.title, entry.detail, entry.by) == (
        "Caller satisfaction", "2 of 5: Dissatisfied (by survey, 24/11/2026 11:00)",
        "Sam Advisor")


def test_every_score_has_its_words():
    assert [score_text(s) for s in (1, 3, 5)] == [
        "1 of 5: Very dissatisfied", "3 of 5: Neither satisfied nor dissatisfied",
        "5 of 5: Very satisfied"]
    assert len(SCORE_LABELS) == 5


def test_a_closed_incident_takes_a_score_too(db, advisor, resolved):
    change_status(resolved.id, Status.CLOSED, advisor, now=RESOLVED_AT + timedelta(minutes=5))
    give(resolved, advisor, score=5)
    assert satisfaction_of(resolved.id).score == 5


@pytest.mark.parametrize("status", [None, Status.IN_PROGRESS, Status.REOPENED])
def test_only_a_resolved_or_closed_incident_takes_a_score(db, advisor, resolved, status):
    if status is None:  # logged, never worked
        incident = create_incident(make_draft(), advisor, now=NOW - timedelta(days=1))
    else:
        incident = resolved
        if status == Status.IN_PROGRESS:
            incident = create_incident(make_draft(), advisor, now=NOW - timedelta(days=1))
        change_status(incident.id, status, advisor, "It came back.", now=NOW)
    problems = refusal(incident, advisor)
    assert set(problems) == {"incident"}
    assert "satisfaction is asked once the incident is resolved" in problems["incident"]


@pytest.mark.parametrize("score", [0, 6, -1, "4", 4.0, True, None])
def test_a_score_is_a_whole_number_from_1_to_5(db, advisor, resolved, score):
    assert refusal(resolved, advisor, score=score) == {
        "score": "Score: choose from 1 (very dissatisfied) to 5 (very satisfied)."}


@pytest.mark.parametrize(("values", "field", "words"), [
    ({"method": "carrier pigeon"}, "method", "choose phone, email, SMS or survey"),
    ({"method": ""}, "method", "choose"),
    ({"comment": "x" * 2001}, "comment", "at most 2,000 characters (this has 2,001)"),
    ({"comment": "fine\x00"}, "comment", "NUL"),
    ({"given_at": NOW + timedelta(hours=1)}, "given_at", "is in the future"),
    ({"given_at": RESOLVED_AT - timedelta(minutes=1)}, "given_at",
     "is before the incident was resolved (24/11/2026 09:00)"),
    ({"given_at": None}, "given_at", "required"),
])
def test_bad_input_is_refused_naming_the_field(db, advisor, resolved, values, field, words):
    problems = refusal(resolved, advisor, **values)
    assert set(problems) == {field}
    assert words in problems[field]


def test_a_comment_keeps_its_lines_and_loses_the_spaces_around_it(db, advisor, resolved):
    give(resolved, advisor, comment="  Good.\nWould call again.  ")
    assert satisfaction_of(resolved.id).comment == "Good.\nWould call again."


def test_an_assessor_cannot_record_a_score(db, resolved):
    assessor = ensure_user("ada.assessor", "Ada Assessor", Role.ASSESSOR)
    with pytest.raises(RolePermissionError, match="assessor"):
        give(resolved, assessor)
    assert satisfaction_of(resolved.id) is None


def test_a_second_score_is_refused_unless_it_amends_the_one_shown(db, advisor, colleague,
                                                                  resolved):
    give(resolved, advisor)
    with pytest.raises(StaleSatisfactionError) as refused:
        give(resolved, colleague, score=1)
    assert str(refused.value) == (f"Sam Advisor recorded a score for {resolved.reference} at "
                                  "24/11/2026 12:00 (4 of 5: Satisfied); open it again to "
                                  "change it.")
    assert satisfaction_of(resolved.id).score == 4


def test_an_amendment_replaces_the_score_and_history_keeps_the_old_one(db, advisor,
                                                                      colleague, resolved):
    give(resolved, advisor)
    shown = satisfaction_of(resolved.id)
    later = NOW + timedelta(days=1)
    record_satisfaction(resolved.id, 2, "The fix did not last.", "email",
                        NOW + timedelta(hours=20), colleague, amending=shown,
                        now=later)
    now_shown = satisfaction_of(resolved.id)
    assert (now_shown.score, now_shown.method, now_shown.recorded_by) == (
        2, SatisfactionMethod.EMAIL, "Alex Colleague")
    assert Satisfaction.select().count() == 1
    rows = [describe(h) for h in incident_history(resolved.id) if h.field == "satisfaction"]
    assert rows == [
        ("Caller satisfaction", "",
         "4 of 5: Satisfied (by phone, 24/11/2026 11:00). Comment: Quick and polite."),
        ("Caller satisfaction",
         "4 of 5: Satisfied (by phone, 24/11/2026 11:00). Comment: Quick and polite.",
         "2 of 5: Dissatisfied (by email, 25/11/2026 08:00). Comment: The fix did not last.")]


def test_two_amending_at_once_the_second_is_told(db, advisor, colleague, resolved):
    give(resolved, advisor)
    shown = satisfaction_of(resolved.id)  # both open the same score
    give(resolved, advisor, score=5, amending=shown)  # in the same second as the first
    with pytest.raises(StaleSatisfactionError, match="5 of 5: Very satisfied"):
        give(resolved, colleague, score=1, amending=shown)
    assert satisfaction_of(resolved.id).score == 5


def test_amending_a_score_that_is_not_there_is_refused(db, advisor, resolved):
    with pytest.raises(StaleSatisfactionError, match="no longer recorded"):
        give(resolved, advisor, amending=SatisfactionEntry(
            resolved.id, 4, "", SatisfactionMethod.PHONE, GIVEN_AT, NOW, "Sam Advisor"))
    assert satisfaction_of(resolved.id) is None


def test_scores_keep_the_history_chain_whole(db, db_path, advisor, resolved):
    give(resolved, advisor)
    give(resolved, advisor, score=1, amending=satisfaction_of(resolved.id))
    assert verify_file(db_path).ok
