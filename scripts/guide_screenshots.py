"""Take the user guide's own screenshots in docs/ from a seeded demo database, offscreen:
the dashboard, the welcome dialog, the About box, and the main window in dark mode.

    uv run python scripts/guide_screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.models.dashboard_stats import Preset  # noqa: E402
from app.models.db import close_database, open_database  # noqa: E402
from app.models.demo_data import generate  # noqa: E402
from app.models.entities import Incident, User  # noqa: E402
from app.models.users import current_user  # noqa: E402
from app.views.about_dialog import AboutDialog  # noqa: E402
from app.views.application import make_window  # noqa: E402
from app.views.dashboard import DashboardWindow  # noqa: E402
from app.views.dialogs import Dialogs  # noqa: E402
from app.views.theme import SchemeFollower  # noqa: E402
from app.views.welcome_dialog import WelcomeDialog  # noqa: E402

DOCS = ROOT / "docs"
COUNT = 20_000


def wait_for(signal, timeout_ms: int = 60_000) -> None:
    """Run the event loop until ``signal`` is emitted (the dashboard counts in the
    background)."""
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def dashboard_screenshot(app: QApplication) -> None:
    """The dashboard over the last month of the demo data."""
    dashboard = DashboardWindow()
    dashboard.resize(1400, 1000)
    dashboard.show()
    wait_for(dashboard.updated)
    dashboard.choose_preset(Preset.LAST_MONTH)
    wait_for(dashboard.updated)
    app.processEvents()
    dashboard.grab().save(str(DOCS / "dashboard.png"))
    dashboard.close()


def main() -> None:
    app = QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.sqlite"
        open_database(path)
        # the welcome dialog, as on a new database, before the sample is loaded
        welcome = WelcomeDialog(current_user(), Dialogs())
        generate(COUNT, seed=2026, now=datetime.now(UTC))
        welcome.show()
        app.processEvents()
        welcome.grab().save(str(DOCS / "welcome-dialog.png"))
        welcome.done(0)

        about = AboutDialog(path)
        about.resize(640, 560)
        about.show()
        app.processEvents()
        about.grab().save(str(DOCS / "about-dialog.png"))
        about.done(0)

        dashboard_screenshot(app)

        # the main window as the system's dark mode shows it
        SchemeFollower(app).apply(Qt.ColorScheme.Dark)
        advisor = User.get(User.username == "priya.shah")
        settings = QSettings(str(Path(folder) / "s.ini"), QSettings.Format.IniFormat)
        window = make_window(path, Dialogs(), settings, user=advisor)
        window.resize(1680, 920)
        window.show()
        app.processEvents()
        # an open incident with some history: the newest not yet resolved
        target = (Incident.select().where(Incident.resolved_at.is_null(),
                                          Incident.priority <= 3)
                  .order_by(Incident.received_at.desc()).first()
                  or Incident.select().order_by(Incident.received_at.desc()).get())
        window.select_incident(target.id)
        app.processEvents()
        window.grab().save(str(DOCS / "main-window-dark.png"))
        window.close()
        close_database()


if __name__ == "__main__":
    main()
