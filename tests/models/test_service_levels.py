"""The stored matrix, targets and calendar: defaults from domain.md, edits checked whole."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from app.models.entities import ClosedDay, ConfigChange, PriorityRule, SlaTarget
from app.models.permissions import Role, RolePermissionError
from app.models.priority import compute_priority
from app.models.service_levels import (
    ServiceLevelError,
    Target,
    due_times,
    load_calendar,
    load_matrix,
    load_service_levels,
    load_targets,
    save_calendar,
    save_matrix,
    save_service_levels,
    save_targets,
)
from app.models.users import current_user, ensure_user
from app.models.vocabulary import Level
from tests.conftest import NOW

pytestmark = pytest.mark.usefixtures("db")
H, M, L = Level.HIGH, Level.MEDIUM, Level.LOW


def test_default_matrix_is_domains():
    assert load_matrix() == {(H, H): 1, (H, M): 2, (H, L): 3, (M, H): 2, (M, M): 3,
                             (M, L): 4, (L, H): 3, (L, M): 4, (L, L): 5}
    assert compute_priority("medium", "high") == 2


def test_an_edited_matrix_changes_priorities():
    matrix = load_matrix()
    matrix[(M, H)] = 1
    save_matrix(matrix)
    assert compute_priority(M, H) == 1
    assert compute_priority(M, H, load_matrix()) == 1


def test_a_matrix_with_holes_is_refused_whole():
    matrix = load_matrix()
    matrix[(H, H)] = 7
    del matrix[(L, L)]
    matrix[(M, M)] = 1
    with pytest.raises(ServiceLevelError) as excinfo:
        save_matrix(matrix)
    assert excinfo.value.problems == [
        "Impact high x urgency high needs a priority from P1 to P5.",
        "Impact low x urgency low needs a priority from P1 to P5.",
    ]
    assert PriorityRule.get(impact="medium", urgency="medium").priority == 3


def test_default_targets_are_domains():
    targets = load_targets()
    assert targets[1] == Target(1, timedelta(minutes=15), timedelta(hours=4), True)
    assert targets[2] == Target(2, timedelta(minutes=30), timedelta(hours=8), False)
    assert targets[5].resolve == timedelta(hours=100)


def test_bad_targets_are_refused_whole():
    targets = list(load_targets().values())
    targets[0] = Target(1, timedelta(0), timedelta(hours=4), True)
    targets[2] = Target(3, timedelta(hours=30), timedelta(hours=24), False)
    with pytest.raises(ServiceLevelError) as excinfo:
        save_targets(targets[:4])
    assert excinfo.value.problems == [
        "P1: targets must be longer than zero.",
        "P3: the response target cannot be longer than the resolution target.",
        "P5 needs targets.",
    ]
    assert SlaTarget.get_by_id(1).respond_minutes == 15


def test_targets_are_saved():
    targets = list(load_targets().values())
    targets[1] = Target(2, timedelta(minutes=20), timedelta(hours=6), False)
    save_targets(targets)
    assert load_targets()[2].resolve == timedelta(hours=6)


def test_default_calendar_is_domains():
    calendar = load_calendar()
    assert calendar.hours == ((time(8), time(18)),) * 5 + (None, None)
    assert (calendar.zone, calendar.holiday_region) == ("Europe/London", "ENG")


def test_calendar_edits_are_saved_and_used():
    hours = ((time(9), time(17)),) * 6 + (None,)
    save_calendar(hours, "Europe/London", None, {date(2026, 11, 25): "Staff training"})
    calendar = load_calendar()
    assert calendar.hours == hours
    assert calendar.holiday_region is None
    assert calendar.closed_days == {date(2026, 11, 25)}
    assert ClosedDay.get().reason == "Staff training"


def test_a_calendar_with_no_hours_is_refused_and_nothing_changes():
    with pytest.raises(ServiceLevelError, match="open on at least one weekday"):
        save_calendar((None,) * 7, "Europe/London", "ENG", {date(2026, 1, 2): "x"})
    assert load_calendar().hours[0] == (time(8), time(18))
    assert ClosedDay.select().count() == 0


def test_due_times_use_the_priority_clock():
    friday = datetime(2026, 11, 20, 17, tzinfo=UTC)
    p1 = due_times(1, friday, [])
    assert (p1.response_due, p1.resolution_due) == (friday + timedelta(minutes=15),
                                                    friday + timedelta(hours=4))
    late_friday = friday + timedelta(minutes=45)  # 15 minutes before closing
    p2 = due_times(2, late_friday, [])
    assert p2.response_due == datetime(2026, 11, 23, 8, 15, tzinfo=UTC)
    assert p2.resolution_due == datetime(2026, 11, 23, 15, 45, tzinfo=UTC)
    on_hold = due_times(2, late_friday, [(late_friday, None)])
    assert on_hold.response_due == p2.response_due and on_hold.resolution_due is None


# --- all together, as a team leader saves them ---------------------------------------------
def leader():
    return ensure_user("tess.leader", "Tess Leader", Role.TEAM_LEADER)


def test_an_advisor_may_not_change_service_levels():
    advisor = ensure_user("sam.advisor", "Sam Advisor")
    levels = load_service_levels()
    levels.matrix[(L, L)] = 4
    with pytest.raises(RolePermissionError, match="Sam Advisor is advisor; only an "
                                                  "administrator or a team leader can"):
        save_service_levels(levels, advisor)
    assert load_matrix()[(L, L)] == 5
    assert ConfigChange.select().count() == 0


def test_every_problem_is_named_and_nothing_is_saved():
    levels = load_service_levels()
    levels.matrix[(H, H)] = None
    levels.matrix[(M, M)] = 2  # a valid edit, not saved either
    targets = [replace(t, resolve=timedelta(0)) if t.priority == 4 else t
               for t in levels.targets]
    calendar = replace(levels.calendar, hours=(None,) * 7)
    bad = replace(levels, targets=targets, calendar=calendar)
    with pytest.raises(ServiceLevelError) as excinfo:
        save_service_levels(bad, leader())
    assert excinfo.value.problems == [
        "Impact high x urgency high needs a priority from P1 to P5.",
        "P4: targets must be longer than zero.",
        "The service must be open on at least one weekday.",
    ]
    assert load_service_levels() == replace(levels, matrix=load_matrix())
    assert load_matrix()[(M, M)] == 3


def test_saving_records_each_change_with_who_and_when():
    levels = load_service_levels()
    levels.matrix[(L, H)] = 2
    targets = [replace(t, resolve=timedelta(hours=20)) if t.priority == 3 else t
               for t in levels.targets]
    hours = list(levels.calendar.hours)
    hours[5] = (time(9), time(13))  # open Saturday mornings
    calendar = replace(levels.calendar, hours=tuple(hours),
                       closed_days={date(2026, 12, 24): "Christmas Eve"})
    who = leader()
    changes = save_service_levels(replace(levels, targets=targets, calendar=calendar), who,
                                  now=NOW)
    assert changes == [
        "Impact low x urgency high: P3 -> P2",
        "P3 resolve within: 24h 00m -> 20h 00m",
        "Saturday: closed -> 09:00–13:00",
        "Closed day added: 24/12/2026 Christmas Eve",
    ]
    assert [(c.area, c.user_id, c.at) for c in ConfigChange.select()] == [
        ("matrix", who.id, NOW), ("targets", who.id, NOW), ("calendar", who.id, NOW),
        ("calendar", who.id, NOW)]
    assert compute_priority(L, H) == 2
    assert load_targets()[3].resolve == timedelta(hours=20)
    assert load_calendar().hours[5] == (time(9), time(13))
    assert save_service_levels(load_service_levels(), who) == []  # nothing changed


def test_an_unknown_bank_holiday_region_is_refused():
    levels = load_service_levels()
    bad = replace(levels, calendar=replace(levels.calendar, holiday_region="XYZ"))
    with pytest.raises(ServiceLevelError, match="'XYZ' is not a region of bank holidays"):
        save_service_levels(bad, leader())


def test_the_first_user_of_a_new_database_administers_it():
    first = current_user()
    assert first.role == Role.ADMINISTRATOR
    second = ensure_user("someone.else")
    assert second.role == Role.ADVISOR
