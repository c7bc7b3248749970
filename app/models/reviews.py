"""Post-incident reviews and their improvement actions: start, write, complete; the actions'
owners, due dates and statuses; what is open and overdue; the priorities whose review must be
completed before an incident is closed.

Rules (one place for each):

- team leaders and administrators (:attr:`Permission.RUN_REVIEWS`) start, write and complete
  reviews, add, edit and remove improvement actions, and set the required priorities;
  anybody may read a review;
- a review starts once the incident is resolved (or closed): a review looks back at an
  incident whose service is restored. Any incident may have one; the priorities in
  :func:`required_priorities` must (:mod:`app.models.review_gate`);
- a review is a draft until it is completed, and completing it needs the root cause, the
  lessons learned and at least one improvement action that is not cancelled, while the
  incident is resolved or closed. A completed review can no longer be changed;
- the five whys are up to five answers, in order, with no gap; the last answer is the
  suggested root cause;
- an action's status may be changed at any time, by a team leader or by its owner (but only
  a team leader cancels one); ``done`` stamps when. Its text, owner and due date change,
  and it is removed, only while the review is a draft;
- the incident's audit trail gets a row (action ``review``) when the review is started and
  completed, and whenever an action's status changes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

import peewee as pw

from app.models.audit import ACTION_TITLES, record
from app.models.clock import format_day, format_local, now_utc, to_local
from app.models.db import database
from app.models.dialect import put_setting
from app.models.entities import (
    ConfigChange,
    ImprovementAction,
    Incident,
    IncidentReview,
    User,
)
from app.models.incidents import get_incident
from app.models.lifecycle import Status
from app.models.permissions import Permission, RolePermissionError, can, check_permission
from app.models.review_gate import PRIORITIES, REVIEW_SETTING, required_priorities
from app.models.review_gate import review_required as review_required  # for callers here
from app.models.text_rules import MAX_NOTE_LENGTH, FieldProblemsError, text_error, trimmed
from app.models.timeline import Kind, TimelineEntry, incident_timeline

REVIEWED = "review"  # the history action of a review's rows
REVIEWS_AREA = "reviews"  # ConfigChange.area of the required priorities
MAX_WHYS = 5
MAX_WHY_LENGTH = 500
MAX_ACTION_LENGTH = 1_000
TEXT_FIELDS = ("root_cause", "contributing_factors", "went_well", "lessons_learned")
FIELD_LABELS = {"root_cause": "Root cause", "contributing_factors": "Contributing factors",
                "went_well": "What went well", "lessons_learned": "Lessons learned",
                "actions": "Improvement actions", "incident": "Incident",
                "five_whys": "Five whys", "description": "Action", "owner_id": "Owner",
                "due_on": "Due date", "status": "Status", "priorities": "Priorities",
                **{f"why_{n}": f"Why? {n}" for n in range(1, MAX_WHYS + 1)}}


class ReviewStatus(StrEnum):
    DRAFT = "draft"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return {ReviewStatus.DRAFT: "Draft", ReviewStatus.COMPLETED: "Completed"}[self]


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self]

    @property
    def is_open(self) -> bool:
        return self in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


_ACTION_LABELS = {ActionStatus.OPEN: "Open", ActionStatus.IN_PROGRESS: "In progress",
                  ActionStatus.DONE: "Done", ActionStatus.CANCELLED: "Cancelled"}
OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ReviewError(FieldProblemsError):
    """A review, an action or a setting that cannot be saved; ``problems`` maps each field
    (``root_cause``, ``why_2``, ``actions``, ``due_on``...) to why, in a sentence."""


class ReviewIncompleteError(ReviewError):
    """A review completed before it has what a completed review needs."""


class ReviewStateError(ValueError):
    """An operation the review's state does not allow (not started, completed already, the
    incident not resolved); the message says why."""


class StaleReviewError(RuntimeError):
    """The review was saved by someone else since it was opened; the message says who."""


@dataclass(frozen=True)
class ReviewDraft:
    """What a review's writer types: the five whys in order, and the four texts."""

    root_cause: str = ""
    five_whys: tuple[str, ...] = ()
    contributing_factors: str = ""
    went_well: str = ""
    lessons_learned: str = ""

    def cleaned(self) -> ReviewDraft:
        """Texts trimmed; unanswered whys at the end dropped."""
        whys = [trimmed(w) for w in self.five_whys]
        while whys and not whys[-1]:
            whys.pop()
        return replace(self, five_whys=tuple(whys),
                       **{name: trimmed(getattr(self, name)) for name in TEXT_FIELDS})


@dataclass(frozen=True)
class ActionDraft:
    """An improvement action as typed: what, who owns it, by when."""

    description: str
    owner_id: int | None
    due_on: date | None

    def cleaned(self) -> ActionDraft:
        return replace(self, description=trimmed(self.description))


@dataclass(frozen=True)
class ActionRow:
    """An improvement action as lists show it, with its incident."""

    action_id: int
    incident_id: int
    reference: str
    incident_summary: str
    position: int
    description: str
    owner_id: int
    owner: str
    due_on: date
    status: ActionStatus
    done_at: datetime | None
    overdue: bool  # open or in progress, and due before today (local)


@dataclass(frozen=True)
class ActionCounts:
    """For a badge: actions open (or in progress), and how many of them are overdue."""

    open: int
    overdue: int


# --- reading ------------------------------------------------------------------------------
def review_for(incident_id: int) -> IncidentReview | None:
    """The incident's review, draft or completed, if one was started."""
    return IncidentReview.get_or_none(IncidentReview.incident == incident_id)


def whys_of(review: IncidentReview) -> tuple[str, ...]:
    """The review's five whys, in order (a damaged value reads as none)."""
    try:
        whys = json.loads(review.five_whys or "[]")
    except ValueError:
        return ()
    return tuple(str(w) for w in whys) if isinstance(whys, list) else ()


def draft_of(review: IncidentReview | None) -> ReviewDraft:
    """The review's texts as its form shows them; an empty draft for no review."""
    if review is None:
        return ReviewDraft()
    return ReviewDraft(five_whys=whys_of(review),
                       **{name: getattr(review, name) for name in TEXT_FIELDS})


def suggested_root_cause(whys: Iterable[str]) -> str:
    """The five-whys helper's answer: the last why answered, the deepest cause found."""
    answered = [trimmed(w) for w in whys if trimmed(w)]
    return answered[-1] if answered else ""


def review_timeline(incident_id: int) -> list[TimelineEntry]:
    """What happened to the incident, oldest first, for the review to look back on: its
    timeline without the review's own rows and the exports of its record."""
    quiet = {ACTION_TITLES[REVIEWED], ACTION_TITLES["exported"]}
    return [e for e in incident_timeline(incident_id)
            if not (e.kind == Kind.RECORD and e.title in quiet)]


def local_today(now: datetime | None = None) -> date:
    """Today on this workstation (what "overdue" is measured against)."""
    return to_local(now or now_utc()).date()


def _action_query():
    return (ImprovementAction.select(ImprovementAction, IncidentReview, Incident, User)
            .join(IncidentReview).join(Incident)
            .switch(ImprovementAction).join(User, on=ImprovementAction.owner == User.id))


def _row(action: ImprovementAction, today: date) -> ActionRow:
    status = ActionStatus(action.status)
    incident = action.review.incident
    return ActionRow(action.id, incident.id, incident.reference, incident.summary,
                     action.position, action.description, action.owner_id,
                     action.owner.display_name, action.due_on, status, action.done_at,
                     status.is_open and action.due_on < today)


def review_actions(incident_id: int, today: date | None = None) -> list[ActionRow]:
    """Every improvement action of the incident's review, in the order they were added."""
    today = today or local_today()
    query = (_action_query().where(IncidentReview.incident == incident_id)
             .order_by(ImprovementAction.position, ImprovementAction.id))
    return [_row(a, today) for a in query]


def _open_filter(overdue_only: bool, owner_id: int | None, today: date):
    where = ImprovementAction.status.in_([s.value for s in OPEN_ACTION_STATUSES])
    if overdue_only:
        where &= ImprovementAction.due_on < today
    if owner_id is not None:
        where &= ImprovementAction.owner == owner_id
    return where


def open_actions(overdue_only: bool = False, owner_id: int | None = None,
                 today: date | None = None) -> list[ActionRow]:
    """Actions open or in progress, soonest due first.

    Args:
        overdue_only: only those due before ``today``.
        owner_id: only those this user owns.
        today: the local date overdue is measured against (default: today here).
    """
    today = today or local_today()
    query = (_action_query().where(_open_filter(overdue_only, owner_id, today))
             .order_by(ImprovementAction.due_on, Incident.reference,
                       ImprovementAction.position, ImprovementAction.id))
    return [_row(a, today) for a in query]


def action_counts(owner_id: int | None = None, today: date | None = None) -> ActionCounts:
    """How many actions are open, and how many of those are overdue (for a badge)."""
    today = today or local_today()
    overdue = pw.Case(None, [(ImprovementAction.due_on < today, 1)], 0)
    row = (ImprovementAction.select(pw.fn.COUNT(ImprovementAction.id),
                                    pw.fn.COALESCE(pw.fn.SUM(overdue), 0))
           .where(_open_filter(False, owner_id, today)).tuples().get())
    return ActionCounts(*row)


# --- the required priorities --------------------------------------------------------------
def _priorities_text(priorities: Iterable[int]) -> str:
    return ", ".join(f"P{p}" for p in sorted(priorities)) or "none"


def set_required_priorities(priorities: Iterable[int], by: User,
                            now: datetime | None = None) -> frozenset[int]:
    """Set which priorities need a completed review before closing, recorded as a
    configuration change (none when nothing changes); returns them.

    Raises:
        RolePermissionError: ``by`` may not run reviews.
        ReviewError: a priority other than 1 to 5 (``priorities``).
    """
    check_permission(by, Permission.RUN_REVIEWS)
    wanted = list(priorities)
    if any(not isinstance(p, int) or p not in PRIORITIES for p in wanted):
        raise ReviewError({"priorities": "Priorities are P1 to P5."})
    chosen = frozenset(wanted)
    with database.atomic():
        before = required_priorities()
        if chosen != before:
            value = ",".join(str(p) for p in sorted(chosen))
            put_setting(REVIEW_SETTING, value)
            ConfigChange.create(
                at=now or now_utc(), user=by, area=REVIEWS_AREA,
                summary=f"Post-incident review required before closing: "
                        f"{_priorities_text(chosen)} (was {_priorities_text(before)})")
    return chosen


# --- checking -----------------------------------------------------------------------------
def _text_problem(value: str, limit: int, multiline: bool) -> str | None:
    if len(value) > limit:
        return f"At most {limit:,} characters (this has {len(value):,})."
    problem = text_error(value, multiline=multiline)
    return f"This {problem}" if problem else None


def review_problems(draft: ReviewDraft) -> dict[str, str]:
    """Every problem with a (cleaned) draft, by field; what it lacks to be completed is
    :func:`completion_problems`'s."""
    problems: dict[str, str] = {}
    for name in TEXT_FIELDS:
        if (problem := _text_problem(getattr(draft, name), MAX_NOTE_LENGTH, True)):
            problems[name] = problem
    whys = draft.five_whys
    if len(whys) > MAX_WHYS:
        problems["five_whys"] = f"At most {MAX_WHYS} whys."
    for n, why in enumerate(whys[:MAX_WHYS], start=1):
        if not why:
            problems[f"why_{n}"] = (f"Answer why? {n} before the ones after it: the whys "
                                    "go one from the other.")
        elif (problem := _text_problem(why, MAX_WHY_LENGTH, False)):
            problems[f"why_{n}"] = problem
    return problems


def completion_problems(incident: Incident, review: IncidentReview) -> dict[str, str]:
    """What the review lacks to be completed, by field (none: it can be)."""
    problems: dict[str, str] = {}
    if Status(incident.status).is_open:
        problems["incident"] = (f"{incident.reference} is "
                                f"{Status(incident.status).label.lower()}: complete its "
                                "review once it is resolved.")
    if not review.root_cause:
        problems["root_cause"] = ("Write the root cause: what made the incident happen "
                                  "(the five whys lead to it).")
    if not review.lessons_learned:
        problems["lessons_learned"] = "Write the lessons learned."
    live = (ImprovementAction.select()
            .where(ImprovementAction.review == review,
                   ImprovementAction.status != ActionStatus.CANCELLED).exists())
    if not live:
        problems["actions"] = ("Add at least one improvement action: what will be done, "
                               "who owns it and by when.")
    return problems


def action_problems(draft: ActionDraft, today: date,
                    previous: ImprovementAction | None = None) -> dict[str, str]:
    """Every problem with a (cleaned) action, by field. A due date in the past is refused
    unless it is the one the action already had."""
    problems: dict[str, str] = {}
    if not draft.description:
        problems["description"] = "Say what will be done."
    elif (problem := _text_problem(draft.description, MAX_ACTION_LENGTH, True)):
        problems["description"] = problem
    owner = None if draft.owner_id is None else User.get_or_none(User.id == draft.owner_id)
    if owner is None:
        problems["owner_id"] = "Choose who owns the action."
    elif not owner.active and (previous is None or previous.owner_id != owner.id):
        problems["owner_id"] = f"{owner.display_name} is no longer active: choose another owner."
    if draft.due_on is None:
        problems["due_on"] = "Give the date it is due by."
    elif draft.due_on < today and (previous is None or previous.due_on != draft.due_on):
        problems["due_on"] = (f"{format_day(draft.due_on)} has passed: choose today or a "
                              "later date.")
    return problems


# --- writing ------------------------------------------------------------------------------
def _completed_error(incident: Incident, review: IncidentReview) -> ReviewStateError:
    return ReviewStateError(
        f"The review of {incident.reference} was completed by "
        f"{review.completed_by.display_name} on {format_local(review.completed_at)}; it can "
        "no longer be changed.")


def _start(incident: Incident, by: User, now: datetime) -> IncidentReview:
    if Status(incident.status) not in (Status.RESOLVED, Status.CLOSED):
        raise ReviewStateError(
            f"{incident.reference} is {Status(incident.status).label.lower()}: its review "
            "starts once it is resolved.")
    review = IncidentReview.create(incident=incident, status=ReviewStatus.DRAFT,
                                   started_at=now, started_by=by, updated_at=now,
                                   updated_by=by)
    record(incident, by, now, REVIEWED, new="Started")
    return review


def start_review(incident_id: int, by: User, now: datetime | None = None) -> IncidentReview:
    """Start the incident's review, as a draft, with a history row; the review already
    started, if there is one.

    Raises:
        RolePermissionError: ``by`` may not run reviews.
        ReviewStateError: the incident is not resolved or closed.
    """
    check_permission(by, Permission.RUN_REVIEWS)
    with database.atomic():
        incident = get_incident(incident_id)
        review = review_for(incident_id)
        return review if review is not None else _start(incident, by, now or now_utc())


def _draft_review(incident: Incident, by: User, now: datetime) -> IncidentReview:
    """The incident's review, to be changed: started now if there is none; refused once
    completed."""
    review = review_for(incident.id)
    if review is None:
        return _start(incident, by, now)
    if review.status == ReviewStatus.COMPLETED:
        raise _completed_error(incident, review)
    return review


def _check_version(incident: Incident, review: IncidentReview | None,
                   expected_version: int) -> None:
    version = 0 if review is None else review.version
    if version == expected_version:
        return
    if review is None:
        raise StaleReviewError(f"The review of {incident.reference} is not there any more.")
    did = "started" if expected_version == 0 else "changed"
    raise StaleReviewError(
        f"The review of {incident.reference} was {did} by {review.updated_by.display_name} "
        f"at {format_local(review.updated_at)} since you opened it. Open it again to see "
        "what they wrote; what you typed is still in the form.")


def save_review(incident_id: int, draft: ReviewDraft, by: User, expected_version: int,
                now: datetime | None = None) -> IncidentReview:
    """Save the review's draft (starting the review if there is none yet).

    Args:
        expected_version: the review's ``version`` when it was opened; 0 if there was none.

    Raises:
        RolePermissionError: ``by`` may not run reviews.
        ReviewError: what is wrong with ``draft``, by field; nothing was written.
        StaleReviewError: someone saved the review since ``expected_version``.
        ReviewStateError: the review is completed, or the incident is not resolved yet.
    """
    check_permission(by, Permission.RUN_REVIEWS)
    now = now or now_utc()
    draft = draft.cleaned()
    problems = review_problems(draft)
    if problems:
        raise ReviewError(problems)
    with database.atomic():
        incident = get_incident(incident_id)
        review = review_for(incident_id)
        if review is not None and review.status == ReviewStatus.COMPLETED:
            raise _completed_error(incident, review)
        _check_version(incident, review, expected_version)
        review = _draft_review(incident, by, now)
        for name in TEXT_FIELDS:
            setattr(review, name, getattr(draft, name))
        review.five_whys = json.dumps(list(draft.five_whys), ensure_ascii=False)
        review.updated_at, review.updated_by = now, by
        review.version += 1
        review.save()
    return review


def complete_review(incident_id: int, by: User, expected_version: int,
                    now: datetime | None = None) -> IncidentReview:
    """Complete the review as saved, with a history row: from now on it can no longer be
    changed, and the incident may be closed.

    Raises:
        RolePermissionError: ``by`` may not run reviews.
        ReviewIncompleteError: what the review lacks, by field (``root_cause``,
            ``lessons_learned``, ``actions``, ``incident``); nothing was written.
        StaleReviewError: someone saved the review since ``expected_version``.
        ReviewStateError: the review was not started, or is completed already.
    """
    check_permission(by, Permission.RUN_REVIEWS)
    now = now or now_utc()
    with database.atomic():
        incident = get_incident(incident_id)
        review = review_for(incident_id)
        if review is None:
            raise ReviewStateError(f"The review of {incident.reference} has not been started.")
        if review.status == ReviewStatus.COMPLETED:
            raise _completed_error(incident, review)
        _check_version(incident, review, expected_version)
        problems = completion_problems(incident, review)
        if problems:
            raise ReviewIncompleteError(problems)
        count = (ImprovementAction.select()
                 .where(ImprovementAction.review == review,
                        ImprovementAction.status != ActionStatus.CANCELLED).count())
        review.status = ReviewStatus.COMPLETED
        review.completed_at = review.updated_at = now
        review.completed_by = review.updated_by = by
        review.version += 1
        review.save()
        record(incident, by, now, REVIEWED,
               new=f"Completed, with {count} improvement action{'s' if count != 1 else ''}")
    return review


def _action(action_id: int) -> ImprovementAction:
    action = (ImprovementAction.select(ImprovementAction, IncidentReview, Incident)
              .join(IncidentReview).join(Incident)
              .where(ImprovementAction.id == action_id).get_or_none())
    if action is None:
        raise ReviewStateError(f"There is no improvement action with id {action_id}; it may "
                               "have been removed.")
    return action


def add_action(incident_id: int, draft: ActionDraft, by: User,
               now: datetime | None = None) -> ImprovementAction:
    """Add an improvement action, open, at the end of the review's list (starting the
    review if there is none yet).

    Raises:
        RolePermissionError: ``by`` may not run reviews.
        ReviewError: what is wrong with ``draft``, by field; nothing was written.
        ReviewStateError: the review is completed, or the incident is not resolved yet.
    """
    check_permission(by, Permission.RUN_REVIEWS)
    now = now or now_utc()
    draft = draft.cleaned()
    problems = action_problems(draft, local_today(now))
    if problems:
        raise ReviewError(problems)
    with database.atomic():
        review = _draft_review(get_incident(incident_id), by, now)
        last = (ImprovementAction.select(pw.fn.MAX(ImprovementAction.position))
                .where(ImprovementAction.review == review).scalar())
        return ImprovementAction.create(
            review=review, position=(last or 0) + 1, description=draft.description,
            owner=draft.owner_id, due_on=draft.due_on, status=ActionStatus.OPEN,
            created_at=now)


def _short(text: str, limit: int = 80) -> str:
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= limit and line == text else line[:limit - 1].rstrip() + "…"


def _may_set_status(by: User, action: ImprovementAction, status: ActionStatus) -> bool:
    if can(by, Permission.RUN_REVIEWS):
        return True
    return by.id == action.owner_id and status != ActionStatus.CANCELLED


def update_action(action_id: int, by: User, draft: ActionDraft | None = None,
                  status: ActionStatus | str | None = None,
                  now: datetime | None = None) -> ImprovementAction:
    """Change an action's text, owner and due date (``draft``: team leaders, while the
    review is a draft) and its status (team leaders, or its owner, at any time; only a team
    leader cancels). A status change is written to the incident's history; done stamps
    ``done_at``, and leaving done clears it.

    Raises:
        RolePermissionError: ``by`` may not make this change.
        ReviewError: what is wrong with ``draft`` or ``status``; nothing was written.
        ReviewStateError: the action is gone, or its review is completed (for ``draft``).
    """
    now = now or now_utc()
    if draft is not None:
        check_permission(by, Permission.RUN_REVIEWS)
        draft = draft.cleaned()
    if status is not None and status not in set(ActionStatus):
        raise ReviewError({"status": "Choose open, in progress, done or cancelled."})
    with database.atomic():
        action = _action(action_id)
        review, incident = action.review, action.review.incident
        if draft is not None:
            if review.status == ReviewStatus.COMPLETED:
                raise _completed_error(incident, review)
            problems = action_problems(draft, local_today(now), previous=action)
            if problems:
                raise ReviewError(problems)
            action.description, action.owner, action.due_on = (
                draft.description, draft.owner_id, draft.due_on)
        if status is not None and ActionStatus(status) != action.status:
            new, old = ActionStatus(status), ActionStatus(action.status)
            if not _may_set_status(by, action, new):
                raise RolePermissionError(
                    f"{by.display_name} does not own this action; only its owner or a team "
                    "leader can change its status." if new != ActionStatus.CANCELLED else
                    "Only a team leader or an administrator can cancel an action.")
            action.status = new
            action.done_at = now if new == ActionStatus.DONE else None
            record(incident, by, now, REVIEWED,
                   new=f"Improvement action {old.label.lower()} → {new.label.lower()}: "
                       f"{_short(action.description)}")
        action.save()
    return action


def remove_action(action_id: int, by: User) -> None:
    """Remove an action from a draft review.

    Raises:
        RolePermissionError: ``by`` may not run reviews.
        ReviewStateError: the action is gone, or its review is completed.
    """
    check_permission(by, Permission.RUN_REVIEWS)
    with database.atomic():
        action = _action(action_id)
        if action.review.status == ReviewStatus.COMPLETED:
            raise _completed_error(action.review.incident, action.review)
        action.delete_instance()
