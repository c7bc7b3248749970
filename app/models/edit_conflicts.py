"""Saving over someone else's change: who changed what since a form opened, and re-applying
one's own edits on top of theirs."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

import peewee

from app.models.audit import HistoryEntry, describe, shown_value
from app.models.clock import format_local
from app.models.entities import History, User
from app.models.prioritisation import describe_answers
from app.models.validation import FIELD_LABELS, IncidentDraft

# Fields that only make sense together: whoever changed one of them set the others to go
# with it (a subcategory belongs to its category; the wizard's record to its levels).
GROUPS = (
    ("category_id", "subcategory_id"),
    ("impact", "urgency", "prioritisation", "priority_rationale", "priority_override",
     "priority_override_reason"),
)
LIST_LIMIT = 20  # changes named in a message; the rest are counted


@dataclass(frozen=True)
class OtherChange:
    """One change made to an incident by someone, as its history shows it."""

    at: datetime
    user: str
    what: str  # the field's label, or what happened ("Status", "Note", "Escalated")
    old: str
    new: str

    def line(self) -> str:
        """``24/11/2026 12:05 Alex Colleague: Location "Leeds" → "York"``."""
        head = f"{format_local(self.at)} {self.user}: {self.what}"
        if self.old and self.new:
            return f"{head} “{_short(self.old)}” → “{_short(self.new)}”"
        if self.new:
            return f"{head}: {_short(self.new)}"
        return f"{head} “{_short(self.old)}” → (empty)" if self.old else head


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def history_mark(incident_id: int) -> int:
    """The id of the incident's last history row (0 if none): remembered when a form opens,
    to tell later what others changed."""
    mark = (History.select(peewee.fn.MAX(History.id))
            .where(History.incident == incident_id).scalar())
    return mark or 0


def changes_since(incident_id: int, mark: int) -> list[OtherChange]:
    """What was done to the incident after its history row ``mark``, oldest first, in the
    words of its history table."""
    query = (History.select(History, User).join(User)
             .where(History.incident == incident_id, History.id > mark).order_by(History.id))
    changes = []
    for row in query:
        entry = HistoryEntry(row.at, row.user.display_name, row.action, row.field,
                             row.old_value, row.new_value)
        what, old, new = describe(entry)
        changes.append(OtherChange(row.at, row.user.display_name, what, old, new))
    return changes


def last_change(incident_id: int) -> OtherChange | None:
    """The incident's latest history row, when which rows are new is not known."""
    changes = changes_since(incident_id, history_mark(incident_id) - 1)
    return changes[-1] if changes else None


def _names(changes: list[OtherChange]) -> str:
    names = list(dict.fromkeys(c.user for c in changes))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def stale_message(reference: str, changes: list[OtherChange],
                  latest: OtherChange | None = None) -> str:
    """Why a save is refused: who changed the incident, and what, since it was opened.

    Args:
        changes: what others did since the form opened; empty when that is not known.
        latest: then, the incident's last change, to name who and when at least.
    """
    if not changes:
        who = (f" by {latest.user} at {format_local(latest.at)}" if latest is not None
               else " by someone else")
        return (f"{reference} was changed{who} since you opened it. Open it again to see "
                "the changes.")
    lines = [f"{reference} was changed by {_names(changes)} since you opened it:"]
    lines += [f"• {change.line()}" for change in changes[:LIST_LIMIT]]
    if len(changes) > LIST_LIMIT:
        lines.append(f"• and {len(changes) - LIST_LIMIT} more change(s).")
    return "\n".join(lines)


# --- re-applying one's edits on top of theirs ---------------------------------------------
@dataclass(frozen=True)
class Conflict:
    """A field both of us changed: mine is kept, theirs (named here) is replaced."""

    field: str
    label: str
    theirs: str
    mine: str


@dataclass(frozen=True)
class Reapplied:
    """The draft with my edits on top of the incident as it is now."""

    draft: IncidentDraft
    mine: tuple[str, ...]  # the fields I changed, whose values the draft keeps
    theirs: tuple[str, ...]  # the fields they changed and I did not: theirs are taken
    conflicts: tuple[Conflict, ...]


def _group_of(name: str) -> tuple[str, ...]:
    return next((group for group in GROUPS if name in group), (name,))


def _shown(name: str, value) -> str:
    if name == "prioritisation":
        return describe_answers(value) if value else ""
    return shown_value(name, value)


def reapply(opened: IncidentDraft, edited: IncidentDraft,
            current: IncidentDraft) -> Reapplied:
    """Put my edits on top of the incident as it is now.

    A field I did not change takes its current value; a field I changed keeps mine. Fields
    that belong together (category and subcategory; impact, urgency and the wizard's
    record) go as one: if I changed any of them, all of them are mine. Where they had
    changed a field I also changed, to another value, it is a conflict: mine wins, and the
    conflict names their value, which is replaced.

    Args:
        opened: the draft as the form showed it when opened.
        edited: the draft as the form shows it now.
        current: the incident as it is stored now.
    """
    names = [f.name for f in fields(IncidentDraft)]
    changed = {n for n in names if getattr(opened, n) != getattr(edited, n)}
    mine = {n for n in names if set(_group_of(n)) & changed}
    values, conflicts = {}, []
    for name in names:
        theirs_changed = getattr(current, name) != getattr(opened, name)
        if name in mine:
            values[name] = getattr(edited, name)
            if theirs_changed and getattr(current, name) != getattr(edited, name):
                conflicts.append(Conflict(name, FIELD_LABELS.get(name, name),
                                          _shown(name, getattr(current, name)),
                                          _shown(name, getattr(edited, name))))
        else:
            values[name] = getattr(current, name)
    theirs = tuple(n for n in names if n not in mine
                   and getattr(current, n) != getattr(opened, n))
    return Reapplied(IncidentDraft(**values), tuple(n for n in names if n in mine), theirs,
                     tuple(conflicts))

