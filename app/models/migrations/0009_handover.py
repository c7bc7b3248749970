"""Schema 9: supporting colleagues.

- ``handover``: incidents offered by one colleague to another, how (face to face, phone,
  chat, email), and where the offer stands: offered, accepted, queried (with the
  receiver's reason) or withdrawn, when and by whom that was decided.
- ``handover_item``: each incident of a handover, with the facts as they stood when it was
  offered (status, SLA time left, last update, next action), what the giver added
  (outstanding actions, risks, what the caller was promised) and its owner then.
- ``support_record``: "I helped a colleague": who, on which incident (if any), what kind
  of support, how, and the outcome.
"""

import peewee as pw


def up(migrator, db):
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "user"

    class Incident(Base):
        class Meta:
            table_name = "incident"

    class Handover(Base):
        giver = pw.ForeignKeyField(User, on_delete="RESTRICT", index=True)
        receiver = pw.ForeignKeyField(User, on_delete="RESTRICT", index=True)
        offered_at = pw.DateTimeField(index=True)
        method = pw.CharField(max_length=12)
        state = pw.CharField(max_length=10, index=True)
        decided_at = pw.DateTimeField(null=True)
        decided_by = pw.ForeignKeyField(User, null=True, on_delete="RESTRICT")
        query_reason = pw.TextField(default="")
        shift_note = pw.TextField(default="")

    class HandoverItem(Base):
        handover = pw.ForeignKeyField(Handover, on_delete="RESTRICT", index=True)
        incident = pw.ForeignKeyField(Incident, on_delete="RESTRICT", index=True)
        position = pw.IntegerField(default=0)
        status = pw.CharField(max_length=20)
        sla_left = pw.CharField(max_length=80, default="")
        last_update = pw.TextField(default="")
        next_action = pw.TextField(default="")
        outstanding_actions = pw.TextField(default="")
        risks = pw.TextField(default="")
        promised_to_caller = pw.TextField(default="")
        previous_owner = pw.ForeignKeyField(User, null=True, on_delete="RESTRICT")

    class SupportRecord(Base):
        at = pw.DateTimeField(index=True)
        recorded_at = pw.DateTimeField()
        supporter = pw.ForeignKeyField(User, on_delete="RESTRICT", index=True)
        supported = pw.ForeignKeyField(User, on_delete="RESTRICT")
        incident = pw.ForeignKeyField(Incident, null=True, on_delete="RESTRICT", index=True)
        kind = pw.CharField(max_length=20)
        method = pw.CharField(max_length=12)
        outcome = pw.TextField()
        notes = pw.TextField(default="")

    db.create_tables([Handover, HandoverItem, SupportRecord])
