"""Escalating an incident: to whom, why, what was already tried, how and when, checked and
recorded in one transaction with its history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.models.audit import record
from app.models.clock import format_local, now_utc, to_utc
from app.models.db import database
from app.models.entities import Escalation, User
from app.models.escalation import EscalationKind, refresh_escalation_due
from app.models.escalation_matrix import EscalationMatrix, load_escalation_matrix
from app.models.incidents import Change, get_incident
from app.models.lifecycle import Status
from app.models.permissions import Permission, check_permission
from app.models.text_rules import MAX_NOTE_LENGTH, FieldProblemsError, text_error, trimmed
from app.models.validation import event_time_error
from app.models.vocabulary import ContactMethod

ESCALATED = "escalated"  # the history action


class EscalationError(FieldProblemsError):
    """An escalation that cannot be recorded; ``problems`` maps each field to why."""


@dataclass(frozen=True)
class EscalationRequest:
    kind: str  # EscalationKind
    target: str  # the code of a level or team
    method: str  # ContactMethod
    reason: str  # why it goes up
    tried: str  # what was already tried
    at: datetime  # when it was made
    contact: str = ""  # a named contact of the target, or "" for whoever answered

    def cleaned(self) -> EscalationRequest:
        return EscalationRequest(self.kind, self.target, self.method, trimmed(self.reason),
                                 trimmed(self.tried), self.at, trimmed(self.contact))


def _text_problem(value: str, what: str) -> str | None:
    if not value:
        return f"Say {what}: an escalation passes on what is known, not just the problem."
    if len(value) > MAX_NOTE_LENGTH:
        return f"At most {MAX_NOTE_LENGTH:,} characters (this has {len(value):,})."
    problem = text_error(value, multiline=True)
    return f"This {problem}" if problem else None


def escalation_problems(incident_id: int, request: EscalationRequest, now: datetime,
                        matrix: EscalationMatrix | None = None) -> dict[str, str]:
    """Every problem with ``request``, by field (``target``, ``contact``, ``method``,
    ``reason``, ``tried``, ``at``; ``incident`` for the incident itself)."""
    matrix = matrix or load_escalation_matrix()
    incident = get_incident(incident_id)
    problems: dict[str, str] = {}
    if not Status(incident.status).is_open:
        problems["incident"] = (f"{incident.reference} is {Status(incident.status).label.lower()}"
                                ": reopen it before escalating it.")
    target = matrix.target(request.target)
    if request.kind not in (EscalationKind.HIERARCHICAL, EscalationKind.FUNCTIONAL):
        problems["kind"] = "Choose hierarchical or functional escalation."
    elif target is None:
        problems["target"] = ("Choose a level to escalate to."
                              if request.kind == EscalationKind.HIERARCHICAL
                              else "Choose a team to escalate to.")
    elif request.kind == EscalationKind.HIERARCHICAL:
        if not target.is_level:
            problems["target"] = f"{target.name} is a team: escalate to it functionally."
        elif (target.rank or 0) <= incident.escalation_level:
            problems["target"] = (f"{incident.reference} is already at "
                                  f"{matrix.level_name(incident.escalation_level)}: "
                                  "escalate to a higher level.")
    elif target.is_level:
        problems["target"] = f"{target.name} is a level: escalate to it hierarchically."
    try:
        method = ContactMethod(request.method)
    except ValueError:
        problems["method"] = "Choose how the escalation was made."
        method = None
    if target is not None and request.contact:
        contact = target.contact(request.contact)
        if contact is None:
            problems["contact"] = f"{request.contact} is not a contact of {target.name}."
        elif method is not None and not contact.detail(method) and method in (
                ContactMethod.PHONE, ContactMethod.SMS, ContactMethod.EMAIL):
            needed = "email address" if method == ContactMethod.EMAIL else "phone number"
            problems["method"] = (f"{contact.name} has no {needed}: choose another method "
                                  "or contact.")
    for name, what in (("reason", "why it is escalated"),
                       ("tried", "what was already tried")):
        problem = _text_problem(getattr(request, name), what)
        if problem:
            problems[name] = problem
    problem = event_time_error(request.at, incident.received_at, now)
    if problem:
        problems["at"] = problem
    return problems


def describe_escalation(e: Escalation) -> str:
    """One paragraph: to whom, how, why, and what was tried."""
    contact = ", ".join(part for part in (e.contact_name, e.contact_detail) if part)
    to = e.target_name + (f" ({contact})" if contact else "")
    kind = "Hierarchical" if e.kind == EscalationKind.HIERARCHICAL else "Functional"
    return (f"{kind} escalation to {to} by {ContactMethod(e.method).label.lower()} at "
            f"{format_local(e.at)}. Why: {e.reason} Tried: {e.tried}")


def escalate(incident_id: int, request: EscalationRequest, by: User,
             now: datetime | None = None) -> Change:
    """Record an escalation made, raise the incident's level when it goes up the chain, and
    work out the next escalation due.

    Raises:
        EscalationError: the request has problems; nothing was written.
    """
    check_permission(by, Permission.WORK_INCIDENTS)
    now = now or now_utc()
    request = request.cleaned()
    matrix = load_escalation_matrix()
    with database.atomic():
        problems = escalation_problems(incident_id, request, now, matrix)
        if problems:
            raise EscalationError(problems)
        incident = get_incident(incident_id)
        target = matrix.target(request.target)
        contact = target.contact(request.contact) if request.contact else None
        escalation = Escalation.create(
            incident=incident, at=to_utc(request.at), recorded_at=now, user=by,
            kind=request.kind, target_code=target.code, target_name=target.name,
            level=target.rank if target.is_level else None,
            contact_name=contact.name if contact else "",
            contact_detail=contact.detail(request.method) if contact else "",
            method=request.method, reason=request.reason, tried=request.tried)
        fields = []
        if target.is_level and target.rank > incident.escalation_level:
            record(incident, by, now, "changed", "escalation_level",
                   matrix.level_name(incident.escalation_level), target.name)
            incident.escalation_level = target.rank
            fields.append("escalation_level")
        record(incident, by, now, ESCALATED, new=describe_escalation(escalation))
        refresh_escalation_due(incident)
        incident.updated_at = now
        incident.version += 1
        incident.save()
    return Change(incident_id, fields=("escalation", *fields))
