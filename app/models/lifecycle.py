"""The incident lifecycle: statuses and the only transitions allowed between them."""

from __future__ import annotations

from enum import StrEnum

from app.models.text_rules import MAX_NOTE_LENGTH, text_error


class Status(StrEnum):
    """Where an incident is in its lifecycle."""

    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    ON_HOLD_CUSTOMER = "on_hold_customer"
    ON_HOLD_THIRD_PARTY = "on_hold_third_party"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def is_open(self) -> bool:
        return self not in (Status.RESOLVED, Status.CLOSED)

    @property
    def is_on_hold(self) -> bool:
        return self in (Status.ON_HOLD_CUSTOMER, Status.ON_HOLD_THIRD_PARTY)


_LABELS = {
    Status.NEW: "New",
    Status.ASSIGNED: "Assigned",
    Status.IN_PROGRESS: "In progress",
    Status.ON_HOLD_CUSTOMER: "On hold: awaiting customer",
    Status.ON_HOLD_THIRD_PARTY: "On hold: awaiting third party",
    Status.RESOLVED: "Resolved",
    Status.CLOSED: "Closed",
    Status.REOPENED: "Reopened",
}

_WORKING = (Status.IN_PROGRESS, Status.ON_HOLD_CUSTOMER, Status.ON_HOLD_THIRD_PARTY)

# Every allowed move, and no other. A first-contact resolution goes straight from NEW to
# RESOLVED; a closed incident can only come back by being reopened.
TRANSITIONS: dict[Status, tuple[Status, ...]] = {
    Status.NEW: (Status.ASSIGNED, *_WORKING, Status.RESOLVED),
    Status.ASSIGNED: (*_WORKING, Status.RESOLVED),
    Status.IN_PROGRESS: (Status.ASSIGNED, Status.ON_HOLD_CUSTOMER, Status.ON_HOLD_THIRD_PARTY,
                         Status.RESOLVED),
    Status.ON_HOLD_CUSTOMER: (Status.IN_PROGRESS, Status.ON_HOLD_THIRD_PARTY, Status.RESOLVED),
    Status.ON_HOLD_THIRD_PARTY: (Status.IN_PROGRESS, Status.ON_HOLD_CUSTOMER, Status.RESOLVED),
    Status.RESOLVED: (Status.CLOSED, Status.REOPENED),
    Status.CLOSED: (Status.REOPENED,),
    Status.REOPENED: (Status.ASSIGNED, *_WORKING, Status.RESOLVED),
}

# Moves that must say why: the note becomes part of the record.
NOTE_REQUIRED = {
    Status.RESOLVED: "the resolution",
    Status.REOPENED: "why the incident is reopened",
    Status.ON_HOLD_CUSTOMER: "what the customer has been asked for",
    Status.ON_HOLD_THIRD_PARTY: "which third party, and what is awaited",
}


class TransitionError(ValueError):
    """A status change the lifecycle does not allow; the message says why."""


def allowed_next(current: Status | str) -> tuple[Status, ...]:
    """The statuses an incident in ``current`` may move to."""
    return TRANSITIONS[Status(current)]


def check_transition(current: Status | str, target: Status | str, note: str = "") -> None:
    """Raise :class:`TransitionError` unless ``current`` -> ``target`` is allowed with ``note``."""
    current, target = Status(current), Status(target)
    if target == current:
        raise TransitionError(f"The incident is already {current.label.lower()}.")
    if target not in TRANSITIONS[current]:
        options = ", ".join(s.label.lower() for s in TRANSITIONS[current])
        raise TransitionError(
            f"An incident that is {current.label.lower()} cannot be moved to "
            f"{target.label.lower()}; it can be moved to: {options}."
        )
    if target in NOTE_REQUIRED and not note.strip():
        raise TransitionError(
            f"Moving to {target.label.lower()} needs a note: {NOTE_REQUIRED[target]}."
        )
    if len(note) > MAX_NOTE_LENGTH:
        raise TransitionError(f"The note can have at most {MAX_NOTE_LENGTH:,} characters "
                              f"(this one has {len(note):,}).")
    problem = text_error(note, multiline=True)
    if problem:
        raise TransitionError(f"The note {problem}")
