"""incident_day (schema 16) stays the sum of the incidents through creates, edits and
deletes, and the dashboard's figures read from it (whole UTC days, the period's ends from
the incidents, undecided targets judged when asked) are those counted from the incidents
themselves, for local days that do not start at midnight UTC too."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import peewee as pw

from app.models.day_figures import (
    EVERYONE,
    WALK_FROM_DAYS,
    EscalationDay,
    IncidentDay,
    Period,
    SatisfactionDay,
    category_counts,
    medians,
    priority_rows,
)
from app.models.day_figures import daily_counts as day_counts
from app.models.dialect import on_postgres
from app.models.entities import Category, Escalation, Incident, Satisfaction, Team, User
from app.models.incident_log import team_condition
from app.models.incidents import create_incident
from app.models.period_stats import check_period, priority_stats, resolve_medians
from app.models.period_stats import daily_counts as period_day_counts
from app.models.users import ensure_user
from tests.conftest import make_draft
from tests.models.dashboard_data import log_dashboard_month

SUMMER = datetime(2026, 7, 10, 22, 30, tzinfo=UTC)  # 23:30 in London: a local day's edge
WINTER = datetime(2026, 11, 10, 9, tzinfo=UTC)


def expected() -> list[tuple]:
    """Per holder, then for everyone (holder 0), from the incidents themselves."""
    day = (pw.fn.to_char(Incident.received_at, pw.SQL("'YYYY-MM-DD'")) if on_postgres()
           else pw.fn.substr(Incident.received_at, 1, 10)).coerce(False)
    problem = pw.fn.COALESCE(Incident.problem, pw.SQL("0"))
    rows = []
    for holder in (pw.fn.COALESCE(Incident.owner, Incident.logged_by), pw.SQL("0")):
        grouped = [day, Incident.priority, Incident.category, problem]
        if not isinstance(holder, pw.SQL):  # not "GROUP BY 0", a column number
            grouped.append(holder)
        rows += sorted(tuple(row) for row in Incident.select(
            day, holder, Incident.priority, Incident.category, problem,
            pw.fn.COUNT(pw.SQL("*")), pw.fn.COUNT(Incident.resolved_at))
            .group_by(*grouped).tuples())
    return rows


def stored() -> list[tuple]:
    d = IncidentDay
    rows = [tuple(row) for row in d.select(d.day, d.holder, d.priority, d.category, d.problem,
                                           d.incidents, d.resolved)
            .where(d.incidents != 0).tuples()]
    return (sorted(row for row in rows if row[1] != EVERYONE)
            + sorted(row for row in rows if row[1] == EVERYONE))


def incidents(advisor, start: datetime, count: int = 12) -> list[Incident]:
    """``count`` incidents an hour and a half apart from ``start``, some resolved, some
    owned, answered or not, met or missed."""
    other = ensure_user("kim.advisor", "Kim Advisor")
    telephony = {"category_id": Category.get(Category.name == "Telephony outage").id,
                 "subcategory_id": Category.get(Category.name == "Inbound lines").id}
    made = []
    for n in range(count):
        received = start + timedelta(minutes=90 * n)
        draft = make_draft(received_at=received, urgency=("high", "medium", "low")[n % 3],
                           owner_id=other.id if n % 3 == 1 else None,
                           **(telephony if n % 4 == 0 else {}))
        incident = create_incident(draft, advisor, now=received + timedelta(minutes=1))
        changes = {}
        if n % 2:
            changes.update(resolved_at=received + timedelta(hours=n, minutes=7),
                           resolution_met=n % 4 == 1, response_met=n % 3 != 0,
                           responded_at=received + timedelta(minutes=20))
        elif n % 5 == 0:
            changes.update(response_met=False, responded_at=received + timedelta(hours=3))
        if changes:
            Incident.update(**changes).where(Incident.id == incident.id).execute()
        made.append(incident)
    return made


def test_the_days_are_the_incidents_summed(advisor):
    made = incidents(advisor, WINTER)
    assert stored() == expected()
    Incident.update(received_at=WINTER + timedelta(days=2), priority=1).where(
        Incident.id == made[3].id).execute()
    Incident.update(owner=None).where(Incident.id == made[1].id).execute()
    Incident.update(resolved_at=None, resolution_met=None).where(
        Incident.id == made[5].id).execute()
    assert stored() == expected()


def _team(advisor) -> int:
    team = Team.create(name="North")
    User.update(team=team.id).where(User.id == advisor.id).execute()
    return team.id


def test_the_figures_read_from_the_days_are_those_of_the_incidents(advisor):
    incidents(advisor, SUMMER - timedelta(days=2), 40)
    incidents(advisor, WINTER - timedelta(days=1), 30)
    team_id = _team(advisor)
    for first_day, last_day in ((date(2026, 7, 9), date(2026, 7, 11)),
                                (date(2026, 7, 11), date(2026, 7, 11)),
                                (date(2026, 7, 1), date(2026, 11, 30)),
                                (date(2026, 11, 10), date(2026, 11, 10))):
        first, after = check_period(first_day, last_day)
        for now in (WINTER, WINTER + timedelta(days=30)):
            for team in (None, team_id):
                where = None if team is None else team_condition(team)
                stats, *_ = priority_stats(first, after, now, where, overall_median=False)
                counted = {p.priority: (p.received, p.resolved, p.response, p.resolution,
                                        p.mean_to_resolve) for p in stats if p.received}
                rows = priority_rows(Period(first, after, team), now)
                found = {p: (r[0], r[1], r[5], r[6], r[7], r[8]) for p, r in rows.items()}
                assert found == {p: (c[0], c[1], c[2].met, c[2].breached, c[3].met,
                                     c[3].breached) for p, c in counted.items()}
                assert sum(category_counts(Period(first, after, team)).values()) == sum(
                    c[0] for c in counted.values())


def test_a_long_periods_medians_read_in_order_are_those_sorted(advisor):
    incidents(advisor, SUMMER - timedelta(days=2), 41)
    incidents(advisor, WINTER - timedelta(days=1), 30)
    resolved = Incident.select(Incident.id).where(Incident.resolved_at.is_null(False))
    Incident.update(resolved_at=SUMMER + timedelta(days=1)).where(  # ties
        Incident.id.in_([i for (i,) in resolved.tuples()][::3])).execute()
    team_id = _team(advisor)
    for first_day, last_day in ((date(2026, 6, 1), date(2026, 12, 31)),
                                (date(2026, 7, 11), date(2026, 11, 9))):
        first, after = check_period(first_day, last_day)
        for team in (None, team_id):
            period = Period(first, after, team)
            assert period.days_long >= WALK_FROM_DAYS
            resolved = {p: r[1] for p, r in priority_rows(period, WINTER).items()}
            where = None if team is None else team_condition(team)
            assert medians(period, resolved) == resolve_medians(first, after, where, True,
                                                                resolved)


def _day(column) -> pw.Node:
    return (pw.fn.to_char(column, pw.SQL("'YYYY-MM-DD'")) if on_postgres()
            else pw.fn.substr(column, 1, 10)).coerce(False)


def escalation_days() -> tuple[list, list]:
    day, holder = _day(Incident.received_at), pw.fn.COALESCE(Incident.owner, Incident.logged_by)
    made = Escalation.select().join(Incident, on=(Escalation.incident == Incident.id))
    distinct = pw.fn.COUNT(Escalation.incident.distinct())
    expected = sorted(
        [tuple(r) for r in made.select(day, holder, Escalation.target_code, Escalation.kind,
                                       pw.fn.COUNT(pw.SQL("*")), distinct)
         .group_by(day, holder, Escalation.target_code, Escalation.kind).tuples()]
        + [(d, h, "", "", n, m) for d, h, n, m in made.select(
            day, holder, pw.fn.COUNT(pw.SQL("*")), distinct).group_by(day, holder).tuples()])
    e = EscalationDay
    stored = sorted(tuple(r) for r in e.select(e.day, e.holder, e.target_code, e.kind,
                                               e.escalations, e.incidents)
                    .where(e.escalations != 0).tuples())
    return stored, expected


def satisfaction_days() -> tuple[list, list]:
    day, holder = _day(Incident.received_at), pw.fn.COALESCE(Incident.owner, Incident.logged_by)
    expected = sorted(tuple(r) for r in Satisfaction.select(
        day, holder, Satisfaction.score, pw.fn.COUNT(pw.SQL("*")))
        .join(Incident, on=(Satisfaction.incident == Incident.id))
        .group_by(day, holder, Satisfaction.score).tuples())
    s = SatisfactionDay
    stored = sorted(tuple(r) for r in s.select(s.day, s.holder, s.score, s.responses)
                    .where(s.responses != 0).tuples())
    return stored, expected


def test_escalations_and_scores_follow_their_incidents(advisor, colleague, leader):
    log_dashboard_month(advisor, colleague, leader)
    stored, expected = escalation_days()
    assert stored == expected and any(code == "" for _, _, code, *_ in stored)
    assert satisfaction_days()[0] == satisfaction_days()[1] != []
    escalated = Escalation.select(Escalation.incident).limit(1).scalar()
    scored = Satisfaction.select(Satisfaction.incident).limit(1).scalar()
    for incident_id in {escalated, scored}:  # another day, another holder
        Incident.update(received_at=WINTER + timedelta(days=3), owner=colleague.id).where(
            Incident.id == incident_id).execute()
    Satisfaction.update(score=1).where(Satisfaction.incident == scored).execute()
    again = Escalation.select().where(Escalation.incident == escalated).dicts().first()
    del again["id"]
    Escalation.insert_many([again, dict(again, target_code="ZZ")]).execute()  # plain SQL
    for found, wanted in (escalation_days(), satisfaction_days()):
        assert found == wanted
    Escalation.delete().where(Escalation.target_code == "ZZ").execute()
    assert escalation_days()[0] == escalation_days()[1]


def test_each_local_days_count_is_that_of_the_incidents(advisor):
    """Across the end of summer time: whole UTC days summed, London's summer days
    counted from the incidents."""
    incidents(advisor, datetime(2026, 10, 23, 20, tzinfo=UTC), 60)
    team_id = _team(advisor)
    start, end = date(2026, 10, 22), date(2026, 10, 28)
    first, after = check_period(start, end)
    for team in (None, team_id):
        where = None if team is None else team_condition(team)
        found = day_counts(Period(first, after, team), start, end)
        assert {d: n for d, n in found.items() if n} == {
            d: n for d, n in period_day_counts(start, end, where).items() if n}
        assert sum(found.values()) == (60 if team is None else sum(
            1 for i in Incident.select() if (i.owner_id or i.logged_by_id) == advisor.id))
