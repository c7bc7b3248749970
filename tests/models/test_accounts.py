"""User accounts and signing in: the administrator's rules, argon2 hashes, remember-me tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from app.models.accounts import (
    PASSWORD_RULE,
    USERS_AREA,
    add_user,
    change_role,
    passwords_required,
    set_active,
    set_password,
    set_passwords_required,
    users,
)
from app.models.entities import ConfigChange, User
from app.models.permissions import Role, RolePermissionError
from app.models.secrets import KeyringUnavailableError
from app.models.sign_in import (
    WRONG,
    SignInAttempts,
    SignInError,
    forget,
    remember,
    remember_name,
    remembered_user,
    sign_in,
    start_user,
)
from app.models.users import ensure_user
from tests.keyring_memory import no_keyring, use_keyring

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
GOOD = "correct horse battery"
PLACE = "/data/incidents.sqlite"


@pytest.fixture
def admin(db):
    return ensure_user("ada.admin", "Ada Admin", Role.ADMINISTRATOR)


def trail() -> list[str]:
    return [c.summary for c in ConfigChange.select().where(ConfigChange.area == USERS_AREA)
            .order_by(ConfigChange.id)]


def test_an_administrator_adds_users_and_the_trail_says_so(admin):
    user = add_user("  bo.advisor ", "Bo   Advisor", Role.ADVISOR, admin, now=NOW)
    assert (user.username, user.display_name, user.active) == ("bo.advisor", "Bo Advisor", True)
    rows = {r.username: r for r in users()}
    assert rows["bo.advisor"].role == Role.ADVISOR
    assert not rows["bo.advisor"].has_password
    assert trail() == ["User bo.advisor (Bo Advisor) added as advisor."]


@pytest.mark.parametrize(("username", "display", "field", "words"), [
    ("", "Bo", "username", "required"),
    ("bo", "  ", "display_name", "required"),
    ("ADA.ADMIN", "Another Ada", "username", "taken"),
    ("bo smith", "Bo", "username", "spaces"),
])
def test_bad_names_are_refused_naming_the_field(admin, username, display, field, words):
    with pytest.raises(Exception) as caught:
        add_user(username, display, Role.ADVISOR, admin)
    assert words in caught.value.problems[field]
    assert trail() == []


def test_only_administrators_manage_users(admin, leader, advisor):
    for who in (leader, advisor):
        with pytest.raises(RolePermissionError, match="only an administrator"):
            add_user("bo", "Bo", Role.ADVISOR, who)
        with pytest.raises(RolePermissionError):
            set_passwords_required(False, who)
        with pytest.raises(RolePermissionError):
            set_password(admin.id, GOOD, GOOD, who)


def test_the_last_active_administrator_is_neither_demoted_nor_deactivated(admin):
    with pytest.raises(Exception) as demoted:
        change_role(admin.id, Role.ADVISOR, admin)
    assert "last active administrator" in demoted.value.problems["role"]
    with pytest.raises(Exception) as deactivated:
        set_active(admin.id, False, admin)
    assert "last active administrator" in deactivated.value.problems["role"]
    other = add_user("cy", "Cy Admin", Role.ADMINISTRATOR, admin)
    change_role(admin.id, Role.TEAM_LEADER, admin)
    assert User.get_by_id(admin.id).role == Role.TEAM_LEADER
    with pytest.raises(Exception, match="last active administrator"):
        set_active(other.id, False, other)


def test_deactivated_users_are_kept_and_can_come_back(admin, advisor):
    set_active(advisor.id, False, admin, now=NOW)
    assert not User.get_by_id(advisor.id).active
    set_active(advisor.id, True, admin, now=NOW)
    assert User.get_by_id(advisor.id).active
    assert trail() == ["Sam Advisor (sam.advisor) deactivated.",
                       "Sam Advisor (sam.advisor) reactivated."]


@pytest.mark.parametrize(("password", "repeated", "field", "words"), [
    ("short", "short", "password", PASSWORD_RULE),
    ("123456789", "123456789", "password", "at least 10 characters"),
    (GOOD, GOOD + "!", "repeated", "do not match"),
    (" " + GOOD, " " + GOOD, "password", "space"),
])
def test_weak_or_mismatched_passwords_are_refused(admin, advisor, password, repeated, field,
                                                  words):
    with pytest.raises(Exception) as caught:
        set_password(advisor.id, password, repeated, admin)
    assert words in caught.value.problems[field]
    assert User.get_by_id(advisor.id).password_hash == ""


def test_a_password_is_kept_as_an_argon2_hash_and_never_in_the_trail(admin, advisor):
    set_password(advisor.id, GOOD, GOOD, admin, now=NOW)
    stored = User.get_by_id(advisor.id).password_hash
    assert stored.startswith("$argon2id$") and GOOD not in stored
    assert PasswordHasher().verify(stored, GOOD)
    set_password(advisor.id, GOOD + "2", GOOD + "2", advisor)  # one's own
    assert trail() == ["Password of Sam Advisor (sam.advisor) set.",
                       "Password of Sam Advisor (sam.advisor) reset."]
    assert not any(GOOD in s or "argon2" in s for s in trail())


def test_requiring_passwords_needs_the_administrators_own_first(admin):
    assert not passwords_required()
    with pytest.raises(Exception) as caught:
        set_passwords_required(True, admin)
    assert "Set your own password first" in caught.value.problems["require_password"]
    set_password(admin.id, GOOD, GOOD, admin)
    set_passwords_required(True, admin)
    assert passwords_required()
    assert trail()[-1] == "Passwords required to sign in."


def test_signing_in_with_the_right_password_only(admin, advisor):
    set_password(advisor.id, GOOD, GOOD, admin)
    assert sign_in("sam.advisor", GOOD).id == advisor.id
    for username, password in [("sam.advisor", "wrong password"), ("nobody", GOOD),
                               ("ada.admin", GOOD)]:  # the admin has no password
        with pytest.raises(SignInError) as caught:
            sign_in(username, password)
        assert str(caught.value) == WRONG  # never says which part was wrong
    set_active(advisor.id, False, admin)
    with pytest.raises(SignInError, match=r"^The username or password is wrong\.$"):
        sign_in("sam.advisor", GOOD)


def test_five_failures_in_a_row_mean_a_30_second_wait(admin, advisor):
    set_password(advisor.id, GOOD, GOOD, admin)
    attempts = SignInAttempts()
    for _ in range(4):
        with pytest.raises(SignInError, match=r"^The username or password is wrong\.$"):
            sign_in("sam.advisor", "nope", attempts, now=NOW)
    with pytest.raises(SignInError, match="Wait 30 seconds"):
        sign_in("sam.advisor", "nope", attempts, now=NOW)
    with pytest.raises(SignInError, match="Wait 20 seconds"):  # even the right password
        sign_in("sam.advisor", GOOD, attempts, now=NOW + timedelta(seconds=10))
    assert sign_in("sam.advisor", GOOD, attempts, now=NOW + timedelta(seconds=30)) == advisor


def test_an_old_hash_is_replaced_on_sign_in(admin, advisor):
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    User.update(password_hash=weak.hash(GOOD)).where(User.id == advisor.id).execute()
    sign_in("sam.advisor", GOOD)
    stored = User.get_by_id(advisor.id).password_hash
    assert "m=8," not in stored and not PasswordHasher().check_needs_rehash(stored)
    assert sign_in("sam.advisor", GOOD) == advisor


def test_remember_me_keeps_only_the_tokens_hash_in_the_database(admin, advisor,
                                                                memory_keyring):
    remember(advisor, PLACE, now=NOW)
    [(key, value)] = memory_keyring.secrets.items()
    assert key == ("Incident Desk", remember_name(PLACE))
    username, token = value.split("\n")
    stored = User.get_by_id(advisor.id)
    assert username == "sam.advisor" and token not in stored.remember_hash
    assert stored.remember_until == NOW + timedelta(days=30)
    assert remembered_user(PLACE, now=NOW + timedelta(days=29)) == advisor
    assert remembered_user(PLACE, now=NOW + timedelta(days=30)) is None  # expired
    assert remembered_user("/another/database.sqlite", now=NOW) is None


def test_a_token_stops_working_when_signed_out_deactivated_or_the_password_reset(
        admin, advisor, memory_keyring):
    remember(advisor, PLACE, now=NOW)
    forget(PLACE, advisor)
    assert memory_keyring.secrets == {}
    assert remembered_user(PLACE, now=NOW) is None
    remember(advisor, PLACE, now=NOW)
    set_password(advisor.id, GOOD, GOOD, admin)
    assert remembered_user(PLACE, now=NOW) is None
    remember(advisor, PLACE, now=NOW)
    set_active(advisor.id, False, admin)
    assert remembered_user(PLACE, now=NOW) is None


def test_a_copied_token_that_does_not_match_signs_nobody_in(admin, advisor, memory_keyring):
    remember(advisor, PLACE, now=NOW)
    memory_keyring.secrets[("Incident Desk", remember_name(PLACE))] = "sam.advisor\nforged"
    assert remembered_user(PLACE, now=NOW) is None


def test_without_a_keyring_remember_me_is_refused_and_sign_in_still_works(admin, advisor):
    set_password(advisor.id, GOOD, GOOD, admin)
    with use_keyring(no_keyring()):
        with pytest.raises(KeyringUnavailableError, match="no system keyring service"):
            remember(advisor, PLACE, now=NOW)
        assert User.get_by_id(advisor.id).remember_hash == ""
        assert remembered_user(PLACE, now=NOW) is None
        forget(PLACE, advisor)  # nothing to forget: no error
        assert sign_in("sam.advisor", GOOD) == advisor


def test_at_start_the_computers_user_unless_passwords_are_required(admin, memory_keyring,
                                                                    monkeypatch):
    monkeypatch.setattr("app.models.sign_in.current_username", lambda: "ada.admin")
    monkeypatch.setattr("app.models.users.current_username", lambda: "ada.admin")
    assert start_user(PLACE) == admin
    set_password(admin.id, GOOD, GOOD, admin)
    set_passwords_required(True, admin)
    assert start_user(PLACE) is None  # the dialog asks
    remember(admin, PLACE)
    assert start_user(PLACE) == admin


def test_changing_ones_own_password_needs_the_current_one(advisor):
    from app.models.accounts import change_own_password
    from app.models.text_rules import FieldProblemsError

    change_own_password(advisor, "", "a first long one", "a first long one")  # none yet
    with pytest.raises(FieldProblemsError) as refused:
        change_own_password(advisor, "a wrong guess", "a second long one", "a second long one")
    assert refused.value.problems == {"current": "That is not your current password."}
    with pytest.raises(FieldProblemsError) as refused:
        change_own_password(advisor, "a first long one", "short", "short")
    assert set(refused.value.problems) == {"password"}
    assert sign_in("sam.advisor", "a first long one").id == advisor.id  # unchanged so far
    change_own_password(advisor, "a first long one", "a second long one", "a second long one")
    assert sign_in("sam.advisor", "a second long one").id == advisor.id


def test_a_session_opened_before_a_demotion_or_deactivation_keeps_no_rights(admin, advisor):
    """Each session holds the User it signed in as; the rules read the role and the active
    flag as stored now, so a copy from before the change grants nothing more."""
    from app.models.incidents import create_incident
    from tests.conftest import make_draft

    other = add_user("bea.admin", "Bea Admin", Role.ADMINISTRATOR, admin)
    stale = User.get_by_id(other.id)  # Bea's open window
    change_role(other.id, Role.ADVISOR, admin)
    with pytest.raises(RolePermissionError, match="Bea Admin is advisor"):
        change_role(other.id, Role.ADMINISTRATOR, stale)  # not back to administrator
    with pytest.raises(RolePermissionError):
        set_password(admin.id, "taking over now", "taking over now", stale)
    assert User.get_by_id(other.id).role == Role.ADVISOR
    window = User.get_by_id(advisor.id)  # Sam's open window
    set_active(advisor.id, False, admin)
    with pytest.raises(RolePermissionError, match="no longer an active user"):
        create_incident(make_draft(), window)


def test_the_last_administrator_who_can_sign_in_stays(admin):
    from app.models.text_rules import FieldProblemsError

    set_password(admin.id, "a long admin secret", "a long admin secret", admin)
    set_passwords_required(True, admin)
    add_user("bea.admin", "Bea Admin", Role.ADMINISTRATOR, admin)  # no password yet
    with pytest.raises(FieldProblemsError, match="last active administrator who can sign in"):
        set_active(admin.id, False, admin)
    with pytest.raises(FieldProblemsError):
        change_role(admin.id, Role.TEAM_LEADER, admin)
    bea = User.get(User.username == "bea.admin")
    set_password(bea.id, "bea's long secret", "bea's long secret", admin)
    change_role(admin.id, Role.TEAM_LEADER, admin)  # now Bea can sign in: allowed
    assert User.get_by_id(admin.id).role == Role.TEAM_LEADER
