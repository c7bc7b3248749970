"""Typed text on a PDF page, in whatever script it was typed: markup-looking text printed as
typed, characters the body font lacks in the CJK fallback font, Arabic joined, right-to-left
text in reading order line by line.

ReportLab's paragraphs use one font per run of markup and do not fall back per character,
so :func:`paragraph_markup` puts each run the body font cannot draw in a ``<font>`` of the
fallback. CJK text needs no wrapping mode of its own: a run of ideographs (which has no
spaces) longer than the room left on a line is split between characters, as ReportLab does
with any over-long word, and Latin words around it still break only at spaces.
"""

from __future__ import annotations

from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import ParaLines

from app.reports.bidi_text import has_rtl, shape_arabic, starts_rtl, visual_order
from app.reports.fonts import font_runs, register_fonts


def _escaped(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\n", "<br/>"))


def paragraph_markup(text: str, font: str) -> str:
    """Paragraph markup that prints ``text`` as typed in ``font``: ``&``, ``<`` and ``>``
    escaped, line breaks kept, and runs ``font`` has no glyphs for in the fallback font."""
    return "".join(_escaped(run) if run_font == font
                   else f'<font name="{run_font}">{_escaped(run)}</font>'
                   for run, run_font in font_runs(text, font))


class VisualOrderParagraph(Paragraph):
    """A paragraph of stored (logical) text, broken into lines as ReportLab breaks any
    paragraph, whose lines are each put in visual order only as they are drawn: so the
    lines keep their order, and a split across pages splits the stored text."""

    rtl = False  # the paragraph reads right to left

    def split(self, avail_width, avail_height):
        parts = super().split(avail_width, avail_height)
        for part in parts:
            part.rtl = self.rtl
        return parts

    def draw(self):
        stored = self.blPara
        self.blPara = self._visual_lines(stored)
        try:
            super().draw()
        finally:
            self.blPara = stored

    def _visual_lines(self, para: ParaLines) -> ParaLines:
        font = self.style.fontName
        lines = []
        for line in para.lines:
            if isinstance(line, tuple):  # one font throughout: (space left, words)
                space, words = line
                lines.append((space, visual_order(" ".join(words), self.rtl).split(" ")))
                continue
            texts = [frag for frag in line.words if getattr(frag, "text", "")]
            if not texts:
                lines.append(line)
                continue
            shown = visual_order("".join(frag.text for frag in texts), self.rtl)
            words = [texts[0].clone(text=run, fontName=run_font)
                     for run, run_font in font_runs(shown, font)]
            # the <br/> that ended the line has no text: keep it, last
            words += [frag for frag in line.words if not getattr(frag, "text", "")]
            lines.append(line.clone(words=words))
        return para.clone(lines=lines)


def typed_paragraph(text: str, style: ParagraphStyle, **kwargs) -> Paragraph:
    """A paragraph of ``text`` exactly as typed, in ``style``; ``kwargs`` go to
    :class:`Paragraph` (``bulletText``, say).

    Text with no right-to-left letters gives a plain :class:`Paragraph`. Text with some
    gives a :class:`VisualOrderParagraph`, aligned right instead of left if the text
    starts right to left.
    """
    register_fonts()
    font = style.fontName
    if not has_rtl(text):
        return Paragraph(paragraph_markup(text, font), style, **kwargs)
    rtl = starts_rtl(text)
    if rtl and style.alignment == TA_LEFT:
        style = ParagraphStyle(f"{style.name}-rtl", parent=style, alignment=TA_RIGHT)
    paragraph = VisualOrderParagraph(paragraph_markup(shape_arabic(text, font), font),
                                     style, **kwargs)
    paragraph.rtl = rtl
    return paragraph


def draw_typed_string(canvas: Canvas, x: float, y: float, text: str, font: str,
                      size: float, *, right: bool = False) -> None:
    """Draw one line of typed text as :meth:`Canvas.drawString` would, in ``font`` at
    ``size``, which must be the canvas's font already: with the CJK fallback where ``font``
    has no glyph, Arabic joined and right-to-left text in reading order. ``right`` puts the
    text's right end at ``x`` (as :meth:`Canvas.drawRightString`)."""
    if has_rtl(text):
        text = visual_order(shape_arabic(text, font), starts_rtl(text))
    runs = font_runs(text, font)
    widths = [stringWidth(run, run_font, size) for run, run_font in runs]
    if right:
        x -= sum(widths)
    for (run, run_font), width in zip(runs, widths, strict=True):
        if run_font != font:
            canvas.setFont(run_font, size)
        canvas.drawString(x, y, run)
        if run_font != font:
            canvas.setFont(font, size)
        x += width
