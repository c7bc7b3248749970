"""The escalation matrix on paper: the same grid, what to fix, contacts and rules as the PDF,
as a QTextDocument sent to a printer the user picks (QtPdf is not in this PySide6 install,
so the PDF itself cannot be printed from here)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape

from PySide6.QtGui import QFont, QFontDatabase, QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from app.models.clock import format_local
from app.models.escalation_matrix import EscalationMatrix, Target, matrix_grid, share_heading
from app.reports.escalation_matrix import (
    CONTACT_HEADINGS,
    NO_CONTACT,
    PRIORITY_COLOURS,
    RULE_HEADINGS,
    TITLE,
    cell_parts,
    rule_rows,
)
from app.reports.fonts import FONT_FILES, FONT_FOLDER
from app.resources import MissingResourceError, read_resource

FONT_FAMILY = "DejaVu Sans"
HEADER = "#eceff1"
OTHER_ROW = "#f5f5f5"
STYLE = (
    "h1 { font-size: 16pt; margin-bottom: 2px; }"
    " h2 { font-size: 12pt; margin-top: 16px; margin-bottom: 4px; }"
    " table { border-collapse: collapse; margin-bottom: 10px; }"
    f" th {{ background-color: {HEADER}; text-align: left; font-size: 8pt; }}"
    " td { font-size: 8pt; vertical-align: top; }"
    " .small { font-size: 7pt; font-weight: normal; }"
    " .label { font-weight: bold; font-size: 9pt; }"
    " p.line { margin-top: 0; margin-bottom: 3px; }"
    " h2.page { page-break-before: always; }")

_font_loaded: bool | None = None


def _load_font() -> bool:
    """Make the shipped DejaVu Sans available to Qt, once; False if it cannot be loaded
    (the document then uses the system's default font, which usually covers Latin)."""
    global _font_loaded
    if _font_loaded is None:
        package, folder = FONT_FOLDER
        loaded = []
        for filename in FONT_FILES.values():
            try:
                data = read_resource(folder, filename, package=package)
            except MissingResourceError:
                continue
            loaded.append(QFontDatabase.addApplicationFontFromData(data) >= 0)
        _font_loaded = bool(loaded) and all(loaded)
    return _font_loaded


def _table(headings: list[str], rows: list[str], header_html: bool = False) -> str:
    """A table whose header row repeats on each printed page (``<thead>``)."""
    head = "".join(f"<th>{h if header_html else escape(h)}</th>" for h in headings)
    return ('<table border="1" cellspacing="0" cellpadding="3" width="100%">'
            f"<thead><tr>{head}</tr></thead>{''.join(rows)}</table>")


def _grid_html(matrix: EscalationMatrix) -> str:
    grid = matrix_grid(matrix)
    if not grid.columns:
        return "<p>No rule yet: no incident is escalated.</p>"
    headings = ["Incidents"] + [
        "At once" if share is None
        else f'{share_heading(share)}<br/><span class="small">of resolution target</span>'
        for share in grid.columns]
    rows = []
    for row, (label, (priority, category, breach)) in enumerate(
            zip(grid.row_labels, grid.rows, strict=True)):
        plain = category is None and not breach
        background, foreground = (PRIORITY_COLOURS[priority] if plain and priority
                                  in PRIORITY_COLOURS else (OTHER_ROW, "#1a1a1a"))
        cells = [f'<td bgcolor="{background}"><span class="label" style="color: '
                 f'{foreground}">{escape(label)}</span></td>']
        for column in range(len(grid.columns)):
            lines = cell_parts(matrix, grid.cells.get((row, column), ()))
            cells.append("<td>" + "".join(
                f'<p class="line"><b>{escape(name)}</b>{escape(rest)}</p>'
                for name, rest in lines) + "</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return _table(headings, rows, header_html=True)


def _kind(target: Target) -> str:
    return f"Level {target.rank}" if target.is_level else "Team"


def _contacts_html(matrix: EscalationMatrix) -> str:
    rows = []
    for target in matrix.levels() + matrix.teams():
        name = f"<b>{escape(target.name)}</b><br/>{_kind(target)}"
        people = target.contacts or (None,)
        for n, contact in enumerate(people):
            first = [name, escape(target.code)] if n == 0 else ["", ""]
            details = ([escape(NO_CONTACT), "", "", "", ""] if contact is None else
                       [escape(v) for v in (contact.name, contact.role, contact.phone,
                                             contact.email, contact.hours)])
            rows.append("<tr>" + "".join(f"<td>{v}</td>" for v in first + details) + "</tr>")
    return _table(list(CONTACT_HEADINGS), rows)


def _rules_html(matrix: EscalationMatrix) -> str:
    rows = ["<tr>" + "".join(f"<td>{escape(value)}</td>" for value in row) + "</tr>"
            for row in rule_rows(matrix)]
    return _table(list(RULE_HEADINGS), rows) if rows else "<p>No rule yet.</p>"


def matrix_html(matrix: EscalationMatrix, generated_by: str, now: datetime,
                organisation: str = "") -> str:
    """The document's HTML; every typed value (names, contacts, organisation) escaped."""
    parts = [f"<h1>{TITLE}</h1>"]
    if organisation:
        parts.append(f"<h2>{escape(organisation)}</h2>")
    parts.append(f"<p>Generated {format_local(now)} by {escape(generated_by)}</p>")
    parts.append(_grid_html(matrix))
    warnings = matrix.warnings()
    if warnings:
        parts.append("<h2>To fix</h2><ul>"
                     + "".join(f"<li>{escape(w)}</li>" for w in warnings) + "</ul>")
    # the grid (and what to fix) on a page of its own, to pin up; the details after it
    parts += ['<h2 class="page">Levels and teams</h2>', _contacts_html(matrix),
              "<h2>Rules</h2>", _rules_html(matrix)]
    return "".join(parts)


def matrix_document(matrix: EscalationMatrix, generated_by: str, now: datetime,
                    organisation: str = "") -> QTextDocument:
    """The matrix as a document to print: the grid, what to fix, levels and teams with
    their contacts, and the rules, in the shipped DejaVu Sans where it loads."""
    document = QTextDocument()
    if _load_font():
        document.setDefaultFont(QFont(FONT_FAMILY, 9))
    document.setDefaultStyleSheet(STYLE)
    document.setHtml(matrix_html(matrix, generated_by, now, organisation))
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, TITLE)
    return document


def _ask_printer(printer: QPrinter, parent: QWidget | None) -> bool:
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(dialog.tr("Print the escalation matrix"))
    return dialog.exec() == QDialog.DialogCode.Accepted


def print_matrix(parent: QWidget | None, matrix: EscalationMatrix, generated_by: str,
                 now: datetime, organisation: str = "",
                 ask: Callable[[QPrinter, QWidget | None], bool] = _ask_printer) -> bool:
    """Ask which printer (landscape A4 unless changed) and print the matrix on it.

    Args:
        ask: shows the print dialog for the printer and says whether to go ahead; tests
            give one that answers without blocking.

    Returns:
        Whether it was printed (False: the user cancelled).
    """
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Landscape)
    printer.setDocName(TITLE)
    if not ask(printer, parent):
        return False
    matrix_document(matrix, generated_by, now, organisation).print_(printer)
    return True
