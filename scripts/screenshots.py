"""Take the screenshots in docs/ from a seeded demo database, offscreen.

    uv run python scripts/screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from peewee import fn  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.models.backup import backup_now, set_keep_days  # noqa: E402
from app.models.db import close_database, open_database  # noqa: E402
from app.models.demo_data import generate  # noqa: E402
from app.models.entities import Category, Incident, User  # noqa: E402
from app.models.prioritisation import Deadline, Harm, Scope, Trend, Workaround  # noqa: E402
from app.views.application import make_window  # noqa: E402
from app.views.backups_dialog import BackupsDialog  # noqa: E402
from app.views.data_protection_dialog import DataProtectionDialog  # noqa: E402
from app.views.dialogs import Dialogs  # noqa: E402
from app.views.service_levels_dialog import ServiceLevelsDialog  # noqa: E402

DOCS = ROOT / "docs"


def backups_screenshot(app: QApplication, window, path: Path, leader: User) -> None:
    """The backups screen as a team leader sees it, the last days' backups listed."""
    now = datetime.now(UTC)
    for days_ago in (2, 1):
        backup_now(path, now=now - timedelta(days=days_ago))
    set_keep_days(30, leader)
    dialog = BackupsDialog(path, leader, Dialogs(), window)
    dialog.show()
    dialog.on_back_up_now()  # its message shown under the list
    app.processEvents()
    dialog.grab().save(str(DOCS / "backups-dialog.png"))
    dialog.done(0)


def data_protection_screenshot(app: QApplication, window, leader: User) -> None:
    """The data protection screen: a caller's records found by phone, ready to export."""
    caller = (Incident.select(Incident.caller_phone, fn.COUNT(Incident.id).alias("n"))
              .where(Incident.caller_phone != "").group_by(Incident.caller_phone)
              .having(fn.COUNT(Incident.id) >= 3).order_by(fn.COUNT(Incident.id)).first())
    dialog = DataProtectionDialog(leader, Dialogs(), window)
    dialog.show()
    dialog.phone.setText(caller.caller_phone)
    dialog.on_find()
    dialog.request.setText("DSR-2026-014, received by letter on 20/11/2026")
    app.processEvents()
    dialog.grab().save(str(DOCS / "data-protection.png"))
    dialog.done(0)


def escalation_screenshots(app: QApplication, window, user: User) -> None:
    """An incident escalated and updated: its timeline, the matrix showing where it stands,
    and the Escalate and Update dialogs."""
    from app.models.communications import CommunicationDraft, record_communication
    from app.models.escalating import EscalationRequest, escalate
    from app.views.communication_dialog import CommunicationDialog
    from app.views.escalate_dialog import EscalateDialog
    from app.views.escalation_dialog import EscalationMatrixDialog

    now = datetime.now(UTC)
    waiting = (Incident.select().where(Incident.escalation_due_at <= now,
                                       Incident.status.in_(("in_progress", "assigned",
                                                            "new")))
               .order_by(Incident.priority, Incident.received_at.desc()))
    first, second = list(waiting.limit(2))
    record_communication(first.id, CommunicationDraft(
        "caller", "phone", "Called back: engineers are looking at it; next update within two "
        "hours.", first.received_at + timedelta(minutes=20), first.caller_name), user)
    escalate(first.id, EscalationRequest(
        "hierarchical", "L2", "in_person", "The caller's whole team is still down and a "
        "workaround needs a team leader's approval", "Cleared the cache, restarted the "
        "client, checked the service status page", min(now, first.escalation_due_at
                                                       + timedelta(minutes=5)),
        "Grace Whitfield"), user)
    window.on_refresh()
    window.select_incident(first.id)
    window.detail.history_tabs.setCurrentIndex(0)
    app.processEvents()
    window.grab().save(str(DOCS / "main-window-timeline.png"))
    matrix = EscalationMatrixDialog(user, Dialogs(), window)
    matrix.show()
    matrix.show_incident(first.id)
    app.processEvents()
    matrix.grab().save(str(DOCS / "escalation-matrix.png"))
    matrix.close()
    dialog = EscalateDialog(second.id, user, window)
    dialog.show()
    dialog.reason.setPlainText("Caller reports the outage now affects the whole site")
    dialog.tried.setPlainText("Restarted the router remotely; no change")
    app.processEvents()
    dialog.grab().save(str(DOCS / "escalate-dialog.png"))
    dialog.done(0)
    update = CommunicationDialog(second.id, user, Dialogs(), window)
    update.show()
    update.template.setCurrentIndex(update.template.findData("progress"))
    app.processEvents()
    update.grab().save(str(DOCS / "update-dialog.png"))
    update.done(0)


def main() -> None:
    app = QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.sqlite"
        open_database(path)
        generate(50_000, seed=2026, now=datetime.now(UTC))
        user = User.get(User.username == "priya.shah")
        settings = QSettings(str(Path(folder) / "s.ini"), QSettings.Format.IniFormat)
        window = make_window(path, Dialogs(), settings, user=user)
        window.resize(1680, 920)
        window.show()
        app.processEvents()
        target = (Incident.select().where(Incident.status == "in_progress",
                                          Incident.priority <= 3,
                                          Incident.prioritisation != "")
                  .order_by(Incident.received_at.desc()).get())
        window.select_incident(target.id)
        app.processEvents()
        window.grab().save(str(DOCS / "main-window.png"))

        form = window.open_form(None)
        form.caller_name.setText("Olivia Taylor")
        form.caller_phone.setText("0161 496 0123")
        form.caller_email.setText("olivia.taylor@example")
        form.location.setText("Manchester, head office, floor 2")
        form.summary.setText("Billing system not loading for the whole team")
        form.description.setPlainText("Nobody on the billing team can open the billing "
                                      "system since 9 o'clock; customers are waiting.")
        category = Category.get(Category.name == "IT system failure")
        form.category_id.setCurrentIndex(form.category_id.findData(category.id))
        form.impact.setCurrentIndex(form.impact.findData("medium"))
        form.urgency.setCurrentIndex(form.urgency.findData("high"))
        form.on_field_edited("caller_email")
        app.processEvents()
        form.grab().save(str(DOCS / "logging-form.png"))

        wizard = form.open_wizard()
        service = Category.get(Category.name == "Service failure")
        wizard.category_page.category.setCurrentIndex(
            wizard.category_page.category.findData(service.id))
        wizard.category_page.subcategory.setCurrentIndex(
            wizard.category_page.subcategory.findText("Billing error"))
        wizard.next()
        wizard.impact_page.scope.buttons[Scope.MANY].setChecked(True)
        wizard.impact_page.service.setText("billing line")
        wizard.impact_page.harms[Harm.FINANCIAL].setChecked(True)
        app.processEvents()
        wizard.grab().save(str(DOCS / "wizard-impact.png"))
        wizard.next()
        urgency = wizard.urgency_page
        urgency.trend.buttons[Trend.STEADY].setChecked(True)
        urgency.workaround.buttons[Workaround.PARTIAL].setChecked(True)
        urgency.workaround_text.setText("calls can be taken manually")
        urgency.deadline.buttons[Deadline.NONE].setChecked(True)
        wizard.next()
        app.processEvents()
        wizard.grab().save(str(DOCS / "wizard-result.png"))
        wizard.accept()
        app.processEvents()
        form.grab().save(str(DOCS / "logging-form-prioritised.png"))
        form.done(0)

        leader = User.get(User.username == "rachel.green")
        dialog = ServiceLevelsDialog(leader, window)
        dialog.show()
        for index, name in ((0, "service-levels-matrix"), (2, "service-levels-calendar")):
            dialog.tabs.setCurrentIndex(index)
            app.processEvents()
            dialog.grab().save(str(DOCS / f"{name}.png"))
        dialog.done(0)
        backups_screenshot(app, window, path, leader)
        data_protection_screenshot(app, window, leader)
        escalation_screenshots(app, window, user)
        window.close()
        close_database()
    print(f"Saved the screenshots in {DOCS}")


if __name__ == "__main__":
    main()
