"""Incident import and export: files read in every usual encoding and separator, each row
checked by the record's rules with every problem named, imports all or nothing, exports
streamed, neutralised against formulas and written whole or not at all."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.models.audit import incident_history
from app.models.clock import now_utc
from app.models.entities import (
    ConfigChange,
    History,
    HistoryChain,
    Incident,
    ReferenceCounter,
    SlaPause,
)
from app.models.history_chain import verify_file
from app.models.incident_log import IncidentLog, LogFilter
from app.models.incident_transfer import (
    COLUMNS,
    EXPORT_AREA,
    IMPORTED,
    ColumnMapping,
    ImportRefused,
    TransferError,
    check_rows,
    export_incidents,
    import_incidents,
    neutralised,
    parse_time,
    read_table,
    restored,
)
from app.models.incidents import create_incident
from app.models.permissions import Role, RolePermissionError
from app.models.users import ensure_user
from app.reports.progress import ReportCancelled
from tests.conftest import category, make_draft

GOOD = {"received_at": "2026-03-27T16:45:00+00:00", "channel": "phone",
        "caller_name": "Olivia Taylor", "category": "IT system failure",
        "summary": "Billing system down", "impact": "high", "urgency": "medium"}


def write_csv(path: Path, rows: list[dict], header: list[str] | None = None,
              encoding: str = "utf-8", separator: str = ",") -> Path:
    header = header or list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=separator)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(h, row.get(h.lower(), "")) for h in header])
    return path


def row(**changes) -> dict:
    return {**GOOD, **changes}


def plan_of(path: Path, now: datetime | None = None):
    return check_rows(read_table(path), now=now)


def import_file(path: Path, by, now: datetime | None = None):
    plan = plan_of(path, now)
    assert plan.problems == []
    return import_incidents(plan, by, path.name)


def problems_of(tmp_path: Path, *rows: dict, now: datetime | None = None) -> list[tuple]:
    plan = plan_of(write_csv(tmp_path / "in.csv", list(rows)), now)
    return [(p.row, p.column, p.reason) for p in plan.problems]


def database_state() -> tuple:
    head = HistoryChain.get_by_id(1)
    return (Incident.select().count(), History.select().count(), SlaPause.select().count(),
            [(c.year, c.last) for c in ReferenceCounter.select()], head.last_id,
            head.last_hash, ConfigChange.select().count())


# --- reading files ----------------------------------------------------------------------------
@pytest.mark.parametrize(("encoding", "detail"), [
    ("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with a byte order mark"),
    ("cp1252", "Windows-1252"), ("utf-16", "UTF-16")])
def test_each_usual_encoding_is_read_as_written(db, leader, tmp_path, encoding, detail):
    name = "Zoë O\u2019Brien – £20 refund"
    path = write_csv(tmp_path / "in.csv", [row(caller_name=name)], encoding=encoding)
    table = read_table(path)
    assert table.detail.startswith(detail)
    assert table.headers[0] == "received_at"  # no byte order mark glued to the header
    import_file(path, leader)
    assert Incident.get().caller_name == name


def test_text_in_no_known_encoding_is_refused_naming_the_file(db, tmp_path):
    path = tmp_path / "legacy.csv"
    path.write_bytes(b"received_at,caller_name\n2026-03-27T16:45:00+00:00,Bad \x81\x8d\n")
    with pytest.raises(TransferError, match=r"legacy\.csv is neither UTF-8 nor Windows-1252"):
        read_table(path)


CHUNKED = ("received_at;caller_name;summary", "2026-03-27T16:45:00+00:00;Zoë O\u2019Brien;"
           "\"two\nlines, £20\"", "", "2026-03-28T09:00:00+00:00;Ama;\u2013 dash")


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 8, 64])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_file_read_a_chunk_at_a_time_reads_as_a_whole(tmp_path, monkeypatch, chunk, encoding,
                                                         newline):
    """Text is decoded and split a chunk at a time (so that the window keeps the GIL's
    turns while a large file is read): a chunk may end inside a character, between CR and
    LF, or inside a quoted cell, and the table is the same."""
    from app.models import incident_transfer_read

    path = tmp_path / "in.csv"
    path.write_bytes((newline.join(CHUNKED) + newline).encode(encoding))
    whole = read_table(path)
    monkeypatch.setattr(incident_transfer_read, "CSV_CHUNK", chunk)
    parts = read_table(path)
    assert whole.rows == [
        ["2026-03-27T16:45:00+00:00", "Zoë O\u2019Brien", "two\nlines, £20"],
        ["2026-03-28T09:00:00+00:00", "Ama", "\u2013 dash"]]
    assert whole.row_numbers == [2, 4]
    assert (parts.headers, parts.rows, parts.row_numbers, parts.detail) == (
        whole.headers, whole.rows, whole.row_numbers, whole.detail)


@pytest.mark.parametrize("chunk", [3, 1 << 20])
def test_the_byte_in_no_known_encoding_is_named_wherever_it_is(tmp_path, monkeypatch, chunk):
    from app.models import incident_transfer_read

    monkeypatch.setattr(incident_transfer_read, "CSV_CHUNK", chunk)
    data = "received_at,caller_name\n2026-03-27T16:45:00+00:00,Zoë ".encode() + b"\x81\n"
    bad = data.index(b"\x81")
    path = tmp_path / "legacy.csv"
    path.write_bytes(data)
    with pytest.raises(TransferError, match=f"byte {bad + 1} is 0x81"):
        read_table(path)
    path.write_bytes(codecs.BOM_UTF8 + data)
    with pytest.raises(TransferError, match=f"says it is UTF-8 with a byte order mark but "
                                            f"byte {bad + 4} is not"):
        read_table(path)


@pytest.mark.parametrize(("separator", "words"), [
    (";", "semicolons"), ("\t", "tabs"), (",", "commas"), ("|", "vertical bars")])
def test_the_separator_is_found_from_the_header(db, leader, tmp_path, separator, words):
    path = write_csv(tmp_path / "in.csv", [row(summary="Lift stuck; 3 people, 1 hurt")],
                     separator=separator)
    table = read_table(path)
    assert table.detail == f"UTF-8, separated by {words}"
    import_file(path, leader)
    assert Incident.get().summary == "Lift stuck; 3 people, 1 hurt"


def test_excel_sep_line_sets_the_separator_and_rows_keep_their_numbers(db, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("sep=;\nreceived_at;channel\n2026-03-27T16:45:00+00:00;phone\n")
    table = read_table(path)
    assert table.headers == ["received_at", "channel"]
    assert table.row_numbers == [3]


def test_blank_lines_are_skipped_and_problems_name_the_spreadsheet_row(db, tmp_path):
    path = tmp_path / "in.csv"
    write_csv(path, [row(), row(channel="pigeon")])
    header, first, second = path.read_text().splitlines()
    path.write_text(f"\n{header}\n\n{first}\n  \n,,,\n\n{second}\n\n")
    table = read_table(path)
    assert table.row_numbers == [4, 8]
    assert table.blank_rows == 5
    plan = check_rows(table)
    assert [(p.row, p.column) for p in plan.problems] == [(8, "channel")]


@pytest.mark.parametrize("content", [b"", b"\n\n", b"received_at,channel\n", b"\r\n\r\n"])
def test_a_file_without_incidents_is_refused(db, tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(TransferError, match=r"empty\.csv"):
        read_table(path)


def test_binary_and_old_excel_files_are_refused_with_what_to_do(tmp_path):
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200))
    with pytest.raises(TransferError, match=r"old\.xls is an old Excel .* save it as .xlsx"):
        read_table(old)
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(TransferError, match=r"photo\.csv is not a CSV file"):
        read_table(binary)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(TransferError, match=r"broken\.xlsx cannot be read as an XLSX"):
        read_table(broken)
    with pytest.raises(TransferError, match=r"missing\.csv does not exist"):
        read_table(tmp_path / "missing.csv")


def test_a_workbook_is_read_from_its_first_sheet_whatever_its_name(db, leader, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "March"
    sheet.append(["Caller_Name", "RECEIVED_AT", "channel", "category", "summary", "impact",
                  "urgency", "caller_phone", "Notes"])
    # a date-time cell, as a spreadsheet holds one: local time (BST on 1 April)
    sheet.append(["Jack Jones", datetime(2026, 4, 1, 9, 30), "Email", "facilities", "No heat",
                  "low", "low", 7700900123, "ring first"])
    sheet.append([None] * 9)
    workbook.create_sheet("Other").append(["not read"])
    path = tmp_path / "march.data"  # told apart by its content, not its name
    workbook.save(path)
    table = read_table(path)
    assert (table.kind, table.detail, table.row_numbers) == ("XLSX", "sheet March", [2])
    plan = check_rows(table)
    assert plan.problems == []
    assert plan.unused_columns == ["Notes"]
    import_incidents(plan, leader, path.name)
    incident = Incident.get()
    assert incident.received_at == datetime(2026, 4, 1, 8, 30, tzinfo=UTC)
    assert (incident.caller_phone, incident.channel) == ("7700900123", "email")


# --- times -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "utc"), [
    ("2026-03-27T16:45:00+00:00", datetime(2026, 3, 27, 16, 45)),
    ("2026-03-27 16:45:00Z", datetime(2026, 3, 27, 16, 45)),
    ("2026-07-01T09:00:00+01:00", datetime(2026, 7, 1, 8, 0)),
    ("2026-07-01T09:00:00.750-04:00", datetime(2026, 7, 1, 13, 0)),
    ("27/03/2026 16:45", datetime(2026, 3, 27, 16, 45)),  # GMT
    ("01/07/2026 09:00", datetime(2026, 7, 1, 8, 0)),  # BST
    ("1/7/2026 09:00:30", datetime(2026, 7, 1, 8, 0, 30)),
])
def test_times_with_an_offset_or_in_uk_local_time_are_read(text, utc):
    assert parse_time(text) == (utc.replace(tzinfo=UTC), None)


@pytest.mark.parametrize(("text", "words"), [
    ("2026-03-27T16:45:00", "has no UTC offset"),
    ("2026-03-27", "a date without a time of day"),
    ("27/03/2026", "a date without a time of day"),
    ("03/27/2026 16:45", "not a real date and time (read as day/month/year)"),
    ("31/02/2026 10:00", "not a real date and time"),
    ("25/10/2026 01:30", "ambiguous in local time"),  # the clocks go back: it happens twice
    ("29/03/2026 01:30", "ambiguous in local time"),  # the clocks go forward: never happens
    ("yesterday", "not a date and time"),
    ("2026-13-01T10:00:00+00:00", "not a date and time"),
])
def test_times_that_cannot_be_read_for_certain_are_refused(text, words):
    value, problem = parse_time(text)
    assert value is None
    assert words in problem
    assert "2026-03-27T16:45:00+00:00" in problem or "+01:00" in problem


# --- checking rows ---------------------------------------------------------------------------
def test_headers_are_matched_whatever_their_case_and_order_and_unknown_ones_reported(
        db, tmp_path):
    path = write_csv(tmp_path / "in.csv", [row()],
                     header=["Urgency", "IMPACT", "summary", "Colour", "category",
                             "Caller_Name", "", "channel", "received_at"])
    plan = plan_of(path)
    assert plan.ok
    assert plan.unused_columns == ["Colour", "(column 7, no heading)"]
    assert plan.mapping.index("urgency") == 0


def test_required_columns_missing_are_named_in_the_header_row(db, tmp_path):
    path = write_csv(tmp_path / "in.csv", [{"received_at": GOOD["received_at"],
                                            "Caller": "Olivia"}])
    plan = plan_of(path)
    assert not plan.ok
    assert [(p.row, p.column) for p in plan.problems] == [
        (1, "channel"), (1, "caller_name"), (1, "category"), (1, "summary"), (1, "impact"),
        (1, "urgency")]
    assert "required column missing" in plan.problems[0].reason
    assert plan.summary().endswith("in the header of in.csv: nothing is imported until every "
                                   "row is right.")


def test_a_mapping_reads_our_columns_from_differently_named_ones(db, leader, tmp_path):
    path = write_csv(tmp_path / "in.csv", [
        {"When": "27/03/2026 10:00", "How": "Chat", "Who": "Ann Lee", "Type": "Facilities",
         "What": "Door stuck", "Impact": "low", "Urgency": "high"}])
    table = read_table(path)
    mapping = ColumnMapping({**ColumnMapping.guess(table.headers).columns, "received_at": 0,
                             "channel": 1, "caller_name": 2, "category": 3, "summary": 4})
    plan = check_rows(table, mapping)
    assert plan.ok and plan.unused_columns == []
    import_incidents(plan, leader, "in.csv")
    assert Incident.get().caller_name == "Ann Lee"


def test_every_problem_names_row_column_value_and_reason(db, leader, tmp_path):
    problems = problems_of(tmp_path, row(
        channel="pigeon", caller_type="robot", caller_phone="call me", caller_email="nope",
        category="Weather", impact="huge", urgency="", priority="P9", status="lost",
        owner="nobody", caller_name="   "))
    assert [(r, c) for r, c, _ in problems] == [
        (2, "channel"), (2, "caller_name"), (2, "caller_type"), (2, "category"),
        (2, "impact"), (2, "urgency"), (2, "priority"), (2, "status"), (2, "owner")]
    reasons = dict((c, r) for _, c, r in problems)
    assert reasons["channel"] == ("not a known channel; allowed: phone, email, chat, social, "
                                  "radio, walk_in.")
    assert "allowed: IT system failure, Telephony outage" in reasons["category"]
    assert "tess.leader" in reasons["owner"]
    assert reasons["urgency"] == "required: this cell is empty."


def test_phone_and_email_are_checked_once_the_rest_of_the_row_is_readable(db, tmp_path):
    problems = problems_of(tmp_path, row(caller_phone="call me", caller_email="nope"))
    assert [(c, r[:20]) for _, c, r in problems] == [
        ("caller_phone", "use digits, spaces a"), ("caller_email", "this is not an email")]


def test_text_is_held_to_the_records_own_rules(db, tmp_path):
    problems = problems_of(tmp_path, row(summary="x" * 201),
                           row(caller_name="Bob\x07by"), row(location="line\nbreak"))
    assert [(r, c, reason[:30]) for r, c, reason in problems] == [
        (2, "summary", "at most 200 characters (this h"),
        (3, "caller_name", "contains a control character ("),
        (4, "location", "must be on one line (there is ")]


def test_vocabularies_match_values_and_labels_whatever_the_case(db, leader, tmp_path):
    path = write_csv(tmp_path / "in.csv", [
        row(channel="Walk-in", caller_type="Member of the public", impact="HIGH",
            urgency="Low", status="In progress", category="facilities",
            subcategory="BUILDING ACCESS", owner="Tess Leader"),
        row(channel="SOCIAL MEDIA", caller_type="third party", status="on_hold_customer",
            owner="TESS.LEADER")])
    import_file(path, leader)
    first, second = Incident.select().order_by(Incident.id)
    assert (first.channel, first.caller_type, first.impact, first.urgency, first.status) == (
        "walk_in", "public", "high", "low", "in_progress")
    assert first.subcategory_id == category("Building access").id
    assert first.owner_id == second.owner_id == leader.id
    assert (second.channel, second.caller_type) == ("social", "third_party")


def test_a_subcategory_must_belong_to_the_category(db, tmp_path):
    problems = problems_of(tmp_path, row(category="Facilities", subcategory="Hardware"))
    assert problems == [(2, "subcategory", "not a subcategory of Facilities; allowed: "
                                           "Building access, Power, heating or lighting, "
                                           "Cleaning or hygiene.")]


def test_an_owner_named_by_two_users_must_be_given_by_username(db, leader, tmp_path):
    ensure_user("tess.l2", "Tess Leader")
    problems = problems_of(tmp_path, row(owner="tess leader"))
    assert problems == [(2, "owner", "more than one user has this name; give the username: "
                                     "tess.l2, tess.leader.")]


@pytest.mark.parametrize(("status", "times", "column", "words"), [
    ("resolved", {}, "resolved_at", "required when the status is resolved"),
    ("closed", {"resolved_at": "2026-03-28T10:00:00+00:00"}, "closed_at", "required when"),
    ("in_progress", {"resolved_at": "2026-03-28T10:00:00+00:00"}, "resolved_at",
     "must be empty while the incident is open"),
    ("resolved", {"resolved_at": "2026-03-28T10:00:00+00:00",
                  "closed_at": "2026-03-29T10:00:00+00:00"}, "closed_at",
     "must be empty while the status is resolved"),
    ("closed", {"resolved_at": "2026-03-28T10:00:00+00:00",
                "closed_at": "2026-03-27T18:00:00+00:00"}, "closed_at", "before resolved_at"),
    ("resolved", {"resolved_at": "2026-03-27T10:00:00+00:00"}, "resolved_at",
     "before the incident was received, 27/03/2026 16:45"),
    ("new", {"responded_at": "2099-01-01T10:00:00+00:00"}, "responded_at",
     "cannot be in the future"),
    ("new", {"response_due": "2026-03-26T10:00:00+00:00"}, "response_due",
     "before the incident was received"),
])
def test_the_status_and_its_times_must_agree(db, tmp_path, status, times, column, words):
    problems = problems_of(tmp_path, row(status=status, **times))
    assert [(c, words in reason) for _, c, reason in problems] == [(column, True)]


def test_received_in_the_future_or_before_2000_is_refused(db, tmp_path):
    problems = problems_of(tmp_path, row(received_at="2099-01-01T00:00:00+00:00"),
                           row(received_at="1999-12-31T00:00:00+00:00"))
    assert problems == [(2, "received_at", "cannot be in the future."),
                        (3, "received_at", "cannot be before 1 January 2000.")]


def test_a_row_longer_than_the_header_is_refused_unless_the_extra_cells_are_empty(db, tmp_path):
    path = tmp_path / "in.csv"
    write_csv(path, [row(), row()])
    header, first, second = path.read_text().splitlines()
    path.write_text(f"{header}\n{first},,\n{second},surprise\n")
    plan = plan_of(path)
    assert [(p.row, p.column, p.value) for p in plan.problems] == [(3, "(column 8)", "surprise")]


# --- references --------------------------------------------------------------------------------
def test_references_twice_in_the_file_or_already_in_the_database_are_reported(
        db, advisor, tmp_path):
    existing = create_incident(make_draft(), advisor)
    problems = problems_of(tmp_path, row(reference="INC-2026-000100"),
                           row(reference="inc-2026-000100"),
                           row(reference=existing.reference), row(reference="has space"))
    assert [(r, c, reason[:40]) for r, c, reason in problems] == [
        (3, "reference", "the file gives this reference to row 2 t"),
        (4, "reference", "an incident with this reference is alrea"),
        (5, "reference", "a reference is one word of at most 20 ch")]


def test_new_references_never_collide_with_the_files_nor_with_later_incidents(
        db, leader, advisor, tmp_path):
    create_incident(make_draft(received_at=datetime(2026, 3, 1, tzinfo=UTC)), advisor,
                    now=datetime(2026, 3, 1, 1, tzinfo=UTC))  # INC-2026-000001
    path = write_csv(tmp_path / "in.csv", [
        row(), row(reference="INC-2026-000007"), row(reference="OLD-42"),
        row(received_at="2025-12-31T23:30:00+00:00"), row()])
    result = import_file(path, leader)
    assert result.new_references == 3
    references = [i.reference for i in Incident.select().order_by(Incident.id)]
    assert references == ["INC-2026-000001", "INC-2026-000008", "INC-2026-000007", "OLD-42",
                          "INC-2025-000001", "INC-2026-000009"]
    later = create_incident(make_draft(), advisor)
    assert later.reference == "INC-2026-000010"


# --- what is imported ------------------------------------------------------------------------
def test_an_imported_incident_gets_the_priority_and_due_times_logging_would_give(
        db, leader, advisor, tmp_path):
    received = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    logged = create_incident(make_draft(received_at=received, impact="high",
                                        urgency="medium"), advisor)
    path = write_csv(tmp_path / "in.csv", [row(received_at=received.isoformat(),
                                               category="IT system failure")])
    import_file(path, leader)
    imported = Incident.get(Incident.logged_by == leader)
    for name in ("priority", "response_due", "resolution_due", "response_warn_at",
                 "resolution_warn_at", "escalation_due_at", "response_met",
                 "resolution_met", "escalation_level"):
        assert getattr(imported, name) == getattr(logged, name), name
    assert imported.priority_override is None
    assert (imported.status, imported.owner_id, imported.details_confirmed) == ("new", None,
                                                                                 False)


def test_a_historical_record_keeps_its_status_times_and_the_priority_it_had(
        db, leader, tmp_path):
    path = write_csv(tmp_path / "in.csv", [row(
        status="Closed", priority="P1", received_at="27/03/2026 09:00",
        responded_at="27/03/2026 09:20", resolved_at="27/03/2026 15:00",
        closed_at="30/03/2026 10:00", response_due="2026-03-27T09:30:00+00:00",
        owner="tess.leader")])
    import_file(path, leader)
    incident = Incident.get()
    assert (incident.status, incident.priority, incident.priority_override) == ("closed", 1, 1)
    assert "the matrix gives P2 for impact high and urgency medium" in (
        incident.priority_override_reason)
    assert incident.responded_at == datetime(2026, 3, 27, 9, 20, tzinfo=UTC)
    assert incident.closed_at == datetime(2026, 3, 30, 9, 0, tzinfo=UTC)  # BST by then
    assert incident.response_due == datetime(2026, 3, 27, 9, 30, tzinfo=UTC)  # as given
    assert incident.response_warn_at is None  # 75% of the engine's target: not of this one
    assert incident.resolution_due == datetime(2026, 3, 27, 13, 0, tzinfo=UTC)  # P1: 4 h
    assert (incident.response_met, incident.resolution_met) == (True, False)
    assert incident.escalation_due_at is None  # closed: nothing more to escalate
    history = incident_history(incident.id)
    assert [(h.action, h.field, h.user) for h in history] == [
        (IMPORTED, None, "Tess Leader"), ("changed", "priority_override", "Tess Leader"),
        ("changed", "priority_override_reason", "Tess Leader")]
    assert history[0].new_value == "From in.csv, row 2"


def test_a_resolved_record_without_a_response_time_was_responded_to_when_resolved(
        db, leader, tmp_path):
    import_file(write_csv(tmp_path / "in.csv", [row(
        status="resolved", resolved_at="2026-03-27T17:00:00+00:00")]), leader)
    assert Incident.get().responded_at == datetime(2026, 3, 27, 17, 0, tzinfo=UTC)


def test_an_incident_on_hold_has_its_clock_stopped_from_the_import(db, leader, tmp_path):
    received = now_utc() - timedelta(minutes=10)
    import_file(write_csv(tmp_path / "in.csv", [row(
        received_at=received.isoformat(), impact="high", urgency="high",
        status="On hold: awaiting customer", responded_at=received.isoformat())]), leader)
    incident = Incident.get()
    pause = SlaPause.get()
    assert (pause.incident_id, pause.reason, pause.ended_at) == (
        incident.id, "on_hold_customer", None)
    assert incident.resolution_due is None  # P1, on hold before its 4 hours ran out


def test_the_import_is_recorded_and_the_history_chain_stays_whole(
        db, db_path, leader, advisor, tmp_path):
    create_incident(make_draft(), advisor)
    import_file(write_csv(tmp_path / "in.csv", [row(), row(caller_name="Jack Jones")]),
                leader)
    assert verify_file(db_path).ok
    imported = Incident.select().where(Incident.logged_by == leader)
    assert imported.count() == 2
    change = ConfigChange.get(ConfigChange.area == "import")
    assert change.summary == "Imported 2 incidents from in.csv (2 given new references)"
    assert change.user_id == leader.id


def test_search_finds_imported_incidents(db, leader, tmp_path):
    import_file(write_csv(tmp_path / "in.csv", [row(caller_name="Wilhelmina Okonkwo",
                                                    caller_phone="+44 113 496 0777")]),
                leader)
    assert IncidentLog(LogFilter(text="Wilhelm")).count() == 1
    assert IncidentLog(LogFilter(text="496 0777")).count() == 1
    reference = Incident.get().reference
    assert IncidentLog(LogFilter(text=reference)).count() == 1


# --- all or nothing ----------------------------------------------------------------------------
def test_a_file_with_one_bad_row_imports_nothing(db, leader, advisor, tmp_path):
    create_incident(make_draft(), advisor)
    before = database_state()
    plan = plan_of(write_csv(tmp_path / "in.csv", [row()] * 50 + [row(impact="severe")]))
    assert len(plan.incidents) == 50 and not plan.ok
    assert plan.summary() == ("1 problem in 1 of 51 rows of in.csv: nothing is imported until "
                              "every row is right.")
    with pytest.raises(ImportRefused, match=r"in\.csv: 1 problem in 1 row; nothing was "
                                            r"imported\.") as refused:
        import_incidents(plan, leader, "in.csv")
    assert refused.value.problems[0].row == 52
    assert database_state() == before


def test_a_reference_taken_after_the_check_refuses_the_whole_import(db, leader, advisor,
                                                                     tmp_path):
    plan = plan_of(write_csv(tmp_path / "in.csv", [row(), row(reference="INC-2026-000001")]))
    assert plan.ok
    create_incident(make_draft(), advisor)  # takes INC-2026-000001 meanwhile
    before = database_state()
    with pytest.raises(ImportRefused) as refused:
        import_incidents(plan, leader, "in.csv")
    assert "has been added since the file was checked" in refused.value.problems[0].reason
    assert database_state() == before


def test_a_cancelled_import_leaves_the_database_as_it_was(db, leader, advisor, tmp_path):
    create_incident(make_draft(), advisor)
    plan = plan_of(write_csv(tmp_path / "in.csv", [row()] * 12_000))
    before = database_state()
    seen = []

    def progress(done, total):
        seen.append((done, total))
        if done >= 10_000:
            raise ReportCancelled

    with pytest.raises(ReportCancelled):
        import_incidents(plan, leader, "in.csv", progress=progress)
    assert seen == [(5_000, 12_000), (10_000, 12_000)]
    assert database_state() == before


def test_only_team_leaders_and_administrators_import(db, advisor, tmp_path):
    plan = plan_of(write_csv(tmp_path / "in.csv", [row()]))
    with pytest.raises(RolePermissionError, match="only an administrator or a team leader"):
        import_incidents(plan, advisor, "in.csv")
    assert Incident.select().count() == 0


# --- export ------------------------------------------------------------------------------------
def test_formula_cells_are_neutralised_and_read_back_as_they_were():
    for text in ("=1+1", "+44 161 496 0000", "-5", "@SUM(A1)", "\tx", "'=x", "''=x", "'x",
                 "''", "'", "plain", "", "=", "'+"):
        assert restored(neutralised(text)) == text
        assert not neutralised(text).startswith(("=", "+", "-", "@", "\t", "\r"))
    assert neutralised("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert neutralised("'x") == "'x"  # an apostrophe of its own is left alone


def _exported(tmp_path, leader, kind: str) -> list[list[str]]:
    path = tmp_path / f"out.{kind}"
    export_incidents(path, by=leader)
    table = read_table(path)
    assert table.headers == list(COLUMNS)
    return [[str(c) for c in r] for r in table.rows]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_export_holds_every_column_times_in_utc_and_no_live_formula(
        db, leader, advisor, tmp_path, kind):
    create_incident(make_draft(caller_name="=cmd|' /C calc'!A0", caller_phone="+44 161 496 0000",
                               summary="@SUM(1+1)*cmd", owner_id=advisor.id,
                               description="-2+3\nline two, \"quoted\""), advisor)
    [values] = _exported(tmp_path, leader, kind)
    exported = dict(zip(COLUMNS, values, strict=True))
    incident = Incident.get()
    assert exported["reference"] == incident.reference
    assert exported["received_at"] == "2026-11-20T09:30:00+00:00"
    assert exported["caller_name"] == "'=cmd|' /C calc'!A0"
    assert exported["caller_phone"] == "'+44 161 496 0000"
    assert exported["summary"] == "'@SUM(1+1)*cmd"
    assert exported["description"] == "'-2+3\nline two, \"quoted\""
    assert (exported["category"], exported["subcategory"]) == ("IT system failure",
                                                              "Application error")
    assert (exported["priority"], exported["status"], exported["owner"]) == (
        "P2", "assigned", "sam.advisor")
    assert exported["response_due"] == incident.response_due.isoformat()
    assert exported["closed_at"] == ""
    if kind == "xlsx":
        sheet = openpyxl.load_workbook(tmp_path / "out.xlsx").worksheets[0]
        types = {cell.data_type for r in sheet.iter_rows() for cell in r}
        assert "f" not in types and types <= {"s", "inlineStr", "n"}
    change = ConfigChange.get(ConfigChange.area == EXPORT_AREA)
    assert change.summary == (f"Exported 1 incidents (all) to out.{kind} as {kind.upper()}, "
                              "with the callers' personal data")


def test_an_export_is_limited_to_the_local_days_asked_for(db, leader, advisor, tmp_path):
    for when in (datetime(2026, 3, 31, 22, 59, tzinfo=UTC),  # 31 March, 23:59 BST
                 datetime(2026, 3, 31, 23, 1, tzinfo=UTC),  # 1 April, 00:01 BST
                 datetime(2026, 4, 30, 22, 59, tzinfo=UTC),
                 datetime(2026, 4, 30, 23, 0, tzinfo=UTC)):  # 1 May
        create_incident(make_draft(received_at=when), advisor)
    path = tmp_path / "april.csv"
    assert export_incidents(path, date(2026, 4, 1), date(2026, 4, 30), by=leader) == 2
    assert [r[1] for r in read_table(path).rows] == ["2026-03-31T23:01:00+00:00",
                                                     "2026-04-30T22:59:00+00:00"]
    assert export_incidents(tmp_path / "from.csv", date(2026, 5, 1), by=leader) == 1
    assert export_incidents(tmp_path / "to.csv", end=date(2026, 3, 31), by=leader) == 1
    with pytest.raises(TransferError, match=r"No incidents to export \(received 1 Jan 2026 – "
                                            r"31 Jan 2026\): jan\.csv was not written"):
        export_incidents(tmp_path / "jan.csv", date(2026, 1, 1), date(2026, 1, 31), by=leader)
    with pytest.raises(TransferError, match=r"The period ends \(1 Mar 2026\) before it starts"):
        export_incidents(tmp_path / "x.csv", date(2026, 4, 1), date(2026, 3, 1), by=leader)
    assert not (tmp_path / "jan.csv").exists()


@pytest.mark.sqlite_only("an export over the database file or its write-ahead log")
def test_an_export_never_writes_over_the_database_or_a_file_unasked(
        db, db_path, leader, advisor, tmp_path):
    create_incident(make_draft(), advisor)
    for target in (db_path, Path(f"{db_path}-wal"), tmp_path / ".." / tmp_path.name /
                   db_path.name):
        with pytest.raises(TransferError, match="is the database itself"):
            export_incidents(target.with_suffix(target.suffix), by=leader, replace=True)
    precious = tmp_path / "precious.xlsx"
    precious.write_bytes(b"my own spreadsheet")
    with pytest.raises(TransferError, match=r"precious\.xlsx already exists and has not been "
                                            r"replaced"):
        export_incidents(precious, by=leader)
    assert precious.read_bytes() == b"my own spreadsheet"
    assert export_incidents(precious, by=leader, replace=True) == 1
    with pytest.raises(TransferError, match=r"out\.ods: choose a file name ending \.csv or "
                                            r"\.xlsx"):
        export_incidents(tmp_path / "out.ods", by=leader)
    with pytest.raises(TransferError, match="Cannot write the incidents to"):
        export_incidents(tmp_path / "no such folder" / "out.csv", by=leader)
    assert verify_file(db_path).ok


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_cancelled_export_leaves_no_file(db, leader, advisor, tmp_path, kind):
    for _ in range(3):
        create_incident(make_draft(), advisor)
    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / f"incidents.{kind}"

    def progress(done, total):
        raise ReportCancelled

    with pytest.raises(ReportCancelled):
        export_incidents(path, by=leader, progress=progress)
    assert list(path.parent.iterdir()) == []
    assert not ConfigChange.select().where(ConfigChange.area == EXPORT_AREA).exists()


def test_only_those_who_may_export_personal_data_export(db, advisor, tmp_path):
    create_incident(make_draft(), advisor)
    with pytest.raises(RolePermissionError):
        export_incidents(tmp_path / "out.csv", by=advisor)
    assert not (tmp_path / "out.csv").exists()


def test_an_export_opened_again_by_a_spreadsheet_saved_with_excels_bom(db, leader, advisor,
                                                                       tmp_path):
    create_incident(make_draft(caller_name="Zoë Ætherington"), advisor)
    path = tmp_path / "out.csv"
    export_incidents(path, by=leader)
    assert path.read_bytes().startswith(codecs.BOM_UTF8)
    assert read_table(path).rows[0][3] == "Zoë Ætherington"


def test_an_administrator_may_export_too(db, tmp_path, advisor):
    admin = ensure_user("ada.admin", "Ada Admin", Role.ADMINISTRATOR)
    create_incident(make_draft(), advisor)
    assert export_incidents(tmp_path / "out.csv", by=admin) == 1


@given(text=st.text(alphabet=st.sampled_from("ab;\"\r\n é\u2019\u2013€\U0001F600"), max_size=60),
       chunk=st.integers(min_value=1, max_value=9))
@settings(max_examples=300, deadline=None)
def test_the_lines_of_any_text_split_a_chunk_at_a_time_are_its_lines(text, chunk):
    """Whatever the characters (1 to 4 bytes in UTF-8) and line endings, and wherever a
    chunk ends, the lines are those of the text read whole with ``newline=""``."""
    from app.models import incident_transfer_read

    old, incident_transfer_read.CSV_CHUNK = incident_transfer_read.CSV_CHUNK, chunk
    try:
        lines = list(incident_transfer_read._lines(text.encode(), "utf-8", 0))
    finally:
        incident_transfer_read.CSV_CHUNK = old
    assert lines == io.StringIO(text, newline="").readlines()
