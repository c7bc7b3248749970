"""The post-incident review in the incident's record, its report and the evidence checklist:
printed section by section, masked like the rest, evidenced only once completed, and
covered by the fingerprint."""

from __future__ import annotations

from datetime import date

from app.models.evidence import evidence_checklist
from app.models.incident_record import incident_record
from app.models.incidents import change_status, create_incident
from app.models.lifecycle import Status
from app.models.reviews import (
    ReviewDraft,
    review_actions,
    save_review,
    update_action,
)
from app.reports.exporting import export_incident, verify_export
from tests.conftest import make_draft
from tests.reports.conftest import at, pdf_text, squeezed

REVIEW = "Post-incident review with root cause and improvements"


def review_item(incident):
    return {i.key: i for i in evidence_checklist(incident_record(incident).record)}["review"]


def resolved_p1(advisor):
    incident = create_incident(make_draft(received_at=at(9), impact="high", urgency="high"),
                               advisor, now=at(9, 5))
    change_status(incident.id, Status.RESOLVED, advisor, "Restarted", now=at(10))
    return incident


def test_without_a_review_the_record_has_no_review_and_the_report_says_so(advisor, leader,
                                                                          tmp_path):
    incident = resolved_p1(advisor)
    record = incident_record(incident).record
    assert "review" not in record  # its fingerprint reads as it did before reviews
    out = tmp_path / "report.pdf"
    export_incident(incident.reference, out, leader, now=at(12))
    text = squeezed(pdf_text(out))
    assert "Post-incident review No post-incident review is recorded. Audit trail" in text
    item = review_item(incident)
    assert (item.evidenced, item.detail, item.sections) == (
        False, "No post-incident review is recorded.", ())


def test_a_draft_is_printed_as_a_draft_masked_and_not_evidenced(advisor, leader, tmp_path):
    incident = resolved_p1(advisor)
    save_review(incident.id, ReviewDraft(
        root_cause="Olivia Taylor's account hit a full disk",
        five_whys=("Billing failed", "Rang 0161 496 0123 back: disk full"),
        went_well="Quick call back"), leader, 0, now=at(10, 30))
    out = tmp_path / "report.pdf"
    export_incident(incident.reference, out, leader, now=at(12))
    text = squeezed(pdf_text(out))
    assert "Status Draft Started 24/11/2026 10:30 Started by Tess Leader Completed — " \
           "Completed by —" in text
    assert "Why? 1 Billing failed" in text and "Why? 2 Rang" in text
    assert "What went well Quick call back" in text
    assert "Improvement actions No improvement action is recorded." in text
    for personal in ("Olivia Taylor", "0161 496 0123"):
        assert personal not in text, personal
    assert "O. T.'s account" in text
    item = review_item(incident)
    assert (item.evidenced, item.detail, item.sections) == (
        False, "The post-incident review is a draft: it is not completed.", ("review",))


def test_an_action_moving_on_changes_the_record_and_done_is_printed_with_when(
        full_story, colleague, leader, tmp_path):
    out = tmp_path / "before.pdf"
    export_incident(full_story.reference, out, leader, now=at(12))
    [action] = review_actions(full_story.id, today=date(2026, 11, 25))
    update_action(action.action_id, colleague, status="done", now=at(15))
    [verdict] = verify_export(out)
    assert not verdict.matches  # the review is part of the record the fingerprint covers
    after = tmp_path / "after.pdf"
    export_incident(full_story.reference, after, leader, now=at(16))
    text = squeezed(pdf_text(after))
    assert "Alex Colleague 08/12/2026 Done 24/11/2026 15:00" in text
    assert "Improvement action open → done: Give the clean-up job an owner" in text
    assert review_item(full_story).detail == (
        "Completed by Tess Leader: root cause, lessons learned and 1 improvement action, "
        "all done.")


def test_cancelled_actions_are_printed_but_not_counted(full_story, leader):
    [action] = review_actions(full_story.id)
    update_action(action.action_id, leader, status="cancelled", now=at(15))
    record = incident_record(full_story).record
    assert [a["status"] for a in record["review"]["actions"]] == ["Cancelled"]
    assert review_item(full_story).detail == (
        "Completed by Tess Leader: root cause and lessons learned; every improvement action "
        "was cancelled since.")
