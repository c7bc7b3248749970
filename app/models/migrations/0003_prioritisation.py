"""Schema 3: priority overrides on incidents, prioritisation hints on categories, and the
log of changes to the organisation's service-level settings."""

import peewee as pw

# category or subcategory name: (hint shown when it is chosen, harm it implies)
HINTS = {
    "Security or data breach": (
        "Security incidents often carry a regulatory impact. If personal data may have been "
        "lost or exposed, say so: the data protection officer is told at once.", ""),
    "Personal data breach": (
        "A personal data breach is usually P1 or P2: the data protection officer is told at "
        "once and the regulator must be told within 72 hours.", "personal_data"),
    "Unauthorised access": (
        "Unauthorised access may expose personal data: check before answering.", ""),
    "Safety": ("A risk to anyone's safety is a high impact: usually P1.", "safety"),
    "Threat to life": ("Threat to life: P1. Call the emergency services first.", "safety"),
    "Telephony outage": (
        "When callers cannot reach us the impact is usually high: often P1 or P2.", ""),
    "Complaint": (
        "A complaint on its own is usually P3 or P4, unless it reports harm or a breach.",
        ""),
}


def up(migrator, db):
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "user"

    class Category(Base):
        name = pw.CharField(max_length=80)
        priority_hint = pw.TextField(default="")
        implied_harm = pw.CharField(max_length=20, default="")

    class ConfigChange(Base):
        at = pw.DateTimeField()
        user = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
        area = pw.CharField(max_length=20)
        summary = pw.TextField()

    db.create_tables([ConfigChange])
    # Plain ALTER TABLE (see 0002): the migrator would rebuild the incident table on SQLite
    # and drop its triggers.
    db.execute_sql("ALTER TABLE incident ADD COLUMN priority_override SMALLINT")
    db.execute_sql("ALTER TABLE category ADD COLUMN priority_hint TEXT NOT NULL DEFAULT ''")
    db.execute_sql("ALTER TABLE category ADD COLUMN implied_harm VARCHAR(20) NOT NULL "
                   "DEFAULT ''")
    for name, (hint, harm) in HINTS.items():
        (Category.update(priority_hint=hint, implied_harm=harm)
         .where(Category.name == name).execute())
