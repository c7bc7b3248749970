"""Right-to-left text for ReportLab, which draws every line left to right as stored: Arabic
letters given their joined forms, and a line's characters put in the order they are seen.

Reorder one line at a time, after a paragraph has been broken into lines in the order the
text is stored: reordering a whole paragraph first would put its last words on its first
line. :mod:`app.reports.typed_text` does that for paragraphs and single lines.

python-bidi (the Rust unicode-bidi crate) resolves the levels and reorders, but does not
mirror brackets (rule L4 of the Unicode Bidirectional Algorithm); :func:`visual_order` does
that itself from the resolved levels, and falls back to python-bidi's order as is if it
cannot read them. Combining marks (Arabic vowels, Hebrew points) are left before their
letter once a word is reversed, not put back after it (rule L3, optional): DejaVu Sans draws
its right-to-left marks over the glyph that follows them, so that is where they belong.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import bidi
from arabic_reshaper import ArabicReshaper
from arabic_reshaper.letters import LETTERS_ARABIC
from arabic_reshaper.ligatures import LIGATURES
from bidi.mirror import MIRRORED

from app.reports.fonts import char_map

RTL_CLASSES = frozenset({"R", "AL"})  # Hebrew; Arabic, Syriac, Thaana
# reset to the paragraph's level at the end of a line (rule L1)
_TRAILING_CLASSES = frozenset({"WS", "FSI", "LRI", "RLI", "PDI", "BN",
                               "LRE", "RLE", "LRO", "RLO", "PDF"})
_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")
# a joined (presentation) form back to its letter, for forms the font has no glyph for
_LETTER_OF_FORM = {form: letter for letter, forms in LETTERS_ARABIC.items()
                   for form in forms if form}


def has_rtl(text: str) -> bool:
    """Whether ``text`` has a right-to-left letter (Hebrew, Arabic and the like)."""
    return any(unicodedata.bidirectional(char) in RTL_CLASSES for char in text)


def starts_rtl(text: str) -> bool:
    """Whether ``text`` reads right to left as a whole: its first letter with a direction
    is right-to-left (rules P2 and P3, as HTML's ``dir="auto"``)."""
    return bidi.get_base_level(text) == 1


@cache
def _reshaper(font: str) -> ArabicReshaper:
    glyphs = char_map(font)
    config = {"delete_harakat": False}  # vowel marks are text: keep them
    if glyphs is not None:  # only the ligatures the font can draw
        config |= {name: all(ord(form) in glyphs for form in forms if form)
                   for name, (_match, forms) in LIGATURES}
    return ArabicReshaper(configuration=config)


def shape_arabic(text: str, font: str) -> str:
    """``text`` with its Arabic letters in the joined forms ``font`` has (initial, medial,
    final, lam-alef), still in stored order; a form ``font`` lacks stays a plain letter.
    Other text is returned as it is. ``font`` must be registered."""
    shaped = _reshaper(font).reshape(text)
    glyphs = char_map(font)
    if glyphs is None:
        return shaped
    return "".join(_LETTER_OF_FORM.get(char, char) if ord(char) not in glyphs else char
                   for char in shaped)


def _levels(line: str, base: str) -> list[int] | None:
    """The resolved embedding level of each character, as python-bidi shows them with
    ``debug`` (one per UTF-8 byte); None if they cannot be read."""
    shown = bidi.get_display(line, base_dir=base, debug=True)
    _, found, rest = shown.partition("levels:")
    byte_levels = [int(level) for level in _LEVEL.findall(rest.partition("paragraphs:")[0])]
    if not found or len(byte_levels) != len(line.encode()):
        return None
    levels, offset = [], 0
    for char in line:
        levels.append(byte_levels[offset])
        offset += len(char.encode())
    return levels


def _line_levels(line: str, levels: list[int], base_level: int) -> list[int]:
    """Rule L1: separators, and the spaces before them or at the end of the line, take the
    paragraph's level."""
    levels = list(levels)
    trailing = True
    for i in range(len(line) - 1, -1, -1):
        kind = unicodedata.bidirectional(line[i])
        if kind in ("S", "B"):
            levels[i], trailing = base_level, True
        elif trailing and kind in _TRAILING_CLASSES:
            levels[i] = base_level
        else:
            trailing = False
    return levels


def _reordered(levels: list[int]) -> list[int]:
    """Rule L2: positions in the order they are seen, from the highest level down to the
    lowest odd one, reversing every run at that level or higher."""
    order = list(range(len(levels)))
    odd = [level for level in levels if level % 2]
    if not odd:
        return order
    for level in range(max(levels), min(odd) - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] < level:
                i += 1
                continue
            j = i
            while j < len(order) and levels[order[j]] >= level:
                j += 1
            order[i:j] = order[i:j][::-1]
            i = j
    return order


def visual_order(line: str, rtl: bool) -> str:
    """One line (no line breaks) in the order it is seen, left to right, for a paragraph
    that reads right to left if ``rtl``: right-to-left runs reversed, with brackets in them
    mirrored."""
    base = "R" if rtl else "L"
    shown = bidi.get_display(line, base_dir=base)
    levels = _levels(line, base)
    if levels is None:
        return shown
    levels = _line_levels(line, levels, 1 if rtl else 0)
    order = _reordered(levels)
    if "".join(line[i] for i in order) != shown:  # not as python-bidi reads it: keep its
        return shown
    # rule L4: brackets and the like in a right-to-left run face the other way
    return "".join(MIRRORED.get(line[i], line[i]) if levels[i] % 2 else line[i]
                   for i in order)
