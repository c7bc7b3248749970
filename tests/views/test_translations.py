"""Translations: a .qm file dropped in the translations folder translates the windows, with
no change to the code; Qt's own strings come translated too; English needs no file."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from PySide6.QtCore import QCoreApplication, QLocale

from app.models import vocabulary
from app.models.incidents import create_incident
from app.views import vocabulary_strings
from app.views.communication_dialog import CommunicationDialog
from app.views.data_protection_dialog import DataProtectionDialog
from app.views.text import status_text
from app.views.translations import find_translation, install_translators, language_names
from scripts import update_translations
from tests.conftest import make_draft

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


# --- the words the windows take from the model layer ---------------------------------------
def sources_by_context(ts_file) -> dict[str, set[str]]:
    """{context: its source strings} of a .ts file."""
    found: dict[str, set[str]] = {}
    for context in ElementTree.parse(ts_file).getroot().iter("context"):
        found.setdefault(context.findtext("name"), set()).update(
            message.findtext("source") for message in context.iter("message"))
    return found


def vocabulary_words() -> set[str]:
    return {word for words in update_translations.vocabulary().values() for word in words}


def test_the_vocabulary_module_lists_every_word_of_the_model_layer():
    # stale when a label is added or changed in app/models: run scripts/update_translations.py
    assert update_translations.VOCABULARY_MODULE.read_text(encoding="utf-8") == (
        update_translations.vocabulary_module(update_translations.vocabulary()))
    listed = set(vocabulary_strings.STRINGS)
    for enumeration in update_translations.model_enumerations():
        missing = {member.label for member in enumeration} - listed
        assert not missing, f"{enumeration.__qualname__}: {missing}"
    assert {"Regulator (ICO)", "Face to face", "Last 30 days", "Known error", "Critical",
            "Very dissatisfied", "Root cause", "Monday", "A good workaround"} <= listed


def test_every_enumeration_with_a_label_is_found(monkeypatch):
    names = {f"{e.__module__}.{e.__qualname__}"
             for e in update_translations.model_enumerations()}
    assert {"app.models.vocabulary.Channel", "app.models.communications.Audience",
            "app.models.permissions.Role", "app.models.lifecycle.Status",
            "app.models.problems.ProblemStatus", "app.models.reviews.ActionStatus"} <= names
    # a label changed in the model is a word the module does not list yet: the test above
    # would fail until the script is run again
    monkeypatch.setitem(vocabulary._CHANNEL_LABELS, vocabulary.Channel.RADIO, "Two-way radio")
    assert "Two-way radio" in vocabulary_words()
    assert "Two-way radio" not in update_translations.VOCABULARY_MODULE.read_text(
        encoding="utf-8")


def test_every_table_of_words_a_view_imports_is_decided():
    """A view that starts showing a new table of the model layer's words fails here until
    the table is put in VOCABULARY_TABLES (or NOT_VOCABULARY, with the reason)."""
    imported = set(update_translations.imported_texts())
    listed = set(update_translations.VOCABULARY_TABLES)
    undecided = imported - listed - set(update_translations.NOT_VOCABULARY)
    assert not undecided
    assert listed <= imported  # nothing listed that no window shows
    assert not listed & set(update_translations.NOT_VOCABULARY)


def test_words_of_a_table():
    words = update_translations.words
    assert words({1: "Critical", 2: "High"}) == ["Critical", "High"]
    assert words({"ack": ("Acknowledgement", "subject", "body")}) == ["Acknowledgement"]
    assert words(("When", 3, vocabulary.Level.HIGH)) == ["When"]  # members are keys
    assert words(7) == []


def test_the_template_holds_the_words_of_the_model_layer_and_the_views_lists(tmp_path):
    template = tmp_path / "incident_desk.ts"

    update_translations.lupdate([template])

    contexts = sources_by_context(template)
    assert vocabulary_words() <= contexts["Vocabulary"]
    # the views' own lists, marked where they are defined, in the context that shows them
    assert {"Nature", "SLA"} <= contexts["IncidentTableModel"]
    assert {"Breach only", "Hours available"} <= contexts["EscalationMatrixDialog"]
    assert "Caller's description" in contexts["IncidentColumns"]
    assert "What the team learned" in contexts["ReviewDialog"]
    assert {"Incident", "Due"} <= contexts["ImprovementActions"]  # CONTEXT written out
    assert "Respond: breached {span} ago" in contexts["Clock"]
    # and the template in the tree is up to date with them
    committed = sources_by_context(update_translations.TEMPLATE)
    assert vocabulary_words() <= committed["Vocabulary"]
    assert contexts["IncidentTableModel"] <= committed["IncidentTableModel"]


GERMAN_VOCABULARY_TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Vocabulary</name>
    <message>
        <source>Caller</source>
        <translation>Anrufer</translation>
    </message>
    <message>
        <source>Regulator (ICO)</source>
        <translation>Aufsichtsbehörde (ICO)</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>In Bearbeitung</translation>
    </message>
</context>
<context>
    <name>DataProtectionDialog</name>
    <message>
        <source>Nature</source>
        <translation>Art</translation>
    </message>
</context>
</TS>
"""


def test_words_of_the_model_layer_show_translated(qtbot, tmp_path, translators, leader,
                                                   dialogs):
    source = tmp_path / "incident_desk_de.ts"
    source.write_text(GERMAN_VOCABULARY_TS, encoding="utf-8")
    folder = tmp_path / "translations"
    folder.mkdir()
    update_translations.lrelease(source, folder / "incident_desk_de.qm")
    translators(QLocale("de_DE"), folder)
    incident = create_incident(make_draft(), leader)

    update = CommunicationDialog(incident.id, leader, dialogs)
    qtbot.addWidget(update)
    search = DataProtectionDialog(leader, dialogs)
    qtbot.addWidget(search)

    audiences = [update.audience.itemText(i) for i in range(update.audience.count())]
    assert audiences[0] == "Anrufer" and update.audience.itemData(0) == "caller"
    assert "Aufsichtsbehörde (ICO)" in audiences
    assert "Manager" in audiences  # not in the file: English
    assert status_text("in_progress") == "In Bearbeitung"
    assert search.results.horizontalHeaderItem(3).text() == "Art"
