"""What every PDF report shares: styles in the shipped fonts, text paragraphs that print
typed text as typed, a footer with "page X of Y", and writing the file whole or not at all."""

from __future__ import annotations

import io
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle, StyleSheet1, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Image, Paragraph, Spacer, Table, TableStyle

from app.models.clock import format_local
from app.models.organisation import Organisation
from app.reports.fonts import BODY_FONT, BOLD_FONT, register_fonts
from app.reports.typed_text import draw_typed_string, typed_paragraph

FOOTER_MARGIN = 18 * mm  # from the left and right edges
FOOTER_Y = 10 * mm


def stylesheet() -> StyleSheet1:
    """ReportLab's sample styles, in DejaVu Sans (bold where the sample is bold).

    Raises:
        FontMissingError: the shipped fonts are not there.
    """
    register_fonts()
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        if isinstance(style, ParagraphStyle):
            style.fontName = BOLD_FONT if "Bold" in style.fontName else BODY_FONT
            style.bulletFontName = BODY_FONT
    styles["Title"].alignment = TA_LEFT  # under the organisation's name, not centred
    return styles


def text_paragraph(text: str, style: ParagraphStyle, **kwargs) -> Paragraph:
    """A paragraph of text exactly as stored: markup-looking text is escaped, lines kept,
    CJK in the fallback font, Arabic joined and right-to-left text in reading order (see
    :func:`app.reports.typed_text.typed_paragraph`). ``kwargs`` go to :class:`Paragraph`
    (``bulletText``, say)."""
    return typed_paragraph(text, style, **kwargs)


LOGO_HEIGHT = 14 * mm


def header_flowables(title: str, organisation: Organisation, generated_at: datetime,
                     generated_by: str, styles: StyleSheet1, width: float) -> list[Flowable]:
    """A report's head: the organisation's logo and name on the left, the title below,
    then when and by whom it was generated. ``width`` is the frame's width."""
    name = text_paragraph(organisation.name, styles["Heading3"]) if organisation.name else ""
    story: list[Flowable] = []
    if organisation.logo:
        logo = Image(io.BytesIO(organisation.logo))
        scale = LOGO_HEIGHT / logo.imageHeight
        logo.drawHeight, logo.drawWidth = LOGO_HEIGHT, min(logo.imageWidth * scale, width / 3)
        logo.hAlign = "LEFT"
        table = Table([[logo, name]], colWidths=[logo.drawWidth + 4 * mm, None])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        story.append(table)
    elif name:
        story.append(name)
    story += [text_paragraph(title, styles["Title"]),
              text_paragraph(f"Generated {format_local(generated_at)} by {generated_by}",
                             styles["BodyText"]),
              Spacer(0, 3 * mm)]
    return story


def table_style(*commands: tuple) -> TableStyle:
    """Light grid lines and cells aligned at the top, then ``commands``.

    The cells' font is set too, though every cell holds a Paragraph: a table sets its cell
    font on the canvas regardless, and the default would put Helvetica in the PDF.
    """
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), BODY_FONT),
                       ("GRID", (0, 0), (-1, -1), 0.4, colors.lightgrey),
                       ("VALIGN", (0, 0), (-1, -1), "TOP"), *commands])


class NumberedCanvas(Canvas):
    """Draws ``footer`` on the left and ``page_label`` on the right of every page, once the
    number of pages is known. Make a subclass per document with :func:`numbered_canvas`."""

    footer = ""
    page_label = "Page {page} of {pages}"

    def __init__(self, *args, **kwargs):
        # the document template passes None: Helvetica, which would then be in every PDF
        kwargs["initialFontName"] = kwargs.get("initialFontName") or BODY_FONT
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        for page in self._pages:
            self.__dict__.update(page)
            self.setFont(BODY_FONT, 8)
            self.setFillColor(colors.grey)
            if self.footer:
                draw_typed_string(self, FOOTER_MARGIN, FOOTER_Y, self.footer, BODY_FONT, 8)
            draw_typed_string(self, self._pagesize[0] - FOOTER_MARGIN, FOOTER_Y,
                              self.page_label.format(page=self._pageNumber,
                                                     pages=len(self._pages)),
                              BODY_FONT, 8, right=True)
            super().showPage()
        super().save()


def numbered_canvas(footer: str = "", page_label: str = NumberedCanvas.page_label
                    ) -> type[NumberedCanvas]:
    """A canvas class for ``doc.build(story, canvasmaker=...)`` with this footer.

    Args:
        footer: text at the bottom left of every page (drawn as is, not as markup).
        page_label: text at the bottom right, with ``{page}`` and ``{pages}``.
    """
    register_fonts()
    return type("FooterCanvas", (NumberedCanvas,), {"footer": footer,
                                                   "page_label": page_label})
