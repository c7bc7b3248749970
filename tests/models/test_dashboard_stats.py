"""The dashboard's figures, from a known month of incidents made through the real operations:
every figure, a team's, the local day's boundaries, an empty period."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.models.dashboard_stats import (
    CategoryCount,
    EscalationStats,
    Preset,
    ProblemCount,
    RepeatCaller,
    RepeatStats,
    SatisfactionStats,
    TargetCount,
    dashboard_statistics,
    preset_period,
    short_period_text,
)
from app.models.incident_log import IncidentLog
from app.models.period_stats import PeriodError, SlaCounts, VolumeBucket
from app.models.users import ensure_user
from tests.conftest import category
from tests.models.dashboard_data import NOVEMBER, NOW, log_dashboard_month
from tests.models.test_period_stats import log

H = timedelta(hours=1)


@pytest.fixture
def month(advisor, colleague, leader):
    return log_dashboard_month(advisor, colleague, leader)


def test_volume_counts_each_local_day_and_iso_week(month):
    stats = dashboard_statistics(*NOVEMBER, now=NOW)
    assert stats.received == 5
    assert len(stats.days) == 30
    assert {b.first.day: b.count for b in stats.days if b.count} == {2: 1, 3: 1, 4: 1, 27: 1,
                                                                      30: 1}
    # Sunday 1 Nov is the end of an ISO week; Monday 30 Nov the start of the last
    assert [(b.first.day, b.last.day, b.count) for b in stats.weeks] == [
        (1, 1, 0), (2, 8, 3), (9, 15, 0), (16, 22, 0), (23, 29, 1), (30, 30, 1)]
    assert stats.weeks[1] == VolumeBucket(date(2026, 11, 2), date(2026, 11, 8), 3, "week")


def test_categories_most_first_with_their_ids(month):
    stats = dashboard_statistics(*NOVEMBER, now=NOW)
    assert stats.categories == tuple(
        CategoryCount(category(name).id, name, n) for name, n in (
            ("IT system failure", 2), ("Complaint", 1), ("Service failure", 1),
            ("Telephony outage", 1)))


def test_priorities_times_to_resolve_and_sla(month):
    stats = dashboard_statistics(*NOVEMBER, now=NOW)
    p1, p2, p3, p4, p5 = stats.priorities
    assert [p.received for p in stats.priorities] == [2, 1, 1, 0, 1]
    assert [p.resolved for p in stats.priorities] == [2, 1, 0, 0, 0]
    assert (p1.mean_to_resolve, p1.median_to_resolve) == (5 * H, 5 * H)
    assert (p2.mean_to_resolve, p2.median_to_resolve) == (timedelta(minutes=20),) * 2
    assert p3.mean_to_resolve is None and p4.median_to_resolve is None
    assert (p1.response, p1.resolution) == (SlaCounts(1, 1, 0), SlaCounts(1, 1, 0))
    assert (p2.response, p2.resolution) == (SlaCounts(1, 0, 0), SlaCounts(1, 0, 0))
    assert (p3.response, p3.resolution) == (SlaCounts(0, 1, 0), SlaCounts(0, 1, 0))
    assert (p5.response, p5.resolution) == (SlaCounts(0, 0, 1), SlaCounts(0, 0, 1))
    assert p4.response == SlaCounts()
    assert stats.response == stats.resolution == SlaCounts(2, 2, 1)
    assert stats.resolved == 3
    assert stats.mean_to_resolve == timedelta(hours=3, minutes=26, seconds=40)
    assert stats.median_to_resolve == 2 * H


def test_sla_judged_at_now(month):
    """E (P5) falls due on Wednesday 2 Dec 17:00: pending before, breached after."""
    later = dashboard_statistics(*NOVEMBER, now=datetime(2026, 12, 3, 9, tzinfo=UTC))
    assert later.priorities[4].response == SlaCounts(0, 1, 0)
    assert later.response == SlaCounts(2, 3, 0)


def test_escalations_of_the_periods_incidents(month):
    stats = dashboard_statistics(*NOVEMBER, now=NOW)
    assert stats.escalations == EscalationStats(3, 2, (
        TargetCount("IT", "IT service desk", "functional", 1, 1),
        TargetCount("L2", "L2 team leader", "hierarchical", 1, 1),
        TargetCount("L3", "L3 contact-centre manager", "hierarchical", 1, 1)))


def test_repeat_callers_and_repeat_incidents(month):
    stats = dashboard_statistics(*NOVEMBER, now=NOW)
    # Olivia's number written two ways is one caller; Marcus, with no number, is known by
    # his name in any case; C repeats A, and A repeats the incident of 31 October
    assert stats.repeats == RepeatStats(callers=2, incidents=5, top=(
        RepeatCaller("phone:01614960123", "Olivia Taylor", "•••• ••• •123", 3),
        RepeatCaller("name:marcus okonkwo", "MARCUS OKONKWO", "", 2)),
        repeat_incidents=2, window_days=7)


def test_satisfaction_scores_and_average(month):
    stats = dashboard_statistics(*NOVEMBER, now=NOW)
    assert stats.satisfaction.scores == ((1, 0), (2, 1), (3, 0), (4, 1), (5, 1))
    assert stats.satisfaction.responses == 3
    assert stats.satisfaction.average == pytest.approx(11 / 3)


def test_incidents_per_problem(month):
    stats = dashboard_statistics(*NOVEMBER, now=NOW)
    problem = month["problem"]
    assert stats.problems == (ProblemCount(problem.id, problem.reference, problem.title,
                                           "open", 2),)
    assert stats.problem_incidents == 2


def test_a_team_counts_what_its_members_own_or_logged_unowned(month):
    north = dashboard_statistics(*NOVEMBER, team_id=month["north"].id, now=NOW)
    assert north.received == 2  # A and B: logged by the advisor, nobody owns them
    assert [p.received for p in north.priorities] == [2, 0, 0, 0, 0]
    # the phone as written on the caller's latest incident in the team (B), masked
    assert north.repeats == RepeatStats(1, 2, (
        RepeatCaller("phone:01614960123", "Olivia Taylor", "••••••••123", 2),), 1)
    assert north.escalations.escalations == 3
    assert north.satisfaction.scores == ((1, 0), (2, 1), (3, 0), (4, 0), (5, 1))
    assert north.problem_incidents == 1
    south = dashboard_statistics(*NOVEMBER, team_id=month["south"].id, now=NOW)
    assert south.received == 3  # C owned by the colleague, D logged by them, E owned
    assert {c.name: c.count for c in south.categories} == {
        "IT system failure": 1, "Complaint": 1, "Service failure": 1}
    assert south.repeats.callers == 1 and south.repeats.repeat_incidents == 1
    assert south.escalations == EscalationStats()
    assert south.response == SlaCounts(1, 1, 1)


def test_every_figure_opens_the_incidents_it_counted(month):
    """The log's filter of the period and team, narrowed as a bar narrows it, counts what
    the figure counted."""
    from dataclasses import replace

    for team in (None, month["north"].id, month["south"].id):
        stats = dashboard_statistics(*NOVEMBER, team_id=team, now=NOW)
        base = stats.log_filter()

        def count(base=base, **narrowed):
            return IncidentLog(replace(base, **narrowed), now=NOW).count()

        assert count() == stats.received
        for bucket in (*stats.days, *stats.weeks):
            assert count(received_from=bucket.first, received_to=bucket.last) == bucket.count
        for cat in stats.categories:
            assert count(category_id=cat.id) == cat.count
        for p in stats.priorities:
            assert count(priorities=frozenset({p.priority})) == p.received
            assert count(priorities=frozenset({p.priority}),
                         statuses=frozenset({"resolved", "closed"})) == p.resolved
            for outcome in ("met", "breached", "pending"):
                assert count(priorities=frozenset({p.priority}),
                             response=outcome) == getattr(p.response, outcome)
                assert count(priorities=frozenset({p.priority}),
                             resolution=outcome) == getattr(p.resolution, outcome)
        assert count(escalated=True) == stats.escalations.incidents
        for target in stats.escalations.targets:
            assert count(escalation_target=target.code) == target.incidents
        for caller in stats.repeats.top:
            assert count(caller=caller.key) == caller.incidents
        assert count(repeats=True) == stats.repeats.repeat_incidents
        for value, n in stats.satisfaction.scores:
            assert count(satisfaction=value) == n
        for problem in stats.problems:
            assert count(problem_id=problem.id) == problem.incidents


def test_local_days_follow_summer_time(advisor):
    """23:30 UTC on 30 June is 00:30 on 1 July in London: July's, not June's."""
    log(advisor, datetime(2026, 6, 30, 23, 30, tzinfo=UTC), 3)
    log(advisor, datetime(2026, 6, 30, 22, 59, tzinfo=UTC), 3)
    july = dashboard_statistics(date(2026, 7, 1), date(2026, 7, 31),
                                now=datetime(2026, 8, 1, tzinfo=UTC))
    assert july.received == 1 and july.days[0].count == 1
    june = dashboard_statistics(date(2026, 6, 1), date(2026, 6, 30),
                                now=datetime(2026, 8, 1, tzinfo=UTC))
    assert june.received == 1 and june.days[-1].count == 1


def test_an_empty_period_gives_zeros(month):
    stats = dashboard_statistics(date(2026, 1, 1), date(2026, 1, 31), now=NOW)
    assert stats.received == stats.resolved == 0
    assert len(stats.days) == 31 and not any(b.count for b in stats.days)
    assert sum(b.count for b in stats.weeks) == 0
    assert stats.categories == () and stats.problems == ()
    assert all(p.received == 0 and p.mean_to_resolve is None for p in stats.priorities)
    assert stats.mean_to_resolve is None and stats.median_to_resolve is None
    assert stats.escalations == EscalationStats()
    assert stats.repeats == RepeatStats()
    assert stats.satisfaction == SatisfactionStats()
    assert stats.satisfaction.responses == 0 and stats.satisfaction.average is None


def test_a_team_without_incidents_gives_zeros(month, leader):
    from app.models.teams import create_team

    empty = create_team("Night shift", leader)
    stats = dashboard_statistics(*NOVEMBER, team_id=empty.id, now=NOW)
    assert stats.received == 0 and stats.repeats == RepeatStats()


def test_erased_and_anonymous_callers_are_nobodys(advisor, db):
    """Callers with no name to go by are not counted as one repeat caller."""
    when = datetime(2026, 11, 10, 10, tzinfo=UTC)
    for hours in range(3):
        log(advisor, when + hours * H, 4, caller_name="Anonymous", caller_phone="",
            caller_email="")
    stats = dashboard_statistics(*NOVEMBER, now=NOW)
    assert stats.received == 3 and stats.repeats == RepeatStats()


@pytest.mark.parametrize(("start", "end", "message"), [
    (date(2026, 11, 30), date(2026, 11, 1), "ends"),
    (date(2025, 1, 1), date(2026, 6, 30), "at most 366 days"),
])
def test_a_period_that_cannot_be_shown_is_refused(db, start, end, message):
    with pytest.raises(PeriodError, match=message):
        dashboard_statistics(start, end)


def test_users_outside_any_team_count_for_all_teams_only(db, advisor):
    loner = ensure_user("no.team", "No Team")
    log(loner, datetime(2026, 11, 5, 10, tzinfo=UTC), 4)
    assert dashboard_statistics(*NOVEMBER, now=NOW).received == 1


@pytest.mark.parametrize(("preset", "first", "last"), [
    (Preset.LAST_7_DAYS, date(2026, 2, 26), date(2026, 3, 4)),
    (Preset.LAST_30_DAYS, date(2026, 2, 3), date(2026, 3, 4)),
    (Preset.THIS_MONTH, date(2026, 3, 1), date(2026, 3, 4)),
    (Preset.LAST_MONTH, date(2026, 2, 1), date(2026, 2, 28)),
    (Preset.THIS_YEAR, date(2026, 1, 1), date(2026, 3, 4)),
])
def test_preset_periods_count_back_from_today(preset, first, last):
    assert preset_period(preset, date(2026, 3, 4)) == (first, last)


def test_last_month_in_january_is_last_years_december():
    assert preset_period(Preset.LAST_MONTH, date(2027, 1, 15)) == (date(2026, 12, 1),
                                                                  date(2026, 12, 31))


def test_a_custom_period_has_no_preset_days():
    with pytest.raises(ValueError, match="no fixed days"):
        preset_period(Preset.CUSTOM, date(2026, 3, 4))


@pytest.mark.parametrize(("start", "end", "text"), [
    (date(2026, 11, 2), date(2026, 11, 2), "2 Nov 2026"),
    (date(2026, 11, 1), date(2026, 11, 30), "1–30 Nov 2026"),
    (date(2026, 10, 1), date(2026, 11, 30), "1 Oct – 30 Nov 2026"),
    (date(2025, 12, 1), date(2026, 1, 31), "1 Dec 2025 – 31 Jan 2026"),
])
def test_short_period_text(start, end, text):
    assert short_period_text(start, end) == text
