"""The organisation's name and logo: validated, kept with the data, changes recorded."""

import pytest

from app.models.entities import ConfigChange
from app.models.organisation import MAX_LOGO_BYTES, organisation, save_organisation
from app.models.permissions import RolePermissionError
from app.models.text_rules import FieldProblemsError

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 40


def test_nothing_set_reads_as_no_name_and_no_logo(db):
    assert organisation().name == ""
    assert organisation().logo is None


def test_a_name_and_logo_are_kept_and_the_change_recorded(db, leader):
    save_organisation("  Northwind Contact Centre ", PNG, leader)
    assert organisation().name == "Northwind Contact Centre"
    assert organisation().logo == PNG
    assert [c.summary for c in ConfigChange.select()] == [
        "Organisation name set to 'Northwind Contact Centre'; logo replaced."]
    save_organisation("Northwind Contact Centre", None, leader)
    assert organisation().logo is None
    assert ConfigChange.select().count() == 2


@pytest.mark.parametrize(("logo", "message"), [
    (b"GIF89a" + b"\0" * 10, "The logo is not a PNG or JPEG image."),
    (PNG + b"\0" * MAX_LOGO_BYTES, "The logo is 1.0 MB; a logo may be at most 1 MB."),
])
def test_a_logo_that_is_not_a_small_image_is_refused(db, leader, logo, message):
    with pytest.raises(FieldProblemsError) as raised:
        save_organisation("Northwind", logo, leader)
    assert raised.value.problems == {"organisation_logo": message}
    assert organisation().name == ""  # nothing saved


def test_a_name_with_a_control_character_or_too_long_is_refused(db, leader):
    with pytest.raises(FieldProblemsError) as raised:
        save_organisation("North\x07wind", None, leader)
    assert list(raised.value.problems) == ["organisation_name"]
    with pytest.raises(FieldProblemsError, match="at most 100"):
        save_organisation("N" * 101, None, leader)


def test_an_advisor_may_not_change_it(db, advisor):
    with pytest.raises(RolePermissionError):
        save_organisation("Northwind", None, advisor)
