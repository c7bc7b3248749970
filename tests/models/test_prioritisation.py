"""Guided prioritisation: answers to levels, the matrix, the rationale, overrides, storage."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.models.audit import describe, incident_history
from app.models.entities import Category, Incident
from app.models.escalation import escalation_plan
from app.models.incidents import create_incident, draft_from_incident, update_incident
from app.models.prioritisation import (
    DEADLINE_ANSWERS,
    HARM_ANSWERS,
    SCOPE_ANSWERS,
    TREND_ANSWERS,
    WORKAROUND_ANSWERS,
    Answers,
    Deadline,
    Harm,
    PrioritisationError,
    Scope,
    Trend,
    Workaround,
    answers_from_json,
    apply_outcome,
    assess_impact,
    assess_urgency,
    prioritise,
)
from app.models.service_levels import load_matrix, save_matrix
from app.models.validation import ValidationError
from app.models.vocabulary import Level
from tests.conftest import NOW, make_draft

BILLING = Answers(scope=Scope.MANY, service="billing line", trend=Trend.STEADY,
                  workaround=Workaround.PARTIAL,
                  workaround_text="calls can be taken manually", deadline=Deadline.NONE)


def test_the_billing_line_example_gives_p2_with_its_reasons(db):
    outcome = prioritise(BILLING)
    assert (outcome.impact.level, outcome.urgency.level) == (Level.HIGH, Level.MEDIUM)
    assert outcome.priority == 2
    assert outcome.rationale == (
        "P2 High: impact high because many customers or a whole service are affected "
        "(billing line); urgency medium because there is only a partial workaround "
        "(calls can be taken manually).")


def test_a_harm_raises_the_impact_and_becomes_the_reason(db):
    answers = Answers(scope=Scope.ONE, harms=frozenset({Harm.SAFETY, Harm.FINANCIAL}))
    impact = assess_impact(answers)
    assert impact.level == Level.HIGH
    assert impact.reasons == ("someone's safety is at risk",)
    both = assess_impact(replace(answers, harms=frozenset({Harm.SAFETY, Harm.PERSONAL_DATA})))
    assert both.clause() == ("someone's safety is at risk and personal data may have been "
                             "lost or exposed")


def test_urgency_is_the_highest_of_trend_workaround_and_deadline(db):
    answers = replace(BILLING, deadline=Deadline.HOURS, deadline_text="payroll run at 4pm")
    urgency = assess_urgency(answers)
    assert urgency.level == Level.HIGH
    assert urgency.reasons == ("it must be fixed within hours (payroll run at 4pm)",)
    calm = replace(BILLING, workaround=Workaround.GOOD, workaround_text="")
    assert assess_urgency(calm).level == Level.LOW
    assert assess_urgency(calm).clause() == ("it is not getting worse, there is a good "
                                             "workaround and there is no deadline")


def test_unanswered_questions_are_named(db):
    with pytest.raises(PrioritisationError) as error:
        prioritise(Answers(service="billing"))
    assert set(error.value.problems) == {"scope", "trend", "workaround", "deadline"}
    with pytest.raises(PrioritisationError) as error:
        prioritise(replace(BILLING, trend=None))
    assert set(error.value.problems) == {"trend"}


def test_an_override_needs_a_reason(db):
    with pytest.raises(PrioritisationError) as error:
        prioritise(BILLING, override=1, override_reason="  ")
    assert "override_reason" in error.value.problems
    with pytest.raises(PrioritisationError) as error:
        prioritise(BILLING, override=7, override_reason="why not")
    assert "override" in error.value.problems


def test_an_override_is_stated_in_the_rationale(db):
    outcome = prioritise(BILLING, override=1, override_reason="month-end billing run today")
    assert outcome.priority == 1 and outcome.matrix_priority == 2
    assert outcome.rationale.endswith(
        "Overridden to P1 Critical: month-end billing run today")


def test_choosing_the_matrix_priority_is_no_override(db):
    outcome = prioritise(BILLING, override=2, override_reason="same")
    assert outcome.override is None and outcome.override_reason == ""


def test_the_priority_comes_from_the_stored_matrix(db):
    matrix = load_matrix()
    matrix[(Level.HIGH, Level.MEDIUM)] = 1
    save_matrix(matrix)
    assert prioritise(BILLING).priority == 1


def test_answers_survive_being_stored(db):
    outcome = prioritise(replace(BILLING, harms=frozenset({Harm.REPUTATIONAL})))
    assert answers_from_json(outcome.to_json()) == outcome.answers
    assert answers_from_json("") is None


def test_logging_with_an_override_stores_it_and_writes_history(db, advisor):
    outcome = prioritise(BILLING, override=1, override_reason="month-end billing run today")
    incident = create_incident(apply_outcome(make_draft(), outcome), advisor, now=NOW)
    stored = Incident.get_by_id(incident.id)
    assert stored.priority == 1
    assert stored.priority_override == 1
    assert stored.priority_rationale == outcome.rationale
    assert answers_from_json(stored.prioritisation) == BILLING
    # P1 runs on a 24x7 clock: 15 minutes from receipt
    assert stored.response_due == stored.received_at + timedelta(minutes=15)
    described = {describe(h)[0]: describe(h)[2] for h in incident_history(incident.id)}
    assert described["Priority override"] == "P1 Critical"
    assert described["Reason for override"] == "month-end billing run today"
    assert described["Priority rationale"] == outcome.rationale
    assert described["Prioritisation answers"].startswith(
        "Affected: Many customers, or a whole service is down (billing line); "
        "Trend: it is steady; Workaround: a partial or slow workaround")


def test_an_override_without_reason_is_refused_and_nothing_written(db, advisor):
    draft = make_draft(priority_override=1)
    with pytest.raises(ValidationError) as error:
        create_incident(draft, advisor, now=NOW)
    assert "priority_override_reason" in error.value.errors
    assert Incident.select().count() == 0


def test_answers_that_disagree_with_the_levels_are_refused(db, advisor):
    draft = apply_outcome(make_draft(), prioritise(BILLING))
    with pytest.raises(ValidationError) as error:
        create_incident(replace(draft, impact="low"), advisor, now=NOW)
    assert "impact high and urgency medium" in error.value.errors["prioritisation"]


def test_reprioritising_an_incident_records_old_and_new(db, advisor):
    incident = create_incident(make_draft(), advisor, now=NOW)
    assert incident.priority == 2
    outcome = prioritise(replace(BILLING, workaround=Workaround.GOOD, workaround_text=""))
    later = NOW + timedelta(minutes=5)
    change = update_incident(incident.id, apply_outcome(draft_from_incident(incident), outcome),
                             advisor, incident.version, now=later)
    assert {"impact", "urgency", "priority", "priority_rationale"} <= set(change.fields)
    assert Incident.get_by_id(incident.id).priority == 3
    priority_rows = [describe(h) for h in incident_history(incident.id)
                     if h.field == "priority"]
    assert priority_rows == [("Priority", "P2 High", "P3 Moderate")]


def test_a_personal_data_breach_category_presets_that_answer(db):
    breach = Category.get(Category.name == "Personal data breach")
    assert breach.implied_harm == Harm.PERSONAL_DATA
    assert "72 hours" in breach.priority_hint


def test_p1_escalates_at_once_and_then_by_share_of_target(db):
    start = datetime(2026, 11, 21, 22, 0, tzinfo=UTC)  # a Saturday night: 24x7 for P1
    plan = escalation_plan(1, start)
    assert [(s.to, s.at) for s in plan] == [
        ("L3 contact-centre manager", None), ("L4 head of operations", None),
        ("L2 team leader", start + timedelta(hours=2))]


def test_a_breach_tells_the_dpo_and_sets_the_regulator_deadline(db):
    start = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tuesday 09:00 in London
    plan = escalation_plan(3, start, personal_data=True)
    assert plan[0].to == "Information security / data protection officer"
    assert plan[0].at is None
    assert plan[1].at == start + timedelta(hours=72)
    # 12 of the 24 business hours: Tuesday 09:00-18:00 is 9, then 3 on Wednesday
    assert plan[2].to == "L2 team leader"
    assert plan[2].at == datetime(2026, 11, 25, 11, 0, tzinfo=UTC)


answers = st.builds(
    Answers, scope=st.sampled_from(list(Scope)), service=st.text(max_size=10),
    harms=st.frozensets(st.sampled_from(list(Harm))), trend=st.sampled_from(list(Trend)),
    workaround=st.sampled_from(list(Workaround)), deadline=st.sampled_from(list(Deadline)))
RANK = {Level.LOW: 0, Level.MEDIUM: 1, Level.HIGH: 2}


@given(answers, st.sampled_from(list(Harm)))
def test_adding_a_harm_never_lowers_the_impact(answers, harm):
    before = assess_impact(answers).level
    after = assess_impact(replace(answers, harms=answers.harms | {harm})).level
    assert RANK[after] >= RANK[before]


@given(answers)
def test_no_answer_is_above_the_level_reached(answers):
    impact, urgency = assess_impact(answers), assess_urgency(answers)
    assert impact.reasons and urgency.reasons
    for level in [SCOPE_ANSWERS[answers.scope][1]] + [HARM_ANSWERS[h][1] for h in answers.harms]:
        assert RANK[level] <= RANK[impact.level]
    for level in (TREND_ANSWERS[answers.trend][1], WORKAROUND_ANSWERS[answers.workaround][1],
                  DEADLINE_ANSWERS[answers.deadline][1]):
        assert RANK[level] <= RANK[urgency.level]
