"""A file missing from the installation is named, with what cannot be done and "reinstall",
instead of a traceback: fonts, licences, the icon, the migration scripts."""

from __future__ import annotations

import logging
import sqlite3
import sys
from importlib import resources

import pytest

from app.cli import main
from app.models import components, schema
from app.models.db import DatabaseOpenError, close_database, open_database, pending_upgrades
from app.reports import fonts
from app.resources import MissingResourceError, read_resource, resource_path
from app.views import application, matrix_print


@pytest.fixture
def no_fonts(monkeypatch):
    monkeypatch.setattr(fonts, "_registered", False)
    monkeypatch.setattr(fonts, "FONT_FOLDER", ("app.resources", "no-fonts-here"))


@pytest.fixture
def demo(tmp_path, capsys):
    """A database of three demo incidents, closed after the test whatever happens."""
    path = tmp_path / "demo.sqlite"
    assert main(["demo-data", "--db", str(path), "--count", "3", "--seed", "1"]) == 0
    capsys.readouterr()
    yield path
    close_database()


@pytest.fixture
def no_migrations(tmp_path, monkeypatch):
    monkeypatch.setattr(schema, "MIGRATIONS_DIR", tmp_path / "no-migrations-here")


def test_a_shipped_file_is_read():
    assert read_resource("fonts", "DejaVuSans.ttf")[:4] == b"\x00\x01\x00\x00"  # TrueType
    assert b"<svg" in read_resource("icon.svg")


def test_a_file_in_a_package_spread_over_two_folders_is_read(tmp_path, monkeypatch):
    """What a PyInstaller bundle gives: ``files()`` is a MultiplexedPath, whose joinpath
    takes one part at a time on Python 3.11."""
    package = "incident_desk_spread"
    fonts_folder = tmp_path / "data" / package / "fonts"
    fonts_folder.mkdir(parents=True)
    (fonts_folder / "font.ttf").write_bytes(b"font")
    (tmp_path / "modules" / package).mkdir(parents=True)
    (tmp_path / "modules" / package / "icon.svg").write_bytes(b"<svg/>")
    monkeypatch.syspath_prepend(str(tmp_path / "data"))
    monkeypatch.syspath_prepend(str(tmp_path / "modules"))
    assert type(resources.files(package)).__name__ == "MultiplexedPath"
    if sys.version_info < (3, 12):
        with pytest.raises(TypeError):  # what the fonts and licences tripped on in a bundle
            resources.files(package).joinpath("fonts", "font.ttf")
    assert read_resource("fonts", "font.ttf", package=package) == b"font"
    assert read_resource("icon.svg", package=package) == b"<svg/>"
    with pytest.raises(MissingResourceError, match=f"{package}/fonts/other.ttf is missing"):
        read_resource("fonts", "other.ttf", package=package)


def test_a_missing_file_is_named_with_what_to_do():
    with pytest.raises(MissingResourceError) as caught:
        read_resource("fonts", "Missing.ttf", consequence="Nothing prints.")
    message = str(caught.value)
    assert message.startswith(
        "Incident Desk is incomplete: app/resources/fonts/Missing.ttf is missing (")
    assert str(resource_path("fonts", "Missing.ttf")) in message
    assert message.endswith(") Nothing prints. Reinstall Incident Desk.".replace(") ", "). "))


def test_a_file_that_cannot_be_read_says_so():
    with pytest.raises(MissingResourceError, match=r"app/resources/fonts cannot be read \("):
        read_resource("fonts")  # a folder


def test_a_missing_font_stops_a_pdf_with_the_file_named(no_fonts):
    with pytest.raises(fonts.FontMissingError) as caught:
        fonts.register_fonts()
    assert str(caught.value).startswith(
        "Incident Desk is incomplete: app/resources/no-fonts-here/DejaVuSans.ttf is missing")
    assert "PDFs cannot be written without it. Reinstall Incident Desk." in str(caught.value)


@pytest.mark.parametrize("command", [
    "evidence-pack",
    pytest.param("export-pdf", marks=pytest.mark.xfail(
        strict=True, raises=fonts.FontMissingError,
        reason="write_incident_report builds its styles (registering the fonts) before "
               "write_safely, which turns a missing font into a ReportError")),
])
def test_a_missing_font_is_one_line_from_the_command_line(command, tmp_path, demo, no_fonts,
                                                          capsys):
    database, pdf = demo, tmp_path / "report.pdf"
    reference = _first_reference(database)
    chosen = "--incidents" if command == "evidence-pack" else "--incident"

    assert main(["--db", str(database), command, chosen, reference, "--out", str(pdf)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("incident-desk: error: Cannot write the ")
    assert "app/resources/no-fonts-here/DejaVuSans.ttf is missing" in err
    assert err.endswith("Reinstall Incident Desk.\n") and err.count("\n") == 1
    close_database()  # its journal files would be counted
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.sqlite"]  # no PDF, no part


def test_a_missing_licence_file_shows_a_message_in_its_place():
    shipped = next(c for c in components.COMPONENTS if c.licence_file)
    assert "Bitstream" in components.licence_text(shipped)
    missing = components.Component("Some font", None, "OFL", "tests", "LICENSE-Gone.txt")
    text = components.licence_text(missing)
    assert text.startswith("Incident Desk is incomplete: app/resources/fonts/LICENSE-Gone.txt")
    assert text.endswith("Reinstall Incident Desk.")


def test_printing_the_matrix_without_the_fonts_falls_back(qapp, monkeypatch):
    monkeypatch.setattr(matrix_print, "_font_loaded", None)
    monkeypatch.setattr(matrix_print, "FONT_FOLDER", ("app.resources", "no-fonts-here"))
    assert matrix_print._load_font() is False


def test_the_icon_is_loaded(qapp, caplog):
    with caplog.at_level(logging.WARNING):
        icon = application.application_icon()
    assert not icon.pixmap(32, 32).isNull()
    assert caplog.records == []


def test_a_missing_icon_is_said_and_the_window_opens_without_it(qapp, caplog, monkeypatch):
    monkeypatch.setattr(application, "ICON_FILE", "no-icon.svg")
    with caplog.at_level(logging.WARNING):
        icon = application.application_icon()
    assert icon.pixmap(32, 32).isNull()
    assert [r.getMessage() for r in caplog.records] == [
        "Incident Desk is incomplete: app/resources/no-icon.svg is missing "
        f"({resource_path('no-icon.svg')}). The windows have no icon. "
        "Reinstall Incident Desk."]


def test_without_its_migrations_no_database_is_made(tmp_path, no_migrations):
    path = tmp_path / "new" / "incidents.sqlite"
    with pytest.raises(DatabaseOpenError) as caught:
        open_database(path, create_folder=True)
    assert str(caught.value).startswith(
        "Incident Desk is incomplete: app/models/migrations is missing or empty (")
    assert str(caught.value).endswith(
        "No database can be created or opened without its migration scripts. "
        "Reinstall Incident Desk.")
    assert not caught.value.replaceable  # no backup is offered for it
    assert list(tmp_path.iterdir()) == []


def test_without_its_migrations_an_existing_database_is_not_called_newer(
        tmp_path, monkeypatch):
    path = tmp_path / "incidents.sqlite"
    open_database(path)
    close_database()
    before = path.read_bytes()
    monkeypatch.setattr(schema, "MIGRATIONS_DIR", tmp_path / "no-migrations-here")

    assert pending_upgrades(path) == []  # no "upgrading" notice: opening says why
    with pytest.raises(DatabaseOpenError, match="app/models/migrations is missing") as caught:
        open_database(path)
    assert "newer version" not in str(caught.value)
    assert path.read_bytes() == before


def test_without_its_migrations_the_command_line_says_so_in_one_line(
        tmp_path, no_migrations, capsys):
    path = tmp_path / "incidents.sqlite"
    assert main(["demo-data", "--db", str(path), "--count", "1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("incident-desk: error: Incident Desk is incomplete: "
                          "app/models/migrations is missing or empty")
    assert err.count("\n") == 1 and not path.exists()


def _first_reference(database) -> str:
    conn = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT reference FROM incident ORDER BY id LIMIT 1").fetchone()[0]
    finally:
        conn.close()
