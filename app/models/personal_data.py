"""Data protection duties (UK GDPR): retention, subject access and erasure.

Anonymising an incident erases its caller's personal data and keeps its operational facts
(category, priority, times, status, service levels, what was done). The caller's name
becomes "[erased]"; phone, email, account, location and the caller's own description are
emptied; the caller's name, phone and email are struck out wherever they were written in
the incident's other text (summary, resolution, notes, prioritisation). The same values are
erased from the incident's history, each keeping its SHA-256 so the hash chain still links,
and a last history row records the erasure and why, without the erased data.
"""

from __future__ import annotations

import json
import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import datetime

import peewee as pw

from app.models.audit import describe, incident_history, record
from app.models.clock import now_utc
from app.models.db import database
from app.models.dialect import on_postgres, put_setting
from app.models.entities import (
    Communication,
    ConfigChange,
    Escalation,
    HandoverItem,
    History,
    Incident,
    Setting,
    SupportRecord,
    User,
)
from app.models.history_chain import ANONYMISED, ERASED_ROWS, value_digest
from app.models.lifecycle import Status
from app.models.permissions import Permission, check_permission
from app.models.text_rules import text_error, trimmed
from app.models.validation import email_error, phone_error
from app.models.vocabulary import CallerType, Channel, priority_label

ERASED = "[erased]"
# Emptied (or, for the name and the description, replaced by ERASED) when anonymised.
PERSONAL_FIELDS = ("caller_name", "caller_phone", "caller_email", "account_ref", "location",
                   "description")
# Kept, with the caller's name, phone and email struck out where they were written.
SCRUBBED_FIELDS = ("summary", "resolution", "priority_rationale", "priority_override_reason",
                   "prioritisation")
RETENTION_SETTING = "retention.months"
RETENTION_AREA = "retention"  # changes to the period, in the settings' history
DEFAULT_RETENTION_MONTHS = 24
RETENTION_LIMITS = (1, 120)
RETENTION_BATCH = 200  # incidents anonymised per transaction by a retention run
MAX_REQUEST_NOTE = 500


INPUT_LABELS = {"phone": "Phone", "email": "Email", "request_note": "Request",
                "months": "Retention period"}


class PersonalDataError(ValueError):
    """A request that cannot be carried out; ``problems`` maps each input to what is wrong."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(f"{INPUT_LABELS.get(k, k)}: {v}"
                                   for k, v in problems.items()))


# --- finding a person's records -------------------------------------------------------------
def phone_variants(phone: str) -> set[str]:
    """The digit strings a UK number may be stored as: ``0161…``, ``44161…``, ``0044161…``
    (and ``440161…``, from ``+44 (0)161…``).

    Other international numbers match with or without their ``00`` prefix.
    """
    # "+44 (0)161 …": the bracketed trunk zero is not dialled after the country code
    digits = "".join(ch for ch in phone.replace("(0)", "") if ch.isdigit())
    national = None
    if digits.startswith("0044"):
        national = "0" + digits[4:]
    elif digits.startswith("44") and phone.strip().startswith("+"):
        national = "0" + digits[2:]
    elif digits.startswith("0") and not digits.startswith("00"):
        national = digits
    if national is not None:  # and as stored with the trunk zero kept: 440161…
        rest = national[1:]
        return {national, "44" + rest, "0044" + rest, "440" + rest, "00440" + rest}
    bare = digits[2:] if digits.startswith("00") else digits
    return {bare, "00" + bare}


# The search expressions, written out so that the indexes of migration 0007 (made on the very
# same expressions) answer them; the separators are literals, not parameters, for that.
PHONE_SEPARATORS = " ()./-+"
PHONE_DIGITS_SQL = "caller_phone"
for _separator in PHONE_SEPARATORS:
    PHONE_DIGITS_SQL = f"replace({PHONE_DIGITS_SQL}, '{_separator}', '')"
EMAIL_KEY_SQL = "lower(caller_email)"




def subject_problems(phone: str, email: str) -> dict[str, str]:
    """What is wrong with a search for a person's records (one of phone or email needed)."""
    phone, email = trimmed(phone), trimmed(email)
    if not phone and not email:
        return {"phone": "give the person's phone number or email address (or both)."}
    problems = {"phone": phone_error(phone), "email": email_error(email)}
    return {k: v for k, v in problems.items() if v}


def find_subject_query(phone: str = "", email: str = "") -> pw.ModelSelect:
    """The incidents whose caller had this phone number or email address, oldest first.

    Raises:
        PersonalDataError: neither is given, or one is not a phone number or an address.
    """
    problems = subject_problems(phone, email)
    if problems:
        raise PersonalDataError(problems)
    phone, email = trimmed(phone), trimmed(email)
    matches = []
    if phone:
        matches.append(pw.SQL(PHONE_DIGITS_SQL).in_(sorted(phone_variants(phone))))
    if email:
        matches.append(pw.SQL(EMAIL_KEY_SQL) == email.lower())
    condition = matches[0] if len(matches) == 1 else (matches[0] | matches[1])
    return Incident.select().where(condition).order_by(Incident.received_at, Incident.id)


def find_subject(phone: str = "", email: str = "") -> list[Incident]:
    """Every incident of the person with this phone or email (see :func:`find_subject_query`)."""
    return list(find_subject_query(phone, email))


# --- anonymising ----------------------------------------------------------------------------
IDENTIFYING_FIELDS = ("caller_name", "caller_phone", "caller_email")


def caller_identifiers(incident: Incident, rows: list[History]) -> re.Pattern | None:
    """A pattern for every name, phone and email the caller was recorded with (now or in
    the history ``rows``), as written in free text."""
    values = {name: {getattr(incident, name)} for name in IDENTIFYING_FIELDS}
    for row in rows:
        if row.field in IDENTIFYING_FIELDS:
            values[row.field] |= {row.old_value, row.new_value}
    parts = set()
    for name in values["caller_name"]:
        name = (name or "").strip()
        if len(name) >= 3 and name.lower() not in ("anonymous", ERASED):
            parts.add(re.escape(name))
    for phone in values["caller_phone"]:
        digits = [ch for ch in phone or "" if ch.isdigit()]
        if len(digits) >= 6:  # the digits with any separators between them
            parts.add(r"\+?" + r"[\s().\-/]*".join(digits))
    parts |= {re.escape(email) for email in values["caller_email"] if email}
    if not parts:
        return None
    # whole words only ("Eve" is not struck out of "several"); longest first, so a full
    # name is struck out whole rather than in part
    alternatives = "|".join(sorted(parts, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def history_rows(incident: Incident) -> list[History]:
    return list(History.select().where(History.incident == incident.id).order_by(History.id))


ANSWER_TEXTS = ("service", "workaround_text", "deadline_text")  # free text in the answers


def _scrub(value: str | None, pattern: re.Pattern | None, field: str | None = None
           ) -> str | None:
    """``value`` with the caller's identifiers struck out. The prioritisation record is
    JSON: only its free-text answers are scrubbed, so its choices stay readable."""
    if value is None or pattern is None:
        return value
    if field != "prioritisation":
        return pattern.sub(ERASED, value)
    try:
        data = json.loads(value)
        answers = data["answers"]
        for key in ANSWER_TEXTS:
            if isinstance(answers.get(key), str):
                answers[key] = pattern.sub(ERASED, answers[key])
    except (ValueError, TypeError, KeyError, AttributeError):
        return pattern.sub(ERASED, value)  # not a record this version wrote: as text
    scrubbed = json.dumps(data, sort_keys=True)
    return value if json.loads(value) == data else scrubbed


def _erased_field(name: str, value):
    if name in ("caller_name", "description"):
        return ERASED if value else value
    return ""


def anonymise(incident: Incident, by: User, reason: str, now: datetime) -> int:
    """Erase ``incident``'s personal data, here and in its history, recording ``reason``.

    Call inside a transaction. Returns the number of history values erased.
    """
    rows = history_rows(incident)
    pattern = caller_identifiers(incident, rows)
    erased_rows: dict[int, list[str | None]] = {}
    erased = 0
    for row in rows:
        values = {}
        for side in ("old", "new"):
            value = getattr(row, f"{side}_value")
            # a value is erased once: one erased before stays as it is
            if (value in (None, "", ERASED) or row.action in ("created", ANONYMISED)
                    or getattr(row, f"{side}_digest") is not None):
                continue
            new = (_erased_field(row.field, value) if row.field in PERSONAL_FIELDS
                   else _scrub(value, pattern, row.field))
            if new != value:
                values[f"{side}_value"] = new
                values[f"{side}_digest"] = value_digest(value)
        if values:
            History.erase_values(row.id, **values)
            erased += len(values) // 2
            erased_rows[row.id] = [
                value_digest(values.get(f"{side}_value", getattr(row, f"{side}_value")))
                for side in ("old", "new")]
    changes = {name: _erased_field(name, getattr(incident, name)) for name in PERSONAL_FIELDS}
    changes |= {name: _scrub(getattr(incident, name), pattern, name)
                for name in SCRUBBED_FIELDS}
    changes |= {"anonymised_at": now, "version": incident.version + 1, "updated_at": now}
    _scrub_updates(incident, pattern)
    Incident.update(**changes).where(Incident.id == incident.id).execute()
    # The record of the erasure lists the rows it changed and the digests of what they now
    # hold, so the chain covers the erased rows as they are from here on.
    record(incident, by, now, ANONYMISED, ERASED_ROWS,
           json.dumps(erased_rows, separators=(",", ":")) if erased_rows else None, reason)
    return erased


def _scrub_updates(incident: Incident, pattern: re.Pattern | None) -> None:
    """The person struck out of the updates given, the escalations made, the handovers and
    the support given; an update to the caller loses its address."""
    for c in Communication.select().where(Communication.incident == incident.id):
        (Communication.update(
            recipient="" if c.audience == "caller" else _scrub(c.recipient, pattern),
            subject=_scrub(c.subject, pattern), message=_scrub(c.message, pattern))
         .where(Communication.id == c.id).execute())
    for e in Escalation.select().where(Escalation.incident == incident.id):
        (Escalation.update(reason=_scrub(e.reason, pattern), tried=_scrub(e.tried, pattern))
         .where(Escalation.id == e.id).execute())
    for h in HandoverItem.select().where(HandoverItem.incident == incident.id):
        (HandoverItem.update(**{name: _scrub(getattr(h, name), pattern) for name in (
            "last_update", "next_action", "outstanding_actions", "risks",
            "promised_to_caller")}).where(HandoverItem.id == h.id).execute())
    for r in SupportRecord.select().where(SupportRecord.incident == incident.id):
        (SupportRecord.update(outcome=_scrub(r.outcome, pattern), notes=_scrub(r.notes, pattern))
         .where(SupportRecord.id == r.id).execute())


def purge_search_index() -> None:
    """Rewrite the search index whole, so the words of erased values are gone from it, not
    only marked deleted (3.6 s at a million incidents; run once after erasing). Nothing to
    do on PostgreSQL: its search column is generated from the row, so rewritten with it
    (the old row version and its index entries go at the next VACUUM)."""
    if on_postgres():
        return
    database.execute_sql("INSERT INTO incident_fts(incident_fts) VALUES('optimize')")


# --- retention ------------------------------------------------------------------------------
def retention_months() -> int:
    """How many months after closure an incident's personal data is kept."""
    setting = Setting.get_or_none(Setting.key == RETENTION_SETTING)
    try:
        months = int(setting.value) if setting else DEFAULT_RETENTION_MONTHS
    except ValueError:
        return DEFAULT_RETENTION_MONTHS
    low, high = RETENTION_LIMITS
    return months if low <= months <= high else DEFAULT_RETENTION_MONTHS


def set_retention_months(months: int, by: User, now: datetime | None = None) -> str | None:
    """Change the retention period; returns the change in words, None when unchanged.

    Raises:
        RolePermissionError: ``by`` may not manage personal data.
        PersonalDataError: ``months`` is out of bounds.
    """
    check_permission(by, Permission.MANAGE_PERSONAL_DATA)
    low, high = RETENTION_LIMITS
    if not isinstance(months, int) or not low <= months <= high:
        raise PersonalDataError({"months": f"keep personal data between {low} and {high} "
                                           f"months after closure, not {months}."})
    old = retention_months()
    if months == old:
        return None
    summary = f"Personal data kept {months} months after closure (was {old})."
    with database.atomic():
        put_setting(RETENTION_SETTING, str(months))
        ConfigChange.create(at=now or now_utc(), user=by, area=RETENTION_AREA,
                            summary=summary)
    return summary


def months_before(when: datetime, months: int) -> datetime:
    """The same moment ``months`` calendar months earlier (the 31st becomes the month's end)."""
    index = when.year * 12 + when.month - 1 - months
    year, month = divmod(index, 12)
    day = min(when.day, monthrange(year, month + 1)[1])
    return when.replace(year=year, month=month + 1, day=day)


def retention_due(now: datetime | None = None, months: int | None = None) -> pw.ModelSelect:
    """The closed incidents whose personal data is past its retention period."""
    cutoff = months_before(now or now_utc(), months or retention_months())
    return Incident.select().where(Incident.anonymised_at.is_null(),
                                   Incident.closed_at < cutoff)


@dataclass(frozen=True)
class RetentionRun:
    """What one call of :func:`apply_retention` did."""

    anonymised: int
    remaining: bool  # more are due: call again
    months: int


def apply_retention(by: User, now: datetime | None = None, limit: int = RETENTION_BATCH,
                    on_demand: bool = True) -> RetentionRun:
    """Anonymise up to ``limit`` incidents past retention, in one transaction.

    Runs on start-up (``on_demand`` False: the organisation's policy, whoever is signed in)
    and on demand by someone who may manage personal data.

    Raises:
        RolePermissionError: on demand, by someone who may not manage personal data.
    """
    if on_demand:
        check_permission(by, Permission.MANAGE_PERSONAL_DATA)
    now = now or now_utc()
    months = retention_months()
    reason = (f"Personal data erased by the retention policy: closed more than {months} "
              f"months ago{'' if on_demand else ' (automatic run)'}.")
    with database.atomic():
        due = list(retention_due(now, months).order_by(Incident.closed_at).limit(limit + 1))
        for incident in due[:limit]:
            anonymise(incident, by, reason, now)
        if due and len(due) <= limit:  # the run's last batch
            purge_search_index()
    return RetentionRun(min(len(due), limit), len(due) > limit, months)


# --- erasure on request ---------------------------------------------------------------------
def request_note_problem(note: str, incidents: list[Incident], phone: str, email: str
                         ) -> str | None:
    """The erasure request note must say which request it was, and not repeat the data."""
    note = trimmed(note)
    if not note:
        return "required: the request's reference or how and when it was made."
    if len(note) > MAX_REQUEST_NOTE:
        return f"at most {MAX_REQUEST_NOTE} characters (this has {len(note)})."
    problem = text_error(note)
    if problem:
        return problem
    patterns = [caller_identifiers(incident, history_rows(incident)) for incident in incidents]
    searched = [value.lower() for value in (trimmed(phone), trimmed(email)) if value]
    if (any(p is not None and p.search(note) for p in patterns)
            or any(value in note.lower() for value in searched)):
        return ("must not contain the personal data being erased (a name, phone number or "
                "email): the record of the erasure is kept.")
    return None


@dataclass(frozen=True)
class ErasureResult:
    references: list[str]
    values_erased: int  # in the history


def erase_subject(phone: str, email: str, request_note: str, by: User,
                  now: datetime | None = None) -> ErasureResult:
    """Anonymise every incident of the person with this phone or email, in one transaction.

    Raises:
        RolePermissionError: ``by`` may not manage personal data.
        PersonalDataError: the search or the note is not valid, or nothing matches; nothing
            was changed.
    """
    check_permission(by, Permission.MANAGE_PERSONAL_DATA)
    now = now or now_utc()
    with database.atomic():
        incidents = find_subject(phone, email)
        if not incidents:
            raise PersonalDataError({"phone": "no incident has this phone number or email "
                                              "address."})
        problem = request_note_problem(request_note, incidents, phone, email)
        if problem:
            raise PersonalDataError({"request_note": problem})
        reason = f"Personal data erased on request: {trimmed(request_note)}"
        erased = sum(anonymise(incident, by, reason, now) for incident in incidents)
        purge_search_index()
    return ErasureResult([i.reference for i in incidents], erased)


# --- subject access -------------------------------------------------------------------------
EXPORTED = "exported"  # the history action recording that a record was disclosed


@dataclass(frozen=True)
class SubjectRecord:
    """Everything held about a person, as disclosed in answer to a subject access request:
    one dict per incident (fields in words, its history, its on-hold periods)."""

    phone: str
    email: str
    generated_at: datetime
    generated_by: str
    request_note: str
    incidents: list[dict]

    def to_dict(self) -> dict:
        return {"subject": {"phone": self.phone, "email": self.email},
                "request": self.request_note,
                "generated_at": self.generated_at.isoformat(timespec="seconds"),
                "generated_by": self.generated_by, "incidents": self.incidents}


def _when(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="seconds")


def _incident_record(incident: Incident) -> dict:
    def name(model_field):
        return None if model_field is None else str(model_field)

    return {
        "reference": incident.reference,
        "received_at": _when(incident.received_at),
        "channel": Channel(incident.channel).label,
        "caller_name": incident.caller_name,
        "caller_phone": incident.caller_phone,
        "caller_email": incident.caller_email,
        "caller_type": CallerType(incident.caller_type).label,
        "account_ref": incident.account_ref,
        "location": incident.location,
        "summary": incident.summary,
        "description": incident.description,
        "category": name(incident.category),
        "subcategory": name(incident.subcategory),
        "priority": priority_label(incident.priority),
        "priority_rationale": incident.priority_rationale,
        "status": Status(incident.status).label,
        "owner": name(incident.owner),
        "logged_by": name(incident.logged_by),
        "responded_at": _when(incident.responded_at),
        "resolved_at": _when(incident.resolved_at),
        "closed_at": _when(incident.closed_at),
        "resolution": incident.resolution,
        "anonymised_at": _when(incident.anonymised_at),
        "history": [dict(zip(("what", "from", "to"), describe(entry), strict=True))
                    | {"at": _when(entry.at), "by": entry.user}
                    for entry in incident_history(incident.id)],
    }


def subject_access(phone: str, email: str, by: User, request_note: str = "",
                   now: datetime | None = None) -> SubjectRecord:
    """All records about the person with this phone or email, for disclosure. Once it is
    disclosed, :func:`record_disclosure` writes that to each incident's history.

    Raises:
        RolePermissionError: ``by`` may not manage personal data.
        PersonalDataError: the search or the note is not valid.
    """
    check_permission(by, Permission.MANAGE_PERSONAL_DATA)
    incidents = find_subject(phone, email)
    note = trimmed(request_note)
    if note:
        problem = request_note_problem(note, incidents, phone, email)
        if problem:
            raise PersonalDataError({"request_note": problem})
    return SubjectRecord(trimmed(phone), trimmed(email), now or now_utc(), by.display_name,
                         note, [_incident_record(incident) for incident in incidents])


def record_disclosure(subject: SubjectRecord, by: User) -> None:
    """Write to each disclosed incident's history that it was exported (without the
    person's data), in one transaction."""
    note = subject.request_note
    references = [incident["reference"] for incident in subject.incidents]
    with database.atomic():
        for incident in Incident.select().where(Incident.reference.in_(references)):
            record(incident, by, subject.generated_at, EXPORTED,
                   new="Disclosed in a subject access export" + (f": {note}" if note else "."))
