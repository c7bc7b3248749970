"""The escalation matrix as data, which escalation is due when, and escalating."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.models.audit import describe, incident_history
from app.models.entities import ConfigChange, Escalation, EscalationRule, Incident
from app.models.escalating import EscalationError, EscalationRequest, escalate
from app.models.escalation import escalation_state
from app.models.escalation_matrix import (
    Contact,
    EscalationMatrixError,
    Rule,
    Target,
    escalation_matrix_problems,
    load_escalation_matrix,
    save_escalation_matrix,
)
from app.models.incident_log import IncidentLog, LogFilter
from app.models.incidents import change_status, create_incident
from app.models.lifecycle import Status
from app.models.permissions import RolePermissionError
from app.models.vocabulary import ContactMethod
from tests.conftest import category, make_draft

TUESDAY_9 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # 09:00 in London, service open


def log(advisor, **overrides):
    """A P2 incident (8 business hours to resolve) received Tuesday 09:00 unless told."""
    values = dict(received_at=TUESDAY_9)
    values.update(overrides)
    return create_incident(make_draft(**values), advisor, now=values["received_at"]
                           + timedelta(minutes=5))


def at(hour: int, minute: int = 0, day: int = 24) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def with_contacts(matrix, code, *contacts):
    targets = tuple(replace(t, contacts=contacts) if t.code == code else t
                    for t in matrix.targets)
    return replace(matrix, targets=targets)


# --- the default matrix ---------------------------------------------------------------------
def test_the_default_matrix_is_the_domain_brief(db):
    matrix = load_escalation_matrix()
    assert [t.name for t in matrix.levels()] == [
        "L1 advisor", "L2 team leader", "L3 contact-centre manager", "L4 head of operations"]
    assert [t.code for t in matrix.teams()] == ["IT", "TEL", "FAC", "DPO", "CMP"]
    assert escalation_matrix_problems(matrix) == []
    plain = [(r.target, r.share) for r in matrix.rules_for(3)]
    assert plain == [("L2", 50), ("L3", 75), ("L4", 100)]
    major = [(r.target, r.share) for r in matrix.rules_for(1)]
    assert major == [("L3", None), ("L4", None), ("L2", 50)]
    breach = [(r.target, r.share) for r in matrix.rules_for(4, breach=True)]
    assert breach[0] == ("DPO", None)


# --- which escalation is due when -----------------------------------------------------------
def test_hierarchical_steps_fall_due_at_shares_of_the_resolution_target(advisor):
    incident = log(advisor)
    state = escalation_state(incident, at(13, 30))
    assert [(s.target.code, s.due_at) for s in state.steps] == [
        ("L2", at(13)), ("L3", at(15)), ("L4", at(17))]
    assert [s.target.code for s in state.overdue] == ["L2"]
    assert state.current.target.code == "L2"
    assert state.next.target.code == "L3"
    assert "in 1h 30m" in state.next_text()
    assert incident.escalation_due_at == at(13)


def test_time_on_hold_moves_the_escalations_on(advisor):
    incident = log(advisor)
    change_status(incident.id, Status.ON_HOLD_CUSTOMER, advisor, "Asked for the router's "
                  "serial number", now=at(10))
    on_hold = Incident.get_by_id(incident.id)
    state = escalation_state(on_hold, at(16))
    assert state.overdue == [] and state.next is None  # the clock is stopped
    assert on_hold.escalation_due_at is None
    change_status(incident.id, Status.IN_PROGRESS, advisor, now=at(12))
    resumed = Incident.get_by_id(incident.id)
    assert [s.due_at for s in escalation_state(resumed, at(12)).steps] == [
        at(15), at(17), at(9, day=25)]  # 2h later: L4 runs past 18:00 into Wednesday 08:00
    assert resumed.escalation_due_at == at(15)


def test_a_p1_calls_for_the_major_incident_levels_at_once(advisor):
    incident = log(advisor, impact="high", urgency="high")
    state = escalation_state(incident, at(9, 6))
    assert [(s.target.code, s.due_at) for s in state.overdue] == [
        ("L3", TUESDAY_9), ("L4", TUESDAY_9)]
    assert state.next.target.code == "L2" and state.next.due_at == at(11)  # 24x7, 4h


def test_a_personal_data_breach_calls_the_dpo_at_once(advisor):
    incident = log(advisor, category_id=category("Security or data breach").id,
                   subcategory_id=category("Personal data breach").id)
    state = escalation_state(incident, at(9, 10))
    assert [s.target.code for s in state.overdue] == ["DPO"]


def test_escalating_to_a_higher_level_answers_the_lower_ones(advisor):
    incident = log(advisor, impact="high", urgency="high")
    escalate(incident.id, EscalationRequest(
        "hierarchical", "L4", "phone", "Whole region without service", "Restarted the "
        "switch; the provider's status page shows nothing", at(9, 20)), advisor,
        now=at(9, 25))
    incident = Incident.get_by_id(incident.id)
    assert incident.escalation_level == 4
    state = escalation_state(incident, at(12))
    assert state.overdue == [] and state.next is None
    assert incident.escalation_due_at is None
    assert IncidentLog(LogFilter(escalation_overdue=True), now=at(12)).count() == 0


def test_an_escalation_is_recorded_with_its_context(advisor):
    incident = log(advisor)
    change = escalate(incident.id, EscalationRequest(
        "hierarchical", "L2", "in_person", "Caller threatens to cancel", "Reset the account "
        "twice", at(13, 5)), advisor, now=at(13, 10))
    assert change.fields == ("escalation", "escalation_level")
    made = Escalation.get(Escalation.incident == incident.id)
    assert (made.target_name, made.level, made.method, made.at) == (
        "L2 team leader", 2, "in_person", at(13, 5))
    rows = [describe(h) for h in incident_history(incident.id)]
    assert ("Escalation level", "L1 advisor", "L2 team leader") in rows
    escalated = [to for what, _, to in rows if what == "Escalated"]
    assert escalated and "Why: Caller threatens to cancel" in escalated[0]
    assert "Tried: Reset the account twice" in escalated[0]
    assert Incident.get_by_id(incident.id).escalation_due_at == at(15)  # L3 next


def test_the_log_flags_incidents_whose_escalation_is_overdue(advisor):
    late = log(advisor)
    log(advisor, received_at=at(12))  # its L2 falls due at 16:00
    overdue = IncidentLog(LogFilter(escalation_overdue=True), now=at(14))
    assert [row.id for row in overdue.rows(0, 10)] == [late.id]
    rows = {row.id: row for row in IncidentLog(now=at(14)).rows(0, 10)}
    assert rows[late.id].escalation_overdue(at(14))
    change_status(late.id, Status.RESOLVED, advisor, "Fixed", now=at(14))
    assert IncidentLog(LogFilter(escalation_overdue=True), now=at(14)).count() == 0


@pytest.mark.parametrize(("request_changes", "field", "words"), [
    (dict(target="L1"), "target", "already at L1 advisor"),
    (dict(target="IT"), "target", "is a team"),
    (dict(kind="functional", target="L3"), "target", "is a level"),
    (dict(target="NOPE"), "target", "Choose a level"),
    (dict(reason="  "), "reason", "why it is escalated"),
    (dict(tried=""), "tried", "what was already tried"),
    (dict(at=at(15)), "at", "in the future"),
    (dict(at=at(8)), "at", "before the incident was received"),
    (dict(method="pigeon"), "method", "Choose how"),
    (dict(contact="Nobody Known"), "contact", "not a contact of L2 team leader"),
])
def test_a_bad_escalation_says_what_is_wrong_and_writes_nothing(advisor, request_changes,
                                                               field, words):
    incident = log(advisor)
    request = replace(EscalationRequest("hierarchical", "L2", "phone", "Needs authority",
                                        "Everything in the script", at(13)), **request_changes)
    with pytest.raises(EscalationError) as raised:
        escalate(incident.id, request, advisor, now=at(13, 10))
    assert words in raised.value.problems[field]
    assert Escalation.select().count() == 0
    assert Incident.get_by_id(incident.id).version == incident.version


def test_a_closed_incident_is_reopened_before_it_is_escalated(advisor):
    incident = log(advisor)
    change_status(incident.id, Status.RESOLVED, advisor, "Fixed", now=at(10))
    with pytest.raises(EscalationError) as raised:
        escalate(incident.id, EscalationRequest("hierarchical", "L2", "phone", "x", "y",
                                                at(10, 30)), advisor, now=at(11))
    assert "reopen it" in raised.value.problems["incident"]


def test_a_contact_without_a_phone_cannot_be_phoned(leader, advisor):
    matrix = with_contacts(load_escalation_matrix(), "L2",
                           Contact("Anne Smith", "Duty team leader", email="anne@example.org"))
    save_escalation_matrix(matrix, leader)
    incident = log(advisor)
    request = EscalationRequest("hierarchical", "L2", "phone", "Needs authority", "Script",
                                at(13), contact="Anne Smith")
    with pytest.raises(EscalationError) as raised:
        escalate(incident.id, request, advisor, now=at(13, 10))
    assert "Anne Smith has no phone number" in raised.value.problems["method"]
    escalate(incident.id, replace(request, method="email"), advisor, now=at(13, 10))
    assert Escalation.get().contact_detail == "anne@example.org"


# --- editing the matrix ---------------------------------------------------------------------
def test_a_team_leader_edits_the_matrix_and_the_change_is_recorded(leader):
    matrix = with_contacts(load_escalation_matrix(), "L3",
                           Contact("Priya Shah", "Centre manager", "0161 496 0100",
                                   "priya@example.org", "Mon–Fri 08:00–18:00"))
    matrix = replace(matrix, rules=(*matrix.rules, Rule(
        "TEL", ContactMethod.PHONE, None, category_id=category("Telephony outage").id)))
    changes = save_escalation_matrix(matrix, leader)
    assert any("contact added: Priya Shah" in c for c in changes)
    assert any("Telephony outage: Telephony provider, at once by phone" in c for c in changes)
    again = load_escalation_matrix()
    assert again.target("L3").contacts[0].hours == "Mon–Fri 08:00–18:00"
    telephony = again.rules_for(3, (category("Telephony outage").id,))
    assert telephony[0].target == "TEL"  # at once comes first
    logged = [c.summary for c in ConfigChange.select().where(ConfigChange.area == "escalation")]
    assert logged == changes


def test_an_advisor_cannot_edit_the_matrix(advisor):
    with pytest.raises(RolePermissionError):
        save_escalation_matrix(load_escalation_matrix(), advisor)


def bad(matrix, leader) -> list[str]:
    before = EscalationRule.select().count()
    with pytest.raises(EscalationMatrixError) as raised:
        save_escalation_matrix(matrix, leader)
    assert EscalationRule.select().count() == before  # nothing half-saved
    return raised.value.problems


def test_a_rule_to_a_missing_level_is_refused(leader):
    matrix = load_escalation_matrix()
    matrix = replace(matrix, targets=tuple(t for t in matrix.targets if t.code != "L4"))
    problems = bad(matrix, leader)
    assert any("escalates to 'L4', which is not a level or team" in p for p in problems)


def test_a_rule_naming_someone_who_is_not_a_contact_is_refused(leader):
    matrix = load_escalation_matrix()
    matrix = replace(matrix, rules=(replace(matrix.rules[0], contact="Ghost"),
                                    *matrix.rules[1:]))
    problems = bad(matrix, leader)
    assert problems == ["Rule 1 (Any incident, 50%) names Ghost, who is not a contact of "
                        "L2 team leader."]


def test_a_contact_with_neither_phone_nor_email_is_refused(leader):
    matrix = with_contacts(load_escalation_matrix(), "DPO", Contact("Dana Kowalski", "DPO"))
    problems = bad(matrix, leader)
    assert problems == ["Information security / data protection officer: contact 'Dana "
                        "Kowalski' has neither a phone number nor an email address: give at "
                        "least one."]


def test_overlapping_rules_with_different_outcomes_are_refused(leader):
    matrix = load_escalation_matrix()
    clash = Rule("L3", ContactMethod.EMAIL, 60)  # any incident, like rule 2, at 60%
    problems = bad(replace(matrix, rules=(*matrix.rules, clash)), leader)
    assert len(problems) == 1
    assert problems[0].startswith("Rule 2 (Any incident, 75%) and Rule 7 (Any incident, 60%)"
                                  " can both apply to one incident and escalate to L3 "
                                  "contact-centre manager differently")
    # a more specific rule is no clash: it overrides the general one
    specific = Rule("L3", ContactMethod.EMAIL, 60, priority=2)
    assert escalation_matrix_problems(replace(matrix, rules=(*matrix.rules, specific))) == []
    # the same rule twice
    problems = bad(replace(matrix, rules=(*matrix.rules, matrix.rules[0])), leader)
    assert problems == ["Rules 1 and 7 are the same: remove one."]


def test_a_category_rule_and_a_priority_rule_for_one_target_clash(leader):
    matrix = load_escalation_matrix()
    telephony = category("Telephony outage").id
    rules = (*matrix.rules, Rule("TEL", ContactMethod.PHONE, None, category_id=telephony),
             Rule("TEL", ContactMethod.EMAIL, 50, priority=2))
    problems = bad(replace(matrix, rules=rules), leader)
    assert "Rule 7 (Telephony outage, at once) and Rule 8 (P2, 50%)" in problems[0]


def test_bad_codes_names_and_ranks_are_each_named(leader):
    matrix = load_escalation_matrix()
    targets = (*matrix.targets, Target("l 5", "level", "", 2),
               Target("IT", "team", "IT service desk"))
    problems = bad(replace(matrix, targets=targets), leader)
    assert any("the code must be 1 to 12 capital letters" in p for p in problems)
    assert "Two levels have rank 2." in problems
    assert "Two levels or teams have the code IT." in problems


def test_a_matrix_change_applies_to_open_incidents_at_once(leader, advisor):
    incident = log(advisor)  # P2 from 09:00: L2 at 13:00 by the default rules
    done = log(advisor)
    change_status(done.id, Status.RESOLVED, advisor, "Fixed", now=at(9, 30))
    matrix = load_escalation_matrix()
    sooner = Rule("L2", ContactMethod.PHONE, 25, priority=2)  # overrides the 50% for P2
    save_escalation_matrix(replace(matrix, rules=(*matrix.rules, sooner)), leader)
    assert Incident.get_by_id(incident.id).escalation_due_at == at(11)
    assert Incident.get_by_id(done.id).escalation_due_at is None
