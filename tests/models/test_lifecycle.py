"""The lifecycle: every allowed move, every refused one, and the notes some moves need."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.models.lifecycle import (
    NOTE_REQUIRED,
    TRANSITIONS,
    Status,
    TransitionError,
    allowed_next,
    check_transition,
)


def test_every_status_has_its_moves_defined():
    assert set(TRANSITIONS) == set(Status)
    for targets in TRANSITIONS.values():
        assert set(targets) <= set(Status)


@pytest.mark.parametrize(("current", "target"), [
    (s, t) for s in Status for t in TRANSITIONS[s]])
def test_allowed_moves_pass_with_a_note(current, target):
    check_transition(current, target, note="because")


@pytest.mark.parametrize(("current", "target"), [
    (s, t) for s in Status for t in Status if t not in TRANSITIONS[s] and t != s])
def test_forbidden_moves_are_refused_with_the_options(current, target):
    with pytest.raises(TransitionError) as excinfo:
        check_transition(current, target, note="because")
    message = str(excinfo.value)
    assert current.label.lower() in message
    assert target.label.lower() in message
    for option in TRANSITIONS[current]:
        assert option.label.lower() in message


def test_closed_can_only_be_reopened():
    assert allowed_next(Status.CLOSED) == (Status.REOPENED,)
    with pytest.raises(TransitionError, match="cannot be moved to in progress"):
        check_transition(Status.CLOSED, Status.IN_PROGRESS)


def test_staying_put_is_not_a_move():
    with pytest.raises(TransitionError, match="already in progress"):
        check_transition(Status.IN_PROGRESS, Status.IN_PROGRESS)


@pytest.mark.parametrize("target", sorted(NOTE_REQUIRED))
def test_moves_that_need_a_note_say_which(target):
    current = next(s for s in Status if target in TRANSITIONS[s])
    with pytest.raises(TransitionError, match=NOTE_REQUIRED[target]):
        check_transition(current, target, note="   ")
    check_transition(current, target, note="done")


def test_first_contact_resolution_is_allowed():
    check_transition(Status.NEW, Status.RESOLVED, note="fixed on the call")


@given(st.lists(st.sampled_from(list(Status)), max_size=30))
def test_any_walk_stays_inside_the_lifecycle(targets):
    """Applying random requested moves: accepted ones are exactly the allowed ones."""
    current = Status.NEW
    for target in targets:
        try:
            check_transition(current, target, note="n")
        except TransitionError:
            assert target == current or target not in TRANSITIONS[current]
        else:
            assert target in TRANSITIONS[current]
            current = target
    assert current in TRANSITIONS


def test_open_and_on_hold_flags():
    assert not Status.RESOLVED.is_open and not Status.CLOSED.is_open
    assert Status.REOPENED.is_open
    assert {s for s in Status if s.is_on_hold} == {Status.ON_HOLD_CUSTOMER,
                                                   Status.ON_HOLD_THIRD_PARTY}
