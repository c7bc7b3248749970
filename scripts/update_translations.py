"""Bring the translations up to date with the code, then compile them.

    uv run python scripts/update_translations.py [--check]

1. ``pyside6-lupdate`` reads every ``self.tr()`` and ``QCoreApplication.translate`` (and
   ``app.views.text.tr``) string in ``app/`` into ``app/resources/translations/
   incident_desk.ts``, the template a translator copies to ``incident_desk_<language>.ts``
   (``incident_desk_de.ts``, ``incident_desk_pt_BR.ts``) and fills in with Qt Linguist
   (``pyside6-linguist``);
2. each ``incident_desk_<language>.ts`` is merged with the new strings, then compiled by
   ``pyside6-lrelease`` into ``incident_desk_<language>.qm`` beside it, which the
   application loads at start-up for that language (``app/views/translations.py``) and the
   bundle carries. No code changes.

Words the windows take from the model layer (enumeration labels, label tables: ``Channel.label``,
``PRIORITY_NAMES``), which has no Qt, are invisible to lupdate; step 1 is preceded by writing
them out, each as ``QT_TRANSLATE_NOOP("Vocabulary", "...")``, into
``app/views/vocabulary_strings.py``, and the windows show them through
``app.views.text.vocabulary(label)``. What counts as vocabulary is decided by
:func:`vocabulary` alone: every label of an enumeration in ``app/models`` with a ``label``, and
the tables of :data:`VOCABULARY_TABLES` (``tests/views/test_translations.py`` fails when a
view imports a table of words from the model layer that is neither there nor in
:data:`NOT_VOCABULARY`). A view's own lists (column headings) are marked where they are
defined, ``QT_TRANSLATE_NOOP("<the context that shows them>", "...")``, and read by lupdate.

``--check`` only reports how many strings the code has and how many each language has
translated, and whether ``vocabulary_strings.py`` is current, writing nothing.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import json
import pkgutil
import re
import shutil
import subprocess
import sys
import tempfile
from enum import Enum
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "app"
FOLDER = ROOT / "app" / "resources" / "translations"
TEMPLATE = FOLDER / "incident_desk.ts"
VOCABULARY_CONTEXT = "Vocabulary"
VOCABULARY_MODULE = ROOT / "app" / "views" / "vocabulary_strings.py"
LANGUAGE_FILE = re.compile(r"incident_desk_(?P<language>[A-Za-z]{2,3}(_[A-Za-z0-9]+)*)\.ts$")


def tool(name: str) -> str:
    """The path of a PySide6 tool (beside this Python first, as in a uv environment)."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} was not found: run this with the project's environment "
                         "('uv run python scripts/update_translations.py').")
    return found


def source_files() -> list[Path]:
    """The Python files of the application, sorted, caches left out."""
    return sorted(path for path in SOURCES.rglob("*.py") if "__pycache__" not in path.parts)


def language_files(folder: Path = FOLDER) -> list[Path]:
    """The translations, ``incident_desk_<language>.ts``, in ``folder``."""
    return sorted(path for path in folder.glob("incident_desk_*.ts")
                  if LANGUAGE_FILE.search(path.name))


# The tables of words the windows show from the model layer, by where they are defined; the
# labels of enumerations (``label``) are found without being listed here.
VOCABULARY_TABLES = (
    "app.models.vocabulary.PRIORITY_NAMES",
    "app.models.validation.FIELD_LABELS",
    "app.models.lifecycle.NOTE_REQUIRED",
    "app.models.prioritisation.SCOPE_ANSWERS",
    "app.models.prioritisation.HARM_ANSWERS",
    "app.models.prioritisation.TREND_ANSWERS",
    "app.models.prioritisation.WORKAROUND_ANSWERS",
    "app.models.prioritisation.DEADLINE_ANSWERS",
    "app.models.communications.TEMPLATES",
    "app.models.satisfaction.SCORE_LABELS",
    "app.models.reviews.FIELD_LABELS",
    "app.models.mail.FIELD_LABELS",
    "app.models.mail.SECURITY_LABELS",
    "app.models.accounts.PASSWORD_RULE",
    "app.models.sla.WEEKDAYS",
    "app.models.service_levels.HOLIDAY_REGIONS",
    "app.reports.shift_rows.HANDOVER_HEADINGS",
    "app.reports.shift_rows.SUPPORT_HEADINGS",
)
# What the views import from the model layer that holds text but is no word shown in a window
NOT_VOCABULARY = {
    "app.models.escalation_matrix.ESCALATION_AREA": "a key",
    "app.models.handover.ITEM_FIELDS": "field names",
    "app.models.incident_transfer.COLUMNS": "the field names of an import or export file",
    "app.models.incident_transfer.KINDS": "file formats (CSV, XLSX)",
    "app.models.incident_transfer.REQUIRED": "field names",
    "app.models.incidents.PRIORITISATION_FIELDS": "field names",
    "app.models.mail.SECURITY_CHOICES": "keys",
    "app.models.period_stats.BREACHED": "a key",
    "app.models.period_stats.MET": "a key",
    "app.models.period_stats.PENDING": "a key",
    "app.models.personal_data.RETENTION_AREA": "a key",
    "app.models.problems.ACTIVE": "a key",
    "app.models.problems.INCIDENT_FIELD": "a field name",
    # the printed escalation matrix is a document, in English like app/reports' PDFs
    "app.reports.escalation_matrix.CONTACT_HEADINGS": "printed",
    "app.reports.escalation_matrix.NO_CONTACT": "printed",
    "app.reports.escalation_matrix.RULE_HEADINGS": "printed",
    "app.reports.escalation_matrix.TITLE": "printed",
    "app.reports.escalation_matrix.PRIORITY_COLOURS": "colours",
    "app.reports.fonts.FONT_FILES": "file names",
    "app.reports.fonts.FONT_FOLDER": "a package path",
}


def _import(name: str) -> object:
    """The object ``app.models.module.NAME`` names."""
    if str(ROOT) not in sys.path:  # run as a script: app is beside scripts
        sys.path.insert(0, str(ROOT))
    module, _, attribute = name.rpartition(".")
    return getattr(importlib.import_module(module), attribute)


def words(value: object) -> list[str]:
    """The words in a table: a string; a dict's string values, or the first string of each
    tuple value ({key: (label, ...)}); a tuple's or list's strings. Enumeration members
    (their values are keys) and numbers are not words."""
    if type(value) is str:
        return [value]
    if isinstance(value, dict):
        value = [v[0] if isinstance(v, tuple | list) and v else v for v in value.values()]
    if isinstance(value, tuple | list):
        return [v for v in value if type(v) is str]
    return []


def model_enumerations() -> list[type[Enum]]:
    """The enumerations of ``app/models`` that have a ``label``, module by module."""
    models = _import("app.models.__path__")
    found = []
    for info in sorted(pkgutil.iter_modules(models), key=lambda i: i.name):
        module = importlib.import_module(f"app.models.{info.name}")
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, Enum)
                    and value.__module__ == module.__name__ and "label" in vars(value)):
                found.append(value)
    return found


def imported_texts(views: Path = SOURCES / "views") -> list[str]:
    """The qualified names of what the modules in ``views`` import from ``app.models`` or
    ``app.reports`` (at the top or inside a function) that holds text: the tables of words
    that must be in :data:`VOCABULARY_TABLES` or :data:`NOT_VOCABULARY`."""
    names: set[str] = set()
    for source in sorted(views.glob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(
                    ("app.models", "app.reports")):
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return sorted(name for name in names if words(_import(name)))


def vocabulary() -> dict[str, list[str]]:
    """The words the windows take from the model layer, by where they are defined: the
    labels of every enumeration in ``app/models`` with a ``label``, then the words of
    :data:`VOCABULARY_TABLES`."""
    found = {f"{e.__module__}.{e.__qualname__}": [member.label for member in e]
             for e in model_enumerations()}
    found.update((name, words(_import(name))) for name in VOCABULARY_TABLES)
    return found


def vocabulary_module(found: dict[str, list[str]]) -> str:
    """The text of ``app/views/vocabulary_strings.py`` for the words ``found``: each string
    once, under the first place it is defined."""
    lines = ['"""The words the windows take from the model layer, listed for pyside6-lupdate.',
             "",
             "Written by ``scripts/update_translations.py`` from the enumerations and label tables",
             "of ``app/models``: do not edit. The windows translate them with",
             '``app.views.text.vocabulary``."""',
             "",
             "from __future__ import annotations",
             "",
             "from PySide6.QtCore import QT_TRANSLATE_NOOP",
             "",
             "STRINGS = ("]
    seen: set[str] = set()
    for source, words in found.items():
        new = [word for word in dict.fromkeys(words) if word not in seen]
        if not new:
            continue
        lines.append(f"    # {source}")
        for word in new:
            seen.add(word)
            literal = json.dumps(word, ensure_ascii=False)
            line = f'    QT_TRANSLATE_NOOP("{VOCABULARY_CONTEXT}", {literal}),'
            lines.append(line if len(line) <= 100 else f"{line}  # noqa: E501")
    lines.append(")")
    return "\n".join(lines) + "\n"


def write_vocabulary(path: Path = VOCABULARY_MODULE) -> bool:
    """Write the vocabulary module; returns whether it changed."""
    text = vocabulary_module(vocabulary())
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


# app.views.text.tr(context, text) is QCoreApplication.translate; lupdate would read a bare
# tr(a, b) as QObject.tr(text, disambiguation), so the copies it reads call it translate
BARE_TR = re.compile(r"(?<![.\w])tr\(")
CONTEXT_CONSTANT = re.compile(r'^CONTEXT = "(?P<context>\w+)"$', re.MULTILINE)


def readable_copy(source: Path, copy: Path) -> None:
    """``source`` as lupdate can read it: the same lines, bare ``tr(`` as ``translate(`` and
    a module's ``CONTEXT`` constant written out where ``translate`` or ``QT_TRANSLATE_NOOP``
    is given it."""
    text = BARE_TR.sub("translate(", source.read_text(encoding="utf-8"))
    if found := CONTEXT_CONSTANT.search(text):
        for call in ("translate", "QT_TRANSLATE_NOOP"):
            text = text.replace(f"{call}(CONTEXT,", f'{call}("{found["context"]}",')
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text(text, encoding="utf-8")


def lupdate(targets: list[Path], sources: list[Path] | None = None) -> None:
    """Merge the strings of ``sources`` (the application's) into the ``.ts`` files
    ``targets``, creating them; strings gone from the code are dropped.

    lupdate reads copies of the sources laid out as in the tree, beside copies of the
    targets, so the locations it writes (``../../views/main_window.py``) are the tree's."""
    sources = sources or source_files()
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder)
        copies = []
        for source in sources:
            copy = tree / source.relative_to(ROOT)
            readable_copy(source, copy)
            copies.append(copy)
        target_copies = []
        for target in targets:
            copy = tree / target.resolve().relative_to(ROOT) if target.resolve().is_relative_to(
                ROOT) else tree / "out" / target.name
            copy.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                shutil.copyfile(target, copy)
            target_copies.append(copy)
        listing = tree / "sources.lst"  # the file list: the command line would be long
        listing.write_text("\n".join(map(str, copies)), encoding="utf-8")
        subprocess.run([tool("pyside6-lupdate"), "-silent", "-no-obsolete", "-locations",
                        "relative", f"@{listing}", "-ts", *map(str, target_copies)],
                       check=True)
        for target, copy in zip(targets, target_copies, strict=True):
            shutil.copyfile(copy, target)


def lrelease(ts_file: Path, qm_file: Path | None = None) -> Path:
    """Compile ``ts_file`` into ``qm_file`` (beside it, ``.qm``, by default)."""
    qm_file = qm_file or ts_file.with_suffix(".qm")
    subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts_file), "-qm", str(qm_file)],
                   check=True)
    return qm_file


def counts(ts_file: Path) -> tuple[int, int]:
    """(messages, messages translated) in ``ts_file``."""
    text = ts_file.read_text(encoding="utf-8")
    messages = text.count("<message")
    untranslated = len(re.findall(r'<translation type="(unfinished|vanished|obsolete)"',
                                  text))
    return messages, messages - untranslated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="report the strings translated per language; write nothing")
    args = parser.parse_args(argv)
    if args.check:
        current = (VOCABULARY_MODULE.exists() and VOCABULARY_MODULE.read_text(
            encoding="utf-8") == vocabulary_module(vocabulary()))
        print(f"{VOCABULARY_MODULE.relative_to(ROOT)}: "
              f"{'current' if current else 'out of date: run without --check'}")
        with tempfile.TemporaryDirectory() as folder:
            template = Path(folder) / TEMPLATE.name
            lupdate([template])
            total, _ = counts(template)
        print(f"{total} strings in the code")
        for ts_file in language_files():
            messages, translated = counts(ts_file)
            print(f"{ts_file.name}: {translated} of {messages} translated")
        return 0
    FOLDER.mkdir(parents=True, exist_ok=True)
    if write_vocabulary():
        print(f"{VOCABULARY_MODULE.relative_to(ROOT)}: written")
    languages = language_files()
    lupdate([TEMPLATE, *languages])
    total, _ = counts(TEMPLATE)
    print(f"{TEMPLATE.relative_to(ROOT)}: {total} strings")
    for ts_file in languages:
        qm_file = lrelease(ts_file)
        messages, translated = counts(ts_file)
        print(f"{qm_file.relative_to(ROOT)}: {translated} of {messages} translated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
