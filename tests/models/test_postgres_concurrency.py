"""Several workstations on one PostgreSQL database at once: four processes log incidents
and edit the same incidents for a few seconds; afterwards no reference is shared, no save
is lost (each landed one is in the incident or was overwritten by a later one; the others
were refused as stale), the history holds one row per save and nothing else, and its hash
chain is whole.

Runs when ``INCIDENT_DESK_PG=1`` (the server started through ``scripts/pg_server.py``; a
server that cannot start fails the test); otherwise skipped, saying so.
"""

from __future__ import annotations

import csv
import multiprocessing
import os
import queue
from collections import Counter

import pytest

if os.environ.get("INCIDENT_DESK_PG") != "1":
    pytest.skip("PostgreSQL concurrency test not run: set INCIDENT_DESK_PG=1 to run it "
                "against scripts/pg_server.py", allow_module_level=True)

from app.models.db import close_database, open_database
from app.models.entities import History, Incident
from app.models.history_chain import verify_file
from app.models.incident_transfer import IMPORTED as IMPORTED_ACTION
from app.models.incidents import create_incident
from app.models.permissions import Role
from app.models.users import ensure_user
from tests.conftest import NOW, make_draft, pg_database_url
from tests.models import concurrent_worker
from tests.models.concurrent_worker import FIELDS, Report

pytestmark = pytest.mark.postgres

WORKERS = 4
SECONDS = 4.0
SHARED = 3  # incidents every workstation edits


@pytest.fixture
def pg_url(pg_databases):
    """A new database on the test server (copied from the migrated template); its URL."""
    name = pg_databases.take()
    yield pg_database_url(pg_databases.server, name)
    close_database()
    pg_databases.drop(name)


def run_workstations(url: str, shared: list[int], user_ids: list[int], base_draft,
                     import_path: str | None = None) -> list[Report]:
    """Start the workstations (spawned: each a fresh interpreter that opens the database
    itself), the first importing ``import_path`` if given; wait for their reports."""
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(WORKERS), context.Queue()
    processes = [context.Process(target=concurrent_worker.work, args=(
        url, n, user_ids[n], shared, base_draft, SECONDS, start, results,
        import_path if n == 0 else None)) for n in range(WORKERS)]
    for process in processes:
        process.start()
    reports = []
    try:
        for _ in processes:
            reports.append(results.get(timeout=120))
    except queue.Empty:
        pytest.fail(f"only {len(reports)} of {WORKERS} workstations reported")
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    for report in reports:
        assert not report.error, f"workstation {report.worker} failed:\n{report.error}"
    return sorted(reports, key=lambda r: r.worker)


def test_workstations_logging_and_editing_at_once_lose_nothing(pg_url):
    open_database(pg_url)
    setup_user = ensure_user("sam.advisor", "Sam Advisor")
    shared = [create_incident(make_draft(location=f"Shared {n}"), setup_user, NOW)
              for n in range(SHARED)]
    original = {i.id: {name: getattr(i, name) for name in FIELDS} for i in shared}
    users = [ensure_user(f"workstation{n}", f"Workstation {n}") for n in range(WORKERS)]
    mark = History.select().count()
    base_draft = make_draft()
    close_database()  # the test's own connection plays no part while they run

    reports = run_workstations(pg_url, [i.id for i in shared], [u.id for u in users],
                               base_draft)

    open_database(pg_url)
    created = [c for r in reports for c in r.created]
    saved = [(r.user_id, *s) for r in reports for s in r.saved]
    refused = [(r.user_id, *s) for r in reports for s in r.refused]
    print(f"{WORKERS} workstations, {SECONDS} s: {len(created)} incidents logged, "
          f"{len(saved)} edits saved, {len(refused)} refused as stale")
    # enough happened, and the workstations did get in each other's way
    assert len(created) >= WORKERS and len(saved) >= WORKERS and refused

    # references: none shared, each the one its incident has
    references = [reference for _, reference in created]
    assert len(set(references)) == len(references)
    stored = dict(Incident.select(Incident.id, Incident.reference).tuples())
    assert len(stored) == SHARED + len(created)
    assert all(stored[incident_id] == reference for incident_id, reference in created)
    assert len(set(stored.values())) == len(stored)

    for incident in shared:
        mine = sorted((s for s in saved if s[1] == incident.id), key=lambda s: s[5])
        # each version taken by exactly one save, in turn: 1 -> 2 -> 3 ...
        assert [(s[4], s[5]) for s in mine] == [(v, v + 1) for v in range(1, len(mine) + 1)]
        now = Incident.get_by_id(incident.id)
        assert now.version == 1 + len(mine)
        for name in FIELDS:  # the last save of each field is what is stored
            writes = [s[3] for s in mine if s[2] == name]
            assert getattr(now, name) == (writes[-1] if writes else original[incident.id][name])
        # a refused save read a version someone else had already moved on
        taken = {s[4] for s in mine}
        assert all(r[4] in taken for r in refused if r[1] == incident.id)

    # the history: one row per save (old value the one before it), one per incident
    # logged, nothing else
    rows = list(History.select().where(History.id > mark).order_by(History.id))
    changes = [(h.user_id, h.incident_id, h.field, h.old_value, h.new_value)
               for h in rows if h.action == "changed"]
    expected = []
    for incident in shared:
        previous = dict(original[incident.id])
        for s in sorted((s for s in saved if s[1] == incident.id), key=lambda s: s[5]):
            expected.append((s[0], incident.id, s[2], previous[s[2]], s[3]))
            previous[s[2]] = s[3]
    assert Counter(changes) == Counter(expected)
    logged = [(h.user_id, h.incident_id, h.new_value) for h in rows if h.action == "created"]
    assert Counter(logged) == Counter((r.user_id, incident_id, reference)
                                      for r in reports for incident_id, reference in r.created)
    assert len(rows) == len(changes) + len(logged)
    # within each incident the rows are in the order the versions were taken
    for incident in shared:
        order = [(h.field, h.new_value) for h in rows
                 if h.incident_id == incident.id and h.action == "changed"]
        in_turn = sorted((s for s in saved if s[1] == incident.id), key=lambda s: s[5])
        assert order == [(s[2], s[3]) for s in in_turn]

    close_database()
    result = verify_file(pg_url)
    assert result.ok, result.problems
    assert result.rows == mark + len(rows)


IMPORTED = 2_000


def test_an_import_while_workstations_log_and_edit_takes_its_turn(pg_url, tmp_path):
    """The import locks the reference counter and the incidents' table as logging does, in
    the same order: nobody waits on the other for ever, no reference or id is shared, and
    the incidents logged after it get ids past its own."""
    open_database(pg_url)
    setup_user = ensure_user("tess.leader", "Tess Leader", Role.TEAM_LEADER)
    shared = [create_incident(make_draft(), setup_user, NOW) for _ in range(SHARED)]
    users = [setup_user, *(ensure_user(f"workstation{n}", f"Workstation {n}")
                           for n in range(1, WORKERS))]
    base_draft = make_draft()
    close_database()
    path = tmp_path / "concurrent.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["received_at", "channel", "caller_name", "category", "summary",
                         "impact", "urgency"])
        for n in range(IMPORTED):
            writer.writerow([f"2026-03-{1 + n % 28:02d}T10:{n % 60:02d}:00+00:00", "phone",
                             f"Caller {n}", "IT system failure", f"Imported {n}", "high",
                             "medium"])

    reports = run_workstations(pg_url, [i.id for i in shared], [u.id for u in users],
                               base_draft, str(path))

    open_database(pg_url)
    assert reports[0].imported == IMPORTED
    created = [c for r in reports for c in r.created]
    assert len(created) >= WORKERS
    stored = dict(Incident.select(Incident.id, Incident.reference).tuples())
    assert len(stored) == SHARED + IMPORTED + len(created)
    assert len(set(stored.values())) == len(stored)
    assert all(stored[incident_id] == reference for incident_id, reference in created)
    imported_rows = History.select().where(History.action == IMPORTED_ACTION).count()
    assert imported_rows == IMPORTED
    close_database()
    result = verify_file(pg_url)
    assert result.ok, result.problems
