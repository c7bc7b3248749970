"""Masking a caller's personal data for evidence."""

import pytest

from app.models.incidents import create_incident
from app.models.personal_data import history_rows
from app.models.redaction import Redactor, initials, mask_email, mask_phone, mask_reference
from tests.conftest import make_draft


@pytest.mark.parametrize(("name", "expected"), [
    ("Zoë Ørsted", "Z. Ø."), ("Łukasz Wójcik", "Ł. W."), ("王芳", "王."),
    ("Mary-Jane O'Neil", "M. J. O."), ("  olivia   taylor ", "O. T."),
    ("Anonymous", "Anonymous"), ("[erased]", "[erased]")])
def test_a_name_becomes_its_initials(name, expected):
    assert initials(name) == expected


def test_a_phone_keeps_its_last_three_digits_and_its_shape():
    assert mask_phone("0161 496 0123") == "•••• ••• •123"
    assert mask_phone("+44 (0)7700 900456") == "+•• (•)•••• •••456"


def test_an_email_keeps_the_first_letters_and_the_top_level_domain():
    assert mask_email("olivia.taylor@example.org") == "o•••@e•••.org"
    assert mask_email("x@localhost") == "x•••@l•••"


def test_an_account_number_keeps_its_last_three_characters():
    assert mask_reference("AC-001234") == "••••••234"
    assert mask_reference("12") == "••"


@pytest.fixture
def redactor(advisor):
    incident = create_incident(make_draft(), advisor)
    return Redactor(incident, history_rows(incident))


def test_free_text_loses_the_caller_and_anything_that_looks_personal(redactor):
    text = ("Olivia Taylor (olivia TAYLOR to friends) called from 0161 496 0123, mobile "
            "+44 7700 900456, wife's email jo@example.com, home M1 1AE. About INC-2026-000123 "
            "on 2026-11-24 at 10:30; 0.5 of the team affected.")
    assert redactor.text(text) == (
        "O. T. (O. T. to friends) called from •••• ••• •123, mobile +•• •••• •••456, "
        "wife's email j•••@e•••.com, home •• •••. About INC-2026-000123 on 2026-11-24 at "
        "10:30; 0.5 of the team affected.")


def test_a_name_inside_a_word_is_left_alone(redactor):
    assert redactor.text("Taylored advice for Taylorson") == "Taylored advice for Taylorson"


def test_a_first_or_last_name_alone_is_masked_as_written_capitalised(redactor):
    assert redactor.text("Told Olivia it is fixed; Ms Taylor thanked us; olivia (the "
                         "olive tree) stays") == (
        "Told O. it is fixed; Ms T. thanked us; olivia (the olive tree) stays")


def test_fields_are_masked_each_as_it_needs(redactor):
    assert redactor.field("caller_name", "Olivia Taylor") == "O. T."
    assert redactor.field("caller_phone", "0161 496 0123") == "•••• ••• •123"
    assert redactor.field("caller_email", "olivia.taylor@example.org") == "o•••@e•••.org"
    assert redactor.field("account_ref", "AC-001234") == "••••••234"
    assert redactor.field("summary", "Olivia Taylor cannot bill") == "O. T. cannot bill"
    assert redactor.field("summary", "") == ""
