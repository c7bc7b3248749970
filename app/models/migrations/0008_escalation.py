"""Schema 8: the escalation matrix as data, escalations made, and stakeholder communications.

- ``escalation_target``: the levels of the management chain (L1-L4) and the teams escalated
  to for their skill; ``escalation_contact``: named people at each; ``escalation_rule``: for
  which incidents, after what share of the resolution target, to whom and how. Seeded with
  the default matrix of the domain brief.
- ``escalation`` and ``communication``: what was done, one row each.
- ``incident.escalation_level`` and ``incident.escalation_due_at`` (the next escalation the
  rules ask for that has not been made), which the log flags once past. Open incidents get
  theirs computed when the database is next opened (``BACKFILL_SETTING``), where the rules
  are at hand.
"""

import peewee as pw

LEVELS = (("L1", "L1 advisor", 1), ("L2", "L2 team leader", 2),
          ("L3", "L3 contact-centre manager", 3), ("L4", "L4 head of operations", 4))
TEAMS = (("IT", "IT service desk"), ("TEL", "Telephony provider"), ("FAC", "Facilities"),
         ("DPO", "Information security / data protection officer"),
         ("CMP", "Complaints team"))
# (priority or None for any, breach only, percent of the resolution target or None for at
# once, target, method)
RULES = ((None, False, 50, "L2", "in_person"), (None, False, 75, "L3", "phone"),
         (None, False, 100, "L4", "phone"), (1, False, None, "L3", "phone"),
         (1, False, None, "L4", "phone"), (None, True, None, "DPO", "phone"))
BACKFILL_SETTING = "escalation.backfill"


def up(migrator, db):
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "user"

    class Category(Base):
        class Meta:
            table_name = "category"

    class Incident(Base):
        class Meta:
            table_name = "incident"

    class Setting(Base):
        key = pw.CharField(max_length=60, primary_key=True)
        value = pw.TextField()

    class EscalationTarget(Base):
        code = pw.CharField(max_length=12, primary_key=True)
        kind = pw.CharField(max_length=5)
        name = pw.CharField(max_length=80)
        rank = pw.SmallIntegerField(null=True)
        position = pw.IntegerField(default=0)

    class EscalationContact(Base):
        target = pw.ForeignKeyField(EscalationTarget, on_delete="RESTRICT",
                                    column_name="target_code")
        name = pw.CharField(max_length=100)
        role = pw.CharField(max_length=100, default="")
        phone = pw.CharField(max_length=30, default="")
        email = pw.CharField(max_length=254, default="")
        hours = pw.CharField(max_length=100, default="")
        position = pw.IntegerField(default=0)

    class EscalationRule(Base):
        position = pw.IntegerField(default=0)
        priority = pw.SmallIntegerField(null=True)
        category = pw.ForeignKeyField(Category, null=True, on_delete="RESTRICT")
        breach = pw.BooleanField(default=False)
        share_percent = pw.SmallIntegerField(null=True)
        target = pw.ForeignKeyField(EscalationTarget, on_delete="RESTRICT",
                                    column_name="target_code")
        method = pw.CharField(max_length=10)
        contact_name = pw.CharField(max_length=100, default="")

    class Escalation(Base):
        incident = pw.ForeignKeyField(Incident, on_delete="RESTRICT", index=True)
        at = pw.DateTimeField()
        recorded_at = pw.DateTimeField()
        user = pw.ForeignKeyField(User, on_delete="RESTRICT")
        kind = pw.CharField(max_length=12)
        target_code = pw.CharField(max_length=12)
        target_name = pw.CharField(max_length=80)
        level = pw.SmallIntegerField(null=True)
        contact_name = pw.CharField(max_length=100, default="")
        contact_detail = pw.CharField(max_length=254, default="")
        method = pw.CharField(max_length=10)
        reason = pw.TextField()
        tried = pw.TextField()

    class Communication(Base):
        incident = pw.ForeignKeyField(Incident, on_delete="RESTRICT", index=True)
        at = pw.DateTimeField()
        recorded_at = pw.DateTimeField()
        user = pw.ForeignKeyField(User, on_delete="RESTRICT")
        audience = pw.CharField(max_length=12)
        recipient = pw.CharField(max_length=254, default="")
        channel = pw.CharField(max_length=10)
        subject = pw.CharField(max_length=200, default="")
        message = pw.TextField()
        reply_awaited = pw.BooleanField(default=False)
        reply_received_at = pw.DateTimeField(null=True)
        delivery = pw.CharField(max_length=8, default="recorded")
        delivery_detail = pw.TextField(default="")

    db.create_tables([EscalationTarget, EscalationContact, EscalationRule, Escalation,
                      Communication])
    # Plain ALTER TABLE (see 0002): the migrator would rebuild the table on SQLite.
    db.execute_sql("ALTER TABLE incident ADD COLUMN escalation_level SMALLINT NOT NULL "
                   "DEFAULT 1")
    datetime_type = "DATETIME" if isinstance(db, pw.SqliteDatabase) else "TIMESTAMP"
    db.execute_sql(f"ALTER TABLE incident ADD COLUMN escalation_due_at {datetime_type}")
    db.execute_sql("CREATE INDEX incident_escalation_due_at ON incident (escalation_due_at)")
    position = 0
    for code, name, rank in LEVELS:
        EscalationTarget.create(code=code, kind="level", name=name, rank=rank,
                                position=position)
        position += 1
    for code, name in TEAMS:
        EscalationTarget.create(code=code, kind="team", name=name, position=position)
        position += 1
    for position, (priority, breach, share, target, method) in enumerate(RULES):
        EscalationRule.create(position=position, priority=priority, breach=breach,
                              share_percent=share, target=target, method=method)
    insert = Setting.insert(key=BACKFILL_SETTING, value="pending")
    if isinstance(db, pw.SqliteDatabase):
        insert.on_conflict_replace().execute()
    else:  # PostgreSQL has no REPLACE; an upsert says the same
        insert.on_conflict(conflict_target=[Setting.key], preserve=[Setting.value]).execute()
