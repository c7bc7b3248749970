"""Write sample PDFs (an incident report and an evidence pack) from a small database made
on the spot, and their first pages as PNG images in docs/ (needs poppler-utils).

    uv run python scripts/sample_reports.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.models.communications import CommunicationDraft, record_communication  # noqa: E402
from app.models.db import close_database, open_database  # noqa: E402
from app.models.entities import Category  # noqa: E402
from app.models.escalating import EscalationRequest, escalate  # noqa: E402
from app.models.handover import HandoverDraft, ItemDraft, accept, offer  # noqa: E402
from app.models.incidents import change_status, create_incident  # noqa: E402
from app.models.lifecycle import Status  # noqa: E402
from app.models.organisation import save_organisation  # noqa: E402
from app.models.permissions import Role  # noqa: E402
from app.models.support import SupportDraft, record_support  # noqa: E402
from app.models.users import ensure_user  # noqa: E402
from app.models.validation import IncidentDraft  # noqa: E402
from app.reports.exporting import export_evidence_pack, export_incident  # noqa: E402

DOCS = ROOT / "docs"
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


def category(name: str) -> int:
    return Category.get(Category.name == name).id


def story() -> tuple[str, str]:
    """Two incidents: one with its whole lifecycle, one logged and prioritised only."""
    sam = ensure_user("sam.advisor", "Sam Okafor")
    alex = ensure_user("alex.advisor", "Alex Kowalski")
    tess = ensure_user("tess.leader", "Tess Leader", Role.TEAM_LEADER)
    save_organisation("Northwind Contact Centre", None, tess)
    incident = create_incident(IncidentDraft(
        received_at=at(0), channel="phone", caller_type="customer",
        caller_name="Zoë Ørsted", caller_phone="0161 496 0123",
        caller_email="zoe.orsted@example.org", account_ref="AC-771204",
        location="Manchester, head office",
        summary="Billing system not loading for the whole finance team",
        description="Zoë says nobody in finance can open the billing system since 08:45; "
                    "month-end invoices are due out today. Call back on 0161 496 0123.",
        category_id=category("IT system failure"),
        subcategory_id=category("Application error"), impact="medium", urgency="high",
        owner_id=sam.id, details_confirmed=True,
        priority_rationale="Whole team cannot bill on the last working day of the month."),
        sam, now=at(4))
    change_status(incident.id, Status.IN_PROGRESS, sam, "Checking the billing server",
                  now=at(10))
    escalate(incident.id, EscalationRequest(
        "functional", "IT", "phone", "Application server not answering",
        "Cleared the browser cache; tried a second workstation", at(25)), sam, now=at(26))
    record_communication(incident.id, CommunicationDraft(
        audience="caller", channel="phone", at=at(30), recipient="Zoë Ørsted",
        message="Told Zoë IT are restarting the server; next update by 10:30."),
        sam, now=at(31))
    record_communication(incident.id, CommunicationDraft(
        audience="manager", channel="email", at=at(35), recipient="Finance manager",
        subject="Billing outage", message="Billing is down for finance; IT are on it."),
        sam, now=at(36))
    handover = offer(HandoverDraft(alex.id, "face_to_face", (ItemDraft(
        incident.id, outstanding_actions="Confirm with Zoë that invoices run",
        risks="Month-end invoice run at 17:00", promised_to_caller="A call back by 10:30"),),
        shift_note="End of early shift"), sam, now=at(60))
    accept(handover.handover_id, alex, now=at(62))
    record_support(SupportDraft(alex.id, "second_opinion", "face_to_face",
                                "Agreed to wait for IT before telling finance to re-run",
                                at(70), incident=incident.reference), tess, now=at(71))
    change_status(incident.id, Status.RESOLVED, alex,
                  "IT restarted the application server; Zoë confirmed invoices run.",
                  now=at(95))
    change_status(incident.id, Status.CLOSED, alex, "", now=at(120))
    second = create_incident(IncidentDraft(
        received_at=at(130), channel="email", caller_type="customer",
        caller_name="Łukasz Wójcik", caller_phone="", caller_email="lukasz@example.net",
        account_ref="", location="", summary="Parcel tracking page shows someone else's order",
        description="", category_id=category("IT system failure"), subcategory_id=None,
        impact="high", urgency="medium", owner_id=sam.id, details_confirmed=False),
        sam, now=at(133))
    return incident.reference, second.reference


def render(pdf: Path, name: str, pages: int) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", str(pages), str(pdf),
                    str(DOCS / name)], check=True)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        open_database(Path(folder) / "sample.sqlite")
        try:
            first, second = story()
            leader = ensure_user("tess.leader")
            report = Path(folder) / "report.pdf"
            export_incident(first, report, leader, now=at(180))
            render(report, "incident-report", 2)
            pack = Path(folder) / "pack.pdf"
            export_evidence_pack([first, second], pack, leader, now=at(180))
            render(pack, "evidence-pack", 3)
        finally:
            close_database()
    written = [*DOCS.glob("incident-report-*.png"), *DOCS.glob("evidence-pack-*.png")]
    print("Wrote", ", ".join(sorted(p.name for p in written)))


if __name__ == "__main__":
    main()
