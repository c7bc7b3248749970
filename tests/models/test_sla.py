"""The SLA clock: service hours, weekends, bank holidays, daylight saving, pauses."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.models.sla import (
    CalendarError,
    ClockState,
    ServiceCalendar,
    clock_reading,
    counted_time,
    due_time,
    span_text,
)

LONDON = ZoneInfo("Europe/London")
OFFICE = (time(8), time(18))
CALENDAR = ServiceCalendar(hours=(OFFICE,) * 5 + (None, None))
HOUR = timedelta(hours=1)


def london(y, mo, d, h, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=LONDON)


def local(instant):
    return instant.astimezone(LONDON).replace(tzinfo=None)


def test_within_one_day():
    # Monday 23 November 2026, 09:00: eight business hours end at 17:00
    assert local(due_time(london(2026, 11, 23, 9), 8 * HOUR, CALENDAR)) == datetime(
        2026, 11, 23, 17)


def test_over_a_weekend():
    # Friday 16:00 + 8h: two hours on Friday, six on Monday
    assert local(due_time(london(2026, 11, 20, 16), 8 * HOUR, CALENDAR)) == datetime(
        2026, 11, 23, 14)


@pytest.mark.parametrize("start", [
    london(2026, 11, 21, 10),  # Saturday
    london(2026, 11, 20, 18),  # Friday, at closing
    london(2026, 11, 20, 23, 30),  # Friday night
    london(2026, 11, 23, 6),  # Monday, before opening
])
def test_a_clock_started_while_closed_starts_at_the_next_opening(start):
    assert local(due_time(start, timedelta(minutes=30), CALENDAR)) == datetime(
        2026, 11, 23, 8, 30)


def test_closing_time_is_the_last_instant_counted():
    assert local(due_time(london(2026, 11, 23, 17), HOUR, CALENDAR)) == datetime(
        2026, 11, 23, 18)


def test_christmas_and_boxing_day_observed():
    # Thursday 24 Dec 17:00 + 2h: one hour that day; 25 Dec, the weekend and Monday 28 Dec
    # (Boxing Day observed) are closed; the second hour is on Tuesday 29 Dec.
    assert local(due_time(london(2026, 12, 24, 17), 2 * HOUR, CALENDAR)) == datetime(
        2026, 12, 29, 9)


def test_easter():
    # Thursday 2 April 2026 17:00: Good Friday and Easter Monday are closed
    assert local(due_time(london(2026, 4, 2, 17), 2 * HOUR, CALENDAR)) == datetime(
        2026, 4, 7, 9)


def test_without_bank_holidays_christmas_is_a_working_day():
    calendar = ServiceCalendar(hours=CALENDAR.hours, holiday_region=None)
    assert local(due_time(london(2026, 12, 24, 17), 2 * HOUR, calendar)) == datetime(
        2026, 12, 25, 9)


def test_organisation_closed_days():
    calendar = ServiceCalendar(hours=CALENDAR.hours, closed_days=frozenset({date(2026, 11, 24)}))
    assert local(due_time(london(2026, 11, 23, 17), 2 * HOUR, calendar)) == datetime(
        2026, 11, 25, 9)


def test_spring_forward_keeps_wall_clock_opening():
    # Clocks go forward on Sunday 29 March 2026. Friday 17:00 GMT + 2h -> Monday 09:00 BST.
    due = due_time(london(2026, 3, 27, 17), 2 * HOUR, CALENDAR)
    assert local(due) == datetime(2026, 3, 30, 9)
    assert due == datetime(2026, 3, 30, 8, tzinfo=UTC)


def test_fall_back_keeps_wall_clock_opening():
    # Clocks go back on Sunday 25 October 2026. Friday 17:00 BST + 2h -> Monday 09:00 GMT.
    due = due_time(london(2026, 10, 23, 17), 2 * HOUR, CALENDAR)
    assert local(due) == datetime(2026, 10, 26, 9)
    assert due == datetime(2026, 10, 26, 9, tzinfo=UTC)


@pytest.mark.parametrize("start", [london(2026, 3, 29, 0, 30), london(2026, 10, 25, 0, 30)])
def test_the_24x7_clock_counts_real_hours_across_daylight_saving(start):
    due = due_time(start, 4 * HOUR, None)
    assert due - start == 4 * HOUR


def test_pause_across_a_night():
    # Monday 09:00 + 8h, on hold from Monday 12:00 to Tuesday 10:00:
    # three hours on Monday, five on Tuesday from 10:00.
    pauses = [(london(2026, 11, 23, 12), london(2026, 11, 24, 10))]
    assert local(due_time(london(2026, 11, 23, 9), 8 * HOUR, CALENDAR, pauses)) == datetime(
        2026, 11, 24, 15)


def test_pauses_on_the_24x7_clock_push_the_due_time_back():
    start = london(2026, 11, 23, 9)
    pauses = [(start + HOUR, start + 2 * HOUR), (start + 90 * timedelta(minutes=1),
                                                 start + 3 * HOUR)]  # overlapping
    assert due_time(start, 4 * HOUR, None, pauses) == start + 6 * HOUR


def test_an_open_pause_stops_the_clock():
    start = london(2026, 11, 23, 9)
    assert due_time(start, 8 * HOUR, CALENDAR, [(start + HOUR, None)]) is None
    # a pause opened after the due time does not matter
    assert local(due_time(start, 2 * HOUR, CALENDAR, [(start + 3 * HOUR, None)])) == \
        datetime(2026, 11, 23, 11)


def test_counted_time():
    start = london(2026, 11, 20, 16)  # Friday
    assert counted_time(start, london(2026, 11, 23, 10), CALENDAR) == 4 * HOUR
    assert counted_time(start, start - HOUR, CALENDAR) == timedelta(0)
    pauses = [(london(2026, 11, 23, 8), None)]  # on hold since Monday's opening
    assert counted_time(start, london(2026, 11, 23, 12), CALENDAR, pauses) == 2 * HOUR


@pytest.mark.parametrize("target", [timedelta(0), -HOUR])
def test_targets_must_be_positive(target):
    with pytest.raises(ValueError, match="longer than zero"):
        due_time(london(2026, 11, 23, 9), target, CALENDAR)


@pytest.mark.parametrize(("hours", "message"), [
    ((None,) * 7, "open on at least one weekday"),
    (((time(18), time(8)),) + (None,) * 6, "Monday: opening .18:00. must come before"),
    ((OFFICE,) * 5, "each of the seven weekdays"),
])
def test_unusable_calendars_are_refused(hours, message):
    with pytest.raises(CalendarError, match=message):
        ServiceCalendar(hours=hours)


def test_an_unknown_zone_is_refused():
    with pytest.raises(CalendarError, match="'Mars/Olympus' is not a known time zone"):
        ServiceCalendar(hours=CALENDAR.hours, zone="Mars/Olympus")


# --- properties --------------------------------------------------------------------------
instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31),
                        timezones=st.just(UTC))
targets = st.integers(min_value=1, max_value=100 * 60).map(lambda m: timedelta(minutes=m))
calendars = st.sampled_from([None, CALENDAR])


@st.composite
def pause_lists(draw, start):
    pauses = []
    for _ in range(draw(st.integers(0, 3))):
        begin = start + timedelta(minutes=draw(st.integers(-600, 20_000)))
        length = timedelta(minutes=draw(st.integers(1, 5_000)))
        pauses.append((begin, begin + length))
    return pauses


@settings(max_examples=150, deadline=None)
@given(start=instants, target=targets, calendar=calendars)
def test_due_time_is_never_before_start_plus_target(start, target, calendar):
    due = due_time(start, target, calendar)
    assert due >= start + target
    assert counted_time(start, due, calendar) == target


@settings(max_examples=150, deadline=None)
@given(data=st.data(), start=instants, target=targets, calendar=calendars)
def test_pausing_never_makes_a_due_time_earlier(data, start, target, calendar):
    pauses = data.draw(pause_lists(start))
    plain = due_time(start, target, calendar)
    paused = due_time(start, target, calendar, pauses)
    assert paused >= plain
    assert counted_time(start, paused, calendar, pauses) == target


@settings(max_examples=100, deadline=None)
@given(start=instants, a=targets, b=targets, calendar=calendars)
def test_a_longer_target_is_never_due_sooner(start, a, b, calendar):
    short, long_ = sorted((a, b))
    assert due_time(start, short, calendar) <= due_time(start, long_, calendar)


@pytest.mark.parametrize(("span", "text"), [
    (timedelta(minutes=12), "12m"), (timedelta(hours=2, minutes=5), "2h 05m"),
    (timedelta(days=3, hours=4, minutes=59), "3d 4h"), (timedelta(seconds=59), "0m")])
def test_span_text(span, text):
    assert span_text(span) == text


def test_clock_reading_of_closed_and_paused_incidents():
    now = london(2026, 11, 23, 12)
    due = london(2026, 11, 23, 17)
    closed = clock_reading(False, True, due, due, due, due, False, now)
    assert (closed.state, closed.text(now)) == (ClockState.MISSED, "Missed")
    assert clock_reading(False, True, due, due, due, due, True, now).state == ClockState.MET
    paused = clock_reading(True, True, due, due, None, None, None, now)
    assert (paused.state, paused.text(now)) == (ClockState.PAUSED, "On hold")
