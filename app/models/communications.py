"""The stakeholder communications log: every update given about an incident, to whom, how,
what was said and whether a reply is awaited; templates for the common updates."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from app.models.audit import record
from app.models.clock import format_local, now_utc, to_utc
from app.models.db import database
from app.models.entities import Communication, Incident, User
from app.models.escalation import REGULATOR
from app.models.incidents import Change, get_incident
from app.models.permissions import Permission, check_permission
from app.models.text_rules import MAX_NOTE_LENGTH, FieldProblemsError, text_error, trimmed
from app.models.validation import email_error, event_time_error
from app.models.vocabulary import ContactMethod, priority_label

COMMUNICATED = "communicated"  # the history action
REPLY_RECEIVED = "reply_received"


class Audience(StrEnum):
    CALLER = "caller"
    CUSTOMERS = "customers"
    DEPARTMENT = "department"
    MANAGER = "manager"
    REGULATOR = REGULATOR
    OTHER = "other"

    @property
    def label(self) -> str:
        return _AUDIENCE_LABELS[self]


_AUDIENCE_LABELS = {
    Audience.CALLER: "Caller",
    Audience.CUSTOMERS: "Customer group",
    Audience.DEPARTMENT: "Department",
    Audience.MANAGER: "Manager",
    Audience.REGULATOR: "Regulator (ICO)",
    Audience.OTHER: "Other stakeholder",
}


class Delivery(StrEnum):
    RECORDED = "recorded"  # given by phone, in person...: recorded here
    SENT = "sent"  # sent by email from the application
    FAILED = "failed"  # sending by email failed; the message is kept


class CommunicationError(FieldProblemsError):
    """An update that cannot be recorded; ``problems`` maps each field to why."""


@dataclass(frozen=True)
class CommunicationDraft:
    audience: str  # Audience
    channel: str  # ContactMethod
    message: str
    at: datetime
    recipient: str = ""  # a name, group or address
    subject: str = ""
    reply_awaited: bool = False

    def cleaned(self) -> CommunicationDraft:
        return replace(self, message=trimmed(self.message), recipient=trimmed(self.recipient),
                       subject=trimmed(self.subject))


def communication_problems(incident: Incident, draft: CommunicationDraft, now: datetime,
                           sending: bool = False) -> dict[str, str]:
    """Every problem with ``draft``, by field. ``sending``: it is to be emailed, so the
    recipient must be an email address and the subject is required."""
    problems: dict[str, str] = {}
    if draft.audience not in set(Audience):
        problems["audience"] = "Choose who the update is for."
    if draft.channel not in set(ContactMethod):
        problems["channel"] = "Choose how the update was given."
    if not draft.message:
        problems["message"] = "Write what was said."
    elif len(draft.message) > MAX_NOTE_LENGTH:
        problems["message"] = (f"At most {MAX_NOTE_LENGTH:,} characters "
                               f"(this has {len(draft.message):,}).")
    elif (problem := text_error(draft.message, multiline=True)) is not None:
        problems["message"] = f"The message {problem}"
    for name, limit in (("recipient", 254), ("subject", 200)):
        value = getattr(draft, name)
        if len(value) > limit:
            problems[name] = f"At most {limit} characters."
        elif (problem := text_error(value)) is not None:
            problems[name] = f"This {problem}"
    if sending:
        if draft.channel != ContactMethod.EMAIL:
            problems["channel"] = "Only an update by email can be sent from here."
        if not draft.recipient:
            problems["recipient"] = "Give the email address to send the update to."
        elif "recipient" not in problems and email_error(draft.recipient):
            problems["recipient"] = f"'{draft.recipient}' is not an email address."
        if not draft.subject:
            problems["subject"] = "An email needs a subject."
    problem = event_time_error(draft.at, incident.received_at, now)
    if problem:
        problems["at"] = problem
    return problems


def check_communication(incident_id: int, draft: CommunicationDraft, sending: bool = False,
                        now: datetime | None = None) -> CommunicationDraft:
    """``draft`` cleaned, if it can be recorded (before sending it, so a message that could
    not be logged is never sent).

    Raises:
        CommunicationError: what is wrong, by field.
    """
    draft = draft.cleaned()
    problems = communication_problems(get_incident(incident_id), draft, now or now_utc(),
                                      sending)
    if problems:
        raise CommunicationError(problems)
    return draft


def describe_communication(c: Communication) -> str:
    to = Audience(c.audience).label + (f" ({c.recipient})" if c.recipient else "")
    how = ContactMethod(c.channel).label.lower()
    delivery = {Delivery.SENT: " Sent by email.",
                Delivery.FAILED: f" Sending failed: {c.delivery_detail}"}.get(c.delivery, "")
    awaited = " Reply awaited." if c.reply_awaited else ""
    subject = f"{c.subject}: " if c.subject else ""
    return f"To {to} by {how}: {subject}{c.message}{delivery}{awaited}"


def record_communication(incident_id: int, draft: CommunicationDraft, by: User,
                         delivery: Delivery = Delivery.RECORDED, delivery_detail: str = "",
                         now: datetime | None = None) -> Communication:
    """Log an update given (or sent, or whose sending failed), with its history row.

    Raises:
        CommunicationError: the draft has problems; nothing was written.
    """
    check_permission(by, Permission.WORK_INCIDENTS)
    now = now or now_utc()
    draft = check_communication(incident_id, draft, delivery != Delivery.RECORDED, now)
    with database.atomic():
        incident = get_incident(incident_id)
        communication = Communication.create(
            incident=incident, at=to_utc(draft.at), recorded_at=now, user=by,
            audience=draft.audience, recipient=draft.recipient, channel=draft.channel,
            subject=draft.subject, message=draft.message, reply_awaited=draft.reply_awaited,
            delivery=delivery, delivery_detail=delivery_detail)
        record(incident, by, now, COMMUNICATED, new=describe_communication(communication))
    return communication


def mark_reply_received(communication_id: int, by: User,
                        now: datetime | None = None) -> Change:
    """The awaited reply to an update came in."""
    check_permission(by, Permission.WORK_INCIDENTS)
    now = now or now_utc()
    with database.atomic():
        c = Communication.get_by_id(communication_id)
        if not c.reply_awaited or c.reply_received_at is not None:
            raise CommunicationError({"reply": "No reply is awaited to this update."})
        c.reply_received_at = now
        c.save()
        record(c.incident, by, now, REPLY_RECEIVED,
               new=f"Reply received to the update of {format_local(c.at)} to "
                   f"{Audience(c.audience).label.lower()}.")
    return Change(c.incident_id, fields=("communication",))


def communications(incident_id: int) -> list[Communication]:
    return list(Communication.select().where(Communication.incident == incident_id)
                .order_by(Communication.at, Communication.id))


# --- templates ------------------------------------------------------------------------------
TEMPLATES = {
    "acknowledgement": (
        "Acknowledgement",
        "{reference}: we have your report",
        "Dear {caller},\n\nThank you for reporting this to us. We have logged it as "
        "{reference} ({summary}) with priority {priority}. We aim to resolve it by "
        "{resolve_by}, and we will keep you updated.\n\n{advisor}\n{organisation}"),
    "progress": (
        "Progress update",
        "{reference}: progress update",
        "Dear {caller},\n\nAn update on {reference} ({summary}): it is {status}. "
        "We still aim to resolve it by {resolve_by}, and will contact you again as soon "
        "as there is news.\n\n{advisor}\n{organisation}"),
    "resolution": (
        "Resolution",
        "{reference}: resolved",
        "Dear {caller},\n\n{reference} ({summary}) has been resolved: {resolution}\n\n"
        "If the problem comes back, reply to this message or call us quoting {reference} "
        "and we will reopen it.\n\n{advisor}\n{organisation}"),
}


def fill_template(name: str, incident: Incident, by: User,
                  organisation: str = "") -> tuple[str, str]:
    """(subject, message) of template ``name`` filled from ``incident``."""
    from app.models.lifecycle import Status

    _label, subject, body = TEMPLATES[name]
    values = {
        "caller": incident.caller_name.split()[0] if incident.caller_name.strip() else "caller",
        "reference": incident.reference,
        "summary": incident.summary,
        "priority": priority_label(incident.priority),
        "status": Status(incident.status).label.lower(),
        "resolve_by": format_local(incident.resolution_due) or "the agreed time",
        "resolution": incident.resolution or "(resolution)",
        "advisor": by.display_name,
        "organisation": organisation,
    }
    return subject.format(**values), body.format(**values).rstrip()
