"""Translations: a .qm file dropped in the translations folder translates the windows, with
no change to the code; Qt's own strings come translated too; English needs no file."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QLocale

from app.views.translations import find_translation, install_translators, language_names
from scripts import update_translations

pytestmark = pytest.mark.gui

GERMAN_TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>MainWindow</name>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;New incident…</source>
        <translation>&amp;Neuer Vorfall…</translation>
    </message>
</context>
</TS>
"""


@pytest.fixture
def translators(qapp):
    """Installs translators for a test and removes them after it, so no other test sees a
    translated window."""
    installed = []

    def install(locale: QLocale, folder):
        installed.extend(install_translators(qapp, locale, folder))
        return installed

    yield install
    for translator in installed:
        qapp.removeTranslator(translator)


@pytest.fixture
def german_folder(tmp_path):
    """A folder with incident_desk_de.qm compiled by pyside6-lrelease from two strings."""
    source = tmp_path / "incident_desk_de.ts"
    source.write_text(GERMAN_TS, encoding="utf-8")
    folder = tmp_path / "translations"
    folder.mkdir()
    update_translations.lrelease(source, folder / "incident_desk_de.qm")
    return folder


def menu_titles(window) -> list[str]:
    return [action.text() for action in window.menuBar().actions()]


def test_a_compiled_translation_translates_the_main_window(db, german_folder, translators,
                                                           open_window):
    loaded = translators(QLocale("de_AT"),
                         german_folder)
    assert len(loaded) == 2  # ours (de, for de_AT) and Qt's qtbase_de

    window = open_window()

    assert menu_titles(window)[0] == "&Datei"
    assert window.new_action.text() == "&Neuer Vorfall…"
    assert "&Incident" in menu_titles(window)  # not translated in the file: English
    # Qt's own strings from qtbase_de.qm, found through QLibraryInfo
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Abbrechen"


def test_without_a_file_for_the_language_the_windows_stay_in_english(db, tmp_path,
                                                                     translators, open_window):
    loaded = translators(QLocale("fr_FR"), tmp_path)

    assert [t.filePath().rsplit("/", 1)[-1] for t in loaded] == ["qtbase_fr.qm"]  # Qt's
    assert menu_titles(open_window())[0] == "&File"


def test_english_needs_no_file(german_folder):
    (german_folder / "incident_desk_en.qm").write_bytes(
        (german_folder / "incident_desk_de.qm").read_bytes())

    assert find_translation(QLocale("en_GB"), german_folder) is None
    assert find_translation(QLocale("de_CH"), german_folder).name == "incident_desk_de.qm"


def test_a_damaged_file_leaves_the_windows_in_english(tmp_path, translators):
    (tmp_path / "incident_desk_nl.qm").write_bytes(b"not a translation")

    loaded = translators(QLocale("nl_NL"), tmp_path)

    assert all(t.filePath().endswith("qtbase_nl.qm") for t in loaded)


def test_the_most_specific_language_is_tried_first():
    assert language_names(QLocale("pt_BR")).index("pt_BR") < language_names(
        QLocale("pt_BR")).index("pt")


def test_the_template_holds_the_strings_of_the_code(tmp_path):
    template = tmp_path / "incident_desk.ts"

    update_translations.lupdate([template])

    text = template.read_text(encoding="utf-8")
    assert "<name>MainWindow</name>" in text and "<source>&amp;File</source>" in text
    # app.views.text.tr(context, text) read with its context, not as tr(text, comment)
    assert "<name>Recovery</name>" in text and "<name></name>" not in text
    # a module's CONTEXT constant written out
    assert "<name>ImprovementActions</name>" in text
    messages, translated = update_translations.counts(template)
    assert messages > 800 and translated == 0
