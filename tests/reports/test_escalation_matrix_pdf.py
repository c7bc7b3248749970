"""The escalation matrix as a PDF, read back with pdftotext and pdfinfo."""

from __future__ import annotations

import errno
import os
import re
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from itertools import cycle

import pytest

from app.models.entities import Category
from app.models.escalation_matrix import (
    Contact,
    Rule,
    cell_lines,
    load_escalation_matrix,
    matrix_grid,
    save_escalation_matrix,
    share_heading,
)
from app.models.permissions import Role
from app.models.users import ensure_user
from app.models.vocabulary import ContactMethod
from app.reports import files, fonts
from app.reports.escalation_matrix import MatrixReportError, rule_rows, write_matrix_pdf

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # 12:00 in London
ORGANISATION = "Northwind Energy <contact centre> & partners"


@pytest.fixture
def leader(db):
    return ensure_user("tl", "Tina Leader", role=Role.TEAM_LEADER)


def with_contacts(matrix, code, *contacts):
    targets = tuple(replace(t, contacts=contacts) if t.code == code else t
                    for t in matrix.targets)
    return replace(matrix, targets=targets)


@pytest.fixture
def matrix(leader):
    """The default matrix with named contacts on L2 to L4, saved and read back."""
    matrix = load_escalation_matrix()
    matrix = with_contacts(matrix, "L2", Contact("Anne Smith", "Team leader", "0161 496 0100",
                                                 "anne.smith@example.org", "Mon–Fri 07:00–15:00"))
    matrix = with_contacts(matrix, "L3", Contact("Zoë Ørsted", "Contact-centre manager",
                                                 "0161 496 0102", "zoe@example.org",
                                                 "Mon–Fri 08:00–18:00"))
    matrix = with_contacts(matrix, "L4", Contact("Łukasz Wójcik", "Head of operations",
                                                 "0161 496 0103", "", "Any time for a P1"))
    save_escalation_matrix(matrix, leader, now=NOW)
    return load_escalation_matrix()


@pytest.fixture
def out(tmp_path):
    """A folder for the PDFs (the test database is in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def pdf_text(path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def flat(text: str) -> str:
    """Text with every run of white space (line wraps inside a cell) as one space."""
    return " ".join(text.split())


def words(path) -> list[tuple[str, float, float, int]]:
    """Every word with the middle of its box (x, y) and its page number."""
    html = pdf_text(path, "-bbox")
    found = []
    for page, body in enumerate(html.split("<page ")[1:], start=1):
        for x0, y0, x1, y1, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                r"([^<]*)</word>", body):
            found.append((word, (float(x0) + float(x1)) / 2, (float(y0) + float(y1)) / 2,
                          page))
    return found


def all_cell_lines(matrix) -> list[str]:
    grid = matrix_grid(matrix)
    return [line for rules in grid.cells.values() for line in cell_lines(matrix, rules)]


def test_the_pdf_shows_the_grid_contacts_rules_and_what_to_fix(matrix, out):
    pdf = write_matrix_pdf(matrix, out / "matrix.pdf", "Tina Leader", NOW, ORGANISATION)
    assert pdf == out / "matrix.pdf"
    text = pdf_text(pdf, "-layout")
    grid = matrix_grid(matrix)
    assert grid.row_labels == ("P1 Critical", "P2 High", "P3 Moderate", "P4 Low",
                               "P5 Planning", "Personal data breach")
    for expected in ("Escalation matrix", ORGANISATION, "Generated 24/11/2026 12:00 by Tina "
                     "Leader", *(share_heading(s) for s in grid.columns), "of resolution target",
                     "Zoë Ørsted", "Łukasz Wójcik", "Mon–Fri 08:00–18:00", "Any time for a P1",
                     "Levels and teams", "Rules", "To fix", "no named contact"):
        assert expected in text, expected
    assert re.findall(r"Escalation matrix — page (\d) of (\d)", text) == [("1", "2"),
                                                                          ("2", "2")]
    raw = flat(pdf_text(pdf, "-raw"))  # each cell's text in one piece
    for label in grid.row_labels:  # "Personal data breach" wraps in its column
        assert label in raw
    for share in grid.columns[1:]:
        assert f"{share_heading(share)} of resolution target" in raw
    for line in all_cell_lines(matrix):
        assert line in raw, line
    assert "L3 contact-centre manager — phone: Zoë Ørsted (0161 496 0102)" in raw
    for row in rule_rows(matrix):  # as the editor lists them, in order
        assert flat(" ".join(row)) in raw, row
    assert "4 P1 Critical Any At once L3 contact-centre manager Phone whoever is " \
           "available" in raw
    assert "6 Any Any Yes At once Information security / data protection officer Phone " \
           "whoever is available" in raw
    for warning in matrix.warnings():
        assert warning in raw
    assert "Information security / data protection officer has no named contact yet." in raw


def test_each_cell_is_under_its_time_and_beside_its_condition(matrix, out):
    pdf = write_matrix_pdf(matrix, out / "matrix.pdf", "Tina Leader", NOW)
    found = [w for w in words(pdf) if w[3] == 1]

    def first(word):
        return next((x, y) for w, x, y, _ in found if w == word)

    at_once, fifty = first("At"), first("50%")  # the headings of the first two columns
    p1, p2 = first("Critical"), first("High")
    cell = [w for w, x, y, _ in found if at_once[0] - 10 < x < fifty[0] - 10
            and p1[1] - 5 < y < p2[1] - 5]
    assert " ".join(cell) == ("L3 contact-centre manager — phone: Zoë Ørsted (0161 496 "
                              "0102) L4 head of operations — phone: Łukasz Wójcik (0161 "
                              "496 0103)")


def test_the_pdf_says_who_made_it_and_what_it_is(matrix, out):
    pdf = write_matrix_pdf(matrix, out / "matrix.pdf", "Zoë Ørsted", NOW, "Northwind")
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    assert "Title:           Escalation matrix" in info
    assert "Author:          Zoë Ørsted" in info
    assert "Subject:         Who is told about which incidents, when and how: Northwind" in info
    assert "Creator:         Incident Desk" in info
    used = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    assert "DejaVuSans-Bold" in used and "Helvetica" not in used


def long_matrix(leader):
    """40 rules (every priority in eight categories) to levels and teams with three
    contacts each whose hours run to the 100 characters allowed."""
    matrix = load_escalation_matrix()
    hours = ("Mon–Fri 08:00–18:00; Sat 09:00–13:00; bank holidays on call through the "
             "duty manager's rota, ext. 42")[:100]
    assert len(hours) == 100
    for n, target in enumerate(matrix.targets):
        matrix = with_contacts(matrix, target.code, *(
            Contact(f"Contact {target.code}-{i} Ørsted", "Duty lead", f"0161 496 0{n}{i}0",
                    f"c{n}{i}@example.org", hours) for i in range(1, 4)))
    categories = [c.id for c in Category.select().order_by(Category.id)][:8]
    targets = cycle(["L2", "L3", "IT", "TEL", "FAC", "DPO", "CMP", "L4"])
    shares = cycle([None, 25, 50, 75, 100, 150])
    methods = cycle([ContactMethod.PHONE, ContactMethod.EMAIL, ContactMethod.SMS])
    rules = [Rule(next(targets), next(methods), next(shares), priority, category)
             for category in categories for priority in range(1, 6)]
    rules[0] = replace(rules[0], contact=f"Contact {rules[0].target}-2 Ørsted")
    matrix = replace(matrix, rules=matrix.rules + tuple(rules))
    save_escalation_matrix(matrix, leader, now=NOW)
    return load_escalation_matrix()


def test_a_long_matrix_spills_onto_further_pages_without_losing_a_line(leader, out):
    matrix = long_matrix(leader)
    assert len(matrix.rules) == 46
    pdf = write_matrix_pdf(matrix, out / "matrix.pdf", "Tina Leader", NOW)
    pages = pdf_text(pdf, "-layout").split("\f")[:-1]
    assert len(pages) >= 4
    for number, page in enumerate(pages, start=1):
        assert f"Escalation matrix — page {number} of {len(pages)}" in page
    grid_ends = next(n for n, page in enumerate(pages) if "To fix" in page
                     or "Levels and teams" in page)
    assert grid_ends >= 2
    for page in pages[1:grid_ends]:  # the header row again on every page of the grid
        assert page.lstrip().startswith("Incidents"), page[:300]
    raw = flat(pdf_text(pdf, "-raw"))
    lines = all_cell_lines(matrix)
    assert len(lines) == 56
    for line in lines:
        assert line in raw, line
    for row in rule_rows(matrix):
        assert flat(" ".join(row)) in raw, row
    contacts = [c for t in matrix.targets for c in t.contacts]
    assert len(contacts) == 27
    for contact in contacts:
        assert flat(f"{contact.name} Duty lead {contact.phone} {contact.email} "
                    f"{contact.hours}") in raw, contact


def test_a_row_taller_than_a_page_splits_rather_than_failing(leader, out):
    matrix = load_escalation_matrix()
    many = tuple(Contact(f"Wójcik{i:03}", phone=f"0161496{i:04}") for i in range(1, 121))
    matrix = with_contacts(matrix, "L3", *many)  # the P1 "at once" cell names all of them
    save_escalation_matrix(matrix, leader, now=NOW)
    pdf = write_matrix_pdf(load_escalation_matrix(), out / "matrix.pdf", "Tina", NOW)
    pages = pdf_text(pdf, "-raw").split("\f")
    # the P1 "at once" cell, the first in the grid, goes on over the page
    assert "Wójcik001" in pages[0] and "Wójcik120" not in pages[0]
    text = "".join(pages)
    for contact in many:  # in the five cells L3 is in (no space to wrap at in these)
        assert text.count(f"{contact.name} ({contact.phone})") == 5, contact


def test_an_unwritable_folder_is_named_and_leaves_no_file(matrix, read_only):
    target = read_only / "matrix.pdf"
    with pytest.raises(MatrixReportError, match=re.escape(
            f"Cannot write the escalation matrix to {target}: Permission denied.")):
        write_matrix_pdf(matrix, target, "Tina Leader", NOW)
    assert list(read_only.iterdir()) == []


def test_a_missing_folder_is_named(matrix, out):
    target = out / "nowhere" / "matrix.pdf"
    with pytest.raises(MatrixReportError, match=re.escape(str(target))):
        write_matrix_pdf(matrix, target, "Tina Leader", NOW)
    assert list(out.iterdir()) == []


def test_a_failure_at_the_end_keeps_the_earlier_file_and_leaves_no_part(matrix, out,
                                                                          monkeypatch):
    target = out / "matrix.pdf"
    target.write_bytes(b"last week's matrix")

    def disk_full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(files.os, "replace", disk_full)
    with pytest.raises(MatrixReportError, match="No space left on device"):
        write_matrix_pdf(matrix, target, "Tina Leader", NOW)
    assert [p.name for p in out.iterdir()] == ["matrix.pdf"]
    assert target.read_bytes() == b"last week's matrix"


@pytest.mark.skipif(os.name == "nt", reason="POSIX file permissions")
def test_the_pdf_replaces_an_earlier_one_with_the_usual_permissions(matrix, out):
    target = out / "matrix.pdf"
    target.write_bytes(b"last week's matrix")
    umask = os.umask(0o022)
    try:
        write_matrix_pdf(matrix, target, "Tina Leader", NOW)
    finally:
        os.umask(umask)
    assert target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in out.iterdir()] == ["matrix.pdf"]
    assert target.stat().st_mode & 0o777 == 0o644


def test_a_missing_font_is_named(matrix, out, monkeypatch):
    monkeypatch.setattr(fonts, "_registered", False)
    monkeypatch.setattr(fonts, "FONT_FOLDER", ("app.resources", "no-fonts-here"))
    with pytest.raises(MatrixReportError, match=r"no-fonts-here.DejaVuSans\.ttf"):
        write_matrix_pdf(matrix, out / "matrix.pdf", "Tina Leader", NOW)
    assert list(out.iterdir()) == []
