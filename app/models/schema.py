"""Schema versions: the migrations an existing database is brought up to date with."""

from __future__ import annotations

from pathlib import Path

import peewee
from playhouse.migrations import Migration, Runner

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
MIGRATION_TABLE = "schema_migration"


def known_migrations() -> list[str]:
    """The names of the migrations this version knows, oldest first."""
    return [m.name for m in Migration.load_directory(str(MIGRATIONS_DIR))]


def upgrade(db: peewee.Database) -> list[str]:
    """Apply every migration ``db`` lacks, each in its own transaction; return their names."""
    return Runner(db, str(MIGRATIONS_DIR), table_name=MIGRATION_TABLE).up()


def applied_migrations(db: peewee.Database) -> list[str]:
    """The names of the migrations applied to ``db``, oldest first."""
    runner = Runner(db, str(MIGRATIONS_DIR), table_name=MIGRATION_TABLE)
    return [m.name for m in runner.status() if m.applied]
