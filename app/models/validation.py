"""What makes an incident record valid: one function per rule, messages that name the field."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from app.models.clock import to_utc
from app.models.entities import Category
from app.models.text_rules import text_error, trimmed
from app.models.vocabulary import PRIORITY_NAMES, CallerType, Channel, Level

# Clocks on two workstations drift; a received time this far ahead is still "now".
FUTURE_TOLERANCE = timedelta(minutes=2)
EARLIEST = datetime.fromisoformat("2000-01-01T00:00:00+00:00")

PHONE_ALLOWED = re.compile(r"^\+?[0-9 ()./-]+$")
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")

FIELD_LABELS = {
    "received_at": "Received",
    "channel": "Channel",
    "caller_type": "Caller type",
    "caller_name": "Caller name",
    "caller_phone": "Phone / caller ID",
    "caller_email": "Email",
    "account_ref": "Account or asset no.",
    "location": "Location",
    "summary": "Nature of incident",
    "description": "Caller's description",
    "category_id": "Category",
    "subcategory_id": "Subcategory",
    "impact": "Impact",
    "urgency": "Urgency",
    "owner_id": "Owner",
    "details_confirmed": "Details confirmed back to caller",
    "status": "Status",
    "priority": "Priority",
    "resolution": "Resolution",
    "prioritisation": "Prioritisation answers",
    "priority_rationale": "Priority rationale",
    "priority_override": "Priority override",
    "priority_override_reason": "Reason for override",
    "response_due": "Response due",
    "resolution_due": "Resolution due",
    "escalation_level": "Escalation level",
    "problem": "Problem",  # linked or unlinked (app.models.problems)
    "satisfaction": "Caller satisfaction",  # recorded or amended (app.models.satisfaction)
}

MAX_LENGTHS = {
    "caller_name": 120, "caller_phone": 30, "caller_email": 254, "account_ref": 60,
    "location": 200, "summary": 200, "description": 10_000, "priority_override_reason": 2000,
    "priority_rationale": 4000,
}
MULTILINE_FIELDS = ("description", "priority_override_reason")


class ValidationError(ValueError):
    """The record is not valid; ``errors`` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        lines = [f"{FIELD_LABELS.get(k, k)}: {v}" for k, v in errors.items()]
        super().__init__("; ".join(lines))


@dataclass
class IncidentDraft:
    """The fields an advisor fills in to log or edit an incident."""

    received_at: datetime | None = None
    channel: str = Channel.PHONE
    caller_type: str = CallerType.CUSTOMER
    caller_name: str = ""
    caller_phone: str = ""
    caller_email: str = ""
    account_ref: str = ""
    location: str = ""
    summary: str = ""
    description: str = ""
    category_id: int | None = None
    subcategory_id: int | None = None
    impact: str = ""
    urgency: str = ""
    owner_id: int | None = None
    details_confirmed: bool = False
    # set by the prioritisation wizard (see app.models.prioritisation)
    prioritisation: str = ""
    priority_rationale: str = ""
    priority_override: int | None = None
    priority_override_reason: str = ""

    def cleaned(self) -> IncidentDraft:
        """A copy with text fields stripped of surrounding white space."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for name, value in values.items():
            if isinstance(value, str):
                values[name] = trimmed(value)
        return IncidentDraft(**values)


def phone_error(value: str) -> str | None:
    if not value:
        return None
    if not PHONE_ALLOWED.match(value):
        return "use digits, spaces and an optional leading + (for example 0161 496 0000)."
    digits = sum(ch.isdigit() for ch in value)
    if not 6 <= digits <= 15:
        return f"a phone number has 6 to 15 digits; this one has {digits}."
    return None


def email_error(value: str) -> str | None:
    if value and not EMAIL.match(value):
        return "this is not an email address (for example name@example.org)."
    return None


def event_time_error(at: datetime, received_at: datetime, now: datetime) -> str | None:
    """Why something done about an incident cannot have happened at ``at``, if so."""
    from app.models.clock import format_local, to_utc

    at = to_utc(at)
    if at > now + FUTURE_TOLERANCE:
        return f"{format_local(at)} is in the future."
    if at < received_at:
        return (f"{format_local(at)} is before the incident was received "
                f"({format_local(received_at)}).")
    return None


def received_error(value: datetime | None, now: datetime) -> str | None:
    if value is None:
        return "required."
    value = to_utc(value)
    if value > now + FUTURE_TOLERANCE:
        return "cannot be in the future."
    if value < EARLIEST:
        return "cannot be before 1 January 2000."
    return None


def _choice_error(value: str, choices: type, what: str) -> str | None:
    if not value:
        return "required."
    if value not in {c.value for c in choices}:
        return f"not a known {what}."
    return None


def validate_draft(draft: IncidentDraft, now: datetime) -> dict[str, str]:
    """Every problem with ``draft``, by field; empty when it can be saved."""
    d = draft.cleaned()
    errors: dict[str, str | None] = {
        "received_at": received_error(d.received_at, now),
        "channel": _choice_error(d.channel, Channel, "channel"),
        "caller_type": _choice_error(d.caller_type, CallerType, "caller type"),
        "caller_name": None if d.caller_name else "required (ask the caller's name, or "
                                                  "write 'Anonymous').",
        "caller_phone": phone_error(d.caller_phone),
        "caller_email": email_error(d.caller_email),
        "summary": None if d.summary else "required: what is happening, in a line.",
        "impact": _choice_error(d.impact, Level, "impact"),
        "urgency": _choice_error(d.urgency, Level, "urgency"),
    }
    for name, limit in MAX_LENGTHS.items():
        value = getattr(d, name)
        if len(value) > limit:
            errors[name] = f"at most {limit:,} characters (this has {len(value):,})."
        else:
            errors[name] = text_error(value, name in MULTILINE_FIELDS) or errors.get(name)
    errors.update(_category_errors(d.category_id, d.subcategory_id))
    errors.update(_prioritisation_errors(d))
    return {k: v for k, v in errors.items() if v}


def _category_errors(category_id: int | None, subcategory_id: int | None) -> dict[str, str]:
    if category_id is None:
        return {"category_id": "required: choosing the right one sets the right priority."}
    category = Category.get_or_none(Category.id == category_id)
    if category is None or category.parent_id is not None:
        return {"category_id": "not a category of the list."}
    if subcategory_id is not None:
        sub = Category.get_or_none(Category.id == subcategory_id)
        if sub is None or sub.parent_id != category_id:
            return {"subcategory_id": f"not a subcategory of {category.name}."}
    return {}



def stored_levels(text: str) -> tuple[str, str] | None:
    """The (impact, urgency) the prioritisation answers stored in ``text`` gave, if any."""
    if not text:
        return None
    data = json.loads(text)
    return data["impact"], data["urgency"]


_ANSWER_TEXTS = {"service": "which service is affected",
                 "workaround_text": "the workaround", "deadline_text": "the deadline"}


def _answer_text_error(text: str) -> str | None:
    """A problem with the free text typed in the prioritisation wizard, if any."""
    answers = json.loads(text).get("answers", {})
    for key, label in _ANSWER_TEXTS.items():
        value = answers.get(key) or ""
        problem = text_error(value) if isinstance(value, str) else "is not text."
        if problem:
            return f"the answer about {label} {problem} Prioritise again."
    return None


def _prioritisation_errors(d: IncidentDraft) -> dict[str, str]:
    """An override needs a reason; stored answers must agree with the impact and urgency."""
    errors = {}
    if d.priority_override is not None:
        if d.priority_override not in PRIORITY_NAMES:
            errors["priority_override"] = "choose a priority from P1 to P5."
        elif not d.priority_override_reason:
            errors["priority_override_reason"] = ("required: say why the priority differs "
                                                  "from the matrix.")
    if d.prioritisation:
        try:
            levels = stored_levels(d.prioritisation)
            problem = _answer_text_error(d.prioritisation)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            return errors | {"prioritisation": "the stored answers cannot be read; "
                                               "prioritise again."}
        if problem:
            errors["prioritisation"] = problem
        elif levels != (d.impact, d.urgency):
            errors["prioritisation"] = (
                f"the answers give impact {levels[0]} and urgency {levels[1]}, not "
                f"{d.impact or 'none'} and {d.urgency or 'none'}; prioritise again.")
    return errors
