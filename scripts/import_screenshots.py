"""Take the screenshots of the import dialog in docs/, offscreen, from a small seeded database
and two files written for them:

    uv run python scripts/import_screenshots.py

- docs/import-mapping.png: a workbook whose headings differ, its columns being matched to
  Incident Desk's (one required column still to choose);
- docs/import-problems.png: a CSV file checked, its problems listed by row and column.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.models.clock import now_utc  # noqa: E402
from app.models.db import close_database, open_database  # noqa: E402
from app.models.permissions import Role  # noqa: E402
from app.models.users import ensure_user  # noqa: E402
from app.views.dialogs import Dialogs  # noqa: E402
from app.views.import_dialog import ImportDialog  # noqa: E402

DOCS = ROOT / "docs"
SIZE = (1000, 680)


def _wait(signal) -> None:
    """Until ``signal`` is emitted (the work runs on a worker thread), or 30 s."""
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(30_000, loop.quit)
    loop.exec()


def _workbook(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Call log"
    sheet.append(["Date received", "How", "Caller", "Tel", "Issue type", "What happened",
                  "Impact", "Urgency", "Agent notes"])
    start = (now_utc() - timedelta(days=3)).astimezone().replace(tzinfo=None, hour=9,
                                                                  minute=5, second=0)
    for n, (caller, summary, category) in enumerate((
            ("Olivia Taylor", "Billing system not loading", "IT system failure"),
            ("Marcus Okonkwo", "Calls dropping after the IVR menu", "Telephony outage"),
            ("Priya Raman", "Door access cards rejected", "Facilities"))):
        sheet.append([start + timedelta(minutes=40 * n), "Phone", caller, "0161 496 0123",
                      category, summary, "medium", "high", "called back"])
    workbook.save(path)
    return path


def _bad_csv(path: Path) -> Path:
    received = (now_utc() - timedelta(days=2)).replace(microsecond=0)
    good = {"received_at": received.isoformat(), "channel": "phone",
            "caller_name": "Olivia Taylor", "caller_phone": "0161 496 0123",
            "category": "IT system failure", "summary": "Billing system down",
            "impact": "high", "urgency": "medium", "status": "new", "owner": ""}
    rows = [good,
            {**good, "caller_name": "Jack Jones", "channel": "fax", "impact": ""},
            {**good, "caller_name": "Priya Raman", "caller_phone": "ring reception"},
            {**good, "caller_name": "Ana Silva", "received_at": "27/03/2026"},
            {**good, "caller_name": "Kwame Mensah", "owner": "j.bloggs"},
            {**good, "caller_name": "Tom Price", "category": "Printers"},
            {**good, "caller_name": "Zoe Clark", "status": "resolved"}]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(good))
        writer.writeheader()
        writer.writerows(rows)
    return path


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        open_database(Path(folder) / "import.sqlite")
        try:
            leader = ensure_user("tess.leader", "Tess Leader", Role.TEAM_LEADER)
            ensure_user("sam.advisor", "Sam Advisor")

            dialog = ImportDialog(leader, Dialogs())
            dialog.resize(*SIZE)
            dialog.show()
            dialog.read_file(_workbook(Path(folder) / "call log.xlsx"))
            _wait(dialog.table_read)
            for column, heading in (("received_at", 0), ("channel", 1), ("caller_name", 2),
                                    ("caller_phone", 3), ("category", 4)):
                combo = dialog.combos[column]
                combo.setCurrentIndex(combo.findData(heading))
            dialog.combos["caller_phone"].setFocus()
            app.processEvents()
            dialog.grab().save(str(DOCS / "import-mapping.png"))
            dialog.done(0)

            dialog = ImportDialog(leader, Dialogs())
            dialog.resize(*SIZE)
            dialog.show()
            dialog.read_file(_bad_csv(Path(folder) / "old incidents.csv"))
            _wait(dialog.table_read)
            dialog.check()
            _wait(dialog.checked)
            dialog.problems_view.selectRow(3)  # a reason too long for its cell, in full below
            app.processEvents()
            dialog.grab().save(str(DOCS / "import-problems.png"))
            dialog.done(0)
        finally:
            close_database()


if __name__ == "__main__":
    main()
