"""The PostgreSQL database class the application connects through (a shared server).

Kept apart from :mod:`app.models.db` so what is particular to a server connection (a
connection lost when the server restarts, notifications for live refresh) has one place.
"""

from __future__ import annotations

import peewee


class PostgresDatabase(peewee.PostgresqlDatabase):
    """A peewee PostgreSQL database (psycopg 3)."""
