"""Schema 2: the priority matrix, SLA targets and service calendar as data; SLA results,
pauses and the prioritisation record on each incident."""

import peewee as pw

MATRIX = {
    ("high", "high"): 1, ("high", "medium"): 2, ("high", "low"): 3,
    ("medium", "high"): 2, ("medium", "medium"): 3, ("medium", "low"): 4,
    ("low", "high"): 3, ("low", "medium"): 4, ("low", "low"): 5,
}
# priority: (respond minutes, resolve minutes, around the clock)
TARGETS = {1: (15, 240, True), 2: (30, 480, False), 3: (120, 1440, False),
           4: (480, 3000, False), 5: (1200, 6000, False)}
HOURS = [("08:00", "18:00")] * 5 + [(None, None)] * 2
SETTINGS = {"calendar.zone": "Europe/London", "calendar.holidays": "ENG"}


def up(migrator, db):
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Incident(Base):
        class Meta:
            table_name = "incident"

    class PriorityRule(Base):
        impact = pw.CharField(max_length=6)
        urgency = pw.CharField(max_length=6)
        priority = pw.SmallIntegerField()

        class Meta:
            indexes = ((("impact", "urgency"), True),)

    class SlaTarget(Base):
        priority = pw.SmallIntegerField(primary_key=True)
        respond_minutes = pw.IntegerField()
        resolve_minutes = pw.IntegerField()
        around_the_clock = pw.BooleanField(default=False)

    class ServiceHours(Base):
        weekday = pw.SmallIntegerField(primary_key=True)
        opens = pw.CharField(max_length=5, null=True)
        closes = pw.CharField(max_length=5, null=True)

    class ClosedDay(Base):
        day = pw.DateField(primary_key=True)
        reason = pw.CharField(max_length=100, default="")

    class Setting(Base):
        key = pw.CharField(max_length=60, primary_key=True)
        value = pw.TextField()

    class SlaPause(Base):
        incident = pw.ForeignKeyField(Incident, on_delete="RESTRICT", index=True)
        reason = pw.CharField(max_length=20)
        started_at = pw.DateTimeField()
        ended_at = pw.DateTimeField(null=True)

    db.create_tables([PriorityRule, SlaTarget, ServiceHours, ClosedDay, Setting, SlaPause])
    migrator.migrate(
        migrator.add_column("incident", "response_due", pw.DateTimeField(null=True)),
        migrator.add_column("incident", "resolution_due", pw.DateTimeField(null=True)),
        # when 75% of each target has passed: "at risk" from then on
        migrator.add_column("incident", "response_warn_at", pw.DateTimeField(null=True)),
        migrator.add_column("incident", "resolution_warn_at", pw.DateTimeField(null=True)),
        migrator.add_column("incident", "response_met", pw.BooleanField(null=True)),
        migrator.add_column("incident", "resolution_met", pw.BooleanField(null=True)),
        migrator.add_index("incident", ("resolution_due",), False),
    )
    # Plain ALTER TABLE, valid on SQLite and PostgreSQL alike. The migrator would add a
    # NOT NULL column on SQLite by rebuilding the table, which drops its triggers (the
    # search index's and the append-only history's).
    for column in ("prioritisation", "priority_rationale", "priority_override_reason"):
        db.execute_sql(f"ALTER TABLE incident ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
    for (impact, urgency), priority in MATRIX.items():
        PriorityRule.create(impact=impact, urgency=urgency, priority=priority)
    for priority, (respond, resolve, always) in TARGETS.items():
        SlaTarget.create(priority=priority, respond_minutes=respond, resolve_minutes=resolve,
                         around_the_clock=always)
    for weekday, (opens, closes) in enumerate(HOURS):
        ServiceHours.create(weekday=weekday, opens=opens, closes=closes)
    for key, value in SETTINGS.items():
        Setting.create(key=key, value=value)
