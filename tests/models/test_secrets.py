"""Secrets in the system keyring: stored, read and removed; refused clearly with no keyring."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import chainer, null

from app.models.secrets import (
    SERVICE,
    KeyringUnavailableError,
    delete_secret,
    get_secret,
    keyring_available,
    set_secret,
)
from tests.keyring_memory import MemoryKeyring, no_keyring, use_keyring


def test_a_secret_is_stored_under_the_applications_name():
    with use_keyring(MemoryKeyring()) as backend:
        assert keyring_available()
        assert get_secret("smtp:desk@smtp.example.org:587") is None
        set_secret("smtp:desk@smtp.example.org:587", "pa55")
        assert backend.secrets == {("Incident Desk", "smtp:desk@smtp.example.org:587"):
                                   "pa55"}
        assert SERVICE == "Incident Desk"
        assert get_secret("smtp:desk@smtp.example.org:587") == "pa55"
        delete_secret("smtp:desk@smtp.example.org:587")
        assert backend.secrets == {}
        delete_secret("smtp:desk@smtp.example.org:587")  # not there: no error


def test_the_previous_keyring_is_back_after_use():
    before = keyring.get_keyring()
    with use_keyring(MemoryKeyring()):
        assert keyring.get_keyring() is not before
    assert keyring.get_keyring() is before


@pytest.mark.parametrize("backend", [no_keyring(), null.Keyring(),
                                     chainer.ChainerBackend()])
def test_without_a_keyring_reading_and_storing_say_why(backend):
    with use_keyring(backend):
        assert not keyring_available()
        for attempt in (lambda: get_secret("x"), lambda: set_secret("x", "pa55")):
            with pytest.raises(KeyringUnavailableError) as refused:
                attempt()
            assert str(refused.value) == (
                "This computer has no system keyring service (no keyring backend was "
                "found), so the password cannot be stored; it will be asked for each time.")
        delete_secret("x")  # nothing can be stored, so nothing to remove
