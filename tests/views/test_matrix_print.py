"""The escalation matrix on paper: the document printed to a PDF file and read back."""

from __future__ import annotations

import subprocess
import unicodedata
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrinter

from app.models.escalation_matrix import (
    Contact,
    cell_lines,
    load_escalation_matrix,
    matrix_grid,
    save_escalation_matrix,
)
from app.models.permissions import Role
from app.models.users import ensure_user
from app.reports.escalation_matrix import rule_rows
from app.views.matrix_print import matrix_document, matrix_html, print_matrix

pytestmark = pytest.mark.gui

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
HOSTILE = "<b>Eve</b> & <i>Co</i>"


@pytest.fixture
def matrix(db):
    leader = ensure_user("tl", "Tina Leader", role=Role.TEAM_LEADER)
    matrix = load_escalation_matrix()
    contacts = {"L3": (Contact("Zoë Ørsted", "Contact-centre manager", "0161 496 0102",
                               "zoe@example.org", "Mon–Fri 08:00–18:00"),),
                "L4": (Contact("Łukasz Wójcik", phone="0161 496 0103"),
                       Contact(HOSTILE, phone="0161 496 0104"))}
    matrix = replace(matrix, targets=tuple(replace(t, contacts=contacts.get(t.code, ()))
                                           for t in matrix.targets))
    save_escalation_matrix(matrix, leader, now=NOW)
    return load_escalation_matrix()


def to_pdf(printer: QPrinter, path) -> None:
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))


def pdf_text(path) -> str:
    """The text in reading order, white space as single spaces; Qt prints "fi" as a
    ligature, which NFKC turns back into the two letters."""
    raw = subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    return " ".join(unicodedata.normalize("NFKC", raw).split())


def test_the_printed_document_holds_the_grid_contacts_and_rules(qapp, matrix, tmp_path):
    document = matrix_document(matrix, "Tina Leader", NOW, "Northwind <energy>")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageOrientation(QPageLayout.Orientation.Landscape)
    to_pdf(printer, tmp_path / "paper.pdf")
    document.print_(printer)

    text = pdf_text(tmp_path / "paper.pdf")
    grid = matrix_grid(matrix)
    for expected in ("Escalation matrix", "Northwind <energy>",
                     "Generated 24/11/2026 12:00 by Tina Leader", *grid.row_labels,
                     "At once", "50% of resolution target", "100% of resolution target",
                     "To fix", "Levels and teams", "Rules", "Mon–Fri 08:00–18:00",
                     "L2 team leader has no named contact yet."):
        assert expected in text, expected
    for rules in grid.cells.values():
        for line in cell_lines(matrix, rules):
            assert line in text, line
    assert ("L3 contact-centre manager — phone: Zoë Ørsted (0161 496 0102) L4 head of "
            "operations — phone: Łukasz Wójcik (0161 496 0103); <b>Eve</b> & <i>Co</i> "
            "(0161 496 0104)") in text  # the P1 "at once" cell, names as typed
    for row in rule_rows(matrix):
        assert " ".join(" ".join(row).split()) in text, row


def test_typed_values_are_escaped_never_markup(qapp, matrix):
    html = matrix_html(matrix, "<script>Tina</script>", NOW, "A & B <ltd>")
    assert "<b>Eve</b>" not in html and "&lt;b&gt;Eve&lt;/b&gt; &amp; &lt;i&gt;Co" in html
    assert "<script>" not in html and "A &amp; B &lt;ltd&gt;" in html
    document = matrix_document(matrix, "<script>Tina</script>", NOW, "A & B <ltd>")
    plain = document.toPlainText()
    assert HOSTILE in plain and "<script>Tina</script>" in plain and "A & B <ltd>" in plain


def test_printing_asks_for_a_printer_in_landscape_a4_and_prints(qapp, matrix, tmp_path):
    asked = []

    def choose_pdf(printer, parent):
        asked.append((printer.pageLayout().orientation(),
                      printer.pageLayout().pageSize().id()))
        to_pdf(printer, tmp_path / "printed.pdf")
        return True

    assert print_matrix(None, matrix, "Tina Leader", NOW, ask=choose_pdf) is True
    assert asked == [(QPageLayout.Orientation.Landscape, QPageSize.PageSizeId.A4)]
    assert "P1 Critical" in pdf_text(tmp_path / "printed.pdf")


def test_cancelling_the_print_dialog_prints_nothing(qapp, matrix, tmp_path):
    def cancel(printer, parent):
        to_pdf(printer, tmp_path / "printed.pdf")
        return False

    assert print_matrix(None, matrix, "Tina Leader", NOW, ask=cancel) is False
    assert not (tmp_path / "printed.pdf").exists()
