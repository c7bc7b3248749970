"""Problem records: the cause behind recurring incidents, investigated apart from them.

An incident restores the service; a problem removes the cause. A problem is raised (by
anyone who works incidents), investigated, becomes a known error once its root cause and a
workaround are known (advisors apply the workaround while the caller is on the line), is
resolved when the fix is in, and is closed. Its root cause, workaround, status and closing
are for those with ``Permission.MANAGE_PROBLEMS``; assessors only read.

Every change is written to the problem's own trail (``ProblemEvent``); linking an incident
to a problem, or unlinking it, is written to the incident's history too.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from enum import StrEnum

import peewee as pw

from app.models.audit import record
from app.models.clock import format_local, now_utc, to_local
from app.models.db import database
from app.models.dialect import like_any_case, unindexed
from app.models.entities import Category, Incident, Problem, ProblemCounter, ProblemEvent, User
from app.models.incidents import Change, get_incident
from app.models.lifecycle import Status
from app.models.permissions import Permission, Role, RolePermissionError, can, check_permission
from app.models.text_rules import MAX_NOTE_LENGTH, FieldProblemsError, text_error, trimmed

REFERENCE_PREFIX = "PRB"
REFERENCE_PATTERN = re.compile(r"PRB-\d{4}-\d{4,}", re.IGNORECASE)
INCIDENT_FIELD = "problem"  # the field of the incident's history rows that link or unlink
CANDIDATE_DAYS = 30  # how far back candidate incidents are looked for
MAX_TITLE = 200


class ProblemStatus(StrEnum):
    """Where a problem is in its investigation."""

    OPEN = "open"
    INVESTIGATING = "investigating"
    KNOWN_ERROR = "known_error"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    ProblemStatus.OPEN: "Open",
    ProblemStatus.INVESTIGATING: "Investigating",
    ProblemStatus.KNOWN_ERROR: "Known error",
    ProblemStatus.RESOLVED: "Resolved",
    ProblemStatus.CLOSED: "Closed",
}

# Every allowed move, and no other. A known error or a resolved problem goes back to
# investigating when the cause or the fix proves wrong; a closed problem is final (a cause
# that comes back is a new problem).
TRANSITIONS: dict[ProblemStatus, tuple[ProblemStatus, ...]] = {
    ProblemStatus.OPEN: (ProblemStatus.INVESTIGATING, ProblemStatus.KNOWN_ERROR,
                         ProblemStatus.RESOLVED, ProblemStatus.CLOSED),
    ProblemStatus.INVESTIGATING: (ProblemStatus.KNOWN_ERROR, ProblemStatus.RESOLVED,
                                  ProblemStatus.CLOSED),
    ProblemStatus.KNOWN_ERROR: (ProblemStatus.INVESTIGATING, ProblemStatus.RESOLVED,
                                ProblemStatus.CLOSED),
    ProblemStatus.RESOLVED: (ProblemStatus.CLOSED, ProblemStatus.INVESTIGATING),
    ProblemStatus.CLOSED: (),
}

# What a status needs written, by field: a known error its root cause and workaround; a
# resolved problem the cause it removed.
NEEDS = {
    ProblemStatus.KNOWN_ERROR: ("root_cause", "workaround"),
    ProblemStatus.RESOLVED: ("root_cause",),
}
# What the note of a move must say, where one is needed (see note_needed).
NOTE_REQUIRED = {
    ProblemStatus.RESOLVED: "the fix: how the cause was removed",
    ProblemStatus.INVESTIGATING: "why it is investigated again",
    ProblemStatus.CLOSED: "why it is closed without a fix",
}
FIX = "fix"  # the trail's field of the note that resolves a problem
MANAGED_FIELDS = ("root_cause", "workaround", "status")  # need MANAGE_PROBLEMS to change
ACTIVE = "active"  # the list's filter for every problem not closed
OPEN_STATUSES = tuple(s.value for s in Status if s.is_open)  # of incidents

FIELD_LABELS = {
    "title": "Title", "description": "Description", "status": "Status",
    "root_cause": "Root cause", "workaround": "Workaround", "owner_id": "Owner",
    "note": "Note", FIX: "Fix", "incident": "Incident",
}
_LIMITS = {"title": MAX_TITLE, "description": MAX_NOTE_LENGTH, "root_cause": MAX_NOTE_LENGTH,
           "workaround": MAX_NOTE_LENGTH, "note": MAX_NOTE_LENGTH}
_MULTILINE = ("description", "root_cause", "workaround", "note")


class ProblemError(FieldProblemsError):
    """A problem that cannot be saved as it is; ``problems`` maps each field to why."""


class LinkError(ValueError):
    """An incident that cannot be linked to (or unlinked from) a problem; says why."""


class StaleProblemError(RuntimeError):
    """The problem was changed by someone else since it was opened."""


class ProblemNotFoundError(LookupError):
    """No problem has that id."""


@dataclass(frozen=True)
class ProblemDraft:
    """What is typed to raise or edit a problem. ``note`` goes with a status change (the
    fix when resolving; why, when reopening or closing without a fix) and to the trail."""

    title: str
    description: str = ""
    status: str = ProblemStatus.OPEN
    root_cause: str = ""
    workaround: str = ""
    owner_id: int | None = None
    note: str = ""

    def cleaned(self) -> ProblemDraft:
        return replace(self, **{f.name: trimmed(getattr(self, f.name)) for f in fields(self)
                                if isinstance(getattr(self, f.name), str)})


# the draft's fields kept on the problem itself (the note goes to the trail)
STORED_FIELDS = ("title", "description", "status", "root_cause", "workaround", "owner_id")


@dataclass(frozen=True)
class ProblemRow:
    """A problem as the list shows it."""

    id: int
    reference: str
    title: str
    status: ProblemStatus
    incidents: int  # linked incidents
    open_incidents: int  # of which not yet resolved or closed
    known_error: bool  # its root cause and workaround were recorded as a known error
    owner: str  # "" when nobody owns it
    updated_at: datetime


@dataclass(frozen=True)
class ProblemSummary:
    """What an incident's view (and its report) shows of its problem."""

    id: int
    reference: str
    title: str
    status: ProblemStatus
    root_cause: str
    workaround: str
    known_error: bool

    @property
    def workaround_applies(self) -> bool:
        """The workaround is the one to apply now: a known error not yet fixed."""
        return self.status == ProblemStatus.KNOWN_ERROR and bool(self.workaround)


@dataclass(frozen=True)
class LinkedIncident:
    """An incident linked to a problem, or a candidate to link."""

    id: int
    reference: str
    received_at: datetime
    summary: str
    status: str  # the incident's Status value
    category: str


@dataclass(frozen=True)
class ProblemEventEntry:
    """One line of a problem's trail."""

    at: datetime
    user: str
    action: str
    field: str | None
    old_value: str | None
    new_value: str | None


# --- reading -----------------------------------------------------------------------------
def get_problem(problem_id: int) -> Problem:
    problem = Problem.get_or_none(Problem.id == problem_id)
    if problem is None:
        raise ProblemNotFoundError(f"There is no problem with id {problem_id}.")
    return problem


def draft_from_problem(problem: Problem) -> ProblemDraft:
    """The editable fields of a stored problem, as the editor shows them."""
    return ProblemDraft(**{name: getattr(problem, name) for name in STORED_FIELDS})


def _like(column: pw.Field, text: str) -> pw.Node:
    """``column`` contains ``text`` (letters in any case, ASCII ones at least; % and _ as
    typed)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return pw.NodeList((column, like_any_case(), f"%{escaped}%", pw.SQL("ESCAPE '\\'")))


def problems(status: ProblemStatus | str | None = None, text: str = "") -> list[ProblemRow]:
    """Problems, newest first, with their incident counts (grouped in SQL).

    Args:
        status: one status, ``ACTIVE`` (every one not closed), or None for all.
        text: found in the reference, title, description, root cause or workaround.
    """
    linked = Incident.alias()
    query = (Problem.select(Problem, User.display_name.alias("owner_name"),
                            pw.fn.COUNT(linked.id).alias("incident_count"))
             .join(User, pw.JOIN.LEFT_OUTER, on=(Problem.owner == User.id))
             .switch(Problem)
             .join(linked, pw.JOIN.LEFT_OUTER, on=(linked.problem == Problem.id))
             .group_by(Problem.id, User.id)  # PostgreSQL: the owner's name is grouped by too
             .order_by(Problem.created_at.desc(), Problem.id.desc()))
    if status == ACTIVE:
        query = query.where(Problem.status != ProblemStatus.CLOSED)
    elif status:
        query = query.where(Problem.status == ProblemStatus(status))
    text = trimmed(text)
    if text:
        where = None
        for column in (Problem.reference, Problem.title, Problem.description,
                       Problem.root_cause, Problem.workaround):
            where = _like(column, text) if where is None else where | _like(column, text)
        query = query.where(where)
    rows = list(query.objects())
    open_counts = _open_counts([p.id for p in rows if p.incident_count])
    return [ProblemRow(p.id, p.reference, p.title, ProblemStatus(p.status), p.incident_count,
                       open_counts.get(p.id, 0), p.known_error_at is not None,
                       p.owner_name or "", p.updated_at)
            for p in rows]


def _open_counts(problem_ids: list[int]) -> dict[int, int]:
    """How many of each problem's incidents are open, by problem: found through the status
    index (open incidents are few), so that the counts stay quick beside a million closed."""
    if not problem_ids:
        return {}
    # "+ 0" keeps SQLite on the status index (open incidents are few: 67 ms in a million),
    # off the problem index, which would read every linked incident (0.8 s)
    problem = unindexed(Incident.problem)
    return dict(Incident.select(problem, pw.fn.COUNT(Incident.id))
                .where(Incident.status.in_(OPEN_STATUSES), problem.in_(problem_ids))
                .group_by(problem).tuples())


def _summary(problem: Problem) -> ProblemSummary:
    return ProblemSummary(problem.id, problem.reference, problem.title,
                          ProblemStatus(problem.status), problem.root_cause,
                          problem.workaround, problem.known_error_at is not None)


def problem_summary(problem_id: int) -> ProblemSummary:
    return _summary(get_problem(problem_id))


def problem_of(incident_id: int) -> ProblemSummary | None:
    """The problem the incident is one of, if any."""
    problem = (Problem.select().join(Incident, on=(Incident.problem == Problem.id))
               .where(Incident.id == incident_id).first())
    return _summary(problem) if problem is not None else None


def _linked_incidents(query: pw.ModelSelect) -> list[LinkedIncident]:
    rows = list(query)
    names = dict(Category.select(Category.id, Category.name)
                 .where(Category.id.in_({i.category_id for i in rows})).tuples()) if rows else {}
    return [LinkedIncident(i.id, i.reference, i.received_at, i.summary, i.status,
                           names.get(i.category_id, "")) for i in rows]


def problem_incidents(problem_id: int) -> list[LinkedIncident]:
    """The incidents linked to the problem, oldest first."""
    return _linked_incidents(Incident.select().where(Incident.problem == problem_id)
                             .order_by(Incident.received_at, Incident.id))


def problem_categories(problem_id: int) -> list[int]:
    """The categories of the problem's incidents, the most frequent first."""
    counts = Counter(category for (category,) in Incident.select(Incident.category)
                     .where(Incident.problem == problem_id).tuples())
    return [category for category, _n in counts.most_common()]


def candidate_incidents(problem_id: int | None = None, category_id: int | None = None,
                        days: int = CANDIDATE_DAYS, now: datetime | None = None,
                        limit: int = 100) -> list[LinkedIncident]:
    """Recent incidents linked to no problem, in the categories of the problem's incidents
    (and ``category_id``): the likely recurrences, newest first.

    Args:
        problem_id: a problem, whose incidents' categories are looked in.
        category_id: a category to look in, with or instead of the problem's.
        days: how many days back from ``now`` they were received.
        limit: at most this many.
    """
    now = now or now_utc()
    categories = set(problem_categories(problem_id)) if problem_id is not None else set()
    if category_id is not None:
        categories.add(category_id)
    if not categories:
        return []
    # "+ 0" keeps SQLite on the received_at index, read newest first until ``limit`` are
    # found (11 ms in a million incidents), not on the problem or category index, which
    # would read a hundred thousand rows and sort them (about a second)
    query = (Incident.select()
             .where(unindexed(Incident.problem).is_null(),
                    unindexed(Incident.category).in_(sorted(categories)),
                    Incident.received_at >= now - timedelta(days=days),
                    Incident.received_at <= now)
             .order_by(Incident.received_at.desc(), Incident.id.desc()).limit(limit))
    return _linked_incidents(query)


def problem_events(problem_id: int) -> list[ProblemEventEntry]:
    """The problem's trail, oldest first."""
    query = (ProblemEvent.select(ProblemEvent, User).join(User)
             .where(ProblemEvent.problem == problem_id).order_by(ProblemEvent.id))
    return [ProblemEventEntry(e.at, e.user.display_name, e.action, e.field, e.old_value,
                              e.new_value) for e in query]


def problem_fix(problem_id: int) -> str:
    """How the cause was removed (the note of the move to resolved), once it is resolved."""
    if get_problem(problem_id).resolved_at is None:
        return ""
    event = (ProblemEvent.select().where(ProblemEvent.problem == problem_id,
                                         ProblemEvent.field == FIX)
             .order_by(ProblemEvent.id.desc()).first())
    return event.new_value if event is not None else ""


_EVENT_TITLES = {"created": "Raised", "linked": "Incident linked",
                 "unlinked": "Incident unlinked", "note": "Note"}


def describe_event(entry: ProblemEventEntry) -> tuple[str, str, str]:
    """(what happened, from, to) in words, for the trail's table."""
    if entry.action == "status":
        return ("Status", ProblemStatus(entry.old_value).label if entry.old_value else "",
                ProblemStatus(entry.new_value).label if entry.new_value else "")
    if entry.action == "note" and entry.field == FIX:
        return "Fix", "", entry.new_value or ""
    if entry.action in _EVENT_TITLES:
        return _EVENT_TITLES[entry.action], entry.old_value or "", entry.new_value or ""
    return (FIELD_LABELS.get(entry.field or "", entry.field or ""), entry.old_value or "",
            entry.new_value or "")


# --- rules -------------------------------------------------------------------------------
def may_change(user: User) -> bool:
    """Anyone who works incidents may raise problems and link incidents; assessors read."""
    return user.role != Role.ASSESSOR


def check_may_change(user: User) -> None:
    if not may_change(user):
        raise RolePermissionError(f"{user.display_name} is an assessor; assessors can read "
                                  "problems but not change them.")


def may_manage(user: User) -> bool:
    """Whether ``user`` may set a root cause, a workaround and a status (and close)."""
    return can(user, Permission.MANAGE_PROBLEMS)


def allowed_next(current: ProblemStatus | str) -> tuple[ProblemStatus, ...]:
    """The statuses a problem in ``current`` may move to."""
    return TRANSITIONS[ProblemStatus(current)]


def note_needed(current: ProblemStatus | str, target: ProblemStatus | str) -> str | None:
    """What the note of the move from ``current`` to ``target`` must say, if one is needed:
    the fix when resolving; why, when going back to investigating or closing unresolved."""
    current, target = ProblemStatus(current), ProblemStatus(target)
    if target == current or target not in NOTE_REQUIRED:
        return None
    if (current, target) in ((ProblemStatus.OPEN, ProblemStatus.INVESTIGATING),
                             (ProblemStatus.RESOLVED, ProblemStatus.CLOSED)):
        return None
    return NOTE_REQUIRED[target]


def _text_problems(draft: ProblemDraft) -> dict[str, str]:
    problems: dict[str, str] = {}
    for name, limit in _LIMITS.items():
        value = getattr(draft, name)
        label = FIELD_LABELS[name]
        if len(value) > limit:
            problems[name] = f"{label}: at most {limit:,} characters (this has {len(value):,})."
        elif (problem := text_error(value, multiline=name in _MULTILINE)) is not None:
            problems[name] = f"{label} {problem}"
    if not draft.title and "title" not in problems:
        problems["title"] = "Title: required, a line saying what keeps going wrong."
    return problems


def _owner_problem(owner_id: int | None) -> str | None:
    if owner_id is None:
        return None
    owner = User.get_or_none(User.id == owner_id)
    if owner is None or not owner.active:
        return "Owner: not a colleague here; choose one from the list."
    if owner.role == Role.ASSESSOR:
        return f"Owner: {owner.display_name} is an assessor and does not own problems."
    return None


_NEEDED_WHY = {"root_cause": "what caused the incidents",
               "workaround": "what advisors can do meanwhile to restore the service"}


def _status_problems(current: ProblemStatus, draft: ProblemDraft) -> dict[str, str]:
    """Whether the move from ``current`` to the draft's status is allowed, with what it
    needs (an unchanged status needs nothing new, but a known error keeps its two texts)."""
    if draft.status not in set(ProblemStatus):
        return {"status": "Status: not a status a problem can have."}
    target = ProblemStatus(draft.status)
    problems: dict[str, str] = {}
    if target != current:
        if target not in TRANSITIONS[current]:
            options = ", ".join(s.label.lower() for s in TRANSITIONS[current]) or "nothing"
            return {"status": f"Status: a problem that is {current.label.lower()} cannot be "
                              f"moved to {target.label.lower()}; it can be moved to: "
                              f"{options}."}
        needed = note_needed(current, target)
        if needed and not draft.note:
            problems["note"] = f"Note: moving to {target.label.lower()} needs {needed}."
    what = "a known error" if target == ProblemStatus.KNOWN_ERROR else "a resolved problem"
    for name in NEEDS.get(target, ()):
        if not getattr(draft, name):
            problems[name] = (f"{FIELD_LABELS[name]}: required for {what}: "
                              f"{_NEEDED_WHY[name]}.")
    return problems


def _check_managed(by: User, old: ProblemDraft | None, new: ProblemDraft) -> None:
    """Root cause, workaround and status are for those who manage problems."""
    if may_manage(by):
        return
    start = old or ProblemDraft(title="")
    changed = [FIELD_LABELS[n].lower() for n in MANAGED_FIELDS
               if getattr(start, n) != getattr(new, n)]
    if changed:
        try:
            check_permission(by, Permission.MANAGE_PROBLEMS)
        except RolePermissionError as exc:
            raise RolePermissionError(
                f"{exc} (changing the {' and '.join(changed)} of a problem)") from None


# --- operations --------------------------------------------------------------------------
def format_reference(year: int, number: int) -> str:
    """``PRB-2026-0001``."""
    return f"{REFERENCE_PREFIX}-{year}-{number:04d}"


def next_reference(when: datetime) -> str:
    """The next free reference for the local year of ``when``; call inside a transaction
    (its first statement is a write, so two workstations never get the same number)."""
    year = to_local(when).year
    ProblemCounter.insert(year=year, last=0).on_conflict_ignore().execute()
    ProblemCounter.update(last=ProblemCounter.last + 1).where(
        ProblemCounter.year == year).execute()
    return format_reference(year, ProblemCounter.get_by_id(year).last)


def _event(problem: Problem, by: User, at: datetime, action: str, field: str | None = None,
           old: str | None = None, new: str | None = None) -> None:
    ProblemEvent.create(problem=problem, at=at, user=by, action=action, field=field,
                        old_value=old, new_value=new)


def _stored_text(name: str, value) -> str | None:
    """How a value is written into the trail: names rather than ids; nothing for empty."""
    if value in (None, ""):
        return None
    if name == "owner_id":
        return User.get_by_id(value).display_name
    return str(value)


def _move(problem: Problem, by: User, now: datetime, target: ProblemStatus,
          note: str) -> None:
    """Move the problem to ``target`` (already checked), with its trail."""
    current = ProblemStatus(problem.status)
    if target == ProblemStatus.KNOWN_ERROR:
        problem.known_error_at = problem.known_error_at or now
    elif target == ProblemStatus.INVESTIGATING:
        problem.known_error_at = None  # the cause or the fix proved wrong
        problem.resolved_at = None
    elif target == ProblemStatus.RESOLVED:
        problem.resolved_at = now
    elif target == ProblemStatus.CLOSED:
        problem.closed_at = now
    problem.status = target
    _event(problem, by, now, "status", "status", current.value, target.value)
    if note:
        _event(problem, by, now, "note", FIX if target == ProblemStatus.RESOLVED else "note",
               new=note)


def create_problem(draft: ProblemDraft, by: User, incident_id: int | None = None,
                   now: datetime | None = None) -> Problem:
    """Raise a problem, with its reference and trail; with ``incident_id``, link the
    incident it is raised from, in the same transaction.

    It starts open, or (for those who manage problems) at any status an open problem may
    move to, with what that status needs.

    Raises:
        RolePermissionError: an assessor; or a root cause, workaround or status given by
            someone who does not manage problems.
        ProblemError: the draft has problems; nothing was written.
        LinkError: the incident cannot be linked; nothing was written.
    """
    now = now or now_utc()
    draft = draft.cleaned()
    check_may_change(by)
    _check_managed(by, None, draft)
    problems = _text_problems(draft) | _status_problems(ProblemStatus.OPEN, draft)
    if (owner := _owner_problem(draft.owner_id)) is not None:
        problems["owner_id"] = owner
    if problems:
        raise ProblemError(problems)
    with database.atomic():
        problem = Problem.create(
            reference=next_reference(now), title=draft.title, description=draft.description,
            status=ProblemStatus.OPEN, root_cause=draft.root_cause,
            workaround=draft.workaround, owner=draft.owner_id, created_at=now, created_by=by,
            updated_at=now)
        _event(problem, by, now, "created", new=f"{problem.reference}: {problem.title}")
        for name in ("description", "root_cause", "workaround", "owner_id"):
            text = _stored_text(name, getattr(draft, name))
            if text is not None:
                _event(problem, by, now, "changed", name, None, text)
        if draft.status != ProblemStatus.OPEN:
            _move(problem, by, now, ProblemStatus(draft.status), draft.note)
            problem.save()
        elif draft.note:
            _event(problem, by, now, "note", "note", new=draft.note)
        if incident_id is not None:
            _link(problem, get_incident(incident_id), by, now)
    return problem


def _stale_message(problem: Problem) -> str:
    last = (ProblemEvent.select(ProblemEvent, User).join(User)
            .where(ProblemEvent.problem == problem.id).order_by(ProblemEvent.id.desc())
            .first())
    who = (f" by {last.user.display_name} at {format_local(last.at)}" if last is not None
           else "")
    return (f"{problem.reference} was changed{who} since you opened it. Open it again to see "
            "the changes.")


def update_problem(problem_id: int, draft: ProblemDraft, by: User, expected_version: int,
                   now: datetime | None = None) -> Change:
    """Save an edit: each changed field, and a status move with its note, go to the trail.

    Returns:
        A Change whose ``incident_id`` is 0 and whose ``fields`` are those changed.

    Raises:
        RolePermissionError: an assessor; or a change to the root cause, workaround or
            status by someone who does not manage problems.
        ProblemError: the draft has problems (a closed problem, a move not allowed or
            lacking what it needs); nothing was written.
        StaleProblemError: someone saved the problem since ``expected_version``; it names
            who, and when.
    """
    now = now or now_utc()
    draft = draft.cleaned()
    check_may_change(by)
    with database.atomic() as transaction:
        # the write comes first: whoever takes the version saves, the other is told
        taken = (Problem.update(version=Problem.version + 1)
                 .where(Problem.id == problem_id, Problem.version == expected_version)
                 .execute())
        problem = get_problem(problem_id)
        if not taken:
            raise StaleProblemError(_stale_message(problem))
        current = ProblemStatus(problem.status)
        if current == ProblemStatus.CLOSED:
            raise ProblemError({"status": f"{problem.reference} is closed: it cannot be "
                                          "changed. If the cause is back, raise a new problem."})
        old = draft_from_problem(problem)
        _check_managed(by, old, draft)
        problems = _text_problems(draft) | _status_problems(current, draft)
        if draft.owner_id != old.owner_id and (owner := _owner_problem(draft.owner_id)):
            problems["owner_id"] = owner
        if problems:
            raise ProblemError(problems)
        changed = [name for name in STORED_FIELDS if name != "status"
                   and getattr(old, name) != getattr(draft, name)]
        for name in changed:
            _event(problem, by, now, "changed", name, _stored_text(name, getattr(old, name)),
                   _stored_text(name, getattr(draft, name)))
            setattr(problem, name, getattr(draft, name))
        if draft.status != current:
            changed.append("status")
            _move(problem, by, now, ProblemStatus(draft.status), draft.note)
        elif draft.note:
            changed.append("note")
            _event(problem, by, now, "note", "note", new=draft.note)
        if not changed:
            transaction.rollback()  # nothing to save: the version stays as it was
            return Change(0)
        problem.updated_at = now
        problem.version = expected_version + 1
        problem.save()
    return Change(0, fields=tuple(changed))


def _incident_text(problem: Problem) -> str:
    return f"{problem.reference}: {problem.title}"


def _link(problem: Problem, incident: Incident, by: User, now: datetime) -> None:
    if problem.status == ProblemStatus.CLOSED:
        raise LinkError(f"{problem.reference} is closed: incidents cannot be linked to it. "
                        "If the cause is back, raise a new problem.")
    linked = (Incident.update(problem=problem)
              .where(Incident.id == incident.id, Incident.problem.is_null()).execute())
    if not linked:
        current = Problem.get_by_id(Incident.get_by_id(incident.id).problem_id)
        if current.id == problem.id:
            raise LinkError(f"{incident.reference} is already linked to {problem.reference}.")
        raise LinkError(f"{incident.reference} is already linked to {current.reference} "
                        f"({current.title}); an incident has one problem. Unlink it from "
                        f"{current.reference} first.")
    record(incident, by, now, "changed", INCIDENT_FIELD, None, _incident_text(problem))
    _event(problem, by, now, "linked", "incident", None,
           f"{incident.reference}: {incident.summary}")
    Problem.update(updated_at=now).where(Problem.id == problem.id).execute()


def link_incident(incident_id: int, problem_id: int, by: User,
                  now: datetime | None = None) -> Change:
    """Link an incident to the problem behind it (an incident has at most one).

    Raises:
        RolePermissionError: an assessor.
        LinkError: the problem is closed, or the incident already has a problem.
    """
    now = now or now_utc()
    check_may_change(by)
    with database.atomic():
        _link(get_problem(problem_id), get_incident(incident_id), by, now)
    return Change(incident_id, fields=(INCIDENT_FIELD,))


def unlink_incident(incident_id: int, problem_id: int, by: User,
                    now: datetime | None = None) -> Change:
    """Take an incident off a problem it was linked to by mistake.

    Raises:
        RolePermissionError: an assessor.
        LinkError: the incident is not linked to that problem, or the problem is closed.
    """
    now = now or now_utc()
    check_may_change(by)
    with database.atomic():
        problem = get_problem(problem_id)
        incident = get_incident(incident_id)
        if problem.status == ProblemStatus.CLOSED:
            raise LinkError(f"{problem.reference} is closed: its incidents stay linked.")
        unlinked = (Incident.update(problem=None)
                    .where(Incident.id == incident_id, Incident.problem == problem_id)
                    .execute())
        if not unlinked:
            raise LinkError(f"{incident.reference} is not linked to {problem.reference}.")
        record(incident, by, now, "changed", INCIDENT_FIELD, _incident_text(problem), None)
        _event(problem, by, now, "unlinked", "incident",
               f"{incident.reference}: {incident.summary}", None)
        Problem.update(updated_at=now).where(Problem.id == problem.id).execute()
    return Change(incident_id, fields=(INCIDENT_FIELD,))
