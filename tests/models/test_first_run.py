"""The first-run welcome: shown once, to someone who may set the organisation up, on an
empty database; and the notices the About box shows."""

from app.models.components import COMPONENTS, licence_text
from app.models.entities import ConfigChange
from app.models.first_run import can_load_sample, mark_welcomed, needs_welcome
from app.models.incidents import create_incident
from app.models.users import ensure_user
from tests.conftest import make_draft


def test_the_welcome_is_for_a_new_database_and_someone_who_may_set_it_up(leader, advisor):
    assert needs_welcome(leader)
    assert not needs_welcome(advisor)
    mark_welcomed(leader, skipped=True)
    assert not needs_welcome(leader)
    assert ConfigChange.select().where(ConfigChange.user == leader).get().summary == (
        "First-run welcome skipped.")


def test_a_database_with_incidents_is_not_new(leader, advisor):
    create_incident(make_draft(), advisor)
    assert not needs_welcome(leader)
    assert not can_load_sample()


def test_sample_data_is_offered_only_into_an_empty_database(db):
    ensure_user("first.user")
    assert can_load_sample()


def test_every_component_names_its_licence_and_the_fonts_ship_theirs():
    names = {c.name for c in COMPONENTS}
    assert {"Qt for Python (PySide6)", "ReportLab", "DejaVu Sans fonts",
            "Droid Sans Fallback font", "Python"} <= names
    assert all(c.licence for c in COMPONENTS)
    fonts = [c for c in COMPONENTS if c.licence_file]
    assert len(fonts) == 2
    assert "Bitstream" in licence_text(fonts[0])
    assert "Apache License" in licence_text(fonts[1])
    assert next(c for c in COMPONENTS if c.name == "peewee").version  # read from the install
