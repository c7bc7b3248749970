"""The user guide names each shortcut as the code sets it, and shows pictures that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtGui import QAction, QKeySequence

from app.views.transfer_actions import TransferActions

pytestmark = pytest.mark.gui
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "user-guide.md"
ROW = re.compile(r"^\| (?P<action>[^|]+?) \| (?P<keys>[^|]+?) \|$", re.MULTILINE)
NAMED = re.compile(r"\*\*(?P<action>[^*]+)\*\*\s+\((?:[^)]*?menu,\s+)?(?P<keys>(?:Ctrl|F\d)[^,)]*)")


def plain(text: str) -> str:
    return text.replace("&", "").strip()


def guide_shortcuts() -> list[tuple[str, str]]:
    """(action, keys) from the guide's table and from its running text."""
    text = GUIDE.read_text(encoding="utf-8")
    pairs = [(m["action"], m["keys"]) for m in ROW.finditer(text)
             if m["action"] not in ("action", "---")]
    pairs += [(m["action"], m["keys"]) for m in NAMED.finditer(text)]
    return pairs


def test_every_shortcut_the_guide_names_is_the_codes(db, dialogs, open_window, leader):
    window = open_window()
    actions = {plain(a.text()): a.shortcut().toString()
               for a in window.findChildren(QAction) if a.text()}
    if "Import incidents…" not in actions:  # until the window carries them
        transfer = TransferActions(window, leader, dialogs)
        for action in (transfer.import_action, transfer.export_action):
            actions[plain(action.text())] = action.shortcut().toString()
    actions["Save (in the form)"] = actions["Save"] = QKeySequence(
        QKeySequence.StandardKey.Save).toString()

    named = guide_shortcuts()

    assert len(named) > 40
    wrong = [(action, keys, actions.get(action)) for action, keys in named
             if actions.get(action) != keys]
    assert wrong == []


def test_the_guides_pictures_exist():
    text = GUIDE.read_text(encoding="utf-8")
    pictures = re.findall(r"\]\(([^)]+\.png)\)", text)
    assert len(pictures) > 20
    assert [p for p in pictures if not (GUIDE.parent / p).is_file()] == []
