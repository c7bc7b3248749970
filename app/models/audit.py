"""The audit trail: append a history row, read an incident's history, say what a row means."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.models.clock import format_local
from app.models.dialect import locked
from app.models.entities import Category, History, HistoryChain, Incident, User
from app.models.history_chain import ANONYMISED, row_hash
from app.models.lifecycle import Status
from app.models.prioritisation import describe_answers
from app.models.validation import FIELD_LABELS
from app.models.vocabulary import CallerType, Channel, Level, priority_label


def _stored_text(field: str, value) -> str | None:
    """How a value is written into history: names rather than ids, UTC ISO times."""
    if value is None:
        return None
    if field in ("category_id", "subcategory_id"):
        return Category.get_by_id(value).name
    if field == "owner_id":
        return User.get_by_id(value).display_name
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def record(incident: Incident, by: User, at: datetime, action: str, field: str | None = None,
           old=None, new=None) -> None:
    """Append one history row, linked into the hash chain; call inside the transaction
    that makes the change."""
    old_text, new_text = _stored_text(field or "", old), _stored_text(field or "", new)
    # Locked on PostgreSQL: two concurrent writers must not both extend the same head.
    head = locked(HistoryChain.select().where(HistoryChain.id == 1)).get()
    row_id = head.last_id + 1
    digest = row_hash(head.last_hash, row_id, incident.id, History.at.db_value(at), by.id,
                      action, field, old_text, new_text)
    History.insert(id=row_id, incident=incident, at=at, user=by, action=action, field=field,
                   old_value=old_text, new_value=new_text, hash=digest).execute()
    (HistoryChain.update(last_id=row_id, last_hash=digest)
     .where(HistoryChain.id == 1).execute())


@dataclass(frozen=True)
class HistoryEntry:
    """One line of an incident's audit trail."""

    at: datetime
    user: str
    action: str
    field: str | None
    old_value: str | None
    new_value: str | None


def incident_history(incident_id: int) -> list[HistoryEntry]:
    """The audit trail of an incident, oldest first."""
    query = (History.select(History, User)
             .join(User).where(History.incident == incident_id).order_by(History.id))
    return [HistoryEntry(h.at, h.user.display_name, h.action, h.field, h.old_value,
                         h.new_value) for h in query]


_VOCABULARIES = {"status": Status, "channel": Channel, "caller_type": CallerType,
                 "impact": Level, "urgency": Level}


def _readable(field: str | None, value: str | None) -> str:
    if value is None:
        return ""
    vocabulary = _VOCABULARIES.get(field or "")
    if vocabulary is not None and value in {v.value for v in vocabulary}:
        return vocabulary(value).label
    if field == "priority" and value.isdigit() and 1 <= int(value) <= 5:
        return priority_label(int(value))
    if field == "prioritisation":
        return describe_answers(value)
    if field == "priority_override" and value.isdigit():
        return priority_label(int(value))
    if field in ("received_at", "response_due", "resolution_due"):
        return format_local(datetime.fromisoformat(value))
    return value


def shown_value(field: str, value) -> str:
    """A field's value (an id, a level, a time) as the history table shows it."""
    return _readable(field, _stored_text(field, value))


# rows that say in words what happened (escalations, updates, exports): title of each
ACTION_TITLES = {"exported": "Exported", "escalated": "Escalated",
                 "communicated": "Update to stakeholder", "reply_received": "Reply received",
                 "handover_offered": "Handover offered", "handover_accepted": "Handover accepted",
                 "handover_queried": "Handover queried",
                 "handover_withdrawn": "Handover withdrawn", "supported": "Support given",
                 "review": "Post-incident review"}


def describe(entry: HistoryEntry) -> tuple[str, str, str]:
    """(what happened, from, to) in words, for the history table and reports."""
    if entry.action == "created":
        return "Logged", "", entry.new_value or ""
    if entry.action == "note":
        return "Note", "", entry.new_value or ""
    if entry.action == ANONYMISED:
        return "Personal data erased", "", entry.new_value or ""
    if entry.action in ACTION_TITLES:
        return ACTION_TITLES[entry.action], "", entry.new_value or ""
    what = "Status" if entry.action == "status" else FIELD_LABELS.get(entry.field or "",
                                                                      entry.field or "")
    return what, _readable(entry.field, entry.old_value), _readable(entry.field,
                                                                    entry.new_value)
