"""The welcome on a new database, the organisation's name and logo, and the About box."""

import base64

import pytest
from PySide6.QtCore import QTime
from PySide6.QtWidgets import QWizard

from app import __version__
from app.models.entities import ConfigChange, Incident
from app.models.first_run import SAMPLE_COUNT, needs_welcome
from app.models.organisation import organisation
from app.models.service_levels import load_calendar_settings
from app.views.about_dialog import AboutDialog
from app.views.organisation_editor import OrganisationDialog
from app.views.welcome_dialog import WelcomeDialog

pytestmark = pytest.mark.gui

# a 1x1 PNG
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJ"
    "RU5ErkJggg==")


def next_page(qtbot, wizard: QWizard) -> None:
    wizard.button(QWizard.WizardButton.NextButton).click()


def test_the_welcome_sets_up_the_organisation_and_the_calendar_and_loads_a_sample(
        qtbot, leader, dialogs, tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG)
    wizard = WelcomeDialog(leader, dialogs)
    qtbot.addWidget(wizard)
    wizard.show()
    editor = wizard.organisation_page.editor
    qtbot.keyClicks(editor.name, "Riverside Housing")
    dialogs.open_files.append(logo)
    editor.choose.click()
    assert not editor.preview.pixmap().isNull()
    next_page(qtbot, wizard)
    assert wizard.currentPage() is wizard.calendar_page
    assert organisation().name == "Riverside Housing"
    assert organisation().logo == PNG

    calendar = wizard.calendar_page.calendar
    calendar.open_day[5].setChecked(True)  # Saturday mornings
    calendar.opens[5].setTime(QTime(9, 0))
    calendar.closes[5].setTime(QTime(12, 30))
    next_page(qtbot, wizard)
    assert load_calendar_settings().hours[5][1].strftime("%H:%M") == "12:30"

    sample = wizard.sample_page.load
    assert sample.isEnabled()
    sample.setChecked(True)
    with qtbot.waitSignal(wizard.sample_loaded, timeout=30_000) as loaded:
        wizard.button(QWizard.WizardButton.FinishButton).click()
    assert loaded.args == [SAMPLE_COUNT]
    assert Incident.select().count() == SAMPLE_COUNT
    assert not needs_welcome(leader)


def test_a_wrong_calendar_is_refused_on_its_page_and_nothing_is_lost(qtbot, leader, dialogs):
    wizard = WelcomeDialog(leader, dialogs)
    qtbot.addWidget(wizard)
    wizard.show()
    next_page(qtbot, wizard)
    calendar = wizard.calendar_page.calendar
    calendar.opens[0].setTime(QTime(18, 0))
    calendar.closes[0].setTime(QTime(8, 0))
    next_page(qtbot, wizard)
    assert wizard.currentPage() is wizard.calendar_page
    assert "Monday" in wizard.calendar_page.message.text()
    assert calendar.opens[0].time() == QTime(18, 0)


def test_skipping_the_welcome_means_it_is_not_shown_again(qtbot, leader, dialogs):
    wizard = WelcomeDialog(leader, dialogs)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.button(QWizard.WizardButton.CancelButton).click()
    assert not needs_welcome(leader)
    assert Incident.select().count() == 0
    assert ConfigChange.select().order_by(ConfigChange.id.desc()).get().summary == (
        "First-run welcome skipped.")


def test_a_file_that_is_not_an_image_is_refused_as_the_logo(qtbot, leader, dialogs, tmp_path):
    text = tmp_path / "notes.png"
    text.write_text("not a picture")
    dialog = OrganisationDialog(leader, dialogs)
    qtbot.addWidget(dialog)
    dialogs.open_files.append(text)
    dialog.editor.choose.click()
    assert "notes.png cannot be the logo" in dialog.editor.message.text()
    assert dialog.editor.logo is None
    assert not dialog.editor.remove.isEnabled()


def test_an_advisor_reads_the_organisation_but_cannot_change_it(qtbot, leader, advisor,
                                                                 dialogs):
    dialog = OrganisationDialog(advisor, dialogs)
    qtbot.addWidget(dialog)
    assert not dialog.editor.isEnabled()
    assert dialog.save_button.isHidden()


def test_about_names_the_version_the_database_and_the_fonts_licences(qtbot, db_path, db):
    about = AboutDialog(db_path)
    qtbot.addWidget(about)
    about.show()
    assert __version__ in about.findChild(type(about.database), "about_title").text()
    assert about.database.text() == str(db_path)
    names = [about.components.item(r, 0).text() for r in range(about.components.rowCount())]
    row = names.index("DejaVu Sans fonts")
    about.components.selectRow(row)
    assert "Bitstream" in about.licence.toPlainText()
    about.components.selectRow(names.index("ReportLab"))
    assert "BSD" in about.licence.toPlainText()
