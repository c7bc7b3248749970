"""A known month for the dashboard's tests: incidents logged, escalated, resolved, scored and
linked to a problem through the real operations, by two advisors in two teams."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app.models.entities import Incident, User
from app.models.lifecycle import Status
from app.models.problems import ProblemDraft, create_problem, link_incident
from app.models.satisfaction import record_satisfaction
from app.models.teams import create_team, set_user_team
from tests.models.test_period_stats import escalate_to, log, move, utc

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # London is on GMT: local time is UTC
OLIVIA = {"caller_name": "Olivia Taylor", "caller_phone": "0161 496 0123"}
MARCUS = {"caller_name": "Marcus Okonkwo", "caller_phone": "",
          "caller_email": "marcus@example.org"}


def score(incident: Incident, value: int, when: datetime, user: User) -> None:
    record_satisfaction(incident.id, value, "", "phone", when, user,
                        now=when + timedelta(minutes=1))


def log_dashboard_month(advisor: User, colleague: User, leader: User) -> dict:
    """Five incidents received in November 2026 and two either side of it; the advisor is
    in team North, the colleague in team South.

    A P1 IT 2 Nov 10:00 by the advisor, unowned (North); Olivia (0161 496 0123); in
      progress 10:05, escalated to L3, resolved 12:00: both targets met, 2h; scored 5
    B P1 telephony 3 Nov 10:00 by the advisor, unowned (North); Olivia (01614960123); in
      progress 10:30, escalated to IT and L2, resolved 18:00: both breached, 8h; scored 2;
      problem X
    C P2 IT 4 Nov 09:00 by the colleague, owned by them (South); Olivia; resolved at first
      contact 09:20: met, 20m; scored 4; problem X. A repeat of A (same caller and category,
      two days later)
    D P3 complaint 27 Nov 10:00 by the colleague, unowned (South); Marcus (no phone);
      untouched: both targets overdue at NOW
    E P5 service failure 30 Nov 17:00 by the advisor, owned by the colleague (South);
      MARCUS OKONKWO: the same caller as D; untouched, neither target due yet
    Before: P2 IT 31 Oct 23:30, Olivia, escalated to L2 (not counted), which makes A a
      repeat incident. After: P2 safety 1 Dec 00:30, Olivia.
    """
    north, south = create_team("North", leader), create_team("South", leader)
    set_user_team(advisor.id, north.id, leader)
    set_user_team(colleague.id, south.id, leader)
    before = log(advisor, utc(31, 23, 30, month=10), 2, **OLIVIA)
    escalate_to(before, "L2", utc(31, 23, 45, month=10), advisor)
    a = log(advisor, utc(2, 10), 1, **OLIVIA)
    move(a, Status.IN_PROGRESS, utc(2, 10, 5), advisor)
    escalate_to(a, "L3", utc(2, 10, 20), advisor)
    move(a, Status.RESOLVED, utc(2, 12), advisor)
    score(a, 5, utc(2, 13), advisor)
    b = log(advisor, utc(3, 10), 1, "Telephony outage", caller_name="Olivia Taylor",
            caller_phone="01614960123")
    move(b, Status.IN_PROGRESS, utc(3, 10, 30), advisor)
    escalate_to(b, "IT", utc(3, 11), advisor)
    escalate_to(b, "L2", utc(3, 12), advisor)
    move(b, Status.RESOLVED, utc(3, 18), advisor)
    score(b, 2, utc(4, 9), advisor)
    c = log(colleague, utc(4, 9), 2, owner_id=colleague.id, **OLIVIA)
    move(c, Status.RESOLVED, utc(4, 9, 20), colleague)
    score(c, 4, utc(4, 10), colleague)
    problem = create_problem(ProblemDraft("Telephony and IT faults on the same morning"),
                             leader, now=utc(4, 11))
    link_incident(b.id, problem.id, leader, now=utc(4, 11, 5))
    link_incident(c.id, problem.id, leader, now=utc(4, 11, 6))
    d = log(colleague, utc(27, 10), 3, "Complaint", **MARCUS)
    e = log(advisor, utc(30, 17), 5, "Service failure", owner_id=colleague.id,
            **{**MARCUS, "caller_name": "MARCUS OKONKWO"})
    after = log(advisor, utc(1, 0, 30, month=12), 2, "Safety", **OLIVIA)
    return {"A": a, "B": b, "C": c, "D": d, "E": e, "before": before, "after": after,
            "north": north, "south": south, "problem": problem}
