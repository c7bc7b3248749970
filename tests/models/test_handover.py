"""Handing incidents over: the state machine (offered, accepted, queried, withdrawn), who may
take each step, bad input refused whole, and what the history and timeline show."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.models.audit import describe, incident_history
from app.models.entities import Handover, HandoverItem, History, Incident
from app.models.handover import (
    HandoverDraft,
    HandoverError,
    HandoverState,
    ItemDraft,
    accept,
    handover_facts,
    handovers_between,
    handovers_for_incident,
    item_key,
    offer,
    offered_by,
    pending_for,
    query,
    who_is_on_shift,
    withdraw,
)
from app.models.history_chain import verify_file
from app.models.incidents import change_status, create_incident
from app.models.lifecycle import Status
from app.models.permissions import Role
from app.models.timeline import Kind, incident_timeline
from app.models.users import ensure_user
from app.models.vocabulary import HandoverMethod
from tests.conftest import NOW, make_draft

OFFER_AT = NOW
LATER = NOW + timedelta(minutes=10)


@pytest.fixture
def three(advisor):
    """Three open incidents Sam owns, received on the morning of ``NOW``."""
    received = NOW - timedelta(hours=2)
    return [create_incident(make_draft(received_at=received + timedelta(minutes=n),
                                       owner_id=advisor.id, summary=f"Problem {n}"),
                            advisor, now=received + timedelta(minutes=n + 1))
            for n in range(3)]


def draft_for(incidents, receiver, method=HandoverMethod.PHONE, **item_values):
    values = dict(outstanding_actions="Call the caller back", risks="", promised_to_caller="")
    values.update(item_values)
    return HandoverDraft(receiver.id if receiver else None, method,
                         tuple(ItemDraft(i.id, **values) for i in incidents))


def owners(incidents):
    return [Incident.get_by_id(i.id).owner_id for i in incidents]


def actions(incident):
    return [h.action for h in incident_history(incident.id)]


# --- the happy paths -----------------------------------------------------------------------
def test_offer_snapshots_the_facts_and_changes_no_owner(advisor, colleague, three):
    change = offer(draft_for(three, colleague, risks="Caller is upset",
                             promised_to_caller="A call before 5pm"), advisor, now=OFFER_AT)
    assert change.state == HandoverState.OFFERED
    assert change.incident_ids == tuple(i.id for i in three)
    assert owners(three) == [advisor.id] * 3
    item = HandoverItem.get(HandoverItem.incident == three[0].id)
    assert item.status == "Assigned"
    assert item.sla_left.startswith("Respond:")
    assert "Logged" in item.last_update and "Sam Advisor" in item.last_update
    assert item.next_action.startswith("Respond to the caller by")
    assert item.previous_owner_id == advisor.id
    assert actions(three[0])[-1] == "handover_offered"
    what, _, text = describe(incident_history(three[0].id)[-1])
    assert what == "Handover offered"
    assert "Offered to Alex Colleague (phone)" in text and "Risks: Caller is upset" in text
    [pending] = pending_for(colleague)
    assert pending.giver == "Sam Advisor" and len(pending.items) == 3
    assert pending_for(advisor) == []


def test_accepting_moves_every_owner_and_writes_history(advisor, colleague, three, db_path):
    change = offer(draft_for(three, colleague), advisor, now=OFFER_AT)
    accepted = accept(change.handover_id, colleague, now=LATER)
    assert accepted.state == HandoverState.ACCEPTED
    assert owners(three) == [colleague.id] * 3
    handover = Handover.get_by_id(change.handover_id)
    assert handover.decided_at == LATER and handover.decided_by_id == colleague.id
    for incident in three:
        rows = incident_history(incident.id)
        assert [(h.action, h.field) for h in rows[-2:]] == [("changed", "owner_id"),
                                                            ("handover_accepted", None)]
        assert rows[-2].old_value == "Sam Advisor" and rows[-2].new_value == "Alex Colleague"
        assert Incident.get_by_id(incident.id).version == incident.version + 1
    assert pending_for(colleague) == []
    [mine] = offered_by(advisor)
    assert mine.state == HandoverState.ACCEPTED
    assert verify_file(db_path).ok


def test_a_query_goes_back_to_the_giver_with_its_reason(advisor, colleague, three):
    change = offer(draft_for(three[:1], colleague), advisor, now=OFFER_AT)
    query(change.handover_id, "  Which caller promised what?  ", colleague, now=LATER)
    assert owners(three[:1]) == [advisor.id]
    [mine] = offered_by(advisor)
    assert mine.state == HandoverState.QUERIED
    assert mine.query_reason == "Which caller promised what?"
    assert mine.decided_by == "Alex Colleague"
    assert pending_for(colleague) == []
    assert incident_history(three[0].id)[-1].new_value == (
        "Queried, back to Sam Advisor: Which caller promised what?")
    # the giver withdraws it and may offer again
    withdraw(change.handover_id, advisor, now=LATER + timedelta(minutes=1))
    assert HandoverState(Handover.get_by_id(change.handover_id).state) == HandoverState.WITHDRAWN
    again = offer(draft_for(three[:1], colleague), advisor, now=LATER + timedelta(minutes=2))
    accept(again.handover_id, colleague, now=LATER + timedelta(minutes=3))
    assert owners(three[:1]) == [colleague.id]


def test_withdrawn_by_the_giver_or_a_team_leader_only(advisor, colleague, leader, three):
    first = offer(draft_for(three[:1], colleague), advisor, now=OFFER_AT)
    with pytest.raises(HandoverError) as raised:
        withdraw(first.handover_id, colleague, now=LATER)
    assert "Only Sam Advisor, who offered it, or a team leader" in raised.value.problems[
        "handover"]
    withdraw(first.handover_id, leader, now=LATER)
    assert [h.action for h in incident_history(three[0].id)][-1] == "handover_withdrawn"
    assert offered_by(advisor)[0].decided_by == "Tess Leader"


@pytest.mark.parametrize("first_step,second_step,message", [
    ("accept", "accept", "already accepted by Alex Colleague"),
    ("accept", "query", "already accepted by Alex Colleague"),
    ("accept", "withdraw", "already accepted by Alex Colleague"),
    ("withdraw", "accept", "withdrawn by Sam Advisor"),
    ("withdraw", "query", "withdrawn by Sam Advisor"),
    ("withdraw", "withdraw", "withdrawn by Sam Advisor"),
    ("query", "accept", "queried by Alex Colleague"),
    ("query", "query", "queried by Alex Colleague"),
])
def test_the_state_machine_refuses_a_second_decision(advisor, colleague, three, first_step,
                                                     second_step, message):
    change = offer(draft_for(three, colleague), advisor, now=OFFER_AT)
    steps = {"accept": lambda at: accept(change.handover_id, colleague, now=at),
             "query": lambda at: query(change.handover_id, "Why?", colleague, now=at),
             "withdraw": lambda at: withdraw(change.handover_id, advisor, now=at)}
    steps[first_step](LATER)
    state = Handover.get_by_id(change.handover_id).state
    rows = History.select().count()
    owned = owners(three)
    with pytest.raises(HandoverError) as raised:
        steps[second_step](LATER + timedelta(minutes=1))
    assert message in raised.value.problems["handover"]
    assert Handover.get_by_id(change.handover_id).state == state
    assert History.select().count() == rows
    assert owners(three) == owned


# --- bad input ------------------------------------------------------------------------------
def test_handing_over_to_yourself_nobody_or_an_inactive_user_is_refused(advisor, colleague,
                                                                         three):
    cases = [(advisor.id, "You cannot hand over to yourself"),
             (None, "Choose the colleague to hand over to"),
             (9999, "not known here")]
    gone = ensure_user("gone.user", "Gone User")
    gone.active = False
    gone.save()
    cases.append((gone.id, "Gone User is no longer active"))
    assessor = ensure_user("ann.assessor", "Ann Assessor", Role.ASSESSOR)
    cases.append((assessor.id, "Ann Assessor is an assessor"))
    for receiver_id, message in cases:
        with pytest.raises(HandoverError) as raised:
            offer(HandoverDraft(receiver_id, HandoverMethod.CHAT,
                                (ItemDraft(three[0].id, "Call back"),)), advisor, now=OFFER_AT)
        assert message in raised.value.problems["receiver"]
    assert Handover.select().count() == 0
    assert History.select().where(History.action == "handover_offered").count() == 0


def test_each_incident_problem_is_named_and_nothing_is_offered(advisor, colleague, three,
                                                               leader):
    change_status(three[1].id, Status.RESOLVED, advisor, "Fixed", now=OFFER_AT)
    not_mine = create_incident(make_draft(received_at=NOW - timedelta(hours=1),
                                          owner_id=leader.id), leader, now=NOW)
    draft = HandoverDraft(colleague.id, "carrier pigeon", (
        ItemDraft(three[0].id, ""), ItemDraft(three[1].id, "x"), ItemDraft(not_mine.id, "x"),
        ItemDraft(three[2].id, "ok", risks="bad\x00byte")), shift_note="")
    with pytest.raises(HandoverError) as raised:
        offer(draft, advisor, now=OFFER_AT)
    problems = raised.value.problems
    assert problems["method"].startswith("Choose how it is handed over")
    assert problems[item_key(three[0].id, "outstanding_actions")] == (
        f"Say what is still to be done for {three[0].reference} (or write 'None').")
    assert problems[item_key(three[1].id, "incident")] == (
        f"{three[1].reference} is resolved: only open incidents are handed over.")
    assert problems[item_key(not_mine.id, "incident")] == (
        f"{not_mine.reference} is Tess Leader's: you can hand over only your own incidents.")
    assert "NUL" in problems[item_key(three[2].id, "risks")]
    assert Handover.select().count() == 0 and HandoverItem.select().count() == 0


def test_nothing_chosen_or_already_offered(advisor, colleague, leader, three):
    with pytest.raises(HandoverError) as raised:
        offer(HandoverDraft(colleague.id, HandoverMethod.EMAIL, ()), advisor, now=OFFER_AT)
    assert raised.value.problems == {"incidents": "Choose at least one incident to hand over."}
    offer(draft_for(three[:1], colleague), advisor, now=OFFER_AT)
    with pytest.raises(HandoverError) as raised:
        offer(draft_for(three[:2], leader), advisor, now=LATER)
    assert raised.value.problems == {item_key(three[0].id, "incident"): (
        f"{three[0].reference} is already offered to Alex Colleague (24/11/2026 12:00): "
        "withdraw that handover first.")}
    assert Handover.select().count() == 1


def test_a_team_leader_may_hand_over_anybodys_incident(advisor, colleague, leader, three):
    change = offer(draft_for(three[:1], colleague), leader, now=OFFER_AT)
    accept(change.handover_id, colleague, now=LATER)
    assert owners(three[:1]) == [colleague.id]
    [record] = handovers_for_incident(three[0].id)
    assert record.giver == "Tess Leader" and record.previous_owner == "Sam Advisor"


def test_only_the_receiver_accepts_or_queries(advisor, colleague, leader, three):
    change = offer(draft_for(three, colleague), advisor, now=OFFER_AT)
    for step in (lambda: accept(change.handover_id, leader, now=LATER),
                 lambda: query(change.handover_id, "?", advisor, now=LATER)):
        with pytest.raises(HandoverError) as raised:
            step()
        assert "addressed to Alex Colleague" in raised.value.problems["handover"]
    with pytest.raises(HandoverError) as raised:
        query(change.handover_id, "   ", colleague, now=LATER)
    assert "Say what is unclear" in raised.value.problems["reason"]
    assert HandoverState(Handover.get_by_id(change.handover_id).state) == HandoverState.OFFERED


def test_an_incident_closed_in_the_meantime_stops_the_whole_acceptance(advisor, colleague,
                                                                       three):
    change = offer(draft_for(three, colleague), advisor, now=OFFER_AT)
    change_status(three[2].id, Status.RESOLVED, advisor, "Fixed on the phone", now=LATER)
    rows = History.select().count()
    with pytest.raises(HandoverError) as raised:
        accept(change.handover_id, colleague, now=LATER + timedelta(minutes=1))
    assert raised.value.problems == {item_key(three[2].id, "incident"): (
        f"{three[2].reference} was resolved since it was offered: query the handover so "
        "that it can be offered again without it.")}
    assert owners(three) == [advisor.id] * 3  # not the first two either
    assert History.select().count() == rows
    assert HandoverState(Handover.get_by_id(change.handover_id).state) == HandoverState.OFFERED


def test_an_incident_given_to_someone_else_in_the_meantime_stops_it_too(advisor, colleague,
                                                                        leader, three):
    change = offer(draft_for(three[:2], colleague), advisor, now=OFFER_AT)
    Incident.update(owner=leader.id).where(Incident.id == three[1].id).execute()
    with pytest.raises(HandoverError) as raised:
        accept(change.handover_id, colleague, now=LATER)
    assert "has been given to Tess Leader since it was offered" in raised.value.problems[
        item_key(three[1].id, "incident")]
    assert owners(three[:1]) == [advisor.id]


def test_an_unknown_handover(advisor):
    with pytest.raises(HandoverError) as raised:
        accept(404, advisor)
    assert raised.value.problems == {"handover": "There is no handover with id 404."}


# --- what is read back ------------------------------------------------------------------------
def test_handovers_for_incident_and_the_timeline(advisor, colleague, three):
    first = offer(draft_for(three[:1], colleague, promised_to_caller="Call at 3"), advisor,
                  now=OFFER_AT)
    query(first.handover_id, "Who is the caller?", colleague, now=OFFER_AT + timedelta(minutes=1))
    withdraw(first.handover_id, advisor, now=OFFER_AT + timedelta(minutes=2))
    second = offer(draft_for(three[:1], colleague), advisor, now=OFFER_AT + timedelta(minutes=3))
    accept(second.handover_id, colleague, now=OFFER_AT + timedelta(minutes=4))
    records = handovers_for_incident(three[0].id)
    assert [(r.state, r.query_reason) for r in records] == [
        ("Withdrawn", "Who is the caller?"), ("Accepted", "")]
    assert records[0].promised_to_caller == "Call at 3"
    assert records[0].method == "Phone" and records[0].receiver == "Alex Colleague"
    assert records[0].status_at_handover == "Assigned"
    assert records[1].decided_at == OFFER_AT + timedelta(minutes=4)
    timeline = [(e.kind, e.title) for e in incident_timeline(three[0].id)
                if e.at >= OFFER_AT]
    assert timeline == [(Kind.HANDOVER, "Handover offered"), (Kind.HANDOVER, "Handover queried"),
                        (Kind.HANDOVER, "Handover withdrawn"),
                        (Kind.HANDOVER, "Handover offered"),
                        (Kind.HANDOVER, "Handover accepted")]  # no "Edited: Owner" beside it
    assert handovers_for_incident(three[1].id) == []


def test_shift_handovers_between(advisor, colleague, three):
    offer(draft_for(three[:1], colleague), advisor, now=OFFER_AT)
    offer(draft_for(three[1:], colleague), advisor, now=OFFER_AT + timedelta(hours=9))
    shift = handovers_between(OFFER_AT - timedelta(hours=1), OFFER_AT + timedelta(hours=8))
    assert [v.references() for v in shift] == [three[0].reference]


def test_facts_of_an_incident_on_hold(advisor, three):
    change_status(three[0].id, Status.ON_HOLD_CUSTOMER, advisor, "Asked for the account no.",
                  now=NOW)
    facts = handover_facts(Incident.get_by_id(three[0].id), NOW + timedelta(minutes=5))
    assert facts.status == "On hold: awaiting customer"
    assert facts.next_action == "Waiting on the customer: chase them if nothing comes."
    assert facts.last_update.startswith("24/11/2026 12:00, Sam Advisor: ")


def test_who_is_on_shift_counts_open_incidents(advisor, colleague, leader, three):
    change_status(three[2].id, Status.RESOLVED, advisor, "Done", now=NOW)
    offer(draft_for(three[:1], colleague), advisor, now=NOW)
    inactive = ensure_user("gone.user", "Gone User")
    inactive.active = False
    inactive.save()
    ensure_user("ann.assessor", "Ann Assessor", Role.ASSESSOR)
    loads = {c.name: c for c in who_is_on_shift(NOW)}
    assert set(loads) == {"Sam Advisor", "Alex Colleague", "Tess Leader"}
    assert loads["Sam Advisor"].open_incidents == 2
    assert loads["Alex Colleague"].open_incidents == 0
    assert loads["Alex Colleague"].pending_handovers == 1
    assert loads["Tess Leader"].role == "Team leader"
    assert next(iter(loads)) == "Sam Advisor"  # the busiest first


def test_erasing_personal_data_strikes_the_caller_out_of_handovers_and_support(
        advisor, colleague, three, db_path):
    from app.models.db import database
    from app.models.personal_data import ERASED, anonymise
    from app.models.support import SupportDraft, record_support, support_for_incident

    incident = three[0]
    name = incident.caller_name  # Olivia Taylor
    offer(draft_for(three[:1], colleague, promised_to_caller=f"Ring {name} back by 5pm",
                    risks=f"{name} is upset"), advisor, now=OFFER_AT)
    record_support(SupportDraft(advisor.id, "guidance", "chat", f"Helped calm {name}",
                                OFFER_AT, incident=incident.reference), colleague,
                   now=OFFER_AT)
    with database.atomic():
        anonymise(Incident.get_by_id(incident.id), advisor, "Retention", LATER)
    [record] = handovers_for_incident(incident.id)
    assert (record.promised_to_caller, record.risks) == (f"Ring {ERASED} back by 5pm",
                                                         f"{ERASED} is upset")
    assert support_for_incident(incident.id)[0].outcome == f"Helped calm {ERASED}"
    assert not any(name in (h.new_value or "") for h in incident_history(incident.id))
    assert verify_file(db_path).ok
