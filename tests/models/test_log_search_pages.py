"""Words searched for alone are counted by FTS5 and, when they match often, paged down the
index on received_at: the same count, pages and order as looking every match up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.models import incident_log
from app.models.incident_log import IncidentLog, LogFilter, SortKey
from app.models.incidents import create_incident
from tests.conftest import make_draft

START = datetime(2026, 11, 2, 9, tzinfo=UTC)


@pytest.fixture
def logged(advisor):
    names = ("Ada Okafor", "Ben Smith", "Cy Okafor", "Di Jones")
    for n in range(24):
        # some at the same moment, logged out of order: ties broken by id
        received = START + timedelta(hours=(n * 7) % 11)
        create_incident(make_draft(received_at=received, caller_name=names[n % 4]), advisor,
                        now=START + timedelta(days=1))


def pages(log: IncidentLog) -> list:
    total = log.count()
    return [total, *[[row.id for row in log.rows(offset, 5)] for offset in range(0, total, 5)]]


@pytest.mark.parametrize("text", ["okafor", "ben", "no such name"])
@pytest.mark.parametrize("descending", [True, False])
def test_dense_and_sparse_matches_page_alike(logged, monkeypatch, text, descending):
    found = {}
    for dense, threshold in (("dense", 10**9), ("sparse", 0)):
        monkeypatch.setattr(incident_log, "DENSE_MATCHES", threshold)
        found[dense] = pages(IncidentLog(LogFilter(text=text), SortKey.RECEIVED, descending))
    # and as any other filter counts and pages them
    general = IncidentLog(LogFilter(text=text, priorities=frozenset({1, 2, 3, 4, 5})),
                          SortKey.RECEIVED, descending)
    assert found["dense"] == found["sparse"] == pages(general)
    assert found["dense"][0] == {"okafor": 12, "ben": 6, "no such name": 0}[text]
