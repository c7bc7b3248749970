"""The medians of the times to resolve, taken from the middle of each sorted set (ORDER BY
with LIMIT and OFFSET); the index the period's figures are read from (schema 11) and the one
the log sorted by Nature (schema 12) and by SLA (schema 14) are."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.models.db import database
from app.models.lifecycle import Status
from app.models.period_stats import (
    check_period,
    period_statistics,
    priority_stats,
    resolve_medians,
)
from tests.models.test_period_stats import NOVEMBER, NOW, log, move, utc

H = 3600.0


def resolved(user, day: int, hours: float, priority: int, month: int = 11):
    incident = log(user, utc(day, 9, month=month), priority)
    move(incident, Status.RESOLVED, utc(day, 9, month=month) + timedelta(hours=hours), user)
    return incident


def test_medians_per_priority_and_overall_from_the_middle_rows(advisor):
    for day, hours in ((2, 1), (3, 10), (4, 2)):  # P1: 1h 2h 10h
        resolved(advisor, day, hours, 1)
    for day, hours in ((5, 6), (6, 4)):  # P3: 4h 6h
        resolved(advisor, day, hours, 3)
    log(advisor, utc(9, 9), 3)  # open: not in any median
    resolved(advisor, 20, 50, 1, month=10)  # October: outside the period
    first, after = check_period(*NOVEMBER)
    medians, overall = resolve_medians(first, after)
    # julianday() is exact to a few microseconds
    assert {p: round(s) for p, s in medians.items()} == {1: 2 * H, 3: 5 * H}
    assert round(overall) == 4 * H  # 1h 2h 4h 6h 10h
    assert resolve_medians(first, after, overall=False) == (medians, None)
    # counts given by the caller (priority_stats has them): the same medians
    assert resolve_medians(first, after, resolved={1: 3, 3: 2}) == (medians, overall)


def test_no_incident_resolved_gives_no_median(advisor):
    log(advisor, utc(2, 9), 2)
    first, after = check_period(*NOVEMBER)
    assert resolve_medians(first, after) == ({}, None)
    stats, totals, mean, median = priority_stats(first, after, NOW)
    assert (totals["received"], mean, median) == (1, None, None)
    assert all(p.median_to_resolve is None for p in stats)


def test_the_overall_median_can_be_left_out(advisor):
    for day, hours in ((2, 1), (3, 3)):
        resolved(advisor, day, hours, 2)
    first, after = check_period(*NOVEMBER)
    stats, _, _, median = priority_stats(first, after, NOW, overall_median=False)
    assert median is None
    assert stats[1].median_to_resolve == timedelta(hours=2)
    assert period_statistics(*NOVEMBER, now=NOW).median_to_resolve == timedelta(hours=2)


@pytest.mark.sqlite_only("SQLite's query plan")
def test_a_periods_figures_are_read_from_the_period_index_not_the_rows(db):
    """Schema 11: every column the figures use is in incident_period, so SQLite never
    reads an incident's row (descriptions and all) to count it."""
    first, after = check_period(*NOVEMBER)
    captured: list[str] = []
    connection = database.connection()
    connection.set_trace_callback(captured.append)
    try:
        priority_stats(first, after, NOW)
    finally:
        connection.set_trace_callback(None)
    selects = [s for s in captured if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1  # no incident resolved: no median to look for
    plan = " | ".join(row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {selects[0]}"))
    assert "COVERING INDEX incident_period" in plan, plan


@pytest.mark.sqlite_only("SQLite's query plan")
def test_the_log_sorted_by_nature_reads_the_summary_index_in_order(db):
    """Schema 12: a page of the log by Nature (either way) is read from incident_summary,
    not found by sorting every incident."""
    from app.models.incident_log import IncidentLog, SortKey

    connection = database.connection()
    for descending in (False, True):
        log = IncidentLog(sort=SortKey.NATURE, descending=descending)
        captured: list[str] = []
        connection.set_trace_callback(captured.append)
        try:
            log._page_ids(0, 100, descending)
        finally:
            connection.set_trace_callback(None)
        plan = " | ".join(row[3] for row in connection.execute(
            f"EXPLAIN QUERY PLAN {captured[-1]}"))
        assert "INDEX incident_summary" in plan and "TEMP B-TREE" not in plan, plan


@pytest.mark.sqlite_only("SQLite's query plan")
def test_the_log_sorted_by_sla_reads_the_sla_order_index_in_order(db):
    """Schema 14 indexes SLA_ORDER's very expression: a page of the log by SLA (either
    way) is read from it, not found by sorting every incident."""
    from app.models.incident_log import IncidentLog, SortKey

    connection = database.connection()
    for descending in (False, True):
        captured: list[str] = []
        connection.set_trace_callback(captured.append)
        try:
            IncidentLog(sort=SortKey.SLA, descending=descending)._page_ids(0, 100, descending)
        finally:
            connection.set_trace_callback(None)
        plan = " | ".join(row[3] for row in connection.execute(
            f"EXPLAIN QUERY PLAN {captured[-1]}"))
        assert "INDEX incident_sla_order" in plan and "TEMP B-TREE" not in plan, plan
