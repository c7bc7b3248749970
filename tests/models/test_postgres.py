"""The application on a real PostgreSQL server: migrations, logging and updating, the
append-only history, references under concurrent logging.

Runs when ``INCIDENT_DESK_PG=1``: the server is started through ``scripts/pg_server.py``
and, if it cannot start, every test here fails. Without the variable the module is not
run, and the test summary says so in one line.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import threading
import uuid
from dataclasses import replace
from datetime import date
from pathlib import Path

import peewee
import pytest

if os.environ.get("INCIDENT_DESK_PG") != "1":
    pytest.skip("PostgreSQL tests not run: set INCIDENT_DESK_PG=1 to run them against "
                "scripts/pg_server.py", allow_module_level=True)

import psycopg

from app.models.backup import keep_days, set_keep_days
from app.models.dashboard_stats import dashboard_statistics
from app.models.db import DatabaseOpenError, close_database, database, open_database
from app.models.entities import ConfigChange, History, HistoryChain, Incident, Setting, User
from app.models.history_chain import row_hash
from app.models.incident_log import CALLER_KEY, IncidentLog, LogFilter, SortKey
from app.models.incidents import create_incident, draft_from_incident, update_incident
from app.models.mail import MailSettings, load_mail_settings, save_mail_settings
from app.models.period_stats import period_statistics, resolve_medians
from app.models.permissions import Role
from app.models.personal_data import retention_months, set_retention_months
from app.models.problems import ProblemDraft, create_problem, problems
from app.models.review_gate import required_priorities
from app.models.reviews import set_required_priorities
from app.models.schema import applied_migrations, known_migrations
from app.models.service_levels import load_service_levels, save_service_levels
from app.models.sla import ClockState
from app.models.users import ensure_user
from tests.conftest import NOW, make_draft
from tests.models.test_period_stats import log_november, utc

pytestmark = pytest.mark.postgres

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "pg_server.py"


def _load_server_script():
    spec = importlib.util.spec_from_file_location("pg_server", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def pg_server():
    """The throwaway server, started (or found running, and then left running); a failure
    to start fails."""
    server = _load_server_script()
    try:
        was_running = server.running()
        server.start()
    except server.ServerError as exc:
        pytest.fail(f"INCIDENT_DESK_PG=1 but the PostgreSQL server did not start: {exc}")
    yield server
    if not was_running:
        server.stop()


@pytest.fixture
def pg_url(pg_server, monkeypatch):
    """A new, empty database on the test server (dropped afterwards); its URL."""
    monkeypatch.setenv("PGPASSWORD", pg_server.PASSWORD)
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = dict(host=pg_server.HOST, port=pg_server.PORT, user=pg_server.ROLE,
                 password=pg_server.PASSWORD, dbname=pg_server.DATABASE, autocommit=True)
    with psycopg.connect(**admin) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield f"postgresql://{pg_server.ROLE}@{pg_server.HOST}:{pg_server.PORT}/{name}"
    close_database()
    with psycopg.connect(**admin) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def pg_db(pg_url):
    return open_database(pg_url)


@pytest.fixture
def on_both(pg_url, tmp_path):
    """Runs a function on a new SQLite file, then on a new PostgreSQL database; returns
    both results (SQLite's first), to be compared."""
    def run(work):
        results = []
        for target in (tmp_path / "same.sqlite", pg_url):
            open_database(target)
            try:
                results.append(work())
            finally:
                close_database()
        return results
    return run


def test_migrations_run_on_an_empty_database(pg_url):
    db = open_database(pg_url)
    assert isinstance(db, peewee.PostgresqlDatabase)
    assert applied_migrations(db) == known_migrations()
    assert {"incident", "history", "history_chain", "user"} <= set(db.get_tables())
    close_database()
    assert applied_migrations(open_database(pg_url)) == known_migrations()  # opens again


def test_a_newer_database_is_refused(pg_db, pg_url):
    pg_db.execute_sql("INSERT INTO schema_migration (name, applied) "
                      "VALUES ('9999_from_the_future', now())")
    close_database()
    with pytest.raises(DatabaseOpenError, match=r"newer version.*9999_from_the_future"):
        open_database(pg_url)


def test_a_wrong_password_is_named(pg_url, monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "not the password")
    with pytest.raises(DatabaseOpenError, match="refused the password of the user"):
        open_database(pg_url)


def test_an_unreachable_server_is_named(pg_server, monkeypatch):
    monkeypatch.setenv("PGPASSWORD", pg_server.PASSWORD)
    with pytest.raises(DatabaseOpenError,
                       match=r"Cannot reach the PostgreSQL server at 127\.0\.0\.1:1 "):
        open_database("postgresql://incident_desk@127.0.0.1:1/incident_desk")


def test_a_url_of_another_kind_is_refused():
    with pytest.raises(DatabaseOpenError, match="not a database Incident Desk can open"):
        open_database("mysql://incident_desk@127.0.0.1/incident_desk")


def test_a_sqlite_url_opens_the_file(tmp_path):
    path = tmp_path / "desk.sqlite"
    db = open_database(f"sqlite:///{path}")
    try:
        assert isinstance(db, peewee.SqliteDatabase)
        assert path.is_file()
    finally:
        close_database()


def test_an_incident_is_created_and_updated_with_its_history(pg_db):
    advisor = ensure_user("sam.advisor", "Sam Advisor")
    incident = create_incident(make_draft(), advisor, NOW)
    assert incident.reference.startswith("INC-")
    draft = draft_from_incident(incident)
    draft.summary = "Billing system down for two teams"
    change = update_incident(incident.id, draft, advisor, incident.version, NOW)
    assert change.fields == ("summary",)
    stored = Incident.get_by_id(incident.id)
    assert stored.summary == "Billing system down for two teams"
    assert stored.version == 2
    assert stored.received_at == make_draft().received_at  # UTC in, UTC out
    rows = list(History.select().where(History.incident == incident.id).order_by(History.id))
    assert rows[0].action == "created"
    assert (rows[-1].field, rows[-1].old_value, rows[-1].new_value) == (
        "summary", "Billing system not loading for the whole team",
        "Billing system down for two teams")


def test_the_database_refuses_to_change_or_remove_history(pg_db):
    advisor = ensure_user("sam.advisor", "Sam Advisor")
    create_incident(make_draft(), advisor, NOW)
    with pytest.raises(peewee.IntegrityError, match="append-only"), database.atomic():
        pg_db.execute_sql("UPDATE history SET action = 'forged'")
    with pytest.raises(peewee.IntegrityError, match="append-only"), database.atomic():
        pg_db.execute_sql("DELETE FROM history")
    with pytest.raises(peewee.IntegrityError, match="append-only"), database.atomic():
        pg_db.execute_sql("TRUNCATE history CASCADE")
    assert History.select().where(History.action == "forged").count() == 0


def test_history_lets_a_value_be_erased_once_with_its_digest(pg_db):
    advisor = ensure_user("sam.advisor", "Sam Advisor")
    incident = create_incident(make_draft(), advisor, NOW)
    row = History.get(History.incident == incident.id, History.action == "created")
    pg_db.execute_sql("UPDATE history SET new_value = NULL, new_digest = %s WHERE id = %s",
                      ("0" * 64, row.id))
    with pytest.raises(peewee.IntegrityError, match="only an erasure"), database.atomic():
        pg_db.execute_sql("UPDATE history SET new_value = 'back' WHERE id = %s", (row.id,))
    assert History.get_by_id(row.id).new_value is None


def test_the_search_column_finds_an_incident_by_word_prefix(pg_db):
    advisor = ensure_user("sam.advisor", "Sam Advisor")
    incident = create_incident(make_draft(), advisor, NOW)
    found = pg_db.execute_sql("SELECT id FROM incident WHERE search_vector @@ "
                              "to_tsquery('simple', 'olivi:* & billing:*')").fetchall()
    assert found == [(incident.id,)]


def test_references_stay_unique_with_two_connections_logging_at_once(pg_db):
    advisor = ensure_user("sam.advisor", "Sam Advisor")
    per_thread = 10
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def log_some():
        # peewee gives each thread its own connection
        try:
            start.wait(timeout=10)
            for _ in range(per_thread):
                create_incident(make_draft(), advisor, NOW)
        except BaseException as exc:  # reported below, not lost in the thread
            failures.append(exc)
        finally:
            database.close()

    threads = [threading.Thread(target=log_some) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    references = [i.reference for i in Incident.select(Incident.reference)]
    assert len(references) == 2 * per_thread
    assert len(set(references)) == len(references)


# --- the model functions give the same answers on both engines ---------------------------
MAIL = MailSettings(host="smtp.example.org", port=587, security="starttls",
                    username="desk@example.org", sender="incidents@example.org")


def test_settings_are_written_then_replaced_alike(on_both, memory_keyring):
    def work():
        leader = ensure_user("tess.leader", "Tess Leader", Role.TEAM_LEADER)
        for months, days, priorities, port in ((12, 14, [1], 587), (24, 21, [1, 2], 465)):
            set_retention_months(months, leader, now=NOW)
            set_keep_days(days, leader, now=NOW)
            set_required_priorities(priorities, leader, now=NOW)
            save_mail_settings(replace(MAIL, port=port), leader, now=NOW)
            levels = load_service_levels()
            calendar = replace(levels.calendar, holiday_region="SCT" if port == 587 else "NIR")
            save_service_levels(replace(levels, calendar=calendar), leader, now=NOW)
        return (retention_months(), keep_days(), required_priorities(), load_mail_settings(),
                load_service_levels().calendar,
                list(Setting.select(Setting.key, Setting.value).order_by(Setting.key).tuples()),
                [c.summary for c in ConfigChange.select().order_by(ConfigChange.id)])

    on_sqlite, on_postgres = on_both(work)
    assert on_postgres == on_sqlite
    assert on_postgres[:4] == (24, 21, frozenset({1, 2}), replace(MAIL, port=465))
    assert on_postgres[4].holiday_region == "NIR"


def test_problems_are_found_by_text_in_any_case(on_both):
    def work():
        advisor = ensure_user("sam.advisor", "Sam Advisor")
        for title in ("Billing system keeps failing", "VPN drops at noon", "billing export"):
            create_problem(ProblemDraft(title=title), advisor, now=NOW)
        return [[row.title for row in problems(text=text)]
                for text in ("BILLING", "vpn", "100%", "drops_")]

    on_sqlite, on_postgres = on_both(work)
    assert on_postgres == on_sqlite
    assert on_postgres[:2] == [["billing export", "Billing system keeps failing"],
                               ["VPN drops at noon"]]


def test_the_history_chain_stays_whole_under_concurrent_updates(pg_db):
    advisor = ensure_user("sam.advisor", "Sam Advisor")
    incidents = [create_incident(make_draft(), advisor, NOW) for _ in range(2)]
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def update_some(incident_id):
        try:
            start.wait(timeout=10)
            for n in range(10):
                stored = Incident.get_by_id(incident_id)
                draft = replace(draft_from_incident(stored), summary=f"Billing down, call {n}")
                update_incident(incident_id, draft, advisor, stored.version, NOW)
        except BaseException as exc:  # reported below, not lost in the thread
            failures.append(exc)
        finally:
            database.close()

    threads = [threading.Thread(target=update_some, args=(i.id,)) for i in incidents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    rows = list(History.select().order_by(History.id))
    assert [r.id for r in rows] == list(range(rows[0].id, rows[0].id + len(rows)))
    assert len([r for r in rows if r.field == "summary"]) == 20
    for previous, row in itertools.pairwise(rows):
        assert row.hash == row_hash(previous.hash, row.id, row.incident_id,
                                    History.at.db_value(row.at), row.user_id, row.action,
                                    row.field, row.old_value, row.new_value)
    head = HistoryChain.get_by_id(1)
    assert (head.last_id, head.last_hash) == (rows[-1].id, rows[-1].hash)


LATER = utc(2, 12, month=12)  # after every incident of log_november
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


def _log_some(advisor):
    """log_november's nine incidents, and three of other callers and words."""
    log_november(advisor)
    for name, phone, summary in (("Ömer Yilmaz", "", "Telephony outage on floor 2"),
                                 ("olivia Taylor", "0161 496 0999", "Printer jam"),
                                 ("Zoe Adams", "07700 900123", "Billing export late")):
        create_incident(make_draft(caller_name=name, caller_phone=phone, summary=summary,
                                   received_at=utc(5, 9)), advisor, utc(5, 9, 5))


def test_the_log_filters_sorts_pages_and_searches_alike(on_both):
    filters = [LogFilter(), LogFilter(text="olivi bill"), LogFilter(text="TELEPH"),
               LogFilter(text="ömer"), LogFilter(text="no such words"),
               LogFilter(text="inc-2026-000003"), LogFilter(statuses=frozenset({"new"})),
               LogFilter(priorities=frozenset({1, 2}), received_from=date(2026, 11, 3),
                         received_to=date(2026, 11, 4)),
               LogFilter(sla=ClockState.BREACHED), LogFilter(sla=ClockState.AT_RISK),
               LogFilter(repeats=True), LogFilter(escalated=True, escalation_target="L3")]

    def work():
        _log_some(ensure_user("sam.advisor", "Sam Advisor"))
        caller = Incident.select(CALLER_KEY).where(Incident.id == 1).scalar()
        answers = []
        for log_filter in [*filters, LogFilter(caller=caller)]:
            for sort in SortKey:
                for descending in (False, True):
                    log = IncidentLog(log_filter, sort, descending, now=LATER)
                    total = log.count()
                    answers.append((log_filter, sort, descending, total, log.rows(0, 4),
                                    log.rows(max(0, total - 3), 3),
                                    [log.position_of(i) for i in (1, 4, 12)]))
        return answers

    on_sqlite, on_postgres = on_both(work)
    for sqlite_answer, postgres_answer in zip(on_sqlite, on_postgres, strict=True):
        assert postgres_answer == sqlite_answer
    counts = {(a[0].text, a[0].repeats): a[3] for a in on_sqlite if a[1] == SortKey.RECEIVED}
    assert counts[("olivi bill", False)] == 9  # make_draft's caller and summary
    assert counts[("TELEPH", False)] == 1
    assert counts[("inc-2026-000003", False)] == 1
    assert counts[("no such words", False)] == 0
    assert counts[("", True)] >= 1  # C repeats A (same caller and category, next day)


def test_period_and_dashboard_statistics_are_alike(on_both):
    def work():
        _log_some(ensure_user("sam.advisor", "Sam Advisor"))
        first, after = utc(1, 0), utc(1, 0, month=12)
        return (period_statistics(*NOVEMBER, now=LATER),
                dashboard_statistics(*NOVEMBER, now=LATER),
                resolve_medians(first, after))

    on_sqlite, on_postgres = on_both(work)
    assert on_postgres[:2] == on_sqlite[:2]
    medians, median = on_postgres[2]
    assert medians.keys() == on_sqlite[2][0].keys()
    for priority, seconds in medians.items():
        assert seconds == pytest.approx(on_sqlite[2][0][priority], abs=0.01)
    assert median == pytest.approx(on_sqlite[2][1], abs=0.01)
    assert median == pytest.approx(4 * 3600, abs=0.01)  # 20m, 2h, 4h, 8h, 96h


def test_the_connection_probes_a_silent_network_with_keepalives(pg_db):
    """A connection dropped without a word is found in about a minute, not hours: our
    socket to the server has TCP keepalives as app.models.db.KEEPALIVES asks."""
    import socket

    from app.models.db import KEEPALIVES

    conn = pg_db.connection()
    assert {key: conn.info.get_parameters()[key] for key in KEEPALIVES} == {
        key: str(value) for key, value in KEEPALIVES.items()}
    if not hasattr(socket, "TCP_KEEPIDLE"):
        pytest.skip("this system's sockets do not expose TCP_KEEPIDLE")
    sock = socket.socket(fileno=os.dup(conn.pgconn.socket))
    try:
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == 30
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL) == 10
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT) == 3
    finally:
        sock.close()


def test_two_administrators_demoting_each_other_at_once_leave_one(pg_db):
    """Each checks that another administrator remains; on PostgreSQL both would see the
    other still there and both succeed, leaving nobody to manage users. The second waits
    for the first and is then refused."""
    from app.models.accounts import change_role
    from app.models.permissions import RolePermissionError
    from app.models.text_rules import FieldProblemsError

    ada = ensure_user("ada.admin", "Ada Admin", Role.ADMINISTRATOR)
    bo = ensure_user("bo.admin", "Bo Admin", Role.ADMINISTRATOR)
    ensure_user("cy.advisor", "Cy Advisor")  # not an administrator
    first_in, let_go = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def ada_demotes_bo():
        try:
            with database.atomic():  # held open until the other has started
                change_role(bo.id, Role.ADVISOR, ada)
                first_in.set()
                let_go.wait(timeout=10)
            outcome["ada"] = "done"
        except BaseException as exc:
            outcome["ada"] = exc
        finally:
            database.close()

    def bo_demotes_ada():
        try:
            change_role(ada.id, Role.ADVISOR, bo)
            outcome["bo"] = "done"
        except BaseException as exc:
            outcome["bo"] = exc
        finally:
            database.close()

    first = threading.Thread(target=ada_demotes_bo)
    first.start()
    assert first_in.wait(timeout=10)
    second = threading.Thread(target=bo_demotes_ada)
    second.start()
    second.join(timeout=0.5)
    assert second.is_alive()  # waiting for the first change to end
    let_go.set()
    first.join(timeout=10)
    second.join(timeout=10)
    assert outcome["ada"] == "done"
    assert isinstance(outcome["bo"], (RolePermissionError, FieldProblemsError))
    admins = [u.username for u in User.select().where(User.role == Role.ADMINISTRATOR)]
    assert admins == ["ada.admin"]
