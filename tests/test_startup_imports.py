"""What the window's start imports: not the PostgreSQL driver, ReportLab, the keyring or
the migration runner, which a start on an up-to-date SQLite file never uses (issue 9)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.models.db import close_database, open_database
from app.models.schema import known_migrations

ROOT = Path(__file__).resolve().parents[1]
NOT_AT_START = ("psycopg", "reportlab", "keyring", "playhouse.migrations", "holidays")


def imported_by(code: str) -> list[str]:
    """Which of NOT_AT_START a fresh interpreter has imported after running ``code``."""
    probe = (f"{code}\nimport json, sys\n"
             f"print(json.dumps([m for m in {NOT_AT_START!r} if m in sys.modules]))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={"QT_QPA_PLATFORM": "offscreen",
                                                       "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_window_module_imports_none_of_them():
    assert imported_by("import app.views.application") == []


def test_what_showing_an_incident_needs_waits_for_the_first_paint():
    code = ("import sys, app.views.application\n"
            "from app.views.detail_pane import import_what_showing_needs\n"
            "before = 'app.models.timeline' in sys.modules\n"
            "import_what_showing_needs()\n"
            "print(before, 'app.models.timeline' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={"QT_QPA_PLATFORM": "offscreen",
                                                       "PATH": "/usr/bin:/bin"})
    assert done.stdout.split() == ["False", "True"], done.stderr


def test_opening_an_up_to_date_file_imports_none_of_them(tmp_path):
    path = tmp_path / "desk.sqlite"
    open_database(path)  # made and migrated here
    close_database()
    assert imported_by(f"from app.models.db import open_database, close_database\n"
                       f"open_database({str(path)!r}); close_database()") == []


def test_migrations_are_listed_in_the_runners_order():
    from playhouse.migrations import Migration

    from app.models.schema import migrations_folder

    assert known_migrations() == [m.name for m in
                                  Migration.load_directory(migrations_folder())]


def test_a_postgresql_database_uses_the_applications_driver_adapter():
    pytest.importorskip("psycopg")
    from app.models.pg_database import PostgresDatabase, Psycopg3Adapter

    db = PostgresDatabase("incident_desk", prefer_psycopg3=True)
    assert type(db._adapter) is Psycopg3Adapter
    assert db._adapter.txn_idle is not None and db.index_value_literals
