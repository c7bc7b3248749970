"""The caller's satisfaction after an incident: a score from 1 to 5 and a comment, one per
incident, asked once it is resolved.

A second recording amends the first (a caller who rings back to say the fix did not last,
a score typed wrongly): the incident's history keeps the old score beside the new one, so
nothing recorded is lost. An amendment names the score it replaces, as it was shown, so that
two people amending at once do not overwrite each other unknowingly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.models.audit import record
from app.models.clock import format_local, now_utc, to_utc
from app.models.db import database
from app.models.entities import Satisfaction, User
from app.models.incidents import Change, get_incident
from app.models.lifecycle import Status
from app.models.problems import check_may_change
from app.models.text_rules import FieldProblemsError, text_error, trimmed
from app.models.validation import FUTURE_TOLERANCE

FIELD = "satisfaction"  # the action and field of the incident's history rows
MAX_COMMENT = 2000
SCORES = range(1, 6)
SCORE_LABELS = {1: "Very dissatisfied", 2: "Dissatisfied", 3: "Neither satisfied nor dissatisfied",
                4: "Satisfied", 5: "Very satisfied"}
FIELD_LABELS = {"score": "Score", "comment": "Comment", "method": "How it was given",
                "given_at": "When it was given", "incident": "Incident"}


class SatisfactionMethod(StrEnum):
    """How the caller gave their score."""

    PHONE = "phone"
    EMAIL = "email"
    SMS = "sms"
    SURVEY = "survey"

    @property
    def label(self) -> str:
        return _METHOD_LABELS[self]


_METHOD_LABELS = {
    SatisfactionMethod.PHONE: "Phone",
    SatisfactionMethod.EMAIL: "Email",
    SatisfactionMethod.SMS: "SMS",
    SatisfactionMethod.SURVEY: "Survey",
}


class SatisfactionError(FieldProblemsError):
    """A score that cannot be recorded; ``problems`` maps each field to why."""


class StaleSatisfactionError(RuntimeError):
    """The score was recorded or changed by someone else since the form was opened."""


@dataclass(frozen=True)
class SatisfactionEntry:
    """A recorded score, as read (times are aware UTC)."""

    incident_id: int
    score: int
    comment: str
    method: SatisfactionMethod
    given_at: datetime
    recorded_at: datetime
    recorded_by: str

    @property
    def score_text(self) -> str:
        """``4 of 5: Satisfied``."""
        return score_text(self.score)


def score_text(score: int) -> str:
    return f"{score} of 5: {SCORE_LABELS[score]}"


def _entry(row: Satisfaction) -> SatisfactionEntry:
    return SatisfactionEntry(row.incident_id, row.score, row.comment,
                             SatisfactionMethod(row.method), row.given_at, row.recorded_at,
                             User.get_by_id(row.recorded_by_id).display_name)


def satisfaction_of(incident_id: int) -> SatisfactionEntry | None:
    """The caller's score for the incident, if one is recorded."""
    row = Satisfaction.get_or_none(Satisfaction.incident == incident_id)
    return _entry(row) if row is not None else None


def describe(score: int, method: str, given_at: datetime, comment: str) -> str:
    """A score in words, as the incident's history keeps it."""
    text = (f"{score_text(score)} (by {SatisfactionMethod(method).label.lower()}, "
            f"{format_local(given_at)})")
    return text + (f". Comment: {comment}" if comment else "")


def satisfaction_problems(incident_id: int, score, comment: str, method: str,
                          given_at: datetime | None, now: datetime) -> dict[str, str]:
    """Every problem with a score for the incident, by field: ``incident`` (not resolved),
    ``score``, ``comment``, ``method``, ``given_at``."""
    incident = get_incident(incident_id)
    problems: dict[str, str] = {}
    if Status(incident.status) not in (Status.RESOLVED, Status.CLOSED):
        problems["incident"] = (f"{incident.reference} is "
                                f"{Status(incident.status).label.lower()}: satisfaction is "
                                "asked once the incident is resolved.")
    if isinstance(score, bool) or not isinstance(score, int) or score not in SCORES:
        problems["score"] = "Score: choose from 1 (very dissatisfied) to 5 (very satisfied)."
    if len(comment) > MAX_COMMENT:
        problems["comment"] = (f"Comment: at most {MAX_COMMENT:,} characters "
                               f"(this has {len(comment):,}).")
    elif (problem := text_error(comment, multiline=True)) is not None:
        problems["comment"] = f"Comment {problem}"
    if method not in set(SatisfactionMethod):
        problems["method"] = "How it was given: choose phone, email, SMS or survey."
    if given_at is None:
        problems["given_at"] = "When it was given: required."
    else:
        given_at = to_utc(given_at)
        if given_at > now + FUTURE_TOLERANCE:
            problems["given_at"] = (f"When it was given: {format_local(given_at)} is in "
                                    "the future.")
        elif incident.resolved_at is not None and given_at < incident.resolved_at:
            problems["given_at"] = (f"When it was given: {format_local(given_at)} is before "
                                    f"the incident was resolved "
                                    f"({format_local(incident.resolved_at)}).")
    return problems


def record_satisfaction(incident_id: int, score: int, comment: str, method: str,
                        given_at: datetime, by: User, amending: SatisfactionEntry | None = None,
                        now: datetime | None = None) -> Change:
    """Record the caller's score for a resolved or closed incident, or amend it, with a
    history row on the incident (an amendment's row keeps the old score).

    Args:
        amending: None to record the first score; to amend, the score as it was shown
            (``satisfaction_of``).

    Raises:
        RolePermissionError: an assessor.
        SatisfactionError: what is wrong, by field; nothing was written.
        StaleSatisfactionError: a score was recorded, or changed, since it was shown.
    """
    now = now or now_utc()
    comment = trimmed(comment)
    check_may_change(by)
    with database.atomic():
        problems = satisfaction_problems(incident_id, score, comment, method, given_at, now)
        if problems:
            raise SatisfactionError(problems)
        incident = get_incident(incident_id)
        given_at = to_utc(given_at)
        values = dict(score=score, comment=comment, method=method, given_at=given_at,
                      recorded_at=now, recorded_by=by)
        stored = Satisfaction.get_or_none(Satisfaction.incident == incident_id)
        if stored is None and amending is None:
            Satisfaction.create(incident=incident, **values)
            old = None
        elif stored is not None and amending is not None and _entry(stored) == amending:
            old = describe(stored.score, stored.method, stored.given_at, stored.comment)
            Satisfaction.update(**values).where(Satisfaction.id == stored.id).execute()
        elif stored is None:
            raise StaleSatisfactionError(f"The score of {incident.reference} is no longer "
                                         "recorded; open it again.")
        else:
            who = User.get_by_id(stored.recorded_by_id).display_name
            raise StaleSatisfactionError(
                f"{who} recorded a score for {incident.reference} at "
                f"{format_local(stored.recorded_at)} ({score_text(stored.score)}); "
                "open it again to change it.")
        record(incident, by, now, FIELD, FIELD, old,
               describe(score, method, given_at, comment))
    return Change(incident_id, fields=(FIELD,))
