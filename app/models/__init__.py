"""Business rules and storage: peewee models and plain-Python rules, with no Qt in them.

peewee is first imported here, before any model, without its PostgreSQL driver: peewee
imports psycopg whenever it is installed, and psycopg (with libpq and its libraries) takes
a tenth of a second to import, a sixth of the window's start on a SQLite file, which never
uses it (issue 9). The driver is imported when a PostgreSQL database is opened, by
:mod:`app.models.pg_database`, whose adapter takes it from there rather than from peewee,
so that peewee working with or without it is all the same to the application.
"""

import sys


def _import_peewee_without_psycopg() -> None:
    if "peewee" in sys.modules:
        return
    # None in sys.modules makes an import of that name raise ImportError (the import
    # system's documented way to hide a module); only for the time of peewee's own import
    hidden = [name for name in ("psycopg", "psycopg2") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None
    try:
        import peewee  # noqa: F401
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


_import_peewee_without_psycopg()
