"""The shift handover report: a page to print of a shift's handovers (who handed what to
whom, how, what was outstanding, risky or promised, and what became of it) and the support
colleagues gave each other.

The builders take a :class:`~app.models.handover.ShiftSummary` as plain data and return
flowables; :func:`write_shift_pdf` lays them out on A4 and writes the file whole or not at
all.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table

from app import APP_NAME
from app.models.clock import format_local
from app.models.handover import ShiftSummary
from app.models.organisation import Organisation
from app.reports.files import ReportError, write_atomically
from app.reports.fonts import BOLD_FONT
from app.reports.pages import (
    header_flowables,
    numbered_canvas,
    stylesheet,
    table_style,
    text_paragraph,
)
from app.reports.shift_rows import (
    HANDOVER_HEADINGS,
    SUPPORT_HEADINGS,
    handover_rows,
    shift_text,
    support_rows,
)

TITLE = "Shift handover report"
PAGE = A4
MARGIN = 14 * mm
TOP, BOTTOM = 12 * mm, 18 * mm
WIDTH = PAGE[0] - 2 * MARGIN
HEADER_BACKGROUND = colors.HexColor("#eceff1")


class ShiftReportError(ReportError):
    """The PDF cannot be written; the message names the file and says why."""


def _styles() -> dict[str, ParagraphStyle]:
    sheet = stylesheet()
    cell = ParagraphStyle("cell", parent=sheet["BodyText"], fontSize=7.5, leading=9.2,
                          spaceBefore=0, spaceAfter=0)
    return {"sheet": sheet, "body": sheet["BodyText"], "cell": cell,
            "head": ParagraphStyle("head", parent=cell, fontName=BOLD_FONT),
            "heading": ParagraphStyle("heading", parent=sheet["Heading3"], spaceBefore=6,
                                      spaceAfter=3)}


def _table(headings: tuple[str, ...], rows: list[tuple[str, ...]], widths: list[float],
           styles: dict) -> Table:
    cell, head = styles["cell"], styles["head"]
    data: list[list] = [[Paragraph(h, head) for h in headings]]
    data += [[text_paragraph(value, cell) for value in row] for row in rows]
    return Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT", style=table_style(
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.grey),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)))


def shift_story(summary: ShiftSummary, styles: dict) -> list[Flowable]:
    """The shift, the counts, the handovers and the support given, as flowables."""
    story: list[Flowable] = [text_paragraph(shift_text(summary), styles["heading"]),
                             text_paragraph(summary.counts_text(), styles["body"])]
    rows = handover_rows(summary)
    if rows:
        widths = [20 * mm, 28 * mm, 32 * mm, 26 * mm]
        widths += [WIDTH - sum(widths) - 30 * mm, 30 * mm]
        story += [Paragraph("Handovers", styles["heading"]),
                  _table(HANDOVER_HEADINGS, rows, widths, styles)]
    rows = support_rows(summary)
    if rows:
        widths = [21 * mm, 40 * mm, 34 * mm, 26 * mm]
        widths.append(WIDTH - sum(widths))
        story += [Paragraph("Support given", styles["heading"]),
                  _table(SUPPORT_HEADINGS, rows, widths, styles)]
    return story


def write_shift_pdf(summary: ShiftSummary, path: Path, organisation: Organisation,
                    generated_by: str, now: datetime) -> Path:
    """Write the shift's report to ``path`` (through a temporary file beside it, renamed
    into place, so a failure leaves no partial file and any earlier file as it was) and
    return ``path``.

    Raises:
        ShiftReportError: the folder cannot be written to, the shipped fonts are missing,
            or the report cannot be laid out; the message names the file.
    """
    footer = f"{shift_text(summary)} · generated {format_local(now)} by {generated_by}"

    def write(part: Path) -> None:
        styles = _styles()
        story = header_flowables(TITLE, organisation, now, generated_by, styles["sheet"],
                                 WIDTH)
        story += shift_story(summary, styles)
        document = SimpleDocTemplate(
            str(part), pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN,
            topMargin=TOP, bottomMargin=BOTTOM, title=TITLE, author=generated_by,
            subject=shift_text(summary), creator=APP_NAME)
        document.build(story, canvasmaker=numbered_canvas(footer))

    return write_atomically(path, write, "the shift handover report", ShiftReportError)
