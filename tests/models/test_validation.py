"""Field rules: each bad value is named with what is wrong; good values pass."""

from datetime import timedelta

import pytest

from app.models.validation import email_error, phone_error, validate_draft
from tests.conftest import NOW, category, make_draft

pytestmark = pytest.mark.usefixtures("db")


def test_a_complete_draft_is_valid():
    assert validate_draft(make_draft(), NOW) == {}


@pytest.mark.parametrize("field", ["caller_name", "summary"])
def test_required_text(field):
    errors = validate_draft(make_draft(**{field: "   "}), NOW)
    assert errors.keys() == {field}
    assert "required" in errors[field]


@pytest.mark.parametrize("field", ["impact", "urgency", "channel", "caller_type"])
def test_required_choices(field):
    assert "required" in validate_draft(make_draft(**{field: ""}), NOW)[field]
    assert "not a known" in validate_draft(make_draft(**{field: "enormous"}), NOW)[field]


@pytest.mark.parametrize("phone", ["0161 496 0000", "+44 161 496 0000", "(0161) 496-0000",
                                   "07700 900123", ""])
def test_good_phones(phone):
    assert phone_error(phone) is None


@pytest.mark.parametrize(("phone", "why"), [
    ("abc", "use digits"), ("0161 ext 4", "use digits"), ("12345", "has 5"),
    ("+1234567890123456", "has 16")])
def test_bad_phones(phone, why):
    assert why in phone_error(phone)


@pytest.mark.parametrize("email", ["a@b.co", "olivia.taylor+work@example.org", ""])
def test_good_emails(email):
    assert email_error(email) is None


@pytest.mark.parametrize("email", ["olivia", "olivia@", "@example.org", "a b@example.org",
                                   "olivia@example"])
def test_bad_emails(email):
    assert "not an email address" in email_error(email)


def test_received_time_cannot_be_in_the_future():
    errors = validate_draft(make_draft(received_at=NOW + timedelta(minutes=10)), NOW)
    assert errors == {"received_at": "cannot be in the future."}
    # a workstation clock a minute ahead is tolerated
    assert validate_draft(make_draft(received_at=NOW + timedelta(minutes=1)), NOW) == {}


def test_received_time_needs_a_zone():
    with pytest.raises(ValueError, match="naive"):
        validate_draft(make_draft(received_at=NOW.replace(tzinfo=None)), NOW)


def test_subcategory_must_belong_to_the_category():
    draft = make_draft(category_id=category("Facilities").id,
                       subcategory_id=category("Application error").id)
    assert validate_draft(draft, NOW) == {"subcategory_id": "not a subcategory of Facilities."}


def test_category_must_be_a_top_level_one():
    draft = make_draft(category_id=category("Application error").id, subcategory_id=None)
    assert "not a category" in validate_draft(draft, NOW)["category_id"]
    assert "required" in validate_draft(make_draft(category_id=None), NOW)["category_id"]


def test_overlong_text_says_how_long():
    errors = validate_draft(make_draft(summary="x" * 201), NOW)
    assert errors == {"summary": "at most 200 characters (this has 201)."}


def test_text_is_trimmed_before_checking():
    draft = make_draft(caller_email="  olivia@example.org  ").cleaned()
    assert draft.caller_email == "olivia@example.org"
