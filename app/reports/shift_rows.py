"""The shift handover report's content as plain text, its headings and rows: what the
Shift summary tab shows and the PDF (:mod:`app.reports.shift_report`) lays out. Kept apart
from the PDF's layout so that the window does not import ReportLab to show the tab (a
tenth of a second of its start, issue 9)."""

from __future__ import annotations

from app.models.clock import format_local
from app.models.handover import HandoverState, HandoverView, ItemView, ShiftSummary

HANDOVER_HEADINGS = ("Offered", "From → to, how", "Incident", "At handover",
                     "Handed over", "Outcome")
SUPPORT_HEADINGS = ("When", "Who helped whom, how", "Support", "Incident", "Outcome")


def shift_text(summary: ShiftSummary) -> str:
    return f"Shift from {format_local(summary.start)} to {format_local(summary.end)}"


def outcome_text(handover: HandoverView) -> str:
    """``Accepted 24/11/2026 17:05 by Alex Colleague``, with the reason of a query."""
    if handover.state == HandoverState.OFFERED:
        return "Awaiting an answer"
    text = f"{handover.state.label} {format_local(handover.decided_at)} by {handover.decided_by}"
    if handover.query_reason:
        text += f"\nQuery: {handover.query_reason}"
    return text


def handed_over_text(item: ItemView) -> str:
    """What the giver passed on: next action, outstanding actions, risks, promises."""
    parts = [("Next", item.next_action), ("Outstanding", item.outstanding_actions),
             ("Risks", item.risks), ("Promised", item.promised_to_caller)]
    return "\n".join(f"{label}: {value}" for label, value in parts if value)


def handover_rows(summary: ShiftSummary) -> list[tuple[str, ...]]:
    """One row per incident handed over, as :data:`HANDOVER_HEADINGS`."""
    rows = []
    for h in summary.handovers:
        for n, item in enumerate(h.items):
            first = n == 0
            rows.append((
                format_local(h.offered_at) if first else "",
                f"{h.giver} → {h.receiver}\n{h.method}" if first else "",
                f"{item.reference}\n{item.summary}",
                f"{item.status}\n{item.sla_left}",
                handed_over_text(item),
                outcome_text(h) if first else ""))
        if h.shift_note:
            rows.append(("", "", "", "", f"Shift note: {h.shift_note}", ""))
    return rows


def support_rows(summary: ShiftSummary) -> list[tuple[str, ...]]:
    return [(format_local(s.at), f"{s.supporter} → {s.supported}\n{s.method}", s.kind,
             s.reference, s.outcome + (f"\nNotes: {s.notes}" if s.notes else ""))
            for s in summary.support]
