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

``--check`` only reports how many strings the code has and how many each language has
translated, writing nothing.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "app"
FOLDER = ROOT / "app" / "resources" / "translations"
TEMPLATE = FOLDER / "incident_desk.ts"
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


# app.views.text.tr(context, text) is QCoreApplication.translate; lupdate would read a bare
# tr(a, b) as QObject.tr(text, disambiguation), so the copies it reads call it translate
BARE_TR = re.compile(r"(?<![.\w])tr\(")
CONTEXT_CONSTANT = re.compile(r'^CONTEXT = "(?P<context>\w+)"$', re.MULTILINE)


def readable_copy(source: Path, copy: Path) -> None:
    """``source`` as lupdate can read it: the same lines, bare ``tr(`` as ``translate(`` and
    a module's ``CONTEXT`` constant written out where ``translate`` is given it."""
    text = BARE_TR.sub("translate(", source.read_text(encoding="utf-8"))
    if found := CONTEXT_CONSTANT.search(text):
        text = text.replace("translate(CONTEXT,", f'translate("{found["context"]}",')
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
