"""The 72-hour clock for reporting a personal data breach to the regulator."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from app.models.escalation import (
    is_personal_data_breach,
    regulator_clock_text,
    regulator_deadline,
)
from app.models.incidents import create_incident
from app.models.prioritisation import apply_outcome, prioritise
from tests.conftest import NOW, category, make_draft
from tests.models.test_prioritisation import BILLING, Harm


def test_a_breach_by_its_subcategory_has_a_deadline_72_hours_after_it_was_reported(db, advisor):
    draft = make_draft(category_id=category("Security or data breach").id,
                       subcategory_id=category("Personal data breach").id)
    incident = create_incident(draft, advisor, now=NOW)
    assert is_personal_data_breach(incident)
    assert regulator_deadline(incident) == incident.received_at + timedelta(hours=72)


def test_a_breach_by_the_prioritisation_answer_counts_too(db, advisor):
    outcome = prioritise(replace(BILLING, harms=frozenset({Harm.PERSONAL_DATA})))
    incident = create_incident(apply_outcome(make_draft(), outcome), advisor, now=NOW)
    assert is_personal_data_breach(incident)


def test_other_incidents_have_no_regulator_deadline(db, advisor):
    incident = create_incident(make_draft(), advisor, now=NOW)
    assert not is_personal_data_breach(incident)
    assert regulator_deadline(incident) is None


def test_the_clock_counts_down_then_says_how_overdue():
    deadline = NOW + timedelta(hours=50, minutes=5)
    assert regulator_clock_text(deadline, NOW) == "By 26/11/2026 14:05 (2d 2h left)"
    assert regulator_clock_text(deadline, NOW + timedelta(hours=53)) == (
        "By 26/11/2026 14:05 (overdue by 2h 55m)")
    assert regulator_clock_text(deadline, NOW, running=False) == "By 26/11/2026 14:05"
