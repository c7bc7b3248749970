"""One incident's story in time order: received and logged, prioritised, status changes,
escalations, updates to stakeholders, handovers, support given, edits, notes; drawn from its
history, escalations, communications and support records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from app.models.audit import describe, incident_history
from app.models.communications import COMMUNICATED, REPLY_RECEIVED, Audience, communications
from app.models.entities import Incident, User
from app.models.escalating import ESCALATED
from app.models.escalation import EscalationKind, escalations_made
from app.models.handover import ACCEPTED, HANDOVER_ACTIONS
from app.models.incidents import PRIORITISATION_FIELDS, get_incident
from app.models.lifecycle import Status
from app.models.support import SUPPORTED, support_for_incident
from app.models.validation import FIELD_LABELS
from app.models.vocabulary import ContactMethod, priority_label


class Kind:
    RECEIVED = "received"
    LOGGED = "logged"
    PRIORITISED = "prioritised"
    STATUS = "status"
    ESCALATION = "escalation"
    COMMUNICATION = "communication"
    NOTE = "note"
    EDIT = "edit"
    HANDOVER = "handover"  # offered, accepted, queried, withdrawn
    SUPPORT = "support"  # a colleague helped
    RECORD = "record"  # erasure, export


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    title: str
    detail: str
    by: str
    alert: bool = False  # something went wrong (an update whose sending failed)


PRIORITY_FIELDS = (*PRIORITISATION_FIELDS, "priority", "impact", "urgency")
# rows the timeline tells from their own tables, or that say nothing on their own
SKIPPED_ACTIONS = (ESCALATED, COMMUNICATED, SUPPORTED)
SKIPPED_FIELDS = ("escalation_level", "response_due", "resolution_due")


def _history_entries(incident: Incident) -> list[TimelineEntry]:
    entries = []
    rows = [h for h in incident_history(incident.id) if h.action not in SKIPPED_ACTIONS
            and h.field not in SKIPPED_FIELDS]
    for (at, by), group in groupby(rows, key=lambda h: (h.at, h.user)):
        group = list(group)
        notes = [h.new_value or "" for h in group if h.action == "note"]
        prioritised = [h for h in group if h.field in PRIORITY_FIELDS]
        edits = [h for h in group if h.action == "changed" and h.field not in PRIORITY_FIELDS]
        if any(h.action == ACCEPTED for h in group):  # the owner change the acceptance made
            edits = [h for h in edits if h.field != "owner_id"]
        for h in group:
            if h.action == "created":
                entries.append(TimelineEntry(at, Kind.LOGGED, "Logged",
                                             f"{h.new_value}: {incident.summary}", by))
            elif h.action == "status":
                entries.append(TimelineEntry(
                    at, Kind.STATUS, f"Status: {Status(h.new_value).label}",
                    "\n".join(notes), by))
                notes = []
            elif h.action == REPLY_RECEIVED:
                entries.append(TimelineEntry(at, Kind.COMMUNICATION, "Reply received",
                                             h.new_value or "", by))
            elif h.action in HANDOVER_ACTIONS:
                entries.append(TimelineEntry(at, Kind.HANDOVER, describe(h)[0],
                                             h.new_value or "", by))
            elif h.action not in ("changed", "note"):
                what, _old, new = describe(h)
                entries.append(TimelineEntry(at, Kind.RECORD, what, new, by))
        if prioritised:
            entries.append(_prioritised(at, by, prioritised, incident))
        if edits:
            names = ", ".join(dict.fromkeys(describe(h)[0] for h in edits))
            entries.append(TimelineEntry(at, Kind.EDIT, "Edited", names, by))
        for note in notes:
            entries.append(TimelineEntry(at, Kind.NOTE, "Note", note, by))
    return entries


def _prioritised(at: datetime, by: str, rows, incident: Incident) -> TimelineEntry:
    values = {h.field: h.new_value for h in rows}
    priority = values.get("priority") or values.get("priority_override")
    title = "Prioritised" + (f": {priority_label(int(priority))}"
                             if priority and priority.isdigit() else "")
    parts = [values[f] for f in ("priority_rationale",) if values.get(f)]
    if values.get("priority_override_reason"):
        parts.append(f"Override: {values['priority_override_reason']}")
    if not parts:
        parts = [", ".join(FIELD_LABELS.get(f, f) for f in values)]
    return TimelineEntry(at, Kind.PRIORITISED, title, "\n".join(parts), by)


def incident_timeline(incident_id: int) -> list[TimelineEntry]:
    """Everything that happened to the incident, oldest first."""
    incident = get_incident(incident_id)
    users = {u.id: u.display_name for u in User.select(User.id, User.display_name)}
    entries = [TimelineEntry(incident.received_at, Kind.RECEIVED, "Received",
                             f"From {incident.caller_name} by "
                             f"{incident.channel.replace('_', '-')}", "")]
    entries += _history_entries(incident)
    for e in escalations_made(incident_id):
        kind = "Escalated" if e.kind == EscalationKind.HIERARCHICAL else "Escalated (functional)"
        to = e.target_name + (f" — {e.contact_name}" if e.contact_name else "")
        detail = (f"By {ContactMethod(e.method).label.lower()}"
                  + (f" ({e.contact_detail})" if e.contact_detail else "")
                  + f"\nWhy: {e.reason}\nTried: {e.tried}")
        entries.append(TimelineEntry(e.at, Kind.ESCALATION, f"{kind} to {to}", detail,
                                     users.get(e.user_id, "")))
    for c in communications(incident_id):
        to = Audience(c.audience).label + (f" ({c.recipient})" if c.recipient else "")
        how = ContactMethod(c.channel).label.lower()
        title = f"Update to {to} by {how}"
        if c.delivery == "sent":
            title += ", sent"
        elif c.delivery == "failed":
            title += ", NOT SENT"
        detail = (f"{c.subject}\n" if c.subject else "") + c.message
        if c.delivery == "failed":
            detail += f"\nSending failed: {c.delivery_detail}"
        if c.reply_awaited:
            detail += ("\nReply awaited." if c.reply_received_at is None else "")
        entries.append(TimelineEntry(c.at, Kind.COMMUNICATION, title, detail,
                                     users.get(c.user_id, ""), alert=c.delivery == "failed"))
    for s in support_for_incident(incident_id):
        entries.append(TimelineEntry(
            s.at, Kind.SUPPORT, f"Support given to {s.supported}: {s.kind.lower()}",
            f"By {s.method.lower()}. Outcome: {s.outcome}"
            + (f"\nNotes: {s.notes}" if s.notes else ""), s.supporter))
    order = {id(e): n for n, e in enumerate(entries)}
    return sorted(entries, key=lambda e: (e.at, order[id(e)]))
