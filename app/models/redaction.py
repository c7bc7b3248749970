"""Personal data masked for evidence: what an assessor may read of a caller.

An evidence export shows that a caller was identified without saying who they are: the
caller's name becomes their initials (``Zoë Ørsted`` → ``Z. Ø.``), a phone number keeps its
last three digits (``07700 900123`` → ``••••• •••123``), an email address keeps the first
letter of each part and the top-level domain (``zoe.orsted@example.com`` →
``z•••@e•••.com``), an account or asset number its last three characters. Free text (the
caller's description, notes, updates, the audit trail) is scanned: the caller's name, phone
and email as recorded are replaced as above wherever they were written, and so is anything
else that looks like a phone number, an email address or a UK postcode.

What it cannot find: other people's names written in free text ("my neighbour John"), and
numbers written in words. An internal print with full details is the team leader's
deliberate choice (see :mod:`app.models.incident_record`).
"""

from __future__ import annotations

import re

from app.models.entities import History, Incident
from app.models.personal_data import ERASED, caller_identifiers

MASK = "•"
KEPT_DIGITS = 3
# an email address anywhere in text
_EMAIL = re.compile(r"(?<![\w.+-])[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+(?!\w)")
# a phone number: from 0, + or 00, then 8-14 more digits with spaces, dots, dashes or
# brackets between them (an incident's reference, a date or a time does not start so)
_PHONE = re.compile(r"(?<![\w+])(?:\+|\(?0)[\d\s().\-/]{7,22}\d(?!\w)")
_PHONE_DIGITS = (9, 15)
# a UK postcode (SW1A 1AA, M1 1AE): an address a caller can be found at
_POSTCODE = re.compile(r"(?<!\w)[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}(?!\w)", re.IGNORECASE)
_NOT_NAMES = {"", "anonymous", ERASED.lower()}


def initials(name: str) -> str:
    """``Zoë Ørsted`` → ``Z. Ø.``; ``王芳`` → ``王.``; "Anonymous" and "[erased]" as they are."""
    name = name.strip()
    if name.lower() in _NOT_NAMES:
        return name
    words = [w for w in re.split(r"[\s\-]+", name) if w[:1].isalnum()]
    return " ".join(f"{w[0].upper()}." for w in words)


def mask_phone(phone: str) -> str:
    """Every digit but the last three masked; spaces and signs kept where they were."""
    total = sum(ch.isdigit() for ch in phone)
    seen = 0
    out = []
    for ch in phone:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > total - KEPT_DIGITS else MASK)
        else:
            out.append(ch)
    return "".join(out)


def mask_email(email: str) -> str:
    """``zoe.orsted@example.com`` → ``z•••@e•••.com``."""
    local, _, domain = email.rpartition("@")
    if not local:
        return MASK * 3
    labels = domain.split(".")
    top = labels[-1] if len(labels) > 1 else ""
    host = labels[0]
    return f"{local[0]}{MASK * 3}@{host[:1]}{MASK * 3}" + (f".{top}" if top else "")


def mask_reference(value: str) -> str:
    """An account or asset number: its last three characters kept."""
    value = value.strip()
    if len(value) <= KEPT_DIGITS:
        return MASK * len(value)
    return MASK * (len(value) - KEPT_DIGITS) + value[-KEPT_DIGITS:]


def _mask_phone_match(match: re.Match) -> str:
    text = match.group()
    digits = sum(ch.isdigit() for ch in text)
    low, high = _PHONE_DIGITS
    return mask_phone(text) if low <= digits <= high else text


class Redactor:
    """Masks one incident's caller wherever their data is written.

    Args:
        incident: the incident.
        rows: its history, for the names, phones and emails it was recorded with before.
    """

    def __init__(self, incident: Incident, rows: list[History]):
        self._caller = caller_identifiers(incident, rows)
        names = {incident.caller_name.strip()} | {
            (value or "").strip() for row in rows if row.field == "caller_name"
            for value in (row.old_value, row.new_value)}
        self._names = {name.lower() for name in names}
        # each part of the caller's names on its own ("Zoë says…"), as written (capitalised,
        # whole), so that a name that is also a word ("Will") is masked only as a name
        parts = {part for name in names for part in re.split(r"[\s\-]+", name)
                 if len(part) >= 3 and part.lower() not in _NOT_NAMES}
        self._parts = re.compile(r"(?<!\w)(?:" + "|".join(
            re.escape(part) for part in sorted(parts, key=len, reverse=True))
            + r")(?!\w)") if parts else None

    def _replace_caller(self, match: re.Match) -> str:
        text = match.group()
        if "@" in text:
            return mask_email(text)
        if text.strip().lower() in self._names:
            return initials(text)
        return mask_phone(text)

    def text(self, value: str | None) -> str | None:
        """Free text with the caller's and anybody's phone numbers, emails and postcodes
        masked, and the caller's names (whole, or each on its own as written) as initials."""
        if not value:
            return value
        if self._caller is not None:
            value = self._caller.sub(self._replace_caller, value)
        if self._parts is not None:
            value = self._parts.sub(lambda m: f"{m.group()[0]}.", value)
        value = _EMAIL.sub(lambda m: mask_email(m.group()), value)
        value = _PHONE.sub(_mask_phone_match, value)
        return _POSTCODE.sub(lambda m: re.sub(r"\w", MASK, m.group()), value)

    def field(self, name: str | None, value: str | None) -> str | None:
        """A stored value of the field ``name`` (an incident's column, or a history row's
        field), masked as that field needs."""
        if not value:
            return value
        if name == "caller_name":
            return initials(value)
        if name == "caller_phone":
            return mask_phone(value)
        if name == "caller_email":
            return mask_email(value)
        if name == "account_ref":
            return mask_reference(value)
        return self.text(value)
