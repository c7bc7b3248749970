"""The benchmark's databases: made once with ``demo-data``, given the few incidents the
metrics need, and reused while their count and schema still match."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import platformdirs

from app import APP_NAME, ORGANISATION

ROOT = Path(__file__).resolve().parent.parent
SIZES = (10_000, 100_000, 1_000_000)
SEED = 9
PERIOD_INCIDENTS = 1_000  # in a month of their own, before the demo incidents
DETAIL_HISTORY = 50
DETAIL_COMMUNICATIONS = 20
FIXTURE_INCIDENTS = PERIOD_INCIDENTS + 2  # and the one to open, the one to save
BENCH_USER = ("bench.leader", "Bench Leader")


@dataclass(frozen=True)
class BenchDatabase:
    """A benchmark database and what the metrics use in it."""

    path: str
    size: int
    detail_incident: int  # DETAIL_HISTORY history rows, DETAIL_COMMUNICATIONS updates
    save_incident: int  # edited by save_incident, again and again
    period_start: str  # the PERIOD_INCIDENTS fixture incidents, local days
    period_end: str
    latest_day: str  # the local day of the newest demo incident
    migrations: tuple[str, ...] = ()

    @property
    def db_path(self) -> Path:
        return Path(self.path)

    @property
    def period(self) -> tuple[date, date]:
        return date.fromisoformat(self.period_start), date.fromisoformat(self.period_end)

    @property
    def latest(self) -> date:
        return date.fromisoformat(self.latest_day)


def default_data_dir() -> Path:
    return platformdirs.user_cache_path(APP_NAME, ORGANISATION) / "bench"


def _files(path: Path) -> list[Path]:
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm"), path.with_suffix(".json")]


def _incident_count(path: Path) -> int | None:
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            return connection.execute("SELECT COUNT(*) FROM incident").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error:
        return None


def _reusable(path: Path, size: int) -> BenchDatabase | None:
    """The database at ``path`` as described beside it, if it still has ``size`` demo
    incidents (and the fixtures) and the schema this version of the application makes, or
    an older one (upgraded in place)."""
    from app.models.schema import known_migrations

    meta = path.with_suffix(".json")
    if not path.is_file() or not meta.is_file():
        return None
    try:
        found = json.loads(meta.read_text())
        found["migrations"] = tuple(found.get("migrations", ()))
        bench_db = BenchDatabase(**found)
    except (ValueError, TypeError):
        return None
    known = tuple(known_migrations())
    if (bench_db.size != size or bench_db.migrations != known[:len(bench_db.migrations)]
            or _incident_count(path) != size + FIXTURE_INCIDENTS):
        return None
    if bench_db.migrations != known:
        bench_db = _upgraded(bench_db, known)
    return bench_db


def _upgraded(bench_db: BenchDatabase, known: tuple[str, ...]) -> BenchDatabase:
    """``bench_db``, made with an older schema, brought up to date in place as the
    application does it on opening (seconds, where making a million incidents again takes
    minutes); the same incidents, so the figures stay comparable."""
    from app.models.db import close_database, open_database

    print(f"Upgrading {bench_db.path} to schema {known[-1]}…", file=sys.stderr, flush=True)
    open_database(bench_db.db_path)
    close_database()
    bench_db = replace(bench_db, migrations=known)
    bench_db.db_path.with_suffix(".json").write_text(json.dumps(asdict(bench_db), indent=2))
    return bench_db


def prepare(size: int, data_dir: Path, rebuild: bool = False, log=print) -> BenchDatabase:
    """The benchmark database of ``size`` demo incidents in ``data_dir``, made when it is
    missing, stale or ``rebuild`` is asked for."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"incidents-{size}.sqlite"
    if not rebuild:
        found = _reusable(path, size)
        if found is not None:
            log(f"Reusing {path} ({size:,} demo incidents).")
            return found
    for old in _files(path):
        old.unlink(missing_ok=True)
    log(f"Making {path}: {size:,} demo incidents with demo-data (a million take ~5 min)…")
    subprocess.run([sys.executable, str(ROOT / "main.py"), "demo-data", "--db", str(path),
                    "--count", str(size), "--seed", str(SEED)], check=True, cwd=ROOT,
                   env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    bench_db = _add_fixtures(path, size)
    path.with_suffix(".json").write_text(json.dumps(asdict(bench_db), indent=2))
    return bench_db


def _add_fixtures(path: Path, size: int) -> BenchDatabase:
    """Through the application's own functions: a month of PERIOD_INCIDENTS demo incidents
    before the others, an incident with its history and updates, one to edit."""
    from app.models.clock import now_utc, to_local
    from app.models.db import close_database, open_database
    from app.models.demo_data import generate
    from app.models.entities import Incident
    from app.models.schema import known_migrations

    open_database(path)
    try:
        first, last = (Incident.select(Incident.received_at).order_by(order).first()
                       .received_at for order in (Incident.received_at,
                                                  Incident.received_at.desc()))
        period_end = first - timedelta(days=10)
        generate(PERIOD_INCIDENTS, seed=SEED + 1, months=1, now=period_end)
        period_start = period_end - timedelta(days=32)
        detail, save = _detail_incident(now_utc()), _save_incident(now_utc())
        return BenchDatabase(
            path=str(path), size=size, detail_incident=detail, save_incident=save,
            period_start=to_local(period_start).date().isoformat(),
            period_end=to_local(period_end).date().isoformat(),
            latest_day=to_local(last).date().isoformat(),
            migrations=tuple(known_migrations()))
    finally:
        close_database()


def bench_user():
    from app.models.permissions import Role
    from app.models.users import ensure_user

    return ensure_user(*BENCH_USER, role=Role.TEAM_LEADER)


def bench_draft(received_at: datetime, **overrides):
    """A valid incident as an advisor logs it."""
    from app.models.entities import Category
    from app.models.validation import IncidentDraft

    def category(name: str) -> int:
        return Category.get(Category.name == name).id

    values = dict(
        received_at=received_at, channel="phone", caller_type="customer",
        caller_name="Olivia Taylor", caller_phone="0161 496 0123",
        caller_email="olivia.taylor@example.org", account_ref="AC-001234",
        location="Manchester, head office",
        summary="Billing system not loading for the whole team",
        description="Caller says nobody on the team can open the billing system.",
        category_id=category("IT system failure"), subcategory_id=category("Application error"),
        impact="medium", urgency="high", details_confirmed=True)
    values.update(overrides)
    return IncidentDraft(**values)


def _detail_incident(now: datetime) -> int:
    """An incident with DETAIL_COMMUNICATIONS updates and DETAIL_HISTORY history rows."""
    from app.models.communications import CommunicationDraft, record_communication
    from app.models.entities import History
    from app.models.incidents import (
        create_incident,
        draft_from_incident,
        get_incident,
        update_incident,
    )

    user = bench_user()
    start = now - timedelta(hours=3)
    incident = create_incident(bench_draft(start), user, now=start)
    for number in range(DETAIL_COMMUNICATIONS):
        record_communication(incident.id, CommunicationDraft(
            audience="caller", channel="phone", at=start + timedelta(minutes=number + 1),
            recipient="Olivia Taylor",
            message=f"Update {number + 1}: the billing team is still working on the fault; "
                    "next update within the hour."), user,
            now=start + timedelta(minutes=number + 1))
    edit = 0
    while History.select().where(History.incident == incident.id).count() < DETAIL_HISTORY:
        edit += 1
        current = get_incident(incident.id)
        draft = replace(draft_from_incident(current), location=f"Manchester, floor {edit}")
        update_incident(incident.id, draft, user, current.version,
                        now=start + timedelta(minutes=30 + edit))
    return incident.id


def _save_incident(now: datetime) -> int:
    from app.models.incidents import create_incident

    incident = create_incident(bench_draft(now - timedelta(hours=1),
                                           summary="Headsets dropping calls on floor 2"),
                               bench_user(), now=now - timedelta(hours=1))
    return incident.id
