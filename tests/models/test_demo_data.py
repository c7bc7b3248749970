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
    result = generate(2000, seed=4, now=NOW)
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


# --- teams, escalations, problems, satisfaction, repeat callers ------------------------------
@pytest.fixture
def year(db):
    generate(3000, seed=12, now=NOW)


def test_demo_users_work_in_teams(year):
    from app.models.demo_data import DEMO_TEAMS, DEMO_USERS
    from app.models.entities import Team, User

    assert [t.name for t in Team.select().order_by(Team.position)] == list(DEMO_TEAMS)
    for username, _, _ in DEMO_USERS:
        user = User.get(User.username == username)
        assert user.team is not None and username in DEMO_TEAMS[user.team.name]
    passed = [i for i in Incident.select() if i.owner_id and i.owner_id != i.logged_by_id]
    same_team = sum(i.owner.team_id == i.logged_by.team_id for i in passed) / len(passed)
    assert same_team > 0.6  # an incident is mostly passed to someone in the logger's team


def test_demo_escalations_are_made_before_the_resolution(year):
    from app.models.entities import Escalation
    from app.models.escalating import ESCALATED

    made = list(Escalation.select())
    assert {e.target_code for e in made} >= {"L2", "L3", "L4", "DPO", "IT", "TEL"}
    by_incident: dict[int, list] = {}
    for escalation in made:
        by_incident.setdefault(escalation.incident_id, []).append(escalation)
    for incident in Incident.select():
        mine = by_incident.get(incident.id, [])
        if incident.priority == 1 and incident.resolved_at:
            assert {"L3", "L4"} <= {e.target_code for e in mine}, incident.reference
        if not mine:
            assert incident.escalation_level == 1
            continue
        assert incident.resolved_at is not None  # open incidents keep the matrix's plan
        assert all(e.at <= incident.resolved_at for e in mine)
        assert incident.escalation_level == max((e.level or 1) for e in mine)
        trail = [h for h in incident_history(incident.id) if h.action == ESCALATED]
        assert len(trail) == len(mine)


def test_demo_problems_lead_recurring_incidents(year):
    from app.models.demo_data import DEMO_PROBLEMS
    from app.models.entities import Problem, ProblemEvent
    from app.models.problems import TRANSITIONS, ProblemStatus, problem_events

    problems = list(Problem.select().order_by(Problem.id))
    assert sorted(p.status for p in problems) == sorted(s.status for s in DEMO_PROBLEMS)
    assert [p.reference for p in problems] == sorted(p.reference for p in problems)
    known = next(p for p in problems if p.status == ProblemStatus.KNOWN_ERROR)
    assert known.root_cause and known.workaround and known.known_error_at
    for problem in problems:
        spec = next(s for s in DEMO_PROBLEMS if s.title == problem.title)
        status = ProblemStatus.OPEN
        for event in problem_events(problem.id):
            if event.action == "status":
                assert ProblemStatus(event.new_value) in TRANSITIONS[status]
                status = ProblemStatus(event.new_value)
        assert status == problem.status
        linked = list(Incident.select().where(Incident.problem == problem))
        assert linked, problem.title  # recurring incidents, linked
        assert (ProblemEvent.select().where(ProblemEvent.problem == problem,
                                            ProblemEvent.action == "linked").count()
                == len(linked))
        for incident in linked:
            assert incident.category.name == spec.category
            assert incident.received_at >= problem.created_at
            if problem.resolved_at:
                assert incident.received_at < problem.resolved_at
            trail = [h for h in incident_history(incident.id) if h.field == "problem"]
            assert [h.new_value for h in trail] == [f"{problem.reference}: {problem.title}"]
    assert 0 < Incident.select().where(Incident.problem.is_null(False)).count() < 300


def test_demo_satisfaction_follows_how_the_resolution_went(year):
    from app.models.entities import Satisfaction
    from app.models.satisfaction import FIELD

    scores = list(Satisfaction.select())
    resolved = Incident.select().where(Incident.resolved_at.is_null(False)).count()
    assert 0.25 < len(scores) / resolved < 0.45
    on_time, late = [], []
    for score in scores:
        incident = score.incident
        assert incident.status in (Status.RESOLVED, Status.CLOSED)
        assert incident.resolved_at <= score.given_at <= NOW
        assert score.given_at <= score.recorded_at <= NOW
        (late if incident.resolution_met is False else on_time).append(score.score)
        trail = [h for h in incident_history(incident.id) if h.action == FIELD]
        assert len(trail) == 1 and trail[0].new_value.startswith(f"{score.score} of 5")
    assert set(Counter(s.score for s in scores)) == {1, 2, 3, 4, 5}
    assert sum(on_time) / len(on_time) > sum(late) / len(late) + 1


def test_demo_callers_call_back(year):
    from datetime import date

    from app.models.dashboard_stats import dashboard_statistics

    stats = dashboard_statistics(date(2025, 11, 25), date(2026, 11, 24), now=NOW)
    assert stats.repeats.callers > 0 and stats.repeats.repeat_incidents > 0
    assert stats.satisfaction.responses > 0 and stats.problem_incidents > 0
    assert stats.escalations.incidents > 0


def test_demo_history_chain_holds(year, db_path):
    from app.models.history_chain import verify_file

    assert verify_file(db_path).ok


def test_a_second_run_adds_incidents_not_teams_or_problems(year):
    from app.models.entities import Problem, Team

    teams, problems = Team.select().count(), Problem.select().count()
    generate(100, seed=13, months=1, now=NOW)
    assert (Team.select().count(), Problem.select().count()) == (teams, problems)
    assert Incident.select().count() == 3100
