"""Take the screenshots of problems and caller satisfaction in docs/, offscreen, from a small
seeded database:

    uv run python scripts/problem_screenshots.py

- docs/problems.png: the problems window, a known error with its incidents;
- docs/detail-problem.png: an incident's detail pane with the known error's workaround and
  the caller's score;
- docs/satisfaction.png: the satisfaction dialog, a score being recorded.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.models.clock import now_utc  # noqa: E402
from app.models.db import close_database, open_database  # noqa: E402
from app.models.entities import Category, Incident, User  # noqa: E402
from app.models.incidents import change_status, create_incident  # noqa: E402
from app.models.lifecycle import Status  # noqa: E402
from app.models.permissions import Role  # noqa: E402
from app.models.problems import (  # noqa: E402
    ProblemDraft,
    ProblemStatus,
    create_problem,
    link_incident,
    update_problem,
)
from app.models.satisfaction import record_satisfaction  # noqa: E402
from app.models.users import ensure_user  # noqa: E402
from app.models.validation import IncidentDraft  # noqa: E402
from app.views.detail_pane import DetailPane  # noqa: E402
from app.views.dialogs import Dialogs  # noqa: E402
from app.views.operations import IncidentOperations  # noqa: E402
from app.views.problems_window import ProblemsWindow  # noqa: E402
from app.views.satisfaction_dialog import SatisfactionDialog  # noqa: E402

DOCS = ROOT / "docs"
CALLS = (("Olivia Taylor", "Billing system not loading for the whole team"),
         ("Marcus Okonkwo", "Billing screen frozen after sign-in"),
         ("Priya Raman", "Cannot open invoices in billing"),
         ("Jack Taylor", "Billing times out at 9am"),
         ("Ana Silva", "Billing slow since this morning"))


def _category(name: str, parent: str | None = None) -> int:
    query = Category.select().where(Category.name == name)
    if parent:
        query = query.where(Category.parent == Category.get(Category.name == parent))
    return query.get().id


def _call(advisor: User, days_ago: int, caller: str, summary: str) -> Incident:
    now = now_utc()
    return create_incident(IncidentDraft(
        received_at=(now - timedelta(days=days_ago)).replace(hour=8, minute=40 + 3 * days_ago),
        channel="phone", caller_type="customer", caller_name=caller,
        caller_phone="0161 496 0123", summary=summary,
        description="Nobody on the caller's team can use billing.",
        category_id=_category("IT system failure"),
        subcategory_id=_category("Application error", "IT system failure"),
        impact="low", urgency="medium", owner_id=advisor.id, details_confirmed=True),
        advisor)


def seed() -> tuple[User, User, list[Incident], int]:
    advisor = ensure_user("sam.advisor", "Sam Advisor")
    leader = ensure_user("tess.leader", "Tess Leader", Role.TEAM_LEADER)
    incidents = [_call(advisor, n + 1, caller, summary)
                 for n, (caller, summary) in enumerate(CALLS)]
    change_status(incidents[0].id, Status.RESOLVED, advisor,
                  "Cleared the billing cache with the caller; billing loads again.")
    problem = create_problem(ProblemDraft(
        title="Billing system fails after the nightly batch",
        description="Every morning since 3 November billing will not load for the first "
                    "hour, for whole teams.", owner_id=leader.id), advisor,
        incident_id=incidents[0].id)
    for incident in incidents[1:3]:
        link_incident(incident.id, problem.id, advisor)
    update_problem(problem.id, ProblemDraft(
        title=problem.title, description=problem.description, owner_id=leader.id,
        status=ProblemStatus.INVESTIGATING), leader, 1)
    update_problem(problem.id, ProblemDraft(
        title=problem.title, description=problem.description, owner_id=leader.id,
        status=ProblemStatus.KNOWN_ERROR,
        root_cause="The nightly batch leaves the billing cache locked until it times out "
                   "at 10:00.",
        workaround="Ask the caller to sign out, then clear the cache under Billing › Tools › "
                   "Reset cache; billing comes back within a minute."), leader, 2)
    create_problem(ProblemDraft(title="Inbound calls drop after the IVR menu"), advisor)
    create_problem(ProblemDraft(title="Door access cards rejected on floor 2",
                                owner_id=leader.id), advisor)
    record_satisfaction(incidents[0].id, 4, "Sorted while I was on the phone. Thank you!",
                        "phone", now_utc(), advisor)
    return advisor, leader, incidents, problem.id


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        open_database(Path(folder) / "problems.sqlite")
        try:
            advisor, leader, incidents, problem_id = seed()
            window = ProblemsWindow(leader, Dialogs())
            window.resize(1280, 760)
            window.show()
            window.show_problem(problem_id)
            app.processEvents()
            window.grab().save(str(DOCS / "problems.png"))
            window.close()

            pane = DetailPane(IncidentOperations(advisor))
            pane.resize(760, 940)
            pane.show()
            pane.show_incident(incidents[0].id)
            pane.splitter.setSizes([700, 240])
            app.processEvents()
            pane.grab().save(str(DOCS / "detail-problem.png"))
            pane.close()

            change_status(incidents[1].id, Status.RESOLVED, advisor,
                          "Signed out and cleared the cache, as the workaround says.")
            dialog = SatisfactionDialog(incidents[1].id, advisor, Dialogs())
            dialog.show()
            dialog.score_buttons[5].setChecked(True)
            dialog.comment.setPlainText("Quick, and the advisor explained what had happened.")
            app.processEvents()
            dialog.grab().save(str(DOCS / "satisfaction.png"))
            dialog.done(0)
        finally:
            close_database()


if __name__ == "__main__":
    main()
