"""GDPR duties on a database with known ages: retention, finding a person, erasure."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.models.audit import describe, incident_history
from app.models.entities import ConfigChange, History, Incident
from app.models.history_chain import verify_file
from app.models.incidents import change_status, create_incident, update_incident
from app.models.lifecycle import Status
from app.models.permissions import RolePermissionError
from app.models.personal_data import (
    ERASED,
    PersonalDataError,
    apply_retention,
    erase_subject,
    find_subject,
    find_subject_query,
    months_before,
    phone_variants,
    retention_months,
    set_retention_months,
)
from app.models.prioritisation import (
    answers_from_json,
    apply_outcome,
    describe_answers,
    prioritise,
)
from app.models.users import ensure_user
from tests.conftest import category, make_draft, raw_connection, raw_integrity_errors
from tests.models.test_history_chain import tamper
from tests.models.test_prioritisation import BILLING

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture
def leader(db):
    return ensure_user("tara.leader", "Tara Leader", role="team_leader")


def closed_incident(by, closed_at: datetime, **draft) -> Incident:
    """An incident logged, resolved (its resolution naming the caller) and closed at
    ``closed_at``: a P3 unless ``draft`` says otherwise, closed with no review."""
    received = closed_at - timedelta(days=2)
    draft = {"impact": "medium", "urgency": "medium", **draft}
    incident = create_incident(make_draft(received_at=received, **draft), by, now=received)
    name = draft.get("caller_name", "Olivia Taylor")
    change_status(incident.id, Status.IN_PROGRESS, by, now=received + timedelta(hours=1))
    change_status(incident.id, Status.RESOLVED, by,
                  note=f"Rang {name} back on 0161 496 0123; billing restarted.",
                  now=received + timedelta(days=1))
    change_status(incident.id, Status.CLOSED, by, now=closed_at)
    return Incident.get_by_id(incident.id)


def history_texts(incident_id: int) -> str:
    return " | ".join(f"{h.old_value} -> {h.new_value}" for h in
                      History.select().where(History.incident == incident_id))


# --- retention --------------------------------------------------------------------------------
def test_months_before_keeps_the_day_or_takes_the_months_end():
    assert months_before(NOW, 24) == datetime(2024, 11, 24, 12, 0, tzinfo=UTC)
    assert months_before(datetime(2026, 3, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28,
                                                                            tzinfo=UTC)
    assert months_before(datetime(2026, 1, 15, tzinfo=UTC), 13) == datetime(2024, 12, 15,
                                                                             tzinfo=UTC)


def test_retention_anonymises_only_incidents_closed_more_than_24_months_ago(db, advisor):
    old = closed_incident(advisor, NOW - timedelta(days=2 * 365 + 30))
    just_over = closed_incident(advisor, months_before(NOW, 24) - timedelta(minutes=1),
                                caller_name="Marcus Okonkwo")
    recent = closed_incident(advisor, NOW - timedelta(days=23 * 30),
                             caller_name="Jack Taylor")
    still_open = create_incident(make_draft(received_at=NOW - timedelta(days=1000),
                                            caller_name="Priya Raman"), advisor,
                                 now=NOW - timedelta(days=1000))

    run = apply_retention(advisor, now=NOW, on_demand=False)

    assert (run.anonymised, run.remaining, run.months) == (2, False, 24)
    for incident in (old, just_over):
        stored = Incident.get_by_id(incident.id)
        assert stored.anonymised_at == NOW
        assert stored.caller_name == ERASED and stored.description == ERASED
        assert (stored.caller_phone, stored.caller_email, stored.account_ref,
                stored.location) == ("", "", "", "")
        # the operational facts are kept
        assert (stored.reference, stored.category_id, stored.priority, stored.status,
                stored.received_at, stored.closed_at, stored.resolution_met) == (
            incident.reference, incident.category_id, incident.priority, Status.CLOSED,
            incident.received_at, incident.closed_at, incident.resolution_met)
        assert stored.resolution == "Rang [erased] back on [erased]; billing restarted."
        assert stored.version == incident.version + 1
    for incident in (recent, still_open):
        assert Incident.get_by_id(incident.id).anonymised_at is None
    assert Incident.get_by_id(recent.id).caller_name == "Jack Taylor"
    assert apply_retention(advisor, now=NOW, on_demand=False).anonymised == 0


def test_retention_erases_the_history_too_and_records_why(db, db_path, advisor):
    incident = closed_incident(advisor, NOW - timedelta(days=900))
    draft = make_draft(received_at=incident.received_at, caller_phone="07700 900123",
                       description="Second call: she has moved to Leeds.")
    update_incident(incident.id, draft, advisor, incident.version,
                    now=incident.closed_at - timedelta(hours=1))
    before = history_texts(incident.id)
    assert "0161 496 0123" in before and "07700 900123" in before

    apply_retention(advisor, now=NOW, on_demand=False)

    after = history_texts(incident.id)
    for personal in ("Olivia Taylor", "0161 496 0123", "07700 900123", "moved to Leeds",
                     "olivia.taylor@example.org"):
        assert personal not in after
    assert "billing restarted" in after  # what was done is kept
    last = incident_history(incident.id)[-1]
    assert describe(last) == (
        "Personal data erased", "",
        "Personal data erased by the retention policy: closed more than 24 months ago "
        "(automatic run).")
    erased = History.select().where(History.incident == incident.id,
                                    History.new_digest.is_null(False)).count()
    assert erased >= 2
    assert verify_file(db_path).ok


def test_retention_runs_in_batches(db, advisor):
    for days in (800, 850, 900):
        closed_incident(advisor, NOW - timedelta(days=days))
    first = apply_retention(advisor, now=NOW, limit=2, on_demand=False)
    assert (first.anonymised, first.remaining) == (2, True)
    second = apply_retention(advisor, now=NOW, limit=2, on_demand=False)
    assert (second.anonymised, second.remaining) == (1, False)


def test_the_retention_period_is_configurable_with_its_history(db, advisor, leader):
    closed_incident(advisor, NOW - timedelta(days=400))
    assert apply_retention(leader, now=NOW).anonymised == 0
    assert set_retention_months(12, leader, now=NOW) == (
        "Personal data kept 12 months after closure (was 24).")
    assert retention_months() == 12
    assert ConfigChange.get(ConfigChange.area == "retention").user_id == leader.id
    assert apply_retention(leader, now=NOW).anonymised == 1
    assert set_retention_months(12, leader, now=NOW) is None


@pytest.mark.parametrize("months", [0, 121, -5])
def test_a_retention_period_out_of_bounds_is_refused(db, leader, months):
    with pytest.raises(PersonalDataError, match="between 1 and 120 months"):
        set_retention_months(months, leader, now=NOW)
    assert retention_months() == 24


def test_advisors_cannot_change_retention_or_run_it_on_demand(db, advisor):
    with pytest.raises(RolePermissionError):
        set_retention_months(12, advisor, now=NOW)
    with pytest.raises(RolePermissionError):
        apply_retention(advisor, now=NOW)


# --- finding a person -----------------------------------------------------------------------
def test_phone_variants_match_national_and_international_forms():
    assert phone_variants("0161 496 0123") == {"01614960123", "441614960123",
                                               "00441614960123", "4401614960123",
                                               "004401614960123"}
    assert phone_variants("+44 (0)161 496 0123") == phone_variants("0161 496 0123")
    assert phone_variants("+44 (0)161 496 0123") != set()
    assert phone_variants("+44 161 496 0123") == phone_variants("0161-496-0123")
    assert phone_variants("+33 1 23 45 67 89") == {"33123456789", "0033123456789"}


def test_a_person_is_found_by_phone_in_any_format_or_by_email_in_any_case(db, advisor):
    mine = [create_incident(make_draft(caller_phone=phone, caller_email=""), advisor, now=NOW)
            for phone in ("0161 496 0123", "+44 161 496 0123", "(0161) 4960123",
                  "+44 (0)161 496 0123")]
    by_email = create_incident(make_draft(caller_phone="", caller_email="Olivia.T@Example.org"),
                               advisor, now=NOW)
    create_incident(make_draft(caller_phone="0161 496 0999", caller_email="x@example.org",
                               caller_name="Someone Else"), advisor, now=NOW)
    assert [i.id for i in find_subject(phone="+441614960123")] == [i.id for i in mine]
    assert [i.id for i in find_subject(email="olivia.t@example.ORG")] == [by_email.id]
    both = find_subject(phone="0161 496 0123", email="olivia.t@example.org")
    assert {i.id for i in both} == {i.id for i in mine} | {by_email.id}


@pytest.mark.parametrize(("phone", "email", "field"), [
    ("", "", "phone"), ("call me", "", "phone"), ("", "olivia(at)example.org", "email")])
def test_a_bad_search_names_what_is_wrong(db, phone, email, field):
    with pytest.raises(PersonalDataError) as excinfo:
        find_subject(phone, email)
    assert set(excinfo.value.problems) == {field}


# --- erasure on request ---------------------------------------------------------------------
def test_erasure_anonymises_every_record_of_the_person_and_no_one_else(db, db_path, advisor,
                                                                      leader):
    first = closed_incident(advisor, NOW - timedelta(days=30))
    second = create_incident(make_draft(caller_email="OLIVIA.TAYLOR@example.org",
                                        caller_phone=""), advisor, now=NOW)
    other = create_incident(make_draft(caller_name="Marcus Okonkwo", caller_phone="0113 496 0777",
                                       caller_email="marcus@example.org",
                                       category_id=category("Facilities").id,
                                       subcategory_id=None), advisor, now=NOW)

    result = erase_subject("", "olivia.taylor@example.org",
                           "Request DSR-2026-014, received by letter on 20/11/2026", leader,
                           now=NOW)

    assert result.references == [first.reference, second.reference]
    assert result.values_erased > 0
    for incident in (first, second):
        stored = Incident.get_by_id(incident.id)
        assert stored.caller_name == ERASED and stored.caller_email == ""
        assert "Olivia" not in history_texts(incident.id)
        entry = incident_history(incident.id)[-1]
        assert entry.new_value == ("Personal data erased on request: Request DSR-2026-014, "
                                   "received by letter on 20/11/2026")
        assert entry.user == "Tara Leader"
    assert Incident.get_by_id(other.id).caller_name == "Marcus Okonkwo"
    assert find_subject(email="olivia.taylor@example.org") == []
    assert verify_file(db_path).ok


def test_a_request_note_repeating_the_erased_data_is_refused_and_nothing_changes(db, advisor,
                                                                                 leader):
    incident = create_incident(make_draft(), advisor, now=NOW)
    for note in ("Olivia Taylor asked by phone", "request from olivia.taylor@example.org",
                 "call back 0161 496 0123", ""):
        with pytest.raises(PersonalDataError) as excinfo:
            erase_subject("0161 496 0123", "", note, leader, now=NOW)
        assert set(excinfo.value.problems) == {"request_note"}
    assert Incident.get_by_id(incident.id).caller_name == "Olivia Taylor"
    assert History.select().where(History.incident == incident.id).count() == 1


def test_erasure_needs_a_match_and_the_permission(db, advisor, leader):
    create_incident(make_draft(), advisor, now=NOW)
    with pytest.raises(PersonalDataError, match="no incident"):
        erase_subject("0113 000 0000", "", "DSR-1", leader, now=NOW)
    with pytest.raises(RolePermissionError):
        erase_subject("0161 496 0123", "", "DSR-1", advisor, now=NOW)


# --- the hash chain and the append-only rule around erasure ---------------------------------
def refused_by_the_database(db_path, sql: str) -> None:
    conn = raw_connection(db_path)
    try:
        with pytest.raises(raw_integrity_errors(), match="append-only"):
            conn.execute(sql)
    finally:
        conn.close()


def assert_first_problem(db_path, row_id: int, words: str) -> None:
    result = verify_file(db_path)
    assert not result.ok
    assert f"history row {row_id}" in result.problems[0]
    assert words in result.problems[0]


def erased_database(db, db_path, advisor, leader):
    incident = create_incident(make_draft(), advisor, now=NOW)
    update_incident(incident.id, make_draft(location="Leeds, depot"), advisor,
                    incident.version, now=NOW)
    erase_subject("0161 496 0123", "", "DSR-7", leader, now=NOW)
    return incident


def test_the_database_refuses_any_other_change_to_a_history_row(db, db_path, advisor, leader):
    erased_database(db, db_path, advisor, leader)
    for sql in ("UPDATE history SET action = 'note' WHERE id = 1",
                "UPDATE history SET new_value = 'x' WHERE id = 1",  # no digest: refused
                "UPDATE history SET user_id = 2 WHERE id = 1"):
        refused_by_the_database(db_path, sql)


def test_verify_catches_a_value_hidden_as_erased_without_an_erasure_record(db, db_path,
                                                                          advisor):
    incident = create_incident(make_draft(), advisor, now=NOW)
    change_status(incident.id, Status.ON_HOLD_CUSTOMER, advisor, note="Awaiting photos",
                  now=NOW)
    note = History.get(History.action == "note")
    digest = hashlib.sha256(b"Awaiting photos").hexdigest()
    # (the trigger would allow this one: a value replaced once, with its digest)
    tamper(db_path, f"UPDATE history SET new_value = '[erased]', new_digest = '{digest}' "
                    f"WHERE id = {note.id}")
    assert_first_problem(db_path, note.id, "erased without an erasure being recorded")


@pytest.mark.sqlite_only("SQLite's query plan (EXPLAIN QUERY PLAN)")
def test_the_search_for_a_person_is_answered_by_indexes(db):
    for query in (find_subject_query(phone="0161 496 0123"),
                  find_subject_query(email="olivia@example.org")):
        sql, params = query.sql()
        plan = " ".join(str(row) for row in db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params))
        assert "USING INDEX incident_phone_digits" in plan or (
            "USING INDEX incident_email_key" in plan), plan


def test_names_are_struck_out_as_whole_words_only(db, advisor, leader):
    outcome = prioritise(replace(BILLING, service="several sites (Eve's team)"))
    draft = apply_outcome(make_draft(caller_name="Eve", caller_phone="",
                                     caller_email="eve@example.org",
                                     summary="Billing down for several teams, says Eve"),
                          outcome)
    incident = create_incident(draft, advisor, now=NOW)
    erase_subject("", "eve@example.org", "DSR-9", leader, now=NOW)
    stored = Incident.get_by_id(incident.id)
    assert stored.summary == "Billing down for several teams, says [erased]"
    answers = answers_from_json(stored.prioritisation)  # still a readable record
    assert answers.scope == BILLING.scope
    assert answers.service == "several sites ([erased]'s team)"
    assert describe_answers(stored.prioritisation).startswith("Affected: ")


def test_names_beyond_ascii_are_erased_from_the_prioritisation_record(db, advisor, leader):
    outcome = prioritise(replace(BILLING, service="Zoë Ní Bhriain's shop"))
    incident = create_incident(apply_outcome(make_draft(caller_name="Zoë Ní Bhriain"),
                                             outcome), advisor, now=NOW)
    erase_subject("0161 496 0123", "", "DSR-10", leader, now=NOW)
    stored = Incident.get_by_id(incident.id)
    assert "Bhriain" not in json.loads(stored.prioritisation)["answers"]["service"]
    assert "Bhriain" not in stored.priority_rationale
    assert "Bhriain" not in history_texts(incident.id).encode().decode("unicode_escape")


def test_a_second_anonymisation_leaves_erased_values_and_the_chain_intact(db, db_path, advisor,
                                                                         leader):
    incident = closed_incident(advisor, NOW - timedelta(days=900))
    erase_subject("0161 496 0123", "", "DSR-11", leader, now=NOW - timedelta(days=1))
    assert apply_retention(leader, now=NOW).anonymised == 0  # already anonymised
    change_status(incident.id, Status.REOPENED, advisor, note="Caller rang again", now=NOW)
    assert Incident.get_by_id(incident.id).anonymised_at is None  # live data again
    change_status(incident.id, Status.RESOLVED, advisor, note="Sorted.", now=NOW)
    change_status(incident.id, Status.CLOSED, advisor, now=NOW)
    assert apply_retention(leader, now=NOW + timedelta(days=800)).anonymised == 1
    assert "Olivia" not in history_texts(incident.id)
    assert History.select().where(History.incident == incident.id,
                                  History.action == "anonymised").count() == 2
    assert verify_file(db_path).ok


@pytest.mark.parametrize(("change", "words"), [
    ("new_value = 'Leeds'", "changed after its personal data was erased"),  # erased once
    (f"new_digest = '{'0' * 64}'", "altered"),  # a digest stays as it was written
])
def test_an_erased_row_cannot_change_again_and_verify_catches_it(db, db_path, advisor, leader,
                                                                 change, words):
    erased_database(db, db_path, advisor, leader)
    row = History.get(History.new_digest.is_null(False))
    edit = f"UPDATE history SET {change} WHERE id = {row.id}"
    refused_by_the_database(db_path, edit)
    tamper(db_path, edit)  # as someone with the sqlite3 shell or psql
    assert_first_problem(db_path, row.id, words)


@pytest.mark.sqlite_only("FTS5's index blocks and the file's bytes (secure_delete)")
def test_erased_words_leave_the_search_index_and_the_file(db, db_path, advisor, leader):
    create_incident(make_draft(caller_name="Zebedee Quixotic"), advisor, now=NOW)
    erase_subject("0161 496 0123", "", "DSR-12", leader, now=NOW)
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    fts = b"".join(row[0] for row in db.execute_sql("SELECT block FROM incident_fts_data")
                   if row[0])
    assert b"quixotic" not in fts.lower()
    assert b"Quixotic" not in db_path.read_bytes()
