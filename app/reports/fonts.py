"""The fonts the PDFs are written in, shipped in ``app/resources/fonts`` with their licences.

What prints, through :func:`app.reports.pages.text_paragraph` and the page footers:

- **DejaVu Sans** (regular and bold) sets the text: Latin with Central and Eastern European
  letters (Zoë, Łukasz Wójcik, Ørsted), Greek, Cyrillic, Armenian, Georgian, Arabic, Hebrew.
- **Droid Sans Fallback** prints the characters DejaVu Sans has no glyph for, chosen per
  character from the two fonts' own character maps (:func:`font_runs`): Chinese (the 20,902
  unified ideographs), Japanese kana, Korean Hangul syllables, full-width forms and CJK
  punctuation. It has no bold: CJK text in a bold heading prints in the regular weight.
- Arabic prints joined (initial, medial and final forms, lam-alef) and Arabic and Hebrew
  right to left, line by line, also inside an English sentence; a paragraph that starts
  right to left is aligned right (:mod:`app.reports.bidi_text`).

What does not: characters neither font has print as empty boxes, such as most emoji, the
rarer CJK extension ideographs, and Thai, Devanagari or Ethiopic. Arabic is joined by
letter forms, not by the font's own rules: it is legible but plainer than a word
processor's, with only the lam-alef ligatures; a few letters used for Urdu and Persian that
DejaVu Sans does not have (heh goal, yeh barree, alef wasla) print as boxes. Vowel marks
and Hebrew points sit where the font puts them, not fitted to each letter. In the PDF's text
layer (copy, search, pdftotext) everything reads as typed except Arabic, whose letters come
out in their joined forms (NFKC normalisation maps them back to the letters).

ReportLab embeds only the glyphs a PDF uses, so a report with a few Chinese names grows by
a few kilobytes, not by the fallback font's 3.4 MB; a PDF with none does not embed it.
"""

from __future__ import annotations

import io
from itertools import groupby

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.resources import MissingResourceError, read_resource

BODY_FONT = "DejaVuSans"
BOLD_FONT = "DejaVuSans-Bold"
FALLBACK_FONT = "DroidSansFallback"  # CJK: for characters DejaVu Sans lacks
FONT_FILES = {BODY_FONT: "DejaVuSans.ttf", BOLD_FONT: "DejaVuSans-Bold.ttf",
              FALLBACK_FONT: "DroidSansFallback.ttf"}
FONT_FOLDER = ("app.resources", "fonts")  # package, folder inside it

_registered = False


class FontMissingError(MissingResourceError):
    """A font file the PDFs need is not installed with the application; the message names
    the file."""


def _font_data(filename: str) -> io.BytesIO:
    package, folder = FONT_FOLDER
    try:
        return io.BytesIO(read_resource(folder, filename, package=package,
                                        consequence="PDFs cannot be written without it."))
    except MissingResourceError as exc:
        raise FontMissingError(str(exc)) from exc


def register_fonts() -> None:
    """Register DejaVu Sans, its bold and the CJK fallback with ReportLab, once; later calls
    do nothing.

    ``<b>`` in a Paragraph in ``BODY_FONT`` then uses ``BOLD_FONT``. No italic is shipped:
    ``<i>`` falls back to the upright faces rather than failing.

    Raises:
        FontMissingError: a font file is not there.
    """
    global _registered
    if _registered:
        return
    fonts = {name: _font_data(filename) for name, filename in FONT_FILES.items()}
    for name, data in fonts.items():
        pdfmetrics.registerFont(TTFont(name, data))
    # the family makes <b> pick the bold, and lets BOLD_FONT text (headings) be looked up
    pdfmetrics.registerFontFamily(BODY_FONT, normal=BODY_FONT, bold=BOLD_FONT,
                                  italic=BODY_FONT, boldItalic=BOLD_FONT)
    _registered = True


def char_map(font: str) -> dict[int, int] | None:
    """The registered TrueType ``font``'s character map (code point to glyph); None for a
    font that is not TrueType (ReportLab's standard fonts)."""
    return getattr(getattr(pdfmetrics.getFont(font), "face", None), "charToGlyph", None)


def font_runs(text: str, font: str) -> list[tuple[str, str]]:
    """``text`` cut into runs of (text, font name): each character in ``font`` where it has
    a glyph, else in the CJK fallback where that has one, else in ``font`` (an empty box).

    Text ``font`` covers whole, or a font that is not TrueType, gives one run.
    Call :func:`register_fonts` first.
    """
    own, fallback = char_map(font), char_map(FALLBACK_FONT)

    def font_for(char: str) -> str:
        code = ord(char)
        if own is None or code in own or fallback is None or code not in fallback:
            return font
        return FALLBACK_FONT

    return [("".join(chars), name) for name, chars in groupby(text, key=font_for)]
