"""Demo data: varied, consistent with the rules, repeatable, and continuing references."""

from collections import Counter

import pytest

from app.models.audit import incident_history
from app.models.demo_data import MAX_COUNT, generate
from app.models.entities import History, Incident, ReferenceCounter
from app.models.incidents import create_incident, draft_from_incident
from app.models.lifecycle import TRANSITIONS, Status
from app.models.priority import compute_priority
from app.models.validation import validate_draft
from app.models.vocabulary import priority_label
from tests.conftest import NOW, make_draft


def test_demo_incidents_are_varied(db):
    result = generate(2000, seed=3, now=NOW)
    assert result.incidents == Incident.select().count() == 2000
    assert result.history_rows == History.select().count()
    incidents = list(Incident.select())
    assert len(Counter(i.status for i in incidents)) >= 6
    assert set(Counter(i.priority for i in incidents)) == {1, 2, 3, 4, 5}
    assert len(Counter(i.category_id for i in incidents)) == 7
    assert len(Counter(i.channel for i in incidents)) == 6
    months = Counter((i.received_at.year, i.received_at.month) for i in incidents)
    assert len(months) >= 12
    prioritised = sum(bool(i.prioritisation) for i in incidents) / len(incidents)
    assert 0.6 < prioritised < 0.8


def test_demo_incidents_obey_the_rules(db):
    generate(500, seed=4, now=NOW)
    for incident in Incident.select():
        assert validate_draft(draft_from_incident(incident), NOW) == {}, incident.reference
        assert incident.priority == compute_priority(incident.impact, incident.urgency)
        # validate_draft also checks the stored answers give the stored impact and urgency
        if incident.prioritisation:
            assert incident.priority_rationale.startswith(priority_label(incident.priority))
        trail = incident_history(incident.id)
        assert trail[0].action == "created" and trail[0].new_value == incident.reference
        status = Status.NEW
        for entry in trail:
            assert entry.at <= NOW
            if entry.action == "status":
                assert entry.old_value == status
                assert Status(entry.new_value) in TRANSITIONS[status]
                status = Status(entry.new_value)
        assert incident.status == status
        if status in (Status.RESOLVED, Status.CLOSED):
            assert incident.resolved_at and incident.resolution
        if status == Status.CLOSED:
            assert incident.closed_at >= incident.resolved_at


def test_same_seed_same_data(tmp_path):
    from app.models.db import close_database, open_database

    def snapshot(name):
        open_database(tmp_path / name)
        try:
            generate(300, seed=99, now=NOW)
            return [(i.reference, i.caller_name, i.summary, i.status, i.priority)
                    for i in Incident.select().order_by(Incident.id)]
        finally:
            close_database()

    assert snapshot("a.sqlite") == snapshot("b.sqlite")


def test_references_continue_after_existing_ones(db, advisor):
    create_incident(make_draft(), advisor, now=NOW)
    generate(50, seed=1, months=1, now=NOW)
    after = create_incident(make_draft(), advisor, now=NOW)
    refs = [i.reference for i in Incident.select()]
    assert len(set(refs)) == len(refs) == 52
    assert after.reference == f"INC-2026-{ReferenceCounter.get_by_id(2026).last:06d}"


@pytest.mark.parametrize("count", [0, MAX_COUNT + 1])
def test_count_is_bounded(db, count):
    with pytest.raises(ValueError, match="count must be between"):
        generate(count)


def test_demo_due_times_match_the_sla_engine(db):
    from app.models.entities import SlaPause
    from app.models.service_levels import due_times

    generate(300, seed=8, now=NOW)
    assert SlaPause.select().count() > 10
    for incident in Incident.select():
        trail = incident_history(incident.id)
        pauses, opened = [], None
        for entry in trail:
            if entry.action != "status":
                continue
            if Status(entry.old_value).is_on_hold:
                pauses.append((opened, entry.at))
            if Status(entry.new_value).is_on_hold:
                opened = entry.at
        if Status(incident.status).is_on_hold:
            pauses.append((opened, None))
        stored = [(p.started_at, p.ended_at) for p in
                  SlaPause.select().where(SlaPause.incident == incident).order_by(SlaPause.id)]
        assert stored == pauses, incident.reference
        due = due_times(incident.priority, incident.received_at, pauses)
        assert incident.response_due == due.response_due, incident.reference
        assert incident.resolution_due == due.resolution_due, incident.reference
        assert incident.response_warn_at == due.response_warn_at, incident.reference
        assert incident.resolution_warn_at == due.resolution_warn_at, incident.reference
        if incident.resolved_at and incident.resolution_due:
            assert incident.resolution_met == (incident.resolved_at <= incident.resolution_due)


def test_demo_open_incidents_know_their_next_escalation(db):
    from app.models.demo_data import DEMO_CONTACTS
    from app.models.entities import EscalationContact
    from app.models.escalation import refresh_escalation_due
    from app.models.escalation_matrix import escalation_matrix_problems, load_escalation_matrix

    generate(600, seed=5, now=NOW)
    assert EscalationContact.select().count() == len(DEMO_CONTACTS)
    assert escalation_matrix_problems(load_escalation_matrix()) == []
    open_ones = [i for i in Incident.select() if Status(i.status).is_open]
    assert open_ones and any(i.escalation_due_at for i in open_ones)
    for incident in open_ones:  # as the application itself works it out
        stored = incident.escalation_due_at
        refresh_escalation_due(incident)
        assert incident.escalation_due_at == stored, incident.reference
    closed = [i for i in Incident.select() if not Status(i.status).is_open]
    assert all(i.escalation_due_at is None for i in closed)
