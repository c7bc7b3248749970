"""Support records: "I helped a colleague", who was supported, on which incident (if any),
what kind of support, how, and the outcome. Evidence for an assessor; each one is shown in
the incident's timeline and written to its history.

Anybody may record support they gave; it is always recorded as given by the signed-in user.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import peewee as pw

from app.models.audit import record
from app.models.clock import format_local, now_utc, to_utc
from app.models.db import database
from app.models.entities import Incident, SupportRecord, User
from app.models.incident_log import REFERENCE_PATTERN
from app.models.permissions import Permission, check_permission
from app.models.text_rules import MAX_NOTE_LENGTH, FieldProblemsError, text_error, trimmed
from app.models.validation import FUTURE_TOLERANCE, event_time_error
from app.models.vocabulary import HandoverMethod, SupportKind

SUPPORTED = "supported"  # the history action


class SupportError(FieldProblemsError):
    """A support record that cannot be kept; ``problems`` maps each field to why."""


@dataclass(frozen=True)
class SupportDraft:
    supported_id: int | None  # the colleague helped
    kind: str  # SupportKind
    method: str  # HandoverMethod
    outcome: str
    at: datetime  # when the support was given
    incident: str = ""  # its reference, or "" when the support was about no one incident
    notes: str = ""

    def cleaned(self) -> SupportDraft:
        return replace(self, outcome=trimmed(self.outcome), notes=trimmed(self.notes),
                       incident=trimmed(self.incident).upper())


def _find_incident(reference: str) -> Incident | None:
    return Incident.get_or_none(Incident.reference == reference)


def support_problems(draft: SupportDraft, by: User, now: datetime) -> dict[str, str]:
    """Every problem with ``draft`` (cleaned), by field: ``supported``, ``kind``, ``method``,
    ``outcome``, ``notes``, ``incident``, ``at``."""
    problems: dict[str, str] = {}
    supported = (User.get_or_none(User.id == draft.supported_id)
                 if draft.supported_id is not None else None)
    if draft.supported_id is None:
        problems["supported"] = "Choose the colleague you helped."
    elif supported is None:
        problems["supported"] = "That colleague is not known here: choose one from the list."
    elif supported.id == by.id:
        problems["supported"] = "Choose the colleague you helped, not yourself."
    if draft.kind not in set(SupportKind):
        problems["kind"] = "Choose what kind of support you gave."
    if draft.method not in set(HandoverMethod):
        problems["method"] = "Choose how: face to face, phone, chat or email."
    if not draft.outcome:
        problems["outcome"] = "Say what came of it: the outcome is what an assessor looks for."
    for field, what in (("outcome", "The outcome"), ("notes", "The notes")):
        value = getattr(draft, field)
        if len(value) > MAX_NOTE_LENGTH:
            problems[field] = (f"{what}: at most {MAX_NOTE_LENGTH:,} characters "
                               f"(this has {len(value):,}).")
        elif (problem := text_error(value, multiline=True)) is not None:
            problems[field] = f"{what} {problem}"
    incident = None
    if draft.incident:
        if not REFERENCE_PATTERN.fullmatch(draft.incident):
            problems["incident"] = (f"'{draft.incident}' is not an incident reference "
                                    "(INC-2026-000123), or leave it empty.")
        elif (incident := _find_incident(draft.incident)) is None:
            problems["incident"] = f"There is no incident {draft.incident}."
    if incident is not None:
        problem = event_time_error(draft.at, incident.received_at, now)
    else:
        problem = (f"{format_local(draft.at)} is in the future."
                   if to_utc(draft.at) > now + FUTURE_TOLERANCE else None)
    if problem:
        problems["at"] = problem
    return problems


def describe_support(s: SupportRecord, supported: str) -> str:
    text = (f"{SupportKind(s.kind).label} for {supported} "
            f"({HandoverMethod(s.method).label.lower()}). Outcome: {s.outcome}")
    return text + (f"\nNotes: {s.notes}" if s.notes else "")


def record_support(draft: SupportDraft, by: User, now: datetime | None = None
                   ) -> SupportRecord:
    """Keep a support record given by ``by``; with an incident, a history row on it too.

    Raises:
        SupportError: the draft has problems; nothing was written.
    """
    check_permission(by, Permission.WORK_INCIDENTS)
    now = now or now_utc()
    draft = draft.cleaned()
    with database.atomic():
        problems = support_problems(draft, by, now)
        if problems:
            raise SupportError(problems)
        incident = _find_incident(draft.incident) if draft.incident else None
        supported = User.get_by_id(draft.supported_id)
        row = SupportRecord.create(at=to_utc(draft.at), recorded_at=now, supporter=by,
                                   supported=supported, incident=incident, kind=draft.kind,
                                   method=draft.method, outcome=draft.outcome,
                                   notes=draft.notes)
        if incident is not None:
            record(incident, by, now, SUPPORTED,
                   new=describe_support(row, supported.display_name))
    return row


@dataclass(frozen=True)
class SupportEntry:
    """A support record as read (times are aware UTC)."""

    id: int
    at: datetime
    supporter: str
    supported: str
    kind: str  # readable
    method: str  # readable
    outcome: str
    notes: str
    incident_id: int | None
    reference: str  # "" when about no one incident


def _entries(query: pw.ModelSelect) -> list[SupportEntry]:
    names = {u.id: u.display_name for u in User.select(User.id, User.display_name)}
    rows = list(query)
    references = dict(Incident.select(Incident.id, Incident.reference)
                      .where(Incident.id.in_({r.incident_id for r in rows if r.incident_id}))
                      .tuples()) if rows else {}
    return [SupportEntry(r.id, r.at, names[r.supporter_id], names[r.supported_id],
                         SupportKind(r.kind).label, HandoverMethod(r.method).label, r.outcome,
                         r.notes, r.incident_id, references.get(r.incident_id, ""))
            for r in rows]


def support_for_incident(incident_id: int) -> list[SupportEntry]:
    """Support given on the incident, oldest first."""
    return _entries(SupportRecord.select().where(SupportRecord.incident == incident_id)
                    .order_by(SupportRecord.at, SupportRecord.id))


def support_given_by(user: User, since: datetime | None = None) -> list[SupportEntry]:
    """Support ``user`` recorded giving, newest first (since ``since`` if given)."""
    where = SupportRecord.supporter == user
    if since is not None:
        where &= SupportRecord.at >= to_utc(since)
    return _entries(SupportRecord.select().where(where)
                    .order_by(SupportRecord.at.desc(), SupportRecord.id.desc()))


def support_between(start: datetime, end: datetime) -> list[SupportEntry]:
    """Support given in [``start``, ``end``), oldest first."""
    return _entries(SupportRecord.select()
                    .where(SupportRecord.at >= to_utc(start), SupportRecord.at < to_utc(end))
                    .order_by(SupportRecord.at, SupportRecord.id))
