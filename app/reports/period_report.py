"""The period report for team leaders: a period's totals, SLA compliance, time to resolve,
volume and escalations, in tables and charts, then the period's incidents, as a PDF.

The figures come from :mod:`app.models.period_stats`; the builders here turn them into
flowables. Summary pages are portrait A4; the list of incidents is landscape, one line an
incident, its header on every page. No caller's name, phone, email or description is in it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
)

from app import APP_NAME
from app.models.clock import format_local
from app.models.organisation import organisation
from app.models.period_stats import (
    BREACHED,
    DAY,
    MET,
    PeriodError,
    PeriodRow,
    PeriodStats,
    SlaCounts,
    check_period,
    day_text,
    period_incidents,
    period_statistics,
    period_text,
)
from app.models.sla import span_text
from app.reports.files import ReportError, write_atomically
from app.reports.fonts import BODY_FONT, BOLD_FONT
from app.reports.pages import (
    header_flowables,
    numbered_canvas,
    stylesheet,
    table_style,
    text_paragraph,
)
from app.reports.progress import NO_PROGRESS, Progress, ProgressCallback

PORTRAIT, LANDSCAPE = A4, landscape(A4)
MARGIN = 18 * mm
TOP, BOTTOM = 16 * mm, 20 * mm
WIDTH = PORTRAIT[0] - 2 * MARGIN
WIDE = LANDSCAPE[0] - 2 * MARGIN  # the incidents' table
HEADER_BACKGROUND = colors.HexColor("#e5e7eb")
TOTAL_BACKGROUND = colors.HexColor("#f3f4f6")
BOX_BACKGROUND = colors.HexColor("#eef2f7")
BOX_LINE = colors.HexColor("#9aa5b1")
BAR = colors.HexColor("#3b6ea5")
BAR_LIGHT = colors.HexColor("#9db7d5")  # weekends; the median beside the mean
GRID = colors.HexColor("#d9dde3")
MUTED = colors.HexColor("#555555")
OUTCOME_COLOURS = {MET: colors.HexColor("#1b7a3a"), BREACHED: colors.HexColor("#b3261e")}
TABLE_FONT_SIZE = 7.5
CHART_FONT_SIZE = 7
# how an outcome reads in the list of incidents; pending reads NOT_YET_DUE or OPEN
OUTCOME_TEXT = {MET: "Met", BREACHED: "Breached"}
NOT_YET_DUE, OPEN = "Not yet due", "Open"
INCIDENT_HEADINGS = ("Reference", "Received", "Category", "Priority", "Status", "Owner",
                     "Responded", "Response", "Resolved", "Resolution", "Time to resolve")
PROGRESS_EVERY = 50  # incidents between two progress reports
# A list longer than this (some 150 pages, 10 s to write) is left out, with a note: a
# year of a busy centre would run to tens of thousands of pages, and nobody reads them.
MAX_LISTED = 5_000



class PeriodReportError(ReportError):
    """The period report cannot be written; the message says why in one line."""


def _styles() -> StyleSheet1:
    styles = stylesheet()
    body = styles["BodyText"]
    styles.add(ParagraphStyle("note", parent=body, fontSize=7.5, leading=9.5, textColor=MUTED,
                              spaceBefore=2, spaceAfter=0))
    styles.add(ParagraphStyle("section", parent=styles["Heading2"], fontSize=13, leading=16,
                              spaceBefore=10, spaceAfter=4))
    styles.add(ParagraphStyle("cell", parent=body, fontSize=8, leading=10, spaceBefore=0,
                              spaceAfter=0))
    styles.add(ParagraphStyle("small", parent=styles["cell"], fontSize=TABLE_FONT_SIZE,
                              leading=TABLE_FONT_SIZE + 1.5))
    styles.add(ParagraphStyle("figure", parent=body, fontName=BOLD_FONT, fontSize=17,
                              leading=20, spaceBefore=0, spaceAfter=0))
    styles.add(ParagraphStyle("caption", parent=body, fontSize=7.5, leading=9,
                              textColor=MUTED, spaceBefore=0, spaceAfter=0))
    styles.add(ParagraphStyle("head", parent=styles["cell"], fontName=BOLD_FONT,
                              fontSize=TABLE_FONT_SIZE, leading=TABLE_FONT_SIZE + 1.5))
    styles.add(ParagraphStyle("head_right", parent=styles["head"], alignment=TA_RIGHT))
    styles.add(ParagraphStyle("figure_cell", parent=styles["cell"], alignment=TA_RIGHT))
    return styles


# --- formatting -----------------------------------------------------------------------------
def percent_text(value: float | None) -> str:
    """``67%``, or ``—`` when there is nothing to take a share of."""
    return "—" if value is None else f"{value:.0f}%"


def duration_text(value: timedelta | None) -> str:
    """An elapsed time as ``3d 4h``, ``2h 15m`` or ``12m``; ``—`` when there is none."""
    return "—" if value is None else span_text(value)


def _count_share(counts: SlaCounts, count: int, style: ParagraphStyle) -> Paragraph:
    """The count, and under it in small its share of the row's incidents."""
    share = counts.percent(count)
    text = f"{count:,}"
    if share is not None and count:
        text += f'<br/><font size="6.5" color="#555555">{share:.0f}%</font>'
    return Paragraph(text, style)


def _plural(count: int, one: str, many: str) -> str:
    """``1 incident``, ``2 incidents``."""
    return f"{count:,} {one if count == 1 else many}"


def _nice_step(largest: float, ticks: int = 5) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about ``ticks`` ticks."""
    if largest <= 0:
        return 1
    raw = largest / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _value_axis(chart, largest: float, integers: bool) -> None:
    step = max(1, _nice_step(largest)) if integers else _nice_step(largest)
    axis = chart.valueAxis
    axis.valueMin, axis.valueStep = 0, step
    axis.valueMax = step * max(1, math.ceil(largest / step))
    axis.labels.fontName, axis.labels.fontSize = BODY_FONT, CHART_FONT_SIZE
    axis.labelTextFormat = (lambda v: f"{v:,.0f}") if integers or step >= 1 else "%.1f"
    axis.visibleGrid, axis.gridStrokeColor, axis.gridStrokeWidth = True, GRID, 0.4
    axis.strokeColor = colors.grey


def _category_axis_style(axis) -> None:
    axis.labels.fontName, axis.labels.fontSize = BODY_FONT, CHART_FONT_SIZE
    axis.strokeColor = colors.grey
    axis.visibleTicks = False


def _fit(text: str, width: float, size: float = CHART_FONT_SIZE) -> str:
    """``text`` cut with an ellipsis to fit ``width`` points (a chart label cannot wrap)."""
    if stringWidth(text, BODY_FONT, size) <= width:
        return text
    while text and stringWidth(text + "…", BODY_FONT, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


# --- the summary ----------------------------------------------------------------------------
def _summary_box(stats: PeriodStats, styles: StyleSheet1) -> Table:
    """The headline figures, four to a row, each over its caption."""
    figures = [
        (f"{stats.received:,}", "incidents received"),
        (f"{stats.resolved:,}", "resolved (by now)"),
        (f"{stats.closed:,}", "closed (by now)"),
        (f"{stats.open_at_end:,}", "still open when the period ended"),
        (percent_text(stats.response.met_percent), "response targets met"),
        (percent_text(stats.resolution.met_percent), "resolution targets met"),
        (duration_text(stats.mean_to_resolve), "mean time to resolve (elapsed)"),
        (f"{stats.escalations:,}", ("escalation" if stats.escalations == 1 else "escalations")
         + ", for " + _plural(stats.escalated_incidents, "incident", "incidents")),
    ]
    cells = [[[Paragraph(figure, styles["figure"]), Paragraph(caption, styles["caption"])]
              for figure, caption in figures[row:row + 4]] for row in (0, 4)]
    return Table(cells, colWidths=[WIDTH / 4] * 4, style=table_style(
        ("GRID", (0, 0), (-1, -1), 0.4, colors.white),
        ("BACKGROUND", (0, 0), (-1, -1), BOX_BACKGROUND),
        ("BOX", (0, 0), (-1, -1), 0.8, BOX_LINE),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 7)))


def _status_line(stats: PeriodStats, styles: StyleSheet1) -> Paragraph:
    parts = " · ".join(f"{status.label} {count:,}" for status, count in stats.by_status)
    return Paragraph(f"<b>By status now:</b> {parts}. Updates given to stakeholders in the "
                     f"period: {stats.communications:,}.", styles["note"])


def _headings(texts: Sequence[str], styles: StyleSheet1, left: int = 1) -> list[Paragraph]:
    """A table's header cells, which wrap: the first ``left`` on the left, the others (over
    figures) on the right."""
    return [Paragraph(text, styles["head" if n < left else "head_right"])
            for n, text in enumerate(texts)]


def _grid_table(rows: list[list], widths: Sequence[float], header_rows: int = 1,
                *commands: tuple) -> Table:
    """A figures table: header rows shaded, numbers right-aligned, the last row (all
    priorities) shaded and ruled off."""
    return Table(rows, colWidths=list(widths), repeatRows=header_rows, hAlign="LEFT",
                 style=table_style(
                     ("FONTSIZE", (0, 0), (-1, -1), 8),
                     ("LEFTPADDING", (0, 0), (-1, -1), 4),
                     ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                     ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_BACKGROUND),
                     ("FONTNAME", (0, 0), (-1, header_rows - 1), BOLD_FONT),
                     ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                     ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                     ("BACKGROUND", (0, -1), (-1, -1), TOTAL_BACKGROUND),
                     ("FONTNAME", (0, -1), (-1, -1), BOLD_FONT),
                     ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.grey), *commands))


def _sla_table(stats: PeriodStats, styles: StyleSheet1) -> Table:
    rows: list[list] = [
        ["", "", "Response", "", "", "", "Resolution", "", "", ""],
        _headings(["Priority", "Incidents", "Met", "Breached", "Not yet due", "Met&nbsp;%", "Met",
                   "Breached", "Open", "Met&nbsp;%"], styles)]
    lines = [(p.label, p.received, p.response, p.resolution) for p in stats.priorities]
    lines.append(("All", stats.received, stats.response, stats.resolution))
    for index, (label, received, response, resolution) in enumerate(lines):
        style = styles["figure_cell"]
        if index == len(lines) - 1:
            style = ParagraphStyle("total", parent=style, fontName=BOLD_FONT)
        rows.append([label, f"{received:,}",
                     *(_count_share(response, n, style) for n in (
                         response.met, response.breached, response.pending)),
                     percent_text(response.met_percent),
                     *(_count_share(resolution, n, style) for n in (
                         resolution.met, resolution.breached, resolution.pending)),
                     percent_text(resolution.met_percent)])
    first, number, share = 21 * mm, 17 * mm, 13 * mm
    count = (WIDTH - first - number - 2 * share) / 6
    widths = [first, number, count, count, count, share, count, count, count, share]
    return _grid_table(rows, widths, 2,
                       ("SPAN", (2, 0), (5, 0)), ("SPAN", (6, 0), (9, 0)),
                       ("ALIGN", (2, 0), (-1, 0), "CENTER"),
                       ("VALIGN", (0, 2), (-1, -1), "TOP"),  # counts in line, shares below
                       ("LINEBEFORE", (2, 0), (2, -1), 0.8, colors.grey),
                       ("LINEBEFORE", (6, 0), (6, -1), 0.8, colors.grey),
                       ("FONTNAME", (5, 2), (5, -1), BOLD_FONT),
                       ("FONTNAME", (9, 2), (9, -1), BOLD_FONT))


def _mttr_table(stats: PeriodStats, width: float, styles: StyleSheet1) -> Table:
    rows: list[list] = [_headings(["Priority", "Received", "Resolved", "Mean", "Median"],
                                  styles)]
    for p in stats.priorities:
        rows.append([p.label, f"{p.received:,}", f"{p.resolved:,}",
                     duration_text(p.mean_to_resolve), duration_text(p.median_to_resolve)])
    rows.append(["All", f"{stats.received:,}", f"{stats.resolved:,}",
                 duration_text(stats.mean_to_resolve), duration_text(stats.median_to_resolve)])
    first = 21 * mm
    return _grid_table(rows, [first] + [(width - first) / 4] * 4)


def _hours(value: timedelta | None) -> float:
    return 0 if value is None else value.total_seconds() / 3600


def _drawing(width: float, height: float) -> Drawing:
    # Its initial font, though every string in it sets its own: left to the default, the
    # renderer would set Helvetica on the canvas and so put it in the PDF.
    return Drawing(width, height, initialFontName=BODY_FONT)


def _mttr_chart(stats: PeriodStats, width: float, height: float = 48 * mm) -> Drawing:
    """Mean and median hours to resolve, side by side, per priority."""
    drawing = _drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 11 * mm, 9 * mm
    chart.width, chart.height = width - chart.x - 2 * mm, height - chart.y - 9 * mm
    chart.data = [[_hours(p.mean_to_resolve) for p in stats.priorities],
                  [_hours(p.median_to_resolve) for p in stats.priorities]]
    chart.categoryAxis.categoryNames = [f"P{p.priority}" for p in stats.priorities]
    _category_axis_style(chart.categoryAxis)
    _value_axis(chart, max(max(series) for series in chart.data), integers=False)
    chart.bars[0].fillColor, chart.bars[1].fillColor = BAR, BAR_LIGHT
    chart.bars.strokeColor = None
    chart.groupSpacing, chart.barSpacing = 6, 1
    legend = Legend()
    legend.x, legend.y = chart.x, height - 3 * mm
    legend.fontName, legend.fontSize = BODY_FONT, CHART_FONT_SIZE
    legend.alignment, legend.columnMaximum = "right", 1
    legend.dx = legend.dy = 6
    legend.deltax, legend.dxTextSpace = 60, 4
    legend.colorNamePairs = [(BAR, "mean"), (BAR_LIGHT, "median")]
    legend.strokeColor = None
    drawing.add(chart)
    drawing.add(legend)
    drawing.add(String(width - 2 * mm, height - 5 * mm, "hours", fontName=BODY_FONT,
                       fontSize=CHART_FONT_SIZE, fillColor=MUTED, textAnchor="end"))
    return drawing


def _volume_chart(stats: PeriodStats, width: float = WIDTH,
                  height: float = 62 * mm) -> Drawing:
    """Incidents received per day (weekends lighter) or per ISO week, every bucket named
    when there is room, every other (or fewer) when there is not."""
    buckets = stats.volume
    drawing = _drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 13 * mm
    chart.width, chart.height = width - chart.x - 2 * mm, height - chart.y - 3 * mm
    chart.data = [[b.count for b in buckets]]
    slot = chart.width / max(1, len(buckets))
    every = max(1, math.ceil(CHART_FONT_SIZE * 1.5 / slot))
    chart.categoryAxis.categoryNames = [b.label if n % every == 0 else ""
                                        for n, b in enumerate(buckets)]
    _category_axis_style(chart.categoryAxis)
    labels = chart.categoryAxis.labels
    labels.angle, labels.boxAnchor, labels.dx, labels.dy = 90, "e", 0, -3
    largest = max((b.count for b in buckets), default=0)
    _value_axis(chart, largest, integers=True)
    chart.bars.strokeColor = None
    chart.bars[0].fillColor = BAR
    chart.barSpacing, chart.groupSpacing = 0, max(1.0, slot * 0.25)
    if stats.volume_unit == DAY:
        for n, bucket in enumerate(buckets):
            if bucket.first.weekday() >= 5:
                chart.bars[(0, n)].fillColor = BAR_LIGHT
    if stringWidth(f"{largest:,}", BODY_FONT, 6) <= slot * 0.95:
        chart.barLabelFormat = lambda v: f"{v:,.0f}" if v else ""
        chart.barLabels.fontName, chart.barLabels.fontSize = BODY_FONT, 6
        chart.barLabels.nudge = 5
    drawing.add(chart)
    return drawing


def _category_chart(stats: PeriodStats, width: float = WIDTH) -> Drawing:
    """Incidents per category, the most on top, each bar with its count."""
    rows = list(reversed(stats.categories))  # the chart draws the first at the bottom
    bar_height = 6 * mm
    height = len(rows) * bar_height + 10 * mm
    label_width = min(52 * mm, max(stringWidth(name, BODY_FONT, CHART_FONT_SIZE)
                                   for name, _ in rows) + 3 * mm)
    drawing = _drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 7 * mm
    chart.width, chart.height = width - label_width - 12 * mm, height - chart.y - 2 * mm
    chart.data = [[count for _, count in rows]]
    chart.categoryAxis.categoryNames = [_fit(name, label_width - 3 * mm) for name, _ in rows]
    _category_axis_style(chart.categoryAxis)
    chart.categoryAxis.labels.boxAnchor, chart.categoryAxis.labels.dx = "e", -3
    _value_axis(chart, max(count for _, count in rows), integers=True)
    chart.bars[0].fillColor, chart.bars.strokeColor = BAR, None
    chart.barLabelFormat = lambda v: f"{v:,.0f}"
    chart.barLabels.fontName, chart.barLabels.fontSize = BODY_FONT, CHART_FONT_SIZE
    chart.barLabels.boxAnchor, chart.barLabels.dx = "w", 3
    chart.groupSpacing = 2 * mm
    drawing.add(chart)
    return drawing


def _escalations(stats: PeriodStats, styles: StyleSheet1) -> list[Flowable]:
    if stats.escalations:
        escalated = (f"{_plural(stats.escalations, 'escalation was', 'escalations were')} "
                     "made in the period (whenever the incident was received), for "
                     f"{_plural(stats.escalated_incidents, 'incident', 'incidents')}.")
    else:
        escalated = "No escalation was made in the period."
    updates = (f"{_plural(stats.communications, 'update was', 'updates were')} given to "
               "stakeholders." if stats.communications
               else "No update to a stakeholder was recorded in the period.")
    story: list[Flowable] = [Paragraph(f"{escalated} {updates}", styles["BodyText"])]
    if stats.escalations_by_target:
        rows: list[list] = [_headings(["Level or team", "Kind", "Escalations"], styles, 2)]
        rows += [[text_paragraph(e.name, styles["cell"]), Paragraph(e.kind.capitalize(),
                                                                   styles["cell"]),
                  Paragraph(f"{e.count:,}", styles["figure_cell"])]
                 for e in stats.escalations_by_target]
        rows.append(["All", "", f"{stats.escalations:,}"])
        story += [Spacer(0, 2 * mm), _grid_table(rows, [70 * mm, 35 * mm, 25 * mm], 1,
                                                 ("ALIGN", (1, 0), (1, -1), "LEFT"))]
    return story


def summary_story(stats: PeriodStats, styles: StyleSheet1) -> list[Flowable]:
    """Everything before the list of incidents."""
    table_width, gap = 92 * mm, 6 * mm
    chart_width = WIDTH - table_width - gap
    story: list[Flowable] = [
        Paragraph(f"Incidents received from {day_text(stats.start)} 00:00 to "
                  f"{day_text(stats.end)} 24:00 local time ({stats.days} "
                  f"day{'s' if stats.days != 1 else ''}). Statuses and service levels as "
                  f"they stood at {format_local(stats.now)}.", styles["BodyText"]),
        Spacer(0, 2 * mm), _summary_box(stats, styles), Spacer(0, 1.5 * mm),
        _status_line(stats, styles),
        Paragraph("SLA compliance", styles["section"]),
        _sla_table(stats, styles),
        Paragraph("Met % is the share of targets decided (met or breached) that were met; "
                  "the percentage under a count is of that row's incidents. A target not "
                  "yet met is breached once its due time has passed.", styles["note"]),
        KeepTogether([
            Paragraph("Mean time to resolve (MTTR)", styles["section"]),
            Table([[_mttr_table(stats, table_width, styles), _mttr_chart(stats, chart_width)]],
                  colWidths=[table_width + gap, chart_width], hAlign="LEFT", style=table_style(
                      ("GRID", (0, 0), (-1, -1), 0, colors.white),
                      ("LEFTPADDING", (0, 0), (-1, -1), 0),
                      ("RIGHTPADDING", (0, 0), (-1, -1), 0))),
            Paragraph("Elapsed time from received to resolved, nights, weekends and time on "
                      "hold included (not the service hours the SLA counts), over the "
                      "incidents resolved so far. The median is the middle one: half were "
                      "resolved sooner.", styles["note"])]),
        KeepTogether([
            Paragraph(f"Incidents received per {'day' if stats.volume_unit == DAY else 'week'}",
                      styles["section"]),
            _volume_chart(stats),
            Paragraph("One bar a day; weekends in a lighter blue." if stats.volume_unit == DAY
                      else "One bar a week, Monday to Sunday, named by its first day; the "
                      "first and last may be part weeks.", styles["note"])]),
        KeepTogether([Paragraph("Incidents per category", styles["section"]),
                      _category_chart(stats)]),
        CondPageBreak(40 * mm),
        Paragraph("Escalations and updates", styles["section"]),
        *_escalations(stats, styles),
    ]
    return story


# --- the incidents --------------------------------------------------------------------------
def incident_rows(rows: list[PeriodRow], styles: StyleSheet1,
                  progress: Progress = NO_PROGRESS) -> tuple[list[list], list[tuple]]:
    """The table's cells (header first) and the commands colouring each met or breached.

    Typed values (the category and owner names) go through :func:`text_paragraph`, so they
    print as typed; the others are the application's own words and times.
    """
    cell = styles["small"]
    cells: list[list] = [[Paragraph(h, styles["head"]) for h in INCIDENT_HEADINGS]]
    commands: list[tuple] = []
    total = len(rows)
    for n, row in enumerate(rows, start=1):
        cells.append([
            row.reference, format_local(row.received_at),
            text_paragraph(row.category, cell), row.priority_label,
            text_paragraph(row.status.label, cell), text_paragraph(row.owner or "—", cell),
            format_local(row.responded_at) or "—",
            OUTCOME_TEXT.get(row.response, NOT_YET_DUE),
            format_local(row.resolved_at) or "—",
            OUTCOME_TEXT.get(row.resolution, OPEN),
            duration_text(row.time_to_resolve)])
        for column, outcome in ((7, row.response), (9, row.resolution)):
            colour = OUTCOME_COLOURS.get(outcome, MUTED)
            commands.append(("TEXTCOLOR", (column, n), (column, n), colour))
        if n % PROGRESS_EVERY == 0 or n == total:
            progress.step(n, total)
    return cells, commands


CELL_PADDING = 3  # points, left and right: the incidents' table is tight


def _column_widths() -> list[float]:
    """Widths fitting the longest value of each column of the application's own words and
    times (headings wrap); what is left goes to the category, status and owner, which
    wrap too."""

    def fits(column: int, *values: str) -> float:
        words = INCIDENT_HEADINGS[column].split()  # a heading wraps between words only
        return max([stringWidth(v, BODY_FONT, TABLE_FONT_SIZE) for v in values]
                   + [stringWidth(w, BOLD_FONT, TABLE_FONT_SIZE) for w in words]
                   ) + 2 * CELL_PADDING + 1

    time = "24/11/2026 14:05"
    fixed = {0: fits(0, "INC-2026-000000"), 1: fits(1, time), 3: fits(3, "P5 Planning"),
             6: fits(6, time), 7: fits(7, NOT_YET_DUE), 8: fits(8, time),
             9: fits(9, "Breached"), 10: fits(10, "23h 59m")}
    left = WIDE - sum(fixed.values())
    flexible = {2: 0.38, 4: 0.33, 5: 0.29}
    return [fixed[c] if c in fixed else left * flexible[c] for c in range(11)]


def too_many_to_list(received: int, styles: StyleSheet1) -> list[Flowable]:
    return [Paragraph(f"Incidents received ({received:,})", styles["section"]),
            Paragraph(f"{received:,} incidents were received in the period: too many to list "
                      f"here (a report lists at most {MAX_LISTED:,}). The figures above count "
                      "every one of them; for the list, report on a shorter period.",
                      styles["BodyText"])]


def incidents_story(rows: list[PeriodRow], styles: StyleSheet1,
                    progress: Progress = NO_PROGRESS) -> list[Flowable]:
    cells, commands = incident_rows(rows, styles, progress)
    table = Table(cells, colWidths=_column_widths(), repeatRows=1, hAlign="LEFT",
                  style=table_style(
                      ("FONTSIZE", (0, 0), (-1, -1), TABLE_FONT_SIZE),
                      ("LEADING", (0, 0), (-1, -1), TABLE_FONT_SIZE + 1.5),
                      ("FONTNAME", (0, 0), (-1, 0), BOLD_FONT),
                      ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
                      ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.grey),
                      ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, TOTAL_BACKGROUND]),
                      ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                      ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                      ("TOPPADDING", (0, 0), (-1, -1), 2),
                      ("BOTTOMPADDING", (0, 0), (-1, -1), 2), *commands))
    return [Paragraph(f"Incidents received ({len(rows):,})", styles["section"]),
            Paragraph("Oldest first. Times are local; the time to resolve is elapsed. The "
                      "callers' details are not in this report.", styles["note"]),
            Spacer(0, 2 * mm), table]


# --- the document ---------------------------------------------------------------------------
class PeriodDocument(BaseDocTemplate):
    """Portrait A4 for the summary, landscape A4 (after ``NextPageTemplate("wide")``) for
    the list of incidents."""

    def __init__(self, filename: str, **kwargs):
        super().__init__(filename, pagesize=PORTRAIT, leftMargin=MARGIN, rightMargin=MARGIN,
                         topMargin=TOP, bottomMargin=BOTTOM, creator=APP_NAME, **kwargs)
        tall = Frame(MARGIN, BOTTOM, WIDTH, PORTRAIT[1] - TOP - BOTTOM, id="tall",
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        wide = Frame(MARGIN, BOTTOM, WIDE, LANDSCAPE[1] - TOP - BOTTOM, id="wide",
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("tall", [tall], pagesize=PORTRAIT),
                               PageTemplate("wide", [wide], pagesize=LANDSCAPE)])


def report_title(start: date, end: date) -> str:
    """``Period report 1 Nov 2026 – 30 Nov 2026``."""
    return f"Period report {period_text(start, end)}"


def write_period_report(path: Path, start: date, end: date, generated_by: str, now: datetime, *,
                        progress: Progress | ProgressCallback = NO_PROGRESS) -> Path:
    """Write the report of the incidents received from ``start`` to ``end`` (local days)
    to ``path``, through a file beside it renamed into place, and return ``path``.

    Args:
        now: when the report is made: in its header, and the moment targets not yet met
            are judged at.
        progress: told (done, total) as the incidents' rows are built, every
            ``PROGRESS_EVERY`` incidents; a :class:`~app.reports.progress.Progress`, or a
            plain ``progress(done, total)`` callable. A cancellation (or any exception it
            raises) stops the report and leaves no file.

    Raises:
        PeriodReportError: the period ends before it starts or is longer than a year, or
            no incident was received in it (no file is made then), or the file cannot be
            written (the message names it).
    """
    try:
        check_period(start, end)
    except PeriodError as exc:  # one error class for callers (the command line) to catch
        raise PeriodReportError(str(exc)) from exc
    stats = period_statistics(start, end, now=now)
    if stats.received == 0:
        raise PeriodReportError(
            f"No incidents were received between {day_text(start)} and {day_text(end)}; "
            "there is nothing to report.")
    if not isinstance(progress, Progress):
        progress = Progress(progress)
    listed = stats.received <= MAX_LISTED
    rows = period_incidents(start, end, now=now) if listed else []
    title = report_title(start, end)
    styles = _styles()

    def write(part: Path) -> None:
        progress.check()
        story = header_flowables(title, organisation(), now, generated_by, styles, WIDTH)
        story += summary_story(stats, styles)
        if listed:
            story += [NextPageTemplate("wide"), PageBreak(),
                      *incidents_story(rows, styles, progress)]
        else:
            story += too_many_to_list(stats.received, styles)
        document = PeriodDocument(
            str(part), title=title, author=generated_by,
            subject=f"Incidents received {period_text(start, end)}: {stats.received:,} "
                    "incidents, SLA compliance, time to resolve, volume and escalations")
        document.build(story, canvasmaker=numbered_canvas(
            f"Generated {format_local(now)} by {generated_by}",
            f"{title} · page {{page}} of {{pages}}"))

    return write_atomically(Path(path), write, "the period report", PeriodReportError)
