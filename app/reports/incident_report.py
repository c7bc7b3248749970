"""The incident report: one incident's whole lifecycle as a PDF, in order, from the record
:mod:`app.models.incident_record` builds (masked for evidence unless personal data is asked
for), with its fingerprint on every page and in the PDF's properties.

The flowables of one incident are built by :func:`incident_story`, which the evidence pack
(:mod:`app.reports.evidence_pack`) uses too; each section heading carries an anchor whose
page the document notes, for the pack's contents and checklists.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
)

from app import APP_NAME
from app.models.clock import format_day, format_local
from app.models.incident_record import LONG, TEXT, TIME, IncidentExport
from app.models.organisation import Organisation
from app.reports.files import ReportError, write_atomically
from app.reports.fonts import BODY_FONT
from app.reports.pages import (
    FOOTER_MARGIN,
    header_flowables,
    numbered_canvas,
    stylesheet,
    table_style,
    text_paragraph,
)
from app.reports.progress import NO_PROGRESS, Progress

PAGE = A4
MARGIN = 18 * mm
TOP, BOTTOM = 16 * mm, 22 * mm
WIDTH = PAGE[0] - 2 * MARGIN
LABEL_WIDTH = 52 * mm
FINGERPRINT_Y = 6 * mm
KEYWORD_PREFIX = "incident-desk-export"  # the PDF's keywords: what verify-export reads

# the sections, in order: (key, heading); the pack's checklist points at these
SECTIONS = (("logging", "Logging details"),
            ("prioritisation", "Categorisation and prioritisation"),
            ("sla", "Service levels"),
            ("escalations", "Escalations"),
            ("communications", "Updates to stakeholders"),
            ("support", "Handovers and support to colleagues"),
            ("resolution", "Resolution and closure"),
            ("review", "Post-incident review"),
            ("history", "Audit trail"))
MET_COLOURS = {"Met": colors.HexColor("#1b7a3a"), "Breached": colors.HexColor("#b3261e")}


class IncidentReportError(ReportError):
    """The incident report cannot be written; the message names the file and says why."""


# --- anchors: where each section landed --------------------------------------------------------
class Anchor(Flowable):
    """Takes no space; notes the page it lands on in ``doc.anchors[key]``, bookmarks it for
    links, and adds it to the PDF's outline when ``title`` is given. ``footer`` and
    ``fingerprint``, when given, are printed at the foot of this page and the ones after."""

    def __init__(self, key: str, title: str = "", level: int = 0, footer: str | None = None,
                 fingerprint: str | None = None):
        super().__init__()
        self.key, self.title, self.level = key, title, level
        self.footer, self.fingerprint = footer, fingerprint
        self.width = self.height = 0

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self):
        canvas = self.canv
        anchors = getattr(canvas, "_doctemplate", None)
        if anchors is not None:
            anchors.anchors.setdefault(self.key, canvas.getPageNumber())
        canvas.bookmarkPage(self.key)
        if self.title:
            canvas.addOutlineEntry(self.title, self.key, self.level, closed=self.level > 0)
        if self.footer is not None:
            canvas.footer = self.footer
        if self.fingerprint is not None:
            canvas.fingerprint = self.fingerprint


class ReportDocument(BaseDocTemplate):
    """A4 portrait, one frame, the fingerprint line drawn at the foot of each page; notes
    each :class:`Anchor`'s page in ``anchors``."""

    def __init__(self, filename, **kwargs):
        super().__init__(filename, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN,
                         topMargin=TOP, bottomMargin=BOTTOM, creator=APP_NAME, **kwargs)
        self.anchors: dict[str, int] = {}
        frame = Frame(MARGIN, BOTTOM, WIDTH, PAGE[1] - TOP - BOTTOM, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("page", [frame], onPageEnd=_fingerprint_line)])


def _fingerprint_line(canvas, document) -> None:
    fingerprint = getattr(canvas, "fingerprint", "")
    if fingerprint:
        canvas.saveState()
        canvas.setFont(BODY_FONT, 7)
        canvas.setFillColor(colors.grey)
        canvas.drawString(FOOTER_MARGIN, FINGERPRINT_Y, f"Fingerprint (SHA-256): {fingerprint}")
        canvas.restoreState()


# --- styles ---------------------------------------------------------------------------------
def report_styles() -> StyleSheet1:
    styles = stylesheet()
    body = styles["BodyText"]
    styles.add(ParagraphStyle("cell", parent=body, fontSize=8.5, leading=11, spaceBefore=0,
                              spaceAfter=0))
    styles.add(ParagraphStyle("label", parent=styles["cell"], textColor=colors.HexColor(
        "#444444")))
    styles.add(ParagraphStyle("small", parent=body, fontSize=8, leading=10,
                              textColor=colors.HexColor("#444444")))
    styles.add(ParagraphStyle("section", parent=styles["Heading2"], fontSize=13, leading=16,
                              spaceBefore=8, spaceAfter=4))
    styles.add(ParagraphStyle("subsection", parent=styles["Heading4"], spaceBefore=4,
                              spaceAfter=2))
    styles.add(ParagraphStyle("warning", parent=body, textColor=colors.HexColor("#b3261e")))
    styles.add(ParagraphStyle("boxvalue", parent=body, fontSize=11, leading=14,
                              spaceBefore=0, spaceAfter=0))
    return styles


def _value(value: str | None, kind: str) -> str:
    if value is None or value == "":
        return "—"
    if kind == TIME:
        return format_local(datetime.fromisoformat(value))
    return value


def _time(value: str | None) -> str:
    return _value(value, TIME)


def _fields_table(rows: list[list], styles: StyleSheet1) -> Table:
    cells = [[text_paragraph(label, styles["label"]),
              text_paragraph(_value(value, kind), styles["cell"])]
             for label, value, kind in rows]
    return Table(cells, colWidths=[LABEL_WIDTH, WIDTH - LABEL_WIDTH], splitInRow=1,
                 style=table_style(("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f4f6"))))


def _list_table(headings: list[str], rows: list[list[str]], widths: list[float],
                styles: StyleSheet1) -> Table:
    cells = [[text_paragraph(h, styles["label"]) for h in headings]]
    cells += [[text_paragraph(value or "—", styles["cell"]) for value in row] for row in rows]
    return Table(cells, colWidths=widths, repeatRows=1, splitInRow=1, style=table_style(
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e5e7eb"))))


def _none(text: str, styles: StyleSheet1) -> Paragraph:
    return Paragraph(text, styles["small"])


def _section(key: str, reference: str, styles: StyleSheet1) -> list[Flowable]:
    heading = dict(SECTIONS)[key]
    anchor_key = section_key(reference, key)
    return [CondPageBreak(30 * mm), Anchor(anchor_key, heading, level=1),
            Paragraph(heading, styles["section"])]


def section_key(reference: str, section: str) -> str:
    """The anchor (and bookmark) name of an incident's section."""
    return f"{reference}/{section}"


# --- the sections ---------------------------------------------------------------------------
def _summary_box(record: dict, styles: StyleSheet1) -> Table:
    items = record["summary"]
    cells, row = [], []
    for label, value, _ in items:
        colour = MET_COLOURS.get(value)
        style = styles["boxvalue"] if colour is None else ParagraphStyle(
            "met", parent=styles["boxvalue"], textColor=colour)
        row.append([text_paragraph(label, styles["label"]), text_paragraph(value, style)])
        if len(row) == 3:
            cells.append(row)
            row = []
    if row:
        cells.append(row + [""] * (3 - len(row)))
    return Table(cells, colWidths=[WIDTH / 3] * 3, style=table_style(
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#eef2f7")),
        ("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor("#9aa5b1")),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)))


def _escalations(record: dict, styles: StyleSheet1) -> list[Flowable]:
    if not record["escalations"]:
        return [_none("No escalation was made.", styles)]
    rows = [[_time(e["at"]), e["by"], f"{e['to']} ({e['kind'].lower()})",
             ", ".join(filter(None, [e["contact"], e["contact_detail"], e["method"]])),
             f"{e['reason']}\nTried: {e['tried']}"] for e in record["escalations"]]
    return [_list_table(["When", "By", "To", "Whom and how", "Why, and what was tried"],
                        rows, [28 * mm, 26 * mm, 34 * mm, 34 * mm, WIDTH - 122 * mm], styles)]


def _communications(record: dict, styles: StyleSheet1) -> list[Flowable]:
    if not record["communications"]:
        return [_none("No update to a stakeholder is recorded.", styles)]
    story: list[Flowable] = []
    for c in record["communications"]:
        facts = [["When", c["at"], TIME], ["By", c["by"], "text"],
                 ["To", f"{c['audience']}" + (f": {c['to']}" if c["to"] else ""), "text"],
                 ["How", f"{c['method']} · {c['delivery']}", "text"]]
        if c["reply"]:
            facts.append(["Reply", c["reply"] + (_time(c["reply_at"]) if c["reply_at"]
                                                 else ""), "text"])
        if c["subject"]:
            facts.append(["Subject", c["subject"], "text"])
        facts.append(["Message", c["message"], LONG])
        story += [_fields_table(facts, styles), Spacer(0, 2 * mm)]
    return story


def _support(record: dict, styles: StyleSheet1) -> list[Flowable]:
    story: list[Flowable] = []
    handovers, support = record.get("handovers", []), record.get("support", [])
    if not handovers and not support:
        return [_none("No handover or support to a colleague is recorded.", styles)]
    for h in handovers:
        outcome = h["state"]
        if h["decided_at"]:
            outcome += f" by {h['decided_by']} on {_time(h['decided_at'])}"
        facts = [["Offered", h["offered_at"], TIME], ["From", h["giver"], "text"],
                 ["To", h["receiver"], "text"], ["How", h["method"], "text"],
                 ["Outcome", outcome, "text"]]
        if h["previous_owner"]:
            facts.append(["Owner before", h["previous_owner"], "text"])
        if h["shift_note"]:
            facts.append(["Shift note", h["shift_note"], LONG])
        if h["query_reason"]:
            facts.append(["Queried because", h["query_reason"], LONG])
        facts += [["Status at handover", h["status_at_handover"], "text"],
                  ["Service level then", h["sla_left"], "text"],
                  ["Last update", h["last_update"], LONG],
                  ["Next action", h["next_action"], LONG],
                  ["Outstanding actions", h["outstanding_actions"], LONG],
                  ["Risks", h["risks"], LONG],
                  ["Promised to the caller", h["promised_to_caller"], LONG]]
        story += [Paragraph("Handover", styles["subsection"]), _fields_table(facts, styles),
                  Spacer(0, 2 * mm)]
    for s in support:
        facts = [["When", s["at"], TIME], ["Supporter", s["supporter"], "text"],
                 ["Supported", s["supported"], "text"], ["Kind", s["kind"], "text"],
                 ["How", s["method"], "text"], ["Outcome", s["outcome"], LONG]]
        if s.get("notes"):
            facts.append(["Notes", s["notes"], LONG])
        story += [Paragraph("Support to a colleague", styles["subsection"]),
                  _fields_table(facts, styles), Spacer(0, 2 * mm)]
    return story


def _on_hold(record: dict, styles: StyleSheet1) -> list[Flowable]:
    if not record["on_hold"]:
        return []
    rows = [[p["reason"], _time(p["from"]), _time(p["to"]) if p["to"] else "still on hold"]
            for p in record["on_hold"]]
    return [Spacer(0, 2 * mm),
            Paragraph("Time on hold (not counted against the resolution target)",
                      styles["subsection"]),
            _list_table(["Why", "From", "To"], rows, [WIDTH - 80 * mm, 40 * mm, 40 * mm],
                        styles)]


def _review(record: dict, styles: StyleSheet1) -> list[Flowable]:
    review = record.get("review")
    if not review:
        return [_none("No post-incident review is recorded.", styles)]
    story: list[Flowable] = [_fields_table(review["details"], styles)]
    if review["whys"]:
        rows = [[f"Why? {n}", why, TEXT] for n, why in enumerate(review["whys"], start=1)]
        story += [Paragraph("Five whys", styles["subsection"]), _fields_table(rows, styles)]
    story += [Spacer(0, 2 * mm), _fields_table(review["texts"], styles),
              Paragraph("Improvement actions", styles["subsection"])]
    if not review["actions"]:
        return [*story, _none("No improvement action is recorded.", styles)]
    rows = [[str(n), a["description"], a["owner"],
             format_day(date.fromisoformat(a["due_on"])),
             a["status"] + (f" {_time(a['done_at'])}" if a["done_at"] else "")]
            for n, a in enumerate(review["actions"], start=1)]
    return [*story, _list_table(["", "Action", "Owner", "Due", "Status"], rows,
                                [8 * mm, WIDTH - 98 * mm, 34 * mm, 22 * mm, 34 * mm],
                                styles)]


def _history(record: dict, styles: StyleSheet1) -> list[Flowable]:
    rows = [[_time(h["at"]), h["by"], h["what"], h["from"], h["to"]]
            for h in record["history"]]
    return [_list_table(["When", "By", "What", "From", "To"], rows,
                        [28 * mm, 28 * mm, 30 * mm, (WIDTH - 86 * mm) / 2,
                         (WIDTH - 86 * mm) / 2], styles)]


def _exports(exports: list[dict], styles: StyleSheet1) -> list[Flowable]:
    if not exports:
        return []
    rows = [[_time(e["at"]), e["by"], e["what"]] for e in exports]
    return [Paragraph("Earlier exports of this record", styles["subsection"]),
            _none("Not covered by the fingerprint: exporting a record does not change it.",
                  styles),
            _list_table(["When", "By", "What"], rows,
                        [28 * mm, 40 * mm, WIDTH - 68 * mm], styles)]


def sign_off(styles: StyleSheet1) -> Flowable:
    """Boxes for the team leader and the assessor to sign."""
    head = [text_paragraph(h, styles["label"]) for h in ("", "Name", "Signature", "Date")]
    rows = [head] + [[text_paragraph(who, styles["cell"]), "", "", ""]
                     for who in ("Team leader", "Assessor")]
    table = Table(rows, colWidths=[30 * mm, 55 * mm, WIDTH - 120 * mm, 35 * mm],
                  rowHeights=[None, 14 * mm, 14 * mm], style=table_style(
                      ("GRID", (0, 0), (-1, -1), 0.6, colors.HexColor("#6b7280")),
                      ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e5e7eb"))))
    return KeepTogether([Paragraph("Sign-off", styles["section"]), table])


def privacy_note(export: IncidentExport, styles: StyleSheet1) -> Paragraph:
    if export.personal_data:
        return Paragraph("<b>Contains the caller's personal data.</b> For internal use only; "
                         "do not pass it on. This print is recorded in the audit trail.",
                         styles["warning"])
    return Paragraph("The caller's personal data is masked: name as initials, phone, email "
                     "and account numbers partly hidden, and phone numbers, email addresses "
                     "and postcodes in free text hidden.", styles["small"])


def incident_story(export: IncidentExport, exports: list[dict], styles: StyleSheet1,
                   footer: str, start: bool = True) -> list[Flowable]:
    """One incident's sections as flowables. With ``start``, they begin with its title and
    an anchor that sets the foot of its pages: ``footer`` on the left and the fingerprint
    below (the evidence pack sets its own, before the checklist)."""
    record = export.record
    reference = record["reference"]
    story: list[Flowable] = []
    if start:
        story += [Anchor(section_key(reference, "start"), f"{reference}: {record['title']}",
                         footer=footer, fingerprint=export.fingerprint),
                  text_paragraph(f"{reference} — {record['title']}", styles["Heading2"])]
    story += [_summary_box(record, styles), Spacer(0, 2 * mm), privacy_note(export, styles)]
    sections = {
        "logging": [_fields_table(record["logging"], styles)],
        "prioritisation": [_fields_table(record["prioritisation"], styles)],
        "sla": [_fields_table(record["sla"], styles), *_on_hold(record, styles)],
        "escalations": _escalations(record, styles),
        "communications": _communications(record, styles),
        "support": _support(record, styles),
        "resolution": [_fields_table(record["resolution"], styles)],
        "review": _review(record, styles),
        "history": _history(record, styles),
    }
    for key, content in sections.items():
        story += [*_section(key, reference, styles), *content]
    story += _exports(exports, styles)
    return story


def fingerprint_statement(export: IncidentExport, styles: StyleSheet1) -> Paragraph:
    return Paragraph(
        f"<b>Fingerprint</b> (SHA-256 of the record above as exported, without this page's "
        f"foot and the list of exports): <font size=8>{export.fingerprint}</font>. "
        "To check that the incident still reads the same in the database: "
        "<i>incident-desk verify-export FILE</i>.", styles["small"])


def keywords(exports: list[IncidentExport]) -> str:
    """What verify-export reads back: the format, then each reference with its fingerprint
    and whether personal data was included."""
    return " ".join([f"{KEYWORD_PREFIX}/1"] + [
        f"{e.reference}={e.fingerprint}:{'full' if e.personal_data else 'masked'}"
        for e in exports])


def write_incident_report(export: IncidentExport, exports: list[dict], path: Path,
                          organisation: Organisation, generated_by: str, now: datetime,
                          progress: Progress = NO_PROGRESS) -> Path:
    """Write one incident's report to ``path`` (through a temporary file renamed into
    place) and return ``path``.

    Args:
        exports: the incident's earlier exports (:func:`~app.models.incident_record.exports_of`).
        progress: told 0 of 1 before laying out and 1 of 1 after; a cancellation stops
            the export and leaves no file.

    Raises:
        IncidentReportError: the file cannot be written; the message names it.
    """
    styles = report_styles()
    reference = export.reference
    title = f"Incident report {reference}"
    footer = f"{reference} · generated {format_local(now)} by {generated_by}"

    def write(part: Path) -> None:
        progress.step(0, 1)
        story = header_flowables(title, organisation, now, generated_by, styles, WIDTH)
        story += incident_story(export, exports, styles, footer)
        story += [Spacer(0, 4 * mm), fingerprint_statement(export, styles), sign_off(styles)]
        document = ReportDocument(
            str(part), title=title, author=generated_by,
            subject=f"{title}: {export.record['title']}"
                    + (" (with personal data)" if export.personal_data else ""),
            keywords=keywords([export]))
        document.build(story, canvasmaker=numbered_canvas(footer))
        progress.step(1, 1)

    return write_atomically(path, write, "the incident report", IncidentReportError)
