"""The stored matrix, targets and calendar: defaults from domain.md, edits checked whole."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from app.models.entities import ClosedDay, PriorityRule, SlaTarget
from app.models.priority import compute_priority
from app.models.service_levels import (
    ServiceLevelError,
    Target,
    due_times,
    load_calendar,
    load_matrix,
    load_targets,
    save_calendar,
    save_matrix,
    save_targets,
)
from app.models.vocabulary import Level

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
