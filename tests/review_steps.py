"""A post-incident review written and completed in one step, for tests that close an
incident whose priority needs one (P1 and P2 by default)."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.models.entities import IncidentReview, User
from app.models.reviews import (
    ActionDraft,
    ReviewDraft,
    add_action,
    complete_review,
    local_today,
    review_for,
    save_review,
)

WHYS = ("The billing server stopped answering",
        "Its disk was full",
        "Old invoice exports were never cleared",
        "Nobody owned the clean-up job after the migration")
ROOT_CAUSE = "The export clean-up job lost its owner in the migration"
LESSONS = "Scheduled jobs need a named owner and an alert when they fail."
ACTION = "Give the clean-up job an owner and a disk-space alert"


def complete_a_review(incident_id: int, leader: User, now: datetime | None = None,
                      owner: User | None = None) -> IncidentReview:
    """Write the review of a resolved incident, over its draft if it has one (five whys,
    root cause, lessons, one action due in a fortnight, owned by ``owner`` or the leader),
    and complete it, at ``now``."""
    started = review_for(incident_id)
    review = save_review(incident_id, ReviewDraft(root_cause=ROOT_CAUSE, five_whys=WHYS,
                                                  lessons_learned=LESSONS),
                         leader, started.version if started else 0, now=now)
    add_action(incident_id, ActionDraft(ACTION, (owner or leader).id,
                                        local_today(now) + timedelta(days=14)),
               leader, now=now)
    return complete_review(incident_id, leader, review.version, now=now)
