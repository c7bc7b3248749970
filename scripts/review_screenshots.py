"""Take the post-incident review screenshots in docs/ (the review dialog and the improvement
actions window) from a small database written through the real operations, offscreen.

    uv run python scripts/review_screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.models.categories import subcategories, top_categories  # noqa: E402
from app.models.communications import CommunicationDraft, record_communication  # noqa: E402
from app.models.db import close_database, open_database  # noqa: E402
from app.models.escalating import EscalationRequest, escalate  # noqa: E402
from app.models.incidents import change_status, create_incident  # noqa: E402
from app.models.lifecycle import Status  # noqa: E402
from app.models.permissions import Role  # noqa: E402
from app.models.reviews import (  # noqa: E402
    ActionDraft,
    ReviewDraft,
    add_action,
    complete_review,
    local_today,
    save_review,
    update_action,
)
from app.models.users import ensure_user  # noqa: E402
from app.models.validation import IncidentDraft  # noqa: E402
from app.views.dialogs import Dialogs  # noqa: E402
from app.views.improvement_actions import ImprovementActionsWindow  # noqa: E402
from app.views.review_dialog import ReviewDialog  # noqa: E402

DOCS = ROOT / "docs"


def category_ids(name: str, sub: str) -> tuple[int, int | None]:
    top = next(c for c in top_categories() if c.name == name)
    child = next((c for c in subcategories(top.id) if c.name == sub), None)
    return top.id, child.id if child else None


def incident(by, received: datetime, summary: str, caller: str, category: tuple[str, str],
             impact: str, urgency: str, resolution: str, resolved_after: timedelta,
             during=None):
    """Logged, worked on (``during(incident)``, if given), and resolved."""
    cat, sub = category_ids(*category)
    made = create_incident(IncidentDraft(
        received_at=received, channel="phone", caller_type="customer", caller_name=caller,
        caller_phone="0161 496 0123", caller_email="", account_ref="", location="Manchester",
        summary=summary, description="", category_id=cat, subcategory_id=sub, impact=impact,
        urgency=urgency, owner_id=by.id, details_confirmed=True), by,
        now=received + timedelta(minutes=3))
    change_status(made.id, Status.IN_PROGRESS, by, "Checking with the IT service desk",
                  now=received + timedelta(minutes=8))
    if during is not None:
        during(made)
    change_status(made.id, Status.RESOLVED, by, resolution, now=received + resolved_after)
    return made


def seed():
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    leader = ensure_user("tess.leader", "Tess Leader", Role.TEAM_LEADER)
    sam = ensure_user("sam.advisor", "Sam Advisor")
    priya = ensure_user("priya.raman", "Priya Raman")
    marcus = ensure_user("marcus.it", "Marcus Okonkwo")

    old = now - timedelta(days=30)
    billing = incident(sam, old, "Billing system down for the whole finance team",
                       "Olivia Taylor", ("IT system failure", "Application error"), "high",
                       "high", "Disk cleared and the billing server restarted",
                       timedelta(hours=3))
    save_review(billing.id, ReviewDraft(
        root_cause="The export clean-up job lost its owner in the migration",
        five_whys=("The billing server stopped answering", "Its disk was full",
                   "Old invoice exports were never cleared"),
        lessons_learned="Scheduled jobs need a named owner."), leader, 0,
        now=old + timedelta(days=1))
    first = add_action(billing.id, ActionDraft("Give the clean-up job an owner",
                                               marcus.id, local_today(old) + timedelta(days=7)),
                       leader, now=old + timedelta(days=1))
    add_action(billing.id, ActionDraft("Disk-space alert on every billing server", marcus.id,
                                       local_today(old) + timedelta(days=21)),
               leader, now=old + timedelta(days=1))
    complete_review(billing.id, leader, 2, now=old + timedelta(days=1))
    update_action(first.id, marcus, status="in_progress", now=old + timedelta(days=3))

    older = now - timedelta(days=12)
    phones = incident(priya, older, "Inbound calls dropping after the IVR menu",
                      "Marcus Webb", ("Telephony outage", "Inbound lines"), "high", "medium",
                      "The provider rolled back the IVR change", timedelta(hours=5))
    save_review(phones.id, ReviewDraft(
        root_cause="An IVR change went live without a test call",
        lessons_learned="Every IVR change gets a test call before and after."), leader, 0,
        now=older + timedelta(days=1))
    add_action(phones.id, ActionDraft("Test-call checklist for IVR changes", priya.id,
                                      local_today(older) + timedelta(days=5)),
               leader, now=older + timedelta(days=1))
    add_action(phones.id, ActionDraft("Agree a change freeze at month end with the provider",
                                      leader.id, local_today(now) + timedelta(days=10)),
               leader, now=older + timedelta(days=1))
    complete_review(phones.id, leader, 2, now=older + timedelta(days=1))

    # the one shown in the dialog: resolved yesterday, its review a draft in progress
    received = now - timedelta(days=1, hours=4)

    def escalated_and_told(made) -> None:
        escalate(made.id, EscalationRequest(
            "hierarchical", "L3", "phone", "Major incident: customers cannot pay",
            "Rebooted the payment gateway; the provider sees no fault",
            received + timedelta(minutes=20)), sam, now=received + timedelta(minutes=21))
        record_communication(made.id, CommunicationDraft(
            audience="customers", channel="sms", at=received + timedelta(minutes=40),
            recipient="Customers with a payment due today",
            message="Card payments by phone are down; pay online or call back after 2pm."),
            sam, now=received + timedelta(minutes=41))

    outage = incident(sam, received, "Payment line down: customers cannot pay by card",
                      "Jack Taylor", ("Telephony outage", "Inbound lines"), "high", "high",
                      "Card payment line rerouted through the backup provider",
                      timedelta(hours=2, minutes=40), escalated_and_told)
    save_review(outage.id, ReviewDraft(
        five_whys=("The payment line stopped taking calls",
                   "The provider's router for our numbers failed",
                   "Our numbers had no second route",
                   "The backup route was removed when the contract was renewed"),
        contributing_factors="Nobody on shift knew the backup provider's number.",
        went_well="Customers were told by text within 40 minutes."), leader, 0,
        now=now - timedelta(hours=2))
    add_action(outage.id, ActionDraft("Put the payment line back on two routes", marcus.id,
                                      local_today(now) + timedelta(days=14)),
               leader, now=now - timedelta(hours=2))
    add_action(outage.id, ActionDraft("Backup provider's number in the escalation matrix",
                                      leader.id, local_today(now) + timedelta(days=3)),
               leader, now=now - timedelta(hours=2))
    return leader, outage


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as folder:
        open_database(Path(folder) / "reviews.sqlite")
        try:
            leader, outage = seed()
            dialog = ReviewDialog(outage.id, leader, Dialogs())
            dialog.show()
            dialog.lessons.setFocus()
            app.processEvents()
            dialog.grab().save(str(DOCS / "review-dialog.png"))
            dialog.done(0)

            window = ImprovementActionsWindow(leader, Dialogs())
            window.show()
            window.table.selectRow(0)
            app.processEvents()
            window.grab().save(str(DOCS / "improvement-actions.png"))
            window.close()
        finally:
            close_database()


if __name__ == "__main__":
    main()
