"""The period report PDF, read back with pdftotext and pypdf."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from itertools import pairwise

import pytest
from pypdf import PdfReader

from app.models.entities import Category
from app.models.organisation import save_organisation
from app.models.period_stats import period_statistics
from app.models.permissions import Role
from app.models.users import ensure_user
from app.reports import period_report
from app.reports.period_report import (
    MAX_LISTED,
    PeriodReportError,
    _volume_chart,
    write_period_report,
)
from app.reports.progress import Progress, ReportCancelled
from tests.models.test_period_stats import NOVEMBER, NOW, log, log_november, utc
from tests.reports.conftest import pdf_text, squeezed

TITLE = "Period report 1 Nov 2026 – 30 Nov 2026"


@pytest.fixture
def november(advisor):
    """The incidents of tests/models/test_period_stats.py: seven in November."""
    return log_november(advisor)


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def report(november, out):
    return write_period_report(out / "november.pdf", *NOVEMBER, "Tess Leader", NOW)


def test_the_summary_shows_totals_compliance_and_time_to_resolve(report):
    summary = pdf_text(report, "-layout", "-f", "1", "-l", "2")
    text = squeezed(summary)
    assert TITLE in text
    assert ("Incidents received from 1 Nov 2026 00:00 to 30 Nov 2026 24:00 local time (30 "
            "days). Statuses and service levels as they stood at 02/12/2026 09:00.") in text
    for figure, caption in (("7", "incidents received"), ("5", "resolved (by now)"),
                            ("1", "closed (by now)"), ("3", "still open when the period"),
                            ("67%", "response targets met"),
                            ("4", "escalations, for 3 incidents")):
        assert re.search(rf"(^|\s){re.escape(figure)}(\s|$)", summary, re.MULTILINE)
        assert caption in text
    assert "By status now: New 2 · Resolved 4 · Closed 1." in text
    assert "Updates given to stakeholders in the period: 2." in text
    for heading in ("SLA compliance", "Mean time to resolve (MTTR)",
                    "Incidents received per day", "Incidents per category",
                    "Escalations and updates"):
        assert heading in summary
    # the rows of the SLA table: counts, each with its share of the row's incidents below
    lines = summary.splitlines()
    p1 = next(n for n, line in enumerate(lines) if line.strip().startswith("P1 Critical"))
    assert squeezed(lines[p1]).split() == ["P1", "Critical", "3", "2", "1", "0", "67%", "2", "1",
                                       "0", "67%"]
    assert squeezed(lines[p1 + 1]).split() == ["67%", "33%", "67%", "33%"]
    everything = next(n for n, line in enumerate(lines) if line.strip().startswith("All")
                      and "%" in line)
    assert squeezed(lines[everything]).split() == ["All", "7", "4", "2", "1", "67%", "4", "2",
                                               "1", "67%"]
    assert squeezed(lines[everything + 1]).split() == ["57%", "29%", "14%", "57%", "29%", "14%"]
    # time to resolve: elapsed, per priority and for all
    assert "P1 Critical 3 3 4h 40m 4h 00m" in text
    assert "P2 High 2 1 20m 20m" in text
    assert "P3 Moderate 1 1 4d 0h 4d 0h" in text
    assert "P4 Low 0 0 — —" in text
    assert "All 7 5 22h 04m 4h 00m" in text
    assert "nights, weekends and time on hold included" in text


def test_the_escalations_are_counted_by_level_and_team(report):
    text = squeezed(pdf_text(report, "-layout", "-f", "1", "-l", "2"))
    assert ("4 escalations were made in the period (whenever the incident was received), "
            "for 3 incidents. 2 updates were given to stakeholders.") in text
    assert "L3 contact-centre manager Hierarchical 2" in text
    assert "IT service desk Functional 1" in text
    assert "L2 team leader Hierarchical 1" in text
    assert "All 4" in text


def test_the_incidents_are_listed_on_landscape_pages_without_the_caller(report):
    reader = PdfReader(report)
    assert reader.pages[0].mediabox.width < reader.pages[0].mediabox.height
    listing = pdf_text(report, "-layout", "-f", "3")
    assert reader.pages[2].mediabox.width > reader.pages[2].mediabox.height
    text = squeezed(listing)
    assert "Incidents received (7)" in text
    assert ("Reference Received Category Priority Status Owner Responded Response Resolved "
            "Resolution Time to") in text
    assert ("INC-2026-000002 03/11/2026 10:00 Telephony outage P1 Critical Resolved — "
            "03/11/2026 10:30 Breached 03/11/2026 18:00 Breached 8h 00m") in text
    assert ("INC-2026-000005 04/11/2026 09:00 Facilities P2 High New — — Breached — "
            "Breached —") in text
    assert ("INC-2026-000006 27/11/2026 10:00 Complaint P3 Moderate Resolved Sam Advisor "
            "27/11/2026 10:30 Met 01/12/2026 10:00 Met 4d 0h") in text
    assert ("INC-2026-000007 30/11/2026 17:00 Service failure P5 Planning New — — Not yet "
            "due — Open —") in text
    references = re.findall(r"INC-\d{4}-\d{6}", listing)
    assert references == [f"INC-2026-{n:06d}" for n in range(1, 8)]
    everything = pdf_text(report)
    for personal in ("Olivia", "Taylor", "0161 496 0123", "olivia.taylor@example.org",
                     "nobody on the team can open", "AC-001234", "Manchester"):
        assert personal not in everything


def test_a_long_list_has_its_header_on_every_page(november, advisor, out):
    for n in range(60):
        log(advisor, utc(10 + n // 10, 8 + n % 10), 4 if n % 2 else 3)
    report = write_period_report(out / "november.pdf", *NOVEMBER, "Tess Leader", NOW)
    listing = pdf_text(report, "-layout").split("\f")[2:-1]
    assert len(listing) >= 2
    for page in listing:
        assert "Reference Received Category Priority Status Owner" in squeezed(page)
    references = re.findall(r"INC-\d{4}-\d{6}", "".join(listing))
    assert len(references) == len(set(references)) == 67


def test_every_page_is_numbered_and_the_pdf_says_what_it_is(report):
    reader = PdfReader(report)
    pages_text = pdf_text(report, "-layout").split("\f")[:-1]
    assert len(pages_text) == len(reader.pages) == 3
    for number, page in enumerate(pages_text, start=1):
        assert f"{TITLE} · page {number} of 3" in page
        assert "Generated 02/12/2026 09:00 by Tess Leader" in page
    meta = reader.metadata
    assert meta.title == TITLE
    assert meta.author == "Tess Leader"
    assert meta.subject == ("Incidents received 1 Nov 2026 – 30 Nov 2026: 7 incidents, SLA "
                            "compliance, time to resolve, volume and escalations")
    assert meta.creator == "Incident Desk"
    fonts = subprocess.run(["pdffonts", str(report)], check=True, capture_output=True,
                           text=True).stdout
    assert "DejaVuSans" in fonts and "Helvetica" not in fonts


def test_typed_names_print_as_typed(november, advisor, out):
    leader = ensure_user("tl", "Tina Leader", role=Role.TEAM_LEADER)
    save_organisation("Northwind <contact centre> & partners", None, leader, now=NOW)
    odd = Category.create(name="Billing & <b>refunds</b>", position=99)
    owner = ensure_user("ann", "Ann <i>O'Neil</i> & Co")
    log(advisor, utc(20, 9), 2, odd.name, owner_id=owner.id)
    report = write_period_report(out / "november.pdf", *NOVEMBER, "Zoë <Ørsted>", NOW)
    text = squeezed(pdf_text(report, "-raw"))  # a wrapped name's lines one after the other
    assert "Northwind <contact centre> & partners" in text
    assert "Billing & <b>refunds</b>" in text  # in the category chart and the list
    assert "Ann <i>O'Neil</i> & Co" in text
    assert "Generated 02/12/2026 09:00 by Zoë <Ørsted>" in text
    assert PdfReader(report).metadata.author == "Zoë <Ørsted>"


def test_a_long_period_is_counted_per_week_with_labels_that_do_not_overlap(november):
    year = period_statistics(date(2026, 1, 1), date(2026, 12, 31), now=NOW)
    assert len(year.volume) == 53
    chart = _volume_chart(year).contents[0]
    names = chart.categoryAxis.categoryNames
    slot = chart.width / len(names)
    shown = [n for n, name in enumerate(names) if name]
    assert names[0] == "1 Jan" and len(shown) >= 53 // 3
    gaps = {b - a for a, b in pairwise(shown)}
    assert len(gaps) == 1 and gaps.pop() * slot >= 1.5 * chart.categoryAxis.labels.fontSize
    month = period_statistics(date(2026, 10, 1), date(2026, 10, 31), now=NOW)
    month_chart = _volume_chart(month).contents[0]
    assert all(month_chart.categoryAxis.categoryNames)  # every one of 31 days is named
    assert month_chart.width / 31 >= 1.5 * month_chart.categoryAxis.labels.fontSize


def test_a_year_of_incidents_writes_weekly(november, out):
    report = write_period_report(out / "year.pdf", date(2026, 1, 1), date(2026, 12, 31),
                                 "Tess Leader", NOW)
    text = squeezed(pdf_text(report, "-layout"))
    assert "Incidents received per week" in text
    assert "One bar a week, Monday to Sunday, named by its first day" in text
    assert "Incidents received (9)" in text  # October's and December's too


def test_too_many_incidents_are_counted_but_not_listed(november, out, monkeypatch):
    monkeypatch.setattr(period_report, "MAX_LISTED", 6)
    assert MAX_LISTED == 5_000
    report = write_period_report(out / "november.pdf", *NOVEMBER, "Tess Leader", NOW)
    text = squeezed(pdf_text(report, "-layout"))
    assert ("7 incidents were received in the period: too many to list here (a report lists "
            "at most 6). The figures above count every one of them; for the list, report on "
            "a shorter period.") in text
    assert "INC-2026-000001" not in text
    assert len(PdfReader(report).pages) == 2


def test_progress_is_told_as_the_rows_are_built(november, out, monkeypatch):
    monkeypatch.setattr(period_report, "PROGRESS_EVERY", 3)
    told = []
    write_period_report(out / "november.pdf", *NOVEMBER, "Tess Leader", NOW,
                        progress=lambda done, total: told.append((done, total)))
    assert told == [(3, 7), (6, 7), (7, 7)]


def test_a_cancelled_report_leaves_the_earlier_file_and_no_part(november, out, monkeypatch):
    monkeypatch.setattr(period_report, "PROGRESS_EVERY", 3)
    target = out / "november.pdf"
    target.write_bytes(b"last month's report")
    told = []
    with pytest.raises(ReportCancelled):
        write_period_report(target, *NOVEMBER, "Tess Leader", NOW, progress=Progress(
            lambda done, total: told.append(done), lambda: len(told) == 2))
    assert told == [3, 6]
    assert [p.name for p in out.iterdir()] == ["november.pdf"]
    assert target.read_bytes() == b"last month's report"


def test_an_empty_period_is_refused_and_no_file_is_made(november, out):
    with pytest.raises(PeriodReportError) as raised:
        write_period_report(out / "empty.pdf", date(2026, 8, 1), date(2026, 8, 31),
                            "Tess Leader", NOW)
    assert str(raised.value) == ("No incidents were received between 1 Aug 2026 and 31 Aug "
                                 "2026; there is nothing to report.")
    assert list(out.iterdir()) == []


def test_an_end_before_the_start_is_refused_and_no_file_is_made(november, out):
    with pytest.raises(PeriodReportError) as raised:
        write_period_report(out / "november.pdf", date(2026, 11, 30), date(2026, 11, 1),
                            "Tess Leader", NOW)
    assert str(raised.value) == "The period ends (1 Nov 2026) before it starts (30 Nov 2026)."
    assert list(out.iterdir()) == []


def test_an_unwritable_folder_is_named_and_leaves_no_file(november, read_only):
    target = read_only / "november.pdf"
    with pytest.raises(PeriodReportError) as raised:
        write_period_report(target, *NOVEMBER, "Tess Leader", NOW)
    assert str(raised.value) == (f"Cannot write the period report to {target}: "
                                 "Permission denied.")
    assert list(read_only.iterdir()) == []


def test_a_missing_folder_is_named(november, out):
    target = out / "nowhere" / "november.pdf"
    with pytest.raises(PeriodReportError, match=re.escape(str(target))):
        write_period_report(target, *NOVEMBER, "Tess Leader", NOW)
    assert list(out.iterdir()) == []
