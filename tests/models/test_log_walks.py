"""Pages read down an index when many incidents match (received order down incident_period,
category and owner order a group of names at a time): the same count, pages, order and
positions as the join and sort they stand in for, and the indexes really used."""

from __future__ import annotations

import re

import pytest

from app.models import incident_log
from app.models.db import database
from app.models.demo_data import generate
from app.models.entities import Category, Incident, User
from app.models.incident_log import (
    OPEN_STATUSES,
    UNASSIGNED,
    IncidentLog,
    LogFilter,
    SortKey,
)
from app.models.users import ensure_user
from tests.conftest import NOW

COUNT = 300
WALKED = (SortKey.RECEIVED, SortKey.CATEGORY, SortKey.OWNER)


@pytest.fixture
def incidents(db):
    """Demo incidents, some moved to a second category of an existing category's name and
    to a second user of an existing user's name, some to a user whose name is empty (who
    sorts with nobody), and some left to nobody."""
    generate(COUNT, seed=23, months=2, now=NOW)
    first = Category.select().where(Category.parent.is_null()).order_by(Category.id).first()
    parent = Category.select().where(Category.parent.is_null(),
                                     Category.id != first.id).first()
    twin_category = Category.create(name=first.name, parent=parent.id, position=99, active=True)
    owner = User.select().where(User.id.in_(
        Incident.select(Incident.owner).where(Incident.owner.is_null(False)))).first()
    twin = ensure_user("twin.owner", owner.display_name)
    blank = ensure_user("blank.owner", "someone")
    User.update(display_name="").where(User.id == blank.id).execute()
    ids = [i.id for i in Incident.select(Incident.id).order_by(Incident.id)]
    Incident.update(category=twin_category.id).where(Incident.id.in_(ids[::7])).execute()
    Incident.update(owner=twin.id).where(Incident.id.in_(ids[1::5])).execute()
    Incident.update(owner=blank.id).where(Incident.id.in_(ids[2::11])).execute()
    Incident.update(owner=None).where(Incident.id.in_(ids[3::6])).execute()
    return ids


def pages(log: IncidentLog, size: int = 7) -> list:
    """The count, every page read front to back, and each row's position."""
    total = log.count()
    ids = [row.id for offset in range(0, total, size) for row in log.rows(offset, size)]
    return [total, ids, [log.position_of(i) for i in ids[::3]]]


def filters() -> list[LogFilter]:
    some_category = Category.select().where(Category.parent.is_null()).first().id
    some_owner = Incident.select(Incident.owner).where(Incident.owner.is_null(False)).scalar()
    return [
        LogFilter(),
        LogFilter(priorities=frozenset({2})),
        LogFilter(statuses=frozenset({"closed"})),
        LogFilter(statuses=OPEN_STATUSES, priorities=frozenset({1, 2, 3})),
        LogFilter(owner_id=UNASSIGNED),
        LogFilter(owner_id=some_owner, statuses=frozenset({"closed"})),
        LogFilter(category_id=some_category),
        LogFilter(priorities=frozenset({3}), text="the"),
    ]


@pytest.mark.parametrize("key", WALKED)
@pytest.mark.parametrize("descending", [True, False])
def test_walked_pages_are_the_sorted_pages(incidents, monkeypatch, key, descending):
    for log_filter in filters():
        found = {}
        for way, factor in (("walked", 10**9), ("sorted", 0)):
            monkeypatch.setattr(incident_log, "WALK_FACTOR", factor)
            found[way] = pages(IncidentLog(log_filter, key, descending))
        assert found["walked"] == found["sorted"], log_filter
        total, ids, positions = found["sorted"]
        assert positions == list(range(0, total, 3))
        assert len(set(ids)) == total


def test_a_sparse_filter_is_sorted_not_walked(incidents, monkeypatch):
    """Few matches: sorting them is cheaper than walking the index to find them."""
    walked = []
    monkeypatch.setattr(IncidentLog, "_period_page_ids",
                        lambda _log, *args: walked.append(args) or [])
    rare = IncidentLog(LogFilter(priorities=frozenset({1})))
    assert 0 < rare.count() ** 2 * incident_log.WALK_FACTOR < 100 * max(incidents)
    assert len(rare.rows(0, 100)) == rare.count()
    assert walked == []
    many = IncidentLog(LogFilter(statuses=frozenset({"closed"})))
    assert many.count() ** 2 * incident_log.WALK_FACTOR >= 100 * max(incidents)
    many.rows(0, 100)
    assert walked == ([] if incident_log.on_postgres() else [(0, 100, True)])


def page_statements(log: IncidentLog) -> list[str]:
    """The statements reading the first page's ids (not the count, nor the rows' values)."""
    statements: list[str] = []
    connection = database.connection()
    log.count()
    connection.set_trace_callback(statements.append)
    try:
        log.rows(0, 10)
    finally:
        connection.set_trace_callback(None)
    return [s for s in statements if s.startswith('SELECT "t1"."id" FROM')]


def plan(statement: str) -> list[str]:
    return [row[3] for row in database.execute_sql(f"EXPLAIN QUERY PLAN {statement}")]


@pytest.mark.sqlite_only("SQLite's query plans and INDEXED BY")
@pytest.mark.parametrize(("log_filter", "index"), [
    (LogFilter(priorities=frozenset({2})), "incident_period"),
    (LogFilter(statuses=frozenset({"closed"})), "incident_period"),
    (LogFilter(owner_id=UNASSIGNED), "incident_period"),
])
def test_received_order_is_read_down_incident_period_unsorted(incidents, monkeypatch,
                                                              log_filter, index):
    monkeypatch.setattr(incident_log, "WALK_FACTOR", 10**9)
    (statement,) = page_statements(IncidentLog(log_filter))
    steps = plan(statement)
    assert any(f"COVERING INDEX {index}" in step for step in steps), steps
    # only ties of received_at are put in id order: no sort of every match
    assert "USE TEMP B-TREE FOR ORDER BY" not in steps, steps


@pytest.mark.sqlite_only("SQLite's query plans and INDEXED BY")
@pytest.mark.parametrize(("key", "index"), [(SortKey.CATEGORY, "incident_category_id"),
                                            (SortKey.OWNER, "incident_owner_id")])
def test_category_and_owner_orders_read_a_group_down_its_index(incidents, key, index):
    statements = page_statements(IncidentLog(sort=key))
    assert statements
    for statement in statements:
        steps = plan(statement)
        assert any(index in step for step in steps), steps
        if re.search(r'_id" IN \(\d+\)\)', statement):  # one key: read in id order
            assert not any("TEMP B-TREE" in step for step in steps), steps


def test_one_priority_and_one_status_keep_their_own_index(incidents, monkeypatch):
    """That index gives their matches in received order already: not walked."""
    monkeypatch.setattr(incident_log, "WALK_FACTOR", 10**9)
    log = IncidentLog(LogFilter(priorities=frozenset({2}), statuses=frozenset({"closed"})))
    assert not log._walks_period_index()
    # nor is a filter on what incident_period does not hold
    assert not IncidentLog(LogFilter(escalation_overdue=True,
                                     statuses=OPEN_STATUSES))._walks_period_index()


def test_sql_kept_for_a_filter_reads_the_data_afresh(incidents):
    """The count's and pages' SQL is kept per filter and sort; what they read is not."""
    chosen = LogFilter(priorities=frozenset({2}))
    first = IncidentLog(chosen)
    ids = [row.id for row in first.rows(0, first.count())]
    newly = next(i for i in incidents if i not in ids)
    Incident.update(priority=2).where(Incident.id == newly).execute()
    Incident.update(priority=4).where(Incident.id == ids[0]).execute()
    for descending in (True, False):
        again = IncidentLog(chosen, descending=descending)
        order = (Incident.received_at, Incident.id)
        expected = [i.id for i in Incident.select(Incident.id).where(Incident.priority == 2)
                    .order_by(*[o.desc() if descending else o.asc() for o in order])]
        assert newly in expected and ids[0] not in expected
        assert again.count() == len(expected)
        assert [row.id for row in again.rows(0, len(expected))] == expected
