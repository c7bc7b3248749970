"""The translations loaded at start-up: Incident Desk's own for the system's language, and
Qt's (the standard buttons, the file pickers), so a language is added by dropping a ``.qm``
file in ``app/resources/translations`` (made with ``scripts/update_translations.py``),
with no change to the code. A language with no file stays in English.
"""

from __future__ import annotations

import logging
from importlib.resources.abc import Traversable

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.resources import MissingResourceError, read_resource, resource_path

log = logging.getLogger(__name__)
FOLDER = "translations"  # in app/resources
PREFIX = "incident_desk"  # incident_desk_<language>[_<territory>].qm
QT_PREFIX = "qtbase"


def language_names(locale: QLocale) -> list[str]:
    """The file name endings to try for ``locale``, most specific first: for Austrian German
    ``de_Latn_AT``, ``de_AT``, ``de_Latn``, ``de``."""
    languages = [language.replace("-", "_").split("_")
                 for language in locale.uiLanguages() or [locale.name()]]
    names: list[str] = []
    for length in range(max(map(len, languages)), 0, -1):
        for parts in languages:
            name = "_".join(parts[:length])
            if len(parts) >= length and name not in names:
                names.append(name)
    return names


def find_translation(locale: QLocale, folder: Traversable) -> Traversable | None:
    """Incident Desk's ``.qm`` file for ``locale`` in ``folder``, or None (English, the
    language of the source, needs none)."""
    if locale.language() == QLocale.Language.English or not folder.is_dir():
        return None
    for name in language_names(locale):
        candidate = folder.joinpath(f"{PREFIX}_{name}.qm")
        if candidate.is_file():
            return candidate
    return None


def install_translators(app: QCoreApplication, locale: QLocale | None = None,
                        folder: Traversable | None = None) -> list[QTranslator]:
    """Install the translators for ``locale`` (the system's) on ``app``; returns them, so
    that they can be removed again (``app.removeTranslator``). Missing files are fine.

    Args:
        app: the application.
        locale: the language to translate into; the system's when None.
        folder: where Incident Desk's ``.qm`` files are; ``app/resources/translations``
            when None.
    """
    locale = locale or QLocale.system()
    installed: list[QTranslator] = []
    own = find_translation(locale, folder or resource_path(FOLDER))
    if own is not None:
        try:
            data = (own.read_bytes() if folder is not None
                    else read_resource(FOLDER, own.name))
        except (OSError, MissingResourceError) as exc:
            log.warning("The translation %s cannot be read: %s", own.name, exc)
        else:
            translator = QTranslator(app)
            if translator.load(data):
                translator.data = data  # Qt reads the bytes in place: keep them alive
                installed.append(translator)
            else:
                log.warning("The translation %s is not a Qt .qm file; the windows stay in "
                            "English.", own.name)
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt_translator = QTranslator(app)
    if qt_folder and qt_translator.load(locale, QT_PREFIX, "_", qt_folder):
        installed.append(qt_translator)
    for translator in installed:
        app.installTranslator(translator)
    return installed
