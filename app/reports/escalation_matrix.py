"""The escalation matrix as a PDF to print and pin up: the grid of who is told about which
incidents and when, what is left to fix, the levels and teams with their contacts, and the
rules as the editor lists them.

The builders take the matrix as plain data and return flowables; :func:`write_matrix_pdf`
lays them out on landscape A4 and writes the file whole or not at all.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape as _escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
)

from app import APP_NAME
from app.models.clock import format_local
from app.models.escalation_matrix import (
    EscalationMatrix,
    Rule,
    Target,
    cell_lines,
    matrix_grid,
    share_heading,
)
from app.models.vocabulary import ContactMethod, priority_label
from app.reports.files import ReportError, write_atomically
from app.reports.fonts import BOLD_FONT
from app.reports.pages import numbered_canvas, stylesheet, table_style, text_paragraph

TITLE = "Escalation matrix"
PAGE = landscape(A4)
MARGIN = 14 * mm
TOP, BOTTOM = 12 * mm, 18 * mm
WIDTH = PAGE[0] - 2 * MARGIN
# a table row taller than this is let split across pages; shorter rows move whole
TALLEST_ROW = (PAGE[1] - TOP - BOTTOM) * 0.75
PADDING = 6  # points: a cell's padding left and right, and top and bottom (ReportLab's)
LABEL_WIDTH = 38 * mm  # the grid's first column, the conditions
# The application's priority colours (app/views/text.py), background and text: copied,
# as the reports do not import Qt.
PRIORITY_COLOURS = {1: ("#c62828", "#ffffff"), 2: ("#ef6c00", "#ffffff"),
                    3: ("#fbc02d", "#1a1a1a"), 4: ("#90caf9", "#1a1a1a"),
                    5: ("#e0e0e0", "#1a1a1a")}
HEADER_BACKGROUND = colors.HexColor("#eceff1")
NO_CONTACT = "no named contact"
# as the matrix window shows them (app/views/escalation_dialog.py)
RULE_HEADINGS = ("No.", "Priority", "Category", "Breach only", "When", "To", "Method",
                 "Named contact")
ANYONE = "whoever is available"  # a rule without a named contact
CONTACT_HEADINGS = ("Level or team", "Code", "Name", "Role", "Phone", "Email",
                    "Hours available")


class MatrixReportError(ReportError):
    """The PDF cannot be written; the message names the file and says why."""


def _styles() -> dict[str, ParagraphStyle]:
    sheet: StyleSheet1 = stylesheet()
    cell = ParagraphStyle("cell", parent=sheet["BodyText"], fontSize=8, leading=10,
                          spaceBefore=0, spaceAfter=0)
    return {
        "title": ParagraphStyle("title", parent=sheet["Title"], alignment=0, spaceAfter=2),
        "organisation": ParagraphStyle("organisation", parent=sheet["Heading2"],
                                       spaceBefore=0, spaceAfter=2),
        "body": sheet["BodyText"],
        "heading": ParagraphStyle("heading", parent=sheet["Heading2"], spaceBefore=8),
        "cell": cell,
        "line": ParagraphStyle("line", parent=cell, spaceAfter=2),  # in the grid's cells
        "head": ParagraphStyle("head", parent=cell, fontName=BOLD_FONT),
        "label": ParagraphStyle("label", parent=cell, fontName=BOLD_FONT, fontSize=9,
                                leading=11),
    }


def _height(cell, width: float) -> float:
    """How tall ``cell`` (a flowable, a list of them, or a string) is in a column ``width``
    wide, padding included."""
    if isinstance(cell, Flowable):
        cell = [cell]
    flowables = cell if isinstance(cell, list) else []  # "" for an empty cell
    return PADDING + sum(f.wrap(width - PADDING, PAGE[1])[1] + f.getSpaceAfter()
                         for f in flowables)


def _row_height(row: list, widths: list[float]) -> float:
    return max(_height(cell, width) for cell, width in zip(row, widths, strict=True))


def _table(rows: list[list], widths: list[float], commands: list[tuple]) -> Table:
    """A table with its header row (the first) on every page it spans and a header look.

    Rows move whole to the next page, so a cell is read on one page; only if a row is too
    tall for a page may rows split (or the PDF could not be laid out at all).
    """
    too_tall = any(_row_height(row, widths) > TALLEST_ROW for row in rows)
    return Table(rows, colWidths=widths, repeatRows=1, splitInRow=1 if too_tall else 0,
                 hAlign="LEFT", style=table_style(
                     ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
                     ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.grey), *commands))


# --- the grid -------------------------------------------------------------------------------
def _column_heading(share: int | None, style: ParagraphStyle) -> Paragraph:
    if share is None:
        return Paragraph(share_heading(share), style)
    # as the matrix window heads its columns: "50% of resolution target"
    return Paragraph(f"{share_heading(share)}<br/><font size=7>of resolution target</font>",
                     style)


def cell_parts(matrix: EscalationMatrix, rules: tuple[Rule, ...]) -> list[tuple[str, str]]:
    """The lines of :func:`cell_lines` as (level or team name, the rest): the name is shown
    in bold on paper. Joined, each pair is the line exactly."""
    # cell_lines gives one line per rule whose target exists, in the rules' order
    targets = [t for t in (matrix.target(rule.target) for rule in rules) if t is not None]
    parts = []
    for target, line in zip(targets, cell_lines(matrix, rules), strict=True):
        if line.startswith(f"{target.name} — "):
            parts.append((target.name, line[len(target.name):]))
        else:
            parts.append(("", line))
    return parts


def _cell(matrix: EscalationMatrix, rules: tuple[Rule, ...], style: ParagraphStyle
          ) -> list[Paragraph]:
    """One paragraph per line of the cell, the level or team's name in bold."""
    return [Paragraph(f"<b>{_escape(name)}</b>{_escape(rest)}" if name else _escape(rest),
                      style) for name, rest in cell_parts(matrix, rules)]


def grid_flowables(matrix: EscalationMatrix, styles: dict[str, ParagraphStyle]
                   ) -> list[Flowable]:
    """The grid: conditions down, times across, who is told and how in each cell."""
    grid = matrix_grid(matrix)
    if not grid.columns:
        return [Paragraph("No rule yet: no incident is escalated.", styles["body"])]
    rows: list[list] = [[Paragraph("Incidents", styles["head"])]
                        + [_column_heading(share, styles["head"]) for share in grid.columns]]
    commands: list[tuple] = []
    for row, (label, (priority, category, breach)) in enumerate(
            zip(grid.row_labels, grid.rows, strict=True), start=1):
        plain = category is None and not breach
        background, foreground = (PRIORITY_COLOURS[priority] if plain and priority
                                  in PRIORITY_COLOURS else ("#f5f5f5", "#1a1a1a"))
        label_style = ParagraphStyle(f"label{row}", parent=styles["label"],
                                     textColor=colors.HexColor(foreground))
        commands.append(("BACKGROUND", (0, row), (0, row), colors.HexColor(background)))
        cells: list = [text_paragraph(label, label_style)]
        for column in range(len(grid.columns)):
            cells.append(_cell(matrix, grid.cells.get((row - 1, column), ()),
                               styles["line"]))
        rows.append(cells)
    share_width = (WIDTH - LABEL_WIDTH) / len(grid.columns)
    return [_table(rows, [LABEL_WIDTH] + [share_width] * len(grid.columns), commands)]


# --- levels and teams -----------------------------------------------------------------------
def _heading(text: str, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """A section heading, on a new page if too little of this one is left to start the
    section under it (keepWithNext would hold a whole long table to it instead)."""
    return [CondPageBreak(30 * mm), Paragraph(text, styles["heading"])]


def _kind(target: Target) -> str:
    return f"Level {target.rank}" if target.is_level else "Team"


def contacts_flowables(matrix: EscalationMatrix, styles: dict[str, ParagraphStyle]
                       ) -> list[Flowable]:
    """Each level (lowest first), then each team, with its named contacts."""
    cell, head = styles["cell"], styles["head"]
    widths = [50 * mm, 16 * mm, 40 * mm, 38 * mm, 32 * mm, 50 * mm]
    widths.append(WIDTH - sum(widths))
    rows: list[list] = [[Paragraph(h, head) for h in CONTACT_HEADINGS]]
    commands: list[tuple] = []
    for target in matrix.levels() + matrix.teams():
        first = len(rows)
        people = target.contacts or (None,)
        for n, contact in enumerate(people):
            name = [text_paragraph(target.name, head), text_paragraph(_kind(target), cell)]
            what = [text_paragraph(target.code, cell)]
            if contact is None:
                details = [text_paragraph(NO_CONTACT, cell)] + [""] * 4
            else:
                details = [text_paragraph(value, cell) for value in (
                    contact.name, contact.role, contact.phone, contact.email, contact.hours)]
            rows.append([name if n == 0 else "", what if n == 0 else "", *details])
        commands.append(("LINEABOVE", (0, first), (-1, first), 0.8, colors.grey))
        # a level or team's contacts stay on one page, under its name, when they fit
        if sum(_row_height(row, widths) for row in rows[first:]) < TALLEST_ROW:
            commands.append(("NOSPLIT", (0, first), (-1, len(rows) - 1)))
    return [*_heading("Levels and teams", styles), _table(rows, widths, commands)]


# --- rules ----------------------------------------------------------------------------------
def rule_rows(matrix: EscalationMatrix) -> list[tuple[str, ...]]:
    """Each rule as the editor's Rules tab shows it (:data:`RULE_HEADINGS`), numbered."""
    rows = []
    for number, rule in enumerate(matrix.rules, start=1):
        target = matrix.target(rule.target)
        rows.append((
            str(number),
            "Any" if rule.priority is None else priority_label(rule.priority),
            "Any" if rule.category_id is None
            else matrix.category_names.get(rule.category_id, str(rule.category_id)),
            "Yes" if rule.breach else "",
            share_heading(rule.share),
            target.name if target else rule.target,
            ContactMethod(rule.method).label,
            rule.contact or ANYONE))
    return rows


def rules_flowables(matrix: EscalationMatrix, styles: dict[str, ParagraphStyle]
                    ) -> list[Flowable]:
    cell, head = styles["cell"], styles["head"]
    rows: list[list] = [[Paragraph(h, head) for h in RULE_HEADINGS]]
    rows += [[text_paragraph(value, cell) for value in row] for row in rule_rows(matrix)]
    if len(rows) == 1:
        return [*_heading("Rules", styles), Paragraph("No rule yet.", styles["body"])]
    widths = [10 * mm, 28 * mm, 55 * mm, 20 * mm, 18 * mm, 67 * mm, 20 * mm]
    widths.append(WIDTH - sum(widths))
    return [*_heading("Rules", styles), _table(rows, widths, [])]


def warnings_flowables(matrix: EscalationMatrix, styles: dict[str, ParagraphStyle]
                       ) -> list[Flowable]:
    warnings = matrix.warnings()
    if not warnings:
        return []
    bullet = ParagraphStyle("warning", parent=styles["body"], leftIndent=5 * mm,
                            bulletIndent=1 * mm, spaceBefore=0, spaceAfter=2)
    # a short list: kept whole with its heading, straight after the grid
    return [KeepTogether([Paragraph("To fix", styles["heading"])] + [
        text_paragraph(warning, bullet, bulletText="•") for warning in warnings])]


# --- the document ---------------------------------------------------------------------------
def matrix_story(matrix: EscalationMatrix, generated_by: str, now: datetime,
                 organisation: str = "") -> list[Flowable]:
    """Everything the PDF shows, in order, as flowables."""
    styles = _styles()
    story: list[Flowable] = [Paragraph(TITLE, styles["title"])]
    if organisation:
        story.append(text_paragraph(organisation, styles["organisation"]))
    story += [text_paragraph(f"Generated {format_local(now)} by {generated_by}",
                             styles["body"]),
              Paragraph("Each row is the incidents a rule applies to; each column, when it "
                        "falls due: at once, or once that share of the incident's resolution "
                        "target has passed. Each cell says who is told, and how.",
                        styles["cell"]),
              Spacer(0, 2 * mm)]
    story += grid_flowables(matrix, styles)
    story += warnings_flowables(matrix, styles)
    story += contacts_flowables(matrix, styles)
    story += rules_flowables(matrix, styles)
    return story


def write_matrix_pdf(matrix: EscalationMatrix, path: Path, generated_by: str, now: datetime,
                     organisation: str = "") -> Path:
    """Write the matrix to ``path`` (replacing a file already there) and return ``path``.

    The PDF is written to a temporary file beside ``path`` and renamed into place, so a
    failure leaves no partial file and any earlier file as it was.

    Raises:
        MatrixReportError: the folder cannot be written to, the shipped fonts are missing,
            or the matrix cannot be laid out; the message names the file.
    """
    generated = format_local(now)
    footer = (f"{organisation} · " if organisation else "") + (f"Generated {generated} "
                                                                 f"by {generated_by}")

    def write(part: Path) -> None:
        document = SimpleDocTemplate(
            str(part), pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN,
            topMargin=TOP, bottomMargin=BOTTOM, title=TITLE, author=generated_by,
            subject="Who is told about which incidents, when and how"
                    + (f": {organisation}" if organisation else ""),
            creator=APP_NAME)
        document.build(matrix_story(matrix, generated_by, now, organisation),
                       canvasmaker=numbered_canvas(
                           footer, f"{TITLE} — page {{page}} of {{pages}}"))

    return write_atomically(path, write, "the escalation matrix", MatrixReportError)
