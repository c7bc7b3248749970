"""What an assessor looks for in an incident's record, and whether this record shows it.

The checklist reads the exported record (:mod:`app.models.incident_record`), so it judges
exactly what the assessor is given. Each item names the report sections where it is found;
the evidence pack prints their pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.models.reviews import OPEN_ACTION_STATUSES, ActionStatus, ReviewStatus

NOT_EVIDENCED = "Not evidenced"
OPEN_LABELS = {s.label for s in OPEN_ACTION_STATUSES}  # as the record words them


@dataclass(frozen=True)
class EvidenceItem:
    key: str
    title: str
    evidenced: bool
    detail: str  # what shows it, or why it is missing
    sections: tuple[str, ...]  # the report's sections it is found in


def _field(section: list[list], label: str) -> str:
    for row_label, value, _ in section:
        if row_label == label:
            return value or ""
    return ""


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _logging(record: dict) -> EvidenceItem:
    logging = record["logging"]
    missing = [what for what, present in (
        ("the date and time received", _field(logging, "Received")),
        ("the caller's identification (phone, email or account)",
         any(_field(logging, label) for label in ("Caller's phone", "Caller's email",
                                                  "Account or asset no."))),
        ("the nature of the incident", _field(logging, "Nature of incident")),
    ) if not present]
    confirmed = _field(logging, "Details confirmed back to the caller") == "Yes"
    if missing:
        detail = "Missing " + ", ".join(missing) + "."
    else:
        detail = ("Received time, caller identification and nature recorded"
                  + ("; details confirmed back to the caller." if confirmed
                     else "; details not confirmed back to the caller."))
    return EvidenceItem("logging", "Accurate logging: date, time, caller ID and nature",
                        not missing, detail, ("logging",))


def _prioritisation(record: dict) -> EvidenceItem:
    p, sla = record["prioritisation"], record["sla"]
    impact, urgency = _field(p, "Impact"), _field(p, "Urgency")
    given = _field(p, "Priority given")
    due = _field(sla, "Resolution due")
    ok = bool(impact and urgency and given and due)
    if ok:
        detail = (f"Impact {impact.lower()} and urgency {urgency.lower()} give {given}; "
                  f"resolution target {_field(sla, 'Resolution target').lower()}")
        if _field(p, "Override"):
            detail += "; the matrix's priority was overridden, with a reason"
        detail += "."
    else:
        detail = "Impact, urgency or the service level target is missing."
    return EvidenceItem("prioritisation",
                        "Prioritisation by impact and urgency, with the SLA referenced",
                        ok, detail, ("prioritisation", "sla"))


def _escalation(record: dict) -> EvidenceItem:
    made = record["escalations"]
    if not made:
        return EvidenceItem("escalation", "Escalation", False,
                            "No escalation is recorded.", ("escalations",))
    targets = ", ".join(dict.fromkeys(e["to"] for e in made))
    return EvidenceItem("escalation", "Escalation", True,
                        f"{_plural(len(made), 'escalation')}: {targets}.", ("escalations",))


def _updates(record: dict) -> EvidenceItem:
    given = [c for c in record["communications"] if c["delivery"] != "Sending failed"]
    if not given:
        return EvidenceItem("updates", "Stakeholder updates documented", False,
                            "No update to a stakeholder is recorded.", ("communications",))
    audiences = ", ".join(dict.fromkeys(c["audience"].lower() for c in given))
    return EvidenceItem("updates", "Stakeholder updates documented", True,
                        f"{_plural(len(given), 'update')}, to: {audiences}.",
                        ("communications",))


def _resolution(record: dict) -> EvidenceItem:
    resolved = _field(record["resolution"], "Resolved")
    done = _field(record["resolution"], "What was done")
    closed = _field(record["resolution"], "Closed")
    if resolved and done:
        return EvidenceItem("resolution", "Resolution", True,
                            "Resolved, with what was done" + (", and closed." if closed
                                                              else "; not yet closed."),
                            ("resolution",))
    return EvidenceItem("resolution", "Resolution", False,
                        "Not resolved yet." if not resolved else "No resolution is written.",
                        ("resolution",))


def _review(record: dict) -> EvidenceItem:
    title = "Post-incident review with root cause and improvements"
    review = record.get("review")
    if not review:
        return EvidenceItem("review", title, False, "No post-incident review is recorded.", ())
    if review["status"] != ReviewStatus.COMPLETED.label:
        return EvidenceItem("review", title, False,
                            "The post-incident review is a draft: it is not completed.",
                            ("review",))
    actions = [a for a in review["actions"] if a["status"] != ActionStatus.CANCELLED.label]
    still_open = sum(a["status"] in OPEN_LABELS for a in actions)
    by = _field(review["details"], "Completed by")
    if not actions:
        detail = (f"Completed by {by}: root cause and lessons learned; every improvement "
                  "action was cancelled since.")
    else:
        detail = (f"Completed by {by}: root cause, lessons learned and "
                  f"{_plural(len(actions), 'improvement action')}"
                  + (f" ({still_open} still open)." if still_open else ", all done."))
    return EvidenceItem("review", title, True, detail, ("review",))


def _support(record: dict) -> EvidenceItem:
    handovers, support = record.get("handovers", []), record.get("support", [])
    if not handovers and not support:
        return EvidenceItem("support", "Support to colleagues", False,
                            "No handover or support to a colleague is recorded.",
                            ("support",))
    parts = []
    if handovers:
        parts.append(_plural(len(handovers), "handover"))
    if support:
        parts.append(_plural(len(support), "support record"))
    return EvidenceItem("support", "Support to colleagues", True,
                        " and ".join(parts) + ".", ("support",))


def evidence_checklist(record: dict) -> list[EvidenceItem]:
    """The assessor's checklist for one exported record, in the order they look."""
    return [check(record) for check in (_logging, _prioritisation, _escalation, _updates,
                                        _resolution, _review, _support)]
