"""Saving over someone else's change: the refusal names who changed what since the form
opened; re-applying my edits on top of theirs, conflicts named; the race decided by one
write."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import timedelta

import pytest

from app.models.audit import describe, incident_history
from app.models.edit_conflicts import (
    OtherChange,
    changes_since,
    history_mark,
    reapply,
    stale_message,
)
from app.models.entities import History, Incident
from app.models.incidents import (
    StaleIncidentError,
    change_status,
    create_incident,
    draft_from_incident,
    update_incident,
)
from app.models.lifecycle import Status
from tests.conftest import NOW, category, make_draft

LATER = NOW + timedelta(minutes=5)


@pytest.fixture
def incident(advisor):
    return create_incident(make_draft(), advisor, now=NOW)


def test_the_refusal_lists_who_changed_what_since_the_form_opened(incident, advisor,
                                                                  colleague, leader):
    opened = draft_from_incident(incident)
    mark = history_mark(incident.id)
    update_incident(incident.id, replace(opened, location="Leeds, depot"), colleague, 1,
                    now=LATER)
    change_status(incident.id, Status.IN_PROGRESS, leader, now=LATER + timedelta(minutes=1))

    with pytest.raises(StaleIncidentError) as refused:
        update_incident(incident.id, replace(opened, summary="Billing down"), advisor, 1,
                        now=LATER, seen_history=mark)

    error = refused.value
    assert error.reference == "INC-2026-000001"
    assert [(c.user, c.what, c.old, c.new) for c in error.changes] == [
        ("Alex Colleague", "Location", "Manchester, head office", "Leeds, depot"),
        ("Tess Leader", "Status", "New", "In progress")]
    assert str(error).splitlines() == [
        "INC-2026-000001 was changed by Alex Colleague and Tess Leader since you opened it:",
        "• 24/11/2026 12:05 Alex Colleague: Location “Manchester, head office” → "
        "“Leeds, depot”",
        "• 24/11/2026 12:06 Tess Leader: Status “New” → “In progress”"]
    stored = Incident.get_by_id(incident.id)
    assert (stored.summary, stored.version) == (incident.summary, 3)


def test_changes_since_use_the_history_tables_words(incident, advisor, colleague):
    mark = history_mark(incident.id)
    assert mark == History.select().count()
    draft = replace(draft_from_incident(incident), impact="high", owner_id=colleague.id,
                    category_id=category("Facilities").id, subcategory_id=None)
    update_incident(incident.id, draft, colleague, 1, now=LATER)
    shown = {c.what: (c.old, c.new) for c in changes_since(incident.id, mark)}
    assert shown["Impact"] == ("Medium", "High")
    assert shown["Owner"] == ("", "Alex Colleague")
    assert shown["Category"] == ("IT system failure", "Facilities")
    assert shown["Priority"] == ("P2 High", "P1 Critical")
    # the same rows, in the same words, as the history the detail pane shows
    described = [describe(e)[0] for e in incident_history(incident.id)[1:]]
    assert [c.what for c in changes_since(incident.id, mark)] == described
    assert changes_since(incident.id, history_mark(incident.id)) == []


def test_without_a_mark_the_refusal_names_the_last_change_and_when(incident, advisor,
                                                                   colleague):
    update_incident(incident.id, replace(draft_from_incident(incident), location="Leeds"),
                    colleague, 1, now=LATER)
    with pytest.raises(StaleIncidentError) as refused:
        update_incident(incident.id, replace(draft_from_incident(incident), location="York"),
                        advisor, 1, now=LATER)
    assert refused.value.changes == ()
    assert str(refused.value) == ("INC-2026-000001 was changed by Alex Colleague at "
                                  "24/11/2026 12:05 since you opened it. Open it again to "
                                  "see the changes.")


def test_a_long_list_is_cut_short_and_counted():
    changes = [OtherChange(NOW, "Alex Colleague", "Location", str(n), str(n + 1))
               for n in range(25)]
    lines = stale_message("INC-2026-000009", changes).splitlines()
    assert len(lines) == 1 + 20 + 1
    assert lines[-1] == "• and 5 more change(s)."


def test_an_edit_that_changes_nothing_keeps_the_version(incident, advisor):
    update_incident(incident.id, draft_from_incident(incident), advisor, 1, now=LATER)
    assert Incident.get_by_id(incident.id).version == 1
    # and a later save against that version still succeeds
    update_incident(incident.id, replace(draft_from_incident(incident), location="York"),
                    advisor, 1, now=LATER)
    assert Incident.get_by_id(incident.id).version == 2


# --- re-applying mine on top of theirs -------------------------------------------------------
def test_reapply_takes_theirs_where_i_did_not_touch_and_mine_where_i_did(db):
    opened = make_draft()
    edited = replace(opened, summary="Billing down", location="York")
    current = replace(opened, caller_phone="0161 496 0999", location="Leeds")
    result = reapply(opened, edited, current)
    assert result.draft == replace(opened, summary="Billing down", location="York",
                                   caller_phone="0161 496 0999")
    assert result.mine == ("location", "summary")
    assert result.theirs == ("caller_phone",)
    assert [(c.field, c.label, c.theirs, c.mine) for c in result.conflicts] == [
        ("location", "Location", "Leeds", "York")]


def test_the_same_change_by_both_is_no_conflict(db):
    opened = make_draft()
    both = replace(opened, location="York")
    assert reapply(opened, both, both).conflicts == ()


def test_fields_that_go_together_are_taken_together(db):
    opened = make_draft()
    # I moved it to Facilities with no subcategory; they changed only the subcategory
    edited = replace(opened, category_id=category("Facilities").id, subcategory_id=None)
    current = replace(opened, subcategory_id=category("Network or connectivity").id)
    result = reapply(opened, edited, current)
    assert (result.draft.category_id, result.draft.subcategory_id) == (
        category("Facilities").id, None)
    assert [(c.label, c.theirs) for c in result.conflicts] == [
        ("Subcategory", "Network or connectivity")]
    # I raised the impact by hand; they changed the urgency: my levels go as a pair
    edited = replace(opened, impact="high")
    current = replace(opened, urgency="low")
    result = reapply(opened, edited, current)
    assert (result.draft.impact, result.draft.urgency) == ("high", "high")
    assert [(c.label, c.theirs, c.mine) for c in result.conflicts] == [
        ("Urgency", "Low", "High")]


def test_a_reapplied_draft_saves_against_the_new_version(incident, advisor, colleague):
    opened = draft_from_incident(incident)
    mark = history_mark(incident.id)
    update_incident(incident.id, replace(opened, location="Leeds", caller_phone="0113 496 0000"),
                    colleague, 1, now=LATER)
    edited = replace(opened, location="York", summary="Billing down")
    with pytest.raises(StaleIncidentError):
        update_incident(incident.id, edited, advisor, 1, now=LATER, seen_history=mark)
    now = Incident.get_by_id(incident.id)
    result = reapply(opened, edited, draft_from_incident(now))
    update_incident(incident.id, result.draft, advisor, now.version, now=LATER)
    stored = Incident.get_by_id(incident.id)
    assert (stored.location, stored.summary, stored.caller_phone, stored.version) == (
        "York", "Billing down", "0113 496 0000", 3)
    trail = [(e.user, e.field) for e in incident_history(incident.id)
             if e.field in ("location", "summary", "caller_phone")]
    assert trail == [("Alex Colleague", "caller_phone"), ("Alex Colleague", "location"),
                     ("Sam Advisor", "location"), ("Sam Advisor", "summary")]


def test_two_processes_saving_the_same_version_one_wins_one_is_told(incident, db_path):
    """Two workstations (processes) save against version 1 at once, many times over: each
    round exactly one save lands, and the other is refused, never lost silently."""
    script = textwrap.dedent(f"""
        import sys
        from dataclasses import replace
        from app.models.db import open_database
        from app.models.incidents import (StaleIncidentError, draft_from_incident,
                                          get_incident, update_incident)
        from app.models.users import ensure_user
        open_database({str(db_path)!r})
        me = ensure_user(sys.argv[1], sys.argv[1].title())
        saved = refused = 0
        for n in range(40):
            incident = get_incident({incident.id})
            draft = replace(draft_from_incident(incident), location=f"{{sys.argv[1]}} {{n}}")
            try:
                update_incident(incident.id, draft, me, incident.version)
                saved += 1
            except StaleIncidentError:
                refused += 1
        print(saved, refused)
    """)
    runs = [subprocess.Popen([sys.executable, "-c", script, name], stdout=subprocess.PIPE,
                             text=True) for name in ("ann", "bob")]
    counts = [tuple(map(int, run.communicate(timeout=120)[0].split())) for run in runs]
    assert all(run.returncode == 0 for run in runs)
    saved = sum(s for s, _ in counts)
    assert sum(s + r for s, r in counts) == 80
    stored = Incident.get_by_id(incident.id)
    # every save that was not refused is one version and one location row in the trail
    assert stored.version == 1 + saved
    assert History.select().where(History.incident == incident.id,
                                  History.field == "location").count() == saved
