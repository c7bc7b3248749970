"""Handing incidents over to a colleague: offer, accept, query, withdraw, each one
transaction that writes to the incidents' history; what is pending, and who is on shift.

The state machine (:data:`TRANSITIONS`): a handover is *offered* by the giver to the
receiver; the receiver *accepts* it (ownership of every incident moves to them, all or
nothing) or *queries* it with a reason, which goes back to the giver; the giver *withdraws*
an offered or queried handover (and offers again, with the answer, if they wish). Accepted
and withdrawn handovers are final. Nothing changes owner until a handover is accepted.

Who may do what:

- anybody may offer the open incidents they own; a team leader or administrator
  (:attr:`Permission.HAND_OVER_ANY`) may offer anybody's, say for an advisor who went home
  ill, and may withdraw anybody's offer;
- only the receiver accepts or queries: acceptance is their acknowledgement;
- the receiver is an active colleague other than the giver, and not an assessor (who
  reviews evidence and owns no incidents);
- an incident is in at most one pending (offered or queried) handover at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

import peewee as pw

from app.models.audit import HistoryEntry, describe, record
from app.models.clock import format_local, now_utc, to_utc
from app.models.db import database
from app.models.entities import Communication, Handover, HandoverItem, History, Incident, User
from app.models.escalation import escalation_state
from app.models.incident_log import OPEN_STATUSES, IncidentLog, LogFilter
from app.models.lifecycle import Status
from app.models.permissions import Permission, Role, can, check_permission
from app.models.sla import ClockState, clock_reading
from app.models.support import SupportEntry, support_between
from app.models.text_rules import MAX_NOTE_LENGTH, FieldProblemsError, text_error, trimmed
from app.models.vocabulary import HandoverMethod

# the history actions, one row per incident of the handover
OFFERED = "handover_offered"
ACCEPTED = "handover_accepted"
QUERIED = "handover_queried"
WITHDRAWN = "handover_withdrawn"
HANDOVER_ACTIONS = (OFFERED, ACCEPTED, QUERIED, WITHDRAWN)
# history fields that say nothing a colleague taking over needs (recomputed clocks)
_QUIET_FIELDS = ("response_due", "resolution_due", "escalation_level")
LAST_UPDATE_LENGTH = 300  # characters of the last update kept in the snapshot


class HandoverState(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    QUERIED = "queried"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def is_pending(self) -> bool:
        """Not decided for good: its incidents cannot be offered in another handover."""
        return self in (HandoverState.OFFERED, HandoverState.QUERIED)


TRANSITIONS: dict[HandoverState, tuple[HandoverState, ...]] = {
    HandoverState.OFFERED: (HandoverState.ACCEPTED, HandoverState.QUERIED,
                            HandoverState.WITHDRAWN),
    HandoverState.QUERIED: (HandoverState.WITHDRAWN,),
    HandoverState.ACCEPTED: (),
    HandoverState.WITHDRAWN: (),
}
PENDING_STATES = tuple(s.value for s in HandoverState if s.is_pending)


class HandoverError(FieldProblemsError):
    """A handover step that cannot be taken; ``problems`` maps each field to why. Nothing
    was written."""


# --- what is handed over ----------------------------------------------------------------------
ITEM_FIELDS = ("next_action", "outstanding_actions", "risks", "promised_to_caller")
ITEM_LABELS = {"next_action": "Next action", "outstanding_actions": "Outstanding actions",
               "risks": "Risks", "promised_to_caller": "Promised to the caller"}


def item_key(incident_id: int, field: str) -> str:
    """The key of a problem with one incident of a handover (``"12:risks"``); ``field`` is
    one of :data:`ITEM_FIELDS` or ``"incident"``."""
    return f"{incident_id}:{field}"


@dataclass(frozen=True)
class ItemDraft:
    """One incident to hand over, with what the giver adds (``next_action`` empty: the
    suggested one)."""

    incident_id: int
    outstanding_actions: str = ""
    risks: str = ""
    promised_to_caller: str = ""
    next_action: str = ""

    def cleaned(self) -> ItemDraft:
        return replace(self, **{f: trimmed(getattr(self, f)) for f in ITEM_FIELDS})


@dataclass(frozen=True)
class HandoverDraft:
    receiver_id: int | None
    method: str  # HandoverMethod
    items: tuple[ItemDraft, ...]
    shift_note: str = ""

    def cleaned(self) -> HandoverDraft:
        return replace(self, items=tuple(i.cleaned() for i in self.items),
                       shift_note=trimmed(self.shift_note))


@dataclass(frozen=True)
class HandoverFacts:
    """What the record says of an incident at the moment of handover."""

    status: str  # readable
    sla_left: str
    last_update: str
    next_action: str  # a suggestion the giver may change


@dataclass(frozen=True)
class HandoverChange:
    """What a step changed, for views to refresh: the handover and its incidents."""

    handover_id: int
    state: HandoverState
    incident_ids: tuple[int, ...]


def last_update_text(incident_id: int) -> str:
    """The last thing recorded about the incident: when, by whom, what."""
    row = (History.select(History, User).join(User)
           .where(History.incident == incident_id,
                  (History.field.is_null()) | (History.field.not_in(_QUIET_FIELDS)))
           .order_by(History.id.desc()).first())
    if row is None:
        return ""
    what, _old, new = describe(HistoryEntry(row.at, row.user.display_name, row.action,
                                            row.field, row.old_value, row.new_value))
    if len(new) > LAST_UPDATE_LENGTH:
        new = new[:LAST_UPDATE_LENGTH - 1] + "…"
    return f"{format_local(row.at)}, {row.user.display_name}: {what}" + (
        f": {new}" if new else "")


def suggested_next_action(incident: Incident, now: datetime) -> str:
    """What comes next for the incident, as far as the record can tell."""
    status = Status(incident.status)
    state = escalation_state(incident, now)
    if state.overdue:
        return "Escalate now: " + ", ".join(s.to_text() for s in state.overdue)
    if status == Status.ON_HOLD_CUSTOMER:
        return "Waiting on the customer: chase them if nothing comes."
    if status == Status.ON_HOLD_THIRD_PARTY:
        return "Waiting on the third party: chase them if nothing comes."
    if incident.responded_at is None and incident.response_due is not None:
        return f"Respond to the caller by {format_local(incident.response_due)}."
    awaited = (Communication.select().where(Communication.incident == incident.id,
                                            Communication.reply_awaited,
                                            Communication.reply_received_at.is_null())
               .order_by(Communication.at.desc()).first())
    if awaited is not None:
        return f"A reply is awaited to the update of {format_local(awaited.at)}."
    if state.next is not None:
        return f"Next escalation: {state.next_text()}."
    if incident.resolution_due is not None:
        return f"Resolve by {format_local(incident.resolution_due)}."
    return ""


def handover_facts(incident: Incident, now: datetime | None = None) -> HandoverFacts:
    """Status, SLA time left, last update and a suggested next action, as of ``now``."""
    now = now or now_utc()
    status = Status(incident.status)
    clock = clock_reading(status.is_open, incident.responded_at is not None,
                          incident.response_due, incident.response_warn_at,
                          incident.resolution_due, incident.resolution_warn_at,
                          incident.resolution_met, now)
    sla = clock.text(now)
    if clock.state == ClockState.AT_RISK:
        sla += " (at risk)"
    return HandoverFacts(status.label, sla, last_update_text(incident.id),
                         suggested_next_action(incident, now))


# --- checks -----------------------------------------------------------------------------------
def _pending_offer(incident_id: int, other_than: int | None = None) -> Handover | None:
    query = (Handover.select().join(HandoverItem)
             .where(HandoverItem.incident == incident_id, Handover.state.in_(PENDING_STATES)))
    if other_than is not None:
        query = query.where(Handover.id != other_than)
    return query.first()


def pending_offers(incident_ids: list[int]) -> dict[int, str]:
    """Of ``incident_ids``, those in a pending handover, each with its receiver's name."""
    query = (HandoverItem.select(HandoverItem.incident, User.display_name)
             .join(Handover).join(User, on=(Handover.receiver == User.id))
             .where(HandoverItem.incident.in_(incident_ids),
                    Handover.state.in_(PENDING_STATES)))
    return dict(query.tuples())


def _user_name(user_id: int | None) -> str:
    user = User.get_or_none(User.id == user_id) if user_id else None
    return user.display_name if user else ""


def _text_problem(value: str, what: str) -> str | None:
    if len(value) > MAX_NOTE_LENGTH:
        return f"{what}: at most {MAX_NOTE_LENGTH:,} characters (this has {len(value):,})."
    problem = text_error(value, multiline=True)
    return f"{what} {problem}" if problem else None


def receiver_problem(receiver_id: int | None, giver: User) -> str | None:
    """Why ``receiver_id`` cannot receive a handover from ``giver``, if so."""
    if receiver_id is None:
        return "Choose the colleague to hand over to."
    receiver = User.get_or_none(User.id == receiver_id)
    if receiver is None:
        return "That colleague is not known here: choose one from the list."
    if receiver.id == giver.id:
        return "You cannot hand over to yourself: choose a colleague."
    if not receiver.active:
        return f"{receiver.display_name} is no longer active: choose another colleague."
    if receiver.role == Role.ASSESSOR:
        return f"{receiver.display_name} is an assessor and does not take incidents."
    return None


def offer_problems(draft: HandoverDraft, by: User) -> dict[str, str]:
    """Every problem with ``draft`` (cleaned), by field: ``receiver``, ``method``,
    ``shift_note``, ``incidents``, and :func:`item_key` for each incident's own."""
    problems: dict[str, str] = {}
    if (problem := receiver_problem(draft.receiver_id, by)) is not None:
        problems["receiver"] = problem
    if draft.method not in set(HandoverMethod):
        problems["method"] = "Choose how it is handed over: face to face, phone, chat or email."
    if (problem := _text_problem(draft.shift_note, "The shift note")) is not None:
        problems["shift_note"] = problem
    if not draft.items:
        problems["incidents"] = "Choose at least one incident to hand over."
    seen: set[int] = set()
    for item in draft.items:
        key = item_key(item.incident_id, "incident")
        incident = Incident.get_or_none(Incident.id == item.incident_id)
        if incident is None:
            problems[key] = f"There is no incident with id {item.incident_id}."
            continue
        ref = incident.reference
        if item.incident_id in seen:
            problems[key] = f"{ref} is listed twice."
        elif not Status(incident.status).is_open:
            problems[key] = (f"{ref} is {Status(incident.status).label.lower()}: only open "
                             "incidents are handed over.")
        elif incident.owner_id is None:
            problems[key] = f"{ref} has no owner: assign it rather than hand it over."
        elif incident.owner_id != by.id and not can(by, Permission.HAND_OVER_ANY):
            problems[key] = (f"{ref} is {_user_name(incident.owner_id)}'s: you can hand over "
                             "only your own incidents.")
        elif incident.owner_id == draft.receiver_id:
            problems[key] = f"{ref} is already {_user_name(incident.owner_id)}'s."
        elif (pending := _pending_offer(incident.id)) is not None:
            problems[key] = (f"{ref} is already offered to {_user_name(pending.receiver_id)} "
                             f"({format_local(pending.offered_at)}): withdraw that handover "
                             "first.")
        seen.add(item.incident_id)
        if not item.outstanding_actions:
            problems[item_key(item.incident_id, "outstanding_actions")] = (
                f"Say what is still to be done for {ref} (or write 'None').")
        for field in ITEM_FIELDS:
            problem = _text_problem(getattr(item, field), ITEM_LABELS[field])
            if problem is not None:
                problems[item_key(item.incident_id, field)] = f"{ref}: {problem}"
    return problems


def _decision_problem(handover: Handover, target: HandoverState) -> str | None:
    """Why ``handover`` cannot move to ``target`` from where it is, if so."""
    current = HandoverState(handover.state)
    if target in TRANSITIONS[current]:
        return None
    when = format_local(handover.decided_at)
    who = _user_name(handover.decided_by_id)
    if current == HandoverState.ACCEPTED:
        return f"This handover was already accepted by {who} on {when}."
    if current == HandoverState.WITHDRAWN:
        return f"This handover was withdrawn by {who} on {when}."
    return (f"This handover was queried by {who} on {when}: "
            f"{_user_name(handover.giver_id)} answers it by withdrawing it, and may offer "
            "again.")


def _receivers_decision(handover_id: int, by: User, target: HandoverState) -> Handover:
    """The handover, if ``by`` is its receiver and it can move to ``target``.

    Raises:
        HandoverError: it is not, or it cannot.
    """
    handover = _get(handover_id)
    if by.id != handover.receiver_id:
        verb = "accept" if target == HandoverState.ACCEPTED else "query"
        raise HandoverError({"handover": (
            f"This handover is addressed to {_user_name(handover.receiver_id)}: only they can "
            f"{verb} it.")})
    if (problem := _decision_problem(handover, target)) is not None:
        raise HandoverError({"handover": problem})
    return handover


def _get(handover_id: int) -> Handover:
    handover = Handover.get_or_none(Handover.id == handover_id)
    if handover is None:
        raise HandoverError({"handover": f"There is no handover with id {handover_id}."})
    return handover


def _items(handover_id: int) -> list[HandoverItem]:
    return list(HandoverItem.select().where(HandoverItem.handover == handover_id)
                .order_by(HandoverItem.position, HandoverItem.id))


def _describe_offer(receiver: str, method: str, item: HandoverItem, shift_note: str) -> str:
    lines = [f"Offered to {receiver} ({HandoverMethod(method).label.lower()}).",
             f"Status: {item.status}. SLA: {item.sla_left}."]
    lines += [f"{ITEM_LABELS[f]}: {getattr(item, f)}" for f in ITEM_FIELDS if getattr(item, f)]
    if shift_note:
        lines.append(f"Shift note: {shift_note}")
    return "\n".join(lines)


# --- the steps --------------------------------------------------------------------------------
def offer(draft: HandoverDraft, by: User, now: datetime | None = None) -> HandoverChange:
    """Offer incidents to a colleague: the facts of each are taken as they stand ``now``;
    a history row on each says so. Owners do not change until the receiver accepts.

    Raises:
        HandoverError: the draft has problems (see :func:`offer_problems`); nothing was
            written.
    """
    check_permission(by, Permission.WORK_INCIDENTS)
    now = now or now_utc()
    draft = draft.cleaned()
    with database.atomic():
        problems = offer_problems(draft, by)
        if problems:
            raise HandoverError(problems)
        receiver = User.get_by_id(draft.receiver_id)
        handover = Handover.create(giver=by, receiver=receiver, offered_at=now,
                                   method=draft.method, state=HandoverState.OFFERED,
                                   shift_note=draft.shift_note)
        for position, item in enumerate(draft.items):
            incident = Incident.get_by_id(item.incident_id)
            facts = handover_facts(incident, now)
            row = HandoverItem.create(
                handover=handover, incident=incident, position=position, status=facts.status,
                sla_left=facts.sla_left, last_update=facts.last_update,
                next_action=item.next_action or facts.next_action,
                outstanding_actions=item.outstanding_actions, risks=item.risks,
                promised_to_caller=item.promised_to_caller,
                previous_owner=incident.owner_id)
            record(incident, by, now, OFFERED,
                   new=_describe_offer(receiver.display_name, draft.method, row,
                                       draft.shift_note))
    return HandoverChange(handover.id, HandoverState.OFFERED,
                          tuple(i.incident_id for i in draft.items))


def accept(handover_id: int, by: User, now: datetime | None = None) -> HandoverChange:
    """The receiver accepts: every incident of the handover becomes theirs at ``now``, with
    a history row for the owner change and one for the acceptance. All or nothing: if any
    incident was closed, resolved or given to someone else since it was offered, nothing
    changes and the message names it.

    Raises:
        HandoverError: not the receiver, not offered any more, or an incident changed.
    """
    check_permission(by, Permission.WORK_INCIDENTS)
    now = now or now_utc()
    with database.atomic():
        handover = _receivers_decision(handover_id, by, HandoverState.ACCEPTED)
        items = _items(handover_id)
        problems = {}
        for item in items:
            incident = Incident.get_by_id(item.incident_id)
            status = Status(incident.status)
            if not status.is_open:
                problems[item_key(incident.id, "incident")] = (
                    f"{incident.reference} was {status.label.lower()} since it was offered: "
                    "query the handover so that it can be offered again without it.")
            elif incident.owner_id != item.previous_owner_id:
                owner = _user_name(incident.owner_id) or "nobody"
                problems[item_key(incident.id, "incident")] = (
                    f"{incident.reference} has been given to {owner} since it was offered: "
                    "query the handover.")
        if problems:
            raise HandoverError(problems)
        giver = _user_name(handover.giver_id)
        for item in items:
            incident = Incident.get_by_id(item.incident_id)
            record(incident, by, now, "changed", "owner_id", incident.owner_id, by.id)
            record(incident, by, now, ACCEPTED,
                   new=f"Accepted from {giver} (offered {format_local(handover.offered_at)}, "
                       f"{HandoverMethod(handover.method).label.lower()}).")
            incident.owner = by
            incident.updated_at = now
            incident.version += 1
            incident.save()
        _decide(handover, HandoverState.ACCEPTED, by, now)
    return HandoverChange(handover_id, HandoverState.ACCEPTED,
                          tuple(i.incident_id for i in items))


def query(handover_id: int, reason: str, by: User, now: datetime | None = None
          ) -> HandoverChange:
    """The receiver queries the handover: the reason goes back to the giver, and a history
    row on each incident says so. Owners do not change.

    Raises:
        HandoverError: not the receiver, not offered any more, or no usable reason
            (field ``reason``).
    """
    check_permission(by, Permission.WORK_INCIDENTS)
    now = now or now_utc()
    reason = trimmed(reason)
    with database.atomic():
        handover = _receivers_decision(handover_id, by, HandoverState.QUERIED)
        if not reason:
            raise HandoverError({"reason": "Say what is unclear or wrong, for "
                                           f"{_user_name(handover.giver_id)} to answer."})
        if (problem := _text_problem(reason, "The reason")) is not None:
            raise HandoverError({"reason": problem})
        items = _items(handover_id)
        for item in items:
            record(item.incident, by, now, QUERIED,
                   new=f"Queried, back to {_user_name(handover.giver_id)}: {reason}")
        handover.query_reason = reason
        _decide(handover, HandoverState.QUERIED, by, now)
    return HandoverChange(handover_id, HandoverState.QUERIED,
                          tuple(i.incident_id for i in items))


def withdraw(handover_id: int, by: User, now: datetime | None = None) -> HandoverChange:
    """The giver (or a team leader) withdraws an offered or queried handover; its incidents
    stay with their owners and can be offered again.

    Raises:
        HandoverError: not the giver nor allowed to, or already accepted or withdrawn.
    """
    check_permission(by, Permission.WORK_INCIDENTS)
    now = now or now_utc()
    with database.atomic():
        handover = _get(handover_id)
        if by.id != handover.giver_id and not can(by, Permission.HAND_OVER_ANY):
            raise HandoverError({"handover": (
                f"Only {_user_name(handover.giver_id)}, who offered it, or a team leader "
                "can withdraw this handover.")})
        if (problem := _decision_problem(handover, HandoverState.WITHDRAWN)) is not None:
            raise HandoverError({"handover": problem})
        items = _items(handover_id)
        for item in items:
            record(item.incident, by, now, WITHDRAWN,
                   new=f"Handover to {_user_name(handover.receiver_id)} withdrawn.")
        _decide(handover, HandoverState.WITHDRAWN, by, now)
    return HandoverChange(handover_id, HandoverState.WITHDRAWN,
                          tuple(i.incident_id for i in items))


def _decide(handover: Handover, state: HandoverState, by: User, now: datetime) -> None:
    handover.state = state
    handover.decided_at = now
    handover.decided_by = by
    handover.save()


# --- reading ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ItemView:
    incident_id: int
    reference: str
    summary: str
    status: str  # readable, when offered
    sla_left: str
    last_update: str
    next_action: str
    outstanding_actions: str
    risks: str
    promised_to_caller: str
    previous_owner: str


@dataclass(frozen=True)
class HandoverView:
    id: int
    giver_id: int
    giver: str
    receiver_id: int
    receiver: str
    offered_at: datetime
    method: str  # readable
    state: HandoverState
    decided_at: datetime | None
    decided_by: str
    query_reason: str
    shift_note: str
    items: tuple[ItemView, ...]

    def references(self) -> str:
        return ", ".join(i.reference for i in self.items)


def _views(query: pw.ModelSelect) -> list[HandoverView]:
    handovers = list(query)
    if not handovers:
        return []
    names = {u.id: u.display_name for u in User.select(User.id, User.display_name)}
    items: dict[int, list[ItemView]] = {h.id: [] for h in handovers}
    rows = (HandoverItem.select(HandoverItem, Incident.id, Incident.reference, Incident.summary)
            .join(Incident).where(HandoverItem.handover.in_(list(items)))
            .order_by(HandoverItem.position, HandoverItem.id))
    for i in rows:
        items[i.handover_id].append(ItemView(
            i.incident_id, i.incident.reference, i.incident.summary, i.status, i.sla_left,
            i.last_update, i.next_action, i.outstanding_actions, i.risks,
            i.promised_to_caller, names.get(i.previous_owner_id, "")))
    return [HandoverView(h.id, h.giver_id, names[h.giver_id], h.receiver_id,
                         names[h.receiver_id], h.offered_at, HandoverMethod(h.method).label,
                         HandoverState(h.state), h.decided_at, names.get(h.decided_by_id, ""),
                         h.query_reason, h.shift_note, tuple(items[h.id]))
            for h in handovers]


def handover_view(handover_id: int) -> HandoverView:
    return _views(Handover.select().where(Handover.id == _get(handover_id).id))[0]


def pending_for(user: User) -> list[HandoverView]:
    """Handovers offered to ``user`` awaiting their answer, oldest first."""
    return _views(Handover.select().where(Handover.receiver == user,
                                          Handover.state == HandoverState.OFFERED)
                  .order_by(Handover.offered_at, Handover.id))


def offered_by(user: User, since: datetime | None = None) -> list[HandoverView]:
    """Handovers ``user`` offered, newest first: every pending one, and those decided since
    ``since`` (all of them when None)."""
    where = Handover.giver == user
    if since is not None:
        where &= (Handover.state.in_(PENDING_STATES) | (Handover.decided_at >= since))
    return _views(Handover.select().where(where)
                  .order_by(Handover.offered_at.desc(), Handover.id.desc()))


@dataclass(frozen=True)
class HandoverRecord:
    """One incident's part in a handover, for its report (times are aware UTC)."""

    offered_at: datetime
    giver: str
    receiver: str
    method: str
    state: str
    decided_at: datetime | None
    decided_by: str
    query_reason: str
    shift_note: str
    status_at_handover: str
    sla_left: str
    last_update: str
    next_action: str
    outstanding_actions: str
    risks: str
    promised_to_caller: str
    previous_owner: str


def handovers_for_incident(incident_id: int) -> list[HandoverRecord]:
    """Every handover the incident was part of, oldest first."""
    ids = (HandoverItem.select(HandoverItem.handover)
           .where(HandoverItem.incident == incident_id))
    views = _views(Handover.select().where(Handover.id.in_(ids))
                   .order_by(Handover.offered_at, Handover.id))
    records = []
    for v in views:
        for i in v.items:
            if i.incident_id == incident_id:
                records.append(HandoverRecord(
                    v.offered_at, v.giver, v.receiver, v.method, v.state.label,
                    v.decided_at, v.decided_by, v.query_reason, v.shift_note, i.status,
                    i.sla_left, i.last_update, i.next_action, i.outstanding_actions, i.risks,
                    i.promised_to_caller, i.previous_owner))
    return records


def handovers_between(start: datetime, end: datetime) -> list[HandoverView]:
    """Handovers offered in [``start``, ``end``), oldest first."""
    return _views(Handover.select()
                  .where(Handover.offered_at >= to_utc(start), Handover.offered_at < to_utc(end))
                  .order_by(Handover.offered_at, Handover.id))


# --- who is on shift --------------------------------------------------------------------------
@dataclass(frozen=True)
class ColleagueLoad:
    user_id: int
    name: str
    role: str  # readable
    open_incidents: int
    at_risk: int
    breached: int
    pending_handovers: int  # offered to them, not answered yet


def who_is_on_shift(now: datetime | None = None) -> list[ColleagueLoad]:
    """Every active colleague who can own incidents, with their open incidents (and how
    many are at risk or breached) and the handovers awaiting their answer; the busiest
    first.

    Anybody may read it: it holds counts only, and an advisor choosing whom to hand over
    to needs it as much as a team leader looking for who needs support.
    """
    now = now or now_utc()
    open_counts = dict(Incident.select(Incident.owner, pw.fn.COUNT(Incident.id))
                       .where(Incident.status.in_(sorted(OPEN_STATUSES)),
                              Incident.owner.is_null(False))
                       .group_by(Incident.owner).tuples())
    pending = dict(Handover.select(Handover.receiver, pw.fn.COUNT(Handover.id))
                   .where(Handover.state == HandoverState.OFFERED)
                   .group_by(Handover.receiver).tuples())
    loads = []
    for user in (User.select().where(User.active, User.role != Role.ASSESSOR)
                 .order_by(User.display_name)):
        count = open_counts.get(user.id, 0)
        at_risk = breached = 0
        if count:
            at_risk = IncidentLog(LogFilter(owner_id=user.id, sla=ClockState.AT_RISK),
                                  now=now).count()
            breached = IncidentLog(LogFilter(owner_id=user.id, sla=ClockState.BREACHED),
                                   now=now).count()
        loads.append(ColleagueLoad(user.id, user.display_name, Role(user.role).label, count,
                                   at_risk, breached, pending.get(user.id, 0)))
    return sorted(loads, key=lambda c: (-c.breached, -c.at_risk, -c.open_incidents, c.name))


# --- a shift's handovers ----------------------------------------------------------------------
@dataclass(frozen=True)
class ShiftSummary:
    """The handovers offered and the support given in a shift [``start``, ``end``)."""

    start: datetime
    end: datetime
    handovers: tuple[HandoverView, ...]
    support: tuple[SupportEntry, ...]

    def count(self, state: HandoverState) -> int:
        return sum(1 for h in self.handovers if h.state == state)

    def counts_text(self) -> str:
        """``3 handovers of 7 incidents: 1 accepted, 1 queried, 1 awaiting an answer;
        2 support records.``"""
        if not self.handovers and not self.support:
            return "No handover and no support recorded in this shift."
        incidents = sum(len(h.items) for h in self.handovers)
        text = (f"{len(self.handovers)} handover{'s' * (len(self.handovers) != 1)} of "
                f"{incidents} incident{'s' * (incidents != 1)}" if self.handovers
                else "No handover")
        states = [f"{self.count(s)} {label}" for s, label in (
            (HandoverState.ACCEPTED, "accepted"), (HandoverState.QUERIED, "queried"),
            (HandoverState.WITHDRAWN, "withdrawn"),
            (HandoverState.OFFERED, "awaiting an answer")) if self.count(s)]
        text += ": " + ", ".join(states) if states else ""
        support = len(self.support)
        return text + f"; {support} support record{'s' * (support != 1)}."


def shift_summary(start: datetime, end: datetime) -> ShiftSummary:
    """The handovers offered and the support given from ``start`` until ``end``."""
    return ShiftSummary(to_utc(start), to_utc(end), tuple(handovers_between(start, end)),
                        tuple(support_between(start, end)))
