"""A real, report-like PDF for the preview and runner tests, written with ReportLab in the
shipped font: a coloured band at the top of each page tells the pages apart in a print,
which holds pictures of the pages and so no text for pdftotext to read."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtGui import QColor, QImage
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
)

from app.reports.pages import numbered_canvas, stylesheet, table_style, text_paragraph
from app.reports.progress import NO_PROGRESS, Progress

# One band colour per page (red, green, blue, magenta, cyan, ...), told apart in a print.
BANDS = ["#d00000", "#00a000", "#0000d0", "#c000c0", "#00a0a0", "#a0a000"]
LANDSCAPE_PAGE = 4  # counted from 1: the one landscape page of the sample


def _band(colour: str, size: tuple[float, float]):
    def draw(canvas, document) -> None:
        width, height = size
        canvas.saveState()
        canvas.setFillColor(colors.HexColor(colour))
        canvas.rect(0, height - 22 * mm, width, 22 * mm, stroke=0, fill=1)
        canvas.restoreState()
    return draw


def write_sample_pdf(path: Path, pages: int = 5, progress: Progress = NO_PROGRESS) -> Path:
    """A report of ``pages`` pages (page 4 landscape), each headed "Sample incident report
    — page N" under its coloured band; ``progress`` is told after each page is laid out."""
    styles = stylesheet()
    templates = []
    for page in range(1, pages + 1):
        size = landscape(A4) if page == LANDSCAPE_PAGE else A4
        frame = Frame(18 * mm, 20 * mm, size[0] - 36 * mm, size[1] - 50 * mm)
        templates.append(PageTemplate(f"p{page}", [frame], onPage=_band(BANDS[page - 1], size),
                                      pagesize=size))
    document = BaseDocTemplate(str(path), pageTemplates=templates, title="Sample report",
                               invariant=1)
    story: list = []
    for page in range(1, pages + 1):
        story.append(Paragraph(f"Sample incident report — page {page}", styles["Title"]))
        story.append(text_paragraph(
            "INC-000123 · Inbound calls dropping after the IVR menu\nLogged by Sam Advisor "
            "for Łukasz Wójcik <Northwind Energy>", styles["BodyText"]))
        story.append(Spacer(1, 6 * mm))
        rows = [["When", "Who", "What happened"]] + [
            [f"24/11/2026 {9 + row // 6:02d}:{row * 10 % 60:02d}", "Sam Advisor",
             text_paragraph(f"Update {row + 1}: the caller was told the engineers are on "
                            "it and when to expect the next update.", styles["BodyText"])]
            for row in range(8)]
        story.append(Table(rows, colWidths=[35 * mm, 35 * mm, None], repeatRows=1,
                           style=table_style(("BACKGROUND", (0, 0), (-1, 0),
                                              colors.HexColor("#eceff1")))))
        if page < pages:
            story += [NextPageTemplate(f"p{page + 1}"), PageBreak()]

    document.afterPage = lambda: progress.step(document.page, pages)  # ReportLab's hook
    document.build(story, canvasmaker=numbered_canvas("Northwind Energy · Sample report"))
    return path


# --- reading a PDF back -----------------------------------------------------------------------
def pdf_pages(path: Path) -> list[tuple[float, float]]:
    """Each page's (width, height) in points, as pdfinfo reads them."""
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(path)], check=True,
                         capture_output=True, text=True).stdout
    sizes = []
    for line in out.splitlines():
        if line.startswith("Page") and " size:" in line:
            width, _, height = line.split("size:")[1].split()[:3]
            sizes.append((float(width), float(height)))
    return sizes


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def page_bands(path: Path, folder: Path) -> list[str]:
    """The band colour seen on each page of ``path`` (drawn by pdftoppm), as a colour of
    :data:`BANDS`: the one most pixels are close to."""
    prefix = folder / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "20", str(path), str(prefix)], check=True)
    seen = []
    for png in sorted(folder.glob("page-*.png")):
        image = QImage(str(png))
        counts = dict.fromkeys(BANDS, 0)
        for y in range(0, image.height(), 2):
            for x in range(0, image.width(), 2):
                pixel = QColor(image.pixel(x, y))
                for band in BANDS:
                    colour = QColor(band)
                    if (abs(pixel.red() - colour.red()) + abs(pixel.green() - colour.green())
                            + abs(pixel.blue() - colour.blue())) < 60:
                        counts[band] += 1
        seen.append(max(counts, key=counts.get) if any(counts.values()) else "")
        png.unlink()
    return seen
