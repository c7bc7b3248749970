"""Schema versions: the migrations an existing database is brought up to date with."""

from __future__ import annotations

from pathlib import Path

import peewee
from playhouse.migrations import Migration, Runner

from app.models.db import DatabaseOpenError
from app.resources import incomplete

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
MIGRATION_TABLE = "schema_migration"


def migrations_folder() -> str:
    """The folder of migration scripts, read from disk by peewee's runner.

    Raises:
        DatabaseOpenError: it is missing or holds none (an incomplete installation, such
            as a bundle built without them); no database is created or opened.
    """
    if not any(MIGRATIONS_DIR.glob("[0-9]*.py")):
        raise DatabaseOpenError(incomplete(
            "app/models/migrations", f"is missing or empty ({MIGRATIONS_DIR})",
            "No database can be created or opened without its migration scripts."))
    return str(MIGRATIONS_DIR)


def known_migrations() -> list[str]:
    """The names of the migrations this version knows, oldest first.

    Raises:
        DatabaseOpenError: the migration scripts are missing.
    """
    return [m.name for m in Migration.load_directory(migrations_folder())]


def upgrade(db: peewee.Database) -> list[str]:
    """Apply every migration ``db`` lacks, each in its own transaction; return their names."""
    return Runner(db, migrations_folder(), table_name=MIGRATION_TABLE).up()


def applied_migrations(db: peewee.Database) -> list[str]:
    """The names of the migrations applied to ``db``, oldest first."""
    runner = Runner(db, migrations_folder(), table_name=MIGRATION_TABLE)
    return [m.name for m in runner.status() if m.applied]
