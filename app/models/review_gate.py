"""The rule that binds closing to the post-incident review: an incident whose priority is
in ``review.required_priorities`` cannot be closed before its review is completed.

Apart from :mod:`app.models.reviews` because :mod:`app.models.incidents` checks it when an
incident is closed, and the reviews build on the incidents (and their timeline).
"""

from __future__ import annotations

from app.models.entities import Incident, IncidentReview, Setting
from app.models.lifecycle import TransitionError
from app.models.vocabulary import priority_label

REVIEW_SETTING = "review.required_priorities"  # "1,2": written by schema 10
DEFAULT_REQUIRED = frozenset({1, 2})
PRIORITIES = range(1, 6)
COMPLETED = "completed"  # IncidentReview.status of a completed review


class ReviewRequiredError(TransitionError):
    """Closing an incident whose post-incident review is required and not completed."""


def parse_priorities(text: str) -> frozenset[int]:
    """``"1,2"`` as {1, 2}; anything but the priorities 1 to 5 is ignored."""
    found = (part.strip() for part in text.split(","))
    return frozenset(int(p) for p in found if p.isdigit() and int(p) in PRIORITIES)


def required_priorities() -> frozenset[int]:
    """The priorities whose incidents need a completed review before they are closed
    (P1 and P2 unless the organisation changed it; none if it cleared them all)."""
    setting = Setting.get_or_none(Setting.key == REVIEW_SETTING)
    return DEFAULT_REQUIRED if setting is None else parse_priorities(setting.value)


def review_required(incident: Incident) -> bool:
    """Whether ``incident`` needs a completed review before it is closed: its priority
    (the matrix's, or the override it was given) is one of the required ones."""
    return incident.priority in required_priorities()


def check_review_before_closing(incident: Incident) -> None:
    """Raise :class:`ReviewRequiredError` if ``incident`` may not be closed yet.

    Call inside the transaction that closes it.
    """
    if not review_required(incident):
        return
    review = IncidentReview.get_or_none(IncidentReview.incident == incident.id)
    if review is not None and review.status == COMPLETED:
        return
    where = ("it has not been started" if review is None
             else "it is a draft so far")
    raise ReviewRequiredError(
        f"{incident.reference} is {priority_label(incident.priority)}: its post-incident "
        f"review must be completed before it is closed ({where}). A team leader completes "
        "it under Incident › Post-incident review.")
