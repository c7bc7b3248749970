"""The paged log query: filters, search, sorting and pages read from either end."""

import importlib
from collections import Counter
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from app.models.clock import to_local
from app.models.demo_data import generate
from app.models.dialect import on_postgres
from app.models.entities import Category, Incident, User
from app.models.incident_log import (
    OPEN_STATUSES,
    UNASSIGNED,
    IncidentLog,
    LogFilter,
    SortKey,
    fts_query,
)
from app.models.incidents import change_status, create_incident
from app.models.lifecycle import Status
from app.models.sla import ClockState
from tests.conftest import NOW, make_draft

COUNT = 640


@pytest.fixture
def incidents(db):
    generate(COUNT, seed=11, months=3, now=NOW)
    return list(Incident.select())


def _all_ids(log: IncidentLog, page: int = 37) -> list[int]:
    ids = []
    for offset in range(0, log.count(), page):
        ids.extend(row.id for row in log.rows(offset, page))
    return ids


def test_default_order_is_newest_first(incidents):
    log = IncidentLog()
    expected = [i.id for i in sorted(incidents, key=lambda i: (i.received_at, i.id),
                                     reverse=True)]
    assert log.count() == COUNT
    assert _all_ids(log) == expected


def _sort_values(incidents, key):
    categories = {c.id: c.name for c in Category.select()}
    owners = {u.id: u.display_name for u in User.select()}
    return {i.id: {
        SortKey.REFERENCE: i.id,
        SortKey.RECEIVED: i.received_at,
        SortKey.CALLER: i.caller_name,
        SortKey.NATURE: i.summary,
        SortKey.CATEGORY: categories[i.category_id],
        SortKey.PRIORITY: i.priority,
        SortKey.STATUS: i.status,
        SortKey.OWNER: owners.get(i.owner_id, ""),
        SortKey.SLA: _sla_order(i),
    }[key] for i in incidents}


def _sla_order(incident) -> str:
    """Open incidents by next deadline as stored text, then on hold, then closed."""
    if incident.status not in OPEN_STATUSES:
        return "9999-12-31"
    due = incident.response_due if incident.responded_at is None else incident.resolution_due
    return "9999-12-30" if due is None else Incident.response_due.db_value(due)


@pytest.mark.parametrize("key", list(SortKey))
@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_key_reads_the_same_from_both_ends(incidents, key, descending):
    """Pages in the second half are read backwards from the end; the order must hold."""
    log = IncidentLog(sort=key, descending=descending)
    ids = _all_ids(log)
    assert sorted(ids) == sorted(i.id for i in incidents)  # nothing skipped or repeated
    by_id = _sort_values(incidents, key)
    values = [by_id[i] for i in ids]
    assert values == sorted(values, reverse=descending)
    # ties are broken by id, in the same direction
    keyed = [(by_id[i], i) for i in ids]
    assert keyed == sorted(keyed, reverse=descending)
    # and position_of agrees with where each row was read
    for row in (0, 1, 319, 320, 500, COUNT - 1):
        assert log.position_of(ids[row]) == row


def test_rows_carry_what_the_log_shows(db, advisor):
    incident = create_incident(make_draft(owner_id=advisor.id), advisor, now=NOW)
    (row,) = IncidentLog().rows(0, 10)
    assert row.id == incident.id
    assert row.reference == "INC-2026-000001"
    assert row.received_at == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    assert (row.caller_name, row.category, row.priority, row.status, row.owner) == (
        "Olivia Taylor", "IT system failure", 2, "assigned", "Sam Advisor")


def test_reading_past_the_end_gives_nothing(incidents):
    log = IncidentLog()
    assert log.rows(COUNT, 50) == []
    assert len(log.rows(COUNT - 5, 50)) == 5


def test_status_priority_category_owner_filters(incidents):
    some = incidents[17]
    log_filter = LogFilter(statuses=frozenset({some.status}),
                           priorities=frozenset({some.priority}),
                           category_id=some.category_id, owner_id=some.owner_id)
    expected = {i.id for i in incidents if (i.status, i.priority, i.category_id,
                                            i.owner_id) == (some.status, some.priority,
                                                            some.category_id, some.owner_id)}
    log = IncidentLog(log_filter)
    assert log.count() == len(expected) >= 1
    assert set(_all_ids(log)) == expected


def test_open_statuses_filter(incidents):
    log = IncidentLog(LogFilter(statuses=OPEN_STATUSES))
    expected = {i.id for i in incidents if i.status not in ("resolved", "closed")}
    assert 0 < log.count() < COUNT
    assert set(_all_ids(log)) == expected


@pytest.mark.parametrize("statuses", [
    set(), {"closed"}, {"closed", "resolved"}, {"new", "reopened", "archived"},
    {s.value for s in Status}])
def test_statuses_alone_are_counted_from_the_counts_kept(incidents, advisor, statuses):
    """The log filtered by statuses alone (or not at all) is counted from schema 17's
    per-status counts, which must stay the rows' through every way a status is written:
    logged, moved on, changed in the table directly (even to a status outside the
    lifecycle), deleted."""
    create_incident(make_draft(), advisor)
    moved = next(i for i in incidents if i.status == "new")
    change_status(moved.id, Status.ASSIGNED, advisor)
    Incident.update(status="archived").where(Incident.id == incidents[3].id).execute()
    if not on_postgres():  # (a view there) incidents are never deleted but by hand:
        spare = create_incident(make_draft(), advisor)  # its history left behind
        db = Incident._meta.database
        db.execute_sql("PRAGMA foreign_keys = OFF")
        Incident.delete().where(Incident.id == spare.id).execute()
        db.execute_sql("PRAGMA foreign_keys = ON")
    stored = Counter(status for (status,) in Incident.select(Incident.status).tuples())
    log = IncidentLog(LogFilter(statuses=frozenset(statuses)))
    expected = sum(stored[s] for s in statuses) if statuses else sum(stored.values())
    assert log.count() == expected == len(_all_ids(log))
    assert stored["archived"] == 1


def test_the_status_counts_are_filled_from_the_incidents_on_upgrade(incidents):
    """Schema 17 counts the incidents already there."""
    if on_postgres():
        pytest.skip("a view on PostgreSQL: nothing to fill")
    migration = importlib.import_module("app.models.migrations.0017_status_counts")
    db = Incident._meta.database
    db.execute_sql("DELETE FROM incident_status_count")
    db.execute_sql(migration.FILL)
    counted = dict(db.execute_sql("SELECT status, incidents FROM incident_status_count"))
    assert counted == Counter(s for (s,) in Incident.select(Incident.status).tuples())
    assert sum(counted.values()) == COUNT


def test_unassigned_filter(incidents):
    log = IncidentLog(LogFilter(owner_id=UNASSIGNED))
    assert set(_all_ids(log)) == {i.id for i in incidents if i.owner_id is None}


def test_date_range_is_in_local_days(db, advisor):
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
    late = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    early = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)
    ids = {when: create_incident(make_draft(received_at=when), advisor, now=NOW).id
           for when in (late, early)}
    july = IncidentLog(LogFilter(received_from=date(2026, 7, 1), received_to=date(2026, 7, 1)))
    assert _all_ids(july) == [ids[late]]
    june = IncidentLog(LogFilter(received_to=date(2026, 6, 30)))
    assert _all_ids(june) == [ids[early]]


def test_date_range_matches_python(incidents):
    first, last = date(2026, 10, 1), date(2026, 10, 15)
    log = IncidentLog(LogFilter(received_from=first, received_to=last))
    expected = {i.id for i in incidents if first <= to_local(i.received_at).date() <= last}
    assert log.count() == len(expected) > 0
    assert set(_all_ids(log)) == expected


@pytest.mark.parametrize(("typed", "field"), [
    ("taylor", "caller_name"), ("TAYL", "caller_name"), ("olivia taylor", "caller_name"),
    ("INC-2026-000002", "reference"), ("inc-2026-000002", "reference"),
    ("000002", "reference"), ("2026 000002", "reference"),
    ("billing", "summary"), ("0161 496 0999", "caller_phone"),
])
def test_search_finds_by_caller_reference_phone_and_nature(db, advisor, typed, field):
    create_incident(make_draft(caller_name="Jack Brown", caller_phone="07700 900111",
                               summary="Lift out of order"), advisor, now=NOW)
    target = create_incident(make_draft(caller_phone="0161 496 0999"), advisor, now=NOW)
    log = IncidentLog(LogFilter(text=typed))
    assert [r.id for r in log.rows(0, 10)] == [target.id], field


def test_search_keeps_up_with_edits(db, advisor):
    incident = create_incident(make_draft(), advisor, now=NOW)
    Incident.update(caller_name="Harriet Quinn").where(Incident.id == incident.id).execute()
    assert IncidentLog(LogFilter(text="quinn")).count() == 1
    assert IncidentLog(LogFilter(text="taylor")).count() == 0


@pytest.mark.parametrize("typed", ['"', "AND", "*", "NEAR(", "o'brien", "-", "(x OR"])
def test_search_syntax_in_what_is_typed_is_just_text(db, advisor, typed):
    create_incident(make_draft(caller_name="Aoife O'Brien"), advisor, now=NOW)
    IncidentLog(LogFilter(text=typed)).count()  # must not raise
    assert IncidentLog(LogFilter(text="o'brien")).count() == 1


def test_fts_query_quotes_every_word():
    assert fts_query('smith "broadband') == '"smith"* "broadband"*'
    assert fts_query("  ") == ""


def test_search_with_filters_and_sorting(incidents):
    caller = incidents[3].caller_name.split()[-1]
    log = IncidentLog(LogFilter(text=caller, statuses=OPEN_STATUSES), sort=SortKey.PRIORITY)
    expected = [i for i in incidents if caller in i.caller_name and i.status in OPEN_STATUSES]
    ids = _all_ids(log, page=5)
    assert set(ids) == {i.id for i in expected}
    priorities = [Incident.get_by_id(i).priority for i in ids]
    assert priorities == sorted(priorities)


def test_position_of(incidents):
    log = IncidentLog()
    ids = _all_ids(log)
    assert log.position_of(ids[0]) == 0
    assert log.position_of(ids[500]) == 500
    newest = max(incidents, key=lambda i: i.received_at)
    assert IncidentLog(LogFilter(statuses=frozenset({"no-such"}))).position_of(newest.id) is None


def test_demo_times_fall_in_the_window(incidents):
    assert all(NOW - timedelta(days=95) <= i.received_at <= NOW for i in incidents)


@pytest.mark.parametrize("state", [ClockState.AT_RISK, ClockState.BREACHED])
def test_sla_filters_agree_with_each_rows_clock(incidents, state):
    """The SQL filter and the Python reading of each row apply one rule."""
    everything = IncidentLog(now=NOW)
    states = Counter(row.clock.state for row in everything.rows(0, COUNT))
    assert states[ClockState.BREACHED] and states[ClockState.ON_TRACK]
    log = IncidentLog(LogFilter(sla=state), now=NOW)
    expected = {row.id for row in everything.rows(0, COUNT) if row.clock.state == state}
    assert set(_all_ids(log)) == expected
    assert all(row.clock.state == state for row in log.rows(0, COUNT))


def test_at_risk_and_breached_move_with_time(db, advisor):
    monday = datetime(2026, 11, 23, 9, tzinfo=UTC)  # P2: respond by 09:30, at risk 09:22:30
    incident = create_incident(make_draft(received_at=monday), advisor, now=monday)

    def state_at(minutes):
        (row,) = IncidentLog(now=monday + timedelta(minutes=minutes)).rows(0, 5)
        filtered = {s for s in (ClockState.AT_RISK, ClockState.BREACHED) if IncidentLog(
            LogFilter(sla=s), now=monday + timedelta(minutes=minutes)).count()}
        return row.clock.state, filtered, row.clock.text(monday + timedelta(minutes=minutes))

    assert state_at(10) == (ClockState.ON_TRACK, set(), "Respond: 20m left")
    assert state_at(25) == (ClockState.AT_RISK, {ClockState.AT_RISK}, "Respond: 5m left")
    assert state_at(45) == (ClockState.BREACHED, {ClockState.BREACHED},
                            "Respond: breached 15m ago")
    change_status(incident.id, Status.IN_PROGRESS, advisor,
                  now=monday + timedelta(minutes=50))
    # responded: the resolution clock (due 17:00) is next
    assert state_at(60) == (ClockState.ON_TRACK, set(), "Resolve: 7h 00m left")


@pytest.mark.parametrize("stored", [
    "2026-11-24 14:05:00", "2026-11-24 14:05:00.250000", "2026-11-24T14:05:00",
    "2026-11-24 14:05:00+01:00", None, datetime(2026, 11, 24, 14, 5),
    datetime(2026, 11, 24, 15, 5, tzinfo=timezone(timedelta(hours=1)))])
def test_rows_read_stored_times_as_the_field_does(stored):
    """The log's own quick parse of a stored time agrees with UtcDateTimeField's."""
    from app.models.db import UtcDateTimeField
    from app.models.incident_log import _time

    expected = UtcDateTimeField().python_value(stored)
    assert _time(stored) == expected
    assert getattr(_time(stored), "tzinfo", None) == getattr(expected, "tzinfo", None)
