"""A period's statistics for team leaders, from incidents logged, escalated and resolved at
known times through the real operations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.models.communications import CommunicationDraft, record_communication
from app.models.escalating import EscalationRequest, escalate
from app.models.incidents import change_status, create_incident
from app.models.lifecycle import Status
from app.models.period_stats import (
    BREACHED,
    MET,
    OTHER,
    PENDING,
    EscalationCount,
    PeriodError,
    SlaCounts,
    VolumeBucket,
    period_incidents,
    period_statistics,
    period_text,
)
from app.models.permissions import Role
from app.models.users import ensure_user
from tests.conftest import category, make_draft
from tests.review_steps import complete_a_review

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # London is on GMT: local time is UTC
LEVELS = {1: ("high", "high"), 2: ("medium", "high"), 3: ("medium", "medium"), 4: ("low", "medium"),
          5: ("low", "low")}


def utc(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def log(user, received: datetime, priority: int = 2, category_name: str = "IT system failure",
        **overrides):
    impact, urgency = LEVELS[priority]
    draft = make_draft(received_at=received, impact=impact, urgency=urgency,
                       category_id=category(category_name).id, subcategory_id=None,
                       **overrides)
    return create_incident(draft, user, now=received + timedelta(minutes=2))


def move(incident, status: Status, when: datetime, user, note: str = "") -> None:
    if status == Status.RESOLVED:
        note = note or "Fixed and confirmed with the caller."
    change_status(incident.id, status, user, note, now=when)


def escalate_to(incident, target: str, when: datetime, user) -> None:
    kind = "hierarchical" if target.startswith("L") else "functional"
    escalate(incident.id, EscalationRequest(kind, target, "phone", "Needs more hands",
                                            "The usual checks", when), user,
             now=when + timedelta(minutes=1))


def tell(incident, when: datetime, user) -> None:
    record_communication(incident.id, CommunicationDraft("caller", "phone",
                                                         "We are on it.", when),
                         user, now=when + timedelta(minutes=1))


@pytest.fixture
def november(advisor):
    return log_november(advisor)


def log_november(advisor) -> dict:
    """Seven incidents received in November 2026 and two either side of it.

    A P1 2 Nov 10:00, responded 10:05, resolved 12:00: both targets met, 2h
    B P1 3 Nov 10:00, responded 10:30, resolved 18:00: both breached, 8h
    C P1 3 Nov 11:00, responded 11:10, resolved 15:00 (the 4h target exactly): met, 4h
    D P2 4 Nov 09:00, resolved at first contact 09:20, closed 10:00: met, 20m
    E P2 4 Nov 09:00, never touched: both overdue
    F P3 27 Nov 10:00 (Fri), responded 10:30, resolved 1 Dec 10:00 (due Tue 14:00): met,
      96h, and still open when November ended
    G P5 30 Nov 17:00, untouched: response due 2 Dec 17:00, not yet due at NOW
    """
    a = log(advisor, utc(2, 10), 1)
    move(a, Status.IN_PROGRESS, utc(2, 10, 5), advisor)
    escalate_to(a, "L3", utc(2, 10, 20), advisor)
    tell(a, utc(2, 10, 30), advisor)
    move(a, Status.RESOLVED, utc(2, 12), advisor)
    b = log(advisor, utc(3, 10), 1, "Telephony outage")
    move(b, Status.IN_PROGRESS, utc(3, 10, 30), advisor)
    escalate_to(b, "IT", utc(3, 11), advisor)
    escalate_to(b, "L2", utc(3, 12), advisor)
    move(b, Status.RESOLVED, utc(3, 18), advisor)
    c = log(advisor, utc(3, 11), 1)
    move(c, Status.IN_PROGRESS, utc(3, 11, 10), advisor)
    move(c, Status.RESOLVED, utc(3, 15), advisor)
    d = log(advisor, utc(4, 9), 2)
    move(d, Status.RESOLVED, utc(4, 9, 20), advisor)
    complete_a_review(d.id, ensure_user("tess.leader", "Tess Leader", Role.TEAM_LEADER),
                      now=utc(4, 9, 40))  # a P2 is closed once its review is completed
    move(d, Status.CLOSED, utc(4, 10), advisor)
    log(advisor, utc(4, 9), 2, "Facilities")
    f = log(advisor, utc(27, 10), 3, "Complaint", owner_id=advisor.id)
    move(f, Status.IN_PROGRESS, utc(27, 10, 30), advisor)
    move(f, Status.RESOLVED, utc(1, 10, month=12), advisor)
    g = log(advisor, utc(30, 17), 5, "Service failure")
    tell(g, utc(30, 17, 30), advisor)
    # outside the period: received the evening before, escalated either side of midnight
    before = log(advisor, utc(31, 23, 30, month=10), 2, "Safety")
    escalate_to(before, "L2", utc(31, 23, 45, month=10), advisor)
    escalate_to(before, "L3", utc(1, 8), advisor)
    after = log(advisor, utc(1, 0, 30, month=12), 2, "Safety")
    tell(after, utc(1, 1, month=12), advisor)
    return {"A": a, "B": b, "C": c, "D": d, "F": f, "G": g}


def test_totals_count_the_incidents_received_in_the_period(november):
    stats = period_statistics(*NOVEMBER, now=NOW)
    assert stats.received == 7
    assert stats.resolved == 5  # A, B, C, D and F (resolved since the period ended)
    assert stats.closed == 1
    assert stats.open_at_end == 3  # E, F and G
    assert stats.by_status == ((Status.NEW, 2), (Status.RESOLVED, 4), (Status.CLOSED, 1))
    assert stats.days == 30
    assert stats.text == "1 Nov 2026 – 30 Nov 2026"


def test_time_to_resolve_per_priority_is_elapsed_mean_and_median(november):
    stats = period_statistics(*NOVEMBER, now=NOW)
    p1, p2, p3, p4, p5 = stats.priorities
    assert [p.label for p in stats.priorities] == [
        "P1 Critical", "P2 High", "P3 Moderate", "P4 Low", "P5 Planning"]
    assert (p1.received, p1.resolved) == (3, 3)
    assert p1.mean_to_resolve == timedelta(hours=14 / 3)  # 2h, 8h and 4h
    assert p1.median_to_resolve == timedelta(hours=4)
    assert (p2.received, p2.resolved) == (2, 1)
    assert p2.mean_to_resolve == p2.median_to_resolve == timedelta(minutes=20)
    # nights and the weekend count: elapsed time, not service hours
    assert p3.mean_to_resolve == p3.median_to_resolve == timedelta(days=4)
    assert (p4.received, p4.mean_to_resolve, p4.median_to_resolve) == (0, None, None)
    assert (p5.received, p5.resolved, p5.mean_to_resolve) == (1, 0, None)
    assert stats.mean_to_resolve == timedelta(minutes=(120 + 480 + 240 + 20 + 96 * 60) / 5)
    assert stats.median_to_resolve == timedelta(hours=4)  # 20m, 2h, 4h, 8h, 96h


def test_the_median_of_an_even_number_is_the_mean_of_the_middle_two(advisor):
    for day, hours in ((2, 1), (3, 10), (4, 2), (5, 3)):
        incident = log(advisor, utc(day, 9), 1)
        move(incident, Status.RESOLVED, utc(day, 9 + hours), advisor)
    stats = period_statistics(*NOVEMBER, now=NOW)
    p1 = stats.priorities[0]
    assert p1.median_to_resolve == stats.median_to_resolve == timedelta(hours=2.5)
    assert p1.mean_to_resolve == stats.mean_to_resolve == timedelta(hours=4)


def test_sla_compliance_overall_and_per_priority(november):
    stats = period_statistics(*NOVEMBER, now=NOW)
    p1, p2, p3, p4, p5 = stats.priorities
    assert p1.response == SlaCounts(met=2, breached=1)  # B responded 15 minutes late
    assert p1.resolution == SlaCounts(met=2, breached=1)  # C exactly on time is met
    assert p2.response == SlaCounts(met=1, breached=1)  # E never answered, overdue
    assert p2.resolution == SlaCounts(met=1, breached=1)  # E open and overdue
    assert p3.response == p3.resolution == SlaCounts(met=1)
    assert p4.response == SlaCounts()
    assert p5.response == SlaCounts(pending=1)  # due 2 Dec 17:00, not yet
    assert p5.resolution == SlaCounts(pending=1)
    assert stats.response == SlaCounts(met=4, breached=2, pending=1)
    assert stats.resolution == SlaCounts(met=4, breached=2, pending=1)
    assert stats.response.met_percent == pytest.approx(100 * 4 / 6)
    assert stats.response.percent(stats.response.met) == pytest.approx(100 * 4 / 7)
    assert stats.response.percent(stats.response.pending) == pytest.approx(100 / 7)
    assert p4.response.met_percent is None and p4.response.percent(0) is None
    assert p5.response.met_percent is None


def test_a_target_not_yet_due_is_breached_once_its_time_has_passed(november):
    later = period_statistics(*NOVEMBER, now=utc(2, 17, 1, month=12))
    assert later.priorities[4].response == SlaCounts(breached=1)
    assert later.priorities[4].resolution == SlaCounts(pending=1)


def test_escalations_and_updates_made_in_the_period(november):
    stats = period_statistics(*NOVEMBER, now=NOW)
    # A to L3, B to IT and L2, and the October incident to L3 on 1 Nov; not its 31 Oct one
    assert stats.escalations == 4
    assert stats.escalated_incidents == 3
    assert stats.escalations_by_target == (
        EscalationCount("L3", "L3 contact-centre manager", "hierarchical", 2),
        EscalationCount("IT", "IT service desk", "functional", 1),
        EscalationCount("L2", "L2 team leader", "hierarchical", 1))
    assert stats.communications == 2  # to A's and G's callers; not 1 Dec's


def test_volume_per_day_is_zero_filled(november):
    stats = period_statistics(*NOVEMBER, now=NOW)
    assert stats.volume_unit == "day"
    assert len(stats.volume) == 30
    counts = {bucket.first.day: bucket.count for bucket in stats.volume}
    assert counts == {day: {2: 1, 3: 2, 4: 2, 27: 1, 30: 1}.get(day, 0)
                      for day in range(1, 31)}
    assert stats.volume[0] == VolumeBucket(date(2026, 11, 1), date(2026, 11, 1), 0)
    assert stats.volume[1].label == "2 Nov"


def test_volume_per_iso_week_for_a_longer_period(november):
    stats = period_statistics(date(2026, 10, 1), date(2026, 11, 30), now=NOW)
    assert stats.volume_unit == "week"
    assert stats.received == 8
    # Thu 1 Oct starts week 40 part-way; every week to week 49 (Mon 30 Nov) is there
    assert [(b.first, b.last) for b in stats.volume[:2]] == [
        (date(2026, 10, 1), date(2026, 10, 4)), (date(2026, 10, 5), date(2026, 10, 11))]
    assert stats.volume[-1] == VolumeBucket(date(2026, 11, 30), date(2026, 11, 30), 1, "week")
    assert [b.label for b in stats.volume] == [
        "1 Oct", "5 Oct", "12 Oct", "19 Oct", "26 Oct", "2 Nov", "9 Nov", "16 Nov", "23 Nov",
        "30 Nov"]
    assert [b.count for b in stats.volume] == [0, 0, 0, 0, 1, 5, 0, 0, 1, 1]
    assert sum(b.count for b in stats.volume) == stats.received


def test_volume_per_category_puts_the_smallest_under_other(november):
    stats = period_statistics(*NOVEMBER, now=NOW)
    assert stats.categories == (("IT system failure", 3), ("Complaint", 1),
                                ("Facilities", 1), ("Service failure", 1),
                                ("Telephony outage", 1))
    short = period_statistics(*NOVEMBER, now=NOW, category_limit=3)
    assert short.categories == (("IT system failure", 3), ("Complaint", 1), (OTHER, 3))


def test_a_day_is_a_local_day(advisor):
    """In summer 23:30 UTC is 00:30 the next day in London, and belongs to that day."""
    late = log(advisor, datetime(2026, 6, 15, 23, 30, tzinfo=UTC))
    just_before = log(advisor, datetime(2026, 6, 15, 22, 59, tzinfo=UTC))
    now = datetime(2026, 7, 1, tzinfo=UTC)
    assert period_statistics(date(2026, 6, 16), date(2026, 6, 16), now=now).received == 1
    assert period_statistics(date(2026, 6, 15), date(2026, 6, 15), now=now).received == 1
    assert [r.reference for r in period_incidents(date(2026, 6, 16), date(2026, 6, 16))] == [
        late.reference]
    assert [r.reference for r in period_incidents(date(2026, 6, 15), date(2026, 6, 15))] == [
        just_before.reference]
    june = period_statistics(date(2026, 6, 1), date(2026, 6, 30), now=now)
    assert [(b.first.day, b.count) for b in june.volume if b.count] == [(15, 1), (16, 1)]


def test_an_empty_period_is_all_zeros(db):
    stats = period_statistics(*NOVEMBER, now=NOW)
    assert (stats.received, stats.resolved, stats.open_at_end, stats.escalations) == (0,) * 4
    assert stats.mean_to_resolve is None and stats.median_to_resolve is None
    assert [p.received for p in stats.priorities] == [0] * 5
    assert stats.categories == () and stats.by_status == ()
    assert len(stats.volume) == 30 and {b.count for b in stats.volume} == {0}
    assert period_incidents(*NOVEMBER) == []


def test_the_incidents_are_listed_in_received_order_without_the_caller(november, advisor):
    rows = period_incidents(*NOVEMBER, now=NOW)
    assert [r.reference for r in rows] == [
        "INC-2026-000001", "INC-2026-000002", "INC-2026-000003", "INC-2026-000004",
        "INC-2026-000005", "INC-2026-000006", "INC-2026-000007"]
    b = rows[1]
    assert (b.received_at, b.category, b.priority_label, b.status) == (
        utc(3, 10), "Telephony outage", "P1 Critical", Status.RESOLVED)
    assert (b.responded_at, b.resolved_at) == (utc(3, 10, 30), utc(3, 18))
    assert (b.response, b.resolution) == (BREACHED, BREACHED)
    assert b.time_to_resolve == timedelta(hours=8)
    assert b.owner == ""
    e, f, g = rows[4:]
    assert (e.responded_at, e.resolved_at, e.time_to_resolve) == (None, None, None)
    assert (e.response, e.resolution) == (BREACHED, BREACHED)  # overdue, as the counts say
    assert (f.response, f.resolution) == (MET, MET)
    assert f.owner == advisor.display_name
    assert (g.response, g.resolution) == (PENDING, PENDING)
    assert not any(hasattr(r, "caller_name") for r in rows)


@pytest.mark.parametrize(("start", "end", "words"), [
    (date(2026, 11, 30), date(2026, 11, 1),
     "The period ends (1 Nov 2026) before it starts (30 Nov 2026)."),
    (date(2025, 1, 1), date(2026, 1, 2),
     "The period is 367 days long; a report covers at most 366 days."),
])
def test_a_period_that_cannot_be_reported_on_says_why(db, start, end, words):
    with pytest.raises(PeriodError) as raised:
        period_statistics(start, end)
    assert str(raised.value) == words
    with pytest.raises(PeriodError):
        period_incidents(start, end)


def test_a_leap_year_is_a_period(db):
    stats = period_statistics(date(2028, 1, 1), date(2028, 12, 31), now=NOW)
    assert stats.days == 366 and stats.volume_unit == "week"
    assert period_text(date(2028, 1, 1), date(2028, 12, 31)) == "1 Jan 2028 – 31 Dec 2028"
