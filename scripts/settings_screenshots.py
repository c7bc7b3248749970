"""Take the settings screens' screenshots in docs/, offscreen, each after doing what the
user guide shows: File › Database… with a PostgreSQL server tested (the test server of
``scripts/pg_server.py``, started if need be and then stopped again), and Settings ›
Email… with a test email sent to a real SMTP server on loopback. Secrets go to a keyring
in memory.

    uv run python scripts/settings_screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import pg_server  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.models.db import (  # noqa: E402
    close_database,
    default_database_path,
    open_database,
    parse_target,
)
from app.models.mail import MailSettings, save_mail_settings  # noqa: E402
from app.models.permissions import Role  # noqa: E402
from app.models.users import ensure_user  # noqa: E402
from app.views.database_dialog import DatabaseDialog  # noqa: E402
from app.views.dialogs import Dialogs  # noqa: E402
from app.views.email_settings_dialog import EmailSettingsDialog  # noqa: E402
from tests.keyring_memory import MemoryKeyring, use_keyring  # noqa: E402
from tests.smtp_servers import Inbox, smtp_server  # noqa: E402

DOCS = ROOT / "docs"


def wait_until(done, timeout_ms: int = 20_000) -> None:
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: loop.quit() if done() else None)
    timer.start(20)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    if not done():
        raise SystemExit("gave up waiting")


def database_screenshot(app: QApplication, folder: Path) -> None:
    target = parse_target(pg_server.url())
    # the default file as "now open" (shown, not opened); the choice saved nowhere real
    dialog = DatabaseDialog(default_database_path(), Dialogs(),
                            choice_file=folder / "database.json")
    dialog.resize(620, 0)
    dialog.show()
    dialog.use_server.click()
    dialog.host.setText(target.host)
    dialog.port.setText(str(target.port))
    dialog.database.setText(target.dbname)
    dialog.user.setText(target.user)
    dialog.password.setText(pg_server.PASSWORD)
    dialog.test_button.click()
    wait_until(lambda: dialog.job is not None and dialog.job.done)
    app.processEvents()
    print("Database:", dialog.test_status.text())
    dialog.grab().save(str(DOCS / "database-settings.png"))
    dialog.done(0)


def email_screenshot(app: QApplication, folder: Path) -> None:
    open_database(folder / "mail.sqlite")
    leader = ensure_user("tess.leader", "Tess Leader", role=Role.TEAM_LEADER)
    inbox = Inbox()
    with smtp_server(inbox) as port:
        save_mail_settings(MailSettings(
            host="127.0.0.1", port=port, security="none", username="",
            sender="incident.desk@example.org", sender_name="Incident Desk – Service Centre"),
            leader)
        dialog = EmailSettingsDialog(leader, Dialogs())
        dialog.resize(600, 0)
        dialog.show()
        dialog.test_recipient.setText("tess.leader@example.org")
        dialog.test_button.click()
        wait_until(lambda: dialog.job is not None and dialog.job.done)
        dialog.test_recipient.setFocus()
        app.processEvents()
        print("Email:", dialog.test_status.text(), f"({len(inbox.envelopes)} received)")
        dialog.grab().save(str(DOCS / "email-settings.png"))
        dialog.done(0)
    close_database()


def main() -> None:
    app = QApplication(sys.argv)
    started = not pg_server.running()
    pg_server.start()
    try:
        with use_keyring(MemoryKeyring()), tempfile.TemporaryDirectory() as folder:
            database_screenshot(app, Path(folder))
            email_screenshot(app, Path(folder))
    finally:
        if started:
            pg_server.stop()
    print(f"Saved the screenshots in {DOCS}")


if __name__ == "__main__":
    main()
