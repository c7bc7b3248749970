"""The subject access export: everything held about a person, as a PDF to read and a JSON
file to carry elsewhere, written side by side and never over an existing file."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
)
from reportlab.platypus.doctemplate import LayoutError

from app import APP_NAME
from app.models.clock import format_local, to_local
from app.models.entities import User
from app.models.personal_data import SubjectRecord, record_disclosure, subject_access
from app.reports.fonts import FontMissingError
from app.reports.pages import numbered_canvas, stylesheet, table_style, text_paragraph

FIELDS = (("received_at", "Received"), ("channel", "Channel"), ("caller_name", "Caller"),
          ("caller_phone", "Phone"), ("caller_email", "Email"), ("caller_type", "Caller type"),
          ("account_ref", "Account or asset no."), ("location", "Location"),
          ("summary", "Nature of incident"), ("description", "Caller's description"),
          ("category", "Category"), ("subcategory", "Subcategory"), ("priority", "Priority"),
          ("priority_rationale", "Why this priority"), ("status", "Status"),
          ("owner", "Owner"), ("logged_by", "Logged by"), ("responded_at", "Responded"),
          ("resolved_at", "Resolved"), ("closed_at", "Closed"), ("resolution", "Resolution"),
          ("anonymised_at", "Personal data erased"))
TIME_FIELDS = {"received_at", "responded_at", "resolved_at", "closed_at", "anonymised_at"}


class SubjectAccessError(Exception):
    """The export cannot be written; the message names the file and says why."""


def _local(iso: str | None) -> str:
    return format_local(datetime.fromisoformat(iso)) if iso else ""


def write_pdf(record: SubjectRecord, path: Path) -> None:
    """The PDF, in the shipped fonts so that names print as stored (what prints and what
    does not: see :mod:`app.reports.fonts`)."""
    styles = stylesheet()
    body, small = styles["BodyText"], ParagraphStyle("small", parent=styles["BodyText"],
                                                     fontSize=8, leading=10)
    generated = format_local(record.generated_at)
    story = [Paragraph("Subject access export", styles["Title"]),
             text_paragraph(f"Records held by {APP_NAME} about the person with "
                            + " or ".join(filter(None, [
                                record.phone and f"phone number {record.phone}",
                                record.email and f"email address {record.email}"]))
                            + f". Generated on {generated} by {record.generated_by}."
                            + (f" Request: {record.request_note}."
                               if record.request_note else "")
                            + " The JSON file written with this PDF holds the same records "
                              "for use elsewhere, every character exactly as stored.", body),
             Spacer(0, 4 * mm)]
    if not record.incidents:
        story.append(Paragraph("No incident is held about this person.", body))
    else:
        story.append(Paragraph(f"{len(record.incidents)} incident(s) found.", body))
    grid = table_style(("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke))
    for incident in record.incidents:
        story.append(Paragraph(incident["reference"], styles["Heading2"]))
        rows = [[Paragraph(label, small),
                 text_paragraph(_local(incident[key]) if key in TIME_FIELDS
                                else incident[key] or "", small)]
                for key, label in FIELDS if incident.get(key)]
        # a row may split across pages: a 10,000-character description is taller than one
        story.append(Table(rows, colWidths=[40 * mm, 134 * mm], style=grid, splitInRow=1))
        history = [[Paragraph(h, small) for h in ("When", "Who", "What", "From", "To")]]
        history += [[text_paragraph(_local(h["at"]), small), text_paragraph(h["by"], small),
                     text_paragraph(h["what"], small), text_paragraph(h["from"], small),
                     text_paragraph(h["to"], small)] for h in incident["history"]]
        story.append(KeepTogether([Paragraph("History", styles["Heading4"]),
                                   Table(history, colWidths=[26 * mm, 28 * mm, 32 * mm,
                                                             44 * mm, 44 * mm],
                                         repeatRows=1, splitInRow=1, style=table_style(
                                             ("BACKGROUND", (0, 0), (-1, 0),
                                              colors.whitesmoke)))]))
    canvas = numbered_canvas(f"{APP_NAME} subject access export, {generated}. Personal "
                             "data: handle under UK GDPR.")
    document = SimpleDocTemplate(
        str(path), pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
        bottomMargin=18 * mm, title="Subject access export", author=record.generated_by,
        subject=f"Records about {record.phone or record.email}", creator=APP_NAME)
    document.build(story, canvasmaker=canvas)


def export_subject_access(phone: str, email: str, folder: Path, by: User,
                          request_note: str = "", now: datetime | None = None
                          ) -> tuple[Path, Path]:
    """Write ``subject-access-<time>.pdf`` and ``.json`` into ``folder``; return their paths.

    Both files are written to temporary names and renamed at the end, so a failure leaves
    neither; an existing file is never overwritten.

    Raises:
        RolePermissionError, PersonalDataError: see :func:`subject_access`.
        SubjectAccessError: the files cannot be written.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise SubjectAccessError(f"{folder} is not a folder.")
    record = subject_access(phone, email, by, request_note, now)
    stem = f"subject-access-{to_local(record.generated_at):%Y%m%d-%H%M%S}"
    targets = [folder / f"{stem}.pdf", folder / f"{stem}.json"]
    for target in targets:
        if target.exists():
            raise SubjectAccessError(f"{target} already exists; it has not been replaced.")
    temporary = [target.with_name(f".{target.name}.part") for target in targets]
    try:
        write_pdf(record, temporary[0])
        temporary[1].write_text(json.dumps(record.to_dict(), ensure_ascii=False, indent=2),
                                encoding="utf-8")
        record_disclosure(record, by)  # once the files are whole, before they are shown
        for part, target in zip(temporary, targets, strict=True):
            os.replace(part, target)
    except OSError as exc:
        raise SubjectAccessError(f"Cannot write the export in {folder}: "
                                 f"{exc.strerror or exc}.") from exc
    except FontMissingError as exc:
        raise SubjectAccessError(f"{exc} Nothing was written.") from exc
    except LayoutError as exc:  # a layout the PDF cannot hold: say so, write nothing
        raise SubjectAccessError(f"The PDF could not be laid out ({exc}); nothing was "
                                 "written.") from exc
    finally:
        for part in temporary:
            part.unlink(missing_ok=True)
    return targets[0], targets[1]
