"""The assessor's evidence pack: chosen incidents in one PDF, with a cover, a contents page,
and for each incident the evidence checklist (what the record shows, and on which page)
followed by its report.

Page numbers are only known once laid out, so the pack is laid out until the pages the
contents and checklists print are the pages the sections landed on (twice, as a rule).
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table

from app.models.clock import format_local
from app.models.evidence import NOT_EVIDENCED, evidence_checklist
from app.models.incident_record import IncidentExport
from app.models.organisation import Organisation
from app.reports.files import ReportError, write_atomically
from app.reports.incident_report import (
    WIDTH,
    Anchor,
    ReportDocument,
    fingerprint_statement,
    incident_story,
    keywords,
    report_styles,
    section_key,
    sign_off,
)
from app.reports.pages import header_flowables, numbered_canvas, table_style, text_paragraph
from app.reports.progress import NO_PROGRESS, Progress

TITLE = "Evidence pack"
REPORTS_TITLE = "Incident reports"
MAX_PASSES = 4
EVIDENCED_COLOUR = colors.HexColor("#1b7a3a")
MISSING_COLOUR = colors.HexColor("#b3261e")


class EvidencePackError(ReportError):
    """The pack cannot be written; the message names the file and says why."""


def _page(anchors: dict[str, int], key: str) -> str:
    return str(anchors[key]) if key in anchors else "…"


def _cover(exports: list[IncidentExport], organisation: Organisation, generated_by: str,
           now: datetime, footer: str, styles: StyleSheet1, checklists: bool
           ) -> list[Flowable]:
    received = sorted(filter(None, (_received(e) for e in exports)))
    first, last = (format_local(datetime.fromisoformat(received[i]))[:10] for i in (0, -1))
    span = first if first == last else f"{first} – {last}"
    title = TITLE if checklists else REPORTS_TITLE
    masked = not any(e.personal_data for e in exports)
    story = [Anchor("cover", title, footer=footer, fingerprint=""),
             *header_flowables(title, organisation, now, generated_by, styles, WIDTH),
             text_paragraph(f"{len(exports)} incident{'s' if len(exports) != 1 else ''}, "
                            f"received {span}.", styles["BodyText"]),
             Paragraph("For each incident: " + (
                 "a checklist of what an assessor looks for, with the page where the record "
                 "shows it, then " if checklists else "") + "the incident's whole record in "
                 "order, from the call to its closure, with its audit trail and a sign-off.",
                 styles["BodyText"]),
             Paragraph("The callers' personal data is masked: names as initials, phone "
                       "numbers, email addresses and account numbers partly hidden, and "
                       "phone numbers, email addresses and postcodes in free text hidden."
                       if masked else "<b>Contains the callers' personal data.</b> For "
                       "internal use only; do not pass it on. This print is recorded in "
                       "each incident's audit trail.",
                       styles["BodyText"] if masked else styles["warning"]),
             Paragraph("Each incident's fingerprint (SHA-256 of its record as exported) is "
                       "printed at the foot of its pages and stored in this file. <i>incident"
                       "-desk verify-export FILE</i> says whether each incident still reads "
                       "the same in the database.", styles["BodyText"]),
             Spacer(0, 4 * mm)]
    rows = [[text_paragraph(h, styles["label"]) for h in ("Incident", "Fingerprint")]]
    rows += [[text_paragraph(f"{e.reference}\n{e.record['title']}", styles["cell"]),
              text_paragraph(e.fingerprint, styles["mono"])] for e in exports]
    story.append(Table(rows, colWidths=[WIDTH - 106 * mm, 106 * mm], repeatRows=1,
                       style=table_style(("BACKGROUND", (0, 0), (-1, 0),
                                          colors.HexColor("#e5e7eb")))))
    return story


def _received(export: IncidentExport) -> str:
    """When the incident was received, as stored (ISO 8601, UTC)."""
    return next((value for label, value, _ in export.record["logging"]
                 if label == "Received"), "")


def _contents(exports: list[IncidentExport], anchors: dict[str, int], styles: StyleSheet1,
              checklists: bool) -> list[Flowable]:
    rows = [[text_paragraph(h, styles["label"])
             for h in ("Incident", "Evidenced" if checklists else "Priority", "Page")]]
    for export in exports:
        reference = export.reference
        if checklists:
            items = evidence_checklist(export.record)
            second = f"{sum(item.evidenced for item in items)} of {len(items)}"
        else:
            second = export.record["summary"][0][1]
        link = (f'<a href="#{section_key(reference, "checklist")}" color="#1f4e8c">'
                f'{reference}</a>')
        title = text_paragraph(export.record["title"], styles["cell"])
        rows.append([[Paragraph(link, styles["cell"]), title],
                     text_paragraph(second, styles["cell"]),
                     Paragraph(_page(anchors, section_key(reference, "checklist")),
                               styles["cell"])])
    return [PageBreak(), Anchor("contents", "Contents"), Paragraph("Contents", styles["Title"]),
            Table(rows, colWidths=[WIDTH - 50 * mm, 30 * mm, 20 * mm], repeatRows=1,
                  style=table_style(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(
                      "#e5e7eb")), ("ALIGN", (2, 0), (-1, -1), "RIGHT")))]


def _checklist(export: IncidentExport, anchors: dict[str, int], styles: StyleSheet1
               ) -> Table:
    rows = [[text_paragraph(h, styles["label"])
             for h in ("What an assessor looks for", "Shown", "What the record shows",
                       "Page")]]
    for item in evidence_checklist(export.record):
        verdict = ParagraphStyle("verdict", parent=styles["cell"], textColor=(
            EVIDENCED_COLOUR if item.evidenced else MISSING_COLOUR))
        pages = ", ".join(dict.fromkeys(
            _page(anchors, section_key(export.reference, s)) for s in item.sections))
        rows.append([text_paragraph(item.title, styles["cell"]),
                     text_paragraph("Evidenced" if item.evidenced else NOT_EVIDENCED, verdict),
                     text_paragraph(item.detail, styles["cell"]),
                     text_paragraph(pages if item.evidenced else "—", styles["cell"])])
    return Table(rows, colWidths=[52 * mm, 27 * mm, WIDTH - 95 * mm, 16 * mm], repeatRows=1,
                 style=table_style(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e5e7eb"))))


def pack_story(exports: list[tuple[IncidentExport, list[dict]]], organisation: Organisation,
               generated_by: str, now: datetime, anchors: dict[str, int],
               progress: Progress = NO_PROGRESS, checklists: bool = True) -> list[Flowable]:
    """The whole pack, printing the pages in ``anchors`` (from the previous layout);
    without ``checklists``, the incidents' reports alone behind the cover and contents."""
    styles = report_styles()
    styles.add(ParagraphStyle("mono", parent=styles["cell"], fontSize=7, leading=9))
    records = [export for export, _ in exports]
    title = TITLE if checklists else REPORTS_TITLE
    footer = f"{title} · generated {format_local(now)} by {generated_by}"
    story = _cover(records, organisation, generated_by, now, footer, styles, checklists)
    story += _contents(records, anchors, styles, checklists)
    for done, (export, earlier) in enumerate(exports, start=1):
        reference = export.reference
        incident_footer = f"{title} · {reference} · generated {format_local(now)} by " \
                          f"{generated_by}"
        story += [PageBreak(),
                  Anchor(section_key(reference, "checklist"),
                         f"{reference}: {export.record['title']}", footer=incident_footer,
                         fingerprint=export.fingerprint),
                  text_paragraph(f"{reference} — {export.record['title']}",
                                 styles["Heading1"])]
        if checklists:
            story += [Paragraph("Evidence checklist", styles["section"]),
                      _checklist(export, anchors, styles), Spacer(0, 4 * mm),
                      Paragraph("The record", styles["section"])]
        story += incident_story(export, earlier, styles, incident_footer, start=False)
        story += [Spacer(0, 4 * mm), fingerprint_statement(export, styles), sign_off(styles)]
        progress.step(done, len(exports))
    return story


def write_evidence_pack(exports: list[tuple[IncidentExport, list[dict]]], path: Path,
                        organisation: Organisation, generated_by: str, now: datetime,
                        progress: Progress = NO_PROGRESS, checklists: bool = True) -> Path:
    """Write the pack of ``exports`` (each record with its earlier exports) to ``path``,
    through a temporary file renamed into place, and return ``path``. Without
    ``checklists`` it is a plain bundle of incident reports (the log's selection).

    Raises:
        EvidencePackError: the file cannot be written; the message names it.
        ReportCancelled: ``progress`` was cancelled (no file is left).
    """
    records = [export for export, _ in exports]
    title = TITLE if checklists else REPORTS_TITLE
    subject = ("Evidence for " if checklists else "Reports of ") + ", ".join(
        e.reference for e in records)
    footer = f"{title} · generated {format_local(now)} by {generated_by}"

    def layout(target, anchors: dict[str, int], steps: Progress) -> dict[str, int]:
        document = ReportDocument(target, title=title, author=generated_by, subject=subject,
                                  keywords=keywords(records))
        document.build(pack_story(exports, organisation, generated_by, now, anchors, steps,
                                  checklists),
                       canvasmaker=numbered_canvas(footer))
        return document.anchors

    def write(part: Path) -> None:
        anchors: dict[str, int] = {}
        total = len(exports)
        for attempt in range(MAX_PASSES):
            # a pass is half the bar: the first to the middle, the second to the end
            steps = Progress(lambda done, _total, a=attempt: progress.step(
                min(total, (a * total + done) // 2), total), progress.cancelled)
            laid_out = io.BytesIO()
            found = layout(laid_out, anchors, steps)
            if found == anchors:
                break
            anchors = found
        part.write_bytes(laid_out.getvalue())
        progress.step(total, total)

    return write_atomically(path, write, "the evidence pack" if checklists
                            else "the incident reports", EvidencePackError)
