"""What free text a record accepts: everything typed, except what cannot be stored faithfully."""

from __future__ import annotations

import re

MAX_NOTE_LENGTH = 10_000  # a status note or a resolution

# Characters a record refuses rather than stores: control characters (C0, DEL and C1), which
# are invisible, garble reports and exports and are never typed on purpose, except tab and
# line breaks in multi-line text; and lone surrogates, which are not text at all (half of a
# pair, left by a broken copy and paste) and cannot be written as UTF-8.
_SINGLE_LINE_REFUSED = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_MULTILINE_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# What is trimmed from both ends of a field: spaces (every Unicode kind), tabs and line breaks,
# but not control characters, which ``str.strip`` would remove silently and we refuse instead.
_SPACES = " \t\n\r\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + (
    "\u2028\u2029\u202f\u205f\u3000")
_CONTROL_NAMES = {"\x00": "a NUL byte", "\t": "a tab", "\n": "a line break",
                  "\r": "a line break"}


def text_error(value: str, multiline: bool = False) -> str | None:
    """Why ``value`` cannot be stored as typed (see the characters refused above), if so."""
    found = (_MULTILINE_REFUSED if multiline else _SINGLE_LINE_REFUSED).search(value)
    if found is None:
        return None
    char = found.group()
    position = f"at character {found.start() + 1}"
    if "\ud800" <= char <= "\udfff":
        return f"contains a broken character {position} (half of a pair): type or paste it again."
    if char in ("\n", "\r"):
        return f"must be on one line (there is a line break {position})."
    name = _CONTROL_NAMES.get(char, "a control character")
    return f"contains {name} (U+{ord(char):04X}) {position}, which cannot be stored; remove it."


def trimmed(value: str) -> str:
    """``value`` without the spaces and line breaks around it."""
    return value.strip(_SPACES)


class FieldProblemsError(ValueError):
    """Input that cannot be stored; ``problems`` maps each field to why, in a sentence."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__(" ".join(problems.values()))
