"""Drafts kept on disk while an incident is being logged."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.models.drafts import DraftError, DraftStore, draft_from_json, draft_to_json
from app.models.validation import IncidentDraft

SAVED_AT = datetime(2026, 11, 24, 14, 5, 12, tzinfo=UTC)


def typed(**values) -> IncidentDraft:
    """A half-typed draft, as an advisor leaves it mid-call (not valid yet)."""
    fields = dict(received_at=datetime(2026, 11, 24, 14, 1, tzinfo=UTC),
                  caller_name="  Olivia Taylor", summary="Billing down for ",
                  description="Line one\nline two\t", category_id=3, impact="high")
    return IncidentDraft(**(fields | values))


def test_a_saved_draft_comes_back_exactly_as_typed(tmp_path):
    store = DraftStore(tmp_path / "incidents.sqlite", "sam.advisor")
    draft = typed(details_confirmed=True, priority_override=1,
                  priority_override_reason="caller is a hospital")
    store.save(draft, now=SAVED_AT)
    saved = DraftStore(tmp_path / "incidents.sqlite", "sam.advisor").load()
    assert saved.draft == draft  # spaces included: it is what was typed, not yet cleaned
    assert saved.saved_at == SAVED_AT
    assert store.path.parent == tmp_path / "drafts"
    assert not store.path.with_suffix(".tmp").exists()


@given(st.text(st.characters(codec=None), max_size=200))
def test_any_text_survives_the_round_trip(text):
    draft = typed(caller_name=text, description=text)
    assert draft_from_json(draft_to_json(draft, SAVED_AT)).draft == draft


def test_each_user_and_database_has_its_own_draft(tmp_path):
    mine = DraftStore(tmp_path / "a.sqlite", "sam.advisor")
    theirs = DraftStore(tmp_path / "a.sqlite", r"CORP\alex colleague")
    other_db = DraftStore(tmp_path / "b.sqlite", "sam.advisor")
    mine.save(typed(), now=SAVED_AT)
    assert theirs.load() is None and other_db.load() is None
    assert theirs.path.name == "a.CORP_alex_colleague.json"


def test_no_draft_is_none_and_discard_removes_it(tmp_path):
    store = DraftStore(tmp_path / "incidents.sqlite", "sam.advisor")
    assert store.load() is None
    store.discard()  # nothing to remove: no error
    store.save(typed(), now=SAVED_AT)
    store.discard()
    assert store.load() is None and not store.path.exists()


def test_a_save_that_fails_keeps_the_previous_draft(tmp_path):
    store = DraftStore(tmp_path / "incidents.sqlite", "sam.advisor")
    store.save(typed(), now=SAVED_AT)
    store.path.with_suffix(".tmp").mkdir()  # the temporary file cannot be written
    with pytest.raises(DraftError, match="Cannot save the draft"):
        store.save(typed(caller_name="Someone else"), now=SAVED_AT)
    assert store.load().draft == typed()


@pytest.mark.parametrize("content", [
    "{not json", json.dumps({"format": 99, "draft": {}, "saved_at": "2026-11-24"}),
    json.dumps({"format": 1, "saved_at": "2026-11-24T14:00:00+00:00",
                "draft": {"caller_name": 12}}),
    json.dumps([1, 2]),
])
def test_an_unreadable_draft_is_reported_once_and_kept_aside(tmp_path, content):
    store = DraftStore(tmp_path / "incidents.sqlite", "sam.advisor")
    store.path.parent.mkdir()
    store.path.write_text(content)
    with pytest.raises(DraftError) as excinfo:
        store.load()
    aside = store.path.with_suffix(".unreadable.json")
    assert str(aside) in str(excinfo.value)
    assert aside.read_text() == content
    assert store.load() is None
