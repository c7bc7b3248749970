"""The fonts the PDFs are written in: DejaVu Sans, shipped in ``app/resources/fonts``.

ReportLab's built-in Helvetica covers Latin-1 only, so names such as Łukasz Wójcik lose
letters. DejaVu Sans covers Latin (with Central and Eastern European letters), Greek,
Cyrillic, Arabic and Hebrew. It has no CJK (Chinese, Japanese, Korean) glyphs and only a
few emoji: the rest print as empty boxes, and Incident Desk does not claim to print them.
Arabic and Hebrew letters print, but ReportLab lays lines out left to right without shaping,
so right-to-left text reads as stored, letter by letter, not as a reader would write it.
"""

from __future__ import annotations

import io
from importlib import resources

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

BODY_FONT = "DejaVuSans"
BOLD_FONT = "DejaVuSans-Bold"
FONT_FILES = {BODY_FONT: "DejaVuSans.ttf", BOLD_FONT: "DejaVuSans-Bold.ttf"}
FONT_FOLDER = ("app.resources", "fonts")  # package, folder inside it

_registered = False


class FontMissingError(RuntimeError):
    """A font file the PDFs need is not installed with the application; the message names
    the file."""


def _font_data(filename: str) -> io.BytesIO:
    package, folder = FONT_FOLDER
    font = resources.files(package).joinpath(folder, filename)
    try:
        # read whole: works from a folder or a zipped install alike
        return io.BytesIO(font.read_bytes())
    except OSError as exc:
        raise FontMissingError(
            f"The font file {font} is missing or cannot be read ({exc.strerror or exc}); "
            "PDFs cannot be written without it. Reinstall Incident Desk.") from exc


def register_fonts() -> None:
    """Register DejaVu Sans and its bold with ReportLab, once; later calls do nothing.

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
