"""Operations on incidents: log, edit, change status. Each is one transaction with its history."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from app.models.audit import record
from app.models.clock import now_utc, to_local
from app.models.db import database
from app.models.edit_conflicts import OtherChange, changes_since, last_change, stale_message
from app.models.entities import Incident, ReferenceCounter, SlaPause, User
from app.models.escalation import refresh_escalation_due
from app.models.lifecycle import Status, check_transition
from app.models.permissions import Permission, check_permission
from app.models.priority import compute_priority
from app.models.review_gate import check_review_before_closing
from app.models.service_levels import due_times
from app.models.text_rules import trimmed
from app.models.validation import IncidentDraft, ValidationError, validate_draft

REFERENCE_PREFIX = "INC"
# what the prioritisation wizard stores, written to history when an incident is logged
PRIORITISATION_FIELDS = ("prioritisation", "priority_rationale", "priority_override",
                         "priority_override_reason")


class StaleIncidentError(RuntimeError):
    """The incident was changed by someone else since it was opened; ``changes`` are what
    they did since (see app.models.edit_conflicts), empty when that is not known."""

    def __init__(self, message: str, reference: str = "",
                 changes: tuple[OtherChange, ...] = ()):
        super().__init__(message)
        self.reference = reference
        self.changes = changes


class IncidentNotFoundError(LookupError):
    """No incident has that id."""


@dataclass(frozen=True)
class Change:
    """What an operation changed, for views to refresh just that."""

    incident_id: int
    created: bool = False
    fields: tuple[str, ...] = ()


def format_reference(year: int, number: int) -> str:
    """``INC-2026-000123``."""
    return f"{REFERENCE_PREFIX}-{year}-{number:06d}"


def next_reference(when: datetime) -> str:
    """The next free reference for the local year of ``when``; call inside a transaction."""
    year = to_local(when).year
    ReferenceCounter.insert(year=year, last=0).on_conflict_ignore().execute()
    ReferenceCounter.update(last=ReferenceCounter.last + 1).where(
        ReferenceCounter.year == year).execute()
    number = ReferenceCounter.get_by_id(year).last
    return format_reference(year, number)


def get_incident(incident_id: int) -> Incident:
    incident = Incident.get_or_none(Incident.id == incident_id)
    if incident is None:
        raise IncidentNotFoundError(f"There is no incident with id {incident_id}.")
    return incident


def draft_from_incident(incident: Incident) -> IncidentDraft:
    """The editable fields of a stored incident, as the form shows them."""
    return IncidentDraft(**{
        f.name: getattr(incident, f.name) for f in fields(IncidentDraft)
    })


def incident_pauses(incident_id: int) -> list[tuple[datetime, datetime | None]]:
    """The on-hold periods of an incident, oldest first (the last may still be open)."""
    return [(p.started_at, p.ended_at) for p in
            SlaPause.select().where(SlaPause.incident == incident_id).order_by(SlaPause.id)]


def effective_priority(draft: IncidentDraft) -> int:
    """The advisor's override if there is one, else the matrix's priority."""
    return draft.priority_override or compute_priority(draft.impact, draft.urgency)


def _refresh_sla(incident: Incident, by: User | None = None,
                 now: datetime | None = None) -> None:
    """Recompute due times from the original start, with the pauses so far, and whether
    each target was met. With ``by``, changed due times are written to history."""
    pauses = incident_pauses(incident.id)
    due = due_times(incident.priority, incident.received_at, pauses)
    for name in ("response_due", "resolution_due"):
        old, new = getattr(incident, name), getattr(due, name)
        if old != new:
            if by is not None and old is not None:
                record(incident, by, now, "changed", name, old, new)
            setattr(incident, name, new)
    incident.response_warn_at = due.response_warn_at
    incident.resolution_warn_at = due.resolution_warn_at
    incident.response_met = (None if incident.responded_at is None
                             else incident.responded_at <= incident.response_due)
    incident.resolution_met = (None if incident.resolved_at is None or incident.resolution_due
                               is None else incident.resolved_at <= incident.resolution_due)
    refresh_escalation_due(incident, pauses)


def create_incident(draft: IncidentDraft, by: User, now: datetime | None = None) -> Incident:
    """Log a new incident from ``draft``, with its reference and first history row.

    Raises:
        ValidationError: the draft is not valid; nothing was written.
    """
    check_permission(by, Permission.WORK_INCIDENTS)
    now = now or now_utc()
    draft = draft.cleaned()
    errors = validate_draft(draft, now)
    if errors:
        raise ValidationError(errors)
    values = {f.name: getattr(draft, f.name) for f in fields(IncidentDraft)}
    with database.atomic():
        status = Status.ASSIGNED if draft.owner_id else Status.NEW
        incident = Incident.create(
            reference=next_reference(now),
            logged_at=now,
            logged_by=by,
            priority=effective_priority(draft),
            status=status,
            updated_at=now,
            **values,
        )
        _refresh_sla(incident)
        incident.save()
        record(incident, by, now, "created", new=incident.reference)
        for name in PRIORITISATION_FIELDS:
            if getattr(draft, name) not in ("", None):
                record(incident, by, now, "changed", name, None, getattr(draft, name))
    return incident


def update_incident(incident_id: int, draft: IncidentDraft, by: User, expected_version: int,
                    now: datetime | None = None, seen_history: int | None = None) -> Change:
    """Save an edit: every changed field gets a history row with its old and new value.

    Args:
        expected_version: the incident's ``version`` when the edit began.
        seen_history: the incident's last history row then (``history_mark``), so that a
            refusal can list what others did since; without it, it names the last change.

    Raises:
        ValidationError: the draft is not valid; nothing was written.
        StaleIncidentError: someone saved the incident since ``expected_version``; it
            names who changed what.
    """
    check_permission(by, Permission.WORK_INCIDENTS)
    now = now or now_utc()
    draft = draft.cleaned()
    errors = validate_draft(draft, now)
    if errors:
        raise ValidationError(errors)
    with database.atomic() as transaction:
        # The write comes first: whoever takes the version saves, the other is told (a read
        # first would let two workstations both see the old version).
        taken = (Incident.update(version=Incident.version + 1)
                 .where(Incident.id == incident_id, Incident.version == expected_version)
                 .execute())
        incident = get_incident(incident_id)
        if not taken:
            raise _stale_error(incident, seen_history)
        changed = []
        for f in fields(IncidentDraft):
            old, new = getattr(incident, f.name), getattr(draft, f.name)
            if old != new:
                changed.append(f.name)
                record(incident, by, now, "changed", f.name, old, new)
                setattr(incident, f.name, new)
        priority = effective_priority(draft)
        if priority != incident.priority:
            changed.append("priority")
            record(incident, by, now, "changed", "priority", incident.priority, priority)
            incident.priority = priority
        if not changed:
            transaction.rollback()  # nothing to save: the version stays as it was
            return Change(incident_id)
        _refresh_sla(incident, by, now)
        incident.updated_at = now
        incident.save()
    return Change(incident_id, fields=tuple(changed))


def _stale_error(incident: Incident, seen_history: int | None) -> StaleIncidentError:
    changes = (tuple(changes_since(incident.id, seen_history)) if seen_history is not None
               else ())
    latest = None if changes else last_change(incident.id)
    return StaleIncidentError(stale_message(incident.reference, list(changes), latest),
                              incident.reference, changes)


def change_status(incident_id: int, target: Status | str, by: User, note: str = "",
                  now: datetime | None = None) -> Change:
    """Move an incident along its lifecycle, recording the move and its note.

    Raises:
        TransitionError: the lifecycle does not allow the move (or it lacks a note).
        ReviewRequiredError: (a TransitionError) closing an incident whose priority needs
            a completed post-incident review before it has one; resolving is allowed.
    """
    check_permission(by, Permission.WORK_INCIDENTS)
    now = now or now_utc()
    target = Status(target)
    note = trimmed(note)
    with database.atomic():
        incident = get_incident(incident_id)
        current = Status(incident.status)
        check_transition(current, target, note)
        if target == Status.CLOSED:
            check_review_before_closing(incident)
        record(incident, by, now, "status", "status", current.value, target.value)
        if note:
            record(incident, by, now, "note", new=note)
        if current.is_on_hold:
            (SlaPause.update(ended_at=now)
             .where(SlaPause.incident == incident, SlaPause.ended_at.is_null()).execute())
        if target.is_on_hold:
            SlaPause.create(incident=incident, reason=target.value, started_at=now)
        incident.status = target
        if incident.responded_at is None and target != Status.RESOLVED:
            incident.responded_at = now
        if target == Status.RESOLVED:
            incident.resolved_at = now
            incident.resolution = note
            incident.responded_at = incident.responded_at or now
        elif target == Status.CLOSED:
            incident.closed_at = now
        elif target == Status.REOPENED:
            incident.resolved_at = None
            incident.closed_at = None
            incident.anonymised_at = None  # live again: retention counts from its next close
        _refresh_sla(incident, by, now)
        incident.updated_at = now
        incident.version += 1
        incident.save()
    return Change(incident_id, fields=("status",))
