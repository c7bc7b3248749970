"""Schema versions: the migrations an existing database is brought up to date with.

peewee's migration runner (playhouse.migrations) is imported only to apply migrations:
it imports playhouse's PostgreSQL extensions and with them psycopg, which a start on an
up-to-date SQLite file has no use for (a tenth of a second, issue 9)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from app.models.db import DatabaseOpenError
from app.resources import incomplete

if TYPE_CHECKING:
    import peewee

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
    # in the runner's order (playhouse.migrations.Migration.load_directory): by the number
    # the name starts with, then by name
    names = [path.stem for path in Path(migrations_folder()).glob("[0-9]*.py")]
    return sorted(names, key=lambda name: (int(re.match(r"\d+", name).group()), name))


def upgrade(db: peewee.Database) -> list[str]:
    """Apply every migration ``db`` lacks, each in its own transaction; return their names."""
    from playhouse.migrations import Runner

    return Runner(db, migrations_folder(), table_name=MIGRATION_TABLE).up()


def applied_migrations(db: peewee.Database) -> list[str]:
    """The names of the migrations applied to ``db``, oldest first."""
    from playhouse.migrations import Runner

    runner = Runner(db, migrations_folder(), table_name=MIGRATION_TABLE)
    return [m.name for m in runner.status() if m.applied]
