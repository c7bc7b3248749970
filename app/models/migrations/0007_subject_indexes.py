"""Schema 7: finding a person's records fast (subject access, erasure) at millions of
incidents: indexes on the phone number's digits and the lower-cased email, the expressions
``app.models.personal_data`` searches by."""

from app.models.personal_data import EMAIL_KEY_SQL, PHONE_DIGITS_SQL


def up(migrator, db):
    db.execute_sql(f"CREATE INDEX incident_phone_digits ON incident ({PHONE_DIGITS_SQL})")
    db.execute_sql(f"CREATE INDEX incident_email_key ON incident ({EMAIL_KEY_SQL})")
