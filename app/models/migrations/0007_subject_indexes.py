"""Schema 7: finding a person's records fast (subject access, erasure) at millions of
incidents: indexes on the phone number's digits and the lower-cased email, the expressions
``app.models.personal_data`` searches by."""

import peewee as pw

from app.models.personal_data import EMAIL_KEY_SQL, PHONE_DIGITS_SQL


def up(migrator, db):
    # PostgreSQL wants an indexed expression in parentheses of its own.
    wrap = "{}" if isinstance(db, pw.SqliteDatabase) else "({})"
    db.execute_sql("CREATE INDEX incident_phone_digits ON incident "
                   f"({wrap.format(PHONE_DIGITS_SQL)})")
    db.execute_sql(f"CREATE INDEX incident_email_key ON incident ({wrap.format(EMAIL_KEY_SQL)})")
