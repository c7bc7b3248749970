"""Problem records: references, the lifecycle and what each status needs, who may change
what, stale edits, links with their history rows on the incident, counts and candidates."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from app.models.audit import describe, incident_history
from app.models.entities import Incident, Problem, ProblemEvent
from app.models.history_chain import verify_file
from app.models.incidents import change_status, create_incident
from app.models.lifecycle import Status
from app.models.permissions import Role, RolePermissionError
from app.models.problems import (
    ACTIVE,
    TRANSITIONS,
    LinkError,
    ProblemDraft,
    ProblemError,
    ProblemStatus,
    StaleProblemError,
    allowed_next,
    candidate_incidents,
    create_problem,
    describe_event,
    draft_from_problem,
    get_problem,
    link_incident,
    note_needed,
    problem_events,
    problem_fix,
    problem_incidents,
    problem_of,
    problems,
    unlink_incident,
    update_problem,
)
from app.models.timeline import incident_timeline
from app.models.users import ensure_user
from tests.conftest import NOW, category, make_draft

ROOT = Path(__file__).resolve().parents[2]
KNOWN = dict(root_cause="The billing server's certificate expired overnight.",
             workaround="Open billing through the backup address billing2.example.org.")


@pytest.fixture
def assessor(db):
    return ensure_user("ada.assessor", "Ada Assessor", Role.ASSESSOR)


def incident(advisor, hours: float = 0, **overrides) -> Incident:
    return create_incident(make_draft(received_at=NOW - timedelta(days=2, hours=-hours),
                                      **overrides), advisor, now=NOW - timedelta(days=1))


def raise_problem(by, title="Billing system keeps failing", **values) -> Problem:
    return create_problem(ProblemDraft(title=title, **values), by, now=NOW)


def edit(problem: Problem, by, **changes):
    """Save the problem as stored with ``changes``, at the version it has now."""
    fresh = get_problem(problem.id)
    draft = draft_from_problem(fresh)
    values = {name: getattr(draft, name) for name in draft.__dataclass_fields__}
    values.update(changes)
    return update_problem(problem.id, ProblemDraft(**values), by, fresh.version, now=NOW)


def event_rows(problem: Problem) -> list[tuple[str, str, str]]:
    return [describe_event(e) for e in problem_events(problem.id)]


# --- references ---------------------------------------------------------------------------
def test_references_count_up_per_year_from_their_own_counter(db, advisor):
    incident(advisor)  # incidents number on their own
    refs = [raise_problem(advisor).reference for _ in range(3)]
    assert refs == ["PRB-2026-0001", "PRB-2026-0002", "PRB-2026-0003"]
    next_year = create_problem(ProblemDraft(title="New year"), advisor,
                               now=NOW.replace(year=2027, month=1, day=2))
    assert next_year.reference == "PRB-2027-0001"


def test_two_workstations_raising_problems_at_once_never_share_a_reference(db, db_path,
                                                                          advisor):
    """Two processes raise problems on the same file at the same time."""
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from app.models.db import open_database
        from app.models.entities import User
        from app.models.problems import ProblemDraft, create_problem
        open_database({str(db_path)!r})
        by = User.get_by_id({advisor.id})
        sys.stdin.readline()
        for n in range(15):
            create_problem(ProblemDraft(title=f"From {{sys.argv[1]}} {{n}}"), by)
    """)
    writers = [subprocess.Popen([sys.executable, "-c", script, name], stdin=subprocess.PIPE,
                                cwd=ROOT) for name in ("a", "b")]
    for writer in writers:
        writer.stdin.write(b"go\n")
        writer.stdin.flush()
    for writer in writers:
        writer.stdin.close()
        assert writer.wait(timeout=60) == 0
    numbers = sorted(int(p.reference.rsplit("-", 1)[1]) for p in Problem.select())
    assert numbers == list(range(1, 31))


# --- raising ------------------------------------------------------------------------------
def test_anyone_who_works_incidents_raises_a_problem_with_its_trail(db, advisor):
    problem = raise_problem(advisor, description="Third time this week.", owner_id=advisor.id)
    stored = get_problem(problem.id)
    assert (stored.status, stored.title, stored.version) == ("open", problem.title, 1)
    assert stored.created_by_id == advisor.id and stored.known_error_at is None
    assert event_rows(problem) == [
        ("Raised", "", "PRB-2026-0001: Billing system keeps failing"),
        ("Description", "", "Third time this week."),
        ("Owner", "", "Sam Advisor")]


def test_an_assessor_reads_problems_but_cannot_raise_one(db, assessor):
    with pytest.raises(RolePermissionError, match="assessor"):
        raise_problem(assessor)
    assert Problem.select().count() == 0


def test_an_advisor_cannot_give_a_root_cause_workaround_or_status(db, advisor):
    for values in ({"root_cause": "Expired certificate"}, {"workaround": "Use the backup"},
                   {"status": ProblemStatus.INVESTIGATING}):
        with pytest.raises(RolePermissionError, match="team leader"):
            raise_problem(advisor, **values)
    assert Problem.select().count() == 0


def test_a_leader_raises_a_known_error_at_once_with_what_it_needs(db, leader):
    problem = raise_problem(leader, status=ProblemStatus.KNOWN_ERROR, **KNOWN)
    stored = get_problem(problem.id)
    assert stored.status == "known_error" and stored.known_error_at == NOW
    assert ("Status", "Open", "Known error") in event_rows(problem)
    with pytest.raises(ProblemError) as refused:
        raise_problem(leader, status=ProblemStatus.KNOWN_ERROR, root_cause="Known")
    assert set(refused.value.problems) == {"workaround"}


@pytest.mark.parametrize(("values", "field", "words"), [
    ({"title": "   "}, "title", "required"),
    ({"title": "x" * 201}, "title", "at most 200"),
    ({"title": "Two\nlines"}, "title", "one line"),
    ({"description": "bell\x07"}, "description", "control character"),
    ({"description": "x" * 10_001}, "description", "at most 10,000"),
    ({"owner_id": 9999}, "owner_id", "not a colleague"),
])
def test_bad_input_is_refused_naming_the_field(db, advisor, values, field, words):
    with pytest.raises(ProblemError) as refused:
        raise_problem(advisor, **values)
    assert field in refused.value.problems
    assert words in refused.value.problems[field]
    assert Problem.select().count() == ProblemEvent.select().count() == 0


def test_an_assessor_cannot_own_a_problem(db, advisor, assessor):
    with pytest.raises(ProblemError, match="Ada Assessor is an assessor"):
        raise_problem(advisor, owner_id=assessor.id)


def test_a_title_is_trimmed_and_a_description_keeps_its_lines(db, advisor):
    problem = raise_problem(advisor, title="  Billing fails \u00a0", description="One\nTwo ")
    assert (problem.title, problem.description) == ("Billing fails", "One\nTwo")


def test_raising_from_an_incident_links_it_in_the_same_transaction(db, advisor):
    inc = incident(advisor)
    problem = create_problem(ProblemDraft(title="Billing"), advisor, incident_id=inc.id,
                             now=NOW)
    assert problem_of(inc.id).reference == problem.reference
    assert [i.reference for i in problem_incidents(problem.id)] == [inc.reference]


def test_raising_from_an_incident_already_linked_writes_nothing(db, advisor):
    inc = incident(advisor)
    first = create_problem(ProblemDraft(title="First"), advisor, incident_id=inc.id, now=NOW)
    with pytest.raises(LinkError, match=f"already linked to {first.reference}"):
        create_problem(ProblemDraft(title="Second"), advisor, incident_id=inc.id, now=NOW)
    assert Problem.select().count() == 1
    assert raise_problem(advisor).reference == "PRB-2026-0002"  # the number was not used


# --- the lifecycle -----------------------------------------------------------------------
def test_the_allowed_moves_are_one_table_and_closed_is_final():
    assert allowed_next("open") == TRANSITIONS[ProblemStatus.OPEN]
    assert allowed_next(ProblemStatus.CLOSED) == ()
    assert ProblemStatus.CLOSED in allowed_next(ProblemStatus.RESOLVED)
    assert note_needed("resolved", "closed") is None
    assert note_needed("open", "investigating") is None
    assert "fix" in note_needed("investigating", "resolved")
    assert "again" in note_needed("known_error", "investigating")
    assert "without a fix" in note_needed("investigating", "closed")


def test_a_problem_goes_from_open_to_closed_with_its_trail(db, advisor, leader):
    problem = raise_problem(advisor)
    edit(problem, leader, status=ProblemStatus.INVESTIGATING, owner_id=leader.id)
    edit(problem, leader, status=ProblemStatus.KNOWN_ERROR, **KNOWN)
    assert get_problem(problem.id).known_error_at == NOW
    edit(problem, leader, status=ProblemStatus.RESOLVED, note="Certificate renewed; "
                                                              "renewal now automatic.")
    assert problem_fix(problem.id) == "Certificate renewed; renewal now automatic."
    edit(problem, leader, status=ProblemStatus.CLOSED)
    stored = get_problem(problem.id)
    assert (stored.status, stored.resolved_at, stored.closed_at) == ("closed", NOW, NOW)
    assert stored.known_error_at == NOW  # it was a known error, and the list says so
    assert event_rows(problem)[1:] == [
        ("Owner", "", "Tess Leader"),
        ("Status", "Open", "Investigating"),
        ("Root cause", "", KNOWN["root_cause"]),
        ("Workaround", "", KNOWN["workaround"]),
        ("Status", "Investigating", "Known error"),
        ("Status", "Known error", "Resolved"),
        ("Fix", "", "Certificate renewed; renewal now automatic."),
        ("Status", "Resolved", "Closed")]


def test_a_known_error_needs_a_root_cause_and_a_workaround_and_keeps_them(db, leader):
    problem = raise_problem(leader)
    with pytest.raises(ProblemError) as refused:
        edit(problem, leader, status=ProblemStatus.KNOWN_ERROR)
    assert set(refused.value.problems) == {"root_cause", "workaround"}
    assert "what advisors can do" in refused.value.problems["workaround"]
    edit(problem, leader, status=ProblemStatus.KNOWN_ERROR, **KNOWN)
    with pytest.raises(ProblemError) as emptied:
        edit(problem, leader, workaround="")
    assert set(emptied.value.problems) == {"workaround"}
    assert get_problem(problem.id).workaround == KNOWN["workaround"]


def test_resolving_needs_the_root_cause_and_the_fix(db, leader):
    problem = raise_problem(leader)
    with pytest.raises(ProblemError) as refused:
        edit(problem, leader, status=ProblemStatus.RESOLVED)
    assert set(refused.value.problems) == {"root_cause", "note"}
    assert "the fix" in refused.value.problems["note"]
    assert get_problem(problem.id).status == "open"


def test_a_move_the_table_does_not_allow_is_refused_saying_what_is(db, leader):
    problem = raise_problem(leader)
    edit(problem, leader, status=ProblemStatus.RESOLVED, note="Patched.", **KNOWN)
    with pytest.raises(ProblemError) as refused:
        edit(problem, leader, status=ProblemStatus.KNOWN_ERROR)
    assert refused.value.problems["status"] == (
        "Status: a problem that is resolved cannot be moved to known error; it can be "
        "moved to: closed, investigating.")


def test_back_to_investigating_says_why_and_is_no_longer_a_known_error(db, leader):
    problem = raise_problem(leader, status=ProblemStatus.KNOWN_ERROR, **KNOWN)
    with pytest.raises(ProblemError, match="why it is investigated again"):
        edit(problem, leader, status=ProblemStatus.INVESTIGATING)
    edit(problem, leader, status=ProblemStatus.INVESTIGATING,
         note="The certificate was fine; the cause is elsewhere.")
    assert get_problem(problem.id).known_error_at is None
    assert event_rows(problem)[-1] == ("Note", "",
                                       "The certificate was fine; the cause is elsewhere.")


def test_closing_without_a_fix_says_why(db, leader):
    problem = raise_problem(leader)
    with pytest.raises(ProblemError, match="why it is closed without a fix"):
        edit(problem, leader, status=ProblemStatus.CLOSED)
    edit(problem, leader, status=ProblemStatus.CLOSED, note="Duplicate of PRB-2026-0007.")
    assert get_problem(problem.id).closed_at == NOW


def test_a_closed_problem_cannot_be_changed(db, leader):
    problem = raise_problem(leader)
    edit(problem, leader, status=ProblemStatus.CLOSED, note="Raised in error.")
    with pytest.raises(ProblemError, match="is closed: it cannot be changed"):
        edit(problem, leader, title="Renamed")
    assert get_problem(problem.id).title == "Billing system keeps failing"


def test_an_advisor_edits_the_title_but_not_the_cause_workaround_or_status(db, advisor,
                                                                           leader):
    problem = raise_problem(advisor)
    edit(problem, advisor, title="Billing fails every Monday", description="Since May.")
    assert get_problem(problem.id).title == "Billing fails every Monday"
    with pytest.raises(RolePermissionError, match=r"changing the root cause and status"):
        edit(problem, advisor, status=ProblemStatus.KNOWN_ERROR, **{"root_cause": "Cert"})
    with pytest.raises(RolePermissionError, match="changing the status"):
        edit(problem, advisor, status=ProblemStatus.CLOSED, note="Not needed")
    assert get_problem(problem.id).status == "open"
    # a leader's known error: the advisor still edits the title, keeping the leader's texts
    edit(problem, leader, status=ProblemStatus.KNOWN_ERROR, **KNOWN)
    edit(problem, advisor, title="Billing fails on Mondays")
    assert get_problem(problem.id).workaround == KNOWN["workaround"]


def test_an_assessor_cannot_edit(db, advisor, assessor):
    problem = raise_problem(advisor)
    with pytest.raises(RolePermissionError, match="assessor"):
        edit(problem, assessor, title="Changed")


def test_a_stale_edit_is_refused_naming_who_changed_it_and_when(db, advisor, leader):
    problem = raise_problem(advisor)
    opened = get_problem(problem.id).version
    edit(problem, leader, title="Leader's title")
    with pytest.raises(StaleProblemError) as refused:
        update_problem(problem.id, ProblemDraft(title="Mine"), advisor, opened, now=NOW)
    assert str(refused.value) == (f"{problem.reference} was changed by Tess Leader at "
                                  "24/11/2026 12:00 since you opened it. Open it again to see "
                                  "the changes.")
    assert get_problem(problem.id).title == "Leader's title"


def test_saving_nothing_new_changes_nothing(db, advisor):
    problem = raise_problem(advisor)
    change = edit(problem, advisor)
    assert change.fields == ()
    assert get_problem(problem.id).version == 1
    assert len(problem_events(problem.id)) == 1


def test_a_note_alone_goes_to_the_trail(db, advisor):
    problem = raise_problem(advisor)
    change = edit(problem, advisor, note="Seen again at the depot.")
    assert change.fields == ("note",)
    assert event_rows(problem)[-1] == ("Note", "", "Seen again at the depot.")
    assert get_problem(problem.id).version == 2


# --- links -------------------------------------------------------------------------------
def test_linking_writes_the_incident_history_and_the_problem_trail(db, advisor):
    inc = incident(advisor)
    problem = raise_problem(advisor)
    version = Incident.get_by_id(inc.id).version
    change = link_incident(inc.id, problem.id, advisor, now=NOW)
    assert change.incident_id == inc.id and change.fields == ("problem",)
    last = incident_history(inc.id)[-1]
    assert (last.action, last.field, last.user) == ("changed", "problem", "Sam Advisor")
    assert describe(last) == ("Problem", "", "PRB-2026-0001: Billing system keeps failing")
    assert event_rows(problem)[-1] == (
        "Incident linked", "", f"{inc.reference}: Billing system not loading for the whole "
                               "team")
    # an open edit form of the incident is not made stale by the link
    assert Incident.get_by_id(inc.id).version == version
    timeline = incident_timeline(inc.id)
    assert any(e.title == "Edited" and "Problem" in e.detail for e in timeline)


def test_unlinking_writes_both_too(db, advisor):
    inc = incident(advisor)
    problem = raise_problem(advisor)
    link_incident(inc.id, problem.id, advisor, now=NOW)
    unlink_incident(inc.id, problem.id, advisor, now=NOW)
    assert problem_of(inc.id) is None
    assert describe(incident_history(inc.id)[-1]) == (
        "Problem", "PRB-2026-0001: Billing system keeps failing", "")
    assert event_rows(problem)[-1][0] == "Incident unlinked"
    with pytest.raises(LinkError, match="is not linked to"):
        unlink_incident(inc.id, problem.id, advisor, now=NOW)


def test_an_incident_has_at_most_one_problem(db, advisor):
    inc = incident(advisor)
    first, second = raise_problem(advisor, "First"), raise_problem(advisor, "Second")
    link_incident(inc.id, first.id, advisor, now=NOW)
    with pytest.raises(LinkError, match="already linked to PRB-2026-0001"):
        link_incident(inc.id, first.id, advisor, now=NOW)
    with pytest.raises(LinkError) as refused:
        link_incident(inc.id, second.id, advisor, now=NOW)
    assert str(refused.value) == (f"{inc.reference} is already linked to PRB-2026-0001 "
                                  "(First); an incident has one problem. Unlink it from "
                                  "PRB-2026-0001 first.")
    assert problem_of(inc.id).reference == "PRB-2026-0001"
    assert len([h for h in incident_history(inc.id) if h.field == "problem"]) == 1


def test_a_closed_problem_takes_no_incidents_and_keeps_its_own(db, advisor, leader):
    linked, other = incident(advisor), incident(advisor, hours=1)
    problem = raise_problem(leader)
    link_incident(linked.id, problem.id, advisor, now=NOW)
    edit(problem, leader, status=ProblemStatus.CLOSED, note="Not reproducible.")
    with pytest.raises(LinkError, match="is closed: incidents cannot be linked"):
        link_incident(other.id, problem.id, advisor, now=NOW)
    with pytest.raises(LinkError, match="is closed"):
        unlink_incident(linked.id, problem.id, advisor, now=NOW)
    assert problem_of(other.id) is None and problem_of(linked.id) is not None


def test_a_resolved_problem_still_takes_a_recurrence(db, advisor, leader):
    inc = incident(advisor)
    problem = raise_problem(leader, status=ProblemStatus.RESOLVED, note="Patched.", **KNOWN)
    link_incident(inc.id, problem.id, advisor, now=NOW)
    assert problem_of(inc.id).status == ProblemStatus.RESOLVED


def test_an_assessor_cannot_link_or_unlink(db, advisor, assessor):
    inc = incident(advisor)
    problem = raise_problem(advisor)
    with pytest.raises(RolePermissionError):
        link_incident(inc.id, problem.id, assessor, now=NOW)
    link_incident(inc.id, problem.id, advisor, now=NOW)
    with pytest.raises(RolePermissionError):
        unlink_incident(inc.id, problem.id, assessor, now=NOW)


def test_links_keep_the_history_chain_whole(db, db_path, advisor):
    inc = incident(advisor)
    problem = raise_problem(advisor)
    link_incident(inc.id, problem.id, advisor, now=NOW)
    unlink_incident(inc.id, problem.id, advisor, now=NOW)
    assert verify_file(db_path).ok


def test_what_an_incident_shows_of_its_problem(db, advisor, leader):
    inc = incident(advisor)
    assert problem_of(inc.id) is None
    problem = raise_problem(leader, status=ProblemStatus.KNOWN_ERROR, **KNOWN)
    link_incident(inc.id, problem.id, advisor, now=NOW)
    shown = problem_of(inc.id)
    assert (shown.reference, shown.title, shown.status) == (
        "PRB-2026-0001", "Billing system keeps failing", ProblemStatus.KNOWN_ERROR)
    assert shown.workaround == KNOWN["workaround"] and shown.workaround_applies
    edit(problem, leader, status=ProblemStatus.RESOLVED, note="Renewed.")
    assert not problem_of(inc.id).workaround_applies  # fixed: nothing to work around


# --- the list -----------------------------------------------------------------------------
def test_the_list_counts_incidents_and_open_ones_in_one_query(db, advisor, leader):
    first, second = raise_problem(advisor, "Billing fails"), raise_problem(leader, "Phones",
                                                                          owner_id=leader.id)
    incidents = [incident(advisor, hours=n) for n in range(3)]
    for inc in incidents:
        link_incident(inc.id, first.id, advisor, now=NOW)
    change_status(incidents[0].id, Status.RESOLVED, advisor, "Restarted", now=NOW)
    rows = problems()
    assert [(r.reference, r.incidents, r.open_incidents, r.owner) for r in rows] == [
        ("PRB-2026-0002", 0, 0, "Tess Leader"), ("PRB-2026-0001", 3, 2, "")]
    assert [r.status for r in rows] == [ProblemStatus.OPEN, ProblemStatus.OPEN]
    assert second.id == rows[0].id


def test_the_list_filters_by_status_and_active(db, leader):
    raise_problem(leader, "Open one")
    known = raise_problem(leader, "Known one", status=ProblemStatus.KNOWN_ERROR, **KNOWN)
    closed = raise_problem(leader, "Closed one")
    edit(closed, leader, status=ProblemStatus.CLOSED, note="Duplicate.")
    assert [r.title for r in problems(ProblemStatus.KNOWN_ERROR)] == ["Known one"]
    assert [r.known_error for r in problems(ProblemStatus.KNOWN_ERROR)] == [True]
    assert [r.title for r in problems(ACTIVE)] == ["Known one", "Open one"]
    assert [r.title for r in problems("closed")] == ["Closed one"]
    assert len(problems()) == 3
    assert known.reference in {r.reference for r in problems(ACTIVE)}


def test_the_list_searches_reference_title_cause_and_workaround(db, leader):
    raise_problem(leader, "Billing fails", status=ProblemStatus.KNOWN_ERROR, **KNOWN)
    raise_problem(leader, "Phones drop at 50% load")
    raise_problem(leader, "Under_score in a name")
    assert [r.title for r in problems(text="BILLING")] == ["Billing fails"]
    assert [r.title for r in problems(text="certificate")] == ["Billing fails"]
    assert [r.title for r in problems(text="billing2.example")] == ["Billing fails"]
    assert [r.title for r in problems(text="prb-2026-0002")] == ["Phones drop at 50% load"]
    assert [r.title for r in problems(text="50%")] == ["Phones drop at 50% load"]
    assert problems(text="5%") == []  # % is a character, not a wildcard
    assert [r.title for r in problems(text="r_s")] == ["Under_score in a name"]
    assert problems(text="e_s") == []
    assert [r.title for r in problems(text="  fails  ")] == ["Billing fails"]


# --- candidates -----------------------------------------------------------------------------
def test_candidates_are_recent_unlinked_incidents_of_the_same_category(db, advisor):
    it = category("IT system failure").id
    linked = incident(advisor)
    same = [incident(advisor, hours=n) for n in (1, 2)]
    incident(advisor, hours=3, category_id=category("Facilities").id, subcategory_id=None)
    old = create_incident(make_draft(received_at=NOW - timedelta(days=45)), advisor,
                          now=NOW - timedelta(days=45))
    problem = raise_problem(advisor)
    assert candidate_incidents(problem.id, now=NOW) == []  # no incident, no category yet
    link_incident(linked.id, problem.id, advisor, now=NOW)
    found = candidate_incidents(problem.id, now=NOW)
    assert [c.reference for c in found] == [same[1].reference, same[0].reference]
    assert {c.category for c in found} == {"IT system failure"}
    assert old.reference in {c.reference for c in candidate_incidents(problem.id, days=60,
                                                                      now=NOW)}
    assert [c.reference for c in candidate_incidents(category_id=it, now=NOW)] == [
        same[1].reference, same[0].reference]
    other = raise_problem(advisor, "Other")
    link_incident(same[0].id, other.id, advisor, now=NOW)
    assert [c.reference for c in candidate_incidents(problem.id, now=NOW)] == [
        same[1].reference]


def test_problem_incidents_oldest_first(db, advisor):
    problem = raise_problem(advisor)
    later, earlier = incident(advisor, hours=5), incident(advisor, hours=1)
    for inc in (later, earlier):
        link_incident(inc.id, problem.id, advisor, now=NOW)
    rows = problem_incidents(problem.id)
    assert [r.reference for r in rows] == [earlier.reference, later.reference]
    assert rows[0].status == "new" and rows[0].summary.startswith("Billing system")
