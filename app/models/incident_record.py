"""An incident's whole record as exported: every section of the incident report, as plain
data, and its fingerprint.

The record is what the PDF prints, section by section, and nothing else: values in words
(``P2 – High``, ``Resolved``), times in UTC as ISO 8601 (the report prints them in local
time). Its fingerprint is the SHA-256 of its canonical serialisation (JSON, keys sorted, no
spaces, UTF-8), printed on every page of the PDF and stored in the PDF's properties, so that
``verify-export`` can tell whether the incident in the database still reads the same.

What the fingerprint does not cover: when and by whom the PDF was made, and the incident's
exports themselves (each export is written to the audit trail, and is printed, but leaving
it out means exporting again does not make earlier exports read as changed).

The post-incident review is in the record (``review``) once one is started, draft or
completed; the record of an incident without one has no such key, so its fingerprint reads
as it did before reviews existed.

With ``personal_data=False`` (the default, for evidence) the caller's data is masked by
:class:`app.models.redaction.Redactor` everywhere it appears, the audit trail included.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from app.models.audit import describe, incident_history, record
from app.models.clock import now_utc
from app.models.communications import Audience, Delivery, communications
from app.models.db import database
from app.models.entities import History, Incident, SlaPause, User
from app.models.escalation import EscalationKind, escalations_made
from app.models.handover import handovers_for_incident
from app.models.lifecycle import Status
from app.models.permissions import Permission, check_permission
from app.models.personal_data import EXPORTED, history_rows
from app.models.prioritisation import describe_answers
from app.models.redaction import Redactor
from app.models.reviews import (
    FIELD_LABELS,
    TEXT_FIELDS,
    ReviewStatus,
    review_actions,
    review_for,
    whys_of,
)
from app.models.service_levels import load_matrix, load_targets
from app.models.support import support_for_incident
from app.models.vocabulary import CallerType, Channel, ContactMethod, Level, priority_label

FORMAT = "incident-desk/incident-record/1"
REDACTED = "redacted"
INCLUDED = "included"

# kinds of a section's values, which tell the report how to print them
TEXT, TIME, LONG = "text", "time", "long"


class ExportError(ValueError):
    """An export that cannot be made (an unknown reference, say); the message says why."""


@dataclass(frozen=True)
class IncidentExport:
    """One incident's record, with what the PDF says of where it came from."""

    record: dict
    fingerprint: str

    @property
    def reference(self) -> str:
        return self.record["reference"]

    @property
    def personal_data(self) -> bool:
        return self.record["personal_data"] == INCLUDED


def canonical(record: dict) -> bytes:
    """The record serialised the one way its fingerprint is taken over."""
    return json.dumps(record, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def fingerprint(record: dict) -> str:
    """The SHA-256 of the record's canonical serialisation, in hex."""
    return hashlib.sha256(canonical(record)).hexdigest()


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="seconds")


def _name(user: User | None) -> str:
    return user.display_name if user is not None else ""


def _duration(minutes: float) -> str:
    minutes = int(minutes)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d"] if days else []
    if hours:
        parts.append(f"{hours}h")
    if mins or not parts:
        parts.append(f"{mins}m")
    return " ".join(parts)


def _met(met: bool | None, due: datetime | None) -> str:
    if met is None:
        return "Not yet measured" if due else "No target"
    return "Met" if met else "Breached"


def find_incident(reference: str) -> Incident:
    """The incident with this reference (case and spaces forgiven).

    Raises:
        ExportError: there is none.
    """
    wanted = reference.strip().upper()
    incident = Incident.get_or_none(Incident.reference == wanted)
    if incident is None:
        raise ExportError(f"There is no incident {reference.strip()!r} in this database.")
    return incident


class _Builder:
    def __init__(self, incident: Incident, personal_data: bool):
        self.incident = incident
        self.redactor = None if personal_data else Redactor(incident, history_rows(incident))

    def field(self, name: str, value: str | None) -> str:
        if self.redactor is None or not value:
            return value or ""
        return self.redactor.field(name, value) or ""

    def text(self, value: str | None) -> str:
        return self.field("", value)

    def build(self) -> dict:
        i = self.incident
        return {
            "format": FORMAT,
            "personal_data": REDACTED if self.redactor else INCLUDED,
            "reference": i.reference,
            "title": self.text(i.summary),
            "summary": self.summary(),
            "logging": self.logging(),
            "prioritisation": self.prioritisation(),
            "sla": self.sla(),
            "on_hold": self.on_hold(),
            "escalations": self.escalations(),
            "communications": self.communications(),
            "handovers": self.handovers(),
            "support": self.support(),
            "resolution": self.resolution(),
            "history": self.history(),
            # only with a review, so that the record (and fingerprint) of an incident
            # without one reads as it did before reviews existed
            **({"review": review} if (review := self.review()) else {}),
        }

    def summary(self) -> list[list]:
        i = self.incident
        return [["Priority", priority_label(i.priority), TEXT],
                ["Status", Status(i.status).label, TEXT],
                ["Response", _met(i.response_met, i.response_due), TEXT],
                ["Resolution", _met(i.resolution_met, i.resolution_due), TEXT],
                ["Escalation level", f"L{i.escalation_level}", TEXT],
                ["Owner", _name(i.owner) or "Unassigned", TEXT]]

    def logging(self) -> list[list]:
        i = self.incident
        return [["Received", _iso(i.received_at), TIME],
                ["Logged", _iso(i.logged_at), TIME],
                ["Logged by", _name(i.logged_by), TEXT],
                ["Channel", Channel(i.channel).label, TEXT],
                ["Caller", self.field("caller_name", i.caller_name), TEXT],
                ["Caller's phone", self.field("caller_phone", i.caller_phone), TEXT],
                ["Caller's email", self.field("caller_email", i.caller_email), TEXT],
                ["Caller type", CallerType(i.caller_type).label, TEXT],
                ["Account or asset no.", self.field("account_ref", i.account_ref), TEXT],
                ["Location", self.text(i.location), TEXT],
                ["Nature of incident", self.text(i.summary), TEXT],
                ["Caller's description", self.text(i.description), LONG],
                ["Details confirmed back to the caller",
                 "Yes" if i.details_confirmed else "No", TEXT]]

    def prioritisation(self) -> list[list]:
        i = self.incident
        matrix = load_matrix().get((Level(i.impact), Level(i.urgency)))
        answers = describe_answers(i.prioritisation) if i.prioritisation else ""
        rows = [["Category", str(i.category), TEXT],
                ["Subcategory", str(i.subcategory) if i.subcategory else "", TEXT],
                ["Impact", Level(i.impact).label, TEXT],
                ["Urgency", Level(i.urgency).label, TEXT],
                ["Priority by the matrix",
                 priority_label(matrix) if matrix else "Not in the matrix", TEXT],
                ["Priority given", priority_label(i.priority), TEXT],
                ["Wizard's answers", self.text(answers) or "Not prioritised with the wizard",
                 LONG],
                ["Rationale", self.text(i.priority_rationale), LONG]]
        if i.priority_override is not None:
            rows += [["Override", priority_label(i.priority_override), TEXT],
                     ["Reason for the override", self.text(i.priority_override_reason), LONG]]
        return rows

    def sla(self) -> list[list]:
        i = self.incident
        target = load_targets().get(i.priority)
        rows = []
        if target is not None:
            clock = "around the clock" if target.around_the_clock else "in service hours"
            rows += [[f"Targets for {priority_label(i.priority)}",
                      f"respond within {_duration(target.respond.total_seconds() / 60)}, "
                      f"resolve within {_duration(target.resolve.total_seconds() / 60)}, "
                      f"{clock}", TEXT]]
        return [*rows, ["Response due", _iso(i.response_due), TIME],
                ["Responded", _iso(i.responded_at), TIME],
                ["Response target", _met(i.response_met, i.response_due), TEXT],
                ["Resolution due", _iso(i.resolution_due), TIME],
                ["Resolved", _iso(i.resolved_at), TIME],
                ["Resolution target", _met(i.resolution_met, i.resolution_due), TEXT]]

    def on_hold(self) -> list[dict]:
        pauses = (SlaPause.select().where(SlaPause.incident == self.incident.id)
                  .order_by(SlaPause.started_at, SlaPause.id))
        return [{"reason": Status(p.reason).label, "from": _iso(p.started_at),
                 "to": _iso(p.ended_at)} for p in pauses]

    def escalations(self) -> list[dict]:
        kinds = {EscalationKind.HIERARCHICAL: "Up the management chain",
                 EscalationKind.FUNCTIONAL: "To a team with the skill"}
        return [{"at": _iso(e.at), "by": _name(e.user), "kind": kinds.get(e.kind, e.kind),
                 "to": e.target_name, "contact": e.contact_name,
                 "contact_detail": self.text(e.contact_detail),
                 "method": ContactMethod(e.method).label, "reason": self.text(e.reason),
                 "tried": self.text(e.tried)}
                for e in escalations_made(self.incident.id)]

    def communications(self) -> list[dict]:
        deliveries = {Delivery.RECORDED: "Recorded", Delivery.SENT: "Sent by email",
                      Delivery.FAILED: "Sending failed"}
        return [{"at": _iso(c.at), "by": _name(c.user),
                 "audience": Audience(c.audience).label,
                 "to": self.text(c.recipient), "method": ContactMethod(c.channel).label,
                 "subject": self.text(c.subject), "message": self.text(c.message),
                 "delivery": deliveries.get(c.delivery, c.delivery),
                 "reply": ("Reply received " if c.reply_received_at else "Reply awaited")
                 if c.reply_awaited else "",
                 "reply_at": _iso(c.reply_received_at)}
                for c in communications(self.incident.id)]

    def handovers(self) -> list[dict]:
        return [{"offered_at": _iso(h.offered_at), "giver": h.giver, "receiver": h.receiver,
                 "method": h.method, "state": h.state, "decided_at": _iso(h.decided_at),
                 "decided_by": h.decided_by, "query_reason": self.text(h.query_reason),
                 "shift_note": self.text(h.shift_note),
                 "status_at_handover": h.status_at_handover, "sla_left": h.sla_left,
                 "last_update": self.text(h.last_update),
                 "next_action": self.text(h.next_action),
                 "outstanding_actions": self.text(h.outstanding_actions),
                 "risks": self.text(h.risks),
                 "promised_to_caller": self.text(h.promised_to_caller),
                 "previous_owner": h.previous_owner}
                for h in handovers_for_incident(self.incident.id)]

    def support(self) -> list[dict]:
        return [{"at": _iso(s.at), "supporter": s.supporter, "supported": s.supported,
                 "kind": s.kind, "method": s.method, "outcome": self.text(s.outcome),
                 "notes": self.text(s.notes)}
                for s in support_for_incident(self.incident.id)]

    def resolution(self) -> list[list]:
        i = self.incident
        return [["Resolved", _iso(i.resolved_at), TIME],
                ["What was done", self.text(i.resolution), LONG],
                ["Closed", _iso(i.closed_at), TIME]]

    def review(self) -> dict | None:
        review = review_for(self.incident.id)
        if review is None:
            return None
        texts = [[FIELD_LABELS[name], self.text(getattr(review, name)), LONG]
                 for name in TEXT_FIELDS]
        return {"status": ReviewStatus(review.status).label,
                "details": [["Status", ReviewStatus(review.status).label, TEXT],
                            ["Started", _iso(review.started_at), TIME],
                            ["Started by", _name(review.started_by), TEXT],
                            ["Completed", _iso(review.completed_at), TIME],
                            ["Completed by", _name(review.completed_by), TEXT]],
                "whys": [self.text(why) for why in whys_of(review)],
                "texts": texts,
                "actions": [{"description": self.text(a.description), "owner": a.owner,
                             "due_on": a.due_on.isoformat(), "status": a.status.label,
                             "done_at": _iso(a.done_at)}
                            for a in review_actions(self.incident.id)]}

    def history(self) -> list[dict]:
        entries = []
        for entry in incident_history(self.incident.id):
            if entry.action == EXPORTED:
                continue
            what, old, new = describe(entry)
            entries.append({"at": _iso(entry.at), "by": entry.user, "what": what,
                            "from": self.field(entry.field, old),
                            "to": self.field(entry.field, new)})
        return entries


def incident_record(incident: Incident, personal_data: bool = False) -> IncidentExport:
    """The incident's record as exported, with its fingerprint; the caller's data masked
    unless ``personal_data``."""
    record = _Builder(incident, personal_data).build()
    return IncidentExport(record, fingerprint(record))


def exports_of(incident: Incident) -> list[dict]:
    """The incident's exports so far (not covered by the fingerprint): when, by whom, what."""
    rows = (History.select(History, User).join(User)
            .where((History.incident == incident.id) & (History.action == EXPORTED))
            .order_by(History.id))
    return [{"at": _iso(h.at), "by": h.user.display_name, "what": h.new_value or ""}
            for h in rows]


def check_export(by: User, personal_data: bool) -> None:
    """Anybody may export evidence with the caller's data masked; only team leaders and
    administrators may include it (a deliberate, recorded choice).

    Raises:
        RolePermissionError: ``by`` may not export personal data.
    """
    if personal_data:
        check_permission(by, Permission.EXPORT_PERSONAL_DATA)


def record_export(incidents: list[Incident], by: User, what: str, personal_data: bool,
                  now: datetime | None = None) -> None:
    """Write to each incident's audit trail that it was exported, what as, and whether
    with the caller's personal data, in one transaction."""
    now = now or now_utc()
    note = (f"{what}, with the caller's personal data" if personal_data
            else f"{what}, personal data masked")
    with database.atomic():
        for incident in incidents:
            record(incident, by, now, EXPORTED, new=note)

