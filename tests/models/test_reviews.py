"""Post-incident reviews: the priorities that need one, the gate on closing, who may write
them, stale saves, what completing needs, improvement actions open and overdue by the local
date, and the rows they leave in the audit trail."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.models.audit import describe, incident_history
from app.models.entities import ConfigChange, History, ImprovementAction, Incident
from app.models.incidents import change_status, create_incident
from app.models.lifecycle import Status, TransitionError
from app.models.permissions import Role, RolePermissionError
from app.models.review_gate import ReviewRequiredError
from app.models.reviews import (
    ActionCounts,
    ActionDraft,
    ActionStatus,
    ReviewDraft,
    ReviewError,
    ReviewIncompleteError,
    ReviewStateError,
    ReviewStatus,
    StaleReviewError,
    action_counts,
    add_action,
    complete_review,
    draft_of,
    local_today,
    open_actions,
    remove_action,
    required_priorities,
    review_actions,
    review_for,
    review_required,
    review_timeline,
    save_review,
    set_required_priorities,
    start_review,
    suggested_root_cause,
    update_action,
)
from app.models.users import ensure_user
from tests.conftest import NOW, make_draft
from tests.review_steps import complete_a_review

LATER = NOW + timedelta(hours=2)
DUE = date(2026, 12, 8)


def resolved(by, impact="high", urgency="high", **draft) -> Incident:
    """A P1 (by default) logged and resolved at NOW."""
    incident = create_incident(make_draft(impact=impact, urgency=urgency, **draft), by,
                               now=NOW - timedelta(hours=1))
    change_status(incident.id, Status.RESOLVED, by, "Restarted the billing server", now=NOW)
    return Incident.get_by_id(incident.id)


def trail(incident: Incident) -> list[tuple[str, str, str]]:
    return [describe(e) for e in incident_history(incident.id)]


def review_rows(incident: Incident) -> list[str]:
    return [to for what, _, to in trail(incident) if what == "Post-incident review"]


@pytest.fixture
def p1(advisor):
    return resolved(advisor)


# --- which priorities need a review -------------------------------------------------------
def test_p1_and_p2_need_a_review_unless_the_organisation_says_otherwise(db, advisor, leader):
    assert required_priorities() == frozenset({1, 2})
    p1 = resolved(advisor)
    p3 = resolved(advisor, impact="medium", urgency="medium")
    assert (p1.priority, p3.priority) == (1, 3)
    assert review_required(p1) and not review_required(p3)

    assert set_required_priorities([3, 1], leader, now=NOW) == frozenset({1, 3})
    assert required_priorities() == frozenset({1, 3})
    assert review_required(p3)
    change = ConfigChange.get()
    assert (change.user_id, change.at, change.area, change.summary) == (
        leader.id, NOW, "reviews",
        "Post-incident review required before closing: P1, P3 (was P1, P2)")


def test_setting_the_same_priorities_again_records_nothing(db, leader):
    set_required_priorities([1, 2], leader, now=NOW)
    assert not ConfigChange.select().exists()
    set_required_priorities([], leader, now=NOW)
    assert required_priorities() == frozenset()
    assert ConfigChange.get().summary.endswith("none (was P1, P2)")


def test_only_a_team_leader_sets_the_priorities_and_only_p1_to_p5(db, advisor, leader):
    with pytest.raises(RolePermissionError, match="only an administrator or a team leader"):
        set_required_priorities([1], advisor)
    with pytest.raises(ReviewError) as refused:
        set_required_priorities([1, 6], leader)
    assert refused.value.problems == {"priorities": "Priorities are P1 to P5."}
    assert required_priorities() == frozenset({1, 2})
    assert not ConfigChange.select().exists()


# --- the gate on closing ------------------------------------------------------------------
def test_closing_a_p1_without_a_completed_review_is_refused_and_writes_nothing(p1, advisor,
                                                                              leader):
    before = History.select().count()
    with pytest.raises(ReviewRequiredError) as refused:
        change_status(p1.id, Status.CLOSED, advisor, now=LATER)
    assert isinstance(refused.value, TransitionError)  # the detail pane shows it as such
    assert str(refused.value) == (
        "INC-2026-000001 is P1 Critical: its post-incident review must be completed before "
        "it is closed (it has not been started). A team leader completes it under "
        "Incident › Post-incident review.")
    assert History.select().count() == before
    assert Incident.get_by_id(p1.id).status == Status.RESOLVED

    save_review(p1.id, ReviewDraft(root_cause="A full disk"), leader, 0, now=LATER)
    with pytest.raises(ReviewRequiredError, match=r"\(it is a draft so far\)"):
        change_status(p1.id, Status.CLOSED, advisor, now=LATER)

    complete_a_review(p1.id, leader, now=LATER)
    change_status(p1.id, Status.CLOSED, advisor, now=LATER + timedelta(minutes=5))
    assert Incident.get_by_id(p1.id).status == Status.CLOSED


def test_resolving_needs_no_review_and_lower_priorities_close_without_one(db, advisor, leader):
    p3 = resolved(advisor, impact="medium", urgency="medium")
    change_status(p3.id, Status.CLOSED, advisor, now=LATER)
    assert Incident.get_by_id(p3.id).status == Status.CLOSED
    set_required_priorities([], leader)
    p1 = resolved(advisor)  # resolved with no review at all
    change_status(p1.id, Status.CLOSED, advisor, now=LATER)
    assert Incident.get_by_id(p1.id).status == Status.CLOSED


def test_an_overridden_priority_is_the_one_that_counts(db, advisor):
    matrix_p3 = resolved(advisor, impact="medium", urgency="medium", priority_override=2,
                         priority_override_reason="The finance director is affected")
    assert matrix_p3.priority == 2
    with pytest.raises(ReviewRequiredError, match="is P2 High"):
        change_status(matrix_p3.id, Status.CLOSED, advisor, now=LATER)


def test_a_reopened_incident_with_a_completed_review_closes_again(p1, advisor, leader):
    complete_a_review(p1.id, leader, now=LATER)
    change_status(p1.id, Status.CLOSED, advisor, now=LATER)
    change_status(p1.id, Status.REOPENED, advisor, "It failed again", now=LATER)
    change_status(p1.id, Status.RESOLVED, advisor, "Cleared the disk", now=LATER)
    change_status(p1.id, Status.CLOSED, advisor, now=LATER)
    assert Incident.get_by_id(p1.id).status == Status.CLOSED


# --- starting and writing -----------------------------------------------------------------
def test_a_review_starts_once_the_incident_is_resolved(db, advisor, leader):
    incident = create_incident(make_draft(impact="high", urgency="high"), advisor,
                               now=NOW - timedelta(hours=1))
    with pytest.raises(ReviewStateError, match="INC-2026-000001 is new: its review starts "
                                               "once it is resolved"):
        start_review(incident.id, leader, now=NOW)
    with pytest.raises(ReviewStateError):
        save_review(incident.id, ReviewDraft(root_cause="x"), leader, 0, now=NOW)
    assert review_for(incident.id) is None
    change_status(incident.id, Status.RESOLVED, advisor, "Fixed", now=NOW)
    review = start_review(incident.id, leader, now=LATER)
    assert (review.status, review.started_by_id, review.started_at, review.version) == (
        ReviewStatus.DRAFT, leader.id, LATER, 1)
    assert start_review(incident.id, leader).id == review.id  # started once
    assert review_rows(incident) == ["Started"]


def test_only_a_team_leader_or_administrator_writes_a_review(p1, advisor, db):
    admin = ensure_user("ada.admin", "Ada Admin", Role.ADMINISTRATOR)
    assessor = ensure_user("al.assessor", "Al Assessor", Role.ASSESSOR)
    for user in (advisor, assessor):
        with pytest.raises(RolePermissionError, match=f"{user.display_name} is"):
            start_review(p1.id, user)
        with pytest.raises(RolePermissionError):
            save_review(p1.id, ReviewDraft(root_cause="x"), user, 0)
        with pytest.raises(RolePermissionError):
            add_action(p1.id, ActionDraft("x", user.id, DUE), user, now=NOW)
    assert review_for(p1.id) is None
    assert save_review(p1.id, ReviewDraft(root_cause="x"), admin, 0, now=NOW).version == 2


def test_a_draft_is_saved_as_typed_trimmed_with_its_whys_in_order(p1, leader):
    whys = ("  The server stopped  ", "Its disk filled up", "", "")
    review = save_review(p1.id, ReviewDraft(
        root_cause="Disk full\nno alert", five_whys=whys, contributing_factors="Month end",
        went_well="Caller kept informed", lessons_learned=" Alert on disks "), leader, 0,
        now=NOW)
    assert review.version == 2  # started (1), then saved
    assert draft_of(review_for(p1.id)) == ReviewDraft(
        root_cause="Disk full\nno alert",
        five_whys=("The server stopped", "Its disk filled up"),
        contributing_factors="Month end", went_well="Caller kept informed",
        lessons_learned="Alert on disks")
    assert review_rows(p1) == ["Started"]  # saving a draft is not an event of the incident


def test_a_draft_with_problems_is_refused_by_field_and_nothing_is_written(p1, leader):
    with pytest.raises(ReviewError) as refused:
        save_review(p1.id, ReviewDraft(
            root_cause="x" * 10_001, five_whys=("First", "", "Third\x07"),
            lessons_learned="ok"), leader, 0, now=NOW)
    problems = refused.value.problems
    assert set(problems) == {"root_cause", "why_2", "why_3"}
    assert problems["root_cause"] == "At most 10,000 characters (this has 10,001)."
    assert problems["why_2"].startswith("Answer why? 2 before the ones after it")
    assert "control character (U+0007) at character 6" in problems["why_3"]
    assert review_for(p1.id) is None
    with pytest.raises(ReviewError) as refused:
        save_review(p1.id, ReviewDraft(five_whys=("a",) * 6), leader, 0)
    assert refused.value.problems == {"five_whys": "At most 5 whys."}
    with pytest.raises(ReviewError, match="must be on one line"):
        save_review(p1.id, ReviewDraft(five_whys=("two\nlines",)), leader, 0)


def test_a_stale_save_is_refused_naming_who_saved_in_between(p1, leader, db):
    other = ensure_user("tom.leader", "Tom Leader", Role.TEAM_LEADER)
    save_review(p1.id, ReviewDraft(root_cause="Mine"), leader, 0, now=NOW)  # version 2
    save_review(p1.id, ReviewDraft(root_cause="Theirs"), other, 2, now=LATER)  # version 3
    with pytest.raises(StaleReviewError) as refused:
        save_review(p1.id, ReviewDraft(root_cause="Mine again"), leader, 2, now=LATER)
    assert str(refused.value).startswith(
        "The review of INC-2026-000001 was changed by Tom Leader at 24/11/2026 14:00 since "
        "you opened it.")
    assert review_for(p1.id).root_cause == "Theirs"
    with pytest.raises(StaleReviewError, match="was started by Tom Leader"):
        save_review(p1.id, ReviewDraft(root_cause="I thought there was none"), leader, 0)
    with pytest.raises(StaleReviewError):
        complete_review(p1.id, leader, 2)


# --- completing ---------------------------------------------------------------------------
def test_completing_needs_root_cause_lessons_and_an_action(p1, leader, advisor):
    start_review(p1.id, leader, now=NOW)
    with pytest.raises(ReviewIncompleteError) as refused:
        complete_review(p1.id, leader, 1, now=LATER)
    assert set(refused.value.problems) == {"root_cause", "lessons_learned", "actions"}
    assert refused.value.problems["actions"].startswith(
        "Add at least one improvement action")

    review = save_review(p1.id, ReviewDraft(root_cause="Disk full", lessons_learned="Alert"),
                         leader, 1, now=NOW)
    action = add_action(p1.id, ActionDraft("Disk alert", advisor.id, DUE), leader, now=NOW)
    update_action(action.id, leader, status=ActionStatus.CANCELLED, now=NOW)
    with pytest.raises(ReviewIncompleteError) as refused:
        complete_review(p1.id, leader, review.version, now=LATER)
    assert set(refused.value.problems) == {"actions"}  # a cancelled action is no action
    add_action(p1.id, ActionDraft("Owner for the clean-up job", advisor.id, DUE), leader,
               now=NOW)

    completed = complete_review(p1.id, leader, review.version, now=LATER)
    assert (completed.status, completed.completed_by_id, completed.completed_at,
            completed.version) == (ReviewStatus.COMPLETED, leader.id, LATER, 3)
    assert review_rows(p1) == ["Started",
                               "Improvement action open → cancelled: Disk alert",
                               "Completed, with 1 improvement action"]


def test_a_review_is_completed_only_while_the_incident_is_resolved_or_closed(p1, leader,
                                                                            advisor):
    save_review(p1.id, ReviewDraft(root_cause="Disk full", lessons_learned="Alert"), leader,
                0, now=NOW)
    add_action(p1.id, ActionDraft("Disk alert", advisor.id, DUE), leader, now=NOW)
    change_status(p1.id, Status.REOPENED, advisor, "Down again", now=LATER)
    with pytest.raises(ReviewIncompleteError) as refused:
        complete_review(p1.id, leader, 2, now=LATER)
    assert refused.value.problems == {
        "incident": "INC-2026-000001 is reopened: complete its review once it is resolved."}


def test_a_completed_review_can_no_longer_be_changed_but_its_actions_move_on(p1, leader,
                                                                            advisor):
    complete_a_review(p1.id, leader, now=NOW, owner=advisor)
    [action] = review_actions(p1.id)
    expected = ("The review of INC-2026-000001 was completed by Tess Leader on 24/11/2026 "
                "12:00; it can no longer be changed.")
    for attempt in (
            lambda: save_review(p1.id, ReviewDraft(root_cause="Other"), leader, 3),
            lambda: complete_review(p1.id, leader, 3),
            lambda: add_action(p1.id, ActionDraft("More", advisor.id, DUE), leader, now=NOW),
            lambda: update_action(action.action_id, leader,
                                  ActionDraft("Changed", advisor.id, DUE), now=NOW),
            lambda: remove_action(action.action_id, leader)):
        with pytest.raises(ReviewStateError) as refused:
            attempt()
        assert str(refused.value) == expected
    update_action(action.action_id, advisor, status="in_progress", now=LATER)
    assert review_actions(p1.id)[0].status == ActionStatus.IN_PROGRESS


# --- improvement actions ------------------------------------------------------------------
def test_an_action_needs_what_who_and_a_due_date_not_past(p1, leader, advisor):
    with pytest.raises(ReviewError) as refused:
        add_action(p1.id, ActionDraft("  ", None, None), leader, now=NOW)
    assert refused.value.problems == {"description": "Say what will be done.",
                                      "owner_id": "Choose who owns the action.",
                                      "due_on": "Give the date it is due by."}
    with pytest.raises(ReviewError) as refused:
        add_action(p1.id, ActionDraft("Alert", advisor.id, date(2026, 11, 23)), leader,
                   now=NOW)
    assert refused.value.problems == {
        "due_on": "23/11/2026 has passed: choose today or a later date."}
    advisor.active = False
    advisor.save()
    with pytest.raises(ReviewError, match="Sam Advisor is no longer active"):
        add_action(p1.id, ActionDraft("Alert", advisor.id, DUE), leader, now=NOW)
    assert not ImprovementAction.select().exists() and review_for(p1.id) is None


def test_actions_are_listed_in_the_order_added_and_can_be_edited_and_removed(p1, leader,
                                                                            advisor, colleague):
    first = add_action(p1.id, ActionDraft("Disk alert", advisor.id, DUE), leader, now=NOW)
    second = add_action(p1.id, ActionDraft("Runbook", colleague.id, NOW.date()), leader,
                        now=NOW)
    assert review_for(p1.id) is not None  # adding an action started the review
    assert [(a.position, a.description, a.owner, a.status) for a in review_actions(p1.id)] \
        == [(1, "Disk alert", "Sam Advisor", ActionStatus.OPEN),
            (2, "Runbook", "Alex Colleague", ActionStatus.OPEN)]
    # the due date passed since: the action can still be edited, keeping it
    update_action(second.id, leader, ActionDraft("Runbook for disks", leader.id, NOW.date()),
                  now=NOW + timedelta(days=3))
    remove_action(first.id, leader)
    assert [(a.description, a.owner) for a in review_actions(p1.id)] == [
        ("Runbook for disks", "Tess Leader")]
    with pytest.raises(RolePermissionError):
        remove_action(second.id, advisor)
    with pytest.raises(RolePermissionError):
        update_action(second.id, advisor, ActionDraft("Mine now", advisor.id, DUE))
    with pytest.raises(ReviewStateError, match="no improvement action with id"):
        remove_action(first.id, leader)


def test_an_owner_moves_their_action_on_and_done_is_stamped(p1, leader, advisor, colleague):
    action = add_action(p1.id, ActionDraft("Disk alert on the billing server", advisor.id,
                                           DUE), leader, now=NOW)
    with pytest.raises(RolePermissionError, match="Alex Colleague does not own this action"):
        update_action(action.id, colleague, status=ActionStatus.DONE)
    with pytest.raises(RolePermissionError, match="Only a team leader or an administrator"):
        update_action(action.id, advisor, status=ActionStatus.CANCELLED)
    with pytest.raises(ReviewError):
        update_action(action.id, advisor, status="finished")
    update_action(action.id, advisor, status=ActionStatus.DONE, now=LATER)
    stored = ImprovementAction.get_by_id(action.id)
    assert (stored.status, stored.done_at) == (ActionStatus.DONE, LATER)
    update_action(action.id, advisor, status=ActionStatus.IN_PROGRESS, now=LATER)
    assert ImprovementAction.get_by_id(action.id).done_at is None
    update_action(action.id, advisor, status=ActionStatus.IN_PROGRESS, now=LATER)  # no move
    assert review_rows(p1) == [
        "Started",
        "Improvement action open → done: Disk alert on the billing server",
        "Improvement action done → in progress: Disk alert on the billing server"]
    row = History.select().where(History.action == "review").order_by(History.id.desc()).get()
    assert (row.user_id, row.at) == (advisor.id, LATER)


def test_open_and_overdue_actions_go_by_the_local_date(db, advisor, leader, colleague):
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST): the 30 June action is overdue
    summer = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert local_today(summer) == date(2026, 7, 1)
    incident = create_incident(make_draft(received_at=summer - timedelta(days=2),
                                          impact="high", urgency="high"), advisor,
                               now=summer - timedelta(days=2))
    change_status(incident.id, Status.RESOLVED, advisor, "Fixed", now=summer - timedelta(days=1))
    made = summer - timedelta(days=1)
    due_30 = add_action(incident.id, ActionDraft("Due 30 June", advisor.id, date(2026, 6, 30)),
                        leader, now=made)
    due_1 = add_action(incident.id, ActionDraft("Due 1 July", colleague.id, date(2026, 7, 1)),
                       leader, now=made)
    done = add_action(incident.id, ActionDraft("Done early", advisor.id, date(2026, 6, 29)),
                      leader, now=made - timedelta(days=1))
    cancelled = add_action(incident.id, ActionDraft("Dropped", advisor.id, date(2026, 6, 29)),
                           leader, now=made - timedelta(days=1))
    update_action(done.id, advisor, status="done", now=made)
    update_action(cancelled.id, leader, status="cancelled", now=made)
    update_action(due_1.id, colleague, status="in_progress", now=made)

    today = local_today(summer)
    rows = open_actions(today=today)
    assert [(r.description, r.status, r.overdue) for r in rows] == [
        ("Due 30 June", ActionStatus.OPEN, True),
        ("Due 1 July", ActionStatus.IN_PROGRESS, False)]
    assert rows[0].reference == incident.reference and rows[0].owner == "Sam Advisor"
    assert [r.action_id for r in open_actions(overdue_only=True, today=today)] == [due_30.id]
    assert [r.action_id for r in open_actions(owner_id=colleague.id, today=today)] == [due_1.id]
    assert open_actions(overdue_only=True, owner_id=colleague.id, today=today) == []
    assert action_counts(today=today) == ActionCounts(open=2, overdue=1)
    assert action_counts(owner_id=colleague.id, today=today) == ActionCounts(1, 0)
    assert action_counts(owner_id=leader.id, today=today) == ActionCounts(0, 0)
    # the same instant read as a UTC date would not be overdue yet
    assert open_actions(overdue_only=True, today=date(2026, 6, 30)) == []


# --- the five whys and the timeline -------------------------------------------------------
def test_the_suggested_root_cause_is_the_last_why_answered():
    assert suggested_root_cause(["Server down", "Disk full", "  No alert  ", "", " "]) == \
        "No alert"
    assert suggested_root_cause(["", ""]) == ""


def test_the_review_timeline_is_the_incident_s_story_without_the_review(p1, leader, advisor):
    complete_a_review(p1.id, leader, now=LATER)
    titles = [e.title for e in review_timeline(p1.id)]
    assert titles == ["Received", "Logged", "Status: Resolved"]
    assert review_timeline(p1.id)[-1].detail == "Restarted the billing server"
